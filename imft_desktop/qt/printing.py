"""Paper output: print preview, printing and PDF, all from one page painter.

A ``Report`` (``imft_desktop.reports.document``) is rendered to HTML, laid out once in a
``QTextDocument`` whose layout paint device is the printer (so fonts, table padding and
figure sizes are measured at the printer's resolution), and painted page by page with
a footer we draw ourselves: SYNTHETIC DATA when it applies, cohort name, source file
SHA-256 prefix, program version, generation time and "Page i of n".  The preview, the
printer and the PDF file all go through :func:`paint_report`, so what the user previews
is what gets printed.

Tables keep their ``<thead>`` rows as QTextTable header rows, which the layout repeats
at the top of every page a long table runs onto.

:func:`render_pdf` is also the CLI's PDF renderer: it starts an offscreen
``QGuiApplication`` when none exists (and no display is available), so
``imft report`` works over SSH and in CI.

What the main window offers (all optional except ``current_cohort``):

* ``current_cohort()`` -> the ``Cohort`` (None: nothing to print);
* ``current_tab()`` -> the visible tab; a tab that can print itself has
  ``report_sections()`` (or ``report_sections(cohort=...)``, which also allows
  de-identified printing: the tab redraws from the de-identified cohort) and may have
  ``report_title()``;
* ``report_groupings()`` -> groupings chosen for survival, used by the cohort report;
* ``report_outline()`` -> the report the user composed (``reports.outline.ReportOutline``),
  offered first when it has sections and laid out by ``reports.composer``.

Every report is laid out for the orientation chosen (``reports.layout.page_orientation``:
figures take a landscape page's width) and printed on pages of ``Report.orientation``.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
)

from imft_desktop.qt.print_options import PrintOptions, PrintOptionsDialog
from imft_desktop.qt.tab_protocols import PrintableTab
from imft_desktop.reports.document import Figure, Report
from imft_desktop.reports.html import render_html
from imft_desktop.reports.layout import page_orientation
from imft_desktop.reports.outline import ReportOutline

#: Page sizes offered everywhere (CLI ``--page-size`` and dialogs).
PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "A4": QPageSize.PageSizeId.A4,
    "Letter": QPageSize.PageSizeId.Letter,
}

#: Page margins (mm): left, top, right, bottom.  The footer sits inside the bottom band.
MARGINS_MM = (18.0, 15.0, 18.0, 10.0)
#: Height of the footer band above the bottom margin (mm).
FOOTER_MM = 9.0
#: Resolution of PDF files (dots per inch); figures are rendered at 300 dpi too.
PDF_DPI = 300
BODY_PT = 9.0
FOOTER_PT = 6.5

_app_ref: list[QGuiApplication] = []


# ---------------------------------------------------------------------------- app
def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new (offscreen when headless) QGuiApplication.

    On Linux without ``DISPLAY``/``WAYLAND_DISPLAY`` the offscreen platform is chosen
    before Qt starts, so the command line never needs a display.
    """
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    headless = (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication(["imft"])
    _app_ref.append(app)  # keep it alive for the life of the process
    return app


def page_size_id(name: str) -> QPageSize.PageSizeId:
    """``"A4"`` or ``"Letter"`` (case-insensitive) as a Qt page size id."""
    for key, value in PAGE_SIZES.items():
        if key.casefold() == str(name).casefold():
            return value
    raise ValueError(f"unknown page size {name!r}; use one of: {', '.join(PAGE_SIZES)}")


def default_page_size_name() -> str:
    """Letter where the locale measures in inches (US), A4 elsewhere."""
    from PySide6.QtCore import QLocale

    us = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
    return "Letter" if us else "A4"


def _layout_dpi() -> float:
    # QTextDocument's px lengths (table padding, image width attributes) are in the
    # screen's logical pixels and scaled to the paint device; figure sizes must use
    # the same unit to come out at their intended size on paper.
    screen = QGuiApplication.primaryScreen()
    return float(screen.logicalDotsPerInch()) if screen is not None else 96.0


# ---------------------------------------------------------------------------- layout
def build_document(report: Report, device: QPagedPaintDevice) -> QTextDocument:
    """Lay out ``report`` for ``device``'s printable area (minus the footer band)."""
    layout_dpi = _layout_dpi()
    rendered = render_html(report, px_per_inch=layout_dpi, base_pt=BODY_PT)
    doc = QTextDocument()
    doc.setUndoRedoEnabled(False)
    doc.documentLayout().setPaintDevice(device)
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(BODY_PT)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    for name, figure in rendered.images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), _qimage(figure))
    doc.setHtml(rendered.html)
    frame = doc.rootFrame()
    fmt = frame.frameFormat()
    fmt.setTopMargin(0)
    fmt.setLeftMargin(0)
    fmt.setRightMargin(0)
    fmt.setBottomMargin(FOOTER_MM / 25.4 * layout_dpi)  # layout px, scaled to the device
    frame.setFrameFormat(fmt)
    rect = device.pageLayout().paintRectPixels(_resolution(device))
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    return doc


