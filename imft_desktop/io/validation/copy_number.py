"""Chromosomes, copy-number events (loss, gain, amplification...) and regions (arms,
bands, karyotype shorthand, monosomy/trisomy).

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import re
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
from imft_desktop.io.validation.fusions_variants import SYMBOL_CI_RE, canonical_symbol
from imft_desktop.model.vocab import (
    CnaEvent,
    RegionKind,
)

CHROMOSOMES = (*tuple(str(i) for i in range(1, 23)), "X", "Y")
_CHROMS = frozenset(CHROMOSOMES)


def parse_chrom(raw: Any) -> Parsed:
    """Chromosome name -> ``1``..``22``, ``X``, ``Y`` (``chr`` prefix dropped)."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (DATE_TYPES, bool)):
        return Parsed(None, (Note("CHROM_INVALID"),))
    if isinstance(raw, (int, float)):
        if not float(raw).is_integer():
            return Parsed(None, (Note("CHROM_INVALID"),))
        text = str(int(raw))
        return Parsed(text) if text in _CHROMS else Parsed(None, (Note("CHROM_INVALID"),))
    text, _l, _w = clean_text(str(raw))
    name = re.sub(r"^chr(?:omosome)?\s*", "", text, flags=re.IGNORECASE).upper()
    if name in _CHROMS:
        return Parsed(name, () if name == text else (Note("CHROM_NORMALISED", name),))
    return Parsed(None, (Note("CHROM_INVALID"),))


_EVENT_WORDS: dict[str, str] = {}
for _ev, _names in {
    CnaEvent.LOSS: ("loss", "lost", "del", "deletion", "deleted", "monosomy", "shallow deletion",
                    "hetloss", "heterozygous deletion", "-1", "-"),
    CnaEvent.GAIN: ("gain", "gained", "dup", "duplication", "trisomy", "tetrasomy", "polysomy",
                    "1", "+"),
    CnaEvent.AMPLIFICATION: ("amplification", "amp", "amplified", "2", "high-level gain",
                             "high level gain"),
    CnaEvent.DEEP_DELETION: ("deep deletion", "homdel", "hom del", "homozygous deletion",
                             "deep del", "-2", "biallelic loss"),
    CnaEvent.NEUTRAL: ("neutral", "normal", "none", "0", "no change"),
}.items():
    for _n in _names:
        _EVENT_WORDS[_n] = str(_ev)


