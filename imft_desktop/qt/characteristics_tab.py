"""The Cohort tab: the cohort characteristics (Table 1), overall or by a chosen group.

It shows a ``CharacteristicsTable`` (``analysis.characteristics``) as it is: the table is
the result's own text layout (``lines()``), the tests are the result's, and printing
the tab prints the report chapter of the same object (``reports.characteristics_chapter``).
The study runs in the shared thread pool, so the window never waits for an exact test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.analysis.grouping_choices import grouping_choices
from imft_desktop.qt.analysis_tab import AnalysisTab, dim
from imft_desktop.qt.survival_tab import safe_html

if TYPE_CHECKING:
    from imft_desktop.analysis.characteristics import CharacteristicsTable, DisplayLine
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress
    from imft_desktop.reports.outline import ReportItem

#: What the tab says, in one place.
MESSAGES = {
    "no_cohort": "Open a cohort to see its characteristics.",
    "running": "Computing the characteristics and their exact tests…",
    "progress": "Computing the characteristics and their exact tests… {what} ({percent:.0f}%)",
    "failed": "Could not compute the characteristics: {error}",
    "none": "(none)",
    "shown": "{caption}. Percentages are of the patients with a known value; assays done "
             "are of all patients in the column (not tested = not done).",
    "tests": "Tests across the groups (two-sided; p descriptive, not corrected for multiple "
             "testing): {names}. Hover here for the methods.",
    "no_tests": "No grouping: the whole cohort, no test. Hover here for the methods.",
}

TIPS = {
    "group_combo": "Compare the patients' characteristics between the groups of an "
                   "alteration (altered vs tested and not altered), an assay call (e.g. "
                   "'ALK IHC') or a sheet column; type e.g. 'age > 50' or 'A AND B' and "
                   "press Enter. (none): the whole cohort, no tests.",
    "analyse": "Compute the table again for the text in 'Compare by'",
    "table": "One row per characteristic and level, one column per group; patients the "
             "grouping cannot place have their own column, and Overall counts everyone. "
             "Ctrl+C or the context menu copies the cells with their headers.",
    "methods": "How the numbers were counted and which tests compared the groups",
    "no_table": "The methods appear with the table",
    "message": "What the table shows and who is in it",
}

#: Indent of a level under its characteristic.
INDENT = "    "


class CharacteristicsModel(QAbstractTableModel):
    """Read-only rows of a ``CharacteristicsTable``: its printed lines, the p and the
    test; characteristic lines bold, numbers right-aligned, each cell's count and
    denominator (or the test's method) in its tooltip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._table: CharacteristicsTable | None = None
        self._lines: tuple[DisplayLine, ...] = ()
        self._header: tuple[str, ...] = ()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: CharacteristicsTable | None) -> None:
        """Show ``table`` (``None``: empty)."""
        self.beginResetModel()
        self._table = table
        self._lines = table.lines() if table is not None else ()
        self._header = table.header() if table is not None else ()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                    ) -> int:
        return 0 if parent.isValid() else len(self._header)

    def _text(self, line: DisplayLine, column: int) -> str:
        if column == 0:
            return INDENT + line.label if line.kind in ("level", "unknown") else line.label
        n_cells = len(line.cells)
        if column <= n_cells:
            return line.cells[column - 1]
        return line.p if column == n_cells + 1 else line.test

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._table is None:
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.FontRole and column == 0 and (
                line.kind == "section" or (line.kind == "variable" and not any(line.cells))):
            return self._bold  # headings: a section, a characteristic with levels below
        if role == Qt.ItemDataRole.BackgroundRole and line.kind == "section":
            # the palette's own shade, so a dark theme keeps its contrast
            return QGuiApplication.palette().color(QPalette.ColorRole.Button)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = 0 < column <= len(line.cells) + 1
            horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line, column)
        return None

    def _tooltip(self, line: DisplayLine, column: int) -> str | None:
        """The count behind a cell, or the test's method; ``None`` on blank cells."""
        table = self._table
        if table is None or not line.variable:
            return None
        v = table.variable(line.variable)
        shown = table.shown_columns()
        if column > len(line.cells):
            t = v.test
            if not table.grouped:
                return None
            if t.not_testable is not None:
                return f"{v.label}: not tested, {t.not_testable}"
            stat = (f"; {t.statistic_name} = {t.statistic:g}" if t.statistic is not None
                    else "")
            return (f"{t.name}, {t.sided}, {len(t.groups)} groups, n = {t.n}{stat}; "
                    f"{t.method}")
        if column == 0 or not line.cells[column - 1]:
            return None
        col = table.columns[shown[column - 1]]
        j = shown[column - 1]
        if line.kind == "unknown":
            return f"{v.missing[j]} of {col.n} patients in {col.label} without a value"
        row = next((r for r in v.rows if r.level == line.label), v.rows[0])
        cell = row.cells[j]
        if cell.summary is not None:
            return (f"{cell.summary.n} of {col.n} patients in {col.label} with a value "
                    f"({v.missing[j]} unknown)")
        what = row.level if v.display != "first level" else f"{v.label}: {row.level}"
        return (f"{what}: {cell.count} of the {cell.denominator} patients of {col.label} "
                f"with a known value ({v.missing[j]} unknown)")

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            if section == 0:
                return "n (%) unless stated; Unknown: patients without a value"
            if self._table is not None and section <= len(self._table.shown_columns()):
                col = self._table.columns[self._table.shown_columns()[section - 1]]
                return {"group": f"Patients in the group {col.label}",
                        "ungrouped": "Patients the grouping cannot place (not tested, "
                                     "missing value, samples in different groups)",
                        "overall": "Every patient of the cohort"}[col.kind]
            return "Two-sided p across the groups and the test that gave it"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def compute_characteristics(cohort: Cohort, grouping: str | None,
                            progress: Progress | None = None) -> CharacteristicsTable:
    """The study for the tab (run in a worker)."""
    from imft_desktop.analysis.characteristics import cohort_characteristics

    return cohort_characteristics(cohort, grouping, progress=progress)


