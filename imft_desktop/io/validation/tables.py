"""Validate raw tables into typed, normalised DataFrames plus findings.

Both input shapes (canonical template sheets and one-row-per-case sheets) arrive here
as ``RawTable`` objects, so every rule is written once.  The work is column-wise:
each column's distinct raw values are parsed once (``imft_desktop.io.validation.values``) and the
results are spread back over the rows.  Findings carry the file, sheet, Excel row,
column letter, header and raw value, with codes from ``imft_desktop.io.validation.codes``.

An ERROR keeps its record out of the analysis: the record is stored with
``_excluded=True`` and the error codes in ``_reason``.  Nothing is dropped.
Cross-record and cross-table rules (duplicates, orphans, FISH calls, survival,
sequencing denominators) live in ``imft_desktop.io.validation.cross``.

Besides the schema's fields and the bookkeeping columns, a frame may carry:

``<field>_qualifier``  for qualified numbers: ``<``, ``>``, ``<=``, ``>=``, ``~`` or a
                       range ``5-10`` (the field then holds the bound or the midpoint)
``missing:<field>``    explicit missing category of a token (``not done``, ``unknown``,
                       ``pending``, ``not applicable``, ``not evaluable``)
``gene_5``, ``gene_3``, ``partner_unknown``, ``rearranged_gene``
                       fusions, split from the normalised ``fusion`` (``?::ALK``)
``region_kind``, ``region_event``, ``region_numeric``
                       CN calls: arm / chromosome / focal / gene, the event written in
                       the region cell ("22q loss"), and whether Excel stored it as a number
``germline``           variants / fusions: the raw germline flag, when a column has one
``implied``            sequencing: True for a row added because an alteration row named
                       its assay (``SEQUENCING_IMPLIED``)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.io.read.records import RawColumn, RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.context import ValidationContext
from imft_desktop.io.validation.copy_number import cna_event_parser_for
from imft_desktop.io.validation.cross import cross_validate
from imft_desktop.io.validation.outcome_times import time_unit_findings, times_from_dates
from imft_desktop.io.validation.value_memo import ParsedColumn, ValueMemo, row_groups, spread_sparse
from imft_desktop.io.validation.values import (
    Note,
    NumberRules,
    Parsed,
    Parser,
    event_token,
    make_date_parser,
    parse_assay,
    parse_assembly,
    parse_bool,
    parse_call,
    parse_cell,
    parse_chrom,
    parse_cna_event,
    parse_fusion,
    parse_gene,
    parse_id,
    parse_intensity,
    parse_marker,
    parse_number,
    parse_protein,
    parse_recist,
    parse_region,
    parse_sex,
    parse_status,
    parse_text,
    raw_text,
)
from imft_desktop.model.cohort import BOOKKEEPING, RAW_PREFIX
from imft_desktop.model.event_coding import default_code as default_event_code
from imft_desktop.model.findings import Finding
from imft_desktop.model.schema import TABLES, TABLES_BY_NAME, FieldSpec, TableSpec
from imft_desktop.model.vocab import AssayCall, CnaEvent, Level

MISSING_PREFIX = "missing:"

#: Plausible ranges per (table, field); percent fields default to 0-100.
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("samples", "age"): (0, 120),
    ("ihc", "h_score"): (0, 300),
    ("fish", "nuclei_scored"): (1, None),
    ("fusions", "supporting_reads"): (0, None),
    ("variants", "vaf"): (0, 1),
    ("cn_segments", "start"): (0, None),
    ("cn_segments", "end"): (0, None),
    ("cn_segments", "markers"): (0, None),
    ("outcomes", "best_percent_change"): (-100, None),
    ("outcomes", "time_on_treatment_months"): (0, None),
}

#: Required fields whose emptiness is judged across fields (validate_cross): an empty
#: call means not tested (FISH calls are derived), a patient-less sample has its own
#: code, and a CNA event may be written in the region cell ("22q loss").
CROSS_CHECKED_REQUIRED = {
    ("ihc", "call"),
    ("fish", "call"),
    ("samples", "patient_id"),
    ("cn_calls", "event"),
    ("study", "value"),  # a key left blank is simply not set
}

#: Module-level parsers whose memo is shared across columns of one run.
SHAREABLE = frozenset(
    {parse_id, parse_gene, parse_marker, parse_text, parse_call, parse_assay, parse_status,
     parse_sex, parse_assembly}
)

#: Extra (non-schema) fields a sheet may carry that the validator understands.
GERMLINE_FIELD = "germline"


# ---------------------------------------------------------------------------- parsers


def number_rules(spec: TableSpec, f: FieldSpec, ctx: ValidationContext) -> NumberRules:
    """The ``NumberRules`` of a numeric field (range, unit, integer, percent)."""
    lo, hi = RANGES.get((spec.name, f.name), (None, None))
    if f.kind == "percent":
        lo, hi = (0.0 if lo is None else lo), (100.0 if hi is None else hi)
    # "%" is accepted in any column measured in percent (best % change: -45%)
    percent = f.kind == "percent" or f.unit == "%"
    return NumberRules(
        unit=f.unit,
        lo=lo,
        hi=hi,
        integer=f.kind == "integer",
        percent=percent,
        decimal_comma=ctx.decimal_comma,
    )


def parser_for(spec: TableSpec, f: FieldSpec, ctx: ValidationContext) -> Parser:
    """The value parser of field ``f`` of table ``spec``."""
    kind = f.kind
    if kind in ("number", "integer", "percent"):
        rules = number_rules(spec, f, ctx)
        return lambda raw: parse_number(raw, rules)
    simple: dict[str, Parser] = {
        "id": parse_id,
        "text": parse_text,
        "call": parse_call,
        "recist": parse_recist,
        "gene": parse_gene,
        "fusion": parse_fusion,
        "protein": parse_protein,
        "chrom": parse_chrom,
        "region": parse_region,
        "cna_event": parse_cna_event,
        "assay": parse_assay,
        "status": parse_status,
        "intensity": parse_intensity,
        "bool": parse_bool,
    }
    if kind == "gene" and spec.name in ("ihc", "fish"):
        return parse_marker
    if f.name == "sex":
        return parse_sex
    if f.name == "assembly":
        return parse_assembly
    if kind in simple:
        return simple[kind]
    if kind == "date":
        return make_date_parser(ctx.date_system)
    return parse_text


def field_parser(rt: RawTable, spec: TableSpec, f: FieldSpec, ctx: ValidationContext) -> Parser:
    """``parser_for`` adjusted by the hints a one-row-per-case mapping leaves in
    ``rt.constants`` (source unit, implied CNA event, fusion gene named in the header)."""
    source_unit = rt.constants.get(f"_unit:{f.name}")
    if source_unit and f.kind in ("number", "integer"):
        rules = replace(number_rules(spec, f, ctx), source_unit=str(source_unit))
        return lambda raw: parse_number(raw, rules)
    implied = rt.constants.get("_implied_event")
    region = rt.constants.get("region")
    if implied and f.name == "event" and spec.name == "cn_calls":
        return _implied_event_parser(str(implied), str(region or ""))
    if region and f.name == "event" and spec.name == "cn_calls":
        return cna_event_parser_for(str(region))
    gene = rt.constants.get("_gene")
    if gene and f.kind == "fusion":
        return _gene_fusion_parser(str(gene))
    return parser_for(spec, f, ctx)


def parse_distinct(
    rt: RawTable, field_name: str, cells: list[Any], ctx: ValidationContext
) -> dict[Any, Parsed]:
    """Each distinct cell of ``cells`` parsed exactly as ``validate_raw_table`` parses
    field ``field_name`` of ``rt`` (same parser, hints and event coding)."""
    spec = TABLES_BY_NAME[rt.table]
    f = spec.field(field_name)
    if f.kind == "event":
        coding = rt.constants.get(f"_event_coding:{f.name}") or ctx.event_mapping
        return _event_results(list(cells), coding)
    parser = field_parser(rt, spec, f, ctx)
    return {c: parse_cell(c, parser) for c in dict.fromkeys(cells)}


def _implied_event_parser(event: str, region: str) -> Parser:
    """Column "22q loss" with yes/no cells: yes means the header's event, no neutral."""
    implied = parse_cna_event(event).value or event
    by_word = cna_event_parser_for(region) if region else parse_cna_event

    def parse(raw: Any) -> Parsed:
        flag = parse_bool(raw)
        if flag.value is True:
            return Parsed(implied, (Note("VOCAB_NORMALISED", implied),))
        if flag.value is False:
            return Parsed(str(CnaEvent.NEUTRAL), (Note("VOCAB_NORMALISED", "neutral"),))
        return by_word(raw)

    return parse


