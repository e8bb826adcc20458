"""Per-case sheets: one page per sample, not tested shown as such."""

from __future__ import annotations

import pytest

from imft_desktop.reports.case_sheet import build_case_sheets, case_sections
from imft_desktop.reports.document import Figure, Heading, PageBreak, Paragraph, Table


def test_one_page_per_sample(small_cohort):
    report = build_case_sheets(small_cohort)
    assert len(report.of_type(PageBreak)) == small_cohort.n_samples - 1
    titles = [h.text for h in report.of_type(Heading) if h.level == 1]
    assert titles == [f"Case {s}" for s in small_cohort.sample_ids]


def test_not_tested_is_shown_not_hidden(small_cohort):
    sections = case_sections(small_cohort, "S22-00077")
    fish = next(s for s in sections if isinstance(s, Table) and "hybridisation" in s.caption)
    assert fish.rows[0][-1] == "not tested"
    seq = next(s for s in sections if isinstance(s, Table) and s.caption == "Sequencing assays")
    assert seq.rows == (("WGS", "not tested", "copy number, fusion, mutation"),)
    texts = [p.text for p in sections if isinstance(p, Paragraph)]
    assert "Fusions: not tested (no successful fusion-capable assay)." in texts
    assert "Copy number: not tested." in texts


def test_failed_assay_and_calls(small_cohort):
    sections = case_sections(small_cohort, "S22-00042")
    seq = next(s for s in sections if isinstance(s, Table) and s.caption == "Sequencing assays")
    assert seq.rows[0][1] == "failed (not tested)"
    first = case_sections(small_cohort, "S21-12345")
    calls = [s for s in first if isinstance(s, Table) and s.caption.startswith("Copy-number")]
    assert calls[0].rows == (("loss", "19"),)
    fusions = next(s for s in first if isinstance(s, Table) and s.caption == "Fusions")
    assert fusions.rows[0][0] == "TPM3::ALK"


def test_segments_give_a_genome_plot(demo_cohort):
    report = build_case_sheets(demo_cohort, ["SYN-01", "SYN-23"])
    figures = report.of_type(Figure)
    assert len(figures) == 1  # SYN-23 has calls only (SNP array)
    assert figures[0].png.startswith(b"\x89PNG")
    assert figures[0].dpi == 300


def test_unknown_sample_is_an_error(small_cohort):
    with pytest.raises(KeyError):
        build_case_sheets(small_cohort, ["nope"])
