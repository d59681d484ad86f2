"""The client timeline chart, and the two queries behind the Supervision and Feedback pages, on hand-made stores."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alliance import i18n, queries
from alliance.charts.colors import OKABE_ITO, REFERENCE_COLOR
from alliance.charts.timeline import create_client_timeline
from alliance.scope import Scope
from tests.exports import feedback, session
from tests.test_charts import plain, values
from tests.test_queries import CLINIC, build, run, srs

HOSTILE = "**bold** <b>x</b> <script>alert(1)</script> [link](http://x)"


@pytest.fixture(autouse=True)
def english():
    """The language is a context variable of the thread: every test starts, and leaves, in English."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def timeline_rows(rows):
    columns = ["session_id", "session_number", "session_date", "srs_total", "client_wai", "therapist_wai",
               "ors_total", "comment", "is_rated", "therapist_id", "rupture_srs_before", "rupture_status"]
    return pd.DataFrame(rows, columns=columns).astype({"session_date": "datetime64[us]"})


# Five sessions: an unrated one (4), WAI-SR at 1 and 3 only, a rupture at 2 (unrepaired) and 3 (repaired).
COURSE = timeline_rows([
    ("S1", 1, "2024-01-01", 38.0, 4.5, 4.0, 18.0, None, True, "T1", None, None),
    ("S2", 2, "2024-01-08", 35.0, None, None, 19.0, "hard week", True, "T1", 38.0, "unrepaired"),
    ("S3", 3, "2024-01-15", 33.0, 3.5, 4.25, None, None, True, "T1", 35.0, "repaired"),
    ("S4", 4, "2024-01-22", None, None, None, 22.0, None, False, "T2", None, None),
    ("S5", 5, "2024-01-29", 37.0, None, None, 27.5, None, True, "T1", None, None),
])


def traces(spec):
    return {t["name"]: t for t in spec["data"]}


def test_srs_and_both_wai_views_share_the_top_row_and_ors_has_its_own():
    spec = plain(create_client_timeline(COURSE, srs_cutoff=36, ors_cutoff=25))
    lines = traces(spec)
    assert set(lines) == {"Client SRS", "Client WAI-SR", "Therapist WAI-SR", "ORS",
                          "Rupture, unrepaired", "Rupture, repaired"}
    assert lines["Client SRS"]["yaxis"] == "y" and lines["Client SRS"]["xaxis"] == "x"
    assert lines["Client WAI-SR"]["yaxis"] == lines["Therapist WAI-SR"]["yaxis"] == "y2"  # right axis, 1-5
    assert lines["ORS"]["yaxis"] == "y3" and lines["ORS"]["xaxis"] == "x2"  # the second row
    assert spec["layout"]["yaxis2"]["overlaying"] == "y" and spec["layout"]["yaxis2"]["side"] == "right"
    assert spec["layout"]["xaxis"]["matches"] == "x2"  # one time axis for both rows
    assert values(lines["Client SRS"]["y"])[:3] == [38.0, 35.0, 33.0]
    assert pd.isna(values(lines["Client SRS"]["y"])[3])  # the unrated session has no SRS point...
    assert lines["Client SRS"]["connectgaps"] is True  # ...and the line goes on across it
    therapist_wai = values(lines["Therapist WAI-SR"]["y"])
    assert (therapist_wai[0], therapist_wai[2]) == (4.0, 4.25) and pd.isna(therapist_wai[1])
    assert [pd.Timestamp(x).date() for x in lines["ORS"]["x"]][0] == dt.date(2024, 1, 1)
    assert lines["Client SRS"]["line"]["color"] == OKABE_ITO["blue"]


