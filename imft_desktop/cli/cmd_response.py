"""``imft response FILE``: RECIST distribution, ORR, and response against a grouping.

``--by GROUPING`` (as for ``imft survival``) adds the ORR per group and, for two groups,
Fisher's exact test with its 2x2 table; ``--measure COL|cna_burden`` compares a numeric
measure between responders (CR/PR) and non-responders (SD/PD) with the Mann-Whitney U
test.  NE and missing responses are excluded from denominators and counted.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import asdict
from typing import Any

from imft_desktop.cli.text import analysis_footer, json_safe, run_study
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


def options_from_args(args: argparse.Namespace) -> Any:
    """The response study's options from the command line."""
    from imft_desktop.analysis.response_study import ResponseOptions

    return ResponseOptions(grouping=args.by or "", reference=args.reference,
                           measure=args.measure)


def analyse(cohort: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Run the response study and return the ``--json`` report (the CLI's contract)."""
    from imft_desktop.analysis.response_study import response_study

    return study_json(response_study(cohort, options_from_args(args)))


def study_json(study: Any) -> dict[str, Any]:
    """The ``--json`` report of a ``ResponseStudy``: keys are a contract for users'
    scripts (added, never renamed)."""
    data, grouping = study.data, study.grouping
    report: dict[str, Any] = {
        "n": study.n,
        "distribution": {"categories": list(study.distribution.categories),
                         "overall": study.distribution_all.overall,
                         "by_group": study.distribution.by_group if grouping is not None
                         else {}},
        "orr": asdict(study.orr_all.overall) | {"ci95": list(study.orr_all.overall.ci95)},
        "by_group": [asdict(p) | {"ci95": list(p.ci95)} for p in study.orr.by_group],
        "fisher": None,
        "mannwhitney": None,
        "excluded": {"count": len(data.excluded), "by_reason": data.excluded_counts(),
                     "samples": [[s, r] for s, r in data.excluded]},
        "methods": list(study.methods),
        "warnings": list(study.warnings),
        "title": study.title,
    }
    if grouping is not None:
        report["grouping"] = {"name": grouping.name, "kind": grouping.kind,
                              "description": grouping.description,
                              "levels": list(data.levels), "reference": data.levels[0]}
    if study.fisher is not None:
        f = study.fisher
        report["fisher"] = f.to_dict()
        if f.odds_ratio is not None and math.isinf(f.odds_ratio):
            report["fisher"]["odds_ratio_note"] = (
                "infinite: a cell of the 2x2 table is 0 (conditional MLE, as R)")
    if study.measure is not None:
        report["mannwhitney"] = study.measure.to_dict()
    if study.measure_note:
        report["notes"] = [study.measure_note]
    return json_safe(report)


def human(study: Any) -> str:
    """The study as text: the same rows and sentences as the Response tab and the report
    (``reports.response_text``)."""
    from imft_desktop.reports import response_text as words

    dist = study.distribution_all
    lines = ["Best overall response (RECIST 1.1), "
             f"{plural(study.n, 'patient')}: "
             + ", ".join(f"{c} {dist.overall[c]}" for c in dist.categories if dist.overall[c])]
    header = words.ORR_HEADER
    rows = words.orr_rows(study)
    widths = [max(len(c) for c in col) for col in zip(header, *rows, strict=True)]
    lines.append("")
    for row in (header, *rows):
        lines.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                      for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    f = study.fisher
    if f is not None and not f.not_testable:
        lines += ["", "                 responders  non-responders"]
        for label, (a, b) in zip(f.rows, f.table, strict=True):
            lines.append(f"  {label:<14} {a:>10}  {b:>14}")
    stats = words.statistic_lines(study)
    if stats:
        lines += ["", *stats]
    lines += analysis_footer(study_json(study))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.analysis.groupings import GroupingError
    from imft_desktop.analysis.response_study import response_study

    options = options_from_args(args)
    return run_study(args, NAME, lambda cohort: response_study(cohort, options),
                     lambda study, _cohort: study_json(study),
                     lambda study, _report: human(study), (GroupingError,))
