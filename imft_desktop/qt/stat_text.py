"""Numbers and p values as the analysis tabs show them (one wording everywhere)."""

from __future__ import annotations

import math


def fmt_number(x: float | None, digits: int = 3) -> str:
    """``digits`` significant digits; ``NA`` for missing, ``∞`` for an infinite value."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA" if x is None or x != x else "∞"
    return f"{x:.{digits}g}"


def fmt_p(p: float | None) -> str:
    """``0.0072``, ``< 0.0001`` or ``NA``."""
    if p is None:
        return "NA"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


def p_equals(p: float | None) -> str:
    """Text such as ``p = 0.0072`` or ``p < 0.0001`` (never ``p = < 0.0001``)."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
