"""The settings of one validation run, shared by the per-table and cross-table checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imft_desktop.io.validation.value_memo import ParsedColumn, ValueMemo
from imft_desktop.model.progress import Progress
from imft_desktop.model.vocab import DEFAULT_FISH_THRESHOLD_PERCENT


@dataclass
class ValidationContext:
    """Settings of one validation run.

    Attributes
    ----------
    fish_threshold:
        FISH positivity threshold in % chosen by the user; overrides the Study sheet's.
    event_mapping:
        Explicit coding of event columns, e.g. ``{"yes": 1, "no": 0}`` or
        ``{"1": 0, "2": 1}`` (R's Surv coding); keys compare case-insensitively.
    include_hidden_rows:
        When False, records on rows hidden in Excel are stored but excluded.
    decimal_comma:
        Accept ``7,5`` as 7.5 (declared by the user).
    date_system:
        ``"1900"`` or ``"1904"`` (the workbook's epoch) for serial dates.
    reported_missing:
        ``(file, sheet, field)`` of required columns already reported missing by the
        sheet reader, so they are not reported twice.
    progress:
        Receives progress per table and is checked for cancellation.
    memo:
        Per-parser memo of parsed distinct values, shared by the columns of one run.
    columns:
        Per shared parser, the columns parsed last (reused for a column with the same
        cells).
    """

    fish_threshold: float | None = None
    event_mapping: dict[str, int] | None = None
    include_hidden_rows: bool = True
    decimal_comma: bool = False
    date_system: str = "1900"
    reported_missing: set[tuple[str, str, str]] = field(default_factory=set)
    progress: Progress | None = None
    memo: dict[Any, ValueMemo] = field(default_factory=dict)
    columns: dict[Any, list[ParsedColumn]] = field(default_factory=dict)


def effective_fish_threshold(study: dict[str, str], ctx: ValidationContext) -> float:
    """User's threshold, else the Study sheet's, else 15%."""
    if ctx.fish_threshold is not None:
        return float(ctx.fish_threshold)
    try:
        return float(study.get("fish_threshold", DEFAULT_FISH_THRESHOLD_PERCENT))
    except ValueError:
        return DEFAULT_FISH_THRESHOLD_PERCENT
