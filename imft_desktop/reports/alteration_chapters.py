"""Report chapters of the alteration summary: frequencies, fusion partners, oncoprint,
copy number and assay concordance.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.text import plural
from imft_desktop.plotting import cna_genome as cna_plot
from imft_desktop.plotting import oncoprint as oncoprint_plot
from imft_desktop.plotting import partners as partners_plot
from imft_desktop.reports.analyses import CAPABILITY_ORDER, CohortAnalyses
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
    ci_text,
    draw_figure,
    format_num,
    id_list,
    pct,
    problem_paragraph,
    warnings_note,
)

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.io.write.excel_export import SheetSpec

#: Recurrent focal loci listed in print (the most recurrent); the workbook has all.
MAX_LOCI_ROWS = 40


def frequency_chapter(a: CohortAnalyses) -> list[Section]:
    out: list[Section] = [Heading("Alteration frequencies", 1)]
    if not a.frequencies.ok:
        if a.frequencies.problem or a.matrix.problem:
            out.append(problem_paragraph("The frequency table",
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
         pct(r.percent), ci_text(r.ci_low, r.ci_high, 1, "%"))
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
    notes.extend(warnings_note(ft))
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

    return draw_figure(
        draw, (TEXT_WIDTH_IN, min(8.0, 1.3 + 0.55 * len(pt.drivers))),
        caption=(f"Fusion partners per driver gene; segments count samples among the "
                 f"{pt.tested_n} tested for fusions."),
        alt="Stacked bar chart of the samples per fusion partner for each driver gene",
    )


def partners_chapter(a: CohortAnalyses) -> list[Section]:
    out: list[Section] = [Heading("Fusion partners", 1)]
    if not a.partners.ok:
        if a.partners.problem:
            out.append(problem_paragraph("Fusion partners", a.partners.problem))
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
                         f"{n}/{pt.tested_n}", pct(share)))
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


def oncoprint_chapter(a: CohortAnalyses) -> list[Section]:
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
        draw_figure(draw, (TEXT_WIDTH_IN, height),
                caption=(f"Oncoprint of the {len(data.rows)} most frequent alterations, one "
                         f"column per sample. {data.method}"),
                alt="Oncoprint of the cohort's alterations by sample"),
        *[Paragraph(w, "note") for w in warnings_note(data)],
    ]


def copy_number_chapter(a: CohortAnalyses) -> list[Section]:
    if a.burden.result is None and a.burden.problem is None:
        return []
    out: list[Section] = [Heading("Copy-number overview", 1)]
    if a.burden.problem:
        out.append(problem_paragraph("The copy-number overview", a.burden.problem))
        return out
    if a.genome.ok:
        freq = a.genome.result
        assembly = a.cna_params.genome if a.cna_params is not None else a.cohort.assembly

        def draw(fig: Any) -> None:
            cna_plot.plot_genome_frequency(freq, ax=fig.add_subplot(), assembly=assembly)

        out.append(draw_figure(
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
                       *limit_note, *warnings_note(loci)),
            ))
    elif a.loci.problem:
        out.append(problem_paragraph("Recurrent focal loci", a.loci.problem))
    return out


def concordance_chapter(a: CohortAnalyses) -> list[Section]:
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
                         pct(100 * p.agreement if p.agreement == p.agreement else None),
                         format_num(p.kappa, 2), ci_text(p.kappa_ci[0], p.kappa_ci[1], 2),
                         id_list(p.discordant)))
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
                     _rate_with_ci(x.sensitivity, x.sensitivity_ci),
                     _rate_with_ci(x.specificity, x.specificity_ci))
                    for x in c.accuracy
                ),
                align=("left", "left", "center", "right", "right"),
                caption=f"Sensitivity and specificity for {c.gene} against {c.reference}",
                notes=warnings_note(c),
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
    return f"{pct(100 * value)} ({ci_text(lo, hi, 1, '%')})"


def alteration_sheets(a: CohortAnalyses) -> list[SheetSpec]:
    """Workbook sheets of the alteration summary (every row; print shows the top)."""
    from imft_desktop.io.write.excel_export import SheetSpec

    sheets: list[SheetSpec] = []
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
    return sheets
