"""What the main window asks of a tab for printing and for the composed report.

A tab is a plain ``QWidget``; it takes part in printing by having these members (the
window and ``qt.printing`` check for them with ``isinstance`` on these runtime-checkable
protocols, never by a tab's class).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from imft_desktop.reports.outline import ReportItem


@runtime_checkable
class PrintableTab(Protocol):
    """A tab File > Print… can print "as shown"."""

    #: The tab's name on its tab and on paper.
    title: str

    def report_sections(self) -> list[Any]:
        """The tab as it is shown: its visible figures and tables (``tab_report``)."""
        ...


@runtime_checkable
class ComposableTab(Protocol):
    """A tab whose view can be added to the composed report (Report > Add Current View).

    ``report_item()`` names the study the tab shows with the options chosen in it, so
    that the printed section is computed again from the cohort when printed; ``None``
    while the tab has nothing to add (no cohort yet).  A tab may be composable without
    printing itself "as shown" (the Samples tab adds the cohort's characteristics).
    """

    title: str

    def report_item(self) -> ReportItem | None:
        ...


def report_item_of(tab: object) -> ReportItem | None:
    """The item ``tab`` adds to the report, or ``None`` (no such tab, nothing yet)."""
    if isinstance(tab, ComposableTab):
        return tab.report_item()
    return None