class CharacteristicsTab(AnalysisTab):
    """Cohort characteristics (Table 1) by a chosen grouping.

    Signals
    -------
    result_ready():
        The table for the current choice is shown (or the failure message).
    """

    title = "Cohort"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table: CharacteristicsTable | None = None

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = QLabel("Compare by")
        label.setToolTip(TIPS["group_combo"])
        row.addWidget(label)
        self.group_combo = QComboBox()
        self.group_combo.setEditable(True)
        self.group_combo.setMinimumContentsLength(22)
        self.group_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.group_combo.setToolTip(TIPS["group_combo"])
        edit = self.group_combo.lineEdit()
        assert edit is not None  # editable combo
        edit.setPlaceholderText("(none) or alteration / column, e.g. monosomy 19")
        edit.setToolTip(TIPS["group_combo"])
        edit.returnPressed.connect(self.analyse)
        self.group_combo.currentIndexChanged.connect(self._on_group_combo_changed)
        label.setBuddy(self.group_combo)
        row.addWidget(self.group_combo, 1)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.setToolTip(TIPS["analyse"])
        self.analyse_button.clicked.connect(self.analyse)
        self.analyse_button.setEnabled(False)
        row.addWidget(self.analyse_button)
        layout.addLayout(row)

        self.message = QLabel(MESSAGES["no_cohort"])
        self.message.setWordWrap(True)
        self.message.setToolTip(TIPS["message"])
        layout.addWidget(self.message)

        self.model = CharacteristicsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setToolTip(TIPS["table"])
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # no stretched last column: with one group the numbers would sit far from labels
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.view, 1)

        self.methods = QLabel("")
        self.methods.setWordWrap(True)
        self.methods.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.methods.setToolTip(TIPS["methods"])
        dim(self.methods)  # secondary to the table
        layout.addWidget(self.methods)

    # ------------------------------------------------------------ state
    def result(self) -> CharacteristicsTable | None:
        """The table on screen."""
        return self._table

    def report_item(self) -> ReportItem | None:
        """What "Add to Report" adds: Table 1 by the grouping shown (computed again from
        the cohort when printed)."""
        from imft_desktop.reports.outline import ReportItem

        if self._table is None:
            return None
        by = self._table.grouping_text or None
        title = f"Cohort characteristics by {by}" if by else "Cohort characteristics"
        return ReportItem.make("characteristics", title, {"by": by})

    def report_sections(self) -> list[Any]:
        """What File > Print... prints for "this tab": the report chapter of the table
        on screen, so paper and screen hold the same numbers."""
        from imft_desktop.reports.characteristics_chapter import characteristics_sections
        from imft_desktop.reports.document import Heading, Paragraph

        if self._table is None:
            return [Heading(self.title, 1),
                    Paragraph("Nothing is shown on this tab yet.", "note")]
        return characteristics_sections(self._table)

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab): the whole cohort first, and the
        alterations and columns to compare by as soon as they are listed."""
        self.cohort = cohort
        self.cancel_tasks()
        self._show(None)
        self.analyse_button.setEnabled(cohort is not None)
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        if cohort is not None:
            self.group_combo.addItem(MESSAGES["none"])
        self.group_combo.blockSignals(False)
        if cohort is None:
            self.message.setText(MESSAGES["no_cohort"])
            return
        self.run_task("choices", grouping_choices, cohort, on_result=self._on_choices_ready,
                      on_error=self._on_choices_failed)
        self.analyse()

    def set_grouping(self, text: str | None) -> None:
        """Put ``text`` in "Compare by" and compute (``None``: the whole cohort)."""
        self.group_combo.blockSignals(True)
        i = self.group_combo.findText(text or MESSAGES["none"])
        if i >= 0:
            self.group_combo.setCurrentIndex(i)
        else:
            self.group_combo.setCurrentText(text or MESSAGES["none"])
        self.group_combo.blockSignals(False)
        self.analyse()

    # ------------------------------------------------------------ choices
    def _on_choices_ready(self, choices: list[str]) -> None:
        text = self.group_combo.currentText()
        self.group_combo.blockSignals(True)
        if choices:
            self.group_combo.insertSeparator(self.group_combo.count())
            self.group_combo.addItems(choices)
        i = self.group_combo.findText(text)
        if i >= 0:
            self.group_combo.setCurrentIndex(i)
        else:
            self.group_combo.setCurrentText(text)
        self.group_combo.blockSignals(False)

    def _on_choices_failed(self, _exc: BaseException) -> None:
        pass  # a typed grouping still works

    @Slot(int)
    def _on_group_combo_changed(self, index: int) -> None:
        """Picking a choice computes at once; typed text waits for Enter or Analyse."""
        if index >= 0 and self.cohort is not None:
            self.analyse()

    # ------------------------------------------------------------ analysis
    @Slot()
    def analyse(self) -> None:
        """Compute the table for the text in "Compare by" in a worker."""
        if self.cohort is None:
            return
        text = self.group_combo.currentText().strip()
        grouping = None if text in ("", MESSAGES["none"]) else text
        # the same table asked twice while it is computed (Enter and a pick) runs once
        if self.run_task("analysis", compute_characteristics, self.cohort, grouping,
                         key=(id(self.cohort), grouping), on_result=self._on_task_done,
                         on_error=self._on_task_failed, on_progress=self._on_task_progress):
            self.message.setText(MESSAGES["running"])

    def _on_task_progress(self, fraction: float, what: str) -> None:
        self.message.setText(MESSAGES["progress"].format(what=what, percent=100 * fraction))

    def _on_task_failed(self, exc: BaseException) -> None:
        self._show(None)
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_task_done(self, table: CharacteristicsTable) -> None:
        self._show(table)
        self.result_ready.emit()

    def _show(self, table: CharacteristicsTable | None) -> None:
        """Table, a message of who is in it, and one line naming the tests (the full
        methods in its tooltip, so the table keeps the height)."""
        self._table = table
        self.model.set_table(table)
        if table is None:
            self.methods.setText("")
            self.methods.setToolTip(TIPS["no_table"])
            return
        message = [MESSAGES["shown"].format(caption=table.caption())]
        if table.grouped:
            message.insert(0, f"<b>{table.grouping_description}</b>.")
        message += list(table.notes)
        self.message.setText(safe_html(" ".join(message)))
        names = list(dict.fromkeys(v.test.name for v in table.variables if v.test.tested))
        line = (MESSAGES["tests"].format(names="; ".join(names) or "none")
                if table.grouped else MESSAGES["no_tests"])
        warnings = [f"<span style='color:#a04000'>⚠ {w}</span>" for w in table.warnings]
        self.methods.setText(safe_html("<br>".join([line, *warnings])))
        self.methods.setToolTip("\n\n".join(table.methods))
