"""The structure pandas hides, read straight from an .xlsx/.xlsm zip in one fast pass.

calamine returns values only: an error cell (``#N/A``, ``#REF!``) and a formula without
a cached value both come back as an empty string, hidden rows and columns are not
reported, and number formats such as ``00000`` are lost.  openpyxl knows all of this but
needs ~5 s for a 10k x 40 sheet in full mode.  This module reads the few XML parts that
matter -- ``xl/workbook.xml``, ``xl/styles.xml`` and each ``xl/worksheets/sheetN.xml``
-- with byte-level regular expressions that only visit the rare interesting elements
(error cells, formulas, hidden rows, merges, cells with a display-changing format).  The
sheet XML is decompressed in 8 MB windows cut at row boundaries, so it never sits in
memory whole.  Measured on a 10k x 40 sheet (12 MB of XML): ~0.03 s CPU for the scan plus
~0.04 s to decompress; each cell under a display-changing format (``00000``, ``0%``)
costs a few microseconds more (3 such columns: +0.1 s; 20 such columns: +0.6 s).

The parts are small XML except the sheets; the small ones go through ``defusedxml``, the
sheets are never handed to an XML parser (and ``sniff.check_xml_prolog`` has already
refused any DOCTYPE).  Regular expressions over bytes cannot expand entities.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from imft_desktop.io.read.number_formats import (
    changes_display,
    display_renderer,
    format_code,
)
from imft_desktop.io.read.raw import CellKey, column_index


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as ``xl/workbook.xml`` lists it."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    part: str | None  # zip member, e.g. "xl/worksheets/sheet1.xml"; None if unresolved
    kind: str = "worksheet"  # "worksheet", "chartsheet", "dialogsheet", "macrosheet"

    @property
    def hidden(self) -> bool:
        return self.state in ("hidden", "veryHidden")


@dataclass
class WorkbookInfo:
    """Workbook-level facts: sheets, date system, macros, external links."""

    sheets: list[SheetEntry]
    date_system: str = "1900"
    has_macros: bool = False
    external_links: int = 0

    def entry(self, name: str) -> SheetEntry | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


@dataclass
class StyleTable:
    """Number format of each cell style (``cellXfs`` index); ``None`` means General."""

    formats: list[str | None] = field(default_factory=list)

    def number_format_styles(self) -> dict[int, str]:
        """Style index -> format code, for formats that change what a number says.

        Leading zeros, percent, literal text, text/scientific/fraction formats.  Date
        formats (typed by calamine) and formats that only round or group digits
        (``0.00``, ``#,##0``, on every cell of many sheets) are left out.
        """
        return {
            i: code
            for i, code in enumerate(self.formats)
            if code is not None and changes_display(code)
        }


@dataclass
class SheetStructure:
    """What one worksheet's XML says beyond its values (keys: Excel row, 0-based col)."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged_ranges: list[str] = field(default_factory=list)
    error_cells: dict[CellKey, str] = field(default_factory=dict)
    formula_without_value: dict[CellKey, str] = field(default_factory=dict)
    formula_cells: set[CellKey] = field(default_factory=set)
    display_text: dict[CellKey, str] = field(default_factory=dict)
    number_formats: dict[CellKey, str] = field(default_factory=dict)
    #: False when the sheet's XML could not be checked (e.g. cells without references).
    checked: bool = True
    problem: str | None = None
    #: Below ``last_row`` (see ``scan_sheet_stream``): cells with a value, and formulas.
    #: Every valued cell there is a formula result when ``values_below <= formulas_below``.
    values_below: int = 0
    formulas_below: int = 0


# --------------------------------------------------------------------------- workbook
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_small_xml(zf: zipfile.ZipFile, member: str) -> Element | None:
    try:
        data = zf.read(member)
    except KeyError:
        return None
    # defusedxml refuses DTDs and entities outright; these parts are kilobytes.
    root: Element = SafeET.fromstring(data, forbid_dtd=True)
    return root


def _relationships(zf: zipfile.ZipFile, rels_member: str) -> dict[str, tuple[str, str]]:
    root = _parse_small_xml(zf, rels_member)
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for el in root.iter():
        if _local(el.tag) == "Relationship":
            out[el.get("Id", "")] = (el.get("Target", ""), el.get("Type", ""))
    return out


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def workbook_part(zf: zipfile.ZipFile) -> str:
    """The workbook part named by the package relationships (normally xl/workbook.xml)."""
    for target, typ in _relationships(zf, "_rels/.rels").values():
        if typ.endswith("/officeDocument"):
            return _resolve("", target)
    return "xl/workbook.xml"


def read_workbook_info(zf: zipfile.ZipFile) -> WorkbookInfo:
    """Sheets (name, visibility, part), date system, macros and external links."""
    wb_member = workbook_part(zf)
    root = _parse_small_xml(zf, wb_member)
    base = posixpath.dirname(wb_member)
    rels_member = posixpath.join(base, "_rels", posixpath.basename(wb_member) + ".rels")
    rels = _relationships(zf, rels_member)
    sheets: list[SheetEntry] = []
    date_system = "1900"
    if root is not None:
        for el in root.iter():
            tag = _local(el.tag)
            if tag == "workbookPr":
                if el.get("date1904", "0").strip().lower() in ("1", "true"):
                    date_system = "1904"
            elif tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                target, typ = rels.get(rid, ("", ""))
                kind = typ.rsplit("/", 1)[-1] if typ else "worksheet"
                sheets.append(
                    SheetEntry(
                        name=el.get("name", ""),
                        state=el.get("state", "visible"),
                        part=_resolve(base, target) if target else None,
                        kind=kind,
                    )
                )
    names = zf.namelist()
    return WorkbookInfo(
        sheets=sheets,
        date_system=date_system,
        has_macros=any(n.lower().endswith("vbaproject.bin") for n in names),
        external_links=sum(
            1 for n in names if re.fullmatch(r"xl/externalLinks/externalLink\d+\.xml", n)
        ),
    )


def read_styles(zf: zipfile.ZipFile, wb_member: str = "xl/workbook.xml") -> StyleTable:
    """Number format code of every ``cellXfs`` entry of ``xl/styles.xml``."""
    base = posixpath.dirname(wb_member)
    rels = _relationships(
        zf, posixpath.join(base, "_rels", posixpath.basename(wb_member) + ".rels")
    )
    member = next(
        (_resolve(base, t) for t, typ in rels.values() if typ.endswith("/styles")),
        posixpath.join(base, "styles.xml"),
    )
    root = _parse_small_xml(zf, member)
    if root is None:
        return StyleTable()
    custom: dict[int, str] = {}
    formats: list[str | None] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "numFmt":
            try:
                custom[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
            except ValueError:
                continue
        elif tag == "cellXfs":
            for xf in el:
                if _local(xf.tag) != "xf":
                    continue
                try:
                    fmt_id = int(xf.get("numFmtId", "0"))
                except ValueError:
                    fmt_id = 0
                formats.append(format_code(fmt_id, custom))
    return StyleTable(formats)


# --------------------------------------------------------------------------- sheets
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_ATTR_R = re.compile(rb'\br="([A-Za-z]{1,3})(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_ATTR_ROW_R = re.compile(rb'\br="(\d+)"')
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ENTITIES = {b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}


def _unescape(raw: bytes) -> str:
    for ent, ch in _ENTITIES.items():
        raw = raw.replace(ent, ch)
    text = raw.replace(b"&amp;", b"&").decode("utf-8", "replace")
    if "&#" in text:
        text = re.sub(
            r"&#(x[0-9a-fA-F]+|\d+);",
            lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))),
            text,
        )
    return text


