"""``imft project ...`` and every analysis command on a project file."""

from __future__ import annotations

import json
import os

import pytest
from store_helpers import copy_case_sheet, next_batch

from imft_desktop.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    first = copy_case_sheet(tmp_path)
    return first, next_batch(first, tmp_path / "batch2.xlsx"), tmp_path / "p.imftproj"


@pytest.mark.parametrize("command", [
    ["info"], ["summary"], ["validate"], ["response"], ["response", "--by", "ALK FISH positive"],
    ["survival", "--by", "ALK FISH positive"], ["survival", "--by", "22q loss",
                                                  "--endpoint", "OS"],
])
def test_analyses_of_a_project_equal_those_of_its_file(capsys, files, command):
    first, _batch, project = files
    assert _run(capsys, "project", "create", project, first)[0] == 0
    code_file, from_file, _ = _run(capsys, command[0], first, *command[1:], "--json")
    code_proj, from_project, err = _run(capsys, command[0], project, *command[1:], "--json")
    assert (code_proj, err) == (code_file, "")
    assert json.loads(from_project) == json.loads(from_file)


def test_the_command_line_round_trip(capsys, files, tmp_path):
    first, batch, project = files
    code, out, _ = _run(capsys, "project", "create", project, first)
    assert code == 0 and "24 samples" in out
    code, out, _ = _run(capsys, "project", "edit", project, "--sample", "SYN-02", "--field",
                        "fish[ALK].percent_split", "--value", "25%", "--reason", "recounted")
    assert code == 0 and "3% -> 25%" in out
    code, _, err = _run(capsys, "project", "edit", project, "--sample", "SYN-02", "--field",
                        "fish.percent_split", "--value", "250%", "--reason", "typo")
    assert code == 1 and "outside the possible range" in err and "Traceback" not in err
    code, out, _ = _run(capsys, "project", "add", project, batch)
    assert code == 0 and "2 new cases" in out and "NOT taken" in out
    code, out, _ = _run(capsys, "project", "add", project, batch, "--accept-updates", "--json")
    added = json.loads(out)
    assert code == 0 and added["new_samples"] == [] and len(added["accepted"]) == 4
    code, out, _ = _run(capsys, "project", "add", project, batch)
    assert code == 0 and "nothing new" in out
    code, out, _ = _run(capsys, "project", "log", project, "--json")
    log = json.loads(out)
    actions = [e["action"] for e in log["entries"]]
    assert actions.count("accept update") == 4 and actions.count("reject update") == 4
    assert log["entries"][1]["why"] == "recounted" and log["audit_position"] == len(actions)
    code, out, _ = _run(capsys, "project", "info", project, "--json")
    info = json.loads(out)
    assert info["samples"] == 26 and [s["status"] for s in info["sources"]] == ["unchanged"] * 3
    assert info["corrections"][0]["reason"] == "recounted"
    # All updates taken: the project now says what the second sheet says, plus the
    # one hand correction; without it the summaries are equal but for the first file.
    code, out, _ = _run(capsys, "project", "edit", project, "--sample", "SYN-02", "--field",
                        "fish.percent_split", "--value", "3%", "--reason", "back to the sheet")
    from_project = json.loads(_run(capsys, "summary", project, "--json")[1])
    from_file = json.loads(_run(capsys, "summary", batch, "--json")[1])
    assert from_project.pop("file") == "cases.xlsx" and from_file.pop("file") == "batch2.xlsx"
    assert from_project == from_file


def test_changed_sources_are_shown(capsys, files):
    first, _batch, project = files
    _run(capsys, "project", "create", project, first)
    next_batch(first, first)
    code, out, _ = _run(capsys, "project", "info", project)
    assert code == 0 and "[changed]" in out and "imft project add" in out


