"""The Report Outline panel: the sections the user chose for the report, in print order.

Each line is one ``ReportItem`` (its title and a line saying its study and options).  The
panel reorders (Move Up / Move Down, or drag and drop), removes and clears them, chooses
portrait or landscape pages, and prints the composed report (Print…, Print Preview…,
Export PDF…, through the window's print actions with "the report outline" chosen).

The outline itself is a value (``reports.outline.ReportOutline``); every change replaces
it through an undoable command on the window's undo stack (Edit > Undo), and
``outline_changed`` tells the window.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.reports.outline import ReportItem, ReportOutline

MESSAGES = {
    "title": "Report Outline",
    "empty": "No section yet. Show a result in a tab and choose Report > Add Current View "
             "to Report (Ctrl+Shift+A), or the Add to Report button beside the tabs.",
    "count": "{n} sections, printed in this order",
    "count_one": "1 section",
    "list_tip": "The report's sections in print order; drag a section to move it",
    "item_tip": "{title}\n{description}\nDrag to move it; Delete removes it.",
    "up": "Move Up",
    "up_tip": "Print the selected section one place earlier",
    "down": "Move Down",
    "down_tip": "Print the selected section one place later",
    "remove": "Remove",
    "remove_tip": "Take the selected section out of the report (Edit > Undo brings it back)",
    "clear": "Clear",
    "clear_tip": "Take every section out of the report (Edit > Undo brings them back)",
    "orientation_tip": "The pages of the composed report: landscape gives figures and wide "
                       "tables more width",
    "print": "Print…",
    "print_tip": "Print the composed report",
    "preview": "Print Preview…",
    "preview_tip": "See the composed report's pages before printing",
    "pdf": "Export PDF…",
    "pdf_tip": "Save the composed report as a PDF file",
    "nothing_to_print": "Add a section first (Report > Add Current View to Report).",
    # undo texts (Edit > Undo <text>)
    "undo_add": "Add '{title}' to the report",
    "undo_move": "Move '{title}' in the report",
    "undo_remove": "Remove '{title}' from the report",
    "undo_clear": "Clear the report",
    "undo_orientation": "{label} report pages",
}

#: Orientation names of ``ReportOutline`` and what the panel calls them.
ORIENTATION_LABELS = {"portrait": "Portrait pages", "landscape": "Landscape pages"}


class OutlineCommand(QUndoCommand):
    """Undoable: replaces the panel's outline (``before`` comes back on undo)."""

    def __init__(self, dock: ReportOutlineDock, before: ReportOutline, after: ReportOutline,
                 text: str):
        super().__init__(text)
        self.dock, self.before, self.after = dock, before, after

    def redo(self) -> None:
        self.dock._show(self.after)

    def undo(self) -> None:
        self.dock._show(self.before)


#: Item data role of a row's one-line description (its title is the display text).
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 1


class SectionDelegate(QStyledItemDelegate):
    """A row as the section's number and title in bold over its description, smaller
    and dimmed, each cut with "…" when the panel is narrow (the tooltip has all)."""

    PADDING = 4

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.88))
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(small).height()
        return QSize(200, height + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        title = option.text
        option.text = ""  # the style draws the background, selection and focus only
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                          option.widget)
        bold, small = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text_colour = option.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QPalette.ColorRole.HighlightedText if selected else \
            QPalette.ColorRole.PlaceholderText
        rect = option.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING, 0)
        number = f"{index.row() + 1}. "
        painter.save()
        for font, colour, text in (
                (bold, text_colour, number + title),
                (small, option.palette.color(group, dim),
                 " " * 2 + str(index.data(DESCRIPTION_ROLE) or ""))):
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(colour)
            line = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, line.width()))
            rect.setTop(rect.top() + metrics.height())
        painter.restore()


