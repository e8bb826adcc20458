"""Defects found by trying sheets nobody here wrote (a tester's 25 lab-style sheets):
each is a sheet the way a lab writes it and the reading a pathologist expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from imft_desktop.cli import main
from imft_desktop.io.importer import import_file
from imft_desktop.io.mapping.vocab import split_list_cell
from imft_desktop.io.validation.values import parse_fusion


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _freq(cohort: Any, label: str) -> tuple[int, int]:
    from imft_desktop.analysis.frequencies import frequency_table

    rows = frequency_table(cohort).to_frame().set_index("label")
    return int(rows.loc[label, "altered"]), int(rows.loc[label, "tested"])


@pytest.mark.parametrize("text", ["see report", "awaiting NGS", "sent out", "low quality",
                                  "TP53 R273H", "SEE REPORT"])
def test_free_text_in_a_fusion_cell_is_never_a_fusion(text: str) -> None:
    parsed = parse_fusion(text)
    assert parsed.value is None and parsed.is_error


def test_free_text_cells_leave_the_fusion_denominator(tmp_path: Path) -> None:
    rows = [["Case", "Fusion"], ["A", "EML4-ALK"], ["B", "negative"], ["C", "see report"],
            ["D", "awaiting NGS"], ["E", "sent out"]]
    c = import_file(_book(tmp_path / "f.xlsx", {"Cases": rows}))
    assert _freq(c, "ALK fusion") == (1, 2)
    assert not [p for p in c.table("fusions")["fusion"].astype(str) if "SEE" in p]


def test_one_zero_and_yes_no_result_columns_keep_their_positives(tmp_path: Path) -> None:
    rows = [["Case", "ALK IHC positive (1/0)", "PIK3CA mutated"],
            ["A", 1, "Y"], ["B", 0, "N"], ["C", 1, "yes"], ["D", 0, "no"], ["E", 1, 1],
            ["F", 1, 0], ["G", 0, None]]
    c = import_file(_book(tmp_path / "b.xlsx", {"Cases": rows}))
    assert _freq(c, "ALK IHC positive") == (4, 7)
    assert _freq(c, "PIK3CA mutation") == (3, 6)


def test_statistics_rows_under_the_table_are_not_cases(tmp_path: Path) -> None:
    rows = [["Case", "Age", "Fusion"], *[[f"P{i}", 40 + i, "none"] for i in range(6)],
            ["Median", 42.5, None], ["SD", 1.9, None], ["range", "40-45", None],
            ["IQR", "41-44", None]]
    c = import_file(_book(tmp_path / "s.xlsx", {"Cases": rows}))
    assert c.n_samples == 6
    assert sum(1 for f in c.findings if f.code == "ROW_SUMMARY") >= 1


def test_a_karyotype_is_one_item_of_a_list_cell() -> None:
    assert split_list_cell("t(2;5)(p23;q35)") == ["t(2;5)(p23;q35)"]
    assert split_list_cell("EML4::ALK (E13;A20), TPM3-ALK") == ["EML4::ALK (E13;A20)",
                                                                 "TPM3-ALK"]
    assert split_list_cell("H1047R; E545K") == ["H1047R", "E545K"]


def test_other_sheets_of_cases_are_named_not_dropped_silently(tmp_path: Path) -> None:
    header = ["Case", "Fusion", "PFS (months)"]
    sheets = {str(y): [header, *[[f"{y}-{i}", "none", 3.0 + i] for i in range(5)]]
              for y in (2019, 2020, 2021)}
    c = import_file(_book(tmp_path / "y.xlsx", sheets))
    warning = next(f for f in c.findings if f.code == "SHEETS_NOT_READ")
    assert warning.level.name == "WARNING"
    assert '"2020"' in str(warning.value) and '"2021"' in str(warning.value)


def test_fractions_among_percentages_are_a_warning(tmp_path: Path) -> None:
    rows = [["Case", "ALK FISH split %"], ["A", 0.35], ["B", 42], ["C", 80], ["D", 3],
            ["E", 0.05]]
    c = import_file(_book(tmp_path / "p.xlsx", {"Cases": rows}))
    f = next(f for f in c.findings if f.code == "PERCENT_SMALL_VALUES")
    assert f.level.name == "WARNING" and f.rows == (2, 6)


def test_analysis_of_a_sheet_without_cases_is_refused(tmp_path: Path, capsys: Any) -> None:
    path = _book(tmp_path / "z.xlsx", {"Cases": [["Case", "Fusion", "PFS (months)"]]})
    assert main(["summary", str(path)]) == 2
    assert "holds no cases" in capsys.readouterr().err


def test_response_overall_counts_every_patient_also_with_a_grouping(tmp_path: Path,
                                                                     capsys: Any) -> None:
    import json

    rows = [["Case", "ALK IHC", "Best response"], ["A", "pos", "PR"], ["B", "neg", "PD"],
            ["C", "not done", "PD"], ["D", "pos", "SD"]]
    path = _book(tmp_path / "r.xlsx", {"Cases": rows})
    main(["response", str(path), "--by", "ALK IHC", "--json"])
    overall = json.loads(capsys.readouterr().out)["distribution"]["overall"]
    assert overall["PD"] == 2 and sum(overall.values()) == 4


def test_a_fish_range_across_the_threshold_is_a_warning(tmp_path: Path) -> None:
    rows = [["Case", "ALK FISH %"], ["A", "10-20%"], ["B", "30-40%"], ["C", 5]]
    c = import_file(_book(tmp_path / "r.xlsx", {"Cases": rows}))
    hits = [f for f in c.findings if f.code == "FISH_RANGE_ACROSS_THRESHOLD"]
    assert [(f.row, f.value, f.level.name) for f in hits] == [(2, "10-20%", "WARNING")]
