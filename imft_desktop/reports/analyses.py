"""Every analysis the cohort report and workbook show, run once (``run_analyses``).

The result objects are kept in a ``CohortAnalyses``; the chapters and the workbook sheets
lay them out and never recompute them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from imft_desktop.analysis import groupings as grp
from imft_desktop.analysis.alteration_summary import AlterationSummary, SummaryOptions, summarise
from imft_desktop.analysis.cox import CoxResult
from imft_desktop.analysis.groupings import Grouping
from imft_desktop.analysis.response_study import ResponseOptions, ResponseStudy, response_study
from imft_desktop.analysis.survival import KMResult, TestResult
from imft_desktop.analysis.survival_study import (
    SurvivalOptions,
    SurvivalStudy,
    screen_study,
    survival_study,
)
from imft_desktop.reports.deidentify import Pseudonymizer, deidentify_report_cohort
from imft_desktop.reports.layout import Outcome, attempt, explain
from imft_desktop.reports.methods import MethodsLog, import_method_texts
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Why the copy-number parts of the report are empty, in the user's words.
NO_COPY_NUMBER = "no sample was tested for copy number"
#: With no grouping chosen, Kaplan-Meier plots of this many of the screen's top results.
SCREEN_TOP_KM = 2


@dataclass(frozen=True)
class ReportOptions:
    """Choices that shape the cohort report and workbook.

    Attributes
    ----------
    endpoint:
        Survival endpoint: "PFS", "OS" or "auto" (PFS when some patient has a usable
        PFS, else OS, as the Survival tab chooses).
    unit:
        Time unit of survival results (days, weeks, months, years); ``None``: the
        unit of the sheet's time column.
    ci_transform:
        Kaplan-Meier CI transform, "log" (R's default) or "log-log".
    response_measure:
        Numeric measure compared between responders and non-responders.
    min_focal_samples:
        A focal locus is recurrent when altered in at least this many samples (and 5% of
        the samples with segments: the alteration summary's one rule).
    concordance_genes:
        Genes for the assay-concordance chapter; ``None``: the alteration summary's rule
        (genes tested by two of IHC, FISH and fusion sequencing, two of them compared on
        at least three samples), as the Summary tab shows them.
    min_altered_in_table:
        Alterations altered in fewer samples are left out of the printed frequency
        table (the workbook has all).
    secret, secret_file:
        Pseudonym secret (or its key file) for de-identified output; default: the
        project's own secret in the user data folder.
    keep_columns:
        Free-text / extra columns kept in de-identified output.
    """

    endpoint: str = "auto"
    unit: str | None = None
    ci_transform: str = "log"
    response_measure: str = "CNA burden"
    min_focal_samples: int = 2
    concordance_genes: tuple[str, ...] | None = None
    min_altered_in_table: int = 1
    secret: bytes | None = None
    secret_file: str | None = None
    keep_columns: tuple[str, ...] = ()


@dataclass
class SurvivalAnalysis:
    """One grouping of the report: its survival study and the response study by the
    same grouping, or why either could not be done; ``exploratory`` when the report
    chose it from the alteration screen rather than the user."""

    grouping_text: str
    study: SurvivalStudy | None = None
    response: ResponseStudy | None = None
    problem: str | None = None
    response_problem: str | None = None
    exploratory: bool = False

    # The study's parts by name, as the chapters and tests read them.
    @property
    def km(self) -> KMResult | None:
        return self.study.km if self.study is not None else None

    @property
    def logrank(self) -> TestResult | None:
        return self.study.logrank if self.study is not None else None

    @property
    def cox(self) -> CoxResult | None:
        return self.study.cox if self.study is not None else None

    @property
    def grouping(self) -> Grouping | None:
        return self.study.grouping if self.study is not None else None


@dataclass
class CohortAnalyses:
    """Every result the report and workbook show, computed once."""

    cohort: Cohort
    options: ReportOptions
    survival_groupings: tuple[str, ...]
    provenance: Provenance
    methods: MethodsLog = field(default_factory=MethodsLog)
    #: The alteration summary (``analysis.alteration_summary``), the one study every
    #: alteration chapter and sheet renders, or why it could not be computed.
    alterations: Outcome = field(default_factory=lambda: Outcome("Alteration summary"))
    survival: list[SurvivalAnalysis] = field(default_factory=list)
    #: The survival study of all patients (a ``SurvivalStudy``).
    overall_survival: Outcome = field(default_factory=lambda: Outcome("Survival"))
    #: The alteration screen against the same endpoint (a ``ScreenResult``).
    screen: Outcome = field(default_factory=lambda: Outcome("Alteration screen"))
    #: The response study of all patients with the report's measure (``ResponseStudy``).
    response: Outcome = field(default_factory=lambda: Outcome("Response"))
    pseudonymizer: Pseudonymizer | None = None
    #: Studies a composed report's items asked for, by (kind, options): the printed
    #: section and its workbook sheet render the same object.
    studies: dict[tuple[str, Any], Outcome] = field(default_factory=dict)

    def study(self, kind: str, options: Any, make: Callable[[], Any]) -> Outcome:
        """The outcome of study ``kind`` with ``options``, run by ``make`` the first
        time it is asked for (a failure in words, as every outcome)."""
        key = (kind, options)
        if key not in self.studies:
            self.studies[key] = attempt(Outcome(kind), make)
        return self.studies[key]

    @property
    def summary(self) -> AlterationSummary | None:
        """The alteration summary, or ``None`` when it could not be computed."""
        return self.alterations.result if self.alterations.ok else None

    @property
    def matrix(self) -> Outcome:
        """The summary's alteration matrix as an outcome (the survival screen and
        groupings read it; nothing is recomputed)."""
        s = self.summary
        return Outcome("Alterations", s.matrix if s is not None else None,
                       None if s is not None else self.alterations.problem)

    @property
    def burden(self) -> Outcome:
        """The summary's copy-number burden as an outcome (response reads it)."""
        s = self.summary
        if s is None:
            return Outcome("Copy-number burden", problem=self.alterations.problem)
        if not s.cn_tested:
            return Outcome("Copy-number burden", problem=NO_COPY_NUMBER)
        return Outcome("Copy-number burden", s.burden)


def extra_columns_named(cohort: Cohort, groupings: Iterable[str]) -> set[str]:
    """Unmapped sheet columns the groupings name (also inside "A and B"): they must
    survive de-identification, or the grouping would name nothing."""
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


def run_analyses(
    cohort: Cohort,
    survival_groupings: Sequence[str] = (),
    options: ReportOptions | None = None,
    *,
    deidentify: bool = False,
) -> CohortAnalyses:
    """Run every analysis of the cohort report once.

    With ``deidentify`` the analyses run on a de-identified copy of the cohort, so
    every sample list in every table carries pseudonyms; the pseudonymizer (with the
    key map) is kept in ``CohortAnalyses.pseudonymizer``.
    """
    options = options or ReportOptions()
    groupings = tuple(g for g in survival_groupings if g and g.strip())
    pseudonymizer = None
    if deidentify:
        keep = set(options.keep_columns) | extra_columns_named(cohort, groupings)
        cohort, pseudonymizer = deidentify_report_cohort(
            cohort, secret=options.secret, secret_file=options.secret_file,
            keep_columns=sorted(keep),
        )
    params: dict[str, Any] = {"FISH positivity threshold (default)": f"{cohort.fish_threshold:g}%"}
    if groupings:
        params["Survival groupings"] = "; ".join(groupings)
        params["Survival endpoint"] = options.endpoint
    a = CohortAnalyses(
        cohort=cohort, options=options, survival_groupings=groupings,
        provenance=Provenance.from_cohort(cohort, parameters=params, deidentified=deidentify),
        pseudonymizer=pseudonymizer,
    )
    for text in import_method_texts(cohort):
        a.methods.add("Reading the source", text)
    run_alteration_summary(a)
    _run_survival(a)
    _run_response(a)
    return a


#: Methods topics of the report and the summary's methods keys they take, in order.
_SUMMARY_METHODS = (
    ("Alteration frequencies", ("frequencies",)),
    ("Fusion partners", ("partners",)),
    ("Oncoprint", ("oncoprint",)),
    ("Copy-number calling", ("copy_number", "focal_loci", "cna_burden")),
    ("Assay concordance", ("concordance",)),
    ("Co-occurrence", ("cooccurrence",)),
)


def run_alteration_summary(a: CohortAnalyses) -> None:
    """The alteration summary, once, with the report's options; its failure becomes the
    problem every alteration chapter states."""
    options = SummaryOptions(min_focal_samples=a.options.min_focal_samples,
                             concordance_genes=a.options.concordance_genes)
    attempt(a.alterations, lambda: summarise(a.cohort, options))
    s = a.summary
    if s is None:
        return
    for topic, keys in _SUMMARY_METHODS:
        for key in keys:
            if key in ("copy_number", "focal_loci", "cna_burden") and not s.cn_tested:
                continue  # no copy number was called: no copy-number method to state
            if key in s.methods:
                a.methods.add(topic, s.methods[key])


def _run_survival(a: CohortAnalyses) -> None:
    """The survival study of all patients, the screen against the same endpoint, and a
    survival study (with response) for each grouping the user chose or, failing that,
    for the screen's top alterations (labelled exploratory)."""
    opts = a.options
    base = SurvivalOptions(endpoint=opts.endpoint, unit=opts.unit,
                           ci_transform=opts.ci_transform)
    attempt(a.overall_survival, lambda: survival_study(a.cohort, base))
    if not a.overall_survival.ok:
        return
    overall: SurvivalStudy = a.overall_survival.result
    a.methods.extend("Survival", overall.methods)
    # the endpoint the overall study used ("auto" resolves to PFS, else OS), for all
    fixed = replace(base, endpoint=overall.endpoint.label) if not base.time_column else base
    matrix = a.matrix.result if a.matrix.ok else None  # built once, by the summary
    attempt(a.screen, lambda: screen_study(a.cohort, fixed, matrix=matrix))
    if a.screen.ok:
        a.methods.add("Alteration screen", a.screen.result.method)
    chosen: list[tuple[str, bool]] = [(text, False) for text in a.survival_groupings]
    if not chosen and a.screen.ok:
        # Nothing chosen: the screen's lowest log-rank p values, labelled exploratory.
        chosen = [(r.alteration, True) for r in a.screen.result.rows
                  if r.p is not None][:SCREEN_TOP_KM]
    for text, exploratory in chosen:
        s = SurvivalAnalysis(grouping_text=text, exploratory=exploratory)
        a.survival.append(s)
        options = replace(fixed, grouping=text, exploratory=exploratory)
        try:
            s.study = survival_study(a.cohort, options, matrix=matrix)
        except Exception as exc:
            s.problem = explain(f"survival by {text}", exc)
            continue
        a.methods.extend("Survival", s.study.methods)
        if s.study.data.frame["group"].nunique() < 2:
            s.problem = "Only one group has patients, so no groups can be compared."
        try:
            s.response = response_study(a.cohort, ResponseOptions(grouping=text),
                                        matrix=matrix)
            a.methods.extend("Response", s.response.methods)
        except Exception as exc:
            s.response_problem = explain(f"response by {text}", exc)


def _run_response(a: CohortAnalyses) -> None:
    """The response study of all patients, with the report's measure when the cohort
    has it (the CNA burden needs copy number)."""
    options = ResponseOptions(measure=a.options.response_measure, optional_measure=True)
    attempt(a.response, lambda: response_study(a.cohort, options))
    if a.response.ok:
        a.methods.extend("Response", a.response.result.methods)
