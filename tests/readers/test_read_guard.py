"""The reader budget (io/read_guard.py): limits from the environment and the command
line, regular files only, streaming gzip cap, cell counting and the deadline."""

from __future__ import annotations

import gzip
import os
import time
import zlib

import pytest

from imft_desktop.io.read.deadline import BudgetProgress, check_time, checking
from imft_desktop.io.read.guard import (
    MiB,
    OverBudget,
    ReadBudget,
    check_regular_file,
    current_budget,
    read_input_bytes,
    read_unpacked,
    use_budget,
)
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.model.progress import Cancelled, Progress


def test_environment_overrides_and_typos_are_ignored():
    b = ReadBudget.from_env({"IMFT_MAX_FILE_MB": "8", "IMFT_MAX_CELLS": "1e3",
                             "IMFT_TIME_LIMIT": "2.5", "IMFT_MAX_UNPACKED_MB": "lots"})
    assert b.max_file_bytes == 8 * MiB and b.max_cells == 1000 and b.max_seconds == 2.5
    assert b.max_unpacked_bytes == ReadBudget().max_unpacked_bytes


def test_message_names_the_limit_and_how_to_raise_it():
    err = ReadBudget(max_cells=5).over("max_cells", "x.csv", "more than 5 cells")
    assert isinstance(err, UnreadableFile) and err.limit == "max_cells"
    assert "--max-cells" in err.message and "IMFT_MAX_CELLS" in err.message
    assert "\n" not in err.message


def test_use_budget_scopes_the_current_budget():
    tight = ReadBudget(max_cells=7)
    with use_budget(tight):
        assert current_budget().max_cells == 7
    assert current_budget().max_cells != 7


def test_folders_and_missing_files(tmp_path):
    with pytest.raises(UnreadableFile, match="folder"):
        check_regular_file(tmp_path)
    with pytest.raises(UnreadableFile) as info:
        check_regular_file(tmp_path / "nope.csv")
    assert info.value.code == "FILE_NOT_FOUND"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.maf"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(UnreadableFile) as info:
        read_input_bytes(fifo)
    assert info.value.code == "FILE_NOT_REGULAR" and time.monotonic() - start < 1


def test_size_cap(tmp_path):
    p = tmp_path / "big.seg"
    p.write_bytes(b"x" * 2048)
    with pytest.raises(OverBudget, match="--max-file-mb"):
        read_input_bytes(p, ReadBudget(max_file_bytes=1024))
    assert read_input_bytes(p, ReadBudget(max_file_bytes=4096)) == b"x" * 2048


def test_gzip_is_unpacked_as_a_stream_up_to_the_cap(tmp_path):
    p = tmp_path / "a.maf.gz"
    p.write_bytes(gzip.compress(b"A\tB\n" * 1000) + gzip.compress(b"C\tD\n"))  # 2 members
    assert read_unpacked(p).endswith(b"C\tD\n")
    with pytest.raises(OverBudget, match="unpacks to more than"):
        read_unpacked(p, ReadBudget(max_unpacked_bytes=100))
    with pytest.raises(OverBudget, match="cells"):
        read_unpacked(p, ReadBudget(max_cells=50), tab_cells=True)
    p.write_bytes(gzip.compress(b"A\tB\n" * 1000)[:-20])
    with pytest.raises(UnreadableFile) as info:
        read_unpacked(p)
    assert info.value.code == "FILE_DAMAGED"
    p.write_bytes(b"\x1f\x8b" + zlib.compress(b"not gzip"))
    with pytest.raises(UnreadableFile):
        read_unpacked(p)


def test_deadline_and_cancel_through_checking():
    progress = BudgetProgress(ReadBudget(max_seconds=0.05), "x.seg", Progress())
    with checking(progress):
        check_time()
        time.sleep(0.08)
        with pytest.raises(OverBudget, match="--time-limit"):
            check_time()
        with pytest.raises(OverBudget):
            progress.sub(0.2, 0.4).sub(0.0, 0.5).check()  # children keep the deadline
    parent = Progress()
    progress = BudgetProgress(ReadBudget(), "x.seg", parent)
    parent.cancel()
    with pytest.raises(Cancelled):
        progress.sub(0, 1).check()
    check_time()  # no current progress: nothing to check


def test_typed_zeros_below_the_data_are_kept(tmp_path):
    """Only formula results are taken for a fill: typed 0s are data."""
    import openpyxl

    from imft_desktop.io.read.workbook import read_workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case", "Score"])
    ws.append(["S1", 5])
    for _ in range(1500):
        ws.append([None, 0])
    p = tmp_path / "zeros.xlsx"
    wb.save(p)
    sheet = read_workbook(p).sheets[0]
    assert sheet.n_rows == 1502
    ws2 = wb.active
    for r in range(3, 1503):
        ws2.cell(r, 2).value = f"=A{r}*2"
    wb.save(p)  # openpyxl stores formulas without cached values: lost values, kept
    assert read_workbook(p).sheets[0].n_rows == 1502
