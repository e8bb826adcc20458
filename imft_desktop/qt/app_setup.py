"""Application-wide set-up: names, icon, logging, error hooks, no-network guard."""

from __future__ import annotations

import contextlib
import socket
import sys
from typing import Any

from PySide6.QtWidgets import QApplication

from imft_desktop import APP_NAME, __version__
from imft_desktop.qt import error_dialog
from imft_desktop.qt.settings import APPLICATION, ORGANISATION


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


def configure_application(app: QApplication) -> None:
    """Names (for QSettings/QStandardPaths), icon, rotating log and exception hooks."""
    from imft_desktop.qt.about import app_icon

    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    from imft_desktop.qt import clipboard

    clipboard.install(app)
    # No writable app-data directory (locked-down profile): run without a log file.
    with contextlib.suppress(OSError):
        error_dialog.setup_logging()
    error_dialog.install_exception_hooks()
    error_dialog.log.info("start %s %s", APP_NAME, __version__)
