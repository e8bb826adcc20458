"""The oncoprint's data: glyphs per sample and row, tested-ness, memo sort, tracks.

Rows are genes (fusion driver, mutated gene, gene-level copy-number call), copy-number
regions (arm, whole chromosome, focal locus) and, optionally, IHC / FISH positivity per
marker-clone / probe.  A cell holds a set of glyph kinds (several alterations per cell
are kept: a fusion *and* a mutation of ALK), or ``{"not tested"}`` when the sample was
not tested by any assay that feeds the row.  Row percentages are altered / tested.

Arm rows identical to their whole-chromosome row (same samples, same direction) are
left out, as are exact-fusion and protein-change rows (their gene row shows them).

Column order is the memo sort of cBioPortal and ComplexHeatmap: samples are sorted
lexicographically by their altered flags in row order (altered first); ties are broken
by tested-ness in row order (not tested last), then by cohort order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.analysis.alterations import AlterationMatrix, alteration_matrix
from imft_desktop.model.cohort import Cohort

NOT_TESTED = "not tested"
#: Glyph kinds in drawing order (copy number first: it fills the cell).
GLYPHS = (
    "amplification", "gain", "loss", "deep deletion", "fusion", "mutation",
    "IHC positive", "FISH positive",
)


GLYPH_BIT: dict[str, int] = {g: 1 << i for i, g in enumerate(GLYPHS)}
NOT_TESTED_BIT = 1 << len(GLYPHS)


def glyphs_of(code: int) -> frozenset[str]:
    """The glyph kinds encoded in a cell code (``{"not tested"}`` for the tested bit)."""
    if code & NOT_TESTED_BIT:
        return frozenset({NOT_TESTED})
    return frozenset(g for g, bit in GLYPH_BIT.items() if code & bit)


@dataclass
class OncoprintData:
    """Everything ``plotting.oncoprint.plot_oncoprint`` draws.

    Attributes
    ----------
    rows:
        Row names, top to bottom ("ALK", "22q", "chr19", "9p21.3", "ALK IHC (D5F3)").
    samples:
        Sample ids, left to right (memo-sorted).
    codes:
        rows x samples integer array: one bit per glyph kind (``GLYPH_BIT``), or
        ``NOT_TESTED_BIT``; 0 = tested, not altered.  ``cells`` gives the same as sets.
    altered, tested:
        Per row: samples altered / tested.
    row_kind:
        Per row: "gene", "copy number" or "assay".
    labels:
        Per row: the alteration-matrix labels feeding it.
    tracks:
        DataFrame samples x clinical columns (values as text; None when missing).
    """

    rows: list[str]
    samples: list[str]
    codes: np.ndarray
    altered: dict[str, int]
    tested: dict[str, int]
    row_kind: dict[str, str]
    labels: dict[str, list[str]]
    tracks: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    method: str = (
        "Row % = samples altered / samples tested by an assay feeding the row; not tested "
        "shown as its own cell; columns memo-sorted."
    )

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def cells(self) -> pd.DataFrame:
        """rows x samples DataFrame of ``frozenset`` glyph kinds (empty: tested, not
        altered; ``{"not tested"}``)."""
        lookup = {int(c): glyphs_of(int(c)) for c in np.unique(self.codes)}
        data = [[lookup[int(c)] for c in row] for row in self.codes]
        return pd.DataFrame(
            data, index=pd.Index(self.rows, dtype=object),
            columns=pd.Index(self.samples, dtype=object),
        )

    def cell(self, row: str, sample: str) -> frozenset[str]:
        return glyphs_of(int(self.codes[self.rows.index(row), self.samples.index(sample)]))

    def percent(self, row: str) -> float:
        t = self.tested[row]
        return 100.0 * self.altered[row] / t if t else float("nan")

    def row_label(self, row: str) -> str:
        """``"12/22 (55%)"``: altered/tested (percent)."""
        t = self.tested[row]
        pct = f"{self.percent(row):.0f}%" if t else "n/a"
        return f"{self.altered[row]}/{t} ({pct})"

    def state(self) -> np.ndarray:
        """rows x samples: 0 altered, 1 tested not altered, 2 not tested."""
        c = self.codes
        return np.where(c & NOT_TESTED_BIT, 2, np.where(c > 0, 0, 1)).astype(np.int8)

    def reorder(self, rows: list[str], sort_samples: bool = True) -> OncoprintData:
        """A copy with rows in the given order (a subset allowed) and, by default, the
        samples memo-sorted again."""
        index = {r: i for i, r in enumerate(self.rows)}
        unknown = [r for r in rows if r not in index]
        if unknown:
            raise KeyError(f"unknown oncoprint rows: {unknown}")
        codes = self.codes[[index[r] for r in rows]] if rows else self.codes[:0]
        out = replace(self, rows=list(rows), codes=codes)
        if sort_samples and rows:
            order = memo_order(out.state())
            out = replace(
                out, samples=[self.samples[j] for j in order], codes=codes[:, order],
                tracks=self.tracks.iloc[order],
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "row": r,
                    "kind": self.row_kind[r],
                    "altered": self.altered[r],
                    "tested": self.tested[r],
                    "labels": self.labels[r],
                }
                for r in self.rows
            ],
            "samples": self.samples,
            "cells": {
                r: {s: sorted(glyphs_of(int(c))) for s, c in zip(self.samples, self.codes[i])}
                for i, r in enumerate(self.rows)
            },
            "method": self.method,
            "warnings": self.warnings,
        }


def memo_order(state: np.ndarray) -> np.ndarray:
    """Column order: samples sorted lexicographically by their altered flags in row order
    (altered first); ties by tested-ness in row order (tested first), then cohort order."""
    if state.ndim != 2 or state.shape[0] == 0:
        return np.arange(state.shape[1] if state.ndim == 2 else 0)
    # np.lexsort sorts by the last key first.
    rows = range(state.shape[0] - 1, -1, -1)
    keys = (
        [np.arange(state.shape[1])]
        + [(state[i] == 2).astype(np.int8) for i in rows]
        + [(state[i] != 0).astype(np.int8) for i in rows]
    )
    return np.lexsort(keys)


def _row_of(matrix: AlterationMatrix, label: str) -> tuple[str, str, str] | None:
    """(row name, row kind, glyph) for a label, None when the label is not drawn."""
    i = matrix.info[label]
    if i.level in ("exact fusion", "protein change", "marker"):
        return None
    if i.capability == "fusion":
        return i.gene, "gene", "fusion"
    if i.capability == "mutation":
        return i.gene, "gene", "mutation"
    if i.capability == "copy number":
        glyph = str(i.kind)
        if i.level == "gene (copy number)":
            return i.gene, "gene", glyph
        if i.level == "chromosome":
            return f"chr{i.gene}", "copy number", glyph
        if i.level == "focal":
            return label.rsplit(" ", 2)[0] if "(focal," not in label else label, \
                "copy number", glyph
        return i.gene, "copy number", glyph
    if i.capability == "IHC":
        name = f"{i.gene} IHC" + (f" ({i.detail})" if i.detail else "")
        return name, "assay", "IHC positive"
    if i.capability == "FISH":
        return f"{i.gene} FISH", "assay", "FISH positive"
    return None


def oncoprint_matrix(
    cohort: Cohort,
    top_n: int | None = None,
    clinical_tracks: tuple[str, ...] = ("best_response",),
    matrix: AlterationMatrix | None = None,
    include_assays: bool = True,
    rows: list[str] | None = None,
) -> OncoprintData:
    """Build the oncoprint data.

    Parameters
    ----------
    top_n:
        Keep the ``top_n`` rows with the highest altered/tested percentage.
    clinical_tracks:
        Columns of ``cohort.clinical()`` (case-insensitive) drawn as tracks.
    matrix:
        A precomputed alteration matrix.
    include_assays:
        Add IHC (per marker and clone) and FISH (per probe) positivity rows.
    rows:
        Explicit row names and order (after building); overrides ``top_n``.
    """
    matrix = matrix if matrix is not None else alteration_matrix(cohort)
    samples = list(matrix.status.index)
    st = matrix.status
    feeds: dict[str, list[tuple[str, str]]] = {}
    kinds: dict[str, str] = {}
    for label in matrix.labels:
        r = _row_of(matrix, label)
        if r is None or (r[1] == "assay" and not include_assays):
            continue
        name, kind, glyph = r
        feeds.setdefault(name, []).append((label, glyph))
        kinds[name] = kind
    n = len(samples)
    codes: dict[str, np.ndarray] = {}
    for name, items in feeds.items():
        tested_mask = np.zeros(n, bool)
        code = np.zeros(n, np.int32)
        for label, glyph in items:
            col = st[label].to_numpy()
            tested_mask |= ~np.isnan(col)
            code |= np.where(col == 1.0, GLYPH_BIT[glyph], 0).astype(np.int32)
        codes[name] = np.where(tested_mask, code, NOT_TESTED_BIT).astype(np.int32)
    # Drop arm rows that repeat their whole-chromosome row.
    for name in list(codes):
        if kinds[name] != "copy number" or not name[:-1] or name[-1] not in "pq":
            continue
        chrom_row = f"chr{name[:-1]}"
        if chrom_row in codes and np.array_equal(
            np.where(codes[name] == NOT_TESTED_BIT, 0, codes[name]),
            np.where(codes[chrom_row] == NOT_TESTED_BIT, 0, codes[chrom_row]),
        ):
            del codes[name]
    altered = {r: int(((c > 0) & (c != NOT_TESTED_BIT)).sum()) for r, c in codes.items()}
    tested = {r: int((c != NOT_TESTED_BIT).sum()) for r, c in codes.items()}
    names = [r for r in codes if altered[r] > 0]
    names.sort(key=lambda r: (-(altered[r] / tested[r] if tested[r] else 0), -altered[r], r))
    if rows is not None:
        missing = [r for r in rows if r not in codes]
        if missing:
            raise KeyError(f"unknown oncoprint rows: {missing}")
        names = list(rows)
    elif top_n is not None:
        names = names[:top_n]
    matrix_codes = (
        np.vstack([codes[r] for r in names]) if names else np.zeros((0, n), np.int32)
    )
    tracks, warnings = _tracks(cohort, samples, clinical_tracks)
    data = OncoprintData(
        names, samples, matrix_codes, {r: altered[r] for r in names},
        {r: tested[r] for r in names}, {r: kinds[r] for r in names},
        {r: [x[0] for x in feeds[r]] for r in names}, tracks, warnings,
    )
    return data.reorder(names) if names else data


def _tracks(
    cohort: Cohort, samples: list[str], columns: tuple[str, ...]
) -> tuple[pd.DataFrame, list[str]]:
    clinical = cohort.clinical()
    clinical = clinical.drop_duplicates("sample_id").set_index(
        clinical["sample_id"].drop_duplicates().astype(str)
    )
    lookup = {str(c).casefold(): c for c in clinical.columns}
    data: dict[str, list[Any]] = {}
    warnings = []
    for name in columns:
        col = lookup.get(name.casefold())
        if col is None:
            warnings.append(f"No column {name!r} for an oncoprint track.")
            continue
        values = clinical[col].reindex(samples)
        data[str(col)] = [
            None if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
            else str(v)
            for v in values
        ]
    return pd.DataFrame(data, index=pd.Index(samples, dtype=object)), warnings
