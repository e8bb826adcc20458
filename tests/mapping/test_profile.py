"""Mapping profiles: JSON round trip, atomic save, migrations, re-application."""

from __future__ import annotations

import json

import pytest

from imft_desktop.io.mapping import (
    SCHEMA_VERSION,
    ColumnMapping,
    MappingProfile,
    apply_profile,
    recognise,
)
from imft_desktop.io.mapping import profile as mapping_profile
from imft_desktop.io.mapping.profile import ReadingOptions
from imft_desktop.io.read.raw import RawSheet


def _sheet(headers, *rows, name="Cases", banner=False):
    body = [list(headers), *[list(r) for r in rows]]
    if banner:
        body = [["Cohort export"], [], *body]
    return RawSheet(name=name, rows=body)


HEADERS = ["Case", "ALK IHC (D5F3)", "PFS (months)", "Censored", "Hospital"]
ROWS = [["IMT-01", "pos", 12.0, 0, "A"], ["IMT-02", "neg", 3.5, 1, "B"]]


def test_json_round_trip_keeps_everything(messy_sheet):
    profile = recognise(messy_sheet)
    profile.event_coding = {"progressed": 1, "censored": 0}
    text = profile.to_json()
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION == 3
    again = MappingProfile.from_json(text)
    assert again == profile
    assert again.to_json() == text


def test_event_coding_of_inverted_column_survives_round_trip():
    profile = recognise(_sheet(HEADERS, *ROWS))
    censored = profile.column("D")
    assert censored is not None and censored.event_coding == {"0": 1, "1": 0}
    again = MappingProfile.from_json(profile.to_json())
    assert again.column("D").event_coding == {"0": 1, "1": 0}


def test_save_is_atomic_and_loads(tmp_path, messy_sheet):
    profile = recognise(messy_sheet)
    path = tmp_path / "profiles" / "create.imftmap.json"
    profile.save(path)
    assert MappingProfile.load(path) == profile
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert leftovers == []
    # A failing write leaves the previous file intact.
    bad = MappingProfile(name="x", header_row=1, sheet="s",
                         columns=[ColumnMapping("A", "Case", "samples.sample_id")])
    original = path.read_bytes()

    def boom(self):
        raise RuntimeError("disk full")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MappingProfile, "to_json", boom)
        with pytest.raises(RuntimeError):
            bad.save(path)
    assert path.read_bytes() == original


def test_newer_layout_is_refused_with_a_readable_message():
    data = json.loads(recognise(_sheet(HEADERS, *ROWS)).to_json())
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="newer version"):
        MappingProfile.from_json(json.dumps(data))


def test_migration_hook_upgrades_old_layouts(monkeypatch):
    # A pretend layout 0 that called the list "mappings" and had no confidences.
    old = {
        "schema_version": 0,
        "name": "old",
        "header_row": 1,
        "sheet": "Cases",
        "mappings": [{"column": "A", "header": "Case", "target": "samples.sample_id"}],
    }

    def upgrade_0(data):
        data = dict(data)
        data["columns"] = data.pop("mappings")
        return data

    monkeypatch.setattr(mapping_profile, "SCHEMA_VERSION", 1)
    monkeypatch.setitem(mapping_profile.MIGRATIONS, 0, upgrade_0)
    profile = MappingProfile.from_dict(old)
    assert profile.columns == [ColumnMapping("A", "Case", "samples.sample_id")]


def test_missing_migration_and_bad_input_are_value_errors(monkeypatch):
    with pytest.raises(ValueError, match="no upgrade"):
        MappingProfile.from_dict({"schema_version": 0, "header_row": 1})
    with pytest.raises(ValueError, match="not valid JSON"):
        MappingProfile.from_json("{nope")
    with pytest.raises(ValueError, match="incomplete"):
        MappingProfile.from_json('{"schema_version": 1, "columns": []}')
    with pytest.raises(ValueError):
        MappingProfile.from_json(
            '{"schema_version": 1, "header_row": 1, "event_coding": {"yes": 7}}'
        )


def test_reapply_after_columns_moved_matches_by_header():
    profile = recognise(_sheet(HEADERS, *ROWS))
    profile.columns[4].target = "ignore"  # a user's choice is kept
    moved = _sheet(
        ["PFS (months)", "Hospital", "Case", "Censored", "ALK IHC (D5F3)"],
        [12.0, "A", "IMT-01", 0, "pos"],
        banner=True,  # and the header is now on row 3
    )
    app = apply_profile(profile, moved)
    assert app.profile.header_row == 3
    got = {c.header: (c.column, c.target) for c in app.profile.columns}
    assert got == {
        "PFS (months)": ("A", "outcomes.pfs_months"),
        "Hospital": ("B", "ignore"),
        "Case": ("C", "samples.sample_id"),
        "Censored": ("D", "outcomes.pfs_event"),
        "ALK IHC (D5F3)": ("E", "ihc.call[ALK/D5F3]"),
    }
    assert app.profile.column("D").event_coding == {"0": 1, "1": 0}
    assert app.unmatched == [] and app.new_columns == []
    assert ("Case", "A", "C") in app.moved
    assert not app.matched_by_letter
    assert app.is_exact


