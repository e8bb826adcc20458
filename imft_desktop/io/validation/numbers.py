"""Numbers with units, qualifiers (<1%, ~5) and ranges (10-20%), and dates (Excel serials of
either date system, ISO and text dates).

Part of the value parsers (see ``values``): a parser never raises on bad input; it
returns a ``Parsed`` whose notes name the finding codes to report.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from imft_desktop.io.validation.cells import (
    DATE_TYPES,
    EMPTY,
    Note,
    Parsed,
    Parser,
    clean_text,
    is_empty,
    missing_category,
    missing_parsed,
)
from imft_desktop.model.vocab import (
    DAYS_PER_MONTH,
)

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUM_RE = re.compile(rf"^{_NUM}$")
_COMMA_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$|^[+-]?\d+,\d+$")
_QUAL_RE = re.compile(
    rf"^(<=|>=|≤|≥|<|>|~|≈|ca\.?|approx\.?|about)\s*({_NUM})\s*(%?)$", re.IGNORECASE
)
_RANGE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*%?\s*(?:-|to)\s*(\d+(?:\.\d+)?)\s*(%?)$")
_UNIT_RE = re.compile(rf"^({_NUM})\s*([A-Za-z]+\.?)$")

#: Unit tokens -> (family, factor to the family's base unit).  Base: days for time.
UNITS: dict[str, tuple[str, float]] = {}
_names: tuple[str, ...]
for _names, _fam, _factor in (
    (("d", "day", "days", "dy"), "time", 1.0),
    (("w", "wk", "wks", "week", "weeks"), "time", 7.0),
    (("m", "mo", "mos", "mth", "mths", "month", "months"), "time", DAYS_PER_MONTH),
    (("y", "yr", "yrs", "year", "years", "a"), "time", 365.25),
):
    for _n in _names:
        UNITS[_n] = (_fam, _factor)
_FIELD_UNIT_DAYS = {"months": DAYS_PER_MONTH, "days": 1.0, "years": 365.25, "weeks": 7.0}


def _fmt(x: float) -> str:
    return f"{x:.4g}" if not float(x).is_integer() else str(int(x))


@dataclass(frozen=True, slots=True)
class NumberRules:
    """Per-column number settings (fixed per column, so parsing stays memoisable)."""

    unit: str | None = None  # "months", "years", "%", ...
    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    percent: bool = False
    decimal_comma: bool = False
    source_unit: str | None = None  # the whole column is in this unit (e.g. "days")


def _range_note(value: float, rules: NumberRules) -> Note | None:
    if (rules.lo is not None and value < rules.lo) or (rules.hi is not None and value > rules.hi):
        lo = "" if rules.lo is None else _fmt(rules.lo)
        hi = "" if rules.hi is None else _fmt(rules.hi)
        return Note("VALUE_OUT_OF_RANGE", detail=f"{lo}-{hi}" if hi else f"at least {lo}")
    return None


def parse_number(raw: Any, rules: NumberRules = NumberRules()) -> Parsed:
    """A measurement: plain, qualified (``<1%``), a range (``5-10%``) or with a unit."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, bool):
        return Parsed(None, (Note("NUMBER_INVALID"),))
    if isinstance(raw, DATE_TYPES):
        return Parsed(None, (Note("DATE_IN_NON_DATE_COLUMN"),))
    notes: tuple[Note, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    if isinstance(raw, (int, float)):
        value = float(raw)
        if rules.source_unit and rules.unit and rules.source_unit != rules.unit:
            src = _FIELD_UNIT_DAYS.get(rules.source_unit)
            dst = _FIELD_UNIT_DAYS.get(rules.unit)
            if src is not None and dst is not None:
                value = value * src / dst  # unrounded: results go back to the sheet unit
    else:
        text, lookalike, _ws = clean_text(str(raw))
        if not text:
            return EMPTY
        cat = missing_category(text)
        if cat is not None:
            return missing_parsed(text, cat)
        if lookalike:
            notes += (Note("UNICODE_NORMALISED", text),)
        plain = text[:-1].rstrip() if rules.percent and text.endswith("%") else text
        if _NUM_RE.match(plain):
            value = float(plain)
            if rules.source_unit and rules.unit and rules.source_unit != rules.unit:
                src = _FIELD_UNIT_DAYS.get(rules.source_unit)
                dst = _FIELD_UNIT_DAYS.get(rules.unit)
                if src is not None and dst is not None:
                    value = value * src / dst  # unrounded: results go back to the sheet unit
        elif "," in plain and _COMMA_RE.match(plain):
            if not rules.decimal_comma:
                return Parsed(None, (Note("NUMBER_DECIMAL_COMMA"),))
            value = float(plain.replace(".", "").replace(",", "."))
            notes += (Note("NUMBER_DECIMAL_COMMA_READ", _fmt(value)),)
        elif m := _QUAL_RE.match(text):
            op = {"≤": "<=", "≥": ">="}.get(m.group(1), m.group(1).lower().rstrip("."))
            op = "~" if op in {"≈", "ca", "approx", "about"} else op
            if m.group(3) and not rules.percent:
                return Parsed(None, (Note("NUMBER_INVALID"),))
            value = float(m.group(2))
            extra = (("qualifier", op),)
            notes += (Note("NUMBER_QUALIFIED", _fmt(value), detail=f"qualifier {op}"),)
        elif (m := _RANGE_RE.match(text)) and (rules.percent or not (m.group(3))):
            low, high = float(m.group(1)), float(m.group(2))
            if low > high:
                return Parsed(None, (Note("NUMBER_INVALID"),))
            value = (low + high) / 2
            extra = (("qualifier", f"{_fmt(low)}-{_fmt(high)}"),)
            notes += (  # a number the sheet does not hold: a WARNING, never a note
                Note("NUMBER_RANGE", _fmt(value), detail=f"range {_fmt(low)}-{_fmt(high)}, "
                     "midpoint used"),
            )
        elif m := _UNIT_RE.match(text):
            unit = UNITS.get(m.group(2).lower().rstrip("."))
            target = _FIELD_UNIT_DAYS.get(rules.unit or "")
            if unit is None or target is None:
                return Parsed(None, (Note("UNIT_UNKNOWN", detail=f"unit {rules.unit or 'none'}"),))
            value = float(m.group(1)) * unit[1] / target
            notes += (
                Note("UNIT_CONVERTED", _fmt(round(value, 4)),
                     detail=f"{m.group(2)} to {rules.unit}, 30.4375 days per month"),
            )
            value = round(value, 6)
        else:
            return Parsed(None, (Note("NUMBER_INVALID"),))
    if math.isnan(value) or math.isinf(value):
        return Parsed(None, (Note("NUMBER_INVALID"),))
    bad = _range_note(value, rules)
    if bad is not None:
        return Parsed(None, (bad,))
    if rules.integer:
        if not value.is_integer():
            return Parsed(None, (Note("NUMBER_NOT_INTEGER"),))
        return Parsed(int(value), notes, extra)
    return Parsed(value, notes, extra)



_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def make_date_parser(date_system: str = "1900") -> Parser:
    """Date column parser; Excel day numbers are converted with the workbook's epoch."""
    epoch = datetime(1904, 1, 1) if date_system == "1904" else datetime(1899, 12, 30)

    def parse(raw: Any) -> Parsed:
        if is_empty(raw):
            return EMPTY
        if isinstance(raw, datetime):
            return Parsed(raw.date())
        if isinstance(raw, date):
            return Parsed(raw)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if 1 <= raw < 2958466:
                d = (epoch + timedelta(days=float(raw))).date()
                return Parsed(d, (Note("DATE_FROM_SERIAL", d.isoformat()),))
            return Parsed(None, (Note("DATE_INVALID"),))
        text, _l, _w = clean_text(str(raw))
        if m := _ISO_DATE_RE.match(text):
            try:
                return Parsed(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                return Parsed(None, (Note("DATE_INVALID"),))
        cat = missing_category(text)
        if cat is not None:
            return missing_parsed(text, cat)
        return Parsed(None, (Note("DATE_INVALID"),))

    return parse
