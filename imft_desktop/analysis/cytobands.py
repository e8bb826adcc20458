"""Cytobands and chromosome-arm bounds for hg19 (GRCh37) and hg38 (GRCh38).

The facts come from the UCSC cytoBand tables shipped as ``imft_desktop/data/
arm_bounds_<assembly>.tsv`` (one row per band).  Arm bounds are derived from the bands:
the p arm is the span of the bands named ``p*``, the q arm that of the bands named
``q*`` (so the arm boundary is the centromere midpoint), and the chromosome length is
the end of its last band.  hg19 and hg38 differ (e.g. 1p ends at 125.0 Mb in hg19 and
123.4 Mb in hg38), so every caller names the assembly.

Acrocentric chromosomes (13, 14, 15, 21, 22) have a p arm made of satellite DNA and
rRNA repeats that sequencing and arrays do not measure; a whole-chromosome call on
them rests on the q arm alone (see ``copy_number``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

ASSEMBLIES = ("hg19", "hg38")
ASSEMBLY_ALIASES = {
    "hg19": "hg19",
    "grch37": "hg19",
    "b37": "hg19",
    "hg38": "hg38",
    "grch38": "hg38",
}
#: Chromosomes in karyotype order.
CHROMOSOMES: tuple[str, ...] = tuple(str(i) for i in range(1, 23)) + ("X", "Y")
CHROM_ORDER: dict[str, int] = {c: i for i, c in enumerate(CHROMOSOMES)}
#: Chromosomes whose p arm is not measured by sequencing or arrays.
ACROCENTRIC: frozenset[str] = frozenset({"13", "14", "15", "21", "22"})

_BAND_RE = re.compile(
    r"^(?:chr)?([0-9]{1,2}|X|Y)([pq])(\d+(?:\.\d+)?)(?:-([pq])?(\d+(?:\.\d+)?))?$",
    re.IGNORECASE,
)
_ARM_RE = re.compile(r"^(?:chr)?([0-9]{1,2}|X|Y)([pq])$", re.IGNORECASE)
_CHROM_RE = re.compile(r"^(?:chr(?:omosome)?\s*)?([0-9]{1,2}|X|Y)$", re.IGNORECASE)


def normalise_assembly(assembly: str | None) -> str:
    """``"GRCh38"`` -> ``"hg38"``; raises ValueError for an unknown assembly."""
    key = (assembly or "hg38").strip().casefold()
    if key not in ASSEMBLY_ALIASES:
        raise ValueError(f"unknown genome assembly {assembly!r} (use hg19 or hg38)")
    return ASSEMBLY_ALIASES[key]


def normalise_chrom(value: object) -> str | None:
    """``"chr7"``, ``7``, ``7.0``, ``"23"`` -> ``"7"``/``"X"``; None when not a chromosome."""
    if value is None:
        return None
    if isinstance(value, float):
        if not np.isfinite(value) or value != int(value):
            return None
        value = int(value)
    text = str(value).strip()
    if text.casefold().startswith("chr"):
        text = text[3:]
    text = text.upper()
    if text == "23":
        return "X"
    if text == "24":
        return "Y"
    return text if text in CHROM_ORDER else None


@cache
def bands(assembly: str = "hg38") -> pd.DataFrame:
    """The cytoband table: chrom, start, end (0-based half-open bp), band, stain."""
    asm = normalise_assembly(assembly)
    ref = resources.files("imft_desktop") / "data" / f"arm_bounds_{asm}.tsv"
    with ref.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, sep="\t", comment="#", dtype={"chrom": str, "band": str})
    df["start"] = df["start"].astype(np.int64)
    df["end"] = df["end"].astype(np.int64)
    return df


@cache
def arm_bounds(assembly: str = "hg38") -> pd.DataFrame:
    """Per-chromosome bounds, indexed by chromosome in karyotype order.

    Columns: ``length``, ``p_start`` (0), ``p_end`` (= ``q_start``, the centromere
    midpoint), ``q_start``, ``q_end`` (= length), ``centromere_start``/``_end`` (span of
    the ``acen`` bands), ``acrocentric`` (bool).
    """
    b = bands(assembly)
    rows = []
    for chrom in CHROMOSOMES:
        cb = b.loc[b["chrom"] == chrom]
        q = cb.loc[cb["band"].str.startswith("q")]
        acen = cb.loc[cb["stain"] == "acen"]
        length = int(cb["end"].max())
        q_start = int(q["start"].min())
        rows.append(
            {
                "chrom": chrom,
                "length": length,
                "p_start": 0,
                "p_end": q_start,
                "q_start": q_start,
                "q_end": length,
                "centromere_start": int(acen["start"].min()),
                "centromere_end": int(acen["end"].max()),
                "acrocentric": chrom in ACROCENTRIC,
            }
        )
    return pd.DataFrame(rows).set_index("chrom")


@dataclass(frozen=True, slots=True)
class Region:
    """A resolved genomic region: ``kind`` is "chromosome", "arm", "band" or "gene"."""

    text: str  # canonical text: "19", "22q", "9p21.3", "CDKN2A"
    kind: str
    chrom: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def arm(self) -> str | None:
        if self.kind == "arm":
            return self.text
        if self.kind == "band":
            return self.text[: len(self.chrom or "") + 1]
        return None


def parse_region(text: str, assembly: str = "hg38") -> Region:
    """Resolve a CN_Calls region: ``"19"``/``"chr19"`` (chromosome), ``"22q"`` (arm),
    ``"9p21.3"``/``"9p21"`` (band; all sub-bands included), anything else a gene symbol.

    Coordinates are filled for chromosomes, arms and bands known to ``assembly``.
    """
    return _parse_region(str(text).strip(), assembly)


@lru_cache(maxsize=65536)
def _parse_region(raw: str, assembly: str) -> Region:
    # Cached: a cohort repeats a handful of regions ("22q", "19") on every sample, and a
    # band is looked up in the cytoband table (~1 ms); 100k calls took 40 s uncached.
    bounds = arm_bounds(assembly)
    m = _CHROM_RE.match(raw)
    if m:
        chrom = normalise_chrom(m.group(1))
        if chrom is not None:
            return Region(chrom, "chromosome", chrom, 0, int(bounds.at[chrom, "length"]))
    m = _ARM_RE.match(raw)
    if m:
        chrom = normalise_chrom(m.group(1))
        if chrom is not None:
            arm = m.group(2).lower()
            row = bounds.loc[chrom]
            start, end = (
                (0, int(row["p_end"])) if arm == "p" else (int(row["q_start"]), int(row["q_end"]))
            )
            return Region(f"{chrom}{arm}", "arm", chrom, start, end)
    m = _BAND_RE.match(raw)
    if m:
        chrom = normalise_chrom(m.group(1))
        if chrom is not None:
            arm = m.group(2).lower()
            first = f"{arm}{m.group(3)}"
            last = f"{(m.group(4) or arm).lower()}{m.group(5)}" if m.group(5) else None
            text = f"{chrom}{first}" + (f"-{last}" if last else "")
            lo = _band_span(chrom, first, assembly)
            hi = _band_span(chrom, last, assembly) if last else lo
            if lo and hi:
                return Region(text, "band", chrom, min(lo[0], hi[0]), max(lo[1], hi[1]))
            return Region(text, "band", chrom)
    return Region(raw.upper() if raw.isascii() else raw, "gene")


def _band_span(chrom: str, name: str, assembly: str) -> tuple[int, int] | None:
    """Span of band ``name`` on ``chrom``; "p21" covers p21.1, p21.2, p21.3."""
    b = bands(assembly)
    cb = b.loc[b["chrom"] == chrom]
    hit = cb.loc[(cb["band"] == name) | cb["band"].str.startswith(name + ".")]
    if hit.empty:
        hit = cb.loc[cb["band"].str.startswith(name)]
    if hit.empty:
        return None
    return int(hit["start"].min()), int(hit["end"].max())


@cache
def _band_index(assembly: str) -> dict[str, tuple[np.ndarray, list[str]]]:
    b = bands(assembly)
    return {
        str(chrom): (grp["start"].to_numpy(), [str(x) for x in grp["band"]])
        for chrom, grp in b.groupby("chrom", sort=False)
    }


def band_name(chrom: str, position: int, assembly: str = "hg38") -> str:
    """Cytoband containing ``position`` on ``chrom``, e.g. ``"9p21.3"``."""
    starts, names = _band_index(normalise_assembly(assembly))[chrom]
    i = int(np.searchsorted(starts, position, side="right")) - 1
    i = min(max(i, 0), len(names) - 1)
    return f"{chrom}{names[i]}"


def band_range(chrom: str, start: int, end: int, assembly: str = "hg38") -> str:
    """Cytoband span of ``[start, end)``: ``"9p21.3"`` or ``"9p21.3-p21.1"``."""
    first = band_name(chrom, start, assembly)
    last = band_name(chrom, max(start, end - 1), assembly)
    if first == last:
        return first
    return f"{first}-{last[len(chrom):]}"


def band_ranges(
    chroms: np.ndarray, starts: np.ndarray, ends: np.ndarray, assembly: str = "hg38"
) -> list[str]:
    """``band_range`` for many regions at once (one ``searchsorted`` per chromosome)."""
    index = _band_index(normalise_assembly(assembly))
    chroms = np.asarray(chroms, dtype=object)
    out = [""] * len(chroms)
    for chrom in pd.unique(chroms):
        where = np.flatnonzero(chroms == chrom)
        band_starts, names = index[str(chrom)]
        last = len(names) - 1
        lo = np.clip(np.searchsorted(band_starts, np.asarray(starts)[where], "right") - 1, 0, last)
        e = np.maximum(np.asarray(starts)[where], np.asarray(ends)[where] - 1)
        hi = np.clip(np.searchsorted(band_starts, e, "right") - 1, 0, last)
        for k, a, b in zip(where, lo, hi):
            out[k] = f"{chrom}{names[a]}" if a == b else f"{chrom}{names[a]}-{names[b]}"
    return out


def genome_offsets(assembly: str = "hg38", chroms: tuple[str, ...] = CHROMOSOMES) -> pd.Series:
    """Start of each chromosome on a concatenated genome axis (for genome-wide plots)."""
    lengths = arm_bounds(assembly).loc[list(chroms), "length"]
    return pd.Series(
        np.concatenate([[0], np.cumsum(lengths.to_numpy())[:-1]]), index=list(chroms)
    )
