"""Genome-wide copy-number frequency: gains up in red, losses down in blue, chromosomes
along x with boundaries and labels, y in % of the samples tested at each position.

Draws on the ``Axes`` it is given (never pyplot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from imft_desktop.analysis.cytobands import arm_bounds

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

GAIN_COLOUR = "#B2182B"
LOSS_COLOUR = "#2166AC"


#: Chromosomes shorter than this share of the genome get alternate label rows: on a
#: page-wide figure 19-22 (under 2% each) otherwise print on top of each other.
SHORT_CHROM_SHARE = 0.028


def _second_row(lengths: np.ndarray) -> np.ndarray:
    """True for every other chromosome in a run of short ones (label on a second row)."""
    short = lengths / lengths.sum() < SHORT_CHROM_SHARE
    out = np.zeros(len(lengths), dtype=bool)
    run = 0
    for i, is_short in enumerate(short):
        run = run + 1 if is_short else 0
        out[i] = is_short and run % 2 == 0
    return out


def plot_genome_frequency(
    freq: pd.DataFrame,
    ax: Axes,
    assembly: str = "hg38",
    *,
    fontsize: float = 9.0,
    min_tested_fraction: float = 0.5,
) -> None:
    """Draw ``copy_number.genome_frequency`` output.

    Parameters
    ----------
    freq:
        One row per bin: ``chrom, start, end, genome_start, n_tested, gain_fraction,
        loss_fraction``.
    ax:
        The axes to draw on.
    assembly:
        Assembly of the bins (chromosome lengths for the x axis).
    min_tested_fraction:
        Bins measured in fewer than this fraction of the most-measured bin's samples are
        left blank (said in the title).
    """
    if freq.empty or not (freq["n_tested"] > 0).any():
        ax.text(0.5, 0.5, "No sample tested for copy number", ha="center", va="center",
                transform=ax.transAxes, fontsize=fontsize + 1, color="0.35")
        ax.set_axis_off()
        return
    chroms = list(dict.fromkeys(freq["chrom"]))
    lengths = arm_bounds(assembly).loc[chroms, "length"].to_numpy()
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    x0 = freq["genome_start"].to_numpy(dtype=float)
    width = (freq["end"] - freq["start"]).to_numpy(dtype=float)
    n = freq["n_tested"].to_numpy()
    # Positions measured in fewer than half of the tested samples (centromeres, gaps,
    # unmeasured arms) would show a few samples as huge percentages: not drawn.
    shown = n >= max(1, min_tested_fraction * n.max())
    gain = np.where(shown, 100 * np.nan_to_num(freq["gain_fraction"].to_numpy(float)), 0)
    loss = np.where(shown, 100 * np.nan_to_num(freq["loss_fraction"].to_numpy(float)), 0)
    edges = np.concatenate([x0, [x0[-1] + width[-1]]])
    ax.stairs(gain, edges, fill=True, color=GAIN_COLOUR, label="gain", baseline=0)
    ax.stairs(-loss, edges, fill=True, color=LOSS_COLOUR, label="loss", baseline=0)
    ax.axhline(0, color="0.3", linewidth=0.6)
    for off in offsets[1:]:
        ax.axvline(off, color="0.75", linewidth=0.5)
    # Short chromosomes alternate between two label rows (the second row as minor
    # ticks with a larger pad), so 19-22 never print on top of each other.
    centres = offsets + lengths / 2
    low = _second_row(lengths)
    names = np.asarray(chroms, dtype=object)
    ax.set_xticks(centres[~low], labels=list(names[~low]), fontsize=fontsize - 1)
    ax.set_xticks(centres[low], labels=list(names[low]), minor=True, fontsize=fontsize - 1)
    ax.tick_params(axis="x", which="both", length=0)
    ax.tick_params(axis="x", which="minor", pad=fontsize + 4)
    ax.set_xlim(0, offsets[-1] + lengths[-1])
    top = max(5.0, float(np.nanmax(np.concatenate([gain, loss]))) * 1.1)
    ax.set_ylim(-top, top)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{abs(t):.0f}" for t in ticks], fontsize=fontsize - 1)
    ax.set_ylim(-top, top)
    ns = n[shown]
    n_text = f"n = {int(ns.max())} tested" if ns.min() == ns.max() else (
        f"n = {int(ns.min())}-{int(ns.max())} tested per position"
    )
    if not shown.all():
        n_text += f"; positions measured in < {min_tested_fraction:.0%} of them left blank"
    ax.set_ylabel("% of tested samples", fontsize=fontsize)
    ax.set_xlabel(f"Chromosome ({assembly})", fontsize=fontsize)
    # Two short lines, not one long one: a page-wide figure (6.7 in) cut the one-line
    # title; the legend sits above the plot, off the bars.
    ax.set_title(f"Copy-number gains (up) and losses (down)\n{n_text}",
                 fontsize=fontsize, loc="left")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2,
              fontsize=fontsize - 1, frameon=False, borderaxespad=0.2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
