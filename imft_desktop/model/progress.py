"""Progress and cancellation for long work, without Qt.

Long operations (import, alteration screens, reports) are plain functions that accept
a ``Progress``; the CLI prints it, the GUI's worker forwards it to a progress bar, and a
Cancel button sets ``cancel()``.  Work checks ``progress.check()`` at safe points, which
raises ``Cancelled`` so that nothing half-done is ever committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside long work when the user cancelled it."""


ProgressCallback = Callable[[float, str], None]


class Progress:
    """Thread-safe progress reporting and cancellation.

    Parameters
    ----------
    callback:
        Called with ``(fraction 0..1, message)``; throttled to at most one call per
        ``min_interval`` seconds except for the first and the final (1.0) report.
    """

    def __init__(self, callback: ProgressCallback | None = None, min_interval: float = 0.05):
        self._callback = callback
        self._cancel = threading.Event()
        self._min_interval = min_interval
        self._last = 0.0
        self.fraction = 0.0
        self.message = ""

    def report(self, fraction: float, message: str = "") -> None:
        """Record progress and notify the callback (throttled)."""
        self.fraction = max(0.0, min(1.0, fraction))
        if message:
            self.message = message
        now = time.monotonic()
        if self._callback and (
            self.fraction >= 1.0 or now - self._last >= self._min_interval or self._last == 0.0
        ):
            self._last = now
            self._callback(self.fraction, self.message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def sub(self, start: float, end: float) -> Progress:
        """A child whose 0..1 maps onto ``start..end`` of this one; shares cancellation."""
        parent = self

        def forward(fraction: float, message: str) -> None:
            parent.report(start + (end - start) * fraction, message)

        child = Progress(forward, min_interval=0.0)
        child._cancel = self._cancel
        return child


NULL_PROGRESS_FACTORY: Callable[[], Progress] = Progress
