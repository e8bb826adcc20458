"""Fixtures of the mapping tests."""

from __future__ import annotations

import pytest
from mapping_sheets import make_messy_sheet

from imft_desktop.io.read.raw import RawSheet


@pytest.fixture
def messy_sheet() -> RawSheet:
    return make_messy_sheet()
