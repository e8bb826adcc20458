"""Mapping profiles: which column of a one-row-per-case sheet holds what, saved as JSON.

A profile is what the mapping step of the import wizard shows and the user confirms.
It is saved (atomically, with a schema version) so the next export of the same sheet
maps in one click, even when columns have moved (``reapply.apply_profile``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imft_desktop import __version__
from imft_desktop.io.mapping.meanings import check_meanings
from imft_desktop.io.mapping.targets import EXTRA, IGNORE, parse_target
from imft_desktop.io.read.guard import current_budget, read_input_bytes
from imft_desktop.io.read.raw import UnreadableFile
from imft_desktop.io.write.atomic import atomic_write_text

#: Version of the profile JSON layout written by this code.
#: 2: columns carry ``value_meanings`` (the value dictionary's chosen meanings).
#: 3: ``reading`` holds how values are read (decimal comma, text encoding and
#:    delimiter, FISH threshold, genome assembly); see ``ReadingOptions``.
SCHEMA_VERSION = 3
#: Largest mapping profile read (a real one is a few KB).
PROFILE_MAX_BYTES = 16 * 1024 * 1024

#: Upgrades of older profile layouts: ``MIGRATIONS[n]`` turns a version-``n`` dict into
#: a version-``n + 1`` dict.  Add one entry per layout change; never edit old entries.
def _add_value_meanings(data: dict[str, Any]) -> dict[str, Any]:
    """Layout 1 -> 2: every column gets an empty ``value_meanings``."""
    columns = [dict(c, value_meanings=c.get("value_meanings") or {})
               for c in data.get("columns", []) if isinstance(c, dict)]
    return dict(data, columns=columns)


def _add_reading_options(data: dict[str, Any]) -> dict[str, Any]:
    """Layout 2 -> 3: the program's defaults for reading (nothing was chosen then; the
    event coding already had its own key, ``event_coding``)."""
    return dict(data, reading=ReadingOptions().to_dict())


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _add_value_meanings,
    2: _add_reading_options,
}

#: Genome assemblies a profile can name (the Study sheet's ``assembly`` choices).
ASSEMBLIES = ("hg19", "hg38")
#: Other names of the same assemblies, as users write them.
ASSEMBLY_SYNONYMS = {"grch37": "hg19", "b37": "hg19", "grch38": "hg38"}


def normalise_assembly(text: str) -> str | None:
    """``"hg19"`` or ``"hg38"`` for any usual spelling (GRCh37, GRCh38, b37), else None."""
    key = text.strip().casefold()
    return key if key in ASSEMBLIES else ASSEMBLY_SYNONYMS.get(key)


@dataclass
class ReadingOptions:
    """How the cells of a sheet are read: the choices a user makes beside the mapping.

    Every default means "as the program decides" (detection, the Study sheet, the
    built-in rules), so a profile saved without touching them changes nothing.  The
    coding of event columns is ``MappingProfile.event_coding`` (it predates layout 3).

    Attributes
    ----------
    decimal_comma:
        Read "7,5" as 7.5.  Off by default: a comma can be a thousands separator, so
        such cells are errors unless the user says the sheet uses decimal commas.
    encoding:
        Text files: the character encoding (``"cp1252"``); ``None`` detects it.
    delimiter:
        Text files: the field separator (``";"``); ``None`` detects it.
    fish_threshold:
        FISH positivity threshold in % of nuclei; ``None`` takes the Study sheet's, else
        15 %.
    assembly:
        Genome assembly of copy-number segments (``"hg19"`` or ``"hg38"``); ``None``
        takes the Study sheet's, else hg38.
    """

    decimal_comma: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    fish_threshold: float | None = None
    assembly: str | None = None

    def __post_init__(self) -> None:
        if self.fish_threshold is not None and not 0 < self.fish_threshold <= 100:
            raise ValueError(f"FISH threshold {self.fish_threshold:g}% is not in 0-100%")
        if self.assembly is not None:
            canonical = normalise_assembly(self.assembly)
            if canonical is None:
                raise ValueError(f"genome assembly {self.assembly!r} is not hg19 or hg38")
            self.assembly = canonical
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError(f"delimiter {self.delimiter!r} is not one character")

    @property
    def is_default(self) -> bool:
        """True when nothing differs from the program's own choices."""
        return self == ReadingOptions()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (every key, defaults included)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> ReadingOptions:
        """From ``to_dict``'s dict; unknown keys are ignored (a later layout may add
        some), a wrong value raises ``ValueError``."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise TypeError("reading must be an object")
        threshold = data.get("fish_threshold")
        return cls(
            decimal_comma=bool(data.get("decimal_comma", False)),
            encoding=_text_or_none(data.get("encoding")),
            delimiter=_text_or_none(data.get("delimiter"), strip=False),
            fish_threshold=None if threshold is None else float(threshold),
            assembly=_text_or_none(data.get("assembly")),
        )


def _text_or_none(value: Any, strip: bool = True) -> str | None:
    if value is None:
        return None
    text = str(value).strip() if strip else str(value)
    return text or None


@dataclass
class ColumnMapping:
    """One source column and the target it feeds.

    Attributes
    ----------
    column:
        Excel column letter in the sheet the profile was made on.
    header:
        Header text as found (two-level headers flattened: "IHC ALK").
    target:
        Target string (see ``targets``); ``"extra"`` keeps the column as a
        clinical column, ``"ignore"`` drops it.
    confidence:
        0..1; 1 for a user's choice, 0 for an unrecognised header.
    reason:
        Why the target was proposed ("header mentions IHC and clone D5F3").
    event_coding:
        For event columns only: raw text (case-folded) -> 1 (event) / 0 (censored),
        overriding ``MappingProfile.event_coding`` (used for inverted "censored" columns).
    value_meanings:
        Meanings the user chose in the value dictionary: value key (case- and
        space-folded cell text, ``meanings.value_key``) -> a token of
        ``meanings.choices_for(target)`` ("no loss" -> "neutral", "nd" -> "not tested").
    """

    column: str
    header: str
    target: str
    confidence: float = 0.0
    reason: str = ""
    event_coding: dict[str, int] | None = None
    value_meanings: dict[str, str] = field(default_factory=dict)

    @property
    def is_mapped(self) -> bool:
        """True when the column feeds a canonical table (not extra / ignore)."""
        return self.target not in (EXTRA, IGNORE)


@dataclass
class ProfileApplication:
    """Result of re-applying a saved profile to a (possibly rearranged) sheet.

    Attributes
    ----------
    profile:
        The profile adjusted to this sheet (letters and header row updated).
    unmatched:
        Saved columns found neither by header nor by letter.
    new_columns:
        Sheet columns the saved profile does not know, with the recogniser's suggestion;
        they are in ``profile`` as ``extra`` until the user confirms a target.
    moved:
        Saved columns found under another letter: (header, old letter, new letter).
    matched_by_letter:
        Letters matched only by position (their header text changed).
    """

    profile: MappingProfile
    unmatched: list[ColumnMapping] = field(default_factory=list)
    new_columns: list[ColumnMapping] = field(default_factory=list)
    moved: list[tuple[str, str, str]] = field(default_factory=list)
    matched_by_letter: list[str] = field(default_factory=list)

    @property
    def is_exact(self) -> bool:
        """True when every saved column was found under its header and nothing is new."""
        return not (self.unmatched or self.new_columns or self.matched_by_letter)


@dataclass
class MappingProfile:
    """How one one-row-per-case sheet maps onto the canonical tables.

    Attributes
    ----------
    name:
        Profile name shown to the user.
    header_row:
        Excel row number of the header (the lower row of a two-level header).
    sheet:
        Sheet name the profile was made on.
    columns:
        One ``ColumnMapping`` per non-empty column, in sheet order.
    event_coding:
        Optional raw text (case-folded) -> 1/0 for every event column without its own
        coding (e.g. ``{"progressed": 1, "censored": 0}``, R's ``{"1": 0, "2": 1}``);
        empty = importer defaults.
    created_with:
        App version that made the profile.
    reading:
        How the cells are read (decimal comma, encoding, FISH threshold, assembly).
    """

    name: str
    header_row: int
    sheet: str
    columns: list[ColumnMapping] = field(default_factory=list)
    event_coding: dict[str, int] = field(default_factory=dict)
    created_with: str = __version__
    reading: ReadingOptions = field(default_factory=ReadingOptions)

    # ------------------------------------------------------------------ queries
    def column(self, letter: str) -> ColumnMapping | None:
        """The mapping of column ``letter`` (or ``None``)."""
        for c in self.columns:
            if c.column == letter:
                return c
        return None

    def by_target(self, target: str) -> list[ColumnMapping]:
        """Columns mapped to ``target`` (exact string)."""
        return [c for c in self.columns if c.target == target]

    def mapped(self) -> list[ColumnMapping]:
        """Columns that feed canonical tables."""
        return [c for c in self.columns if c.is_mapped]

    def set_target(self, letter: str, target: str) -> ColumnMapping:
        """Record the user's choice for column ``letter`` (confidence 1).

        Raises
        ------
        ValueError
            When ``target`` does not parse; ``KeyError`` when the column is unknown.
        """
        text = parse_target(target).text
        c = self.column(letter)
        if c is None:
            raise KeyError(letter)
        if text != c.target or c.confidence < 1.0:
            c.target = text
            c.confidence = 1.0
            c.reason = "chosen by the user"
            if not text.endswith("_event"):
                c.event_coding = None
            # Meanings belong to a kind of column; a new kind starts with none.
            c.value_meanings = {k: v for k, v in c.value_meanings.items()
                                if not check_meanings(text, {k: v})}
        return c

    def set_value_meaning(self, letter: str, key: str, token: str | None) -> ColumnMapping:
        """Record the user's meaning for value ``key`` of column ``letter``; ``None``
        goes back to the built-in reading.

        Raises
        ------
        ValueError
            When ``token`` is not offered for the column's kind; ``KeyError`` when the
            column is unknown.
        """
        c = self.column(letter)
        if c is None:
            raise KeyError(letter)
        if token is None:
            c.value_meanings.pop(key, None)
            return c
        problems = check_meanings(c.target, {key: token})
        if problems:
            raise ValueError(problems[0])
        c.value_meanings[key] = token
        return c

    def check(self) -> list[str]:
        """Problems a user must fix before import, in words (empty when usable).

        Invalid target strings, a target mapped from two columns, no sample ID column.
        """
        problems: list[str] = []
        seen: dict[tuple[str, str, tuple[str, ...]], str] = {}
        for c in self.columns:
            try:
                t = parse_target(c.target)
            except ValueError as exc:
                problems.append(f"column {c.column} ({c.header}): {exc}")
                continue
            problems.extend(f"column {c.column} ({c.header}): {p}"
                            for p in check_meanings(t.text, c.value_meanings))
            if not c.is_mapped or t.text == "cn_calls.list":
                continue
            key = (t.table, t.field, t.params)  # PFS in days and in months collide
            if key in seen:
                problems.append(
                    f"columns {seen[key]} and {c.column} are both mapped to {t.label}"
                )
            seen.setdefault(key, c.column)
        ids = {k[:2] for k in seen}
        if ("samples", "sample_id") not in ids and ("samples", "patient_id") not in ids:
            problems.append("no column is mapped to the sample ID (or the patient ID)")
        return problems

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ``schema_version``."""
        out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        out.update(asdict(self))
        return out

    def to_json(self) -> str:
        """The profile as JSON text (UTF-8 safe, stable key order)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MappingProfile:
        """Build a profile from a dict of any known schema version (migrating it).

        Raises
        ------
        ValueError
            When the layout is newer than this program or a field is missing.
        """
        data = migrate(dict(data))
        try:
            columns = [
                ColumnMapping(
                    column=str(c["column"]),
                    header=str(c.get("header", "")),
                    target=str(c["target"]),
                    confidence=float(c.get("confidence", 0.0)),
                    reason=str(c.get("reason", "")),
                    event_coding=_coding(c.get("event_coding")),
                    value_meanings=_meanings(c.get("value_meanings")),
                )
                for c in data.get("columns", [])
            ]
            return cls(
                name=str(data.get("name", "")),
                header_row=int(data["header_row"]),
                sheet=str(data.get("sheet", "")),
                columns=columns,
                event_coding=_coding(data.get("event_coding")) or {},
                created_with=str(data.get("created_with", "")),
                reading=ReadingOptions.from_dict(data.get("reading")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"mapping profile is incomplete: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> MappingProfile:
        """Parse JSON text written by ``to_json`` (any known schema version)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"mapping profile is not valid JSON: {exc}") from exc
        except RecursionError as exc:  # "[[[[...": nesting deeper than the parser's stack
            raise ValueError("mapping profile is nested too deeply to be a profile") from exc
        if not isinstance(data, dict):
            raise ValueError("mapping profile must be a JSON object")
        return cls.from_dict(data)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the profile atomically (temporary file in the same folder, then replace)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, self.to_json() + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MappingProfile:
        """Read a profile saved by ``save``.

        Through the reader guard: a pipe or device is refused, and so is a file over
        ``PROFILE_MAX_BYTES`` (a real profile is a few KB).  Raises ``UnreadableFile``.
        """
        budget = current_budget()
        budget = budget.with_values(max_file_bytes=min(budget.max_file_bytes, PROFILE_MAX_BYTES))
        data = read_input_bytes(Path(path), budget)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                "TEXT_ENCODING", f"{Path(path).name} is not a mapping profile (not UTF-8 text)."
            ) from exc
        return cls.from_json(text)

    # ------------------------------------------------------------------ re-application


def _meanings(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, dict):
        raise TypeError("value_meanings must be an object")
    return {str(k): str(v) for k, v in value.items()}


def _coding(value: Any) -> dict[str, int] | None:
    if not value:
        return None
    if not isinstance(value, dict):
        raise TypeError("event_coding must be an object")
    out: dict[str, int] = {}
    for k, v in value.items():
        code = int(v)
        if code not in (0, 1):
            raise TypeError(f"event coding of {k!r} must be 0 or 1")
        out[str(k)] = code
    return out


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a profile dict to ``SCHEMA_VERSION`` through ``MIGRATIONS``.

    Raises
    ------
    ValueError
        When the dict comes from a newer program or a migration step is missing.
    """
    version = int(data.get("schema_version", SCHEMA_VERSION))
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"this mapping profile was saved by a newer version (layout {version}); "
            f"this program reads up to layout {SCHEMA_VERSION}"
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no upgrade from mapping profile layout {version}")
        data = step(data)
        version += 1
        data["schema_version"] = version
    return data
