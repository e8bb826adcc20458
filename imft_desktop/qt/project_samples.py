"""The Samples tab and a project's corrections: which value a cell shows, and its marker.

The Samples tab shows one row per sample with derived columns ("IHC ALK (D5F3)",
"FISH ALK", "PFS (months)").  ``address_for_column`` says which stored value a cell
is (``ihc[ALK D5F3].call``), so a double-click can correct it; ``column_for`` goes the
other way, so a corrected value is marked (a small orange corner and a tooltip with
the original, who changed it, when and why) in the cell that shows it.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from imft_desktop.qt.table_models import DataFrameTableModel

#: Samples-tab column -> the stored field it shows.
COLUMN_FIELDS = {
    "Diagnosis": "samples.diagnosis",
    "Site": "samples.site",
    "Age": "samples.age",
    "Sex": "samples.sex",
    "Best response": "outcomes.best_response",
    "PFS (months)": "outcomes.pfs_months",
    "PFS event": "outcomes.pfs_event",
}
_FIELD_COLUMNS = {v: k for k, v in COLUMN_FIELDS.items()}
_IHC = re.compile(r"^IHC (?P<marker>\S+)(?: \((?P<clone>.+)\))?$")
_FISH = re.compile(r"^FISH (?P<probe>.+)$")

#: Fields whose correction is marked in the column that shows the record's call.
_CALL_COLUMN_FIELDS = {"ihc", "fish"}


def address_for_column(label: str) -> str | None:
    """The field address a Samples-tab column shows, or None (derived, several records)."""
    if label in COLUMN_FIELDS:
        return COLUMN_FIELDS[label]
    m = _IHC.match(label)
    if m:
        key = m.group("marker") + (f" {m.group('clone')}" if m.group("clone") else "")
        return f"ihc[{key}].call"
    m = _FISH.match(label)
    if m:
        return f"fish[{m.group('probe')}].call"
    return None


def column_for(table: str, field: str, record: dict[str, Any]) -> str:
    """The Samples-tab column that shows a corrected value (the ID column when none)."""
    if f"{table}.{field}" in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[f"{table}.{field}"]
    if table == "ihc":
        clone = record.get("clone")
        has_clone = clone is not None and str(clone).strip() not in ("", "nan", "None")
        return f"IHC {record.get('marker')}" + (f" ({clone})" if has_clone else "")
    if table == "fish":
        return f"FISH {record.get('probe')}"
    return "Sample"


def _marker_icon() -> QIcon:
    pix = QPixmap(10, 10)
    pix.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#d97706"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 8, 8)
    painter.end()
    return QIcon(pix)


class MarkedTableModel(DataFrameTableModel):
    """``DataFrameTableModel`` that marks corrected cells: an orange dot and a tooltip.

    ``set_marks({(sample_id, column label): tooltip})``; column 0 holds the sample IDs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks: dict[tuple[str, str], str] = {}
        self._icon: QIcon | None = None

    def set_marks(self, marks: dict[tuple[str, str], str]) -> None:
        self._marks = dict(marks)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def mark(self, row: int, column: int) -> str | None:
        """The correction shown at presentation ``row``, ``column``, if any."""
        if not self._marks or not self.columnCount():
            return None
        return self._marks.get((str(self.value(row, 0)), self.column_names[column]))

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._marks and index.isValid() and role in (Qt.ItemDataRole.DecorationRole,
                                                         Qt.ItemDataRole.ToolTipRole):
            text = self.mark(index.row(), index.column())
            if text is not None:
                if role == Qt.ItemDataRole.DecorationRole:
                    if self._icon is None:
                        self._icon = _marker_icon()
                    return self._icon
                base = super().data(index, role)
                return f"{text}\n\n{base}" if base else text
        return super().data(index, role)
