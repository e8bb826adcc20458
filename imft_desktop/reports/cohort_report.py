"""The cohort summary report and the analysis workbook, from one run of the analyses.

``run_analyses`` runs every analysis once (alteration frequencies, fusion partners,
oncoprint, copy number, assay concordance, the chosen survival groupings, response)
and keeps the result objects; ``build_cohort_report`` lays them out as a ``Report``
(title page with provenance, one chapter per analysis, methods assembled from the
results' own method texts) and ``cohort_workbook_sheets`` as Excel sheets.  The PDF,
the print-out and the workbook therefore show the same numbers.

An analysis that cannot be done on this cohort (no outcomes, a grouping that names
nothing, no copy-number data) is reported in its chapter in the user's words, with
the reason; the rest of the report is still produced.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.analysis import (
    alterations,
    concordance,
    copy_number,
    cox,
    frequencies,
    oncoprint,
    partners,
    response,
    survival,
)
from imft_desktop.analysis import groupings as grp
from imft_desktop.analysis.screen import alteration_screen
from imft_desktop.analysis.time_display import time_methods
from imft_desktop.model.formatting import (
    format_ci,
    format_estimate,
    format_hr,
    format_p,
    p_text,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import cna_genome as cna_plot
from imft_desktop.plotting import km as km_plot
from imft_desktop.plotting import oncoprint as oncoprint_plot
from imft_desktop.plotting import partners as partners_plot
from imft_desktop.plotting import response_plots
from imft_desktop.plotting.forest import plot_forest
from imft_desktop.reports.deidentify import Pseudonymizer, deidentify_report_cohort
from imft_desktop.reports.document import (
    Figure,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    Section,
    Table,
    format_cell,
)
from imft_desktop.reports.methods import MethodsLog, import_method_texts, warning_texts
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec
    from imft_desktop.model.cohort import Cohort

_log = logging.getLogger(__name__)

#: Printable text width (inches) shared by A4 and Letter with the report margins.
TEXT_WIDTH_IN = 6.7
#: Order of the "Detected by" groups in the frequency table.
CAPABILITY_ORDER = ("IHC", "FISH", "fusion", "mutation", "copy number")
#: Auto-chosen concordance genes need two assays compared on at least this many samples.
MIN_CONCORDANCE_N = 3
#: Patients beyond which the waterfall plot drops its per-patient labels.
WATERFALL_MAX_LABELS = 60
#: Recurrent focal loci listed in print (the most recurrent); the workbook has all.
MAX_LOCI_ROWS = 40
#: Rows of the printed oncoprint (most frequent first).
ONCOPRINT_ROWS = 30
#: Rows of the printed alteration screen and its forest plot (lowest p first; the Excel
#: sheet has all). Each forest row is text to lay out: 30 rows cost the demo 0.17 s more.
SCREEN_ROWS = 20
#: With no grouping chosen, Kaplan-Meier plots of this many of the screen's top results.
SCREEN_TOP_KM = 2


@dataclass(frozen=True)
class ReportOptions:
    """Choices that shape the cohort report and workbook.

    Attributes
    ----------
    endpoint:
        Survival endpoint for the chosen groupings ("PFS" or "OS").
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

    endpoint: str = "PFS"
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
class Outcome:
    """One analysis: its result, or why it could not be done."""

    topic: str
    result: Any = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.result is not None


@dataclass
class SurvivalAnalysis:
    """One grouping's survival (and response) results; ``exploratory`` when the report
    chose it from the alteration screen rather than the user."""

    grouping_text: str
    grouping: Any = None
    data: Any = None
    km: Any = None
    logrank: Any = None
    cox: Any = None
    orr: Any = None
    fisher: Any = None
    problem: str | None = None
    response_problem: str | None = None
    exploratory: bool = False


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
    overall_survival: Outcome = field(default_factory=lambda: Outcome("Survival"))
    screen: Outcome = field(default_factory=lambda: Outcome("Alteration screen"))
    response: Outcome = field(default_factory=lambda: Outcome("Response"))
    orr: Outcome = field(default_factory=lambda: Outcome("Objective response"))
    measure_by_response: Outcome = field(default_factory=lambda: Outcome("Response"))
    waterfall: Outcome = field(default_factory=lambda: Outcome("Waterfall"))
    pseudonymizer: Pseudonymizer | None = None


# ---------------------------------------------------------------------------- helpers
def _attempt(outcome: Outcome, fn: Callable[[], Any]) -> Outcome:
    """Run one analysis; a failure becomes the outcome's problem, in words.

    Analyses raise ``ValueError``/``LookupError`` (``GroupingError`` ...) with a message
    for the user when the cohort does not allow them.  Anything else is a fault in the
    program: the report says so without the details, and the log records its kind
    (never values, which may identify patients).
    """
    try:
        outcome.result = fn()
    except Exception as exc:
        outcome.problem = _explain(outcome.topic, exc)
    return outcome


def _explain(topic: str, exc: Exception) -> str:
    """The user's words for why an analysis stopped (see ``_attempt``)."""
    if isinstance(exc, (ValueError, LookupError)):
        return str(exc) or type(exc).__name__
    _log.error("report section %r failed: %s", topic, type(exc).__name__)
    return (f"an internal error stopped this analysis ({type(exc).__name__}); the rest of "
            "the report is complete")


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: fn(*args)


def _id_list(ids: Sequence[str], limit: int = 8) -> str:
    """Sample ids for a table cell: the first ``limit`` and how many more."""
    ids = list(ids)
    if not ids:
        return "–"
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _pct(value: Any, digits: int = 1) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(v) else f"{v:.{digits}f}%"


def _ci(low: Any, high: Any, digits: int = 1, unit: str = "") -> str:
    lo, hi = format_num(low, digits), format_num(high, digits)
    if lo == "–" and hi == "–":
        return "–"
    return f"{lo}{unit}–{hi}{unit}"


