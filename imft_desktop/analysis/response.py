"""Best overall response (RECIST 1.1): distribution, ORR, and tests against groupings.

* Responders are CR or PR, non-responders SD or PD; NE (not evaluable) and missing
  responses are excluded from the denominators and counted (``excluded``).
* ORR with the exact Clopper-Pearson 95% CI (``scipy.stats.binomtest``), overall and
  per group.
* Grouping vs response: Fisher's exact test, two-sided, on the 2x2 table shown with it;
  odds ratio = conditional maximum-likelihood estimate with its exact CI, as R's
  ``fisher.test`` (``scipy.stats.contingency.odds_ratio(kind="conditional")``).
* A numeric measure (CNA burden or any numeric column) by response: Mann-Whitney U,
  two-sided.  p is exact when there are no ties and both groups have < 50 values (as R's
  ``wilcox.test``); otherwise it is the exact permutation p conditional on the ties,
  counted (not sampled) by ``exact_ranksum`` (as R ``coin::wilcox_test(distribution =
  "exact")``; a group of one is fine), because the usual normal approximation is poor
  in the small cohorts this program is for; only beyond about a second of counting
  (several hundred values a side) is the normal approximation used, and named.  The
  tie-corrected normal approximation with continuity correction (R ``wilcox.test``'s
  answer with ties) is always reported too (``p_asymptotic``).  Effect sizes: rank-
  biserial correlation and the Hodges-Lehmann shift (median of all pairwise
  differences, responders minus non-responders) with R's exact CI when there are no ties
  (none with ties: R's tie-corrected interval is approximate).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from imft_desktop.analysis.exact_ranksum import exact_feasible, exact_ranksum_p
from imft_desktop.analysis.groupings import (
    MISSING_VALUE,
    Grouping,
    GroupingError,
    _clinical_frame,
    find_column,
    numeric_values,
)
from imft_desktop.model.vocab import RECIST_ORDER, Recist

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort

RESPONDER = "responder (CR/PR)"
NON_RESPONDER = "non-responder (SD/PD)"
_RECIST_VALUES = {str(r) for r in Recist}


@dataclass
class Proportion:
    """k of n with its exact (Clopper-Pearson) CI, percent scale."""

    label: str
    responders: int
    n: int
    percent: float | None
    ci95: tuple[float | None, float | None]
    warnings: list[str] = field(default_factory=list)


def proportion(label: str, k: int, n: int, conf_level: float = 0.95) -> Proportion:
    """``k/n`` with the exact Clopper-Pearson CI (``binomtest(k, n).proportion_ci``)."""
    if n == 0:
        return Proportion(label, k, 0, None, (None, None), [f"{label}: no evaluable patients"])
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=conf_level, method="exact")
    warns = [f"{label}: only {n} evaluable patient(s)"] if n < 3 else []
    return Proportion(label, k, n, 100.0 * k / n, (100.0 * ci.low, 100.0 * ci.high), warns)


@dataclass
class ResponseData:
    """One row per patient: ``patient_id, sample_id, response, responder, group``."""

    frame: pd.DataFrame
    grouping: Grouping | None
    levels: tuple[str, ...]
    excluded: list[tuple[str, str]] = field(default_factory=list)

    def excluded_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, r in self.excluded:
            out[r] = out.get(r, 0) + 1
        return out


def response_data(cohort: Cohort, grouping: Grouping | None = None) -> ResponseData:
    """Best responses per patient, with the group of each (when a grouping is given).

    ``responder`` is 1 for CR/PR, 0 for SD/PD and NaN for NE or missing; NE and missing
    are kept in ``frame`` (for the distribution) and listed in ``excluded``.
    """
    df = _clinical_frame(cohort)
    excluded: list[tuple[str, str]] = []
    resp = df["best_response"].map(
        lambda v: None if v is None or v != v or str(v).strip() == "" else str(v).strip().upper()
    )
    frame = pd.DataFrame({
        "sample_id": df["sample_id"].astype(str).values,
        "patient_id": [
            str(p) if p is not None and p == p and str(p).strip() else str(s)
            for p, s in zip(df["patient_id"], df["sample_id"])
        ],
        "response": resp.values,
    }, index=df.index)
    bad = frame["response"].notna() & ~frame["response"].isin(_RECIST_VALUES)
    for sid in frame.index[bad]:
        excluded.append((sid, "response is not CR/PR/SD/PD/NE"))
    frame.loc[bad, "response"] = None
    frame["responder"] = frame["response"].map(
        lambda r: 1.0 if r in ("CR", "PR") else 0.0 if r in ("SD", "PD") else np.nan
    )
    if grouping is not None:
        frame["group"] = grouping.labels.reindex(frame.index).values
        reason_of = {s: r for r, ids in grouping.excluded.items() for s in ids}
        for sid in frame.index[frame["group"].isna()]:
            excluded.append((sid, f"{grouping.name}: {reason_of.get(sid, MISSING_VALUE)}"))
        frame = frame.loc[frame["group"].notna()]
        levels: tuple[str, ...] = grouping.levels
    else:
        frame["group"] = "all"
        levels = ("all",)
    # response is per patient: one row per patient (first sample; conflicting groups out).
    # Vectorised: a Python loop over 100,000 patient groups took about 9 s.
    conflict = (frame.groupby("patient_id", sort=False)["group"].transform("nunique") > 1
                ).to_numpy()
    if conflict.any():
        patient_order = pd.factorize(frame["patient_id"])[0][conflict]
        ids = frame.index[conflict][np.argsort(patient_order, kind="stable")]
        excluded.extend((sid, "samples of this patient fall in different groups") for sid in ids)
    first = ~frame["patient_id"].duplicated(keep="first").to_numpy()
    frame = frame.loc[first & ~conflict]
    for sid, r in zip(frame.index, frame["response"]):
        if r is None:
            excluded.append((sid, "no best response"))
        elif r == "NE":
            excluded.append((sid, "not evaluable (NE)"))
    return ResponseData(frame.reset_index(drop=True), grouping, levels, excluded)


@dataclass
class Distribution:
    """RECIST counts (CR, PR, SD, PD, NE, missing) overall and per group."""

    categories: tuple[str, ...]
    overall: dict[str, int]
    by_group: dict[str, dict[str, int]]
    n: int


def recist_distribution(data: ResponseData) -> Distribution:
    cats = (*[str(r) for r in RECIST_ORDER], "missing")

    def count(sub: pd.DataFrame) -> dict[str, int]:
        vc = sub["response"].fillna("missing").value_counts()
        return {c: int(vc.get(c, 0)) for c in cats}

    by = {lvl: count(data.frame.loc[data.frame["group"] == lvl]) for lvl in data.levels}
    return Distribution(cats, count(data.frame), by, len(data.frame))


@dataclass
class OrrResult:
    overall: Proportion
    by_group: list[Proportion]
    excluded: dict[str, int]
    method: str


def objective_response_rate(data: ResponseData, conf_level: float = 0.95) -> OrrResult:
    """ORR = (CR + PR) / (CR + PR + SD + PD), overall and per group, exact CI."""
    f = data.frame.loc[data.frame["responder"].notna()]
    overall = proportion("all", int(f["responder"].sum()), len(f), conf_level)
    by = [
        proportion(lvl, int(f.loc[f["group"] == lvl, "responder"].sum()),
                   int((f["group"] == lvl).sum()), conf_level)
        for lvl in data.levels
    ] if data.grouping is not None else []
    method = (
        f"objective response = CR or PR (RECIST 1.1); denominator CR+PR+SD+PD (NE and "
        f"missing excluded and counted); exact Clopper-Pearson {int(conf_level * 100)}% CI"
    )
    return OrrResult(overall, by, data.excluded_counts(), method)


@dataclass
class FisherResult:
    """Fisher's exact test of a two-group grouping against response."""

    test: str
    table: list[list[int]]  # rows: groups (listed in ``rows``), cols: responders, non-
    rows: tuple[str, str]
    columns: tuple[str, str]
    p: float | None
    odds_ratio: float | None
    ci: tuple[float | None, float | None]
    sided: str
    n: int
    method: str
    warnings: list[str] = field(default_factory=list)
    not_testable: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fisher_response(data: ResponseData, conf_level: float = 0.95) -> FisherResult:
    """Fisher's exact test (two-sided) of response in the second vs the first group.

    The odds ratio is the conditional MLE (R ``fisher.test``): odds of response in
    ``levels[1]`` (e.g. altered) relative to ``levels[0]`` (the reference).
    """
    method = (
        "Fisher's exact test, two-sided; odds ratio = conditional maximum-likelihood "
        f"estimate with exact {int(conf_level * 100)}% CI (as R fisher.test)"
    )
    if len(data.levels) != 2:
        return FisherResult("Fisher's exact test", [], ("", ""), (RESPONDER, NON_RESPONDER),
                            None, None, (None, None), "two-sided", 0, method,
                            not_testable="needs exactly two groups")
    f = data.frame.loc[data.frame["responder"].notna()]
    ref, other = data.levels
    table = [
        [int(((f["group"] == lvl) & (f["responder"] == 1)).sum()),
         int(((f["group"] == lvl) & (f["responder"] == 0)).sum())]
        for lvl in (other, ref)
    ]
    n = sum(map(sum, table))
    warns = [f"{lvl}: only {sum(row)} evaluable patient(s)"
             for lvl, row in zip((other, ref), table) if sum(row) < 3]
    if n == 0 or any(sum(row) == 0 for row in table):
        return FisherResult("Fisher's exact test", table, (other, ref),
                            (RESPONDER, NON_RESPONDER), None, None, (None, None), "two-sided",
                            n, method, warns, "not testable (a group has no evaluable patient)")
    p = float(stats.fisher_exact(table, alternative="two-sided")[1])
    orr = stats.contingency.odds_ratio(np.asarray(table), kind="conditional")
    ci = orr.confidence_interval(confidence_level=conf_level)
    est = float(orr.statistic)
    return FisherResult(
        "Fisher's exact test", table, (other, ref), (RESPONDER, NON_RESPONDER), min(p, 1.0),
        est if math.isfinite(est) else (math.inf if est > 0 else est),
        (float(ci.low), float(ci.high)), "two-sided", n, method, warns,
    )


