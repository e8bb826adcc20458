"""A composed report prints the outline's sections, in its order, and only those."""

from __future__ import annotations

import pytest

from imft_desktop.reports import composer
from imft_desktop.reports.document import Figure, Heading, PageBreak, Paragraph, Table
from imft_desktop.reports.layout import FIGURE_AREA_IN, TEXT_WIDTH_IN
from imft_desktop.reports.outline import KINDS, ReportItem, ReportOutline

#: One item of every kind, with the options a tab would give it, on the demo cohort.
ITEMS = {
    "characteristics": ReportItem.make("characteristics", "Who the patients are"),
    "frequencies": ReportItem.make("frequencies", "How often each alteration"),
    "partners": ReportItem.make("partners", "ALK and ROS1 partners"),
    "oncoprint": ReportItem.make("oncoprint", "Alterations by sample"),
    "copy_number": ReportItem.make("copy_number", "Gains and losses"),
    "concordance": ReportItem.make("concordance", "ALK by three assays", {"gene": "ALK"}),
    "cooccurrence": ReportItem.make("cooccurrence", "Found together"),
    "survival": ReportItem.make("survival", "PFS by monosomy 19",
                                {"endpoint": "PFS", "grouping": "monosomy 19"}),
    "screen": ReportItem.make("screen", "OS screen", {"endpoint": "OS"}),
    "response": ReportItem.make("response", "Response by ALK fusion",
                                {"grouping": "ALK fusion", "measure": "CNA burden"}),
    "readings": ReportItem.make("readings", "How the sheet was read"),
    "methods": ReportItem.make("methods", "How it was done"),
}

#: What each kind's section shows at least, on the demo: (tables, figures).
SHOWN = {
    "characteristics": (1, 0), "frequencies": (1, 0), "partners": (1, 1), "oncoprint": (0, 1),
    "copy_number": (1, 1), "concordance": (1, 0), "cooccurrence": (1, 0), "survival": (1, 1),
    "screen": (1, 1), "response": (2, 1), "readings": (0, 0), "methods": (0, 0),
}


def chapters(report) -> list[str]:
    """Level-1 headings after the title page's."""
    return [s.text for s in report.of_type(Heading) if s.level == 1][1:]


def sections_of(report, title: str) -> list:
    """The sections of the chapter headed ``title``."""
    out, inside = [], False
    for s in report.sections:
        if isinstance(s, Heading) and s.level == 1:
            inside = s.text == title
            continue
        if inside and not isinstance(s, PageBreak):
            out.append(s)
    return out


