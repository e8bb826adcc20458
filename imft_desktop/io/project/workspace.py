"""``Project``: a cohort in a project file, and every change to it as one transaction.

The cohort in memory is always the one last committed: a change builds the new cohort,
stores it (only the columns it touched) with its audit entries in one transaction, and
only then replaces the in-memory one.  A failed write (read-only file, full disk)
leaves both the file and the cohort as they were and raises ``StoreError``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imft_desktop import __version__
from imft_desktop.io.project import compare as compare_mod
from imft_desktop.io.project import corrections as corr
from imft_desktop.io.project.options import options_to_json
from imft_desktop.io.store import (
    AuditEntry,
    Correction,
    ImportRecord,
    ProjectRepository,
    StoreError,
    is_project_path,
)
from imft_desktop.io.write.atomic import fsync_directory
from imft_desktop.model.cohort import Cohort
from imft_desktop.model.progress import Progress
from imft_desktop.model.project_info import ProjectCorrection, ProjectImport, ProjectInfo

if TYPE_CHECKING:  # the importer loads when a file is read, not when a project opens
    from imft_desktop.io.importer import ImportOptions


@dataclass(frozen=True)
class SourceStatus:
    """Whether an imported file is still as it was: ``"unchanged"``, ``"changed"``
    (another SHA-256: offer to add it again), ``"missing"`` or ``"not checked"``."""

    imported: ImportRecord
    status: str
    sha256_now: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"import": self.imported.id, "file": self.imported.source_name,
                "path": self.imported.source_path, "status": self.status,
                "sha256": self.imported.sha256, "sha256_now": self.sha256_now}


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, read in blocks (the file is only read)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _import(path: str | os.PathLike[str], options: ImportOptions,
            progress: Progress | None) -> tuple[Cohort, str | None, str | None]:
    """Import ``path`` exactly as ``import_file`` would; also the mapping profile used
    (its JSON, with chosen value meanings) and the sheet read, for the record."""
    from imft_desktop.io.importer import build_cohort, import_file
    from imft_desktop.io.interop import detect

    if detect(path) is not None:
        return import_file(path, options, progress), None, None
    from imft_desktop.io import importer
    from imft_desktop.io.read.workbook import read_workbook

    with importer.gc_paused():
        workbook = read_workbook(path, progress.sub(0.0, 0.4) if progress else None,
                                 encoding=options.encoding, delimiter=options.delimiter)
        cohort = build_cohort(workbook, options, progress.sub(0.4, 1.0) if progress else None)
    profile_json = sheet = None
    # The profile is the one given, or the one the importer recognised (recognition
    # is deterministic, so recognising again gives the very same profile).
    if not importer._is_canonical(workbook):
        chosen = importer._choose_sheet(workbook, options.sheet)
        sheet = chosen.name
        profile = options.mapping
        if profile is None:
            from imft_desktop.io import mapping

            profile = mapping.recognise(chosen)
        profile_json = profile.to_json()
    return cohort, profile_json, sheet


class Project:
    """An open project.  ``create`` / ``open``; ``close`` when done."""

    def __init__(self, repo: ProjectRepository, cohort: Cohort):
        self.repo = repo
        self._cohort = cohort
        self._stamped: tuple[int, Cohort, Cohort] | None = None

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, path: str | os.PathLike[str], source: str | os.PathLike[str],
               options: ImportOptions | None = None,
               progress: Progress | None = None) -> Project:
        """A new project at ``path`` holding ``source`` as its first import.

        The file is read before the project is created, so an unreadable source leaves
        nothing behind.
        """
        from imft_desktop.io.importer import ImportOptions

        options = options or ImportOptions()
        if Path(path).exists():
            raise StoreError(f"{Path(path).name} already exists; choose another name.",
                             "exists")
        cohort, profile_json, sheet = _import(source, options, progress)
        return cls.create_from(path, cohort, options_to_json(options), profile_json, sheet)

    @classmethod
    def create_from(cls, path: str | os.PathLike[str], cohort: Cohort,
                    options: dict[str, Any] | None = None, profile_json: str | None = None,
                    sheet: str | None = None) -> Project:
        """A new project at ``path`` holding ``cohort`` as imported (the window's New
        Project keeps the cohort on screen, read with the mapping the user confirmed)."""
        if not cohort.sources:
            raise StoreError("This cohort was not read from a file; open a file first.",
                             "other")
        # Built under a temporary name and renamed when complete: a crash while it is
        # written leaves no half-made project under the name the user chose.
        target = Path(path)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        _remove_database(partial)
        repo = ProjectRepository.create(partial, __version__)
        try:
            with repo.change() as ch:
                ch.add_import(action="create", cohort=cohort, options=options or {},
                              profile_json=profile_json, sheet=sheet,
                              summary={"samples": cohort.n_samples})
                ch.put_cohort(cohort)
                src = cohort.sources[0]
                ch.audit("create project", target.name, None,
                         f"{src.name} (sha256 {src.sha256}, {cohort.n_samples} samples)")
            repo.engine.close_whole()  # the WAL folded in: the file stands alone
            if target.exists():
                raise StoreError(f"{target.name} already exists; choose another name.",
                                 "exists")
            _remove_database(partial, main=False)
            os.replace(partial, target)
            fsync_directory(target.parent)
            repo = ProjectRepository.open(target)
        except OSError as exc:
            repo.close()
            _remove_database(partial)
            from imft_desktop.io.store.engine import describe_error

            raise describe_error(exc, target) from None
        except StoreError as exc:
            repo.close()
            _remove_database(partial)
            # the message names the file the user chose, not the temporary one
            raise StoreError(str(exc).replace(partial.name, target.name), exc.kind) from None
        except BaseException:
            repo.close()
            _remove_database(partial)
            raise
        return cls(repo, cohort)

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False) -> Project:
        """Open a project file; its cohort is as last saved, bit for bit."""
        repo = ProjectRepository.open(path, read_only=read_only)
        try:
            cohort = repo.load_cohort()
        except BaseException:
            repo.close()
            raise
        return cls(repo, cohort)

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.repo.path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def cohort(self) -> Cohort:
        """The current cohort, carrying the project's provenance (``Cohort.project``)."""
        position = self.repo.audit_position()
        stamped = self._stamped
        if stamped is None or stamped[0] != position or stamped[1] is not self._cohort:
            info = self.project_info(position)
            stamped = (position, self._cohort, dataclasses.replace(self._cohort, project=info))
            self._stamped = stamped
        return stamped[2]

    def project_info(self, position: int | None = None) -> ProjectInfo:
        """Imports, active corrections and audit position, as outputs cite them."""
        return ProjectInfo(
            name=self.path.name,
            audit_position=self.repo.audit_position() if position is None else position,
            imports=tuple(ProjectImport(r.id, r.action, r.source_name, r.sha256,
                                        r.imported_at) for r in self.imports()),
            corrections=tuple(
                ProjectCorrection(str(c.sample_id), f"{c.table}.{c.field}",
                                  str(c.old_raw if c.old_raw is not None else c.old_value),
                                  str(c.new_raw if c.new_raw is not None else c.new_value),
                                  c.reason, c.user, c.at, c.audit_id)
                for c in self.corrections()),
        )

    # ------------------------------------------------------------------ reading
    def imports(self) -> list[ImportRecord]:
        return self.repo.imports()

    def audit(self, since: int = 0) -> list[AuditEntry]:
        return self.repo.audit(since)

    def corrections(self) -> list[Correction]:
        return self.repo.corrections()

    def source_status(self) -> list[SourceStatus]:
        """Each import's file checked against its SHA-256 (the file is only read)."""
        out = []
        for rec in self.imports():
            p = Path(rec.source_path)
            if p.is_dir():
                out.append(SourceStatus(rec, "not checked"))
            elif not p.is_file():
                out.append(SourceStatus(rec, "missing"))
            else:
                try:
                    now = file_sha256(p)
                except OSError:
                    out.append(SourceStatus(rec, "missing"))
                    continue
                out.append(SourceStatus(rec, "unchanged" if now == rec.sha256 else "changed",
                                        now))
        return out

    def provenance(self) -> dict[str, Any]:
        """What a report or export made from this project must say about its state."""
        return {
            "project": self.path.name,
            "audit_position": self.repo.audit_position(),
            "schema_version": self.repo.schema_version,
            "imports": [{"id": r.id, "action": r.action, "file": r.source_name,
                         "sha256": r.sha256, "imported_at": r.imported_at, "user": r.user}
                        for r in self.imports()],
            "corrections": [{"sample_id": c.sample_id, "field": f"{c.table}.{c.field}",
                             "old": c.old_raw if c.old_raw is not None else c.old_value,
                             "new": c.new_raw if c.new_raw is not None else c.new_value,
                             "reason": c.reason, "user": c.user, "at": c.at,
                             "audit_id": c.audit_id}
                            for c in self.corrections()],
        }

    # ------------------------------------------------------------------ changes
    def correct(self, sample_id: str, address: str, text: str, reason: str) -> Correction:
        """Correct one value, validated like an imported value; one transaction.

        Raises ``CorrectionRejected`` (unknown field, unreadable value, no reason) or
        ``StoreError`` (the file cannot be written; nothing changed).
        """
        return self.correct_many([(sample_id, address, text, reason)])[0]

    def preview(self, edits: Iterable[tuple[str, str, str, str]],
                cohort: Cohort | None = None) -> tuple[Cohort, list[dict[str, Any]]]:
        """The cohort with ``edits`` (sample, field, text, reason) applied in memory,
        each validated; nothing is stored.  Also what each edit changes."""
        cohort = self._cohort if cohort is None else cohort
        done: list[dict[str, Any]] = []
        for sample_id, address, text, reason in edits:
            if not reason or not reason.strip():
                raise corr.CorrectionRejected("a correction needs a reason (why the value is "
                                              "wrong), for the audit log")
            at = corr.locate(cohort, sample_id, address)
            reading = corr.read_value(at.table, at.field, text)
            old_value, old_raw = corr.current_value(cohort, at)
            cohort, touched = corr.apply_value(cohort, at, reading.value, reading.raw,
                                               reading.extra, reading.missing)
            done.append({"at": at, "touched": touched, "old_value": old_value,
                         "old_raw": old_raw, "reading": reading, "text": text,
                         "reason": reason.strip()})
        return cohort, done

    def correct_many(self, edits: Iterable[tuple[str, str, str, str]]) -> list[Correction]:
        """Several corrections (a window's Save) in one transaction, each audited."""
        new_cohort, done = self.preview(list(edits))
        columns: dict[str, list[str]] = {}
        for d in done:
            columns.setdefault(d["at"].table, []).extend(
                c for c in d["touched"] if c not in columns.get(d["at"].table, []))
        ids = []
        with self.repo.change() as ch:
            ch.put_cohort(new_cohort, tables=(), columns=columns)
            for d in done:
                at, reading = d["at"], d["reading"]
                old_shown = d["old_raw"] if d["old_raw"] is not None else d["old_value"]
                aid = ch.audit("correct", at.label, old_shown, d["text"], d["reason"])
                ids.append(ch.add_correction(
                    audit_id=aid, table=at.table, record=at.record, sample_id=at.sample_id,
                    field=at.field, old_value=d["old_value"], old_raw=d["old_raw"],
                    new_value=reading.value, new_raw=reading.raw, reason=d["reason"]))
        self._cohort = new_cohort
        by_id = {c.id: c for c in self.repo.corrections()}
        return [by_id[i] for i in ids]

    def undo_correction(self, correction_id: int, reason: str = "undone") -> None:
        """Put back the value a correction replaced (the log keeps both)."""
        c = next((c for c in self.repo.corrections() if c.id == correction_id), None)
        if c is None:
            raise corr.CorrectionRejected(f"there is no active correction {correction_id}")
        at = corr.FieldAddress(c.table, c.record, c.field, c.sample_id)
        before = corr.current_value(self._cohort, at)
        new_cohort, touched = corr.apply_value(self._cohort, at, c.old_value, c.old_raw,
                                               reinclude=False)
        with self.repo.change() as ch:
            ch.put_cohort(new_cohort, tables=(), columns={at.table: touched})
            ch.audit("undo correction", at.label, before[1] if before[1] is not None
                     else before[0], c.old_raw if c.old_raw is not None else c.old_value,
                     reason)
            ch.deactivate_correction(c.id)
        self._cohort = new_cohort

    def compare_file(self, source: str | os.PathLike[str],
                     options: ImportOptions | None = None,
                     progress: Progress | None = None,
                     same_case: dict[str, str] | None = None
                     ) -> tuple[compare_mod.BatchComparison, dict[str, Any]]:
        """Import ``source`` and compare it with the project (nothing is stored yet);
        ``same_case``: batch identifiers the user matched to project ones."""
        from imft_desktop.io.importer import ImportOptions

        options = options or ImportOptions()
        batch, profile_json, sheet = _import(source, options, progress)
        cmp = compare_mod.compare(self._cohort, batch, self.repo.corrections(), same_case)
        return cmp, {"options": options_to_json(options), "profile_json": profile_json,
                     "sheet": sheet, "batch_as_read": batch}

    def recompare(self, cmp: compare_mod.BatchComparison, how: dict[str, Any],
                  same_case: dict[str, str]) -> compare_mod.BatchComparison:
        """The same batch compared again with identifiers matched (no re-reading)."""
        batch = how.get("batch_as_read", cmp.batch)
        return compare_mod.compare(self._cohort, batch, self.repo.corrections(), same_case)

    def already_imported(self, source: str | os.PathLike[str]) -> ImportRecord | None:
        """The import of a file with the same SHA-256 as ``source``, if any."""
        try:
            digest = file_sha256(source)
        except OSError:
            return None
        return next((r for r in self.imports() if r.sha256 == digest), None)

    def add_batch(self, cmp: compare_mod.BatchComparison, how: dict[str, Any],
                  accepted: Iterable[int] = (), rejected_why: str | None = None
                  ) -> dict[str, Any]:
        """Store a compared batch: its records as read, the new cases, and the updates
        whose ``number`` is in ``accepted`` (each with an audit entry); one transaction.
        Rejected updates are logged as such (``rejected_why`` added to the source)."""
        accepted = set(accepted)
        cohort, changed = compare_mod.append_records(self._cohort, cmp)
        columns: dict[str, list[str]] = {}
        applied = []
        for u in cmp.updates:
            if u.number not in accepted:
                continue
            at = corr.FieldAddress(u.table, u.record, u.field, u.owner)
            bdf = cmp.batch.tables[u.table]
            qualifier = f"{u.field}_qualifier"
            extra = ((("qualifier", _value(bdf[qualifier].iat[u.batch_record])),)
                     if qualifier in bdf.columns else ())
            cohort, touched = corr.apply_value(
                cohort, at, _value(bdf[u.field].iat[u.batch_record]), u.new_raw, extra,
                reinclude=False)
            if u.table not in changed:
                columns.setdefault(u.table, []).extend(touched)
            applied.append(u)
        src = cmp.batch.sources[0]
        summary = {"samples_added": len(cmp.new_samples),
                   "records_added": cmp.added_record_count,
                   "updates_offered": len(cmp.updates), "updates_accepted": len(applied),
                   "clashes": [c.to_dict() for c in cmp.clashes]}
        with self.repo.change() as ch:
            # the records as read (before identifiers the user matched were renamed)
            iid = ch.add_import(action="add", cohort=how.get("batch_as_read", cmp.batch),
                                options=how["options"],
                                profile_json=how["profile_json"], sheet=how["sheet"],
                                summary=summary)
            ch.put_cohort(cohort, tables=changed, columns=columns)
            if not cmp.batch.extra.empty and cmp.new_samples:
                ch.put_extra(cohort.extra)
            ch.audit("add file", src.name, None,
                     f"import {iid}: sha256 {src.sha256}, {len(cmp.new_samples)} new "
                     f"samples, {cmp.added_record_count} records")
            for u in cmp.updates:
                where = f"from {src.name} (import {iid})"
                if u in applied:
                    ch.audit("accept update", u.label, _shown(u.old_raw, u.old_value),
                             _shown(u.new_raw, u.new_value), where)
                else:
                    ch.audit("reject update", u.label, _shown(u.old_raw, u.old_value),
                             _shown(u.new_raw, u.new_value),
                             f"{where}; {rejected_why}" if rejected_why else where)
            for c in cmp.clashes:
                ch.audit("identifier clash", c.batch_id, c.project_id, None,
                         f"{src.name}: not merged; differs only in case or spacing")
            for b, p in cmp.same_case.items():
                ch.audit("same case", b, None, p,
                         f"{src.name}: the user said {b!r} is the project's {p!r}")
        self._cohort = cohort
        return {"import": iid, **summary}

    def set_setting(self, tab: str, data: Any) -> None:
        """Remember a tab's analysis settings (one transaction, audited)."""
        old = self.repo.settings().get(tab)
        if old == data:
            return
        with self.repo.change() as ch:
            ch.put_setting(tab, data)
            ch.audit("settings", tab, old, data)

    def set_outline(self, data: Any) -> None:
        """Remember the report outline (one transaction, audited)."""
        with self.repo.change() as ch:
            ch.put_outline(data)
            ch.audit("report outline", "report", None, data)


def _remove_database(path: Path, main: bool = True) -> None:
    for suffix in ("", "-wal", "-shm", "-journal")[0 if main else 1:]:
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _value(v: Any) -> Any:
    import numpy as np

    return v.item() if isinstance(v, np.generic) else v


def _shown(raw: str | None, value: Any) -> Any:
    return raw if raw is not None else value


def load_any(path: str | os.PathLike[str], options: ImportOptions | None = None,
             progress: Progress | None = None) -> Cohort:
    """A cohort from a project file (read-only) or any file ``import_file`` reads."""
    if is_project_path(path):
        with Project.open(path, read_only=True) as project:
            return project.cohort
    from imft_desktop.io.importer import import_file

    return import_file(path, options, progress)

