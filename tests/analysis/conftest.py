"""Hand-built cohorts with known answers for the alteration-summary tests."""

from __future__ import annotations

import pandas as pd
import pytest

from imft_desktop.analysis.cytobands import arm_bounds
from imft_desktop.model.cohort import Cohort


def genome_segments(sample: str, assembly: str = "hg38", changes=None) -> list[dict]:
    """Neutral whole-arm segments for chromosomes 1-22, with ``changes``:
    ``{arm or chrom: log2}`` (whole arm / chromosome) and ``(chrom, start, end, log2)``
    focal tuples that split the arm segment."""
    changes = dict(changes or {})
    focal = changes.pop("focal", [])
    b = arm_bounds(assembly)
    rows = []
    for chrom in [str(i) for i in range(1, 23)]:
        r = b.loc[chrom]
        arms = [("p", 0, int(r["p_end"])), ("q", int(r["q_start"]), int(r["q_end"]))]
        if r["acrocentric"]:
            arms = arms[1:]
            arms = [("q", int(r["q_start"]) + 1_000_000, int(r["q_end"]))]
        for arm, start, end in arms:
            log2 = changes.get(f"{chrom}{arm}", changes.get(chrom, 0.0))
            pieces = [(start, end, log2)]
            for fchrom, fs, fe, flog in focal:
                if fchrom == chrom and start <= fs < end:
                    new = []
                    for a, e, lg in pieces:
                        if a <= fs < e:
                            new += [(a, fs, lg), (fs, fe, flog), (fe, e, lg)]
                        else:
                            new.append((a, e, lg))
                    pieces = [p for p in new if p[1] > p[0]]
            for a, e, lg in pieces:
                rows.append(
                    {"sample_id": sample, "chrom": chrom, "start": a, "end": e,
                     "markers": 100, "log2_ratio": lg}
                )
    return rows


def build_cohort() -> Cohort:
    """Eight samples (see tests for the expected answers).

    S1-S5 WGS done; S6 RNA fusion panel only; S7 WGS failed; S8 nothing.
    """
    ids = [f"S{i}" for i in range(1, 9)]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": [f"P{i}" for i in range(1, 9)],
                            "sex": ["female", "male"] * 4})
    seq = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4", "S5", "S6", "S7"],
            "assay": ["WGS"] * 5 + ["RNA fusion panel", "WGS"],
            "status": ["done"] * 6 + ["failed"],
        }
    )
    fusions = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S6", "S8"],
            "fusion": ["TPM3::ALK", "ALK (partner unknown)", "ETV6::NTRK3", "RANBP2-ALK",
                       "CLTC::ALK"],
        }
    )
    variants = pd.DataFrame(
        {"sample_id": ["S1", "S4", "S4"], "gene": ["PIK3CA", "PIK3CA", "TP53"],
         "protein_change": ["p.H1047R", "E545K", "p.R273H"]}
    )
    ihc = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S1", "S2"],
            "marker": ["ALK"] * 10,
            "clone": ["ALK1"] * 8 + ["D5F3", "D5F3"],
            "call": ["positive", "positive", "negative", "equivocal", "negative",
                     "positive", "not evaluable", "not tested", "positive", "negative"],
        }
    )
    fish = pd.DataFrame(
        {"sample_id": ["S1", "S2", "S3", "S6"], "probe": ["ALK"] * 4,
         "call": ["positive", "positive", "negative", "negative"]}
    )
    segs = (
        genome_segments("S1", changes={"22q": -0.5, "19": -0.6, "1q": 0.4,
                                       "focal": [("9", 21_900_000, 22_100_000, -1.5)]})
        + genome_segments("S2", changes={"22q": -0.4,
                                         "focal": [("9", 21_950_000, 22_300_000, -0.5)]})
        + genome_segments("S3", changes={"7": 0.45})
        + genome_segments("S4")
    )
    cn_calls = pd.DataFrame(
        {"sample_id": ["S5", "S5"], "region": ["22q", "CDKN2A"], "event": ["loss", "deep deletion"]}
    )
    outcomes = pd.DataFrame(
        {"patient_id": [f"P{i}" for i in range(1, 9)],
         "best_response": ["PR", "PR", "SD", "PD", "PD", "CR", "SD", "NE"]}
    )
    return Cohort.from_tables(
        {"samples": samples, "sequencing": seq, "fusions": fusions, "variants": variants,
         "ihc": ihc, "fish": fish, "cn_segments": pd.DataFrame(segs), "cn_calls": cn_calls,
         "outcomes": outcomes}
    )


@pytest.fixture
def cohort() -> Cohort:
    return build_cohort()


@pytest.fixture
def segments():
    """The ``genome_segments`` builder (conftest modules cannot be imported by name)."""
    return genome_segments
