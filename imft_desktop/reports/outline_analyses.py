"""The analyses a composed report needs, each run once for the whole outline.

The default report runs every analysis (``analyses.run_analyses``).  A composed report
runs only what its items name: the alteration matrix for a frequency table, the survival
of one grouping for a Kaplan-Meier section, the screen only when the screen is printed.
``OutlineAnalyses`` holds the cohort (de-identified once when asked), the shared results
and, for each item, the ``CohortAnalyses`` its renderer reads (``for_item``): the shared
one, or a copy carrying the item's own options (endpoint, unit, CI transform, measure,
gene) with the results that depend on them.

Every result's method text goes to one ``MethodsLog``; ``composer`` prints the topics of
the sections that were printed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from imft_desktop.analysis import cox, response, survival
from imft_desktop.analysis import groupings as grp
from imft_desktop.analysis.screen import alteration_screen
from imft_desktop.analysis.time_display import time_methods

# The stage runners of the default report, reused so that a composed section shows the
# same numbers as the default report's chapter (same thresholds, same method texts).
from imft_desktop.reports.analyses import (
    CohortAnalyses,
    ReportOptions,
    SurvivalAnalysis,
    _run_alterations,
    _run_concordance,
    _run_copy_number,
)
from imft_desktop.reports.deidentify import deidentify_report_cohort
from imft_desktop.reports.layout import Outcome, attempt, explain
from imft_desktop.reports.methods import import_method_texts
from imft_desktop.reports.outline import ReportItem
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Words a survival tab uses for "no grouping, every patient in one curve".
ALL_PATIENTS = ("", "all", "all patients", "(all patients)", "none", "(none)")
#: What the response tab's measure box says for the copy-number burden.
CNA_BURDEN = "CNA burden"


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
            keep = set(options.keep_columns) | _extra_columns_named(cohort, groupings)
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
        self._stages_done: set[str] = set()
        self._endpoints: dict[tuple[str, str | None], Any] = {}
        self._overall: dict[tuple[str, str | None, str], Outcome] = {}
        self._groupings: dict[tuple[str, str | None, str, str], SurvivalAnalysis] = {}
        self._screens: dict[tuple[str, str | None], Outcome] = {}

    @property
    def cohort(self) -> Cohort:
        return self.base.cohort

    @property
    def methods(self) -> Any:
        return self.base.methods

    # -------------------------------------------------------------- shared stages
    def need(self, *stages: str) -> None:
        """Run the shared stages not run yet: "alterations", "copy_number",
        "concordance" (with the genes chosen automatically)."""
        for stage in stages:
            if stage in self._stages_done:
                continue
            self._stages_done.add(stage)
            if stage == "alterations":
                _run_alterations(self.base)
            elif stage == "copy_number":
                _run_copy_number(self.base)
            elif stage == "concordance":
                self.need("alterations")
                _run_concordance(self.base)
            else:
                raise ValueError(f"unknown analysis stage {stage!r}")

    # -------------------------------------------------------------- per item
    def for_item(self, item: ReportItem) -> CohortAnalyses:
        """The analyses ``item``'s renderer reads, with what its kind needs computed.

        Kinds that depend on options the item sets get a copy of the shared analyses
        with those options and their own results; the shared results (alteration
        matrix, copy number ...) are the same objects, computed once.
        """
        prepare = _PREPARE.get(item.kind)
        return prepare(self, item) if prepare is not None else self.base

    def _options(self, item: ReportItem) -> ReportOptions:
        o = self.base.options
        return dataclasses.replace(
            o,
            endpoint=str(item.param("endpoint") or o.endpoint),
            unit=item.param("unit", o.unit),
            ci_transform=str(item.param("ci_transform") or o.ci_transform),
        )

    def _view(self, options: ReportOptions, **fields: Any) -> CohortAnalyses:
        # Fields named here are the item's own; the rest are the shared objects.
        return dataclasses.replace(self.base, options=options, **fields)

    def _endpoint(self, options: ReportOptions) -> Any:
        key = (options.endpoint, options.unit)
        if key not in self._endpoints:
            self._endpoints[key] = grp.in_unit(
                self.cohort, grp.resolve_endpoint(options.endpoint), options.unit)
        return self._endpoints[key]

    def overall_survival(self, options: ReportOptions) -> Outcome:
        """Kaplan-Meier of all patients for the options' endpoint, unit and CI."""
        key = (options.endpoint, options.unit, options.ci_transform)
        if key in self._overall:
            return self._overall[key]
        outcome = Outcome("Survival")
        self._overall[key] = outcome
        try:
            endpoint = self._endpoint(options)
        except Exception as exc:
            outcome.problem = explain("survival", exc)
            return outcome

        def overall() -> Any:
            data = grp.survival_data(self.cohort, endpoint, None)
            if data.frame.empty:
                raise ValueError(f"no patient has a usable {options.endpoint} time and event")
            return data, survival.kaplan_meier(data, ci_transform=options.ci_transform)

        attempt(outcome, overall)
        if outcome.ok:
            self.methods.add("Survival", outcome.result[1])
            for text in time_methods(self.cohort, endpoint):
                self.methods.add("Survival", text)
        return outcome

    def grouping_survival(self, options: ReportOptions, text: str) -> SurvivalAnalysis:
        """Kaplan-Meier, log-rank and Cox of one grouping (as the default report's
        survival chapter computes them, without the screen)."""
        key = (options.endpoint, options.unit, options.ci_transform, text)
        if key in self._groupings:
            return self._groupings[key]
        s = SurvivalAnalysis(grouping_text=text)
        self._groupings[key] = s
        try:
            endpoint = self._endpoint(options)
            s.grouping = grp.resolve_grouping(self.cohort, text)
            s.data = grp.survival_data(self.cohort, endpoint, s.grouping)
            if s.data.frame.empty:
                raise ValueError(f"no patient has a usable {options.endpoint} time and "
                                 "event and a group")
            s.km = survival.kaplan_meier(s.data, ci_transform=options.ci_transform)
        except Exception as exc:
            s.problem = explain(f"survival by {text}", exc)
            return s
        self.methods.add("Survival", s.km)
        for line in time_methods(self.cohort, endpoint):
            self.methods.add("Survival", line)
        if s.data.frame["group"].nunique() < 2:
            s.problem = "Only one group has patients, so no groups can be compared."
            return s
        try:
            s.logrank = survival.logrank(s.data)
            self.methods.add("Survival", s.logrank)
        except Exception as exc:
            s.problem = f"The log-rank test could not be done: {explain('log-rank', exc)}"
        try:
            s.cox = cox.cox_univariable(s.data)
            self.methods.add("Survival", s.cox)
        except Exception as exc:
            s.cox = None
            s.problem = f"The Cox model could not be fitted: {explain('Cox', exc)}"
        return s

    def screen(self, options: ReportOptions) -> Outcome:
        """Every alteration against the options' endpoint (log-rank, HR, BH q)."""
        key = (options.endpoint, options.unit)
        if key in self._screens:
            return self._screens[key]
        outcome = Outcome("Alteration screen")
        self._screens[key] = outcome
        self.need("alterations")
        try:
            endpoint = self._endpoint(options)
        except Exception as exc:
            outcome.problem = explain("the alteration screen", exc)
            return outcome
        matrix = self.base.matrix
        attempt(outcome, lambda: alteration_screen(
            self.cohort, endpoint, status=matrix.result.status if matrix.ok else None))
        if outcome.ok:
            self.methods.add("Alteration screen", outcome.result.method)
        return outcome