def _gene_fusion_parser(gene: str) -> Parser:
    """Column "ALK partner" / "ALK fusion": a lone partner symbol means PARTNER::GENE."""

    def parse(raw: Any) -> Parsed:
        if isinstance(raw, str) and not any(sep in raw for sep in (":", "/", "-", " ")):
            partner = parse_gene(raw)
            if partner.value is not None and partner.value != gene:
                fused = parse_fusion(f"{partner.value}::{gene}")
                return fused.with_notes(Note("FUSION_NORMALISED", fused.value))
        call = parse_call(raw)
        if call.value == str(AssayCall.POSITIVE):
            return parse_fusion(f"{gene} rearranged")
        return parse_fusion(raw)

    return parse


def _hashable(values: list[Any]) -> tuple[list[Any], dict[Any, None]]:
    """Cells are scalars; anything unhashable (never produced by the readers) is
    replaced by its text so that parsing can memoise on values.  Returns the values
    and their distinct values (in first-seen order), computed in the same pass."""
    try:
        return values, dict.fromkeys(values)
    except TypeError:
        out = []
        for v in values:
            try:
                hash(v)
            except TypeError:
                v = repr(v)
            out.append(v)
        return out, dict.fromkeys(out)


# ---------------------------------------------------------------------------- one raw table


