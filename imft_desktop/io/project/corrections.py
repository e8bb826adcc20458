"""Correcting one value by hand: find the record, read the new text as an import would.

A field is addressed as ``TABLE.FIELD`` (``fish.percent_split``), with the record's key
in brackets when a sample has several records of the table (``fish[ALK].call``,
``ihc[ALK D5F3].call``), or by its bare name when that is unambiguous (``age``,
``pfs_months``).  Outcome fields belong to the sample's patient.

The new text is read by the parser that reads the field on import (``parse_distinct``),
in the field's canonical unit unless the text names its own ("365 d").  An error
refuses the correction with the parser's message; the normalised value, the raw text
and the parser's structured extras (``gene_5``, a ``<`` qualifier) replace the old ones.
A record that an error in this very cell had kept out of the analysis comes back in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from imft_desktop.model.cohort import RAW_PREFIX, Cohort
from imft_desktop.model.schema import TABLES, TABLES_BY_NAME
from imft_desktop.model.vocab import Level

if TYPE_CHECKING:
    from imft_desktop.io.validation.context import ValidationContext

#: ``validation.tables.MISSING_PREFIX``, repeated so that opening a project does not load
#: the validators (tests check the two agree).
MISSING_PREFIX = "missing:"

_ADDRESS = re.compile(r"^\s*(?:(?P<table>[a-z_]+)\s*(?:\[(?P<key>[^\]]*)\])?\s*\.)?"
                      r"\s*(?P<field>[a-z_0-9]+)\s*$", re.IGNORECASE)

#: Tables whose records a sample (or its patient) owns; study settings are not corrected.
_OWNED = tuple(s.name for s in TABLES if s.per in ("sample", "patient"))


class CorrectionRejected(ValueError):
    """The correction cannot be made; ``str()`` says why in the user's words."""


@dataclass(frozen=True)
class FieldAddress:
    """Which value: a table's field of one record, by position in the cohort's table."""

    table: str
    record: int
    field: str
    sample_id: str | None

    @property
    def label(self) -> str:
        return f"{self.sample_id} {self.table}.{self.field}"


def _key_text(spec_key: tuple[str, ...], row: pd.Series) -> str:
    parts = [str(row[k]) for k in spec_key if k not in ("sample_id", "patient_id")
             and row.get(k) is not None and str(row.get(k)) not in ("", "nan", "None")]
    return " ".join(parts)


def locate(cohort: Cohort, sample_id: str, address: str) -> FieldAddress:
    """The record and field that ``address`` names for ``sample_id``.

    Raises ``CorrectionRejected`` (unknown sample or field, or several records where
    the address must say which).
    """
    m = _ADDRESS.match(address or "")
    if not m:
        raise CorrectionRejected(f'"{address}" is not a field; write e.g. fish[ALK].call '
                                 "or outcomes.pfs_months")
    table, key, field = (m.group("table") or "").lower(), m.group("key"), m.group("field")
    field = field.lower()
    samples = cohort.tables["samples"]
    hits = samples.index[samples["sample_id"].astype(str) == str(sample_id)].tolist()
    if not hits:
        raise CorrectionRejected(f"there is no sample {sample_id} in this cohort")
    patient = samples.at[hits[0], "patient_id"]
    if table:
        if table not in TABLES_BY_NAME or table not in _OWNED:
            raise CorrectionRejected(f'"{table}" is not a table of sample values; tables: '
                                     + ", ".join(_OWNED))
        candidates = [table]
    else:
        candidates = [t for t in _OWNED if field in TABLES_BY_NAME[t].field_names
                      and field not in ("sample_id", "patient_id")]
        if len(candidates) > 1:
            raise CorrectionRejected(f'"{field}" is a field of {", ".join(candidates)}: '
                                     f"write TABLE.{field}")
    if not candidates or field not in TABLES_BY_NAME[candidates[0]].field_names:
        where = candidates[0] if candidates else "any table"
        raise CorrectionRejected(f'"{field}" is not a field of {where}')
    table = candidates[0]
    spec = TABLES_BY_NAME[table]
    if field in spec.key and field in ("sample_id", "patient_id"):
        raise CorrectionRejected("identifiers are not corrected here: fix them in the "
                                 "source file and add it again")
    df = cohort.tables[table]
    if spec.per == "patient":
        rows = df.index[df["patient_id"].astype(str) == str(patient)].tolist()
    elif table == "samples":
        rows = hits
    else:
        rows = df.index[df["sample_id"].astype(str) == str(sample_id)].tolist()
    if key is not None:
        wanted = key.strip().casefold()
        rows = [r for r in rows if _key_text(spec.key, df.loc[r]).casefold() == wanted
                or any(str(df.at[r, k]).casefold() == wanted for k in spec.key
                       if k not in ("sample_id", "patient_id"))]
    if not rows:
        raise CorrectionRejected(f"sample {sample_id} has no {table} record"
                                 + (f" for {key}" if key else ""))
    if len(rows) > 1:
        keys = ", ".join(_key_text(spec.key, df.loc[r]) or "?" for r in rows)
        raise CorrectionRejected(f"sample {sample_id} has {len(rows)} {table} records "
                                 f"({keys}): write {table}[KEY].{field}")
    return FieldAddress(table, int(rows[0]), field, str(sample_id))


