"""Summaries of real public files agree with what the files hold (counted independently)."""

import gzip

from imft_desktop.analysis.frequencies import frequency_table
from imft_desktop.io.importer import import_file

CODING_EXCLUDED = {"Silent", "Intron", "3'UTR", "5'UTR", "3'Flank", "5'Flank", "IGR", "RNA"}


def _maf_gene_counts(path):
    """Samples per gene with a protein-changing variant, counted straight from the text."""
    with gzip.open(path, "rt") as fh:
        lines = fh.read().splitlines()
    header = lines[0].split("\t")
    gi, ci, si = (header.index(c) for c in
                  ("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode"))
    per_gene: dict[str, set[str]] = {}
    samples = set()
    for line in lines[1:]:
        f = line.split("\t")
        samples.add(f[si])
        if f[ci] not in CODING_EXCLUDED:
            per_gene.setdefault(f[gi], set()).add(f[si])
    return {g: len(s) for g, s in per_gene.items()}, len(samples)


def test_maf_frequencies_match_the_file(reference_data):
    path = reference_data / "genomics" / "maftools_tcga_laml.maf.gz"
    expected, n = _maf_gene_counts(path)
    table = frequency_table(import_file(path)).to_frame()
    genes = table.loc[table["kind"] == "mutation"].set_index("label")
    for gene in ("FLT3", "DNMT3A", "NPM1", "IDH2", "TP53"):
        row = genes.loc[f"{gene} mutation"]
        assert (row["altered"], row["tested"]) == (expected[gene], n), gene
    assert expected["FLT3"] == 52 and n == 193  # maftools' TCGA-LAML oncoplot: FLT3 27%


def test_cbioportal_fusions_match_the_file(reference_data):
    study = reference_data / "cbioportal" / "study_es_0"
    rows = (study / "data_structural_variants.txt").read_text().splitlines()
    header = rows[0].split("\t")
    s, g5, g3 = (header.index(c) for c in ("Sample_Id", "Site1_Hugo_Symbol", "Site2_Hugo_Symbol"))
    braf = {r.split("\t")[s] for r in rows[1:] if "BRAF" in (r.split("\t")[g5], r.split("\t")[g3])}
    table = frequency_table(import_file(study)).to_frame().set_index("label")
    assert table.loc["BRAF fusion", "altered"] == len(braf)
    assert table.loc["BRAF fusion", "tested"] == 845
