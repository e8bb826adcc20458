"""Hostile and broken inputs of issue 12, run as a user would: each ``imft`` command
must finish within its time budget, stay under the memory budget, exit 0, 1 or 2 and
print no traceback.  The big cases run in a subprocess (so peak memory can be measured
and a runaway can be killed); the many small cases run in-process.
"""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import (
    big_seg,
    formula_filled_xlsx,
    long_cell_csv,
    maf_gz_bomb,
    many_sheets_xlsx,
)

from imft_desktop.cli import main

pytestmark = pytest.mark.fuzz

#: Peak resident memory allowed for any command (the issue's budget).
MEMORY_BUDGET_MB = 500
#: Address-space cap of the subprocess: a runaway is killed, not the test machine.
ADDRESS_SPACE_CAP = 4 * 1024**3
ROOT = Path(__file__).resolve().parents[2]


def run_imft(*args: str, timeout: float = 30.0, env: dict[str, str] | None = None
             ) -> tuple[int, str, str, float, float]:
    """``imft ARGS`` in a subprocess: (exit code, stdout, stderr, seconds, peak MB)."""

    def cap() -> None:  # runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))

    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from imft_desktop.cli import main; sys.exit(main())",
         *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, preexec_fn=cap,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"imft {' '.join(args)} did not finish within {timeout} s")
    seconds = time.monotonic() - start
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: fine for an upper bound.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return proc.returncode, out.decode(), err.decode(), seconds, peak_mb


def assert_clean(code: int, err: str, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    assert code in allowed, err
    assert "Traceback" not in err, err
    assert "internal error" not in err, err


# ------------------------------------------------------------------ readers: big files
@pytest.mark.parametrize("case", ["many_sheets", "gz_bomb", "big_seg"])
def test_crafted_files_are_refused_fast_with_one_line(tmp_path: Path, case: str) -> None:
    path = {
        "many_sheets": lambda: many_sheets_xlsx(tmp_path / "many.xlsx"),
        "gz_bomb": lambda: maf_gz_bomb(tmp_path / "bomb.maf.gz", unpacked=300 * 1024**2),
        "big_seg": lambda: big_seg(tmp_path / "big.seg"),
    }[case]()
    code, _out, err, seconds, peak = run_imft("validate", str(path))
    assert_clean(code, err, (2,))
    lines = [ln for ln in err.splitlines() if ln.strip() and "%" not in ln[:5]]
    assert len(lines) == 1, err
    assert "--max-" in lines[0] and "IMFT_MAX_" in lines[0]  # how to raise the limit
    assert seconds < 10, seconds  # crafted files: under 2 s on a quiet machine
    assert peak < MEMORY_BUDGET_MB, peak


def test_raising_the_limit_is_honoured(tmp_path: Path) -> None:
    path = maf_gz_bomb(tmp_path / "bomb.maf.gz", unpacked=20 * 1024**2)
    code, _o, err, _s, _p = run_imft("validate", str(path), env={"IMFT_MAX_UNPACKED_MB": "8"})
    assert_clean(code, err, (2,))
    assert "8 MB" in err
    code, _o, err, _s, _p = run_imft("validate", str(path), "--max-unpacked-mb", "4")
    assert "4 MB" in err


@pytest.mark.parametrize("zero", [False, True])
def test_formula_filled_to_the_last_row_costs_the_data_not_the_range(tmp_path: Path,
                                                                     zero: bool) -> None:
    path = formula_filled_xlsx(tmp_path / "formula.xlsx", zero=zero)
    code, out, err, seconds, peak = run_imft("validate", "--json", str(path))
    assert_clean(code, err, (0, 1))
    assert '"XLSX_FILLED_BELOW_DATA"' in out
    assert '"ok": true' in out  # the 20 cases import; the filled rows are no cases
    assert seconds < 10, seconds
    assert peak < MEMORY_BUDGET_MB, peak


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["x.maf", "x.seg", "x.csv", "x.xlsx", "profile.json"])
def test_named_pipe_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    if name.endswith(".json"):
        data = long_cell_csv(tmp_path / "ok.csv", 10)
        code, _o, err, seconds, _p = run_imft("validate", str(data), "--mapping", str(fifo),
                                              timeout=15)
    else:
        code, _o, err, seconds, _p = run_imft("validate", str(fifo), timeout=15)
    assert_clean(code, err, (2,))
    assert "not a regular file" in err
    assert seconds < 10


def test_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    (tmp_path / "study.xlsx").mkdir()
    code = main(["validate", str(tmp_path / "study.xlsx")])
    assert code == 2


def test_cell_longer_than_the_csv_module_limit_is_read_whole(tmp_path: Path, capsys) -> None:
    path = long_cell_csv(tmp_path / "report.csv", 200_000)
    code = main(["validate", "--json", str(path)])
    out, err = capsys.readouterr()
    assert_clean(code, err, (0, 1))
    assert '"CELL_TOO_LONG"' in out


