"""Cohort characteristics ("Table 1"): who the patients are, by a chosen group.

One row per *patient* (outcomes are per patient, and a Table 1 describes patients):
age, sex, primary site, treatment, the outcomes the cohort has (best response, PFS and
OS events) and the assays done.  Every variable counts the patients of each group, of
the patients the grouping could not place (their own column, never dropped), and of
the whole cohort (overall = groups + ungrouped).

Rules the numbers follow (``docs``: shared/domain.md):

* A percentage is of the patients with a known value of that variable in that column;
  the patients without one are counted on their own line ("unknown").
* Assays: a patient counts as tested by an assay when one of their samples has a result
  from it (``Cohort.tested_samples`` / ``Cohort.tested_for``: a failed or "not done"
  assay, or a "not tested" call, is not tested).  Not tested counts as *not done*,
  never as negative; the percentage is of every patient in the column.
* Sample fields (age, sex, site) of a patient with several samples are the samples'
  common value; samples that disagree leave it unknown, with a warning naming the
  patient (never a silent pick).  A patient's group is the group of their samples
  that have one; samples in different groups leave the patient ungrouped.
* Tests compare the groups only (the ungrouped patients are shown, not tested):
  categorical variables by Fisher's exact test (2x2, scipy as R ``fisher.test``) or
  the Fisher-Freeman-Halton exact test (r x c, counted exactly by
  ``exact_contingency``; a Monte Carlo p only beyond about a second of counting, and
  then named in the test); age by the Mann-Whitney U test for two groups (exact
  permutation p conditional on ties, ``exact_ranksum``, as ``coin::wilcox_test``) and
  the Kruskal-Wallis test for more (chi-squared approximation with the tie correction,
  as R ``kruskal.test``).  Every p is two-sided and descriptive (one test per
  variable, no correction for multiple testing: a Table 1 describes, it does not
  screen).  A variable that cannot be tested says why.

The result (``CharacteristicsTable``) is what the tab, ``imft characteristics``, the
report chapter and the Excel sheet render; ``lines()`` is its one text layout, written
with ``model.formatting``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from imft_desktop.analysis.exact_contingency import fisher_test
from imft_desktop.analysis.exact_ranksum import exact_feasible, exact_ranksum_p
from imft_desktop.analysis.groupings import (
    MISSING_VALUE,
    OS,
    PFS,
    Endpoint,
    EventCodingError,
    Grouping,
    GroupingError,
    clinical_frame,
    endpoint_rows,
    resolve_grouping,
)
from imft_desktop.model.formatting import (
    format_ci,
    format_compact,
    format_count_percent,
    format_p,
)
from imft_desktop.model.text import plural
from imft_desktop.model.vocab import RECIST_LABELS, RECIST_ORDER, Capability, Recist

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

#: Sections of the table, in order.
SECTION_PATIENTS = "Patients"
SECTION_OUTCOMES = "Outcomes"
SECTION_ASSAYS = "Assays done"

#: Column kinds.
GROUP = "group"
UNGROUPED = "ungrouped"
OVERALL = "overall"

#: Label of the column of patients the grouping could not place.
UNGROUPED_LABEL = "Not tested / unknown"
OVERALL_LABEL = "Overall"
#: Label of the line of patients without a value of a variable.
UNKNOWN_LABEL = "Unknown"
DIFFERENT_GROUPS = "samples of this patient fall in different groups"
NO_GROUPING = "no grouping chosen"

#: Variable kinds: how a variable is summarised and tested.
CONTINUOUS = "continuous"
CATEGORICAL = "categorical"
ASSAY = "assay"

#: How a variable is laid out: a summary (median, IQR, range, n), every level, or its
#: first level alone on the variable's line (done / not done, event / censored).
SHOW_SUMMARY = "summary"
SHOW_LEVELS = "levels"
SHOW_FIRST = "first level"

DONE = "done"
NOT_DONE = "not done"
EVENT = "event"
CENSORED = "censored"

#: Groups with fewer patients than this are flagged (small cohorts: shown, not hidden).
SMALL_GROUP = 3


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True)
class Column:
    """One column: a group of the grouping, the ungrouped patients, or everyone.

    ``key`` is stable across runs (``"group:<label>"``, ``"ungrouped"``, ``"overall"``);
    ``n`` is the patients in the column.
    """

    key: str
    label: str
    kind: str
    n: int

    @property
    def heading(self) -> str:
        """``monosomy 19 (n = 5)``: the column's label with its patients."""
        return f"{self.label} (n = {self.n})"


