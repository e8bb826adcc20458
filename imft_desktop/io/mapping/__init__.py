"""Stage 2, mapping: a one-row-per-case sheet under the user's headers -> raw tables.

Pathologists keep one row per case under their own headers.  This package recognises
those headers (``recognise``), lets the user confirm a ``MappingProfile`` (saved as
JSON and re-applied to the next export with ``apply_profile``) and turns the
mapped sheet into canonical-shaped ``RawTable`` records (``to_raw_tables``) that the
importer validates exactly like a filled-in template.

Modules: ``targets`` (target grammar), ``vocab`` (words and value sniffing),
``header_rules`` (one header -> target), ``header_recognition`` (header row,
two-level headers, whole sheet), ``profile`` (profiles, JSON), ``reapply`` (a saved
profile on next month's sheet), ``tables`` (records), ``canonical`` (template-layout
detection).  This ``__init__`` re-exports their public names.

May import: ``imft_desktop.io.read``, ``imft_desktop.io.write`` (atomic saves),
``imft_desktop.model`` and this package.
"""

from __future__ import annotations

from collections.abc import Iterable

from imft_desktop.io.mapping.canonical import (
    canonical_header_row,
    canonical_sheets,
    is_canonical_workbook,
)
from imft_desktop.io.mapping.header_recognition import (
    Guess,
    find_header_row,
    recognise,
    recognise_column,
    recognise_header,
    sheet_headers,
)
from imft_desktop.io.mapping.profile import (
    SCHEMA_VERSION,
    ColumnMapping,
    MappingProfile,
    ProfileApplication,
)
from imft_desktop.io.mapping.reapply import apply_profile
from imft_desktop.io.mapping.tables import EXTRA_PREFIX, MappingError, to_raw_tables
from imft_desktop.io.mapping.targets import (
    COMMON_TARGETS,
    EXTRA,
    IGNORE,
    Target,
    canonical_targets,
    parse_target,
    target_label,
)

__all__ = [
    "COMMON_TARGETS",
    "EXTRA",
    "EXTRA_PREFIX",
    "IGNORE",
    "SCHEMA_VERSION",
    "ColumnMapping",
    "Guess",
    "MappingError",
    "MappingProfile",
    "ProfileApplication",
    "Target",
    "apply_profile",
    "available_targets",
    "canonical_header_row",
    "canonical_sheets",
    "canonical_targets",
    "find_header_row",
    "is_canonical_workbook",
    "parse_target",
    "recognise",
    "recognise_column",
    "recognise_header",
    "sheet_headers",
    "target_label",
    "to_raw_tables",
]


def available_targets(
    profile_or_headers: MappingProfile | Iterable[str] | None = None,
) -> list[str]:
    """Targets for the GUI's drop-down, in display order.

    Every direct sample / outcome field (with unit variants), then the parameterised
    targets of this sheet (from the profile's columns, or recognised from the given
    headers), then the common ones (ALK/ROS1/pan-TRK IHC, FISH probes, PIK3CA, 22q, 19,
    WGS ...), then ``extra`` and ``ignore``.  No duplicates; every entry parses.
    """
    seen: list[str] = []
    if isinstance(profile_or_headers, MappingProfile):
        seen = [c.target for c in profile_or_headers.columns]
    elif profile_or_headers is not None:
        seen = [recognise_header(h).target for h in profile_or_headers if h]
    out: list[str] = []
    for t in [*canonical_targets(), *seen, *COMMON_TARGETS, EXTRA, IGNORE]:
        try:
            text = parse_target(t).text
        except ValueError:
            continue
        if text not in out and text not in (EXTRA, IGNORE):
            out.append(text)
    out += [EXTRA, IGNORE]
    return out
