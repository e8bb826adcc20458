"""Groupings (who is compared with whom) and endpoints (which time and event).

A ``Grouping`` assigns each sample of a cohort to a named group, or leaves it out with a
reason that is counted and shown ("not tested" is never "absent").  Groupings come from:

* an alteration label of the alteration matrix (``22q loss``, ``TPM3::ALK``): altered vs
  tested-not-altered; samples not tested are excluded and counted;
* an assay call (IHC marker / FISH probe): positive vs negative; equivocal, not evaluable
  and not tested are excluded and counted;
* any clinical column (sheet header or canonical field): categorical levels, or a numeric
  column split at a cut-off (``age>50``; default the median, stated in the description);
* a combination of two binary groupings with AND / OR (Kleene three-valued logic: a
  sample negative for one side of an AND is negative whatever the other side says; any
  other unknown stays unknown and is excluded).

An ``Endpoint`` names a time and an event column.  ``survival_data`` joins an endpoint
and a grouping into one row per *patient* (outcomes are per patient), excluding rows
with a missing or invalid time or event and patients whose samples disagree on the
group, and lists every exclusion with its reason.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from imft_desktop.model.event_coding import default_code
from imft_desktop.model.time_units import (
    STORAGE_UNIT,
    convert,
    normalise_unit,
    source_unit,
    unit_in_header,
)
from imft_desktop.model.vocab import RECIST_ORDER, AssayCall

if TYPE_CHECKING:
    from imft_desktop.model.cohort import Cohort

NOT_TESTED = "not tested"
MISSING_VALUE = "missing value"


class GroupingError(ValueError):
    """The text names no alteration, assay call or column of the cohort."""


class EventCodingError(ValueError):
    """The event column is coded in a way that must be confirmed (e.g. R's 1/2)."""


# --------------------------------------------------------------------------- groupings
@dataclass
class Grouping:
    """Assignment of samples to groups.

    Attributes
    ----------
    name:
        What is compared, e.g. ``"22q loss"`` or ``"sex"``.
    kind:
        ``"alteration"``, ``"assay call"``, ``"clinical"`` or ``"combination"``.
    labels:
        Series indexed by ``sample_id`` (every sample of the cohort): the group label,
        or ``None`` when the sample is left out (see ``excluded``).
    levels:
        Group labels in display order; the first is the reference for hazard ratios.
    excluded:
        Reason -> sample ids left out (``"not tested"``, ``"missing value"``, ...).
    description:
        How the groups were formed, in words (shown under tables and figures).
    status:
        For binary groupings: 1.0 / 0.0 / NaN per sample (altered, not altered,
        unknown); ``None`` for multi-level groupings.
    ordered:
        True when the levels have a natural order (trend test meaningful).
    """

    name: str
    kind: str
    labels: pd.Series
    levels: tuple[str, ...]
    excluded: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""
    status: pd.Series | None = None
    ordered: bool = False

    @property
    def reference(self) -> str:
        return self.levels[0]

    @property
    def is_binary(self) -> bool:
        return self.status is not None and len(self.levels) == 2

    @property
    def n_excluded(self) -> int:
        return sum(len(v) for v in self.excluded.values())

    def counts(self) -> dict[str, int]:
        """Samples per level (in level order)."""
        vc = self.labels.dropna().value_counts()
        return {lvl: int(vc.get(lvl, 0)) for lvl in self.levels}

    def excluded_counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.excluded.items() if v}

    def with_reference(self, reference: str) -> Grouping:
        """The same grouping with ``reference`` moved first."""
        if reference not in self.levels:
            raise GroupingError(f"{reference!r} is not a group of {self.name!r}")
        levels = (reference, *[lv for lv in self.levels if lv != reference])
        status = self.status
        if status is not None and levels != self.levels:
            status = 1.0 - status  # status 1.0 always means the second level
        return Grouping(
            self.name, self.kind, self.labels, levels, self.excluded, self.description,
            status, self.ordered and levels == self.levels,
        )


