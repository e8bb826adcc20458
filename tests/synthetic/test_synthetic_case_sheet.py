"""The one-row-per-case demo sheet: same cohort, pathologist-style layout."""

from __future__ import annotations

import openpyxl
import pytest

from imft_desktop import synthetic


@pytest.fixture(scope="module")
def rows(case_sheet_path) -> list[tuple]:
    wb = openpyxl.load_workbook(case_sheet_path, read_only=True)
    try:
        return list(wb["Cases"].iter_rows(values_only=True))
    finally:
        wb.close()


def test_title_row_headers_and_one_row_per_case(rows) -> None:
    assert "not patient data" in rows[0][0] and all(v is None for v in rows[0][1:])
    assert rows[1] == synthetic.CASE_SHEET_HEADERS
    data = rows[2:]
    assert len(data) == 24
    assert [r[0] for r in data] == [f"SYN-{i:02d}" for i in range(1, 25)]


def test_value_spellings_and_counts_agree_with_the_canonical_demo(rows) -> None:
    col = {h: i for i, h in enumerate(rows[1])}
    data = rows[2:]

    def values(header: str) -> list:
        return [r[col[header]] for r in data]

    alk1 = values("ALK IHC (ALK1)")
    assert alk1.count("pos") == 14 and alk1.count("neg") == 10
    d5f3 = values("ALK IHC (D5F3)")
    assert sum(v == "pos" for v in d5f3) == 11
    assert d5f3.count("not done") == 1 and d5f3.count(None) == 2
    fish = values("ALK FISH %")
    pct = [int(v.rstrip("%")) for v in fish if isinstance(v, str) and v.endswith("%")]
    assert len(pct) == 23 and sum(p >= 15 for p in pct) == 13
    assert values("ALK FISH").count("pos") == 13 and values("ALK FISH").count("neg") == 10
    fusions = [v for v in values("Fusion") if v != "neg"]
    assert len(fusions) == 13 and "TPM3-ALK" in fusions and "ETV6-NTRK3" in fusions
    pik3ca = values("PIK3CA")
    assert sorted(v for v in pik3ca if v not in ("wt", "not done")) == ["E545K", "H1047R"]
    assert pik3ca.count("not done") == 2  # not tested is never 'wt'
    assert values("22q").count("loss") == 14
    assert values("Chr 19").count("monosomy") == 5
    assert set(values("Progression")) == {0, 1}
    assert "Comment" in col


def test_case_sheet_through_the_real_importer(case_sheet_path) -> None:
    importer = pytest.importorskip("imft_desktop.io.importer")
    from imft_desktop.io.validation import values
    from imft_desktop.model.vocab import Capability

    if not hasattr(importer, "import_file"):
        pytest.skip("importer has no import_file yet")
    if values.parse_assay("SNP array").value is None:
        pytest.skip("io.values.parse_assay does not know 'SNP array' yet")
    cohort = importer.import_file(case_sheet_path)
    assert not cohort.findings.has_errors, [f.message for f in cohort.findings.errors]
    assert cohort.n_samples == 24
    assert len(cohort.ihc_tested("ALK", "ALK1")) == 24
    assert len(cohort.ihc_tested("ALK", "D5F3")) == 21
    assert len(cohort.fish_tested("ALK")) == 23
    assert len(cohort.tested_for(Capability.COPY_NUMBER)) == 24
    assert len(cohort.tested_for(Capability.MUTATION)) == 22
    calls = cohort.table("cn_calls")
    assert ((calls["region"] == "22q") & (calls["event"] == "loss")).sum() == 14
    fusions = cohort.table("fusions")["fusion"]
    assert fusions.str.endswith("::ALK").sum() == 12
