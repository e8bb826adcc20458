"""Synthetic cohorts: the 24-sample demo cohort and large cohorts for load testing.

Nothing here is patient data.  The demo cohort reproduces the published figures of
the translational study of the EORTC 90101 CREATE trial (Wozniak et al., Clin Cancer
Res 2022; see ``shared/domain.md``): 12 ALK fusions with 11 partners, ALK IHC positive
14/24 (clone ALK1) and 11/21 (D5F3), ALK FISH positive 13/23, WGS on 22, an RNA fusion
panel on 20, 22q loss 14/24, PIK3CA mutated 2/22, monosomy 19 with shorter PFS,
responders with fewer copy-number-altered regions (about 12 vs 30), ALK+ ORR 8/12.

Design: a hand-written *truth table* (one ``_Case`` per sample) fixes the qualitative
facts -- which sample carries which fusion, which assay was done, which call each assay
gives, the best response, monosomy 19, 22q loss, PIK3CA -- so that the published
counts hold by construction, including a few realistic discordances between IHC, FISH
and sequencing.  A seeded ``numpy`` generator then draws every number (IHC %, FISH %
split, purity, copy-number segments, focal events, survival times).  Before anything
is written, ``check_demo_targets`` recomputes every target from the generated tables
(denominators through ``model.cohort.Cohort``, copy-number calls from the segments by
an independent arm/focal caller) and raises ``DemoTargetError`` if one is off, so a
regression fails loudly instead of shipping a demo with wrong numbers.

Copy-number design (how the denominators stay honest): WGS failed on SYN-22 and was
not done on SYN-23; both had a SNP array (``SequencingAssay.SNP_ARRAY``: copy number
only), reported as arm/chromosome/cytoband calls in ``CN_Calls``.  Copy number is thus
tested on 24/24 (22q loss 14/24), mutations on the 22 WGS samples (PIK3CA 2/22),
fusions on 24/24 (WGS or RNA panel).

Workbooks are written with xlsxwriter, whose zip members carry a fixed 1980 time stamp;
with fixed document-property dates the demo files are byte-identical from run to run.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.model.cohort import Cohort
from imft_desktop.model.schema import TABLES, TABLES_BY_NAME
from imft_desktop.model.vocab import Capability, SequencingAssay

# --------------------------------------------------------------------------- constants
DEMO_SEED = 90101  # EORTC 90101 CREATE
DEMO_STUDY_NAME = "Synthetic IMFT demo cohort (not patient data)"
DEMO_WORKBOOK = "demo_cohort_synthetic.xlsx"
DEMO_CASE_SHEET = "demo_case_sheet_synthetic.xlsx"
#: Fixed document dates so that regenerated files are byte-identical.
FIXED_DOC_DATE = datetime(2024, 1, 1, 0, 0, 0)
FISH_THRESHOLD = 15
EXCEL_MAX_ROWS = 1_048_576

#: hg38 chromosome length, centromere start and end (acen bands, UCSC cytoBand).
#: Chromosome arms: p = [1, cen_start], q = [cen_end + 1, length].
HG38_CHROMOSOMES: dict[str, tuple[int, int, int]] = {
    "1": (248_956_422, 121_700_000, 125_100_000),
    "2": (242_193_529, 91_800_000, 96_000_000),
    "3": (198_295_559, 87_800_000, 94_000_000),
    "4": (190_214_555, 48_200_000, 51_800_000),
    "5": (181_538_259, 46_100_000, 51_400_000),
    "6": (170_805_979, 58_500_000, 62_600_000),
    "7": (159_345_973, 58_100_000, 62_100_000),
    "8": (145_138_636, 43_200_000, 47_200_000),
    "9": (138_394_717, 42_200_000, 45_500_000),
    "10": (133_797_422, 38_000_000, 41_600_000),
    "11": (135_086_622, 51_000_000, 55_800_000),
    "12": (133_275_309, 33_200_000, 37_800_000),
    "13": (114_364_328, 16_500_000, 18_900_000),
    "14": (107_043_718, 16_100_000, 18_200_000),
    "15": (101_991_189, 17_500_000, 20_500_000),
    "16": (90_338_345, 35_300_000, 38_400_000),
    "17": (83_257_441, 22_700_000, 27_400_000),
    "18": (80_373_285, 15_400_000, 21_500_000),
    "19": (58_617_616, 24_200_000, 28_100_000),
    "20": (64_444_167, 25_700_000, 30_400_000),
    "21": (46_709_983, 10_900_000, 13_000_000),
    "22": (50_818_468, 13_700_000, 17_400_000),
    "X": (156_040_895, 58_100_000, 63_800_000),
}
#: Chromosomes whose p arm holds no mappable sequence: only the q arm is segmented.
ACROCENTRIC = frozenset({"13", "14", "15", "21", "22"})
#: Sequencing does not read the first and last 10 kb (telomere N-gaps).
TELOMERE_GAP = 10_000
BIN_SIZE = 10_000  # read-depth bin: "markers" = bins per segment

#: Recurrent focal loci of the demo: (gene, chrom, centre bp hg38, cytoband, event).
#: 27 loci, as in the study; each is hit in 2-5 samples.
FOCAL_LOCI: tuple[tuple[str, str, int, str, str], ...] = (
    ("CDKN2A", "9", 21_980_000, "9p21.3", "deep deletion"),
    ("PTEN", "10", 87_900_000, "10q23.31", "loss"),
    ("RB1", "13", 48_390_000, "13q14.2", "loss"),
    ("NF1", "17", 31_230_000, "17q11.2", "loss"),
    ("TP53", "17", 7_675_000, "17p13.1", "loss"),
    ("LRP1B", "2", 141_200_000, "2q22.1", "loss"),
    ("WWOX", "16", 78_650_000, "16q23.1", "loss"),
    ("FHIT", "3", 60_500_000, "3p14.2", "loss"),
    ("PRKN", "6", 162_000_000, "6q26", "loss"),
    ("CSMD1", "8", 3_960_000, "8p23.2", "loss"),
    ("SMAD4", "18", 51_058_000, "18q21.2", "loss"),
    ("ARID1A", "1", 26_740_000, "1p36.11", "loss"),
    ("MACROD2", "20", 15_000_000, "20p12.1", "loss"),
    ("MDM2", "12", 68_830_000, "12q15", "amplification"),
    ("CDK4", "12", 57_750_000, "12q14.1", "amplification"),
    ("MYCN", "2", 15_944_000, "2p24.3", "amplification"),
    ("MYC", "8", 127_738_000, "8q24.21", "gain"),
    ("EGFR", "7", 55_100_000, "7p11.2", "gain"),
    ("MET", "7", 116_730_000, "7q31.2", "gain"),
    ("CCND1", "11", 69_648_000, "11q13.3", "gain"),
    ("YAP1", "11", 102_170_000, "11q22.1", "gain"),
    ("KIT", "4", 54_700_000, "4q12", "gain"),
    ("CDK6", "7", 92_720_000, "7q21.2", "gain"),
    ("TERT", "5", 1_274_000, "5p15.33", "gain"),
    ("KRAS", "12", 25_228_000, "12p12.1", "gain"),
    ("MCL1", "1", 150_577_000, "1q21.2", "gain"),
    ("FGFR1", "8", 38_440_000, "8p11.23", "gain"),
)
#: Cytobands (hg38 bounds) used for the non-recurrent focal calls of the two SNP-array
#: samples, which are reported by band; kept clear of every segment focal event.
PRIVATE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("4q28.3", "4", 130_100_000, 138_500_000),
    ("10p12.31", "10", 18_400_000, 22_300_000),
    ("3q13.31", "3", 113_700_000, 117_600_000),
    ("15q21.1", "15", 44_500_000, 49_200_000),
    ("20q13.2", "20", 51_200_000, 56_400_000),
    ("5q33.3", "5", 156_300_000, 160_500_000),
    ("8q22.3", "8", 100_500_000, 105_100_000),
    ("18q12.3", "18", 39_500_000, 45_900_000),
    ("14q24.3", "14", 73_300_000, 78_800_000),
    ("2q33.1", "2", 196_600_000, 202_500_000),
    ("12q22", "12", 92_200_000, 95_800_000),
    ("3q13.13", "3", 108_200_000, 111_600_000),
    ("21q21.2", "21", 22_600_000, 25_500_000),
    ("10q22.2", "10", 73_100_000, 75_900_000),
    ("16q12.2", "16", 52_600_000, 56_000_000),
    ("3q22.3", "3", 136_000_000, 139_000_000),
    ("4p16.3", "4", 10_001, 4_500_000),
    ("1p36.13", "1", 15_900_000, 20_100_000),
    ("2q12.1", "2", 102_100_000, 105_300_000),
    ("13q12.3", "13", 28_300_000, 31_600_000),
    ("21q22.2", "21", 38_300_000, 41_200_000),
)

#: Approximate hg38 gene spans used to place fusion breakpoints.
GENE_SPANS: dict[str, tuple[str, int, int]] = {
    "ALK": ("2", 29_223_600, 29_224_800),  # intron 19, where ALK fusions break
    "TPM3": ("1", 154_163_000, 154_172_000),
    "TPM4": ("19", 16_067_000, 16_103_000),
    "CLTC": ("17", 59_660_000, 59_690_000),
    "RANBP2": ("2", 108_760_000, 108_780_000),
    "ATIC": ("2", 215_330_000, 215_345_000),
    "CARS1": ("11", 3_000_000, 3_050_000),
    "SEC31A": ("4", 82_830_000, 82_880_000),
    "PPFIBP1": ("12", 27_600_000, 27_690_000),
    "DCTN1": ("2", 74_365_000, 74_385_000),
    "EML4": ("2", 42_260_000, 42_300_000),
    "FN1": ("2", 215_380_000, 215_430_000),
    "ETV6": ("12", 11_869_000, 11_880_000),  # intron 5
    "NTRK3": ("15", 87_940_000, 87_960_000),  # intron 14
    "TFG": ("3", 100_720_000, 100_730_000),
    "ROS1": ("6", 117_320_000, 117_325_000),
    "PDGFRB": ("5", 150_125_000, 150_130_000),
    "RET": ("10", 43_114_000, 43_116_000),
    "CCDC6": ("10", 59_800_000, 59_850_000),
    "YWHAE": ("17", 1_350_000, 1_360_000),
}

#: Small variants of the demo (gene, protein, cDNA, class).
VARIANTS_KNOWN: dict[str, tuple[str, str, str, str]] = {
    "PIK3CA H1047R": ("PIK3CA", "p.H1047R", "c.3140A>G", "Missense_Mutation"),
    "PIK3CA E545K": ("PIK3CA", "p.E545K", "c.1633G>A", "Missense_Mutation"),
    "TP53 R273H": ("TP53", "p.R273H", "c.818G>A", "Missense_Mutation"),
    "TP53 R175H": ("TP53", "p.R175H", "c.524G>A", "Missense_Mutation"),
    "NF1 R1362*": ("NF1", "p.R1362*", "c.4084C>T", "Nonsense_Mutation"),
    "CDKN2A R80*": ("CDKN2A", "p.R80*", "c.238C>T", "Nonsense_Mutation"),
    "KRAS G12D": ("KRAS", "p.G12D", "c.35G>A", "Missense_Mutation"),
    "PTEN R130Q": ("PTEN", "p.R130Q", "c.389G>A", "Missense_Mutation"),
}

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


# --------------------------------------------------------------------------- geometry
def _arms(chrom: str) -> list[tuple[str, int, int]]:
    """Segmentable arms of ``chrom`` as (arm name, start, end), 1-based inclusive."""
    length, cen_start, cen_end = HG38_CHROMOSOMES[chrom]
    arms = []
    if chrom not in ACROCENTRIC:
        arms.append((f"{chrom}p", TELOMERE_GAP + 1, cen_start))
    arms.append((f"{chrom}q", cen_end + 1, length - TELOMERE_GAP))
    return arms


ARMS: dict[str, tuple[str, int, int]] = {
    name: (chrom, start, end) for chrom in HG38_CHROMOSOMES for name, start, end in _arms(chrom)
}
AUTOSOMAL_ARMS = tuple(a for a in ARMS if not a.startswith("X"))


def _arm_of(chrom: str, pos: int) -> str:
    for name, start, end in _arms(chrom):
        if start <= pos <= end:
            return name
    raise ValueError(f"{chrom}:{pos} is not on a segmentable arm")


@dataclass(slots=True)
class _Focal:
    chrom: str
    start: int
    end: int
    event: str  # CnaEvent value
    log2: float
    locus: str = ""  # FOCAL_LOCI gene or PRIVATE_BANDS band, "" for private events


@dataclass(slots=True)
class _CopyNumberPlan:
    """Copy-number truth of one sample."""

    arm_events: dict[str, str] = field(default_factory=dict)  # arm -> "gain"/"loss"
    whole: dict[str, str] = field(default_factory=dict)  # chrom -> "gain"/"loss"
    focal: list[_Focal] = field(default_factory=list)

    def altered_arms(self) -> set[str]:
        arms = set(self.arm_events)
        for chrom in self.whole:
            arms.update(name for name, _, _ in _arms(chrom))
        return arms

    @property
    def burden(self) -> int:
        """Altered regions: arm events + whole-chromosome events (once each) + focal."""
        return len(self.arm_events) + len(self.whole) + len(self.focal)


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
        {"key": "generator", "value": f"imft_desktop.io.synthetic seed {seed}"},
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
        "Every value was generated by imft_desktop.io.synthetic "
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


# --------------------------------------------------------------------------- checks
def _logrank_p(times: Sequence[float], events: Sequence[int], group: Sequence[bool]) -> float:
    """Two-group log-rank p-value (chi-square, 1 df); used to check the demo only."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=int)
    g = np.asarray(group, dtype=bool)
    o_minus_e = 0.0
    var = 0.0
    for u in np.unique(t[e == 1]):
        at_risk = t >= u
        n = at_risk.sum()
        n1 = (at_risk & g).sum()
        d = ((t == u) & (e == 1)).sum()
        d1 = ((t == u) & (e == 1) & g).sum()
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    stat = o_minus_e**2 / var if var > 0 else 0.0
    return math.erfc(math.sqrt(stat / 2))


