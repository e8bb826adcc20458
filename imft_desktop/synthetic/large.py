"""Large synthetic cohorts (1k-100k samples) for benchmarks and load tests."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from imft_desktop.model.schema import TABLES, TABLES_BY_NAME
from imft_desktop.model.vocab import SequencingAssay
from imft_desktop.synthetic.demo import _SITES, FISH_THRESHOLD, _breakpoint
from imft_desktop.synthetic.demo_files import new_workbook
from imft_desktop.synthetic.genome import (
    AUTOSOMAL_ARMS,
    BIN_SIZE,
    GENE_SPANS,
    HG38_CHROMOSOMES,
    VARIANTS_KNOWN,
    _arms,
)

EXCEL_MAX_ROWS = 1_048_576


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
        yield ("generator", f"imft_desktop.synthetic.make_large_cohort seed {d.seed}")

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
    wb = new_workbook(path, f"Synthetic large cohort ({n_samples} samples, not patient data)",
                      constant_memory=True)
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
