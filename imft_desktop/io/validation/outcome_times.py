"""Survival times as the sheet meant them: the unit's provenance, and times from dates.

``time_unit_findings`` reports a time column whose unit the program assumed (the
header states none and the user did not choose one): a WARNING naming the column and
the rule, because the unit changes every number shown.

``times_from_dates`` (see its docstring) derives PFS / OS times and events from a start
date and progression, death and last-follow-up dates, states the rule once per endpoint
and reports every row whose dates are in an impossible order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from imft_desktop.io.read.records import RawColumn, RawTable
from imft_desktop.io.validation import codes
from imft_desktop.model.event_coding import default_code, event_key
from imft_desktop.model.findings import Finding


def time_unit_findings(rt: RawTable, field: str, letter: str | None,
                       header: str | None) -> list[Finding]:
    """A TIME_UNIT_ASSUMED warning when the mapping assumed ``field``'s unit."""
    source = rt.constants.get(f"_unit_source:{field}")
    if not source or source[0] != "assumed":
        return []
    _how, unit, rule = source
    return [codes.make("TIME_UNIT_ASSUMED", file=rt.file, sheet=rt.sheet, column=letter,
                       header=header, value=unit, detail=rule)]


#: Date fields a one-row-per-case outcome column may feed (see ``mapping.targets``).
START, PROGRESSION, DEATH, LAST_FOLLOWUP = (
    "start_date", "progression_date", "death_date", "last_followup_date")
DATE_FIELDS = (START, PROGRESSION, DEATH, LAST_FOLLOWUP)

#: The rules, in words, as the finding and the methods text state them.
PFS_RULE = ("PFS = progression date (or death date when there is no progression) minus "
            "the start date, event 1; without either, last follow-up date minus the start "
            "date, censored (event 0); in days")
OS_STATUS_RULE = ("OS = last follow-up date minus the start date, with the event from the "
                  "vital status column (dead = 1, alive = censored 0); in days")
OS_RULE = ("OS = death date minus the start date, event 1; otherwise last follow-up date "
           "minus the start date, censored (event 0); in days")


def times_from_dates(rt: RawTable, date_system: str = "1900"
                     ) -> tuple[RawTable, list[Finding]]:
    """Outcome records with PFS / OS times and events derived from date columns.

    Needs a start date (treatment start or diagnosis) and, for PFS, a progression date
    column; for OS, a death date column (a last follow-up date censors both).  An
    endpoint whose time column is mapped directly is left alone.  Returns the table
    with the derived ``pfs_months``/``pfs_event`` (``os_...``) columns in days (the
    validator converts like any days column; the Cohort remembers "days") and the
    findings: one TIME_FROM_DATES warning per endpoint stating the rule, a
    DATE_ORDER_IMPOSSIBLE error per row whose end date is before its start date,
    DATE_INVALID / DATE_FROM_SERIAL for cells read as dates, EVENT_DATES_DISAGREE where
    a mapped event column says otherwise than the dates, and TIME_DATES_UNUSED when the
    date columns cannot give an endpoint.
    """
    dates = {f: rt.columns[f] for f in DATE_FIELDS if f in rt.columns}
    if not dates:
        return rt, []
    columns = {k: c for k, c in rt.columns.items() if k not in DATE_FIELDS}
    out = RawTable(rt.table, rt.file, rt.sheet, rt.rows, columns, dict(rt.constants),
                   rt.constant_origin, rt.record_column, rt.hidden_rows)
    findings: list[Finding] = []
    parsed = {f: _parse_dates(rt, c, date_system, findings) for f, c in dates.items()}
    reported: set[tuple[int, str]] = set()  # a bad row is reported once, not per endpoint
    derived = []
    for stem, needed, event_fields, rule in _PLANS:
        if START not in dates or needed not in dates or f"{stem}_months" in rt.columns:
            continue
        times, events = _derive(rt, dates, parsed, event_fields, findings, reported)
        findings += _event_disagreements(rt, stem, events)
        _put_endpoint(out, rt, stem, dates[needed], times, events, rule)
        used = ", ".join(f'"{dates[f].header}" ({dates[f].letter})'
                         for f in (START, *event_fields, LAST_FOLLOWUP) if f in dates)
        findings.append(codes.make(
            "TIME_FROM_DATES", file=rt.file, sheet=rt.sheet, column=dates[needed].letter,
            header=dates[needed].header, value=stem.upper(), detail=f"{rule}; columns {used}"))
        derived.append(stem)
    if ("os" not in derived and START in dates and LAST_FOLLOWUP in dates
            and "os_event" in rt.columns and "os_months" not in rt.columns):
        # no death dates, but a vital status: OS runs to the last follow-up (or death)
        times = _times_to_followup(rt, dates, parsed, findings, reported)
        _put_time(out, rt, "os", dates[LAST_FOLLOWUP], times, OS_STATUS_RULE)
        status = rt.columns["os_event"]
        findings.append(codes.make(
            "TIME_FROM_DATES", file=rt.file, sheet=rt.sheet,
            column=dates[LAST_FOLLOWUP].letter, header=dates[LAST_FOLLOWUP].header,
            value="OS", detail=f'{OS_STATUS_RULE}; columns "{dates[START].header}" '
            f'({dates[START].letter}), "{dates[LAST_FOLLOWUP].header}" '
            f'({dates[LAST_FOLLOWUP].letter}), "{status.header}" ({status.letter})'))
        derived.append("os")
    if not derived:
        findings += _unused_dates(rt, dates)
    return out, findings


