"""What an analysis tab prints when the user chooses "this tab": what the tab shows.

The visible plots (each matplotlib figure copied and sized to the page's text width,
so the widget is left alone) and the visible tables (as printed tables whose header
repeats on every page), under the tab's title.  Hidden sub-tabs are not printed:
the page matches the screen.
"""

from __future__ import annotations

import pickle
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget

from imft_desktop.qt.mpl_canvas import MplCanvas
from imft_desktop.reports.document import Figure, Heading, Paragraph, Section, Table
from imft_desktop.reports.layout import text_width_in

#: Printed width of a figure (inches): the text width of A4 and Letter, portrait (on
#: landscape pages, ``layout.text_width_in()``).
PRINT_WIDTH_IN = 6.7
#: A printed table stops here; the Excel export holds every row.
MAX_PRINTED_ROWS = 400


def tab_sections(tab: QWidget, title: str) -> list[Section]:
    """Heading, then the tab's visible figures and tables in screen order."""
    sections: list[Section] = [Heading(title, 1)]
    for widget in _visible_in_order(tab):
        if isinstance(widget, MplCanvas):
            figure = canvas_figure(widget, f"{title}: figure as shown on screen")
            if figure is not None:
                sections.append(figure)
        elif isinstance(widget, QTableView):
            table = view_table(widget, f"{title}: table as shown on screen")
            if table is not None:
                sections.append(table)
    if len(sections) == 1:
        sections.append(Paragraph("Nothing is shown on this tab yet.", "note"))
    return sections


def canvas_figure(canvas: MplCanvas, caption: str) -> Figure | None:
    """The canvas's figure at print size, or ``None`` when it has nothing drawn."""
    source = canvas.figure
    if not source.axes or not any(ax.has_data() or ax.texts for ax in source.axes):
        return None
    copy = pickle.loads(pickle.dumps(source))  # the canvas is not pickled
    width, height = copy.get_size_inches()
    page_width = text_width_in()
    if width > page_width:
        copy.set_size_inches(page_width, height * page_width / width)
    return Figure.from_matplotlib(copy, caption=caption, alt=caption)


def view_table(view: QTableView, caption: str) -> Table | None:
    """The rows a table view shows (sorted and filtered as on screen)."""
    model = view.model()
    if model is None or model.rowCount() == 0 or model.columnCount() == 0:
        return None
    columns = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    header = tuple(_text(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns)
    n = model.rowCount()
    rows = tuple(
        tuple(_text(model.data(model.index(r, c))) for c in columns)
        for r in range(min(n, MAX_PRINTED_ROWS))
    )
    notes = (f"First {MAX_PRINTED_ROWS} of {n} rows; File > Export Results to Excel has all.",
             ) if n > MAX_PRINTED_ROWS else ()
    return Table(header=(header,), rows=rows, caption=caption, notes=notes)


def _visible_in_order(tab: QWidget) -> list[QWidget]:
    """Visible canvases and tables, top to bottom then left to right on screen."""
    found = [w for w in tab.findChildren(QWidget)
             if isinstance(w, MplCanvas | QTableView) and w.isVisible()]

    def position(w: QWidget) -> tuple[int, int]:
        point = w.mapTo(tab, w.rect().topLeft())
        return point.y(), point.x()

    return sorted(found, key=position)


def _text(value: Any) -> str:
    return "" if value is None else str(value).replace("\n", " ")
