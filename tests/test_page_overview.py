"""The Overview page: key figures, the public against the private clinic, and the clients needing attention now."""
from __future__ import annotations

import datetime as dt
import json
import re

from streamlit.testing.v1 import AppTest

from alliance import store

from .test_pages import DASHBOARD, TIMEOUT, open_dashboard, texts

LOAD_MS = 60_000
CHART = '[data-testid="stPlotlyChart"]'
CHART_DRAWN = f"{CHART} svg.main-svg .scatterlayer .trace"
METRIC = '[data-testid="stMetric"]'
DATAFRAME = '[data-testid="stDataFrame"]'


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def store_figures(home, where: str = "TRUE") -> dict:
    """The period's figures counted straight from the store, independently of the page's arithmetic."""
    con = store.open_reader(home)
    try:
        clients, sessions, rated, mean, low = con.execute(
            f"SELECT count(DISTINCT (clinic, client_id)), count(*), count(*) FILTER (WHERE is_rated), "
            f"avg(srs_total), 100.0 * count(*) FILTER (WHERE srs_total < 36) / count(*) FILTER (WHERE is_rated) "
            f"FROM attended_sessions WHERE {where}").fetchone()
    finally:
        con.close()
    return {"clients": clients, "sessions": sessions, "completion": 100.0 * rated / sessions, "mean": mean, "low": low}


def test_key_figures_are_the_periods_totals(monkeypatch, sample_home, missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports)
    shown = metrics(at)
    expected = store_figures(sample_home)
    assert list(shown) == ["Active clients", "Attended sessions", "Completion", "Mean SRS", "Low alliance",
                           "Open ruptures"]
    assert shown["Active clients"] == f"{expected['clients']:,}"
    assert shown["Attended sessions"] == f"{expected['sessions']:,}"
    assert shown["Completion"] == f"{expected['completion']:.0f}%"
    assert shown["Mean SRS"] == f"{expected['mean']:.1f}"
    assert shown["Low alliance"] == f"{expected['low']:.0f}%"
    assert re.fullmatch(r"\d+", shown["Open ruptures"])
    assert all(m.help for m in at.metric), "every tile says what it counts"


def test_clients_needing_attention_are_the_most_concerning_with_flags_in_words(monkeypatch, sample_home,
                                                                               missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports)
    [table] = at.dataframe
    rows = table.value
    assert list(rows.columns) == ["clinic", "client", "therapist", "flags", "concern", "last_session"]
    assert 0 < len(rows) <= 10
    assert list(rows["concern"]) == sorted(rows["concern"], reverse=True)
    assert rows["flags"].str.len().gt(0).all()
    words = {"deteriorated", "not on track", "rupture", "low alliance", "large discrepancy", "no recent feedback",
             "ceiling"}
    assert all(set(f.split(", ")) <= words for f in rows["flags"])
    assert "Supervision page" in texts(at)


