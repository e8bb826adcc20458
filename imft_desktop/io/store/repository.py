"""``ProjectRepository``: what the program asks of a project file, in its own terms.

Reading: the current cohort (``load_cohort``), the imports and their records as read,
the corrections, settings, report outline and audit log.  Writing: ``change()`` opens one
transaction (a ``Change``) in which the caller stores the new cohort state, an import,
a correction, a setting, and appends to the audit log; it commits as a whole or not at
all.  Nothing here interprets cohorts: that is ``imft_desktop.io.project``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from imft_desktop.io.store import codec
from imft_desktop.io.store import schema as schema_mod
from imft_desktop.io.store.engine import Cursor, Engine, StoreError
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.findings import Finding, FindingList
from imft_desktop.model.value_dictionary import ValueDictionary

PROJECT_SUFFIX = ".imftproj"

#: Frame owner of the current cohort; an import's records as read are ``import:<id>``.
COHORT = "cohort"
#: Pseudo-table name under which ``Cohort.extra`` is stored.
EXTRA = "_extra"

#: SQLite files start with this header.
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_project_path(path: str | os.PathLike[str]) -> bool:
    """True for a ``.imftproj`` name (an existing file must also be an SQLite file)."""
    p = Path(path)
    if p.suffix.lower() != PROJECT_SUFFIX:
        return False
    if p.is_file():
        try:
            with p.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError:
            return True  # let opening report the real problem
        return head in (_SQLITE_MAGIC, b"")
    return True


def now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    """The OS user name (``who`` in the audit log)."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no user name in the environment or the password database
        return "unknown"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: str
    user: str
    action: str
    target: str
    old: str | None
    new: str | None
    why: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "user": self.user, "action": self.action,
                "target": self.target, "old": self.old, "new": self.new, "why": self.why}


@dataclass(frozen=True)
class ImportRecord:
    """One import: the file as fingerprinted, how it was read, what it brought."""

    id: int
    action: str
    source_name: str
    source_path: str
    sha256: str
    size: int
    file_kind: str
    read_at: str
    sheets: tuple[str, ...]
    sheet: str | None
    options: dict[str, Any]
    profile: str | None
    profile_name: str | None
    imported_at: str
    user: str
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "action": self.action, "file": self.source_name,
                "path": self.source_path, "sha256": self.sha256, "size": self.size,
                "kind": self.file_kind, "read_at": self.read_at, "sheet": self.sheet,
                "profile_name": self.profile_name, "imported_at": self.imported_at,
                "user": self.user, "summary": self.summary}


@dataclass(frozen=True)
class Correction:
    """A value corrected by hand, with the value it replaced and why."""

    id: int
    audit_id: int
    table: str
    record: int
    sample_id: str | None
    field: str
    old_value: Any
    old_raw: str | None
    new_value: Any
    new_raw: str | None
    reason: str
    user: str
    at: str
    active: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "audit_id": self.audit_id, "table": self.table,
                "record": self.record, "sample_id": self.sample_id, "field": self.field,
                "old_value": self.old_value, "old_raw": self.old_raw,
                "new_value": self.new_value, "new_raw": self.new_raw,
                "reason": self.reason, "user": self.user, "at": self.at,
                "active": self.active}


