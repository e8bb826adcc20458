"""A QWidget that owns one matplotlib ``Figure``, for the plotting tabs.

matplotlib is imported when the first canvas is *created*, not when this module is
imported, so that the main window can import the tabs' modules without paying for
matplotlib (about 0.3-0.5 s) before it is shown.  Nothing here touches
``matplotlib.pyplot``: the canvas owns its Figure, and plotting functions draw on an
``Axes`` they are given (``canvas.figure.add_subplot()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QMenu, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class MplCanvas(QWidget):
    """A matplotlib figure in a widget, with an optional navigation toolbar.

    Parameters
    ----------
    parent:
        Parent widget.
    toolbar:
        Show matplotlib's navigation toolbar (pan, zoom, save) above the plot.
    figsize, dpi:
        Initial figure size in inches and resolution; the canvas resizes with the widget.

    Attributes
    ----------
    figure:
        The ``matplotlib.figure.Figure`` drawn here.
    canvas:
        The ``FigureCanvasQTAgg`` widget.
    toolbar:
        The ``NavigationToolbar2QT`` or ``None``.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        toolbar: bool = True,
        figsize: tuple[float, float] = (6.0, 4.0),
        dpi: int = 100,
    ) -> None:
        super().__init__(parent)
        # Lazy: the first canvas pays for matplotlib, the window's start-up does not.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
        from matplotlib.figure import Figure

        self.figure: Figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas: Any = FigureCanvasQTAgg(self.figure)
        self.canvas.setParent(self)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(200, 150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar: Any = None
        if toolbar:
            self.toolbar = NavigationToolbar2QT(self.canvas, self)
            layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        # Copy and Save as, on a right click (the toolbar's save keeps screen dpi).
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._on_canvas_context_menu)

    def _on_canvas_context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        copy = menu.addAction("&Copy image", self.copy_image)
        copy.setStatusTip("Copy the figure as an image, to paste into a slide or a document")
        save = menu.addAction("&Save figure as…", self.save_figure_dialog)
        save.setStatusTip("Save the figure as PNG (300 dpi), SVG or PDF")
        menu.exec(self.canvas.mapToGlobal(pos))

    @property
    def device_pixel_ratio(self) -> float:
        """Device pixels per logical pixel of the screen the canvas is on (2 on a
        high-DPI screen or with ``QT_SCALE_FACTOR=2``).  matplotlib's Qt canvas renders
        at this ratio (the figure's dpi is multiplied by it), so text and lines stay
        sharp instead of being scaled up from a low-resolution image."""
        return float(getattr(self.canvas, "device_pixel_ratio", 1.0) or 1.0)

    def copy_image(self) -> None:
        """Put the figure on the clipboard as an image, rendered at twice the figure's
        own resolution (the same pixels on a high-DPI screen as on a normal one)."""
        import io

        buffer = io.BytesIO()
        base_dpi = self.figure.dpi / self.device_pixel_ratio  # dpi already holds the ratio
        self.figure.savefig(buffer, format="png", dpi=base_dpi * 2)
        image = QImage.fromData(buffer.getvalue())  # the format is read from the data
        QGuiApplication.clipboard().setImage(image)

    def save_figure(self, path: str) -> None:
        """Write the figure to ``path``: PNG at 300 dpi, or SVG / PDF (vector)."""
        suffix = path.rsplit(".", 1)[-1].lower() if "." in path else "png"
        fmt = suffix if suffix in ("png", "svg", "pdf") else "png"
        self.figure.savefig(path, format=fmt, dpi=300 if fmt == "png" else None)

    def save_figure_dialog(self) -> str | None:
        """Ask for a file name and save; returns the path (``None`` if cancelled)."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, chosen = QFileDialog.getSaveFileName(
            self, "Save figure as", "figure.png",
            "PNG image, 300 dpi (*.png);;SVG vector image (*.svg);;PDF (*.pdf)")
        if not path:
            return None
        if "." not in path.rsplit("/", 1)[-1]:
            path += {"SVG": ".svg", "PDF": ".pdf"}.get(chosen.split(" ")[0], ".png")
        try:
            self.save_figure(path)
        except OSError as exc:
            QMessageBox.warning(self, "Save figure", f"The figure could not be saved: "
                                f"{exc.strerror or exc}")
            return None
        return path

    def clear(self) -> None:
        """Remove every Axes and artist; call ``draw()`` afterwards to show it."""
        self.figure.clear()

    def draw(self) -> None:
        """Redraw now (the plotting tabs call this after drawing on the figure's axes)."""
        self.canvas.draw()

    def draw_idle(self) -> None:
        """Redraw when the event loop is next idle (coalesces several requests)."""
        self.canvas.draw_idle()

    def message(self, text: str) -> None:
        """Replace the plot with a centred message, e.g. why nothing can be drawn."""
        self.figure.clear()
        self.figure.text(
            0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=11, color="0.35"
        )
        self.canvas.draw()
