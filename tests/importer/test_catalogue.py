"""Bad-input catalogue (reliability.md sections 6.2-6.8), each case through the importer.

Every test builds a small workbook in memory, imports it and checks the finding's
code, Excel row and column letter, and what happened to the record.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from importer_helpers import at, cohort, findings, one, record, samples, sheet, workbook

from imft_desktop.io.importer import build_cohort
from imft_desktop.io.read.records import RawColumn, RawTable
from imft_desktop.io.validation.tables import validate_tables
from imft_desktop.model.progress import Cancelled, Progress
from imft_desktop.model.vocab import Level

IHC_HEADER = ["sample_id", "marker", "clone", "percent_positive", "intensity", "h_score", "call"]
OUT_HEADER = ["patient_id", "best_response", "pfs_months", "pfs_event"]


def ihc(*rows: list[object]) -> object:
    return sheet("IHC", [IHC_HEADER, *rows])


def outcomes(*rows: list[object], header: list[str] | None = None) -> object:
    return sheet("Outcomes", [header or OUT_HEADER, *rows])


# ---------------------------------------------------------------- 6.2 sheet structure


def test_19_hidden_rows_warned_and_included_by_default() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", "P-01"], ["IMT-02", "P-02"],
                          ["IMT-03", "P-03"]], hidden_rows={3, 4})
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ROWS_HIDDEN")
    assert f.level is Level.WARNING and f.row == 3 and f.sheet == "Samples"
    assert "rows 3-4" in f.message
    assert c.n_samples == 3


def test_19_hidden_rows_excluded_with_reason_on_request() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", "P-01"], ["IMT-02", "P-02"]],
              hidden_rows={3})
    c = cohort(s, sheet("IHC", [IHC_HEADER]), include_hidden_rows=False)
    rec = record(c, "samples", 3)
    assert rec["_excluded"] and rec["_reason"] == "ROWS_HIDDEN"
    assert c.sample_ids == ["IMT-01"]


def test_21_title_rows_above_header() -> None:
    s = sheet("Samples", [["CREATE cohort export 2021"], [None], ["sample_id", "patient_id"],
                          ["IMT-01", "P-01"]])
    c = cohort(s, ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"]))
    f = one(c, "HEADER_BELOW_TITLE")
    assert f.row == 3 and f.level is Level.INFO
    assert record(c, "samples", 4)["sample_id"] == "IMT-01"


def test_22_merged_cells_in_data_region_are_errors() -> None:
    rows = [OUT_HEADER, ["P-01", "PR", 10, 1], ["P-02", None, 12, 0]]
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(*rows[1:]))
    assert not findings(c, "CELL_MERGED")
    out = sheet("Outcomes", rows, merged_ranges=["B2:B3"])
    c = cohort(samples("IMT-01", "IMT-02"), out)
    hits = findings(c, "CELL_MERGED")
    # one merged range, one finding listing every row it covers; both records left out
    assert [(f.row, f.column, f.rows) for f in hits] == [(2, "B", (2, 3))]
    assert "B2:B3" in hits[0].message
    assert record(c, "outcomes", 2)["_excluded"] and record(c, "outcomes", 3)["_excluded"]


def test_24_blank_row_inside_table_warned() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", "P-01"], [None, None],
                          ["IMT-02", "P-02"], [], []])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ROW_BLANK_INSIDE")
    assert f.row == 3 and f.level is Level.WARNING
    assert c.n_samples == 2


def test_25_footnote_under_table_not_a_record() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", "P-01"], [None],
                          ["* pending re-review"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ROW_FOOTNOTE")
    assert at(f, 4, "A")
    assert c.sample_ids == ["IMT-01"]
    assert not findings(c, "SAMPLE_NO_PATIENT")


# ---------------------------------------------------------------- 6.3 headers


def test_28_header_with_nbsp_and_trailing_space_matched() -> None:
    s = sheet("Samples", [["Sample ID ", "patient\u00a0id"], ["IMT-01", "P-01"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    hits = findings(c, "HEADER_NORMALISED")
    assert {(f.row, f.column) for f in hits} == {(1, "A"), (1, "B")}
    assert c.sample_ids == ["IMT-01"]


def test_29_duplicate_header_is_error() -> None:
    out = sheet("Outcomes", [["patient_id", "pfs_months", "pfs_months"], ["P-01", 3, 4]])
    c = cohort(samples("IMT-01"), out)
    f = one(c, "HEADER_DUPLICATE")
    assert f.level is Level.ERROR and at(f, 1, "C")
    assert record(c, "outcomes", 2)["pfs_months"] == 3


def test_30_near_duplicate_header_is_error() -> None:
    s = sheet("Samples", [["Sample ID", "patient_id", "Sample ID "], ["IMT-01", "P-01", "x"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "HEADER_DUPLICATE_NORMALISED")
    assert f.level is Level.ERROR and at(f, 1, "C")


def test_31_required_column_missing_names_closest_headers() -> None:
    bad = sheet("IHC", [["sample_id", "markr", "call"], ["IMT-01", "ALK", "positive"]])
    c = cohort(bad)
    f = one(c, "COLUMN_REQUIRED_MISSING")
    assert f.value == "marker" and f.sheet == "IHC"
    assert '"markr"' in (f.hint or "")
    assert record(c, "ihc", 2)["_excluded"]


def test_32_blank_header_above_data_is_error() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", None], ["IMT-01", "P-01", "42"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "HEADER_BLANK")
    assert f.level is Level.ERROR and at(f, 1, "C")


def test_extra_sample_column_kept_for_groupings() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", "Ward"], ["IMT-01", "P-01", 7],
                          ["IMT-02", "P-02", "B"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "HEADER_KEPT_AS_EXTRA")
    assert at(f, 1, "C") and f.level is Level.INFO
    assert c.extra.loc["IMT-01", "Ward"] == "7"
    assert c.clinical().set_index("sample_id").loc["IMT-02", "Ward"] == "B"


def test_unknown_header_warned_with_suggestion() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", "diagnoses"], ["IMT-01", "P-01", "IMFT"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "HEADER_UNKNOWN")
    assert at(f, 1, "C") and "diagnosis" in (f.hint or "")


# ---------------------------------------------------------------- 6.4 identifiers


def test_34_leading_zero_display_text_used_and_recorded() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], [123, "P-1"]],
              display_text={(2, 0): "00123"}, number_formats={(2, 0): "00000"})
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ID_FROM_DISPLAY_TEXT")
    assert at(f, 2, "A") and f.normalised == "00123"
    assert c.sample_ids == ["00123"]


def test_34_leading_zero_collision_warned() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["00123", "P-1"], ["123", "P-2"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ID_LEADING_ZERO_COLLISION")
    assert at(f, 3, "A")


def test_35_duplicate_sample_id_names_first_row() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["S0", "P0"], ["S1", "P1"], ["S2", "P2"],
                          ["S1", "P1"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "ID_DUPLICATE")
    assert at(f, 5, "A") and "first on row 3" in f.message
    assert record(c, "samples", 5)["_excluded"]
    assert not record(c, "samples", 3)["_excluded"]


def test_36_duplicates_after_normalisation() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["S1", "P1"], ["S1 ", "P1"],
                          ["s1", "P1"], ["S1\u200b", "P1"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    dup = findings(c, "ID_DUPLICATE")
    norm = findings(c, "ID_DUPLICATE_NORMALISED")
    assert sorted(f.row for f in dup) == [3, 5]  # "S1 " and "S1\u200b" clean to "S1"
    assert [(f.row, f.column, f.value) for f in norm] == [(4, "A", "s1")]
    assert "row 2" in norm[0].message
    assert c.sample_ids == ["S1"]


def test_37_newline_in_id_is_error_and_odd_characters_warned() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["S1\nS2", "P1"],
                          ["TEST-PAT1*SAMPLE6", "P2"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    assert at(one(c, "ID_CONTROL_CHAR"), 2, "A")
    assert record(c, "samples", 2)["_excluded"]
    w = one(c, "ID_ODD_CHARACTERS")
    assert w.level is Level.WARNING and at(w, 3, "A")


def test_38_ids_stored_as_numbers_lose_precision() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], [12345678901234567, "P1"],
                          [100000.0, "P2"], [42, "P3"]],
              display_text={(3, 0): "1.00E+05"})
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    rows = sorted((f.row, f.column) for f in findings(c, "ID_NUMBER_PRECISION"))
    assert rows == [(2, "A"), (3, "A")]
    assert at(one(c, "ID_FROM_NUMBER"), 4, "A")
    assert c.sample_ids == ["42"]


def test_39_sample_without_patient_is_error() -> None:
    s = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", None]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "SAMPLE_NO_PATIENT")
    assert at(f, 2, "B") and f.level is Level.ERROR


def test_39_sample_with_two_patients_across_sheets_is_error() -> None:
    first = sheet("Samples", [["sample_id", "patient_id"], ["IMT-01", "P-01"]])
    c = cohort(first, ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"]))
    tables = [
        RawTable("samples", "a.xlsx", "Samples", [2], {
            "sample_id": RawColumn("sample_id", "A", "sample_id", ["IMT-01"]),
            "patient_id": RawColumn("patient_id", "B", "patient_id", ["P-01"])}),
        RawTable("samples", "a.xlsx", "Clinical", [5], {
            "sample_id": RawColumn("sample_id", "C", "Sample", ["IMT-01"]),
            "patient_id": RawColumn("patient_id", "D", "Patient", ["P-99"])}),
    ]
    frames, fs = validate_tables(tables)
    hit = [f for f in fs if f.code == "SAMPLE_PATIENT_CONFLICT"]
    assert len(hit) == 1 and (hit[0].sheet, hit[0].row, hit[0].column) == ("Clinical", 5, "D")
    assert frames["samples"]["_excluded"].tolist() == [False, True]
    assert c.n_samples == 1


def test_40_orphan_sample_in_assay_sheet_is_error() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"],
                   ["IMT-77", "ALK", "D5F3", 80, "3+", 240, "positive"]))
    f = one(c, "SAMPLE_NOT_DEFINED")
    assert at(f, 3, "A") and f.sheet == "IHC" and f.level is Level.ERROR
    assert record(c, "ihc", 3)["_excluded"]
    assert c.ihc_tested() == {"IMT-01"}


def test_40_patient_without_samples_warned() -> None:
    c = cohort(samples("IMT-01"), outcomes(["P-01", "PR", 10, 1], ["P-09", "SD", 3, 0]))
    f = one(c, "PATIENT_NOT_DEFINED")
    assert at(f, 3, "A") and f.level is Level.WARNING
    c = cohort(samples("IMT-01"), outcomes(["P01", "PR", 10, 1]))
    assert 'Did you mean "P-01"' in (one(c, "PATIENT_NOT_DEFINED").hint or "")


def test_41_near_miss_ids_warned_with_suggestion_never_merged() -> None:
    c = cohort(samples("IMT-01"), ihc(["IMT01", "ALK", "D5F3", 80, "3+", 240, "positive"]))
    w = one(c, "ID_NEAR_MISS")
    assert at(w, 2, "A") and w.normalised == "IMT-01" and w.level is Level.WARNING
    e = one(c, "SAMPLE_NOT_DEFINED")
    assert "IMT-01" in (e.hint or "")
    assert c.ihc_tested() == set()


# ---------------------------------------------------------------- 6.5 values and types


def test_42_missing_tokens_mapped_raw_kept() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", "n/a", "3+", "NA", "pending"]))
    rec = record(c, "ihc", 2)
    assert rec["call"] == "not tested" and rec["raw:call"] == "pending"
    assert rec["missing:percent_positive"] == "unknown"
    assert {(f.column, f.normalised) for f in findings(c, "VALUE_MISSING_TOKEN")} >= {
        ("D", "unknown"), ("F", "unknown")}


def test_42_not_done_on_assay_is_not_tested() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", None, None, None, "not done"],
                   ["IMT-02", "ALK", "D5F3", 0, "0", 0, "negative"]))
    assert at(one(c, "CALL_NOT_DONE"), 2, "G")
    assert c.ihc_tested("ALK") == {"IMT-02"}


def test_43_error_cells_are_errors() -> None:
    s = ihc(["IMT-01", "ALK", "D5F3", "#REF!", "3+", 240, "positive"])
    s.error_cells[(2, 3)] = "#REF!"
    c = cohort(s)
    f = one(c, "CELL_ERROR")
    assert at(f, 2, "D") and "formula error in source cell" in f.message.lower()
    assert record(c, "ihc", 2)["_excluded"]


def test_44_formula_without_cached_value_is_error() -> None:
    s = ihc(["IMT-01", "ALK", "D5F3", None, "3+", 240, "positive"])
    s.formula_without_value[(2, 3)] = "=D2*2"
    c = cohort(s)
    f = one(c, "FORMULA_NOT_CALCULATED")
    assert at(f, 2, "D") and "save" in (f.hint or "")


def test_45_formula_with_cached_value_is_info() -> None:
    s = ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"])
    s.formula_cells.add((2, 3))
    c = cohort(s)
    f = one(c, "FORMULA_CACHED")
    assert at(f, 2, "D") and f.level is Level.INFO
    assert record(c, "ihc", 2)["percent_positive"] == 80


def test_46_decimal_comma_is_error_unless_declared() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", "age"], ["IMT-01", "P-01", "7,5"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    assert at(one(c, "NUMBER_DECIMAL_COMMA"), 2, "C")
    c = cohort(s, sheet("IHC", [IHC_HEADER]), decimal_comma=True)
    assert not findings(c, "NUMBER_DECIMAL_COMMA")
    assert record(c, "samples", 2)["age"] == 7.5


def test_47_units_in_values_converted() -> None:
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(["P-01", "PR", "12 mo", 1],
                                                     ["P-02", "SD", "365 d", 0]))
    hits = findings(c, "UNIT_CONVERTED")
    assert [(f.row, f.column) for f in hits] == [(2, "C"), (3, "C")]
    assert record(c, "outcomes", 3)["pfs_months"] == round(365 / 30.4375, 6)


def test_48_qualified_numbers_structured_percent_kept() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", "<1%", "1+", 5, "negative"],
                   ["IMT-02", "ALK", "D5F3", "5-10%", "2+", 20, "negative"]))
    hits = findings(c, "NUMBER_QUALIFIED") + findings(c, "NUMBER_RANGE")
    assert [(f.row, f.column) for f in hits] == [(2, "D"), (3, "D")]
    assert all(f.level is Level.WARNING for f in hits)  # a number the cell does not hold
    rec = record(c, "ihc", 2)
    assert rec["percent_positive"] == 1.0 and rec["percent_positive_qualifier"] == "<"
    assert rec["raw:percent_positive"] == "<1%"


def test_49_out_of_range_measurements_are_errors() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", "tumour_cells"], ["IMT-01", "P-01", 120]])
    c = cohort(s, ihc(["IMT-01", "ALK", "D5F3", 80, "4+", 350, "positive"]))
    cells = sorted((f.sheet, f.row, f.column) for f in findings(c, "VALUE_OUT_OF_RANGE"))
    assert cells == [("IHC", 2, "E"), ("IHC", 2, "F"), ("Samples", 2, "C")]


def test_52_look_alike_unicode_recorded() -> None:
    c = cohort(ihc(["IMT-01", "АLK", "D5F3", 80, "3+", 240, "positive"]))
    f = one(c, "UNICODE_NORMALISED")
    assert at(f, 2, "B") and f.normalised == "ALK"
    assert record(c, "ihc", 2)["marker"] == "ALK"


def test_53_very_long_cell_warned_kept() -> None:
    long = "x" * 40000
    s = sheet("Samples", [["sample_id", "patient_id", "comment"], ["IMT-01", "P-01", long]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    assert at(one(c, "CELL_TOO_LONG"), 2, "C")
    assert record(c, "samples", 2)["comment"] == long


def test_54_date_in_non_date_column_is_error() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", datetime(2021, 1, 14), "3+", 240, "positive"]))
    assert at(one(c, "DATE_IN_NON_DATE_COLUMN"), 2, "D")


# ---------------------------------------------------------------- 6.7 genomics


def _variants(*rows: list[object]) -> object:
    return sheet("Variants", [["sample_id", "gene", "protein_change", "assay"], *rows])


def _sequencing() -> object:
    return sheet("Sequencing", [["sample_id", "assay", "status"], ["IMT-01", "WGS", "done"],
                                ["IMT-02", "WGS", "done"]])


def test_59_gene_converted_to_date_is_error_with_hint() -> None:
    c = cohort(_sequencing(), _variants(["IMT-01", datetime(2026, 9, 2), "p.R1A", "WGS"],
                                        ["IMT-02", "1-Mar", "p.R2A", "WGS"]))
    hits = findings(c, "GENE_AS_DATE")
    assert [(f.row, f.column) for f in hits] == [(2, "B"), (3, "B")]
    assert "SEPTIN2" in (hits[0].hint or "") and "MARCHF1" in (hits[1].hint or "")
    assert record(c, "variants", 2)["gene"] is None  # never auto-fixed


def test_60_gene_as_float_is_error() -> None:
    c = cohort(_sequencing(), _variants(["IMT-01", 2.31e19, "p.R1A", "WGS"]))
    assert at(one(c, "GENE_AS_NUMBER"), 2, "B")


def test_61_outdated_symbols_normalised() -> None:
    c = cohort(_sequencing(), _variants(["IMT-01", "SEPT9", "p.R1A", "WGS"],
                                        ["IMT-02", "pik3ca", "H1047R", "WGS"]))
    assert at(one(c, "GENE_OUTDATED"), 2, "B")
    assert at(one(c, "GENE_CASE_NORMALISED"), 3, "B")
    assert c.table("variants")["gene"].tolist() == ["SEPTIN9", "PIK3CA"]


def _fusions(*rows: list[object]) -> object:
    return sheet("Fusions", [["sample_id", "fusion", "assay"], *rows])


def test_62_fusion_notations_normalised() -> None:
    c = cohort(_sequencing(), _fusions(["IMT-01", "ETV6-NTRK3", "WGS"],
                                       ["IMT-02", "TPM3/ALK", "WGS"]))
    hits = findings(c, "FUSION_NORMALISED")
    assert [(f.row, f.column, f.normalised) for f in hits] == [
        (2, "B", "ETV6::NTRK3"), (3, "B", "TPM3::ALK")]


def test_63_ambiguous_hyphen_split_is_error() -> None:
    c = cohort(_sequencing(), _fusions(["IMT-01", "FOO-1-ALK", "WGS"]))
    f = one(c, "FUSION_AMBIGUOUS_SPLIT")
    assert at(f, 2, "B") and f.level is Level.ERROR


def test_64_partner_unknown_kept_unknown() -> None:
    c = cohort(_sequencing(), _fusions(["IMT-01", "ALK rearranged", "WGS"]))
    assert at(one(c, "FUSION_PARTNER_UNKNOWN"), 2, "B")
    rec = record(c, "fusions", 2)
    assert rec["partner_unknown"] is True and rec["gene_5"] is None
    assert rec["fusion"] == "?::ALK" and rec["gene_3"] == "ALK"


def test_65_reversed_fusion_duplicates_warned() -> None:
    c = cohort(_sequencing(), _fusions(["IMT-01", "ETV6::NTRK3", "WGS"],
                                       ["IMT-01", "NTRK3::ETV6", "WGS"]))
    f = one(c, "FUSION_REVERSED_DUPLICATE")
    assert at(f, 3, "B") and "row 2" in f.message


def test_66_67_protein_changes() -> None:
    c = cohort(_sequencing(), _variants(["IMT-01", "PIK3CA", "p.His1047Arg", "WGS"],
                                        ["IMT-02", "PIK3CA", "E545K; H1047R", "WGS"]))
    assert at(one(c, "PROTEIN_NORMALISED"), 2, "C")
    assert record(c, "variants", 2)["protein_change"] == "p.H1047R"
    assert at(one(c, "PROTEIN_MULTIPLE"), 3, "C")
    assert record(c, "variants", 3)["_excluded"]


def _cn_calls(*rows: list[object]) -> object:
    return sheet("CN_Calls", [["sample_id", "region", "event"], *rows])


def test_68_cna_notations_give_region_and_event() -> None:
    c = cohort(_sequencing(), _cn_calls(["IMT-01", "22q loss", None],
                                        ["IMT-01", "monosomy 19", None],
                                        ["IMT-02", "+7", "gain"]))
    df = c.table("cn_calls")
    assert list(zip(df["region"], df["event"], df["region_kind"])) == [
        ("22q", "loss", "arm"), ("19", "loss", "chromosome"), ("7", "gain", "chromosome")]
    assert len(findings(c, "CNA_NORMALISED")) == 3


def test_69_karyotype_sign_lost_when_stored_as_number() -> None:
    c = cohort(_sequencing(), _cn_calls(["IMT-01", 7, None], ["IMT-02", 19, "loss"]))
    f = one(c, "CNA_SIGN_LOST")
    assert at(f, 2, "B") and f.level is Level.ERROR
    assert not record(c, "cn_calls", 3)["_excluded"]


def test_71_impossible_regions_are_errors() -> None:
    c = cohort(_sequencing(), _cn_calls(["IMT-01", "23q loss", None], ["IMT-01", "22r", "loss"]))
    hits = findings(c, "CNA_INVALID_REGION")
    assert [(f.row, f.column) for f in hits] == [(2, "B"), (3, "B")]


def test_region_event_conflict_is_error() -> None:
    c = cohort(_sequencing(), _cn_calls(["IMT-01", "22q loss", "gain"]))
    assert at(one(c, "CNA_EVENT_CONFLICT"), 2, "B")


def test_72_duplicate_alteration_warned_on_both_rows() -> None:
    c = cohort(_sequencing(), _variants(["IMT-01", "PIK3CA", "H1047R", "WGS"],
                                        ["IMT-01", "PIK3CA", "p.H1047R", "WGS"]))
    hits = findings(c, "DUPLICATE_RECORD")
    assert sorted((f.row, f.column) for f in hits) == [(2, "C"), (3, "C")]
    assert all(f.level is Level.WARNING for f in hits)


def test_73_germline_flag_warned() -> None:
    v = sheet("Variants", [["sample_id", "gene", "protein_change", "SV_Status"],
                           ["IMT-01", "TP53", "R175H", "GERMLINE"]])
    c = cohort(_sequencing(), v)
    f = one(c, "GERMLINE_VARIANT")
    assert at(f, 2, "D") and f.level is Level.WARNING


# ---------------------------------------------------------------- 6.8 outcomes


def test_74_75_negative_and_zero_pfs() -> None:
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(["P-01", "PD", -3, 1], ["P-02", "PD", 0, 1]))
    assert at(one(c, "PFS_NEGATIVE"), 2, "C")
    assert record(c, "outcomes", 2)["_excluded"]
    z = one(c, "PFS_ZERO")
    assert at(z, 3, "C") and z.level is Level.WARNING


def test_76_event_without_time_warned() -> None:
    c = cohort(samples("IMT-01", "IMT-02", "IMT-03"),
               outcomes(["P-01", "PD", None, 1], ["P-02", "PD", "NA", 1],
                        ["P-03", "PD", "-Inf", 1]))
    assert [(f.row, f.column) for f in findings(c, "EVENT_WITHOUT_TIME")] == [
        (2, "D"), (3, "D")]
    assert at(one(c, "NUMBER_INVALID"), 4, "C")  # reported once, on the time cell


def test_77_prefixed_events_are_info() -> None:
    c = cohort(samples("IMT-01", "IMT-02"),
               outcomes(["P-01", "PD", 3, "1:PROGRESSED"], ["P-02", "SD", 9, "0:CENSORED"]))
    hits = findings(c, "EVENT_PREFIX_NORMALISED")
    assert [(f.row, f.column) for f in hits] == [(2, "D"), (3, "D")]
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0]


def test_77_one_two_coding_is_read_as_r_coding_and_said() -> None:
    """1/2 without 0: R's coding (1 = censored, 2 = event), with a warning per value."""
    rows = (["P-01", "PD", 3, 2], ["P-02", "SD", 9, 1])
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(*rows))
    hits = findings(c, "EVENT_R_CODING")
    assert [(f.row, f.column) for f in hits] == [(2, "D"), (3, "D")]
    assert all(f.level is Level.WARNING for f in hits)
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0]
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(*rows), event_mapping={"1": 0, "2": 1})
    assert not c.findings.has_errors and not findings(c, "EVENT_R_CODING")
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0]


