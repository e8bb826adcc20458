"""to_raw_tables: the wide sheet as canonical-shaped records, with coordinates."""

from __future__ import annotations

import pytest

from imft_desktop.io.mapping import (
    ColumnMapping,
    MappingError,
    MappingProfile,
    recognise,
    to_raw_tables,
)
from imft_desktop.io.read.raw import RawSheet
from imft_desktop.model.schema import TABLES_BY_NAME


def _tables(sheet, profile=None):
    profile = profile or recognise(sheet)
    return to_raw_tables(sheet, profile, "cases.xlsx")


def _one(tables, name, **constants):
    found = [t for t in tables if t.table == name
             and all(t.constants.get(k) == v for k, v in constants.items())]
    assert len(found) == 1, (name, constants, [(t.table, t.constants) for t in tables])
    return found[0]


def test_every_table_is_canonical_and_parallel(messy_sheet):
    tables = _tables(messy_sheet)
    for t in tables:
        assert t.table in TABLES_BY_NAME
        assert t.file == "cases.xlsx" and t.sheet == "Cases"
        spec = TABLES_BY_NAME[t.table]
        for name, col in t.columns.items():
            assert len(col.values) == len(t.rows), (t.table, name)
            assert name in spec.field_names or name.startswith("extra:"), (t.table, name)
    assert tables[0].table == "samples"


def test_samples_rows_blank_rows_hidden_rows_and_extras(messy_sheet):
    samples = _one(_tables(messy_sheet), "samples")
    assert samples.rows == [4, 5, 7, 8]  # row 6 blank: skipped, counted
    assert samples.constants["_blank_rows_skipped"] == 1
    assert samples.hidden_rows == {7}
    assert samples.columns["sample_id"].values == ["IMT-01", "IMT-02", "IMT-03", "IMT-04"]
    assert samples.columns["sample_id"].letter == "A"
    assert samples.columns["patient_id"].values == ["P01", "P02", "P03", "P03"]
    assert samples.columns["age"].values == [34, 51, 12, 12]
    hosp = samples.columns["extra:Referring hospital"]
    assert (hosp.letter, hosp.values) == ("Y", ["A", "B", "A", "A"])
    # "PFS days" lost to the months column: kept verbatim as an extra, never dropped.
    assert samples.columns["extra:PFS days"].values == [554, 64, 289, 913]


def test_ihc_groups_marker_and_clone(messy_sheet):
    tables = _tables(messy_sheet)
    d5f3 = _one(tables, "ihc", marker="ALK", clone="D5F3")
    assert d5f3.columns["call"].values == ["pos", "neg", "3+", "focal"]
    assert d5f3.record_column == "C"
    assert 'header "ALK IHC (D5F3)" (C)' in d5f3.constant_origin
    alk1 = _one(tables, "ihc", marker="ALK", clone="ALK1")
    assert alk1.columns["percent_positive"].values == ["80%", "<1%", "5-10%", "not done"]
    ros1 = _one(tables, "ihc", marker="ROS1")
    assert "clone" not in ros1.constants
    assert ros1.rows == [4, 5, 8]  # IMT-03's blank cell: not tested, no record


def test_fish_percent_and_call_combine_per_probe(messy_sheet):
    fish = _one(_tables(messy_sheet), "fish", probe="ALK")
    assert fish.rows == [4, 5, 7, 8]
    assert fish.columns["percent_split"].values == [42, 3, None, 25]
    assert fish.columns["percent_split"].letter == "F"
    assert fish.columns["call"].values == ["pos", "neg", "not done", "pos"]
    assert fish.record_column == "G"


def test_fusions_only_where_found_and_split(messy_sheet):
    fus = _one(_tables(messy_sheet), "fusions")
    assert fus.rows == [4, 8, 8]
    assert fus.columns["sample_id"].values == ["IMT-01", "IMT-04", "IMT-04"]
    assert fus.columns["fusion"].values == ["TPM3-ALK", "ETV6::NTRK3", "TPM3-ALK"]
    assert fus.record_column == "H"


def test_variants_per_gene(messy_sheet):
    tables = _tables(messy_sheet)
    pik = _one(tables, "variants", gene="PIK3CA")
    assert (pik.rows, pik.columns["protein_change"].values) == ([4, 8], ["H1047R", "mut"])
    tp53 = _one(tables, "variants", gene="TP53")
    assert (tp53.rows, tp53.columns["protein_change"].values) == ([5], ["R273H"])


