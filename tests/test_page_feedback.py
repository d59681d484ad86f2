"""The Feedback page: headless (AppTest) on the sample store, no store and a hostile comment; then in a browser."""
from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alliance import i18n, queries, store
from alliance.settings import load_settings
from tests.test_page_supervision import (HOSTILE, LOAD_MS, MAIN, SETTLED, grid_cells,  # noqa: F401
                                         hostile_home, texts, warm)

DASHBOARD = "../dashboard.py"
PAGE = "pages/feedback.py"
TIMEOUT = 60
DATAFRAME = '[data-testid="stDataFrame"]'


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def open_page(monkeypatch, home, data, params=None, alone=False) -> AppTest:
    """Through the router, or `alone` when the address must reach the page (see test_page_supervision.open_page)."""
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


def all_comments(home, **params) -> pd.DataFrame:
    con = store.open_reader(home)
    try:
        return queries.run(con, "comments", {"limit": 1_000_000, **params}, settings=load_settings(home))
    finally:
        con.close()


def shown_table(at: AppTest) -> pd.DataFrame:
    [grid] = at.dataframe
    return grid.value


def srs_values(table: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(table["srs_total"].str.replace("\u00a0", "").str.replace(",", "."), errors="coerce")


def test_comments_newest_first_with_the_sessions_scores(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    assert at.title[0].value == "Feedback"
    everything = all_comments(sample_home)
    table = shown_table(at)
    assert list(table.columns) == ["session_date", "clinic", "therapist_id", "client_id", "srs_total", "client_wai",
                                   "comment"]
    shown = min(len(everything), 1000)
    assert len(table) == shown
    assert list(table["session_date"]) == sorted(table["session_date"], reverse=True)
    assert list(table["comment"]) == list(everything["comment"][:shown])
    assert table["srs_total"].iloc[0] == i18n.number(everything["srs_total"].iloc[0])
    if len(everything) > 1000:
        assert f"The newest 1,000 of {len(everything):,} comments in this selection" in texts(at)
    else:
        assert f"{len(everything):,} comments in this selection" in texts(at)
    assert "band" not in "".join(at.query_params)


def test_band_below_the_cutoff_keeps_only_low_sessions_and_goes_in_the_address(monkeypatch, sample_home,
                                                                                missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    before = texts(at)
    at.radio(key="fb_band").set_value("low").run()
    assert not at.exception
    table = shown_table(at)
    assert (srs_values(table) < 36).all()
    low = all_comments(sample_home, band="low")
    assert f"{len(low):,} comments" in texts(at) and texts(at) != before
    assert at.query_params["fb_band"] == "low"
    at.radio(key="fb_band").set_value("ok").run()
    assert (srs_values(shown_table(at)) >= 36).all()
    at.radio(key="fb_band").set_value("all").run()
    assert "fb_band" not in at.query_params


def test_band_from_the_address(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, {"fb_band": "ok"}, alone=True)
    assert at.radio(key="fb_band").value == "ok"
    assert (srs_values(shown_table(at)) >= 36).all()
    nonsense = open_page(monkeypatch, sample_home, missing_exports, {"fb_band": "<b>"}, alone=True)
    assert nonsense.radio(key="fb_band").value == "all"


def test_search_is_plain_text_and_ignores_case(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    at.text_input(key="fb_search").input("TAKK").run()
    table = shown_table(at)
    assert len(table) > 0 and table["comment"].str.lower().str.contains("takk", regex=False).all()
    assert len(table) == len(all_comments(sample_home, search="takk"))
    assert "fb_search" not in at.query_params  # the words searched for stay out of the address
    at.text_input(key="fb_search").input("%_no such words_%").run()
    assert not at.exception and not at.dataframe
    assert at.info[0].value.startswith("No comments match this selection")


def test_sidebar_filters_narrow_the_comments(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, {"clinic": "Havbris DPS", "from": "2025-06-01"},
                   alone=True)
    table = shown_table(at)
    assert set(table["clinic"]) == {"Havbris DPS"}
    assert min(table["session_date"]) >= pd.Timestamp("2025-06-01")


def test_norwegian(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports, {"lang": "nb"}, alone=True)
    assert at.title[0].value == "Tilbakemeldinger"
    assert "kommentarer i utvalget" in texts(at)
    assert at.radio(key="fb_band").options == ["Alle", "Under grensen (36)", "På eller over grensen"]
    srs = shown_table(at)["srs_total"]
    assert srs.str.contains(",").any() and not srs.str.contains(r"\.").any()  # 35,4, not 35.4


def test_hostile_comment_is_plain_text(monkeypatch, hostile_home, missing_exports):  # noqa: F811
    at = open_page(monkeypatch, hostile_home, missing_exports)
    table = shown_table(at)
    assert table["comment"].iloc[0] == HOSTILE
    assert "<script>" not in texts(at) and "bold" not in texts(at) and "link" not in texts(at)
    assert not at.get("html")
    at.text_input(key="fb_search").input("<script>").run()
    assert list(shown_table(at)["comment"]) == [HOSTILE]
    assert "1 comment in this selection." in texts(at)


def test_without_a_store_it_says_what_to_do(monkeypatch, empty_home, missing_exports):
    at = open_page(monkeypatch, empty_home, missing_exports)
    [info] = at.info
    assert info.value.startswith("No data yet")
    assert not at.dataframe


def test_on_an_empty_store_it_offers_to_load_the_exports(monkeypatch, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_page(monkeypatch, tmp_path / "home", exports)
    assert at.info[0].value.startswith("No data yet")
    assert not at.dataframe
    assert at.button(key="load_exports").label == "Load the exports"


# --------------------------------------------------------------------------- the browser

COUNT = re.compile(r"comments? in this selection")


def count_sentence(page) -> str:
    return page.locator(MAIN).get_by_text(COUNT).text_content()


@pytest.mark.browser
def test_feedback_in_the_browser(page, browser, streamlit_server, sample_home, missing_exports, screenshots):
    url = streamlit_server(sample_home, missing_exports)
    warm(page, url)
    started = time.monotonic()
    page.goto(url + "/feedback")
    page.locator(f"{MAIN} {DATAFRAME}").wait_for(timeout=LOAD_MS)
    page.wait_for_function(SETTLED, timeout=LOAD_MS)
    print("feedback_settle_seconds", round(time.monotonic() - started, 2))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("heading", name="Feedback").wait_for()
    everything = count_sentence(page)
    cells = grid_cells(page)
    assert all_comments(sample_home)["comment"].iloc[0] in cells

    page.locator(MAIN).get_by_text("Below the cutoff (36)").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('fb_band') === 'low'", timeout=LOAD_MS)
    page.wait_for_function("([re, before]) => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
                           ".some(e => new RegExp(re).test(e.textContent) && !e.textContent.includes(before))",
                           arg=[COUNT.pattern, everything], timeout=LOAD_MS)
    low = all_comments(sample_home, band="low")
    assert f"{len(low):,}" in count_sentence(page)

    # The band rides in the address: a copied link opens the same selection.
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        other.goto(page.url)
        other.locator(f"{MAIN} {DATAFRAME}").wait_for(timeout=LOAD_MS)
        other.wait_for_function(SETTLED, timeout=LOAD_MS)
        assert count_sentence(other) == count_sentence(page)
    finally:
        other.context.close()

    box = page.locator(f'{MAIN} [data-testid="stTextInput"] input')
    box.fill("takk")
    box.press("Enter")
    takk = all_comments(sample_home, band="low", search="takk")
    page.locator(MAIN).get_by_text(f"{len(takk):,} comments in this selection").wait_for(timeout=LOAD_MS)
    page.set_viewport_size({"width": 1400, "height": 1200})
    page.wait_for_timeout(800)
    page.screenshot(path=screenshots / "feedback.png", full_page=True)


@pytest.mark.browser
def test_feedback_in_norwegian(page, streamlit_server, sample_home, missing_exports):
    url = streamlit_server(sample_home, missing_exports)
    warm(page, url)
    page.goto(url + "/feedback?lang=nb")
    page.get_by_role("heading", name="Tilbakemeldinger").wait_for(timeout=LOAD_MS)
    page.locator(f"{MAIN} {DATAFRAME}").wait_for(timeout=LOAD_MS)
    page.locator(MAIN).get_by_text(re.compile(r"kommentarer i utvalget")).wait_for(timeout=LOAD_MS)
    page.locator(MAIN).get_by_text("Under grensen (36)").wait_for()


@pytest.mark.browser
def test_hostile_comment_is_shown_literally_in_the_browser(page, streamlit_server, hostile_home,  # noqa: F811
                                                           missing_exports, screenshots):
    url = streamlit_server(hostile_home, missing_exports)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    warm(page, url)
    page.goto(url + "/feedback")
    page.locator(f"{MAIN} {DATAFRAME}").wait_for(timeout=LOAD_MS)
    page.wait_for_function(SETTLED, timeout=LOAD_MS)
    cells = grid_cells(page)
    assert HOSTILE in cells
    main = page.locator(MAIN)
    assert main.locator("strong", has_text="bold").count() == 0
    assert main.locator('a[href="http://x"]').count() == 0
    assert main.locator("script", has_text="alert").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    page.screenshot(path=screenshots / "feedback_hostile.png", full_page=True)
