"""Times of per-patient plots (swimmer) in the unit the user reads them in.

The canonical time fields hold months (``model.time_units``); the swimmer plot shows
them in the sheet's unit by default or in a unit the user picks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from imft_desktop.model.time_units import STORAGE_UNIT, convert, normalise_unit, source_unit

if TYPE_CHECKING:
    from imft_desktop.analysis.groupings import Endpoint
    from imft_desktop.model.cohort import Cohort


def swimmer_unit(study: Mapping[str, str], data: pd.DataFrame) -> str:
    """The sheet unit of the swimmer's bars: time on treatment's when a patient has one,
    else PFS's (``swimmer_data`` takes the PFS time when time on treatment is missing)."""
    tot = data.get("time_on_treatment_months")
    if tot is not None and pd.to_numeric(tot, errors="coerce").notna().any():
        return source_unit(study, "time_on_treatment_months")
    return source_unit(study, "pfs_months")


def swimmer_in_unit(data: pd.DataFrame, study: Mapping[str, str], unit: str | None = None
                    ) -> tuple[pd.DataFrame, str]:
    """``swimmer_data`` with ``duration`` and ``pfs_months`` in ``unit`` (default: the
    sheet's), and that unit; ``attrs`` (missing counts) are kept."""
    shown = normalise_unit(unit) or swimmer_unit(study, data)
    if shown == STORAGE_UNIT:
        return data, shown
    out = data.copy()
    for col in ("duration", "pfs_months"):
        if col in out:
            out[col] = convert(pd.to_numeric(out[col], errors="coerce"), STORAGE_UNIT, shown)
    out.attrs = dict(data.attrs)
    return out, shown


def time_methods(cohort: Cohort, endpoint: Endpoint) -> list[str]:
    """Sentences for the methods: the unit results are in and where it came from, and
    the rule that derived the times from dates or assumed the unit (recorded by the
    importer in ``Cohort.study``, so a de-identified cohort keeps them)."""
    field = endpoint.time_col
    if not field.endswith("_months"):
        return [f"{endpoint.label} times in {endpoint.unit}"]
    sheet_unit = source_unit(cohort.study, field)
    how = cohort.study.get(f"time_unit_source:{field}", "")
    rule = cohort.study.get(f"time_unit_rule:{field}", "")
    origin = {"header": "unit stated in the column header",
              "user": "unit chosen by the user", "study": "unit stated on the Study sheet",
              "template": "the template's unit",
              "dates": "times derived from dates",
              "assumed": "unit ASSUMED: the header states none"}.get(how, "unit not recorded")
    if sheet_unit != endpoint.unit:
        said = (f"{endpoint.label} times in {endpoint.unit}, converted from the sheet's "
                f"{sheet_unit} ({origin}; 30.4375 days per month, 365.25 days per year)")
    else:
        said = f"{endpoint.label} times in {endpoint.unit}, as on the sheet ({origin})"
    out = [said]
    if rule:
        out.append(f"{endpoint.label}: {rule}")
    return out