def _binary_grouping(
    name: str,
    kind: str,
    status: pd.Series,
    description: str,
    unknown_reason: str = NOT_TESTED,
    yes: str | None = None,
    no: str | None = None,
    extra_excluded: dict[str, list[str]] | None = None,
) -> Grouping:
    yes = yes or name
    no = no or f"no {name}"
    status = status.astype(float)
    values = np.full(len(status), None, dtype=object)
    values[(status == 1.0).to_numpy()] = yes
    values[(status == 0.0).to_numpy()] = no
    labels = pd.Series(values, index=status.index, dtype=object)
    excluded = {unknown_reason: [str(s) for s in status.index[status.isna()]]}
    if extra_excluded:
        for reason, ids in extra_excluded.items():
            excluded.setdefault(reason, []).extend(ids)
        # samples excluded for another reason are not counted twice as unknown
        other = {s for r, ids in extra_excluded.items() for s in ids}
        excluded[unknown_reason] = [s for s in excluded[unknown_reason] if s not in other]
    return Grouping(name, kind, labels, (no, yes), excluded, description, status)


def alteration_grouping(cohort: Cohort, label: str, matrix: Any = None) -> Grouping:
    """Altered vs tested-not-altered for one alteration of the alteration matrix.

    ``label`` may be any spelling the matrix's ``find`` accepts.  Samples not tested for
    the alteration are excluded and counted under ``"not tested"``.  ``matrix``: the
    cohort's ``alteration_matrix`` when the caller has it already (not recomputed).

    Raises
    ------
    GroupingError
        When the alteration module is unavailable or the label is unknown.
    """
    try:
        from imft_desktop.analysis.alterations import alteration_matrix
    except ImportError as exc:  # written by a colleague; absent on partial installs
        raise GroupingError("alteration summaries are not available") from exc
    if matrix is None:
        matrix = alteration_matrix(cohort)
    try:
        found = matrix.find(label)
    except KeyError as exc:
        raise GroupingError(f"no alteration called {label!r}") from exc
    status = matrix.status[found].reindex([str(s) for s in cohort.sample_ids])
    tested = int(status.notna().sum())
    altered = int((status == 1.0).sum())
    desc = f"{found}: altered {altered}/{tested} tested; not tested excluded"
    return _binary_grouping(found, "alteration", status, desc)


def assay_call_grouping(
    cohort: Cohort, assay: str, target: str, clone: str | None = None
) -> Grouping:
    """Positive vs negative for one IHC marker (optionally one clone) or FISH probe.

    Equivocal and not evaluable results are excluded and counted, as are samples with
    no result (not tested).  When a sample has several rows (several clones), any
    positive call makes it positive, otherwise any negative makes it negative.
    """
    assay_key = assay.strip().casefold()
    if assay_key not in ("ihc", "fish"):
        raise GroupingError(f"unknown assay {assay!r} (IHC or FISH)")
    key = "marker" if assay_key == "ihc" else "probe"
    df = cohort.table(assay_key)
    ids = [str(s) for s in cohort.sample_ids]
    if df.empty:
        raise GroupingError(f"no {assay.upper()} results in this cohort")
    mask = df[key].astype(str).str.casefold().eq(target.casefold())
    if clone is not None and "clone" not in df.columns:
        # FISH rows have a probe, no antibody clone ("ALK FISH positive" used to end in
        # KeyError: 'clone' here instead of trying the alteration of that name)
        raise GroupingError(f"{assay.upper()} results have no antibody clone ({clone!r})")
    if clone is not None:
        mask &= df["clone"].astype(str).str.casefold().eq(clone.casefold())
    sub = df.loc[mask, ["sample_id", "call"]].astype(str)
    if sub.empty:
        what = f"{target} {clone}" if clone else target
        raise GroupingError(f"no {assay.upper()} results for {what}")
    calls = sub.groupby("sample_id")["call"].agg(set)
    status = pd.Series(np.nan, index=ids, dtype=float)
    other: dict[str, list[str]] = {}
    for sid, cs in calls.items():
        if str(sid) not in status.index:
            continue
        if str(AssayCall.POSITIVE) in cs:
            status[str(sid)] = 1.0
        elif str(AssayCall.NEGATIVE) in cs:
            status[str(sid)] = 0.0
        else:
            reason = next(iter(sorted(cs)))
            if reason != str(AssayCall.NOT_TESTED):
                other.setdefault(reason, []).append(str(sid))
    name = f"{target} {assay.upper()}" + (f" {clone}" if clone else "")
    tested = int(status.notna().sum())
    desc = (
        f"{name}: positive {int((status == 1).sum())}/{tested} with a positive or negative "
        "call; equivocal, not evaluable and not tested excluded"
    )
    return _binary_grouping(
        name, "assay call", status, desc, yes=f"{name} positive", no=f"{name} negative",
        extra_excluded=other,
    )


