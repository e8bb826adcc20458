"""What every parser shares: the ``Parsed`` result and its ``Note``s, the reader's cell wrappers
(error cells, formulas, merges, displayed numbers), text cleaning, missing-value tokens,
free text and fixed-choice parsers (sex, assembly).

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from imft_desktop.io.read.records import ChosenMeaning
from imft_desktop.io.validation.codes import level_of
from imft_desktop.model.vocab import (
    Level,
)


@dataclass(frozen=True, slots=True)
class Note:
    """One thing a parser noticed; becomes a ``Finding`` with coordinates later."""

    code: str
    normalised: Any = None
    detail: str | None = None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed cell.

    Attributes
    ----------
    value:
        The normalised value (``None`` when missing or invalid).
    notes:
        Findings to report for this cell.
    extra:
        Structured sub-fields as ``(name, value)`` pairs, stored in extra columns
        (``("qualifier", "<")``, ``("gene_5", "TPM3")`` ...).
    missing:
        The explicit missing category when the cell held a missing-value token
        (``"not done"``, ``"unknown"``, ``"pending"``, ``"not applicable"``,
        ``"not evaluable"``); ``None`` otherwise, also for an empty cell.
    """

    value: Any = None
    notes: tuple[Note, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    missing: str | None = None

    @property
    def is_error(self) -> bool:
        return any(level_of(n.code) is Level.ERROR for n in self.notes)

    def with_notes(self, *notes: Note) -> Parsed:
        return Parsed(self.value, notes + self.notes, self.extra, self.missing)


EMPTY = Parsed()



@dataclass(frozen=True, slots=True)
class ErrorCell:
    """An Excel error value (``#REF!``, ``#N/A`` ...) found in the cell."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class UncalculatedFormula:
    """A formula saved without a cached result (written by a program, never opened)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True, slots=True)
class FormulaResult:
    """The cached result of a formula cell."""

    value: Any
    formula: str = ""

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class MergedCell:
    """A cell inside a merged range of the data region (``value`` is the anchor's)."""

    value: Any
    range: str

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class DisplayedNumber:
    """A number whose Excel display differs from its value (``00123`` for 123)."""

    value: Any
    text: str | None = None
    number_format: str | None = None

    def __str__(self) -> str:
        return self.text if self.text is not None else str(self.value)


WRAPPERS = (ErrorCell, UncalculatedFormula, FormulaResult, MergedCell, DisplayedNumber,
            ChosenMeaning)


