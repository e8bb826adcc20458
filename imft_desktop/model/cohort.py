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
from imft_desktop.model.project_info import ProjectInfo
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

#: The result table of each capability and its gene / region field (fusions: the
#: driver is known only after parsing, so any unreadable fusion counts).
_RESULT_TABLES: dict[Capability, tuple[str, str | None]] = {
    Capability.FUSION: ("fusions", None),
    Capability.MUTATION: ("variants", "gene"),
    Capability.COPY_NUMBER: ("cn_calls", "region"),
}

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


def _text_or_blank(values: pd.Series) -> pd.Series:
    """Stripped text of ``values``, "" for missing ones (None, NaN)."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def scope_label(assay: str, capability: str = "", target: str = "") -> str:
    """What a sequencing row says was tested, in words: the assay alone for a general
    row ("WGS"); for a scoped one the result it tested, and the assay only when the
    sheet named one ("fusion testing, assay not stated", "WGS (PIK3CA mutation)")."""
    if not capability:
        return assay
    what = f"{_target_text(target)} {capability}" if target else capability
    if not assay or assay == str(SequencingAssay.NOT_STATED):
        return f"{what} testing, assay not stated"
    return f"{assay} ({what})"


def _related_regions(region: str) -> set[str]:
    """A chromosome's arms ("19" -> 19p, 19q) or an arm's chromosome ("19q" -> 19)."""
    r = region.strip().casefold().removeprefix("chr")
    if r[-1:] in ("p", "q") and r[:-1].isalnum():
        return {r[:-1]}
    if r.isdigit() or r in ("x", "y"):
        return {f"{r}p", f"{r}q"}
    return set()


def _target_text(target: str) -> str:
    """Gene symbols upper case, arms and bands as written (``22q``, ``9p21.3``)."""
    t = str(target).strip()
    return t if t[:1].isdigit() else t.upper()


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
    #: When the cohort comes from a project file: its imports, corrections and audit
    #: position, for the provenance of every output (``io.project``); else ``None``.
    project: ProjectInfo | None = None
    #: Denominators already computed (the cohort is not changed once built).
    _tested_cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

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

    def tested_for(self, capability: Capability | str, target: str | None = None) -> set[str]:
        """Samples tested for ``capability`` (of ``target``, a gene or region, if given).

        A sample counts when a done assay covering ``capability`` is on record
        (``ASSAY_CAPABILITIES``), unless rows with a ``capability`` (*scoped* rows: what
        one column of a one-row-per-case sheet tested; ``target`` blank = any gene, as a
        "Fusion" column) answer the question.  Then, for an assay named only there (or
        "assay not stated"), the scoped rows decide alone; for an assay with rows of its
        own (the sheet's "WGS done" column) the scoped rows are the exceptions, so a case
        whose PIK3CA cell says "not done" is out of the PIK3CA denominator although WGS
        was done.
        """
        cap = Capability(capability)
        key = (str(cap), None if target is None else str(target).strip().casefold())
        cache = self._tested_cache
        if key not in cache:
            cache[key] = self._tested_for(cap, key[1])
        return set(cache[key])

    def _tested_for(self, cap: Capability, target: str | None) -> set[str]:
        tested = self._tested_by_rows(cap, target)
        return tested - self._unreadable(cap, target) if tested else tested

    def _unreadable(self, cap: Capability, target: str | None) -> set[str]:
        """Samples whose only result records for ``cap`` (of ``target``) were left out by
        an error (an unknown value): what they hold is not known, so they are not in
        the denominator either (never counted as negative)."""
        table, key = _RESULT_TABLES[cap]
        df = self.tables[table]
        if df.empty or not df["_excluded"].astype(bool).any():
            return set()
        if key is not None and target is not None and key in df.columns:
            wanted = {target}
            if cap is Capability.COPY_NUMBER:
                wanted |= _related_regions(target)
            names = df[key].astype(object).where(df[key].notna(), "").astype(str)
            df = df.loc[names.str.strip().str.casefold().isin(wanted).to_numpy()]
        bad = df["_excluded"].astype(bool).to_numpy()
        ids = df["sample_id"].astype(str).to_numpy()
        return set(ids[bad]) - set(ids[~bad])

    def _tested_by_rows(self, cap: Capability, target: str | None) -> set[str]:
        seq = self._sequencing_scope()
        if seq.empty:
            return set()
        done = seq["status"].eq(str(AssayStatus.DONE))
        general = seq["capability"].eq("")
        assays = [str(a) for a, caps in ASSAY_CAPABILITIES.items() if cap in caps]
        covered = general & done & seq["assay"].isin(assays)
        covers = self._covers(seq, cap, target)
        if not covers.any():
            return self._known(seq.loc[covered, "sample_id"])
        # Scoped rows of an assay with rows of its own (a "WGS done" column) are that
        # column's exceptions ("not done" in the PIK3CA cell); the others decide alone.
        governed = covers & seq["assay"].isin(set(seq.loc[general, "assay"]))
        out = self._known(seq.loc[covers & ~governed & done, "sample_id"])
        if governed.any():
            out |= self._known(seq.loc[covered, "sample_id"]) - self._not_tested_on_all(
                seq.loc[governed & ~done, ["sample_id", "target"]])
        return out

    def _not_tested_on_all(self, exceptions: pd.DataFrame) -> set[str]:
        """Samples whose not-tested exceptions cover every target among ``exceptions``
        (for one target: every sample listed).  Asked for a capability as a whole
        ("tested for any mutation?"), a case whose PIK3CA cell says "not done" but whose
        TP53 cell was read is still tested."""
        per_target = exceptions.groupby("target")["sample_id"].agg(lambda x: set(map(str, x)))
        sets = list(per_target)
        if not sets:
            return set()
        out = set.intersection(*sets) if "" not in per_target.index else set().union(
            per_target[""])
        return self._known(out)

    def scoped_tested(self, capability: Capability | str, target: str | None = None
                      ) -> set[str] | None:
        """``tested_for(capability, target)`` when scoped sequencing rows cover the
        question, else ``None`` (no column of a one-row-per-case sheet reports it)."""
        cap = Capability(capability)
        seq = self._sequencing_scope()
        if seq.empty or not self._covers(seq, cap, target).any():
            return None
        return self.tested_for(cap, target)

    def scoped_targets(self, capability: Capability | str) -> list[str]:
        """Genes or regions that scoped sequencing rows name for ``capability`` (the
        "PIK3CA" and "TP53" columns of a sheet), as written in the sheet, sorted."""
        seq = self._sequencing_scope()
        if seq.empty:
            return []
        rows = seq.loc[seq["capability"].eq(str(Capability(capability)))
                       & seq["target"].ne(""), "target"]
        return sorted({_target_text(t) for t in rows})

    def untested_targets(self, capability: Capability | str, sample_id: str) -> list[str]:
        """Of ``scoped_targets(capability)``, those ``sample_id`` was not tested for
        (a case whose PIK3CA cell says "failed" but whose TP53 cell is readable)."""
        return [t for t in self.scoped_targets(capability)
                if sample_id not in self.tested_for(capability, t)]

    @staticmethod
    def _covers(seq: pd.DataFrame, cap: Capability, target: str | None) -> pd.Series:
        """Scoped rows answering for ``cap`` (of ``target``): a blank target covers every
        gene or region; for copy number a chromosome covers its arms and an arm its
        chromosome ("19" and "19q")."""
        covers = seq["capability"].eq(str(cap))
        if target is not None:
            wanted = {str(target).strip().casefold()}
            if cap is Capability.COPY_NUMBER:
                wanted |= _related_regions(next(iter(wanted)))
            covers &= seq["target"].eq("") | seq["target"].isin(wanted)
        return covers

    def _sequencing_scope(self) -> pd.DataFrame:
        """Sequencing rows as text: sample_id, assay, status, capability and target
        (case-folded; "" when blank), computed once per cohort.  Included rows, and the
        excluded scoped ones as "not done": a result cell the validator could not read
        (an error cell) is an exception to a "WGS done" column, never a done test."""
        if "_scope" not in self._tested_cache:
            df = self.tables["sequencing"]
            cols = ["sample_id", "assay", "status", "capability", "target"]
            if df.empty:
                frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
            else:
                excluded = df["_excluded"].astype(bool)
                scoped = (_text_or_blank(df["capability"]).ne("") if "capability" in df
                          else pd.Series(False, index=df.index))
                keep = ~excluded | scoped
                frame = pd.DataFrame({
                    c: (_text_or_blank(df[c][keep]) if c in df.columns
                        else pd.Series("", index=df.index[keep], dtype=object))
                    for c in cols
                })
                frame.loc[excluded[keep], "status"] = str(AssayStatus.NOT_DONE)
                frame["capability"] = frame["capability"].str.casefold()
                frame["target"] = frame["target"].str.casefold()
            self._tested_cache["_scope"] = frame
        return self._tested_cache["_scope"]  # type: ignore[no-any-return]

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
        """Per-assay tested counts, e.g. ``{"IHC": 24, "FISH": 23, "WGS": 22}``.

        Scoped sequencing rows count under what they tested, with the assay only when
        the sheet names one: ``"fusion testing, assay not stated": 27``,
        ``"RNA fusion panel (fusion)": 20``.
        """
        return {k: len(v) for k, v in self.tested_samples().items()}

    def tested_samples(self) -> dict[str, set[str]]:
        """The samples behind ``tested_counts()``, by the same labels and in its order
        (a cohort-characteristics table counts them per group)."""
        out: dict[str, set[str]] = {
            "IHC": self.ihc_tested(),
            "FISH": self.fish_tested(),
        }
        seq = self._sequencing_scope()
        if seq.empty:
            return out
        known = set(map(str, self._columns("samples", "sample_id")))
        # Scoped rows of an assay that has its own rows (a "WGS done" column) are
        # counted under that assay's rows, not listed again per column.
        general = set(seq.loc[seq["capability"].eq(""), "assay"])
        seq = seq.loc[seq["capability"].eq("") | ~seq["assay"].isin(general)]
        done = seq.loc[seq["status"].eq(str(AssayStatus.DONE))]
        labels = [scope_label(a, c, t) for a, c, t in
                  zip(seq["assay"], seq["capability"], seq["target"])]
        per_label: dict[str, set[str]] = {label: set() for label in sorted(set(labels))}
        for label, sid in zip((labels[i] for i in seq.index.get_indexer(done.index)),
                              done["sample_id"]):
            if sid in known:
                per_label[label].add(sid)
        # A scoped column's unreadable results are not tested either (as in tested_for).
        for a, c, t in set(zip(seq["assay"], seq["capability"], seq["target"])):
            if c:
                per_label[scope_label(a, c, t)] -= self._unreadable(Capability(c), t or None)
        out.update(per_label)
        return out

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
