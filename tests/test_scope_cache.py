"""Two viewers of different scope at once: neither ever gets the other's rows, including through the caches.

The page cache (`alliance.ui.data._query`, st.cache_resource, shared by every session of a server)
and the model cache (alliance.queries, memory and disk) are both keyed by the viewer's scope.
Here two threads ask for the same queries with the same parameters at the same time, over
and over, each as a different viewer, on one store; each checks every answer against what its
scope allows. The browser test of two logged-in users is in tests/test_login_browser.py.
"""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from alliance import queries, store
from alliance.scope import Scope
from alliance.ui import data as ui_data

# (query, params, the column naming the clinic or the group)
CLIENT_LEVEL = (
    ("caseload_flags", {}, "clinic"),
    ("therapist_summary", {}, "clinic"),
    ("ruptures", {}, "clinic"),
    ("comments", {}, "clinic"),
    ("client_outcomes", {}, "clinic"),
    ("therapist_effects", {"adjust": "none"}, "clinic"),
    ("treatment_response", {}, "clinic"),
)


def _clinics(home) -> dict[str, str]:
    con = store.open_reader(home)
    try:
        return dict(con.execute("SELECT DISTINCT clinic, sector FROM sessions").fetchall())
    finally:
        con.close()


def test_two_viewers_at_once_never_see_each_others_rows(sample_home):
    clinics = _clinics(sample_home)
    (public,) = [c for c, s in clinics.items() if s == "public"]
    (private,) = [c for c, s in clinics.items() if s == "private"]
    home, version = str(sample_home), store.store_version(sample_home)
    settings = tuple(sorted({"srs_cutoff": 36}.items()))
    viewers = {
        public: Scope(clinics=(public,), peers=None),  # a supervisor of the public clinic
        private: Scope(clinics=(private,), therapists=None, peers=()),  # one who sees nothing of the other
    }
    ui_data._query.clear()
    queries._MODEL_CACHE.clear()
    problems: list[str] = []
    barrier = threading.Barrier(len(viewers))

    def browse(own: str, scope: Scope) -> None:
        try:
            for round_ in range(6):
                barrier.wait(timeout=120)  # both ask at the same moment
                for name, params, column in CLIENT_LEVEL:
                    rows = ui_data._query(home, version, name, tuple(sorted(params.items())), scope, settings)
                    seen = set(rows[column].dropna().astype(str))
                    if not seen or seen - {own}:
                        problems.append(f"{own} round {round_}: {name} showed {sorted(seen)}")
                trend = ui_data._query(home, version, "alliance_trend", (("group", "clinic"),), scope, settings)
                groups = set(trend["group"])
                if scope.peers == () and groups != {own}:
                    problems.append(f"{own}: alliance_trend by clinic showed {sorted(groups)}")
                if scope.peers is None and ("suppressed" not in trend or groups != set(clinics)):
                    problems.append(f"{own}: the supervisor's trend is not the suppressed view of every clinic")
        except Exception as exc:  # reported below, with the thread's viewer
            problems.append(f"{own}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=browse, args=(own, scope)) for own, scope in viewers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not problems, problems[:5]
    # And an admin asking afterwards gets the whole store, not a cached narrower answer.
    everything = ui_data._query(home, version, "caseload_flags", (), Scope(), settings)
    assert set(everything["clinic"]) == set(clinics)
    whole = ui_data._query(home, version, "alliance_trend", (("group", "clinic"),), Scope(), settings)
    assert "suppressed" not in whole and set(whole["group"]) == set(clinics)


def test_the_cache_key_holds_the_scope():
    """A scope is a plain, hashable value: equal scopes share a cached answer, different ones never do."""
    a = Scope(clinics=("A",), peers=None)
    assert hash(a) == hash(Scope(clinics=("A",), peers=None)) and a == Scope(clinics=("A",), peers=None)
    for other in (Scope(clinics=("A",), peers=()), Scope(clinics=("A",), therapists=(("A", "T1"),), peers=None),
                  Scope(clinics=("B",), peers=None), Scope()):
        assert other != a


def _snapshot(home, scope=Scope()):
    return ui_data.StoreSnapshot(home=str(home), version=store.store_version(home), scope=scope,
                                 settings=tuple(sorted(queries.DEFAULTS.items())))


def test_a_page_changing_its_rows_never_changes_what_the_next_run_reads(sample_home):
    # Every session shares one cached frame per key; a page that writes into its rows (a column
    # set, a cell changed) must get its own copy, never alter the shared one.
    ui_data._query.clear()
    snapshot = _snapshot(sample_home)
    first = snapshot.query("therapist_summary")
    before = first.copy(deep=True)
    first.loc[first.index[0], "n_clients"] = -1
    first["added"] = 1
    del first["clinic"]
    again = snapshot.query("therapist_summary")
    assert again is not first and "added" not in again.columns
    pd.testing.assert_frame_equal(again, before)


def test_a_cached_chart_is_reused_only_for_the_same_rows_options_and_language(sample_home):
    from alliance import i18n
    from alliance.charts.trend import create_alliance_trend

    ui_data._figure.clear()
    snapshot = _snapshot(sample_home)
    source = ("alliance_trend", {"group": "sector"})
    one = snapshot.figure(create_alliance_trend, source, cutoff=36, group_label="Sector")
    assert snapshot.figure(create_alliance_trend, source, cutoff=36, group_label="Sector") is one
    # the same as drawing it directly
    direct = create_alliance_trend(snapshot.query(*source[:1], **source[1]), cutoff=36, group_label="Sector")
    assert one.to_json() == direct.to_json()
    # anything else in the key gives another figure
    others = [
        snapshot.figure(create_alliance_trend, source, cutoff=30, group_label="Sector"),
        snapshot.figure(create_alliance_trend, ("alliance_trend", {"group": "clinic"}), cutoff=36, group_label="Sector"),
        _snapshot(sample_home, Scope(clinics=("Havbris DPS",))).figure(create_alliance_trend, source, cutoff=36,
                                                                        group_label="Sector"),
    ]
    token = i18n._current.set("nb")
    try:
        others.append(snapshot.figure(create_alliance_trend, source, cutoff=36, group_label="Sector"))
    finally:
        i18n._current.reset(token)
    assert all(o is not one for o in others) and len({id(o) for o in others}) == len(others)
    assert others[0].to_json() != one.to_json()
    # a lambda has no name to key by: refused, not cached under '<lambda>'
    with pytest.raises(TypeError):
        snapshot.figure(lambda rows: create_alliance_trend(rows), source)


def test_a_clinic_filter_is_served_from_the_whole_stores_per_clinic_model(tmp_path):
    """caseload_flags and treatment_response are computed per clinic: the rows of some clinics are the
    whole store's rows, filtered. With the whole store's result cached (the ingest computes it), a
    clinic or sector filter is served from it, equal to its own computation; other scopes compute."""
    import datetime as dt

    from alliance import sample
    from alliance.scope import EVERYTHING
    from alliance.settings import load_settings

    folder, home = tmp_path / "exports", tmp_path / "home"
    sample.generate(folder, seed=5, n_sessions=6000, layout="csv")
    store.ingest(folder, home)
    settings = load_settings(home)
    queries._MODEL_CACHE.clear()
    queries.warm_build(home, settings)  # as `python -m alliance ingest` does: EVERYTHING on disk
    con = store.open_reader(home)
    computed: list[str] = []
    real = queries._load_or_compute

    def recording(con_, query, values, scope, in_force, disk):  # the scope's own result: computed, or its own file
        computed.append(query.name)
        return real(con_, query, values, scope, in_force, disk)

    try:
        clinics = [r[0] for r in con.execute("SELECT DISTINCT clinic FROM sessions ORDER BY 1").fetchall()]
        assert len(clinics) >= 2
        start = con.execute("SELECT max(session_date) - INTERVAL 200 DAY FROM sessions").fetchone()[0].date()
        in_force = {**queries.DEFAULTS, **settings}
        queries._load_or_compute = recording
        for i, name in enumerate(("caseload_flags", "treatment_response")):
            query = queries.get(name)
            start = start - dt.timedelta(days=i)  # a period of its own (caseload_flags runs treatment_response)
            for scope in [Scope(clinics=(c,)) for c in clinics] + [Scope(clinics=tuple(clinics), peers=None)]:
                queries._MODEL_CACHE.clear()
                computed.clear()
                served = queries.run(con, name, {}, scope, settings)
                assert computed == [], f"{name} for {scope.clinics} was computed, not filtered"
                assert set(served["clinic"]) == set(scope.clinics) & set(served["clinic"]) and len(served)
                own = query.compute(con, queries._resolve_params(query, {}), scope, in_force)
                pd.testing.assert_frame_equal(served, own)
            # Not derived: a therapist's caseload (their sessions only), and a period nobody computed.
            therapist = con.execute("SELECT clinic, therapist_id FROM sessions LIMIT 1").fetchone()
            for scope, params in ((Scope(clinics=(therapist[0],), therapists=(therapist,)), {}),
                                  (Scope(clinics=(clinics[0],)), {"start": start})):
                queries._MODEL_CACHE.clear()
                computed.clear()
                queries.run(con, name, params, scope, settings)
                assert name in computed, (name, scope, params)
            # Once the whole store's result for that period exists, a clinic's is filtered from it.
            queries.run(con, name, {"start": start}, EVERYTHING, settings)
            computed.clear()
            served = queries.run(con, name, {"start": start}, Scope(clinics=(clinics[1],)), settings)
            assert computed == []
            own = query.compute(con, queries._resolve_params(query, {"start": start}), Scope(clinics=(clinics[1],)),
                                in_force)
            pd.testing.assert_frame_equal(served, own)
    finally:
        queries._load_or_compute = real
        queries._MODEL_CACHE.clear()
        con.close()
