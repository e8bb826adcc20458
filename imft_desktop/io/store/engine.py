"""The SQL engine seam: open a project database, run one transaction per change.

Everything that is specific to SQLite lives here (pragmas, error numbers, the URI for
read-only opening), so that another SQL engine could back the repository by replacing
this module.  The repository speaks plain SQL with ``?`` parameters.

Durability: WAL journaling with ``synchronous=FULL`` makes every committed transaction
survive a power loss; a process killed in the middle of a transaction leaves the
database as it was before the transaction (SQLite rolls the WAL back on next open).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

#: Milliseconds to wait for another process's write lock before giving up.
BUSY_TIMEOUT_MS = 5000


#: Below this much free space an I/O error is reported as a full disk.
LOW_SPACE_BYTES = 4 * 1024 * 1024


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


class StoreError(Exception):
    """A project file cannot be opened or written; ``str()`` is one line for the user.

    ``kind`` says why: ``"missing"``, ``"not_a_project"``, ``"too_new"``, ``"read_only"``,
    ``"disk_full"``, ``"locked"``, ``"corrupt"`` or ``"other"``.
    """

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.kind = kind


def describe_error(exc: BaseException, path: Path) -> StoreError:
    """A ``StoreError`` in the user's words for an sqlite3 or OS error on ``path``."""
    name = path.name
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError | OSError):
        if "readonly" in text or "read-only" in text or getattr(exc, "errno", None) in (
            errno.EROFS, errno.EACCES, errno.EPERM
        ):
            return StoreError(
                f"{name} is read-only (or its folder is): nothing was changed. "
                "Save the project under another name or in another folder.", "read_only")
        if "disk is full" in text or "database or disk is full" in text or getattr(
            exc, "errno", None
        ) == errno.ENOSPC:
            return StoreError(
                f"The disk holding {name} is full: the change was not saved and the "
                "project is as it was. Free some space and try again.", "disk_full")
        if "disk i/o error" in text:
            # SQLite says "disk I/O error" when it cannot grow its shared-memory file
            # on a full disk; tell the two apart by the free space.
            if _free_bytes(path.parent) < LOW_SPACE_BYTES:
                return StoreError(
                    f"The disk holding {name} is full: the change was not saved and the "
                    "project is as it was. Free some space and try again.", "disk_full")
            return StoreError(f"The disk holding {name} reported an error: the change was "
                              "not saved and the project is as it was.", "io")
        if "locked" in text or "busy" in text:
            return StoreError(
                f"{name} is being changed by another window or program; try again in a "
                "moment.", "locked")
        if "unable to open" in text:
            return StoreError(f"{name} cannot be opened (missing, or no permission).",
                              "missing")
    damaged = ("not a database", "malformed", "file is encrypted")
    if isinstance(exc, sqlite3.DatabaseError) and any(w in text for w in damaged):
        return StoreError(f"{name} is not an IMFT project file, or it is damaged.", "corrupt")
    return StoreError(f"{name}: {exc}", "other")


class Engine:
    """One open connection to a project database.

    ``transaction()`` is the only way to change it: everything inside commits together
    or not at all.  ``query`` and ``scalar`` read.
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False,
                 read_only: bool = False):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path.name} does not exist.", "missing")
        if create and self.path.exists():
            raise StoreError(f"{self.path.name} already exists; choose another name.",
                             "exists")
        self.read_only = read_only
        try:
            if read_only:
                self._db = self._connect_read_only()
            else:
                self._db = sqlite3.connect(self.path, isolation_level=None,
                                           check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not read_only:
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":  # e.g. a file system without shared memory
                    raise StoreError(f"{self.path.name}: the folder does not allow the "
                                     "journal a project needs (WAL).", "other")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            with contextlib.suppress(Exception):
                self._db.close()
            raise describe_error(exc, self.path) from None

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read-only; when SQLite cannot make its shared-memory file (a full disk, a
        read-only folder) and no WAL holds committed changes, the file is read as it is
        (``immutable``): every committed change is then in the main file."""
        base = self.path.resolve().as_uri()
        db = sqlite3.connect(base + "?mode=ro", uri=True, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
            wal = Path(str(self.path) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise
        return sqlite3.connect(base + "?mode=ro&immutable=1", uri=True,
                               isolation_level=None, check_same_thread=False)

    # ------------------------------------------------------------------ reading
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of ``sql``."""
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise describe_error(exc, self.path) from None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or ``None``."""
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One change: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""
        if self.read_only:
            raise StoreError(f"{self.path.name} was opened read-only: nothing was changed.",
                             "read_only")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise describe_error(exc, self.path) from None
        try:
            yield Cursor(self._db, self.path)
            self._db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error | OSError):
                raise describe_error(exc, self.path) from None
            raise

    def integrity_check(self) -> str:
        """``"ok"`` or SQLite's description of the damage."""
        return str(self.scalar("PRAGMA integrity_check"))

    def checkpoint(self) -> bool:
        """Fold the WAL into the main file (so a copy of the ``.imftproj`` alone is
        whole); False when it could not be done (the WAL then still holds the changes,
        which stay safe: SQLite reads them on the next open)."""
        try:
            busy = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error:
            return False
        return busy == 0

    def close_whole(self) -> None:
        """Checkpoint and close, raising ``StoreError`` unless the main file now holds
        everything (required before the file is renamed or copied on its own)."""
        if not self.checkpoint():
            self.close()
            raise StoreError(f"The disk holding {self.path.name} is full or failing: the "
                             "project could not be completed.", "disk_full")
        self.close()
        wal = Path(str(self.path) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(f"{self.path.name} could not be completed.", "io")

    def copy_to(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the database at ``target`` (SQLite's online backup)."""
        try:
            dst = sqlite3.connect(target)
            try:
                self._db.backup(dst)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise describe_error(exc, Path(target)) from None

    def close(self) -> None:
        """Checkpoint and close; the project is one file again afterwards."""
        if not self.read_only:
            self.checkpoint()
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


class Cursor:
    """Statements inside one transaction."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self._db = db
        self._path = path

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """Run one statement; returns the new row id of an INSERT."""
        return self._db.execute(sql, params).lastrowid

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def executescript_statements(self, statements: Sequence[str]) -> None:
        """DDL one statement at a time (``executescript`` would commit on its own)."""
        for stmt in statements:
            self._db.execute(stmt)
