"""Atomic file writes: the target holds either the old file or the complete new one.

Every export (PDF, xlsx, CSV, figures, pseudonym keys) is written through here:
a temporary file in the *same folder* (so the final rename stays on one file system),
written, flushed and fsync'ed, then moved over the target with ``os.replace``.  The old
file is never deleted first, so a failure at any point leaves it intact; the temporary
file is removed on failure.

On Windows ``os.replace`` fails while any program holds the target open (Excel showing
last week's export, a virus scanner, OneDrive): WinError 5, 32 or 33, surfaced as
``PermissionError``.  Those usually clear within a second or two, so the rename is
retried with a bounded backoff (about 2.5 s in total) before the user is told to close
the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

#: Pauses between attempts of the final rename (seconds); about 2.5 s in total.
RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.75, 1.0)


class FileLockedError(OSError):
    """The target stayed locked by another program; the old file is unchanged."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(
            f'Could not save "{self.path.name}": the file is open in another program '
            "(Excel, a PDF viewer ...). Close the file in the other program and save again; "
            "the previous version was left unchanged."
        )


class ReadOnlyTargetError(PermissionError):
    """The target exists and is read-only: it is refused, never silently replaced."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(
            13,  # EACCES, so callers that look at errno see a permission problem
            f'Did not save "{self.path.name}": the existing file is read-only (someone '
            "protected it). Save under another name, or remove the read-only mark first.",
        )


def _refuse_protected_target(target: Path) -> None:
    # os.replace would happily swap a read-only file (only the folder's permission
    # counts), silently discarding the protection its owner put on it.
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError:
        return  # let the write itself report what is wrong
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, f'Did not save: "{target.name}" is a folder.')
    if not stat.S_ISREG(st.st_mode):
        raise PermissionError(
            13, f'Did not save: "{target.name}" is not a regular file (a pipe or device).'
        )
    if not (st.st_mode & stat.S_IWUSR) or not os.access(target, os.W_OK):
        raise ReadOnlyTargetError(target)


def remove_leftovers(target: Path) -> int:
    """Delete temporary files an interrupted earlier save of ``target`` left behind
    (``.NAME.*.tmp`` next to it); returns how many were removed."""
    folder = target.parent if str(target.parent) else Path(".")
    removed = 0
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f".{glob_escape(target.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed += 1
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open directories)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace_with_retry(
    tmp: Path, target: Path, delays: tuple[float, ...], sleep: Callable[[float], None]
) -> None:
    for attempt in range(len(delays) + 1):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if attempt == len(delays):
                raise FileLockedError(target) from None
            sleep(delays[attempt])


def _keep_mode(target: Path, tmp: Path) -> None:
    # mkstemp creates the file private (0600), which suits a new export of patient
    # data; a file being replaced keeps the permissions its owner gave it.
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    delays: tuple[float, ...] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on success it replaces ``path``.

    Parameters
    ----------
    path:
        The final file.  Its folder must exist.
    mode:
        ``"wb"`` (default) or ``"w"`` (text; then ``encoding``/``newline`` apply).
    delays, sleep:
        Backoff between attempts of the final rename while the target is locked
        (``PermissionError``); injectable for tests.

    Raises
    ------
    FileLockedError
        The target stayed locked; the old file is intact, the temporary file removed.
    ReadOnlyTargetError
        The target exists and is read-only; nothing was written.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_open writes only ('wb' or 'w'), not {mode!r}")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _refuse_protected_target(target)
    remove_leftovers(target)  # a killed earlier save must not leave its temp file forever
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(target, tmp)
        _replace_with_retry(tmp, target, delays, sleep)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_directory(folder)


def atomic_write(
    path: str | os.PathLike[str],
    write_fn: Callable[[IO[Any]], object],
    mode: str = "wb",
    **kwargs: Any,
) -> Path:
    """Write ``path`` atomically by calling ``write_fn(file_object)``.

    ``write_fn`` receives an open temporary file (binary for ``mode="wb"``); if it
    raises, the temporary file is removed and the old ``path`` is left untouched.
    Returns the final path.  Keyword arguments go to :func:`atomic_open`.
    """
    with atomic_open(path, mode, **kwargs) as fh:
        write_fn(fh)
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, **kwargs: Any) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda fh: fh.write(data), "wb", **kwargs)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", **kwargs: Any
) -> Path:
    """Write ``text`` to ``path`` atomically (newlines written as given)."""
    return atomic_write(
        path, lambda fh: fh.write(text), "w", encoding=encoding, newline="", **kwargs
    )
