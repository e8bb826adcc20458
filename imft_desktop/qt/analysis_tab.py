"""What every analysis tab (Summary, Survival, Response, Cohort) shares.

An analysis tab shows one study of the cohort.  It computes in the shared thread pool
(never on the GUI thread), one task per purpose ("analysis", "choices", "screen" ...):
starting a task cancels the one running for the same purpose, and asking again for the
very same work while it runs does nothing.  It prints "as shown" (``report_sections``)
and names what it shows for the report outline (``report_item``).  The window relies on
this shape (``qt.tab_protocols``); the base keeps the four tabs from each growing their
own copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from imft_desktop.qt.workers import TaskHandle, start_task

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.reports.document import Section
    from imft_desktop.reports.outline import ReportItem


def dim(widget: QWidget) -> None:
    """Draw ``widget``'s text in the palette's dimmed colour (hints, methods lines): it
    follows a light or dark theme, as a fixed grey would not."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText,
                     palette.color(QPalette.ColorRole.PlaceholderText))
    widget.setPalette(palette)


class AnalysisTab(QWidget):
    """Base of the analysis tabs.

    Signals
    -------
    result_ready():
        A result (or its failure message) is shown.

    Subclasses set :attr:`title`, define ``set_cohort(cohort)`` (show a cohort, ``None``
    clears; they begin with :meth:`cancel_tasks`) and ``report_item``, and run their
    work with :meth:`run_task`.
    """

    #: The tab's name (tab bar, printed heading).
    title = ""
    #: Tasks that must be done before the tab shows its result (``is_ready``); others
    #: (a screen of every alteration) may keep running in the background.
    READY_TASKS: tuple[str, ...] = ("analysis", "choices")

    result_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cohort: Cohort | None = None
        self._tasks: dict[str, TaskHandle] = {}
        self._task_keys: dict[str, Hashable] = {}

    # ------------------------------------------------------------ tasks
    def run_task(self, name: str, fn: Callable[..., Any], *args: Any,
                 key: Hashable | None = None,
                 on_result: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 **kwargs: Any) -> bool:
        """Run ``fn(*args, **kwargs)`` in the thread pool as the tab's ``name`` task.

        A task of that name still running is cancelled first, unless it was started
        with the same ``key`` (the same work asked twice, e.g. Enter and a pick): then
        nothing is started and ``False`` is returned.  ``on_result``/``on_error`` are
        called on the GUI thread after the task is marked done.
        """
        running = self._tasks.get(name)
        if running is not None:
            if key is not None and self._task_keys.get(name) == key:
                return False
            running.cancel()
        self._task_keys[name] = key
        handle: TaskHandle | None = None

        def finished() -> bool:
            # a cancelled task's late callbacks must not clear its successor
            if self._tasks.get(name) is not handle:
                return False
            del self._tasks[name]
            self._task_keys.pop(name, None)
            return True

        def result(value: Any) -> None:
            if finished() and on_result is not None:
                on_result(value)

        def error(exc: BaseException) -> None:
            if finished() and on_error is not None:
                on_error(exc)

        def cancelled() -> None:
            # said only for a task the user cancelled, not one a new cohort replaced
            on_cancel = kwargs.get("on_cancelled")
            if finished() and callable(on_cancel):
                on_cancel()

        extra = {k: v for k, v in kwargs.items() if k != "on_cancelled"}
        handle = start_task(fn, *args, on_result=result, on_error=error,
                            on_cancelled=cancelled, **extra)
        self._tasks[name] = handle
        return True

    def task_running(self, name: str) -> bool:
        """True while the ``name`` task runs."""
        return name in self._tasks

    def cancel_task(self, name: str) -> None:
        """Ask the ``name`` task to stop (the user pressed Cancel); its ``on_cancelled``
        is called when it has."""
        handle = self._tasks.get(name)
        if handle is not None:
            handle.cancel()

    def cancel_tasks(self) -> None:
        """Cancel every running task (a new cohort, or the tab is closing)."""
        tasks, self._tasks = self._tasks, {}
        self._task_keys.clear()
        for handle in tasks.values():
            handle.cancel()

    def is_ready(self) -> bool:
        """Nothing the tab shows is still being computed (screenshots and tests wait)."""
        return not any(name in self._tasks for name in self.READY_TASKS)

    # ------------------------------------------------------------ printing
    def report_title(self) -> str:
        """The heading of "only the current tab" in print."""
        return self.title

    def report_sections(self) -> list[Section]:
        """What File > Print prints for "this tab": the tab as it is shown."""
        from imft_desktop.qt.tab_report import tab_sections

        return tab_sections(self, self.title)

    def report_item(self) -> ReportItem | None:
        """What "Add to Report" adds: the study shown, with its options (``None`` while
        there is nothing to add)."""
        return None
