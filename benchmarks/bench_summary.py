"""Benchmark: the full alteration summary (everything but drawing) on a 10k-sample cohort.

Builds a random but realistic cohort in memory with ``Cohort.from_tables``: WGS on 90%
of samples (RNA fusion panel on the rest), ~45% fusions (ALK with 15 partners, ROS1,
NTRK3, some partner unknown), ~20 mutated genes, ALK IHC with two clones, ALK and ROS1
FISH, and copy-number segments (one per arm, random arm-level gains/losses, two focal
events per sample: ~43 segments per sample).  Prints the median of several runs of
``alteration_summary.summarise`` (matrix, frequency table, partners, CNA burden, recurrent
focal loci, genome frequency, concordance, co-occurrence, oncoprint data), with the
copy-number cache cleared before each run.

Run: ``python benchmarks/bench_summary.py [n_samples] [repeats]``
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pandas as pd

from imft_desktop.analysis.alteration_summary import summarise
from imft_desktop.analysis.copy_number import clear_cache
from imft_desktop.analysis.cytobands import arm_bounds
from imft_desktop.model.cohort import Cohort

PARTNERS = ["TPM3", "TPM4", "CLTC", "RANBP2", "ATIC", "CARS1", "SEC31A", "PPFIBP1", "DCTN1",
            "EML4", "FN1", "TFG", "PRKAR1A", "LMNA", "RRBP1"]
GENES = ["PIK3CA", "TP53", "KRAS", "NF1", "BRAF", "PTEN", "ARID1A", "CDKN2A", "ATRX", "RB1",
         "NRAS", "EGFR", "KMT2D", "SMARCA4", "TERT", "CTNNB1", "FBXW7", "APC", "BRCA2", "MET"]
PROTEINS = ["p.H1047R", "p.E545K", "p.R273H", "p.G12D", "p.V600E", "p.R175H", "p.Q61K"]


def build(n: int, seed: int = 1) -> Cohort:
    rng = np.random.default_rng(seed)
    ids = np.array([f"S{i:05d}" for i in range(n)])
    samples = pd.DataFrame({"sample_id": ids, "patient_id": [f"P{i:05d}" for i in range(n)],
                            "sex": rng.choice(["female", "male"], n)})
    wgs = rng.random(n) < 0.9
    seq = pd.DataFrame({"sample_id": ids, "assay": np.where(wgs, "WGS", "RNA fusion panel"),
                        "status": np.where(rng.random(n) < 0.97, "done", "failed")})
    has_fusion = rng.random(n) < 0.45
    fusion_ids = ids[has_fusion]
    kind = rng.random(len(fusion_ids))
    texts = np.where(
        kind < 0.8,
        [f"{p}::ALK" for p in rng.choice(PARTNERS, len(fusion_ids))],
        np.where(kind < 0.88, "ALK (partner unknown)",
                 np.where(kind < 0.94, "TFG::ROS1", "ETV6::NTRK3")),
    )
    fusions = pd.DataFrame({"sample_id": fusion_ids, "fusion": texts})
    n_var = 3 * n // 2
    variants = pd.DataFrame({
        "sample_id": rng.choice(ids, n_var),
        "gene": rng.choice(GENES, n_var, p=np.linspace(2, 0.2, len(GENES)) / 22.0),
        "protein_change": rng.choice(PROTEINS, n_var),
    }).drop_duplicates(["sample_id", "gene", "protein_change"])
    calls = np.array(["positive", "negative", "equivocal", "not evaluable"])

    def assay_calls(truth: np.ndarray, sens: float) -> np.ndarray:
        pos = np.where(truth, rng.random(n) < sens, rng.random(n) < 0.05)
        out = np.where(pos, "positive", "negative")
        noise = rng.random(n)
        return np.where(noise < 0.03, calls[2], np.where(noise < 0.06, calls[3], out))

    alk = np.isin(ids, fusion_ids[kind < 0.88])
    ihc = pd.concat([
        pd.DataFrame({"sample_id": ids, "marker": "ALK", "clone": "ALK1",
                      "call": assay_calls(alk, 0.9)}),
        pd.DataFrame({"sample_id": ids, "marker": "ALK", "clone": "D5F3",
                      "call": assay_calls(alk, 0.95)}),
    ])
    fish = pd.concat([
        pd.DataFrame({"sample_id": ids, "probe": "ALK", "call": assay_calls(alk, 0.85)}),
        pd.DataFrame({"sample_id": ids, "probe": "ROS1",
                      "call": assay_calls(np.zeros(n, bool), 0.9)}),
    ])
    segs = _segments(ids[wgs], rng)
    outcomes = pd.DataFrame({"patient_id": samples["patient_id"],
                             "best_response": rng.choice(["CR", "PR", "SD", "PD", "NE"], n)})
    return Cohort.from_tables({"samples": samples, "sequencing": seq, "fusions": fusions,
                               "variants": variants, "ihc": ihc, "fish": fish,
                               "cn_segments": segs, "outcomes": outcomes})


def _segments(ids: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    b = arm_bounds("hg38").iloc[:22]
    arms = []
    for chrom, r in b.iterrows():
        if not r["acrocentric"]:
            arms.append((chrom, 0, int(r["p_end"])))
        arms.append((chrom, int(r["q_start"]), int(r["q_end"])))
    arm_chrom = np.array([a[0] for a in arms])
    arm_start = np.array([a[1] for a in arms])
    arm_end = np.array([a[2] for a in arms])
    m, k = len(ids), len(arms)
    u = rng.random((m, k))
    log2 = np.where(u < 0.08, -0.5, np.where(u < 0.12, 0.4, 0.0)) + rng.normal(0, 0.05, (m, k))
    sid = np.repeat(ids, k)
    chrom = np.tile(arm_chrom, m)
    start = np.tile(arm_start, m)
    end = np.tile(arm_end, m)
    lg = log2.ravel()
    # Two focal events per sample: split a random arm segment into three.
    rows = [pd.DataFrame({"sample_id": sid, "chrom": chrom, "start": start, "end": end,
                          "log2_ratio": lg})]
    df = rows[0]
    for _ in range(2):
        pick = np.arange(m) * k + rng.integers(0, k, m)
        a, e = df["start"].to_numpy()[pick] if False else start[pick], end[pick]
        flen = rng.integers(100_000, 3_000_000, m)
        fs = a + (rng.random(m) * np.maximum(e - a - flen, 1)).astype(np.int64)
        fe = np.minimum(fs + flen, e)
        flog = np.where(rng.random(m) < 0.6, -1.3, 1.1)
        extra = pd.DataFrame({"sample_id": sid[pick], "chrom": chrom[pick], "start": fs,
                              "end": fe, "log2_ratio": flog})
        rows.append(extra)
    # Overlapping focal pieces replace the middle of their arm segment.
    base = rows[0]
    focal = pd.concat(rows[1:], ignore_index=True).drop_duplicates(["sample_id", "chrom"])
    merged = base.merge(focal, on=["sample_id", "chrom"], how="left", suffixes=("", "_f"))
    inside = merged["start_f"].notna() & (merged["start_f"] >= merged["start"]) & (
        merged["end_f"] <= merged["end"])
    plain = merged.loc[~inside, ["sample_id", "chrom", "start", "end", "log2_ratio"]]
    split = merged.loc[inside]
    left = split.assign(end=split["start_f"])[plain.columns]
    mid = split.assign(start=split["start_f"], end=split["end_f"],
                       log2_ratio=split["log2_ratio_f"])[plain.columns]
    right = split.assign(start=split["end_f"])[plain.columns]
    out = pd.concat([plain, left, mid, right], ignore_index=True)
    out = out.loc[out["end"] > out["start"]]
    out["start"] = out["start"].astype(np.int64)
    out["end"] = out["end"].astype(np.int64)
    out["markers"] = ((out["end"] - out["start"]) // 10_000).astype(np.int64)
    return out.reset_index(drop=True)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    t0 = time.perf_counter()
    cohort = build(n)
    seg_n = len(cohort.table("cn_segments"))
    print(f"built {n} samples, {seg_n} segments ({seg_n / n:.1f}/sample) in "
          f"{time.perf_counter() - t0:.2f} s")
    times = []
    cpu = []
    summary = None
    for _ in range(repeats + 1):  # first run warms imports and caches of the band tables
        clear_cache()
        t, c = time.perf_counter(), time.process_time()
        summary = summarise(cohort)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert summary is not None
    print(f"alterations: {len(summary.matrix.labels)}, focal loci: {len(summary.focal_loci)}, "
          f"co-occurrence pairs: {len(summary.cooccurrence)}, "
          f"oncoprint rows: {len(summary.oncoprint.rows) if summary.oncoprint else 0}")
    runs = times[1:]
    print(f"full summary (no drawing), {n} samples: median {statistics.median(runs):.3f} s "
          f"(min {min(runs):.3f}, max {max(runs):.3f}, {len(runs)} runs; "
          f"warm-up {times[0]:.3f} s); CPU time median {statistics.median(cpu[1:]):.3f} s "
          "(less sensitive to other processes on a shared machine)")


if __name__ == "__main__":
    main()
