"""Time units as the user wrote them, dates -> PFS / OS, and event columns (issue 11).

Header units in many spellings (property-based), unit-less headers (a warning naming
the column and the rule), results in the sheet's unit unless asked otherwise (CLI,
JSON, tab), R's medians kept in days, PFS / OS derived from dates with the rule stated
and impossible orders reported, and event columns that need an event-like header and
event-like values (a gene's "status" is never the progression event).
"""

from __future__ import annotations

import json
import random
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imft_desktop.cli import main
from imft_desktop.io.importer import ImportOptions, import_file
from imft_desktop.io.mapping.header_rules import recognise_header
from imft_desktop.model.time_units import (
    TIME_UNITS,
    convert,
    default_landmark,
    factor,
    landmark_label,
    normalise_unit,
    unit_in_header,
)

SPELLINGS = {
    "days": ["days", "day", "d", "dy"],
    "weeks": ["weeks", "week", "wk", "wks", "w"],
    "months": ["months", "month", "mo", "mos", "mth", "mths", "m"],
    "years": ["years", "year", "yr", "yrs", "y"],
}
TIME_HEADERS = {"PFS": "pfs", "OS": "os", "Overall survival": "os",
                "Progression-free survival": "pfs", "Time to progression": "pfs",
                "Survival time": "os", "Time on treatment": "time_on_treatment"}


def _random_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))


@st.composite
def headers_with_units(draw):
    """("Survival time (Days)", "days"), ("pfs_WKS", "weeks"), ("OS [mo.]", "months")..."""
    unit = draw(st.sampled_from(TIME_UNITS))
    spelling = _random_case(draw, draw(st.sampled_from(SPELLINGS[unit])))
    stem = draw(st.sampled_from(sorted(TIME_HEADERS)))
    dot = draw(st.sampled_from(["", "."])) if len(spelling) <= 3 else ""
    form = draw(st.sampled_from(["{s} ({u})", "{s} [{u}]", "{s}({u})", "{s}_{u}", "{s} {u}",
                                 "{s}, {u}", "{s} in {u}", "{s} ({u}.)"]))
    if form.endswith("{u}") or "({u}.)" in form:
        dot = ""
    return form.format(s=stem, u=spelling + dot), unit, TIME_HEADERS[stem]


# ------------------------------------------------------------------ header units
@settings(max_examples=300, deadline=None)
@given(headers_with_units())
def test_unit_in_header_reads_every_spelling(case):
    header, unit, _field = case
    assert unit_in_header(header) == unit, header


@settings(max_examples=200, deadline=None)
@given(headers_with_units())
def test_time_header_maps_to_its_unit_with_confidence(case):
    header, unit, stem = case
    g = recognise_header(header, [3, 10, 25])
    suffix = "months" if unit == "months" else unit
    assert g.target == f"outcomes.{stem}_{suffix}", (header, g)
    assert g.confidence >= 0.6 and "no unit in the header" not in g.reason


@pytest.mark.parametrize("header", ["PFS", "OS", "Overall survival", "Survival time",
                                    "Time to progression"])
@pytest.mark.parametrize(("values", "unit"), [([4, 12.5, 30], "months"),
                                              ([95, 412, 800], "days")])
def test_unitless_header_is_a_low_confidence_guess_naming_the_rule(header, values, unit):
    g = recognise_header(header, values)
    assert g.target.endswith(f"_{unit}") or (unit == "months" and g.target.endswith("_months"))
    assert g.confidence < 0.5  # the Import tab marks it for checking
    assert "no unit in the header" in g.reason and "rule" in g.reason


def test_headers_that_are_not_units_stay_unitless():
    for header in ("PFS", "Survival", "Overall survival time", "Time to progression",
                   "DNMT3A status", "Remission", "OS"):
        assert unit_in_header(header) is None, header
    assert normalise_unit("Mo.") == "months" and normalise_unit("WKS") == "weeks"
    assert normalise_unit("fortnights") is None


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=20_000, allow_nan=False).map(lambda x: round(x, 3)),
       st.sampled_from(TIME_UNITS), st.sampled_from(TIME_UNITS))
def test_a_round_trip_through_stored_months_gives_the_users_number_back(x, a, b):
    """Times are stored in months (the validator multiplies, unrounded); shown in the
    sheet's unit they are the sheet's numbers again (365 days -> 11.99... months -> 365
    days), and in another unit the exact conversion."""
    stored = x * factor(a, "months")
    assert convert(stored, "months", a) == x
    assert convert(stored, "months", b) == pytest.approx(x * factor(a, b), rel=1e-11)
    series = convert(pd.Series([stored, stored]), "months", a)
    assert series.tolist() == [x, x]


