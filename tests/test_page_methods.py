"""The Methods page: definitions with the settings in force, in English and Norwegian; and every page in a browser."""
from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from alliance import i18n
from alliance.caseload import CONCERN_WEIGHTS
from alliance.locales import methods as methods_texts
from alliance.settings import SETTINGS
from alliance.ui.frame import PAGES

from .conftest import ROOT
from .test_pages import DASHBOARD, TIMEOUT, shown

LOAD_MS = 60_000
NAV_LINK = '[data-testid="stSidebarNav"] a'
PAGE = "pages/methods.py"


def open_methods(monkeypatch, home, data, lang: str | None = None) -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    if lang:
        at.selectbox(key="f_lang").set_value(lang).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption") for e in at.get(kind)]
    return shown("\n".join(str(p) for p in parts))


def settings_table(at: AppTest):
    """The settings table, with its columns named as in English whatever the language shown."""
    [table] = at.table
    frame = table.value
    frame.columns = ["setting", "in_force", "default", "differs", "meaning"]
    return frame.set_index("setting")


@pytest.fixture
def home_with_cutoff_35(tmp_path, sample_home):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "settings.toml").write_text("srs_cutoff = 35\n", encoding="utf-8")
    return home


def test_methods_shows_a_changed_setting_and_uses_it_in_the_definitions(monkeypatch, home_with_cutoff_35,
                                                                         missing_exports):
    at = open_methods(monkeypatch, home_with_cutoff_35, missing_exports)
    text = page_text(at)
    assert at.title[0].value == "Methods"
    assert "Differs from the default here: `srs_cutoff` is 35 (default 36)." in text
    table = settings_table(at)
    assert list(table.index) == [s.name for s in SETTINGS]
    assert (table.loc["srs_cutoff", "in_force"], table.loc["srs_cutoff", "default"]) == ("35", "36")
    assert table.loc["srs_cutoff", "differs"] == "changed"
    assert set(table.drop(index="srs_cutoff")["differs"]) == {""}, "only the changed setting is marked"
    # The definitions speak of the value in force, not the default.
    assert "| **low-alliance session** | a rated session whose SRS total is below the cutoff, 35 |" in text
    assert "the last rated session's SRS total is below 35" in text
    headers = [h.value for h in at.header]
    for section in ("The alliance and how it is measured", "Definitions", "Ruptures and repair",
                    "Comparing therapists fairly", "Expected treatment response: is the client on track?",
                    "Caseload flags", "Settings in force", "References"):
        assert section in headers


def test_methods_with_the_defaults_says_so(monkeypatch, sample_home, missing_exports):
    at = open_methods(monkeypatch, sample_home, missing_exports)
    assert "Every setting has its default value." in page_text(at)
    table = settings_table(at)
    assert set(table["differs"]) == {""}
    assert list(table["in_force"]) == list(table["default"])


def test_methods_in_norwegian(monkeypatch, tmp_path, sample_home, missing_exports):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "settings.toml").write_text("[settings]\nsrs_cutoff = 35.5\nrupture_drop = 3\n", encoding="utf-8")
    at = open_methods(monkeypatch, home, missing_exports, lang="nb")
    text = page_text(at)
    assert at.title[0].value == "Metode"
    assert [h.value for h in at.header][:3] == ["Alliansen og hvordan den måles", "Hvilke timer som teller",
                                                "Definisjoner"]
    assert ("Avviker fra standard her: `srs_cutoff` er 35,5 (standard 36); `rupture_drop` er 3 (standard 2)."
            in text), "Norwegian decimal comma"
    assert list(at.table[0].value.columns) == ["Innstilling", "Gjeldende", "Standard", "Avviker fra standard",
                                               "Hva det betyr"]
    table = settings_table(at)
    assert list(table["differs"]) == ["endret", "endret", "", "", "", "", "", "", "", "", "", "", ""]
    assert list(table["in_force"][:2]) == ["35,5", "3"]
    assert "Settings in force" not in text and "Definitions" not in text


def test_every_setting_and_flag_has_words_in_both_languages():
    catalog = i18n.catalog()
    keys = [f"methods.setting.{s.name}" for s in SETTINGS]
    keys += [f"methods.flag.{flag}.{part}" for flag in CONCERN_WEIGHTS for part in ("name", "raised", "why")]
    for key in keys:
        assert key in catalog, f"{key} is missing: a new setting or flag needs its words on the Methods page"
        assert catalog[key]["en"] and catalog[key]["nb"] and catalog[key]["en"] != catalog[key]["nb"], key


