"""Copy and save what the window shows, the way a desktop program does.

* Every result table (any ``QTableView``): Ctrl+C copies the selected cells, a context
  menu copies the selection or the whole table, as tab-separated text with the column
  headers (it pastes into Excel as cells).
* Shortcuts of the window's menus fire whatever widget has the focus: a text box no
  longer swallows Ctrl+E ("end of line" in a QLineEdit on some platforms).

Installed once on the application (``install``); figures have their own actions in
``mpl_canvas``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMenu, QTableView

#: Menu shortcuts a text box must not take over (it keeps Ctrl+C/V/X/A/Z for text).
#: Ctrl+Shift+A (Report > Add Current View to Report) is "deselect" in a text box on
#: Linux desktops; adding the view matters more than clearing a selection.
WINDOW_SHORTCUTS = (QKeySequence("Ctrl+E"), QKeySequence("Ctrl+P"), QKeySequence("Ctrl+O"),
                    QKeySequence("Ctrl+Q"), QKeySequence("F1"), QKeySequence("Ctrl+Shift+A"))


def table_text(view: QTableView, selection_only: bool = True) -> str:
    """The view's cells as tab-separated lines, headers first (visible columns only)."""
    model = view.model()
    if model is None:
        return ""
    rows = range(model.rowCount())
    cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    if selection_only and view.selectionModel() is not None:
        chosen = view.selectionModel().selectedIndexes()
        if chosen:
            rows = sorted({i.row() for i in chosen})  # type: ignore[assignment]
            picked = {i.column() for i in chosen}
            cols = [c for c in cols if c in picked]

    def cell(r: int, c: int) -> str:
        value = model.index(r, c).data(Qt.ItemDataRole.DisplayRole)
        text = "" if value is None else str(value)
        return text.replace("\t", " ").replace("\n", " ")

    header = [str(model.headerData(c, Qt.Orientation.Horizontal,
                                   Qt.ItemDataRole.DisplayRole) or "") for c in cols]
    lines = ["\t".join(header)]
    lines += ["\t".join(cell(r, c) for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


def copy_table(view: QTableView, selection_only: bool = True) -> str:
    """Put the table text on the clipboard; returns it."""
    text = table_text(view, selection_only)
    QGuiApplication.clipboard().setText(text)
    return text


class _WindowHabits(QObject):
    """Application-wide event filter for table copying and menu shortcuts."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit):
            assert isinstance(event, QKeyEvent)
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(s) == QKeySequence.SequenceMatch.ExactMatch
                   for s in WINDOW_SHORTCUTS):
                event.ignore()  # not taken by the text box: the menu action fires
                return True
            return False
        view = _table_of(watched)
        if view is None:
            return False
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Copy) and view.state() != \
                    QAbstractItemView.State.EditingState:
                copy_table(view)
                return True
        elif kind == QEvent.Type.ContextMenu and view.contextMenuPolicy() == \
                Qt.ContextMenuPolicy.DefaultContextMenu:
            menu = QMenu(view)
            menu.addAction("Copy", lambda: copy_table(view))
            menu.addAction("Copy whole table", lambda: copy_table(view, selection_only=False))
            menu.exec(event.globalPos())  # type: ignore[attr-defined]
            return True
        return False


def _table_of(obj: QObject) -> QTableView | None:
    if isinstance(obj, QTableView):
        return obj
    parent = obj.parent() if isinstance(obj, QObject) else None
    if isinstance(parent, QTableView) and obj is parent.viewport():
        return parent
    return None


_installed: list[Any] = []


def install(app: QApplication) -> None:
    """Install the habits once on ``app``."""
    if _installed:
        return
    habits = _WindowHabits(app)
    app.installEventFilter(habits)
    _installed.append(habits)
