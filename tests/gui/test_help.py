"""Help > User guide: the offline manual opens, searches, and explains each finding code."""

from __future__ import annotations

import re

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from imft_desktop.io.validation.codes import RULES
from imft_desktop.qt.help_window import HelpWindow, codes_chapter, guide_html


def test_the_guide_names_every_finding_code_and_shows_its_images(qtbot):
    text = guide_html()
    for code in RULES:
        assert f'name="code-{code}"' in text
    assert "<!-- CODES -->" not in text
    help_window = HelpWindow()
    qtbot.addWidget(help_window)
    # every picture of the guide is found in the package data (no broken image)
    names = re.findall(r'<img src="([^"]+)"', text)
    assert len(names) >= 4
    for name in names:
        data = help_window.browser.loadResource(
            int(QTextDocument.ResourceType.ImageResource), QUrl(name))
        assert data is not None and data.size() > 10_000, name


def test_search_finds_denominator_and_wraps_round(qtbot):
    w = HelpWindow()
    qtbot.addWidget(w)
    w.search.setText("denominator")
    n = w.count_matches("denominator")
    assert n >= 3
    assert w.matches_label.text() == f"{n} matches"
    assert w.browser.textCursor().selectedText().lower() == "denominator"
    positions = set()
    for _ in range(n + 1):  # one more than the matches: wraps to the first
        assert w.find_next()
        positions.add(w.browser.textCursor().position())
    assert len(positions) == n
    assert w.find_previous()
    w.search.setText("no such words here")
    assert w.matches_label.text() == "0 matches"
    assert not w.find_next()


def test_codes_chapter_escapes_messages():
    chapter = codes_chapter()
    assert "<b>VOCAB_UNKNOWN</b>" in chapter
    assert '"{value}"' not in chapter  # quotes escaped as entities


def test_f1_opens_the_guide_and_a_finding_opens_its_code(window, qtbot):
    window.guide_action.trigger()
    assert window._help_window is not None and window._help_window.isVisible()
    window.import_tab.help_requested.emit("code-VOCAB_UNKNOWN")
    assert window._help_window.isVisible()


def test_welcome_tour_pages_show_tabs_and_can_be_dismissed_for_good(window, qtbot):
    window.show_tour(first_run=True)
    tour = window._tour
    assert tour is not None and tour.isVisible()
    assert tour.position.text() == "1 of 5"
    tour.next_button.click()
    assert window.tabs.currentIndex() == 0  # the Import page shows the Import tab
    tour.next_button.click()
    assert window.tabs.currentIndex() == 2
    tour.dont_show.setChecked(True)
    tour.close()
    assert window.settings.tour_dismissed()
    window._tour = None
    window.show_tour(first_run=True)  # dismissed: not shown again at start-up
    assert window._tour is None
    window.tour_action.trigger()  # but Help > Welcome Tour still shows it
    assert window._tour is not None and window._tour.dont_show.isChecked()
    window._tour.close()
