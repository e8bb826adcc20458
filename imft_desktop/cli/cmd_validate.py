"""``imft validate FILE``: check a cohort sheet and list every problem with its cell.

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 the file cannot be read or
the call is wrong.  ``--json`` prints a stable machine-readable report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imft_desktop.io.validation.codes import compact_rows
from imft_desktop.model.findings import Finding
from imft_desktop.model.progress import Progress
from imft_desktop.model.vocab import Level

NAME = "validate"
HELP = "Check a cohort spreadsheet (template or one row per case) and list its problems."

#: Files larger than this show progress on stderr even when it is not a terminal.
PROGRESS_FILE_BYTES = 5 * 1024 * 1024

#: Keys of each issue in ``--json`` output (a contract: add, never rename).  Each issue
#: also has ``file``, ``normalised`` and ``rows`` (every row it covers).
ISSUE_KEYS = ("level", "code", "sheet", "row", "column", "header", "value", "message", "hint")


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that import a file.

    The reading options (decimal comma, encoding, delimiter, FISH threshold, event
    coding, genome assembly) are also saved in a mapping profile; with ``--profile``
    the profile's apply, and an option given here wins over the profile's.
    """
    parser.add_argument("file", help="Excel workbook (.xlsx, .xls, .ods), CSV/TSV file, or an "
                                     "IMFT project (.imftproj)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--sheet", metavar="NAME",
                        help="sheet to read (one-row-per-case files)")
    parser.add_argument("--mapping", "--profile", dest="mapping", metavar="PROFILE.json",
                        help="saved column mapping profile, with the meanings chosen in the "
                             "value dictionary and the reading options below (one-row-per-"
                             "case files); an option given on the command line wins over "
                             "the profile's")
    parser.add_argument("--exclude-hidden-rows", action="store_true",
                        help="leave rows hidden in Excel out of the analysis")
    parser.add_argument("--time-unit", metavar="UNIT",
                        help="unit (days, weeks, months, years) of time columns whose "
                        "header states none (one-row-per-case files)")
    reading = parser.add_argument_group(
        "reading options", "how values are read; each one used is listed in the findings "
        "(READ_WITH_OPTIONS)")
    reading.add_argument("--decimal-comma", action=argparse.BooleanOptionalAction,
                         default=None,
                         help='read "7,5" as 7.5 (default: no, such cells are errors; '
                              "--no-decimal-comma overrides a profile)")
    reading.add_argument("--encoding", metavar="NAME",
                         help="text encoding of a CSV/TSV file, e.g. utf-8, cp1252, latin-1 "
                              "(default: detected)")
    reading.add_argument("--delimiter", metavar="CHAR",
                         help="field separator of a CSV/TSV file: a character, or comma, "
                              "semicolon, tab, pipe (default: detected)")
    reading.add_argument("--fish-threshold", type=float, metavar="PERCENT",
                         help="FISH positivity threshold in %% (default: Study sheet, or 15)")
    reading.add_argument("--event-map", metavar="TEXT=0|1,...",
                         help="coding of event columns, e.g. \"yes=1,no=0\" or R's \"1=0,2=1\" "
                              "(default: 0/1 and the usual words; 1/2 read as R's coding "
                              "with a warning)")
    reading.add_argument("--assembly", metavar="NAME",
                         help="genome assembly of copy-number segments: hg19 (GRCh37) or "
                              "hg38 (GRCh38) (default: Study sheet, or hg38)")
    limits = parser.add_argument_group(
        "reader limits", "refuse input beyond these (also set by the environment variables "
        "IMFT_MAX_FILE_MB, IMFT_MAX_UNPACKED_MB, IMFT_MAX_CELLS, IMFT_TIME_LIMIT)")
    limits.add_argument("--max-file-mb", type=_positive, metavar="MB",
                        help="largest input file (default 256)")
    limits.add_argument("--max-unpacked-mb", type=_positive, metavar="MB",
                        help="most a workbook or .gz file may unpack to (default 256)")
    limits.add_argument("--max-cells", type=_positive, metavar="N",
                        help="most cells in a text table (default 10,000,000)")
    limits.add_argument("--time-limit", type=_positive, metavar="SECONDS",
                        help="longest time to read and check the input (default 300)")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
    return value