def test_77_event_words_are_read_with_a_note_unless_mapped() -> None:
    rows = (["P-01", "PD", 3, "progressed"], ["P-02", "SD", 9, "censored"])
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(*rows))
    assert len(findings(c, "EVENT_WORD_READ")) == 2
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0]
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(*rows),
               event_mapping={"progressed": 1, "censored": 0})
    assert c.table("outcomes")["pfs_event"].tolist() == [1, 0]
    assert len(findings(c, "EVENT_MAPPED")) == 2


def test_78_value_outside_mapping_is_error() -> None:
    c = cohort(samples("IMT-01", "IMT-02", "IMT-03"),
               outcomes(["P-01", "PD", 3, 1], ["P-02", "SD", 9, 0], ["P-03", "SD", 9, 2]))
    assert at(one(c, "EVENT_VALUE_OUTSIDE_MAPPING"), 4, "D")
    c = cohort(samples("IMT-01"), outcomes(["P-01", "PD", 3, "lost to FU"]),
               event_mapping={"yes": 1, "no": 0})
    assert at(one(c, "EVENT_VALUE_OUTSIDE_MAPPING"), 2, "D")


def test_79_months_column_that_looks_like_days() -> None:
    c = cohort(samples("IMT-01", "IMT-02"), outcomes(["P-01", "PD", 240, 1],
                                                     ["P-02", "SD", 400, 0]))
    f = one(c, "PFS_LOOKS_LIKE_DAYS")
    assert f.column == "C" and f.row is None and f.level is Level.WARNING