@dataclass
class TableResult:
    """One ``RawTable`` validated: its columns (equal-length arrays) and findings."""

    columns: dict[str, np.ndarray]
    length: int
    findings: list[Finding]

    @property
    def frame(self) -> pd.DataFrame:
        """The columns as a DataFrame (columns are not copied)."""
        return _frame(self.columns, self.length)


def _frame(columns: dict[str, Any], length: int) -> pd.DataFrame:
    """A DataFrame over ``columns`` without copying or consolidating them.

    ``copy=False`` keeps one block per column: pandas' consolidation copies every object
    column of a 100k-row table into one 2-D block, which cost more than a second per
    import and bought nothing (the frames are read column by column).
    """
    return pd.DataFrame(columns, index=pd.RangeIndex(length), copy=False)


class _Origin:
    """Where a field of a raw table came from (for findings)."""

    def __init__(self, rt: RawTable):
        self.rt = rt

    def letter(self, name: str) -> str | None:
        col = self.rt.columns.get(name)
        return col.letter if col is not None else self.rt.record_column

    def header(self, name: str) -> str | None:
        col = self.rt.columns.get(name)
        if col is not None:
            return col.header
        return self.rt.constant_origin


def _finding_from_note(
    note: Any, rt: RawTable, row: int | None, letter: str | None, header: str | None, raw: Any
) -> Finding:
    return codes.make(
        note.code,
        file=rt.file,
        sheet=rt.sheet,
        row=row,
        column=letter,
        header=header,
        value=raw,
        normalised=note.normalised,
        hint=note.hint,
        detail=note.detail,
    )


