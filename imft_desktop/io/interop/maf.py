"""Mutation Annotation Format (MAF) files: variants, and the samples they were called on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from imft_desktop.io.interop.tabular import (
    MISSING,
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

#: Variant_Classification values of the MAF specification (plus cBioPortal's extras).
MAF_CLASSES = frozenset(
    {
        "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del", "In_Frame_Ins",
        "Missense_Mutation", "Nonsense_Mutation", "Silent", "Splice_Site",
        "Translation_Start_Site", "Nonstop_Mutation", "3'UTR", "3'Flank", "5'UTR",
        "5'Flank", "IGR", "Intron", "RNA", "Targeted_Region", "De_novo_Start_InFrame",
        "De_novo_Start_OutOfFrame", "Splice_Region", "Fusion", "Unknown",
    }
)


def read_maf(path: Path) -> tuple[pd.DataFrame, list[str], FindingList]:
    """Variants of a MAF as a ``variants`` table, its sample barcodes, and findings.

    Every row is kept; rows without a gene symbol are marked excluded (ERROR).  The
    line number of each row (counting comment and header lines) is kept in ``_row``.
    """
    df, comments = read_tsv(path)
    check_time()
    findings = FindingList()
    name = path.name
    sample_col = first_column(df, "Tumor_Sample_Barcode")
    gene_col = first_column(df, "Hugo_Symbol")
    class_col = first_column(df, "Variant_Classification")
    missing = [
        n
        for n, c in (("Tumor_Sample_Barcode", sample_col), ("Hugo_Symbol", gene_col),
                     ("Variant_Classification", class_col))
        if c is None
    ]
    if missing:
        raise UnreadableFile(
            "MAF_MISSING_COLUMNS",
            f"{name} is not a MAF file: column(s) {', '.join(missing)} missing.",
        )
    assert sample_col and gene_col and class_col
    protein_col = first_column(df, "HGVSp_Short", "Protein_Change", "Amino_Acid_Change")
    first_data_line = len(comments) + 2
    rows = list(range(first_data_line, first_data_line + len(df)))

    genes = df[gene_col].astype(str).str.strip()
    no_gene = genes.isin(MISSING) | genes.eq("Unknown")
    for i in df.index[no_gene]:
        findings.add(Finding(
            "MAF_NO_GENE", Level.ERROR,
            "Variant without a Hugo_Symbol; it is listed but left out of the analysis.",
            file=name, row=rows[i], header=gene_col, value=str(df.at[i, gene_col]),
        ))
    classes = df[class_col].astype(str).str.strip()
    odd = sorted(set(classes) - MAF_CLASSES)
    for value in odd:
        lines = [rows[i] for i in df.index[classes.eq(value)]]
        findings.add(Finding(
            "MAF_NONSTANDARD_CLASS", Level.INFO,
            f"Variant_Classification '{value}' is not in the MAF specification "
            f"(lines {_span(lines)}); kept as written.",
            file=name, row=lines[0], header=class_col, value=value,
        ))
    if "Chromosome" in df.columns and df["Chromosome"].astype(str).isin(["23", "24"]).any():
        findings.add(Finding(
            "MAF_NUMERIC_SEX_CHROMOSOME", Level.INFO,
            "Chromosomes coded 23/24 were read as X/Y.", file=name, header="Chromosome",
        ))

    vaf = pd.Series(float("nan"), index=df.index)
    alt, ref = first_column(df, "t_alt_count"), first_column(df, "t_ref_count")
    if alt and ref:
        a, r = to_number(df[alt]), to_number(df[ref])
        vaf = a / (a + r)
    elif (col := first_column(df, "i_TumorVAF_WU", "tumor_vaf")) is not None:
        v = to_number(df[col])
        vaf = v.where(v <= 1, v / 100)

    protein = (
        df[protein_col].astype(str).str.strip().where(lambda s: ~s.isin(MISSING))
        if protein_col else pd.Series(None, index=df.index, dtype=object)
    )
    protein = protein.map(
        lambda p: p if p is None or pd.isna(p) or p.startswith("p.") else f"p.{p}"
    )
    variants = pd.DataFrame({
        "sample_id": df[sample_col].astype(str).str.strip(),
        "gene": genes,
        "protein_change": protein,
        "cdna_change": df[c].astype(str) if (c := first_column(df, "HGVSc")) else None,
        "variant_class": classes,
        "vaf": vaf,
        "assay": str(SequencingAssay.DNA_PANEL),
        "_source": name, "_sheet": None, "_row": rows, "_column": None,
        "_excluded": no_gene.to_numpy(), "_reason": ["MAF_NO_GENE" if x else None for x in no_gene],
    })
    if "Chromosome" in df.columns:
        variants["chrom"] = normalise_chrom(df["Chromosome"]).to_numpy()
    samples = list(dict.fromkeys(variants["sample_id"]))
    return variants, samples, findings


def read_maf_cohort(path: Path) -> Cohort:
    """A cohort from a MAF alone: its samples, each sequenced, with their variants."""
    variants, samples, findings = read_maf(path)
    return single_file_cohort(
        path, "maf", str(SequencingAssay.DNA_PANEL), "variants", variants, samples, findings,
        samples_note("MAF_SAMPLES_FROM_FILE", f"{len(samples)} samples named in the MAF are "
                     "counted as sequenced (patient = sample).", path),
    )


def _span(lines: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")
