"""Save a matplotlib figure as PNG (300 dpi), SVG or PDF, carrying its provenance.

The provenance (cohort, source SHA-256, program version, time) goes twice into every
file: into the format's own metadata (PNG text chunks, SVG ``<metadata>``, PDF info
dictionary) and as a small grey caption line at the bottom of the figure, so it
survives a screenshot or a paste into slides.  The figure is restored afterwards: the
caption is only there while saving.  Files are written atomically.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imft_desktop.io.write.atomic import atomic_write_bytes

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.figure

FORMATS = ("png", "svg", "pdf")
PNG_DPI = 300
CAPTION_PT = 5.5

#: Keys each backend accepts in ``savefig(metadata=...)``.
_PDF_KEYS = {"Title", "Author", "Subject", "Keywords", "Creator", "Producer"}
_SVG_KEYS = {"Title", "Date", "Creator", "Description", "Keywords", "Contributor", "Source",
             "Rights", "Publisher", "Identifier", "Language", "Relation", "Coverage", "Type",
             "Format"}


def _format_for(path: Path, fmt: str | None) -> str:
    chosen = (fmt or path.suffix.lstrip(".")).casefold()
    if chosen not in FORMATS:
        raise ValueError(f"figures are saved as {', '.join(FORMATS)}, not {chosen!r}")
    return chosen


def _metadata_for(fmt: str, provenance: Mapping[str, str]) -> dict[str, str | None]:
    meta: dict[str, str | None] = {}
    if fmt == "png":
        meta = {str(k): str(v) for k, v in provenance.items()}
        meta.setdefault("Software", provenance.get("Creator", "IMFT Desktop"))
    elif fmt == "pdf":
        meta = {k: str(v) for k, v in provenance.items() if k in _PDF_KEYS}
        description = provenance.get("Description")
        if description:
            meta["Keywords"] = str(description)
        meta["Author"] = None  # never a personal name (matplotlib leaves it empty anyway)
        meta.setdefault("Producer", provenance.get("Creator"))
    elif fmt == "svg":
        meta = {k: str(v) for k, v in provenance.items() if k in _SVG_KEYS}
        if provenance.get("Subject"):  # SVG (Dublin Core here) has no Subject text
            meta["Source"] = str(provenance["Subject"])
        meta.setdefault("Date", None)
    return meta


def figure_bytes(
    fig: matplotlib.figure.Figure,
    fmt: str = "png",
    *,
    provenance: Mapping[str, str] | Any = None,
    caption: str | None = None,
    dpi: int = PNG_DPI,
) -> bytes:
    """The figure encoded as ``fmt`` with provenance metadata and a caption line.

    Parameters
    ----------
    provenance:
        Metadata keys (``Title``, ``Creator``, ``Subject``, ``Description`` ...), or a
        ``reports.provenance.Provenance`` (its ``metadata()`` is used).
    caption:
        The line drawn under the figure; defaults to ``provenance["Description"]``.
        Pass ``""`` for none.
    """
    fmt = fmt.casefold()
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}")
    meta = provenance.metadata() if hasattr(provenance, "metadata") else provenance
    provenance = dict(meta or {})
    text = caption if caption is not None else provenance.get("Description", "")
    artist = None
    if text:
        artist = fig.text(
            0.005, 0.003, text, fontsize=CAPTION_PT, color="#777777", ha="left", va="bottom"
        )
    buf = io.BytesIO()
    try:
        fig.savefig(
            buf, format=fmt, dpi=dpi if fmt == "png" else "figure",
            metadata=_metadata_for(fmt, provenance),
            bbox_inches="tight", pad_inches=0.08,
        )
    finally:
        if artist is not None:
            artist.remove()
    return buf.getvalue()


def save_figure(
    fig: matplotlib.figure.Figure,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    provenance: Mapping[str, str] | Any = None,
    caption: str | None = None,
    dpi: int = PNG_DPI,
) -> Path:
    """Save ``fig`` to ``path`` as PNG (300 dpi), SVG or PDF, atomically.

    ``fmt`` defaults to the file extension.  See :func:`figure_bytes` for
    ``provenance`` and ``caption``.  Returns the path written.
    """
    target = Path(path)
    data = figure_bytes(
        fig, _format_for(target, fmt), provenance=provenance, caption=caption, dpi=dpi
    )
    return atomic_write_bytes(target, data)
