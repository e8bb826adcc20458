"""Large synthetic cohorts: the requested size, fast, deterministic, honest."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest

from imft_desktop import synthetic
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.schema import TABLES
from imft_desktop.model.vocab import Capability


def test_canonical_shape_writes_requested_rows_quickly(tmp_path: Path, canonical_reader) -> None:
    out = tmp_path / "large.xlsx"
    t0 = time.perf_counter()
    stats = synthetic.make_large_cohort(200, out, seed=1)
    assert time.perf_counter() - t0 < 10
    assert stats.rows["Samples"] == 200 and stats.rows["Outcomes"] == 200
    tables = canonical_reader(out)  # also checks every header against the schema
    assert len(tables["samples"]) == 200
    assert {t.sheet for t in TABLES} == set(stats.rows)
    seg_per_sample = tables["cn_segments"].groupby("sample_id").size()
    assert 20 <= seg_per_sample.mean() <= 40


def test_canonical_large_cohort_never_reports_untested_results(
    tmp_path: Path, canonical_reader
) -> None:
    out = tmp_path / "large.xlsx"
    synthetic.make_large_cohort(300, out, seed=5)
    cohort = Cohort.from_tables(canonical_reader(out))
    assert cohort.n_samples == 300 and cohort.is_synthetic
    t = cohort.tables
    assert set(t["fusions"]["sample_id"]) <= cohort.tested_for(Capability.FUSION)
    assert set(t["variants"]["sample_id"]) <= cohort.tested_for(Capability.MUTATION)
    cn = set(t["cn_segments"]["sample_id"]) | set(t["cn_calls"]["sample_id"])
    assert cn <= cohort.tested_for(Capability.COPY_NUMBER)
    assert 0 < len(cohort.ihc_tested("ALK", "ALK1")) < 300  # some untested, many tested
    fish = t["fish"].dropna(subset=["percent_split"])
    assert ((fish["percent_split"].astype(float) >= 15) == fish["call"].eq("positive")).all()


def test_wide_shape_has_about_forty_columns(tmp_path: Path, canonical_reader) -> None:
    out = tmp_path / "wide.xlsx"
    stats = synthetic.make_large_cohort(200, out, seed=2, shape="wide")
    assert stats.rows == {"Cases": 200}
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb["Cases"].iter_rows(values_only=True))
    wb.close()
    assert rows[0] == synthetic.WIDE_HEADERS and len(rows[0]) == 42
    assert len(rows) == 201
    assert len({r[0] for r in rows[1:]}) == 200
    pik3ca = [r[rows[0].index("PIK3CA")] for r in rows[1:]]
    assert None in pik3ca and "wt" in pik3ca  # blank = not tested, wt = tested negative


def test_same_seed_same_bytes_other_seed_other_content(tmp_path: Path, canonical_reader) -> None:
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    synthetic.make_large_cohort(150, a, seed=3)
    synthetic.make_large_cohort(150, b, seed=3)
    synthetic.make_large_cohort(150, c, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_bad_arguments_are_refused(tmp_path: Path, canonical_reader) -> None:
    with pytest.raises(ValueError, match="shape"):
        synthetic.make_large_cohort(10, tmp_path / "x.xlsx", shape="long")
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.make_large_cohort(0, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="fit"):
        synthetic.make_large_cohort(synthetic.EXCEL_MAX_ROWS, tmp_path / "x.xlsx",
                                    shape="wide")
    assert not (tmp_path / "x.xlsx").exists()


def test_progress_is_reported(tmp_path: Path, canonical_reader) -> None:
    seen: list[tuple[float, str]] = []
    synthetic.make_large_cohort(20, tmp_path / "p.xlsx", seed=0,
                                progress=lambda f, m: seen.append((f, m)))
    assert seen[0][0] == 0 and seen[-1] == (1.0, "done")
    assert any("CN_Segments" in m for _, m in seen)


@pytest.mark.parametrize("shape", ["canonical", "wide"])
def test_large_cohort_imports_without_errors(tmp_path: Path, shape: str) -> None:
    importer = pytest.importorskip("imft_desktop.io.importer")
    from imft_desktop.io.validation import values

    if not hasattr(importer, "import_file"):
        pytest.skip("importer has no import_file yet")
    if values.parse_assay("SNP array").value is None:
        pytest.skip("io.values.parse_assay does not know 'SNP array' yet")
    out = tmp_path / f"{shape}.xlsx"
    synthetic.make_large_cohort(200, out, seed=9, shape=shape)
    cohort = importer.import_file(out)
    assert cohort.n_samples == 200
    assert not cohort.findings.has_errors, [f.message for f in cohort.findings.errors][:5]
    assert len(cohort.tested_for(Capability.COPY_NUMBER)) < 200  # honest denominators


def test_both_shapes_describe_the_same_cohort(tmp_path: Path, canonical_reader) -> None:
    canonical, wide = tmp_path / "c.xlsx", tmp_path / "w.xlsx"
    synthetic.make_large_cohort(120, canonical, seed=11)
    synthetic.make_large_cohort(120, wide, seed=11, shape="wide")
    tables = canonical_reader(canonical)
    wb = openpyxl.load_workbook(wide, read_only=True)
    rows = list(wb["Cases"].iter_rows(values_only=True))
    wb.close()
    col = {h: i for i, h in enumerate(rows[0])}
    cases = rows[1:]
    assert [r[col["Case"]] for r in cases] == tables["samples"]["sample_id"].tolist()
    fusions = dict(zip(tables["fusions"]["sample_id"], tables["fusions"]["fusion"]))
    for r in cases:
        cell = r[col["Fusion"]]
        if r[0] in fusions:
            assert cell == fusions[r[0]].replace("::", "-")
        else:
            assert cell in ("neg", "not done")
    pfs = dict(zip(tables["outcomes"]["patient_id"], tables["outcomes"]["pfs_months"]))
    assert all(pfs[r[col["Patient"]]] == r[col["PFS (months)"]] for r in cases)
