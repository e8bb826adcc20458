"""Sample and patient identifiers: plain IDs in one regex pass, ``parse_id`` for the rest,
and near-miss keys (case, spacing, leading zeros) for the cross-table checks.

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import re
from typing import Any

from imft_desktop.io.validation.cells import (
    CONTROL_RE,
    DATE_TYPES,
    EMPTY,
    INVISIBLE,
    MISSING_TOKENS,
    WHITESPACE,
    DisplayedNumber,
    Note,
    Parsed,
    clean_text,
    is_empty,
    missing_category,
    raw_text,
    reads_displayed_text,
)

_ID_ODD_RE = re.compile(r"[^A-Za-z0-9._\-()\[\]:+#/ ,;']")
_TRIGGERS = ("=", "+", "-", "@")
_PLAIN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


#: A line of joined texts that is not a plain identifier (see ``plain_ids``).
_NOT_PLAIN_ID_LINE_RE = re.compile(r"^(?![A-Za-z0-9][A-Za-z0-9._\-]*$).*$", re.MULTILINE)


def plain_ids(texts: list[str]) -> tuple[list[str], list[str]]:
    """Split texts into those ``parse_id`` returns unchanged without a note (the usual
    ``IMT-01``) and the rest, with one regex pass over the joined texts instead of a
    call per text (100,000 sample IDs: ~10 ms instead of ~0.3 s).

    ``parse_id(t) == Parsed(t)`` for every text of the first list.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holding a newline itself
        return [], list(texts)
    odd = {m.group(0) for m in _NOT_PLAIN_ID_LINE_RE.finditer(joined)}
    tokens = set(joined.casefold().split("\n")) & MISSING_TOKENS.keys()
    if tokens:
        odd.update(t for t in texts if t.casefold() in tokens)
    if not odd:
        return list(texts), []
    return [t for t in texts if t not in odd], [t for t in texts if t in odd]


@reads_displayed_text
def parse_id(raw: Any) -> Parsed:
    """Sample/patient identifier: text, never a number's lossy rendering."""
    if isinstance(raw, DisplayedNumber):
        if raw.text is not None and raw.text != raw_text(raw.value):
            if "E+" in raw.text.upper() or "E-" in raw.text.upper():
                return Parsed(None, (Note("ID_NUMBER_PRECISION"),))
            return parse_id(raw.text).with_notes(Note("ID_FROM_DISPLAY_TEXT", raw.text))
        raw = raw.value
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, (bool, DATE_TYPES)):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),)) if not isinstance(
            raw, bool
        ) else Parsed(None, (Note("ID_NUMBER_PRECISION"),))
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (not raw.is_integer() or abs(raw) >= 1e15):
            return Parsed(None, (Note("ID_NUMBER_PRECISION"),))
        if isinstance(raw, int) and abs(raw) >= 10**15:
            return Parsed(None, (Note("ID_NUMBER_PRECISION"),))
        text = str(int(raw))
        return Parsed(text, (Note("ID_FROM_NUMBER", text),))
    text = str(raw)
    if _PLAIN_ID_RE.match(text) and text.casefold() not in MISSING_TOKENS:
        return Parsed(text)  # fast path: the usual "IMT-01"
    inner = text.strip(WHITESPACE)
    if CONTROL_RE.search(inner):
        return Parsed(None, (Note("ID_CONTROL_CHAR"),))
    clean, lookalike, ws = clean_text(text)
    if not clean:
        return EMPTY
    notes: list[Note] = []
    if text.translate(INVISIBLE) != text:
        notes.append(Note("ID_NORMALISED", clean, detail="invisible characters removed"))
    elif lookalike:
        notes.append(Note("UNICODE_NORMALISED", clean))
    elif ws:
        notes.append(Note("WHITESPACE_TRIMMED", clean))
    odd = sorted(set(_ID_ODD_RE.findall(clean)))
    if clean.startswith(_TRIGGERS):
        odd = [clean[0], *odd]
    if odd:
        notes.append(Note("ID_ODD_CHARACTERS", detail=" ".join(repr(c) for c in odd)))
    cat = missing_category(clean)
    if cat is not None and clean not in {"-", "."}:
        return Parsed(None, (Note("VALUE_MISSING_TOKEN", cat),), missing=cat)
    return Parsed(clean, tuple(notes))


_NEAR_RE = re.compile(r"[^0-9a-z]+")
_LEADING_ZEROS_RE = re.compile(r"(?<![0-9])0+(?=[0-9])")


def near_key(text: str) -> str:
    """Loose key for near-miss detection: IMT-01, IMT01, imt_1 and IMT-1 share it."""
    return _LEADING_ZEROS_RE.sub("", _NEAR_RE.sub("", text.casefold()))


_NEAR_BATCH_RE = re.compile(r"[^0-9a-z\n]+")


def near_keys(texts: list[str]) -> list[str]:
    """``[near_key(t) for t in texts]``, with each regex run once over the joined texts
    (100,000 sample IDs: one C-level pass instead of 200,000 calls)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holding a newline itself
        return [near_key(t) for t in texts]
    out = _LEADING_ZEROS_RE.sub("", _NEAR_BATCH_RE.sub("", joined.casefold()))
    return out.split("\n") if texts else []
