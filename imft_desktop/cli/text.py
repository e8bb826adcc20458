"""Text pieces shared by the analysis sub-commands' human output."""

from __future__ import annotations

from typing import Any


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
