"""Time the cohort report (analyses + layout + figures + PDF) on the demo cohort and on
a 1,000-sample cohort; prints the median of several runs.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_report.py [--runs 3]

Targets: demo under 3 s, 1,000 samples under 10 s.  The 1,000-sample cohort repeats the
synthetic demo cohort's samples under new identifiers (42 copies), so its assays,
copy-number segments and outcomes have realistic shapes.  One warm-up run comes first
(imports of lifelines, matplotlib and Qt are not part of a report's cost).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pandas as pd

from imft_desktop.model.cohort import Cohort

GROUPINGS = ("monosomy 19", "ALK fusion")


def demo_cohort() -> Cohort:
    from imft_desktop.synthetic import build_demo_cohort

    return build_demo_cohort().cohort()


def large_cohort(n_samples: int = 1000) -> Cohort:
    """The demo's samples repeated under new sample and patient identifiers."""
    from imft_desktop.synthetic import build_demo_cohort

    base = build_demo_cohort().tables
    copies = -(-n_samples // len(base["samples"]))
    tables: dict[str, pd.DataFrame] = {}
    for name, df in base.items():
        if name == "study":
            tables[name] = df.copy()
            continue
        parts = []
        for k in range(copies):
            part = df.copy()
            for col in ("sample_id", "patient_id"):
                if col in part.columns:
                    part[col] = part[col].astype(str) + f"-{k:03d}"
            parts.append(part)
        tables[name] = pd.concat(parts, ignore_index=True)
    keep = set(tables["samples"]["sample_id"].head(n_samples))
    patients = set(tables["samples"]["patient_id"].head(n_samples))
    for name, df in tables.items():
        if "sample_id" in df.columns:
            tables[name] = df.loc[df["sample_id"].isin(keep)].reset_index(drop=True)
        elif "patient_id" in df.columns:
            tables[name] = df.loc[df["patient_id"].isin(patients)].reset_index(drop=True)
    return Cohort.from_tables(tables)


def one_run(cohort: Cohort) -> tuple[float, float, int, float]:
    from imft_desktop.analysis import copy_number
    from imft_desktop.qt.printing import render_pdf_bytes
    from imft_desktop.reports.cohort_report import build_cohort_report

    copy_number.clear_cache()  # every run computes the copy-number calls afresh
    cpu = time.process_time()
    start = time.perf_counter()
    report = build_cohort_report(cohort, survival_groupings=GROUPINGS)
    built = time.perf_counter()
    _data, pages = render_pdf_bytes(report)
    done = time.perf_counter()
    return built - start, done - start, pages, time.process_time() - cpu


def measure(label: str, cohort: Cohort, runs: int, target: float) -> float:
    build_times, totals, cpus = [], [], []
    pages = 0
    for _ in range(runs):
        b, t, pages, c = one_run(cohort)
        build_times.append(b)
        totals.append(t)
        cpus.append(c)
    median = statistics.median(totals)
    verdict = "ok" if median < target else "OVER TARGET"
    print(f"{label}: {cohort.n_samples} samples, {pages} pages: median {median:.2f} s "
          f"(build {statistics.median(build_times):.2f} s, PDF "
          f"{median - statistics.median(build_times):.2f} s; runs "
          f"{', '.join(f'{x:.2f}' for x in totals)}; CPU {statistics.median(cpus):.2f} s) "
          f"target < {target:g} s: {verdict}")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    demo = demo_cohort()
    large = large_cohort(1000)
    one_run(demo)  # warm-up: imports, font caches
    if hasattr(os, "getloadavg"):
        # On a shared machine wall time grows with the load; CPU time much less so.
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = measure("demo cohort", demo, args.runs, 3.0) < 3.0
    ok &= measure("1,000-sample cohort", large, args.runs, 10.0) < 10.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
