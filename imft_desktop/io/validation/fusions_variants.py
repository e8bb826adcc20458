"""Genes (HGNC aliases, Excel date-mangled symbols), markers, fusions in every lab
notation, and protein changes.

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from imft_desktop.io.validation.cells import (
    DATE_TYPES,
    EMPTY,
    Note,
    Parsed,
    clean_text,
    is_empty,
    missing_category,
    missing_parsed,
    text_notes,
)
from imft_desktop.model.fusion import (
    DRIVER_GENES,
    Fusion,
    FusionReading,
    partner_unknown_fusion,
    read_fusion,
)
from imft_desktop.model.genes import (
    GENE_ALIASES,
    KNOWN_GENES,
    SYMBOL_CI_RE,
    canonical_symbol,
)

# GENE_ALIASES, KNOWN_GENES, SYMBOL_CI_RE and canonical_symbol live in model.genes (the
# fusion reader below the importer needs them too); they are re-exported from here and
# from ``values`` for the importer's other parsers.
__all__ = [
    "GENE_ALIASES", "KNOWN_GENES", "MARKER_NAMES", "SYMBOL_CI_RE", "canonical_symbol",
    "date_gene_hint", "parse_fusion", "parse_gene", "parse_marker", "parse_protein",
]

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_TEXT_DATE_RE = re.compile(r"^(\d{1,2})-([A-Za-z]{3})$|^([A-Za-z]{3})-(\d{1,2})$")

def date_gene_hint(month: int, day: int) -> str:
    """Suggested original for a gene Excel turned into a date (2-Sep -> SEPT2/SEPTIN2)."""
    if month == 9:
        return f"SEPT{day} (now SEPTIN{day})"
    if month == 3:
        return f"MARCH{day} (now MARCHF{day})"
    if month == 12 and day == 1:
        return "DEC1 (now DELEC1)"
    return f"{list(_MONTHS)[month - 1].upper()}{day}"


#: IHC/FISH targets that are not gene symbols, with their usual spelling.
MARKER_NAMES = {
    "pan-trk": "pan-TRK", "pantrk": "pan-TRK", "pan trk": "pan-TRK", "ki-67": "Ki-67",
    "ki67": "Ki-67", "pan-ck": "pan-CK", "sma": "SMA", "h3k27me3": "H3K27me3",
}


def parse_marker(raw: Any) -> Parsed:
    """IHC marker or FISH probe: a gene symbol, or a named target such as pan-TRK."""
    if isinstance(raw, str):
        name = MARKER_NAMES.get(" ".join(raw.strip().casefold().split()))
        if name is not None:
            return Parsed(name, () if name == raw else (Note("VOCAB_NORMALISED", name),))
    return parse_gene(raw)


def parse_gene(raw: Any) -> Parsed:
    """HGNC gene symbol; Excel's date and number conversions are errors, never fixed."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (datetime, date)):
        return Parsed(None, (Note("GENE_AS_DATE", detail=date_gene_hint(raw.month, raw.day)),))
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("GENE_AS_DATE", detail="retype the gene symbol"),))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Parsed(None, (Note("GENE_AS_NUMBER"),))
    text, lookalike, ws = clean_text(str(raw))
    if not text:
        return EMPTY
    m = _TEXT_DATE_RE.match(text)
    if m:
        day_s, mon_s = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = _MONTHS.get(mon_s.casefold())
        if month is not None:
            return Parsed(None, (Note("GENE_AS_DATE", detail=date_gene_hint(month, int(day_s))),))
    cat = missing_category(text)
    if cat is not None:
        return missing_parsed(text, cat)
    if not SYMBOL_CI_RE.match(text):
        return Parsed(None, (Note("GENE_INVALID"),))
    notes: list[Note] = list(text_notes(str(raw), text, lookalike, ws))
    symbol = canonical_symbol(text)
    if symbol != text:
        notes.append(Note("GENE_CASE_NORMALISED", symbol))
    current = GENE_ALIASES.get(symbol.upper())
    if current is not None and current != symbol:
        notes.append(Note("GENE_OUTDATED", current))
        symbol = current
    return Parsed(symbol, tuple(notes))



