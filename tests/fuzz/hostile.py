"""Generators of hostile and broken input files (issue 12), shared by the fuzz suite and
``scripts/measure_hostile.py``.  Every file is built from code, never committed."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'
)
_SHEET_CT = (
    '<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def raw_xlsx(path: Path, sheets: list[tuple[str, str]]) -> Path:
    """An .xlsx with the given ``(name, <sheetData> inner XML)`` sheets, inline strings."""
    overrides = "".join(_SHEET_CT.format(i=i + 1) for i in range(len(sheets)))
    wb_sheets = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, (n, _) in enumerate(sheets)
    )
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(sheets))
    )
    members = [
        ("[Content_Types].xml", _CT.format(overrides=overrides)),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml",
         f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_RNS}><sheets>{wb_sheets}'
         "</sheets></workbook>"),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>'),
    ]
    for i, (_, data) in enumerate(sheets):
        members.append((
            f"xl/worksheets/sheet{i + 1}.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{data}'
            "</sheetData></worksheet>",
        ))
    write_zip(path, members)
    return path


def write_zip(path: Path, members: list[tuple[str, str]]) -> None:
    """A deflated zip; identical member texts are compressed once (a 300-sheet bomb
    builds in a second instead of minutes)."""
    cache: dict[str, tuple[bytes, int, int]] = {}
    central, offset = [], 0
    with path.open("wb") as fh:
        for name, text in members:
            key = text
            if key not in cache:
                raw = text.encode()
                co = zlib.compressobj(6, zlib.DEFLATED, -15)
                cache[key] = (co.compress(raw) + co.flush(), zlib.crc32(raw), len(raw))
            comp, crc, size = cache[key]
            fname = name.encode()
            head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp),
                               size, len(fname), 0)
            fh.write(head + fname + comp)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0,
                                       crc, len(comp), size, len(fname), 0, 0, 0, 0, 0,
                                       offset) + fname)
            offset += len(head) + len(fname) + len(comp)
        cd = b"".join(central)
        fh.write(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                                  len(cd), offset, 0))


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def cohort_rows(n: int = 5) -> str:
    """A small one-row-per-case sheet (header + ``n`` cases) as sheetData XML."""
    head = ["Case", "ALK IHC", "Best response", "PFS (months)", "Progression"]
    cells = "".join(_istr(f"{_col(j)}1", h) for j, h in enumerate(head))
    out = [f'<row r="1">{cells}</row>']
    for i in range(n):
        r = i + 2
        cells = [_istr(f"A{r}", f"S{i + 1}"), _istr(f"B{r}", "positive"), _istr(f"C{r}", "PR"),
                 f'<c r="D{r}"><v>{3 + i}</v></c>', f'<c r="E{r}"><v>{i % 2}</v></c>']
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return "".join(out)


def many_sheets_xlsx(path: Path, sheets: int = 300, member_bytes: int = 4 * 1024 * 1024 - 4096
                     ) -> Path:
    """Case 1: ``sheets`` filler sheets, each just under the per-member ratio check
    (4 MiB uncompressed, highly compressible), plus a real cohort sheet first."""
    row = "<row>" + "<c><v>1</v></c>" * 20 + "</row>"
    filler = row * ((member_bytes - 2000) // len(row))
    return raw_xlsx(path, [("Cohort", cohort_rows())] + [(f"F{i}", filler) for i in range(sheets)])


def formula_filled_xlsx(path: Path, rows: int = 1_048_576, data_rows: int = 20,
                        zero: bool = False) -> Path:
    """Case: a formula filled down to Excel's last row, its cached result empty text
    (``=IF(D2="","",D2*30.4)``) or, with ``zero``, 0 (``=D2*30.4``)."""
    parts = [cohort_rows(data_rows)]
    first = data_rows + 2
    for r in range(first, rows + 1):
        if zero:
            parts.append(f'<row r="{r}"><c r="F{r}"><f>D{r}*30.4</f><v>0</v></c></row>')
            continue
        parts.append(
            f'<row r="{r}"><c r="F{r}" t="str"><f>IF(D{r}="","",D{r}*30.4)</f><v></v></c></row>'
        )
    return raw_xlsx(path, [("Cohort", "".join(parts))])


MAF_HEAD = "Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\n"


def maf_gz_bomb(path: Path, unpacked: int = 1 << 30) -> Path:
    """Case: a ~1 MB .maf.gz that unpacks to ``unpacked`` bytes of one repeated line."""
    line = b"PIK3CA\tS1\tMissense_Mutation\tp.H1047R\n"
    chunk = line * (4 * 1024 * 1024 // len(line))
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(MAF_HEAD.encode())
        written = 0
        while written < unpacked:
            fh.write(chunk)
            written += len(chunk)
    return path


def big_seg(path: Path, size: int = 300 * 1024 * 1024) -> Path:
    """Case: a ``size``-byte SEG file; the last line is a giant unquoted field."""
    head = b"ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
    line = b"S1\t1\t1000\t2000\t10\t-0.5\n"
    chunk = line * (8 * 1024 * 1024 // len(line))
    with path.open("wb") as fh:
        fh.write(head)
        written = len(head)
        while written + len(chunk) < size - 200_000:
            fh.write(chunk)
            written += len(chunk)
        fh.write(b"S2\t1\t1\t2\t3\t" + b"9" * 200_000 + b"\n")
    return path


def long_cell_csv(path: Path, length: int = 200_000) -> Path:
    """Case: a CSV holding one quoted cell longer than csv's default 131,072 limit."""
    report = ("Pasted report line, with commas. " * (length // 33 + 1))[:length]
    path.write_text(
        "Case,Best response,PFS (months),Progression,Comment\n"
        f'S1,PR,5,1,"{report}"\nS2,SD,7,0,short\n',
        encoding="utf-8",
    )
    return path
