"""Provenance: which files, mapping, program and settings produced an output.

Every printed page, figure file, workbook and CSV carries it: the cohort name, the
source files with their SHA-256, the import time and mapping profile, the program and
library versions, the parameters of the analysis and when the output was made.  A
de-identified provenance names source files only by a hash prefix (file names and
paths often hold patient names or accession numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

from imft_desktop import APP_NAME, __version__
from imft_desktop.model.project_info import ProjectInfo

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Libraries whose versions change results or rendering (distribution names).
LIBRARIES = (
    "pandas",
    "numpy",
    "scipy",
    "lifelines",
    "matplotlib",
    "xlsxwriter",
    "PySide6-Essentials",
)

#: Characters of the SHA-256 shown in footers and used as de-identified file names.
HASH_PREFIX = 12


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One source file as provenance shows it."""

    name: str
    sha256: str
    size: int = 0
    read_at: str = ""
    path: str = ""

    @property
    def short_hash(self) -> str:
        return self.sha256[:HASH_PREFIX]


def library_versions(names: tuple[str, ...] = LIBRARIES) -> tuple[tuple[str, str], ...]:
    """Installed versions of ``names`` (without importing them); missing ones skipped."""
    out = []
    for name in names:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return tuple(out)


def now_iso() -> str:
    """The current time, UTC, to the second, ISO 8601 (``2026-11-26T19:04:05Z``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Provenance:
    """Where an output came from.

    Attributes
    ----------
    cohort_name:
        The study name (or first file name).
    sources:
        Source files with SHA-256.
    mapping_profile:
        Column-mapping profile used on import, if any.
    imported_at:
        When the first source file was read (ISO).
    generated_at:
        When this output was made (ISO, UTC).
    app_version, libraries:
        Program version and library versions.
    parameters:
        Analysis settings that shaped the output (groupings, thresholds ...).
    synthetic, deidentified:
        Flags shown with the provenance.
    project:
        For a cohort kept in a project file: its imports, corrections with their
        reasons and audit position (the exact state the output came from).
    """

    cohort_name: str
    sources: tuple[SourceRef, ...] = ()
    mapping_profile: str | None = None
    imported_at: str = ""
    generated_at: str = field(default_factory=now_iso)
    app_version: str = __version__
    libraries: tuple[tuple[str, str], ...] = field(default_factory=library_versions)
    parameters: tuple[tuple[str, str], ...] = ()
    synthetic: bool = False
    deidentified: bool = False
    project: ProjectInfo | None = None

    @classmethod
    def from_cohort(
        cls,
        cohort: Cohort,
        *,
        parameters: dict[str, Any] | None = None,
        deidentified: bool = False,
        generated_at: str | None = None,
    ) -> Provenance:
        """Provenance of an output made from ``cohort``.

        With ``deidentified`` the source files are named by their hash prefix only and
        no path is kept.
        """
        sources = []
        for s in cohort.sources:
            if deidentified:
                sources.append(
                    SourceRef(name=f"file-{s.sha256[:HASH_PREFIX]}", sha256=s.sha256,
                              size=s.size, read_at=s.read_at[:4])
                )
            else:
                sources.append(
                    SourceRef(name=s.name, sha256=s.sha256, size=s.size, read_at=s.read_at,
                              path=s.path)
                )
        read_times = sorted(s.read_at for s in sources if s.read_at)
        params = tuple((str(k), str(v)) for k, v in (parameters or {}).items())
        return cls(
            cohort_name=cohort.name or "Unnamed cohort",
            sources=tuple(sources),
            mapping_profile=cohort.mapping_profile,
            imported_at=read_times[0] if read_times else "",
            generated_at=generated_at or now_iso(),
            parameters=params,
            synthetic=cohort.is_synthetic,
            deidentified=deidentified,
            project=getattr(cohort, "project", None),
        )

    def with_parameters(self, **parameters: Any) -> Provenance:
        """A copy with more parameters appended."""
        extra = tuple((str(k), str(v)) for k, v in parameters.items())
        return Provenance(
            cohort_name=self.cohort_name, sources=self.sources,
            mapping_profile=self.mapping_profile, imported_at=self.imported_at,
            generated_at=self.generated_at, app_version=self.app_version,
            libraries=self.libraries, parameters=self.parameters + extra,
            synthetic=self.synthetic, deidentified=self.deidentified, project=self.project,
        )

    @property
    def source_hash(self) -> str:
        """The first source file's SHA-256 prefix (``+N`` when there are more files)."""
        if not self.sources:
            return "no source file"
        more = f" +{len(self.sources) - 1}" if len(self.sources) > 1 else ""
        return self.sources[0].short_hash + more

    @property
    def program(self) -> str:
        return f"{APP_NAME} {self.app_version}"

    def footer_text(self) -> str:
        """One line for page footers and figure captions."""
        project = ""
        if self.project is not None:
            project = f"project audit position {self.project.audit_position} · "
        return (
            f"{self.cohort_name} · source SHA-256 {self.source_hash} · {project}"
            f"{self.program} · generated {self.generated_at}"
        )

    def project_pairs(self) -> list[tuple[str, str]]:
        """Rows naming the project state: imports, corrections with reasons, position."""
        p = self.project
        if p is None:
            return []
        name = "project (name withheld)" if self.deidentified else p.name
        rows = [("Project", name), ("Project audit position",
                                    f"{p.audit_position} (the last entry of its audit log)")]
        for imp in p.imports:
            file = f"file-{imp.sha256[:HASH_PREFIX]}" if self.deidentified else imp.file
            when = imp.imported_at[:4] if self.deidentified else imp.imported_at
            rows.append((f"Project import {imp.id}",
                         f"{file}, SHA-256 {imp.sha256}, {imp.action}, {when}"))
        if not p.corrections:
            rows.append(("Corrections", "none"))
        for i, c in enumerate(p.corrections, 1):
            who = "" if self.deidentified else f"{c.sample_id} "
            by = "" if self.deidentified else f"{c.user}, {c.at}; "
            rows.append((f"Correction {i}", f"{who}{c.field}: {c.old} -> {c.new}; "
                         f"reason: {c.reason} ({by}audit entry {c.audit_id})"))
        return rows

    def as_pairs(self) -> list[tuple[str, str]]:
        """(label, value) rows for title pages, the workbook's provenance sheet, CSV notes."""
        rows: list[tuple[str, str]] = [("Cohort", self.cohort_name)]
        if self.synthetic:
            rows.append(("Data", "SYNTHETIC DATA (not from patients)"))
        for i, s in enumerate(self.sources, 1):
            label = "Source file" if len(self.sources) == 1 else f"Source file {i}"
            rows.append((label, s.name))
            rows.append((f"{label} SHA-256", s.sha256))
            if s.path and s.path != s.name:
                rows.append((f"{label} location", s.path))
        if not self.sources:
            rows.append(("Source file", "none (built in memory)"))
        rows.append(("Imported", self.imported_at or "–"))
        rows.append(("Mapping profile", self.mapping_profile or "template (no mapping)"))
        rows.append(("Generated", self.generated_at))
        rows.append(("Program", self.program))
        if self.libraries:
            rows.append(("Libraries", ", ".join(f"{n} {v}" for n, v in self.libraries)))
        rows.extend(self.project_pairs())
        rows.extend(self.parameters)
        if self.deidentified:
            rows.append(
                ("De-identification", "identifiers replaced by keyed pseudonyms; dates as "
                 "years; ages over 89 as 90+; free text left out")
            )
        return rows

    def metadata(self) -> dict[str, str]:
        """Short key/value metadata for file formats (PDF info, PNG text, SVG)."""
        return {
            "Title": self.cohort_name,
            "Creator": self.program,
            "Subject": f"source SHA-256 {', '.join(s.sha256 for s in self.sources)}",
            "Description": self.footer_text(),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "cohort": self.cohort_name,
            "sources": [
                {"name": s.name, "sha256": s.sha256, "size": s.size, "read_at": s.read_at}
                for s in self.sources
            ],
            "mapping_profile": self.mapping_profile,
            "imported_at": self.imported_at,
            "generated_at": self.generated_at,
            "app_version": self.app_version,
            "libraries": dict(self.libraries),
            "parameters": dict(self.parameters),
            "synthetic": self.synthetic,
            "deidentified": self.deidentified,
            "project": None if self.project is None else dict(self.project_pairs()),
        }
