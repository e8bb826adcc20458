"""Random and broken inputs: hypothesis-generated CSVs and workbooks, and every
truncation of small files.  Each import must end with exit 0, 1 or 2, print no
traceback and no "internal error", stay within a per-file time budget, and account for
every data row (a sample, or a finding that names the row)."""

from __future__ import annotations

import csv
import gzip
import io
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imft_desktop.cli import main
from imft_desktop.io.importer import import_file
from imft_desktop.io.read.raw import UnreadableFile

pytestmark = pytest.mark.fuzz

#: Seconds any one small file may take.
PER_FILE_SECONDS = 5.0
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HEADER = ["Case", "ALK IHC", "Best response", "PFS (months)", "Progression", "Note"]
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
tokens = st.sampled_from(["", "NA", "pos", "neg", "PR", "sd", "-19", "+7", "=1+1", "<1%",
                          "3+", "7,5", "1E5", "00123", " S1 ", "TPM3-ALK", "yes", "2"])
cell = st.one_of(cell_text, tokens)


def validate(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    start = time.monotonic()
    code = main(["validate", *args, str(path)])
    seconds = time.monotonic() - start
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert seconds < PER_FILE_SECONDS, seconds
    return code, out + err


def accounted(path: Path, n_rows: int) -> None:
    """Every data row (Excel rows 2..n+1) is a sample, or named by a finding."""
    try:
        cohort = import_file(path)
    except UnreadableFile:
        return
    named: set[int] = set()
    for f in cohort.findings:
        named.update(f.rows or ((f.row,) if f.row is not None else ()))
    samples = cohort.tables.get("samples")
    kept: set[int] = set()
    if samples is not None and "_row" in samples:
        kept = set(samples["_row"].dropna().astype(int))
    whole_file = any(f.row is None and f.level.rank >= 2 for f in cohort.findings)
    for r in range(2, n_rows + 2):
        assert r in kept or r in named or whole_file, f"row {r} vanished"


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_csv(tmp_path_factory, capsys, rows, delimiter) -> None:
    path = tmp_path_factory.mktemp("csv") / "random.csv"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(r)
    path.write_text(buf.getvalue(), encoding="utf-8")
    validate(path, capsys)


@FUZZ
@given(ids=st.lists(st.text(alphabet="ABCS0123456789-", min_size=1, max_size=6),
                    min_size=1, max_size=15, unique=True),
       values=st.lists(st.tuples(tokens, tokens, tokens, tokens), min_size=15, max_size=15))
def test_every_csv_row_is_accounted_for(tmp_path_factory, capsys, ids, values) -> None:
    path = tmp_path_factory.mktemp("acc") / "cases.csv"
    lines = [",".join(HEADER[:5])]
    for sid, (a, b, c, d) in zip(ids, values):
        lines.append(",".join(f'"{x}"' for x in (sid, a, b, c, d)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    validate(path, capsys)
    accounted(path, len(ids))


scalar = st.one_of(
    st.none(), cell, st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(), st.datetimes(),
)


@FUZZ
@given(grid=st.lists(st.lists(scalar, max_size=8), max_size=12),
       header=st.booleans(), extra_sheets=st.integers(0, 3), hidden=st.booleans())
def test_random_workbook(tmp_path_factory, capsys, grid, header, extra_sheets, hidden) -> None:
    path = tmp_path_factory.mktemp("xlsx") / "random.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    if header:
        ws.append(HEADER)
    for row in grid:
        clean = []
        for v in row:
            if isinstance(v, str):  # openpyxl refuses control characters in text
                v = "".join(ch for ch in v if ch >= " " or ch in "\t\n")
            clean.append(v)
        ws.append(clean)
    for i in range(extra_sheets):
        other = wb.create_sheet(f"Other {i}")
        other.append(["x", i])
        if hidden:
            other.sheet_state = "hidden"
    wb.save(path)
    validate(path, capsys)


# ------------------------------------------------------------------ truncations
def _small_files(tmp: Path) -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER[:5])
    ws.append(["S1", "positive", "PR", 5, 1])
    xlsx = io.BytesIO()
    wb.save(xlsx)
    csv_text = "Case,Best response,PFS (months),Progression\nS1,PR,5,1\nS2,\"SD, slow\",7,0\n"
    maf = ("#version 2.4\nHugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\n"
           "PIK3CA\tS1\tMissense_Mutation\nALK\tS2\tFusion\n")
    return {
        "cases.xlsx": xlsx.getvalue(),
        "cases.csv": csv_text.encode(),
        "cases.maf.gz": gzip.compress(maf.encode()),
        "cases.seg": b"ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                     b"S1\t1\t1\t1000\t5\t-0.4\n",
    }


@pytest.mark.parametrize("name", ["cases.xlsx", "cases.csv", "cases.maf.gz", "cases.seg"])
def test_every_truncation(tmp_path: Path, capsys, name: str) -> None:
    data = _small_files(tmp_path)[name]
    path = tmp_path / name
    # Every byte for the text files; every 3rd byte for the ~5 KB workbook (CI budget).
    step = 3 if name.endswith(".xlsx") else 1
    for cut in range(0, len(data), step):
        path.write_bytes(data[:cut])
        validate(path, capsys)
    path.write_bytes(data)
    assert validate(path, capsys)[0] in (0, 1)


# ------------------------------------------------------------------ tool files, profiles
tsv_cell = st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                    blacklist_characters="\x00\t\n\r"),
                             max_size=12), tokens)


@FUZZ
@given(kind=st.sampled_from(["maf", "seg"]), comment=st.booleans(),
       rows=st.lists(st.lists(tsv_cell, max_size=8), max_size=10))
def test_random_maf_and_seg(tmp_path_factory, capsys, kind, comment, rows) -> None:
    head = {"maf": "Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short",
            "seg": "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean"}[kind]
    text = ("#version 2.4\n" if comment else "") + head + "\n"
    text += "".join("\t".join(r) + "\n" for r in rows)
    path = tmp_path_factory.mktemp(kind) / f"random.{kind}"
    path.write_text(text, encoding="utf-8")
    validate(path, capsys)


def _profile_bytes(tmp: Path) -> tuple[Path, bytes]:
    from imft_desktop.io import mapping
    from imft_desktop.io.read.workbook import read_workbook

    data = tmp / "cases.csv"
    data.write_text("Case,ALK IHC,Best response,PFS (months),Progression\nS1,pos,PR,5,1\n")
    profile = mapping.recognise(read_workbook(data).sheets[0])
    saved = tmp / "profile.json"
    profile.save(saved)
    return data, saved.read_bytes()


def test_every_truncation_of_a_mapping_profile(tmp_path: Path, capsys) -> None:
    data, profile = _profile_bytes(tmp_path)
    path = tmp_path / "p.json"
    for cut in range(0, len(profile), 2):
        path.write_bytes(profile[:cut])
        validate(data, capsys, "--mapping", str(path))
    path.write_bytes(profile)
    assert validate(data, capsys, "--mapping", str(path))[0] in (0, 1)


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,          # nesting deeper than the JSON parser's stack
    '{"columns": "not a list"}', '{"columns": [1, 2, 3]}', '{"columns": [{"x": []}]}',
    '{"version": 99, "columns": []}', "null", '"just a string"', "\ufeff{}", "{}" * 3,
    '{"header_row": -5, "columns": []}', '{"header_row": 1e308, "columns": []}',
])
def test_hostile_mapping_profiles(tmp_path: Path, capsys, text: str) -> None:
    data, _profile = _profile_bytes(tmp_path)
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    code, _out = validate(data, capsys, "--mapping", str(path))
    assert code in (1, 2)