def format_num(value: Any, digits: int = 2) -> str:
    """A number with ``digits`` decimals, "–" for missing / NaN."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:.{digits}f}"


def _warnings_note(result: Any) -> tuple[str, ...]:
    return tuple(f"Warning: {w}" for w in warning_texts(result))


def _problem(topic: str, problem: str) -> Paragraph:
    return Paragraph(f"{topic} could not be computed for this cohort: {problem}", "warning")


def _figure(draw: Callable[[Any], Any], size: tuple[float, float], caption: str,
            alt: str) -> Figure:
    """Draw on a fresh matplotlib Figure (never pyplot) and render it for print."""
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=size, layout="constrained")
    draw(fig)
    return Figure.from_matplotlib(fig, caption=caption, alt=alt)


# ---------------------------------------------------------------------------- analyses
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
    _attempt(a.matrix, lambda: alterations.alteration_matrix(a.cohort))
    if a.matrix.ok:
        _attempt(a.frequencies,
                 lambda: frequencies.frequency_table(a.cohort, matrix=a.matrix.result))
        if a.frequencies.ok:
            a.methods.add("Alteration frequencies", a.frequencies.result)
    _attempt(a.partners, lambda: partners.fusion_partners(a.cohort))
    if a.partners.ok:
        a.methods.add("Fusion partners", a.partners.result)
    if a.matrix.ok:
        _attempt(a.oncoprint, lambda: oncoprint.oncoprint_matrix(
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
    _attempt(a.burden, lambda: cn.cna_burden(a.cohort, a.cna_params))
    _attempt(a.loci, lambda: cn.recurrent_focal_loci(
        a.cohort, a.cna_params, min_samples=a.options.min_focal_samples))
    _attempt(a.genome, lambda: cn.genome_frequency(a.cohort, a.cna_params))
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
        outcome = _attempt(Outcome(f"Concordance {gene}"),
                           _bind(concordance.assay_concordance, a.cohort, gene))
        result = outcome.result
        # An automatically chosen gene is shown when two of its assays were compared on
        # a few samples at least; a gene the user named is always shown.
        needed = 1 if a.options.concordance_genes is not None else MIN_CONCORDANCE_N
        if outcome.ok and any(p.n >= needed for p in result.pairs):
            a.concordance.append(outcome)
            a.methods.add("Assay concordance", result)


def _run_survival(a: CohortAnalyses) -> None:
    opts = a.options
    try:
        # in the sheet's unit (or the one asked for), as the Survival tab shows it
        endpoint = grp.in_unit(a.cohort, grp.resolve_endpoint(opts.endpoint), opts.unit)
    except Exception as exc:
        a.overall_survival.problem = _explain("survival", exc)
        return

    def overall() -> Any:
        data = grp.survival_data(a.cohort, endpoint, None)
        if data.frame.empty:
            raise ValueError(f"no patient has a usable {opts.endpoint} time and event")
        return data, survival.kaplan_meier(data, ci_transform=opts.ci_transform)

    _attempt(a.overall_survival, overall)
    if a.overall_survival.ok:
        a.methods.add("Survival", a.overall_survival.result[1])
        for text in time_methods(a.cohort, endpoint):
            a.methods.add("Survival", text)
        _attempt(a.screen, lambda: alteration_screen(
            a.cohort, endpoint, status=a.matrix.result.status if a.matrix.ok else None))
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
        try:
            s.grouping = (grp.alteration_grouping(a.cohort, text, a.matrix.result)
                          if exploratory else grp.resolve_grouping(a.cohort, text))
            s.data = grp.survival_data(a.cohort, endpoint, s.grouping)
            frame = s.data.frame
            if frame.empty:
                raise ValueError(f"no patient has a usable {opts.endpoint} time and event "
                                 "and a group")
            s.km = survival.kaplan_meier(s.data, ci_transform=opts.ci_transform)
        except Exception as exc:
            s.problem = _explain(f"survival by {text}", exc)
            continue
        a.methods.add("Survival", s.km)
        if frame["group"].nunique() < 2:
            s.problem = "Only one group has patients, so no groups can be compared."
            continue
        try:
            s.logrank = survival.logrank(s.data)
            a.methods.add("Survival", s.logrank)
        except Exception as exc:
            s.problem = f"The log-rank test could not be done: {_explain('log-rank', exc)}"
        try:
            s.cox = cox.cox_univariable(s.data)
            a.methods.add("Survival", s.cox)
        except Exception as exc:
            s.cox = None
            s.problem = f"The Cox model could not be fitted: {_explain('Cox', exc)}"
        try:
            rd = response.response_data(a.cohort, s.grouping)
            s.orr = response.objective_response_rate(rd)
            a.methods.add("Response", s.orr)
            if s.grouping.is_binary:
                s.fisher = response.fisher_response(rd)
                a.methods.add("Response", s.fisher)
        except Exception as exc:
            s.orr = s.fisher = None
            s.response_problem = _explain(f"response by {text}", exc)


def _run_response(a: CohortAnalyses) -> None:
    def distribution() -> Any:
        data = response.response_data(a.cohort)
        return data, response.recist_distribution(data)

    _attempt(a.response, distribution)
    if not a.response.ok:
        return
    data = a.response.result[0]
    _attempt(a.waterfall, lambda: response.waterfall_data(a.cohort))
    _attempt(a.orr, lambda: response.objective_response_rate(data))
    if a.orr.ok:
        a.methods.add("Response", a.orr.result)
    if a.burden.ok:
        _attempt(a.measure_by_response,
                 lambda: response.measure_by_response(a.cohort, a.options.response_measure, data))
        if a.measure_by_response.ok:
            a.methods.add("Response", a.measure_by_response.result)


# ---------------------------------------------------------------------------- chapters
def _title_page(a: CohortAnalyses, title: str) -> list[Section]:
    cohort = a.cohort
    out: list[Section] = []
    if cohort.is_synthetic:
        out.append(Paragraph("SYNTHETIC DATA – not from patients", "banner"))
    out.append(Heading(title, 1))
    out.append(Paragraph(cohort.summary_line()))
    if a.provenance.deidentified:
        out.append(Paragraph(
            "De-identified: sample and patient identifiers are keyed pseudonyms, dates are "
            "years, ages over 89 are shown as 90+, free-text columns are left out and source "
            "files are named by a hash.", "note"))
    out.append(KeyValues(tuple(a.provenance.as_pairs()), title="Provenance"))
    tested = [(k, f"{v} of {cohort.n_samples} samples") for k, v in cohort.tested_counts().items()]
    from imft_desktop.model.vocab import Capability

    tested += [(f"Tested for {c}", f"{len(cohort.tested_for(c))} of {cohort.n_samples} samples")
               for c in Capability]
    out.append(KeyValues(tuple(tested), title="Samples tested per assay (denominators)",
                         columns=2))
    counts = cohort.findings.counts()
    excluded = sum(len(df) for df in cohort.excluded().values())
    out.append(KeyValues((
        ("Import findings", f"{_n(counts.get('error', 0), 'error')}, "
                            f"{_n(counts.get('warning', 0), 'warning')}, "
                            f"{_n(counts.get('info', 0), 'note')}"),
        ("Records kept out of the analysis", f"{excluded} (errors; listed in the program)"),
    ), title="Data checks"))
    readings = _readings_table(cohort)
    if readings is not None:
        out.append(readings)
    return out


#: Rows of the "how the sheet was read" table before it is cut (the program lists all).
_MAX_READINGS = 40


def _readings_table(cohort: Any) -> Table | None:
    """Every warning of the import (an interpretation beyond the literal value, or a
    value to check) and every meaning chosen in the value dictionary, one row per
    finding with the cells it covers: a printed result can be traced to how its sheet
    was read."""
    from imft_desktop.model.vocab import Level

    shown = [f for f in cohort.findings.sorted()
             if f.level is Level.WARNING or f.code == "VALUE_MEANING_CHOSEN"]
    if not shown:
        return None
    rows = []
    for f in shown[:_MAX_READINGS]:
        rows.append((f.location, f.message, str(len(f.rows) or 1)))
    notes = ["Warnings are interpretations beyond the literal cell value (a range read as "
             "its midpoint, a unit assumed, a row read as not a case ...) or values to "
             "check; chosen meanings come from the value dictionary (mapping profile)."]
    if len(shown) > _MAX_READINGS:
        notes.append(f"{len(shown) - _MAX_READINGS} more are listed in the program "
                     "(Import tab) and in imft validate.")
    return Table(header=(("Where", "How it was read", "Cells"),), rows=tuple(rows),
                 align=("left", "left", "right"),
                 caption="How the sheet was read: warnings and chosen meanings",
                 notes=tuple(notes))


def _frequency_chapter(a: CohortAnalyses) -> list[Section]:
    out: list[Section] = [Heading("Alteration frequencies", 1)]
    if not a.frequencies.ok:
        if a.frequencies.problem or a.matrix.problem:
            out.append(_problem("The frequency table",
                                a.frequencies.problem or a.matrix.problem or ""))
        return out
    ft = a.frequencies.result
    df = ft.to_frame()
    min_altered = max(1, a.options.min_altered_in_table)
    focal = df["level"].astype(str).eq("focal")
    keep = (df["altered"] >= min_altered) & (
        ~focal | (df["altered"] >= a.options.min_focal_samples))
    shown = df.loc[keep].copy()
    order = {c: i for i, c in enumerate(CAPABILITY_ORDER)}
    shown["_order"] = shown["capability"].map(lambda c: order.get(str(c), len(order)))
    shown = shown.sort_values(["_order", "percent", "label"], ascending=[True, False, True],
                              kind="stable")
    rows = tuple(
        (str(r.label), str(r.capability), f"{int(r.altered)}/{int(r.tested)}",
         _pct(r.percent), _ci(r.ci_low, r.ci_high, 1, "%"))
        for r in shown.itertuples(index=False)
    )
    notes = [
        "Altered/tested: the denominator is the samples tested by the assay that can detect "
        "the alteration; samples not tested are never counted as negative.",
    ]
    absent = int((df["altered"] < min_altered).sum())
    if absent:
        notes.append(f"{absent} alterations found in fewer than {min_altered} sample(s) are "
                     "not listed; the Excel export lists every alteration.")
    rare_focal = int((focal & (df["altered"] >= min_altered)
                      & (df["altered"] < a.options.min_focal_samples)).sum())
    if rare_focal:
        notes.append(f"{rare_focal} focal copy-number events found in fewer than "
                     f"{a.options.min_focal_samples} samples are not listed (see the Excel "
                     "export).")
    notes.extend(_warnings_note(ft))
    out.append(Table(
        header=(("Alteration", "Detected by", "Altered/tested", "%", "95% CI (exact)"),),
        rows=rows, align=("left", "left", "right", "right", "right"),
        caption=f"Alterations in {plural(ft.n, 'sample')}, by assay and frequency",
        notes=tuple(notes),
    ))
    return out


def _partner_chart(pt: Any) -> Figure:
    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        partners_plot.plot_partners(pt, ax, fontsize=8.0)
        # The per-driver summary in the title can be wider than the page: own line.
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc=loc)
            if " (" in title:
                ax.set_title(title.replace(" (", "\n(", 1), loc=loc, fontsize=8.0)

    return _figure(
        draw, (TEXT_WIDTH_IN, min(8.0, 1.3 + 0.55 * len(pt.drivers))),
        caption=(f"Fusion partners per driver gene; segments count samples among the "
                 f"{pt.tested_n} tested for fusions."),
        alt="Stacked bar chart of the samples per fusion partner for each driver gene",
    )


def _partners_chapter(a: CohortAnalyses) -> list[Section]:
    out: list[Section] = [Heading("Fusion partners", 1)]
    if not a.partners.ok:
        if a.partners.problem:
            out.append(_problem("Fusion partners", a.partners.problem))
        return out
    pt = a.partners.result
    if not pt.drivers:
        out.append(Paragraph(f"No fusion was found in the {plural(pt.tested_n, 'sample')} "
                             "tested for fusions."))
        return out
    rows = []
    for driver in pt.drivers:
        for partner, n in pt.counts[driver].items():
            share = 100.0 * n / pt.tested_n if pt.tested_n else None
            rows.append((driver, partner, pt.orientation[driver].get(partner, "") or "–",
                         f"{n}/{pt.tested_n}", _pct(share)))
    summary = "; ".join(
        f"{d}: {plural(pt.driver_samples.get(d, 0), 'sample')}, "
        f"{plural(pt.n_partners(d), 'partner')}"
        for d in pt.drivers
    )
    out.append(Table(
        header=(("Driver", "Partner", "Partner end", "Samples/tested", "%"),),
        rows=tuple(rows), align=("left", "left", "center", "right", "right"),
        caption="Fusion partners per driver gene",
        notes=(summary, *_warnings_note(pt)),
    ))
    out.append(_partner_chart(pt))
    return out


def _oncoprint_chapter(a: CohortAnalyses) -> list[Section]:
    if not a.oncoprint.ok:
        return []
    data = a.oncoprint.result
    if not data.rows or not data.samples:
        return []
    height = min(8.5, 1.8 + 0.19 * len(data.rows))

    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        oncoprint_plot.plot_oncoprint(data, ax=ax)
        # On paper the method note above the grid collides with the column header and
        # runs off the page; the caption below carries the same text.
        for text in list(ax.texts):
            if text.get_text() == data.method:
                text.remove()

    return [
        Heading("Oncoprint", 1),
        _figure(draw, (TEXT_WIDTH_IN, height),
                caption=(f"Oncoprint of the {len(data.rows)} most frequent alterations, one "
                         f"column per sample. {data.method}"),
                alt="Oncoprint of the cohort's alterations by sample"),
        *[Paragraph(w, "note") for w in _warnings_note(data)],
    ]


def _copy_number_chapter(a: CohortAnalyses) -> list[Section]:
    if a.burden.result is None and a.burden.problem is None:
        return []
    out: list[Section] = [Heading("Copy-number overview", 1)]
    if a.burden.problem:
        out.append(_problem("The copy-number overview", a.burden.problem))
        return out
    if a.genome.ok:
        freq = a.genome.result
        assembly = a.cna_params.genome if a.cna_params is not None else a.cohort.assembly

        def draw(fig: Any) -> None:
            cna_plot.plot_genome_frequency(freq, ax=fig.add_subplot(), assembly=assembly)

        out.append(_figure(
            draw, (TEXT_WIDTH_IN, 2.6),
            caption=("Share of copy-number-tested samples with a gain (up) or loss "
                     f"(down) along the genome ({assembly}, 1 Mb bins)."),
            alt="Genome-wide frequency of copy-number gains and losses"))
    burden = a.burden.result
    tested = burden.loc[burden["tested"].astype(bool)]
    if not tested.empty:
        regions = pd.to_numeric(tested["altered_regions"], errors="coerce")
        fga = pd.to_numeric(tested["fraction_genome_altered"], errors="coerce").dropna()
        rows = [
            ("Samples tested for copy number", f"{len(tested)} of {len(burden)}"),
            ("Altered regions per sample, median (range)",
             f"{format_num(regions.median(), 1)} ({format_num(regions.min(), 0)}–"
             f"{format_num(regions.max(), 0)})"),
        ]
        if not fga.empty:
            rows.append(("Fraction of genome altered, median (range)",
                         f"{100 * fga.median():.1f}% ({100 * fga.min():.1f}–"
                         f"{100 * fga.max():.1f}%; {plural(len(fga), 'sample')} with segments)"))
        out.append(KeyValues(tuple(rows), title="Copy-number burden"))
    if a.loci.ok:
        loci = a.loci.result
        if loci.empty:
            out.append(Paragraph("No focal locus was altered in "
                                 f"{a.options.min_focal_samples} or more samples."))
        else:
            shown = loci
            limit_note: tuple[str, ...] = ()
            if len(loci) > MAX_LOCI_ROWS:
                # Most recurrent first, then back in genome order for reading.
                top = loci.sort_values("n_samples", ascending=False, kind="stable")
                shown = loci.loc[sorted(top.index[:MAX_LOCI_ROWS])]
                limit_note = (f"The {MAX_LOCI_ROWS} most recurrent of {len(loci)} loci are "
                              "listed; the Excel export lists all.",)
            out.append(Table(
                header=(("Cytoband", "Locus", "Event", "Samples/tested", "High-level"),),
                rows=tuple(
                    (format_cell(r.cytoband), format_cell(r.locus), format_cell(r.event),
                     f"{int(r.n_samples)}/{int(r.n_tested)}", format_cell(r.n_high_level))
                    for r in shown.itertuples(index=False)
                ),
                align=("left", "left", "left", "right", "right"),
                caption=(f"Recurrent focal copy-number loci ({len(loci)}; altered "
                         f"in at least {a.options.min_focal_samples} samples)"),
                notes=("Minimal common regions of focal events in the same direction; "
                       "high-level = amplification or deep deletion. No p-value (not GISTIC).",
                       *limit_note, *_warnings_note(loci)),
            ))
    elif a.loci.problem:
        out.append(_problem("Recurrent focal loci", a.loci.problem))
    return out


def _concordance_chapter(a: CohortAnalyses) -> list[Section]:
    if not a.concordance:
        return []
    out: list[Section] = [Heading("Assay concordance", 1)]
    for outcome in a.concordance:
        c = outcome.result
        out.append(Heading(f"{c.gene}: {', '.join(c.assays)}", 2))
        tested = ", ".join(f"{k} {c.positive.get(k, 0)}/{v} positive" for k, v in c.tested.items())
        out.append(Paragraph(tested))
        rows = []
        for p in c.pairs:
            (pp, pn), (np_, nn) = p.table
            rows.append((f"{p.a} vs {p.b}", str(p.n), f"{pp} / {pn} / {np_} / {nn}",
                         _pct(100 * p.agreement if p.agreement == p.agreement else None),
                         format_num(p.kappa, 2), _ci(p.kappa_ci[0], p.kappa_ci[1], 2),
                         _id_list(p.discordant)))
        out.append(Table(
            header=(("Pair", "n", "++ / +- / -+ / --", "Agreement", "Kappa", "95% CI",
                     "Discordant samples"),),
            rows=tuple(rows), align=("left", "right", "center", "right", "right", "right", "left"),
            caption=f"Agreement of assays for {c.gene} (samples tested by both)",
            notes=tuple(dict.fromkeys(w for p in c.pairs for w in _warnings_note(p))),
        ))
        if c.accuracy:
            out.append(Table(
                header=(("Assay", "Reference", "TP / FN / FP / TN", "Sensitivity (95% CI)",
                         "Specificity (95% CI)"),),
                rows=tuple(
                    (x.assay, x.reference, f"{x.tp} / {x.fn} / {x.fp} / {x.tn}",
                     _rate_with_ci(x.sensitivity, x.sensitivity_ci),
                     _rate_with_ci(x.specificity, x.specificity_ci))
                    for x in c.accuracy
                ),
                align=("left", "left", "center", "right", "right"),
                caption=f"Sensitivity and specificity for {c.gene} against {c.reference}",
                notes=_warnings_note(c),
            ))
    return out


def _rate_with_ci(rate: Any, ci: tuple[Any, Any]) -> str:
    """A 0-1 proportion as "91.7% (61.5%–99.8%)", or "–" when it is undefined."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(value):
        return "–"
    lo = None if ci[0] is None else 100 * float(ci[0])
    hi = None if ci[1] is None else 100 * float(ci[1])
    return f"{_pct(100 * value)} ({_ci(lo, hi, 1, '%')})"


