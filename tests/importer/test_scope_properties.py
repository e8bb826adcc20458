"""Property-based test (Hypothesis): random one-row-per-case sheets cannot fool the
denominators (issue 11, item 6).

Each sheet has random result columns (a fusion column, gene columns in any case, a
copy-number region, an IHC marker) whose cells are random spellings of positive,
negative and not-tested words, blanks, error cells and formulas never calculated, plus
rows that are not cases (a total, "n=", a note, blank rows).  Invariants:

* every denominator equals the number of readable cells of its column;
* every non-blank data row is a case or has a finding naming it;
* no result value is changed without a finding at its row and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from importer_helpers import workbook  # noqa: E402

from imft_desktop.analysis.alterations import alteration_matrix  # noqa: E402
from imft_desktop.io.importer import build_cohort  # noqa: E402
from imft_desktop.io.read.raw import RawSheet, column_letter  # noqa: E402
from imft_desktop.model.cohort import Cohort  # noqa: E402
from imft_desktop.model.vocab import Capability  # noqa: E402

NOT_TESTED = ["not done", "not tested", "failed", "insufficient", "not evaluable",
              "pending", "n/a", "QNS", "ND", "not performed", "insufficient DNA", "Failed QC"]


@dataclass(frozen=True)
class Kind:
    """A kind of result column: its header spellings and cell words."""

    headers: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    capability: str  # "fusion", "mutation", "copy number" or "ihc"
    target: str | None


KINDS = {
    "fusion": Kind(("Fusion", "fusion", "Fusions", "Rearrangement"),
                   ("TPM3::ALK", "EML4-ALK", "ETV6::NTRK3", "RANBP2-ALK"),
                   ("none", "negative", "no fusion", "not detected", "None detected"),
                   "fusion", None),
    "pik3ca": Kind(("PIK3CA", "pik3ca", "Pik3ca", "PIK3CA mutation"),
                   ("H1047R", "p.E545K", "E542K"),
                   ("wt", "wild type", "WT", "negative", "no mutation"), "mutation", "PIK3CA"),
    "tp53": Kind(("TP53", "tp53", "TP53 status"), ("R273H", "p.R175H"),
                 ("wt", "wild-type", "none"), "mutation", "TP53"),
    "22q": Kind(("22q", "Chr 22q", "22q status"), ("loss", "gain", "Loss"),
                ("normal", "neutral", "Normal"), "copy number", "22q"),
    "ihc": Kind(("ALK IHC", "alk ihc", "ALK IHC (D5F3)"), ("pos", "positive", "Positive"),
                ("neg", "negative", "Negative"), "ihc", "ALK"),
}
CATEGORIES = ("positive", "negative", "not tested", "blank", "error", "formula")


@dataclass
class Sheet:
    """A generated sheet and what its cells are (the truth)."""

    rows: list[list[Any]]
    kinds: list[str]
    readable: dict[str, int]  # kind -> cells that hold a result or a negative word
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _spell(draw: Any, word: str) -> str:
    """A random case and spacing of ``word``."""
    style = draw(st.sampled_from(["as", "upper", "lower", "title", "spaced"]))
    if style == "upper":
        return word.upper()
    if style == "lower":
        return word.lower()
    if style == "title":
        return word.title()
    if style == "spaced":
        return "  " + word.replace(" ", "  ") + " "
    return word


@st.composite
def sheets(draw: Any) -> Sheet:
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=4,
                          unique=True))
    n = draw(st.integers(min_value=1, max_value=20))
    header = ["Case"] + [draw(st.sampled_from(KINDS[k].headers)) for k in kinds]
    rows: list[list[Any]] = [header]
    readable = dict.fromkeys(kinds, 0)
    errors: dict[tuple[int, int], str] = {}
    formulas: dict[tuple[int, int], str] = {}
    for i in range(n):
        excel_row = len(rows) + 1
        row: list[Any] = [f"S{i + 1:03d}"]
        for j, k in enumerate(kinds, start=1):
            kind = KINDS[k]
            cat = draw(st.sampled_from(CATEGORIES))
            if cat in ("positive", "negative"):
                readable[k] += 1
                words = kind.positive if cat == "positive" else kind.negative
                row.append(_spell(draw, draw(st.sampled_from(words)))
                           if cat == "negative" else draw(st.sampled_from(words)))
            elif cat == "not tested":
                row.append(_spell(draw, draw(st.sampled_from(NOT_TESTED))))
            elif cat == "blank":
                row.append(draw(st.sampled_from([None, "", "  "])))
            elif cat == "error":
                text = draw(st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!"]))
                row.append(text)
                errors[(excel_row, j)] = text
            else:
                row.append(None)
                formulas[(excel_row, j)] = f"=VLOOKUP(A{excel_row},X:Y,{j},0)"
        rows.append(row)
        if draw(st.integers(0, 9)) == 0:
            rows.append([])  # a blank row inside the table
    extras = draw(st.lists(st.sampled_from(["total", "n", "note", "blank"]), max_size=3))
    for extra in extras:
        if extra == "total":
            rows.append(["Total"] + [str(readable[k]) for k in kinds])
        elif extra == "n":
            rows.append([f"n={n}"])
        elif extra == "note":
            rows.append(["* ND = not done; QNS = quantity not sufficient"])
        else:
            rows.append([])
    return Sheet(rows, kinds, readable, errors, formulas)


def _denominator(c: Cohort, kind: Kind) -> int:
    if kind.capability == "ihc":
        return len(c.ihc_tested(kind.target))
    return len(c.tested_for(Capability(kind.capability), kind.target))


def _named_rows(c: Cohort) -> set[int]:
    rows: set[int] = set()
    for f in c.findings:
        if f.row is not None:
            rows.add(f.row)
        rows.update(f.rows)
    return rows


#: More examples on demand (IMFT_HYPOTHESIS_EXAMPLES=1000); 60 keep the suite fast.
EXAMPLES = int(os.environ.get("IMFT_HYPOTHESIS_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sheets())
def test_random_sheets_keep_the_invariants(s: Sheet) -> None:
    sheet = RawSheet("Cases", s.rows, error_cells=s.error_cells,
                     formula_without_value=s.formulas)
    c = build_cohort(workbook(sheet))

    # every denominator equals the number of readable cells of its column
    for k in s.kinds:
        assert _denominator(c, KINDS[k]) == s.readable[k], (k, s.rows)
    matrix = alteration_matrix(c)
    for label, info in matrix.info.items():
        for k in s.kinds:
            kind = KINDS[k]
            same = (kind.capability == info.capability and kind.target is not None
                    and info.gene.upper() == kind.target.upper()) or (
                kind.capability == "fusion" == info.capability) or (
                kind.capability == "ihc" and info.capability == "IHC")
            if same:
                assert info.tested_n == s.readable[k], (label, s.rows)

    # every non-blank data row is a case or has a finding naming it
    cases = set(c.table("samples", include_excluded=True)["_row"].tolist())
    named = _named_rows(c)
    for r, row in enumerate(s.rows[1:], start=2):
        if any(v is not None and str(v).strip() for v in row):
            assert r in cases or r in named, (r, row)

    # no result value changes without a finding at its row and column
    at = {(r, f.column) for f in c.findings for r in (f.rows or (f.row,))}
    for table, fld in (("fusions", "fusion"), ("variants", "protein_change"),
                       ("cn_calls", "event"), ("ihc", "call")):
        df = c.table(table, include_excluded=True)
        if df.empty or f"raw:{fld}" not in df:
            continue
        for raw, value, r, col in zip(df[f"raw:{fld}"], df[fld], df["_row"], df["_column"]):
            if raw is None or value is None or _spelling(raw) == _spelling(value):
                continue  # case and spaces are spelling, not a change of value
            letter = col or _letter_of(c, table, fld)
            assert (r, letter) in at, (table, raw, value, r, letter)


def _spelling(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _letter_of(c: Cohort, table: str, fld: str) -> str | None:
    origin = c.column_origin.get((table, fld))
    return origin.column if origin else None


def test_letters_are_excel_letters() -> None:
    assert column_letter(0) == "A"  # the helper the invariants rely on


@st.composite
def status_sheets(draw: Any) -> tuple[list[list[Any]], dict[str, int], dict[Any, str]]:
    """Sheets with a "WGS done" column: it says who was sequenced; a result cell that
    says not tested (or is an error) is the exception; a blank cell under "yes" is
    nothing found."""
    kinds = draw(st.lists(st.sampled_from(["fusion", "pik3ca", "tp53", "22q"]),
                          min_size=1, max_size=3, unique=True))
    n = draw(st.integers(min_value=1, max_value=15))
    rows: list[list[Any]] = [["Case", "WGS done"] + [KINDS[k].headers[0] for k in kinds]]
    tested = dict.fromkeys(kinds, 0)
    errors: dict[Any, str] = {}
    for i in range(n):
        done = draw(st.sampled_from(["yes", "no", "Yes", "done", "not done"]))
        row: list[Any] = [f"S{i + 1:03d}", done]
        for j, k in enumerate(kinds, start=2):
            cat = draw(st.sampled_from(["positive", "negative", "blank", "not tested",
                                        "error"]))
            if done.casefold() in ("yes", "done") and cat in ("positive", "negative",
                                                              "blank"):
                tested[k] += 1
            if cat == "positive" and done.casefold() in ("yes", "done"):
                row.append(draw(st.sampled_from(KINDS[k].positive)))
            elif cat in ("positive", "negative"):
                row.append(_spell(draw, draw(st.sampled_from(KINDS[k].negative))))
            elif cat == "blank":
                row.append(None)
            elif cat == "not tested":
                row.append(_spell(draw, draw(st.sampled_from(NOT_TESTED))))
            else:
                row.append("#N/A")
                errors[(len(rows) + 1, j)] = "#N/A"
        rows.append(row)
    return rows, tested, errors


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(status_sheets())
def test_a_status_column_decides_and_result_cells_are_its_exceptions(sheet: Any) -> None:
    rows, tested, errors = sheet
    header = rows[0]
    c = build_cohort(workbook(RawSheet("Cases", rows, error_cells=errors)))
    for k, n in tested.items():
        kind = KINDS[k]
        assert _denominator(c, kind) == n, (k, header, rows)
