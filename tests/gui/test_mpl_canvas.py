"""The matplotlib canvas the plotting tabs draw on."""

from __future__ import annotations

import sys


def test_canvas_owns_its_figure_and_draws(qtbot):
    from imft_desktop.qt.mpl_canvas import MplCanvas

    canvas = MplCanvas(toolbar=True)
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    ax = canvas.figure.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 1])
    canvas.draw()
    assert canvas.toolbar is not None
    assert len(canvas.figure.axes) == 1
    canvas.clear()
    assert canvas.figure.axes == []
    canvas.message("Not enough patients")
    assert canvas.figure.texts[0].get_text() == "Not enough patients"
    # Never pyplot: the figure is not registered with pyplot's global state.
    assert "matplotlib.pyplot" not in sys.modules or not sys.modules[
        "matplotlib.pyplot"
    ].get_fignums()
