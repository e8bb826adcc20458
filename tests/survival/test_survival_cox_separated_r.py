"""Cox with a separated level (a level without events) against R values written by
scripts/r_reference.R into tests/r_reference (CI needs no R)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from imft_desktop.analysis.cox import cox_univariable
from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data

R_REF = Path(__file__).resolve().parents[1] / "r_reference"


def r_table(name: str) -> pd.DataFrame:
    path = R_REF / name
    if not path.exists():
        pytest.skip(f"R reference {name} missing (run scripts/r_reference.R)")
    return pd.read_csv(path, na_values=["NA"], keep_default_na=False)


@pytest.fixture
def separated(make_cohort):
    """Four levels A (reference), B, C, D; C (6 patients) has no events."""
    return make_cohort(r_table("cox_separated_data.csv"), "time", "status", ["group"])


def _cox(cohort, reference=None, **kw):
    g = resolve_grouping(cohort, "group")
    if reference:
        g = g.with_reference(reference)
    return cox_univariable(survival_data(cohort, PFS, g), **kw)


def test_separated_level_alone_is_not_estimable_others_match_r(separated):
    """R coxph on all patients: C's coef runs to -19 (HR 5e-9, se 7613, "Loglik
    converged before variable 2; coefficient may be infinite"), B and D as in the fit
    without C to 1e-11.  We show C "not estimable" and B, D as R."""
    res = _cox(separated)
    ref = r_table("cox_separated.csv")
    c = res.term("C")
    assert c.not_estimable and "no events in 'C'" in c.not_estimable
    assert c.hr is None and (c.n_level, c.events_level) == (6, 0)
    for fit in ("all levels", "without C"):
        rows = ref.loc[ref["fit"] == fit].set_index("level")
        for lvl in ("B", "D"):
            t = res.term(lvl)
            assert t.not_estimable is None
            assert t.coef == pytest.approx(rows.at[lvl, "coef"], abs=1e-6)
            assert t.se == pytest.approx(rows.at[lvl, "se"], abs=1e-6)
            assert t.hr == pytest.approx(rows.at[lvl, "hr"], rel=1e-6)
            assert t.ci[0] == pytest.approx(rows.at[lvl, "lower"], rel=1e-6)
            assert t.ci[1] == pytest.approx(rows.at[lvl, "upper"], rel=1e-6)
            assert t.p == pytest.approx(rows.at[lvl, "p"], abs=1e-6)
    assert res.not_estimable is None
    assert any("fitted without 'C'" in w for w in res.warnings)
    assert set(res.ph_test) == {"B", "D"}


def test_numpy_engine_agrees(separated):
    fast = _cox(separated, engine="numpy", ph_test=False)
    full = _cox(separated)
    assert fast.term("C").not_estimable
    assert fast.term("B").hr == pytest.approx(full.term("B").hr, rel=1e-6)


def test_reference_without_events_leaves_every_hr_not_estimable(separated):
    """Against a reference with no events every HR would be infinite."""
    res = _cox(separated, reference="C")
    assert all(t.not_estimable for t in res.terms)
    assert res.not_estimable


def test_few_events_level_is_suppressed_alone(separated):
    """A level with fewer events than ``min_events`` (but some) stays in the fit and only
    its own HR is suppressed: A 10, B 10, C 0, D 8 events; minimum 9 suppresses D."""
    res = _cox(separated, min_events=9)
    assert res.term("D").not_estimable.startswith("suppressed: 8 event(s) in 'D'")
    assert res.term("C").not_estimable.startswith("not estimable")
    b = res.term("B")
    assert b.not_estimable is None
    # D stays in the fit, so B is the R fit without C only (D's patients in risk sets)
    rows = r_table("cox_separated.csv").set_index(["fit", "level"])
    assert b.coef == pytest.approx(rows.at[("without C", "B"), "coef"], abs=1e-6)


def test_two_groups_separated_is_not_estimable(make_cohort):
    df = pd.DataFrame({"time": [1, 2, 3, 4, 5, 6], "status": [1, 1, 0, 0, 0, 0],
                       "g": ["a", "a", "a", "b", "b", "b"]})
    c = make_cohort(df, "time", "status", ["g"])
    res = cox_univariable(survival_data(c, PFS, resolve_grouping(c, "g")))
    assert res.not_estimable and res.term("b").not_estimable
    assert res.n == 6
