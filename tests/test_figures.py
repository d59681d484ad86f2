"""The supervisors' figures: alliance, WAI and discrepancy by session number, profiles, funnel, completion, outcomes.

Each query runs on small hand-made exports whose answers are worked out here, then on the
committed sample data, where the planted structure (sample_data/README.md) must show.
"""
from __future__ import annotations

import datetime as dt
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alliance import queries, store
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("alliance_development", "wai_development", "discrepancy_development", "profiles", "funnel",
           "completion", "outcome_summary")
HAV, FJ = "Havbris DPS", "Fjordklinikken"
# t(0.975, df) for the intervals worked out below.
T975 = {1: 12.7062, 2: 4.3027}
# K2's client WAI-SR mean, 56 / 12 kept to 4 decimals as the store keeps wai_mean, and its discrepancy.
K2_WAI, K2_GAP = 4.6667, 0.6667


def ci(values: list[float]) -> tuple[float, float]:
    """The 95 % interval of the mean, as the queries should give it (2 decimals)."""
    n, mean, sd = len(values), statistics.mean(values), statistics.stdev(values)
    half = T975[n - 1] * sd / math.sqrt(n)
    return round(mean - half, 2), round(mean + half, 2)


def cluster_ci(values: list[float], clusters: list[str]) -> tuple[float | None, float | None]:
    """The 95 % interval of the mean with the clusters (therapists) as the unit, as the queries should give it:
    mean ± t(G - 1) · SE, SE² = G / (G - 1) · Σ_k (S_k - n_k · mean)² / N² (None under 2 clusters)."""
    n, mean = len(values), statistics.mean(values)
    sums: dict[str, list[float]] = {}
    for value, cluster in zip(values, clusters):
        sums.setdefault(cluster, []).append(value)
    g = len(sums)
    if g < 2:
        return None, None
    se = math.sqrt(g / (g - 1) * sum((sum(v) - len(v) * mean) ** 2 for v in sums.values()) / n ** 2)
    half = T975[g - 1] * se
    return round(mean - half, 2), round(mean + half, 2)


def wai(task, bond, goal):
    """Twelve WAI-SR items with the given subscale values (task 1,2,10,12; bond 3,5,7,9; goal 4,6,8,11)."""
    items = [0] * 12
    for i in (1, 2, 10, 12):
        items[i - 1] = task
    for i in (3, 5, 7, 9):
        items[i - 1] = bond
    for i in (4, 6, 8, 11):
        items[i - 1] = goal
    return items


def build(tmp_path: Path, sessions: list[dict], forms: list[dict], name: str = "home") -> Path:
    data = tmp_path / f"{name}_exports"
    data.mkdir()
    write_csv(data / "sessions_1.csv", SESSION_HEADER, sessions)
    write_csv(data / "feedback_1.csv", FEEDBACK_HEADER, forms)
    home = tmp_path / name
    store.ingest(data, home)
    return home


def run(home: Path, name: str, **params) -> pd.DataFrame:
    con = store.open_reader(home)
    try:
        return queries.run(con, name, params)
    finally:
        con.close()


def rows(df: pd.DataFrame, *columns) -> list[tuple]:
    """Selected columns as plain tuples, NaN/NA as None."""
    out = df[list(columns)].astype(object)
    return [tuple(r) for r in out.where(out.notna(), None).itertuples(index=False, name=None)]


