"""The report model and its HTML: escaping, header rows, page breaks, figures."""

from __future__ import annotations

import struct

import pandas as pd
import pytest
from matplotlib.figure import Figure as MplFigure

from imft_desktop.reports.document import (
    PRINT_DPI,
    Figure,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    Table,
    format_cell,
)
from imft_desktop.reports.html import render_html
from imft_desktop.reports.provenance import Provenance


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_table_checks_row_widths():
    with pytest.raises(ValueError):
        Table(header=(("a", "b"),), rows=(("1",),))
    with pytest.raises(ValueError):
        Table(header=(("a", "b"),), rows=(("1", "2"),), align=("left",))


def test_table_from_frame_formats_and_aligns():
    df = pd.DataFrame({"gene": ["ALK", None], "n": [3, 4], "pct": [12.345, float("nan")]})
    t = Table.from_frame(df, caption="c", max_rows=1)
    assert t.header == (("gene", "n", "pct"),)
    assert t.rows == (("ALK", "3", "12.35"),)
    assert t.align == ("left", "right", "right")
    assert any("first 1 of 2" in n for n in t.notes)
    assert format_cell(float("nan")) == "–" and format_cell(2.0) == "2"


def test_figure_is_png_at_print_resolution():
    fig = MplFigure(figsize=(4, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    f = Figure.from_matplotlib(fig, caption="A line")
    assert f.rgba is not None and f.pixel_size == (4 * PRINT_DPI, 2 * PRINT_DPI)
    assert _png_size(f.png) == (4 * PRINT_DPI, 2 * PRINT_DPI)  # encoded on demand
    assert (f.width_in, f.height_in) == (4.0, 2.0)
    assert f.alt == "A line"
    with pytest.raises(ValueError):
        Figure(None, 1, 1)
    with pytest.raises(ValueError):
        Figure(None, 1, 1, rgba=b"1234", pixel_size=(2, 2))


def test_report_add_accepts_sections_and_lists():
    r = Report(title="T")
    r.add(Heading("a"), [Paragraph("b"), PageBreak()])
    assert [type(s) for s in r] == [Heading, Paragraph, PageBreak]
    assert r.of_type(Paragraph) == [Paragraph("b")]


def test_html_escapes_user_text_and_marks_header_rows():
    r = Report(title="<T>")
    r.add(
        Paragraph("<script>alert(1)</script> & co"),
        PageBreak(),
        Table(header=(("Gene", "n"),), rows=(("<b>ALK</b>", "3"),), align=("left", "right"),
              caption="Cap & more", notes=("n = 3",)),
        KeyValues((("Key", "=value"),), columns=2),
    )
    out = render_html(r).html
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&lt;b&gt;ALK&lt;/b&gt;" in out
    assert "<thead><tr><th" in out and "</thead><tbody>" in out
    assert 'align="right">3</td>' in out
    assert out.count("page-break-before:always") == 1
    assert "Cap &amp; more" in out


def test_html_leading_and_trailing_breaks_do_not_make_blank_pages():
    r = Report(title="t").add(PageBreak(), Heading("x"), PageBreak())
    assert "page-break" not in render_html(r).html


def test_html_figures_by_name_or_embedded():
    fig = MplFigure(figsize=(2, 1))
    f = Figure.from_matplotlib(fig, caption="cap", alt="alt text")
    rendered = render_html([f], px_per_inch=96)
    assert list(rendered.images) == ["fig-1.png"]
    assert 'src="fig-1.png" width="192" height="96" alt="alt text"' in rendered.html
    embedded = render_html([f], embed_images=True).html
    assert 'src="data:image/png;base64,' in embedded


def test_provenance_pairs_and_footer(small_cohort):
    p = Provenance.from_cohort(small_cohort, parameters={"Grouping": "ALK IHC"},
                               generated_at="2026-01-01T00:00:00Z")
    pairs = dict(p.as_pairs())
    assert pairs["Source file"] == "Smith_J_cases.xlsx"
    assert pairs["Source file SHA-256"] == "ab" * 32
    assert pairs["Grouping"] == "ALK IHC"
    assert "abababababab" in p.footer_text() and "IMFT Desktop" in p.footer_text()
    d = Provenance.from_cohort(small_cohort, deidentified=True)
    text = " ".join(v for _k, v in d.as_pairs())
    assert "Smith" not in text and "jsmith" not in text
    assert d.sources[0].name == "file-abababababab"


def test_table_column_widths_and_font_size():
    t = Table(header=(("Label", "n"), ("", "of")), rows=(("a", "1"),),
              widths=(30, 0), font_pt=8)
    html = render_html([t]).html
    assert html.count('width="30%"') == 1  # on the first header row only
    assert 'width="0%"' not in html  # 0: the layout decides
    assert html.count('style="font-size:8pt;"') == 6  # every cell, head and body
    assert 'font-size:8pt' not in render_html([Table(header=(("a",),), rows=())]).html
    with pytest.raises(ValueError):
        Table(header=(("a", "b"),), rows=(), widths=(50,))
