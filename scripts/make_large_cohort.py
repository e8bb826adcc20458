"""Write a large synthetic cohort workbook for load and performance testing.

    python scripts/make_large_cohort.py 10000 out.xlsx [--shape wide] [--seed 0]

``canonical`` (default): the multi-sheet template layout; ``wide``: one row per case,
42 columns.  Not patient data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from imft_desktop.synthetic import LARGE_SHAPES, make_large_cohort


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_samples", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shape", choices=LARGE_SHAPES, default="canonical")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        stats = make_large_cohort(args.n_samples, args.out, seed=args.seed, shape=args.shape)
    except (ValueError, OSError, FileCreateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{sheet} {n}" for sheet, n in stats.rows.items())
    size = stats.path.stat().st_size / 1e6
    print(f"wrote {stats.path} ({stats.shape}, {stats.n_samples} samples, {size:.1f} MB) "
          f"in {stats.seconds:.1f} s: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
