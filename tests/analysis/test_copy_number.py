"""Copy-number calling from synthetic segments with a known truth, and real SEG files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imft_desktop.analysis.alterations import alteration_matrix
from imft_desktop.analysis.copy_number import (
    CnaParams,
    call_arm_events,
    call_focal_events,
    cna_burden,
    genome_frequency,
    recurrent_focal_loci,
    segments_from_seg,
)
from imft_desktop.model.cohort import Cohort


def _events(df: pd.DataFrame, sample: str) -> set[tuple[str, str, str]]:
    sub = df.loc[df["sample_id"] == sample]
    return set(zip(sub["region"], sub["kind"], sub["event"]))


def test_arm_and_whole_chromosome_calls(segments):
    segs = pd.DataFrame(
        segments("A", changes={"22q": -0.5, "19": -0.6, "1q": 0.4})
        + segments("B", changes={"19p": -0.6})
        + segments("C")
    )
    ev = call_arm_events(segs, CnaParams(assembly="hg38"))
    assert _events(ev, "A") == {
        ("22q", "arm", "loss"), ("22", "chromosome", "loss"),  # acrocentric: q decides
        ("19p", "arm", "loss"), ("19q", "arm", "loss"), ("19", "chromosome", "loss"),
        ("1q", "arm", "gain"),
    }
    assert _events(ev, "B") == {("19p", "arm", "loss")}  # one arm: no monosomy
    assert _events(ev, "C") == set()
    row = ev.loc[(ev["sample_id"] == "A") & (ev["region"] == "22q")].iloc[0]
    assert row["fraction_altered"] == pytest.approx(1.0)
    assert row["mean_log2"] == pytest.approx(-0.5)


def test_arm_fraction_threshold_and_hg19_vs_hg38():
    # A loss over 0-62 Mb of chromosome 1: 50.2% of 1p in hg38 (p ends at 123.4 Mb) but
    # 49.6% in hg19 (p ends at 125.0 Mb).
    rows = [
        {"sample_id": "A", "chrom": "1", "start": 0, "end": 62_000_000, "log2_ratio": -0.5},
        {"sample_id": "A", "chrom": "1", "start": 62_000_000, "end": 248_000_000,
         "log2_ratio": 0.0},
    ]
    segs = pd.DataFrame(rows)
    hg38 = call_arm_events(segs, CnaParams(assembly="hg38"))
    hg19 = call_arm_events(segs, CnaParams(assembly="hg19"))
    assert ("1p", "arm", "loss") in _events(hg38, "A")
    assert _events(hg19, "A") == set()
    strict = call_arm_events(segs, CnaParams(assembly="hg38", arm_fraction=0.6))
    assert strict.empty


def test_focal_events_levels_and_bands(segments):
    segs = pd.DataFrame(
        segments("A", changes={"1q": 0.4, "focal": [
            ("9", 21_900_000, 22_100_000, -1.5),      # deep deletion at CDKN2A (9p21.3)
            ("1", 150_000_000, 151_000_000, 1.2),     # amplification inside a gained arm
        ]})
    )
    foc = call_focal_events(segs, CnaParams(assembly="hg38"))
    got = {(r.chrom, r.start, r.end, r.event, r.cytoband) for r in foc.itertuples()}
    assert ("9", 21_900_000, 22_100_000, "deep deletion", "9p21.3") in got
    assert ("1", 150_000_000, 151_000_000, "amplification", "1q21.2-q21.3") in got
    # The gained 1q pieces are broad, not focal.
    assert not ((foc["chrom"] == "1") & (foc["event"] == "gain")).any()


def test_consecutive_segments_with_one_level_merge_into_one_run():
    rows = [
        {"sample_id": "A", "chrom": "9", "start": 21_000_000, "end": 21_500_000,
         "log2_ratio": -0.4},
        {"sample_id": "A", "chrom": "9", "start": 21_500_000, "end": 22_000_000,
         "log2_ratio": -0.6},
    ]
    foc = call_focal_events(pd.DataFrame(rows), CnaParams(assembly="hg38"))
    assert len(foc) == 1
    assert (foc.iloc[0]["start"], foc.iloc[0]["end"]) == (21_000_000, 22_000_000)
    assert foc.iloc[0]["mean_log2"] == pytest.approx(-0.5)
    assert foc.iloc[0]["n_segments"] == 2


def _cn_cohort(segs: list[dict], calls: pd.DataFrame | None = None,
               extra_samples: tuple[str, ...] = ()) -> Cohort:
    ids = sorted({r["sample_id"] for r in segs} | set(extra_samples))
    tables = {
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ids, "assay": "WGS", "status": "done"}),
        "cn_segments": pd.DataFrame(segs),
    }
    if calls is not None:
        tables["cn_calls"] = calls
    return Cohort.from_tables(tables)


def test_recurrent_loci_minimal_common_region_rule(segments):
    focal = {
        "A": [("9", 10_000_000, 20_000_000, -0.5)],
        "B": [("9", 15_000_000, 25_000_000, -0.5)],
        "C": [("9", 17_000_000, 19_000_000, -0.5), ("9", 31_000_000, 35_000_000, -0.5)],
        "D": [("9", 30_000_000, 40_000_000, -0.5)],
        "E": [("9", 12_000_000, 13_000_000, 0.5)],  # a gain: other direction
    }
    segs = [row for s, f in focal.items() for row in segments(s, changes={"focal": f})]
    cohort = _cn_cohort(segs)
    params = CnaParams(assembly="hg38")
    loci = recurrent_focal_loci(cohort, params, min_samples=2)
    got = [(r.start, r.end, r.event, r.n_samples, r.samples) for r in loci.itertuples()]
    # Coverage 1,2,3,2,1 peaks on C's 17-19 Mb (A, B, C); then 31-35 Mb (C, D).
    assert got == [
        (17_000_000, 19_000_000, "loss", 3, ("A", "B", "C")),
        (31_000_000, 35_000_000, "loss", 2, ("C", "D")),
    ]
    assert recurrent_focal_loci(cohort, params, min_samples=4).empty
    m = alteration_matrix(cohort, params)
    focal_labels = [lab for lab in m.labels if m.info[lab].level == "focal"]
    assert len(focal_labels) == 2, focal_labels
    first = m.info[focal_labels[0]]
    assert (first.altered_n, first.tested_n) == (3, 5)
    assert m.status.loc["E", focal_labels[0]] == 0.0


def test_direct_calls_win_and_count_tested_samples(segments):
    segs = segments("A", changes={"22q": -0.5}) + segments("B")
    calls = pd.DataFrame(
        {
            "sample_id": ["A", "B", "C", "C"],
            "region": ["22q", "19", "CDKN2A", "9p21.3"],
            "event": ["neutral", "loss", "deep deletion", "loss"],
        }
    )
    cohort = _cn_cohort(segs, calls, extra_samples=("C",))
    m = alteration_matrix(cohort, CnaParams(assembly="hg38"))
    st = m.status
    assert "22q loss" not in m.labels  # A's segment call overridden by the direct call
    assert st.loc[["A", "B", "C"], "monosomy 19"].tolist() == [0.0, 1.0, 0.0]
    assert st.loc[["A", "B", "C"], "19q loss"].tolist() == [0.0, 1.0, 0.0]
    assert st.loc[["A", "B", "C"], "CDKN2A deep deletion"].tolist() == [0.0, 0.0, 1.0]
    assert st.loc[["A", "B", "C"], "9p21.3 loss (focal)"].tolist() == [0.0, 0.0, 1.0]


def test_unassessable_arm_is_not_tested_not_negative(segments):
    # Sample B has no segment on chromosome 7: its 7p status is unknown.
    segs = segments("A", changes={"7": 0.5})
    segs += [r for r in segments("B") if r["chrom"] != "7"]
    segs += segments("C")
    m = alteration_matrix(_cn_cohort(segs), CnaParams(assembly="hg38"))
    col = m.status["chromosome 7 gain"]
    assert col["A"] == 1.0 and np.isnan(col["B"]) and col["C"] == 0.0
    assert (m.info["chromosome 7 gain"].altered_n, m.info["chromosome 7 gain"].tested_n) == (1, 2)


def test_burden_and_genome_frequency(cohort):
    b = cna_burden(cohort).set_index("sample_id")
    # S1: 1q gain, 19p+19q loss (one run), 22q loss, 9p21.3 focal = 4 runs.
    assert b.loc["S1", "altered_regions"] == 4
    assert b.loc["S1", "n_arm_events"] == 4
    assert b.loc["S4", "altered_regions"] == 0 and b.loc["S4", "fraction_genome_altered"] == 0
    assert b.loc["S5", "source"] == "calls" and b.loc["S5", "altered_regions"] == 2
    assert not b.loc["S6", "tested"] and np.isnan(b.loc["S6", "altered_regions"])
    g = genome_frequency(cohort, bin_size=1e6)
    chr19 = g.loc[g["chrom"] == "19"]
    assert (chr19["n_tested"] == 5).all()
    assert chr19["loss_fraction"].iloc[0] == pytest.approx(1 / 5)
    chr22 = g.loc[(g["chrom"] == "22") & (g["start"] >= 20_000_000)]
    # S1 and S2 from segments and S5 from its direct 22q call.
    assert chr22["n_loss"].iloc[0] == 3


def test_segments_from_seg_layouts():
    seg = pd.DataFrame(
        {"ID": ["s1", "s1"], "chrom": ["chr1", "23"], "loc.start": [1, 5],
         "loc.end": [100, 50], "num.mark": [3, 4], "seg.mean": ["-8e-04", "0.5"]}
    )
    out = segments_from_seg(seg)
    assert list(out.columns) == ["sample_id", "chrom", "start", "end", "markers", "log2_ratio"]
    assert out["chrom"].tolist() == ["1", "X"]
    assert out["log2_ratio"].tolist() == [-0.0008, 0.5]


@pytest.mark.parametrize(
    "name, rows, samples",
    [
        ("cbioportal/study_es_0/data_cna_hg19.seg", 9, 1),
        ("copynumber/maftools_TCGA.AB.3009.hg19.seg.txt", 818, 1),
        ("copynumber/maftools_LAML_CBS_segments.tsv.gz", 6470, 191),
    ],
)
def test_real_seg_files(name, rows, samples, reference_data):
    path = reference_data / name
    if not path.exists():
        pytest.skip("reference data absent")
    raw = pd.read_csv(path, sep="\t")
    seg = segments_from_seg(raw)
    assert len(seg) == rows == len(raw)
    assert seg["sample_id"].nunique() == samples
    assert seg["chrom"].notna().all()
    params = CnaParams(assembly="hg19", include_sex_chromosomes=True)
    arms = call_arm_events(seg, params)
    focal = call_focal_events(seg, params, with_bands=False)
    assert set(arms["sample_id"]) <= set(seg["sample_id"])
    if name.endswith("data_cna_hg19.seg"):
        # Four short deep deletions on chromosome 1 (seg.mean -1.66, -1.10, -1.20, -1.42):
        # -1.0999 is above the -1.1 deep-deletion cut-off and is a loss.
        assert sorted(focal["event"]) == ["deep deletion"] * 3 + ["loss"]


def test_cohort_assembly_comes_from_the_study_sheet():
    rows = [
        {"sample_id": "A", "chrom": "1", "start": 0, "end": 62_000_000, "log2_ratio": -0.5},
        {"sample_id": "A", "chrom": "1", "start": 62_000_000, "end": 248_000_000,
         "log2_ratio": 0.0},
        {"sample_id": "B", "chrom": "1", "start": 0, "end": 248_000_000, "log2_ratio": 0.0},
    ]

    def cohort(assembly: str) -> Cohort:
        return Cohort.from_tables({
            "study": pd.DataFrame({"key": ["assembly"], "value": [assembly]}),
            "samples": pd.DataFrame({"sample_id": ["A", "B"], "patient_id": ["A", "B"]}),
            "sequencing": pd.DataFrame({"sample_id": ["A", "B"], "assay": "WGS",
                                        "status": "done", "assembly": [assembly, "hg19"]}),
            "cn_segments": pd.DataFrame(rows),
        })

    hg38 = alteration_matrix(cohort("hg38"))
    assert hg38.cna.assembly == "hg38" and "1p loss" in hg38.labels
    assert any("several assemblies" in w for w in hg38.warnings)
    hg19 = alteration_matrix(cohort("GRCh37"))
    assert hg19.cna.assembly == "hg19" and "1p loss" not in hg19.labels
    assert not hg19.warnings


def test_empty_and_assay_free_cohorts_summarise():
    from imft_desktop.analysis.alteration_summary import summarise

    for tables in ({}, {"samples": pd.DataFrame({"sample_id": ["A"], "patient_id": ["A"]})}):
        s = summarise(Cohort.from_tables(tables))
        assert s.matrix.labels == [] and len(s.frequencies) == 0
        assert s.focal_loci.empty and s.cooccurrence.empty and s.oncoprint.rows == []
        assert s.burden["tested"].sum() == 0


def test_segments_of_untested_samples_are_left_out_with_a_warning(segments):
    segs = segments("A", changes={"22q": -0.5}) + segments("B", changes={"22q": -0.5})
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ["A", "B"], "patient_id": ["A", "B"]}),
        "sequencing": pd.DataFrame({"sample_id": ["A", "B"], "assay": "WGS",
                                    "status": ["done", "failed"]}),
        "cn_segments": pd.DataFrame(segs[::-1]),  # unsorted on purpose
    })
    m = alteration_matrix(cohort, CnaParams(assembly="hg38"))
    assert (m.info["22q loss"].altered_n, m.info["22q loss"].tested_n) == (1, 1)
    assert np.isnan(m.status.loc["B", "22q loss"])
    assert any("Segments of 1 sample(s)" in w for w in m.warnings)


def test_assembly_disagreement_is_flagged():
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ["A"], "patient_id": ["A"]}),
        "sequencing": pd.DataFrame({"sample_id": ["A"], "assay": "WGS", "status": "done",
                                    "assembly": ["hg19"]}),
    })
    assert alteration_matrix(cohort).cna.assembly == "hg19"  # taken from the sheet
    forced = alteration_matrix(cohort, CnaParams(assembly="hg38"))
    assert any("says hg19" in w for w in forced.warnings)


def test_loci_table_and_matrix_count_the_same_samples(segments):
    """The 8q24.21 case of the demo: a sample with direct calls only (a SNP array report)
    is tested at every locus; it is altered where it lists a band overlapping the locus
    in that direction, and not altered where it lists nothing.  The loci table and the
    locus's matrix column count it alike (they read 4/22 and 5/24 before)."""
    focal = [("8", 127_400_000, 127_900_000, 0.6)]
    segs = (segments("A", changes={"focal": focal}) + segments("B", changes={"focal": focal})
            + segments("C"))
    calls = pd.DataFrame({"sample_id": ["D", "E"], "region": ["8q24.21", "22q"],
                          "event": ["gain", "loss"]})
    cohort = _cn_cohort(segs, calls, extra_samples=("D", "E"))
    params = CnaParams(assembly="hg38")
    loci = recurrent_focal_loci(cohort, params, min_samples=2)
    (locus,) = loci.itertuples(index=False)
    assert (locus.cytoband, locus.event) == ("8q24.21", "gain")
    assert (locus.n_samples, locus.n_tested, locus.samples) == (3, 5, ("A", "B", "D"))
    m = alteration_matrix(cohort, params)
    assert locus.label in m.labels
    info = m.info[locus.label]
    assert (info.altered_n, info.tested_n) == (locus.n_samples, locus.n_tested)
    assert m.altered_samples(locus.label) == list(locus.samples)
    # The band call is counted in the locus's column, not in a second column of its own.
    assert [lab for lab in m.labels if lab.startswith("8q24.21")] == [locus.label]


def test_band_call_column_leaves_unmeasured_segment_samples_out(segments):
    """A band called directly in one sample: a sample whose segments do not reach the
    band is not tested there (never counted as not altered)."""
    segs = segments("A") + [r for r in segments("B") if r["chrom"] != "9"]
    calls = pd.DataFrame({"sample_id": ["C"], "region": ["9p21.3"], "event": ["loss"]})
    cohort = _cn_cohort(segs, calls, extra_samples=("C",))
    col = alteration_matrix(cohort, CnaParams(assembly="hg38")).status["9p21.3 loss (focal)"]
    assert col["A"] == 0.0 and np.isnan(col["B"]) and col["C"] == 1.0
