"""Regenerate the synthetic demo cohort shipped in ``imft_desktop/data``.

    python scripts/make_demo_cohort.py [--out-dir DIR] [--seed N]

Writes ``demo_cohort_synthetic.xlsx`` (canonical template layout) and
``demo_case_sheet_synthetic.xlsx`` (one row per case).  The generator checks every
published figure before writing and stops with an error if one is missed.  Output is
byte-identical from run to run for the same seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imft_desktop.synthetic import (
    DEMO_CASE_SHEET,
    DEMO_SEED,
    DEMO_WORKBOOK,
    DemoTargetError,
    check_demo_targets,
    write_demo_case_sheet,
    write_demo_workbook,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "imft_desktop" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    try:
        demo = write_demo_workbook(args.out_dir / DEMO_WORKBOOK, seed=args.seed)
        write_demo_case_sheet(args.out_dir / DEMO_CASE_SHEET, seed=args.seed)
    except DemoTargetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    figures = check_demo_targets(demo)
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(f"wrote {args.out_dir / DEMO_WORKBOOK} and {args.out_dir / DEMO_CASE_SHEET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