# ----------------------------------------------------------------------------- the hand-made clinic
#
# Havbris DPS (public, no site), therapists T1 and T2:
#   K1 (T1): #1 2024-01-10 SRS 7,8,7,8 = 30, client WAI all 5, therapist WAI all 4, ORS 14
#            #2 2024-01-24 SRS 32, client wai_mean 4.5 only, therapist wai_mean 3.5 only, no ORS
#            #3 2024-02-07 cancelled, yet a form with SRS 0 (must not count anywhere)
#            #4 2024-02-21 SRS 36, ORS 28                        -> recovered (14 -> 28)
#   K2 (T1): #1 2024-01-12 SRS 32, client WAI task 4 bond 5 goal 5, therapist WAI task 5 bond 3 goal 4, ORS 20
#            #2 2024-01-26 attended, no form, no ORS
#            #21 2024-06-01 SRS 40, ORS 24 (beyond max_session 20) -> unchanged (20 -> 24)
#   K3 (T2): #1 2024-03-01 SRS 34, therapist form with only 6 WAI items (quarantined), ORS 32
#            #5 2024-03-29 srs_total 28 without items, ORS 24 -> deteriorated (32 -> 24)
# Fjordklinikken (private), T1 in Bergen and T8 in Oslo:
#   K1 (T1, Bergen): #1 2024-01-15 SRS 40, ORS 26           -> insufficient
#   K9 (T8, Oslo):   #1 2024-01-16 SRS 36, ORS 26           -> insufficient
#   K10 (T8): #1 2024-01-17 Bergen, #2 2024-01-31 Oslo; no forms; ORS 10 -> 20 -> improved, site Oslo

def _clinic_sessions() -> list[dict]:
    hav = dict(clinic=HAV, sector="public")
    fj = dict(clinic=FJ, sector="private")
    return [
        session(**hav, session_id="H1", client_id="K1", therapist_id="T1", number=1, date="2024-01-10", ors=(2, 3, 4, 5)),
        session(**hav, session_id="H2", client_id="K1", therapist_id="T1", number=2, date="2024-01-24", ors=None),
        session(**hav, session_id="H3", client_id="K1", therapist_id="T1", number=3, date="2024-02-07", ors=None,
                status="cancelled"),
        session(**hav, session_id="H4", client_id="K1", therapist_id="T1", number=4, date="2024-02-21", ors=(7, 7, 7, 7)),
        session(**hav, session_id="H5", client_id="K2", therapist_id="T1", number=1, date="2024-01-12", ors=(5, 5, 5, 5)),
        session(**hav, session_id="H6", client_id="K2", therapist_id="T1", number=2, date="2024-01-26", ors=None),
        session(**hav, session_id="H7", client_id="K2", therapist_id="T1", number=21, date="2024-06-01", ors=(6, 6, 6, 6)),
        session(**hav, session_id="H8", client_id="K3", therapist_id="T2", number=1, date="2024-03-01", ors=(8, 8, 8, 8)),
        session(**hav, session_id="H9", client_id="K3", therapist_id="T2", number=5, date="2024-03-29", ors=(6, 6, 6, 6)),
        session(**fj, session_id="F1", client_id="K1", therapist_id="T1", site="Bergen", number=1, date="2024-01-15"),
        session(**fj, session_id="F2", client_id="K9", therapist_id="T8", site="Oslo", number=1, date="2024-01-16"),
        session(**fj, session_id="F3", client_id="K10", therapist_id="T8", site="Bergen", number=1, date="2024-01-17",
                ors=(2.5, 2.5, 2.5, 2.5)),
        session(**fj, session_id="F4", client_id="K10", therapist_id="T8", site="Oslo", number=2, date="2024-01-31",
                ors=(5, 5, 5, 5)),
    ]


