"""The Import tab's reading options: they change how values are read, re-import uses
them, they are said (never silent), and a saved mapping profile restores every one."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from imft_desktop.io.mapping import MappingProfile
from imft_desktop.qt.import_options import (
    EVENT_CODINGS,
    FISH_DEFAULT_TEXT,
    ReadingOptionsPanel,
    parse_event_coding,
)
from imft_desktop.qt.import_tab import MESSAGES

#: One row per case from a German-language Excel: semicolons and decimal commas.
DECIMAL_COMMA_CSV = (
    "Case;Age;ALK FISH %;PFS (months);PFS event\n"
    "IMT-01;34,5;22,5;12,5;2\n"
    "IMT-02;41;8,0;3,25;1\n"
    "IMT-03;29;17,5;20;2\n"
)


def _csv(tmp_path):
    path = tmp_path / "lab.csv"
    path.write_text(DECIMAL_COMMA_CSV, encoding="utf-8")
    return path


def _clinical(cohort, field):
    return cohort.clinical().set_index("sample_id")[field].to_dict()


def test_decimal_comma_changes_the_numbers_and_is_said(window, qtbot, tmp_path):
    tab = window.import_tab
    with qtbot.waitSignal(window.load_finished, timeout=30000) as blocker:
        tab.open_file(str(_csv(tmp_path)))
    assert blocker.args == [True], tab.banner_text
    before = window.cohort
    # "34,5" and "12,5" are errors: the cases they are on are left out
    assert "IMT-01" not in _clinical(before, "pfs_months") and before.n_samples == 2
    assert any(f.code == "NUMBER_DECIMAL_COMMA" for f in before.findings)
    assert "Read with" not in tab.banner_text

    qtbot.mouseClick(tab.reading_panel.decimal_comma_check, Qt.MouseButton.LeftButton)
    assert tab.reading_panel.decimal_comma
    # A changed option is announced; the cohort on screen stays until Import.
    assert "Reading options changed (decimal comma)" in tab.banner_text
    assert window.cohort is before

    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    after = blocker.args[0]
    assert after.n_samples == 3
    assert _clinical(after, "pfs_months") == {"IMT-01": 12.5, "IMT-02": 3.25, "IMT-03": 20.0}
    assert _clinical(after, "age")["IMT-01"] == 34.5
    assert not any(f.code == "NUMBER_DECIMAL_COMMA" for f in after.findings)
    # said in the banner and among the findings
    assert 'Read with: decimal comma ("7,5" = 7.5)' in tab.banner_text
    codes = [tab.findings_model.findings[i].code for i in range(len(tab.findings_model.findings))]
    assert "READ_WITH_OPTIONS" in codes
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_threshold_event_coding_and_assembly_reach_the_cohort(window, qtbot, tmp_path):
    tab = window.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(_csv(tmp_path)), auto_import=False)
    panel = tab.reading_panel
    panel.decimal_comma_check.setChecked(True)
    panel.fish_spin.setValue(20)
    panel.event_combo.setCurrentIndex(panel.event_combo.findText("0 = censored, 1 = event"))
    panel.assembly_combo.setCurrentIndex(panel.assembly_combo.findData("hg19"))
    with qtbot.waitSignal(tab.cohort_imported, timeout=30000) as blocker:
        tab.start_import()
    cohort = blocker.args[0]
    assert cohort.study["fish_threshold"] == "20" and cohort.assembly == "hg19"
    fish = cohort.table("fish").set_index("sample_id")["call"].to_dict()
    assert fish == {"IMT-01": "positive", "IMT-02": "negative", "IMT-03": "negative"}
    # "2" is outside a 0/1 coding: the user's coding is applied, not R's guess
    assert any(f.code == "EVENT_VALUE_OUTSIDE_MAPPING" for f in cohort.findings)
    for words in ("FISH threshold 20%", "event coding 0 = 0, 1 = 1", "genome assembly hg19"):
        assert words in tab.banner_text, words
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_a_mistyped_event_coding_is_refused_inline(window, qtbot, tmp_path):
    tab = window.import_tab
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(_csv(tmp_path)), auto_import=False)
    tab.reading_panel.event_combo.setEditText("dead is one")
    with qtbot.waitSignal(tab.import_failed) as blocker:
        tab.start_import()
    assert blocker.args == ["READING_OPTIONS"]
    assert "not understood" in tab.banner_text and window.cohort is None
    assert not tab.save_profile(str(tmp_path / "p.json"))


def test_saving_and_loading_a_profile_restores_every_option(window, qtbot, tmp_path):
    tab = window.import_tab
    path = _csv(tmp_path)
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(path), auto_import=False)
    panel = tab.reading_panel
    panel.decimal_comma_check.setChecked(True)
    panel.fish_spin.setValue(12.5)
    panel.event_combo.setEditText("dead=1, alive=0")
    panel.assembly_combo.setCurrentIndex(panel.assembly_combo.findData("hg19"))
    tab.encoding_combo.setCurrentIndex(tab.encoding_combo.findData("latin-1"))
    tab.delimiter_combo.setCurrentIndex(tab.delimiter_combo.findData(";"))
    assert tab.text_options_chosen() == (None, None)  # chosen, not yet read with them
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        qtbot.mouseClick(tab.reread_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.busy)
    assert tab.text_options_chosen() == ("latin-1", ";")
    assert tab.set_column_target("B", "ignore")  # and a mapping choice
    saved = tmp_path / "lab-mapping.json"
    assert tab.save_profile(str(saved))
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["schema_version"] == 3
    assert data["reading"] == {"decimal_comma": True, "encoding": "latin-1", "delimiter": ";",
                               "fish_threshold": 12.5, "assembly": "hg19"}
    assert data["event_coding"] == {"dead": 1, "alive": 0}

    # A new session: the file read as detected, every option at its default.
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        tab.open_file(str(path), auto_import=False)
    qtbot.mouseClick(panel.defaults_button, Qt.MouseButton.LeftButton)
    assert (panel.decimal_comma, panel.fish_threshold, panel.assembly) == (False, None, None)
    assert panel.fish_spin.text() == FISH_DEFAULT_TEXT
    assert panel.event_combo.currentText() == EVENT_CODINGS[0][0]
    assert tab.encoding_combo.currentData() is None
    assert tab.current_profile().column("B").target != "ignore"

    # Loading the profile reads the text file again with its encoding, then applies it.
    with qtbot.waitSignal(tab.file_read, timeout=30000):
        assert tab.load_profile(str(saved))
    qtbot.waitUntil(lambda: not tab.busy)
    assert panel.decimal_comma and panel.fish_threshold == 12.5 and panel.assembly == "hg19"
    assert panel.event_coding() == {"dead": 1, "alive": 0}
    assert (tab.encoding_combo.currentData(), tab.delimiter_combo.currentData()) == (
        "latin-1", ";")
    assert "latin" in tab.detected_label.text() or "8859" in tab.detected_label.text()
    assert tab.current_profile().column("B").target == "ignore"
    assert MESSAGES["profile_applied"].format(name=tab.loaded_profile.name) in tab.banner_text
    assert "Reading options from the profile: decimal comma, FISH threshold 12.5%" in (
        tab.banner_text)
    # and a profile saved from the restored tab is the same profile
    again = tmp_path / "again.json"
    assert tab.save_profile(str(again))
    first, second = MappingProfile.load(saved), MappingProfile.load(again)
    assert (first.reading, first.event_coding) == (second.reading, second.event_coding)
    qtbot.waitUntil(lambda: window.samples_tab.is_ready)


def test_every_option_has_a_tooltip_naming_its_default(qtbot):
    panel = ReadingOptionsPanel()
    qtbot.addWidget(panel)
    for widget in (panel.decimal_comma_check, panel.fish_spin, panel.event_combo,
                   panel.assembly_combo):
        assert "Default" in widget.toolTip(), widget
    for label, buddy in ((panel.fish_label, panel.fish_spin),
                         (panel.event_label, panel.event_combo),
                         (panel.assembly_label, panel.assembly_combo)):
        assert label.buddy() is buddy and "&" in label.text()


def test_event_coding_text_is_parsed_strictly():
    assert parse_event_coding("automatic") is None
    assert parse_event_coding(" 2=1, 1=0 ") == {"2": 1, "1": 0}
    assert parse_event_coding("Dead=1") == {"dead": 1}
    for bad in ("2=yes", "=1", "dead", "2=1,, 1=0"):
        try:
            parse_event_coding(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
