"""Render a ``Report`` to the HTML subset that Qt's ``QTextDocument`` lays out.

QTextDocument understands HTML 4 tables, ``<thead>`` (its rows become the table's
header rows, repeated at the top of every printed page), ``page-break-before`` and a
small part of CSS; everything here stays inside that subset so the print preview, the
printout and the PDF are the same layout.  Figures are referenced by name
(``fig-1.png``) and returned alongside for the Qt side to register as resources, or
embedded as PNG ``data:`` URIs for a standalone HTML file.

All text is escaped: cell values come from users' spreadsheets.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

from imft_desktop.reports.document import (
    Figure,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    Section,
    Table,
)

#: Logical pixels per inch of QTextDocument's layout units (Qt scales them to the device).
LAYOUT_PX_PER_INCH = 96.0

HEADER_BG = "#e6e6e6"
BANNER_BG = "#b3261e"

_HEADING_PT = {1: 16, 2: 13, 3: 11}
_PARAGRAPH_STYLE = {
    "body": "",
    "small": "font-size:7.5pt;",
    "note": "font-size:7.5pt; color:#444444;",
    "warning": "color:#8a4b00; font-weight:bold;",
    "banner": (
        f"background-color:{BANNER_BG}; color:#ffffff; font-weight:bold; font-size:12pt;"
    ),
}


@dataclass
class RenderedHtml:
    """HTML text plus the figures it references by name (``fig-1.png`` -> ``Figure``).

    The renderer on the other side takes each figure's pixels or PNG bytes as it needs.
    """

    html: str
    images: dict[str, Figure] = field(default_factory=dict)


def _text(value: str) -> str:
    return html.escape(value, quote=True).replace("\n", "<br/>")


def _break_style(pending: bool) -> str:
    return "page-break-before:always;" if pending else ""


class _Renderer:
    def __init__(self, px_per_inch: float, embed_images: bool, base_pt: float):
        self.px_per_inch = px_per_inch
        self.embed = embed_images
        self.base_pt = base_pt
        self.parts: list[str] = []
        self.images: dict[str, Figure] = {}
        self.pending_break = False

    def _take_break(self) -> str:
        style = _break_style(self.pending_break)
        self.pending_break = False
        return style

    # -------------------------------------------------------------- sections
    def heading(self, s: Heading) -> None:
        level = min(max(s.level, 1), 3)
        size = _HEADING_PT[level]
        style = self._take_break() + f"font-size:{size}pt; margin-top:{14 - 3 * level}px;"
        self.parts.append(f'<h{level} style="{style}">{_text(s.text)}</h{level}>')

    def paragraph(self, s: Paragraph) -> None:
        brk = self._take_break()
        style = _PARAGRAPH_STYLE.get(s.style, "")
        if s.style == "banner":
            # A one-cell table gives the banner its padding, which <p> cannot have in Qt.
            self.parts.append(
                f'<table width="100%" cellspacing="0" cellpadding="6" '
                f'style="{brk}margin-bottom:8px;">'
                f'<tr><td bgcolor="{BANNER_BG}" align="center" style="{style}">'
                f"{_text(s.text)}</td></tr></table>"
            )
            return
        self.parts.append(f'<p style="{brk}{style}">{_text(s.text)}</p>')

    def key_values(self, s: KeyValues) -> None:
        brk = self._take_break()
        if s.title:
            self.parts.append(f'<h3 style="{brk}font-size:11pt;">{_text(s.title)}</h3>')
            brk = ""
        per_line = max(1, s.columns)
        label_width = 20 if per_line > 1 else 28
        value_width = 100 // per_line - label_width
        rows = []
        for start in range(0, len(s.items), per_line):
            cells = []
            for k, v in s.items[start:start + per_line]:
                cells.append(
                    f'<td style="font-weight:bold;" width="{label_width}%">{_text(k)}</td>'
                    f'<td width="{value_width}%">{_text(v)}</td>'
                )
            rows.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(
            f'<table width="100%" cellspacing="0" cellpadding="2" style="{brk}">'
            f'{"".join(rows)}</table>'
        )

    def table(self, s: Table) -> None:
        brk = self._take_break()
        if s.caption:
            self.parts.append(
                f'<p style="{brk}font-weight:bold; margin-top:8px;">{_text(s.caption)}</p>'
            )
            brk = ""
        def width(i: int, j: int) -> str:
            # column widths ride on the first header row (QTextDocument reads them there)
            return f' width="{s.widths[j]:g}%"' if s.widths and s.widths[j] and i == 0 else ""

        # QTextDocument does not pass a table's font size down to its cells: set each
        font = f' style="font-size:{s.font_pt:g}pt;"' if s.font_pt else ""
        head = "".join(
            "<tr>"
            + "".join(
                f'<th bgcolor="{HEADER_BG}" align="{s.column_align(j)}"{width(i, j)}{font}>'
                f"{_text(c)}</th>"
                for j, c in enumerate(row)
            )
            + "</tr>"
            for i, row in enumerate(s.header)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f'<td align="{s.column_align(j)}"{font}>{_text(c)}</td>'
                for j, c in enumerate(row)
            )
            + "</tr>"
            for row in s.rows
        )
        self.parts.append(
            f'<table width="100%" border="1" cellspacing="0" cellpadding="2" '
            f'style="border-collapse:collapse; border-color:#999999; {brk}">'
            f"<thead>{head}</thead><tbody>{body}</tbody></table>"
        )
        for note in s.notes:
            self.parts.append(
                f'<p style="{_PARAGRAPH_STYLE["note"]} margin-top:2px;">{_text(note)}</p>'
            )

    def figure(self, s: Figure) -> None:
        name = f"fig-{len(self.images) + 1}.png"
        self.images[name] = s
        src = f"data:image/png;base64,{base64.b64encode(s.png).decode()}" if self.embed else name
        width = round(s.width_in * self.px_per_inch)
        height = round(s.height_in * self.px_per_inch)
        alt = _text(s.alt or s.caption)
        self.parts.append(
            f'<p align="center" style="{self._take_break()}margin-top:6px;">'
            f'<img src="{src}" width="{width}" height="{height}" alt="{alt}"/></p>'
        )
        if s.caption:
            self.parts.append(
                f'<p style="{_PARAGRAPH_STYLE["note"]} margin-bottom:8px;">{_text(s.caption)}</p>'
            )

    def render(self, report: Report) -> RenderedHtml:
        handlers = {
            Heading: self.heading,
            Paragraph: self.paragraph,
            KeyValues: self.key_values,
            Table: self.table,
            Figure: self.figure,
        }
        for section in report.sections:
            if isinstance(section, PageBreak):
                # Only a break before content: a trailing break would print a blank page.
                self.pending_break = bool(self.parts)
                continue
            handlers[type(section)](section)  # type: ignore[operator]
        body = "\n".join(self.parts)
        doc = (
            "<html><head>"
            f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>'
            f"<title>{_text(report.title)}</title></head>"
            f'<body style="font-size:{self.base_pt}pt;">\n{body}\n</body></html>'
        )
        return RenderedHtml(html=doc, images=self.images)


def render_html(
    report: Report | list[Section],
    *,
    px_per_inch: float = LAYOUT_PX_PER_INCH,
    embed_images: bool = False,
    base_pt: float = 9.0,
) -> RenderedHtml:
    """Render ``report`` to HTML for QTextDocument (or a browser).

    Returns the HTML and the figures it names (``RenderedHtml.images``).

    Parameters
    ----------
    report:
        A ``Report`` or a bare list of sections.
    px_per_inch:
        Layout pixels per inch, so figures get their printed size
        (QTextDocument: 96 logical pixels per inch, scaled to the printer).
    embed_images:
        Embed figures as ``data:`` URIs (standalone HTML) instead of by name.
    base_pt:
        Body font size in points.
    """
    if not isinstance(report, Report):
        report = Report(title="", sections=list(report))
    return _Renderer(px_per_inch, embed_images, base_pt).render(report)