def numeric_values(values: pd.Series) -> pd.Series | None:
    """Values as floats when (almost) all non-empty values are numbers, else None."""
    nonempty = values.dropna()
    nonempty = nonempty[nonempty.astype(str).str.strip() != ""]
    if nonempty.empty:
        return None
    parsed = pd.to_numeric(nonempty.astype(str).str.strip().str.replace(",", "."),
                           errors="coerce")
    if parsed.notna().mean() < 0.9:
        return None
    return pd.to_numeric(values.astype(str).str.strip().str.replace(",", "."), errors="coerce")


def _fmt_number(x: float) -> str:
    return f"{x:g}"


_CLINICAL_CACHE: dict[int, tuple[weakref.ref[Any], pd.DataFrame]] = {}
_CACHE_LOCK = threading.Lock()


def clinical_frame(cohort: Cohort) -> pd.DataFrame:
    """``cohort.clinical()`` indexed by ``sample_id``, cached per cohort object.

    A cohort is immutable once built (the GUI swaps whole cohorts), so the join is done
    once per cohort; callers must treat the returned frame as read-only.
    """
    key = id(cohort)
    with _CACHE_LOCK:
        hit = _CLINICAL_CACHE.get(key)
        if hit is not None and hit[0]() is cohort:
            return hit[1]
    df = cohort.clinical()
    df.index = df["sample_id"].astype(str)
    with _CACHE_LOCK:
        for k in [k for k, (ref, _) in _CLINICAL_CACHE.items() if ref() is None]:
            del _CLINICAL_CACHE[k]
        _CLINICAL_CACHE[key] = (weakref.ref(cohort), df)
    return df


_clinical_frame = clinical_frame


def find_column(cohort: Cohort, text: str) -> str | None:
    """The clinical column whose header matches ``text`` (case- and space-insensitive).

    Also accepts the original sheet header of a column the importer mapped onto a
    canonical field (``"PFS (months)"`` finds ``pfs_months``).

    A sheet column whose header clashes with a canonical field is listed by the cohort
    as ``"<header> (sheet)"``; when the canonical field is empty the sheet column wins.
    """
    df = clinical_frame(cohort)
    norm = _norm(text)
    matches = [str(c) for c in df.columns
               if _norm(str(c)) in (norm, f"{norm} (sheet)")]
    if not matches:
        # a sheet header the importer mapped onto a canonical field ("OS days" -> os_months)
        mapped = [field for (table, field), origin in cohort.column_origin.items()
                  if table in ("samples", "outcomes") and field in df.columns
                  and field not in ("sample_id", "patient_id")
                  and _norm(str(origin.header)) == norm]
        return mapped[0] if mapped else None
    for c in matches:
        if df[c].notna().any():
            return c
    return matches[0]


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().casefold())


