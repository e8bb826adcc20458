"""Issue 13: "ALK FISH positive" (the Summary's FISH alteration label) as a grouping
ended in KeyError: 'clone' ("Could not analyse: 'clone'" in the Survival tab)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import imft_desktop
from imft_desktop.analysis.groupings import GroupingError, resolve_grouping
from imft_desktop.cli import main

DEMO = Path(imft_desktop.__file__).parent / "data" / "demo_cohort_synthetic.xlsx"


@pytest.fixture(scope="module")
def demo():
    if not DEMO.exists():
        pytest.skip("the synthetic demo workbook is not available")
    from imft_desktop.io.importer import import_file

    return import_file(str(DEMO))


def test_fish_positive_label_resolves_to_the_alteration(demo):
    g = resolve_grouping(demo, "ALK FISH positive")
    assert g.name == "ALK FISH positive"
    counts = g.labels.value_counts()
    assert counts.sum() == 23 and counts.max() == 13  # 13/23, as the Summary


def test_fish_probe_grouping_and_odd_word(demo):
    g = resolve_grouping(demo, "ALK FISH")
    assert sorted(g.levels) == ["ALK FISH negative", "ALK FISH positive"]
    with pytest.raises(GroupingError):  # not a KeyError traceback
        resolve_grouping(demo, "ALK FISH 15")


def test_cli_survival_by_fish_positive(capsys):
    if not DEMO.exists():
        pytest.skip("the synthetic demo workbook is not available")
    rc = main(["survival", str(DEMO), "--by", "ALK FISH positive", "--json"])
    out = capsys.readouterr().out
    assert rc == 0, out
    rep = json.loads(out)
    assert sum(g["n"] for g in rep["groups"]) == 23
    assert rep["cox"]["hr"] is not None


@pytest.mark.gui
def test_survival_tab_by_fish_positive(qtbot, demo):
    pytest.importorskip("PySide6")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from imft_desktop.qt.survival_tab import SurvivalTab
    from imft_desktop.qt.workers import default_runner

    tab = SurvivalTab()
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.set_cohort(demo)
    tab.set_grouping("ALK FISH positive")
    with qtbot.waitSignal(tab.result_ready, timeout=20_000):
        tab.analyse()
    assert "Could not analyse" not in tab.message.text()
    assert tab.stats_table.rowCount() == 2
    assert "HR ALK FISH positive" in tab.details.text()
    assert default_runner().wait_for_done(10_000)
