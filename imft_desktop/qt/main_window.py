"""The main window: tabs, menus, status bar, opening files, remembering settings.

Nothing heavy is imported here: pandas, matplotlib, scipy and lifelines load in the
worker (reading, importing) or when a tab that needs them is first shown.  The
analysis tabs (Summary, Survival, Response) are other modules; the window adds a tab
for each module that is installed and creates the widget the first time the tab is
shown (or a screenshot needs it).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imft_desktop import APP_NAME
from imft_desktop.qt import error_dialog
from imft_desktop.qt.import_tab import ImportTab
from imft_desktop.qt.project_controller import ProjectController
from imft_desktop.qt.report_outline import ReportOutlineDock
from imft_desktop.qt.samples_tab import SamplesTab
from imft_desktop.qt.settings import AppSettings
from imft_desktop.qt.tab_protocols import ComposableTab
from imft_desktop.qt.workers import default_runner

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.reports.outline import ReportOutline

#: Analysis tabs built by other modules: (module, class, title shown before it loads).
ANALYSIS_TABS = (
    ("imft_desktop.qt.summary_tab", "SummaryTab", "Summary"),
    ("imft_desktop.qt.survival_tab", "SurvivalTab", "Survival"),
    ("imft_desktop.qt.response_tab", "ResponseTab", "Response"),
    ("imft_desktop.qt.characteristics_tab", "CharacteristicsTab", "Cohort"),
)
PRINTING_MODULE = "imft_desktop.qt.printing"
TEMPLATE_MODULE = "imft_desktop.io.write.template"
DEMO_FILE = "demo_cohort_synthetic.xlsx"

OPEN_FILTER = (
    "Cohort files and projects (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv *.txt *.maf "
    "*.maf.gz *.seg *.seg.txt *.seg.gz *.cbs *.imftproj);;"
    "Projects (*.imftproj);;"
    "Spreadsheets and text tables (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv *.txt);;"
    "Mutations (MAF) (*.maf *.maf.gz *.maf.txt);;"
    "Copy-number segments (SEG) (*.seg *.seg.txt *.seg.gz *.cbs *.cbs.gz);;"
    "All files (*)"
)

MESSAGES = {
    "synthetic_title": "SYNTHETIC DEMO DATA",
    "synthetic_badge": "SYNTHETIC DEMO DATA",
    "no_cohort": "No cohort loaded",
    "loading": "Loading {name}…",
    "no_demo": "The demo cohort is not installed; open a file with File > Open.",
    "print_missing": "Printing is not available in this installation.",
    "print_nothing": "Nothing to print yet: open a cohort first.",
    "template_missing": "The template writer is not available in this installation.",
    "template_saved": "Template saved: {path}",
    "template_failed": "The template could not be saved: {message}",
    "recent_missing": "{path} (not found)",
    "drop_hint": "Drop a spreadsheet here to open it",
    "tab_failed": "This view could not be loaded ({kind}); the details are in the error "
    "window. The other tabs work as usual.",
    "add_tip": "Add what this tab shows, with its options, to the composed report "
               "(Ctrl+Shift+A); File > Print… prints the report's sections",
    "add_unavailable": "The {title} tab has no section for the composed report; "
                       "File > Print… can print it as shown (only the current tab).",
    "added": "Added '{title}' to the report ({n} sections)",
    "added_one": "Added '{title}' to the report (1 section)",
    "already": "'{title}' is in the report already",
    "nothing_to_add": "Nothing to add from the {title} tab yet: open a cohort first.",
}


def module_available(name: str) -> bool:
    """True when a module is installed, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def demo_path() -> Path | None:
    """The bundled synthetic demo workbook, or ``None`` when it is not installed."""
    from importlib import resources

    try:
        path = resources.files("imft_desktop.data").joinpath(DEMO_FILE)
    except ModuleNotFoundError:
        return None
    # The package is installed as files (pyproject package-data), so this is a real path.
    real = Path(str(path))
    return real if real.is_file() else None


