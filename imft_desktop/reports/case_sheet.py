"""Per-case sheets: one page per sample with everything known about it.

Each page lists the sample's IHC, FISH and sequencing results against every marker,
probe and assay used in the cohort, so an assay that was not done on this sample is
shown as "not tested" (never as negative and never silently absent); then a
copy-number overview (a small genome plot of the sample's segments when there are
any, else its direct calls), and the patient's best response and progression-free
survival.  For tumour boards and case review.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.cohort import scope_label
from imft_desktop.model.time_units import in_sheet_unit
from imft_desktop.model.vocab import (
    ASSAY_CAPABILITIES,
    AssayCall,
    AssayStatus,
    Capability,
    Recist,
    SequencingAssay,
)
from imft_desktop.reports.document import (
    PRINT_DPI,
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
from imft_desktop.reports.provenance import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

NOT_TESTED = "not tested"
GENOME_PLOT_SIZE = (6.6, 1.35)  # inches: fits the text width of A4 and Letter
LOG2_LIMIT = 1.5
GAIN_COLOUR = "#c0392b"
LOSS_COLOUR = "#2166ac"
NEUTRAL_COLOUR = "#777777"


def _value(row: pd.Series | None, field: str, unit: str = "") -> str:
    if row is None:
        return "–"
    text = format_cell(row.get(field), 1)
    return f"{text}{unit}" if unit and text != "–" else text


def _sample_rows(df: pd.DataFrame, sample_id: str) -> pd.DataFrame:
    if df.empty:
        return df
    return df.loc[df["sample_id"].astype(str) == sample_id]


def _call_text(call: Any) -> str:
    if call is None or (isinstance(call, float) and call != call):
        return NOT_TESTED
    text = str(call)
    return NOT_TESTED if text == str(AssayCall.NOT_TESTED) else text


def _ihc_table(cohort: Cohort, sample_id: str) -> Table | Paragraph:
    ihc = cohort.table("ihc")
    if ihc.empty:
        return Paragraph("IHC: no immunohistochemistry in this cohort.", "note")
    keys = (
        ihc.loc[:, ["marker", "clone"]].astype(object).where(ihc[["marker", "clone"]].notna(), None)
        .drop_duplicates().itertuples(index=False, name=None)
    )
    mine = _sample_rows(ihc, sample_id)
    rows = []
    for marker, clone in sorted(keys, key=lambda k: (str(k[0]), str(k[1]))):
        match = mine.loc[
            (mine["marker"].astype(str) == str(marker))
            & (mine["clone"].astype(str) == str(clone))
        ]
        rec = match.iloc[0] if not match.empty else None
        rows.append((
            str(marker), format_cell(clone),
            _value(rec, "percent_positive", "%"), _value(rec, "intensity"),
            _value(rec, "h_score"), _value(rec, "pattern"),
            _call_text(rec["call"] if rec is not None else None),
        ))
    return Table(
        header=(("Marker", "Clone", "% positive", "Intensity", "H-score", "Pattern", "Call"),),
        rows=tuple(rows),
        align=("left", "left", "right", "center", "right", "left", "left"),
        caption="Immunohistochemistry",
    )


def _fish_table(cohort: Cohort, sample_id: str) -> Table | Paragraph:
    fish = cohort.table("fish")
    if fish.empty:
        return Paragraph("FISH: no FISH in this cohort.", "note")
    mine = _sample_rows(fish, sample_id)
    rows = []
    for probe in sorted(fish["probe"].dropna().astype(str).unique()):
        match = mine.loc[mine["probe"].astype(str) == probe]
        rec = match.iloc[0] if not match.empty else None
        threshold = _value(rec, "threshold", "%")
        if rec is not None and threshold == "–":
            threshold = f"{format_cell(cohort.fish_threshold)}% (default)"
        rows.append((
            f"{probe} break-apart", _value(rec, "nuclei_scored"),
            _value(rec, "percent_split", "%"), threshold,
            _call_text(rec["call"] if rec is not None else None),
        ))
    return Table(
        header=(("Probe", "Nuclei scored", "% split / isolated 3'", "Threshold", "Call"),),
        rows=tuple(rows),
        align=("left", "right", "right", "right", "left"),
        caption="Fluorescence in-situ hybridisation",
    )


def _text(value: Any) -> str:
    """Stripped text of a cell, "" when missing."""
    return "" if value is None or value != value else str(value).strip()


def _target_label(target: str) -> str:
    """A gene upper case, a region as written."""
    return target if target[:1].isdigit() else target.upper()


def _scopes(seq: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """(label, assay, capability, target) of each distinct scope of the sequencing
    table, general assays first.  Scoped rows of an assay with general rows (the sheet's
    "WGS done" column) are only that column's exceptions: shown under the assay."""
    cap = seq["capability"] if "capability" in seq else pd.Series("", index=seq.index)
    tgt = seq["target"] if "target" in seq else pd.Series("", index=seq.index)
    keys = {(_text(a), _text(c), _text(t)) for a, c, t in zip(seq["assay"], cap, tgt)}
    general = {a for a, c, _t in keys if not c}
    keys = {k for k in keys if not k[1] or k[0] not in general}
    return [(scope_label(a, c, _target_label(t)), a, c, t)
            for a, c, t in sorted(keys, key=lambda k: (bool(k[1]), k))]