def test_landmarks_read_naturally_in_each_unit():
    assert [default_landmark(u) for u in TIME_UNITS] == [365.0, 52.0, 12.0, 1.0]
    assert landmark_label(12, "months", "PFS") == "12-month PFS"
    assert landmark_label(365, "days", "OS") == "365-day OS"


# ------------------------------------------------------------------ import and CLI
def _run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr().out
    return rc, out


def _lung_days(tmp_path, reference, header="Survival time (days)"):
    """R's lung data (time in days, status 1/2) under a header with a unit."""
    d = reference("lung_Rcoding_Rdatasets.csv")
    path = tmp_path / "lung.csv"
    pd.DataFrame({"Patient": [f"L{i}" for i in d["rownames"]], header: d["time"],
                  "Vital status": d["status"].map({1: "alive", 2: "dead"}),
                  "Sex": d["sex"].map({1: "male", 2: "female"})}).to_csv(path, index=False)
    return path


def test_survival_on_a_days_sheet_prints_days_and_r_medians(tmp_path, capsys, reference):
    """R: survfit(Surv(time, status) ~ sex, lung): medians 270 (male) and 426 (female)
    days; the log-rank chi-square 10.3 does not depend on the unit."""
    path = _lung_days(tmp_path, reference)
    rc, out = _run(capsys, "survival", str(path), "--by", "Sex")
    assert rc == 0, out
    assert "unit days" in out and "Median, days" in out
    assert " 270 (" in out and " 426 (" in out
    rc, out = _run(capsys, "survival", str(path), "--by", "Sex", "--json")
    rep = json.loads(out)
    assert rep["unit"] == "days" and rep["endpoint"]["unit"] == "days"
    medians = {g["label"]: g["median"] for g in rep["groups"]}
    assert medians == {"female": 426.0, "male": 270.0}
    assert rep["logrank"]["statistic"] == pytest.approx(10.3267, abs=5e-5)
    assert any("times in days, as on the sheet" in m for m in rep["methods"])


def test_unit_option_converts_every_number(tmp_path, capsys, reference):
    path = _lung_days(tmp_path, reference)
    rc, out = _run(capsys, "survival", str(path), "--by", "Sex", "--unit", "months",
                   "--json", "--at", "12")
    rep = json.loads(out)
    assert rep["unit"] == "months"
    g = {x["label"]: x for x in rep["groups"]}
    assert g["male"]["median"] == pytest.approx(270 / 30.4375)
    lo, hi = g["male"]["median_ci"]
    assert (lo, hi) == (pytest.approx(212 / 30.4375), pytest.approx(310 / 30.4375))
    assert rep["logrank"]["statistic"] == pytest.approx(10.3267, abs=5e-5)
    assert any("converted from the sheet's days" in m for m in rep["methods"])
    rc, out = _run(capsys, "survival", str(path), "--by", "Sex", "--unit", "fortnights")
    assert rc == 2  # a wrong call


def test_weeks_header_is_reported_in_weeks(tmp_path, capsys):
    """'Remission (weeks)' as --time: medians in weeks, never labelled months."""
    path = tmp_path / "weeks.csv"
    pd.DataFrame({"Case": [f"C{i}" for i in range(8)],
                  "Remission (weeks)": [4, 8, 12, 16, 20, 24, 28, 32],
                  "Relapse": [1, 1, 0, 1, 1, 0, 1, 1],
                  "Arm": ["A", "B"] * 4}).to_csv(path, index=False)
    rc, out = _run(capsys, "survival", str(path), "--by", "Arm", "--time",
                   "Remission (weeks)", "--event", "Relapse", "--json")
    rep = json.loads(out)
    assert rc == 0 and rep["unit"] == "weeks"


