"""Small-cell suppression (alliance/disclosure.py) and the peer clinics a supervisor sees only as aggregates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance import queries, store
from alliance.disclosure import SUPPRESSED, Suppression, check, suppress
from alliance.scope import Scope
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

TREND = Suppression.parse("n_clients peers n_peer within month, parent keep month, group", "test")
OUTCOME = Suppression.parse("n_clients peers n_peer within group within category, parent keep group, category", "test")


def test_the_header_line_is_parsed_and_its_mistakes_are_named():
    assert TREND == Suppression("n_clients", "n_peer", (("month", "parent"),), ("month", "parent", "group"))
    assert OUTCOME.within == (("group",), ("category", "parent"))
    with pytest.raises(ValueError, match="q.sql: the suppress line must start with the column that counts clients"):
        Suppression.parse("within month", "q.sql")
    with pytest.raises(ValueError, match="'month' where 'peers', 'within' or 'keep' belongs"):
        Suppression.parse("n month", "q.sql")
    with pytest.raises(ValueError, match="group-level query needs a suppress line"):
        queries._parse_query(_query_file("-- level: group\nSELECT 1"))
    with pytest.raises(ValueError, match="level must be client or group, not 'site'"):
        queries._parse_query(_query_file("-- level: site\nSELECT 1"))


def _query_file(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "probe.sql"
    path.write_text("-- probe: a test query.\n" + text)
    return path


def test_a_small_peer_cell_is_hidden_with_a_partner_and_keeps_its_name():
    frame = pd.DataFrame({
        "month": ["2024-01"] * 3 + ["2024-02"] * 3,
        "parent": ["A", "A", "B"] * 2,
        "group": ["a1", "a2", "b1"] * 2,
        "n_clients": [2, 9, 30, 6, 7, 30],
        "n_peer": [2, 9, 0, 6, 7, 0],
        "mean": [30.0, 35.0, 38.0, 31.0, 33.0, 37.0],
    })
    out = suppress(frame, TREND, below=5)
    # January: a1 (2 peer clients) hidden, and a2, the other cell of its clinic, with it.
    assert list(out[SUPPRESSED]) == [True, True, False, False, False, False]
    assert out.loc[:1, ["mean", "n_clients", "n_peer"]].isna().all().all()
    assert list(out["group"]) == list(frame["group"]) and list(out["month"]) == list(frame["month"])
    assert out.loc[2:, "mean"].tolist() == [38.0, 31.0, 33.0, 37.0]
    assert check(frame.assign(suppressed=out[SUPPRESSED]), TREND, 5) == []


def test_own_cells_are_not_hidden_on_screen_but_are_in_an_export():
    frame = pd.DataFrame({"month": ["m"] * 2, "parent": ["A"] * 2, "group": ["own", "peer"],
                          "n_clients": [3, 40], "n_peer": [0, 40]})
    assert not suppress(frame, TREND, 5)[SUPPRESSED].any()
    exported = suppress(frame, TREND, 5, everything=True)
    assert exported[SUPPRESSED].tolist() == [True, True]  # the small one and its only partner


def test_the_partner_is_a_peer_cell_when_there_is_one():
    """Hiding one of the viewer's own cells would protect nothing: they know it."""
    frame = pd.DataFrame({"month": ["m"] * 3, "parent": ["A"] * 3, "group": ["small peer", "own", "big peer"],
                          "n_clients": [2, 6, 50], "n_peer": [2, 0, 50]})
    assert suppress(frame, TREND, 5)[SUPPRESSED].tolist() == [True, False, True]


def test_two_dimensions_are_protected_together():
    """Outcome categories add up per group and, per category, over a clinic's sites."""
    frame = pd.DataFrame({
        "group": ["Bergen"] * 3 + ["Oslo"] * 3,
        "parent": ["P"] * 6,
        "category": ["improved", "unchanged", "deteriorated"] * 2,
        "n_clients": [2, 10, 8, 12, 9, 7],
    }).assign(n_peer=lambda f: f["n_clients"])
    out = suppress(frame, OUTCOME, 5)
    assert check(frame.assign(suppressed=out[SUPPRESSED]), OUTCOME, 5) == []
    hidden = frame[out[SUPPRESSED]]
    assert len(hidden) >= 4  # Bergen's 2 and a partner in Bergen; Oslo's improved and a partner in Oslo


def test_below_one_hides_nothing():
    frame = pd.DataFrame({"month": ["m"], "parent": [""], "group": ["g"], "n_clients": [1], "n_peer": [1]})
    assert not suppress(frame, TREND, 1)[SUPPRESSED].any()


