"""Exact permutation distribution of the Wilcoxon rank-sum statistic, ties allowed.

The conditional (permutation) null distribution of the sum of midranks of one group,
given the tie pattern of the pooled sample, is what R's ``coin::wilcox_test(...,
distribution = "exact")`` computes with the Streitberg-Roehmel shift algorithm.  Here
the midranks are doubled (so every score is an integer) and the number of ways each
sum arises for a subset of ``m`` of the ``N`` pooled values is counted by dynamic
programming over the values in ascending order: row ``k`` holds the counts of the sums
of ``k`` chosen values.  Because the values come in ascending order, the possible sums
of row ``k`` after ``c`` values form the band ``[P[k], P[c] - P[c - k]]`` (``P`` the
prefix sums of the sorted scores), so each row is stored from its own minimum and the
work is the sum of band widths rather than ``m x`` the full range (about 0.1-0.3 s
for N = 300 instead of several seconds).

Two-sided p as coin defines it: ``P(|T - E T| >= |t - E T|)``, which with ties is not
twice a tail (the distribution need not be symmetric).  Comparisons are on the integer
(doubled) scale, so no tolerance is needed.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

#: Above this many band cells the exact count is not attempted: about 1-1.5 ns a cell
#: here, so at most about a second (150 + 150 values: 2.5e8 cells, 0.22-0.39 s;
#: 200 + 200: 8e8, 0.6-1.3 s).  Counts are floats and must also stay below 1e308
#: (C(N, m), N up to ~1,000).
EXACT_CELL_BUDGET = 1e9


def doubled_midranks(values: np.ndarray) -> np.ndarray:
    """Midranks times two (integers) of ``values``, ties sharing their mean rank."""
    return np.rint(2.0 * stats.rankdata(values, method="average")).astype(np.int64)


def exact_cost(n1: int, n2: int) -> float:
    """Number of band cells the exact count adds (untied worst case), for the budget.

    Row ``k`` after ``c`` values is ``2 k (c - k) + 1`` cells wide on the doubled scale;
    summed over the rows updated at each step (``m - (N - c - 1) <= k <= min(c + 1, m)``).
    """
    m, big_n = min(n1, n2), n1 + n2
    c = np.arange(big_n, dtype=float)[:, None]
    k = np.arange(1, m + 1, dtype=float)[None, :]
    live = (k <= c + 1) & (k >= m - (big_n - c - 1))
    return float(np.where(live, 2.0 * (k - 1) * (c - k + 1) + 1.0, 0.0).sum())


def rank_sum_counts(scores: np.ndarray, m: int) -> tuple[np.ndarray, int]:
    """Counts of every sum of ``m`` of the integer ``scores`` (all C(N, m) subsets).

    Returns ``(counts, offset)``: ``counts[i]`` subsets have sum ``offset + i``.
    Counts are float64 (exact integers up to 2**53, then relative error ~1e-15 per
    addition; all additions are of non-negative numbers, so no cancellation).
    """
    s = np.sort(np.asarray(scores, dtype=np.int64))
    n = s.size
    if not 0 <= m <= n:
        raise ValueError("m must be between 0 and the number of scores")
    # plain ints: the inner loop runs N x m times and numpy scalars are slow there
    prefix = [0, *np.cumsum(s).tolist()]
    sl = s.tolist()
    # row k is last written after value n - (m - k) (later it could not reach m), so
    # its band ends at P[n - m + k] - P[n - m]; allocating just that saves memory
    rows = [np.zeros(prefix[n - m + k] - prefix[n - m] - prefix[k] + 1) for k in range(m + 1)]
    rows[0][0] = 1.0
    for c in range(n):  # add score s[c]; c values have been seen
        a = sl[c]
        k_hi = min(c + 1, m)
        k_lo = max(1, m - (n - c - 1))  # rows below can no longer reach m
        for k in range(k_hi, k_lo - 1, -1):  # descending: row k-1 still holds step c
            src = rows[k - 1]
            used = prefix[c] - prefix[c - k + 1] - prefix[k - 1] + 1
            shift = a - sl[k - 1]  # offset of row k minus offset of row k-1, plus a
            rows[k][shift:shift + used] += src[:used]
        if k_lo > 1:
            rows[k_lo - 1] = rows[0][:0]  # read for the last time: free it
    return rows[m], prefix[m]


def exact_ranksum_p(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sided exact conditional p of the Wilcoxon rank-sum test (ties allowed).

    ``P(|T - E T| >= |t - E T|)`` with ``T`` the midrank sum of the smaller group under
    all ``C(N, m)`` equally likely relabelings, as coin's exact ``wilcox_test``.  A group
    of one is fine (scipy's ``permutation_test`` refuses it).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size == 0 or y.size == 0:
        raise ValueError("both groups need at least one value")
    scores = doubled_midranks(np.r_[x, y])
    small_first = x.size <= y.size  # count the smaller group: fewer rows
    m = x.size if small_first else y.size
    observed = int(scores[:x.size].sum()) if small_first else int(scores[x.size:].sum())
    counts, offset = rank_sum_counts(scores, m)
    n = scores.size
    centre2 = m * (n + 1)  # E T on the doubled scale: m times the mean doubled rank
    sums = offset + np.arange(counts.size)
    extreme = np.abs(sums - centre2) >= abs(observed - centre2)
    p = float(counts[extreme].sum() / counts.sum())
    return min(p, 1.0)


def exact_feasible(n1: int, n2: int) -> bool:
    """True when the exact count fits the time budget and a double's range."""
    return exact_cost(n1, n2) <= EXACT_CELL_BUDGET and math.lgamma(n1 + n2 + 1) - math.lgamma(
        n1 + 1) - math.lgamma(n2 + 1) < 700.0