def test_unitless_time_column_warns_and_time_unit_option_answers(tmp_path, capsys):
    path = tmp_path / "nounit.csv"
    pd.DataFrame({"Case": [f"C{i}" for i in range(6)], "PFS": [30, 400, 250, 90, 700, 120],
                  "Progression": [1, 0, 1, 1, 0, 1],
                  "Arm": ["A", "B"] * 3}).to_csv(path, index=False)
    cohort = import_file(path)
    warn = [f for f in cohort.findings if f.code == "TIME_UNIT_ASSUMED"]
    assert len(warn) == 1 and warn[0].level.name == "WARNING"
    assert warn[0].column == "B" and warn[0].header == "PFS"
    assert "days assumed" in warn[0].message and "rule" in warn[0].message
    assert cohort.study["time_unit:pfs_months"] == "days"
    told = import_file(path, ImportOptions(time_unit="weeks"))
    assert not [f for f in told.findings if f.code == "TIME_UNIT_ASSUMED"]
    assert told.study["time_unit:pfs_months"] == "weeks"
    rc, out = _run(capsys, "survival", str(path), "--by", "Arm", "--time-unit", "wk",
                   "--json")
    assert rc == 0 and json.loads(out)["unit"] == "weeks"
    rc, out = _run(capsys, "validate", str(path), "--time-unit", "lightyears")
    assert rc == 2


def test_users_unit_choice_is_saved_in_the_profile_and_reapplied(tmp_path):
    from imft_desktop.io.mapping import MappingProfile, recognise
    from imft_desktop.io.read.workbook import read_workbook

    path = tmp_path / "nounit.csv"
    pd.DataFrame({"Case": ["A", "B", "C"], "OS": [5, 9, 14],
                  "Death": ["yes", "no", "yes"]}).to_csv(path, index=False)
    profile = recognise(read_workbook(path).sheets[0])
    assert profile.column("B").confidence < 0.5
    profile.set_target("B", "outcomes.os_weeks")
    saved = MappingProfile.from_json(profile.to_json())
    cohort = import_file(path, ImportOptions(mapping=saved))
    assert cohort.study["time_unit:os_months"] == "weeks"
    assert not [f for f in cohort.findings if f.code == "TIME_UNIT_ASSUMED"]


# ------------------------------------------------------------------ dates -> PFS / OS
def _dates_sheet(tmp_path):
    path = tmp_path / "dates.xlsx"
    pd.DataFrame({
        "Case": ["K1", "K2", "K3", "K4"],
        "Arm": ["A", "B", "A", "B"],
        "Treatment start": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01",
                                           "2021-06-01"]),
        "Date of progression": pd.to_datetime(["2020-07-01", None, None, None]),
        "Last follow-up": pd.to_datetime(["2021-01-01", "2021-02-01", "2020-09-01",
                                          "2021-05-01"]),
        "Date of death": pd.to_datetime([None, None, "2020-09-01", None]),
    }).to_excel(path, index=False)
    return path


def test_dates_give_pfs_and_os_with_the_rule_stated(tmp_path):
    cohort = import_file(_dates_sheet(tmp_path))
    rule = [f for f in cohort.findings if f.code == "TIME_FROM_DATES"]
    assert sorted(f.value for f in rule) == ["OS", "PFS"]
    assert all(f.level.name == "WARNING" and "minus the start date" in f.message for f in rule)
    out = cohort.table("outcomes").set_index("patient_id")
    days = out["pfs_months"] * 30.4375
    # K1 progressed after 182 days; K2 censored at last follow-up; K3 died (PFS event)
    assert round(days["K1"]) == (date(2020, 7, 1) - date(2020, 1, 1)).days
    assert out.loc["K1", "pfs_event"] == 1
    assert round(days["K2"]) == (date(2021, 2, 1) - date(2020, 2, 1)).days
    assert out.loc["K2", "pfs_event"] == 0
    assert out.loc["K3", "pfs_event"] == 1 and out.loc["K3", "os_event"] == 1
    assert out.loc["K1", "os_event"] == 0
    assert cohort.study["time_unit:pfs_months"] == "days"


def test_follow_up_before_start_is_reported_per_row(tmp_path):
    cohort = import_file(_dates_sheet(tmp_path))
    bad = [f for f in cohort.findings if f.code == "DATE_ORDER_IMPOSSIBLE"]
    assert len(bad) == 1  # once, though it blocks both PFS and OS
    f = bad[0]
    assert (f.sheet, f.row, f.column, f.value) == ("Sheet1", 5, "E", "2021-05-01")
    assert f.level.name == "ERROR" and "2021-06-01" in f.message
    out = cohort.table("outcomes").set_index("patient_id")
    assert "K4" not in out.index or pd.isna(out.loc["K4", "pfs_months"])


