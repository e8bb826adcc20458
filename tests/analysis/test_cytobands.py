"""Cytoband facts: arm bounds per assembly and region parsing."""

from __future__ import annotations

import pandas as pd
import pytest

from imft_desktop.analysis.cytobands import (
    arm_bounds,
    band_range,
    band_ranges,
    normalise_assembly,
    normalise_chrom,
    parse_region,
)


def test_hg19_and_hg38_bounds_differ_as_published():
    hg19, hg38 = arm_bounds("hg19"), arm_bounds("hg38")
    assert hg19.at["1", "p_end"] == 125_000_000
    assert hg38.at["1", "p_end"] == 123_400_000
    assert hg19.at["22", "length"] == 51_304_566
    assert hg38.at["22", "length"] == 50_818_468
    assert hg38.at["19", "q_start"] == 26_200_000
    assert hg38.loc["22", "acrocentric"] and not hg38.loc["19", "acrocentric"]


@pytest.mark.parametrize("assembly", ["hg19", "hg38"])
def test_bounds_match_the_reference_derivation(assembly, reference_data):
    path = reference_data / "copynumber" / f"derived_{assembly}_arm_centromere_bounds.tsv"
    if not path.exists():
        pytest.skip("reference data absent")
    ref = pd.read_csv(path, sep="\t")
    ref["chrom"] = ref["chrom"].str.removeprefix("chr")
    ref = ref.set_index("chrom")
    ours = arm_bounds(assembly).loc[ref.index]
    assert (ours["p_end"] == ref["p_end"]).all()
    assert (ours["length"] == ref["q_end"]).all()
    assert (ours["centromere_start"] == ref["centromere_start"]).all()
    assert (ours["centromere_end"] == ref["centromere_end"]).all()


def test_parse_region_kinds():
    assert parse_region("chr19").kind == "chromosome"
    r = parse_region("22q", "hg38")
    assert (r.kind, r.chrom, r.start, r.end) == ("arm", "22", 15_000_000, 50_818_468)
    band = parse_region("9p21.3", "hg38")
    assert (band.kind, band.text, band.start, band.end) == ("band", "9p21.3", 19_900_000,
                                                           25_600_000)
    wide = parse_region("9p21", "hg38")
    assert wide.start == 19_900_000 and wide.end == 33_200_000  # p21.3 .. p21.1
    assert parse_region("9p21.3-p21.1").end == wide.end
    assert parse_region("CDKN2A").kind == "gene"
    assert parse_region("NKX2-1").kind == "gene"


def test_band_names():
    assert band_range("9", 21_900_000, 22_000_000, "hg38") == "9p21.3"
    assert band_range("9", 20_000_000, 30_000_000, "hg19") == "9p21.3-p21.1"
    assert band_ranges(["9", "1"], [20_000_000, 0], [30_000_000, 5], "hg19") == [
        "9p21.3-p21.1", "1p36.33"]


def test_normalisers():
    assert normalise_chrom("chr7") == "7"
    assert normalise_chrom(23) == "X"
    assert normalise_chrom(7.0) == "7"
    assert normalise_chrom("M") is None
    assert normalise_assembly("GRCh37") == "hg19"
    with pytest.raises(ValueError):
        normalise_assembly("mm10")
