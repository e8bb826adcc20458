"""Dialogs of a project: correct a value (with a reason), compare the next batch, recover.

Messages are declared in ``MESSAGES``; the dialogs validate as the user types (the
value is read by the same parser as on import) and never close on a bad value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imft_desktop import APP_NAME

MESSAGES = {
    "correct_title": "Correct a value",
    "reason_needed": "Say why the value is corrected (kept in the audit log).",
    "reason_hint": "e.g. recounted 100 nuclei on slide 2",
    "batch_title": "Add cases from {file}",
    "batch_intro": "<b>{new}</b> new case(s) ({records} records) will be added. "
                   "{updates} value(s) of cases already in the project differ: tick the "
                   "ones to take. Every choice is written to the audit log.",
    "batch_clash": "Not added: {batch!r} differs from {project!r} only in case or spacing. "
                   "Correct the sheet and add it again, or tick below if it is the same "
                   "case (it is then compared as such).",
    "batch_same": "{batch!r} is the same case as {project!r}",
    "recover_title": "Recover unsaved changes",
    "recover": "IMFT Desktop closed before these changes to {project} were saved.\n\n"
               "Recover the unsaved changes from {time}?",
    "recover_detail": "{n} correction(s): {first}",
}


def local_time(iso: str) -> str:
    """``14:32`` (today) or ``2026-12-05 14:32`` in local time, from an ISO UTC time."""
    try:
        when = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    if when.date() == dt.datetime.now().astimezone().date():
        return when.strftime("%H:%M")
    return when.strftime("%Y-%m-%d %H:%M")


class CorrectionDialog(QDialog):
    """Sample, field, current value, new value (vocabulary offered) and a reason.

    ``check(text) -> message or None`` reads the value as an import would; OK stays
    disabled until the value reads and a reason is given.
    """

    def __init__(self, sample_id: str, field_label: str, address: str, current: str,
                 choices: tuple[str, ...], check: Callable[[str], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(MESSAGES["correct_title"])
        self.address = address
        self._check = check
        form = QFormLayout()
        form.addRow("Sample", QLabel(f"<b>{sample_id}</b>"))
        form.addRow("Value", QLabel(f"{field_label}  <span style='color:#666'>({address})"
                                    "</span>"))
        form.addRow("Now", QLabel(current or "(blank)"))
        self.value_edit = QComboBox()
        self.value_edit.setEditable(True)
        self.value_edit.addItems(list(choices))
        self.value_edit.setEditText(current)
        self.value_edit.setMinimumWidth(260)
        self.value_edit.setToolTip("The value as it should read, typed or chosen from the "
                                   "list; it is checked as an import would read it")
        form.addRow("&New value", self.value_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(MESSAGES["reason_hint"])
        self.reason_edit.setToolTip("Why the value is corrected; kept in the project's "
                                    "audit log with your name and the time (required)")
        form.addRow("&Reason (required)", self.reason_edit)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b91c1c")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.value_edit.editTextChanged.connect(self._validate)
        self.reason_edit.textChanged.connect(self._validate)
        self._validate()
        self.reason_edit.setFocus()

    @property
    def value(self) -> str:
        return self.value_edit.currentText()

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _validate(self, *_args: Any) -> None:
        problem = self._check(self.value)
        if problem is None and not self.reason:
            problem = MESSAGES["reason_needed"]
        self.message.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)


class BatchDialog(QDialog):
    """The next batch compared with the project: a row per differing value, ticked to
    accept; Accept all / Reject all; identifier clashes listed apart."""

    COLUMNS = ("Take", "Case", "Value", "In the project", "In the file", "")

    def __init__(self, comparison: Any, file_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(MESSAGES["batch_title"].format(file=file_name))
        self.resize(820, 460)
        self.comparison = comparison
        layout = QVBoxLayout(self)
        intro = QLabel(MESSAGES["batch_intro"].format(
            new=len(comparison.new_samples), records=comparison.added_record_count,
            updates=len(comparison.updates)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(comparison.updates), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons
        self.table.setToolTip("Tick “Take” (Space) for each value of the file that should "
                              "replace the project's")
        for row, u in enumerate(comparison.updates):
            take = QTableWidgetItem()
            take.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            take.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, take)
            key = f"{u.table}[{u.key}]" if u.key else u.table
            old = u.old_raw if u.old_raw is not None else u.old_value
            new = u.new_raw if u.new_raw is not None else u.new_value
            note = "corrected by hand in the project" if u.corrected else ""
            for col, text in enumerate((u.case_label, f"{key}.{u.field}", old, new, note), 1):
                self.table.setItem(row, col, QTableWidgetItem("" if text is None else str(text)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.same_case_checks: list[tuple[Any, QCheckBox]] = []
        for clash in comparison.clashes:
            label = QLabel(MESSAGES["batch_clash"].format(batch=clash.batch_id,
                                                          project=clash.project_id))
            label.setWordWrap(True)
            label.setStyleSheet("color:#92400e")
            layout.addWidget(label)
            check = QCheckBox(MESSAGES["batch_same"].format(batch=clash.batch_id,
                                                             project=clash.project_id))
            check.setToolTip("Tick if both identifiers name the same case: the file's "
                             "values are then compared with the project's for it")
            layout.addWidget(check)
            self.same_case_checks.append((clash, check))
        button_row = QHBoxLayout()
        self.accept_all = QPushButton("&Accept all")
        self.accept_all.setToolTip("Tick every changed value: the file's value replaces the "
                                   "project's")
        self.reject_all = QPushButton("&Reject all")
        self.reject_all.setToolTip("Untick every changed value: the project keeps its own")
        self.accept_all.clicked.connect(lambda: self.set_all(True))
        self.reject_all.clicked.connect(lambda: self.set_all(False))
        button_row.addWidget(self.accept_all)
        button_row.addWidget(self.reject_all)
        button_row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        add = buttons.button(QDialogButtonBox.StandardButton.Ok)
        add.setText("Add to project")
        add.setToolTip("Add the new cases and take the ticked values, in one step written "
                       "to the audit log")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        button_row.addWidget(buttons)
        layout.addLayout(button_row)

    def same_case(self) -> dict[str, str]:
        """Clashes the user ticked as the same case: batch id -> project id."""
        return {c.batch_id: c.project_id for c, check in self.same_case_checks
                if check.isChecked()}

    def set_all(self, take: bool) -> None:
        for r in range(self.table.rowCount()):
            self.set_taken(r, take)

    def set_taken(self, row: int, take: bool) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if take else Qt.CheckState.Unchecked)

    def accepted_numbers(self) -> list[int]:
        """``FieldUpdate.number`` of the ticked rows."""
        ticked = []
        for r, update in enumerate(self.comparison.updates):
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ticked.append(update.number)
        return ticked


def recovery_box(project: str, saved_at: str, edits: list[dict[str, Any]],
                 parent: QWidget | None = None) -> QMessageBox:
    """The question asked when a project opens with unsaved changes in its sidecar."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(MESSAGES["recover_title"])
    box.setText(MESSAGES["recover"].format(project=project, time=local_time(saved_at)))
    if edits:
        first = edits[0]
        box.setInformativeText(MESSAGES["recover_detail"].format(
            n=len(edits), first=f"{first['sample']} {first['address']} -> {first['text']} "
                                f"({first['reason']})"))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    recover = box.button(QMessageBox.StandardButton.Yes)
    recover.setText("&Recover")
    recover.setToolTip("Show the project with these corrections, still unsaved: check "
                       "them, then save")
    discard = box.button(QMessageBox.StandardButton.No)
    discard.setText("&Discard")
    discard.setToolTip("Open the project as it was last saved and delete the unsaved "
                       "corrections")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box


def ask_save(parent: QWidget | None, project: str) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel before a project with unsaved corrections closes."""
    return QMessageBox.question(
        parent, APP_NAME, f"Save the corrections made in {project}?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