def clinical_grouping(
    cohort: Cohort,
    column: str,
    cutoff: float | str | None = None,
    operator: str = ">",
    reference: str | None = None,
) -> Grouping:
    """Groups from a clinical column: its levels, or a numeric split at ``cutoff``.

    Parameters
    ----------
    column:
        Canonical field (``sex``) or sheet header of an extra column.
    cutoff:
        For numeric columns: the split value, or ``"median"``.  Without a cut-off a
        numeric column with at most 6 distinct values is treated as categorical and
        one with more values is split at the median (said in ``description``).
    operator:
        ``">"`` (groups ``<= c`` and ``> c``) or ``">="`` (``< c`` and ``>= c``).
    reference:
        Level to use as reference (default: first in natural order, or the low group).
    """
    df = _clinical_frame(cohort)
    col = find_column(cohort, column)
    if col is None:
        raise GroupingError(f"no column called {column!r}")
    raw = df[col]
    missing = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "None", "NA", "n/a"])
    numeric = numeric_values(raw.where(~missing))
    distinct = numeric.dropna().nunique() if numeric is not None else 0
    if numeric is not None and (cutoff is not None or distinct > 6):
        values = numeric
        how = ""
        if cutoff is None or (isinstance(cutoff, str) and cutoff.casefold() == "median"):
            c = float(values.median())
            how = " (median)"
        else:
            c = float(cutoff)
        if operator == ">=":
            low, high = f"{col} < {_fmt_number(c)}", f"{col} >= {_fmt_number(c)}"
            status = pd.Series(np.where(values.isna(), np.nan, (values >= c).astype(float)),
                               index=values.index)
        else:
            low, high = f"{col} <= {_fmt_number(c)}", f"{col} > {_fmt_number(c)}"
            status = pd.Series(np.where(values.isna(), np.nan, (values > c).astype(float)),
                               index=values.index)
        desc = f"{col} split at {_fmt_number(c)}{how}; missing values excluded"
        g = _binary_grouping(col, "clinical", status, desc, MISSING_VALUE, yes=high, no=low)
        g.ordered = True
        return g.with_reference(reference) if reference else g
    text = raw.where(~missing).map(lambda v: None if v is None or v != v else str(v).strip())
    if numeric is not None:
        # few distinct numeric values: categorical, ordered numerically
        text = numeric.map(lambda v: None if v != v else _fmt_number(float(v)))
        levels = sorted({t for t in text.dropna()}, key=float)
        ordered = True
    else:
        levels, ordered = _categorical_levels(text.dropna().tolist())
    labels = pd.Series(text.values, index=df.index, dtype=object)
    excluded = {MISSING_VALUE: [str(s) for s in labels.index[labels.isna()]]}
    status = None
    if len(levels) == 2:
        status = labels.map(lambda v: np.nan if v is None else float(v == levels[1])).astype(
            float
        )
    desc = f"{col}: {len(levels)} levels; missing values excluded"
    g = Grouping(col, "clinical", labels, tuple(levels), excluded, desc, status, ordered)
    return g.with_reference(reference) if reference else g


def _categorical_levels(values: Iterable[str]) -> tuple[list[str], bool]:
    distinct = sorted(set(values), key=str.casefold)
    recist = [str(r) for r in RECIST_ORDER]
    if distinct and all(v in recist for v in distinct):
        return [r for r in recist if r in distinct], True
    return distinct, False


def combine_groupings(a: Grouping, b: Grouping, op: str) -> Grouping:
    """``a AND b`` or ``a OR b`` of two binary groupings (Kleene three-valued logic).

    AND: 1 if both are 1, 0 if either is 0, otherwise unknown.  OR: 1 if either is 1,
    0 if both are 0, otherwise unknown.  Unknown samples are excluded and counted.
    """
    if a.status is None or b.status is None:
        raise GroupingError("only two-group groupings can be combined with AND / OR")
    op_u = op.strip().upper()
    if op_u not in ("AND", "OR"):
        raise GroupingError(f"unknown operator {op!r} (AND or OR)")
    sa, sb = a.status.align(b.status, join="outer")
    if op_u == "AND":
        val = np.where((sa == 0) | (sb == 0), 0.0, np.where((sa == 1) & (sb == 1), 1.0, np.nan))
    else:
        val = np.where((sa == 1) | (sb == 1), 1.0, np.where((sa == 0) & (sb == 0), 0.0, np.nan))
    status = pd.Series(val, index=sa.index, dtype=float)
    name = f"{a.name} {op_u} {b.name}"
    desc = (
        f"{name}: both sides known or decided ({op_u} as three-valued logic); "
        f"samples where it stays unknown are excluded"
    )
    return _binary_grouping(name, "combination", status, desc, "unknown (not tested / missing)",
                            yes=f"{a.name} {op_u.lower()} {b.name}", no=f"not ({name})")


_CUT_RE = re.compile(r"^(?P<col>.+?)\s*(?P<op>>=|>|≥)\s*(?P<cut>median|-?\d+(?:[.,]\d+)?)\s*$",
                     re.IGNORECASE)
_COMBINE_RE = re.compile(r"\s+(AND|OR)\s+|\s*(&|\|)\s*", re.IGNORECASE)
#: A word after "ALK FISH" / "ALK IHC" that names the call, not an antibody clone.
_CALL_WORDS = frozenset({"positive", "negative", "pos", "neg", "call", "status"})
_ASSAY_RE = re.compile(r"^(?:(IHC|FISH)\s+(\S+)(?:\s+(\S+))?|(\S+)\s+(IHC|FISH)(?:\s+(\S+))?)"
                       r"(?:\s+call)?$", re.IGNORECASE)


