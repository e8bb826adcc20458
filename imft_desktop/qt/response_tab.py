"""The Response tab: RECIST distribution, ORR with exact CIs, response by grouping
(Fisher's exact test with its 2x2 table), a measure by response (Mann-Whitney U), and
the waterfall, swimmer and box/strip plots.

The analysis runs in the shared thread pool; matplotlib is imported when the tab first
draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
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

from imft_desktop.qt.stat_text import fmt_number as _fmt
from imft_desktop.qt.stat_text import p_equals as _p_eq
from imft_desktop.qt.survival_tab import grouping_choices, numeric_columns, safe_html
from imft_desktop.qt.unit_combo import make_unit_combo, show_sheet_unit
from imft_desktop.qt.workers import TaskHandle, start_task
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:
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


@dataclass
class ResponseView:
    distribution: Any
    orr: Any
    distribution_all: Any = None
    orr_all: Any = None
    fisher: Any = None
    mannwhitney: Any = None
    waterfall: Any = None
    swimmer: Any = None
    errors: list[str] = field(default_factory=list)
    #: What was compared (``None``: all patients) and into how many groups.
    grouping_name: str | None = None
    n_levels: int = 0
    #: The measure analysed, or ``None`` (e.g. no CNA burden for a default view).
    measure: str | None = None
    measure_note: str | None = None


def analyse_response(cohort: Cohort, grouping_text: str | None, measure: str | None,
                     progress: Progress | None = None, optional_measure: bool = False
                     ) -> ResponseView:
    """All response analyses for the tab (run in a worker).

    With ``optional_measure`` (the default view, which tries the CNA burden) a measure
    the cohort does not have is left out with a note instead of an error.
    """
    from imft_desktop.analysis.groupings import GroupingError, resolve_grouping
    from imft_desktop.analysis.response import (
        fisher_response,
        measure_by_response,
        objective_response_rate,
        recist_distribution,
        response_data,
        swimmer_data,
        waterfall_data,
    )

    grouping = resolve_grouping(cohort, grouping_text) if grouping_text else None
    everyone = response_data(cohort)
    data = response_data(cohort, grouping) if grouping is not None else everyone
    view = ResponseView(recist_distribution(data), objective_response_rate(data),
                        recist_distribution(everyone), objective_response_rate(everyone))
    if grouping is not None:
        view.grouping_name, view.n_levels = grouping.name, len(data.levels)
        if len(data.levels) == 2:
            view.fisher = fisher_response(data)
    if progress is not None:
        progress.check()
    if measure:
        try:
            mw = measure_by_response(
                cohort, "cna_burden" if measure == MESSAGES["cna"] else measure)
        except GroupingError as exc:
            if optional_measure:
                view.measure_note = MESSAGES["no_cna"]
            else:
                view.errors.append(str(exc))
        else:
            if optional_measure and not any(mw.n.values()):
                view.measure_note = MESSAGES["no_cna"]  # no sample has a value
            else:
                view.mannwhitney, view.measure = mw, measure
    view.waterfall = waterfall_data(cohort)
    view.swimmer = swimmer_data(cohort)
    return view


class ResponseTab(QWidget):
    """Best overall response analyses and plots.

    Signals
    -------
    result_ready():
        The analyses for the current choices are shown (or the failure message).
    """

    title = "Response"
    result_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cohort: Cohort | None = None
        self.view: ResponseView | None = None
        self._task: TaskHandle | None = None
        self._choices_task: TaskHandle | None = None
        self._task_key: tuple[Any, ...] | None = None
        #: (grouping, measure) of the analysis on screen; None before the first one.
        self._shown: tuple[str | None, str | None] | None = None
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
        self.fisher_hint.setStyleSheet("color: palette(placeholder-text); padding: 4px;")
        llay.addWidget(self.fisher_hint)
        self.fisher_table = QTableWidget(0, 3)
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

    def is_ready(self) -> bool:
        """No analysis or list of choices is still being computed (screenshots wait)."""
        return self._task is None and self._choices_task is None

    # ------------------------------------------------------------ cohort
    def report_sections(self) -> list[Any]:
        """What File > Print... prints for "this tab": the tab as it is shown."""
        from imft_desktop.qt.tab_report import tab_sections

        return tab_sections(self, self.title)

    def report_item(self) -> ReportItem | None:
        """The response comparison on screen as a section of the composed report: the
        grouping compared and the measure (its analysis is run again when printed)."""
        if self.cohort is None:
            return None
        if self._shown is not None:
            grouping, measure = self._shown
        else:  # still analysing: what the boxes say is what will be shown
            grouping, measure = (_chosen(self.group_combo.currentText()),
                                 _chosen(self.measure_combo.currentText()))
        title = f"Response by {grouping}" if grouping else "Response (all patients)"
        return ReportItem.make("response", title, {"grouping": grouping, "measure": measure})

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab) and analyse it without a grouping,
        with the CNA burden by response when the cohort has copy-number data."""
        self.cohort = cohort
        for task in (self._task, self._choices_task):
            if task is not None:
                task.cancel()
        self._task = self._choices_task = None
        self._task_key = None
        self.view = None
        self._shown = None
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
        self._choices_task = start_task(_choices, cohort, on_result=self._on_choices_ready,
                                        on_error=self._on_choices_failed)
        self.analyse()

    def _on_choices_failed(self, _exc: BaseException) -> None:
        self._choices_task = None  # typed groupings and measures still work

    def _on_choices_ready(self, choices: tuple[list[str], list[str]]) -> None:
        self._choices_task = None
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
        if self.view is not None:
            self._draw(self.view)

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
        key = (id(self.cohort), grouping, measure, self._measure_optional)
        if self._task is not None:
            if key == self._task_key:
                return  # already running (Enter and a pick of the same text)
            self._task.cancel()
        self.message.setText(MESSAGES["running"])
        self._task_key = key
        self._task = start_task(analyse_response, self.cohort, grouping, measure,
                                optional_measure=self._measure_optional,
                                on_result=self._on_done, on_error=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self._task = None
        self._task_key = None
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_done(self, view: ResponseView) -> None:
        grouping = self._task_key[1] if self._task_key is not None else None
        self._task = None
        self._task_key = None
        self.view = view
        self._shown = (grouping, view.measure)
        if view.measure_note is not None:
            # the default CNA burden is not available: say so, and show (none)
            self.measure_combo.blockSignals(True)
            self.measure_combo.setCurrentIndex(0)
            self.measure_combo.blockSignals(False)
        self._measure_optional = False
        orr = view.orr_all
        self.message.setText(
            f"ORR (all patients) {orr.overall.responders}/{orr.overall.n}"
            + (f" = {orr.overall.percent:.1f}%" if orr.overall.percent is not None else "")
            + ("; " + "; ".join(view.errors) if view.errors else "")
        )
        self._fill_tables(view)
        self._draw(view)
        self.result_ready.emit()

    def _fill_tables(self, view: ResponseView) -> None:
        dist, orr = view.distribution, view.orr
        rows: list[tuple[str, dict[str, int], Any]] = [
            ("All patients", view.distribution_all.overall, view.orr_all.overall)]
        for p in orr.by_group:
            rows.append((p.label, dist.by_group.get(p.label, {}), p))
        self.orr_table.setRowCount(len(rows))
        for i, (label, counts, p) in enumerate(rows):
            ci = (f"{p.percent:.1f}% ({p.ci95[0]:.1f}-{p.ci95[1]:.1f})"
                  if p.percent is not None else "NA")
            cells = [label, *[str(counts.get(c, 0)) for c in ("CR", "PR", "SD", "PD", "NE",
                                                               "missing")],
                     f"{p.responders}/{p.n}", ci]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.orr_table.setItem(i, j, item)
        _fit_height(self.orr_table)
        parts = [f"<small>{orr.method}</small>"]
        if orr.excluded:
            parts.insert(0, "Excluded from ORR: " + ", ".join(
                f"{k}: {v}" for k, v in orr.excluded.items()))
        f = view.fisher
        has_table = f is not None and bool(f.table)
        self.fisher_table.setVisible(has_table)
        self.fisher_hint.setVisible(not has_table)
        if view.grouping_name is None:
            self.fisher_hint.setText(MESSAGES["fisher_none"])
        elif not has_table:
            self.fisher_hint.setText(MESSAGES["fisher_levels"].format(
                name=view.grouping_name, k=view.n_levels))
        if f is not None and f.table:
            self.fisher_table.setRowCount(2)
            for i, (label, row) in enumerate(zip(f.rows, f.table)):
                for j, text in enumerate([label, str(row[0]), str(row[1])]):
                    item = QTableWidgetItem(text)
                    if j:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.fisher_table.setItem(i, j, item)
            _fit_height(self.fisher_table)
            if f.not_testable:
                parts.append(f"<b>{f.test}</b>: {f.not_testable}")
            else:
                parts.append(f"<b>{f.test}</b> ({f.sided}): {_p_eq(f.p)}; odds ratio "
                             f"{_fmt(f.odds_ratio)} (95% CI {_fmt(f.ci[0])}-{_fmt(f.ci[1])}), "
                             f"n = {f.n}")
            parts.append(f"<small>{f.method}</small>")
        else:
            self.fisher_table.setRowCount(0)
        mw = view.mannwhitney
        if mw is not None:
            if mw.not_testable:
                parts.append(f"<b>{mw.measure}</b>: {mw.not_testable}")
            else:
                meds = ", ".join(f"{k}: median {_fmt(v)} (n = {mw.n[k]})"
                                 for k, v in mw.medians.items())
                parts.append(f"<b>{mw.test}</b> ({mw.sided}) on {mw.measure}: U = "
                             f"{_fmt(mw.u)}, {_p_eq(mw.p)} ({mw.p_method}); {meds}; "
                             f"rank-biserial r = {_fmt(mw.rank_biserial)}; Hodges-Lehmann shift "
                             f"{_fmt(mw.hodges_lehmann)}"
                             + (f" (95% CI {_fmt(mw.hodges_lehmann_ci[0])} to "
                                f"{_fmt(mw.hodges_lehmann_ci[1])})"
                                if mw.hodges_lehmann_ci else ""))
            parts.append(f"<small>{mw.method}</small>")
        warns = [w for p in [orr.overall, *orr.by_group] for w in p.warnings]
        if f is not None:
            warns += f.warnings
        if warns:
            parts.append("<span style='color:#a04000'>" + "<br>".join(
                f"⚠ {w}" for w in dict.fromkeys(warns)) + "</span>")
        self.details.setText(safe_html("<br>".join(parts)))

    def _draw(self, view: ResponseView) -> None:
        from imft_desktop.analysis.time_display import swimmer_in_unit, swimmer_unit
        from imft_desktop.plotting.response_plots import (
            plot_measure_by_response,
            plot_swimmer,
            plot_waterfall,
        )

        for canvas, fn, data in ((self.waterfall_canvas, plot_waterfall, view.waterfall),
                                 (self.swimmer_canvas, plot_swimmer, view.swimmer)):
            if data is None or not len(data):
                canvas.message(MESSAGES["no_plot_data"])
                continue
            canvas.figure.clear()
            ax = canvas.figure.add_subplot(111)
            if fn is plot_swimmer:
                data, unit = swimmer_in_unit(data, self.cohort.study if self.cohort else {},
                                             self.unit_combo.currentData())
                show_sheet_unit(self.unit_combo, swimmer_unit(
                    self.cohort.study if self.cohort else {}, view.swimmer))
                plot_swimmer(data, ax, unit=unit)
            else:
                fn(data, ax)
            legend = ax.get_legend()
            if fn is plot_swimmer and legend is not None:
                # bars are sorted longest first: the lower right is where the space is
                legend.set_loc("lower right")
            canvas.draw()
        if view.mannwhitney is not None:
            import textwrap

            self.box_canvas.figure.clear()
            ax = self.box_canvas.figure.add_subplot(111)
            plot_measure_by_response(view.mannwhitney, ax)
            # the test line is long; wrap it so that the narrow pane does not clip it
            title = ax.get_title(loc="left")
            ax.set_title(textwrap.fill(title, 70), fontsize=8, loc="left")
            self.box_canvas.draw()
        else:
            self.box_canvas.message(view.measure_note or MESSAGES["no_measure"])


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
