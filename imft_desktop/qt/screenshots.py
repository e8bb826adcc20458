"""``imft-desktop --screenshot DIR``: one PNG per tab once the cohort is shown.

Used for documentation and as a smoke test of the whole GUI (the test suite runs it
offscreen).  Waiting uses a local event loop: the application keeps processing
events (workers deliver results, canvases draw) while we wait.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import QApplication, QWidget

from imft_desktop.qt import error_dialog
from imft_desktop.qt.main_window import LazyTab, MainWindow
from imft_desktop.qt.workers import default_runner

LOAD_TIMEOUT_S = 120.0
TAB_TIMEOUT_S = 60.0


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_ms: int = 20) -> bool:
    """Process events until ``predicate()`` is true or the time is up."""
    deadline = time.monotonic() + timeout_s
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "tab"


def _tab_ready(widget: QWidget) -> bool:
    ready = getattr(widget, "is_ready", None)
    if ready is None:
        return True
    return bool(ready() if callable(ready) else ready)


def image_is_blank(image: QImage, tolerance: int = 6) -> bool:
    """True when (almost) every sampled pixel has the same colour."""
    w, h = image.width(), image.height()
    if w == 0 or h == 0:
        return True
    colours = set()
    for y in range(0, h, max(1, h // 60)):
        for x in range(0, w, max(1, w // 60)):
            rgb = image.pixel(x, y)
            colours.add(
                (
                    ((rgb >> 16) & 0xFF) // tolerance,
                    ((rgb >> 8) & 0xFF) // tolerance,
                    (rgb & 0xFF) // tolerance,
                )
            )
            if len(colours) > 3:
                return False
    return True


def take_screenshots(
    window: MainWindow,
    out_dir: str | Path,
    log: Callable[[str], None],
    wait_for_load: bool = True,
) -> int:
    """Wait for the cohort (``load_finished``), then save ``NN-<tab>.png`` per tab.

    Returns an exit code: 0 when every tab was saved, non-blank, without errors.
    With ``wait_for_load=False`` the window's current cohort is used as it is.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    error_dialog.set_show_dialogs(False)  # fail instead of waiting for a click
    if not QFontDatabase.families():
        log("no fonts available: text would not render")
        return 3
    if wait_for_load:
        finished: list[bool] = []
        window.load_finished.connect(finished.append)
        if not wait_until(lambda: bool(finished), LOAD_TIMEOUT_S):
            log("timed out waiting for the cohort to load")
            return 4
        loaded = finished[0]
    else:
        loaded = True
    if not loaded or window.cohort is None:
        log("the cohort could not be loaded: " + window.import_tab.banner.text())
        return 5
    window.ensure_all_tabs()
    code = 0
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        page = window.tabs.widget(i)
        widget = page.ensure_created() if isinstance(page, LazyTab) else page
        title = window.tabs.tabText(i)
        if widget is None:
            log(f"tab {title} could not be created")
            code = 6
            continue
        tab_widget: QWidget = widget

        def drawn(w: QWidget = tab_widget) -> bool:
            return _tab_ready(w) and not default_runner().busy()

        if not wait_until(drawn, TAB_TIMEOUT_S):
            log(f"tab {title} did not finish drawing")
            code = 7
        wait_until(lambda: False, 0.15)  # let pending paints and draw_idle() run
        image = window.grab().toImage()
        path = out / f"{i + 1:02d}-{_slug(title)}.png"
        if not image.save(str(path)):
            log(f"could not write {path}")
            code = 8
            continue
        tab_image = widget.grab().toImage()
        if image_is_blank(tab_image):
            log(f"tab {title} rendered blank")
            code = 9
        log(f"saved {path}")
    errors = error_dialog.error_history()
    if errors:
        for exc_type, details in errors:
            log(f"error during screenshots: {exc_type.__name__}\n{details}")
        code = code or 10
    QApplication.processEvents()
    return code
