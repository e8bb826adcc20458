"""Report chapters and workbook sheets of the alteration summary: frequencies, fusion
partners, oncoprint, copy number, assay concordance and co-occurrence.

Every chapter lays out the one ``AlterationSummary`` kept in ``CohortAnalyses``
(``analysis.alteration_summary``, the study the Summary tab and ``imft summary`` render
too); nothing here recomputes or re-thresholds it, and numbers are written by
``model.formatting`` as in the tab.  Print may list fewer rows than the tab (a long
table is cut, with a note); the workbook has every row.

One function per report-outline kind (``frequencies_item_sections`` ...,
:data:`ITEM_SECTIONS`) prints what a composed report's item asks for; the default
report's chapters call them with the default item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.analysis.alteration_summary import AlterationSummary, regroup
from imft_desktop.model.formatting import (
    NOT_ESTIMABLE,
    format_ci,
    format_count,
    format_estimate,
    format_estimate_ci,
    format_fixed,
    format_p,
    format_percent,
    format_percent_ci,
    format_percent_with_ci,
)
from imft_desktop.model.text import plural
from imft_desktop.plotting import cna_genome as cna_plot
from imft_desktop.plotting import oncoprint as oncoprint_plot
from imft_desktop.plotting import partners as partners_plot
from imft_desktop.reports.analyses import NO_COPY_NUMBER, CohortAnalyses
from imft_desktop.reports.document import (
    Figure,
    Heading,
    KeyValues,
    Paragraph,
    Section,
    Table,
    format_cell,
)
from imft_desktop.reports.layout import (
    TEXT_WIDTH_IN,
    draw_figure,
    id_list,
    problem_paragraph,
    warnings_note,
)
from imft_desktop.reports.outline import ReportItem

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.analysis.concordance import ConcordanceResult
    from imft_desktop.analysis.partners import PartnerTable
    from imft_desktop.io.write.excel_export import SheetSpec

#: Order of the "Detected by" groups in the printed frequency table.
CAPABILITY_ORDER = ("IHC", "FISH", "fusion", "mutation", "copy number")
#: Rows of the printed oncoprint (most frequent first) unless the item says otherwise.
ONCOPRINT_ROWS = 30
#: Recurrent focal loci listed in print (the most recurrent); the workbook has all.
MAX_LOCI_ROWS = 40
#: Co-occurrence pairs listed in print (lowest p first); the workbook has all.
COOCCURRENCE_ROWS = 20

#: The default report's items, one per chapter.
DEFAULT_ITEMS = {
    "frequencies": ReportItem.make("frequencies", "Alteration frequencies"),
    "partners": ReportItem.make("partners", "Fusion partners"),
    "oncoprint": ReportItem.make("oncoprint", "Oncoprint"),
    "copy_number": ReportItem.make("copy_number", "Copy-number overview"),
    "concordance": ReportItem.make("concordance", "Assay concordance"),
    "cooccurrence": ReportItem.make("cooccurrence", "Co-occurrence and mutual exclusivity"),
}


def _unavailable(a: CohortAnalyses, topic: str) -> list[Section]:
    """Why the summary is missing, in words (nothing when there is nothing to say)."""
    problem = a.alterations.problem
    return [problem_paragraph(topic, problem)] if problem else []


# --------------------------------------------------------------------------- frequencies
def frequencies_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """The frequency table (altered/tested, %, exact CI), grouped when the item says
    ``group_by``; alterations altered in fewer than ``min_altered_in_table`` samples and
    single focal band calls below the loci's recurrence threshold are left to the
    workbook, with a note."""
    out: list[Section] = [Heading(item.title, 1)]
    s = a.summary
    if s is None:
        return out + _unavailable(a, "The frequency table")
    group_by = item.param("group_by")
    if group_by != s.frequencies.group_by:
        try:  # the same study grouped as the item asks (same matrix)
            s = regroup(s, a.cohort, group_by)
        except KeyError as exc:
            return out + [problem_paragraph("The frequency table", str(exc.args[0]))]
    ft = s.frequencies
    df = ft.to_frame()
    total = df.groupby("label", sort=False)["altered"].transform("sum")
    min_altered = max(1, a.options.min_altered_in_table)
    focal = df["level"].astype(str).eq("focal")
    keep = (total >= min_altered) & (~focal | (total >= s.focal_min_samples))
    shown = df.loc[keep].copy()
    order = {c: i for i, c in enumerate(CAPABILITY_ORDER)}
    shown["_order"] = shown["capability"].map(lambda c: order.get(str(c), len(order)))
    shown["_pct"] = shown.groupby("label", sort=False)["percent"].transform("max")
    shown = shown.sort_values(["_order", "_pct", "label"], ascending=[True, False, True],
                              kind="stable")
    grouped = ft.group_by is not None
    rows = tuple(
        (str(r.label), *((str(r.group),) if grouped else ()), str(r.capability),
         format_count(r.altered, r.tested), format_percent(r.percent),
         format_percent_ci(r.ci_low, r.ci_high))
        for r in shown.itertuples(index=False)
    )
    notes = [
        "Altered/tested: the denominator is the samples tested by the assay that can detect "
        "the alteration; samples not tested are never counted as negative.",
    ]
    totals = df.groupby("label", sort=False)["altered"].sum()
    focal_label = df.groupby("label", sort=False)["level"].first().astype(str).eq("focal")
    absent = int((totals < min_altered).sum())
    if absent:
        notes.append(f"{absent} alterations found in fewer than {min_altered} sample(s) are "
                     "not listed; the Excel export lists every alteration.")
    rare = int((focal_label & (totals >= min_altered) & (totals < s.focal_min_samples)).sum())
    if rare:
        notes.append(f"{rare} focal copy-number events found in fewer than "
                     f"{s.focal_min_samples} samples (the recurrence threshold of focal loci) "
                     "are not listed (see the Excel export).")
    if grouped:
        notes.append(f"Grouped by {ft.group_by}; denominators are per group.")
    notes.extend(warnings_note(ft))
    header = ("Alteration", *(("Group",) if grouped else ()), "Detected by", "Altered/tested",
              "%", "95% CI (exact)")
    out.append(Table(
        header=(header,), rows=rows,
        align=("left", *(("left",) if grouped else ()), "left", "right", "right", "right"),
        caption=f"Alterations in {plural(ft.n, 'sample')}, by assay and frequency",
        notes=tuple(notes),
    ))
    return out


# --------------------------------------------------------------------------- partners
def _partner_chart(pt: PartnerTable) -> Figure:
    def draw(fig: Any) -> None:
        ax = fig.add_subplot()
        partners_plot.plot_partners(pt, ax, fontsize=8.0)
        # The per-driver summary in the title can be wider than the page: own line.
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc=loc)
            if " (" in title:
                ax.set_title(title.replace(" (", "\n(", 1), loc=loc, fontsize=8.0)

    return draw_figure(
        draw, (TEXT_WIDTH_IN, min(8.0, 1.3 + 0.55 * len(pt.drivers))),
        caption=(f"Fusion partners per driver gene; segments count samples among the "
                 f"{pt.tested_n} tested for fusions."),
        alt="Stacked bar chart of the samples per fusion partner for each driver gene",
    )


def partners_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """Partners per driver gene (samples/tested for fusions) and their chart."""
    out: list[Section] = [Heading(item.title, 1)]
    s = a.summary
    if s is None:
        return out + _unavailable(a, "Fusion partners")
    pt = s.partners
    if not pt.drivers:
        out.append(Paragraph(f"No fusion was found in the {plural(pt.tested_n, 'sample')} "
                             "tested for fusions."))
        return out
    rows = []
    for driver in pt.drivers:
        for partner, n in pt.counts[driver].items():
            share = 100.0 * n / pt.tested_n if pt.tested_n else None
            rows.append((driver, partner, pt.orientation[driver].get(partner, "") or "–",
                         format_count(n, pt.tested_n), format_percent(share)))
    summary = "; ".join(
        f"{d}: {plural(pt.driver_samples.get(d, 0), 'sample')}, "
        f"{plural(pt.n_partners(d), 'partner')}"
        for d in pt.drivers
    )
    out.append(Table(
        header=(("Driver", "Partner", "Partner end", "Samples/tested", "%"),),
        rows=tuple(rows), align=("left", "left", "center", "right", "right"),
        caption="Fusion partners per driver gene",
        notes=(summary, *warnings_note(pt)),
    ))
    out.append(_partner_chart(pt))
    return out


# --------------------------------------------------------------------------- oncoprint
def oncoprint_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """The oncoprint of the most frequent alterations (``rows`` of them, default
    :data:`ONCOPRINT_ROWS`); nothing when no sample has an alteration."""
    s = a.summary
    if s is None:
        return [Heading(item.title, 1), *_unavailable(a, "The oncoprint")]
    data = s.oncoprint
    if data is None or not data.rows or not data.samples:
        return []
    data = data.reorder(data.rows[:max(1, int(item.param("rows", ONCOPRINT_ROWS)))])
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
        Heading(item.title, 1),
        draw_figure(draw, (TEXT_WIDTH_IN, height),
                    caption=(f"Oncoprint of the {len(data.rows)} most frequent alterations, "
                             f"one column per sample. {data.method}"),
                    alt="Oncoprint of the cohort's alterations by sample"),
        *[Paragraph(w, "note") for w in warnings_note(data)],
    ]


# --------------------------------------------------------------------------- copy number
def copy_number_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """Genome-wide gain/loss frequency, burden and the recurrent focal loci."""
    out: list[Section] = [Heading(item.title, 1)]
    s = a.summary
    if s is None:
        return out + _unavailable(a, "The copy-number overview")
    if not s.cn_tested:
        return out + [problem_paragraph("The copy-number overview", NO_COPY_NUMBER)]
    freq, assembly = s.genome, s.cna_params.genome

    def draw(fig: Any) -> None:
        cna_plot.plot_genome_frequency(freq, ax=fig.add_subplot(), assembly=assembly)

    out.append(draw_figure(
        draw, (TEXT_WIDTH_IN, 2.6),
        caption=("Share of copy-number-tested samples with a gain (up) or loss "
                 f"(down) along the genome ({assembly}, 1 Mb bins)."),
        alt="Genome-wide frequency of copy-number gains and losses"))
    burden = s.burden
    tested = burden.loc[burden["tested"].astype(bool)]
    regions = pd.to_numeric(tested["altered_regions"], errors="coerce")
    fga = 100 * pd.to_numeric(tested["fraction_genome_altered"], errors="coerce").dropna()
    facts = [
        ("Samples tested for copy number", f"{len(tested)} of {len(burden)}"),
        ("Altered regions per sample, median (range)",
         f"{format_fixed(regions.median(), 1)} ({format_fixed(regions.min(), 0)}–"
         f"{format_fixed(regions.max(), 0)})"),
    ]
    if not fga.empty:
        facts.append(("Fraction of genome altered, median (range)",
                      f"{format_percent(fga.median())} ({format_fixed(fga.min())}–"
                      f"{format_percent(fga.max())}; {plural(len(fga), 'sample')} with "
                      "segments)"))
    out.append(KeyValues(tuple(facts), title="Copy-number burden"))
    out.extend(_loci_sections(s))
    return out


def _loci_sections(s: AlterationSummary) -> list[Section]:
    loci = s.focal_loci
    if loci.empty:
        return [Paragraph("No focal locus was altered in "
                          f"{s.focal_min_samples} or more samples with segments.")]
    shown = loci
    limit_note: tuple[str, ...] = ()
    if len(loci) > MAX_LOCI_ROWS:
        # Most recurrent first, then back in genome order for reading.
        top = loci.sort_values("n_samples", ascending=False, kind="stable")
        shown = loci.loc[sorted(top.index[:MAX_LOCI_ROWS])]
        limit_note = (f"The {MAX_LOCI_ROWS} most recurrent of {len(loci)} loci are "
                      "listed; the Excel export lists all.",)
    return [Table(
        header=(("Cytoband", "Locus", "Event", "Altered/tested", "High-level"),),
        rows=tuple(
            (format_cell(r.cytoband), format_cell(r.locus), format_cell(r.event),
             format_count(r.n_samples, r.n_tested), format_cell(r.n_high_level))
            for r in shown.itertuples(index=False)
        ),
        align=("left", "left", "left", "right", "right"),
        caption=(f"Recurrent focal copy-number loci ({len(loci)}; shared by at least "
                 f"{s.focal_min_samples} samples with segments)"),
        notes=("Minimal common regions of focal events in the same direction, found from "
               "segments; high-level = amplification or deep deletion. No p-value (not "
               "GISTIC).",
               "Altered/tested counts every sample tested for copy number, as the locus's "
               "row of the frequency table (e.g. \"8q24.21 gain (focal)\"): samples with "
               "direct calls only are tested at every locus (a region they do not list is "
               "not altered).",
               *limit_note, *warnings_note(loci)),
    )]


# --------------------------------------------------------------------------- concordance
def concordance_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """Agreement of assays for the item's ``gene``, or for every gene the summary
    compared when the item names none."""
    s = a.summary
    if s is None:
        return [Heading(item.title, 1), *_unavailable(a, "Assay concordance")]
    gene = item.param("gene")
    if gene is None:
        results = list(s.concordance)
        if not results:
            return []
    else:
        try:
            results = [s.concordance_for(str(gene))]
        except KeyError:
            return [Heading(item.title, 1), problem_paragraph(
                f"Assay concordance for {gene}",
                "fewer than two of IHC, FISH and fusion sequencing compared it on this "
                "cohort's samples")]
    out: list[Section] = [Heading(item.title, 1)]
    for c in results:
        out.extend(_concordance_sections(c, level=2 if gene is None else 3))
    return out


def _concordance_sections(c: ConcordanceResult, level: int) -> list[Section]:
    out: list[Section] = [Heading(f"{c.gene}: {', '.join(c.assays)}", level)]
    out.append(Paragraph(", ".join(f"{k} {format_count(c.positive.get(k, 0), v)} positive"
                                   for k, v in c.tested.items())))
    rows = []
    for p in c.pairs:
        (pp, pn), (np_, nn) = p.table
        rows.append((f"{p.a} vs {p.b}", str(p.n), f"{pp} / {pn} / {np_} / {nn}",
                     format_percent(100 * p.agreement),
                     format_estimate_ci(p.kappa, None, None, missing=NOT_ESTIMABLE),
                     format_ci(*p.kappa_ci), id_list(p.discordant)))
    out.append(Table(
        header=(("Pair", "n", "++ / +- / -+ / --", "Agreement", "Kappa", "95% CI",
                 "Discordant samples"),),
        rows=tuple(rows), align=("left", "right", "center", "right", "right", "right", "left"),
        caption=f"Agreement of assays for {c.gene} (samples tested by both)",
        notes=tuple(dict.fromkeys(w for p in c.pairs for w in warnings_note(p))),
    ))
    if c.accuracy:
        out.append(Table(
            header=(("Assay", "Reference", "TP / FN / FP / TN", "Sensitivity (95% CI)",
                     "Specificity (95% CI)"),),
            rows=tuple(
                (x.assay, x.reference, f"{x.tp} / {x.fn} / {x.fp} / {x.tn}",
                 format_percent_with_ci(100 * x.sensitivity, 100 * x.sensitivity_ci[0],
                                        100 * x.sensitivity_ci[1]),
                 format_percent_with_ci(100 * x.specificity, 100 * x.specificity_ci[0],
                                        100 * x.specificity_ci[1]))
                for x in c.accuracy
            ),
            align=("left", "left", "center", "right", "right"),
            caption=f"Sensitivity and specificity for {c.gene} against {c.reference}",
            notes=warnings_note(c),
        ))
    return out


# --------------------------------------------------------------------------- co-occurrence
def cooccurrence_item_sections(a: CohortAnalyses, item: ReportItem) -> list[Section]:
    """Pairs of alterations found together or apart more often than by chance: the
    2x2 counts, odds ratio, Fisher p and BH q of the lowest-p pairs."""
    out: list[Section] = [Heading(item.title, 1)]
    s = a.summary
    if s is None:
        return out + _unavailable(a, "Co-occurrence")
    co = s.cooccurrence
    method = str(co.attrs.get("method", ""))
    if co.empty:
        out.append(Paragraph("Fewer than two alterations were found in enough samples to be "
                             f"paired. {method}".strip()))
        return out
    shown = co.head(COOCCURRENCE_ROWS)
    note = str(co.attrs.get("note", ""))
    limit = (f"The {COOCCURRENCE_ROWS} pairs with the lowest p of {len(co)} are listed; the "
             "Excel export lists all.",) if len(co) > COOCCURRENCE_ROWS else ()
    out.append(Table(
        header=(("A", "B", "Both / A only / B only / neither", "Odds ratio", "p", "q",
                 "Tendency"),),
        rows=tuple(
            (str(r.a), str(r.b), f"{r.both} / {r.a_only} / {r.b_only} / {r.neither}",
             format_estimate(r.odds_ratio), format_p(r.p), format_p(r.q), str(r.tendency))
            for r in shown.itertuples(index=False)
        ),
        align=("left", "left", "center", "right", "right", "right", "left"),
        caption="Co-occurrence and mutual exclusivity of alterations (samples tested for both)",
        notes=tuple(x for x in (method, note, *limit) if x),
    ))
    return out


#: What a composed report prints for an outline item of each alteration kind.
ITEM_SECTIONS: Mapping[str, Callable[[CohortAnalyses, ReportItem], list[Section]]] = {
    "frequencies": frequencies_item_sections,
    "partners": partners_item_sections,
    "oncoprint": oncoprint_item_sections,
    "copy_number": copy_number_item_sections,
    "concordance": concordance_item_sections,
    "cooccurrence": cooccurrence_item_sections,
}


# --------------------------------------------------------------------------- default chapters
def frequency_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's frequency table (ungrouped)."""
    return frequencies_item_sections(a, DEFAULT_ITEMS["frequencies"])


