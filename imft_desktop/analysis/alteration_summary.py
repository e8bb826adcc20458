"""The alteration summary of a cohort: one study, every view (issue 13).

:func:`summarise` computes, once and with shared intermediate results, everything the
Summary tab, ``imft summary``, the cohort report's alteration chapters and the
workbook's alteration sheets show: the alteration matrix and its frequencies
(altered/tested with exact CIs), fusion partners, the oncoprint, copy-number calling
parameters, burden, recurrent focal loci and genome-wide frequency, assay concordance,
co-occurrence, the methods sentences and the warnings.  The result is a frozen
:class:`AlterationSummary`; the views lay it out and never recompute or re-threshold
it, so the tab and the PDF cannot disagree.

The rules that used to differ between views, now made once here:

* **Focal loci**: one recurrence threshold, ``copy_number.focal_min_samples`` (at
  least ``min_focal_samples`` samples and 5% of the samples with segments), for the
  loci table and the matrix's focal columns alike, and one count: the loci table's
  altered/tested are its matrix column's (same label).
* **Concordance genes** (:func:`concordance_assays`): a gene is compared when at least
  two of IHC (its marker), FISH (its probe) and fusion sequencing (a driver-level fusion
  row, i.e. the gene is a fusion driver and samples were tested for fusions) tested it,
  and two of those assays were compared on at least ``min_concordance_n`` samples.
  Genes the user names are compared whenever two assays tested them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from imft_desktop.analysis.alterations import AlterationMatrix, alteration_matrix
from imft_desktop.analysis.concordance import ConcordanceResult, assay_concordance
from imft_desktop.analysis.cooccurrence import cooccurrence
from imft_desktop.analysis.copy_number import (
    CnaParams,
    cna_burden,
    cohort_cn,
    focal_min_samples,
    genome_frequency,
    recurrent_focal_loci,
)
from imft_desktop.analysis.frequencies import FrequencyTable, frequency_table
from imft_desktop.analysis.oncoprint import OncoprintData, oncoprint_matrix
from imft_desktop.analysis.partners import PartnerTable, fusion_partners
from imft_desktop.model.cohort import Cohort

#: Automatically chosen concordance genes need two assays compared on this many samples.
MIN_CONCORDANCE_N = 3
#: The assays of the concordance study, in the order they are shown.
CONCORDANCE_ASSAYS = ("IHC", "FISH", "sequencing")


@dataclass(frozen=True)
class SummaryOptions:
    """The choices of the alteration summary.

    Attributes
    ----------
    group_by:
        Group the frequency table by a clinical column or an alteration label.
    cna:
        Copy-number calling thresholds (``None``: the defaults with the cohort's assembly).
    min_focal_samples:
        A focal locus is recurrent when shared by at least this many samples (and 5% of
        the samples with segments; see ``copy_number.focal_min_samples``).
    concordance_genes:
        Genes to compare assays for; ``None``: chosen by the rule in the module docstring.
    min_concordance_n:
        An automatically chosen gene needs two assays compared on this many samples.
    with_oncoprint:
        Build the oncoprint data (the command line does not draw it).
    """

    group_by: str | None = None
    cna: CnaParams | None = None
    min_focal_samples: int = 2
    concordance_genes: tuple[str, ...] | None = None
    min_concordance_n: int = MIN_CONCORDANCE_N
    with_oncoprint: bool = True

    def __post_init__(self) -> None:
        if self.min_focal_samples < 1:
            raise ValueError("min_focal_samples must be at least 1")
        if self.min_concordance_n < 1:
            raise ValueError("min_concordance_n must be at least 1")
        if self.concordance_genes is not None:
            object.__setattr__(self, "concordance_genes", tuple(self.concordance_genes))


@dataclass(frozen=True)
class AlterationSummary:
    """Every alteration summary of a cohort, computed once (see the module docstring).

    Attributes
    ----------
    n:
        Samples in the cohort.
    options:
        The options it was computed with.
    matrix:
        Samples x alterations, 1 altered / 0 tested not altered / NaN not tested.
    frequencies:
        Altered/tested, percent and exact 95% CI per alteration (grouped when asked).
    partners:
        Fusion partners per driver gene.
    oncoprint:
        The oncoprint's data (every altered row), or ``None`` when not asked for.
    cna_params:
        The copy-number calling thresholds used (assembly resolved).
    cn_tested:
        Samples tested for copy number (cohort order).
    burden:
        Copy-number burden per sample (``copy_number.cna_burden``).
    focal_min_samples:
        The recurrence threshold the loci table and the matrix used.
    focal_loci:
        Recurrent focal loci (``copy_number.recurrent_focal_loci`` columns); their
        ``n_samples``/``n_tested`` are their matrix column's altered/tested.
    genome:
        Genome-wide gain/loss frequency in 1 Mb bins.
    concordance:
        One result per gene compared.
    cooccurrence:
        Pairwise Fisher tests with BH q-values (``attrs``: method, note).
    methods:
        ``{topic: sentence}`` naming every test, CI and threshold (read-only).
    warnings:
        What the user should know about the data behind the summary.
    """

    n: int
    options: SummaryOptions
    matrix: AlterationMatrix
    frequencies: FrequencyTable
    partners: PartnerTable
    oncoprint: OncoprintData | None
    cna_params: CnaParams
    cn_tested: tuple[str, ...]
    burden: pd.DataFrame
    focal_min_samples: int
    focal_loci: pd.DataFrame
    genome: pd.DataFrame
    concordance: tuple[ConcordanceResult, ...]
    cooccurrence: pd.DataFrame
    methods: Mapping[str, str]
    warnings: tuple[str, ...]

    @property
    def concordance_genes(self) -> tuple[str, ...]:
        """The genes whose assays were compared, in order."""
        return tuple(c.gene for c in self.concordance)

    def concordance_for(self, gene: str) -> ConcordanceResult:
        """The concordance result of ``gene`` (case-insensitive); ``KeyError`` if none."""
        for c in self.concordance:
            if c.gene.casefold() == gene.strip().casefold():
                return c
        raise KeyError(f"no concordance result for {gene!r}")


def summarise(
    cohort: Cohort,
    options: SummaryOptions | None = None,
    *,
    group_by: str | None = None,
    cna: CnaParams | None = None,
    min_focal_samples: int | None = None,
    with_oncoprint: bool | None = None,
) -> AlterationSummary:
    """The alteration summary of ``cohort`` (see the module docstring).

    ``options`` holds every choice; the keywords are shortcuts that replace the option of
    the same name (``summarise(cohort, group_by="best_response")``).

    Raises
    ------
    KeyError
        ``group_by`` names neither a clinical column nor an alteration.
    """
    options = options or SummaryOptions()
    options = dataclasses.replace(
        options,
        group_by=options.group_by if group_by is None else group_by,
        cna=options.cna if cna is None else cna,
        min_focal_samples=(options.min_focal_samples if min_focal_samples is None
                           else min_focal_samples),
        with_oncoprint=options.with_oncoprint if with_oncoprint is None else with_oncoprint,
    )
    matrix = alteration_matrix(cohort, options.cna, options.min_focal_samples)
    params = matrix.cna
    freq = frequency_table(cohort, group_by=options.group_by, matrix=matrix)
    partners = fusion_partners(cohort)
    cn = cohort_cn(cohort, params)
    burden = cna_burden(cohort, params)
    threshold = focal_min_samples(cn, options.min_focal_samples)
    loci = _loci_as_in_matrix(recurrent_focal_loci(cohort, params, threshold), matrix)
    genome = genome_frequency(cohort, params)
    warnings: list[str] = []
    conc = _concordance(cohort, matrix, options, warnings)
    cooc = cooccurrence(matrix)
    onco = oncoprint_matrix(cohort, matrix=matrix) if options.with_oncoprint else None
    n_seg = len(cn.segs.samples)
    methods = {
        "frequencies": freq.methods,
        "copy_number": params.describe(),
        "focal_loci": (
            "Recurrent focal loci: local-peak minimal common regions of focal events of one "
            f"direction shared by >= {threshold} samples with segments (max of "
            f"{options.min_focal_samples} and {params.focal_matrix_min_fraction:.0%} of the "
            f"{n_seg} samples with segments; no significance test).  Each locus is counted "
            "over every sample tested for copy number, as its row of the frequency table: "
            "samples with direct copy-number calls only are tested at every locus and "
            "altered where a band they list overlaps it (a region not listed counts as not "
            "altered)."
        ),
        "cna_burden": (
            "CNA burden: altered regions = runs of consecutive segments with the same call "
            "level; fraction genome altered = altered bp / measured bp (autosomes)."
        ),
        "partners": partners.method,
        "cooccurrence": str(cooc.attrs.get("method", "")),
    }
    if conc:
        methods["concordance"] = conc[0].method
    if onco is not None:
        methods["oncoprint"] = onco.method
    warnings = list(dict.fromkeys([*matrix.warnings, *partners.warnings, *warnings]))
    return AlterationSummary(
        n=matrix.n, options=options, matrix=matrix, frequencies=freq, partners=partners,
        oncoprint=onco, cna_params=params, cn_tested=tuple(cn.tested), burden=burden,
        focal_min_samples=threshold, focal_loci=loci, genome=genome, concordance=conc,
        cooccurrence=cooc, methods=MappingProxyType(methods), warnings=tuple(warnings),
    )


def regroup(summary: AlterationSummary, cohort: Cohort, group_by: str | None
            ) -> AlterationSummary:
    """The same summary with its frequency table grouped by ``group_by`` (``None``:
    ungrouped), from the same matrix; nothing else is recomputed.

    Raises
    ------
    KeyError
        ``group_by`` names neither a clinical column nor an alteration.
    """
    freq = frequency_table(cohort, group_by=group_by, matrix=summary.matrix)
    methods = MappingProxyType({**summary.methods, "frequencies": freq.methods})
    return dataclasses.replace(
        summary, frequencies=freq, methods=methods,
        options=dataclasses.replace(summary.options, group_by=group_by))


def concordance_assays(matrix: AlterationMatrix) -> dict[str, tuple[str, ...]]:
    """Per gene, the assays of the concordance study that tested it (in
    :data:`CONCORDANCE_ASSAYS` order): ``IHC`` for a marker's rows, ``FISH`` for a
    probe's, ``sequencing`` for a driver-level fusion row.  Genes as first spelled."""
    found: dict[str, tuple[str, set[str]]] = {}
    for info in matrix.info.values():
        if info.tested_n == 0:
            continue
        if info.capability in ("IHC", "FISH"):
            assay = info.capability
        elif info.level == "driver gene":
            assay = "sequencing"
        else:
            continue
        found.setdefault(info.gene.upper(), (info.gene, set()))[1].add(assay)
    return {name: tuple(a for a in CONCORDANCE_ASSAYS if a in assays)
            for name, assays in sorted(found.values(), key=lambda x: x[0].upper())}


def _concordance(cohort: Cohort, matrix: AlterationMatrix, options: SummaryOptions,
                 warnings: list[str]) -> tuple[ConcordanceResult, ...]:
    plan = concordance_assays(matrix)
    if options.concordance_genes is None:
        genes = [g for g, assays in plan.items() if len(assays) >= 2]
        need = options.min_concordance_n
    else:
        by_key = {g.upper(): g for g in plan}
        genes = []
        for asked in options.concordance_genes:
            gene = by_key.get(asked.strip().upper())
            if gene is None or len(plan[gene]) < 2:
                warnings.append(f"Assay concordance for {asked}: fewer than two of IHC, FISH "
                                "and fusion sequencing tested it.")
            elif gene not in genes:
                genes.append(gene)
        need = 1
    out = []
    for gene in genes:
        assays = plan[gene]
        reference = "sequencing" if "sequencing" in assays else None
        result = assay_concordance(cohort, gene, assays, reference=reference)
        if any(p.n >= need for p in result.pairs):
            out.append(result)
        elif options.concordance_genes is not None:
            warnings.append(f"Assay concordance for {gene}: no sample was tested by two of "
                            f"{', '.join(assays)}.")
    return tuple(out)


def _loci_as_in_matrix(loci: pd.DataFrame, matrix: AlterationMatrix) -> pd.DataFrame:
    """The loci with altered/tested and samples read from their matrix columns (which
    may be narrower when a sheet scoped copy-number testing to some regions)."""
    if loci.empty:
        return loci
    loci = loci.copy()
    infos = [matrix.info.get(label) for label in loci["label"]]
    loci["n_samples"] = [i.altered_n if i else n for i, n in zip(infos, loci["n_samples"])]
    loci["n_tested"] = [i.tested_n if i else n for i, n in zip(infos, loci["n_tested"])]
    loci["samples"] = [tuple(matrix.altered_samples(i.label)) if i else s
                       for i, s in zip(infos, loci["samples"])]
    return loci
