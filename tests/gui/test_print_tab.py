"""'Print this tab' prints what the tab shows: its visible figures and tables."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTableView

from imft_desktop.reports.document import Figure, Heading, Report, Table


@pytest.mark.parametrize("title", ["Survival", "Response", "Summary"])
def test_analysis_tabs_print_what_they_show(demo_window, qtbot, title):
    from imft_desktop.qt.printing import render_pdf_bytes

    index = next(i for i in range(demo_window.tabs.count())
                 if demo_window.tabs.tabText(i) == title)
    demo_window.tabs.setCurrentIndex(index)
    tab = demo_window.current_tab()
    qtbot.waitUntil(lambda: getattr(tab, "is_ready", lambda: True)(), timeout=60000)
    qtbot.waitUntil(lambda: any(
        v.isVisible() and v.model() is not None and v.model().rowCount() > 0
        for v in tab.findChildren(QTableView)), timeout=60000)
    sections = tab.report_sections()
    assert isinstance(sections[0], Heading) and sections[0].text == title
    assert any(isinstance(s, Table) and s.rows for s in sections), sections
    if title != "Summary":  # the Summary tab opens on its frequency table
        figures = [s for s in sections if isinstance(s, Figure)]
        assert figures and all(f.width_in <= 6.7 for f in figures)
    data, pages = render_pdf_bytes(Report(title=f"{title} tab", sections=sections))
    assert data.startswith(b"%PDF") and pages >= 1
