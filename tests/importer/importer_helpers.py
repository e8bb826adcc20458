"""Builders for the importer tests: raw workbooks in memory, finding look-ups."""

from __future__ import annotations

from typing import Any

from imft_desktop.io.importer import ImportOptions, build_cohort
from imft_desktop.io.read.raw import RawSheet, RawWorkbook
from imft_desktop.model.cohort import Cohort, SourceFile
from imft_desktop.model.findings import Finding

SOURCE = SourceFile("cohort.xlsx", "/tmp/cohort.xlsx", "ab" * 32, 100, "xlsx", "2026-01-01")

SAMPLES_HEADER = ["sample_id", "patient_id"]


def samples(*ids: str, header: list[str] | None = None) -> RawSheet:
    """A Samples sheet; patient of ``IMT-xx`` is ``P-xx``."""
    rows: list[list[Any]] = [header or SAMPLES_HEADER]
    for sid in ids:
        rows.append([sid, "P" + sid[3:] if sid.startswith("IMT") else "P-" + sid])
    return RawSheet("Samples", rows)


def sheet(name: str, rows: list[list[Any]], **kw: Any) -> RawSheet:
    return RawSheet(name, rows, **kw)


def workbook(*sheets: RawSheet) -> RawWorkbook:
    return RawWorkbook(SOURCE, list(sheets))


def cohort(*sheets: RawSheet, **options: Any) -> Cohort:
    """Build a cohort from sheets; a Samples sheet IMT-01..IMT-03 is added if absent."""
    all_sheets = list(sheets)
    if not any(s.name == "Samples" for s in all_sheets):
        all_sheets.insert(0, samples("IMT-01", "IMT-02", "IMT-03"))
    return build_cohort(workbook(*all_sheets), ImportOptions(**options))


def findings(c: Cohort, code: str) -> list[Finding]:
    return [f for f in c.findings if f.code == code]


def one(c: Cohort, code: str) -> Finding:
    """The single finding with ``code`` (fails listing all codes otherwise)."""
    hits = findings(c, code)
    assert len(hits) == 1, (code, [(f.code, f.row, f.column, f.value) for f in c.findings])
    return hits[0]


def at(f: Finding, row: int | None, column: str | None) -> bool:
    return f.row == row and f.column == column


def record(c: Cohort, table: str, row: int) -> dict[str, Any]:
    """The stored record (excluded ones too) that came from Excel row ``row``."""
    df = c.table(table, include_excluded=True)
    hit = df.loc[df["_row"] == row]
    assert len(hit) == 1, (table, row, df["_row"].tolist())
    return hit.iloc[0].to_dict()