def _km_figure(s: SurvivalAnalysis) -> Figure:
    km = s.km

    def draw(fig: Any) -> None:
        ax, risk_ax = km_plot.km_axes(fig, len(km.groups))
        km_plot.plot_km(km, ax, risk_ax=risk_ax, test=s.logrank, cox=s.cox, fontsize=8.0)

    return _figure(
        draw, (TEXT_WIDTH_IN * 0.9, 3.4 + 0.2 * len(km.groups)),
        caption=(f"Kaplan-Meier estimate of {km.endpoint} ({km.unit}) by {s.grouping_text}; "
                 "censored patients marked; dotted lines at the medians; number at risk "
                 "below."),
        alt=f"Kaplan-Meier curves of {km.endpoint} by {s.grouping_text}",
    )


def _km_table(km: Any, logrank: Any, cox: Any, caption: str) -> Table:
    rows = []
    for g in km.groups:
        median = format_num(g.median, 1) if g.median_reached else "not reached"
        lo, hi = g.median_ci
        upper = format_num(hi, 1) if hi is not None else "NR"
        rows.append((g.label, str(g.n), str(g.events), median, f"{format_num(lo, 1)}–{upper}"))
    notes = []
    if logrank is not None:
        if logrank.testable:
            notes.append(f"{logrank.test}: chi-square {format_num(logrank.statistic, 2)}, "
                         f"df {logrank.df}, {p_text(logrank.p)} ({logrank.sided}; "
                         f"n = {logrank.n}).")
        else:
            notes.append(f"{logrank.test}: {logrank.not_testable}.")
        notes.extend(_warnings_note(logrank))
    if cox is not None:
        for t in cox.terms:
            if t.not_estimable or cox.not_estimable:
                notes.append(f"Hazard ratio {t.level} vs {t.reference}: not estimable "
                             f"({t.not_estimable or cox.not_estimable}).")
            else:
                notes.append(f"Hazard ratio {t.level} vs {t.reference}: {format_hr(t.hr)} "
                             f"(95% CI {format_ci(t.ci[0], t.ci[1])}), Wald {p_text(t.p)}; "
                             f"Cox model, {cox.ties} ties, {plural(cox.events, 'event')} "
                             f"in {cox.n}.")
        notes.extend(_warnings_note(cox))
    for g in km.groups:
        notes.extend(f"{g.label}: {w}" for w in g.warnings)
    return Table(
        header=(("Group", "n", "Events", f"Median ({km.unit})", "95% CI"),),
        rows=tuple(rows), align=("left", "right", "right", "right", "right"),
        caption=caption, notes=tuple(notes),
    )