def test_copy_number_columns_and_list(messy_sheet):
    tables = _tables(messy_sheet)
    q22 = _one(tables, "cn_calls", region="22q")
    assert q22.rows == [4, 5, 8]
    assert q22.columns["event"].values == ["loss", "normal", "loss"]
    chr19 = _one(tables, "cn_calls", region="19")
    assert chr19.columns["event"].values == ["-19", "normal", "normal"]
    lst = _one(tables, "cn_calls", _combined=True)
    assert lst.rows == [4, 4, 8]
    assert lst.columns["region"].values == ["22q loss", "-19", "22q loss"]
    assert lst.columns["event"].values == lst.columns["region"].values


def test_sequencing_from_mapped_status_column(messy_sheet):
    seqs = [t for t in _tables(messy_sheet) if t.table == "sequencing"]
    general = [t for t in seqs if "capability" not in t.constants]
    assert len(general) == 1  # the "WGS done" column itself
    (seq,) = general
    assert seq.constants == {"assay": "WGS"}
    assert seq.columns["status"].values == ["yes", "yes", "no", "yes"]
    assert seq.record_column == "N"
    # result columns with no not-tested cell add nothing: the WGS column decides
    assert all(t.rows and t.constants["assay"] == "WGS"
               for t in seqs if "capability" in t.constants)


def test_outcomes_per_patient_with_units_and_coding():
    sheet = RawSheet(name="S", rows=[
        ["Sample", "Patient", "PFS days", "Censored", "OS (months)", "Death"],
        ["S1", "P1", 300, 0, 20.0, "yes"],
        ["S2", "P1", 300, 0, 20.0, "yes"],  # second sample of P1, same outcome
        ["S3", "P2", None, None, None, None],  # no outcome at all
        ["S4", "P3", 90, 1, 5.0, "no"],
    ])
    out = _one(_tables(sheet), "outcomes")
    assert out.rows == [2, 5]
    assert out.constants["_repeated_patient_rows"] == [3]
    assert out.columns["patient_id"].values == ["P1", "P3"]
    assert out.columns["pfs_months"].values == [300, 90]  # raw days, not converted here
    assert out.constants["_unit:pfs_months"] == "days"
    assert "_unit" not in out.constants  # OS is in months: no table-wide unit
    assert out.constants["_event_coding:pfs_event"] == {"0": 1, "1": 0}
    assert "pfs_months in days" in out.constant_origin


def test_conflicting_outcomes_of_one_patient_are_all_kept():
    sheet = RawSheet(name="S", rows=[
        ["Sample", "Patient", "PFS (months)"], ["S1", "P1", 3.0], ["S2", "P1", 9.0],
    ])
    out = _one(_tables(sheet), "outcomes")
    assert out.rows == [2, 3]


def test_sequencing_scoped_per_column_when_no_status_column():
    sheet = RawSheet(name="S", rows=[
        ["Case", "Fusion", "PIK3CA", "22q", "Age"],
        ["A", "TPM3-ALK", None, None, 3],
        ["B", "none", "wt", "normal", 4],  # tested, all negative
        ["C", None, None, None, 5],  # not tested
        ["D", "not done", "QNS", None, 6],  # says not tested
        ["E", None, None, "loss", 7],
    ])
    tables = _tables(sheet)
    seqs = {t.record_column: t for t in tables if t.table == "sequencing"}
    assert set(seqs) == {"B", "C", "D"}  # one per result column, none invented
    fusion, pik3ca, q22 = seqs["B"], seqs["C"], seqs["D"]
    assert fusion.rows == [2, 3, 5]
    assert fusion.columns["status"].values == ["done", "done", "not done"]
    assert fusion.constants == {
        "assay": "assay not stated", "capability": "fusion", "target": "",
        "_inferred": fusion.constants["_inferred"]}
    assert "none assumed" in fusion.constants["_inferred"]
    assert pik3ca.rows == [3, 5] and pik3ca.columns["status"].values == ["done", "failed"]
    assert pik3ca.constants["target"] == "PIK3CA"
    assert q22.rows == [3, 6] and q22.constants["capability"] == "copy number"
    assert _one(tables, "fusions").rows == [2]
    assert _one(tables, "variants").rows == []


