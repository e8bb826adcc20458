"""A project reopens to the very cohort it stored: frames, findings and every other part."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from store_helpers import CASE_SHEET, TEMPLATE_DEMO, assert_same_cohort, assert_same_frame

from imft_desktop.io.importer import import_file
from imft_desktop.io.store import ProjectRepository, StoreError, codec
from imft_desktop.model.cohort import Cohort


def _store(cohort: Cohort, path) -> None:
    repo = ProjectRepository.create(path)
    with repo.change() as ch:
        ch.put_cohort(cohort)
        ch.audit("create project", path.name)
    repo.close()


@pytest.mark.parametrize("source", [CASE_SHEET, TEMPLATE_DEMO], ids=["case-sheet", "template"])
def test_a_stored_cohort_reopens_bit_for_bit(tmp_path, source):
    cohort = import_file(source)
    path = tmp_path / "p.imftproj"
    _store(cohort, path)
    with ProjectRepository.open(path) as repo:
        again = repo.load_cohort()
    assert_same_cohort(cohort, again)


def test_mixed_object_columns_keep_each_value_and_type(tmp_path):
    df = pd.DataFrame({
        "mixed": pd.Series(["5", 5, 5.0, True, None, float("nan"), -0.0, "", "NaN"],
                           dtype=object),
        "floats": [0.1, 1e300, float("inf"), float("-inf"), float("nan"), -0.0, 2.5, 3.0, 7],
        "ints": np.arange(9, dtype=np.int64) * 10**15,
        "flags": [True, False] * 4 + [True],
        "odd": pd.Series([pd.Timestamp("2024-02-29 10:00"), np.int64(3), np.float64(2.5),
                          (1, "a"), pd.NA, pd.NaT, None, "x", np.bool_(True)], dtype=object),
    })
    path = tmp_path / "p.imftproj"
    repo = ProjectRepository.create(path)
    with repo.change() as ch:
        ch.put_frame("test", "t", df)
    back = repo.load_frames("test")["t"]
    repo.close()
    assert_same_frame(df, back)


def test_each_column_gets_the_encoding_that_keeps_it_exactly():
    def encoding(values, dtype=None):
        return codec.encode_column("c", pd.Series(values, dtype=dtype)).encoding

    assert encoding(["pos", None, "pos", "neg"], object) == codec.CODED
    assert encoding(["pos", float("nan")], object) == codec.PLAIN  # NaN is not None
    assert encoding(["1", 1, 1.0, True], object) == codec.PLAIN  # 1 == 1.0 == True
    assert encoding([1.5, float("nan")]) == codec.BINARY
    assert encoding([pd.Timestamp("2020-01-01")], object) == codec.TYPED
    for values in (["pos", None, "pos", "", "neg"], [None, None], [], ["x"] * 3):
        col = codec.encode_column("c", pd.Series(values, dtype=object))
        back = codec.decode_column(col.dtype, col.encoding, col.data)
        assert [(type(v), v) for v in back] == [(type(v), v) for v in values]
    nan_payload = np.frombuffer(np.array([0x7FF8000000000123], dtype="<u8").tobytes(), "<f8")
    col = codec.encode_column("c", pd.Series(nan_payload))
    assert codec.decode_column(col.dtype, col.encoding, col.data).tobytes() == \
        nan_payload.tobytes()


def test_an_unstorable_value_is_refused_not_changed(tmp_path):
    df = pd.DataFrame({"x": pd.Series([object()], dtype=object)})
    repo = ProjectRepository.create(tmp_path / "p.imftproj")
    with pytest.raises(StoreError, match="cannot be stored"), repo.change() as ch:
        ch.put_frame("test", "t", df)
    assert repo.load_frames("test") == {}
    repo.close()


def test_the_file_is_wal_with_full_sync(tmp_path):
    path = tmp_path / "p.imftproj"
    _store(import_file(CASE_SHEET), path)
    repo = ProjectRepository.open(path)
    assert repo.engine.scalar("PRAGMA journal_mode") == "wal"
    assert repo.engine.scalar("PRAGMA synchronous") == 2  # FULL
    repo.close()


def test_the_audit_log_is_append_only(tmp_path):
    path = tmp_path / "p.imftproj"
    _store(import_file(CASE_SHEET), path)
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit SET why = 'forged'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit")
    db.close()


def test_other_files_are_refused_in_words(tmp_path):
    other = tmp_path / "other.imftproj"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE x (y)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not an IMFT project"):
        ProjectRepository.open(other)
    text = tmp_path / "text.imftproj"
    text.write_text("hello, this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not an IMFT project"):
        ProjectRepository.open(text)
    with pytest.raises(StoreError, match="does not exist"):
        ProjectRepository.open(tmp_path / "missing.imftproj")


def test_a_newer_project_format_is_refused(tmp_path):
    path = tmp_path / "p.imftproj"
    _store(import_file(CASE_SHEET), path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer IMFT Desktop") as err:
        ProjectRepository.open(path)
    assert err.value.kind == "too_new"


def test_tagged_values_round_trip():
    for v in [pd.Timestamp("2020-01-01"), np.int32(4), (1, (2, "x")), [1, None]]:
        assert codec.decode_value(codec.encode_value(v)) == v


def test_opening_a_project_does_not_load_the_importer(tmp_path):
    """Opening pays only for the store: the importer and validators load on demand."""
    import subprocess
    import sys

    from imft_desktop.io.project import corrections
    from imft_desktop.io.validation.tables import MISSING_PREFIX

    assert corrections.MISSING_PREFIX == MISSING_PREFIX
    path = tmp_path / "p.imftproj"
    _store(import_file(CASE_SHEET), path)
    code = ("import sys\nfrom imft_desktop.io.project import Project\n"
            f"Project.open({str(path)!r}).cohort\n"
            "print(sorted(m for m in sys.modules if m.startswith('imft_desktop.io.')"
            " and ('importer' in m or 'validation' in m or 'mapping' in m)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_an_import_s_records_as_read_are_kept_compressed_and_exact(tmp_path):
    cohort = import_file(CASE_SHEET)
    repo = ProjectRepository.create(tmp_path / "p.imftproj")
    with repo.change() as ch:
        iid = ch.add_import(action="create", cohort=cohort, options={}, profile_json=None,
                            sheet=None, summary={})
    encodings = {e for (e,) in repo.engine.query(
        "SELECT DISTINCT encoding FROM frame_columns WHERE owner = ?", (f"import:{iid}",))}
    assert encodings and all(e.startswith(codec.ZLIB) for e in encodings)
    frames = repo.load_frames(f"import:{iid}")
    repo.close()
    for name, df in cohort.tables.items():
        if not df.empty:
            assert_same_frame(df, frames[name], name)