# ------------------------------------------------------------------ small files, in-process
def test_header_only_csv_is_not_ok(tmp_path: Path, capsys) -> None:
    p = tmp_path / "head.csv"
    p.write_text("Case,Best response,PFS (months),Progression\n")
    assert main(["validate", str(p)]) == 1
    assert "COHORT_NO_DATA_ROWS" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["", "\n\n", " \n", ",,,\n,,,\n", ";;\n", "\ufeff\n"])
def test_blank_csv_is_reported_as_empty(tmp_path: Path, capsys, text: str) -> None:
    p = tmp_path / "blank.csv"
    p.write_text(text, encoding="utf-8")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "empty" in err or "no values" in err or "no data" in err, err
    assert "mapping" not in err.lower()


def test_json_lists_every_row_of_a_collapsed_finding(tmp_path: Path, capsys) -> None:
    import json

    p = tmp_path / "norm.csv"
    p.write_text("Case,Best response,PFS (months),Progression\n"
                 + "".join(f"S{i},pr ,5,1\n" for i in range(1, 31)))
    main(["validate", "--json", str(p)])
    issues = json.loads(capsys.readouterr().out)["issues"]
    recist = [i for i in issues if i["code"] == "RECIST_NORMALISED"]
    assert recist and recist[0]["rows"] == list(range(2, 32))
    assert recist[0]["row"] == 2  # the existing key keeps its meaning
    for issue in issues:
        assert set(issue) >= {"level", "code", "sheet", "row", "column", "header", "value",
                              "message", "hint", "file", "normalised", "rows"}


# ------------------------------------------------------------------ output faults
@pytest.fixture
def cohort_csv(tmp_path: Path) -> Path:
    p = tmp_path / "cohort.csv"
    p.write_text("Case,ALK IHC,Best response,PFS (months),Progression,Note\n"
                 + "".join(f"S{i},positive,PR,{i + 2},{i % 2},n\n" for i in range(1, 9)))
    return p


def _fail_fsync(code: int):
    def boom(_fd: int) -> None:
        raise OSError(code, os.strerror(code))
    return boom


@pytest.mark.parametrize("command,suffix", [("export", ".xlsx"), ("export", ".csv")])
@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EIO])
def test_write_faults_are_one_line_and_keep_the_old_file(
    tmp_path: Path, cohort_csv: Path, monkeypatch, capsys, command: str, suffix: str, fault: int
) -> None:
    from imft_desktop.io.write import atomic

    out = tmp_path / f"results{suffix}"
    out.write_bytes(b"old export")
    monkeypatch.setattr(atomic.os, "fsync", _fail_fsync(fault))
    code = main([command, str(cohort_csv), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert_clean(code, err)
    assert len(err.strip().splitlines()) == 1, err
    assert f'"{out.name}"' in err and str(tmp_path) not in err  # the name, not the path
    assert out.read_bytes() == b"old export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_read_only_target_is_refused_not_replaced(tmp_path: Path, cohort_csv: Path,
                                                  capsys) -> None:
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"protected")
    out.chmod(0o444)
    code = main(["export", str(cohort_csv), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "read-only" in err
    assert out.read_bytes() == b"protected"


def test_path_too_long(tmp_path: Path, cohort_csv: Path, capsys) -> None:
    out = tmp_path / ("x" * 300 + ".xlsx")
    code = main(["export", str(cohort_csv), "--out", str(out)])
    err = capsys.readouterr().err
    assert_clean(code, err, (2,))
    assert "too long" in err


def test_leftover_of_a_killed_save_is_cleaned_on_the_next(tmp_path: Path,
                                                         cohort_csv: Path) -> None:
    out = tmp_path / "results.xlsx"
    leftover = tmp_path / ".results.xlsx.k1ll3d.tmp"
    leftover.write_bytes(b"half")
    assert main(["export", str(cohort_csv), "--out", str(out)]) == 0
    assert not leftover.exists() and out.exists()


def test_long_note_survives_the_xlsx_export(tmp_path: Path) -> None:
    import io

    import openpyxl
    import pandas as pd

    from imft_desktop.io.write.excel_export import workbook_bytes

    note = "".join(chr(65 + i % 26) for i in range(1_000_000))
    data = workbook_bytes({"Cases": pd.DataFrame({"note": [note, "short"]})})
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    parts = [r[4] for r in wb["Long values"].iter_rows(min_row=2, values_only=True)]
    assert "".join(parts) == note


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EROFS])
def test_template_write_faults(tmp_path: Path, monkeypatch, capsys, fault: int) -> None:
    from imft_desktop.io.write import atomic

    out = tmp_path / "template.xlsx"
    out.write_bytes(b"old")
    monkeypatch.setattr(atomic.os, "fsync", _fail_fsync(fault))
    code = main(["template", str(out), "--force"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert out.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