def test_81_recist_variants_and_unknown() -> None:
    c = cohort(samples("IMT-01", "IMT-02", "IMT-03"),
               outcomes(["P-01", "Complete response", 3, 0], ["P-02", "n.e.", 3, 0],
                        ["P-03", "mixed", 3, 0]))
    assert [(f.row, f.normalised) for f in findings(c, "RECIST_NORMALISED")] == [
        (2, "CR"), (3, "NE")]
    assert at(one(c, "RECIST_UNKNOWN"), 4, "B")


def test_82_pd_but_censored_long_warned() -> None:
    c = cohort(samples("IMT-01"), outcomes(["P-01", "PD", 24, 0]))
    assert at(one(c, "RESPONSE_PFS_INCONSISTENT"), 2, "B")


# ---------------------------------------------------------------- assays and denominators


def test_fish_call_derived_from_percent_and_threshold() -> None:
    fish = sheet("FISH", [["sample_id", "probe", "percent_split", "call"],
                          ["IMT-01", "ALK", 42, None], ["IMT-02", "ALK", 10, None],
                          ["IMT-03", "ALK", 10, "positive"]])
    c = cohort(fish)
    derived = findings(c, "FISH_CALL_DERIVED")
    assert [(f.row, f.column, f.normalised) for f in derived] == [
        (2, "C", "positive"), (3, "C", "negative")]
    assert "15%" in derived[0].message
    assert at(one(c, "FISH_CALL_CONTRADICTS"), 4, "D")
    assert c.fish_tested("ALK") == {"IMT-01", "IMT-02", "IMT-03"}
    # the same derivation on many rows is one note listing them, with the range of %
    c = cohort(fish, fish_threshold=5)
    derived = one(c, "FISH_CALL_DERIVED")
    assert (derived.normalised, derived.row, derived.rows) == ("positive", 2, (2, 3))
    assert "10-42% split nuclei" in derived.message and "1 more row" in derived.location


