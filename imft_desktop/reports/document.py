"""The report model: a title, provenance and a sequence of sections, without Qt.

A ``Report`` is what every printed or exported document is built from: the cohort
report, the per-case sheets and a single tab's figure or table.  Sections are plain,
immutable data; they are turned into HTML (``reports.html``) and only then into pages
(``qt.printing``), so the same report previews, prints and saves to PDF identically.

Figures are stored rendered at print resolution (300 dpi: PNG bytes, or raw pixels
encoded to PNG on demand) together with the size they should have on paper, so
pagination never rescales them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.figure
    import pandas as pd

#: Resolution of figures in reports and exports (dots per inch).
PRINT_DPI = 300

Align = Literal["left", "right", "center"]
ParagraphStyle = Literal["body", "small", "note", "warning", "banner"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; ``level`` 1 starts a chapter, 2 a section, 3 a sub-section."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text (never HTML; the renderer escapes it)."""

    text: str
    style: ParagraphStyle = "body"


@dataclass(frozen=True, slots=True)
class KeyValues:
    """A list of facts (label, value), e.g. the provenance block.

    ``columns`` facts are printed side by side per line (1 or 2).
    """

    items: tuple[tuple[str, str], ...]
    title: str | None = None
    columns: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table of text cells with header rows that repeat on every printed page.

    Attributes
    ----------
    header:
        One or more header rows (each as long as the body rows).
    rows:
        Body rows of already formatted text.
    align:
        Per-column alignment; numbers are right-aligned by ``from_frame``.
    caption:
        Shown above the table ("Table 2. Alteration frequencies ...").
    notes:
        Shown below: denominators, test names, warnings.
    widths:
        Per-column share of the table's width in percent; 0 (or no widths at all): the
        layout decides.  A wide table of short numbers gives its label column room
        this way, so that labels wrap between words instead of inside them.
    font_pt:
        Font size of the table's cells (default: the body's), e.g. a smaller one for a
        table with many columns.
    """

    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...] = ()
    caption: str = ""
    notes: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    font_pt: float | None = None

    def __post_init__(self) -> None:
        width = self.n_columns
        for row in (*self.header, *self.rows):
            if len(row) != width:
                raise ValueError(f"table row has {len(row)} cells, expected {width}")
        if self.align and len(self.align) != width:
            raise ValueError("align must give one alignment per column")
        if self.widths and len(self.widths) != width:
            raise ValueError("widths must give one width per column")

    @property
    def n_columns(self) -> int:
        if self.header:
            return len(self.header[0])
        return len(self.rows[0]) if self.rows else 0

    def column_align(self, index: int) -> Align:
        return self.align[index] if self.align else "left"

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        caption: str = "",
        notes: Sequence[str] = (),
        index: bool = False,
        digits: int = 2,
        max_rows: int | None = None,
    ) -> Table:
        """Build a table from a DataFrame, formatting numbers and missing values.

        Parameters
        ----------
        frame:
            The data; column names become the header row.
        index:
            Include the index as the first column.
        digits:
            Decimals for floats (integers stay integers).
        max_rows:
            Keep only the first ``max_rows`` rows and add a note saying how many were
            left out (the full table belongs in the Excel export).
        """
        import pandas as pd

        df = frame.reset_index() if index else frame
        notes = list(notes)
        if max_rows is not None and len(df) > max_rows:
            notes.append(
                f"Showing the first {max_rows} of {len(df)} rows; the Excel export has all."
            )
            df = df.iloc[:max_rows]
        header = (tuple(str(c) for c in df.columns),)
        numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(
            df[c]) for c in df.columns]
        rows = tuple(
            tuple(format_cell(v, digits) for v in rec)
            for rec in df.itertuples(index=False, name=None)
        )
        align: tuple[Align, ...] = tuple("right" if n else "left" for n in numeric)
        return cls(header=header, rows=rows, align=align, caption=caption, notes=tuple(notes))


def format_cell(value: Any, digits: int = 2) -> str:
    """Text for one table cell: missing values as an en dash, floats with ``digits``."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.{digits}f}"
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return "–"
    except ImportError:  # pragma: no cover
        pass
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return format_cell(value.item(), digits)
    return str(value)


