"""Import options <-> JSON, so a project records exactly how each file was read."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the importer loads when a file is read, not when a project opens
    from imft_desktop.io.importer import ImportOptions


#: Options that are not how a file was read: the mapping profile (stored apart, as its
#: own JSON) and the read budget (a resource limit of this machine, not of the data).
NOT_STORED = frozenset({"mapping", "budget"})


def options_to_json(options: ImportOptions) -> dict[str, Any]:
    """Every option that says how the file was read, JSON-ready."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)
            if f.name not in NOT_STORED}


def options_from_json(data: dict[str, Any], profile_json: str | None = None) -> ImportOptions:
    """``ImportOptions`` from ``options_to_json`` and the profile JSON, if any."""
    from imft_desktop.io.importer import ImportOptions

    known = {f.name for f in dataclasses.fields(ImportOptions)} - NOT_STORED
    kwargs = {k: v for k, v in data.items() if k in known}
    if profile_json:
        from imft_desktop.io.mapping import MappingProfile

        kwargs["mapping"] = MappingProfile.from_json(profile_json)
    return ImportOptions(**kwargs)
