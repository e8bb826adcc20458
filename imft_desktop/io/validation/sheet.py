"""Canonical template sheets -> ``RawTable``; spreadsheet structure -> cell wrappers.

Two jobs that sit between the reader and the validator:

* ``canonical_tables`` reads a workbook in the template layout (one sheet per table):
  it matches sheet names to ``schema.TABLES``, finds the header row (title rows above
  it are allowed), matches headers to field names after normalisation, and reports
  layout problems: blank, duplicate and unknown headers, missing required columns,
  blank rows inside the table and footnotes under it.
* ``annotate_structure`` replaces the raw values of cells the reader flagged (error
  values, formulas, merged ranges, display text) with the wrappers of
  ``imft_desktop.io.validation.values`` so the validator reports them with their coordinates.
  It works on any ``RawTable`` whose columns carry their source letters, so the
  one-row-per-case path gets the same checks.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from itertools import zip_longest
from typing import Any

from imft_desktop.io.read.raw import RawSheet, RawWorkbook, column_index, column_letter
from imft_desktop.io.read.records import RawColumn, RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.tables import GERMLINE_FIELD
from imft_desktop.io.validation.values import (
    DisplayedNumber,
    ErrorCell,
    FormulaResult,
    MergedCell,
    UncalculatedFormula,
    normalise_header,
    raw_text,
)
from imft_desktop.model.findings import Finding
from imft_desktop.model.schema import TABLES, TableSpec

#: Field-name prefix of extra clinical columns (same convention as ``mapping``).
EXTRA_PREFIX = "extra:"

#: Rows searched for the header of a template sheet (title rows may sit above it).
HEADER_SEARCH_ROWS = 20

#: Non-template headers the validator still reads (somatic/germline origin columns).
GERMLINE_HEADERS = {"germline", "sv status", "somatic germline", "somatic/germline",
                    "origin", "mutation status", "variant origin", "somatic status"}

#: Sheets that accompany the template's data sheets (instructions, drop-down lists).
COMPANION_SHEETS = {"readme", "instructions", "lists", "vocabulary", "about", "notes"}

_FOOTNOTE_START = ("*", "†", "‡", "#", "note", "nb", "n.b.", "source", "footnote", "¹", "1)")


def compact_key(text: Any) -> str:
    """Header key: normalised (NFKC, invisible and NBSP stripped, casefolded), then
    without spaces, underscores, hyphens, brackets or dots ('PFS (months)' = pfs_months)."""
    return re.sub(r"[\s_\-().\[\]/]+", "", normalise_header(text))


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def sheet_spec(name: str) -> TableSpec | None:
    """The template table a sheet name stands for (case, spaces, underscores ignored)."""
    key = compact_key(name)
    for spec in TABLES:
        if key in (compact_key(spec.sheet), compact_key(spec.name)):
            return spec
    return None


def _field_keys(spec: TableSpec) -> dict[str, str]:
    return {compact_key(f.name): f.name for f in spec.fields}


def find_header_row(sheet: RawSheet, spec: TableSpec) -> tuple[int | None, int]:
    """(index into ``sheet.rows`` of the header, number of fields matched) or (None, 0).

    The header is the row among the first ``HEADER_SEARCH_ROWS`` matching the most
    field names, provided it holds at least one required field.
    """
    keys = _field_keys(spec)
    required = {compact_key(f) for f in spec.required}
    best, best_n = None, 0
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found = {compact_key(v) for v in row if not _is_blank(v)} & keys.keys()
        if found & required and len(found) > best_n:
            best, best_n = i, len(found)
    return best, best_n


def canonical_tables(
    workbook: RawWorkbook, *, include_hidden_rows: bool = True
) -> tuple[list[RawTable], list[Finding], set[tuple[str, str, str]]]:
    """Every template sheet of ``workbook`` as a ``RawTable``, with layout findings.

    Returns
    -------
    (tables, findings, reported_missing)
        ``reported_missing`` holds ``(file, sheet, field)`` of required columns already
        reported missing (see ``ValidationContext.reported_missing``).
    """
    file = workbook.source.name
    tables: list[RawTable] = []
    findings: list[Finding] = []
    missing: set[tuple[str, str, str]] = set()
    names = ", ".join(t.sheet for t in TABLES)
    for sheet in workbook.sheets:
        spec = sheet_spec(sheet.name)
        has_data = any(not _is_blank(v) for r in sheet.rows for v in r)
        if spec is None:
            if has_data and compact_key(sheet.name) not in COMPANION_SHEETS:
                findings.append(codes.make("SHEET_UNKNOWN", file=file, sheet=sheet.name,
                                           detail=names))
            continue
        rt, fs = sheet_table(sheet, spec, file, missing)
        findings.extend(fs)
        if rt is None:
            continue
        if sheet.hidden:
            findings.append(codes.make(
                "SHEET_HIDDEN", file=file, sheet=sheet.name,
                detail="imported" if include_hidden_rows else "left out"))
            rt.hidden_rows = set(rt.rows)
        if not sheet.structure_checked:
            findings.append(codes.make("STRUCTURE_NOT_CHECKED", file=file, sheet=sheet.name))
        findings.extend(annotate_structure(rt, sheet))
        tables.append(rt)
    return tables, findings, missing


def sheet_table(
    sheet: RawSheet, spec: TableSpec, file: str, reported_missing: set[tuple[str, str, str]]
) -> tuple[RawTable | None, list[Finding]]:
    """One template sheet as a ``RawTable`` (``None`` when it has no usable header)."""
    out: list[Finding] = []
    where: dict[str, Any] = {"file": file, "sheet": sheet.name}
    if not any(not _is_blank(v) for r in sheet.rows for v in r):
        return None, out
    hi, _n = find_header_row(sheet, spec)
    if hi is None:
        out.append(codes.make("HEADER_NOT_FOUND", **where,
                              detail=", ".join(spec.field_names[:6])))
        return None, out
    header_excel_row = sheet.first_row + hi
    above = [i for i in range(hi) if any(not _is_blank(v) for v in sheet.rows[i])]
    if above:
        out.append(codes.make("HEADER_BELOW_TITLE", **where, row=header_excel_row,
                              detail="1 row was" if len(above) == 1 else f"{len(above)} rows were"))
    header = sheet.rows[hi]
    body = sheet.rows[hi + 1:]
    keys = _field_keys(spec)
    by_field: dict[str, int] = {}
    headers: dict[int, str] = {}
    width = max([len(header), *(len(r) for r in body)])
    for j in range(width):
        h = header[j] if j < len(header) else None
        letter = column_letter(j)
        if _is_blank(h):
            if any(j < len(r) and not _is_blank(r[j]) for r in body):
                out.append(codes.make("HEADER_BLANK", **where, row=header_excel_row,
                                      column=letter))
            elif 0 < j < len(header) - 1 and not _is_blank(header[j - 1]) and any(
                not _is_blank(x) for x in header[j + 1:]
            ):
                out.append(codes.make("COLUMN_EMPTY_SPLIT", **where, row=header_excel_row,
                                      column=letter))
            continue
        if isinstance(h, datetime | date | int | float) and not isinstance(h, bool):
            out.append(codes.make("HEADER_AS_DATE", **where, row=header_excel_row,
                                  column=letter, value=raw_text(h)))
        text = str(h)
        key = compact_key(text)
        name = keys.get(key)
        if name is None and normalise_header(text) in GERMLINE_HEADERS and spec.name in (
            "variants", "fusions"
        ):
            name = GERMLINE_FIELD
        if name is None:
            close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.75)
            if spec.name == "samples" and not close:
                # An extra clinical column (ward, grade ...): kept verbatim for groupings.
                extra_name = EXTRA_PREFIX + text.strip()
                if extra_name not in by_field:
                    by_field[extra_name] = j
                    headers[j] = text
                    out.append(codes.make("HEADER_KEPT_AS_EXTRA", **where,
                                          row=header_excel_row, column=letter, header=text))
                    continue
            detail = (f'Did you mean "{keys[close[0]]}"?' if close else
                      f"Template columns: {', '.join(spec.field_names)}.")
            out.append(codes.make("HEADER_UNKNOWN", **where, row=header_excel_row,
                                  column=letter, header=text, detail=detail))
            continue
        if name in by_field:
            first = by_field[name]
            first_text = headers[first]
            code = "HEADER_DUPLICATE" if first_text == text else "HEADER_DUPLICATE_NORMALISED"
            out.append(codes.make(code, **where, row=header_excel_row, column=letter,
                                  header=text, value=text,
                                  detail=column_letter(first) if code == "HEADER_DUPLICATE"
                                  else first_text))
            continue
        clean = " ".join(normalise_header(text).split())
        if text != text.strip() or clean != normalise_header(text.strip()) or any(
            c in text for c in "\u00a0\u200b\u200c\u200d\ufeff"
        ):
            out.append(codes.make("HEADER_NORMALISED", **where, row=header_excel_row,
                                  column=letter, header=text, value=text, normalised=name))
        by_field[name] = j
        headers[j] = text
    for j in sorted(set(by_field.values()) & set(sheet.hidden_columns)):
        out.append(codes.make("COLUMN_HIDDEN", **where, row=header_excel_row,
                              column=column_letter(j), header=headers[j]))
    patient_from_sample = (
        spec.name == "samples" and "patient_id" not in by_field and "sample_id" in by_field
    )
    if patient_from_sample:
        out.append(codes.make("PATIENT_FROM_SAMPLE", **where, row=header_excel_row,
                              column=column_letter(by_field["sample_id"]),
                              header=headers[by_field["sample_id"]]))
    for f in spec.fields:
        if f.required and f.name not in by_field and not (
            spec.name == "cn_calls" and f.name == "event"
        ) and not (patient_from_sample and f.name == "patient_id"):
            present = [str(h) for h in header if not _is_blank(h)]
            close = difflib.get_close_matches(
                f.name, [compact_key(p) for p in present], n=3, cutoff=0.3)
            named = [p for p in present if compact_key(p) in close] or present[:3]
            out.append(codes.make("COLUMN_REQUIRED_MISSING", **where, row=header_excel_row,
                                  value=f.name,
                                  detail=", ".join(f'"{p}"' for p in named) or "none"))
            reported_missing.add((file, sheet.name, f.name))

    # Records: skip blank rows (reporting the ones inside the table) and footnotes.
    rows: list[int] = []
    cells: list[list[Any]] = []
    mapped = set(by_field.values())
    # Non-blank cell counts with C-level list.count: a per-cell Python test would cost
    # more than the rest of the sheet's shaping.
    counts = [len(r) - r.count(None) - r.count("") for r in body]
    last_data = max((i for i, c in enumerate(counts) if c), default=-1)
    previous_blank = False
    if all(c > 1 for c in counts[: last_data + 1]):
        # Usual case, no blank rows and no lone cells: every row is a record.
        rows = list(range(header_excel_row + 1, header_excel_row + 2 + last_data))
        cells = body[: last_data + 1]
    for i in range(0 if not rows else last_data + 1, last_data + 1):
        r = body[i]
        excel_row = header_excel_row + 1 + i
        if counts[i] <= 1:
            filled = [j for j, v in enumerate(r) if not _is_blank(v)]
        else:
            filled = [-1, -1]  # a record: which cells are filled does not matter
        if not filled:
            if not previous_blank:
                out.append(codes.make("ROW_BLANK_INSIDE", **where, row=excel_row))
            previous_blank = True
            continue
        if len(filled) == 1 and _is_footnote(r, filled, mapped, previous_blank, len(by_field)):
            out.append(codes.make("ROW_FOOTNOTE", **where, row=excel_row,
                                  column=column_letter(filled[0]), value=r[filled[0]]))
            previous_blank = False
            continue
        previous_blank = False
        rows.append(excel_row)
        cells.append(r)
    if not rows:
        out.append(codes.make("SHEET_EMPTY", **where, row=header_excel_row))
    rt = RawTable(table=spec.name, file=file, sheet=sheet.name, rows=rows)
    # Transpose in C (zip_longest pads ragged rows with None).
    transposed = list(zip_longest(*cells)) if cells else []
    for name, j in by_field.items():
        values = list(transposed[j]) if j < len(transposed) else [None] * len(cells)
        rt.columns[name] = RawColumn(
            field=name, letter=column_letter(j), header=headers[j], values=values)
    if patient_from_sample:
        sid = rt.columns["sample_id"]
        rt.columns["patient_id"] = RawColumn("patient_id", sid.letter, sid.header,
                                             list(sid.values))
    rt.hidden_rows = set(rows) & set(sheet.hidden_rows)
    return rt, out


def _is_footnote(
    row: list[Any], filled: list[int], mapped: set[int], after_blank: bool, n_fields: int
) -> bool:
    """A lone text cell under the table ("* pending re-review"), not a record."""
    if len(filled) != 1 or n_fields < 2:
        return False
    value = row[filled[0]]
    if not isinstance(value, str):
        return False
    text = value.strip().casefold()
    if filled[0] not in mapped:
        return True
    return text.startswith(_FOOTNOTE_START) or (after_blank and " " in text)


# ---------------------------------------------------------------------------- structure


def _parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'F4:G5' -> (first row, last row, first col, last col), 0-based columns."""
    m = re.match(r"^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$", ref.strip().upper())
    if not m:
        return None
    c1, r1 = column_index(m.group(1)), int(m.group(2))
    c2 = column_index(m.group(3)) if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    return min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)


