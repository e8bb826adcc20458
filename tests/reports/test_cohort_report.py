"""The cohort report: chapters from the analyses, methods from their own texts,
de-identified output without original identifiers."""

from __future__ import annotations

import pytest

from imft_desktop.reports.cohort_report import (
    ReportOptions,
    build_cohort_report,
    build_report_from_analyses,
    cohort_workbook_sheets,
    run_analyses,
)
from imft_desktop.reports.document import Figure, Heading, KeyValues, Paragraph, Table
from imft_desktop.reports.html import render_html

SECRET = bytes(range(32))


@pytest.fixture(scope="module")
def demo_analyses(demo_cohort):
    return run_analyses(demo_cohort, ["monosomy 19", "no such grouping xyz"])


@pytest.fixture(scope="module")
def demo_report(demo_analyses):
    return build_report_from_analyses(demo_analyses)


def _text(report) -> str:
    return render_html(report).html


def test_title_page_has_banner_provenance_and_denominators(demo_report, demo_cohort):
    assert demo_report.synthetic
    first = demo_report.sections[:6]
    assert Paragraph("SYNTHETIC DATA – not from patients", "banner") in first
    kv = next(s for s in demo_report.of_type(KeyValues) if s.title == "Provenance")
    labels = dict(kv.items)
    assert labels["Cohort"] == demo_cohort.name
    assert "pandas" in labels["Libraries"] and labels["Program"].startswith("IMFT Desktop")
    tested = [s for s in demo_report.of_type(KeyValues) if "denominators" in (s.title or "")]
    assert ("FISH", "23 of 24 samples") in tested[0].items


def test_chapters_and_numbers(demo_report):
    headings = [h.text for h in demo_report.of_type(Heading) if h.level == 1]
    for chapter in ("Alteration frequencies", "Fusion partners", "Copy-number overview",
                    "Assay concordance", "Survival (PFS)", "Response", "Methods"):
        assert chapter in headings
    freq = next(t for t in demo_report.of_type(Table) if t.caption.startswith("Alterations in"))
    rows = {r[0]: r for r in freq.rows}
    assert rows["ALK FISH positive"][2] == "13/23"  # per-assay denominator
    assert rows["ALK IHC positive (ALK1)"][2] == "14/24"
    assert rows["ALK IHC positive (D5F3)"][2] == "11/21"
    assert rows["22q loss"][2] == "14/24"
    partners = next(t for t in demo_report.of_type(Table) if "partners" in t.caption)
    assert len({r[1] for r in partners.rows if r[0] == "ALK"}) == 11
    figures = demo_report.of_type(Figure)
    assert len(figures) >= 2 and all(f.png.startswith(b"\x89PNG") for f in figures)


def test_survival_and_bad_grouping(demo_report):
    text = _text(demo_report)
    assert "PFS by monosomy 19" in text
    km = next(t for t in demo_report.of_type(Table) if t.caption == "PFS by monosomy 19")
    assert [r[0] for r in km.rows] == ["no monosomy 19", "monosomy 19"]
    assert any("log-rank" in n and "p = 0.007" in n for n in km.notes)
    warnings = [p.text for p in demo_report.of_type(Paragraph) if p.style == "warning"]
    assert any("no such grouping xyz" in w for w in warnings)


def test_methods_come_from_the_results(demo_analyses, demo_report):
    texts = demo_analyses.methods.texts()
    joined = " ".join(texts)
    assert "Clopper-Pearson" in joined
    assert "Kaplan-Meier" in joined and "log-rank" in joined.lower()
    assert "Efron" in joined and "Fisher" in joined and "Mann-Whitney" in joined
    km = demo_analyses.survival[0].km
    assert any(km.method in t for t in texts)  # verbatim from the result object
    methods_at = next(i for i, s in enumerate(demo_report.sections)
                  if isinstance(s, Heading) and s.text == "Methods")
    body = " ".join(p.text for p in demo_report.sections[methods_at:]
                    if isinstance(p, Paragraph))
    assert "Greenwood" in body