def _exclusions_note(data: Any) -> list[Section]:
    excluded = getattr(data, "excluded", None) or []
    if not excluded:
        return []
    counts: dict[str, int] = {}
    for item in excluded:
        reason = item[1] if isinstance(item, (tuple, list)) and len(item) > 1 else str(item)
        counts[reason] = counts.get(reason, 0) + 1
    text = "; ".join(f"{reason}: {n}" for reason, n in counts.items())
    return [Paragraph(f"Left out of this analysis – {text}.", "note")]


def _survival_chapter(a: CohortAnalyses) -> list[Section]:
    if a.overall_survival.result is None and a.overall_survival.problem is None:
        return []
    out: list[Section] = [Heading(f"Survival ({a.options.endpoint})", 1)]
    if a.overall_survival.ok:
        data, km = a.overall_survival.result
        out.append(_km_table(km, None, None, f"{km.endpoint} in all patients"))
        out += _exclusions_note(data)
    else:
        out.append(_problem("Survival", a.overall_survival.problem or ""))
        return out
    out += _screen_sections(a)
    if not a.survival:
        out.append(Paragraph("No grouping was chosen for survival, and the alteration "
                             "screen has no result to plot; choose one (e.g. an "
                             "alteration such as monosomy 19) to compare groups.", "note"))
    if a.survival and a.survival[0].exploratory:
        out.append(PageBreak())
        out.append(Heading(f"{a.options.endpoint} by the screen's top alterations "
                           "(exploratory)", 2))
        out.append(Paragraph(
            "EXPLORATORY: no grouping was chosen, so the report shows the "
            f"{plural(len(a.survival), 'alteration')} with the lowest log-rank p in the "
            "screen above. They were picked because their p is low: these curves suggest "
            "hypotheses, not findings; read them with the screen's BH q values. Choose a "
            "grouping (Survival tab, or imft report --survival) to report it instead.",
            "warning"))
    for i, s in enumerate(a.survival):
        if i or not s.exploratory:
            out.append(PageBreak())  # a heading never ends a page without its figure
        label = " (exploratory, chosen by the screen)" if s.exploratory else ""
        out.append(Heading(f"{a.options.endpoint} by {s.grouping_text}{label}",
                           3 if s.exploratory else 2))
        if s.km is None:
            out.append(_problem(f"Survival by {s.grouping_text}", s.problem or ""))
            continue
        if s.grouping is not None and s.grouping.description:
            out.append(Paragraph(s.grouping.description, "note"))
        out.append(_km_figure(s))
        out.append(_km_table(s.km, s.logrank, s.cox,
                             f"{s.km.endpoint} by {s.grouping_text}{label}"))
        out += _exclusions_note(s.data)
        if s.problem:
            out.append(Paragraph(s.problem, "warning"))
    return out


