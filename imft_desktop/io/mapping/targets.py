"""The mapping target grammar: what one column of a one-row-per-case sheet holds.

A target is a short string, stored in mapping profiles (JSON) and shown in the GUI's
drop-down through ``Target.label``:

``samples.<field>`` / ``outcomes.<field>``
    A canonical field of ``model.schema`` (``samples.sample_id``, ``outcomes.pfs_months``).
``outcomes.pfs_days`` (also ``_weeks``, ``_years``, ``_months``)
    A survival time in another unit.  It feeds the field ``pfs_months`` with raw values;
    ``to_raw_tables`` adds the unit as a constant ``_unit:pfs_months`` for the importer,
    which converts with ``DAYS_PER_MONTH`` and records an INFO finding.
``outcomes.start_date`` (also ``progression_date``, ``death_date``, ``last_followup_date``)
    Dates from which the validator derives PFS / OS times and events in days.
``ihc.<field>[MARKER/CLONE]`` (clone optional)
    ``call``, ``percent_positive``, ``intensity``, ``h_score``, ``pattern``.
``fish.<field>[PROBE]``
    ``call``, ``percent_split``, ``nuclei_scored``, ``threshold``.
``fusions.fusion`` or ``fusions.fusion[GENE]``
    A cell holding a fusion ('TPM3-ALK'); the optional gene is the one the header names
    (a column "ALK partner" holding 'TPM3').
``variants.status[GENE]``
    A protein change, 'mut', or 'wt'/'neg'/'none' (tested, negative); blank = not tested.
``cn_calls.event[REGION]`` or ``cn_calls.event[REGION/EVENT]``
    A call for one region (22q, 19, 9p21.3, CDKN2A).  The optional event is implied by the
    header ("22q loss" with yes/no cells, "monosomy 19").
``cn_calls.list``
    A cell listing several copy-number tokens ('22q loss; -19').
``sequencing.status[ASSAY]``
    Whether the assay was done (yes/no/done/failed).
``extra`` / ``ignore``
    Keep as a clinical column under its header / leave out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imft_desktop.model.schema import TABLES_BY_NAME
from imft_desktop.model.vocab import CnaEvent, SequencingAssay

EXTRA = "extra"
IGNORE = "ignore"

#: Survival-time fields that accept a unit suffix, and the suffixes understood.
TIME_FIELDS = ("pfs_months", "os_months", "time_on_treatment_months")
TIME_UNITS = ("months", "days", "weeks", "years")

#: Outcome dates a wide column may feed; the validator derives PFS / OS times and
#: events from them (``validation.outcome_times``).  Not canonical fields.
DATE_FIELDS = ("start_date", "progression_date", "death_date", "last_followup_date")

#: Fields of parameterised tables that a wide column may feed.
IHC_FIELDS = ("call", "percent_positive", "intensity", "h_score", "pattern")
FISH_FIELDS = ("call", "percent_split", "nuclei_scored", "threshold")

#: Canonical tables whose fields a wide column maps to directly.
DIRECT_TABLES = ("samples", "outcomes")

_TARGET = re.compile(
    r"^(?P<table>[a-z_]+)\.(?P<field>[a-z0-9_]+)(?:\[(?P<params>[^\[\]]*)\])?$"
)

_FIELD_LABELS = {
    "start_date": "Start date (treatment or diagnosis)",
    "progression_date": "Progression date",
    "death_date": "Death date",
    "last_followup_date": "Last follow-up date",
    "sample_id": "Sample ID",
    "patient_id": "Patient ID",
    "diagnosis": "Diagnosis",
    "site": "Site",
    "specimen": "Specimen",
    "age": "Age",
    "sex": "Sex",
    "tumour_cells": "Tumour cells (%)",
    "comment": "Comment",
    "treatment": "Treatment",
    "best_response": "Best response (RECIST)",
    "best_percent_change": "Best % change",
    "pfs_event": "PFS event (1 = progressed/died)",
    "os_event": "OS event (1 = died)",
}
_TIME_LABELS = {
    "pfs_months": "PFS",
    "os_months": "OS",
    "time_on_treatment_months": "Time on treatment",
}
_IHC_LABELS = {
    "call": "IHC call",
    "percent_positive": "IHC % positive",
    "intensity": "IHC intensity",
    "h_score": "IHC H-score",
    "pattern": "IHC pattern",
}
_FISH_LABELS = {
    "call": "FISH call",
    "percent_split": "FISH % split",
    "nuclei_scored": "FISH nuclei scored",
    "threshold": "FISH threshold",
}


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed mapping target.

    Attributes
    ----------
    table:
        Canonical table name (``"ihc"``), or ``"extra"`` / ``"ignore"``.
    field:
        Canonical field fed by the column (``"pfs_months"`` for ``outcomes.pfs_days``);
        ``"status"`` for ``variants.status`` / ``sequencing.status``, ``"list"`` for
        ``cn_calls.list``; empty for extra / ignore.
    params:
        Bracket parameters: (marker, clone), (probe,), (gene,), (region, event), (assay,).
    unit:
        Time unit for survival times (``"days"``), else ``None``.
    """

    table: str
    field: str = ""
    params: tuple[str, ...] = ()
    unit: str | None = None

    @property
    def text(self) -> str:
        """The target string (inverse of ``parse_target``)."""
        if self.table in (EXTRA, IGNORE):
            return self.table
        name = self.field
        if self.unit and self.field in TIME_FIELDS and self.unit != "months":
            name = self.field.removesuffix("_months") + "_" + self.unit
        base = f"{self.table}.{name}"
        return f"{base}[{'/'.join(self.params)}]" if self.params else base

    @property
    def is_direct(self) -> bool:
        """True for plain sample / outcome fields (one value per row, no parameters)."""
        return self.table in DIRECT_TABLES

    @property
    def label(self) -> str:
        """Readable name, e.g. ``IHC call: ALK (D5F3)``."""
        return _label(self)

    def __str__(self) -> str:
        return self.text