@dataclass(frozen=True, slots=True)
class Summary:
    """A numeric variable in one column: how many values, median, quartiles, range.

    Quartiles are R's default (type 7, numpy's ``linear``); all ``None`` without values.
    """

    n: int
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One variable level in one column.

    ``count`` patients of ``denominator`` (the column's patients with a known value;
    for assays every patient of the column); ``percent`` is ``100 * count /
    denominator`` (``None`` when the denominator is 0).  A numeric variable has one
    row whose cells carry the ``summary``; there ``count`` is the patients with a value.
    """

    count: int
    denominator: int
    percent: float | None
    summary: Summary | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """A level of a variable (``level`` is "" for a numeric variable's summary row);
    ``cells`` follow ``CharacteristicsTable.columns``."""

    variable: str
    level: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class GroupTest:
    """The test of one variable across the groups, or why there is none.

    ``name`` names the test as printed ("Fisher-Freeman-Halton exact test"; a Monte Carlo
    p says so in the name); ``statistic`` is the Mann-Whitney U (of the first group
    compared) or the Kruskal-Wallis H, ``None`` for Fisher's tests; ``groups`` are the
    groups compared (those with a known value) and ``n`` their patients with one.
    """

    name: str
    p: float | None
    statistic: float | None = None
    statistic_name: str = ""
    df: int | None = None
    sided: str = "two-sided"
    exact: bool = False
    method: str = ""
    groups: tuple[str, ...] = ()
    n: int = 0
    not_testable: str | None = None

    @property
    def tested(self) -> bool:
        return self.not_testable is None and self.p is not None


@dataclass(frozen=True, slots=True)
class Variable:
    """One characteristic: its rows, unknown counts per column, and its test."""

    key: str
    label: str
    section: str
    kind: str
    display: str
    rows: tuple[Row, ...]
    missing: tuple[int, ...]
    test: GroupTest
    unit: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class DisplayLine:
    """One printed line of the table (``CharacteristicsTable.lines``).

    ``kind``: ``"section"`` (a heading such as "Assays done"), ``"variable"`` (its
    name, and its test), ``"level"``, ``"unknown"``.  ``cells`` follow
    ``CharacteristicsTable.shown_columns()``.
    """

    kind: str
    variable: str
    label: str
    cells: tuple[str, ...]
    p: str = ""
    test: str = ""


@dataclass(frozen=True, slots=True)
class CharacteristicsTable:
    """Cohort characteristics (Table 1) of one cohort by one grouping (or none).

    Attributes
    ----------
    columns:
        The groups (in the grouping's order), then the ungrouped patients, then overall;
        without a grouping only overall.
    variables:
        In table order: patients, outcomes, assays done.
    ungrouped_reasons:
        ``(reason, patients)`` of the ungrouped column ("not tested", "missing value",
        "samples of this patient fall in different groups").
    ungrouped_patients:
        ``(patient, reason)`` for each ungrouped patient.
    not_available:
        Characteristics the cohort has no value of, in words (left out of the rows).
    """

    cohort_name: str
    synthetic: bool
    n_patients: int
    n_samples: int
    grouping_text: str | None
    grouping_name: str | None
    grouping_kind: str | None
    grouping_description: str
    columns: tuple[Column, ...]
    variables: tuple[Variable, ...]
    ungrouped_reasons: tuple[tuple[str, int], ...]
    ungrouped_patients: tuple[tuple[str, str], ...]
    not_available: tuple[str, ...]
    methods: tuple[str, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    # ------------------------------------------------------------------ access
    @property
    def grouped(self) -> bool:
        return self.grouping_name is not None

    @property
    def groups(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == GROUP)

    def column_index(self, key: str) -> int:
        """Position of the column with ``key`` in ``columns``."""
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def variable(self, key: str) -> Variable:
        for v in self.variables:
            if v.key == key:
                return v
        raise KeyError(key)

    def shown_columns(self) -> tuple[int, ...]:
        """Indexes of the columns every view shows: the ungrouped column only when it
        holds patients (an empty one is said in ``notes`` instead)."""
        return tuple(i for i, c in enumerate(self.columns)
                     if c.kind != UNGROUPED or c.n > 0)

    def header(self) -> tuple[str, ...]:
        """The printed header: characteristic, the shown columns, then p and the test
        when there is a grouping."""
        cols = tuple(self.columns[i].heading for i in self.shown_columns())
        return ("Characteristic", *cols, *(("p", "Test") if self.grouped else ()))

    def title(self) -> str:
        """``Cohort characteristics by monosomy 19`` (without a grouping: no "by")."""
        by = f" by {self.grouping_name}" if self.grouping_name else ""
        return f"Cohort characteristics{by}"

    def caption(self) -> str:
        """``Cohort characteristics by monosomy 19 (24 patients)``."""
        return f"{self.title()} ({plural(self.n_patients, 'patient')})"

    # ------------------------------------------------------------------ text layout
    def lines(self) -> tuple[DisplayLine, ...]:
        """The table as every view prints it: one text layout, formatted by
        ``model.formatting``, so tab, terminal, report and clipboard read the same."""
        shown = self.shown_columns()
        blank = tuple("" for _ in shown)
        out: list[DisplayLine] = []
        section = SECTION_PATIENTS
        for v in self.variables:
            if v.section != section:
                section = v.section
                title = f"{section}, n (%)" if section == SECTION_ASSAYS else section
                out.append(DisplayLine("section", "", title, blank))
            p, test = _test_text(v.test) if self.grouped else ("", "")
            label = v.label + (f", {v.unit}" if v.unit else "")
            if v.display == SHOW_SUMMARY:
                out.append(DisplayLine("variable", v.key, label, blank, p, test))
                cells = [v.rows[0].cells[i] for i in shown]
                # median and IQR on lines of their own: "52 (43.8–59.2)" in one cell is
                # too wide for six columns on an A4 page
                out.append(DisplayLine("level", v.key, "Median", tuple(
                    format_compact(c.summary.median if c.summary else None)
                    for c in cells)))
                out.append(DisplayLine("level", v.key, "IQR", tuple(
                    format_ci(c.summary.q1, c.summary.q3, format_compact)
                    if c.summary else "NA" for c in cells)))
                out.append(DisplayLine("level", v.key, "Range", tuple(
                    format_ci(c.summary.minimum, c.summary.maximum, format_compact)
                    if c.summary else "NA" for c in cells)))
                out.append(DisplayLine("level", v.key, "n with a value",
                                       tuple(str(c.count) for c in cells)))
            elif v.display == SHOW_FIRST:
                first = v.rows[0]
                # assays: the section line says "n (%)" once
                name = label if v.section == SECTION_ASSAYS else f"{label}, n (%)"
                out.append(DisplayLine("variable", v.key, name, tuple(
                    format_count_percent(first.cells[i].count, first.cells[i].denominator)
                    for i in shown), p, test))
            else:
                out.append(DisplayLine("variable", v.key, f"{label}, n (%)", blank, p, test))
                for row in v.rows:
                    out.append(DisplayLine("level", v.key, row.level, tuple(
                        format_count_percent(row.cells[i].count, row.cells[i].denominator)
                        for i in shown)))
            if any(v.missing[i] for i in shown):
                out.append(DisplayLine("unknown", v.key, UNKNOWN_LABEL,
                                       tuple(str(v.missing[i]) for i in shown)))
        return tuple(out)

    def test_marks(self) -> tuple[tuple[str, str], ...]:
        """``(mark, text)`` for each distinct test (or reason for no test) of the printed
        lines, in order of first use: ``("a", "Mann-Whitney U test (exact, conditional on
        ties)")``, ``("b", "Fisher's exact test")``, ``("c", "not tested: one value only
        (nothing to compare)")``.  Narrow views (the report page, the terminal) print the
        mark in the Test column and these texts below the table."""
        texts = list(dict.fromkeys(line.test for line in self.lines() if line.test))
        return tuple((_mark(i), text) for i, text in enumerate(texts))

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The ``imft characteristics --json`` object (a contract: keys are only ever
        added).  Cells are keyed by column key; numbers stay unformatted."""
        keys = [c.key for c in self.columns]

        def cell(c: Cell) -> dict[str, Any]:
            d: dict[str, Any] = {"count": c.count, "denominator": c.denominator,
                                 "percent": c.percent}
            if c.summary is not None:
                s = c.summary
                d.update({"n": s.n, "median": s.median, "q1": s.q1, "q3": s.q3,
                          "min": s.minimum, "max": s.maximum})
            return d

        variables = []
        for v in self.variables:
            t = v.test
            variables.append({
                "key": v.key, "label": v.label, "section": v.section, "kind": v.kind,
                "display": v.display, "unit": v.unit or None, "note": v.note or None,
                "missing": dict(zip(keys, v.missing)),
                "rows": [{"level": r.level, "cells": {k: cell(c) for k, c in
                                                       zip(keys, r.cells)}}
                         for r in v.rows],
                "test": {"name": t.name or None, "p": t.p, "statistic": t.statistic,
                         "statistic_name": t.statistic_name or None, "df": t.df,
                         "sided": t.sided, "exact": t.exact, "method": t.method or None,
                         "groups": list(t.groups), "n": t.n,
                         "not_testable": t.not_testable},
            })
        reasons = dict(self.ungrouped_reasons)
        return {
            "cohort": self.cohort_name,
            "synthetic": self.synthetic,
            "unit": "patient",
            "patients": self.n_patients,
            "samples": self.n_samples,
            "grouping": None if self.grouping_name is None else {
                "text": self.grouping_text, "name": self.grouping_name,
                "kind": self.grouping_kind, "description": self.grouping_description,
                "levels": [c.label for c in self.groups],
            },
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind, "n": c.n}
                        for c in self.columns],
            "variables": variables,
            "not_available": list(self.not_available),
            "excluded": {"count": sum(reasons.values()), "by_reason": reasons,
                         "patients": [list(p) for p in self.ungrouped_patients]},
            "methods": list(self.methods),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def _mark(index: int) -> str:
    """``a`` ... ``z``, then ``aa``, ``ab``, ...: footnote marks."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < 26 else _mark(index // 26 - 1) + letters[index % 26]


def _test_text(t: GroupTest) -> tuple[str, str]:
    """The p and test cells of a variable's line."""
    if t.not_testable is not None:
        return "–", f"not tested: {t.not_testable}"
    return format_p(t.p), t.name


# ---------------------------------------------------------------------------- building
@dataclass
class _Patients:
    """The patients in table order with their group column (index into columns)."""

    ids: list[str]
    samples: dict[str, list[str]]
    column_of: np.ndarray  # column index per patient (group, or the ungrouped column)
    columns: list[Column]
    reasons: dict[str, str]  # ungrouped patient -> reason


def _patients(cohort: Cohort, grouping: Grouping | None) -> _Patients:
    frame = clinical_frame(cohort)
    samples: dict[str, list[str]] = {}
    for sid, pid in zip(frame.index, frame["patient_id"]):
        key = str(pid).strip() if pid is not None and pid == pid and str(pid).strip() \
            else str(sid)  # a sample without a patient is its own patient
        samples.setdefault(key, []).append(str(sid))
    ids = list(samples)
    if grouping is None:
        columns = [Column(OVERALL, OVERALL_LABEL, OVERALL, len(ids))]
        return _Patients(ids, samples, np.zeros(len(ids), dtype=int), columns, {})
    levels = list(grouping.levels)
    index = {lvl: i for i, lvl in enumerate(levels)}
    ungrouped = len(levels)
    reason_of = {s: r for r, members in grouping.excluded.items() for s in members}
    labels = grouping.labels
    column_of = np.full(len(ids), ungrouped, dtype=int)
    reasons: dict[str, str] = {}
    for k, pid in enumerate(ids):
        found = {str(labels.get(s)) for s in samples[pid]
                 if s in labels.index and labels.get(s) is not None
                 and labels.get(s) == labels.get(s)}
        if len(found) == 1:
            column_of[k] = index[found.pop()]
        elif found:
            reasons[pid] = DIFFERENT_GROUPS
        else:
            why = sorted({reason_of.get(s, MISSING_VALUE) for s in samples[pid]})
            reasons[pid] = "; ".join(why)
    counts = np.bincount(column_of, minlength=ungrouped + 1)
    columns = [Column(f"group:{lvl}", lvl, GROUP, int(counts[i]))
               for i, lvl in enumerate(levels)]
    columns.append(Column(UNGROUPED, UNGROUPED_LABEL, UNGROUPED, int(counts[ungrouped])))
    columns.append(Column(OVERALL, OVERALL_LABEL, OVERALL, len(ids)))
    return _Patients(ids, samples, column_of, columns, reasons)


def _members(p: _Patients) -> list[np.ndarray]:
    """Per column, a boolean mask over patients (overall: everyone)."""
    masks = []
    for i, c in enumerate(p.columns):
        masks.append(np.ones(len(p.ids), dtype=bool) if c.kind == OVERALL
                     else p.column_of == i)
    return masks


#: Cell texts that mean "no value", as a clinical grouping reads them (so a patient is
#: unknown here exactly when the grouping leaves them out); "none" is a value (a
#: treatment of none), not a missing one.
_MISSING_TEXTS = frozenset({"", "nan", "None", "NA", "n/a", "<NA>", "NaT"})


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return str(v).strip() in _MISSING_TEXTS


def _patient_values(p: _Patients, per_sample: pd.Series, what: str,
                    warnings: list[str]) -> list[Any]:
    """One value per patient from a per-sample series: the samples' common value,
    ``None`` when none has one or when they disagree (warned, never picked)."""
    out: list[Any] = []
    disagree: list[str] = []
    for pid in p.ids:
        values = []
        for s in p.samples[pid]:
            v = per_sample.get(s)
            if not _is_missing(v):
                values.append(v.strip() if isinstance(v, str) else v)
        distinct = list(dict.fromkeys(values))
        if len(distinct) > 1:
            disagree.append(f"{pid} ({', '.join(map(str, distinct))})")
            out.append(None)
        else:
            out.append(distinct[0] if distinct else None)
    if disagree:
        warnings.append(f"{what}: the samples of {plural(len(disagree), 'patient')} "
                        f"disagree, counted as unknown: {'; '.join(disagree[:8])}"
                        + (" ..." if len(disagree) > 8 else ""))
    return out


def _cell(count: int, denominator: int) -> Cell:
    return Cell(count, denominator, 100.0 * count / denominator if denominator else None)


def _categorical(key: str, label: str, section: str, values: Sequence[Any],
                 masks: list[np.ndarray], columns: list[Column], levels: Sequence[str],
                 display: str = SHOW_LEVELS, note: str = "", kind: str = CATEGORICAL,
                 untested: str | None = None) -> Variable:
    """Counts of ``levels`` per column; values outside them (or missing) are unknown.

    ``untested``: why this variable is never tested (its test then says so)."""
    arr = np.array(["" if v is None else str(v) for v in values], dtype=object)
    known = np.array([v is not None for v in values], dtype=bool)
    missing = tuple(int((m & ~known).sum()) for m in masks)
    denominators = [int((m & known).sum()) for m in masks]
    rows = []
    for lvl in levels:
        hit = arr == lvl
        rows.append(Row(key, lvl, tuple(_cell(int((m & hit).sum()), d)
                                        for m, d in zip(masks, denominators))))
    table = np.array([[r.cells[j].count for j, c in enumerate(columns) if c.kind == GROUP]
                      for r in rows], dtype=np.int64)
    groups = [c.label for c in columns if c.kind == GROUP]
    if untested is not None and groups:
        test = GroupTest("", None, not_testable=untested)
    else:
        test = categorical_test(table, groups)
    return Variable(key, label, section, kind, display, tuple(rows), missing, test,
                    note=note)


def _levels_by_frequency(values: Sequence[Any]) -> list[str]:
    """Distinct values, most frequent first, ties alphabetically."""
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[str(v)] = counts.get(str(v), 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k.casefold()))


