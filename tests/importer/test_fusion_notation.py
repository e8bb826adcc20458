"""Fusion notations of issue 12: variant and exon details, karyotypes, reversed order and
partner-unknown forms give the right genes, or a warning quoting the cell -- never an
invented gene."""

from __future__ import annotations

import pytest

from imft_desktop.io.validation import codes
from imft_desktop.io.validation.values import parse_fusion


def codes_of(parsed):
    return [n.code for n in parsed.notes]


@pytest.mark.parametrize("cell,value,detail", [
    ("EML4-ALK v3", "EML4::ALK", "v3"),
    ("EML4-ALK variant 3a", "EML4::ALK", "variant 3a"),
    ("EML4-ALK (v3)", "EML4::ALK", "(v3)"),
    ("EML4/ALK v1", "EML4::ALK", "v1"),
    ("EML4::ALK (E13;A20)", "EML4::ALK", "(E13;A20)"),
    ("TPM3::ALK exon 8/20", "TPM3::ALK", "exon 8/20"),
    ("NPM1::ALK t(2;5)", "NPM1::ALK", "t(2;5)"),
    ("ETV6-NTRK3 t(12;15)(p13;q25)", "ETV6::NTRK3", "t(12;15)(p13;q25)"),
    ("EML4-ALK v3 fusion", "EML4::ALK", "v3"),
])
def test_details_are_kept_apart_from_the_genes(cell, value, detail):
    p = parse_fusion(cell)
    assert p.value == value
    assert dict(p.extra)["fusion_detail"] == detail
    assert "FUSION_DETAIL_KEPT" in codes_of(p)


@pytest.mark.parametrize("cell,driver,partner_hint", [
    ("t(1;2)(q21;p23)", "ALK", "TPM3"),
    ("t(2;5)(p23;q35)", "ALK", "NPM1"),
    ("inv(2)(p21p23)", "ALK", "EML4"),
    ("t(12;15)(p13;q25)", "NTRK3", "ETV6"),
    ("t(2;17)(p23;q23)", "ALK", "CLTC"),
])
def test_karyotype_gives_the_driver_and_never_a_partner(cell, driver, partner_hint):
    p = parse_fusion(cell)
    assert p.value == f"?::{driver}"
    extra = dict(p.extra)
    assert extra["partner_unknown"] is True and extra["gene_5"] is None
    (note,) = p.notes
    assert note.code == "FUSION_KARYOTYPE" and partner_hint in note.hint
    finding = codes.make(note.code, value=cell, normalised=note.normalised, detail=note.detail)
    assert cell in finding.message and finding.level.rank == 1  # a warning quoting the cell


@pytest.mark.parametrize("cell", ["t(3;7)(p21;q11)", "t(1;2)"])
def test_unreadable_karyotype_is_a_warning_without_genes(cell):
    p = parse_fusion(cell)
    assert p.value is None and p.notes


def test_reversed_loose_order_keeps_the_genes_and_warns():
    p = parse_fusion("ALK-EML4")
    assert dict(p.extra)["gene_5"] == "ALK" and dict(p.extra)["gene_3"] == "EML4"
    assert "FUSION_DRIVER_FIRST" in codes_of(p)
    assert "FUSION_DRIVER_FIRST" not in codes_of(parse_fusion("ALK::EML4"))  # HGNC as meant


@pytest.mark.parametrize("cell", ["ALK fusion", "ALK rearranged", "ALK::?", "?::ALK",
                                  "ALK break-apart positive (45%)"])
def test_partner_unknown_forms(cell):
    p = parse_fusion(cell)
    assert p.value in ("?::ALK", "ALK::?")
    assert dict(p.extra)["partner_unknown"] is True


@pytest.mark.parametrize("cell", ["EML4-ALK foo", "EML4-ALK V3X junk", "ALK"])
def test_no_gene_is_ever_invented(cell):
    p = parse_fusion(cell)
    if p.value is not None:
        genes = {g for g in (dict(p.extra).get("gene_5"), dict(p.extra).get("gene_3")) if g}
        assert genes <= {"EML4", "ALK"}


@pytest.mark.parametrize("cell", ["ETV6::NTRK3", "NTRK3::ETV6", "EML4::ALK", "TPM3::ALK",
                                  "RANBP2::ALK", "NKX2-1::ALK", "CARS1::ALK", "TFG::ROS1"])
def test_plain_fusions_are_untouched(cell):
    p = parse_fusion(cell)
    assert p.value == cell
    assert "fusion_detail" not in dict(p.extra)