def test_a_sector_filter_narrows_the_figures_and_the_list(monkeypatch, sample_home, missing_exports):
    monkeypatch.setenv("ALLIANCE_HOME", str(sample_home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["sector"] = "private"  # (the multiselect's first change in AppTest is lost: see the report)
    at.run()
    assert not at.exception
    expected = store_figures(sample_home, "sector = 'private'")
    assert metrics(at)["Active clients"] == f"{expected['clients']:,}"
    assert set(at.dataframe[0].value["clinic"]) == {"Fjordklinikken"}
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["private"]


def test_a_period_without_sessions_gives_sentences_not_empty_tables(monkeypatch, sample_home, missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports)
    at.date_input(key="f_from").set_value(dt.date.today()).run()
    assert not at.exception, [e.value for e in at.exception]
    assert metrics(at)["Active clients"] == "0" and metrics(at)["Mean SRS"] == "–"
    assert "No rated sessions in this period" in texts(at)
    assert "No client has a flag in this period." in texts(at)
    assert not at.dataframe
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"] == [] and spec["layout"]["annotations"][0]["text"] == "No rated sessions in this period."


def test_norwegian_overview(monkeypatch, sample_home, missing_exports):
    monkeypatch.setenv("ALLIANCE_HOME", str(sample_home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["lang"] = "nb"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Oversikt"
    assert [s.value for s in at.subheader] == ["Perioden i tall", "Allianse per måned, offentlig og privat klinikk",
                                               "Klienter som trenger oppmerksomhet nå"]
    shown = metrics(at)
    assert re.fullmatch(r"\d\d,\d", shown["Gjennomsnittlig SRS"]), "a decimal comma"
    assert re.fullmatch(r"\d+\u00a0\d{3}", shown["Gjennomførte timer"]), "a space between thousands"
    assert shown["Utfyllingsgrad"].endswith("\u00a0%")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["separators"] == ",\u00a0"
    assert sorted(t["name"] for t in spec["data"]) == ["offentlig", "privat"]
    assert "Veiledning" in texts(at)
    flags = at.dataframe[0].value["flags"]
    assert not any("low alliance" in f or "rupture" in f for f in flags)


# --------------------------------------------------------------------------- in a real browser


def settle(page, url: str, charts: int) -> float:
    """Seconds from navigation until the page's last chart is drawn."""
    import time

    started = time.monotonic()
    page.goto(url)
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".filter(c => c.querySelector('svg.main-svg .cartesianlayer')).length >= n",
        arg=charts, timeout=LOAD_MS)
    return time.monotonic() - started


def record_timing(screenshots, name: str, seconds: float) -> None:
    with (screenshots.parent / "page_timings.txt").open("a", encoding="utf-8") as out:
        out.write(f"{name}\t{seconds:.2f} s\n")


def choose_language(page, language: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=language).click()


def test_overview_in_the_browser_english_then_norwegian(page, streamlit_server, sample_home, missing_exports,
                                                        screenshots):
    url = streamlit_server(sample_home, missing_exports)
    settle(page, url + "/", 1)  # a first visit warms the server's caches
    seconds = settle(page, url + "/", 1)
    record_timing(screenshots, "overview", seconds)
    assert seconds < 30, f"the Overview took {seconds:.1f} s to draw its chart"
    page.locator(CHART_DRAWN).first.wait_for()
    assert page.locator(METRIC).count() == 6
    page.locator(DATAFRAME).first.wait_for()
    page.get_by_text("Supervision page").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "overview.png", full_page=True)

    choose_language(page, "Norsk bokmål")
    page.get_by_role("heading", name="Oversikt").wait_for(timeout=LOAD_MS)
    page.get_by_role("heading", name="Klienter som trenger oppmerksomhet nå").wait_for(timeout=LOAD_MS)
    page.wait_for_function("() => location.search.includes('lang=nb')", timeout=LOAD_MS)
    mean = page.locator(METRIC).filter(has_text="Gjennomsnittlig SRS").locator('[data-testid="stMetricValue"]')
    assert re.fullmatch(r"\d\d,\d", mean.text_content().strip())
    page.locator(f"{CHART} .legend").get_by_text("offentlig", exact=True).wait_for()
    # The English chart is replaced, not kept beside the Norwegian one.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .annotation-text')]"
        ".map(a => a.textContent).join('|') === 'grense 36'", timeout=LOAD_MS)
    assert page.locator(CHART).count() == 1
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "overview_nb.png", full_page=True)


def test_a_copied_overview_link_reproduces_language_and_sector(page, streamlit_server, sample_home, missing_exports):
    url = streamlit_server(sample_home, missing_exports)
    settle(page, url + "/?lang=nb&sector=private", 1)
    page.get_by_role("heading", name="Oversikt").wait_for(timeout=LOAD_MS)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .scatterlayer .trace').length === 1",
        timeout=LOAD_MS)
    page.locator(f"{CHART} .legend").get_by_text("privat", exact=True).wait_for()
    assert page.locator(f"{CHART} .legend").get_by_text("offentlig", exact=True).count() == 0