def categorical_test(table: np.ndarray, groups: list[str]) -> GroupTest:
    """Fisher's exact test (2x2) or the Fisher-Freeman-Halton test (r x c) of a table of
    counts, levels as rows and ``groups`` as columns; groups and levels without a count
    drop out.  Without two groups and two levels with counts, says why not."""
    if not groups:
        return GroupTest("", None, not_testable=NO_GROUPING)
    if table.size == 0:
        return GroupTest("", None, not_testable="no patient has a value")
    with_values = [g for g, total in zip(groups, table.sum(axis=0)) if total > 0]
    if len(with_values) < 2:
        why = ("no group has a value" if not with_values
               else f"only one group has values ({with_values[0]})")
        return GroupTest("", None, groups=tuple(with_values), n=int(table.sum()),
                         not_testable=why)
    if int((table.sum(axis=1) > 0).sum()) < 2:
        return GroupTest("", None, groups=tuple(with_values), n=int(table.sum()),
                         not_testable="one value only (nothing to compare)")
    result = fisher_test(table)
    return GroupTest(result.name, result.p, exact=result.exact, method=result.method,
                     groups=tuple(with_values), n=int(table.sum()))


def _summary(values: np.ndarray) -> Summary:
    if values.size == 0:
        return Summary(0, None, None, None, None, None)
    q1, med, q3 = np.percentile(values, [25, 50, 75])  # linear = R type 7
    return Summary(int(values.size), float(med), float(q1), float(q3),
                   float(values.min()), float(values.max()))


