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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.io.read.deadline import BudgetProgress, checking
from imft_desktop.io.read.guard import ReadBudget, use_budget
from imft_desktop.io.read.memory import paused_gc
from imft_desktop.io.read.raw import RawSheet, RawWorkbook, UnreadableFile, column_letter
from imft_desktop.io.read.records import RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.sheet import (
    annotate_structure,
    canonical_tables,
    find_header_row,
    sheet_spec,
)
from imft_desktop.io.validation.tables import ValidationContext, validate_tables
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
    from imft_desktop.io.read.xlsx_reader import SheetChooser

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
    budget:
        Reader limits (size, unpacked size, cells, time); default from the environment.
    time_unit:
        One-row-per-case files: the unit (days, weeks, months, years) of every time
        column whose header states none, as the user says (``--time-unit``).
    assembly:
        Genome assembly (``"hg19"`` or ``"hg38"``) of the copy-number segments;
        overrides the Study sheet (default hg38).

    Every option set away from its default is listed in a ``READ_WITH_OPTIONS`` note of
    the cohort, and one that overrides what the file says (Study sheet) in a
    ``STUDY_SETTING_OVERRIDDEN`` warning: how the values were read is never silent.
    """

    sheet: str | None = None
    mapping: MappingProfile | None = None
    include_hidden_rows: bool = True
    fish_threshold: float | None = None
    encoding: str | None = None
    delimiter: str | None = None
    event_mapping: dict[str, int] | None = None
    decimal_comma: bool = False
    budget: ReadBudget | None = None
    #: Sheets passed over when ``sheet`` was the program's own choice (the Import tab
    #: shows ``choose_case_sheet``'s pick): reported as SHEET_CHOSEN, as without a sheet.
    passed_over: tuple[str, ...] = ()
    time_unit: str | None = None
    assembly: str | None = None


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

    options = options or ImportOptions()
    with use_budget(options.budget) as budget:
        # One deadline for the whole import: reading, shaping and validating.
        guarded = BudgetProgress(budget, os.path.basename(os.fspath(path)), progress)
        # Files of other tools (MAF, SEG, cBioPortal study folders) have layouts of their
        # own; everything else is a workbook or delimited text read cell by cell.
        if detect(path) is not None:
            with checking(guarded):
                cohort = import_interop(path, guarded)
            # Their layout fixes how cells read: only the study settings apply (and only
            # those are listed as used).
            apply_chosen_settings(cohort, ImportOptions(
                fish_threshold=options.fish_threshold, assembly=options.assembly))
            return cohort
        read_progress = guarded.sub(0.0, 0.4)
        build_progress = guarded.sub(0.4, 1.0)
        with gc_paused():
            workbook = read_workbook(
                path, read_progress, encoding=options.encoding, delimiter=options.delimiter,
                budget=budget, only=_sheets_needed(options.sheet, SHEETS_READ_WHOLE),
            )
            if _needs_all_sheets(workbook, options.sheet):
                workbook = read_workbook(
                    path, read_progress, encoding=options.encoding,
                    delimiter=options.delimiter, budget=budget,
                )
            return build_cohort(workbook, options, build_progress)


def _sheets_needed(sheet: str | None, all_up_to: int = 0) -> SheetChooser:
    """The sheets an import reads: the one asked for, else the sheets named like the
    template's plus the first visible one (where a one-row-per-case table lives).
    A workbook's other sheets (archives, pivot copies, 300 filler sheets) are not
    parsed at all.  With ``all_up_to``, a workbook of that many sheets or fewer is
    read whole (the window shows every sheet's size in its sheet picker)."""

    def choose(names: list[str], hidden: list[bool]) -> set[str] | None:
        if len(names) <= all_up_to:
            return None
        if sheet is not None:
            return {sheet}
        wanted = {n for n in names if sheet_spec(n) is not None}
        first = next((n for n, h in zip(names, hidden) if not h), names[0] if names else None)
        if first is not None:
            wanted.add(first)
        return wanted

    return choose


#: Workbooks of up to this many sheets are read whole (every sheet is checked and the
#: window's sheet picker shows every size); beyond, only the sheets an import needs,
#: and in the window a sheet when it is chosen.
SHEETS_READ_WHOLE = 12


def window_sheets() -> SheetChooser:
    """The sheets the window reads at first (see ``SHEETS_READ_WHOLE``)."""
    return _sheets_needed(None, SHEETS_READ_WHOLE)


def _needs_all_sheets(workbook: RawWorkbook, sheet: str | None) -> bool:
    """True when a partial read left no visible sheet with data to import (the first
    visible sheet was a blank cover sheet, say): then every sheet must be read."""
    if sheet is not None or all(s.parsed for s in workbook.sheets):
        return False
    return not any(s.parsed and not s.hidden and _has_data(s) for s in workbook.sheets)


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


#: Excel's error values as text: a CSV saved from Excel keeps them ("#N/A").
_EXCEL_ERROR_TEXT = re.compile(
    r"^#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NULL!|NUM!|SPILL!|CALC!|GETTING_DATA)$",
    re.IGNORECASE)


def _mark_error_texts(sheet: RawSheet, profile: MappingProfile) -> None:
    """In a text file, an Excel error value written as text ("#N/A", "#VALUE!") in a
    mapped column is an error cell, as in the workbook it came from: its value is
    unknown, so it is reported and the case is not tested for that column (never read
    as a missing token that leaves a record saying "mutated")."""
    from imft_desktop.io.read.raw import column_index

    cols = [column_index(c.column) for c in profile.columns if c.is_mapped]
    start = max(profile.header_row - sheet.first_row + 1, 0)
    for i, row in enumerate(sheet.rows[start:], start=start):
        for j in cols:
            v = row[j] if j < len(row) else None
            if isinstance(v, str) and v[:1] == "#" and _EXCEL_ERROR_TEXT.match(v.strip()):
                sheet.error_cells.setdefault((sheet.first_row + i, j), v.strip())


#: Words of a Study key that say which result kind an assay was used for.
_STUDY_CAPABILITY_WORDS = {
    "fusion": ("fusion", "rearrangement", "translocation", "rna"),
    "mutation": ("mutation", "variant", "snv", "dna"),
    "copy number": ("copy", "cna", "cnv", "karyotype"),
}


def _study_assays(workbook: RawWorkbook, cases: RawSheet) -> dict[str, str]:
    """Assay by capability from a key/value Study sheet beside the cases ("assay:
    WGS", "fusion assay: Archer RNA panel"), for columns whose header names none.  A
    key naming no result kind gives the assay to every kind it can detect."""
    from imft_desktop.io.mapping.header_rules import assay_named_in
    from imft_desktop.model.vocab import ASSAY_CAPABILITIES, SequencingAssay

    study = next((s for s in workbook.sheets if s is not cases
                  and s.name.strip().casefold() in ("study", "study information", "about")),
                 None)
    out: dict[str, str] = {}
    if study is None:
        return out
    for row in study.rows:
        if len(row) < 2 or not isinstance(row[0], str) or row[1] is None:
            continue
        key = row[0].strip().casefold()
        if not any(w in key for w in ("assay", "sequencing", "platform", "method", "panel")):
            continue
        assay = assay_named_in(str(row[1]))
        if assay is None:
            continue
        kinds = [k for k, words in _STUDY_CAPABILITY_WORDS.items()
                 if any(w in key for w in words)]
        detects = {str(c) for c in ASSAY_CAPABILITIES.get(SequencingAssay(assay), ())}
        for kind in kinds or sorted(detects):
            if kind in detects:
                out.setdefault(kind, assay)
    return out


def choose_case_sheet(workbook: RawWorkbook) -> tuple[RawSheet, MappingProfile, list[str]]:
    """The sheet that holds the cases, its recognised mapping and the sheets with data
    before it that were passed over (a README or notes sheet first).

    The first visible sheet with data wins when its headers give a case ID column and at
    least one result or outcome column; otherwise the sheet scoring best on (ID column,
    recognised columns, data rows).  One sheet: no choice, nothing recognised twice.
    """
    from imft_desktop.io import mapping

    candidates = [s for s in workbook.sheets if not s.hidden and _has_data(s)
                  and s.name.strip().casefold() != "study"]  # key/value facts, not cases
    if len(candidates) <= 1:
        sheet = candidates[0] if candidates else _choose_sheet(workbook, None)
        return sheet, mapping.recognise(sheet), []
    best: tuple[tuple[int, int, int], int, RawSheet, MappingProfile] | None = None
    for i, sheet in enumerate(candidates):
        profile = mapping.recognise(sheet)
        score = _case_sheet_score(sheet, profile)
        if i == 0 and score[0] and score[1] >= 1:
            return sheet, profile, []
        if best is None or score > best[0]:
            best = (score, i, sheet, profile)
    assert best is not None
    _score, i, sheet, profile = best
    return sheet, profile, [s.name for s in candidates[:i]]


def skipped_names(findings: list[Finding]) -> set[str]:
    """Sheets already reported as passed over (a README before the cases)."""
    return {name.strip('"') for f in findings if f.code == "SHEET_CHOSEN" and f.value
            for name in str(f.value).split(", ")}


def _other_case_sheets(workbook: RawWorkbook, chosen: RawSheet, reported: set[str]
                       ) -> list[str]:
    """Other visible sheets that hold a case table too (an ID column and a result or
    outcome column): a workbook with one sheet per year or per hospital.  Only one sheet
    is imported, so the user must hear about the others."""
    from imft_desktop.io import mapping

    out = []
    for other in workbook.sheets:
        if (other is chosen or other.hidden or other.name in reported or not _has_data(other)
                or other.name.strip().casefold() == "study"):
            continue
        score = _case_sheet_score(other, mapping.recognise(other))
        if score[0] and score[1] >= 1 and score[2] >= 1:
            out.append(other.name)
    return out


def _case_sheet_score(sheet: RawSheet, profile: MappingProfile) -> tuple[int, int, int]:
    """(has an ID column, columns recognised as results or outcomes, data rows)."""
    has_id = int(not profile.check())
    results = sum(1 for c in profile.columns if c.is_mapped and c.target.split(".")[0]
                  not in ("samples", "extra", "ignore"))
    return has_id, results, sheet.data_row_count(profile.header_row)


def _case_sheet_reason(profile: MappingProfile) -> str:
    """Why a sheet was taken as the cases, in words."""
    ids = [c.header for c in profile.columns if c.target in (
        "samples.sample_id", "samples.patient_id", "outcomes.patient_id")]
    n = sum(1 for c in profile.columns if c.is_mapped)
    return (f'case ID column "{ids[0]}" and {n} recognised columns' if ids
            else f"{n} recognised columns")


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
    findings: list[Finding] = []
    profile = options.mapping
    if options.sheet is None and profile is None:
        sheet, profile, skipped = choose_case_sheet(workbook)
        if skipped:
            findings.append(codes.make(
                "SHEET_CHOSEN", file=file, sheet=sheet.name, row=profile.header_row,
                value=", ".join(f'"{s}"' for s in skipped),
                detail=_case_sheet_reason(profile)))
    else:
        sheet = _choose_sheet(workbook, options.sheet)
    if profile is None:
        profile = mapping.recognise(sheet)
    if options.mapping is not None:  # a saved profile, applied to this sheet's columns
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
    others = _other_case_sheets(workbook, sheet, skipped_names(findings))
    if others:
        findings.append(codes.make(
            "SHEETS_NOT_READ", file=file, sheet=sheet.name,
            value=", ".join(f'"{name}"' for name in others)))
    if options.passed_over and options.sheet is not None:
        findings.append(codes.make(
            "SHEET_CHOSEN", file=file, sheet=sheet.name, row=profile.header_row,
            value=", ".join(f'"{s}"' for s in options.passed_over),
            detail=_case_sheet_reason(profile)))
    if options.time_unit:
        from imft_desktop.io.mapping.time_columns import with_time_unit

        profile = with_time_unit(profile, options.time_unit)
    if workbook.source.kind in ("csv", "tsv"):
        _mark_error_texts(sheet, profile)
    try:
        tables = mapping.to_raw_tables(sheet, profile, file, _study_assays(workbook, sheet))
    except mapping.MappingError as exc:
        findings.append(codes.make(
            "MAPPING_UNUSABLE", file=file, sheet=sheet.name, detail="; ".join(exc.problems)))
        return [], findings, getattr(profile, "name", None), None
    findings.extend(_non_case_findings(tables, file, sheet.name))
    findings.extend(_column_findings(sheet, profile, file, guessed=options.mapping is None))
    marked = _synthetic_title(sheet, profile.header_row)
    if marked is not None:
        findings.append(codes.make("SHEET_MARKED_SYNTHETIC", file=file, sheet=sheet.name,
                                   row=marked[0], column=marked[1], value=marked[2]))
    if not sheet.structure_checked:
        findings.append(codes.make("STRUCTURE_NOT_CHECKED", file=file, sheet=sheet.name))
    for rt in tables:
        findings.extend(annotate_structure(rt, sheet))
    findings.extend(_percent_fractions(tables))
    return tables, findings, getattr(profile, "name", None), _Mapped(sheet, profile)


#: Fields holding a percentage 0-100.
_PERCENT_FIELDS = ("percent_positive", "percent_split", "tumour_cells", "threshold")
_FRACTION_TEXT = re.compile(r"^\s*(?:0?\.\d+|[01](?:\.0+)?)\s*$")


def _percent_fractions(tables: list[RawTable]) -> list[Finding]:
    """A percent column of a one-row-per-case sheet whose numbers are all fractions
    (0.35, 0.8, 1) means 35%, 80%, 100%: scaled by 100 in place, with one WARNING per
    column naming its rows and values (cells formatted as % in Excel were already
    scaled by ``annotate_structure`` and are not fractions any more)."""
    out: list[Finding] = []
    for rt in tables:
        for col in rt.columns.values():
            if col.field not in _PERCENT_FIELDS:
                continue
            if _has_percent_above_one(col.values):  # usually decided on the first cells
                out.extend(_small_values_in_percents(rt, col))
                continue
            idx = [i for i, v in enumerate(col.values) if _fraction_of(v) is not None]
            numbers = [v for v in col.values if isinstance(v, (int, float, str))
                       and not isinstance(v, bool) and _number_of(v) is not None]
            fractions = [_fraction_of(col.values[i]) for i in idx]
            if len(idx) < 2 or len(idx) != len(numbers) or not any(
                    0 < f < 1 for f in fractions if f is not None):
                continue
            shown = ", ".join(dict.fromkeys(str(col.values[i]) for i in idx[:4]))
            for i in idx:
                col.values[i] = round(float(_fraction_of(col.values[i]) or 0) * 100, 10)
            rows = tuple(rt.rows[i] for i in idx)
            finding = codes.make(
                "PERCENT_AS_FRACTION", file=rt.file, sheet=rt.sheet, row=rows[0],
                column=col.letter, header=col.header, value=shown,
                detail=f"{len(idx)} values: 0.35 read as 35%")
            out.append(replace(finding, rows=rows))
    return out


def _small_values_in_percents(rt: RawTable, col: Any) -> list[Finding]:
    """A column of percentages that also holds plain numbers between 0 and 1 (0.35 among
    42 and 80): read as percentages (0.35%), as most of the column is, but they may be
    fractions someone typed (35%): one WARNING naming them, never a silent guess."""
    idx = [i for i, v in enumerate(col.values)
           if type(v) in (int, float) and 0 < v < 1]
    if not idx:
        return []
    rows = tuple(rt.rows[i] for i in idx)
    shown = ", ".join(dict.fromkeys(f"{col.values[i]:g}" for i in idx[:4]))
    finding = codes.make("PERCENT_SMALL_VALUES", file=rt.file, sheet=rt.sheet, row=rows[0],
                         column=col.letter, header=col.header, value=shown)
    return [replace(finding, rows=rows) if len(rows) > 1 else finding]


def _has_percent_above_one(values: list[Any]) -> bool:
    """True as soon as a cell shows the column holds percentages: a plain number above
    1, or text written with "%" ("80%", "<1%").  Then no cell is read as a fraction."""
    for v in values:
        if type(v) is float or type(v) is int:
            if v > 1:
                return True
        elif isinstance(v, str):
            if "%" in v:
                return True
            if v[:1].isdigit():
                n = _number_of(v)
                if n is not None and n > 1:
                    return True
    return False


def _number_of(value: Any) -> float | None:
    """A plain number in a cell (int, float or numeric text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _fraction_of(value: Any) -> float | None:
    """The number in a cell when it lies in 0-1 (0.35, "0.35", 1), else None."""
    n = _number_of(value)
    if n is None or not 0 <= n <= 1:
        return None
    if isinstance(value, str) and not _FRACTION_TEXT.match(value):
        return None
    return n


#: Below this confidence a recognised header is a guess the user must see (the Import
#: tab marks the same columns).
LOW_CONFIDENCE = 0.5


def _column_findings(sheet: RawSheet, profile: MappingProfile, file: str, *,
                     guessed: bool) -> list[Finding]:
    """A finding for every column with data that is not analysed (kept as a clinical
    column: INFO; demoted from a result, such as a second "Fusion" column: WARNING;
    ignored: WARNING), and, for a mapping the program guessed, every header mapped with
    low confidence (WARNING).  Never silence on a column."""
    from imft_desktop.io.mapping.targets import EXTRA, IGNORE, parse_target

    out: list[Finding] = []
    for c in profile.columns:
        if c.target in (EXTRA, IGNORE):
            sample = _column_sample(sheet, profile.header_row, c.column)
            if not sample:
                continue
            if c.target == IGNORE:
                code = "COLUMN_IGNORED"
            elif c.confidence > 0 or "already maps" in c.reason:
                code = "COLUMN_NOT_ANALYSED"  # recognised as something, then set aside
            else:
                code = "COLUMN_EXTRA"
            why = re.sub(r"[;:]?\s*kept as a clinical column\s*$", "", c.reason)
            out.append(codes.make(
                code, file=file, sheet=sheet.name, row=profile.header_row, column=c.column,
                header=c.header, value=sample, detail=f"{why}; it holds {sample}"))
        elif guessed and c.confidence < LOW_CONFIDENCE:
            try:
                label = parse_target(c.target).label
            except ValueError:
                label = c.target
            out.append(codes.make(
                "MAPPING_LOW_CONFIDENCE", file=file, sheet=sheet.name, row=profile.header_row,
                column=c.column, header=c.header, normalised=label,
                detail=f"{c.reason} ({round(c.confidence * 100)}%)"))
    return out


def _column_sample(sheet: RawSheet, header_row: int, letter: str, n: int = 3) -> str:
    """The first ``n`` distinct non-blank values of a column below the header, quoted;
    "" when the column holds no data."""
    from imft_desktop.io.read.raw import column_index

    j = column_index(letter)
    seen: list[str] = []
    for r in sheet.rows[max(header_row - sheet.first_row + 1, 0):]:
        v = r[j] if j < len(r) else None
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        text = str(v).strip()
        if text not in seen:
            seen.append(text)
            if len(seen) >= n:
                break
    return ", ".join(f'"{t}"' for t in seen)


def _without_explained_rows(findings: list[Finding], ours: list[Finding]) -> list[Finding]:
    """The reader's ragged-row errors on rows found to be notes or summaries (a note
    under a CSV table has one field): the WARNING that says what the row is explains
    it, and an error would fail ``imft validate`` for a row that is not data."""
    explained = {(f.sheet, f.row) for f in ours if f.code in ("ROW_FOOTNOTE", "ROW_SUMMARY")}
    if not explained:
        return findings
    return [f for f in findings
            if not (f.code == "TEXT_RAGGED_ROW" and (f.sheet, f.row) in explained)]


def _non_case_findings(tables: list[RawTable], file: str, sheet: str) -> list[Finding]:
    """WARNINGs for the rows of a one-row-per-case sheet that were not read as cases:
    blank rows inside the table, summary rows ("Total", "n=24") and notes under it."""
    samples = next((t for t in tables if t.table == "samples"), None)
    if samples is None:
        return []
    out = [codes.make("ROW_BLANK_INSIDE", file=file, sheet=sheet, row=row)
           for row in samples.constants.get("_blank_rows_inside", ())]
    for row, column, value, kind in samples.constants.get("_non_case_rows", ()):
        code = "ROW_SUMMARY" if kind == "summary" else "ROW_FOOTNOTE"
        out.append(codes.make(code, file=file, sheet=sheet, row=row, column=column,
                              value=value))
    return sorted(out, key=lambda f: f.row or 0)


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
        if options.sheet is not None:
            # A template is read whole, but a sheet asked for that is not there is a
            # mistake to report (exit 2 naming the sheets), not an option to ignore.
            _choose_sheet(workbook, options.sheet)
        tables, fs, reported = canonical_tables(
            workbook, include_hidden_rows=options.include_hidden_rows)
        fs += _study_time_unit(tables)
    else:
        tables, fs, profile_name, mapped = _wide_tables(workbook, options)
    findings.extend(fs)
    findings = _without_explained_rows(findings, fs)
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
    dictionary = (value_dictionary(mapped.sheet, mapped.profile, tables, ctx, findings)
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
    if not len(cohort.sample_ids) and not cohort.findings.has_errors:
        # A header-only sheet must not read as "OK": there is nothing in it.
        cohort.findings.add(codes.make("COHORT_NO_DATA_ROWS", file=workbook.source.name))
    apply_chosen_settings(cohort, options)
    cohort.study.update(_time_units(tables))
    if any(f.code == "SHEET_MARKED_SYNTHETIC" for f in cohort.findings):
        cohort.study.setdefault("synthetic", "yes")
    return cohort


#: Study settings an import option overrides: (option, Study key, words for the user).
_STUDY_OPTIONS = (("fish_threshold", "fish_threshold", "FISH threshold"),
                  ("assembly", "assembly", "genome assembly"))


def chosen_options(options: ImportOptions) -> list[str]:
    """The options set away from the program's defaults, in words ("decimal comma",
    "FISH threshold 20%", "event coding 1 = 0, 2 = 1"); empty when none is."""
    out: list[str] = []
    if options.decimal_comma:
        out.append('decimal comma ("7,5" = 7.5)')
    if options.encoding:
        out.append(f"text encoding {options.encoding}")
    if options.delimiter:
        out.append(f"delimiter {_DELIMITER_WORDS.get(options.delimiter, repr(options.delimiter))}")
    if options.fish_threshold is not None:
        out.append(f"FISH threshold {options.fish_threshold:g}%")
    coding = dict(options.event_mapping or {})
    if options.mapping is not None and options.mapping.event_coding:
        coding = dict(options.mapping.event_coding)  # the profile's, as tables apply it
    if coding:
        out.append("event coding " + ", ".join(f"{k} = {v}" for k, v in coding.items()))
    if options.assembly:
        out.append(f"genome assembly {options.assembly}")
    if options.time_unit:
        out.append(f"time unit {options.time_unit} where the header states none")
    if not options.include_hidden_rows:
        out.append("rows hidden in Excel left out")
    return out


_DELIMITER_WORDS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def apply_chosen_settings(cohort: Cohort, options: ImportOptions) -> None:
    """Put the user's FISH threshold and assembly into ``cohort.study`` and say so.

    A ``READ_WITH_OPTIONS`` note lists every option set away from its default; a
    ``STUDY_SETTING_OVERRIDDEN`` warning names a Study-sheet value the user's choice
    replaced (the file says hg19, the import used hg38), so the two never disagree in
    silence.
    """
    file = cohort.sources[0].name if cohort.sources else None
    for option, key, words in _STUDY_OPTIONS:
        chosen = getattr(options, option)
        if chosen is None:
            continue
        text = f"{chosen:g}" if isinstance(chosen, float) else str(chosen)
        stated = cohort.study.get(key)
        if stated is not None and not _same_setting(stated, text):
            cohort.findings.add(codes.make(
                "STUDY_SETTING_OVERRIDDEN", file=file, value=stated, normalised=text,
                detail=words))
        cohort.study[key] = text
    chosen = chosen_options(options)
    if chosen:
        cohort.findings.add(codes.make("READ_WITH_OPTIONS", file=file,
                                       detail="; ".join(chosen)))


def _same_setting(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip().casefold() == b.strip().casefold()


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
    ctx: ValidationContext | None = None, findings: Iterable[Finding] = (),
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
    # A whole column read another way than cell by cell ("0.35" as 35%) says so on its
    # numbers.
    column_notes = {f.column: f.message for f in findings
                    if f.code == "PERCENT_AS_FRACTION" and f.sheet == sheet.name}
    feeds: dict[str, tuple[RawTable, str]] = {}
    for rt in tables:
        for name, col in rt.columns.items():
            if name not in ("sample_id", "patient_id") and not name.startswith(EXTRA_PREFIX):
                feeds.setdefault(col.letter, (rt, name))
    entries: list[ValueEntry] = []
    samples = next((t for t in tables if t.table == "samples"), None)
    case_rows = list(samples.rows) if samples is not None else None
    for cv in collect_values(sheet, profile, case_rows):
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
            if v.value == "numbers" and cv.letter in column_notes:
                note = column_notes[cv.letter]
            entries.append(ValueEntry(
                column=cv.letter, header=cv.header, target=cv.target, value=v.value,
                key=v.key, count=v.count, rows=tuple(v.rows), meaning=meaning,
                source=source, note=note))
    return ValueDictionary(tuple(entries))