@dataclass
class MannWhitneyResult:
    """A numeric measure compared between responders and non-responders."""

    test: str
    measure: str
    n: dict[str, int]
    medians: dict[str, float | None]
    values: dict[str, list[float]]
    u: float | None
    p: float | None
    p_method: str
    p_asymptotic: float | None
    rank_biserial: float | None
    hodges_lehmann: float | None
    sided: str
    ties: bool
    method: str
    warnings: list[str] = field(default_factory=list)
    not_testable: str | None = None
    excluded: dict[str, int] = field(default_factory=dict)
    #: exact 95% CI of the Hodges-Lehmann shift (no ties, < 50 per group), else None
    hodges_lehmann_ci: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def u_null_cdf(n1: int, n2: int) -> np.ndarray:
    """Exact null CDF of the Mann-Whitney U (no ties): ``cdf[u] = P(U <= u)``.

    Coefficients of the Gaussian binomial [n1+n2 choose n1]_q, built by multiplying by
    (1 - q^(n2+i)) and dividing by (1 - q^i) for i = 1..n1 (cumulative sums).
    """
    size = n1 * n2 + 1
    c = np.zeros(size)
    c[0] = 1.0
    for i in range(1, n1 + 1):
        k = n2 + i
        if k < size:
            c[k:] -= c[:size - k].copy()
        for r in range(i):
            c[r::i] = np.cumsum(c[r::i])
    c = np.clip(c, 0.0, None)
    return np.cumsum(c) / c.sum()


