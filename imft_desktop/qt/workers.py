"""Run plain functions off the GUI thread, with progress, cancel and errors.

The shape is Orange's ``concurrent.py``: long work is a plain function that takes a
``progress=`` keyword (``imft_desktop.model.progress.Progress``) and checks
``progress.check()`` at safe points; this module runs it in a ``QThreadPool`` and
delivers its progress, result or exception on the GUI thread through queued signals.

>>> handle = start_task(read_workbook, path, on_result=show, on_progress=bar.set)
>>> handle.cancel()          # Cancel button: the result, if any, is dropped

A cancelled task never calls ``on_result``: whatever the GUI showed before stays.  An
exception goes to ``on_error`` (or, when none is given, to the application's error
handler, which shows a dialog and logs it).  The main window calls
``default_runner().shutdown()`` when it closes, which cancels every task and waits.
"""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from imft_desktop.model.progress import Cancelled, Progress


class TaskState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Relay(QObject):
    """Lives in the GUI thread; the worker emits these, Qt queues them across threads."""

    started = Signal()
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class TaskHandle(QObject):
    """One submitted task: cancel it, ask its state, or listen to ``done``.

    Signals
    -------
    done(TaskHandle):
        Emitted on the GUI thread once the task has finished, failed or been
        cancelled, after the matching callback ran.
    """

    done = Signal(object)

    def __init__(
        self,
        name: str,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[float, str], None] | None,
        on_cancelled: Callable[[], None] | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.state = TaskState.PENDING
        self.result: Any = None
        self.error: BaseException | None = None
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_cancelled = on_cancelled
        self._relay = _Relay(self)
        self.progress = Progress(self._relay.progressed.emit)
        self._relay.started.connect(self._on_relay_started)
        self._relay.progressed.connect(self._on_relay_progressed)
        self._relay.succeeded.connect(self._on_relay_succeeded)
        self._relay.failed.connect(self._on_relay_failed)
        self._relay.cancelled.connect(self._on_relay_cancelled)
        self._runnable: QRunnable | None = None
        self._pool: QThreadPool | None = None
        self._finished = threading.Event()

    # ---------------------------------------------------------------- public
    def cancel(self) -> None:
        """Ask the task to stop; its result will be ignored.  Safe to call twice."""
        if self.is_done:
            return
        self.progress.cancel()
        # A task still queued never starts; report it cancelled straight away.
        if (
            self.state is TaskState.PENDING
            and self._pool is not None
            and self._runnable is not None
            and self._pool.tryTake(self._runnable)
        ):
            self._finished.set()
            self._on_relay_cancelled()

    @property
    def is_done(self) -> bool:
        return self.state in (TaskState.FINISHED, TaskState.FAILED, TaskState.CANCELLED)

    @property
    def is_cancel_requested(self) -> bool:
        return self.progress.cancelled

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker function returned (not until callbacks ran)."""
        return self._finished.wait(timeout)

    # ---------------------------------------------------------------- GUI thread
    @Slot()
    def _on_relay_started(self) -> None:
        if self.state is TaskState.PENDING:
            self.state = TaskState.RUNNING

    @Slot(float, str)
    def _on_relay_progressed(self, fraction: float, message: str) -> None:
        if self._on_progress is not None and not self.is_done and not self.progress.cancelled:
            self._on_progress(fraction, message)

    @Slot(object)
    def _on_relay_succeeded(self, result: Any) -> None:
        if self.is_done:
            return
        if self.progress.cancelled:
            self._on_relay_cancelled()
            return
        self.state = TaskState.FINISHED
        self.result = result
        try:
            if self._on_result is not None:
                self._on_result(result)
        finally:
            self.done.emit(self)

    @Slot(object)
    def _on_relay_failed(self, exc: BaseException) -> None:
        if self.is_done:
            return
        if self.progress.cancelled:
            # A task that fails while being cancelled is just cancelled.
            self._on_relay_cancelled()
            return
        self.state = TaskState.FAILED
        self.error = exc
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                _report_unhandled(exc)
        finally:
            self.done.emit(self)

    @Slot()
    def _on_relay_cancelled(self) -> None:
        if self.is_done:
            return
        self.state = TaskState.CANCELLED
        try:
            if self._on_cancelled is not None:
                self._on_cancelled()
        finally:
            self.done.emit(self)


def _report_unhandled(exc: BaseException) -> None:
    """Send an exception nobody handled to the application's error handler."""
    from imft_desktop.qt import error_dialog

    error_dialog.report_exception(type(exc), exc, exc.__traceback__)


