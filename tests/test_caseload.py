"""Caseload flags per client, each worked out on a hand-made store."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from alliance.agenda import agenda
from alliance.caseload import CONCERN_WEIGHTS, SINCE
from alliance.reml import Z_95
from alliance.stats import round_half_away
from tests.exports import feedback
from tests.test_queries import build, client_course, run, wai


FLAG_NAMES = ("deteriorated", "rupture_flag", "low_alliance", "large_discrepancy", "no_recent_feedback", "ceiling")


def flags_of(rows: list[dict], client: str) -> set[str]:
    """The client's flags, but for the model-based one (tested on its own below)."""
    (row,) = [r for r in rows if r["client_id"] == client]
    return {f for f in FLAG_NAMES if row[f]}


def background(n: int = 30):
    """n steady clients at sessions 8 to 11 (one point of the clinic's session curve), SRS 37, 39, 37, 39
    (each client's within sum of squares 4 on 3 degrees of freedom) and ORS that improve from intakes
    14 to 22: they set the clinic's session variance and its expected response."""
    rows, forms = [], []
    for i in range(n):
        base = 14 + 2 * (i % 5)
        s, f = client_course(f"B{i:02d}", [37, 39, 37, 39], first_number=8,
                             ors=[base, base + 4 + i % 3, base + 8, base + 10 - i % 2])
        rows += s
        forms += f
    return rows, forms


def reliable_drop(scores: dict[str, list[float]]) -> float:
    """1.96 sqrt(2 sigma_e^2) from every client's SRS totals, all at session 8 or later (so the clinic's
    curve is one mean and each client's residuals vary as their scores do): the pooled within-client
    variance, in plain Python."""
    ss = sum(sum((x - sum(v) / len(v)) ** 2 for x in v) for v in scores.values() if len(v) > 1)
    df = sum(len(v) - 1 for v in scores.values() if len(v) > 1)
    return float(round_half_away(Z_95 * math.sqrt(2 * ss / df), 2))


def test_a_fall_of_exactly_the_reliable_change_raises_low_alliance_and_rupture(tmp_path):
    """The alliance flags need a fall of at least 1.96 sqrt(2 sigma_e^2): K_at falls exactly that much
    from its own level (38) to below the cutoff, K_short 0.01 less. The threshold depends on the
    clients' own scores, so the fall is found as the fixed point of that computation."""
    steady = {f"B{i:02d}": [37, 39, 37, 39] for i in range(30)}
    drop = 3.0
    for _ in range(20):
        scores = {**steady, "K_at": [38, 38, 38 - drop], "K_short": [38, 38, round(38 - drop + 0.01, 2)]}
        new = reliable_drop(scores)
        if new == drop:
            break
        drop = new
    assert reliable_drop(scores) == drop and 38 - drop < 36  # below the cutoff too
    rows, forms = background()
    for client in ("K_at", "K_short"):
        s, f = client_course(client, scores[client], first_number=8, ors=[20, 24, 28])
        rows += s
        forms += f
    home = build(tmp_path, rows, forms)
    got = {r["client_id"]: r for r in run(home, "caseload_flags")}
    assert got["K_at"]["reliable_drop"] == drop
    assert flags_of(list(got.values()), "K_at") == {"low_alliance", "rupture_flag"}
    assert got["K_at"]["low_alliance_since"] == got["K_at"]["rupture_since"] == pd.Timestamp(2024, 1, 15)
    assert flags_of(list(got.values()), "K_short") == set()
    # K_short's fall is still a rupture by the contract's definition (at least 2): the ruptures query and
    # the caseload's count keep it; only the flag that singles out the client asks for a reliable change.
    assert got["K_short"]["n_open_ruptures"] == 1 and got["K_short"]["rupture_since"] is None
    assert not any(got[f"B{i:02d}"]["n_flags"] for i in range(30))


