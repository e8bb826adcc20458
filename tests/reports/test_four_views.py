"""One study, every view: PFS by monosomy 19 and by PIK3CA, and the alteration screen,
read the same in the Survival tab, ``imft survival --json``, the printed report (its PDF
text) and the Excel export (issue 13's "done when").

Each view is produced as a user gets it: the tab in a window, the command line's JSON,
``imft report`` writing a PDF, ``imft export`` writing a workbook.  The JSON numbers are
formatted with ``model.formatting`` and every formatted text must appear in the tab and
the PDF; the workbook must hold the very same numbers.
"""

from __future__ import annotations

import json
import re

import pytest

from imft_desktop.cli import main
from imft_desktop.model.formatting import (
    format_ci,
    format_fixed,
    format_hr,
    format_p,
    format_time,
    p_text,
)
from imft_desktop.synthetic import demo_workbook_path

pypdf = pytest.importorskip("pypdf")

GROUPINGS = ("monosomy 19", "PIK3CA")
TIMEOUT_MS = 60_000


def _flat(text: str) -> str:
    """Whitespace of any kind as one space (PDF text runs, table cells)."""
    return re.sub(r"\s+", " ", text).strip()


def _html_text(text: str) -> str:
    """A rich-text label's words: tags out, entities in (``p &lt; 0.001``)."""
    import html

    return _flat(html.unescape(re.sub(r"</?[a-z]+(?: [^<>]*)?>", " ", text)))


@pytest.fixture(scope="module")
def demo() -> str:
    path = demo_workbook_path()
    assert path is not None, "the shipped synthetic demo workbook is missing"
    return str(path)


@pytest.fixture(scope="module")
def json_views(demo: str) -> dict[str, dict]:
    out = {}
    for grouping in GROUPINGS:
        with pytest.MonkeyPatch.context() as mp:
            import io
            import sys

            buffer = io.StringIO()
            mp.setattr(sys, "stdout", buffer)
            assert main(["survival", demo, "--by", grouping, "--json"]) == 0
        out[grouping] = json.loads(buffer.getvalue())
    return out


