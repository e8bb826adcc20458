"""Oncoprint data (glyphs, not tested, memo sort), the summary CLI and the demo cohort."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from imft_desktop.analysis.oncoprint import NOT_TESTED, memo_order, oncoprint_matrix

DEMO = Path(__file__).resolve().parents[2] / "imft_desktop" / "data" / "demo_cohort_synthetic.xlsx"


def test_oncoprint_cells_rows_and_percent(cohort):
    d = oncoprint_matrix(cohort)
    assert d.rows[0] == "22q"
    assert d.row_label("22q") == "3/5 (60%)"
    assert d.row_label("ALK") == "3/6 (50%)"
    assert d.cell("ALK", "S1") == frozenset({"fusion"})
    assert d.cell("22q", "S6") == frozenset({NOT_TESTED})
    assert d.cell("ALK", "S4") == frozenset()
    assert d.cell("CDKN2A", "S5") == frozenset({"deep deletion"})
    # chr19 arms repeat the whole-chromosome row and are left out; exact fusions too.
    assert "chr19" in d.rows and "19p" not in d.rows and "TPM3::ALK" not in d.rows
    assert d.tracks.loc["S1", "best_response"] == "PR"
    cells = d.cells
    assert cells.loc["PIK3CA", "S4"] == frozenset({"mutation"})
    json.dumps(d.to_dict())


def test_several_alterations_in_one_cell():
    import pandas as pd

    from imft_desktop.model.cohort import Cohort

    ids = ["A", "B", "C"]
    cohort = Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ["A", "B"], "assay": "WGS", "status": "done"}),
        "fusions": pd.DataFrame({"sample_id": ["A"], "fusion": ["EML4::ALK"]}),
        "variants": pd.DataFrame({"sample_id": ["A", "B"], "gene": ["ALK", "ALK"],
                                  "protein_change": ["p.F1174L", "p.R1275Q"]}),
        "cn_calls": pd.DataFrame({"sample_id": ["A"], "region": ["ALK"],
                                  "event": ["amplification"]}),
    })
    d = oncoprint_matrix(cohort, include_assays=False)
    assert d.cell("ALK", "A") == frozenset({"fusion", "mutation", "amplification"})
    assert d.cell("ALK", "B") == frozenset({"mutation"})
    assert d.cell("ALK", "C") == frozenset({NOT_TESTED})
    assert d.row_label("ALK") == "2/2 (100%)"


def test_memo_sort_puts_altered_first_and_not_tested_last():
    # rows x samples: 0 altered, 1 tested, 2 not tested
    state = np.array([
        [1, 0, 2, 1, 0],
        [0, 1, 2, 2, 0],
    ])
    order = memo_order(state).tolist()
    # Samples 1 and 4 altered in row 0 (4 also in row 1 -> first); then sample 0 (row 1);
    # then 3 (tested in row 0) before 2 (not tested anywhere).
    assert order == [4, 1, 0, 3, 2]


def test_reorder_and_top_n(cohort):
    d = oncoprint_matrix(cohort, top_n=3)
    assert len(d.rows) == 3
    full = oncoprint_matrix(cohort)
    r = full.reorder(["PIK3CA", "22q"])
    assert r.rows == ["PIK3CA", "22q"]
    assert r.samples[:2] == ["S1", "S4"]  # PIK3CA-mutated first, S1 also 22q loss
    assert r.codes.shape == (2, 8)
    with pytest.raises(KeyError):
        full.reorder(["nope"])


def test_cli_summary_json_keys(tmp_path, capsys):
    from imft_desktop.cli import main

    if not DEMO.exists():
        pytest.skip("demo cohort absent")
    assert main(["summary", str(DEMO), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("samples", "alterations", "fusion_partners", "cna_burden",
                "recurrent_focal_loci", "concordance", "cooccurrence", "methods"):
        assert key in out, key
    assert isinstance(out["samples"], int)
    first = out["alterations"][0]
    assert set(first) >= {"label", "gene", "kind", "altered", "tested", "percent", "ci95"}
    assert len(first["ci95"]) == 2
    assert main(["summary", str(DEMO), "--by", "best_response", "--json"]) == 0
    grouped = json.loads(capsys.readouterr().out)
    assert grouped["group_by"] == "best_response" and "group" in grouped["alterations"][0]
    assert main(["summary", str(DEMO), "--top", "5"]) == 0
    text = capsys.readouterr().out
    assert "Altered/tested" in text and "95% CI" in text
    assert main(["summary", str(DEMO), "--by", "no such column"]) == 1


def test_cli_summary_unreadable_file(tmp_path, capsys):
    from imft_desktop.cli import main

    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["summary", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "missing.xlsx")]) == 2


def test_demo_cohort_reproduces_the_study():
    if not DEMO.exists():
        pytest.skip("demo cohort absent")
    from imft_desktop.analysis.alteration_summary import summarise
    from imft_desktop.io.importer import import_file

    s = summarise(import_file(DEMO))
    info = s.matrix.info
    partners = s.partners
    assert partners.driver_samples["ALK"] == 12 and partners.n_partners("ALK") == 11
    assert (info["22q loss"].altered_n, info["22q loss"].tested_n) == (14, 24)
    assert (info["PIK3CA mutation"].altered_n, info["PIK3CA mutation"].tested_n) == (2, 22)
    alk1 = info["ALK IHC positive (ALK1)"]
    d5f3 = info["ALK IHC positive (D5F3)"]
    assert (alk1.altered_n, alk1.tested_n) == (14, 24)
    assert (d5f3.altered_n, d5f3.tested_n) == (11, 21)
    fish = info["ALK FISH positive"]
    assert (fish.altered_n, fish.tested_n) == (13, 23)
    assert s.matrix.find("ETV6-NTRK3") == "ETV6::NTRK3"
