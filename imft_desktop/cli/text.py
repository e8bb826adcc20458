"""Text pieces shared by the analysis sub-commands' human output."""

from __future__ import annotations

import contextlib
import math
from typing import Any


def json_safe(obj: Any) -> Any:
    """JSON-safe copy: numpy scalars to Python, non-finite floats to None, tuples to lists."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def analysis_footer(report: dict[str, Any]) -> list[str]:
    """Excluded records by reason, warnings, notes and the methods, as closing lines."""
    lines: list[str] = []
    exc = report["excluded"]
    if exc["count"]:
        lines.append("")
        lines.append(f"Excluded: {exc['count']} ("
                     + ", ".join(f"{k}: {v}" for k, v in exc["by_reason"].items()) + ")")
    if report["warnings"]:
        lines.append("")
        lines += [f"! {w}" for w in report["warnings"]]
    if report.get("notes"):
        lines.append("")
        lines += [f"Note: {n}" for n in report["notes"]]
    lines.append("")
    lines += [f"Method: {m}" for m in report["methods"]]
    return lines
