"""Atomic writes: the old file survives any failure; the temporary file never stays."""

from __future__ import annotations

import os

import pytest

from imft_desktop.io.write import atomic
from imft_desktop.io.write.atomic import FileLockedError, atomic_write, atomic_write_bytes


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_new_content(tmp_path):
    target = tmp_path / "out.bin"
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_failing_writer_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old version")

    def writer(fh):
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, writer)
    assert target.read_bytes() == b"old version"
    assert _leftovers(tmp_path) == []


def test_locked_target_retries_then_says_close_the_file(tmp_path, monkeypatch):
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"old version")
    calls = []

    def locked(src, dst):
        calls.append((src, dst))
        raise PermissionError(13, "WinError 32: used by another process")

    monkeypatch.setattr(atomic.os, "replace", locked)
    pauses = []
    with pytest.raises(FileLockedError) as info:
        atomic_write_bytes(target, b"new", delays=(0.01, 0.02, 0.04), sleep=pauses.append)
    assert len(calls) == 4  # first try + one per delay
    assert pauses == [0.01, 0.02, 0.04]
    assert "close the file in the other program" in str(info.value).lower()
    assert target.read_bytes() == b"old version"
    assert _leftovers(tmp_path) == []


def test_transient_lock_is_retried(tmp_path, monkeypatch):
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"old")
    real = os.replace
    failures = [PermissionError(13, "locked")]

    def flaky(src, dst):
        if failures:
            raise failures.pop()
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    atomic_write_bytes(target, b"new", sleep=lambda s: None)
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_text_mode_and_bad_mode(tmp_path):
    target = tmp_path / "a.csv"
    atomic.atomic_write_text(target, "a,b\r\n1,2\r\n")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    with pytest.raises(ValueError), atomic.atomic_open(target, "rb"):
        pass


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_files_are_private_and_replaced_files_keep_their_mode(tmp_path):
    new = atomic_write_bytes(tmp_path / "new.pdf", b"x")
    assert new.stat().st_mode & 0o777 == 0o600
    shared = tmp_path / "shared.pdf"
    shared.write_bytes(b"old")
    shared.chmod(0o644)
    atomic_write_bytes(shared, b"new")
    assert shared.stat().st_mode & 0o777 == 0o644
