"""Suite-wide settings, applied before anything imports Qt or matplotlib.

Qt runs offscreen, matplotlib headless, and every test reads and writes settings and
logs in a temporary sandbox (``IMFT_SETTINGS_DIR`` / ``IMFT_LOG_DIR``, which the app
honours, plus Qt's own test mode), so no test ever touches the user's files.
"""

import atexit
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("MPLBACKEND", "Agg")
_SANDBOX = Path(tempfile.mkdtemp(prefix="imft-tests-"))
atexit.register(shutil.rmtree, _SANDBOX, ignore_errors=True)
os.environ["IMFT_SETTINGS_DIR"] = str(_SANDBOX / "settings")
os.environ["IMFT_LOG_DIR"] = str(_SANDBOX / "logs")

if importlib.util.find_spec("PySide6") is not None:
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(_SANDBOX / "qt"))

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO.parent / "shared" / "reference-data"


@pytest.fixture
def reference_data() -> Path:
    """The public reference files beside the repo (../shared); skip when absent."""
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is not beside this checkout")
    return REFERENCE_DATA