def _continuous(key: str, label: str, unit: str, values: Sequence[Any],
                masks: list[np.ndarray], columns: list[Column]) -> Variable:
    nums = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    known = ~np.isnan(nums)
    cells = tuple(Cell(int((m & known).sum()), int(m.sum()),
                       100.0 * int((m & known).sum()) / int(m.sum()) if m.sum() else None,
                       _summary(nums[m & known]))
                  for m in masks)
    missing = tuple(int((m & ~known).sum()) for m in masks)
    samples = [(c.label, nums[m & known]) for c, m in zip(columns, masks) if c.kind == GROUP]
    test = numeric_test(samples)
    return Variable(key, label, SECTION_PATIENTS, CONTINUOUS, SHOW_SUMMARY,
                    (Row(key, "", cells),), missing, test, unit=unit)


def numeric_test(samples: list[tuple[str, np.ndarray]]) -> GroupTest:
    """Compare the values of the groups (``(group, values)``; groups without a value
    drop out): the Mann-Whitney U test for two (exact permutation p, conditional on ties,
    while the count fits ``exact_ranksum``'s budget), the Kruskal-Wallis test for more.
    Without two groups with values, or when every value is equal, says why not."""
    if not samples:
        return GroupTest("", None, not_testable=NO_GROUPING)
    present = [(g, x) for g, x in samples if x.size]
    names = tuple(g for g, _ in present)
    n = int(sum(x.size for _, x in present))
    if len(present) < 2:
        why = ("no group has a value" if not present
               else f"only one group has values ({present[0][0]})")
        return GroupTest("", None, groups=names, n=n, not_testable=why)
    pooled = np.concatenate([x for _, x in present])
    if np.unique(pooled).size < 2:
        return GroupTest("", None, groups=names, n=n, not_testable="all values are equal")
    if len(present) == 2:
        (_, x), (_, y) = present
        u = float(stats.mannwhitneyu(x, y, alternative="two-sided",
                                     method="asymptotic").statistic)
        ties = np.unique(pooled).size < pooled.size
        if exact_feasible(x.size, y.size):
            what = "exact permutation p conditional on ties" if ties else "exact p"
            return GroupTest(
                "Mann-Whitney U test" + (" (exact, conditional on ties)" if ties
                                         else " (exact)"),
                exact_ranksum_p(x, y), u, "U", None, exact=True,
                method=f"{what}; U of {names[0]}", groups=names, n=n)
        asym = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                                        use_continuity=True).pvalue)
        return GroupTest("Mann-Whitney U test (normal approximation)", asym, u, "U", None,
                         method="normal approximation with tie and continuity correction "
                         "(too many values to count exactly)", groups=names, n=n)
    h, p = stats.kruskal(*[x for _, x in present])
    return GroupTest("Kruskal-Wallis test (chi-squared approximation)", float(p), float(h),
                     "H", len(present) - 1,
                     method=f"chi-squared approximation, df = {len(present) - 1}, "
                     "tie-corrected (as R kruskal.test)", groups=names, n=n)


