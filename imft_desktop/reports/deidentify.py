"""De-identification of reports and exports (HIPAA Safe Harbor style pseudonymisation).

What a de-identified output contains:

* sample and patient identifiers replaced by stable pseudonyms, ``S-`` / ``P-`` plus 10
  hex digits of HMAC-SHA256(secret, kind + identifier).  The secret is per project
  (one random 256-bit key per set of source files, kept in the user's data folder, or
  a key file the user names), so the same sample gets the same pseudonym in every
  export of that project and a different one in another project;
* dates reduced to the year; ages over 89 shown as "90+";
* free text left out: the ``comment`` column, every unmapped extra column and the raw
  cell texts, unless the caller names columns to keep;
* source files named by a SHA-256 prefix, never by file name or path;
* validation findings reduced to code, level and coordinates (their messages quote
  cell values).

The pseudonym -> original map is never written by itself: :func:`write_key_file`
writes it only where the user chooses, as a separate file.  Under GDPR this is
pseudonymisation, not anonymisation: the output is still personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import os
import re
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from imft_desktop.model.findings import Finding, FindingList

if TYPE_CHECKING:  # pragma: no cover
    from imft_desktop.model.cohort import Cohort

#: Hex digits of the HMAC kept in a pseudonym (40 bits: no collision in practice for
#: cohorts of thousands; a collision is detected and raises rather than merging cases).
PSEUDONYM_HEX = 10
AGE_CAP = 90
#: Columns holding identifiers, by kind of identifier.
ID_COLUMNS = {"sample_id": "sample", "patient_id": "patient"}
#: Canonical free-text columns left out unless chosen.
FREE_TEXT_COLUMNS = ("comment", "notes", "note", "remarks")
_PREFIX = {"sample": "S", "patient": "P"}
_DATE_TEXT = re.compile(
    r"^\s*(?:(\d{4})[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](\d{4}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)


class PseudonymCollision(ValueError):
    """Two different identifiers received the same pseudonym (never merged silently)."""


@dataclass
class Pseudonymizer:
    """Stable keyed pseudonyms: same secret and identifier -> same pseudonym.

    Keeps the pseudonym -> original map in memory for :func:`write_key_file`.
    """

    secret: bytes
    _map: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes")

    def pseudonym(self, kind: str, value: Any) -> Any:
        """Pseudonym of identifier ``value`` of ``kind`` ("sample" or "patient").

        Missing values stay missing.
        """
        if value is None or (isinstance(value, float) and value != value):
            return value
        text = str(value)
        digest = hmac.new(self.secret, f"{kind}\x1f{text}".encode(), hashlib.sha256)
        code = f"{_PREFIX.get(kind, 'X')}-{digest.hexdigest()[:PSEUDONYM_HEX].upper()}"
        known = self._map.get((kind, code))
        if known is not None and known != text:
            raise PseudonymCollision(f"two {kind} identifiers share pseudonym {code}")
        self._map[(kind, code)] = text
        return code

    def sample(self, value: Any) -> Any:
        return self.pseudonym("sample", value)

    def patient(self, value: Any) -> Any:
        return self.pseudonym("patient", value)

    def key_rows(self) -> list[tuple[str, str, str]]:
        """(kind, pseudonym, original) for every identifier seen, sorted."""
        return sorted((kind, code, orig) for (kind, code), orig in self._map.items())


# ---------------------------------------------------------------------------- secrets
def new_secret() -> bytes:
    """A fresh random 256-bit secret."""
    return secrets.token_bytes(32)


def user_data_dir() -> Path:
    """The per-user data folder of the program (``IMFT_DATA_DIR`` overrides it)."""
    override = os.environ.get("IMFT_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "IMFT Desktop"


def project_id(cohort: Cohort) -> str:
    """A stable identifier of the project: hash of its source files' hashes."""
    parts = sorted(s.sha256 for s in cohort.sources) or [f"name:{cohort.name}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def load_or_create_secret(path: str | os.PathLike[str]) -> bytes:
    """Read the secret in ``path`` (hex), or create it (mode 0600) when absent."""
    from imft_desktop.io.write.atomic import atomic_write_text

    p = Path(path)
    if p.exists():
        text = p.read_text(encoding="ascii").strip()
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            raise ValueError(f"{p.name} is not a pseudonym secret file") from None
        if len(secret) < 16:
            raise ValueError(f"{p.name} holds too short a secret")
        return secret
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = new_secret()
    atomic_write_text(p, secret.hex() + "\n", encoding="ascii")
    if os.name == "posix":
        os.chmod(p, 0o600)
    return secret


def project_secret(cohort: Cohort, secret_file: str | os.PathLike[str] | None = None) -> bytes:
    """The cohort's per-project secret: ``secret_file`` when given, else one kept in
    the user data folder under the project id (created on first use)."""
    if secret_file is None:
        secret_file = user_data_dir() / "pseudonym-secrets" / f"{project_id(cohort)}.key"
    return load_or_create_secret(secret_file)


# ---------------------------------------------------------------------------- values
def year_only(value: Any) -> Any:
    """A date (or date-like text) reduced to its year; anything else unchanged."""
    if value is None or value is pd.NaT:
        return value
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return int(value.year)
    if isinstance(value, str):
        m = _DATE_TEXT.match(value)
        if m:
            return int(m.group(1) or m.group(2))
    return value


def cap_age(value: Any) -> Any:
    """Ages over 89 as ``"90+"``; others unchanged."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if number != number:
        return value
    return f"{AGE_CAP}+" if number >= AGE_CAP else value


def deidentify_frame(
    frame: pd.DataFrame,
    pseudonymizer: Pseudonymizer,
    *,
    keep_columns: Iterable[str] = (),
    drop_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """A de-identified copy of any table about samples or patients.

    Identifier columns (``sample_id``, ``patient_id``, and "Sample"/"Patient" headers)
    get pseudonyms; ``age`` is capped; dates become years; free-text and ``raw:``
    columns and ``drop_columns`` are removed unless listed in ``keep_columns``.
    """
    keep = set(keep_columns)
    drop = set(drop_columns)
    out = frame.copy()
    for col in list(out.columns):
        name = str(col)
        lower = name.casefold()
        if name in keep:
            pass
        elif (
            name in drop
            or lower in FREE_TEXT_COLUMNS
            or name.startswith("raw:")
            or lower in ("_source", "_reason")
        ):
            out = out.drop(columns=[col])
            continue
        kind = _id_kind(lower)
        if kind is not None:
            out[col] = [pseudonymizer.pseudonym(kind, v) for v in out[col]]
        elif lower == "age" or lower.startswith("age "):
            out[col] = out[col].astype(object).map(cap_age)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.year.astype("Int64")
        elif out[col].dtype == object:
            out[col] = out[col].map(year_only)
    return out


def _id_kind(lower_name: str) -> str | None:
    if lower_name in ID_COLUMNS:
        return ID_COLUMNS[lower_name]
    squashed = lower_name.replace(" ", "").replace("_", "")
    if squashed in ("sample", "sampleid", "case", "caseid"):
        return "sample"
    if squashed in ("patient", "patientid"):
        return "patient"
    return None


# ---------------------------------------------------------------------------- cohort
def deidentify_cohort(
    cohort: Cohort,
    pseudonymizer: Pseudonymizer,
    *,
    keep_columns: Iterable[str] = (),
) -> Cohort:
    """A de-identified copy of ``cohort`` for reports and exports.

    Parameters
    ----------
    keep_columns:
        Extra (unmapped) columns or free-text fields to keep, e.g. a grouping chosen
        for survival.  Their dates still become years.
    """
    from imft_desktop.model.cohort import Cohort

    keep = set(keep_columns)
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {
        s.name: f"file-{s.sha256[:12]}.{s.kind}" for s in cohort.sources
    }
    for name, df in cohort.tables.items():
        new = df.copy()
        for col in list(new.columns):
            lower = str(col).casefold()
            if str(col).startswith("raw:"):
                new = new.drop(columns=[col])
            elif lower in FREE_TEXT_COLUMNS and col not in keep:
                new[col] = None  # keep the canonical column, drop its content
            elif lower in ID_COLUMNS:
                new[col] = [pseudonymizer.pseudonym(ID_COLUMNS[lower], v) for v in new[col]]
            elif lower == "age":
                new[col] = new[col].astype(object).map(cap_age)
            elif lower == "_source":
                new[col] = new[col].map(lambda v: sources.get(v, v) if v is not None else v)
            elif lower == "_reason" or (name == "study" and lower == "value"):
                continue
            elif new[col].dtype == object and not lower.startswith("_"):
                new[col] = new[col].map(year_only)
        tables[name] = new
    extra = pd.DataFrame()
    if not cohort.extra.empty:
        kept = [c for c in cohort.extra.columns if c in keep]
        extra = cohort.extra.loc[:, kept].copy()
        for col in kept:
            if pd.api.types.is_datetime64_any_dtype(extra[col]):
                extra[col] = extra[col].dt.year
            elif str(col).casefold().startswith("age"):
                extra[col] = extra[col].astype(object).map(cap_age)
            else:
                extra[col] = extra[col].map(year_only)
        extra.index = [pseudonymizer.sample(i) for i in extra.index.astype(str)]
    new_sources = [
        replace(s, name=sources[s.name], path=sources[s.name], read_at=s.read_at[:4])
        for s in cohort.sources
    ]
    findings = FindingList(
        [
            Finding(code=f.code, level=f.level, message=f.code, sheet=f.sheet, row=f.row,
                    column=f.column, header=f.header)
            for f in cohort.findings
        ]
    )
    return Cohort(
        tables=tables,
        findings=findings,
        sources=new_sources,
        column_origin={
            k: replace(v, file=sources.get(v.file, v.file))
            for k, v in cohort.column_origin.items()
        },
        extra=extra,
        mapping_profile=cohort.mapping_profile,
        study=dict(cohort.study),
    )


def deidentify_report_cohort(
    cohort: Cohort,
    *,
    secret: bytes | None = None,
    secret_file: str | os.PathLike[str] | None = None,
    keep_columns: Iterable[str] = (),
) -> tuple[Cohort, Pseudonymizer]:
    """De-identify ``cohort`` with its per-project secret (or ``secret``).

    Returns the de-identified cohort and the pseudonymizer holding the key map.
    """
    key = secret if secret is not None else project_secret(cohort, secret_file)
    pseudonymizer = Pseudonymizer(key)
    return deidentify_cohort(cohort, pseudonymizer, keep_columns=keep_columns), pseudonymizer


def key_file_text(pseudonymizer: Pseudonymizer) -> str:
    """The pseudonym key as CSV text: kind, pseudonym, original identifier."""
    buf = io.StringIO()
    buf.write("# IMFT Desktop pseudonym key: keep it apart from the de-identified files\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["kind", "pseudonym", "original"])
    writer.writerows(pseudonymizer.key_rows())
    return buf.getvalue()


def write_key_file(path: str | os.PathLike[str], pseudonymizer: Pseudonymizer) -> Path:
    """Write the pseudonym -> original map to ``path`` (only where the user chose)."""
    from imft_desktop.io.write.atomic import atomic_write_text

    p = atomic_write_text(path, key_file_text(pseudonymizer), encoding="utf-8-sig")
    if os.name == "posix":
        os.chmod(p, 0o600)
    return p
