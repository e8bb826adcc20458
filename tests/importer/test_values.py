"""Value parsers: each raw spelling -> normalised value and the codes it raises."""

from __future__ import annotations

from datetime import datetime

import pytest

from imft_desktop.io.validation import values as v
from imft_desktop.io.validation.codes import RULES, compact_rows, make
from imft_desktop.model.fusion import Fusion
from imft_desktop.model.vocab import Level


def codes_of(p: v.Parsed) -> list[str]:
    return [n.code for n in p.notes]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ETV6::NTRK3", "ETV6::NTRK3"),
        ("ETV6-NTRK3", "ETV6::NTRK3"),
        ("ETV6/NTRK3", "ETV6::NTRK3"),
        ("ETV6–NTRK3", "ETV6::NTRK3"),  # en dash
        ("ETV6 NTRK3", "ETV6::NTRK3"),
        ("TPM3-ALK", "TPM3::ALK"),
        ("CARS-ALK", "CARS1::ALK"),
        ("NKX2-1-ALK", "NKX2-1::ALK"),  # unambiguous with a known hyphenated symbol
        ("tpm3::alk fusion", "TPM3::ALK"),
    ],
)
def test_fusion_notations_normalise_to_hgnc(raw: str, expected: str) -> None:
    p = v.parse_fusion(raw)
    assert p.value == expected
    assert not p.is_error
    assert dict(p.extra)["gene_5"] == expected.split("::")[0]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("ALK rearranged", "?::ALK"), ("ALK break-apart positive (45%)", "?::ALK"),
     ("ALK rearrangement", "?::ALK"), ("?::ALK", "?::ALK"), ("ALK::?", "ALK::?"),
     ("EWSR1 rearranged", "EWSR1::?")],
)
def test_partner_unknown_is_never_invented(raw: str, value: str) -> None:
    p = v.parse_fusion(raw)
    assert p.value == value
    extra = dict(p.extra)
    assert extra["partner_unknown"] is True
    assert None in (extra["gene_5"], extra["gene_3"])
    assert codes_of(p) == ["FUSION_PARTNER_UNKNOWN"]
    assert Fusion.parse(p.value).partner is None  # readable by the model


def test_ihc_marker_names_that_are_not_genes() -> None:
    assert v.parse_marker("pan-TRK").value == "pan-TRK"
    assert v.parse_marker("pan-trk").value == "pan-TRK"
    assert v.parse_marker("alk").value == "ALK"


@pytest.mark.parametrize("raw", ["FOO-1-ALK", "AB-1-CD-2"])
def test_hyphen_split_ambiguous_is_error(raw: str) -> None:
    p = v.parse_fusion(raw)
    assert p.value is None
    assert codes_of(p) == ["FUSION_AMBIGUOUS_SPLIT"]


@pytest.mark.parametrize(
    "raw", ["H1047R", "p.H1047R", "p.His1047Arg", "c.3140A>G (p.H1047R)", "PIK3CA H1047R"]
)
def test_protein_changes_are_one_variant(raw: str) -> None:
    assert v.parse_protein(raw).value == "p.H1047R"


@pytest.mark.parametrize("raw", ["E545K; H1047R", "p.E545K,p.H1047R", "E545K H1047R"])
def test_several_variants_in_one_cell_is_error(raw: str) -> None:
    assert codes_of(v.parse_protein(raw)) == ["PROTEIN_MULTIPLE"]


@pytest.mark.parametrize(
    ("raw", "region", "kind", "event"),
    [
        ("22q loss", "22q", "arm", "loss"),
        ("-22q", "22q", "arm", "loss"),
        ("del(22q)", "22q", "arm", "loss"),
        ("monosomy 19", "19", "chromosome", "loss"),
        ("-19", "19", "chromosome", "loss"),
        ("+7", "7", "chromosome", "gain"),
        ("trisomy 7", "7", "chromosome", "gain"),
        ("CDKN2A homdel", "CDKN2A", "gene", "deep deletion"),
        ("9p21.3 loss", "9p21.3", "focal", "loss"),
        ("MDM2 amp", "MDM2", "gene", "amplification"),
    ],
)
def test_cna_notation_zoo(raw: str, region: str, kind: str, event: str) -> None:
    p = v.parse_region(raw)
    assert p.value == region
    extra = dict(p.extra)
    assert extra["region_kind"] == kind
    assert extra["region_event"] == event


