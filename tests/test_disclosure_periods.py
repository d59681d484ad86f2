"""Peer figures count whole calendar months, and no two periods a viewer can ask for reveal a small cell (issue 18, item 9).

Before, a supervisor could compare two periods a day apart and read one session of another clinic
from the difference. Now a period is widened to whole months for any figure that draws on peer
clinics, and a cell is hidden when its first or last month alone rests on 1 to 4 peer clients, so
the difference between any two periods rests on at least suppress_below peer clients.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from alliance import disclosure, queries, store
from alliance.scope import Scope
from alliance.settings import DEFAULTS

HB, FJ = "Havbris DPS", "Fjordklinikken"
SUPERVISOR = Scope(clinics=(HB,), peers=(FJ,))  # sees Fjordklinikken only as suppressed aggregates
BELOW = DEFAULTS["suppress_below"]
# Month-aligned periods over the sample's two years: several starts and ends, nested, overlapping and apart.
STARTS = [dt.date(2024, m, 1) for m in (1, 3, 6, 9)] + [dt.date(2025, m, 1) for m in (1, 4, 7)]
ENDS = [disclosure.month_period(None, dt.date(y, m, 1))[1] for y, m in
        ((2024, 5), (2024, 8), (2024, 12), (2025, 2), (2025, 6), (2025, 9), (2025, 12))]
PERIODS = [(a, b) for a in STARTS for b in ENDS if a <= b]


@pytest.fixture(scope="module")
def con(sample_home):
    connection = store.open_reader(sample_home)
    yield connection
    connection.close()


def test_month_period_and_its_edges():
    assert disclosure.month_period(dt.date(2024, 3, 17), dt.date(2024, 2, 29)) == (dt.date(2024, 3, 1),
                                                                                   dt.date(2024, 2, 29))
    assert disclosure.month_period(dt.date(2024, 12, 31), dt.date(2024, 12, 1)) == (dt.date(2024, 12, 1),
                                                                                    dt.date(2024, 12, 31))
    assert disclosure.month_period(None, None) == (None, None)
    assert disclosure.months_of(dt.date(2024, 5, 1), dt.date(2024, 5, 31)) == [
        (dt.date(2024, 5, 1), dt.date(2024, 5, 31))]
    assert disclosure.months_of(dt.date(2024, 11, 1), dt.date(2025, 1, 31)) == [
        (dt.date(2024, 11, 1), dt.date(2024, 11, 30)), (dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31))]


@pytest.mark.parametrize("name, params", [("alliance_development", {"group": "clinic"}),
                                          ("outcome_summary", {"group": "site"}),
                                          ("profiles", {"level": "site"})])
def test_two_periods_a_day_apart_show_the_same_peer_figures(con, name, params):
    one = queries.run(con, name, {**params, "start": dt.date(2024, 3, 1), "end": dt.date(2024, 8, 31)}, SUPERVISOR)
    other = queries.run(con, name, {**params, "start": dt.date(2024, 3, 2), "end": dt.date(2024, 8, 30)}, SUPERVISOR)
    assert len(one)
    assert_frame_equal(one, other)
    # The viewer's own figures (no peers) keep the exact days.
    own = Scope(clinics=(HB,), peers=())
    exact = queries.run(con, name, {**params, "start": dt.date(2024, 3, 2), "end": dt.date(2024, 8, 30)}, own)
    whole = queries.run(con, name, {**params, "start": dt.date(2024, 3, 1), "end": dt.date(2024, 8, 31)}, own)
    assert not exact.equals(whole)


_PEER_CLIENTS: dict = {}


def _peer_clients(con, period, key) -> int:
    """The other clinic's clients behind one cell over `period`, with nothing hidden."""
    if period not in _PEER_CLIENTS:
        rows = queries.run(con, "alliance_development", {"group": "clinic", "start": period[0], "end": period[1]},
                           SUPERVISOR, {"suppress_below": 1})
        peer = rows[rows["group"] == FJ]
        _PEER_CLIENTS[period] = dict(zip(peer["session_number"], peer["n_clients"].astype(int)))
    return _PEER_CLIENTS[period].get(key, 0)


def _runs(outer: set, inner: set) -> list[tuple[int, int]]:
    """The months in `outer` but not `inner`, as runs of consecutive month indexes."""
    months = sorted(outer - inner)
    runs = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _period(first: int, last: int) -> tuple[dt.date, dt.date]:
    start = dt.date(first // 12, first % 12 + 1, 1)
    return start, disclosure.month_period(None, dt.date(last // 12, last % 12 + 1, 1))[1]


def test_no_two_periods_reveal_fewer_than_suppress_below_peer_clients(con):
    """For every pair of periods and every cell of the other clinic visible in both whose figures
    differ, the months that differ hold at least suppress_below of that clinic's clients."""
    shown = {}
    for start, end in PERIODS:
        rows = queries.run(con, "alliance_development", {"group": "clinic", "start": start, "end": end}, SUPERVISOR)
        peer = rows[(rows["group"] == FJ) & ~rows["suppressed"].astype(bool)]
        shown[(start, end)] = peer.set_index("session_number")[["n", "n_clients", "mean"]]
    hidden_somewhere = sum(len(rows) < 20 for rows in shown.values())
    assert hidden_somewhere, "some late session numbers are hidden in some periods: the rule is exercised"
    checked = 0
    for p, q in itertools.combinations(PERIODS, 2):
        a, b = shown[p], shown[q]
        common = a.index.intersection(b.index)
        differ = [k for k in common if not a.loc[k].equals(b.loc[k])]
        if not differ:
            continue
        months_p = set(range(_index(p[0]), _index(p[1]) + 1))
        months_q = set(range(_index(q[0]), _index(q[1]) + 1))
        runs = _runs(months_p, months_q) + _runs(months_q, months_p)
        for key in differ:
            # The difference's clients are at least those of its largest run.
            largest = max(_peer_clients(con, _period(*run), key) for run in runs)
            assert largest >= BELOW, (p, q, key, largest)
            checked += 1
    assert checked > 50
