"""The alteration summary study: typed and frozen, one rule for concordance genes and for
focal loci, and loci that always count what their frequency rows count."""

from __future__ import annotations

import dataclasses
import typing

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imft_desktop.analysis import alteration_summary as study
from imft_desktop.analysis.alteration_summary import (
    AlterationSummary,
    SummaryOptions,
    concordance_assays,
    regroup,
    summarise,
)
from imft_desktop.analysis.cytobands import bands
from imft_desktop.model.cohort import Cohort


@pytest.fixture
def summary(cohort) -> AlterationSummary:
    return summarise(cohort)


def test_summary_is_frozen_and_typed(summary):
    hints = typing.get_type_hints(AlterationSummary, vars(study))
    assert all("Any" not in str(h) for h in hints.values()), hints
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.n = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        summary.methods["frequencies"] = "changed"  # type: ignore[index]
    assert isinstance(summary.concordance, tuple) and isinstance(summary.warnings, tuple)
    assert isinstance(summary.cn_tested, tuple)


def test_one_concordance_rule(summary):
    """ALK: IHC, FISH and a fusion row; pan-TRK style markers with one assay are out."""
    assert concordance_assays(summary.matrix)["ALK"] == ("IHC", "FISH", "sequencing")
    assert summary.concordance_genes == ("ALK",)
    alk = summary.concordance_for("alk")
    assert alk.assays == ["IHC", "FISH", "sequencing"] and alk.reference == "sequencing"
    with pytest.raises(KeyError):
        summary.concordance_for("ROS1")


def test_named_concordance_genes_and_why_not(cohort):
    s = summarise(cohort, SummaryOptions(concordance_genes=("alk", "KRAS")))
    assert s.concordance_genes == ("ALK",)
    assert any("KRAS" in w and "fewer than two" in w for w in s.warnings)


def test_one_focal_threshold(summary):
    loci = summary.focal_loci
    assert summary.focal_min_samples == 2
    assert (loci["n_samples"] >= 1).all()
    assert "focal_loci" in summary.methods and ">= 2 samples" in summary.methods["focal_loci"]


def test_regroup_keeps_everything_but_the_grouping(summary, cohort):
    grouped = regroup(summary, cohort, "best_response")
    assert grouped.matrix is summary.matrix and grouped.concordance is summary.concordance
    assert grouped.frequencies.group_by == "best_response"
    assert grouped.options.group_by == "best_response" and summary.options.group_by is None
    with pytest.raises(KeyError):
        regroup(summary, cohort, "no such column")


def test_keyword_shortcuts_replace_options(cohort):
    s = summarise(cohort, SummaryOptions(min_focal_samples=3), group_by="best_response",
                  with_oncoprint=False)
    assert (s.options.min_focal_samples, s.options.group_by) == (3, "best_response")
    assert s.oncoprint is None and s.focal_min_samples == 3


# --------------------------------------------------------------------------- property
# Events and band calls drawn around 9p21-9p23 (14-30 Mb, hg38), so that loci form and
# direct calls of array-only samples land on them often.
_BANDS = bands("hg38")
_BAND_NAMES = [f"9{b}" for b in _BANDS.loc[(_BANDS["chrom"] == "9") & (_BANDS["end"] > 14e6)
                                           & (_BANDS["start"] < 30e6), "band"]]

_focal = st.tuples(st.integers(14, 26), st.integers(1, 4), st.sampled_from([-0.6, 0.6, 1.2]))
_cohorts = st.tuples(
    st.lists(st.lists(_focal, min_size=1, max_size=2), min_size=2, max_size=7),
    st.lists(st.lists(st.tuples(st.sampled_from(_BAND_NAMES),
                                st.sampled_from(["gain", "loss", "amplification"])),
                      max_size=3), max_size=3),
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_cohorts)
def test_loci_count_what_their_frequency_rows_count(segments, data):
    """Whatever the focal events of samples with segments and the band calls of samples
    with direct calls only, every locus reads the same altered/tested (and samples) in
    the loci table, the matrix and the frequency table."""
    seg_samples, call_samples = data
    rows = []
    for i, events in enumerate(seg_samples):
        focal, start = [], 0
        for offset, length, log2 in sorted(events):
            a = max(start, offset * 1_000_000 + 500_000)
            focal.append(("9", a, a + length * 1_000_000, log2))
            start = a + length * 1_000_000 + 1
        rows += segments(f"S{i}", changes={"focal": [f for f in focal if f[2] < 43_000_000]})
    calls = [(f"C{j}", band, event) for j, listed in enumerate(call_samples)
             for band, event in listed]
    ids = [f"S{i}" for i in range(len(seg_samples))] + [f"C{j}" for j in range(len(call_samples))]
    tables = {
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": ids, "assay": "WGS", "status": "done"}),
        "cn_segments": pd.DataFrame(rows),
        "cn_calls": pd.DataFrame(calls, columns=["sample_id", "region", "event"]),
    }
    s = summarise(Cohort.from_tables(tables), SummaryOptions(with_oncoprint=False))
    freq = s.frequencies.to_frame().set_index("label")
    for locus in s.focal_loci.itertuples(index=False):
        info = s.matrix.info[locus.label]
        assert (info.altered_n, info.tested_n) == (locus.n_samples, locus.n_tested)
        assert tuple(s.matrix.altered_samples(locus.label)) == locus.samples
        assert (freq.at[locus.label, "altered"], freq.at[locus.label, "tested"]) == (
            locus.n_samples, locus.n_tested)
        # Direct-call-only samples are tested at every locus (not listed = not altered).
        assert locus.n_tested >= len(call_samples)
        assert locus.n_samples >= s.focal_min_samples - len(call_samples)
