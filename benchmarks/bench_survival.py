"""Benchmark: KM + log-rank + univariable Cox for one grouping, and the alteration screen,
on a 10,000-sample cohort built in memory.

Targets: one grouping < 0.5 s (median), the screen (20 alterations) < 5 s.
Run: ``python benchmarks/bench_survival.py [n_samples] [repeats]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np
import pandas as pd

from imft_desktop.analysis.cox import cox_univariable
from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data
from imft_desktop.analysis.screen import alteration_screen
from imft_desktop.analysis.survival import kaplan_meier, logrank
from imft_desktop.model.cohort import Cohort

N_ALTERATIONS = 20


def build_cohort(n: int, seed: int = 0) -> tuple[Cohort, pd.DataFrame]:
    """Cohort with PFS and ~20 binary alteration-like sheet columns (10% not tested)."""
    rng = np.random.default_rng(seed)
    ids = [f"S{i:05d}" for i in range(n)]
    pids = [f"P{i:05d}" for i in range(n)]
    status = pd.DataFrame(index=ids)
    for j in range(N_ALTERATIONS):
        col = (rng.uniform(size=n) < 0.05 + 0.02 * j).astype(float)
        col[rng.uniform(size=n) < 0.1] = np.nan
        status[f"ALT{j:02d}"] = col
    hazard = np.exp(0.5 * np.nan_to_num(status["ALT00"].to_numpy()))
    pfs = (rng.exponential(20, n) / hazard).round(1) + 0.1
    event = (rng.uniform(size=n) < 0.7).astype(int)
    samples = pd.DataFrame({"sample_id": ids, "patient_id": pids})
    outcomes = pd.DataFrame({"patient_id": pids, "pfs_months": pfs, "pfs_event": event})
    extra = status.map(lambda v: "" if v != v else ("yes" if v else "no"))
    cohort = Cohort.from_tables({"samples": samples, "outcomes": outcomes}, extra=extra)
    return cohort, status


def one_grouping(cohort: Cohort, ph_test: bool = False) -> None:
    d = survival_data(cohort, PFS, resolve_grouping(cohort, "ALT00"))
    kaplan_meier(d)
    logrank(d)
    cox_univariable(d, ph_test=ph_test)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    cohort, status = build_cohort(n)
    one_grouping(cohort)  # warm-up: imports lifelines, scipy
    # wall time and CPU time: on a shared machine the CPU time is the steadier figure
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for ph in (False, True):
        wall, cpu = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            one_grouping(cohort, ph_test=ph)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        what = "KM + log-rank + Cox" + (" + PH test" if ph else "")
        print(f"{n} samples: {what}, one grouping: median {statistics.median(wall):.3f} s "
              f"wall, {statistics.median(cpu):.3f} s CPU ({repeats} runs)")
    wall, cpu = [], []
    for _ in range(max(3, repeats // 2)):
        t0, c0 = time.perf_counter(), time.process_time()
        res = alteration_screen(cohort, PFS, status=status)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(f"{n} samples: alteration screen of {len(res.rows)} alterations: median "
          f"{statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU")


if __name__ == "__main__":
    main()