def _clinic_forms() -> list[dict]:
    hav = dict(clinic=HAV)
    return [
        feedback(**hav, session_id="H1", srs=(7, 8, 7, 8), wai=[5] * 12),
        feedback(**hav, session_id="H1", rater="therapist", srs=None, wai=[4] * 12),
        feedback(**hav, session_id="H2", srs=(8, 8, 8, 8), wai_mean=4.5),
        feedback(**hav, session_id="H2", rater="therapist", srs=None, wai_mean=3.5),
        feedback(**hav, session_id="H3", srs=(0, 0, 0, 0), wai=[1] * 12),
        feedback(**hav, session_id="H3", rater="therapist", srs=None, wai=[1] * 12),
        feedback(**hav, session_id="H4", srs=(9, 9, 9, 9)),
        feedback(**hav, session_id="H5", srs=(8, 8, 8, 8), wai=wai(task=4, bond=5, goal=5)),
        feedback(**hav, session_id="H5", rater="therapist", srs=None, wai=wai(task=5, bond=3, goal=4)),
        feedback(**hav, session_id="H7", srs=(10, 10, 10, 10)),
        feedback(**hav, session_id="H8", srs=(8.5, 8.5, 8.5, 8.5)),
        feedback(**hav, session_id="H8", rater="therapist", srs=None, wai=[4, 4, 4, 4, 4, 4] + [""] * 6),
        feedback(**hav, session_id="H9", srs=None, srs_total=28),
        feedback(clinic=FJ, session_id="F1", srs=(10, 10, 10, 10)),
        feedback(clinic=FJ, session_id="F2", srs=(9, 9, 9, 9)),
    ]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("figures"), _clinic_sessions(), _clinic_forms())


def test_the_partial_wai_form_is_quarantined_and_subscales_are_in_the_views(clinic):
    con = store.open_reader(clinic)
    try:
        rejects = con.execute("SELECT file, \"column\" FROM rejects").fetchall()
        assert rejects == [("feedback_1.csv", "wai_mean")]
        got = con.execute(
            "SELECT session_id, client_wai_task, client_wai_bond, client_wai_goal, therapist_wai_task, "
            "therapist_wai_bond, therapist_wai_goal, wai_discrepancy FROM attended_sessions "
            "WHERE clinic = ? AND session_id IN ('H1', 'H2', 'H5', 'H8') ORDER BY session_id", [HAV]).fetchall()
        assert [tuple(None if v is None else float(v) for v in r[1:]) for r in got] == [
            (5, 5, 5, 4, 4, 4, 1.0),
            (None, None, None, None, None, None, 1.0),  # wai_mean only: no subscales, but a discrepancy
            (4, 5, 5, 5, 3, 4, K2_GAP),
            (None, None, None, None, None, None, None),  # the therapist's partial form is not used
        ]
        # rated_sessions (built on attended_sessions) still works and carries the new columns.
        assert con.execute("SELECT count(*), count(client_wai_task) FROM rated_sessions").fetchone() == (9, 2)
    finally:
        con.close()


def test_t_quantile_matches_scipy(clinic):
    from scipy.stats import t

    con = store.open_reader(clinic)
    try:
        got = dict(con.execute("SELECT df, t_975(df) FROM range(0, 201) r(df)").fetchall())
    finally:
        con.close()
    assert got[0] is None
    for df in range(1, 201):
        assert got[df] == pytest.approx(t.ppf(0.975, df), abs=1e-4), df


def test_alliance_development_by_session_number(clinic):
    df = run(clinic, "alliance_development")
    assert list(df.columns) == ["session_number", "group", "n", "n_clients", "mean", "sd", "ci_low", "ci_high"]
    assert (df["n_clients"] == df["n"]).all()  # one rated session per client and session number
    got = rows(df, "session_number", "group", "n", "mean", "ci_low", "ci_high")
    # Session 1 public: 30, 32 (T1's K1 and K2) and 34 (T2's K3): mean 32, sd 2, two therapists, so
    # the interval is over two units; private: 40 (T1), 36 (T8): two therapists of one client each.
    # Session 2 public: only K1 rated (K2's session 2 has no form): one value, no interval.
    # Session 3 was cancelled (its form ignored); session 21 is beyond max_session 20.
    assert cluster_ci([40, 36], ["T1", "T8"]) == ci([40, 36])  # one client per therapist: the plain interval
    assert cluster_ci([30, 32, 34], ["T1", "T1", "T2"]) == (15.06, 48.94)  # by hand: SE² = 2 · 8 / 9, t(1)
    assert got == [
        (1, "private", 2, 38.0, *cluster_ci([40, 36], ["T1", "T8"])),
        (1, "public", 3, 32.0, *cluster_ci([30, 32, 34], ["T1", "T1", "T2"])),
        (2, "public", 1, 32.0, None, None),
        (4, "public", 1, 36.0, None, None),
        (5, "public", 1, 28.0, None, None),  # a form with srs_total but no items is rated
    ]
    assert df.loc[(df.session_number == 1) & (df.group == "public"), "sd"].item() == 2.0
    assert pd.isna(df.loc[df.session_number == 2, "sd"].item())


