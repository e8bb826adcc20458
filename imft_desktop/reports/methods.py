"""The methods section, assembled from the result objects that made the report.

Every analysis result carries the text of what it did (``method``/``methods``: test,
sidedness, CI method, correction, thresholds) and its warnings.  ``MethodsLog``
collects those texts as the report is built, in order and without duplicates, so the
methods section names exactly the tests that were run with the parameters they used;
nothing here states a method on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from imft_desktop.reports.document import Heading, Paragraph, Section

#: Attribute names under which result objects carry their method text.
METHOD_ATTRIBUTES = ("methods", "method", "p_method", "correction_method")


def method_texts(result: Any) -> list[str]:
    """Method sentences carried by ``result`` (attributes, ``attrs`` or ``to_dict()``)."""
    texts: list[str] = []

    def take(value: Any) -> None:
        if isinstance(value, str):
            if value.strip() and value.strip() not in texts:
                texts.append(value.strip())
        elif isinstance(value, (list, tuple)):
            for v in value:
                take(v)

    if isinstance(result, str):
        take(result)
        return texts
    for name in ("methods", "method"):
        take(getattr(result, name, None))
    attrs = getattr(result, "attrs", None)  # DataFrames carry method text in attrs
    if isinstance(attrs, dict):
        take(attrs.get("method"))
        take(attrs.get("methods"))
    describe = getattr(result, "describe", None)
    if callable(describe) and not texts and not hasattr(result, "columns"):
        take(describe())
    return texts


def warning_texts(result: Any) -> list[str]:
    """Warnings carried by ``result`` (``warnings`` list, ``not_testable``, notes)."""
    out: list[str] = []
    for name in ("warnings",):
        value = getattr(result, name, None)
        if isinstance(value, (list, tuple)):
            out.extend(str(v) for v in value if str(v).strip())
    reason = getattr(result, "not_testable", None)
    if isinstance(reason, str) and reason:
        out.append(reason)
    attrs = getattr(result, "attrs", None)
    if isinstance(attrs, dict) and attrs.get("note"):
        out.append(str(attrs["note"]))
    return out


@dataclass
class MethodsLog:
    """Method texts by topic, in the order the analyses ran."""

    entries: list[tuple[str, str]] = field(default_factory=list)

    def add(self, topic: str, result: Any) -> list[str]:
        """Record the method text(s) of ``result`` (or a string) under ``topic``."""
        added = []
        for text in method_texts(result):
            if (topic, text) not in self.entries:
                self.entries.append((topic, text))
                added.append(text)
        return added

    def extend(self, topic: str, results: Iterable[Any]) -> None:
        for r in results:
            self.add(topic, r)

    def texts(self) -> list[str]:
        """Every method sentence once, prefixed by its topic (for workbooks and CSV)."""
        seen: set[str] = set()
        out = []
        for topic, text in self.entries:
            if text in seen:
                continue
            seen.add(text)
            out.append(f"{topic}: {text}")
        return out

    def by_topic(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        seen: set[str] = set()
        for topic, text in self.entries:
            if text in seen:
                continue
            seen.add(text)
            grouped.setdefault(topic, []).append(text)
        return grouped

    def sections(self, title: str = "Methods") -> list[Section]:
        """The methods chapter: one paragraph per topic."""
        out: list[Section] = [Heading(title, 1)]
        grouped = self.by_topic()
        if not grouped:
            out.append(Paragraph("No statistical analysis was run for this report."))
            return out
        for topic, texts in grouped.items():
            out.append(Heading(topic, 3))
            for text in texts:
                out.append(Paragraph(_sentence(text)))
        return out


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ")", "!", "?")) else text + "."


def import_method_texts(cohort: Any) -> list[str]:
    """How the source was read, for the methods: the denominators rule, and every kind
    of interpretation beyond the literal values (WARNING findings: a sheet chosen, rows
    that are not cases, columns set aside, values turned into numbers ...), counted."""
    out = [
        "Denominators: a sample counts as tested for an alteration only where its assay "
        "reported on it; in a one-row-per-case sheet each result column decides who was "
        "tested for what it reports (blank, not-done, failed and unreadable cells are "
        "not tested, never negative), and an assay the sheet does not name is reported "
        "as not stated"]
    counts: dict[str, int] = {}
    example: dict[str, str] = {}
    for f in cohort.findings:
        if str(f.level) != "warning":
            continue
        counts[f.code] = counts.get(f.code, 0) + max(1, len(getattr(f, "rows", ()) or ()))
        example.setdefault(f.code, f.message)
    if counts:
        parts = [f"{code} x{n} (e.g. {example[code]})" for code, n in sorted(counts.items())]
        out.append("Interpretations flagged while reading the source (warnings, each "
                   "listed with its sheet, row, column and value in the program): "
                   + "; ".join(parts))
    return out

