"""One alteration summary, four views (issue 13): the Summary tab, ``imft summary --json``,
the PDF report's tables and the Excel sheets show the same altered/tested, percent and
exact CI for every alteration, and the same recurrent focal loci and concordance genes.

Run on the demo (where 8q24.21 gain read 5/24 in the frequency table and 4/22 in the
loci table) and on a 200-sample synthetic cohort, so the agreement is not the demo's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("matplotlib")

from PySide6.QtCore import Qt

from imft_desktop import synthetic
from imft_desktop.cli import main
from imft_desktop.io.importer import import_file
from imft_desktop.model.formatting import format_count, format_percent, format_percent_ci
from imft_desktop.qt.summary_tab import SummaryTab
from imft_desktop.reports.cohort_report import (
    build_report_from_analyses,
    cohort_workbook_sheets,
    run_analyses,
)
from imft_desktop.reports.document import Heading, Table

DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / "demo_cohort_synthetic.xlsx"


@pytest.fixture(scope="module", params=["demo", "synthetic-200"])
def cohort_file(request, tmp_path_factory) -> Path:
    if request.param == "demo":
        return DEMO
    path = tmp_path_factory.mktemp("large") / "large_200.xlsx"
    synthetic.make_large_cohort(200, path, seed=13)
    return path


@pytest.fixture(scope="module")
def views(cohort_file):
    """The report's analyses, its PDF sections and workbook sheets, and the JSON."""
    cohort = import_file(cohort_file)
    analyses = run_analyses(cohort)
    return {
        "cohort": cohort,
        "analyses": analyses,
        "report": build_report_from_analyses(analyses),
        "sheets": {s.name: s for s in cohort_workbook_sheets(analyses)},
    }


@pytest.fixture(scope="module")
def summary_json(cohort_file):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["summary", str(cohort_file), "--json"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture
def tab(qtbot, views):
    widget = SummaryTab()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.result_ready, timeout=60_000):
        widget.set_cohort(views["cohort"])
    assert widget.summary is not None
    yield widget
    widget.set_cohort(None)


def _cells(model) -> list[dict[str, str]]:
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{h: model.index(r, c).data() for c, h in enumerate(headers)}
            for r in range(model.rowCount())]


def _table(report, caption_start: str) -> Table:
    return next(s for s in report.sections
                if isinstance(s, Table) and s.caption.startswith(caption_start))


def test_frequencies_read_the_same_in_every_view(tab, views, summary_json):
    # Tab: what the table shows, as text.
    in_tab = {row["Alteration"]: (row["Altered"], row["Tested"], row["%"], row["95% CI"])
              for row in _cells(tab.freq_proxy)}
    # imft summary --json: raw numbers, written with the one formatter.
    in_json = {r["label"]: (str(r["altered"]), str(r["tested"]), format_percent(r["percent"]),
                            format_percent_ci(*r["ci95"]))
               for r in summary_json["alterations"]}
    # Excel: raw numbers too.
    frame = views["sheets"]["Alteration frequencies"].frame
    in_excel = {r.label: (str(r.altered), str(r.tested), format_percent(r.percent),
                          format_percent_ci(r.ci_low, r.ci_high))
                for r in frame.itertuples(index=False)}
    assert in_tab == in_json == in_excel
    assert len(in_tab) == len(tab.summary.matrix.labels) > 20
    # PDF: every alteration printed reads as in the tab.
    printed = _table(views["report"], "Alterations in").rows
    assert len(printed) > 10
    for label, _assay, count, pct, ci in printed:
        altered, tested, tab_pct, tab_ci = in_tab[label]
        assert (count, pct, ci) == (format_count(altered, tested), tab_pct, tab_ci), label


def test_loci_and_their_rows_read_the_same_in_every_view(tab, views, summary_json):
    in_tab = {(r["Cytoband"], r["Event"]): (r["Alteration"], r["Altered"], r["Tested"])
              for r in _cells(tab.loci_proxy)}
    in_json = {(r["cytoband"], r["event"]): (r["label"], str(r["n_samples"]), str(r["n_tested"]))
               for r in summary_json["recurrent_focal_loci"]}
    loci = views["sheets"]["Recurrent focal loci"].frame
    in_excel = {(r.cytoband, r.event): (r.label, str(r.n_samples), str(r.n_tested))
                for r in loci.itertuples(index=False)}
    assert in_tab == in_json == in_excel
    assert in_tab, "the cohort has recurrent focal loci"
    printed = _table(views["report"], "Recurrent focal copy-number loci").rows
    assert len(printed) == min(len(in_tab), 40)
    for band, _locus, event, count, _high in printed:
        _label, altered, tested = in_tab[(band, event)]
        assert count == format_count(altered, tested)
    # Each locus is counted as its row of the frequency table (same label, same numbers).
    freq = {row["Alteration"]: (row["Altered"], row["Tested"]) for row in _cells(tab.freq_proxy)}
    for label, altered, tested in in_tab.values():
        assert freq[label] == (altered, tested), label
    assert summary_json["focal_min_samples"] == tab.summary.focal_min_samples


def test_concordance_genes_are_the_same_in_every_view(tab, views, summary_json):
    in_tab = [tab.conc_gene.itemText(i) for i in range(tab.conc_gene.count())]
    in_json = [c["gene"] for c in summary_json["concordance"]]
    report = views["report"]
    start = next(i for i, s in enumerate(report.sections)
                 if isinstance(s, Heading) and s.text == "Assay concordance")
    in_print = []
    for s in report.sections[start + 1:]:
        if isinstance(s, Heading) and s.level == 1:
            break
        if isinstance(s, Heading) and s.level == 2:
            in_print.append(s.text.split(":")[0])
    in_excel = [name.removeprefix("Concordance ") for name in views["sheets"]
                if name.startswith("Concordance ")]
    assert in_tab == in_json == in_print == in_excel
    assert "ALK" in in_tab


@pytest.mark.parametrize("cohort_file", ["demo"], indirect=True)
def test_demo_8q24_21_gain_reads_5_of_24_in_both_tables(tab, views):
    """The disagreement of issue 13: a SNP-array sample (direct calls only) listing
    8q24.21 gain was counted in the frequency table (5/24) but not in the loci table
    (4/22, samples with segments).  Both now count every sample tested for copy number."""
    freq = {r["Alteration"]: r for r in _cells(tab.freq_proxy)}
    row = freq["8q24.21 gain (focal)"]
    assert (row["Altered"], row["Tested"]) == ("5", "24")
    locus = next(r for r in _cells(tab.loci_proxy) if r["Alteration"] == "8q24.21 gain (focal)")
    assert (locus["Altered"], locus["Tested"]) == ("5", "24")
    printed = _table(views["report"], "Recurrent focal copy-number loci").rows
    assert ("8q24.21", "gain", "5/24") in {(r[0], r[2], r[3]) for r in printed}
    assert "SYN-23" in tab.summary.matrix.altered_samples("8q24.21 gain (focal)")