def _screen_sections(a: CohortAnalyses) -> list[Section]:
    """The alteration screen against the endpoint: forest plot and table (n, events,
    HR with 95% CI, log-rank p, BH q), as the Survival tab shows it."""
    if a.screen.problem:
        return [_problem("The alteration screen", a.screen.problem)]
    if not a.screen.ok:
        return []
    screen = a.screen.result
    out: list[Section] = [PageBreak(), Heading(
        f"Alteration screen against {screen.endpoint} (exploratory)", 2)]
    if not screen.rows:
        out.append(Paragraph("No alteration had enough tested and altered patients to be "
                             f"screened ({plural(len(screen.skipped), 'alteration')} left "
                             "out).", "note"))
        return out
    rows = screen.rows[:SCREEN_ROWS]

    def draw(fig: Any) -> None:
        plot_forest(screen, fig.add_subplot(), max_rows=SCREEN_ROWS, fontsize=7.5)

    out.append(_figure(
        draw, (TEXT_WIDTH_IN, 1.2 + 0.22 * len(rows)),
        caption=(f"Hazard ratio of {screen.endpoint}, altered vs tested-not-altered, for "
                 f"each screened alteration (lowest log-rank p first); orange: BH q < 0.1."),
        alt=f"Forest plot of the alteration screen against {screen.endpoint}"))
    table_rows = []
    for r in rows:
        hr = (f"{format_hr(r.hr)} ({format_ci(r.ci[0], r.ci[1])})"
              if r.hr is not None and r.ci[0] is not None and r.ci[1] is not None
              else (r.not_estimable or "not estimable"))
        table_rows.append((r.alteration, f"{r.n_altered}/{r.n_tested}",
                           f"{r.events_altered}/{r.events_not_altered}", hr,
                           format_p(r.p) if r.p is not None else (r.not_testable or "–"),
                           format_p(r.q) if r.q is not None else "–"))
    more = (f" The first {SCREEN_ROWS} of {len(screen.rows)} are printed; the Excel "
            "export has all." if len(screen.rows) > SCREEN_ROWS else "")
    skipped = (f" {plural(len(screen.skipped), 'alteration')} with too few tested or "
               "altered patients were not screened." if screen.skipped else "")
    out.append(Table(
        header=(("Alteration", "Altered/tested", "Events alt/not", "HR (95% CI)",
                 "Log-rank p", "BH q"),),
        rows=tuple(table_rows),
        align=("left", "right", "right", "right", "right", "right"),
        caption=f"Alteration screen against {screen.endpoint} ({screen.unit})",
        notes=(f"Exploratory: {plural(sum(r.p is not None for r in screen.rows), 'alteration')}"
               " tested; read the BH q (false discovery rate), not p." + more + skipped,
               screen.method),
    ))
    return out