def _event_results(
    values: list[Any], event_mapping: dict[str, int] | None
) -> dict[Any, Parsed]:
    """Event column: each distinct value read once, for the whole column.

    0/1 and ``1:PROGRESSED`` pass; the built-in event words (yes/no, Y/N, TRUE/FALSE,
    progressed/censored, dead/alive, ``model.event_coding``) are read with a note,
    mixed with 0/1 in any row order; a column of 1 and 2 without 0 is read with R's
    coding (1 = censored, 2 = event) and a warning.  A user's coding (``event_mapping``)
    wins; anything else is a finding, never a guess.
    """
    firsts = {v: event_token(v) for v in dict.fromkeys(values)}
    mapping = {str(k).strip().casefold(): int(v) for k, v in (event_mapping or {}).items()}
    codes_seen = {c for c, _t, p in firsts.values() if c is not None and p is None}
    tokens = {t for _c, t, _p in firsts.values() if t is not None}
    one_two = "2" in tokens and 0 not in codes_seen and not mapping
    # a coding that agrees with the built-in words (not an inverted "censored" column)
    # lets the built-in words fill its gaps; an inverted one does not
    plain = all(default_event_code(k) in (None, v) for k, v in mapping.items())
    memo: dict[Any, Parsed] = {}
    for v, (code, token, parsed) in firsts.items():
        if parsed is not None:
            memo[v] = parsed
        elif mapping:
            memo[v] = _mapped_event(code, token, mapping, plain)
        elif one_two and (token == "2" or code == 1):
            memo[v] = Parsed(1 if token == "2" else 0, (Note(
                "EVENT_R_CODING", 1 if token == "2" else 0),))
        elif token is None:
            memo[v] = Parsed(code)
        else:
            memo[v] = _worded_event(token, "0 or 1")
    return memo


def _mapped_event(code: int | None, token: str | None, mapping: dict[str, int],
                  plain: bool) -> Parsed:
    """One event value under the user's coding (built-in words fill a plain coding)."""
    key = token if token is not None else str(code)
    if key in mapping and mapping[key] in (0, 1):
        mapped = mapping[key]
        return Parsed(mapped, () if str(mapped) == key else (Note("EVENT_MAPPED", mapped),))
    if token is None and not any(k in ("0", "1") for k in mapping):
        return Parsed(code)
    detail = ", ".join(f"{k} = {m}" for k, m in mapping.items())
    if plain and token is not None and default_event_code(token) is not None:
        return _worded_event(token, detail)
    return Parsed(None, (Note("EVENT_VALUE_OUTSIDE_MAPPING", None, detail),))


def _worded_event(token: str, coding: str) -> Parsed:
    """A built-in event word read with a note, or a finding naming the coding."""
    word = default_event_code(token)
    if word is not None:
        return Parsed(word, (Note("EVENT_WORD_READ", word, detail="built-in event words"),))
    return Parsed(None, (Note("EVENT_VALUE_OUTSIDE_MAPPING", None, coding),))


NUMERIC_KINDS = frozenset({"number", "integer", "percent", "event"})


def _column_array(values: Any, n: int, *, numeric: bool) -> Any:
    """A frame column: numeric fields as float (NaN for missing), the rest as object.

    ``np.fromiter`` builds object arrays about 3x faster than pandas' own conversion of
    a list (which probes every element), and keeps Python values (``True``, ``"7"``)
    exactly as parsed instead of inferring a dtype.
    """
    if isinstance(values, np.ndarray):
        array = values
    else:
        array = np.fromiter(values, dtype=object, count=n)
    if numeric and array.dtype == object:
        return pd.to_numeric(array, errors="coerce")
    return array


def _parse_column(
    rt: RawTable, spec: TableSpec, f: FieldSpec, ctx: ValidationContext, cells: list[Any]
) -> ParsedColumn:
    """Parse one column, once per distinct value.

    Parsers whose result depends on the value alone share one memo per import (sample
    IDs recur on every sheet), except for columns holding booleans: ``True == 1`` in a
    dict, so those are parsed on their own.  A column with the same cells as one parsed
    before by the same shared parser (the sample IDs of every table fed by a
    one-row-per-case sheet) reuses that result.
    """
    if f.kind == "event":
        values, distinct = _hashable(cells)
        coding = rt.constants.get(f"_event_coding:{f.name}") or ctx.event_mapping
        return ParsedColumn.build(values, distinct, set(map(type, distinct)),
                                  ValueMemo.of(_event_results(values, coding)))
    parser = field_parser(rt, spec, f, ctx)
    shareable = parser in SHAREABLE
    if shareable:
        for done in ctx.columns.get(parser, ()):
            if done.same_cells(cells):
                return done.copy()
    values, distinct = _hashable(cells)
    types = set(map(type, distinct))
    if shareable and bool not in types:
        memo = ctx.memo.get(parser)
        if memo is None:
            memo = ctx.memo[parser] = ValueMemo(parser)
    else:
        memo = ValueMemo(parser)
    memo.learn(distinct)
    parsed = ParsedColumn.build(values, distinct, types, memo)
    if shareable and bool not in types:
        recent = ctx.columns.setdefault(parser, [])
        recent.insert(0, parsed)
        del recent[_RECENT_COLUMNS:]
    return parsed


