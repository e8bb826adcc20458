"""Outcomes: RECIST best response and progression/death event tokens (0/1, yes/no,
"1:PROGRESSED").

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
from imft_desktop.model.vocab import (
    Recist,
)

_RECIST: dict[str, tuple[str, str]] = {}
for _r, _names in {
    Recist.CR: ("cr", "complete response", "complete remission", "icr", "ccr"),
    Recist.PR: ("pr", "partial response", "partial remission", "ipr", "cpr"),
    Recist.SD: ("sd", "stable disease", "stable", "isd"),
    Recist.PD: ("pd", "progressive disease", "progression", "progressive", "icpd"),
    Recist.NE: ("ne", "n.e.", "n.e", "not evaluable", "inevaluable", "unevaluable",
                "non evaluable", "not evaluated"),
}.items():
    for _n in _names:
        _RECIST[_n] = (str(_r), "")
_RECIST.update({
    "upr": (str(Recist.PR), " (unconfirmed partial response)"),
    "unconfirmed pr": (str(Recist.PR), " (unconfirmed partial response)"),
    "ucr": (str(Recist.CR), " (unconfirmed complete response)"),
    "iupd": (str(Recist.PD), " (iRECIST unconfirmed progression)"),
    "pd (clinical)": (str(Recist.PD), " (clinical progression)"),
    "clinical pd": (str(Recist.PD), " (clinical progression)"),
    "clinical progression": (str(Recist.PD), " (clinical progression)"),
})
_SD_DURATION_RE = re.compile(r"^sd\s*[<>≥≤]=?\s*\d+\s*(m|mo|months?|w|wk|weeks?)?$")


_CONFIRMED_RE = re.compile(r"^([a-z]{2,3})\s*(?:\(\s*(?:un)?confirmed\s*\)|,\s*(?:un)?confirmed)$")


def parse_recist(raw: Any) -> Parsed:
    """RECIST 1.1 best overall response; variants mapped, unknown words are errors."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    text, _l, _w = clean_text(raw_text(raw) or "")
    key = " ".join(text.casefold().split())
    hit = _RECIST.get(key)
    if hit is None and (m := _CONFIRMED_RE.match(key)):  # "PR (confirmed)", "PR, unconfirmed"
        hit = _RECIST.get(m.group(1))
    if hit is None and _SD_DURATION_RE.match(key):
        hit = (str(Recist.SD), f" ({text})")
    if hit is not None:
        value, detail = hit
        notes = () if value == text else (Note("RECIST_NORMALISED", value, detail=detail),)
        return Parsed(value, notes)
    cat = missing_category(text)
    if cat is not None and cat != "not evaluable":
        return missing_parsed(text, cat)
    return Parsed(None, (Note("RECIST_UNKNOWN"),))



_EVENT_PREFIX_RE = re.compile(r"^([01])\s*:\s*[A-Za-z][A-Za-z /_-]*$")


def event_token(raw: Any) -> tuple[int | None, str | None, Parsed | None]:
    """First pass over an event cell.

    Returns ``(code, token, parsed)``: ``code`` 0/1 for clean or prefixed values,
    ``token`` the casefolded text for anything else (resolved per column, because
    ``1`` means censored in a column coded 1/2), ``parsed`` a final result for empty,
    missing or prefixed cells.
    """
    if is_empty(raw):
        return None, None, EMPTY
    if isinstance(raw, DATE_TYPES):
        return None, None, Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    if isinstance(raw, bool):
        return None, str(raw).casefold(), None
    if isinstance(raw, (int, float)):
        if float(raw) in (0.0, 1.0):
            return int(raw), None, None
        return None, raw_text(raw), None
    text, _l, _w = clean_text(str(raw))
    if text in {"0", "1"}:
        return int(text), None, None
    if _EVENT_PREFIX_RE.match(text):
        code = int(text[0])
        return code, None, Parsed(code, (Note("EVENT_PREFIX_NORMALISED", code),))
    cat = missing_category(text)
    if cat is not None:
        return None, None, missing_parsed(text, cat)
    return None, text.casefold(), None
