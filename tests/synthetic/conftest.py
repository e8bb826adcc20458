"""Shared fixtures: the shipped demo workbook read back with openpyxl."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from imft_desktop.model.schema import TABLES


def demo_resource(name: str) -> Path:
    return Path(str(files("imft_desktop").joinpath("data", name)))


def read_canonical(path: Path) -> dict[str, pd.DataFrame]:
    """Every canonical sheet as a DataFrame (header row 1, data from row 2)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for spec in TABLES:
            rows = list(wb[spec.sheet].iter_rows(values_only=True))
            header = list(rows[0])
            assert header == list(spec.field_names), spec.sheet
            out[spec.name] = pd.DataFrame(rows[1:], columns=header, dtype=object)
        return out
    finally:
        wb.close()


@pytest.fixture(scope="session")
def canonical_reader():
    """``read_canonical`` as a fixture (test modules here are not a package)."""
    return read_canonical


@pytest.fixture(scope="session")
def case_sheet_path() -> Path:
    return demo_resource("demo_case_sheet_synthetic.xlsx")


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return demo_resource("demo_cohort_synthetic.xlsx")


@pytest.fixture(scope="session")
def demo_tables(demo_path: Path) -> dict[str, pd.DataFrame]:
    return read_canonical(demo_path)
