"""Copy-number calling from segments: arm, whole-chromosome and focal events, burden,
recurrent focal loci and genome-wide frequencies.

Rules (every threshold is a field of ``CnaParams``; the defaults and why):

* **Segment level.**  A segment's log2 ratio ``r`` is called amplification when
  ``r >= 0.9``, gain when ``r >= 0.2``, deep deletion when ``r <= -1.1``, loss when
  ``r <= -0.2``, else neutral.  +-0.2 is the usual noise margin for single-copy changes in
  impure tumours (CNVkit's ``call`` thresholds are -0.25 / +0.2; one copy lost in a
  tumour of 60% purity gives log2(0.7) = -0.51, at 30% purity -0.23).  -1.1 is CNVkit's
  default boundary for zero copies; +0.9 (about 3.7 copies in a pure diploid tumour,
  log2(3.7/2)) is a common "high-level" amplification cut-off.
* **Arm events.**  For each sample and arm, the measured length is the part of the
  arm covered by segments.  An arm is *assessable* when at least ``min_arm_measured``
  (50%) of its length is measured; otherwise its status is unknown (not negative).
  The arm is called gained (lost) when segments called gain or amplification (loss or
  deep deletion) cover at least ``arm_fraction`` (50%) of its measured length; this is
  GISTIC's definition of a broad event (longer than half an arm).
* **Whole-chromosome events.**  Both arms assessable and called in the same direction;
  for acrocentric chromosomes (13, 14, 15, 21, 22), whose p arm is not measured, the q arm
  alone decides.  Loss of a whole chromosome is reported as "monosomy N".
* **Focal events.**  Consecutive segments of one sample and chromosome with the same
  level (gain, loss, amplification, deep deletion) are merged into one run.  An
  amplification or deep-deletion run is focal when it is no longer than
  ``focal_max_arm_fraction`` (50%) of the arm holding its midpoint (the complement of
  GISTIC's "broad"); a gain or loss run is focal when its whole same-direction stretch
  (gain with amplification, loss with deep deletion) is.  So a focal amplification inside
  a gained arm is seen, and the arm gain around it is not mistaken for focal gains.
* **Sex chromosomes** are left out by default: against a pooled or opposite-sex
  reference, X and Y ratios reflect sex, not tumour copy number.
* **Direct calls** (table CN_Calls: arm ``22q``, chromosome ``19``, band ``9p21.3``, gene
  ``CDKN2A``) are used as given and win over segment calls: a direct call on a
  chromosome replaces that sample's segment calls on both arms and the chromosome; a
  direct arm call replaces the sample's segment call on that arm, and the chromosome
  call is then re-derived from the direct arm and the other arm.  A CN-tested sample
  with no call on a region counts as not altered there.

Denominators: a sample counts as tested for copy number only through a done assay
covering it (``cohort.tested_for(Capability.COPY_NUMBER)``); segments of other samples
are ignored with a warning.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.analysis import cytobands
from imft_desktop.analysis.cytobands import ACROCENTRIC, CHROM_ORDER, CHROMOSOMES
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.vocab import Capability, CnaEvent

# Call levels of a segment or run.
AMP, GAIN, NEUTRAL, LOSS, DEEP = 2, 1, 0, -1, -2
LEVEL_EVENT: dict[int, str] = {
    AMP: str(CnaEvent.AMPLIFICATION),
    GAIN: str(CnaEvent.GAIN),
    LOSS: str(CnaEvent.LOSS),
    DEEP: str(CnaEvent.DEEP_DELETION),
}
EVENT_LEVEL: dict[str, int] = {v: k for k, v in LEVEL_EVENT.items()} | {"neutral": NEUTRAL}

#: Loose spellings accepted in CN_Calls' event column (the importer normalises most).
_EVENT_ALIASES = {
    "gain": "gain",
    "loss": "loss",
    "amplification": "amplification",
    "amp": "amplification",
    "amplified": "amplification",
    "deep deletion": "deep deletion",
    "homdel": "deep deletion",
    "homozygous deletion": "deep deletion",
    "deletion": "loss",
    "del": "loss",
    "neutral": "neutral",
}

SEG_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sample_id": ("sample_id", "id", "sample", "tumor_sample_barcode", "sampleid"),
    "chrom": ("chrom", "chromosome", "chr"),
    "start": ("start", "loc.start", "start.bp", "startpos", "start_position"),
    "end": ("end", "loc.end", "end.bp", "endpos", "end_position"),
    "markers": ("markers", "num.mark", "num_probes", "num.markers", "nprobes", "num_markers"),
    "log2_ratio": ("log2_ratio", "seg.mean", "segment_mean", "seg.cn", "log2", "mean"),
}


@dataclass(frozen=True)
class CnaParams:
    """Thresholds of copy-number calling (see the module docstring for the rationale).

    ``assembly`` None means the cohort's (study key ``assembly``, else the sequencing
    table's, else hg38).
    """

    assembly: str | None = None
    gain_log2: float = 0.2
    loss_log2: float = -0.2
    amp_log2: float = 0.9
    deep_del_log2: float = -1.1
    arm_fraction: float = 0.5
    min_arm_measured: float = 0.5
    focal_max_arm_fraction: float = 0.5
    include_sex_chromosomes: bool = False
    #: Recurrent focal loci enter the alteration matrix when shared by at least
    #: max(min_samples, this fraction of the samples with segments): in a cohort of 24
    #: that is 2 samples; in 10,000 it keeps noise loci out of every table.
    focal_matrix_min_fraction: float = 0.05

    def __post_init__(self) -> None:
        if not self.deep_del_log2 <= self.loss_log2 < 0 < self.gain_log2 <= self.amp_log2:
            raise ValueError(
                "need deep_del_log2 <= loss_log2 < 0 < gain_log2 <= amp_log2"
            )
        if not 0 <= self.focal_matrix_min_fraction <= 1:
            raise ValueError("focal_matrix_min_fraction must be in [0, 1]")
        for name in ("arm_fraction", "min_arm_measured", "focal_max_arm_fraction"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1]")
        if self.assembly is not None:
            object.__setattr__(self, "assembly", cytobands.normalise_assembly(self.assembly))

    @property
    def genome(self) -> str:
        return self.assembly or "hg38"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One sentence for methods sections."""
        return (
            f"Segments called gain at log2 >= {self.gain_log2:g}, loss at <= {self.loss_log2:g}, "
            f"amplification at >= {self.amp_log2:g}, deep deletion at <= {self.deep_del_log2:g}; "
            f"arm events when >= {self.arm_fraction:.0%} of the measured arm is altered in one "
            f"direction (arm assessable when >= {self.min_arm_measured:.0%} measured); whole "
            "chromosome when both arms (acrocentric: the q arm) agree; focal when a run is "
            f"<= {self.focal_max_arm_fraction:.0%} of its arm; cytobands {self.genome} (UCSC)."
        )


