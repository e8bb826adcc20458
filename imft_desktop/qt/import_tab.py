"""The Import tab: read a workbook, confirm the column mapping, import, see findings.

Reading (``read_workbook`` + sheet description + header recognition) and importing
(``build_cohort``) both run in the worker pool, with a progress bar and a Cancel
button; the window stays responsive.  The tab announces a new cohort with
``cohort_imported``; a cancelled or failed import announces nothing, so the cohort the
window shows stays as it was.

User-facing messages are declared in ``MESSAGES``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imft_desktop.model.findings import Finding
from imft_desktop.model.value_dictionary import ValueDictionary
from imft_desktop.model.vocab import Level
from imft_desktop.qt import error_dialog
from imft_desktop.qt.import_models import (
    LEVEL_COLOURS,
    FindingsModel,
    ImportOutcome,
    MappingTableModel,
    ReadResult,
    TargetComboDelegate,
    import_cohort,
    read_chosen_sheet,
    read_or_import,
)
from imft_desktop.qt.import_options import ReadingOptionsPanel
from imft_desktop.qt.settings import AppSettings
from imft_desktop.qt.table_models import RawSheetModel
from imft_desktop.qt.value_dictionary_view import ValueDictionaryPanel
from imft_desktop.qt.workers import TaskHandle, start_task

if TYPE_CHECKING:
    from imft_desktop.io.mapping import MappingProfile
    from imft_desktop.io.read.raw import RawSheet, RawWorkbook
    from imft_desktop.model.cohort import Cohort

_Index = QModelIndex | QPersistentModelIndex

MESSAGES = {
    "no_file": "No file open. Use File > Open, drop a file on the window, or open the demo.",
    "reading": "Reading {name}…",
    "importing": "Importing {name}…",
    "unreadable": "<b>{name} cannot be read.</b> {message}",
    "read_failed": "<b>{name} could not be read</b> because of an unexpected error; "
    "the details are in the error window. The cohort already loaded is unchanged.",
    "import_failed": "<b>The import failed</b> because of an unexpected error; the details "
    "are in the error window. The cohort already loaded is unchanged.",
    "cancelled_read": "Reading was cancelled. The cohort already loaded is unchanged.",
    "cancelled_import": "The import was cancelled. The cohort already loaded is unchanged.",
    "imported": "Imported: {summary}.{read_with}",
    "imported_with_errors": "Imported: {summary}.{read_with} {n} cells have errors and "
    "their records are left out of the analysis; they are listed below (values not "
    "understood can be given a meaning on the Values page).",
    "canonical": "This workbook follows the IMFT template: its sheets are read as they "
    "are (no column mapping needed).",
    "not_canonical": "One row per case: check what each column holds, correct it in the "
    "'Maps to' column, then press Import.",
    "unmapped": "Not used for the analysis: {columns}",
    "all_mapped": "Every column is used.",
    "profile_applied": "Profile '{name}' applied.",
    "profile_moved": " {n} columns moved and were found by their header.",
    "profile_new": " New columns (kept as clinical columns until you choose): {cols}.",
    "profile_missing": " Columns of the profile not found in this sheet: {cols}.",
    "profile_bad": "<b>The mapping profile cannot be used.</b> {message}",
    "profile_saved": "Mapping profile saved.",
    "mapping_problems": "<b>Fix the column mapping before importing:</b><ul>{items}</ul>",
    "nothing_imported": "<b>Nothing was imported:</b> no sample passed the checks "
    "({n} errors, listed below). The cohort already loaded is unchanged.",
    "no_sheet": "This file has no sheet with data.",
    "hidden_sheet": " (hidden)",
    "sheet_item": "{name} — {rows} rows × {columns} columns{hidden}",
    "interop": "Read as {kind}: a layout of its own, imported as the command line does "
    "(no column mapping).",
    "meaning_chosen": "“{value}” in column {column} will be read as {meaning}. Press "
    "<b>Import</b> to apply; <b>Save profile…</b> keeps the choice for the next sheet.",
    "sheet_unread": "{name} — not read yet (choose it to read it){hidden}",
    "reading_sheet": "Reading sheet {name}…",
    "read_with": " Read with: {options}.",
    "options_changed": "Reading options changed ({options}). Press <b>Import</b> to read "
    "the values again with them.",
    "options_default": "every option at its default",
    "options_bad": "<b>Fix the reading options before importing:</b> {message}",
    "profile_reading": " Reading options from the profile: {options}.",
    "profile_rereading": " The file is read again with the profile's text encoding and "
    "delimiter.",
}

#: Tooltips of the tab's controls, in the user's words (what it does, its default).
TOOLTIPS = {
    "sheet": "The sheet that holds the cases, one row per case (template workbooks: the "
    "Samples sheet). Each sheet shows its rows and columns; hidden sheets are grey.",
    "encoding": "The character encoding of this text file. Default: detected (UTF-8, "
    "else Windows-1252). Choose another if accented letters look wrong, then Read again.",
    "delimiter": "What separates the columns of this text file. Default: detected from "
    "the first lines.",
    "reread": "Read the file again with this encoding and delimiter (saved in the "
    "mapping profile)",
    "import": "Build the cohort from this file with the mapping and reading options "
    "shown (Enter). The cohort on screen stays until the new one is ready.",
    "level": "Show or hide the {level} in the list below",
    "filter": "Show only the findings whose code, text, cell or value contains this",
    "cancel": "Stop reading or importing; the cohort on screen stays as it was",
    "findings": "Every cell that was interpreted, should be checked, or was left out. "
    "Select one to see its cell in Source rows.",
    "mapping": "What each column of the sheet holds. Double-click (or F2) “Maps to” to "
    "change it.",
    "preview": "The sheet's cells as they are in the file",
}

#: Choices offered for text files; ``None`` means "as detected".
TEXT_ENCODINGS = (
    ("as detected", None),
    ("UTF-8", "utf-8"),
    ("Windows-1252 (Western)", "cp1252"),
    ("Latin-1 (ISO-8859-1)", "latin-1"),
    ("UTF-16", "utf-16"),
    ("Mac Roman", "mac_roman"),
)
TEXT_DELIMITERS = (
    ("as detected", None),
    ("comma ,", ","),
    ("semicolon ;", ";"),
    ("tab", "\t"),
    ("pipe |", "|"),
)
#: Delay between asking for an import and starting its worker (see start_import).
IMPORT_START_DELAY_MS = 60
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}



# ------------------------------------------------------------------ the tab
class ImportTab(QWidget):
    """Open a file, check the mapping, import, and read the findings.

    Signals
    -------
    cohort_imported(Cohort):
        A new cohort was built; the window shows it everywhere.
    file_read(str):
        A file was read (path); the preview and mapping are shown.
    file_failed(str, str):
        A file could not be read (path, message shown inline).
    busy_changed(bool):
        A read or an import started (True) or ended (False).
    import_cancelled():
        The user cancelled a read or an import; nothing changed.
    import_failed(str):
        An import failed (exception type name); nothing changed.
    help_requested(str):
        The user asked for the guide at an anchor (a finding code's explanation).
    """

    title = "Import"
    cohort_imported = Signal(object)
    file_read = Signal(str)
    file_failed = Signal(str, str)
    busy_changed = Signal(bool)
    import_cancelled = Signal()
    import_failed = Signal(str)
    help_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: ReadResult | None = None
        self.profiles: dict[str, MappingProfile] = {}
        self.loaded_profile: MappingProfile | None = None
        self.cohort: Cohort | None = None
        #: ``cohort.summary_line()`` of ``cohort``, computed in the worker.
        self.summary_line = ""
        self._task: TaskHandle | None = None
        #: Increases with every read/import started; callbacks of a task that was
        #: replaced by a newer one (e.g. a second file opened while reading) are ignored.
        self._generation = 0
        self._auto_import = False
        #: An import waiting for the event loop to go idle before its worker starts.
        self._pending_start: Any = None
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._run_pending_start)
        #: The file last asked for (also when it could not be read: "Read again").
        self.last_path: str | None = None
        #: A loaded profile waits for the file to be read again with its encoding and
        #: delimiter before it is applied.
        self._apply_profile_after_read = False
        #: The encoding and delimiter the text file shown was read with when the user
        #: (or a profile) chose them; ``None``: detected.  Asked for / in effect.
        self._asked_read_with: tuple[str | None, str | None] = (None, None)
        self._read_with: tuple[str | None, str | None] = (None, None)
        self._build_ui()
        self._show_banner(MESSAGES["no_file"], kind="info")
        self._update_buttons()

    # ------------------------------------------------------------ UI
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.banner)

        top = QHBoxLayout()
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setMinimumWidth(100)
        top.addWidget(QLabel("<b>File:</b>"))
        top.addWidget(self.file_label, 1)
        sheet_label = QLabel("&Sheet:")
        top.addWidget(sheet_label)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setToolTip(TOOLTIPS["sheet"])
        sheet_label.setBuddy(self.sheet_combo)
        self.sheet_combo.setMinimumContentsLength(28)
        self.sheet_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.sheet_combo.currentIndexChanged.connect(self._on_sheet_combo_changed)
        top.addWidget(self.sheet_combo)
        self.hidden_rows_check = QCheckBox("&Keep hidden rows")
        self.hidden_rows_check.setChecked(True)
        self.hidden_rows_check.setToolTip(
            "Rows hidden or filtered out in Excel are imported (kept) unless you untick "
            "this."
        )
        top.addWidget(self.hidden_rows_check)
        layout.addLayout(top)

        # Text files only: override the detected encoding / delimiter and read again.
        self.text_options = QWidget()
        trow = QHBoxLayout(self.text_options)
        trow.setContentsMargins(0, 0, 0, 0)
        trow.addWidget(QLabel("<b>Text file:</b>"))
        encoding_label = QLabel("E&ncoding")
        trow.addWidget(encoding_label)
        self.encoding_combo = QComboBox()
        for label, value in TEXT_ENCODINGS:
            self.encoding_combo.addItem(label, value)
        self.encoding_combo.setToolTip(TOOLTIPS["encoding"])
        encoding_label.setBuddy(self.encoding_combo)
        trow.addWidget(self.encoding_combo)
        delimiter_label = QLabel("De&limiter")
        trow.addWidget(delimiter_label)
        self.delimiter_combo = QComboBox()
        for label, value in TEXT_DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.delimiter_combo.setToolTip(TOOLTIPS["delimiter"])
        delimiter_label.setBuddy(self.delimiter_combo)
        trow.addWidget(self.delimiter_combo)
        self.reread_button = QPushButton("Re&ad again")
        self.reread_button.setToolTip(TOOLTIPS["reread"])
        self.reread_button.clicked.connect(self._on_reread_clicked)
        trow.addWidget(self.reread_button)
        self.detected_label = QLabel()
        trow.addWidget(self.detected_label, 1)
        self.text_options.setVisible(False)
        layout.addWidget(self.text_options)

        # How cells are read: the command line's options, kept in the mapping profile.
        self.reading_panel = ReadingOptionsPanel()
        self.reading_panel.changed.connect(self._on_reading_panel_changed)
        layout.addWidget(self.reading_panel)

        vsplit = QSplitter(Qt.Orientation.Vertical)
        hsplit = QSplitter(Qt.Orientation.Horizontal)

        # mapping
        mapping_box = QGroupBox("Column mapping")
        mlay = QVBoxLayout(mapping_box)
        note_row = QHBoxLayout()
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        note_row.addWidget(self.mapping_note, 1)
        self.header_row_label = QLabel("Header ro&w:")
        self.header_row_spin = QSpinBox()
        self.header_row_label.setBuddy(self.header_row_spin)
        self.header_row_spin.setRange(1, 1_048_576)
        self.header_row_spin.setToolTip(
            "The row holding the column headers (rows above it, such as a title, are "
            "skipped). Changing it recognises the columns again."
        )
        self.header_row_spin.editingFinished.connect(self._on_header_row_edited)
        note_row.addWidget(self.header_row_label)
        note_row.addWidget(self.header_row_spin)
        mlay.addLayout(note_row)
        self.mapping_model = MappingTableModel(self)
        self.mapping_model.mapping_edited.connect(self._on_mapping_edited)
        self.mapping_view = QTableView()
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setToolTip(TOOLTIPS["mapping"])
        # Tab leaves a table for the next control (arrow keys move between cells): a
        # keyboard user is never stranded in one.
        self.mapping_view.setTabKeyNavigation(False)
        self.mapping_view.setItemDelegateForColumn(
            MappingTableModel.TARGET_COLUMN, TargetComboDelegate(self.mapping_model, self)
        )
        self.mapping_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.mapping_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mapping_view.verticalHeader().setVisible(False)
        self.mapping_view.verticalHeader().setDefaultSectionSize(
            self.mapping_view.fontMetrics().height() + 8
        )
        self.mapping_view.horizontalHeader().setStretchLastSection(True)
        self.mapping_view.setWordWrap(False)
        mlay.addWidget(self.mapping_view, 1)
        self.unmapped_label = QLabel()
        self.unmapped_label.setWordWrap(True)
        mlay.addWidget(self.unmapped_label)
        buttons = QHBoxLayout()
        self.load_profile_button = QPushButton("L&oad profile…")
        self.load_profile_button.setToolTip(
            "Apply a mapping profile saved earlier (JSON): the columns, the meanings chosen "
            "on the Values page and the reading options")
        self.load_profile_button.clicked.connect(self._on_load_profile_clicked)
        self.save_profile_button = QPushButton("Save &profile…")
        self.save_profile_button.setToolTip(
            "Save this mapping, the meanings chosen on the Values page and the reading "
            "options, to reuse them on the next export of the sheet")
        self.save_profile_button.clicked.connect(self._on_save_profile_clicked)
        self.reapply_button = QPushButton("Re-appl&y")
        self.reapply_button.setToolTip(
            "Apply the loaded profile again to this sheet, or, without one, go back to "
            "the automatic mapping"
        )
        self.reapply_button.clicked.connect(self._on_reapply_clicked)
        self.import_button = QPushButton("&Import")
        self.import_button.setToolTip(TOOLTIPS["import"])
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        for b in (self.load_profile_button, self.save_profile_button, self.reapply_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        mlay.addLayout(buttons)
        hsplit.addWidget(mapping_box)

        # preview
        preview_box = QGroupBox("Source rows")
        play = QVBoxLayout(preview_box)
        self.preview_model = RawSheetModel(parent=self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setToolTip(TOOLTIPS["preview"])
        self.preview_view.setTabKeyNavigation(False)
        self.preview_view.setWordWrap(False)
        self.preview_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.preview_view.verticalHeader().setDefaultSectionSize(
            self.preview_view.fontMetrics().height() + 6
        )
        self.preview_view.horizontalHeader().setDefaultSectionSize(110)
        self.preview_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        play.addWidget(self.preview_view)
        # The source rows and, after an import, the value dictionary share the pane.
        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(preview_box, "Source rows")
        self.values_panel = ValueDictionaryPanel()
        self.values_panel.meaning_chosen.connect(self._on_meaning_chosen)
        self.right_tabs.addTab(self.values_panel, "Values")
        self.right_tabs.setTabToolTip(0, TOOLTIPS["preview"])
        self.right_tabs.setTabToolTip(
            1, "Each value of each mapped column, its count and what it is read as")
        hsplit.addWidget(self.right_tabs)
        hsplit.setStretchFactor(0, 1)
        hsplit.setStretchFactor(1, 1)
        vsplit.addWidget(hsplit)

        # findings
        findings_box = QGroupBox("Findings")
        flay = QVBoxLayout(findings_box)
        frow = QHBoxLayout()
        self.level_buttons: dict[Level, QToolButton] = {}
        for level in (Level.ERROR, Level.WARNING, Level.INFO):
            toggle = QToolButton()
            toggle.setCheckable(True)
            toggle.setChecked(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            toggle.toggled.connect(self._on_level_button_toggled)
            toggle.setToolTip(TOOLTIPS["level"].format(
                level={Level.ERROR: "errors", Level.WARNING: "warnings",
                       Level.INFO: "notes (information)"}[level]))
            toggle.setStyleSheet(f"QToolButton:checked {{ color: {LEVEL_COLOURS[level]}; }}")
            self.level_buttons[level] = toggle
            frow.addWidget(toggle)
        self.findings_filter = QLineEdit()
        self.findings_filter.setPlaceholderText("Filter findings (code, text, cell)…")
        self.findings_filter.setClearButtonEnabled(True)
        self.findings_filter.setToolTip(TOOLTIPS["filter"])
        self.findings_filter.textChanged.connect(self._on_findings_filter_changed)
        frow.addWidget(self.findings_filter, 1)
        self.explain_button = QToolButton()
        self.explain_button.setText("What does this &mean?")
        self.explain_button.setToolTip("Open the user guide at the explanation of the "
                                       "selected finding's code")
        self.explain_button.setEnabled(False)
        self.explain_button.clicked.connect(self._on_explain_clicked)
        frow.addWidget(self.explain_button)
        flay.addLayout(frow)
        self.findings_model = FindingsModel(self)
        self.findings_view = QTableView()
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setToolTip(TOOLTIPS["findings"])
        self.findings_view.setTabKeyNavigation(False)
        self.findings_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.findings_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.findings_view.verticalHeader().setVisible(False)
        self.findings_view.verticalHeader().setDefaultSectionSize(
            self.findings_view.fontMetrics().height() + 6
        )
        self.findings_view.horizontalHeader().setStretchLastSection(True)
        self.findings_view.setWordWrap(False)
        self.findings_view.setColumnWidth(0, 70)
        self.findings_view.setColumnWidth(1, 220)
        self.findings_view.setColumnWidth(2, 200)
        self.findings_view.selectionModel().currentRowChanged.connect(
            self._on_findings_current_changed
        )
        flay.addWidget(self.findings_view)
        vsplit.addWidget(findings_box)
        vsplit.setStretchFactor(0, 3)
        vsplit.setStretchFactor(1, 2)
        layout.addWidget(vsplit, 1)

        prow = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        # A fixed-width label: a new progress message must not re-lay out the tab
        # (that repaints the Python-model tables while the worker holds the GIL).
        self.progress_label.setFixedWidth(360)
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip(TOOLTIPS["cancel"])
        self.cancel_button.clicked.connect(self.cancel)
        prow.addWidget(self.progress_label)
        prow.addWidget(self.progress_bar, 1)
        prow.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(prow)
        self.progress_row.setVisible(False)
        layout.addWidget(self.progress_row)
        self._update_level_buttons()

    # ------------------------------------------------------------ banner
    def _show_banner(self, html: str, kind: str = "info") -> None:
        colours = {
            "info": ("#eef4fa", "#2d5f8a"),
            "ok": ("#e9f5ea", "#2e6b34"),
            "warning": ("#fff4d6", "#7a5200"),
            "error": ("#fbe3e6", "#8a0018"),
        }
        bg, border = colours[kind]
        self.banner.setStyleSheet(
            f"QLabel {{ background:{bg}; border:1px solid {border}; border-radius:4px;"
            " padding:6px; }"
        )
        self.banner.setText(html)
        self.banner.setProperty("kind", kind)
        self.banner.setVisible(bool(html))

    @property
    def banner_text(self) -> str:
        return self.banner.text()

    # ------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._task is not None or self._pending_start is not None

    @property
    def workbook(self) -> RawWorkbook | None:
        return self.result.workbook if self.result is not None else None

    def current_sheet_name(self) -> str | None:
        data = self.sheet_combo.currentData()
        return str(data) if data is not None else None

    def current_profile(self) -> MappingProfile | None:
        return self.mapping_model.profile

    def _update_buttons(self) -> None:
        has_file = self.result is not None
        one_row = has_file and self.result is not None and not self.result.canonical
        has_profile = self.mapping_model.profile is not None
        self.import_button.setEnabled(has_file and not self.busy)
        self.load_profile_button.setEnabled(bool(one_row) and not self.busy)
        self.save_profile_button.setEnabled(bool(one_row) and has_profile and not self.busy)
        self.reapply_button.setEnabled(bool(one_row) and not self.busy)
        self.sheet_combo.setEnabled(has_file and not self.busy)

    def _set_busy(self, message: str) -> None:
        self.progress_label.setText(message)
        self.progress_bar.setValue(0)
        self.progress_row.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        self.busy_changed.emit(True)
        self._settle_before_work()

    def _settle_before_work(self) -> None:
        """Lay out and paint the busy state now, before the worker starts.

        The tables' models are Python: repainting them after the worker has taken the
        GIL costs one GIL hand-over (up to the 5 ms switch interval) per visible cell,
        which froze the window for 0.1-0.6 s at the start of every import.
        """
        window = self.window()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        # Item views lay out on a zero-delay timer after a model reset (a newly read
        # sheet); run those layouts now too, or they land during the import.
        for view in window.findChildren(QAbstractItemView):
            if view.isVisible():
                view.executeDelayedItemsLayout()
        window.repaint()

    def _set_idle(self) -> None:
        self._task = None
        self.progress_row.setVisible(False)
        self._update_buttons()
        self.busy_changed.emit(False)

    @Slot(float, str)
    def _on_task_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(fraction * 1000))
        if message:
            self.progress_label.setText(message)

    @Slot()
    def cancel(self) -> None:
        """Cancel the running read or import; what was shown before stays."""
        if self._pending_start is not None:  # the worker has not started yet
            self._start_timer.stop()
            self._pending_start = None
            self._on_import_cancelled()
            return
        if self._task is not None:
            self.cancel_button.setEnabled(False)
            self._task.cancel()

    def _current(self, callback: Any) -> Any:
        """Wrap a task callback so that it runs only while its task is the current one."""
        generation = self._generation

        def guarded(*args: Any) -> None:
            if generation == self._generation:
                callback(*args)

        return guarded

    def _start(
        self,
        fn: Any,
        *args: Any,
        on_result: Any,
        on_error: Any,
        on_cancelled: Any,
        **kwargs: Any,
    ) -> None:
        if self._task is not None:
            self._task.cancel()  # its callbacks are now stale and will be ignored
        self._generation += 1
        self._task = start_task(
            fn,
            *args,
            **kwargs,
            on_result=self._current(on_result),
            on_error=self._current(on_error),
            on_progress=self._current(self._on_task_progress),
            on_cancelled=self._current(on_cancelled),
            pause_gc=True,
        )
        self._update_buttons()

    # ------------------------------------------------------------ reading
    def open_file(
        self,
        path: str | os.PathLike[str],
        auto_import: bool = True,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        """Read ``path`` in the background, then show it (and import when asked).

        A read or import still running is cancelled first.  ``encoding`` and
        ``delimiter`` override detection for text files.
        """
        path = str(path)
        self._auto_import = auto_import
        self.last_path = path
        name = Path(path).name
        if encoding is None and delimiter is None:
            # A new file starts from detection again.
            self.encoding_combo.setCurrentIndex(0)
            self.delimiter_combo.setCurrentIndex(0)
        self._set_busy(MESSAGES["reading"].format(name=name))
        self._asked_read_with = (encoding, delimiter)
        problem = self.reading_panel.problem()
        self._start(
            read_or_import,
            path,
            encoding=encoding,
            delimiter=delimiter,
            # another tool's file is imported at once: with the assembly and threshold
            options=self.reading_panel.import_options() if problem is None else None,
            on_result=self._on_read_finished,
            on_error=lambda exc, p=path: self._on_read_failed(p, exc),
            on_cancelled=self._on_read_cancelled,
        )

    @Slot()
    def _on_reread_clicked(self) -> None:
        if self.last_path is None:
            return
        self.open_file(
            self.last_path,
            auto_import=True,
            encoding=self.encoding_combo.currentData(),
            delimiter=self.delimiter_combo.currentData(),
        )

    def _on_read_finished(self, result: ReadResult | ImportOutcome) -> None:
        if isinstance(result, ImportOutcome):
            self._on_interop_imported(result)
            return
        self._set_idle()
        self.result = result
        self._read_with = self._asked_read_with
        self.profiles = {}
        if result.profile is not None and result.first_sheet:
            self.profiles[result.first_sheet] = result.profile
        self.file_label.setText(result.path)
        self.file_label.setToolTip(result.path)
        workbook = result.workbook
        is_text = workbook.encoding is not None or workbook.delimiter is not None
        self.text_options.setVisible(is_text)
        if is_text:
            delimiter = DELIMITER_NAMES.get(workbook.delimiter or "", workbook.delimiter or "?")
            self.detected_label.setText(
                f"read as {workbook.encoding or '?'}, {delimiter}-separated"
            )
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for info in result.sheets:
            self.sheet_combo.addItem(_sheet_item_text(info), info.name)
            if info.hidden:
                self.sheet_combo.setItemData(
                    self.sheet_combo.count() - 1,
                    QBrush(QColor("#7a7a7a")),
                    Qt.ItemDataRole.ForegroundRole,
                )
        if result.first_sheet:
            self.sheet_combo.setCurrentIndex(self.sheet_combo.findData(result.first_sheet))
        self.sheet_combo.blockSignals(False)
        self._show_sheet(self.current_sheet_name())
        self.findings_model.set_findings(list(result.workbook.findings))
        self._update_level_buttons()
        if result.canonical:
            self._show_banner(MESSAGES["canonical"], "info")
        elif result.first_sheet is None:
            self._show_banner(MESSAGES["no_sheet"], "warning")
        else:
            self._show_banner(MESSAGES["not_canonical"], "info")
        self._update_buttons()
        self.file_read.emit(result.path)
        if self._apply_profile_after_read:
            self._apply_profile_after_read = False
            self.apply_loaded_profile(reread=True)
        if self._auto_import and result.first_sheet is not None:
            self.start_import()

    def _on_interop_imported(self, outcome: ImportOutcome) -> None:
        """A MAF, SEG or cBioPortal study: imported as the command line imports it; the
        mapping pane lists what was read instead of columns to map."""
        self.result = None
        self.profiles = {}
        path = self.last_path or ""
        self.file_label.setText(path)
        self.file_label.setToolTip(path)
        self.text_options.setVisible(False)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.blockSignals(False)
        self.preview_model.set_sheet(None)
        cohort = outcome.cohort
        rows = [(table, len(cohort.table(table, include_excluded=True)), "read as is")
                for table in cohort.tables if len(cohort.table(table, include_excluded=True))]
        self.mapping_model.set_canonical(rows)
        self.header_row_label.setVisible(False)
        self.header_row_spin.setVisible(False)
        self.mapping_note.setText(MESSAGES["interop"].format(kind=_html(_interop_kind(path))))
        self.unmapped_label.setText("")
        self.file_read.emit(path)
        self._on_import_finished(outcome)
        self._update_buttons()

    def _on_read_failed(self, path: str, exc: BaseException) -> None:
        from imft_desktop.io.read.raw import UnreadableFile

        self._set_idle()
        self._apply_profile_after_read = False
        name = Path(path).name
        if isinstance(exc, UnreadableFile):
            error_dialog.log.info("read refused: %s", exc.code)
            if exc.code.startswith("TEXT_") or Path(path).suffix.lower() in TEXT_SUFFIXES:
                # Let the user pick the encoding / delimiter the message asks for.
                self.text_options.setVisible(True)
                self.detected_label.setText("")
            html = MESSAGES["unreadable"].format(
                name=_html(name), message=_html(_for_window(exc.message)))
            self._show_banner(html, "error")
            self.file_failed.emit(path, exc.message)
            return
        self._show_banner(MESSAGES["read_failed"].format(name=_html(name)), "error")
        self.file_failed.emit(path, type(exc).__name__)
        error_dialog.report_exception(type(exc), exc, exc.__traceback__, "reading a file")

    def _on_read_cancelled(self) -> None:
        self._set_idle()
        self._show_banner(MESSAGES["cancelled_read"], "warning")
        self.import_cancelled.emit()

    # ------------------------------------------------------------ sheets and mapping
    @Slot(int)
    def _on_sheet_combo_changed(self, _index: int) -> None:
        name = self.current_sheet_name()
        result = self.result
        info = next((i for i in result.sheets if i.name == name), None) if result else None
        if result is not None and info is not None and not info.parsed:
            # Left unread when the workbook was opened (many sheets): read it now.
            self._set_busy(MESSAGES["reading_sheet"].format(name=name))
            self._start(
                read_chosen_sheet, result, name,
                on_result=lambda r, n=name: self._on_sheet_read(r, n),
                on_error=lambda exc, p=result.path: self._on_read_failed(p, exc),
                on_cancelled=self._on_read_cancelled,
            )
            return
        self._show_sheet(name)

    def _on_sheet_read(self, result: ReadResult, name: str) -> None:
        self._set_idle()
        self.result = result
        index = self.sheet_combo.findData(name)
        info = next((i for i in result.sheets if i.name == name), None)
        if index >= 0 and info is not None:
            self.sheet_combo.setItemText(index, _sheet_item_text(info))
        self.findings_model.set_findings(list(result.workbook.findings))
        self._update_level_buttons()
        if self.current_sheet_name() == name:
            self._show_sheet(name)
        self._update_buttons()

    def _show_sheet(self, name: str | None) -> None:
        result = self.result
        # A dictionary describes one import of one sheet: another sheet starts afresh.
        self.values_panel.set_dictionary(ValueDictionary(), None)
        self.right_tabs.setTabText(1, "Values")
        if result is None or name is None:
            self.preview_model.set_sheet(None)
            self.mapping_model.set_profile(None)
            self._update_unmapped()
            return
        sheet = result.workbook.sheet(name)
        self.preview_model.set_sheet(sheet)
        sheets = result.workbook.sheets if result.canonical else [sheet]
        hidden = sum(len(s.hidden_rows) for s in sheets)
        self.hidden_rows_check.setEnabled(hidden > 0)
        self.hidden_rows_check.setToolTip(
            f"{hidden} rows are hidden or filtered out in Excel; they are "
            "imported unless you untick this."
            if hidden
            else "No rows are hidden."
        )
        if result.canonical:
            rows = []
            from imft_desktop.model.schema import TABLES_BY_NAME

            infos = {i.name: i for i in result.sheets}
            for table, sheet_name in result.canonical_tables.items():
                spec = TABLES_BY_NAME[table]
                info = infos.get(sheet_name)
                records = max(info.rows - 1, 0) if info else 0
                rows.append((sheet_name, records, spec.description))
            self.mapping_model.set_canonical(rows)
            self.mapping_note.setText("Template sheets recognised (read as they are):")
            self.header_row_label.setVisible(False)
            self.header_row_spin.setVisible(False)
        else:
            profile = self.profiles.get(name)
            if profile is None:
                from imft_desktop.io.mapping import recognise

                profile = self.profiles[name] = recognise(sheet)
            self.mapping_model.set_profile(profile)
            self.mapping_note.setText("Double-click 'Maps to' to change what a column holds.")
            self.header_row_label.setVisible(True)
            self.header_row_spin.setVisible(True)
            self.header_row_spin.blockSignals(True)
            self.header_row_spin.setValue(profile.header_row)
            self.header_row_spin.blockSignals(False)
        self._fit_mapping_columns()
        self._update_unmapped()
        self._update_buttons()

    @Slot()
    def _on_header_row_edited(self) -> None:
        self.set_header_row(self.header_row_spin.value())

    def set_header_row(self, header_row: int) -> bool:
        """Recognise the columns again with the header in Excel row ``header_row``."""
        from imft_desktop.io.mapping import recognise

        result, name = self.result, self.current_sheet_name()
        profile = self.mapping_model.profile
        if result is None or name is None or result.canonical or profile is None:
            return False
        if profile.header_row == header_row:
            return False
        sheet = result.workbook.sheet(name)
        self.profiles[name] = recognise(sheet, header_row=header_row)
        self._show_sheet(name)
        return True

    def _fit_mapping_columns(self) -> None:
        view = self.mapping_view
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for col in range(header.count() - 1):
            header.resizeSection(col, min(header.sectionSize(col), 260))

    def _update_unmapped(self) -> None:
        if self.mapping_model.profile is None:
            self.unmapped_label.setText("")
            return
        cols = self.mapping_model.unmapped()
        self.unmapped_label.setText(
            MESSAGES["unmapped"].format(columns=", ".join(cols)) if cols else MESSAGES["all_mapped"]
        )

    @Slot()
    def _on_mapping_edited(self) -> None:
        self._update_unmapped()

    def set_column_target(self, letter: str, target: str) -> bool:
        """Map source column ``letter`` to ``target`` (as if chosen in the drop-down)."""
        profile = self.mapping_model.profile
        if profile is None:
            return False
        for row, col in enumerate(profile.columns):
            if col.column == letter:
                index = self.mapping_model.index(row, MappingTableModel.TARGET_COLUMN)
                return self.mapping_model.setData(index, target)
        return False

    @Slot()
    def _on_load_profile_clicked(self) -> None:
        settings = AppSettings()
        path, _ = QFileDialog.getOpenFileName(
            self, "Load mapping profile", settings.last_directory(),
            "Mapping profiles (*.json);;All files (*)"
        )
        if path:
            settings.remember_file(path)
            self.load_profile(path)

    def load_profile(self, path: str) -> bool:
        """Load a saved profile and apply it to the current sheet."""
        from imft_desktop.io.mapping import MappingProfile
        from imft_desktop.io.read.raw import UnreadableFile

        try:
            profile = MappingProfile.load(path)
        except (UnreadableFile, OSError, ValueError, KeyError, TypeError) as exc:
            error_dialog.log.info("profile refused: %s", type(exc).__name__)
            self._show_banner(MESSAGES["profile_bad"].format(message=_html(str(exc))), "error")
            return False
        self.loaded_profile = profile
        return self.apply_loaded_profile()

    def apply_loaded_profile(self, reread: bool = False) -> bool:
        """Apply the loaded profile to the current sheet: its columns and meanings, and
        its reading options (a text file is first read again with the profile's
        encoding and delimiter when they differ from the ones used)."""
        result, name = self.result, self.current_sheet_name()
        if self.loaded_profile is None or result is None or name is None or result.canonical:
            return False
        from imft_desktop.io.mapping import apply_profile

        reading = self.loaded_profile.reading
        self.reading_panel.set_from_profile(self.loaded_profile)
        if not reread and self._text_file_needs(reading.encoding, reading.delimiter):
            self._apply_profile_after_read = True
            self.open_file(result.path, auto_import=False, encoding=reading.encoding,
                           delimiter=reading.delimiter)
            self._select_text_options(reading.encoding, reading.delimiter)
            return True
        application = apply_profile(self.loaded_profile, result.workbook.sheet(name))
        self.profiles[name] = application.profile
        self.mapping_model.set_profile(application.profile)
        self._fit_mapping_columns()
        self._update_unmapped()
        text = MESSAGES["profile_applied"].format(name=_html(self.loaded_profile.name))
        if application.moved:
            text += MESSAGES["profile_moved"].format(n=len(application.moved))
        if application.new_columns:
            cols = ", ".join(f"{c.column} ({c.header})" for c in application.new_columns)
            text += MESSAGES["profile_new"].format(cols=_html(cols))
        if application.unmatched:
            cols = ", ".join(c.header for c in application.unmatched)
            text += MESSAGES["profile_missing"].format(cols=_html(cols))
        chosen = self.reading_panel.chosen() + _text_choices(reading.encoding,
                                                             reading.delimiter)
        if chosen:  # options that change how cells read are never applied silently
            text += MESSAGES["profile_reading"].format(options=_html(", ".join(chosen)))
        if reread:
            text += MESSAGES["profile_rereading"]
        self._show_banner(text, "info" if application.is_exact else "warning")
        self._update_buttons()
        return True

    def _text_file_needs(self, encoding: str | None, delimiter: str | None) -> bool:
        """True when the file shown is a text file read with another encoding or
        delimiter than ``encoding`` / ``delimiter`` (``None``: any)."""
        workbook = self.workbook
        if workbook is None or (workbook.encoding is None and workbook.delimiter is None):
            return False
        return bool((encoding and not _same_codec(encoding, workbook.encoding))
                    or (delimiter and delimiter != workbook.delimiter))

    def _select_text_options(self, encoding: str | None, delimiter: str | None) -> None:
        """Show ``encoding`` and ``delimiter`` in the text-file row (added to the lists
        when they are not offered, e.g. a profile written for another code page)."""
        for combo, value in ((self.encoding_combo, encoding), (self.delimiter_combo, delimiter)):
            if value is None:
                continue
            i = combo.findData(value)
            if i < 0:
                combo.addItem(DELIMITER_NAMES.get(value, value), value)
                i = combo.count() - 1
            combo.setCurrentIndex(i)

    def text_options_chosen(self) -> tuple[str | None, str | None]:
        """(encoding, delimiter) the text file shown was read with by choice; ``None``:
        detected.  What was used, not what the row shows before Read again: an import
        and a saved profile must say how the cells really were read."""
        workbook = self.workbook
        if workbook is None or (workbook.encoding is None and workbook.delimiter is None):
            return None, None
        return self._read_with

    @Slot()
    def _on_reading_panel_changed(self) -> None:
        if self.result is None or self.busy:
            return
        chosen = self.reading_panel.chosen() or [MESSAGES["options_default"]]
        self._show_banner(MESSAGES["options_changed"].format(options=_html(", ".join(chosen))),
                          "info")

    @Slot()
    def _on_save_profile_clicked(self) -> None:
        profile = self.mapping_model.profile
        if profile is None:
            return
        settings = AppSettings()
        path, _ = QFileDialog.getSaveFileName(
            self, "Save mapping profile", settings.beside_last(f"{profile.sheet}-mapping.json"),
            "Mapping profiles (*.json)",
        )
        if path:
            settings.remember_file(path)
            self.save_profile(path)

    def save_profile(self, path: str) -> bool:
        """Save the mapping shown, with the value meanings and the reading options."""
        profile = self.mapping_model.profile
        if profile is None:
            return False
        problem = self.reading_panel.problem()
        if problem is not None:
            self._show_banner(MESSAGES["options_bad"].format(message=_html(problem)), "error")
            return False
        self.reading_panel.store_in(profile, *self.text_options_chosen())
        try:
            profile.save(path)
        except OSError as exc:
            from imft_desktop.io.read.faults import describe_os_error

            self._show_banner(
                MESSAGES["profile_bad"].format(message=_html(describe_os_error(exc, path))),
                "error",
            )
            return False
        self._show_banner(MESSAGES["profile_saved"], "ok")
        return True

    @Slot()
    def _on_reapply_clicked(self) -> None:
        if self.loaded_profile is not None:
            self.apply_loaded_profile()
            return
        name = self.current_sheet_name()
        if self.result is not None and name is not None:
            self.profiles.pop(name, None)
            self._show_sheet(name)

    # ------------------------------------------------------------ importing
    @Slot()
    def start_import(self) -> None:
        """Build the cohort from the shown workbook with the shown mapping (background)."""
        result = self.result
        if result is None or self.busy:
            return
        sheet = self.current_sheet_name()
        problem = self.reading_panel.problem()
        if problem is not None:
            self._show_banner(MESSAGES["options_bad"].format(message=_html(problem)), "error")
            self.import_failed.emit("READING_OPTIONS")
            return
        encoding, delimiter = self.text_options_chosen()
        options: dict[str, Any] = {"include_hidden_rows": self.hidden_rows_check.isChecked(),
                                   "encoding": encoding, "delimiter": delimiter,
                                   **self.reading_panel.import_options()}
        if not result.canonical:
            profile = self.mapping_model.profile
            problems = profile.check() if profile is not None else []
            if problems:
                items = "".join(f"<li>{_html(p)}</li>" for p in problems)
                self._show_banner(MESSAGES["mapping_problems"].format(items=items), "error")
                self.import_failed.emit("MAPPING_UNUSABLE")
                return
            options["sheet"] = sheet
            if profile is not None:
                # The cohort keeps the profile it was read with, options included.
                profile = _copy_profile(profile)
                self.reading_panel.store_in(profile, encoding, delimiter)
            options["mapping"] = profile
            if sheet == result.first_sheet:  # the program's pick: say what it passed over
                options["passed_over"] = result.passed_over
        name = Path(result.path).name
        # The worker starts once the event loop has gone idle: the sheet just shown
        # (preview, mapping, busy state) lays out and paints on deferred timers, and
        # each Python-model cell painted while the worker holds the GIL costs a GIL
        # hand-over, which froze the window for 0.2-0.3 s at the start of an import.
        self._pending_start = functools.partial(
            self._start,
            import_cohort,
            result.workbook,
            options,
            on_result=self._on_import_finished,
            on_error=self._on_import_failed,
            on_cancelled=self._on_import_cancelled,
        )
        self._set_busy(MESSAGES["importing"].format(name=name))
        self._start_timer.start(IMPORT_START_DELAY_MS)

    def _run_pending_start(self) -> None:
        start, self._pending_start = self._pending_start, None
        if start is not None:
            start()

    def _on_import_finished(self, outcome: ImportOutcome) -> None:
        self._set_idle()
        cohort = outcome.cohort
        self.findings_model.set_findings(outcome.findings, presorted=True)
        self._update_level_buttons()
        errors = self.findings_model.counts[Level.ERROR]
        error_dialog.log_finding_codes("import", (f.code for f in outcome.findings))
        if cohort.n_samples == 0:
            # An empty cohort would only replace the one the user is working with.
            self._show_banner(MESSAGES["nothing_imported"].format(n=errors), "error")
            self.import_failed.emit("NO_SAMPLES")
            return
        self.cohort = cohort
        self.summary_line = outcome.summary_line
        self._show_values(cohort)
        summary = _html(outcome.summary_line)
        chosen = next((f for f in outcome.findings if f.code == "READ_WITH_OPTIONS"), None)
        read_with = "" if chosen is None else MESSAGES["read_with"].format(
            # how the values were read is said here, not only listed among the findings
            options=_html(str(chosen.message).split(": ", 1)[-1].rstrip(".")))
        # One finding may cover many cells ("maybe" on 12 rows): count the cells.
        cells = sum(len(f.rows) or 1 for f in outcome.findings if f.level is Level.ERROR)
        if errors:
            self._show_banner(
                MESSAGES["imported_with_errors"].format(summary=summary, n=cells,
                                                       read_with=read_with), "warning"
            )
        else:
            self._show_banner(
                MESSAGES["imported"].format(summary=summary, read_with=read_with), "ok")
        self.cohort_imported.emit(cohort)

    def _on_import_failed(self, exc: BaseException) -> None:
        from imft_desktop.io.read.raw import UnreadableFile

        self._set_idle()
        if isinstance(exc, UnreadableFile):
            name = Path(self.result.path).name if self.result else ""
            self._show_banner(
                MESSAGES["unreadable"].format(
                    name=_html(name), message=_html(_for_window(exc.message))),
                "error",
            )
            self.import_failed.emit(exc.code)
            return
        self._show_banner(MESSAGES["import_failed"], "error")
        error_dialog.report_exception(type(exc), exc, exc.__traceback__, "importing")
        self.import_failed.emit(type(exc).__name__)

    def _on_import_cancelled(self) -> None:
        self._set_idle()
        self._show_banner(MESSAGES["cancelled_import"], "warning")
        self.import_cancelled.emit()

    # ------------------------------------------------------------ value dictionary
    def _show_values(self, cohort: Cohort) -> None:
        dictionary = cohort.value_dictionary
        self.values_panel.set_dictionary(dictionary, self.mapping_model.profile)
        unknown = len(dictionary.unknown())
        label = f"Values ({unknown} not understood)" if unknown else "Values"
        self.right_tabs.setTabText(1, label)

    def _on_meaning_chosen(self, letter: str, key: str, token: object) -> None:
        what = "the program's reading" if token is None else f"“{token}”"
        self._show_banner(MESSAGES["meaning_chosen"].format(
            value=_html(key), column=_html(letter), meaning=_html(what)), "info")

    # ------------------------------------------------------------ findings
    def _update_level_buttons(self) -> None:
        counts = self.findings_model.counts
        labels = {Level.ERROR: "Errors", Level.WARNING: "Warnings", Level.INFO: "Info"}
        for level, button in self.level_buttons.items():
            button.setText(f"{labels[level]} ({counts[level]})")

    @Slot(bool)
    def _on_level_button_toggled(self, _checked: bool) -> None:
        self.findings_model.set_levels(
            {level for level, b in self.level_buttons.items() if b.isChecked()}
        )

    @Slot(str)
    def _on_findings_filter_changed(self, text: str) -> None:
        self.findings_model.set_text(text)

    @Slot(QModelIndex, QModelIndex)
    def _on_findings_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.explain_button.setEnabled(current.isValid())
        if not current.isValid():
            return
        self.show_finding(self.findings_model.findings[current.row()])

    def _on_explain_clicked(self) -> None:
        current = self.findings_view.currentIndex()
        if current.isValid():
            self.help_requested.emit(f"code-{self.findings_model.findings[current.row()].code}")

    def show_finding(self, finding: Finding) -> bool:
        """Select and scroll to the finding's cell in the preview (switching sheet)."""
        from imft_desktop.io.read.raw import column_index

        if self.result is None:
            return False
        if finding.sheet and finding.sheet != self.current_sheet_name():
            i = self.sheet_combo.findData(finding.sheet)
            if i < 0:
                return False
            self.sheet_combo.setCurrentIndex(i)
        col = None
        if finding.column:
            try:
                col = column_index(finding.column)
            except ValueError:
                col = None
        index = self.preview_model.index_for_cell(finding.row, col)
        if not index.isValid():
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if col is None:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.preview_view.selectionModel().setCurrentIndex(index, flags)
        self.preview_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def select_finding_row(self, row: int) -> None:
        """Select the ``row``-th visible finding (as a click would)."""
        index = self.findings_model.index(row, 0)
        self.findings_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def preview_sheet(self) -> RawSheet | None:
        return self.preview_model.sheet


def _interop_kind(path: str) -> str:
    from imft_desktop.io.interop import detect

    kinds = {"maf": "a MAF file", "seg": "a SEG file", "cbioportal": "a cBioPortal study folder"}
    return kinds.get(detect(path) or "", "another tool's file")


def _same_codec(a: str, b: str | None) -> bool:
    import codecs

    if b is None:
        return False
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return a.casefold() == b.casefold()


def _text_choices(encoding: str | None, delimiter: str | None) -> list[str]:
    """A profile's text-file options in words."""
    out = []
    if encoding:
        out.append(f"text encoding {encoding}")
    if delimiter:
        out.append(f"delimiter {DELIMITER_NAMES.get(delimiter, delimiter)}")
    return out


def _copy_profile(profile: MappingProfile) -> MappingProfile:
    """The worker gets its own copy: edits made while it runs must not leak into it."""
    from imft_desktop.io.mapping import MappingProfile

    return MappingProfile.from_dict(profile.to_dict())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_item_text(info: Any) -> str:
    """The sheet picker's line for a sheet: its size, or that it is not read yet."""
    hidden = MESSAGES["hidden_sheet"] if info.hidden else ""
    if not getattr(info, "parsed", True):
        return MESSAGES["sheet_unread"].format(name=info.name, hidden=hidden)
    return MESSAGES["sheet_item"].format(
        name=info.name, rows=info.rows, columns=info.columns, hidden=hidden)


#: "raise the limit with --max-cells or the environment variable IMFT_MAX_CELLS": the
#: window has no command-line options, only the environment variable.
_LIMIT_ADVICE = re.compile(r"raise the limit with --[\w-]+ or the environment variable (\w+)")


def _for_window(message: str) -> str:
    """A reader message with the advice the window can follow."""
    return _LIMIT_ADVICE.sub(
        r"set the environment variable \1 to a higher value and restart IMFT Desktop", message
    )
