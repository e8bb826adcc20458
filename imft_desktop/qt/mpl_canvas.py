"""A QWidget that owns one matplotlib ``Figure``, for the plotting tabs.

matplotlib is imported when the first canvas is *created*, not when this module is
imported, so that the main window can import the tabs' modules without paying for
matplotlib (about 0.3-0.5 s) before it is shown.  Nothing here touches
``matplotlib.pyplot``: the canvas owns its Figure, and plotting functions draw on an
``Axes`` they are given (``canvas.figure.add_subplot()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

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