def test_each_flag_at_its_boundary_and_since_when(tmp_path):
    rows, forms = background()
    courses = {
        "K_ok": dict(scores=[38, 38, 38], ors=[20, 24, 28]),
        "K_worse": dict(scores=[38, 38, 38], ors=[30, 27, 25]),           # change exactly -5 <= -5
        "K_nearly": dict(scores=[38, 38, 38], ors=[30, 27, 25.04]),      # change -4.96
        "K_again": dict(scores=[38] * 5, ors=[30, 24, 27, 24, 23]),       # worse, better, worse since session 4
        "K_silent": dict(scores=[38, None, None, None], ors=[20, 22, 24, 26]),  # no SRS at the last three
        "K_quiet": dict(scores=[38, 38, None, None], ors=[20, 22, 24, 26]),     # only two without
        "K_ceiling": dict(scores=[38, 40, 40, 40], ors=[20, 22, 24, 26]),  # 40 at the last three rated
        "K_two40": dict(scores=[38, 38, 40, 40], ors=[20, 22, 24, 26]),    # 40 at the last two only
    }
    for client, c in courses.items():
        s, f = client_course(client, c["scores"], first_number=8, ors=c["ors"])
        rows += s
        forms += f
    # K_gap: the client's WAI-SR mean is 5, the therapist's 4 at the latest pair: a discrepancy of exactly 1.
    # K_near: 4.99 (a form that gives only the mean) against 4: 0.99.
    for client, mine in (("K_gap", 5), ("K_near", 4.99)):
        s, f = client_course(client, [38, 38], first_number=8, ors=[20, 24])
        rows += s
        forms += [dict(f[0]), dict(f[1], wai_mean=mine),
                  feedback(session_id=f"{client}-2", rater="therapist", srs=None, wai=wai(4))]
    home = build(tmp_path, rows, forms)
    got = run(home, "caseload_flags")
    by_client = {r["client_id"]: r for r in got}
    assert flags_of(got, "K_ok") == set()
    assert flags_of(got, "K_worse") == {"deteriorated"} and by_client["K_worse"]["ors_change"] == -5
    assert by_client["K_worse"]["deteriorated_since"] == pd.Timestamp(2024, 1, 15)
    assert flags_of(got, "K_nearly") == set()
    assert flags_of(got, "K_again") == {"deteriorated"}
    assert by_client["K_again"]["deteriorated_since"] == pd.Timestamp(2024, 1, 22)  # the fourth session
    assert flags_of(got, "K_silent") == {"no_recent_feedback"}
    assert by_client["K_silent"]["no_feedback_since"] == pd.Timestamp(2024, 1, 22)  # raised at the third
    assert flags_of(got, "K_quiet") == set()
    assert flags_of(got, "K_ceiling") == {"ceiling"} and by_client["K_ceiling"]["ceiling_since"] == pd.Timestamp(2024, 1, 22)
    assert flags_of(got, "K_two40") == set()
    assert flags_of(got, "K_gap") == {"large_discrepancy"} and by_client["K_gap"]["last_discrepancy"] == 1.0
    assert by_client["K_gap"]["discrepancy_since"] == pd.Timestamp(2024, 1, 8)
    assert flags_of(got, "K_near") == set()
    for r in got:  # a flag that is not raised has no date
        for flag, since in SINCE.items():
            assert (r[since] is not None) == bool(r[flag]), (r["client_id"], flag)
    # The agenda order: most concern first; concern weighs the flags.
    for r in got:
        assert r["concern"] == sum(w for f, w in CONCERN_WEIGHTS.items() if r[f])
        assert r["n_flags"] == sum(bool(r[f]) for f in CONCERN_WEIGHTS)
    assert [r["concern"] for r in got] == sorted((r["concern"] for r in got), reverse=True)


def test_deterioration_counts_from_the_first_ors_ever_not_the_first_in_the_period(tmp_path):
    rows, forms = background()
    s, f = client_course("K_long", [38, 38, 38], first_number=8, ors=[30, 27, 24])
    home = build(tmp_path, rows + s, forms + f)
    period = {"start": dt.date(2024, 1, 8)}  # the second and third sessions: 27 to 24 within it
    (row,) = [r for r in run(home, "caseload_flags", **period) if r["client_id"] == "K_long"]
    assert row["deteriorated"] and row["ors_change"] == -6 and row["deteriorated_since"] == pd.Timestamp(2024, 1, 15)
    (outcome,) = [r for r in run(home, "client_outcomes", **period) if r["client_id"] == "K_long"]
    assert outcome["change"] == -3 and outcome["category"] == "unchanged"  # the contract's figure keeps the window


def test_a_flag_raised_before_the_period_counts_only_when_its_latest_session_is_in_it(tmp_path):
    s, f = client_course("K1", [38, 30, 39, 39], ors=[20, 22, 24, 26])  # a fall at session 2, then back up
    home = build(tmp_path, s, f)
    (row,) = run(home, "caseload_flags", start=dt.date(2024, 1, 8), end=dt.date(2024, 1, 8))
    # Within that one week the last rated score is the fall's 30; its rupture is repaired later (the
    # contract's status looks at the whole history) so the rupture flag is down.
    assert row["n_sessions"] == 1 and not row["rupture_flag"]


