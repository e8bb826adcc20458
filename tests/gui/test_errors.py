"""Unexpected errors: dialog with copyable details, redacted log, cohort kept."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtGui import QGuiApplication

from imft_desktop.qt import error_dialog


@pytest.fixture
def hooks():
    error_dialog.install_exception_hooks()
    yield
    error_dialog.uninstall_exception_hooks()


def _raise_with_patient_value():
    return {"PFS": 1}["SYN-07 Jane Doe"]


def test_excepthook_shows_dialog_logs_redacted_and_keeps_cohort(
    demo_window, hooks, tmp_path, qtbot
):
    handler = error_dialog.setup_logging(tmp_path)
    cohort = demo_window.cohort
    try:
        _raise_with_patient_value()
    except KeyError:
        sys.excepthook(*sys.exc_info())
    dialog = error_dialog.current_dialog()
    assert dialog is not None and dialog.isVisible()
    assert "KeyError" in dialog.summary.text()
    details = dialog.details.toPlainText()
    assert "Traceback" in details and "_raise_with_patient_value" in details
    assert dialog.details.isReadOnly()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == details
    # The window and its cohort are untouched.
    assert demo_window.cohort is cohort and demo_window.isVisible()
    handler.flush()
    log_text = (tmp_path / error_dialog.LOG_FILE).read_text(encoding="utf-8")
    assert "builtins.KeyError" in log_text
    assert "test_errors.py:_raise_with_patient_value" in log_text
    assert "Jane" not in log_text and "SYN-07" not in log_text
    assert str(tmp_path.parent) not in log_text  # no directory names either
    error_dialog.log.removeHandler(handler)
    handler.close()


def test_thread_exceptions_reach_the_dialog_and_stack_into_one(window, hooks, qtbot):
    def boom():
        raise RuntimeError("in a thread")

    t = threading.Thread(target=boom)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: error_dialog.current_dialog() is not None)
    dialog = error_dialog.current_dialog()
    assert "RuntimeError" in dialog.details.toPlainText()
    # A second error while the dialog is open is appended, not a second dialog.
    try:
        raise ValueError("second")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert error_dialog.current_dialog() is dialog
    assert dialog.extra_count == 1
    assert "ValueError" in dialog.details.toPlainText()


def test_worker_error_without_handler_goes_to_the_dialog(qtbot):
    from imft_desktop.qt.workers import TaskState, start_task

    def fails(progress):
        raise ArithmeticError("x")

    handle = start_task(fails)
    with qtbot.waitSignal(handle.done, timeout=5000):
        pass
    assert handle.state is TaskState.FAILED
    dialog = error_dialog.current_dialog()
    assert dialog is not None and "ArithmeticError" in dialog.details.toPlainText()
    assert "fails" in dialog.details.toPlainText()


def test_code_location_names_no_directories():
    try:
        _raise_with_patient_value()
    except KeyError:
        tb = sys.exc_info()[2]
    where = error_dialog.code_location(tb)
    assert where.startswith("test_errors.py:_raise_with_patient_value:")
    assert "/" not in where.split(" <- ")[0]


def test_finding_codes_are_logged_without_values(caplog):
    with caplog.at_level(logging.INFO, logger=error_dialog.LOGGER_NAME):
        error_dialog.log_finding_codes("import", ["ID_DUPLICATE", "ID_DUPLICATE", "X"])
    assert "ID_DUPLICATEx2, Xx1" in caplog.text
