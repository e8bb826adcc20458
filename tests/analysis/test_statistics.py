"""Frequencies with exact CIs, partners, concordance (kappa) and co-occurrence (Fisher)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from imft_desktop.analysis.alterations import alteration_matrix
from imft_desktop.analysis.concordance import assay_concordance, cohen_kappa
from imft_desktop.analysis.cooccurrence import cooccurrence, fisher_exact_many
from imft_desktop.analysis.frequencies import frequency_table
from imft_desktop.analysis.partners import fusion_partners
from imft_desktop.analysis.proportions import clopper_pearson
from imft_desktop.model.cohort import Cohort


@pytest.mark.parametrize("k, n", [(0, 5), (1, 1), (14, 24), (11, 21), (13, 23), (2, 22),
                                  (8, 12), (5, 5)])
def test_clopper_pearson_equals_binomtest(k, n):
    lo, hi = clopper_pearson(np.array([k]), np.array([n]))
    ci = stats.binomtest(k, n).proportion_ci(method="exact")
    assert lo[0] == pytest.approx(ci.low, abs=1e-12)
    assert hi[0] == pytest.approx(ci.high, abs=1e-12)


def test_orr_example_from_the_clinical_update():
    # ALK+ ORR 8/12, exact 95% CI 34.9-90.1 (Eur J Cancer 2021).
    lo, hi = clopper_pearson(np.array([8]), np.array([12]))
    assert (round(100 * lo[0], 1), round(100 * hi[0], 1)) == (34.9, 90.1)


def test_frequency_table_rows_and_methods(cohort):
    t = frequency_table(cohort)
    df = t.to_frame().set_index("label")
    assert df.loc["ALK IHC positive (ALK1)", ["altered", "tested"]].tolist() == [3, 6]
    assert df.loc["ALK IHC positive (ALK1)", "percent"] == pytest.approx(50.0)
    assert df.loc["22q loss", "ci_low"] == pytest.approx(14.663, abs=1e-3)
    assert "Clopper-Pearson" in t.methods
    assert t.n == 8
    rec = t.to_dict()["alterations"][0]
    assert set(rec) >= {"label", "gene", "kind", "altered", "tested", "percent", "ci95"}


def test_frequency_table_grouped_by_clinical_and_alteration(cohort):
    t = frequency_table(cohort, group_by="Best_Response")
    assert t.group_by == "best_response"
    assert t.groups == ["CR", "PR", "SD", "PD", "NE"]
    df = t.to_frame()
    pr = df.loc[(df["label"] == "22q loss") & (df["group"] == "PR")].iloc[0]
    assert (pr["altered"], pr["tested"]) == (2, 2)
    cr = df.loc[(df["label"] == "22q loss") & (df["group"] == "CR")].iloc[0]
    assert cr["tested"] == 0 and math.isnan(cr["percent"])  # S6 not CN-tested
    by_alt = frequency_table(cohort, group_by="22q").to_frame()
    assert set(by_alt["group"]) == {"altered", "not altered", "not tested"}
    with pytest.raises(KeyError, match="neither a clinical column"):
        frequency_table(cohort, group_by="no such thing")


def test_fusion_partners(cohort):
    p = fusion_partners(cohort)
    assert p.counts == {"ALK": {"RANBP2": 1, "TPM3": 1, "partner unknown": 1},
                        "NTRK3": {"ETV6": 1}}
    assert p.orientation["ALK"]["TPM3"] == "5'"
    assert p.n_partners("ALK") == 2
    assert p.tested_n == 6
    assert p.driver_samples == {"ALK": 3, "NTRK3": 1}
    assert p.to_frame()["n_samples"].sum() == 4


def test_cohen_kappa_textbook_example():
    # 50 items, two raters: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.70, pe 0.50.
    kappa, lo, hi, se = cohen_kappa([[20, 5], [10, 15]])
    assert kappa == pytest.approx(0.4)
    assert se == pytest.approx(math.sqrt(0.7 * 0.3 / (50 * 0.25)))
    assert (lo, hi) == pytest.approx((0.4 - 1.959964 * se, 0.4 + 1.959964 * se), abs=1e-6)
    assert math.isnan(cohen_kappa([[5, 0], [0, 0]])[0])  # one category only


def test_assay_concordance(cohort):
    r = assay_concordance(cohort, "ALK", ("IHC", "FISH", "sequencing"), reference="sequencing")
    assert r.tested == {"IHC": 5, "FISH": 4, "sequencing": 6}  # equivocal/not evaluable out
    ihc_fish = r.pair("IHC", "FISH")
    assert ihc_fish.table == [[2, 1], [0, 1]] and ihc_fish.n == 4
    assert ihc_fish.discordant == ["S6"]
    assert ihc_fish.kappa == pytest.approx(0.5)
    fish = next(a for a in r.accuracy if a.assay == "FISH")
    assert (fish.tp, fish.fn, fish.fp, fish.tn) == (2, 1, 0, 1)
    assert fish.sensitivity == pytest.approx(2 / 3)
    lo, hi = clopper_pearson(np.array([2]), np.array([3]))
    assert fish.sensitivity_ci == pytest.approx((lo[0], hi[0]))
    assert r.all_tested_n == 4
    assert r.discordant["sample_id"].tolist() == ["S6"]
    assert any("equivocal" in w for w in r.warnings)
    d = r.to_dict()
    assert d["pairs"][0]["kappa_ci95"][1] == 1.0
    one_clone = assay_concordance(cohort, "ALK", ("IHC:D5F3", "sequencing"))
    assert one_clone.tested["IHC:D5F3"] == 2
    with pytest.raises(ValueError):
        assay_concordance(cohort, "ALK", ("IHC",))


@pytest.mark.parametrize(
    "table, p",
    [
        ([[3, 1], [1, 3]], 0.4857142857142857),  # Fisher's tea-tasting experiment
        ([[8, 2], [1, 5]], 0.034965034965034975),  # scipy documentation example
        ([[1, 9], [11, 3]], 0.002759456185220088),  # a strong mutual exclusivity
    ],
)
def test_fisher_known_values(table, p):
    _odds, pv = fisher_exact_many(*[np.array([x]) for x in np.ravel(table)])
    assert pv[0] == pytest.approx(p, rel=1e-9)
    assert pv[0] == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9)


def test_vectorised_fisher_matches_scipy_on_many_tables():
    rng = np.random.default_rng(7)
    tables = np.vstack([rng.integers(0, hi, (150, 4)) for hi in (4, 12, 60, 2000)])
    sym = np.array([[a, b, b, a] for a in range(5) for b in range(5)])
    tables = np.vstack([tables, sym, [[0, 0, 0, 0], [0, 4, 0, 3], [5, 0, 0, 5]]])
    odds, p = fisher_exact_many(*tables.T)
    for k, t in enumerate(tables):
        ref = stats.fisher_exact(t.reshape(2, 2))
        assert p[k] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300), t
        if np.isnan(ref.statistic):
            assert np.isnan(odds[k])
        else:
            assert odds[k] == pytest.approx(ref.statistic)


def _binary_cohort(columns: dict[str, list[float]]) -> Cohort:
    """A cohort whose CN calls give exactly the given 1/0/NaN columns (by arm)."""
    n = len(next(iter(columns.values())))
    ids = [f"X{i:02d}" for i in range(n)]
    tested = [i for i in range(n) if not all(np.isnan(c[i]) for c in columns.values())]
    calls = [
        {"sample_id": ids[i], "region": region, "event": "loss"}
        for region, col in columns.items() for i in range(n) if col[i] == 1.0
    ]
    return Cohort.from_tables({
        "samples": pd.DataFrame({"sample_id": ids, "patient_id": ids}),
        "sequencing": pd.DataFrame({"sample_id": [ids[i] for i in tested], "assay": "WGS",
                                    "status": "done"}),
        "cn_calls": pd.DataFrame(calls),
    })


def test_cooccurrence_counts_p_and_q():
    a = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, np.nan, np.nan]
    b = [1, 1, 1, 0, 0, 0, 0, 0, 1, 0, np.nan, np.nan]
    c = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, np.nan, np.nan]
    m = alteration_matrix(_binary_cohort({"3p": a, "5q": b, "11q": c}))
    df = cooccurrence(m, min_altered=2)

    def pair(x, y):
        hit = df.loc[((df["a"] == x) & (df["b"] == y)) | ((df["a"] == y) & (df["b"] == x))]
        return hit.iloc[0]

    row = pair("3p loss", "5q loss")
    assert (row["both"], row["a_only"], row["b_only"], row["neither"], row["n"]) == (
        3, 1, 1, 5, 10)
    assert row["p"] == pytest.approx(stats.fisher_exact([[3, 1], [1, 5]]).pvalue)
    assert row["tendency"] == "co-occurrence"
    ex = pair("3p loss", "11q loss")
    assert ex["tendency"] == "mutual exclusivity" and ex["odds_ratio"] == 0
    assert df["q"].tolist() == pytest.approx(
        stats.false_discovery_control(df["p"].to_numpy(), method="bh").tolist())
    assert set(df["test"]) == {"Fisher's exact test"} and set(df["sidedness"]) == {"two-sided"}
    assert "Benjamini-Hochberg" in df.attrs["method"]


def test_cooccurrence_skips_nested_labels(cohort):
    df = cooccurrence(alteration_matrix(cohort), min_altered=1, max_labels=None)
    pairs = {frozenset((a, b)) for a, b in zip(df["a"], df["b"])}
    assert frozenset(("ALK fusion", "TPM3::ALK")) not in pairs
    assert frozenset(("ALK fusion", "ALK IHC positive (ALK1)")) not in pairs
    assert frozenset(("19q loss", "monosomy 19")) not in pairs
    assert frozenset(("22q loss", "ALK fusion")) in pairs
