"""The Survival tab: Kaplan-Meier plot, log-rank and Cox statistics for a grouping, and
the alteration screen with its forest plot.

Analyses run in the shared thread pool (``workers.start_task``); the GUI thread only
draws.  matplotlib and lifelines are imported when the tab first analyses, not when the
window starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.qt.workers import TaskHandle, start_task

if TYPE_CHECKING:
    from imft_desktop.analysis.screen import ScreenResult
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

#: Every user-facing text of this screen, in one place.
MESSAGES = {
    "no_cohort": "Open a cohort to analyse survival.",
    "choose": "Choose what to compare (an alteration or a column) and press Analyse.",
    "running": "Analysing…",
    "failed": "Could not analyse: {error}",
    "screen_idle": "Screen every alteration against the endpoint (log-rank, Cox HR, BH-FDR).",
    "screen_running": "Screening alterations…",
    "screen_done": "{n} alteration(s) screened, {skipped} left out (too few tested or altered).",
    "screen_cancelled": "Screen cancelled.",
    "screen_failed": "Screen failed: {error}",
    "no_alterations": "No alteration summaries for this cohort.",
    "other_endpoint": "Other columns…",
}

STAT_HEADERS = ["Group", "n", "Events", "Censored", "Median", "95% CI", "S(t) (95% CI)"]
SCREEN_HEADERS = ["Alteration", "Altered/tested", "Events alt/not", "Median alt/not", "HR (95% CI)",
                  "Log-rank p", "BH q"]


@dataclass
class SurvivalView:
    """Everything one analysis produced, ready to draw (built in a worker)."""

    data: Any
    km: Any
    logrank: Any
    cox: Any
    trend: Any = None
    permutation: Any = None


def analyse_grouping(cohort: Cohort, endpoint: Any, grouping_text: str, ci_transform: str,
                     firth: bool, permutation: bool = False, reference: str | None = None,
                     progress: Progress | None = None) -> SurvivalView:
    """KM, log-rank (and trend for ordered k groups) and Cox for one grouping."""
    from imft_desktop.analysis.cox import cox_univariable
    from imft_desktop.analysis.groupings import resolve_grouping, survival_data
    from imft_desktop.analysis.survival import (
        kaplan_meier,
        logrank,
        logrank_trend,
        permutation_logrank,
    )

    grouping = resolve_grouping(cohort, grouping_text)
    if reference and reference in grouping.levels:
        grouping = grouping.with_reference(reference)
    if progress is not None:
        progress.check()
    data = survival_data(cohort, endpoint, grouping)
    km = kaplan_meier(data, ci_transform)
    lr = logrank(data)
    cox = cox_univariable(data, firth=firth)
    trend = logrank_trend(data) if grouping.ordered and len(data.levels) > 2 else None
    perm = None
    if permutation:
        if progress is not None:
            progress.check()
        perm = permutation_logrank(data)
    return SurvivalView(data, km, lr, cox, trend, perm)


def grouping_choices(cohort: Cohort, progress: Progress | None = None) -> list[str]:
    """Sheet columns with 2-12 distinct values, then alteration labels."""
    from imft_desktop.analysis.groupings import clinical_frame

    df = clinical_frame(cohort)
    skip = {"sample_id", "patient_id", "comment", "pfs_months", "pfs_event", "os_months",
            "os_event", "time_on_treatment_months", "best_percent_change"}
    cols = [str(c) for c in df.columns
            if str(c) not in skip and 2 <= df[c].dropna().astype(str).nunique() <= 12]
    try:
        from imft_desktop.analysis.alterations import alteration_matrix

        labels = [str(x) for x in alteration_matrix(cohort).labels]
    except Exception:  # summaries unavailable for this cohort: columns still work
        labels = []
    return cols + labels


def numeric_columns(cohort: Cohort) -> list[str]:
    """Columns whose values are (almost all) numbers: candidate measures."""
    import pandas as pd

    from imft_desktop.analysis.groupings import clinical_frame

    df = clinical_frame(cohort)
    out = []
    for c in df.columns:
        vals = df[c].dropna()
        if vals.empty or str(c) in ("sample_id", "patient_id"):
            continue
        if pd.to_numeric(vals.astype(str), errors="coerce").notna().mean() >= 0.9:
            out.append(str(c))
    return out


def run_screen(cohort: Cohort, endpoint: Any, progress: Progress | None = None) -> ScreenResult:
    from imft_desktop.analysis.screen import alteration_screen

    return alteration_screen(cohort, endpoint, progress=progress)


_TAGS = ("<b>", "</b>", "<small>", "</small>", "<br>", "<span style='color:#a04000'>",
         "</span>")


def safe_html(text: str) -> str:
    """Escape ``text`` for a rich-text label, keeping the few tags this screen writes
    (values such as "p < 0.0001" or column headers must not be read as markup)."""
    import html

    for i, tag in enumerate(_TAGS):
        text = text.replace(tag, f"\x00{i}\x00")
    text = html.escape(text, quote=False)
    for i, tag in enumerate(_TAGS):
        text = text.replace(f"\x00{i}\x00", tag)
    return text


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA"
    return f"{x:.{digits}g}"


def _fmt_p(p: float | None) -> str:
    if p is None:
        return "NA"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


class SurvivalTab(QWidget):
    """Kaplan-Meier, log-rank, Cox and the alteration screen.

    Signals
    -------
    result_ready():
        A grouping's analysis is shown (or its failure message).
    screen_ready():
        The alteration screen finished, failed or was cancelled.
    """

    title = "Survival"
    result_ready = Signal()
    screen_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cohort: Cohort | None = None
        self.view: SurvivalView | None = None
        self.screen_result: ScreenResult | None = None
        self._task: TaskHandle | None = None
        self._choices_task: TaskHandle | None = None
        self._screen_task: TaskHandle | None = None
        self._analysed_text = ""

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Endpoint"))
        self.endpoint_combo = QComboBox()
        self.endpoint_combo.addItems(["PFS", "OS", MESSAGES["other_endpoint"]])
        self.endpoint_combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)
        row.addWidget(self.endpoint_combo)
        self.time_combo = QComboBox()
        self.time_combo.setToolTip("Time column")
        self.event_combo = QComboBox()
        self.event_combo.setToolTip("Event column (1 = event, 0 = censored)")
        for w in (self.time_combo, self.event_combo):
            w.setVisible(False)
            row.addWidget(w)
        row.addWidget(QLabel("Compare"))
        self.group_combo = QComboBox()
        self.group_combo.setEditable(True)
        self.group_combo.setMinimumContentsLength(18)
        edit = self.group_combo.lineEdit()
        assert edit is not None  # editable combo
        edit.setPlaceholderText("alteration or column, e.g. 22q loss")
        edit.returnPressed.connect(self.analyse)
        row.addWidget(self.group_combo, 1)
        row.addWidget(QLabel("CI"))
        self.ci_combo = QComboBox()
        self.ci_combo.addItem("log (R default)", "log")
        self.ci_combo.addItem("log-log (lifelines default)", "log-log")
        row.addWidget(self.ci_combo)
        self.bands_check = QCheckBox("CI bands")
        self.bands_check.toggled.connect(self._redraw)
        row.addWidget(self.bands_check)
        row.addWidget(QLabel("S(t) at"))
        self.at_spin = QDoubleSpinBox()
        self.at_spin.setRange(0.0, 1e6)
        self.at_spin.setDecimals(1)
        self.at_spin.setValue(12.0)
        self.at_spin.setToolTip("Survival probability at this time (e.g. 12-month PFS)")
        self.at_spin.valueChanged.connect(self._on_at_spin_changed)
        row.addWidget(self.at_spin)
        self.firth_check = QCheckBox("Firth")
        self.firth_check.setToolTip("Firth-penalised Cox: a finite HR when a group has no "
                                    "events (Breslow ties, profile-likelihood CI)")
        row.addWidget(self.firth_check)
        row.addWidget(QLabel("Reference"))
        self.reference_combo = QComboBox()
        self.reference_combo.setToolTip("Group the hazard ratios are relative to")
        self.reference_combo.setMinimumContentsLength(10)
        self.reference_combo.activated.connect(self._on_reference_combo_activated)
        row.addWidget(self.reference_combo)
        self.perm_check = QCheckBox("Permutation p")
        self.perm_check.setToolTip("Add a permutation log-rank p (exact enumeration when the "
                                   "groups are small, else 10,000 relabelings, fixed seed)")
        row.addWidget(self.perm_check)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.clicked.connect(self.analyse)
        row.addWidget(self.analyse_button)
        layout.addLayout(row)

        self.message = QLabel(MESSAGES["no_cohort"])
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.canvas = self._make_canvas()
        split.addWidget(self.canvas)
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        self.stats_table = QTableWidget(0, len(STAT_HEADERS))
        self.stats_table.setHorizontalHeaderLabels(STAT_HEADERS)
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stats_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        rlay.addWidget(self.stats_table, 1)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        rlay.addWidget(scroll, 2)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([800, 520])

        screen_box = QWidget()
        slay = QVBoxLayout(screen_box)
        slay.setContentsMargins(0, 0, 0, 0)
        srow = QHBoxLayout()
        self.screen_button = QPushButton("Screen all alterations")
        self.screen_button.clicked.connect(self.start_screen)
        srow.addWidget(self.screen_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_screen)
        srow.addWidget(self.cancel_button)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setVisible(False)
        srow.addWidget(self.progress_bar, 1)
        self.screen_label = QLabel(MESSAGES["screen_idle"])
        self.screen_label.setWordWrap(True)
        srow.addWidget(self.screen_label, 2)
        slay.addLayout(srow)
        ssplit = QSplitter(Qt.Orientation.Horizontal)
        self.forest_canvas = self._make_canvas()
        ssplit.addWidget(self.forest_canvas)
        self.screen_table = QTableWidget(0, len(SCREEN_HEADERS))
        self.screen_table.setHorizontalHeaderLabels(SCREEN_HEADERS)
        self.screen_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.screen_table.setSortingEnabled(False)
        self.screen_table.cellDoubleClicked.connect(self._on_screen_table_double_clicked)
        ssplit.addWidget(self.screen_table)
        slay.addWidget(ssplit, 1)

        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(split)
        vsplit.addWidget(screen_box)
        vsplit.setStretchFactor(0, 3)
        vsplit.setStretchFactor(1, 2)
        layout.addWidget(vsplit, 1)
        self._set_enabled(False)

    # ------------------------------------------------------------ helpers
    def _make_canvas(self) -> Any:
        from imft_desktop.qt.mpl_canvas import MplCanvas

        return MplCanvas(self, toolbar=True, figsize=(6.0, 4.5))

    def _set_enabled(self, on: bool) -> None:
        for w in (self.analyse_button, self.screen_button, self.group_combo):
            w.setEnabled(on)

    def endpoint(self) -> Any:
        from imft_desktop.analysis.groupings import OS, PFS, Endpoint

        idx = self.endpoint_combo.currentIndex()
        if idx == 0:
            return PFS
        if idx == 1:
            return OS
        t, e = self.time_combo.currentText(), self.event_combo.currentText()
        return Endpoint(t, e, "months", t)

    # ------------------------------------------------------------ cohort
    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab); running work is cancelled."""
        self.cohort = cohort
        for task in (self._task, self._choices_task, self._screen_task):
            if task is not None:
                task.cancel()
        self._task = self._choices_task = self._screen_task = None
        self.view = None
        self.screen_result = None
        self.stats_table.setRowCount(0)
        self.screen_table.setRowCount(0)
        self.details.setText("")
        self.canvas.clear()
        self.canvas.draw_idle()
        self.forest_canvas.clear()
        self.forest_canvas.draw_idle()
        self.progress_bar.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.screen_label.setText(MESSAGES["screen_idle"])
        if cohort is None:
            self.message.setText(MESSAGES["no_cohort"])
            self._set_enabled(False)
            return
        self.message.setText(MESSAGES["choose"])
        self._set_enabled(True)
        cols = [str(c) for c in cohort.clinical().columns]
        for combo, default in ((self.time_combo, "pfs_months"), (self.event_combo, "pfs_event")):
            combo.clear()
            combo.addItems(cols)
            combo.setCurrentText(default)
        self._choices_task = start_task(grouping_choices, cohort,
                                        on_result=self._on_choices_ready,
                                        on_error=lambda exc: None)

    def _on_choices_ready(self, choices: list[str]) -> None:
        text = self.group_combo.currentText()
        self.group_combo.clear()
        self.group_combo.addItems(choices)
        self.group_combo.setCurrentText(text)

    @Slot(float)
    def _on_at_spin_changed(self, _value: float) -> None:
        if self.view is not None:
            self._fill_stats(self.view)

    @Slot(int)
    def _on_endpoint_combo_changed(self, index: int) -> None:
        other = index == 2
        self.time_combo.setVisible(other)
        self.event_combo.setVisible(other)

    # ------------------------------------------------------------ analysis
    def set_grouping(self, text: str) -> None:
        self.group_combo.setCurrentText(text)

    @Slot()
    def analyse(self) -> None:
        """Analyse the chosen grouping in the background."""
        if self.cohort is None:
            return
        text = self.group_combo.currentText().strip()
        if not text:
            self.message.setText(MESSAGES["choose"])
            self.result_ready.emit()
            return
        if self._task is not None:
            self._task.cancel()
        self.message.setText(MESSAGES["running"])
        if text != self._analysed_text:
            self.reference_combo.clear()  # a new grouping starts at its default reference
        reference = self.reference_combo.currentText() or None
        self._analysed_text = text
        self._task = start_task(
            analyse_grouping, self.cohort, self.endpoint(), text,
            self.ci_combo.currentData(), self.firth_check.isChecked(),
            self.perm_check.isChecked(), reference, on_result=self._on_analysis_done,
            on_error=self._on_analysis_failed,
        )

    @Slot(int)
    def _on_reference_combo_activated(self, _index: int) -> None:
        self.analyse()

    def _on_analysis_failed(self, exc: BaseException) -> None:
        self._task = None
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_analysis_done(self, view: SurvivalView) -> None:
        self._task = None
        self.view = view
        g = view.data.grouping
        self.message.setText(f"{view.km.endpoint} by {g.name if g else 'all'}: "
                             f"{view.data.n} patients analysed, "
                             f"{len(view.data.excluded)} excluded")
        self.reference_combo.blockSignals(True)
        self.reference_combo.clear()
        self.reference_combo.addItems(list(view.data.levels))
        self.reference_combo.setCurrentIndex(0)
        self.reference_combo.blockSignals(False)
        self._fill_stats(view)
        self._redraw()
        self.result_ready.emit()

    def _fill_stats(self, view: SurvivalView) -> None:
        groups = view.km.groups
        self.stats_table.setRowCount(len(groups))
        for i, grp in enumerate(groups):
            med = _fmt(grp.median) if grp.median_reached else "not reached"
            lo, hi = grp.median_ci
            st, slo, shi = grp.survival_at(self.at_spin.value())
            at = "NA" if st is None else f"{st:.3f} ({_fmt(slo)}-{_fmt(shi)})"
            cells = [grp.label, str(grp.n), str(grp.events), str(grp.censored), med,
                     f"{_fmt(lo)}-{_fmt(hi)}", at]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if grp.warnings:
                    item.setToolTip("\n".join(grp.warnings))
                self.stats_table.setItem(i, j, item)
        lr, cox = view.logrank, view.cox
        parts = []
        if lr.not_testable:
            parts.append(f"<b>{lr.test}</b>: {lr.not_testable}")
        else:
            parts.append(f"<b>{lr.test}</b> ({lr.sided}): chi² {lr.statistic:.3f}, df {lr.df}, "
                         f"p = {_fmt_p(lr.p)}; n = {lr.n}")
        perm = view.permutation
        if perm is not None and perm.p is not None:
            parts.append(f"<b>{perm.test}</b>: p = {_fmt_p(perm.p)}<br><small>{perm.method}"
                         "</small>")
        if view.trend is not None and view.trend.p is not None:
            parts.append(f"<b>log-rank test for trend</b>: p = {_fmt_p(view.trend.p)}")
        for t in cox.terms:
            if t.not_estimable:
                parts.append(f"<b>HR {t.level} vs {t.reference}</b>: {t.not_estimable}")
            else:
                parts.append(f"<b>HR {t.level} vs {t.reference}</b>: {_fmt(t.hr)} "
                             f"(95% CI {_fmt(t.ci[0])}-{_fmt(t.ci[1])}), p = {_fmt_p(t.p)}")
        if cox.ph_test:
            ph = "; ".join(f"{k}: p = {_fmt_p(v['p'])}" for k, v in cox.ph_test.items())
            parts.append(f"Proportional hazards (Schoenfeld): {ph}")
        warns = list(dict.fromkeys(lr.warnings + cox.warnings))
        if warns:
            parts.append("<span style='color:#a04000'>" + "<br>".join(
                f"⚠ {w}" for w in warns) + "</span>")
        exc = view.data.excluded_counts()
        if exc:
            parts.append("Excluded: " + ", ".join(f"{k}: {v}" for k, v in exc.items()))
        parts.append("<small>" + "<br>".join([view.km.method, lr.method, cox.method])
                     + "</small>")
        self.details.setText(safe_html("<br>".join(parts)))

    @Slot()
    def _redraw(self) -> None:
        if self.view is None:
            return
        from imft_desktop.plotting.km import km_axes, plot_km

        fig = self.canvas.figure
        fig.clear()
        ax, risk_ax = km_axes(fig, len(self.view.km.groups))
        g = self.view.data.grouping
        plot_km(self.view.km, ax, risk_ax=risk_ax, test=self.view.logrank, cox=self.view.cox,
                show_ci=self.bands_check.isChecked(),
                title=f"{self.view.km.endpoint} by {g.name if g else 'all'}")
        self.canvas.draw()

    # ------------------------------------------------------------ screen
    @Slot()
    def start_screen(self) -> None:
        """Screen every alteration in the background, with progress and cancel."""
        if self.cohort is None:
            return
        if self._screen_task is not None:
            self._screen_task.cancel()
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.screen_button.setEnabled(False)
        self.screen_label.setText(MESSAGES["screen_running"])
        self._screen_task = start_task(
            run_screen, self.cohort, self.endpoint(), on_result=self._on_screen_done,
            on_error=self._on_screen_failed, on_progress=self._on_screen_progress,
            on_cancelled=self._on_screen_cancelled,
        )

    @Slot()
    def cancel_screen(self) -> None:
        if self._screen_task is not None:
            self._screen_task.cancel()

    def _screen_finished(self) -> None:
        self._screen_task = None
        self.progress_bar.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.screen_button.setEnabled(self.cohort is not None)

    def _on_screen_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(fraction * 100))
        self.progress_bar.setFormat(f"%p%  {message}")

    def _on_screen_cancelled(self) -> None:
        self._screen_finished()
        self.screen_label.setText(MESSAGES["screen_cancelled"])
        self.screen_ready.emit()

    def _on_screen_failed(self, exc: BaseException) -> None:
        self._screen_finished()
        if isinstance(exc, ImportError):
            self.screen_label.setText(MESSAGES["no_alterations"])
        else:
            self.screen_label.setText(MESSAGES["screen_failed"].format(
                error=str(exc) or type(exc).__name__))
        self.screen_ready.emit()

    def _on_screen_done(self, screen: ScreenResult) -> None:
        self._screen_finished()
        self.screen_result = screen
        self.screen_label.setText(MESSAGES["screen_done"].format(n=len(screen.rows),
                                                                 skipped=len(screen.skipped)))
        rows = screen.rows
        self.screen_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            hr = (f"{_fmt(r.hr)} ({_fmt(r.ci[0])}-{_fmt(r.ci[1])})" if r.hr is not None
                  else (r.not_estimable or "not estimable"))
            cells = [r.alteration, f"{r.n_altered}/{r.n_tested}",
                     f"{r.events_altered}/{r.events_not_altered}",
                     f"{_fmt(r.median_altered)}/{_fmt(r.median_not_altered)}", hr,
                     _fmt_p(r.p), _fmt(r.q)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if r.warnings:
                    item.setToolTip("\n".join(r.warnings))
                self.screen_table.setItem(i, j, item)
        self.screen_table.setToolTip(screen.method)
        fig = self.forest_canvas.figure
        fig.clear()
        if rows:
            from imft_desktop.plotting.forest import plot_forest

            plot_forest(screen, fig.add_subplot(111))
        self.forest_canvas.draw()
        self.screen_ready.emit()

    @Slot(int, int)
    def _on_screen_table_double_clicked(self, row: int, _col: int) -> None:
        item = self.screen_table.item(row, 0)
        if item is not None:
            self.set_grouping(item.text())
            self.analyse()
