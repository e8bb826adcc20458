"""Cox models: Efron fits, honest 'not estimable', PH check and Firth's penalised Cox."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imft_desktop.analysis.cox import _breslow, _penalised, cox_univariable, firth_cox, fit_cox
from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data
from imft_desktop.model.cohort import Cohort


def data_of(times, events, groups):
    ids = [f"S{i}" for i in range(len(times))]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    out = pd.DataFrame({"patient_id": ids, "pfs_months": times, "pfs_event": events})
    c = Cohort.from_tables({"samples": samples, "outcomes": out},
                           extra=pd.DataFrame({"grp": groups}, index=ids))
    return survival_data(c, PFS, resolve_grouping(c, "grp"))


SEP_T = [2, 3, 4, 5, 6, 7, 8, 9, 3, 5, 7, 9, 11, 13, 15, 17]
SEP_E = [1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
SEP_G = ["mut"] * 8 + ["wt"] * 8


def test_separation_is_not_estimable_not_a_number():
    res = cox_univariable(data_of(SEP_T, SEP_E, SEP_G))
    t = res.terms[0]
    assert t.hr is None and t.p is None
    assert "monotone likelihood" in t.not_estimable
    assert not res.estimable


def test_firth_gives_finite_hr_under_separation():
    res = cox_univariable(data_of(SEP_T, SEP_E, SEP_G).__class__(
        *_swap_ref(data_of(SEP_T, SEP_E, SEP_G))), firth=True)
    t = res.terms[0]
    assert res.penalised and res.ties == "Breslow"
    assert t.hr is not None and np.isfinite(t.hr) and t.hr > 5
    lo, hi = t.ci
    assert lo is not None and hi is not None and lo < t.hr < hi
    assert 0 < t.p < 0.05
    assert "profile" in res.method


def _swap_ref(d):
    # make "wt" (no events) the reference: HR of mut vs wt is +infinite without Firth
    return d.frame, d.endpoint, d.grouping.with_reference("wt"), ("wt", "mut"), d.excluded


def test_firth_close_to_ordinary_cox_without_separation():
    rng = np.random.default_rng(11)
    n = 120
    x = rng.integers(0, 2, n)
    t = rng.exponential(1 / np.exp(0.7 * x)) + 1e-3
    e = (rng.uniform(size=n) < 0.8).astype(int)
    fit = firth_cox(t, e, x.astype(float))
    # unpenalised Breslow estimate by Newton-Raphson on the same likelihood
    b = np.zeros(1)
    for _ in range(50):
        _, sc, inf, _ = _breslow(b, t, e, x[:, None].astype(float), False)
        b = b + np.linalg.solve(inf, sc)
    assert abs(fit.coef[0] - b[0]) < 0.05
    assert abs(fit.coef[0]) < abs(b[0])  # Firth shrinks towards 0


def test_firth_penalised_score_is_the_gradient():
    rng = np.random.default_rng(2)
    t = rng.exponential(size=30) + 0.01
    e = rng.integers(0, 2, 30)
    x = np.c_[rng.integers(0, 2, 30), rng.normal(size=30)]
    beta = np.array([0.3, -0.2])
    _, score, _ = _penalised(beta, t, e, x)
    h = 1e-6
    for r in range(2):
        bp, bm = beta.copy(), beta.copy()
        bp[r] += h
        bm[r] -= h
        num = (_penalised(bp, t, e, x, grad=False)[0] - _penalised(bm, t, e, x, grad=False)[0])
        assert score[r] == pytest.approx(num / (2 * h), rel=1e-5, abs=1e-7)


def test_min_events_policy_suppresses():
    d = data_of([1, 5, 3, 8, 2, 6, 4, 7], [1, 1, 0, 0, 1, 1, 1, 1], list("aaaabbbb"))
    res = cox_univariable(d, min_events=3)
    assert res.terms[0].hr is None and "suppressed" in res.terms[0].not_estimable
    assert cox_univariable(d).terms[0].hr is not None


def test_constant_covariate_and_no_events():
    design = pd.DataFrame({"x1": [1.0] * 6, "time": [1, 2, 3, 4, 5, 6],
                           "event": [1, 0, 1, 0, 1, 1]})
    res = fit_cox(design, {"x1": ("x", "a", None)})
    assert "constant" in res.terms[0].not_estimable
    design["x1"] = [0, 1, 0, 1, 0, 1]
    design["event"] = 0
    res = fit_cox(design, {"x1": ("x", "a", None)})
    assert res.not_estimable and "no events" in res.not_estimable


def test_ph_test_reported():
    rng = np.random.default_rng(4)
    g = np.repeat(["a", "b"], 30)
    t = rng.exponential(10, 60).round(2) + 0.1
    res = cox_univariable(data_of(t, np.ones(60, dtype=int), g))
    assert set(res.ph_test) == {"b"}
    assert 0 <= res.ph_test["b"]["p"] <= 1


def test_firth_optimum_and_profile_ci_are_consistent():
    """At the estimate the penalised score is 0; at each profile CI bound the penalised
    likelihood-ratio statistic equals the chi-square(1) 95% quantile."""
    from scipy import stats

    t = np.array(SEP_T, dtype=float)
    e = np.array(SEP_E)
    x = (np.array(SEP_G) == "mut").astype(float)[:, None]
    fit = firth_cox(t, e, x)
    _, score, _ = _penalised(fit.coef, t, e, x)
    assert abs(score[0]) < 1e-6
    crit = stats.chi2.ppf(0.95, 1)
    for bound in fit.ci[0]:
        pl_b, _, _ = _penalised(np.array([bound]), t, e, x, grad=False)
        assert 2 * (fit.loglik_penalised - pl_b) == pytest.approx(crit, abs=1e-5)


def test_vectorised_ph_test_reproduces_lifelines():
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    from imft_desktop.analysis.cox import ph_test

    rng = np.random.default_rng(1)
    n = 300
    x = np.c_[rng.integers(0, 2, n), rng.normal(size=n)]
    t = rng.exponential(10, n).round(0) + 1  # many ties
    e = rng.integers(0, 2, n)
    df = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "time": t, "event": e})
    cph = CoxPHFitter().fit(df, "time", "event")
    ref = proportional_hazard_test(cph, df, time_transform="km").summary
    stat, p = ph_test(t, e, x, cph.params_.to_numpy(), cph.variance_matrix_.to_numpy())
    assert stat == pytest.approx(ref["test_statistic"].to_numpy(), rel=1e-8)
    assert p == pytest.approx(ref["p"].to_numpy(), rel=1e-8)


def test_monotone_likelihood_without_an_empty_group_is_caught_by_both_engines():
    """Every event of 'a' precedes every time of 'b': no group lacks events, yet the
    likelihood is monotone.  lifelines warns (ConvergenceWarning) and the vectorised
    engine runs away; both must end as "not estimable", never as a number."""
    d = data_of([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 0, 0, 1, 1, 1, 1], list("aaaabbbb"))
    for engine in ("lifelines", "numpy"):
        t = cox_univariable(d, engine=engine).terms[0]
        assert t.hr is None and t.not_estimable, engine