def test_fish_threshold_from_study_sheet() -> None:
    study = sheet("Study", [["key", "value"], ["fish_threshold", "50"]])
    fish = sheet("FISH", [["sample_id", "probe", "percent_split"], ["IMT-01", "ALK", 42]])
    c = cohort(study, fish)
    assert one(c, "FISH_CALL_DERIVED").normalised == "negative"


def test_ihc_call_contradicting_percent_warned() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", 0, "0", 0, "positive"]))
    assert at(one(c, "IHC_CALL_CONTRADICTS"), 2, "G")


def test_alteration_without_sequencing_warned_and_assay_implied() -> None:
    c = cohort(_fusions(["IMT-01", "TPM3::ALK", "RNA fusion panel"],
                        ["IMT-02", "ALK rearranged", None]))
    warned = findings(c, "ALTERATION_NOT_SEQUENCED")
    assert [(f.row, f.column) for f in warned] == [(2, "A"), (3, "A")]
    implied = one(c, "SEQUENCING_IMPLIED")
    assert at(implied, 2, "C") and implied.level is Level.INFO
    assert c.tested_for("fusion") == {"IMT-01"}
    assert c.sequenced_by("RNA fusion panel") == {"IMT-01"}
    seq = c.table("sequencing")
    assert seq["implied"].tolist() == [True] and seq["_row"].tolist() == [2]


