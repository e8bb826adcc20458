"""``imft export FILE --out RESULTS.xlsx``: every analysis table in one workbook.

The workbook has a "Methods and provenance" sheet first (source files and SHA-256,
versions, parameters, the methods of every analysis) and one formatted sheet per
table; text cells are written as text, so ``-19`` or ``=HYPERLINK(...)`` stay text.

``--out RESULTS.csv`` writes one table (``--table``, default the alteration
frequencies) as CSV for a spreadsheet instead: text values starting with = + - @ are
prefixed with an apostrophe so they cannot run as formulas -- karyotype shorthand such
as -19 therefore reads '-19 there (the file's first line says so).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from imft_desktop.cli.cmd_report import (
    add_deidentify_arguments,
    check_output,
    save_key_or_say,
)
from imft_desktop.cli.cmd_validate import (
    UsageError,
    add_import_arguments,
)

NAME = "export"
HELP = "Export every analysis table to an Excel workbook (or one table to CSV)."
DEFAULT_CSV_TABLE = "Alteration frequencies"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_import_arguments(parser)
    parser.add_argument("--out", required=True, metavar="RESULTS.xlsx",
                        help="workbook to write (.xlsx), or .csv for a single table")
    parser.add_argument("--survival", nargs="+", action="extend", default=[], metavar="GROUPING",
                        help="groupings for survival and response sheets")
    parser.add_argument("--endpoint", default="auto", choices=["PFS", "OS", "auto"],
                        help="survival endpoint (default auto: PFS when the sheet has it, "
                        "else OS)")
    parser.add_argument("--unit", default=None, metavar="UNIT",
                        help="survival times in days, weeks, months or years (default: "
                        "the unit of the sheet's time column)")
    parser.add_argument("--table", default=DEFAULT_CSV_TABLE, metavar="NAME",
                        help=f'with a .csv --out: which table (default "{DEFAULT_CSV_TABLE}")')
    add_deidentify_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.io.read.faults import describe_os_error

    if (args.pseudonym_key or args.secret_file or args.keep_column) and not args.deidentify:
        print("imft export: --pseudonym-key, --secret-file and --keep-column need "
              "--deidentify", file=sys.stderr)
        return 2
    try:
        out = check_output(args.out, (".xlsx", ".csv"))
    except UsageError as exc:
        print(f"imft export: {exc}", file=sys.stderr)
        return 2
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, "export")
    if failed is not None:
        return failed

    from imft_desktop.io.write.csv_export import write_csv
    from imft_desktop.io.write.excel_export import write_workbook
    from imft_desktop.reports.cohort_report import (
        ReportOptions,
        cohort_workbook_sheets,
        run_analyses,
    )

    started = time.perf_counter()
    options = ReportOptions(endpoint=args.endpoint, unit=args.unit,
                            secret_file=args.secret_file,
                            keep_columns=tuple(args.keep_column))
    analyses = run_analyses(cohort, args.survival, options, deidentify=args.deidentify)
    sheets = cohort_workbook_sheets(analyses)
    provenance = analyses.provenance.as_pairs()
    try:
        if out.suffix.lower() == ".csv":
            chosen = [s for s in sheets if s.name.casefold() == args.table.casefold()]
            if not chosen:
                names = ", ".join(f'"{s.name}"' for s in sheets)
                print(f"imft export: no table {args.table!r}; tables: {names}", file=sys.stderr)
                return 2
            methods = [("Method", m) for m in analyses.methods.texts()]
            write_csv(chosen[0].frame, out, provenance=provenance + methods,
                      index=chosen[0].index)
            written = [chosen[0].name]
        else:
            write_workbook(out, sheets, provenance=provenance,
                           methods=analyses.methods.texts(),
                           title=f"IMFT Desktop analysis: {analyses.cohort.name}",
                           synthetic=analyses.cohort.is_synthetic)
            written = [s.name for s in sheets]
    except OSError as exc:  # locked, read-only, disk full, path too long ...
        print(f"imft export: {describe_os_error(exc, out)}", file=sys.stderr)
        return 2
    saved, key_note = save_key_or_say("export", args, analyses.pseudonymizer, out)
    if not saved:
        return 2
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"out": str(out), "tables": written,
                          "deidentified": bool(args.deidentify),
                          "synthetic": analyses.cohort.is_synthetic,
                          "seconds": round(seconds, 2)}, indent=1))
    else:
        print(f"{out}: {len(written)} table(s) in {seconds:.1f} s: {', '.join(written)}")
        if out.suffix.lower() == ".csv":
            print("note: text starting with = + - @ is written with a leading ' (so -19 "
                  "reads '-19); numbers are unchanged")
        if key_note:
            print(key_note)
    return 0
