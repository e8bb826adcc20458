"""The Samples tab: the imported cohort, one row per sample, with the key calls.

The table is built from the cohort in a worker (``build_samples_frame``, pandas only)
and shown through ``DataFrameTableModel`` + ``TableFilterProxy``.  "Not tested" is a
value of its own and looks different from "negative": grey italic text on a grey
background, while negatives have a pale blue background.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.model.text import plural
from imft_desktop.model.time_units import in_sheet_unit
from imft_desktop.qt.project_samples import MarkedTableModel
from imft_desktop.qt.table_models import DARK_TEXT, CellStyle, make_proxy
from imft_desktop.qt.workers import TaskHandle, start_task
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:
    import pandas as pd

    from imft_desktop.model.cohort import Cohort

NOT_TESTED = "not tested"
NONE_DETECTED = "none detected"

#: How result cells look; the legend above the table shows the same styles.
CELL_STYLES: dict[str, CellStyle] = {
    NOT_TESTED: CellStyle(
        foreground="#7a7a7a",
        background="#eeeeee",
        italic=True,
        tooltip="Not tested: left out of this assay's denominator",
    ),
    "negative": CellStyle(background="#dce9f7", tooltip="Tested, negative"),
    NONE_DETECTED: CellStyle(background="#dce9f7", tooltip="Tested, nothing detected"),
    "positive": CellStyle(background="#f9d3c4", bold=True, tooltip="Tested, positive"),
    "equivocal": CellStyle(background="#fbefc0", tooltip="Tested, equivocal"),
    "not evaluable": CellStyle(
        foreground="#7a5b2e",
        background="#f4ead9",
        italic=True,
        tooltip="Attempted, no usable result: not in the denominator",
    ),
}

#: Delay between a new cohort and the start of the worker that builds its table.
BUILD_START_DELAY_MS = 40

MESSAGES = {
    "empty": "No cohort loaded.",
    "count": "{shown} of {total}",
    "filter": "Filter samples (any column)…",
    "loading": "Preparing the sample table…",
}


# ------------------------------------------------------------------ the table (no Qt)
def _calls_by_sample(df: pd.DataFrame, value: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for sid, val in zip(df["sample_id"].astype(str), df[value].tolist()):
        if val is None or str(val) in ("", "nan", "None"):
            continue
        vals = out.setdefault(sid, [])
        if str(val) not in vals:
            vals.append(str(val))
    return {k: "; ".join(v) for k, v in out.items()}


IHC_DETAILS = (
    ("percent_positive", "{}% positive tumour cells"),
    ("intensity", "intensity {}"),
    ("h_score", "H-score {}"),
    ("pattern", "{}"),
)
FISH_DETAILS = (
    ("percent_split", "{}% split/isolated signals"),
    ("nuclei_scored", "{} nuclei scored"),
    ("threshold", "threshold {}%"),
)


def _details_by_sample(df: pd.DataFrame, fields: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Sample -> 'a, b, c' of the read-outs present (several records joined by '; ')."""
    from imft_desktop.qt.table_models import format_value

    out: dict[str, list[str]] = {}
    columns = [(df[name].tolist(), fmt) for name, fmt in fields if name in df]
    for i, sid in enumerate(df["sample_id"].astype(str).tolist()):
        parts = [fmt.format(format_value(values[i])) for values, fmt in columns
                 if format_value(values[i])]
        if parts:
            out.setdefault(sid, []).append(", ".join(parts))
    return {k: "; ".join(v) for k, v in out.items()}


def _column_for_calls(
    sample_ids: list[str], calls: dict[str, str], tested: set[str] | None,
    untested: dict[str, list[str]] | None = None,
) -> list[str]:
    """Per sample: the call(s); ``none detected`` if tested without a call; else
    ``not tested`` (a result without a sequencing row still shows: it is evidence).
    ``untested`` names, per sample, the genes or regions of the sheet's columns it was
    not tested for; they are added ("none detected; not tested: PIK3CA")."""
    out = []
    for sid in sample_ids:
        missing = (untested or {}).get(sid)
        if sid in calls:
            text = calls[sid]
        elif tested is not None and sid in tested:
            text = NONE_DETECTED
        else:
            out.append(NOT_TESTED)
            continue
        out.append(f"{text}; {NOT_TESTED}: {', '.join(missing)}" if missing else text)
    return out