def _text_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """A clinical column per sample as stripped text (``None`` when missing)."""
    if column not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[column].map(lambda v: None if _is_missing(v) else str(v).strip())


def _age_values(frame: pd.DataFrame, warnings: list[str]) -> pd.Series:
    raw = frame["age"] if "age" in frame.columns else pd.Series(None, index=frame.index)
    nums = pd.to_numeric(raw.map(lambda v: None if _is_missing(v) else
                                 str(v).strip().replace(",", ".")), errors="coerce")
    bad = raw.map(lambda v: not _is_missing(v)) & nums.isna()
    if bad.any():
        warnings.append(f"age: {plural(int(bad.sum()), 'sample')} with a value that is not a "
                        f"number, counted as unknown ({', '.join(map(str, bad[bad].index[:8]))})")
    return nums.map(lambda v: None if v != v else float(v))


def _event_values(cohort: Cohort, endpoint: Endpoint, p: _Patients,
                  warnings: list[str]) -> list[Any] | None:
    """Per patient "event" / "censored" (``None``: no valid time and event), or ``None``
    when the cohort has no value of the endpoint at all."""
    frame = clinical_frame(cohort)
    cols = [c for c in (endpoint.time_col, endpoint.event_col) if c in frame.columns]
    if not cols or not any(frame[c].map(lambda v: not _is_missing(v)).any() for c in cols):
        return None
    try:
        rows, _excluded = endpoint_rows(cohort, endpoint)
    except EventCodingError as exc:
        warnings.append(f"{endpoint.label} events not counted: {exc}")
        return None
    except GroupingError:
        return None
    status = rows["event"].map(lambda e: EVENT if int(e) == 1 else CENSORED)
    return _patient_values(p, status, f"{endpoint.label} event", warnings)


