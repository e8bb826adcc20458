"""Where the app keeps its settings and logs, and the few settings it keeps.

Settings are an INI file (the same format on every platform, readable by support
staff) in Qt's per-user location, or in ``$IMFT_SETTINGS_DIR`` when that is set: the
test suite sets it so that tests never read or write the user's settings.  Logs go to
``QStandardPaths.AppDataLocation``/logs, or ``$IMFT_LOG_DIR``.

The file carries ``settings_version``; ``migrate`` brings an older file up to date.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANISATION = "IMFT Desktop"
APPLICATION = "imft-desktop"
SETTINGS_VERSION = 1
MAX_RECENT = 10

SETTINGS_DIR_ENV = "IMFT_SETTINGS_DIR"
LOG_DIR_ENV = "IMFT_LOG_DIR"


def open_settings() -> QSettings:
    """The application's settings store (honours ``$IMFT_SETTINGS_DIR``)."""
    override = os.environ.get(SETTINGS_DIR_ENV)
    if override:
        Path(override).mkdir(parents=True, exist_ok=True)
        settings = QSettings(str(Path(override) / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    else:
        settings = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
        )
    migrate(settings)
    return settings


def migrate(settings: QSettings) -> None:
    """Bring a settings file written by an older version up to ``SETTINGS_VERSION``."""
    version = _to_int(settings.value("settings_version", 0))
    if version >= SETTINGS_VERSION:
        return
    # Version 0 -> 1: nothing to convert (version 1 is the first with a number); only
    # drop keys an earlier development build wrote under other names.
    for stale in ("recentFiles", "geometry"):
        settings.remove(stale)
    settings.setValue("settings_version", SETTINGS_VERSION)


def log_dir() -> Path:
    """Directory of the rotating log (created if missing)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        path = Path(override)
    else:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(base or Path.home() / f".{APPLICATION}") / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _to_int(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


class AppSettings:
    """Typed accessors over the settings the window remembers."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings if settings is not None else open_settings()

    # ------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recent/files", [])
        if isinstance(value, str):  # QSettings returns a bare string for one item
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return [str(v) for v in value if str(v)]

    def add_recent_file(self, path: str) -> list[str]:
        path = str(Path(path).resolve())
        files = [p for p in self.recent_files() if p != path]
        files.insert(0, path)
        del files[MAX_RECENT:]
        self.qsettings.setValue("recent/files", files)
        return files

    def remove_recent_file(self, path: str) -> None:
        files = [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("recent/files", files)

    def clear_recent_files(self) -> None:
        self.qsettings.setValue("recent/files", [])

    # ------------------------------------------------------------ directories
    def last_directory(self) -> str:
        return str(self.qsettings.value("recent/directory", "") or "")

    def set_last_directory(self, path: str) -> None:
        self.qsettings.setValue("recent/directory", path)

    def beside_last(self, name: str) -> str:
        """``name`` in the folder of the last file opened or saved (a file dialog's
        starting point), or just ``name`` when none is known yet."""
        folder = self.last_directory()
        return str(Path(folder) / name) if folder and Path(folder).is_dir() else name

    def remember_file(self, path: str) -> None:
        """The next file dialog starts beside ``path``."""
        if path:
            self.set_last_directory(str(Path(path).parent))

    # ------------------------------------------------------------ first-run tour
    def tour_dismissed(self) -> bool:
        """True once the user said "Don't show this again" in the welcome tour."""
        return str(self.qsettings.value("tour/dismissed", "false")).lower() == "true"

    def set_tour_dismissed(self, dismissed: bool) -> None:
        self.qsettings.setValue("tour/dismissed", "true" if dismissed else "false")

    # ------------------------------------------------------------ window
    def window_geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def sync(self) -> None:
        self.qsettings.sync()