class Figure:
    """A figure rendered at print resolution, with its printed size and texts.

    ``width_in``/``height_in`` give the size on paper in inches; ``alt`` describes the
    figure for readers that cannot see it (and for the HTML ``alt`` attribute).

    The image is held as PNG bytes, or -- for figures rendered by ``from_matplotlib``
    -- as the renderer's raw RGBA pixels, encoded to PNG only when someone asks for
    ``png`` (HTML with embedded images, tests).  The Qt page painter takes the pixels
    as they are: encoding a 300-dpi figure to PNG and decoding it again costs more
    than drawing it.
    """

    __slots__ = ("_png", "_rgba", "alt", "caption", "dpi", "height_in", "pixel_size",
                 "width_in")

    def __init__(
        self,
        png: bytes | None = None,
        width_in: float = 0.0,
        height_in: float = 0.0,
        caption: str = "",
        alt: str = "",
        dpi: int = PRINT_DPI,
        *,
        rgba: bytes | None = None,
        pixel_size: tuple[int, int] = (0, 0),
    ):
        if png is None and rgba is None:
            raise ValueError("a figure needs PNG bytes or RGBA pixels")
        if rgba is not None and len(rgba) != 4 * pixel_size[0] * pixel_size[1]:
            raise ValueError("RGBA pixels do not match pixel_size")
        self._png = png
        self._rgba = rgba
        self.pixel_size = pixel_size
        self.width_in = float(width_in)
        self.height_in = float(height_in)
        self.caption = caption
        self.alt = alt
        self.dpi = dpi

    @property
    def png(self) -> bytes:
        """The image as PNG (encoded from the pixels on first use)."""
        if self._png is None:
            from PIL import Image  # matplotlib's own image dependency

            assert self._rgba is not None
            image = Image.frombuffer("RGBA", self.pixel_size, self._rgba, "raw", "RGBA", 0, 1)
            buf = io.BytesIO()
            image.save(buf, format="PNG", dpi=(self.dpi, self.dpi), compress_level=1)
            self._png = buf.getvalue()
        return self._png

    @property
    def rgba(self) -> bytes | None:
        """Raw RGBA pixels (row-major, ``pixel_size``), when the figure has them."""
        return self._rgba

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Figure):
            return NotImplemented
        return (self.width_in, self.height_in, self.caption, self.alt, self.dpi) == (
            other.width_in, other.height_in, other.caption, other.alt, other.dpi
        ) and (self._rgba == other._rgba if self._rgba is not None else self.png == other.png)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Figure({self.width_in:g}x{self.height_in:g} in, {self.dpi} dpi, "
                f"caption={self.caption!r})")

    @classmethod
    def from_matplotlib(
        cls,
        fig: matplotlib.figure.Figure,
        *,
        caption: str = "",
        alt: str = "",
        dpi: int = PRINT_DPI,
    ) -> Figure:
        """Render a matplotlib ``Figure`` (never pyplot) at ``dpi``.

        The figure's own size (``fig.get_size_inches()``) is its printed size.  The
        figure's canvas is left as it is (a figure shown in the app keeps its Qt canvas).
        """
        width, height = fig.get_size_inches()
        buf = io.BytesIO()
        fig.savefig(buf, format="rgba", dpi=dpi)
        raw = buf.getvalue()
        # Agg sizes its canvas as int(inches * dpi); check rather than assume.
        px_w = int(width * dpi)
        px_h = len(raw) // (4 * px_w) if px_w else 0
        if px_w and px_h and 4 * px_w * px_h == len(raw):
            return cls(None, float(width), float(height), caption, alt or caption, dpi,
                       rgba=raw, pixel_size=(px_w, px_h))
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None},
                    pil_kwargs={"compress_level": 1})
        return cls(png.getvalue(), float(width), float(height), caption, alt or caption, dpi)


@dataclass(frozen=True, slots=True)
class PageBreak:
    """Start a new page."""


Section = Heading | Paragraph | KeyValues | Table | Figure | PageBreak


@dataclass
class Report:
    """A printable document: metadata plus an ordered list of sections.

    Attributes
    ----------
    title:
        Document title (PDF title, first heading).
    provenance:
        Where the data came from and what made the report; printed in every page's
        footer and on the title page.
    synthetic:
        True when the cohort is synthetic: a banner says so on the first page and in
        every footer.
    deidentified:
        True when identifiers were replaced by pseudonyms (said in the footer).
    pseudonymizer:
        For de-identified reports, the ``reports.deidentify.Pseudonymizer`` holding the
        pseudonym -> original map, so the caller can save the key where the user says
        (``write_key_file``); never printed.
    orientation:
        "portrait" or "landscape": the pages it is printed on (its figures were sized
        for them, see ``layout.page_orientation``).
    """

    title: str
    provenance: Provenance | None = None
    synthetic: bool = False
    deidentified: bool = False
    sections: list[Section] = field(default_factory=list)
    pseudonymizer: Any = field(default=None, repr=False)
    orientation: str = "portrait"

    def add(self, *sections: Section | Iterable[Section]) -> Report:
        """Append sections (or iterables of sections); returns the report for chaining."""
        for item in sections:
            if isinstance(item, Section.__args__):  # type: ignore[attr-defined]
                self.sections.append(item)  # type: ignore[arg-type]
            else:
                self.sections.extend(item)  # type: ignore[arg-type]
        return self

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def of_type(self, kind: type) -> list[Any]:
        """Sections of one kind, e.g. ``report.of_type(Table)``."""
        return [s for s in self.sections if isinstance(s, kind)]
