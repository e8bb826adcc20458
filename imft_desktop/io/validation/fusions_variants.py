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
from imft_desktop.io.validation.fusion_notation import (
    fusion_karyotype,
    fusion_order_notes,
    split_details,
)
from imft_desktop.model.fusion import DRIVER_GENES, Fusion

#: Small bundled alias table (HGNC renames relevant to sarcoma/fusion pathology).
#: Source: HGNC symbol reports as of 2024; extend with care, never from the network.
GENE_ALIASES: dict[str, str] = {
    "CARS": "CARS1", "MARC1": "MTARC1", "MARC2": "MTARC2", "HER2": "ERBB2",
    "MLL": "KMT2A", "MLL2": "KMT2D", "MLL3": "KMT2C", "C11ORF95": "ZFTA",
    "H3F3A": "H3-3A", "H3F3B": "H3-3B", "HIST1H3B": "H3C2", "WHSC1": "NSD2",
    "MKL1": "MRTFA", "MKL2": "MRTFB", "FAM46C": "TENT5C", "KIAA1549L": "KIAA1549L",
    "C2ORF44": "WDCP", "ERBB2IP": "ERBIN", "FAM129B": "NIBAN2", "GPR98": "ADGRV1",
    "EMR1": "ADGRE1", "NTRK": "NTRK1", "HN1": "JPT1", "TCEB1": "ELOC",
    "PAK7": "PAK5", "KIAA1524": "CIP2A", "CXORF67": "EZHIP", "FAM22A": "NUTM2A",
}
for _i in range(1, 15):
    GENE_ALIASES[f"SEPT{_i}"] = f"SEPTIN{_i}"
for _i in range(1, 12):
    GENE_ALIASES[f"MARCH{_i}"] = f"MARCHF{_i}"
GENE_ALIASES.pop("NTRK")  # not an HGNC alias: "NTRK" is a family, keep it an error-free word

#: Symbols known to the importer; used to split hyphenated fusions safely.
_KNOWN_GENES_TEXT = """
    ALK ROS1 NTRK1 NTRK2 NTRK3 RET PDGFRB PDGFRA MET BRAF RAF1 FGFR1 FGFR2 FGFR3 EGFR ERBB2
    ETV6 TPM3 TPM4 CLTC RANBP2 ATIC CARS1 SEC31A PPFIBP1 DCTN1 EML4 FN1 TFG PRKAR1A LMNA
    RRBP1 THBS1 IGFBP5 YWHAE KIF5B NPM1 TPR KLC1 VCL STRN HIP1 MSN MYH9 SQSTM1 CUX1 NKX2-1
    NKX2-5 NKX3-1 HLA-A HLA-B HLA-C HLA-DRB1 HLA-DQA1 HLA-DQB1 H3-3A H3-3B PIK3CA PTEN TP53
    CDKN2A CDKN2B RB1 NF1 NF2 KRAS NRAS HRAS MDM2 CDK4 MYC MYCN SMARCB1 EWSR1 FUS FLI1 ERG
    WT1 SS18 SSX1 SSX2 NAB2 STAT6 COL1A1 PDGFB USP6 MYOD1 CIC DUX4 BCOR TERT ATRX DAXX KIT
    NTRK SEPTIN9 SEPTIN2 MARCHF1 ZFTA KMT2A BCR ABL1 PAX3 PAX7 FOXO1 TFE3 ASPSCR1 CREB1
    ATF1 NR4A3 TAF15 EWSR1 GLI1 ACTB MALAT1 PLAG1 HMGA2 KMT2D
"""
KNOWN_GENES: frozenset[str] = frozenset(_KNOWN_GENES_TEXT.split())

SYMBOL_CI_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-\.]*$")
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


def canonical_symbol(text: str) -> str:
    """Upper-case a symbol, keeping the lower-case ``orf`` of open reading frames."""
    up = text.upper()
    return re.sub(r"(?<=\d)ORF(?=\d)", "orf", up)


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



_PARTNER_UNKNOWN_RE = re.compile(
    r"^(?P<g>[A-Za-z0-9\-\.]+?)\s*(?:[-:/]\s*)?"
    r"(?:rearranged|rearrangement|re-arranged|fusion|fusion positive|translocated|"
    r"translocation|break-?apart(?:\s+(?:fish\s+)?positive)?|split|(?<=[-:/\s])r)"
    r"(?:\s*\(.*\))?\s*$",
    re.IGNORECASE,
)
_UNKNOWN_SIDE_RE = re.compile(
    r"^(?:(?P<a>[A-Za-z0-9\-\.]+)\s*::\s*\?|\?\s*::\s*(?P<b>[A-Za-z0-9\-\.]+))$"
)
_FUSION_SUFFIX_RE = re.compile(r"\s+(?:fusion|fusion gene|transcript)$", re.IGNORECASE)


