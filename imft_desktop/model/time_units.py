"""Time units of survival times: reading them from headers, converting, labelling.

The canonical outcome fields (``pfs_months``, ``os_months``, ``time_on_treatment_months``)
store months, whatever unit the sheet used; the importer records the sheet's unit in
``Cohort.study`` (``time_unit:pfs_months = days``) so that results are shown in the unit
the user wrote (``source_unit``) or in one the user asks for (``convert``).  A month is
365.25 / 12 = 30.4375 days, a year 365.25 days, a week 7 days.

No Qt, no pandas requirement beyond accepting array-likes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from imft_desktop.model.vocab import DAYS_PER_MONTH

if TYPE_CHECKING:  # numpy loads on the first conversion: the window starts without it
    import numpy as np

#: The units a time can be shown in, shortest first.
TIME_UNITS: tuple[str, ...] = ("days", "weeks", "months", "years")

#: Length of one unit in days.
DAYS_PER: dict[str, float] = {
    "days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH, "years": 365.25,
}

#: The unit the canonical time fields are stored in.
STORAGE_UNIT = "months"

#: Spellings of each unit in a header (casefolded, dots removed).  "m" alone is
#: months (clinical usage; minutes never occur in survival sheets).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "days": ("d", "day", "days", "dy", "dys", "dd", "tage", "jours", "dias", "días", "giorni"),
    "weeks": ("w", "wk", "wks", "week", "weeks", "wochen", "semaines", "semanas"),
    "months": ("m", "mo", "mos", "mon", "mons", "mth", "mths", "month", "months", "mnths",
               "monate", "mois", "meses", "mesi"),
    "years": ("y", "yr", "yrs", "year", "years", "yy", "jahre", "ans", "anos", "años",
              "anni"),
}
_UNIT_OF_WORD: dict[str, str] = {w: u for u, ws in _SPELLINGS.items() for w in ws}

#: Single-letter spellings are taken only in brackets or as the last word of a longer
#: header ("PFS (d)", "PFS_d", "OS m"); inside a phrase "d" or "m" is too ambiguous.
_SHORT = {w for w in _UNIT_OF_WORD if len(w) == 1}
_BRACKETS = re.compile(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)

#: Landmark times (for "survival at t") that read naturally in each unit.
LANDMARKS: dict[str, tuple[float, ...]] = {
    "days": (90.0, 180.0, 365.0, 730.0),
    "weeks": (12.0, 26.0, 52.0, 104.0),
    "months": (6.0, 12.0, 24.0, 36.0),
    "years": (1.0, 2.0, 3.0, 5.0),
}


def normalise_unit(text: Any) -> str | None:
    """``"days"``/``"weeks"``/``"months"``/``"years"`` for any spelling, else ``None``.

    Accepts the canonical names and every header spelling ("Mo.", "wks", "YEARS").
    """
    if text is None:
        return None
    key = str(text).strip().casefold().rstrip(".")
    return _UNIT_OF_WORD.get(key)


def unit_in_header(header: str) -> str | None:
    """The time unit a header states, or ``None`` when it states none.

    Looks in brackets first ("PFS (days)", "OS [mo]"), then at whole words
    ("Survival time days", "PFS_weeks", "OS in months").  Letters alone ("d", "m")
    count only in brackets or as the last word of a longer header ("PFS_d", "OS m").
    """
    text = str(header or "")
    for inner in _BRACKETS.findall(text):
        for word in _WORDS.findall(inner.casefold()):
            unit = _UNIT_OF_WORD.get(word)
            if unit:
                return unit
    outside = _BRACKETS.sub(" ", text).casefold()
    words = _WORDS.findall(outside.replace("_", " "))
    for i, word in enumerate(words):
        if word in _SHORT:
            if i == len(words) - 1 and len(words) > 1:
                return _UNIT_OF_WORD[word]
            continue
        unit = _UNIT_OF_WORD.get(word)
        if unit:
            return unit
    return None


def factor(from_unit: str, to_unit: str) -> float:
    """Multiply a time in ``from_unit`` by this to get it in ``to_unit``."""
    return DAYS_PER[from_unit] / DAYS_PER[to_unit]


def convert(values: Any, from_unit: str, to_unit: str) -> Any:
    """``values`` (a number, array or Series) converted between units.

    The result keeps 12 significant digits, so that a round trip through the stored
    months (365 days -> 11.99... months -> 365 days) gives the user's number back
    exactly; no survival time has more precision than that.
    """
    import numpy as np

    if from_unit == to_unit:
        return values
    f = factor(from_unit, to_unit)
    if isinstance(values, (int, float)):
        return float(_round_significant(np.asarray([float(values) * f]))[0])
    out = values * f
    out[:] = _round_significant(np.asarray(out, dtype=float))
    return out


#: Significant digits kept by ``convert`` (float noise sits near the 16th).
SIGNIFICANT = 12


def _round_significant(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to ``SIGNIFICANT`` significant digits (NaN and inf unchanged)."""
    import numpy as np

    finite = np.isfinite(x) & (x != 0)
    mag = np.zeros_like(x)
    mag[finite] = np.floor(np.log10(np.abs(x[finite])))
    decimals = np.clip(SIGNIFICANT - 1 - mag, -300, 300)
    scale = np.power(10.0, decimals)
    return np.where(finite, np.round(x * scale) / scale, x)


