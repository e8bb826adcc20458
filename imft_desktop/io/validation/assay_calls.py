"""Assay names and statuses, yes/no, IHC/FISH calls and IHC intensity or staining words.

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    raw_text,
)
from imft_desktop.model.vocab import (
    AssayCall,
    AssayStatus,
    SequencingAssay,
)


def _vocab(
    table: dict[str, str], allowed: str
) -> Callable[[Any], Parsed]:
    def parse(raw: Any) -> Parsed:
        if is_empty(raw):
            return EMPTY
        if isinstance(raw, DATE_TYPES):
            return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
        text, _look, _ws = clean_text(raw_text(raw) or "")
        key = " ".join(text.casefold().replace("_", " ").split())
        if key in table:
            value = table[key]
            notes = () if value == text else (Note("VOCAB_NORMALISED", value),)
            return Parsed(value, notes)
        cat = missing_category(text)
        if cat is not None:
            return missing_parsed(text, cat)
        return Parsed(None, (Note("VOCAB_UNKNOWN", detail=allowed),))

    return parse


_ASSAYS: dict[str, str] = {}
for _a, _names in {
    SequencingAssay.WGS: ("wgs", "whole genome", "whole genome sequencing",
                          "whole-genome sequencing", "genome"),
    SequencingAssay.WES: ("wes", "exome", "whole exome", "whole exome sequencing",
                          "whole-exome sequencing"),
    SequencingAssay.RNA_FUSION_PANEL: ("rna fusion panel", "fusion panel", "rna panel",
                                       "rna-based fusion panel", "archer", "fusionplex",
                                       "archer fusionplex"),
    SequencingAssay.DNA_PANEL: ("dna panel", "gene panel", "ngs panel", "targeted panel",
                                "panel"),
    SequencingAssay.RNA_SEQ: ("rna-seq", "rnaseq", "rna seq", "transcriptome",
                              "whole transcriptome"),
    SequencingAssay.SNP_ARRAY: ("snp array", "snp-array", "snparray", "cytoscan", "oncoscan",
                                "low-pass wgs", "lpwgs", "shallow wgs", "methylation array",
                                "cnv array", "array cgh", "acgh"),
    SequencingAssay.NOT_STATED: ("assay not stated", "not stated"),
}.items():
    for _n in _names:
        _ASSAYS[_n] = str(_a)

parse_assay = _vocab(_ASSAYS, ", ".join(str(a) for a in SequencingAssay))

_STATUS: dict[str, str] = {}
for _s, _names in {
    AssayStatus.DONE: ("done", "yes", "y", "ok", "success", "successful", "completed",
                       "complete", "passed", "pass", "performed", "1", "true"),
    AssayStatus.FAILED: ("failed", "fail", "qc fail", "qc failed", "failure",
                         "insufficient", "no result"),
    AssayStatus.NOT_DONE: ("not done", "no", "n", "nd", "not performed", "0", "false",
                           "not tested"),
}.items():
    for _n in _names:
        _STATUS[_n] = str(_s)

parse_status = _vocab(_STATUS, ", ".join(str(s) for s in AssayStatus))

_BOOL = {
    "yes": True, "y": True, "true": True, "ja": True, "j": True, "oui": True, "si": True,
    "sí": True, "x": True, "1": True, "pos": True, "positive": True, "+": True,
    "no": False, "n": False, "false": False, "nein": False, "non": False, "0": False,
    "neg": False, "negative": False,
}


def parse_bool(raw: Any) -> Parsed:
    """Yes/no in the spellings sheets use (``TRUE``, ``ja``, ``x``, ``1``)."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, bool):
        return Parsed(raw)
    text, _l, _w = clean_text(raw_text(raw) or "")
    key = text.casefold()
    if key in _BOOL:
        value = _BOOL[key]
        notes = () if key in {"true", "false"} else (Note("BOOL_NORMALISED", value),)
        return Parsed(value, notes)
    cat = missing_category(text)
    if cat is not None:
        return missing_parsed(text, cat)
    return Parsed(None, (Note("BOOL_INVALID"),))


