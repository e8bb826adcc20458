"""The Import tab's "Values" page: the value dictionary, shown and corrected.

Every distinct value of every mapped column is listed with its count and what the
program read in it.  The user changes a reading from a drop-down of the meanings that
column kind allows; the choice goes into the mapping profile (saved with "Save
profile…", applied by the next Import and by ``imft ... --profile``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.model.value_dictionary import CHOSEN, UNKNOWN, ValueDictionary, ValueEntry

if TYPE_CHECKING:
    from imft_desktop.io.mapping import MappingProfile

_Index = QModelIndex | QPersistentModelIndex

#: Shown in the drop-down for "use the program's own reading".
BUILT_IN_CHOICE = "(the program's reading)"
_SOURCE_WORDS = {"built-in": "vocabulary", CHOSEN: "chosen by you", UNKNOWN: "not understood",
                 "as written": "as written"}
_UNKNOWN_BRUSH = QBrush(QColor("#fde2e1"))
_CHOSEN_BRUSH = QBrush(QColor("#e3f0fb"))
_DARK_TEXT = QBrush(QColor("#1a1a1a"))


class ValueDictionaryModel(QAbstractTableModel):
    """Entries of a ``ValueDictionary``; the "Read as" column is editable.

    Choices made since the last import are shown at once (source "chosen by you,
    import to apply") and announced with ``meaning_chosen(letter, key, token)``; a
    ``token`` of ``None`` goes back to the built-in reading.
    """

    HEADERS = ("Column", "Value", "Cells", "Read as", "From", "Note")
    MEANING_COLUMN = 3
    meaning_chosen = Signal(str, str, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[ValueEntry] = []
        self.profile: MappingProfile | None = None
        #: (letter, key) -> token (or None) chosen since the dictionary was built.
        self.pending: dict[tuple[str, str], str | None] = {}

    def set_dictionary(self, entries: list[ValueEntry], profile: MappingProfile | None) -> None:
        self.beginResetModel()
        self.entries = entries
        self.profile = profile
        self.pending = {}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def editable(self, entry: ValueEntry) -> bool:
        """Blank cells and summarised numbers are read by rule, not chosen."""
        return bool(entry.key) and self.profile is not None

    def _pending_label(self, entry: ValueEntry) -> tuple[str, str] | None:
        key = (entry.column, entry.key)
        if key not in self.pending:
            return None
        token = self.pending[key]
        if token is None:
            return "the program's reading", "import to apply"
        from imft_desktop.io.mapping.meanings import meaning_label

        return meaning_label(entry.target, token), "chosen by you, import to apply"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        c = index.column()
        pending = self._pending_label(e)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if c == 0:
                return f"{e.column} ({e.header})"
            if c == 1:
                return e.value
            if c == 2:
                return e.count if role == Qt.ItemDataRole.DisplayRole else _rows_tip(e)
            if c == 3:
                text = pending[0] if pending else e.meaning
                if role == Qt.ItemDataRole.ToolTipRole and self.editable(e):
                    return f"{text}\nDouble-click to choose what this value means."
                return text
            if c == 4:
                return pending[1] if pending else _SOURCE_WORDS.get(e.source, e.source)
            return e.note
        if role == Qt.ItemDataRole.EditRole and c == self.MEANING_COLUMN:
            return self.pending.get((e.column, e.key), self._saved_token(e))
        if role == Qt.ItemDataRole.TextAlignmentRole and c == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if pending or e.source == CHOSEN:
                return _CHOSEN_BRUSH
            if e.source == UNKNOWN:
                return _UNKNOWN_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and (pending or e.source in (CHOSEN, UNKNOWN)):
            return _DARK_TEXT  # light background: dark text under any palette
        return None

    def _saved_token(self, e: ValueEntry) -> str | None:
        if self.profile is None:
            return None
        col = self.profile.column(e.column)
        return col.value_meanings.get(e.key) if col is not None else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.MEANING_COLUMN and self.editable(self.entries[index.row()]):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Choose the meaning (a token, or ``None`` for the built-in reading)."""
        if (not index.isValid() or role != Qt.ItemDataRole.EditRole
                or index.column() != self.MEANING_COLUMN or self.profile is None):
            return False
        e = self.entries[index.row()]
        token = None if value in (None, "") else str(value)
        if token == self._saved_token(e) and (e.column, e.key) not in self.pending:
            return False
        try:
            self.profile.set_value_meaning(e.column, e.key, token)
        except (KeyError, ValueError):
            return False
        self.pending[(e.column, e.key)] = token
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(self.HEADERS) - 1))
        self.meaning_chosen.emit(e.column, e.key, token)
        return True