def _assay_rows(cohort: Cohort) -> list[tuple[str, str, set[str]]]:
    """``(key, label, tested samples)`` of every assay with records: IHC and FISH (then
    per marker and clone, per probe), each sequencing assay (or scoped column) as
    ``tested_samples`` names it, then each capability."""
    out: list[tuple[str, str, set[str]]] = []
    tested = cohort.tested_samples()
    ihc = cohort.table("ihc")
    if not ihc.empty:
        out.append(("assay:IHC", "IHC", tested["IHC"]))
        pairs = ihc.loc[:, ["marker", "clone"]].drop_duplicates()
        for marker, clone in sorted(
                ((str(m), None if _is_missing(c) else str(c)) for m, c in
                 zip(pairs["marker"], pairs["clone"]) if not _is_missing(m)),
                key=lambda mc: (mc[0].casefold(), (mc[1] or "").casefold())):
            label = f"IHC {marker}" + (f" ({clone})" if clone else "")
            out.append((f"assay:IHC {marker} {clone or ''}".strip(), label,
                        cohort.ihc_tested(marker, clone)))
    fish = cohort.table("fish")
    if not fish.empty:
        out.append(("assay:FISH", "FISH", tested["FISH"]))
        for probe in sorted({str(v) for v in fish["probe"] if not _is_missing(v)},
                            key=str.casefold):
            out.append((f"assay:FISH {probe}", f"FISH {probe}", cohort.fish_tested(probe)))
    for label, ids in tested.items():
        if label not in ("IHC", "FISH"):
            out.append((f"assay:{label}", label, ids))
    capability_sets = [(cap, cohort.tested_for(cap)) for cap in Capability]
    if any(ids for _, ids in capability_sets) or not cohort.table("sequencing").empty:
        for cap, ids in capability_sets:
            noun = {Capability.FUSION: "fusions", Capability.MUTATION: "mutations",
                    Capability.COPY_NUMBER: "copy number"}[cap]
            out.append((f"capability:{cap}", f"Tested for {noun}", ids))
    return out