def test_deidentified_report_has_no_original_ids(small_cohort):
    report = build_cohort_report(small_cohort, survival_groupings=["ALK IHC"], deidentify=True,
                                 options=ReportOptions(secret=SECRET))
    assert report.deidentified and report.pseudonymizer is not None
    text = _text(report)
    for original in (*small_cohort.sample_ids, *small_cohort.patient_ids, "Smith",
                     "Smith_J_cases", "jsmith", "private"):
        assert original not in text
    assert "file-abababababab" in text
    assert "De-identified" in text


def test_small_cohort_without_segments(small_cohort):
    report = build_cohort_report(small_cohort, options=ReportOptions(secret=SECRET))
    text = _text(report)
    assert "Alteration frequencies" in text
    assert "No grouping was chosen for survival" in text


def test_workbook_sheets(demo_analyses):
    sheets = {s.name: s for s in cohort_workbook_sheets(demo_analyses)}
    assert {"Samples", "Alteration frequencies", "Alteration matrix",
            "Fusion partners"} <= set(sheets)
    assert "PFS by monosomy 19" in sheets
    freq = sheets["Alteration frequencies"].frame
    assert {"altered", "tested", "ci_low", "ci_high"} <= set(freq.columns)


def test_report_p_values_use_the_shared_formatter(demo_analyses):
    """The report writes p values through model.formatting (never "0.000", never
    "< 0.0001" beside a tab's "0.0072")."""
    from imft_desktop.model.formatting import p_text

    report = build_report_from_analyses(demo_analyses)
    notes = [n for s in report.sections if isinstance(s, Table) for n in s.notes]
    lr = demo_analyses.survival[0].logrank
    assert any(p_text(lr.p) in n for n in notes if n.startswith(lr.test))


def test_empty_and_outcome_less_cohorts_still_give_a_report():
    import pandas as pd

    from imft_desktop.model.cohort import Cohort

    empty = build_cohort_report(Cohort(), survival_groupings=["monosomy 19"],
                                options=ReportOptions(secret=SECRET))
    warnings = [p.text for p in empty.of_type(Paragraph) if p.style == "warning"]
    assert any("No survival data to show" in w or "no patient has a valid" in w
               for w in warnings)
    one = Cohort.from_tables({"samples": pd.DataFrame({"sample_id": ["A"],
                                                       "patient_id": ["P"]})})
    report = build_cohort_report(one, survival_groupings=["sex"],
                                 options=ReportOptions(secret=SECRET))
    warnings = [p.text for p in report.of_type(Paragraph) if p.style == "warning"]
    assert any("No survival data to show" in w or "no patient has a valid" in w
               for w in warnings)
    assert not report.of_type(Figure)  # no empty oncoprint, no empty KM plot


def test_deidentified_demo_report_and_workbook_leak_no_ids(demo_cohort):
    a = run_analyses(demo_cohort, ["monosomy 19"], ReportOptions(secret=SECRET),
                     deidentify=True)
    text = _text(build_report_from_analyses(a))
    assert "SYN-" not in text
    for sheet in cohort_workbook_sheets(a):
        cells = sheet.frame.astype(str).to_numpy().ravel().tolist()
        cells += [str(c) for c in sheet.frame.columns] + [str(i) for i in sheet.frame.index]
        assert not [c for c in cells if "SYN-" in c], sheet.name
    assert a.pseudonymizer is not None
    assert len(a.pseudonymizer.key_rows()) == 48  # 24 samples + 24 patients


def test_workbook_has_the_tests_and_the_findings(demo_analyses):
    """The Excel export holds the same sections as the report: every survival group,
    test and hazard ratio, the response tests, and every import finding."""
    sheets = {s.name: s for s in cohort_workbook_sheets(demo_analyses)}
    survival = sheets["PFS by monosomy 19"].frame
    assert {"group", "test", "hazard ratio"} <= set(survival["part"])
    assert "Response tests" in sheets
    response = sheets["Response tests"].frame
    assert "objective response rate" in set(response["part"])
    findings = sheets["Import findings"].frame
    assert len(findings) == len(demo_analyses.cohort.findings)
    assert {"level", "code", "sheet", "row", "column", "message"} <= set(findings.columns)
