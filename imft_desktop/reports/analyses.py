"""Every analysis the cohort report and workbook show, run once (``run_analyses``).

The result objects are kept in a ``CohortAnalyses``; the chapters and the workbook sheets
lay them out and never recompute them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from imft_desktop.analysis import (
    alterations,
    concordance,
    copy_number,
    frequencies,
    oncoprint,
    partners,
)
from imft_desktop.analysis import groupings as grp
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
from imft_desktop.reports.layout import Outcome, attempt, bind, explain
from imft_desktop.reports.methods import MethodsLog, import_method_texts
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Order of the "Detected by" groups in the frequency table.
CAPABILITY_ORDER = ("IHC", "FISH", "fusion", "mutation", "copy number")
#: Auto-chosen concordance genes need two assays compared on at least this many samples.
MIN_CONCORDANCE_N = 3


#: Rows of the printed oncoprint (most frequent first).
ONCOPRINT_ROWS = 30
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
        A focal locus is recurrent when altered in at least this many samples.
    concordance_genes:
        Genes for the assay-concordance chapter; ``None``: every fusion driver found
        and every IHC marker / FISH probe tested by two or more assays.
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
    matrix: Outcome = field(default_factory=lambda: Outcome("Alterations"))
    frequencies: Outcome = field(default_factory=lambda: Outcome("Alteration frequencies"))
    partners: Outcome = field(default_factory=lambda: Outcome("Fusion partners"))
    oncoprint: Outcome = field(default_factory=lambda: Outcome("Oncoprint"))
    burden: Outcome = field(default_factory=lambda: Outcome("Copy-number burden"))
    loci: Outcome = field(default_factory=lambda: Outcome("Recurrent focal loci"))
    genome: Outcome = field(default_factory=lambda: Outcome("Genome-wide frequency"))
    cna_params: Any = None
    concordance: list[Outcome] = field(default_factory=list)
    survival: list[SurvivalAnalysis] = field(default_factory=list)
    #: The survival study of all patients (a ``SurvivalStudy``).
    overall_survival: Outcome = field(default_factory=lambda: Outcome("Survival"))
    #: The alteration screen against the same endpoint (a ``ScreenResult``).
    screen: Outcome = field(default_factory=lambda: Outcome("Alteration screen"))
    #: The response study of all patients with the report's measure (``ResponseStudy``).
    response: Outcome = field(default_factory=lambda: Outcome("Response"))
    pseudonymizer: Pseudonymizer | None = None


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
        keep = set(options.keep_columns)
        if not cohort.extra.empty:
            # A survival grouping on an unmapped column must survive de-identification.
            for text in groupings:
                for part in text.replace("&", " and ").replace("|", " or ").split():
                    col = grp.find_column(cohort, part)
                    if col is not None and col in cohort.extra.columns:
                        keep.add(col)
                col = grp.find_column(cohort, text)
                if col is not None and col in cohort.extra.columns:
                    keep.add(col)
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
    _run_alterations(a)
    _run_copy_number(a)
    _run_concordance(a)
    _run_survival(a)
    _run_response(a)
    return a


def _run_alterations(a: CohortAnalyses) -> None:
    attempt(a.matrix, lambda: alterations.alteration_matrix(a.cohort))
    if a.matrix.ok:
        attempt(a.frequencies,
                 lambda: frequencies.frequency_table(a.cohort, matrix=a.matrix.result))
        if a.frequencies.ok:
            a.methods.add("Alteration frequencies", a.frequencies.result)
    attempt(a.partners, lambda: partners.fusion_partners(a.cohort))
    if a.partners.ok:
        a.methods.add("Fusion partners", a.partners.result)
    if a.matrix.ok:
        attempt(a.oncoprint, lambda: oncoprint.oncoprint_matrix(
            a.cohort, top_n=ONCOPRINT_ROWS, matrix=a.matrix.result))
        if a.oncoprint.ok:
            a.methods.add("Oncoprint", a.oncoprint.result)


def _run_copy_number(a: CohortAnalyses) -> None:
    from imft_desktop.model.vocab import Capability

    cn = copy_number

    if not a.cohort.tested_for(Capability.COPY_NUMBER):
        for outcome in (a.burden, a.loci, a.genome):
            outcome.problem = "no sample was tested for copy number"
        return
    try:
        a.cna_params = cn.resolve_params(a.cohort, None)
    except (ValueError, LookupError):
        a.cna_params = None  # the analysis functions then use their own defaults
    attempt(a.burden, lambda: cn.cna_burden(a.cohort, a.cna_params))
    attempt(a.loci, lambda: cn.recurrent_focal_loci(
        a.cohort, a.cna_params, min_samples=a.options.min_focal_samples))
    attempt(a.genome, lambda: cn.genome_frequency(a.cohort, a.cna_params))
    if a.cna_params is not None:
        a.methods.add("Copy-number calling", a.cna_params.describe())
    for outcome in (a.burden, a.loci, a.genome):
        if outcome.ok:
            a.methods.add("Copy-number calling", outcome.result)


def _concordance_genes(a: CohortAnalyses) -> list[str]:
    if a.options.concordance_genes is not None:
        return list(a.options.concordance_genes)
    genes: list[str] = []
    if a.partners.ok:
        genes.extend(a.partners.result.drivers)
    cohort = a.cohort
    for table, key in (("ihc", "marker"), ("fish", "probe")):
        df = cohort.table(table)
        if not df.empty:
            genes.extend(str(g) for g in df[key].dropna().unique())
    seen: list[str] = []
    for g in genes:
        if g not in seen and g.upper() not in ("PAN-TRK",):
            seen.append(g)
    return seen


def _run_concordance(a: CohortAnalyses) -> None:
    for gene in _concordance_genes(a):
        outcome = attempt(Outcome(f"Concordance {gene}"),
                           bind(concordance.assay_concordance, a.cohort, gene))
        result = outcome.result
        # An automatically chosen gene is shown when two of its assays were compared on
        # a few samples at least; a gene the user named is always shown.
        needed = 1 if a.options.concordance_genes is not None else MIN_CONCORDANCE_N
        if outcome.ok and any(p.n >= needed for p in result.pairs):
            a.concordance.append(outcome)
            a.methods.add("Assay concordance", result)


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
    attempt(a.screen, lambda: screen_study(a.cohort, fixed))
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
            s.study = survival_study(a.cohort, options)
        except Exception as exc:
            s.problem = explain(f"survival by {text}", exc)
            continue
        a.methods.extend("Survival", s.study.methods)
        if s.study.data.frame["group"].nunique() < 2:
            s.problem = "Only one group has patients, so no groups can be compared."
        try:
            s.response = response_study(a.cohort, ResponseOptions(grouping=text))
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
