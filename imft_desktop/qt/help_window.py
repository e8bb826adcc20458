"""Help > User guide: the offline manual shipped with the package, with search.

The guide is ``imft_desktop/data/help/guide.html`` (images beside it); its last chapter
is made here from the program's own catalogue of finding codes, so every code a user
meets has an explanation (anchor ``code-<CODE>``) that the Import tab can open.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

HELP_DIR = Path(__file__).resolve().parent.parent / "data" / "help"
GUIDE = HELP_DIR / "guide.html"
_LEVEL_WORDS = {"error": "Error", "warning": "Warning", "info": "Info"}


def codes_chapter() -> str:
    """HTML of every finding code: level, message and hint, one anchor per code."""
    from imft_desktop.io.validation.codes import RULES

    rows = []
    for rule in RULES.values():
        hint = f"<br><i>{html.escape(rule.hint)}</i>" if rule.hint else ""
        rows.append(
            f'<tr><td><a name="code-{rule.code}"></a><b>{rule.code}</b></td>'
            f"<td>{_LEVEL_WORDS.get(str(rule.level), str(rule.level))}</td>"
            f"<td>{html.escape(rule.message)}{hint}</td></tr>")
    return ('<table border="1" cellspacing="0" cellpadding="3">'
            "<tr><th>Code</th><th>Level</th><th>Message (and what to do)</th></tr>"
            + "".join(rows) + "</table>")


def guide_html() -> str:
    """The whole guide, with the codes chapter filled in."""
    text = GUIDE.read_text(encoding="utf-8")
    return text.replace("<!-- CODES -->", codes_chapter())


class HelpWindow(QDialog):
    """The user guide in a ``QTextBrowser`` with a search field (Enter: next match,
    Shift+Enter: previous) and links between chapters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("IMFT Desktop: user guide")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        find_label = QLabel("F&ind:")
        row.addWidget(find_label)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the guide (Enter: next, Shift+Enter: previous)")
        self.search.setToolTip("Words to find in the guide (Ctrl+F). Enter goes to the next "
                               "match, Shift+Enter to the previous one; the count is beside.")
        find_label.setBuddy(self.search)
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(self._on_search_text_changed)
        row.addWidget(self.search, 1)
        self.previous_button = QPushButton("&Previous")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = QPushButton("&Next")
        self.next_button.setToolTip("Next match (Enter)")
        self.next_button.clicked.connect(self.find_next)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        self.matches_label = QLabel()
        self.matches_label.setMinimumWidth(110)
        row.addWidget(self.matches_label)
        layout.addLayout(row)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)  # offline: no link leaves the guide
        self.browser.setSearchPaths([str(HELP_DIR)])
        self.browser.setHtml(guide_html())
        layout.addWidget(self.browser, 1)
        QShortcut(QKeySequence("Shift+Return"), self.search, self.find_previous)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        self.search.setFocus()

    def show_anchor(self, anchor: str) -> None:
        """Scroll to ``anchor`` ("codes", "code-VOCAB_UNKNOWN", "values")."""
        self.browser.scrollToAnchor(anchor)

    def show_code(self, code: str) -> None:
        """Scroll to the explanation of finding code ``code``."""
        self.show_anchor(f"code-{code}")

    def count_matches(self, text: str) -> int:
        """Occurrences of ``text`` in the guide (case-insensitive)."""
        if not text:
            return 0
        doc = self.browser.document()
        n, cursor = 0, QTextCursor(doc)
        while True:
            cursor = doc.find(text, cursor)
            if cursor.isNull():
                return n
            n += 1

    def _on_search_text_changed(self, text: str) -> None:
        n = self.count_matches(text)
        self.matches_label.setText("" if not text else f"{n} match{'es' * (n != 1)}")
        cursor = self.browser.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        if text:
            self.browser.find(text)

    def find_next(self) -> bool:
        """Select the next match, wrapping round at the end."""
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        """Select the previous match, wrapping round at the start."""
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        text = self.search.text()
        if not text:
            return False
        if self.browser.find(text, flags):
            return True
        cursor = self.browser.textCursor()
        backward = bool(flags & QTextDocument.FindFlag.FindBackward)
        cursor.movePosition(QTextCursor.MoveOperation.End if backward
                            else QTextCursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(text, flags)

    def source_url(self) -> QUrl:
        return self.browser.source()
