"""The wall-clock part of the reader budget: a progress that stops work past a deadline.

:class:`BudgetProgress` wraps the progress of the window (its Cancel button) or of the
command line, and its ``check()`` -- called by readers and the importer at safe points --
also raises ``OverBudget`` once ``ReadBudget.max_seconds`` have passed.  Readers that
take no progress parameter (MAF, SEG) call :func:`check_time`, which consults the
progress made current by :func:`checking`.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from imft_desktop.io.read.guard import ReadBudget, current_budget
from imft_desktop.model.progress import Progress

_ACTIVE: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "imft_read_progress", default=None
)


@contextlib.contextmanager
def checking(progress: Progress) -> Iterator[Progress]:
    """Make ``progress`` the one :func:`check_time` consults inside the block, so that
    readers without a progress parameter (MAF, SEG) still stop at the deadline or on
    Cancel."""
    token = _ACTIVE.set(progress)
    try:
        yield progress
    finally:
        _ACTIVE.reset(token)


def check_time() -> None:
    """Raise ``OverBudget`` past the deadline (``Cancelled`` on cancel) of the progress
    made current by :func:`checking`; nothing when there is none."""
    progress = _ACTIVE.get()
    if progress is not None:
        progress.check()


class BudgetProgress(Progress):
    """A ``Progress`` whose ``check()`` also stops work past the wall-clock budget.

    It forwards reports and cancellation to ``parent`` (the window's Cancel button or
    the command line's progress line), so it can wrap any existing progress object.
    """

    def __init__(self, budget: ReadBudget | None, name: str, parent: Progress | None = None):
        budget = budget or current_budget()
        parent = parent or Progress()
        super().__init__(parent.report, min_interval=0.0)
        self._cancel = parent._cancel  # share the Cancel button
        self._deadline = time.monotonic() + budget.max_seconds
        self._budget = budget
        self._name = name
        self._forward_check = parent.check

    def check(self) -> None:
        """Raise ``Cancelled`` on cancel, ``OverBudget`` once the time is up."""
        self._forward_check()
        if time.monotonic() > self._deadline:
            raise self._budget.over(
                "max_seconds", self._name,
                f"reading took longer than {self._budget.max_seconds:g} seconds",
            )

    def sub(self, start: float, end: float) -> Progress:
        """A child mapping onto ``start..end`` that keeps the deadline."""
        return _DeadlineChild(self, start, end)


class _DeadlineChild(Progress):
    """A sub-range of a progress whose ``check()`` is its owner's (deadline included)."""

    def __init__(self, owner: Progress, start: float, end: float):
        super().__init__(
            lambda f, m: owner.report(start + (end - start) * f, m), min_interval=0.0
        )
        self._cancel = owner._cancel
        self._owner = owner

    def check(self) -> None:
        self._owner.check()

    def sub(self, start: float, end: float) -> Progress:
        return _DeadlineChild(self, start, end)