def test_reapply_reports_renamed_missing_and_new_columns():
    profile = recognise(_sheet(HEADERS, *ROWS))
    changed = _sheet(
        ["Case", "ALK IHC D5F3 result", "PFS (months)", "ROS1 IHC"],
        ["IMT-01", "pos", 12.0, "neg"],
    )
    app = apply_profile(profile, changed)
    # B was renamed: found by its letter (header text changed), target kept.
    assert app.matched_by_letter == ["B"]
    b = app.profile.column("B")
    assert b.target == "ihc.call[ALK/D5F3]" and "matched by column letter" in b.reason
    # "Censored" and "Hospital" are gone: reported, not silently dropped.
    assert sorted(c.header for c in app.unmatched) == ["Censored", "Hospital"]
    # "ROS1 IHC" is new: kept as extra in the profile, suggestion reported.
    assert [c.header for c in app.new_columns] == ["ROS1 IHC"]
    assert app.new_columns[0].target == "ihc.call[ROS1]"
    d = app.profile.column("D")
    assert d.target == "extra" and "suggested: ihc.call[ROS1]" in d.reason
    assert not app.is_exact


def test_letter_fallback_never_steals_a_column_claimed_by_header():
    profile = recognise(_sheet(["Case", "Age", "Sex"], ["A", 1, "F"]))
    # "Age" vanished; its letter B now holds "Sex", which the profile knows by header.
    app = apply_profile(profile, _sheet(["Case", "Sex"], ["A", "F"]))
    assert [c.header for c in app.unmatched] == ["Age"]
    assert app.profile.column("B").target == "samples.sex"


def test_check_reports_unusable_profiles():
    p = MappingProfile(name="p", header_row=1, sheet="s", columns=[
        ColumnMapping("A", "Age", "samples.age"),
        ColumnMapping("B", "PFS", "outcomes.pfs_months"),
        ColumnMapping("C", "PFS d", "outcomes.pfs_days"),
        ColumnMapping("D", "X", "samples.colour"),
    ])
    problems = p.check()
    assert any("no column is mapped to the sample ID" in m for m in problems)
    assert any("columns B and C" in m for m in problems)
    assert any("column D" in m for m in problems)


def test_user_choice_sets_full_confidence_and_validates():
    profile = recognise(_sheet(HEADERS, *ROWS))
    c = profile.set_target("E", "samples.site")
    assert (c.target, c.confidence, c.reason) == ("samples.site", 1.0, "chosen by the user")
    assert profile.column("E").target == "samples.site"
    with pytest.raises(ValueError):
        profile.set_target("E", "samples.colour")
    with pytest.raises(KeyError):
        profile.set_target("Z", "extra")
    profile.set_target("D", "outcomes.os_event")  # an event column keeps its coding
    assert profile.column("D").event_coding == {"0": 1, "1": 0}


def test_saved_layout_1_fixture_keeps_loading(messy_sheet):
    # Written by layout 1; never regenerate it: later layouts must migrate it.
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "profile_v1.json"
    profile = MappingProfile.load(path)
    assert profile.header_row == 3 and profile.sheet == "Cases"
    assert profile.event_coding == {"progressed": 1, "censored": 0}
    assert profile.column("C").target == "ihc.call[ALK/D5F3]"
    assert profile.check() == []
    app = apply_profile(profile, messy_sheet)
    assert app.unmatched == [] and app.new_columns == []


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("layout", [1, 2])
def test_layouts_before_3_load_with_the_default_reading_options(layout, messy_sheet):
    # Written by layouts 1 and 2; never regenerate them: layout 3 must migrate them.
    path = FIXTURES / f"profile_v{layout}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == layout
    profile = MappingProfile.load(path)
    assert profile.reading == ReadingOptions() and profile.reading.is_default
    assert profile.event_coding == {"progressed": 1, "censored": 0}  # kept as it was
    assert profile.check() == []
    # Saved again, it is a layout-3 file with every reading option spelled out.
    data = json.loads(profile.to_json())
    assert data["schema_version"] == 3
    assert data["reading"] == {"decimal_comma": False, "encoding": None, "delimiter": None,
                               "fish_threshold": None, "assembly": None}
    assert apply_profile(profile, messy_sheet).unmatched == []


def test_saved_layout_3_fixture_keeps_its_reading_options(messy_sheet):
    # Written by layout 3; never regenerate it: later layouts must migrate it.
    profile = MappingProfile.load(FIXTURES / "profile_v3.json")
    assert profile.reading == ReadingOptions(
        decimal_comma=True, encoding="cp1252", delimiter=";", fish_threshold=20.0,
        assembly="hg19")
    assert profile.event_coding == {"progressed": 1, "censored": 0}
    assert profile.column("C").target == "ihc.call[ALK/D5F3]"
    # Re-applied to a sheet whose columns moved, the reading options go along.
    app = apply_profile(profile, messy_sheet)
    assert app.profile.reading == profile.reading
    assert MappingProfile.from_json(profile.to_json()) == profile


def test_reading_options_round_trip_and_refuse_nonsense():
    reading = ReadingOptions(decimal_comma=True, encoding="latin-1", delimiter="\t",
                             fish_threshold=12.5, assembly="GRCh37")
    assert reading.assembly == "hg19"  # any usual spelling, stored one way
    profile = MappingProfile(name="p", header_row=1, sheet="s", reading=reading,
                             event_coding={"1": 0, "2": 1})
    again = MappingProfile.from_json(profile.to_json())
    assert again.reading == reading and again.event_coding == {"1": 0, "2": 1}
    for bad in ({"fish_threshold": 0}, {"fish_threshold": 140}, {"assembly": "mm10"},
                {"delimiter": ";;"}):
        data = json.loads(profile.to_json())
        data["reading"].update(bad)
        with pytest.raises(ValueError):
            MappingProfile.from_json(json.dumps(data))
    data = json.loads(profile.to_json())
    data["reading"] = "decimal comma"
    with pytest.raises(ValueError, match="incomplete"):
        MappingProfile.from_json(json.dumps(data))
