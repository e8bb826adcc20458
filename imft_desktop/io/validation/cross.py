"""Rules across records and tables: identifiers, duplicates, calls, survival, denominators.

Runs after every raw table was parsed on its own (``tables.validate_raw_table``) and
the tables were concatenated.  Detection is vectorised with pandas; only the records
that break a rule are visited one by one to write their findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.io.read.records import RawTable
from imft_desktop.io.validation import codes
from imft_desktop.io.validation.context import effective_fish_threshold
from imft_desktop.io.validation.values import NumberRules, near_key, near_keys, parse_number
from imft_desktop.model.cohort import RAW_PREFIX
from imft_desktop.model.findings import Finding
from imft_desktop.model.schema import TABLES_BY_NAME
from imft_desktop.model.vocab import (
    ASSAY_CAPABILITIES,
    AssayCall,
    AssayStatus,
    Capability,
    Recist,
    SequencingAssay,
)

SAMPLE_TABLES = ("ihc", "fish", "sequencing", "fusions", "variants", "cn_segments", "cn_calls")
ALTERATION_TABLES = ("fusions", "variants", "cn_calls", "cn_segments")

#: Which capability an alteration table needs a sequencing assay for.
TABLE_CAPABILITY = {
    "fusions": Capability.FUSION,
    "variants": Capability.MUTATION,
    "cn_segments": Capability.COPY_NUMBER,
    "cn_calls": Capability.COPY_NUMBER,
}

_RECORD_LABEL = {
    "fusions": "fusion",
    "variants": "variant",
    "cn_segments": "copy-number segment",
    "cn_calls": "copy-number",
}

#: Median survival time above which a "months" column looks like days (GENIE heuristic).
MONTHS_MEDIAN_LIMIT = 100.0
#: A PD patient censored later than this (months) is inconsistent.
PD_CENSORED_LIMIT_MONTHS = 6.0
#: % positive tumour cells at or above which a negative IHC call is questioned.
IHC_NEGATIVE_PERCENT_LIMIT = 15.0


class _Table:
    """A validated table with the raw tables behind it, for writing findings.

    Reads go through plain lists (``col``) and writes are staged and applied once
    (``flush``): pandas' scalar ``.at`` costs ~50 us, too much for 10k findings.
    The frame has a RangeIndex, so an index label is also a position.
    """

    def __init__(self, name: str, df: pd.DataFrame, rts: list[RawTable], out: list[Finding]):
        self.name = name
        self.df = df
        self.rts = rts
        self.out = out
        self._cols: dict[str, list[Any]] = {}
        self._excluded = df["_excluded"].astype(bool).to_numpy(copy=True)
        self._reasons: dict[int, list[str]] = {}
        self._staged: dict[str, dict[int, Any]] = {}

    def col(self, name: str) -> list[Any]:
        """Column ``name`` as a list (``None`` for every row if absent)."""
        cached = self._cols.get(name)
        if cached is None:
            if name in self.df.columns:
                cached = self.df[name].tolist()
            else:
                cached = [None] * len(self.df)
            self._cols[name] = cached
        return cached

    def get(self, idx: int, name: str) -> Any:
        return self.col(name)[idx]

    def set(self, idx: int, name: str, value: Any) -> None:
        self.col(name)[idx] = value
        self._staged.setdefault(name, {})[idx] = value

    def where(self, idx: int, field: str | None) -> dict[str, Any]:
        rt_index = self.col("_rt")[idx]
        rt = self.rts[int(rt_index)] if rt_index is not None and rt_index >= 0 else None
        letter = header = None
        if field is not None and rt is not None:
            col = rt.columns.get(field)
            if col is not None:
                letter, header = col.letter, col.header
            else:  # a constant from a header: point at the record's own column
                letter = rt.record_column
                header = next((c.header for c in rt.columns.values() if c.letter == letter),
                              rt.constant_origin)
        return {
            "file": rt.file if rt else self.get(idx, "_source"),
            "sheet": rt.sheet if rt else self.get(idx, "_sheet"),
            "row": int(self.col("_row")[idx]),
            "column": letter,
            "header": header,
        }

    def raw(self, idx: int, field: str) -> Any:
        value = self.col(RAW_PREFIX + field)[idx]
        if value is not None and value == value:  # NaN where another part had no column
            return value
        value = self.col(field)[idx]
        return value if value is not None and value == value else None

    def emit(
        self,
        idx: int,
        code: str,
        field: str | None = None,
        *,
        exclude: bool = False,
        value: Any = ...,
        **params: Any,
    ) -> Finding:
        if value is ...:
            value = self.raw(idx, field) if field else None
        finding = codes.make(code, value=value, **self.where(idx, field), **params)
        self.out.append(finding)
        if exclude:
            self.exclude(idx, code)
        return finding

    def exclude(self, idx: int, code: str) -> None:
        self._excluded[idx] = True
        reasons = self._reasons.get(idx)
        if reasons is None:
            old = self.col("_reason")[idx]
            reasons = [] if old is None or old != old else str(old).split(",")
            self._reasons[idx] = reasons
        if code not in reasons:
            reasons.append(code)

    @property
    def included(self) -> pd.Series:
        return pd.Series(~self._excluded, index=self.df.index)

    def flush(self) -> None:
        """Write staged values and exclusions back into the frame."""
        for name, changes in self._staged.items():
            if name not in self.df.columns:
                self.df[name] = None
            values = self.df[name].astype(object).to_numpy(copy=True)
            for i, v in changes.items():
                values[i] = v
            self.df[name] = values
        self._staged.clear()
        if self._reasons:
            self.df["_excluded"] = self._excluded
            reasons = self.df["_reason"].astype(object).to_numpy(copy=True)
            for i, lst in self._reasons.items():
                reasons[i] = ",".join(lst)
            self.df["_reason"] = reasons


def cross_validate(
    frames: dict[str, pd.DataFrame],
    origins: dict[str, list[RawTable]],
    ctx: Any,
) -> list[Finding]:
    """Apply every cross-record rule; mutates ``frames`` (exclusions, derived values)."""
    out: list[Finding] = []
    wrapped: dict[str, _Table] = {}

    def table(name: str) -> _Table | None:
        if name in wrapped:
            return wrapped[name]
        df = frames.get(name)
        if df is None or df.empty:
            return None
        wrapped[name] = _Table(name, df, origins[name], out)
        return wrapped[name]

    study = _check_study(table("study"), ctx)
    samples = table("samples")
    folds = _Folds()
    defined = _check_samples(samples, folds)
    for name in SAMPLE_TABLES:
        t = table(name)
        if t is not None:
            _check_orphans(t, defined, samples is not None)
            _check_key_duplicates(t, folds)
    fish = table("fish")
    if fish is not None:
        _check_fish(fish, study, ctx)
    ihc = table("ihc")
    if ihc is not None:
        _check_ihc(ihc)
    fusions = table("fusions")
    if fusions is not None:
        _check_reversed_fusions(fusions)
    cn_calls = table("cn_calls")
    if cn_calls is not None:
        _check_cn_calls(cn_calls)
    segments = table("cn_segments")
    if segments is not None:
        _check_segments(segments)
    outcomes = table("outcomes")
    if outcomes is not None:
        _check_outcomes(outcomes, samples, folds)
    for t in wrapped.values():
        t.flush()
    seq = _check_sequencing(frames, {n: table(n) for n in TABLE_CAPABILITY}, out)
    for t in wrapped.values():
        t.flush()
    if seq is not None:
        frames["sequencing"] = seq
    return out


# ---------------------------------------------------------------------------- study


def _check_study(t: _Table | None, ctx: Any) -> dict[str, str]:
    study: dict[str, str] = {}
    if t is None:
        return study
    df = t.df
    for idx in df.index[t.included]:
        key, value = t.get(idx, "key"), t.get(idx, "value")
        if key is None:
            continue
        key = str(key).strip().casefold()
        if value is None:
            continue  # a key left blank is not set
        study[key] = str(value)
        if key == "fish_threshold":
            parsed = parse_number(value, _PERCENT_RULES)
            if parsed.value is None:
                t.emit(idx, "STUDY_VALUE_INVALID", "value", detail=key, exclude=True)
                del study[key]
            else:
                study[key] = str(parsed.value)
    return study


_PERCENT_RULES = NumberRules(lo=0, hi=100, percent=True)


# ---------------------------------------------------------------------------- identifiers


def _groups(keys: pd.Series) -> Iterable[list[Any]]:
    """Index groups (in row order) of ``keys`` values that occur more than once."""
    dup = keys.notna() & keys.duplicated(keep=False)
    if not dup.any():
        return []
    sub = keys[dup]
    return [list(idx) for _k, idx in sub.groupby(sub, sort=False).groups.items()]


def _code_groups(keys: np.ndarray) -> list[list[int]]:
    """Row groups (in row order) of integer keys that occur more than once; -1 never
    groups."""
    dup = np.flatnonzero(pd.Series(keys).duplicated(keep=False).to_numpy() & (keys >= 0))
    groups: dict[int, list[int]] = {}
    for idx in dup.tolist():
        groups.setdefault(int(keys[idx]), []).append(idx)
    return list(groups.values())


def _texts(values: list[Any]) -> set[str]:
    """The distinct non-missing values as text (C-level when they are all text)."""
    distinct = set(values)
    distinct.discard(None)
    if set(map(type, distinct)) <= {str}:
        return distinct
    return {str(v) for v in distinct if v == v}


def _rows_not_in(values: list[Any], known: set[str]) -> list[int]:
    """Rows (ascending) whose non-missing value is not in ``known`` as text."""
    unknown = {v for v in set(values) - known if v is not None and v == v and str(v) not in known}
    if not unknown:
        return []
    hits = np.fromiter(map(unknown.__contains__, values), dtype=bool, count=len(values))
    return np.flatnonzero(hits).tolist()


def _check_samples(t: _Table | None, folds: _Folds) -> set[str]:
    """Duplicates, patients and near-misses on the Samples table; returns defined IDs."""
    if t is None:
        return set()
    df = t.df
    ids = df["sample_id"]
    for group in _code_groups(folds.id_codes(ids.to_numpy())):
        first = group[0]
        first_row = int(t.get(first, "_row"))
        for idx in group[1:]:
            pa, pb = t.get(first, "patient_id"), t.get(idx, "patient_id")
            if pa is not None and pb is not None and pa != pb:
                t.emit(idx, "SAMPLE_PATIENT_CONFLICT", "patient_id", exclude=True,
                       normalised=pa, first_row=first_row, detail=ids[idx])
            elif ids[idx] == ids[first]:
                t.emit(idx, "ID_DUPLICATE", "sample_id", exclude=True,
                       normalised=ids[idx], first_row=first_row)
            else:
                t.emit(idx, "ID_DUPLICATE_NORMALISED", "sample_id", exclude=True,
                       detail=ids[first], first_row=first_row)
    no_patient = ids.notna() & df["patient_id"].isna()
    for idx in df.index[no_patient]:
        reason = t.get(idx, "_reason")
        if reason and any(c in str(reason) for c in ("CONTROL", "PRECISION", "CELL_", "FORMULA")):
            continue  # the patient cell already has an error of its own
        t.emit(idx, "SAMPLE_NO_PATIENT", "patient_id", exclude=True, detail=ids[idx])
    _check_near_misses(t, "sample_id", folds)
    return set(ids.dropna().astype(str))


def _check_near_misses(t: _Table, field: str, folds: _Folds) -> None:
    column = t.df[field]
    firsts = column[column.notna()].drop_duplicates()
    if len(firsts) < 2:
        return
    near = pd.Series(near_keys(firsts.astype(str).tolist()), index=firsts.index)
    folded = pd.Series(folds.fold(firsts, shared=True), index=firsts.index)
    for group in _groups(near):
        seen: dict[str, Any] = {}
        for idx in group:
            if folded[idx] in seen:
                continue  # same ID in other case: reported as a duplicate already
            if seen:
                ref = t.get(next(iter(seen.values())), field)
                this = t.get(idx, field)
                if str(this).replace("0", "") == str(ref).replace("0", ""):
                    t.emit(idx, "ID_LEADING_ZERO_COLLISION", field, detail=ref)
                else:
                    t.emit(idx, "ID_NEAR_MISS", field, normalised=ref,
                           detail="differs only in punctuation, case or leading zeros")
            seen[folded[idx]] = idx


def _check_orphans(t: _Table, defined: set[str], have_samples: bool) -> None:
    df = t.df
    ids = df["sample_id"]
    # Set arithmetic over the distinct IDs, then one C-level pass over the rows: a
    # per-row Python test cost ~0.1 s per 100k-row table.
    orphans = _rows_not_in(t.col("sample_id"), defined)
    if not orphans:
        return
    lookup: dict[str, str] = {}
    ordered = list(defined)
    for key, d in zip(near_keys(ordered), ordered):
        lookup.setdefault(key, d)
    for idx in orphans:
        sid = str(ids[idx])
        match = lookup.get(near_key(sid))
        hint = f'Did you mean "{match}"? Identifiers are never merged.' if match else (
            "Add the sample to the Samples sheet." if have_samples else
            "The file has no Samples sheet; add one listing every sample and its patient.")
        t.emit(idx, "SAMPLE_NOT_DEFINED", "sample_id", exclude=True, hint=hint, detail=hint)
        if match:
            t.emit(idx, "ID_NEAR_MISS", "sample_id", normalised=match,
                   detail="differs only in punctuation, case or leading zeros")


# ---------------------------------------------------------------------------- duplicates


class _Folds:
    """Case-folded text of key fields, computed once per distinct value.

    Sample IDs recur in every table of an import, so their folds are kept for the whole
    run; other key fields are folded per column (a shared memo could confuse ``1`` and
    ``True``, which are equal as dict keys).
    """

    def __init__(self) -> None:
        self._ids: dict[Any, str] = {}
        self._id_code: dict[Any, int] = {None: -1}
        self._fold_code: dict[str, int] = {}
        self._clean: set[Any] = set()

    def id_codes(self, values: np.ndarray) -> np.ndarray:
        """Identifier codes, equal where the folded texts are equal; -1 where missing.

        When no two of the IDs differ only in case (the usual cohort), folding changes
        no equality and the codes are a plain factorisation (C); otherwise each ID is
        folded, once per run.
        """
        distinct = set(values.tolist())
        distinct.discard(None)
        if self._fold_free(distinct):
            found, _uniques = pd.factorize(values)
            return found
        code = self._id_code
        for v in distinct - code.keys():
            if v != v:
                code[v] = -1
            else:
                code[v] = self._fold_code.setdefault(str(v).casefold(), len(self._fold_code))
        return np.fromiter(map(code.__getitem__, values.tolist()), dtype=np.int64,
                           count=len(values))

    def _fold_free(self, distinct: set[Any]) -> bool:
        """True when the texts ``distinct`` stay distinct when case-folded (checked with
        one C-level fold of the joined texts; a subset of a set found so is so too)."""
        if distinct <= self._clean:
            return True
        texts = list(distinct)
        if set(map(type, texts)) - {str}:
            return False
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1:
            return False
        if len(set(joined.casefold().split("\n"))) != len(texts):
            return False
        if len(distinct) > len(self._clean):
            self._clean = distinct
        return True

    def fold(self, values: Iterable[Any], *, shared: bool) -> list[str]:
        """The folded text of each value (``""`` for a missing one)."""
        values = list(values)
        memo = self._ids if shared else {}
        for v in set(values) - memo.keys():
            memo[v] = "" if v is None or v != v else str(v).casefold()
        return list(map(memo.__getitem__, values))

    def key_codes(self, values: Any) -> np.ndarray:
        """Integer codes equal where the folded texts are equal; -1 where missing."""
        found, uniques = pd.factorize(np.asarray(values, dtype=object))
        if not len(uniques):
            return found
        folded = np.asarray(self.fold(uniques, shared=False), dtype=object)
        refolded, _ = pd.factorize(folded)
        return np.where(found >= 0, refolded[np.maximum(found, 0)], -1)


def _duplicate_key_groups(t: _Table, folds: _Folds) -> list[list[int]]:
    """Row groups (in row order) sharing the table's key, case-insensitively; rows
    without a sample ID are never duplicates.

    Sample IDs get the run's identifier codes, other key fields are factorised (C) and
    only their distinct values folded; the duplicate test runs on integer codes.
    """
    spec = TABLES_BY_NAME[t.name]
    df = t.df
    parts = [
        folds.id_codes(df[f].to_numpy()) if f == "sample_id" else
        folds.key_codes(df[f].to_numpy() if f in df.columns else np.full(len(df), None))
        for f in spec.key
    ]
    combined = parts[0] + 1
    for part in parts[1:]:  # pairwise, re-coded each time so that it cannot overflow
        combined, _ = pd.factorize(combined * (int(part.max()) + 2) + (part + 1))
    return _code_groups(np.where(parts[0] >= 0, combined, -1))


def _check_key_duplicates(t: _Table, folds: _Folds) -> None:
    """Alteration tables: WARNING on both rows; assay tables: ERROR when calls differ."""
    spec = TABLES_BY_NAME[t.name]
    label = " / ".join(f.replace("_", " ") for f in spec.key if f != "sample_id")
    for group in _duplicate_key_groups(t, folds):
        first = group[0]
        first_row = int(t.get(first, "_row"))
        outcome_field = {"ihc": "call", "fish": "call", "cn_calls": "event"}.get(t.name)
        conflicting = outcome_field is not None and len(
            {str(t.get(i, outcome_field)) for i in group}
        ) > 1
        for idx in group[1:]:
            row = int(t.get(idx, "_row"))
            rows = (f"row {row}, twice" if row == first_row else
                    f"rows {first_row} and {row}")
            if conflicting:
                for j in (first, idx) if idx == group[1] else (idx,):
                    t.emit(j, "KEY_DUPLICATE", spec.key[-1], exclude=True, detail=label,
                           rows=rows)
            else:
                if idx == group[1]:
                    t.emit(first, "DUPLICATE_RECORD", spec.key[-1], detail=label, rows=rows)
                t.emit(idx, "DUPLICATE_RECORD", spec.key[-1], detail=label, rows=rows)


def _check_reversed_fusions(t: _Table) -> None:
    df = t.df
    if "gene_5" not in df.columns:
        return
    seen: dict[tuple[str, str, str], Any] = {}
    mask = df["gene_5"].notna() & df["gene_3"].notna() & df["sample_id"].notna()
    # Set arithmetic first: most cohorts have no fusion written both ways round.
    sids, g5s, g3s = (df.loc[mask, c].astype(str).tolist() for c in ("sample_id", "gene_5",
                                                                       "gene_3"))
    forward = set(zip(sids, g5s, g3s))
    if not any(g5 != g3 for _s, g5, g3 in forward & set(zip(sids, g3s, g5s))):
        return
    for idx in df.index[mask]:
        sid, g5, g3 = str(t.get(idx, "sample_id")), t.get(idx, "gene_5"), t.get(idx, "gene_3")
        back = seen.get((sid, g3, g5))
        if back is not None and g5 != g3:
            t.emit(idx, "FUSION_REVERSED_DUPLICATE", "fusion", detail=t.get(back, "fusion"),
                   first_row=int(t.get(back, "_row")))
        seen.setdefault((sid, g5, g3), idx)


# ---------------------------------------------------------------------------- assays


def _check_fish(t: _Table, study: dict[str, str], ctx: Any) -> None:
    """Derive blank FISH calls from % split and threshold; flag contradicting calls."""
    df = t.df
    default = effective_fish_threshold(study, ctx)
    pct = pd.to_numeric(df["percent_split"], errors="coerce")
    thr = pd.to_numeric(df["threshold"], errors="coerce").fillna(default)
    raw_call = df.get(RAW_PREFIX + "call")
    blank = df["call"].isna() | df["call"].eq(str(AssayCall.NOT_TESTED))
    if raw_call is not None:
        blank &= raw_call.isna()
    derive = blank & pct.notna() & t.included
    pct_a, thr_a = pct.to_numpy(), thr.to_numpy()
    # One INFO finding per sheet, call and threshold listing its rows (as a normalisation
    # repeated down a column): a FISH sheet of % split nuclei without calls would
    # otherwise give one note per row.
    derived: dict[tuple[Any, str, float], list[int]] = {}
    part = t.col("_rt")
    for idx in df.index[derive]:
        call = AssayCall.POSITIVE if pct_a[idx] >= thr_a[idx] else AssayCall.NEGATIVE
        t.set(idx, "call", str(call))
        derived.setdefault((part[idx], str(call), float(thr_a[idx])), []).append(idx)
    raw_pct = df.get(RAW_PREFIX + "percent_split")
    if raw_pct is not None:
        _flag_ranges_across_threshold(t, df.index[derive], raw_pct, thr_a)
    for (_part, call_text, threshold), idxs in derived.items():
        low, high = float(pct_a[idxs].min()), float(pct_a[idxs].max())
        finding = t.emit(idxs[0], "FISH_CALL_DERIVED", "percent_split",
                         value=f"{low:g}" if low == high else f"{low:g}-{high:g}",
                         normalised=call_text, detail=f"{threshold:g}")
        if len(idxs) > 1:
            rows = t.col("_row")
            t.out[-1] = replace(finding, rows=tuple(int(rows[i]) for i in idxs))
    calls = pd.Series(t.col("call"), index=df.index)
    check = ~derive & pct.notna() & t.included
    pos = check & calls.eq(str(AssayCall.POSITIVE)) & (pct < thr)
    neg = check & calls.eq(str(AssayCall.NEGATIVE)) & (pct >= thr)
    for idx in df.index[pos | neg]:
        word = "below" if pos[idx] else "at or above"
        t.emit(idx, "FISH_CALL_CONTRADICTS", "call", value=t.get(idx, "call"),
               detail=f"{pct_a[idx]:g}% split nuclei, {word} the {thr_a[idx]:g}% threshold")


#: A % split written as a range ("10-20%", "10 to 20").
_PCT_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def _flag_ranges_across_threshold(t: _Table, rows: Any, raw: Any, thr: Any) -> None:
    """A range that straddles the threshold ("10-20%" at 15%) decides the derived call
    by its midpoint alone: a WARNING on each such cell, so the call is checked."""
    for idx in rows:
        text = raw[idx]
        m = _PCT_RANGE.match(text) if isinstance(text, str) else None
        if m and float(m.group(1)) < thr[idx] <= float(m.group(2)):
            t.emit(idx, "FISH_RANGE_ACROSS_THRESHOLD", "percent_split", value=text,
                   normalised=t.get(idx, "call"), detail=f"{thr[idx]:g}")


def _check_ihc(t: _Table) -> None:
    df = t.df
    call = df["call"]
    pct = pd.to_numeric(df["percent_positive"], errors="coerce")
    hs = pd.to_numeric(df["h_score"], errors="coerce")
    inten = df["intensity"]
    pos = call.eq(str(AssayCall.POSITIVE)) & t.included
    neg = call.eq(str(AssayCall.NEGATIVE)) & t.included
    for idx in df.index[pos & (pct.eq(0) | hs.eq(0) | inten.eq("0"))]:
        what = "0% positive cells" if pct[idx] == 0 else (
            "an H-score of 0" if hs[idx] == 0 else "staining intensity 0")
        t.emit(idx, "IHC_CALL_CONTRADICTS", "call", value=call[idx], detail=what)
    for idx in df.index[neg & (pct >= IHC_NEGATIVE_PERCENT_LIMIT)]:
        t.emit(idx, "IHC_CALL_CONTRADICTS", "call", value=call[idx],
               detail=f"{pct[idx]:g}% positive tumour cells")


# ---------------------------------------------------------------------------- copy number


def _is_none(values: list[Any]) -> np.ndarray:
    """Per row, whether the value is ``None`` itself (NaN is not): a C-level comparison."""
    return np.equal(np.asarray(values, dtype=object), np.array(None, dtype=object))


def _check_cn_calls(t: _Table) -> None:
    rev = t.col("region_event")  # lists, not Series: one lookup per row
    numeric = t.col("region_numeric")
    events = t.col("event")
    # Only rows with a region whose event is written in the region cell or missing need
    # a look: in a 22q column of yes/no cells that is none of them.
    has_region = ~_is_none(t.col("region"))
    look = has_region & (~pd.isna(np.asarray(rev, dtype=object)) | _is_none(events))
    for idx in np.flatnonzero(look).tolist():
        event, region_event = events[idx], rev[idx]
        if region_event is not None and region_event == region_event:
            if event is None:
                t.set(idx, "event", region_event)
            elif event != region_event:
                t.emit(idx, "CNA_EVENT_CONFLICT", "region", normalised=event,
                       detail=region_event, exclude=True)
        elif event is None:
            reason = str(t.get(idx, "_reason") or "")
            if "VOCAB_UNKNOWN" in reason or "CELL_" in reason or "FORMULA" in reason:
                continue
            if numeric[idx] is True or (numeric[idx] is not None and numeric[idx] == 1):
                t.emit(idx, "CNA_SIGN_LOST", "region", exclude=True)
            else:
                t.emit(idx, "VALUE_REQUIRED_MISSING", "event", exclude=True)


def _check_segments(t: _Table) -> None:
    df = t.df
    start = pd.to_numeric(df["start"], errors="coerce")
    end = pd.to_numeric(df["end"], errors="coerce")
    for idx in df.index[end < start]:
        t.emit(idx, "SEGMENT_END_BEFORE_START", "end", exclude=True, detail=f"{start[idx]:.0f}")


# ---------------------------------------------------------------------------- outcomes


def _check_outcomes(t: _Table, samples: _Table | None, folds: _Folds) -> None:
    df = t.df
    pids = df["patient_id"]
    for group in _code_groups(folds.id_codes(pids.to_numpy())):
        first_row = int(t.get(group[0], "_row"))
        for idx in group[1:]:
            same = pids[idx] == pids[group[0]]
            t.emit(idx, "ID_DUPLICATE" if same else "ID_DUPLICATE_NORMALISED", "patient_id",
                   exclude=True, normalised=pids[idx], detail=pids[group[0]],
                   first_row=first_row)
    if samples is not None:
        known = _texts(samples.col("patient_id"))
        near: dict[str, str] | None = None
        for idx in _rows_not_in(t.col("patient_id"), known):
            if near is None:  # only when a patient is undefined
                ordered = list(known)
                near = dict(zip(near_keys(ordered), ordered))
            match = near.get(near_key(str(pids[idx])))
            t.emit(idx, "PATIENT_NOT_DEFINED", "patient_id",
                   hint=f'Did you mean "{match}"? Identifiers are never merged.' if match
                   else None)
        have = _texts(t.col("patient_id"))
        reported: set[str] = set()
        spids = samples.col("patient_id")
        for idx in _rows_not_in(spids, have):
            if str(spids[idx]) not in reported:
                reported.add(str(spids[idx]))
                samples.emit(idx, "PATIENT_NO_OUTCOME", "patient_id")
    for time_col, event_col in (("pfs_months", "pfs_event"), ("os_months", "os_event")):
        times = pd.to_numeric(df[time_col], errors="coerce")
        events = pd.to_numeric(df[event_col], errors="coerce")
        for idx in df.index[times < 0]:
            t.emit(idx, "PFS_NEGATIVE", time_col, exclude=True)
        for idx in df.index[times.eq(0)]:
            t.emit(idx, "PFS_ZERO", time_col)
        raw_time = df.get(RAW_PREFIX + time_col)
        no_time = times.isna() & events.notna()
        if raw_time is not None:
            # a time cell holding something unreadable is reported there, not here;
            # an explicit missing token ("NA") is a missing time like a blank cell
            token = df.get("missing:" + time_col)
            no_time &= raw_time.isna() | (token.notna() if token is not None else False)
        for idx in df.index[no_time]:
            t.emit(idx, "EVENT_WITHOUT_TIME", event_col)
        valid = times[(times >= 0) & t.included]
        if len(valid) and float(valid.median()) > MONTHS_MEDIAN_LIMIT:
            first = valid.index[0]
            where = t.where(first, time_col)
            where["row"] = None
            t.out.append(codes.make("PFS_LOOKS_LIKE_DAYS", value=f"{valid.median():g}", **where))
    resp = df["best_response"]
    times = pd.to_numeric(df["pfs_months"], errors="coerce")
    events = pd.to_numeric(df["pfs_event"], errors="coerce")
    odd = resp.eq(str(Recist.PD)) & events.eq(0) & (times > PD_CENSORED_LIMIT_MONTHS)
    for idx in df.index[odd & t.included]:
        t.emit(idx, "RESPONSE_PFS_INCONSISTENT", "best_response", value=resp[idx],
               detail=f"censored without progression at {times[idx]:g} months")


# ---------------------------------------------------------------------------- sequencing


#: Capabilities by assay name (the table holds names; one dict lookup per row).
_CAPABILITIES_BY_NAME = {str(a): caps for a, caps in ASSAY_CAPABILITIES.items()}
_CAPABILITY_NAMES = frozenset(str(c) for c in Capability)


def _check_sequencing(
    frames: dict[str, pd.DataFrame], tables: dict[str, _Table | None], out: list[Finding]
) -> pd.DataFrame | None:
    """Alterations on samples without a done assay: warn; imply the named assay as done.

    Returns the sequencing table with implied rows appended (or ``None`` if unchanged).
    """
    seq = frames.get("sequencing")
    # Which samples have a row of each assay, and which have each capability done:
    # grouped by assay (a handful of names), not a Python pass over every row.
    have: dict[str, set[str]] = {}
    done: dict[Capability, set[str]] = {c: set() for c in Capability}
    if seq is not None and not seq.empty:
        mask = (~seq["_excluded"].astype(bool) & seq["sample_id"].notna()
                & seq["assay"].notna()).to_numpy()
        ok = seq.loc[mask, ["sample_id", "assay", "status"]].reset_index(drop=True)
        is_done = ok["status"].eq(str(AssayStatus.DONE)).to_numpy()
        # A scoped row (one column of a one-row-per-case sheet) covers its capability
        # only, whatever the assay; a general row what its assay covers.
        scope = (seq["capability"].to_numpy(dtype=object)[mask] if "capability" in seq
                 else np.full(len(ok), None, dtype=object))
        scope_key = pd.Series(scope).fillna("").astype(str)
        groups = ok.groupby([ok["assay"].astype(str), scope_key], sort=False).indices
        for (assay, capability), rows in groups.items():
            sids = ok["sample_id"].to_numpy()[rows]
            have.setdefault(assay, set()).update(map(str, sids))
            done_sids = set(map(str, sids[is_done[rows]]))
            caps = ({Capability(capability)} if capability in _CAPABILITY_NAMES
                    else _CAPABILITIES_BY_NAME.get(assay, ()))
            for cap in caps:
                done[cap] |= done_sids
    implied: list[dict[str, Any]] = []
    warned: set[tuple[str, str]] = set()
    for name, cap in TABLE_CAPABILITY.items():
        t = tables.get(name)
        if t is None:
            continue
        sids = t.col("sample_id")
        lacking = {s for s in set(sids) - done[cap]
                   if s is not None and s == s and str(s) not in done[cap]}
        if not lacking:
            continue
        mask = t.included.to_numpy() & np.fromiter(
            map(lacking.__contains__, sids), dtype=bool, count=len(sids))
        assays = t.col("assay")
        for idx in np.flatnonzero(mask).tolist():
            sid, assay = str(sids[idx]), assays[idx]
            if (sid, name) not in warned:
                warned.add((sid, name))
                t.emit(idx, "ALTERATION_NOT_SEQUENCED", "sample_id", value=sid,
                       detail=_RECORD_LABEL[name])
            if assay is None or assay != assay or sid in have.get(str(assay), ()):
                continue
            if cap not in ASSAY_CAPABILITIES.get(SequencingAssay(assay), ()):
                continue
            have.setdefault(str(assay), set()).add(sid)
            for c in ASSAY_CAPABILITIES[SequencingAssay(assay)]:
                done[c].add(sid)
            t.emit(idx, "SEQUENCING_IMPLIED", "assay", value=sid, normalised=str(assay),
                   detail=name.capitalize())
            implied.append({
                "sample_id": sid, "assay": str(assay), "status": str(AssayStatus.DONE),
                "_source": t.get(idx, "_source"), "_sheet": t.get(idx, "_sheet"),
                "_row": t.get(idx, "_row"), "_column": t.get(idx, "_column"),
                "_excluded": False, "_reason": None, "implied": True,
                "_rt": -1,
            })
    if not implied:
        return None
    add = pd.DataFrame(implied)
    if seq is None or seq.empty:
        for f in TABLES_BY_NAME["sequencing"].field_names:
            if f not in add.columns:
                add[f] = None
        return add
    return pd.concat([seq, add], ignore_index=True)
