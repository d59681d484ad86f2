"""flag_validation: how the flags foretold the outcome of closed treatments, counted on a hand-made store."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from alliance.validation import wilson
from tests.test_caseload import background
from tests.test_queries import build, client_course, run


def test_wilson_interval_equals_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in ((0, 10), (3, 10), (10, 10), (144, 491), (1, 1)):
        low, high = wilson(k, n)
        want = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert low == pytest.approx(want[0], abs=1e-12) and high == pytest.approx(want[1], abs=1e-12)
    low, high = wilson(0, 0)
    assert np.isnan(low) and np.isnan(high)


@pytest.fixture(scope="module")
def closed_store(tmp_path_factory):
    rows, forms = background()  # 30 treatments in January that improve by 8 or more: closed, no flag
    courses = {
        "K_worse": ([38, 38, 38, 38], [30, 24, 23, 24]),  # deteriorated at its second ORS, ends 6 down: poor
        "K_flat": ([38, 38, 38, 38], [20, 21, 22, 23]),   # ends 3 up: no reliable improvement, never flagged
        "K_silent": ([38, None, None, None, 38], [20, 22, 24, 26, 30]),  # feedback stopped, then improved
        "K_short": ([38, 38], [20, 14]),                 # two ORS only: not judged
        "K_final": ([38, 38, 38], [20, 22, 14]),         # worse only at its final ORS: poor, not foretold
    }
    for client, (scores, ors) in courses.items():
        s, f = client_course(client, scores, first_number=8, ors=ors)
        rows += s
        forms += f
    # A treatment still running in June makes January's treatments closed (8 weeks before its last session).
    s, f = client_course("K_open", [38, 38, 38], first_number=8, ors=[20, 10, 5], start=dt.date(2024, 6, 3))
    return build(tmp_path_factory.mktemp("validation"), rows + s, forms + f)


def test_each_flag_is_counted_against_the_outcome_of_closed_treatments(closed_store):
    got = {r["flag"]: r for r in run(closed_store, "flag_validation")}
    assert list(got) == ["deteriorated", "not_on_track", "rupture_flag", "low_alliance", "large_discrepancy",
                         "no_recent_feedback", "ceiling", "any"]
    # 30 + K_worse, K_flat, K_silent, K_final closed with 3 or more ORS; K_short has two, K_open is still running.
    assert {r["n_closed"] for r in got.values()} == {34}
    assert {r["n_poor"] for r in got.values()} == {3}  # K_worse, K_flat, K_final
    worse = got["deteriorated"]
    # K_worse was flagged at its second ORS, before the final; K_final's fall is its final ORS itself.
    assert (worse["n_flagged"], worse["n_flagged_poor"]) == (1, 1)
    assert worse["sensitivity"] == round(1 / 3, 3) and worse["ppv"] == 1.0 and worse["share_flagged"] == round(1 / 34, 3)
    silent = got["no_recent_feedback"]
    assert (silent["n_flagged"], silent["n_flagged_poor"]) == (1, 0) and silent["ppv"] == 0.0
    anything = got["any"]
    assert anything["n_flagged"] >= 2 and anything["n_flagged_poor"] >= 1
    low, high = wilson(1, 3)
    assert (worse["sensitivity_low"], worse["sensitivity_high"]) == (round(float(low), 3), round(float(high), 3))
    assert got["large_discrepancy"]["n_flagged"] == 0 and np.isnan(got["large_discrepancy"]["ppv"] or np.nan)
