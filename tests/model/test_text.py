"""Singular and plural in counts ("1 sample, 1 partner"; issue 13)."""

from __future__ import annotations

import pandas as pd

from imft_desktop.model.cohort import Cohort
from imft_desktop.model.text import plural


def test_plural():
    assert plural(1, "sample") == "1 sample"
    assert plural(0, "sample") == "0 samples"
    assert plural(2, "partner") == "2 partners"
    assert plural(1, "locus", "loci") == "1 locus" and plural(3, "locus", "loci") == "3 loci"


def test_summary_line_singular():
    c = Cohort.from_tables({"samples": pd.DataFrame({"sample_id": ["A"],
                                                     "patient_id": ["p"]})})
    assert c.summary_line().startswith("1 sample, 1 patient")


def test_partner_texts_singular(tmp_path, capsys):
    """One ALK fusion in one sample: "ALK: 1 sample, 1 partner" in the CLI text and the
    partner figure's title (was "1 samples, 1 partners")."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from imft_desktop.analysis.partners import fusion_partners
    from imft_desktop.cli import main
    from imft_desktop.plotting.partners import plot_partners

    c = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ["A", "B"], "patient_id": ["p", "q"]}),
        "sequencing": pd.DataFrame({"sample_id": ["A", "B"], "assay": ["WGS", "WGS"],
                                    "status": ["done", "done"]}),
        "fusions": pd.DataFrame({"sample_id": ["A"], "fusion": ["TPM3::ALK"]}),
    })
    ax = Figure().add_subplot()
    plot_partners(fusion_partners(c), ax)
    assert "ALK: 1 sample, 1 partner" in ax.get_title(loc="left")
    path = tmp_path / "one.csv"
    pd.DataFrame({"Sample ID": ["A", "B"], "Fusion": ["TPM3::ALK", "none"],
                  "PFS (months)": [3, 4], "PFS event": [1, 0]}).to_csv(path, index=False)
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ALK: 1 sample, 1 partner" in out, out
