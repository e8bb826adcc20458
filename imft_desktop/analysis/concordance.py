"""Concordance of assays for one gene: IHC vs FISH vs sequencing.

Per assay, a sample is positive, negative or out of the comparison:

* ``IHC``: stains of ``marker == gene`` (one clone with ``"IHC:D5F3"``; otherwise positive
  when any clone is positive, negative when a clone is negative and none positive);
* ``FISH``: break-apart probe ``== gene``;
* ``sequencing``: samples tested for fusions; positive when a fusion involves the gene
  (as driver or partner, partner-unknown rearrangements included).  A specific assay
  (``"RNA fusion panel"``, ``"WGS"``) restricts to samples done with it and to fusions
  reported by it (or with no assay given).

Equivocal and not-evaluable calls and samples not tested are left out of every table
in which that assay takes part (not tested is never negative) and counted.

Statistics per pair, over the samples tested by both: the 2x2 table, percent agreement,
Cohen's kappa with a 95% Wald CI using the large-sample SE of Cohen (1960),
``SE = sqrt(po (1 - po) / (n (1 - pe)^2))``, clipped to [-1, 1]; and, against the
reference assay, sensitivity and specificity with exact Clopper-Pearson 95% CIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.analysis.proportions import clopper_pearson
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.fusion import parse_fusion_text
from imft_desktop.model.vocab import AssayCall, Capability

KAPPA_SE = "SE = sqrt(po(1-po) / (n(1-pe)^2)) (Cohen 1960), Wald 95% CI clipped to [-1, 1]"
Z95 = 1.959963984540054


@dataclass
class PairConcordance:
    """Agreement of two assays over the samples tested by both."""

    a: str
    b: str
    table: list[list[int]]  # [[a+ b+, a+ b-], [a- b+, a- b-]]
    n: int
    agreement: float  # proportion 0-1 (NaN when n == 0)
    kappa: float
    kappa_ci: tuple[float, float]
    discordant: list[str]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "table": self.table,
            "table_layout": f"[[{self.a}+ {self.b}+, {self.a}+ {self.b}-], "
            f"[{self.a}- {self.b}+, {self.a}- {self.b}-]]",
            "n": self.n,
            "agreement_percent": _pct(self.agreement),
            "kappa": _r(self.kappa),
            "kappa_ci95": [_r(self.kappa_ci[0]), _r(self.kappa_ci[1])],
            "discordant_samples": self.discordant,
            "warnings": self.warnings,
        }


@dataclass
class Accuracy:
    """Sensitivity and specificity of ``assay`` against ``reference``."""

    assay: str
    reference: str
    tp: int
    fn: int
    fp: int
    tn: int
    sensitivity: float
    sensitivity_ci: tuple[float, float]
    specificity: float
    specificity_ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "assay": self.assay,
            "reference": self.reference,
            "tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn,
            "sensitivity_percent": _pct(self.sensitivity),
            "sensitivity_ci95": [_pct(self.sensitivity_ci[0]), _pct(self.sensitivity_ci[1])],
            "specificity_percent": _pct(self.specificity),
            "specificity_ci95": [_pct(self.specificity_ci[0]), _pct(self.specificity_ci[1])],
        }


@dataclass
class ConcordanceResult:
    """Everything about the agreement of assays for one gene."""

    gene: str
    assays: list[str]
    reference: str | None
    calls: pd.DataFrame  # sample_id x assay: "positive" / "negative" / reason
    tested: dict[str, int]
    positive: dict[str, int]
    pairs: list[PairConcordance]
    accuracy: list[Accuracy]
    all_tested_n: int
    patterns: pd.DataFrame  # combination of calls over samples tested by all -> n
    discordant: pd.DataFrame  # samples where two tested assays disagree, with calls
    warnings: list[str] = field(default_factory=list)
    method: str = ""

    @property
    def n(self) -> int:
        return self.all_tested_n

    def pair(self, a: str, b: str) -> PairConcordance:
        for p in self.pairs:
            if {p.a, p.b} == {a, b}:
                return p
        raise KeyError((a, b))

    def to_dict(self) -> dict[str, Any]:
        return {
            "gene": self.gene,
            "assays": self.assays,
            "reference": self.reference,
            "tested": self.tested,
            "positive": self.positive,
            "tested_by_all": self.all_tested_n,
            "patterns": self.patterns.to_dict(orient="records"),
            "pairs": [p.to_dict() for p in self.pairs],
            "accuracy": [a.to_dict() for a in self.accuracy],
            "discordant": self.discordant.to_dict(orient="records"),
            "method": self.method,
            "warnings": self.warnings,
        }


def _r(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def _pct(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(100.0 * float(x), 2)


def cohen_kappa(table: list[list[int]] | np.ndarray) -> tuple[float, float, float, float]:
    """Cohen's kappa of a square agreement table: (kappa, ci_low, ci_high, se).

    NaN when the table is empty or chance agreement is 1 (both raters constant).
    """
    t = np.asarray(table, dtype=float)
    n = t.sum()
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    po = np.trace(t) / n
    pe = float((t.sum(axis=1) * t.sum(axis=0)).sum() / n**2)
    if pe >= 1.0:
        return (np.nan, np.nan, np.nan, np.nan)
    kappa = (po - pe) / (1 - pe)
    se = float(np.sqrt(po * (1 - po) / (n * (1 - pe) ** 2)))
    return (float(kappa), max(-1.0, kappa - Z95 * se), min(1.0, kappa + Z95 * se), se)


def _assay_calls(cohort: Cohort, gene: str, assay: str) -> tuple[pd.Series, int]:
    """Per sample: 1.0 positive, 0.0 negative, NaN out; and n equivocal/not evaluable."""
    ids = cohort.sample_ids
    out = pd.Series(np.nan, index=pd.Index(ids, name="sample_id"), dtype=float)
    name, _, clone = assay.partition(":")
    kind = name.strip().casefold()
    if kind in ("ihc", "fish"):
        table = cohort.table(kind)
        if table.empty:
            return out, 0
        key = "marker" if kind == "ihc" else "probe"
        codes, uniq = pd.factorize(table[key])
        match = np.array([str(u).strip().casefold() == gene.casefold() for u in uniq] + [False])
        df = table.loc[match[codes]]
        if clone.strip() and kind == "ihc":
            df = df.loc[df["clone"].astype(str).str.strip().str.casefold()
                        == clone.strip().casefold()]
        df = df.loc[df["sample_id"].astype(str).isin(out.index)]
        call = df["call"].astype(str)
        sid = df["sample_id"].astype(str)
        pos = set(sid[call == str(AssayCall.POSITIVE)])
        neg = set(sid[call == str(AssayCall.NEGATIVE)]) - pos
        unclear = set(
            sid[call.isin([str(AssayCall.EQUIVOCAL), str(AssayCall.NOT_EVALUABLE)])]
        ) - pos - neg
        # boolean masks: label-based assignment of 100k labels took about a second
        out[out.index.isin(neg)] = 0.0
        out[out.index.isin(pos)] = 1.0
        return out, len(unclear)
    # sequencing (any fusion-capable assay) or one named assay
    if kind in ("sequencing", "seq", "fusion", "fusions"):
        tested = cohort.tested_for(Capability.FUSION, gene)
        only = None
    else:
        tested = cohort.sequenced_by(name.strip()) & cohort.tested_for(Capability.FUSION, gene)
        only = name.strip().casefold()
    out[out.index.isin(tested)] = 0.0
    fus = cohort.table("fusions")
    hits: set[str] = set()
    if not fus.empty:
        g = gene.upper()
        assays = fus["assay"] if "assay" in fus.columns else pd.Series(None, index=fus.index)
        parsed: dict[Any, Any] = {}  # a cohort repeats a few fusions many times
        for sid, text, fa in zip(fus["sample_id"].astype(str), fus["fusion"], assays):
            if sid not in tested:
                continue
            reported_by = "" if fa is None or pd.isna(fa) else str(fa).strip().casefold()
            if only is not None and reported_by and reported_by != only:
                continue
            if text not in parsed:
                parsed[text] = parse_fusion_text(text)
            call = parsed[text]
            if call is not None and g in (call.driver, call.gene5, call.gene3):
                hits.add(sid)
    out[out.index.isin(hits)] = 1.0
    return out, 0


def assay_concordance(
    cohort: Cohort,
    gene: str,
    assays: tuple[str, ...] = ("IHC", "FISH", "sequencing"),
    reference: str | None = "sequencing",
) -> ConcordanceResult:
    """Agreement of ``assays`` for ``gene`` (see the module docstring).

    Parameters
    ----------
    gene:
        Gene / marker / probe, e.g. ``"ALK"``.
    assays:
        Two or more of ``"IHC"``, ``"IHC:<clone>"``, ``"FISH"``, ``"sequencing"`` or a
        sequencing assay name (``"RNA fusion panel"``).
    reference:
        The assay taken as truth for sensitivity/specificity (one of ``assays``), or None.
    """
    assays = tuple(assays)
    if len(assays) < 2:
        raise ValueError("concordance needs at least two assays")
    if reference is not None and reference not in assays:
        raise ValueError(f"reference {reference!r} is not one of {assays}")
    warnings: list[str] = []
    cols = {}
    for a in assays:
        s, unclear = _assay_calls(cohort, gene, a)
        cols[a] = s
        if unclear:
            warnings.append(
                f"{a}: {unclear} sample(s) equivocal or not evaluable, left out of the "
                "comparisons."
            )
    calls = pd.DataFrame(cols)
    tested = {a: int(calls[a].notna().sum()) for a in assays}
    positive = {a: int((calls[a] == 1.0).sum()) for a in assays}
    pairs = []
    for a, b in combinations(assays, 2):
        both = calls[[a, b]].dropna()
        x, y = both[a].to_numpy(), both[b].to_numpy()
        table = [
            [int(((x == 1) & (y == 1)).sum()), int(((x == 1) & (y == 0)).sum())],
            [int(((x == 0) & (y == 1)).sum()), int(((x == 0) & (y == 0)).sum())],
        ]
        n = len(both)
        kappa, lo, hi, _se = cohen_kappa(table)
        pw: list[str] = []
        if n and np.isnan(kappa):
            pw.append("kappa not estimable: both assays gave one call only")
        if 0 < n < 10:
            pw.append(f"only {n} samples tested by both")
        pairs.append(
            PairConcordance(
                a, b, table, n, (table[0][0] + table[1][1]) / n if n else np.nan,
                kappa, (lo, hi), [str(s) for s in both.index[x != y]], pw,
            )
        )
    accuracy = []
    if reference is not None:
        for a in assays:
            if a == reference:
                continue
            both = calls[[a, reference]].dropna()
            x, r = both[a].to_numpy(), both[reference].to_numpy()
            tp, fn = int(((x == 1) & (r == 1)).sum()), int(((x == 0) & (r == 1)).sum())
            fp, tn = int(((x == 1) & (r == 0)).sum()), int(((x == 0) & (r == 0)).sum())
            ci_lo, ci_hi = clopper_pearson(np.array([tp, tn]), np.array([tp + fn, fp + tn]))
            accuracy.append(
                Accuracy(
                    a, reference, tp, fn, fp, tn,
                    tp / (tp + fn) if tp + fn else np.nan, (float(ci_lo[0]), float(ci_hi[0])),
                    tn / (tn + fp) if tn + fp else np.nan, (float(ci_lo[1]), float(ci_hi[1])),
                )
            )
    all_tested = calls.dropna()
    word = {1.0: "positive", 0.0: "negative"}
    if len(all_tested):
        patterns = (
            all_tested.replace(word).value_counts().rename("n").reset_index()
            .sort_values(list(assays), ascending=False, kind="stable").reset_index(drop=True)
        )
    else:
        patterns = pd.DataFrame(columns=[*assays, "n"])
    display = calls.apply(lambda c: c.map(word).fillna("not tested / unclear"))
    values = calls.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        hi = np.nanmax(np.where(np.isnan(values), -1.0, values), axis=1) if len(calls) else []
        lo = np.nanmin(np.where(np.isnan(values), 2.0, values), axis=1) if len(calls) else []
    disagree = (np.asarray(hi) == 1.0) & (np.asarray(lo) == 0.0)
    discordant = display.loc[disagree].reset_index()
    method = (
        "Pairwise 2x2 tables over samples tested by both assays; percent agreement; "
        f"Cohen's kappa, {KAPPA_SE}; sensitivity and specificity against "
        f"{reference or 'no reference'} with exact Clopper-Pearson 95% CIs; equivocal, "
        "not evaluable and not tested samples left out."
    )
    return ConcordanceResult(
        gene, list(assays), reference, display, tested, positive, pairs, accuracy,
        len(all_tested), patterns, discordant, warnings, method,
    )
