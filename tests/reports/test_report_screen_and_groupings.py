"""The default cohort report answers the study's questions (issue 13): the alteration
screen against the endpoint and KM plots of its top results, labelled exploratory;
``--survival A --survival B`` reports both; the CN figure fits its page."""

from __future__ import annotations

import argparse

import pytest

pytest.importorskip("matplotlib")

from imft_desktop.cli import cmd_export, cmd_report
from imft_desktop.reports.cohort_report import (
    SCREEN_TOP_KM,
    TEXT_WIDTH_IN,
    build_report_from_analyses,
    cohort_workbook_sheets,
    run_analyses,
)
from imft_desktop.reports.document import Figure, Heading, Paragraph, Table


@pytest.fixture(scope="module")
def default_analyses(demo_cohort):
    return run_analyses(demo_cohort)


def test_default_report_has_the_screen_and_exploratory_km_plots(default_analyses):
    a = default_analyses
    screen = a.screen.result
    assert screen.rows and all(r.q is not None for r in screen.rows if r.p is not None)
    report = build_report_from_analyses(a)
    sections = report.sections
    headings = [s.text for s in sections if isinstance(s, Heading)]
    assert "Alteration screen against PFS (exploratory)" in headings
    i = headings.index("Alteration screen against PFS (exploratory)")
    assert any(s.alt.startswith("Forest plot") for s in sections if isinstance(s, Figure))
    table = next(s for s in sections if isinstance(s, Table)
                 and s.caption.startswith("Alteration screen against PFS"))
    assert table.header[0] == ("Alteration", "Altered/tested", "Events alt/not",
                               "HR (95% CI)", "Log-rank p", "BH q")
    # KM plots of the screen's lowest p values, each marked exploratory
    top = [r.alteration for r in screen.rows if r.p is not None][:SCREEN_TOP_KM]
    assert [s.grouping_text for s in a.survival] == top
    assert all(s.exploratory for s in a.survival)
    for name in top:
        assert f"PFS by {name} (exploratory, chosen by the screen)" in headings[i:]
    warnings = [s.text for s in sections if isinstance(s, Paragraph) and s.style == "warning"]
    assert any(w.startswith("EXPLORATORY") for w in warnings)
    assert not any("No grouping was chosen for survival;" in w
                   for w in [s.text for s in sections if isinstance(s, Paragraph)])
    kms = [s for s in sections if isinstance(s, Figure) and s.alt.startswith("Kaplan-Meier")]
    assert len(kms) == len(top)
    # the exploratory KM's log-rank p is the screen's p for that alteration
    by_name = {r.alteration: r for r in screen.rows}
    for s in a.survival:
        assert s.logrank.p == pytest.approx(by_name[s.grouping_text].p, rel=1e-9)
    sheets = {sh.name for sh in cohort_workbook_sheets(a)}
    assert "PFS screen" in sheets


def test_chosen_groupings_replace_the_exploratory_ones(demo_cohort):
    a = run_analyses(demo_cohort, ["monosomy 19", "PIK3CA"])
    assert [s.grouping_text for s in a.survival] == ["monosomy 19", "PIK3CA"]
    assert not any(s.exploratory for s in a.survival)
    assert a.screen.ok  # the screen is still reported
    headings = [s.text for s in build_report_from_analyses(a).sections
                if isinstance(s, Heading)]
    assert "PFS by monosomy 19" in headings and "PFS by PIK3CA mutation" in headings


@pytest.mark.parametrize("module", [cmd_report, cmd_export])
def test_repeated_survival_options_keep_every_grouping(module):
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    out = "r.pdf" if module is cmd_report else "r.xlsx"
    args = parser.parse_args(["demo.xlsx", "--out", out, "--survival", "monosomy 19",
                              "--survival", "PIK3CA", "22q loss"])
    assert args.survival == ["monosomy 19", "PIK3CA", "22q loss"]
    assert parser.parse_args(["demo.xlsx", "--out", out]).survival == []


def test_cn_figure_fits_its_page_and_labels_do_not_overlap(default_analyses):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    from imft_desktop.plotting.cna_genome import plot_genome_frequency

    a = default_analyses
    fig = MplFigure(figsize=(TEXT_WIDTH_IN, 2.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    plot_genome_frequency(a.summary.genome, ax=ax, assembly=a.summary.cna_params.genome)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    title = ax.title.get_window_extent(renderer)
    assert page.x0 <= title.x0 and title.x1 <= page.x1, "title cut at the page edge"
    labels = [t for t in ax.get_xticklabels(which="both") if t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert len(boxes) >= 22
    for i, b in enumerate(boxes):
        assert page.x0 <= b.x0 and b.x1 <= page.x1
        for other in boxes[i + 1:]:
            assert not b.overlaps(other), "chromosome labels overlap"
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(title)