def _extra_columns_named(cohort: Cohort, groupings: Iterable[str]) -> set[str]:
    """Unmapped sheet columns a grouping names: they must survive de-identification."""
    if cohort.extra.empty:
        return set()
    keep: set[str] = set()
    for text in groupings:
        parts = text.replace("&", " and ").replace("|", " or ").split()
        for candidate in (*parts, text):
            col = grp.find_column(cohort, candidate)
            if col is not None and col in cohort.extra.columns:
                keep.add(col)
    return keep


# ------------------------------------------------------------------ preparing each kind
def _alterations(oa: OutlineAnalyses, _item: ReportItem) -> CohortAnalyses:
    oa.need("alterations")
    return oa.base


def _copy_number(oa: OutlineAnalyses, _item: ReportItem) -> CohortAnalyses:
    oa.need("copy_number")
    return oa.base


def _concordance(oa: OutlineAnalyses, item: ReportItem) -> CohortAnalyses:
    gene = item.param("gene")
    if not gene:
        oa.need("concordance")
        return oa.base
    oa.need("alterations")
    options = dataclasses.replace(oa.base.options, concordance_genes=(str(gene),))
    view = oa._view(options, concordance=[])
    _run_concordance(view)
    return view


def _survival(oa: OutlineAnalyses, item: ReportItem) -> CohortAnalyses:
    options = oa._options(item)
    overall = oa.overall_survival(options)
    text = item.param("grouping")
    chosen = [] if is_all_patients(text) else [oa.grouping_survival(options, str(text))]
    return oa._view(options, overall_survival=overall, survival=chosen,
                    survival_groupings=tuple(s.grouping_text for s in chosen))