def test_alliance_development_parameters(clinic):
    assert run(clinic, "alliance_development", max_session=21).session_number.max() == 21
    assert set(run(clinic, "alliance_development", max_session=1).session_number) == {1}
    by_site = run(clinic, "alliance_development", group="site")
    assert rows(by_site[by_site.session_number == 1], "group", "n", "mean") == [
        ("Bergen", 1, 40.0), ("Havbris DPS", 3, 32.0), ("Oslo", 1, 36.0)]
    by_clinic = run(clinic, "alliance_development", group="clinic")
    assert set(by_clinic.group) == {HAV, FJ}


def test_the_period_cuts_a_history_without_renumbering(clinic):
    # From 20 January, K1's and K2's first sessions are gone; K1 is still at its session 2.
    df = run(clinic, "alliance_development", start=dt.date(2024, 1, 20), end=dt.date(2024, 3, 1))
    assert rows(df, "session_number", "group", "n", "mean") == [
        (1, "public", 1, 34.0), (2, "public", 1, 32.0), (4, "public", 1, 36.0)]
    assert run(clinic, "alliance_development", start=dt.date(2025, 1, 1)).empty


def test_wai_development_per_rater(clinic):
    therapist = run(clinic, "wai_development")
    # Therapist forms at session 1: K1 4.0 and K2 4.0 (K3's partial form is quarantined); session 2: 3.5.
    # Both are T1's clients: one therapist, no interval.
    assert rows(therapist, "session_number", "group", "n", "mean", "sd", "ci_low", "ci_high") == [
        (1, "public", 2, 4.0, 0.0, None, None), (2, "public", 1, 3.5, None, None, None)]
    client = run(clinic, "wai_development", rater="client", group="clinic")
    assert rows(client, "session_number", "group", "n", "mean") == [
        (1, HAV, 2, round((5 + K2_WAI) / 2, 2)), (2, HAV, 1, 4.5)]
    assert rows(client, "ci_low", "ci_high")[0] == cluster_ci([5, K2_WAI], ["T1", "T1"]) == (None, None)


def test_discrepancy_development(clinic):
    df = run(clinic, "discrepancy_development")
    assert rows(df, "session_number", "group", "n", "mean", "ci_low", "ci_high", "mean_client_wai",
                "mean_therapist_wai") == [
        (1, "public", 2, round((1 + K2_GAP) / 2, 2), *cluster_ci([1, K2_GAP], ["T1", "T1"]),
         round((5 + K2_WAI) / 2, 2), 4.0),
        (2, "public", 1, 1.0, None, None, 4.5, 3.5),
    ]


def test_profiles_per_clinic(clinic):
    df = run(clinic, "profiles")
    hav = df[df.group == HAV].iloc[0]
    # Rated sessions with SRS items: H1 (7,8,7,8), H2 8s, H4 9s, H5 8s, H7 10s, H8 8.5s; H9 has a total only.
    assert (hav.n_clients, hav.n_sessions, hav.n_srs) == (3, 8, 6)
    assert (hav.srs_relationship, hav.srs_goals_topics) == (round(50.5 / 6, 2), round(51.5 / 6, 2))
    # WAI items only on H1 and H5 (H2 gives means only); the therapist's partial form is quarantined.
    assert (hav.n_client_wai, hav.client_goal, hav.client_task, hav.client_bond) == (2, 5.0, 4.5, 5.0)
    assert (hav.n_therapist_wai, hav.therapist_goal, hav.therapist_task, hav.therapist_bond) == (2, 4.0, 4.5, 3.5)
    fj = df[df.group == FJ].iloc[0]
    assert (fj.n_clients, fj.n_sessions, fj.n_srs, fj.srs_overall) == (3, 4, 2, 9.5)
    assert fj.n_client_wai == 0 and pd.isna(fj.client_goal) and pd.isna(fj.therapist_bond)  # empty, not zero


