"""Shared fixtures: cohorts built from the classic R survival data sets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from imft_desktop.model.cohort import Cohort

REF = Path(__file__).resolve().parents[3] / "shared" / "reference-data" / "survival"


def read_reference(name: str) -> pd.DataFrame:
    path = REF / name
    if not path.exists():
        pytest.skip(f"reference data {name} not available")
    return pd.read_csv(path)


def cohort_from(df: pd.DataFrame, time: str, event: str, extra_cols: list[str]) -> Cohort:
    """One sample and patient per row; time/event as PFS, other columns as sheet extras."""
    ids = [f"S{i:04d}" for i in range(len(df))]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": [f"P{i:04d}" for i in range(len(df))]})
    outcomes = pd.DataFrame({
        "patient_id": samples["patient_id"],
        "pfs_months": df[time].to_numpy(),
        "pfs_event": df[event].to_numpy(),
    })
    extra = pd.DataFrame({c: df[c].to_numpy() for c in extra_cols}, index=ids)
    return Cohort.from_tables({"samples": samples, "outcomes": outcomes}, extra=extra)


@pytest.fixture
def aml() -> Cohort:
    df = read_reference("aml_Rdatasets.csv")
    df["x"] = df["group"].map({1: "Maintained", 2: "Nonmaintained"})
    return cohort_from(df, "time", "cens", ["x"])


@pytest.fixture
def aml3() -> Cohort:
    df = read_reference("aml3_survival_difftest.csv")
    return cohort_from(df, "time", "status", ["x"])


@pytest.fixture
def make_cohort():
    """The ``cohort_from`` helper, for tests that build their own cohorts."""
    return cohort_from


@pytest.fixture
def reference():
    """The ``read_reference`` helper (skips when the reference data are absent)."""
    return read_reference


def alteration_cohort(n: int = 30, seed: int = 1) -> Cohort:
    """A synthetic cohort with WGS (fusions, copy-number calls), IHC, response and PFS.

    Chromosome 19 loss shortens PFS; two samples are not sequenced (not tested).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    ids = [f"IMT-{i:02d}" for i in range(n)]
    pids = [f"P-{i:02d}" for i in range(n)]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": pids})
    sequenced = ids[2:]
    seq = pd.DataFrame({"sample_id": sequenced, "assay": "WGS", "status": "done"})
    alk = [s for i, s in enumerate(ids) if i % 2 == 0 and s in sequenced]
    fusions = pd.DataFrame({"sample_id": alk, "fusion": "TPM3::ALK"})
    loss19 = [s for i, s in enumerate(ids) if i % 3 == 0 and s in sequenced]
    cn = pd.DataFrame({"sample_id": loss19, "region": "19", "event": "loss"})
    ihc = pd.DataFrame({"sample_id": ids, "marker": "ALK", "clone": "D5F3",
                        "call": ["positive" if i % 2 == 0 else "negative" for i in range(n)]})
    base = rng.exponential(20, n)
    pfs = np.where([s in loss19 for s in ids], base / 4, base).round(1) + 0.5
    event = (rng.uniform(size=n) < 0.8).astype(int)
    resp = np.where([s in alk for s in ids], "PR", "SD").astype(object)
    resp[1] = "NE"
    resp[3] = "PD"
    outcomes = pd.DataFrame({
        "patient_id": pids, "pfs_months": pfs, "pfs_event": event, "best_response": resp,
        "best_percent_change": rng.normal(-20, 30, n).round(1),
        "time_on_treatment_months": (pfs * 0.9).round(1),
    })
    extra = pd.DataFrame({"Grade": ["high" if i % 4 == 0 else "low" for i in range(n)],
                          "Ki67": rng.integers(1, 40, n)}, index=ids)
    return Cohort.from_tables({"samples": samples, "sequencing": seq, "fusions": fusions,
                               "cn_calls": cn, "ihc": ihc, "outcomes": outcomes}, extra=extra)


@pytest.fixture
def alt_cohort() -> Cohort:
    pytest.importorskip("imft_desktop.analysis.alterations")
    return alteration_cohort()