def _spaced_fusion(parts: list[str]) -> bool:
    """Two words separated by a space are a fusion ("EML4 ALK") only when both are gene
    symbols as written (known, or upper-case symbol-shaped) and one of them is a fusion
    driver kinase; free text ("see report", "awaiting NGS") and a gene with its variant
    ("TP53 R273H") are not."""
    if len(parts) != 2:
        return False

    def symbol(word: str) -> str | None:
        up = canonical_symbol(word)
        known = up in KNOWN_GENES or GENE_ALIASES.get(up.upper()) in KNOWN_GENES
        shaped = word == word.upper() and bool(SYMBOL_CI_RE.match(word)) and any(
            c.isalpha() for c in word)
        return up.upper() if known or shaped else None

    genes = [symbol(p) for p in parts]
    return all(genes) and any(g in DRIVER_GENES for g in genes)


def _plausible(part: str) -> bool:
    up = canonical_symbol(part)
    if up in KNOWN_GENES or GENE_ALIASES.get(up.upper()) in KNOWN_GENES:
        return True
    return "-" not in part and bool(SYMBOL_CI_RE.match(part)) and not part.isdigit()


def _split_hyphens(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Candidate 5'/3' splits of ``A-B`` style text; second item: all parts known."""
    idx = [i for i, ch in enumerate(text) if ch == "-"]
    cands = [(text[:i], text[i + 1:]) for i in idx]
    good = [c for c in cands if c[0] and c[1] and _plausible(c[0]) and _plausible(c[1])]
    return good, len(idx) == 1


def parse_fusion(raw: Any) -> Parsed:
    """Fusion in any common notation -> HGNC ``5'GENE::3'GENE``; unknown partner kept so."""
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
    # Karyotypes, variant/exon details and order checks live in their own module.
    karyotype = fusion_karyotype(text)
    if karyotype is not None:
        return karyotype
    # "EML4-ALK v3 fusion" and "EML4-ALK fusion v3": suffix, details, suffix.
    core, detail = split_details(_FUSION_SUFFIX_RE.sub("", text).strip())
    suffixed = bool(_FUSION_SUFFIX_RE.search(text) or _FUSION_SUFFIX_RE.search(core))
    text = _FUSION_SUFFIX_RE.sub("", core).strip()
    m = _UNKNOWN_SIDE_RE.match(text) or _PARTNER_UNKNOWN_RE.match(text)
    if m is None and suffixed and not re.search(r"[\s:/-]", text):
        m = re.match(r"(?P<g>.+)", text)  # "ALK fusion": the partner is not named
    if m:
        gene_raw = next(g for g in m.groups() if g)
        gene = parse_gene(gene_raw)
        if gene.value is None:
            return Parsed(None, (Note("FUSION_INVALID"),))
        # The side the sheet gives wins ("ALK::?"); otherwise a driver kinase is the
        # 3' partner and any other gene the 5' one (model.fusion convention).
        if m.groupdict().get("a") or (
            m.groupdict().get("b") is None and gene.value not in DRIVER_GENES
        ):
            fusion = Fusion(gene.value, None)
        else:
            fusion = Fusion(None, gene.value)
        extra = (("gene_5", fusion.gene5), ("gene_3", fusion.gene3),
                 ("rearranged_gene", gene.value), ("partner_unknown", True))
        return Parsed(fusion.notation, (Note("FUSION_PARTNER_UNKNOWN", gene.value),), extra)
    parts: list[str] | None = None
    if "::" in text:
        parts = [p.strip() for p in text.split("::")]
    elif "/" in text:
        parts = [p.strip() for p in text.split("/")]
    elif re.search(r"\s", text):
        parts = text.split()
        if any("-" in p and not _plausible(p) for p in parts):
            return Parsed(None, (Note("FUSION_INVALID"),))  # never a gene "EML4-ALK"
        if not _spaced_fusion(parts):
            # "see report", "awaiting NGS", "TP53 R273H": words, not two fused genes
            return Parsed(None, (Note("FUSION_INVALID"),))
    elif "-" in text:
        good, _single = _split_hyphens(text)
        if len(good) == 1:
            parts = list(good[0])
        else:
            why = ("several splits possible" if good else
                   "no split gives two known gene symbols")
            return Parsed(None, (Note("FUSION_AMBIGUOUS_SPLIT", detail=why),))
    elif ":" in text:
        parts = [p.strip() for p in text.split(":")]
    if not parts or len(parts) != 2 or not all(parts):
        return Parsed(None, (Note("FUSION_INVALID"),))
    genes = []
    notes: list[Note] = []
    for p in parts:
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
    notes += fusion_order_notes(text, genes[0], genes[1], detail)
    extra = (("gene_5", genes[0]), ("gene_3", genes[1]), ("rearranged_gene", None),
             ("partner_unknown", False))
    return Parsed(value, tuple(notes), extra + ((("fusion_detail", detail),) if detail else ()))



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
