"""The alteration matrix: labels, denominators (not tested is never negative), aliases."""

from __future__ import annotations

import numpy as np
import pytest

from imft_desktop.analysis.alterations import alteration_matrix, normalise_protein
from imft_desktop.model.fusion import driver_of
from imft_desktop.model.fusion import parse_fusion_text as parse_fusion
from imft_desktop.model.vocab import AlterationKind


def test_denominators_use_tested_samples_only(cohort):
    m = alteration_matrix(cohort)
    assert m.samples == [f"S{i}" for i in range(1, 9)]
    assert list(m.status.index) == m.samples

    def counts(label):
        i = m.info[label]
        return i.altered_n, i.tested_n

    # Fusions: WGS S1-S5 + RNA panel S6; S7 failed, S8 untested (its CLTC::ALK is ignored).
    assert counts("ALK fusion") == (3, 6)  # TPM3::ALK, partner unknown, RANBP2-ALK
    assert counts("TPM3::ALK") == (1, 6)
    assert counts("RANBP2::ALK") == (1, 6)
    assert "CLTC::ALK" not in m.labels
    assert any("without a done fusion-capable assay" in w for w in m.warnings)
    # Mutations: WGS only (S1-S5).
    assert counts("PIK3CA mutation") == (2, 5)
    assert counts("PIK3CA p.H1047R") == (1, 5)
    assert counts("PIK3CA p.E545K") == (1, 5)
    # IHC: not evaluable (S7) and not tested (S8) out; equivocal (S4) tested, not positive.
    assert counts("ALK IHC positive (ALK1)") == (3, 6)
    assert counts("ALK IHC positive (D5F3)") == (1, 2)
    assert counts("ALK IHC positive (any clone)") == (3, 6)
    assert counts("ALK FISH positive") == (2, 4)
    # Copy number: WGS S1-S5 (S5 by direct calls).
    assert counts("22q loss") == (3, 5)
    assert counts("monosomy 19") == (1, 5)
    assert counts("chromosome 7 gain") == (1, 5)
    assert counts("CDKN2A deep deletion") == (1, 5)
    assert np.isnan(m.status.loc["S8", "ALK fusion"])
    assert np.isnan(m.status.loc["S6", "22q loss"])
    assert m.status.loc["S4", "ALK fusion"] == 0.0


def test_labels_ordered_by_frequency_and_kinds(cohort):
    m = alteration_matrix(cohort)
    pct = [m.info[k].altered_n / m.info[k].tested_n for k in m.labels]
    assert pct == sorted(pct, reverse=True)
    assert m.labels[0] == "22q loss"
    assert m.info["ALK fusion"].kind is AlterationKind.FUSION
    assert m.info["ALK fusion"].level == "driver gene"
    assert m.info["TPM3::ALK"].level == "exact fusion"
    assert m.info["monosomy 19"].kind is AlterationKind.LOSS
    assert m.info["1q gain"].kind is AlterationKind.GAIN
    assert m.info["CDKN2A deep deletion"].kind is AlterationKind.DEEP_DELETION
    assert m.info["ALK IHC positive (D5F3)"].kind is AlterationKind.IHC_POSITIVE
    assert m.info["ALK FISH positive"].kind is AlterationKind.FISH_POSITIVE
    assert m.info["9p21.3 loss (focal)"].level == "focal"
    assert m.to_dict()["info"]["TPM3::ALK"]["tested"] == 6


@pytest.mark.parametrize(
    "typed, label",
    [
        ("TPM3-ALK", "TPM3::ALK"),
        ("tpm3/alk", "TPM3::ALK"),
        ("monosomy 19", "monosomy 19"),
        ("-19", "monosomy 19"),
        ("22q", "22q loss"),
        ("-22", "22q loss"),
        ("monosomy 22", "22q loss"),
        ("+7", "chromosome 7 gain"),
        ("trisomy 7", "chromosome 7 gain"),
        ("ALK+", "ALK IHC positive (any clone)"),
        ("ALK IHC D5F3", "ALK IHC positive (D5F3)"),
        ("alk fish", "ALK FISH positive"),
        ("ALK rearranged", "ALK fusion"),
        ("PIK3CA H1047R", "PIK3CA p.H1047R"),
        ("pik3ca", "PIK3CA mutation"),
        ("9p21.3 loss", "9p21.3 loss (focal)"),
        ("CDKN2A homdel", "CDKN2A deep deletion"),
    ],
)
def test_find_accepts_aliases(cohort, typed, label):
    assert alteration_matrix(cohort).find(typed) == label


def test_find_suggests_close_labels(cohort):
    with pytest.raises(KeyError, match=r"did you mean.*TPM3::ALK"):
        alteration_matrix(cohort).find("TPM3::ALKK")


@pytest.mark.parametrize(
    "text, g5, g3, driver, partner",
    [
        ("TPM3::ALK", "TPM3", "ALK", "ALK", "TPM3"),
        ("TPM3-ALK", "TPM3", "ALK", "ALK", "TPM3"),
        ("ETV6–NTRK3", "ETV6", "NTRK3", "NTRK3", "ETV6"),
        ("NKX2-1-ALK", "NKX2-1", "ALK", "ALK", "NKX2-1"),
        ("ALK::TPM3", "ALK", "TPM3", "ALK", "TPM3"),  # reversed: the kinase drives
        ("EWSR1::FLI1", "EWSR1", "FLI1", "FLI1", "EWSR1"),  # no kinase: the 3' gene
    ],
)
def test_parse_fusion_and_driver_rule(text, g5, g3, driver, partner):
    f = parse_fusion(text)
    assert (f.gene5, f.gene3, f.driver, f.partner) == (g5, g3, driver, partner)
    assert driver_of(g5, g3) == driver


@pytest.mark.parametrize("text", ["ALK rearranged", "ALK (partner unknown)", "ALK::?",
                                  "ROS1 fusion"])
def test_partner_unknown_is_never_invented(text):
    f = parse_fusion(text)
    assert f.partner is None and f.exact is None
    assert f.driver in ("ALK", "ROS1")


def test_unreadable_fusions_and_proteins():
    assert parse_fusion("") is None
    assert parse_fusion(None) is None
    assert parse_fusion("A-B-C") is None  # ambiguous split, no kinase: not guessed
    assert normalise_protein("H1047R") == "p.H1047R"
    assert normalise_protein(float("nan")) is None


def test_probed_kinase_without_fusion_still_has_its_zero_row():
    import pandas as pd

    from imft_desktop.model.cohort import Cohort

    ids = ["A", "B", "C"]
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ["A", "B"], "assay": "RNA fusion panel",
                                    "status": "done"}),
        "fish": pd.DataFrame({"sample_id": ids, "probe": "ROS1",
                              "call": ["negative", "negative", "negative"]}),
    })
    m = alteration_matrix(cohort)
    info = m.info["ROS1 fusion"]
    assert (info.altered_n, info.tested_n) == (0, 2)
    assert m.status["ROS1 fusion"].isna().tolist() == [False, False, True]
    assert m.find("ROS1 rearranged") == "ROS1 fusion"
