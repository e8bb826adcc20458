"""Value parsers: one raw cell value in, one normalised value plus notes out.

Each ``FieldSpec.kind`` of the schema has a parser here.  Parsers are pure functions
of the raw value (and of fixed per-column settings), so the validator memoises them on
the distinct raw values of a column: a 10k-row column of "positive"/"negative" calls is
parsed twice, not 10,000 times.  A parser never raises on bad input; it returns a
``Parsed`` whose ``notes`` name the finding codes (``imft_desktop.io.validation.codes``) to report.

The reader's structure (error cells, formulas, merged cells, display text) reaches the
parsers as small wrapper objects put in place of the cell value by the importer
(``ErrorCell``, ``UncalculatedFormula``, ``FormulaResult``, ``MergedCell``,
``DisplayedNumber``); ``parse_cell`` unwraps them.

The parsers live in one module per domain (``cells``, ``identifiers``, ``numbers``,
``assay_calls``, ``outcomes``, ``fusions_variants``, ``copy_number``); this module
gathers their public names in one namespace (``values.parse_number``).
"""

from imft_desktop.io.validation.assay_calls import (
    parse_assay,
    parse_bool,
    parse_call,
    parse_intensity,
    parse_status,
)
from imft_desktop.io.validation.cells import (
    ASSEMBLY_CHOICES,
    CONFUSABLES,
    EMPTY,
    EXCEL_CELL_LIMIT,
    INVISIBLE,
    MISSING_TOKENS,
    SEX_CHOICES,
    WRAPPERS,
    DisplayedNumber,
    ErrorCell,
    FormulaResult,
    MergedCell,
    Note,
    Parsed,
    Parser,
    UncalculatedFormula,
    clean_text,
    make_choice_parser,
    missing_category,
    normalise_header,
    parse_assembly,
    parse_cell,
    parse_sex,
    parse_text,
    raw_text,
)
from imft_desktop.io.validation.copy_number import (
    CHROMOSOMES,
    parse_chrom,
    parse_cna_event,
    parse_region,
)
from imft_desktop.io.validation.fusions_variants import (
    AA3,
    GENE_ALIASES,
    KNOWN_GENES,
    MARKER_NAMES,
    date_gene_hint,
    parse_fusion,
    parse_gene,
    parse_marker,
    parse_protein,
)
from imft_desktop.io.validation.identifiers import (
    near_key,
    near_keys,
    parse_id,
    plain_ids,
)
from imft_desktop.io.validation.numbers import (
    UNITS,
    NumberRules,
    make_date_parser,
    parse_number,
)
from imft_desktop.io.validation.outcomes import (
    event_token,
    parse_recist,
)

__all__ = [
    "AA3",
    "ASSEMBLY_CHOICES",
    "CHROMOSOMES",
    "CONFUSABLES",
    "EMPTY",
    "EXCEL_CELL_LIMIT",
    "GENE_ALIASES",
    "INVISIBLE",
    "KNOWN_GENES",
    "MARKER_NAMES",
    "MISSING_TOKENS",
    "SEX_CHOICES",
    "UNITS",
    "WRAPPERS",
    "DisplayedNumber",
    "ErrorCell",
    "FormulaResult",
    "MergedCell",
    "Note",
    "NumberRules",
    "Parsed",
    "Parser",
    "UncalculatedFormula",
    "clean_text",
    "date_gene_hint",
    "event_token",
    "make_choice_parser",
    "make_date_parser",
    "missing_category",
    "near_key",
    "near_keys",
    "normalise_header",
    "parse_assay",
    "parse_assembly",
    "parse_bool",
    "parse_call",
    "parse_cell",
    "parse_chrom",
    "parse_cna_event",
    "parse_fusion",
    "parse_gene",
    "parse_id",
    "parse_intensity",
    "parse_marker",
    "parse_number",
    "parse_protein",
    "parse_recist",
    "parse_region",
    "parse_sex",
    "parse_status",
    "parse_text",
    "plain_ids",
    "raw_text",
]
