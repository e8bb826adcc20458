"""``imft survival FILE --by GROUPING``: Kaplan-Meier, log-rank and Cox for one grouping.

``--by`` takes an alteration label as ``imft summary`` prints it, a sheet column by its
header (``"ALK status"``), ``column>value`` for a numeric cut-off, an assay call
(``"ALK IHC"``), or two of these joined by AND / OR.  The endpoint is PFS (default), OS,
or any ``--time`` / ``--event`` column pair.  Exit codes: 0 done, 1 the analysis could
not be done (unknown grouping or column, ambiguous event coding), 2 unreadable file or
wrong call.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from imft_desktop.cli.text import analysis_footer, json_safe, run_study
from imft_desktop.model.text import plural

NAME = "survival"
HELP = "Kaplan-Meier, log-rank test and Cox hazard ratio for one grouping."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from imft_desktop.cli.cmd_validate import add_import_arguments

    add_import_arguments(parser)
    parser.add_argument("--by", required=True, metavar="GROUPING",
                        help="alteration label, sheet column, 'column>value', 'ALK IHC', "
                        "or 'A AND B' / 'A OR B'")
    parser.add_argument("--endpoint", default=None, metavar="PFS|OS",
                        help="PFS (default) or OS")
    parser.add_argument("--time", metavar="COL", help="time column (instead of --endpoint)")
    parser.add_argument("--event", metavar="COL", help="event column (1 = event)")
    parser.add_argument("--event-value", metavar="VALUE",
                        help="raw value meaning 'event' in --event (e.g. 2 for R's 1/2)")
    parser.add_argument("--unit", default=None, metavar="UNIT",
                        help="show times in days, weeks, months or years (default: the "
                        "unit of the sheet's time column)")
    parser.add_argument("--ci-transform", choices=("log", "log-log"), default="log",
                        help="KM confidence-interval transform (default log, as R)")
    parser.add_argument("--reference", metavar="GROUP", help="reference group for the HR")
    parser.add_argument("--at", metavar="T1,T2", help="also report survival at these times")
    parser.add_argument("--firth", action="store_true",
                        help="Firth-penalised Cox (finite HR under separation)")
    parser.add_argument("--permutation", action="store_true",
                        help="add a permutation (exact when small) log-rank p")
    parser.add_argument("--adjust", metavar="COL,...",
                        help="multivariable Cox adjusted for these groupings or numeric "
                        "columns (comma-separated)")
    parser.add_argument("--min-events", type=int, default=1, metavar="N",
                        help="suppress an HR when a group has fewer events (default 1)")


def options_from_args(args: argparse.Namespace) -> Any:
    """The survival study's options from the command line (a wrong call: ``ValueError``,
    exit code 2)."""
    from imft_desktop.analysis.survival_study import SurvivalOptions
    from imft_desktop.model.time_units import normalise_unit

    if args.unit and normalise_unit(args.unit) is None:
        raise ValueError(f"--unit: {args.unit!r} should be days, weeks, months or years")
    if args.time or args.event:
        if not (args.time and args.event):
            raise ValueError("--time and --event go together")
        if args.endpoint:
            raise ValueError("give either --endpoint or --time/--event")
    adjust = tuple(a.strip() for a in (getattr(args, "adjust", None) or "").split(",")
                   if a.strip())
    return SurvivalOptions(
        endpoint=args.endpoint or "auto", grouping=args.by, reference=args.reference,
        unit=args.unit, ci_transform=args.ci_transform, firth=args.firth,
        permutation=args.permutation, adjust=adjust,
        landmarks=tuple(_times(args.at)) if args.at else (), min_events=args.min_events,
        time_column=args.time, event_column=args.event, event_value=args.event_value,
    )


def analyse(cohort: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Run the survival study and return the ``--json`` report (the CLI's contract)."""
    from imft_desktop.analysis.survival_study import survival_study

    return study_json(survival_study(cohort, options_from_args(args)))


def _terms(cox: Any) -> list[dict[str, Any]]:
    return [{"level": t.level, "hr": t.hr, "ci": list(t.ci), "p": t.p,
             "not_estimable": t.not_estimable} for t in cox.terms]