def _km_median(times: Sequence[float], events: Sequence[int]) -> float:
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=int)
    s = 1.0
    for u in np.unique(t[e == 1]):
        n = (t >= u).sum()
        d = ((t == u) & (e == 1)).sum()
        s *= 1 - d / n
        if s <= 0.5:
            return float(u)
    return math.inf


def call_copy_number(segments: pd.DataFrame) -> pd.DataFrame:
    """Call arm, whole-chromosome and focal events from SEG rows (checking aid).

    A simple, explicit caller used to verify the demo independently of its truth:
    arm level = length-weighted median of its segments; loss below -0.25, gain above
    0.2; a chromosome whose every arm is altered the same way is one whole-chromosome
    event; a segment shorter than half its arm that departs from the arm level by at
    least 0.3 is focal (amplification above +1.0, deep deletion below -1.0).

    Returns
    -------
    DataFrame
        ``sample_id, kind ("arm"/"chromosome"/"focal"), region, event, chrom, start,
        end``.
    """
    out: list[dict[str, Any]] = []
    sample_ids = segments["sample_id"].astype(str).to_numpy()
    chroms = segments["chrom"].astype(str).to_numpy()
    starts = segments["start"].to_numpy(dtype=np.int64)
    ends = segments["end"].to_numpy(dtype=np.int64)
    log2s = segments["log2_ratio"].to_numpy(dtype=float)
    for sid in dict.fromkeys(sample_ids.tolist()):  # first-seen order
        in_sample = sample_ids == sid
        for chrom in HG38_CHROMOSOMES:
            arm_calls: dict[str, str | None] = {}
            on_chrom = in_sample & (chroms == chrom)
            for arm, a_start, a_end in _arms(chrom):
                idx = np.flatnonzero(on_chrom & (starts >= a_start) & (ends <= a_end))
                if idx.size == 0:
                    continue
                lengths = (ends[idx] - starts[idx] + 1).astype(float)
                values = log2s[idx]
                order = np.argsort(values, kind="stable")
                cum = np.cumsum(lengths[order])
                level = float(values[order][np.searchsorted(cum, cum[-1] / 2)])
                arm_calls[arm] = "loss" if level < -0.25 else "gain" if level > 0.2 else None
                for k, length in zip(idx.tolist(), lengths.tolist()):
                    v = float(log2s[k])
                    delta = v - level
                    if length < (a_end - a_start) / 2 and abs(delta) >= 0.3:
                        ev = ("amplification" if v > 1.0 else "deep deletion" if v < -1.0
                              else "gain" if delta > 0 else "loss")
                        start, end = int(starts[k]), int(ends[k])
                        out.append({"sample_id": sid, "kind": "focal",
                                    "region": f"{chrom}:{start}-{end}", "event": ev,
                                    "chrom": chrom, "start": start, "end": end})
            calls = set(arm_calls.values())
            # Acrocentric chromosomes have one arm: their loss is "13q loss", "22q loss".
            if (len(arm_calls) == len(_arms(chrom)) > 1 and len(calls) == 1
                    and None not in calls):
                out.append({"sample_id": sid, "kind": "chromosome", "region": chrom,
                            "event": calls.pop(), "chrom": chrom, "start": None,
                            "end": None})
            else:
                for arm, arm_ev in arm_calls.items():
                    if arm_ev:
                        out.append({"sample_id": sid, "kind": "arm", "region": arm,
                                    "event": arm_ev, "chrom": chrom, "start": None,
                                    "end": None})
    cols = ["sample_id", "kind", "region", "event", "chrom", "start", "end"]
    return pd.DataFrame(out, columns=cols)


