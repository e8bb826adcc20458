"""What a cohort kept in a project file says about its state, for the provenance of outputs.

A printed page or an exported workbook made from a project lists the project's imports
(file, SHA-256, time), the values corrected by hand with their reasons, and the
project's audit position: the number of the last audit-log entry, which names the exact
state the output came from.  Built by ``imft_desktop.io.project``; pandas-free.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProjectImport:
    """One file read into the project."""

    id: int
    action: str  # "create" or "add"
    file: str
    sha256: str
    imported_at: str


@dataclass(frozen=True, slots=True)
class ProjectCorrection:
    """One value corrected by hand."""

    sample_id: str
    field: str  # "fish.percent_split"
    old: str
    new: str
    reason: str
    user: str
    at: str
    audit_id: int


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """A project's name, audit position, imports and active corrections."""

    name: str
    audit_position: int
    imports: tuple[ProjectImport, ...] = ()
    corrections: tuple[ProjectCorrection, ...] = ()