class _GcPause:
    """Turns the cyclic garbage collector off while any allocation-heavy task runs.

    A full collection holds the GIL for 100-150 ms once a cohort of 10k samples is in
    memory, and whichever thread triggers it stalls the GUI thread as well; a task
    that builds hundreds of thousands of objects triggers many.  Reference counting
    still frees everything without cycles; the collector runs again afterwards.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._was_enabled = True

    def __enter__(self) -> None:
        with self._lock:
            if self._count == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._count -= 1
            if self._count == 0 and self._was_enabled:
                gc.enable()


_gc_pause = _GcPause()


class _Runnable(QRunnable):
    def __init__(
        self,
        handle: TaskHandle,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        pause_gc: bool = False,
    ):
        super().__init__()
        self._pause_gc = pause_gc
        self.setAutoDelete(False)  # the handle keeps it, so tryTake() stays valid
        self._handle = handle
        self._relay = handle._relay
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        handle = self._handle
        relay = self._relay
        try:
            if handle.progress.cancelled:
                relay.cancelled.emit()
                return
            relay.started.emit()
            try:
                if self._pause_gc:
                    with _gc_pause:
                        result = self._fn(*self._args, progress=handle.progress, **self._kwargs)
                else:
                    result = self._fn(*self._args, progress=handle.progress, **self._kwargs)
            except Cancelled:
                relay.cancelled.emit()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                # Render the traceback here, where it is complete; the dialog shows it.
                exc._imft_traceback = traceback.format_exc()  # type: ignore[attr-defined]
                relay.failed.emit(exc)
            else:
                relay.succeeded.emit(result)
        finally:
            handle._finished.set()
            # Drop references to inputs/results held by the pool thread.
            self._fn = None  # type: ignore[assignment]
            self._args = ()
            self._kwargs = {}


class TaskRunner(QObject):
    """Owns a thread pool and the tasks running on it.

    Parameters
    ----------
    max_threads:
        Size of the pool.  Two by default: the machine's other core stays with the GUI.
    """

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._handles: set[TaskHandle] = set()

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        pause_gc: bool = False,
        **kwargs: Any,
    ) -> TaskHandle:
        """Run ``fn(*args, progress=..., **kwargs)`` in the pool; see module docstring."""
        name = getattr(fn, "__qualname__", repr(fn))
        # No Qt parent: the runner's set keeps the handle alive until it is done, then
        # only the caller's references do (a parented handle would live forever).
        handle = TaskHandle(name, on_result, on_error, on_progress, on_cancelled)
        runnable = _Runnable(handle, fn, args, kwargs, pause_gc)
        handle._runnable = runnable
        handle._pool = self.pool
        self._handles.add(handle)
        handle.done.connect(self._on_handle_done)
        self.pool.start(runnable)
        return handle

    @Slot(object)
    def _on_handle_done(self, handle: TaskHandle) -> None:
        self._handles.discard(handle)
        handle._runnable = None

    @property
    def active(self) -> list[TaskHandle]:
        """Tasks not yet delivered (queued, running, or finished with pending callbacks)."""
        return [h for h in self._handles if not h.is_done]

    def busy(self) -> bool:
        """True while a worker thread is still executing a task function."""
        return self.pool.activeThreadCount() > 0 or bool(self.active)

    def cancel_all(self) -> None:
        for handle in list(self._handles):
            handle.cancel()

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Block until the pool's threads are idle (callbacks are not delivered)."""
        return bool(self.pool.waitForDone(timeout_ms))

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every task and wait for the threads; for a closing window."""
        self.cancel_all()
        return self.wait_for_done(timeout_ms)


_default: TaskRunner | None = None


def default_runner() -> TaskRunner:
    """The application's shared runner (created on first use, in the GUI thread)."""
    global _default
    if _default is None:
        _default = TaskRunner()
    return _default


def start_task(
    fn: Callable[..., Any],
    *args: Any,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[float, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    pause_gc: bool = False,
    **kwargs: Any,
) -> TaskHandle:
    """Run ``fn(*args, progress=<Progress>, **kwargs)`` in the shared thread pool.

    ``on_result(result)``, ``on_error(exception)``, ``on_progress(fraction, message)``
    and ``on_cancelled()`` are called on the GUI thread.  Without ``on_error`` an
    exception goes to the application's error dialog.  The exception's formatted
    traceback is in ``exc._imft_traceback``.  ``pause_gc=True`` keeps the cyclic
    garbage collector off while ``fn`` runs (for tasks that allocate heavily; see
    ``_GcPause``).
    """
    return default_runner().start(
        fn,
        *args,
        on_result=on_result,
        on_error=on_error,
        on_progress=on_progress,
        on_cancelled=on_cancelled,
        pause_gc=pause_gc,
        **kwargs,
    )


def formatted_traceback(exc: BaseException) -> str:
    """The traceback text of an exception delivered by a task (or raised here)."""
    text = getattr(exc, "_imft_traceback", None)
    if text:
        return str(text)
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