@pytest.mark.parametrize("raw", ["23q loss", "22r", "chr25", "1p/19q codeletion"])
def test_impossible_regions_are_errors(raw: str) -> None:
    assert codes_of(v.parse_region(raw)) == ["CNA_INVALID_REGION"]


def test_region_number_keeps_no_sign() -> None:
    p = v.parse_region(7)
    assert p.value == "7" and dict(p.extra)["region_numeric"] is True
    assert dict(v.parse_region(-19).extra)["region_event"] == "loss"


@pytest.mark.parametrize(
    ("raw", "value", "qualifier"),
    [("<1%", 1.0, "<"), (">50", 50.0, ">"), ("~30%", 30.0, "~"), ("5-10%", 7.5, "5-10"),
     ("≥ 20%", 20.0, ">=")],
)
def test_qualified_numbers_are_structured(raw: str, value: float, qualifier: str) -> None:
    p = v.parse_number(raw, v.NumberRules(lo=0, hi=100, percent=True))
    assert p.value == value
    assert dict(p.extra)["qualifier"] == qualifier
    assert codes_of(p) == ["NUMBER_RANGE" if "-" in raw else "NUMBER_QUALIFIED"]


@pytest.mark.parametrize(
    ("raw", "months"), [("12 mo", 12.0), ("365 d", 365 / 30.4375), ("2 years", 24.0)]
)
def test_units_in_values_are_converted(raw: str, months: float) -> None:
    p = v.parse_number(raw, v.NumberRules(unit="months"))
    assert p.value == pytest.approx(months, rel=1e-6)
    assert codes_of(p) == ["UNIT_CONVERTED"]


def test_unknown_unit_is_error() -> None:
    assert codes_of(v.parse_number("12 kg", v.NumberRules(unit="months"))) == ["UNIT_UNKNOWN"]


def test_decimal_comma_error_unless_declared() -> None:
    assert codes_of(v.parse_number("7,5")) == ["NUMBER_DECIMAL_COMMA"]
    assert codes_of(v.parse_number("1,234")) == ["NUMBER_DECIMAL_COMMA"]
    assert v.parse_number("7,5", v.NumberRules(decimal_comma=True)).value == 7.5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("TRUE", True), ("yes", True), ("ja", True), ("pos", True), ("x", True), ("1", True),
     ("no", False), ("0", False), (True, True)],
)
def test_boolean_variants(raw: object, expected: bool) -> None:
    assert v.parse_bool(raw).value is expected


def test_boolean_unknown_is_error() -> None:
    assert codes_of(v.parse_bool("perhaps")) == ["BOOL_INVALID"]


@pytest.mark.parametrize(
    ("raw", "value", "missing"),
    [("NA", None, "unknown"), ("n/a", None, "unknown"), ("-", None, "unknown"),
     ("pending", None, "pending"), ("[Not Available]", None, "unknown")],
)
def test_missing_tokens_are_explicit(raw: str, value: object, missing: str) -> None:
    p = v.parse_number(raw)
    assert p.value is value and p.missing == missing
    assert codes_of(p) == ["VALUE_MISSING_TOKEN"]


def test_not_done_on_an_assay_is_not_tested_never_negative() -> None:
    p = v.parse_call("not done")
    assert p.value == "not tested"
    assert codes_of(p) == ["CALL_NOT_DONE"]
    assert v.parse_call(None).value == "not tested"
    assert v.parse_call("neg").value == "negative"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Complete response", "CR"), ("uPR", "PR"), ("PD (clinical)", "PD"), ("n.e.", "NE"),
     ("SD>6m", "SD"), ("pr", "PR")],
)
def test_recist_variants(raw: str, value: str) -> None:
    p = v.parse_recist(raw)
    assert p.value == value
    assert codes_of(p) == ["RECIST_NORMALISED"]


