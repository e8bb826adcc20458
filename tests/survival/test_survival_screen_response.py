"""Alteration screen (BH-FDR, progress, cancel) and response analyses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from imft_desktop.analysis.groupings import PFS, resolve_grouping
from imft_desktop.analysis.response import (
    fisher_response,
    measure_by_response,
    objective_response_rate,
    proportion,
    recist_distribution,
    response_data,
    swimmer_data,
    waterfall_data,
)
from imft_desktop.analysis.screen import alteration_screen
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.progress import Cancelled, Progress


def test_screen_rows_q_values_and_progress(alt_cohort):
    seen = []
    res = alteration_screen(alt_cohort, PFS, min_tested=10, min_altered=3,
                            progress=Progress(lambda f, m: seen.append(f), min_interval=0))
    assert res.rows and seen[-1] == 1.0
    ps = [r.p for r in res.rows]
    assert ps == sorted(ps)
    expected_q = stats.false_discovery_control(np.array(ps), method="bh")
    assert [r.q for r in res.rows] == pytest.approx(expected_q.tolist())
    fusion = next(r for r in res.rows if r.alteration == "ALK fusion")
    assert fusion.n_tested == 28  # two samples not sequenced: not tested, not negative
    assert "Benjamini-Hochberg" in res.method


def test_screen_skips_rare_alterations_with_reason(alt_cohort):
    res = alteration_screen(alt_cohort, PFS, min_tested=29)
    assert "ALK fusion" in res.skipped and "< 29" in res.skipped["ALK fusion"]


def test_screen_cancel(alt_cohort):
    p = Progress()
    p.cancel()
    with pytest.raises(Cancelled):
        alteration_screen(alt_cohort, PFS, progress=p)


def test_screen_separated_alteration_is_not_estimable():
    ids = [f"S{i}" for i in range(12)]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    out = pd.DataFrame({"patient_id": ids, "pfs_months": np.arange(1, 13, dtype=float),
                        "pfs_event": [1] * 6 + [0] * 6})
    c = Cohort.from_tables({"samples": samples, "outcomes": out})
    status = pd.DataFrame({"X": [1.0] * 3 + [0.0] * 9, "Y": [0.0] * 6 + [1.0] * 6},
                          index=ids)
    res = alteration_screen(c, PFS, min_tested=5, status=status)
    y = next(r for r in res.rows if r.alteration == "Y")
    assert y.hr is None and "monotone" in y.not_estimable


def test_orr_reproduces_published_alk_positive_ci():
    """Eur J Cancer 2021 CREATE update: ALK+ ORR 66.7% (8/12; exact 95% CI 34.9-90.1)."""
    p = proportion("ALK+", 8, 12)
    assert round(p.percent, 1) == 66.7
    assert (round(p.ci95[0], 1), round(p.ci95[1], 1)) == (34.9, 90.1)


def test_response_by_grouping_and_fisher(alt_cohort):
    g = resolve_grouping(alt_cohort, "ALK fusion")
    d = response_data(alt_cohort, g)
    orr = objective_response_rate(d)
    assert [p.label for p in orr.by_group] == ["no ALK fusion", "ALK fusion"]
    assert orr.by_group[1].percent == 100.0
    f = fisher_response(d)
    assert f.rows == ("ALK fusion", "no ALK fusion")
    assert f.table[0][1] == 0  # every ALK-fused patient responded
    assert f.p == pytest.approx(stats.fisher_exact(f.table)[1])
    assert f.odds_ratio == float("inf")  # conditional MLE with an empty cell, as R
    dist = recist_distribution(response_data(alt_cohort))
    assert dist.overall["NE"] == 1 and sum(dist.overall.values()) == 30


def test_fisher_conditional_or_matches_r():
    """R: fisher.test(matrix(c(8, 1, 4, 10), 2)) -> odds ratio 17.09, 95% CI 1.52-973.2,
    p = 0.009423 (scipy's conditional MLE reproduces R's estimate and CI)."""
    ids = [f"S{i}" for i in range(23)]
    resp = ["PR"] * 8 + ["SD"] * 4 + ["PR"] + ["SD"] * 10
    grp = ["pos"] * 12 + ["neg"] * 11
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    out = pd.DataFrame({"patient_id": ids, "best_response": resp})
    c = Cohort.from_tables({"samples": samples, "outcomes": out},
                           extra=pd.DataFrame({"ALK": grp}, index=ids))
    f = fisher_response(response_data(c, resolve_grouping(c, "ALK").with_reference("neg")))
    assert f.table == [[8, 4], [1, 10]]
    assert f.p == pytest.approx(0.009423, abs=5e-7)
    assert f.odds_ratio == pytest.approx(17.09, abs=0.005)
    assert f.ci[0] == pytest.approx(1.522, abs=5e-4)


def test_mann_whitney_methods():
    ids = [f"S{i}" for i in range(12)]
    resp = ["PR"] * 5 + ["PD"] * 7
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    out = pd.DataFrame({"patient_id": ids, "best_response": resp})
    no_ties = [3, 5, 8, 12, 14, 20, 22, 25, 27, 30, 35, 40]
    c = Cohort.from_tables({"samples": samples, "outcomes": out},
                           extra=pd.DataFrame({"m": no_ties, "t": [1, 1, 2, 2, 3, 3, 3, 4, 4,
                                                                   5, 5, 5]}, index=ids))
    r = measure_by_response(c, "m")
    assert r.p_method == "exact (no ties)"
    x, y = no_ties[:5], no_ties[5:]
    assert r.p == pytest.approx(stats.mannwhitneyu(x, y, method="exact").pvalue)
    assert r.rank_biserial == pytest.approx(2 * r.u / 35 - 1)
    assert r.medians["responder (CR/PR)"] == 8
    rt = measure_by_response(c, "t")
    assert rt.ties and rt.p_method.startswith("exact permutation")
    assert rt.p_asymptotic == pytest.approx(stats.mannwhitneyu(
        [1, 1, 2, 2, 3], [3, 3, 4, 4, 5, 5, 5], method="asymptotic").pvalue)


def test_cna_burden_measure(alt_cohort):
    pytest.importorskip("imft_desktop.analysis.copy_number")
    r = measure_by_response(alt_cohort, "cna_burden")
    assert r.measure.startswith("CNA burden")
    assert sum(r.n.values()) <= 28  # only copy-number-tested samples


def test_waterfall_and_swimmer_data(alt_cohort):
    w = waterfall_data(alt_cohort)
    assert list(w["best_percent_change"]) == sorted(w["best_percent_change"], reverse=True)
    s = swimmer_data(alt_cohort)
    assert list(s["duration"]) == sorted(s["duration"])
    assert s["progressed"].dtype == bool


def test_exact_u_distribution_and_hodges_lehmann_ci():
    from imft_desktop.analysis.response import hodges_lehmann_ci, u_null_cdf

    rng = np.random.default_rng(0)
    for n1, n2 in ((3, 4), (7, 9), (20, 25)):
        x, y = rng.normal(size=n1), rng.normal(size=n2) + 0.5
        u = stats.mannwhitneyu(x, y, method="exact").statistic
        ref = stats.mannwhitneyu(x, y, method="exact", alternative="less").pvalue
        assert u_null_cdf(n1, n2)[int(u)] == pytest.approx(ref, rel=1e-9)
    # R ?wilcox.test example data; R's rule: diffs[qu] and diffs[n1*n2 - qu + 1] with
    # qu = qwilcox(0.025, 10, 5) = 9, so the CI is the 9th smallest and largest difference
    x = np.array([0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46])
    y = np.array([1.15, 0.88, 0.90, 0.74, 1.21])
    cdf = u_null_cdf(10, 5)
    assert cdf[8] < 0.025 <= cdf[9]  # qwilcox(0.025, 10, 5) = 9
    diffs = np.sort(np.subtract.outer(x, y).ravel())
    assert hodges_lehmann_ci(x, y) == (diffs[8], diffs[50 - 9])
    assert hodges_lehmann_ci(np.array([1.0, 2.0]), np.array([2.0, 3.0])) is None  # ties


def test_hodges_lehmann_by_selection_equals_building_every_difference(monkeypatch):
    import numpy as np

    from imft_desktop.analysis import response

    rng = np.random.default_rng(7)
    monkeypatch.setattr(response, "_HL_PAIRS_IN_MEMORY", 30)  # force selection rounds
    for trial in range(300):
        m, n = (int(v) for v in rng.integers(1, 30, 2))
        if trial % 3 == 0:  # integer counts with many ties, like a CNA burden
            x, y = rng.integers(0, 5, m).astype(float), rng.integers(0, 5, n).astype(float)
        elif trial % 3 == 1:
            x, y = rng.normal(size=m), rng.normal(1, 3, size=n)
        else:  # very different scales: rounding must agree with the built differences
            x, y = rng.normal(size=m) * 1e-9, rng.normal(size=n) * 1e6
        diffs = np.sort(np.subtract.outer(x, y).ravel())
        for k in (0, diffs.size // 3, diffs.size - 1):
            assert response._kth_difference(x, np.sort(y), k) == diffs[k]
        assert response.hodges_lehmann(x, y) == np.median(diffs)
    # a large cohort needs no m x n matrix (11k x 18k pairs were 1.6 GB)
    monkeypatch.setattr(response, "_HL_PAIRS_IN_MEMORY", 4_000_000)
    x, y = rng.integers(0, 6, 11_000).astype(float), rng.integers(0, 6, 18_000).astype(float)
    assert response.hodges_lehmann(x, y) == 0.0
