"""``imft response FILE``: RECIST distribution, ORR, and response against a grouping.

``--by GROUPING`` (as for ``imft survival``) adds the ORR per group and, for two groups,
Fisher's exact test with its 2x2 table; ``--measure COL|cna_burden`` compares a numeric
measure between responders (CR/PR) and non-responders (SD/PD) with the Mann-Whitney U
test.  NE and missing responses are excluded from denominators and counted.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import asdict
from typing import Any

from imft_desktop.cli.cmd_survival import fmt, p_text
from imft_desktop.cli.text import analysis_footer, json_safe, print_report
from imft_desktop.model.text import plural

NAME = "response"
HELP = "RECIST distribution, objective response rate and response by grouping."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from imft_desktop.cli.cmd_validate import add_import_arguments

    add_import_arguments(parser)
    parser.add_argument("--by", metavar="GROUPING",
                        help="alteration label, sheet column, 'column>value', 'ALK IHC', ...")
    parser.add_argument("--reference", metavar="GROUP", help="reference group (Fisher OR)")
    parser.add_argument("--measure", metavar="COL|cna_burden",
                        help="numeric column (or cna_burden) to compare by response")


def analyse(cohort: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Run the response analyses and return the ``--json`` report (the CLI's contract)."""
    from imft_desktop.analysis.groupings import resolve_grouping
    from imft_desktop.analysis.response import (
        fisher_response,
        measure_by_response,
        objective_response_rate,
        recist_distribution,
        response_data,
    )

    grouping = resolve_grouping(cohort, args.by) if args.by else None
    if grouping is not None and args.reference:
        grouping = grouping.with_reference(args.reference)
    overall_data = response_data(cohort)
    data = response_data(cohort, grouping) if grouping is not None else overall_data
    dist = recist_distribution(data)
    # The overall counts are over every patient, also those the grouping cannot place
    # (not tested for it); only the per-group counts leave them out.
    dist_all = recist_distribution(overall_data) if grouping is not None else dist
    orr_all = objective_response_rate(overall_data)
    orr = objective_response_rate(data)
    warnings = list(orr_all.overall.warnings)
    report: dict[str, Any] = {
        "n": len(overall_data.frame),
        "distribution": {"categories": list(dist.categories), "overall": dist_all.overall,
                         "by_group": dist.by_group if grouping is not None else {}},
        "orr": asdict(orr_all.overall) | {"ci95": list(orr_all.overall.ci95)},
        "by_group": [asdict(p) | {"ci95": list(p.ci95)} for p in orr.by_group],
        "fisher": None,
        "mannwhitney": None,
        "excluded": {"count": len(data.excluded), "by_reason": data.excluded_counts(),
                     "samples": [[s, r] for s, r in data.excluded]},
        "methods": [orr.method],
    }
    if grouping is not None:
        report["grouping"] = {"name": grouping.name, "kind": grouping.kind,
                              "description": grouping.description,
                              "levels": list(data.levels), "reference": data.levels[0]}
        for p in orr.by_group:
            warnings += p.warnings
        if len(data.levels) == 2:
            f = fisher_response(data)
            report["fisher"] = f.to_dict()
            if f.odds_ratio is not None and math.isinf(f.odds_ratio):
                report["fisher"]["odds_ratio_note"] = (
                    "infinite: a cell of the 2x2 table is 0 (conditional MLE, as R)")
            report["methods"].append(f.method)
            warnings += f.warnings
    if args.measure:
        mw = measure_by_response(cohort, args.measure, overall_data)
        d = mw.to_dict()
        report["mannwhitney"] = d
        report["methods"].append(mw.method)
        warnings += mw.warnings
    report["warnings"] = list(dict.fromkeys(warnings))
    return json_safe(report)


def _pct(p: dict[str, Any]) -> str:
    if p["percent"] is None:
        return f"{p['responders']}/{p['n']}"
    lo, hi = p["ci95"]
    return f"{p['responders']}/{p['n']} = {p['percent']:.1f}% (95% CI {lo:.1f}-{hi:.1f})"


def human(report: dict[str, Any]) -> str:
    dist = report["distribution"]
    lines = ["Best overall response (RECIST 1.1), "
             f"{plural(report['n'], 'patient')}: "
             + ", ".join(f"{c} {dist['overall'][c]}" for c in dist["categories"]
                         if dist["overall"][c])]
    lines.append(f"ORR (CR+PR): {_pct(report['orr'])}")
    for p in report["by_group"]:
        lines.append(f"  {p['label']}: {_pct(p)}")
    f = report.get("fisher")
    if f:
        lines.append("")
        if f["not_testable"]:
            lines.append(f"Fisher's exact test: {f['not_testable']}")
        else:
            (a, b), (c, d) = f["table"]
            lines.append("                 responders  non-responders")
            lines.append(f"  {f['rows'][0]:<14} {a:>10}  {b:>14}")
            lines.append(f"  {f['rows'][1]:<14} {c:>10}  {d:>14}")
            lo, hi = f["ci"]
            lines.append(f"Fisher's exact test (two-sided): {p_text(f['p'])}; "
                         f"odds ratio {fmt(f['odds_ratio'])} (95% CI {fmt(lo)}-{fmt(hi)})")
    mw = report.get("mannwhitney")
    if mw:
        lines.append("")
        if mw["not_testable"]:
            lines.append(f"{mw['measure']} by response: {mw['not_testable']}")
        else:
            meds = ", ".join(f"{k} median {fmt(v)} (n={mw['n'][k]})"
                             for k, v in mw["medians"].items())
            lines.append(f"{mw['measure']} by response: {meds}")
            lines.append(f"Mann-Whitney U = {fmt(mw['u'])}, {p_text(mw['p'])} "
                         f"({mw['p_method']}, two-sided); rank-biserial r = "
                         f"{fmt(mw['rank_biserial'])}; Hodges-Lehmann shift "
                         f"{fmt(mw['hodges_lehmann'])}"
                         + (f" (95% CI {fmt(mw['hodges_lehmann_ci'][0])} to "
                            f"{fmt(mw['hodges_lehmann_ci'][1])})"
                            if mw.get("hodges_lehmann_ci") else ""))
    lines += analysis_footer(report)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.analysis.groupings import GroupingError
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, NAME)
    if failed is not None:
        return failed
    try:
        report = analyse(cohort, args)
    except GroupingError as exc:
        print(f"imft {NAME}: {exc}", file=sys.stderr)
        return 1
    return print_report(report, args.json, lambda: human(report))
