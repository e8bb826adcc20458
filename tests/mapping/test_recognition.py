"""Header-row finding and header recognition on pathologists' sheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from imft_desktop.io.mapping import (
    find_header_row,
    recognise,
    recognise_header,
    sheet_headers,
)
from imft_desktop.io.read.raw import RawSheet

EXPECTED = {
    "A": "samples.sample_id",
    "B": "samples.patient_id",
    "C": "ihc.call[ALK/D5F3]",
    "D": "ihc.percent_positive[ALK/ALK1]",
    "E": "ihc.call[ROS1]",
    "F": "fish.percent_split[ALK]",
    "G": "fish.call[ALK]",
    "H": "fusions.fusion",
    "I": "variants.status[PIK3CA]",
    "J": "variants.status[TP53]",
    "K": "cn_calls.event[22q]",
    "L": "cn_calls.event[19]",
    "M": "cn_calls.list",
    "N": "sequencing.status[WGS]",
    "O": "outcomes.best_response",
    "P": "outcomes.pfs_months",
    "Q": "extra",  # "PFS days": PFS already mapped from the months column
    "R": "outcomes.pfs_event",
    "S": "outcomes.os_event",
    "T": "outcomes.os_months",
    "U": "samples.age",
    "V": "samples.sex",
    "W": "samples.site",
    "X": "samples.comment",
    "Y": "extra",
}


def test_messy_sheet_is_recognised_column_by_column(messy_sheet):
    profile = recognise(messy_sheet)
    assert profile.header_row == 3  # title row 1 and blank row 2 skipped
    got = {c.column: c.target for c in profile.columns}
    assert got == EXPECTED
    by_letter = {c.column: c for c in profile.columns}
    assert "D5F3" in by_letter["C"].reason and "IHC" in by_letter["C"].reason
    assert by_letter["Q"].confidence == 0.0
    assert "column P already maps" in by_letter["Q"].reason
    assert by_letter["Y"].confidence == 0.0
    assert all(0.0 <= c.confidence <= 1.0 for c in profile.columns)
    assert profile.check() == []


def test_explicit_header_row_is_used(messy_sheet):
    profile = recognise(messy_sheet, header_row=4)
    assert profile.header_row == 4
    assert profile.column("A").header == "IMT-01"


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("PFS (months)", [3.2, 18.0], "outcomes.pfs_months"),
        ("PFS (days)", [120, 640], "outcomes.pfs_days"),
        ("PFS days", [120, 640], "outcomes.pfs_days"),
        ("Progression-free survival, mo", [3, 12], "outcomes.pfs_months"),
        ("TTP (weeks)", [12, 30], "outcomes.pfs_weeks"),
        ("OS (d)", [300], "outcomes.os_days"),
        ("Overall survival (years)", [1.5], "outcomes.os_years"),
        ("Time on treatment (months)", [4], "outcomes.time_on_treatment_months"),
        ("PFS", [3.0, 14.5, 22.0], "outcomes.pfs_months"),
        ("PFS", [95, 412, 800], "outcomes.pfs_days"),  # no unit; values say days
    ],
)
def test_time_unit_detection(header, values, target):
    assert recognise_header(header, values).target == target


def test_unit_from_values_is_flagged_with_low_confidence():
    g = recognise_header("PFS", [95, 412, 800])
    assert g.confidence <= 0.5
    assert "days assumed" in g.reason and "rule" in g.reason


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("Censored", [1, 0, 1], "outcomes.pfs_event"),
        ("PFS censored (1=yes)", ["yes", "no"], "outcomes.pfs_event"),
        ("OS censored", [1, 0], "outcomes.os_event"),
        ("Alive", ["yes", "no"], "outcomes.os_event"),
    ],
)
def test_censored_columns_are_inverted(header, values, target):
    g = recognise_header(header, values)
    assert g.target == target
    assert "inverted" in g.reason
    assert g.event_coding is not None
    yes_key = "1" if "1" in g.event_coding else "yes"
    no_key = "0" if "0" in g.event_coding else "no"
    assert g.event_coding[yes_key] == 0  # censored -> no event
    assert g.event_coding[no_key] == 1


def test_event_columns_not_inverted_by_default():
    for header in ("Progression", "PFS event", "Death", "Vital status", "Progressed"):
        g = recognise_header(header, ["yes", "no", "Yes"])
        assert g.target.endswith("_event"), header
        assert g.event_coding == {"yes": 1, "no": 0}, header
        assert "inverted" not in g.reason


def test_event_words_get_a_proposed_coding_and_numbers_need_none():
    g = recognise_header("Vital status", ["dead", "alive", "unknown"])
    assert g.event_coding == {"dead": 1, "alive": 0}
    assert "not coded: unknown" in g.reason and g.confidence < 0.8
    assert recognise_header("Progression", [1, 0, 1.0]).event_coding is None
    assert recognise_header("Progression", ["maybe", "perhaps"]).event_coding is None


def test_r_style_one_two_coding_needs_confirmation():
    g = recognise_header("Status", [1, 2, 2, 1])
    assert g.target == "outcomes.pfs_event"
    assert g.confidence <= 0.4
    assert "1/2" in g.reason
    assert g.event_coding is None


def test_cens_abbreviation_is_not_assumed_inverted():
    # R's aml data: 'cens' with 1 = relapse (an event), the opposite of the word.
    g = recognise_header("cens", [1, 0])
    assert g.event_coding is None
    assert "ambiguous" in g.reason


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("NTRK3 IHC", ["neg"], "ihc.call[NTRK3]"),
        ("pan-TRK (EPR17341)", ["neg"], "ihc.call[pan-TRK/EPR17341]"),
        ("ROS1 D4D6 %", ["0%"], "ihc.percent_positive[ROS1/D4D6]"),
        ("D5F3", ["pos", "neg"], "ihc.call[ALK/D5F3]"),  # clone alone names ALK
        ("ALK IHC intensity", ["3+"], "ihc.intensity[ALK]"),
        ("ALK H-score", [240, 0], "ihc.h_score[ALK]"),
        ("MYOD1 immunostain", ["pos"], "ihc.call[MYOD1]"),
        ("Desmin IHC", ["focal"], "ihc.call[desmin]"),
        ("p53 IHC", ["pos"], "ihc.call[p53]"),
        ("alk ihc", ["pos"], "ihc.call[ALK]"),
        ("Ki-67 IHC (%)", ["20%"], "ihc.percent_positive[Ki-67]"),
        ("ETV6 break-apart FISH", ["pos"], "fish.call[ETV6]"),
        ("ROS1 FISH split signals", [3, 40], "fish.percent_split[ROS1]"),
        ("ALK FISH nuclei scored", [100], "fish.nuclei_scored[ALK]"),
        ("RNA panel fusion", ["ETV6::NTRK3"], "fusions.fusion"),
        ("ALK partner", ["TPM3", "CLTC"], "fusions.fusion[ALK]"),
        ("Rearrangement", ["TPM3-ALK"], "fusions.fusion"),
        ("KRAS mut", ["G12D", "wt"], "variants.status[KRAS]"),
        ("CDKN2A deletion", ["yes", "no"], "cn_calls.event[CDKN2A/loss]"),
        ("monosomy 19", ["yes", "no"], "cn_calls.event[19/loss]"),
        ("Chromosome 7 gain", ["yes"], "cn_calls.event[7/gain]"),
        ("1p", ["loss"], "cn_calls.event[1p]"),
        ("9p21.3", ["deep deletion"], "cn_calls.event[9p21.3]"),
        ("Copy number alterations", ["22q loss; -19"], "cn_calls.list"),
        ("WES performed", ["yes", "no"], "sequencing.status[WES]"),
        ("RNA fusion panel done", ["done", "failed"], "sequencing.status[RNA fusion panel]"),
        ("Sample ID", ["IMT-01"], "samples.sample_id"),
        ("Pathology no.", ["B12-3456"], "samples.sample_id"),
        ("Patient ID", ["P1"], "samples.patient_id"),
        ("BOR", ["PR"], "outcomes.best_response"),
        ("RECIST", ["SD"], "outcomes.best_response"),
        ("Best % change", [-45], "outcomes.best_percent_change"),
        ("Treatment", ["crizotinib"], "outcomes.treatment"),
        ("Gender", ["F"], "samples.sex"),
        ("Histology", ["IMFT"], "samples.diagnosis"),
        ("Tumour cells (%)", [60], "samples.tumour_cells"),
        ("Primary site", ["lung"], "samples.site"),
        ("Specimen", ["biopsy"], "samples.specimen"),
        ("Remarks", ["x"], "samples.comment"),
    ],
)
def test_header_vocabulary_is_not_tied_to_alk(header, values, target):
    assert recognise_header(header, values).target == target


@pytest.mark.parametrize(
    ("values", "target"),
    [
        (["TPM3-ALK", "neg", "RANBP2::ALK"], "fusions.fusion[ALK]"),
        (["pos", "neg", "neg"], "ihc.call[ALK]"),
        (["80%", "<1%", "5-10%"], "ihc.percent_positive[ALK]"),
        (["3+", "0", "2+"], "ihc.intensity[ALK]"),
    ],
)
def test_ambiguous_gene_header_decided_by_values(values, target):
    g = recognise_header("ALK", values)
    assert g.target == target
    assert g.confidence < 0.8  # a guess from values is never presented as certain


def test_gene_alone_with_protein_changes_is_a_mutation_column():
    g = recognise_header("PIK3CA", ["H1047R", "wt", "p.Glu545Lys", None])
    assert g.target == "variants.status[PIK3CA]"


@pytest.mark.parametrize("header", ["STAGE", "Referring hospital", "Block archived?", ""])
def test_unrecognised_headers_become_extra_with_zero_confidence(header):
    g = recognise_header(header, ["IIB", "x"])
    assert g.target == "extra"
    assert g.confidence == 0.0


def test_dates_for_times_are_not_mapped_as_times():
    """A progression date feeds the date from which PFS is derived, never a time."""
    from datetime import datetime

    g = recognise_header("Date of progression", [datetime(2020, 1, 2)])
    assert g.target == "outcomes.progression_date"
    assert "dates" in g.reason


def test_banner_rows_and_merged_title_are_skipped():
    sheet = RawSheet(
        name="S",
        rows=[
            ["Hospital X - IMFT series"],
            ["exported 2024-03-01", None, None, "confidential"],
            [],
            ["Sample", "ALK IHC", "PFS (months)", "Progression"],
            ["A1", "pos", 12, 1],
        ],
        merged_ranges=["A1:D1"],
    )
    assert find_header_row(sheet) == 4
    profile = recognise(sheet)
    assert [c.target for c in profile.columns] == [
        "samples.sample_id", "ihc.call[ALK]", "outcomes.pfs_months", "outcomes.pfs_event",
    ]


def test_two_level_merged_header_is_flattened():
    sheet = RawSheet(
        name="S",
        rows=[
            ["Case", "IHC", None, "FISH", None, "Outcome"],
            [None, "ALK", "ROS1", "ALK %", "ALK", "PFS (months)"],
            ["IMT-01", "pos", "neg", 40, "pos", 12.5],
        ],
        merged_ranges=["A1:A2", "B1:C1", "D1:E1"],
    )
    assert find_header_row(sheet) == 2
    headers = sheet_headers(sheet, 2)
    assert headers == {0: "Case", 1: "IHC ALK", 2: "IHC ROS1", 3: "FISH ALK %",
                       4: "FISH ALK", 5: "PFS (months)"}
    targets = [c.target for c in recognise(sheet).columns]
    assert targets == ["samples.sample_id", "ihc.call[ALK]", "ihc.call[ROS1]",
                       "fish.percent_split[ALK]", "fish.call[ALK]", "outcomes.pfs_months"]


def test_duplicate_headers_map_once():
    sheet = RawSheet(name="S", rows=[["Case", "Age", "Age"], ["A", 1, 2]])
    cols = recognise(sheet).columns
    assert [c.target for c in cols] == ["samples.sample_id", "samples.age", "extra"]
    assert "already maps" in cols[2].reason


def test_blank_header_with_data_is_kept_as_extra_and_hidden_columns_are_said():
    sheet = RawSheet(name="S", rows=[["Case", None, "Age"], ["A", "x", 3]],
                     hidden_columns={2})
    cols = recognise(sheet).columns
    assert [(c.column, c.header, c.target) for c in cols] == [
        ("A", "Case", "samples.sample_id"), ("B", "", "extra"), ("C", "Age", "samples.age"),
    ]
    assert "hidden column" in cols[2].reason


def test_unicode_noise_in_headers_is_ignored():
    g = recognise_header("PFS\u00a0(months)\u200b ", [1.0])
    assert g.target == "outcomes.pfs_months"
    assert recognise_header("\ufeffSample ID", ["x"]).target == "samples.sample_id"


def test_patient_column_alone_serves_as_id():
    sheet = RawSheet(name="S", rows=[["Patient", "ALK FISH"], ["P1", "pos"]])
    profile = recognise(sheet)
    assert profile.check() == []


REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference-data"


@pytest.mark.skipif(not (REFERENCE / "survival").is_dir(), reason="reference data absent")
def test_real_r_survival_sheets_flag_their_event_coding():
    from imft_desktop.io.read.workbook import read_workbook

    lung = read_workbook(REFERENCE / "survival" / "lung_Rcoding_Rdatasets.csv").sheets[0]
    status = recognise(lung).column("D")  # rownames, inst, time, status, ...
    assert status is not None and status.header == "status"
    assert status.target == "outcomes.pfs_event"
    assert "1/2" in status.reason  # R's 1 = censored, 2 = dead: must be confirmed

    aml = read_workbook(REFERENCE / "survival" / "aml_Rdatasets.csv").sheets[0]
    cens = next(c for c in recognise(aml).columns if c.header == "cens")
    assert cens.event_coding is None  # 'cens' is 1 = relapse here: never inverted silently
    assert "ambiguous" in cens.reason


def test_running_number_column_loses_to_the_case_column():
    sheet = RawSheet(name="S", rows=[
        ["No.", "Case", "ALK IHC"], [1, "IMT-07", "pos"], [2, "IMT-09", "neg"],
    ])
    cols = recognise(sheet).columns
    assert [c.target for c in cols] == ["extra", "samples.sample_id", "ihc.call[ALK]"]
    assert "running number" in cols[0].reason
    alone = RawSheet(name="S", rows=[["ID", "ALK IHC"], ["IMT-07", "pos"]])
    assert recognise(alone).columns[0].target == "samples.sample_id"


@pytest.mark.parametrize("header", ["Year of diagnosis", "DOB"])
def test_dates_around_the_diagnosis_are_not_the_diagnosis(header):
    assert recognise_header(header, ["2019-03-01"]).target == "extra"


def test_date_of_diagnosis_is_a_start_date_not_the_diagnosis():
    """A diagnosis date can start PFS / OS (with less confidence than a treatment start)."""
    g = recognise_header("Date of diagnosis", ["2019-03-01"])
    assert g.target == "outcomes.start_date" and g.confidence < 0.7


def test_empty_sheet_gives_an_empty_profile_that_check_rejects():
    profile = recognise(RawSheet(name="Empty", rows=[]))
    assert profile.columns == []
    assert profile.check() == ["no column is mapped to the sample ID (or the patient ID)"]


@pytest.mark.skipif(not (REFERENCE / "cbioportal").is_dir(), reason="reference data absent")
def test_real_cbioportal_and_maftools_clinical_headers():
    from imft_desktop.io.read.workbook import read_workbook

    patients = read_workbook(
        REFERENCE / "cbioportal" / "study_es_0" / "data_clinical_patients.txt"
    ).sheets[0]
    profile = recognise(patients)
    assert profile.header_row == 5  # four '#' metadata rows skipped
    assert {c.header: c.target for c in profile.columns} == {
        "PATIENT_ID": "samples.patient_id",
        "OS_STATUS": "outcomes.os_event",
        "OS_MONTHS": "outcomes.os_months",
        "DFS_STATUS": "outcomes.pfs_event",
        "DFS_MONTHS": "outcomes.pfs_months",
    }
    assert "DFS" in profile.column("E").reason  # says it stands in for PFS

    annot = read_workbook(REFERENCE / "genomics" / "maftools_tcga_laml_annot.tsv").sheets[0]
    got = {c.header: c.target for c in recognise(annot).columns}
    assert got["Tumor_Sample_Barcode"] == "samples.sample_id"
    assert got["days_to_last_followup"] == "outcomes.os_days"
    assert got["Overall_Survival_Status"] == "outcomes.os_event"


def test_title_merged_over_some_columns_is_not_a_group_header():
    sheet = RawSheet(
        name="S",
        rows=[
            ["CREATE cohort export of 2021, final"],
            ["Case", "ALK IHC", "ROS1 IHC", "PFS (months)", "Age"],
            ["IMT-01", "pos", "neg", 12.5, 40],
        ],
        merged_ranges=["A1:C1"],
    )
    assert find_header_row(sheet) == 2
    assert sheet_headers(sheet, 2)[1] == "ALK IHC"


def test_small_two_level_header_spanning_two_of_three_columns():
    sheet = RawSheet(
        name="S",
        rows=[["Case", "FISH", None], [None, "ALK", "ROS1"], ["IMT-01", "pos", "neg"]],
        merged_ranges=["A1:A2", "B1:C1"],
    )
    assert [c.target for c in recognise(sheet).columns] == [
        "samples.sample_id", "fish.call[ALK]", "fish.call[ROS1]",
    ]


def test_header_displayed_text_is_used_for_excel_converted_headers():
    from datetime import datetime

    sheet = RawSheet(
        name="S",
        rows=[["Case", datetime(2024, 1, 2)], ["A", 1]],
        display_text={(1, 1): "1/2"},
    )
    assert sheet_headers(sheet, 1) == {0: "Case", 1: "1/2"}
