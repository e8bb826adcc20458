"""The next batch against the project: new cases, field-by-field updates, identifier clashes.

A case is a sample.  Records of a sample the project does not have are *new*; records of
a sample it has are matched by the table's key (``ihc``: sample, marker, clone;
``outcomes``: patient) and compared field by field on their normalised values, so
"12" and "12.0 months" are the same and only real differences (updated PFS and event)
are offered as ``FieldUpdate`` for the user to accept or reject.  A batch identifier
that equals a project identifier only when case and spaces are ignored ("syn-01" and
"SYN 01") is an ``IdClash``: asked about, never merged silently, and left out until
the user fixes the sheet.

A value corrected by hand in the project is kept when the batch holds the value it had
before the correction (the source did not change that cell); when the batch holds a
third value the update is offered, marked ``corrected``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.io.store.repository import Correction
from imft_desktop.model.cohort import RAW_PREFIX, Cohort
from imft_desktop.model.schema import TABLES_BY_NAME

#: Tables compared (study settings belong to the project, not to a batch).
COMPARED = ("samples", "ihc", "fish", "sequencing", "fusions", "variants", "cn_segments",
            "cn_calls", "outcomes")


def fold_id(value: Any) -> str:
    """An identifier with case and spaces ignored (how clashes are detected)."""
    return "".join(str(value).split()).casefold()


@dataclass(frozen=True)
class FieldUpdate:
    """One field of one existing record that the batch holds differently."""

    number: int  # 1-based, as listed to the user
    table: str
    record: int  # position in the project's table
    batch_record: int  # position in the batch's table
    owner: str  # the sample (or the patient, for outcomes)
    key: str  # the record's key besides the owner ("ALK D5F3"), or ""
    field: str
    old_value: Any
    old_raw: str | None
    new_value: Any
    new_raw: str | None
    corrected: bool = False  # the project value was corrected by hand
    case: str = ""  # the sample(s) of a patient-level record ("SYN-01"), else the owner

    @property
    def case_label(self) -> str:
        """How the dialog names the case: ``SYN-01 (patient SYN-P01)`` for outcomes."""
        if self.case and self.case != self.owner:
            return f"{self.case} (patient {self.owner})"
        return self.owner

    @property
    def label(self) -> str:
        where = f"{self.table}[{self.key}]" if self.key else self.table
        return f"{self.owner} {where}.{self.field}"

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "table": self.table, "owner": self.owner,
                "case": self.case_label, "key": self.key, "field": self.field,
                "old": _json(self.old_value),
                "new": _json(self.new_value), "old_raw": self.old_raw,
                "new_raw": self.new_raw, "corrected": self.corrected}


@dataclass(frozen=True)
class IdClash:
    """A batch identifier equal to a project one only when case and spaces are ignored."""

    batch_id: str
    project_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "project_id": self.project_id}


@dataclass
class BatchComparison:
    """What adding ``batch`` would do to the project's cohort."""

    batch: Cohort
    new_samples: list[str] = field(default_factory=list)
    #: ``table -> positions in the batch table`` of records to append (new samples'
    #: records, and records of existing samples under a key the project lacks).
    new_records: dict[str, list[int]] = field(default_factory=dict)
    updates: list[FieldUpdate] = field(default_factory=list)
    clashes: list[IdClash] = field(default_factory=list)
    unchanged_samples: int = 0
    #: Batch identifiers the user said are the same case as a project one.
    same_case: dict[str, str] = field(default_factory=dict)

    @property
    def added_record_count(self) -> int:
        return sum(len(v) for v in self.new_records.values())

    def to_dict(self) -> dict[str, Any]:
        return {"new_samples": self.new_samples,
                "new_records": {t: len(v) for t, v in self.new_records.items() if v},
                "updates": [u.to_dict() for u in self.updates],
                "clashes": [c.to_dict() for c in self.clashes],
                "same_case": self.same_case,
                "unchanged_samples": self.unchanged_samples}


