"""Text pieces shared by the analysis sub-commands' human output."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable
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


def print_report(report: Any, as_json: bool, human: Callable[[], str],
                 default: Callable[[Any], Any] | None = None) -> int:
    """Print ``report`` as indented JSON (``--json``, the scripting contract) or as the
    text ``human()`` renders; returns exit code 0."""
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=default))
    else:
        print(human())
    return 0


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


def run_study(args: Any, name: str, compute: Callable[[Any], Any],
              to_json: Callable[[Any, Any], dict[str, Any]],
              human: Callable[[Any, dict[str, Any]], str],
              errors: tuple[type[Exception], ...]) -> int:
    """An analysis sub-command: open the cohort, run its study, print the ``--json``
    report or the text.  ``compute(cohort)`` runs the study, ``to_json(study, cohort)``
    and ``human(study, report)`` render it.  Exit codes: 0 done, 1 the study cannot be
    done on this cohort (``errors``; the message says why), 2 an unreadable file."""
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, name)
    if failed is not None:
        return failed
    try:
        study = compute(cohort)
    except errors as exc:
        print(f"imft {name}: {exc}", file=sys.stderr)
        return 1
    report = to_json(study, cohort)
    return print_report(report, args.json, lambda: human(study, report))