class ProjectRepository:
    """A project file, open.  Use ``create`` or ``open``; ``close`` when done."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, path: str | os.PathLike[str], app_version: str = "") -> ProjectRepository:
        """A new, empty project file at ``path`` (which must not exist)."""
        engine = Engine(path, create=True)
        try:
            with engine.transaction() as cur:
                schema_mod.create(cur)
                cur.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                    ("application", schema_mod.APPLICATION),
                    ("schema_version", str(schema_mod.CURRENT_VERSION)),
                    ("created_at", now()),
                    ("created_by", os_user()),
                    ("app_version", app_version),
                ])
        except BaseException:
            engine.close()
            with contextlib.suppress(OSError):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        return cls(engine)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> ProjectRepository:
        """Open an existing project; an older schema is migrated (unless read-only).

        Raises ``StoreError`` for a missing, damaged, foreign or too-new file.
        """
        engine = Engine(path, read_only=read_only)
        try:
            repo = cls(engine)
            repo._check_and_migrate()
        except BaseException:
            engine.close()
            raise
        return repo

    def _check_and_migrate(self) -> None:
        name = self.engine.path.name
        try:
            app = self.engine.scalar("SELECT value FROM meta WHERE key = 'application'")
        except StoreError as exc:
            if exc.kind in ("other", "corrupt"):
                raise StoreError(f"{name} is not an IMFT project file, or it is damaged.",
                                 "not_a_project") from None
            raise
        if app != schema_mod.APPLICATION:
            raise StoreError(f"{name} is not an IMFT project file.", "not_a_project")
        version = self.schema_version
        if version > schema_mod.CURRENT_VERSION:
            raise StoreError(
                f"{name} was saved by a newer IMFT Desktop (project format {version}; this "
                f"version reads up to {schema_mod.CURRENT_VERSION}). Update the program to "
                "open it.", "too_new")
        if version < schema_mod.CURRENT_VERSION and not self.engine.read_only:
            with self.engine.transaction() as cur:
                steps = schema_mod.migrate(cur, version)
                cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                            (str(schema_mod.CURRENT_VERSION),))
                _audit(cur, "migrate", "project format", str(version),
                       str(schema_mod.CURRENT_VERSION), f"steps {steps}")

    @property
    def path(self) -> Path:
        return self.engine.path

    @property
    def schema_version(self) -> int:
        return int(self.engine.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))

    def meta(self) -> dict[str, str]:
        return dict(self.engine.query("SELECT key, value FROM meta"))  # type: ignore[arg-type]

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> ProjectRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def has_cohort(self) -> bool:
        return bool(self.engine.scalar("SELECT COUNT(*) FROM frames WHERE owner = ?", (COHORT,)))

    def load_frames(self, owner: str) -> dict[str, pd.DataFrame]:
        """Every frame of ``owner`` by table name."""
        metas = {t: json.loads(m) for t, m in self.engine.query(
            "SELECT tbl, meta FROM frames WHERE owner = ?", (owner,))}
        cols: dict[str, dict[str, Any]] = {t: {} for t in metas}
        for tbl, name, dtype, encoding, data in self.engine.query(
            "SELECT tbl, name, dtype, encoding, data FROM frame_columns WHERE owner = ?",
            (owner,),
        ):
            cols.setdefault(tbl, {})[name] = codec.decode_column(dtype, encoding, data)
        return {t: codec.build_frame(m, cols[t]) for t, m in metas.items()}

    def load_cohort(self) -> Cohort:
        """The current cohort, exactly as last stored."""
        if not self.has_cohort():
            raise StoreError(f"{self.path.name} holds no cohort yet.", "empty")
        frames = self.load_frames(COHORT)
        extra = frames.pop(EXTRA, pd.DataFrame())
        state = dict(self.engine.query("SELECT key, value FROM cohort_state"))
        findings = codec.findings_from_json(
            self.engine.scalar("SELECT data FROM findings WHERE owner = ?", (COHORT,)) or "[]")
        order = json.loads(state.get("table_order", "[]"))
        frames = {t: frames[t] for t in [*order, *sorted(set(frames) - set(order))]}
        return Cohort(
            tables=frames,
            findings=FindingList(findings),
            sources=[codec.source_from_data(d) for d in json.loads(state["sources"])],
            column_origin=codec.column_origin_from_json(state["column_origin"]),
            extra=extra,
            mapping_profile=json.loads(state["mapping_profile"]),
            study=json.loads(state["study"]),
            value_dictionary=codec.value_dictionary_from_json(state["value_dictionary"]),
        )

    def imports(self) -> list[ImportRecord]:
        rows = self.engine.query(
            "SELECT id, action, source_name, source_path, sha256, size, file_kind, read_at,"
            " sheets, sheet, options, profile, profile_name, imported_at, user, summary"
            " FROM imports ORDER BY id")
        return [ImportRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                             tuple(json.loads(r[8])), r[9], json.loads(r[10]), r[11], r[12],
                             r[13], r[14], json.loads(r[15])) for r in rows]

    def import_findings(self, import_id: int) -> list[Finding]:
        text = self.engine.scalar("SELECT data FROM findings WHERE owner = ?",
                                  (f"import:{import_id}",))
        return codec.findings_from_json(text or "[]")

    def import_value_dictionary(self, import_id: int) -> ValueDictionary:
        text = self.engine.scalar("SELECT value_dictionary FROM imports WHERE id = ?",
                                  (import_id,))
        return codec.value_dictionary_from_json(text or "[]")

    def audit(self, since: int = 0) -> list[AuditEntry]:
        """The audit log, oldest first (entries after id ``since``)."""
        return [AuditEntry(*r) for r in self.engine.query(
            "SELECT id, at, user, action, target, old, new, why FROM audit WHERE id > ?"
            " ORDER BY id", (since,))]

    def audit_position(self) -> int:
        """The id of the last audit entry: names the exact state a printout came from."""
        return int(self.engine.scalar("SELECT COALESCE(MAX(id), 0) FROM audit"))

    def corrections(self, active_only: bool = True) -> list[Correction]:
        sql = ("SELECT id, audit_id, tbl, record, sample_id, field, old_value, old_raw,"
               " new_value, new_raw, reason, user, at, active FROM corrections")
        if active_only:
            sql += " WHERE active = 1"
        return [Correction(r[0], r[1], r[2], r[3], r[4], r[5],
                           codec.decode_value(json.loads(r[6])), r[7],
                           codec.decode_value(json.loads(r[8])), r[9], r[10], r[11], r[12],
                           bool(r[13]))
                for r in self.engine.query(sql + " ORDER BY id")]

    def settings(self) -> dict[str, Any]:
        """Analysis settings by tab."""
        return {t: json.loads(d) for t, d in self.engine.query("SELECT tab, data FROM settings")}

    def report_outline(self) -> Any:
        text = self.engine.scalar("SELECT data FROM report_outline WHERE id = 1")
        return None if text is None else json.loads(text)

    def integrity_check(self) -> str:
        return self.engine.integrity_check()

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def change(self) -> Iterator[Change]:
        """One transaction: everything done on the yielded ``Change`` commits together."""
        with self.engine.transaction() as cur:
            yield Change(cur)


class Change:
    """The writes of one transaction (see ``ProjectRepository.change``)."""

    def __init__(self, cursor: Cursor):
        self.cur = cursor
        self.user = os_user()
        self.at = now()

    # ------------------------------------------------------------------ frames
    def put_frame(self, owner: str, tbl: str, df: pd.DataFrame,
                  columns: Iterable[Any] | None = None, compressed: bool = False) -> None:
        """Store ``df`` as table ``tbl`` of ``owner``; only ``columns`` when given (the
        frame's shape and column order must then be as stored); ``compressed`` for
        frames kept for the record rather than read on every open."""
        try:
            if columns is None:
                self.cur.execute("DELETE FROM frame_columns WHERE owner = ? AND tbl = ?",
                                 (owner, tbl))
                chosen = list(df.columns)
            else:
                chosen = list(columns)
            # Always: a change may add a column (a correction's "missing:" column).
            self.cur.execute(
                "INSERT OR REPLACE INTO frames (owner, tbl, meta) VALUES (?, ?, ?)",
                (owner, tbl, codec.dumps(codec.frame_meta(df))))
            rows = []
            for pos in [i for i, c in enumerate(df.columns) if c in set(chosen)]:
                stored = codec.encode_column(df.columns[pos], df.iloc[:, pos])
                if compressed:
                    stored = codec.compress(stored)
                rows.append((owner, tbl, stored.name, stored.dtype, stored.encoding,
                             stored.data))
        except codec.UnstorableValue as exc:
            raise StoreError(f"table {tbl}: {exc}", "other") from None
        self.cur.executemany(
            "INSERT OR REPLACE INTO frame_columns (owner, tbl, name, dtype, encoding, data)"
            " VALUES (?, ?, ?, ?, ?, ?)", rows)

    def put_cohort(self, cohort: Cohort, tables: Iterable[str] | None = None,
                   columns: dict[str, list[str]] | None = None) -> None:
        """Store the cohort as the current state.

        ``tables``: only these tables' frames (default all, plus extras); ``columns``:
        only these columns of these tables.  The cohort-level parts (findings, sources,
        origins, study, value dictionary) are always written: they are small.
        """
        if columns:
            for tbl, cols in columns.items():
                self.put_frame(COHORT, tbl, cohort.tables[tbl], cols)
        names = list(cohort.tables) if tables is None else list(tables)
        for tbl in names:
            self.put_frame(COHORT, tbl, cohort.tables[tbl])
        if tables is None:
            self.put_frame(COHORT, EXTRA, cohort.extra)
        self.cur.execute("INSERT OR REPLACE INTO findings (owner, data) VALUES (?, ?)",
                         (COHORT, codec.findings_json(cohort.findings)))
        state = {
            "sources": codec.dumps([codec.source_to_data(s) for s in cohort.sources]),
            "column_origin": codec.column_origin_json(cohort.column_origin),
            "mapping_profile": codec.dumps(cohort.mapping_profile),
            "study": codec.dumps(cohort.study),
            "value_dictionary": codec.value_dictionary_json(cohort.value_dictionary),
            "table_order": codec.dumps(list(cohort.tables)),
        }
        self.cur.executemany("INSERT OR REPLACE INTO cohort_state (key, value) VALUES (?, ?)",
                             list(state.items()))

    def put_extra(self, extra: pd.DataFrame) -> None:
        self.put_frame(COHORT, EXTRA, extra)

    # ------------------------------------------------------------------ imports
    def add_import(self, *, action: str, cohort: Cohort, options: dict[str, Any],
                   profile_json: str | None, sheet: str | None,
                   summary: dict[str, Any]) -> int:
        """Record an import of ``cohort.sources[0]``: its row, its records as read (every
        table with raw text, normalised values and Excel origin) and its findings."""
        src = cohort.sources[0]
        import_id = self.cur.execute(
            "INSERT INTO imports (action, source_name, source_path, sha256, size, file_kind,"
            " read_at, sheets, sheet, options, profile, profile_name, value_dictionary,"
            " imported_at, user, summary) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (action, src.name, src.path, src.sha256, src.size, src.kind, src.read_at,
             codec.dumps(list(src.sheets)), sheet, codec.dumps(options), profile_json,
             cohort.mapping_profile, codec.value_dictionary_json(cohort.value_dictionary),
             self.at, self.user, codec.dumps(summary)))
        assert import_id is not None
        owner = f"import:{import_id}"
        for tbl, df in cohort.tables.items():
            if not df.empty:
                self.put_frame(owner, tbl, df, compressed=True)
        if not cohort.extra.empty:
            self.put_frame(owner, EXTRA, cohort.extra, compressed=True)
        self.cur.execute("INSERT INTO findings (owner, data) VALUES (?, ?)",
                         (owner, codec.findings_json(cohort.findings)))
        return import_id

    # ------------------------------------------------------------------ corrections
    def add_correction(self, *, audit_id: int, table: str, record: int,
                       sample_id: str | None, field: str, old_value: Any,
                       old_raw: str | None, new_value: Any, new_raw: str | None,
                       reason: str) -> int:
        cid = self.cur.execute(
            "INSERT INTO corrections (audit_id, tbl, record, sample_id, field, old_value,"
            " old_raw, new_value, new_raw, reason, user, at, active)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)",
            (audit_id, table, record, sample_id, field,
             codec.dumps(codec.encode_value(old_value)), old_raw,
             codec.dumps(codec.encode_value(new_value)), new_raw, reason, self.user,
             self.at))
        assert cid is not None
        return cid

    def deactivate_correction(self, correction_id: int) -> None:
        """A correction undone (the audit log keeps both)."""
        self.cur.execute("UPDATE corrections SET active = 0 WHERE id = ?", (correction_id,))

    # ------------------------------------------------------------------ settings, outline
    def put_setting(self, tab: str, data: Any) -> None:
        self.cur.execute("INSERT OR REPLACE INTO settings (tab, data, updated_at)"
                         " VALUES (?, ?, ?)", (tab, codec.dumps(data), self.at))

    def put_outline(self, data: Any) -> None:
        self.cur.execute("INSERT OR REPLACE INTO report_outline (id, data, updated_at)"
                         " VALUES (1, ?, ?)", (codec.dumps(data), self.at))

    # ------------------------------------------------------------------ audit
    def audit(self, action: str, target: str, old: Any = None, new: Any = None,
              why: str | None = None) -> int:
        """Append one entry to the audit log; returns its id."""
        return _audit(self.cur, action, target, old, new, why, self.user, self.at)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list):  # settings, outlines: plain JSON
        return json.dumps(value, ensure_ascii=False, default=str)
    return codec.dumps(codec.encode_value(value))


def _audit(cur: Cursor, action: str, target: str, old: Any = None, new: Any = None,
           why: str | None = None, user: str | None = None, at: str | None = None) -> int:
    rid = cur.execute(
        "INSERT INTO audit (at, user, action, target, old, new, why) VALUES (?,?,?,?,?,?,?)",
        (at or now(), user or os_user(), action, target, _text(old), _text(new), why))
    assert rid is not None
    return rid