def _compact_waterfall(ax: Any, wf: pd.DataFrame, colours: dict[Any, str]) -> None:
    """A waterfall without per-patient labels, for cohorts too large to label.

    Hundreds of rotated patient labels are unreadable on paper and take seconds to
    lay out; the bars, RECIST colours and reference lines are what the plot shows.
    """
    from matplotlib.patches import Patch

    n = len(wf)
    values = pd.to_numeric(wf["best_percent_change"], errors="coerce").to_numpy(dtype=float)
    ax.bar(range(n), values, width=1.0, linewidth=0,
           color=[colours.get(r, "#ffffff") for r in wf["best_response"]])
    for y, style in ((20, "--"), (-30, ":")):
        ax.axhline(y, color="0.3", ls=style, lw=0.8)
    ax.axhline(0, color="0.2", lw=0.6)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_xticks([])
    ax.set_xlabel(f"{plural(n, 'patient')}, from largest increase to largest decrease", fontsize=8)
    ax.set_ylabel("Best change of target lesions (%)", fontsize=8)
    ax.tick_params(labelsize=7)
    present = set(wf["best_response"])
    ax.legend(handles=[Patch(facecolor=colours[k], edgecolor="0.3", label=k)
                       for k in ("CR", "PR", "SD", "PD", "NE") if k in present],
              fontsize=7, frameon=False, loc="upper right", title="Best response",
              title_fontsize=7)


