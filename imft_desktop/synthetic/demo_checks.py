"""Checks that the demo reproduces the published figures.

``check_demo_targets`` recomputes every target from the generated tables (denominators
through ``model.cohort.Cohort``, copy-number calls from the segments by an independent
arm/focal caller) and raises ``DemoTargetError`` when one is off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.model.vocab import Capability, SequencingAssay
from imft_desktop.synthetic.demo import (
    DEMO_CASES,
    DEMO_TARGETS,
    DemoCohort,
    DemoTargetError,
)
from imft_desktop.synthetic.genome import HG38_CHROMOSOMES, _arms


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
