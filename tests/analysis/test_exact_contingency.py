"""Fisher's exact test of r x c tables (Fisher-Freeman-Halton): against an exact
enumeration in rational arithmetic, against R ``fisher.test`` (tests/r_reference, written
by scripts/r_reference.R), and the Monte Carlo fallback."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from imft_desktop.analysis.exact_contingency import (
    RELATIVE_TOLERANCE,
    ExactBudgetExceeded,
    drop_empty,
    ffh_exact_p,
    ffh_monte_carlo_p,
    fisher_test,
    random_tables,
)

R_REF = Path(__file__).resolve().parents[1] / "r_reference"


def r_reference(name: str) -> pd.DataFrame:
    path = R_REF / name
    assert path.exists(), f"R reference {name} missing: run scripts/r_reference.R"
    return pd.read_csv(path, dtype={"p": str, "statistic": str})


def tables_with_margins(rows: list[int], cols: list[int]):
    """Every table with the given margins (column by column)."""
    if len(cols) == 1:
        yield [list(rows)]
        return
    for fill in itertools.product(*(range(min(r, cols[0]) + 1) for r in rows)):
        if sum(fill) == cols[0]:
            rest = [r - f for r, f in zip(rows, fill)]
            for tail in tables_with_margins(rest, cols[1:]):
                yield [list(fill), *tail]


def enumerated_p(table: np.ndarray) -> float:
    """The Fisher-Freeman-Halton p by listing every table, in exact fractions."""
    rows, cols = table.sum(axis=1).tolist(), table.sum(axis=0).tolist()
    n = sum(rows)
    const = Fraction(math.prod(map(math.factorial, rows + cols)), math.factorial(n))

    def prob(columns) -> Fraction:
        return const / math.prod(math.factorial(x) for col in columns for x in col)

    observed = prob(table.T.tolist())
    limit = observed * (1 + Fraction(RELATIVE_TOLERANCE))
    return float(sum(p for t in tables_with_margins(rows, cols) if (p := prob(t)) <= limit))


def test_matches_exact_enumeration_on_random_small_tables():
    rng = np.random.default_rng(11)
    checked = 0
    while checked < 120:
        shape = tuple(rng.integers(2, 5, 2))
        table = drop_empty(rng.integers(0, 4, shape))
        if min(table.shape) < 2:
            continue
        assert ffh_exact_p(table) == pytest.approx(enumerated_p(table), rel=1e-11, abs=1e-15)
        checked += 1


def test_symmetric_tables_count_every_tie():
    # every permutation of this table is equally probable: R's p is 1
    table = np.array([[2, 1, 1], [1, 2, 1], [1, 1, 2]])
    assert ffh_exact_p(table) == pytest.approx(enumerated_p(table), rel=1e-11)
    assert fisher_test([[3, 0], [0, 3]]).p == pytest.approx(0.1, rel=1e-12)


def test_agrees_with_r_fisher_test():
    ref = r_reference("fisher_rxc.csv")
    assert len(ref) >= 200
    shapes = set()
    worst = 0.0
    for case in ref.itertuples():
        table = np.array(case.counts.split(), dtype=int).reshape(case.nrow, case.ncol)
        result = fisher_test(table)
        assert result.exact, case.case  # small tables: counted, never sampled
        expected = float(case.p)
        assert result.p == pytest.approx(expected, rel=1e-9, abs=1e-12), case.case
        worst = max(worst, abs(result.p - expected))
        shapes.add((case.nrow, case.ncol))
    assert {(2, 2), (2, 3), (3, 3), (3, 2), (4, 4), (5, 5)} <= shapes
    assert worst < 1e-9


def test_two_by_two_is_scipys_fisher_exact():
    table = [[7, 4], [12, 1]]
    result = fisher_test(table)
    assert result.name == "Fisher's exact test"
    assert result.p == stats.fisher_exact(table)[1]


def test_empty_rows_and_columns_drop_out_and_too_little_is_refused():
    with_empty = np.array([[2, 0, 1], [0, 0, 0], [1, 0, 3]])
    assert fisher_test(with_empty).table == ((2, 1), (1, 3))
    with pytest.raises(ValueError):
        fisher_test([[3, 4], [0, 0]])
    with pytest.raises(ValueError):
        fisher_test([[-1, 2], [3, 4]])


def test_over_budget_the_p_is_monte_carlo_and_says_so():
    table = np.array([[3, 1, 4, 2], [2, 5, 1, 3], [4, 2, 3, 1], [1, 3, 2, 5]])
    with pytest.raises(ExactBudgetExceeded):
        ffh_exact_p(table, budget=100)
    exact = fisher_test(table)
    sampled = fisher_test(table, budget=100, monte_carlo_tables=20_000)
    assert exact.exact and not sampled.exact
    assert "Monte Carlo" in sampled.name and "20,000" in sampled.name
    assert "seed" in sampled.method
    se = math.sqrt(exact.p * (1 - exact.p) / 20_000)
    assert abs(sampled.p - exact.p) < 5 * se
    # a fixed seed: the same table gives the same p every time
    assert fisher_test(table, budget=100, monte_carlo_tables=20_000).p == sampled.p


def test_random_tables_keep_the_margins_and_follow_the_hypergeometric_law():
    rng = np.random.default_rng(3)
    tables = random_tables([3, 5, 2], [4, 6], 40_000, rng)
    assert (tables.sum(axis=2) == [3, 5, 2]).all()
    assert (tables.sum(axis=1) == [4, 6]).all()
    # the top-left cell of a random table: hypergeometric(3 of 10 in row 1, 4 drawn)
    freq = np.bincount(tables[:, 0, 0], minlength=4) / len(tables)
    assert freq == pytest.approx(stats.hypergeom(10, 3, 4).pmf(range(4)), abs=0.01)


def test_monte_carlo_p_follows_rs_rule():
    # (1 + hits) / (B + 1): never 0, at most 1
    p = ffh_monte_carlo_p(np.array([[10, 0, 0], [0, 10, 0], [0, 0, 10]]), 500)
    assert p == pytest.approx(1 / 501)
