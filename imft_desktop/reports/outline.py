"""A report the user composes: an outline of sections, each naming a study and its options.

An outline item does not hold numbers or pictures.  It says which study to run and with
which options (``kind`` and ``params``), so the printed section is always computed from
the cohort as it is when printed, by the same study function the tab used, and the
outline can be kept in a project file as plain JSON and printed again years later.

The kinds are the report's chapters (:data:`KINDS`); the renderer for each kind lives
with its chapter and is looked up when the outline is printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Layout of the outline's JSON; a newer program reads every older layout.
OUTLINE_VERSION = 1

#: The section kinds an outline item can name, in the order of the default report.
KINDS: tuple[str, ...] = (
    "characteristics",  # Table 1: cohort characteristics, optionally by a group
    "frequencies",      # alteration frequencies (altered/tested)
    "partners",         # fusion partners per driver gene
    "oncoprint",
    "copy_number",      # genome-wide gains/losses, burden, recurrent focal loci
    "concordance",      # agreement of assays (params: gene, optional)
    "cooccurrence",     # pairs of alterations found together or apart
    "survival",         # Kaplan-Meier, log-rank, Cox for one grouping (or all patients)
    "screen",           # every alteration against the endpoint (forest plot, BH q)
    "response",         # RECIST, ORR, Fisher, measure by response (params: grouping)
    "readings",         # how the sheet was read: warnings and chosen meanings
    "methods",          # methods assembled from the printed results
)

#: Orientations a composed report may be printed in.
ORIENTATIONS = ("portrait", "landscape")

#: What each kind is called where the user reads the outline (dock, tooltips).
KIND_LABELS: dict[str, str] = {
    "characteristics": "Cohort characteristics (Table 1)",
    "frequencies": "Alteration frequencies",
    "partners": "Fusion partners",
    "oncoprint": "Oncoprint",
    "copy_number": "Copy-number overview",
    "concordance": "Assay concordance",
    "cooccurrence": "Co-occurrence",
    "survival": "Kaplan-Meier, log-rank and Cox",
    "screen": "Alteration screen",
    "response": "Response",
    "readings": "How the sheet was read",
    "methods": "Methods",
}

#: Options shown first in an item's description, in this order; the rest follow sorted.
_PARAM_ORDER = ("endpoint", "grouping", "measure", "gene", "group", "unit", "ci_transform",
                "reference")

JsonScalar = str | int | float | bool | None


def _freeze(value: Any) -> Any:
    """Lists become tuples, so an item stays hashable and comparable."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        raise TypeError("an outline parameter is a scalar or a list of scalars")
    return value


@dataclass(frozen=True)
class ReportItem:
    """One section of a composed report: a study (``kind``) with its options.

    Attributes
    ----------
    kind:
        One of :data:`KINDS`.
    title:
        The heading the user sees in the outline and on paper ("PFS by monosomy 19").
    params:
        The study's options as sorted (name, value) pairs of JSON scalars or tuples of
        them, e.g. ``(("endpoint", "PFS"), ("grouping", "monosomy 19"))``.
    """

    kind: str
    title: str
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown report section kind {self.kind!r}")

    @classmethod
    def make(cls, kind: str, title: str, params: Mapping[str, Any] | None = None
             ) -> ReportItem:
        """An item with ``params`` given as a mapping (``None`` values are dropped)."""
        pairs = tuple(sorted((str(k), _freeze(v)) for k, v in (params or {}).items()
                             if v is not None))
        return cls(kind, title, pairs)

    def param(self, name: str, default: Any = None) -> Any:
        """The value of parameter ``name`` (``default`` when it is not set)."""
        for key, value in self.params:
            if key == name:
                return value
        return default

    @property
    def options(self) -> dict[str, Any]:
        """The parameters as a dict."""
        return dict(self.params)

    def describe(self) -> str:
        """One line for the outline: the kind, then the options that are set
        ("Kaplan-Meier, log-rank and Cox · endpoint PFS · grouping monosomy 19")."""
        order = {name: i for i, name in enumerate(_PARAM_ORDER)}
        params = sorted(self.params, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        parts = [KIND_LABELS.get(self.kind, self.kind)]
        for name, value in params:
            if value is False or value == () or value == "":
                continue  # an option left off says nothing
            label = name.replace("_", " ")
            if value is True:
                parts.append(label)
            elif isinstance(value, tuple):
                parts.append(f"{label} {', '.join(str(v) for v in value)}")
            else:
                parts.append(f"{label} {value}")
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (tuples as lists)."""
        return {"kind": self.kind, "title": self.title,
                "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportItem:
        """An item from :meth:`to_json`'s output; raises ``ValueError`` on a bad one."""
        try:
            return cls.make(str(data["kind"]), str(data.get("title") or data["kind"]),
                            dict(data.get("params") or {}))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a report outline item: {data!r:.200}") from exc


@dataclass(frozen=True)
class ReportOutline:
    """The sections the user chose, in print order, and the page orientation."""

    items: tuple[ReportItem, ...] = ()
    orientation: str = "portrait"
    title: str = ""

    def __post_init__(self) -> None:
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"orientation is one of {ORIENTATIONS}, not {self.orientation!r}")

    @property
    def empty(self) -> bool:
        return not self.items

    def added(self, item: ReportItem) -> ReportOutline:
        """This outline with ``item`` at the end (an identical item is not repeated)."""
        if item in self.items:
            return self
        return ReportOutline((*self.items, item), self.orientation, self.title)

    def removed(self, index: int) -> ReportOutline:
        """This outline without the item at ``index``."""
        items = list(self.items)
        del items[index]
        return ReportOutline(tuple(items), self.orientation, self.title)

    def moved(self, index: int, to: int) -> ReportOutline:
        """This outline with the item at ``index`` moved to position ``to``."""
        items = list(self.items)
        item = items.pop(index)
        items.insert(max(0, min(to, len(items))), item)
        return ReportOutline(tuple(items), self.orientation, self.title)

    def with_items(self, items: Iterable[ReportItem]) -> ReportOutline:
        return ReportOutline(tuple(items), self.orientation, self.title)

    def with_orientation(self, orientation: str) -> ReportOutline:
        return ReportOutline(self.items, orientation, self.title)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, as kept in a project file (``version`` names the layout)."""
        return {"version": OUTLINE_VERSION, "title": self.title,
                "orientation": self.orientation,
                "items": [item.to_json() for item in self.items]}

    @classmethod
    def from_json(cls, data: Any) -> ReportOutline:
        """An outline from :meth:`to_json`'s output (or ``None``: the empty outline).

        Items of a kind this program does not know are dropped rather than failing the
        whole outline (a newer program may have written them).
        """
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("a report outline is a JSON object")
        items = []
        for raw in data.get("items") or ():
            try:
                items.append(ReportItem.from_json(raw))
            except ValueError:
                continue
        orientation = str(data.get("orientation") or "portrait")
        if orientation not in ORIENTATIONS:
            orientation = "portrait"
        return cls(tuple(items), orientation, str(data.get("title") or ""))
