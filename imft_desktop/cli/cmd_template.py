"""``imft template OUT.xlsx``: write the canonical template workbook."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NAME = "template"
HELP = "Write the empty cohort template workbook (one sheet per kind of data, with a README)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT.xlsx", help="file to write")
    parser.add_argument("--force", action="store_true", help="replace OUT.xlsx if it exists")
    parser.add_argument(
        "--no-example", action="store_true", help="leave the example rows off the README sheet"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from imft_desktop.io.write.template import README_SHEET, write_template
    from imft_desktop.model.schema import TABLES

    out = Path(args.out)
    if out.suffix.casefold() != ".xlsx":
        print(f"imft template: {out.name}: the template is an .xlsx file", file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(
            f"imft template: {out} already exists; use --force to replace it",
            file=sys.stderr,
        )
        return 2
    if not out.parent.is_dir():
        print(f"imft template: folder {out.parent} does not exist", file=sys.stderr)
        return 2
    try:
        written = write_template(out, example=not args.no_example)
    except OSError as exc:  # read-only, disk full, permission, path too long ...
        from imft_desktop.io.read.faults import describe_os_error

        print(f"imft template: {describe_os_error(exc, out)}", file=sys.stderr)
        return 2
    sheets = [README_SHEET, *(t.sheet for t in TABLES)]
    if args.json:
        print(json.dumps({"path": str(written), "sheets": sheets}))
    else:
        print(f"Template written to {written} ({len(sheets)} sheets: {', '.join(sheets)})")
    return 0
