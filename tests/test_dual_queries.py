"""The Dual perspective page's counts in the store agree with the same numbers worked out from every pair.

The page no longer fetches `wai_pairs` (one row per pair); `wai_pair_points`, `wai_pairs_summary`
and the intervals of `dual_perspective` count them in DuckDB instead. Here, on the sample store,
each is checked against pandas over the `wai_pairs` rows, as the page computed them before.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alliance import queries
from alliance.charts.dual import create_wai_pairs_scatter
from alliance.store import open_reader
from tests.references import discrepancy_intervals, wai_pair_points
from tests.test_charts import plain

# The whole store, and a period that cuts it (the sample's sessions run over several years).
PERIODS = ({}, {"start": dt.date(2024, 3, 1), "end": dt.date(2024, 9, 30)})


@pytest.fixture(scope="module")
def con(sample_home):
    connection = open_reader(sample_home)
    yield connection
    connection.close()


def pairs_of(con, period: dict) -> pd.DataFrame:
    pairs = queries.run(con, "wai_pairs", period)
    assert len(pairs) > 50, "the sample store has pairs in the period"
    return pairs


@pytest.mark.parametrize("period", PERIODS)
def test_wai_pair_points_count_every_pair_once(con, period):
    pairs = pairs_of(con, period)
    points = queries.run(con, "wai_pair_points", period)
    assert list(points.columns) == ["clinic", "client_wai", "therapist_wai", "n_pairs"]
    # Summed per clinic, the points hold exactly the clinic's pairs.
    assert points.groupby("clinic")["n_pairs"].sum().to_dict() == pairs.groupby("clinic").size().to_dict()
    # And they are the pandas count of the pairs by clinic and the two means (4 decimals), in that order.
    expected = wai_pair_points(pairs)
    assert len(points) < len(pairs), "pairs with the same means are one point"
    assert points.to_dict("records") == expected.to_dict("records")
    assert points[["client_wai", "therapist_wai"]].dtypes.eq("float64").all()


@pytest.mark.parametrize("period", PERIODS)
def test_the_scatter_of_the_points_is_the_scatter_of_the_pairs(con, period):
    pairs = pairs_of(con, period)
    points = queries.run(con, "wai_pair_points", period)
    colors = {"Havbris DPS": "#009E73", "Fjordklinikken": "#56B4E9"}
    from_pairs = plain(create_wai_pairs_scatter(wai_pair_points(pairs), colors=colors))
    assert plain(create_wai_pairs_scatter(points, colors=colors)) == from_pairs


@pytest.mark.parametrize("period", PERIODS)
def test_wai_pairs_summary_is_the_pandas_count_of_the_pairs(con, period):
    pairs = pairs_of(con, period)
    summary = queries.run(con, "wai_pairs_summary", period)
    assert len(summary) == 1
    row = summary.iloc[0]
    difference = pairs["client_wai"] - pairs["therapist_wai"]
    assert row["n_pairs"] == len(pairs)
    assert row["n_clients"] == len(pairs[["clinic", "client_id"]].drop_duplicates())
    assert row["n_therapists"] == len(pairs[["clinic", "therapist_id"]].drop_duplicates())
    # Computed as the page computed them before, to the last bit, so the rounded caption cannot differ.
    assert row["pct_client_higher"] == 100 * (difference > 0).mean()
    assert row["pct_therapist_higher"] == 100 * (difference < 0).mean()
    assert 0 < row["pct_therapist_higher"] < row["pct_client_higher"] < 100  # planted: clients rate higher


@pytest.mark.parametrize("period", PERIODS)
def test_dual_perspective_intervals_are_the_discrepancy_intervals_of_the_pairs(con, period):
    pairs = pairs_of(con, period)
    by_therapist = queries.run(con, "dual_perspective", period).set_index(["clinic", "therapist_id"])
    expected = discrepancy_intervals(pairs).set_index(["clinic", "therapist_id"])
    assert sorted(by_therapist.index) == sorted(expected.index), "one row per therapist with a pair"
    expected = expected.loc[by_therapist.index]
    assert (by_therapist["n_pairs"] == expected["n"]).all()
    for column in ("ci_low", "ci_high"):
        got, want = by_therapist[column].astype(float), expected[column].astype(float)
        # Empty exactly where discrepancy_intervals is: under 2 clients.
        assert (got.isna() == want.isna()).all(), column
        assert (got.isna() == (by_therapist["n_clients"] < 2)).all(), column
        both = got.notna()
        assert both.any()
        # Rounded to 2 decimals on both sides; a rounding tie may fall either way.
        assert np.abs(got[both] - want[both]).max() <= 0.011, column
    inside = by_therapist.dropna(subset=["ci_low"])
    assert ((inside["ci_low"] <= inside["mean_discrepancy"]) & (inside["mean_discrepancy"] <= inside["ci_high"])).all()