def test_every_kind_has_an_item_here():
    assert set(ITEMS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_prints_its_section_of_the_demo(demo_cohort, kind):
    item = ITEMS[kind]
    report = composer.render_outline(demo_cohort, ReportOutline((item,)))
    if kind == "methods":
        assert chapters(report) == [item.title]
        return
    assert chapters(report) == [item.title, "Methods"]
    body = sections_of(report, item.title)
    tables = [s for s in body if isinstance(s, Table)]
    figures = [s for s in body if isinstance(s, Figure)]
    assert (len(tables), len(figures)) >= SHOWN[kind], body
    # a section the cohort allows says no "could not be computed"
    assert not [s for s in body if isinstance(s, Paragraph) and s.style == "warning"], body


def test_three_items_print_in_the_outline_order_with_only_their_methods(demo_cohort):
    items = (ITEMS["response"], ITEMS["characteristics"], ITEMS["survival"])
    report = composer.render_outline(demo_cohort, ReportOutline(items))
    assert chapters(report) == [i.title for i in items] + ["Methods"]
    methods = [s.text for s in sections_of(report, "Methods") if isinstance(s, Heading)]
    assert set(methods) <= {"Reading the source", "Survival", "Response",
                            "Cohort characteristics"}
    assert {"Survival", "Response"} <= set(methods)
    # the analyses the items did not need were not run
    assert "Alteration screen" not in methods and "Oncoprint" not in methods
    reordered = composer.render_outline(demo_cohort, ReportOutline(items).moved(2, 0)
                                        .removed(1))
    assert chapters(reordered) == [items[2].title, items[1].title, "Methods"]


def test_a_methods_item_places_the_methods(demo_cohort):
    items = (ITEMS["frequencies"], ITEMS["methods"], ITEMS["cooccurrence"])
    report = composer.render_outline(demo_cohort, ReportOutline(items))
    assert chapters(report) == [i.title for i in items]
    topics = {s.text for s in sections_of(report, ITEMS["methods"].title)
              if isinstance(s, Heading)}
    # the co-occurrence renderer adds its own method text: it is printed too
    assert {"Alteration frequencies", "Co-occurrence"} <= topics


def test_the_same_grouping_is_analysed_once_for_two_endpoints(demo_cohort):
    from imft_desktop.reports.outline_analyses import OutlineAnalyses
    from imft_desktop.reports.survival_chapters import item_study

    pfs = ITEMS["survival"]
    os_ = ReportItem.make("survival", "OS by monosomy 19",
                          {"endpoint": "OS", "grouping": "monosomy 19", "unit": "years"})
    oa = OutlineAnalyses(demo_cohort, (pfs, os_, pfs))
    a, b, again = (item_study(oa.for_item(i), i).result for i in (pfs, os_, pfs))
    assert a is again and a is not b
    assert (a.km.endpoint, b.km.endpoint) == ("PFS", "OS")
    assert b.unit == "years"
    # the shared results are the shared objects
    assert oa.for_item(ITEMS["frequencies"]).summary is oa.for_item(ITEMS["oncoprint"]).summary


def test_landscape_figures_take_the_landscape_width(demo_cohort):
    item = ITEMS["survival"]
    portrait = composer.render_outline(demo_cohort, ReportOutline((item,)))
    landscape = composer.render_outline(demo_cohort, ReportOutline((item,), "landscape"))
    assert landscape.orientation == "landscape" and portrait.orientation == "portrait"
    (p,), (w,) = portrait.of_type(Figure), landscape.of_type(Figure)
    ratio = FIGURE_AREA_IN["landscape"][0] / TEXT_WIDTH_IN
    assert w.width_in == pytest.approx(p.width_in * ratio)
    assert w.height_in <= FIGURE_AREA_IN["landscape"][1]


def test_an_empty_outline_prints_the_default_report(demo_cohort):
    report = composer.render_outline(demo_cohort, ReportOutline(orientation="landscape"))
    assert "Alteration frequencies" in chapters(report)
    assert report.orientation == "landscape"


def test_a_grouping_the_cohort_does_not_have_is_said_in_its_section(demo_cohort):
    item = ReportItem.make("survival", "PFS by astrology", {"grouping": "star sign"})
    report = composer.render_outline(demo_cohort, ReportOutline((item, ITEMS["frequencies"])))
    assert chapters(report) == [item.title, ITEMS["frequencies"].title, "Methods"]
    warnings = [s.text for s in sections_of(report, item.title)
                if isinstance(s, Paragraph) and s.style == "warning"]
    assert warnings and "star sign" in warnings[0]


def test_a_failing_renderer_is_said_and_the_rest_printed(demo_cohort, monkeypatch, caplog):
    def broken(a, item):
        raise RuntimeError("a bug")

    monkeypatch.setitem(composer.RENDERERS, "frequencies", broken)
    items = (ITEMS["frequencies"], ITEMS["characteristics"])
    report = composer.render_outline(demo_cohort, ReportOutline(items))
    assert chapters(report) == [i.title for i in items] + ["Methods"]
    text = " ".join(s.text for s in sections_of(report, items[0].title))
    assert "internal error" in text and "a bug" not in text


def test_a_section_is_one_chapter_under_the_users_title():
    out = composer.as_chapter([PageBreak(), Heading("Kaplan-Meier", 1), Paragraph("x"),
                               Heading("Also", 1), Heading("Sub", 3)], "PFS by monosomy 19")
    assert [(s.text, s.level) for s in out if isinstance(s, Heading)] == [
        ("PFS by monosomy 19", 1), ("Also", 2), ("Sub", 3)]
    assert composer.as_chapter([], "Nothing")[1].style == "note"


def test_a_deidentified_composed_report_uses_pseudonyms(demo_cohort):
    items = (ITEMS["characteristics"], ITEMS["response"])
    report = composer.render_outline(demo_cohort, ReportOutline(items), deidentify=True)
    assert report.deidentified and report.pseudonymizer is not None
    assert report.provenance.deidentified


def test_the_workbook_has_the_sheets_of_the_sections(demo_cohort, tmp_path):
    import openpyxl

    items = (ITEMS["survival"], ITEMS["frequencies"], ITEMS["response"], ITEMS["screen"])
    path = tmp_path / "sections.xlsx"
    composer.write_outline_workbook(demo_cohort, ReportOutline(items), path)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names[1:] == ["PFS by monosomy 19", "Alteration frequencies", "Alteration matrix",
                         "Response", "Response by ALK fusion tests", "OS screen"]
    assert "Fusion partners" not in names
