"""Chromosomes, copy-number events (loss, gain, amplification...) and regions (arms,
bands, karyotype shorthand, monosomy/trisomy).

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
# The words pathologists and cytogeneticists write in a copy-number column, by event.
# "Retained", "no loss", "disomic" and the like are tested-and-normal (neutral), never
# missing: they enter the region's denominator.
for _ev, _names in {
    CnaEvent.LOSS: ("loss", "lost", "del", "del.", "deletion", "deleted", "monosomy",
                    "shallow deletion", "hetloss", "heterozygous deletion", "heterozygous loss",
                    "hemizygous deletion", "hemizygous loss", "monoallelic loss",
                    "monoallelic deletion", "partial loss", "arm loss", "copy loss",
                    "copy number loss", "-1", "-"),
    CnaEvent.GAIN: ("gain", "gained", "dup", "duplication", "trisomy", "tetrasomy", "polysomy",
                    "copy gain", "copy number gain", "low-level gain", "low level gain",
                    "extra copy", "1", "+"),
    CnaEvent.AMPLIFICATION: ("amplification", "amp", "amplified", "2", "high-level gain",
                             "high level gain", "high-level amplification",
                             "focal amplification"),
    CnaEvent.DEEP_DELETION: ("deep deletion", "homdel", "hom del", "homozygous deletion",
                             "deep del", "-2", "biallelic loss", "biallelic deletion",
                             "homozygous loss"),
    CnaEvent.NEUTRAL: ("neutral", "normal", "none", "0", "no change", "copy neutral",
                       "copy-neutral", "retained", "retention", "no loss", "not lost",
                       "no gain", "not gained", "no deletion", "not deleted",
                       "no amplification", "not amplified", "disomic", "disomy", "diploid",
                       "intact", "balanced", "preserved", "no imbalance", "no cna", "no cnv",
                       "no copy number change", "no copy number alteration",
                       "normal copy number", "wt", "wild type", "wildtype", "negative",
                       "neg", "not detected", "absent", "no"),
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


#: A cell naming its region as well as the event: "22q loss", "loss of 22q", "19 monosomy",
#: "monosomy 19", "del(22q)", "22q-loss".
_REGION_FIRST_RE = re.compile(r"^(?:chr(?:omosome)?\s*)?(\S+?)\s*[-: ]\s*(.+)$", re.IGNORECASE)
_REGION_LAST_RE = re.compile(
    r"^(.+?)\s+(?:of\s+)?(?:chr(?:omosome)?\s*)?(\S+)$", re.IGNORECASE)
_REGION_WRAPPED_RE = re.compile(r"^(del|dup|amp|gain|loss)\s*\(\s*([^)]+?)\s*\)$",
                                re.IGNORECASE)


_REGION_SIGN_RE = re.compile(r"^(?:chr)?(\d{1,2}|x|y)([pq])?\s*([+-])$", re.IGNORECASE)


def _event_with_region(text: str) -> tuple[str, str] | None:
    """(region text, event) when ``text`` names a region and a known event word."""
    if m := _REGION_SIGN_RE.match(text):  # "22q-", "7+"
        return m.group(1) + (m.group(2) or ""), str(
            CnaEvent.GAIN if m.group(3) == "+" else CnaEvent.LOSS)
    for rx, reg, ev in ((_REGION_WRAPPED_RE, 2, 1), (_REGION_FIRST_RE, 1, 2),
                        (_REGION_LAST_RE, 2, 1)):
        m = rx.match(text)
        if not m:
            continue
        event = _EVENT_WORDS.get(" ".join(m.group(ev).casefold().split()))
        if event is not None and _region(m.group(reg)) is not None:
            return m.group(reg), event
    return None


def cna_event_parser_for(region: str) -> Callable[[Any], Parsed]:
    """``parse_cna_event`` for a column that already names ``region`` ("22q").

    A cell that repeats the region ("22q loss", "loss of 22q", "monosomy 19" in a
    chromosome 19 column) is read as the event; a cell naming another region is an
    error (it would otherwise be counted for the column's region).
    """
    own = _region(region)

    def parse(raw: Any) -> Parsed:
        parsed = parse_cna_event(raw)
        if parsed.value is not None or not isinstance(raw, str) or own is None:
            return parsed
        text, _l, _w = clean_text(raw)
        found = _event_with_region(" ".join(text.split()))
        if found is None:
            return parsed
        named, event = found
        theirs = _region(named)
        # A whole-chromosome event covers the column's arm ("monosomy 22" in a 22q column).
        whole = (theirs is not None and theirs[1] == str(RegionKind.CHROMOSOME)
                 and own[1] == str(RegionKind.ARM) and own[0][:-1] == theirs[0])
        if theirs != own and not whole:
            return Parsed(None, (Note("CNA_REGION_OTHER", detail=own[0]),))
        return Parsed(event, (Note("VOCAB_NORMALISED", event),))

    return parse