def read_budget(args: argparse.Namespace) -> Any:
    """The ``ReadBudget`` of the environment, with the command-line limits applied."""
    from imft_desktop.io.read.guard import MiB, ReadBudget

    def mb(value: float | None) -> float | None:
        return None if value is None else value * MiB

    return ReadBudget.from_env().with_values(
        max_file_bytes=mb(getattr(args, "max_file_mb", None)),
        max_unpacked_bytes=mb(getattr(args, "max_unpacked_mb", None)),
        max_cells=getattr(args, "max_cells", None),
        max_seconds=getattr(args, "time_limit", None),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_import_arguments(parser)
    parser.add_argument("--values", action="store_true",
                        help="also list the value dictionary: each distinct value of each "
                             "mapped column, its count and what it was read as")


class UsageError(Exception):
    """A wrong option value (exit code 2)."""


def _event_map(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    out: dict[str, int] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or value.strip() not in ("0", "1") or not key.strip():
            raise UsageError(f'--event-map: "{part}" should look like "yes=1"')
        out[key.strip()] = int(value.strip())
    return out


#: ``--delimiter`` words for characters a shell makes awkward to type.
DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


def import_options(args: argparse.Namespace) -> Any:
    """``ImportOptions`` from the shared command-line options.

    With ``--profile``, the profile's reading options and event coding apply; each
    option given on the command line wins over the profile's (``--no-decimal-comma``
    turns off a profile's decimal comma).
    """
    from imft_desktop.io.importer import ImportOptions
    from imft_desktop.io.mapping.profile import ReadingOptions
    from imft_desktop.io.read.raw import UnreadableFile

    profile = None
    if getattr(args, "mapping", None):
        from imft_desktop.io.mapping import MappingProfile

        try:
            profile = MappingProfile.load(args.mapping)
        except UnreadableFile as exc:
            raise UsageError(
                f"cannot use mapping profile {Path(args.mapping).name}: {exc.message}"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(
                f"cannot use mapping profile {Path(args.mapping).name}: {exc}"
            ) from None
    saved = profile.reading if profile is not None else ReadingOptions()
    event_mapping = _event_map(getattr(args, "event_map", None))
    if event_mapping is not None and profile is not None:
        # The command line's coding wins over the profile's (which the mapping would
        # otherwise apply first); a column's own coding (an inverted "Censored") stays.
        profile.event_coding = {}
    return ImportOptions(
        sheet=getattr(args, "sheet", None),
        mapping=profile,
        include_hidden_rows=not getattr(args, "exclude_hidden_rows", False),
        fish_threshold=_first(_fish_threshold(getattr(args, "fish_threshold", None)),
                              saved.fish_threshold),
        event_mapping=event_mapping,
        decimal_comma=bool(_first(getattr(args, "decimal_comma", None), saved.decimal_comma)),
        encoding=_first(_encoding(getattr(args, "encoding", None)), saved.encoding),
        delimiter=_first(_delimiter(getattr(args, "delimiter", None)), saved.delimiter),
        budget=read_budget(args),
        time_unit=_time_unit(getattr(args, "time_unit", None)),
        assembly=_first(_assembly(getattr(args, "assembly", None)), saved.assembly),
    )


def _first(given: Any, saved: Any) -> Any:
    """The command line's value when one was given, else the profile's."""
    return given if given is not None else saved


def _fish_threshold(value: float | None) -> float | None:
    if value is not None and not 0 < value <= 100:
        raise UsageError(f"--fish-threshold: {value:g} should be a percentage above 0 and "
                         "at most 100")
    return value


def _encoding(text: str | None) -> str | None:
    """The codec name of ``--encoding`` (checked), or a UsageError."""
    import codecs

    if not text:
        return None
    try:
        return codecs.lookup(text.strip()).name
    except LookupError:
        raise UsageError(f"--encoding: {text!r} is not a text encoding Python knows "
                         "(try utf-8, cp1252, latin-1 or utf-16)") from None


def _delimiter(text: str | None) -> str | None:
    """One character, from ``--delimiter`` (a character or its name)."""
    if text is None or text == "":
        return None
    value = DELIMITER_WORDS.get(text.strip().casefold(), text)
    if value == "\\t":
        value = "\t"  # typed as backslash-t
    if len(value) != 1:
        raise UsageError(f"--delimiter: {text!r} should be one character, or comma, "
                         "semicolon, tab or pipe")
    return value


def _assembly(text: str | None) -> str | None:
    """``hg19`` or ``hg38`` from ``--assembly`` (GRCh37/GRCh38 accepted)."""
    from imft_desktop.io.mapping.profile import normalise_assembly

    if not text:
        return None
    value = normalise_assembly(text)
    if value is None:
        raise UsageError(f"--assembly: {text!r} should be hg19 (GRCh37) or hg38 (GRCh38)")
    return value


def _time_unit(text: str | None) -> str | None:
    """The canonical unit of ``--time-unit`` (any spelling), or a UsageError."""
    from imft_desktop.model.time_units import normalise_unit

    if not text:
        return None
    unit = normalise_unit(text)
    if unit is None:
        raise UsageError(f"--time-unit: {text!r} should be days, weeks, months or years")
    return unit


def _progress_for(path: str) -> Progress | None:
    try:
        big = os.path.getsize(path) > PROGRESS_FILE_BYTES
    except OSError:
        big = False
    tty = sys.stderr.isatty()
    if not (tty or big):
        return None
    last = [-1]

    def show(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if tty:
            end = "\n" if fraction >= 1.0 else ""
            print(f"\r{pct:3d}% {message[:60]:<60}", end=end, file=sys.stderr, flush=True)
        elif pct // 10 != last[0] // 10:
            print(f"{pct:3d}% {message}", file=sys.stderr, flush=True)
        last[0] = pct

    return Progress(show, min_interval=0.1)


#: Options of ``add_import_arguments`` that a project (already read) cannot take.
_IMPORT_FLAGS = (("--sheet", "sheet"), ("--mapping", "mapping"),
                 ("--fish-threshold", "fish_threshold"),
                 ("--exclude-hidden-rows", "exclude_hidden_rows"),
                 ("--decimal-comma", "decimal_comma"), ("--event-map", "event_map"),
                 ("--encoding", "encoding"), ("--delimiter", "delimiter"))


def load_cohort(args: argparse.Namespace) -> Any:
    """Import ``args.file``, or open it read-only when it is a project (``.imftproj``);
    raises ``UnreadableFile``, ``UsageError`` or ``StoreError``."""
    from imft_desktop.io.store import is_project_path

    if is_project_path(args.file):
        from imft_desktop.io.project import Project

        used = [flag for flag, dest in _IMPORT_FLAGS if getattr(args, dest, None)]
        if used:
            raise UsageError(f"{', '.join(used)} apply to reading a file; a project's files "
                             "were read when they were added (see imft project log)")
        with Project.open(args.file, read_only=True) as project:
            return project.cohort
    from imft_desktop.io.importer import import_file

    options = import_options(args)
    return import_file(args.file, options, _progress_for(args.file))


@dataclass(frozen=True)
class OpenFailure:
    """Why a file could not be opened: a code (the reader's, or ``USAGE_ERROR``,
    ``PROJECT_UNREADABLE``, ``FILE_UNREADABLE``, ``OUT_OF_MEMORY``, ``NO_CASES``), the
    message printed on stderr and the exit code."""

    code: str
    message: str
    exit_code: int = 2


def try_open_cohort(args: argparse.Namespace, command: str) -> tuple[Any, OpenFailure | None]:
    """Import ``args.file`` for sub-command ``command``.

    Returns ``(cohort, None)``, or ``(None, failure)`` after printing a clear message on
    stderr (a wrong option or a file that cannot be read: exit code 2) -- never a
    traceback.
    """
    from imft_desktop.io.read.raw import UnreadableFile
    from imft_desktop.io.store import StoreError

    def fail(code: str, message: str) -> tuple[Any, OpenFailure]:
        print(message, file=sys.stderr)
        return None, OpenFailure(code, message)

    try:
        cohort = load_cohort(args)
    except StoreError as exc:
        return fail("PROJECT_UNREADABLE", f"imft {command}: {exc}")
    except UsageError as exc:
        return fail("USAGE_ERROR", f"imft {command}: {exc}")
    except UnreadableFile as exc:
        return fail(exc.code, unreadable_message(args.file, exc.message))
    except OSError as exc:
        from imft_desktop.io.read.faults import describe_os_error

        return fail("FILE_UNREADABLE",
                    f"imft {command}: {describe_os_error(exc, args.file, 'read')}")
    except MemoryError:
        return fail("OUT_OF_MEMORY", unreadable_message(
            args.file, "ran out of memory; lower the reader limits (--max-cells) or close "
            "other programs."))
    if command not in ("validate", "info") and cohort.n_samples == 0:
        # Nothing to analyse: an empty table or a PDF of empty chapters would look like a
        # result.  validate lists why no row was a case.
        return fail("NO_CASES",
                    f"imft {command}: {Path(args.file).name} holds no cases, so there is "
                    f"nothing to analyse; 'imft validate {Path(args.file).name}' says why.")
    return cohort, None


def open_cohort(args: argparse.Namespace, command: str) -> tuple[Any, int | None]:
    """Import ``args.file`` for sub-command ``command``.

    Returns ``(cohort, None)``, or ``(None, exit_code)`` after printing a clear message
    (a wrong option: 2; a file that cannot be read: 2) -- never a traceback.
    """
    cohort, failure = try_open_cohort(args, command)
    return cohort, (failure.exit_code if failure is not None else None)


def unreadable_message(path: str, message: str) -> str:
    """``imft: cannot read x.csv: <why>`` (the file named once)."""
    name = Path(path).name
    if message.startswith(f"{name}: "):  # "cannot read x.csv: x.csv: ..." says it twice
        message = message[len(name) + 2:]
    return f"imft: cannot read {name}: {message}"


def report_unreadable(path: str, message: str) -> int:
    """Print why ``path`` cannot be read; returns exit code 2."""
    print(unreadable_message(path, message), file=sys.stderr)
    return 2


def issue_dict(f: Finding) -> dict[str, Any]:
    """One finding as a ``--json`` issue (keys of ``ISSUE_KEYS`` plus extras)."""
    d = f.to_dict()
    out = {k: d.get(k) for k in ISSUE_KEYS}
    out["file"] = d.get("file")
    out["normalised"] = d.get("normalised")
    # Every row the finding covers ("row" is only the first): added key, see ISSUE_KEYS.
    out["rows"] = list(f.rows) or ([f.row] if f.row is not None else [])
    return out


def json_report(cohort: Any, path: str) -> dict[str, Any]:
    source = cohort.sources[0] if cohort.sources else None
    findings = cohort.findings
    return {
        "ok": not findings.has_errors,
        "file": source.name if source else Path(path).name,
        "sha256": source.sha256 if source else None,
        "counts": findings.counts(),
        "issues": [issue_dict(f) for f in findings.sorted()],
        "value_dictionary": cohort.value_dictionary.to_list(),
    }


def failure_report(path: str, failure: OpenFailure) -> dict[str, Any]:
    """The ``--json`` object when the file could not be read: the keys of
    ``json_report`` (``ok`` false, one error issue, no value dictionary) plus ``error``
    (``code`` and ``message``), so a script reads one shape whatever happened."""
    name = Path(path).name
    message = failure.message
    for prefix in (f"imft: cannot read {name}: ", "imft validate: "):
        message = message.removeprefix(prefix)
    issue: dict[str, Any] = {k: None for k in ISSUE_KEYS}
    issue.update(level="error", code=failure.code, message=message, file=name,
                 normalised=None, rows=[])
    return {
        "ok": False,
        "file": name,
        "sha256": None,
        "counts": {"error": 1, "warning": 0, "info": 0},
        "issues": [issue],
        "value_dictionary": [],
        "error": {"code": failure.code, "message": message},
    }


def group_findings(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings grouped by (level, code, sheet, column), in first-seen order per level."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: -f.level.rank):
        groups.setdefault((f.level, f.code, f.sheet, f.column), []).append(f)
    return list(groups.values())


_LEVEL_TITLE = {Level.ERROR: "Errors", Level.WARNING: "Warnings", Level.INFO: "Notes"}
_MAX_VALUES = 5


_MAX_RANGES = 12


def _short_rows(rows: list[int]) -> str:
    """``4, 9, 12-40`` (at most ``_MAX_RANGES`` ranges, then how many rows more)."""
    parts = compact_rows(rows).split(", ")
    if len(parts) <= _MAX_RANGES:
        return ", ".join(parts)
    shown = parts[:_MAX_RANGES]
    counted = 0
    for part in shown:
        first, _dash, last = part.partition("-")
        counted += int(last) - int(first) + 1 if last else 1
    return ", ".join(shown) + f" and {len(set(rows)) - counted} more"


def format_group(group: list[Finding]) -> list[str]:
    """Lines for one collapsed group: where, rows, first message, values, hint."""
    f = group[0]
    where = f.sheet or f.file or ""
    if f.column:
        where += f", column {f.column}"
    if f.header:
        where += f" ({f.header})"
    rows = [r for g in group for r in (g.rows or ((g.row,) if g.row is not None else ()))]
    if rows:
        where += (", row " if len(set(rows)) == 1 else ", rows ") + _short_rows(rows)
    lines = [f"  {f.code}  {where}".rstrip(), f"      {f.message}"]
    if len(group) > 1:
        values = list(dict.fromkeys(g.value for g in group if g.value is not None))
        if len(values) > 1:
            shown = ", ".join(repr(v) for v in values[:_MAX_VALUES])
            more = f" and {len(values) - _MAX_VALUES} more" if len(values) > _MAX_VALUES else ""
            lines.append(f"      values: {shown}{more}")
    cells = sum(len(g.rows) or 1 for g in group)
    if cells > 1:
        lines.append(f"      ({cells} times)")
    if f.hint:
        lines.append(f"      hint: {f.hint}")
    return lines


def status_line(counts: dict[str, int]) -> str:
    e, w, i = counts.get("error", 0), counts.get("warning", 0), counts.get("info", 0)
    tally = f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}, {i} note{'s' * (i != 1)}"
    if e:
        return f"ERRORS: {tally}. Records with errors are left out of the analysis."
    if w:
        return f"OK with warnings: {tally}."
    return f"OK: {tally}."


def human_report(cohort: Any, path: str) -> str:
    source = cohort.sources[0] if cohort.sources else None
    lines = [f"{source.name if source else Path(path).name}"
             + (f"  (sha256 {source.sha256[:12]})" if source else "")]
    groups = group_findings(cohort.findings)
    current: Level | None = None
    for group in groups:
        level = group[0].level
        if level is not current:
            current = level
            n = sum(len(g) for g in groups if g[0].level is level)
            lines += ["", f"{_LEVEL_TITLE[level]} ({n})"]
        lines += format_group(group)
    lines += ["", f"{cohort.summary_line()}", status_line(cohort.findings.counts())]
    return "\n".join(lines)


def values_report(cohort: Any) -> str:
    """The value dictionary as text: one block per column, one line per value."""
    lines = ["", "Value dictionary (value, cells, read as, source)"]
    for letter, header in cohort.value_dictionary.columns():
        lines.append(f"  {letter} ({header})")
        for e in cohort.value_dictionary.for_column(letter):
            caution = f"  [{e.note}]" if e.note else ""
            lines.append(f"      {e.value!s:<24.24} {e.count:>6}  {e.meaning:<34.34} "
                         f"{e.source}{caution}")
    if len(lines) == 2:
        lines.append("  (no one-row-per-case columns)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    cohort, failure = try_open_cohort(args, "validate")
    if failure is not None:
        if args.json:  # a script reading stdout gets JSON whatever happened
            print(json.dumps(failure_report(args.file, failure), ensure_ascii=False,
                             indent=1))
        return failure.exit_code
    if args.json:
        print(json.dumps(json_report(cohort, args.file), ensure_ascii=False, indent=1))
    else:
        print(human_report(cohort, args.file))
        if getattr(args, "values", False):
            print(values_report(cohort))
    return 1 if cohort.findings.has_errors else 0
