"""The Response tab: RECIST distribution, ORR with exact CIs, response by grouping
(Fisher's exact test with its 2x2 table), a measure by response (Mann-Whitney U), and
the waterfall, swimmer and box/strip plots.

The analysis runs in the shared thread pool; matplotlib is imported when the tab first
draws.
"""

from __future__ import annotations

import math
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

from imft_desktop.qt.survival_tab import grouping_choices, numeric_columns, safe_html
from imft_desktop.qt.workers import TaskHandle, start_task

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

MESSAGES = {
    "no_cohort": "Open a cohort to analyse response.",
    "running": "Analysing…",
    "failed": "Could not analyse: {error}",
    "none": "(none)",
    "cna": "CNA burden",
    "no_measure": "Choose a measure to compare between responders and non-responders.",
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


def analyse_response(cohort: Cohort, grouping_text: str | None, measure: str | None,
                     progress: Progress | None = None) -> ResponseView:
    """All response analyses for the tab (run in a worker)."""
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
    if grouping is not None and len(data.levels) == 2:
        view.fisher = fisher_response(data)
    if progress is not None:
        progress.check()
    if measure:
        try:
            view.mannwhitney = measure_by_response(
                cohort, "cna_burden" if measure == MESSAGES["cna"] else measure)
        except GroupingError as exc:
            view.errors.append(str(exc))
    view.waterfall = waterfall_data(cohort)
    view.swimmer = swimmer_data(cohort)
    return view


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA" if x is None or x != x else "∞"
    return f"{x:.{digits}g}"


def _fmt_p(p: float | None) -> str:
    if p is None:
        return "NA"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


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

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Compare"))
        self.group_combo = QComboBox()
        self.group_combo.setEditable(True)
        self.group_combo.setMinimumContentsLength(18)
        edit = self.group_combo.lineEdit()
        assert edit is not None  # editable combo
        edit.setPlaceholderText("(none) or alteration / column")
        row.addWidget(self.group_combo, 1)
        row.addWidget(QLabel("Measure"))
        self.measure_combo = QComboBox()
        self.measure_combo.setEditable(True)
        row.addWidget(self.measure_combo, 1)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.clicked.connect(self.analyse)
        row.addWidget(self.analyse_button)
        layout.addLayout(row)
        self.message = QLabel(MESSAGES["no_cohort"])
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        self.orr_table = QTableWidget(0, len(ORR_HEADERS))
        self.orr_table.setHorizontalHeaderLabels(ORR_HEADERS)
        self.orr_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.orr_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        llay.addWidget(self.orr_table, 1)
        self.fisher_table = QTableWidget(0, 3)
        self.fisher_table.setHorizontalHeaderLabels(["", "Responders (CR/PR)",
                                                     "Non-responders (SD/PD)"])
        self.fisher_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fisher_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.fisher_table.setMaximumHeight(110)
        llay.addWidget(self.fisher_table)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        llay.addWidget(scroll, 1)
        split.addWidget(left)

        from imft_desktop.qt.mpl_canvas import MplCanvas

        self.plots = QTabWidget()
        self.waterfall_canvas = MplCanvas(self, figsize=(6.0, 4.0))
        self.swimmer_canvas = MplCanvas(self, figsize=(6.0, 4.0))
        self.box_canvas = MplCanvas(self, figsize=(5.0, 4.0))
        self.plots.addTab(self.waterfall_canvas, "Waterfall")
        self.plots.addTab(self.swimmer_canvas, "Swimmer")
        self.plots.addTab(self.box_canvas, "Measure by response")
        split.addWidget(self.plots)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([520, 780])
        layout.addWidget(split, 1)
        self.analyse_button.setEnabled(False)

    # ------------------------------------------------------------ cohort
    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab) and analyse it without a grouping."""
        self.cohort = cohort
        for task in (self._task, self._choices_task):
            if task is not None:
                task.cancel()
        self._task = self._choices_task = None
        self.view = None
        self.orr_table.setRowCount(0)
        self.fisher_table.setRowCount(0)
        self.details.setText("")
        for canvas in (self.waterfall_canvas, self.swimmer_canvas, self.box_canvas):
            canvas.clear()
            canvas.draw_idle()
        self.analyse_button.setEnabled(cohort is not None)
        if cohort is None:
            self.message.setText(MESSAGES["no_cohort"])
            return
        self.group_combo.clear()
        self.group_combo.addItem(MESSAGES["none"])
        self.measure_combo.clear()
        self.measure_combo.addItems([MESSAGES["none"], MESSAGES["cna"]])
        self._choices_task = start_task(_choices, cohort, on_result=self._on_choices_ready,
                                        on_error=lambda exc: None)
        self.analyse()

    def _on_choices_ready(self, choices: tuple[list[str], list[str]]) -> None:
        groups, measures = choices
        g, m = self.group_combo.currentText(), self.measure_combo.currentText()
        self.group_combo.addItems(groups)
        self.measure_combo.addItems(measures)
        self.group_combo.setCurrentText(g)
        self.measure_combo.setCurrentText(m)

    def set_choices(self, grouping: str | None, measure: str | None) -> None:
        self.group_combo.setCurrentText(grouping or MESSAGES["none"])
        self.measure_combo.setCurrentText(measure or MESSAGES["none"])

    # ------------------------------------------------------------ analysis
    @Slot()
    def analyse(self) -> None:
        if self.cohort is None:
            return
        g = self.group_combo.currentText().strip()
        m = self.measure_combo.currentText().strip()
        grouping = None if g in ("", MESSAGES["none"]) else g
        measure = None if m in ("", MESSAGES["none"]) else m
        if self._task is not None:
            self._task.cancel()
        self.message.setText(MESSAGES["running"])
        self._task = start_task(analyse_response, self.cohort, grouping, measure,
                                on_result=self._on_done, on_error=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self._task = None
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_done(self, view: ResponseView) -> None:
        self._task = None
        self.view = view
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
                self.orr_table.setItem(i, j, QTableWidgetItem(text))
        parts = [f"<small>{orr.method}</small>"]
        if orr.excluded:
            parts.insert(0, "Excluded from ORR: " + ", ".join(
                f"{k}: {v}" for k, v in orr.excluded.items()))
        f = view.fisher
        if f is not None and f.table:
            self.fisher_table.setRowCount(2)
            for i, (label, row) in enumerate(zip(f.rows, f.table)):
                for j, text in enumerate([label, str(row[0]), str(row[1])]):
                    self.fisher_table.setItem(i, j, QTableWidgetItem(text))
            if f.not_testable:
                parts.append(f"<b>{f.test}</b>: {f.not_testable}")
            else:
                parts.append(f"<b>{f.test}</b> ({f.sided}): p = {_fmt_p(f.p)}; odds ratio "
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
                             f"{_fmt(mw.u)}, p = {_fmt_p(mw.p)} ({mw.p_method}); {meds}; "
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
        from imft_desktop.plotting.response_plots import (
            plot_measure_by_response,
            plot_swimmer,
            plot_waterfall,
        )

        for canvas, fn, data in ((self.waterfall_canvas, plot_waterfall, view.waterfall),
                                 (self.swimmer_canvas, plot_swimmer, view.swimmer)):
            canvas.figure.clear()
            if data is not None and len(data):
                fn(data, canvas.figure.add_subplot(111))
            canvas.draw()
        self.box_canvas.figure.clear()
        if view.mannwhitney is not None:
            plot_measure_by_response(view.mannwhitney, self.box_canvas.figure.add_subplot(111))
        self.box_canvas.draw()


def _choices(cohort: Cohort, progress: Progress | None = None) -> tuple[list[str], list[str]]:
    return grouping_choices(cohort), numeric_columns(cohort)
