"""The screen's medians (product-limit only, no lifelines) are kaplan_meier's medians."""

from __future__ import annotations

import numpy as np
import pytest

from imft_desktop.analysis.groupings import (
    alteration_grouping,
    resolve_endpoint,
    survival_data,
)
from imft_desktop.analysis.screen import alteration_screen, km_median
from imft_desktop.analysis.survival import kaplan_meier, km_group


@pytest.fixture(scope="module")
def demo_cohort():
    from imft_desktop.synthetic import build_demo_cohort

    return build_demo_cohort().cohort()


def test_screen_medians_equal_kaplan_meier(demo_cohort):
    cohort = demo_cohort
    endpoint = resolve_endpoint("PFS")
    screen = alteration_screen(cohort, endpoint)
    assert len(screen.rows) > 20
    for r in screen.rows:
        data = survival_data(cohort, endpoint, alteration_grouping(cohort, r.alteration))
        g_not, g_alt = kaplan_meier(data).groups
        assert (r.median_altered, r.median_not_altered) == (g_alt.median, g_not.median)
        assert (r.events_altered, r.events_not_altered) == (g_alt.events, g_not.events)


@pytest.mark.parametrize("seed", range(40))
def test_km_median_matches_km_group_on_ties_and_flat_halves(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 16))
    time = rng.integers(0, 6, n).astype(float)      # many ties, times at 0
    event = rng.integers(0, 2, n)
    assert km_median(time, event) == km_group(time, event, "g").median
    even = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 1, 1, 1])  # S = 0.5 over [2, 3)
    assert km_median(*even) == km_group(*even, "g").median == 2.5
    assert km_median(np.array([]), np.array([])) is None


def test_counted_skips_say_what_the_grouping_would(demo_cohort):
    """Alterations left out for too few tested/altered patients are found from the
    status matrix's counts; the reasons are those the attached grouping gives."""
    from imft_desktop.analysis.groupings import _binary_grouping, attach_grouping, endpoint_rows
    from imft_desktop.analysis.screen import status_matrix

    endpoint = resolve_endpoint("PFS")
    screen = alteration_screen(demo_cohort, endpoint)
    rows_base, _ = endpoint_rows(demo_cohort, endpoint)
    status = status_matrix(demo_cohort).reindex(rows_base.index.astype(str))
    expected = {}
    for label in status.columns:
        g = _binary_grouping(str(label), "alteration", status[label].astype(float), "")
        data = attach_grouping(rows_base, [], endpoint, g)
        counts = data.frame["group"].value_counts()
        n_alt, n_not = int(counts.get(g.levels[1], 0)), int(counts.get(g.levels[0], 0))
        if data.n < screen.min_tested:
            expected[str(label)] = (f"{data.n} tested with a valid endpoint "
                                    f"(< {screen.min_tested})")
        elif min(n_alt, n_not) < screen.min_altered:
            expected[str(label)] = (f"{n_alt} altered / {n_not} not altered "
                                    f"(each needs >= {screen.min_altered})")
    assert len(expected) > 50
    assert screen.skipped == expected