def _untested_by_sample(cohort: Cohort, capability: str, sample_ids: list[str]
                        ) -> dict[str, list[str]]:
    """Per sample, the genes / regions of scoped columns it was not tested for (only
    when the sheet has more than one such column: one column is the whole answer)."""
    targets = cohort.scoped_targets(capability)
    if len(targets) < 2:
        return {}
    tested = {t: cohort.tested_for(capability, t) for t in targets}
    out: dict[str, list[str]] = {}
    for sid in sample_ids:
        missing = [t for t in targets if sid not in tested[t]]
        if missing and len(missing) < len(targets):
            out[sid] = missing
    return out


def _copy_number_calls(cohort: Cohort) -> dict[str, str] | None:
    """Sample -> its copy-number alterations as the Summary counts them ("22q loss;
    monosomy 19; 8q24.21 gain (focal)"), from segments and direct calls alike.

    The alteration matrix is the one place that calls arms, chromosomes and focal loci
    from segments; reading only the CN_Calls sheet showed every sample with segments
    (the whole WGS demo) as "none detected".  A chromosome-level label hides the arm
    labels of the same chromosome and direction (monosomy 19 covers 19p and 19q loss).
    ``None`` when the matrix cannot be built (the caller falls back to direct calls).
    """
    try:
        from imft_desktop.analysis.alterations import alteration_matrix

        matrix = alteration_matrix(cohort)
    except Exception:  # a partial install or odd segments: direct calls still show
        return None
    cn_labels = [lab for lab in matrix.labels if matrix.info[lab].capability == "copy number"]
    if not cn_labels:
        return {}
    status = matrix.status[cn_labels]
    out: dict[str, str] = {}
    for sid, row in zip(status.index.astype(str), status.to_numpy() == 1.0):
        altered = [lab for lab, hit in zip(cn_labels, row) if hit]
        shown_whole = {(matrix.info[lab].family, matrix.info[lab].kind) for lab in altered
                       if matrix.info[lab].level == "chromosome"}
        kept = [lab for lab in altered
                if matrix.info[lab].level != "arm"
                or (matrix.info[lab].family, matrix.info[lab].kind) not in shown_whole]
        if kept:
            out[sid] = "; ".join(kept)
    return out


def _copy_number_column(cohort: Cohort, sample_ids: list[str]) -> list[str] | None:
    """The "CN calls" column (``None`` when the cohort has no copy-number data)."""
    tested = cohort.tested_for("copy number")
    has_data = not cohort.table("cn_calls").empty or not cohort.table("cn_segments").empty
    if not has_data:
        return None
    calls = _copy_number_calls(cohort)
    if calls is None:
        cn = cohort.table("cn_calls")
        c = cn.loc[cn["event"].astype(str) != "neutral"].copy()
        c["_label"] = c["region"].astype(str) + " " + c["event"].astype(str)
        calls = _calls_by_sample(c, "_label")
    return _column_for_calls(sample_ids, calls, tested)


