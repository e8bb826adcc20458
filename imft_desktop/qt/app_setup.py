"""Application-wide set-up: names, icon, logging, error hooks, no-network guard, and the
keys that move between tabs whatever widget has the focus."""

from __future__ import annotations

import contextlib
import socket
import sys
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from imft_desktop import APP_NAME, __version__
from imft_desktop.qt import error_dialog
from imft_desktop.qt.settings import APPLICATION, ORGANISATION

#: The desktop entry's id (packaging/linux/imft-desktop.desktop, without ".desktop").
#: Wayland compositors find the window's icon and name through it; on X11 the window
#: class (StartupWMClass) does the same.
DESKTOP_FILE_NAME = "imft-desktop"


class NetworkForbidden(RuntimeError):
    """Raised when anything in the process tries to open a network connection."""


_guard_installed = False


def _network_audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        sock = args[0]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            raise NetworkForbidden("IMFT Desktop never connects to the network")
    elif event == "urllib.Request":
        raise NetworkForbidden("IMFT Desktop never connects to the network")


def install_network_guard() -> None:
    """Refuse every IP connection for the life of the process (PEP 578 audit hook;
    such hooks cannot be removed, so only the application entry point installs it)."""
    global _guard_installed
    if not _guard_installed:
        sys.addaudithook(_network_audit_hook)
        _guard_installed = True


class TabKeys(QObject):
    """Keys that change tab, from any widget of a tab page (application event filter).

    * Ctrl+PgDown / Ctrl+PgUp: next / previous tab of the window's outermost tab widget
      (Import, Samples, Summary ...), as in a browser;
    * Ctrl+Tab / Ctrl+Shift+Tab: next / previous tab of the nearest one (Qt's own rule:
      in the Import tab's "Source rows" pane, Source rows <-> Values).

    Without it a table, spin box or combo box took the keys for itself (PgDown scrolls a
    table, steps a spin box; a table moves its cursor on Ctrl+Tab), and a keyboard user
    in one could not leave the tab.  Disabled tabs are skipped; the ends wrap round.
    When the focus was on the page that is now hidden, it goes to the tab bar (from
    there Tab enters the new page).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if watched is not QApplication.focusWidget():
            return False  # a key press is offered to the parents too: act once
        assert isinstance(event, QKeyEvent)
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and mods == ctrl:
            tabs = _tab_widgets_around(watched)
            target = tabs[-1] if tabs else None
            step = 1 if key == Qt.Key.Key_PageDown else -1
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and mods in (ctrl, ctrl | shift):
            tabs = _tab_widgets_around(watched)
            target = tabs[0] if tabs else None
            step = -1 if key == Qt.Key.Key_Backtab or mods & shift else 1
        else:
            return False
        if target is None or target.count() < 2:
            return False
        switch_tab(target, step)
        return True


def _tab_widgets_around(widget: QWidget) -> list[QTabWidget]:
    """The tab widgets holding ``widget`` in its window, nearest first."""
    out = []
    parent: QWidget | None = widget
    while parent is not None:
        if isinstance(parent, QTabWidget):
            out.append(parent)
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    return out


def switch_tab(tabs: QTabWidget, step: int) -> None:
    """Show the next (``step`` 1) or previous (-1) enabled tab, wrapping round."""
    n, index = tabs.count(), tabs.currentIndex()
    for _ in range(n):
        index = (index + step) % n
        if tabs.isTabEnabled(index):
            break
    focus = QApplication.focusWidget()
    tabs.setCurrentIndex(index)
    if focus is None or not focus.isVisible():
        tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)


_tab_keys: list[TabKeys] = []


def install_tab_keys(app: QApplication) -> None:
    """Install ``TabKeys`` once on ``app``."""
    if not _tab_keys:
        keys = TabKeys(app)
        app.installEventFilter(keys)
        _tab_keys.append(keys)


def configure_application(app: QApplication) -> None:
    """Names (for QSettings/QStandardPaths), icon, rotating log and exception hooks."""
    from imft_desktop.qt.about import app_icon

    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
    from imft_desktop.qt import clipboard

    clipboard.install(app)
    install_tab_keys(app)
    # No writable app-data directory (locked-down profile): run without a log file.
    with contextlib.suppress(OSError):
        error_dialog.setup_logging()
    error_dialog.install_exception_hooks()
    error_dialog.log.info("start %s %s", APP_NAME, __version__)
