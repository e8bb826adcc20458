"""Turn a mapped one-row-per-case sheet into canonical-shaped ``RawTable`` records.

Structure only: which cells become which records of which table.  Values stay raw (the
importer's validator parses them and records findings), with structural decisions made
here because they decide *whether* a record exists:

* blank cells are "not tested" and make no record;
* in fusion and mutation columns, cells saying none / neg / wt make no record (tested,
  nothing found) and cells saying not done / n/a / failed / QNS make none either (not
  tested; ``vocab.not_tested_status``, any case and spacing);
* error cells and formulas never calculated make no result record (their value is
  unknown): they are rows of the column's test scope instead, which the validator
  reports;
* cells listing several items ('H1047R; E545K', '22q loss, -19') give one record each
  (split on ';', ',', newline, ' and ');
* rows that are not cases (a "Total" or "n=24" row, a note under the table) are left
  out and listed for the importer to report, as are blank rows inside the table.

Conventions the importer relies on (constants whose names start with ``_`` are hints,
not fields):

``samples``
    ``sample_id``, ``patient_id`` (copied from the sample column when no patient column
    is mapped: ``constants["_patient_id_from"] = "sample_id"``; the other way round
    ``constants["_sample_id_from"] = "patient_id"``), mapped sample fields,
    and every ``extra`` column as field ``"extra:<header>"`` (raw text kept verbatim for
    ``Cohort.extra``).  ``constants["_blank_rows_skipped"]`` counts fully blank rows
    inside the table, ``["_blank_rows_inside"]`` gives the first Excel row of each run,
    ``["_non_case_rows"]`` lists (Excel row, column letter, value, "summary" | "note")
    of the rows left out as not cases.
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
    From each mapped status column (raw ``status``, constant ``assay``).  Then the *test
    scope* of every fusion, mutation and copy-number column: rows with constants
    ``capability`` ("fusion", "mutation", "copy number") and ``target`` (the column's
    gene or region; "" for a "Fusion" column of any gene) and ``assay`` (named in the
    header, else the sheet's status column's assay, else "assay not stated": never
    guessed).  Without a status column one row per case with a cell: ``done`` for a
    readable cell, ``not done`` / ``failed`` for a not-tested word, the raw value for an
    error or formula cell.  Under a status column only those exceptions.
    ``constants["_inferred"]`` holds the rule in words (an INFO finding per column).
"""

from __future__ import annotations

import itertools
import operator
import re
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
    not_tested_status,
    split_list_cell,
)
from imft_desktop.io.read.raw import RawSheet, column_index, column_letter
from imft_desktop.io.read.records import ChosenMeaning, RawColumn, RawTable
from imft_desktop.model.vocab import ASSAY_CAPABILITIES, Capability, SequencingAssay

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


