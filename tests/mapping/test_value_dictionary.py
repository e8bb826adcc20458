"""The value dictionary: every distinct value of a mapped column, its meaning, and the
user's corrections saved in the profile and applied again (issue 11, item 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from imft_desktop.io.importer import ImportOptions, import_file
from imft_desktop.io.mapping import MappingProfile, recognise
from imft_desktop.io.read.workbook import read_workbook
from imft_desktop.model.value_dictionary import BUILT_IN, CHOSEN, UNKNOWN

HEADERS = ["Case", "ALK IHC (D5F3)", "Fusion", "PIK3CA", "22q", "Best response",
           "PFS (months)", "Progression"]


def _rows() -> list[list[Any]]:
    ihc = ["pos", "neg", "H-score 120", "not done", "3+", "neg"]
    fusion = ["TPM3-ALK", "none", "not done", "EML4::ALK", "neg", "TPM3-ALK"]
    pik = ["wt", "H1047R", "not done", "wild type", "failed", "wt"]
    cn = ["loss", "no loss", "retained", "partial", "maybe", "22q loss"]
    resp = ["PR", "SD", "PD", "CR", "NE", "mixed"]
    return [[f"C{i + 1:02d}", ihc[i % 6], fusion[i % 6], pik[i % 6], cn[i % 6],
             resp[i % 6], 3.5 + i, ["yes", "no"][i % 2]] for i in range(24)]


@pytest.fixture()
def lab_sheet(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    ws.append(HEADERS)
    for r in _rows():
        ws.append(r)
    path = tmp_path / "lab.xlsx"
    wb.save(path)
    return path


def _entry(cohort: Any, header: str, value: str) -> Any:
    return next(e for e in cohort.value_dictionary
                if e.header == header and e.value == value)


def test_every_value_is_listed_with_its_count_meaning_and_source(lab_sheet: Path) -> None:
    c = import_file(lab_sheet)
    d = c.value_dictionary
    assert {h for _l, h in d.columns()} == set(HEADERS) - {"Case"}
    no_loss = _entry(c, "22q", "no loss")
    assert (no_loss.count, no_loss.meaning, no_loss.source) == (4, "no change (tested)",
                                                                 BUILT_IN)
    assert no_loss.rows == (3, 9, 15, 21)
    assert _entry(c, "Fusion", "not done").meaning == "not tested"
    assert _entry(c, "PIK3CA", "wt").meaning == "no mutation (tested)"
    assert _entry(c, "22q", "maybe").source == UNKNOWN
    assert _entry(c, "ALK IHC (D5F3)", "H-score 120").source == UNKNOWN
    # counts add up to the data rows of each column
    for letter, _h in d.columns():
        assert sum(e.count for e in d.for_column(letter)) == 24


def test_an_unknown_value_is_one_finding_listing_its_rows(lab_sheet: Path) -> None:
    c = import_file(lab_sheet)
    unknown = [f for f in c.findings if f.value == "maybe"]
    assert len(unknown) == 1
    assert unknown[0].rows == (6, 12, 18, 24)
    assert unknown[0].column == "E"


def test_a_chosen_meaning_is_applied_saved_and_reapplied(lab_sheet: Path,
                                                         tmp_path: Path) -> None:
    sheet = read_workbook(lab_sheet).sheet("Cases")
    profile = recognise(sheet)
    cn = next(c for c in profile.columns if c.header == "22q")
    profile.set_value_meaning(cn.column, "maybe", "not tested")
    profile.set_value_meaning(cn.column, "partial", "loss")
    ihc = next(c for c in profile.columns if c.header == "ALK IHC (D5F3)")
    profile.set_value_meaning(ihc.column, "h-score 120", "positive")
    with pytest.raises(ValueError):
        profile.set_value_meaning(ihc.column, "neg", "loss")  # not a meaning of a call
    saved = tmp_path / "lab.profile.json"
    profile.save(saved)

    again = MappingProfile.load(saved)
    c = import_file(lab_sheet, ImportOptions(mapping=again))
    assert _entry(c, "22q", "maybe").source == CHOSEN
    assert _entry(c, "22q", "maybe").meaning.startswith("not tested")
    assert not [f for f in c.findings if f.value == "maybe" and f.level.name == "ERROR"]
    chosen = [f for f in c.findings if f.code == "VALUE_MEANING_CHOSEN"]
    assert {f.value for f in chosen} >= {"partial", "H-score 120"}
    # the denominators follow: 'maybe' (4 rows) is not tested, 'partial' (4) is a loss
    cn_calls = c.table("cn_calls")
    assert len(cn_calls) == 24 - 4  # the 4 'maybe' cases are not tested for 22q
    assert (cn_calls["event"] == "loss").sum() == 4 + 4 + 4  # loss, partial, 22q loss
    ihc_rows = c.table("ihc")
    assert (ihc_rows["call"] == "positive").sum() == 4 + 4 + 4  # pos, 3+, H-score 120
    raw = ihc_rows.loc[ihc_rows["_row"] == 4, "raw:call"].iloc[0]
    assert raw == "H-score 120"  # the cell's own text is kept


def test_profile_layout_1_still_opens_with_no_meanings() -> None:
    fixture = Path(__file__).parent / "fixtures" / "profile_v1.json"
    profile = MappingProfile.load(fixture)
    assert all(c.value_meanings == {} for c in profile.columns)


def test_profile_layout_2_fixture_keeps_its_meanings() -> None:
    fixture = Path(__file__).parent / "fixtures" / "profile_v2.json"
    profile = MappingProfile.load(fixture)
    chosen = {c.header: c.value_meanings for c in profile.columns if c.value_meanings}
    assert list(chosen.values()) == [{"no loss": "neutral", "pending": "not tested"}]


def test_the_report_lists_warnings_and_chosen_meanings(lab_sheet: Path) -> None:
    from imft_desktop.reports.front_matter import readings_table as _readings_table

    sheet = read_workbook(lab_sheet).sheet("Cases")
    profile = recognise(sheet)
    cn = next(c for c in profile.columns if c.header == "22q")
    profile.set_value_meaning(cn.column, "partial", "loss")
    c = import_file(lab_sheet, ImportOptions(mapping=profile))
    table = _readings_table(c)
    assert table is not None
    texts = [" ".join(r) for r in table.rows]
    assert any("partial" in t and "value dictionary" in t for t in texts)
    warnings = [f for f in c.findings if f.level.name == "WARNING"]
    assert len(table.rows) == len(warnings) + 1