def parse_fusion(raw: Any) -> Parsed:
    """Fusion in any common notation -> HGNC ``5'GENE::3'GENE``; unknown partner kept so.

    The notation is read by ``model.fusion.read_fusion`` (the one reader, shared with
    the analyses); here each symbol is checked (Excel dates, HGNC renames) and the
    findings are named.
    """
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (datetime, date)):
        return Parsed(None, (Note("GENE_AS_DATE", detail=date_gene_hint(raw.month, raw.day)),))
    if isinstance(raw, (int, float, bool, DATE_TYPES)):
        return Parsed(None, (Note("FUSION_INVALID"),))
    text, _look, _ws = clean_text(str(raw))
    if not text:
        return EMPTY
    cat = missing_category(text)
    if cat is not None:
        return missing_parsed(text, cat)
    reading = read_fusion(text)
    if reading.karyotype is not None:
        return _karyotype_parsed(text, reading)
    if reading.ambiguous is not None:
        return Parsed(None, (Note("FUSION_AMBIGUOUS_SPLIT", detail=reading.ambiguous),))
    if reading.partner_unknown:
        gene = parse_gene(reading.genes[0])
        if gene.value is None:
            return Parsed(None, (Note("FUSION_INVALID"),))
        fusion = partner_unknown_fusion(gene.value, reading.side)
        extra = (("gene_5", fusion.gene5), ("gene_3", fusion.gene3),
                 ("rearranged_gene", gene.value), ("partner_unknown", True))
        return Parsed(fusion.notation, (Note("FUSION_PARTNER_UNKNOWN", gene.value),), extra)
    if len(reading.genes) != 2:
        return Parsed(None, (Note("FUSION_INVALID"),))
    genes = []
    notes: list[Note] = []
    for p in reading.genes:
        g = parse_gene(p)
        if g.value is None:
            if g.is_error and any(n.code == "GENE_AS_DATE" for n in g.notes):
                return Parsed(None, g.notes)
            return Parsed(None, (Note("FUSION_INVALID"),))
        genes.append(g.value)
        notes += [n for n in g.notes if n.code == "GENE_OUTDATED"]
    value = Fusion(genes[0], genes[1]).notation
    if value != str(raw).strip():
        notes.insert(0, Note("FUSION_NORMALISED", value))
    detail = reading.detail
    if detail:
        notes.append(Note("FUSION_DETAIL_KEPT", detail=detail))
    if "::" not in text and genes[0] in DRIVER_GENES and genes[1] not in DRIVER_GENES:
        # A kinase written first in a loose notation (ALK-EML4): kept as written, flagged.
        notes.append(Note("FUSION_DRIVER_FIRST", f"{genes[1]}::{genes[0]}", detail=genes[0]))
    extra = (("gene_5", genes[0]), ("gene_3", genes[1]), ("rearranged_gene", None),
             ("partner_unknown", False))
    return Parsed(value, tuple(notes), extra + ((("fusion_detail", detail),) if detail else ()))


def _karyotype_parsed(text: str, reading: FusionReading) -> Parsed:
    """A bare karyotype: with one kinase band, that kinase, partner unknown, and a warning
    quoting the cell (with the classic partner as a hint); otherwise no value."""
    k = reading.karyotype
    assert k is not None
    bands = ", ".join(k.bands)
    if k.driver is None:
        return Parsed(None, (Note("FUSION_KARYOTYPE_UNREAD", detail=bands),))
    fusion = partner_unknown_fusion(k.driver, reading.side)
    extra = (("gene_5", fusion.gene5), ("gene_3", fusion.gene3),
             ("rearranged_gene", k.driver), ("partner_unknown", True), ("fusion_detail", text))
    return Parsed(fusion.notation, (Note("FUSION_KARYOTYPE", k.driver, detail=bands,
                                         hint=k.hint),), extra)


AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}
_AA3_RE = re.compile("|".join(AA3))
_AA = "[ACDEFGHIKLMNPQRSTVWYUX*]"
_PROTEIN_RE = re.compile(
    rf"^{_AA}\d+(?:_{_AA}\d+)?"
    rf"(?:{_AA}|=|\?|fs(?:\*\d+|\*\?|X\d+)?|del(?:ins{_AA}+)?|ins{_AA}+|dup|ext\*?\d*)?$"
)
_P_IN_TEXT_RE = re.compile(r"\(?p\.\(?([^\s\);,]+)\)?")


#: Cells that say a gene is mutated without saying how.
#: Words (and the yes of a yes/no or 1/0 column) that say "mutated" without the change.
_MUTATED_WORDS = frozenset({"mut", "mut.", "mutated", "mutation", "mutant", "pos", "positive",
                            "present", "detected", "yes", "+", "y", "1", "true", "x"})


def parse_protein(raw: Any) -> Parsed:
    """Protein change -> ``p.H1047R`` (one-letter codes); several in one cell is an error."""
    if is_empty(raw):
        return EMPTY
    if raw is True or (isinstance(raw, (int, float)) and not isinstance(raw, bool)
                       and raw == 1):
        return Parsed(None, (Note("PROTEIN_NOT_GIVEN"),))  # 1 of a 1/0 "mutated" column
    if isinstance(raw, (DATE_TYPES, int, float, bool)):
        return Parsed(None, (Note("PROTEIN_INVALID"),))
    text, _l, _w = clean_text(str(raw))
    if not text:
        return EMPTY
    cat = missing_category(text)
    if cat is not None:
        return missing_parsed(text, cat)
    if text.casefold() in _MUTATED_WORDS:
        return Parsed(None, (Note("PROTEIN_NOT_GIVEN"),))
    if text.count("p.") > 1 or re.search(r"[;,]", text) or " and " in text:
        return Parsed(None, (Note("PROTEIN_MULTIPLE"),))
    core = text
    found = _P_IN_TEXT_RE.search(text)
    if found:
        core = found.group(1)
    else:
        tokens = text.split()
        if len(tokens) == 2 and _PROTEIN_RE.match(tokens[0].removeprefix("p.")):
            return Parsed(None, (Note("PROTEIN_MULTIPLE"),))
        if len(tokens) == 2 and SYMBOL_CI_RE.match(tokens[0]):
            core = tokens[1]  # "PIK3CA H1047R"
        elif len(tokens) > 1:
            return Parsed(None, (Note("PROTEIN_MULTIPLE"),))
    core = core.strip("()")
    core = _AA3_RE.sub(lambda m: AA3[m.group(0)], core)
    if not _PROTEIN_RE.match(core):
        return Parsed(None, (Note("PROTEIN_INVALID"),))
    value = f"p.{core}"
    return Parsed(value, () if value == text else (Note("PROTEIN_NORMALISED", value),))
