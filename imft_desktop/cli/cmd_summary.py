"""``imft summary FILE``: alteration frequencies, fusion partners, copy number, concordance.

Without ``--json`` a readable, aligned table.  With ``--json`` one object (keys are only
ever added, never renamed):

``file``, ``synthetic``, ``samples`` (int), ``group_by`` (null or the column / label),
``alterations``
    list of ``{label, gene, kind, level, capability, altered, tested, percent,
    ci95: [low, high]}`` (percent and CI bounds in %, exact Clopper-Pearson 95% CI;
    ``group`` added when grouped), ordered by frequency;
``fusion_partners``
    ``{driver: {partner: n_samples}}`` ("partner unknown" its own partner);
``fusion_partner_details``
    orientation (5'/3'), samples per driver, tested n;
``cna_burden``
    ``{sample_id: {tested, source, altered_regions, n_arm_events, n_focal_events,
    fraction_genome_altered}}`` for every sample (null values when not tested for copy
    number), an object keyed by sample id so scripts can look a sample up directly;
``recurrent_focal_loci``
    list of ``{locus, chrom, start, end, cytoband, event, n_samples, n_high_level,
    n_tested, samples, label}``: ``n_samples``/``n_tested`` are altered/tested of the
    locus's row in ``alterations`` (``label``), over every sample tested for copy number;
``focal_min_samples``
    the recurrence threshold the loci were found with;
``concordance``
    list, one per gene assessed by two or more of IHC / FISH / sequencing (the rule of
    ``analysis.alteration_summary``);
``cooccurrence``
    list of pairs with their 2x2 counts, odds ratio, p, q, tendency, test;
``methods``
    ``{topic: sentence}`` naming every test, CI and threshold;
``cna_params``, ``warnings``.

Exit codes: 0 done, 1 ``--by`` names no column or alteration, 2 unreadable file or
wrong call.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING, Any

from imft_desktop.cli.text import json_safe, print_report
from imft_desktop.model.formatting import (
    NOT_ESTIMABLE,
    format_count,
    format_estimate_ci,
    format_percent,
    format_percent_ci,
    p_text,
)
from imft_desktop.model.text import plural

if TYPE_CHECKING:
    from imft_desktop.analysis.alteration_summary import AlterationSummary
    from imft_desktop.model.cohort import Cohort

NAME = "summary"
HELP = "Alteration frequencies with exact CIs, fusion partners, CNA burden and loci."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from imft_desktop.cli.cmd_validate import add_import_arguments

    add_import_arguments(parser)
    parser.add_argument("--by", metavar="COLUMN",
                        help="group frequencies by a clinical column or an alteration label")
    parser.add_argument("--min-focal-samples", type=int, default=2, metavar="K",
                        help="samples sharing a focal locus for it to count (default 2)")
    parser.add_argument("--top", type=int, default=None, metavar="N",
                        help="print only the N most frequent alterations (text output)")


def summary_json(summary: AlterationSummary, cohort: Cohort) -> dict[str, Any]:
    """The ``--json`` object for an ``AlterationSummary`` (see the module docstring)."""
    from imft_desktop.analysis.cooccurrence import cooccurrence_records

    freq = summary.frequencies.to_dict()
    burden = {}
    for r in summary.burden.itertuples(index=False):
        burden[str(r.sample_id)] = {
            "tested": bool(r.tested),
            "source": r.source,
            "altered_regions": None if not r.tested else _int(r.altered_regions),
            "n_arm_events": _int(r.n_arm_events),
            "n_focal_events": _int(r.n_focal_events),
            "fraction_genome_altered": _round(r.fraction_genome_altered),
        }
    loci = [
        {
            "locus": r.locus, "chrom": r.chrom, "start": int(r.start), "end": int(r.end),
            "cytoband": r.cytoband, "event": r.event, "n_samples": int(r.n_samples),
            "n_high_level": int(r.n_high_level), "n_tested": int(r.n_tested),
            "samples": list(r.samples), "label": r.label,
        }
        for r in summary.focal_loci.itertuples(index=False)
    ]
    methods = dict(summary.methods)
    note = summary.cooccurrence.attrs.get("note")
    if note:
        methods["cooccurrence_note"] = note
    source = cohort.sources[0].name if cohort.sources else None
    return json_safe(
        {
            "file": source,
            "synthetic": cohort.is_synthetic,
            "samples": summary.n,
            "group_by": freq["group_by"],
            "groups": freq["groups"],
            "alterations": freq["alterations"],
            "fusion_partners": summary.partners.counts,
            "fusion_partner_details": summary.partners.to_dict(),
            "cna_burden": burden,
            "recurrent_focal_loci": loci,
            "focal_min_samples": summary.focal_min_samples,
            "concordance": [c.to_dict() for c in summary.concordance],
            "cooccurrence": cooccurrence_records(summary.cooccurrence),
            "methods": methods,
            "cna_params": summary.cna_params.to_dict(),
            "warnings": list(summary.warnings),
        }
    )


def _int(x: Any) -> int | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)


def _round(x: Any) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), 4)


def human_summary(summary: AlterationSummary, cohort: Cohort, top: int | None = None) -> str:
    """Readable text: aligned frequency table, then partners, copy number, concordance."""
    lines: list[str] = []
    title = cohort.name or "cohort"
    if cohort.is_synthetic:
        title += "  (SYNTHETIC DATA)"
    lines += [title, plural(summary.n, "sample"), ""]
    rows = summary.frequencies.to_frame()
    grouped = summary.frequencies.group_by is not None
    if top is not None:
        keep = list(dict.fromkeys(rows["label"]))[:top]
        rows = rows.loc[rows["label"].isin(keep)]
    table: list[tuple[str, ...]] = (
        [("Alteration", "Group", "Altered/tested", "%", "95% CI")] if grouped
        else [("Alteration", "Altered/tested", "%", "95% CI")]
    )
    for r in rows.itertuples(index=False):
        cells = (str(r.label), format_count(r.altered, r.tested), format_percent(r.percent),
                 format_percent_ci(r.ci_low, r.ci_high))
        table.append((cells[0], str(r.group), *cells[1:]) if grouped else cells)
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for k, row in enumerate(table):
        lines.append(
            "  ".join(
                str(c).ljust(w) if i == 0 or (grouped and i == 1) else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths))
            ).rstrip()
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += ["", summary.frequencies.methods]
    partners = summary.partners
    if partners.counts:
        lines += ["", f"Fusion partners (samples tested for fusions: {partners.tested_n})"]
        for driver, parts in partners.counts.items():
            text = ", ".join(f"{p} {n}" for p, n in parts.items())
            lines.append(
                f"  {driver}: {plural(partners.driver_samples[driver], 'sample')}, "
                f"{plural(partners.n_partners(driver), 'partner')} ({text})"
            )
    burden = summary.burden.loc[summary.burden["tested"]]
    if len(burden):
        lines += [
            "",
            f"Copy number ({plural(len(burden), 'sample')} tested): median altered regions "
            f"{burden['altered_regions'].median():g}; recurrent focal loci: "
            f"{len(summary.focal_loci)} (altered in >= {summary.focal_min_samples} samples; "
            "altered/tested as in the table above)",
        ]
        for r in summary.focal_loci.itertuples(index=False):
            lines.append(f"  {r.cytoband:<18} {r.event:<5} "
                         f"{format_count(r.n_samples, r.n_tested)}  ({r.locus})")
    for conc in summary.concordance:
        lines += ["", f"Concordance for {conc.gene} ({', '.join(conc.assays)})"]
        for p in conc.pairs:
            kappa = format_estimate_ci(p.kappa, *p.kappa_ci, missing=NOT_ESTIMABLE)
            lines.append(f"  {p.a} vs {p.b}: n={p.n}, agreement "
                         f"{format_percent(100 * p.agreement)}, kappa {kappa}; "
                         f"discordant: {', '.join(p.discordant) or 'none'}")
        for a in conc.accuracy:
            lines.append(
                f"  {a.assay} vs {a.reference}: sensitivity {a.tp}/{a.tp + a.fn}, "
                f"specificity {a.tn}/{a.tn + a.fp}"
            )
    co = summary.cooccurrence
    if len(co):
        lines += ["", "Co-occurrence / mutual exclusivity (lowest p first)"]
        for r in co.head(10).itertuples(index=False):
            lines.append(
                f"  {r.a} & {r.b}: both {r.both}, only A {r.a_only}, only B {r.b_only}, "
                f"neither {r.neither}; {p_text(r.p)}, {p_text(r.q, 'q')} ({r.tendency})"
            )
        lines.append("  " + str(co.attrs.get("method", "")))
    if summary.warnings:
        lines += ["", "Warnings"] + [f"  {w}" for w in summary.warnings]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:

    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, "summary")
    if failed is not None:
        return failed
    from imft_desktop.analysis.alteration_summary import SummaryOptions, summarise

    # --assembly is a shared reading option: open_cohort set cohort.assembly from it
    options = SummaryOptions(group_by=args.by,
                             min_focal_samples=max(1, args.min_focal_samples),
                             with_oncoprint=False)
    try:
        summary = summarise(cohort, options)
    except KeyError as exc:
        print(f"imft summary: --by: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    return print_report(summary_json(summary, cohort) if args.json else None, args.json,
                        lambda: human_summary(summary, cohort, args.top))