#: Parsed columns remembered per shared parser (sample IDs, patient IDs, ...).
_RECENT_COLUMNS = 4


def _column_findings(
    rt: RawTable,
    col: RawColumn,
    kind: str,
    memo: ValueMemo,
    groups: dict[Any, list[int]],
    noted: set[Any],
    empty: set[Any],
    raw_col: Any,
    exclude: Callable[[int, str], None],
) -> list[Finding]:
    """Findings of one column: errors and warnings in row order, then one INFO finding
    per normalisation listing its rows.

    What a parser says about a value it says about every cell holding that value, so a
    value repeated down the column ("no loss" on 5,000 rows, "neg" -> "negative" on
    9,000) is one finding listing its rows (``Finding.rows``), as cBioPortal's validator
    collapses identical messages; each of those cells is still excluded on an error.
    Cells whose text differs only in spacing or case are different values here (the
    value dictionary groups them for the user).
    """
    rows = rt.rows
    code = "ID_MISSING" if kind == "id" else "VALUE_REQUIRED_MISSING"
    info_findings: list[Finding] = []
    per_cell: list[tuple[int, int, Finding]] = []
    for v, idxs in groups.items():
        if v not in noted and v not in empty:
            continue
        notes = memo.parsed[v].notes if v in noted else ()
        info = [note for note in notes if codes.level_of(note.code) is Level.INFO]
        for note_no, note in enumerate(notes):
            level = codes.level_of(note.code)
            if level is Level.INFO:
                continue
            at = [rows[i] for i in idxs]
            finding = _finding_from_note(note, rt, at[0], col.letter, col.header, raw_col[idxs[0]])
            per_cell.append((idxs[0], note_no,
                             replace(finding, rows=tuple(at)) if len(at) > 1 else finding))
            if level is Level.ERROR:
                for i in idxs:
                    exclude(i, note.code)
        if v in empty:
            # Required values: an empty identifier or gene leaves the record unusable.
            for i in idxs:
                per_cell.append((i, len(notes), codes.make(
                    code, file=rt.file, sheet=rt.sheet, row=rows[i],
                    column=col.letter, header=col.header, value=raw_col[i])))
                exclude(i, code)
        for note in info:
            at = [rows[i] for i in idxs]
            finding = _finding_from_note(note, rt, at[0], col.letter, col.header, raw_text(v))
            info_findings.append(replace(finding, rows=tuple(at)) if len(at) > 1 else finding)
    # Errors and warnings in row order, as a reader scans the sheet.
    per_cell.sort(key=lambda item: (item[0], item[1]))
    return [f for _i, _k, f in per_cell] + info_findings


