"""Data behind the Import tab: the worker functions and the item models.

``read_for_import`` and ``import_cohort`` run in the worker pool; they do everything
that costs time (reading, recognising headers, building the cohort, its summary line
and the sorted findings) so that the GUI thread only displays the results.
``MappingTableModel`` (with ``TargetComboDelegate``) shows and edits the column
mapping; ``FindingsModel`` lists the findings, filtered by level and text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from imft_desktop.model.findings import Finding
from imft_desktop.model.vocab import Level

if TYPE_CHECKING:
    from imft_desktop.io.mapping import MappingProfile
    from imft_desktop.io.read.raw import RawWorkbook
    from imft_desktop.model.cohort import Cohort

_Index = QModelIndex | QPersistentModelIndex

LEVEL_COLOURS = {Level.ERROR: "#b00020", Level.WARNING: "#a35a00", Level.INFO: "#2d5f8a"}
LEVEL_NAMES = {Level.ERROR: "Error", Level.WARNING: "Warning", Level.INFO: "Info"}


# ------------------------------------------------------------------ worker functions
@dataclass
class ReadResult:
    """What reading a file produces for the tab (built in the worker)."""

    path: str
    workbook: RawWorkbook
    sheets: list[Any]  # SheetInfo
    canonical: bool
    canonical_tables: dict[str, str] = field(default_factory=dict)  # table -> sheet name
    first_sheet: str | None = None
    profile: MappingProfile | None = None  # recognised mapping of ``first_sheet``
    passed_over: tuple[str, ...] = ()  # sheets before ``first_sheet`` holding no cases


def read_or_import(
    path: str,
    progress: Any = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    options: dict[str, Any] | None = None,
) -> ReadResult | ImportOutcome:
    """A workbook or text table is read for the mapping step (``read_for_import``);
    another tool's file (MAF, SEG, a cBioPortal study folder) has a fixed layout and is
    imported at once, exactly as the command line imports it, with ``ImportOptions(
    **options)`` (the reading options: genome assembly, FISH threshold; worker thread)."""
    from imft_desktop.io.interop import detect

    if detect(path) is not None:
        from imft_desktop.io.importer import ImportOptions, import_file

        cohort = import_file(path, ImportOptions(**(options or {})), progress)
        return ImportOutcome(cohort, cohort.summary_line(), sort_findings(cohort.findings))
    return read_for_import(path, progress, encoding, delimiter)


def read_for_import(
    path: str,
    progress: Any = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadResult:
    """Read ``path`` and prepare what the Import tab shows (worker thread).

    ``encoding`` and ``delimiter`` override detection for text files (CSV/TSV).
    """
    from imft_desktop.io import mapping
    from imft_desktop.io.importer import window_sheets
    from imft_desktop.io.read.workbook import describe_sheets, read_workbook

    sub = progress.sub(0.0, 0.9) if progress is not None else None
    # A workbook of many sheets is read in part: the others when they are chosen.
    workbook = read_workbook(path, sub, encoding=encoding, delimiter=delimiter,
                             only=window_sheets())
    infos = describe_sheets(workbook)
    canonical = mapping.is_canonical_workbook(workbook)
    result = ReadResult(path, workbook, infos, canonical)
    if canonical:
        result.canonical_tables = {
            table: sheet.name for table, (sheet, _row) in mapping.canonical_sheets(workbook).items()
        }
        result.first_sheet = result.canonical_tables.get("samples")
    else:
        from imft_desktop.io.importer import choose_case_sheet

        candidates = [i for i in infos if not i.hidden and i.rows > 1] or [
            i for i in infos if i.rows > 0
        ]
        if candidates:
            # The sheet holding the cases, as the command line picks it (a README first)
            sheet, result.profile, skipped = choose_case_sheet(workbook)
            result.first_sheet, result.passed_over = sheet.name, tuple(skipped)
    if progress is not None:
        progress.report(1.0, "Read")
    return result


def read_chosen_sheet(result: ReadResult, name: str, progress: Any = None) -> ReadResult:
    """Read sheet ``name``, left unread by ``read_for_import`` (worker thread)."""
    from imft_desktop.io.read.workbook import describe_sheets, read_sheet_into

    read_sheet_into(result.workbook, name, progress)
    result.sheets = describe_sheets(result.workbook)
    return result


@dataclass
class ImportOutcome:
    """A built cohort with what the GUI shows about it, computed in the worker so that
    the GUI thread only displays (a 10k-sample import has ~30k findings)."""

    cohort: Cohort
    summary_line: str
    findings: list[Finding]


def import_cohort(
    workbook: RawWorkbook, options: dict[str, Any], progress: Any = None
) -> ImportOutcome:
    """Build the cohort with ``ImportOptions(**options)`` (worker thread).

    The importer module is imported here, in the worker: importing it costs ~0.15 s
    that the GUI thread must not spend.
    """
    from imft_desktop.io.importer import ImportOptions, build_cohort

    cohort = build_cohort(workbook, ImportOptions(**options), progress)
    return ImportOutcome(cohort, cohort.summary_line(), sort_findings(cohort.findings))


def sort_findings(findings: Any) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a level."""
    return sorted(findings, key=lambda f: -f.level.rank)


