"""The Response tab: RECIST distribution, ORR with exact CIs, response by grouping
(Fisher's exact test with its 2x2 table), a measure by response (Mann-Whitney U), and
the waterfall, swimmer and box/strip plots.

The analysis runs in the shared thread pool; matplotlib is imported when the tab first
draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.qt.analysis_tab import AnalysisTab, dim
from imft_desktop.qt.survival_tab import grouping_choices, numeric_columns, safe_html
from imft_desktop.qt.unit_combo import make_unit_combo, show_sheet_unit
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:
    from imft_desktop.analysis.response_study import ResponseStudy
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

MESSAGES = {
    "no_cohort": "Open a cohort to analyse response.",
    "running": "Analysing…",
    "failed": "Could not analyse: {error}",
    "none": "(none)",
    "cna": "CNA burden",
    "no_plot_data": "No patient has the values this plot needs.",
    "no_measure": "Choose a measure to compare between responders and non-responders.",
    "no_cna": "No CNA burden for this cohort (no copy-number data): choose a numeric "
              "column in Measure to compare responders and non-responders.",
    "fisher_none": "Choose an alteration or a column in Compare to test response between "
                   "two groups (Fisher's exact test, 2x2 table).",
    "fisher_levels": "Fisher's exact test needs two groups; {name} has {k}: see the table "
                     "above for the ORR of each.",
}

ORR_HEADERS = ["Group", "CR", "PR", "SD", "PD", "NE", "Missing", "Responders/n", "ORR (95% CI)"]


class ResponseTab(AnalysisTab):
    """Best overall response analyses and plots.

    Signals
    -------
    result_ready():
        The analyses for the current choices are shown (or the failure message).
    """

    title = "Response"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study: ResponseStudy | None = None
        # the first view tries the CNA burden quietly; a measure the user picks is reported
        self._measure_optional = False

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Compare"))
        self.group_combo = QComboBox()
        self.group_combo.setEditable(True)
        self.group_combo.setMinimumContentsLength(18)
        self.group_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.group_combo.setToolTip("Pick an alteration (most frequent first) or a column: "
                                    "the analysis runs at once; typed text on Enter.")
        edit = self.group_combo.lineEdit()
        assert edit is not None  # editable combo
        edit.setPlaceholderText("(none) or alteration / column")
        edit.returnPressed.connect(self.analyse)
        self.group_combo.currentIndexChanged.connect(self._on_choice_changed)
        row.addWidget(self.group_combo, 1)
        row.addWidget(QLabel("Measure"))
        self.measure_combo = QComboBox()
        self.measure_combo.setEditable(True)
        self.measure_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.measure_combo.setToolTip("A number per sample compared between responders and "
                                      "non-responders (Mann-Whitney U)")
        medit = self.measure_combo.lineEdit()
        assert medit is not None
        medit.returnPressed.connect(self._on_measure_entered)
        self.measure_combo.currentIndexChanged.connect(self._on_measure_changed)
        row.addWidget(self.measure_combo, 1)
        row.addWidget(QLabel("Unit"))
        self.unit_combo = make_unit_combo(self)
        self.unit_combo.setToolTip("Unit of the swimmer plot's times: the sheet's, or "
                                   "converted (30.4375 days per month, 365.25 per year)")
        self.unit_combo.currentIndexChanged.connect(self._on_unit_changed)
        row.addWidget(self.unit_combo)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.setToolTip("Run the analysis again with the grouping and "
                                       "measure typed above")
        self.analyse_button.clicked.connect(self.analyse)
        row.addWidget(self.analyse_button)
        layout.addLayout(row)
        self.message = QLabel(MESSAGES["no_cohort"])
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        from imft_desktop.qt.mpl_canvas import MplCanvas

        # left: the numbers (ORR, Fisher, tests) over the measure-by-response plot;
        # right: waterfall and swimmer.  Both plots of the first view are visible at once.
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        numbers = QWidget()
        llay = QVBoxLayout(numbers)
        llay.setContentsMargins(0, 0, 0, 0)
        self.orr_table = QTableWidget(0, len(ORR_HEADERS))
        self.orr_table.setTabKeyNavigation(False)  # Tab moves on, not cell to cell
        self.orr_table.setHorizontalHeaderLabels(ORR_HEADERS)
        self.orr_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.orr_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.orr_table.verticalHeader().setVisible(False)
        self.orr_table.setToolTip("ORR = (CR + PR) / (CR + PR + SD + PD); NE and missing are "
                                  "counted but not in the denominator; exact 95% CI")
        llay.addWidget(self.orr_table)
        self.fisher_hint = QLabel(MESSAGES["fisher_none"])
        self.fisher_hint.setWordWrap(True)
        self.fisher_hint.setMargin(4)
        dim(self.fisher_hint)
        llay.addWidget(self.fisher_hint)
        self.fisher_table = QTableWidget(0, 3)
        self.fisher_table.setTabKeyNavigation(False)  # Tab moves on, not cell to cell
        self.fisher_table.setHorizontalHeaderLabels(["", "Responders (CR/PR)",
                                                     "Non-responders (SD/PD)"])
        self.fisher_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fisher_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.fisher_table.verticalHeader().setVisible(False)
        self.fisher_table.setVisible(False)
        llay.addWidget(self.fisher_table)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        scroll.setMinimumHeight(60)
        llay.addWidget(scroll, 1)
        left.addWidget(numbers)
        self.box_canvas = MplCanvas(self, toolbar=False, figsize=(5.0, 3.5))
        left.addWidget(self.box_canvas)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 1)
        left.setSizes([330, 330])
        split.addWidget(left)

        self.plots = QTabWidget()
        self.waterfall_canvas = MplCanvas(self, figsize=(6.0, 4.0))
        self.swimmer_canvas = MplCanvas(self, figsize=(6.0, 4.0))
        self.plots.addTab(self.waterfall_canvas, "Waterfall")
        self.plots.addTab(self.swimmer_canvas, "Swimmer")
        split.addWidget(self.plots)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([540, 740])
        layout.addWidget(split, 1)
        self.analyse_button.setEnabled(False)

    # ------------------------------------------------------------ cohort
    def report_item(self) -> ReportItem | None:
        """The response comparison on screen as a section of the composed report: the
        study's grouping and measure (its analysis is run again when printed)."""
        if self.cohort is None:
            return None
        if self.study is not None:
            options = self.study.options
            measure = options.measure if self.study.measure is not None else None
            params = {**options.to_params(), "measure": measure}
            return ReportItem.make("response", self.study.title, params)
        # still analysing: what the boxes say is what will be shown
        grouping = _chosen(self.group_combo.currentText())
        measure = _chosen(self.measure_combo.currentText())
        title = f"Response by {grouping}" if grouping else "Response"
        return ReportItem.make("response", title, {"grouping": grouping, "measure": measure})

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab) and analyse it without a grouping,
        with the CNA burden by response when the cohort has copy-number data."""
        self.cohort = cohort
        self.cancel_tasks()
        self.study = None
        self.orr_table.setRowCount(0)
        self.fisher_table.setRowCount(0)
        self.fisher_table.setVisible(False)
        self.fisher_hint.setText(MESSAGES["fisher_none"])
        self.fisher_hint.setVisible(True)
        self.details.setText("")
        for canvas in (self.waterfall_canvas, self.swimmer_canvas):
            canvas.clear()
            canvas.draw_idle()
        self.analyse_button.setEnabled(cohort is not None)
        for combo in (self.group_combo, self.measure_combo):
            combo.blockSignals(True)
            combo.clear()
        if cohort is None:
            for combo in (self.group_combo, self.measure_combo):
                combo.blockSignals(False)
            self.message.setText(MESSAGES["no_cohort"])
            self.box_canvas.message(MESSAGES["no_cohort"])
            return
        self.group_combo.addItem(MESSAGES["none"])
        self.measure_combo.addItems([MESSAGES["none"], MESSAGES["cna"]])
        self.measure_combo.setCurrentIndex(1)
        for combo in (self.group_combo, self.measure_combo):
            combo.blockSignals(False)
        self._measure_optional = True
        self.box_canvas.message(MESSAGES["running"])
        self.run_task("choices", _choices, cohort, on_result=self._on_choices_ready,
                      on_error=self._on_choices_failed)
        self.analyse()

    def _on_choices_failed(self, _exc: BaseException) -> None:
        pass  # typed groupings and measures still work

    def _on_choices_ready(self, choices: tuple[list[str], list[str]]) -> None:
        groups, measures = choices
        for combo, items in ((self.group_combo, groups), (self.measure_combo, measures)):
            text = combo.currentText()
            combo.blockSignals(True)
            if items:
                combo.insertSeparator(combo.count())
                combo.addItems(items)
            idx = combo.findText(text)
            if idx >= 0:
                combo.setCurrentIndex(idx)
            else:
                combo.setCurrentText(text)
            combo.blockSignals(False)

    def set_choices(self, grouping: str | None, measure: str | None) -> None:
        """Put a grouping and a measure in the combos without analysing (``analyse()``)."""
        for combo, text in ((self.group_combo, grouping), (self.measure_combo, measure)):
            combo.blockSignals(True)
            idx = combo.findText(text or MESSAGES["none"])
            if idx >= 0:
                combo.setCurrentIndex(idx)
            else:
                combo.setCurrentText(text or MESSAGES["none"])
            combo.blockSignals(False)
        self._measure_optional = False

    @Slot(int)
    def _on_choice_changed(self, index: int) -> None:
        """Picking a grouping re-runs at once (the Analyse button re-runs typed text)."""
        if index >= 0 and self.cohort is not None:
            self.analyse()

    @Slot(int)
    def _on_measure_changed(self, index: int) -> None:
        if index >= 0 and self.cohort is not None:
            self._measure_optional = False
            self.analyse()

    @Slot(int)
    def _on_unit_changed(self, _index: int) -> None:
        """Only the swimmer shows times: redraw it, nothing to recompute."""
        if self.study is not None:
            self._draw(self.study)

    @Slot()
    def _on_measure_entered(self) -> None:
        self._measure_optional = False
        self.analyse()

    # ------------------------------------------------------------ analysis
    @Slot()
    def analyse(self) -> None:
        if self.cohort is None:
            return
        grouping = _chosen(self.group_combo.currentText())
        measure = _chosen(self.measure_combo.currentText())
        from imft_desktop.analysis.response_study import ResponseOptions, response_study

        # the measure as the box says it ("CNA burden" too): the report outline shows it
        options = ResponseOptions(grouping=grouping or "", measure=measure,
                                  optional_measure=self._measure_optional)
        # the same analysis asked twice while it runs (Enter and a pick) runs once
        if self.run_task("analysis", response_study, self.cohort, options,
                         key=(id(self.cohort), options), on_result=self._on_done,
                         on_error=self._on_failed):
            self.message.setText(MESSAGES["running"])

    def _on_failed(self, exc: BaseException) -> None:
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_done(self, study: ResponseStudy) -> None:
        self.study = study
        if study.measure_note is not None:
            # the default CNA burden is not available: say so, and show (none)
            self.measure_combo.blockSignals(True)
            self.measure_combo.setCurrentIndex(0)
            self.measure_combo.blockSignals(False)
        self._measure_optional = False
        orr = study.orr_all
        self.message.setText(
            f"ORR (all patients) {orr.overall.responders}/{orr.overall.n}"
            + (f" = {orr.overall.percent:.1f}%" if orr.overall.percent is not None else ""))
        self._fill_tables(study)
        self._draw(study)
        self.result_ready.emit()

    def _fill_tables(self, study: ResponseStudy) -> None:
        """The ORR table and the tests, in the words of ``reports.response_text`` (the
        report and ``imft response`` print the same rows and sentences)."""
        from imft_desktop.reports import response_text as words

        rows = words.orr_rows(study)
        self.orr_table.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.orr_table.setItem(i, j, item)
        _fit_height(self.orr_table)
        orr = study.orr
        parts = []
        excluded = words.excluded_line(study)
        if excluded:
            parts.append(excluded)
        parts.append(f"<small>{orr.method}</small>")
        f = study.fisher
        has_table = f is not None and bool(f.table)
        self.fisher_table.setVisible(has_table)
        self.fisher_hint.setVisible(not has_table)
        if study.grouping is None:
            self.fisher_hint.setText(MESSAGES["fisher_none"])
        elif not has_table:
            self.fisher_hint.setText(MESSAGES["fisher_levels"].format(
                name=study.grouping.name, k=len(study.data.levels)))
        if f is not None and f.table:
            self.fisher_table.setRowCount(2)
            for i, (label, row) in enumerate(zip(f.rows, f.table, strict=True)):
                for j, text in enumerate([label, str(row[0]), str(row[1])]):
                    item = QTableWidgetItem(text)
                    if j:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.fisher_table.setItem(i, j, item)
            _fit_height(self.fisher_table)
        else:
            self.fisher_table.setRowCount(0)
        for line in words.statistic_lines(study):
            head, sep, rest = line.partition(":")
            parts.append(f"<b>{head}</b>{sep}{rest}" if sep else line)
        parts += [f"<small>{m}</small>" for m in study.methods[1:]]
        if study.warnings:
            parts.append("<span style='color:#a04000'>" + "<br>".join(
                f"⚠ {w}" for w in study.warnings) + "</span>")
        self.details.setText(safe_html("<br>".join(parts)))

    def _draw(self, study: ResponseStudy) -> None:
        from imft_desktop.analysis.time_display import swimmer_in_unit, swimmer_unit
        from imft_desktop.plotting.response_plots import (
            plot_measure_by_response,
            plot_swimmer,
            plot_waterfall,
        )

        for canvas, fn, data in ((self.waterfall_canvas, plot_waterfall, study.waterfall),
                                 (self.swimmer_canvas, plot_swimmer, study.swimmer)):
            if data is None or not len(data):
                canvas.message(MESSAGES["no_plot_data"])
                continue
            canvas.figure.clear()
            ax = canvas.figure.add_subplot(111)
            if fn is plot_swimmer:
                data, unit = swimmer_in_unit(data, self.cohort.study if self.cohort else {},
                                             self.unit_combo.currentData())
                show_sheet_unit(self.unit_combo, swimmer_unit(
                    self.cohort.study if self.cohort else {}, study.swimmer))
                plot_swimmer(data, ax, unit=unit)
            else:
                fn(data, ax)
            legend = ax.get_legend()
            if fn is plot_swimmer and legend is not None:
                # bars are sorted longest first: the lower right is where the space is
                legend.set_loc("lower right")
            canvas.draw()
        if study.measure is not None:
            import textwrap

            self.box_canvas.figure.clear()
            ax = self.box_canvas.figure.add_subplot(111)
            plot_measure_by_response(study.measure, ax)
            # the test line is long; wrap it so that the narrow pane does not clip it
            title = ax.get_title(loc="left")
            ax.set_title(textwrap.fill(title, 70), fontsize=8, loc="left")
            self.box_canvas.draw()
        else:
            note = MESSAGES["no_cna"] if study.measure_note else MESSAGES["no_measure"]
            self.box_canvas.message(note)


def _fit_height(table: QTableWidget) -> None:
    """Make ``table`` exactly as tall as its rows, so no empty white area is left."""
    table.resizeRowsToContents()
    h = table.horizontalHeader().height() + 2 * table.frameWidth()
    h += sum(table.rowHeight(r) for r in range(table.rowCount()))
    bar = table.horizontalScrollBar()
    # Reserve the scroll bar whenever the columns are wider than the table (large
    # counts), even before the layout has shown it: otherwise it covers the only row.
    content = table.horizontalHeader().length() + table.verticalHeader().width()
    if bar is not None and (bar.isVisible() or content + 2 * table.frameWidth() > table.width()):
        h += max(bar.height(), bar.sizeHint().height())
    table.setFixedHeight(h)


def _chosen(text: str) -> str | None:
    """A combo box's text as a choice: ``None`` for "(none)" or nothing typed."""
    text = text.strip()
    return None if text in ("", MESSAGES["none"]) else text


def _choices(cohort: Cohort, progress: Progress | None = None) -> tuple[list[str], list[str]]:
    return grouping_choices(cohort), numeric_columns(cohort)
