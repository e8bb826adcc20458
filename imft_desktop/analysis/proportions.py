"""Proportions: the exact confidence interval every frequency and concordance table shows."""

from __future__ import annotations

import numpy as np
from scipy import stats


def clopper_pearson(
    k: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval for k successes in n trials, as proportions.

    NaN where ``n == 0``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        high = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    bad = n <= 0
    low = np.where(bad, np.nan, low)
    high = np.where(bad, np.nan, high)
    return low, high
