"""What the validator reads in a value, in words: the value dictionary's built-in meanings.

The meaning comes from the very parser that reads the column during validation
(``tables.parse_distinct``), so the dictionary can never say one thing while the import
does another.
"""

from __future__ import annotations

from typing import Any

from imft_desktop.io.read.records import RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.cells import Parsed
from imft_desktop.io.validation.context import ValidationContext
from imft_desktop.io.validation.tables import parse_distinct
from imft_desktop.model.schema import TABLES_BY_NAME
from imft_desktop.model.value_dictionary import AS_WRITTEN, BUILT_IN, UNKNOWN
from imft_desktop.model.vocab import AssayCall, CnaEvent, Level

_WORDS = {
    str(CnaEvent.NEUTRAL): "no change (tested)",
    str(AssayCall.NOT_TESTED): "not tested",
    str(AssayCall.NEGATIVE): "negative (tested)",
}


_EVENT_WORDS = {"1": "event (progressed or died)", "0": "censored"}
_RECIST_WORDS = {"CR": "CR (complete response)", "PR": "PR (partial response)",
                 "SD": "SD (stable disease)", "PD": "PD (progressive disease)",
                 "NE": "NE (not evaluable)"}


def describe_cells(
    rt: RawTable, field_name: str, cells: list[Any], ctx: ValidationContext
) -> dict[Any, tuple[str, str, str]]:
    """``cell -> (meaning, source, note)`` for each distinct cell, as field
    ``field_name`` of ``rt`` reads it; ``source`` is a ``model.value_dictionary`` source
    and ``note`` the first caution (a warning's message), or ``""``."""
    kind = TABLES_BY_NAME[rt.table].field(field_name).kind
    return {cell: _describe(cell, parsed, kind)
            for cell, parsed in parse_distinct(rt, field_name, cells, ctx).items()}


def _describe(cell: Any, parsed: Parsed, kind: str) -> tuple[str, str, str]:
    levels = [(codes.level_of(n.code), n) for n in parsed.notes]
    errors = [n for lvl, n in levels if lvl is Level.ERROR]
    warnings = [n for lvl, n in levels if lvl is Level.WARNING]
    text = str(cell)
    if errors:
        return "not understood", UNKNOWN, _message(errors[0], text)
    infos = [n for lvl, n in levels if lvl is Level.INFO]
    # A warning always shows; a normalisation shows when it says more than the meaning
    # ("range 10-20, midpoint used").
    shown = warnings or [n for n in infos if n.detail]
    note = _message(shown[0], text) if shown else ""
    if parsed.value is None:
        if any(n.code == "PROTEIN_NOT_GIVEN" for n in parsed.notes):
            return "mutated (change not given)", BUILT_IN, note
        meaning = f"missing ({parsed.missing})" if parsed.missing else "missing"
        return meaning, BUILT_IN, note
    value = parsed.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind == "event":
        meaning = _EVENT_WORDS.get(str(value), str(value))
    elif kind == "recist":
        meaning = _RECIST_WORDS.get(str(value), str(value))
    else:
        meaning = _WORDS.get(str(value), str(value))
    extra = dict(parsed.extra)
    if "event" in extra and extra["event"] is not None:
        meaning = f"{meaning} {extra['event']}"
    if isinstance(value, str) and value.startswith("p."):
        meaning = f"mutated: {value}"
    literal = str(value) == text.strip() and not parsed.notes
    return meaning, AS_WRITTEN if literal else BUILT_IN, note


def _message(note: Any, text: str) -> str:
    try:
        return codes.make(note.code, value=text, normalised=note.normalised,
                          detail=note.detail or "").message
    except (KeyError, IndexError, ValueError):  # a template needing a field we lack
        return note.code
