"""The named queries of contract section 7 on small hand-made stores whose answers are worked out here."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from alliance import queries
from alliance.settings import load_settings
from alliance.store import ingest, open_reader
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

ROOT = Path(__file__).resolve().parent.parent
CLINIC = "Havbris DPS"


def srs(total: float) -> tuple:
    """Four SRS items that sum to `total` (the last item takes the rest)."""
    each = round(total / 4, 2)
    return (each, each, each, round(total - 3 * each, 2))


def wai(value: int) -> list:
    return [value] * 12


def build(tmp_path: Path, sessions: list[dict], forms: list[dict], settings: str | None = None) -> Path:
    folder, home = tmp_path / "exports", tmp_path / "home"
    folder.mkdir()
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, sessions)
    write_csv(folder / "feedback_1.csv", FEEDBACK_HEADER, forms)
    report = ingest(folder, home)
    assert report.exit_code == 0, report.rejects
    if settings:
        (home / "settings.toml").write_text(settings, encoding="utf-8")
    return home


def run(home: Path, name: str, **params) -> list[dict]:
    con = open_reader(home)
    try:
        frame = queries.run(con, name, params, settings=load_settings(home))
    finally:
        con.close()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def client_course(client: str, scores: list, therapist="T1", start=dt.date(2024, 1, 1), clinic=CLINIC,
                  first_number=1, ors=None, site="", sector="public", status=None):
    """Weekly attended sessions with one client form each (None: no form)."""
    rows, forms = [], []
    for i, score in enumerate(scores):
        sid = f"{client}-{i + 1}"
        ors_items = (None,) * 4 if not ors or ors[i] is None else tuple([ors[i] / 4] * 4)
        rows.append(session(clinic=clinic, session_id=sid, client_id=client, therapist_id=therapist,
                            date=(start + dt.timedelta(days=7 * i)).isoformat(), number=first_number + i,
                            ors=ors_items, site=site, sector=sector,
                            status=(status[i] if status else "attended")))
        if score is not None:
            forms.append(feedback(clinic=clinic, session_id=sid, srs=srs(score)))
    return rows, forms


def test_ruptures_repair_window_and_open_status(tmp_path):
    # K1: 38 -> 35.3 -> 33.3 (drop of exactly 2 at an exact decimal) -> 36 -> 35: the 33.3 is a rupture
    # from 35.3, repaired at 36; 38 -> 35.3 (drop 2.7) is a rupture repaired? 33.3, 36: neither reaches 38: unrepaired.
    s1, f1 = client_course("K1", [38, 35.3, 33.3, 36, 35])
    # K2: a rupture at the last rated session: open. An unrated session in between does not count.
    s2, f2 = client_course("K2", [36, None, 30])
    # K3: a rupture with only one later rated session that reaches the score before: repaired.
    s3, f3 = client_course("K3", [34, 31, 34.5])
    # K4: one rated session only: nothing.
    s4, f4 = client_course("K4", [20])
    home = build(tmp_path, s1 + s2 + s3 + s4, f1 + f2 + f3 + f4)
    rows = run(home, "ruptures")
    got = [(r["client_id"], r["session_number"], r["srs_before"], r["srs_at"], r["drop"], r["status"]) for r in rows]
    assert got == [
        ("K1", 2, 38.0, 35.3, 2.7, "unrepaired"),
        ("K1", 3, 35.3, 33.3, 2.0, "repaired"),
        ("K2", 3, 36.0, 30.0, 6.0, "open"),
        ("K3", 2, 34.0, 31.0, 3.0, "repaired"),
    ]
    assert rows[0]["session_id"] == "K1-2" and rows[0]["therapist_id"] == "T1"
    assert str(rows[0]["session_date"])[:10] == "2024-01-08"


def test_ruptures_follow_the_settings_in_force(tmp_path):
    s1, f1 = client_course("K1", [38, 35.3, 33.3, 36, 35])
    home = build(tmp_path, s1, f1, settings="[settings]\nrupture_drop = 2.5\nrepair_window = 1\n")
    got = [(r["session_number"], r["status"]) for r in run(home, "ruptures")]
    # Only the drop of 2.7 counts now, and the one next rated session (33.3) does not reach 38.
    assert got == [(2, "unrepaired")]


def test_rating_order_is_session_number_then_date_then_id(tmp_path):
    # Two sessions share session number 2 and date: the session_id decides (K1-b after K1-a).
    rows = [
        session(session_id="K1-a", client_id="K1", number=2, date="2024-01-08"),
        session(session_id="K1-b", client_id="K1", number=2, date="2024-01-08"),
        session(session_id="K1-c", client_id="K1", number=1, date="2024-01-20"),  # number beats date
    ]
    forms = [feedback(session_id="K1-c", srs=srs(36)), feedback(session_id="K1-a", srs=srs(30)),
             feedback(session_id="K1-b", srs=srs(35))]
    home = build(tmp_path, rows, forms)
    got = [(r["session_id"], r["srs_before"], r["status"]) for r in run(home, "ruptures")]
    assert got == [("K1-a", 36.0, "open")]  # 35 after it does not reach 36; one later session of two


def test_period_keeps_ruptures_found_on_the_whole_history(tmp_path):
    s1, f1 = client_course("K1", [38, 30, 39])  # rupture at 2024-01-08, repaired 2024-01-15
    home = build(tmp_path, s1, f1)
    assert [r["status"] for r in run(home, "ruptures", start=dt.date(2024, 1, 8), end=dt.date(2024, 1, 8))] == ["repaired"]
    assert run(home, "ruptures", start=dt.date(2024, 1, 9)) == []
    # The previous rated session lies before the period, yet the rupture is found.
    assert len(run(home, "ruptures", start=dt.date(2024, 1, 2))) == 1


def test_cancelled_sessions_are_not_rated(tmp_path):
    s1, f1 = client_course("K1", [38, 30, 39], status=["attended", "cancelled", "attended"])
    home = build(tmp_path, s1, f1)
    assert run(home, "ruptures") == []
    trend = run(home, "alliance_trend")
    assert [(r["n_rated"], r["mean_srs"]) for r in trend] == [(2, 38.5)]


def test_therapist_summary(tmp_path):
    # T1 works at Bergen twice and Oslo twice: the tie goes to Bergen. T2 has a rated and an unrated session.
    s1, f1 = client_course("K1", [38, 35], therapist="T1", site="Bergen", sector="private", clinic="Fjord")
    s2, f2 = client_course("K2", [30, 20], therapist="T1", site="Oslo", sector="private", clinic="Fjord",
                           start=dt.date(2024, 2, 1))
    s3, f3 = client_course("K3", [37, None], therapist="T2")
    forms = f1 + f2 + f3
    # Client and therapist WAI at two of T1's sessions: discrepancies 1 and 2.
    forms = [dict(f, **{f"wai_{i + 1}": 4 for i in range(12)}) if f["session_id"] in ("K1-1", "K2-1") else f
             for f in forms]
    forms += [feedback(clinic="Fjord", session_id="K1-1", rater="therapist", srs=None, wai=wai(3)),
              feedback(clinic="Fjord", session_id="K2-1", rater="therapist", srs=None, wai=wai(2))]
    home = build(tmp_path, s1 + s2 + s3, forms)
    rows = {r["therapist_id"]: r for r in run(home, "therapist_summary")}
    t1 = rows["T1"]
    assert (t1["clinic"], t1["site"], t1["sector"]) == ("Fjord", "Bergen", "private")
    assert (t1["n_clients"], t1["n_sessions"], t1["n_rated"]) == (2, 4, 4)
    assert t1["mean_srs"] == pytest.approx((38 + 35 + 30 + 20) / 4)
    assert t1["pct_low"] == pytest.approx(75.0)
    # Ruptures: K1 38 -> 35 (open: no later session); K2 30 -> 20 (open).
    assert t1["n_ruptures"] == 2 and t1["pct_repaired"] is None
    assert t1["mean_discrepancy"] == pytest.approx(1.5)
    assert t1["completion_rate"] == pytest.approx(100.0)
    t2 = rows["T2"]
    assert (t2["n_sessions"], t2["n_rated"], t2["completion_rate"]) == (2, 1, pytest.approx(50.0))
    assert t2["mean_discrepancy"] is None and t2["n_ruptures"] == 0


def test_therapist_summary_pct_repaired(tmp_path):
    s1, f1 = client_course("K1", [38, 30, 39, 39])      # repaired
    s2, f2 = client_course("K2", [38, 30, 31, 32])      # unrepaired
    s3, f3 = client_course("K3", [38, 30])              # open: not counted in pct_repaired
    home = build(tmp_path, s1 + s2 + s3, f1 + f2 + f3)
    (row,) = run(home, "therapist_summary")
    assert (row["n_ruptures"], row["pct_repaired"]) == (3, pytest.approx(50.0))


def test_dual_perspective(tmp_path):
    s1, f1 = client_course("K1", [36, 36, 36, 36], therapist="T1")
    s2, f2 = client_course("K2", [36, 36], therapist="T2")
    s3, f3 = client_course("K3", [36], therapist="T3")  # no pairs: no row
    client_wai = {"K1-1": 5, "K1-2": 4, "K1-3": 4, "K1-4": 3, "K2-1": 4, "K2-2": 4}
    therapist_wai = {"K1-1": 4, "K1-2": 4, "K1-3": 3, "K1-4": 2, "K2-1": 3, "K2-2": 3}
    forms = [dict(f, **({f"wai_{i + 1}": client_wai[f["session_id"]] for i in range(12)}
                        if f["session_id"] in client_wai else {})) for f in f1 + f2 + f3]
    forms += [feedback(session_id=sid, rater="therapist", srs=None, wai=wai(v)) for sid, v in therapist_wai.items()]
    home = build(tmp_path, s1 + s2 + s3, forms)
    rows = {r["therapist_id"]: r for r in run(home, "dual_perspective")}
    assert set(rows) == {"T1", "T2"}
    t1 = rows["T1"]
    assert t1["n_pairs"] == 4
    assert (t1["mean_client_wai"], t1["mean_therapist_wai"], t1["mean_discrepancy"]) == (4.0, 3.25, 0.75)
    import numpy as np

    expected_r = np.corrcoef([5, 4, 4, 3], [4, 4, 3, 2])[0, 1]
    assert t1["correlation"] == pytest.approx(round(expected_r, 3))
    assert rows["T2"]["n_pairs"] == 2 and rows["T2"]["correlation"] is None  # under 3 pairs: empty
    # The contract's columns first, in their order; the discrepancy's 95 % interval appended.
    assert list(t1)[:8] == ["clinic", "therapist_id", "n_pairs", "mean_client_wai", "mean_therapist_wai",
                            "mean_discrepancy", "correlation", "n_clients"]
    assert list(t1)[8:] == ["ci_low", "ci_high"]
    # T1's four pairs all come from one client: the client is the interval's unit, so one client gives none.
    assert t1["ci_low"] is None and t1["ci_high"] is None and t1["n_clients"] == 1
    assert rows["T2"]["ci_low"] is None and rows["T2"]["ci_high"] is None


def test_dual_perspective_interval_is_empty_under_two_pairs(tmp_path):
    s1, f1 = client_course("K1", [36], therapist="T1")
    forms = [dict(f, **{f"wai_{i + 1}": 5 for i in range(12)}) for f in f1]
    forms += [feedback(session_id="K1-1", rater="therapist", srs=None, wai=wai(4))]
    home = build(tmp_path, s1, forms)
    (row,) = run(home, "dual_perspective")
    assert (row["n_pairs"], row["mean_discrepancy"]) == (1, 1.0)
    assert row["ci_low"] is None and row["ci_high"] is None


def test_client_outcomes_categories_and_period(tmp_path):
    courses = [
        ("K1", [20, None, 31]),    # first < 25, last >= 25, change 11: recovered
        ("K2", [26, 30, 32]),      # change 6, already above the cutoff: improved
        ("K3", [30, 28, 24]),      # change -6: deteriorated
        ("K4", [20, 22, 24]),      # change 4: unchanged
        ("K5", [20, None, None]),  # one ORS: insufficient
    ]
    rows, forms = [], []
    for client, ors in courses:
        s, f = client_course(client, [36, 36, 36], ors=ors, therapist="T1" if client != "K2" else "T2")
        rows += s
        forms += f
    # K2's last session is with T3: the client's therapist is that of the latest attended session.
    rows.append(session(session_id="K2-4", client_id="K2", therapist_id="T3", number=4, date="2024-01-29", ors=None))
    home = build(tmp_path, rows, forms)
    got = {r["client_id"]: (r["therapist_id"], r["n_sessions"], r["first_ors"], r["last_ors"], r["change"], r["category"])
           for r in run(home, "client_outcomes")}
    assert got["K1"] == ("T1", 3, 20, 31, 11, "recovered")
    assert got["K2"] == ("T3", 4, 26, 32, 6, "improved")
    assert got["K3"][5] == "deteriorated" and got["K4"][5] == "unchanged"
    assert got["K5"] == ("T1", 3, 20, 20, None, "insufficient")
    # The period cuts K1's history: first and last ORS come from inside it.
    cut = {r["client_id"]: r for r in run(home, "client_outcomes", start=dt.date(2024, 1, 8))}
    assert (cut["K1"]["first_ors"], cut["K1"]["last_ors"], cut["K1"]["category"]) == (31, 31, "insufficient")
    assert cut["K3"]["first_ors"] == 28 and cut["K3"]["n_sessions"] == 2


def test_ors_cutoff_and_rci_follow_settings(tmp_path):
    s, f = client_course("K1", [36, 36], ors=[20, 24])
    home = build(tmp_path, s, f, settings="ors_cutoff = 22\nors_rci = 4\n")
    assert run(home, "client_outcomes")[0]["category"] == "recovered"


def test_alliance_trend_groups_and_cutoff_setting(tmp_path):
    s1, f1 = client_course("K1", [36, 34], therapist="T1", site="Bergen", sector="private", clinic="Fjord")
    s2, f2 = client_course("K2", [30], therapist="T2")
    home = build(tmp_path, s1 + s2, f1 + f2)
    by_sector = run(home, "alliance_trend")
    assert [(r["group"], r["n_rated"], r["n_clients"], r["mean_srs"], r["pct_low"]) for r in by_sector] == [
        ("private", 2, 1, 35.0, 50.0), ("public", 1, 1, 30.0, 100.0)]
    assert {r["group"] for r in run(home, "alliance_trend", group="therapist")} == {"Fjord/T1", f"{CLINIC}/T2"}
    assert {r["group"] for r in run(home, "alliance_trend", group="site")} == {"Bergen", CLINIC}
    (home / "settings.toml").write_text("srs_cutoff = 35\n", encoding="utf-8")
    private = [r for r in run(home, "alliance_trend") if r["group"] == "private"][0]
    assert private["pct_low"] == 50.0  # 34 < 35; 36 is not
    (home / "settings.toml").write_text("srs_cutoff = 34\n", encoding="utf-8")
    private = [r for r in run(home, "alliance_trend") if r["group"] == "private"][0]
    assert private["pct_low"] == 0.0


def test_empty_store_answers_every_query_with_columns(tmp_path):
    home = build(tmp_path, [], [])
    for name, query in queries.all_queries().items():
        con = open_reader(home)
        try:
            frame = queries.run(con, name)
        finally:
            con.close()
        assert len(frame.columns) > 0, name
        if name == "wai_pairs_summary":
            # One row even without pairs: the Dual perspective page tells emptiness by n_pairs == 0.
            assert len(frame) == 1 and frame["n_pairs"].iloc[0] == 0, name
            assert frame[["pct_client_higher", "pct_therapist_higher"]].isna().all(axis=None), name
        elif name not in ("files", "data_span"):
            assert frame.empty, name


def test_every_query_runs_from_the_command_line_as_a_table(tmp_path, capsys):
    from alliance.__main__ import main

    s1, f1 = client_course("K1", [38, 30, 39])
    home = build(tmp_path, s1, f1)
    for name in queries.all_queries():
        for fmt in ("table", "json", "csv"):
            code = main(["query", name, "--format", fmt, "--home", str(home)])
            out = capsys.readouterr()
            assert code == 0, (name, fmt, out.err)
            assert out.out.strip(), (name, fmt)
            if fmt == "json":
                assert isinstance(json.loads(out.out), list), name
    # And once through a real process, as a cron job would.
    r = subprocess.run([sys.executable, "-m", "alliance", "query", "ruptures", "--format", "table", "--home", str(home)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0 and "repaired" in r.stdout, r.stderr


def test_query_files_read_only_scoped_tables():
    """A query file must not reach a table behind the scope (main.x) or anything outside the store."""
    import re

    forbidden = re.compile(r"\bmain\.|\bread_(csv|parquet|json)\w*|\battach\b|\bcopy\b|\binstall\b|\bload\b"
                           r"|\bpragma\b|\bset\b")
    for path in sorted((ROOT / "queries").rglob("*.sql")):
        if path.parent.name == "views":
            continue  # views build the store's tables; they run at build time, not as a viewer
        code = "\n".join(line for line in path.read_text(encoding="utf-8").lower().splitlines()
                         if not line.lstrip().startswith("--"))
        assert not forbidden.search(code), (path.name, forbidden.search(code))


def test_text_parameters_are_bound_values_with_a_length_limit(tmp_path):
    """A text parameter carrying SQL is only ever a value; an over-long one is refused in a sentence."""
    s1, f1 = client_course("K1", [38, 30, 39])
    home = build(tmp_path, s1, f1)
    query = queries.Query("probe", "", "SELECT count(*) AS n FROM sessions WHERE client_id = $client_id",
                          (queries.Param("client_id", "text"),))

    def bind(params):
        values = queries._resolve_params(query, params)
        return queries._bindings(query, values, queries.EVERYTHING, queries.EVERYTHING, None)

    con = open_reader(home)
    try:
        bindings = bind({"client_id": "K1"})
        assert con.execute(query.sql_for(queries.EVERYTHING), bindings).fetchone() == (3,)
        hostile = "K1' OR '1'='1"
        bindings = bind({"client_id": hostile})
        assert con.execute(query.sql_for(queries.EVERYTHING), bindings).fetchone() == (0,)
    finally:
        con.close()
    with pytest.raises(queries.QueryError, match="longer than 200 characters"):
        bind({"client_id": "x" * 201})
    with pytest.raises(queries.QueryError, match="must be text"):
        bind({"client_id": 7})
    assert queries.Param("client_id", "text").parse("  K1 ", "probe") == "K1"


def test_alliance_trend_interval_has_the_therapist_as_its_unit(tmp_path):
    s1, f1 = client_course("K1", [30, 34, 38])  # one month, three rated sessions of one client
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "same").mkdir()
    home = build(tmp_path / "one", s1, f1)
    (row,) = run(home, "alliance_trend")
    # mean 34, sd 4 over the sessions; but one client of one therapist is one unit: no interval.
    assert (row["mean_srs"], row["sd"], row["n_clients"]) == (34.0, 4.0, 1)
    assert row["ci_low"] is None and row["ci_high"] is None
    # Two clients of one therapist: still one therapist, so no interval for the sector; the therapist's
    # own row takes the clients as its unit and has one.
    s1, f1 = client_course("K1", [30, 32, 34, 36])
    s2, f2 = client_course("K2", [40])
    home = build(tmp_path / "same", s1 + s2, f1 + f2)
    (row,) = run(home, "alliance_trend")
    assert row["n_clients"] == 2 and row["ci_low"] is None
    (mine,) = run(home, "alliance_trend", group="therapist")
    assert mine["ci_low"] is not None
    # Two clients of two therapists: K1 with 30, 32, 34, 36 (sum 132) under T1 and K2 with 40 under T2 in the
    # same month. Mean 172 / 5 = 34.4; SE^2 = 2/1 · ((132 - 4 · 34.4)^2 + (40 - 34.4)^2) / 5^2 = 2 · 62.72 / 25;
    # t(0.975, 1) = 12.7062.
    s2, f2 = client_course("K2", [40], therapist="T2")
    (row,) = run(build(tmp_path / "two", s1 + s2, f1 + f2), "alliance_trend")
    half = 12.7062 * (2 * 62.72 / 25) ** 0.5
    assert (row["mean_srs"], row["n_rated"], row["n_clients"]) == (34.4, 5, 2)
    assert (row["ci_low"], row["ci_high"]) == (round(34.4 - half, 2), round(34.4 + half, 2))


def test_the_models_list_parameters_take_only_lists_of_their_kind(sample_home):
    # model_ors_track takes one list per coefficient (every fitted clinic in one pass); a wrong value is one
    # sentence naming the parameter, and a list can never come from the command line.
    con = open_reader(sample_home)
    good = {"clinics": ["Havbris DPS"], "intercepts": [20.0], "intake_slopes": [0.5], "time_slopes": [1.0],
            "interactions": [0.0]}
    band = queries.run_input(con, "model_ors_track", good)
    assert set(band["clinic"]) == {"Havbris DPS"} and (band["n_later"] > 0).all()
    for wrong, message in [({"clinics": "Havbris DPS"}, "Parameter clinics of model_ors_track must be a list."),
                           ({"clinics": [1]}, "must be a list of texts of at most 200 characters."),
                           ({"intercepts": [float("nan")]}, "Parameter intercepts of model_ors_track must be a list of finite numbers."),
                           ({"time_slopes": ["1"]}, "must be a list of finite numbers.")]:
        with pytest.raises(queries.QueryError) as err:
            queries.run_input(con, "model_ors_track", {**good, **wrong})
        assert str(err.value).endswith(message)
    param = next(p for p in queries.get("model_ors_track", internal=True).params if p.name == "clinics")
    with pytest.raises(queries.QueryError, match="is a list that only the models pass"):
        param.parse("Havbris DPS", "model_ors_track")
