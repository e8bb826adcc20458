"""The first-run tour: five short pages over the demo cohort, dismissed for good with
"Don't show this again" (kept in the settings); Help > Welcome Tour shows it again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

#: (title, text, tab to show) per page; the tab index follows the main window's tabs.
PAGES: tuple[tuple[str, str, int | None], ...] = (
    ("Welcome to IMFT Desktop",
     "The window has opened the <b>synthetic demo cohort</b> (24 samples, not patient "
     "data) so you can look around. Open your own workbook with File &gt; Open or by "
     "dropping it on the window.", None),
    ("1. Import: what each column and value means",
     "The <b>Import</b> tab shows how each column of your sheet was understood (double-"
     "click “Maps to” to correct it), the <b>Values</b> page shows what every value was "
     "read as (correct a reading there), and the <b>findings</b> list every cell that was "
     "interpreted, should be checked, or was left out.", 0),
    ("2. Denominators: not tested is not negative",
     "On the <b>Samples</b> and <b>Summary</b> tabs every count is altered/tested, "
     "with the samples tested by that assay as the denominator. “Not done”, “failed” or a "
     "blank cell are never counted as negative.", 2),
    ("3. Survival and response",
     "The <b>Survival</b> tab draws Kaplan-Meier curves by any alteration or clinical "
     "column, with the log-rank test and Cox hazard ratios; <b>Response</b> gives response "
     "rates with exact intervals, Fisher and exact Mann-Whitney tests.", 3),
    ("4. Print, export, help",
     "Ctrl+P prints the cohort report or the tab you are on, Ctrl+E exports the results "
     "to Excel; every page carries the source file's fingerprint. Press <b>F1</b> for the "
     "user guide; it explains every statistic and every finding.", None),
)


class WelcomeTour(QDialog):
    """A non-modal dialog paging through ``PAGES``; ``page_shown(tab)`` asks the window
    to show the tab a page talks about, ``dismissed_for_good(bool)`` reports the box."""

    page_shown = Signal(int)
    dismissed_for_good = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome")
        self.setModal(False)
        self.resize(520, 260)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        for title, text, _tab in PAGES:
            page = QWidget()
            play = QVBoxLayout(page)
            heading = QLabel(f"<h3>{title}</h3>")
            body = QLabel(text)
            body.setWordWrap(True)
            body.setTextFormat(Qt.TextFormat.RichText)
            body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            play.addWidget(heading)
            play.addWidget(body, 1)
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        self.dont_show = QCheckBox("&Don't show this again")
        self.dont_show.setToolTip("Do not open this tour when IMFT Desktop starts; Help > "
                                  "Welcome Tour shows it again")
        row = QHBoxLayout()
        row.addWidget(self.dont_show)
        row.addStretch(1)
        self.position = QLabel()
        row.addWidget(self.position)
        self.back_button = QPushButton("&Back")
        self.back_button.setToolTip("The previous page")
        self.back_button.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next_button = QPushButton("&Next")
        self.next_button.setToolTip("The next page (Enter); on the last page, close the tour")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._on_next_clicked)
        self.close_button = QPushButton("&Close")
        self.close_button.setToolTip("Close the tour (Esc)")
        self.close_button.clicked.connect(self.close)
        for b in (self.back_button, self.next_button, self.close_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.go(0)

    def go(self, index: int) -> None:
        """Show page ``index`` (clamped) and the tab it talks about."""
        index = max(0, min(index, self.stack.count() - 1))
        self.stack.setCurrentIndex(index)
        last = index == self.stack.count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setText("&Done" if last else "&Next")
        self.position.setText(f"{index + 1} of {self.stack.count()}")
        tab = PAGES[index][2]
        if tab is not None:
            self.page_shown.emit(tab)

    def _on_next_clicked(self) -> None:
        if self.stack.currentIndex() == self.stack.count() - 1:
            self.close()
        else:
            self.go(self.stack.currentIndex() + 1)

    def closeEvent(self, event: object) -> None:
        self.dismissed_for_good.emit(self.dont_show.isChecked())
        super().closeEvent(event)  # type: ignore[arg-type]