def test_every_citation_has_its_reference_and_every_reference_is_cited():
    texts = "\n".join(v["en"] for k, v in methods_texts.TEXT.items())
    cited = set()
    for citation in re.findall(r"[(;]\s*([^();]*?\b(?:19|20)\d{2})\b", texts):
        surname, year = citation.split()[0].rstrip(","), citation[-4:]
        matches = [r for r in methods_texts.REFERENCES if r.startswith(surname) and f"({year})" in r]
        assert matches, f"'{citation}' is cited but not in the references"
        cited.update(matches)
    assert len(cited) >= 10
    assert set(methods_texts.REFERENCES) == cited, set(methods_texts.REFERENCES) - cited


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_methods_in_a_browser_in_english_and_norwegian(page, streamlit_server, home_with_cutoff_35,
                                                      missing_exports, screenshots):
    url = streamlit_server(home_with_cutoff_35, missing_exports)
    # The router's first run registers the pages (st.navigation); before it, Streamlit would run a
    # deep link's pages/ file on its own, without the router's page setup.
    page.goto(url + "/")
    page.locator(NAV_LINK).filter(has_text=re.compile("Methods")).wait_for(timeout=LOAD_MS)
    page.goto(url + "/methods")
    page.get_by_role("heading", name="Settings in force").wait_for(timeout=LOAD_MS)
    page.get_by_text("Differs from the default here:").wait_for(timeout=LOAD_MS)
    assert "srs_cutoff is 35 (default 36)" in page.get_by_text("Differs from the default here:").text_content()
    page.get_by_role("heading", name="References").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(NAV_LINK).filter(has_text=re.compile("Methods")).count() == 1, \
        "the router's navigation, not the pages folder's"
    # The main area scrolls inside the page, so a screenshot shows one screen: the settings in force.
    page.get_by_role("heading", name="Settings in force").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)  # the settings grid paints its canvas after it is attached
    page.screenshot(path=screenshots / "methods.png")

    page.goto(url + "/methods?lang=nb")
    page.get_by_role("heading", name="Gjeldende innstillinger").wait_for(timeout=LOAD_MS)
    change = page.get_by_text("Avviker fra standard her:")
    change.wait_for(timeout=LOAD_MS)
    assert "srs_cutoff er 35 (standard 36)" in change.text_content()
    assert page.get_by_role("heading", name="Settings in force").count() == 0
    assert page.locator(NAV_LINK).filter(has_text=re.compile("Metode")).count() == 1
    page.get_by_role("heading", name="Gjeldende innstillinger").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "methods_nb.png")


def _settled(page) -> None:
    """Wait until the app has finished its run (no 'Running' indicator) and painted its grids."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=LOAD_MS * 3)
    page.wait_for_timeout(1500)


@pytest.mark.browser
def test_every_page_renders_in_a_browser_and_is_photographed(page, streamlit_server, sample_home, missing_exports,
                                                             screenshots):
    """For the README: one screenshot per page on the sample data (test-output/screenshots/page_<name>.png)."""
    url = streamlit_server(sample_home, missing_exports)
    pages = [(file, key) for file, key, _ in PAGES if (ROOT / "pages" / file).exists()]
    assert len(pages) >= 3
    for file, title_key in pages:
        slug = file.removesuffix(".py")
        page.goto(url + ("/" if slug == "overview" else f"/{slug}"))
        page.locator("h1").first.wait_for(timeout=LOAD_MS * 3)
        _settled(page)
        assert page.locator('[data-testid="stException"]').count() == 0, f"{file} shows an exception"
        assert page.get_by_text("No data yet").count() == 0, f"{file} finds no data"
        page.screenshot(path=screenshots / f"page_{slug}.png", full_page=True)


def test_methods_shows_how_the_flags_did_on_closed_treatments(monkeypatch, sample_home, missing_exports):
    """flag_validation on the page: per clinic and flag, with the flags by name and each share with its interval."""
    from alliance import queries, store

    con = store.open_reader(sample_home)
    try:
        rows = queries.run(con, "flag_validation", {})
    finally:
        con.close()
    at = open_methods(monkeypatch, sample_home, missing_exports)
    assert "How the flags did on this clinic's closed treatments" in [s.value for s in at.subheader]
    [frame] = [d.value for d in at.dataframe]
    assert len(frame) == len(rows) == 2 * (len(CONCERN_WEIGHTS) + 1)  # two clinics, every flag and "any flag"
    assert list(frame["Flag"][: len(CONCERN_WEIGHTS) + 1]) == [
        i18n.t(f"methods.flag.{flag}.name") for flag in (*CONCERN_WEIGHTS, "any")]
    first = rows.iloc[0]
    percent = [i18n.number(100 * first[c], 0) for c in ("sensitivity", "sensitivity_low", "sensitivity_high")]
    assert frame["Sensitivity"].iloc[0] == f"{percent[0]} % ({percent[1]}–{percent[2]})"
    assert frame["Closed treatments"].iloc[0] == i18n.integer(first["n_closed"])
    at.selectbox(key="f_lang").set_value("nb").run()
    assert "Hvordan flaggene traff i klinikkens avsluttede behandlinger" in [s.value for s in at.subheader]