_CALLS: dict[str, str] = {}
for _c, _names in {
    AssayCall.POSITIVE: ("positive", "pos", "pos.", "+", "++", "+++", "yes", "detected",
                         "rearranged", "split", "present", "amplified", "p",
                         "rearrangement detected", "break-apart positive", "expressed",
                         "overexpressed", "weakly positive", "strongly positive",
                         "moderately positive", "y", "1", "true"),
    AssayCall.NEGATIVE: ("negative", "neg", "neg.", "no", "not detected", "absent",
                         "not rearranged", "wild type", "wt", "0", "no rearrangement",
                         "no rearrangement detected", "rearrangement not detected",
                         "no split", "no break", "no staining", "unstained", "not expressed",
                         "no expression", "loss of expression", "n", "false"),
    AssayCall.EQUIVOCAL: ("equivocal", "borderline", "eq", "indeterminate", "+/-",
                          "doubtful"),
    AssayCall.NOT_EVALUABLE: ("not evaluable", "ne", "n.e.", "inevaluable", "unevaluable",
                              "inconclusive", "failed", "insufficient",
                              "insufficient material", "no result"),
}.items():
    for _n in _names:
        _CALLS[_n] = str(_c)


def parse_call(raw: Any) -> Parsed:
    """Assay call; 'not done' (and every missing token) means not tested, never negative."""
    if is_empty(raw):
        return Parsed(str(AssayCall.NOT_TESTED))
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    if isinstance(raw, bool):
        value = str(AssayCall.POSITIVE if raw else AssayCall.NEGATIVE)
        return Parsed(value, (Note("VOCAB_NORMALISED", value),))
    text, _l, _w = clean_text(raw_text(raw) or "")
    key = " ".join(text.casefold().split())
    if key in _CALLS:
        value = _CALLS[key]
        return Parsed(value, () if value == text else (Note("VOCAB_NORMALISED", value),))
    described = _call_from_description(key)
    if described is not None:
        return described
    lead = _CALL_WITH_DETAIL_RE.match(key)
    if lead and lead.group(1) in _CALLS and _CALLS[lead.group(1)] in _DEFINITE:
        value = _CALLS[lead.group(1)]
        return Parsed(value, (Note("VOCAB_NORMALISED", value),))
    if key in _DASH:
        # A lone dash beside "+" calls means negative in pathology tables, but some labs
        # write it for "not done": a guess that changes counts, so a warning.
        value = str(AssayCall.NEGATIVE)
        return Parsed(value, (Note("CALL_DASH_NEGATIVE", value),))
    cat = missing_category(text)
    if cat == "not done":
        return Parsed(str(AssayCall.NOT_TESTED), (Note("CALL_NOT_DONE"),), missing=cat)
    if cat == "not evaluable":
        value = str(AssayCall.NOT_EVALUABLE)
        return Parsed(value, (Note("VOCAB_NORMALISED", value),), missing=cat)
    if cat is not None:
        value = str(AssayCall.NOT_TESTED)
        return Parsed(value, (Note("VALUE_MISSING_TOKEN", f"{cat}, not tested"),), missing=cat)
    return Parsed(None, (Note("VOCAB_UNKNOWN", detail=", ".join(str(c) for c in AssayCall)),))


#: "positive (35%)", "negative, 4%", "positive (D5F3)": a call word, then a detail.
_CALL_WITH_DETAIL_RE = re.compile(r"^([a-z.+]+(?: [a-z]+)?)\s*(?:\(.*\)|[,;:]\s*.+)$")
_DEFINITE = {str(AssayCall.POSITIVE), str(AssayCall.NEGATIVE), str(AssayCall.EQUIVOCAL)}
_DASH = {"-", "−", "–", "—"}


_INTENSITY_WORDS = {"negative": 0, "neg": 0, "none": 0, "weak": 1, "moderate": 2,
                    "strong": 3, "intense": 3}