def _recurrent_loci(focal: pd.DataFrame) -> list[set[str]]:
    """Clusters of overlapping focal events (same direction) across samples."""
    clusters: list[tuple[str, int, int, int, set[str]]] = []
    for r in focal.sort_values(["chrom", "start"]).itertuples():
        direction = 1 if r.event in ("gain", "amplification") else -1
        for i, (ch, s, e, d, ids) in enumerate(clusters):
            if ch == r.chrom and d == direction and r.start <= e and s <= r.end:
                clusters[i] = (ch, min(s, r.start), max(e, r.end), d, ids | {r.sample_id})
                break
        else:
            clusters.append((r.chrom, r.start, r.end, direction, {r.sample_id}))
    return [ids for *_, ids in clusters if len(ids) >= 2]


def demo_figures(demo: DemoCohort) -> dict[str, Any]:
    """Recompute the published figures from the generated tables.

    Counts go through ``model.cohort.Cohort`` (its denominators), copy-number events
    through ``call_copy_number`` on the segments plus the given ``CN_Calls``.
    """
    t = demo.tables
    cohort = demo.cohort()
    ihc, fish, fus, var, out = t["ihc"], t["fish"], t["fusions"], t["variants"], t["outcomes"]

    def pos(df: pd.DataFrame, **match: str) -> set[str]:
        m = df["call"].eq("positive")
        for k, v in match.items():
            m &= df[k].eq(v)
        return set(df.loc[m, "sample_id"])

    alk_fus = fus.loc[fus["fusion"].str.endswith("::ALK")]
    calls = call_copy_number(t["cn_segments"])
    given = t["cn_calls"]
    cn_loss = lambda region: (  # noqa: E731
        set(calls.loc[(calls["region"] == region) & calls["event"].eq("loss"), "sample_id"])
        | set(given.loc[(given["region"] == region) & given["event"].eq("loss"), "sample_id"])
    )
    cdkn2a_segments = calls.loc[
        (calls["kind"] == "focal") & (calls["chrom"] == "9") & calls["event"].eq("deep deletion")
        & (calls["start"] <= 21_995_000) & (calls["end"] >= 21_967_000), "sample_id"]
    cdkn2a = set(cdkn2a_segments) | set(
        given.loc[(given["region"] == "9p21.3") & given["event"].eq("deep deletion"),
                  "sample_id"])
    burden = calls.groupby("sample_id").size().to_dict()
    for sid, grp in given.groupby("sample_id"):
        burden[sid] = burden.get(sid, 0) + len(grp)
    samples = t["samples"].set_index("patient_id")["sample_id"]
    outcome = out.assign(sample_id=out["patient_id"].map(samples)).set_index("sample_id")
    responders = set(outcome.index[outcome["best_response"].isin(["CR", "PR"])])
    ids = cohort.sample_ids
    mono19 = cn_loss("19")
    pik3ca = set(var.loc[var["gene"] == "PIK3CA", "sample_id"])
    alk_ids = set(alk_fus["sample_id"])
    pfs = outcome.loc[ids, "pfs_months"].astype(float).tolist()
    ev = outcome.loc[ids, "pfs_event"].astype(int).tolist()
    rna_tested = cohort.sequenced_by(SequencingAssay.RNA_FUSION_PANEL)
    return {
        "samples": cohort.n_samples,
        "patients": cohort.n_patients,
        "ALK IHC ALK1 positive": (len(pos(ihc, marker="ALK", clone="ALK1")),
                                  len(cohort.ihc_tested("ALK", "ALK1"))),
        "ALK IHC D5F3 positive": (len(pos(ihc, marker="ALK", clone="D5F3")),
                                  len(cohort.ihc_tested("ALK", "D5F3"))),
        "D5F3 not done rows": int(((ihc["clone"] == "D5F3") & ihc["call"].eq("not done")).sum()),
        "ROS1 IHC positive": len(pos(ihc, marker="ROS1")),
        "ALK FISH positive": (len(pos(fish, probe="ALK")), len(cohort.fish_tested("ALK"))),
        "ALK fusion": (len(alk_ids), len(cohort.tested_for(Capability.FUSION))),
        "ALK partners": sorted(f.split("::")[0] for f in alk_fus["fusion"]),
        "ROS1 fusion": int(fus["fusion"].str.contains("ROS1").sum()),
        "RNA fusion panel positive": (
            len(set(fus["sample_id"]) & rna_tested), len(rna_tested)),
        "WGS done": (len(cohort.sequenced_by(SequencingAssay.WGS)), cohort.n_samples),
        "WGS status": t["sequencing"].loc[t["sequencing"]["assay"] == "WGS", "status"]
        .value_counts().to_dict(),
        "22q loss": (len(cn_loss("22q")), len(cohort.tested_for(Capability.COPY_NUMBER))),
        "monosomy 19": (len(mono19), len(cohort.tested_for(Capability.COPY_NUMBER))),
        "PIK3CA mutated": (len(pik3ca), len(cohort.tested_for(Capability.MUTATION))),
        "CDKN2A deep deletion": (len(cdkn2a), len(cohort.tested_for(Capability.COPY_NUMBER))),
        "recurrent focal loci": len(_recurrent_loci(calls.loc[calls["kind"] == "focal"])),
        "ALK fusion ORR": (len(alk_ids & responders), len(alk_ids)),
        "NTRK3 sample responder": [
            s in responders and s not in alk_ids
            for s in fus.loc[fus["fusion"] == "ETV6::NTRK3", "sample_id"]],
        "burden responders": float(np.mean([burden.get(s, 0) for s in ids if s in responders])),
        "burden non-responders": float(
            np.mean([burden.get(s, 0) for s in ids if s not in responders])),
        "monosomy 19 logrank p": _logrank_p(pfs, ev, [s in mono19 for s in ids]),
        "PIK3CA median PFS": _km_median(
            [p for p, s in zip(pfs, ids) if s in pik3ca], [e for e, s in zip(ev, ids)
                                                             if s in pik3ca]),
        "wild-type median PFS": _km_median(
            [p for p, s in zip(pfs, ids) if s not in pik3ca],
            [e for e, s in zip(ev, ids) if s not in pik3ca]),
    }


