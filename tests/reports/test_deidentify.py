"""De-identification: stable keyed pseudonyms, years only, 90+, free text dropped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from imft_desktop.reports.deidentify import (
    PseudonymCollision,
    Pseudonymizer,
    cap_age,
    deidentify_cohort,
    deidentify_frame,
    key_file_text,
    load_or_create_secret,
    project_secret,
    write_key_file,
    year_only,
)

SECRET = bytes(range(32))


def test_pseudonyms_are_stable_keyed_and_typed():
    a, b = Pseudonymizer(SECRET), Pseudonymizer(SECRET)
    assert a.sample("S21-12345") == b.sample("S21-12345")
    assert a.sample("S21-12345").startswith("S-")
    assert a.patient("S21-12345").startswith("P-")
    assert a.sample("S21-12345") != a.patient("S21-12345").replace("P-", "S-")
    other = Pseudonymizer(bytes(reversed(range(32))))
    assert other.sample("S21-12345") != a.sample("S21-12345")
    assert a.sample(None) is None
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


def test_collision_is_an_error_not_a_merge(monkeypatch):
    p = Pseudonymizer(SECRET)
    p._map[("sample", p.sample("A"))] = "B"  # simulate another id owning the code
    with pytest.raises(PseudonymCollision):
        p.sample("A")


def test_years_only_and_ages():
    assert year_only(dt.date(2021, 3, 4)) == 2021
    assert year_only(pd.Timestamp("2020-05-12 10:00")) == 2020
    assert year_only("2021-03-04") == 2021
    assert year_only("12/05/2020") == 2020
    assert year_only("TPM3::ALK") == "TPM3::ALK"
    assert year_only("chr1:154170400") == "chr1:154170400"
    assert cap_age(92) == "90+"
    assert cap_age(90.0) == "90+"
    assert cap_age(89.5) == 89.5
    assert cap_age(None) is None


def test_deidentify_cohort(small_cohort):
    p = Pseudonymizer(SECRET)
    small_cohort.extra["Age at biopsy"] = [30, 95, 60, 70]
    d = deidentify_cohort(small_cohort, p, keep_columns=["Biopsy date", "Age at biopsy"])
    originals = set(small_cohort.sample_ids) | set(small_cohort.patient_ids)
    text = " ".join(str(v) for df in d.tables.values() for v in df.to_numpy().ravel())
    for original in originals:
        assert original not in text
    assert set(d.sample_ids) == {p.sample(s) for s in small_cohort.sample_ids}
    samples = d.samples.set_index("sample_id")
    assert samples.loc[p.sample("S21-22222"), "age"] == "90+"
    assert samples.loc[p.sample("S21-12345"), "age"] == 34
    assert samples["comment"].isna().all()  # free text dropped
    assert list(d.extra.columns) == ["Biopsy date", "Age at biopsy"]  # others dropped
    assert d.extra.loc[p.sample("S21-12345"), "Biopsy date"] == 2021
    assert d.extra.loc[p.sample("S21-22222"), "Age at biopsy"] == "90+"
    assert d.sources[0].name == "file-" + "ab" * 6 + ".xlsx"
    assert "Smith" not in d.sources[0].path
    assert set(d.tables["samples"]["_source"].dropna()) == {d.sources[0].name}
    # Same denominators after de-identification.
    assert d.tested_counts() == small_cohort.tested_counts()
    # The key map knows the way back.
    rows = p.key_rows()
    assert ("sample", p.sample("S21-12345"), "S21-12345") in rows


def test_deidentify_frame_drops_free_text_and_raw():
    p = Pseudonymizer(SECRET)
    df = pd.DataFrame({"Sample": ["A1"], "patient_id": ["P1"], "Notes": ["call Dr X"],
                       "raw:age": ["92"], "Age": [95], "when": [pd.Timestamp("2021-01-02")]})
    out = deidentify_frame(df, p)
    assert list(out.columns) == ["Sample", "patient_id", "Age", "when"]
    assert out.loc[0, "Sample"] == p.sample("A1")
    assert out.loc[0, "Age"] == "90+"
    assert out.loc[0, "when"] == 2021


def test_secret_file_created_once_and_reused(tmp_path, small_cohort):
    path = tmp_path / "keys" / "project.key"
    first = load_or_create_secret(path)
    assert len(first) == 32 and load_or_create_secret(path) == first
    assert project_secret(small_cohort, path) == first
    path.write_text("not hex")
    with pytest.raises(ValueError):
        load_or_create_secret(path)


def test_default_secret_lives_in_user_data_dir(tmp_path, monkeypatch, small_cohort):
    monkeypatch.setenv("IMFT_DATA_DIR", str(tmp_path))
    secret = project_secret(small_cohort)
    files = list((tmp_path / "pseudonym-secrets").iterdir())
    assert len(files) == 1 and bytes.fromhex(files[0].read_text().strip()) == secret


def test_key_file_written_only_where_asked(tmp_path):
    p = Pseudonymizer(SECRET)
    code = p.sample("S21-12345")
    text = key_file_text(p)
    assert f"sample,{code},S21-12345" in text
    out = write_key_file(tmp_path / "key.csv", p)
    assert out.read_text(encoding="utf-8-sig") == text
