"""Meanings a user can give a value in the value dictionary, per kind of column.

Each choice is a word the program's own vocabulary reads unambiguously (``"not
tested"``, ``"neutral"``, ``"wt"``), so a chosen meaning goes through exactly the same
rules as a built-in one: the mapping stage puts a ``ChosenMeaning`` in place of each
cell holding the value, and the validator reads the word while keeping the cell's text.
Choices are saved per column in the mapping profile, keyed by ``value_key``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from imft_desktop.io.mapping.targets import Target, parse_target
from imft_desktop.io.mapping.vocab import clean_text
from imft_desktop.io.read.records import ChosenMeaning


@dataclass(frozen=True)
class Meaning:
    """One choice: the word the program reads and how it is shown."""

    token: str
    label: str


NOT_TESTED = Meaning("not tested", "not tested (left out of the denominator)")
MISSING = Meaning("unknown", "missing (left out)")

_CHOICES: dict[str, tuple[Meaning, ...]] = {
    "call": (Meaning("positive", "positive"), Meaning("negative", "negative (tested)"),
             Meaning("equivocal", "equivocal"), Meaning("not evaluable", "not evaluable"),
             NOT_TESTED),
    "fusion": (Meaning("negative", "no fusion (tested)"), NOT_TESTED),
    "variant": (Meaning("mut", "mutated (change not given)"),
                Meaning("wt", "no mutation (tested)"), NOT_TESTED),
    "copy number": (Meaning("neutral", "no change (tested)"), Meaning("loss", "loss"),
                    Meaning("gain", "gain"), Meaning("amplification", "amplification"),
                    Meaning("deep deletion", "deep deletion"), NOT_TESTED),
    "copy number list": (Meaning("none", "no change (tested)"), NOT_TESTED),
    "response": (Meaning("CR", "CR (complete response)"), Meaning("PR", "PR (partial response)"),
                 Meaning("SD", "SD (stable disease)"), Meaning("PD", "PD (progressive disease)"),
                 Meaning("NE", "NE (not evaluable)"), Meaning("not done", "not assessed")),
    "event": (Meaning("1", "event (progressed or died)"), Meaning("0", "censored"), MISSING),
    "status": (Meaning("done", "done"), Meaning("not done", "not done"),
               Meaning("failed", "failed")),
    "sex": (Meaning("F", "female"), Meaning("M", "male"), MISSING),
    "value": (NOT_TESTED,),
    "clinical": (MISSING,),
}


def column_kind(target: Target | str) -> str:
    """The kind of column, which decides the meanings offered (a key of ``_CHOICES``)."""
    t = parse_target(target) if isinstance(target, str) else target
    if t.field == "call":
        return "call"
    if t.table == "fusions":
        return "fusion"
    if t.table == "variants":
        return "variant"
    if t.table == "cn_calls":
        return "copy number list" if t.field == "list" else "copy number"
    if t.field == "best_response":
        return "response"
    if t.field.endswith("_event"):
        return "event"
    if t.table == "sequencing":
        return "status"
    if t.field == "sex":
        return "sex"
    if t.table in ("ihc", "fish"):
        return "value"
    return "clinical"


def choices_for(target: Target | str) -> tuple[Meaning, ...]:
    """The meanings a user may give a value of a column mapped to ``target``."""
    return _CHOICES[column_kind(target)]


def meaning_label(target: Target | str, token: str) -> str:
    """How a chosen token is shown ("not tested (left out of the denominator)")."""
    return next((m.label for m in choices_for(target) if m.token == token), token)


def value_key(value: Any) -> str:
    """The key a chosen meaning is saved under: the cell's text, case- and space-folded
    ("No  Loss" and "no loss" are one value to the user)."""
    if isinstance(value, ChosenMeaning):
        value = value.text
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    cleaned = clean_text(text)
    return " ".join(cleaned.casefold().split())


def check_meanings(target: str, meanings: Mapping[str, str]) -> list[str]:
    """Problems with saved meanings for a column (a token not offered for its kind)."""
    allowed = {m.token for m in choices_for(target)}
    return [f'"{token}" is not a meaning for this column (value "{key}")'
            for key, token in meanings.items() if token not in allowed]


def apply_meanings(values: list[Any], target: str, meanings: Mapping[str, str]) -> list[Any]:
    """``values`` with every cell whose ``value_key`` has a chosen meaning wrapped in a
    ``ChosenMeaning``; decided once per distinct cell."""
    if not meanings:
        return values
    wrapped: dict[Any, Any] = {}
    for v in dict.fromkeys(v for v in values if v is not None):
        token = meanings.get(value_key(v))
        if token is not None:
            text = v if isinstance(v, str) else str(v)
            wrapped[v] = ChosenMeaning(token, text, meaning_label(target, token))
    if not wrapped:
        return values
    return [wrapped.get(v, v) if v is not None else v for v in values]


def unwrap(value: Any) -> Any:
    """The word a cell is read as (the chosen token for a ``ChosenMeaning``)."""
    return value.value if isinstance(value, ChosenMeaning) else value
