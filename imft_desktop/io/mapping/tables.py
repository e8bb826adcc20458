"""Turn a mapped one-row-per-case sheet into canonical-shaped ``RawTable`` records.

Structure only: which cells become which records of which table.  Values stay raw (the
importer's validator parses them and records findings), with three structural decisions
made here because they decide *whether* a record exists:

* blank cells are "not tested" and make no record;
* in fusion and mutation columns, cells saying none / neg / wt make no record (tested,
  nothing found) and cells saying not done / n/a / failed make none either (not tested);
* cells listing several items ('H1047R; E545K', '22q loss, -19') give one record each
  (split on ';', ',', newline, ' and ').

Conventions the importer relies on (constants whose names start with ``_`` are hints,
not fields):

``samples``
    ``sample_id``, ``patient_id`` (copied from the sample column when no patient column
    is mapped: ``constants["_patient_id_from"] = "sample_id"``; the other way round
    ``constants["_sample_id_from"] = "patient_id"``), mapped sample fields,
    and every ``extra`` column as field ``"extra:<header>"`` (raw text kept verbatim for
    ``Cohort.extra``).  ``constants["_blank_rows_skipped"]`` counts fully blank rows.
``outcomes``
    ``patient_id`` + outcome fields, rows with at least one outcome cell; a row repeating
    an earlier row's patient and outcome cells exactly is left out (its Excel row is in
    ``constants["_repeated_patient_rows"]``).  A time column
    in another unit feeds ``pfs_months`` etc. with raw values and
    ``constants["_unit:pfs_months"] = "days"`` (also ``constants["_unit"]`` when every
    time column shares the unit); convert with ``DAYS_PER_MONTH``.  Event columns with a
    coding carry ``constants["_event_coding:pfs_event"] = {raw casefolded: 0/1}``.
``ihc`` / ``fish``
    One table per marker+clone / probe, constants ``marker``/``clone`` or ``probe``.
``fusions`` / ``variants``
    One table per column; ``constants["gene"]`` for variants, ``constants["_gene"]`` for
    a fusion column whose header names the gene ("ALK partner"), ``constants["assay"]``
    when the header names one ("Fusion (RNA panel)").
``cn_calls``
    Per region column: constants ``region`` and, when the header implies it
    ("22q loss", "monosomy 19"), ``_implied_event`` (a yes/1/+ cell means that event,
    no/0/- means neutral).  A list column (``cn_calls.list``) gives one record per token
    with the token in both ``region`` and ``event`` and ``constants["_combined"] = True``:
    parse region and event from the one text.
``sequencing``
    From each mapped status column (raw ``status``, constant ``assay``).  Without one,
    inferred: a sample counts as sequenced (``constants["status"] = "done"``) when any
    fusion, mutation or copy-number cell holds a result or a tested-negative word;
    ``constants["_inferred"] = True`` and ``constant_origin`` names the columns, so the
    importer can say so in an INFO finding.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from imft_desktop.io.mapping.header_rules import assay_named_in
from imft_desktop.io.mapping.meanings import apply_meanings, unwrap
from imft_desktop.io.mapping.profile import ColumnMapping, MappingProfile
from imft_desktop.io.mapping.targets import EXTRA, TIME_FIELDS, Target, parse_target
from imft_desktop.io.mapping.time_columns import unit_source
from imft_desktop.io.mapping.vocab import (
    cell_is_blank,
    cell_is_negative,
    cell_is_not_tested,
    split_list_cell,
)
from imft_desktop.io.read.raw import RawSheet, column_index
from imft_desktop.io.read.records import ChosenMeaning, RawColumn, RawTable

EXTRA_PREFIX = "extra:"


class MappingError(ValueError):
    """The profile cannot be applied (no ID column, a target mapped twice, ...).

    ``problems`` lists each problem in the user's words.
    """

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class _Col:
    mapping: ColumnMapping
    target: Target
    idx: int
    values: list[Any]  # parallel to the data rows

    @property
    def letter(self) -> str:
        return self.mapping.column

    @property
    def header(self) -> str:
        return self.mapping.header

    def origin(self) -> str:
        return f'header "{self.header}" ({self.letter})'


def to_raw_tables(sheet: RawSheet, profile: MappingProfile, file: str) -> list[RawTable]:
    """Records for every canonical table fed by a mapped one-row-per-case sheet.

    Parameters
    ----------
    sheet:
        The sheet as read.
    profile:
        The confirmed mapping (``recognise`` or a saved profile applied to this sheet).
    file:
        File name recorded in every table.

    Returns
    -------
    list[RawTable]
        ``samples`` first, then outcomes, ihc, fish, fusions, variants, cn_calls,
        sequencing, as applicable (see the module docstring for the conventions).

    Raises
    ------
    MappingError
        When the profile is not usable (``MappingProfile.check``).
    """
    problems = profile.check()
    if problems:
        raise MappingError(problems)

    rows, data, blank_skipped = data_rows(sheet, profile.header_row)
    hidden = {r for r in rows if r in sheet.hidden_rows}
    # One C-level transpose of the (ragged) grid instead of a Python loop per column.
    by_column = list(itertools.zip_longest(*data)) if data else []
    cols: list[_Col] = []
    for m in profile.columns:
        if m.target == "ignore":
            continue
        idx = column_index(m.column)
        values = list(by_column[idx]) if idx < len(by_column) else [None] * len(data)
        # The user's meanings from the value dictionary replace the vocabulary's reading
        # from here on (the cell's own text stays with the record).
        values = apply_meanings(values, m.target, m.value_meanings)
        cols.append(_Col(m, parse_target(m.target), idx, values))

    def table(name: str, keep: list[int], **kw: Any) -> RawTable:
        picked = _pick(rows, keep)
        return RawTable(
            table=name, file=file, sheet=sheet.name, rows=picked,
            hidden_rows=hidden.intersection(picked) if hidden else set(), **kw,
        )

    sample_col, patient_col = _id_columns(cols)
    out: list[RawTable] = []
    all_rows = list(range(len(rows)))

    # ---- samples
    samples = table("samples", all_rows)
    samples.constants["_blank_rows_skipped"] = blank_skipped
    samples.columns["sample_id"] = _column("sample_id", sample_col, all_rows)
    samples.columns["patient_id"] = _column("patient_id", patient_col or sample_col, all_rows)
    origins = []
    if patient_col is None:
        samples.constants["_patient_id_from"] = "sample_id"
        origins.append(f"patient_id = sample ID of {sample_col.origin()} (no patient column)")
    elif sample_col is patient_col:
        samples.constants["_sample_id_from"] = "patient_id"
        origins.append(f"sample_id = patient ID of {patient_col.origin()} (no sample column)")
    for c in cols:
        if c.target.table == "samples" and c.target.field not in ("sample_id", "patient_id"):
            samples.columns[c.target.field] = _column(c.target.field, c, all_rows)
        elif c.target.table == EXTRA:
            name = EXTRA_PREFIX + (c.header or c.letter)
            if name in samples.columns:  # duplicate headers: keep both, say which column
                name = f"{name} ({c.letter})"
            samples.columns[name] = _column(name, c, all_rows)
    samples.constant_origin = "; ".join(origins) or None
    out.append(samples)

    # ---- outcomes
    id_for_outcomes = patient_col or sample_col
    outcome_cols = [c for c in cols if c.target.table == "outcomes"
                    and c.target.field != "patient_id"]
    if outcome_cols:
        keep, repeats = _one_row_per_patient(
            _rows_with_any(outcome_cols, all_rows), id_for_outcomes, outcome_cols
        )
        t = table("outcomes", keep)
        if repeats:
            # Samples of one patient repeating the same outcome: one record is enough.
            # Rows that disagree are all kept, so the validator reports the conflict.
            t.constants["_repeated_patient_rows"] = [rows[i] for i in repeats]
        t.columns["patient_id"] = _column("patient_id", id_for_outcomes, keep)
        units: dict[str, str] = {}
        notes = []
        for c in outcome_cols:
            f = c.target.field
            t.columns[f] = _column(f, c, keep)
            if f in TIME_FIELDS:
                units[f] = c.target.unit or "months"
                if c.target.unit:
                    t.constants[f"_unit:{f}"] = c.target.unit
                    notes.append(f"{f} in {c.target.unit} from {c.origin()}")
                # the importer records the sheet's unit and warns when it was assumed
                how, rule = unit_source(c.mapping)
                t.constants[f"_unit_source:{f}"] = [how, units[f], rule]
            coding = c.mapping.event_coding or (
                profile.event_coding if f.endswith("_event") else None
            )
            if coding and f.endswith("_event"):
                t.constants[f"_event_coding:{f}"] = dict(coding)
                notes.append(f"{f} coded {_coding_text(coding)} ({c.letter})")
        if units and len(set(units.values())) == 1 and next(iter(units.values())) != "months":
            t.constants["_unit"] = next(iter(units.values()))
        if patient_col is None:
            notes.append("patient_id = sample ID (no patient column)")
        t.constant_origin = "; ".join(notes) or None
        out.append(t)

    # ---- ihc / fish groups
    for table_name, key_names in (("ihc", ("marker", "clone")), ("fish", ("probe",))):
        groups: dict[tuple[str, ...], list[_Col]] = {}
        for c in cols:
            if c.target.table == table_name:
                groups.setdefault(c.target.params, []).append(c)
        for params, members in groups.items():
            keep = _rows_with_any(members, all_rows)
            t = table(table_name, keep)
            t.columns["sample_id"] = _column("sample_id", sample_col, keep)
            for c in members:
                t.columns[c.target.field] = _column(c.target.field, c, keep)
            t.constants.update(dict(zip(key_names, params)))
            main = next((c for c in members if c.target.field == "call"), members[0])
            t.record_column = main.letter
            t.constant_origin = "; ".join(c.origin() for c in members)
            out.append(t)

    # ---- fusions, variants, cn_calls (one table per column)
    for c in cols:
        if c.target.table == "fusions":
            out.append(_result_table(table, sample_col, c, all_rows, "fusion"))
        elif c.target.table == "variants":
            out.append(_result_table(table, sample_col, c, all_rows, "protein_change"))
    for c in cols:
        if c.target.table != "cn_calls":
            continue
        if c.target.field == "list":
            out.append(_cn_list_table(table, sample_col, c, all_rows))
            continue
        keep = _rows_where([c], _tested_cell, len(all_rows))
        t = table("cn_calls", keep)
        t.columns["sample_id"] = _column("sample_id", sample_col, keep)
        t.columns["event"] = _column("event", c, keep)
        t.constants["region"] = c.target.params[0]
        if len(c.target.params) > 1:
            t.constants["_implied_event"] = c.target.params[1]
        t.record_column = c.letter
        t.constant_origin = c.origin()
        out.append(t)

    # ---- sequencing
    out.extend(_sequencing_tables(table, sample_col, cols, all_rows))
    return out


# ---------------------------------------------------------------------------- helpers


def data_rows(sheet: RawSheet, header_row: int) -> tuple[list[int], list[list[Any]], int]:
    """Excel row numbers and cells of the non-blank rows below the header, and the
    number of fully blank rows skipped between them (trailing blank rows not counted)."""
    rows: list[int] = []
    data: list[list[Any]] = []
    blank = 0
    pending_blank = 0
    start = max(header_row - sheet.first_row + 1, 0)
    for i, r in enumerate(sheet.rows[start:], start=start):
        # most rows start with a filled ID cell: decided without a generator
        if (r and r[0] is not None and not cell_is_blank(r[0])) or any(
                not cell_is_blank(v) for v in r):
            rows.append(sheet.first_row + i)
            data.append(r)
            blank += pending_blank
            pending_blank = 0
        else:
            pending_blank += 1
    return rows, data, blank


def _id_columns(cols: list[_Col]) -> tuple[_Col, _Col | None]:
    sample = next((c for c in cols if c.target.text == "samples.sample_id"), None)
    patient = next(
        (c for c in cols if c.target.text in ("samples.patient_id", "outcomes.patient_id")),
        None,
    )
    if sample is None and patient is None:  # pragma: no cover - check() catches this
        raise MappingError(["no column is mapped to the sample ID"])
    return (sample or patient), patient  # type: ignore[return-value]


def _pick(values: list[Any], keep: list[int]) -> list[Any]:
    """``[values[i] for i in keep]`` with C-level loops (``keep`` ascending)."""
    if len(keep) == len(values) and (not keep or keep[-1] == len(keep) - 1):
        return list(values)  # every row, in order
    if len(keep) > 1:
        return list(operator.itemgetter(*keep)(values))
    return [values[i] for i in keep]


def _column(field: str, c: _Col, keep: Iterable[int]) -> RawColumn:
    return RawColumn(field=field, letter=c.letter, header=c.header,
                     values=_pick(c.values, list(keep)))


def _rows_with_any(cols: list[_Col], rows: list[int]) -> list[int]:
    """Rows (indices into ``rows``' space) where at least one of ``cols`` is not blank."""
    return _rows_where(cols, lambda v: not cell_is_blank(v), len(rows))


def _rows_where(cols: list[_Col], test: Callable[[Any], bool], n: int) -> list[int]:
    """Rows where ``test`` holds for at least one of ``cols``' cells, decided once per
    distinct value and combined with numpy (no per-row Python)."""
    hit = np.zeros(n, dtype=bool)
    for c in cols:
        hit |= _flags(c.values, test)
        if hit.all():
            return list(range(n))
    return np.flatnonzero(hit).tolist()


def _flags(values: list[Any], test: Callable[[Any], bool]) -> np.ndarray:
    """Per cell, ``test(cell)``, computed once per distinct value."""
    try:
        per_value = {v: test(unwrap(v)) for v in dict.fromkeys(values)}
    except TypeError:  # an unhashable cell (never produced by the readers)
        return np.fromiter((test(unwrap(v)) for v in values), dtype=bool, count=len(values))
    return np.fromiter(map(per_value.__getitem__, values), dtype=bool, count=len(values))


def _one_row_per_patient(
    keep: list[int], id_col: _Col, cols: list[_Col]
) -> tuple[list[int], list[int]]:
    """Drop rows repeating an earlier row's patient and outcome cells exactly."""
    try:  # the usual sheet repeats nothing: one C-level check over tuples of cells
        keys = list(zip(_pick(id_col.values, keep), *(_pick(c.values, keep) for c in cols)))
        if len(set(keys)) == len(keys):
            return list(keep), []
    except TypeError:  # an unhashable cell (never produced by the readers)
        pass
    seen: set[tuple[str, ...]] = set()
    kept: list[int] = []
    repeats: list[int] = []
    for i in keep:
        key = (repr(id_col.values[i]), *(repr(c.values[i]) for c in cols))
        if key in seen and not cell_is_blank(id_col.values[i]):
            repeats.append(i)
            continue
        seen.add(key)
        kept.append(i)
    return kept, repeats


def _coding_text(coding: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(coding.items()))


def _tested_cell(value: Any) -> bool:
    """A cell that holds a result or a tested-negative word (not blank, not 'not done')."""
    return not cell_is_blank(value) and not cell_is_not_tested(value)


def _is_result(value: Any) -> bool:
    """A cell that holds a finding (not blank, not tested-negative, not 'not done')."""
    return not (cell_is_blank(value) or cell_is_negative(value) or cell_is_not_tested(value))


def _parts(value: Any) -> list[Any]:
    """Items of a cell; non-text cells (and cells with a chosen meaning) are one item."""
    if isinstance(value, ChosenMeaning):
        return [value] if _is_result(value.value) else []
    if isinstance(value, str):
        return [p for p in split_list_cell(value) if _is_result(p)] or []
    return [value]


def _result_table(table: Any, sample_col: _Col, c: _Col, all_rows: list[int],
                  field: str) -> RawTable:
    """fusions / variants: one record per finding in each cell of column ``c``."""
    keep, found = _split_results(c.values)
    t: RawTable = table(c.target.table, keep)
    t.columns["sample_id"] = _column("sample_id", sample_col, keep)
    t.columns[field] = RawColumn(field=field, letter=c.letter, header=c.header, values=found)
    if c.target.table == "variants":
        t.constants["gene"] = c.target.params[0]
    elif c.target.params:
        t.constants["_gene"] = c.target.params[0]
    assay = assay_named_in(c.header)
    if assay:
        t.constants["assay"] = assay
    t.record_column = c.letter
    t.constant_origin = c.origin()
    return t


def _split_results(values: list[Any]) -> tuple[list[int], list[Any]]:
    """Rows holding findings and the findings, one per item of a list cell; decided and
    split once per distinct value, rows found with numpy."""
    rows = np.flatnonzero(_flags(values, _is_result)).tolist()
    parts: dict[Any, list[Any]] = {}
    keep: list[int] = []
    found: list[Any] = []
    for i in rows:
        v = values[i]
        try:
            items = parts[v]
        except KeyError:
            items = parts[v] = _parts(v)
        except TypeError:  # an unhashable cell (never produced by the readers)
            items = _parts(v)
        for part in items:
            keep.append(i)
            found.append(part)
    return keep, found


def _cn_list_table(table: Any, sample_col: _Col, c: _Col, all_rows: list[int]) -> RawTable:
    keep, tokens = _split_results(c.values)
    t: RawTable = table("cn_calls", keep)
    t.columns["sample_id"] = _column("sample_id", sample_col, keep)
    t.columns["region"] = RawColumn("region", c.letter, c.header, list(tokens))
    t.columns["event"] = RawColumn("event", c.letter, c.header, list(tokens))
    t.constants["_combined"] = True
    t.record_column = c.letter
    t.constant_origin = c.origin() + "; region and event parsed from one token"
    return t


def _sequencing_tables(table: Any, sample_col: _Col, cols: list[_Col],
                       all_rows: list[int]) -> list[RawTable]:
    out: list[RawTable] = []
    status_assays = set()
    for c in cols:
        if c.target.table == "sequencing":
            assay = c.target.params[0]
            status_assays.add(assay)
            keep = _rows_with_any([c], all_rows)
            t: RawTable = table("sequencing", keep)
            t.columns["sample_id"] = _column("sample_id", sample_col, keep)
            t.columns["status"] = _column("status", c, keep)
            t.constants["assay"] = assay
            t.record_column = c.letter
            t.constant_origin = c.origin()
            out.append(t)

    derived = [c for c in cols if c.target.table in ("fusions", "variants", "cn_calls")]
    if not derived:
        return out
    named: dict[str, list[_Col]] = {}
    unnamed: list[_Col] = []
    for c in derived:
        named_assay = assay_named_in(c.header)
        if named_assay:
            named.setdefault(named_assay, []).append(c)
        else:
            unnamed.append(c)
    if status_assays:
        # A mapped status column covers the columns that name no assay (and its own).
        groups = {a: cs for a, cs in named.items() if a not in status_assays}
        assumed = ""
    else:
        groups = dict(named)
        if unnamed:
            main = max(groups, key=lambda a: len(groups[a])) if groups else "WGS"
            groups.setdefault(main, []).extend(unnamed)
            assumed = main
        else:
            assumed = ""
    for assay, members in groups.items():
        keep = _rows_where(members, _tested_cell, len(all_rows))
        t = table("sequencing", keep)
        t.columns["sample_id"] = _column("sample_id", sample_col, keep)
        t.constants.update({"assay": assay, "status": "done", "_inferred": True})
        letters = ", ".join(f"{c.letter} ({c.header})" for c in members)
        why = (f"inferred: a sample counts as sequenced ({assay}) when any of columns "
               f"{letters} holds a result or a tested-negative word; no 'sequencing done' "
               "column was mapped")
        if assay == assumed and not any(assay_named_in(c.header) for c in members):
            why += f"; assay {assay} assumed (no header names one)"
        t.constant_origin = why
        out.append(t)
    return out
