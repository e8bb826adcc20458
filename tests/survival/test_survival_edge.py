"""Kaplan-Meier and log-rank on small and odd data: honest flags, never a silent p = 1."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import multivariate_logrank_test

from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data
from imft_desktop.analysis.survival import (
    kaplan_meier,
    km_group,
    logrank,
    logrank_trend,
    pairwise_logrank,
    permutation_logrank,
    quantile_time,
)
from imft_desktop.model.cohort import Cohort


def cohort(times, events, groups) -> Cohort:
    ids = [f"S{i}" for i in range(len(times))]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    out = pd.DataFrame({"patient_id": ids, "pfs_months": times, "pfs_event": events})
    extra = pd.DataFrame({"grp": groups}, index=ids)
    return Cohort.from_tables({"samples": samples, "outcomes": out}, extra=extra)


def data_of(times, events, groups):
    c = cohort(times, events, groups)
    return survival_data(c, PFS, resolve_grouping(c, "grp"))


def test_all_censored_is_not_testable_not_p_1():
    d = data_of([1, 2, 3, 4, 5, 6], [0] * 6, list("aaabbb"))
    res = logrank(d)
    assert res.p is None and res.not_testable == "not testable (0 events)"
    km = kaplan_meier(d)
    assert km.groups[0].median is None and not km.groups[0].median_reached


def test_small_groups_are_flagged():
    d = data_of([1, 2, 3, 4, 5], [1, 1, 0, 1, 0], list("aabbb"))
    res = logrank(d)
    assert res.p is not None
    assert any("only 2 patient(s)" in w for w in res.warnings)
    assert any("event(s)" in w for w in res.warnings)


def test_median_not_reached_and_midpoint_rule():
    g = km_group(np.array([1.0, 2, 3, 4]), np.array([1, 0, 0, 0]), "x")
    assert g.median is None and not g.median_reached
    # S = 0.5 exactly on [2, 3): R takes the midpoint 2.5
    g2 = km_group(np.array([1.0, 2, 3, 4]), np.array([1, 1, 1, 1]), "y")
    assert g2.median == 2.5
    assert quantile_time(np.array([1.0, 2.0]), np.array([0.8, 0.7])) is None


def test_k_group_logrank_matches_lifelines_when_all_groups_have_events():
    rng = np.random.default_rng(3)
    t = rng.exponential(10, 60).round(1) + 0.1
    e = rng.integers(0, 2, 60)
    g = np.repeat(["a", "b", "c"], 20)
    d = data_of(t, e, g)
    ours = logrank(d)
    theirs = multivariate_logrank_test(t, g, e)
    assert ours.df == 2
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-10)
    assert ours.p == pytest.approx(theirs.p_value, rel=1e-10)


def test_trend_and_pairwise_bh():
    rng = np.random.default_rng(5)
    g = np.repeat(["1", "2", "3"], 15)
    t = np.r_[rng.exponential(20, 15), rng.exponential(10, 15), rng.exponential(5, 15)] + 0.1
    d = data_of(t.round(2), np.ones(45, dtype=int), g)
    tr = logrank_trend(d)
    assert tr.df == 1 and tr.p is not None and tr.p < 0.05
    pw = pairwise_logrank(d)
    assert len(pw.rows) == 3
    ps = np.array([r.p for r in pw.rows])
    qs = np.array([r.q for r in pw.rows])
    assert np.all(qs >= ps - 1e-15)
    assert pw.correction == "Benjamini-Hochberg"


def test_permutation_exact_enumeration_small():
    d = data_of([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 0, 1, 1, 0, 1], list("aaaabbbb"))
    res = permutation_logrank(d)
    assert "all 70 relabelings" in res.method
    # exact p is a multiple of 1/70 and is at least 1/70 (the observed labelling)
    assert res.p is not None and res.p >= 1 / 70
    assert math.isclose(res.p * 70, round(res.p * 70), abs_tol=1e-9)


def test_permutation_monte_carlo_is_reproducible_and_close_to_asymptotic():
    rng = np.random.default_rng(7)
    t = rng.exponential(10, 40).round(2) + 0.1
    e = rng.integers(0, 2, 40)
    g = np.repeat(["a", "b"], 20)
    d = data_of(t, e, g)
    p1 = permutation_logrank(d, n_permutations=2000, max_enumerate=0)
    p2 = permutation_logrank(d, n_permutations=2000, max_enumerate=0)
    assert p1.p == p2.p
    assert abs(p1.p - logrank(d).p) < 0.08


def test_survival_at_and_tables():
    d = data_of([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 0, 1], list("aaabbb"))
    km = kaplan_meier(d)
    s, lo, hi = km.group("a").survival_at(1.5)
    assert s == pytest.approx(2 / 3)
    assert lo is not None and hi is not None and lo < s <= hi
    assert km.group("a").survival_at(99) == (None, None, None)
    assert km.risk_table([0, 2, 4]).loc["b"].tolist() == [3, 3, 3]
    assert km.events_table([10]).loc["a", 10] == 2


def test_cox_keeps_only_warnings_from_the_fit_libraries():
    """catch_warnings is process-wide: a GUI thread's warning is not the fit's."""
    from imft_desktop.analysis.cox import _from_fit_libraries

    assert _from_fit_libraries("/venv/lib/python3.11/site-packages/lifelines/fitters/x.py")
    assert _from_fit_libraries("C:\\venv\\Lib\\site-packages\\numpy\\linalg\\linalg.py")
    assert not _from_fit_libraries("/venv/lib/python3.11/site-packages/PySide6/__init__.py")
    assert not _from_fit_libraries("/work/main/imft_desktop/qt/app_setup.py")