def validate_raw_table(rt: RawTable, ctx: ValidationContext) -> TableResult:
    """Parse and check one raw table on its own (no cross-table rules)."""
    spec = TABLES_BY_NAME[rt.table]
    n = len(rt.rows)
    origin = _Origin(rt)
    findings: list[Finding] = []
    reasons: dict[int, list[str]] = {}
    data: dict[str, Any] = {}
    raw_cols: dict[str, Any] = {}
    extra_cols: dict[str, Any] = {}
    missing_cols: dict[str, list[Any]] = {}
    rows = rt.rows

    def exclude(i: int, code: str) -> None:
        lst = reasons.setdefault(i, [])
        if code not in lst:
            lst.append(code)

    extra_fields = [name for name in rt.columns if name not in spec.field_names]
    combined = bool(rt.constants.get("_combined"))
    inferred = rt.constants.get("_inferred")
    if inferred and (isinstance(inferred, str) or rt.constant_origin):
        findings.append(codes.make(
            "SEQUENCING_INFERRED", file=rt.file, sheet=rt.sheet, column=rt.record_column,
            detail=inferred if isinstance(inferred, str) else rt.constant_origin))
    for f in spec.fields:
        col = rt.columns.get(f.name)
        if combined and f.name == "event":
            col = None  # the region cell holds the event too ("22q loss"): parsed there
        if col is None and f.name in rt.constants:
            parsed = parse_cell(rt.constants[f.name], field_parser(rt, spec, f, ctx))
            for note in parsed.notes:
                findings.append(_finding_from_note(
                    note, rt, None, rt.record_column, rt.constant_origin, rt.constants[f.name]))
            data[f.name] = _filled(parsed.value, n)
            for k, v in parsed.extra:
                extra_cols[f"{f.name}_{k}" if k == "qualifier" else k] = _filled(v, n)
            if parsed.is_error:
                for i in range(n):
                    exclude(i, parsed.notes[0].code)
            continue
        if col is None:
            data[f.name] = _filled(None, n)
            if f.required and n and (spec.name, f.name) not in CROSS_CHECKED_REQUIRED:
                key = (rt.file, rt.sheet, f.name)
                if key not in ctx.reported_missing:
                    ctx.reported_missing.add(key)
                    findings.append(codes.make(
                        "COLUMN_REQUIRED_MISSING", file=rt.file, sheet=rt.sheet,
                        value=f.name, detail="none"))
                for i in range(n):
                    exclude(i, "COLUMN_REQUIRED_MISSING")
            continue
        source_unit = rt.constants.get(f"_unit:{f.name}")
        if source_unit and source_unit != f.unit:
            findings.append(codes.make(
                "UNIT_COLUMN_CONVERTED", file=rt.file, sheet=rt.sheet, column=col.letter,
                header=col.header, value=source_unit, normalised=f.unit))
        findings.extend(time_unit_findings(rt, f.name, col.letter, col.header))
        parsed_col = _parse_column(rt, spec, f, ctx, col.values)
        values, distinct, memo = parsed_col.values, parsed_col.distinct, parsed_col.memo
        data[f.name] = parsed_col.data
        raw_col = parsed_col.raw
        raw_cols[f.name] = raw_col
        special = memo.special_in(distinct)
        if not special:
            continue
        results = memo.parsed
        required = f.required and (spec.name, f.name) not in CROSS_CHECKED_REQUIRED
        noted = {v for v in special if results[v].notes}
        empty = {v for v in special if results[v].value is None and not results[v].is_error
                 } if required else set()
        with_extra = {v for v in special if results[v].extra}
        with_missing = {v: results[v].missing for v in special if results[v].missing is not None}
        if not (noted or empty or with_extra or with_missing):
            continue
        groups = row_groups(values, noted | empty | with_extra)
        if with_extra:
            # extra columns in the order their keys are first met down the column
            keys = dict.fromkeys(k for v in groups if v in with_extra for k, _x in results[v].extra)
            for k in keys:
                name = f"{f.name}_{k}" if k == "qualifier" else k
                extra_cols[name] = spread_sparse(values, distinct, {
                    v: dict(results[v].extra).get(k) for v in with_extra})
        if with_missing:
            missing_cols[f.name] = spread_sparse(values, distinct, with_missing)
        if noted or empty:
            findings.extend(_column_findings(
                rt, col, f.kind, memo, groups, noted, empty, raw_col, exclude))

    # Germline flag columns (variants/fusions): warn, keep.
    for name in extra_fields:
        col = rt.columns[name]
        if name == GERMLINE_FIELD:
            for i, v in enumerate(col.values):
                text = (raw_text(v) or "").strip().casefold()
                if text in {"germline", "yes", "y", "true", "1", "x", "germ"}:
                    findings.append(codes.make(
                        "GERMLINE_VARIANT", file=rt.file, sheet=rt.sheet, row=rows[i],
                        column=col.letter, header=col.header, value=raw_text(v)))
            extra_cols[GERMLINE_FIELD] = [raw_text(v) for v in col.values]
    if spec.name == "variants" and "variant_class" in data:
        for i, v in enumerate(data["variant_class"]):
            if isinstance(v, str) and "germline" in v.casefold():
                findings.append(codes.make(
                    "GERMLINE_VARIANT", file=rt.file, sheet=rt.sheet, row=rows[i],
                    column=origin.letter("variant_class"),
                    header=origin.header("variant_class"), value=v))

    # Hidden rows: warn once per sheet; leave out if the user asked.
    if rt.hidden_rows and not ctx.include_hidden_rows:
        row_index = {r: i for i, r in enumerate(rows)}
        for r in rt.hidden_rows:
            if r in row_index:
                exclude(row_index[r], "ROWS_HIDDEN")

    excluded = np.zeros(n, dtype=bool)
    reason_col = _filled(None, n)
    for i, lst in reasons.items():
        excluded[i] = True
        reason_col[i] = ",".join(lst)
    numeric = {f.name for f in spec.fields if f.kind in NUMERIC_KINDS}
    columns: dict[str, Any] = dict(data)
    columns.update(extra_cols)
    columns["_source"] = _filled(rt.file, n)
    columns["_sheet"] = _filled(rt.sheet, n)
    columns["_row"] = np.asarray(rows, dtype=np.int64)
    columns["_column"] = _filled(rt.record_column, n)
    columns["_excluded"] = excluded
    columns["_reason"] = reason_col
    for name, vals in raw_cols.items():
        columns[RAW_PREFIX + name] = vals
    for name, vals in missing_cols.items():
        if any(v is not None for v in vals):
            columns[MISSING_PREFIX + name] = vals
    arrays = {
        name: _column_array(vals, n, numeric=name in numeric) for name, vals in columns.items()
    }
    return TableResult(arrays, n, findings)