def raw_text(value: Any) -> str | None:
    """Raw value as text, as stored in ``raw:<field>`` columns."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    return str(value)


Parser = Callable[[Any], Parsed]


#: Parsers that read a number cell's displayed text ("00123") instead of its value.
_DISPLAYED_TEXT_PARSERS: set[Parser] = set()


def reads_displayed_text(parser: Parser) -> Parser:
    """Mark ``parser`` (identifiers) as reading the displayed text of a number cell."""
    _DISPLAYED_TEXT_PARSERS.add(parser)
    return parser


def parse_cell(raw: Any, parser: Parser) -> Parsed:
    """Unwrap structure wrappers, then apply ``parser`` to the plain value."""
    if isinstance(raw, ErrorCell):
        return Parsed(None, (Note("CELL_ERROR"),))
    if isinstance(raw, UncalculatedFormula):
        return Parsed(None, (Note("FORMULA_NOT_CALCULATED"),))
    if isinstance(raw, MergedCell):
        inner = parse_cell(raw.value, parser)
        return inner.with_notes(Note("CELL_MERGED", detail=raw.range))
    if isinstance(raw, FormulaResult):
        inner = parse_cell(raw.value, parser)
        return inner.with_notes(Note("FORMULA_CACHED", detail=raw.formula or "formula"))
    if isinstance(raw, ChosenMeaning):
        # The user's reading replaces the program's: its own normalisation notes would
        # only repeat it, warnings about the chosen word are kept.
        inner = parse_cell(raw.value, parser)
        kept = tuple(n for n in inner.notes if level_of(n.code) is not Level.INFO)
        note = Note("VALUE_MEANING_CHOSEN", raw.label or inner.value or raw.value)
        return Parsed(inner.value, (note, *kept), inner.extra, inner.missing)
    if isinstance(raw, DisplayedNumber):
        # Only identifiers read the displayed text ("00123"); measurements use the value.
        return parser(raw) if parser in _DISPLAYED_TEXT_PARSERS else parser(raw.value)
    return parser(raw)



#: Characters that look like Latin letters/ASCII punctuation but are not (after NFKC).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
        # dashes and minus signs
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-",
        # quotes and primes
        "\u2018": "'", "\u2019": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
        "\u2237": "::",
    }
)

#: Invisible characters removed everywhere (zero-width space/joiners, BOM, soft hyphen).
INVISIBLE = str.maketrans({c: None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"})

WHITESPACE = " \t\r\n\u00a0\u2007\u202f\u3000"
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(text: str) -> tuple[str, bool, bool]:
    """NFKC, look-alikes, invisible characters and surrounding spaces.

    Returns ``(clean, lookalike_changed, whitespace_changed)``.
    """
    if text.isascii():
        # Fast path (most cells): no look-alikes, no invisible characters, NFKC is a no-op.
        trimmed = text.strip()
        return trimmed, False, trimmed != text
    stripped = text.translate(INVISIBLE)
    trimmed = stripped.strip(WHITESPACE)
    ws_changed = trimmed != text.strip(" ") or text != text.strip(" ")
    norm = unicodedata.normalize("NFKC", trimmed).translate(CONFUSABLES)
    norm = norm.replace("\u00a0", " ")
    return norm, norm != trimmed, ws_changed


def normalise_header(text: Any) -> str:
    """Header key for matching: NFKC, invisible/NBSP stripped, casefolded, ``_`` = space."""
    if text is None:
        return ""
    s = str(text).translate(INVISIBLE)
    s = unicodedata.normalize("NFKC", s).translate(CONFUSABLES).replace("\u00a0", " ")
    s = s.replace("_", " ").casefold()
    return " ".join(s.split())


def text_notes(raw: str, clean: str, lookalike: bool, ws: bool) -> tuple[Note, ...]:
    if lookalike:
        return (Note("UNICODE_NORMALISED", clean),)
    if ws and clean:
        return (Note("WHITESPACE_TRIMMED", clean),)
    return ()



MISSING_TOKENS: dict[str, str] = {}
for _cat, _tokens in {
    "unknown": ("na", "n/a", "n.a.", "n.a", "nan", "none", "null", "?", "-", "--", "---",
                "unknown", "unk", "[not available]", "[unknown]", "not available",
                "missing", "#n/a", "[null]", "[missing]", "."),
    "not done": ("not done", "nd", "n.d.", "n.d", "not tested", "[not done]",
                 "not performed", "no test", "untested"),
    "pending": ("pending", "[pending]", "awaited", "in progress"),
    "not applicable": ("not applicable", "[not applicable]", "n.app."),
    "not evaluable": ("not evaluable", "inevaluable", "unevaluable", "non evaluable",
                      "failed", "insufficient", "insufficient material", "qns"),
}.items():
    for _t in _tokens:
        MISSING_TOKENS[_t] = _cat


def missing_category(text: str) -> str | None:
    """Missing category of a cleaned text token, or ``None`` if it is a value."""
    # Inner runs of spaces ("not  done") are how a cell was typed, not a new word.
    return MISSING_TOKENS.get(" ".join(text.casefold().split()))


def missing_parsed(raw: str, cat: str) -> Parsed:
    return Parsed(None, (Note("VALUE_MISSING_TOKEN", cat),), missing=cat)


def is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw))


DATE_TYPES = (datetime, date, time, timedelta)


EXCEL_CELL_LIMIT = 32767


def parse_text(raw: Any) -> Parsed:
    """Free text: kept verbatim apart from surrounding spaces; numbers become text."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    if isinstance(raw, bool):
        return Parsed("yes" if raw else "no")
    if isinstance(raw, (int, float)):
        return Parsed(raw_text(raw))
    text = str(raw)
    notes: tuple[Note, ...] = ()
    if len(text) > EXCEL_CELL_LIMIT:
        notes = (Note("CELL_TOO_LONG", detail=f"{len(text):,}"),)
    trimmed = text.strip(WHITESPACE)
    if not trimmed:
        return EMPTY
    if trimmed != text and "\n" not in text:
        notes += (Note("WHITESPACE_TRIMMED", trimmed),)
    cat = missing_category(trimmed)
    if cat is not None and len(trimmed) < 40:
        return Parsed(None, (*notes, Note("VALUE_MISSING_TOKEN", cat)), missing=cat)
    return Parsed(trimmed, notes)


def make_choice_parser(choices: dict[str, str], *, strict: bool) -> Parser:
    """Text with a small vocabulary (sex, assembly): synonyms -> the canonical word.

    ``choices`` maps casefolded spellings to the canonical value.  With ``strict``,
    anything else is an error (the analysis depends on it, e.g. the genome assembly);
    otherwise it is kept as written (a sex recorded as "diverse" stays "diverse").
    """
    allowed = ", ".join(dict.fromkeys(choices.values()))

    def parse(raw: Any) -> Parsed:
        p = parse_text(raw)
        if p.value is None:
            return p
        hit = choices.get(" ".join(str(p.value).casefold().split()))
        if hit is not None:
            notes = p.notes if hit == p.value else p.notes + (Note("VOCAB_NORMALISED", hit),)
            return Parsed(hit, notes)
        if strict:
            return Parsed(None, p.notes + (Note("VOCAB_UNKNOWN", detail=allowed),))
        return p

    return parse


SEX_CHOICES = {
    "female": "female", "f": "female", "w": "female", "woman": "female", "weiblich": "female",
    "femme": "female", "male": "male", "m": "male", "man": "male", "männlich": "male",
    "homme": "male",
}
ASSEMBLY_CHOICES = {
    "hg19": "hg19", "grch37": "hg19", "b37": "hg19", "hg38": "hg38", "grch38": "hg38",
}
parse_sex = make_choice_parser(SEX_CHOICES, strict=False)
parse_assembly = make_choice_parser(ASSEMBLY_CHOICES, strict=True)