def build_samples_frame(cohort: Cohort, progress: Any = None) -> pd.DataFrame:
    """One row per included sample with its clinical fields and key result per assay.

    Columns: sample, patient, diagnosis, site, age, sex; one column per IHC marker and
    clone and per FISH probe (the call, ``not tested`` when absent); fusions, mutations
    and copy-number calls (``none detected`` when the sample was tested for that kind
    of alteration and has none); best response, PFS in the sheet's unit ("PFS (days)")
    and PFS event.
    """
    import pandas as pd

    clinical = cohort.clinical()
    sample_ids = [str(s) for s in clinical["sample_id"].tolist()]
    frame: dict[str, list[Any]] = {
        "Sample": sample_ids,
        "Patient": clinical["patient_id"].tolist(),
    }
    for field, label in (("diagnosis", "Diagnosis"), ("site", "Site"), ("age", "Age"),
                         ("sex", "Sex")):
        if field in clinical and clinical[field].notna().any():
            frame[label] = clinical[field].tolist()
    if progress is not None:
        progress.report(0.2, "IHC and FISH")

    details: dict[str, dict[str, str]] = {}
    ihc = cohort.table("ihc")
    if not ihc.empty:
        keys = ihc[["marker", "clone"]].astype(object).where(ihc[["marker", "clone"]].notna(), "")
        for (marker, clone), grp in ihc.groupby([keys["marker"], keys["clone"]], sort=True):
            label = f"IHC {marker}" + (f" ({clone})" if str(clone).strip() else "")
            frame[label] = _column_for_calls(sample_ids, _calls_by_sample(grp, "call"), None)
            details[label] = _details_by_sample(grp, IHC_DETAILS)
    fish = cohort.table("fish")
    if not fish.empty:
        for probe, grp in fish.groupby(fish["probe"].astype(str), sort=True):
            frame[f"FISH {probe}"] = _column_for_calls(
                sample_ids, _calls_by_sample(grp, "call"), None
            )
            details[f"FISH {probe}"] = _details_by_sample(grp, FISH_DETAILS)
    if progress is not None:
        progress.report(0.5, "Sequencing")

    fusions = cohort.table("fusions")
    fusion_tested = cohort.tested_for("fusion")
    if not fusions.empty or fusion_tested:
        calls = _calls_by_sample(fusions, "fusion") if not fusions.empty else {}
        frame["Fusion"] = _column_for_calls(sample_ids, calls, fusion_tested)
    variants = cohort.table("variants")
    mutation_tested = cohort.tested_for("mutation")
    if not variants.empty or mutation_tested:
        calls = {}
        if not variants.empty:
            v = variants.copy()
            change = v["protein_change"].astype(object).where(v["protein_change"].notna(), "")
            v["_label"] = (v["gene"].astype(str) + " " + change.astype(str)).str.strip()
            calls = _calls_by_sample(v, "_label")
        frame["Mutations"] = _column_for_calls(
            sample_ids, calls, mutation_tested,
            _untested_by_sample(cohort, "mutation", sample_ids))
    cn_column = _copy_number_column(cohort, sample_ids)
    if cn_column is not None:
        frame["CN calls"] = cn_column
    if progress is not None:
        progress.report(0.8, "Outcomes")

    if "best_response" in clinical and clinical["best_response"].notna().any():
        frame["Best response"] = clinical["best_response"].tolist()
    if "pfs_months" in clinical and clinical["pfs_months"].notna().any():
        # in the unit of the sheet ("PFS (days)"), as the Survival tab shows it
        pfs, unit = in_sheet_unit(pd.to_numeric(clinical["pfs_months"], errors="coerce"),
                                  cohort.study, "pfs_months")
        frame[f"PFS ({unit})"] = pfs.tolist()
        if "pfs_event" in clinical:
            events = pd.to_numeric(clinical["pfs_event"], errors="coerce").tolist()
            frame["PFS event"] = [
                "progressed/died" if e == 1 else "censored" if e == 0 else None for e in events
            ]
    out = pd.DataFrame(frame)
    # Read-outs behind each call, shown as the cell's tooltip: {column: {sample: text}}.
    out.attrs["details"] = details
    return out


