"""The dashboard in a real browser: a running server, headless Chromium, what a supervisor sees."""
from __future__ import annotations

import re


# Streamlit's first page load on this 2-core machine can take several seconds; an ingest more.
LOAD_MS = 60_000
INGEST_MS = 180_000

CHART = '[data-testid="stPlotlyChart"]'
CHART_DRAWN = f"{CHART} svg.main-svg .scatterlayer .trace"
POINTS = f"{CHART} .scatterlayer .trace .points path"
CUTOFF_LABEL = f"{CHART} .annotation-text"
NAV_LINK = '[data-testid="stSidebarNav"] a'
DATAFRAME = '[data-testid="stDataFrame"]'

# Remembers whether a progress bar was ever shown, however briefly, before the chart.
RECORD_PROGRESS = """
window.__sawProgress = false;
window.__progressBeforeChart = false;
new MutationObserver(() => {
  if (document.querySelector('[data-testid="stProgress"]')) {
    if (!window.__sawProgress && !document.querySelector('[data-testid="stPlotlyChart"]')) {
      window.__progressBeforeChart = true;
    }
    window.__sawProgress = true;
  }
}).observe(document, {childList: true, subtree: true});
"""


def open_overview(page, url):
    page.goto(url + "/")
    page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)


def caption_text(page) -> str:
    return page.get_by_text(re.compile(r"rated sessions? in \d+ months?")).text_content()


def test_overview_chart_with_cutoff_then_data_page(page, streamlit_server, sample_home, missing_exports, screenshots):
    url = streamlit_server(sample_home, missing_exports)
    open_overview(page, url)
    assert page.locator(f"{CHART} .scatterlayer .trace").count() == 2, "one line per sector"
    assert page.locator(f"{CHART} .legend").get_by_text("public", exact=True).count() == 1
    assert page.locator(f"{CHART} .legend").get_by_text("private", exact=True).count() == 1
    assert page.locator(CUTOFF_LABEL).all_text_contents() == ["cutoff 36"]
    page.get_by_text("few rated sessions are noisy").wait_for()
    box = page.locator(POINTS).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(f"{CHART} .hoverlayer .hovertext")
    hover.first.wait_for(timeout=10_000)
    assert re.search(r"\d+ rated sessions, \d+ clients", hover.first.text_content())
    page.screenshot(path=screenshots / "overview.png", full_page=True)

    page.locator(NAV_LINK, has_text="Data").click()
    page.wait_for_url(re.compile(r"/data(\?|$)"), timeout=LOAD_MS)  # the filters ride along in the query
    page.get_by_role("heading", name="Files").wait_for(timeout=LOAD_MS)
    page.locator(DATAFRAME).first.wait_for(timeout=LOAD_MS)
    page.get_by_text(re.compile(r"^\d+ files: \d+ loaded")).wait_for()
    page.get_by_role("heading", name="Rejects").wait_for()
    page.wait_for_timeout(500)  # the grid paints its canvas after it is attached
    page.screenshot(path=screenshots / "data.png", full_page=True)


def test_filters_from_the_address_change_the_chart_and_a_copied_link_reproduces_it(
        page, browser, streamlit_server, sample_home, missing_exports, screenshots):
    url = streamlit_server(sample_home, missing_exports)
    open_overview(page, url)
    points_before = page.locator(POINTS).count()
    caption_before = caption_text(page)
    assert page.locator(f"{CHART} .scatterlayer .trace").count() == 2
    # The period and the sector as a link would carry them.
    page.goto(url + "/?from=2025-01-01&sector=public")
    page.get_by_text(re.compile(r"from 1 Jan 2025 to")).wait_for(timeout=LOAD_MS)
    assert caption_text(page) != caption_before
    page.wait_for_function(
        "([selector, before]) => { const n = document.querySelectorAll(selector).length; return n > 0 && n < before; }",
        arg=[POINTS, points_before], timeout=LOAD_MS,
    )
    assert page.locator(f"{CHART} .scatterlayer .trace").count() == 1
    assert page.locator(CUTOFF_LABEL).all_text_contents() == ["cutoff 36"]
    # The app keeps the filters in the address: that address, opened anew, shows the same view.
    page.wait_for_function("() => location.search.includes('sector=public') && location.search.includes('from=2025-01-01')",
                           timeout=LOAD_MS)
    copied = page.url
    caption = caption_text(page)
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(copied)
    other.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
    other.get_by_text(re.compile(r"from 1 Jan 2025 to")).wait_for(timeout=LOAD_MS)
    assert caption_text(other) == caption
    assert other.locator(f"{CHART} .scatterlayer .trace").count() == 1
    page.screenshot(path=screenshots / "overview_period.png", full_page=True)
    other.context.close()


def test_first_start_loads_the_exports_with_progress(page, streamlit_server, tmp_path, fresh_exports, screenshots):
    home = tmp_path / "home"
    url = streamlit_server(home, fresh_exports)
    page.add_init_script(RECORD_PROGRESS)
    page.goto(url + "/")
    page.wait_for_selector(CHART_DRAWN, timeout=INGEST_MS)
    assert page.evaluate("window.__progressBeforeChart"), "a progress bar shows before the chart"
    page.get_by_text(re.compile(r"^Loaded the exports: \d+ files")).wait_for()
    assert page.locator(CUTOFF_LABEL).all_text_contents() == ["cutoff 36"]
    page.screenshot(path=screenshots / "first_start.png", full_page=True)


def test_two_first_sessions_at_once_both_get_the_chart(browser, streamlit_server, tmp_path, fresh_exports):
    url = streamlit_server(tmp_path / "home", fresh_exports)
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for p in pages:
            p.goto(url + "/", wait_until="commit")
        for p in pages:
            p.wait_for_selector(CHART_DRAWN, timeout=INGEST_MS)
            assert p.locator('[data-testid="stAlert"]').filter(has_text="could not").count() == 0
            assert p.locator('[data-testid="stException"]').count() == 0
    finally:
        for c in contexts:
            c.close()


def test_empty_home_says_what_to_do(page, streamlit_server, empty_home, missing_exports, screenshots):
    url = streamlit_server(empty_home, missing_exports)
    page.goto(url + "/")
    page.get_by_text(re.compile(r"^No data yet")).wait_for(timeout=LOAD_MS)
    assert page.get_by_text(str(missing_exports)).count() >= 1
    assert page.locator(CHART).count() == 0
    page.screenshot(path=screenshots / "empty.png", full_page=True)


def test_a_link_to_a_page_is_the_first_request_of_a_fresh_server(page, streamlit_server, sample_home, tmp_path):
    """Before any run of the router, Streamlit serves a file of pages/ on its own: it still gets the whole frame."""
    url = streamlit_server(sample_home, tmp_path / "no-exports-here")  # a server of its own, never visited
    page.goto(url + "/data?lang=nb")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("Oversikt").wait_for(timeout=LOAD_MS)
    assert "dashboard" not in nav.inner_text()  # the app's navigation, not the pages/ folder's file names
    page.get_by_role("heading", name="Filer").wait_for(timeout=LOAD_MS)
    page.get_by_text("Språk").first.wait_for(timeout=LOAD_MS)