def test_profiles_levels(clinic):
    assert list(run(clinic, "profiles", level="therapist").group) == [f"{FJ}/T1", f"{FJ}/T8", f"{HAV}/T1", f"{HAV}/T2"]
    assert list(run(clinic, "profiles", level="site").group) == ["Bergen", HAV, "Oslo"]
    # The period: only March -> K3 (H8 8.5s and H9 total only).
    march = run(clinic, "profiles", start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    assert rows(march, "group", "n_sessions", "n_srs", "srs_overall", "n_therapist_wai") == [(HAV, 2, 1, 8.5, 0)]


def test_completion_by_therapist_and_month(clinic):
    df = run(clinic, "completion")
    assert list(df.columns) == ["clinic", "therapist_id", "month", "n_sessions", "n_rated", "completion_rate"]
    got = [(c, t, m.strftime("%Y-%m"), s, r, p) for c, t, m, s, r, p in rows(df, *df.columns)]
    assert got == [
        (FJ, "T1", "2024-01", 1, 1, 100.0),
        (FJ, "T8", "2024-01", 3, 1, 33.33),
        (HAV, "T1", "2024-01", 4, 3, 75.0),  # H1, H2, H5 rated; H6 attended without a form
        (HAV, "T1", "2024-02", 1, 1, 100.0),  # the cancelled H3 is not a session here
        (HAV, "T1", "2024-06", 1, 1, 100.0),
        (HAV, "T2", "2024-03", 2, 2, 100.0),
    ]
    assert len(run(clinic, "completion", start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))) == 1


def test_outcome_summary(clinic):
    df = run(clinic, "outcome_summary")
    assert list(df.columns) == ["group", "category", "n_clients", "pct_clients", "pct_assessed"]
    assert rows(df, "group", "category", "n_clients", "pct_clients", "pct_assessed") == [
        ("private", "recovered", 0, 0.0, 0.0),
        ("private", "improved", 1, 33.33, 100.0),
        ("private", "unchanged", 0, 0.0, 0.0),
        ("private", "deteriorated", 0, 0.0, 0.0),
        ("private", "insufficient", 2, 66.67, None),
        ("public", "recovered", 1, 33.33, 33.33),
        ("public", "improved", 0, 0.0, 0.0),
        ("public", "unchanged", 1, 33.33, 33.33),  # K2: 20 -> 24, its session 21 counts for outcomes
        ("public", "deteriorated", 1, 33.33, 33.33),
        ("public", "insufficient", 0, 0.0, None),
    ]
    # The categories agree with client_outcomes, client by client.
    outcomes = run(clinic, "client_outcomes")
    assert outcomes.category.value_counts().to_dict() == df.groupby("category").n_clients.sum()[lambda s: s > 0].to_dict()


def test_outcome_summary_by_site_and_period(clinic):
    by_site = run(clinic, "outcome_summary", group="site")
    counts = {(g, c): n for g, c, n in rows(by_site, "group", "category", "n_clients") if n}
    # K10 moved from Bergen to Oslo: a client counts at the site of their latest session.
    assert counts == {("Bergen", "insufficient"): 1, ("Oslo", "improved"): 1, ("Oslo", "insufficient"): 1,
                      (HAV, "recovered"): 1, (HAV, "unchanged"): 1, (HAV, "deteriorated"): 1}
    # To 1 February: K1 and K2 have one ORS each, K3 has not started; K10's ORS 10 -> 20 is in.
    january = run(clinic, "outcome_summary", end=dt.date(2024, 2, 1))
    counts = {(g, c): n for g, c, n in rows(january, "group", "category", "n_clients") if n}
    assert counts == {("public", "insufficient"): 2, ("private", "improved"): 1, ("private", "insufficient"): 2}


