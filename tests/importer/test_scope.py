"""A lab's own one-row-per-case sheet read the way the pathologist meant it (issue 11).

Per-column test scope (not tested is never negative, no invented assay), rows that are
not cases, the sheet that holds the cases, gene-named headers, unmapped columns and
every interpretation beyond the literal value made visible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import findings, one, workbook

from imft_desktop.analysis.alterations import alteration_matrix
from imft_desktop.io.importer import ImportOptions, build_cohort
from imft_desktop.io.mapping.vocab import cell_is_not_tested, not_tested_status
from imft_desktop.io.read.raw import RawSheet
from imft_desktop.model.vocab import Capability, Level

README_HEADER = ["Case", "ALK IHC (D5F3)", "ALK FISH %", "Fusion", "PIK3CA", "22q",
                 "Best response", "PFS (months)", "Progression"]
PARTNERS = ["TPM3", "TPM4", "CLTC", "RANBP2", "ATIC", "CARS1", "SEC31A", "PPFIBP1", "DCTN1",
            "EML4", "FN1", "TFG", "PRKAR1A", "LMNA", "RRBP1", "THBS1", "IGFBP5", "TPM3"]


def readme_rows(n: int = 30) -> list[list[Any]]:
    """The README's example headers, ``n`` cases: 18 ALK fusions, 3 Fusion cells "not
    done"; PIK3CA: 3 "not done", 1 "failed", 2 H1047R, the rest wild type."""
    rows: list[list[Any]] = [README_HEADER]
    for i in range(n):
        fusion = (f"{PARTNERS[i]}::ALK" if i < 18
                  else "not done" if i >= n - 3 else "none")
        pik3ca = ("not done" if i < 3 else "failed" if i == 3
                  else "H1047R" if i in (5, 9) else "wild type")
        rows.append([f"C{i + 1:02d}", "positive" if i < 20 else "negative",
                     45 if i < 17 else 3, fusion, pik3ca, "loss" if i % 2 == 0 else "normal",
                     "PR", 3 + i, i % 2])
    return rows


def wide(rows: list[list[Any]], name: str = "Cases", **kw: Any):
    return build_cohort(workbook(RawSheet(name, rows, **kw)))


def test_readme_example_denominators_follow_the_column() -> None:
    c = wide(readme_rows())
    m = alteration_matrix(c)
    assert (m.info["ALK fusion"].altered_n, m.info["ALK fusion"].tested_n) == (18, 27)
    assert (m.info["PIK3CA mutation"].altered_n, m.info["PIK3CA mutation"].tested_n) == (2, 26)
    assert m.info["22q loss"].tested_n == 30
    assert m.info["ALK IHC positive (D5F3)"].tested_n == 30
    untested_fusion = {"C28", "C29", "C30"}
    assert not untested_fusion & set(m.tested_samples("ALK fusion"))
    assert {"C01", "C02", "C03", "C04"}.isdisjoint(m.tested_samples("PIK3CA mutation"))


def test_readme_example_names_no_assay_the_sheet_does_not_name() -> None:
    c = wide(readme_rows())
    counts = c.tested_counts()
    assert "WGS" not in counts and not any("WGS" in k for k in counts)
    assert counts["fusion testing, assay not stated"] == 27
    assert counts["PIK3CA mutation testing, assay not stated"] == 26
    assert "WGS" not in c.summary_line()
    assert "fusion testing, assay not stated 27" in c.summary_line()
    notes = findings(c, "SEQUENCING_INFERRED")
    assert {f.column for f in notes} == {"D", "E", "F"}
    assert all("assay not stated" in f.message and f.level is Level.INFO for f in notes)


def test_readme_example_case_sheet_says_not_tested() -> None:
    from imft_desktop.reports.case_sheet import _sequencing_sections

    c = wide(readme_rows())
    texts = [getattr(s, "text", "") for s in _sequencing_sections(c, "C29")]
    assert "Fusions: not tested (no successful fusion-capable assay)." in texts
    texts = [getattr(s, "text", "") for s in _sequencing_sections(c, "C02")]
    assert any(t.startswith("Small variants: not tested") for t in texts)
    table = next(s for s in _sequencing_sections(c, "C04") if hasattr(s, "rows"))
    assert ("PIK3CA mutation testing, assay not stated", "failed (not tested)",
            "PIK3CA mutation") in table.rows
    assert not any("WGS" in str(r) for r in table.rows)


