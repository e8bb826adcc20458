"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) read with calamine, plus their structure.

calamine (Rust) reads values 4-6x faster than openpyxl.  What python-calamine 0.9
returns, found by experiment (see tests/readers/test_calamine_contract.py):

* text as ``str`` (spaces kept), empty cells as ``""``;
* every number as ``float`` (``5`` comes back as ``5.0``);
* booleans as ``bool``; dates, times and date-times as ``date``/``time``/``datetime``
  according to the cell's number format, with 1904-system workbooks already shifted
  correctly;
* error cells (``#N/A``, ``#DIV/0!``, ``#REF!``) and formulas without a cached value as
  ``""`` -- indistinguishable from blank.

So this reader turns ``""`` into ``None`` and integral floats into ``int``, and for
.xlsx/.xlsm takes the structure from :mod:`imft_desktop.io.read.xlsx_structure`: error cells
get their error text back (and are listed in ``RawSheet.error_cells``), formulas without
a value are listed, hidden rows/columns, merges and display-changing number formats are
recorded.  For .xls/.xlsb/.ods only what calamine reports cheaply (hidden sheets,
merged ranges) is kept and ``structure_checked`` is ``False``.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from imft_desktop.io.read.guard import ReadBudget, current_budget
from imft_desktop.io.read.memory import paused_gc
from imft_desktop.io.read.raw import RawSheet, UnreadableFile, column_letter
from imft_desktop.io.read.sniff import ReadLimits, check_xml_prolog, check_zip_limits, open_zip
from imft_desktop.io.read.xlsx_structure import (
    SheetStructure,
    WorkbookInfo,
    read_styles,
    read_workbook_info,
    scan_sheet_stream,
    workbook_part,
)
from imft_desktop.model.findings import Finding
from imft_desktop.model.progress import Cancelled, Progress
from imft_desktop.model.vocab import Level

#: Row counts at which Excel (1,048,576) and old Excel/LibreOffice (65,536) stop.
ROW_LIMITS = (65_536, 1_048_576)
_INT_LIMIT = float(2**53)
#: Rows converted between cancellation checks.
_CHECK_EVERY_ROWS = 10_000
_ZIP_KINDS = ("xlsx", "xlsm", "xlsb", "ods")
#: Empty rows below the data worth a note (a formula or format filled far down).
_FILLED_REPORT_ROWS = 1000


#: Chooses the sheets to parse from the worksheets' names and hidden flags.
SheetChooser = Callable[[list[str], list[bool]], Collection[str] | None]


@dataclass
class SpreadsheetRead:
    """Result of reading a workbook."""

    sheets: list[RawSheet]
    date_system: str = "1900"
    findings: list[Finding] = field(default_factory=list)


def read_spreadsheet(
    data: bytes,
    name: str,
    kind: str,
    progress: Progress,
    *,
    structure: bool = True,
    limits: ReadLimits | None = None,
    only: Collection[str] | SheetChooser | None = None,
    budget: ReadBudget | None = None,
) -> SpreadsheetRead:
    """Read every worksheet of a workbook's bytes.

    Parameters
    ----------
    data:
        The whole file (already size-checked).
    name:
        File name for messages.
    kind:
        ``xlsx``, ``xlsm``, ``xlsb``, ``xls`` or ``ods`` (from ``sniff.sniff_bytes``).
    progress:
        Receives a fraction per sheet; ``check()`` is honoured between sheets.
    structure:
        Run the structure pass (.xlsx/.xlsm); ``False`` skips it and marks every sheet
        ``structure_checked=False``.
    limits:
        Zip caps checked before anything is parsed.
    only:
        Names of the sheets to parse (case-insensitive), or a function choosing them
        from ``(names, hidden flags)`` of the worksheets; ``None`` parses all.  Other
        sheets are returned empty with ``parsed=False``, without touching their XML.
    budget:
        Its ``max_cells`` counts the cells of all parsed sheets together (default: the
        current budget); more raises ``OverBudget``.

    Raises
    ------
    UnreadableFile
        ``FILE_TOO_LARGE``/``FILE_SUSPICIOUS`` (caps), ``FILE_DAMAGED``,
        ``FILE_ENCRYPTED``.
    """
    limits = limits or ReadLimits()
    cells = _CellCount(budget or current_budget(), name)
    zf: zipfile.ZipFile | None = None
    info: WorkbookInfo | None = None
    if kind in _ZIP_KINDS:
        zf = open_zip(data, name)
        check_zip_limits(zf, name, limits)
        for member in zf.namelist():
            if member.lower().endswith((".xml", ".rels", ".vml")):
                check_xml_prolog(zf, member, name, limits)
        if kind == "ods":
            _refuse_encrypted_ods(zf, name)
    progress.check()
    findings: list[Finding] = []
    structured = structure and kind in ("xlsx", "xlsm") and zf is not None
    styles = None
    if zf is not None and kind in ("xlsx", "xlsm"):
        try:
            info = read_workbook_info(zf)
            if structured:
                styles = read_styles(zf, workbook_part(zf))
        except Exception as exc:  # defusedxml refusals, broken XML, bad zip members
            raise _damaged(name, exc) from exc

    workbook = _open_calamine(data, name)
    metas = list(workbook.sheets_metadata)
    sheets: list[RawSheet] = []
    if callable(only):
        work = [m for m in metas if m.typ == SheetTypeEnum.WorkSheet]
        only = only([m.name for m in work], [m.visible != SheetVisibleEnum.Visible for m in work])
    wanted = None if only is None else {n.casefold() for n in only}
    bands = _progress_bands([m.name for m in metas], zf, info, wanted)
    # One thread for the structure passes: each runs while calamine parses the sheet's
    # values with the GIL released (about 0.5 s of a 100k-row sheet's 3.5 s).
    scans = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-structure")
    try:
        for meta, (start, end) in zip(metas, bands):
            progress.check()
            progress.report(start, f"Reading sheet {meta.name}")
            if meta.typ != SheetTypeEnum.WorkSheet:
                findings.append(
                    Finding(
                        "XLSX_NOT_A_WORKSHEET",
                        Level.INFO,
                        f"Sheet '{meta.name}' is a chart or dialog sheet without cells; "
                        "skipped.",
                        file=name,
                        sheet=meta.name,
                    )
                )
                continue
            if wanted is not None and meta.name.casefold() not in wanted:
                sheets.append(RawSheet(name=meta.name, rows=[], parsed=False,
                                       hidden=meta.visible != SheetVisibleEnum.Visible))
                continue
            scan: Future[tuple[SheetStructure, bool] | None] | None = None
            filled_zero = 0
            limit = _RowLimit()
            scan_args: tuple[zipfile.ZipFile, WorkbookInfo, Any, str, str] | None = None
            if structured and zf is not None and info is not None and styles is not None:
                scan_args = (zf, info, styles, name, meta.name)
                if 0 < _declared_rows(zf, info, meta.name) <= _CONCURRENT_SCAN_ROWS:
                    # The structure pass runs while calamine parses the values (it
                    # releases the GIL) and learns the last row with data once calamine
                    # is done.  A sheet declaring more rows (a formula filled down to row
                    # 1,048,576) is scanned after the values instead, knowing where the
                    # data ends: the two together would not fit the memory budget.  So is
                    # a sheet that declares no range (not written by Excel or a library).
                    scan = scans.submit(_scan_structure, *scan_args, limit.get)
            with paused_gc():
                try:
                    cal_sheet = workbook.get_sheet_by_name(meta.name)
                    progress.report(start + 0.5 * (end - start), f"Reading sheet {meta.name}")
                    rows = _convert_rows(_calamine_rows(cal_sheet), progress, cells)
                    filled_to = int(cal_sheet.height or 0) + int((cal_sheet.start or (0, 0))[0])
                except (UnreadableFile, Cancelled):
                    raise
                except Exception as exc:  # calamine raises its own error types per format
                    raise _damaged(name, exc, sheet=meta.name) from exc
                progress.report(start + 0.85 * (end - start), f"Checking sheet {meta.name}")
            # Rows below ``data_end`` hold nothing but 0 or empty text; if the scan finds
            # only formulas there, they are a formula filled down, not data.
            data_end = _substantive_end(rows)
            limit.value = data_end
            if scan is None and scan_args is not None:
                scan = scans.submit(_scan_structure, *scan_args, data_end)
            sheet = RawSheet(
                name=meta.name,
                rows=rows,
                first_row=1,
                hidden=meta.visible != SheetVisibleEnum.Visible,
            )
            if scan is None:
                sheet.structure_checked = False
                sheet.merged_ranges = _calamine_merges(cal_sheet)
            # calamine's copy of the sheet (~40 bytes a cell) is no longer needed
            del cal_sheet
            if scan is not None:
                scanned = scan.result()
                if data_end < len(rows) and not _filled_formulas_below(scanned):
                    # Typed values below: scan the whole sheet after all (rare).
                    assert scan_args is not None
                    scanned = _scan_structure(*scan_args, len(rows))
                elif data_end < len(rows):
                    filled_zero = len(rows) - data_end
                    del rows[data_end:]
                _apply_xlsx_structure(sheet, scanned)
                _trim_structure(sheet)
            sheets.append(sheet)
            findings.extend(_sheet_findings(sheet, name))
            if filled_zero:
                findings.append(Finding(
                    "XLSX_FILLED_BELOW_DATA", Level.WARNING,
                    f"Sheet '{sheet.name}': rows {len(sheet.rows) + 1:,} to "
                    f"{len(sheet.rows) + filled_zero:,} hold nothing but formula results of 0 "
                    "or empty text (a formula filled down below the data); they were skipped.",
                    file=name, sheet=sheet.name, row=len(sheet.rows) + 1,
                ))
            elif filled_to - len(sheet.rows) >= _FILLED_REPORT_ROWS:
                findings.append(Finding(
                    "XLSX_FILLED_BELOW_DATA", Level.INFO,
                    f"Sheet '{sheet.name}' has formulas or formatting filled down to row "
                    f"{filled_to:,}, below its last row with a value (row {len(sheet.rows):,}); "
                    "those empty rows were skipped.",
                    file=name, sheet=sheet.name, row=len(sheet.rows),
                ))
    finally:
        scans.shutdown(wait=True, cancel_futures=True)
    progress.report(1.0, f"Read {name}")

    date_system = info.date_system if info is not None else "1900"
    findings.extend(_workbook_findings(name, kind, info, date_system))
    if not sheets:
        raise UnreadableFile("FILE_EMPTY", f"{name} has no worksheets with cells.")
    skipped = [s.name for s in sheets if not s.parsed]
    if skipped:
        shown = ", ".join(f"'{n}'" for n in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        findings.append(Finding(
            "XLSX_SHEETS_NOT_READ", Level.INFO,
            f"{len(skipped)} sheet(s) not needed for this import were not read: "
            f"{shown}{more}. Choose one with --sheet (or in the sheet picker) to read it.",
            file=name, value=str(len(skipped)),
        ))
    return SpreadsheetRead(sheets, date_system, findings)


def _progress_bands(
    names: list[str], zf: zipfile.ZipFile | None, info: WorkbookInfo | None,
    wanted: set[str] | None = None,
) -> list[tuple[float, float]]:
    """Each sheet's share of the progress bar: by XML size for .xlsx, else equal;
    sheets that are not parsed get none."""
    weights = []
    for sheet_name in names:
        if wanted is not None and sheet_name.casefold() not in wanted:
            weights.append(0.0)
            continue
        weight = 1.0
        entry = info.entry(sheet_name) if info is not None else None
        if zf is not None and entry is not None and entry.part in zf.NameToInfo:
            weight = max(float(zf.NameToInfo[entry.part].file_size), 1.0)
        weights.append(weight)
    total = sum(weights) or 1.0
    bands, start = [], 0.0
    for weight in weights:
        end = start + weight / total
        bands.append((start, end))
        start = end
    return bands


# --------------------------------------------------------------------------- calamine
def _open_calamine(data: bytes, name: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # PasswordError, ZipError, XmlError, CalamineError ...
        if type(exc).__name__ == "PasswordError" or "password" in str(exc).lower():
            raise UnreadableFile(
                "FILE_ENCRYPTED",
                f"{name} is password-protected. Remove the password in Excel, save a copy "
                "and import that copy.",
            ) from exc
        raise _damaged(name, exc) from exc


def _damaged(name: str, exc: BaseException, sheet: str | None = None) -> UnreadableFile:
    where = f" (sheet '{sheet}')" if sheet else ""
    # The library's message is kept out: it may quote cell contents.
    return UnreadableFile(
        "FILE_DAMAGED",
        f"{name}{where} is damaged or not a valid workbook ({type(exc).__name__}). Your "
        "file was not changed; open it in Excel or LibreOffice and save it again.",
    )


def _calamine_rows(cal_sheet: Any) -> Iterable[list[Any]]:
    """Rows from A1 as ``to_python(skip_empty_area=False)`` gives them, one at a time.

    calamine's ``iter_rows`` yields every row from row 1 but starts each at the first
    used column, so the leading empty columns are put back here.
    """
    start = cal_sheet.start
    pad = [""] * int(start[1]) if start else []
    for row in cal_sheet.iter_rows():
        yield pad + row if pad else row


@dataclass
class _CellCount:
    """Cells kept so far across a workbook's sheets, against the reader budget: 60
    filler sheets of a million cells each are stopped after the first ten or so, not
    parsed for half a minute."""

    budget: ReadBudget
    name: str
    cells: int = 0

    def add(self, n: int) -> None:
        self.cells += n
        self.budget.check_cells(self.cells, self.name)


def _convert_rows(
    raw_rows: Iterable[list[Any]], progress: Progress, cells: _CellCount | None = None
) -> list[list[Any]]:
    """``""`` -> ``None``; integral floats -> ``int`` (Excel stores 5, calamine says 5.0).

    Rows are taken one at a time and trailing empty rows are never kept: a formula or a
    format filled down to row 1,048,576 below 20 cases gives 20 rows, so what follows
    costs time and memory in proportion to the data, not to the filled range.
    """
    limit = _INT_LIMIT
    rows: list[list[Any]] = []
    blank_run = 0  # empty rows seen since the last row with a value
    kept_cells = 0
    for i, row in enumerate(raw_rows):
        if i % _CHECK_EVERY_ROWS == 0:
            progress.check()
            if cells is not None:
                cells.add(kept_cells)
                kept_cells = 0
        if row.count("") == len(row):  # C-speed test: the filled-down tail is all ""
            blank_run += 1
            continue
        if blank_run:
            rows.extend([None] * len(row) for _ in range(blank_run))
            blank_run = 0
        kept_cells += len(row)
        rows.append([
            None
            if v == ""
            else (int(v) if type(v) is float and v.is_integer() and -limit < v < limit else v)
            for v in row
        ])
    if cells is not None:
        cells.add(kept_cells)
    return rows


def _substantive_end(rows: list[list[Any]]) -> int:
    """Row count without the trailing rows whose values are all 0 or empty text, when
    there are at least ``_FILLED_REPORT_ROWS`` of them (else ``len(rows)``)."""
    end = len(rows)
    while end and all(v is None or v == 0 or v == "" for v in rows[end - 1]):
        end -= 1
    return end if len(rows) - end >= _FILLED_REPORT_ROWS else len(rows)


def _filled_formulas_below(scanned: tuple[SheetStructure, bool] | None) -> bool:
    """True when every cell with a value below the scanned range is a formula."""
    if scanned is None or not scanned[0].checked:
        return False
    st = scanned[0]
    return st.formulas_below > 0 and st.values_below <= st.formulas_below


def _trim_structure(sheet: RawSheet) -> None:
    """Drop structure recorded below the last row kept (a filled-down formula)."""
    last = sheet.first_row + len(sheet.rows) - 1
    for attr in ("formula_without_value", "display_text", "number_formats"):
        d = getattr(sheet, attr)
        if d and max(r for r, _c in d) > last:
            setattr(sheet, attr, {k: v for k, v in d.items() if k[0] <= last})
    if sheet.formula_cells and max(r for r, _c in sheet.formula_cells) > last:
        sheet.formula_cells = {k for k in sheet.formula_cells if k[0] <= last}
    if sheet.hidden_rows and max(sheet.hidden_rows) > last:
        sheet.hidden_rows = {r for r in sheet.hidden_rows if r <= last}


def _calamine_merges(cal_sheet: Any) -> list[str]:
    try:
        ranges = cal_sheet.merged_cell_ranges or []
    except Exception:  # not every format reports merges
        return []
    out = []
    for (r0, c0), (r1, c1) in ranges:
        out.append(f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}")
    return out


def _refuse_encrypted_ods(zf: zipfile.ZipFile, name: str) -> None:
    try:
        manifest = zf.read("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise UnreadableFile(
            "FILE_ENCRYPTED",
            f"{name} is password-protected. Remove the password in LibreOffice, save a "
            "copy and import that copy.",
        )


# --------------------------------------------------------------------------- structure
#: Sheets declaring at most this many rows are scanned while calamine reads them.
_CONCURRENT_SCAN_ROWS = 200_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _declared_rows(zf: zipfile.ZipFile, info: WorkbookInfo, sheet_name: str) -> int:
    """The last row of the sheet's declared range (``<dimension ref="A1:AP10001">``,
    written near the top of the part), or 0 when it is not declared."""
    entry = info.entry(sheet_name)
    part = _find_member(zf, entry.part) if entry is not None and entry.part else None
    if part is None:
        return 0
    try:
        with zf.open(part) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        return 0
    m = _DIMENSION.search(head)
    return int(m.group(1)) if m else 0


@dataclass
class _RowLimit:
    """The last row with data, unknown (``None``) until calamine has read the values."""

    value: int | None = None

    def get(self) -> int | None:
        return self.value


def _scan_structure(
    zf: zipfile.ZipFile, info: WorkbookInfo, styles: Any, name: str, sheet_name: str,
    last_row: int | Callable[[], int | None] | None = None,
) -> tuple[SheetStructure, bool] | None:
    """The structure pass of one sheet and whether it is hidden; ``None`` when the sheet's
    XML part cannot be found.  Touches nothing but the zip, so it can run in a thread
    while calamine (which releases the GIL) parses the values."""
    entry = info.entry(sheet_name)
    part = _find_member(zf, entry.part) if entry is not None and entry.part else None
    if entry is None or part is None:
        return None
    try:
        with zf.open(part) as fh:
            return scan_sheet_stream(fh, styles, last_row=last_row), entry.hidden
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise _damaged(name, exc, sheet=sheet_name) from exc


def _apply_xlsx_structure(sheet: RawSheet, scanned: tuple[SheetStructure, bool] | None) -> None:
    if scanned is None:
        sheet.structure_checked = False
        return
    st, sheet.hidden = scanned
    if not st.checked:
        sheet.structure_checked = False
        return
    sheet.hidden_rows = st.hidden_rows
    sheet.hidden_columns = st.hidden_columns
    sheet.merged_ranges = st.merged_ranges
    sheet.formula_cells = st.formula_cells
    sheet.formula_without_value = st.formula_without_value
    sheet.error_cells = st.error_cells
    rows = sheet.rows
    # Rows holding only a formula without a cached value are rows with lost values:
    # keep them (the reader dropped them as blank) so the importer reports each one.
    last_lost = max((r for r, _c in st.formula_without_value), default=0)
    while len(rows) < last_lost - sheet.first_row + 1:
        rows.append([])
    for (r, c), err in st.error_cells.items():
        # calamine returned "" for the error: put the error text back so the cell is not
        # blank; error_cells marks it as an error, not as text someone typed.
        i = r - sheet.first_row
        while len(rows) <= i:
            rows.append([])
        row = rows[i]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = err
    # The scan kept numeric cells only (no t= or t="n", with a value): calamine returns
    # those as numbers, since date formats are left out of the scan.
    sheet.number_formats = st.number_formats
    sheet.display_text = st.display_text


def _find_member(zf: zipfile.ZipFile, part: str) -> str | None:
    """The zip member named ``part``; Excel also accepts a different letter case."""
    if part in zf.NameToInfo:
        return part
    folded = part.casefold()
    return next((n for n in zf.NameToInfo if n.casefold() == folded), None)


# --------------------------------------------------------------------------- findings
def _sheet_findings(sheet: RawSheet, name: str) -> list[Finding]:
    out: list[Finding] = []
    if sheet.hidden:
        has_data = any(any(v is not None for v in r) for r in sheet.rows)
        out.append(
            Finding(
                "XLSX_HIDDEN_SHEET",
                Level.WARNING if has_data else Level.INFO,
                f"Sheet '{sheet.name}' is hidden in Excel"
                + (
                    " and holds data (perhaps old or working data); it is only used if "
                    "you choose it."
                    if has_data
                    else " and empty."
                ),
                file=name,
                sheet=sheet.name,
            )
        )
    if sheet.n_rows in ROW_LIMITS:
        out.append(
            Finding(
                "XLSX_ROW_LIMIT",
                Level.WARNING,
                f"Sheet '{sheet.name}' has exactly {sheet.n_rows:,} rows, the most that "
                "Excel or LibreOffice can hold: the data may have been cut off when the "
                "file was saved. Check that the last case is there.",
                file=name,
                sheet=sheet.name,
                row=sheet.n_rows,
            )
        )
    return out


def _workbook_findings(
    name: str, kind: str, info: WorkbookInfo | None, date_system: str
) -> list[Finding]:
    out: list[Finding] = []
    if kind == "xlsm" or (info is not None and info.has_macros):
        out.append(
            Finding(
                "XLSX_MACROS",
                Level.INFO,
                "The workbook contains macros. Only the cell values were read; macros "
                "were not run.",
                file=name,
            )
        )
    if info is not None and info.external_links:
        out.append(
            Finding(
                "XLSX_EXTERNAL_LINK",
                Level.INFO,
                f"The workbook links to {info.external_links} other file(s). The links "
                "were ignored: values are the ones Excel last saved, which may be out of "
                "date if the other file changed.",
                file=name,
                value=str(info.external_links),
            )
        )
    if date_system == "1904":
        out.append(
            Finding(
                "XLSX_DATE_1904",
                Level.INFO,
                "The workbook uses the 1904 date system (older Mac Excel); dates were "
                "converted accordingly.",
                file=name,
            )
        )
    return out
