"""``imft report`` and ``imft export`` on the demo workbook."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from imft_desktop.cli import main

DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / "demo_cohort_synthetic.xlsx"
pytestmark = pytest.mark.skipif(not DEMO.exists(), reason="demo workbook not generated")


def test_cli_does_not_load_qt_until_a_report_is_rendered():
    code = ("import sys, imft_desktop.cli as c; c.build_parser(); "
            "import imft_desktop.cli.cmd_report, imft_desktop.cli.cmd_export; "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.gui
@pytest.mark.usefixtures("qapp")
def test_report_per_case_deidentified(tmp_path, capsys):
    out, key = tmp_path / "cases.pdf", tmp_path / "key.csv"
    rc = main(["report", str(DEMO), "--out", str(out), "--per-case", "--samples", "SYN-01",
               "SYN-02", "--deidentify", "--pseudonym-key", str(key), "--secret-file",
               str(tmp_path / "s.key"), "--page-size", "Letter", "--json"])
    assert rc == 0
    info = json.loads(capsys.readouterr().out)
    assert info["pages"] == 2 and info["deidentified"]
    data = out.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 2
    assert b"612" in data  # Letter MediaBox
    rows = key.read_text(encoding="utf-8-sig").splitlines()
    assert any(r.endswith(",SYN-01") for r in rows)


def test_export_workbook_and_csv(tmp_path, capsys):
    out = tmp_path / "results.xlsx"
    assert main(["export", str(DEMO), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "Methods and provenance"
    assert "Alteration frequencies" in wb.sheetnames
    csv_out = tmp_path / "freq.csv"
    assert main(["export", str(DEMO), "--out", str(csv_out)]) == 0
    assert csv_out.read_text(encoding="utf-8-sig").startswith("# Text values starting with")


def test_errors_exit_codes(tmp_path, capsys):
    bad = tmp_path / "empty.xlsx"
    bad.write_bytes(b"")
    assert main(["export", str(bad), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert main(["export", str(DEMO), "--out", str(tmp_path / "x.txt")]) == 2
    assert main(["report", str(DEMO), "--out", str(tmp_path / "r.pdf"),
                 "--pseudonym-key", "k.csv"]) == 2
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("command, suffix", [("export", ".xlsx"), ("report", ".pdf")])
def test_a_key_that_cannot_be_saved_is_said_and_the_output_kept(command, suffix, tmp_path,
                                                                 capsys):
    """The output is written first; a pseudonym key whose folder does not exist is then
    refused in words (exit 2), naming the key, and the output stays."""
    from imft_desktop.cli import main
    from imft_desktop.synthetic import demo_workbook_path

    out = tmp_path / f"result{suffix}"
    rc = main([command, str(demo_workbook_path()), "--out", str(out), "--deidentify",
               "--pseudonym-key", str(tmp_path / "missing" / "key.csv")])
    err = capsys.readouterr().err
    assert rc == 2 and out.is_file()
    assert f"imft {command}: {out.name} was written, but the pseudonym key was not" in err
    assert "key.csv" in err
