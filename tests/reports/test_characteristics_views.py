"""``imft characteristics``, the report chapter and the Excel sheet render one
``CharacteristicsTable``: the JSON contract and exit codes, the same numbers in the
JSON, the printed cells and the sheet cells (demo by monosomy 19), and a Table 1 of four
groups that fits an A4 portrait page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from imft_desktop.analysis.characteristics import cohort_characteristics
from imft_desktop.cli import main
from imft_desktop.io.write.excel_export import write_workbook
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.formatting import format_p, format_percent
from imft_desktop.reports.characteristics_chapter import (
    INDENT,
    characteristics_sections,
    characteristics_sheet,
)
from imft_desktop.reports.document import Heading, Report, Table

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "imft_desktop" / "data" / "demo_cohort_synthetic.xlsx"
PROJECT_V1 = REPO / "tests" / "store" / "fixtures" / "project_v1.imftproj"


@pytest.fixture(scope="module")
def demo() -> Cohort:
    from imft_desktop.io.importer import import_file

    assert DEMO.exists(), "the demo cohort ships with the program"
    return import_file(str(DEMO))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


# ---------------------------------------------------------------------- CLI
def test_json_contract(capsys):
    rc, out, err = run(capsys, "characteristics", str(DEMO), "--by", "monosomy 19", "--json")
    assert rc == 0, err
    rep = json.loads(out)
    assert set(rep) >= {"file", "cohort", "synthetic", "unit", "patients", "samples",
                        "grouping", "columns", "variables", "not_available", "excluded",
                        "methods", "warnings", "notes"}
    assert rep["file"] == DEMO.name and rep["synthetic"] is True
    assert (rep["unit"], rep["patients"], rep["samples"]) == ("patient", 24, 24)
    assert rep["grouping"]["name"] == "monosomy 19"
    assert rep["grouping"]["levels"] == ["no monosomy 19", "monosomy 19"]
    assert [(c["key"], c["kind"], c["n"]) for c in rep["columns"]] == [
        ("group:no monosomy 19", "group", 19), ("group:monosomy 19", "group", 5),
        ("ungrouped", "ungrouped", 0), ("overall", "overall", 24)]
    variables = {v["key"]: v for v in rep["variables"]}
    assert list(variables)[:4] == ["age", "sex", "site", "treatment"]
    sex = variables["sex"]
    assert set(sex) >= {"key", "label", "section", "kind", "display", "unit", "note",
                        "missing", "rows", "test"}
    female = sex["rows"][0]
    assert female["level"] == "female"
    assert female["cells"]["group:monosomy 19"] == {"count": 4, "denominator": 5,
                                                    "percent": 80.0}
    assert set(sex["test"]) == {"name", "p", "statistic", "statistic_name", "df", "sided",
                                "exact", "method", "groups", "n", "not_testable"}
    assert sex["test"]["name"] == "Fisher's exact test" and sex["test"]["exact"] is True
    age = variables["age"]["rows"][0]["cells"]["overall"]
    assert {"count", "denominator", "percent", "n", "median", "q1", "q3", "min",
            "max"} <= set(age)
    assert variables["treatment"]["test"]["not_testable"] == \
        "one value only (nothing to compare)"
    assert variables["assay:WGS"]["rows"][0]["cells"]["overall"]["count"] == 22
    assert rep["excluded"] == {"count": 0, "by_reason": {}, "patients": []}
    assert rep["methods"] and all(isinstance(m, str) for m in rep["methods"])


def test_text_output_names_the_tests(capsys):
    rc, out, _ = run(capsys, "characteristics", str(DEMO), "--by", "monosomy 19")
    assert rc == 0
    assert "Cohort characteristics by monosomy 19 (24 patients)" in out
    assert "(SYNTHETIC DATA)" in out
    assert "Tests (two-sided):" in out
    assert "Fisher-Freeman-Halton exact test" in out
    assert "Mann-Whitney U test (exact, conditional on ties)" in out
    assert "Method: " in out
    female = next(line for line in out.splitlines() if line.strip().startswith("female"))
    assert female.split()[1:] == ["7", "(36.8%)", "4", "(80.0%)", "11", "(45.8%)"]


def test_without_grouping_and_exit_codes(capsys, tmp_path):
    rc, out, _ = run(capsys, "characteristics", str(DEMO), "--json")
    assert rc == 0
    rep = json.loads(out)
    assert rep["grouping"] is None and [c["key"] for c in rep["columns"]] == ["overall"]
    rc, _, err = run(capsys, "characteristics", str(DEMO), "--by", "no such thing")
    assert rc == 1 and "no such thing" in err
    rc, _, err = run(capsys, "characteristics", str(tmp_path / "missing.xlsx"))
    assert rc == 2 and "cannot read" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("Sample ID,Age\n")
    rc, _, err = run(capsys, "characteristics", str(empty))
    assert rc == 2 and "no cases" in err


def test_reads_a_project_file(capsys, tmp_path):
    assert PROJECT_V1.exists()
    project = tmp_path / "p.imftproj"
    shutil.copy(PROJECT_V1, project)
    rc, out, err = run(capsys, "characteristics", str(project), "--json")
    assert rc == 0, err
    assert json.loads(out)["patients"] > 0


# ---------------------------------------------------------------------- one object
def _count_text(count: int, denominator: int, percent: float | None) -> str:
    return f"{count} ({format_percent(percent)})" if denominator else str(count)


def test_json_printed_table_and_sheet_hold_the_same_numbers(demo, capsys, tmp_path):
    rc, out, _ = run(capsys, "characteristics", str(DEMO), "--by", "monosomy 19", "--json")
    assert rc == 0
    rep = json.loads(out)
    table = cohort_characteristics(demo, "monosomy 19")
    sections = characteristics_sections(table)
    printed = next(s for s in sections if isinstance(s, Table))
    path = write_workbook(tmp_path / "t1.xlsx", [characteristics_sheet(table)])
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[next(n for n in wb.sheetnames if n.startswith("Characteristics"))]
    sheet_rows = list(ws.iter_rows(values_only=True))
    head, body = sheet_rows[0], sheet_rows[1:]

    shown = [c for c in rep["columns"] if c["kind"] != "ungrouped" or c["n"]]
    headings = [f"{c['label']} (n = {c['n']})" for c in shown]
    assert list(printed.header[0]) == ["Characteristic", *headings, "p", "Test"]
    printed_rows = {}
    current = None
    for row in printed.rows:
        if not row[0].startswith(INDENT):
            current = row[0]
        printed_rows[(current, row[0].strip(INDENT))] = row
    col = {h: head.index(h) for h in head}
    compared = 0
    for v in rep["variables"]:
        sheet_v = [r for r in body if r[col["Characteristic"]] == v["label"]
                   and r[col["Section"]] == v["section"]]
        if v["kind"] == "continuous":
            title = f"{v['label']}, {v['unit']}"
            for c, h in zip(shown, headings):
                cell = v["rows"][0]["cells"][c["key"]]
                median = next(r for r in sheet_v if r[col["Statistic"]].startswith("median"))
                assert median[col[h]] == cell["median"]
                n_row = next(r for r in sheet_v if r[col["Statistic"]] == "n with a value")
                assert n_row[col[h]] == cell["count"]
            n_printed = printed_rows[(title, "n with a value")]
            assert [int(x) for x in n_printed[1:1 + len(shown)]] == [
                v["rows"][0]["cells"][c["key"]]["count"] for c in shown]
        else:
            title = v["label"] if v["section"] == "Assays done" else f"{v['label']}, n (%)"
            rows = v["rows"][:1] if v["display"] == "first level" else v["rows"]
            for r in rows:
                printed_row = (printed_rows[(title, title)] if v["display"] == "first level"
                               else printed_rows[(title, r["level"])])
                sheet_row = next(x for x in sheet_v if x[col["Level"]] == r["level"])
                for k, (c, h) in enumerate(zip(shown, headings)):
                    cell = r["cells"][c["key"]]
                    assert printed_row[1 + k] == _count_text(
                        cell["count"], cell["denominator"], cell["percent"])
                    assert sheet_row[col[h]] == cell["count"]
                    assert sheet_row[col[f"{h}: of"]] == cell["denominator"]
                    assert sheet_row[col[f"{h}: %"]] == pytest.approx(cell["percent"])
                    compared += 1
        # the test: the p printed and the p in the sheet are the JSON's
        first_sheet = sheet_v[0]
        test = v["test"]
        printed_p = printed_rows[(title, title)][1 + len(shown)]
        if test["p"] is None:
            assert printed_p == "–" and first_sheet[col["p"]] is None
            assert first_sheet[col["Test"]] == f"not tested: {test['not_testable']}"
        else:
            assert printed_p == format_p(test["p"])
            assert first_sheet[col["p"]] == pytest.approx(test["p"], rel=1e-12)
            assert first_sheet[col["Test"]] == test["name"]
            assert first_sheet[col["n tested"]] == test["n"]
            assert first_sheet[col["Sided"]] == test["sided"] == "two-sided"
    assert compared > 100


def test_sheet_and_report_without_grouping(demo):
    table = cohort_characteristics(demo)
    sections = characteristics_sections(table)
    assert isinstance(sections[0], Heading) and sections[0].text == "Cohort characteristics"
    printed = next(s for s in sections if isinstance(s, Table))
    assert printed.header == (("Characteristic", "Overall (n = 24)"),)
    frame = characteristics_sheet(table).frame
    assert "p" not in frame.columns and "Overall (n = 24)" in frame.columns


# ---------------------------------------------------------------------- A4
def four_groups_with_ungrouped(demo: Cohort) -> Cohort:
    """The demo with two best responses removed: four groups, two ungrouped patients."""
    tables = {name: df.copy() for name, df in demo.tables.items()}
    outcomes = tables["outcomes"]
    outcomes.loc[outcomes.index[:2], "best_response"] = None
    return Cohort.from_tables(tables, study=dict(demo.study))


@pytest.mark.gui
def test_four_groups_fit_an_a4_portrait_page(demo, request):
    printing = pytest.importorskip("imft_desktop.qt.printing")
    request.getfixturevalue("qapp")  # Qt lays the page out (a run without Qt skips)
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QPdfWriter, QTextTable

    table = cohort_characteristics(four_groups_with_ungrouped(demo), "best_response")
    assert len(table.groups) == 4 and len(table.shown_columns()) == 6
    report = Report(title="Table 1", sections=characteristics_sections(table))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(printing.PDF_DPI)
    writer.setPageLayout(printing._page_layout("A4"))
    doc = printing.build_document(report, writer)
    doc.pageCount()  # lays the document out
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1
    t = tables[0]
    assert t.columns() == 1 + 6 + 2
    page_width = doc.pageSize().width()
    wrapped, broken = [], []
    for r in range(1, t.rows()):
        for c in range(1, t.columns()):  # every number, p and test mark on one line
            block = t.cellAt(r, c).firstCursorPosition().block()
            if block.layout().lineCount() > 1:
                wrapped.append((r, c, block.text()))
        # a label may wrap, but between words ("retroperitoneum" is never cut)
        block = t.cellAt(r, 0).firstCursorPosition().block()
        layout, text = block.layout(), block.text()
        for i in range(1, layout.lineCount()):
            start = layout.lineAt(i).textStart()
            if not text[start - 1].isspace():
                broken.append(text)
    assert not wrapped, wrapped
    assert not broken, broken
    frame_width = doc.documentLayout().frameBoundingRect(t).width()
    assert frame_width <= page_width + 1
    del writer
    buffer.close()


def test_ungrouped_column_shown_only_with_patients(demo):
    table = cohort_characteristics(four_groups_with_ungrouped(demo), "best_response")
    ungrouped = table.columns[table.column_index("ungrouped")]
    assert ungrouped.n == 2
    assert "Not tested / unknown (n = 2)" in table.header()
    assert dict(table.ungrouped_reasons) == {"missing value": 2}
    frame = characteristics_sheet(table).frame
    assert "Not tested / unknown (n = 2)" in frame.columns
    assert frame.loc[frame["Characteristic"] == "Age", "Not tested / unknown (n = 2)"
                     ].notna().all()
    assert isinstance(frame, pd.DataFrame)
