"""``imft characteristics FILE [--by GROUPING]``: the cohort characteristics (Table 1).

Age, sex, primary site, treatment, the outcomes the cohort has and the assays done, per
patient, overall or by ``--by`` (as for ``imft survival``: an alteration label such as
"monosomy 19", a sheet column, ``column>value``, an assay call such as "ALK IHC", or
two of these joined by AND / OR), with the test of each characteristic across the
groups.  Patients the grouping cannot place get their own column.

With ``--json`` one object (keys are only ever added, never renamed):

``file``, ``cohort``, ``synthetic``, ``unit`` ("patient"), ``patients``, ``samples``
    the input and what is counted;
``grouping``
    null, or ``{text, name, kind, description, levels}``;
``columns``
    list of ``{key, label, kind, n}``: each group (``kind`` "group", ``key``
    "group:<label>"), the patients without a group value ("ungrouped") and everyone
    ("overall"), in this order;
``variables``
    list of ``{key, label, section, kind, display, unit, note, missing, rows, test}``;
    ``missing`` and each row's ``cells`` are objects keyed by column key; a cell is
    ``{count, denominator, percent}`` (numeric variables add ``n, median, q1, q3, min,
    max``); ``test`` is ``{name, p, statistic, statistic_name, df, sided, exact,
    method, groups, n, not_testable}`` (``not_testable`` says why there is no test);
``not_available``
    characteristics the cohort has no value of;
``excluded``
    ``{count, by_reason, patients}``: the ungrouped patients and why;
``methods``, ``warnings``, ``notes``.

Exit codes: 0 done, 1 ``--by`` names no alteration, assay call or column, 2 unreadable
file or wrong call.
"""

from __future__ import annotations

import argparse
from typing import Any

from imft_desktop.cli.text import analysis_footer, json_safe, run_study

NAME = "characteristics"
HELP = "Cohort characteristics (Table 1): age, sex, site, treatment, outcomes, assays."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from imft_desktop.cli.cmd_validate import add_import_arguments

    add_import_arguments(parser)
    parser.add_argument("--by", metavar="GROUPING",
                        help="alteration label, sheet column, 'column>value', 'ALK IHC', "
                        "or 'A AND B' / 'A OR B' (default: the whole cohort)")


def report_json(table: Any, cohort: Any) -> dict[str, Any]:
    """The ``--json`` object of a ``CharacteristicsTable`` (see the module docstring)."""
    source = cohort.sources[0].name if cohort.sources else None
    return json_safe({"file": source, **table.to_dict()})


def human(table: Any, report: dict[str, Any]) -> str:
    """The table as aligned text, test names as marks below it, then the footer."""
    lines: list[str] = []
    title = table.cohort_name or "cohort"
    if table.synthetic:
        title += "  (SYNTHETIC DATA)"
    lines += [title, table.caption(), ""]
    marks = {text: mark for mark, text in table.test_marks()}
    grid: list[tuple[str, ...]] = [table.header()[:-1] + ("Test",) if table.grouped
                                   else table.header()]
    for line in table.lines():
        indent = "  " if line.kind in ("level", "unknown") else ""
        extra = (line.p, marks.get(line.test, "")) if table.grouped else ()
        grid.append((indent + line.label, *line.cells, *extra))
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
    for k, row in enumerate(grid):
        lines.append("  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
            enumerate(zip(row, widths))).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    if table.grouped:
        lines.append("")
        lines.append("Tests (two-sided):")
        lines += [f"  {mark}  {text}" for mark, text in table.test_marks()]
    lines += analysis_footer(report)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.analysis.characteristics import cohort_characteristics
    from imft_desktop.analysis.groupings import GroupingError

    return run_study(args, NAME, lambda cohort: cohort_characteristics(cohort, args.by),
                     report_json, human, (GroupingError,))
