"""The words labs write, in any case and spacing, read as they mean (issue 11).

Each table below is a sample of real report wording; Hypothesis varies case, inner
spacing and surrounding blanks, which must never change the reading.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imft_desktop.io.mapping.vocab import cell_is_negative
from imft_desktop.io.validation.copy_number import cna_event_parser_for
from imft_desktop.io.validation.values import parse_call, parse_recist

CN_WORDS = {
    "no loss": "neutral", "retained": "neutral", "normal": "neutral", "neutral": "neutral",
    "disomic": "neutral", "not deleted": "neutral", "no change": "neutral",
    "diploid": "neutral", "balanced": "neutral", "copy neutral": "neutral",
    "loss": "loss", "deleted": "loss", "heterozygous loss": "loss", "monoallelic loss": "loss",
    "gain": "gain", "trisomy": "gain", "amplified": "amplification",
    "homozygous deletion": "deep deletion", "22q loss": "loss", "loss of 22q": "loss",
    "del(22q)": "loss", "22q-": "loss", "monosomy 22": "loss", "22q deletion": "loss",
}
CALL_WORDS = {
    "pos": "positive", "positive": "positive", "neg": "negative", "negative": "negative",
    "positive (35%)": "positive", "negative, 4%": "negative", "weakly positive": "positive",
    "3+": "positive", "0": "negative", "80% 3+": "positive", "focal": "positive",
    "no rearrangement": "negative", "rearranged": "positive", "equivocal": "equivocal",
    "not done": "not tested",
}
MUTATION_NEGATIVE = ["wt", "wild type", "no mutation detected", "not mutated", "unmutated",
                     "no pathogenic variant", "negative", "none"]
RECIST_WORDS = {"PR": "PR", "partial response": "PR", "PR (confirmed)": "PR",
                "complete response": "CR", "stable disease": "SD", "progression": "PD"}


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """``word`` with random letter case, doubled inner spaces and outer blanks."""
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in word)
    spaced = cased.replace(" ", draw(st.sampled_from([" ", "  ", "\u00a0"])))
    return draw(st.sampled_from(["", " ", "\t"])) + spaced + draw(st.sampled_from(["", " "]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CN_WORDS)).flatmap(lambda w: st.tuples(st.just(w), spelled(w))))
def test_copy_number_words_in_a_region_column(pair: tuple[str, str]) -> None:
    word, cell = pair
    parsed = cna_event_parser_for("22q")(cell)
    assert parsed.value == CN_WORDS[word], (cell, parsed)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(CALL_WORDS)).flatmap(lambda w: st.tuples(st.just(w), spelled(w))))
def test_ihc_and_fish_call_words(pair: tuple[str, str]) -> None:
    word, cell = pair
    assert parse_call(cell).value == CALL_WORDS[word], cell


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MUTATION_NEGATIVE).flatmap(spelled))
def test_mutation_negative_words_are_tested_negative(cell: str) -> None:
    assert cell_is_negative(cell), cell


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(RECIST_WORDS)).flatmap(
    lambda w: st.tuples(st.just(w), spelled(w))))
def test_response_words(pair: tuple[str, str]) -> None:
    word, cell = pair
    assert parse_recist(cell).value == RECIST_WORDS[word], cell


@pytest.mark.parametrize("cell", ["19 loss", "monosomy 7", "22p loss", "7+"])
def test_a_cell_naming_another_region_is_never_counted_for_the_column(cell: str) -> None:
    parsed = cna_event_parser_for("22q")(cell)
    assert parsed.value is None
    assert [n.code for n in parsed.notes] == ["CNA_REGION_OTHER"]


def test_a_lone_dash_in_a_call_column_is_negative_with_a_warning() -> None:
    parsed = parse_call("-")
    assert parsed.value == "negative"
    assert [n.code for n in parsed.notes] == ["CALL_DASH_NEGATIVE"]