def _json(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _same(a: Any, b: Any) -> bool:
    a, b = _json(a), _json(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return bool(a) == bool(b) and type(a) is type(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return str(a) == str(b)


def _key(spec_key: tuple[str, ...], df: pd.DataFrame) -> list[tuple[str, ...]]:
    cols = [df[k].astype(object).where(df[k].notna(), None) for k in spec_key]
    return [tuple("" if v is None else str(v) for v in vals) for vals in zip(*cols, strict=True)] \
        if cols else [() for _ in range(len(df))]


def rename_cases(project: Cohort, batch: Cohort, same_case: dict[str, str]) -> Cohort:
    """``batch`` with the sample identifiers the user matched to project ones renamed
    (and their patients, when those too differ only in case or spacing)."""
    import dataclasses

    samples = batch.tables["samples"]
    proj = project.tables["samples"]
    proj_patient = dict(zip(proj["sample_id"].astype(str), proj["patient_id"], strict=True))
    patients: dict[str, str] = {}
    for b, p in same_case.items():
        rows = samples.loc[samples["sample_id"].astype(str) == b, "patient_id"]
        if len(rows) and p in proj_patient:
            bp, pp = str(rows.iloc[0]), str(proj_patient[p])
            if bp != pp and fold_id(bp) == fold_id(pp):
                patients[bp] = pp
    tables = {}
    for name, df in batch.tables.items():
        df = df.copy(deep=False)
        for col, names in (("sample_id", same_case), ("patient_id", patients)):
            if col in df.columns and names and not df.empty:
                df[col] = df[col].map(lambda v, m=names: m.get(str(v), v))
        tables[name] = df
    extra = batch.extra
    if not extra.empty:
        extra = extra.rename(index=lambda v: same_case.get(str(v), v))
    return dataclasses.replace(batch, tables=tables, extra=extra)


def compare(project: Cohort, batch: Cohort,
            corrections: list[Correction] | None = None,
            same_case: dict[str, str] | None = None) -> BatchComparison:
    """Compare ``batch`` (as imported) with the project's current ``project`` cohort.

    ``same_case`` maps batch identifiers to the project identifiers the user said they
    are (an identifier clash answered "same case"); they are then compared as such.
    """
    if same_case:
        batch = rename_cases(project, batch, same_case)
    out = BatchComparison(batch=batch, same_case=dict(same_case or {}))
    have = [str(s) for s in project.tables["samples"]["sample_id"].tolist()]
    have_set = set(have)
    folded = {fold_id(s): s for s in have}
    batch_ids = [str(s) for s in batch.tables["samples"]["sample_id"].tolist()]
    clashing: set[str] = set()
    for sid in dict.fromkeys(batch_ids):
        if sid in have_set:
            continue
        other = folded.get(fold_id(sid))
        if other is not None:
            out.clashes.append(IdClash(sid, other))
            clashing.add(sid)
        else:
            out.new_samples.append(sid)
    new_set = set(out.new_samples)
    # Patients: a batch patient id clashing likewise is left out with its samples.
    pat_have = {str(p) for p in project.tables["samples"]["patient_id"].tolist()}
    pat_folded = {fold_id(p): p for p in pat_have}
    samples_of: dict[str, list[str]] = {}
    for sid, pid in zip(have, project.tables["samples"]["patient_id"].tolist(), strict=True):
        samples_of.setdefault(str(pid), []).append(sid)
    corrected: dict[tuple[str, int, str], Correction] = {}
    for done in corrections or []:  # a cell's first correction holds the source's value
        corrected.setdefault((done.table, done.record, done.field), done)
    updated_samples: set[str] = set()
    for table in COMPARED:
        spec = TABLES_BY_NAME[table]
        bdf = batch.tables[table]
        if bdf.empty:
            continue
        pdf = project.tables[table]
        owner_col = "patient_id" if spec.per == "patient" else "sample_id"
        index = {k: i for i, k in reversed(list(enumerate(_key(spec.key, pdf))))}
        fields = [f for f in spec.field_names if f not in spec.key]
        added: list[int] = []
        for bi, bkey in enumerate(_key(spec.key, bdf)):
            owner = str(bdf[owner_col].iat[bi])
            if owner_col == "sample_id":
                if owner in clashing:
                    continue
                if owner in new_set:
                    added.append(bi)
                    continue
            elif owner not in pat_have:
                if fold_id(owner) in pat_folded:
                    continue  # reported with its samples
                added.append(bi)
                continue
            pi = index.get(bkey)
            if pi is None:
                if owner_col == "sample_id" and owner not in have_set:
                    continue  # a record of a sample the batch's Samples sheet lacks
                added.append(bi)
                continue
            for f in fields:
                old, new = pdf[f].iat[pi], bdf[f].iat[bi]
                if _same(old, new):
                    continue
                fix = corrected.get((table, pi, f))
                if fix is not None and _same(fix.old_value, new):
                    continue  # the source still holds what the correction replaced
                raw_col = RAW_PREFIX + f
                out.updates.append(FieldUpdate(
                    number=len(out.updates) + 1, table=table, record=pi, batch_record=bi,
                    owner=owner, key=" ".join(k for k, name in zip(bkey, spec.key,
                                                                   strict=True)
                                              if name not in ("sample_id", "patient_id") and k),
                    field=f, old_value=_json(old),
                    old_raw=_raw(pdf, raw_col, pi), new_value=_json(new),
                    new_raw=_raw(bdf, raw_col, bi), corrected=fix is not None,
                    case=", ".join(samples_of.get(owner, [])) if owner_col == "patient_id"
                    else owner))
                updated_samples.add(owner)
        if added:
            out.new_records[table] = added
    existing_in_batch = {s for s in batch_ids if s in have_set}
    out.unchanged_samples = len(existing_in_batch - updated_samples)
    return out


def _raw(df: pd.DataFrame, col: str, i: int) -> str | None:
    if col not in df.columns:
        return None
    v = df[col].iat[i]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def append_records(project: Cohort, comparison: BatchComparison) -> tuple[Cohort, list[str]]:
    """The project cohort with the batch's new records appended; the tables changed.

    Findings of the batch that concern the appended rows (or the whole file) are added;
    the batch's source joins the cohort's sources.
    """
    batch = comparison.batch
    tables = dict(project.tables)
    changed = []
    added_rows: set[tuple[str | None, int]] = set()
    for table, positions in comparison.new_records.items():
        if not positions:
            continue
        part = batch.tables[table].iloc[positions]
        added_rows.update(zip(part["_sheet"].tolist(), part["_row"].tolist(), strict=True))
        tables[table] = _concat(project.tables[table], part)
        changed.append(table)
    extra = project.extra
    if not batch.extra.empty and comparison.new_samples:
        rows = batch.extra.loc[batch.extra.index.astype(str).isin(comparison.new_samples)]
        extra = rows.copy() if extra.empty else _concat(extra, rows, keep_index=True)
    findings = list(project.findings)
    for f in batch.findings:
        rows_of = set(f.rows) | ({f.row} if f.row is not None else set())
        if not rows_of or any((f.sheet, r) in added_rows for r in rows_of):
            findings.append(f)
    from imft_desktop.model.findings import FindingList

    origin = dict(project.column_origin)
    for k, v in batch.column_origin.items():
        origin.setdefault(k, v)
    cohort = Cohort(tables=tables, findings=FindingList(findings),
                    sources=[*project.sources, *batch.sources], column_origin=origin,
                    extra=extra, mapping_profile=project.mapping_profile,
                    study=dict(project.study), value_dictionary=project.value_dictionary)
    return cohort, changed


def _concat(a: pd.DataFrame, b: pd.DataFrame, keep_index: bool = False) -> pd.DataFrame:
    """Rows of ``b`` after ``a``; columns of either, a missing cell ``None`` (object)."""
    a, b = a.copy(), b.copy()
    for col in b.columns:
        if col not in a.columns:
            a[col] = pd.Series([None] * len(a), index=a.index, dtype=object)
    for col in a.columns:
        if col not in b.columns:
            b[col] = pd.Series([None] * len(b), index=b.index, dtype=object)
    b = b[list(a.columns)]
    for col in a.columns:
        if a[col].dtype != b[col].dtype and not (len(a) and len(b) and
                                                  a[col].dtype.kind == b[col].dtype.kind):
            a[col] = a[col].astype(object)
            b[col] = b[col].astype(object)
    out = pd.concat([a, b], ignore_index=not keep_index)
    if keep_index:
        out.index.name = a.index.name
    return out
