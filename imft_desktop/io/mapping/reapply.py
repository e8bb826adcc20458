"""A saved mapping profile applied to next month's sheet, whose columns may have moved.

Columns are matched by header text first, then by letter; what no longer matches and
what is new are listed in the ``ProfileApplication`` for the user to confirm.
"""

from __future__ import annotations

import dataclasses

from imft_desktop.io.mapping.header_recognition import recognise_column, sheet_headers
from imft_desktop.io.mapping.profile import ColumnMapping, MappingProfile, ProfileApplication
from imft_desktop.io.mapping.targets import EXTRA, IGNORE, parse_target
from imft_desktop.io.mapping.vocab import match_key
from imft_desktop.io.read.raw import RawSheet, column_index, column_letter


def apply_profile(profile: MappingProfile, sheet: RawSheet) -> ProfileApplication:
    """Re-apply ``profile`` to ``sheet``, whose columns may have moved.

    The header row is the saved one when its headers still match best, otherwise the
    row (among the first 15) matching most saved headers.  Each saved column is then
    found by header text (first unused column with the same case- and
    space-insensitive header), else by its letter when that column's header is not
    claimed by another saved column and is blank or still reads as the same target
    ("ALK IHC (D5F3)" renamed "ALK IHC D5F3 result"); a different column that moved
    into the letter is never taken for the saved one.  Sheet columns left over are new: kept as
    ``extra`` with the recogniser's suggestion in ``new_columns``.
    """
    wanted = [match_key(c.header) for c in profile.columns if c.header]
    best_row, best_score = profile.header_row, -1
    first = sheet.first_row
    candidates = [profile.header_row] + [
        r for r in range(first, first + min(15, sheet.n_rows)) if r != profile.header_row
    ]
    for r in candidates:
        keys = [match_key(h) for h in sheet_headers(sheet, r).values()]
        score = sum(1 for w in wanted if w in keys)
        if score > best_score:
            best_row, best_score = r, score
    headers = sheet_headers(sheet, best_row)  # column index -> header text
    by_key: dict[str, list[int]] = {}
    for idx, h in headers.items():
        by_key.setdefault(match_key(h), []).append(idx)

    used: set[int] = set()
    placed: dict[int, ColumnMapping] = {}
    result = ProfileApplication(profile=profile)
    pending: list[ColumnMapping] = []
    for c in profile.columns:
        found = next((i for i in by_key.get(match_key(c.header), []) if i not in used), None)
        if found is None or not c.header:
            pending.append(c)
            continue
        used.add(found)
        letter = _letter(found)
        if letter != c.column:
            result.moved.append((c.header, c.column, letter))
        placed[found] = _moved(c, letter, headers[found])
    claimed = {match_key(c.header) for c in profile.columns}
    for c in pending:
        try:
            idx = column_index(c.column)
        except ValueError:
            idx = -1
        h = headers.get(idx, "")
        free = idx >= 0 and idx not in used and (not h or match_key(h) not in claimed)
        if free and (
            (not h and _has_data(sheet, best_row, idx))
            or (h and _same_target(recognise_column(sheet, best_row, idx, h), c))
        ):
            used.add(idx)
            result.matched_by_letter.append(c.column)
            placed[idx] = _moved(c, c.column, h or c.header, "matched by column letter")
        else:
            result.unmatched.append(c)
    for idx, h in headers.items():
        if idx in used:
            continue
        suggestion = recognise_column(sheet, best_row, idx, h)
        result.new_columns.append(suggestion)
        placed[idx] = ColumnMapping(
            column=suggestion.column,
            header=h,
            target=EXTRA,
            confidence=0.0,
            reason=f"new column since the profile was saved; suggested: {suggestion.target}",
        )
    result.profile = MappingProfile(
        name=profile.name,
        header_row=best_row,
        sheet=sheet.name,
        columns=[placed[i] for i in sorted(placed)],
        event_coding=dict(profile.event_coding),
        created_with=profile.created_with,
        reading=dataclasses.replace(profile.reading),  # how cells are read goes along
    )
    return result


def _letter(idx: int) -> str:
    return column_letter(idx)


def _moved(c: ColumnMapping, letter: str, header: str, note: str = "") -> ColumnMapping:
    reason = c.reason if not note else (f"{c.reason}; {note}" if c.reason else note)
    return ColumnMapping(
        column=letter,
        header=header,
        target=c.target,
        confidence=c.confidence,
        reason=reason,
        event_coding=dict(c.event_coding) if c.event_coding else None,
        value_meanings=dict(c.value_meanings),
    )


def _same_target(suggestion: ColumnMapping, saved: ColumnMapping) -> bool:
    """True when a renamed header still reads as the saved target (units aside)."""
    try:
        a, b = parse_target(suggestion.target), parse_target(saved.target)
    except ValueError:
        return False
    if b.table == IGNORE:
        return a.table == EXTRA
    return (a.table, a.field, a.params) == (b.table, b.field, b.params)


def _has_data(sheet: RawSheet, header_row: int, idx: int) -> bool:
    last = sheet.first_row + sheet.n_rows
    return any(sheet.cell(r, idx) not in (None, "") for r in range(header_row + 1, last))
