"""The Survival tab: Kaplan-Meier plot, log-rank and Cox statistics for a grouping, and
the alteration screen with its forest plot.

Analyses run in the shared thread pool (``AnalysisTab.run_task``); the GUI thread only
draws.  matplotlib and lifelines are imported when the tab first analyses, not when the
window starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.analysis.grouping_choices import NOT_GROUPINGS

# Compare's choices come from the analysis layer (the Response tab imports them from here).
from imft_desktop.analysis.grouping_choices import grouping_choices as grouping_choices
from imft_desktop.analysis.grouping_choices import grouping_sections as grouping_sections
from imft_desktop.analysis.grouping_choices import numeric_columns as numeric_columns
from imft_desktop.model.text import plural
from imft_desktop.qt.analysis_tab import AnalysisTab
from imft_desktop.qt.unit_combo import make_unit_combo, show_sheet_unit

if TYPE_CHECKING:
    from imft_desktop.analysis.screen import ScreenResult
    from imft_desktop.analysis.survival_study import SurvivalOptions, SurvivalStudy
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.reports.outline import ReportItem

#: Every user-facing text of this screen, in one place.
MESSAGES = {
    "no_cohort": "Open a cohort to analyse survival.",
    "all": "All patients",
    "choose": "Choose what to compare (an alteration or a column) and press Analyse.",
    "overview": "{endpoint}, all patients: {n} analysed, {excluded} excluded. Pick an "
                "alteration or a column in Compare to compare groups.",
    "no_endpoint": "No survival data to show: {details}.",
    "running": "Analysing…",
    "failed": "Could not analyse: {error}",
    "screen_idle": "Screen every alteration against the endpoint (log-rank, Cox HR, BH-FDR).",
    "screen_hint": "Press 'Screen all alterations' to test every alteration against "
                   "{endpoint}",
    "screen_no_endpoint": "No survival endpoint to screen alterations against",
    "screen_running": "Screening alterations…",
    "screen_done": "{n} alteration(s) screened, {skipped} left out (too few tested or altered).",
    "screen_cancelled": "Screen cancelled.",
    "screen_failed": "Screen failed: {error}",
    "no_alterations": "No alteration summaries for this cohort.",
    "other_endpoint": "Other columns…",
    "adjust_none": "Adjust for: none",
    "adjust_some": "Adjust for: {names}",
}

#: The last two headers are filled in with the unit, the time and the endpoint.
STAT_HEADERS = ["Group", "n", "Events", "Censored", "Median (95% CI)", "S(t) (95% CI)"]
SCREEN_HEADERS = ["Alteration", "Altered/tested", "Events alt/not", "Median alt/not", "HR (95% CI)",
                  "Log-rank p", "BH q"]


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


_CODE_WARNINGS = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")


class SurvivalTab(AnalysisTab):
    """Kaplan-Meier, log-rank, Cox and the alteration screen.

    Signals
    -------
    result_ready():
        A grouping's analysis is shown (or its failure message).
    screen_ready():
        The alteration screen finished, failed or was cancelled.
    """

    title = "Survival"
    screen_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study: SurvivalStudy | None = None
        self.screen_result: ScreenResult | None = None
        self._analysed_text = ""
        # True until the user picks an endpoint: the first view uses PFS, else OS
        self._endpoint_auto = True

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Endpoint"))
        self.endpoint_combo = QComboBox()
        self.endpoint_combo.addItems(["PFS", "OS", MESSAGES["other_endpoint"]])
        self.endpoint_combo.currentIndexChanged.connect(self._on_endpoint_combo_changed)
        self.endpoint_combo.setToolTip("Progression-free (PFS) or overall survival (OS), or "
                                       "any pair of time and event columns; PFS when the "
                                       "sheet has it, else OS")
        row.addWidget(self.endpoint_combo)
        self.time_combo = QComboBox()
        self.time_combo.setToolTip("Time column")
        self.event_combo = QComboBox()
        self.event_combo.setToolTip("Event column (1 = event, 0 = censored)")
        for w in (self.time_combo, self.event_combo):
            w.setVisible(False)
            row.addWidget(w)
        row.addWidget(QLabel("Unit"))
        self.unit_combo = make_unit_combo(self)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_combo_changed)
        row.addWidget(self.unit_combo)
        self._shown_unit: str | None = None  # unit of the landmark in at_spin
        row.addWidget(QLabel("Compare"))
        self.group_combo = QComboBox()
        self.group_combo.setEditable(True)
        self.group_combo.setMinimumContentsLength(18)
        edit = self.group_combo.lineEdit()
        assert edit is not None  # editable combo
        edit.setPlaceholderText("alteration or column, e.g. 22q loss")
        edit.returnPressed.connect(self.analyse)
        # typed text is analysed on Enter; it is not added to the list of choices
        self.group_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.group_combo.setToolTip("Pick an alteration (most frequent first) or a column: "
                                    "the analysis runs at once. Type e.g. 'Ki67 > median' "
                                    "or 'ALK fusion AND 22q loss' and press Enter.")
        self.group_combo.currentIndexChanged.connect(self._on_group_combo_changed)
        row.addWidget(self.group_combo, 1)
        row.addWidget(QLabel("CI"))
        self.ci_combo = QComboBox()
        self.ci_combo.addItem("log (R default)", "log")
        self.ci_combo.addItem("log-log (lifelines default)", "log-log")
        self.ci_combo.setToolTip("How the 95% confidence intervals of the Kaplan-Meier curve "
                                 "and its median are computed (R uses log by default)")
        row.addWidget(self.ci_combo)
        self.bands_check = QCheckBox("CI bands")
        self.bands_check.setToolTip("95% confidence bands around each curve")
        self.bands_check.toggled.connect(self._redraw)
        row.addWidget(self.bands_check)
        row.addWidget(QLabel("S(t) at"))
        self.at_spin = QDoubleSpinBox()
        self.at_spin.setRange(0.0, 1e6)
        self.at_spin.setDecimals(1)
        self.at_spin.setValue(12.0)
        self.at_spin.setToolTip("Survival probability at this time, in the unit shown "
                                "(e.g. 12-month PFS, 365-day PFS)")
        self.at_spin.valueChanged.connect(self._on_at_spin_changed)
        row.addWidget(self.at_spin)
        layout.addLayout(row)
        # Second row: the models' options (reference, Firth, adjustment, permutation).
        row = QHBoxLayout()
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
        self.adjust_button = QToolButton()
        self.adjust_button.setText(MESSAGES["adjust_none"])
        self.adjust_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.adjust_button.setToolTip(
            "Multivariable Cox: the hazard ratio of the grouping adjusted for the columns "
            "ticked here (a column with 7 or more numbers enters per unit, others as "
            "groups). Pairwise log-rank tests with Benjamini-Hochberg q are added by "
            "themselves when a grouping has three or more groups.")
        self.adjust_menu = QMenu(self.adjust_button)
        self.adjust_menu.triggered.connect(self._on_adjust_menu_triggered)
        self.adjust_button.setMenu(self.adjust_menu)
        row.addWidget(self.adjust_button)
        row.addStretch(1)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.setToolTip("Run the analysis again with the options above")
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
        self.stats_table.setTabKeyNavigation(False)  # Tab moves on, not cell to cell
        self.stats_table.setHorizontalHeaderLabels(STAT_HEADERS)
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stats_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.stats_table.verticalHeader().setVisible(False)
        self.stats_table.horizontalHeader().setStretchLastSection(True)
        self.stats_table.setToolTip("Median and its 95% CI in the time unit of the endpoint; "
                                    "NA: the CI curve does not reach 50% (not reached)")
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
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setSizes([700, 560])

        screen_box = QWidget()
        slay = QVBoxLayout(screen_box)
        slay.setContentsMargins(0, 0, 0, 0)
        srow = QHBoxLayout()
        self.screen_button = QPushButton("Screen all alterations")
        self.screen_button.clicked.connect(self.start_screen)
        self.screen_button.setToolTip("Test every alteration with enough tested and altered "
                                      "patients against the endpoint: log-rank, Cox HR and "
                                      "Benjamini-Hochberg q (exploratory)")
        srow.addWidget(self.screen_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_screen)
        self.cancel_button.setToolTip("Stop the screen (nothing of it is kept)")
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
        self.screen_table.setTabKeyNavigation(False)  # Tab moves on, not cell to cell
        self.screen_table.setHorizontalHeaderLabels(SCREEN_HEADERS)
        self.screen_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.screen_table.setSortingEnabled(False)
        self.screen_table.setWordWrap(False)
        self.screen_table.verticalHeader().setVisible(False)
        self.screen_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.screen_table.setToolTip("Double-click a row to show its Kaplan-Meier curves")
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

    def _show_screen_hint(self, endpoint_label: str) -> None:
        if self.screen_result is None and not self.task_running("screen"):
            self.forest_canvas.message(MESSAGES["screen_hint"].format(endpoint=endpoint_label))

    def endpoint_options(self) -> dict[str, Any]:
        """The endpoint as study options: "auto" until the user picks one, "PFS", "OS",
        or a time and an event column."""
        idx = self.endpoint_combo.currentIndex()
        if idx == 2:
            return {"endpoint": "auto", "time_column": self.time_combo.currentText(),
                    "event_column": self.event_combo.currentText()}
        if self._endpoint_auto:
            return {"endpoint": "auto"}
        return {"endpoint": "OS" if idx == 1 else "PFS"}

    def options(self) -> SurvivalOptions:
        """What the controls ask for, as the survival study's options."""
        from imft_desktop.analysis.survival_study import SurvivalOptions

        text = self.group_combo.currentText().strip()
        reference = self.reference_combo.currentText() or None
        if text != self._analysed_text:
            reference = None  # a new grouping starts at its default reference
        return SurvivalOptions(
            grouping=text, reference=reference, unit=self.unit_combo.currentData(),
            ci_transform=self.ci_combo.currentData(), firth=self.firth_check.isChecked(),
            permutation=self.perm_check.isChecked(), adjust=self.adjust_choices(),
            landmarks=(self.at_spin.value(),), **self.endpoint_options())

    def report_item(self) -> ReportItem | None:
        """What "Add to Report" adds: the study shown, with its options (the endpoint
        the first view chose automatically is written down, so it prints the same)."""
        from dataclasses import replace

        from imft_desktop.reports.outline import ReportItem

        if self.study is None:
            return None
        options = self.study.options
        if options.endpoint == "auto" and not options.time_column:
            options = replace(options, endpoint=self.study.endpoint.label)
        return ReportItem.make("survival", self.study.title, options.to_params())

    def adjust_choices(self) -> tuple[str, ...]:
        """The columns ticked in "Adjust for" (multivariable Cox)."""
        return tuple(a.text() for a in self.adjust_menu.actions() if a.isChecked())

    def set_adjust_choices(self, columns: list[str], ticked: tuple[str, ...] = ()) -> None:
        """Offer ``columns`` for adjustment, with ``ticked`` ticked."""
        self.adjust_menu.clear()
        for name in columns:
            action = self.adjust_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in ticked)
        self._show_adjust_choices()

    def _show_adjust_choices(self) -> None:
        chosen = self.adjust_choices()
        self.adjust_button.setText(MESSAGES["adjust_some"].format(names=", ".join(chosen))
                                   if chosen else MESSAGES["adjust_none"])

    @Slot(QAction)
    def _on_adjust_menu_triggered(self, _action: QAction) -> None:
        self._show_adjust_choices()
        if self.study is not None and self.study.grouped:
            self.analyse()

    # ------------------------------------------------------------ cohort

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the tab); running work is cancelled.

        A cohort is shown at once as the Kaplan-Meier curve of all patients for the
        default endpoint (PFS, else OS), computed in a worker.
        """
        self.cohort = cohort
        self._shown_unit = None  # the next view sets the landmark for its unit
        self.unit_combo.blockSignals(True)
        self.unit_combo.setCurrentIndex(0)
        show_sheet_unit(self.unit_combo, None)
        self.unit_combo.blockSignals(False)
        self.cancel_tasks()
        self.study = None
        self.screen_result = None
        self._analysed_text = ""
        self._endpoint_auto = True
        self.stats_table.setRowCount(0)
        self.screen_table.setRowCount(0)
        self.details.setText("")
        self.progress_bar.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.screen_label.setText(MESSAGES["screen_idle"])
        for combo in (self.endpoint_combo, self.group_combo, self.reference_combo):
            combo.blockSignals(True)
        self.endpoint_combo.setCurrentIndex(0)
        self.group_combo.clear()
        self.reference_combo.clear()
        self.reference_combo.setEnabled(False)
        self.set_adjust_choices([])
        self._on_endpoint_combo_changed(0)
        if cohort is None:
            for combo in (self.endpoint_combo, self.group_combo, self.reference_combo):
                combo.blockSignals(False)
            self.message.setText(MESSAGES["no_cohort"])
            self.canvas.message(MESSAGES["no_cohort"])
            self.forest_canvas.message("")
            self._set_enabled(False)
            return
        self.group_combo.addItem(MESSAGES["all"])
        self.group_combo.setCurrentIndex(0)
        for combo in (self.endpoint_combo, self.group_combo, self.reference_combo):
            combo.blockSignals(False)
        self._set_enabled(True)
        self.canvas.message(MESSAGES["running"])
        self.forest_canvas.message(MESSAGES["screen_hint"].format(endpoint="the endpoint"))
        cols = cohort.clinical_columns()
        for combo, default in ((self.time_combo, "pfs_months"), (self.event_combo, "pfs_event")):
            combo.clear()
            combo.addItems(cols)
            combo.setCurrentText(default)
        self.run_task("choices", grouping_sections, cohort,
                      on_result=self._on_choices_ready, on_error=self._on_choices_failed)
        self.analyse()

    def _on_choices_failed(self, _exc: BaseException) -> None:
        pass  # the combo still accepts typed groupings; the analysis reports any problem

    def _on_choices_ready(self, sections: tuple[list[str], list[str]]) -> None:
        labels, cols = sections
        numeric = [c for c in numeric_columns(self.cohort)
                   if c not in cols and c not in NOT_GROUPINGS] if self.cohort is not None else []
        self.set_adjust_choices([*cols, *numeric], self.adjust_choices())
        text = self.group_combo.currentText()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(MESSAGES["all"])
        for section in (labels, cols):
            if section:
                self.group_combo.insertSeparator(self.group_combo.count())
                self.group_combo.addItems(section)
        idx = self.group_combo.findText(text)
        if idx >= 0:
            self.group_combo.setCurrentIndex(idx)
        else:
            self.group_combo.setCurrentText(text)
        self.group_combo.blockSignals(False)

    @Slot(int)
    def _on_group_combo_changed(self, index: int) -> None:
        """Picking an item analyses it at once (the Analyse button re-runs with options)."""
        if index >= 0 and self.cohort is not None:
            self.analyse()

    @Slot(float)
    def _on_at_spin_changed(self, _value: float) -> None:
        if self.study is not None:
            from imft_desktop.analysis.survival_study import with_landmarks

            self.study = with_landmarks(self.study, (self.at_spin.value(),))
            self._fill_stats(self.study)

    @Slot(int)
    def _on_unit_combo_changed(self, _index: int) -> None:
        """A new unit re-runs the analysis (times, medians and landmark follow it)."""
        if self.cohort is not None and not self.unit_combo.signalsBlocked():
            self.analyse()

    def _follow_unit(self, unit: str) -> None:
        """Keep the landmark meaningful when the unit changes: a default landmark moves
        to the new unit's default (12 months -> 365 days), any other is converted."""
        from imft_desktop.model.time_units import convert, default_landmark

        old, self._shown_unit = self._shown_unit, unit
        if old is None or old == unit:
            if old is None:
                self.at_spin.blockSignals(True)
                self.at_spin.setValue(default_landmark(unit))
                self.at_spin.blockSignals(False)
            return
        at = self.at_spin.value()
        new = (default_landmark(unit) if at == default_landmark(old)
               else round(float(convert(at, old, unit)), 1))
        self.at_spin.blockSignals(True)
        self.at_spin.setValue(new)
        self.at_spin.blockSignals(False)

    @Slot(int)
    def _on_endpoint_combo_changed(self, index: int) -> None:
        other = index == 2
        self.time_combo.setVisible(other)
        self.event_combo.setVisible(other)
        if self.cohort is None or self.endpoint_combo.signalsBlocked():
            return
        self._endpoint_auto = False
        if not other:  # PFS / OS: show it now; other columns wait for Analyse
            self.analyse()

    # ------------------------------------------------------------ analysis
    def set_grouping(self, text: str) -> None:
        """Put ``text`` in Compare without analysing (call ``analyse()``)."""
        self.group_combo.blockSignals(True)
        idx = self.group_combo.findText(text)
        if idx >= 0:
            self.group_combo.setCurrentIndex(idx)
        else:
            self.group_combo.setCurrentText(text)
        self.group_combo.blockSignals(False)

    @Slot()
    def analyse(self) -> None:
        """Run the survival study the controls describe, in the background."""
        if self.cohort is None:
            return
        from imft_desktop.analysis.survival_study import survival_study

        options = self.options()
        if options.grouping != self._analysed_text:
            self.reference_combo.clear()
        # the same analysis asked twice while it runs (Enter + pick) runs once
        if not self.run_task("analysis", survival_study, self.cohort, options,
                             key=(id(self.cohort), options), on_result=self._on_analysis_done,
                             on_error=self._on_analysis_failed):
            return
        self.message.setText(MESSAGES["running"])
        self._analysed_text = options.grouping

    @Slot(int)
    def _on_reference_combo_activated(self, _index: int) -> None:
        self.analyse()

    def _on_analysis_failed(self, exc: BaseException) -> None:
        from imft_desktop.analysis.survival_study import NoEndpointError

        text = str(exc) or type(exc).__name__
        if isinstance(exc, NoEndpointError):
            self.message.setText(text)  # already a full sentence naming missing columns
            self.screen_button.setEnabled(False)
            self.forest_canvas.message(MESSAGES["screen_no_endpoint"])
        else:
            self.message.setText(MESSAGES["failed"].format(error=text))
        if self.study is None:
            self.canvas.message(self.message.text())
        self.result_ready.emit()

    def _on_analysis_done(self, study: SurvivalStudy) -> None:
        from imft_desktop.analysis.survival_study import with_landmarks

        g = study.grouping
        self._follow_unit(study.unit)
        if (self.at_spin.value(),) != study.options.landmarks:
            # the landmark moved with the unit (12 months -> 365 days): read off the curves
            study = with_landmarks(study, (self.at_spin.value(),))
        self.study = study
        if self.unit_combo.currentData() is None:
            show_sheet_unit(self.unit_combo, study.unit)
        what = f"{study.endpoint.label} ({study.unit})"
        if g is None:
            self.message.setText(MESSAGES["overview"].format(
                endpoint=what, n=study.n, excluded=len(study.data.excluded)))
        else:
            self.message.setText(f"{what} by {g.name}: "
                                 f"{plural(study.n, 'patient')} analysed, "
                                 f"{len(study.data.excluded)} excluded")
        if self._endpoint_auto:
            # show which endpoint the first view chose (OS when there is no PFS)
            self.endpoint_combo.blockSignals(True)
            self.endpoint_combo.setCurrentIndex(1 if study.endpoint.label == "OS" else 0)
            self.endpoint_combo.blockSignals(False)
        self.screen_button.setEnabled(not self.task_running("screen"))
        self._show_screen_hint(study.endpoint.label)
        self.reference_combo.blockSignals(True)
        self.reference_combo.clear()
        if g is not None:
            self.reference_combo.addItems(list(study.data.levels))
            self.reference_combo.setCurrentIndex(0)
        self.reference_combo.setEnabled(g is not None)
        self.reference_combo.blockSignals(False)
        self._fill_stats(study)
        self._redraw()
        self.result_ready.emit()

    def _fill_stats(self, study: SurvivalStudy) -> None:
        """The group table and the tests, in the words of ``reports.survival_text`` (the
        report and ``imft survival`` print the same rows and sentences)."""
        from imft_desktop.reports import survival_text as words

        headers = [h.replace(" (95% CI)", "\n(95% CI)") for h in words.group_header(study)]
        rows = words.group_rows(study)
        self.stats_table.setColumnCount(len(headers))
        self.stats_table.setHorizontalHeaderLabels(headers)
        self.stats_table.setRowCount(len(rows))
        for i, (group, cells) in enumerate(zip(study.km.groups, rows, strict=True)):
            tip = "\n".join([*group.warnings, "NR: not reached (the curve or its confidence "
                             "limit stays above 50%)"])
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.stats_table.setItem(i, j, item)
        parts = []
        for line in words.statistic_lines(study):
            if line.startswith("  "):  # a pairwise or adjusted row under its heading
                parts.append("· " + line.strip())
            elif ":" in line:
                head, rest = line.split(":", 1)
                parts.append(f"<b>{head}</b>:{rest}")
            else:
                parts.append(line)
        if study.grouping is None:
            parts.append("Pick an alteration or a column in Compare to compare groups "
                         "(log-rank, Cox HR).")
        # Deprecation warnings concern code, not these data; and as the Cox fit records
        # warnings process-wide, one can come from another thread (e.g. Qt's GUI thread)
        warns = [w for w in study.warnings if not w.startswith(_CODE_WARNINGS)]
        if warns:
            parts.append("<span style='color:#a04000'>" + "<br>".join(
                f"⚠ {w}" for w in warns) + "</span>")
        left_out = words.excluded_line(study)
        if left_out:
            parts.append(left_out)
        if study.notes:
            parts.append("<small>" + "<br>".join(study.notes) + "</small>")
        parts.append("<small>" + "<br>".join(study.methods) + "</small>")
        self.details.setText(safe_html("<br>".join(parts)))

    @Slot()
    def _redraw(self) -> None:
        if self.study is None:
            return
        import textwrap

        from imft_desktop.plotting.km import km_axes, plot_km, test_caption

        study = self.study
        fig = self.canvas.figure
        fig.clear()
        ax, risk_ax = km_axes(fig, len(study.km.groups))
        # the check box decides, for one curve too (issue 13: unticked still drew a band)
        plot_km(study.km, ax, risk_ax=risk_ax, show_ci=self.bands_check.isChecked())
        fig.suptitle(study.title, fontsize=10)
        if study.grouped:
            # the test, p and HR above the plot, where no curve can hide them
            caption = "\n".join(textwrap.fill(line, 95, subsequent_indent="   ")
                                 for line in test_caption(study.logrank, study.cox).splitlines())
            ax.set_title(caption, fontsize=8.5, loc="left")
        self.canvas.draw()

    # ------------------------------------------------------------ screen
    @Slot()
    def start_screen(self) -> None:
        """Screen every alteration in the background, with progress and cancel."""
        if self.cohort is None:
            return
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.screen_button.setEnabled(False)
        self.screen_label.setText(MESSAGES["screen_running"])
        self.forest_canvas.message(MESSAGES["screen_running"])
        from imft_desktop.analysis.survival_study import SurvivalOptions, screen_study

        options = SurvivalOptions(unit=self.unit_combo.currentData(), **self.endpoint_options())
        self.run_task(
            "screen", screen_study, self.cohort, options,
            on_result=self._on_screen_done,
            on_error=self._on_screen_failed, on_progress=self._on_screen_progress,
            on_cancelled=self._on_screen_cancelled,
        )

    @Slot()
    def cancel_screen(self) -> None:
        self.cancel_task("screen")

    def _screen_finished(self) -> None:
        self.progress_bar.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.screen_button.setEnabled(self.cohort is not None)

    def _on_screen_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(fraction * 100))
        self.progress_bar.setFormat(f"%p%  {message}")

    def _on_screen_cancelled(self) -> None:
        self._screen_finished()
        self.screen_label.setText(MESSAGES["screen_cancelled"])
        self.forest_canvas.message(MESSAGES["screen_cancelled"])
        self.screen_ready.emit()

    def _on_screen_failed(self, exc: BaseException) -> None:
        self._screen_finished()
        if isinstance(exc, ImportError):
            self.screen_label.setText(MESSAGES["no_alterations"])
        else:
            self.screen_label.setText(MESSAGES["screen_failed"].format(
                error=str(exc) or type(exc).__name__))
        self.forest_canvas.message(self.screen_label.text())
        self.screen_ready.emit()

    def _on_screen_done(self, screen: ScreenResult) -> None:
        self._screen_finished()
        self.screen_result = screen
        self.screen_label.setText(MESSAGES["screen_done"].format(n=len(screen.rows),
                                                                 skipped=len(screen.skipped)))
        rows = screen.rows
        headers = list(SCREEN_HEADERS)
        headers[3] = f"Median alt/not, {screen.unit}"
        self.screen_table.setHorizontalHeaderLabels(headers)
        self.screen_table.setRowCount(len(rows))
        from imft_desktop.reports.survival_text import screen_cells

        for i, r in enumerate(rows):
            # every cell as the report and the Excel notes write it (reports.survival_text)
            cells = screen_cells(r)
            for j, name in enumerate(SCREEN_HEADERS):
                item = QTableWidgetItem(cells[name])
                if r.warnings:
                    item.setToolTip("\n".join(r.warnings))
                self.screen_table.setItem(i, j, item)
        self.screen_table.setToolTip(f"{screen.method}\nDouble-click a row to show its "
                                     "Kaplan-Meier curves")
        fig = self.forest_canvas.figure
        fig.clear()
        if rows:
            from imft_desktop.plotting.forest import plot_forest

            # as many rows as stay readable at this height (the table lists them all)
            fit = int((self.forest_canvas.canvas.height() - 90) / 15)
            plot_forest(screen, fig.add_subplot(111), max_rows=max(5, min(40, fit)))
            self.forest_canvas.draw()
        else:
            self.forest_canvas.message(self.screen_label.text())
        self.screen_ready.emit()

    @Slot(int, int)
    def _on_screen_table_double_clicked(self, row: int, _col: int) -> None:
        item = self.screen_table.item(row, 0)
        if item is not None:
            self.set_grouping(item.text())
            self.analyse()
