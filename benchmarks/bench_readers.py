"""Benchmark: ``read_workbook`` against ``pandas.read_excel(engine="openpyxl")``.

Generates workbooks of 24, 1,000 and 10,000 rows (100,000 with ``--large``) x 40
columns -- strings, floats, integers, dates and blanks, as a cohort export would have
-- into a temporary folder, then prints per size the median wall time of several runs
of each reader, their ratio, and the peak memory of one run of each in a fresh process
(RSS high-water mark: calamine allocates in Rust, where tracemalloc cannot see).

Usage::

    python benchmarks/bench_readers.py [--large] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_COLUMNS = 40

_CHILD = r"""
import resource, sys, time
from pathlib import Path

def high_water_kib():
    # VmHWM is this process's own peak; ru_maxrss can carry the parent's over exec.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

which, path = sys.argv[1], Path(sys.argv[2])
if which == "imft":
    from imft_desktop.io.read.workbook import read_workbook
    run = lambda: read_workbook(path)
else:
    import pandas as pd
    run = lambda: pd.read_excel(path, engine="openpyxl", sheet_name=None)
base = high_water_kib()
t0 = time.perf_counter()
result = run()
elapsed = time.perf_counter() - t0
peak = high_water_kib()
print(base, peak, elapsed)
"""


def generate(path: Path, n_rows: int) -> None:
    """Write an n_rows x 40 workbook with xlsxwriter (constant memory)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Samples")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    rnd = random.Random(n_rows)
    ws.write_row(0, 0, [f"Column {j + 1}" for j in range(N_COLUMNS)])
    start = dt.date(2012, 1, 1)
    calls = ["positive", "negative", "not tested", "equivocal", "failed"]
    for i in range(1, n_rows + 1):
        for j in range(N_COLUMNS):
            kind = j % 5
            if kind == 0:
                ws.write_string(i, j, f"IMFT-{i:05d}-{j}")
            elif kind == 1:
                ws.write_number(i, j, round(rnd.uniform(0, 60), 2))
            elif kind == 2:
                ws.write_number(i, j, rnd.randint(0, 100))
            elif kind == 3:
                ws.write_datetime(i, j, start + dt.timedelta(days=rnd.randint(0, 4000)), date_fmt)
            elif rnd.random() < 0.6:  # the rest: calls with 40% blanks
                ws.write_string(i, j, rnd.choice(calls))
    wb.close()


def median_time(fn, runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``runs`` calls after one warm-up call.

    CPU time is reported too because on a shared machine wall time mostly measures the
    neighbours; both readers are single-threaded, so CPU time is what they cost.
    """
    fn()  # warm-up: imports, caches
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def peak_memory(which: str, path: Path) -> tuple[float, float]:
    """(peak RSS MiB, increase over the post-import baseline MiB) in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, which, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    base_kib, peak_kib = int(out[0]), int(out[1])
    return peak_kib / 1024, (peak_kib - base_kib) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--large", action="store_true", help="also 100,000 rows")
    parser.add_argument("--runs", type=int, default=0, help="runs per size (default: by size)")
    args = parser.parse_args(argv)

    import pandas as pd

    from imft_desktop.io.read.workbook import read_workbook

    sizes = [24, 1_000, 10_000] + ([100_000] if args.large else [])
    default_runs = {24: 9, 1_000: 5, 10_000: 3, 100_000: 1}
    rows_out = []
    with tempfile.TemporaryDirectory(prefix="imft-bench-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"cohort_{n}.xlsx"
            t0 = time.perf_counter()
            generate(path, n)
            gen_s = time.perf_counter() - t0
            runs = args.runs or default_runs[n]
            ours = median_time(lambda p=path: read_workbook(p), runs)
            ours_no_structure = median_time(lambda p=path: read_workbook(p, structure=False), runs)
            theirs = median_time(
                lambda p=path: pd.read_excel(p, engine="openpyxl", sheet_name=None), runs
            )
            mem_ours = peak_memory("imft", path)
            mem_theirs = peak_memory("pandas", path)
            rows_out.append(
                (n, path.stat().st_size, gen_s, runs, ours, ours_no_structure, theirs,
                 mem_ours, mem_theirs)
            )
            print(f"  done {n:,} rows", file=sys.stderr)

    header = (
        f"{'rows':>8} {'file':>8} {'runs':>4} {'read_workbook':>17} {'(no structure)':>17} "
        f"{'pd+openpyxl':>17} {'speed-up':>9} {'peak RSS ours':>15} {'peak RSS pandas':>16}"
    )
    print(f"Readers, {N_COLUMNS} columns; median of N runs after one warm-up: wall / CPU s")
    print(header)
    print("-" * len(header))
    for n, size, _gen, runs, ours, bare, theirs, (m_ours, d_ours), (m_pd, d_pd) in rows_out:
        print(
            f"{n:>8,} {size / 1e6:>6.2f}MB {runs:>4} {ours[0]:>7.3f} / {ours[1]:>6.3f} "
            f"{bare[0]:>8.3f} / {bare[1]:>6.3f} {theirs[0]:>8.3f} / {theirs[1]:>6.3f} "
            f"{theirs[1] / ours[1]:>8.1f}x {m_ours:>6.0f} MiB (+{d_ours:>3.0f})"
            f" {m_pd:>7.0f} MiB (+{d_pd:>3.0f})"
        )
    print("speed-up: pandas CPU time / read_workbook CPU time.  peak RSS: high-water mark of")
    print("a fresh process reading the file once; (+N): increase over that process after imports.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
