"""The choices made in a tab (grouping, endpoint, CI transform, options), kept in a project.

Each analysis tab keeps its controls as attributes (``self.group_combo``,
``self.bands_check``).  ``capture`` reads those controls by attribute name, ``restore``
sets them back; a value the tab no longer offers (the cohort changed) is skipped.  The
tabs need no code for this, and a control added later is kept automatically.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

#: Layout of the stored dict, should it ever change.
SETTINGS_VERSION = 1


def _controls(widget: QWidget) -> dict[str, Any]:
    return {name: value for name, value in vars(widget).items()
            if isinstance(value, QComboBox | QAbstractButton | QSpinBox | QDoubleSpinBox)}


def capture(widget: QWidget) -> dict[str, Any]:
    """``{"version": 1, "controls": {attribute: value}}`` of a tab's controls."""
    out: dict[str, Any] = {}
    for name, control in _controls(widget).items():
        if isinstance(control, QComboBox):
            if control.currentIndex() >= 0:
                out[name] = control.currentText()
        elif isinstance(control, QAbstractButton):
            if control.isCheckable():
                out[name] = control.isChecked()
        else:
            out[name] = control.value()
    return {"version": SETTINGS_VERSION, "controls": out}


def restore(widget: QWidget, settings: dict[str, Any]) -> list[str]:
    """Set the tab's controls from ``capture``'s dict; the names set."""
    done = []
    controls = _controls(widget)
    for name, value in (settings or {}).get("controls", {}).items():
        control = controls.get(name)
        if isinstance(control, QComboBox):
            i = control.findText(str(value))
            if i >= 0 and i != control.currentIndex():
                control.setCurrentIndex(i)
                done.append(name)
        elif isinstance(control, QAbstractButton) and control.isCheckable():
            if control.isChecked() != bool(value):
                control.setChecked(bool(value))
                done.append(name)
        elif isinstance(control, QSpinBox) and isinstance(value, int | float):
            control.setValue(int(value))
            done.append(name)
        elif isinstance(control, QDoubleSpinBox) and isinstance(value, int | float):
            control.setValue(float(value))
            done.append(name)
    return done


def pending(widget: QWidget, settings: dict[str, Any]) -> list[str]:
    """Stored choices a combo box does not offer yet (its items come from a worker)."""
    controls = _controls(widget)
    return [name for name, value in (settings or {}).get("controls", {}).items()
            if isinstance(controls.get(name), QComboBox)
            and controls[name].findText(str(value)) < 0]
