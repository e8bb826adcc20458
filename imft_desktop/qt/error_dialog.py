"""Unexpected errors: a dialog with the details, a redacted log, and no lost work.

``install_exception_hooks()`` routes ``sys.excepthook`` and ``threading.excepthook``
(and worker-task errors nobody handled) to ``report_exception``, which

* writes one line per error to a rotating log in the per-user app-data directory with
  the exception *type*, the code location (our module, function and line) and nothing
  else: exception messages from pandas, lifelines or openpyxl embed cell values and
  file paths, so they are never logged;
* shows a dialog: a short explanation, and the full traceback (which stays on this
  machine) in a copyable text box;
* leaves the application running with its current cohort: nothing is reset.

Errors while a dialog is open are appended to it instead of stacking more dialogs.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

LOGGER_NAME = "imft_desktop"
LOG_FILE = "imft-desktop.log"

#: User-facing texts of this screen, in one place.
MESSAGES = {
    "title": "IMFT Desktop: unexpected error",
    "summary": (
        "<b>Something went wrong ({kind}).</b><br>"
        "Your cohort is still loaded and nothing was changed or lost; you can carry on. "
        "If it happens again, copy the details below and send them to your support "
        "contact (they may contain values from your data: check before sending)."
    ),
    "logged": "A note without any of your data (error type and program location only) "
    "was added to the log: {path}",
    "more": "{n} more errors happened while this window was open; see the details.",
    "copy": "Copy details",
    "copied": "Copied",
}

log = logging.getLogger(LOGGER_NAME)


# ------------------------------------------------------------------ logging
class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are readable by their owner only (0600), also the
    ones it creates when it rotates."""

    def _open(self) -> Any:
        with contextlib.suppress(OSError):
            os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.chmod(self.baseFilename, 0o600)
        return super()._open()


def setup_logging(directory: str | os.PathLike[str] | None = None) -> logging.Handler:
    """Attach a rotating file handler (1 MB x 3) to the package logger; idempotent."""
    from imft_desktop.qt.settings import log_dir

    path = os.path.join(str(directory) if directory else str(log_dir()), LOG_FILE)
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and (
            os.path.abspath(handler.baseFilename) == os.path.abspath(path)
        ):
            return handler
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def current_log_file() -> str | None:
    """Path of the log file the package logger writes to, if any."""
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return str(handler.baseFilename)
    return None


def code_location(tb: TracebackType | None) -> str:
    """``module:function:line`` frames of a traceback, innermost last, without paths.

    Files of this package and of installed libraries are named by their package-relative
    path; any other file (a user's script) by its base name only, because directory
    names can hold a patient's name.
    """
    frames = traceback.extract_tb(tb) if tb is not None else []
    parts = [f"{_short_path(f.filename)}:{f.name}:{f.lineno}" for f in frames[-6:]]
    return " <- ".join(reversed(parts)) if parts else "unknown"


def _short_path(filename: str) -> str:
    norm = filename.replace("\\", "/")
    for marker in ("/imft_desktop/", "/site-packages/", "/lib/python"):
        idx = norm.rfind(marker)
        if idx >= 0:
            tail = norm[idx + 1 :]
            return tail if marker == "/imft_desktop/" else tail.split("/", 1)[-1]
    return os.path.basename(norm)


def log_exception(
    exc_type: type[BaseException], tb: TracebackType | None, context: str = ""
) -> None:
    """Log an exception without its message: type, where, and the given context."""
    log.error(
        "unhandled %s.%s at %s%s",
        exc_type.__module__,
        exc_type.__qualname__,
        code_location(tb),
        f" during {context}" if context else "",
    )


def log_finding_codes(event: str, codes: Iterable[str]) -> None:
    """Log which finding codes an import produced (codes only: never values)."""
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    summary = ", ".join(f"{c}x{n}" for c, n in sorted(counts.items())) or "none"
    log.info("%s: findings %s", event, summary)