def test_scoped_assay_follows_headers_and_status_columns():
    sheet = RawSheet(name="S", rows=[
        ["Case", "Fusion (RNA panel)", "22q", "WGS done"],
        ["A", "ETV6::NTRK3", "loss", "yes"],
        ["B", "none", "not done", "no"],
        ["C", None, None, "yes"],
    ])
    tables = _tables(sheet)
    seq = [t for t in tables if t.table == "sequencing"]
    by_col = {t.record_column: t for t in seq}
    assert "_inferred" not in by_col["D"].constants  # the status column as given
    rna = by_col["B"]
    assert rna.constants["assay"] == "RNA fusion panel"  # named in the header
    assert rna.rows == [2, 3]  # C's blank cell: not tested by the RNA panel
    q22 = by_col["C"]
    assert q22.constants["assay"] == "WGS"  # names none: the sheet's WGS column
    # the WGS column decides (a blank cell under "yes" is nothing found); the rows
    # here are its exceptions: a not-tested word wins
    assert q22.rows == [3]
    assert q22.columns["status"].values == ["not done"]
    assert _one(tables, "fusions").constants["assay"] == "RNA fusion panel"


def test_patient_id_defaults_to_sample_id_and_vice_versa():
    only_case = RawSheet(name="S", rows=[["Case", "PFS (months)"], ["A", 3.0]])
    tables = _tables(only_case)
    samples = _one(tables, "samples")
    assert samples.columns["patient_id"].values == ["A"]
    assert samples.columns["patient_id"].letter == "A"
    assert samples.constants["_patient_id_from"] == "sample_id"
    assert "no patient column" in samples.constant_origin
    assert _one(tables, "outcomes").columns["patient_id"].values == ["A"]

    only_patient = RawSheet(name="S", rows=[["Patient", "ALK FISH"], ["P9", "pos"]])
    samples = _one(_tables(only_patient), "samples")
    assert samples.columns["sample_id"].values == ["P9"]
    assert samples.constants["_sample_id_from"] == "patient_id"


def test_fusion_header_naming_a_gene_and_implied_cna_event():
    sheet = RawSheet(name="S", rows=[
        ["Case", "ALK partner", "monosomy 19"], ["A", "TPM3", "yes"], ["B", "neg", "no"],
    ])
    tables = _tables(sheet)
    fus = _one(tables, "fusions")
    assert fus.constants["_gene"] == "ALK" and fus.columns["fusion"].values == ["TPM3"]
    cn = _one(tables, "cn_calls")
    assert cn.constants == {"region": "19", "_implied_event": "loss"}
    assert cn.columns["event"].values == ["yes", "no"]


def test_ignored_columns_vanish_and_unusable_profiles_raise():
    sheet = RawSheet(name="S", rows=[["Case", "Hospital"], ["A", "X"]])
    profile = recognise(sheet)
    profile.columns[1].target = "ignore"
    samples = _one(to_raw_tables(sheet, profile, "f"), "samples")
    assert list(samples.columns) == ["sample_id", "patient_id"]

    bad = MappingProfile(name="p", header_row=1, sheet="S",
                         columns=[ColumnMapping("B", "Hospital", "extra")])
    with pytest.raises(MappingError) as info:
        to_raw_tables(sheet, bad, "f")
    assert info.value.problems == ["no column is mapped to the sample ID (or the patient ID)"]


def test_large_sheet_is_fast():
    import time

    headers = ["Case", "ALK IHC", "ALK FISH %", "Fusion", "PIK3CA", "22q", "PFS (months)",
               "Progression", *[f"Extra {i}" for i in range(32)]]
    row = ["X", "pos", 40, "TPM3-ALK", "H1047R", "loss", 12.0, 1, *range(32)]
    rows = [headers] + [[f"S{i}", *row[1:]] for i in range(10_000)]
    sheet = RawSheet(name="Big", rows=rows)
    t0 = time.perf_counter()
    profile = recognise(sheet)
    tables = to_raw_tables(sheet, profile, "big.xlsx")
    elapsed = time.perf_counter() - t0
    assert len(_one(tables, "samples")) == 10_000
    assert elapsed < 10.0, elapsed  # generous: shared 2-core machine


def test_trailing_blank_rows_are_not_counted_as_skipped():
    sheet = RawSheet(name="S", rows=[["Case"], ["A"], [None], ["B"], [None], [""], []])
    samples = _one(_tables(sheet), "samples")
    assert samples.rows == [2, 4]
    assert samples.constants["_blank_rows_skipped"] == 1
