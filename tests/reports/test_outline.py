"""The report outline: items name a study and its options, and survive JSON."""

from __future__ import annotations

import json

import pytest

from imft_desktop.reports.outline import ReportItem, ReportOutline


def test_item_round_trips_through_json():
    item = ReportItem.make("survival", "PFS by monosomy 19",
                           {"endpoint": "PFS", "grouping": "monosomy 19", "adjust": ["age"],
                            "unit": None})
    assert item.param("grouping") == "monosomy 19"
    assert item.param("unit") is None and "unit" not in item.options
    again = ReportItem.from_json(json.loads(json.dumps(item.to_json())))
    assert again == item and again.param("adjust") == ("age",)


def test_outline_edits_and_json():
    a = ReportItem.make("frequencies", "Alteration frequencies")
    b = ReportItem.make("screen", "PFS screen", {"endpoint": "PFS"})
    c = ReportItem.make("response", "Response by PIK3CA", {"grouping": "PIK3CA mutation"})
    outline = ReportOutline().added(a).added(b).added(c).added(a)
    assert [i.kind for i in outline.items] == ["frequencies", "screen", "response"]
    outline = outline.moved(2, 0).removed(1).with_orientation("landscape")
    assert [i.kind for i in outline.items] == ["response", "screen"]
    assert ReportOutline.from_json(json.loads(json.dumps(outline.to_json()))) == outline


def test_unknown_kinds_are_refused_or_dropped():
    with pytest.raises(ValueError):
        ReportItem.make("astrology", "no")
    data = {"items": [{"kind": "astrology"}, {"kind": "methods", "title": "Methods"}],
            "orientation": "sideways"}
    outline = ReportOutline.from_json(data)
    assert [i.kind for i in outline.items] == ["methods"]
    assert outline.orientation == "portrait"
    assert ReportOutline.from_json(None).empty


def test_an_item_describes_its_study_and_options():
    item = ReportItem.make("survival", "PFS by monosomy 19",
                           {"unit": "months", "grouping": "monosomy 19", "endpoint": "PFS",
                            "firth": True, "permutation": False, "adjust": ["age", "sex"]})
    assert item.describe() == ("Kaplan-Meier, log-rank and Cox · endpoint PFS · grouping "
                               "monosomy 19 · unit months · adjust age, sex · firth")
    assert ReportItem.make("frequencies", "x").describe() == "Alteration frequencies"


def test_an_outline_written_by_the_first_layout_still_loads():
    # as version 1 wrote it, with no orientation and a parameter list
    data = {"version": 1, "title": "", "items": [
        {"kind": "survival", "title": "PFS by monosomy 19",
         "params": {"endpoint": "PFS", "grouping": "monosomy 19", "landmarks": [6, 12]}}]}
    outline = ReportOutline.from_json(data)
    assert outline.orientation == "portrait"
    assert outline.items[0].param("landmarks") == (6, 12)
    assert outline.to_json()["items"][0]["params"]["landmarks"] == [6, 12]
