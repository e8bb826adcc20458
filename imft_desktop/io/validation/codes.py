"""The one catalogue of validation finding codes: code -> level + message template.

Every finding the importer emits is made here, from this table, so a code always has
the same level and the same wording.  Messages are written for a pathologist, not a
programmer: what was found, why it matters and what to do.  Templates use
``str.format`` fields; ``{value}`` is the raw cell text, ``{normalised}`` the value used
instead, anything else comes from the rule that fired (``{detail}``, ``{first_row}`` ...).
Unknown fields are left visible as ``{name}`` rather than raising, so a missing
parameter can never crash an import.

Codes are stable: tests, the CLI's JSON output and saved reports rely on them.  Add
new codes; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imft_desktop.model.findings import Finding
from imft_desktop.model.vocab import Level

E, W, I = Level.ERROR, Level.WARNING, Level.INFO  # noqa: E741


@dataclass(frozen=True, slots=True)
class Rule:
    """A finding code with its level, message template and optional default hint."""

    code: str
    level: Level
    message: str
    hint: str | None = None


_RULES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ sheets and layout
    Rule("SHEET_UNKNOWN", W, 'Sheet "{sheet}" is not part of the template; it was ignored.',
         "Rename it to one of: {detail}."),
    Rule("SHEETS_NOT_READ", W,
         'Only sheet "{sheet}" was imported; sheet(s) {value} also hold a table of cases and '
         "were not read: their cases are not in any count.",
         "Import each (File > Add Cases from File adds them to a project), or combine the "
         "sheets into one."),
    Rule("SHEET_CHOSEN", W,
         'Sheet "{sheet}" was read as the cases ({detail}); sheet(s) {value} before it hold '
         "no case table and were not read.",
         "Choose another sheet in the Import tab (or with --sheet) if this is wrong."),
    Rule("SHEET_EMPTY", I, 'Sheet "{sheet}" has a header but no data rows.'),
    Rule("SHEET_HIDDEN", W, 'Sheet "{sheet}" is hidden in the workbook; its rows were {detail}.'),
    Rule("SHEET_NO_DATA", E, "No sheet with data was found in this file."),
    Rule("COHORT_NO_DATA_ROWS", E,
         "The file has headers but no data rows: there is no case to import.",
         "Check that you chose the right file or sheet, and that the rows were saved."),
    Rule("SHEET_NOT_FOUND", E, 'There is no sheet called "{value}" in this file.',
         "Sheets in the file: {detail}."),
    Rule("MAPPING_COLUMN_MISSING", W,
         'Column "{header}" of the saved mapping was not found in this sheet.'),
    Rule("MAPPING_UNUSABLE", E, "The column mapping cannot be used: {detail}."),
    Rule("HEADER_NOT_FOUND", E,
         'No header row with the expected column names was found on sheet "{sheet}".',
         "Expected columns such as: {detail}."),
    Rule("HEADER_BELOW_TITLE", I,
         "The header is on row {row}; {detail} above it read as a title and skipped."),
    Rule("SHEET_MARKED_SYNTHETIC", I,
         'The title above the header says the data are synthetic ("{value}"): the cohort '
         "is marked SYNTHETIC wherever it is shown."),
    Rule("HEADER_NORMALISED", I,
         'Header "{value}" was read as "{normalised}" (spaces or invisible characters removed).'),
    Rule("HEADER_DUPLICATE", E,
         'Column "{header}" appears twice (first in column {detail}); only the first was read.',
         "Rename or delete one of the two columns."),
    Rule("HEADER_DUPLICATE_NORMALISED", E,
         'Columns "{value}" and "{detail}" have the same name once spaces and case are '
         "ignored; only the first was read.",
         "Rename or delete one of the two columns."),
    Rule("HEADER_BLANK", E, "Column {column} has values but no header; its values were not read.",
         "Type the column name in the header row."),
    Rule("HEADER_AS_DATE", W,
         'Header of column {column} is a date or number ("{value}"); Excel may have '
         "converted the column name.", "Retype the header as text."),
    Rule("COLUMN_EMPTY_SPLIT", W,
         "Column {column} is empty but columns on both sides hold data; the sheet may hold "
         "two tables side by side.", "Keep one table per sheet."),
    Rule("HEADER_KEPT_AS_EXTRA", I,
         'Column "{header}" is not a template column; it was kept as it is, as an extra '
         "clinical column (usable as a grouping)."),
    Rule("COLUMN_EXTRA", I,
         'Column {column} ("{header}") was not recognised as a result ({detail}); it is kept '
         "as a clinical column, usable as a grouping, and not counted in any frequency."),
    Rule("COLUMN_NOT_ANALYSED", W,
         'Column {column} ("{header}") was not mapped: {detail}. '
         "It is kept as a clinical column and not counted in any frequency.",
         "Choose what the column holds in the Import tab if it is a result."),
    Rule("COLUMN_IGNORED", W,
         'Column {column} ("{header}") is set to be ignored; its values ({value}) were not read.'),
    Rule("MAPPING_LOW_CONFIDENCE", W,
         'Column {column} ("{header}") was read as {normalised} with low confidence: {detail}.',
         "Check the column in the Import tab and choose what it holds."),
    Rule("HEADER_UNKNOWN", W, 'Column "{header}" is not part of the template; it was not read.',
         "{detail}"),
    Rule("COLUMN_REQUIRED_MISSING", E,
         'Sheet "{sheet}" has no column "{value}", which is required.',
         "Closest headers found: {detail}."),
    Rule("ROW_BLANK_INSIDE", W,
         "Row {row} is empty but data follow it; the rows below may be a second table or notes.",
         "Delete the empty row, or move notes to another sheet."),
    Rule("ROW_FOOTNOTE", W,
         'Row {row} looks like a note ("{value}") rather than a record; it was not read.'),
    Rule("ROW_SUMMARY", W,
         'Row {row} looks like a summary ("{value}" in column {column}), not a case; it was '
         "not read.", "Keep totals and counts below the table out of the case rows, or on "
         "another sheet."),
    Rule("ROWS_HIDDEN", W, "Rows hidden in Excel: {value} ({detail}); they were {normalised}.",
         "Unhide them in Excel to check them, or choose to leave hidden rows out."),
    Rule("COLUMN_HIDDEN", W,
         'Column {column} ("{header}") is hidden in Excel; it was read.',
         "Unhide it in Excel to check its values."),
    Rule("STRUCTURE_NOT_CHECKED", W,
         'Hidden rows, merged cells and formulas were not checked on sheet "{sheet}": '
         "this file type or sheet layout is read for its values only."),
    # ------------------------------------------------------------------ cells
    Rule("CELL_MERGED", E,
         "This cell is part of the merged range {detail}; one value spans several records.",
         "Unmerge the cells in Excel and type the value on every row."),
    Rule("CELL_ERROR", E, "Formula error in source cell ({value}); the record was left out.",
         "Fix the formula in Excel or type the value."),
    Rule("FORMULA_NOT_CALCULATED", E,
         "This cell holds a formula ({value}) whose result was never calculated.",
         "Open the file in Excel and save it, so the results are stored."),
    Rule("FORMULA_CACHED", I, "Value taken from the stored result of a formula ({detail})."),
    Rule("CELL_TOO_LONG", W,
         "This cell holds {detail} characters, more than Excel's limit of 32,767; "
         "kept as it is, but Excel may have cut it."),
    Rule("UNICODE_NORMALISED", I,
         'Look-alike characters replaced: "{value}" read as "{normalised}".'),
    Rule("WHITESPACE_TRIMMED", I, 'Spaces around "{normalised}" were removed.'),
    Rule("DATE_IN_NON_DATE_COLUMN", E,
         "Date found where no date was expected ({value}).",
         "Excel may have turned the value into a date; retype it as text."),
    # ------------------------------------------------------------------ missing values
    Rule("VALUE_MISSING_TOKEN", I, '"{value}" read as missing ({normalised}).'),
    Rule("VALUE_REQUIRED_MISSING", E, 'Required value "{header}" is empty; record left out.'),
    # ------------------------------------------------------------------ numbers
    Rule("NUMBER_INVALID", E, '"{value}" is not a number.'),
    Rule("NUMBER_DECIMAL_COMMA", E,
         '"{value}" uses a comma; it could be a decimal comma or a thousands separator.',
         "Type the number with a decimal point (7.5), or declare the decimal comma on import."),
    Rule("NUMBER_NOT_INTEGER", E, '"{value}" should be a whole number.'),
    Rule("NUMBER_QUALIFIED", W,
         '"{value}" read as {normalised} ({detail}): an approximate value used as a number; '
         "the raw text is kept."),
    Rule("NUMBER_RANGE", W,
         '"{value}" read as {normalised} ({detail}): a number the sheet does not hold; the '
         "raw text is kept.", "Type one value if the midpoint is not what you mean."),
    Rule("NUMBER_DECIMAL_COMMA_READ", I,
         '"{value}" read as {normalised} (decimal comma); the raw text is kept.'),
    Rule("PERCENT_SMALL_VALUES", W,
         "{value} in a column of percentages read as percentages (0.35 = 0.35%), like the "
         "rest of the column; if they are fractions (0.35 = 35%), correct them.",
         "Write 35 or 35%, or give the value its meaning in the value dictionary."),
    Rule("PERCENT_AS_FRACTION", W,
         'Column {column} ("{header}") holds fractions ({value}) where a percentage is '
         "expected; every value was multiplied by 100 ({detail}).",
         "Type percentages (35, not 0.35) if these are not fractions."),
    Rule("UNIT_CONVERTED", I, '"{value}" converted to {normalised} ({detail}).'),
    Rule("UNIT_UNKNOWN", E, 'Unit in "{value}" is not understood for this column ({detail}).'),
    Rule("VALUE_OUT_OF_RANGE", E, "{value} is outside the possible range {detail}."),
    Rule("BOOL_NORMALISED", I, '"{value}" read as {normalised}.'),
    Rule("BOOL_INVALID", E, '"{value}" is not a yes/no value.'),
    Rule("DATE_INVALID", E, '"{value}" is not a date.'),
    Rule("DATE_FROM_SERIAL", I, "Excel day number {value} read as the date {normalised}."),
    # ------------------------------------------------------------------ vocabularies
    Rule("VALUE_MEANING_CHOSEN", I,
         '"{value}" read as "{normalised}", as chosen in the value dictionary (mapping profile).'),
    Rule("VOCAB_NORMALISED", I, '"{value}" read as "{normalised}".'),
    Rule("CALL_DASH_NEGATIVE", W,
         'A dash "{value}" was read as negative; if it means the test was not done, say so '
         "in the value dictionary."),
    Rule("VOCAB_UNKNOWN", E, '"{value}" is not one of the allowed values.',
         "Allowed: {detail}; or say what it means in the value dictionary (Values page, "
         "saved in the mapping profile)."),
    Rule("CALL_FROM_INTENSITY", W,
         'Staining intensity "{value}" read as {normalised}; the intensity is kept.'),
    Rule("CALL_FROM_DESCRIPTION", W,
         '"{value}" read as {normalised} ({detail}); check it against your positivity rule.'),
    Rule("CNA_KARYOTYPE_SHORTHAND", I,
         'Karyotype shorthand "{value}" read as {normalised} of the region this column holds.'),
    Rule("CALL_NOT_DONE", I,
         '"{value}" read as not tested: the sample is left out of this assay\'s denominator '
         "(never counted as negative)."),
    Rule("RECIST_NORMALISED", I, 'Response "{value}" read as {normalised}{detail}.'),
    Rule("RECIST_UNKNOWN", E, 'Response "{value}" is not a RECIST 1.1 category.',
         "Use CR, PR, SD, PD or NE, or say what it means in the value dictionary."),
    # ------------------------------------------------------------------ identifiers
    Rule("ID_MISSING", E, "Identifier is empty; record left out."),
    Rule("ID_FROM_NUMBER", I, "Identifier stored as a number in Excel; read as \"{normalised}\"."),
    Rule("ID_FROM_DISPLAY_TEXT", I,
         'Identifier stored as the number {value} but shown as "{normalised}" in Excel; '
         "the displayed text was used."),
    Rule("ID_NUMBER_PRECISION", E,
         "Identifier stored as a number in Excel ({value}); its digits or format may be lost.",
         "Format the column as Text in Excel and retype the identifiers."),
    Rule("ID_CONTROL_CHAR", E,
         "Identifier contains a line break or control character.",
         "Retype the identifier on a single line."),
    Rule("ID_ODD_CHARACTERS", W,
         'Identifier "{value}" contains unusual characters ({detail}).'),
    Rule("ID_NORMALISED", I, 'Identifier "{value}" read as "{normalised}" ({detail}).'),
    Rule("ID_LEADING_ZERO_COLLISION", W,
         'Identifier "{value}" and "{detail}" differ only by leading zeros.',
         "Check whether they are the same sample."),
    Rule("ID_DUPLICATE", E, '{header} "{normalised}" is defined twice, first on row {first_row}.',
         "Each record must appear once; delete or correct one of the rows."),
    Rule("ID_DUPLICATE_NORMALISED", E,
         '{header} "{value}" is the same as "{detail}" on row {first_row} once spaces, case '
         "and invisible characters are ignored.",
         "Use one spelling for each identifier."),
    Rule("PATIENT_FROM_SAMPLE", I,
         "The Samples sheet has no patient column; each sample is taken as its own patient "
         "(patient ID = sample ID)."),
    Rule("SAMPLE_NO_PATIENT", E, 'Sample "{detail}" has no patient identifier.'),
    Rule("SAMPLE_PATIENT_CONFLICT", E,
         'Sample "{detail}" belongs to patient "{value}" here but to "{normalised}" '
         "on row {first_row}."),
    Rule("SAMPLE_NOT_DEFINED", E,
         'Sample "{value}" is not listed on the Samples sheet; record left out.',
         "{detail}"),
    Rule("PATIENT_NOT_DEFINED", W,
         'Patient "{value}" has outcomes but no sample on the Samples sheet.'),
    Rule("PATIENT_NO_OUTCOME", I, 'Patient "{value}" has samples but no outcome row.'),
    Rule("ID_NEAR_MISS", W,
         'Identifier "{value}" looks like "{normalised}" ({detail}); they were not merged.',
         'If they are the same, use one spelling: "{normalised}".'),
    # ------------------------------------------------------------------ genes and alterations
    Rule("GENE_AS_DATE", E, "Gene cell holds a date ({value}); Excel probably converted a gene "
         "symbol.", "Excel-converted gene? {detail}"),
    Rule("GENE_AS_NUMBER", E, "Gene cell holds a number ({value}); Excel probably converted "
         "a gene symbol.", "Format the column as Text and retype the symbol."),
    Rule("GENE_INVALID", E, '"{value}" is not a gene symbol.'),
    Rule("GENE_OUTDATED", I, 'Outdated gene symbol "{value}" read as "{normalised}" (HGNC).'),
    Rule("GENE_CASE_NORMALISED", I, 'Gene symbol "{value}" read as "{normalised}".'),
    Rule("FUSION_NORMALISED", I, 'Fusion "{value}" written as "{normalised}" (HGNC notation).'),
    Rule("FUSION_PARTNER_UNKNOWN", I,
         'Fusion "{value}" read as a rearrangement of {normalised} with unknown partner '
         "(a partner is never guessed)."),
    Rule("FUSION_AMBIGUOUS_SPLIT", E,
         'Fusion "{value}" cannot be split into two genes safely ({detail}).',
         "Write it with a double colon, e.g. NKX2-1::ALK."),
    Rule("FUSION_INVALID", E, '"{value}" is not a fusion in a recognised notation.',
         "Write 5'GENE::3'GENE, e.g. TPM3::ALK, or 'ALK rearranged'."),
    Rule("FUSION_KARYOTYPE", W,
         'Karyotype "{value}" read as a rearrangement of {normalised} (band {detail}) with '
         "unknown partner: a band holds many genes, so the partner is not guessed.",
         "Confirm the partner by sequencing or an RNA fusion panel."),
    Rule("FUSION_KARYOTYPE_UNREAD", W,
         'Karyotype "{value}" (bands {detail}) names no single known kinase band; no fusion '
         "was recorded.", "Write the fusion as 5'GENE::3'GENE, e.g. TPM3::ALK."),
    Rule("FUSION_DETAIL_KEPT", I,
         'Fusion "{value}": the details "{detail}" (variant, exons or karyotype) were kept '
         "in the column fusion_detail."),
    Rule("FUSION_DRIVER_FIRST", W,
         'Fusion "{value}" names the kinase {detail} first; it was kept in that order, but '
         'the usual fusion is "{normalised}" (kinase 3\').',
         "Write 5'GENE::3'GENE; keep ALK::PARTNER only for a reciprocal transcript."),
    Rule("FUSION_REVERSED_DUPLICATE", W,
         'Fusions "{value}" and "{detail}" (row {first_row}) are the same genes in reverse order.',
         "Check whether one of them is a duplicate."),
    Rule("PROTEIN_NORMALISED", I, 'Protein change "{value}" read as "{normalised}".'),
    Rule("PROTEIN_MULTIPLE", E, 'Several variants in one cell ("{value}").',
         "Put each variant on its own row."),
    Rule("PROTEIN_INVALID", E, '"{value}" is not a protein change in p. notation.'),
    Rule("PROTEIN_NOT_GIVEN", I,
         '"{value}" read as mutated, protein change not given: the gene counts as mutated, '
         "no protein change is listed."),
    Rule("CHROM_NORMALISED", I, 'Chromosome "{value}" read as "{normalised}".'),
    Rule("CHROM_INVALID", E, '"{value}" is not a human chromosome (1-22, X, Y).'),
    Rule("CNA_NORMALISED", I, 'Copy-number "{value}" read as {normalised}.'),
    Rule("CNA_INVALID_REGION", E, '"{value}" is not a valid chromosome, arm, band or gene.',
         "Write one region per row: 22q, 19 (whole chromosome), 9p21.3 or a gene, with "
         "its event (22q loss, -19, +7)."),
    Rule("CNA_SIGN_LOST", E,
         "Copy-number cell holds the number {value}; a '+' or '-' (gain or loss) was "
         "probably lost when Excel stored it as a number.",
         "Format the column as Text and retype, e.g. +7 or -19."),
    Rule("CNA_REGION_OTHER", E,
         '"{value}" names another region than its column ({detail}); the call was left out.',
         "Move it to that region's column, or correct the cell."),
    Rule("CNA_EVENT_CONFLICT", E,
         'Region "{value}" says {detail} but the event column says {normalised}.'),
    Rule("SEGMENT_END_BEFORE_START", E, "Segment ends ({value}) before it starts ({detail})."),
    Rule("DUPLICATE_RECORD", W,
         "The same {detail} is listed twice for this sample ({rows}).",
         "Delete one row if it is a copy."),
    Rule("KEY_DUPLICATE", E,
         "The same {detail} is given twice for this sample with different results ({rows}); "
         "both records were left out.",
         "Keep one row per {detail}."),
    Rule("GERMLINE_VARIANT", W,
         "This record is marked germline ({value}).",
         "Germline findings are personal data; check consent before sharing or exporting."),
    # ------------------------------------------------------------------ assays
    Rule("ALTERATION_NOT_SEQUENCED", W,
         'Sample "{value}" has a {detail} record but no sequencing assay with status "done".',
         "Add a row on the Sequencing sheet, otherwise the sample is not in the denominator."),
    Rule("SEQUENCING_INFERRED", I, "Sequencing status {detail}."),
    Rule("UNIT_COLUMN_CONVERTED", I,
         'Column "{header}" is in {value}; values are stored in {normalised} '
         "(30.4375 days per month) and results are shown in {value} unless you choose "
         "another unit."),
    Rule("TIME_UNIT_ASSUMED", W,
         'Column "{header}" states no time unit; its times are read in {value}: {detail}.',
         "Choose the unit of this column on the Import tab (or give --time-unit); "
         "results are shown in the unit read."),
    Rule("TIME_FROM_DATES", W,
         "{value} derived from dates: {detail}.",
         "Check the rule; map a time column instead if the sheet has one."),
    Rule("TIME_UNIT_CONFLICT", W,
         'The mapping profile reads column "{header}" in {value}, but its header now says '
         "{normalised}; {normalised} is used.",
         "Save the profile again if the header is right."),
    Rule("TIME_DATES_UNUSED", W,
         'Column "{header}" holds outcome dates, but without {detail} no PFS or OS time '
         "can be derived from them.",
         "Map the missing date column, or map PFS / OS times instead."),
    Rule("EVENT_DATES_DISAGREE", W,
         'Event "{value}" disagrees with the dates, which give {normalised} for {detail}; '
         "the dates are used.",
         "Check the event and the dates of this row."),
    Rule("DATE_ORDER_IMPOSSIBLE", E,
         '{detail} date "{value}" is before the start date "{normalised}"; '
         "no time is derived for this row.",
         "Check both dates."),
    Rule("SEQUENCING_IMPLIED", I,
         'Added "{normalised}" as done for sample "{value}" because the {detail} sheet names it.'),
    Rule("FISH_RANGE_ACROSS_THRESHOLD", W,
         '"{value}" split nuclei straddles the {detail}% threshold: the call {normalised} '
         "rests on the range's midpoint alone.",
         "Check the call against the FISH report, or write the scored percentage."),
    Rule("FISH_CALL_DERIVED", I,
         "FISH call {normalised} derived from {value}% split nuclei and threshold {detail}%."),
    Rule("FISH_CALL_CONTRADICTS", W,
         "FISH call {value} contradicts {detail}.", "Check the call or the percentage."),
    Rule("IHC_CALL_CONTRADICTS", W,
         "IHC call {value} contradicts {detail}.", "Check the call or the read-out."),
    # ------------------------------------------------------------------ outcomes
    Rule("PFS_NEGATIVE", E, "Survival time {value} is negative; record left out."),
    Rule("PFS_ZERO", W, "Survival time is 0; kept for Kaplan-Meier."),
    Rule("EVENT_WITHOUT_TIME", W,
         "Event given but no survival time; the patient is left out of Kaplan-Meier curves."),
    Rule("EVENT_PREFIX_NORMALISED", I, 'Event "{value}" read as {normalised}.'),
    Rule("EVENT_MAPPED", I, 'Event "{value}" read as {normalised} through the event mapping.'),
    Rule("EVENT_WORD_READ", I,
         'Event "{value}" read as {normalised} ({detail}: 1 = progressed or died, '
         "0 = censored)."),
    Rule("EVENT_R_CODING", W,
         "The event column holds 1 and 2 and no 0: read with R's coding, 1 = censored and "
         '2 = event; "{value}" read as {normalised}.',
         "If 1 means an event in this sheet, give the coding of the column."),
    Rule("EVENT_CODING_UNMAPPED", E,
         'Event "{value}" is not coded 0/1; it is not used until you say what it means.',
         "Map the codes of this column explicitly (e.g. {detail})."),
    Rule("EVENT_VALUE_OUTSIDE_MAPPING", E,
         'Event "{value}" is outside the coding of this column ({detail}).'),
    Rule("PFS_LOOKS_LIKE_DAYS", W,
         "The median of this column is {value}; in months that is over 8 years. "
         "The times look like days.",
         "Check the unit; convert days to months (divide by 30.4375)."),
    Rule("RESPONSE_PFS_INCONSISTENT", W,
         "Best response {value} but {detail}.", "Check the response and the survival data."),
    # ------------------------------------------------------------------ study sheet
    Rule("STUDY_VALUE_INVALID", E, 'Study setting "{detail}" has an invalid value "{value}".'),
    Rule("STUDY_SETTING_OVERRIDDEN", W,
         'The file says {detail} "{value}"; the {normalised} chosen for this import was '
         "used instead.",
         "Choose the file's value (or none) in the Import tab's reading options, or with "
         "the command-line option, if the file is right."),
    Rule("READ_WITH_OPTIONS", I, "Read with options chosen for this import: {detail}.",
         "They come from the Import tab's reading options, the mapping profile or the "
         "command line; numbers, calls and events depend on them."),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


class _Keep(dict):  # type: ignore[type-arg]
    """Format mapping that leaves unknown fields visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def text_of(value: Any) -> str | None:
    """The raw cell value as text for a finding (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _render(rule: Rule, fields: dict[str, Any], hint: str | None) -> tuple[str, str | None]:
    try:  # the fast path; a field the caller did not give stays visible as {name}
        message = rule.message.format_map(fields)
        if hint is None and rule.hint is not None:
            hint = rule.hint.format_map(fields)
    except KeyError:
        keep = _Keep(fields)
        message = rule.message.format_map(keep)
        if hint is None and rule.hint is not None:
            hint = rule.hint.format_map(keep)
    return message, hint


def make(
    code: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    header: str | None = None,
    value: Any = None,
    normalised: Any = None,
    hint: str | None = None,
    **params: Any,
) -> Finding:
    """Build the ``Finding`` for ``code`` with its catalogued level and message.

    Parameters
    ----------
    code:
        A key of ``RULES``; unknown codes raise ``KeyError`` (a programming error).
    value, normalised:
        Raw and normalised values; shown in the message as ``{value}``/``{normalised}``.
    hint:
        Overrides the rule's default hint; the default hint is itself a template.
    params:
        Extra template fields (``detail``, ``first_row`` ...).
    """
    rule = RULES[code]
    value_text, norm_text = text_of(value), text_of(normalised)
    fields: dict[str, Any] = {
        "file": file or "",
        "sheet": sheet or "",
        "row": "" if row is None else row,
        "column": column or "",
        "header": header or "Value",
        "value": value_text or "",
        "normalised": norm_text or "",
    }
    for k, v in params.items():
        fields[k] = "" if v is None else v
    message, hint = _render(rule, fields, hint)
    return Finding(
        code=code,
        level=rule.level,
        message=message,
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        header=header,
        value=value_text,
        normalised=norm_text,
        hint=hint,
    )


def level_of(code: str) -> Level:
    """The catalogued level of ``code``."""
    return RULES[code].level


def compact_rows(rows: list[int] | set[int]) -> str:
    """Row numbers as Excel users read them: ``[4, 9, 12, 13, 14]`` -> ``"4, 9, 12-14"``."""
    nums = sorted({int(r) for r in rows})
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(parts)