@pytest.fixture(scope="module")
def pdf_text(demo: str, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    args = ["report", demo, "--out", str(path)]
    for grouping in GROUPINGS:
        args += ["--survival", grouping]
    assert main(args) == 0
    reader = pypdf.PdfReader(str(path))
    return _flat(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def workbook(demo: str, tmp_path_factory):
    from openpyxl import load_workbook

    path = tmp_path_factory.mktemp("xlsx") / "results.xlsx"
    args = ["export", demo, "--out", str(path)]
    for grouping in GROUPINGS:
        args += ["--survival", grouping]
    assert main(args) == 0
    return load_workbook(path, read_only=True, data_only=True)


def _sheet_rows(workbook, title: str) -> list[dict]:
    names = {name.casefold(): name for name in workbook.sheetnames}
    sheet = workbook[names[title[:31].casefold()]]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def _expected_texts(report: dict) -> list[str]:
    """Every statistic of the survival JSON, formatted as every view must write it."""
    texts = []
    for g in report["groups"]:
        median = format_time(g["median"]) if g["median_reached"] else "NR"
        lo, hi = g["median_ci"]
        texts.append(f"{median} ({format_time(lo) if lo is not None else 'NR'}–"
                     f"{format_time(hi) if hi is not None else 'NR'})")
    lr = report["logrank"]
    texts.append(f"chi-square {format_fixed(lr['statistic'], 2)}, df {lr['df']}, "
                 f"{p_text(lr['p'])}; n = {report['n']}")
    for t in report["cox"]["terms"]:
        texts.append(f"{format_hr(t['hr'])} (95% CI {format_ci(*t['ci'])}), "
                     f"Wald {p_text(t['p'])}")
    return texts


@pytest.fixture(scope="module")
def tab_views(qapp, demo: str, request):
    """The Survival tab's table and statistics for each grouping, and its screen."""
    from pytestqt.qtbot import QtBot

    from imft_desktop.io.importer import import_file
    from imft_desktop.qt.survival_tab import SurvivalTab

    qtbot = QtBot(request)
    tab = SurvivalTab()
    tab.resize(1400, 900)
    with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
        tab.set_cohort(import_file(demo))
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT_MS)
    out: dict[str, object] = {}
    for grouping in GROUPINGS:
        tab.set_grouping(grouping)
        with qtbot.waitSignal(tab.result_ready, timeout=TIMEOUT_MS):
            tab.analyse()
        cells = [[tab.stats_table.item(r, c).text() for c in range(tab.stats_table.columnCount())]
                 for r in range(tab.stats_table.rowCount())]
        out[grouping] = (cells, _html_text(tab.details.text()), tab.study)
    with qtbot.waitSignal(tab.screen_ready, timeout=TIMEOUT_MS):
        tab.start_screen()
    out["screen"] = [[tab.screen_table.item(r, c).text()
                      for c in range(tab.screen_table.columnCount())]
                     for r in range(tab.screen_table.rowCount())]
    tab.deleteLater()
    return out


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_survival_statistics_read_the_same_in_four_views(grouping, json_views, pdf_text,
                                                         workbook, tab_views):
    report = json_views[grouping]
    cells, details, study = tab_views[grouping]
    title = report["title"]
    assert title == study.title and title in pdf_text
    # The tab's table: one row per group with n, events, censored and the median (CI).
    assert [row[:4] for row in cells] == [
        [g["label"], str(g["n"]), str(g["events"]), str(g["censored"])]
        for g in report["groups"]]
    for text in _expected_texts(report):
        flat = _flat(text)
        assert flat in pdf_text, f"{flat!r} not in the PDF"
        assert flat in details or any(flat in c for row in cells for c in row), \
            f"{flat!r} not in the tab"
    # The workbook holds the JSON's numbers, one a cell.
    rows = _sheet_rows(workbook, title)
    groups = {r["name"]: r for r in rows if r["part"] == "group"}
    for g in report["groups"]:
        row = groups[g["label"]]
        assert (row["n"], row["events"], row["censored"]) == (g["n"], g["events"],
                                                               g["censored"])
        assert row["estimate"] == pytest.approx(g["median"]) if g["median_reached"] \
            else row["estimate"] is None
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(g["median_ci"]))
    test = next(r for r in rows if r["part"] == "test" and r["name"] == "log-rank")
    assert test["statistic"] == pytest.approx(report["logrank"]["statistic"], rel=1e-12)
    assert test["p"] == pytest.approx(report["logrank"]["p"], rel=1e-12)
    hrs = [r for r in rows if r["part"] == "hazard ratio"]
    assert [r["estimate"] for r in hrs] == pytest.approx(
        [t["hr"] for t in report["cox"]["terms"]], rel=1e-12)
    assert [r["p"] for r in hrs] == pytest.approx(
        [t["p"] for t in report["cox"]["terms"]], rel=1e-12)


def test_the_screen_reads_the_same_in_four_views(pdf_text, workbook, tab_views):
    """Every screened alteration's counts, HR (CI), p and q: the tab's table, the
    printed table (its first rows), and the workbook's numbers."""
    tab_rows = tab_views["screen"]
    sheet = next(n for n in workbook.sheetnames if n.endswith("screen"))
    rows = _sheet_rows(workbook, sheet)
    assert [r["alteration"] for r in rows] == [row[0] for row in tab_rows]
    for row, cells in zip(rows, tab_rows, strict=True):
        assert cells[1] == f"{row['n_altered']}/{row['n_tested']}"
        assert cells[2] == f"{row['events_altered']}/{row['events_not_altered']}"
        if row["hr"] is not None:
            ci = format_ci(row["ci_low"], row["ci_high"])
            assert cells[4] == f"{format_hr(row['hr'])} ({ci})"
        assert cells[5] == format_p(row["p"]) and cells[6] == format_p(row["q"])
    from imft_desktop.reports.survival_chapters import SCREEN_ROWS

    for cells in tab_rows[:SCREEN_ROWS]:
        printed = _flat(" ".join([cells[0], cells[1], cells[2], cells[4], cells[5], cells[6]]))
        assert printed in pdf_text, f"screen row {printed!r} not in the PDF"