def test_ruptures_are_marked_on_the_srs_line_by_repair_status():
    spec = plain(create_client_timeline(COURSE, srs_cutoff=36, ors_cutoff=25))
    lines = traces(spec)
    unrepaired, repaired = lines["Rupture, unrepaired"], lines["Rupture, repaired"]
    assert unrepaired["mode"] == repaired["mode"] == "markers"
    assert values(unrepaired["y"]) == [35.0] and values(repaired["y"]) == [33.0]
    assert unrepaired["marker"]["symbol"] != repaired["marker"]["symbol"]  # not by colour alone
    assert "dropped from 38.0 to 35.0" in unrepaired["customdata"][0][0]
    assert "Rupture, still open" not in lines  # no open rupture, no legend entry for one


def test_cutoffs_are_labelled_lines_on_their_rows():
    spec = plain(create_client_timeline(COURSE, srs_cutoff=36, ors_cutoff=25))
    labels = {a["text"]: a["yref"] for a in spec["layout"]["annotations"]}
    assert labels == {"cutoff 36": "y", "ORS cutoff 25": "y3"}
    lines = {(s["yref"], s["y0"]) for s in spec["layout"]["shapes"]}
    assert lines == {("y", 36), ("y3", 25)}
    assert all(s["line"]["color"] == REFERENCE_COLOR for s in spec["layout"]["shapes"])


def test_hover_names_the_session_its_date_and_therapist():
    spec = plain(create_client_timeline(COURSE, srs_cutoff=36, ors_cutoff=25))
    srs_line = traces(spec)["Client SRS"]
    assert srs_line["customdata"][3][0] == "Session 4 · 22 Jan 2024 · therapist T2"
    assert "Client SRS %{y:.1f}" in srs_line["hovertemplate"]


def test_norwegian_texts_numbers_and_separators():
    i18n.set_language("nb")
    spec = plain(create_client_timeline(COURSE, srs_cutoff=35.5, ors_cutoff=25))
    assert spec["layout"]["separators"] == ",\u00a0"
    assert {a["text"] for a in spec["layout"]["annotations"]} == {"grense 35,5", "ORS-grense 25"}
    lines = traces(spec)
    assert "Klientens SRS" in lines and "Brudd, ikke reparert" in lines
    assert lines["Klientens SRS"]["customdata"][0][0] == "Time 1 · 01.01.2024 · terapeut T1"
    assert "falt fra 38,0 til 35,0" in lines["Brudd, ikke reparert"]["customdata"][0][0]


def test_comments_never_reach_the_figure():
    course = COURSE.assign(comment=HOSTILE)
    text = str(create_client_timeline(course, srs_cutoff=36, ors_cutoff=25).to_dict())
    assert "<script>" not in text and "**bold**" not in text and "hard week" not in text


def test_no_sessions_is_a_sentence_not_empty_axes():
    spec = plain(create_client_timeline(COURSE.iloc[0:0], srs_cutoff=36, ors_cutoff=25))
    assert spec["data"] == []
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["No attended sessions of this client in this period."]
    assert spec["layout"]["xaxis"]["visible"] is False and spec["layout"]["yaxis"]["visible"] is False


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="missing: .*ors_total"):
        create_client_timeline(COURSE.drop(columns=["ors_total"]), srs_cutoff=36, ors_cutoff=25)
    with pytest.raises(ValueError, match="unknown rupture status mended"):
        create_client_timeline(COURSE.assign(rupture_status="mended"), srs_cutoff=36, ors_cutoff=25)
    with pytest.raises(ValueError, match="needs a DataFrame"):
        create_client_timeline([{"session_id": "S1"}], srs_cutoff=36, ors_cutoff=25)


def test_figure_serialises_for_the_browser():
    assert create_client_timeline(COURSE, srs_cutoff=36, ors_cutoff=25).to_json()


# --------------------------------------------------------------------------- queries on hand-made stores


