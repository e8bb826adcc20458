"""Groupings and endpoints: exclusions are counted, never silently dropped."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from imft_desktop.analysis.groupings import (
    PFS,
    Endpoint,
    EventCodingError,
    GroupingError,
    assay_call_grouping,
    clinical_grouping,
    combine_groupings,
    parse_events,
    resolve_endpoint,
    resolve_grouping,
    survival_data,
)
from imft_desktop.model.cohort import Cohort


def small_cohort(**extra_cols) -> Cohort:
    ids = ["A", "B", "C", "D", "E", "F"]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
                            "sex": ["female", "male", None, "male", "female", "female"]})
    outcomes = pd.DataFrame({
        "patient_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
        "pfs_months": [5.0, 8.0, None, -1.0, 12.0, 3.0],
        "pfs_event": [1, 0, 1, 1, "maybe", 1],
    })
    extra = pd.DataFrame(extra_cols, index=ids) if extra_cols else pd.DataFrame()
    return Cohort.from_tables({"samples": samples, "outcomes": outcomes}, extra=extra)


def test_endpoint_exclusions_are_listed_with_reasons():
    c = small_cohort()
    d = survival_data(c, PFS)
    assert d.n == 3
    reasons = dict(d.excluded)
    assert reasons == {"C": "missing time", "D": "negative time", "E": "event is not 0/1"}


def test_categorical_grouping_counts_missing():
    c = small_cohort()
    g = resolve_grouping(c, "Sex")
    assert g.levels == ("female", "male")
    assert g.excluded_counts() == {"missing value": 1}
    assert g.counts() == {"female": 3, "male": 2}
    d = survival_data(c, PFS, g)
    assert ("C", "missing time") in d.excluded or any(s == "C" for s, _ in d.excluded)


def test_numeric_cutoff_syntax_and_median_default():
    c = small_cohort(score=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, ][:6], age2=[10, 20, 30, 40, 50, 60])
    g = resolve_grouping(c, "score>=4")
    assert g.levels == ("score < 4", "score >= 4")
    assert g.counts() == {"score < 4": 3, "score >= 4": 3}
    g2 = clinical_grouping(c, "age2", cutoff="median")
    assert "median" in g2.description
    assert g2.levels == ("age2 <= 35", "age2 > 35")


def test_combination_uses_three_valued_logic():
    c = small_cohort(a=["yes", "no", None, "yes", "no", "yes"], b=["yes", None, "yes", "no",
                                                                  None, "yes"])
    ga = clinical_grouping(c, "a", reference="no")
    gb = clinical_grouping(c, "b", reference="no")
    g = combine_groupings(ga, gb, "AND")
    st = g.status
    assert st["A"] == 1.0 and st["B"] == 0.0  # no AND unknown = no
    assert math.isnan(st["C"]) and st["D"] == 0.0 and st["E"] == 0.0
    flipped = ga.with_reference("yes")
    assert flipped.status is not None and flipped.status["A"] == 0.0
    g_or = resolve_grouping(c, "a OR b")
    assert g_or.status["B"] != g_or.status["B"]  # no OR unknown = unknown
    assert g_or.status["E"] != g_or.status["E"]
    assert g_or.status["C"] == 1.0
    assert g_or.n_excluded == 2


def test_unknown_grouping_names_what_was_tried():
    with pytest.raises(GroupingError, match="neither a column"):
        resolve_grouping(small_cohort(), "no such thing")


def test_event_coding():
    assert parse_events(pd.Series(["1:PROGRESSED", "0:CENSORED", "yes", "no", 1, 0.0,
                                   None])).tolist()[:6] == [1, 0, 1, 0, 1, 0]
    with pytest.raises(EventCodingError):
        parse_events(pd.Series([1, 2, 2, 1]))
    assert parse_events(pd.Series([1, 2, 2, 1]), event_value="2").tolist() == [0, 1, 1, 0]
    assert resolve_endpoint("os").event_col == "os_event"
    with pytest.raises(GroupingError):
        resolve_endpoint("DFS")


def test_patient_with_two_samples_counted_once_or_excluded_on_conflict():
    samples = pd.DataFrame({"sample_id": ["s1", "s2", "s3", "s4"],
                            "patient_id": ["p1", "p1", "p2", "p2"]})
    outcomes = pd.DataFrame({"patient_id": ["p1", "p2"], "pfs_months": [3.0, 4.0],
                             "pfs_event": [1, 0]})
    extra = pd.DataFrame({"g": ["x", "x", "x", "y"]}, index=["s1", "s2", "s3", "s4"])
    c = Cohort.from_tables({"samples": samples, "outcomes": outcomes}, extra=extra)
    d = survival_data(c, PFS, resolve_grouping(c, "g"))
    assert d.frame["patient_id"].tolist() == ["p1"]
    assert sorted(s for s, r in d.excluded if "different groups" in r) == ["s3", "s4"]
    assert d.notes


def test_assay_call_grouping_excludes_equivocal_and_not_tested():
    ids = ["A", "B", "C", "D"]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    ihc = pd.DataFrame({"sample_id": ["A", "B", "C"], "marker": ["ALK"] * 3,
                        "clone": ["D5F3"] * 3, "call": ["positive", "negative", "equivocal"]})
    c = Cohort.from_tables({"samples": samples, "ihc": ihc})
    g = assay_call_grouping(c, "IHC", "ALK")
    assert g.counts() == {"ALK IHC negative": 1, "ALK IHC positive": 1}
    assert g.excluded_counts() == {"not tested": 1, "equivocal": 1}
    g2 = resolve_grouping(c, "ALK IHC D5F3")
    assert g2.status is not None and g2.status["A"] == 1.0


def test_custom_endpoint_columns():
    c = small_cohort(t=[1, 2, 3, 4, 5, 6], e=["dead", "alive", "dead", "dead", "alive", "x"])
    d = survival_data(c, Endpoint("t", "e", "days"))
    assert d.n == 5 and d.endpoint.unit == "days"
    assert dict(d.excluded) == {"F": "event is not 0/1"}


def test_alteration_grouping_when_module_present():
    alterations = pytest.importorskip("imft_desktop.analysis.alterations")
    assert hasattr(alterations, "alteration_matrix")
    ids = ["A", "B", "C", "D"]
    samples = pd.DataFrame({"sample_id": ids, "patient_id": ids})
    seq = pd.DataFrame({"sample_id": ["A", "B", "C"], "assay": ["WGS"] * 3,
                        "status": ["done"] * 3})
    fus = pd.DataFrame({"sample_id": ["A"], "fusion": ["TPM3::ALK"]})
    c = Cohort.from_tables({"samples": samples, "sequencing": seq, "fusions": fus})
    matrix = alterations.alteration_matrix(c)
    label = matrix.find("TPM3::ALK")
    g = resolve_grouping(c, label)
    assert g.kind == "alteration"
    assert g.excluded_counts().get("not tested") == 1
    assert np.nansum(g.status.to_numpy()) == 1