class _Patterns:
    """Regular expressions for one namespace prefix (usually none, sometimes ``x:``)."""

    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        s = re.S
        self.cell_tag = b"<" + prefix + b"c"
        # [^>/]: a self-closed <c t="e"/> has no value and must not swallow the next cell
        self.error_cell = re.compile(
            rb"<" + p + rb'c\b([^>]*\bt="e"[^>/]*)>(.*?)</' + p + rb"c>", s
        )
        self.formula_cell = re.compile(
            rb"<" + p + rb"c\b([^>]*)>\s*<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p
            + rb"f>)(.*?)</" + p + rb"c>",
            s,
        )
        self.value = re.compile(rb"<" + p + rb"v>(.*?)</" + p + rb"v>", s)
        self.hidden_row = re.compile(
            rb"<" + p + rb'row\b([^>]*\bhidden="(?:1|true)"[^>]*)>'
        )
        self.row_style = re.compile(rb"<" + p + rb'row\b[^>]*?\ss="(\d+)"')
        self.col = re.compile(rb"<" + p + rb"col\b([^>]*?)/?>")
        self.merge = re.compile(rb"<" + p + rb'mergeCell\b[^>]*?\bref="([^"]+)"')
        self.cells_with_r = rb"<" + prefix + rb'c r="'
        self.cell_open = re.compile(rb"<" + p + rb"c[\s>/]")
        self.row_tag = b"<" + prefix + b"row"
        self.sheet_data_end = b"</" + prefix + b"sheetData>"
        self.row_end = b"</" + prefix + b"row>"
        # A formula cell that ends right after its formula has no cached value.
        self.value_tags = (b"<" + prefix + b"v>", b"<" + prefix + b"is>")
        self.formula_tags = (b"<" + prefix + b"f>", b"<" + prefix + b"f ")
        self.valueless_formula = (
            b"</" + prefix + b"f></" + prefix + b"c>",
            b"/></" + prefix + b"c>",
        )

    def styled_cell_fast(self, styles: list[int]) -> re.Pattern[bytes]:
        """Cells with one of ``styles`` written as Excel does: ``<c r=.. s=.. t=..>``."""
        alt = b"|".join(str(i).encode() for i in sorted(styles))
        p = re.escape(self.cell_tag[1:-1])
        return re.compile(
            rb"<" + p + rb'c r="([A-Z]{1,3})(\d+)" s="(' + alt + rb')"(?: t="(\w+)")?[^>/]*'
            rb"(?:/>|>(?:<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f>))?(?:<" + p
            + rb"v>([^<]*)</" + p + rb"v>)?)"
        )

    def styled_cell(self, styles: list[int]) -> re.Pattern[bytes]:
        alt = b"|".join(str(i).encode() for i in sorted(styles))
        p = re.escape(self.cell_tag[1:-1])
        return re.compile(
            rb"<" + p + rb'c\b([^>]*\bs="(?:' + alt + rb')"[^>]*?)(?:/>|>(.*?)</' + p + rb"c>)",
            re.S,
        )