def test_survival_from_dates_is_in_days(tmp_path, capsys):
    rc, out = _run(capsys, "survival", str(_dates_sheet(tmp_path)), "--by", "Arm",
                   "--json")
    assert rc == 0, out
    rep = json.loads(out)
    assert rep["unit"] == "days" and rep["n"] == 3  # K4's dates are impossible
    medians = [g["median"] for g in rep["groups"]]
    # arm A: K1 progressed at 182 days, K3 died at 184: S(t) = 0.5 from 182 to 184,
    # so the median is their midpoint, as R computes it
    assert 183.0 in medians
    assert any("derived from dates" in m for m in rep["methods"])


# ------------------------------------------------------------------ event columns
@pytest.mark.parametrize("values", [[0, 1, 1, 0], ["mut", "wt", "wt"], ["yes", "no"]])
@pytest.mark.parametrize("header", ["DNMT3A status", "dnmt3a status", "TP53 status",
                                    "ALK status", "pik3ca status", "ROS1 IHC status"])
def test_a_genes_status_is_never_the_event(header, values):
    assert not recognise_header(header, values).target.endswith("_event")


@pytest.mark.parametrize(("header", "values", "target"), [
    ("PFS status", [1, 0, 1], "outcomes.pfs_event"),
    ("OS status", ["1:DECEASED", "0:LIVING"], "outcomes.os_event"),
    ("Vital status", ["alive", "dead"], "outcomes.os_event"),
    ("Progression", ["yes", "no", 1, 0], "outcomes.pfs_event"),
    ("Progressed", ["Y", "N"], "outcomes.pfs_event"),
    ("Relapse", [True, False], "outcomes.pfs_event"),
    ("Event", [0, 1], "outcomes.pfs_event"),
    ("Censored", [1, 0], "outcomes.pfs_event"),
    ("Dead/alive", ["dead", "alive"], "outcomes.os_event"),
])
def test_event_like_header_and_values_make_an_event(header, values, target):
    assert recognise_header(header, values).target == target


@pytest.mark.parametrize(("header", "values"), [
    ("Status", ["mut", "wt", "wt", "mut"]),
    ("Progression", ["lung", "liver", "bone"]),
    ("Event", ["surgery", "biopsy"]),
])
def test_event_header_without_event_values_is_not_an_event(header, values):
    assert not recognise_header(header, values).target.endswith("_event")


EVENT_CELLS = [(1, 1), (0, 0), ("yes", 1), ("no", 0), ("Y", 1), ("N", 0), ("TRUE", 1),
               ("false", 0), (True, 1), (False, 0), ("progressed", 1), ("censored", 0),
               ("dead", 1), ("alive", 0), ("1:PROGRESSED", 1), ("0:CENSORED", 0)]


@settings(max_examples=25, deadline=None)
@given(st.permutations(EVENT_CELLS), st.integers(0, 2**16))
def test_mixed_event_codings_read_in_any_row_order(tmp_path_factory, cells, seed):
    """yes/no, Y/N, TRUE/FALSE, words and cBioPortal prefixes mixed with 1/0, rows in any
    order (the header sniff sees only some of them): every cell read as meant, and an
    unknown word is a finding, not a guess."""
    rows = list(cells) + [("maybe", None)]
    random.Random(seed).shuffle(rows)
    path = tmp_path_factory.mktemp("ev") / "events.xlsx"
    pd.DataFrame({"Case": [f"C{i:02d}" for i in range(len(rows))],
                  "PFS (months)": list(range(1, len(rows) + 1)),
                  "Progression": [v for v, _ in rows]}).to_excel(path, index=False)
    cohort = import_file(path)
    got = cohort.table("outcomes", include_excluded=True).set_index("patient_id")["pfs_event"]
    for i, (_raw, want) in enumerate(rows):
        value = got[f"C{i:02d}"]
        assert (pd.isna(value) if want is None else value == want), rows[i]
    unknown = [f for f in cohort.findings if f.value == "maybe"]
    assert len(unknown) == 1 and unknown[0].level.name == "ERROR"