def resolve_grouping(cohort: Cohort, text: str, matrix: Any = None) -> Grouping:
    """The grouping a user typed.

    Tried in order: ``A AND B`` / ``A OR B`` (also ``&`` / ``|``); a sheet column or
    canonical field by its header; ``column>value`` / ``column>=value`` /
    ``column>median``; an assay call (``ALK IHC``, ``IHC ALK D5F3``, ``FISH ALK``); an
    alteration label as ``imft summary`` prints it.  ``matrix``: the cohort's
    alteration matrix when the caller has it (not recomputed).

    Raises
    ------
    GroupingError
        With a message naming what was tried.
    """
    text = text.strip()
    if not text:
        raise GroupingError("empty grouping")
    parts = _COMBINE_RE.split(text, maxsplit=1)
    if len(parts) > 1:
        op_raw = parts[1] or parts[2]
        op = {"&": "AND", "|": "OR"}.get(op_raw, op_raw)
        left, right = parts[0], parts[-1]
        # a column header could itself contain " and " ("ALK and ROS1 status")
        if find_column(cohort, text) is None:
            return combine_groupings(
                resolve_grouping(cohort, left, matrix), resolve_grouping(cohort, right, matrix),
                op)
    col = find_column(cohort, text)
    if col is not None:
        return clinical_grouping(cohort, col)
    m = _CUT_RE.match(text)
    if m and find_column(cohort, m["col"]) is not None:
        op = ">=" if m["op"] in (">=", "≥") else ">"
        cut = m["cut"]
        cutoff: float | str = cut if cut.casefold() == "median" else float(cut.replace(",", "."))
        return clinical_grouping(cohort, m["col"], cutoff=cutoff, operator=op)
    m = _ASSAY_RE.match(text)
    if m:
        if m.group(1):
            assay, target, clone = m.group(1), m.group(2), m.group(3)
        else:
            assay, target, clone = m.group(5), m.group(4), m.group(6)
        if clone is not None and clone.casefold() in _CALL_WORDS:
            # "ALK FISH positive" is the Summary's alteration label (the Survival tab
            # offers it): resolve it as that alteration, else as the plain assay call
            try:
                return alteration_grouping(cohort, text, matrix)
            except GroupingError:
                clone = None
        try:
            return assay_call_grouping(cohort, assay, target, clone)
        except GroupingError:
            pass
    try:
        return alteration_grouping(cohort, text, matrix)
    except GroupingError as exc:
        raise GroupingError(
            f"{text!r} is neither a column of the sheet nor an alteration "
            f"({exc}); check the spelling as 'imft summary' prints it"
        ) from exc


# --------------------------------------------------------------------------- endpoints
@dataclass(frozen=True)
class Endpoint:
    """A time-to-event endpoint: a time column and an event column (1 = event).

    ``event_value`` optionally names the raw value meaning "event" (e.g. ``2`` for R's
    1/2 coding); every other valid value then means censored.

    ``unit`` is the unit results are shown in.  ``stored_unit``, when set, is the unit
    the time column holds (canonical time fields hold months; see
    ``model.time_units``) and ``endpoint_rows`` converts from it to ``unit``; when
    ``None`` the times are used as stored and ``unit`` only labels them.  ``in_unit``
    gives the endpoint in the sheet's unit or in one the user chose.
    """

    time_col: str
    event_col: str
    unit: str = "months"
    name: str = ""
    event_value: str | None = None
    stored_unit: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.time_col


PFS = Endpoint("pfs_months", "pfs_event", "months", "PFS")
OS = Endpoint("os_months", "os_event", "months", "OS")


def stored_unit(cohort: Cohort, endpoint: Endpoint) -> str | None:
    """The unit the endpoint's time column holds in the cohort: months for a canonical
    time field (the importer converts), the header's unit for a sheet column, else
    ``None`` (the sheet does not say)."""
    col = find_column(cohort, endpoint.time_col) or endpoint.time_col
    if col.endswith("_months"):
        return STORAGE_UNIT
    return unit_in_header(col) or unit_in_header(endpoint.time_col)


