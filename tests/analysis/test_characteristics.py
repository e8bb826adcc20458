"""Cohort characteristics (Table 1): counts, denominators, unknowns and tests on small
cohorts computed by hand, the rules for patients with several samples and for assays
(not tested is not done, never negative), a property over random cohorts, and the
tests against R's answers (tests/r_reference)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from imft_desktop.analysis.characteristics import (
    DIFFERENT_GROUPS,
    GROUP,
    NO_GROUPING,
    OVERALL,
    UNGROUPED,
    CharacteristicsTable,
    categorical_test,
    cohort_characteristics,
    numeric_test,
)
from imft_desktop.analysis.groupings import GroupingError
from imft_desktop.model.cohort import Cohort

R_REF = Path(__file__).resolve().parents[1] / "r_reference"
DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / \
    "demo_cohort_synthetic.xlsx"


def small_cohort() -> Cohort:
    """Six patients, one sample each; "Arm" A (S1, S2), B (S3-S5), missing (S6)."""
    ids = [f"S{i}" for i in range(1, 7)]
    samples = pd.DataFrame({
        "sample_id": ids, "patient_id": [f"P{i}" for i in range(1, 7)],
        "age": [30, 40, 50, 60, None, 70],
        "sex": ["female", "male", "female", "female", "male", None],
        "site": ["lung", "lung", "liver", "liver", "abdomen", "lung"],
    })
    outcomes = pd.DataFrame({
        "patient_id": [f"P{i}" for i in range(1, 7)],
        "treatment": ["crizotinib", "crizotinib", "crizotinib", "ceritinib", "crizotinib",
                      None],
        "best_response": ["PR", "SD", "PD", "PR", None, "CR"],
        "pfs_months": [10, 5, 3, 12, None, 20],
        "pfs_event": [1, 0, 1, 0, None, 1],
    })
    ihc = pd.DataFrame({"sample_id": ["S1", "S2", "S3", "S4"], "marker": ["ALK"] * 4,
                        "clone": ["D5F3"] * 4,
                        "call": ["positive", "not tested", "negative", "equivocal"]})
    seq = pd.DataFrame({"sample_id": ["S1", "S2", "S3", "S4"], "assay": ["WGS"] * 4,
                        "status": ["done", "failed", "not done", "done"]})
    extra = pd.DataFrame({"Arm": ["A", "A", "B", "B", "B", None]}, index=ids)
    return Cohort.from_tables({"samples": samples, "outcomes": outcomes, "ihc": ihc,
                               "sequencing": seq}, extra=extra)


def cells(table: CharacteristicsTable, variable: str, level: str) -> dict[str, tuple]:
    """{column key: (count, denominator)} of one level."""
    v = table.variable(variable)
    row = next(r for r in v.rows if r.level == level)
    return {c.key: (cell.count, cell.denominator) for c, cell in zip(table.columns, row.cells)}


def missing(table: CharacteristicsTable, variable: str) -> dict[str, int]:
    v = table.variable(variable)
    return {c.key: m for c, m in zip(table.columns, v.missing)}


# ---------------------------------------------------------------------- by hand
def test_columns_are_the_groups_the_ungrouped_and_everyone():
    t = cohort_characteristics(small_cohort(), "Arm")
    assert [(c.key, c.kind, c.n) for c in t.columns] == [
        ("group:A", GROUP, 2), ("group:B", GROUP, 3), ("ungrouped", UNGROUPED, 1),
        ("overall", OVERALL, 6)]
    assert dict(t.ungrouped_reasons) == {"missing value": 1}
    assert t.ungrouped_patients == (("P6", "missing value"),)
    assert t.n_patients == 6 and t.n_samples == 6


def test_age_summary_and_exact_mann_whitney():
    t = cohort_characteristics(small_cohort(), "Arm")
    age = t.variable("age")
    a, b, ungrouped, overall = age.rows[0].cells
    assert (a.summary.median, a.summary.q1, a.summary.q3) == (35, 32.5, 37.5)
    assert (a.summary.minimum, a.summary.maximum) == (30, 40)
    assert (b.count, b.summary.median) == (2, 55)  # S5 has no age
    assert (ungrouped.count, ungrouped.summary.median) == (1, 70)
    assert (overall.count, overall.summary.median, overall.summary.q1,
            overall.summary.q3) == (5, 50, 40, 60)
    assert missing(t, "age") == {"group:A": 0, "group:B": 1, "ungrouped": 0, "overall": 1}
    # {30, 40} vs {50, 60}: 2 of the C(4, 2) = 6 relabelings are as extreme
    assert age.test.name == "Mann-Whitney U test (exact)"
    assert age.test.p == pytest.approx(2 / 6)
    assert age.test.groups == ("A", "B") and age.test.n == 4


def test_categorical_counts_percentages_of_known_values_and_unknowns():
    t = cohort_characteristics(small_cohort(), "Arm")
    assert cells(t, "sex", "female") == {"group:A": (1, 2), "group:B": (2, 3),
                                         "ungrouped": (0, 0), "overall": (3, 5)}
    assert missing(t, "sex") == {"group:A": 0, "group:B": 0, "ungrouped": 1, "overall": 1}
    female = t.variable("sex").rows[0].cells
    assert female[3].percent == pytest.approx(60.0)  # 3 of the 5 with a known sex
    assert female[2].percent is None
    sex = t.variable("sex").test
    assert sex.name == "Fisher's exact test"
    assert sex.p == pytest.approx(stats.fisher_exact([[1, 2], [1, 1]])[1])
    # most frequent site first; the 3x2 table of A and B: p = 0.2 by hand
    site = t.variable("site")
    assert [r.level for r in site.rows] == ["lung", "liver", "abdomen"]
    assert site.test.name == "Fisher-Freeman-Halton exact test"
    assert site.test.p == pytest.approx(0.2)
    assert [r.level for r in t.variable("treatment").rows] == ["crizotinib", "ceritinib"]


def test_outcomes_response_in_recist_order_and_events_counted_not_tested():
    t = cohort_characteristics(small_cohort(), "Arm")
    response = t.variable("best_response")
    assert [r.level for r in response.rows] == ["CR", "PR", "SD", "PD", "NE"]
    assert cells(t, "best_response", "PR") == {"group:A": (1, 2), "group:B": (1, 2),
                                              "ungrouped": (0, 1), "overall": (2, 5)}
    events = t.variable("pfs_events")
    assert cells(t, "pfs_events", "event") == {"group:A": (1, 2), "group:B": (1, 2),
                                              "ungrouped": (1, 1), "overall": (3, 5)}
    assert missing(t, "pfs_events")["group:B"] == 1
    assert not events.test.tested and "log-rank" in events.test.not_testable
    assert "OS events" in t.not_available


def test_assays_not_tested_is_not_done_never_negative():
    t = cohort_characteristics(small_cohort(), "Arm")
    # S2's "not tested" call is not done; S3's negative and S4's equivocal are done
    assert cells(t, "assay:IHC", "done") == {"group:A": (1, 2), "group:B": (2, 3),
                                            "ungrouped": (0, 1), "overall": (3, 6)}
    assert cells(t, "assay:IHC ALK D5F3", "done")["overall"] == (3, 6)
    # WGS failed (S2) and not done (S3) are not done
    assert cells(t, "assay:WGS", "done") == {"group:A": (1, 2), "group:B": (1, 3),
                                            "ungrouped": (0, 1), "overall": (2, 6)}
    assert cells(t, "capability:mutation", "done")["overall"] == (2, 6)
    assert all(m == 0 for m in t.variable("assay:WGS").missing)
    assert t.variable("assay:WGS").test.name == "Fisher's exact test"


def test_nothing_to_test_says_why():
    t = cohort_characteristics(small_cohort(), "Arm")
    treatment = t.variable("treatment")  # A has crizotinib only, B both: testable
    assert treatment.test.tested
    one = cohort_characteristics(small_cohort(), "sex")
    site_test = one.variable("sex").test
    assert site_test.tested  # sex by sex: a perfect table, p small
    assert categorical_test(np.array([[3, 2]]), ["A", "B"]).not_testable == \
        "one value only (nothing to compare)"
    assert categorical_test(np.array([[3, 0], [2, 0]]), ["A", "B"]).not_testable == \
        "only one group has values (A)"
    assert categorical_test(np.zeros((2, 2), dtype=int), ["A", "B"]).not_testable == \
        "no group has a value"
    assert numeric_test([("A", np.array([2.0, 2.0])), ("B", np.array([2.0]))]
                        ).not_testable == "all values are equal"
    assert numeric_test([("A", np.array([1.0])), ("B", np.array([]))]
                        ).not_testable == "only one group has values (A)"


def test_without_a_grouping_one_column_and_no_tests():
    t = cohort_characteristics(small_cohort())
    assert [c.key for c in t.columns] == ["overall"]
    assert all(v.test.not_testable == NO_GROUPING for v in t.variables)
    assert t.header() == ("Characteristic", "Overall (n = 6)")
    assert all(line.p == "" and line.test == "" for line in t.lines())


def test_an_unknown_grouping_is_an_error():
    with pytest.raises(GroupingError):
        cohort_characteristics(small_cohort(), "no such column")


def test_lines_are_the_formatted_object():
    t = cohort_characteristics(small_cohort(), "Arm")
    lines = {(line.variable, line.label): line for line in t.lines()}
    assert lines[("sex", "female")].cells == ("1 (50.0%)", "2 (66.7%)", "0", "3 (60.0%)")
    assert lines[("sex", "Unknown")].cells == ("0", "0", "1", "1")
    assert lines[("age", "Median")].cells == ("35", "55", "70", "50")
    assert lines[("age", "IQR")].cells == ("32.5–37.5", "52.5–57.5", "70–70", "40–60")
    assert lines[("age", "Range")].cells == ("30–40", "50–60", "70–70", "30–70")
    assert lines[("age", "Age, years")].p == "0.33"
    assert lines[("assay:WGS", "WGS")].cells[:2] == ("1 (50.0%)", "1 (33.3%)")
    assert lines[("", "Assays done, n (%)")].kind == "section"
    marks = dict(t.test_marks())
    assert marks["a"] == "Mann-Whitney U test (exact)"


# ---------------------------------------------------------------------- patients
def test_several_samples_of_a_patient():
    samples = pd.DataFrame({
        "sample_id": ["A1", "A2", "B1", "B2", "C1"],
        "patient_id": ["PA", "PA", "PB", "PB", "PC"],
        "age": [50, 50, 40, 41, 30],
        "site": ["lung", "liver", "lung", "lung", "lung"],
        "sex": ["female", "female", "male", "male", "female"],
    })
    extra = pd.DataFrame({"Arm": ["A", "A", "A", "B", "B"]},
                         index=["A1", "A2", "B1", "B2", "C1"])
    t = cohort_characteristics(Cohort.from_tables({"samples": samples}, extra=extra), "Arm")
    assert t.n_patients == 3 and t.n_samples == 5
    assert [(c.key, c.n) for c in t.columns] == [("group:A", 1), ("group:B", 1),
                                                ("ungrouped", 1), ("overall", 3)]
    assert dict(t.ungrouped_patients) == {"PB": DIFFERENT_GROUPS}
    # PA's samples disagree on the site, PB's on the age: unknown, and said
    assert missing(t, "site")["group:A"] == 1
    assert missing(t, "age")["ungrouped"] == 1
    assert any("PA (lung, liver)" in w for w in t.warnings)
    assert any("PB (40.0, 41.0)" in w for w in t.warnings)
    assert any("the table counts patients" in n for n in t.notes)


# ---------------------------------------------------------------------- property
_level = st.sampled_from(["a", "b", "c", None])


@st.composite
def random_cohorts(draw):
    n = draw(st.integers(1, 25))
    n_patients = draw(st.integers(1, n))
    patient = [f"P{draw(st.integers(0, n_patients - 1))}" for _ in range(n)]
    ids = [f"S{i}" for i in range(n)]
    samples = pd.DataFrame({
        "sample_id": ids, "patient_id": patient,
        "age": [draw(st.one_of(st.none(), st.integers(15, 80))) for _ in ids],
        "sex": [draw(st.sampled_from(["female", "male", None])) for _ in ids],
        "site": [draw(_level) for _ in ids],
    })
    seq = pd.DataFrame({"sample_id": ids, "assay": ["WGS"] * n,
                        "status": [draw(st.sampled_from(["done", "failed", "not done"]))
                                   for _ in ids]})
    extra = pd.DataFrame({"Group": [draw(st.sampled_from(["X", "Y", "Z", None]))
                                    for _ in ids]}, index=ids)
    return Cohort.from_tables({"samples": samples, "sequencing": seq}, extra=extra)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cohorts(), st.booleans())
def test_counts_add_up_in_every_column(cohort, grouped):
    try:
        t = cohort_characteristics(cohort, "Group" if grouped else None)
    except GroupingError:
        return  # no sample has a group value: the column does not exist
    overall = t.column_index("overall")
    # without a grouping the overall column is the only one (it adds up to itself)
    parts = [i for i, c in enumerate(t.columns) if c.kind != OVERALL] or [overall]
    assert t.columns[overall].n == t.n_patients == sum(t.columns[i].n for i in parts)
    for v in t.variables:
        for j, column in enumerate(t.columns):
            if v.kind == "continuous":
                counted = v.rows[0].cells[j].count
            else:
                counted = sum(r.cells[j].count for r in v.rows)
                assert all(r.cells[j].denominator == column.n - v.missing[j]
                           for r in v.rows)
            # every column's counts are its patients minus the unknown ones
            assert counted == column.n - v.missing[j], (v.key, column.key)
        # overall = the groups + the ungrouped, level by level and for unknowns
        assert v.missing[overall] == sum(v.missing[i] for i in parts)
        for r in v.rows:
            assert r.cells[overall].count == sum(r.cells[i].count for i in parts)


# ---------------------------------------------------------------------- against R
@pytest.fixture(scope="module")
def demo() -> Cohort:
    from imft_desktop.io.importer import import_file

    assert DEMO.exists(), "the demo cohort ships with the program"
    return import_file(str(DEMO))


def _r(name: str) -> pd.DataFrame:
    path = R_REF / name
    assert path.exists(), f"R reference {name} missing: run scripts/r_reference.R"
    return pd.read_csv(path, dtype={"p": str, "statistic": str}).set_index("case")


def test_demo_by_monosomy_19_agrees_with_r(demo):
    t = cohort_characteristics(demo, "monosomy 19")
    ref = _r("fisher_rxc.csv")
    for key, case in (("sex", "demo_sex"), ("site", "demo_site"),
                      ("best_response", "demo_best_response"),
                      ("assay:RNA fusion panel", "demo_rna_fusion_panel"),
                      ("assay:IHC ROS1 D4D6", "demo_ihc_ros1")):
        v = t.variable(key)
        groups = [i for i, c in enumerate(t.columns) if c.kind == GROUP]
        counts = " ".join(str(r.cells[i].count) for r in v.rows for i in groups)
        assert counts == ref.loc[case, "counts"], key  # the same table went to R
        assert v.test.p == pytest.approx(float(ref.loc[case, "p"]), rel=1e-9), key


def test_demo_age_by_response_kruskal_wallis_agrees_with_r(demo):
    t = cohort_characteristics(demo, "best_response")
    test = t.variable("age").test
    ref = _r("kruskal.csv").loc["demo_age_by_response"]
    assert test.name == "Kruskal-Wallis test (chi-squared approximation)"
    assert test.df == int(ref["df"]) == 3
    assert test.statistic == pytest.approx(float(ref["statistic"]), rel=1e-9)
    assert test.p == pytest.approx(float(ref["p"]), rel=1e-9)


def test_kruskal_wallis_agrees_with_r_on_random_groups_with_ties():
    ref = _r("kruskal.csv")
    for case, row in ref.iterrows():
        groups = [np.array(g.split(), dtype=float) for g in row["groups"].split("|")]
        test = numeric_test([(str(i), g) for i, g in enumerate(groups)])
        present = sum(g.size > 0 for g in groups)
        assert test.df == present - 1 == int(row["df"]), case
        assert test.statistic == pytest.approx(float(row["statistic"]), rel=1e-9), case
        assert test.p == pytest.approx(float(row["p"]), rel=1e-9, abs=1e-15), case


def test_mann_whitney_agrees_with_coin_exact():
    ref = pd.read_csv(R_REF / "mw_exact_ties.csv", dtype={"p_exact": str})
    for row in ref.itertuples():
        x = np.array(row.x.split(), dtype=float)
        y = np.array(row.y.split(), dtype=float)
        if np.unique(np.r_[x, y]).size < 2:
            continue
        test = numeric_test([("x", x), ("y", y)])
        if test.name.endswith("(normal approximation)"):
            continue
        assert test.p == pytest.approx(float(row.p_exact), rel=1e-9), row.case


def test_progress_is_reported_and_a_cancel_stops_the_study():
    from imft_desktop.model.progress import Cancelled, Progress

    seen: list[tuple[float, str]] = []
    cohort_characteristics(small_cohort(), "Arm",
                           progress=Progress(lambda f, m: seen.append((f, m)), 0.0))
    assert seen[-1][0] == pytest.approx(1.0)
    assert any("testing sex" in m for _, m in seen)
    stop = Progress()
    stop.cancel()
    with pytest.raises(Cancelled):
        cohort_characteristics(small_cohort(), "Arm", progress=stop)


def test_a_treatment_of_none_is_a_value_not_unknown():
    samples = pd.DataFrame({"sample_id": ["S1", "S2", "S3"], "patient_id": ["P1", "P2", "P3"]})
    outcomes = pd.DataFrame({"patient_id": ["P1", "P2", "P3"],
                             "treatment": ["none", "crizotinib", "NA"]})
    t = cohort_characteristics(Cohort.from_tables({"samples": samples, "outcomes": outcomes}))
    assert [r.level for r in t.variable("treatment").rows] == ["crizotinib", "none"]
    assert missing(t, "treatment") == {"overall": 1}
