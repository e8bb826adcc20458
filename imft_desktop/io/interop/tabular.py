"""Tab-separated files as other tools write them: ``#`` comment lines, gzip, text only."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from imft_desktop.io.read.deadline import check_time
from imft_desktop.io.read.guard import allow_long_fields, read_input_bytes, read_unpacked
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.cohort import Cohort, SourceFile
from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.vocab import Level

#: Tokens that mean "no value" in cBioPortal/MAF/SEG files.  Read verbatim first (so
#: "NA" as a gene name is never lost silently) and only then mapped.
MISSING = frozenset({"", "NA", "N/A", "[Not Available]", "[Not Applicable]", "[Unknown]",
                     "[Not Evaluated]", "[Pending]", "[Discrepancy]", "[Completed]", "[null]",
                     "na", "nan", "NaN", "None"})


def read_text(path: Path) -> str:
    """The file's text (gzip transparently), as strict UTF-8 with an optional BOM.

    Goes through the reader budget: regular files only, size, unpacked-size and cell
    caps (cells counted from the bytes, as tab-separated).
    """
    raw = read_unpacked(path, tab_cells=True)
    if not raw.strip():
        raise UnreadableFile("FILE_EMPTY", f"{path.name} is empty.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            "TEXT_ENCODING",
            f"{path.name} is not UTF-8 text (byte {exc.start}, line {line}).",
        ) from exc


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start``, one at a time (with their line ends).

    Not ``io.StringIO``: it copies the whole text into a 4-byte-per-character buffer,
    which made a 250 MB SEG file cost 2 GB before a single row was read.
    """
    end = len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def read_tsv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a tab-separated table, every cell as text; returns (table, comment lines).

    Leading lines starting with ``#`` are returned separately (cBioPortal metadata rows,
    MAF ``#version``).  The first non-comment line is the header.  Cells are counted
    against the reader budget before parsing, so an oversize table stops early with a
    message rather than exhausting memory.
    """
    allow_long_fields()
    text = read_text(path)
    comments = []
    pos = 0
    for line in _lines(text):
        if not line.startswith("#"):
            break
        comments.append(line.rstrip("\r\n"))
        pos += len(line)
    reader = csv.reader(_lines(text, pos), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header_row = next((r for r in reader if r), None)
        if header_row is None:
            raise UnreadableFile("FILE_NO_DATA", f"{path.name} has no header line.")
        header = [h.strip() for h in header_row]
        width = len(header)
        data = []
        for r in reader:
            if not r:
                continue
            data.append(r + [""] * (width - len(r)) if len(r) < width else r[:width])
            if not len(data) % 65536:
                check_time()  # the wall-clock budget and the Cancel button
    except csv.Error as exc:
        raise UnreadableFile(
            "TEXT_MALFORMED",
            f"{path.name} cannot be read as a tab-separated table near line "
            f"{reader.line_num + len(comments)}.",
        ) from exc
    del text
    df = pd.DataFrame(data, columns=header, dtype=object)
    return df, comments


def source_file(path: Path, kind: str) -> SourceFile:
    """Fingerprint a file (or a folder: the hash of its files' hashes, in name order)."""
    if path.is_dir():
        h = hashlib.sha256()
        size = 0
        for f in sorted(p for p in path.iterdir() if p.is_file()):
            data = read_input_bytes(f)
            size += len(data)
            h.update(f.name.encode() + b"\0" + hashlib.sha256(data).digest())
        digest = h.hexdigest()
    else:
        data = read_input_bytes(path)
        size = len(data)
        digest = hashlib.sha256(data).hexdigest()
    return SourceFile(
        name=path.name, path=str(path), sha256=digest, size=size, kind=kind,
        read_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def single_file_cohort(
    path: Path, kind: str, assay: str, name: str, table: pd.DataFrame, samples: list[str],
    findings: FindingList, note: Finding,
) -> Cohort:
    """A cohort from one MAF or SEG file: its samples (patient = sample), each with a done
    ``assay``, and its records as table ``name``; ``note`` says how the samples were
    counted."""
    cohort = Cohort.from_tables(
        {
            "samples": pd.DataFrame({"sample_id": samples, "patient_id": samples}),
            "sequencing": pd.DataFrame({"sample_id": samples, "assay": assay,
                                        "status": "done"}),
            name: table,
            "study": pd.DataFrame({"key": ["study_name"], "value": [path.name]}),
        },
        findings=findings,
        sources=[source_file(path, kind)],
    )
    cohort.findings.add(note)
    return cohort


def samples_note(code: str, message: str, path: Path) -> Finding:
    """The INFO note of ``single_file_cohort``."""
    return Finding(code, Level.INFO, message, file=path.name)


def first_column(df: pd.DataFrame, *names: str) -> str | None:
    """The first of ``names`` present in ``df`` (case-insensitive), or None."""
    lookup = {c.casefold(): c for c in df.columns}
    for n in names:
        if n.casefold() in lookup:
            return lookup[n.casefold()]
    return None


def to_number(series: pd.Series) -> pd.Series:
    """Numbers from text; missing tokens and non-numbers become NaN (caller reports)."""
    cleaned = series.astype(str).str.strip()
    cleaned = cleaned.where(~cleaned.isin(MISSING))
    return pd.to_numeric(cleaned, errors="coerce")


def normalise_chrom(series: pd.Series) -> pd.Series:
    """``chr1`` -> ``1``; ``23`` -> ``X`` and ``24`` -> ``Y`` (MAF/SEG numeric coding)."""
    s = series.astype(str).str.strip().str.replace(r"^chr", "", regex=True, case=False)
    return s.replace({"23": "X", "24": "Y", "x": "X", "y": "Y"})