def parse_cna_event(raw: Any) -> Parsed:
    """CNA event word (or cBioPortal discrete -2..2) -> ``CnaEvent`` value."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (DATE_TYPES, bool)):
        return Parsed(None, (Note("VOCAB_UNKNOWN", detail=", ".join(map(str, CnaEvent))),))
    text, _l, _w = clean_text(raw_text(raw) or "")
    key = " ".join(text.casefold().split())
    if key in _EVENT_WORDS:
        value = _EVENT_WORDS[key]
        return Parsed(value, () if value == text else (Note("VOCAB_NORMALISED", value),))
    shorthand = _KARYOTYPE_RE.match(key)
    if shorthand:
        value = str(CnaEvent.GAIN if shorthand.group(1) == "+" else CnaEvent.LOSS)
        return Parsed(value, (Note("CNA_KARYOTYPE_SHORTHAND", value),))
    cat = missing_category(text)
    if cat is not None and key != "-":
        return missing_parsed(text, cat)
    return Parsed(None, (Note("VOCAB_UNKNOWN", detail=", ".join(map(str, CnaEvent))),))


#: "-19", "+7", "-22q" in a column that already names the region.
_KARYOTYPE_RE = re.compile(r"^([+-])\s*(?:chr)?(\d{1,2}|x|y)([pq])?$")


_ARM_RE = re.compile(r"^(?:chr)?(\d{1,2}|X|Y)([pq])$", re.IGNORECASE)
_CHR_RE = re.compile(r"^(?:chr)?(\d{1,2}|X|Y)$", re.IGNORECASE)
_BAND_RE = re.compile(r"^(?:chr)?(\d{1,2}|X|Y)([pq])(\d+(?:\.\d+)?)(?:-[pq]?\d+(?:\.\d+)?)?$",
                      re.IGNORECASE)
_KARYO_RE = re.compile(r"^([+-])\s*(\w+)$")
_WRAPPED_RE = re.compile(r"^(del|dup|amp|gain|loss)\s*\(\s*([^)]+)\s*\)$", re.IGNORECASE)
_SOMY_RE = re.compile(r"^(monosomy|trisomy|tetrasomy|nullisomy)\s*(?:of\s*)?(?:chr(?:omosome)?\s*)?"
                      r"(\w+)$", re.IGNORECASE)


def _region(text: str) -> tuple[str, str] | None:
    """(normalised region, RegionKind) or None when ``text`` is no valid region."""
    if m := _ARM_RE.match(text):
        chrom = m.group(1).upper()
        return (chrom + m.group(2).lower(), str(RegionKind.ARM)) if chrom in _CHROMS else None
    if m := _CHR_RE.match(text):
        chrom = m.group(1).upper()
        return (chrom, str(RegionKind.CHROMOSOME)) if chrom in _CHROMS else None
    if m := _BAND_RE.match(text):
        chrom = m.group(1).upper()
        if chrom not in _CHROMS:
            return None
        return chrom + text[m.start(2)].lower() + text[m.start(2) + 1:], str(RegionKind.FOCAL)
    if text[:1].isalpha() and SYMBOL_CI_RE.match(text) and not re.match(
        r"^chr", text, re.IGNORECASE
    ):
        return canonical_symbol(text), str(RegionKind.GENE)
    return None


def parse_region(raw: Any) -> Parsed:
    """Copy-number region, optionally with its event (``22q loss``, ``-19``, ``+7``).

    The value is the region (``22q``, ``19``, ``9p21.3``, ``CDKN2A``); ``extra`` holds
    ``region_kind`` and, when the cell names one, ``region_event``.
    """
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (DATE_TYPES, bool)):
        return Parsed(None, (Note("CNA_INVALID_REGION"),))
    if isinstance(raw, (int, float)):
        if not float(raw).is_integer():
            return Parsed(None, (Note("CNA_INVALID_REGION"),))
        n = int(raw)
        reg = _region(str(abs(n)))
        if reg is None:
            return Parsed(None, (Note("CNA_INVALID_REGION"),))
        if n < 0:  # "-19" typed in Excel: the sign survived
            return Parsed(reg[0], (Note("CNA_NORMALISED", f"{reg[0]} loss"),),
                          (("region_kind", reg[1]), ("region_event", str(CnaEvent.LOSS)),
                           ("region_numeric", True)))
        return Parsed(reg[0], (), (("region_kind", reg[1]), ("region_numeric", True)))
    text, _l, _w = clean_text(str(raw))
    if not text:
        return EMPTY
    cat = missing_category(text)
    if cat is not None and text != "-":
        return missing_parsed(text, cat)
    event: str | None = None
    body = text
    if m := _KARYO_RE.match(text):
        event = str(CnaEvent.GAIN if m.group(1) == "+" else CnaEvent.LOSS)
        body = m.group(2)
    elif m := _WRAPPED_RE.match(text):
        event = _EVENT_WORDS.get(m.group(1).casefold())
        body = m.group(2)
    elif m := _SOMY_RE.match(text):
        word = m.group(1).casefold()
        event = str(CnaEvent.LOSS if word in {"monosomy", "nullisomy"} else CnaEvent.GAIN)
        body = m.group(2)
        if not _CHR_RE.match(body):
            return Parsed(None, (Note("CNA_INVALID_REGION"),))
    else:
        tokens = text.split()
        if len(tokens) >= 2:
            tail = " ".join(tokens[1:]).casefold()
            head = " ".join(tokens[:-1]).casefold()
            if tail in _EVENT_WORDS:
                event, body = _EVENT_WORDS[tail], tokens[0]
            elif head in _EVENT_WORDS:
                event, body = _EVENT_WORDS[head], tokens[-1]
            else:
                return Parsed(None, (Note("CNA_INVALID_REGION"),))
    reg = _region(body)
    if reg is None:
        return Parsed(None, (Note("CNA_INVALID_REGION"),))
    region, kind = reg
    extra: tuple[tuple[str, Any], ...] = (("region_kind", kind),)
    notes: tuple[Note, ...] = ()
    if event is not None:
        extra += (("region_event", event),)
        notes = (Note("CNA_NORMALISED", f"{region} {event}"),)
    elif region != text:
        notes = (Note("CNA_NORMALISED", region),)
    return Parsed(region, notes, extra)
