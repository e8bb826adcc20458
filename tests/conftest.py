"""Suite-wide settings: Qt offscreen and matplotlib headless before anything imports them."""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO.parent / "shared" / "reference-data"


@pytest.fixture
def reference_data() -> Path:
    """The public reference files beside the repo (../shared); skip when absent."""
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is not beside this checkout")
    return REFERENCE_DATA