#: Bytes of sheet XML decompressed and scanned at a time (cut at a row boundary).
WINDOW_BYTES = 8 * 1024 * 1024


def scan_sheet(xml: bytes, styles: StyleTable) -> SheetStructure:
    """Hidden rows/columns, merges, errors, formulas and display formats of one sheet.

    Parameters
    ----------
    xml:
        The worksheet part's bytes (``xl/worksheets/sheetN.xml``).
    styles:
        The workbook's number formats, from :func:`read_styles`.
    """
    return scan_sheet_stream(io.BytesIO(xml), styles)


def scan_sheet_stream(
    fh: IO[bytes], styles: StyleTable, window_bytes: int = WINDOW_BYTES,
    last_row: int | Callable[[], int | None] | None = None,
) -> SheetStructure:
    """As :func:`scan_sheet`, reading the part in windows that end at a row boundary.

    A 100k x 40 sheet is ~130 MB of XML; scanning it in 8 MB windows keeps that out of
    memory while the sheet's cells are held as Python objects.  With ``last_row`` (the
    last row holding a value), formulas and number formats below it are not looked at:
    a formula filled down to row 1,048,576 then costs a byte search, not a million
    matches.  Error cells, hidden rows and merges are still found everywhere.
    ``last_row`` may be a function, asked before each window: the reader starts the scan
    while calamine parses the values and tells it the last row once it is known.
    """
    out = SheetStructure()
    state = _ScanState(styles.number_format_styles())
    pat: _Patterns | None = None
    carry = b""
    first = True
    while True:
        chunk = fh.read(window_bytes)
        buf = carry + chunk if carry else chunk
        if pat is None:
            if chunk and len(buf) < (1 << 20) and _ROOT.search(buf) is None:
                carry = buf  # the root element has not been seen yet
                continue
            root = _ROOT.search(buf, 0, 1 << 20)
            pat = _Patterns(root.group(1) or b"" if root else b"")
        if chunk:
            cut = buf.rfind(pat.row_end)
            if cut < 0:
                carry = buf  # no complete row yet: read more
                continue
            cut += len(pat.row_end)
            window, carry = buf[:cut], buf[cut:]
        else:
            window, carry = buf, b""
        if first:
            first = False
            if not _check_references(window, pat):
                out.checked = False
                out.problem = "cells without references"
                return out
            _scan_hidden_columns(window, pat, out)
        limit = last_row() if callable(last_row) else last_row
        _scan_window(window, pat, state, out, _data_end(window, pat, limit))
        if not chunk:
            return out


