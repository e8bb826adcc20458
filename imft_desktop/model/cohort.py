"""The in-memory cohort: canonical tables as DataFrames, with origin and raw values.

Each table (see ``schema.TABLES``) is a DataFrame whose columns are the table's field
names holding *normalised* values, plus bookkeeping columns:

``_source``  file name the record came from
``_sheet``   sheet name
``_row``     Excel row number (1-based, as Excel shows it)
``_column``  column letter, for records derived from one cell of a one-row-per-case
             sheet (otherwise empty; per-field columns are in ``Cohort.column_origin``)
``_excluded`` True when an ERROR keeps the record out of the analysis
``_reason``  finding codes that excluded it
``raw:<field>`` the raw text found in the source cell

Records with errors are never dropped: ``table(name, include_excluded=True)`` lists them.
Analysis code calls the accessors below, which return included records only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from imft_desktop.model.findings import FindingList
from imft_desktop.model.schema import TABLES, TABLES_BY_NAME
from imft_desktop.model.text import plural
from imft_desktop.model.value_dictionary import ValueDictionary
from imft_desktop.model.vocab import (
    ASSAY_CAPABILITIES,
    AssayCall,
    AssayStatus,
    Capability,
    SequencingAssay,
)

BOOKKEEPING = ("_source", "_sheet", "_row", "_column", "_excluded", "_reason")
RAW_PREFIX = "raw:"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file the cohort was read from, fingerprinted; the file itself is never modified."""

    name: str  # file name only (paths can hold patient names; kept out of logs)
    path: str  # full path, shown in the UI and in the provenance of exports
    sha256: str
    size: int
    kind: str  # "xlsx", "xls", "ods", "csv", ...
    read_at: str  # ISO timestamp
    sheets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnOrigin:
    """Where a table field came from: file, sheet, column letter and header."""

    file: str
    sheet: str
    column: str
    header: str


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the columns of canonical table ``name``."""
    spec = TABLES_BY_NAME[name]
    cols = list(spec.field_names) + list(BOOKKEEPING)
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    df["_excluded"] = df["_excluded"].astype(bool)
    return df


@dataclass
class Cohort:
    """A tumour cohort: samples, patients, assays, outcomes, and how they were read.

    Build one with ``imft_desktop.io.importer`` (from files) or ``Cohort.from_tables``
    (from DataFrames).  Treat it as immutable once built: the GUI swaps whole cohorts.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: FindingList = field(default_factory=FindingList)
    sources: list[SourceFile] = field(default_factory=list)
    column_origin: dict[tuple[str, str], ColumnOrigin] = field(default_factory=dict)
    #: Unmapped columns of one-row-per-case sheets, kept verbatim (raw text) by header,
    #: indexed by sample_id, so any of them can still be used as a grouping.
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)
    mapping_profile: str | None = None
    study: dict[str, str] = field(default_factory=dict)
    #: One-row-per-case sheets: each distinct value of each mapped column and what the
    #: program read in it (empty for template workbooks and other tools' files).
    value_dictionary: ValueDictionary = field(default_factory=ValueDictionary)

    def __post_init__(self) -> None:
        for spec in TABLES:
            if spec.name not in self.tables:
                self.tables[spec.name] = empty_table(spec.name)
        if not self.study:
            study = self.table("study")
            self.study = {
                str(k).strip().casefold(): str(v)
                for k, v in zip(study.get("key", []), study.get("value", []))
                if k is not None and str(k).strip()
            }

    # ------------------------------------------------------------------ building
    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], **kwargs: Any) -> Cohort:
        """Build a cohort from DataFrames holding (a subset of) the canonical columns.

        Missing canonical and bookkeeping columns are added empty; records are included.
        Intended for tests, generators and interop readers.
        """
        full: dict[str, pd.DataFrame] = {}
        for name, df in tables.items():
            if name not in TABLES_BY_NAME:
                raise KeyError(f"unknown table {name!r}")
            df = df.copy()
            for col in TABLES_BY_NAME[name].field_names:
                if col not in df.columns:
                    df[col] = None
            for col in BOOKKEEPING:
                if col not in df.columns:
                    df[col] = False if col == "_excluded" else None
            df["_excluded"] = df["_excluded"].fillna(False).astype(bool)
            full[name] = df.reset_index(drop=True)
        return cls(tables=full, **kwargs)

    # ------------------------------------------------------------------ access
    def table(self, name: str, include_excluded: bool = False) -> pd.DataFrame:
        """Records of table ``name``; excluded (error) records only when asked."""
        df = self.tables[name]
        if include_excluded or df.empty:
            return df
        return df.loc[~df["_excluded"].astype(bool)]

    def excluded(self) -> dict[str, pd.DataFrame]:
        """Every table's records that errors kept out of the analysis."""
        out = {}
        for name, df in self.tables.items():
            if not df.empty:
                bad = df.loc[df["_excluded"].astype(bool)]
                if not bad.empty:
                    out[name] = bad
        return out

    @property
    def samples(self) -> pd.DataFrame:
        return self.table("samples")

    @property
    def sample_ids(self) -> list[str]:
        return [str(s) for s in self._columns("samples", "sample_id").tolist()]

    @property
    def patient_ids(self) -> list[str]:
        return sorted({str(p) for p in self._columns("samples", "patient_id").dropna().tolist()})

    @property
    def n_samples(self) -> int:
        return len(self._columns("samples", "sample_id"))

    @property
    def n_patients(self) -> int:
        return len(self.patient_ids)

    @property
    def name(self) -> str:
        return self.study.get("study_name") or (self.sources[0].name if self.sources else "")

    @property
    def is_synthetic(self) -> bool:
        return self.study.get("synthetic", "").strip().casefold() in {"yes", "true", "1", "y"}

    @property
    def fish_threshold(self) -> float:
        from imft_desktop.model.vocab import DEFAULT_FISH_THRESHOLD_PERCENT

        try:
            return float(self.study.get("fish_threshold", DEFAULT_FISH_THRESHOLD_PERCENT))
        except ValueError:
            return DEFAULT_FISH_THRESHOLD_PERCENT

    @property
    def assembly(self) -> str:
        return self.study.get("assembly", "hg38") or "hg38"

    # ------------------------------------------------------------------ denominators
    def _known(self, ids: Iterable[Any]) -> set[str]:
        return set(map(str, ids)) & set(map(str, self._columns("samples", "sample_id")))

    def _columns(self, name: str, *columns: str) -> Any:
        """Just ``columns`` of the included records of table ``name`` (a Series for one
        column): cheaper than ``table()``, which copies every column of the records."""
        df = self.tables[name]
        if df.empty:
            return df.loc[:, list(columns)] if len(columns) > 1 else df[columns[0]]
        keep = ~df["_excluded"].astype(bool)
        return df.loc[keep, list(columns)] if len(columns) > 1 else df[columns[0]][keep]

    def tested_for(self, capability: Capability | str) -> set[str]:
        """Samples with at least one successful sequencing assay covering ``capability``."""
        cap = Capability(capability)
        seq = self._columns("sequencing", "sample_id", "assay", "status")
        if seq.empty:
            return set()
        assays = {a for a, caps in ASSAY_CAPABILITIES.items() if cap in caps}
        ok = seq["status"].astype(str).eq(str(AssayStatus.DONE)) & seq["assay"].isin(
            [str(a) for a in assays]
        )
        return self._known(seq.loc[ok, "sample_id"])

    def sequenced_by(self, assay: SequencingAssay | str) -> set[str]:
        """Samples on which ``assay`` was successfully done."""
        seq = self._columns("sequencing", "sample_id", "assay", "status")
        if seq.empty:
            return set()
        ok = seq["status"].astype(str).eq(str(AssayStatus.DONE)) & seq["assay"].astype(
            str
        ).eq(str(assay))
        return self._known(seq.loc[ok, "sample_id"])

    def ihc_tested(self, marker: str | None = None, clone: str | None = None) -> set[str]:
        """Samples with an evaluable IHC result (optionally for one marker / clone)."""
        return self._tested_calls("ihc", "marker", marker, clone)

    def fish_tested(self, probe: str | None = None) -> set[str]:
        """Samples with an evaluable FISH result (optionally for one probe)."""
        return self._tested_calls("fish", "probe", probe, None)

    def _tested_calls(
        self, table: str, key: str, value: str | None, clone: str | None
    ) -> set[str]:
        df = self._columns(table, "sample_id", "call", key, *(["clone"] if clone else []))
        if df.empty:
            return set()
        tested_values = [str(c) for c in AssayCall if c.is_tested]
        mask = df["call"].astype(str).isin(tested_values)
        if value is not None:
            mask &= df[key].astype(str).str.casefold().eq(value.casefold())
        if clone is not None:
            mask &= df["clone"].astype(str).str.casefold().eq(clone.casefold())
        return self._known(df.loc[mask, "sample_id"])

    # ------------------------------------------------------------------ clinical view
    def clinical(self) -> pd.DataFrame:
        """One row per included sample: sample fields, the patient's outcomes, extras.

        Outcome columns are joined by ``patient_id``; unmapped columns of a one-row-per-
        case sheet follow under their original headers.
        """
        samples = self._columns("samples", *TABLES_BY_NAME["samples"].field_names)
        outcomes = self.table("outcomes")
        if not outcomes.empty:
            cols = list(TABLES_BY_NAME["outcomes"].field_names)
            out = outcomes.loc[:, cols].drop_duplicates("patient_id")
            samples = samples.merge(out, on="patient_id", how="left")
        else:
            for col in TABLES_BY_NAME["outcomes"].field_names:
                if col != "patient_id":
                    samples[col] = None
        if not self.extra.empty:
            extra = self.extra.copy()
            extra.index = extra.index.astype(str)
            extra.columns = self._extra_names(list(samples.columns))
            samples = samples.merge(extra, left_on="sample_id", right_index=True, how="left")
        return samples.reset_index(drop=True)

    def clinical_columns(self) -> list[str]:
        """The column names of ``clinical()``, without building it (a merge of every
        sample: noticeable on the GUI thread for 100,000 samples)."""
        names = list(TABLES_BY_NAME["samples"].field_names)
        names += [c for c in TABLES_BY_NAME["outcomes"].field_names if c not in names]
        return names + (self._extra_names(names) if not self.extra.empty else [])

    def _extra_names(self, taken: list[str]) -> list[str]:
        """Unmapped sheet columns by header; " (sheet)" added where a field has the name."""
        return [f"{c} (sheet)" if c in taken else str(c) for c in self.extra.columns]

    # ------------------------------------------------------------------ summaries
    def tested_counts(self) -> dict[str, int]:
        """Per-assay tested counts, e.g. ``{"IHC": 24, "FISH": 23, "WGS": 22}``."""
        counts: dict[str, int] = {
            "IHC": len(self.ihc_tested()),
            "FISH": len(self.fish_tested()),
        }
        seq = self._columns("sequencing", "assay")
        if not seq.empty:
            for assay in sorted(seq.dropna().astype(str).unique()):
                counts[assay] = len(self.sequenced_by(assay))
        return counts

    def summary_line(self) -> str:
        """One-line description for the status bar, e.g.
        ``24 samples, 24 patients; IHC 24, FISH 23, WGS 22 tested``."""
        counts = ", ".join(f"{k} {v}" for k, v in self.tested_counts().items() if v)
        line = f"{plural(self.n_samples, 'sample')}, {plural(self.n_patients, 'patient')}"
        if counts:
            line += f"; {counts} tested"
        if self.is_synthetic:
            line += " (SYNTHETIC DATA)"
        return line

    def info(self) -> dict[str, Any]:
        """Machine-readable overview (``imft info --json``)."""
        per_table = {
            name: {
                "records": int((~df["_excluded"].astype(bool)).sum()) if not df.empty else 0,
                "excluded": int(df["_excluded"].astype(bool).sum()) if not df.empty else 0,
            }
            for name, df in self.tables.items()
        }
        return {
            "name": self.name,
            "synthetic": self.is_synthetic,
            "samples": self.n_samples,
            "patients": self.n_patients,
            "tested": self.tested_counts(),
            "tested_for": {str(c): len(self.tested_for(c)) for c in Capability},
            "ihc_by_marker": self._tested_by("ihc", ["marker", "clone"]),
            "fish_by_probe": self._tested_by("fish", ["probe"]),
            "tables": per_table,
            "findings": self.findings.counts(),
            "sources": [
                {"name": s.name, "sha256": s.sha256, "size": s.size, "kind": s.kind}
                for s in self.sources
            ],
            "mapping_profile": self.mapping_profile,
        }

    def _tested_by(self, table: str, keys: list[str]) -> dict[str, int]:
        df = self.table(table)
        if df.empty:
            return {}
        tested_values = [str(c) for c in AssayCall if c.is_tested]
        df = df.loc[df["call"].astype(str).isin(tested_values)]
        df = df.loc[df["sample_id"].astype(str).isin(set(self.sample_ids))]
        out: dict[str, int] = {}
        for key, grp in df.groupby(keys, dropna=False):
            parts = key if isinstance(key, tuple) else (key,)
            label = " ".join(str(p) for p in parts if p is not None and str(p) not in ("", "nan"))
            out[label] = int(grp["sample_id"].nunique())
        return out
