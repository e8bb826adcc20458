"""Where a time column's unit came from: its header, the user, or an assumption.

A survival-time column's unit is the one its header states ("PFS (days)"), or the one
the user chose (Import tab drop-down, a saved profile, ``--time-unit`` on the command
line).  Anything else is an assumption of the recogniser (from the size of the values)
and the importer reports it as a WARNING naming the column and the rule.
"""

from __future__ import annotations

from dataclasses import replace

from imft_desktop.io.mapping.header_rules import NO_UNIT_IN_HEADER
from imft_desktop.io.mapping.profile import ColumnMapping, MappingProfile
from imft_desktop.io.mapping.targets import TIME_FIELDS, parse_target
from imft_desktop.model.time_units import normalise_unit, unit_in_header

#: How a unit was decided (the value of ``constants["_unit_source:<field>"]``).
FROM_HEADER = "header"
FROM_USER = "user"
ASSUMED = "assumed"


def is_time_column(mapping: ColumnMapping) -> bool:
    """True when the column feeds a survival-time field (PFS, OS, time on treatment)."""
    try:
        return parse_target(mapping.target).field in TIME_FIELDS
    except ValueError:
        return False


def unit_source(mapping: ColumnMapping) -> tuple[str, str]:
    """``(how, rule)`` for a time column: how its unit was decided, and the rule in words
    when it was assumed (empty otherwise)."""
    if mapping.confidence >= 1.0:
        return FROM_USER, ""
    if unit_in_header(mapping.header) is not None:
        return FROM_HEADER, ""
    reason = mapping.reason
    rule = reason.split(f"{NO_UNIT_IN_HEADER}:", 1)[-1].split("; choose", 1)[0].strip()
    if NO_UNIT_IN_HEADER not in reason:
        unit = parse_target(mapping.target).unit or "months"
        rule = f"{unit} assumed (the header states no unit)"
    return ASSUMED, rule


def with_time_unit(profile: MappingProfile, unit: str) -> MappingProfile:
    """The profile with ``unit`` given by the user for every time column whose header
    states none (``--time-unit``); columns with a unit in the header keep theirs.

    Raises
    ------
    ValueError
        When ``unit`` is not days, weeks, months or years (in any spelling).
    """
    canonical = normalise_unit(unit)
    if canonical is None:
        raise ValueError(f"unknown time unit {unit!r} (days, weeks, months or years)")
    columns = []
    for c in profile.columns:
        if is_time_column(c) and unit_in_header(c.header) is None:
            t = parse_target(c.target)
            stem = t.field.removesuffix("_months")
            suffix = "months" if canonical == "months" else canonical
            target = f"outcomes.{stem}_{suffix}"
            c = replace(c, target=parse_target(target).text, confidence=1.0,
                        reason=f"unit {canonical} given by the user (--time-unit)")
        columns.append(c)
    return replace(profile, columns=columns)


def header_units_win(profile: MappingProfile) -> tuple[MappingProfile, list[ColumnMapping]]:
    """The profile with each time column in the unit its header now states, and the
    columns whose saved unit said otherwise (a profile made on "PFS" with weeks chosen,
    re-applied to a sheet headed "PFS (months)": the header is this sheet's own word).
    """
    columns, changed = [], []
    for c in profile.columns:
        stated = unit_in_header(c.header) if is_time_column(c) else None
        t = parse_target(c.target) if stated else None
        if t is not None and stated != (t.unit or "months"):
            stem = t.field.removesuffix("_months")
            target = parse_target(f"outcomes.{stem}_{stated}").text
            changed.append(c)
            c = replace(c, target=target, reason=f"unit {stated} from the header (the "
                        f"profile said {t.unit or 'months'})")
        columns.append(c)
    return replace(profile, columns=columns), changed
