"""Plots draw on the Axes they are given: glyphs, denominators, labels."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from imft_desktop.analysis.copy_number import genome_frequency
from imft_desktop.analysis.oncoprint import oncoprint_matrix
from imft_desktop.analysis.partners import fusion_partners
from imft_desktop.plotting.cna_genome import plot_genome_frequency
from imft_desktop.plotting.oncoprint import FUSION_COLOUR, plot_oncoprint
from imft_desktop.plotting.partners import plot_partners


def _ax():
    return Figure(figsize=(8, 5)).add_subplot()


def test_oncoprint_glyphs_denominators_and_not_tested(cohort):
    ax = _ax()
    data = oncoprint_matrix(cohort)
    layout = plot_oncoprint(data, ax)
    texts = {t.get_text() for t in ax.texts}
    assert "3/5 (60%)" in texts and "3/6 (50%)" in texts
    hatched = [c for c in ax.collections if isinstance(c, PolyCollection)
               and c.get_hatch() == "////"]
    assert hatched, "not-tested cells must be hatched, not grey"
    n_not_tested = sum(1 for c in data.cells.to_numpy().ravel() if "not tested" in c)
    assert len(hatched[0].get_paths()) == n_not_tested
    fusion = [c for c in ax.collections if isinstance(c, PolyCollection)
              and tuple(c.get_facecolor()[0][:3]) == pytest.approx(
                  tuple(int(FUSION_COLOUR[i:i + 2], 16) / 255 for i in (1, 3, 5)))]
    assert len(fusion[0].get_paths()) == 4  # ALK x3 and NTRK3 x1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"fusion", "mutation", "loss", "not tested"} <= set(legend)
    assert "best_response: PR" in legend
    assert ax.get_yticklabels()[0].get_text() == "best_response"
    assert layout["samples"] == data.samples


def test_partners_plot_names_fusions_and_unknown_partners(cohort):
    ax = _ax()
    plot_partners(fusion_partners(cohort), ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["RANBP2::ALK", "TPM3::ALK", "ALK rearranged, partner unknown",
                      "ETV6::NTRK3"]
    assert "n = 6" in ax.get_xlabel()


def test_genome_plot_states_n(cohort):
    ax = _ax()
    freq = genome_frequency(cohort)
    plot_genome_frequency(freq, ax, "hg38")
    assert "n = 5 tested" in ax.get_title(loc="left")
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["1", "2"]
    ymin, ymax = ax.get_ylim()
    assert ymin < 0 < ymax


def test_large_oncoprint_draws_backgrounds_as_one_image():
    import numpy as np
    import pandas as pd

    from imft_desktop.model.cohort import Cohort

    n = 400
    ids = [f"S{i:03d}" for i in range(n)]
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ids[:300], "assay": "WGS", "status": "done"}),
        "fusions": pd.DataFrame({"sample_id": ids[:50], "fusion": "EML4::ALK"}),
        "cn_calls": pd.DataFrame({"sample_id": ids[40:90], "region": "22q", "event": "loss"}),
    })
    data = oncoprint_matrix(cohort)
    ax = _ax()
    plot_oncoprint(data, ax)
    assert len(ax.images) >= 1
    image = ax.images[0].get_array()
    assert image.shape[:2] == (len(data.rows), n)
    white = np.all(np.asarray(image) == 1.0, axis=-1)
    assert white.sum() == 100 * len(data.rows)  # 100 samples not tested, every row
    fusion = [c for c in ax.collections if len(c.get_paths()) == 50]
    assert fusion, "fusion glyphs stay vector overlays"
