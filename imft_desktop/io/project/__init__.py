"""Projects: a cohort kept in a ``.imftproj`` file, corrected by hand and added to over time.

``Project`` (``workspace``) is the one front door: create a project from a file, open
one, add the next batch (``compare``: new cases, field-by-field updates, identifier
clashes), correct a value (``corrections``: validated by the very parser that reads the
column on import) and read its provenance.  Every change is one transaction of the
store with its audit-log entries.

Where it sits: above ``io.importer`` (it imports files through it and validates
corrected values with ``io.validation``) and above ``io.store``, its repository.
import-linter's io contract lists it as the top io stage; nothing in io imports it.

May import: ``imft_desktop.io`` (importer, mapping, validation, read, store) and
``imft_desktop.model``.
"""

from __future__ import annotations

from imft_desktop.io.project.compare import BatchComparison, FieldUpdate, IdClash
from imft_desktop.io.project.corrections import CorrectionRejected, FieldAddress
from imft_desktop.io.project.options import options_from_json, options_to_json
from imft_desktop.io.project.workspace import Project, SourceStatus, load_any

__all__ = [
    "BatchComparison",
    "CorrectionRejected",
    "FieldAddress",
    "FieldUpdate",
    "IdClash",
    "Project",
    "SourceStatus",
    "load_any",
    "options_from_json",
    "options_to_json",
]