def _recist_consistent(row: pd.Series, new_lesions: bool) -> bool:
    """RECIST 1.1: CR -100 %, PR <= -30 %, SD in between, PD >= +20 % or new lesions."""
    r, ch = row["best_response"], float(row["best_percent_change"])
    if r == "CR":
        return ch == -100
    if r == "PR":
        return -100 < ch <= -30
    if r == "SD":
        return -30 < ch < 20
    if r == "PD":
        return ch >= 20 or (new_lesions and ch > -30)
    return True


def check_demo_targets(demo: DemoCohort) -> dict[str, Any]:
    """Raise ``DemoTargetError`` unless the demo reproduces every published figure.

    Returns
    -------
    dict
        The figures (``demo_figures``), for logging.
    """
    f = demo_figures(demo)
    problems = []
    for key, want in DEMO_TARGETS.items():
        if f[key] != want:
            problems.append(f"{key}: {f[key]} != {want}")
    checks = {
        "24 samples and 24 patients": f["samples"] == 24 and f["patients"] == 24,
        "11 ALK partners, TPM3 twice": len(set(f["ALK partners"])) == 11
        and f["ALK partners"].count("TPM3") == 2,
        "a D5F3 'not done' row": f["D5F3 not done rows"] >= 1,
        "no ROS1 fusion or IHC": f["ROS1 fusion"] == 0 and f["ROS1 IHC positive"] == 0,
        "ETV6::NTRK3 in an ALK-negative responder": f["NTRK3 sample responder"] == [True],
        "WGS 1 failed, 1 not done": f["WGS status"] == {"done": 22, "failed": 1,
                                                        "not done": 1},
        "27 recurrent focal loci": f["recurrent focal loci"] == 27,
        "burden responders ~12": 10 <= f["burden responders"] <= 14,
        "burden non-responders ~30": 27 <= f["burden non-responders"] <= 33,
        "monosomy 19 log-rank p ~0.01": 0.002 <= f["monosomy 19 logrank p"] <= 0.03,
        "PIK3CA shorter PFS": f["PIK3CA median PFS"] < f["wild-type median PFS"] / 2,
    }
    problems += [name for name, ok in checks.items() if not ok]
    fish = demo.tables["fish"].dropna(subset=["percent_split"])
    bad_fish = fish.loc[(fish["percent_split"].astype(float) >= fish["threshold"].astype(float))
                        != fish["call"].eq("positive")]
    if not bad_fish.empty:
        problems.append(f"FISH calls disagree with % split: {list(bad_fish['sample_id'])}")
    out = demo.tables["outcomes"]
    new_lesions = {f"SYN-P{i:02d}" for i, c in enumerate(DEMO_CASES, start=1) if c.new_lesions}
    ok = [_recist_consistent(row, row["patient_id"] in new_lesions) for _, row in out.iterrows()]
    bad = out.loc[[not x for x in ok], "patient_id"].tolist()
    if bad:
        problems.append(f"% change inconsistent with RECIST: {bad}")
    if (out["os_months"].astype(float) < out["pfs_months"].astype(float)).any():
        problems.append("OS shorter than PFS")
    if problems:
        raise DemoTargetError("demo cohort misses its targets: " + "; ".join(problems))
    return f


# --------------------------------------------------------------------------- writing
def _set_properties(workbook: Any, title: str) -> None:
    workbook.set_properties({
        "title": title,
        "subject": "Synthetic data, not patient data",
        "author": "IMFT Desktop synthetic generator",
        "comments": "Generated by imft_desktop.io.synthetic",
        "created": FIXED_DOC_DATE,
    })
    workbook.set_calc_mode("auto")


def _write_cell(ws: Any, row: int, col: int, value: Any) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        ws.write_number(row, col, float(value) if isinstance(value, np.floating) else value)
    else:
        ws.write_string(row, col, str(value))


def _write_table(workbook: Any, sheet: str, columns: Sequence[str],
                 records: Iterable[Sequence[Any]], header_fmt: Any, widths: bool = True) -> int:
    ws = workbook.add_worksheet(sheet)
    for j, name in enumerate(columns):
        ws.write_string(0, j, name, header_fmt)
    n = 0
    for i, rec in enumerate(records, start=1):
        for j, value in enumerate(rec):
            _write_cell(ws, i, j, value)
        n = i
    ws.freeze_panes(1, 0)
    if widths:
        ws.set_column(0, max(len(columns) - 1, 0), 14)
    return n


def write_demo_workbook(path: str | Path, seed: int = DEMO_SEED) -> DemoCohort:
    """Generate, check and write the demo cohort in the canonical template layout.

    Sheets: README, then one per ``schema.TABLES`` entry (header row 1, data from
    row 2).  Raises ``DemoTargetError`` before writing if a target is missed.
    """
    import xlsxwriter

    demo = build_demo_cohort(seed)
    check_demo_targets(demo)
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    _set_properties(wb, DEMO_STUDY_NAME)
    bold = wb.add_format({"bold": True})
    readme = wb.add_worksheet("README")
    readme.set_column(0, 0, 120)
    for i, line in enumerate(demo.readme):
        readme.write_string(i, 0, line, bold if i == 0 else None)
    for spec in TABLES:
        df = demo.tables[spec.name]
        _write_table(wb, spec.sheet, spec.field_names, df.itertuples(index=False), bold)
    wb.close()
    return demo


#: Headers of the one-row-per-case version, as a pathologist might write them.
CASE_SHEET_HEADERS = (
    "Case", "Patient", "Site", "Age", "Sex", "ALK IHC (ALK1)", "ALK IHC (D5F3)",
    "ROS1 IHC", "ALK FISH %", "ALK FISH", "WGS", "RNA panel", "SNP array", "Fusion",
    "PIK3CA", "TP53", "22q", "Chr 19", "CDKN2A (9p21)", "Best response", "Best change (%)",
    "PFS (months)", "Progression", "OS (months)", "Death", "Comment",
)


