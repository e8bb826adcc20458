"""GUI printing: the options dialog, the print preview, Export PDF from a window."""

from __future__ import annotations

import pytest

from imft_desktop.reports.document import Heading, Paragraph, Report, Table

pytestmark = pytest.mark.gui
printing = pytest.importorskip("imft_desktop.qt.printing")


class FakeTab:
    def report_title(self):
        return "Frequencies"

    def report_sections(self):
        return [Heading("Frequencies"), Table(header=(("a",),), rows=(("1",),))]


class FakeWindow:
    def __init__(self, cohort, tab=None):
        self._cohort, self._tab = cohort, tab

    def current_cohort(self):
        return self._cohort

    def current_tab(self):
        return self._tab


def test_options_dialog_offers_tab_when_it_can_print(qtbot):
    dialog = printing.PrintOptionsDialog(None, "Frequencies", ask_page_size=True)
    qtbot.addWidget(dialog)
    assert dialog.options().scope == "tab"
    dialog.cohort_button.setChecked(True)
    dialog.deidentify_box.setChecked(True)
    dialog.page_size_combo.setCurrentText("Letter")
    opts = dialog.options()
    assert (opts.scope, opts.deidentify, opts.page_size) == ("cohort", True, "Letter")
    plain = printing.PrintOptionsDialog(None, None)
    qtbot.addWidget(plain)
    assert plain.options().scope == "cohort"


def test_preview_dialog_paints_the_pages(qtbot):
    report = Report(title="Preview test").add(Heading("Hello"), Paragraph("world"))
    dialog = printing.make_preview_dialog(report, None, "A4")
    qtbot.addWidget(dialog)
    painted = []
    dialog.paintRequested.connect(lambda printer: painted.append(printer))
    dialog.show()
    qtbot.waitUntil(lambda: len(painted) >= 1)
    dialog.close()


def test_preview_opens_large_and_fitted_to_the_width(qtbot):
    from PySide6.QtPrintSupport import QPrintPreviewWidget
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(1200, 800)
    parent.show()
    report = Report(title="Preview test").add(Heading("Hello"), Paragraph("world"))
    dialog = printing.make_preview_dialog(report, parent, "A4")
    dialog.show()
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() >= 1)
    assert dialog.width() >= 1000 and dialog.height() >= 700
    assert preview.zoomMode() == QPrintPreviewWidget.ZoomMode.FitToWidth
    assert preview.zoomFactor() > 0.7  # Qt's default opened at about 0.5
    dialog.close()


def test_export_pdf_prints_the_current_tab(qtbot, tmp_path, monkeypatch, small_cohort):
    target = tmp_path / "tab.pdf"
    monkeypatch.setattr(printing, "ask_print_options",
                        lambda *a, **k: printing.PrintOptions("tab", False, "A4"))
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    result = printing.export_pdf(FakeWindow(small_cohort, FakeTab()))
    assert result == target and target.read_bytes().startswith(b"%PDF")


def test_nothing_to_print_without_cohort(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: shown.append(a)))
    assert printing.print_preview(FakeWindow(None)) is False
    assert shown


class CohortTab:
    """A tab that redraws from the cohort it is given (so it can print de-identified)."""

    def report_title(self):
        return "Samples"

    def report_sections(self, cohort=None):
        return [Paragraph(", ".join(cohort.sample_ids))]


def test_deidentified_tab_only_when_the_tab_can_redraw(qtbot, monkeypatch, small_cohort):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(printing, "ask_print_options",
                        lambda *a, **k: printing.PrintOptions("tab", True, "A4"))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: shown.append(a)))
    assert printing._report_for_window(FakeWindow(small_cohort, FakeTab())) is None
    assert "cannot be printed de-identified" in shown[0][2]


def test_deidentified_tab_prints_pseudonyms(qtbot, monkeypatch, tmp_path, small_cohort):
    monkeypatch.setenv("IMFT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(printing, "ask_print_options",
                        lambda *a, **k: printing.PrintOptions("tab", True, "A4"))
    report, options = printing._report_for_window(FakeWindow(small_cohort, CohortTab()))
    text = report.sections[0].text
    assert report.deidentified and options.deidentify
    assert "S21-12345" not in text and text.startswith("S-")
    assert report.pseudonymizer is not None


class SamplesTab:
    def selected_samples(self):
        return ["S22-00042", "S21-12345"]


def test_case_sheets_for_the_selected_samples(qtbot, monkeypatch, tmp_path, small_cohort):
    dialog = printing.PrintOptionsDialog(None, None, n_selected=2)
    qtbot.addWidget(dialog)
    assert "2 selected samples" in dialog.cases_button.text()
    dialog.cases_button.setChecked(True)
    assert dialog.options().scope == "cases"
    monkeypatch.setenv("IMFT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(printing, "ask_print_options",
                        lambda *a, **k: printing.PrintOptions("cases", True, "A4"))
    report, _ = printing._report_for_window(FakeWindow(small_cohort, SamplesTab()))
    titles = [h.text for h in report.of_type(Heading) if h.level == 1]
    p = report.pseudonymizer
    assert titles == [f"Case {p.sample('S22-00042')}", f"Case {p.sample('S21-12345')}"]


def test_export_workbook_with_key(qtbot, monkeypatch, tmp_path, small_cohort):
    import openpyxl
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    monkeypatch.setenv("IMFT_DATA_DIR", str(tmp_path))
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: next(answers)))
    paths = iter([str(tmp_path / "results.xlsx"), str(tmp_path / "key.csv")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (next(paths), "")))
    out = printing.export_workbook(FakeWindow(small_cohort))
    assert out == tmp_path / "results.xlsx"
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "Methods and provenance"
    key = (tmp_path / "key.csv").read_text(encoding="utf-8-sig")
    assert ",S21-12345" in key
