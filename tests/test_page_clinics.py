"""The Clinics page: the public clinic, Bergen and Oslo side by side, headless (AppTest) and in a real browser."""
from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from alliance import store

from .test_page_overview import CHART, LOAD_MS, choose_language, record_timing, settle
from .test_pages import DASHBOARD, TIMEOUT, open_dashboard, texts

PAGE = "pages/clinics.py"
CHART_KEYS = ("clinics_trend", "clinics_development", "clinics_profiles", "clinics_outcomes", "clinics_early")
SITES = {"Bergen", "Havbris DPS", "Oslo"}


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def names(spec: dict) -> set[str]:
    return {t["name"] for t in spec["data"]}


def open_clinics(monkeypatch, home, data, **widgets) -> AppTest:
    """The Clinics page, then the sidebar widgets (key -> value) set as a viewer would set them.

    (In AppTest a switched-to page runs on its own and draws a fresh sidebar, so the filters are
    chosen on the page itself; the browser test below checks the address bar.)
    """
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    for key, value in widgets.items():
        at.multiselect(key=key).set_value(value) if key in ("f_sector", "f_clinic", "f_site", "f_therapist") else \
            (at.selectbox(key=key) if key == "f_lang" else at.date_input(key=key)).set_value(value)
    if widgets:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_clinics_page_compares_the_three_sites_on_every_chart(monkeypatch, sample_home, missing_exports):
    at = open_clinics(monkeypatch, sample_home, missing_exports)
    trend, development, profiles, outcomes, early = specs(at)
    assert names(trend) == names(development) == names(profiles) == SITES
    # One colour per site, the same on every chart.
    colour = {t["name"]: t["line"]["color"] for t in trend["data"]}
    assert len(set(colour.values())) == 3
    assert all(t["line"]["color"] == colour[t["name"]] for t in development["data"])
    assert all(t["marker"]["color"] == colour[t["name"]] for t in profiles["data"])
    assert all(t["error_y"]["array"] for t in development["data"]), "intervals where a mean is"
    assert len(outcomes["data"]) == 5 and all(len(t["y"]) == 3 for t in outcomes["data"])
    assert names(early) == {"Fjordklinikken", "Havbris DPS"}
    early_colour = {t["name"]: t["marker"]["color"] for t in early["data"]}
    assert early_colour["Havbris DPS"] == colour["Havbris DPS"], "the public clinic is its own site: one colour"
    assert early_colour["Fjordklinikken"] not in colour.values()
    shown = texts(at)
    for heading in ("Alliance per month", "How the alliance develops over the sessions",
                    "Which parts of the alliance are strong", "Outcome categories", "Early alliance and outcome"):
        assert heading in shown
    assert shown.count("Noisy") >= 4, "each chart says what makes it noisy"


def test_clinics_page_follows_the_filters_from_the_address(monkeypatch, sample_home, missing_exports):
    at = open_clinics(monkeypatch, sample_home, missing_exports, f_sector=["private"])
    trend, development, profiles, outcomes, early = specs(at)
    assert names(trend) == names(development) == names(profiles) == {"Bergen", "Oslo"}
    assert names(early) == {"Fjordklinikken"}
    whole = open_clinics(monkeypatch, sample_home, missing_exports)
    colour = {t["name"]: t["line"]["color"] for t in specs(whole)[0]["data"]}
    assert {t["name"]: t["line"]["color"] for t in trend["data"]} == {s: colour[s] for s in ("Bergen", "Oslo")}, \
        "a site keeps its colour when the others are filtered away"


def test_clinics_page_in_norwegian(monkeypatch, sample_home, missing_exports):
    at = open_clinics(monkeypatch, sample_home, missing_exports, f_lang="nb")
    assert at.title[0].value == "Klinikker"
    assert "Hvordan alliansen utvikler seg over timene" in texts(at)
    for spec in specs(at):
        assert spec["layout"]["separators"] == ",\u00a0"
    development = specs(at)[1]
    assert any("tidlig fase" in a["text"] for a in development["layout"]["annotations"])
    assert "," in development["data"][0]["text"][0], "intervals written with a decimal comma"


def test_a_period_without_sessions_is_a_sentence_not_empty_axes(monkeypatch, sample_home, missing_exports):
    at = open_clinics(monkeypatch, sample_home, missing_exports, f_from=dt.date.today())
    assert "Nothing matches this selection" in texts(at)
    assert not at.get("plotly_chart")


def test_a_period_ending_before_it_starts_is_a_warning(monkeypatch, sample_home, missing_exports):
    at = open_clinics(monkeypatch, sample_home, missing_exports, f_from=dt.date(2025, 6, 1), f_to=dt.date(2025, 5, 1))
    assert "ends before it starts" in texts(at)
    assert not at.get("plotly_chart")