def demo_case_rows(demo: DemoCohort) -> list[list[Any]]:
    """The demo flattened to one row per case with pathologist-style value spellings.

    Not tested is 'not done' (or blank, as in real sheets); FISH as '42%'; fusions as
    'TPM3-ALK'; variants as 'H1047R' or 'wt'; copy number as 'loss' / 'normal' /
    'monosomy' / 'homozygous deletion'; events as 1/0.  Every cell keeps a spelling the
    importer understands, so the mapped sheet gives the same figures as the workbook.
    """
    t = demo.tables
    ihc = t["ihc"]
    fish = t["fish"]
    seq = t["sequencing"]
    out_by_patient = t["outcomes"].set_index("patient_id")
    given = t["cn_calls"]
    calls = call_copy_number(t["cn_segments"])
    rows = []

    def ihc_cell(sid: str, marker: str, clone: str | None) -> str | None:
        m = (ihc["sample_id"] == sid) & (ihc["marker"] == marker)
        if clone:
            m &= ihc["clone"] == clone
        if not m.any():
            return None
        call = ihc.loc[m, "call"].iloc[0]
        if call == "not done":
            return "not done"
        return "pos" if call == "positive" else "neg"  # weak staining: see Comment

    for s in t["samples"].itertuples():
        sid = s.sample_id
        o = out_by_patient.loc[s.patient_id]
        f = fish.loc[(fish["sample_id"] == sid) & (fish["probe"] == "ALK")]
        if f.empty:
            fish_cell: Any = "not done"
            fish_call = "not done"
        elif f["call"].iloc[0] == "not evaluable":
            fish_cell = fish_call = "not evaluable"
        else:
            fish_cell = f"{int(f['percent_split'].iloc[0])}%"
            fish_call = "pos" if f["call"].iloc[0] == "positive" else "neg"
        wgs = seq.loc[(seq["sample_id"] == sid) & (seq["assay"] == "WGS"), "status"]
        wgs_cell = {"done": "yes", "failed": "failed", "not done": "no"}[wgs.iloc[0]]
        rna_done = ((seq["sample_id"] == sid) & (seq["assay"] == "RNA fusion panel")).any()
        fus = t["fusions"].loc[t["fusions"]["sample_id"] == sid, "fusion"]
        fusion_cell = fus.iloc[0].replace("::", "-") if not fus.empty else "neg"
        var = t["variants"].loc[t["variants"]["sample_id"] == sid]

        def var_cell(gene: str, var: pd.DataFrame = var, wgs_done: bool = wgs_cell == "yes"
                     ) -> str:
            if not wgs_done:
                return "not done"
            hit = var.loc[var["gene"] == gene, "protein_change"]
            return hit.iloc[0].removeprefix("p.") if not hit.empty else "wt"

        sample_calls = calls.loc[calls["sample_id"] == sid]
        sample_given = given.loc[given["sample_id"] == sid]

        def cn(region: str, sample_calls: pd.DataFrame = sample_calls,
               sample_given: pd.DataFrame = sample_given) -> str | None:
            hit = pd.concat([sample_calls.loc[sample_calls["region"] == region, "event"],
                             sample_given.loc[sample_given["region"] == region, "event"]])
            return hit.iloc[0] if not hit.empty else None

        chr19 = cn("19")
        cdkn2a = ("homozygous deletion" if (
            (sample_calls["kind"].eq("focal") & sample_calls["chrom"].eq("9")
             & sample_calls["event"].eq("deep deletion")).any()
            or (sample_given["region"].eq("9p21.3")).any()) else "normal")
        rows.append([
            sid, s.patient_id, s.site, s.age, s.sex[0].upper(),
            ihc_cell(sid, "ALK", "ALK1"), ihc_cell(sid, "ALK", "D5F3"),
            ihc_cell(sid, "ROS1", None) or "not done", fish_cell, fish_call, wgs_cell,
            "yes" if rna_done else "no",
            "yes" if ((seq["sample_id"] == sid) & (seq["assay"] == "SNP array")).any() else "no",
            fusion_cell if (rna_done or wgs_cell == "yes")
            else "not done",
            var_cell("PIK3CA"), var_cell("TP53"),
            "loss" if cn("22q") == "loss" else "normal",
            "monosomy" if chr19 == "loss" else "normal", cdkn2a,
            o["best_response"], o["best_percent_change"], o["pfs_months"],
            int(o["pfs_event"]), o["os_months"], int(o["os_event"]),
            s.comment,
        ])
    return rows


def write_demo_case_sheet(path: str | Path, seed: int = DEMO_SEED) -> DemoCohort:
    """Write the demo as one sheet, one row per case (title row 1, headers row 2)."""
    import xlsxwriter

    demo = build_demo_cohort(seed)
    check_demo_targets(demo)
    rows = demo_case_rows(demo)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    _set_properties(wb, DEMO_STUDY_NAME + " - one row per case")
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Cases")
    ws.write_string(0, 0, f"{DEMO_STUDY_NAME} - crizotinib, one row per case "
                          "(SYNTHETIC, not patient data)", bold)
    for j, h in enumerate(CASE_SHEET_HEADERS):
        ws.write_string(1, j, h, bold)
    for i, rec in enumerate(rows, start=2):
        for j, value in enumerate(rec):
            _write_cell(ws, i, j, value)
    ws.freeze_panes(2, 1)
    ws.set_column(0, len(CASE_SHEET_HEADERS) - 1, 12)
    ws.set_column(len(CASE_SHEET_HEADERS) - 1, len(CASE_SHEET_HEADERS) - 1, 60)
    wb.close()
    return demo


def demo_workbook_path() -> Path:
    """Path of the demo workbook shipped as package data."""
    from importlib.resources import files

    return Path(str(files("imft_desktop").joinpath("data", DEMO_WORKBOOK)))


def demo_case_sheet_path() -> Path:
    """Path of the one-row-per-case demo sheet shipped as package data."""
    from importlib.resources import files

    return Path(str(files("imft_desktop").joinpath("data", DEMO_CASE_SHEET)))


# --------------------------------------------------------------------------- large cohorts
LARGE_SHAPES = ("canonical", "wide")

_ALK_PARTNERS = ("TPM3", "TPM4", "CLTC", "RANBP2", "ATIC", "CARS1", "SEC31A", "PPFIBP1",
                 "DCTN1", "EML4", "FN1", "TFG", "PRKAR1A", "LMNA", "RRBP1")
_ALK_PARTNER_P = np.array([20, 10, 12, 8, 6, 6, 5, 6, 5, 8, 6, 3, 2, 2, 1], dtype=float)
_DRIVERS = ("ALK", "ROS1", "NTRK3", "RET", "none")
_DRIVER_P = np.array([0.50, 0.06, 0.05, 0.03, 0.36])
_OTHER_FUSIONS = {"ROS1": ("TFG::ROS1", "YWHAE::ROS1"), "NTRK3": ("ETV6::NTRK3",),
                  "RET": ("CCDC6::RET",)}
_LARGE_VARIANTS = (  # (key into VARIANTS_KNOWN, probability in a mutation-tested sample)
    ("PIK3CA H1047R", 0.05), ("PIK3CA E545K", 0.04), ("TP53 R273H", 0.04),
    ("TP53 R175H", 0.04), ("KRAS G12D", 0.03), ("NF1 R1362*", 0.04),
    ("PTEN R130Q", 0.02), ("CDKN2A R80*", 0.02),
)

#: Headers of the wide (one-row-per-case) large cohort: 42 columns.
WIDE_HEADERS = (
    "Case", "Patient", "Diagnosis", "Site", "Specimen", "Age", "Sex", "Tumour cells (%)",
    "ALK IHC (ALK1)", "ALK1 % cells", "ALK IHC (D5F3)", "D5F3 intensity",
    "ROS1 IHC (D4D6)", "pan-TRK IHC", "ALK FISH %", "ALK FISH", "ROS1 FISH", "WGS",
    "WGS purity (%)", "RNA panel", "DNA panel", "SNP array", "Fusion", "Fusion reads",
    "PIK3CA", "TP53", "KRAS", "NF1", "CDKN2A (9p21)", "22q", "Chr 19", "1q", "Chr 7",
    "Treatment",
    "Best response", "Best change (%)", "PFS (months)", "Progression", "OS (months)",
    "Death", "Time on treatment (months)", "Comment",
)


