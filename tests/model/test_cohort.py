import pandas as pd
import pytest

from imft_desktop.model.cohort import Cohort
from imft_desktop.model.vocab import AssayCall, Capability


def _cohort() -> Cohort:
    samples = pd.DataFrame(
        {"sample_id": ["S1", "S2", "S3", "S4"], "patient_id": ["P1", "P2", "P3", "P3"]}
    )
    ihc = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4"],
            "marker": ["ALK", "ALK", "ALK", "ALK"],
            "clone": ["D5F3", "D5F3", "D5F3", "ALK1"],
            "call": ["positive", "negative", "not tested", "not evaluable"],
        }
    )
    seq = pd.DataFrame(
        {
            "sample_id": ["S1", "S2", "S3", "S4"],
            "assay": ["WGS", "WGS", "RNA fusion panel", "WGS"],
            "status": ["done", "failed", "done", "done"],
        }
    )
    outcomes = pd.DataFrame(
        {"patient_id": ["P1", "P2", "P3"], "pfs_months": [3.0, 12.5, 7.0], "pfs_event": [1, 0, 1]}
    )
    study = pd.DataFrame({"key": ["study_name", "synthetic"], "value": ["Test", "yes"]})
    return Cohort.from_tables(
        {"samples": samples, "ihc": ihc, "sequencing": seq, "outcomes": outcomes, "study": study}
    )


def test_not_tested_and_not_evaluable_are_outside_the_denominator():
    c = _cohort()
    assert c.ihc_tested("ALK") == {"S1", "S2"}
    assert c.ihc_tested("alk", "d5f3") == {"S1", "S2"}
    assert not AssayCall.NOT_TESTED.is_tested
    assert not AssayCall.NOT_EVALUABLE.is_tested


def test_sequencing_capabilities_drive_denominators():
    c = _cohort()
    # S2 failed; S3 had only an RNA panel (fusions, no copy number).
    assert c.tested_for(Capability.FUSION) == {"S1", "S3", "S4"}
    assert c.tested_for(Capability.COPY_NUMBER) == {"S1", "S4"}
    assert c.tested_for("mutation") == {"S1", "S4"}
    assert c.sequenced_by("WGS") == {"S1", "S4"}


def test_excluded_records_are_kept_but_out_of_the_analysis():
    c = _cohort()
    c.tables["samples"].loc[1, "_excluded"] = True
    c.tables["samples"].loc[1, "_reason"] = "ID_DUPLICATE"
    assert c.sample_ids == ["S1", "S3", "S4"]
    assert len(c.table("samples", include_excluded=True)) == 4
    assert list(c.excluded()["samples"]["sample_id"]) == ["S2"]
    # A tested call of an excluded sample does not count either.
    assert c.ihc_tested("ALK") == {"S1"}


def test_clinical_joins_outcomes_by_patient_and_keeps_extras():
    c = _cohort()
    c.extra = pd.DataFrame({"Grade": ["1", "2", "3", "3"]}, index=["S1", "S2", "S3", "S4"])
    clin = c.clinical()
    assert list(clin["sample_id"]) == ["S1", "S2", "S3", "S4"]
    assert clin.loc[clin.sample_id == "S4", "pfs_months"].item() == 7.0
    assert list(clin["Grade"]) == ["1", "2", "3", "3"]
    # an unmapped column named like a field keeps both, the sheet's one renamed
    c.extra["site"] = ["a", "b", "c", "d"]
    clin = c.clinical()
    assert "site" in clin.columns and list(clin["site (sheet)"]) == ["a", "b", "c", "d"]
    assert c.clinical_columns() == [str(col) for col in clin.columns]


def test_summary_line_and_info():
    c = _cohort()
    line = c.summary_line()
    assert line.startswith("4 samples, 3 patients; IHC 2")
    assert "WGS 2" in line and "SYNTHETIC" in line
    info = c.info()
    assert info["samples"] == 4 and info["patients"] == 3
    assert info["tested_for"]["copy number"] == 2
    assert info["ihc_by_marker"] == {"ALK D5F3": 2}
    assert c.is_synthetic and c.name == "Test"


def test_from_tables_rejects_unknown_tables():
    with pytest.raises(KeyError):
        Cohort.from_tables({"nonsense": pd.DataFrame()})


def test_empty_cohort_is_usable():
    c = Cohort()
    assert c.n_samples == 0
    assert c.summary_line() == "0 samples, 0 patients"
    assert c.tested_for(Capability.FUSION) == set()


def test_fusion_normalised_form():
    from imft_desktop.model.fusion import Fusion

    f = Fusion.parse("TPM3::ALK")
    assert (f.driver, f.partner, f.partner_orientation) == ("ALK", "TPM3", "5'")
    unknown = Fusion.parse("?::ALK")
    assert not unknown.partner_known and unknown.partner is None
    assert unknown.label == "ALK rearrangement (partner unknown)"
    assert Fusion.parse("ETV6::NTRK3").driver == "NTRK3"
    assert Fusion.parse("ALK::PTPN3").driver == "ALK"  # kinase on the 5' side
    for bad in ("TPM3-ALK", "?::?", "A::B::C", ""):
        with pytest.raises(ValueError):
            Fusion.parse(bad)
