"""CSV export for people who open it in a spreadsheet: formula triggers neutralised.

Spreadsheet programs run a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (CSV injection; OWASP ASVS 1.2.10); RFC 4180 quoting
does not stop them.  Every *text* cell starting with one of those characters is
written with a leading apostrophe (``'``).  Numbers are written as numbers, so a
negative log2 ratio stays ``-0.52``; but text such as the karyotype shorthand ``-19``
(monosomy 19) or ``+7`` is written as ``'-19`` / ``'+7``.  The file says so in its
first comment line, and the export dialog and README repeat it.

The file is UTF-8 with a byte-order mark (Excel otherwise guesses the legacy code page)
and starts with ``#`` comment lines: the neutralisation note and the provenance.
Written atomically.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from imft_desktop.io.write.atomic import atomic_write_text

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

NEUTRALISATION_NOTE = (
    "Text values starting with = + - @ tab or carriage return are written with a leading "
    "apostrophe (') so spreadsheet programs do not run them as formulas; karyotype "
    "shorthand such as -19 or +7 therefore appears as '-19 or '+7. Numbers are unchanged."
)


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when it starts with a formula trigger."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any, neutralise_text: bool) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return ""
        return repr(value) if isinstance(value, float) else str(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return _cell(value.item(), neutralise_text)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    return neutralise(text) if neutralise_text else text


def _provenance_rows(provenance: Mapping[str, str] | Iterable[tuple[str, str]]) -> list:
    items = provenance.items() if isinstance(provenance, Mapping) else provenance
    return [(str(k), str(v)) for k, v in items]


def csv_text(
    frame: pd.DataFrame,
    *,
    provenance: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    neutralise_formulas: bool = True,
    comments: bool = True,
    index: bool = False,
) -> str:
    """The CSV text of ``frame`` (see the module docstring for the rules).

    Parameters
    ----------
    provenance:
        (label, value) pairs written as ``# label: value`` lines after the note.
    neutralise_formulas:
        Prefix formula triggers in text cells (default).  Only switch off for files
        read by programs, never for files opened in a spreadsheet.
    comments:
        Write the ``#`` note and provenance lines.
    """
    df = frame.reset_index() if index else frame
    buf = io.StringIO()
    if comments:
        if neutralise_formulas:
            buf.write(f"# {NEUTRALISATION_NOTE}\n")
        for key, value in _provenance_rows(provenance):
            clean = " ".join(f"{key}: {value}".split())  # no line breaks inside a comment
            buf.write(f"# {clean}\n")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_cell(str(c), neutralise_formulas) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v, neutralise_formulas) for v in row])
    return buf.getvalue()


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    **kwargs: Any,
) -> Path:
    """Write ``frame`` as CSV to ``path`` atomically (UTF-8 with BOM).

    Keyword arguments are those of :func:`csv_text`.
    """
    return atomic_write_text(path, csv_text(frame, **kwargs), encoding="utf-8-sig")