def test_not_on_track_needs_two_ors_in_a_row_below_the_band(tmp_path):
    rows, forms = background()
    courses = {"K_one": [20, 24, 2],     # one ORS below: not yet
               "K_two": [20, 3, 2],      # the last two below: not on track since the second of them
               "K_back": [20, 3, 2, 27]}  # below twice, then back on the usual course
    for client, ors in courses.items():
        s, f = client_course(client, [38] * len(ors), first_number=8, ors=ors)
        rows += s
        forms += f
    home = build(tmp_path, rows, forms)
    response = {r["client_id"]: r for r in run(home, "treatment_response")}
    assert response["K_one"]["n_below"] == 1 and response["K_one"]["not_on_track"] is False
    assert response["K_two"]["n_below"] == 2 and response["K_two"]["not_on_track"] is True
    assert response["K_two"]["not_on_track_since"] == pd.Timestamp(2024, 1, 15)
    assert response["K_back"]["n_below"] == 0 and response["K_back"]["not_on_track"] is False
    assert response["K_two"]["ors"] < response["K_two"]["lower_band"]
    assert response["K_one"]["status"] == response["K_two"]["status"] == "fitted"
    flags = {r["client_id"]: r for r in run(home, "caseload_flags")}
    assert flags["K_two"]["not_on_track"] and flags["K_two"]["not_on_track_since"] == pd.Timestamp(2024, 1, 15)
    assert not flags["K_one"]["not_on_track"] and not flags["K_back"]["not_on_track"]
    assert not any(flags[f"B{i:02d}"]["not_on_track"] for i in range(30))


def test_one_later_ors_is_not_judged(tmp_path):
    rows, forms = background()
    s, f = client_course("K_new", [38, 38], first_number=8, ors=[20, 2])
    home = build(tmp_path, rows + s, forms + f)
    (row,) = [r for r in run(home, "treatment_response") if r["client_id"] == "K_new"]
    assert row["status"] == "one_later" and row["not_on_track"] is None and row["n_below"] == 1


@pytest.mark.parametrize("clients, budget, listed", [
    (8, 25, 2),   # exactly a quarter of eight
    (7, 25, 1),   # 1.75, rounded down
    (12, 25, 3),
    (3, 25, 1),   # never fewer than one
    (10, 100, 10),
])
def test_the_agenda_lists_at_most_the_alert_budget(clients, budget, listed):
    caseload = pd.DataFrame({"client_id": [f"K{i}" for i in range(clients)], "n_flags": [1] * clients})
    shown, left_out = agenda(caseload, budget)
    assert list(shown["client_id"]) == [f"K{i}" for i in range(listed)]
    assert left_out == clients - listed


def test_the_agenda_leaves_out_only_flagged_clients():
    caseload = pd.DataFrame({"client_id": ["A", "B", "C", "D", "E", "F", "G", "H"],
                             "n_flags": [2, 1, 0, 0, 0, 0, 0, 0]})
    shown, left_out = agenda(caseload, 25)
    assert list(shown["client_id"]) == ["A", "B"] and left_out == 0
    shown, left_out = agenda(caseload.assign(n_flags=[2, 1, 1, 0, 0, 0, 0, 0]), 25)
    assert list(shown["client_id"]) == ["A", "B"] and left_out == 1


def test_a_client_seen_exactly_active_weeks_before_the_end_is_active(tmp_path):
    """active: the latest attended session at most active_weeks (8 x 7 = 56 days) before the period's end."""
    end = dt.date(2024, 6, 30)
    rows, forms = [], []
    for client, last in (("K_at", end - dt.timedelta(days=56)), ("K_past", end - dt.timedelta(days=57)),
                         ("K_now", end)):
        s, f = client_course(client, [38, 38], start=last - dt.timedelta(days=7))
        rows += s
        forms += f
    home = build(tmp_path, rows, forms)
    active = {r["client_id"]: r["active"] for r in run(home, "caseload_flags", start=dt.date(2024, 1, 1), end=end)}
    assert active == {"K_at": True, "K_past": False, "K_now": True}
    # Without a period the reference is the store's last session day (K_now's, the end above).
    assert {r["client_id"]: r["active"] for r in run(home, "caseload_flags")} == active