# ----------------------------------------------------------------------------- the funnel
#
# One clinic; TA, TB, TC each with 5 clients x 2 rated sessions, scoring 38, 30 and 34;
# TD with 1 client (too few to judge) at 20. Overall: 32 sessions, mean 33.125. Every client gives
# the same score twice, so nothing varies from session to session: the model behind the limits
# cannot be fitted, and the funnel says so instead of judging. tests/test_funnel.py checks the
# limits themselves on realistic data.

FUNNEL_SCORES = {"TA": (5, 38), "TB": (5, 30), "TC": (5, 34), "TD": (1, 20)}


@pytest.fixture(scope="module")
def funnel_home(tmp_path_factory) -> Path:
    sessions, forms = [], []
    for therapist, (n_clients, score) in FUNNEL_SCORES.items():
        for c in range(n_clients):
            for number in (1, 2):
                sid = f"{therapist}-{c}-{number}"
                date = f"2024-0{number}-1{c}"
                sessions.append(session(session_id=sid, client_id=f"{therapist}-K{c}", therapist_id=therapist,
                                        number=number, date=date))
                forms.append(feedback(session_id=sid, srs=(score / 4,) * 4))
    # An attended, unrated session: counts for the home site, not for the funnel.
    sessions.append(session(session_id="TA-x", client_id="TA-K0", therapist_id="TA", number=3, date="2024-03-01"))
    return build(tmp_path_factory.mktemp("funnel"), sessions, forms)


def test_funnel_counts_clients_and_says_why_it_cannot_judge(funnel_home):
    df = run(funnel_home, "funnel")
    scores = [s for n, s in FUNNEL_SCORES.values() for _ in range(2 * n)]
    assert statistics.mean(scores) == 33.125
    # The session-number curve is 33.125 at sessions 1 and 2, so each client's residual is their score
    # minus 33.125, and the plotted value is the clinic mean plus the mean of those: the score itself.
    assert rows(df, "therapist_id", "site", "n_clients", "n_rated", "mean_srs", "relative", "adjusted_mean",
                "overall_mean", "too_few") == [
        ("TA", HAV, 5, 10, 38.0, 4.88, 38.0, 33.13, False),  # 4.875 and 33.125 round half away from zero
        ("TB", HAV, 5, 10, 30.0, -3.13, 30.0, 33.13, False),
        ("TC", HAV, 5, 10, 34.0, 0.88, 34.0, 33.13, False),
        ("TD", HAV, 1, 2, 20.0, -13.13, 20.0, 33.13, True),
    ]
    assert set(df["status"]) == {"no_session_variation"}
    assert df[["lower_95", "upper_998", "se", "tau2"]].isna().all().all()
    assert df["outside_95"].isna().all() and df["outside_998"].isna().all()


def test_funnel_setting_and_period(funnel_home):
    con = store.open_reader(funnel_home)
    try:
        judged = queries.run(con, "funnel", settings={"min_clients": 1})
    finally:
        con.close()
    assert not judged["too_few"].any()
    # February only: each client's second session, one each: clients and sessions cannot be told apart.
    feb = run(funnel_home, "funnel", start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))
    assert list(feb.n_rated) == [5, 5, 5, 1]
    assert set(feb.overall_mean) == {33.13} and set(feb["status"]) == {"one_session_each"}


