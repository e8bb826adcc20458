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
    """Options shared by the commands that import a file."""
    parser.add_argument("file", help="Excel workbook (.xlsx, .xls, .ods), CSV/TSV file, or an "
                                     "IMFT project (.imftproj)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--sheet", metavar="NAME",
                        help="sheet to read (one-row-per-case files)")
    parser.add_argument("--mapping", "--profile", dest="mapping", metavar="PROFILE.json",
                        help="saved column mapping profile, with the meanings chosen in the "
                             "value dictionary (one-row-per-case files)")
    parser.add_argument("--fish-threshold", type=float, metavar="PERCENT",
                        help="FISH positivity threshold in %% (default: Study sheet, or 15)")
    parser.add_argument("--exclude-hidden-rows", action="store_true",
                        help="leave rows hidden in Excel out of the analysis")
    parser.add_argument("--decimal-comma", action="store_true",
                        help='read "7,5" as 7.5')
    parser.add_argument("--event-map", metavar="TEXT=0|1,...",
                        help='coding of event columns, e.g. "yes=1,no=0" or "1=0,2=1"')
    parser.add_argument("--time-unit", metavar="UNIT",
                        help="unit (days, weeks, months, years) of time columns whose "
                        "header states none (one-row-per-case files)")
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


def import_options(args: argparse.Namespace) -> Any:
    """``ImportOptions`` from the shared command-line options."""
    from imft_desktop.io.importer import ImportOptions
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
    return ImportOptions(
        sheet=getattr(args, "sheet", None),
        mapping=profile,
        include_hidden_rows=not getattr(args, "exclude_hidden_rows", False),
        fish_threshold=getattr(args, "fish_threshold", None),
        event_mapping=_event_map(getattr(args, "event_map", None)),
        decimal_comma=getattr(args, "decimal_comma", False),
        budget=read_budget(args),
        time_unit=_time_unit(getattr(args, "time_unit", None)),
    )


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
                 ("--decimal-comma", "decimal_comma"), ("--event-map", "event_map"))


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


def open_cohort(args: argparse.Namespace, command: str) -> tuple[Any, int | None]:
    """Import ``args.file`` for sub-command ``command``.

    Returns ``(cohort, None)``, or ``(None, exit_code)`` after printing a clear message
    (a wrong option: 2; a file that cannot be read: 2) -- never a traceback.
    """
    from imft_desktop.io.read.raw import UnreadableFile
    from imft_desktop.io.store import StoreError

    try:
        cohort = load_cohort(args)
    except StoreError as exc:
        print(f"imft {command}: {exc}", file=sys.stderr)
        return None, 2
    except UsageError as exc:
        print(f"imft {command}: {exc}", file=sys.stderr)
        return None, 2
    except UnreadableFile as exc:
        return None, report_unreadable(args.file, exc.message)
    except OSError as exc:
        from imft_desktop.io.read.faults import describe_os_error

        print(f"imft {command}: {describe_os_error(exc, args.file, 'read')}", file=sys.stderr)
        return None, 2
    except MemoryError:
        return None, report_unreadable(
            args.file, "ran out of memory; lower the reader limits (--max-cells) or close "
            "other programs.")
    if command not in ("validate", "info") and cohort.n_samples == 0:
        # Nothing to analyse: an empty table or a PDF of empty chapters would look like a
        # result.  validate lists why no row was a case.
        print(f"imft {command}: {Path(args.file).name} holds no cases, so there is nothing "
              f"to analyse; 'imft validate {Path(args.file).name}' says why.", file=sys.stderr)
        return None, 2
    return cohort, None


def report_unreadable(path: str, message: str) -> int:
    name = Path(path).name
    if message.startswith(f"{name}: "):  # "cannot read x.csv: x.csv: ..." says it twice
        message = message[len(name) + 2:]
    print(f"imft: cannot read {name}: {message}", file=sys.stderr)
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

    cohort, failed = open_cohort(args, "validate")
    if failed is not None:
        return failed
    if args.json:
        print(json.dumps(json_report(cohort, args.file), ensure_ascii=False, indent=1))
    else:
        print(human_report(cohort, args.file))
        if getattr(args, "values", False):
            print(values_report(cohort))
    return 1 if cohort.findings.has_errors else 0
