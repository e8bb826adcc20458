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
import math
import sys
from typing import Any

from imft_desktop.cli.text import analysis_footer, json_safe, print_report
from imft_desktop.model.formatting import format_p
from imft_desktop.model.formatting import p_text as formatted_p_text
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


def fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA"
    return f"{x:.{digits}g}"


def fmt_time(x: float | None) -> str:
    """A time as written in its unit: 1340, 44.09, never 1.34e+03."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA"
    return f"{round(x, 2):g}"


def fmt_p(p: float | None) -> str:
    """A p value as every view shows it (``model.formatting.format_p``)."""
    return format_p(p)


def p_text(p: float | None) -> str:
    """``p = 0.065`` or ``p < 0.001`` (``p NA`` when there is none), as every view."""
    return "p NA" if p is None else formatted_p_text(p)


def _has_rows(cohort: Any, endpoint: Any) -> bool:
    """True when some patient has a valid time and event for ``endpoint``."""
    from imft_desktop.analysis.groupings import EventCodingError, GroupingError, endpoint_rows

    try:
        return len(endpoint_rows(cohort, endpoint)[0]) > 0
    except (GroupingError, EventCodingError):
        return False


def endpoint_from_args(args: argparse.Namespace, cohort: Any = None) -> Any:
    from imft_desktop.analysis.groupings import Endpoint, resolve_endpoint

    if args.time or args.event:
        if not (args.time and args.event):
            raise ValueError("--time and --event go together")
        if args.endpoint:
            raise ValueError("give either --endpoint or --time/--event")
        return Endpoint(args.time, args.event, "months", args.time, args.event_value)
    ep = resolve_endpoint(args.endpoint or "PFS")
    if not args.endpoint and cohort is not None and not _has_rows(cohort, ep):
        os_ep = resolve_endpoint("OS")  # as the Survival tab: PFS when there is one, else OS
        ep = os_ep if _has_rows(cohort, os_ep) else ep
    if args.event_value:
        ep = Endpoint(ep.time_col, ep.event_col, ep.unit, ep.name, args.event_value)
    return ep


def analyse(cohort: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Run the analyses and return the ``--json`` report (the CLI's contract)."""
    from imft_desktop.analysis.cox import cox_univariable
    from imft_desktop.analysis.groupings import (
        GroupingError,
        in_unit,
        resolve_grouping,
        stored_unit,
        survival_data,
    )
    from imft_desktop.analysis.survival import (
        kaplan_meier,
        logrank,
        logrank_trend,
        pairwise_logrank,
        permutation_logrank,
    )
    from imft_desktop.analysis.time_display import time_methods
    from imft_desktop.model.time_units import normalise_unit

    if args.unit and normalise_unit(args.unit) is None:  # a wrong call: exit code 2
        raise ValueError(f"--unit: {args.unit!r} should be days, weeks, months or years")
    endpoint = endpoint_from_args(args, cohort)
    notes: list[str] = []
    if stored_unit(cohort, endpoint) is None:
        notes.append(f"{endpoint.time_col!r} states no time unit: read as "
                     f"{args.unit or endpoint.unit}" + ("" if args.unit else
                                                        " (give --unit to say)"))
    endpoint = in_unit(cohort, endpoint, args.unit)
    grouping = resolve_grouping(cohort, args.by)
    if args.reference:
        grouping = grouping.with_reference(args.reference)
    data = survival_data(cohort, endpoint, grouping)
    if data.n == 0:
        reasons = ", ".join(f"{k}: {v}" for k, v in data.excluded_counts().items())
        raise GroupingError(f"no patient has a valid {endpoint.label} time and event "
                            f"({reasons or 'no rows'})")
    km = kaplan_meier(data, args.ci_transform)
    lr = logrank(data)
    cox = cox_univariable(data, min_events=args.min_events, firth=args.firth)
    warnings = list(dict.fromkeys(lr.warnings + cox.warnings
                                  + [w for g in km.groups for w in g.warnings]))
    methods = [km.method, lr.method, cox.method, *time_methods(cohort, endpoint)]
    groups = []
    for g in km.groups:
        entry: dict[str, Any] = {
            "label": g.label, "n": g.n, "events": g.events, "censored": g.censored,
            "median": g.median, "median_reached": g.median_reached,
            "median_ci": list(g.median_ci),
        }
        if args.at:
            entry["survival_at"] = {
                str(t): dict(zip(("survival", "low", "high"), g.survival_at(t)))
                for t in _times(args.at)
            }
        groups.append(entry)
    first = cox.terms[0] if cox.terms else None
    cox_out: dict[str, Any] = {
        "hr": first.hr if first else None,
        "ci": list(first.ci) if first else [None, None],
        "p": first.p if first else None,
        "reference": data.levels[0],
        "level": first.level if first else None,
        "not_estimable": (first.not_estimable if first else None) or cox.not_estimable,
        "ties": cox.ties,
        "penalised": cox.penalised,
        "terms": [
            {"level": t.level, "hr": t.hr, "ci": list(t.ci), "p": t.p,
             "not_estimable": t.not_estimable}
            for t in cox.terms
        ],
        "ph_test": cox.ph_test,
    }
    report: dict[str, Any] = {
        "unit": endpoint.unit,
        "endpoint": {"name": endpoint.label, "time": endpoint.time_col,
                     "event": endpoint.event_col, "unit": endpoint.unit},
        "grouping": {"name": grouping.name, "kind": grouping.kind,
                     "description": grouping.description, "levels": list(data.levels),
                     "reference": data.levels[0]},
        "n": data.n,
        "groups": groups,
        "test": lr.test,
        "logrank": {"statistic": lr.statistic, "df": lr.df, "p": lr.p, "sided": lr.sided,
                    "not_testable": lr.not_testable, "expected": lr.expected},
        "cox": cox_out,
        "ci_transform": args.ci_transform,
        "excluded": {
            "count": len(data.excluded),
            "by_reason": data.excluded_counts(),
            "samples": [[s, r] for s, r in data.excluded],
        },
        "notes": notes + data.notes,
        "warnings": warnings,
        "methods": methods,
    }
    if getattr(args, "adjust", None):
        report["cox_adjusted"] = adjusted_cox(cohort, endpoint, data, args.adjust)
        methods.append(report["cox_adjusted"]["method"])
    if len(data.levels) > 2:
        pw = pairwise_logrank(data)
        report["pairwise"] = {"rows": pw.rows, "correction": pw.correction}
        methods.append(pw.method)
        if grouping.ordered:
            tr = logrank_trend(data)
            report["trend"] = {"statistic": tr.statistic, "df": tr.df, "p": tr.p,
                               "not_testable": tr.not_testable}
            methods.append(tr.method)
    if args.permutation:
        perm = permutation_logrank(data)
        report["permutation"] = {"statistic": perm.statistic, "p": perm.p,
                                 "not_testable": perm.not_testable}
        methods.append(perm.method)
    return json_safe(report)


