"""Reading options on the command line: a profile's apply with ``--profile``, a flag
given wins, each one used is listed (READ_WITH_OPTIONS); ``--sheet`` on a template and
``--json`` on a file that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from imft_desktop.cli import build_parser, main
from imft_desktop.cli.cmd_validate import ISSUE_KEYS, import_options
from imft_desktop.io.importer import import_file
from imft_desktop.io.mapping import MappingProfile, recognise
from imft_desktop.io.mapping.profile import ReadingOptions
from imft_desktop.io.read.workbook import read_workbook

#: A lab's export from a German-language Excel: semicolons, decimal commas, Windows-1252
#: ("Größe" is not UTF-8) and R's 1/2 event coding.
DECIMAL_COMMA_CSV = (
    "Case;Age;ALK FISH %;PFS (months);PFS event;Größe\n"
    "IMT-01;34,5;22,5;12,5;2;3,1\n"
    "IMT-02;41;8,0;3,25;1;2\n"
    "IMT-03;29;17,5;20;2;4,2\n"
)


@pytest.fixture
def lab_csv(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.write_bytes(DECIMAL_COMMA_CSV.encode("cp1252"))
    return path


@pytest.fixture
def saved_profile(lab_csv: Path, tmp_path: Path) -> Path:
    """The profile a user saved in the window after choosing every reading option."""
    sheet = read_workbook(lab_csv, encoding="cp1252", delimiter=";").sheets[0]
    profile = recognise(sheet)
    profile.reading = ReadingOptions(decimal_comma=True, encoding="cp1252", delimiter=";",
                                     fish_threshold=20.0, assembly="hg19")
    profile.event_coding = {"1": 0, "2": 1}
    path = tmp_path / "lab-mapping.json"
    profile.save(path)
    return path


def _options(*argv: str):
    return import_options(build_parser().parse_args(["validate", *argv]))


def _issues(capsys: pytest.CaptureFixture[str]) -> dict[str, list[dict]]:
    report = json.loads(capsys.readouterr().out)
    out: dict[str, list[dict]] = {}
    for issue in report["issues"]:
        out.setdefault(issue["code"], []).append(issue)
    return out


def test_profile_applies_every_reading_option(lab_csv, saved_profile, capsys):
    options = _options(str(lab_csv), "--profile", str(saved_profile))
    assert (options.decimal_comma, options.encoding, options.delimiter,
            options.fish_threshold, options.assembly) == (True, "cp1252", ";", 20.0, "hg19")
    assert options.mapping.event_coding == {"1": 0, "2": 1}

    cohort = import_file(lab_csv, options)
    assert cohort.study["fish_threshold"] == "20" and cohort.assembly == "hg19"
    pfs = dict(zip(cohort.clinical()["sample_id"], cohort.clinical()["pfs_months"]))
    assert pfs == {"IMT-01": 12.5, "IMT-02": 3.25, "IMT-03": 20.0}
    events = dict(zip(cohort.clinical()["sample_id"], cohort.clinical()["pfs_event"]))
    assert events == {"IMT-01": 1, "IMT-02": 0, "IMT-03": 1}
    fish = cohort.table("fish").set_index("sample_id")
    # 17.5% is positive at 15% but not at the profile's 20%
    assert fish.loc["IMT-03", "call"] == "negative" and fish.loc["IMT-01", "call"] == "positive"
    assert "Größe" in cohort.extra.columns  # read as Windows-1252

    # The same through the command itself: no decimal-comma errors, the options listed.
    assert main(["validate", str(lab_csv), "--profile", str(saved_profile), "--json"]) == 0
    issues = _issues(capsys)
    assert "NUMBER_DECIMAL_COMMA" not in issues and "EVENT_R_CODING" not in issues
    (read_with,) = issues["READ_WITH_OPTIONS"]
    for words in ("decimal comma", "cp1252", "semicolon", "FISH threshold 20%",
                  "event coding 1 = 0, 2 = 1", "genome assembly hg19"):
        assert words in read_with["message"], words


def test_command_line_flags_win_over_the_profile(lab_csv, saved_profile, capsys):
    options = _options(str(lab_csv), "--profile", str(saved_profile), "--no-decimal-comma",
                       "--fish-threshold", "10", "--assembly", "GRCh38",
                       "--event-map", "1=1,2=0", "--encoding", "latin-1")
    assert (options.decimal_comma, options.fish_threshold, options.assembly,
            options.encoding, options.delimiter) == (False, 10.0, "hg38", "iso8859-1", ";")
    # the command line's event coding replaces the profile's
    assert options.event_mapping == {"1": 1, "2": 0} and options.mapping.event_coding == {}

    assert main(["validate", str(lab_csv), "--profile", str(saved_profile),
                 "--no-decimal-comma", "--json"]) == 1
    issues = _issues(capsys)
    assert {i["value"] for i in issues["NUMBER_DECIMAL_COMMA"]} >= {"12,5", "34,5"}
    assert "decimal comma" not in issues["READ_WITH_OPTIONS"][0]["message"]


def test_without_options_nothing_is_listed_and_bad_values_are_usage_errors(
        lab_csv, capsys):
    options = _options(str(lab_csv))
    assert (options.decimal_comma, options.encoding, options.fish_threshold,
            options.assembly) == (False, None, None, None)
    for argv, words in ((["--encoding", "klingon"], "not a text encoding"),
                        (["--delimiter", ";;"], "one character"),
                        (["--assembly", "mm10"], "hg19 (GRCh37) or hg38"),
                        (["--fish-threshold", "0"], "above 0")):
        assert main(["validate", str(lab_csv), *argv]) == 2
        assert words in capsys.readouterr().err
    assert _options(str(lab_csv), "--delimiter", "tab").delimiter == "\t"


def _template(path: Path, study: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Samples"
    ws.append(["sample_id", "patient_id", "age"])
    ws.append(["IMT-01", "P-01", 34])
    fish = wb.create_sheet("FISH")
    fish.append(["sample_id", "probe", "percent_split"])
    fish.append(["IMT-01", "ALK", 18])
    if study:
        st = wb.create_sheet("Study")
        st.append(["key", "value"])
        for k, v in study.items():
            st.append([k, v])
    wb.save(path)
    return path


def test_a_choice_overriding_the_study_sheet_is_a_warning(tmp_path, capsys):
    path = _template(tmp_path / "t.xlsx", {"fish_threshold": "15", "assembly": "hg38"})
    assert main(["validate", str(path), "--fish-threshold", "20", "--assembly", "hg19",
                 "--json"]) == 0
    issues = _issues(capsys)
    overridden = {(i["value"], i["normalised"]) for i in issues["STUDY_SETTING_OVERRIDDEN"]}
    assert overridden == {("15", "20"), ("hg38", "hg19")}
    # the same value as the Study sheet's is no override
    assert main(["validate", str(path), "--fish-threshold", "15", "--json"]) == 0
    assert "STUDY_SETTING_OVERRIDDEN" not in _issues(capsys)


def test_sheet_that_a_template_does_not_have_exits_2_naming_its_sheets(tmp_path, capsys):
    path = _template(tmp_path / "t.xlsx")
    assert main(["validate", str(path), "--sheet", "Nope"]) == 2
    err = capsys.readouterr().err
    assert 'no sheet called "Nope"' in err and "Samples, FISH" in err
    assert main(["validate", str(path), "--sheet", "Nope", "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["error"]["code"] == "SHEET_NOT_FOUND"
    assert main(["validate", str(path), "--sheet", "Samples"]) == 0  # a sheet it has


@pytest.mark.parametrize("kind", ["missing", "garbage", "usage"])
def test_json_is_printed_when_the_file_cannot_be_read(tmp_path, capsys, kind):
    path = tmp_path / "cohort.xlsx"
    argv = ["validate", str(path), "--json"]
    if kind == "garbage":
        path.write_bytes(b"PK\x03\x04 not really a workbook")
    elif kind == "usage":
        _template(path)
        argv += ["--event-map", "yes=maybe"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert captured.err.strip()  # the person at the terminal still reads why
    # the keys of a normal report (none renamed), plus "error"
    assert {"ok", "file", "sha256", "counts", "issues", "value_dictionary"} <= set(report)
    assert report["ok"] is False and report["file"] == "cohort.xlsx"
    assert report["counts"] == {"error": 1, "warning": 0, "info": 0}
    (issue,) = report["issues"]
    assert set(ISSUE_KEYS) <= set(issue) and issue["level"] == "error"
    assert report["error"]["code"] == issue["code"] and report["error"]["message"]
    if kind == "usage":
        assert report["error"]["code"] == "USAGE_ERROR"
        assert "--event-map" in report["error"]["message"]


def test_a_profile_of_layout_2_still_works_on_the_command_line(tmp_path, capsys):
    fixture = Path(__file__).parents[1] / "mapping" / "fixtures" / "profile_v2.json"
    assert MappingProfile.load(fixture).reading.is_default
    path = tmp_path / "lab.csv"
    path.write_text("Case;Age\nIMT-01;34\n", encoding="utf-8")
    options = _options(str(path), "--profile", str(fixture))
    assert (options.decimal_comma, options.encoding, options.fish_threshold) == (
        False, None, None)


def test_another_tools_file_takes_the_assembly_and_lists_only_what_applies(tmp_path):
    from imft_desktop.io.importer import ImportOptions

    seg = tmp_path / "cohort.seg"
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                   "S1\t19\t1\t58000000\t500\t-0.9\nS2\t1\t1\t1000000\t20\t0.02\n",
                   encoding="utf-8")
    cohort = import_file(seg, ImportOptions(assembly="hg19", decimal_comma=True,
                                            encoding="cp1252"))
    assert cohort.assembly == "hg19"
    (note,) = [f for f in cohort.findings if f.code == "READ_WITH_OPTIONS"]
    assert "genome assembly hg19" in note.message
    assert "decimal comma" not in note.message and "cp1252" not in note.message
