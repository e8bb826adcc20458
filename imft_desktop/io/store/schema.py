"""The project file's tables, its schema version, and the migrations between versions.

``CURRENT_VERSION`` is written to ``meta.schema_version``.  A file of an older version is
migrated forward when it is opened for writing (one transaction, recorded in the audit
log); a file of a newer version is refused with a message rather than half-read.  Every
past version has a saved project in ``tests/store/fixtures`` that must keep opening.

Frames are stored column by column (``frame_columns``: one row per column, its values
as one JSON array with the column's dtype) rather than one row per record: a project of
100,000 samples has about a million records, and reading a million rows back into
DataFrames takes several seconds where a few hundred column arrays take a fraction of
one.  A change rewrites only the columns it touches.
"""

from __future__ import annotations

from collections.abc import Callable

from imft_desktop.io.store.engine import Cursor

#: The schema this program writes.
CURRENT_VERSION = 1

#: ``meta.application``: tells an IMFT project from any other SQLite file.
APPLICATION = "imft-desktop-project"

#: Version 1: the first project file.
SCHEMA_V1: tuple[str, ...] = (
    """CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
    # One row per import (the first file of the project, and every batch added).
    """CREATE TABLE imports (
        id              INTEGER PRIMARY KEY,
        action          TEXT NOT NULL,          -- 'create' or 'add'
        source_name     TEXT NOT NULL,
        source_path     TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        size            INTEGER NOT NULL,
        file_kind       TEXT NOT NULL,
        read_at         TEXT NOT NULL,
        sheets          TEXT NOT NULL,          -- JSON list of the file's sheets
        sheet           TEXT,                   -- the sheet read (one-row-per-case files)
        options         TEXT NOT NULL,          -- JSON: the import options used
        profile         TEXT,                   -- mapping profile JSON with value meanings
        profile_name    TEXT,
        value_dictionary TEXT NOT NULL,         -- JSON list of value entries
        imported_at     TEXT NOT NULL,
        user            TEXT NOT NULL,
        summary         TEXT NOT NULL)""",      # JSON: records, new cases, updates ...
    # Frames: owner 'cohort' is the current state; 'import:<id>' the records as read.
    """CREATE TABLE frames (
        owner   TEXT NOT NULL,
        tbl     TEXT NOT NULL,
        meta    TEXT NOT NULL,                  -- JSON: columns, index, length
        PRIMARY KEY (owner, tbl))""",
    """CREATE TABLE frame_columns (
        owner    TEXT NOT NULL,
        tbl      TEXT NOT NULL,
        name     TEXT NOT NULL,                 -- JSON of the column label
        dtype    TEXT NOT NULL,
        encoding TEXT NOT NULL,                 -- 'json' or 'json-typed'
        data     BLOB NOT NULL,
        PRIMARY KEY (owner, tbl, name))""",
    """CREATE TABLE findings (
        owner TEXT NOT NULL,
        data  TEXT NOT NULL,                    -- JSON list of findings, in order
        PRIMARY KEY (owner))""",
    # Cohort-level parts of the current state: sources, column origins, study, ...
    """CREATE TABLE cohort_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
    """CREATE TABLE corrections (
        id        INTEGER PRIMARY KEY,
        audit_id  INTEGER NOT NULL REFERENCES audit(id),
        tbl       TEXT NOT NULL,
        record    INTEGER NOT NULL,             -- position in the cohort's table
        sample_id TEXT,
        field     TEXT NOT NULL,
        old_value TEXT NOT NULL,                -- JSON
        old_raw   TEXT,
        new_value TEXT NOT NULL,                -- JSON
        new_raw   TEXT,
        reason    TEXT NOT NULL,
        user      TEXT NOT NULL,
        at        TEXT NOT NULL,
        active    INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE settings (
        tab        TEXT PRIMARY KEY,
        data       TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE report_outline (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        data       TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    # The audit log: appended to, never changed (the triggers refuse it).
    """CREATE TABLE audit (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        user    TEXT NOT NULL,
        action  TEXT NOT NULL,
        target  TEXT NOT NULL,
        old     TEXT,
        new     TEXT,
        why     TEXT)""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)

#: ``MIGRATIONS[v]`` turns a version-``v`` database into version ``v + 1`` (inside the
#: transaction the caller opened).  Empty while version 1 is the only one.
MIGRATIONS: dict[int, Callable[[Cursor], None]] = {}


def create(cursor: Cursor) -> None:
    """Create the current schema in an empty database."""
    cursor.executescript_statements(SCHEMA_V1)
    for version in range(1, CURRENT_VERSION):
        MIGRATIONS[version](cursor)


def migrate(cursor: Cursor, version: int) -> list[int]:
    """Bring a version-``version`` database to ``CURRENT_VERSION``; the steps applied."""
    steps = []
    while version < CURRENT_VERSION:
        MIGRATIONS[version](cursor)
        version += 1
        steps.append(version)
    return steps