class LazyTab(QWidget):
    """Placeholder page that builds the real tab widget the first time it is needed."""

    def __init__(self, module: str, class_name: str, title: str, window: MainWindow) -> None:
        super().__init__()
        self.module = module
        self.class_name = class_name
        self.title = title
        self._window = window
        self.widget: QWidget | None = None
        self.failed = False
        self._cohort: Any = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure_created(self) -> QWidget | None:
        if self.widget is not None or self.failed:
            return self.widget
        try:
            module = importlib.import_module(self.module)
            widget = getattr(module, self.class_name)()
        except Exception as exc:  # a broken tab must not take the window down
            self.failed = True
            label = QLabel(MESSAGES["tab_failed"].format(kind=type(exc).__name__))
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._layout.addWidget(label)
            error_dialog.report_exception(
                type(exc), exc, exc.__traceback__, f"opening the {self.title} tab"
            )
            return None
        self.widget = widget
        self._layout.addWidget(widget)
        self._window.tab_created(self, widget)
        if self._cohort is not None:
            self._forward(self._cohort)
        return widget

    def set_cohort(self, cohort: Any) -> None:
        self._cohort = cohort
        if self.widget is not None:
            self._forward(cohort)

    def _forward(self, cohort: Any) -> None:
        assert self.widget is not None
        try:
            self.widget.set_cohort(cohort)  # type: ignore[attr-defined]
        except Exception as exc:
            error_dialog.report_exception(
                type(exc), exc, exc.__traceback__, f"showing the cohort in {self.title}"
            )

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # Build after the tab switch has painted, so the click feels immediate.
        QTimer.singleShot(0, self.ensure_created)


