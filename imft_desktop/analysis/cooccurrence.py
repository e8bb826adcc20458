"""Pairwise co-occurrence and mutual exclusivity of alterations.

For every pair of alterations, the 2x2 table counts samples tested for *both*
(both altered, only A, only B, neither); a sample not tested for either is left out
of that pair.  The test is Fisher's exact test, two-sided
(the algorithm of ``scipy.stats.fisher_exact``, vectorised over all pairs by
``fisher_exact_many`` and tested equal to it); the odds ratio is the sample odds ratio
(both x neither) / (A only x B only), which can be 0 or infinite (scipy's value; R's
``fisher.test`` reports the conditional MLE instead).  q-values are Benjamini-Hochberg
(``scipy.stats.false_discovery_control(method="bh")``) over the pairs tested.  Pairs of
nested or overlapping labels (``ALK fusion`` with ``TPM3::ALK``, ``19q loss`` with
``monosomy 19``, two IHC clones of one marker, the IHC / FISH / fusion calls of one gene,
which are a matter of assay concordance) are left out by default: they co-occur by
construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from imft_desktop.analysis.alterations import AlterationMatrix

TEST_NAME = "Fisher's exact test"
SIDEDNESS = "two-sided"
CORRECTION = "Benjamini-Hochberg FDR"
COLUMNS = [
    "a", "b", "both", "a_only", "b_only", "neither", "n", "odds_ratio", "p", "q",
    "tendency", "test", "sidedness", "correction",
]


def fisher_exact_many(
    n11: np.ndarray, n10: np.ndarray, n01: np.ndarray, n00: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Fisher's exact test for many 2x2 tables ``[[n11, n10], [n01, n00]]``.

    Same algorithm as ``scipy.stats.fisher_exact(alternative="two-sided")``
    (hypergeometric tail beyond the mode plus the far tail found by binary search; tables
    as probable as the observed one within R's relative tolerance 1e-7 count), but
    vectorised: one scipy call per step for all tables instead of one Python call per
    table, which matters for thousands of samples.  Returns (sample odds ratio, p).
    """
    hyper = stats.hypergeom
    c11, c10, c01, c00 = (np.asarray(x, dtype=np.int64) for x in (n11, n10, n01, n00))
    n1 = c11 + c10
    n2 = c01 + c00
    n = c11 + c01
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where((c01 > 0) & (c10 > 0), (c11 * c00) / (c01 * c10).astype(float), np.inf)
    degenerate = (n1 == 0) | (n2 == 0) | (n == 0) | (c10 + c00 == 0)
    odds = np.where(degenerate, np.nan, odds)
    p = np.ones(len(c11))
    ok = ~degenerate
    if not ok.any():
        return odds, p
    M, K, N, x = total[ok], n1[ok], n[ok], c11[ok]

    def pmf(k: np.ndarray, sel: np.ndarray) -> np.ndarray:
        # Locating the tail boundary needs many pmf values; log-gamma is ~1000x faster
        # than hypergeom.pmf for large tables.  The tails themselves use hypergeom.cdf/sf.
        return _hyper_pmf(k, M[sel], K[sel], N[sel])

    every = np.ones(len(x), bool)
    mode = ((N + 1) * (K + 1) / (M + 2)).astype(np.int64)
    pexact = pmf(x, every)
    pmode = pmf(mode, every)
    # Relative tolerance for "as probable as the observed table": R's fisher.test uses
    # 1e-7; scipy 1e-14, which log-gamma rounding can miss (tested equal to scipy).
    eps = 1e-7
    gamma = 1 + eps
    res = np.ones(len(x))
    same = np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= eps
    lower = ~same & (x < mode)
    upper = ~same & ~(x < mode)
    if lower.any():
        sel = lower
        plower = hyper.cdf(x[sel], M[sel], K[sel], N[sel])
        far = pmf(N[sel], sel) > pexact[sel] * gamma
        guess = _search(lambda k, s: -pmf(k, _sub(sel, s)), -pexact[sel] * gamma,
                        mode[sel], N[sel])
        tail = hyper.sf(guess, M[sel], K[sel], N[sel])
        res[sel] = np.where(far, plower, plower + tail)
    if upper.any():
        sel = upper
        pupper = hyper.sf(x[sel] - 1, M[sel], K[sel], N[sel])
        far = pmf(np.zeros(sel.sum(), np.int64), sel) > pexact[sel] * gamma
        guess = _search(lambda k, s: pmf(k, _sub(sel, s)), pexact[sel] * gamma,
                        np.zeros(sel.sum(), np.int64), mode[sel])
        tail = hyper.cdf(guess, M[sel], K[sel], N[sel])
        res[sel] = np.where(far, pupper, pupper + tail)
    p[ok] = np.minimum(res, 1.0)
    return odds, p


def _log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _hyper_pmf(k: np.ndarray, m: np.ndarray, n_good: np.ndarray, draws: np.ndarray) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    inside = (k >= np.maximum(0, draws - (m - n_good))) & (k <= np.minimum(draws, n_good))
    kk = np.where(inside, k, 0.0)
    with np.errstate(invalid="ignore"):
        logp = (
            _log_choose(n_good, kk) + _log_choose(m - n_good, draws - kk) - _log_choose(m, draws)
        )
    return np.where(inside, np.exp(logp), 0.0)