def adjusted_cox(cohort: Any, endpoint: Any, data: Any, adjust: str) -> dict[str, Any]:
    """Multivariable Cox of ``data``'s grouping with the ``--adjust`` covariates.

    A column with more than 6 distinct numeric values enters as a numeric covariate
    (HR per unit); anything else as a grouping (dummies against its first level).
    """
    from imft_desktop.analysis.cox import cox_multivariable
    from imft_desktop.analysis.groupings import (
        _numeric,
        clinical_frame,
        find_column,
        resolve_grouping,
        survival_data,
    )

    datas = [data]
    numeric = {}
    for name in [a.strip() for a in adjust.split(",") if a.strip()]:
        col = find_column(cohort, name)
        values = _numeric(clinical_frame(cohort)[col]) if col is not None else None
        if col is not None and values is not None and values.dropna().nunique() > 6:
            numeric[col] = values
        else:
            datas.append(survival_data(cohort, endpoint, resolve_grouping(cohort, name)))
    res = cox_multivariable(datas, numeric)
    return {
        "n": res.n, "events": res.events, "not_estimable": res.not_estimable,
        "terms": [{"term": t.term, "level": t.level, "reference": t.reference, "hr": t.hr,
                   "ci": list(t.ci), "p": t.p, "not_estimable": t.not_estimable}
                  for t in res.terms],
        "ph_test": res.ph_test, "warnings": res.warnings,
        "method": "multivariable " + res.method,
    }


def _times(text: str) -> list[float]:
    try:
        return [float(t) for t in text.split(",") if t.strip()]
    except ValueError as exc:
        raise ValueError(f"--at: {text!r} should be numbers separated by commas") from exc


def human(report: dict[str, Any]) -> str:
    ep = report["endpoint"]
    g = report["grouping"]
    who = plural(report["n"], "patient")
    lines = [f"{ep['name']} by {g['name']}  ({who}; unit {ep['unit']})", ""]
    width = max([len(x["label"]) for x in report["groups"]] + [5])
    lines.append(f"  {'group':<{width}}  {'n':>4}  {'events':>6}  median, {ep['unit']} "
                 "(95% CI)")
    for x in report["groups"]:
        med = fmt_time(x["median"]) if x["median_reached"] else "not reached"
        lo, hi = x["median_ci"]
        lines.append(f"  {x['label']:<{width}}  {x['n']:>4}  {x['events']:>6}  {med} "
                     f"({fmt_time(lo)}-{fmt_time(hi)})")
    lr = report["logrank"]
    lines.append("")
    if lr["not_testable"]:
        lines.append(f"{report['test']}: {lr['not_testable']}")
    else:
        lines.append(f"{report['test']}: chi-square {lr['statistic']:.3f} on {lr['df']} df, "
                     f"{p_text(lr['p'])} (two-sided)")
    cox = report["cox"]
    for t in cox["terms"]:
        if t["not_estimable"]:
            lines.append(f"Cox HR {t['level']} vs {cox['reference']}: {t['not_estimable']}")
        else:
            lines.append(f"Cox HR {t['level']} vs {cox['reference']}: {fmt(t['hr'])} "
                         f"(95% CI {fmt(t['ci'][0])}-{fmt(t['ci'][1])}), {p_text(t['p'])}")
    adj = report.get("cox_adjusted")
    if adj:
        lines.append(f"Multivariable Cox (n = {adj['n']}, {plural(adj['events'], 'event')}):")
        for t in adj["terms"]:
            what = f"{t['term']}: {t['level']} vs {t['reference']}" if t["level"] else t["term"]
            if t["not_estimable"]:
                lines.append(f"  {what}: {t['not_estimable']}")
            else:
                lines.append(f"  {what}: HR {fmt(t['hr'])} ({fmt(t['ci'][0])}-"
                             f"{fmt(t['ci'][1])}), {p_text(t['p'])}")
    if "trend" in report and report["trend"]["p"] is not None:
        lines.append(f"log-rank test for trend: {p_text(report['trend']['p'])}")
    if "permutation" in report and report["permutation"]["p"] is not None:
        lines.append(f"permutation log-rank: {p_text(report['permutation']['p'])}")
    lines += analysis_footer(report)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.analysis.groupings import EventCodingError, GroupingError
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, NAME)
    if failed is not None:
        return failed
    try:
        report = analyse(cohort, args)
    except (GroupingError, EventCodingError) as exc:
        print(f"imft {NAME}: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"imft {NAME}: {exc}", file=sys.stderr)
        return 2
    return print_report(report, args.json, lambda: human(report))
