"""SEG segment files (IGV / GISTIC / DNAcopy CBS layouts) as ``cn_segments`` tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from imft_desktop.io.interop.tabular import (
    first_column,
    normalise_chrom,
    read_tsv,
    samples_note,
    single_file_cohort,
    to_number,
)
from imft_desktop.io.read.deadline import check_time
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.vocab import Level, SequencingAssay

#: Accepted spellings of each SEG column, first match wins.
SEG_COLUMNS = {
    "sample_id": ("ID", "Sample", "sample_id", "Tumor_Sample_Barcode"),
    "chrom": ("chrom", "Chromosome", "chr"),
    "start": ("loc.start", "Start", "Start.bp", "start_pos"),
    "end": ("loc.end", "End", "End.bp", "end_pos"),
    "markers": ("num.mark", "Num_Probes", "Num.Markers", "num_markers"),
    "log2_ratio": ("seg.mean", "Segment_Mean", "Seg.CN", "log2_ratio", "mean"),
}


def read_seg(path: Path) -> tuple[pd.DataFrame, FindingList]:
    """Segments of a SEG file with findings; bad rows are kept but excluded (ERROR)."""
    df, comments = read_tsv(path)
    check_time()
    findings = FindingList()
    found = {field: first_column(df, *names) for field, names in SEG_COLUMNS.items()}
    missing = [f for f, c in found.items() if c is None and f != "markers"]
    if missing:
        raise UnreadableFile(
            "SEG_MISSING_COLUMNS",
            f"{path.name} is not a SEG file: no column for {', '.join(missing)} "
            f"(headers: {', '.join(df.columns[:8])}).",
        )
    first = len(comments) + 2
    rows = list(range(first, first + len(df)))
    out = pd.DataFrame({"sample_id": df[found["sample_id"]].astype(str).str.strip()})
    out["chrom"] = normalise_chrom(df[found["chrom"]]).to_numpy()
    for f in ("start", "end", "markers", "log2_ratio"):
        col = found[f]
        out[f] = to_number(df[col]).to_numpy() if col else float("nan")
    bad = out[["start", "end", "log2_ratio"]].isna().any(axis=1) | (out["end"] < out["start"])
    # Only the bad rows are visited (a per-row .iat loop cost ~1 s per 200k segments).
    flags = bad.to_numpy(dtype=bool)
    reasons: list[str | None] = [("SEG_BAD_ROW" if f else None) for f in flags.tolist()]
    for i in np.flatnonzero(flags).tolist():
        findings.add(Finding(
            "SEG_BAD_ROW", Level.ERROR,
            "Segment with a missing or non-numeric start, end or mean, or end before start;"
            " listed but left out.", file=path.name, row=rows[i],
            value="\t".join(str(v) for v in df.iloc[i].tolist()[:6]),
        ))
    out["_source"], out["_sheet"], out["_row"], out["_column"] = path.name, None, rows, None
    out["_excluded"], out["_reason"] = bad.to_numpy(), reasons
    return out, findings


def read_seg_cohort(path: Path) -> Cohort:
    """A cohort from a SEG file alone: its samples, each tested for copy number."""
    segments, findings = read_seg(path)
    samples = list(dict.fromkeys(segments["sample_id"]))
    return single_file_cohort(
        path, "seg", str(SequencingAssay.SNP_ARRAY), "cn_segments", segments, samples, findings,
        samples_note("SEG_SAMPLES_FROM_FILE", f"{len(samples)} samples in the segment file "
                     "are counted as tested for copy number.", path),
    )