def test_readme_example_through_the_command_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import xlsxwriter

    from imft_desktop.cli import main

    path = tmp_path / "cases.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Cases")
    for r, row in enumerate(readme_rows()):
        ws.write_row(r, 0, row)
    wb.close()
    assert main(["summary", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    alts = {a["label"]: (a["altered"], a["tested"]) for a in out["alterations"]}
    assert alts["ALK fusion"] == (18, 27) and alts["PIK3CA mutation"] == (2, 26)
    assert main(["validate", str(path)]) == 0


def test_survival_and_response_groups_leave_untested_cases_out() -> None:
    from imft_desktop.analysis.groupings import alteration_grouping

    c = wide(readme_rows())
    g = alteration_grouping(c, "PIK3CA mutation")
    assert g.labels.notna().sum() == 26
    assert {"C01", "C02", "C03", "C04"} <= set(g.excluded["not tested"])
    assert alteration_grouping(c, "ALK fusion").labels.notna().sum() == 27


@pytest.mark.parametrize("word", [
    "not done", "Not Done", "NOT  DONE", "not-done", "notdone", "not tested", "Not tested.",
    "failed", "Failed QC", "FAILED", "insufficient", "insufficient DNA", "not evaluable",
    "Not evaluable (too few cells)", "pending", "Pending.", "n/a", "N/A", "N / A", "n.a.",
    "NA", "QNS", "qns", "ND", "no material", "not performed"])
def test_not_tested_words_in_any_case_and_spacing(word: str) -> None:
    assert cell_is_not_tested(word)
    rows = [["Case", "Fusion", "PIK3CA"], ["A", "TPM3::ALK", "wt"], ["B", "none", word],
            ["C", word, "H1047R"]]
    c = wide(rows)
    assert c.tested_for(Capability.FUSION) == {"A", "B"}
    assert c.tested_for(Capability.MUTATION, "PIK3CA") == {"A", "C"}


@pytest.mark.parametrize("word", ["negative", "none", "wt", "wild type", "not detected",
                                  "none detected", "no mutation detected", "0", "neg"])
def test_negative_words_are_tested(word: str) -> None:
    assert not_tested_status(word) is None
    c = wide([["Case", "Fusion"], ["A", "TPM3::ALK"], ["B", word]])
    assert c.tested_for(Capability.FUSION) == {"A", "B"}


def test_error_cells_and_uncalculated_formulas_are_not_tested_and_reported() -> None:
    rows = [["Case", "Fusion", "PIK3CA", "ALK IHC"],
            ["A", "TPM3::ALK", "wt", "pos"],
            ["B", "#DIV/0!", "wt", "neg"],
            ["C", "none", None, None],
            ["D", "none", "H1047R", "pos"]]
    c = wide(rows, error_cells={(3, 1): "#DIV/0!"},
             formula_without_value={(4, 2): "=VLOOKUP(A4,X:Y,2,0)", (4, 3): "=B4"})
    assert c.tested_for(Capability.FUSION) == {"A", "C", "D"}
    assert c.tested_for(Capability.MUTATION, "PIK3CA") == {"A", "B", "D"}
    assert c.ihc_tested("ALK") == {"A", "B", "D"}
    err = one(c, "CELL_ERROR")
    assert (err.row, err.column, err.value) == (3, "B", "#DIV/0!")
    formulas = findings(c, "FORMULA_NOT_CALCULATED")
    assert sorted((f.row, f.column) for f in formulas) == [(4, "C"), (4, "D")]
    assert not findings(c, "FUSION_INVALID")  # reported once, through the test scope


def test_rows_that_are_not_cases_are_left_out_with_warnings() -> None:
    rows = readme_rows(6)
    rows.insert(4, [])  # a blank row inside the table
    rows += [["Total", "6/6", None, "3"], ["n=6"], [],
             ["* ND = not done; QNS = quantity not sufficient"]]
    c = wide(rows)
    assert c.n_samples == 6
    blanks = findings(c, "ROW_BLANK_INSIDE")
    assert [f.row for f in blanks] == [5, 11]
    assert all(f.level is Level.WARNING for f in blanks)
    summary = findings(c, "ROW_SUMMARY")
    assert [(f.row, f.column, f.value) for f in summary] == [(9, "A", "Total"), (10, "A", "n=6")]
    note = one(c, "ROW_FOOTNOTE")
    assert (note.row, note.column, note.level) == (12, "A", Level.WARNING)
    assert note.value.startswith("* ND")


def test_a_readme_sheet_before_the_data_is_passed_over_and_named() -> None:
    readme = RawSheet("README", [["About this workbook"], ["One row per case on 'Data'."],
                                 ["ND = not done"]])
    data = RawSheet("Data", readme_rows(8))
    c = build_cohort(workbook(readme, data))
    assert c.n_samples == 8
    chosen = one(c, "SHEET_CHOSEN")
    assert chosen.sheet == "Data" and chosen.level is Level.WARNING
    assert '"README"' in chosen.message and '"Case"' in chosen.message
    # the user's choice stands, with no finding
    c = build_cohort(workbook(readme, data), ImportOptions(sheet="Data"))
    assert not findings(c, "SHEET_CHOSEN")


def test_one_sheet_workbook_needs_no_choice() -> None:
    assert not findings(wide(readme_rows(4)), "SHEET_CHOSEN")


@pytest.mark.parametrize(("header", "gene"), [
    ("pik3ca", "PIK3CA"), ("DNMT3A status", "DNMT3A"), ("Dnmt3a", "DNMT3A"),
    ("tp53", "TP53"), ("KRAS mutation", "KRAS")])
def test_a_header_naming_a_gene_maps_to_it_in_any_case(header: str, gene: str) -> None:
    rows = [["Case", header, "PFS (months)", "Progression"],
            ["A", "mutated", 3, 1], ["B", "wt", 5, 0], ["C", "not done", 7, 1]]
    c = wide(rows)
    assert c.tested_for(Capability.MUTATION, gene) == {"A", "B"}
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0, 1]  # the real event column


def test_unmapped_columns_with_data_get_a_finding() -> None:
    rows = [["Case", "Fusion", "Ward", "Empty", "Fusion reads"],
            ["A", "TPM3::ALK", "3B", None, 120], ["B", "none", "4A", None, None]]
    c = wide(rows)
    extra = one(c, "COLUMN_EXTRA")
    assert (extra.column, extra.header) == ("C", "Ward") and '"3B"' in extra.message
    set_aside = one(c, "COLUMN_NOT_ANALYSED")
    assert set_aside.column == "E" and set_aside.level is Level.WARNING
    assert not any(f.column == "D" for f in c.findings)  # no data, nothing to say


def test_a_percent_column_of_fractions_is_scaled_with_a_warning() -> None:
    rows = [["Case", "ALK FISH %"], ["A", 0.35], ["B", 0.05], ["C", 0.8], ["D", None]]
    c = wide(rows)
    f = one(c, "PERCENT_AS_FRACTION")
    assert f.level is Level.WARNING and f.column == "B" and f.rows == (2, 3, 4)
    fish = c.table("fish").set_index("sample_id")
    assert fish.loc["A", "percent_split"] == 35.0 and fish.loc["A", "call"] == "positive"
    # percentages stay as they are
    assert not findings(wide([["Case", "ALK FISH %"], ["A", 35], ["B", 0.5]]),
                        "PERCENT_AS_FRACTION")


def test_ranges_and_approximate_values_are_warnings() -> None:
    rows = [["Case", "ALK IHC %", "PFS (months)"], ["A", "10-20%", "6-8"], ["B", "<1%", 4]]
    c = wide(rows)
    ranges = findings(c, "NUMBER_RANGE")
    assert sorted((f.row, f.column) for f in ranges) == [(2, "B"), (2, "C")]
    assert all(f.level is Level.WARNING for f in ranges + findings(c, "NUMBER_QUALIFIED"))


def test_status_column_decides_and_not_tested_cells_are_its_exceptions() -> None:
    rows = [["Case", "WGS done", "PIK3CA", "TP53"],
            ["A", "yes", "H1047R", "wt"], ["B", "yes", None, "failed"],
            ["C", "yes", "not done", None], ["D", "no", None, None]]
    c = wide(rows)
    assert c.tested_counts()["WGS"] == 3
    assert c.tested_for(Capability.MUTATION, "PIK3CA") == {"A", "B"}
    assert c.tested_for(Capability.MUTATION, "TP53") == {"A", "C"}
    assert c.untested_targets(Capability.MUTATION, "B") == ["TP53"]
    # tested for some mutation: each of A, B, C had one gene column read
    assert c.tested_for(Capability.MUTATION) == {"A", "B", "C"}


def test_assay_named_in_a_header_is_used() -> None:
    rows = [["Case", "Fusion (RNA panel)", "PIK3CA (NGS panel)"],
            ["A", "EML4::ALK", "wt"], ["B", "none", "not done"]]
    counts = wide(rows).tested_counts()
    assert counts["RNA fusion panel (fusion)"] == 2
    assert counts["DNA panel (PIK3CA mutation)"] == 1


def test_an_unreadable_result_is_not_a_negative() -> None:
    rows = [["Case", "22q"], ["A", "loss"], ["B", "normal"], ["C", "blurb"]]
    c = wide(rows)
    assert c.tested_for(Capability.COPY_NUMBER, "22q") == {"A", "B"}


def test_a_study_sheet_names_the_assay_of_columns_whose_header_names_none() -> None:
    study = RawSheet("Study", [["key", "value"], ["study_name", "IMT series"],
                               ["fusion assay", "Archer FusionPlex RNA panel"],
                               ["sequencing", "WGS"]])
    cases = RawSheet("Cases", [["Case", "Fusion", "PIK3CA", "22q"],
                               ["A", "EML4::ALK", "wt", "loss"], ["B", "none", "not done", None]])
    c = build_cohort(workbook(study, cases))
    assert c.n_samples == 2 and not findings(c, "SHEET_CHOSEN")  # Study is not a case sheet
    counts = c.tested_counts()
    assert counts["RNA fusion panel (fusion)"] == 2
    assert counts["WGS (PIK3CA mutation)"] == 1 and counts["WGS (22q copy number)"] == 1
    notes = {f.column: f.message for f in findings(c, "SEQUENCING_INFERRED")}
    assert "named on the Study sheet" in notes["B"]


def test_excel_error_text_in_a_csv_is_an_error_cell_not_a_result() -> None:
    from imft_desktop.io.read.raw import RawWorkbook
    from imft_desktop.model.cohort import SourceFile

    src = SourceFile("lab.csv", "/tmp/lab.csv", "ab" * 32, 1, "csv", "2026-01-01")
    rows = [["Case", "PIK3CA", "Fusion"], ["A", "#N/A", "#N/A"], ["B", "H1047R", "none"],
            ["C", "#VALUE!", "unclear"]]
    c = build_cohort(RawWorkbook(src, [RawSheet("lab", rows)]))
    assert c.tested_for(Capability.MUTATION, "PIK3CA") == {"B"}  # "#N/A" is not "mutated"
    assert c.tested_for(Capability.FUSION) == {"B"}  # "unclear" is no UNCLEA fusion
    assert sorted((f.row, f.column) for f in findings(c, "CELL_ERROR")) == [
        (2, "B"), (2, "C"), (4, "B")]


def test_a_total_row_labelled_beside_a_blank_id_is_not_a_case() -> None:
    rows = readme_rows(3) + [[None, "Total", 2, "2/3"]]
    c = wide(rows)
    assert c.n_samples == 3
    f = one(c, "ROW_SUMMARY")
    assert (f.row, f.column, f.value) == (5, "B", "Total")


def test_a_duplicate_header_and_an_ignored_column_are_warnings() -> None:
    from dataclasses import replace

    from imft_desktop.io import mapping

    sheet = RawSheet("Cases", [["Case", "PIK3CA", "PIK3CA", "Ward"],
                               ["A", "H1047R", "H1047R", "3B"], ["B", "wt", "wt", "4A"]])
    dup = one(build_cohort(workbook(sheet)), "COLUMN_NOT_ANALYSED")
    assert dup.column == "C" and dup.level is Level.WARNING and "already maps" in dup.message
    profile = mapping.recognise(sheet)
    profile.columns = [replace(c, target="ignore") if c.column == "D" else c
                       for c in profile.columns]
    c = build_cohort(workbook(sheet), ImportOptions(mapping=profile))
    ignored = one(c, "COLUMN_IGNORED")
    assert ignored.column == "D" and ignored.level is Level.WARNING and '"3B"' in ignored.message


def test_a_legend_under_the_table_is_a_note_even_across_columns() -> None:
    rows = readme_rows(3) + [[], ["Legend:", "pos = positive", "neg = negative"],
                             ["ND = not done", "QNS = quantity not sufficient"]]
    c = wide(rows)
    assert c.n_samples == 3
    assert [(f.row, f.column) for f in findings(c, "ROW_FOOTNOTE")] == [(6, "A"), (7, "A")]
