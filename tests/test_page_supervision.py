"""The Supervision page: headless (AppTest) on the sample store, no store and a hostile comment; then in a browser."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from alliance import i18n, queries, store
from alliance.caseload import CONCERN_WEIGHTS, FLAGS
from alliance.scope import Scope
from alliance.settings import load_settings
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv
from tests.test_queries import srs

DASHBOARD = "../dashboard.py"  # AppTest.from_file resolves this against this file
PAGE = "pages/supervision.py"
TIMEOUT = 60
HOSTILE = "**bold** <b>x</b> <script>alert(1)</script> [link](http://x)"
HOSTILE_CLINIC = "Havbris DPS"


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def open_page(monkeypatch, home, data, params=None, alone=False) -> AppTest:
    """The page through the router (switch_page), or `alone` as a page run directly.

    In AppTest a switched-to page draws the sidebar anew (its widgets belong to that page), so
    sidebar filters from the address (lang, from, therapist, ...) reach a page only when it runs alone.
    """
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(f"../{PAGE}" if alone else DASHBOARD, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if not alone:
        at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "title", "subheader")
    text = "\n".join(str(e.value) for kind in kinds for e in at.get(kind))
    return re.sub(r"\\(.)", r"\1", text)  # Markdown escapes removed: the text as the user reads it


# Each table of the page by a column only it has (st.dataframe carries no key in AppTest).
TABLE_COLUMNS = {"sup_therapists": "flagged", "sup_caseload": "deteriorated", "sup_agenda": "reason",
                 "sup_comments": "comment"}


def table(at: AppTest, name: str):
    """The DataFrame of one of the page's tables."""
    found = [e.value for e in at.dataframe if TABLE_COLUMNS[name] in e.value.columns]
    assert len(found) == 1, f"expected one table {name}, found {len(found)}"
    return found[0]


def sample_caseload(home: Path, everyone: bool = False):
    """The caseload the page lists by default: the active clients (or everyone)."""
    con = store.open_reader(home)
    try:
        caseload = queries.run(con, "caseload_flags", {}, settings=load_settings(home))
    finally:
        con.close()
    return caseload if everyone else caseload[caseload["active"]]


@pytest.fixture(scope="module")
def busiest(sample_home):
    """The sample therapist with the most flagged clients, and their client of most concern."""
    caseload = sample_caseload(sample_home)
    flagged = caseload[caseload["n_flags"] > 0]
    clinic, therapist = flagged.groupby(["clinic", "therapist_id"]).size().idxmax()
    mine = caseload[(caseload["clinic"] == clinic) & (caseload["therapist_id"] == therapist)]
    return {"clinic": clinic, "therapist": therapist, "key": f"{clinic}/{therapist}", "caseload": mine,
            "client": mine["client_id"].iloc[0]}


def client_with_comments(home: Path, clinic: str, clients) -> str:
    con = store.open_reader(home)
    try:
        row = con.execute(
            "SELECT client_id FROM attended_sessions WHERE clinic = ? AND client_id IN (SELECT unnest(?)) "
            "AND comment IS NOT NULL GROUP BY client_id ORDER BY count(*) DESC, client_id LIMIT 1",
            [clinic, list(clients)]).fetchone()
    finally:
        con.close()
    return row[0]


def write_hostile_exports(folder: Path) -> Path:
    """One client whose comments hold Markdown, HTML and a script; a rupture so that the client is flagged."""
    folder.mkdir(parents=True, exist_ok=True)
    scores = [38, 38, 33, 33, 32]
    sessions, forms = [], []
    for i, score in enumerate(scores):
        sid = f"H{i + 1}"
        sessions.append(session(clinic=HOSTILE_CLINIC, session_id=sid, client_id="K1", therapist_id="T1",
                                date=(dt.date(2024, 1, 1) + dt.timedelta(days=7 * i)).isoformat(), number=i + 1,
                                ors=(5, 5, 5, 5)))
        forms.append(feedback(clinic=HOSTILE_CLINIC, session_id=sid, srs=srs(score),
                              comment=HOSTILE if i == len(scores) - 1 else ("" if i else "first visit")))
    write_csv(folder / "sessions_hostile.csv", SESSION_HEADER, sessions)
    write_csv(folder / "feedback_hostile.csv", FEEDBACK_HEADER, forms)
    return folder


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    home = root / "home"
    report = store.ingest(write_hostile_exports(root / "exports"), home)
    assert report.exit_code == 0, report.rejects
    return home