def partners_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's fusion partners."""
    return partners_item_sections(a, DEFAULT_ITEMS["partners"])


def oncoprint_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's oncoprint (:data:`ONCOPRINT_ROWS` rows)."""
    return oncoprint_item_sections(a, DEFAULT_ITEMS["oncoprint"])


def copy_number_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's copy-number overview."""
    return copy_number_item_sections(a, DEFAULT_ITEMS["copy_number"])


def concordance_chapter(a: CohortAnalyses) -> list[Section]:
    """The default report's assay concordance, every gene compared."""
    return concordance_item_sections(a, DEFAULT_ITEMS["concordance"])


def cooccurrence_chapter(a: CohortAnalyses) -> list[Section]:
    """The co-occurrence chapter (pairs of alterations)."""
    return cooccurrence_item_sections(a, DEFAULT_ITEMS["cooccurrence"])


# --------------------------------------------------------------------------- workbook
def alteration_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """Workbook sheets of the alteration summary (every row, raw numbers; print shows
    the top)."""
    from imft_desktop.analysis.cooccurrence import cooccurrence_records
    from imft_desktop.io.write.excel_export import SheetSpec

    s = a.summary
    if s is None:
        return []
    status = s.matrix.status.copy()
    status.index.name = "sample_id"
    sheets = [
        SheetSpec("Alteration frequencies", s.frequencies.to_frame(), (s.frequencies.methods,)),
        SheetSpec("Alteration matrix", status, (
            "1 = altered, 0 = tested and not altered, empty = not tested.",), index=True),
        SheetSpec("Fusion partners", s.partners.to_frame(), (s.partners.method,)),
    ]
    if s.cn_tested:
        loci = s.focal_loci.copy()
        loci["samples"] = loci["samples"].map(
            lambda x: ", ".join(x) if isinstance(x, tuple | list) else x)
        sheets += [
            SheetSpec("CNA burden", s.burden, (s.methods["cna_burden"],)),
            SheetSpec("Recurrent focal loci", loci, (s.methods["focal_loci"],)),
        ]
    for c in s.concordance:
        rows = [{"pair": f"{p.a} vs {p.b}", "n": p.n, "a+ b+": p.table[0][0],
                 "a+ b-": p.table[0][1], "a- b+": p.table[1][0], "a- b-": p.table[1][1],
                 "agreement": p.agreement, "kappa": p.kappa, "kappa_ci_low": p.kappa_ci[0],
                 "kappa_ci_high": p.kappa_ci[1], "discordant": ", ".join(p.discordant)}
                for p in c.pairs]
        sheets.append(SheetSpec(f"Concordance {c.gene}", pd.DataFrame(rows), (c.method,)))
    if not s.cooccurrence.empty:
        sheets.append(SheetSpec("Co-occurrence", pd.DataFrame(
            cooccurrence_records(s.cooccurrence)), (s.methods["cooccurrence"],)))
    return sheets
