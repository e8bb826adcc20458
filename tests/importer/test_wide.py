"""One-row-per-case sheets: the mapping's hints (units, codings, implied events) applied."""

from __future__ import annotations

from importer_helpers import findings, one, workbook

from imft_desktop.io.importer import ImportOptions, build_cohort
from imft_desktop.io.read.raw import RawSheet
from imft_desktop.model.vocab import Level

HEADER = ["Sample", "Patient", "ALK IHC (D5F3)", "ALK FISH %", "ALK partner", "PIK3CA",
          "22q loss", "CNA", "WGS done", "Best response", "PFS (days)", "Progression", "Ward"]
ROWS = [
    ["IMT-01", "P-01", "pos", 45, "TPM3", "H1047R", "yes", "-19, +7", "yes", "PR", 400, "yes",
     "A"],
    ["IMT-02", "P-02", "neg", 3, None, "wt", "no", "23q loss", "yes", "PD", 60, "yes", "B"],
    ["IMT-03", "P-03", None, None, "ALK rearranged", None, None, None, "no", "SD", 240, "no",
     "C"],
]


def _cohort(**options: object):
    sheet = RawSheet("Cases", [HEADER, *ROWS])
    return build_cohort(workbook(sheet), ImportOptions(**options))


def test_wide_sheet_hints_are_applied() -> None:
    c = _cohort()
    assert c.mapping_profile == "Cases"
    # PFS in days -> months, recorded once for the column
    conv = one(c, "UNIT_COLUMN_CONVERTED")
    assert conv.column == "K" and conv.level is Level.INFO
    assert round(c.table("outcomes")["pfs_months"].iloc[0], 3) == round(400 / 30.4375, 3)
    # yes/no progression coded by the mapping profile
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 1, 0]
    # "22q loss" column with yes/no cells: yes = loss, no = neutral
    calls = c.table("cn_calls")
    g = calls.loc[calls["_column"] == "G"]
    assert list(zip(g["sample_id"], g["region"], g["event"])) == [
        ("IMT-01", "22q", "loss"), ("IMT-02", "22q", "neutral")]
    # list column: region and event parsed from one token; a bad token is an error there
    h = calls.loc[calls["_column"] == "H"]
    assert list(zip(h["region"], h["event"])) == [("19", "loss"), ("7", "gain")]
    bad = one(c, "CNA_INVALID_REGION")
    assert (bad.row, bad.column) == (3, "H")
    # fusion column named after its gene: a lone partner becomes PARTNER::GENE
    fus = c.table("fusions")
    assert fus["fusion"].tolist() == ["TPM3::ALK", "?::ALK"]
    assert any(f.code == "FUSION_NORMALISED" and (f.row, f.column) == (2, "E")
               for f in c.findings)
    # FISH call derived; blank IHC cell means not tested
    assert c.fish_tested("ALK") == {"IMT-01", "IMT-02"}
    assert c.ihc_tested("ALK") == {"IMT-01", "IMT-02"}
    # WGS done column drives the denominators; IMT-03 has an ALK finding without it
    assert c.tested_for("fusion") == {"IMT-01", "IMT-02"}
    w = [f for f in findings(c, "ALTERATION_NOT_SEQUENCED") if f.row == 4]
    assert w and w[0].column == "A"
    # unmapped column kept verbatim
    assert c.extra.loc["IMT-03", "Ward"] == "C"


def test_wide_sheet_hidden_rows_follow_the_option() -> None:
    sheet = RawSheet("Cases", [HEADER, *ROWS], hidden_rows={3})
    c = build_cohort(workbook(sheet), ImportOptions(include_hidden_rows=False))
    assert len(findings(c, "ROWS_HIDDEN")) == 1
    assert "IMT-02" not in c.sample_ids


def test_title_calling_the_data_synthetic_marks_the_cohort() -> None:
    title = ["Training set - SYNTHETIC cases, not patient data"]
    c = build_cohort(workbook(RawSheet("Cases", [title, HEADER, *ROWS])), ImportOptions())
    f = one(c, "SHEET_MARKED_SYNTHETIC")
    assert (f.row, f.column, f.level) == (1, "A", Level.INFO)
    assert c.is_synthetic and c.summary_line().endswith("(SYNTHETIC DATA)")
    # a title that does not say so, and a data cell that does, mark nothing
    rows = [[*ROWS[0][:-1], "synthetic graft"], *ROWS[1:]]
    c = build_cohort(workbook(RawSheet("Cases", [["Cohort 2021"], HEADER, *rows])),
                     ImportOptions())
    assert not findings(c, "SHEET_MARKED_SYNTHETIC") and not c.is_synthetic


def test_shipped_demo_case_sheet_is_marked_synthetic() -> None:
    from imft_desktop.io.importer import import_file
    from imft_desktop.synthetic import demo_case_sheet_path

    assert import_file(demo_case_sheet_path()).is_synthetic