# ------------------------------------------------------------------ mapping model
class MappingTableModel(QAbstractTableModel):
    """The column mapping of a one-row-per-case sheet; the 'Maps to' column is editable.

    For canonical workbooks it lists the template sheets as recognised, read-only.
    """

    HEADERS = ("Column", "Header", "Maps to", "Confidence", "Why")
    CANONICAL_HEADERS = ("Sheet", "Records", "Read as")
    TARGET_COLUMN = 2

    mapping_edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.profile: MappingProfile | None = None
        self.canonical_rows: list[tuple[str, int, str]] | None = None

    def set_profile(self, profile: MappingProfile | None) -> None:
        self.beginResetModel()
        self.profile = profile
        self.canonical_rows = None
        self.endResetModel()

    def set_canonical(self, rows: list[tuple[str, int, str]]) -> None:
        self.beginResetModel()
        self.profile = None
        self.canonical_rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        if self.canonical_rows is not None:
            return len(self.canonical_rows)
        return len(self.profile.columns) if self.profile is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.CANONICAL_HEADERS if self.canonical_rows is not None else self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        headers = self.CANONICAL_HEADERS if self.canonical_rows is not None else self.HEADERS
        return headers[section] if 0 <= section < len(headers) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if self.canonical_rows is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return str(self.canonical_rows[r][c])
            if role == Qt.ItemDataRole.TextAlignmentRole and c == 1:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        assert self.profile is not None
        col = self.profile.columns[r]
        from imft_desktop.io.mapping import target_label

        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return col.column
            if c == 1:
                return col.header
            if c == 2:
                return target_label(col.target)
            if c == 3:
                return f"{round(col.confidence * 100)}%"
            return col.reason
        if role == Qt.ItemDataRole.EditRole and c == self.TARGET_COLUMN:
            return col.target
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == self.TARGET_COLUMN:
                tip = f"{target_label(col.target)}\n({col.target}) — double-click to change"
                if col.confidence < 1.0 and "no unit in the header" in col.reason:
                    # the importer warns until the user says the unit of this time column
                    tip += ("\nThe header states no time unit: pick the one the sheet "
                            "uses (days, weeks, months or years).")
                return tip
            if c == 4:
                return col.reason
        if role == Qt.ItemDataRole.ForegroundRole and not col.is_mapped:
            return QBrush(QColor("#7a7a7a"))
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and c == 3
            and col.is_mapped
            and col.confidence < 0.5
        ):
            return QBrush(QColor("#fbefc0"))  # a guess worth checking
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and c == 3
            and col.is_mapped
            and col.confidence < 0.5
        ):
            return QBrush(QColor("#1a1a1a"))  # dark text on the light cell, any palette
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.profile is not None and index.column() == self.TARGET_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Set a column's target (a target string); the user's choice has confidence 1."""
        if (
            self.profile is None
            or not index.isValid()
            or index.column() != self.TARGET_COLUMN
            or role != Qt.ItemDataRole.EditRole
        ):
            return False
        from imft_desktop.io.mapping import parse_target

        target = str(value)
        try:
            target = parse_target(target).text
        except ValueError:
            return False
        old = self.profile.columns[index.row()]
        if old.target == target and old.confidence >= 1.0:
            return False  # picking a guess again confirms it (e.g. a time column's unit)
        self.profile.columns[index.row()] = replace(
            old, target=target, confidence=1.0, reason="chosen by you"
        )
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 4))
        self.mapping_edited.emit()
        return True

    def unmapped(self) -> list[str]:
        """'D (Comment)' for every column not feeding the analysis."""
        if self.profile is None:
            return []
        return [f"{c.column} ({c.header})" for c in self.profile.columns if not c.is_mapped]


class TargetComboDelegate(QStyledItemDelegate):
    """A drop-down of mapping targets with readable labels for the 'Maps to' column."""

    def __init__(self, model: MappingTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> QWidget:
        from imft_desktop.io.mapping import available_targets, target_label

        combo = QComboBox(parent)
        combo.setMaxVisibleItems(20)
        current = str(index.data(Qt.ItemDataRole.EditRole))
        targets = available_targets(self._model.profile)
        if current not in targets:
            targets.insert(0, current)
        for target in targets:
            combo.addItem(target_label(target), target)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


# ------------------------------------------------------------------ findings
class FindingsModel(QAbstractTableModel):
    """The findings of the checked levels whose text contains the filter text.

    Filtering happens here on a plain list (one list comprehension) rather than in a
    ``QSortFilterProxyModel`` whose ``filterAcceptsRow`` would be a Python call per
    row: a 10k-sample import has ~30k findings.
    """

    HEADERS = ("Level", "Where", "Code", "Message")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.all_findings: list[Finding] = []
        self.findings: list[Finding] = []  # the shown (filtered) ones
        self.counts: dict[Level, int] = {level: 0 for level in Level}
        self.levels: set[Level] = {Level.ERROR, Level.WARNING, Level.INFO}
        self.text = ""
        self._haystack: list[str] | None = None

    def set_findings(self, findings: list[Finding], presorted: bool = False) -> None:
        self.all_findings = list(findings) if presorted else sort_findings(findings)
        self.counts = {level: 0 for level in Level}
        for f in self.all_findings:
            self.counts[f.level] += 1
        self._haystack = None
        self._refilter()

    def set_levels(self, levels: set[Level]) -> None:
        self.levels = set(levels)
        self._refilter()

    def set_text(self, text: str) -> None:
        self.text = text.strip().casefold()
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        levels, text = self.levels, self.text
        if text:
            if self._haystack is None:
                self._haystack = [
                    " ".join(
                        str(x) for x in (f.code, f.message, f.location, f.value or "", f.hint or "")
                    ).casefold()
                    for f in self.all_findings
                ]
            self.findings = [
                f
                for f, hay in zip(self.all_findings, self._haystack)
                if f.level in levels and text in hay
            ]
        elif len(levels) == len(Level):
            self.findings = self.all_findings
        else:
            self.findings = [f for f in self.all_findings if f.level in levels]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.findings)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self.findings[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return LEVEL_NAMES[f.level]
            if c == 1:
                return f.location
            if c == 2:
                return f.code
            text = f.message
            if f.hint:
                text += f" ({f.hint})"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f.message]
            if f.value is not None:
                parts.append(f"Value found: {f.value}")
            if f.normalised is not None:
                parts.append(f"Used as: {f.normalised}")
            if f.hint:
                parts.append(f.hint)
            return "\n".join(parts)
        if role == Qt.ItemDataRole.ForegroundRole and c == 0:
            return QBrush(QColor(LEVEL_COLOURS[f.level]))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