# --------------------------------------------------------------------------- AppTest


def test_without_a_therapist_it_lists_the_therapists_and_asks_for_one(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    assert at.title[0].value == "Supervision"
    assert at.selectbox(key="sup_therapist").value is None
    assert "Choose a therapist" in texts(at)
    therapists = table(at, "sup_therapists")
    caseload = sample_caseload(sample_home)
    assert len(therapists) == caseload.groupby(["clinic", "therapist_id"]).ngroups
    assert int(therapists["clients"].sum()) == len(caseload)
    assert int(therapists["flagged"].sum()) == int((caseload["n_flags"] > 0).sum())
    assert list(therapists["flagged"]) == sorted(therapists["flagged"], reverse=True)
    assert not at.get("plotly_chart")
    assert "sup_therapist" not in at.query_params


def test_active_clients_by_default_and_everyone_on_request(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    everyone = sample_caseload(sample_home, everyone=True)
    active = everyone[everyone["active"]]
    assert 0 < len(active) < len(everyone)
    assert int(table(at, "sup_therapists")["clients"].sum()) == len(active)
    assert (f"{len(everyone) - len(active)} client(s) not seen in the last 8 weeks (treatment likely finished) are "
            "left out.") in texts(at)
    at.toggle(key="sup_show_inactive").set_value(True).run()
    assert int(table(at, "sup_therapists")["clients"].sum()) == len(everyone)
    assert "left out" not in texts(at)


def test_a_therapist_shows_their_caseload_with_every_flag_and_an_agenda(
        monkeypatch, sample_home, missing_exports, busiest):
    at = open_page(monkeypatch, sample_home, missing_exports)
    at.selectbox(key="sup_therapist").set_value(busiest["key"]).run()
    assert not at.exception
    assert at.query_params["sup_therapist"] == busiest["key"]  # a copied link opens the same caseload

    caseload = table(at, "sup_caseload")
    expected = busiest["caseload"]
    assert list(caseload["client_id"]) == list(expected["client_id"])  # that therapist only, in order of concern
    for flag in FLAGS:
        assert caseload[flag].dtype == bool
        assert list(caseload[flag]) == list(expected[flag])
    assert list(caseload["n_sessions"]) == list(expected["n_sessions"])
    assert caseload["last_srs"].iloc[0] == i18n.number(expected["last_srs"].iloc[0])
    flagged = expected[expected["n_flags"] > 0]
    assert f"{len(expected)} clients with an attended session in the period; {len(flagged)} with at least one flag" \
        in texts(at)

    agenda = table(at, "sup_agenda")
    # Only the flagged, most concerning first, and at most the alert budget: 25 % of the caseload.
    limit = max(1, 25 * len(expected) // 100)
    listed = flagged.head(limit)
    assert list(agenda["client_id"]) == list(listed["client_id"])
    if len(flagged) > limit:
        assert (f"{len(flagged) - limit} more flagged client(s) are left out: the agenda lists at most 25 % of the "
                f"caseload ({limit}), those of most concern. All flags are in the caseload above.") in texts(at)
    else:
        assert "more flagged client(s) are left out" not in texts(at)
    assert list(agenda["concern"]) == sorted(agenda["concern"], reverse=True)
    assert list(agenda["rank"]) == list(range(1, len(agenda) + 1))
    words = {"deteriorated": "lower than at the first session", "not_on_track": "not on track",
             "rupture_flag": "rupture not repaired", "low_alliance": "below the cutoff 36",
             "large_discrepancy": "points apart", "no_recent_feedback": "no SRS in the last three sessions",
             "ceiling": "SRS 40 every time"}
    for reason, (_, client) in zip(agenda["reason"], listed.iterrows()):
        assert reason[0].isupper()
        assert reason.count(", since ") == client["n_flags"]  # every flag says since when
        for flag, phrase in words.items():
            assert (phrase in reason.lower() or phrase.lower() in reason.lower()) == bool(client[flag]), (reason, flag)
        # the reasons come in the order of their weight
        positions = [reason.lower().find(words[f].lower()) for f in CONCERN_WEIGHTS if client[f]]
        assert positions == sorted(positions)
    assert at.selectbox(key="sup_client").value is None
    assert "Choose a client" in texts(at)


def test_a_client_shows_the_timeline_and_comments_newest_first(monkeypatch, sample_home, missing_exports, busiest):
    client = client_with_comments(sample_home, busiest["clinic"], busiest["caseload"]["client_id"])
    at = open_page(monkeypatch, sample_home, missing_exports, {"sup_therapist": busiest["key"], "client": client})
    assert at.selectbox(key="sup_therapist").value == busiest["key"]
    assert at.selectbox(key="sup_client").value == client
    [chart] = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    names = {t["name"] for t in spec["data"]}
    assert {"Client SRS", "Client WAI-SR", "Therapist WAI-SR", "ORS"} <= names
    assert {a["text"] for a in spec["layout"]["annotations"]} == {"cutoff 36", "ORS cutoff 25"}

    con = store.open_reader(sample_home)
    try:
        timeline = queries.run(con, "client_timeline", {"clinic": busiest["clinic"], "client_id": client})
        ruptures = queries.run(con, "ruptures", {})
    finally:
        con.close()
    theirs = ruptures[(ruptures["clinic"] == busiest["clinic"]) & (ruptures["client_id"] == client)]
    drawn = {t["name"].split(", ")[1] for t in spec["data"] if t["name"].startswith("Rupture")}
    shown_status = {"repaired": "repaired", "unrepaired": "unrepaired", "open": "still open"}
    assert drawn == {shown_status[s] for s in theirs["status"]}
    assert f"{len(timeline)} attended sessions in the period, {int(timeline['is_rated'].sum())} with an SRS" \
        in texts(at)

    comments = table(at, "sup_comments")
    with_comment = timeline[timeline["comment"].notna()]
    assert len(comments) == len(with_comment) > 0
    assert list(comments["session_date"]) == sorted(comments["session_date"], reverse=True)
    newest = with_comment.sort_values("session_date").iloc[-1]
    assert comments["comment"].iloc[0] == newest["comment"]
    assert comments["srs_total"].iloc[0] == i18n.number(newest["srs_total"])
    assert f"{len(with_comment)} comments, newest first." in texts(at)


def test_another_therapist_drops_a_client_that_is_not_theirs(monkeypatch, sample_home, missing_exports, busiest):
    at = open_page(monkeypatch, sample_home, missing_exports,
                   {"sup_therapist": busiest["key"], "client": busiest["client"]})
    assert at.query_params["client"] == busiest["client"]
    caseload = sample_caseload(sample_home)
    key = next(k for k in sorted(set(caseload["clinic"] + "/" + caseload["therapist_id"])) if k != busiest["key"])
    at.selectbox(key="sup_therapist").set_value(key).run()
    assert not at.exception
    assert at.selectbox(key="sup_client").value is None
    assert "client" not in at.query_params and at.query_params["sup_therapist"] == key
    assert not at.get("plotly_chart")


def test_one_therapist_in_the_sidebar_is_the_default(monkeypatch, sample_home, missing_exports, busiest):
    at = open_page(monkeypatch, sample_home, missing_exports, {"therapist": busiest["key"]}, alone=True)
    assert at.selectbox(key="sup_therapist").value == busiest["key"]
    assert at.selectbox(key="sup_therapist").options == [busiest["therapist"]]  # the filter narrows the choice
    # The filter narrows every query: the caseload is the one seen through that therapist only.
    con = store.open_reader(sample_home)
    try:
        only_them = Scope(therapists=((busiest["clinic"], busiest["therapist"]),))
        narrowed = queries.run(con, "caseload_flags", {}, scope=only_them, settings=load_settings(sample_home))
    finally:
        con.close()
    narrowed = narrowed[narrowed["active"]]  # active clients, as the page lists by default
    assert list(table(at, "sup_caseload")["client_id"]) == list(narrowed["client_id"])


def test_an_address_naming_no_such_therapist_or_client_is_ignored(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, {"sup_therapist": "Nowhere/T0", "client": "K-none"})
    assert at.selectbox(key="sup_therapist").value is None
    assert "sup_therapist" not in at.query_params and "client" not in at.query_params
    assert not at.error


def test_norwegian(monkeypatch, sample_home, missing_exports, busiest):
    at = open_page(monkeypatch, sample_home, missing_exports,
                   {"lang": "nb", "sup_therapist": busiest["key"], "client": busiest["client"]}, alone=True)
    assert at.title[0].value == "Veiledning"
    assert f"Klientlisten til {busiest['therapist']}" in texts(at)
    top_reason = table(at, "sup_agenda")["reason"].iloc[0].lower()
    top = busiest["caseload"].iloc[0]
    phrases = {"deteriorated": "poeng lavere enn ved første time", "not_on_track": "ikke på sporet",
               "rupture_flag": "brudd som ikke er reparert", "low_alliance": "under grensen 36",
               "large_discrepancy": "poeng fra hverandre", "no_recent_feedback": "ingen srs de tre siste timene",
               "ceiling": "srs 40 hver gang"}
    assert top["n_flags"] > 0
    for flag, phrase in phrases.items():
        assert (phrase in top_reason) == bool(top[flag]), (top_reason, flag)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {a["text"] for a in spec["layout"]["annotations"]} == {"grense 36", "ORS-grense 25"}
    assert spec["layout"]["separators"] == ",\u00a0"
    last_srs = table(at, "sup_caseload")["last_srs"]
    assert any("," in v for v in last_srs)  # 35,4, not 35.4


def test_the_period_filter_narrows_the_timeline(monkeypatch, sample_home, missing_exports, busiest):
    params = {"sup_therapist": busiest["key"], "client": busiest["client"]}
    whole = open_page(monkeypatch, sample_home, missing_exports, params)
    last = busiest["caseload"]["last_session_date"].iloc[0].date()
    later = (last - dt.timedelta(days=60)).isoformat()
    narrow = open_page(monkeypatch, sample_home, missing_exports, {**params, "from": later}, alone=True)
    count = lambda at: int(re.search(r"(\d+) attended sessions in the period", texts(at)).group(1))  # noqa: E731
    assert 0 < count(narrow) < count(whole)


def test_hostile_comment_is_plain_text(monkeypatch, hostile_home, missing_exports):
    at = open_page(monkeypatch, hostile_home, missing_exports,
                   {"sup_therapist": f"{HOSTILE_CLINIC}/T1", "client": "K1"})
    comments = table(at, "sup_comments")
    assert comments["comment"].iloc[0] == HOSTILE  # newest first, exactly as written
    assert "first visit" in list(comments["comment"])
    # Nowhere as Markdown, HTML, an error or a chart.
    assert "<script>" not in texts(at) and "**bold**" not in texts(at) and "bold" not in texts(at)
    assert not at.get("html")
    assert "script" not in at.get("plotly_chart")[0].proto.spec
    agenda = table(at, "sup_agenda")
    assert list(agenda["client_id"]) == ["K1"]


def test_a_caseload_says_when_not_on_track_cannot_be_judged(monkeypatch, hostile_home, sample_home, missing_exports,
                                                           busiest):
    # One client in the clinic: its expected response cannot be learnt, and the page says so once.
    at = open_page(monkeypatch, hostile_home, missing_exports, {"sup_therapist": f"{HOSTILE_CLINIC}/T1"})
    said = [i.value for i in at.info if "cannot be judged" in i.value]
    assert said == [f"Not on track cannot be judged for 1 client(s) of {HOSTILE_CLINIC}: The clinic has too few "
                    "clients with two or more ORS, or too little spread in their scores, to learn its usual course."]
    # the sample's clinics have their models: nothing is said
    at = open_page(monkeypatch, sample_home, missing_exports, {"sup_therapist": busiest["key"]})
    assert len(table(at, "sup_caseload")) == len(busiest["caseload"])
    assert not [i.value for i in at.info if "cannot be judged" in i.value]


def test_without_a_store_it_says_what_to_do(monkeypatch, empty_home, missing_exports):
    at = open_page(monkeypatch, empty_home, missing_exports)
    [info] = at.info
    assert info.value.startswith("No data yet")
    assert not at.get("plotly_chart") and not at.dataframe
    assert store.store_version(empty_home) is None


def test_on_an_empty_store_it_offers_to_load_the_exports(monkeypatch, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_page(monkeypatch, tmp_path / "home", exports)
    assert at.info[0].value.startswith("No data yet")
    assert not at.get("plotly_chart") and not at.dataframe
    assert at.button(key="load_exports").label == "Load the exports"


# --------------------------------------------------------------------------- the browser

LOAD_MS = 60_000
MAIN = '[data-testid="stMain"]'
CHART = f'{MAIN} [data-testid="stPlotlyChart"]'
CHART_DRAWN = f"{CHART} svg.main-svg .scatterlayer .trace"
DATAFRAME = '[data-testid="stDataFrame"]'
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# What the timeline draws (each trace's name and values), as the browser's plotly holds it.
PLOT_DATA = ("() => { const p = document.querySelector('[data-testid=\"stMain\"] .js-plotly-plot');"
             " return p && p.data ? JSON.stringify(p.data.map(t => [t.name, t.x, t.y])) : null; }")


def settle(page, what: str, timeout: int = LOAD_MS) -> float:
    """Seconds until `what` is on the page and the app has stopped running."""
    started = time.monotonic()
    page.wait_for_selector(what, timeout=timeout)
    page.wait_for_function(SETTLED, timeout=timeout)
    return time.monotonic() - started


def choose(page, label: str, option: str) -> None:
    """Pick an option of a selectbox in the page (not the sidebar) by its label."""
    box = page.locator(f'{MAIN} [data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def grid_cells(page) -> list[str]:
    """The texts of the page's table cells (the grid paints a canvas; its cells are also in the DOM for
    screen readers, filled in just after the table appears)."""
    cells = page.locator(f'{MAIN} {DATAFRAME} [role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=LOAD_MS)
    page.wait_for_function("s => [...document.querySelectorAll(s)].some(c => c.textContent.trim() !== '')",
                           arg=f'{MAIN} {DATAFRAME} [role="gridcell"]', timeout=LOAD_MS)
    return cells.all_text_contents()


def warm(page, url: str) -> None:
    """Open the app's root first. A link straight to /supervision on a server that has not yet run
    dashboard.py runs the page in Streamlit's old pages/ mode (no router, no wide layout): a known
    problem of the router, reported separately, not of this page."""
    page.goto(url + "/")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Supervision", exact=True).wait_for(timeout=LOAD_MS)


def heading(page, text) -> None:
    page.get_by_role("heading", name=text).wait_for(timeout=LOAD_MS)


@pytest.mark.browser
def test_supervision_in_the_browser(page, browser, streamlit_server, sample_home, missing_exports, screenshots,
                                    busiest):
    url = streamlit_server(sample_home, missing_exports)
    warm(page, url)
    page.goto(url + "/supervision")
    heading(page, "Supervision")
    settle(page, f"{MAIN} {DATAFRAME}")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text("Choose a therapist above").wait_for()

    choose(page, "Therapist", busiest["therapist"])
    heading(page, f"Caseload of {busiest['therapist']}")
    page.wait_for_function("key => new URLSearchParams(location.search).get('sup_therapist') === key",
                           arg=busiest["key"], timeout=LOAD_MS)
    heading(page, "Agenda: clients worth discussing")
    # The agenda's heading can arrive a moment before its table (seen once in CI): wait for both
    # tables, the caseload's and the agenda's, then check there are exactly two.
    expect(page.locator(f"{MAIN} {DATAFRAME}")).to_have_count(2, timeout=LOAD_MS)
    assert page.locator(f"{MAIN} {DATAFRAME}").count() == 2

    clients = list(busiest["caseload"]["client_id"][:2])
    choose(page, "Client", clients[0])
    heading(page, f"Course of {clients[0]}")
    settle(page, CHART_DRAWN)
    page.wait_for_function("c => new URLSearchParams(location.search).get('client') === c", arg=clients[0])
    legend = page.locator(f"{CHART} .legend").all_text_contents()[0]
    assert "Client SRS" in legend and "Therapist WAI-SR" in legend and "ORS" in legend
    labels = page.locator(f"{CHART} .annotation-text").all_text_contents()
    assert sorted(labels) == ["ORS cutoff 25", "cutoff 36"]
    page.wait_for_function(f"() => ({PLOT_DATA})() !== null")
    first = page.evaluate(PLOT_DATA)

    choose(page, "Client", clients[1])
    heading(page, f"Course of {clients[1]}")
    page.wait_for_function("c => new URLSearchParams(location.search).get('client') === c", arg=clients[1])
    settle(page, CHART_DRAWN)
    assert page.get_by_role("heading", name=f"Course of {clients[0]}").count() == 0
    page.wait_for_function(f"first => {{ const now = ({PLOT_DATA})(); return now !== null && now !== first; }}",
                           arg=first, timeout=LOAD_MS)  # the timeline changed with the client
    second = page.evaluate(PLOT_DATA)

    # A copied link opens the same therapist, client and timeline.
    copied = page.url
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        started = time.monotonic()
        other.goto(copied)
        heading(other, f"Course of {clients[1]}")
        settle(other, CHART_DRAWN)
        print("supervision_settle_seconds", round(time.monotonic() - started, 2))
        other.wait_for_function(f"second => ({PLOT_DATA})() === second", arg=second, timeout=LOAD_MS)
        assert other.get_by_role("heading", name=f"Caseload of {busiest['therapist']}").count() == 1
    finally:
        other.context.close()

    page.set_viewport_size({"width": 1400, "height": 2600})  # the page scrolls inside; show all of it
    page.wait_for_timeout(800)
    page.screenshot(path=screenshots / "supervision.png", full_page=True)


@pytest.mark.browser
def test_supervision_in_norwegian(page, streamlit_server, sample_home, missing_exports, busiest):
    url = streamlit_server(sample_home, missing_exports)
    warm(page, url)
    page.goto(f"{url}/supervision?lang=nb&sup_therapist={busiest['key']}&client={busiest['client']}")
    heading(page, "Veiledning")
    heading(page, f"Forløpet til {busiest['client']}")
    settle(page, CHART_DRAWN)
    labels = page.locator(f"{CHART} .annotation-text").all_text_contents()
    assert sorted(labels) == ["ORS-grense 25", "grense 36"]
    assert "Klientens SRS" in page.locator(f"{CHART} .legend").all_text_contents()[0]
    page.get_by_text("Agenda: klienter å snakke om").wait_for()


@pytest.mark.browser
def test_hostile_comment_is_shown_literally_in_the_browser(page, streamlit_server, hostile_home, missing_exports,
                                                           screenshots):
    url = streamlit_server(hostile_home, missing_exports)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    warm(page, url)
    page.goto(f"{url}/supervision?sup_therapist={HOSTILE_CLINIC}/T1&client=K1")
    heading(page, "Comments of K1")
    settle(page, CHART_DRAWN)
    cells = grid_cells(page)
    assert HOSTILE in cells
    main = page.locator(MAIN)
    assert main.locator("strong", has_text="bold").count() == 0
    assert main.locator("b", has_text="x").count() == 0
    assert main.locator('a[href="http://x"]').count() == 0
    assert main.locator("script", has_text="alert").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    page.screenshot(path=screenshots / "supervision_hostile.png", full_page=True)


def test_a_smaller_alert_budget_leaves_flagged_clients_out_and_says_how_many(monkeypatch, sample_home, tmp_path,
                                                                          missing_exports, busiest):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "settings.toml").write_text("alert_budget = 10\n", encoding="utf-8")
    at = open_page(monkeypatch, home, missing_exports, {"sup_therapist": busiest["key"]})
    expected = busiest["caseload"]
    flagged = expected[expected["n_flags"] > 0]
    limit = max(1, 10 * len(expected) // 100)
    assert len(flagged) > limit  # the budget binds here
    assert list(table(at, "sup_agenda")["client_id"]) == list(flagged["client_id"].head(limit))
    assert (f"{len(flagged) - limit} more flagged client(s) are left out: the agenda lists at most 10 % of the "
            f"caseload ({limit}), those of most concern. All flags are in the caseload above.") in texts(at)
    assert list(table(at, "sup_caseload")["client_id"]) == list(expected["client_id"])  # every client stays listed
