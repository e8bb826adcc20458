"""The analyses a composed report needs, each run once for the whole outline.

The default report runs every analysis (``analyses.run_analyses``).  A composed report
runs only what its items name: the alteration summary once for any alteration section,
and for a survival, screen or response section the study that item names (the chapter
modules run it through ``CohortAnalyses.study``, so the printed section and its workbook
sheet render one object).  ``OutlineAnalyses`` holds the cohort (de-identified once when
asked) and those shared results.

Every result's method text goes to one ``MethodsLog``; ``composer`` prints the topics of
the sections that were printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from imft_desktop.reports.analyses import (
    CohortAnalyses,
    ReportOptions,
    extra_columns_named,
    run_alteration_summary,
)
from imft_desktop.reports.deidentify import deidentify_report_cohort
from imft_desktop.reports.methods import import_method_texts
from imft_desktop.reports.outline import ReportItem
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Words a survival tab uses for "no grouping, every patient in one curve".
ALL_PATIENTS = ("", "all", "all patients", "(all patients)", "none", "(none)")


def is_all_patients(grouping: Any) -> bool:
    """True when ``grouping`` names no grouping (``None``, "", "All patients")."""
    return grouping is None or str(grouping).strip().casefold() in ALL_PATIENTS


def item_groupings(items: Iterable[ReportItem]) -> tuple[str, ...]:
    """The groupings the items name (survival and response), each once, in order."""
    out: list[str] = []
    for item in items:
        text = item.param("grouping")
        if not is_all_patients(text) and str(text) not in out:
            out.append(str(text))
    return tuple(out)


class OutlineAnalyses:
    """The analyses of one composed report, computed on demand and kept.

    Parameters
    ----------
    cohort:
        The cohort as shown; de-identified here once when ``deidentify``.
    items:
        The outline's items: their groupings are kept through de-identification and
        named in the provenance.
    options:
        Defaults for what an item does not set (endpoint, unit, CI transform ...).
    """

    def __init__(self, cohort: Cohort, items: Iterable[ReportItem],
                 options: ReportOptions | None = None, *, deidentify: bool = False):
        items = tuple(items)
        options = options or ReportOptions()
        groupings = item_groupings(items)
        pseudonymizer = None
        if deidentify:
            keep = set(options.keep_columns) | extra_columns_named(cohort, groupings)
            cohort, pseudonymizer = deidentify_report_cohort(
                cohort, secret=options.secret, secret_file=options.secret_file,
                keep_columns=sorted(keep))
        params: dict[str, Any] = {
            "FISH positivity threshold (default)": f"{cohort.fish_threshold:g}%",
            "Report sections": "; ".join(f"{i}. {item.title}"
                                         for i, item in enumerate(items, 1)) or "none",
        }
        self.base = CohortAnalyses(
            cohort=cohort, options=options, survival_groupings=groupings,
            provenance=Provenance.from_cohort(cohort, parameters=params,
                                              deidentified=deidentify),
            pseudonymizer=pseudonymizer,
        )
        for text in import_method_texts(cohort):
            self.base.methods.add("Reading the source", text)
        self._summary_done = False

    @property
    def cohort(self) -> Cohort:
        return self.base.cohort

    @property
    def methods(self) -> Any:
        return self.base.methods

    # -------------------------------------------------------------- per item
    def for_item(self, item: ReportItem) -> CohortAnalyses:
        """The analyses ``item``'s renderer reads: the alteration summary is computed
        (once) for the kinds that show it; the other kinds run their own study."""
        if item.kind in SUMMARY_KINDS and not self._summary_done:
            self._summary_done = True
            run_alteration_summary(self.base)
        return self.base


#: Kinds that print (part of) the alteration summary.
SUMMARY_KINDS = frozenset({"frequencies", "partners", "oncoprint", "cooccurrence",
                           "copy_number", "concordance"})