def course(client, scores, clinic=CLINIC, therapist="T1", start=dt.date(2024, 1, 1), ors=None, comments=None,
           therapist_wai=None, client_wai=None, first_id=1):
    """Weekly attended sessions of one client; None in `scores` leaves that session without a client form."""
    rows, forms = [], []
    for i, score in enumerate(scores):
        sid = f"{clinic[:2]}-{client}-{first_id + i}"
        ors_items = tuple([ors[i] / 4] * 4) if ors and ors[i] is not None else (None,) * 4
        rows.append(session(clinic=clinic, session_id=sid, client_id=client, therapist_id=therapist,
                            date=(start + dt.timedelta(days=7 * i)).isoformat(), number=first_id + i, ors=ors_items,
                            sector="public" if clinic == CLINIC else "private"))
        if score is not None:
            wai = [client_wai[i]] * 12 if client_wai and client_wai[i] is not None else None
            forms.append(feedback(clinic=clinic, session_id=sid, srs=srs(score), wai=wai,
                                  comment=(comments or {}).get(i, "")))
        if therapist_wai and therapist_wai[i] is not None:
            forms.append(feedback(clinic=clinic, session_id=sid, rater="therapist", srs=None,
                                  wai=[therapist_wai[i]] * 12))
    return rows, forms


@pytest.fixture(scope="module")
def small_home(tmp_path_factory):
    # K1 in Havbris: 38 -> 35 (rupture, neither 33 nor 37 gets back to 38: unrepaired) -> 33 (rupture from 35,
    # repaired by 37) -> unrated -> 37. K1 in Fjordklinikken is another client with the same id.
    s1, f1 = course("K1", [38, 35, 33, None, 37], ors=[18, 19, None, 22, 26],
                    client_wai=[5, None, 3, None, None], therapist_wai=[4, None, 4, None, None],
                    comments={0: "Takk for i dag", 1: HOSTILE, 4: "100% better_now"})
    s2, f2 = course("K1", [20, 20], clinic="Fjordklinikken", therapist="F1", comments={0: "Ønsker mer tid"})
    s3, f3 = course("K2", [30, 39], therapist="T2", start=dt.date(2024, 3, 4), comments={0: "   ", 1: "OK, TAKK"})
    return build(tmp_path_factory.mktemp("timeline"), s1 + s2 + s3, f1 + f2 + f3)


def test_client_timeline_is_one_clients_sessions_in_order_with_rupture_status(small_home):
    rows = run(small_home, "client_timeline", clinic=CLINIC, client_id="K1")
    assert [r["session_number"] for r in rows] == [1, 2, 3, 4, 5]
    assert {r["therapist_id"] for r in rows} == {"T1"}  # not the Fjordklinikken client with the same id
    assert [r["srs_total"] for r in rows] == [38, 35, 33, None, 37]
    assert [r["is_rated"] for r in rows] == [True, True, True, False, True]
    assert [r["rupture_status"] for r in rows] == [None, "unrepaired", "repaired", None, None]
    assert [r["rupture_srs_before"] for r in rows] == [None, 38, 35, None, None]
    assert [r["ors_total"] for r in rows] == [18, 19, None, 22, 26]
    assert rows[0]["client_wai"] == 5 and rows[0]["therapist_wai"] == 4 and rows[1]["client_wai"] is None
    assert rows[1]["comment"] == HOSTILE  # stored and returned as it was written
    assert set(rows[0]) == {"session_id", "session_number", "session_date", "srs_total", "client_wai",
                            "therapist_wai", "ors_total", "comment", "is_rated", "therapist_id",
                            "rupture_srs_before", "rupture_status"}


def test_client_timeline_period_keeps_ruptures_found_on_the_whole_history(small_home):
    rows = run(small_home, "client_timeline", clinic=CLINIC, client_id="K1", start=dt.date(2024, 1, 8),
               end=dt.date(2024, 1, 15))
    assert [(r["session_number"], r["rupture_status"]) for r in rows] == [(2, "unrepaired"), (3, "repaired")]


