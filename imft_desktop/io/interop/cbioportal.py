"""cBioPortal study folders: clinical files, MAF, structural variants, discrete CNA, SEG.

Follows the file formats of cBioPortal's importer documentation: ``meta_*.txt`` files
name each data file and its type; clinical files carry four ``#`` metadata lines; a
gene-panel matrix, when present, says which samples each profile covers (otherwise all
samples of the study are taken as profiled, as cBioPortal does).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from imft_desktop.io.interop.maf import read_maf
from imft_desktop.io.interop.seg import read_seg
from imft_desktop.io.interop.tabular import MISSING, first_column, read_tsv, source_file, to_number
from imft_desktop.io.read.guard import read_input_bytes
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.fusion import Fusion
from imft_desktop.model.progress import Progress
from imft_desktop.model.time_units import study_key
from imft_desktop.model.vocab import CnaEvent, Level, SequencingAssay

#: Reader codes meaning "this one file does not have the expected layout": the file is
#: left out with an error and the rest of the study is read.
_FILE_LAYOUT_CODES = frozenset({
    "CBIO_MISSING_COLUMNS", "MAF_MISSING_COLUMNS", "SEG_MISSING_COLUMNS", "FILE_EMPTY",
    "FILE_NO_DATA", "TEXT_MALFORMED", "TEXT_ENCODING", "FILE_DAMAGED",
})

#: GISTIC-style discrete values -> events (0 = neutral is not stored as an event).
DISCRETE_CNA = {
    "-2": CnaEvent.DEEP_DELETION, "-1.5": CnaEvent.LOSS, "-1": CnaEvent.LOSS,
    "1": CnaEvent.GAIN, "2": CnaEvent.AMPLIFICATION,
}
STATUS_EVENTS = {"1": 1, "0": 0}
#: Gene-panel-matrix column -> (profile stand-in assay).
PROFILE_ASSAY = {
    "mutations": SequencingAssay.DNA_PANEL,
    "structural_variants": SequencingAssay.RNA_SEQ,
    "gistic": SequencingAssay.SNP_ARRAY,
    "cna": SequencingAssay.SNP_ARRAY,
}


def is_cbioportal_study(folder: Path) -> bool:
    """True for a folder holding ``meta_study.txt``."""
    return (folder / "meta_study.txt").is_file()


def read_meta(path: Path) -> dict[str, str]:
    """``key: value`` lines of a cBioPortal meta file."""
    meta = {}
    # Through the reader budget: a meta file that is a pipe or a huge file is refused.
    text = read_input_bytes(path).decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    return meta


def _event(status: object) -> float:
    """``1:DECEASED`` / ``DECEASED`` / ``1:Recurred/Progressed`` -> 1; living/censored -> 0."""
    text = str(status).strip()
    if text in MISSING:
        return float("nan")
    prefix = text.split(":", 1)[0]
    if prefix in STATUS_EVENTS:
        return float(STATUS_EVENTS[prefix])
    word = text.casefold()
    if word in {"deceased", "dead", "recurred", "progressed", "recurred/progressed"}:
        return 1.0
    if word in {"living", "alive", "diseasefree", "censored"}:
        return 0.0
    return float("nan")


def read_cbioportal_study(folder: Path, progress: Progress | None = None) -> Cohort:
    """Read a cBioPortal study folder into a Cohort (see the module docstring)."""
    progress = progress or Progress()
    findings = FindingList()
    study_meta = read_meta(folder / "meta_study.txt")
    metas = {
        p: read_meta(p) for p in sorted(folder.glob("meta_*.txt")) if p.name != "meta_study.txt"
    }

    samples = pd.DataFrame(columns=["sample_id", "patient_id"])
    patients = pd.DataFrame(columns=["PATIENT_ID"])
    tables: dict[str, pd.DataFrame] = {}
    profiles: dict[SequencingAssay, pd.DataFrame] = {}
    for i, (meta_path, meta) in enumerate(metas.items()):
        progress.report(i / max(1, len(metas)), f"Reading {meta.get('data_filename', '')}")
        progress.check()
        data = folder / meta.get("data_filename", "")
        kind = (meta.get("genetic_alteration_type", ""), meta.get("datatype", ""))
        # Only files in the study folder itself: a meta file naming "../x" must not make
        # the app read (and fingerprint) files elsewhere on the disk.
        if not data.is_file() or data.resolve().parent != folder.resolve():
            if meta.get("data_filename"):
                findings.add(Finding(
                    "CBIO_MISSING_DATA_FILE", Level.ERROR,
                    f"{meta_path.name} names {meta['data_filename']}, which is not in the folder.",
                    file=meta_path.name, value=meta["data_filename"],
                ))
            continue
        try:
            if kind == ("CLINICAL", "SAMPLE_ATTRIBUTES"):
                df, _ = read_tsv(data)
                samples = df.rename(columns={"SAMPLE_ID": "sample_id", "PATIENT_ID": "patient_id"})
                samples["_row"] = range(6, 6 + len(samples))
                samples["_source"] = data.name
            elif kind == ("CLINICAL", "PATIENT_ATTRIBUTES"):
                patients, _ = read_tsv(data)
            elif kind[0] == "MUTATION_EXTENDED":
                variants, _, maf_findings = read_maf(data)
                findings.extend(maf_findings)
                tables["variants"] = variants
                profiles[SequencingAssay.DNA_PANEL] = variants
            elif kind[0] == "STRUCTURAL_VARIANT":
                tables["fusions"] = _fusions(data, findings)
                profiles[SequencingAssay.RNA_SEQ] = tables["fusions"]
            elif kind == ("COPY_NUMBER_ALTERATION", "SEG"):
                segments, seg_findings = read_seg(data)
                findings.extend(seg_findings)
                tables["cn_segments"] = segments
                profiles[SequencingAssay.SNP_ARRAY] = segments
            elif kind[0] == "COPY_NUMBER_ALTERATION" and kind[1] in ("DISCRETE", "DISCRETE_LONG"):
                tables["cn_calls"] = _discrete_cna(data, kind[1], findings)
                profiles.setdefault(SequencingAssay.SNP_ARRAY, tables["cn_calls"])
            else:
                findings.add(Finding(
                    "CBIO_NOT_READ", Level.INFO,
                    f"{data.name} ({' / '.join(k for k in kind if k)}) is not used by "
                    "IMFT Desktop.",
                    file=data.name,
                ))

        except UnreadableFile as exc:
            if exc.code not in _FILE_LAYOUT_CODES:
                raise  # over budget, not a regular file ...: the whole import stops
            findings.add(Finding(
                "CBIO_FILE_UNUSABLE", Level.ERROR,
                f"{data.name} was left out: {exc.message}", file=data.name,
            ))
        except (KeyError, IndexError, ValueError) as exc:
            # A file whose columns are not the ones its meta file promises.
            findings.add(Finding(
                "CBIO_FILE_UNUSABLE", Level.ERROR,
                f"{data.name} was left out: its columns are not those of a "
                f"{' / '.join(k for k in kind if k)} file ({type(exc).__name__} "
                f"{str(exc)[:60]}).", file=data.name,
            ))
    if "sample_id" not in samples.columns:
        raise UnreadableFile(
            "CBIO_MISSING_COLUMNS",
            f"{folder.name}: the clinical sample file has no SAMPLE_ID column, so the study "
            "has no samples. Check its header line (tab-separated, after the # lines).",
        )
    if "patient_id" not in samples.columns:
        samples["patient_id"] = samples["sample_id"]
    sample_ids = [str(s) for s in samples["sample_id"]]
    known = set(sample_ids)
    for df in tables.values():
        orphan = ~df["sample_id"].astype(str).isin(known)
        for idx in df.index[orphan & ~df["_excluded"].astype(bool)]:
            findings.add(Finding(
                "SAMPLE_NOT_IN_CLINICAL", Level.ERROR,
                "Sample ID not defined in the clinical sample file; the record is listed but "
                "left out.", file=str(df.at[idx, "_source"]), row=int(df.at[idx, "_row"]),
                header="sample", value=str(df.at[idx, "sample_id"]),
            ))
        df.loc[orphan, "_excluded"] = True
        df.loc[orphan, "_reason"] = "SAMPLE_NOT_IN_CLINICAL"

    tables["sequencing"] = _profiled(folder, sample_ids, profiles, findings)
    tables["samples"] = samples
    outcomes, extra_patient = _outcomes(patients)
    tables["outcomes"] = outcomes
    tables["study"] = pd.DataFrame({
        "key": ["study_name", "assembly"],
        "value": [study_meta.get("name", folder.name), "hg19"],
    })
    extra = samples.drop(columns=[c for c in ("sample_id", "patient_id", "_row", "_source")
                                  if c in samples.columns]).set_index(samples["sample_id"])
    if not extra_patient.empty:
        extra = extra.join(
            samples.set_index("sample_id")[["patient_id"]]
            .join(extra_patient, on="patient_id").drop(columns="patient_id")
        )
    keep = [c for c in samples.columns if c in ("sample_id", "patient_id", "_row", "_source")]
    tables["samples"] = samples[keep]
    progress.report(1.0, "Study read")
    cohort = Cohort.from_tables(
        tables, findings=findings, sources=[source_file(folder, "cbioportal")], extra=extra,
    )
    for field in ("pfs_months", "os_months"):
        if field in outcomes.columns and outcomes[field].notna().any():
            # PFS_MONTHS / OS_MONTHS: the header states the unit (see model.time_units)
            cohort.study[study_key(field)] = "months"
            cohort.study[f"time_unit_source:{field}"] = "header"
    return cohort


def _fusions(path: Path, findings: FindingList) -> pd.DataFrame:
    df, comments = read_tsv(path)
    g5_col = first_column(df, "Site1_Hugo_Symbol")
    g3_col = first_column(df, "Site2_Hugo_Symbol")
    sample_col = first_column(df, "Sample_Id", "Tumor_Sample_Barcode")
    if sample_col is None:
        raise UnreadableFile(
            "CBIO_MISSING_COLUMNS", f"{path.name} has no Sample_Id column."
        )
    first = len(comments) + 2
    fusions: list[str | None] = []
    for i in range(len(df)):
        g5 = str(df.at[i, g5_col]).strip() if g5_col else ""
        g3 = str(df.at[i, g3_col]).strip() if g3_col else ""
        g5v = None if g5 in MISSING else g5
        g3v = None if g3 in MISSING else g3
        if g5v is None and g3v is None:
            findings.add(Finding(
                "SV_NO_GENES", Level.ERROR, "Structural variant with neither gene named.",
                file=path.name, row=first + i,
            ))
            fusions.append(None)
            continue
        if g5v is None or g3v is None:
            findings.add(Finding(
                "SV_ONE_GENE", Level.INFO,
                "Only one gene of this structural variant is named; kept with the partner "
                "unknown (never invented).", file=path.name, row=first + i,
                value=g5v or g3v,
            ))
        fusions.append(Fusion(g5v, g3v).notation)
    out = pd.DataFrame({
        "sample_id": df[sample_col].astype(str).str.strip(),
        "fusion": fusions,
        "assay": str(SequencingAssay.RNA_SEQ),
        "_source": path.name, "_row": range(first, first + len(df)),
    })
    out["_excluded"] = out["fusion"].isna()
    out["_reason"] = out["_excluded"].map({True: "SV_NO_GENES", False: None})
    return out


def _discrete_cna(path: Path, datatype: str, findings: FindingList) -> pd.DataFrame:
    df, comments = read_tsv(path)
    first = len(comments) + 2
    gene_col = first_column(df, "Hugo_Symbol")
    if datatype == "DISCRETE":  # wide: genes x samples
        id_cols = [c for c in df.columns if c in ("Hugo_Symbol", "Entrez_Gene_Id", "Cytoband")]
        df = df.assign(_row=range(first, first + len(df))).melt(
            id_vars=id_cols + ["_row"], var_name="Sample_Id", value_name="Value"
        )
    else:
        df = df.assign(_row=range(first, first + len(df)))
    genes = df[gene_col].astype(str).str.strip() if gene_col else pd.Series("", index=df.index)
    values = df["Value"].astype(str).str.strip()
    no_gene = genes.isin(MISSING)
    for r in sorted(set(df.loc[no_gene, "_row"])):
        findings.add(Finding(
            "CNA_NO_GENE", Level.ERROR,
            "Copy-number row without a Hugo_Symbol (Entrez ID only); left out.",
            file=path.name, row=int(r),
        ))
    invalid = ~values.isin(list(DISCRETE_CNA) + ["0"]) & ~values.isin(MISSING)
    for idx in df.index[invalid]:
        findings.add(Finding(
            "CNA_INVALID_VALUE", Level.ERROR,
            "Discrete copy-number value must be one of -2, -1.5, -1, 0, 1, 2.",
            file=path.name, row=int(df.at[idx, "_row"]), value=values[idx],
        ))
    keep = values.isin(list(DISCRETE_CNA)) | invalid
    out = pd.DataFrame({
        "sample_id": df.loc[keep, "Sample_Id"].astype(str).str.strip(),
        "region": genes[keep],
        "event": [str(DISCRETE_CNA[v]) if v in DISCRETE_CNA else None for v in values[keep]],
        "_source": path.name, "_row": df.loc[keep, "_row"],
    }).reset_index(drop=True)
    out["_excluded"] = (out["event"].isna() | out["region"].isin(MISSING)).to_numpy()
    out["_reason"] = out["_excluded"].map({True: "CNA_INVALID_VALUE", False: None})
    return out


def _profiled(
    folder: Path, sample_ids: list[str], profiles: dict[SequencingAssay, pd.DataFrame],
    findings: FindingList | None = None,
) -> pd.DataFrame:
    """Which samples each profile covers: the gene-panel matrix, else every sample."""
    matrix_path = folder / "data_gene_panel_matrix.txt"
    matrix = read_tsv(matrix_path)[0] if matrix_path.is_file() else None
    if matrix is not None and "SAMPLE_ID" not in matrix.columns:
        if findings is not None:
            findings.add(Finding(
                "CBIO_FILE_UNUSABLE", Level.ERROR,
                f"{matrix_path.name} was left out: it has no SAMPLE_ID column, so every "
                "sample is taken as profiled.", file=matrix_path.name,
            ))
        matrix = None
    rows = []
    for assay in profiles:
        covered = sample_ids
        if matrix is not None:
            cols = [c for c, a in PROFILE_ASSAY.items() if a == assay and c in matrix.columns]
            if cols:
                ok = ~matrix[cols[0]].astype(str).str.strip().isin(MISSING)
                in_matrix = set(matrix.loc[ok, "SAMPLE_ID"].astype(str))
                listed = set(matrix["SAMPLE_ID"].astype(str))
                # Samples absent from the matrix are profiled by default (cBioPortal).
                covered = [s for s in sample_ids if s in in_matrix or s not in listed]
        rows += [{"sample_id": s, "assay": str(assay), "status": "done"} for s in covered]
    return pd.DataFrame(rows, columns=["sample_id", "assay", "status"])


def _outcomes(patients: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcome table (OS, PFS) and the remaining patient attributes (kept as extras)."""
    if patients.empty or "PATIENT_ID" not in patients.columns:
        return pd.DataFrame(columns=["patient_id"]), pd.DataFrame()
    out = pd.DataFrame({"patient_id": patients["PATIENT_ID"].astype(str)})
    for prefix, field in (("OS", "os"), ("PFS", "pfs")):
        if f"{prefix}_MONTHS" in patients.columns:
            out[f"{field}_months"] = to_number(patients[f"{prefix}_MONTHS"]).to_numpy()
        if f"{prefix}_STATUS" in patients.columns:
            out[f"{field}_event"] = patients[f"{prefix}_STATUS"].map(_event).to_numpy()
    out["_row"] = range(6, 6 + len(out))
    extra = patients.set_index(patients["PATIENT_ID"].astype(str)).drop(columns="PATIENT_ID")
    return out, extra