def parse_target(s: str) -> Target:
    """Parse a target string.

    Parameters
    ----------
    s:
        e.g. ``"samples.age"``, ``"ihc.call[ALK/D5F3]"``, ``"outcomes.pfs_days"``.

    Returns
    -------
    Target

    Raises
    ------
    ValueError
        With a readable message when the string is not a valid target.
    """
    text = (s or "").strip()
    if text.casefold() in (EXTRA, IGNORE):
        return Target(text.casefold())
    m = _TARGET.match(text)
    if not m:
        raise ValueError(f"not a mapping target: {s!r}")
    table, field = m["table"], m["field"]
    params = tuple(p.strip() for p in m["params"].split("/")) if m["params"] else ()
    if any(not p for p in params):
        raise ValueError(f"empty parameter in {s!r}")
    if table not in TABLES_BY_NAME:
        raise ValueError(f"unknown table {table!r} in {s!r}")

    if table in DIRECT_TABLES:
        if params:
            raise ValueError(f"{table}.{field} takes no parameters")
        unit = None
        for u in TIME_UNITS:
            stem = field.removesuffix("_" + u)
            if stem != field and stem + "_months" in TIME_FIELDS and table == "outcomes":
                field, unit = stem + "_months", u
                break
        dated = table == "outcomes" and field in DATE_FIELDS
        if field not in TABLES_BY_NAME[table].field_names and not dated:
            raise ValueError(f"{table} has no field {field!r}")
        return Target(table, field, (), unit if unit != "months" else None)

    if table == "ihc":
        _check(field in IHC_FIELDS and 1 <= len(params) <= 2, s, "ihc.<field>[MARKER/CLONE]")
    elif table == "fish":
        _check(field in FISH_FIELDS and len(params) == 1, s, "fish.<field>[PROBE]")
    elif table == "fusions":
        _check(field == "fusion" and len(params) <= 1, s, "fusions.fusion or fusions.fusion[GENE]")
    elif table == "variants":
        _check(field == "status" and len(params) == 1, s, "variants.status[GENE]")
    elif table == "cn_calls":
        if field == "list":
            _check(not params, s, "cn_calls.list")
        else:
            _check(field == "event" and 1 <= len(params) <= 2, s, "cn_calls.event[REGION]")
            if len(params) == 2:
                _check(params[1] in {str(e) for e in CnaEvent}, s, "a CnaEvent after '/'")
    elif table == "sequencing":
        _check(field == "status" and len(params) == 1, s, "sequencing.status[ASSAY]")
        _check(params[0] in {str(a) for a in SequencingAssay}, s, "a known sequencing assay")
    else:
        raise ValueError(f"table {table!r} cannot be mapped from a one-row-per-case column")
    return Target(table, field, params)