def cohort_characteristics(cohort: Cohort, by: str | None = None, *,
                           grouping: Grouping | None = None,
                           progress: Progress | None = None) -> CharacteristicsTable:
    """Cohort characteristics (Table 1), overall or by a grouping, with tests.

    Parameters
    ----------
    cohort:
        The cohort; one row per patient.
    by:
        What to compare, as the Survival tab and ``imft survival --by`` take it (an
        alteration label such as "monosomy 19", a sheet column, ``column>value``, an
        assay call such as "ALK IHC", "A AND B"), resolved by ``resolve_grouping``.
    grouping:
        An already resolved grouping (instead of ``by``; its name is shown).
    progress:
        Checked between variables (the tab can cancel).

    Raises
    ------
    GroupingError
        When ``by`` names no alteration, assay call or column of the cohort, or one
        that no sample has a value of.
    """
    if grouping is None and by is not None and by.strip():
        grouping = resolve_grouping(cohort, by)
    if grouping is not None and not grouping.levels:
        raise GroupingError(f"no sample has a value of {grouping.name!r} to group by")
    warnings: list[str] = []
    notes: list[str] = []
    not_available: list[str] = []
    p = _patients(cohort, grouping)
    masks = _members(p)
    columns = p.columns
    frame = clinical_frame(cohort)
    variables: list[Variable] = []

    assays = _assay_rows(cohort)
    steps = 6 + len(assays)  # age, sex and site, treatment and response, 2 events, assays
    done_steps = [0]

    def check(what: str, count: int = 1) -> None:
        """Stop here if the tab was closed or asked again; say how far the tests are
        (a Table 1 of a big cohort by many groups takes seconds of exact counting)."""
        if progress is not None:
            progress.check()
            done_steps[0] += count
            progress.report(min(done_steps[0] / steps, 1.0), f"testing {what}")

    # ------------------------------------------------------------ patients
    ages = _patient_values(p, _age_values(frame, warnings), "age", warnings)
    if any(a is not None for a in ages):
        variables.append(_continuous("age", "Age", "years", ages, masks, columns))
    else:
        not_available.append("age")
    check("age")
    for key, label, what in (("sex", "Sex", "sex"), ("site", "Primary site", "primary site")):
        values = _patient_values(p, _text_values(frame, key), what, warnings)
        if any(v is not None for v in values):
            levels = (sorted({str(v) for v in values if v is not None}, key=str.casefold)
                      if key == "sex" else _levels_by_frequency(values))
            variables.append(_categorical(key, label, SECTION_PATIENTS, values, masks,
                                          columns, levels))
        else:
            not_available.append(what)
        check(what)
    # ------------------------------------------------------------ outcomes
    treatment = _patient_values(p, _text_values(frame, "treatment"), "treatment", warnings)
    if any(v is not None for v in treatment):
        variables.append(_categorical("treatment", "Treatment", SECTION_PATIENTS, treatment,
                                      masks, columns, _levels_by_frequency(treatment)))
    else:
        not_available.append("treatment")
    response = _patient_values(p, _text_values(frame, "best_response").map(
        lambda v: None if v is None else v.upper()), "best response", warnings)
    recist = {str(r) for r in Recist}
    odd = sorted({str(v) for v in response if v is not None and v not in recist})
    if odd:
        warnings.append(f"best response: {', '.join(odd)} is not CR/PR/SD/PD/NE, counted as "
                        "unknown")
        response = [v if v in recist else None for v in response]
    if any(v is not None for v in response):
        variables.append(_categorical(
            "best_response", "Best response (RECIST 1.1)", SECTION_OUTCOMES, response, masks,
            columns, [str(r) for r in RECIST_ORDER],
            note="; ".join(f"{r}: {RECIST_LABELS[r].lower()}" for r in RECIST_ORDER)))
    else:
        not_available.append("best response")
    check("treatment and best response")
    for endpoint in (PFS, OS):
        events = _event_values(cohort, endpoint, p, warnings)
        if events is None or not any(e is not None for e in events):
            not_available.append(f"{endpoint.label} events")
            continue
        variables.append(_categorical(
            f"{endpoint.label.lower()}_events", f"{endpoint.label} events", SECTION_OUTCOMES,
            events, masks, columns, [EVENT, CENSORED], SHOW_FIRST,
            note=f"patients with a valid {endpoint.label} time and event; unknown: "
                 "missing or invalid time or event",
            untested="time to event (compare survival with the log-rank test)"))
    check("events", 2)
    # ------------------------------------------------------------ assays
    sample_patient = {s: pid for pid, ss in p.samples.items() for s in ss}
    for key, label, ids in assays:
        done_patients = {sample_patient[s] for s in ids if s in sample_patient}
        values = [DONE if pid in done_patients else NOT_DONE for pid in p.ids]
        variables.append(_categorical(key, label, SECTION_ASSAYS, values, masks, columns,
                                      [DONE, NOT_DONE], SHOW_FIRST, kind=ASSAY))
        check(label)
    if not assays:
        not_available.append("assays (no IHC, FISH or sequencing records)")

    # ------------------------------------------------------------ words
    n_samples = sum(len(s) for s in p.samples.values())
    reasons: dict[str, int] = {}
    for r in p.reasons.values():
        reasons[r] = reasons.get(r, 0) + 1
    if grouping is not None:
        for c in columns:
            if c.kind == GROUP and c.n < SMALL_GROUP:
                warnings.append(f"{c.label}: only {plural(c.n, 'patient')}")
        ungrouped = columns[-2].n
        if ungrouped == 0:
            notes.append(f"Every patient has a value of {grouping.name}: no patient is left "
                         "out of the groups.")
        else:
            notes.append(f"{plural(ungrouped, 'patient')} without a value of {grouping.name} "
                         f"({', '.join(f'{k}: {v}' for k, v in reasons.items())}) are "
                         f"shown in their own column, '{UNGROUPED_LABEL}', and left out of "
                         "the tests.")
    if n_samples != len(p.ids):
        notes.append(f"{plural(len(p.ids), 'patient')} with {plural(n_samples, 'sample')}: "
                     "the table counts patients.")
    if not_available:
        notes.append("Not in this cohort: " + ", ".join(not_available) + ".")
    methods = _methods(grouping, variables)
    return CharacteristicsTable(
        cohort_name=cohort.name, synthetic=cohort.is_synthetic, n_patients=len(p.ids),
        n_samples=n_samples, grouping_text=by if grouping is not None else None,
        grouping_name=grouping.name if grouping is not None else None,
        grouping_kind=grouping.kind if grouping is not None else None,
        grouping_description=grouping.description if grouping is not None else "",
        columns=tuple(columns), variables=tuple(variables),
        ungrouped_reasons=tuple(reasons.items()),
        ungrouped_patients=tuple(p.reasons.items()),
        not_available=tuple(not_available), methods=tuple(methods),
        warnings=tuple(dict.fromkeys(warnings)), notes=tuple(notes),
    )