_INTENSITY_RE = re.compile(r"^([0-9])\s*(\+*)(?:\s*\((.*)\))?$")
_PERCENT_CALL_RE = re.compile(
    r"^([<>~≤≥]?)\s*(\d+(?:\.\d+)?)\s*(?:(?:-|to)\s*(\d+(?:\.\d+)?))?\s*%$"
)
#: Words describing how a stain looks; any staining of tumour cells reads as positive
#: (ALK IHC convention), always as a WARNING so the user checks it against their rule.
_STAINING_WORDS = {"focal", "patchy", "diffuse", "heterogeneous", "granular", "membranous",
                   "cytoplasmic", "nuclear", "weak", "moderate", "strong", "intense"}


_PERCENT_INTENSITY_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*%\s*,?\s*([0-3])\s*\+*$")
#: FISH read-outs that mean a break-apart rearrangement.
_FISH_SIGNAL_WORDS = {"isolated 3'", "isolated 3' signal", "isolated 3' signals",
                      "split signal", "split signals", "split apart", "break apart",
                      "break-apart"}


def _call_from_description(key: str) -> Parsed | None:
    """A call column holding an intensity ("3+"), a percentage ("<1%") or a pattern."""
    m = _INTENSITY_RE.match(key)
    if m and (m.group(2) or m.group(1) == "0") and int(m.group(1)) <= 3:
        grade = int(m.group(1))
        value = str(AssayCall.POSITIVE if grade > 0 else AssayCall.NEGATIVE)
        return Parsed(value, (Note("CALL_FROM_INTENSITY", value),),
                      extra=(("intensity", f"{grade}+" if grade else "0"),))
    m = _PERCENT_CALL_RE.match(key)
    if m:
        op, low = m.group(1), float(m.group(2))
        stained = not (op in ("<", "≤") and low <= 1) and low > 0
        value = str(AssayCall.POSITIVE if stained else AssayCall.NEGATIVE)
        return Parsed(value, (Note("CALL_FROM_DESCRIPTION", value,
                                   detail="from the percentage of stained cells"),))
    m = _PERCENT_INTENSITY_RE.match(key)
    if m:  # "80% 3+": stained cells and intensity
        grade = int(m.group(2))
        value = str(AssayCall.POSITIVE if grade > 0 and float(m.group(1)) > 0
                    else AssayCall.NEGATIVE)
        return Parsed(value, (Note("CALL_FROM_INTENSITY", value),),
                      extra=(("intensity", f"{grade}+" if grade else "0"),))
    if key in _FISH_SIGNAL_WORDS:
        value = str(AssayCall.POSITIVE)
        return Parsed(value, (Note("CALL_FROM_DESCRIPTION", value,
                                   detail="break-apart signal pattern described"),))
    words = set(key.replace(",", " ").split())
    if words and words <= _STAINING_WORDS | {"staining", "stain", "and", "positive"}:
        value = str(AssayCall.POSITIVE)
        return Parsed(value, (Note("CALL_FROM_DESCRIPTION", value,
                                   detail="staining described"),))
    return None


def parse_intensity(raw: Any) -> Parsed:
    """IHC staining intensity 0, 1+, 2+, 3+ (``strong`` -> 3+); 4+ is out of range."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    if isinstance(raw, bool):
        return Parsed(None, (Note("VOCAB_UNKNOWN", detail="0, 1+, 2+, 3+"),))
    if isinstance(raw, (int, float)):
        if not float(raw).is_integer():
            return Parsed(None, (Note("NUMBER_NOT_INTEGER"),))
        level, text = int(raw), None
    else:
        text, _l, _w = clean_text(str(raw))
        key = text.casefold()
        cat = missing_category(text)
        if key in _INTENSITY_WORDS:
            level = _INTENSITY_WORDS[key]
        elif m := _INTENSITY_RE.match(text):
            level = int(m.group(1))
        elif cat is not None:
            return missing_parsed(text, cat)
        else:
            return Parsed(None, (Note("VOCAB_UNKNOWN", detail="0, 1+, 2+, 3+"),))
    if not 0 <= level <= 3:
        return Parsed(None, (Note("VALUE_OUT_OF_RANGE", detail="0-3+"),))
    value = "0" if level == 0 else f"{level}+"
    notes = () if text == value else (Note("VOCAB_NORMALISED", value),)
    return Parsed(value, notes)