def _scope_mask(rows: pd.DataFrame, assay: str, capability: str, target: str) -> pd.Series:
    """Rows of one scope (see ``_scopes``)."""
    a = rows["assay"].map(_text)
    c = rows["capability"].map(_text) if "capability" in rows else pd.Series("", rows.index)
    t = rows["target"].map(_text) if "target" in rows else pd.Series("", rows.index)
    mask = a.eq(assay) & c.eq(capability) & t.eq(target)
    if not capability:  # a general assay row, or an exception to it ("not done" cell)
        mask = a.eq(assay) & c.eq("")
    return mask


def _untested_note(cohort: Cohort, capability: Capability, sample_id: str) -> str:
    """" Not tested: PIK3CA." when the sheet has several columns of ``capability`` and
    this sample was not tested for some of them; else ""."""
    targets = cohort.scoped_targets(capability)
    missing = cohort.untested_targets(capability, sample_id) if len(targets) > 1 else []
    if not missing or len(missing) == len(targets):
        return ""
    return f" Not tested: {', '.join(missing)}."


def _sequencing_sections(cohort: Cohort, sample_id: str) -> list[Section]:
    seq = cohort.table("sequencing")
    out: list[Section] = []
    if seq.empty:
        out.append(Paragraph("Sequencing: no sequencing in this cohort.", "note"))
        return out
    mine = _sample_rows(seq, sample_id)
    rows = []
    # One row per assay, and per column of a one-row-per-case sheet that names its own
    # scope ("fusion testing, assay not stated"): the sheet's words, no invented assay.
    for label, assay, capability, target in _scopes(seq):
        match = mine.loc[_scope_mask(mine, assay, capability, target)]
        status = str(match.iloc[0]["status"]) if not match.empty else NOT_TESTED
        if status == str(AssayStatus.NOT_DONE):
            status = NOT_TESTED
        elif status == str(AssayStatus.FAILED):
            status = "failed (not tested)"
        if capability:
            covers = f"{_target_label(target)} {capability}".strip()
        else:
            try:
                caps = ASSAY_CAPABILITIES[SequencingAssay(assay)]
                covers = ", ".join(sorted(str(c) for c in caps))
            except ValueError:
                covers = "–"
        rows.append((label, status, covers))
    out.append(Table(
        header=(("Assay", "Status", "Detects"),), rows=tuple(rows),
        align=("left", "left", "left"), caption="Sequencing assays",
    ))
    fusion_tested = sample_id in cohort.tested_for(Capability.FUSION)
    fusions = _sample_rows(cohort.table("fusions"), sample_id)
    if not fusions.empty:
        out.append(Table(
            header=(("Fusion", "Assay", "5' breakpoint", "3' breakpoint", "Frame", "Reads"),),
            rows=tuple(
                (format_cell(r["fusion"]), format_cell(r["assay"]), format_cell(r["breakpoint_5"]),
                 format_cell(r["breakpoint_3"]), format_cell(r["frame"]),
                 format_cell(r["supporting_reads"]))
                for _, r in fusions.iterrows()
            ),
            align=("left", "left", "left", "left", "left", "right"),
            caption="Fusions",
        ))
    else:
        out.append(Paragraph(
            "Fusions: none detected." if fusion_tested
            else "Fusions: not tested (no successful fusion-capable assay).", "body"))
    mutation_tested = sample_id in cohort.tested_for(Capability.MUTATION)
    variants = _sample_rows(cohort.table("variants"), sample_id)
    if not variants.empty:
        out.append(Table(
            header=(("Gene", "Protein change", "cDNA change", "Class", "VAF", "Assay"),),
            rows=tuple(
                (format_cell(r["gene"]), format_cell(r["protein_change"]),
                 format_cell(r["cdna_change"]), format_cell(r["variant_class"]),
                 format_cell(r["vaf"]), format_cell(r["assay"]))
                for _, r in variants.iterrows()
            ),
            align=("left", "left", "left", "left", "right", "left"),
            caption="Small variants",
        ))
    else:
        out.append(Paragraph(
            ("Small variants: none detected."
             + _untested_note(cohort, Capability.MUTATION, sample_id)) if mutation_tested
            else "Small variants: not tested (no successful mutation-capable assay).", "body"))
    return out


