"""CSV export: formula triggers neutralised in text, numbers untouched, note on top."""

from __future__ import annotations

import csv
import io

import pandas as pd

from imft_desktop.io.write.csv_export import NEUTRALISATION_NOTE, csv_text, neutralise, write_csv


def _rows(text: str) -> list[list[str]]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


def test_neutralise_each_trigger():
    for value in ("=HYPERLINK(\"http://x\",\"y\")", "+7", "-19", "@SUM(1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("TPM3::ALK") == "TPM3::ALK"
    assert neutralise("") == ""


def test_csv_text_neutralises_text_but_not_numbers():
    df = pd.DataFrame({"region": ["-19", "+7", "22q"], "log2": [-0.52, 0.3, None],
                       "note": ['=HYPERLINK("http://evil","x")', "ok", None]})
    text = csv_text(df, provenance=[("Cohort", "Demo"), ("Source file SHA-256", "ab12")])
    lines = text.splitlines()
    assert lines[0] == f"# {NEUTRALISATION_NOTE}"
    assert "# Cohort: Demo" in lines
    rows = _rows(text)
    assert rows[0] == ["region", "log2", "note"]
    assert rows[1] == ["'-19", "-0.52", "'=HYPERLINK(\"http://evil\",\"x\")"]
    assert rows[2] == ["'+7", "0.3", "ok"]
    assert rows[3] == ["22q", "", ""]


def test_machine_csv_can_switch_neutralisation_off(tmp_path):
    df = pd.DataFrame({"region": ["-19"]})
    text = csv_text(df, neutralise_formulas=False, comments=False)
    assert _rows(text) == [["region"], ["-19"]]
    out = write_csv(df, tmp_path / "x.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf#")  # UTF-8 BOM for Excel
