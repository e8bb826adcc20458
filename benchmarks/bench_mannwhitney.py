"""Benchmark: exact Mann-Whitney p with ties (``exact_ranksum_p``) by cohort size.

Values are integers 0-44 (CNA-burden-like, many ties), the groups split evenly or 1:4.
Target: 300 patients (150 + 150) well under a second.
Run: ``python benchmarks/bench_mannwhitney.py [repeats]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from imft_desktop.analysis.exact_ranksum import exact_cost, exact_feasible, exact_ranksum_p


def timed(x: np.ndarray, y: np.ndarray, repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` runs."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        exact_ranksum_p(x, y)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rng = np.random.default_rng(0)
    for n1, n2 in ((25, 25), (10, 40), (75, 75), (30, 120), (150, 150), (60, 240),
                   (200, 200)):
        x = rng.integers(0, 40, n1).astype(float)
        y = rng.integers(4, 45, n2).astype(float)
        times = timed(x, y, repeats)
        print(f"n = {n1 + n2:3d} ({n1} + {n2}): median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}); {exact_cost(n1, n2):.2e} cells, "
              f"exact {'yes' if exact_feasible(n1, n2) else 'no'}")


if __name__ == "__main__":
    main()