@dataclass(frozen=True, slots=True)
class LargeCohortStats:
    """What ``make_large_cohort`` wrote: rows per sheet and the time it took."""

    path: Path
    shape: str
    n_samples: int
    rows: dict[str, int]
    seconds: float


@dataclass
class _LargeDraws:
    """Per-sample draws of a large cohort (numpy arrays, index = sample)."""

    n: int
    driver: np.ndarray
    fusion: list[str]
    alk1: np.ndarray  # "", "positive", "negative"
    alk1_pct: np.ndarray
    d5f3: np.ndarray
    ros1_ihc: np.ndarray
    trk_ihc: np.ndarray
    fish: np.ndarray  # "", "positive", "negative", "not evaluable"
    fish_pct: np.ndarray
    ros1_fish: np.ndarray
    wgs: np.ndarray  # "", "done", "failed", "not done"
    purity: np.ndarray
    rna: np.ndarray  # bool
    dna_panel: np.ndarray
    snp: np.ndarray
    fusion_found: np.ndarray
    variants: list[list[str]]
    loss22q: np.ndarray
    mono19: np.ndarray
    gain1q: np.ndarray
    gain7: np.ndarray
    cdkn2a: np.ndarray
    response: np.ndarray
    change: np.ndarray
    pfs: np.ndarray
    pfs_event: np.ndarray
    os: np.ndarray
    os_event: np.ndarray
    tot: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    site: np.ndarray
    specimen: np.ndarray
    seed: int

    def sid(self, i: int) -> str:
        return f"SYN-L{i + 1:06d}"

    def pid(self, i: int) -> str:
        return f"SYN-LP{i + 1:06d}"

    @property
    def mutation_tested(self) -> np.ndarray:
        return (self.wgs == "done") | self.dna_panel

    @property
    def cn_tested(self) -> np.ndarray:
        return (self.wgs == "done") | self.snp


def _large_draws(n: int, seed: int) -> _LargeDraws:
    rng = np.random.default_rng([seed, 1])
    driver = rng.choice(len(_DRIVERS), size=n, p=_DRIVER_P)
    partners = rng.choice(len(_ALK_PARTNERS), size=n, p=_ALK_PARTNER_P / _ALK_PARTNER_P.sum())
    other_pick = rng.integers(0, 2, size=n)
    fusion = []
    for d, p, o in zip(driver.tolist(), partners.tolist(), other_pick.tolist()):
        name = _DRIVERS[d]
        if name == "ALK":
            fusion.append(f"{_ALK_PARTNERS[p]}::ALK")
        elif name == "none":
            fusion.append("")
        else:
            options = _OTHER_FUSIONS[name]
            fusion.append(options[o % len(options)])
    is_alk = driver == 0
    u = rng.random((12, n))

    def tested_call(p_tested: float, truth: np.ndarray, row: int, sens: float,
                    fp: float) -> np.ndarray:
        tested = u[row] < p_tested
        positive = np.where(truth, rng.random(n) < sens, rng.random(n) < fp)
        out = np.where(positive, "positive", "negative").astype(object)
        out[~tested] = ""
        return out

    alk1 = tested_call(0.95, is_alk, 0, 0.92, 0.03)
    d5f3 = tested_call(0.85, is_alk, 1, 0.97, 0.02)
    ros1_ihc = tested_call(0.40, driver == 1, 2, 0.95, 0.01)
    trk_ihc = tested_call(0.30, driver == 2, 3, 0.95, 0.02)
    fish = tested_call(0.88, is_alk, 4, 0.90, 0.03)
    fish[(fish != "") & (u[5] < 0.02)] = "not evaluable"
    ros1_fish = tested_call(0.25, driver == 1, 6, 0.95, 0.01)
    fish_pct = np.where(fish == "positive", rng.integers(16, 90, n), rng.integers(0, 14, n))
    alk1_pct = np.where(alk1 == "positive", rng.integers(2, 21, n) * 5, 0)
    wgs = np.full(n, "", dtype=object)
    wgs[u[7] < 0.31] = "not done"
    wgs[u[7] < 0.28] = "failed"
    wgs[u[7] < 0.25] = "done"
    rna = u[8] < 0.65
    dna_panel = (u[9] < 0.15) & (wgs != "done")
    snp = (u[10] < 0.08) & (wgs != "done")
    fusion_tested = (wgs == "done") | rna
    has_fusion = np.array([bool(f) for f in fusion])
    fusion_found = has_fusion & fusion_tested & (rng.random(n) < 0.95)
    variants: list[list[str]] = [[] for _ in range(n)]
    mut_tested = (wgs == "done") | dna_panel
    for key, p in _LARGE_VARIANTS:
        hit = np.flatnonzero(mut_tested & (rng.random(n) < p))
        for i in hit.tolist():
            if not any(v.split()[0] == key.split()[0] for v in variants[i]):
                variants[i].append(key)
    loss22q = rng.random(n) < 0.55
    mono19 = rng.random(n) < 0.2
    gain1q = rng.random(n) < 0.15
    gain7 = rng.random(n) < 0.12
    cdkn2a = rng.random(n) < 0.15
    pik3ca = np.array([any(v.startswith("PIK3CA") for v in vs) for vs in variants])
    # Response: fusion-driven tumours respond to crizotinib (ROS1/ALK/NTRK3 cover the
    # drug's targets loosely); monosomy 19 and PIK3CA lower the odds and shorten PFS.
    p_resp = np.where(is_alk, 0.65, np.where(driver == 4, 0.12, 0.45))
    p_resp = p_resp * np.where(mono19, 0.5, 1.0) * np.where(pik3ca, 0.5, 1.0)
    resp = rng.random(n) < p_resp
    cr = resp & (rng.random(n) < 0.15)
    nonresp_pd = rng.random(n) < 0.5
    response = np.where(cr, "CR", np.where(resp, "PR", np.where(nonresp_pd, "PD", "SD")))
    response = response.astype(object)
    response[rng.random(n) < 0.03] = "NE"
    change = np.select(
        [response == "CR", response == "PR", response == "SD", response == "PD"],
        [np.full(n, -100.0), rng.uniform(-90, -30, n), rng.uniform(-29, 19, n),
         rng.uniform(20, 80, n)], default=np.nan)
    scale = np.select([response == "CR", response == "PR", response == "SD"],
                      [40.0, 20.0, 7.0], default=2.0)
    scale = scale * np.where(mono19, 0.5, 1.0) * np.where(pik3ca, 0.6, 1.0)
    pfs = np.maximum(rng.exponential(scale), 0.5)
    follow_up = rng.uniform(6, 60, n)
    pfs_event = (pfs <= follow_up).astype(int)
    pfs = np.minimum(pfs, follow_up)
    os_ = pfs + np.where(pfs_event == 1, rng.exponential(18, n), rng.uniform(0, 2, n))
    os_event = ((pfs_event == 1) & (rng.random(n) < 0.6)).astype(int)
    tot = np.minimum(pfs + np.where(pfs_event == 1, rng.uniform(0, 1.5, n), 0), os_)
    return _LargeDraws(
        n=n, driver=driver, fusion=fusion, alk1=alk1, alk1_pct=alk1_pct, d5f3=d5f3,
        ros1_ihc=ros1_ihc, trk_ihc=trk_ihc, fish=fish, fish_pct=fish_pct,
        ros1_fish=ros1_fish, wgs=wgs, purity=rng.integers(25, 91, n), rna=rna,
        dna_panel=dna_panel, snp=snp, fusion_found=fusion_found, variants=variants,
        loss22q=loss22q, mono19=mono19, gain1q=gain1q, gain7=gain7, cdkn2a=cdkn2a,
        response=response, change=np.round(change, 1), pfs=np.round(pfs, 1),
        pfs_event=pfs_event, os=np.round(os_, 1), os_event=os_event, tot=np.round(tot, 1),
        age=rng.integers(1, 86, n), sex=np.where(rng.random(n) < 0.5, "female", "male"),
        site=rng.integers(0, len(_SITES), n), specimen=rng.random(n) < 0.6, seed=seed,
    )


