"""The mapping target grammar: parsing, labels, drop-down list."""

from __future__ import annotations

import pytest

from imft_desktop.io.mapping import (
    available_targets,
    parse_target,
    recognise,
    target_label,
)
from imft_desktop.model.schema import TABLES_BY_NAME


@pytest.mark.parametrize(
    ("text", "table", "field", "params", "unit"),
    [
        ("samples.sample_id", "samples", "sample_id", (), None),
        ("outcomes.pfs_months", "outcomes", "pfs_months", (), None),
        ("outcomes.pfs_days", "outcomes", "pfs_months", (), "days"),
        ("outcomes.os_weeks", "outcomes", "os_months", (), "weeks"),
        ("outcomes.time_on_treatment_days", "outcomes", "time_on_treatment_months", (),
         "days"),
        ("ihc.call[ALK/D5F3]", "ihc", "call", ("ALK", "D5F3"), None),
        ("ihc.percent_positive[pan-TRK]", "ihc", "percent_positive", ("pan-TRK",), None),
        ("fish.percent_split[ROS1]", "fish", "percent_split", ("ROS1",), None),
        ("fusions.fusion", "fusions", "fusion", (), None),
        ("fusions.fusion[ALK]", "fusions", "fusion", ("ALK",), None),
        ("variants.status[PIK3CA]", "variants", "status", ("PIK3CA",), None),
        ("cn_calls.event[22q]", "cn_calls", "event", ("22q",), None),
        ("cn_calls.event[19/loss]", "cn_calls", "event", ("19", "loss"), None),
        ("cn_calls.list", "cn_calls", "list", (), None),
        ("sequencing.status[RNA fusion panel]", "sequencing", "status",
         ("RNA fusion panel",), None),
        ("extra", "extra", "", (), None),
        ("ignore", "ignore", "", (), None),
    ],
)
def test_parse_target_round_trips(text, table, field, params, unit):
    t = parse_target(text)
    assert (t.table, t.field, t.params, t.unit) == (table, field, params, unit)
    assert t.text == text
    assert parse_target(t.text) == t


@pytest.mark.parametrize(
    "bad",
    [
        "", "samples", "samples.nope", "ihc.call", "ihc.call[]", "ihc.colour[ALK]",
        "fish.call[ALK/X/Y]", "variants.status", "cn_calls.event[22q/sideways]",
        "sequencing.status[Sanger]", "cn_segments.log2_ratio", "outcomes.pfs_months[ALK]",
        "nosuch.field", "samples.age_days",
    ],
)
def test_invalid_targets_raise_value_error(bad):
    with pytest.raises(ValueError):
        parse_target(bad)


def test_labels_are_readable():
    assert target_label("ihc.call[ALK/D5F3]") == "IHC call: ALK (D5F3)"
    assert target_label("ihc.percent_positive[ALK/ALK1]") == "IHC % positive: ALK (ALK1)"
    assert target_label("fish.percent_split[ALK]") == "FISH % split: ALK"
    assert target_label("outcomes.pfs_days") == "PFS (days)"
    assert target_label("outcomes.pfs_months") == "PFS (months)"
    assert target_label("cn_calls.event[19/loss]") == "Copy number: chromosome 19 loss"
    assert target_label("cn_calls.event[22q]") == "Copy number: 22q"
    assert target_label("variants.status[TP53]") == "Mutation status: TP53"
    assert target_label("samples.sample_id") == "Sample ID"
    assert target_label("extra") == "Keep as clinical column"
    assert target_label("not a target") == "not a target"


def test_available_targets_cover_schema_and_sheet(messy_sheet):
    targets = available_targets(recognise(messy_sheet))
    for name in TABLES_BY_NAME["samples"].field_names:
        assert f"samples.{name}" in targets
    for name in TABLES_BY_NAME["outcomes"].field_names:
        if name != "patient_id":
            assert f"outcomes.{name}" in targets
    assert "outcomes.pfs_days" in targets
    assert "ihc.percent_positive[ALK/ALK1]" in targets  # seen in the sheet
    assert "ihc.call[ROS1]" in targets  # seen in the sheet (no clone)
    assert "sequencing.status[WGS]" in targets  # common
    assert targets[-2:] == ["extra", "ignore"]
    assert len(targets) == len(set(targets))
    for t in targets:
        parse_target(t)


def test_available_targets_from_headers_add_any_gene():
    targets = available_targets(["MYOD1 IHC", "NTRK3 FISH", "Case"])
    assert "ihc.call[MYOD1]" in targets
    assert "fish.call[NTRK3]" in targets
    assert available_targets()[:1] == ["samples.sample_id"]