class MainWindow(QMainWindow):
    """IMFT Desktop's main window.

    Signals
    -------
    cohort_changed(Cohort | None):
        A new cohort is shown in every tab.
    load_finished(bool):
        Opening a file (read + import) ended: True with a new cohort, False otherwise.
    """

    cohort_changed = Signal(object)
    load_finished = Signal(bool)

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else AppSettings()
        self.cohort: Cohort | None = None
        self.cohort_path: str | None = None
        self._opening: str | None = None
        self._opening_is_demo = False
        self._help_window: Any = None  # HelpWindow, made on first use
        self._tour: Any = None  # the welcome tour while it is open
        #: False in batch runs (``--screenshot``): no recent files, no saved geometry.
        self.remember = True
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.setMinimumSize(720, 480)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.import_tab = ImportTab()
        self.samples_tab = SamplesTab()
        self.tabs.addTab(self.import_tab, self.import_tab.title)
        self.tabs.addTab(self.samples_tab, self.samples_tab.title)
        self.lazy_tabs: list[LazyTab] = []
        for module, class_name, title in ANALYSIS_TABS:
            if module_available(module):
                page = LazyTab(module, class_name, title, self)
                self.lazy_tabs.append(page)
                self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)

        self.import_tab.cohort_imported.connect(self._on_import_tab_cohort_imported)
        self.import_tab.file_read.connect(self._on_import_tab_file_read)
        self.import_tab.help_requested.connect(self.show_help)
        self.import_tab.file_failed.connect(self._on_import_tab_file_failed)
        self.import_tab.import_cancelled.connect(self._on_import_tab_import_ended)
        self.import_tab.import_failed.connect(self._on_import_tab_import_ended)

        self._build_menus()
        # Project files: File > New/Open/Save/Close Project, Edit > Undo/Correct Value.
        self.projects = ProjectController(self)
        self.projects.build_actions(self.file_menu, before=self.template_action)
        self.cohort_changed.connect(lambda _c: self.projects._update_actions())
        self._build_report_outline()
        self._build_status_bar()
        self._restore_settings()
        error_dialog.set_dialog_parent(self)

    # ------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        menu = self.file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._on_open_action)
        menu.addAction(self.open_action)
        self.open_folder_action = QAction("Open &Folder…", self)
        self.open_folder_action.setToolTip("Open a cBioPortal study folder")
        self.open_folder_action.triggered.connect(self._on_open_folder_action)
        menu.addAction(self.open_folder_action)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        menu.addMenu(self.recent_menu)
        self.demo_action = QAction("Open &Demo Cohort (synthetic)", self)
        self.demo_action.triggered.connect(self.open_demo)
        menu.addAction(self.demo_action)
        menu.addSeparator()
        self.template_action = QAction("&New Template…", self)
        self.template_action.setStatusTip("Save an empty IMFT template workbook to fill in")
        self.template_action.triggered.connect(self._on_template_action)
        if not module_available(TEMPLATE_MODULE):
            self.template_action.setEnabled(False)
            self.template_action.setToolTip(MESSAGES["template_missing"])
        menu.addAction(self.template_action)
        menu.addSeparator()
        self.print_preview_action = QAction("Print Pre&view…", self)
        self.print_action = QAction("&Print…", self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.export_pdf_action = QAction("&Export PDF…", self)
        self.export_workbook_action = QAction("Export Results to E&xcel…", self)
        self.export_workbook_action.setShortcut(QKeySequence("Ctrl+E"))
        self._print_functions = {
            self.print_preview_action: "print_preview",
            self.print_action: "print_document",
            self.export_pdf_action: "export_pdf",
            self.export_workbook_action: "export_workbook",
        }
        self._printing_checked = False
        for action, function in self._print_functions.items():
            action.triggered.connect(lambda _c=False, f=function: self._on_print_action(f))
            menu.addAction(action)
        if not module_available(PRINTING_MODULE):
            self._disable_print_actions()
        menu.aboutToShow.connect(self._check_printing)
        menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.quit_action)
        # a status tip on every action: the status bar says what it does as it is hovered
        for action, tip in (
            (self.open_action, "Open a workbook, a text table, a MAF or SEG file or a "
                               "project (Ctrl+O)"),
            (self.open_folder_action, "Open a cBioPortal study folder"),
            (self.demo_action, "Open the synthetic demo cohort (not patient data)"),
            (self.print_preview_action, "See the pages before printing: the report "
                                        "outline, the current tab or the whole cohort"),
            (self.print_action, "Print the report outline, the current tab, the whole "
                                "cohort report or case sheets (Ctrl+P)"),
            (self.export_pdf_action, "Save the report as a PDF file"),
            (self.export_workbook_action, "Save every result table, its methods and "
                                          "provenance as an Excel workbook (Ctrl+E)"),
            (self.quit_action, "Close IMFT Desktop (Ctrl+Q)"),
        ):
            action.setStatusTip(tip)
        menu.setToolTipsVisible(True)

        help_menu = self.help_menu = self.menuBar().addMenu("&Help")
        self.guide_action = QAction("&User Guide", self)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.guide_action.setToolTip("The manual, offline, with search (F1)")
        self.guide_action.triggered.connect(lambda: self.show_help())
        help_menu.addAction(self.guide_action)
        self.tour_action = QAction("&Welcome Tour", self)
        self.tour_action.setToolTip("Five short pages on how the window works")
        self.tour_action.triggered.connect(lambda: self.show_tour())
        help_menu.addAction(self.tour_action)
        help_menu.addSeparator()
        self.about_action = QAction("&About IMFT Desktop", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about_action)
        help_menu.addAction(self.about_action)
        self.guide_action.setStatusTip("Open the user guide: the workflow, the rules, each "
                                       "statistic and how to read it (F1)")
        self.tour_action.setStatusTip("Show the five-page welcome tour again")
        self.about_action.setStatusTip("Version, libraries and their licences")

    def _disable_print_actions(self, functions: set[str] | None = None) -> None:
        for action, function in self._print_functions.items():
            if functions is None or function in functions:
                action.setEnabled(False)
                action.setToolTip(MESSAGES["print_missing"])

    @Slot()
    def _check_printing(self) -> None:
        """Enable only the print actions the printing module provides (imported once,
        when the File menu first opens, so that start-up does not pay for it)."""
        if self._printing_checked or not module_available(PRINTING_MODULE):
            return
        self._printing_checked = True
        try:
            module = importlib.import_module(PRINTING_MODULE)
        except Exception as exc:
            error_dialog.log_exception(type(exc), exc.__traceback__, "loading printing")
            self._disable_print_actions()
            return
        missing = {f for f in self._print_functions.values() if not hasattr(module, f)}
        self._disable_print_actions(missing)

    def _on_print_action(self, function: str, scope: str | None = None) -> None:
        """Run a print action of the printing module; ``scope`` is what its dialog
        offers first ("outline" from the Report Outline panel)."""
        # A shortcut (Ctrl+P) can fire before the File menu was ever opened.
        self._check_printing()
        action = next(a for a, f in self._print_functions.items() if f == function)
        if not action.isEnabled():
            self.statusBar().showMessage(MESSAGES["print_missing"], 5000)
            return
        if self.cohort is None:
            self.statusBar().showMessage(MESSAGES["print_nothing"], 5000)
            return
        module = importlib.import_module(PRINTING_MODULE)
        if scope is None:
            getattr(module, function)(self)
        else:
            getattr(module, function)(self, scope=scope)

    # ------------------------------------------------------------ composed report
    def _build_report_outline(self) -> None:
        """The Report Outline panel, View and Report menus, the Add to Report button."""
        dock = self.report_dock = ReportOutlineDock(self, self.projects.undo_stack)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()  # until a section is added or the user shows it
        dock.print_requested.connect(lambda f: self._on_print_action(f, scope="outline"))
        toggle = dock.toggleViewAction()
        toggle.setText("Report &Outline")
        toggle.setToolTip("Show the sections chosen for the report, to reorder, remove and "
                          "print them")
        toggle.setStatusTip(toggle.toolTip())
        view_menu = QMenu("&View", self)
        view_menu.addAction(toggle)
        report_menu = self.report_menu = QMenu("&Report", self)
        self.add_to_report_action = QAction("&Add Current View to Report", self)
        self.add_to_report_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.add_to_report_action.setToolTip(MESSAGES["add_tip"])
        self.add_to_report_action.setStatusTip(MESSAGES["add_tip"])
        self.add_to_report_action.triggered.connect(self.add_current_view_to_report)
        report_menu.addAction(self.add_to_report_action)
        report_menu.addAction(toggle)
        report_menu.aboutToShow.connect(self._update_add_action)
        for menu in (view_menu, report_menu):
            menu.setToolTipsVisible(True)
            self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        # Every tab has the button: it sits in the tab bar's corner, not in each tab.
        # Not the action's own button: the tab bar has room for a shorter text.
        button = self.add_to_report_button = QToolButton()
        button.setText("Add to Report")
        button.setAutoRaise(True)
        button.clicked.connect(self.add_to_report_action.trigger)
        self.tabs.setCornerWidget(button, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda _i: self._update_add_action())
        self._update_add_action()

    def report_outline(self) -> ReportOutline:
        """The report the user composed (what Print offers first when not empty)."""
        return self.report_dock.outline()

    def report_groupings(self) -> list[str]:
        """The groupings the user marked for survival, for the whole cohort report: those
        of the survival sections in the report outline, else the one the Survival tab
        shows (the report then plots these instead of the screen's exploratory top
        results)."""
        marked = [str(item.param("grouping")) for item in self.report_outline().items
                  if item.kind == "survival" and item.param("grouping")]
        if not marked:
            from imft_desktop.qt.survival_tab import SurvivalTab  # built when shown

            for _title, widget in self.tab_widgets():
                study = widget.study if isinstance(widget, SurvivalTab) else None
                if study is not None and study.grouping is not None:
                    marked.append(study.options.grouping)
        return list(dict.fromkeys(marked))

    def _update_add_action(self) -> None:
        """Enable Add to Report for a tab that can name its view as a report section."""
        page = self.tabs.currentWidget()
        widget = page.widget if isinstance(page, LazyTab) else page
        if isinstance(page, LazyTab) and widget is None and not page.failed:
            able = True  # not built yet: known when it is (tab_created updates again)
        else:
            able = isinstance(widget, ComposableTab)
        self.add_to_report_action.setEnabled(able)
        self.add_to_report_button.setEnabled(able)
        title = self.tabs.tabText(self.tabs.currentIndex()).replace("&", "")
        tip = MESSAGES["add_tip"] if able else MESSAGES["add_unavailable"].format(title=title)
        self.add_to_report_action.setToolTip(tip)
        self.add_to_report_button.setToolTip(tip)

    @Slot()
    def add_current_view_to_report(self) -> bool:
        """Report > Add Current View to Report: the current tab's view, with its options,
        becomes the outline's last section; the status bar says so."""
        tab = self.current_tab()
        title = self.tabs.tabText(self.tabs.currentIndex()).replace("&", "")
        if not isinstance(tab, ComposableTab):
            self.statusBar().showMessage(MESSAGES["add_unavailable"].format(title=title), 8000)
            return False
        item = tab.report_item()
        if item is None:
            self.statusBar().showMessage(MESSAGES["nothing_to_add"].format(title=title), 8000)
            return False
        dock = self.report_dock
        if not dock.add_item(item):
            self.statusBar().showMessage(MESSAGES["already"].format(title=item.title), 8000)
            dock.show()
            return False
        n = len(dock.outline().items)
        self.statusBar().showMessage(
            MESSAGES["added_one" if n == 1 else "added"].format(title=item.title, n=n), 8000)
        dock.show()
        dock.raise_()
        return True

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            exists = Path(path).is_file()
            action = self.recent_menu.addAction(
                path if exists else MESSAGES["recent_missing"].format(path=path)
            )
            action.setEnabled(exists)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(files))
        clear.triggered.connect(self.settings.clear_recent_files)

    # ------------------------------------------------------------ status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.synthetic_badge = QLabel(MESSAGES["synthetic_badge"])
        self.synthetic_badge.setStyleSheet(
            "QLabel { background:#c2410c; color:white; font-weight:bold;"
            " padding:1px 8px; border-radius:3px; }"
        )
        self.synthetic_badge.setToolTip("These are generated data, not patients.")
        self.synthetic_badge.setVisible(False)
        self.cohort_label = QLabel(MESSAGES["no_cohort"])
        self.cohort_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.synthetic_badge)
        bar.addWidget(self.cohort_label, 1)

    # ------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.projects.close_project():  # the user cancelled: keep the window
            event.ignore()
            return
        if self.remember:
            self.settings.save_window(self.saveGeometry(), self.saveState())
            self.settings.sync()
        # A closing window cancels its workers and waits for them (a worker thread
        # outliving the QApplication crashes on exit).
        default_runner().shutdown(timeout_ms=5000)
        super().closeEvent(event)

    # ------------------------------------------------------------ opening
    def open_initial(self, path: str | None = None) -> None:
        """What start-up opens: the named file, or the synthetic demo cohort."""
        if path:
            self.open_path(path)
        else:
            self.open_demo()

    @Slot()
    def open_demo(self) -> None:
        path = demo_path()
        if path is None:
            self.statusBar().showMessage(MESSAGES["no_demo"], 10000)
            self.import_tab._show_banner(MESSAGES["no_demo"], "warning")
            self.load_finished.emit(False)
            return
        self.open_path(str(path), demo=True)

    def open_path(self, path: str, demo: bool = False) -> None:
        """Read and import ``path`` in the background; the current cohort stays until
        the new one is ready.  A project file (``.imftproj``) opens as a project."""
        if str(path).lower().endswith(".imftproj"):
            self.projects.open_project(str(path), background=True)
            return
        if not self.projects.close_project():
            self.load_finished.emit(False)
            return
        self._opening = str(path)
        self._opening_is_demo = demo
        self.statusBar().showMessage(MESSAGES["loading"].format(name=Path(path).name))
        self.import_tab.open_file(path, auto_import=True)

    @Slot()
    def _on_open_action(self) -> None:
        start = self.settings.last_directory()
        path, _ = QFileDialog.getOpenFileName(self, "Open a cohort", start, OPEN_FILTER)
        if path:
            self.settings.set_last_directory(str(Path(path).parent))
            self.open_path(path)

    @Slot()
    def _on_open_folder_action(self) -> None:
        start = self.settings.last_directory()
        path = QFileDialog.getExistingDirectory(self, "Open a cBioPortal study folder", start)
        if path:
            self.settings.set_last_directory(str(Path(path).parent))
            self.open_path(path)

    @Slot(str)
    def _on_import_tab_file_read(self, path: str) -> None:
        if self.remember and not self._opening_is_demo and Path(path).exists():
            self.settings.add_recent_file(path)
        if self.import_tab.result is not None and self.import_tab.result.first_sheet is None:
            self.statusBar().clearMessage()
            self._opening = None
            self.load_finished.emit(False)

    @Slot(str, str)
    def _on_import_tab_file_failed(self, _path: str, _message: str) -> None:
        self.statusBar().clearMessage()
        self.tabs.setCurrentWidget(self.import_tab)
        self._opening = None
        self.load_finished.emit(False)

    def _on_import_tab_import_ended(self, *_args: Any) -> None:
        self.statusBar().clearMessage()
        self._opening = None
        self.load_finished.emit(False)

    @Slot(object)
    def _on_import_tab_cohort_imported(self, cohort: Cohort) -> None:
        if not self.projects.close_project():  # a new import replaces the project's cohort
            self.load_finished.emit(False)
            return
        self.statusBar().clearMessage()
        self.cohort_path = self.import_tab.result.path if self.import_tab.result else None
        self._opening = None
        self.set_cohort(cohort, summary=self.import_tab.summary_line or None)
        self.load_finished.emit(True)

    def set_cohort(self, cohort: Cohort | None, summary: str | None = None) -> None:
        """Show ``cohort`` in every tab, the title and the status bar.

        ``summary`` is ``cohort.summary_line()`` when the caller already has it.
        """
        self.cohort = cohort
        synthetic = bool(cohort is not None and cohort.is_synthetic)
        if cohort is None:
            self.setWindowTitle(APP_NAME)
            self.cohort_label.setText(MESSAGES["no_cohort"])
        else:
            name = cohort.name or (Path(self.cohort_path).name if self.cohort_path else "")
            title = f"{APP_NAME} — {name}" if name else APP_NAME
            if synthetic:
                title += f" — {MESSAGES['synthetic_title']}"
            self.setWindowTitle(title)
            self.cohort_label.setText(summary if summary else cohort.summary_line())
            self.cohort_label.setToolTip(self.cohort_path or "")
        self.synthetic_badge.setVisible(synthetic)
        self.samples_tab.set_cohort(cohort)
        for page in self.lazy_tabs:
            page.set_cohort(cohort)
        self.cohort_changed.emit(cohort)

    # ------------------------------------------------------------ tabs
    def tab_created(self, page: LazyTab, widget: QWidget) -> None:
        """Called by a lazy tab once its widget exists: connect its signals."""
        signal = getattr(widget, "samples_selected", None)
        if signal is not None:
            signal.connect(self._on_samples_selected)
        self.projects.tab_created(page.title, widget)  # the project's choices for it
        if self.tabs.currentWidget() is page:
            self._update_add_action()

    @Slot(list)
    def _on_samples_selected(self, ids: list) -> None:
        self.tabs.setCurrentWidget(self.samples_tab)
        self.samples_tab.select_samples(ids)

    def current_cohort(self) -> Cohort | None:
        """The cohort shown (for printing and exports)."""
        return self.cohort

    def current_tab(self) -> QWidget | None:
        """The widget of the tab on screen (a lazy tab's real widget once created)."""
        page = self.tabs.currentWidget()
        if isinstance(page, LazyTab):
            return page.ensure_created()
        return page

    def ensure_all_tabs(self) -> None:
        """Create every lazy tab now (screenshots, printing all tabs)."""
        for page in self.lazy_tabs:
            page.ensure_created()

    def tab_widgets(self) -> list[tuple[str, QWidget]]:
        """(title, widget) of every tab, lazy ones resolved where created."""
        out: list[tuple[str, QWidget]] = []
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            widget = page.widget if isinstance(page, LazyTab) and page.widget else page
            if widget is not None:
                out.append((self.tabs.tabText(i), widget))
        return out

    # ------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.settings.set_last_directory(str(Path(path).parent))
        self.open_path(path)

    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            # a file, or a folder (a cBioPortal study is a folder of files)
            if url.isLocalFile() and Path(url.toLocalFile()).exists():
                return url.toLocalFile()
        return None

    # ------------------------------------------------------------ other actions
    @Slot()
    def _on_template_action(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a new template", self.settings.beside_last("imft-template.xlsx"),
            "Excel workbook (*.xlsx)"
        )
        if path:
            self.settings.remember_file(path)
            self.write_template(path)

    def write_template(self, path: str) -> bool:
        try:
            from imft_desktop.io.write.template import write_template

            write_template(path)
        except OSError as exc:
            from imft_desktop.io.read.faults import describe_os_error

            QMessageBox.warning(
                self, APP_NAME,
                MESSAGES["template_failed"].format(message=describe_os_error(exc, path)),
            )
            return False
        self.statusBar().showMessage(MESSAGES["template_saved"].format(path=path), 8000)
        return True

    def show_help(self, anchor: str | None = None) -> None:
        """Open the user guide (one window, raised again when open), at ``anchor``."""
        from imft_desktop.qt.help_window import HelpWindow

        if self._help_window is None:
            self._help_window = HelpWindow(self)
        self._help_window.show()
        self._help_window.raise_()
        self._help_window.activateWindow()
        if anchor:
            self._help_window.show_anchor(anchor)

    def show_tour(self, first_run: bool = False) -> None:
        """Show the welcome tour; at first run only if the user has not dismissed it."""
        from imft_desktop.qt.welcome_tour import WelcomeTour

        settings = self.settings
        if first_run and settings.tour_dismissed():
            return
        tour = WelcomeTour(self)
        tour.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        tour.dont_show.setChecked(settings.tour_dismissed())
        tour.page_shown.connect(self.tabs.setCurrentIndex)
        tour.dismissed_for_good.connect(settings.set_tour_dismissed)
        tour.show()
        self._tour = tour

    @Slot()
    def _on_about_action(self) -> None:
        from imft_desktop.qt.about import AboutDialog

        AboutDialog(self).exec()
