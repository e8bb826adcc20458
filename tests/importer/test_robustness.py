"""Junk in every cell of every template sheet: no exception, every error has a record."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from importer_helpers import workbook

from imft_desktop.io.importer import build_cohort
from imft_desktop.io.read.raw import RawSheet
from imft_desktop.model.schema import TABLES
from imft_desktop.model.vocab import Level

JUNK = [
    None, "", " ", "NA", "n/a", "-", "?", "not done", "pending", "[Not Available]", "7,5",
    "<1%", ">50", "~30%", "5-10%", "12 mo", "365 d", "12 kg", "3+", "4+", "pos", "neg",
    "TPM3-ALK", "ALK rearranged", "NKX2-1-ALK", "FOO-1-BAR", "E545K; H1047R", "p.His1047Arg",
    "22q loss", "-19", "+7", "23q", "monosomy 19", "1:PROGRESSED", "yes", "2", "uPR",
    "PD (clinical)", "IMT-01", "IMT01", "imt-01", "S1\u200b", "S1\nS2", "=S3", "АLK",
    "ＥＧＦＲ", "x" * 33000, "#REF!", "9-Sep", 0, 1, 2, -3, 7, 120, 350, 1.5, 0.31,
    float("nan"), float("inf"), 12345678901234567, 1e5, True, False,
    datetime(2026, 9, 2), date(2021, 3, 1), time(12, 0), "chr19p", "CDKN2A homdel",
]


def _junk_sheet(spec, rng: random.Random) -> RawSheet:  # type: ignore[no-untyped-def]
    rows: list[list[object]] = [list(spec.field_names)]
    for _ in range(25):
        rows.append([rng.choice(JUNK) for _ in spec.fields])
    return RawSheet(spec.sheet, rows, hidden_rows={3}, merged_ranges=["B5:B6"],
                    error_cells={(4, 1): "#REF!"}, formula_without_value={(7, 0): "=A1"},
                    formula_cells={(8, 1)}, display_text={(9, 0): "00009"})


def test_junk_everywhere_never_raises_and_errors_exclude_records() -> None:
    for seed in range(3):
        rng = random.Random(seed)
        sheets = [_junk_sheet(spec, rng) for spec in TABLES]
        c = build_cohort(workbook(*sheets))
        assert c.findings.has_errors
        for name, df in c.tables.items():
            if df.empty:
                continue
            excluded = df["_excluded"].astype(bool)
            # every excluded record says why
            assert df.loc[excluded, "_reason"].notna().all(), name
        errors_with_rows = {(f.sheet, f.row) for f in c.findings
                            if f.level is Level.ERROR and f.row is not None}
        for sheet, row in errors_with_rows:
            spec = next((t for t in TABLES if t.sheet == sheet), None)
            if spec is None:
                continue
            df = c.tables[spec.name]
            hit = df.loc[(df["_sheet"] == sheet) & (df["_row"] == row)]
            assert hit.empty or hit["_excluded"].all(), (sheet, row)