@dataclass(frozen=True)
class Reading:
    """What the parser made of the new text."""

    value: Any
    raw: str
    extra: tuple[tuple[str, Any], ...]
    missing: str | None
    warnings: tuple[str, ...]


def read_value(table: str, field: str, text: str, ctx: ValidationContext | None = None
               ) -> Reading:
    """Read ``text`` as field ``field`` of ``table`` is read on import.

    Raises ``CorrectionRejected`` with the parser's message when it is an error.
    """
    # The validators load on the first correction, not when a project opens.
    from imft_desktop.io.read.records import RawTable
    from imft_desktop.io.validation import codes
    from imft_desktop.io.validation.context import ValidationContext
    from imft_desktop.io.validation.tables import parse_distinct

    ctx = ctx or ValidationContext()
    rt = RawTable(table=table, file="", sheet="", rows=[])
    cell: Any = text
    parsed = parse_distinct(rt, field, [cell], ctx)[cell]
    messages = []
    for note in parsed.notes:
        level = codes.level_of(note.code)
        finding = codes.make(note.code, value=text, normalised=note.normalised,
                             detail=note.detail or "")
        if level is Level.ERROR:
            raise CorrectionRejected(f'"{text}" cannot be used for {table}.{field}: '
                                     f"{finding.message}")
        if level is Level.WARNING:
            messages.append(finding.message)
    return Reading(parsed.value, text, tuple(parsed.extra), parsed.missing, tuple(messages))


def current_value(cohort: Cohort, at: FieldAddress) -> tuple[Any, str | None]:
    """The stored value and raw text at ``at``."""
    df = cohort.tables[at.table]
    raw_col = RAW_PREFIX + at.field
    raw = df.at[at.record, raw_col] if raw_col in df.columns else None
    return _plain(df.at[at.record, at.field]), None if raw is None else str(raw)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _set(df: pd.DataFrame, column: str, record: int, value: Any) -> pd.DataFrame:
    """``df`` with one cell set, the column replaced (never written into in place: the
    previous cohort may still be on screen or on an undo stack)."""
    if column not in df.columns:
        col = pd.Series([None] * len(df), index=df.index, dtype=object)
    else:
        col = df[column].copy()
    if col.dtype.kind == "f" and value is None:
        value = np.nan
    elif not _fits(col, value):
        col = col.astype(object)
    col.iloc[record] = value
    df[column] = col
    return df


def _fits(col: pd.Series, value: Any) -> bool:
    """Whether ``value`` can go into ``col`` without changing its dtype."""
    if col.dtype == bool:
        return isinstance(value, bool | np.bool_)
    if col.dtype.kind in "fi":
        return isinstance(value, int | float | np.number) and not isinstance(value, bool)
    return True


def apply_value(cohort: Cohort, at: FieldAddress, value: Any, raw: str | None,
                extra: tuple[tuple[str, Any], ...] = (), missing: str | None = None,
                reinclude: bool = True) -> tuple[Cohort, list[str]]:
    """A new cohort with the value at ``at`` replaced; the columns written.

    The other tables are shared with ``cohort`` (frames are never changed in place).
    """
    df = cohort.tables[at.table].copy(deep=False)
    touched = [at.field]
    df = _set(df, at.field, at.record, value)
    if RAW_PREFIX + at.field in df.columns or raw is not None:
        df = _set(df, RAW_PREFIX + at.field, at.record, raw)
        touched.append(RAW_PREFIX + at.field)
    miss = MISSING_PREFIX + at.field
    if miss in df.columns or missing is not None:
        df = _set(df, miss, at.record, missing)
        touched.append(miss)
    for k, v in extra:
        name = f"{at.field}_{k}" if k == "qualifier" else k
        if name in df.columns:
            df = _set(df, name, at.record, v)
            touched.append(name)
    qualifier = f"{at.field}_qualifier"
    if qualifier in df.columns and qualifier not in touched:
        df = _set(df, qualifier, at.record, None)
        touched.append(qualifier)
    if reinclude and bool(df.at[at.record, "_excluded"]) and _excluded_by_cell(cohort, at):
        df = _set(df, "_excluded", at.record, False)
        df = _set(df, "_reason", at.record, None)
        touched += ["_excluded", "_reason"]
    tables = dict(cohort.tables)
    tables[at.table] = df
    new = Cohort(tables=tables, findings=cohort.findings, sources=cohort.sources,
                 column_origin=cohort.column_origin, extra=cohort.extra,
                 mapping_profile=cohort.mapping_profile, study=cohort.study,
                 value_dictionary=cohort.value_dictionary)
    return new, list(dict.fromkeys(touched))


def _excluded_by_cell(cohort: Cohort, at: FieldAddress) -> bool:
    """True when every reason that kept the record out is an error in this cell."""
    df = cohort.tables[at.table]
    reasons = {r for r in str(df.at[at.record, "_reason"] or "").split(",") if r}
    if not reasons:
        return False
    row = int(df.at[at.record, "_row"])
    sheet = df.at[at.record, "_sheet"]
    letter = df.at[at.record, "_column"]
    origin = cohort.column_origin.get((at.table, at.field))
    if not letter and origin is not None:
        letter = origin.column
    cell_codes = {
        f.code for f in cohort.findings
        if f.level is Level.ERROR and f.sheet == sheet and f.column == letter
        and (f.row == row or row in f.rows)
    }
    return bool(cell_codes) and reasons <= cell_codes
