"""Oncoprint: samples as columns, genes / regions as rows, one glyph per alteration kind.

Draws on the ``Axes`` it is given (never pyplot).  Several alterations share a cell:

* copy number fills the cell (amplification dark red, gain light red, deep deletion dark
  blue, loss light blue);
* a fusion is a purple box of 60% height over it;
* a mutation is a narrow green bar in the centre, on top;
* IHC positive is an orange triangle in the upper-left corner, FISH positive a sky-blue
  triangle in the lower-right corner;
* tested without alteration is light grey; **not tested** is white with grey hatching
  (never the grey of "negative"); above 150 samples the cell backgrounds are one image
  (fast) and not tested is plain white.

Row labels on the left; on the right ``altered/tested (percent)``, the denominator being
the samples tested for that row.  Clinical tracks (e.g. best response) sit above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from imft_desktop.analysis.oncoprint import GLYPH_BIT, NOT_TESTED_BIT
from imft_desktop.model.text import plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from imft_desktop.analysis.oncoprint import OncoprintData

TESTED_COLOUR = "#E3E3E3"
NOT_TESTED_EDGE = "#9A9A9A"
CN_COLOURS = {
    "amplification": "#B2182B",
    "gain": "#F4A582",
    "deep deletion": "#2166AC",
    "loss": "#92C5DE",
}
FUSION_COLOUR = "#7B3294"
MUTATION_COLOUR = "#1B7837"
IHC_COLOUR = "#E69F00"
FISH_COLOUR = "#56B4E9"
#: RECIST and other categorical track colours (Okabe-Ito based); others cycle PALETTE.
TRACK_COLOURS = {
    "CR": "#006D2C", "PR": "#74C476", "SD": "#F0E442", "PD": "#D55E00", "NE": "#BDBDBD",
    "female": "#CC79A7", "male": "#0072B2",
}
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")


def _rects(xs: np.ndarray, ys: np.ndarray, w: float, h: float) -> np.ndarray:
    """Vertices of rectangles centred in cells (x, y) with width w and height h."""
    x0 = xs + (1 - w) / 2
    y0 = ys + (1 - h) / 2
    return np.stack(
        [
            np.stack([x0, y0], 1), np.stack([x0 + w, y0], 1),
            np.stack([x0 + w, y0 + h], 1), np.stack([x0, y0 + h], 1),
        ],
        axis=1,
    )


def _triangles(xs: np.ndarray, ys: np.ndarray, corner: str, size: float = 0.45) -> np.ndarray:
    if corner == "upper-left":  # y grows downwards (inverted axis): "upper" = small y
        pts = [(0.0, 0.0), (size, 0.0), (0.0, size)]
    else:
        pts = [(1.0, 1.0), (1 - size, 1.0), (1.0, 1 - size)]
    return np.stack([np.stack([xs + dx, ys + dy], 1) for dx, dy in pts], axis=1)


#: Above this many samples, cell backgrounds and tracks are drawn as images.
LARGE = 150


def _rgb(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r, g, b)


def _background_image(ax: Axes, codes: np.ndarray, row_top: np.ndarray, n: int) -> None:
    """Cell backgrounds of every row as one image per row (rows are not contiguous
    in y when tracks sit above, so each row gets its own extent)."""
    img = np.empty(codes.shape + (3,))
    img[:] = _rgb(TESTED_COLOUR)
    img[(codes & NOT_TESTED_BIT) > 0] = (1.0, 1.0, 1.0)
    for kind in ("loss", "gain", "deep deletion", "amplification"):
        img[(codes & GLYPH_BIT[kind]) > 0] = _rgb(CN_COLOURS[kind])
    top = float(row_top[0])
    ax.imshow(img, extent=(0, n, top + codes.shape[0] - 0.05, top + 0.05),
              interpolation="nearest", aspect="auto", zorder=0)


def plot_oncoprint(
    data: OncoprintData,
    ax: Axes,
    *,
    fontsize: float = 8.0,
    show_sample_labels: bool | None = None,
    legend: bool = True,
    title: str | None = None,
) -> dict[str, Any]:
    """Draw the oncoprint of ``data`` on ``ax``.

    Parameters
    ----------
    data:
        From ``analysis.oncoprint.oncoprint_matrix``.
    ax:
        The axes to draw on (its figure is not resized).
    show_sample_labels:
        Sample ids under the columns; by default when there are at most 60 samples.
    legend:
        Glyph and track legend below the plot.

    Returns
    -------
    dict
        ``{"n_tracks": int, "row_y": {row: y}, "samples": [...]}``: with y growing
        downwards, cell (row, sample j) spans x in [j, j+1) and y in [row_y, row_y + 1);
        the GUI uses this to map a click to a sample.
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch, Polygon

    n_rows, n_samples = len(data.rows), len(data.samples)
    tracks = list(data.tracks.columns)
    gap = 0.5 if tracks else 0.0
    track_y = {name: float(i) for i, name in enumerate(tracks)}
    row_y = {row: len(tracks) + gap + i for i, row in enumerate(data.rows)}
    if n_rows == 0 or n_samples == 0:
        ax.text(0.5, 0.5, "No alteration to show", ha="center", va="center",
                transform=ax.transAxes, fontsize=fontsize + 2, color="0.35")
        ax.set_axis_off()
        return {"n_tracks": len(tracks), "row_y": row_y, "samples": list(data.samples)}

    codes = data.codes
    ri, si = np.indices(codes.shape)
    ys = np.array([row_y[r] for r in data.rows], dtype=float)[ri].ravel()
    xs = si.ravel().astype(float)
    flat = codes.ravel()
    lw = 0.0 if n_samples > 150 else 0.3

    def add(mask: np.ndarray, verts_fn: Any, colour: str, **kw: Any) -> None:
        if mask.any():
            ax.add_collection(PolyCollection(list(verts_fn(xs[mask], ys[mask])), facecolors=colour,
                                             edgecolors=kw.pop("edge", "none"),
                                             linewidths=kw.pop("lw", 0.0), **kw))

    large = n_samples > LARGE
    cell_w = 1.0 if large else 0.9
    not_tested = (flat & NOT_TESTED_BIT) > 0
    if large:
        # Thousands of cells: one image for the cell backgrounds (copy number, tested,
        # not tested) instead of one polygon each; not tested is then plain white.
        _background_image(ax, codes, ys.reshape(codes.shape)[:, 0], n_samples)
    else:
        add(~not_tested, lambda x, y: _rects(x, y, cell_w, 0.9), TESTED_COLOUR)
        add(not_tested, lambda x, y: _rects(x, y, cell_w, 0.9), "white",
            edge=NOT_TESTED_EDGE, lw=lw, hatch="////")
        for kind in ("loss", "gain", "deep deletion", "amplification"):
            add((flat & GLYPH_BIT[kind]) > 0, lambda x, y: _rects(x, y, cell_w, 0.9),
                CN_COLOURS[kind])
    add((flat & GLYPH_BIT["fusion"]) > 0, lambda x, y: _rects(x, y, cell_w, 0.55),
        FUSION_COLOUR)
    add((flat & GLYPH_BIT["mutation"]) > 0, lambda x, y: _rects(x, y, cell_w * 0.45, 0.3),
        MUTATION_COLOUR)
    add((flat & GLYPH_BIT["IHC positive"]) > 0,
        lambda x, y: _triangles(x, y, "upper-left"), IHC_COLOUR)
    add((flat & GLYPH_BIT["FISH positive"]) > 0,
        lambda x, y: _triangles(x, y, "lower-right"), FISH_COLOUR)

    # Clinical tracks.
    track_handles: list[Any] = []
    for name in tracks:
        values = data.tracks[name].tolist()
        levels = [v for v in dict.fromkeys(values) if v is not None]
        colours = {
            v: TRACK_COLOURS.get(v, PALETTE[i % len(PALETTE)]) for i, v in enumerate(levels)
        }
        y = track_y[name]
        if large:
            strip = np.array([_rgb(colours[v]) if v is not None else (1.0, 1.0, 1.0)
                              for v in values])[None, :, :]
            ax.imshow(strip, extent=(0, n_samples, y + 0.95, y + 0.05),
                      interpolation="nearest", aspect="auto", zorder=0)
            track_handles += [Patch(facecolor=colours[v], label=f"{name}: {v}")
                              for v in levels]
            continue
        for v in levels:
            m = np.array([val == v for val in values])
            verts = _rects(np.flatnonzero(m).astype(float), np.full(m.sum(), y), cell_w, 0.9)
            ax.add_collection(PolyCollection(list(verts), facecolors=colours[v], edgecolors="none"))
            track_handles.append(Patch(facecolor=colours[v], label=f"{name}: {v}"))
        missing = np.array([val is None for val in values])
        if missing.any():
            verts = _rects(np.flatnonzero(missing).astype(float), np.full(missing.sum(), y),
                           cell_w, 0.9)
            ax.add_collection(PolyCollection(list(verts), facecolors="white",
                                             edgecolors=NOT_TESTED_EDGE, linewidths=lw,
                                             hatch="...."))

    ax.set_xlim(0, n_samples)
    bottom = len(tracks) + gap + n_rows
    ax.set_ylim(bottom, 0)
    yt = [track_y[t] + 0.5 for t in tracks] + [row_y[r] + 0.5 for r in data.rows]
    ax.set_yticks(yt)
    ax.set_yticklabels(tracks + list(data.rows), fontsize=fontsize)
    ax.tick_params(axis="y", length=0)
    for r in data.rows:
        ax.text(n_samples + 0.3, row_y[r] + 0.5, data.row_label(r), va="center", ha="left",
                fontsize=fontsize, clip_on=False)
    ax.text(n_samples + 0.3, -0.1, "altered/tested", va="bottom", ha="left",
            fontsize=fontsize, color="0.35", clip_on=False)
    if show_sample_labels is None:
        show_sample_labels = n_samples <= 60
    if show_sample_labels:
        ax.set_xticks(np.arange(n_samples) + 0.5)
        ax.set_xticklabels(data.samples, rotation=90, fontsize=max(fontsize - 2, 5))
        ax.tick_params(axis="x", length=0)
    else:
        ax.set_xticks([])
        ax.set_xlabel(plural(n_samples, "sample"), fontsize=fontsize)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=fontsize + 2, loc="left", pad=fontsize * 2)
    if legend:
        handles: list[Any] = [
            Patch(facecolor=CN_COLOURS["amplification"], label="amplification"),
            Patch(facecolor=CN_COLOURS["gain"], label="gain"),
            Patch(facecolor=CN_COLOURS["loss"], label="loss"),
            Patch(facecolor=CN_COLOURS["deep deletion"], label="deep deletion"),
            Patch(facecolor=FUSION_COLOUR, label="fusion"),
            Patch(facecolor=MUTATION_COLOUR, label="mutation"),
            Polygon([(0, 0), (1, 0), (0, 1)], facecolor=IHC_COLOUR, label="IHC positive"),
            Polygon([(1, 1), (0, 1), (1, 0)], facecolor=FISH_COLOUR, label="FISH positive"),
            Patch(facecolor=TESTED_COLOUR, label="tested, not altered"),
            Patch(facecolor="white", edgecolor=NOT_TESTED_EDGE,
                  hatch=None if large else "////", label="not tested"),
        ]
        present = {g for c in np.unique(codes) for g, bit in GLYPH_BIT.items() if c & bit}
        handles = [
            h for h in handles
            if h.get_label() in present
            or h.get_label() in ("tested, not altered", "not tested")
        ]
        ax.legend(handles=handles + track_handles, loc="upper left",
                  bbox_to_anchor=(0.0, -0.02 if not show_sample_labels else -0.12),
                  ncol=min(5, len(handles) + len(track_handles)), fontsize=fontsize - 1,
                  frameon=False, handlelength=1.2)
    ax.text(0.0, 1.0, data.method, transform=ax.transAxes, va="bottom", ha="left",
            fontsize=fontsize - 1, color="0.35")
    return {"n_tracks": len(tracks), "row_y": row_y, "samples": list(data.samples),
            "track_y": track_y}
