"""``imft validate`` and ``imft info``: exit codes, JSON contract, collapsed human output."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from imft_desktop.cli import main
from imft_desktop.cli.cmd_validate import ISSUE_KEYS, _short_rows, format_group, group_findings
from imft_desktop.io.validation.codes import make


def _write(path: Path, bad: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    ws.append(["sample_id", "patient_id", "age"])
    ws.append(["IMT-01", "P-01", 34])
    ws.append(["IMT-02", "P-02", "7,5" if bad else 40])
    ihc = wb.create_sheet("IHC")
    ihc.append(["sample_id", "marker", "clone", "call"])
    ihc.append(["IMT-01", "ALK", "D5F3", "pos"])
    ihc.append(["IMT-02", "ALK", "D5F3", "neg"])
    seq = wb.create_sheet("Sequencing")
    seq.append(["sample_id", "assay", "status"])
    seq.append(["IMT-01", "WGS", "done"])
    wb.save(path)
    return path


def test_validate_exit_0_without_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "ok.xlsx", bad=False)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("OK")
    assert "VOCAB_NORMALISED" in out and "rows 2-3" in out


def test_validate_exit_1_with_errors_and_json_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "bad.xlsx", bad=True)
    assert main(["validate", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["file"] == "bad.xlsx" and len(report["sha256"]) == 64
    assert report["counts"]["error"] == 1
    issue = report["issues"][0]
    assert set(ISSUE_KEYS) <= set(issue)
    assert (issue["code"], issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "NUMBER_DECIMAL_COMMA", "Samples", 3, "C", "7,5")
    assert issue["level"] == "error"


def test_validate_exit_2_unreadable_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["validate", str(tmp_path / "broken.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "broken.xlsx" in err and "Traceback" not in err
    assert main(["validate", str(tmp_path / "missing.xlsx")]) == 2


def test_validate_bad_event_map_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "ok.xlsx", bad=False)
    assert main(["validate", str(path), "--event-map", "yes"]) == 2
    assert "--event-map" in capsys.readouterr().err


def test_info_human_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "ok.xlsx", bad=False)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "samples   2" in out and "WGS" in out
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["samples"] == 2 and info["tested"]["IHC"] == 2 and info["tested"]["WGS"] == 1


def test_identical_findings_collapse_to_row_ranges() -> None:
    fs = [make("NUMBER_INVALID", sheet="S", row=r, column="C", header="age", value=f"x{r}")
          for r in (4, 9, 12, 13, 14)]
    fs.append(make("NUMBER_INVALID", sheet="S", row=5, column="D", header="h", value="y"))
    groups = group_findings(fs)
    assert [len(g) for g in groups] == [5, 1]
    text = "\n".join(format_group(groups[0]))
    assert "rows 4, 9, 12-14" in text and "(5 times)" in text


def test_validate_with_saved_mapping_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from imft_desktop.io import mapping
    from imft_desktop.io.read.workbook import read_workbook

    wb = openpyxl.Workbook()
    wb.active.title = "Cases"
    wb.active.append(["Sample", "ALK IHC (D5F3)", "Best response"])
    wb.active.append(["IMT-01", "pos", "PR"])
    wb.active.append(["IMT-02", "neg", "SD"])
    wb.save(tmp_path / "cases.xlsx")
    profile = mapping.recognise(read_workbook(tmp_path / "cases.xlsx").sheets[0])
    profile.name = "clinic export"
    profile.save(tmp_path / "profile.json")
    assert main(["info", str(tmp_path / "cases.xlsx"), "--mapping",
                 str(tmp_path / "profile.json"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["mapping_profile"] == "clinic export" and info["tested"]["IHC"] == 2
    (tmp_path / "bad.json").write_text("{bad")
    assert main(["validate", str(tmp_path / "cases.xlsx"), "--mapping",
                 str(tmp_path / "bad.json")]) == 2
    assert "bad.json" in capsys.readouterr().err


def test_long_row_lists_are_shortened() -> None:
    assert _short_rows([4, 9, 12, 13, 14]) == "4, 9, 12-14"
    text = _short_rows(list(range(2, 60, 2)) + [100, 101, 102])
    assert text.endswith(" and 20 more") and text.startswith("2, 4, 6")


def test_repeated_normalisations_collapse_into_one_finding_listing_rows(tmp_path):
    """9 cells of "neg" read as "negative": one INFO finding that lists every row."""
    import openpyxl

    from imft_desktop.io.importer import import_file

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case", "ALK IHC", "PFS (months)", "Progression"])
    for i in range(9):
        ws.append([f"C{i}", "neg", 3 + i, 1])
    ws.append(["C9", "4+", 3, 1])  # out of range: an error, one finding for its cell
    path = tmp_path / "c.xlsx"
    wb.save(path)
    cohort = import_file(path)
    neg = [f for f in cohort.findings if f.code == "VOCAB_NORMALISED" and f.value == "neg"]
    assert len(neg) == 1
    assert neg[0].row == 2 and neg[0].rows == tuple(range(2, 11))
    assert neg[0].to_dict()["rows"] == list(range(2, 11))
    assert "and 8 more rows" in neg[0].location
    errors = [f for f in cohort.findings if f.level == "error"]
    assert [(f.row, f.column) for f in errors] == [(11, "B")]


def test_concat_frames_matches_pandas():
    """The validator's column-wise concatenation gives exactly what pd.concat gives."""
    import numpy as np
    import pandas as pd

    from imft_desktop.io.validation.tables import concat_frames

    a = pd.DataFrame({"x": ["a", None], "f": [1.0, np.nan], "i": [1, 2], "b": [True, False]})
    b = pd.DataFrame({"x": ["c"], "i": [3], "extra": ["z"], "b": [True]})
    c = pd.DataFrame({"f": [2.5], "b": [False], "i": [4.5]})
    for parts in ([a, b], [a, c], [b, c], [a, b, c]):
        pd.testing.assert_frame_equal(concat_frames(parts), pd.concat(parts, ignore_index=True))


def test_row_groups_in_first_seen_order():
    from imft_desktop.io.validation.value_memo import row_groups

    values = ["x", "neg", "pos", "neg", "x", "pos", "neg"]
    groups = row_groups(values, {"neg", "x"})
    assert groups == {"x": [0, 4], "neg": [1, 3, 6]}
    assert list(groups) == ["x", "neg"]
    assert list(row_groups(values, {"neg", "pos", "x"})) == ["x", "neg", "pos"]
    assert row_groups(values, set()) == {}