class _GenomePlotter:
    """Draws one sample's segments; the axes are rendered once and reused for every page.

    Drawing the axes, ticks and labels is most of the cost of a figure, and it is the
    same on every page, so the static part is rendered once at print resolution and
    each sample's segments are drawn over a copy of it (matplotlib's blitting).
    """

    def __init__(self, assembly: str):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import LineCollection
        from matplotlib.figure import Figure as MplFigure

        from imft_desktop.analysis.cytobands import CHROMOSOMES, arm_bounds, genome_offsets

        self.chroms = [c for c in CHROMOSOMES if c not in ("X", "Y")]
        bounds = arm_bounds(assembly)
        self.offsets = genome_offsets(assembly, tuple(self.chroms))
        self.lengths = bounds.loc[self.chroms, "length"]
        total = float(self.offsets.iloc[-1] + self.lengths.iloc[-1])
        self.fig = MplFigure(figsize=GENOME_PLOT_SIZE, dpi=PRINT_DPI, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_subplot()
        ax.set_xlim(0, total)
        ax.set_ylim(-LOG2_LIMIT, LOG2_LIMIT)
        ax.axhline(0, color="#bbbbbb", lw=0.5)
        for c in self.chroms[1:]:
            ax.axvline(float(self.offsets[c]), color="#dddddd", lw=0.5)
        mids = [float(self.offsets[c] + self.lengths[c] / 2) for c in self.chroms]
        ax.set_xticks(mids, self.chroms, fontsize=5.5)
        ax.tick_params(axis="x", length=0)
        ax.tick_params(axis="y", labelsize=6)
        ax.set_ylabel("log2 ratio", fontsize=6.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.canvas.draw()
        self.fig.set_layout_engine("none")  # keep the computed layout for every page
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.lines = LineCollection([], linewidths=1.6, animated=True)
        ax.add_collection(self.lines)
        self.ax = ax

    def png(self, segments: pd.DataFrame) -> bytes:
        """The sample's genome plot as PNG bytes at print resolution."""
        lines, colours = [], []
        for chrom, start, end, value in segments.loc[
            :, ["chrom", "start", "end", "log2_ratio"]
        ].itertuples(index=False, name=None):
            c = str(chrom).removeprefix("chr")
            if c not in self.offsets.index:
                continue
            try:
                y = max(-LOG2_LIMIT, min(LOG2_LIMIT, float(value)))
                x0 = float(self.offsets[c]) + float(start)
                x1 = float(self.offsets[c]) + float(end)
            except (TypeError, ValueError):
                continue
            lines.append([(x0, y), (x1, y)])
            colours.append(GAIN_COLOUR if y >= 0.2 else LOSS_COLOUR if y <= -0.2 else
                           NEUTRAL_COLOUR)
        self.lines.set_segments(lines)
        self.lines.set_color(colours or [NEUTRAL_COLOUR])
        self.canvas.restore_region(self.background)
        self.ax.draw_artist(self.lines)
        return _encode_png(self.canvas)


def _encode_png(canvas: Any) -> bytes:
    from PIL import Image  # matplotlib's own image dependency

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), compress_level=2)
    return buf.getvalue()


