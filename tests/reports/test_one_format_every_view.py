"""One statistic, one text: the Survival/Summary tabs' formatter, the command line's text,
the printed report and the plot labels write the same p, q and HR the same way
(issue 13), and ``--json`` keeps the raw numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure as MplFigure

from imft_desktop.cli import main
from imft_desktop.model.formatting import format_ci, format_hr, format_p, p_text
from imft_desktop.plotting.forest import plot_forest, row_label
from imft_desktop.plotting.km import test_caption as km_caption
from imft_desktop.reports.cohort_report import build_report_from_analyses, run_analyses
from imft_desktop.reports.document import Table

DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / "demo_cohort_synthetic.xlsx"


@pytest.fixture(scope="module")
def analyses(demo_cohort):
    return run_analyses(demo_cohort, ["monosomy 19"])


@pytest.fixture(scope="module")
def report(analyses):
    return build_report_from_analyses(analyses)


def _tables(report, caption_start: str) -> list[Table]:
    return [s for s in report.sections
            if isinstance(s, Table) and s.caption.startswith(caption_start)]


def _tab_formatter():
    stat_text = pytest.importorskip("imft_desktop.qt.stat_text")
    return stat_text


def test_logrank_p_and_hr_read_the_same_in_tab_report_and_plot(analyses, report):
    tab = _tab_formatter()
    s = analyses.survival[0]
    p = s.logrank.p
    text = p_text(p)
    assert text == "p = 0.007"                      # 0.00715: three decimals below 0.1
    assert tab.p_equals(p) == text                  # what the Survival tab writes
    assert re.search(re.escape(text) + r"(?![0-9])", km_caption(s.logrank, s.cox))
    notes = " ".join(n for t in _tables(report, "PFS by monosomy 19") for n in t.notes)
    assert f"{text}; n = 24" in notes               # the report's table note
    term = s.cox.terms[0]
    hr = f"{format_hr(term.hr)} (95% CI {format_ci(*term.ci)})"
    assert tab.fmt_number(term.hr) == format_hr(term.hr)
    assert f"{format_hr(term.hr)} ({format_ci(*term.ci)})" in km_caption(s.logrank, s.cox)
    assert hr in notes


def test_screen_reads_the_same_in_tab_report_and_forest_plot(analyses, report):
    tab = _tab_formatter()
    screen = analyses.screen.result
    table = _tables(report, "Alteration screen against PFS")[0]
    fig = MplFigure(figsize=(6.7, 8))
    ax = fig.add_subplot()
    plot_forest(screen, ax, max_rows=30)
    drawn = {t.get_text() for t in ax.texts}
    for r, row in zip(screen.rows[:10], table.rows, strict=False):
        assert row[0] == r.alteration
        assert row[4] == format_p(r.p) == tab.fmt_p(r.p)
        assert row[5] == format_p(r.q)
        assert row[3].startswith(format_hr(r.hr))
        label = row_label(r)
        assert label in drawn
        assert f"{p_text(r.p)}, q = {format_p(r.q)}" in label
        assert f"{format_hr(r.hr)} ({format_ci(*r.ci)})" in label
    assert all("0.000" not in t for t in drawn)     # never "p=0.000"


def test_cooccurrence_p_reads_the_same_in_cli_text_and_summary_tab(capsys):
    pytest.importorskip("PySide6")
    from imft_desktop.qt.summary_tab import _fmt_p as summary_tab_p

    assert main(["summary", str(DEMO), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["cooccurrence"]
    assert isinstance(rows[0]["p"], float)          # JSON keeps the raw number
    assert main(["summary", str(DEMO)]) == 0
    text = capsys.readouterr().out
    for r in rows[:10]:
        assert f"{p_text(r['p'])}, {p_text(r['q'], 'q')}" in text
        assert summary_tab_p(r["p"]) == format_p(r["p"])


def test_logrank_p_reads_the_same_in_imft_survival_text(capsys):
    assert main(["survival", str(DEMO), "--by", "monosomy 19", "--json"]) == 0
    p = json.loads(capsys.readouterr().out)["logrank"]["p"]
    assert isinstance(p, float)                     # JSON keeps the raw number
    assert main(["survival", str(DEMO), "--by", "monosomy 19"]) == 0
    out = capsys.readouterr().out
    assert re.search(re.escape(p_text(p)) + r"(?![0-9])", out), out
