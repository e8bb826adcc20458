"""Figure files: PNG at 300 dpi, SVG and PDF, with provenance in their metadata."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure as MplFigure
from PIL import Image

from imft_desktop.plotting.export import save_figure

PROV = {"Title": "Demo cohort", "Creator": "IMFT Desktop 0.1.0",
        "Subject": "source SHA-256 abcdef", "Description": "Demo · source SHA-256 abcdef"}


@pytest.fixture
def fig():
    f = MplFigure(figsize=(3, 2))
    f.add_subplot().plot([0, 1], [0, 1])
    return f


def test_png_has_300_dpi_and_text_chunks(tmp_path, fig):
    path = save_figure(fig, tmp_path / "f.png", provenance=PROV)
    with Image.open(path) as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.text["Title"] == "Demo cohort"
        assert im.text["Description"] == PROV["Description"]
        assert im.width >= 3 * 300 * 0.9
    assert len(fig.texts) == 0  # the caption line was removed again


def test_svg_and_pdf_carry_provenance(tmp_path, fig):
    svg = save_figure(fig, tmp_path / "f.svg", provenance=PROV).read_text()
    assert "Demo cohort" in svg and "source SHA-256 abcdef" in svg
    pdf = save_figure(fig, tmp_path / "f.pdf", provenance=PROV).read_bytes()
    assert b"/Title (Demo cohort)" in pdf
    assert b"/Author" not in pdf


def test_unknown_format_is_refused(tmp_path, fig):
    with pytest.raises(ValueError):
        save_figure(fig, tmp_path / "f.jpg")
    assert not (tmp_path / "f.jpg").exists()


def test_provenance_object_is_accepted(tmp_path, fig, small_cohort):
    from imft_desktop.reports.provenance import Provenance

    prov = Provenance.from_cohort(small_cohort)
    path = save_figure(fig, tmp_path / "f.png", provenance=prov)
    with Image.open(path) as im:
        assert im.text["Subject"] == f"source SHA-256 {'ab' * 32}"
        assert im.text["Creator"].startswith("IMFT Desktop")