# --------------------------------------------------------------------------- inputs
def segments_from_seg(df: pd.DataFrame) -> pd.DataFrame:
    """Rename a SEG-layout table (IGV / cBioPortal / CBS / maftools column names, e.g.
    ``ID, chrom, loc.start, loc.end, num.mark, seg.mean``) to the canonical CN_Segments
    columns ``sample_id, chrom, start, end, markers, log2_ratio``.

    Chromosomes are normalised (``chr7`` -> ``7``, ``23`` -> ``X``); values that are
    numbers in text (``-8e-04``) are parsed.  When no header matches, the six columns are
    taken in SEG order.
    """
    lower = {str(c).strip().casefold(): c for c in df.columns}
    rename: dict[Any, str] = {}
    for canon, aliases in SEG_COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in lower and lower[alias] not in rename:
                rename[lower[alias]] = canon
                break
    if len(set(rename.values()) & {"sample_id", "chrom", "start", "end", "log2_ratio"}) < 5:
        if df.shape[1] < 5:
            raise ValueError("a SEG table needs sample, chrom, start, end and log2 columns")
        cols = list(df.columns)
        order = ["sample_id", "chrom", "start", "end"] + (
            ["markers", "log2_ratio"] if df.shape[1] >= 6 else ["log2_ratio"]
        )
        rename = dict(zip(cols, order))
    out = df.rename(columns=rename).loc[:, list(dict.fromkeys(rename.values()))].copy()
    if "markers" not in out.columns:
        out["markers"] = np.nan
    out["sample_id"] = out["sample_id"].astype(str)
    chrom_map = {v: cytobands.normalise_chrom(v) for v in pd.unique(out["chrom"])}
    out["chrom"] = out["chrom"].map(chrom_map)
    for col in ("start", "end", "markers", "log2_ratio"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out.loc[:, ["sample_id", "chrom", "start", "end", "markers", "log2_ratio"]]


@dataclass
class _Segs:
    """Cleaned, sorted segment arrays of CN-tested samples."""

    sample: np.ndarray  # int codes into ``samples``
    chrom: np.ndarray  # int index into CHROMOSOMES
    start: np.ndarray
    end: np.ndarray
    log2: np.ndarray
    level: np.ndarray
    samples: list[str]
    dropped: int = 0
    outside: set[str] = field(default_factory=set)  # sample ids left out (not tested)

    @property
    def n(self) -> int:
        return len(self.start)


def _clean_segments(
    seg: pd.DataFrame, params: CnaParams, keep_samples: set[str] | None = None
) -> _Segs:
    """Drop unusable rows (and samples outside ``keep_samples``), code and sort."""
    empty = np.array([], dtype=np.int64)
    if seg.empty:
        return _Segs(empty, empty, empty, empty, empty.astype(float), empty, [])
    # Factorise once; work on the few unique sample ids / chromosome names.
    scodes, suniq = pd.factorize(seg["sample_id"], sort=False)
    suniq_s = np.array([str(u) for u in suniq], dtype=object)
    ccodes, cuniq = pd.factorize(seg["chrom"], sort=False)
    allowed = set(CHROMOSOMES if params.include_sex_chromosomes else CHROMOSOMES[:22])
    lut = np.array(
        [CHROM_ORDER.get(c, -1) if (c := cytobands.normalise_chrom(u)) in allowed else -1
         for u in cuniq] + [-1],
        dtype=np.int64,
    )
    chrom_idx = lut[ccodes]  # code -1 (missing) picks the trailing -1
    start = _as_float(seg["start"])
    end = _as_float(seg["end"])
    log2 = _as_float(seg["log2_ratio"])
    ok = (chrom_idx >= 0) & np.isfinite(start) & np.isfinite(end) & np.isfinite(log2)
    ok &= end > start
    ok &= scodes >= 0
    dropped = int((~ok).sum())
    outside: set[str] = set()
    if keep_samples is not None:
        keep_code = np.array([u in keep_samples for u in suniq_s] + [False])
        outside = {u for u in suniq_s if u not in keep_samples}
        ok &= keep_code[scodes]
    used = np.unique(scodes[ok])
    remap = np.full(len(suniq_s) + 1, -1, dtype=np.int64)
    # Sample codes in order of first appearance among the kept rows.
    first = pd.unique(scodes[ok])
    remap[first] = np.arange(len(first))
    codes = remap[scodes[ok]]
    del used
    start_i, end_i, lg = start[ok].astype(np.int64), end[ok].astype(np.int64), log2[ok]
    ci = chrom_idx[ok]
    # Sheets usually list segments in order already: check (O(n)) before sorting.
    if len(codes) > 1 and _is_sorted(codes, ci, start_i):
        order = np.arange(len(codes))
    else:
        order = np.lexsort((start_i, ci, codes))
    lg = lg[order]
    level = np.zeros(len(lg), dtype=np.int64)
    level[lg >= params.gain_log2] = GAIN
    level[lg >= params.amp_log2] = AMP
    level[lg <= params.loss_log2] = LOSS
    level[lg <= params.deep_del_log2] = DEEP
    return _Segs(
        codes[order], ci[order], start_i[order], end_i[order], lg, level,
        [str(x) for x in suniq_s[first]], dropped, outside,
    )


def _is_sorted(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> bool:
    """True when rows are in lexicographic (a, b, c) order."""
    da, db, dc = np.diff(a), np.diff(b), np.diff(c)
    return bool(np.all((da > 0) | ((da == 0) & ((db > 0) | ((db == 0) & (dc >= 0))))))


def _as_float(col: pd.Series) -> np.ndarray:
    if col.dtype.kind in "iuf":
        return col.to_numpy(dtype=float)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def _segs_from_df(segments_df: pd.DataFrame, params: CnaParams) -> _Segs:
    if "log2_ratio" not in segments_df.columns:
        segments_df = segments_from_seg(segments_df)
    return _clean_segments(segments_df, params)


# --------------------------------------------------------------------------- arm calls
def _bounds_arrays(assembly: str) -> dict[str, np.ndarray]:
    b = cytobands.arm_bounds(assembly).loc[list(CHROMOSOMES)]
    return {
        "p_end": b["p_end"].to_numpy(np.int64),
        "q_start": b["q_start"].to_numpy(np.int64),
        "length": b["length"].to_numpy(np.int64),
    }


_ACRO = np.array([c in ACROCENTRIC for c in CHROMOSOMES])
_REGION = np.array([[f"{c}p", f"{c}q"] for c in CHROMOSOMES], dtype=object)
_CHROM_NAMES = np.array(CHROMOSOMES, dtype=object)
_EVENT_NAMES = np.array(["", "gain", "loss"], dtype=object)  # index by level: 1 -> 1, -1 -> 2


@dataclass
class _Arms:
    """Dense per (sample, chromosome, arm) measurements; arm index 0 = p, 1 = q."""

    measured: np.ndarray  # bp covered by segments
    gain_bp: np.ndarray
    loss_bp: np.ndarray
    mean_log2: np.ndarray  # NaN when nothing measured
    assessable: np.ndarray  # bool
    level: np.ndarray  # GAIN / LOSS / NEUTRAL (arm call)
    chrom_level: np.ndarray  # (samples, chroms): whole-chromosome GAIN / LOSS / NEUTRAL


def _arm_arrays(s: _Segs, params: CnaParams) -> _Arms:
    nchrom = len(CHROMOSOMES)
    ns = len(s.samples)
    size = ns * nchrom * 2
    b = _bounds_arrays(params.genome)
    arm_start = np.stack([np.zeros(nchrom, np.int64), b["q_start"]], axis=1)
    arm_end = np.stack([b["p_end"], b["length"]], axis=1)
    flat: dict[str, np.ndarray] = {k: np.zeros(size) for k in ("m", "g", "l", "w")}
    for arm_i in (0, 1):
        lo = np.maximum(s.start, arm_start[s.chrom, arm_i])
        hi = np.minimum(s.end, arm_end[s.chrom, arm_i])
        ov = np.clip(hi - lo, 0, None).astype(float)
        key = (s.sample * nchrom + s.chrom) * 2 + arm_i
        flat["m"] += np.bincount(key, ov, size)
        flat["g"] += np.bincount(key, ov * (s.level > 0), size)
        flat["l"] += np.bincount(key, ov * (s.level < 0), size)
        flat["w"] += np.bincount(key, ov * s.log2, size)
    shape = (ns, nchrom, 2)
    measured, gain_bp, loss_bp, wlog2 = (flat[k].reshape(shape) for k in ("m", "g", "l", "w"))
    arm_len = (arm_end - arm_start).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        gain_f = gain_bp / measured
        loss_f = loss_bp / measured
        mean = wlog2 / measured
    assessable = measured >= params.min_arm_measured * arm_len[None, :, :]
    assessable &= measured > 0
    level = np.where(
        assessable & (gain_f >= params.arm_fraction) & (gain_f > loss_f), GAIN,
        np.where(assessable & (loss_f >= params.arm_fraction) & (loss_f > gain_f), LOSS,
                 NEUTRAL),
    ).astype(np.int8)
    p_lvl, q_lvl = level[:, :, 0], level[:, :, 1]
    p_ok, q_ok = assessable[:, :, 0], assessable[:, :, 1]
    both = p_ok & q_ok & (p_lvl == q_lvl)
    chrom_level = np.where(
        _ACRO[None, :], np.where(q_ok, q_lvl, NEUTRAL), np.where(both, p_lvl, NEUTRAL)
    ).astype(np.int8)
    return _Arms(measured, gain_bp, loss_bp, mean, assessable, level, chrom_level)


def _arm_events(s: _Segs, arms: _Arms) -> pd.DataFrame:
    """Arm-level and whole-chromosome events as a long table."""
    samples = np.array(s.samples, dtype=object)
    si, ci, ai = np.nonzero(arms.level != NEUTRAL)
    lvl = arms.level[si, ci, ai]
    m = arms.measured[si, ci, ai]
    frac = np.where(lvl > 0, arms.gain_bp[si, ci, ai], arms.loss_bp[si, ci, ai]) / m
    arm_rows = pd.DataFrame(
        {
            "sample_id": samples[si],
            "chrom": _CHROM_NAMES[ci],
            "region": _REGION[ci, ai],
            "kind": "arm",
            "event": _EVENT_NAMES[np.where(lvl > 0, 1, 2)],
            "fraction_altered": frac,
            "mean_log2": arms.mean_log2[si, ci, ai],
        }
    )
    si, ci = np.nonzero(arms.chrom_level != NEUTRAL)
    lvl = arms.chrom_level[si, ci]
    # Acrocentric chromosomes: the q arm alone.
    use_p = ~_ACRO[ci]
    meas = arms.measured[si, ci, 1] + np.where(use_p, arms.measured[si, ci, 0], 0)
    alt_q = np.where(lvl > 0, arms.gain_bp[si, ci, 1], arms.loss_bp[si, ci, 1])
    alt_p = np.where(lvl > 0, arms.gain_bp[si, ci, 0], arms.loss_bp[si, ci, 0])
    wlog = arms.mean_log2[si, ci, 1] * arms.measured[si, ci, 1] + np.where(
        use_p, np.nan_to_num(arms.mean_log2[si, ci, 0]) * arms.measured[si, ci, 0], 0
    )
    chrom_rows = pd.DataFrame(
        {
            "sample_id": samples[si],
            "chrom": _CHROM_NAMES[ci],
            "region": _CHROM_NAMES[ci],
            "kind": "chromosome",
            "event": _EVENT_NAMES[np.where(lvl > 0, 1, 2)],
            "fraction_altered": (alt_q + np.where(use_p, alt_p, 0)) / meas,
            "mean_log2": wlog / meas,
        }
    )
    return pd.concat([arm_rows, chrom_rows], ignore_index=True)


def call_arm_events(segments_df: pd.DataFrame, params: CnaParams | None = None) -> pd.DataFrame:
    """Arm-level and whole-chromosome events from segments.

    Parameters
    ----------
    segments_df:
        Canonical CN_Segments columns (or a SEG layout, see ``segments_from_seg``).
    params:
        Thresholds; ``CnaParams()`` by default (hg38 unless ``params.assembly``).

    Returns
    -------
    DataFrame
        ``sample_id, chrom, region ("22q" or "19"), kind ("arm"/"chromosome"),
        event ("gain"/"loss"), fraction_altered, mean_log2``; altered regions only.
    """
    params = params or CnaParams()
    s = _segs_from_df(segments_df, params)
    return _arm_events(s, _arm_arrays(s, params))


# --------------------------------------------------------------------------- runs / focal
@dataclass
class _Runs:
    sample: np.ndarray
    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray
    level: np.ndarray
    mean_log2: np.ndarray
    n_segments: np.ndarray
    focal: np.ndarray
    arm_fraction: np.ndarray


def _runs(s: _Segs, params: CnaParams) -> _Runs:
    """Merge consecutive segments with the same level; keep altered runs."""
    if s.n == 0:
        e = np.array([], dtype=np.int64)
        return _Runs(e, e, e, e, e, e.astype(float), e, e.astype(bool), e.astype(float))
    new = np.ones(s.n, dtype=bool)
    new[1:] = (
        (s.sample[1:] != s.sample[:-1])
        | (s.chrom[1:] != s.chrom[:-1])
        | (s.level[1:] != s.level[:-1])
    )
    idx = np.flatnonzero(new)
    length = (s.end - s.start).astype(float)
    run_len_w = np.add.reduceat(length, idx)
    run_log = np.add.reduceat(length * s.log2, idx) / run_len_w
    run_end = np.maximum.reduceat(s.end, idx)
    n_seg = np.diff(np.append(idx, s.n))
    # Direction runs (gain with amplification, loss with deep deletion): a single-copy
    # gain or loss is focal only when its whole same-direction stretch is, so that an
    # amplification inside a gained arm does not leave "focal gains" on either side.
    sign = np.sign(s.level[idx])
    dnew = np.ones(len(idx), dtype=bool)
    dnew[1:] = (
        (s.sample[idx][1:] != s.sample[idx][:-1])
        | (s.chrom[idx][1:] != s.chrom[idx][:-1])
        | (sign[1:] != sign[:-1])
    )
    dir_id = np.cumsum(dnew) - 1
    dir_first = np.flatnonzero(dnew)
    dir_len = (np.maximum.reduceat(run_end, dir_first) - s.start[idx][dir_first])[dir_id]
    keep = s.level[idx] != NEUTRAL
    idx, run_log, run_end, n_seg = idx[keep], run_log[keep], run_end[keep], n_seg[keep]
    dir_len = dir_len[keep]
    chrom, start = s.chrom[idx], s.start[idx]
    b = _bounds_arrays(params.genome)
    mid = (start + run_end) // 2
    q = mid >= b["q_start"][chrom]
    arm_len = np.where(q, b["length"][chrom] - b["q_start"][chrom], b["p_end"][chrom])
    judged = np.where(np.abs(s.level[idx]) == 2, run_end - start, dir_len)
    frac = judged / arm_len
    return _Runs(
        s.sample[idx],
        chrom,
        start,
        run_end,
        s.level[idx],
        run_log,
        n_seg,
        frac <= params.focal_max_arm_fraction,
        frac,
    )


def _focal_frame(s: _Segs, r: _Runs, params: CnaParams, with_bands: bool = True) -> pd.DataFrame:
    f = r.focal
    names = np.array(CHROMOSOMES, dtype=object)
    samples = np.array(s.samples, dtype=object)
    df = pd.DataFrame(
        {
            "sample_id": samples[r.sample[f]] if f.any() else [],
            "chrom": names[r.chrom[f]] if f.any() else [],
            "start": r.start[f],
            "end": r.end[f],
            "length": r.end[f] - r.start[f],
            "event": [LEVEL_EVENT[int(x)] for x in r.level[f]],
            "mean_log2": r.mean_log2[f],
            "arm_fraction": r.arm_fraction[f],
            "n_segments": r.n_segments[f],
        }
    )
    if with_bands and len(df):
        df["cytoband"] = [
            cytobands.band_range(c, int(a), int(e), params.genome)
            for c, a, e in zip(df["chrom"], df["start"], df["end"])
        ]
    elif with_bands:
        df["cytoband"] = pd.Series(dtype=object)
    return df


def call_focal_events(
    segments_df: pd.DataFrame, params: CnaParams | None = None, with_bands: bool = True
) -> pd.DataFrame:
    """Focal events (runs no longer than ``focal_max_arm_fraction`` of their arm).

    Returns
    -------
    DataFrame
        ``sample_id, chrom, start, end, length, event, mean_log2 (length-weighted),
        arm_fraction, n_segments`` and ``cytoband`` (e.g. ``"9p21.3"``) when
        ``with_bands``.
    """
    params = params or CnaParams()
    s = _segs_from_df(segments_df, params)
    return _focal_frame(s, _runs(s, params), params, with_bands)


# --------------------------------------------------------------------------- cohort level
@dataclass
class CohortCn:
    """Everything computed from one cohort's copy-number data with one set of params."""

    params: CnaParams
    tested: list[str]  # CN-tested sample ids, cohort order
    segs: _Segs
    arms: _Arms  # dense arm measurements and calls of the segment samples
    runs: _Runs
    direct: pd.DataFrame  # parsed direct calls of tested samples
    warnings: list[str] = field(default_factory=list)
    loci: dict[int, pd.DataFrame] = field(default_factory=dict)  # by min_samples

    @property
    def segment_samples(self) -> set[str]:
        return set(self.segs.samples)


_CACHE: dict[tuple[int, CnaParams], CohortCn] = {}
_CACHE_LOCK = threading.Lock()


def resolve_params(cohort: Cohort, params: CnaParams | None) -> CnaParams:
    """Fill ``params.assembly`` from the cohort when it is None."""
    params = params or CnaParams()
    if params.assembly is not None:
        return params
    assembly = cohort.study.get("assembly")
    if not assembly:
        seq = cohort.table("sequencing")
        vals = seq["assembly"].dropna().astype(str).str.strip() if not seq.empty else []
        vals = [v for v in vals if v]
        assembly = vals[0] if vals else "hg38"
    try:
        return replace(params, assembly=cytobands.normalise_assembly(assembly))
    except ValueError:
        return replace(params, assembly="hg38")


def cohort_cn(cohort: Cohort, params: CnaParams | None = None) -> CohortCn:
    """Prepare (and cache per cohort object and params) the cohort's copy-number calls.

    The cohort is treated as immutable (as the model asks); the cache entry goes when the
    cohort object is garbage-collected.
    """
    params = resolve_params(cohort, params)
    key = (id(cohort), params)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    result = _build_cohort_cn(cohort, params)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = result
            weakref.finalize(cohort, _CACHE.pop, key, None)
    return result


def _build_cohort_cn(cohort: Cohort, params: CnaParams) -> CohortCn:
    warnings: list[str] = []
    seq = cohort.table("sequencing")
    if not seq.empty:
        named = {
            cytobands.ASSEMBLY_ALIASES.get(str(a).strip().casefold(), str(a).strip())
            for a in seq["assembly"].dropna() if str(a).strip()
        }
        if len(named) > 1:
            warnings.append(
                f"The sequencing sheet names several assemblies ({', '.join(sorted(named))}); "
                f"all segments were read as {params.genome}."
            )
        elif named and named != {params.genome}:
            warnings.append(
                f"The sequencing sheet says {next(iter(named))} but segments were read as "
                f"{params.genome} (study setting or option); check the assembly."
            )
    tested_set = cohort.tested_for(Capability.COPY_NUMBER)
    tested = [sid for sid in cohort.sample_ids if sid in tested_set]
    seg = cohort.table("cn_segments")
    s = _clean_segments(seg, params, keep_samples=tested_set)
    if s.outside:
        warnings.append(
            f"Segments of {len(s.outside)} sample(s) without a done copy-number assay were "
            "left out (not tested is not negative)."
        )
    if s.dropped:
        warnings.append(f"{s.dropped} segment(s) without usable coordinates or log2 ignored"
                        + ("" if params.include_sex_chromosomes else " (or on X/Y)") + ".")
    arms = _arm_arrays(s, params)
    runs = _runs(s, params)
    direct = _direct_calls(cohort, tested_set, params, warnings)
    return CohortCn(params, tested, s, arms, runs, direct, warnings)


def _direct_calls(
    cohort: Cohort, tested: set[str], params: CnaParams, warnings: list[str]
) -> pd.DataFrame:
    cols = ["sample_id", "region", "region_kind", "chrom", "start", "end", "event"]
    calls = cohort.table("cn_calls")
    if calls.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    skipped_untested: set[str] = set()
    bad = 0
    for sid, region, event in zip(calls["sample_id"], calls["region"], calls["event"]):
        sid = str(sid)
        if sid not in tested:
            skipped_untested.add(sid)
            continue
        ev = _EVENT_ALIASES.get(str(event).strip().casefold()) if event is not None else None
        if ev is None or region is None or not str(region).strip():
            bad += 1
            continue
        reg = cytobands.parse_region(str(region), params.genome)
        if reg.kind == "chromosome" and reg.chrom in ACROCENTRIC:
            # Acrocentric: the whole chromosome is the q arm (see module docstring).
            reg = cytobands.parse_region(f"{reg.chrom}q", params.genome)
        rows.append((sid, reg.text, reg.kind, reg.chrom, reg.start, reg.end, ev))
    if skipped_untested:
        warnings.append(
            f"Copy-number calls of {len(skipped_untested)} sample(s) without a done "
            "copy-number assay were left out."
        )
    if bad:
        warnings.append(f"{bad} copy-number call(s) without a region or a known event ignored.")
    df = pd.DataFrame(rows, columns=cols)
    return df.drop_duplicates(["sample_id", "region"], keep="last")


# --------------------------------------------------------------------------- burden
def cna_burden(cohort: Cohort, params: CnaParams | None = None) -> pd.DataFrame:
    """Copy-number burden per included sample.

    ``altered_regions``: for samples with segments, the number of altered runs (consecutive
    segments with the same call level merged; broad and focal alike); for samples with
    direct calls only, the number of altered direct calls.  ``fraction_genome_altered``:
    altered bp / measured bp over the called chromosomes (segments only; NaN otherwise).
    Samples not tested for copy number have ``tested`` False and NaN values.

    Returns
    -------
    DataFrame
        ``sample_id, tested, source ("segments"/"calls"/"none"), altered_regions,
        n_arm_events, n_focal_events, fraction_genome_altered`` in cohort order.
    """
    cn = cohort_cn(cohort, params)
    ids = cohort.sample_ids
    n = len(ids)
    s, r = cn.segs, cn.runs
    ns = len(s.samples)
    code = {sid: i for i, sid in enumerate(s.samples)}
    seg_regions = np.bincount(r.sample, minlength=ns)
    seg_focal = np.bincount(r.sample[r.focal], minlength=ns)
    length = (s.end - s.start).astype(float)
    measured = np.bincount(s.sample, length, ns)
    altered = np.bincount(s.sample, length * (s.level != 0), ns)
    arm_counts = (cn.arms.level != NEUTRAL).sum(axis=(1, 2))
    direct = cn.direct.loc[cn.direct["event"] != "neutral"]
    direct_counts = direct["sample_id"].value_counts()
    direct_arm_counts = direct.loc[
        direct["region_kind"].isin(["arm", "chromosome"]), "sample_id"
    ].value_counts()
    with_calls = set(cn.direct["sample_id"])
    tested = set(cn.tested)
    is_tested = np.zeros(n, bool)
    source = np.full(n, "none", dtype=object)
    regions = np.full(n, np.nan)
    arm_n = np.full(n, np.nan)
    focal_n = np.full(n, np.nan)
    fga = np.full(n, np.nan)
    for i, sid in enumerate(ids):
        if sid not in tested:
            continue
        is_tested[i] = True
        j = code.get(sid)
        if j is not None:
            source[i] = "segments"
            regions[i] = seg_regions[j]
            focal_n[i] = seg_focal[j]
            arm_n[i] = arm_counts[j]
            fga[i] = altered[j] / measured[j] if measured[j] else 0.0
        else:
            source[i] = "calls" if sid in with_calls else "none"
            regions[i] = direct_counts.get(sid, 0)
            arm_n[i] = direct_arm_counts.get(sid, 0)
    out = {
        "sample_id": ids,
        "tested": is_tested,
        "source": source,
        "altered_regions": regions,
        "n_arm_events": arm_n,
        "n_focal_events": focal_n,
        "fraction_genome_altered": fga,
    }
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- recurrent loci
def focal_min_samples(cn: CohortCn, min_samples: int = 2) -> int:
    """The one recurrence threshold of focal loci, for the loci table and the matrix alike:
    at least ``min_samples`` samples, and at least ``focal_matrix_min_fraction`` of the
    samples with segments (2 of 24; 500 of 10,000, which keeps noise loci out)."""
    if min_samples < 1:
        raise ValueError("min_samples must be at least 1")
    share = cn.params.focal_matrix_min_fraction * len(cn.segs.samples)
    return max(min_samples, int(np.ceil(share)))


def recurrent_focal_loci(
    cohort: Cohort, params: CnaParams | None = None, min_samples: int = 2
) -> pd.DataFrame:
    """Focal loci altered in the same direction in at least ``min_samples`` samples.

    Found from segments (minimal common regions): per chromosome and direction
    (gain-like = gain or amplification; loss-like = loss or deep deletion), count at each
    base the samples with a focal event covering it.  Every maximal stretch where that
    count is at least ``min_samples`` and higher than on both neighbouring stretches (a
    local peak plateau) is one locus: the minimal region shared by the most samples
    there.  This is the "recurrent in >= k samples" rule, not GISTIC's G-score (which
    needs large cohorts); it carries no p-value.  A direct call has no breakpoints to
    narrow a region, so only segments find loci.

    Counted over every sample tested for copy number, exactly as the locus's column of
    the alteration matrix (same ``label``): a sample with segments is altered when its
    focal event covers the locus and tested when a segment covers the locus's midpoint;
    a sample with direct calls only is tested everywhere and altered when it lists a
    band overlapping the locus in that direction (not listed = not altered, the rule of
    direct calls); a direct band call overlapping the locus decides for its sample.

    Returns
    -------
    DataFrame
        ``locus ("9:21900000-22000000"), chrom, start, end, cytoband, event ("gain" or
        "loss"), n_samples (altered), n_high_level (amplifications / deep deletions among
        them), n_tested (samples assessable at the locus), samples (tuple of the altered
        ids, cohort order), label`` (the matrix column), genome order.
    """
    if min_samples < 1:
        raise ValueError("min_samples must be at least 1")
    cn = cohort_cn(cohort, params)
    return _recurrent_loci(cn, min_samples)


def _recurrent_loci(cn: CohortCn, min_samples: int) -> pd.DataFrame:
    hit = cn.loci.get(min_samples)
    if hit is None:
        hit = cn.loci[min_samples] = _find_loci(cn, min_samples)
    return hit.copy()


class _LocusContext:
    """What counting a region over the CN-tested samples needs, prepared once."""

    def __init__(self, cn: CohortCn) -> None:
        s = cn.segs
        self.cn = cn
        self.pos = {sid: i for i, sid in enumerate(cn.tested)}
        self.seg_rows = np.array([self.pos[sid] for sid in s.samples], dtype=np.int64)
        self.has_seg = np.zeros(len(cn.tested), bool)
        self.has_seg[self.seg_rows] = True
        order = np.argsort(s.chrom, kind="stable")
        bounds = np.searchsorted(s.chrom[order], np.arange(len(CHROMOSOMES) + 1))
        self.by_chrom = {ci: order[bounds[ci]:bounds[ci + 1]] for ci in range(len(CHROMOSOMES))}
        d = cn.direct
        self.bands = d.loc[(d["region_kind"] == "band") & d["start"].notna()]

    def measured(self, chrom: str, start: int, end: int) -> np.ndarray:
        """Samples assessable on ``chrom:start-end``: a segment covers its midpoint, the
        sample has direct calls only (tested everywhere), or a direct band call on it."""
        s = self.cn.segs
        mid = (start + end) // 2
        idx = self.by_chrom[CHROM_ORDER[chrom]]
        m = idx[(s.start[idx] <= mid) & (s.end[idx] > mid)]
        out = ~self.has_seg
        out[self.seg_rows[np.unique(s.sample[m])]] = True
        out[[self.pos[x] for x in self.band_calls(chrom, start, end)["sample_id"]]] = True
        return out

    def band_calls(self, chrom: str, start: int, end: int) -> pd.DataFrame:
        """Direct band calls overlapping ``chrom:start-end`` (any event)."""
        b = self.bands
        return b.loc[(b["chrom"] == chrom) & (b["start"] < end) & (b["end"] > start)]

    def values(self, chrom: str, start: int, end: int, samples: Any) -> np.ndarray:
        """1 altered (``samples``), 0 assessable, NaN not assessable, over ``cn.tested``."""
        values = np.where(self.measured(chrom, start, end), 0.0, np.nan)
        values[[self.pos[x] for x in samples]] = 1.0
        return values


def _find_loci(cn: CohortCn, min_samples: int) -> pd.DataFrame:
    cols = [
        "locus", "chrom", "start", "end", "cytoband", "event", "n_samples",
        "n_high_level", "n_tested", "samples", "label",
    ]
    r, s = cn.runs, cn.segs
    rows: list[tuple[Any, ...]] = []
    f = r.focal
    names = np.array(s.samples, dtype=object)
    for direction, name in ((1, "gain"), (-1, "loss")):
        sel = f & (np.sign(r.level) == direction)
        if sel.sum() < min_samples:
            continue
        for ci in np.unique(r.chrom[sel]):
            m = sel & (r.chrom == ci)
            starts, ends = r.start[m], r.end[m]
            samp, high = r.sample[m], np.abs(r.level[m]) == 2
            peaks = _peak_plateaus(starts, ends, min_samples)
            if not peaks:
                continue
            pa = np.array([p[0] for p in peaks])
            pb = np.array([p[1] for p in peaks])
            pk, iv = _covering(pa, pb, starts, ends)
            order = np.lexsort((samp[iv], pk))
            pk, iv = pk[order], iv[order]
            # One sample counts once per locus even if its runs overlap (malformed input).
            first = np.ones(len(pk), dtype=bool)
            first[1:] = (pk[1:] != pk[:-1]) | (samp[iv][1:] != samp[iv][:-1])
            pk, iv = pk[first], iv[first]
            counts = np.bincount(pk, minlength=len(peaks))
            groups = np.split(names[samp[iv]], np.cumsum(counts)[:-1])
            highs = np.split(high[iv], np.cumsum(counts)[:-1])
            chrom = CHROMOSOMES[int(ci)]
            for k in range(len(peaks)):
                if counts[k] < min_samples:
                    continue
                rows.append(
                    (
                        f"{chrom}:{pa[k]}-{pb[k]}", chrom, int(pa[k]), int(pb[k]), "", name,
                        0, 0, 0, (tuple(groups[k]), tuple(groups[k][highs[k]])), "",
                    )
                )
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        df["cytoband"] = cytobands.band_ranges(
            df["chrom"].to_numpy(), df["start"].to_numpy(), df["end"].to_numpy(),
            cn.params.genome,
        )
        df = df.sort_values(
            ["chrom", "start"], key=lambda c: c.map(CHROM_ORDER) if c.name == "chrom" else c
        ).reset_index(drop=True)
        _count_loci(cn, df)
    return df


def _count_loci(cn: CohortCn, df: pd.DataFrame) -> None:
    """Fill ``n_samples, n_high_level, n_tested, samples, label`` of found loci (whose
    ``samples`` hold the (carriers, high-level carriers) from segments) over every
    CN-tested sample, by the rule in ``recurrent_focal_loci``."""
    ctx = _LocusContext(cn)
    n = len(cn.tested)
    labels = [f"{band} {event} (focal)" for band, event in zip(df["cytoband"], df["event"])]
    dup = pd.Series(labels).duplicated(keep=False).to_numpy()
    out: dict[str, list[Any]] = {k: [] for k in
                                 ("n_samples", "n_high_level", "n_tested", "samples", "label")}
    for k, row in enumerate(df.itertuples(index=False)):
        carriers, high_carriers = row.samples
        altered = np.zeros(n, bool)
        high = np.zeros(n, bool)
        altered[[ctx.pos[x] for x in carriers]] = True
        high[[ctx.pos[x] for x in high_carriers]] = True
        direction = 1 if row.event == "gain" else -1
        calls = ctx.band_calls(row.chrom, row.start, row.end)
        if len(calls):
            # Direct calls decide for their samples (any of a sample's calls in the
            # locus's direction makes it altered; high-level when that call is).
            levels = calls["event"].map(EVENT_LEVEL).to_numpy()
            same = np.sign(levels) == direction
            rows_ = np.array([ctx.pos[x] for x in calls["sample_id"]])
            altered[rows_] = False
            high[rows_] = False
            altered[rows_[same]] = True
            high[rows_[same & (np.abs(levels) == 2)]] = True
        measured = ctx.measured(row.chrom, row.start, row.end)
        out["n_samples"].append(int(altered.sum()))
        out["n_high_level"].append(int(high.sum()))
        out["n_tested"].append(int((measured | altered).sum()))
        out["samples"].append(tuple(cn.tested[i] for i in np.flatnonzero(altered)))
        out["label"].append(
            f"{row.cytoband} {row.event} (focal, {row.locus})" if dup[k] else labels[k])
    for key, values in out.items():
        df[key] = values


def _covering(
    pa: np.ndarray, pb: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(peak index, interval index) pairs where interval overlaps [pa, pb)."""
    pk_parts, iv_parts = [], []
    chunk = max(1, 2_000_000 // max(len(starts), 1))
    for lo in range(0, len(pa), chunk):
        a, b = pa[lo:lo + chunk, None], pb[lo:lo + chunk, None]
        pk, iv = np.nonzero((starts[None, :] < b) & (ends[None, :] > a))
        pk_parts.append(pk + lo)
        iv_parts.append(iv)
    return np.concatenate(pk_parts), np.concatenate(iv_parts)


def _peak_plateaus(
    starts: np.ndarray, ends: np.ndarray, min_count: int
) -> list[tuple[int, int]]:
    """Local-maximum plateaus of the interval coverage with count >= ``min_count``."""
    pos = np.concatenate([starts, ends])
    delta = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    order = np.argsort(pos, kind="stable")
    pos, delta = pos[order], delta[order]
    bps, inv = np.unique(pos, return_inverse=True)
    step = np.bincount(inv, delta, len(bps))
    cover = np.cumsum(step)[:-1].astype(np.int64)  # coverage on [bps[i], bps[i+1])
    if not len(cover):
        return []
    # Collapse equal neighbours into plateaus, then keep plateaus above both sides.
    change = np.flatnonzero(np.diff(cover)) + 1
    p_start = np.concatenate([[0], change])
    p_end = np.concatenate([change, [len(cover)]])
    value = cover[p_start]
    left = np.concatenate([[-1], value[:-1]])
    right = np.concatenate([value[1:], [-1]])
    peak = (value >= min_count) & (value > left) & (value > right)
    return [(int(bps[a]), int(bps[b])) for a, b in zip(p_start[peak], p_end[peak])]


# --------------------------------------------------------------------------- genome frequency
def genome_frequency(
    cohort: Cohort, params: CnaParams | None = None, bin_size: float = 1e6
) -> pd.DataFrame:
    """Per genome bin, the share of CN-tested samples with a gain and with a loss.

    A sample with segments counts in a bin's denominator when one of its segments covers
    the bin's midpoint; its call there is that segment's level.  A CN-tested sample with
    direct calls only counts everywhere but on acrocentric p arms, altered where its arm /
    chromosome / band calls lie (gene calls have no coordinates here and are left out).

    Returns
    -------
    DataFrame
        ``chrom, start, end, genome_start, n_tested, n_gain, n_loss, gain_fraction,
        loss_fraction`` (fractions of ``n_tested``; NaN where nobody was measured).
    """
    cn = cohort_cn(cohort, params)
    size = int(bin_size)
    if size <= 0:
        raise ValueError("bin_size must be positive")
    chroms = CHROMOSOMES if cn.params.include_sex_chromosomes else CHROMOSOMES[:22]
    lengths = cytobands.arm_bounds(cn.params.genome).loc[list(chroms), "length"].to_numpy()
    nbins = -(-lengths // size)
    first_bin = np.concatenate([[0], np.cumsum(nbins)[:-1]])
    total = int(nbins.sum())
    bin_chrom = np.repeat(np.arange(len(chroms)), nbins)
    bin_start = (np.arange(total) - first_bin[bin_chrom]) * size
    bin_end = np.minimum(bin_start + size, lengths[bin_chrom])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])

    measured = np.zeros(total + 1)
    gain = np.zeros(total + 1)
    loss = np.zeros(total + 1)
    s = cn.segs

    def add(chrom_idx: np.ndarray, start: np.ndarray, end: np.ndarray, sign: np.ndarray) -> None:
        # Bins whose midpoint lies in [start, end): first = ceil((start - size/2) / size).
        lo = np.ceil((start - size / 2) / size).astype(np.int64)
        hi = np.ceil((end - size / 2) / size).astype(np.int64)
        lo = np.clip(lo, 0, nbins[chrom_idx])
        hi = np.clip(hi, 0, nbins[chrom_idx])
        ok = hi > lo
        a = first_bin[chrom_idx][ok] + lo[ok]
        b = first_bin[chrom_idx][ok] + hi[ok]
        sg = sign[ok]
        nb = total + 1
        measured[:] += np.bincount(a, minlength=nb) - np.bincount(b, minlength=nb)
        gain[:] += np.bincount(a[sg > 0], minlength=nb) - np.bincount(b[sg > 0], minlength=nb)
        loss[:] += np.bincount(a[sg < 0], minlength=nb) - np.bincount(b[sg < 0], minlength=nb)

    if s.n:
        keep = s.chrom < len(chroms)
        add(s.chrom[keep], s.start[keep], s.end[keep], np.sign(s.level[keep]))
    # Samples with direct calls only: measured genome-wide, altered where called.
    with_segments = cn.segment_samples
    only_calls = [sid for sid in cn.tested if sid not in with_segments]
    if only_calls:
        n_only = len(only_calls)
        measured[0] += n_only
        measured[total] -= n_only
        # ... except the p arms of acrocentric chromosomes, which nobody measures.
        bounds = cytobands.arm_bounds(cn.params.genome)
        for k, chrom in enumerate(chroms):
            if chrom in ACROCENTRIC:
                a = first_bin[k]
                b_ = first_bin[k] + int(np.ceil((bounds.at[chrom, "q_start"] - size / 2) / size))
                measured[a] -= n_only
                measured[max(a, b_)] += n_only
        d = cn.direct.loc[
            cn.direct["sample_id"].isin(only_calls)
            & cn.direct["chrom"].isin(chroms)
            & cn.direct["start"].notna()
            & (cn.direct["event"] != "neutral")
        ]
        if len(d):
            ci = d["chrom"].map(CHROM_ORDER).to_numpy(np.int64)
            sign = np.array([np.sign(EVENT_LEVEL[e]) for e in d["event"]])
            starts = d["start"].to_numpy(np.int64)
            ends = d["end"].to_numpy(np.int64)
            # The measured +1 was already counted genome-wide: add only the alteration.
            before = measured.copy()
            add(ci, starts, ends, sign)
            measured[:] = before
    n_tested = np.cumsum(measured)[:-1]
    n_gain = np.cumsum(gain)[:-1]
    n_loss = np.cumsum(loss)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        gf = np.where(n_tested > 0, n_gain / n_tested, np.nan)
        lf = np.where(n_tested > 0, n_loss / n_tested, np.nan)
    return pd.DataFrame(
        {
            "chrom": np.array(chroms, dtype=object)[bin_chrom],
            "start": bin_start,
            "end": bin_end,
            "genome_start": offsets[bin_chrom] + bin_start,
            "n_tested": n_tested.round().astype(np.int64),
            "n_gain": n_gain.round().astype(np.int64),
            "n_loss": n_loss.round().astype(np.int64),
            "gain_fraction": gf,
            "loss_fraction": lf,
        }
    )


# --------------------------------------------------------------------------- matrix columns
@dataclass
class CnColumn:
    """One copy-number alteration column: 1 altered, 0 not altered, NaN not assessable,
    over ``CohortCn.tested`` (in that order)."""

    label: str
    region: str  # "22q", "19", "9p21.3", "CDKN2A", or a locus "9:21900000-22000000"
    region_kind: str  # "arm", "chromosome", "focal", "gene"
    event: str  # "gain", "loss", "amplification", "deep deletion"
    values: np.ndarray
    detail: str = ""


def chromosome_label(chrom: str, event: str) -> str:
    """``monosomy 19`` for a whole-chromosome loss, ``chromosome 7 gain`` otherwise."""
    return f"monosomy {chrom}" if event == "loss" else f"chromosome {chrom} {event}"


def cn_columns(cn: CohortCn, min_samples: int = 2) -> list[CnColumn]:
    """Alteration columns for arms, whole chromosomes, focal loci and genes.

    Arm and chromosome columns are direction-level ("gain" includes amplification,
    "loss" includes deep deletion).  Recurrent focal loci are those of
    ``recurrent_focal_loci`` at ``focal_min_samples(cn, min_samples)``, one column each
    with exactly the loci table's counts (same label).  Direct band and gene calls give one
    column per region and event (a band call named like a locus is counted in the
    locus's column), tested in every sample with direct calls only (not listed = not
    altered); a sample with segments and no direct call on that band is altered by a
    focal run of the same direction overlapping the band, and tested when a segment
    covers the band's midpoint.  Acrocentric chromosomes get arm columns only (the
    chromosome is its q arm).
    """
    n = len(cn.tested)
    if n == 0:
        return []
    pos = {sid: i for i, sid in enumerate(cn.tested)}
    nchrom = len(CHROMOSOMES)
    seg_code_to_row = np.array([pos[sid] for sid in cn.segs.samples], dtype=np.int64)
    has_seg = np.zeros(n, bool)
    has_seg[seg_code_to_row] = True
    # Arm states: +1 / -1 / 0, NaN unknown.  Direct-only samples start at 0 (not listed).
    state = np.where(has_seg[:, None, None], np.nan, 0.0) * np.ones((n, nchrom, 2))
    if len(seg_code_to_row):
        state[seg_code_to_row] = np.where(
            cn.arms.assessable, np.sign(cn.arms.level).astype(float), np.nan
        )
    direct_chrom: list[tuple[int, int, float]] = []
    for row in cn.direct.itertuples(index=False):
        if row.region_kind not in ("arm", "chromosome") or row.chrom not in CHROM_ORDER:
            continue
        i, ci = pos[row.sample_id], CHROM_ORDER[row.chrom]
        sign = float(np.sign(EVENT_LEVEL[row.event]))
        if row.region_kind == "chromosome":
            state[i, ci, :] = sign
            direct_chrom.append((i, ci, sign))
        else:
            state[i, ci, 0 if row.region.endswith("p") else 1] = sign
    p, q = state[:, :, 0], state[:, :, 1]
    with np.errstate(invalid="ignore"):
        chrom_state = np.where(
            np.isnan(p) | np.isnan(q),
            # One arm unknown: not whole-chromosome if the other arm is not altered.
            np.where((np.nan_to_num(p, nan=0) == 0) & (np.nan_to_num(q, nan=0) == 0)
                     & ~(np.isnan(p) & np.isnan(q)), 0.0, np.nan),
            np.where(p == q, p, 0.0),
        )
        # Unknown arm next to a neutral arm: neutral chromosome; next to an altered: unknown.
        chrom_state = np.where(
            (np.isnan(p) & (q == 0)) | (np.isnan(q) & (p == 0)), 0.0, chrom_state
        )
    for i, ci, sign in direct_chrom:
        chrom_state[i, ci] = sign

    cols: list[CnColumn] = []
    for ci, chrom in enumerate(CHROMOSOMES):
        for arm_i, arm in ((0, "p"), (1, "q")):
            st = state[:, ci, arm_i]
            for sign, event in ((1.0, "gain"), (-1.0, "loss")):
                if np.any(st == sign):
                    cols.append(
                        CnColumn(f"{chrom}{arm} {event}", f"{chrom}{arm}", "arm", event,
                                 np.where(np.isnan(st), np.nan, (st == sign).astype(float)))
                    )
        if chrom in ACROCENTRIC:
            continue
        st = chrom_state[:, ci]
        for sign, event in ((1.0, "gain"), (-1.0, "loss")):
            if np.any(st == sign):
                cols.append(
                    CnColumn(chromosome_label(chrom, event), chrom, "chromosome", event,
                             np.where(np.isnan(st), np.nan, (st == sign).astype(float)))
                )
    cols.extend(_focal_columns(cn, pos, min_samples))
    return cols


def _focal_columns(cn: CohortCn, pos: dict[str, int], min_samples: int) -> list[CnColumn]:
    n = len(cn.tested)
    r, s = cn.runs, cn.segs
    ctx = _LocusContext(cn)
    cols: list[CnColumn] = []
    seen: set[str] = set()
    loci = _recurrent_loci(cn, focal_min_samples(cn, min_samples))
    for locus in loci.itertuples(index=False):
        values = ctx.values(locus.chrom, locus.start, locus.end, locus.samples)
        cols.append(CnColumn(locus.label, locus.cytoband, "focal", locus.event, values,
                             f"chr{locus.chrom}:{locus.start}-{locus.end}"))
        seen.add(locus.label)
    direct = cn.direct.loc[cn.direct["region_kind"].isin(["band", "gene"])]
    for (region, kind, event), grp in direct.groupby(
        ["region", "region_kind", "event"], sort=True
    ):
        if event == "neutral":
            continue
        label = f"{region} {event} (focal)" if kind == "band" else f"{region} {event}"
        if label in seen:
            continue  # the recurrent locus of that band counts these calls already
        values = np.zeros(n)
        # Explicit calls on the region (any event) decide for their samples.
        called = {pos[x] for x in cn.direct.loc[cn.direct["region"] == region, "sample_id"]}
        detail = ""
        if kind == "band":
            start, end = grp["start"].iloc[0], grp["end"].iloc[0]
            chrom = grp["chrom"].iloc[0]
            if start is not None and not pd.isna(start):
                start, end = int(start), int(end)
                values = np.where(ctx.measured(chrom, start, end), 0.0, np.nan)
                if r.sample.size:
                    m = (
                        r.focal
                        & (r.chrom == CHROM_ORDER[chrom])
                        & (np.sign(r.level) == np.sign(EVENT_LEVEL[event]))
                        & (r.start < end)
                        & (r.end > start)
                    )
                    if event in ("amplification", "deep deletion"):
                        m &= np.abs(r.level) == 2
                    for code in np.unique(r.sample[m]):
                        row = pos[s.samples[code]]
                        if row not in called:
                            values[row] = 1.0
            detail = f"chr{chrom}:{start}-{end}" if chrom else ""
        values[[pos[x] for x in grp["sample_id"]]] = 1.0
        cols.append(CnColumn(label, str(region), "focal" if kind == "band" else "gene",
                             str(event), values, detail))
        seen.add(label)
    return cols


def clear_cache() -> None:
    """Forget every cached ``cohort_cn`` result (benchmarks; tests)."""
    with _CACHE_LOCK:
        _CACHE.clear()