def _screen(oa: OutlineAnalyses, item: ReportItem) -> CohortAnalyses:
    options = oa._options(item)
    overall = oa.overall_survival(options)
    screen = oa.screen(options) if overall.ok else Outcome("Alteration screen")
    return oa._view(options, overall_survival=overall, screen=screen, survival=[],
                    survival_groupings=())


def _response(oa: OutlineAnalyses, item: ReportItem) -> CohortAnalyses:
    """RECIST distribution, waterfall, ORR, the measure by response and, with a
    grouping, ORR and Fisher's test by group (as the default report's response
    chapter and its survival groupings compute them)."""
    measure = item.param("measure")
    measure = None if is_all_patients(measure) else str(measure)
    options = dataclasses.replace(oa.base.options, response_measure=measure or "")
    view = oa._view(options, response=Outcome("Response"), orr=Outcome("Objective response"),
                    measure_by_response=Outcome("Response"), waterfall=Outcome("Waterfall"),
                    survival=[], survival_groupings=())

    def distribution() -> Any:
        data = response.response_data(oa.cohort)
        return data, response.recist_distribution(data)

    attempt(view.response, distribution)
    if not view.response.ok:
        return view
    data = view.response.result[0]
    attempt(view.waterfall, lambda: response.waterfall_data(oa.cohort))
    attempt(view.orr, lambda: response.objective_response_rate(data))
    if view.orr.ok:
        oa.methods.add("Response", view.orr.result)
    if measure:
        if measure.casefold() == CNA_BURDEN.casefold():
            oa.need("copy_number")
            measured = "cna_burden"
        else:
            measured = measure
        attempt(view.measure_by_response,
                lambda: response.measure_by_response(oa.cohort, measured, data))
        if view.measure_by_response.ok:
            oa.methods.add("Response", view.measure_by_response.result)
    text = item.param("grouping")
    if not is_all_patients(text):
        view.survival = [_response_by(oa, str(text))]
        view.survival_groupings = (str(text),)
    return view


def _response_by(oa: OutlineAnalyses, text: str) -> SurvivalAnalysis:
    s = SurvivalAnalysis(grouping_text=text)
    try:
        s.grouping = grp.resolve_grouping(oa.cohort, text)
        rd = response.response_data(oa.cohort, s.grouping)
        s.orr = response.objective_response_rate(rd)
        oa.methods.add("Response", s.orr)
        if s.grouping.is_binary:
            s.fisher = response.fisher_response(rd)
            oa.methods.add("Response", s.fisher)
    except Exception as exc:
        s.orr = s.fisher = None
        s.response_problem = explain(f"response by {text}", exc)
    return s


#: What each kind computes before its renderer runs; kinds not named read the cohort
#: itself (characteristics, readings) or nothing (methods).
_PREPARE: dict[str, Callable[[OutlineAnalyses, ReportItem], CohortAnalyses]] = {
    "frequencies": _alterations,
    "partners": _alterations,
    "oncoprint": _alterations,
    "cooccurrence": _alterations,
    "copy_number": _copy_number,
    "concordance": _concordance,
    "survival": _survival,
    "screen": _screen,
    "response": _response,
}
