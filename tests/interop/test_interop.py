"""MAF, SEG and cBioPortal study folders, on small hand-made files and the real ones."""

import gzip
import hashlib

import pytest

from imft_desktop.io.interop import detect, import_interop
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.vocab import Capability

MAF = (
    "#version 2.4\n"
    "Hugo_Symbol\tChromosome\tVariant_Classification\tTumor_Sample_Barcode\tHGVSp_Short"
    "\tt_alt_count\tt_ref_count\n"
    "PIK3CA\t3\tMissense_Mutation\tS1\tp.H1047R\t10\t30\n"
    "TP53\t17\tNonsense_Mutation\tS2\tp.R213*\t5\t5\n"
    "\t23\tSilent\tS3\t\t1\t1\n"
    "FLT3\t13\tITD\tS3\tp.X\t1\t1\n"
)


def test_maf_keeps_every_sample_and_flags_what_it_cannot_use(tmp_path):
    path = tmp_path / "cohort.maf"
    path.write_text(MAF)
    assert detect(path) == "maf"
    c = import_interop(path)
    assert c.sample_ids == ["S1", "S2", "S3"]  # S3 has no usable variant but was sequenced
    assert c.tested_for(Capability.MUTATION) == {"S1", "S2", "S3"}
    v = c.table("variants")
    assert list(v["protein_change"]) == ["p.H1047R", "p.R213*", "p.X"]
    assert v["vaf"].iloc[0] == pytest.approx(0.25)
    no_gene = [f for f in c.findings if f.code == "MAF_NO_GENE"]
    assert no_gene and no_gene[0].row == 5  # comment line + header + 3rd data row
    assert {"MAF_NONSTANDARD_CLASS", "MAF_NUMERIC_SEX_CHROMOSOME"} <= c.findings.codes()
    assert len(c.table("variants", include_excluded=True)) == 4


def test_seg_layouts_and_bad_rows(tmp_path):
    path = tmp_path / "x.seg"
    path.write_text(
        "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
        "A\tchr19\t1\t58000000\t100\t-0.8\n"
        "A\t23\t1\t1000\t3\t-8e-04\n"
        "B\t1\t500\t100\t3\t0.1\n"
    )
    c = import_interop(path)
    seg = c.table("cn_segments")
    assert list(seg["chrom"]) == ["19", "X"]
    assert seg["log2_ratio"].iloc[1] == pytest.approx(-0.0008)
    bad = [f for f in c.findings if f.code == "SEG_BAD_ROW"]
    assert [f.row for f in bad] == [4]
    assert c.tested_for(Capability.COPY_NUMBER) == {"A", "B"}


def test_not_a_seg_file_is_refused_clearly(tmp_path):
    path = tmp_path / "y.seg"
    path.write_text("foo\tbar\n1\t2\n")
    with pytest.raises(UnreadableFile) as err:
        import_interop(path)
    assert err.value.code == "SEG_MISSING_COLUMNS"


def test_gzip_maf(tmp_path):
    path = tmp_path / "c.maf.gz"
    path.write_bytes(gzip.compress(MAF.encode()))
    assert import_interop(path).n_samples == 3


def test_real_cbioportal_study(reference_data):
    folder = reference_data / "cbioportal" / "study_es_0"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    c = import_interop(folder)
    # data_clinical_samples.txt: 850 lines = 5 header lines + 845 samples.
    assert c.n_samples == 845
    assert len(c.table("variants")) == 36  # 37 lines minus '#version' and header
    assert len(c.table("fusions", include_excluded=True)) == 48
    assert len(c.table("cn_segments")) == 9
    fusions = set(c.table("fusions")["fusion"])
    assert "EML4::ALK" in fusions
    # The gene-panel matrix leaves some samples unprofiled for mutations.
    assert len(c.tested_for(Capability.MUTATION)) < c.n_samples
    clin = c.clinical()
    row = clin.loc[clin.sample_id == "TCGA-A1-A0SK-01"].iloc[0]
    assert row["os_months"] == pytest.approx(31.77) and row["os_event"] == 1
    assert row["SUBTYPE"] == "basal-like"
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after


def test_real_maf_and_segments(reference_data):
    maf = import_interop(reference_data / "genomics" / "maftools_tcga_laml.maf.gz")
    assert maf.n_samples == 193 and len(maf.table("variants")) == 2207
    cbs = import_interop(reference_data / "copynumber" / "maftools_LAML_CBS_segments.tsv.gz")
    assert cbs.n_samples == 191 and len(cbs.table("cn_segments")) == 6470
    one = import_interop(reference_data / "copynumber" / "maftools_TCGA.AB.3009.hg19.seg.txt")
    assert len(one.table("cn_segments")) == 818
    assert {"X", "Y"} <= set(one.table("cn_segments")["chrom"])


def test_import_file_routes_other_tools_files(tmp_path):
    from imft_desktop.io.importer import import_file

    path = tmp_path / "cohort.maf"
    path.write_text(MAF)
    cohort = import_file(path)
    assert cohort.sources[0].kind == "maf" and cohort.n_samples == 3
