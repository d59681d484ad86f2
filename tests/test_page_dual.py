"""The Dual perspective page: AppTest on the sample store, narrowed, empty and without data; then a real browser."""
from __future__ import annotations

import time

import pytest

from .test_charts import values
from .test_page_therapists import CHART, LOAD_MS, NAV_LINK, SETTLE_BUDGET_S, chart, legend, names, no_error, \
    open_page, settle
from .test_pages import texts

PAGE = "pages/dual_perspective.py"
KEYS = ("dual_scatter", "dual_by_therapist", "dual_development", "dual_profiles")


def test_dual_page_shows_pairs_therapists_development_and_profiles(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE)
    assert [e.value for e in at.title] == ["Dual perspective: client and therapist"]
    assert len(at.get("plotly_chart")) == 4
    scatter = chart(at, "dual_scatter")
    assert {"Fjordklinikken", "Havbris DPS"} <= names(scatter)
    pairs = sum(sum(values(t["marker"]["size"])) for t in scatter["data"] if t["mode"] == "markers")
    assert f"{pairs:,} sessions with both forms" in texts(at), "every pair is drawn, and the caption counts them"
    [line] = [t for t in scatter["data"] if t["mode"] == "lines"]
    assert values(line["x"]) == values(line["y"])
    by_therapist = chart(at, "dual_by_therapist")
    assert len(by_therapist["layout"]["yaxis"]["categoryarray"]) == 25
    assert all("error_x" in t for t in by_therapist["data"]), "each therapist's mean has its interval"
    development = chart(at, "dual_development")
    assert names(development) == {"private", "public"}
    assert all("error_y" in t for t in development["data"])
    profiles = chart(at, "dual_profiles")
    assert [a["text"] for a in profiles["layout"]["annotations"]] == ["Goal", "Task", "Bond"]
    [table] = at.dataframe
    assert {"Therapist", "Session pairs", "Discrepancy", "95 % low", "95 % high", "Correlation"} <= set(table.value.columns)
    assert len(table.value) == 25 and table.value["Correlation"].notna().all()


def test_the_page_counts_the_pairs_in_the_store_with_the_numbers_it_worked_out_before(monkeypatch, sample_home,
                                                                                      missing_exports):
    """The page never fetches the pairs (wai_pairs); its caption and intervals are those the pairs give in pandas."""
    from alliance import i18n, queries
    from tests.references import discrepancy_intervals
    from alliance.store import open_reader
    from alliance.ui import data

    asked = []
    real_query = data._query

    def recording(home, version, name, params, scope, settings):
        asked.append(name)
        return real_query(home, version, name, params, scope, settings)

    monkeypatch.setattr(data, "_query", recording)
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE)
    assert {"wai_pairs_summary", "wai_pair_points", "dual_perspective"} <= set(asked)
    assert "wai_pairs" not in asked, "no pair-level rows reach the page"
    con = open_reader(sample_home)
    try:
        pairs = queries.run(con, "wai_pairs")
    finally:
        con.close()
    difference = pairs["client_wai"] - pairs["therapist_wai"]
    caption = i18n.t("dual.scatter.caption", "en", n=i18n.integer(len(pairs), "en"),
                     clients=i18n.integer(len(pairs[["clinic", "client_id"]].drop_duplicates()), "en"),
                     therapists=i18n.integer(len(pairs[["clinic", "therapist_id"]].drop_duplicates()), "en"),
                     above=i18n.percent(100 * (difference > 0).mean(), 0, "en"),
                     below=i18n.percent(100 * (difference < 0).mean(), 0, "en"))
    assert caption in texts(at)
    [table] = at.dataframe
    shown = table.value.set_index(["Clinic", "Therapist"])
    expected = discrepancy_intervals(pairs).set_index(["clinic", "therapist_id"]).loc[shown.index]
    for column, name in (("ci_low", "95 % low"), ("ci_high", "95 % high")):
        assert (shown[name].isna() == expected[column].isna()).all(), name
        assert (shown[name] - expected[column]).abs().max() <= 0.011, name


def test_the_views_change_the_lines_and_rows(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE)
    at.button_group(key="dual_group").set_value("site").run()
    assert names(chart(at, "dual_development")) == {"Bergen", "Oslo", "Havbris DPS"}
    at.button_group(key="dual_level").set_value("therapist").run()
    rows = chart(at, "dual_profiles")["layout"]["yaxis"]["categoryarray"]
    assert len(rows) == 25 and "HB-T01" in rows, "therapist rows are named by their id"