def test_r_one_two_coding_is_read_and_said(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame({"Case": ["A", "B", "C"], "PFS (months)": [3, 5, 8],
                  "PFS status": [2, 1, 2]}).to_csv(path, index=False)
    cohort = import_file(path)
    said = [f for f in cohort.findings if f.code == "EVENT_R_CODING"]
    assert said and all(f.level.name == "WARNING" for f in said)
    assert cohort.table("outcomes")["pfs_event"].tolist() == [1, 0, 1]


# ------------------------------------------------------------------ the Survival tab
def test_survival_tab_shows_the_sheet_unit_and_converts(qtbot, tmp_path, reference):
    from imft_desktop.qt.survival_tab import SurvivalTab

    cohort = import_file(_lung_days(tmp_path, reference))
    tab = SurvivalTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_cohort(cohort)
    qtbot.waitUntil(tab.is_ready, timeout=30_000)
    assert tab.study.km.unit == "days" and tab.unit_combo.itemText(0) == "days (sheet)"
    assert tab.at_spin.value() == 365.0
    header = tab.stats_table.horizontalHeaderItem(5).text()
    assert header.startswith("365-day OS")
    assert tab.canvas.figure.axes[-1].get_xlabel() == "Time (days)"
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.unit_combo.setCurrentIndex(tab.unit_combo.findData("months"))
    qtbot.waitUntil(tab.is_ready, timeout=30_000)
    assert tab.study.km.unit == "months" and tab.at_spin.value() == 12.0
    assert tab.stats_table.horizontalHeaderItem(5).text().startswith("12-month OS")
    assert tab.study.km.groups[0].median == pytest.approx(310 / 30.4375)  # R: 310 days


def test_response_tab_swimmer_follows_the_unit(qtbot, tmp_path):
    from imft_desktop.qt.response_tab import ResponseTab

    path = tmp_path / "resp.csv"
    pd.DataFrame({"Case": [f"R{i}" for i in range(6)], "Best response": ["PR", "SD", "PD"] * 2,
                  "PFS (days)": [40, 90, 200, 365, 500, 730],
                  "Progression": ["yes", "no"] * 3}).to_csv(path, index=False)
    tab = ResponseTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=30_000):
        tab.set_cohort(import_file(path))
    qtbot.waitUntil(tab.is_ready, timeout=30_000)
    axis = tab.swimmer_canvas.figure.axes[0]
    assert axis.get_xlabel().endswith("(days)") and tab.unit_combo.itemText(0) == "days (sheet)"
    assert axis.get_xlim()[1] >= 730
    tab.unit_combo.setCurrentIndex(tab.unit_combo.findData("years"))
    axis = tab.swimmer_canvas.figure.axes[0]
    assert axis.get_xlabel().endswith("(years)") and axis.get_xlim()[1] < 3


def test_template_study_time_unit_is_the_unit_of_the_outcome_times(tmp_path, capsys):
    import openpyxl

    from imft_desktop.synthetic import demo_workbook_path

    src = demo_workbook_path()
    if src is None:
        pytest.skip("the synthetic demo workbook is not available")
    wb = openpyxl.load_workbook(src)
    wb["Study"].append(["time_unit", "weeks"])
    path = tmp_path / "weeks.xlsx"
    wb.save(path)
    base = json.loads(_run(capsys, "survival", str(src), "--by", "monosomy 19", "--json")[1])
    rc, out = _run(capsys, "survival", str(path), "--by", "monosomy 19", "--json")
    rep = json.loads(out)
    assert rc == 0 and rep["unit"] == "weeks" and base["unit"] == "months"
    # the same numbers, now read as weeks; the test statistic does not change
    assert [g["median"] for g in rep["groups"]] == [g["median"] for g in base["groups"]]
    assert rep["logrank"]["p"] == pytest.approx(base["logrank"]["p"])
    study = wb["Study"]
    study.cell(row=study.max_row, column=2).value = "fortnights"
    wb.save(path)
    assert any(f.code == "STUDY_VALUE_INVALID" for f in import_file(path).findings)


def test_dates_without_an_end_date_are_reported_not_dropped(tmp_path):
    path = tmp_path / "start_only.xlsx"
    pd.DataFrame({"Case": ["A", "B"], "Treatment start": pd.to_datetime(["2020-01-01",
                                                                          "2020-02-01"]),
                  "Last follow-up": pd.to_datetime(["2021-01-01", "2021-03-01"])}
                 ).to_excel(path, index=False)
    unused = [f for f in import_file(path).findings if f.code == "TIME_DATES_UNUSED"]
    assert sorted(f.column for f in unused) == ["B", "C"]
    assert all("progression or death date" in f.message for f in unused)


def test_an_event_column_that_contradicts_the_dates_is_flagged(tmp_path):
    path = tmp_path / "both.xlsx"
    pd.DataFrame({"Case": ["A", "B"],
                  "Treatment start": pd.to_datetime(["2020-01-01", "2020-01-01"]),
                  "Date of progression": pd.to_datetime(["2020-05-01", None]),
                  "Last follow-up": pd.to_datetime(["2020-09-01", "2020-09-01"]),
                  "Progression": ["yes", "yes"]}).to_excel(path, index=False)
    cohort = import_file(path)
    bad = [f for f in cohort.findings if f.code == "EVENT_DATES_DISAGREE"]
    assert [(f.row, f.column, f.value) for f in bad] == [(3, "E", "yes")]
    assert cohort.table("outcomes")["pfs_event"].tolist() == [1, 0]  # the dates win


