"""One driver list and one fusion reader: the importer, the alteration matrix, fusion
partners and concordance read a fusion cell the same way (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest

from imft_desktop.analysis import alterations, concordance, partners
from imft_desktop.io.validation import fusions_variants
from imft_desktop.io.validation.values import parse_fusion as import_fusion
from imft_desktop.model import fusion as model_fusion
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.fusion import DRIVER_GENES, Fusion, parse_fusion_text
from imft_desktop.model.genes import KNOWN_GENES  # symbols for splitting, not drivers

CELLS = [
    "EML4-ALK", "ALK::TPM3", "TPM3/ALK", "TPM3::ALK", "TPM3–ALK", "EML4 ALK", "NKX2-1-ALK",
    "ETV6-NTRK3", "EWSR1::FLI1", "EML4-ALK v3", "TPM3::ALK exon 8/20", "ALK rearranged",
    "ALK (partner unknown)", "ALK::?", "?::ALK", "ALK fusion", "ROS1 break-apart positive",
    "t(2;17)(p23;q23)", "t(12;15)(p13;q25)", "EWSR1 rearranged", "C11orf95-RELA",
]
NOT_FUSIONS = ["A-B-C", "see report", "TP53 R273H", "KRAS PIK3CA", "ALK positive", "ALK",
               "FOO-1-ALK", "t(3;7)(p21;q11)"]


def test_one_driver_list_in_the_model():
    """The matrix, the partner table and the importer read the same set object; no other
    module of the lower floors keeps a list of fusion drivers of its own."""
    assert alterations.DRIVER_GENES is DRIVER_GENES
    assert fusions_variants.DRIVER_GENES is DRIVER_GENES
    for module in (alterations, partners, concordance, fusions_variants):
        own = [name for name, value in vars(module).items()
               if isinstance(value, frozenset) and "ALK" in value
               and value is not DRIVER_GENES and value is not KNOWN_GENES]
        assert own == [], (module.__name__, own)
    assert {"ALK", "ROS1", "NTRK3", "RET", "PDGFRB", "PRKCA", "FGFR4"} <= DRIVER_GENES
    assert "PIK3CA" not in DRIVER_GENES  # altered by mutation, not fusion


@pytest.mark.parametrize("cell", CELLS)
def test_importer_and_analyses_read_a_cell_alike(cell):
    """The importer's normalised value, read back by the model, is the fusion the
    analyses read from the raw cell (genes, driver, partner, orientation)."""
    imported = import_fusion(cell)
    assert imported.value is not None, imported.notes
    from_import = Fusion.parse(imported.value)
    from_raw = parse_fusion_text(cell)
    assert from_raw is not None
    if cell == "C11orf95-RELA":  # the importer applies the HGNC rename, and says so
        assert from_import == Fusion("ZFTA", "RELA") and from_raw == Fusion("C11orf95", "RELA")
        return
    assert from_raw == from_import
    assert (from_raw.driver, from_raw.partner) == (from_import.driver, from_import.partner)


@pytest.mark.parametrize(("cell", "driver", "partner"), [
    ("EML4-ALK", "ALK", "EML4"), ("ALK::TPM3", "ALK", "TPM3"), ("TPM3/ALK", "ALK", "TPM3"),
    ("t(2;17)(p23;q23)", "ALK", None), ("ALK (partner unknown)", "ALK", None),
    ("ETV6-NTRK3", "NTRK3", "ETV6"), ("EWSR1::FLI1", "FLI1", "EWSR1"),
])
def test_driver_and_partner(cell, driver, partner):
    f = parse_fusion_text(cell)
    assert (f.driver, f.partner) == (driver, partner)


@pytest.mark.parametrize("cell", NOT_FUSIONS)
def test_text_that_names_no_fusion_is_no_fusion_anywhere(cell):
    assert parse_fusion_text(cell) is None
    assert import_fusion(cell).value is None


def test_analyses_count_what_the_reader_reads():
    """A karyotype and a reversed call count as ALK fusions in the matrix and the partner
    table alike (the analyses used a reader of their own before)."""
    ids = ["S1", "S2", "S3", "S4"]
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ids, "assay": "RNA fusion panel",
                                    "status": "done"}),
        "fusions": pd.DataFrame({"sample_id": ["S1", "S2", "S3"],
                                 "fusion": ["t(2;17)(p23;q23)", "ALK::TPM3", "TPM3/ALK"]}),
    })
    m = alterations.alteration_matrix(cohort)
    assert (m.info["ALK fusion"].altered_n, m.info["ALK fusion"].tested_n) == (3, 4)
    assert m.info["TPM3::ALK"].altered_n == 1 and m.info["ALK::TPM3"].altered_n == 1
    pt = partners.fusion_partners(cohort)
    assert pt.counts["ALK"] == {"TPM3": 2, "partner unknown": 1}
    assert pt.orientation["ALK"] == {"TPM3": "5'", "partner unknown": ""}


def test_the_reader_lives_in_the_model_only():
    """No second reader: the io layer's notation module is gone and the analyses keep no
    parser of their own."""
    import importlib.util

    assert importlib.util.find_spec("imft_desktop.io.validation.fusion_notation") is None
    assert not hasattr(alterations, "parse_fusion") and not hasattr(alterations, "driver_of")
    assert model_fusion.read_fusion("EML4-ALK v3").detail == "v3"
