"""What a composed report prints for each alteration kind of an outline item, the
co-occurrence chapter, and the report options passed into the one study."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from imft_desktop.model.formatting import format_p
from imft_desktop.reports.alteration_chapters import (
    ITEM_SECTIONS,
    ONCOPRINT_ROWS,
    cooccurrence_chapter,
)
from imft_desktop.reports.analyses import ReportOptions, run_analyses
from imft_desktop.reports.document import Figure, Heading, Paragraph, Table
from imft_desktop.reports.layout import Outcome
from imft_desktop.reports.outline import KINDS, ReportItem


@pytest.fixture(scope="module")
def demo_analyses(demo_cohort):
    return run_analyses(demo_cohort)


def _tables(sections):
    return [s for s in sections if isinstance(s, Table)]


def test_every_alteration_kind_has_its_renderer():
    assert set(ITEM_SECTIONS) <= set(KINDS)
    assert set(ITEM_SECTIONS) == {"frequencies", "partners", "oncoprint", "copy_number",
                                  "concordance", "cooccurrence"}


@pytest.mark.parametrize("kind", ["frequencies", "partners", "oncoprint", "copy_number",
                                  "concordance", "cooccurrence"])
def test_item_sections_start_with_the_item_title(demo_analyses, kind):
    item = ReportItem.make(kind, f"My {kind}")
    sections = ITEM_SECTIONS[kind](demo_analyses, item)
    assert sections[0] == Heading(f"My {kind}", 1)
    assert len(sections) > 1


def test_grouped_frequencies_item(demo_analyses):
    item = ReportItem.make("frequencies", "By response", {"group_by": "best_response"})
    (table,) = _tables(ITEM_SECTIONS["frequencies"](demo_analyses, item))
    assert table.header[0][:2] == ("Alteration", "Group")
    groups = {r[1] for r in table.rows}
    assert {"PR", "PD"} <= groups
    assert any("Grouped by best_response" in n for n in table.notes)
    # The analyses keep their ungrouped summary.
    assert demo_analyses.summary.frequencies.group_by is None
    bad = ReportItem.make("frequencies", "By nothing", {"group_by": "no such column"})
    sections = ITEM_SECTIONS["frequencies"](demo_analyses, bad)
    assert any(isinstance(s, Paragraph) and "no such column" in s.text for s in sections)


def test_concordance_item_for_one_gene(demo_analyses):
    item = ReportItem.make("concordance", "ALK only", {"gene": "ALK"})
    sections = ITEM_SECTIONS["concordance"](demo_analyses, item)
    captions = [t.caption for t in _tables(sections)]
    assert captions and all("ALK" in c for c in captions)
    missing = ReportItem.make("concordance", "KRAS", {"gene": "KRAS"})
    sections = ITEM_SECTIONS["concordance"](demo_analyses, missing)
    assert any(isinstance(s, Paragraph) and s.style == "warning" for s in sections)


def test_oncoprint_item_rows(demo_analyses):
    def rows_drawn(item):
        (figure,) = [s for s in ITEM_SECTIONS["oncoprint"](demo_analyses, item)
                     if isinstance(s, Figure)]
        return figure.caption

    assert f"the {ONCOPRINT_ROWS} most frequent" in rows_drawn(
        ReportItem.make("oncoprint", "Oncoprint"))
    assert "the 5 most frequent" in rows_drawn(
        ReportItem.make("oncoprint", "Oncoprint", {"rows": 5}))


def test_cooccurrence_chapter_prints_the_summary_pairs(demo_analyses):
    co = demo_analyses.summary.cooccurrence
    (table,) = _tables(cooccurrence_chapter(demo_analyses))
    first = co.iloc[0]
    assert table.rows[0][:2] == (first["a"], first["b"])
    assert table.rows[0][4] == format_p(first["p"])
    assert any("Fisher" in n for n in table.notes)


def test_report_options_reach_the_study(demo_cohort):
    a = run_analyses(demo_cohort, options=ReportOptions(min_focal_samples=4,
                                                        concordance_genes=("ALK",)))
    s = a.summary
    assert s.options.min_focal_samples == 4 and s.focal_min_samples == 4
    assert (s.focal_loci["n_samples"] >= 4).all()
    assert s.concordance_genes == ("ALK",)
    focal_rows = [lab for lab in s.matrix.labels if s.matrix.info[lab].level == "focal"
                  and lab in set(s.focal_loci["label"])]
    assert len(focal_rows) == len(s.focal_loci)


def test_a_failed_summary_is_said_in_every_alteration_item(demo_cohort):
    a = run_analyses(demo_cohort)
    a.alterations = Outcome("Alteration summary", problem="the sheet has no samples")
    for kind, render in ITEM_SECTIONS.items():
        sections = render(a, ReportItem.make(kind, kind))
        assert any(isinstance(s, Paragraph) and "the sheet has no samples" in s.text
                   for s in sections), kind
    assert a.matrix.problem == "the sheet has no samples" and not a.burden.ok
