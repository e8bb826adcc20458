"""Forest plot of an alteration screen: HR with 95% CI on a log axis, one row per
alteration; rows that are not estimable are shown as text, never as a point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imft_desktop.model.formatting import format_ci, format_hr, format_p, p_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from imft_desktop.analysis.screen import ScreenResult


def row_label(r: Any) -> str:
    """The right-hand text of one screen row: ``HR (95% CI); p = ..., q = ...`` (the
    report's screen table and the Survival tab write the same numbers the same way)."""
    q = f", q = {format_p(r.q)}" if r.q is not None else ""
    p = p_text(r.p) if r.p is not None else (r.not_testable or "not testable")
    if r.hr is None or r.ci[0] is None or r.ci[1] is None:
        return f"HR not estimable; {p}{q}"
    return f"{format_hr(r.hr)} ({format_ci(r.ci[0], r.ci[1])}); {p}{q}"


def plot_forest(screen: ScreenResult, ax: Axes, *, max_rows: int = 40,
                fontsize: float = 8.0) -> dict[str, Any]:
    """Draw the screen's rows (already sorted by p) on ``ax``.

    Left labels: alteration and altered/tested counts; right column: HR (CI), log-rank
    p and BH q.  Returns ``{"points": n drawn, "text_rows": n not estimable}``.
    """
    rows = screen.rows[:max_rows]
    n = len(rows)
    drawn = 0
    text_rows = 0
    his = [r.ci[1] for r in rows if r.hr is not None and r.ci[1] is not None]
    los = [r.ci[0] for r in rows if r.hr is not None and r.ci[0] is not None]
    lo_lim = min([0.5, *[x for x in los if x > 0]]) / 1.5
    hi_lim = max([2.0, *his]) * 1.5
    ax.set_xscale("log")
    ax.set_xlim(lo_lim, hi_lim)
    ax.set_ylim(-0.7, max(n, 1) - 0.3)
    ax.axvline(1.0, color="0.4", lw=0.8, ls="--")
    labels = []
    for i, r in enumerate(rows):
        y = n - 1 - i
        labels.append(f"{r.alteration} ({r.n_altered}/{r.n_tested})")
        right = row_label(r)
        if r.hr is None or r.ci[0] is None or r.ci[1] is None:
            ax.text(1.0, y, "  " + (r.not_estimable or "not estimable"), va="center",
                    ha="left", fontsize=fontsize - 1, color="0.35", style="italic")
            text_rows += 1
        else:
            colour = "#D55E00" if (r.q is not None and r.q < 0.1) else "#0072B2"
            ax.plot([r.ci[0], r.ci[1]], [y, y], color=colour, lw=1.2)
            ax.plot([r.hr], [y], marker="s", color=colour, ms=4)
            drawn += 1
        ax.text(1.02, y, right, transform=ax.get_yaxis_transform(), va="center",
                fontsize=fontsize - 1)
    from matplotlib.ticker import FixedLocator, NullFormatter

    ticks = [v for v in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
             if lo_lim <= v <= hi_lim]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([f"{v:g}" for v in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(reversed(labels)), fontsize=fontsize)
    ax.set_xlabel(f"Hazard ratio, altered vs not altered ({screen.endpoint}; log scale)",
                  fontsize=fontsize)
    ax.tick_params(axis="x", labelsize=fontsize)
    note = (f"Cox (Efron ties), Wald 95% CI; log-rank two-sided; BH-FDR q over "
            f"{sum(r.p is not None for r in screen.rows)} alterations; (altered/tested)")
    if len(screen.rows) > max_rows:
        # own line: on a page-wide figure the one-line title ran off the page
        note += f"\nthe {max_rows} of {len(screen.rows)} with the lowest p are shown"
    ax.set_title(note, fontsize=fontsize - 1, loc="left")
    return {"points": drawn, "text_rows": text_rows}