def test_failed_sequencing_is_not_a_denominator() -> None:
    seq = sheet("Sequencing", [["sample_id", "assay", "status"], ["IMT-01", "WGS", "done"],
                               ["IMT-02", "WGS", "QC fail"], ["IMT-03", "WGS", "not done"]])
    c = cohort(seq)
    assert c.tested_for("mutation") == {"IMT-01"}
    assert c.info()["tested"]["WGS"] == 1


# ---------------------------------------------------------------- more structure


def test_study_fish_threshold_invalid_is_error() -> None:
    study = sheet("Study", [["key", "value"], ["fish_threshold", "high"]])
    c = cohort(study)
    f = one(c, "STUDY_VALUE_INVALID")
    assert at(f, 2, "B") and f.level is Level.ERROR


def test_conflicting_ihc_duplicates_are_errors_on_both_rows() -> None:
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"],
                   ["IMT-01", "ALK", "D5F3", 0, "0", 0, "negative"]))
    hits = findings(c, "KEY_DUPLICATE")
    assert sorted(f.row for f in hits) == [2, 3]
    assert c.ihc_tested("ALK") == set()


def test_duplicate_keys_ignore_the_case_of_ids_and_markers() -> None:
    # "IMT-01" and "imt-01" are one key (the fast path's case check must fall back)
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"],
                   ["IMT-02", "ALK", "D5F3", 80, "3+", 240, "positive"],
                   ["imt-01", "alk", "d5f3", 0, "0", 0, "negative"]))
    assert sorted(f.row for f in findings(c, "KEY_DUPLICATE")) == [2, 4]
    c = cohort(ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"],
                   ["IMT-02", "ALK", "1A4", 80, "3+", 240, "positive"],
                   ["IMT-02", "ALK", "D5F3", 80, "3+", 240, "positive"]))
    assert findings(c, "KEY_DUPLICATE") == [] and findings(c, "DUPLICATE_RECORD") == []