tables = st.integers(min_value=1, max_value=6).flatmap(lambda groups: st.integers(min_value=1, max_value=5).flatmap(
    lambda months: st.tuples(
        st.just(groups), st.just(months),
        st.lists(st.integers(0, 12), min_size=groups * months, max_size=groups * months),
        st.lists(st.booleans(), min_size=groups * months, max_size=groups * months),
        st.lists(st.integers(0, 2), min_size=groups, max_size=groups),
    )))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.integers(min_value=2, max_value=8), st.booleans())
def test_suppression_always_holds(table, below, everything):
    """For any table: no visible sensitive cell, no partition with one hidden cell, names kept, figures emptied."""
    groups, months, counts, is_peer, parents = table
    frame = pd.DataFrame({
        "month": np.repeat(np.arange(months), groups),
        "group": np.tile(np.arange(groups), months).astype(str),
        "parent": np.tile(np.array(parents), months).astype(str),
        "n_clients": counts,
        "n_peer": [c if p else 0 for c, p in zip(counts, is_peer)],
        "mean": np.arange(groups * months, dtype=float),
    })
    for rule in (TREND, Suppression.parse("n_clients peers n_peer within month within group, parent keep month, group",
                                          "t")):
        out = suppress(frame, rule, below, everything=everything)
        assert check(frame.assign(suppressed=out[SUPPRESSED]), rule, below, everything=everything) == []
        hidden = out[SUPPRESSED]
        assert out.loc[hidden, "mean"].isna().all() and out.loc[hidden, "n_clients"].isna().all()
        assert (out.loc[~hidden, "mean"] == frame.loc[~hidden, "mean"]).all()
        assert out["group"].tolist() == frame["group"].tolist()


# --- in the store: a supervisor's view of another clinic ---------------------------------------------------------

OWN, PEER = "Havbris DPS", "Fjordklinikken"


@pytest.fixture(scope="module")
def two_clinics(tmp_path_factory) -> Path:
    """The supervisor's own public clinic (6 clients); the private one: 8 clients in Bergen, 2 in Oslo.

    Every client has three weekly sessions in January 2024, rated 30, 34 and 38 on the SRS, with the
    client's WAI at 4 and the therapist's at 3, 3.5 and 4.
    """
    sessions, forms, n = [], [], 0
    people = ([(OWN, "public", "", "T1", f"A{i}") for i in range(6)]
              + [(PEER, "private", "Bergen", "T7", f"B{i}") for i in range(8)]
              + [(PEER, "private", "Oslo", "T8", f"O{i}") for i in range(2)])
    for clinic, sector, site, therapist, client in people:
        for week, srs in enumerate((30, 34, 38)):
            n += 1
            sessions.append(session(clinic=clinic, session_id=f"S{n}", client_id=client, therapist_id=therapist,
                                    date=(dt.date(2024, 1, 2) + dt.timedelta(days=7 * week)).isoformat(),
                                    number=week + 1, sector=sector, site=site))
            forms.append(feedback(clinic=clinic, session_id=f"S{n}", srs=(srs / 4,) * 4, wai=(4,) * 12))
            forms.append(feedback(clinic=clinic, session_id=f"S{n}", rater="therapist", srs=None, wai=(3 + week / 2,) * 12))
    root = tmp_path_factory.mktemp("two_clinics")
    data, home = root / "exports", root / "home"
    data.mkdir()
    write_csv(data / "sessions_test.csv", SESSION_HEADER, sessions)
    write_csv(data / "feedback_test.csv", FEEDBACK_HEADER, forms)
    store.ingest(data, home)
    return home


@pytest.fixture
def con(two_clinics):
    con = store.open_reader(two_clinics)
    yield con
    con.close()


SUPERVISOR = Scope(clinics=(OWN,), peers=None)
ISOLATED = Scope(clinics=(OWN,), peers=())


