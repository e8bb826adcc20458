"""Response figures: waterfall, swimmer, and box/strip of a measure by response.

Each takes the ``Axes`` to draw on (never pyplot) and names its n and, where a test is
shown, the test, sidedness and p.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from imft_desktop.model.formatting import p_text
from imft_desktop.model.text import plural

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from imft_desktop.analysis.response import MannWhitneyResult

#: RECIST colours (ColorBrewer RdYlGn, distinguishable in greyscale by lightness).
RECIST_COLOURS = {"CR": "#1a9850", "PR": "#91cf60", "SD": "#fee08b", "PD": "#d73027",
                  "NE": "#bdbdbd", None: "#ffffff"}


#: Up to this many patients each bar is labelled with the patient ID.
LABELLED_BARS_LIMIT = 60
#: Above this many patients the bars are drawn as one line collection per response
#: (a patch per bar made a 100,000-patient waterfall take minutes to draw).
COLLECTION_BARS_LIMIT = 400
#: At most this many bars are drawn; a larger cohort shows every k-th patient of the
#: ordered bars (said in the title): a screen cannot show more, and drawing 100,000
#: lines held the window for seconds.
DRAWN_BARS_LIMIT = 5000


def _thinned(data: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Every k-th row of ``data`` when it has more than ``DRAWN_BARS_LIMIT`` rows."""
    step = -(-len(data) // DRAWN_BARS_LIMIT)
    return (data.iloc[::step], step) if step > 1 else (data, 1)


def _thinned_note(step: int) -> str:
    return f"; 1 in {step} patients drawn" if step > 1 else ""


def _by_response(responses: list[Any]) -> list[tuple[str, np.ndarray]]:
    """(colour, row mask) per RECIST category present, in legend order."""
    values = np.asarray(responses, dtype=object)
    out = []
    for key, colour in RECIST_COLOURS.items():
        mask = np.array([r == key for r in values], dtype=bool) if key is not None else (
            np.array([r not in RECIST_COLOURS or r is None for r in values], dtype=bool))
        if mask.any():
            out.append((colour, mask))
    return out


def _legend(ax: Axes, present: set[Any], fontsize: float) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=RECIST_COLOURS[k], edgecolor="0.3", label=k)
               for k in ("CR", "PR", "SD", "PD", "NE") if k in present]
    if None in present:
        handles.append(Patch(facecolor="white", edgecolor="0.3", label="missing"))
    if handles:
        ax.legend(handles=handles, fontsize=fontsize - 1, frameon=False, loc="upper right",
                  title="Best response", title_fontsize=fontsize - 1)


def _bars(ax: Axes, data: pd.DataFrame, at: np.ndarray, length: np.ndarray, n: int, *,
          vertical: bool) -> None:
    """Bars coloured by best response: patches for a small cohort, one line collection
    per response above ``COLLECTION_BARS_LIMIT`` patients."""
    if n <= COLLECTION_BARS_LIMIT:
        colours = [RECIST_COLOURS.get(r, "#ffffff") for r in data["best_response"]]
        if vertical:
            ax.bar(at, length, color=colours, edgecolor="0.3", lw=0.5, width=0.8)
        else:
            ax.barh(at, length, color=colours, edgecolor="0.3", lw=0.5, height=0.7)
        return
    lines = ax.vlines if vertical else ax.hlines
    for colour, mask in _by_response(data["best_response"].tolist()):
        lines(at[mask], 0, length[mask], colors=colour, lw=0.6)
    (ax.set_xlim if vertical else ax.set_ylim)(-0.5, n - 0.5)


def plot_waterfall(data: pd.DataFrame, ax: Axes, *, fontsize: float = 9.0) -> int:
    """Bars of best % change (``waterfall_data``), coloured by RECIST, with the +20% and
    -30% RECIST lines.  Returns the number of bars."""
    n = len(data)
    data, step = _thinned(data)
    x = np.arange(0, n, step)
    _bars(ax, data, x, data["best_percent_change"].to_numpy(dtype=float), n, vertical=True)
    ax.axhline(20, color="0.3", ls="--", lw=0.8)
    ax.axhline(-30, color="0.3", ls=":", lw=0.8)
    ax.axhline(0, color="0.2", lw=0.6)
    ax.text(n - 0.5 if n else 0.5, 20, " +20%", va="bottom", ha="right",
            fontsize=fontsize - 1)
    ax.text(n - 0.5 if n else 0.5, -30, " -30%", va="top", ha="right", fontsize=fontsize - 1)
    if n <= LABELLED_BARS_LIMIT:
        ax.set_xticks(x)
        ax.set_xticklabels(data["patient_id"].tolist(), rotation=90, fontsize=fontsize - 2)
    else:  # tens of thousands of IDs cannot be read: say what the axis holds instead
        ax.set_xticks([])
        ax.set_xlabel("Patients, ordered by best change", fontsize=fontsize)
    ax.set_ylabel("Best change of target lesions (%)", fontsize=fontsize)
    missing = data.attrs.get("missing", 0)
    note = (f"n = {plural(n, 'patient')}"
            + (f" ({missing} without a value not shown)" if missing else "")
            + _thinned_note(step))
    ax.set_title(note, fontsize=fontsize - 1, loc="left")
    _legend(ax, set(data["best_response"]), fontsize)
    return n