def _qimage(figure: Figure) -> QImage:
    """The figure as a QImage: from its raw pixels when it has them (no PNG round trip)."""
    rgba = figure.rgba
    if rgba is not None:
        width, height = figure.pixel_size
        # copy(): the QImage must own its pixels once the bytes object is gone.
        return QImage(rgba, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()
    return QImage.fromData(figure.png)


def _resolution(device: QPagedPaintDevice) -> int:
    res = getattr(device, "resolution", None)
    return int(res()) if callable(res) else int(device.logicalDpiY())


def footer_lines(report: Report) -> tuple[str, str]:
    """The two footer lines: what (cohort, flags) and where from (hash, program, time)."""
    first = report.provenance.cohort_name if report.provenance else report.title
    if report.deidentified:
        first += " · de-identified"
    project = report.provenance.project if report.provenance else None
    if project is not None:  # the exact project state the page came from
        first += f" · project audit position {project.audit_position}"
    second = ""
    if report.provenance is not None:
        p = report.provenance
        second = f"source SHA-256 {p.source_hash} · {p.program} · generated {p.generated_at}"
    return first, second


def _draw_footer(
    painter: QPainter, report: Report, page: int, n_pages: int, width: float, height: float,
    dpi: float,
) -> None:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(FOOTER_PT)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    line_h = metrics.height()
    band = FOOTER_MM / 25.4 * dpi
    top = height - band + (band - 2 * line_h) * 0.6
    rule_y = top - line_h * 0.35
    painter.setPen(QColor("#999999"))
    painter.drawLine(QPointF(0, rule_y), QPointF(width, rule_y))
    page_text = f"Page {page} of {n_pages}"
    page_w = metrics.horizontalAdvance(page_text) + line_h
    first, second = footer_lines(report)
    x = 0.0
    if report.synthetic:
        label = "SYNTHETIC DATA"
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#b3261e"))
        bold_w = QFontMetricsF(bold, painter.device()).horizontalAdvance(label) + line_h * 0.6
        painter.drawText(QRectF(0, top, bold_w, line_h), int(Qt.AlignmentFlag.AlignLeft), label)
        painter.setFont(font)
        x = bold_w
    painter.setPen(QColor("#333333"))
    left = Qt.AlignmentFlag.AlignLeft
    avail = width - x - page_w
    painter.drawText(QRectF(x, top, avail, line_h), int(left),
                     metrics.elidedText(first, Qt.TextElideMode.ElideRight, avail))
    painter.drawText(QRectF(0, top + line_h, width - page_w, line_h), int(left),
                     metrics.elidedText(second, Qt.TextElideMode.ElideMiddle, width - page_w))
    painter.drawText(
        QRectF(width - page_w, top, page_w, line_h), int(Qt.AlignmentFlag.AlignRight), page_text
    )


def paint_report(
    report: Report,
    device: QPagedPaintDevice,
    *,
    first_page: int = 1,
    last_page: int | None = None,
) -> int:
    """Paint ``report`` onto a printer or PDF writer, with footers; returns the page count.

    Parameters
    ----------
    device:
        A ``QPrinter`` or ``QPdfWriter`` whose page layout (size, margins) is set.
    first_page, last_page:
        1-based page range to paint (a print dialog's "Pages from ... to").
    """
    doc = build_document(report, device)
    n_pages = max(1, doc.pageCount())
    last = n_pages if last_page is None or last_page <= 0 else min(last_page, n_pages)
    first = max(1, first_page)
    dpi = float(_resolution(device))
    size = doc.pageSize()
    width, height = size.width(), size.height()
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or PDF file could not be opened for painting")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for page in range(first, last + 1):
            if page > first:
                device.newPage()
            painter.save()
            painter.translate(0, -(page - 1) * height)
            doc.drawContents(painter, QRectF(0, (page - 1) * height, width, height))
            painter.restore()
            _draw_footer(painter, report, page, n_pages, width, height, dpi)
    finally:
        painter.end()
    return n_pages


#: Qt's page orientation for each orientation name of ``reports.outline.ORIENTATIONS``.
ORIENTATIONS = {
    "portrait": QPageLayout.Orientation.Portrait,
    "landscape": QPageLayout.Orientation.Landscape,
}


def _page_layout(page_size: str, orientation: str = "portrait") -> QPageLayout:
    """``page_size`` ("A4", "Letter") pages in ``orientation``, with the report margins."""
    left, top, right, bottom = MARGINS_MM
    return QPageLayout(
        QPageSize(page_size_id(page_size)),
        ORIENTATIONS[orientation],
        QMarginsF(left, top, right, bottom),
        QPageLayout.Unit.Millimeter,
    )


def render_pdf_bytes(report: Report, page_size: str = "A4") -> tuple[bytes, int]:
    """The report as PDF bytes and its page count, on pages of the report's
    orientation."""
    ensure_gui_application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(_page_layout(page_size, report.orientation))
    writer.setTitle(report.title)
    creator = report.provenance.program if report.provenance else "IMFT Desktop"
    writer.setCreator(creator)
    n_pages = paint_report(report, writer)
    del writer  # flushes the PDF trailer into the buffer
    buffer.close()
    data: QByteArray = buffer.data()
    return bytes(data.data()), n_pages


def render_pdf(report: Report, path: str | os.PathLike[str], page_size: str = "A4") -> int:
    """Write ``report`` to a PDF file at ``path`` (atomically); returns the page count.

    Used by the GUI's Export PDF and by ``imft report``.  Works without a display.
    """
    from imft_desktop.io.write.atomic import atomic_write_bytes

    data, n_pages = render_pdf_bytes(report, page_size)
    atomic_write_bytes(Path(path), data)
    return n_pages


# ---------------------------------------------------------------------------- GUI
def ask_print_options(
    window: Any, tab_title: str | None, ask_page_size: bool = False, n_selected: int = 0,
    **choices: Any,
) -> PrintOptions | None:
    """Show :class:`PrintOptionsDialog`; ``None`` when cancelled.  ``choices`` are the
    dialog's keyword arguments (``n_outline``, ``orientation``, ``scope``, ``workbook``)."""
    dialog = PrintOptionsDialog(window, tab_title, ask_page_size, n_selected,
                                default_page_size=default_page_size_name(), **choices)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.options()


def _outline_of(window: Any) -> ReportOutline:
    """The window's composed report (empty when it has none)."""
    outline_fn = getattr(window, "report_outline", None)
    outline = outline_fn() if callable(outline_fn) else None
    return outline if isinstance(outline, ReportOutline) else ReportOutline()


def _report_for_window(
    window: Any, ask_page_size: bool = True, scope: str | None = None
) -> tuple[Report, PrintOptions] | None:
    """Ask what to print (the outline, the current tab, the whole cohort or case sheets;
    de-identified or not; paper and orientation) and build it.  ``scope`` is the choice
    the dialog starts with."""
    from PySide6.QtWidgets import QApplication

    cohort = window.current_cohort()
    if cohort is None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(window, "Nothing to print", "Open a cohort first.")
        return None
    tab = window.current_tab() if hasattr(window, "current_tab") else None
    sections_fn = getattr(tab, "report_sections", None)
    tab_title = _tab_title(tab)
    selected_fn = getattr(tab, "selected_samples", None)
    selected = [str(x) for x in selected_fn()] if callable(selected_fn) else []
    outline = _outline_of(window)
    options = ask_print_options(
        window, tab_title if callable(sections_fn) else None, ask_page_size, len(selected),
        n_outline=len(outline.items), orientation=outline.orientation, scope=scope,
    )
    if options is None:
        return None
    groupings_fn = getattr(window, "report_groupings", None)
    groupings = tuple(groupings_fn()) if callable(groupings_fn) else ()
    problem = None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        report = _build_report(cohort, options, sections_fn, tab_title, groupings, selected,
                               outline)
    except NotPrintable as exc:
        problem = str(exc)
    finally:
        QApplication.restoreOverrideCursor()
    if problem is not None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(window, "Cannot print this way", problem)
        return None
    return report, options


def _tab_title(tab: Any) -> str:
    """The tab's name for "Only the current tab: …": ``report_title()``, else its
    ``title`` (``PrintableTab``), else its window title."""
    if tab is None:
        return ""
    title_fn = getattr(tab, "report_title", None)
    if callable(title_fn):
        return str(title_fn())
    if isinstance(tab, PrintableTab) and tab.title:
        # An analysis tab has no window title of its own: without this, "only the
        # current tab" was never offered for them.
        return str(tab.title)
    window_title = getattr(tab, "windowTitle", None)
    return (window_title() or "") if callable(window_title) else ""


class NotPrintable(Exception):
    """The chosen content cannot be printed as asked (message for the user)."""


def _tab_sections(sections_fn: Callable[..., list], cohort: Any) -> list:
    """The tab's sections, made from ``cohort`` when the tab accepts one."""
    try:
        params = inspect.signature(sections_fn).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    if "cohort" in params:
        return list(sections_fn(cohort=cohort))
    return list(sections_fn())


def _accepts_cohort(sections_fn: Callable[..., list]) -> bool:
    try:
        return "cohort" in inspect.signature(sections_fn).parameters
    except (TypeError, ValueError):
        return False


def _build_report(
    cohort: Any, options: Any, sections_fn: Callable[..., list] | None, tab_title: str,
    groupings: tuple[str, ...] = (), selected: list[str] | None = None,
    outline: ReportOutline | None = None,
) -> Report:
    """The report ``options`` ask for, laid out for its pages' orientation."""
    orientation = getattr(options, "orientation", "portrait")
    with page_orientation(orientation):
        report = _build_scope(cohort, options, sections_fn, tab_title, groupings, selected,
                              outline)
    report.orientation = orientation
    return report


def _build_scope(
    cohort: Any, options: Any, sections_fn: Callable[..., list] | None, tab_title: str,
    groupings: tuple[str, ...], selected: list[str] | None, outline: ReportOutline | None,
) -> Report:
    from imft_desktop.reports.case_sheet import build_case_sheets
    from imft_desktop.reports.cohort_report import build_cohort_report
    from imft_desktop.reports.deidentify import deidentify_report_cohort
    from imft_desktop.reports.provenance import Provenance

    if options.scope == "outline" and outline is not None and not outline.empty:
        from imft_desktop.reports.composer import render_outline

        return render_outline(cohort, outline, deidentify=options.deidentify)
    if options.scope == "cases":
        ids = list(selected or []) or None
        source, pseudonymizer = cohort, None
        if options.deidentify:
            source, pseudonymizer = deidentify_report_cohort(cohort)
            ids = [pseudonymizer.sample(i) for i in ids] if ids else None
        report = build_case_sheets(source, ids, deidentified=options.deidentify)
        report.pseudonymizer = pseudonymizer
        return report

    if options.scope == "tab" and sections_fn is not None:
        source, pseudonymizer = cohort, None
        if options.deidentify:
            # A tab's figure or table shows whatever the tab was built from; only a tab
            # that can redraw from a de-identified cohort can print de-identified.
            if not _accepts_cohort(sections_fn):
                raise NotPrintable(
                    "This tab cannot be printed de-identified. Print the whole cohort "
                    "report de-identified instead, or print the tab without de-identifying."
                )
            source, pseudonymizer = deidentify_report_cohort(cohort)
        report = Report(
            title=tab_title or "IMFT Desktop",
            provenance=Provenance.from_cohort(source, deidentified=options.deidentify),
            synthetic=cohort.is_synthetic,
            deidentified=options.deidentify,
        )
        report.add(*_tab_sections(sections_fn, source))
        report.pseudonymizer = pseudonymizer
        return report
    return build_cohort_report(cohort, survival_groupings=groupings,
                               deidentify=options.deidentify)


def _new_printer(page_size: str, orientation: str = "portrait") -> Any:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_page_layout(page_size, orientation))
    return printer


