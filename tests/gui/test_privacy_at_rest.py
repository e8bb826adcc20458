"""Privacy at rest: the settings file (recent file paths) and the logs are readable by
their owner only, and recent files can be cleared from the menu."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_settings_file_is_private(tmp_path, monkeypatch, qapp):
    from imft_desktop.qt.settings import AppSettings, open_settings

    monkeypatch.setenv("IMFT_SETTINGS_DIR", str(tmp_path / "settings"))
    settings = AppSettings(open_settings())
    settings.add_recent_file(str(tmp_path / "Patient Smith cohort.xlsx"))
    settings.sync()
    assert mode(settings.qsettings.fileName()) == 0o600
    settings.clear_recent_files()
    assert "Smith" not in Path(settings.qsettings.fileName()).read_text(encoding="utf-8")


def test_log_files_are_private(tmp_path, qapp):
    from imft_desktop.qt import error_dialog

    handler = error_dialog.setup_logging(tmp_path)
    try:
        error_dialog.log.info("probe")
        handler.flush()
        assert mode(handler.baseFilename) == 0o600
        handler.doRollover()
        assert mode(handler.baseFilename) == 0o600
        assert all(mode(p) == 0o600 for p in tmp_path.iterdir())
    finally:
        error_dialog.log.removeHandler(handler)
        handler.close()


def test_recent_files_can_be_cleared_from_the_menu(window, tmp_path):
    window.settings.add_recent_file(str(tmp_path / "a.xlsx"))
    window._rebuild_recent_menu()
    clear = next(a for a in window.recent_menu.actions() if a.text() == "Clear Recent Files")
    assert clear.isEnabled()
    clear.trigger()
    assert window.settings.recent_files() == []
