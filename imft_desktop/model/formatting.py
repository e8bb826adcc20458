"""How every view writes a number: p and q values, hazard ratios, confidence intervals,
percentages and plain statistics.

The tabs, ``imft ...`` text output, the printed report and the plot labels all call these
functions, so one statistic reads the same everywhere (issue 13).  JSON output
(``--json``) and the Excel export keep the raw numbers; only text is formatted here.

Why ``model``: it is the lowest floor, so every floor above it (``analysis`` for the
wording of its own messages, ``plotting``, ``reports``, ``cli`` and ``qt``) may import
it without bending the layer contract; the module needs nothing but ``math``, which the
model's "pandas only" contract allows.

The rules (what a statistician signs):

* **p and q values** (``format_p``): below 0.001 as ``<0.001`` (never ``0.000``);
  from 0.001 to below 0.1 with three decimals (``0.007``, ``0.065``); from 0.1 with two
  (``0.31``); above 0.99 as ``>0.99``.  A value is never rounded across 0.05 (0.0496 is
  ``0.0496``, not ``0.050``), nor up to a limit it is below (0.000999 is ``<0.001``).
  In a sentence, ``p_text`` gives ``p = 0.065`` / ``p < 0.001`` (never ``p = <0.001``).
* **Hazard ratios, odds ratios, kappa and other estimates** (``format_estimate``):
  three significant digits without exponent notation (``1.85``, ``0.543``, ``12.3``,
  ``1234``), as R's ``print.coxph`` reads.
* **Confidence intervals** (``format_ci``): both bounds as the estimate, joined by an
  en dash (``0.62–5.51``), or by ``" to "`` when a bound is negative (``-0.12 to 0.40``).
* **Percentages** (``format_percent``): one decimal with ``%``; a percentage's interval
  (``format_percent_ci``) as ``7.1–42.2%``; counts behind it (``format_count``) as
  ``5/24``.
* **Counts with their percentage** (``format_count_percent``, cohort characteristics):
  ``9 (47.4%)``, the percentage of the cell's own denominator; a count whose
  denominator is 0 is the bare ``0``.
* **Descriptive numbers** (``format_compact``: ages, medians, quartiles, ranges): at
  most one decimal, trailing zeros dropped (``55``, ``39.5``); an IQR or a range as an
  interval of them (``format_ci(q1, q3, format_compact)``: ``39.5–66``).
* **Times** (``format_time``: medians of survival and their limits) as descriptive
  numbers: ``14.2``, ``270``.
* Missing or not-a-number: ``NA`` (as R prints it); infinite: ``∞`` / ``-∞``.
"""

from __future__ import annotations

import math
from typing import Any

#: Text for a statistic that does not exist (missing, NaN).
MISSING = "NA"
#: Text for an estimate that cannot be computed from the data (kappa of constant calls).
NOT_ESTIMABLE = "not estimable"
#: Below this a p value is shown as ``<0.001``.
P_FLOOR = 0.001
#: Above this a p value is shown as ``>0.99``.
P_CEILING = 0.99