def to_raw_tables(sheet: RawSheet, profile: MappingProfile, file: str,
                  study_assays: dict[str, str] | None = None) -> list[RawTable]:
    """Records for every canonical table fed by a mapped one-row-per-case sheet.

    Parameters
    ----------
    sheet:
        The sheet as read.
    profile:
        The confirmed mapping (``recognise`` or a saved profile applied to this sheet).
    file:
        File name recorded in every table.
    study_assays:
        Assay by capability ("fusion" -> "RNA fusion panel") as the workbook's Study
        sheet names it, for result columns whose header names none.

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

    rows, data, blank_inside, non_case = case_rows(sheet, profile)
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
    unknown = _unknown_cells(sheet, rows, cols)

    # ---- samples
    samples = table("samples", all_rows)
    samples.constants["_blank_rows_skipped"] = sum(n for _r, n in blank_inside)
    if blank_inside:
        samples.constants["_blank_rows_inside"] = [r for r, _n in blank_inside]
    if non_case:
        samples.constants["_non_case_rows"] = non_case
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
            hidden_unknown = [i for c in members for i in unknown.get(c.letter, ())]
            if hidden_unknown:  # a formula never calculated reads as blank: report it
                keep = sorted(set(keep).union(hidden_unknown))
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
            out.append(_result_table(table, sample_col, c, unknown, "fusion"))
        elif c.target.table == "variants":
            out.append(_result_table(table, sample_col, c, unknown, "protein_change"))
    for c in cols:
        if c.target.table != "cn_calls":
            continue
        if c.target.field == "list":
            out.append(_cn_list_table(table, sample_col, c, unknown))
            continue
        keep = _without(_rows_where([c], _tested_cell, len(all_rows)), unknown.get(c.letter))
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
    out.extend(_sequencing_tables(table, sample_col, cols, all_rows, unknown,
                                  study_assays or {}))
    return out


# ---------------------------------------------------------------------------- helpers


def _data_rows(sheet: RawSheet, header_row: int
               ) -> tuple[list[int], list[list[Any]], list[tuple[int, int]]]:
    """Excel row numbers and cells of the non-blank rows below the header, and the runs
    of fully blank rows between them as (first Excel row, length) (trailing blank rows
    not counted)."""
    rows: list[int] = []
    data: list[list[Any]] = []
    runs: list[tuple[int, int]] = []
    pending_blank = 0
    start = max(header_row - sheet.first_row + 1, 0)
    for i, r in enumerate(sheet.rows[start:], start=start):
        # most rows start with a filled ID cell: decided without a generator
        if (r and r[0] is not None and not cell_is_blank(r[0])) or any(
                not cell_is_blank(v) for v in r):
            rows.append(sheet.first_row + i)
            data.append(r)
            if pending_blank and len(rows) > 1:
                runs.append((sheet.first_row + i - pending_blank, pending_blank))
            pending_blank = 0
        else:
            pending_blank += 1
    return rows, data, runs


def case_rows(
    sheet: RawSheet, profile: MappingProfile
) -> tuple[list[int], list[list[Any]], list[tuple[int, int]], list[tuple[int, str, str, str]]]:
    """The rows of ``sheet`` that are cases under ``profile``'s header: their Excel row
    numbers and cells, the runs of blank rows inside the table, and the rows left out
    as not cases (a total, "n=24", a note under the table) with what they look like."""
    rows, data, blank_inside = _data_rows(sheet, profile.header_row)
    rows, data, non_case = _drop_non_case_rows(rows, data, _id_index(profile))
    return rows, data, blank_inside, non_case


def _id_index(profile: MappingProfile) -> int | None:
    """0-based column of the sample ID (else the patient ID), if mapped."""
    for wanted in (("samples.sample_id",), ("samples.patient_id", "outcomes.patient_id")):
        for m in profile.columns:
            if m.target in wanted:
                return column_index(m.column)
    return None


#: An ID cell that labels a summary, not a case: "Total", "n=24", "Mean", "%".
_SUMMARY_ID = re.compile(
    r"^(?:totals?|sum|subtotal|grand total|mean|median|average|avg|overall|count|"
    r"percent(?:age)?|%|n|n\s*[=:]\s*\d+.*|\(?n\s*=\s*\d+\)?|all (?:cases|patients|samples)|"
    r"s\.?d\.?|std\.?|st\.? ?dev\.?|standard deviation|range|min(?:imum)?|max(?:imum)?|"
    r"iqr|quartiles?|95\s*% ?ci|variance|frequency)"
    r"\s*:?$", re.IGNORECASE)
#: The start of a note under the table ("* pending review", "Note: ...", "ND = not done").
_NOTE_START = re.compile(
    r"^(?:[*†‡§#¹²³]|notes?\b|source\b|abbreviations?\b|legend\b|key\b|footnote|"
    r"data (?:as of|cut-?off)|\w{1,5}\s*=\s*\S)", re.IGNORECASE)


#: An ID cell that heads a note even with other cells filled: a label ("Legend:",
#: "Notes"), a footnote marker, or an abbreviation being explained ("ND = not done").
_NOTE_LABEL = re.compile(
    r"^(?:(?:notes?|source|abbreviations?|legend|key|footnotes?)\s*[:.]?$|[*†‡§¹²³]"
    r"|\w{1,6}\s+=\s+\S)", re.IGNORECASE)


def _drop_non_case_rows(rows: list[int], data: list[list[Any]], id_idx: int | None
                        ) -> tuple[list[int], list[list[Any]], list[tuple[int, str, str, str]]]:
    """Rows that are not cases, left out with what they look like: a summary ("Total",
    "n=24" in the ID column), a note (one text cell: "* ND = not done"), or the header
    repeated.  Returns the kept rows and cells, and (Excel row, column letter, value,
    kind) of each row left out, for the importer to report."""
    if id_idx is None or not rows:
        return rows, data, []
    out: list[tuple[int, str, str, str]] = []
    keep: list[int] = []
    for k, r in enumerate(data):
        kind, j = _non_case_kind(r, id_idx)
        if kind:
            out.append((rows[k], column_letter(j), str(r[j]).strip(), kind))
        else:
            keep.append(k)
    if not out:
        return rows, data, []
    return [rows[k] for k in keep], [data[k] for k in keep], out


#: First letters of the words ``_SUMMARY_ID`` knows (a cheap test before the regex).
_SUMMARY_START = frozenset("tsmaocpgn%(rqi9vf")


def _non_case_kind(r: list[Any], id_idx: int) -> tuple[str, int]:
    """("summary" | "note" | "", column index) for one data row.  Most rows have a
    plain ID ("IMT-01", 17) and are decided without counting their cells."""
    cell = r[id_idx] if id_idx < len(r) else None
    if isinstance(cell, str) and cell:
        text = cell.strip()
        if text[:1].casefold() in _SUMMARY_START and len(text) <= 40 and _SUMMARY_ID.match(
                text):
            return "summary", id_idx
        if _NOTE_LABEL.match(text):
            return "note", id_idx  # "Legend:", "* ...", "ND = not done" beside other cells
        if text[:1].isalnum() and " " not in text:
            return "", id_idx  # an ID-shaped word: a case (a note has words or a marker)
    elif cell is not None and not (isinstance(cell, float) and cell != cell):
        return "", id_idx  # a number or date ID
    else:  # no ID: a "Total" label may sit in another column
        j, first = next(((j, v) for j, v in enumerate(r) if not cell_is_blank(v)),
                        (id_idx, None))
        if isinstance(first, str) and len(first) <= 40 and _SUMMARY_ID.match(first.strip()):
            return "summary", j
    # one filled cell holding text with words, or a note marker: a note, not a case
    if len(r) - r.count(None) - r.count("") == 1:
        j, v = next((j, v) for j, v in enumerate(r) if v is not None and v != "")
        if isinstance(v, str) and not cell_is_blank(v):
            t = v.strip()
            if _NOTE_START.match(t) or len(t.split()) >= 3:
                return "note", j
    return "", id_idx


def _unknown_cells(sheet: RawSheet, rows: list[int], cols: list[_Col]) -> dict[str, list[int]]:
    """Per column letter, the data rows (indices) whose cell is an error ("#N/A") or a
    formula never calculated: their value is unknown, so the case is not tested for
    that column and the cell is reported (the reader's small dictionaries are walked,
    never every cell)."""
    cells = [*sheet.error_cells, *sheet.formula_without_value]
    if not cells:
        return {}
    pos = {r: i for i, r in enumerate(rows)}
    # an uncalculated formula reads as blank, so its row may not be a data row yet
    by_idx: dict[int, list[int]] = {}
    for r, j in cells:
        if r in pos:
            by_idx.setdefault(j, []).append(pos[r])
    return {c.letter: sorted(by_idx[c.idx]) for c in cols if c.idx in by_idx}


def _without(keep: list[int], skip: list[int] | None) -> list[int]:
    """``keep`` without the indices in ``skip`` (order kept)."""
    if not skip:
        return keep
    drop = set(skip)
    return [i for i in keep if i not in drop]


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


def _result_table(table: Any, sample_col: _Col, c: _Col, unknown: dict[str, list[int]],
                  field: str) -> RawTable:
    """fusions / variants: one record per finding in each cell of column ``c``
    (error cells and uncalculated formulas are reported through the column's test scope
    instead, see ``_scope_table``)."""
    keep, found = _split_results(c.values, unknown.get(c.letter))
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


def _split_results(values: list[Any], skip: list[int] | None = None
                   ) -> tuple[list[int], list[Any]]:
    """Rows holding findings and the findings, one per item of a list cell; decided and
    split once per distinct value, rows found with numpy; rows in ``skip`` left out."""
    rows = _without(np.flatnonzero(_flags(values, _is_result)).tolist(), skip)
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


def _cn_list_table(table: Any, sample_col: _Col, c: _Col,
                   unknown: dict[str, list[int]]) -> RawTable:
    keep, tokens = _split_results(c.values, unknown.get(c.letter))
    t: RawTable = table("cn_calls", keep)
    t.columns["sample_id"] = _column("sample_id", sample_col, keep)
    t.columns["region"] = RawColumn("region", c.letter, c.header, list(tokens))
    t.columns["event"] = RawColumn("event", c.letter, c.header, list(tokens))
    t.constants["_combined"] = True
    t.record_column = c.letter
    t.constant_origin = c.origin() + "; region and event parsed from one token"
    return t


def _sequencing_tables(table: Any, sample_col: _Col, cols: list[_Col],
                       all_rows: list[int], unknown: dict[str, list[int]],
                       study_assays: dict[str, str]) -> list[RawTable]:
    """Sequencing rows: from each mapped status column, then *scoped* rows for each
    fusion, mutation and copy-number column (see ``_scope_table``)."""
    out: list[RawTable] = []
    status_cols: list[tuple[str, _Col]] = []
    for c in cols:
        if c.target.table == "sequencing":
            assay = c.target.params[0]
            status_cols.append((assay, c))
            keep = _rows_with_any([c], all_rows)
            t: RawTable = table("sequencing", keep)
            t.columns["sample_id"] = _column("sample_id", sample_col, keep)
            t.columns["status"] = _column("status", c, keep)
            t.constants["assay"] = assay
            t.record_column = c.letter
            t.constant_origin = c.origin()
            out.append(t)
    for c in cols:
        if c.target.table not in _SCOPE_CAPABILITY:
            continue
        named = assay_named_in(c.header)
        capability = _SCOPE_CAPABILITY[c.target.table]
        covering: list[tuple[str | None, _Col | None]] = [
            (a, sc) for a, sc in status_cols
            if (a == named if named else _assay_detects(a, capability))]
        from_study = None if named else study_assays.get(capability)
        for scope_assay, status_col in covering or [(named or from_study, None)]:
            t = _scope_table(table, sample_col, c, scope_assay, status_col,
                             unknown.get(c.letter, []), on_study=bool(from_study))
            if t.rows or status_col is None:  # no exceptions to a status column: no rows
                out.append(t)
    return out


#: What a result column reports, by the table it feeds.
_SCOPE_CAPABILITY = {"fusions": "fusion", "variants": "mutation", "cn_calls": "copy number"}


def _assay_detects(assay: str, capability: str) -> bool:
    """Whether ``assay`` (a name of ``SequencingAssay``) can detect ``capability``."""
    try:
        return Capability(capability) in ASSAY_CAPABILITIES[SequencingAssay(assay)]
    except ValueError:
        return False


def _scope_table(table: Any, sample_col: _Col, c: _Col, assay: str | None,
                 status_col: _Col | None, unknown_rows: list[int],
                 on_study: bool = False) -> RawTable:
    """Who column ``c`` tested, as sequencing rows scoped by ``capability`` and
    ``target`` (the gene or region of the column; blank for a "Fusion" column of any
    gene), from which ``Cohort.tested_for`` takes this column's denominator.

    Without a status column: one row per case with a cell: a readable cell (a result or
    a tested-negative word) is ``done``; blank cells make no row (not tested).  Under
    the sheet's status column of the assay (``status_col``, "WGS done"), which says who
    was tested (a blank result cell there means nothing found): rows for the exceptions
    only.  Either way a not-tested word ("not done", "QNS", "failed") makes a ``not
    done`` / ``failed`` row, and an error cell or an uncalculated formula a row with its
    raw value, which the validator reports and leaves out.
    """
    codes = _status_codes(c.values)
    # Under a status column only the exceptions are rows: the status column's own rows
    # say who was tested (a 10k-case sheet with 20 result columns stays 10k rows).
    rows_mask = codes > 0 if status_col is None else codes >= 2
    if unknown_rows:
        rows_mask[unknown_rows] = True
    statuses = _STATUS_NAMES[codes]  # object array: "", done, not done, failed
    if unknown_rows:  # the raw error / formula, reported by the validator
        raw = np.empty(len(unknown_rows), dtype=object)
        raw[:] = [c.values[i] for i in unknown_rows]
        statuses[unknown_rows] = raw
    keep = np.flatnonzero(rows_mask).tolist()
    statuses = statuses[rows_mask].tolist()
    t: RawTable = table("sequencing", keep)
    t.columns["sample_id"] = _column("sample_id", sample_col, keep)
    t.columns["status"] = RawColumn("status", c.letter, c.header, statuses)
    capability = _SCOPE_CAPABILITY[c.target.table]
    target = c.target.params[0] if c.target.params and c.target.field != "list" else ""
    t.constants.update({"assay": assay or str(SequencingAssay.NOT_STATED),
                        "capability": capability, "target": target})
    t.record_column = c.letter
    t.constant_origin = c.origin()
    what = f"{_target_text(target)} {capability}" if target else capability
    if status_col is not None:
        rule = (f"the {assay} column {status_col.letter} ({status_col.header}) says who was "
                "tested, except where this column's cell says not done, failed, ... or is "
                "unreadable")
    else:
        rule = ("the cases whose cell holds a result or a tested-negative word; blank, "
                "not-tested (not done, failed, ...) and unreadable cells are not tested; "
                + (f"assay {assay}, named on the Study sheet" if assay and on_study
                   else f"assay {assay}, named in the header" if assay
                   else "assay not stated in the sheet (none assumed)"))
    # The validator notes the rule once per column (SEQUENCING_INFERRED).
    t.constants["_inferred"] = (
        f"from column {c.letter} ({c.header}), tested for {what}: {rule}")
    return t


#: Status by code: 0 blank (no row), 1 done, 2 not done, 3 failed.
_STATUS_NAMES = np.array(["", "done", "not done", "failed"], dtype=object)
_STATUS_CODE = {"": 0, "done": 1, "not done": 2, "failed": 3}


def _status_codes(values: list[Any]) -> np.ndarray:
    """Per cell, the code of the status it implies (``_STATUS_NAMES``), decided once
    per distinct value and spread with a C-level map."""
    try:
        per_value = {v: _STATUS_CODE[_cell_status(v)] for v in dict.fromkeys(values)}
        found: Iterable[int] = map(per_value.__getitem__, values)
    except TypeError:  # an unhashable cell (never produced by the readers)
        found = (_STATUS_CODE[_cell_status(v)] for v in values)
    return np.fromiter(found, dtype=np.int8, count=len(values))


def _target_text(target: str) -> str:
    """A gene in upper case, a region as written."""
    return target if target[:1].isdigit() else target.upper()


def _cell_status(value: Any) -> str:
    """Sequencing status a result cell implies: "" (blank), done, not done or failed."""
    if cell_is_blank(value):
        return ""
    return not_tested_status(value) or "done"