def print_preview(window: Any, scope: str | None = None) -> bool:
    """File > Print Preview…: preview (and optionally print) the chosen report.

    ``scope`` is what the options dialog offers first ("outline" from the outline).
    """
    chosen = _report_for_window(window, scope=scope)
    if chosen is None:
        return False
    dialog = make_preview_dialog(chosen[0], window, chosen[1].page_size)
    dialog.exec()
    return True


def _settings_of(window: Any) -> Any:
    """The window's settings (a test's temporary ones), else the user's."""
    from imft_desktop.qt.settings import AppSettings

    settings = getattr(window, "settings", None)
    return settings if isinstance(settings, AppSettings) else AppSettings()


def make_preview_dialog(report: Report, parent: Any = None, page_size: str | None = None) -> Any:
    """A ``QPrintPreviewDialog`` painting ``report`` through :func:`paint_report`, on
    pages of the report's orientation."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    printer = _new_printer(page_size or default_page_size_name(), report.orientation)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview – {report.title}")
    # The dialog does not own the printer: the slot's closure keeps it alive.
    dialog.paintRequested.connect(lambda p, _printer=printer: paint_report(report, p))
    # Open large and fitted to the width (Qt's default is a small window at ~50%).
    if parent is not None and parent.isVisible():
        dialog.resize(int(parent.width() * 0.9), int(parent.height() * 0.95))
    else:
        screen = dialog.screen().availableGeometry()
        dialog.resize(int(screen.width() * 0.7), int(screen.height() * 0.85))
    preview = dialog.findChild(QPrintPreviewWidget)
    if preview is not None:
        preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
    return dialog


def print_document(window: Any, scope: str | None = None) -> bool:
    """File > Print… (Ctrl+P): the system print dialog, then print."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    chosen = _report_for_window(window, scope=scope)
    if chosen is None:
        return False
    report = chosen[0]
    printer = _new_printer(chosen[1].page_size, report.orientation)
    dialog = QPrintDialog(printer, window)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_report(report, printer, first_page=printer.fromPage(), last_page=printer.toPage())
    return True