def test_hidden_and_unknown_sheets() -> None:
    hidden = sheet("IHC", [IHC_HEADER, ["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"]],
                   hidden=True)
    notes = sheet("Old data", [["free text about the cohort"]])
    c = cohort(hidden, notes)
    assert one(c, "SHEET_HIDDEN").sheet == "IHC"
    assert one(c, "SHEET_UNKNOWN").sheet == "Old data"
    c = cohort(hidden, notes, include_hidden_rows=False)
    assert c.ihc_tested() == set()


def test_structure_not_checked_is_said() -> None:
    s = ihc(["IMT-01", "ALK", "D5F3", 80, "3+", 240, "positive"])
    s.structure_checked = False
    c = cohort(s)
    assert one(c, "STRUCTURE_NOT_CHECKED").sheet == "IHC"


def test_cancel_stops_the_build() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        build_cohort(workbook(samples("IMT-01"), ihc()), progress=progress)


def test_every_record_reconciles_rows_seen() -> None:
    """Rows seen = included + excluded: nothing disappears."""
    s = sheet("Samples", [["sample_id", "patient_id", "age"], ["IMT-01", "P-01", 3],
                          ["IMT-02", "P-02", "7,5"], ["IMT-02", "P-02", 4], ["", "P-9", 1]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    df = c.table("samples", include_excluded=True)
    assert df["_row"].tolist() == [2, 3, 4, 5]
    assert df["_excluded"].tolist() == [False, True, True, True]
    assert df["_reason"].tolist()[1:] == ["NUMBER_DECIMAL_COMMA", "ID_DUPLICATE", "ID_MISSING"]


def test_26_two_tables_side_by_side_warned() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", None, "sample_id", "site"],
                          ["IMT-01", "P-01", None, "IMT-01", "lung"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    assert at(one(c, "COLUMN_EMPTY_SPLIT"), 1, "C")
    assert at(one(c, "HEADER_DUPLICATE"), 1, "D")


def test_33_header_converted_to_date_warned() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", datetime(2026, 1, 2)],
                          ["IMT-01", "P-01", "x"]])
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "HEADER_AS_DATE")
    assert at(f, 1, "C") and f.value == "2026-01-02"