def in_unit(cohort: Cohort, endpoint: Endpoint, unit: str | None = None) -> Endpoint:
    """``endpoint`` shown in ``unit`` (any spelling), by default in the unit of the
    sheet it came from ("PFS (days)" -> days).

    Raises
    ------
    GroupingError
        When ``unit`` is not days, weeks, months or years.
    """
    stored = stored_unit(cohort, endpoint)
    if unit:
        chosen = normalise_unit(unit)
        if chosen is None:
            raise GroupingError(f"unknown unit {unit!r} (days, weeks, months or years)")
        # a sheet column that states no unit is taken to be in the unit the user names
        return replace(endpoint, unit=chosen, stored_unit=stored or chosen)
    col = find_column(cohort, endpoint.time_col) or endpoint.time_col
    if stored is None:
        return replace(endpoint, stored_unit=None)
    shown = source_unit(cohort.study, col) if col.endswith("_months") else stored
    return replace(endpoint, unit=shown, stored_unit=stored)


def resolve_endpoint(text: str) -> Endpoint:
    """``PFS`` or ``OS`` (case-insensitive)."""
    key = text.strip().upper()
    if key == "PFS":
        return PFS
    if key == "OS":
        return OS
    raise GroupingError(f"unknown endpoint {text!r} (PFS or OS, or give --time and --event)")


