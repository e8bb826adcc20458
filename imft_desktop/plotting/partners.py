"""Fusion-partner chart: one horizontal stacked bar per driver gene, one segment per
partner, labelled with the partner's name and sample count; "partner unknown" hatched.

Draws on the ``Axes`` it is given (never pyplot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imft_desktop.analysis.alterations import PARTNER_UNKNOWN
from imft_desktop.model.text import plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from imft_desktop.analysis.partners import PartnerTable

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#7B3294", "#1B7837", "#B2182B", "#2166AC", "#8C510A", "#01665E", "#762A83")


def plot_partners(table: PartnerTable, ax: Axes, *, fontsize: float = 9.0) -> None:
    """Draw one bar per fusion (partner and driver in HGNC 5'::3' order), grouped by
    driver, with the number of samples and the fusion-tested n.

    Parameters
    ----------
    table:
        From ``analysis.partners.fusion_partners``.
    ax:
        The axes to draw on.
    """
    from matplotlib.ticker import MaxNLocator

    drivers = table.drivers
    if not drivers:
        msg = ("No fusion found" if table.tested_n else "No sample tested for fusions")
        ax.text(0.5, 0.5, f"{msg} (n tested = {table.tested_n})", ha="center",
                va="center", transform=ax.transAxes, fontsize=fontsize + 1, color="0.35")
        ax.set_axis_off()
        return
    # One bar per (driver, partner), grouped by driver, drivers separated by a rule.
    y = 0.0
    yticks: list[float] = []
    ylabels: list[str] = []
    for k, driver in enumerate(drivers):
        if k:
            ax.axhline(y - 0.75, color="0.8", linewidth=0.6)
        colour = PALETTE[k % len(PALETTE)]
        for partner, n in table.counts[driver].items():
            unknown = partner == PARTNER_UNKNOWN
            ax.barh(y, n, height=0.7, color="white" if unknown else colour,
                    edgecolor=colour if unknown else "none", hatch="///" if unknown else None,
                    linewidth=0.8)
            ax.text(n, y, f" {n}", va="center", ha="left", fontsize=fontsize - 1)
            orient = table.orientation[driver].get(partner, "")
            fusion = (f"{partner}::{driver}" if orient == "5'" else f"{driver}::{partner}")
            yticks.append(y)
            ylabels.append(f"{driver} rearranged, partner unknown" if unknown else fusion)
            y += 1
        y += 0.5
    ax.set_yticks(yticks)
    ax.set_yticklabels(ylabels, fontsize=fontsize)
    ax.set_ylim(y - 0.5, -0.75)
    ax.set_xlabel(f"Samples (tested for fusions: n = {table.tested_n})", fontsize=fontsize)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    summary = "; ".join(
        f"{d}: {plural(table.driver_samples[d], 'sample')}, "
        f"{plural(table.n_partners(d), 'partner')}"
        for d in drivers
    )
    ax.set_title(f"Fusion partners per driver gene ({summary})", fontsize=fontsize + 1,
                 loc="left")