def _rows_tip(e: ValueEntry) -> str:
    from imft_desktop.io.validation.codes import compact_rows

    if not e.rows:
        return ""
    more = f" and {e.count - len(e.rows)} more" if e.count > len(e.rows) else ""
    return f"Rows {compact_rows(list(e.rows))}{more}"


class MeaningComboDelegate(QStyledItemDelegate):
    """A drop-down of the meanings the column's kind allows."""

    def __init__(self, model: ValueDictionaryModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> QWidget:
        from imft_desktop.io.mapping.meanings import choices_for

        entry = self._model.entries[index.row()]
        combo = QComboBox(parent)
        combo.addItem(BUILT_IN_CHOICE, "")
        for meaning in choices_for(entry.target):
            combo.addItem(meaning.label, meaning.token)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole)
        editor.setCurrentIndex(max(editor.findData(current or ""), 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ValueDictionaryPanel(QWidget):
    """The "Values" page: a column filter, "only not understood", the table and a hint."""

    meaning_chosen = Signal(str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dictionary = ValueDictionary()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        column_label = QLabel("Col&umn:")
        row.addWidget(column_label)
        self.column_combo = QComboBox()
        self.column_combo.setToolTip("Show the values of one column, or of all")
        column_label.setBuddy(self.column_combo)
        self.column_combo.currentIndexChanged.connect(self._refill)
        row.addWidget(self.column_combo, 1)
        self.unknown_check = QCheckBox("Only values not understood")
        self.unknown_check.setToolTip(
            "Show only the values the program could not read: give each a meaning in "
            "“Read as”, or correct the sheet")
        self.unknown_check.toggled.connect(self._refill)
        row.addWidget(self.unknown_check)
        layout.addLayout(row)
        self.model = ValueDictionaryModel(self)
        self.model.meaning_chosen.connect(self.meaning_chosen)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.view.setToolTip("Each distinct value of the mapped columns, how many cells hold "
                             "it and what it is read as. Double-click (or F2) “Read as” to "
                             "choose another meaning.")
        self.view.setItemDelegateForColumn(
            ValueDictionaryModel.MEANING_COLUMN, MeaningComboDelegate(self.model, self))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        layout.addWidget(self.view, 1)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self._profile: MappingProfile | None = None
        self.set_dictionary(ValueDictionary(), None)

    def set_dictionary(self, dictionary: ValueDictionary, profile: MappingProfile | None) -> None:
        """Show ``dictionary``; choices are written into ``profile``."""
        self.dictionary = dictionary
        self._profile = profile
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItem("All columns", "")
        for letter, header in dictionary.columns():
            self.column_combo.addItem(f"{letter} ({header})", letter)
        self.column_combo.blockSignals(False)
        n_unknown = len(dictionary.unknown())
        if not len(dictionary):
            self.hint.setText("The value dictionary lists the values of a one-row-per-case "
                              "sheet after it is imported.")
        else:
            self.hint.setText(
                f"{len(dictionary)} distinct values, {n_unknown} not understood. "
                "Double-click “Read as” to choose what a value means; press Import to "
                "apply, and “Save profile…” to reuse the choices on the next sheet.")
        self._refill()

    def _refill(self) -> None:
        letter = self.column_combo.currentData() or ""
        entries = [e for e in self.dictionary
                   if (not letter or e.column == letter)
                   and (not self.unknown_check.isChecked() or e.source == UNKNOWN)]
        pending = dict(self.model.pending)
        self.model.set_dictionary(entries, self._profile)
        self.model.pending = pending
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(ValueDictionaryModel.MEANING_COLUMN,
                                 max(self.view.columnWidth(ValueDictionaryModel.MEANING_COLUMN),
                                     200))