# ------------------------------------------------------------------ dialog
class ErrorDialog(QDialog):
    """Explains that an error happened and shows the copyable details."""

    def __init__(self, kind: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(MESSAGES["title"])
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 440)
        self.extra_count = 0
        layout = QVBoxLayout(self)
        self.summary = QLabel(MESSAGES["summary"].format(kind=kind))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        log_path = current_log_file()
        if log_path:
            logged = QLabel(MESSAGES["logged"].format(path=log_path))
            logged.setWordWrap(True)
            logged.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(logged)
        self.more = QLabel()
        self.more.setVisible(False)
        layout.addWidget(self.more)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        layout.addWidget(self.details, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton(MESSAGES["copy"])
        self.copy_button.clicked.connect(self._on_copy_clicked)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        row.addWidget(buttons)
        layout.addLayout(row)

    def append(self, details: str) -> None:
        """Add another error's details (instead of opening a second dialog)."""
        self.extra_count += 1
        self.more.setText(MESSAGES["more"].format(n=self.extra_count))
        self.more.setVisible(True)
        self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(MESSAGES["copied"])


# ------------------------------------------------------------------ routing
class _ErrorRouter(QObject):
    """Carries errors from any thread to the GUI thread (queued signal)."""

    raised = Signal(object, object, object, str)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: ErrorDialog | None = None
        self.parent_widget: QWidget | None = None
        self.show_dialogs = True
        self.history: list[tuple[type[BaseException], str]] = []
        self.raised.connect(self._on_raised)

    @Slot(object, object, object, str)
    def _on_raised(self, exc_type: Any, exc: Any, tb: Any, context: str) -> None:
        _show(exc_type, exc, tb, context)


_router: _ErrorRouter | None = None
_previous_hooks: tuple[Any, Any] | None = None


def _get_router() -> _ErrorRouter:
    global _router
    if _router is None:
        _router = _ErrorRouter()
    return _router


def report_exception(
    exc_type: type[BaseException],
    exc: BaseException | None,
    tb: TracebackType | None,
    context: str = "",
) -> None:
    """Log an exception (redacted) and show it in the error dialog; from any thread."""
    if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
        return
    log_exception(exc_type, tb, context)
    app = QApplication.instance()
    if app is None:
        traceback.print_exception(exc_type, exc, tb)
        return
    router = _get_router()
    if threading.current_thread() is threading.main_thread():
        _show(exc_type, exc, tb, context)
    else:
        router.raised.emit(exc_type, exc, tb, context)


def _show(exc_type: Any, exc: Any, tb: Any, context: str) -> None:
    router = _get_router()
    details = getattr(exc, "_imft_traceback", None) or "".join(
        traceback.format_exception(exc_type, exc, tb)
    )
    if context:
        details = f"While {context}:\n{details}"
    router.history.append((exc_type, details))
    if not router.show_dialogs:
        return
    if router.dialog is not None and router.dialog.isVisible():
        router.dialog.append(details)
        return
    parent = router.parent_widget
    if parent is not None and not shiboken6.isValid(parent):
        parent = router.parent_widget = None  # the window is gone
    dialog = ErrorDialog(exc_type.__name__, details, parent)
    dialog.destroyed.connect(_on_dialog_destroyed)
    router.dialog = dialog
    dialog.show()
    dialog.raise_()


def _on_dialog_destroyed(*_args: Any) -> None:
    if _router is not None:
        _router.dialog = None


def current_dialog() -> ErrorDialog | None:
    """The error dialog on screen, if any (for tests and the screenshot mode)."""
    return _router.dialog if _router is not None else None


def error_history() -> list[tuple[type[BaseException], str]]:
    """Every error reported in this session, oldest first."""
    return list(_router.history) if _router is not None else []


def set_dialog_parent(widget: QWidget | None) -> None:
    _get_router().parent_widget = widget


def set_show_dialogs(show: bool) -> None:
    """Turn the dialog off (the screenshot mode fails instead of waiting for a click)."""
    _get_router().show_dialogs = show


def install_exception_hooks() -> None:
    """Route uncaught exceptions of every thread to ``report_exception``."""
    global _previous_hooks
    _get_router()  # created in the GUI thread
    if _previous_hooks is None:
        _previous_hooks = (sys.excepthook, threading.excepthook)

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        report_exception(exc_type, exc, tb)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        report_exception(args.exc_type, args.exc_value, args.exc_traceback, "a background task")

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def uninstall_exception_hooks() -> None:
    """Restore the hooks found by ``install_exception_hooks`` (tests)."""
    global _previous_hooks
    if _previous_hooks is None:
        return
    sys.excepthook, threading.excepthook = _previous_hooks
    _previous_hooks = None