def test_recist_unknown_is_error() -> None:
    assert codes_of(v.parse_recist("mixed response")) == ["RECIST_UNKNOWN"]


@pytest.mark.parametrize(("raw", "value"), [("3+", "3+"), (2, "2+"), ("strong", "3+"),
                                            ("2+ (weak)", "2+"), ("0", "0")])
def test_intensity(raw: object, value: str) -> None:
    assert v.parse_intensity(raw).value == value


def test_intensity_4_plus_out_of_range() -> None:
    assert codes_of(v.parse_intensity("4+")) == ["VALUE_OUT_OF_RANGE"]


@pytest.mark.parametrize(
    ("raw", "hint"),
    [(datetime(2026, 9, 2), "SEPT2 (now SEPTIN2)"), ("9-Sep", "SEPT9 (now SEPTIN9)"),
     (datetime(2026, 3, 1), "MARCH1 (now MARCHF1)"), ("Mar-1", "MARCH1 (now MARCHF1)")],
)
def test_gene_converted_to_date_is_error_with_hint(raw: object, hint: str) -> None:
    p = v.parse_gene(raw)
    assert p.value is None
    assert codes_of(p) == ["GENE_AS_DATE"]
    assert p.notes[0].detail == hint


def test_gene_as_float_is_error() -> None:
    assert codes_of(v.parse_gene(2.31e19)) == ["GENE_AS_NUMBER"]


@pytest.mark.parametrize(
    ("raw", "value", "code"),
    [("CARS", "CARS1", "GENE_OUTDATED"), ("SEPT9", "SEPTIN9", "GENE_OUTDATED"),
     ("pik3ca", "PIK3CA", "GENE_CASE_NORMALISED"), ("C11orf95", "ZFTA", "GENE_OUTDATED")],
)
def test_outdated_and_lower_case_symbols(raw: str, value: str, code: str) -> None:
    p = v.parse_gene(raw)
    assert p.value == value
    assert code in codes_of(p)
    assert not p.is_error


def test_look_alike_unicode_is_normalised_and_recorded() -> None:
    p = v.parse_gene("АLK")  # Cyrillic A
    assert p.value == "ALK"
    assert codes_of(p) == ["UNICODE_NORMALISED"]
    assert v.parse_gene("ＥＧＦＲ").value == "EGFR"  # full-width


def test_ids() -> None:
    assert v.parse_id("IMT-01").value == "IMT-01"
    assert codes_of(v.parse_id("S1\u200b")) == ["ID_NORMALISED"]
    assert codes_of(v.parse_id("S1\nS2")) == ["ID_CONTROL_CHAR"]
    assert codes_of(v.parse_id(1e5 + 0.5)) == ["ID_NUMBER_PRECISION"]
    assert codes_of(v.parse_id(12345678901234567)) == ["ID_NUMBER_PRECISION"]
    assert v.parse_id(123).value == "123"
    shown = v.parse_id(v.DisplayedNumber(123, "00123", "00000"))
    assert shown.value == "00123" and codes_of(shown) == ["ID_FROM_DISPLAY_TEXT"]
    assert codes_of(v.parse_id(v.DisplayedNumber(100000.0, "1.00E+05", "0.00E+00"))) == [
        "ID_NUMBER_PRECISION"
    ]
    assert codes_of(v.parse_id("TEST-PAT1*SAMPLE6")) == ["ID_ODD_CHARACTERS"]
    assert codes_of(v.parse_id("=S3")) == ["ID_ODD_CHARACTERS"]


def test_event_tokens() -> None:
    assert v.event_token("1:PROGRESSED")[0] == 1
    assert v.event_token(0) == (0, None, None)
    assert v.event_token("yes")[1] == "yes"


def test_every_rule_renders_without_missing_fields() -> None:
    for code, rule in RULES.items():
        f = make(code, sheet="S", row=3, column="B", header="H", value="x", normalised="y",
                 detail="d", first_row=2, rows="rows 2 and 4")
        assert "{" not in f.message, code
        assert f.level is rule.level
        assert isinstance(f.level, Level)