def test_a_supervisor_sees_other_clinics_only_as_suppressed_aggregates(con):
    trend = queries.run(con, "alliance_trend", {"group": "site"}, SUPERVISOR).set_index("group")
    assert set(trend.index) == {OWN, "Bergen", "Oslo"}
    # Oslo has 2 clients: hidden; Bergen, the only other site of that clinic, goes with it.
    assert trend.loc["Oslo", "suppressed"] and trend.loc["Bergen", "suppressed"]
    assert pd.isna(trend.loc["Oslo", "mean_srs"]) and pd.isna(trend.loc["Bergen", "n_clients"])
    assert not trend.loc[OWN, "suppressed"] and trend.loc[OWN, "n_clients"] == 6
    # By clinic the private clinic's 10 clients show: only the sum of the two hidden sites.
    by_clinic = queries.run(con, "alliance_trend", {"group": "clinic"}, SUPERVISOR).set_index("group")
    assert not by_clinic["suppressed"].any() and by_clinic.loc[PEER, "n_clients"] == 10
    assert "_parent" not in trend.columns and "_n_peer_clients" not in trend.columns


def test_figures_about_therapists_and_clients_never_reach_a_peer(con):
    by_therapist = queries.run(con, "alliance_trend", {"group": "therapist"}, SUPERVISOR)
    assert set(by_therapist["group"]) == {f"{OWN}/T1"}
    profiles = queries.run(con, "profiles", {"level": "therapist"}, SUPERVISOR)
    assert set(profiles["group"]) == {f"{OWN}/T1"}
    for name in ("caseload_flags", "client_outcomes", "ruptures", "therapist_summary", "comments"):
        frame = queries.run(con, name, {}, SUPERVISOR)
        assert set(frame["clinic"]) <= {OWN}, name


def test_no_peers_means_no_other_clinic_even_as_aggregates(con):
    for name, params in (("alliance_trend", {"group": "sector"}), ("outcome_summary", {"group": "clinic"}),
                         ("alliance_development", {"group": "site"}), ("profiles", {"level": "clinic"}),
                         ("early_alliance_outcome", {"group": "clinic"})):
        frame = queries.run(con, name, params, ISOLATED)
        assert set(frame["group"]) <= {OWN, "public"}, name
        assert not frame.get("suppressed", pd.Series(dtype=bool)).any(), name


def test_everything_is_shown_to_an_admin(con):
    trend = queries.run(con, "alliance_trend", {"group": "site"}, Scope()).set_index("group")
    assert "suppressed" not in trend.columns and trend.loc["Oslo", "n_clients"] == 2


def test_every_group_level_query_suppresses_for_a_supervisor(con):
    """Each figure about groups, at every grouping, holds the rule on this store."""
    for name, key in (("alliance_trend", "group"), ("alliance_development", "group"), ("wai_development", "group"),
                      ("discrepancy_development", "group"), ("outcome_summary", "group"), ("profiles", "level"),
                      ("early_alliance_outcome", "group")):
        query = queries.get(name)
        assert query.level.kind == "group" and query.suppression is not None, name
        choices = next(p.choices for p in query.params if p.name == key)
        for value in choices:
            if query.level.of({key: value}) == "client":
                continue
            rows = queries.run(con, name, {key: value}, SUPERVISOR)
            assert "suppressed" in rows.columns, (name, value)
            if value == "site" and len(rows):
                # Oslo's cells with any of its 2 clients are hidden (an empty outcome category is not sensitive).
                everything = queries.run(con, name, {key: value}, Scope())
                count = query.suppression.count
                oslo = (everything["group"] == "Oslo") & (everything[count] > 0)
                assert oslo.any() and rows.loc[oslo.to_numpy(), "suppressed"].all(), (name, value)


def test_exports_hide_therapists_with_few_clients_that_the_screen_shows(con):
    """Per-therapist figures are client level on screen (the viewer sees those clients), but a file leaves the product."""
    from alliance.charts.therapists import create_funnel, create_therapist_effects

    for name in ("funnel", "therapist_summary", "dual_perspective", "therapist_effects"):
        screen = queries.run(con, name, {}, Scope()).set_index("therapist_id")
        assert "suppressed" not in screen.columns and screen.loc["T8", "n_clients"] == 2, name
        exported = queries.run_for_export(con, name, {}, Scope()).set_index("therapist_id")
        # T8 (2 clients) hidden, and T7, the only other therapist of that clinic, with it; T1 (6 clients) shown.
        assert exported.loc["T8", "suppressed"] and exported.loc["T7", "suppressed"], name
        assert pd.isna(exported.loc["T8", "n_clients"]) and not exported.loc["T1", "suppressed"], name
        assert exported.loc["T1", "n_clients"] == 6, name
    figure = create_funnel(queries.run_for_export(con, "funnel", {}, Scope()))
    assert figure.data  # the charts of an export are drawn from the hidden rows without failing
    assert create_therapist_effects(queries.run_for_export(con, "therapist_effects", {}, Scope())).data
