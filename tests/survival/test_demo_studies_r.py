"""The demo's survival studies against R (tests/r_reference/demo_pfs.csv, written by
scripts/r_reference.R): the numbers the four views print (see
tests/reports/test_four_views.py) are R's numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from imft_desktop.analysis.survival_study import SurvivalOptions, survival_study
from imft_desktop.io.importer import import_file
from imft_desktop.synthetic import demo_workbook_path

REFERENCE = Path(__file__).resolve().parents[1] / "r_reference"
GROUPINGS = {"monosomy19": "monosomy 19", "pik3ca": "PIK3CA"}


@pytest.fixture(scope="module")
def demo():
    return import_file(str(demo_workbook_path()))


def _r(value: str) -> float | None:
    return None if value == "NA" else float(value)


def test_r_input_is_the_shipped_demo(demo):
    """R read the demo as the app reads it (times, events, groups), so the reference
    cannot drift from the shipped workbook unnoticed."""
    data = pd.read_csv(REFERENCE / "demo_pfs_data.csv", dtype={"sample_id": str})
    overall = survival_study(demo, SurvivalOptions()).data.frame.set_index("sample_id")
    assert list(data["sample_id"]) == list(overall.index)
    assert data["time"].tolist() == pytest.approx(overall["time"].tolist())
    assert data["event"].tolist() == overall["event"].tolist()
    for column, grouping in GROUPINGS.items():
        study = survival_study(demo, SurvivalOptions(grouping=grouping))
        frame = study.data.frame.set_index("sample_id")
        altered = (frame["group"] == study.data.levels[1]).astype(int)
        expected = data.set_index("sample_id")[column].dropna().astype(int)
        assert altered.sort_index().to_dict() == expected.sort_index().to_dict()


@pytest.mark.parametrize("column", list(GROUPINGS))
def test_demo_study_matches_r(demo, column):
    ref = pd.read_csv(REFERENCE / "demo_pfs.csv", dtype=str, keep_default_na=False)
    ref = ref[ref["grouping"] == column].reset_index(drop=True)
    study = survival_study(demo, SurvivalOptions(grouping=GROUPINGS[column]))
    for level, group in enumerate(study.km.groups):
        row = ref.iloc[level]
        assert (group.n, group.events) == (int(row["n"]), int(row["events"]))
        assert group.median == pytest.approx(_r(row["median"]))
        low, high = group.median_ci
        assert low == pytest.approx(_r(row["median_low"]))
        assert high == _r(row["median_high"])  # None: R's NA (the CI never reaches 50%)
    row = ref.iloc[0]
    assert study.logrank.statistic == pytest.approx(float(row["chisq"]), rel=1e-9)
    assert study.logrank.p == pytest.approx(float(row["p_logrank"]), rel=1e-9)
    term = study.cox.terms[0]
    assert term.hr == pytest.approx(float(row["hr"]), rel=1e-6)
    assert term.ci[0] == pytest.approx(float(row["hr_low"]), rel=1e-6)
    assert term.ci[1] == pytest.approx(float(row["hr_high"]), rel=1e-6)
    assert term.p == pytest.approx(float(row["p_wald"]), rel=1e-6)
    assert not math.isnan(term.hr)