def _sub(sel: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Mask over all tables selecting the ``s``-subset of the ``sel``-subset."""
    out = np.zeros(len(sel), bool)
    out[np.flatnonzero(sel)[s]] = True
    return out


def _search(f: Any, target: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vectorised ``scipy.stats._binomtest._binary_search_for_binom_tst``: the index i in
    [lo, hi] with f(i) <= target < f(i + 1), for f ascending on [lo, hi]."""
    lo, hi = lo.copy(), hi.copy()
    found = np.full(len(lo), -1, np.int64)
    active = lo < hi
    while active.any():
        idx = np.flatnonzero(active)
        mid = lo[idx] + (hi[idx] - lo[idx]) // 2
        val = f(mid, active)
        t = target[idx]
        below, above = val < t, val > t
        lo[idx[below]] = mid[below] + 1
        hi[idx[above]] = mid[above] - 1
        hit = ~below & ~above
        found[idx[hit]] = mid[hit]
        active[idx[hit]] = False
        active &= lo < hi
    rest = found < 0
    if rest.any():
        idx = np.flatnonzero(rest)
        val = f(lo[idx], rest)
        found[idx] = np.where(val <= target[idx], lo[idx], lo[idx] - 1)
    return found


def cooccurrence(
    matrix: AlterationMatrix,
    min_altered: int = 2,
    labels: list[str] | None = None,
    max_labels: int | None = 40,
    skip_nested: bool = True,
) -> pd.DataFrame:
    """Fisher's exact test for every pair of alterations.

    Parameters
    ----------
    matrix:
        The alteration matrix.
    min_altered:
        Only alterations altered in at least this many samples enter.
    labels:
        Restrict to these labels (any spelling ``matrix.find`` accepts).
    max_labels:
        At most this many alterations (the most frequent) enter, to keep the number of
        pairs and the multiple-testing burden readable; None for all.  The frame's
        ``attrs["note"]`` says when the list was cut.
    skip_nested:
        Leave out pairs of the same family (see the module docstring).

    Returns
    -------
    DataFrame
        One row per pair: ``a, b, both, a_only, b_only, neither, n, odds_ratio, p, q,
        tendency ("co-occurrence" / "mutual exclusivity" / "none"), test, sidedness,
        correction``, sorted by p.  ``attrs`` carries ``method`` and ``note``.
    """
    if labels is not None:
        candidates = [matrix.find(x) for x in labels]
    else:
        candidates = list(matrix.labels)
    candidates = [c for c in candidates if matrix.info[c].altered_n >= min_altered]
    note = ""
    if max_labels is not None and len(candidates) > max_labels:
        note = (
            f"Only the {max_labels} most frequent of {len(candidates)} alterations with >= "
            f"{min_altered} altered samples were paired."
        )
        candidates = candidates[:max_labels]
    method = (
        f"{TEST_NAME}, {SIDEDNESS}, on the 2x2 table of samples tested for both "
        f"alterations; {CORRECTION} q-values over all pairs shown; alterations with >= "
        f"{min_altered} altered samples."
    )
    if len(candidates) < 2:
        out = pd.DataFrame(columns=COLUMNS)
        out.attrs.update(method=method, note=note)
        return out
    st = matrix.status[candidates].to_numpy(dtype=float)
    altered = (st == 1.0).astype(np.int64)
    tested = (~np.isnan(st)).astype(np.int64)
    both = altered.T @ altered
    a_t = altered.T @ tested  # [i, j]: i altered and j tested
    t_t = tested.T @ tested
    families = [matrix.info[c].family for c in candidates]
    ii, jj = np.triu_indices(k := len(candidates), 1)
    if skip_nested:
        fam = np.array(families, dtype=object)
        keep = ~((fam[ii] == fam[jj]) & (fam[ii] != ""))
        ii, jj = ii[keep], jj[keep]
    n11 = both[ii, jj]
    n10 = a_t[ii, jj] - n11
    n01 = a_t[jj, ii] - n11
    n = t_t[ii, jj]
    n00 = n - n11 - n10 - n01
    has = n > 0
    ii, jj, n11, n10, n01, n00, n = (v[has] for v in (ii, jj, n11, n10, n01, n00, n))
    odds, p = fisher_exact_many(n11, n10, n01, n00)
    cross = n11 * n00 - n10 * n01
    tendency = np.where(cross > 0, "co-occurrence",
                        np.where(cross < 0, "mutual exclusivity", "none"))
    names = np.array(candidates, dtype=object)
    rows = {
        "a": names[ii], "b": names[jj], "both": n11, "a_only": n10, "b_only": n01,
        "neither": n00, "n": n, "odds_ratio": odds, "p": p, "q": np.nan,
        "tendency": tendency, "test": TEST_NAME, "sidedness": SIDEDNESS,
        "correction": CORRECTION,
    }
    del k
    out = pd.DataFrame(rows, columns=COLUMNS)
    if len(out):
        out["q"] = stats.false_discovery_control(out["p"].to_numpy(), method="bh")
        out = out.sort_values(["p", "a", "b"], kind="stable").reset_index(drop=True)
    out.attrs.update(method=method, note=note)
    return out


def cooccurrence_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (infinite odds ratios become the strings "inf" / "0")."""
    out = []
    for r in df.itertuples(index=False):
        odds: Any = r.odds_ratio
        if odds is None or not np.isfinite(odds):
            odds = "inf" if odds == np.inf else None
        else:
            odds = round(float(odds), 4)
        out.append(
            {
                "a": r.a, "b": r.b, "both": int(r.both), "a_only": int(r.a_only),
                "b_only": int(r.b_only), "neither": int(r.neither), "n": int(r.n),
                "odds_ratio": odds, "p": float(r.p), "q": float(r.q),
                "tendency": r.tendency, "test": r.test, "sidedness": r.sidedness,
                "correction": r.correction,
            }
        )
    return out
