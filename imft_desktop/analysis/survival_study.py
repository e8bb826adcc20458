"""The survival study: one grouping's Kaplan-Meier, tests and Cox models, computed once.

``survival_study(cohort, options)`` answers "how does <endpoint> differ by <grouping>?"
and returns a frozen :class:`SurvivalStudy`.  The Survival tab, ``imft survival --json``,
the report's survival section and its Excel sheet all render that one object, so the
numbers cannot differ between them: none of them fits a model or runs a test itself.

What is computed follows from the grouping, the same way in every view:

* all patients (no grouping): the Kaplan-Meier curve only, nothing to test;
* two or more groups: log-rank, univariable Cox (Efron; Firth on request);
* more than two groups: pairwise log-rank with Benjamini-Hochberg q, and for an ordered
  grouping the log-rank test for trend;
* on request: a permutation log-rank p and a multivariable Cox adjusted for chosen
  columns or groupings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from imft_desktop.analysis.cox import CoxResult, cox_multivariable, cox_univariable
from imft_desktop.analysis.groupings import (
    OS,
    PFS,
    Endpoint,
    Grouping,
    GroupingError,
    SurvivalData,
    clinical_frame,
    endpoint_rows,
    find_column,
    in_unit,
    numeric_values,
    resolve_endpoint,
    resolve_grouping,
    stored_unit,
    survival_data,
)
from imft_desktop.analysis.survival import (
    KMResult,
    PairwiseResult,
    TestResult,
    kaplan_meier,
    logrank,
    logrank_trend,
    pairwise_logrank,
    permutation_logrank,
)
from imft_desktop.analysis.time_display import time_methods
from imft_desktop.model.time_units import normalise_unit

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.analysis.alterations import AlterationMatrix
    from imft_desktop.analysis.screen import ScreenResult
    from imft_desktop.model.cohort import Cohort
    from imft_desktop.model.progress import Progress

#: The words for "no grouping": every patient in one curve.
ALL_PATIENTS = "All patients"
#: A numeric column with more distinct values than this enters a multivariable Cox
#: model as a number (HR per unit); one with fewer, as groups.
NUMERIC_COVARIATE_MIN_VALUES = 7


class NoEndpointError(GroupingError):
    """The cohort has no analysable PFS or OS (the message names what is missing)."""


@dataclass(frozen=True)
class SurvivalOptions:
    """What the user asked for; every view passes these and nothing else.

    Attributes
    ----------
    endpoint:
        "PFS", "OS", or "auto" (PFS when some patient has a usable PFS, else OS).
        Ignored when ``time_column``/``event_column`` name a pair of sheet columns.
    grouping:
        The grouping as the user types it ("monosomy 19", "ALK IHC", "age>50", "A AND
        B"); empty or "All patients": one curve of every patient.
    reference:
        The reference group of the hazard ratios (default: the grouping's first level).
    unit:
        Days, weeks, months or years for the results (default: the sheet's unit).
    ci_transform:
        Kaplan-Meier confidence interval transform, "log" (R's default) or "log-log".
    firth:
        Firth-penalised Cox (finite hazard ratios under separation).
    permutation:
        Add a permutation log-rank p (exact enumeration when small).
    adjust:
        Columns or groupings for a multivariable Cox model beside the univariable one.
    landmarks:
        Times at which survival is reported with its CI (in ``unit``).
    min_events:
        A level with fewer events gets no hazard ratio ("suppressed").
    exploratory:
        Chosen by the alteration screen rather than by the user (labelled as such).
    """

    endpoint: str = "auto"
    grouping: str = ""
    reference: str | None = None
    unit: str | None = None
    ci_transform: str = "log"
    firth: bool = False
    permutation: bool = False
    adjust: tuple[str, ...] = ()
    landmarks: tuple[float, ...] = ()
    min_events: int = 1
    exploratory: bool = False
    time_column: str | None = None
    event_column: str | None = None
    event_value: str | None = None

    @property
    def all_patients(self) -> bool:
        text = self.grouping.strip()
        return not text or text.casefold() == ALL_PATIENTS.casefold()

    def to_params(self) -> dict[str, Any]:
        """The options that differ from the defaults, as JSON scalars and lists (for a
        report outline item or a project setting)."""
        default = SurvivalOptions()
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value != getattr(default, name):
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SurvivalOptions:
        """Options from :meth:`to_params` output; unknown names are ignored (a newer
        program may have written them) and lists become tuples."""
        known = cls.__dataclass_fields__
        kwargs: dict[str, Any] = {}
        for name, value in params.items():
            if name not in known:
                continue
            if name == "adjust":
                value = tuple(str(v) for v in (value or ()))
            elif name == "landmarks":
                value = tuple(float(v) for v in (value or ()))
            kwargs[name] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class Landmark:
    """Survival of one group at one time, with its confidence interval."""

    group: str
    time: float
    survival: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class SurvivalStudy:
    """Everything one survival question produced; rendered, never recomputed, by views.

    ``logrank`` and ``cox`` are ``None`` for all patients (one group: nothing to test);
    ``trend`` only for an ordered grouping of three or more levels; ``pairwise`` for
    three or more levels; ``permutation`` and ``adjusted`` only when asked for.
    ``notes`` are facts about how the data were read (a unit the sheet does not state);
    ``warnings`` are cautions about the results (small groups, suppressed HRs).
    """

    options: SurvivalOptions
    endpoint: Endpoint
    grouping: Grouping | None
    data: SurvivalData
    km: KMResult
    logrank: TestResult | None
    cox: CoxResult | None
    trend: TestResult | None
    pairwise: PairwiseResult | None
    permutation: TestResult | None
    adjusted: CoxResult | None
    landmarks: tuple[Landmark, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    methods: tuple[str, ...]

    @property
    def grouped(self) -> bool:
        return self.grouping is not None

    @property
    def unit(self) -> str:
        return self.endpoint.unit

    @property
    def title(self) -> str:
        """"PFS by monosomy 19" or "PFS, all patients"."""
        if self.grouping is None:
            return f"{self.endpoint.label}, all patients"
        return f"{self.endpoint.label} by {self.grouping.name}"

    @property
    def n(self) -> int:
        return self.data.n


def default_endpoint(cohort: Cohort) -> Endpoint:
    """PFS when the cohort has analysable PFS, else OS.

    Raises
    ------
    NoEndpointError
        Naming, for each endpoint, the missing columns (or that no patient has a valid
        time and event), so the user knows what to add to the sheet.
    """
    why: list[str] = []
    for ep in (PFS, OS):
        missing = [c for c in (ep.time_col, ep.event_col) if find_column(cohort, c) is None]
        if missing:
            why.append(f"no {ep.label} (column{'s' if len(missing) > 1 else ''} "
                       + " and ".join(repr(c) for c in missing) + " missing)")
            continue
        rows, excluded = endpoint_rows(cohort, ep)
        if len(rows):
            return ep
        cols = f"'{ep.time_col}', '{ep.event_col}'"
        reasons: dict[str, int] = {}
        for _, reason in excluded:
            reasons[reason] = reasons.get(reason, 0) + 1
        if set(reasons) <= {"missing time"}:
            why.append(f"the {ep.label} columns ({cols}) are empty")
        else:
            why.append(f"no patient has a valid {ep.label} time and event ({cols}: "
                       + ", ".join(f"{k}: {v}" for k, v in reasons.items()) + ")")
    raise NoEndpointError("No survival data to show: " + "; ".join(why) + ".")


def study_endpoint(cohort: Cohort, options: SurvivalOptions) -> Endpoint:
    """The endpoint the options name, before its unit is chosen."""
    if options.time_column or options.event_column:
        if not (options.time_column and options.event_column):
            raise GroupingError("a time column and an event column go together")
        return Endpoint(options.time_column, options.event_column, "months",
                        options.time_column, options.event_value)
    if options.endpoint.strip().casefold() == "auto":
        endpoint = default_endpoint(cohort)
    else:
        endpoint = resolve_endpoint(options.endpoint)
    if options.event_value:
        endpoint = replace(endpoint, event_value=options.event_value)
    return endpoint


def survival_study(cohort: Cohort, options: SurvivalOptions,
                   progress: Progress | None = None,
                   matrix: AlterationMatrix | None = None) -> SurvivalStudy:
    """Run the survival study ``options`` describe on ``cohort`` (``matrix``: the
    cohort's alteration matrix when the caller has it, so it is not rebuilt).

    Raises
    ------
    GroupingError
        (or its subclasses ``NoEndpointError``, ``EventCodingError``) with a message for
        the user: an unknown grouping, column, unit or endpoint, an ambiguous event
        coding, or no patient with a usable time and event.
    """
    if options.unit and normalise_unit(options.unit) is None:
        raise GroupingError(f"unknown unit {options.unit!r} (days, weeks, months or years)")
    endpoint = study_endpoint(cohort, options)
    notes: list[str] = []
    if stored_unit(cohort, endpoint) is None:
        notes.append(f"{endpoint.time_col!r} states no time unit: read as "
                     f"{options.unit or endpoint.unit}"
                     + ("" if options.unit else "; choose the unit to say"))
    endpoint = in_unit(cohort, endpoint, options.unit)
    grouping = None
    if not options.all_patients:
        grouping = resolve_grouping(cohort, options.grouping, matrix)
        if options.reference:
            grouping = grouping.with_reference(options.reference)
    if progress is not None:
        progress.check()
    data = survival_data(cohort, endpoint, grouping)
    if data.n == 0:
        reasons = ", ".join(f"{k}: {v}" for k, v in data.excluded_counts().items())
        raise GroupingError(f"no patient has a valid {endpoint.label} time and event"
                            + (" and a group" if grouping is not None else "")
                            + f" ({reasons or 'no rows'})")
    km = kaplan_meier(data, options.ci_transform)
    if grouping is None:  # the one curve is named in words in every view
        km = replace(km, groups=[replace(g, label=ALL_PATIENTS) for g in km.groups])
    methods = [km.method]
    lr = cox = trend = pairwise = permutation = adjusted = None
    if grouping is not None:
        # one level only: the test says "not testable" and Cox "only one group", in words
        lr = logrank(data)
        cox = cox_univariable(data, min_events=options.min_events, firth=options.firth)
        methods += [lr.method, cox.method]
        if len(data.levels) > 2:
            pairwise = pairwise_logrank(data)
            methods.append(pairwise.method)
            if grouping.ordered:
                trend = logrank_trend(data)
                methods.append(trend.method)
        if options.adjust:
            adjusted = adjusted_cox(cohort, endpoint, data, options.adjust,
                                    options.min_events, matrix)
            methods.append("multivariable " + adjusted.method)
        if options.permutation:
            if progress is not None:
                progress.check()
            permutation = permutation_logrank(data)
            methods.append(permutation.method)
    methods += time_methods(cohort, endpoint)
    warnings = [w for g in km.groups for w in g.warnings]
    for result in (lr, cox, adjusted):
        if result is not None:
            warnings += result.warnings
    landmarks = tuple(
        Landmark(g.label, float(t), *g.survival_at(float(t)))
        for t in options.landmarks for g in km.groups
    )
    return SurvivalStudy(
        options=options, endpoint=endpoint, grouping=grouping, data=data, km=km,
        logrank=lr, cox=cox, trend=trend, pairwise=pairwise, permutation=permutation,
        adjusted=adjusted, landmarks=landmarks,
        notes=tuple(dict.fromkeys(notes + list(data.notes))),
        warnings=tuple(dict.fromkeys(warnings)), methods=tuple(dict.fromkeys(methods)),
    )


def adjusted_cox(cohort: Cohort, endpoint: Endpoint, data: SurvivalData,
                 adjust: tuple[str, ...], min_events: int = 1,
                 matrix: AlterationMatrix | None = None) -> CoxResult:
    """Multivariable Cox of ``data``'s grouping with the ``adjust`` covariates.

    A column with at least :data:`NUMERIC_COVARIATE_MIN_VALUES` distinct numbers enters
    as a numeric covariate (HR per unit); anything else as a grouping (dummies against
    its first level), resolved as any grouping is ("22q loss", "sex", "age>60").
    """
    datas = [data]
    numeric = {}
    for name in (a.strip() for a in adjust):
        if not name:
            continue
        col = find_column(cohort, name)
        values = numeric_values(clinical_frame(cohort)[col]) if col is not None else None
        if (col is not None and values is not None
                and values.dropna().nunique() >= NUMERIC_COVARIATE_MIN_VALUES):
            numeric[col] = values
        else:
            datas.append(survival_data(cohort, endpoint,
                                       resolve_grouping(cohort, name, matrix)))
    return cox_multivariable(datas, numeric, min_events=min_events)


def with_landmarks(study: SurvivalStudy, times: tuple[float, ...]) -> SurvivalStudy:
    """The same study reporting survival at ``times`` instead: read off its own curves,
    nothing is refitted (the tab's "S(t) at" box)."""
    landmarks = tuple(Landmark(g.label, float(t), *g.survival_at(float(t)))
                      for t in times for g in study.km.groups)
    return replace(study, options=replace(study.options, landmarks=tuple(times)),
                   landmarks=landmarks)


def screen_study(cohort: Cohort, options: SurvivalOptions,
                 progress: Progress | None = None,
                 matrix: AlterationMatrix | None = None) -> ScreenResult:
    """The alteration screen against the endpoint of ``options`` (chosen as in
    :func:`survival_study`; its grouping is ignored), medians in ``options.unit``."""
    from imft_desktop.analysis.screen import alteration_screen

    if options.unit and normalise_unit(options.unit) is None:
        raise GroupingError(f"unknown unit {options.unit!r} (days, weeks, months or years)")
    resolved = in_unit(cohort, study_endpoint(cohort, options), options.unit)
    return alteration_screen(cohort, resolved, progress=progress,
                             status=matrix.status if matrix is not None else None)
