"""The Summary tab: alteration frequencies with exact CIs, fusion partners, oncoprint,
genome-wide copy number with recurrent focal loci, assay concordance and co-occurrence.

The tab renders one ``analysis.alteration_summary.AlterationSummary`` (the study the
report, ``imft summary`` and the workbook render too) and never recomputes or
re-thresholds it; numbers are written by ``model.formatting``.  The summary is computed
in the shared thread pool, so ``set_cohort`` returns at once whatever the cohort's size;
choosing a grouping regroups the frequency table of the summary already there.
matplotlib is imported when a plot sub-tab is first shown (the canvases are created
then), not at start-up.
Picking an alteration (double-click or Enter in the table, or the button) emits
``samples_selected`` with the altered samples; the main window selects them in the
Samples tab.  A click on an oncoprint column, a focal locus or a discordant-samples
button does the same.  ``report_item()`` describes the sub-tab shown for a report the
user composes.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.model.formatting import (
    NOT_ESTIMABLE,
    format_count,
    format_estimate,
    format_estimate_ci,
    format_p,
    format_percent,
    format_percent_ci,
    format_percent_with_ci,
)
from imft_desktop.model.text import plural
from imft_desktop.qt.analysis_tab import AnalysisTab
from imft_desktop.qt.table_models import DataFrameTableModel, make_proxy
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from imft_desktop.analysis.alteration_summary import AlterationSummary
    from imft_desktop.analysis.concordance import ConcordanceResult
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

MESSAGES = {
    "no_cohort": "Open a cohort to see its alteration summary.",
    "running": "Summarising alterations…",
    "failed": "Could not summarise: {error}",
    "done": "{n}, {k}. Double-click an alteration to select its "
            "altered samples in the Samples tab.",
    "none": "(no grouping)",
    "select": "Select altered samples",
    "filter": "Filter alterations…",
    "no_concordance": "No gene was tested by two or more of IHC, FISH and sequencing.",
    "select_discordant": "Select discordant samples",
    "rows": "Rows",
}

FREQ_HEADERS = ["Alteration", "Group", "Kind", "Assay", "Altered", "Tested", "%", "95% CI"]
#: "Altered" and "Tested" count what the frequency table counts for the same alteration.
LOCI_HEADERS = ["Alteration", "Cytoband", "Event", "Altered", "Tested", "High-level", "Locus"]
COOC_HEADERS = ["A", "B", "Both", "A only", "B only", "Neither", "Odds ratio", "p", "q",
                "Tendency"]


def compute_summary(cohort: Cohort, group_by: str | None,
                    progress: Progress | None = None,
                    base: AlterationSummary | None = None) -> AlterationSummary:
    """The whole summary for the tab (runs in a worker thread); with ``base``, that
    summary regrouped (the matrix and everything else are kept)."""
    from imft_desktop.analysis.alteration_summary import SummaryOptions, regroup, summarise

    if progress is not None:
        progress.report(0.1, MESSAGES["running"])
    if base is not None:
        result = regroup(base, cohort, group_by)
    else:
        result = summarise(cohort, SummaryOptions(group_by=group_by))
    if progress is not None:
        progress.report(1.0, "")
    return result


def frequency_frame(summary: AlterationSummary
                    ) -> tuple[pd.DataFrame, dict[str, Callable[[int], str]]]:
    """Display table of the frequency rows (one row per label and group), and the
    display text of its "%" and "95% CI" columns (``model.formatting``, as in print);
    the columns keep the numbers, so they sort as numbers."""
    import pandas as pd

    rows = summary.frequencies.to_frame()
    frame = pd.DataFrame(
        {
            "Alteration": rows["label"],
            "Group": rows["group"].fillna("all") if "group" in rows else "all",
            "Kind": rows["kind"],
            "Assay": rows["capability"],
            "Altered": rows["altered"],
            "Tested": rows["tested"],
            "%": rows["percent"],
            "95% CI": rows["ci_low"],
        }
    )
    pct, low, high = (rows[c].tolist() for c in ("percent", "ci_low", "ci_high"))
    display: dict[str, Callable[[int], str]] = {
        "%": lambda i: format_percent(pct[i]),
        "95% CI": lambda i: format_percent_ci(low[i], high[i]),
    }
    return frame, display


def loci_frame(summary: AlterationSummary) -> pd.DataFrame:
    """Display table of the recurrent focal loci; "Altered"/"Tested" are the counts of
    the alteration's row in the frequency table (same label)."""
    import pandas as pd

    loci = summary.focal_loci
    if not len(loci):
        return _empty(LOCI_HEADERS)
    return pd.DataFrame(
        {
            "Alteration": loci["label"], "Cytoband": loci["cytoband"], "Event": loci["event"],
            "Altered": loci["n_samples"], "Tested": loci["n_tested"],
            "High-level": loci["n_high_level"], "Locus": loci["locus"],
        }
    )


