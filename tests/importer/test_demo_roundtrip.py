"""The synthetic demo workbook (template layout and one-row-per-case) imports to its truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from imft_desktop.io.importer import import_file
from imft_desktop.model.vocab import Capability, Level

synthetic = pytest.importorskip("imft_desktop.synthetic")


def test_demo_template_workbook_imports_to_its_truth(tmp_path: Path) -> None:
    demo = synthetic.write_demo_workbook(tmp_path / "demo.xlsx")
    truth = demo.cohort()
    c = import_file(tmp_path / "demo.xlsx")
    assert not c.findings.has_errors
    assert not c.findings.by_level(Level.WARNING)
    assert c.is_synthetic
    assert c.tested_counts() == truth.tested_counts()
    for cap in Capability:
        assert c.tested_for(cap) == truth.tested_for(cap)
    assert sorted(c.table("fusions")["fusion"]) == sorted(truth.table("fusions")["fusion"])
    assert c.table("outcomes")["pfs_months"].round(6).tolist() == pytest.approx(
        truth.table("outcomes")["pfs_months"].astype(float).round(6).tolist())


def test_demo_case_sheet_imports_to_its_truth(tmp_path: Path) -> None:
    demo = synthetic.write_demo_case_sheet(tmp_path / "cases.xlsx")
    truth = demo.cohort()
    c = import_file(tmp_path / "cases.xlsx")
    assert not c.findings.has_errors
    assert c.tested_counts() == truth.tested_counts()
    assert c.ihc_tested("ALK") == truth.ihc_tested("ALK")
    assert sorted(c.table("fusions")["fusion"]) == sorted(truth.table("fusions")["fusion"])
