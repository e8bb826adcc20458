"""``imft report FILE --out REPORT.pdf``: the cohort report (or per-case sheets) as PDF.

The PDF is drawn by ``imft_desktop.qt.printing.render_pdf`` -- the same page painter as
the app's print preview -- on an offscreen Qt platform when there is no display.  That
module is imported inside ``run()`` only, so ``imft`` itself never loads Qt (the
import-linter contract allows this one lazy import).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from imft_desktop.cli.cmd_validate import (
    UsageError,
    add_import_arguments,
)

NAME = "report"
HELP = "Write the cohort report (or one page per case) as a PDF file."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_import_arguments(parser)
    parser.add_argument("--out", required=True, metavar="REPORT.pdf", help="PDF file to write")
    parser.add_argument("--per-case", action="store_true",
                        help="one page per sample (IHC, FISH, sequencing, copy number, "
                             "response, PFS) instead of the cohort report")
    parser.add_argument("--samples", nargs="+", action="extend", metavar="ID",
                        help="with --per-case: only these samples, in this order")
    parser.add_argument("--survival", nargs="+", action="extend", default=[], metavar="GROUPING",
                        help='groupings for survival and response, e.g. "monosomy 19" '
                             '"ALK IHC" "age>median"')
    parser.add_argument("--endpoint", default="auto", choices=["PFS", "OS", "auto"],
                        help="survival endpoint (default auto: PFS when the sheet has it, "
                        "else OS)")
    parser.add_argument("--unit", default=None, metavar="UNIT",
                        help="survival times in days, weeks, months or years (default: "
                        "the unit of the sheet's time column)")
    parser.add_argument("--page-size", default="A4", choices=["A4", "Letter"],
                        help="paper size (default A4)")
    add_deidentify_arguments(parser)


def add_deidentify_arguments(parser: argparse.ArgumentParser) -> None:
    """``--deidentify`` and its key options (shared with ``imft export``)."""
    parser.add_argument("--deidentify", action="store_true",
                        help="pseudonyms for sample and patient IDs, years only, ages over 89 "
                             "as 90+, no free text, source files named by hash")
    parser.add_argument("--pseudonym-key", metavar="KEY.csv",
                        help="with --deidentify: save the pseudonym -> original ID key here "
                             "(keep it apart from the output)")
    parser.add_argument("--secret-file", metavar="FILE",
                        help="with --deidentify: file holding the pseudonym secret (created "
                             "if absent; default: one per project in the user data folder)")
    parser.add_argument("--keep-column", action="append", default=[], metavar="COLUMN",
                        help="with --deidentify: keep this free-text or extra column")


def check_output(path: str, suffixes: tuple[str, ...]) -> Path:
    """The output path, checked: a known suffix and an existing folder."""
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"--out must end with {' or '.join(suffixes)}")
    if not out.parent.exists():
        raise UsageError(f"the folder {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"{out} is a folder")
    return out


def save_key(args: argparse.Namespace, pseudonymizer: object) -> str | None:
    """Write the pseudonym key when asked; returns a line for the user."""
    from imft_desktop.reports.deidentify import Pseudonymizer, write_key_file

    if not args.deidentify or not isinstance(pseudonymizer, Pseudonymizer):
        return None
    if args.pseudonym_key:
        write_key_file(args.pseudonym_key, pseudonymizer)
        return f"pseudonym key written to {args.pseudonym_key} (keep it apart from the output)"
    return "pseudonym key not saved (add --pseudonym-key KEY.csv to save it)"


def save_key_or_say(command: str, args: argparse.Namespace, pseudonymizer: object,
                    out: Path) -> tuple[bool, str | None]:
    """:func:`save_key` after ``out`` was written: ``(True, note)``, or ``(False, None)``
    with the reason printed ("... was written, but the pseudonym key was not: ...")."""
    from imft_desktop.io.read.faults import describe_os_error

    try:
        return True, save_key(args, pseudonymizer)
    except OSError as exc:
        print(f"imft {command}: {out.name} was written, but the pseudonym key was not: "
              f"{describe_os_error(exc, args.pseudonym_key)}", file=sys.stderr)
        return False, None


def run(args: argparse.Namespace) -> int:
    from imft_desktop.io.read.faults import describe_os_error

    if (args.pseudonym_key or args.secret_file or args.keep_column) and not args.deidentify:
        print("imft report: --pseudonym-key, --secret-file and --keep-column need "
              "--deidentify", file=sys.stderr)
        return 2
    try:
        out = check_output(args.out, (".pdf",))
    except UsageError as exc:
        print(f"imft report: {exc}", file=sys.stderr)
        return 2
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, "report")
    if failed is not None:
        return failed

    started = time.perf_counter()
    try:
        report = build(args, cohort)
    except (KeyError, ValueError) as exc:
        print(f"imft report: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    # Qt only now, and only here: the rest of the command line never loads it.
    from imft_desktop.qt.printing import render_pdf

    try:
        pages = render_pdf(report, out, page_size=args.page_size)
    except OSError as exc:  # locked, read-only, disk full, path too long ...
        print(f"imft report: {describe_os_error(exc, out)}", file=sys.stderr)
        return 2
    saved, key_note = save_key_or_say("report", args, report.pseudonymizer, out)
    if not saved:
        return 2
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({
            "out": str(out), "pages": pages, "page_size": args.page_size,
            "per_case": bool(args.per_case), "deidentified": bool(args.deidentify),
            "synthetic": report.synthetic, "seconds": round(seconds, 2),
            "pseudonym_key": args.pseudonym_key if args.deidentify else None,
        }, indent=1))
    else:
        kind = "case sheets" if args.per_case else "cohort report"
        print(f"{out}: {kind}, {pages} pages ({args.page_size}) in {seconds:.1f} s")
        if report.synthetic:
            print("note: the data are marked SYNTHETIC; every page says so")
        if key_note:
            print(key_note)
    return 0


def build(args: argparse.Namespace, cohort: Any) -> Any:
    """The report the arguments ask for."""
    from imft_desktop.reports.cohort_report import ReportOptions, build_cohort_report

    options = ReportOptions(endpoint=args.endpoint, unit=args.unit, secret_file=args.secret_file,
                            keep_columns=tuple(args.keep_column))
    if not args.per_case:
        if args.samples:
            raise ValueError("--samples needs --per-case")
        return build_cohort_report(cohort, survival_groupings=tuple(args.survival),
                                   deidentify=args.deidentify, options=options)
    from imft_desktop.reports.case_sheet import build_case_sheets
    from imft_desktop.reports.deidentify import deidentify_report_cohort

    source = cohort
    pseudonymizer = None
    samples = args.samples
    if samples:
        known = set(cohort.sample_ids)
        unknown = [s for s in samples if s not in known]
        if unknown:
            raise ValueError(f"not in the cohort: {', '.join(unknown[:5])}")
    if args.deidentify:
        source, pseudonymizer = deidentify_report_cohort(
            cohort, secret_file=args.secret_file, keep_columns=args.keep_column)
        if samples:
            samples = [pseudonymizer.sample(s) for s in samples]
    report = build_case_sheets(source, samples, deidentified=args.deidentify)
    report.pseudonymizer = pseudonymizer
    return report