def _check(ok: bool, s: str, expected: str) -> None:
    if not ok:
        raise ValueError(f"{s!r}: expected {expected}")


def target_label(s: str) -> str:
    """Readable label of a target string (the string itself when it does not parse)."""
    try:
        return parse_target(s).label
    except ValueError:
        return s


def _label(t: Target) -> str:
    if t.table == EXTRA:
        return "Keep as clinical column"
    if t.table == IGNORE:
        return "Ignore"
    p = t.params
    if t.table in DIRECT_TABLES:
        if t.field in _TIME_LABELS:
            return f"{_TIME_LABELS[t.field]} ({t.unit or 'months'})"
        if t.field in _FIELD_LABELS:
            return _FIELD_LABELS[t.field]
        return t.field.replace("_", " ").capitalize()
    if t.table == "ihc":
        clone = f" ({p[1]})" if len(p) > 1 else ""
        return f"{_IHC_LABELS[t.field]}: {p[0]}{clone}"
    if t.table == "fish":
        return f"{_FISH_LABELS[t.field]}: {p[0]}"
    if t.table == "fusions":
        return f"Fusion ({p[0]})" if p else "Fusion"
    if t.table == "variants":
        return f"Mutation status: {p[0]}"
    if t.table == "cn_calls":
        if t.field == "list":
            return "Copy-number calls (list)"
        region = _region_label(p[0])
        return f"Copy number: {region} {p[1]}" if len(p) > 1 else f"Copy number: {region}"
    if t.table == "sequencing":
        return f"Sequencing done: {p[0]}"
    return t.text


def _region_label(region: str) -> str:
    if re.fullmatch(r"\d{1,2}|X|Y", region):
        return f"chromosome {region}"
    return region


def canonical_targets() -> list[str]:
    """Every direct sample / outcome target (with unit variants), in schema order."""
    out: list[str] = []
    for table in DIRECT_TABLES:
        for name in TABLES_BY_NAME[table].field_names:
            if table == "outcomes" and name == "patient_id":
                continue  # the patient column is mapped once, as samples.patient_id
            out.append(f"{table}.{name}")
            if name in TIME_FIELDS:
                stem = name.removesuffix("_months")
                out.extend(f"{table}.{stem}_{u}" for u in TIME_UNITS if u != "months")
    out.extend(f"outcomes.{d}" for d in DATE_FIELDS)
    return out


#: Parameterised targets offered even when no header mentions them.
COMMON_TARGETS: tuple[str, ...] = (
    "ihc.call[ALK/ALK1]",
    "ihc.percent_positive[ALK/ALK1]",
    "ihc.call[ALK/D5F3]",
    "ihc.percent_positive[ALK/D5F3]",
    "ihc.intensity[ALK]",
    "ihc.h_score[ALK]",
    "ihc.call[ROS1/D4D6]",
    "ihc.call[pan-TRK/EPR17341]",
    "fish.percent_split[ALK]",
    "fish.call[ALK]",
    "fish.call[ROS1]",
    "fish.call[ETV6]",
    "fish.call[NTRK3]",
    "fusions.fusion",
    "variants.status[PIK3CA]",
    "variants.status[TP53]",
    "cn_calls.event[22q]",
    "cn_calls.event[19]",
    "cn_calls.list",
    "sequencing.status[WGS]",
    "sequencing.status[RNA fusion panel]",
)
