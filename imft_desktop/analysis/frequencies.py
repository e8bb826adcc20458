"""Alteration frequencies with per-assay denominators and exact 95% confidence intervals.

Every row counts the samples altered among the samples *tested* for that alteration
(``altered/tested``), never among all samples.  The interval is the exact
Clopper-Pearson 95% CI, identical to ``scipy.stats.binomtest(k, n).proportion_ci(
method="exact")``, computed for all rows at once from the beta distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.analysis.alterations import AlterationMatrix, alteration_matrix
from imft_desktop.analysis.proportions import clopper_pearson
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.vocab import RECIST_ORDER

CI_METHOD = "exact Clopper-Pearson 95% confidence interval"
MISSING_GROUP = "(missing)"
COLUMNS = [
    "label", "gene", "kind", "level", "capability", "altered", "tested", "percent",
    "ci_low", "ci_high", "group",
]


@dataclass
class FrequencyTable:
    """Frequency rows plus how they were computed.

    ``rows`` columns: label, gene, kind, level, capability, altered, tested, percent,
    ci_low, ci_high (percent, 0-100), group (None when ungrouped).
    """

    rows: pd.DataFrame
    n: int
    group_by: str | None = None
    groups: list[str] = field(default_factory=list)
    group_sizes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    methods: str = ""

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def __len__(self) -> int:
        return len(self.rows)

    def to_dict(self) -> dict[str, Any]:
        records = []
        for r in self.rows.itertuples(index=False):
            rec = {
                "label": r.label,
                "gene": r.gene,
                "kind": r.kind,
                "level": r.level,
                "capability": r.capability,
                "altered": int(r.altered),
                "tested": int(r.tested),
                "percent": _num(r.percent),
                "ci95": [_num(r.ci_low), _num(r.ci_high)],
            }
            if self.group_by is not None:
                rec["group"] = r.group
            records.append(rec)
        return {
            "samples": self.n,
            "group_by": self.group_by,
            "groups": {g: self.group_sizes.get(g, 0) for g in self.groups},
            "alterations": records,
            "method": self.methods,
            "warnings": list(self.warnings),
        }


def _num(x: Any) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def frequency_table(
    cohort: Cohort,
    group_by: str | None = None,
    matrix: AlterationMatrix | None = None,
) -> FrequencyTable:
    """Altered/tested, percent and exact 95% CI for every alteration label.

    Parameters
    ----------
    cohort:
        The cohort.
    group_by:
        None, a clinical column of ``cohort.clinical()`` (matched case-insensitively;
        missing values form the group "(missing)"), or an alteration label (groups
        "altered", "not altered" and "not tested").
    matrix:
        A precomputed ``alteration_matrix(cohort)`` (computed when None).

    Returns
    -------
    FrequencyTable
        Rows in the matrix's label order (by frequency), grouped rows by label then group.
    """
    matrix = matrix if matrix is not None else alteration_matrix(cohort)
    data = matrix.status.to_numpy(dtype=float)
    labels = list(matrix.status.columns)
    warnings = list(matrix.warnings)
    if group_by is None:
        groups = [None]
        masks = [np.ones(len(matrix.status), bool)]
        sizes: dict[str, int] = {}
    else:
        values, group_name = group_values(cohort, matrix, group_by)
        group_by = group_name
        groups = _ordered_groups(list(pd.unique(values)))
        masks = [values == g for g in groups]
        sizes = {str(g): int(m.sum()) for g, m in zip(groups, masks)}
    frames = []
    for g, m in zip(groups, masks):
        sub = data[m]
        tested = np.sum(~np.isnan(sub), axis=0).astype(int)
        altered = np.sum(sub == 1.0, axis=0).astype(int)
        frames.append(_rows(matrix, labels, altered, tested, g))
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    if group_by is not None and len(rows):
        order = {lab: i for i, lab in enumerate(labels)}
        gorder = {g: i for i, g in enumerate(groups)}
        rows = rows.sort_values(
            ["label", "group"],
            key=lambda c: c.map(order) if c.name == "label" else c.map(gorder),
            kind="stable",
        ).reset_index(drop=True)
    methods = (
        f"Frequencies are altered/tested samples per alteration (samples not tested by the "
        f"covering assay are excluded from the denominator) with the {CI_METHOD} "
        "(scipy.stats.binomtest(k, n).proportion_ci(method='exact'))."
    )
    if group_by is not None:
        methods += f" Grouped by {group_by}; denominators are per group."
    return FrequencyTable(
        rows, matrix.n, group_by, [str(g) for g in groups if g is not None], sizes, warnings,
        methods,
    )


def _rows(
    matrix: AlterationMatrix,
    labels: list[str],
    altered: np.ndarray,
    tested: np.ndarray,
    group: Any,
) -> pd.DataFrame:
    low, high = clopper_pearson(altered, tested)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(tested > 0, 100.0 * altered / np.maximum(tested, 1), np.nan)
    info = [matrix.info[lab] for lab in labels]
    return pd.DataFrame(
        {
            "label": labels,
            "gene": [i.gene for i in info],
            "kind": [str(i.kind) for i in info],
            "level": [i.level for i in info],
            "capability": [i.capability for i in info],
            "altered": altered,
            "tested": tested,
            "percent": pct,
            "ci_low": 100.0 * low,
            "ci_high": 100.0 * high,
            "group": group,
        },
        columns=COLUMNS,
    )


def group_values(
    cohort: Cohort, matrix: AlterationMatrix, group_by: str
) -> tuple[np.ndarray, str]:
    """Group of every matrix sample for ``group_by`` (a clinical column, matched
    case-insensitively, or an alteration label) and the resolved column / label name.

    Raises
    ------
    KeyError
        When ``group_by`` is neither.
    """
    clinical = cohort.clinical()
    cols = {str(c).casefold(): c for c in clinical.columns}
    col = cols.get(group_by.strip().casefold())
    if col is not None and col != "sample_id":
        series = clinical.set_index(clinical["sample_id"].astype(str))[col]
        series = series[~series.index.duplicated()].reindex(matrix.status.index)
        values = np.array(
            [MISSING_GROUP if _missing(v) else _fmt_group(v) for v in series], dtype=object
        )
        return values, str(col)
    try:
        label = matrix.find(group_by)
    except KeyError as exc:
        raise KeyError(
            f"{group_by!r} is neither a clinical column nor an alteration ({exc.args[0]})"
        ) from exc
    status = matrix.status[label].to_numpy()
    values = np.where(
        np.isnan(status), "not tested", np.where(status == 1.0, "altered", "not altered")
    ).astype(object)
    return values, label


_FIXED_ORDER = ["altered", "not altered", "not tested", *[str(r) for r in RECIST_ORDER]]


def _ordered_groups(groups: list[Any]) -> list[Any]:
    """Altered / not altered / not tested, RECIST order, else sorted; missing last."""

    def key(g: Any) -> tuple[int, int, str]:
        if g == MISSING_GROUP:
            return (2, 0, "")
        if g in _FIXED_ORDER:
            return (0, _FIXED_ORDER.index(g), "")
        return (1, 0, str(g).casefold())

    return sorted(groups, key=key)


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return bool(str(v).strip() == "" or v is pd.NA)


def _fmt_group(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
