"""The window's project: New / Open / Save / Save As / Close, corrections, the next batch.

A project file holds what is saved.  Corrections made in the window are *pending* until
Save: each is an undoable command (``QUndoStack``: Ctrl+Z / Ctrl+Shift+Z), the title
shows the unsaved mark, and after every change the pending list is written to an
autosave sidecar beside the project (``<name>.imftproj.autosave``).  Save applies them
in one transaction.  When a project opens with a sidecar left by a crash or a power
loss, the user is asked "Recover the unsaved changes from 14:32?".  Adding cases from a
file is an import: it is stored at once (one transaction) after the comparison dialog.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from imft_desktop import APP_NAME

if TYPE_CHECKING:
    from imft_desktop.io.project import Project

PROJECT_FILTER = "IMFT projects (*.imftproj)"
SIDECAR_SUFFIX = ".autosave"

MESSAGES = {
    "no_cohort": "Open a file first: a new project starts from the cohort on screen.",
    "not_editable": "{column} is derived from several records; correct the values behind "
                    "it with Edit > Correct Value… on the sample's row.",
    "no_project": "Corrections are kept in a project: File > New Project… first.",
    "saved": "Saved {name} (audit position {position})",
    "added": "{file}: {new} new case(s), {taken} of {offered} changed value(s) taken",
    "nothing_new": "{file}: nothing new; every case and value is already in the project.",
    "failed": "{message}",
    "opening": "Opening {name}…",
    "import_banner": "Project <b>{name}</b>: {n} file(s) imported (imft project info lists "
                     "them). To add cases, use File &gt; Add Cases from File…",
    "read_only": "{name} is read-only (or its folder is): it is shown but cannot be "
                 "changed. Use File > Save Project As to work on a copy.",
    "source_changed": "{file} has changed since it was imported (its SHA-256 differs).\n\n"
                      "Compare it with the project and choose the changes to take?",
    "outline_unreadable": "The project's report outline could not be read; the outline "
                          "composed so far is kept.",
}


@dataclass(frozen=True)
class Edit:
    """One pending correction."""

    sample: str
    address: str
    text: str
    reason: str


class CorrectionCommand(QUndoCommand):
    """Undoable: adds one pending correction."""

    def __init__(self, controller: ProjectController, edit: Edit):
        super().__init__(f"correct {edit.sample} {edit.address}")
        self.controller = controller
        self.edit = edit

    def redo(self) -> None:
        self.controller.pending.append(self.edit)
        self.controller.refresh()

    def undo(self) -> None:
        self.controller.pending.remove(self.edit)
        self.controller.refresh()


def _open_in_worker(path: str, read_only: bool, progress: Any = None) -> tuple[Any, str]:
    """Open a project and compute its status line (runs in a worker thread)."""
    from imft_desktop.io.project import Project

    project = Project.open(path, read_only=read_only)
    try:
        return project, project.cohort.summary_line()
    except BaseException:
        project.close()
        raise


def sidecar_path(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + SIDECAR_SUFFIX)


class ProjectController(QObject):
    """Owns the open project of a ``MainWindow`` and its menu actions."""

    project_changed = Signal()

    def __init__(self, window: Any):
        # ``window`` is the MainWindow (not imported: main_window imports this module)
        super().__init__(window)
        self.window = window
        self.project: Project | None = None
        self.pending: list[Edit] = []
        self.undo_stack = QUndoStack(self)
        self._adopting = False
        self._open_task: Any = None
        self._summary: str | None = None
        self.undo_stack.cleanChanged.connect(self._update_title)
        #: ``ask_recover(box) -> bool``; tests and screenshots replace it.
        self.ask_recover = lambda box: box.exec() == QMessageBox.StandardButton.Yes
        self.ask_save = None  # ``(name) -> QMessageBox.StandardButton``; None: a dialog
        #: ``ask_reimport(file name) -> bool``: take the changes of a changed source?
        self.ask_reimport = self._ask_reimport

    # ------------------------------------------------------------ menus
    def build_actions(self, file_menu: QMenu, before: QAction) -> None:
        """Project actions at the top of the File menu, undo/redo in an Edit menu."""
        w = self.window
        self.new_action = QAction("Ne&w Project…", w)  # &P is Print, &N New Template
        self.new_action.setStatusTip("Keep the cohort on screen in a project file")
        self.new_action.triggered.connect(lambda: self.new_project())
        self.open_action = QAction("Open Pro&ject…", w)
        self.open_action.setStatusTip("Open an IMFT project file (.imftproj) with its "
                                      "imports, corrections and audit log")
        self.open_action.triggered.connect(lambda: self.open_project(background=True))
        self.save_action = QAction("&Save", w)
        self.save_action.setStatusTip("Write the corrections made since the last save into "
                                      "the project file (one step in its audit log)")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.save_as_action = QAction("Save Project &As…", w)
        self.save_as_action.setStatusTip("Save the project, with the unsaved corrections, "
                                         "as a new file and go on working in that one")
        self.save_as_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        self.save_as_action.triggered.connect(lambda: self.save_as())
        self.close_action = QAction("C&lose Project", w)
        self.close_action.setStatusTip("Close the project (asking to save corrections); "
                                       "its cohort stays on screen")
        self.close_action.triggered.connect(self.close_project)
        self.add_action = QAction("Add &Cases from File…", w)  # &F is Open Folder
        self.add_action.setStatusTip("Import the next batch into the project: new cases are "
                                     "added, changed values are shown for you to choose")
        self.add_action.triggered.connect(lambda: self.add_cases())
        for action in (self.new_action, self.open_action, self.save_action,
                       self.save_as_action, self.close_action, self.add_action):
            file_menu.insertAction(before, action)
        file_menu.insertSeparator(before)
        edit = QMenu("&Edit", w)
        w.menuBar().insertMenu(w.menuBar().actions()[1], edit)
        undo = self.undo_stack.createUndoAction(w, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setStatusTip("Take back the last correction not yet saved")
        redo = self.undo_stack.createRedoAction(w, "&Redo")
        redo.setStatusTip("Make the correction taken back again")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"),
                           QKeySequence(QKeySequence.StandardKey.Redo)])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self.correct_action = QAction("&Correct Value…", w)
        self.correct_action.setStatusTip("Correct a value of the selected sample, with a "
                                         "reason kept in the audit log (a project only)")
        self.correct_action.setShortcut(QKeySequence("F2"))
        self.correct_action.triggered.connect(self.correct_current_cell)
        edit.addAction(self.correct_action)
        self.undo_action, self.redo_action = undo, redo
        w.samples_tab.view.doubleClicked.connect(self._on_samples_double_clicked)
        self._update_actions()

    @property
    def writable(self) -> bool:
        return self.project is not None and not self.project.repo.engine.read_only

    def _update_actions(self) -> None:
        has = self.project is not None
        for action in (self.save_as_action, self.close_action):
            action.setEnabled(has)
        for action in (self.save_action, self.add_action):
            action.setEnabled(self.writable)
        self.new_action.setEnabled(self.window.cohort is not None)

    # ------------------------------------------------------------ state
    @property
    def dirty(self) -> bool:
        return bool(self.pending)

    def _update_title(self, *_args: Any) -> None:
        if self.project is None:
            self.window.setWindowModified(False)
            return
        title = f"{self.project.name}[*] — {APP_NAME}"
        if self.window.cohort is not None and self.window.cohort.is_synthetic:
            title += " — SYNTHETIC DEMO DATA"
        self.window.setWindowTitle(title)
        self.window.setWindowModified(self.dirty)

    def refresh(self) -> None:
        """Show the project's cohort with the pending corrections, marks, title;
        write the autosave sidecar."""
        if self.project is None:
            return
        cohort, _done = self.project.preview([(e.sample, e.address, e.text, e.reason)
                                              for e in self.pending])
        if self.pending:
            import dataclasses

            cohort = dataclasses.replace(cohort, project=self.project.cohort.project)
        else:
            cohort = self.project.cohort
        self.window.cohort_path = str(self.project.path)
        # The summary line computed in the opening worker (a second for 100k samples).
        summary, self._summary = self._summary, None
        self.window.set_cohort(cohort, summary=summary if not self.pending else None)
        self._update_marks()
        self._update_title()
        self._update_actions()
        self._write_sidecar()
        self.project_changed.emit()

    def _update_marks(self) -> None:
        from imft_desktop.qt.project_samples import column_for

        marks: dict[tuple[str, str], str] = {}
        if self.project is not None:
            tables = self.project.cohort.tables
            for c in self.project.corrections():
                record = tables[c.table].iloc[c.record].to_dict()
                old = c.old_raw if c.old_raw is not None else c.old_value
                marks[(str(c.sample_id), column_for(c.table, c.field, record))] = (
                    f"Corrected {c.field}: was {old}, now {c.new_raw}\n"
                    f"by {c.user}, {c.at}: {c.reason}")
            for e in self.pending:
                label = self._pending_column(e)
                marks[(e.sample, label)] = (f"Corrected (not saved yet) {e.address}: "
                                            f"now {e.text}\n{e.reason}")
        self.window.samples_tab.model.set_marks(marks)

    def _pending_column(self, e: Edit) -> str:
        from imft_desktop.io.project import corrections as corr
        from imft_desktop.qt.project_samples import column_for

        assert self.project is not None
        try:
            at = corr.locate(self.project.cohort, e.sample, e.address)
        except corr.CorrectionRejected:
            return "Sample"
        record = self.project.cohort.tables[at.table].iloc[at.record].to_dict()
        return column_for(at.table, at.field, record)

    # ------------------------------------------------------------ sidecar
    def _write_sidecar(self) -> None:
        if self.project is None or self._adopting:
            return  # while opening, the sidecar is still to be offered for recovery
        path = sidecar_path(self.project.path)
        if not self.pending:
            path.unlink(missing_ok=True)
            return
        from imft_desktop.io.store.repository import now
        from imft_desktop.io.write.atomic import atomic_write_text

        data = {"project": self.project.path.name,
                "audit_position": self.project.repo.audit_position(),
                "saved_at": now(), "edits": [asdict(e) for e in self.pending]}
        try:
            atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
        except OSError as exc:  # autosave is a safety net; say so, keep working
            self.window.statusBar().showMessage(
                f"Autosave failed ({exc.strerror or exc}); save the project soon.", 8000)

    def _offer_recovery(self) -> None:
        assert self.project is not None
        path = sidecar_path(self.project.path)
        if not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            edits = [Edit(**e) for e in data["edits"]]
            stale = int(data["audit_position"]) != self.project.repo.audit_position()
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            return
        from imft_desktop.qt.project_dialogs import recovery_box

        box = recovery_box(self.project.path.name, data.get("saved_at", ""),
                           [asdict(e) for e in edits], self.window)
        if stale:
            box.setInformativeText(box.informativeText() + "\n\nThe project was changed "
                                   "since; the corrections are checked again.")
        if not self.ask_recover(box):
            path.unlink(missing_ok=True)
            return
        for e in edits:
            if self._check(e) is None:
                self.undo_stack.push(CorrectionCommand(self, e))

    # ------------------------------------------------------------ lifecycle
    def _fail(self, message: str) -> None:
        QMessageBox.warning(self.window, APP_NAME, message)

    def new_project(self, path: str | None = None) -> bool:
        """Keep the cohort on screen (as imported) in a new project file."""
        from imft_desktop.io.project import Project
        from imft_desktop.io.store import StoreError

        cohort = self.window.cohort
        if cohort is None or not cohort.sources:
            self._fail(MESSAGES["no_cohort"])
            return False
        if path is None:
            start = str(Path(self.window.settings.last_directory())
                        / f"{Path(cohort.sources[0].name).stem}.imftproj")
            path, _ = QFileDialog.getSaveFileName(self.window, "New project", start,
                                                  PROJECT_FILTER)
            if not path:
                return False
        if not path.lower().endswith(".imftproj"):
            path += ".imftproj"
        if not self.close_project():
            return False
        tab = self.window.import_tab
        profile = tab.current_profile() if not getattr(tab.result, "canonical", True) else None
        options = {"sheet": tab.current_sheet_name() if profile is not None else None,
                   "include_hidden_rows": tab.hidden_rows_check.isChecked()}
        try:
            project = Project.create_from(path, cohort, options,
                                          profile.to_json() if profile else None,
                                          options["sheet"])
        except StoreError as exc:
            self._fail(str(exc))
            return False
        self._adopt(project)
        return True

    def open_project(self, path: str | None = None, background: bool = False) -> bool:
        """Open a project; ``background`` reads it in a worker (the window stays
        responsive while 100,000 samples load) and emits ``load_finished`` when done.
        Returns False when nothing is opened (cancelled, or failed when not in the
        background)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open a project",
                                                  self.window.settings.last_directory(),
                                                  PROJECT_FILTER)
            if not path:
                return False
        if not self.close_project():
            self.window.load_finished.emit(False)
            return False
        read_only = not os.access(path, os.W_OK) or not os.access(
            Path(path).resolve().parent, os.W_OK)
        if background:
            from imft_desktop.qt.workers import start_task

            self.window.statusBar().showMessage(MESSAGES["opening"].format(
                name=Path(path).name))
            self._open_task = start_task(
                _open_in_worker, path, read_only,
                on_result=lambda result: self._on_opened(result, read_only),
                on_error=self._on_open_failed)
            return True
        try:
            result = _open_in_worker(path, read_only)
        except Exception as exc:  # StoreError, sqlite3.Error: said in words
            self._on_open_failed(exc)
            return False
        self._on_opened(result, read_only)
        return True

    def _on_open_failed(self, exc: BaseException) -> None:
        from imft_desktop.io.store import StoreError

        self._open_task = None
        self.window.statusBar().clearMessage()
        if isinstance(exc, StoreError | sqlite3.Error | OSError):
            self._fail(str(exc))
        else:  # a bug: the error window, not a bare message
            from imft_desktop.qt import error_dialog

            error_dialog.report_exception(type(exc), exc, exc.__traceback__,
                                          "opening a project")
        self.window.load_finished.emit(False)

    def _on_opened(self, result: tuple[Project, str], read_only: bool) -> None:
        project, summary = result
        self._open_task = None
        self.window.statusBar().clearMessage()
        if self.project is not None:  # another project was opened meanwhile
            project.close()
            return
        self._summary = summary
        self._adopt(project)
        if read_only:
            self._read_only_notice()
        self._offer_recovery()
        self.window.load_finished.emit(True)
        # Checked once the window shows the cohort: hashing a large sheet takes a moment.
        QTimer.singleShot(0, self.check_sources)

    def _read_only_notice(self) -> None:
        """A project that cannot be written is shown, not changed: say it once, and
        leave only Save Project As to keep changes elsewhere."""
        assert self.project is not None
        self.window.statusBar().showMessage(MESSAGES["read_only"].format(
            name=self.project.path.name), 15000)

    def check_sources(self) -> list[str]:
        """Offer to add again each source file that changed since its import (found by
        its SHA-256); returns the names of the changed files."""
        if self.project is None or self.project.repo.engine.read_only:
            return []
        changed = [s for s in self.project.source_status() if s.status == "changed"]
        # the newest import of each path decides (an older one was already re-added)
        latest: dict[str, Any] = {}
        for s in changed:
            latest[s.imported.source_path] = s
        current = {r.source_path: r.sha256 for r in self.project.imports()}
        names = []
        for path, status in latest.items():
            if current.get(path) != status.imported.sha256:
                continue
            names.append(status.imported.source_name)
            if self.ask_reimport(status.imported.source_name):
                self.add_cases(path)
        return names

    def _ask_reimport(self, name: str) -> bool:
        answer = QMessageBox.question(
            self.window, APP_NAME,
            MESSAGES["source_changed"].format(file=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def _adopt(self, project: Project) -> None:
        self.project = project
        self.pending = []
        self._adopting = True
        try:
            self.undo_stack.clear()
            if self.window.remember:
                self.window.settings.add_recent_file(str(project.path))
                self.window.settings.set_last_directory(str(project.path.parent))
            self.refresh()
        finally:
            self._adopting = False
        for page in self.window.lazy_tabs:
            if page.widget is not None:
                self.tab_created(page.title, page.widget)
        self._restore_outline()
        # The Import tab shows a file being read; a project's files were read before.
        self.window.import_tab._show_banner(MESSAGES["import_banner"].format(
            name=project.path.name, n=len(project.imports())), "info")
        if self.window.tabs.currentWidget() is self.window.import_tab:
            self.window.tabs.setCurrentWidget(self.window.samples_tab)

    def save(self) -> bool:
        """Apply the pending corrections in one transaction."""
        from imft_desktop.io.project import CorrectionRejected
        from imft_desktop.io.store import StoreError

        if self.project is None:
            return False
        if self.pending:
            try:
                self.project.correct_many([(e.sample, e.address, e.text, e.reason)
                                           for e in self.pending])
            except (StoreError, CorrectionRejected) as exc:
                self._fail(str(exc))
                return False
        self.pending = []
        self.undo_stack.clear()
        sidecar_path(self.project.path).unlink(missing_ok=True)
        self.save_tab_settings()
        self.refresh()
        self.window.statusBar().showMessage(MESSAGES["saved"].format(
            name=self.project.path.name, position=self.project.repo.audit_position()), 6000)
        return True

    def save_as(self, path: str | None = None) -> bool:
        """A copy of the project under another name (with the pending corrections)."""
        if self.project is None:
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save project as",
                                                  str(self.project.path), PROJECT_FILTER)
            if not path:
                return False
        if not path.lower().endswith(".imftproj"):
            path += ".imftproj"
        from imft_desktop.io.store import StoreError

        target = Path(path)
        tmp = target.with_name(f".{target.name}.copy")
        try:
            tmp.unlink(missing_ok=True)
            self.project.repo.engine.copy_to(tmp)
            shutil.move(str(tmp), str(target))
        except (OSError, StoreError) as exc:
            tmp.unlink(missing_ok=True)
            self._fail(f"{target.name} could not be written: {exc}")
            return False
        pending = list(self.pending)
        from imft_desktop.io.project import Project

        old = self.project
        sidecar_path(old.path).unlink(missing_ok=True)
        old.close()
        self.project = None
        self._adopt(Project.open(target))
        for e in pending:
            self.undo_stack.push(CorrectionCommand(self, e))
        return self.save()

    def close_project(self) -> bool:
        """Close the open project (asking about unsaved corrections); True when closed."""
        if self.project is None:
            return True
        if self.pending:
            from imft_desktop.qt.project_dialogs import ask_save

            answer = (self.ask_save or (lambda n: ask_save(self.window, n)))(
                self.project.path.name)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return False
        sidecar_path(self.project.path).unlink(missing_ok=True)
        self.save_tab_settings()
        self.project.close()
        self.project = None
        self.pending = []
        self.undo_stack.clear()
        self.window.samples_tab.model.set_marks({})
        self.window.setWindowModified(False)
        self._update_actions()
        self.project_changed.emit()
        return True

    # ------------------------------------------------------------ report outline
    def _restore_outline(self) -> None:
        """Show the project's report outline.  A project without one keeps the outline
        composed so far (it is stored with the project from now on)."""
        from imft_desktop.reports.outline import ReportOutline

        assert self.project is not None
        try:
            stored = ReportOutline.from_json(self.project.repo.report_outline())
        except ValueError:  # written by hand or damaged: said, not fatal
            self.window.statusBar().showMessage(MESSAGES["outline_unreadable"], 8000)
            return
        if stored.empty:
            return
        dock = self.window.report_dock
        dock.load(stored)
        dock.show()

    def save_outline(self) -> None:
        """Store the report outline in the project when it changed (audited)."""
        from imft_desktop.reports.outline import ReportOutline

        if self.project is None or self.project.repo.engine.read_only:
            return
        outline = self.window.report_outline()
        try:
            stored = ReportOutline.from_json(self.project.repo.report_outline())
        except ValueError:
            stored = None
        if stored == outline or (stored is None and outline.empty):
            return
        self.project.set_outline(outline.to_json())

    # ------------------------------------------------------------ tab settings
    def save_tab_settings(self) -> None:
        """Store each analysis tab's choices and the report outline (unchanged ones are
        not rewritten)."""
        from imft_desktop.io.store import StoreError
        from imft_desktop.qt.project_settings import capture

        if self.project is None or self.project.repo.engine.read_only:
            return
        try:
            self.save_outline()
        except StoreError as exc:  # like the settings: say so, go on
            self.window.statusBar().showMessage(str(exc), 8000)
        for page in self.window.lazy_tabs:
            if page.widget is None:
                continue
            try:
                self.project.set_setting(page.title, capture(page.widget))
            except StoreError as exc:  # settings are a convenience: say so, go on
                self.window.statusBar().showMessage(str(exc), 8000)
                return

    #: A tab fills some choices in a worker (groupings): try again this often, this long.
    RESTORE_RETRY_MS = 100
    RESTORE_ATTEMPTS = 300

    def tab_created(self, title: str, widget: Any) -> None:
        """A lazy tab was built: give it the project's choices once it has the cohort."""
        if self.project is not None:
            project = self.project
            QTimer.singleShot(0, lambda: self._restore_later(project, title, widget, 0))

    def _restore_later(self, project: Any, title: str, widget: Any, attempt: int) -> None:
        from imft_desktop.qt.project_settings import pending as still_pending
        from imft_desktop.qt.project_settings import restore

        current = self.project
        if current is None or current is not project:
            return  # closed or replaced meanwhile
        settings = current.repo.settings().get(title)
        if not settings:
            return
        restore(widget, settings)
        if still_pending(widget, settings) and attempt < self.RESTORE_ATTEMPTS:
            QTimer.singleShot(self.RESTORE_RETRY_MS,
                              lambda: self._restore_later(project, title, widget, attempt + 1))

    # ------------------------------------------------------------ corrections
    def _check(self, e: Edit) -> str | None:
        from imft_desktop.io.project import CorrectionRejected

        assert self.project is not None
        try:
            self.project.preview([(e.sample, e.address, e.text, e.reason or "-")
                                  for e in [*self.pending, e]])
        except CorrectionRejected as exc:
            return str(exc)
        return None

    def correct(self, sample: str, address: str, text: str, reason: str) -> str | None:
        """Add a pending correction (undoable); the problem in words, or None."""
        if self.project is None:
            return MESSAGES["no_project"]
        if not self.writable:
            return MESSAGES["read_only"].format(name=self.project.path.name)
        edit = Edit(sample, address, text, reason.strip())
        problem = self._check(edit) if reason.strip() else "a correction needs a reason"
        if problem is None:
            self.undo_stack.push(CorrectionCommand(self, edit))
        return problem

    def edit_cell(self, sample: str, column: str) -> bool:
        """The correction dialog for a Samples-tab cell; True when a correction was made."""
        from imft_desktop.io.project import corrections as corr
        from imft_desktop.model.schema import TABLES_BY_NAME
        from imft_desktop.qt.project_samples import address_for_column

        if self.project is None:
            self.window.statusBar().showMessage(MESSAGES["no_project"], 6000)
            return False
        address = address_for_column(column)
        if address is None:
            self.window.statusBar().showMessage(MESSAGES["not_editable"].format(
                column=column), 8000)
            return False
        cohort = self.window.cohort or self.project.cohort
        try:
            at = corr.locate(cohort, sample, address)
        except corr.CorrectionRejected as exc:
            self._fail(str(exc))
            return False
        value, raw = corr.current_value(cohort, at)
        spec = TABLES_BY_NAME[at.table].field(at.field)
        choices = spec.choices or (("1", "0") if spec.kind == "event" else ())
        dialog = self.make_dialog(sample, column, address, raw if raw is not None else
                                  ("" if value is None else str(value)), choices)
        if not dialog.exec():
            return False
        return self.correct(sample, address, dialog.value, dialog.reason) is None

    def make_dialog(self, sample: str, column: str, address: str, current: str,
                    choices: tuple[str, ...]) -> Any:
        from imft_desktop.qt.project_dialogs import CorrectionDialog

        def check(text: str) -> str | None:
            return self._check(Edit(sample, address, text, "-"))

        return CorrectionDialog(sample, column, address, current, choices, check, self.window)

    def _on_samples_double_clicked(self, index: QModelIndex) -> None:
        tab = self.window.samples_tab
        src = tab.proxy.mapToSource(index)
        model = tab.model
        self.edit_cell(str(model.value(src.row(), 0)), model.column_names[src.column()])

    def correct_current_cell(self) -> None:
        index = self.window.samples_tab.view.currentIndex()
        if index.isValid():
            self._on_samples_double_clicked(index)
        else:
            self.window.statusBar().showMessage("Select a cell in the Samples tab.", 5000)

    # ------------------------------------------------------------ the next batch
    def add_cases(self, path: str | None = None, choose: Any = None) -> dict[str, Any] | None:
        """Import a file and compare it; the dialog picks the updates to take.

        ``choose(dialog) -> bool`` replaces ``dialog.exec()`` (tests, screenshots).
        """
        from imft_desktop.io.read.raw import UnreadableFile
        from imft_desktop.io.store import StoreError
        from imft_desktop.qt.project_dialogs import BatchDialog

        if self.project is None:
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Add cases from a file", self.window.settings.last_directory(),
                "Spreadsheets and text tables (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv);;"
                "All files (*)")
            if not path:
                return None
        try:
            cmp, how = self.project.compare_file(path)
        except (UnreadableFile, OSError) as exc:
            self._fail(f"{Path(path).name} cannot be read: "
                       f"{getattr(exc, 'message', None) or exc}")
            return None
        name = Path(path).name
        if not cmp.new_records and not cmp.updates and not cmp.clashes:
            self.window.statusBar().showMessage(MESSAGES["nothing_new"].format(file=name), 8000)
            return None
        dialog = BatchDialog(cmp, name, self.window)
        if not (choose(dialog) if choose is not None else dialog.exec()):
            return None
        while dialog.same_case() and dialog.same_case() != cmp.same_case:
            # identifiers matched: compare again, and ask again about the new differences
            cmp = self.project.recompare(cmp, how, {**cmp.same_case, **dialog.same_case()})
            dialog = BatchDialog(cmp, name, self.window)
            if not (choose(dialog) if choose is not None else dialog.exec()):
                return None
        try:
            result = self.project.add_batch(cmp, how, dialog.accepted_numbers())
        except StoreError as exc:
            self._fail(str(exc))
            return None
        self.refresh()
        self.window.statusBar().showMessage(MESSAGES["added"].format(
            file=name, new=result["samples_added"], taken=result["updates_accepted"],
            offered=result["updates_offered"]), 8000)
        return result