def _orr_rows(orr: Any) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for p in [*orr.by_group, orr.overall]:
        rows.append((p.label if p.label != "all" else "All evaluable", f"{p.responders}/{p.n}",
                     _pct(p.percent), _ci(p.ci95[0], p.ci95[1], 1, "%")))
    return rows


def _response_chapter(a: CohortAnalyses) -> list[Section]:
    if a.response.result is None and a.response.problem is None:
        return []
    out: list[Section] = [Heading("Response", 1)]
    if not a.response.ok:
        out.append(_problem("Response", a.response.problem or ""))
        return out
    _, dist = a.response.result
    out.append(Table(
        header=(tuple(["Best response", *dist.categories, "Total"]),),
        rows=(("Patients", *[str(dist.overall.get(c, 0)) for c in dist.categories],
               str(dist.n)),),
        align=tuple(["left"] + ["right"] * (len(dist.categories) + 1)),  # type: ignore[arg-type]
        caption="RECIST 1.1 best overall response",
    ))
    if a.waterfall.ok and len(a.waterfall.result):
        wf = a.waterfall.result

        def draw_waterfall(fig: Any) -> None:
            ax = fig.add_subplot()
            if len(wf) <= WATERFALL_MAX_LABELS:
                response_plots.plot_waterfall(wf, ax, fontsize=8.0)
            else:
                _compact_waterfall(ax, wf, response_plots.RECIST_COLOURS)

        out.append(_figure(
            draw_waterfall, (TEXT_WIDTH_IN, 3.0),
            caption=("Best change of target lesions per patient, coloured by RECIST 1.1 best "
                     "response; dashed line +20% (progression), dotted line -30% (partial "
                     "response)."),
            alt="Waterfall plot of the best change of target lesions per patient"))
    if a.orr.ok:
        orr = a.orr.result
        excluded = [f"Excluded: {', '.join(f'{k} {v}' for k, v in orr.excluded.items())}."] \
            if orr.excluded else []
        out.append(Table(
            header=(("Patients", "Responders/evaluable", "ORR", "95% CI (exact)"),),
            rows=tuple(_orr_rows(orr)), align=("left", "right", "right", "right"),
            caption="Objective response rate (CR or PR)",
            notes=tuple(excluded) + _warnings_note(orr.overall),
        ))
    for s in a.survival:
        if s.response_problem:
            out.append(_problem(f"Response by {s.grouping_text}", s.response_problem))
        if s.orr is None:
            continue
        notes = []
        if s.fisher is not None:
            f = s.fisher
            if f.not_testable:
                notes.append(f"{f.test}: {f.not_testable}.")
            else:
                (a1, b1), (a2, b2) = f.table
                notes.append(
                    f"{f.test} ({f.sided}): {p_text(f.p)}; odds ratio "
                    f"{format_estimate(f.odds_ratio)} (95% CI {format_ci(f.ci[0], f.ci[1])}); "
                    f"2x2 table {f.rows[0]}: {a1} responders / {b1} non-responders, "
                    f"{f.rows[1]}: {a2} / {b2}.")
            notes.extend(_warnings_note(f))
        out.append(Table(
            header=(("Group", "Responders/evaluable", "ORR", "95% CI (exact)"),),
            rows=tuple(_orr_rows(s.orr)), align=("left", "right", "right", "right"),
            caption=f"Objective response by {s.grouping_text}",
            notes=tuple(notes),
        ))
    if a.measure_by_response.ok:
        mw = a.measure_by_response.result
        if not mw.not_testable:

            def draw_measure(fig: Any) -> None:
                response_plots.plot_measure_by_response(mw, fig.add_subplot(), fontsize=8.0)

            out.append(_figure(
                draw_measure, (TEXT_WIDTH_IN * 0.95, 2.8),
                caption=f"{mw.measure} of responders and non-responders (box: quartiles; "
                        "points: samples).",
                alt=f"Box plot of {mw.measure} by response"))
        if mw.not_testable:
            out.append(Paragraph(f"{mw.measure} by response: {mw.not_testable}.", "note"))
        else:
            rows = tuple((grp, str(mw.n.get(grp, 0)), format_num(mw.medians.get(grp), 1))
                         for grp in mw.n)
            out.append(Table(
                header=(("Group", "n", f"Median {mw.measure}"),),
                rows=rows, align=("left", "right", "right"),
                caption=f"{mw.measure} by response",
                notes=(f"{mw.test} ({mw.sided}): U = {format_num(mw.u, 1)}, "
                       f"{p_text(mw.p)} ({mw.p_method}); normal approximation "
                       f"{p_text(mw.p_asymptotic)}; Hodges-Lehmann shift "
                       f"{format_num(mw.hodges_lehmann, 1)}.", *_warnings_note(mw)),
            ))
    return out


# ---------------------------------------------------------------------------- report
def build_report_from_analyses(a: CohortAnalyses, title: str | None = None) -> Report:
    """Lay out analyses already run (see :func:`run_analyses`) as a ``Report``."""
    cohort = a.cohort
    title = title or f"Cohort report: {cohort.name or 'unnamed cohort'}"
    report = Report(title=title, provenance=a.provenance, synthetic=cohort.is_synthetic,
                    deidentified=a.provenance.deidentified)
    report.pseudonymizer = a.pseudonymizer
    report.add(_title_page(a, title))
    chapters: list[list[Section]] = [
        _frequency_chapter(a),
        _partners_chapter(a),
        _oncoprint_chapter(a),
        _copy_number_chapter(a),
        _concordance_chapter(a),
    ]
    chapters += [_survival_chapter(a), _response_chapter(a), a.methods.sections()]
    for chapter in chapters:
        if chapter:
            report.add(PageBreak(), chapter)
    return report


