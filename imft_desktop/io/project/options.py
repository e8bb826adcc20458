"""Import options <-> JSON, so a project records exactly how each file was read."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the importer loads when a file is read, not when a project opens
    from imft_desktop.io.importer import ImportOptions


def options_to_json(options: ImportOptions) -> dict[str, Any]:
    """Every option but the mapping profile (stored apart, as the profile's own JSON)."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)
            if f.name != "mapping"}


def options_from_json(data: dict[str, Any], profile_json: str | None = None) -> ImportOptions:
    """``ImportOptions`` from ``options_to_json`` and the profile JSON, if any."""
    from imft_desktop.io.importer import ImportOptions

    known = {f.name for f in dataclasses.fields(ImportOptions)} - {"mapping"}
    kwargs = {k: v for k, v in data.items() if k in known}
    if profile_json:
        from imft_desktop.io.mapping import MappingProfile

        kwargs["mapping"] = MappingProfile.from_json(profile_json)
    return ImportOptions(**kwargs)