def export_pdf(window: Any, scope: str | None = None) -> Path | None:
    """File > Export PDF…: choose a file name and write the report as PDF."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from imft_desktop.io.read.faults import describe_os_error

    chosen = _report_for_window(window, scope=scope)
    if chosen is None:
        return None
    report, options = chosen
    suggested = _safe_file_name(report.title) + ".pdf"
    settings = _settings_of(window)
    path, _ = QFileDialog.getSaveFileName(window, "Export PDF", settings.beside_last(suggested),
                                          "PDF files (*.pdf)")
    if not path:
        return None
    settings.remember_file(path)
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    try:
        render_pdf(report, path, options.page_size)
    except OSError as exc:  # locked, read-only, disk full, path too long ...
        QMessageBox.warning(window, "PDF not saved", describe_os_error(exc, path))
        return None
    if report.pseudonymizer is not None:
        offer_key_file(window, report.pseudonymizer)
    return Path(path)


def _ask_workbook_scope(window: Any, outline: ReportOutline) -> PrintOptions | None:
    """Outline or whole cohort, de-identified or not; ``None`` when cancelled.

    With an empty outline only de-identification is asked (the whole cohort it is).
    """
    from PySide6.QtWidgets import QMessageBox

    if not outline.empty:
        return ask_print_options(window, None, False, 0, n_outline=len(outline.items),
                                 workbook=True)
    answer = QMessageBox.question(
        window, "De-identify?",
        "De-identify the workbook (pseudonyms for sample and patient IDs, years only, ages "
        "over 89 as 90+, no free text)?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.No,
    )
    if answer == QMessageBox.StandardButton.Cancel:
        return None
    return PrintOptions("cohort", answer == QMessageBox.StandardButton.Yes)


def export_workbook(window: Any) -> Path | None:
    """File > Export Results to Excel…: the analysis tables in one xlsx workbook (a
    "Methods and provenance" sheet first; text cells stay text).

    With a composed report the user chooses, as for printing, between the outline's
    sections (their data, every row) and every analysis of the cohort: an export is
    often the data behind the print-out, and sometimes everything.
    """
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from imft_desktop.io.read.faults import describe_os_error
    from imft_desktop.reports.cohort_report import write_cohort_workbook
    from imft_desktop.reports.composer import write_outline_workbook

    cohort = window.current_cohort()
    if cohort is None:
        QMessageBox.information(window, "Nothing to export", "Open a cohort first.")
        return None
    outline = _outline_of(window)
    options = _ask_workbook_scope(window, outline)
    if options is None:
        return None
    composed = options.scope == "outline" and not outline.empty
    if composed:
        name = outline.title or f"{cohort.name or 'cohort'} report"
    else:
        name = f"{cohort.name or 'cohort'} analysis"
    suggested = _safe_file_name(name) + ".xlsx"
    settings = _settings_of(window)
    path, _ = QFileDialog.getSaveFileName(window, "Export Excel workbook",
                                          settings.beside_last(suggested),
                                          "Excel workbook (*.xlsx)")
    if not path:
        return None
    settings.remember_file(path)
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    groupings_fn = getattr(window, "report_groupings", None)
    groupings = tuple(groupings_fn()) if callable(groupings_fn) else ()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        if composed:
            pseudonymizer = write_outline_workbook(
                cohort, outline, path, deidentify=options.deidentify).base.pseudonymizer
        else:
            pseudonymizer = write_cohort_workbook(
                cohort, path, survival_groupings=groupings,
                deidentify=options.deidentify).pseudonymizer
    except OSError as exc:  # locked, read-only, disk full, path too long ...
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(window, "Workbook not saved", describe_os_error(exc, path))
        return None
    QApplication.restoreOverrideCursor()
    if pseudonymizer is not None:
        offer_key_file(window, pseudonymizer)
    return Path(path)


def offer_key_file(window: Any, pseudonymizer: Any) -> Path | None:
    """Ask whether to save the pseudonym key, and where (never next to it by default)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from imft_desktop.reports.deidentify import write_key_file

    answer = QMessageBox.question(
        window, "Save the pseudonym key?",
        "The de-identified file uses pseudonyms. Save the key that links them to the "
        "original sample and patient IDs? Keep it in a separate, protected place.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    path, _ = QFileDialog.getSaveFileName(window, "Save pseudonym key",
                                          _settings_of(window).beside_last("pseudonym_key.csv"),
                                          "CSV files (*.csv)")
    if not path:
        return None
    return write_key_file(path, pseudonymizer)


def _safe_file_name(title: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "_".join(keep.split())[:80] or "report"
