"""Survival and Response tabs, offscreen: analyses run in workers, results appear."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui


@pytest.fixture
def no_leaked_workers():
    yield
    from imft_desktop.qt.workers import default_runner

    assert default_runner().wait_for_done(10_000), "a worker thread is still running"


def test_survival_tab_analysis_and_screen(qtbot, alt_cohort, no_leaked_workers):
    from imft_desktop.qt.survival_tab import SurvivalTab

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    assert tab.title == "Survival"
    assert not tab.analyse_button.isEnabled()
    tab.set_cohort(alt_cohort)
    assert tab.analyse_button.isEnabled()
    tab.set_grouping("monosomy 19")
    tab.perm_check.setChecked(True)
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    assert tab.study.permutation is not None and "permutation log-rank" in tab.details.text()
    assert tab.study is not None
    assert tab.stats_table.rowCount() == 2
    assert tab.stats_table.item(0, 0).text() == "no monosomy 19"
    assert "log-rank" in tab.details.text()
    assert "not tested: 2" in tab.details.text()
    assert len(tab.canvas.figure.axes) == 2  # curves + number-at-risk table
    assert [tab.reference_combo.itemText(i) for i in range(2)] == ["no monosomy 19",
                                                                   "monosomy 19"]
    tab.reference_combo.setCurrentIndex(1)
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    assert tab.study.cox.terms[0].reference == "monosomy 19"
    assert tab.stats_table.item(0, 0).text() == "monosomy 19"
    tab.at_spin.setValue(5.0)
    s5 = tab.study.km.groups[0].survival_at(5.0)[0]
    assert tab.stats_table.item(0, 5).text().startswith(f"{100 * s5:.1f}%")
    assert tab.stats_table.horizontalHeaderItem(5).text().startswith("5-month PFS")
    with qtbot.waitSignal(tab.screen_ready, timeout=30_000):
        tab.start_screen()
    assert tab.screen_result is not None
    assert tab.screen_table.rowCount() == len(tab.screen_result.rows) > 0
    assert tab.forest_canvas.figure.axes
    assert not tab.progress_bar.isVisible()


def test_survival_tab_bad_grouping_message_and_clear(qtbot, alt_cohort, no_leaked_workers):
    from imft_desktop.qt.survival_tab import SurvivalTab

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    tab.set_cohort(alt_cohort)
    tab.set_grouping("no such column")
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    assert tab.message.text().startswith("Could not analyse")
    tab.set_cohort(None)
    assert tab.stats_table.rowCount() == 0 and not tab.analyse_button.isEnabled()


def test_survival_tab_screen_cancel(qtbot, alt_cohort, no_leaked_workers):
    from imft_desktop.qt.survival_tab import MESSAGES, SurvivalTab

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    tab.set_cohort(alt_cohort)
    with qtbot.waitSignal(tab.screen_ready, timeout=30_000):
        tab.start_screen()
        tab.cancel_screen()
    # either the cancel arrived in time (nothing half-done shown) or the screen finished
    if tab.screen_result is None:
        assert tab.screen_label.text() == MESSAGES["screen_cancelled"]
        assert tab.screen_table.rowCount() == 0
    assert not tab.cancel_button.isEnabled()


def test_response_tab(qtbot, alt_cohort, no_leaked_workers):
    from imft_desktop.qt.response_tab import ResponseTab

    tab = ResponseTab()
    qtbot.addWidget(tab)
    assert tab.title == "Response"
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.set_cohort(alt_cohort)
    assert tab.orr_table.rowCount() == 1
    assert tab.waterfall_canvas.figure.axes and tab.swimmer_canvas.figure.axes
    tab.set_choices("ALK fusion", "Ki67")
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    assert tab.orr_table.rowCount() == 3
    assert tab.fisher_table.rowCount() == 2
    assert "Fisher's exact test" in tab.details.text()
    assert "Mann-Whitney" in tab.details.text()
    assert "&lt; 50" in tab.details.text()  # "n < 50" escaped, not read as a tag
    assert tab.box_canvas.figure.axes


def test_tabs_import_without_matplotlib_or_lifelines():
    """Start-up: the tab modules load without matplotlib, lifelines or scipy."""
    import subprocess
    import sys

    code = ("import sys, imft_desktop.qt.survival_tab, imft_desktop.qt.response_tab; "
            "print(sorted(m for m in ('matplotlib', 'lifelines', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    assert out.stdout.strip() == "[]"


def test_safe_html_keeps_tags_and_escapes_values():
    from imft_desktop.qt.survival_tab import safe_html

    out = safe_html("<b>log-rank</b>: p = < 0.0001<br>a & b")
    assert out == "<b>log-rank</b>: p = &lt; 0.0001<br>a &amp; b"


def test_survival_tab_adjusts_for_chosen_columns_and_names_its_view(qtbot, alt_cohort,
                                                                    no_leaked_workers):
    """Multivariable Cox and pairwise BH are in the window (issue 15): ticking a column in
    "Adjust for" re-runs the study with it, and what the tab shows is what "Add to
    Report" adds."""
    from imft_desktop.analysis.survival_study import SurvivalOptions
    from imft_desktop.qt.survival_tab import SurvivalTab

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.set_cohort(alt_cohort)
    qtbot.waitUntil(tab.is_ready, timeout=20_000)
    names = [a.text() for a in tab.adjust_menu.actions()]
    assert names and "pfs_months" not in names and "sample_id" not in names
    tab.set_grouping("monosomy 19")
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    action = tab.adjust_menu.actions()[0]
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        action.trigger()  # ticks it and re-runs
    assert tab.study.adjusted is not None
    assert tab.study.options.adjust == (action.text(),)
    assert "Multivariable Cox" in tab.details.text()
    assert action.text() in tab.adjust_button.text()
    item = tab.report_item()
    assert item.kind == "survival" and item.title == tab.study.title
    assert SurvivalOptions.from_params(item.options).adjust == (action.text(),)
