"""A response study in words: the rows and sentences every view shows.

The Response tab, ``imft response`` (text) and the printed report use these, so an
objective response rate, an odds ratio or a Mann-Whitney p reads the same everywhere.
Numbers are formatted by ``model.formatting`` only.
"""

from __future__ import annotations

from imft_desktop.analysis.response import FisherResult, MannWhitneyResult, Proportion
from imft_desktop.analysis.response_study import ResponseStudy
from imft_desktop.model.formatting import (
    MISSING,
    format_ci,
    format_estimate,
    format_percent_with_ci,
    p_text,
)

#: Columns of :func:`orr_rows`.
ORR_HEADER = ("Group", "CR", "PR", "SD", "PD", "NE", "Missing", "Responders/evaluable",
              "ORR (95% CI)")
#: The response categories counted in :func:`orr_rows`, in column order.
CATEGORIES = ("CR", "PR", "SD", "PD", "NE", "missing")
ALL_PATIENTS = "All patients"


def orr_text(p: Proportion) -> str:
    """"41.7% (22.1–63.4%)": the rate with its exact CI; "NA" with no evaluable patient."""
    if p.percent is None:
        return MISSING
    return format_percent_with_ci(p.percent, p.ci95[0], p.ci95[1])


def orr_rows(study: ResponseStudy) -> list[tuple[str, ...]]:
    """All patients, then one row per group: counts per best response, responders over
    evaluable, and the ORR with its CI."""
    rows: list[tuple[str, dict[str, int], Proportion]] = [
        (ALL_PATIENTS, study.distribution_all.overall, study.orr_all.overall)]
    if study.grouping is not None:
        for p in study.orr.by_group:
            rows.append((p.label, study.distribution.by_group.get(p.label, {}), p))
    return [(label, *[str(counts.get(c, 0)) for c in CATEGORIES],
             f"{p.responders}/{p.n}", orr_text(p)) for label, counts, p in rows]


def fisher_line(f: FisherResult) -> str:
    """"Fisher's exact test (two-sided): p = 0.041; odds ratio 8.25 (95% CI 1.1–97.5),
    n = 22", or why it could not be done."""
    if f.not_testable:
        return f"{f.test}: {f.not_testable}"
    return (f"{f.test} ({f.sided}): {p_text(f.p)}; odds ratio "
            f"{format_estimate(f.odds_ratio)} (95% CI {format_ci(f.ci[0], f.ci[1])}), "
            f"n = {f.n}")


def fisher_table_line(f: FisherResult) -> str:
    """The 2x2 table in a sentence (for print, where the tab shows a table)."""
    (a1, b1), (a2, b2) = f.table
    return (f"2x2 table {f.rows[0]}: {a1} responders / {b1} non-responders, "
            f"{f.rows[1]}: {a2} / {b2}")


def measure_line(mw: MannWhitneyResult) -> str:
    """The measure of responders against non-responders in one sentence."""
    if mw.not_testable:
        return f"{mw.measure} by response: {mw.not_testable}"
    medians = ", ".join(f"{k} median {format_estimate(v)} (n = {mw.n[k]})"
                        for k, v in mw.medians.items())
    shift = format_estimate(mw.hodges_lehmann)
    if mw.hodges_lehmann_ci:
        shift += f" (95% CI {format_ci(*mw.hodges_lehmann_ci)})"
    return (f"{mw.test} ({mw.sided}) on {mw.measure}: U = {format_estimate(mw.u)}, "
            f"{p_text(mw.p)} ({mw.p_method}); normal approximation "
            f"{p_text(mw.p_asymptotic)}; {medians}; rank-biserial r = "
            f"{format_estimate(mw.rank_biserial)}; Hodges-Lehmann shift {shift}")


def statistic_lines(study: ResponseStudy) -> list[str]:
    """The tests of the study, one sentence each."""
    lines = []
    if study.fisher is not None:
        lines.append(fisher_line(study.fisher))
    if study.measure is not None:
        lines.append(measure_line(study.measure))
    elif study.measure_note:
        lines.append(study.measure_note)
    return lines


def excluded_line(study: ResponseStudy) -> str | None:
    """"Excluded from ORR: NE: 1, missing: 2", or ``None``."""
    excluded = study.orr.excluded
    if not excluded:
        return None
    return "Excluded from ORR: " + ", ".join(f"{k}: {v}" for k, v in excluded.items())
