"""From a file to a validated ``Cohort``: read, shape into raw tables, validate.

Two input shapes are accepted:

* the canonical template (one sheet per table: Samples, IHC, FISH, ...), read sheet
  by sheet (``validation.sheet.canonical_tables``);
* a one-row-per-case sheet under the user's own headers, shaped by a
  ``MappingProfile`` (recognised automatically or given) through
  ``mapping.to_raw_tables``.

Both end in ``validation.tables.validate_tables``, so every rule applies the same way.  The
source file is never modified; its SHA-256 is in ``Cohort.sources``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.io.read.memory import paused_gc
from imft_desktop.io.read.raw import RawSheet, RawWorkbook, UnreadableFile, column_letter
from imft_desktop.io.read.records import RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.context import ValidationContext
from imft_desktop.io.validation.sheet import (
    annotate_structure,
    canonical_tables,
    find_header_row,
    sheet_spec,
)
from imft_desktop.io.validation.tables import validate_tables
from imft_desktop.io.validation.values import parse_id, raw_text
from imft_desktop.model.cohort import Cohort, ColumnOrigin
from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.progress import Progress
from imft_desktop.model.schema import SAMPLES, TABLES_BY_NAME
from imft_desktop.model.time_units import study_key
from imft_desktop.model.value_dictionary import (
    AS_WRITTEN,
    BUILT_IN,
    UNKNOWN,
    ValueDictionary,
    ValueEntry,
)

if TYPE_CHECKING:  # the mapping modules load lazily (only one-row-per-case files need them)
    from imft_desktop.io.mapping.profile import MappingProfile

EXTRA_PREFIX = "extra:"  # unmapped clinical columns, by header (see mapping_tables)


@dataclass
class ImportOptions:
    """Choices that change how a file is read.

    Attributes
    ----------
    sheet:
        For one-row-per-case files: the sheet to read (default: first visible sheet
        with data).
    mapping:
        ``MappingProfile`` for one-row-per-case files; ``None`` recognises the headers.
    include_hidden_rows:
        Rows hidden in Excel are imported (with a warning) unless this is False, in
        which case they are stored but excluded with reason ``ROWS_HIDDEN``.
    fish_threshold:
        FISH positivity threshold in %; overrides the Study sheet (default 15%).
    encoding, delimiter:
        Text files only: override detection.
    event_mapping:
        Explicit coding for event columns not coded 0/1, e.g. ``{"yes": 1, "no": 0}``.
    decimal_comma:
        Accept "7,5" as 7.5 (otherwise an error: it could be a thousands separator).
    time_unit:
        One-row-per-case files: the unit (days, weeks, months, years) of every time
        column whose header states none, as the user says (``--time-unit``).
    """

    sheet: str | None = None
    mapping: MappingProfile | None = None
    include_hidden_rows: bool = True
    fish_threshold: float | None = None
    encoding: str | None = None
    delimiter: str | None = None
    event_mapping: dict[str, int] | None = None
    decimal_comma: bool = False
    time_unit: str | None = None


#: Pause the cyclic garbage collector during a bulk build: an import allocates millions
#: of small objects that all stay alive, and each automatic full collection walks all of
#: them, which made a 100k-row import quadratic (about 40% of its time).
gc_paused = paused_gc


def import_file(
    path: str | os.PathLike[str],
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> Cohort:
    """Read ``path`` and build a validated ``Cohort``.

    ``path`` is a workbook (xlsx, xlsm, xls, xlsb, ods), a csv/tsv file, a MAF or SEG
    file, or a cBioPortal study folder.

    Raises
    ------
    UnreadableFile
        When the file cannot be read at all (or the chosen sheet does not exist).
    Cancelled
        When ``progress`` was cancelled.
    """
    from imft_desktop.io.interop import detect, import_interop
    from imft_desktop.io.read.workbook import read_workbook

    # Files of other tools (MAF, SEG, cBioPortal study folders) have layouts of their
    # own; everything else is a workbook or delimited text read cell by cell.
    if detect(path) is not None:
        return import_interop(path, progress)
    options = options or ImportOptions()
    read_progress = progress.sub(0.0, 0.4) if progress is not None else None
    build_progress = progress.sub(0.4, 1.0) if progress is not None else None
    with gc_paused():
        workbook = read_workbook(
            path, read_progress, encoding=options.encoding, delimiter=options.delimiter
        )
        return build_cohort(workbook, options, build_progress)


def _has_data(sheet: RawSheet) -> bool:
    return any(v is not None and v != "" for r in sheet.rows for v in r)


def _choose_sheet(workbook: RawWorkbook, name: str | None) -> RawSheet:
    if name is not None:
        try:
            return workbook.sheet(name)
        except KeyError:
            raise UnreadableFile(
                "SHEET_NOT_FOUND",
                f'There is no sheet called "{name}" in this file. '
                f"Sheets: {', '.join(workbook.sheet_names)}.",
            ) from None
    for sheet in workbook.sheets:
        if not sheet.hidden and _has_data(sheet):
            return sheet
    for sheet in workbook.sheets:
        if _has_data(sheet):
            return sheet
    raise UnreadableFile("SHEET_NO_DATA", "No sheet with data was found in this file.")


def _is_canonical(workbook: RawWorkbook) -> bool:
    """Template layout: the mapping module's test, or (more lenient, so a template
    sheet with a missing column is reported rather than re-read as one row per case)
    a Samples sheet with its header plus another sheet named like a template sheet."""
    from imft_desktop.io import mapping

    if mapping.is_canonical_workbook(workbook):
        return True
    specs = {s.name: sheet_spec(s.name) for s in workbook.sheets if _has_data(s)}
    named = [spec for spec in specs.values() if spec is not None]
    if len(named) < 2 or not any(spec.name == "samples" for spec in named):
        return False
    sample_sheet = next(s for s in workbook.sheets if specs.get(s.name) is SAMPLES)
    return find_header_row(sample_sheet, SAMPLES)[0] is not None


@dataclass
class _Mapped:
    """A one-row-per-case sheet as mapped: what the value dictionary is built from."""

    sheet: RawSheet
    profile: MappingProfile


def _wide_tables(
    workbook: RawWorkbook, options: ImportOptions
) -> tuple[list[RawTable], list[Finding], str | None, _Mapped | None]:
    """One-row-per-case sheet -> raw tables via a mapping profile."""
    from imft_desktop.io import mapping
    from imft_desktop.io.mapping.targets import parse_target
    from imft_desktop.io.mapping.time_columns import header_units_win
    from imft_desktop.model.time_units import unit_in_header

    file = workbook.source.name
    sheet = _choose_sheet(workbook, options.sheet)
    findings: list[Finding] = []
    profile = options.mapping
    if profile is None:
        profile = mapping.recognise(sheet)
    else:
        applied = mapping.apply_profile(profile, sheet)
        for col in applied.unmatched:
            findings.append(codes.make(
                "MAPPING_COLUMN_MISSING", file=file, sheet=sheet.name, column=col.column,
                header=col.header))
        profile = applied.profile
        profile, overruled = header_units_win(profile)
        for col in overruled:
            findings.append(codes.make(
                "TIME_UNIT_CONFLICT", file=file, sheet=sheet.name, column=col.column,
                header=col.header, value=parse_target(col.target).unit or "months",
                normalised=unit_in_header(col.header)))
    if options.time_unit:
        from imft_desktop.io.mapping.time_columns import with_time_unit

        profile = with_time_unit(profile, options.time_unit)
    try:
        tables = mapping.to_raw_tables(sheet, profile, file)
    except mapping.MappingError as exc:
        findings.append(codes.make(
            "MAPPING_UNUSABLE", file=file, sheet=sheet.name, detail="; ".join(exc.problems)))
        return [], findings, getattr(profile, "name", None), None
    marked = _synthetic_title(sheet, profile.header_row)
    if marked is not None:
        findings.append(codes.make("SHEET_MARKED_SYNTHETIC", file=file, sheet=sheet.name,
                                   row=marked[0], column=marked[1], value=marked[2]))
    if not sheet.structure_checked:
        findings.append(codes.make("STRUCTURE_NOT_CHECKED", file=file, sheet=sheet.name))
    for rt in tables:
        findings.extend(annotate_structure(rt, sheet))
    return tables, findings, getattr(profile, "name", None), _Mapped(sheet, profile)


_SYNTHETIC_WORD = re.compile(r"\bsynthetic\b", re.IGNORECASE)


def _synthetic_title(sheet: RawSheet, header_row: int) -> tuple[int, str, str] | None:
    """(Excel row, column letter, text) of a title cell above the header that calls the
    data synthetic (the shipped demo case sheet does), else ``None``."""
    for i, row in enumerate(sheet.rows[: max(header_row - sheet.first_row, 0)]):
        for j, cell in enumerate(row):
            if isinstance(cell, str) and _SYNTHETIC_WORD.search(cell):
                return sheet.first_row + i, column_letter(j), cell
    return None


def _extra_frame(tables: list[RawTable]) -> pd.DataFrame:
    """Unmapped one-row-per-case columns, verbatim text by header, indexed by sample."""
    parts = []
    for rt in tables:
        if rt.table != "samples" or "sample_id" not in rt.columns:
            continue
        extra = {k[len(EXTRA_PREFIX):]: c for k, c in rt.columns.items()
                 if k.startswith(EXTRA_PREFIX)}
        if not extra:
            continue
        memo: dict[Any, Any] = {}
        ids = []
        for v in rt.columns["sample_id"].values:
            try:
                ids.append(memo[v])
            except KeyError:
                memo[v] = parse_id(getattr(v, "value", v)).value
                ids.append(memo[v])
            except TypeError:
                ids.append(parse_id(v).value)
        frame = pd.DataFrame(
            {h: [raw_text(v) for v in c.values] for h, c in extra.items()}, index=ids)
        frame = frame.loc[[i is not None for i in ids]]
        parts.append(frame[~frame.index.duplicated()])
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts) if len(parts) > 1 else parts[0]
    out.index.name = "sample_id"
    return out


def _column_origin(tables: list[RawTable]) -> dict[tuple[str, str], ColumnOrigin]:
    out: dict[tuple[str, str], ColumnOrigin] = {}
    for rt in tables:
        spec = TABLES_BY_NAME.get(rt.table)
        if spec is None:
            continue
        for name, col in rt.columns.items():
            if name in spec.field_names and (rt.table, name) not in out:
                out[(rt.table, name)] = ColumnOrigin(rt.file, rt.sheet, col.letter, col.header)
    return out


def build_cohort(
    workbook: RawWorkbook,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> Cohort:
    """Shape, validate and assemble a workbook as read into a ``Cohort``.

    Parameters
    ----------
    workbook:
        From ``io.read.read_workbook`` (or built directly in tests).
    options:
        See ``ImportOptions``.
    progress:
        Reports 0..1 and is checked for cancellation.

    Returns
    -------
    Cohort
        Tables with normalised fields, bookkeeping and ``raw:`` columns, every finding
        (the reader's first), the source file, column origins, unmapped extras, the
        mapping profile name and the Study sheet's settings.
    """
    with gc_paused():
        return _build_cohort(workbook, options or ImportOptions(), progress)


def _build_cohort(
    workbook: RawWorkbook, options: ImportOptions, progress: Progress | None
) -> Cohort:
    if progress is not None:
        progress.report(0.0, "Recognising the layout")
    findings: list[Finding] = list(workbook.findings)
    reported: set[tuple[str, str, str]] = set()
    profile_name: str | None = None
    mapped: _Mapped | None = None
    if _is_canonical(workbook):
        tables, fs, reported = canonical_tables(
            workbook, include_hidden_rows=options.include_hidden_rows)
        fs += _study_time_unit(tables)
    else:
        tables, fs, profile_name, mapped = _wide_tables(workbook, options)
    findings.extend(fs)
    if progress is not None:
        progress.check()
        progress.report(0.1, "Checking values")
    ctx = ValidationContext(
        fish_threshold=options.fish_threshold,
        event_mapping=options.event_mapping,
        include_hidden_rows=options.include_hidden_rows,
        decimal_comma=options.decimal_comma,
        date_system=workbook.date_system,
        reported_missing=reported,
        progress=progress.sub(0.1, 1.0) if progress is not None else None,
    )
    frames, vf = validate_tables(tables, context=ctx)
    findings.extend(vf)
    dictionary = (value_dictionary(mapped.sheet, mapped.profile, tables, ctx)
                  if mapped is not None else ValueDictionary())
    cohort = Cohort(
        tables=frames,
        findings=FindingList(findings),
        sources=[workbook.source],
        column_origin=_column_origin(tables),
        extra=_extra_frame(tables),
        mapping_profile=profile_name,
        value_dictionary=dictionary,
    )
    if options.fish_threshold is not None:
        cohort.study["fish_threshold"] = f"{options.fish_threshold:g}"
    cohort.study.update(_time_units(tables))
    if any(f.code == "SHEET_MARKED_SYNTHETIC" for f in cohort.findings):
        cohort.study.setdefault("synthetic", "yes")
    return cohort


def _time_units(tables: list[RawTable]) -> dict[str, str]:
    """``Cohort.study`` entries naming the sheet unit of each mapped time field
    (``time_unit:pfs_months = days``), so results can be shown in that unit."""
    out: dict[str, str] = {}
    for rt in tables:
        if rt.table != "outcomes":
            continue
        for key, value in rt.constants.items():
            if key.startswith("_unit_source:") and isinstance(value, list | tuple):
                field = key.removeprefix("_unit_source:")
                how, unit, rule = (str(v) for v in value)
                out[study_key(field)] = unit
                out[f"time_unit_source:{field}"] = how  # header, user, assumed, dates ...
                if rule:
                    out[f"time_unit_rule:{field}"] = rule
    return out


def _study_time_unit(tables: list[RawTable]) -> list[Finding]:
    """Template workbooks: the Study sheet's ``time_unit`` (days, weeks, months, years)
    is the unit of every Outcomes time column; the validator converts to the stored
    months and the Cohort remembers the unit.  Without one the template's months apply;
    an unknown unit is an error finding and the times are read as months."""
    from imft_desktop.io.mapping.targets import TIME_FIELDS
    from imft_desktop.model.time_units import normalise_unit

    unit, how, findings = "months", "template", []
    study = next((rt for rt in tables if rt.table == "study"), None)
    if study is not None and "key" in study.columns and "value" in study.columns:
        for i, key in enumerate(study.columns["key"].values):
            if str(key or "").strip().casefold() != "time_unit":
                continue
            raw = study.columns["value"].values[i]
            if normalise_unit(raw) is None:
                col = study.columns["value"]
                findings.append(codes.make(
                    "STUDY_VALUE_INVALID", file=study.file, sheet=study.sheet,
                    row=study.rows[i], column=col.letter, header=col.header, value=raw,
                    detail="time_unit"))
            else:
                unit, how = str(normalise_unit(raw)), "study"
    for rt in tables:
        if rt.table != "outcomes":
            continue
        for f in TIME_FIELDS:
            if f in rt.columns:
                if unit != "months":
                    rt.constants[f"_unit:{f}"] = unit
                rt.constants[f"_unit_source:{f}"] = [how, unit, ""]
    return findings


def value_dictionary(
    sheet: RawSheet, profile: MappingProfile, tables: list[RawTable],
    ctx: ValidationContext | None = None,
) -> ValueDictionary:
    """Each distinct value of each mapped column of ``sheet`` and its meaning.

    The mapping stage decides blanks, not-tested and tested-negative words and the
    user's chosen meanings; every other value is read by the parser of the field it
    feeds in ``tables`` (the raw tables ``mapping.to_raw_tables`` made of ``sheet``),
    exactly as validation reads it.
    """
    from imft_desktop.io.mapping.value_dictionary import collect_values
    from imft_desktop.io.validation.describe import describe_cells

    ctx = ctx or ValidationContext()
    feeds: dict[str, tuple[RawTable, str]] = {}
    for rt in tables:
        for name, col in rt.columns.items():
            if name not in ("sample_id", "patient_id") and not name.startswith(EXTRA_PREFIX):
                feeds.setdefault(col.letter, (rt, name))
    entries: list[ValueEntry] = []
    for cv in collect_values(sheet, profile):
        pending = [v for v in cv.values if not v.source]
        feed = feeds.get(cv.letter)
        read: dict[Any, tuple[str, str, str]] = {}
        if pending and feed is not None:
            read = describe_cells(feed[0], feed[1], [p for v in pending for p in v.parts], ctx)
        for v in cv.values:
            meaning, source, note = v.meaning, v.source, ""
            if not source:
                parts = [read.get(p, ("not read", UNKNOWN, "")) for p in v.parts]
                meaning = "; ".join(m for m, _s, _n in parts)
                sources = {s for _m, s, _n in parts}
                source = next((s for s in (UNKNOWN, BUILT_IN) if s in sources), AS_WRITTEN)
                note = next((n for _m, _s, n in parts if n), "")
                if cv.kind == "value" and meaning.startswith("missing"):
                    meaning = "not tested"  # an IHC/FISH measurement not done
            entries.append(ValueEntry(
                column=cv.letter, header=cv.header, target=cv.target, value=v.value,
                key=v.key, count=v.count, rows=tuple(v.rows), meaning=meaning,
                source=source, note=note))
    return ValueDictionary(tuple(entries))
