"""Every control says what it does: a tooltip on each button, box and field of the tabs
and dialogs listed here, a status tip on each menu action.

The walker is ``control_tips`` (beside this file).  To check another tab, add its class
to ``TABS_CHECKED``; a dialog, to ``DIALOGS``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from control_tips import actions_without_status_tip, controls_without_tooltip
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from imft_desktop.qt.characteristics_tab import CharacteristicsTab
from imft_desktop.qt.import_tab import ImportTab
from imft_desktop.qt.response_tab import ResponseTab
from imft_desktop.qt.samples_tab import SamplesTab
from imft_desktop.qt.summary_tab import SummaryTab
from imft_desktop.qt.survival_tab import SurvivalTab

#: Tabs of the main window whose controls are checked (every tab).
TABS_CHECKED: tuple[type[QWidget], ...] = (ImportTab, SamplesTab, SummaryTab, SurvivalTab,
                                           ResponseTab, CharacteristicsTab)


def _correction_dialog() -> QWidget:
    from imft_desktop.qt.project_dialogs import CorrectionDialog

    return CorrectionDialog("IMT-01", "ALK IHC (D5F3) call", "ihc[ALK/D5F3].call", "pos",
                            ("positive", "negative", "equivocal"), lambda _text: None)


def _batch_dialog() -> QWidget:
    from imft_desktop.qt.project_dialogs import BatchDialog

    update = SimpleNamespace(table="ihc", key="ALK/D5F3", field="call", old_raw="neg",
                             old_value="negative", new_raw="pos", new_value="positive",
                             corrected=False, case_label="IMT-01", number=1)
    comparison = SimpleNamespace(new_samples=["IMT-25"], added_record_count=3,
                                 updates=[update],
                                 clashes=[SimpleNamespace(batch_id="imt-02 ",
                                                          project_id="IMT-02")])
    return BatchDialog(comparison, "next-batch.xlsx")


def _recovery_box() -> QWidget:
    from imft_desktop.qt.project_dialogs import recovery_box

    edit = {"sample": "IMT-01", "address": "ihc[ALK/D5F3].call", "text": "positive",
            "reason": "recounted"}
    return recovery_box("cohort.imftproj", "2026-01-05T10:00:00+00:00", [edit])


def _help_window() -> QWidget:
    from imft_desktop.qt.help_window import HelpWindow

    return HelpWindow()


def _welcome_tour() -> QWidget:
    from imft_desktop.qt.welcome_tour import WelcomeTour

    return WelcomeTour()


def _about() -> QWidget:
    from imft_desktop.qt.about import AboutDialog

    return AboutDialog()


def _licences() -> QWidget:
    from imft_desktop.qt.licenses import LicensesDialog

    return LicensesDialog()


#: Dialogs whose controls are checked (the project dialogs, help, tour, about).
DIALOGS = {
    "correct a value": _correction_dialog,
    "add cases from a file": _batch_dialog,
    "recover unsaved changes": _recovery_box,
    "user guide": _help_window,
    "welcome tour": _welcome_tour,
    "about": _about,
    "licences": _licences,
}


@pytest.mark.parametrize("tab_class", TABS_CHECKED, ids=lambda c: c.__name__)
def test_every_control_of_a_tab_has_a_tooltip(window, tab_class):
    window.ensure_all_tabs()  # the analysis tabs are built when first shown
    tab = next(w for _title, w in window.tab_widgets() if isinstance(w, tab_class))
    assert controls_without_tooltip(tab) == []


@pytest.mark.parametrize("name", list(DIALOGS))
def test_every_control_of_a_dialog_has_a_tooltip(qtbot, name):
    dialog = DIALOGS[name]()
    qtbot.addWidget(dialog)
    assert controls_without_tooltip(dialog) == []


def test_project_and_edit_actions_have_status_tips(window):
    projects = window.projects
    actions = [projects.new_action, projects.open_action, projects.save_action,
               projects.save_as_action, projects.close_action, projects.add_action,
               projects.undo_action, projects.redo_action, projects.correct_action]
    assert [a.text() for a in actions if not a.statusTip().strip()] == []
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert actions_without_status_tip_of(edit) == []


def actions_without_status_tip_of(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator() and not a.statusTip()]


def test_every_menu_action_of_the_main_window_has_a_status_tip(window):
    assert actions_without_status_tip(window.menuBar()) == []


def test_the_walker_finds_a_control_without_a_tooltip(qtbot):
    # The check must be able to fail: a bare button and field are reported, Qt's own
    # parts (a line edit's clear button) are not.
    box = QWidget()
    qtbot.addWidget(box)
    button = QPushButton("Go", box)
    field = QLineEdit(box)
    field.setClearButtonEnabled(True)
    assert len(controls_without_tooltip(box)) == 2
    button.setToolTip("Start")
    field.setToolTip("Type here")
    assert controls_without_tooltip(box) == []
