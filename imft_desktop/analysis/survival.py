"""Kaplan-Meier estimates and log-rank tests, as result objects.

Conventions (stated in every result's ``method`` text):

* Kaplan-Meier via lifelines' ``KaplanMeierFitter``; pointwise 95% confidence intervals
  from Greenwood's variance with a selectable transform: ``"log"`` (R ``survfit``'s
  default: ``exp(log S +/- z*se)``, se of -log S from Greenwood, upper limit capped at 1)
  or ``"log-log"`` (lifelines' default, R's ``conf.type="log-log"``).
* Median survival and its CI as R computes them: the first time the curve (or its lower /
  upper confidence curve) is at or below 0.5; where a curve is exactly 0.5 over an
  interval, the midpoint of that interval.  A median the curve never reaches is ``None``
  with ``median_reached=False`` ("not reached"), never ``inf``.
* Log-rank (Mantel-Cox) test for 2 or k groups exactly as R's ``survdiff(rho=0)``: the
  chi-square uses the groups with expected events > 0 and has df = (number of such
  groups) - 1; a group whose members are all censored before the first event (expected
  0) therefore does not add a degree of freedom (survival's tests/difftest.R; lifelines'
  ``multivariate_logrank_test`` would count it).
* Test for trend over ordered groups: scores 1..k, U = sum w(O-E), chi-square =
  U^2 / w'Vw on 1 df.
* Pairwise log-rank tests on each pair's subjects, Benjamini-Hochberg adjusted.
* Permutation log-rank p: group labels permuted with a fixed seed (Monte Carlo,
  p = (b+1)/(B+1)), or all relabelings enumerated when there are few (exact p = b/B).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from imft_desktop.analysis.groupings import SurvivalData

CI_TRANSFORMS = ("log", "log-log")
MIN_GROUP_N = 3
MIN_GROUP_EVENTS = 3


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class KMGroup:
    """Kaplan-Meier estimate of one group.

    ``table`` columns: ``time, n_risk, n_event, n_censor, survival, lower, upper``
    (one row per distinct time, events and censorings).
    """

    label: str
    n: int
    events: int
    censored: int
    median: float | None
    median_reached: bool
    median_ci: tuple[float | None, float | None]
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    def survival_at(self, t: float) -> tuple[float | None, float | None, float | None]:
        """S(t) with its CI (same transform as the fit).

        ``None`` beyond follow-up while the curve is above 0 (unknown there); once the
        curve has reached 0 it stays 0, so S(t) = 0 at any later time, with the CI R's
        ``summary(survfit, times, extend = TRUE)`` gives there (NA: the Greenwood
        variance of log S is undefined at S = 0).
        """
        tab = self.table
        if tab.empty or t < 0:
            return (None, None, None)
        if t > float(tab["time"].max()):
            last = tab.iloc[-1]
            if float(last["survival"]) > 0:
                return (None, None, None)
            return (0.0, _nan_none(last["lower"]), _nan_none(last["upper"]))
        idx = int(np.searchsorted(tab["time"].to_numpy(), t, side="right")) - 1
        if idx < 0:
            return (1.0, 1.0, 1.0)
        row = tab.iloc[idx]
        return (float(row["survival"]), _nan_none(row["lower"]), _nan_none(row["upper"]))

    def n_at_risk(self, t: float) -> int:
        """Subjects still at risk at time ``t`` (time >= t)."""
        tab = self.table
        after = tab.loc[tab["time"] >= t]
        return int(after["n_risk"].iloc[0]) if not after.empty else 0


@dataclass(frozen=True)
class KMResult:
    groups: list[KMGroup]
    ci_transform: str
    conf_level: float
    endpoint: str
    unit: str
    method: str

    def group(self, label: str) -> KMGroup:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(label)

    def risk_table(self, times: Sequence[float]) -> pd.DataFrame:
        """Number at risk per group (rows) at each of ``times`` (columns)."""
        return pd.DataFrame(
            {t: [g.n_at_risk(t) for g in self.groups] for t in times},
            index=[g.label for g in self.groups],
        )

    def events_table(self, times: Sequence[float]) -> pd.DataFrame:
        """Cumulative number of events per group up to and including each time."""
        return pd.DataFrame(
            {
                t: [int(g.table.loc[g.table["time"] <= t, "n_event"].sum()) for g in self.groups]
                for t in times
            },
            index=[g.label for g in self.groups],
        )

    def survival_at(self, t: float) -> dict[str, tuple[float | None, float | None, float | None]]:
        return {g.label: g.survival_at(t) for g in self.groups}


@dataclass(frozen=True)
class TestResult:
    """A test's outcome, echoing lifelines' ``StatisticalResult``.

    ``statistic``/``p`` are ``None`` when the test cannot be done (``not_testable``
    says why, e.g. "not testable (0 events)"); never a silent p = 1.
    """

    test: str
    statistic: float | None
    df: int | None
    p: float | None
    sided: str
    n: int
    n_per_group: dict[str, int]
    events: dict[str, int]
    expected: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_testable: str | None = None
    method: str = ""
    correction: str = "none"

    @property
    def testable(self) -> bool:
        return self.not_testable is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PairwiseRow:
    """The log-rank test of one pair of groups, with its Benjamini-Hochberg q."""

    group_a: str
    group_b: str
    statistic: float | None
    df: int | None
    p: float | None
    q: float | None
    n: int
    warnings: tuple[str, ...]
    not_testable: str | None


@dataclass(frozen=True)
class PairwiseResult:
    """Every pair of groups tested, q-values adjusted across the testable pairs."""

    test: str
    rows: tuple[PairwiseRow, ...]
    correction: str = "Benjamini-Hochberg"
    method: str = ""


# --------------------------------------------------------------------------- helpers
def _nan_none(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _z(conf_level: float) -> float:
    return float(stats.norm.ppf(0.5 + conf_level / 2.0))


def quantile_time(times: np.ndarray, curve: np.ndarray, p: float = 0.5) -> float | None:
    """First time a step curve is <= p (R's rule, midpoint over a flat segment at p)."""
    tol = 1e-9
    ok = ~np.isnan(curve)
    hit = np.flatnonzero(ok & (curve <= p + tol))
    if hit.size == 0:
        return None
    i = int(hit[0])
    if abs(curve[i] - p) < tol:
        below = np.flatnonzero(ok & (curve < p - tol))
        if below.size:
            return float((times[i] + times[int(below[0])]) / 2.0)
    return float(times[i])


def km_group(
    time: np.ndarray, event: np.ndarray, label: str, ci_transform: str = "log",
    conf_level: float = 0.95,
) -> KMGroup:
    """Kaplan-Meier estimate of one group (lifelines) with R-style CIs and median."""
    from lifelines import KaplanMeierFitter

    if ci_transform not in CI_TRANSFORMS:
        raise ValueError(f"ci_transform must be one of {CI_TRANSFORMS}")
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    n = int(time.size)
    warnings: list[str] = []
    if n == 0:
        empty = pd.DataFrame(columns=["time", "n_risk", "n_event", "n_censor", "survival",
                                      "lower", "upper"])
        return KMGroup(label, 0, 0, 0, None, False, (None, None), empty, ["no patients"])
    kmf = KaplanMeierFitter()
    kmf.fit(time, event, label=label)
    et = kmf.event_table
    tab = pd.DataFrame({
        "time": et.index.to_numpy(dtype=float),
        "n_risk": et["at_risk"].to_numpy(dtype=int),
        "n_event": et["observed"].to_numpy(dtype=int),
        "n_censor": et["censored"].to_numpy(dtype=int),
        "survival": kmf.survival_function_.iloc[:, 0].to_numpy(dtype=float),
    })
    # lifelines adds a time-0 row; keep it only if something happened at 0
    if tab["time"].iloc[0] == 0 and tab["n_event"].iloc[0] == 0 and tab["n_censor"].iloc[0] == 0:
        tab = tab.iloc[1:].reset_index(drop=True)
    d = tab["n_event"].to_numpy(dtype=float)
    r = tab["n_risk"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(d > 0, d / (r * (r - d)), 0.0)  # inf when r == d (S drops to 0)
        var_cumhaz = np.cumsum(term)
        se = np.sqrt(var_cumhaz)  # se of -log S (Greenwood)
        s = tab["survival"].to_numpy()
        z = _z(conf_level)
        if ci_transform == "log":
            lower = np.where(s > 0, s * np.exp(-z * se), np.nan)
            upper = np.where(s > 0, np.minimum(1.0, s * np.exp(z * se)), np.nan)
        else:
            logs = np.log(s)
            theta = np.log(-logs)
            se_ll = se / np.abs(logs)
            lower = np.where((s > 0) & (s < 1), np.exp(-np.exp(theta + z * se_ll)), np.nan)
            upper = np.where((s > 0) & (s < 1), np.exp(-np.exp(theta - z * se_ll)), np.nan)
            lower = np.where(s >= 1, 1.0, lower)
            upper = np.where(s >= 1, 1.0, upper)
    tab["lower"] = lower
    tab["upper"] = upper
    times = tab["time"].to_numpy()
    median = quantile_time(times, s)
    # R: the lower CI curve reaches 0.5 first and gives the lower limit
    med_low = quantile_time(times, lower)
    med_high = quantile_time(times, upper)
    events = int(d.sum())
    if n < MIN_GROUP_N:
        warnings.append(f"{label}: only {n} patient(s) (fewer than {MIN_GROUP_N})")
    if events == 0:
        warnings.append(f"{label}: no events (all censored); median not reached")
    elif events < MIN_GROUP_EVENTS:
        warnings.append(f"{label}: only {events} event(s) (fewer than {MIN_GROUP_EVENTS})")
    return KMGroup(
        label=label, n=n, events=events, censored=n - events, median=median,
        median_reached=median is not None, median_ci=(med_low, med_high), table=tab,
        warnings=warnings,
    )


def kaplan_meier(
    data: SurvivalData, ci_transform: str = "log", conf_level: float = 0.95
) -> KMResult:
    """Kaplan-Meier estimate per group of ``data`` (in the grouping's level order).

    Levels without any patient are kept (n = 0) so that tables show them.
    """
    df = data.frame
    groups = [
        km_group(
            df.loc[df["group"] == lvl, "time"].to_numpy(),
            df.loc[df["group"] == lvl, "event"].to_numpy(),
            lvl, ci_transform, conf_level,
        )
        for lvl in data.levels
    ]
    tr = "log (R survfit default)" if ci_transform == "log" else "log-log (lifelines default)"
    method = (
        f"Kaplan-Meier (lifelines); {int(conf_level * 100)}% CI by Greenwood variance, "
        f"{tr} transform; median CI where the CI curves cross 0.5 (as R)"
    )
    return KMResult(groups, ci_transform, conf_level, data.endpoint.label, data.endpoint.unit,
                    method)


# --------------------------------------------------------------------------- log-rank
def _codes(data: SurvivalData) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    df = data.frame
    levels = list(data.levels)
    code = {lvl: i for i, lvl in enumerate(levels)}
    g = df["group"].map(code).to_numpy(dtype=int)
    return df["time"].to_numpy(dtype=float), df["event"].to_numpy(dtype=int), g, levels


def logrank_components(
    time: np.ndarray, event: np.ndarray, group: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed, expected and variance matrix of the k-sample log-rank (R's survdiff)."""
    uniq, inv = np.unique(time, return_inverse=True)
    j = uniq.size
    key = inv * k + group
    cnt = np.bincount(key, minlength=j * k).reshape(j, k).astype(float)
    dth = np.bincount(key, weights=event, minlength=j * k).reshape(j, k)
    risk = cnt[::-1].cumsum(axis=0)[::-1]
    d = dth.sum(axis=1)
    keep = d > 0
    risk, dth, d = risk[keep], dth[keep], d[keep]
    n = risk.sum(axis=1)
    frac = risk / n[:, None]
    observed = dth.sum(axis=0)
    expected = (frac * d[:, None]).sum(axis=0)
    w = np.where(n > 1, d * (n - d) / np.where(n > 1, n - 1, 1), 0.0)
    var = np.diag((w[:, None] * frac).sum(axis=0)) - np.einsum("j,jg,jh->gh", w, frac, frac)
    return observed, expected, var


def _chisq(observed: np.ndarray, expected: np.ndarray, var: np.ndarray) -> tuple[float, int]:
    use = np.flatnonzero(expected > 0)
    df = int(use.size) - 1
    if df < 1:
        return (math.nan, 0)
    idx = use[1:]
    u = (observed - expected)[idx]
    v = var[np.ix_(idx, idx)]
    try:
        chi = float(u @ np.linalg.solve(v, u))
    except np.linalg.LinAlgError:
        chi = float(u @ np.linalg.pinv(v) @ u)
    return chi, df


def _small_group_warnings(n_per: dict[str, int], ev_per: dict[str, int]) -> list[str]:
    out = []
    for lvl, n in n_per.items():
        if n == 0:
            out.append(f"{lvl}: no patients")
        elif n < MIN_GROUP_N:
            out.append(f"{lvl}: only {n} patient(s) (fewer than {MIN_GROUP_N})")
        if n and ev_per[lvl] < MIN_GROUP_EVENTS:
            out.append(f"{lvl}: only {ev_per[lvl]} event(s) (fewer than {MIN_GROUP_EVENTS})")
    return out


def logrank(data: SurvivalData) -> TestResult:
    """Log-rank (Mantel-Cox) test across the groups of ``data`` (2 or k groups)."""
    time, event, g, levels = _codes(data)
    k = len(levels)
    n_per = {lvl: int((g == i).sum()) for i, lvl in enumerate(levels)}
    ev_per = {lvl: int(event[g == i].sum()) for i, lvl in enumerate(levels)}
    warnings = _small_group_warnings(n_per, ev_per)
    method = (
        "log-rank (Mantel-Cox) chi-square, two-sided; df = groups with expected events > 0 "
        "minus 1 (as R survdiff)"
    )
    name = "log-rank" if k <= 2 else f"log-rank ({k} groups)"
    base: dict[str, Any] = dict(test=name, sided="two-sided", n=int(time.size),
                                n_per_group=n_per, events=ev_per, warnings=warnings,
                                method=method)
    present = [lvl for lvl in levels if n_per[lvl] > 0]
    if len(present) < 2:
        return TestResult(statistic=None, df=None, p=None,
                          not_testable="not testable (fewer than 2 groups with patients)",
                          **base)
    if event.sum() == 0:
        return TestResult(statistic=None, df=None, p=None,
                          not_testable="not testable (0 events)", **base)
    o, e, v = logrank_components(time, event, g, k)
    chi, df = _chisq(o, e, v)
    expected = {lvl: float(e[i]) for i, lvl in enumerate(levels)}
    if df < 1 or not math.isfinite(chi):
        return TestResult(statistic=None, df=None, p=None, expected=expected,
                          not_testable="not testable (fewer than 2 groups with expected "
                          "events)", **base)
    p = float(stats.chi2.sf(chi, df))
    return TestResult(statistic=chi, df=df, p=p, expected=expected, **base)


def logrank_trend(data: SurvivalData, scores: Sequence[float] | None = None) -> TestResult:
    """Log-rank test for trend over the ordered groups (default scores 1..k), 1 df."""
    time, event, g, levels = _codes(data)
    k = len(levels)
    w = np.asarray(scores if scores is not None else np.arange(1, k + 1), dtype=float)
    if w.size != k:
        raise ValueError("one score per group")
    n_per = {lvl: int((g == i).sum()) for i, lvl in enumerate(levels)}
    ev_per = {lvl: int(event[g == i].sum()) for i, lvl in enumerate(levels)}
    base: dict[str, Any] = dict(
        test="log-rank test for trend", sided="two-sided", n=int(time.size),
        n_per_group=n_per, events=ev_per, warnings=_small_group_warnings(n_per, ev_per),
        method=f"log-rank test for trend, scores {', '.join(f'{x:g}' for x in w)} in group "
        "order; chi-square on 1 df, two-sided",
    )
    if k < 2 or sum(1 for x in n_per.values() if x) < 2:
        return TestResult(statistic=None, df=None, p=None,
                          not_testable="not testable (fewer than 2 groups)", **base)
    if event.sum() == 0:
        return TestResult(statistic=None, df=None, p=None,
                          not_testable="not testable (0 events)", **base)
    o, e, v = logrank_components(time, event, g, k)
    u = float(w @ (o - e))
    var = float(w @ v @ w)
    if var <= 0:
        return TestResult(statistic=None, df=None, p=None,
                          not_testable="not testable (zero variance)", **base)
    chi = u * u / var
    return TestResult(statistic=chi, df=1, p=float(stats.chi2.sf(chi, 1)),
                      expected={lvl: float(e[i]) for i, lvl in enumerate(levels)}, **base)


def _subset(data: SurvivalData, levels: Sequence[str]) -> SurvivalData:
    df = data.frame.loc[data.frame["group"].isin(levels)].reset_index(drop=True)
    return SurvivalData(df, data.endpoint, data.grouping, tuple(levels), data.excluded,
                        data.notes)


def pairwise_logrank(data: SurvivalData) -> PairwiseResult:
    """Log-rank test for every pair of groups, with Benjamini-Hochberg q-values."""
    rows: list[PairwiseRow] = []
    for a, b in itertools.combinations(data.levels, 2):
        res = logrank(_subset(data, (a, b)))
        rows.append(PairwiseRow(a, b, res.statistic, res.df, res.p, None, res.n,
                                tuple(res.warnings), res.not_testable))
    ps = [r.p for r in rows if r.p is not None]
    if ps:
        qs = iter(stats.false_discovery_control(np.asarray(ps), method="bh").tolist())
        rows = [replace(r, q=float(next(qs))) if r.p is not None else r for r in rows]
    return PairwiseResult(
        test="pairwise log-rank", rows=tuple(rows),
        method="log-rank on each pair's patients, two-sided; Benjamini-Hochberg adjusted "
        "across the testable pairs",
    )


# --------------------------------------------------------------------------- permutation
def _batched_chisq(
    labels: np.ndarray, at_risk: np.ndarray, died: np.ndarray, d: np.ndarray, n: np.ndarray,
    k: int,
) -> np.ndarray:
    """Log-rank chi-square for each row of ``labels`` (relabelings of the subjects)."""
    w = np.where(n > 1, d * (n - d) / np.where(n > 1, n - 1, 1), 0.0)
    risk = np.stack([(labels == g).astype(float) @ at_risk for g in range(k)], axis=1)
    obs = np.stack([(labels == g).astype(float) @ died for g in range(k)], axis=1)
    frac = risk / n  # (P, k, J)
    u = obs.sum(axis=2) - (frac * d).sum(axis=2)  # (P, k)
    if k == 2:
        var = (w * frac[:, 0, :] * (1 - frac[:, 0, :])).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(var > 0, u[:, 0] ** 2 / var, 0.0)
    diag = np.einsum("j,pgj->pg", w, frac)
    cov = -np.einsum("j,pgj,phj->pgh", w, frac, frac)
    idx = np.arange(k)
    cov[:, idx, idx] += diag
    pinv = np.linalg.pinv(cov)
    return np.einsum("pg,pgh,ph->p", u, pinv, u)


def permutation_logrank(
    data: SurvivalData, n_permutations: int = 10_000, seed: int = 20240101,
    max_enumerate: int = 20_000,
) -> TestResult:
    """Permutation (or exact, by full enumeration) p-value of the log-rank statistic.

    Two groups with at most ``max_enumerate`` relabelings are enumerated completely
    (exact conditional p = share of relabelings with a statistic >= the observed one);
    otherwise ``n_permutations`` random relabelings with ``seed`` give the Monte Carlo
    p = (b + 1) / (B + 1).
    """
    observed = logrank(data)
    time, event, g, levels = _codes(data)
    k = len(levels)
    if not observed.testable or observed.statistic is None:
        return replace(observed, test="permutation log-rank")
    ev_times = np.unique(time[event == 1])
    at_risk = (time[:, None] >= ev_times[None, :]).astype(float)
    died = ((time[:, None] == ev_times[None, :]) & (event[:, None] == 1)).astype(float)
    d = died.sum(axis=0)
    n = at_risk.sum(axis=0)
    stat_obs = float(_batched_chisq(g[None, :], at_risk, died, d, n, k)[0])
    nsub = time.size
    counts = np.bincount(g, minlength=k)
    total = math.comb(nsub, int(counts[0])) if k == 2 else math.inf
    tol = 1e-9 * max(1.0, stat_obs)
    rng = np.random.default_rng(seed)
    if k == 2 and total <= max_enumerate:
        exceed = 0
        combos = itertools.combinations(range(nsub), int(counts[0]))
        while True:
            chunk = list(itertools.islice(combos, 2000))
            if not chunk:
                break
            lab = np.ones((len(chunk), nsub), dtype=np.int8)
            rows = np.repeat(np.arange(len(chunk)), counts[0])
            lab[rows, np.asarray(chunk).ravel()] = 0
            exceed += int((_batched_chisq(lab, at_risk, died, d, n, k) >= stat_obs - tol).sum())
        p = exceed / total
        how = f"exact: all {total} relabelings enumerated; p = share with chi-square >= observed"
        b_total = int(total)
    else:
        exceed = 0
        done = 0
        while done < n_permutations:
            m = min(1000, n_permutations - done)
            lab = np.stack([rng.permutation(g) for _ in range(m)])
            exceed += int((_batched_chisq(lab, at_risk, died, d, n, k) >= stat_obs - tol).sum())
            done += m
        p = (exceed + 1) / (n_permutations + 1)
        how = (f"Monte Carlo: {n_permutations} random relabelings (seed {seed}); "
               "p = (b+1)/(B+1)")
        b_total = n_permutations
    res = TestResult(
        test="permutation log-rank", statistic=stat_obs, df=None, p=float(p),
        sided="two-sided", n=observed.n, n_per_group=observed.n_per_group,
        events=observed.events, expected=observed.expected, warnings=observed.warnings,
        method=(f"log-rank chi-square referred to its permutation distribution ({how}); "
                f"{b_total} relabelings"),
    )
    return res