def plot_swimmer(data: pd.DataFrame, ax: Axes, *, unit: str = "months",
                 fontsize: float = 9.0) -> int:
    """Horizontal bars of time on treatment (``swimmer_data``) coloured by response;
    a cross marks progression at the PFS time, an arrow an ongoing (censored) patient.
    Returns the number of bars."""
    n = len(data)
    data, step = _thinned(data)
    y = np.arange(0, n, step)
    dur = data["duration"].to_numpy(dtype=float)
    _bars(ax, data, y, dur, n, vertical=False)
    prog = data["progressed"].to_numpy(dtype=bool)
    pfs = data["pfs_months"].to_numpy(dtype=float)
    has_pfs = prog & ~np.isnan(pfs)
    ax.plot(pfs[has_pfs], y[has_pfs], linestyle="none", marker="x", color="black",
            ms=5 if n <= COLLECTION_BARS_LIMIT else 2, label="progression")
    ongoing = ~prog
    span = float(np.nanmax(dur)) if n else 1.0
    if n <= COLLECTION_BARS_LIMIT:
        for yi, d in zip(y[ongoing], dur[ongoing]):
            ax.annotate("", xy=(d + 0.06 * span, yi), xytext=(d, yi),
                        arrowprops={"arrowstyle": "->", "lw": 0.8, "color": "0.2"})
    else:  # one marker line, not an arrow object per patient
        ax.plot(dur[ongoing], y[ongoing], linestyle="none", marker=">", color="0.2", ms=2)
    if n <= LABELLED_BARS_LIMIT:
        ax.set_yticks(y)
        ax.set_yticklabels(data["patient_id"].tolist(), fontsize=fontsize - 2)
    else:
        ax.set_yticks([])
        ax.set_ylabel("Patients", fontsize=fontsize)
    ax.set_xlabel(f"Time on treatment ({unit})", fontsize=fontsize)
    ax.set_xlim(0, span * 1.12 if n else 1)
    missing = data.attrs.get("missing", 0)
    note = (f"n = {plural(n, 'patient')}; x progression, -> ongoing (censored)"
            + (f"; {missing} without a time not shown" if missing else "")
            + _thinned_note(step))
    ax.set_title(note, fontsize=fontsize - 1, loc="left")
    _legend(ax, set(data["best_response"]), fontsize)
    return n


def plot_measure_by_response(result: MannWhitneyResult, ax: Axes, *,
                             fontsize: float = 9.0, seed: int = 1) -> None:
    """Box plot with the individual values (jittered strip) per response group, the n
    per group and the Mann-Whitney test, sidedness and p in the title."""
    labels = list(result.values.keys())
    data = [result.values[k] for k in labels]
    ax.boxplot(data, widths=0.5, showfliers=False,
               medianprops={"color": "black"}, boxprops={"color": "0.4"},
               whiskerprops={"color": "0.4"}, capprops={"color": "0.4"})
    rng = np.random.default_rng(seed)
    for i, vals in enumerate(data, start=1):
        xs = i + rng.uniform(-0.12, 0.12, size=len(vals))
        ax.plot(xs, vals, linestyle="none", marker="o", ms=4, alpha=0.8,
                color=("#1a9850" if i == 1 else "#d73027"))
    ax.set_xticks(range(1, len(labels) + 1))
    ax.set_xticklabels([f"{k}\nn = {result.n[k]}" for k in labels], fontsize=fontsize)
    ax.set_ylabel(result.measure, fontsize=fontsize)
    if result.not_testable:
        title = f"{result.test}: {result.not_testable}"
    else:
        ptxt = p_text(result.p)
        title = f"{result.test}, {result.sided}: {ptxt} ({result.p_method})"
    ax.set_title(title, fontsize=fontsize - 1, loc="left")
