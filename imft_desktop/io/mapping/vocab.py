"""Words a pathologist's sheet uses, for recognising headers and sniffing column values.

This module only *classifies* text (is this header about IHC? does this cell look like a
fusion?).  It never converts a value: the importer's validator parses every cell and
records the normalisations.  The gene list is a modest, bundled set of HGNC symbols
seen on sarcoma and fusion panels; any other symbol-shaped header token is recognised
by pattern, so nothing here is specific to ALK.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any


def _symbols(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: HGNC symbols often found on sarcoma / fusion / IMFT sheets (a hint list; symbols not
#: listed are still recognised by their shape).
KNOWN_GENES: frozenset[str] = _symbols(
    """
    ALK ROS1 NTRK1 NTRK2 NTRK3 RET MET PDGFRA PDGFRB EGFR ERBB2 BRAF RAF1 KRAS NRAS HRAS
    PIK3CA PIK3R1 PTEN AKT1 MTOR TSC1 TSC2 TP53 RB1 CDKN2A CDKN2B MDM2 CDK4 NF1 NF2
    SMARCB1 SMARCA4 KIT FGFR1 FGFR2 FGFR3 FGFR4 ETV6 EWSR1 FUS SS18 SSX1 SSX2 FOXO1 PAX3
    PAX7 DDIT3 MYC MYCN TFE3 CIC DUX4 BCOR YWHAE NUTM1 CTNNB1 APC ATRX TERT IDH1 IDH2
    H3-3A TPM3 TPM4 CLTC RANBP2 ATIC CARS1 CARS SEC31A PPFIBP1 DCTN1 EML4 FN1 TFG PRKAR1A
    LMNA RRBP1 THBS1 IGFBP5 KIF5B CD74 EZR SLC34A2 SDC4 GOPC NCOA4 CCDC6 TPR USP6 MYH9
    COL1A1 PDGFB NAB2 STAT6 GLI1 ACTB CAMTA1 WWTR1 YAP1 NCOA2 HEY1 MEIS1 ESR1 ARID1A ATM
    BRCA1 BRCA2 KMT2D SETD2 SUFU STK11 KEAP1 NOTCH1 FBXW7 SMAD4 MAP2K1 GNAS DICER1 SDHB
    EML4 A2M VCL TNS1 LMNA PPP1CB DES SMA CD34 S100 MYOD1 MYOG HMGA2 CALR KLC1
    """
)

#: Kinase genes whose name alone usually heads a fusion / IHC column.
FUSION_DRIVERS: frozenset[str] = frozenset(
    {"ALK", "ROS1", "NTRK1", "NTRK2", "NTRK3", "RET", "MET", "PDGFRB", "FGFR1", "FGFR2",
     "FGFR3", "BRAF", "ETV6", "EWSR1", "FUS", "NUTM1", "TFE3", "USP6", "YWHAE", "CIC"}
)

#: Antibody clones and the marker they stain (IHC).  Other clones are recognised when
#: written in parentheses or after the word "clone".
KNOWN_CLONES: dict[str, str] = {
    "ALK1": "ALK",
    "D5F3": "ALK",
    "5A4": "ALK",
    "OTI1H7": "ALK",
    "1A4": "ALK",
    "D4D6": "ROS1",
    "SP384": "ROS1",
    "EPR17341": "pan-TRK",
    "A7H6R": "pan-TRK",
    "SP8": "ALK",
    "EP286": "ROS1",
}

#: Marker spellings that do not look like gene symbols.
MARKER_ALIASES: dict[str, str] = {
    "pan-trk": "pan-TRK",
    "pantrk": "pan-TRK",
    "pan trk": "pan-TRK",
    "trk": "pan-TRK",
    "desmin": "desmin",
    "sma": "SMA",
    "h-caldesmon": "h-caldesmon",
    "pd-l1": "PD-L1",
    "pdl1": "PD-L1",
    "ki-67": "Ki-67",
    "ki67": "Ki-67",
}

#: Upper-case words that look like symbols but are not genes on these sheets.
NOT_GENES: frozenset[str] = _symbols(
    """
    IHC FISH WGS WES NGS RNA DNA PFS OS TTP EFS DFS RFS TOT ORR BOR CR PR SD PD NE NA ND
    ID NO CNA CNV CN SNV SV MUT WT VAF HE DOB MRN UPN PT RECIST SEQ PCR RT ISH CISH BA
    TC HPF HS IMT IMFT CASE SEX AGE DX Y N M F TKI CT MRI PET OK TBD LOH CNLOH AMP DEL
    ABC PANEL ARCHER FFPE HG19 HG38 GRCH37 GRCH38 Q P CHR X ITD SNP
    """
)

_GENE_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]{1,4})?$")
_CF_CHARS = re.compile(r"[\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]")


def clean_text(value: Any) -> str:
    """Header or cell text with Unicode noise removed, for *matching* only.

    NFKC (full-width letters), format characters (zero-width space, BOM) dropped, NBSP
    and runs of whitespace collapsed to one space.  The raw value is kept elsewhere.
    """
    if value is None:
        return ""
    return _clean_str(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=65536)
def _clean_str(text: str) -> str:
    # Cached: sheet cells repeat ("pos", "neg", "not done"), and a 10k-row sheet asks
    # for the same few hundred strings about 200,000 times.
    text = unicodedata.normalize("NFKC", text)
    text = _CF_CHARS.sub("", text).replace("\u00a0", " ")
    return " ".join(text.split())


def match_key(value: Any) -> str:
    """Case- and space-insensitive key used to compare headers (profile re-application)."""
    return clean_text(value).casefold()


def is_gene_symbol(token: str) -> bool:
    """True when ``token`` (case-sensitive, as written) looks like an HGNC gene symbol."""
    if token in KNOWN_GENES:
        return True
    if token in NOT_GENES or token in KNOWN_CLONES:
        return False
    # Symbol shape, and not a bare cytoband such as "22Q"; at least one letter after
    # the first keeps two-letter abbreviations ("PR", "OS") out via NOT_GENES above.
    return bool(_GENE_SHAPE.match(token)) and len(token) >= 3


# ---------------------------------------------------------------------------- cells
NOT_TESTED_TOKENS = frozenset(
    {"not done", "nd", "n/a", "na", "n.a.", "not tested", "nt", "not available", "unknown",
     "unk", "?", "not assessable", "not evaluable", "failed", "fail", "insufficient",
     "no material", "qns", "pending", "missing", "[not available]"}
)
NEGATIVE_TOKENS = frozenset(
    {"neg", "negative", "-", "−", "–", "none", "no", "wt", "wild type", "wildtype",
     "wild-type", "not detected", "absent", "normal", "no fusion", "no mutation",
     "no alteration", "no cna", "nil", "n", "0", "no rearrangement", "not rearranged",
     "neutral", "balanced", "no loss", "no gain",
     # how molecular reports say "tested, nothing found"
     "no mutation detected", "no mutations detected", "mutation not detected",
     "not mutated", "unmutated", "non-mutated", "non mutated", "no variant detected",
     "no variants detected", "no pathogenic variant", "no pathogenic variants",
     "no pathogenic mutation", "no fusion detected", "fusion not detected",
     "no rearrangement detected", "rearrangement not detected", "wt.", "retained",
     "not deleted", "not lost", "no deletion", "disomic", "diploid", "intact",
     "none detected", "no alteration detected"}
)
POSITIVE_TOKENS = frozenset(
    {"pos", "positive", "+", "yes", "y", "present", "detected", "mut", "mutated",
     "mutation", "rearranged", "rearrangement", "fusion", "focal", "equivocal", "weak",
     "weakly positive", "strong", "1", "amplified", "altered"}
)
STATUS_TOKENS = frozenset(
    {"yes", "no", "y", "n", "done", "not done", "failed", "fail", "performed", "1", "0",
     "true", "false", "x", "sequenced", "pending", "nd"}
)
RECIST_TOKENS = frozenset(
    {"cr", "pr", "sd", "pd", "ne", "complete response", "partial response",
     "stable disease", "progressive disease", "not evaluable", "ucr", "upr", "cpr", "ccr"}
)
CNA_WORDS = frozenset(
    {"loss", "gain", "del", "deletion", "amp", "amplification", "amplified", "deep deletion",
     "homdel", "hetloss", "homozygous deletion", "monosomy", "trisomy", "deleted", "lost",
     "gained", "cnloh", "loh", "neutral", "normal"}
)

_PERCENT = re.compile(
    r"^[<>≤≥~]?=?\s*\d+(?:[.,]\d+)?\s*(?:%|-\s*\d+(?:[.,]\d+)?\s*%|–\s*\d+(?:[.,]\d+)?\s*%)$"
)
_RANGE_NO_SIGN = re.compile(r"^\d+(?:\.\d+)?\s*[-–]\s*\d+(?:\.\d+)?$")
_INTENSITY = re.compile(r"^(?:[0-3]\+?|[1-3]\+\s*(?:/|-|to)\s*[1-3]\+)$")
_FUSION_SEP = re.compile(r"\s*(?:::|[-/–:>]|\s+)\s*")
_PROTEIN = re.compile(
    r"^(?:p\.)?\(?(?:[A-Z](?:[a-z]{2})?)\d+(?:[A-Z](?:[a-z]{2})?|\*|X|fs\*?\d*|del|dup|ins\w*|"
    r"_\w+|=)\)?$"
)
_CDNA = re.compile(r"^c\.[\d_+\-*]+[ACGTacgt]*(?:>[ACGTacgt]+|del\w*|dup\w*|ins\w*)?$")
_CNA_SHORTHAND = re.compile(r"^[-+−](?:\d{1,2}|x|y)(?:[pq]\d*(?:\.\d+)?)?$", re.IGNORECASE)
_CYTO = re.compile(r"\b(\d{1,2}|x|y)([pq])(\d+(?:\.\d+)?)?\b", re.IGNORECASE)


def looks_like_fusion(text: str) -> bool:
    """True for 'TPM3::ALK', 'TPM3-ALK', 'ALK/TPM3', 'ETV6 NTRK3' with gene-shaped parts."""
    if "::" in text:
        return True
    parts = [p for p in _FUSION_SEP.split(text.strip()) if p]
    if len(parts) != 2 or text.count("-") > 2:
        # "NKX2-1-ALK" style ambiguity: accept when any split gives two known genes.
        return _two_known_genes_by_hyphen(text)
    return all(is_gene_symbol(p) for p in parts) and any(p in KNOWN_GENES for p in parts)


def _two_known_genes_by_hyphen(text: str) -> bool:
    t = text.strip()
    for i, ch in enumerate(t):
        if ch == "-" and t[:i] in KNOWN_GENES and t[i + 1 :] in KNOWN_GENES:
            return True
    return False


def split_list_cell(value: Any) -> list[str]:
    """Split a cell holding several items ('H1047R; E545K', '22q loss, -19') into parts.

    Only separators that never occur inside one fusion, variant or CNA token are used:
    semicolon, comma, newline and ' and '.
    """
    text = clean_text(value) if not isinstance(value, str) else value.replace("\r", "\n")
    if "(" in text:  # never inside brackets: "t(2;5)(p23;q35)", "EML4::ALK (E13;A20)"
        text = _protect_brackets(text)
        parts = re.split(r"\s*(?:;|,|\n|\band\b)\s*", text)
        return [p.strip().translate(_UNPROTECT) for p in parts if p and p.strip()]
    parts = re.split(r"\s*(?:;|,|\n|\band\b)\s*", text)
    return [p.strip() for p in parts if p and p.strip()]


#: Separators inside brackets are swapped for private-use characters while splitting.
_PROTECT = str.maketrans({";": "\ue000", ",": "\ue001", "\n": "\ue002"})
_UNPROTECT = str.maketrans({"\ue000": ";", "\ue001": ",", "\ue002": "\n"})


def _protect_brackets(text: str) -> str:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                out.append(text[start:i])
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(text[start:i + 1].translate(_PROTECT))
                start = i + 1
    out.append(text[start:] if depth == 0 else text[start:].translate(_PROTECT))
    return "".join(out)


def cell_kind(value: Any) -> str:
    """Coarse kind of one cell, for choosing between column interpretations.

    Returns one of ``blank``, ``not_tested``, ``negative``, ``positive``, ``percent``,
    ``intensity``, ``fusion``, ``protein``, ``cna``, ``recist``, ``status``, ``number``,
    ``date``, ``text``; blank cells return ``"blank"``.
    """
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "status"
    if isinstance(value, (datetime, date, time, timedelta)):
        return "date"
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return "blank"
        if value in (0, 1):
            return "status"
        return "number"
    text = clean_text(value)
    if not text:
        return "blank"
    low = text.casefold()
    if low in NOT_TESTED_TOKENS:
        return "not_tested"
    if low in RECIST_TOKENS and text.isupper():
        return "recist"
    if low in NEGATIVE_TOKENS:
        return "negative"
    if _PERCENT.match(text):
        return "percent"
    if _INTENSITY.match(text) and "+" in text:
        return "intensity"
    if _CNA_SHORTHAND.match(text) or low in CNA_WORDS or _is_cna_phrase(low):
        return "cna"
    if looks_like_fusion(text):
        return "fusion"
    if _PROTEIN.match(text) or _CDNA.match(text):
        return "protein"
    if low in POSITIVE_TOKENS:
        return "positive"
    if low in RECIST_TOKENS:
        return "recist"
    if low in STATUS_TOKENS:
        return "status"
    try:
        float(text.replace(",", "."))
        return "number"
    except ValueError:
        pass
    if _RANGE_NO_SIGN.match(text):
        return "percent"
    if low.endswith(("rearranged", "rearrangement", "fusion")):
        return "fusion"
    return "text"


def _is_cna_phrase(low: str) -> bool:
    words = set(re.findall(r"[a-z]+", low))
    if not words & CNA_WORDS:
        return False
    return bool(_CYTO.search(low)) or bool(re.search(r"\b(?:chr|chromosome)\s*\d", low)) or (
        len(words) <= 2 and bool(re.search(r"[+\-−]\d", low))
    ) or bool(re.search(r"\b(?:monosomy|trisomy)\s*\d", low))


def value_profile(values: Iterable[Any]) -> Counter[str]:
    """Counts of ``cell_kind`` over non-blank cells."""
    counts: Counter[str] = Counter()
    for v in values:
        kind = cell_kind(v)
        if kind != "blank":
            counts[kind] += 1
    return counts


def numbers_in(values: Iterable[Any]) -> list[float]:
    """Plain numbers among the cells (numeric cells or numeric text), for range checks."""
    out: list[float] = []
    for v in values:
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            if v == v:
                out.append(float(v))
            continue
        if isinstance(v, str):
            try:
                out.append(float(clean_text(v).replace(",", ".")))
            except ValueError:
                continue
    return out


def cell_is_blank(value: Any) -> bool:
    """True for an empty cell (None, empty or whitespace-only text)."""
    if type(value) is str and value[:1].isalnum():
        return False  # the usual cell, decided without normalising its text
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and (not value or not _clean_str(value))


def cell_is_not_tested(value: Any) -> bool:
    """True for cells that say the assay was not done ('not done', 'n/a', 'failed')."""
    return not_tested_status(value) is not None


#: Not-tested words that mean the test was attempted without a result.
_FAILED_TOKENS = frozenset(
    {"failed", "fail", "insufficient", "qns", "not evaluable", "not assessable",
     "no material", "no result"}
)
#: The start of a cell saying the test gave no result, however it goes on
#: ("failed QC", "insufficient DNA", "not evaluable (too few cells)").
_NOT_TESTED_START = re.compile(
    r"^(?:(?P<failed>fail(?:ed|ure)?|qc fail\w*|test failed|insufficient|qns"
    r"|quantity not sufficient|not (?:evaluable|assessable|interpretable)|inadequate"
    r"|no (?:material|result|dna|rna|tissue|tumou?r)|too few\b)"
    r"|not ?(?:done|tested|performed|available|analy[sz]ed|sequenced|assessed|requested)"
    r"|pending|awaited|n/a|n\.a\b)", re.IGNORECASE)


def not_tested_status(value: Any) -> str | None:
    """``"failed"`` or ``"not done"`` when a cell says the test gave no result, else None.

    Any case and spacing: "Not done", "NOT  TESTED", "not-done", "N / A", "QNS",
    "failed QC", "insufficient material", "pending".  Attempted without a result
    (failed, insufficient, QNS, not evaluable) is ``failed``; the rest ``not done``.
    Either way the case is left out of that column's denominator, never negative.
    """
    if not isinstance(value, str):
        return None
    return _not_tested_text(value)


@functools.lru_cache(maxsize=4096)
def _not_tested_text(value: str) -> str | None:
    text = clean_text(value).casefold().replace("_", " ")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "not-done"
    text = re.sub(r"\s*/\s*", "/", text).strip(" .;:!")  # "n / a", "pending."
    if not text:
        return None
    if text in _FAILED_TOKENS:
        return "failed"
    if text in NOT_TESTED_TOKENS:
        return "not done"
    m = _NOT_TESTED_START.match(text)
    if m is None:
        return None
    return "failed" if m.group("failed") else "not done"


def cell_is_negative(value: Any) -> bool:
    """True for cells that say tested and nothing found ('none', 'neg', 'wt', 0)."""
    if isinstance(value, bool):
        return value is False
    if isinstance(value, (int, float)):
        return value == 0
    return isinstance(value, str) and clean_text(value).casefold() in NEGATIVE_TOKENS