def singular(unit: str) -> str:
    """``"month"`` for ``"months"`` (for "12-month PFS")."""
    return unit[:-1] if unit.endswith("s") else unit


def landmark_label(t: float, unit: str, endpoint: str) -> str:
    """``"12-month PFS"``, ``"365-day PFS"``, ``"2-year OS"``."""
    return f"{t:g}-{singular(unit)} {endpoint}"


def default_landmark(unit: str) -> float:
    """The landmark shown first: 12 months, 365 days, 52 weeks, 1 year."""
    return {"days": 365.0, "weeks": 52.0, "months": 12.0, "years": 1.0}[unit]


def study_key(field: str) -> str:
    """Key of ``Cohort.study`` that records a time field's sheet unit."""
    return f"time_unit:{field}"


def source_unit(study: Mapping[str, str], field: str) -> str:
    """The unit a time field was written in on the sheet (months when not recorded)."""
    return normalise_unit(study.get(study_key(field))) or STORAGE_UNIT


def unit_of_column(study: Mapping[str, str], column: str, header: str | None = None) -> str:
    """Unit of a column used as a time: the recorded unit of a canonical time field,
    else the unit its header states, else months."""
    if column.endswith("_months"):
        return source_unit(study, column)
    return unit_in_header(header or column) or STORAGE_UNIT


#: Axis tick steps that read naturally in each unit, smallest first.
_TICK_STEPS: dict[str, tuple[float, ...]] = {
    "days": (7.0, 30.0, 90.0, 180.0, 365.0, 730.0),
    "weeks": (1.0, 4.0, 13.0, 26.0, 52.0, 104.0),
    "months": (1.0, 3.0, 6.0, 12.0, 24.0, 60.0),
    "years": (0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
}


def tick_step(unit: str, span: float, most: int = 10) -> float | None:
    """The smallest natural step (6 months, 90 days, 26 weeks, 1 year ...) that puts at
    most ``most`` ticks over ``span``; ``None`` for an unknown unit or an empty span."""
    steps = _TICK_STEPS.get(unit)
    if not steps or not span > 0:
        return None
    return next((s for s in steps if span / s <= most), steps[-1] * math.ceil(
        span / (steps[-1] * most)))


def in_sheet_unit(values: Any, study: Mapping[str, str], field: str) -> tuple[Any, str]:
    """A stored time field's values (months) in the unit the sheet wrote them, and that
    unit: what a per-patient table or case sheet shows ("PFS (days)")."""
    unit = source_unit(study, field)
    return convert(values, STORAGE_UNIT, unit), unit
