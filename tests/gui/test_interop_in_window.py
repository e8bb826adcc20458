"""Other tools' files open in the window with the same counts as the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference-data"
FILES = [SHARED / "genomics" / "maftools_tcga_laml.maf.gz",
         SHARED / "copynumber" / "maftools_TCGA.AB.3009.hg19.seg.txt",
         SHARED / "cbioportal" / "study_es_0"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_maf_seg_and_cbioportal_open_with_the_command_lines_counts(window, qtbot, path, capsys):
    assert path.exists(), f"reference data missing: {path}"  # shared/ is beside the checkout
    tab = window.import_tab
    with qtbot.waitSignal(tab.cohort_imported, timeout=60000) as blocker:
        window.open_path(str(path))
    cohort = blocker.args[0]
    assert window.cohort is cohort
    from imft_desktop.cli import main

    capsys.readouterr()
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert cohort.n_samples == info["samples"] > 0
    assert cohort.info()["tested"] == info["tested"]
    assert cohort.info()["tables"] == info["tables"]
    assert "Read as" in tab.mapping_note.text()
    assert tab.mapping_model.rowCount() >= 2  # the tables read, listed
