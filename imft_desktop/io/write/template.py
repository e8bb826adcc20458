"""The canonical template workbook, written from ``model.schema``.

One sheet per ``TableSpec`` (in schema order) after a README sheet.  Each data sheet has
its field names as a bold, frozen header row; every header carries a note (description,
unit, required or optional, allowed values); fields with a fixed list of values get a
drop-down (a warning, not a block, on other text: the importer also accepts "neg",
"pos", "1+" ...); identifier, gene and other text columns are formatted as text ('@')
so Excel keeps "SEPT2" and "007" as typed.

Examples live on the README sheet, never on the data sheets: a data sheet holds only
the user's records, so nothing has to be recognised and skipped as an example.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from imft_desktop import __version__
from imft_desktop.io.write.atomic import atomic_write_bytes
from imft_desktop.model.schema import STUDY_KEYS, TABLES, FieldSpec, TableSpec
from imft_desktop.model.vocab import DEFAULT_FISH_THRESHOLD_PERCENT

README_SHEET = "README"

#: Field kinds written as text so Excel never converts them (dates, dropped zeros).
TEXT_KINDS = frozenset({"id", "gene", "fusion", "protein", "region", "chrom", "text"})

#: Last row covered by drop-downs and column formats (Excel's maximum).
LAST_ROW = 1_048_576

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")

#: Notations explained on the README sheet (also the template documentation).
NOTATIONS: tuple[tuple[str, str], ...] = (
    ("Not tested is not negative",
     "Leave a cell empty (or write 'not done') when the assay was not done. Write the "
     "result (negative, none, wt) only when it was done. Every percentage the program "
     "shows uses the samples tested by that assay as denominator (e.g. 14/24)."),
    ("Sequencing", "A sample counts as tested for fusions, mutations or copy number only "
     "through a row of the Sequencing sheet with status 'done' for an assay that can find "
     "them (WGS finds all three; an RNA fusion panel finds fusions only)."),
    ("Identifiers", "sample_id is unique per sample; patient_id links samples of one "
     "patient and the Outcomes sheet. Both are text: 007 stays 007."),
    ("Fusions", "HGNC notation 5'GENE::3'GENE, e.g. TPM3::ALK (TPM3-ALK and TPM3/ALK are "
     "read too). Write 'ALK rearranged' when the partner is unknown: never guess one."),
    ("Genes", "HGNC symbols typed as text (CARS1, SEPTIN9). Excel turns SEPT2 or MARCH1 "
     "into dates in General-format cells; the gene columns here are text-formatted."),
    ("Protein changes", "H1047R, p.H1047R and p.His1047Arg are one variant."),
    ("Percentages", "0-100, without or with '%'. '<1%', '5-10%' and '>50%' are accepted "
     "and kept as written."),
    ("IHC", "One row per sample, marker and clone (ALK with ALK1 and ALK with D5F3 are "
     "two rows). Intensity 0, 1+, 2+, 3+; H-score 0-300; call positive / negative / "
     "equivocal / not evaluable / not done."),
    ("FISH", "% of nuclei with split or isolated 3' signals; call derived from % and "
     f"threshold when left blank (default threshold {DEFAULT_FISH_THRESHOLD_PERCENT:g}%)."),
    ("Copy number", "Regions: 22q (arm), 19 (whole chromosome, e.g. monosomy 19), "
     "9p21.3 (band) or a gene (CDKN2A). Events: gain, loss, amplification, deep "
     "deletion, neutral. Segments: SEG layout, log2 tumour/normal ratio."),
    ("Response", "RECIST 1.1 best overall response: CR, PR, SD, PD, NE. Objective "
     "response = CR or PR."),
    ("Survival", "Times in months (days are converted at 30.4375 days per month when a "
     "column says so). Event 1 = progressed or died (PFS) / died (OS), 0 = censored."),
)


def field_note(spec: TableSpec, f: FieldSpec) -> str:
    """The header note of one field: description, unit, required flag, allowed values."""
    lines = [f.description or f.name]
    if f.unit:
        lines.append(f"Unit: {f.unit}")
    lines.append("Required" if f.required else "Optional")
    if f.choices:
        lines.append("Values: " + ", ".join(f.choices))
    if f.kind in TEXT_KINDS:
        lines.append("Typed as text")
    if f.name in spec.key:
        lines.append("Unique together: " + " + ".join(spec.key))
    if f.example is not None:
        lines.append(f"Example: {f.example}")
    return "\n".join(lines)


def _column_width(f: FieldSpec) -> float:
    longest = max([len(f.name), len(str(f.example or "")), *(len(c) for c in f.choices)])
    return float(min(max(longest + 4, 12), 40))


def _data_sheet(ws: Worksheet, spec: TableSpec) -> None:
    for j, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=f.name)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if f.required else _OPTIONAL_FILL
        note = Comment(field_note(spec, f), "IMFT Desktop")
        note.width = 300
        note.height = 40 + 18 * note.text.count("\n")
        cell.comment = note
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(f)
        if f.kind in TEXT_KINDS:
            dim.number_format = "@"
        if f.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(f.choices) + '"',
                allow_blank=True,
                errorStyle="warning",
                errorTitle=f"{f.name}: unexpected value",
                error="Choose one of the listed values (other spellings may still be read).",
                promptTitle=f.name,
                prompt=(f.description or f.name)[:255],
            )
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)
    if spec.name == "study":
        keys = DataValidation(
            type="list",
            formula1='"' + ",".join(STUDY_KEYS) + '"',
            allow_blank=True,
            showErrorMessage=False,  # other keys are allowed, these are only suggestions
            promptTitle="key",
            prompt="Known keys: " + ", ".join(STUDY_KEYS),
        )
        keys.add(f"A2:A{LAST_ROW}")
        ws.add_data_validation(keys)
    ws.freeze_panes = "A2"


def _readme(ws: Worksheet, example: bool) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    r = 1
    ws.cell(r, 1, "IMFT Desktop cohort template").font = _TITLE_FONT
    r += 1
    ws.cell(r, 1, f"Written by IMFT Desktop {__version__}. Fill one sheet per kind of data; "
            "leave unused sheets empty. Only this README holds examples: every row of the "
            "other sheets is read as data.")
    r += 1
    ws.cell(r, 1, "A sheet of your own with one row per case works too: the import "
            "recognises its columns and asks you to confirm them.")
    r += 2
    ws.cell(r, 1, "Rules and notations").font = _SECTION_FONT
    r += 1
    for title, text in NOTATIONS:
        ws.cell(r, 1, title).font = _HEADER_FONT
        c = ws.cell(r, 2, text)
        c.alignment = _WRAP
        r += 1
    r += 1
    ws.cell(r, 1, "Sheets").font = _SECTION_FONT
    r += 1
    for spec in TABLES:
        ws.cell(r, 1, spec.sheet).font = _HEADER_FONT
        per = {"sample": "rows name their sample in sample_id",
               "patient": "one row per patient", "study": "one row per key"}.get(
            spec.per, spec.per)
        required = ", ".join(spec.required) or "none"
        text = (f"{spec.description} ({per}; required columns: {required}; "
                f"unique: {' + '.join(spec.key)})")
        ws.cell(r, 2, text).alignment = _WRAP
        r += 1
    r += 1
    ws.cell(r, 1, "Study keys").font = _SECTION_FONT
    r += 1
    for key, meaning in STUDY_KEYS.items():
        ws.cell(r, 1, key).font = _HEADER_FONT
        ws.cell(r, 2, meaning)
        r += 1
    if not example:
        return
    r += 1
    ws.cell(r, 1, "Examples (not read: copy the layout, not these rows)").font = _SECTION_FONT
    r += 1
    for spec in TABLES:
        ws.cell(r, 1, f"{spec.sheet} example").font = _HEADER_FONT
        for j, f in enumerate(spec.fields, start=2):
            ws.cell(r, j, f.name).font = Font(bold=True, italic=True, color="808080")
        r += 1
        label = ws.cell(r, 1, "Example")
        label.font = _EXAMPLE_FONT
        for j, f in enumerate(spec.fields, start=2):
            if f.example is None:
                continue
            c = ws.cell(r, j, f.example)
            c.font = _EXAMPLE_FONT
            if isinstance(f.example, str):
                c.number_format = "@"
        r += 2


def build_template(*, example: bool = True) -> Workbook:
    """The template as an openpyxl ``Workbook`` (README first, then schema order)."""
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = README_SHEET
    _readme(readme, example)
    for spec in TABLES:
        _data_sheet(wb.create_sheet(spec.sheet), spec)
    wb.active = 0
    return wb


def write_template(path: str | os.PathLike[str], *, example: bool = True) -> Path:
    """Write the canonical template workbook to ``path`` atomically.

    Parameters
    ----------
    path:
        Target .xlsx file (its folder must exist); replaced if present (the CLI refuses
        that without ``--force``).
    example:
        Include example rows on the README sheet.

    Returns
    -------
    Path
        The written file.
    """
    wb = build_template(example=example)
    # Built in memory first: openpyxl's zip writer, left open on a full disk, would
    # print an error when it is garbage-collected after the save failed.
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(path, buf.getvalue())