def _event_value(v: Any) -> int | None:
    """1 / 0 for an event cell (numbers 0/1, the shared event vocabulary, cBioPortal
    "1:PROGRESSED"), ``None`` for anything else: never guessed."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | np.integer | float | np.floating):
        return int(v) if float(v) in (0.0, 1.0) else None
    code = default_code(v)
    if code is None and ":" in str(v):  # "1: progressed" with odd spacing
        code = default_code(str(v).split(":", 1)[0])
    return code


def parse_events(values: pd.Series, event_value: str | None = None) -> pd.Series:
    """Events as 1.0 / 0.0 / NaN (invalid or missing).

    Raises
    ------
    EventCodingError
        When the numeric values are {1, 2} without 0 (R's censored=1 / event=2 coding)
        and no ``event_value`` says what 2 means.
    """
    if event_value is not None:
        ev = str(event_value).strip().casefold()

        def as_code(v: Any) -> str | None:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            s = str(v).strip().casefold()
            with contextlib.suppress(ValueError):
                s = _fmt_number(float(s))
            return s or None

        with contextlib.suppress(ValueError):
            ev = _fmt_number(float(ev))
        codes = values.map(as_code)
        return codes.map(lambda c: np.nan if c is None else float(c == ev)).astype(float)
    nums = _to_float(values)
    distinct = set(nums.dropna().unique().tolist())
    if distinct and distinct <= {1.0, 2.0} and 2.0 in distinct:
        raise EventCodingError(
            "the event column holds 1 and 2 but no 0: in R's coding 1 = censored and "
            "2 = event; say which value means an event (event_value=2)"
        )
    out = nums.where(nums.isin([0.0, 1.0]))
    words = values.notna() & nums.isna()
    if words.any():  # text codes ("yes", "1:PROGRESSED") element by element
        out[words] = values[words].map(_event_value).astype(float)
    return out.astype(float)


def _to_float(values: pd.Series) -> pd.Series:
    """Numbers as floats (NaN when missing or not a number); "7,5" reads as 7.5."""
    fast = pd.to_numeric(values, errors="coerce")
    todo = fast.isna() & values.notna()
    if todo.any():
        fixed = pd.to_numeric(
            values[todo].astype(str).str.strip().str.replace(",", ".", regex=False),
            errors="coerce")
        fast = fast.astype(float)
        fast[todo] = fixed
    return fast.astype(float)


@dataclass
class SurvivalData:
    """One row per patient: ``patient_id, sample_id, time, event, group``.

    ``excluded`` lists ``(sample_id, reason)`` pairs; ``levels`` the group order.
    """

    frame: pd.DataFrame
    endpoint: Endpoint
    grouping: Grouping | None
    levels: tuple[str, ...]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.frame)

    def excluded_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, reason in self.excluded:
            out[reason] = out.get(reason, 0) + 1
        return out


def endpoint_rows(cohort: Cohort, endpoint: Endpoint) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Per-sample rows with a valid time and event, and the excluded ``(sample, reason)``.

    The frame is indexed by ``sample_id`` with columns ``sample_id, patient_id, time,
    event``.  Excluded: missing / non-numeric / negative / non-finite time, missing or
    invalid event.
    """
    df = _clinical_frame(cohort)
    excluded: list[tuple[str, str]] = []
    for col in (endpoint.time_col, endpoint.event_col):
        if find_column(cohort, col) is None:
            raise GroupingError(f"no column called {col!r}")
    tcol = find_column(cohort, endpoint.time_col) or endpoint.time_col
    ecol = find_column(cohort, endpoint.event_col) or endpoint.event_col
    times = _to_float(df[tcol])
    if endpoint.stored_unit is not None:
        times = convert(times, endpoint.stored_unit, endpoint.unit)
    events = parse_events(df[ecol], endpoint.event_value)
    pid = df["patient_id"]
    pid_ok = pid.notna() & pid.astype(str).str.strip().ne("")
    out = pd.DataFrame({
        "sample_id": df["sample_id"].astype(str).values,
        "patient_id": np.where(pid_ok, pid.astype(str), df["sample_id"].astype(str)),
        "time": times.values,
        "event": events.values,
    }, index=df.index)
    tv = out["time"]
    bad_time = tv.isna() | ~np.isfinite(tv.fillna(0)) | (tv < 0)
    for sid in out.index[bad_time]:
        t = df.at[sid, tcol]
        parsed = tv[sid]
        if t is None or (isinstance(t, float) and math.isnan(t)) or str(t).strip() == "":
            why = "missing time"
        elif pd.isna(parsed):
            why = "time is not a number"
        elif not math.isfinite(float(parsed)):
            why = "time is not finite"
        else:
            why = "negative time"
        excluded.append((sid, why))
    out = out.loc[~bad_time]
    bad_event = out["event"].isna()
    for sid in out.index[bad_event]:
        raw = df.at[sid, ecol]
        empty = raw is None or (isinstance(raw, float) and math.isnan(raw)) or not str(raw).strip()
        excluded.append((sid, "missing event" if empty else "event is not 0/1"))
    out = out.loc[~bad_event].copy()
    out["event"] = out["event"].astype(int)
    return out, excluded


def attach_grouping(rows: pd.DataFrame, excluded: list[tuple[str, str]], endpoint: Endpoint,
                    grouping: Grouping | None) -> SurvivalData:
    """Add the group of each row (from ``endpoint_rows``) and reduce to one row per patient.

    Samples outside the grouping are excluded with the grouping's reason; patients whose
    samples fall in different groups are excluded; several samples of one patient in
    the same group count once (noted).
    """
    excluded = list(excluded)
    notes: list[str] = []
    out = rows.copy()
    if grouping is not None:
        out["group"] = grouping.labels.reindex(out.index).values
        no_group = out["group"].isna()
        if no_group.any():
            reason_of = {s: r for r, ids in grouping.excluded.items() for s in ids}
            for sid in out.index[no_group]:
                excluded.append(
                    (sid, f"{grouping.name}: {reason_of.get(sid, MISSING_VALUE)}")
                )
            out = out.loc[~no_group]
        levels: tuple[str, ...] = grouping.levels
    else:
        out["group"] = "all"
        levels = ("all",)
    dup = out["patient_id"].duplicated(keep=False)
    if dup.any():
        keep = list(out.index[~dup])
        for pid, grp in out.loc[dup].groupby("patient_id", sort=False):
            if grp["group"].nunique() == 1:
                keep.append(grp.index[0])
                notes.append(f"patient {pid}: {len(grp)} samples in the same group, counted once")
            else:
                for sid in grp.index:
                    excluded.append((sid, "samples of this patient fall in different groups"))
        out = out.loc[out.index.isin(keep)]
    out = out.reset_index(drop=True)
    return SurvivalData(out, endpoint, grouping, tuple(levels), excluded, notes)


def survival_data(cohort: Cohort, endpoint: Endpoint, grouping: Grouping | None = None
                  ) -> SurvivalData:
    """Join an endpoint and a grouping into one analysable row per patient.

    Excluded (and listed with the reason): missing / non-numeric / negative / non-finite
    time, missing or invalid event, samples outside the grouping (not tested, missing
    value), and patients whose samples fall in different groups.  When a patient has
    several samples in the same group the patient is counted once (noted).
    """
    rows, excluded = endpoint_rows(cohort, endpoint)
    return attach_grouping(rows, excluded, endpoint, grouping)
