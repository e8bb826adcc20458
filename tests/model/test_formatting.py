"""One formatter for every view: the rules a statistician signs."""

from __future__ import annotations

import math

import pytest

from imft_desktop.model.formatting import (
    format_ci,
    format_count,
    format_estimate,
    format_estimate_ci,
    format_hr,
    format_p,
    format_percent,
    format_percent_ci,
    format_percent_with_ci,
    p_text,
)


@pytest.mark.parametrize(("p", "text"), [
    (0.0, "<0.001"), (1e-12, "<0.001"), (0.000999, "<0.001"), (0.001, "0.001"),
    (0.0072, "0.007"), (0.0653, "0.065"), (0.0496, "0.0496"), (0.049, "0.049"),
    (0.0504, "0.050"), (0.0996, "0.10"), (0.1, "0.10"), (0.314, "0.31"), (0.99, "0.99"),
    (0.995, ">0.99"), (1.0, ">0.99"),
    (None, "NA"), (float("nan"), "NA"), ("x", "NA"),
])
def test_format_p(p, text):
    assert format_p(p) == text


def test_p_never_reads_zero_or_double_sign():
    for p in (0.0, 1e-300, 0.0004, 0.00049):
        assert "0.000" not in format_p(p)
        assert p_text(p) == "p < 0.001"
    assert p_text(0.0653) == "p = 0.065"
    assert p_text(1.0) == "p > 0.99"
    assert p_text(None) == "p NA"
    assert p_text(0.2, "q") == "q = 0.20"


def test_p_is_never_rounded_across_005():
    for i in range(1, 1000):
        p = 0.0490 + i * 1e-6
        shown = format_p(p)
        assert (float(shown) < 0.05) == (p < 0.05), (p, shown)


@pytest.mark.parametrize(("x", "text"), [
    (1.853, "1.85"), (0.5432, "0.543"), (12.34, "12.3"), (1234.5, "1234"),
    (9.996, "10.0"), (0.0043, "0.00430"), (-0.123, "-0.123"), (0, "0"),
    (math.inf, "∞"), (-math.inf, "-∞"), (None, "NA"), (math.nan, "NA"),
])
def test_format_estimate(x, text):
    assert format_estimate(x) == text
    assert format_hr(x) == text


def test_intervals_and_percent():
    assert format_ci(0.624, 5.513) == "0.624–5.51"
    assert format_ci(-0.12, 0.4) == "-0.120 to 0.400"
    assert format_ci(None, None) == "NA"
    assert format_ci(1.0, math.inf) == "1.00–∞"
    assert format_estimate_ci(1.853, 0.624, 5.513) == "1.85 (95% CI 0.624–5.51)"
    assert format_estimate_ci(1.853, None, None) == "1.85"
    assert format_percent(58.333) == "58.3%"
    assert format_percent(None) == "NA"


def test_percent_intervals_and_counts():
    assert format_percent_ci(7.1318, 42.1513) == "7.1–42.2%"
    assert format_percent_ci(0.0, 14.25) == "0.0–14.2%"
    assert format_percent_ci(math.nan, None) == "NA"
    assert format_percent_with_ci(91.67, 61.52, 99.79) == "91.7% (61.5–99.8%)"
    assert format_percent_with_ci(50.0, None, None) == "50.0%"
    assert format_count(5, 24) == "5/24"


def test_no_exponent_notation():
    for x in (1e-5, 3.2e-7, 12345678.0, 0.1):
        assert "e" not in format_estimate(x)


def test_descriptive_numbers_and_counts():
    from imft_desktop.model.formatting import format_compact, format_count_percent

    assert format_compact(55.0) == "55"
    assert format_compact(39.5) == "39.5"
    assert format_compact(-0.04) == "0"
    assert format_compact(None) == "NA"
    assert format_count_percent(9, 19) == "9 (47.4%)"
    assert format_count_percent(0, 5) == "0 (0.0%)"
    assert format_count_percent(0, 0) == "0"  # no known value: no percentage
    assert format_ci(39.5, 66, format_compact) == "39.5–66"