def build_cohort_report(
    cohort: Cohort,
    *,
    survival_groupings: Sequence[str] = (),
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> Report:
    """The cohort summary report.

    Parameters
    ----------
    survival_groupings:
        Groupings to compare for survival and response, as the user types them
        ("monosomy 19", "ALK IHC", "age>median").
    deidentify:
        Pseudonyms, years only, no free text (see ``reports.deidentify``); the key map
        is in ``report.pseudonymizer`` for ``write_key_file``.
    """
    analyses = run_analyses(cohort, survival_groupings, options, deidentify=deidentify)
    return build_report_from_analyses(analyses)


# ---------------------------------------------------------------------------- workbook
def cohort_workbook_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """The analysis workbook's data sheets (the methods sheet is added on writing)."""
    from imft_desktop.io.write.excel_export import SheetSpec

    cohort = a.cohort
    sheets: list[SheetSpec] = []
    clinical = cohort.clinical()
    if a.provenance.deidentified:
        clinical = clinical.drop(columns=[c for c in ("comment",) if c in clinical.columns])
    sheets.append(SheetSpec("Samples", clinical))
    if a.frequencies.ok:
        sheets.append(SheetSpec("Alteration frequencies", a.frequencies.result.to_frame(),
                                (a.frequencies.result.methods,)))
    if a.matrix.ok:
        status = a.matrix.result.status.copy()
        status.index.name = "sample_id"
        sheets.append(SheetSpec("Alteration matrix", status, (
            "1 = altered, 0 = tested and not altered, empty = not tested.",), index=True))
    if a.partners.ok:
        sheets.append(SheetSpec("Fusion partners", a.partners.result.to_frame(),
                                (a.partners.result.method,)))
    if a.burden.ok:
        sheets.append(SheetSpec("CNA burden", a.burden.result))
    if a.loci.ok:
        loci = a.loci.result.copy()
        if "samples" in loci.columns:
            loci["samples"] = loci["samples"].map(
                lambda s: ", ".join(s) if isinstance(s, (tuple, list)) else s)
        sheets.append(SheetSpec("Recurrent focal loci", loci))
    for outcome in a.concordance:
        c = outcome.result
        rows = [{"pair": f"{p.a} vs {p.b}", "n": p.n, "a+ b+": p.table[0][0],
                 "a+ b-": p.table[0][1], "a- b+": p.table[1][0], "a- b-": p.table[1][1],
                 "agreement": p.agreement, "kappa": p.kappa, "kappa_ci_low": p.kappa_ci[0],
                 "kappa_ci_high": p.kappa_ci[1], "discordant": ", ".join(p.discordant)}
                for p in c.pairs]
        sheets.append(SheetSpec(f"Concordance {c.gene}", pd.DataFrame(rows), (c.method,)))
    for s in a.survival:
        if s.km is None:
            continue
        rows = [{"group": g.label, "n": g.n, "events": g.events, "censored": g.censored,
                 "median": g.median if g.median_reached else None,
                 "median_reached": g.median_reached, "median_ci_low": g.median_ci[0],
                 "median_ci_high": g.median_ci[1], "unit": s.km.unit} for g in s.km.groups]
        notes = [f"Times (median and its CI) in {s.km.unit}", s.km.method]
        if s.exploratory:
            notes.insert(0, "EXPLORATORY: chosen by the alteration screen (lowest log-rank p), "
                            "not by the user; read with the screen's BH q.")
        if s.logrank is not None:
            notes.append(f"{s.logrank.test}: statistic {s.logrank.statistic}, df "
                         f"{s.logrank.df}, p {s.logrank.p} ({s.logrank.sided}); "
                         f"{s.logrank.method}")
        if s.cox is not None:
            for t in s.cox.terms:
                notes.append(f"Cox HR {t.level} vs {t.reference}: "
                             + (f"not estimable ({t.not_estimable})" if t.not_estimable else
                                f"{t.hr} (95% CI {t.ci[0]}-{t.ci[1]}), p {t.p}")
                             + f"; {s.cox.method}")
        sheets.append(SheetSpec(f"{a.options.endpoint} {s.grouping_text}", pd.DataFrame(rows),
                                tuple(notes)))
    if a.screen.ok and a.screen.result.rows:
        screen = a.screen.result
        frame = screen.to_frame()
        frame["ci"] = frame["ci"].map(lambda ci: None)  # split below: one number a cell
        frame.insert(frame.columns.get_loc("ci"), "ci_low", [r.ci[0] for r in screen.rows])
        frame.insert(frame.columns.get_loc("ci"), "ci_high", [r.ci[1] for r in screen.rows])
        frame = frame.drop(columns=["ci"])
        frame["warnings"] = frame["warnings"].map("; ".join)
        sheets.append(SheetSpec(f"{screen.endpoint} screen", frame, (
            f"Exploratory screen of every alteration against {screen.endpoint} "
            f"({screen.unit}); p: log-rank; q: BH-FDR.", screen.method)))
    if a.response.ok:
        data, _dist = a.response.result
        frame = data.frame.copy()
        sheets.append(SheetSpec("Response", frame))
    return sheets


def write_cohort_workbook(
    cohort: Cohort,
    path: Any,
    *,
    survival_groupings: Sequence[str] = (),
    deidentify: bool = False,
    options: ReportOptions | None = None,
) -> CohortAnalyses:
    """Run the analyses and write the workbook to ``path`` (atomically); returns them."""
    from imft_desktop.io.write.excel_export import write_workbook

    a = run_analyses(cohort, survival_groupings, options, deidentify=deidentify)
    write_workbook(
        path, cohort_workbook_sheets(a), provenance=a.provenance.as_pairs(),
        methods=a.methods.texts(), title=f"IMFT Desktop analysis: {a.cohort.name}",
        synthetic=a.cohort.is_synthetic,
    )
    return a