def test_70_discrete_cna_values_out_of_set_are_errors() -> None:
    c = cohort(_sequencing(), _cn_calls(["IMT-01", "22q", -1], ["IMT-01", "19", 3],
                                        ["IMT-02", "7", 1.5], ["IMT-02", "MDM2", 2]))
    assert [(f.row, f.column) for f in findings(c, "VOCAB_UNKNOWN")] == [(3, "C"), (4, "C")]
    assert c.table("cn_calls")["event"].tolist() == ["loss", "amplification"]


def test_samples_without_patient_column_are_their_own_patients() -> None:
    s = sheet("Samples", [["sample_id", "age"], ["IMT-01", 30], ["IMT-02", 40]])
    c = cohort(s, outcomes(["IMT-01", "PR", 10, 1]))
    f = one(c, "PATIENT_FROM_SAMPLE")
    assert at(f, 1, "A") and f.level is Level.INFO
    assert c.patient_ids == ["IMT-01", "IMT-02"]
    assert c.clinical().set_index("sample_id").loc["IMT-01", "best_response"] == "PR"
    assert not c.findings.has_errors


def test_20_hidden_column_warned_and_read() -> None:
    s = sheet("Samples", [["sample_id", "patient_id", "age"], ["IMT-01", "P-01", 30]],
              hidden_columns={2})
    c = cohort(s, sheet("IHC", [IHC_HEADER]))
    f = one(c, "COLUMN_HIDDEN")
    assert at(f, 1, "C") and f.level is Level.WARNING
    assert record(c, "samples", 2)["age"] == 30


def test_percent_sign_in_percent_change_column() -> None:
    out = sheet("Outcomes", [["patient_id", "best_percent_change"], ["P-01", "-45%"],
                             ["P-02", "-120%"]])
    c = cohort(samples("IMT-01", "IMT-02"), out)
    assert record(c, "outcomes", 2)["best_percent_change"] == -45.0
    assert at(one(c, "VALUE_OUT_OF_RANGE"), 3, "B")