def test_excel_day_numbers_in_a_date_column_are_said(tmp_path):
    path = tmp_path / "serials.xlsx"  # numbers in cells (a CSV's "43831" is text: invalid)
    pd.DataFrame({"Case": ["A"], "Start date": [43831], "Progression date": [44013]}
                 ).to_excel(path, index=False)
    cohort = import_file(path)
    said = [f for f in cohort.findings if f.code == "DATE_FROM_SERIAL"]
    assert len(said) == 2 and {f.normalised for f in said} == {"2020-01-01", "2020-07-01"}
    assert round(cohort.table("outcomes")["pfs_months"].iloc[0] * 30.4375) == 182


def test_a_header_that_now_states_its_unit_overrules_the_saved_profile(tmp_path):
    from imft_desktop.io.mapping import recognise
    from imft_desktop.io.read.workbook import read_workbook

    first, second = tmp_path / "m1.csv", tmp_path / "m2.csv"
    pd.DataFrame({"Case": ["A", "B"], "PFS": [5, 9], "Progression": [1, 0]}
                 ).to_csv(first, index=False)
    pd.DataFrame({"Case": ["A", "B"], "PFS (months)": [5, 9], "Progression": [1, 0]}
                 ).to_csv(second, index=False)
    profile = recognise(read_workbook(first).sheets[0])
    profile.set_target("B", "outcomes.pfs_weeks")
    cohort = import_file(second, ImportOptions(mapping=profile))
    conflict = [f for f in cohort.findings if f.code == "TIME_UNIT_CONFLICT"]
    assert len(conflict) == 1 and conflict[0].value == "weeks"
    assert conflict[0].normalised == "months" and conflict[0].level.name == "WARNING"
    assert cohort.study["time_unit:pfs_months"] == "months"
    assert cohort.table("outcomes")["pfs_months"].tolist() == [5, 9]


@pytest.mark.parametrize("first", ["numbers", "words"])
def test_event_words_beyond_the_header_sniff_are_read(tmp_path, first):
    """The recogniser sees the first 200 cells; words (or numbers) after them are read
    all the same, with their finding."""
    numbers = [1, 0] * 150
    words = ["yes", "no", "TRUE", "false", "Y", "N"] * 10
    cells = numbers + words if first == "numbers" else words * 4 + numbers
    want = [1 if str(v).casefold() in {"1", "yes", "true", "y"} else 0 for v in cells]
    path = tmp_path / "long.xlsx"
    pd.DataFrame({"Case": [f"C{i:04d}" for i in range(len(cells))],
                  "PFS (months)": [1 + i % 40 for i in range(len(cells))],
                  "Progression": cells}).to_excel(path, index=False)
    cohort = import_file(path)
    assert not cohort.findings.has_errors
    assert cohort.table("outcomes")["pfs_event"].astype(int).tolist() == want


def test_os_from_last_contact_and_vital_status(tmp_path):
    """Diagnosis date, date of last contact and a vital status: OS runs to the last
    contact with the status as its event (a common registry layout)."""
    path = tmp_path / "registry.xlsx"
    pd.DataFrame({"Case": ["A", "B", "C"],
                  "Date of diagnosis": pd.to_datetime(["2019-01-01", "2019-06-01",
                                                       "2020-01-01"]),
                  "Date of last contact": pd.to_datetime(["2020-01-01", "2021-06-01",
                                                          "2019-12-01"]),
                  "Vital status": ["dead", "alive", "alive"]}).to_excel(path, index=False)
    cohort = import_file(path)
    rule = [f for f in cohort.findings if f.code == "TIME_FROM_DATES"]
    assert len(rule) == 1 and "vital status" in rule[0].message
    out = cohort.table("outcomes").set_index("patient_id")
    assert round(out.loc["A", "os_months"] * 30.4375) == 365 and out.loc["A", "os_event"] == 1
    assert round(out.loc["B", "os_months"] * 30.4375) == 731 and out.loc["B", "os_event"] == 0
    bad = [f for f in cohort.findings if f.code == "DATE_ORDER_IMPOSSIBLE"]
    assert [(f.row, f.column) for f in bad] == [(4, "C")]
