"""Durability: kill -9 in the middle of writing, read-only files, a full disk.

The kill test starts a child that changes a project step after step (a correction, a
3 MB setting, a save of the whole cohort, a batch with one new case) and kills it with
SIGKILL at a random moment, again and again.  After every kill the file must pass
``PRAGMA integrity_check``, open, and hold exactly the steps committed so far: every
step up to the last one the child reported, perhaps the one after it, nothing half done.

``python tests/store/test_store_durability.py N`` runs N kills and prints how many
landed inside a transaction (the file had a WAL with uncommitted frames).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from store_crash_child import step_kind  # noqa: E402
from store_helpers import CASE_SHEET  # noqa: E402

from imft_desktop.io.project import Project  # noqa: E402
from imft_desktop.io.store import StoreError  # noqa: E402

KILLS_IN_SUITE = 10


def _steps(project: Project) -> dict[int, str]:
    """Step number -> kind, read back from the audit log."""
    out: dict[int, str] = {}
    for e in project.audit():
        if e.action in ("correct", "save") and e.why and e.why.startswith("step "):
            out[int(e.why.split()[1])] = e.action
        elif e.action == "settings":
            out[int(json.loads(e.new or "{}")["step"])] = "settings"
        elif e.action == "add file" and e.target.startswith("batch"):
            out[int(e.target[len("batch"):-len(".xlsx")])] = "add file"
    return out


def check_consistent(path: Path) -> int:
    """Assert the project holds whole steps only; return the last step."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Project.open(path) as project:
        steps = _steps(project)
        last = max(steps, default=-1)
        assert sorted(steps) == list(range(len(steps))), "a step is missing or half done"
        assert all(steps[i] == step_kind(i) for i in steps)
        corrections = project.corrections()
        n_correct = sum(1 for k in steps.values() if k == "correct")
        assert len(corrections) == n_correct
        outcomes = project.cohort.tables["outcomes"].set_index("patient_id")
        if corrections:
            assert outcomes.at["SYN-P05", "pfs_months"] == corrections[-1].new_value
        n_added = sum(1 for k in steps.values() if k == "add file")
        assert project.cohort.n_samples == 24 + n_added
        assert len(project.imports()) == 1 + n_added
        settings = project.repo.settings()
        n_settings = [i for i, k in steps.items() if k == "settings"]
        if n_settings:
            assert settings["survival"]["step"] == max(n_settings)
    return last


def run_kills(folder: Path, kills: int, seed: int = 0) -> dict[str, int]:
    """Kill the child ``kills`` times; counts of kills inside a transaction and steps."""
    rng = random.Random(seed)
    source = folder / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    path = folder / "p.imftproj"
    Project.create(path, source).close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]))
    next_step, mid_write = 0, 0
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, str(HERE / "store_crash_child.py"), str(path), str(next_step)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.strip(), child.stderr.read() if child.stderr else "child failed"
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        out, _err = child.communicate()
        reported = [int(x) for x in [first, *out.split()] if x.strip()]
        wal = Path(str(path) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            mid_write += 1  # (also counts a WAL not yet checkpointed after a commit)
        last = check_consistent(path)
        assert last in (reported[-1], reported[-1] + 1), (last, reported[-1])
        next_step = last + 1
    return {"kills": kills, "wal_left": mid_write, "steps": next_step}


def test_kill_9_mid_write_leaves_a_whole_project(tmp_path):
    result = run_kills(tmp_path, KILLS_IN_SUITE)
    assert result["steps"] > KILLS_IN_SUITE


def test_a_crash_while_creating_leaves_no_project(tmp_path):
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    code = (
        "import os, sys\n"
        "from imft_desktop.io.project import workspace\n"
        "def crash(*a, **k):\n"
        "    os.kill(os.getpid(), 9)\n"
        "workspace.os.replace = crash\n"
        f"workspace.Project.create({str(tmp_path / 'p.imftproj')!r}, {str(source)!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
    assert not (tmp_path / "p.imftproj").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root ignores file permissions")
def test_a_read_only_project_gives_a_message_and_loses_nothing(tmp_path):
    _read_only_case(tmp_path)


def test_sqlite_s_read_only_error_reads_as_one_line(tmp_path, monkeypatch):
    """As root (file modes do not stop root) the error SQLite gives is simulated."""
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    project = Project.create(tmp_path / "p.imftproj", source)
    from imft_desktop.io.store import repository

    def read_only(*_a, **_k):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(repository.Change, "put_cohort", read_only)
    with pytest.raises(StoreError) as err:
        project.correct("SYN-01", "age", "50", "typo")
    assert err.value.kind == "read_only" and "nothing was changed" in str(err.value)
    assert project.corrections() == []
    project.close()


def test_a_project_opened_read_only_refuses_changes(tmp_path):
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    Project.create(tmp_path / "p.imftproj", source).close()
    with Project.open(tmp_path / "p.imftproj", read_only=True) as project, \
            pytest.raises(StoreError, match="read-only"):
        project.correct("SYN-01", "age", "50", "typo")


def _read_only_case(tmp_path: Path) -> None:
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    path = tmp_path / "p.imftproj"
    Project.create(path, source).close()
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError) as err:
            Project.open(path).correct("SYN-01", "age", "50", "x")
        assert err.value.kind == "read_only" and "\n" not in str(err.value)
        with Project.open(path, read_only=True) as project:
            assert project.cohort.n_samples == 24
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_a_failed_write_changes_neither_file_nor_cohort(tmp_path, monkeypatch):
    """A full disk (SQLITE_FULL) in the middle of a change: rolled back, one message."""
    source = tmp_path / "cases.xlsx"
    shutil.copy(CASE_SHEET, source)
    project = Project.create(tmp_path / "p.imftproj", source)
    before = project.cohort
    audit = project.audit()
    from imft_desktop.io.store import repository

    def full(*_a, **_k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(repository.Change, "add_correction", full)
    with pytest.raises(StoreError) as err:
        project.correct("SYN-01", "age", "50", "typo in the chart")
    assert err.value.kind == "disk_full" and "not saved" in str(err.value)
    assert "\n" not in str(err.value)
    assert project.cohort is before
    assert project.audit() == audit
    project.close()
    with Project.open(tmp_path / "p.imftproj") as again:
        assert again.audit() == audit and again.corrections() == []


if __name__ == "__main__":
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        print(run_kills(Path(tmp), n, seed=int(time.time())),
              f"{time.perf_counter() - t:.0f} s")
