"""PDF output through the Qt page painter: page count, page size, repeated headers,
footer on every page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from imft_desktop.reports.document import Heading, PageBreak, Paragraph, Report, Table
from imft_desktop.reports.provenance import Provenance

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qapp")]
printing = pytest.importorskip("imft_desktop.qt.printing")

PAGE_RE = re.compile(rb"/Type\s*/Page(?![s\w])")
MEDIABOX_RE = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")


def _pdf_pages(data: bytes) -> int:
    return len(PAGE_RE.findall(data))


def _text_pages(path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [p for p in out.split("\f") if p.strip()]


def _report(rows: int = 0, breaks: int = 0, synthetic: bool = False) -> Report:
    prov = Provenance(cohort_name="Test cohort", generated_at="2026-01-01T00:00:00Z")
    r = Report(title="Test report", synthetic=synthetic, provenance=prov)
    r.add(Heading("Test report"), Paragraph("first page"))
    for i in range(breaks):
        r.add(PageBreak(), Paragraph(f"page {i + 2}"))
    if rows:
        r.add(Table(header=(("Uniqueheadername", "Value"),),
                    rows=tuple((f"row {i}", str(i)) for i in range(rows)),
                    align=("left", "right"), caption="Long table"))
    return r


def test_page_breaks_give_the_page_count(tmp_path):
    n = printing.render_pdf(_report(breaks=2), tmp_path / "r.pdf")
    data = (tmp_path / "r.pdf").read_bytes()
    assert n == 3 and _pdf_pages(data) == 3
    assert data.startswith(b"%PDF")


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_page_size(tmp_path, size, points):
    printing.render_pdf(_report(), tmp_path / "r.pdf", page_size=size)
    boxes = MEDIABOX_RE.findall((tmp_path / "r.pdf").read_bytes())
    assert boxes
    for w, h in boxes:
        assert (round(float(w)), round(float(h))) == points


def test_unknown_page_size_is_refused(tmp_path):
    with pytest.raises(ValueError):
        printing.render_pdf(_report(), tmp_path / "r.pdf", page_size="A3")
    assert not (tmp_path / "r.pdf").exists()


def test_long_table_repeats_its_header_and_every_page_has_a_footer(tmp_path):
    path = tmp_path / "long.pdf"
    n = printing.render_pdf(_report(rows=220, synthetic=True), path)
    assert n >= 3
    pages = _text_pages(path)
    assert len(pages) == n
    for i, page in enumerate(pages, 1):
        assert "Uniqueheadername" in page, f"header missing on page {i}"
        assert f"Page {i} of {n}" in page
        assert "SYNTHETIC DATA" in page
        assert "Test cohort" in page
    # Every body row printed exactly once.
    body = "\n".join(pages)
    assert all(body.count(f"row {i} ") + body.count(f"row {i}\n") >= 1 for i in (0, 219))


def test_figures_keep_print_resolution(tmp_path):
    from matplotlib.figure import Figure as MplFigure

    from imft_desktop.reports.document import Figure

    fig = MplFigure(figsize=(5, 2.5))
    fig.add_subplot().plot([0, 1], [0, 1])
    r = _report().add(Figure.from_matplotlib(fig, caption="A figure"))
    data, n = printing.render_pdf_bytes(r)
    assert n == 1
    widths = [int(w) for w in re.findall(rb"/Width\s+(\d+)", data)]
    assert max(widths) >= 5 * 300  # embedded at 300 dpi, not downsampled to the screen