def test_clinics_page_without_a_store_says_what_to_do(monkeypatch, empty_home, missing_exports):
    at = open_dashboard(monkeypatch, empty_home, missing_exports, page=PAGE)
    [info] = at.info
    assert info.value.startswith("No data yet") and "python -m alliance ingest" in info.value
    assert not at.get("plotly_chart")
    assert store.store_version(empty_home) is None


def test_clinics_page_on_an_empty_store_offers_to_load_the_exports(monkeypatch, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_dashboard(monkeypatch, tmp_path / "home", exports, page=PAGE)
    [info] = at.info
    assert info.value.startswith("No data yet") and str(exports) in info.value
    assert not at.get("plotly_chart")
    assert at.button(key="load_exports").label == "Load the exports"


# --------------------------------------------------------------------------- in a real browser


def drawn_traces(page, chart: int) -> int:
    return page.evaluate(
        "i => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')[i]"
        ".querySelectorAll('.scatterlayer .trace').length", chart)


def test_clinics_in_the_browser_charts_filter_language_and_link(browser, streamlit_server, sample_home,
                                                                 missing_exports, screenshots):
    url = streamlit_server(sample_home, missing_exports)
    # A tall window: Streamlit scrolls inside its own container, so a screenshot shows only what fits.
    context = browser.new_context(viewport={"width": 1400, "height": 3600})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        settle(page, url + "/clinics", len(CHART_KEYS))  # warm the caches
        seconds = settle(page, url + "/clinics", len(CHART_KEYS))
        record_timing(screenshots, "clinics", seconds)
        assert seconds < 30, f"the Clinics page took {seconds:.1f} s to draw its charts"
        assert page.locator('[data-testid="stException"]').count() == 0
        assert drawn_traces(page, 1) == 3, "development: one line per site"
        assert page.locator(f"{CHART} .annotation-text").filter(has_text="early phase").count() == 1
        page.wait_for_timeout(500)
        page.screenshot(path=screenshots / "clinics.png", full_page=True)

        # A filter in the sidebar changes the charts: the private practice only.
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        page.get_by_role("option", name="private").click()
        page.keyboard.press("Escape")
        page.wait_for_function(
            "() => { const c = document.querySelectorAll('[data-testid=\"stPlotlyChart\"]');"
            " return c.length >= 2 && c[1].querySelectorAll('.scatterlayer .trace').length === 2; }",
            timeout=LOAD_MS)
        page.wait_for_function("() => location.search.includes('sector=private')", timeout=LOAD_MS)

        choose_language(page, "Norsk bokmål")
        page.get_by_role("heading", name="Klinikker").wait_for(timeout=LOAD_MS)
        page.get_by_role("heading", name="Hvordan alliansen utvikler seg over timene").wait_for(timeout=LOAD_MS)
        page.wait_for_function("() => location.search.includes('lang=nb')", timeout=LOAD_MS)
        copied = page.url

        other = context.new_page()
        settle(other, copied, len(CHART_KEYS))
        other.get_by_role("heading", name="Klinikker").wait_for(timeout=LOAD_MS)
        other.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')[1]"
            ".querySelectorAll('.scatterlayer .trace').length === 2", timeout=LOAD_MS)
        assert other.locator(f"{CHART} .legend").get_by_text("Havbris DPS", exact=True).count() == 0
        assert other.locator(f"{CHART} .annotation-text").filter(has_text="tidlig fase").count() == 1
        other.wait_for_timeout(500)
        other.screenshot(path=screenshots / "clinics_nb.png", full_page=True)
    finally:
        context.close()


def test_the_within_and_between_therapist_effects_stand_beside_the_simple_r(monkeypatch, sample_home, missing_exports):
    import re

    from alliance import queries

    at = open_clinics(monkeypatch, sample_home, missing_exports)
    [table] = [d.value for d in at.dataframe if "Within therapists (95% interval)" in d.value.columns]
    assert list(table.columns) == ["Sector", "Clients", "Therapists", "Within therapists (95% interval)",
                                   "Between therapists (95% interval)", "Simple r (95% interval)"]
    assert list(table["Sector"]) == ["private", "public"]
    con = store.open_reader(sample_home)
    try:
        model = queries.run(con, "alliance_outcome_model").set_index("group")
    finally:
        con.close()
    public = table.set_index("Sector").loc["public"]
    low, high = model.loc["public", "within_low"], model.loc["public", "within_high"]
    assert public["Within therapists (95% interval)"] == f"{model.loc['public', 'within']:.2f} ({low:.2f} to {high:.2f})"
    assert re.fullmatch(r"0\.\d\d \(0\.\d\d to 0\.\d\d\)", public["Simple r (95% interval)"])
    assert "Baldwin, Wampold & Imel 2007" in texts(at)
    at.selectbox(key="f_lang").set_value("nb").run()
    [table] = [d.value for d in at.dataframe if "Innen terapeut (95 % intervall)" in d.value.columns]
    assert list(table["Sektor"]) == ["privat", "offentlig"]
    assert " til " in table["Innen terapeut (95 % intervall)"].iloc[0] and "," in table["Enkel r (95 % intervall)"].iloc[0]
