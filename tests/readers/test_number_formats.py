"""Number formats: date detection and the display text of display-changing formats."""

from __future__ import annotations

import pytest

from imft_desktop.io.read.number_formats import (
    changes_display,
    display_renderer,
    format_code,
    is_date_format,
)


@pytest.mark.parametrize(
    "code, value, shown",
    [
        ("00000", 123, "00123"),
        ("00000", 123456, "123456"),
        ("00000", 12.6, "00013"),
        ("00000", 0, "00000"),
        ("#0000", 5, "0005"),
        ("0%", 0.5, "50%"),
        ("0%", 0.145, "15%"),  # Excel rounds the decimal half up, not the binary value
        ("0.0%", 0.125, "12.5%"),
        ("0.00%", 0.12345, "12.35%"),
        ('"IMFT-"000', 7, "IMFT-007"),
        ("000-00", 123, "001-23"),
        ('#,##0.00 "mg"', 1234.5, "1,234.50 mg"),
        ("[Red]0000", 12, "0012"),
        ("0000;-0000", -12, "-0012"),
        ("00000", -12, "-00012"),
        ("[$€-407]0.00", 3.5, "€3.50"),
    ],
)
def test_display_text(code, value, shown):
    render = display_renderer(code)
    assert render is not None
    assert render(value) == shown


@pytest.mark.parametrize(
    "code", ["0.00", "#,##0", "0", "General", "yyyy-mm-dd", "0.00E+00", "# ?/?", "@",
             "[>=100]0000"]
)
def test_formats_not_rendered(code):
    assert display_renderer(code) is None


@pytest.mark.parametrize(
    "code, is_date",
    [("yyyy-mm-dd", True), ("d-mmm-yy", True), ("[h]:mm:ss", True), ("h:mm AM/PM", True),
     ('"Day "0', False), ("0.00E+00", False), ("00000", False), ("[Red]0.0", False)],
)
def test_date_formats(code, is_date):
    assert is_date_format(code) is is_date


def test_changes_display_and_builtin_ids():
    assert changes_display("00000") and changes_display("0%") and changes_display("@")
    assert not changes_display("0.00") and not changes_display("#,##0")
    assert not changes_display("yyyy-mm-dd")
    assert format_code(0, {}) is None
    assert format_code(9, {}) == "0%"
    assert format_code(164, {164: "00000"}) == "00000"
    assert format_code(164, {164: "General"}) is None
