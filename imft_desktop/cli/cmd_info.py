"""``imft info FILE``: samples, patients and per-assay tested counts of a cohort."""

from __future__ import annotations

import argparse
from typing import Any

from imft_desktop.cli.cmd_validate import (
    add_import_arguments,
)
from imft_desktop.cli.text import print_report

NAME = "info"
HELP = "Show samples, patients and how many samples each assay tested."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_import_arguments(parser)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _table(rows: list[tuple[str, Any]]) -> list[str]:
    width = max((len(k) for k, _v in rows), default=0)
    return [f"  {k:<{width}}  {v}" for k, v in rows]


def human_info(info: dict[str, Any]) -> str:
    """The ``Cohort.info()`` overview as a small text table."""
    lines = [info.get("name") or "(unnamed cohort)"]
    if info.get("synthetic"):
        lines[0] += "  (SYNTHETIC DATA)"
    lines += _table([("samples", info["samples"]), ("patients", info["patients"])])
    tested = [(k, v) for k, v in info.get("tested", {}).items()]
    if tested:
        lines += ["", "Tested per assay"] + _table(tested)
    caps = list(info.get("tested_for", {}).items())
    if any(v for _k, v in caps):
        lines += ["", "Tested for (sequencing)"] + _table(caps)
    for key, title in (("ihc_by_marker", "IHC by marker / clone"),
                       ("fish_by_probe", "FISH by probe")):
        part = list(info.get(key, {}).items())
        if part:
            lines += ["", title] + _table(part)
    tables = [(name, _plural(t["records"], "record") + (f", {t['excluded']} excluded"
                                                          if t["excluded"] else ""))
              for name, t in info.get("tables", {}).items() if t["records"] or t["excluded"]]
    if tables:
        lines += ["", "Tables"] + _table(tables)
    counts = info.get("findings", {})
    lines += ["", "Findings: " + ", ".join(
        _plural(counts.get(level, 0), word)
        for level, word in (("error", "error"), ("warning", "warning"), ("info", "note")))]
    if info.get("mapping_profile"):
        lines.append(f"Mapping profile: {info['mapping_profile']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from imft_desktop.cli.cmd_validate import open_cohort

    cohort, failed = open_cohort(args, "info")
    if failed is not None:
        return failed
    info = cohort.info()
    return print_report(info, args.json, lambda: human_info(info), default=str)
