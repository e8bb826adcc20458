"""The project store: a ``.imftproj`` file, one SQLite database, behind a small repository.

A project keeps a cohort for years: every import (file name, SHA-256, size, time, sheet,
the mapping profile with its value meanings, the records as read with their Excel
origin, the findings), the current normalised records, manual corrections, per-tab
analysis settings, the report outline and an append-only audit log (what, old value,
new value, when, OS user, why).

Layout:

``engine``      the only module that speaks to the SQL engine (stdlib ``sqlite3``): WAL,
                ``synchronous=FULL``, one transaction per change, errors in the user's
                words (``StoreError``).  Another engine would replace this module.
``schema``      the DDL of every schema version, ``CURRENT_VERSION`` and the migrations.
``codec``       cohort parts <-> stored values: frames column by column with their dtype,
                findings, sources, column origins, the value dictionary.
``repository``  ``ProjectRepository``: what the rest of the program asks of a project
                (load the cohort, record an import, apply a change, read the log).

Where it sits: this package is persistence only.  It imports ``imft_desktop.model`` and
the standard library (``sqlite3``, ``json``) and nothing else of ours, so it sits in the
lowest io stage beside ``write`` (import-linter: ``io.write | io.store``).  Reading a
file into a project, validating a corrected value and comparing a new batch need the
importer and the validators: that is ``imft_desktop.io.project``, one level *above*
``io.importer``, which uses this package as its repository.
"""

from __future__ import annotations

from imft_desktop.io.store.engine import StoreError
from imft_desktop.io.store.repository import (
    PROJECT_SUFFIX,
    AuditEntry,
    Correction,
    ImportRecord,
    ProjectRepository,
    is_project_path,
)
from imft_desktop.io.store.schema import CURRENT_VERSION

__all__ = [
    "CURRENT_VERSION",
    "PROJECT_SUFFIX",
    "AuditEntry",
    "Correction",
    "ImportRecord",
    "ProjectRepository",
    "StoreError",
    "is_project_path",
]
