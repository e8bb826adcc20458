"""Parsed distinct values of one parser, and the lookups that spread them over rows.

The validator parses each distinct raw value of a column once.  What it then needs per
row (the normalised value, the raw text) is kept here as plain dicts, so a column is
filled by a C-level ``map`` over its cells, and what needs a closer look (notes,
structured extras, missing tokens, empty values) is a small set found with a C-level
set intersection.  For parsers whose result depends on the value alone, one memo serves
every column of an import: the sample IDs of a 100,000-row sheet recur in every table
fed by that sheet and are parsed once, not twenty times.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np

from imft_desktop.io.validation.values import (
    WRAPPERS,
    Parsed,
    Parser,
    parse_cell,
    parse_id,
    plain_ids,
    raw_text,
)

#: Cell types whose raw text is the cell itself (``raw_text`` is the identity on them).
TEXT_TYPES = frozenset({str, type(None)})


#: Parsers with a batch fast path: texts -> (plain texts, the rest to parse one by one).
_PLAIN_BATCH: dict[Parser, Callable[[list[str]], tuple[list[str], list[str]]]] = {
    parse_id: plain_ids,
}
#: Fewer new values than this are parsed one by one (the batch has fixed costs).
_BATCH_MIN = 64


class ValueMemo:
    """Results of one parser for the distinct raw values seen so far.

    Attributes
    ----------
    parsed:
        Raw value -> ``Parsed``, for every value except those a batch fast path found
        plain (their result is ``Parsed(value)``: no notes, the value unchanged).
    value:
        Raw value -> normalised value (``Parsed.value``); holds every value seen.
    raw:
        Raw value -> its text as stored in ``raw:<field>`` columns.
    special:
        Raw values whose result has notes, extras or a missing token, or no value: the
        only ones a column's findings and extra columns are built from.
    """

    __slots__ = ("parsed", "parser", "raw", "special", "value")

    def __init__(self, parser: Parser | None = None):
        self.parser = parser
        self.parsed: dict[Any, Parsed] = {}
        self.value: dict[Any, Any] = {}
        self.raw: dict[Any, str | None] = {}
        self.special: set[Any] = set()

    @classmethod
    def of(cls, parsed: dict[Any, Parsed]) -> ValueMemo:
        """A memo of results computed elsewhere (event columns are resolved per column)."""
        memo = cls()
        for v, p in parsed.items():
            memo._store(v, p)
        return memo

    def learn(self, distinct: dict[Any, None]) -> None:
        """Parse the values of ``distinct`` (a column's distinct values) not seen yet."""
        parser = self.parser
        if parser is None:
            raise ValueError("this memo has no parser")
        if not self.value:
            new: Collection[Any] = distinct.keys()
        elif self.value.keys() >= distinct.keys():
            return  # every value known (no set is built for the common case)
        else:
            new = distinct.keys() - self.value.keys()
        batch = _PLAIN_BATCH.get(parser)
        if batch is not None and len(new) > _BATCH_MIN:
            texts = list(new)
            if set(map(type, texts)) == {str}:
                plain, new = batch(texts)
                self.value.update(zip(plain, plain))
                self.raw.update(zip(plain, plain))
        for v in new:
            self._store(v, parse_cell(v, parser) if isinstance(v, WRAPPERS) else parser(v))

    def _store(self, v: Any, p: Parsed) -> None:
        self.parsed[v] = p
        self.value[v] = p.value
        self.raw[v] = v if type(v) in TEXT_TYPES else raw_text(v)
        if p.notes or p.extra or p.missing is not None or p.value is None:
            self.special.add(v)

    def special_in(self, distinct: dict[Any, None]) -> set[Any]:
        """The special values among a column's ``distinct`` values."""
        return self.special.intersection(distinct)


@dataclass
class ParsedColumn:
    """One column parsed: its (hashable) cells, their distinct values, the memo that
    holds their results, and the normalised and raw columns as object arrays."""

    values: list[Any]
    distinct: dict[Any, None]
    memo: ValueMemo
    data: np.ndarray
    raw: np.ndarray

    @classmethod
    def build(cls, values: list[Any], distinct: dict[Any, None], types: set[type],
              memo: ValueMemo) -> ParsedColumn:
        """Spread ``memo``'s results over ``values`` (C-level lookups, no lists)."""
        n = len(values)
        data = np.fromiter(map(memo.value.__getitem__, values), dtype=object, count=n)
        # raw_text is the identity on text, so a text column is its own raw column
        raw = np.fromiter(
            values if types <= TEXT_TYPES else map(memo.raw.__getitem__, values),
            dtype=object, count=n,
        )
        return cls(values, distinct, memo, data, raw)

    def same_cells(self, values: list[Any]) -> bool:
        """True when ``values`` holds the same cells (another table fed by the same
        column of a one-row-per-case sheet): C-level, identical objects compare first."""
        return len(values) == len(self.values) and values == self.values

    def copy(self) -> ParsedColumn:
        """The same result with its own arrays (frames built from it stay independent)."""
        return ParsedColumn(self.values, self.distinct, self.memo, self.data.copy(),
                            self.raw.copy())


def spread(values: list[Any], per_value: dict[Any, Any]) -> list[Any]:
    """``[per_value[v] for v in values]`` as a C-level loop."""
    return list(map(per_value.__getitem__, values))


def spread_sparse(values: list[Any], distinct: dict[Any, None], some: dict[Any, Any]) -> list[Any]:
    """Like ``spread`` where only the values in ``some`` map to something (else None)."""
    lookup = dict.fromkeys(distinct)
    lookup.update(some)
    return spread(values, lookup)


def row_groups(values: list[Any], wanted: set[Any]) -> dict[Any, list[int]]:
    """Row indices of each wanted value (ascending), groups in first-seen order.

    Only the wanted values are grouped: a column of 100,000 sample IDs with one
    flagged ID costs one C-level pass and a sort of that ID's rows, not of every row.
    """
    if not wanted:
        return {}
    ordered = list(wanted)
    index: dict[Any, int] = dict.fromkeys(values, -1)
    for k, v in enumerate(ordered):
        index[v] = k
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values))
    rows = np.flatnonzero(codes >= 0)
    sub = codes[rows]
    order = np.argsort(sub, kind="stable")
    rows, sub = rows[order], sub[order]
    bounds = np.searchsorted(sub, np.arange(len(ordered) + 1))
    groups = [rows[bounds[k]:bounds[k + 1]].tolist() for k in range(len(ordered))]
    # first-seen order: by each value's first row
    return {ordered[k]: groups[k] for k in sorted(
        (k for k in range(len(ordered)) if groups[k]), key=lambda k: groups[k][0])}