def annotate_structure(rt: RawTable, sheet: RawSheet) -> list[Finding]:
    """Wrap flagged cells of ``rt`` (error, formula, merged, display text) in place.

    Only the reader's (small) dictionaries are walked, never every cell.  Percent
    cells formatted as ``0%`` in Excel hold fractions (0.42 shown as 42%); they are
    scaled to percent here so every percent column means the same thing.

    Returns
    -------
    list[Finding]
        Nothing today: the wrapped cells are reported by the validator with their
        records; the list is kept for structure findings that have no record.
    """
    if not rt.rows or not (
        sheet.error_cells or sheet.formula_without_value or sheet.formula_cells
        or sheet.display_text or sheet.merged_ranges or sheet.number_formats
    ):
        return []
    by_index: dict[int, list[RawColumn]] = {}
    for col in rt.columns.values():
        try:
            by_index.setdefault(column_index(col.letter), []).append(col)
        except ValueError:
            continue
    if not by_index:
        return []
    # A one-row-per-case list cell ("22q loss, -19") may give several records on
    # one row: every record of that row gets the wrapper.
    positions: dict[int, list[int]] = {}
    for k, r in enumerate(rt.rows):
        positions.setdefault(r, []).append(k)

    def targets(key: tuple[int, int]) -> list[tuple[RawColumn, int]]:
        r, c = key
        ks = positions.get(r)
        cols = by_index.get(c)
        if not ks or not cols:
            return []
        return [(col, k) for col in cols for k in ks]

    for key, fmt in sheet.number_formats.items():
        if "%" not in fmt:
            continue
        for col, k in targets(key):
            v = col.values[k]
            if col.field in _PERCENT_FIELDS and isinstance(v, float | int) and not isinstance(
                v, bool
            ) and abs(v) <= 10:
                col.values[k] = round(float(v) * 100, 10)
    for key, text in sheet.error_cells.items():
        for col, k in targets(key):
            col.values[k] = ErrorCell(str(text))
    for key, formula in sheet.formula_without_value.items():
        for col, k in targets(key):
            col.values[k] = UncalculatedFormula(str(formula))
    for key in sheet.formula_cells:
        for col, k in targets(key):
            if not isinstance(col.values[k], (ErrorCell, UncalculatedFormula)):
                col.values[k] = FormulaResult(col.values[k])
    for key, shown in sheet.display_text.items():
        for col, k in targets(key):
            v = col.values[k]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                col.values[k] = DisplayedNumber(v, str(shown), sheet.number_formats.get(key))
    header_rows = min(rt.rows)
    for ref in sheet.merged_ranges:
        rng = _parse_range(ref)
        if rng is None:
            continue
        r1, r2, c1, c2 = rng
        if r2 < header_rows:
            continue  # a merged (two-level) header, not data
        anchor = sheet.cell(r1, c1)
        for r in range(max(r1, header_rows), r2 + 1):
            for c in range(c1, c2 + 1):
                for col, k in targets((r, c)):
                    col.values[k] = MergedCell(anchor, ref)
    return []


_PERCENT_FIELDS = {"percent_positive", "percent_split", "threshold", "tumour_cells", "purity"}
