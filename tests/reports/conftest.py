"""Fixtures for the report and export tests: a small hand-built cohort and the demo."""

from __future__ import annotations

import pandas as pd
import pytest

from imft_desktop.model.cohort import Cohort, SourceFile


def small_tables() -> dict[str, pd.DataFrame]:
    """Four samples, one not tested by FISH, free text and an old patient."""
    return {
        "study": pd.DataFrame({"key": ["study_name", "synthetic"],
                               "value": ["Small test cohort", "yes"]}),
        "samples": pd.DataFrame({
            "sample_id": ["S21-12345", "S21-22222", "S22-00042", "S22-00077"],
            "patient_id": ["MRN-001", "MRN-002", "MRN-003", "MRN-004"],
            "diagnosis": ["IMFT"] * 4,
            "age": [34, 92, 61, 89.5],
            "sex": ["female", "male", "male", "female"],
            "comment": ["Seen by Dr Smith on 2021-03-04", None, "biopsy 12/05/2020", "ok"],
        }),
        "ihc": pd.DataFrame({
            "sample_id": ["S21-12345", "S21-22222", "S22-00042", "S22-00077"],
            "marker": ["ALK"] * 4, "clone": ["D5F3"] * 4,
            "percent_positive": [80.0, 0.0, 60.0, 5.0],
            "call": ["positive", "negative", "positive", "negative"],
        }),
        "fish": pd.DataFrame({
            "sample_id": ["S21-12345", "S21-22222", "S22-00042"],
            "probe": ["ALK"] * 3, "percent_split": [42.0, 2.0, 30.0],
            "call": ["positive", "negative", "positive"],
        }),
        "sequencing": pd.DataFrame({
            "sample_id": ["S21-12345", "S21-22222", "S22-00042"],
            "assay": ["WGS"] * 3, "status": ["done", "done", "failed"],
        }),
        "fusions": pd.DataFrame({"sample_id": ["S21-12345"], "fusion": ["TPM3::ALK"],
                                 "assay": ["WGS"]}),
        "cn_calls": pd.DataFrame({"sample_id": ["S21-12345", "S21-22222"],
                                  "region": ["19", "22q"], "event": ["loss", "loss"]}),
        "outcomes": pd.DataFrame({
            "patient_id": ["MRN-001", "MRN-002", "MRN-003", "MRN-004"],
            "best_response": ["PR", "PD", "SD", "CR"],
            "pfs_months": [12.5, 3.1, 7.0, 20.0], "pfs_event": [1, 1, 0, 0],
        }),
    }


@pytest.fixture
def small_cohort() -> Cohort:
    source = SourceFile(name="Smith_J_cases.xlsx", path="/home/jsmith/Smith_J_cases.xlsx",
                        sha256="ab" * 32, size=1234, kind="xlsx",
                        read_at="2026-11-26T10:00:00+00:00")
    cohort = Cohort.from_tables(small_tables(), sources=[source])
    extra = pd.DataFrame({"Hospital notes": ["private", "x", "y", "z"],
                          "Biopsy date": ["2021-03-04", "2020-05-12", "", "2019-01-01"]},
                         index=cohort.sample_ids)
    cohort.extra = extra
    for name in ("samples", "ihc"):
        cohort.tables[name]["_source"] = source.name
    return cohort


@pytest.fixture(scope="session")
def demo_cohort() -> Cohort:
    from imft_desktop.synthetic import build_demo_cohort

    return build_demo_cohort().cohort()