def _large_segments(d: _LargeDraws, i: int, rng: np.random.Generator
                    ) -> list[tuple[Any, ...]]:
    """About 25-35 SEG rows: one per chromosome, split into arms or around focal events
    only where something changes (CBS does not split a flat chromosome at its
    centromere when the centromere is not masked)."""
    sid = d.sid(i)
    p = int(d.purity[i]) / 100
    loss = math.log2(1 - p / 2)
    gain = math.log2(1 + p / 2)
    arm_events: dict[str, float] = {}
    if d.loss22q[i]:
        arm_events["22q"] = loss
    if d.gain1q[i]:
        arm_events["1q"] = gain
    for arm in rng.choice(AUTOSOMAL_ARMS, size=int(rng.poisson(2)), replace=False).tolist():
        arm_events.setdefault(arm, loss if rng.random() < 0.6 else gain)
    whole: dict[str, float] = {}
    if d.mono19[i]:
        whole["19"] = loss
    if d.gain7[i]:
        whole["7"] = gain
    focal: dict[str, list[tuple[int, int, float]]] = {}
    if d.cdkn2a[i]:
        focal["9"] = [(21_500_000, 22_400_000, math.log2(max(1 - p, 0.05)))]
    for _ in range(int(rng.poisson(2))):
        chrom = str(rng.choice(list(HG38_CHROMOSOMES)[:-1]))
        arm, a_start, a_end = _arms(chrom)[-1]
        size = int(rng.integers(500_000, 5_000_000))
        start = int(rng.integers(a_start + 1_000_000, a_end - 1_000_000 - size))
        if any(s <= start + size and start <= e for s, e, _ in focal.get(chrom, [])):
            continue
        focal.setdefault(chrom, []).append(
            (start, start + size, float(rng.choice([-0.8, 0.7, 1.6]))))
    rows: list[tuple[Any, ...]] = []
    for chrom in HG38_CHROMOSOMES:
        arms = _arms(chrom)
        levels = [whole.get(chrom, arm_events.get(name, 0.0)) for name, _, _ in arms]
        if not any(levels):
            pieces = [(arms[0][1], arms[-1][2], 0.0)]  # flat: one segment
        else:
            pieces = [(s, e, lv) for (_, s, e), lv in zip(arms, levels)]
        for fs, fe, fl in sorted(focal.get(chrom, [])):
            new = []
            for s, e, lv in pieces:
                if s < fs and fe < e:
                    new += [(s, fs - 1, lv), (fs, fe, fl), (fe + 1, e, lv)]
                else:
                    new.append((s, e, lv))
            pieces = new
        noise = rng.normal(0, 0.04, len(pieces))
        for (s, e, lv), z in zip(pieces, noise.tolist()):
            rows.append((sid, chrom, s, e, max(1, (e - s + 1) // BIN_SIZE), round(lv + z, 3)))
    return rows


def _large_canonical_sheets(d: _LargeDraws) -> list[tuple[str, Iterable[tuple[Any, ...]]]]:
    n = d.n
    r = range(n)

    def study() -> Iterable[tuple[Any, ...]]:
        yield ("study_name", f"Synthetic large cohort, {n} samples (not patient data)")
        yield ("synthetic", "yes")
        yield ("assembly", "hg38")
        yield ("fish_threshold", str(FISH_THRESHOLD))
        yield ("time_unit", "months")
        yield ("generator", f"imft_desktop.io.synthetic.make_large_cohort seed {d.seed}")

    def samples() -> Iterable[tuple[Any, ...]]:
        for i in r:
            yield (d.sid(i), d.pid(i), "IMFT", _SITES[int(d.site[i])],
                   "resection" if d.specimen[i] else "core biopsy", int(d.age[i]),
                   str(d.sex[i]), min(95, int(d.purity[i]) + 10), None)

    def ihc() -> Iterable[tuple[Any, ...]]:
        for i in r:
            sid = d.sid(i)
            for marker, clone, calls in (("ALK", "ALK1", d.alk1), ("ALK", "D5F3", d.d5f3),
                                         ("ROS1", "D4D6", d.ros1_ihc),
                                         ("pan-TRK", "EPR17341", d.trk_ihc)):
                call = calls[i]
                if not call:
                    continue
                pct = int(d.alk1_pct[i]) if clone == "ALK1" else (80 if call == "positive"
                                                                  else 0)
                inten = 3 if call == "positive" else 0
                yield (sid, marker, clone, pct, f"{inten}+" if inten else "0", pct * inten,
                       "diffuse cytoplasmic" if call == "positive" else None, call)

    def fish() -> Iterable[tuple[Any, ...]]:
        for i in r:
            sid = d.sid(i)
            if d.fish[i] == "not evaluable":
                yield (sid, "ALK", 20, None, FISH_THRESHOLD, "not evaluable")
            elif d.fish[i]:
                yield (sid, "ALK", 100, int(d.fish_pct[i]), FISH_THRESHOLD, d.fish[i])
            if d.ros1_fish[i]:
                yield (sid, "ROS1", 50, 40 if d.ros1_fish[i] == "positive" else 2,
                       FISH_THRESHOLD, d.ros1_fish[i])

    def sequencing() -> Iterable[tuple[Any, ...]]:
        for i in r:
            sid = d.sid(i)
            if d.wgs[i]:
                done = d.wgs[i] == "done"
                yield (sid, "WGS", d.wgs[i], "hg38" if done else None,
                       int(d.purity[i]) if done else None)
            if d.rna[i]:
                yield (sid, "RNA fusion panel", "done", None, None)
            if d.dna_panel[i]:
                yield (sid, "DNA panel", "done", "hg38", None)
            if d.snp[i]:
                yield (sid, str(SequencingAssay.SNP_ARRAY), "done", "hg38", None)

    def fusions() -> Iterable[tuple[Any, ...]]:
        rng = np.random.default_rng([d.seed, 2])
        for i in np.flatnonzero(d.fusion_found).tolist():
            five, three = d.fusion[i].split("::")
            by_wgs = d.wgs[i] == "done"
            bp5 = _breakpoint(five, rng) if five in GENE_SPANS else None
            yield (d.sid(i), d.fusion[i], "WGS" if by_wgs else "RNA fusion panel", bp5,
                   _breakpoint(three, rng), "in-frame", int(rng.integers(5, 200)))

    def variants() -> Iterable[tuple[Any, ...]]:
        for i in r:
            for key in d.variants[i]:
                gene, protein, cdna, klass = VARIANTS_KNOWN[key]
                assay = "WGS" if d.wgs[i] == "done" else "DNA panel"
                vaf = round(int(d.purity[i]) / 200, 2)
                yield (d.sid(i), gene, protein, cdna, klass, vaf, assay)

    def segments() -> Iterable[tuple[Any, ...]]:
        rng = np.random.default_rng([d.seed, 3])
        for i in np.flatnonzero(d.wgs == "done").tolist():
            yield from _large_segments(d, i, rng)

    def cn_calls() -> Iterable[tuple[Any, ...]]:
        for i in np.flatnonzero(d.snp).tolist():
            sid = d.sid(i)
            if d.loss22q[i]:
                yield (sid, "22q", "loss")
            if d.mono19[i]:
                yield (sid, "19", "loss")
            if d.gain1q[i]:
                yield (sid, "1q", "gain")
            if d.gain7[i]:
                yield (sid, "7", "gain")
            if d.cdkn2a[i]:
                yield (sid, "9p21.3", "deep deletion")

    def outcomes() -> Iterable[tuple[Any, ...]]:
        for i in r:
            resp = d.response[i]
            ne = resp == "NE"
            yield (d.pid(i), "crizotinib", resp, None if ne else float(d.change[i]),
                   float(d.pfs[i]), int(d.pfs_event[i]), float(d.os[i]),
                   int(d.os_event[i]), float(d.tot[i]))

    makers = {"study": study, "samples": samples, "ihc": ihc, "fish": fish,
              "sequencing": sequencing, "fusions": fusions, "variants": variants,
              "cn_segments": segments, "cn_calls": cn_calls, "outcomes": outcomes}
    return [(spec.name, makers[spec.name]()) for spec in TABLES]


def _wide_rows(d: _LargeDraws) -> Iterable[tuple[Any, ...]]:
    """One row per case with pathologist-style spellings (pos/neg/not done, '42%')."""
    short = {"positive": "pos", "negative": "neg", "": "not done",
             "not evaluable": "not evaluable"}
    seq_cell = {"done": "yes", "failed": "failed", "not done": "no", "": None}
    mutation_tested = d.mutation_tested.tolist()  # once: the properties build arrays
    cn_tested = d.cn_tested.tolist()
    for i in range(d.n):
        mut = mutation_tested[i]
        cn = cn_tested[i]
        vs = {v.split()[0]: v.split()[1] for v in d.variants[i]}

        def var(gene: str, mut: bool = mut, vs: dict[str, str] = vs) -> str | None:
            if not mut:
                return None  # blank: not tested
            return vs.get(gene, "wt")

        def cn_cell(flag: bool, word: str, cn: bool = cn) -> str | None:
            return (word if flag else "normal") if cn else None

        fusion_tested = d.wgs[i] == "done" or d.rna[i]
        fus = (d.fusion[i].replace("::", "-") if d.fusion_found[i] else "neg") \
            if fusion_tested else "not done"
        fish_pct = (f"{int(d.fish_pct[i])}%" if d.fish[i] in ("positive", "negative")
                    else short[d.fish[i]])
        resp = d.response[i]
        yield (
            d.sid(i), d.pid(i), "IMFT", _SITES[int(d.site[i])],
            "resection" if d.specimen[i] else "core biopsy", int(d.age[i]),
            "F" if d.sex[i] == "female" else "M", min(95, int(d.purity[i]) + 10),
            short[d.alk1[i]], int(d.alk1_pct[i]) if d.alk1[i] else None, short[d.d5f3[i]],
            "3+" if d.d5f3[i] == "positive" else ("0" if d.d5f3[i] else None),
            short[d.ros1_ihc[i]], short[d.trk_ihc[i]], fish_pct, short[d.fish[i]],
            short[d.ros1_fish[i]], seq_cell[d.wgs[i]],
            int(d.purity[i]) if d.wgs[i] == "done" else None,
            "yes" if d.rna[i] else "no", "yes" if d.dna_panel[i] else "no",
            "yes" if d.snp[i] else "no", fus, 30 if d.fusion_found[i] else None,
            var("PIK3CA"), var("TP53"), var("KRAS"), var("NF1"),
            cn_cell(bool(d.cdkn2a[i]), "homozygous deletion"), cn_cell(bool(d.loss22q[i]), "loss"),
            cn_cell(bool(d.mono19[i]), "monosomy"), cn_cell(bool(d.gain1q[i]), "gain"),
            cn_cell(bool(d.gain7[i]), "gain"), "crizotinib", resp,
            None if resp == "NE" else float(d.change[i]), float(d.pfs[i]),
            int(d.pfs_event[i]), float(d.os[i]), int(d.os_event[i]), float(d.tot[i]),
            "synthetic" if i % 50 == 0 else None,
        )


def make_large_cohort(
    n_samples: int,
    path: str | Path,
    *,
    seed: int = 0,
    shape: str = "canonical",
    progress: Callable[[float, str], None] | None = None,
) -> LargeCohortStats:
    """Write a large synthetic cohort for load and performance testing.

    Parameters
    ----------
    n_samples:
        Number of samples (one patient each).
    path:
        Output ``.xlsx`` path.
    seed:
        Seed; the same seed and size give the same content.
    shape:
        ``"canonical"``: the multi-sheet template layout of ``schema.TABLES``; WGS on
        about 25% of samples with 25-35 segments each (one per flat chromosome, split
        into arms or around focal events only where the level changes), so 100k samples
        give ~0.75M segment rows, under Excel's 1,048,576-row sheet limit.
        ``"wide"``: one sheet "Cases", header row 1, one row per case, 42 columns
        (``WIDE_HEADERS``) with pathologist-style spellings.
    progress:
        Optional ``callback(fraction, message)``.

    Returns
    -------
    LargeCohortStats

    Raises
    ------
    ValueError
        Unknown shape, ``n_samples < 1``, or a sheet that would exceed Excel's row limit
        (checked while writing: the file is then removed).
    """
    import xlsxwriter

    if shape not in LARGE_SHAPES:
        raise ValueError(f"shape must be one of {LARGE_SHAPES}, not {shape!r}")
    if n_samples < 1:
        raise ValueError("n_samples must be at least 1")
    if shape == "wide" and n_samples + 1 > EXCEL_MAX_ROWS:
        raise ValueError(f"{n_samples} rows do not fit on one Excel sheet")
    t0 = time.perf_counter()
    path = Path(path)
    draws = _large_draws(n_samples, seed)
    report = progress or (lambda fraction, message: None)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                         "strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    _set_properties(wb, f"Synthetic large cohort ({n_samples} samples, not patient data)")
    bold = wb.add_format({"bold": True})
    if shape == "wide":
        sheets: list[tuple[str, Sequence[str], Iterable[tuple[Any, ...]]]] = [
            ("Cases", WIDE_HEADERS, _wide_rows(draws))]
    else:
        sheets = [(TABLES_BY_NAME[name].sheet, TABLES_BY_NAME[name].field_names, records)
                  for name, records in _large_canonical_sheets(draws)]
    counts: dict[str, int] = {}
    try:
        for k, (sheet, headers, records) in enumerate(sheets):
            report(k / len(sheets), f"writing {sheet}")
            ws = wb.add_worksheet(sheet)
            ws.write_row(0, 0, list(headers), bold)
            row = 0
            for row, rec in enumerate(records, start=1):
                if row >= EXCEL_MAX_ROWS:
                    raise ValueError(f"sheet {sheet} would exceed {EXCEL_MAX_ROWS} rows")
                ws.write_row(row, 0, rec)
            counts[sheet] = row
        wb.close()
    except BaseException:
        with contextlib.suppress(Exception):
            wb.close()  # release the temporary files; the half-written file is removed
        path.unlink(missing_ok=True)
        raise
    report(1.0, "done")
    return LargeCohortStats(path=path, shape=shape, n_samples=n_samples, rows=counts,
                            seconds=time.perf_counter() - t0)