def study_json(study: Any) -> dict[str, Any]:
    """The ``--json`` report of a ``SurvivalStudy``: keys are a contract for users'
    scripts (added, never renamed)."""
    from dataclasses import asdict

    endpoint, data, km = study.endpoint, study.data, study.km
    reference = data.levels[0] if data.levels else None
    groups = []
    for g in km.groups:
        entry: dict[str, Any] = {
            "label": g.label, "n": g.n, "events": g.events, "censored": g.censored,
            "median": g.median, "median_reached": g.median_reached,
            "median_ci": list(g.median_ci),
        }
        if study.options.landmarks:
            entry["survival_at"] = {
                f"{lm.time:g}": {"survival": lm.survival, "low": lm.low, "high": lm.high}
                for lm in study.landmarks if lm.group == g.label
            }
        groups.append(entry)
    report: dict[str, Any] = {
        "unit": endpoint.unit,
        "endpoint": {"name": endpoint.label, "time": endpoint.time_col,
                     "event": endpoint.event_col, "unit": endpoint.unit},
        "grouping": None,
        "n": data.n,
        "groups": groups,
        "ci_transform": km.ci_transform,
        "excluded": {
            "count": len(data.excluded),
            "by_reason": data.excluded_counts(),
            "samples": [[s, r] for s, r in data.excluded],
        },
        "notes": list(study.notes),
        "warnings": list(study.warnings),
        "methods": list(study.methods),
        "title": study.title,
        "exploratory": study.options.exploratory,
    }
    if study.grouping is not None:
        g = study.grouping
        report["grouping"] = {"name": g.name, "kind": g.kind, "description": g.description,
                              "levels": list(data.levels), "reference": reference}
    lr, cox = study.logrank, study.cox
    if lr is not None:
        report["test"] = lr.test
        report["logrank"] = {"statistic": lr.statistic, "df": lr.df, "p": lr.p,
                             "sided": lr.sided, "not_testable": lr.not_testable,
                             "expected": lr.expected}
    if cox is not None:
        first = cox.terms[0] if cox.terms else None
        report["cox"] = {
            "hr": first.hr if first else None,
            "ci": list(first.ci) if first else [None, None],
            "p": first.p if first else None,
            "reference": reference,
            "level": first.level if first else None,
            "not_estimable": (first.not_estimable if first else None) or cox.not_estimable,
            "ties": cox.ties,
            "penalised": cox.penalised,
            "terms": _terms(cox),
            "ph_test": cox.ph_test,
            "n": cox.n,
            "events": cox.events,
        }
    if study.adjusted is not None:
        adj = study.adjusted
        report["cox_adjusted"] = {
            "n": adj.n, "events": adj.events, "not_estimable": adj.not_estimable,
            "terms": [{"term": t.term, "level": t.level, "reference": t.reference,
                       "hr": t.hr, "ci": list(t.ci), "p": t.p,
                       "not_estimable": t.not_estimable} for t in adj.terms],
            "ph_test": adj.ph_test, "warnings": adj.warnings,
            "method": "multivariable " + adj.method,
        }
    if study.pairwise is not None:
        report["pairwise"] = {"rows": [asdict(r) for r in study.pairwise.rows],
                              "correction": study.pairwise.correction}
    if study.trend is not None:
        tr = study.trend
        report["trend"] = {"statistic": tr.statistic, "df": tr.df, "p": tr.p,
                           "not_testable": tr.not_testable}
    if study.permutation is not None:
        perm = study.permutation
        report["permutation"] = {"statistic": perm.statistic, "p": perm.p,
                                 "not_testable": perm.not_testable}
    return json_safe(report)


def _times(text: str) -> list[float]:
    try:
        return [float(t) for t in text.split(",") if t.strip()]
    except ValueError as exc:
        raise ValueError(f"--at: {text!r} should be numbers separated by commas") from exc


def human(study: Any) -> str:
    """The study as text: the same rows and sentences as the Survival tab and the report
    (``reports.survival_text``)."""
    from imft_desktop.reports import survival_text as words

    header = words.group_header(study)
    rows = words.group_rows(study)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [f"{study.title}  ({plural(study.n, 'patient')}; unit {study.unit})", ""]
    for row in (header, *rows):
        cells = [f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  " + "  ".join(cells).rstrip())
    lines.append("")
    lines += words.statistic_lines(study)
    lines += analysis_footer(study_json(study))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.analysis.groupings import EventCodingError, GroupingError
    from imft_desktop.analysis.survival_study import survival_study

    try:
        options = options_from_args(args)
    except ValueError as exc:  # a wrong call
        print(f"imft {NAME}: {exc}", file=sys.stderr)
        return 2
    return run_study(args, NAME, lambda cohort: survival_study(cohort, options),
                     lambda study, _cohort: study_json(study),
                     lambda study, _report: human(study), (GroupingError, EventCodingError))