def _copy_number_sections(
    cohort: Cohort, sample_id: str, plotter: _GenomePlotter | None
) -> list[Section]:
    out: list[Section] = [Heading("Copy number", 3)]
    segments = _sample_rows(cohort.table("cn_segments"), sample_id)
    calls = _sample_rows(cohort.table("cn_calls"), sample_id)
    tested = sample_id in cohort.tested_for(Capability.COPY_NUMBER)
    if not segments.empty and plotter is not None:
        out.append(Figure(
            png=plotter.png(segments),
            width_in=GENOME_PLOT_SIZE[0],
            height_in=GENOME_PLOT_SIZE[1],
            caption=(f"Segment log2 ratios of {sample_id} ({cohort.assembly}); red gain "
                     f"(>= 0.2), blue loss (<= -0.2); values beyond +-{LOG2_LIMIT} drawn at "
                     "the limit; X and Y left out."),
            alt=f"Genome-wide copy-number segments of sample {sample_id}",
        ))
    if not calls.empty:
        by_event: dict[str, list[str]] = {}
        for region, event in calls.loc[:, ["region", "event"]].itertuples(index=False):
            name = format_cell(event)
            if name == "neutral":
                name = "no change (assessed)"
            by_event.setdefault(name, []).append(format_cell(region))
        # Alterations first; the assessed-but-unchanged regions last.
        by_event = dict(sorted(by_event.items(), key=lambda kv: kv[0].startswith("no change")))
        out.append(Table(
            header=(("Event", "Regions"),),
            rows=tuple((event, ", ".join(regions)) for event, regions in by_event.items()),
            align=("left", "left"),
            caption="Copy-number calls (as given)",
        ))
    if segments.empty and calls.empty:
        out.append(Paragraph(
            "No copy-number alteration reported." if tested else "Copy number: not tested.",
            "body",
        ))
    return out


