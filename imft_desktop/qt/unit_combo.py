"""The time-unit drop-down of the Survival and Response tabs.

The first item shows results in the unit of the sheet's time column (what the user
wrote: "PFS (days)" gives days); the others convert to days, weeks, months or years.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from imft_desktop.model.time_units import TIME_UNITS

#: Text of the first item; the unit actually used is shown beside it once known.
SHEET_UNIT = "sheet's unit"


def make_unit_combo(parent: QWidget | None = None) -> QComboBox:
    """A combo whose ``currentData()`` is ``None`` (the sheet's unit) or a unit name."""
    combo = QComboBox(parent)
    # the first item grows to name the sheet's unit: the combo follows its text
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMinimumContentsLength(len("months (sheet)"))  # room in a crowded toolbar
    combo.addItem(SHEET_UNIT, None)
    for unit in TIME_UNITS:
        combo.addItem(unit, unit)
    combo.setToolTip("Unit of times, medians and landmarks: the unit of the sheet's time "
                     "column, or converted to days, weeks, months or years "
                     "(30.4375 days per month, 365.25 per year)")
    return combo


def show_sheet_unit(combo: QComboBox, unit: str | None) -> None:
    """Name the sheet's unit in the first item ("days (sheet)")."""
    combo.setItemText(0, f"{unit} (sheet)" if unit else SHEET_UNIT)
