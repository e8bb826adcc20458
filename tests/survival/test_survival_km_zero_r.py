"""Kaplan-Meier survival at a time where the curve has reached 0, against R's
summary(survfit, times, extend = TRUE) written by scripts/r_reference.R into
tests/r_reference (CI needs no R)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data
from imft_desktop.analysis.survival import kaplan_meier

R_REF = Path(__file__).resolve().parents[1] / "r_reference"


def r_table(name: str) -> pd.DataFrame:
    path = R_REF / name
    if not path.exists():
        pytest.skip(f"R reference {name} missing (run scripts/r_reference.R)")
    return pd.read_csv(path, na_values=["NA"], keep_default_na=False)


@pytest.mark.parametrize("conf_type", ["log", "log-log"])
def test_km_survival_at_matches_r_summary_times(make_cohort, conf_type):
    """summary(survfit(...), times = c(3, 6, 9.9, 12, 24), extend = TRUE): where the curve
    has reached 0 (group reaches0, last event at 9.9) S = 0 with NA limits at 9.9, 12
    and 24; the app used to print NA for S itself beyond the last time.  Beyond the
    follow-up of a curve that ends censored (censored_last, last time 20) R's extend
    carries S forward; the app says unknown (None) there, on purpose."""
    data = r_table("km_zero_data.csv")
    c = make_cohort(data, "time", "status", ["group"])
    km = kaplan_meier(survival_data(c, PFS, resolve_grouping(c, "group")), conf_type)
    ref = r_table("km_zero.csv")
    ref = ref.loc[ref["conf_type"] == conf_type]
    checked = 0
    for row in ref.itertuples():
        g = km.group(row.group)
        s, lo, hi = g.survival_at(row.time)
        if row.group == "censored_last" and row.time > data["time"].max():
            assert (s, lo, hi) == (None, None, None)
            continue
        assert s == pytest.approx(row.survival, abs=1e-12)
        for got, want in ((lo, row.lower), (hi, row.upper)):
            if pd.isna(want):
                assert got is None
            else:
                assert got == pytest.approx(want, abs=1e-9)
        checked += 1
    assert checked == 9
    assert km.group("reaches0").survival_at(12) == (0.0, None, None)