def _event(value: Any) -> int | None:
    """An event indicator (1/0, "1", True) as 1 or 0; None when missing or unclear."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number in (0.0, 1.0) else None


def _time(cohort: Cohort, rec: pd.Series, field: str) -> tuple[str, str]:
    """A stored time (months) as text in the sheet's unit, and the unit."""
    value = rec.get(field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return format_cell(value, 1), "months"
    shown, unit = in_sheet_unit(number, cohort.study, field)
    return format_cell(shown, 1), unit


def _outcome_section(cohort: Cohort, patient_id: str | None) -> list[Section]:
    out: list[Section] = [Heading("Response and progression-free survival", 3)]
    outcomes = cohort.table("outcomes")
    rec = None
    if patient_id is not None and not outcomes.empty:
        match = outcomes.loc[outcomes["patient_id"].astype(str) == str(patient_id)]
        rec = match.iloc[0] if not match.empty else None
    if rec is None:
        out.append(Paragraph("No outcome recorded for this patient.", "body"))
        return out
    response = rec.get("best_response")
    try:
        response_text = f"{Recist(str(response)).value} ({Recist(str(response)).label})"
    except ValueError:
        response_text = format_cell(response)
    pfs_event = _event(rec.get("pfs_event"))
    event_text = {1: "progressed or died", 0: "censored", None: "–"}[pfs_event]
    # times in the unit the sheet wrote them ("365 days", not "12.0 months")
    pfs, pfs_unit = _time(cohort, rec, "pfs_months")
    os_event = _event(rec.get("os_event"))
    os_text, os_unit = _time(cohort, rec, "os_months")
    if os_text != "–" and os_event is not None:
        os_text += f" {os_unit} (" + ("died" if os_event == 1 else "censored") + ")"
    tot, tot_unit = _time(cohort, rec, "time_on_treatment_months")
    items = [
        ("Treatment", format_cell(rec.get("treatment"))),
        ("Best response", response_text),
        ("Best change", _value(rec, "best_percent_change", "%")),
        ("PFS", f"{pfs} {pfs_unit} ({event_text})" if pfs != "–" else "–"),
        ("Overall survival", os_text),
        ("On treatment", f"{tot} {tot_unit}" if tot != "–" else "–"),
    ]
    out.append(KeyValues(tuple(items), columns=2))
    return out


def case_sections(
    cohort: Cohort, sample_id: str, plotter: _GenomePlotter | None = None
) -> list[Section]:
    """The sections of one sample's sheet (without the page break)."""
    samples = cohort.samples
    rec = samples.loc[samples["sample_id"].astype(str) == sample_id]
    if rec.empty:
        raise KeyError(f"sample {sample_id!r} is not in the cohort")
    row = rec.iloc[0]
    patient = row.get("patient_id")
    facts = [
        ("Patient", format_cell(patient)),
        ("Diagnosis", format_cell(row.get("diagnosis"))),
        ("Site", format_cell(row.get("site"))),
        ("Specimen", format_cell(row.get("specimen"))),
        ("Age at diagnosis", format_cell(row.get("age"), 0)),
        ("Sex", format_cell(row.get("sex"))),
        ("Tumour cells", _value(row, "tumour_cells", "%")),
    ]
    comment = row.get("comment")
    if isinstance(comment, str) and comment.strip():
        facts.append(("Comment", comment))
    sections: list[Section] = [Heading(f"Case {sample_id}", 1),
                               KeyValues(tuple(facts), columns=2)]
    sections += _outcome_section(cohort, None if patient is None else str(patient))
    sections += [_ihc_table(cohort, sample_id), _fish_table(cohort, sample_id)]
    sections += _sequencing_sections(cohort, sample_id)
    sections += _copy_number_sections(cohort, sample_id, plotter)
    return sections


def build_case_sheets(
    cohort: Cohort,
    sample_ids: Sequence[str] | Iterable[str] | None = None,
    *,
    provenance: Provenance | None = None,
    deidentified: bool = False,
) -> Report:
    """One page per sample (all samples, or ``sample_ids`` in the order given).

    Pass a de-identified cohort (``reports.deidentify``) with ``deidentified=True`` for
    de-identified sheets.
    """
    ids = list(sample_ids) if sample_ids is not None else cohort.sample_ids
    unknown = [s for s in ids if s not in set(cohort.sample_ids)]
    if unknown:
        raise KeyError(f"not in the cohort: {', '.join(unknown[:5])}")
    report = Report(
        title=f"Case sheets – {cohort.name or 'cohort'}",
        provenance=provenance or Provenance.from_cohort(cohort, deidentified=deidentified),
        synthetic=cohort.is_synthetic,
        deidentified=deidentified,
    )
    plotter = _GenomePlotter(cohort.assembly) if not cohort.table("cn_segments").empty else None
    for i, sid in enumerate(ids):
        if i:
            report.add(PageBreak())
        if cohort.is_synthetic:
            report.add(Paragraph("SYNTHETIC DATA – not from patients", "banner"))
        report.add(case_sections(cohort, sid, plotter))
    return report