def test_compact_rows() -> None:
    assert compact_rows([4, 9, 12, 13, 14, 40]) == "4, 9, 12-14, 40"


def test_small_vocabularies() -> None:
    assert v.parse_sex("F").value == "female"
    assert codes_of(v.parse_sex("F")) == ["VOCAB_NORMALISED"]
    assert v.parse_sex("diverse").value == "diverse"  # kept as written
    assert v.parse_assembly("GRCh38").value == "hg38"
    assert codes_of(v.parse_assembly("hg18")) == ["VOCAB_UNKNOWN"]


# ---------------------------------------------------------------- descriptions in call cells
@pytest.mark.parametrize(
    ("raw", "call", "code"),
    [
        ("3+", "positive", "CALL_FROM_INTENSITY"),
        ("2+ (weak)", "positive", "CALL_FROM_INTENSITY"),
        ("0", "negative", None),  # plain vocabulary
        ("<1%", "negative", "CALL_FROM_DESCRIPTION"),
        ("5-10%", "positive", "CALL_FROM_DESCRIPTION"),
        ("focal", "positive", "CALL_FROM_DESCRIPTION"),
        ("weak granular staining", "positive", "CALL_FROM_DESCRIPTION"),
    ],
)
def test_call_cells_with_intensity_percent_or_pattern(raw, call, code):
    from imft_desktop.io.validation.values import parse_call

    parsed = parse_call(raw)
    assert parsed.value == call
    assert [n.code for n in parsed.notes][:1] == ([code] if code else ["VOCAB_NORMALISED"])


def test_karyotype_shorthand_in_a_region_column():
    from imft_desktop.io.validation.values import parse_cna_event

    assert parse_cna_event("-19").value == "loss"
    assert parse_cna_event("+7").value == "gain"
    assert parse_cna_event("-22q").notes[0].code == "CNA_KARYOTYPE_SHORTHAND"
    assert parse_cna_event("?19").is_error


def test_mutated_without_protein_change_keeps_the_gene():
    from imft_desktop.io.validation.values import parse_protein

    parsed = parse_protein("mut")
    assert parsed.value is None and not parsed.is_error
    assert parsed.notes[0].code == "PROTEIN_NOT_GIVEN"
    assert parse_protein("p.H1047R").value == "p.H1047R"


def test_plain_ids_agree_with_parse_id():
    from imft_desktop.io.validation.values import Parsed, parse_id, plain_ids

    texts = ["IMT-01", "imt_2", "S.3", "NA", "na", "None", "unknown", " IMT-4", "IMT 5",
             "IMT-6 ", "-7", "İMT-8", "IMT‐9", "", "x", "UNK", "10", "a\tb", "Ünal-1"]
    texts += [f"S{i:05d}" for i in range(200)]
    plain, rest = plain_ids(texts)
    assert sorted(plain + rest) == sorted(texts)
    for t in plain:
        assert parse_id(t) == Parsed(t), t
    # left for parse_id itself: missing tokens, spaces, look-alike characters, blanks
    assert {"NA", "na", "None", "unknown", "UNK", " IMT-4", "IMT-6 ", "IMT‐9", ""} <= set(rest)
    assert plain_ids(["a\nb", "c"]) == ([], ["a\nb", "c"])
    assert plain_ids([]) == ([], [])


def test_shared_id_memo_gives_the_same_findings_as_parsing_each_cell():
    from imft_desktop.io.validation.value_memo import ValueMemo
    from imft_desktop.io.validation.values import parse_id

    cells = [f"S{i}" for i in range(300)] + ["NA", " S1", "S 2", None, 7, 7.0]
    memo = ValueMemo(parse_id)
    memo.learn(dict.fromkeys(cells))
    memo.learn(dict.fromkeys(cells[:10] + ["S-new"]))
    for cell in [*cells, "S-new"]:
        expected = parse_id(cell)
        assert memo.value[cell] == expected.value
        assert (cell in memo.special) == bool(
            expected.notes or expected.value is None or expected.missing)
        if cell in memo.special:
            assert memo.parsed[cell] == expected