def _check_references(xml: bytes, pat: _Patterns) -> bool:
    """False if cells lack their ``r="B7"`` reference (optional in the standard).

    Every writer we know of (Excel, LibreOffice, openpyxl, xlsxwriter) puts r= first on
    each cell; without it coordinates would need a positional walk we do not do here.
    A writer omits references everywhere or nowhere, so the first 64 KB of cells decide.
    """
    sample = xml[: _sheet_data_start(xml, pat) + 65536]
    n_cells = sample.count(pat.cell_tag + b" ") + sample.count(pat.cell_tag + b">")
    n_with_r = sample.count(pat.cells_with_r)
    return n_cells == n_with_r or not _any_cell_without_reference(sample, pat)


def _scan_hidden_columns(xml: bytes, pat: _Patterns, out: SheetStructure) -> None:
    head_end = _sheet_data_start(xml, pat)
    if xml.find(b'hidden="', 0, head_end) < 0:
        return
    for m in pat.col.finditer(xml, 0, head_end):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get(b"hidden") in (b"1", b"true"):
            lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
            out.hidden_columns.update(range(lo - 1, min(hi, 16384)))


@dataclass
class _ScanState:
    """What must survive from one window to the next."""

    number_styles: dict[int, str]
    shared_formulas: dict[bytes, str] = field(default_factory=dict)


_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _data_end(xml: bytes, pat: _Patterns, last_row: int | None) -> int:
    """Offset in ``xml`` where rows below ``last_row`` begin (``len(xml)`` if none)."""
    if last_row is None:
        return len(xml)
    first = xml.find(pat.row_tag)
    if first < 0:
        return len(xml)
    m = _ROW_NUMBER.search(xml, first, xml.find(b">", first))
    if m and int(m.group(1)) > last_row:
        return first  # this whole window lies below the data
    # Rows are in order: the first of the next few row numbers present marks the cut.
    for n in range(last_row + 1, last_row + 64):
        cut = xml.find(pat.row_tag + b' r="%d"' % n, first)
        if cut >= 0:
            return cut
    for m in re.finditer(re.escape(pat.row_tag) + rb'\b[^>]*?\br="(\d+)"', xml):
        if int(m.group(1)) > last_row:
            return m.start()
    return len(xml)


def _scan_window(
    xml: bytes, pat: _Patterns, state: _ScanState, out: SheetStructure, rows_end: int = -1
) -> None:
    # Each construct is rare; a substring test (memchr speed) gates each regex pass.
    if b'hidden="' in xml:
        for m in pat.hidden_row.finditer(xml):
            r = _ATTR_ROW_R.search(m.group(1))
            if r:
                out.hidden_rows.add(int(r.group(1)))

    # mergeCells follow sheetData, so only the last window can hold them.
    data_end = xml.rfind(pat.sheet_data_end)
    if data_end >= 0 and xml.find(b"mergeCell", data_end) >= 0:
        out.merged_ranges.extend(
            m.group(1).decode("ascii", "replace") for m in pat.merge.finditer(xml, data_end)
        )

    if b't="e"' in xml:
        for m in pat.error_cell.finditer(xml):
            key = _key(m.group(1))
            if key is None:
                continue
            v = pat.value.search(m.group(2))
            out.error_cells[key] = _unescape(v.group(1)) if v else "#VALUE!"

    # Below the last row with a value only the constructs above matter, and formulas
    # without a cached value (a lost value each); a byte search gates that pass.
    if 0 <= rows_end < len(xml):
        tail = xml[rows_end:]
        xml = xml[:rows_end]
        # Counted at memchr speed: tells a formula filled down from typed data.
        out.values_below += sum(tail.count(t) for t in pat.value_tags)
        out.formulas_below += sum(tail.count(t) for t in pat.formula_tags)
        if any(g in tail for g in pat.valueless_formula):
            found = SheetStructure()
            _scan_formulas(tail, pat, found, state.shared_formulas)
            out.formula_without_value.update(found.formula_without_value)
    if pat.cell_tag[:-1] + b"f" in xml:
        _scan_formulas(xml, pat, out, state.shared_formulas)

    if state.number_styles:
        _scan_number_formats(xml, pat, state.number_styles, out)


