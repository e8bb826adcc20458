"""Import + validation benchmark (a script that prints numbers, not a timed test).

For synthetic one-row-per-case workbooks of 24 / 1k / 10k (/ 100k with --large)
samples x ~40 columns it prints: the median time of ``import_file`` (read, map,
validate, build the cohort), the peak memory of one import in a fresh process, and the
ratio to ``pandas.read_excel(..., engine="openpyxl")`` alone on the same file (which
does no validation at all).  Also the canonical multi-sheet template shape.

Usage:  python benchmarks/bench_import.py [--large] [--repeat N] [--shape wide|canonical]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

SIZES = (24, 1_000, 10_000)




_PEAK_CHILD = """
import resource, sys, time
from imft_desktop.io.importer import import_file
t0 = time.perf_counter()
c = import_file(sys.argv[1])
dt = time.perf_counter() - t0
import json
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mib": peak, "samples": c.n_samples,
                  "findings": c.findings.counts()}))
"""


def _fresh_process_import(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 100k samples (slow)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shape", choices=("wide", "canonical"), default="wide")
    args = parser.parse_args()

    import pandas as pd

    from imft_desktop.io.importer import import_file
    from imft_desktop.model.progress import Progress
    from imft_desktop.synthetic import make_large_cohort

    sizes = SIZES + ((100_000,) if args.large else ())
    print(f"shape={args.shape}  repeat={args.repeat} (median)  python {sys.version.split()[0]}")
    header = (
        f"{'samples':>8} {'file MB':>8} {'import+validate s':>18} {'pandas+openpyxl s':>18}"
        f" {'speed-up':>9} {'peak MiB':>9} {'findings e/w/i':>16}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"cohort_{n}.xlsx"
            make_large_cohort(n, path, seed=1, shape=args.shape)
            size_mb = path.stat().st_size / 1e6
            repeat = args.repeat if n <= 10_000 else 1
            messages: list[str] = []

            def run_import(messages=messages, path=path) -> None:
                progress = Progress(lambda f, m: messages.append(m), min_interval=0.5)
                import_file(path, progress=progress)

            t_import = median_seconds(run_import, repeat)
            sheet = 0 if args.shape == "wide" else "Samples"
            t_pandas = median_seconds(
                lambda path=path, sheet=sheet: pd.read_excel(
                    path, sheet_name=None if args.shape == "canonical" else sheet,
                    engine="openpyxl",
                ),
                max(1, min(repeat, 3)),
            )
            child = _fresh_process_import(path)
            counts = child["findings"]
            print(
                f"{n:>8} {size_mb:>8.2f} {t_import:>18.3f} {t_pandas:>18.3f}"
                f" {t_pandas / t_import:>8.1f}x {child['peak_mib']:>9.0f}"
                f" {counts['error']:>5}/{counts['warning']}/{counts['info']}"
            )
            if n >= 100_000:
                print(f"          progress messages seen: {len(messages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
