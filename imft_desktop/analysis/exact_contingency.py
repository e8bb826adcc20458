"""Fisher's exact test for any r x c table: two-sided p as R's ``fisher.test``.

A 2x2 table goes to ``scipy.stats.fisher_exact`` (the hypergeometric tail R sums).
A larger table gets the Fisher-Freeman-Halton p: the probability, under the
multivariate hypergeometric law of all tables with the observed margins, of the tables
no more probable than the observed one (R counts a table whose probability is within a
relative ``1e-7`` of the observed as "no more probable"; so does this module).

The tables are counted exactly by a network algorithm in the spirit of Mehta & Patel
(1983), the one R's FEXACT implements: columns are filled one at a time (the longer
side of the table is made the columns, so each step distributes a small count over
few rows); a node is the multiset of row totals still to fill, so partial tables that
leave the same totals (in any row order) share one node.  Each node keeps the distinct
"past" weights (the log of the product of the factorials already placed; equal ones
reached in another order meet) of the partial tables that reach it.  For a past
weight, bounds on the weight of every completion decide at once when all completions
count (their summed probability has a closed form) or none does; only the undecided
ones are expanded.  Counting, not sampling: the p is exact (to float rounding, about
1e-13 relative).

Only when the count would take more than about a second (hundreds of patients in a
table with many cells, beyond what this program is for) is the p estimated by Monte
Carlo (random tables with the observed margins, a fixed seed, R's
``simulate.p.value`` rule ``(1 + hits) / (B + 1)``); the result then says so, and
every view prints the test name that carries it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: R's tolerance: a table counts as "no more probable" than the observed one when its
#: probability is at most the observed one times ``1 + RELATIVE_TOLERANCE``.
RELATIVE_TOLERANCE = 1e-7
#: Work units the exact count may take, about a second: a past weight looked at or
#: carried to a child node is one unit (~0.2-0.3 us), a column filling ten (its
#: enumeration, factorials and sorted child, ~3 us).  Over it, the Monte Carlo p of
#: 20,000 tables takes 0.05-0.5 s more.
EXACT_WORK_BUDGET = 3_000_000
FILLING_WORK = 10
#: Random tables drawn when the exact count is over the budget.
MONTE_CARLO_TABLES = 20_000
MONTE_CARLO_SEED = 20_240_613
#: Past weights (logs) meet in one entry when they agree to 1/PAST_SCALE: equal products
#: of factorials reached in another order differ only by float rounding (~1e-14).
PAST_SCALE = 10**10


class ExactBudgetExceeded(RuntimeError):
    """The exact count would take more than ``EXACT_WORK_BUDGET`` work units."""


@dataclass(frozen=True, slots=True)
class ContingencyTest:
    """Two-sided Fisher (2x2) or Fisher-Freeman-Halton (r x c) test of one table.

    ``table`` is the table tested (all-zero rows and columns removed); ``method`` says
    how p was found ("exact", or "Monte Carlo, 100,000 tables, seed ...").
    """

    name: str
    p: float
    table: tuple[tuple[int, ...], ...]
    exact: bool
    method: str
    monte_carlo_tables: int | None = None


def drop_empty(table: np.ndarray) -> np.ndarray:
    """``table`` without its all-zero rows and columns (they carry no information)."""
    t = np.asarray(table, dtype=np.int64)
    return t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]


def fisher_test(table: Sequence[Sequence[int]] | np.ndarray, *,
                budget: int = EXACT_WORK_BUDGET,
                monte_carlo_tables: int = MONTE_CARLO_TABLES,
                seed: int = MONTE_CARLO_SEED) -> ContingencyTest:
    """Fisher's exact test (two-sided) of an r x c table of counts.

    Raises
    ------
    ValueError
        When, after all-zero rows and columns are removed, fewer than two rows or two
        columns are left (nothing to test), or a count is negative.
    """
    t = np.asarray(table, dtype=np.int64)
    if t.ndim != 2 or (t < 0).any():
        raise ValueError("a table of non-negative counts is needed")
    t = drop_empty(t)
    if t.shape[0] < 2 or t.shape[1] < 2:
        raise ValueError("at least two rows and two columns with counts are needed")
    cells = tuple(tuple(int(v) for v in row) for row in t)
    if t.shape == (2, 2):
        p = float(stats.fisher_exact(t, alternative="two-sided")[1])
        return ContingencyTest("Fisher's exact test", min(p, 1.0), cells, True, "exact")
    name = "Fisher-Freeman-Halton exact test"
    try:
        p = ffh_exact_p(t, budget=budget)
    except ExactBudgetExceeded:
        p = ffh_monte_carlo_p(t, monte_carlo_tables, seed)
        how = (f"Monte Carlo p from {monte_carlo_tables:,} random tables with the observed "
               f"margins (seed {seed}); the exact count was too large")
        return ContingencyTest(f"{name} (Monte Carlo p, {monte_carlo_tables:,} tables)",
                               p, cells, False, how, monte_carlo_tables)
    return ContingencyTest(name, p, cells, True, "exact (network algorithm)")


# ------------------------------------------------------------------ exact r x c
def _log_factorial(n: int) -> float:
    return math.lgamma(n + 1)


def _even_fill(total: int, caps: Sequence[int]) -> list[int]:
    """``total`` units over cells capped by ``caps``, as evenly as the caps allow.

    Minimises the sum of log(f!) (a separable convex objective: giving each unit to the
    cell with the smallest count so far, among those below their cap, is optimal), so
    ``1 / prod f!`` of the result is the largest weight one column can have.
    """
    order = sorted(range(len(caps)), key=lambda i: caps[i])
    fill = [0] * len(caps)
    left = total
    # water-filling: the smallest caps are filled up first, the rest share evenly
    for k, i in enumerate(order):
        share = left // (len(order) - k)
        take = min(caps[i], share)
        fill[i] = take
        left -= take
    # integer remainders: one more unit to the cells still below their cap
    for i in sorted(range(len(caps)), key=lambda i: (fill[i], -caps[i])):
        if left == 0:
            break
        if fill[i] < caps[i]:
            fill[i] += 1
            left -= 1
    return fill


def _concentrated_fill(total: int, caps: Sequence[int]) -> list[int]:
    """``total`` units with the largest caps filled first: the largest sum of log(f!)
    (moving a unit from a smaller to a larger, non-full cell never lowers it), so
    ``1 / prod f!`` of the result is the smallest weight one column can have."""
    fill = [0] * len(caps)
    left = total
    for i in sorted(range(len(caps)), key=lambda i: -caps[i]):
        take = min(caps[i], left)
        fill[i] = take
        left -= take
    return fill


def _column_fillings(total: int, caps: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """Every way to put ``total`` units into cells with the given caps."""
    n = len(caps)
    suffix = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + caps[i]
    fill = [0] * n

    def rec(i: int, left: int) -> Iterator[tuple[int, ...]]:
        if i == n - 1:
            fill[i] = left
            yield tuple(fill)
            return
        lo = max(0, left - suffix[i + 1])
        for v in range(lo, min(caps[i], left) + 1):
            fill[i] = v
            yield from rec(i + 1, left - v)

    if total <= suffix[0]:
        yield from rec(0, total)


def ffh_exact_p(table: np.ndarray, *, budget: int = EXACT_WORK_BUDGET) -> float:
    """Exact two-sided Fisher-Freeman-Halton p of ``table`` (no all-zero row or column).

    ``P(table) = prod R_i! prod C_j! / (N! prod x_ij!)``; the p sums it over the
    tables with ``P <= P(observed) * (1 + RELATIVE_TOLERANCE)``.

    Raises
    ------
    ExactBudgetExceeded
        When the count takes more than ``budget`` work units (see
        ``EXACT_WORK_BUDGET``).
    """
    t = np.asarray(table, dtype=np.int64)
    if t.shape[0] > t.shape[1]:
        t = t.T  # the longer side as columns: many small steps over few rows
    rows = [int(v) for v in t.sum(axis=1)]
    # large columns first: the early steps then decide more of the table
    cols = sorted((int(v) for v in t.sum(axis=0)), reverse=True)
    n = sum(rows)
    # log(k!) looked up, never recomputed: big cohorts would make factorials big integers
    lf = [math.lgamma(k + 1) for k in range(n + 1)]
    log_const = sum(lf[r] for r in rows) + sum(lf[c] for c in cols) - lf[n]
    log_observed = sum(lf[int(v)] for v in t.ravel())  # log prod x_ij!
    log_tol = math.log1p(RELATIVE_TOLERANCE)
    # log of the summed completion weights of the columns from k on, per node: closed form
    suffix_cols = [sum(cols[k:]) for k in range(len(cols) + 1)]
    log_fact_cols = [sum(lf[c] for c in cols[k:]) for k in range(len(cols) + 1)]

    # node (sorted remaining row totals) -> {key: [log of the past product of factorials,
    # paths]}; the key is that log in units of 1/PAST_SCALE, so equal products summed in
    # another order (6! and 3! 5!) meet in one entry
    nodes: dict[tuple[int, ...], dict[int, list[float]]] = {
        tuple(sorted(rows)): {0: [0.0, 1.0]}}
    p = 0.0
    work = 0
    for k, total in enumerate(cols):
        later = cols[k + 1:]
        grown: dict[tuple[int, ...], dict[int, list[float]]] = defaultdict(dict)
        for node, pasts in nodes.items():
            log_all = lf[suffix_cols[k]] - sum(lf[r] for r in node) - log_fact_cols[k]
            # Bounds on one completion's weight 1/prod(f!): each column on its own, with
            # the node's totals as caps (a relaxation, so the bounds hold).
            log_max = -sum(lf[f] for c in (total, *later) for f in _even_fill(c, node))
            log_min = -sum(lf[f] for c in (total, *later) for f in _concentrated_fill(c, node))
            undecided: list[tuple[float, float]] = []
            work += len(pasts)
            if work > budget:
                raise ExactBudgetExceeded(f"more than {budget:,} work units")
            for past, paths in pasts.values():
                # a completion of weight w makes a table of probability const * w / past;
                # it counts when w / past <= (1 + tol) / observed
                limit = log_tol + past - log_observed
                if log_max <= limit:
                    p += paths * math.exp(log_const - past + log_all)
                elif log_min <= limit:
                    undecided.append((past, paths))
            if not undecided:
                continue
            for fill in _column_fillings(total, node):
                work += FILLING_WORK + len(undecided)
                if work > budget:
                    raise ExactBudgetExceeded(f"more than {budget:,} work units")
                placed = sum(map(lf.__getitem__, fill))
                child = tuple(sorted(r - f for r, f in zip(node, fill)))
                bucket = grown[child]
                for past, paths in undecided:
                    value = past + placed
                    key = round(value * PAST_SCALE)
                    entry = bucket.get(key)
                    if entry is None:
                        bucket[key] = [value, paths]
                    else:
                        entry[1] += paths
        nodes = grown  # type: ignore[assignment]
    # after the last column every node is the empty table: decided above
    return min(max(p, 0.0), 1.0)


# ------------------------------------------------------------------ Monte Carlo
def random_tables(rows: Sequence[int], cols: Sequence[int], n_tables: int,
                  rng: np.random.Generator) -> np.ndarray:
    """``n_tables`` random tables with the given margins under the multivariate
    hypergeometric law (what R's ``r2dtable`` draws), shape ``(n_tables, r, c)``.

    Column by column, row by row, each cell is a hypergeometric draw from what is left
    (the column's units are a random subset of the units not yet placed), so the cost
    is ``r x c`` vectorised draws whatever the number of patients.
    """
    r, c = len(rows), len(cols)
    out = np.zeros((n_tables, r, c), dtype=np.int64)
    remaining = np.tile(np.asarray(rows, dtype=np.int64), (n_tables, 1))
    for j in range(c - 1):
        left = np.full(n_tables, int(cols[j]), dtype=np.int64)
        behind = remaining.sum(axis=1)
        for i in range(r - 1):
            behind = behind - remaining[:, i]
            x = rng.hypergeometric(remaining[:, i], behind, left)
            out[:, i, j] = x
            remaining[:, i] -= x
            left -= x
        out[:, r - 1, j] = left
        remaining[:, r - 1] -= left
    out[:, :, c - 1] = remaining
    return out


def ffh_monte_carlo_p(table: np.ndarray, n_tables: int = MONTE_CARLO_TABLES,
                      seed: int = MONTE_CARLO_SEED) -> float:
    """Monte Carlo Fisher-Freeman-Halton p: ``(1 + hits) / (B + 1)`` over ``B`` random
    tables with the observed margins, a hit being a table no more probable than the
    observed one (R's ``simulate.p.value`` rule and tolerance)."""
    t = np.asarray(table, dtype=np.int64)
    rows, cols = t.sum(axis=1).tolist(), t.sum(axis=0).tolist()
    n = int(t.sum())
    log_fact = np.array([_log_factorial(i) for i in range(n + 1)])
    observed = float(log_fact[t].sum())
    rng = np.random.default_rng(seed)
    almost_one = 1 + 64 * np.finfo(float).eps
    hits = 0
    chunk = max(1, min(n_tables, 4_000_000 // max(t.size, 1)))
    done = 0
    while done < n_tables:
        b = min(chunk, n_tables - done)
        sims = log_fact[random_tables(rows, cols, b, rng)].sum(axis=(1, 2))
        # R: -sum(lfactorial(sim)) <= -sum(lfactorial(observed)) / almost.1
        hits += int(np.count_nonzero(-sims <= -observed / almost_one))
        done += b
    return (1 + hits) / (n_tables + 1)