def _methods(grouping: Grouping | None, variables: list[Variable]) -> list[str]:
    out = [
        "Cohort characteristics per patient: categorical variables as n (%) of the "
        "patients with a known value in the column (unknown counted on its own line); "
        "age as median (IQR: 25th-75th percentile, R's default type 7) and range. Assays "
        "done: a patient counts when one of their samples has a result from the assay "
        "(failed, not done or not tested is not done, never negative); % of all patients "
        "in the column. Events: patients with a valid time and event.",
    ]
    if grouping is None:
        out.append("No grouping: the table describes the whole cohort; no test.")
        return out
    out.append(
        f"Grouping: {grouping.description}. Patients without a group value are shown in "
        "their own column and not tested; the overall column counts every patient.")
    names = list(dict.fromkeys(v.test.name for v in variables if v.test.tested))
    out.append(
        "Tests across the groups (two-sided; p values descriptive, one per variable, not "
        "corrected for multiple testing): categorical variables by Fisher's exact test "
        "(2x2 tables, as R fisher.test) or the Fisher-Freeman-Halton exact test (larger "
        "tables; every table with the observed margins counted by a network algorithm, "
        "tables within a relative 1e-7 of the observed probability counted as no more "
        "probable, as R fisher.test; Monte Carlo only when the count is too large, and "
        "then named in the test); age by the Mann-Whitney U test for two groups (exact "
        "permutation p conditional on ties, as coin::wilcox_test(distribution = "
        "'exact')) or the Kruskal-Wallis test for more (chi-squared approximation, "
        "tie-corrected, as R kruskal.test). Events are counted, not tested: compare "
        "survival with the log-rank test (Survival)."
        + (f" Tests used here: {'; '.join(names)}." if names else ""))
    return out