#: Above this many pairs the median of pairwise differences is found by selection
#: instead of building them all (11k x 18k pairs took 1.6 GB and 5 s).
_HL_PAIRS_IN_MEMORY = 4_000_000


def hodges_lehmann(x: np.ndarray, y: np.ndarray) -> float:
    """Hodges-Lehmann shift: the median of all pairwise differences ``x_i - y_j``.

    Small samples build the differences; large ones find the same order statistic(s)
    by bisection on the value with sorted ``y`` (``O((m + n) log n)`` per step), so
    memory stays linear.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size * y.size <= _HL_PAIRS_IN_MEMORY:
        return float(np.median(np.subtract.outer(x, y)))
    ys = np.sort(y)
    total = x.size * y.size
    middle = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
    return float(np.mean([_kth_difference(x, ys, k) for k in middle]))


def _kth_difference(x: np.ndarray, ys: np.ndarray, k: int, seed: int = 1) -> float:
    """The ``k``-th smallest (0-based) of all ``x_i - ys_j`` (``ys`` sorted), exactly.

    Quickselect over the implicit matrix of differences: row ``i`` holds
    ``x_i - ys[::-1]``, ascending.  Each round takes a pivot among the remaining
    candidates, counts the differences below and at it by a vectorised binary search per
    row (comparing the computed differences themselves, so ties and rounding agree with
    building them), and keeps only the side holding the answer.  When few candidates
    remain they are built and partitioned.
    """
    yd = ys[::-1]
    m, n = x.size, yd.size
    left = np.zeros(m, dtype=np.int64)  # candidates of row i: yd[left[i]:right[i]]
    right = np.full(m, n, dtype=np.int64)
    rng = np.random.default_rng(seed)

    def count(p: float, strict: bool) -> np.ndarray:
        lo, hi = left.copy(), right.copy()
        while True:
            active = lo < hi
            if not active.any():
                return lo
            mid = (lo + hi) // 2
            value = x - yd[np.where(active, mid, 0)]
            below = (value < p) if strict else (value <= p)
            lo = np.where(active & below, mid + 1, lo)
            hi = np.where(active & ~below, mid, hi)

    while True:
        sizes = right - left
        remaining = int(sizes.sum())
        rank = k - int(left.sum())
        if remaining <= _HL_PAIRS_IN_MEMORY // 4:
            rows = np.repeat(np.arange(m), sizes)
            starts = np.repeat(left - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
            values = x[rows] - yd[np.arange(remaining) + starts]
            return float(np.partition(values, rank)[rank])
        pick = int(rng.integers(remaining))
        row = int(np.searchsorted(np.cumsum(sizes), pick, side="right"))
        pivot = float(x[row] - yd[left[row] + pick - (int(sizes[:row].sum()))])
        below = count(pivot, strict=True)
        if int(below.sum()) > k:
            right = below
            continue
        at_or_below = count(pivot, strict=False)
        if int(at_or_below.sum()) > k:
            return pivot
        left = at_or_below


def hodges_lehmann_ci(x: np.ndarray, y: np.ndarray, conf_level: float = 0.95
                      ) -> tuple[float, float] | None:
    """Exact CI of the location shift x - y from the ordered pairwise differences, as R's
    ``wilcox.test(conf.int=TRUE)`` without ties; ``None`` with ties or large samples."""
    n1, n2 = x.size, y.size
    if n1 == 0 or n2 == 0 or n1 >= 50 or n2 >= 50:
        return None
    if np.unique(np.r_[x, y]).size < n1 + n2:
        return None
    cdf = u_null_cdf(n1, n2)
    alpha = 1.0 - conf_level
    qu = int(np.searchsorted(cdf, alpha / 2 - 1e-12))  # R qwilcox: min u, P(U<=u) >= p
    qu = max(qu, 1)
    ql = n1 * n2 - qu
    diffs = np.sort(np.subtract.outer(x, y).ravel())
    return float(diffs[qu - 1]), float(diffs[ql])


def measure_values(cohort: Cohort, measure: str) -> tuple[pd.Series, str]:
    """Per-sample values of ``measure``: ``"cna_burden"`` or a numeric column.

    Returns the values (indexed by sample_id, NaN when not measured) and a label.
    """
    col = find_column(cohort, measure)
    if col is None and measure.strip().casefold().replace(" ", "_") in ("cna_burden", "cna"):
        try:
            from imft_desktop.analysis.copy_number import cna_burden
        except ImportError as exc:
            raise GroupingError("CNA burden is not available") from exc
        b = cna_burden(cohort)
        vals = pd.Series(b["altered_regions"].to_numpy(dtype=float),
                         index=b["sample_id"].astype(str))
        if "tested" in b.columns:
            vals[~b["tested"].astype(bool).to_numpy()] = np.nan
        return vals, "CNA burden (altered regions)"
    if col is None:
        raise GroupingError(f"no column called {measure!r}")
    df = _clinical_frame(cohort)
    num = numeric_values(df[col])
    if num is None:
        raise GroupingError(f"column {col!r} is not numeric")
    return num.astype(float), col


def _mann_whitney_p(x: np.ndarray, y: np.ndarray, ties: bool, asymptotic_p: float
                    ) -> tuple[float, str]:
    """Two-sided p of the rank-sum test and how it was obtained (the ``p_method`` text).

    Exact whenever the count fits the budget (ties or not; conditional on the ties, as
    coin's exact ``wilcox_test``): a normal approximation is poor in the small cohorts
    this program is for, and a Monte Carlo p printed to four decimals would look exact.
    Beyond the budget (several hundred values a side) the normal approximation is good.
    """
    if exact_feasible(x.size, y.size):
        total = math.comb(x.size + y.size, x.size)
        what = ", conditional on ties" if ties else ""
        count = f"{total:,}" if total <= 10**9 else f"{total:.2e}"
        return exact_ranksum_p(x, y), f"exact permutation{what}: all {count} relabelings counted"
    return asymptotic_p, "normal approximation (tie- and continuity-corrected)"


def measure_by_response(cohort: Cohort, measure: str, data: ResponseData | None = None
                        ) -> MannWhitneyResult:
    """Mann-Whitney U test of ``measure`` between responders and non-responders."""
    values, label = measure_values(cohort, measure)
    data = data or response_data(cohort)
    f = data.frame.loc[data.frame["responder"].notna()].copy()
    f["value"] = values.reindex(f["sample_id"].astype(str)).to_numpy()
    missing = int(f["value"].isna().sum())
    f = f.loc[f["value"].notna()]
    x = f.loc[f["responder"] == 1, "value"].to_numpy(dtype=float)
    y = f.loc[f["responder"] == 0, "value"].to_numpy(dtype=float)
    n = {RESPONDER: int(x.size), NON_RESPONDER: int(y.size)}
    excluded = data.excluded_counts()
    if missing:
        excluded[f"{label} not available"] = missing
    meds = {RESPONDER: float(np.median(x)) if x.size else None,
            NON_RESPONDER: float(np.median(y)) if y.size else None}
    warns = [f"{k}: only {v} value(s)" for k, v in n.items() if 0 < v < 3]
    base_method = (
        "Mann-Whitney U (Wilcoxon rank-sum), two-sided, responders (CR/PR) vs non-"
        "responders (SD/PD); exact p without ties (n < 50 per group), exact permutation p "
        "conditional on ties otherwise (two-sided: P(|W - E W| >= |w - E W|), as coin's exact "
        "wilcox_test), normal approximation only beyond a few hundred per group; normal "
        "approximation with tie and continuity correction also given"
    )
    vals = {RESPONDER: x.tolist(), NON_RESPONDER: y.tolist()}
    if x.size == 0 or y.size == 0:
        return MannWhitneyResult("Mann-Whitney U", label, n, meds, vals, None, None, "", None,
                                 None, None, "two-sided", False, base_method, warns,
                                 "not testable (a group has no values)", excluded)
    ties = bool(np.unique(np.r_[x, y]).size < x.size + y.size)
    asym = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                              use_continuity=True)
    u = float(asym.statistic)
    if not ties and x.size < 50 and y.size < 50:
        p = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue)
        how = "exact (no ties)"
    else:
        p, how = _mann_whitney_p(x, y, ties, float(asym.pvalue))
    rbc = 2.0 * u / (x.size * y.size) - 1.0
    hl = hodges_lehmann(x, y)
    return MannWhitneyResult(
        "Mann-Whitney U", label, n, meds, vals, u, min(p, 1.0), how, float(asym.pvalue), rbc,
        hl, "two-sided", ties, base_method, warns, None, excluded, hodges_lehmann_ci(x, y),
    )


def _patient_rows(cohort: Cohort, columns: list[str]) -> pd.DataFrame:
    df = _clinical_frame(cohort)
    df = df.assign(patient_id=[
        str(p) if p is not None and p == p and str(p).strip() else str(s)
        for p, s in zip(df["patient_id"], df["sample_id"])
    ])
    df = df.drop_duplicates("patient_id")
    out = pd.DataFrame({"patient_id": df["patient_id"].to_numpy(),
                        "sample_id": df["sample_id"].astype(str).to_numpy()})
    for c in columns:
        out[c] = df[c].to_numpy() if c in df.columns else None
    return out


def waterfall_data(cohort: Cohort) -> pd.DataFrame:
    """Best % change of target lesions per patient with the RECIST response, sorted
    from largest increase to largest decrease; patients without a value are dropped
    (their count is in ``attrs["missing"]``)."""
    df = _patient_rows(cohort, ["best_percent_change", "best_response"])
    df["best_percent_change"] = pd.to_numeric(df["best_percent_change"], errors="coerce")
    missing = int(df["best_percent_change"].isna().sum())
    df = df.loc[df["best_percent_change"].notna()].sort_values(
        "best_percent_change", ascending=False).reset_index(drop=True)
    df["best_response"] = df["best_response"].map(
        lambda v: str(v).strip().upper() if v is not None and v == v else None)
    df.attrs["missing"] = missing
    return df


def swimmer_data(cohort: Cohort) -> pd.DataFrame:
    """Per patient: time on treatment (or PFS time when absent), response, progression
    event and PFS time, sorted by duration; patients without any time are dropped
    (count in ``attrs["missing"]``)."""
    df = _patient_rows(cohort, ["time_on_treatment_months", "pfs_months", "pfs_event",
                                "best_response"])
    tot = pd.to_numeric(df["time_on_treatment_months"], errors="coerce")
    pfs = pd.to_numeric(df["pfs_months"], errors="coerce")
    df["duration"] = tot.fillna(pfs)
    df["pfs_months"] = pfs
    df["progressed"] = pd.to_numeric(df["pfs_event"], errors="coerce") == 1
    missing = int(df["duration"].isna().sum())
    df = df.loc[df["duration"].notna()].sort_values("duration").reset_index(drop=True)
    df["best_response"] = df["best_response"].map(
        lambda v: str(v).strip().upper() if v is not None and v == v else None)
    df.attrs["missing"] = missing
    return df