class SummaryTab(AnalysisTab):
    """Alteration summaries of the current cohort (see the module docstring)."""

    title = "Summary"
    samples_selected = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: AlterationSummary | None = None
        self._freq_frame: pd.DataFrame | None = None
        self._loci_frame: pd.DataFrame | None = None
        self._drawn: set[str] = set()
        self._canvases: dict[str, Any] = {}
        self._onco_layout: dict[str, Any] | None = None

        self.message = QLabel(MESSAGES["no_cohort"])
        self.message.setWordWrap(True)
        self.group_combo = QComboBox()
        self.group_combo.addItem(MESSAGES["none"])
        self.group_combo.setMinimumContentsLength(18)
        self.group_combo.activated.connect(self._on_group_combo_activated)
        self.group_combo.setToolTip("Split the frequency table by a sheet column or an "
                                    "alteration; each group keeps its own denominators")
        self.filter_edit = QLineEdit()
        self.filter_edit.setToolTip("Show only the alterations whose name contains this text")
        self.filter_edit.setPlaceholderText(MESSAGES["filter"])
        self.filter_edit.setClearButtonEnabled(True)
        self.select_button = QPushButton(MESSAGES["select"])
        self.select_button.clicked.connect(self._on_select_button_clicked)
        self.select_button.setEnabled(False)
        self.select_button.setToolTip("Select, in the Samples tab, the samples altered for "
                                      "the alteration chosen in the table")
        top = QHBoxLayout()
        top.addWidget(QLabel("Group by"))
        top.addWidget(self.group_combo)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.select_button)

        # Frequencies
        self.freq_model = DataFrameTableModel(parent=self)
        self.freq_proxy = make_proxy(self.freq_model, self)
        self.filter_edit.textChanged.connect(self.freq_proxy.set_filter_text)
        self.table = self._make_view(self.freq_proxy)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self.select_button.setEnabled(True)
        )
        # Methods and warnings under the table, scrollable so the table keeps its room.
        self.methods = QTextBrowser()
        self.methods.setMaximumHeight(110)
        freq_page = QWidget()
        fl = QVBoxLayout(freq_page)
        fl.addWidget(self.table, 1)
        fl.addWidget(self.methods)

        # Copy number: genome plot (created lazily) over the loci table.
        self.loci_model = DataFrameTableModel(parent=self)
        self.loci_proxy = make_proxy(self.loci_model, self)
        self.loci_table = self._make_view(self.loci_proxy)
        self.loci_table.activated.connect(self._on_loci_table_activated)
        self.cn_splitter = QSplitter(Qt.Orientation.Vertical)
        self.cn_splitter.addWidget(self.loci_table)

        # Oncoprint: canvas (lazy) with a row-count control.
        self.onco_rows = QSpinBox()
        self.onco_rows.setRange(1, 200)
        self.onco_rows.setValue(25)
        self.onco_rows.valueChanged.connect(lambda _v: self._redraw("oncoprint"))
        self.onco_rows.setToolTip("How many alterations the oncoprint shows (most frequent "
                                  "first)")
        self.onco_page = QWidget()
        ol = self._onco_box = QVBoxLayout(self.onco_page)
        orow = QHBoxLayout()
        orow.addWidget(QLabel(MESSAGES["rows"]))
        orow.addWidget(self.onco_rows)
        orow.addStretch(1)
        ol.addLayout(orow)

        self.partners_page = QWidget()
        self._partners_box = QVBoxLayout(self.partners_page)

        # Concordance
        self.conc_gene = QComboBox()
        self.conc_gene.activated.connect(lambda _i: self._show_concordance())
        self.conc_gene.setToolTip("The gene whose assays (IHC, FISH, sequencing) are "
                                  "compared on the samples tested by both")
        self.conc_text = QTextBrowser()
        self.conc_button = QPushButton(MESSAGES["select_discordant"])
        self.conc_button.clicked.connect(self._on_conc_button_clicked)
        self.conc_button.setToolTip("Select, in the Samples tab, the samples whose assays "
                                    "disagree for this gene")
        self.conc_page = conc_page = QWidget()
        cl = QVBoxLayout(conc_page)
        crow = QHBoxLayout()
        crow.addWidget(QLabel("Gene"))
        crow.addWidget(self.conc_gene)
        crow.addStretch(1)
        crow.addWidget(self.conc_button)
        cl.addLayout(crow)
        cl.addWidget(self.conc_text, 1)

        # Co-occurrence
        self.cooc_model = DataFrameTableModel(parent=self)
        self.cooc_table = self._make_view(make_proxy(self.cooc_model, self))
        self.cooc_note = QLabel()
        self.cooc_note.setWordWrap(True)
        self.cooc_page = cooc_page = QWidget()
        kl = QVBoxLayout(cooc_page)
        kl.addWidget(self.cooc_table, 1)
        kl.addWidget(self.cooc_note)

        self.subtabs = QTabWidget()
        self.subtabs.addTab(freq_page, "Frequencies")
        self.subtabs.addTab(self.partners_page, "Fusion partners")
        self.subtabs.addTab(self.onco_page, "Oncoprint")
        self.subtabs.addTab(self.cn_splitter, "Copy number")
        self.subtabs.addTab(conc_page, "Concordance")
        self.subtabs.addTab(cooc_page, "Co-occurrence")
        self.subtabs.currentChanged.connect(self._on_subtabs_current_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(top)
        layout.addWidget(self.subtabs, 1)

    @staticmethod
    def _make_view(model: Any) -> QTableView:
        view = QTableView()
        view.setTabKeyNavigation(False)  # Tab moves on, not cell to cell
        view.setModel(model)
        view.setSortingEnabled(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        view.verticalHeader().setVisible(False)
        return view

    # ------------------------------------------------------------ cohort
    def report_item(self) -> ReportItem:
        """What the sub-tab shown displays, as an item of a report the user composes
        (``reports.outline``): its kind and the options that reproduce it (the grouping
        of the frequency table, the oncoprint's rows, the concordance gene)."""
        page = self.subtabs.currentWidget()
        if page is self.partners_page:
            return ReportItem.make("partners", "Fusion partners")
        if page is self.onco_page:
            return ReportItem.make("oncoprint", "Oncoprint", {"rows": self.onco_rows.value()})
        if page is self.cn_splitter:
            return ReportItem.make("copy_number", "Copy-number overview")
        if page is self.conc_page:
            gene = self.conc_gene.currentText() or None
            title = f"Assay concordance: {gene}" if gene else "Assay concordance"
            return ReportItem.make("concordance", title, {"gene": gene})
        if page is self.cooc_page:
            return ReportItem.make("cooccurrence", "Co-occurrence and mutual exclusivity")
        group_by = None if self.summary is None else self.summary.frequencies.group_by
        title = "Alteration frequencies" + (f" by {group_by}" if group_by else "")
        return ReportItem.make("frequencies", title, {"group_by": group_by})

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (None clears the tab); the summary is computed in a worker."""
        self.cohort = cohort
        self.summary = None
        self.cancel_tasks()
        self._drawn.clear()
        self.freq_model.set_frame(_empty(FREQ_HEADERS))
        self.loci_model.set_frame(_empty(LOCI_HEADERS))
        self.cooc_model.set_frame(_empty(COOC_HEADERS))
        self.conc_gene.clear()
        self.conc_text.clear()
        self.methods.clear()
        self.select_button.setEnabled(False)
        for canvas in self._canvases.values():
            canvas.clear()
            canvas.draw_idle()
        self.group_combo.clear()
        self.group_combo.addItem(MESSAGES["none"])
        if cohort is None:
            self.message.setText(MESSAGES["no_cohort"])
            return
        self._start(None)

    def _start(self, group_by: str | None) -> None:
        if self.cohort is None:
            return
        self.message.setText(MESSAGES["running"])
        # a newer cohort or grouping replaces (cancels) the summary being computed
        self.run_task("analysis", compute_summary, self.cohort, group_by, base=self.summary,
                      on_result=self._on_summary_ready, on_error=self._on_summary_failed)

    def _on_summary_failed(self, exc: BaseException) -> None:
        self.message.setText(MESSAGES["failed"].format(error=str(exc) or type(exc).__name__))
        self.result_ready.emit()

    def _on_summary_ready(self, summary: AlterationSummary) -> None:
        first = self.summary is None
        self.summary = summary
        self._fill(summary, first)
        self.message.setText(MESSAGES["done"].format(
            n=plural(summary.n, "sample"), k=plural(len(summary.matrix.labels), "alteration")))
        self.result_ready.emit()

    def _fill(self, summary: AlterationSummary, first: bool) -> None:
        self._freq_frame, display = frequency_frame(summary)
        self.freq_model.set_frame(self._freq_frame, display=display)
        # Rows come ordered by frequency: no column's sort arrow applies yet.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        methods = [summary.frequencies.methods]
        methods += [f"{k}: {v}" for k, v in summary.methods.items() if k != "frequencies"]
        if summary.warnings:
            methods.append("Warnings: " + " ".join(summary.warnings))
        self.methods.setPlainText("\n".join(methods))
        if first and self.cohort is not None:
            self._fill_group_choices(summary)
        self._loci_frame = loci_frame(summary)
        self.loci_model.set_frame(self._loci_frame)
        import pandas as pd

        co = summary.cooccurrence
        if len(co):
            frame = pd.DataFrame(
                {
                    "A": co["a"], "B": co["b"], "Both": co["both"], "A only": co["a_only"],
                    "B only": co["b_only"], "Neither": co["neither"],
                    "Odds ratio": co["odds_ratio"], "p": co["p"], "q": co["q"],
                    "Tendency": co["tendency"],
                }
            )
            odds, p, q = (co[c].tolist() for c in ("odds_ratio", "p", "q"))
            cooc_display: dict[str, Callable[[int], str]] = {
                "Odds ratio": lambda i: format_estimate(odds[i]),
                "p": lambda i: format_p(p[i]), "q": lambda i: format_p(q[i]),
            }
        else:
            frame, cooc_display = _empty(COOC_HEADERS), {}
        self.cooc_model.set_frame(frame, display=cooc_display)
        self.cooc_note.setText(" ".join(
            x for x in (co.attrs.get("method", ""), co.attrs.get("note", "")) if x))
        self.conc_gene.clear()
        self.conc_gene.addItems(list(summary.concordance_genes))
        self._show_concordance()
        self._drawn.clear()
        self._draw_current()

    def _fill_group_choices(self, summary: AlterationSummary) -> None:
        assert self.cohort is not None
        clinical = self.cohort.clinical()
        skip = {"sample_id", "patient_id", "comment"}
        columns = [
            str(c) for c in clinical.columns
            if str(c) not in skip and clinical[c].notna().any()
            and clinical[c].nunique(dropna=True) <= 12
        ]
        labels = [lab for lab in summary.matrix.labels if summary.matrix.info[lab].altered_n][:30]
        self.group_combo.addItems(columns)
        if labels:
            self.group_combo.insertSeparator(self.group_combo.count())
            self.group_combo.addItems(labels)

    # ------------------------------------------------------------ user actions
    @Slot(int)
    def _on_group_combo_activated(self, index: int) -> None:
        text = self.group_combo.itemText(index)
        group_by = None if index == 0 or text == MESSAGES["none"] else text
        self._start(group_by)

    def label_at(self, view_row: int) -> tuple[str, str | None] | None:
        """(alteration label, group or None) shown at ``view_row`` of the table."""
        if self._freq_frame is None or view_row < 0:
            return None
        src = self.freq_proxy.mapToSource(self.freq_proxy.index(view_row, 0))
        if not src.isValid():
            return None
        row = self._freq_frame.iloc[self.freq_model.data_row(src.row())]
        group = None if self.summary is None or self.summary.frequencies.group_by is None \
            else str(row["Group"])
        return str(row["Alteration"]), group

    def choose_row(self, view_row: int) -> list[str]:
        """Emit ``samples_selected`` with the altered samples of the alteration shown at
        ``view_row`` (within its group when the table is grouped); returns them."""
        picked = self.label_at(view_row)
        if picked is None or self.summary is None:
            return []
        label, group = picked
        ids = self.summary.matrix.altered_samples(label)
        if group is not None:
            ids = [s for s in ids if s in set(self._group_members(group))]
        self.samples_selected.emit(ids)
        return ids

    def _group_members(self, group: str) -> list[str]:
        assert self.summary is not None and self.cohort is not None
        from imft_desktop.analysis.frequencies import group_values

        by = self.summary.frequencies.group_by or ""
        values, _name = group_values(self.cohort, self.summary.matrix, by)
        ids = self.summary.matrix.samples
        return [s for s, v in zip(ids, values) if str(v) == group]

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        self.choose_row(index.row())

    @Slot()
    def _on_select_button_clicked(self) -> None:
        self.choose_row(self.table.currentIndex().row())

    @Slot(QModelIndex)
    def _on_loci_table_activated(self, index: QModelIndex) -> None:
        if self.summary is None or self._loci_frame is None:
            return
        src = self.loci_proxy.mapToSource(index)
        row = self.loci_model.data_row(src.row())
        label = str(self._loci_frame.iloc[row]["Alteration"])
        self.samples_selected.emit(self.summary.matrix.altered_samples(label))

    @Slot()
    def _on_conc_button_clicked(self) -> None:
        conc = self._current_concordance()
        if conc is not None:
            self.samples_selected.emit([str(s) for s in conc.discordant["sample_id"]])

    # ------------------------------------------------------------ concordance view
    def _current_concordance(self) -> ConcordanceResult | None:
        if self.summary is None or not self.conc_gene.currentText():
            return None
        try:
            return self.summary.concordance_for(self.conc_gene.currentText())
        except KeyError:
            return None

    def _show_concordance(self) -> None:
        conc = self._current_concordance()
        self.conc_button.setEnabled(conc is not None and len(conc.discordant) > 0)
        if conc is None:
            self.conc_text.setHtml(f"<p>{MESSAGES['no_concordance']}</p>")
            return
        self.conc_text.setHtml(concordance_html(conc))

    # ------------------------------------------------------------ plots
    @Slot(int)
    def _on_subtabs_current_changed(self, _index: int) -> None:
        self._draw_current()

    def _draw_current(self) -> None:
        page = self.subtabs.currentWidget()
        name = {self.partners_page: "partners", self.onco_page: "oncoprint",
                self.cn_splitter: "genome"}.get(page)
        if name is not None and name not in self._drawn:
            self._redraw(name)

    def _canvas(self, name: str) -> Any:
        canvas = self._canvases.get(name)
        if canvas is None:
            from imft_desktop.qt.mpl_canvas import MplCanvas

            canvas = MplCanvas(self, toolbar=True)
            if name == "partners":
                self._partners_box.addWidget(canvas)
            elif name == "oncoprint":
                self._onco_box.addWidget(canvas, 1)
                canvas.canvas.mpl_connect("button_press_event", self._on_oncoprint_clicked)
            else:
                self.cn_splitter.insertWidget(0, canvas)
                self.cn_splitter.setStretchFactor(0, 3)
            self._canvases[name] = canvas
        return canvas

    def _redraw(self, name: str) -> None:
        if self.summary is None:
            return
        canvas = self._canvas(name)
        canvas.clear()
        ax = canvas.figure.add_subplot()
        s = self.summary
        if name == "partners":
            from imft_desktop.plotting.partners import plot_partners

            plot_partners(s.partners, ax)
        elif name == "oncoprint" and s.oncoprint is not None:
            from imft_desktop.plotting.oncoprint import plot_oncoprint

            data = s.oncoprint
            rows = data.rows[: self.onco_rows.value()]
            data = data.reorder(rows) if rows else data
            self._onco_data = data
            self._onco_layout = plot_oncoprint(data, ax)
        elif name == "genome":
            from imft_desktop.plotting.cna_genome import plot_genome_frequency

            plot_genome_frequency(s.genome, ax, s.cna_params.genome)
        canvas.draw()
        self._drawn.add(name)

    def _on_oncoprint_clicked(self, event: Any) -> None:
        layout = self._onco_layout
        if layout is None or event.xdata is None or event.ydata is None:
            return
        j = math.floor(event.xdata)
        samples = layout["samples"]
        if 0 <= j < len(samples) and event.ydata >= 0:
            self.samples_selected.emit([samples[j]])


def concordance_html(conc: ConcordanceResult) -> str:
    """The concordance result as small HTML tables (2x2 per pair, accuracy, patterns)."""
    e = html.escape
    parts = [f"<h3>{e(conc.gene)}: {e(', '.join(conc.assays))}</h3>"]
    tested = ", ".join(f"{e(a)} {format_count(conc.positive[a], conc.tested[a])} positive"
                       for a in conc.assays)
    parts.append(f"<p>{tested}; tested by all: {conc.all_tested_n}</p>")
    for p in conc.pairs:
        t = p.table
        kappa = format_estimate_ci(p.kappa, *p.kappa_ci, missing=NOT_ESTIMABLE)
        parts.append(
            f"<p><b>{e(p.a)} vs {e(p.b)}</b> (n = {p.n}): agreement "
            f"{format_percent(100 * p.agreement)}, Cohen's kappa {e(kappa)}</p>"
            "<table border='1' cellspacing='0' cellpadding='3'>"
            f"<tr><th></th><th>{e(p.b)} +</th><th>{e(p.b)} −</th></tr>"
            f"<tr><th>{e(p.a)} +</th><td>{t[0][0]}</td><td>{t[0][1]}</td></tr>"
            f"<tr><th>{e(p.a)} −</th><td>{t[1][0]}</td><td>{t[1][1]}</td></tr></table>"
        )
        if p.discordant:
            parts.append(f"<p>Discordant: {e(', '.join(p.discordant))}</p>")
    for a in conc.accuracy:
        sens = format_percent_with_ci(100 * a.sensitivity, 100 * a.sensitivity_ci[0],
                                      100 * a.sensitivity_ci[1])
        spec = format_percent_with_ci(100 * a.specificity, 100 * a.specificity_ci[0],
                                      100 * a.specificity_ci[1])
        parts.append(
            f"<p>{e(a.assay)} against {e(a.reference)}: sensitivity "
            f"{format_count(a.tp, a.tp + a.fn)} = {sens}; specificity "
            f"{format_count(a.tn, a.tn + a.fp)} = {spec}</p>"
        )
    if conc.warnings:
        parts.append("<p><i>" + e(" ".join(conc.warnings)) + "</i></p>")
    parts.append(f"<p><small>{e(conc.method)}</small></p>")
    return "".join(parts)


def _empty(headers: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({h: [] for h in headers})


def _fmt_p(p: float) -> str:
    return format_p(p)
