"""Builders and strict comparisons shared by the project-store tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd

import imft_desktop

DATA = Path(imft_desktop.__file__).resolve().parent / "data"
CASE_SHEET = DATA / "demo_case_sheet_synthetic.xlsx"
TEMPLATE_DEMO = DATA / "demo_cohort_synthetic.xlsx"


def typed(series: pd.Series) -> list[tuple[str, str]]:
    """Each value with its exact type: ``1``, ``1.0``, ``True`` and ``"1"`` all differ."""
    return [(type(v).__name__, repr(v)) for v in series.tolist()]


def assert_same_frame(a: pd.DataFrame, b: pd.DataFrame, what: str = "") -> None:
    """Equal bit for bit: columns, dtypes, index and every value with its type."""
    pd.testing.assert_frame_equal(a, b, check_exact=True, obj=what or "frame")
    assert list(a.columns) == list(b.columns), what
    assert list(a.dtypes) == list(b.dtypes), what
    for col in a.columns:
        assert typed(a[col]) == typed(b[col]), f"{what} column {col!r}"


def assert_same_cohort(a: Any, b: Any) -> None:
    """Two cohorts equal in every part the program reads."""
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        assert_same_frame(a.tables[name], b.tables[name], name)
    if a.extra.empty:
        assert b.extra.empty
    else:
        assert_same_frame(a.extra, b.extra, "extra")
        assert list(a.extra.index) == list(b.extra.index)
    assert list(a.findings) == list(b.findings)
    assert a.sources == b.sources
    assert a.column_origin == b.column_origin
    assert a.study == b.study
    assert a.value_dictionary == b.value_dictionary
    assert a.mapping_profile == b.mapping_profile


def next_batch(source: Path, out: Path) -> Path:
    """The demo case sheet with two new cases (SYN-25, SYN-26) and updated follow-up
    for three (SYN-01: PFS 35.0 and progression; SYN-02: PFS 6.1; SYN-03: PFS 7.5)."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    ws = wb["Cases"]
    for row in ws.iter_rows(min_row=3):
        if row[0].value == "SYN-01":
            row[21].value, row[22].value = 35.0, 1
        elif row[0].value == "SYN-02":
            row[21].value = 6.1
        elif row[0].value == "SYN-03":
            row[21].value = 7.5
    template = [c.value for c in ws[3]]
    for sid in ("SYN-25", "SYN-26"):
        values = list(template)
        values[0], values[1] = sid, sid.replace("SYN-", "SYN-P")
        ws.append(values)
    wb.save(out)
    return out


def copy_case_sheet(folder: Path, name: str = "cases.xlsx") -> Path:
    target = folder / name
    shutil.copy(CASE_SHEET, target)
    return target
