"""Cell sniffing used to confirm ambiguous headers (never to convert values)."""

from __future__ import annotations

from datetime import datetime

import pytest

from imft_desktop.io.mapping.vocab import (
    cell_is_negative,
    cell_is_not_tested,
    cell_kind,
    clean_text,
    is_gene_symbol,
    looks_like_fusion,
    split_list_cell,
)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, "blank"), ("  ", "blank"), (float("nan"), "blank"),
        ("not done", "not_tested"), ("n/a", "not_tested"), ("failed", "not_tested"),
        ("neg", "negative"), ("wt", "negative"), ("none", "negative"), ("-", "negative"),
        ("pos", "positive"), ("focal", "positive"), ("rearranged", "positive"),
        ("80%", "percent"), ("<1%", "percent"), ("5-10%", "percent"), ("5-10", "percent"),
        ("3+", "intensity"), ("1+/2+", "intensity"),
        ("TPM3-ALK", "fusion"), ("ETV6::NTRK3", "fusion"), ("ALK/TPM3", "fusion"),
        ("ALK rearrangement", "fusion"),
        ("H1047R", "protein"), ("p.His1047Arg", "protein"), ("c.3140A>G", "protein"),
        ("loss", "cna"), ("-19", "cna"), ("+7", "cna"), ("22q loss", "cna"),
        ("monosomy 19", "cna"),
        ("PR", "recist"), ("Partial response", "recist"),
        ("yes", "positive"), ("done", "status"),
        (12.5, "number"), ("12,5", "number"), (1, "status"), (True, "status"),
        (datetime(2020, 1, 1), "date"), ("lung", "text"),
    ],
)
def test_cell_kind(value, kind):
    assert cell_kind(value) == kind


def test_hyphenated_symbols_do_not_break_fusion_sniffing():
    assert looks_like_fusion("NKX2-1-ALK") is False  # NKX2-1 is not in the list
    assert looks_like_fusion("H3-3A-ALK") is True  # two listed genes around one hyphen
    assert looks_like_fusion("IMT-01") is False
    assert looks_like_fusion("5-10") is False


def test_gene_symbols_by_list_and_shape():
    assert is_gene_symbol("PIK3CA") and is_gene_symbol("SMARCA2")  # listed / by shape
    assert not is_gene_symbol("IHC") and not is_gene_symbol("D5F3")  # keyword / clone
    assert not is_gene_symbol("Case") and not is_gene_symbol("22q")


def test_list_cells_split_on_safe_separators_only():
    assert split_list_cell("22q loss; -19\n1p gain") == ["22q loss", "-19", "1p gain"]
    assert split_list_cell("H1047R, E545K and R88Q") == ["H1047R", "E545K", "R88Q"]
    assert split_list_cell("TPM3-ALK") == ["TPM3-ALK"]  # hyphen is not a separator


def test_negative_and_not_tested_are_distinct():
    assert cell_is_negative("none") and not cell_is_not_tested("none")
    assert cell_is_not_tested("not done") and not cell_is_negative("not done")
    assert cell_is_negative(0) and not cell_is_negative(3)
    assert clean_text("\ufeffA\u00a0\u200bB  C") == "A B C"
