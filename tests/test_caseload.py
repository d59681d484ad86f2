"""Caseload flags per client, each worked out on a hand-made store."""
from __future__ import annotations

import datetime as dt

from tests.exports import feedback
from tests.test_queries import build, client_course, run, wai


def flags_of(rows: list[dict], client: str) -> set[str]:
    """The client's flags, but for the model-based one (tested on its own below)."""
    (row,) = [r for r in rows if r["client_id"] == client]
    return {f for f in ("deteriorated", "rupture_flag", "low_alliance", "large_discrepancy",
                        "no_recent_feedback", "ceiling") if row[f]}


def test_each_flag(tmp_path):
    courses = {
        "K_ok": dict(scores=[37, 38, 38], ors=[20, 24, 28]),
        "K_low": dict(scores=[37, 36, 35.5], ors=[20, 22, 24]),          # last rated 35.5 < 36, no drop of 2
        "K_rupture": dict(scores=[38, 37, 38, 34.5], ors=[20, 22, 24, 26]),  # open rupture at the end (and low)
        "K_worse": dict(scores=[37, 38, 38], ors=[30, 27, 24]),          # change -6 <= -5
        "K_silent": dict(scores=[38, None, None, None], ors=[20, 22, 24, 26]),  # no form in the last three
        "K_ceiling": dict(scores=[40, 40, 40], ors=[20, 22, 24]),
        "K_two40": dict(scores=[40, 40], ors=[20, 22]),                  # only two rated: no ceiling flag
    }
    rows, forms = [], []
    for client, c in courses.items():
        s, f = client_course(client, c["scores"], ors=c["ors"])
        rows += s
        forms += f
    # K_gap: the client rates WAI 5, the therapist 3 at the latest pair: discrepancy 2.
    s, f = client_course("K_gap", [37, 38], ors=[20, 24])
    rows += s
    forms += [dict(f[0]), dict(f[1], **{f"wai_{i + 1}": 5 for i in range(12)}),
              feedback(session_id="K_gap-2", rater="therapist", srs=None, wai=wai(3))]
    home = build(tmp_path, rows, forms)
    got = run(home, "caseload_flags")
    assert flags_of(got, "K_ok") == set()
    assert flags_of(got, "K_low") == {"low_alliance"}
    assert flags_of(got, "K_rupture") == {"rupture_flag", "low_alliance"}
    assert "deteriorated" in flags_of(got, "K_worse")
    assert flags_of(got, "K_silent") == {"no_recent_feedback"}
    assert flags_of(got, "K_ceiling") == {"ceiling"}
    assert flags_of(got, "K_two40") == set()
    assert flags_of(got, "K_gap") == {"large_discrepancy"}
    by_client = {r["client_id"]: r for r in got}
    assert by_client["K_gap"]["last_discrepancy"] == 2.0
    assert by_client["K_rupture"]["n_open_ruptures"] == 1
    # The agenda order: most concern first; concern weighs the flags.
    from alliance.caseload import CONCERN_WEIGHTS

    for r in got:
        assert r["concern"] == sum(w for f, w in CONCERN_WEIGHTS.items() if r[f])
        assert r["n_flags"] == sum(bool(r[f]) for f in CONCERN_WEIGHTS)
    assert [r["concern"] for r in got] == sorted((r["concern"] for r in got), reverse=True)


def test_flags_follow_the_period(tmp_path):
    s, f = client_course("K1", [38, 30, 39, 39], ors=[20, 22, 24, 26])  # rupture on 2024-01-08, repaired
    home = build(tmp_path, s, f)
    (row,) = run(home, "caseload_flags", start=dt.date(2024, 1, 8), end=dt.date(2024, 1, 8))
    # Within that one week the last rated score is the rupture's 30: low, and the rupture is repaired later.
    assert row["low_alliance"] and not row["rupture_flag"] and row["n_sessions"] == 1


def test_not_on_track_comes_from_the_expected_treatment_response(tmp_path):
    # Ten clients who improve steadily, and one whose ORS falls well below the expected response.
    rows, forms = [], []
    for i in range(10):
        s, f = client_course(f"K{i}", [38] * 5, ors=[15 + i % 3, 18 + i % 3, 21 + i % 3, 24 + i % 3, 27 + i % 3])
        rows += s
        forms += f
    s, f = client_course("K_falls", [38] * 5, ors=[16, 15, 13, 11, 9])
    home = build(tmp_path, rows + s, forms + f)
    got = {r["client_id"]: r for r in run(home, "caseload_flags")}
    assert got["K_falls"]["not_on_track"] and got["K_falls"]["deteriorated"]
    assert sum(r["not_on_track"] for r in got.values()) <= 4
    assert next(iter(got)) == "K_falls"


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
