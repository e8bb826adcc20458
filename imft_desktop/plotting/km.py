"""Kaplan-Meier figure: curves with censor marks, CI bands, medians, legend with n and
events, the test and p on the plot, and a number-at-risk table aligned under the x axis.

Draws on the ``Axes`` it is given (never pyplot).  For the at-risk table either pass a
second ``risk_ax`` (``km_axes(figure)`` makes a matching pair sharing the x axis), or
let ``plot_km`` add an inset axes below ``ax`` in the same figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from imft_desktop.model.formatting import format_ci, format_hr, p_text
from imft_desktop.model.time_units import tick_step

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from imft_desktop.analysis.cox import CoxResult
    from imft_desktop.analysis.survival import KMResult, TestResult

#: Colour-blind-safe palette (Okabe-Ito), readable in greyscale print by line style too.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")
LINESTYLES = ("-", "--", "-.", ":")


def km_axes(figure: Figure, n_groups: int = 2) -> tuple[Axes, Axes]:
    """A KM axes and an at-risk-table axes below it, sharing x, in ``figure``."""
    risk_height = 0.35 + 0.25 * max(n_groups, 1)
    gs = figure.add_gridspec(2, 1, height_ratios=[4.0, risk_height], hspace=0.05)
    ax = figure.add_subplot(gs[0])
    risk_ax = figure.add_subplot(gs[1], sharex=ax)
    return ax, risk_ax


def _fmt_p(p: float | None) -> str:
    return p_text(p)


def test_caption(test: TestResult | None, cox: CoxResult | None = None) -> str:
    """One or two lines naming the test, sidedness, statistic, p and the HR."""
    lines = []
    if test is not None:
        if test.not_testable:
            lines.append(f"{test.test}: {test.not_testable}")
        else:
            df = f", df {test.df}" if test.df is not None else ""
            lines.append(f"{test.test} ({test.sided}): chi² {test.statistic:.2f}{df}, "
                         f"{_fmt_p(test.p)}; n = {test.n}")
    warns = list(test.warnings) if test is not None else []
    if warns:
        more = f" (+{len(warns) - 2} more)" if len(warns) > 2 else ""
        lines.append("⚠ " + "; ".join(warns[:2]) + more)
    if cox is not None and cox.terms:
        for t in cox.terms[:3]:
            if t.not_estimable:
                lines.append(f"HR {t.level} vs {t.reference}: not estimable")
            elif t.hr is not None:
                lo, hi = t.ci
                lines.append(f"HR {t.level} vs {t.reference} {format_hr(t.hr)} "
                             f"({format_ci(lo, hi)}), Cox {cox.ties} ties")
    return "\n".join(lines)


def plot_km(
    km: KMResult,
    ax: Axes,
    *,
    risk_ax: Axes | None = None,
    test: TestResult | None = None,
    cox: CoxResult | None = None,
    show_ci: bool = False,
    risk_table: bool = True,
    median_lines: bool = True,
    risk_times: Sequence[float] | None = None,
    title: str | None = None,
    fontsize: float = 9.0,
) -> dict[str, Any]:
    """Draw Kaplan-Meier curves of ``km`` on ``ax``.

    Returns a dict of the artists (``lines``, ``censor``, ``bands``, ``risk_ax``) for
    tests and callers that restyle.
    """
    artists: dict[str, Any] = {"lines": [], "censor": [], "bands": [], "medians": []}
    tmax = max((float(g.table["time"].max()) for g in km.groups if g.n), default=1.0)
    for i, g in enumerate(km.groups):
        if g.n == 0:
            continue
        colour = PALETTE[i % len(PALETTE)]
        style = LINESTYLES[i % len(LINESTYLES)]
        tab = g.table
        t = np.r_[0.0, tab["time"].to_numpy(dtype=float)]
        s = np.r_[1.0, tab["survival"].to_numpy(dtype=float)]
        label = f"{g.label} (n={g.n}, events={g.events})"
        (line,) = ax.step(t, s, where="post", color=colour, linestyle=style, lw=1.6,
                          label=label)
        artists["lines"].append(line)
        cens = tab.loc[tab["n_censor"] > 0]
        if not cens.empty:
            artists["censor"].append(ax.plot(cens["time"], cens["survival"], linestyle="none",
                                             marker="|", ms=7, mew=1.2, color=colour)[0])
        if show_ci:
            lo = np.r_[1.0, tab["lower"].to_numpy(dtype=float)]
            hi = np.r_[1.0, tab["upper"].to_numpy(dtype=float)]
            ok = ~(np.isnan(lo) | np.isnan(hi))
            artists["bands"].append(ax.fill_between(t[ok], lo[ok], hi[ok], step="post",
                                                    color=colour, alpha=0.15, lw=0))
        if median_lines and g.median is not None:
            artists["medians"].append(ax.plot([0, g.median, g.median], [0.5, 0.5, 0.0],
                                              color=colour, lw=0.8, ls=":")[0])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, tmax * 1.03)
    step = tick_step(km.unit, tmax * 1.03)
    if step is not None:  # ticks at 6 months, 90 days, 26 weeks ... not at 250 days
        from matplotlib.ticker import MultipleLocator

        ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.set_ylabel(f"{km.endpoint} probability", fontsize=fontsize)
    ax.tick_params(labelsize=fontsize)
    ax.grid(True, alpha=0.25, lw=0.5)
    if title:
        ax.set_title(title, fontsize=fontsize + 1)
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="0.3", marker="|", linestyle="none", ms=7, mew=1.2))
    labels.append("censored")
    ax.legend(handles, labels, loc="upper right", fontsize=fontsize - 0.5, frameon=False)
    caption = test_caption(test, cox)
    ci_note = f"{int(km.conf_level * 100)}% CI: {km.ci_transform} transform" if show_ci else ""
    text = "\n".join(x for x in (caption, ci_note) if x)
    if text:
        ax.text(0.02, 0.03, text, transform=ax.transAxes, fontsize=fontsize - 1, va="bottom",
                ha="left", bbox={"facecolor": "white", "alpha": 0.8, "lw": 0})
    xlabel = f"Time ({km.unit})"
    if risk_table:
        if risk_ax is None:
            risk_ax = ax.inset_axes((0.0, -0.14 - 0.07 * len(km.groups), 1.0,
                                     0.06 * len(km.groups) + 0.02))
        times = list(risk_times) if risk_times is not None else [
            float(x) for x in ax.get_xticks() if 0 <= x <= tmax * 1.03
        ]
        _draw_risk_table(km, risk_ax, ax, times, fontsize)
        artists["risk_ax"] = risk_ax
        risk_ax.set_xlabel(xlabel, fontsize=fontsize)
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel(xlabel, fontsize=fontsize)
    return artists


def _draw_risk_table(km: KMResult, risk_ax: Axes, ax: Axes, times: Sequence[float],
                     fontsize: float) -> None:
    table = km.risk_table(times)
    n = len(km.groups)
    risk_ax.set_xlim(ax.get_xlim())
    risk_ax.set_ylim(-0.5, n - 0.5)
    for i, g in enumerate(km.groups):
        y = n - 1 - i
        for t in times:
            risk_ax.text(t, y, str(int(table.loc[g.label, t])), ha="center", va="center",
                         fontsize=fontsize - 1, color=PALETTE[i % len(PALETTE)])
    risk_ax.set_yticks(range(n))
    risk_ax.set_yticklabels([g.label for g in reversed(km.groups)], fontsize=fontsize - 1)
    for tick, i in zip(risk_ax.get_yticklabels(), reversed(range(n))):
        tick.set_color(PALETTE[i % len(PALETTE)])
    risk_ax.set_xticks(list(times))
    risk_ax.tick_params(axis="x", labelsize=fontsize)
    risk_ax.tick_params(axis="y", length=0, pad=14)
    for side in ("top", "right", "left"):
        risk_ax.spines[side].set_visible(False)
    risk_ax.set_title("Number at risk", fontsize=fontsize - 1, loc="left", pad=2)