def _filled(value: Any, n: int) -> np.ndarray:
    """An object column holding ``value`` on every row (a C-level fill, no list)."""
    array = np.empty(n, dtype=object)
    array.fill(value)
    return array


# ---------------------------------------------------------------------------- all tables


def _study_dict(frame: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    if frame.empty:
        return out
    for k, v, excl in zip(frame["key"], frame["value"], frame["_excluded"]):
        if k is not None and not excl:
            out[str(k).strip().casefold()] = "" if v is None else str(v)
    return out


def validate_tables(
    tables: list[RawTable], *, context: ValidationContext | None = None
) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Validate raw tables into canonical DataFrames and findings.

    Parameters
    ----------
    tables:
        Raw tables from any number of sheets/files; several may feed one canonical table.
    context:
        Settings (FISH threshold, event mapping, hidden rows ...).

    Returns
    -------
    (tables, findings)
        One DataFrame per canonical table that received records (field columns,
        extra structured columns, bookkeeping, ``raw:<field>`` and
        ``missing:<field>`` columns) and every finding, in sheet order.
    """
    ctx = context or ValidationContext()
    findings: list[Finding] = []
    parts: dict[str, list[TableResult]] = {}
    origins: dict[str, list[RawTable]] = {}
    hidden_seen: set[tuple[str, str]] = set()
    order = {t.name: i for i, t in enumerate(TABLES)}
    total = max(1, sum(len(t) for t in tables))
    done = 0
    for rt in sorted(tables, key=lambda t: order.get(t.table, 99)):
        if ctx.progress is not None:
            ctx.progress.check()
            ctx.progress.report(done / total * 0.8, f"Checking {rt.sheet}")
        if rt.table == "outcomes":  # dates -> PFS / OS times before the checks
            rt, date_findings = times_from_dates(rt, ctx.date_system)
            findings.extend(date_findings)
        result = validate_raw_table(rt, ctx)
        done += len(rt)
        origins.setdefault(rt.table, []).append(rt)
        parts.setdefault(rt.table, []).append(result)
        findings.extend(result.findings)
        key = (rt.file, rt.sheet)
        if rt.hidden_rows and key not in hidden_seen:
            hidden_seen.add(key)
            n_hidden = len(rt.hidden_rows)
            findings.append(codes.make(
                "ROWS_HIDDEN", file=rt.file, sheet=rt.sheet, row=min(rt.hidden_rows),
                value=f"row{'s' if n_hidden != 1 else ''} {codes.compact_rows(rt.hidden_rows)}",
                normalised="included" if ctx.include_hidden_rows else "left out",
                detail=f"{n_hidden} row{'s' if n_hidden != 1 else ''}"))
    merged = {name: _merge_parts(name, results) for name, results in parts.items()}
    if ctx.progress is not None:
        ctx.progress.report(0.85, "Checking across sheets")
    findings.extend(cross_validate(merged, origins, ctx))
    for name, df in merged.items():
        merged[name] = _finish(name, df)
    if ctx.progress is not None:
        ctx.progress.report(1.0, "Checked")
    return merged, findings


def concat_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(parts, ignore_index=True)`` for frames with a default index, column by
    column with numpy (see ``concat_columns``)."""
    columns = concat_columns(
        [{c: part[c].to_numpy() for c in part.columns} for part in parts],
        [len(part) for part in parts],
    )
    return _frame(columns, sum(len(part) for part in parts))


def concat_columns(parts: list[dict[str, np.ndarray]], lengths: list[int]) -> dict[str, Any]:
    """Stack parts given as columns; the same result as ``pd.concat`` of their frames.

    A column absent from a part is NaN there; float stays float, int and bool are upcast
    as pandas does.  Done with numpy, without pandas' all-NA scan of every object column
    (more than a second on a 100k-row one-row-per-case sheet).
    """
    columns = list(dict.fromkeys(c for part in parts for c in part))
    out: dict[str, Any] = {}
    for col in columns:
        present = [part[col] for part in parts if col in part]
        kinds = {a.dtype for a in present}
        if len(kinds) == 1 and len(present) == len(parts):
            out[col] = np.concatenate(present) if len(present) > 1 else present[0]
            continue
        numeric = all(k.kind in "fiu" for k in kinds)
        dtype = np.dtype(float) if numeric else np.dtype(object)
        out[col] = np.concatenate([
            part[col].astype(dtype, copy=False) if col in part
            else np.full(n, np.nan, dtype=dtype)
            for part, n in zip(parts, lengths)
        ])
    return out


def _merge_parts(name: str, results: list[TableResult]) -> pd.DataFrame:
    """One frame per canonical table from its parts, columns in final order, with the
    ``_rt`` column (which part each row came from) last for the cross-table checks."""
    lengths = [r.length for r in results]
    columns = concat_columns([r.columns for r in results], lengths)
    columns["_rt"] = np.repeat(np.arange(len(results), dtype=np.int64), lengths)
    ordered = {c: columns[c] for c in _column_order(name, list(columns))}
    return _frame(ordered, sum(lengths))


def _column_order(name: str, present: list[str]) -> list[str]:
    """Fields, structured extras, bookkeeping, raw and missing columns, then the rest."""
    fields = list(TABLES_BY_NAME[name].field_names)
    book = list(BOOKKEEPING)
    raw = [c for c in present if c.startswith(RAW_PREFIX)]
    miss = [c for c in present if c.startswith(MISSING_PREFIX)]
    known = set(fields + book + raw + miss + ["_rt"])
    extras = [c for c in present if c not in known]
    tail = ["_rt"] if "_rt" in present else []
    return fields + extras + book + raw + miss + tail


def _finish(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Column order: fields, structured extras, bookkeeping, raw and missing columns."""
    if "_rt" in df.columns:
        del df["_rt"]  # in place: ``drop`` would copy every column
    order = _column_order(name, list(df.columns))
    if list(df.columns) != order:
        df = df.loc[:, order]
    if df["_excluded"].dtype != bool:
        df["_excluded"] = df["_excluded"].astype(bool)
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0:
        df = df.reset_index(drop=True)
    return df