def _times_to_followup(rt: RawTable, dates: dict[str, RawColumn],
                       parsed: dict[str, list[Any]], findings: list[Finding],
                       reported: set[tuple[int, str]]) -> list[Any]:
    """Days from the start to the last follow-up per row (None where a date is missing
    or the follow-up is before the start, reported once per row)."""
    out: list[Any] = []
    col = dates[LAST_FOLLOWUP]
    for i, row in enumerate(rt.rows):
        t0, end = parsed[START][i], parsed[LAST_FOLLOWUP][i]
        if t0 is None or end is None:
            out.append(None)
            continue
        if end < t0:
            if (row, LAST_FOLLOWUP) not in reported:
                reported.add((row, LAST_FOLLOWUP))
                findings.append(codes.make(
                    "DATE_ORDER_IMPOSSIBLE", file=rt.file, sheet=rt.sheet, row=row,
                    column=col.letter, header=col.header, value=end.isoformat(),
                    normalised=t0.isoformat(), detail=col.header))
            out.append(None)
            continue
        out.append(float((end - t0).days))
    return out


#: (endpoint, the date column it needs, dates that are its event, its rule)
_PLANS = (("pfs", PROGRESSION, (PROGRESSION, DEATH), PFS_RULE),
          ("os", DEATH, (DEATH,), OS_RULE))


def _put_endpoint(out: RawTable, rt: RawTable, stem: str, anchor: RawColumn,
                  times: list[Any], events: list[Any], rule: str) -> None:
    """Store derived times (days) and events as the endpoint's columns of ``out``."""
    _put_time(out, rt, stem, anchor, times, rule)
    out.columns[f"{stem}_event"] = RawColumn(f"{stem}_event", anchor.letter,
                                             f"{stem.upper()} event from dates", events)
    out.constants.pop(f"_event_coding:{stem}_event", None)


def _put_time(out: RawTable, rt: RawTable, stem: str, anchor: RawColumn,
              times: list[Any], rule: str) -> None:
    """Store derived times (days) as the endpoint's time column of ``out``."""
    out.columns[f"{stem}_months"] = RawColumn(f"{stem}_months", anchor.letter,
                                              f"{stem.upper()} from dates", times)
    out.constants[f"_unit:{stem}_months"] = "days"
    # also on the input table: the importer records the sheet unit from it
    for constants in (out.constants, rt.constants):
        constants[f"_unit_source:{stem}_months"] = ["dates", "days", rule]


