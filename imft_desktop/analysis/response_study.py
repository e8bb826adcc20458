"""The response study: RECIST distribution, objective response, and response by a group.

``response_study(cohort, options)`` computes, once, everything the Response tab,
``imft response --json``, the report's response chapter and its Excel sheet show:

* the best-response distribution and the objective response rate (CR or PR, exact CI)
  over every evaluable patient;
* with a grouping: the distribution and ORR per group, and Fisher's exact test with the
  odds ratio when there are two groups;
* with a measure (a numeric column or the CNA burden): the measure of responders against
  non-responders (Mann-Whitney, exact conditional p with ties);
* the waterfall and swimmer data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from imft_desktop.analysis.groupings import Grouping, GroupingError, resolve_grouping
from imft_desktop.analysis.response import (
    Distribution,
    FisherResult,
    MannWhitneyResult,
    OrrResult,
    ResponseData,
    fisher_response,
    measure_by_response,
    objective_response_rate,
    recist_distribution,
    response_data,
    swimmer_data,
    waterfall_data,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.analysis.alterations import AlterationMatrix
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

#: The measure the user names as "CNA burden" (altered regions per sample).
CNA_BURDEN = "cna_burden"
#: Words for a measure the cohort cannot give when it was only offered, not asked for.
NO_MEASURE_NOTE = "{measure}: not available for this cohort"


@dataclass(frozen=True)
class ResponseOptions:
    """What the user asked for.

    Attributes
    ----------
    grouping:
        The grouping as typed ("PIK3CA mutation", "sex", "age>50"); empty: no groups.
    reference:
        The group listed first in Fisher's 2x2 table (odds ratio against it).
    measure:
        A numeric column or "cna_burden" compared between responders and non-responders.
    optional_measure:
        The measure was offered by default (the tab tries the CNA burden): a cohort
        without it gets a note instead of an error.
    """

    grouping: str = ""
    reference: str | None = None
    measure: str | None = None
    optional_measure: bool = False

    def to_params(self) -> dict[str, str | bool]:
        """The options that are set, for a report outline item."""
        out: dict[str, str | bool] = {}
        if self.grouping:
            out["grouping"] = self.grouping
        if self.reference:
            out["reference"] = self.reference
        if self.measure:
            out["measure"] = self.measure
        return out

    @classmethod
    def from_params(cls, params: dict[str, object]) -> ResponseOptions:
        def text(name: str) -> str | None:
            value = params.get(name)
            return None if value in (None, "") else str(value)

        return cls(grouping=text("grouping") or "", reference=text("reference"),
                   measure=text("measure"))


@dataclass(frozen=True)
class ResponseStudy:
    """Everything the response question produced; views render it, never recompute.

    ``distribution_all``/``orr_all`` are over every evaluable patient, also those the
    grouping cannot place (not tested for it); ``distribution``/``orr`` are per group
    (the same objects as the ``_all`` ones without a grouping).
    """

    options: ResponseOptions
    grouping: Grouping | None
    data_all: ResponseData
    data: ResponseData
    distribution_all: Distribution
    distribution: Distribution
    orr_all: OrrResult
    orr: OrrResult
    fisher: FisherResult | None
    measure: MannWhitneyResult | None
    measure_note: str | None
    waterfall: pd.DataFrame
    swimmer: pd.DataFrame
    warnings: tuple[str, ...]
    methods: tuple[str, ...]

    @property
    def n(self) -> int:
        """Patients with a response record."""
        return len(self.data_all.frame)

    @property
    def title(self) -> str:
        if self.grouping is None:
            return "Response"
        return f"Response by {self.grouping.name}"


def response_study(cohort: Cohort, options: ResponseOptions,
                   progress: Progress | None = None,
                   matrix: AlterationMatrix | None = None) -> ResponseStudy:
    """Run the response study ``options`` describe (``matrix``: the cohort's alteration
    matrix when the caller has it).

    Raises
    ------
    GroupingError
        An unknown grouping or measure (a message for the user).
    """
    grouping = None
    if options.grouping.strip():
        grouping = resolve_grouping(cohort, options.grouping, matrix)
        if options.reference:
            grouping = grouping.with_reference(options.reference)
    data_all = response_data(cohort)
    data = response_data(cohort, grouping) if grouping is not None else data_all
    # Computed once each: without a grouping the per-group results are the overall ones.
    distribution_all = recist_distribution(data_all)
    orr_all = objective_response_rate(data_all)
    distribution = recist_distribution(data) if grouping is not None else distribution_all
    orr = objective_response_rate(data) if grouping is not None else orr_all
    warnings = list(orr_all.overall.warnings)
    methods = [orr.method]
    fisher = None
    if grouping is not None:
        for p in orr.by_group:
            warnings += p.warnings
        if len(data.levels) == 2:
            fisher = fisher_response(data)
            methods.append(fisher.method)
            warnings += fisher.warnings
    if progress is not None:
        progress.check()
    measure = None
    note = None
    if options.measure:
        # "CNA burden" as the Response tab's box says it is the cna_burden measure
        name = (CNA_BURDEN if options.measure.strip().casefold().replace(" ", "_") == CNA_BURDEN
                else options.measure)
        try:
            measure = measure_by_response(cohort, name, data_all)
        except GroupingError:
            if not options.optional_measure:
                raise
            note = NO_MEASURE_NOTE.format(measure=_measure_words(options.measure))
        else:
            if options.optional_measure and not any(measure.n.values()):
                measure = None  # offered by default; no sample has a value
                note = NO_MEASURE_NOTE.format(measure=_measure_words(options.measure))
        if measure is not None:
            methods.append(measure.method)
            warnings += measure.warnings
    return ResponseStudy(
        options=options, grouping=grouping, data_all=data_all, data=data,
        distribution_all=distribution_all, distribution=distribution, orr_all=orr_all,
        orr=orr, fisher=fisher, measure=measure, measure_note=note,
        waterfall=waterfall_data(cohort), swimmer=swimmer_data(cohort),
        warnings=tuple(dict.fromkeys(warnings)), methods=tuple(dict.fromkeys(methods)),
    )


def _measure_words(measure: str) -> str:
    return "CNA burden" if measure == CNA_BURDEN else measure
