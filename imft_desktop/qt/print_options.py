"""What to print (or export): the composed report, the current tab, the whole cohort
report or case sheets; de-identified or not; paper size and orientation.

One small dialog asked by File > Print…, Print Preview…, Export PDF… and, with only the
choices that apply to a workbook, by Export Results to Excel….
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

#: Page sizes offered everywhere (CLI ``--page-size`` and dialogs).
PAGE_SIZE_NAMES = ("A4", "Letter")
#: Orientation names (``reports.outline.ORIENTATIONS``) and their labels.
ORIENTATION_LABELS = {"portrait": "Portrait", "landscape": "Landscape"}

MESSAGES = {
    "title_print": "What to print",
    "title_workbook": "What to export",
    "outline": "The report outline ({n} sections)",
    "outline_one": "The report outline (1 section)",
    "outline_tip": "The sections you added with Report > Add Current View to Report, in "
                   "the order of the Report Outline panel",
    "tab": "Only the current tab: {title}",
    "tab_tip": "The figures and tables the tab shows, as they are on screen",
    "cohort": "The whole cohort report (all analyses, methods)",
    "cohort_tip": "Every analysis of the cohort: frequencies, partners, copy number, "
                  "concordance, the alteration screen, survival and response",
    "cohort_workbook": "The whole cohort (every analysis table)",
    "cases": "Case sheets: one page for each of {which}",
    "cases_tip": "One page per sample with its assays and outcomes; select rows in the "
                 "Samples tab to print only those",
    "deidentify": "De-identify: pseudonyms for sample and patient IDs, years only, no free "
                  "text",
    "deidentify_tip": "The key linking pseudonyms to IDs can be saved separately afterwards",
    "page_size_tip": "Paper size of the pages",
    "orientation_tip": "Landscape pages give figures and wide tables more width",
}


@dataclass
class PrintOptions:
    """What the user chose: ``scope`` "outline" (the composed report), "tab", "cohort"
    or "cases" (one page per sample); de-identified or not; paper size; orientation."""

    scope: str = "cohort"
    deidentify: bool = False
    page_size: str = "A4"
    orientation: str = "portrait"


class PrintOptionsDialog(QDialog):
    """The choices of :class:`PrintOptions` as radio buttons, a check box and two combos.

    Parameters
    ----------
    tab_title:
        The current tab's title when it can print itself ("only the current tab").
    n_selected:
        Samples selected in the Samples tab (case sheets of those only).
    n_outline:
        Sections in the report outline; offered (and chosen first) when not zero.
    orientation:
        The orientation chosen first (the outline's).
    scope:
        The choice to start with, when offered ("outline" from the outline's own
        buttons).
    workbook:
        Ask for an Excel export: the outline or the whole cohort, and de-identify.
    """

    def __init__(self, parent: Any = None, tab_title: str | None = None,
                 ask_page_size: bool = False, n_selected: int = 0, *, n_outline: int = 0,
                 orientation: str = "portrait", scope: str | None = None,
                 workbook: bool = False, default_page_size: str = "A4"):
        super().__init__(parent)
        self.setWindowTitle(MESSAGES["title_workbook" if workbook else "title_print"])
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.outline_button = QRadioButton(
            MESSAGES["outline_one"] if n_outline == 1 else
            MESSAGES["outline"].format(n=n_outline))
        self.outline_button.setToolTip(MESSAGES["outline_tip"])
        self.tab_button = QRadioButton(
            MESSAGES["tab"].format(title=tab_title) if tab_title and not workbook else "")
        self.tab_button.setToolTip(MESSAGES["tab_tip"])
        self.cohort_button = QRadioButton(
            MESSAGES["cohort_workbook" if workbook else "cohort"])
        self.cohort_button.setToolTip(MESSAGES["cohort_tip"])
        which = f"the {n_selected} selected samples" if n_selected else "every sample"
        self.cases_button = QRadioButton(MESSAGES["cases"].format(which=which))
        self.cases_button.setToolTip(MESSAGES["cases_tip"])
        self._scopes: dict[str, QRadioButton] = {}
        if n_outline:
            self._scopes["outline"] = self.outline_button
        if self.tab_button.text():
            self._scopes["tab"] = self.tab_button
        self._scopes["cohort"] = self.cohort_button
        if not workbook:
            self._scopes["cases"] = self.cases_button
        for button in self._scopes.values():
            self.group.addButton(button)
            layout.addWidget(button)
        first = scope if scope in self._scopes else next(iter(self._scopes))
        self._scopes[first].setChecked(True)
        self.deidentify_box = QCheckBox(MESSAGES["deidentify"])
        self.deidentify_box.setToolTip(MESSAGES["deidentify_tip"])
        layout.addWidget(self.deidentify_box)
        self.page_size_combo = QComboBox()
        self.page_size_combo.addItems(list(PAGE_SIZE_NAMES))
        self.page_size_combo.setCurrentText(default_page_size)
        self.page_size_combo.setToolTip(MESSAGES["page_size_tip"])
        self.orientation_combo = QComboBox()
        for name, label in ORIENTATION_LABELS.items():
            self.orientation_combo.addItem(label, name)
        self.orientation_combo.setCurrentIndex(max(0, self.orientation_combo.findData(
            orientation)))
        self.orientation_combo.setToolTip(MESSAGES["orientation_tip"])
        if not workbook:
            row = QHBoxLayout()
            if ask_page_size:
                row.addWidget(QLabel("Paper size:"))
                row.addWidget(self.page_size_combo)
            row.addWidget(QLabel("Orientation:"))
            row.addWidget(self.orientation_combo)
            row.addStretch(1)
            layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def options(self) -> PrintOptions:
        scope = next((name for name, button in self._scopes.items() if button.isChecked()),
                     "cohort")
        return PrintOptions(
            scope=scope,
            deidentify=self.deidentify_box.isChecked(),
            page_size=self.page_size_combo.currentText(),
            orientation=str(self.orientation_combo.currentData()),
        )