class OutlineList(QListWidget):
    """The sections, one per row; a row dragged to a new place reorders the outline.

    ``order_changed`` gives the items in their new order after a drop (the list has
    moved the row itself; the panel turns that into an undoable outline change);
    ``delete_pressed`` is the Delete key on a row.
    """

    order_changed = Signal(list)
    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setItemDelegate(SectionDelegate(self))
        self.model().rowsMoved.connect(self._on_rows_moved)

    def report_items(self) -> list[ReportItem]:
        """The items in the order of the rows."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _on_rows_moved(self, _parent: QModelIndex, _start: int, _end: int,
                       _dest: QModelIndex, _row: int) -> None:
        # After the drop has finished: the panel rebuilds the rows, which must not
        # happen inside the list's own drop handling.
        QTimer.singleShot(0, lambda: self.order_changed.emit(self.report_items()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Delete here only: a window-wide shortcut would fire in the Samples table too.
        if event.matches(QKeySequence.StandardKey.Delete) and self.currentRow() >= 0:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class ReportOutlineDock(QDockWidget):
    """The Report Outline panel (see the module docstring).

    Signals
    -------
    outline_changed(ReportOutline):
        The outline is another one (an edit, an undo, a project opened).
    print_requested(str):
        A print button was pressed: "print_document", "print_preview" or "export_pdf".
    """

    outline_changed = Signal(object)
    print_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, undo_stack: QUndoStack | None = None):
        super().__init__(MESSAGES["title"], parent)
        self.setObjectName("report_outline_dock")  # saveState() remembers it by name
        self.undo_stack = undo_stack
        self._outline = ReportOutline()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        layout.addWidget(self.count_label)
        self.list = OutlineList()
        self.list.setToolTip(MESSAGES["list_tip"])
        self.list.order_changed.connect(self._on_list_order_changed)
        self.list.delete_pressed.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.list, 1)

        edit = QGridLayout()
        self.up_button = self._button("up", lambda: self.move_selected(-1))
        self.down_button = self._button("down", lambda: self.move_selected(1))
        self.remove_button = self._button("remove", self.remove_selected)
        self.clear_button = self._button("clear", self.clear)
        edit.addWidget(self.up_button, 0, 0)
        edit.addWidget(self.down_button, 0, 1)
        edit.addWidget(self.remove_button, 1, 0)
        edit.addWidget(self.clear_button, 1, 1)
        layout.addLayout(edit)

        self.orientation_combo = QComboBox()
        for name, label in ORIENTATION_LABELS.items():
            self.orientation_combo.addItem(label, name)
        self.orientation_combo.setToolTip(MESSAGES["orientation_tip"])
        self.orientation_combo.activated.connect(self._on_orientation_combo_activated)
        layout.addWidget(self.orientation_combo)

        printing = QHBoxLayout()
        self.print_button = self._button("print", lambda: self._request("print_document"))
        self.preview_button = self._button("preview", lambda: self._request("print_preview"))
        self.pdf_button = self._button("pdf", lambda: self._request("export_pdf"))
        for button in (self.print_button, self.preview_button, self.pdf_button):
            printing.addWidget(button)
        layout.addLayout(printing)
        self.setWidget(body)
        self._show(self._outline)

    def _button(self, key: str, slot: object) -> QPushButton:
        button = QPushButton(MESSAGES[key])
        button.setToolTip(MESSAGES[f"{key}_tip"])
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------ the outline
    def outline(self) -> ReportOutline:
        """The composed report as it is now."""
        return self._outline

    def load(self, outline: ReportOutline) -> None:
        """Show ``outline`` as the starting point (a project opened): not undoable."""
        self._show(outline)

    def change(self, outline: ReportOutline, text: str) -> None:
        """Replace the outline by ``outline`` as one undoable step named ``text``."""
        if outline == self._outline:
            return
        if self.undo_stack is None:
            self._show(outline)
        else:
            self.undo_stack.push(OutlineCommand(self, self._outline, outline, text))

    def add_item(self, item: ReportItem) -> bool:
        """Add ``item`` at the end; False when the same section is there already."""
        if item in self._outline.items:
            self._select(self._outline.items.index(item))
            return False
        self.change(self._outline.added(item), MESSAGES["undo_add"].format(title=item.title))
        self._select(len(self._outline.items) - 1)
        return True

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        to = row + delta
        if row < 0 or not 0 <= to < len(self._outline.items):
            return
        title = self._outline.items[row].title
        self.change(self._outline.moved(row, to), MESSAGES["undo_move"].format(title=title))
        self._select(to)

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        title = self._outline.items[row].title
        self.change(self._outline.removed(row), MESSAGES["undo_remove"].format(title=title))
        if self._outline.items:
            self._select(min(row, len(self._outline.items) - 1))

    def clear(self) -> None:
        self.change(self._outline.with_items(()), MESSAGES["undo_clear"])

    def _request(self, function: str) -> None:
        if not self._outline.empty:
            self.print_requested.emit(function)

    def _on_list_order_changed(self, items: list[ReportItem]) -> None:
        moved = self._outline.with_items(items)
        if moved.items == self._outline.items:
            return
        # the row the user dragged: the first whose item differs
        title = next(new.title for new, old in zip(moved.items, self._outline.items)
                     if new != old)
        self.change(moved, MESSAGES["undo_move"].format(title=title))

    def _on_orientation_combo_activated(self, _index: int) -> None:
        name = str(self.orientation_combo.currentData())
        self.change(self._outline.with_orientation(name), MESSAGES["undo_orientation"].format(
            label=ORIENTATION_LABELS[name].split()[0]))

    # ------------------------------------------------------------ showing it
    def _show(self, outline: ReportOutline) -> None:
        """Show ``outline`` (the rows are rebuilt: a handful of sections)."""
        changed = outline != self._outline
        self._outline = outline
        row = self.list.currentRow()
        self.list.clear()
        for item in outline.items:
            description = item.describe()
            entry = QListWidgetItem(item.title)
            entry.setData(Qt.ItemDataRole.UserRole, item)
            entry.setData(DESCRIPTION_ROLE, description)
            entry.setToolTip(MESSAGES["item_tip"].format(title=item.title,
                                                         description=description))
            entry.setFlags(entry.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)  # between rows
            self.list.addItem(entry)
        if outline.items:
            self._select(min(max(row, 0), len(outline.items) - 1))
        n = len(outline.items)
        self.count_label.setText(MESSAGES["empty"] if not n else
                                 MESSAGES["count_one"] if n == 1 else
                                 MESSAGES["count"].format(n=n))
        self.orientation_combo.setCurrentIndex(
            max(0, self.orientation_combo.findData(outline.orientation)))
        self._update_buttons()
        if changed:
            self.outline_changed.emit(outline)

    def _select(self, row: int) -> None:
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        n = len(self._outline.items)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < n - 1)
        self.remove_button.setEnabled(row >= 0)
        self.clear_button.setEnabled(n > 0)
        for button, key in ((self.print_button, "print_tip"),
                            (self.preview_button, "preview_tip"),
                            (self.pdf_button, "pdf_tip")):
            button.setEnabled(n > 0)
            button.setToolTip(MESSAGES[key] if n else MESSAGES["nothing_to_print"])