def _event_disagreements(rt: RawTable, stem: str, events: list[Any]) -> list[Finding]:
    """A warning per row where a mapped event column contradicts the dates' event
    (the dates are used: they also give the time)."""
    col = rt.columns.get(f"{stem}_event")
    if col is None:
        return []
    coding = rt.constants.get(f"_event_coding:{stem}_event") or {}
    out = []
    for row, raw, derived in zip(rt.rows, col.values, events, strict=True):
        key = event_key(raw)
        said = coding.get(key, default_code(raw)) if key is not None else None
        if said is not None and derived is not None and said != derived:
            out.append(codes.make(
                "EVENT_DATES_DISAGREE", file=rt.file, sheet=rt.sheet, row=row,
                column=col.letter, header=col.header, value=raw, normalised=derived,
                detail=stem.upper()))
    return out


def _unused_dates(rt: RawTable, dates: dict[str, RawColumn]) -> list[Finding]:
    """Date columns that give no endpoint: say what is missing, never drop them quietly."""
    missing = ("a start date column" if START not in dates
               else "a progression or death date column")
    return [codes.make("TIME_DATES_UNUSED", file=rt.file, sheet=rt.sheet, column=c.letter,
                       header=c.header, detail=missing) for c in dates.values()]


def _parse_dates(rt: RawTable, col: RawColumn, date_system: str,
                 findings: list[Finding]) -> list[Any]:
    """The column's cells as ``date`` (None when empty or not a date).

    Each distinct cell is read once; what the reading noticed ("not a date", "Excel day
    number read as ...") is one finding per distinct value listing its rows, as for
    every other column.
    """
    from imft_desktop.io.validation.numbers import make_date_parser

    parse = make_date_parser(date_system)
    rows_of: dict[Any, list[int]] = {}
    for row, raw in zip(rt.rows, col.values, strict=True):
        rows_of.setdefault(raw, []).append(row)
    parsed = {raw: parse(raw) for raw in rows_of}
    for raw, p in parsed.items():
        at = rows_of[raw]
        for note in p.notes:
            finding = codes.make(note.code, file=rt.file, sheet=rt.sheet, row=at[0],
                                 column=col.letter, header=col.header, value=raw,
                                 normalised=note.normalised, detail=note.detail)
            findings.append(replace(finding, rows=tuple(at)) if len(at) > 1 else finding)
    return [parsed[raw].value for raw in col.values]


def _derive(rt: RawTable, dates: dict[str, RawColumn], parsed: dict[str, list[Any]],
            event_fields: tuple[str, ...], findings: list[Finding],
            reported: set[tuple[int, str]]) -> tuple[list[Any], list[Any]]:
    """Per row: (days from start to the first event date, else to last follow-up;
    1 / 0), ``None`` where a date is missing or before the start (reported)."""
    times: list[Any] = []
    events: list[Any] = []
    start = parsed[START]
    for i, row in enumerate(rt.rows):
        t0 = start[i]
        ends = [(f, parsed[f][i]) for f in event_fields if f in parsed and parsed[f][i]]
        event = 1 if ends else 0
        if not ends and LAST_FOLLOWUP in parsed and parsed[LAST_FOLLOWUP][i]:
            ends = [(LAST_FOLLOWUP, parsed[LAST_FOLLOWUP][i])]
        if t0 is None or not ends:
            times.append(None)
            events.append(None)
            continue
        field, end = min(ends, key=lambda fe: fe[1])
        if end < t0:
            col = dates[field]
            if (row, field) in reported:
                times.append(None)
                events.append(None)
                continue
            reported.add((row, field))
            findings.append(codes.make(
                "DATE_ORDER_IMPOSSIBLE", file=rt.file, sheet=rt.sheet, row=row,
                column=col.letter, header=col.header, value=end.isoformat(),
                normalised=t0.isoformat(), detail=col.header))
            times.append(None)
            events.append(None)
            continue
        times.append(float((end - t0).days))
        events.append(event)
    return times, events