# ------------------------------------------------------------------ the tab
class SamplesTab(QWidget):
    """The cohort as a sortable, filterable table (one row per sample).

    Signals
    -------
    table_ready():
        The table for the current cohort is shown (tests and screenshots wait on it).
    """

    title = "Samples"
    table_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cohort: Cohort | None = None
        self._task: TaskHandle | None = None
        self._pending_selection: list[str] | None = None
        self._details: dict[str, dict[str, str]] = {}
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.timeout.connect(self._start_build)
        # Marks values corrected by hand in a project (qt/project_samples.py).
        self.model = MarkedTableModel(
            styles=CELL_STYLES, tooltips=self._cell_tooltip, parent=self
        )
        self.proxy = make_proxy(self.model, self)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(MESSAGES["filter"])
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(
            "Show only the samples with this text in any column (Ctrl+F). The count beside "
            "it says how many are shown.")
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        top.addWidget(self.filter_edit, 1)
        self.count_label = QLabel(MESSAGES["empty"])
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(self._legend())
        layout.addLayout(top)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        # No sort until the user clicks a header: the table opens in sheet order.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() + 8
        )
        # Fixed row heights: Qt never measures 100k rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalScrollBar().setSingleStep(20)
        layout.addWidget(self.view, 1)
        copy = QAction("Copy rows", self.view)
        copy.setStatusTip("Copy the selected rows with the column names, as tab-separated "
                          "text for Excel (Ctrl+C)")
        copy.setToolTip(copy.statusTip())
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        self.view.addAction(copy)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        find = QAction("Filter", self)
        find.setStatusTip("Type in the filter above the table (Ctrl+F)")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: self.filter_edit.setFocus())
        self.addAction(find)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)

    def _legend(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for text in ("positive", "negative", "equivocal", NOT_TESTED):
            style = CELL_STYLES[text]
            label = QLabel(text)
            css = (
                f"background:{style.background}; padding:2px 6px; border-radius:3px;"
                " border:1px solid #c8c8c8;"
            )
            css += f"color:{style.foreground or DARK_TEXT};"  # readable on any palette
            if style.italic:
                css += "font-style:italic;"
            if style.bold:
                css += "font-weight:bold;"
            label.setStyleSheet(css)
            label.setToolTip(style.tooltip or "")
            row.addWidget(label)
        return box

    # ------------------------------------------------------------ cohort
    def report_item(self) -> ReportItem | None:
        """The study behind this table for the composed report: the cohort's
        characteristics (patients, samples, age, sex, site, treatment, assays done)."""
        if self.cohort is None:
            return None
        return ReportItem.make("characteristics", "Cohort characteristics")

    def set_cohort(self, cohort: Cohort | None) -> None:
        """Show ``cohort`` (``None`` clears the table); the table is built in a worker."""
        self.cohort = cohort
        self._build_timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if cohort is None:
            import pandas as pd

            self.model.set_frame(pd.DataFrame())
            self.count_label.setText(MESSAGES["empty"])
            self.table_ready.emit()
            return
        self.count_label.setText(MESSAGES["loading"])
        # Start the worker once the event loop has gone idle: the import that just
        # finished repaints its tables first, and each of their (Python) cells painted
        # while the worker holds the GIL would cost a GIL hand-over.
        self._build_timer.start(BUILD_START_DELAY_MS)

    def _start_build(self) -> None:
        if self.cohort is None:
            return
        self._task = start_task(
            build_samples_frame, self.cohort, on_result=self._on_frame_built, pause_gc=True
        )

    def _on_frame_built(self, frame: pd.DataFrame) -> None:
        self._task = None
        self.proxy.set_filter_text("")
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # Taken out of attrs before the model reads the columns: pandas deep-copies
        # attrs on every column access (3 s for 100,000 samples' details).
        self._details = dict(frame.attrs.pop("details", {}))
        self.model.set_frame(frame)
        self._fit_columns()
        self._update_count()
        if self._pending_selection is not None:
            ids, self._pending_selection = self._pending_selection, None
            self.select_samples(ids)
        self.table_ready.emit()

    def _fit_columns(self, sample_rows: int = 100) -> None:
        """Width from the header and the first rows' text; measuring with our own loop
        is ~20x faster than ``resizeColumnsToContents`` (a Python ``data()`` call per
        role per cell) and never looks at every row."""
        from imft_desktop.qt.table_models import format_value

        bold = self.view.font()
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        header = self.view.horizontalHeader()
        n = min(self.model.rowCount(), sample_rows)
        for col in range(self.model.columnCount()):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = bold_metrics.horizontalAdvance(title) + 28  # sort arrow
            values = self.model.column_values(col)
            for v in values[:n]:
                width = max(width, bold_metrics.horizontalAdvance(format_value(v)) + 16)
            header.resizeSection(col, min(max(width, 50), 320))

    def _cell_tooltip(self, data_row: int, column: int) -> str | None:
        """The read-outs behind an IHC / FISH call (percent, intensity, ...)."""
        details = self._details.get(self.model.column_names[column])
        if not details:
            return None
        sample = str(self.model.column_values(0)[data_row])
        text = details.get(sample)
        call = str(self.model.column_values(column)[data_row])
        return f"{call}: {text}" if text else None

    @property
    def is_ready(self) -> bool:
        return self._task is None and not self._build_timer.isActive()

    # ------------------------------------------------------------ selection
    def select_samples(self, ids: Iterable[Any]) -> int:
        """Select the rows of these sample ids, scroll to the first; returns how many.

        A text filter that hides any of them is cleared first.
        """
        wanted = {str(i) for i in ids}
        if not self.is_ready:
            self._pending_selection = list(wanted)
            return 0
        if not wanted or self.model.columnCount() == 0:
            self.view.clearSelection()
            return 0
        sample_col = self.model.column_index("Sample")
        values = self.model.column_values(sample_col)
        data_rows = [i for i, v in enumerate(values) if str(v) in wanted]
        source_indexes = [
            self.model.index(self.model.presentation_row(r), 0) for r in data_rows
        ]
        if any(not self.proxy.mapFromSource(ix).isValid() for ix in source_indexes):
            self.filter_edit.clear()  # the filter hid some of them
        selection = QItemSelection()
        last_col = self.model.columnCount() - 1
        proxy_rows = sorted(
            self.proxy.mapFromSource(ix).row() for ix in source_indexes
        )
        for row in proxy_rows:
            if row >= 0:
                selection.select(self.proxy.index(row, 0), self.proxy.index(row, last_col))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().select(selection, flags)
        if proxy_rows:
            self.view.scrollTo(
                self.proxy.index(proxy_rows[0], 0), QAbstractItemView.ScrollHint.PositionAtTop
            )
        return len(proxy_rows)

    def selected_samples(self) -> list[str]:
        """Sample ids of the selected rows, in table order."""
        if self.model.columnCount() == 0:
            return []
        col = self.model.column_index("Sample")
        rows = sorted({ix.row() for ix in self.view.selectionModel().selectedRows()})
        return [
            str(self.model.value(self.proxy.mapToSource(self.proxy.index(r, 0)).row(), col))
            for r in rows
        ]

    def selected_rows_as_text(self) -> str:
        """Selected rows (table order, shown columns) as tab-separated text with a
        header line, ready to paste into Excel."""
        from imft_desktop.qt.table_models import format_value

        rows = sorted({ix.row() for ix in self.view.selectionModel().selectedRows()})
        if not rows:
            return ""
        n_cols = self.model.columnCount()
        lines = ["\t".join(str(self.model.headerData(c, Qt.Orientation.Horizontal))
                           for c in range(n_cols))]
        for r in rows:
            source_row = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            lines.append(
                "\t".join(format_value(self.model.value(source_row, c)) for c in range(n_cols))
            )
        return "\n".join(lines) + "\n"

    @Slot()
    def copy_selection(self) -> None:
        text = self.selected_rows_as_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    # ------------------------------------------------------------ filter
    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_count()

    def _update_count(self, *_args: Any) -> None:
        if self.cohort is None:
            return
        total = self.model.rowCount()
        self.count_label.setText(
            MESSAGES["count"].format(shown=self.proxy.rowCount(),
                                   total=plural(total, "sample"))
        )