def _sheet_data_start(xml: bytes, pat: _Patterns) -> int:
    pos = xml.find(pat.row_tag)
    return len(xml) if pos < 0 else pos


def _any_cell_without_reference(xml: bytes, pat: _Patterns) -> bool:
    for m in pat.cell_open.finditer(xml):
        end = xml.find(b">", m.start())
        if end < 0:
            break  # the sample ends inside this tag: nothing to judge
        if not _ATTR_R.search(xml, m.start(), end):
            return True
    return False


def _key(attrs: bytes) -> CellKey | None:
    m = _ATTR_R.search(attrs)
    if not m:
        return None
    return int(m.group(2)), column_index(m.group(1).decode("ascii"))


def _scan_formulas(
    xml: bytes, pat: _Patterns, out: SheetStructure, shared: dict[bytes, str]
) -> None:
    for m in pat.formula_cell.finditer(xml):
        attrs, f_attrs, f_text, rest = m.group(1), m.group(2), m.group(3), m.group(4)
        key = _key(attrs)
        if key is None:
            continue
        si = re.search(rb'\bsi="(\d+)"', f_attrs)
        text = _unescape(f_text) if f_text else ""
        if si and text:
            shared[si.group(1)] = text
        elif si and not text:
            text = shared.get(si.group(1), "")
        formula = "=" + text if text else "=(shared formula)"
        t = _ATTR_T.search(attrs)
        cell_type = t.group(1) if t else b"n"
        v = pat.value.search(rest)
        # A formula returning "" is cached as t="str" with an empty <v>; that is a value.
        has_value = v is not None and (v.group(1) != b"" or cell_type in (b"str", b"inlineStr"))
        if has_value or b"<is>" in rest:
            out.formula_cells.add(key)
        else:
            out.formula_without_value[key] = formula


def _scan_number_formats(
    xml: bytes, pat: _Patterns, number_styles: dict[int, str], out: SheetStructure
) -> None:
    # Only styles used by cells are worth a pass; each is checked with one cheap find.
    counts = {i: xml.count(b' s="%d"' % i) for i in number_styles}
    used = [i for i, n in counts.items() if n]
    if not used:
        return
    codes = {str(i).encode(): number_styles[i] for i in used}
    renderers = {k: display_renderer(code) for k, code in codes.items()}
    columns: dict[bytes, int] = {}
    fast = pat.styled_cell_fast(used).findall(xml)
    expected = sum(counts[i] for i in used)
    if len(fast) != expected:
        # Row elements may carry a style too (<row ... s="3" customFormat="1">).
        row_styles = pat.row_style.findall(xml)
        expected -= sum(1 for st in row_styles if int(st) in counts)
    if len(fast) == expected:
        # Attributes in the usual order (r, s, t): one findall returns plain tuples.
        cells = fast
    else:
        cells = [_slow_cell_tuple(m, pat) for m in pat.styled_cell(used).finditer(xml)]
    number_formats, display_text = out.number_formats, out.display_text
    for letters, digits, style, cell_type, value in cells:
        if not value or (cell_type and cell_type != b"n"):
            continue  # empty, or text/boolean/error/ISO-date cells: formats do not apply
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index(letters.decode("ascii"))
        key = (int(digits), col)
        number_formats[key] = codes[style]
        render = renderers[style]
        if render is None:
            continue
        try:
            shown = render(float(value))
        except ValueError:
            continue
        # Same text as stored ("123456" under 00000): the format changed nothing.
        if shown is not None and shown != value.decode("ascii", "replace"):
            display_text[key] = shown


def _slow_cell_tuple(m: re.Match[bytes], pat: _Patterns) -> tuple[bytes, ...]:
    """(letters, row, style, type, value) of a cell whose attributes are in any order."""
    attrs, body = m.group(1), m.group(2) or b""
    r = _ATTR_R.search(attrs)
    s = re.search(rb'\bs="(\d+)"', attrs)
    t = _ATTR_T.search(attrs)
    v = pat.value.search(body)
    if r is None or s is None:
        return (b"A", b"0", b"", b"skip", b"")
    return (
        r.group(1).upper(),
        r.group(2),
        s.group(1),
        t.group(1) if t else b"",
        v.group(1) if v else b"",
    )