def test_a_clinic_filter_narrows_every_figure(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE, clinic="Havbris DPS")
    assert names(chart(at, "dual_scatter")) - {"agreement: client = therapist"} == {"Havbris DPS"}
    assert all(label.startswith("HB-") for label in chart(at, "dual_by_therapist")["layout"]["yaxis"]["categoryarray"])
    assert names(chart(at, "dual_development")) == {"public"}
    assert list(chart(at, "dual_profiles")["layout"]["yaxis"]["categoryarray"]) == ["Havbris DPS"]
    assert set(at.dataframe[0].value["Clinic"]) == {"Havbris DPS"}


def test_norwegian_headings(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE, lang="nb")
    assert [e.value for e in at.title] == ["To perspektiver: klient og terapeut"]
    assert [e.value for e in at.subheader] == [
        "Klientens mot terapeutens WAI-SR, time for time", "Avvik per terapeut",
        "Nærmer de to synene seg hverandre over timene?", "Mål, oppgaver og bånd: klient og terapeut"]
    assert chart(at, "dual_scatter")["layout"]["separators"] == ",\u00a0"
    assert "Timepar" in at.dataframe[0].value.columns


def test_a_selection_without_pairs_is_a_sentence(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, page=PAGE, **{"from": "2023-01-01", "to": "2023-06-30"})
    assert "No session in this selection has a WAI-SR from both" in texts(at)
    assert not at.get("plotly_chart") and not at.dataframe


def test_without_a_store_the_page_says_what_to_do(monkeypatch, empty_home, missing_exports):
    at = open_page(monkeypatch, empty_home, missing_exports, page=PAGE)
    [info] = at.info
    assert info.value.startswith("No data yet") and "client and therapist WAI-SR" in info.value
    assert not at.get("plotly_chart") and not at.dataframe


def test_on_an_empty_store_the_page_offers_to_load(monkeypatch, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_page(monkeypatch, tmp_path / "home", exports, page=PAGE)
    assert at.info[0].value.startswith("No data yet")
    assert at.button(key="load_exports").label == "Load the exports"


# --------------------------------------------------------------------------- the browser


@pytest.mark.browser
def test_dual_page_in_the_browser(page, streamlit_server, sample_home, missing_exports):
    url = streamlit_server(sample_home, missing_exports)
    page.goto(url + "/dual_perspective")
    settle(page, 4)
    no_error(page)
    assert set(legend(page, 0)) >= {"Fjordklinikken", "Havbris DPS"}
    assert set(legend(page, 2)) == {"private", "public"}
    page.get_by_text("agreement: client = therapist").first.wait_for()
    # A hover says how many session pairs a point of the scatter stands for.
    point = page.locator(CHART).nth(0).locator(".scatterlayer .trace .points path").first
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(f"{CHART} .hoverlayer .hovertext").first
    hover.wait_for(timeout=10_000)
    assert "session pair(s) here" in hover.text_content()

    page.goto(url + "/dual_perspective?sector=public")
    settle(page, 4)
    page.wait_for_function("() => ![...document.querySelectorAll('.legendtext')].some(e => e.textContent === 'private')",
                           timeout=LOAD_MS)
    assert set(legend(page, 2)) == {"public"}
    assert "Fjordklinikken" not in legend(page, 0)

    page.goto(url + "/dual_perspective?lang=nb")
    page.get_by_role("heading", name="To perspektiver: klient og terapeut").wait_for(timeout=LOAD_MS)
    page.get_by_role("heading", name="Avvik per terapeut").wait_for()
    settle(page, 4)
    no_error(page)


@pytest.mark.browser
def test_dual_page_settles_quickly_and_is_screenshotted(browser, streamlit_server, sample_home, missing_exports,
                                                        screenshots):
    url = streamlit_server(sample_home, missing_exports)
    context = browser.new_context(viewport={"width": 1400, "height": 3400})
    page = context.new_page()
    try:
        timings = []
        for _ in range(2):  # the second visit is served from the cache, as for a supervisor coming back
            page.goto(url + "/")
            page.wait_for_selector(f"{CHART} svg.main-svg .scatterlayer .trace", timeout=LOAD_MS)
            started = time.monotonic()
            page.locator(NAV_LINK, has_text="Dual perspective").click()
            page.get_by_role("heading", name="Dual perspective: client and therapist").wait_for(timeout=LOAD_MS)
            settle(page, 4)
            timings.append(time.monotonic() - started)
        print(f"\nDual perspective page settled in {', '.join(f'{s:.2f} s' for s in timings)}")
        assert min(timings) < SETTLE_BUDGET_S
        no_error(page)
        page.wait_for_timeout(500)  # the grid paints its canvas after it is attached
        page.screenshot(path=screenshots / "dual_perspective.png", full_page=True)
    finally:
        context.close()
