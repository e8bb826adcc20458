"""Plots draw on the Axes they are given (Agg, no pyplot) and name tests and n."""

from __future__ import annotations

import sys

from matplotlib.figure import Figure

from imft_desktop.analysis.cox import cox_univariable
from imft_desktop.analysis.groupings import PFS, resolve_grouping, survival_data
from imft_desktop.analysis.response import (
    measure_by_response,
    swimmer_data,
    waterfall_data,
)
from imft_desktop.analysis.screen import alteration_screen
from imft_desktop.analysis.survival import kaplan_meier, logrank
from imft_desktop.plotting.forest import plot_forest
from imft_desktop.plotting.km import km_axes, plot_km
from imft_desktop.plotting.response_plots import (
    plot_measure_by_response,
    plot_swimmer,
    plot_waterfall,
)


def _texts(fig):
    parts = [t.get_text() for ax in fig.axes for t in ax.texts + ax.get_yticklabels()]
    parts += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center")]
    return " ".join(parts)


def test_km_plot_with_risk_table_and_caption(aml3, tmp_path):
    d = survival_data(aml3, PFS, resolve_grouping(aml3, "x"))
    km = kaplan_meier(d)
    fig = Figure(figsize=(6, 5), layout="constrained")
    ax, risk_ax = km_axes(fig, 3)
    art = plot_km(km, ax, risk_ax=risk_ax, test=logrank(d), cox=cox_univariable(d),
                  show_ci=True)
    assert len(art["lines"]) == 3 and art["censor"] and art["bands"]
    text = _texts(fig)
    assert "log-rank" in text and "two-sided" in text and "n = 30" in text
    assert "not estimable" in text  # Dummy has no events: no HR drawn as a number
    assert "Number at risk" in risk_ax.get_title("left")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Maintained (n=11, events=7)" in legend
    fig.savefig(tmp_path / "km.png", dpi=80)
    assert "matplotlib.pyplot" not in sys.modules


def test_km_plot_inset_risk_table(aml):
    d = survival_data(aml, PFS, resolve_grouping(aml, "x"))
    fig = Figure()
    ax = fig.add_subplot(111)
    art = plot_km(kaplan_meier(d), ax)
    assert art["risk_ax"] in ax.child_axes


def test_forest_shows_not_estimable_as_text(alt_cohort, tmp_path):
    import numpy as np
    import pandas as pd

    status = pd.DataFrame(index=[str(s) for s in alt_cohort.sample_ids])
    status["A"] = [1.0 if i % 2 else 0.0 for i in range(len(status))]
    clin = alt_cohort.clinical()
    ev = pd.to_numeric(clin["pfs_event"]).to_numpy()
    status["sep"] = np.where(ev == 1, 0.0, 1.0)  # altered only among censored: separated
    screen = alteration_screen(alt_cohort, PFS, status=status, min_altered=3)
    fig = Figure(figsize=(7, 3))
    out = plot_forest(screen, fig.add_subplot(111))
    assert out == {"points": 1, "text_rows": 1}
    assert "not estimable" in _texts(fig)
    fig.savefig(tmp_path / "forest.png", dpi=80)


def test_response_plots(alt_cohort, tmp_path):
    fig = Figure(figsize=(9, 3))
    a1, a2, a3 = fig.subplots(1, 3)
    assert plot_waterfall(waterfall_data(alt_cohort), a1) == 30
    assert plot_swimmer(swimmer_data(alt_cohort), a2) == 30
    res = measure_by_response(alt_cohort, "Ki67")
    plot_measure_by_response(res, a3)
    assert "Mann-Whitney U, two-sided" in a3.get_title("left")
    assert any("n = " in t.get_text() for t in a3.get_xticklabels())
    assert {20, -30} <= {line.get_ydata()[0] for line in a1.lines}
    fig.savefig(tmp_path / "resp.png", dpi=80)


def test_response_plots_of_a_large_cohort_use_collections_and_no_id_labels(tmp_path):
    import numpy as np
    import pandas as pd
    from matplotlib.collections import LineCollection

    n = 20_000
    rng = np.random.default_rng(3)
    response = rng.choice(["CR", "PR", "SD", "PD", None], n)
    change = np.sort(rng.uniform(-100, 80, n))[::-1]
    wf = pd.DataFrame({"patient_id": [f"P{i}" for i in range(n)], "best_response": response,
                       "best_percent_change": change})
    sw = pd.DataFrame({"patient_id": wf["patient_id"], "best_response": response,
                       "duration": rng.uniform(1, 40, n), "progressed": rng.random(n) < 0.5,
                       "pfs_months": rng.uniform(1, 40, n)})
    fig = Figure(figsize=(9, 3))
    a1, a2 = fig.subplots(1, 2)
    assert plot_waterfall(wf, a1) == n and plot_swimmer(sw, a2) == n
    # one collection per response category instead of 20,000 patches and labels
    assert len(a1.patches) == 0 and len(a2.patches) == 0
    assert sum(isinstance(c, LineCollection) for c in a1.collections) == 5
    assert len(a1.get_xticks()) == 0 and len(a2.get_yticks()) == 0
    assert a1.get_xlabel() == "Patients, ordered by best change"
    assert "n = 20000 patients" in a1.get_title("left")
    # a screen cannot show 20,000 bars: 1 in 4 is drawn, and the title says so
    assert "1 in 4 patients drawn" in a1.get_title("left")
    assert sum(len(c.get_segments()) for c in a1.collections) == 5000
    fig.savefig(tmp_path / "large.png", dpi=60)
