"""The 24-sample synthetic demo cohort: its truth table and how its tables are drawn.

See the package docstring (``imft_desktop.synthetic``) for the design.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.model.cohort import Cohort
from imft_desktop.model.schema import TABLES
from imft_desktop.model.vocab import SequencingAssay
from imft_desktop.synthetic.genome import (
    ARMS,
    AUTOSOMAL_ARMS,
    BIN_SIZE,
    FOCAL_LOCI,
    GENE_SPANS,
    HG38_CHROMOSOMES,
    PRIVATE_BANDS,
    VARIANTS_KNOWN,
    _arm_of,
    _arms,
    _CopyNumberPlan,
    _Focal,
)

DEMO_SEED = 90101  # EORTC 90101 CREATE
DEMO_STUDY_NAME = "Synthetic IMFT demo cohort (not patient data)"
DEMO_WORKBOOK = "demo_cohort_synthetic.xlsx"
DEMO_CASE_SHEET = "demo_case_sheet_synthetic.xlsx"
#: Fixed document dates so that regenerated files are byte-identical.
FIXED_DOC_DATE = datetime(2024, 1, 1, 0, 0, 0)
FISH_THRESHOLD = 15


#: Published figures the demo must reproduce (numerator, denominator).
DEMO_TARGETS: dict[str, tuple[int, int]] = {
    "ALK IHC ALK1 positive": (14, 24),
    "ALK IHC D5F3 positive": (11, 21),
    "ALK FISH positive": (13, 23),
    "ALK fusion": (12, 24),
    "RNA fusion panel positive": (13, 20),
    "WGS done": (22, 24),
    "22q loss": (14, 24),
    "monosomy 19": (5, 24),
    "PIK3CA mutated": (2, 22),
    "CDKN2A deep deletion": (4, 24),
    "ALK fusion ORR": (8, 12),
}


class DemoTargetError(AssertionError):
    """The generated demo cohort does not reproduce a published figure."""


# --------------------------------------------------------------------------- truth table
@dataclass(frozen=True, slots=True)
class _Case:
    """What is true of one demo sample; numbers are drawn later.

    ``alk1``/``d5f3``/``fish`` hold "pos", "neg", "weak" (ALK1 focal weak positive),
    "nd" (a 'not done' row), "" (no row), "ne" (not evaluable).  ``wgs`` is "done",
    "failed" or "not done"; ``fusion_by`` says which assays found the fusion.
    """

    sid: str
    fusion: str  # "" when none; HGNC notation otherwise
    alk1: str
    d5f3: str
    fish: str
    wgs: str
    rna: bool
    fusion_by: str  # "both", "rna", "wgs" or ""
    response: str
    mono19: bool = False
    loss22q: bool = False
    cdkn2a: bool = False
    variants: tuple[str, ...] = ()
    new_lesions: bool = False  # PD by new lesions although target lesions grew < 20 %
    comment: str = ""

    @property
    def responder(self) -> bool:
        return self.response in ("CR", "PR")

    @property
    def snp_array(self) -> bool:
        return self.wgs != "done"


_C = _Case
DEMO_CASES: tuple[_Case, ...] = (
    _C("SYN-01", "TPM3::ALK", "pos", "pos", "pos", "done", True, "both", "CR"),
    _C("SYN-02", "", "neg", "neg", "neg", "done", True, "", "SD"),
    _C("SYN-03", "CLTC::ALK", "pos", "pos", "pos", "done", True, "both", "SD",
       loss22q=True, variants=("PIK3CA E545K",)),
    _C("SYN-04", "TPM3::ALK", "pos", "pos", "pos", "done", True, "both", "PR", loss22q=True),
    _C("SYN-05", "", "neg", "neg", "neg", "done", False, "", "PD", mono19=True,
       loss22q=True, cdkn2a=True, variants=("TP53 R273H",)),
    _C("SYN-06", "RANBP2::ALK", "pos", "pos", "pos", "done", True, "both", "PD",
       mono19=True, loss22q=True, cdkn2a=True),
    _C("SYN-07", "ETV6::NTRK3", "neg", "neg", "neg", "done", True, "both", "PR",
       loss22q=True, comment="ALK-negative responder; pan-TRK IHC positive"),
    _C("SYN-08", "TPM4::ALK", "pos", "pos", "pos", "done", True, "both", "PR"),
    _C("SYN-09", "", "pos", "pos", "pos", "done", False, "", "PR",
       comment="ALK IHC and FISH positive, no fusion found by WGS; RNA not available"),
    _C("SYN-10", "ATIC::ALK", "pos", "pos", "pos", "done", True, "both", "CR"),
    _C("SYN-11", "", "neg", "neg", "neg", "done", False, "", "SD", mono19=True,
       loss22q=True, variants=("TP53 R175H",)),
    _C("SYN-12", "CARS1::ALK", "pos", "pos", "pos", "done", True, "both", "PR",
       mono19=True, loss22q=True),
    _C("SYN-13", "", "pos", "", "pos", "done", True, "", "SD", loss22q=True,
       comment="ALK IHC and FISH positive, fusion not found by WGS or RNA panel"),
    _C("SYN-14", "SEC31A::ALK", "pos", "pos", "pos", "done", True, "both", "PR"),
    _C("SYN-15", "", "neg", "neg", "neg", "done", True, "", "PD", cdkn2a=True,
       variants=("NF1 R1362*",), new_lesions=True,
       comment="Progression by new lesions; target lesions +8%"),
    _C("SYN-16", "PPFIBP1::ALK", "pos", "pos", "pos", "done", True, "both", "PD",
       mono19=True, loss22q=True, variants=("PIK3CA H1047R",)),
    _C("SYN-17", "", "weak", "neg", "neg", "done", True, "", "PD", loss22q=True,
       variants=("CDKN2A R80*",), comment="Weak focal ALK1 staining, D5F3 and FISH negative"),
    _C("SYN-18", "DCTN1::ALK", "pos", "nd", "pos", "done", True, "both", "SD",
       loss22q=True),
    _C("SYN-19", "", "neg", "neg", "neg", "done", True, "", "SD", loss22q=True,
       variants=("KRAS G12D",)),
    _C("SYN-20", "EML4::ALK", "pos", "", "pos", "done", True, "rna", "PR", loss22q=True,
       comment="Fusion missed by WGS (breakpoint in a repeat), found by RNA panel"),
    _C("SYN-21", "", "neg", "neg", "neg", "done", False, "", "PD", cdkn2a=True,
       variants=("PTEN R130Q",)),
    _C("SYN-22", "FN1::ALK", "neg", "pos", "neg", "failed", True, "rna", "PR", loss22q=True,
       comment="WGS failed (DNA quality); cryptic ALK fusion: ALK1 and FISH negative"),
    _C("SYN-23", "", "neg", "neg", "neg", "not done", True, "", "SD",
       comment="No DNA left for WGS; copy number from SNP array"),
    _C("SYN-24", "", "neg", "neg", "ne", "done", True, "", "PD",
       comment="FISH not evaluable (too few nuclei)"),
)

_SITES = ("lung", "abdomen", "mesentery", "pelvis", "retroperitoneum", "bladder",
          "liver", "mediastinum", "soft tissue, thigh", "uterus", "head and neck", "omentum")
_IHC_PATTERNS = {"CLTC": "granular cytoplasmic", "RANBP2": "nuclear membrane"}


# --------------------------------------------------------------------------- demo build
@dataclass
class DemoCohort:
    """The generated demo: canonical tables plus the truth used to check them.

    Attributes
    ----------
    tables:
        Canonical table name -> DataFrame with exactly the schema's field names, in
        schema order; the values written to the workbook.
    burden:
        Sample -> number of copy-number-altered regions (as generated).
    readme:
        Lines of the README sheet.
    seed:
        Seed the numbers were drawn with.
    """

    tables: dict[str, pd.DataFrame]
    burden: dict[str, int]
    readme: list[str]
    seed: int

    def cohort(self) -> Cohort:
        """The demo as a model ``Cohort`` (denominators by the real model rules)."""
        return Cohort.from_tables({k: v.copy() for k, v in self.tables.items()})


def _r(x: float, nd: int = 1) -> float:
    return float(round(float(x), nd))


def build_demo_cohort(seed: int = DEMO_SEED) -> DemoCohort:
    """Generate the 24-sample synthetic demo cohort (deterministic for a given seed).

    Parameters
    ----------
    seed:
        Seed of the ``numpy`` generator drawing every number.  Only ``DEMO_SEED`` is
        guaranteed to meet ``DEMO_TARGETS``; call ``check_demo_targets`` for others.

    Returns
    -------
    DemoCohort
    """
    rng = np.random.default_rng(seed)
    cases = DEMO_CASES
    purity = {c.sid: int(rng.integers(50, 71)) for c in cases}
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}

    rows["study"] = [
        {"key": "study_name", "value": DEMO_STUDY_NAME},
        {"key": "synthetic", "value": "yes"},
        {"key": "assembly", "value": "hg38"},
        {"key": "fish_threshold", "value": str(FISH_THRESHOLD)},
        {"key": "time_unit", "value": "months"},
        {"key": "treatment", "value": "crizotinib"},
        {"key": "description", "value": (
            "Synthetic data shaped after the EORTC 90101 CREATE translational study "
            "(Wozniak et al., Clin Cancer Res 2022). Not patient data.")},
        {"key": "copy_number_design", "value": (
            "WGS segments for the 22 WGS samples; SNP-array calls (CN_Calls) for SYN-22 "
            "(WGS failed) and SYN-23 (WGS not done): copy number tested 24/24, "
            "mutations 22/24.")},
        {"key": "generator", "value": f"imft_desktop.synthetic seed {seed}"},
    ]

    for i, c in enumerate(cases, start=1):
        sex = "female" if rng.random() < 0.5 else "male"
        rows["samples"].append({
            "sample_id": c.sid,
            "patient_id": f"SYN-P{i:02d}",
            "diagnosis": "IMFT" if c.fusion != "RANBP2::ALK" else "IMFT (epithelioid)",
            "site": _SITES[int(rng.integers(0, len(_SITES)))],
            "specimen": "resection" if rng.random() < 0.6 else "core biopsy",
            "age": int(rng.integers(18, 73)),
            "sex": sex,
            "tumour_cells": min(95, purity[c.sid] + int(rng.integers(5, 20))),
            "comment": ("Synthetic case. " + c.comment).strip(),
        })
        _demo_ihc(rows["ihc"], c, rng)
        _demo_fish(rows["fish"], c, rng)
        _demo_sequencing(rows, c, purity[c.sid], rng)

    plans = _demo_copy_number_plans(cases, purity, rng)
    for c in cases:
        plan = plans[c.sid]
        if c.wgs == "done":
            rows["cn_segments"].extend(_segments_for(c.sid, plan, purity[c.sid], rng))
        else:
            rows["cn_calls"].extend(_calls_for(c.sid, plan))
    rows["outcomes"] = _demo_outcomes(cases, rng)

    tables = {}
    for spec in TABLES:
        df = pd.DataFrame(rows[spec.name], columns=list(spec.field_names))
        tables[spec.name] = df.astype(object).where(df.notna(), None)
    demo = DemoCohort(
        tables=tables,
        burden={sid: p.burden for sid, p in plans.items()},
        readme=_demo_readme(seed),
        seed=seed,
    )
    return demo


def _demo_ihc(out: list[dict[str, Any]], c: _Case, rng: np.random.Generator) -> None:
    partner = c.fusion.split("::")[0] if c.fusion.endswith("::ALK") else ""
    pattern = _IHC_PATTERNS.get(partner, "diffuse cytoplasmic")
    for clone, state in (("ALK1", c.alk1), ("D5F3", c.d5f3)):
        if state == "":
            continue  # never tested with this clone: no row at all
        row: dict[str, Any] = {"sample_id": c.sid, "marker": "ALK", "clone": clone}
        if state == "nd":
            row["call"] = "not done"
        elif state == "pos":
            pct = int(rng.integers(6, 21)) * 5  # 30-100 %
            intensity = int(rng.integers(2, 4)) if clone == "ALK1" else 3
            row |= {"percent_positive": pct, "intensity": f"{intensity}+",
                    "h_score": pct * intensity, "pattern": pattern, "call": "positive"}
        elif state == "weak":
            row |= {"percent_positive": 10, "intensity": "1+", "h_score": 10,
                    "pattern": "focal cytoplasmic", "call": "positive"}
        else:
            row |= {"percent_positive": 0, "intensity": "0", "h_score": 0,
                    "call": "negative"}
        out.append(row)
    # ROS1 (D4D6) on the ALK1-negative samples and a few others: never expressed.
    if c.alk1 != "pos" or c.sid in ("SYN-01", "SYN-10", "SYN-14"):
        out.append({"sample_id": c.sid, "marker": "ROS1", "clone": "D4D6",
                    "percent_positive": 0, "intensity": "0", "h_score": 0,
                    "call": "negative"})
    # pan-TRK on the ALK-negative samples: only the ETV6::NTRK3 case stains (nuclear).
    if c.alk1 == "neg" and not c.fusion.endswith("::ALK"):
        if c.fusion == "ETV6::NTRK3":
            out.append({"sample_id": c.sid, "marker": "pan-TRK", "clone": "EPR17341",
                        "percent_positive": 70, "intensity": "2+", "h_score": 140,
                        "pattern": "nuclear and cytoplasmic", "call": "positive"})
        else:
            out.append({"sample_id": c.sid, "marker": "pan-TRK", "clone": "EPR17341",
                        "percent_positive": 0, "intensity": "0", "h_score": 0,
                        "call": "negative"})


def _demo_fish(out: list[dict[str, Any]], c: _Case, rng: np.random.Generator) -> None:
    if c.fish == "ne":
        out.append({"sample_id": c.sid, "probe": "ALK", "nuclei_scored": 18,
                    "percent_split": None, "threshold": FISH_THRESHOLD,
                    "call": "not evaluable"})
        return
    nuclei = 100 if rng.random() < 0.7 else 50
    if c.fish == "pos":
        split = int(rng.integers(24, 86))
    elif c.sid == "SYN-22":
        split = 12  # cryptic rearrangement: just under the threshold
    else:
        split = int(rng.integers(0, 9))
    split = int(round(split * nuclei / 100) * 100 / nuclei)  # a whole number of nuclei
    out.append({"sample_id": c.sid, "probe": "ALK", "nuclei_scored": nuclei,
                "percent_split": split, "threshold": FISH_THRESHOLD,
                "call": "positive" if split >= FISH_THRESHOLD else "negative"})
    if c.fish != "pos":  # ALK-FISH-negative cases were also screened for ROS1
        ros1 = int(rng.integers(0, 6)) * 2
        out.append({"sample_id": c.sid, "probe": "ROS1", "nuclei_scored": 50,
                    "percent_split": ros1, "threshold": FISH_THRESHOLD, "call": "negative"})
    if c.fusion == "ETV6::NTRK3":
        out.append({"sample_id": c.sid, "probe": "ETV6", "nuclei_scored": 100,
                    "percent_split": 48, "threshold": FISH_THRESHOLD, "call": "positive"})


def _breakpoint(gene: str, rng: np.random.Generator) -> str:
    chrom, start, end = GENE_SPANS[gene]
    return f"chr{chrom}:{int(rng.integers(start, end))}"


def _demo_sequencing(
    rows: dict[str, list[dict[str, Any]]], c: _Case, purity: int, rng: np.random.Generator
) -> None:
    seq = rows["sequencing"]
    seq.append({"sample_id": c.sid, "assay": "WGS", "status": c.wgs,
                "assembly": "hg38" if c.wgs == "done" else None,
                "purity": purity if c.wgs == "done" else None})
    if c.rna:
        seq.append({"sample_id": c.sid, "assay": "RNA fusion panel", "status": "done",
                    "assembly": None, "purity": None})
    if c.snp_array:
        seq.append({"sample_id": c.sid, "assay": str(SequencingAssay.SNP_ARRAY),
                    "status": "done", "assembly": "hg38", "purity": None})
    if c.fusion:
        five, three = c.fusion.split("::")
        # One row per fusion (the table's key); ``assay`` names WGS when WGS resolved the
        # genomic breakpoints, else the RNA panel that found it.
        by_wgs = c.fusion_by in ("both", "wgs")
        rows["fusions"].append({
            "sample_id": c.sid, "fusion": c.fusion,
            "assay": "WGS" if by_wgs else "RNA fusion panel",
            "breakpoint_5": _breakpoint(five, rng), "breakpoint_3": _breakpoint(three, rng),
            "frame": "in-frame",
            "supporting_reads": int(rng.integers(8, 60) if by_wgs else rng.integers(40, 400)),
        })
    for key in c.variants:
        gene, protein, cdna, klass = VARIANTS_KNOWN[key]
        vaf = _r(min(0.95, max(0.05, purity / 200 + rng.normal(0, 0.05))), 2)
        rows["variants"].append({"sample_id": c.sid, "gene": gene, "protein_change": protein,
                                 "cdna_change": cdna, "variant_class": klass, "vaf": vaf,
                                 "assay": "WGS"})


def _demo_copy_number_plans(
    cases: Sequence[_Case], purity: dict[str, int], rng: np.random.Generator
) -> dict[str, _CopyNumberPlan]:
    """Arm, whole-chromosome and focal events of every sample (the copy-number truth)."""
    plans: dict[str, _CopyNumberPlan] = {}
    focal_budget: dict[str, int] = {}
    for c in cases:
        plan = _CopyNumberPlan()
        if c.mono19:
            plan.whole["19"] = "loss"
        if c.loss22q:
            plan.arm_events["22q"] = "loss"
        burden = int(np.clip(round(rng.normal(12, 2.5) if c.responder else
                                   rng.normal(30, 4)), 6 if c.responder else 22,
                             17 if c.responder else 38))
        n_arm = int(rng.integers(2, 5) if c.responder else rng.integers(7, 12))
        if c.snp_array:  # array reports: more broad calls, few named focal bands
            n_arm += 2 if c.responder else 8
        if not c.responder and rng.random() < 0.5:  # whole-chromosome gain, e.g. +7
            chrom = str(rng.choice(["5", "7", "12", "20"]))
            if chrom not in plan.whole:
                plan.whole[chrom] = "gain"
        locked = {"9p"} if c.cdkn2a else set()
        while len(plan.arm_events) + len(plan.whole) < n_arm:
            arm = str(rng.choice(AUTOSOMAL_ARMS))
            chrom = ARMS[arm][0]
            if arm in plan.altered_arms() or arm in locked or chrom in plan.whole:
                continue
            # never both arms of one chromosome: that would be a whole-chromosome event
            if any(ARMS[a][0] == chrom for a in plan.arm_events):
                continue
            plan.arm_events[arm] = "loss" if rng.random() < 0.6 else "gain"
        focal_budget[c.sid] = burden - plan.burden
        plans[c.sid] = plan

    occupied: dict[str, list[tuple[int, int]]] = {ch: [] for ch in HG38_CHROMOSOMES}
    for _band, chrom, start, end in PRIVATE_BANDS:
        occupied[chrom].append((start, end))
    for _gene, chrom, centre, _band, _event in FOCAL_LOCI:
        occupied[chrom].append((centre - 3_500_000, centre + 3_500_000))

    # Recurrent loci: CDKN2A where the truth table says so; the others in 2-5 samples,
    # non-responders twice as likely (they carry more focal events).
    wgs_ids = [c.sid for c in cases if c.wgs == "done"]
    for gene, chrom, centre, _band, event in FOCAL_LOCI:
        arm = _arm_of(chrom, centre)
        if gene == "CDKN2A":
            chosen = [c.sid for c in cases if c.cdkn2a]
        else:
            k = int(rng.integers(2, 6))
            pool = [s for s in cases if arm not in plans[s.sid].altered_arms()
                    and focal_budget[s.sid] > 0]
            weights = np.array([2.0 if not s.responder else 1.0 for s in pool])
            weights *= np.array([1.0 if s.sid in wgs_ids else 0.4 for s in pool])
            idx = rng.choice(len(pool), size=min(k, len(pool)), replace=False,
                             p=weights / weights.sum())
            chosen = [pool[int(j)].sid for j in sorted(idx)]
            if sum(s in wgs_ids for s in chosen) < 2:  # recurrent in the segments too
                extra = [s.sid for s in pool if s.sid in wgs_ids and s.sid not in chosen]
                chosen += extra[: 2 - sum(s in wgs_ids for s in chosen)]
        for sid in chosen:
            half = int(rng.integers(300_000, 1_500_000))
            jitter = int(rng.integers(-200_000, 200_000))
            start, end = centre + jitter - half, centre + jitter + half
            _, a_start, a_end = ARMS[arm]
            start, end = max(start, a_start + 200_000), min(end, a_end - 200_000)
            plans[sid].focal.append(
                _Focal(chrom, start, end, event,
                       _focal_log2(event, purity[sid], rng), locus=gene))
            focal_budget[sid] -= 1

    # SNP-array samples: the rest of their focal budget is reported by cytoband, each
    # band used once in the cohort (so it never becomes a recurrent locus).
    unused = list(PRIVATE_BANDS)
    for c in cases:
        if c.wgs == "done":
            continue
        plan = plans[c.sid]
        for band_row in list(unused):
            band, chrom, start, end = band_row
            if focal_budget[c.sid] <= 0:
                break
            if _arm_of(chrom, (start + end) // 2) in plan.altered_arms():
                continue
            event = "loss" if rng.random() < 0.55 else "gain"
            plan.focal.append(_Focal(chrom, start, end, event, 0.0, locus=band))
            focal_budget[c.sid] -= 1
            unused.remove(band_row)
        focal_budget[c.sid] = 0  # a shortfall only lowers this sample's burden

    # Private (non-recurrent) focal events for WGS samples, kept apart from each other.
    for c in cases:
        if c.wgs != "done":
            continue
        plan = plans[c.sid]
        free_arms = [a for a in AUTOSOMAL_ARMS if a not in plan.altered_arms()
                     and not (c.cdkn2a and a == "9p")]
        lengths = np.array([ARMS[a][2] - ARMS[a][1] for a in free_arms], dtype=float)
        tries = 0
        while focal_budget[c.sid] > 0:
            tries += 1
            if tries > 10_000:
                raise DemoTargetError(f"cannot place focal events for {c.sid}")
            arm = free_arms[int(rng.choice(len(free_arms), p=lengths / lengths.sum()))]
            chrom, a_start, a_end = ARMS[arm]
            size = int(math.exp(rng.uniform(math.log(500_000), math.log(3_000_000))))
            if a_end - a_start < size + 4_000_000:
                continue
            start = int(rng.integers(a_start + 1_000_000, a_end - 1_000_000 - size))
            end = start + size
            if any(s - 1_000_000 < end and start < e + 1_000_000 for s, e in occupied[chrom]):
                continue
            occupied[chrom].append((start, end))
            u = rng.random()
            event = "amplification" if u < 0.05 else "loss" if u < 0.55 else "gain"
            plan.focal.append(_Focal(chrom, start, end, event,
                                     _focal_log2(event, purity[c.sid], rng)))
            focal_budget[c.sid] -= 1
    return plans


def _focal_log2(event: str, purity: int, rng: np.random.Generator) -> float:
    p = purity / 100
    if event == "deep deletion":
        return _r(math.log2(max(1 - p, 0.05)) + rng.normal(0, 0.1), 3)
    if event == "amplification":
        return _r(rng.uniform(1.3, 2.4), 3)
    if event == "loss":
        return _r(rng.uniform(-0.9, -0.55), 3)
    return _r(rng.uniform(0.5, 0.9), 3)


def _arm_log2(event: str | None, purity: int, rng: np.random.Generator) -> float:
    """Segment mean for an arm: single-copy change diluted by normal cells."""
    p = purity / 100
    if event == "loss":
        return _r(math.log2(1 - p / 2) + rng.normal(0, 0.03), 4)
    if event == "gain":
        return _r(math.log2(1 + p / 2) + rng.normal(0, 0.03), 4)
    return _r(np.clip(rng.normal(0, 0.05), -0.14, 0.14), 4)


def _segments_for(
    sid: str, plan: _CopyNumberPlan, purity: int, rng: np.random.Generator
) -> list[dict[str, Any]]:
    """SEG rows covering every segmentable arm, split around the focal events."""
    out = []
    for chrom in HG38_CHROMOSOMES:
        for arm, a_start, a_end in _arms(chrom):
            event = plan.whole.get(chrom) or plan.arm_events.get(arm)
            level = _arm_log2(event, purity, rng)
            focal = sorted((f for f in plan.focal if f.chrom == chrom
                            and a_start <= f.start <= a_end), key=lambda f: f.start)
            pieces: list[tuple[int, int, float]] = []
            pos = a_start
            for f in focal:
                pieces.append((pos, f.start - 1, level))
                pieces.append((f.start, f.end, f.log2))
                pos = f.end + 1
            if not focal and event is None and rng.random() < 0.12:
                # segmentation noise: a neutral arm cut in two at a random point
                cut = int(rng.integers(a_start + 5_000_000, max(a_end - 5_000_000,
                                                                a_start + 5_000_001)))
                pieces.append((pos, cut, level))
                pos = cut + 1
                level = _arm_log2(None, purity, rng)
            pieces.append((pos, a_end, level))
            for start, end, log2 in pieces:
                out.append({"sample_id": sid, "chrom": chrom, "start": start, "end": end,
                            "markers": max(1, (end - start + 1) // BIN_SIZE),
                            "log2_ratio": _r(log2, 4)})
    return out


def _calls_for(sid: str, plan: _CopyNumberPlan) -> list[dict[str, Any]]:
    """CN_Calls rows as a SNP-array report gives them: altered regions only."""
    out = [{"sample_id": sid, "region": chrom, "event": ev} for chrom, ev in plan.whole.items()]
    out += [{"sample_id": sid, "region": arm, "event": ev}
            for arm, ev in plan.arm_events.items()]
    for f in plan.focal:
        band = next((b for g, _, _, b, _ in FOCAL_LOCI if g == f.locus), f.locus)
        out.append({"sample_id": sid, "region": band, "event": f.event})
    return out


def _demo_outcomes(cases: Sequence[_Case], rng: np.random.Generator) -> list[dict[str, Any]]:
    """Crizotinib outcomes: RECIST-consistent % change, PFS, OS, time on treatment."""
    out = []
    for i, c in enumerate(cases, start=1):
        r = c.response
        if r == "CR":
            change, pfs, event = -100.0, rng.uniform(30, 48), int(rng.random() < 0.2)
        elif r == "PR":
            change, pfs, event = rng.uniform(-85, -32), rng.uniform(12, 40), \
                int(rng.random() < 0.55)
        elif r == "SD":
            change, pfs, event = rng.uniform(-25, 15), rng.uniform(4, 14), \
                int(rng.random() < 0.9)
        else:
            change, pfs, event = rng.uniform(22, 60), rng.uniform(1.3, 3.0), 1
        # The study's findings: monosomy 19 and PIK3CA go with shorter PFS (PD is
        # already at the first assessment, 6-12 weeks).
        if c.mono19 and r != "PD":
            pfs *= 0.35
        if any(v.startswith("PIK3CA") for v in c.variants) and r != "PD":
            pfs *= 0.6
        pfs = max(pfs, 1.3)
        if c.mono19 or r == "PD":
            event = 1
        if c.new_lesions:
            change = 8.0  # progression by new lesions, target lesions barely grew
        if event:
            os_months = pfs + rng.uniform(4, 36)
            os_event = int(rng.random() < 0.6)
            tot = pfs + (rng.uniform(0, 2) if r != "PD" else 0.0)
        else:
            os_months = pfs + rng.uniform(0, 1.5)
            os_event = 0
            tot = pfs
        out.append({
            "patient_id": f"SYN-P{i:02d}", "treatment": "crizotinib", "best_response": r,
            "best_percent_change": _r(change), "pfs_months": _r(pfs),
            "pfs_event": event, "os_months": _r(max(os_months, pfs)),
            "os_event": os_event, "time_on_treatment_months": _r(min(tot, os_months)),
        })
    return out


def _demo_readme(seed: int) -> list[str]:
    return [
        "SYNTHETIC DATA - NOT PATIENT DATA",
        "",
        "Synthetic IMFT demo cohort for IMFT Desktop: 24 samples of 24 patients treated "
        "with crizotinib.",
        "Every value was generated by imft_desktop.synthetic "
        f"(scripts/make_demo_cohort.py, seed {seed}).",
        "It is shaped after the translational study of the EORTC 90101 CREATE trial "
        "(Wozniak et al., Clin Cancer Res 2022) and reproduces its published figures:",
        "  12 ALK fusions with 11 partners; no ROS1 fusion or ROS1 IHC expression; "
        "ETV6::NTRK3 in an ALK-negative responder;",
        "  ALK IHC positive 14/24 (ALK1) and 11/21 (D5F3); ALK FISH positive 13/23 "
        f"(threshold {FISH_THRESHOLD}% split nuclei); RNA fusion panel positive 13/20;",
        "  22q loss 14/24; monosomy 19 5/24 (shorter PFS); PIK3CA mutated 2/22; "
        "27 recurrent focal copy-number loci;",
        "  responders have fewer copy-number-altered regions than non-responders "
        "(about 12 vs 30); ALK-fusion ORR 8/12.",
        "",
        "Assays and denominators:",
        "  WGS done on 22 (SYN-22 failed, SYN-23 not done); RNA fusion panel on 20.",
        "  SYN-22 and SYN-23 had a SNP array (copy number only), reported as calls in "
        "CN_Calls; all others have WGS segments in CN_Segments (hg38, log2 ratio).",
        "  So copy number is tested on 24/24, mutations on 22/24 (WGS only), fusions on "
        "24/24 (WGS or RNA panel).",
        "  Fusions: one row per fusion; 'assay' names WGS when WGS resolved the breakpoints "
        "(11), else the RNA panel (SYN-20 missed by WGS, SYN-22 WGS failed).",
        "  All 13 fusions were also detected by the RNA fusion panel.",
        "  'not done' rows and missing rows are both 'not tested' (never negative): "
        "D5F3 not done on SYN-18, no D5F3 row for SYN-13 and SYN-20;",
        "  ALK FISH not evaluable on SYN-24.",
        "Deliberate discordances, as in real series: SYN-22 (fusion, ALK1 and FISH negative, "
        "D5F3 positive), SYN-09 and SYN-13 (IHC and FISH positive, no fusion found), "
        "SYN-17 (weak ALK1 only).",
        "",
        "Copy-number burden = number of altered regions: arm gains/losses + whole-chromosome "
        "events (counted once) + focal events.",
    ]