def _as_float(value: Any) -> float | None:
    """``value`` as a float, or None when missing / NaN / not a number."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def format_p(p: Any) -> str:
    """A p (or BH q) value: ``<0.001``, ``0.007``, ``0.065``, ``0.31``, ``>0.99``, ``NA``."""
    v = _as_float(p)
    if v is None:
        return MISSING
    if v < P_FLOOR:
        return f"<{P_FLOOR:g}"
    if v > P_CEILING:
        return f">{P_CEILING:g}"
    decimals = 3 if v < 0.1 else 2
    text = f"{v:.{decimals}f}"
    if v < 0.05 <= float(text):
        # Never let rounding carry a p across 0.05: the fewest extra decimals that keep
        # it below, or (0.0499999...) the value cut, not rounded, at six.
        text = next((t for d in (4, 5, 6) if float(t := f"{v:.{d}f}") < 0.05),
                    f"{math.floor(v * 1e6) / 1e6:.6f}")
    elif decimals == 3 and float(text) >= 0.1:
        text = f"{v:.2f}"  # 0.0996 -> 0.10, as values from 0.1 read
    return text


def p_text(p: Any, name: str = "p") -> str:
    """``p = 0.065``, ``p < 0.001``, ``p > 0.99`` or ``p NA``: a p value in a sentence."""
    text = format_p(p)
    if text == MISSING:
        return f"{name} {MISSING}"
    if text[0] in "<>":
        return f"{name} {text[0]} {text[1:]}"
    return f"{name} = {text}"


def format_estimate(x: Any, digits: int = 3) -> str:
    """An estimate (HR, OR, kappa, a median ...) to ``digits`` significant digits, never in
    exponent notation: ``1.85``, ``0.543``, ``12.3``, ``1234``; ``NA``, ``∞``."""
    v = _as_float(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if v == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(v, decimals):.{decimals}f}"
    if decimals and float(text) != 0 and math.floor(math.log10(abs(float(text)))) > magnitude:
        # 9.996 rounds to 10.00: one decimal fewer keeps the significant digits.
        text = f"{round(v, decimals - 1):.{decimals - 1}f}"
    return text


def format_hr(hr: Any) -> str:
    """A hazard (or odds) ratio: ``format_estimate`` with three significant digits."""
    return format_estimate(hr)


def format_ci(low: Any, high: Any, fmt: Any = None) -> str:
    """A confidence interval ``0.62–5.51`` (``-0.12 to 0.40`` when a bound is negative);
    ``fmt`` formats each bound (default ``format_estimate``); ``NA`` when both are
    missing."""
    fmt = fmt or format_estimate
    lo, hi = _as_float(low), _as_float(high)
    if lo is None and hi is None:
        return MISSING
    sep = " to " if (lo is not None and lo < 0) or (hi is not None and hi < 0) else "–"
    return f"{fmt(low)}{sep}{fmt(high)}"


def format_estimate_ci(x: Any, low: Any, high: Any, label: str = "95% CI",
                       missing: str = MISSING) -> str:
    """``1.85 (95% CI 0.62–5.51)``; the bare estimate when there is no interval;
    ``missing`` (e.g. ``"not estimable"``) when there is no estimate."""
    if _as_float(x) is None:
        return missing
    if _as_float(low) is None and _as_float(high) is None:
        return format_estimate(x)
    return f"{format_estimate(x)} ({label} {format_ci(low, high)})"


def format_percent(x: Any, decimals: int = 1) -> str:
    """A percentage (already x100): ``58.3%``; ``NA`` when missing."""
    v = _as_float(x)
    if v is None:
        return MISSING
    return f"{v:.{decimals}f}%"


def format_fixed(x: Any, decimals: int = 1) -> str:
    """A number with a fixed count of decimals (times, counts' medians): ``14.2``."""
    v = _as_float(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:.{decimals}f}"


def format_compact(x: Any, decimals: int = 1) -> str:
    """A descriptive number with at most ``decimals`` decimals and no trailing zeros:
    ``55``, ``39.5``, ``-2``; ``NA`` when missing."""
    v = _as_float(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    text = f"{v:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_time(t: Any) -> str:
    """A time (a median, a limit, a follow-up) to one decimal, whole numbers without one:
    ``14.2``, ``270``, ``1340``; ``NA`` when missing."""
    return format_compact(t, 1)


def format_percent_ci(low: Any, high: Any, decimals: int = 1) -> str:
    """The confidence interval of a percentage (bounds already x100): ``7.1–42.2%``;
    ``NA`` when both bounds are missing."""
    if _as_float(low) is None and _as_float(high) is None:
        return MISSING
    return f"{format_fixed(low, decimals)}–{format_fixed(high, decimals)}%"


def format_percent_with_ci(x: Any, low: Any, high: Any, decimals: int = 1) -> str:
    """``91.7% (61.5–99.8%)``; the bare percentage when there is no interval."""
    if _as_float(low) is None and _as_float(high) is None:
        return format_percent(x, decimals)
    return f"{format_percent(x, decimals)} ({format_percent_ci(low, high, decimals)})"


def format_count(k: Any, n: Any) -> str:
    """Samples with a finding among the samples it was looked for in: ``5/24``."""
    return f"{int(k)}/{int(n)}"


def format_count_percent(count: int, denominator: int, decimals: int = 1) -> str:
    """``9 (47.4%)``: a count and its percentage of ``denominator``; ``0`` alone when
    the denominator is 0 (no known value: there is no percentage)."""
    if not denominator:
        return str(count)
    return f"{count} ({format_percent(100.0 * count / denominator, decimals)})"
