"""Numbers and p values as the analysis tabs show them: the names the tabs import, kept
as thin aliases of ``imft_desktop.model.formatting`` (one wording in every view)."""

from __future__ import annotations

from imft_desktop.model.formatting import format_estimate, format_p, p_text


def fmt_number(x: float | None, digits: int = 3) -> str:
    """``digits`` significant digits (``model.formatting.format_estimate``)."""
    return format_estimate(x, digits)


def fmt_p(p: float | None) -> str:
    """``0.007``, ``<0.001`` or ``NA`` (``model.formatting.format_p``)."""
    return format_p(p)


def p_equals(p: float | None) -> str:
    """Text such as ``p = 0.007`` or ``p < 0.001`` (never ``p = <0.001``)."""
    return p_text(p)
