"""Pytest fixtures for the reader tests (helpers live in reader_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def simple_xlsx(tmp_path: Path) -> Path:
    """A one-sheet workbook written by openpyxl: header and two data rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    ws.append(["Sample", "PFS", "Response"])
    ws.append(["S1", 7.5, "PR"])
    ws.append(["S2", 12, "SD"])
    p = tmp_path / "simple.xlsx"
    wb.save(p)
    return p


@pytest.fixture
def write_bytes(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(data)
        return p

    return _write
