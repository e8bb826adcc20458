"""Walk a window's controls and list those a user cannot ask "what does this do?".

Reusable by any GUI test (tests/gui is on ``sys.path``)::

    from control_tips import actions_without_status_tip, controls_without_tooltip

    assert controls_without_tooltip(tab) == []

A control is a button, check box, radio button, tool button, combo box, spin box or
line edit; it needs a tooltip.  A menu action needs a status tip (what the status bar
says while the action is highlighted), and so does an action of a widget's context menu.
Parts that Qt builds inside another control are not controls of their own: the line edit
of an editable combo box or of a spin box, the clear button of a line edit, the scroll
buttons of a tab bar, and everything inside an item view (headers, scroll bars, the
corner button).  The standard buttons of a dialog's button box keep Qt's own words (OK,
Cancel, Close ...) and need no tooltip; a renamed one ("Add to project") does.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QMenuBar,
    QScrollArea,
    QTabBar,
    QWidget,
)

#: What a user operates directly.
CONTROL_TYPES = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)
#: Controls whose children are Qt's own parts of them.
COMPOUND_TYPES = (QComboBox, QAbstractSpinBox, QLineEdit, QTabBar)


def _inside_qt_part(widget: QWidget, root: QWidget) -> bool:
    """True when ``widget`` is a part Qt built inside another control or an item view."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root.parentWidget():
        if isinstance(parent, COMPOUND_TYPES):
            return True
        # Item views and text browsers: their children are headers, scroll bars and
        # the corner button.  A plain QScrollArea holds the form's own controls.
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QScrollArea):
            return True
        if parent is root:
            break
        parent = parent.parentWidget()
    return False


def _standard_button(button: QAbstractButton) -> bool:
    """A button box's standard button still reading Qt's own text."""
    parent = button.parentWidget()
    while parent is not None and not isinstance(parent, QDialogButtonBox):
        parent = parent.parentWidget()
    if parent is None:
        return False
    standard = parent.standardButton(button)
    if standard == QDialogButtonBox.StandardButton.NoButton:
        return False
    probe = QDialogButtonBox(standard)
    try:
        return probe.button(standard).text() == button.text()
    finally:
        probe.deleteLater()


def describe(widget: QWidget) -> str:
    """``QPushButton 'Import' in ImportTab > QGroupBox`` (for a failure message)."""
    text = ""
    if isinstance(widget, QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText() or widget.text()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    where = []
    parent = widget.parentWidget()
    while parent is not None and len(where) < 3:
        where.append(type(parent).__name__)
        parent = parent.parentWidget()
    name = f" {widget.objectName()!r}" if widget.objectName() else ""
    return f"{type(widget).__name__}{name} {text!r} in {' > '.join(where)}"


def controls_without_tooltip(root: QWidget) -> list[str]:
    """Every control under ``root`` (and ``root`` itself) with no tooltip, described;
    hidden ones count too (a row shown only for text files still needs its tips).
    Actions of a context menu (``Qt.ActionsContextMenu`` widgets) need a status tip."""
    from PySide6.QtCore import Qt

    missing: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, CONTROL_TYPES):
            if widget is not root and _inside_qt_part(widget, root):
                continue
            if isinstance(widget, QAbstractButton) and _standard_button(widget):
                continue
            if widget.objectName().startswith("qt_"):
                continue  # Qt's own part (a toolbar's extension arrow)
            if not widget.toolTip().strip():
                missing.append(describe(widget))
        if widget.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu:
            missing += [f"context menu of {describe(widget)}: {a}"
                        for a in _actions_without_status_tip(widget.actions())]
    return missing


def _actions_without_status_tip(actions: list[QAction], path: str = "") -> list[str]:
    out: list[str] = []
    for action in actions:
        if action.isSeparator():
            continue
        label = f"{path}{action.text().replace('&', '')}"
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            out += _actions_without_status_tip(submenu.actions(), f"{label} > ")
            continue
        if not action.statusTip().strip():
            out.append(label)
    return out


def actions_without_status_tip(menu_bar: QMenuBar) -> list[str]:
    """``"File > Open…"`` for every menu action without a status tip (submenus walked;
    a submenu's own entry needs none)."""
    return _actions_without_status_tip(menu_bar.actions())