def test_client_timeline_needs_a_client_and_honours_the_scope(small_home):
    assert run(small_home, "client_timeline") == []
    assert run(small_home, "client_timeline", clinic=CLINIC, client_id="K9") == []
    con = queries_connection(small_home)
    try:
        hidden = queries.run(con, "client_timeline", {"clinic": CLINIC, "client_id": "K1"},
                             scope=Scope(clinics=("Fjordklinikken",)))
        other_therapist = queries.run(con, "client_timeline", {"clinic": CLINIC, "client_id": "K1"},
                                      scope=Scope(therapists=((CLINIC, "T2"),)))
    finally:
        con.close()
    assert hidden.empty and other_therapist.empty


def queries_connection(home):
    from alliance.store import open_reader

    return open_reader(home)


def test_comments_newest_first_with_scores_and_no_blank_comments(small_home):
    rows = run(small_home, "comments")
    assert [r["comment"] for r in rows] == ["OK, TAKK", "100% better_now", HOSTILE, "Ønsker mer tid",
                                            "Takk for i dag"]
    assert [r["session_date"] for r in rows] == sorted((r["session_date"] for r in rows), reverse=True)
    first = rows[-1]
    assert (first["clinic"], first["therapist_id"], first["client_id"], first["srs_total"], first["client_wai"]) == \
        (CLINIC, "T1", "K1", 38, 5)
    assert {r["n_matching"] for r in rows} == {5}


def test_comments_band_splits_at_the_cutoff(small_home):
    low = run(small_home, "comments", band="low")
    ok = run(small_home, "comments", band="ok")
    assert {r["comment"] for r in low} == {HOSTILE, "Ønsker mer tid"}  # SRS 35 and 20
    assert {r["comment"] for r in ok} == {"OK, TAKK", "100% better_now", "Takk for i dag"}  # 39, 37, 38
    con = queries_connection(small_home)
    try:
        # The cutoff is the setting in force: at 35, an SRS of 35 is no longer low.
        at_35 = queries.run(con, "comments", {"band": "low"}, settings={"srs_cutoff": 35})
    finally:
        con.close()
    assert list(at_35["comment"]) == ["Ønsker mer tid"]


def test_comments_search_is_plain_text_and_ignores_case(small_home):
    assert {r["comment"] for r in run(small_home, "comments", search="takk")} == {"OK, TAKK", "Takk for i dag"}
    assert [r["comment"] for r in run(small_home, "comments", search="øNSKER")] == ["Ønsker mer tid"]
    # LIKE's wildcards and Markdown mean nothing here: they match only themselves.
    assert [r["comment"] for r in run(small_home, "comments", search="0% b")] == ["100% better_now"]
    assert [r["comment"] for r in run(small_home, "comments", search="%")] == ["100% better_now"]
    assert [r["comment"] for r in run(small_home, "comments", search="_")] == ["100% better_now"]
    assert [r["comment"] for r in run(small_home, "comments", search="<script>")] == [HOSTILE]
    assert run(small_home, "comments", search="'; DROP TABLE sessions; --") == []
    assert len(run(small_home, "comments")) == 5  # still there


def test_comments_limit_keeps_the_newest_and_counts_them_all(small_home):
    rows = run(small_home, "comments", limit=2)
    assert [r["comment"] for r in rows] == ["OK, TAKK", "100% better_now"]
    assert {r["n_matching"] for r in rows} == {5}


def test_comments_period_and_scope(small_home):
    rows = run(small_home, "comments", start=dt.date(2024, 1, 8), end=dt.date(2024, 1, 29))
    assert {r["comment"] for r in rows} == {HOSTILE, "100% better_now"}
    con = queries_connection(small_home)
    try:
        private = queries.run(con, "comments", {}, scope=Scope(clinics=("Fjordklinikken",)))
    finally:
        con.close()
    assert list(private["comment"]) == ["Ønsker mer tid"]


def test_comments_search_longer_than_the_limit_is_refused(small_home):
    with pytest.raises(queries.QueryError, match="longer than"):
        run(small_home, "comments", search="x" * (queries.MAX_TEXT_PARAM + 1))
