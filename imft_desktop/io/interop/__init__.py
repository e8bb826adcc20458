"""Reading files that other tools write: MAF, SEG segments and cBioPortal study folders.

``detect(path)`` says whether a path is one of these; ``import_interop(path)`` turns it
into a Cohort.  Sample sets and denominators follow the files: a MAF's samples are the
ones it names (a sample with only silent variants still counts as sequenced), a
cBioPortal study uses its gene-panel matrix when there is one.

cBioPortal profiles do not say which assay produced them, so they are recorded with
stand-in assays of the same reach: mutations as "DNA panel", structural variants as
"RNA-seq" (fusions), copy number as "SNP array".  The provenance keeps the real file.
"""

from __future__ import annotations

import os
from pathlib import Path

from imft_desktop.io.interop.cbioportal import is_cbioportal_study, read_cbioportal_study
from imft_desktop.io.interop.maf import read_maf_cohort
from imft_desktop.io.interop.seg import read_seg_cohort
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.progress import Progress

MAF_SUFFIXES = (".maf", ".maf.gz", ".maf.txt")
SEG_SUFFIXES = (".seg", ".seg.txt", ".seg.gz", ".cbs", ".cbs.gz")


def detect(path: str | os.PathLike[str]) -> str | None:
    """``"cbioportal"``, ``"maf"``, ``"seg"`` or ``None`` for a spreadsheet/other file."""
    p = Path(path)
    if p.is_dir():
        return "cbioportal" if is_cbioportal_study(p) else None
    name = p.name.lower()
    if name.endswith(MAF_SUFFIXES):
        return "maf"
    if name.endswith(SEG_SUFFIXES) or ("_segments" in name and name.endswith((".tsv", ".tsv.gz"))):
        return "seg"
    return None


def import_interop(path: str | os.PathLike[str], progress: Progress | None = None) -> Cohort:
    """Read a MAF, a SEG file or a cBioPortal study folder into a Cohort."""
    kind = detect(path)
    if kind == "cbioportal":
        return read_cbioportal_study(Path(path), progress)
    if kind == "maf":
        return read_maf_cohort(Path(path))
    if kind == "seg":
        return read_seg_cohort(Path(path))
    raise ValueError(f"not a MAF, SEG or cBioPortal study: {Path(path).name}")