def test_funnel_compares_within_the_viewers_scope(clinic):
    from alliance.scope import Scope

    con = store.open_reader(clinic)
    try:
        fjord = queries.run(con, "funnel", scope=Scope(clinics=(FJ,)))
    finally:
        con.close()
    # Only Fjordklinikken's rated sessions (40 and 36) make the overall mean.
    assert rows(fjord, "clinic", "therapist_id", "n_rated", "mean_srs", "overall_mean", "too_few") == [
        (FJ, "T1", 1, 40.0, 38.0, True), (FJ, "T8", 1, 36.0, 38.0, True)]


# ----------------------------------------------------------------------------- the command line

def test_every_figure_runs_from_the_command_line(clinic):
    processes = {
        name: subprocess.Popen([sys.executable, "-m", "alliance", "query", name, "--format", "table",
                                "--home", str(clinic)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        for name in FIGURES
    }
    for name, process in processes.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{name}: {err}"
        header = out.splitlines()[0].split()
        expected = run(clinic, name).columns
        assert header == list(expected), name
    bad = subprocess.run([sys.executable, "-m", "alliance", "query", "profiles", "--param", "level=region",
                          "--home", str(clinic)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "level" in bad.stderr


# ----------------------------------------------------------------------------- the sample data

@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("figures_sample")
    store.ingest(ROOT / "sample_data", home)
    return home


def test_sample_alliance_rises_over_the_first_sessions(sample):
    df = run(sample, "alliance_development").set_index(["group", "session_number"])
    for sector in ("public", "private"):
        first, sixth = df.loc[(sector, 1)], df.loc[(sector, 6)]
        assert sixth["mean"] > first["mean"] + 2, sector  # planted: 32.0 -> 36.3
        assert sixth.ci_low > first.ci_high, sector
    assert df.index.get_level_values("session_number").max() == 20


def test_sample_therapists_rate_the_alliance_lower(sample):
    df = run(sample, "discrepancy_development", max_session=1000)
    assert df.n.sum() == 3086  # every pair in sample_data/README.md
    overall = (df.n * df["mean"]).sum() / df.n.sum()
    assert overall == pytest.approx(0.31, abs=0.02)
    assert (df["mean"] > 0).all()
    client = run(sample, "wai_development", rater="client").set_index(["group", "session_number"])["mean"]
    therapist = run(sample, "wai_development").set_index(["group", "session_number"])["mean"]
    assert (client - therapist).dropna().gt(0).all()
    profiles = run(sample, "profiles")
    assert (profiles.client_bond > profiles.therapist_bond).all()


def test_sample_private_clinic_sees_clients_more_often(sample):
    df = run(sample, "profiles").set_index("group")
    per_client = df.n_sessions / df.n_clients
    assert per_client[FJ] > 1.5 * per_client[HAV]  # planted: 24.7 vs 13.5 scheduled sessions


def test_sample_funnel_completion_and_outcomes_agree_with_the_other_queries(sample):
    funnel = run(sample, "funnel")
    summary = run(sample, "therapist_summary")
    assert len(funnel) == 25
    merged = funnel.merge(summary, on=["clinic", "therapist_id"], suffixes=("", "_summary"))
    assert (merged.mean_srs == merged.mean_srs_summary).all() and (merged.site == merged.site_summary).all()
    completion = run(sample, "completion")
    rate = 100 * completion.n_rated.sum() / completion.n_sessions.sum()
    assert rate == pytest.approx(85.0, abs=0.5)  # planted completion
    outcomes = run(sample, "client_outcomes")
    by_clinic = run(sample, "outcome_summary", group="clinic")
    assert by_clinic.n_clients.sum() == len(outcomes) == 799
    expected = outcomes.groupby(["clinic", "category"]).size()
    got = by_clinic.set_index(["group", "category"]).n_clients
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()


# ----------------------------------------------------------------------------- intervals with the client as the unit


def _cluster_interval(values: pd.Series, clusters: pd.Series) -> tuple[float, float, int]:
    """mean ± t(G - 1) · SE with statsmodels' cluster-robust SE over the G clusters."""
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats as scipy_stats

    codes = pd.factorize(clusters)[0]
    fit = sm.OLS(values.to_numpy(), np.ones(len(values))).fit(cov_type="cluster", cov_kwds={"groups": codes})
    g = codes.max() + 1
    half = scipy_stats.t.ppf(0.975, g - 1) * float(fit.bse[0])
    return values.mean() - half, values.mean() + half, g


def test_the_trend_interval_is_statsmodels_cluster_robust_interval(sample_home):
    """Every month and site of the sample: the interval is mean ± t(G - 1) · SE with statsmodels' cluster-robust SE
    over the month's therapists (G of them: clients sit within therapists, sessions within clients), not over
    sessions as if they were independent; within one therapist's group, over their clients."""
    import numpy as np
    from scipy import stats as scipy_stats

    con = store.open_reader(sample_home)
    try:
        trend = queries.run(con, "alliance_trend", {"group": "site"})
        by_therapist = queries.run(con, "alliance_trend", {"group": "therapist"})
        sessions = con.execute("SELECT month, site, clinic, therapist_id, client_id, CAST(srs_total AS DOUBLE) AS srs "
                               "FROM attended_sessions WHERE is_rated").df()
    finally:
        con.close()
    checked, wider = 0, 0
    for (month, site), part in sessions.groupby(["month", "site"]):
        row = trend[(trend["month"] == month) & (trend["group"] == site)].iloc[0]
        low, high, g = _cluster_interval(part["srs"], part["clinic"] + "\x1f" + part["therapist_id"])
        assert row["n_clients"] == part.groupby(["clinic", "client_id"]).ngroups
        assert row["ci_low"] == pytest.approx(low, abs=0.006) and row["ci_high"] == pytest.approx(high, abs=0.006)
        naive = scipy_stats.t.ppf(0.975, len(part) - 1) * part["srs"].std() / np.sqrt(len(part))
        wider += (high - low) / 2 > naive
        checked += 1
    assert checked > 60 and wider > checked / 2  # sessions of one therapist resemble each other: mostly wider
    checked = 0
    for (month, clinic, therapist), part in sessions.groupby(["month", "clinic", "therapist_id"]):
        row = by_therapist[(by_therapist["month"] == month) & (by_therapist["group"] == f"{clinic}/{therapist}")].iloc[0]
        if part["client_id"].nunique() < 2:
            assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
            continue
        low, high, _ = _cluster_interval(part["srs"], part["client_id"])
        assert row["ci_low"] == pytest.approx(low, abs=0.006) and row["ci_high"] == pytest.approx(high, abs=0.006)
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("name, value", [("alliance_development", "srs_total"),
                                         ("wai_development", "therapist_wai"),
                                         ("discrepancy_development", "wai_discrepancy")])
def test_the_development_intervals_take_the_therapist_as_their_unit(sample_home, name, value):
    """By session number and sector: mean ± t(G - 1) · SE with statsmodels' cluster-robust SE over the therapists."""
    con = store.open_reader(sample_home)
    try:
        got = queries.run(con, name, {"group": "sector"})
        rows = con.execute(f"SELECT session_number, sector, clinic, therapist_id, CAST({value} AS DOUBLE) AS x "
                           f"FROM attended_sessions WHERE {value} IS NOT NULL AND session_number <= 20").df()
    finally:
        con.close()
    checked = 0
    for (number, sector), part in rows.groupby(["session_number", "sector"]):
        row = got[(got["session_number"] == number) & (got["group"] == sector)].iloc[0]
        assert row["n"] == len(part)
        low, high, _ = _cluster_interval(part["x"], part["clinic"] + "\x1f" + part["therapist_id"])
        assert row["ci_low"] == pytest.approx(low, abs=0.006) and row["ci_high"] == pytest.approx(high, abs=0.006)
        checked += 1
    assert checked >= 12
