"""One resource budget for every reader, and the gate every input path goes through.

Every file the app reads -- workbooks, CSV/TSV, MAF (plain or gzip), SEG, the files of a
cBioPortal study folder, mapping profiles -- is opened through :func:`open_input` /
:func:`read_input_bytes`, which

* accept regular files only: a named pipe would block ``open()`` forever, a device
  never ends, and a folder where a file is expected gives an OS error with a traceback;
* refuse a file larger than ``ReadBudget.max_file_bytes`` from ``stat()`` alone;
* decompress gzip as a stream, counting the unpacked bytes, and stop at
  ``max_unpacked_bytes`` (a 1 MB ``.maf.gz`` can unpack to gigabytes);
* and, with ``read_deadline.BudgetProgress``, stop work that outlives ``max_seconds``.

Readers count rows and cells against ``max_cells`` with :meth:`ReadBudget.check_cells`.
Exceeding any limit raises :class:`OverBudget`, an ``UnreadableFile`` (exit code 2 in
the command line, a message in the window) whose one-line message names the limit and
says how to raise it: a command-line option or an environment variable.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import gzip
import os
import stat
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from imft_desktop.io.read.raw import UnreadableFile

MiB = 1024 * 1024
_CHUNK = 1 << 20

#: field -> (environment variable, command-line option, unit shown, unit size)
BUDGET_KNOBS: dict[str, tuple[str, str, str, float]] = {
    "max_file_bytes": ("IMFT_MAX_FILE_MB", "--max-file-mb", "MB", MiB),
    "max_unpacked_bytes": ("IMFT_MAX_UNPACKED_MB", "--max-unpacked-mb", "MB", MiB),
    "max_cells": ("IMFT_MAX_CELLS", "--max-cells", "cells", 1),
    "max_seconds": ("IMFT_TIME_LIMIT", "--time-limit", "seconds", 1),
}


class OverBudget(UnreadableFile):
    """A read stopped at a resource limit; ``limit`` is the ``ReadBudget`` field."""

    def __init__(self, code: str, message: str, limit: str):
        super().__init__(code, message)
        self.limit = limit


@dataclass(frozen=True)
class ReadBudget:
    """Limits every reader obeys.  Defaults fit a real cohort with a wide margin.

    Attributes
    ----------
    max_file_bytes:
        Largest input file (default 256 MB; a 100,000-row x 40-column CSV is ~40 MB).
    max_unpacked_bytes:
        Most bytes that all members of a workbook, or a gzip file, may unpack to in total
        (default 256 MB; that 100k x 40 workbook holds ~150 MB of XML).
    max_cells:
        Most cells (rows x columns) a text table may hold (default 10 million; a
        100,000-case x 40-column sheet has 4 million).
    max_seconds:
        Wall-clock time for one read and import (default 300 s).
    """

    max_file_bytes: int = 256 * MiB
    max_unpacked_bytes: int = 256 * MiB
    max_cells: int = 10_000_000
    max_seconds: float = 300.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReadBudget:
        """Defaults, overridden by ``IMFT_MAX_FILE_MB``, ``IMFT_MAX_UNPACKED_MB``,
        ``IMFT_MAX_CELLS`` and ``IMFT_TIME_LIMIT`` when set to a positive number."""
        env = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for field, (var, _opt, _unit, scale) in BUDGET_KNOBS.items():
            text = env.get(var, "").strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                continue  # a typo in an environment variable must not stop the app
            if number > 0:
                values[field] = number * scale
        return cls().with_values(**values)

    def with_values(self, **values: float | None) -> ReadBudget:
        """A copy with the given fields replaced (``None`` keeps the current value)."""
        clean: dict[str, float | int] = {}
        for key, value in values.items():
            if value is None:
                continue
            clean[key] = value if key == "max_seconds" else int(value)
        return replace(self, **clean)  # type: ignore[arg-type]

    def over(self, field: str, name: str, what: str) -> OverBudget:
        """The ``OverBudget`` error for ``field``: what was found, and how to raise it."""
        var, opt, unit, scale = BUDGET_KNOBS[field]
        limit = getattr(self, field) / scale
        shown = f"{limit:,.0f} {unit}" if limit >= 10 else f"{limit:g} {unit}"
        return OverBudget(
            "FILE_OVER_BUDGET",
            f"{name}: {what}, over the limit of {shown}. It was not read. If the file is "
            f"genuine, raise the limit with {opt} or the environment variable {var}.",
            field,
        )

    def check_cells(self, cells: int, name: str) -> None:
        """Raise ``OverBudget`` when ``cells`` exceeds ``max_cells``."""
        if cells > self.max_cells:
            raise self.over("max_cells", name, f"more than {self.max_cells:,} cells")


DEFAULT_BUDGET = ReadBudget()

_CURRENT: contextvars.ContextVar[ReadBudget | None] = contextvars.ContextVar(
    "imft_read_budget", default=None
)


def current_budget() -> ReadBudget:
    """The budget set by :func:`use_budget`, else the defaults with the environment's
    overrides (``ReadBudget.from_env``)."""
    return _CURRENT.get() or ReadBudget.from_env()


@contextlib.contextmanager
def use_budget(budget: ReadBudget | None) -> Iterator[ReadBudget]:
    """Make ``budget`` the one readers use inside the block (``None``: unchanged).

    Readers deep inside an import (a MAF inside a cBioPortal folder) take the budget
    from here, so it need not be threaded through every signature.
    """
    chosen = budget or current_budget()
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


def allow_long_fields() -> None:
    """Lift the csv module's 131,072-character field limit (process-wide).

    A pasted pathology report in one cell is legitimate; the file-size and cell budgets
    bound what a reader holds, so the per-field limit only turned such files into a
    traceback.
    """
    csv.field_size_limit(min(2**31 - 1, 1 << 40))


def check_regular_file(path: Path, budget: ReadBudget | None = None) -> int:
    """The size of ``path`` after checking that it is a regular file within budget.

    ``stat`` never blocks (unlike ``open`` on a named pipe), so a FIFO, a device or a
    socket is refused before anything waits on it.
    """
    budget = budget or current_budget()
    name = path.name or str(path)
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise UnreadableFile("FILE_NOT_FOUND", f"{name} does not exist.") from exc
    except PermissionError as exc:
        raise UnreadableFile(
            "FILE_LOCKED", f"{name} cannot be opened: you lack permission to read it."
        ) from exc
    except OSError as exc:  # path too long, broken link loop, network drive gone ...
        raise UnreadableFile(
            "FILE_NOT_FOUND", f"{name} cannot be opened ({exc.strerror or 'OS error'})."
        ) from exc
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFile("FILE_NOT_FOUND", f"{name} is a folder, not a file.")
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(
            "FILE_NOT_REGULAR",
            f"{name} is not a regular file (a pipe, device or socket); only files saved "
            "on disk can be read. Save the data to a file first.",
        )
    if st.st_size > budget.max_file_bytes:
        raise budget.over("max_file_bytes", name, f"the file is {st.st_size / MiB:,.0f} MB")
    return st.st_size


def open_input(path: Path, budget: ReadBudget | None = None) -> BinaryIO:
    """Open a checked regular file for reading (binary); the caller closes it."""
    check_regular_file(path, budget)
    name = path.name
    try:
        # O_NONBLOCK: should the path be swapped for a pipe between stat() and open(),
        # open() still returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except PermissionError as exc:
        raise UnreadableFile(
            "FILE_LOCKED",
            f"{name} cannot be opened: another program (often Excel) holds it, or you "
            "lack permission. Close it and try again.",
        ) from exc
    except OSError as exc:
        raise UnreadableFile(
            "FILE_NOT_FOUND", f"{name} cannot be opened ({exc.strerror or 'OS error'})."
        ) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableFile("FILE_NOT_REGULAR", f"{name} is not a regular file.")
    return os.fdopen(fd, "rb")


def read_input_bytes(path: Path, budget: ReadBudget | None = None) -> bytes:
    """The whole file, never more than ``max_file_bytes`` (it may grow after ``stat``).

    Read in one call sized from ``stat``, so a 250 MB file costs 250 MB, not the twice
    that joining chunks would; a file that grew meanwhile is read on in chunks.
    """
    budget = budget or current_budget()
    name = path.name
    with open_input(path, budget) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(size, budget.max_file_bytes) + 1)
            if len(data) > size:  # it grew: take the rest, up to the limit
                chunks = [data]
                total = len(data)
                while total <= budget.max_file_bytes and (chunk := fh.read(_CHUNK)):
                    chunks.append(chunk)
                    total += len(chunk)
                data = b"".join(chunks)
        except OSError as exc:
            raise UnreadableFile(
                "FILE_NOT_FOUND", f"{name} cannot be read ({exc.strerror or 'OS error'})."
            ) from exc
    if len(data) > budget.max_file_bytes:
        raise budget.over("max_file_bytes", name, "the file grew past the limit while read")
    return data


def read_unpacked(
    path: Path, budget: ReadBudget | None = None, *, tab_cells: bool = False
) -> bytes:
    """The file's bytes, gunzipped as a stream when it starts with the gzip magic.

    Decompression stops as soon as the unpacked total passes ``max_unpacked_bytes``,
    so memory never holds more than the limit (a 1 MB bomb of 1 GB is refused after
    reading 256 MB at most, in about a second).  Concatenated gzip members count
    together.

    With ``tab_cells`` (tab-separated files read without quoting, where every tab and
    every line end closes a cell) the cells are counted from the bytes as they come,
    so a table over ``max_cells`` is refused before it is parsed or fully unpacked.
    """
    budget = budget or current_budget()
    data = read_input_bytes(path, budget)
    name = path.name
    counter = _TabCells(budget, name) if tab_cells else None
    if data[:2] != b"\x1f\x8b":
        if counter is not None:
            counter.add(data)
        return data
    out: list[bytes] = []
    total = 0
    pending = data
    try:
        while pending:
            d = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
            while pending and not d.eof:
                piece = d.decompress(pending[:_CHUNK], _CHUNK)
                pending = d.unconsumed_tail + pending[_CHUNK:]
                total += len(piece)
                if total > budget.max_unpacked_bytes:
                    raise budget.over(
                        "max_unpacked_bytes", name,
                        f"it unpacks to more than {budget.max_unpacked_bytes / MiB:,.0f} MB",
                    )
                if counter is not None:
                    counter.add(piece)
                out.append(piece)
            if not d.eof:
                raise UnreadableFile(
                    "FILE_DAMAGED", f"{name} is a truncated gzip file (copy it again)."
                )
            pending = d.unused_data.lstrip(b"\0")
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise UnreadableFile("FILE_DAMAGED", f"{name} is a damaged gzip file.") from exc
    return b"".join(out)


class _TabCells:
    """Cells of a tab-separated text counted from its bytes (tabs plus line ends)."""

    def __init__(self, budget: ReadBudget, name: str):
        self.budget, self.name, self.cells = budget, name, 0

    def add(self, chunk: bytes) -> None:
        self.cells += chunk.count(b"\t") + chunk.count(b"\n")
        self.budget.check_cells(self.cells, self.name)