def test_wrong_calls_get_one_line(capsys, files, tmp_path):
    first, _batch, project = files
    assert _run(capsys, "project", "create", project, tmp_path / "missing.xlsx")[0] == 2
    assert not project.exists()
    code, _, err = _run(capsys, "project", "create", tmp_path / "p.txt", first)
    assert code == 2 and ".imftproj" in err
    _run(capsys, "project", "create", project, first)
    code, _, err = _run(capsys, "project", "create", project, first)
    assert code == 2 and "already exists" in err
    code, _, err = _run(capsys, "summary", project, "--sheet", "Cases")
    assert code == 2 and "--sheet" in err
    code, _, err = _run(capsys, "project", "edit", project, "--sample", "SYN-01", "--field",
                        "ihc.call", "--value", "negative", "--reason", "x")
    assert code == 1 and "ihc[KEY].call" in err
    other = tmp_path / "fake.imftproj"
    other.write_bytes(b"SQLite format 3\x00" + os.urandom(2000))
    code, _, err = _run(capsys, "summary", other)
    assert code == 2 and "not an IMFT project" in err and "Traceback" not in err


def test_exports_and_reports_from_a_project_name_its_state(capsys, files, tmp_path):
    import openpyxl

    first, batch, project = files
    _run(capsys, "project", "create", project, first)
    _run(capsys, "project", "edit", project, "--sample", "SYN-02", "--field",
         "fish.percent_split", "--value", "25%", "--reason", "recounted 100 nuclei")
    _run(capsys, "project", "add", project, batch, "--accept-updates")
    out = tmp_path / "results.xlsx"
    code, _, err = _run(capsys, "export", project, "--out", out)
    assert code == 0, err
    wb = openpyxl.load_workbook(out, read_only=True)
    sheet = wb[wb.sheetnames[0]]
    text = "\n".join(" | ".join(str(c) for c in row if c is not None)
                     for row in sheet.iter_rows(values_only=True))
    wb.close()
    assert "Project | p.imftproj" in text
    assert "Project audit position | 7" in text
    assert "Project import 1 | cases.xlsx, SHA-256" in text
    assert "Project import 2 | batch2.xlsx, SHA-256" in text
    assert "SYN-02 fish.percent_split: 3% -> 25%; reason: recounted 100 nuclei" in text


def test_a_deidentified_export_keeps_reasons_not_names(capsys, files, tmp_path):
    from imft_desktop.io.project import Project
    from imft_desktop.reports.provenance import Provenance

    first, _batch, project = files
    _run(capsys, "project", "create", project, first)
    _run(capsys, "project", "edit", project, "--sample", "SYN-02", "--field", "age",
         "--value", "70", "--reason", "chart review")
    with Project.open(project, read_only=True) as p:
        pairs = dict(Provenance.from_cohort(p.cohort, deidentified=True).as_pairs())
        footer = Provenance.from_cohort(p.cohort).footer_text()
    assert pairs["Correction 1"].startswith("samples.age: 69 -> 70; reason: chart review")
    assert "SYN-02" not in pairs["Correction 1"] and "cases.xlsx" not in pairs[
        "Project import 1"]
    assert "project audit position 2" in footer


def test_same_case_on_the_command_line(capsys, files, tmp_path):
    import openpyxl

    first, _batch, project = files
    _run(capsys, "project", "create", project, first)
    wb = openpyxl.load_workbook(first)
    wb["Cases"]["A3"] = "syn - 01"
    wb.save(tmp_path / "clash.xlsx")
    code, out, _ = _run(capsys, "project", "add", project, tmp_path / "clash.xlsx")
    assert code == 0 and '--same-case "syn - 01=SYN-01"' in out
    code, _, err = _run(capsys, "project", "add", project, tmp_path / "clash.xlsx",
                        "--same-case", "syn - 01")
    assert code == 2 and "should look like" in err
    code, out, _ = _run(capsys, "project", "add", project, tmp_path / "clash.xlsx",
                        "--same-case", "syn - 01=SYN-01", "--json")
    assert code == 0 and json.loads(out)["same_case"] == {"syn - 01": "SYN-01"}
