"""Hostile input: SQL, HTML, Markdown and spreadsheet formulas in links, the search box, comments and file names.

Each changes nothing and runs nothing: the store is the same afterwards, a bad link
value gets one sentence or is ignored, and every payload is shown only as the
literal text it is (checked in a real browser for the comments and file names).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alliance import queries, store
from alliance.safe_export import neutralise_formulas, to_csv_bytes
from alliance.ui import filters

from . import hostile
from .hostile import FORMULAS, HTML, MARKDOWN, PAYLOADS, SQL
from .test_pages import DASHBOARD, TIMEOUT, shown, texts

URL_FILTER_KEYS = [k for k in filters.URL_KEYS]


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory, sample_data):
    return hostile.write_hostile_exports(sample_data, tmp_path_factory.mktemp("hostile") / "exports")


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory, hostile_exports):
    home = tmp_path_factory.mktemp("hostile_home")
    report = store.ingest(hostile_exports, home)
    loaded = {f.file: f.rows_loaded for f in report.files}
    assert loaded["feedback_zz_hostile.csv"] == len(PAYLOADS), "every payload comment is loaded as it is"
    return home


def store_fingerprint(home) -> tuple:
    """The current build file's bytes and its row counts: any change to the store changes this."""
    build = (home / "alliance.duckdb").resolve()
    con = store.open_reader(home)
    try:
        counts = tuple(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                       for table in ("sessions", "feedback", "files", "rejects"))
    finally:
        con.close()
    return build.name, hashlib.sha256(build.read_bytes()).hexdigest(), counts


def open_with(monkeypatch, home, data, params: dict, page: str | None = None) -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- (a) links


@pytest.mark.parametrize("payload", PAYLOADS)
def test_link_values_with_payloads_are_left_out_in_one_sentence(monkeypatch, hostile_home, hostile_exports, payload):
    before = store_fingerprint(hostile_home)
    params = {key: payload for key in URL_FILTER_KEYS}
    params.update(site=f"Fjordklinikken/{payload}", therapist=f"Fjordklinikken/{payload}")
    at = open_with(monkeypatch, hostile_home, hostile_exports, params)
    assert not at.error
    warnings = [w.value for w in at.sidebar.warning]
    # Every filter the payload named is left out with one sentence; the language falls back to English.
    # from, to, sector, clinic, site, therapist: one sentence each; a comma in a link separates values,
    # and a part that is not clinic/name is no site or therapist at all (ignored without a word).
    parts = 1 + payload.count(",")
    assert 6 <= len(warnings) <= 2 + 4 * parts, warnings
    for warning in warnings:
        assert warning.startswith("The link named ") and warning.endswith("; it was left out.")
        assert warning.count(". ") == 0
    # The payload is shown as the text it is (Markdown escaped), at most its first characters.
    readable = [shown(w) for w in warnings]
    assert any(payload[:20] in w for w in readable), readable
    for warning in warnings:
        assert "](" not in warning.replace("\\](", "").replace("\\]\\(", ""), "no Markdown link or image survives"
    assert at.session_state["f_clinic"] == [] and at.session_state["f_sector"] == []
    assert store_fingerprint(hostile_home) == before


def test_page_link_values_with_payloads_are_ignored(monkeypatch, hostile_home, hostile_exports):
    before = store_fingerprint(hostile_home)
    for payload in PAYLOADS:
        at = open_with(monkeypatch, hostile_home, hostile_exports, {"fb_band": payload}, page="pages/feedback.py")
        assert at.radio(key="fb_band").value == "all"
        at = open_with(monkeypatch, hostile_home, hostile_exports, {"sup_therapist": payload, "client": payload},
                       page="pages/supervision.py")
        assert not at.error
        assert at.selectbox(key="sup_therapist").value is None
    assert store_fingerprint(hostile_home) == before


# --------------------------------------------------------------------------- (b) the search box


def test_the_feedback_search_treats_payloads_as_plain_text(monkeypatch, hostile_home, hostile_exports):
    before = store_fingerprint(hostile_home)
    at = open_with(monkeypatch, hostile_home, hostile_exports, {}, page="pages/feedback.py")
    for payload in PAYLOADS:
        at.text_input(key="fb_search").set_value(payload).run()
        assert not at.exception and not at.error, payload
        [table] = [d.value for d in at.dataframe if "comment" in d.value.columns]
        # Exactly the comments that contain the text, found as text: no SQL, no pattern.
        assert payload in set(table["comment"]), payload
        assert all(payload.lower() in c.lower() for c in table["comment"]), payload
        assert payload not in texts(at), "a comment is only ever in the table"
    at.text_input(key="fb_search").set_value("%").run()  # a LIKE wildcard means nothing here
    assert not at.exception and any("No comments" in i.value or "no comments" in i.value for i in at.info)
    assert store_fingerprint(hostile_home) == before


def test_a_search_payload_is_a_bound_value(hostile_home):
    con = store.open_reader(hostile_home)
    try:
        for payload in SQL:
            frame = queries.run(con, "comments", {"search": payload})
            assert frame["comment"].tolist() == [payload]
        assert con.execute("SELECT count(*) FROM sessions").fetchone()[0] > 0
    finally:
        con.close()


# --------------------------------------------------------------------------- (c) comments, as pages show them


def test_comments_with_payloads_are_only_table_cells(monkeypatch, hostile_home, hostile_exports):
    at = open_with(monkeypatch, hostile_home, hostile_exports,
                   {"sup_therapist": f"{hostile.CLINIC}/{hostile.THERAPIST}", "client": hostile.CLIENT},
                   page="pages/supervision.py")
    assert not at.error
    [table] = [d.value for d in at.dataframe if "comment" in d.value.columns]
    assert set(table["comment"]) == set(PAYLOADS)
    shown_text = texts(at)
    for payload in HTML + MARKDOWN + SQL:
        assert payload not in shown_text


# --------------------------------------------------------------------------- (d) exports for spreadsheets


def test_formula_payloads_are_neutralised_for_spreadsheets(hostile_home):
    con = store.open_reader(hostile_home)
    try:
        frame = queries.run(con, "comments", {"search": None})
    finally:
        con.close()
    ours = frame[frame["client_id"] == hostile.CLIENT].reset_index(drop=True)
    safe = neutralise_formulas(ours)
    by_comment = dict(zip(ours["comment"], safe["comment"]))
    for payload in FORMULAS:
        assert by_comment[payload] == "'" + payload
    for payload in SQL + HTML + MARKDOWN:
        assert by_comment[payload] == payload, "only text a spreadsheet would run is changed"
    assert safe["srs_total"].equals(ours["srs_total"]) and safe["session_date"].equals(ours["session_date"])
    assert ours["comment"].tolist()[0] in PAYLOADS, "the input frame is not changed"
    # Written as CSV and read back as a spreadsheet would: no cell starts a formula.
    cells = [cell for row in csv.reader(io.StringIO(to_csv_bytes(ours).decode("utf-8-sig"))) for cell in row]
    assert not [c for c in cells if re.match(r"^[ ]*[=+\-@\t\r]", c)]
    assert "'=HYPERLINK(\"http://evil.invalid/\",\"click\")" in cells


def test_neutralise_formulas_keeps_numbers_and_missing_values():
    frame = pd.DataFrame({
        "comment": ["=1+1", " @SUM(1)", "\tx", "ok", None, "-", "a=b"],
        "change": [-2.0, 3.0, -1.5, 0.0, None, 1.0, 2.0],
        "mixed": pd.Series(["+x", -2, None, "fine", 3.5, "=y", "z"], dtype=object),
    })
    safe = neutralise_formulas(frame)
    assert safe["comment"].tolist()[:4] == ["'=1+1", "' @SUM(1)", "'\tx", "ok"]
    assert pd.isna(safe["comment"][4]) and safe["comment"][5] == "'-" and safe["comment"][6] == "a=b"
    assert safe["change"].equals(frame["change"])
    assert safe["mixed"].tolist()[:2] == ["'+x", -2] and safe["mixed"][5] == "'=y"
    assert neutralise_formulas(pd.DataFrame({"=cmd": [1]})).columns.tolist() == ["'=cmd"]


# --------------------------------------------------------------------------- (e) file names in the upload report


def test_uploaded_file_names_with_payloads_are_plain_text_in_the_report(monkeypatch, tmp_path, sample_data):
    exports = hostile.write_hostile_exports(sample_data, tmp_path / "exports")
    home = tmp_path / "home"
    store.ingest(exports, home)
    at = open_with(monkeypatch, home, exports, {}, page="pages/data.py")
    names = [f"sessions_{p}.csv" for p in (HTML[1], MARKDOWN[1], SQL[0])] + [f"{HTML[0]}.csv",
                                                                             f"sessions_{MARKDOWN[2]}.csv"]
    [uploader] = at.get("file_uploader")
    uploader.set_value([(n, hostile.small_sessions(f"S{i}"), "text/csv") for i, n in enumerate(names)])
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception
    report = "\n".join(m.value for m in at.markdown) + "\n".join(w.value for w in at.warning)
    for name in names:
        # Inside a code span: no Markdown, no HTML; the name as the person sent it.
        assert "`" + name + "`" in report, name
    assert "`sessions__img_src_x_onerror_alert_1_.csv`: loaded (session export)" in shown(report)
    # Not exports: the one does not start with sessions, the other's last part after '/' is 'x.png).csv'.
    refused = [w.value.split(" was not added")[0] for w in at.warning]
    assert refused == [f"`{HTML[0]}.csv`", f"`sessions_{MARKDOWN[2]}.csv`"]
    assert not [p for p in exports.iterdir() if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", p.name)]


# --------------------------------------------------------------------------- in a real browser

LOAD_MS = 90_000


def assert_nothing_injected(page, dialogs: list) -> None:
    """No element a payload would create if it were read as HTML or Markdown anywhere on the page; no dialog."""
    inline_scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    assert not [s for s in inline_scripts if "alert(1)" in s]
    assert page.locator('img[src="x"], img[src*="evil"], a[href^="javascript"], [onerror], iframe').count() == 0
    assert not dialogs, dialogs


def grid_cells(page) -> list[str]:
    return page.eval_on_selector_all('[role="gridcell"]', "els => els.map(e => e.textContent)")


@pytest.mark.browser
def test_payloads_in_a_browser_are_only_text(page, streamlit_server, tmp_path, sample_data, screenshots):
    exports = hostile.write_hostile_exports(sample_data, tmp_path / "exports")
    home = tmp_path / "home"
    store.ingest(exports, home)
    before = store_fingerprint(home)
    url = streamlit_server(home, exports)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The Feedback page: every payload comment is a cell's text, newest first.
    page.goto(url + "/feedback")
    page.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=LOAD_MS)
    page.wait_for_timeout(500)
    cells = grid_cells(page)
    for payload in PAYLOADS:
        assert payload in cells, payload
    assert_nothing_injected(page, dialogs)
    # No built-in download of a table (client.disableDataExport): the CSV would carry the formulas.
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(300)
    assert page.get_by_role("button", name="Download as CSV").count() == 0

    # The Supervision page for the client whose comments carry the payloads.
    page.goto(f"{url}/supervision?sup_therapist={hostile.CLINIC}/{hostile.THERAPIST}&client={hostile.CLIENT}")
    page.get_by_text("comments", exact=False).first.wait_for(timeout=LOAD_MS)
    page.wait_for_function(
        "n => [...document.querySelectorAll('[role=gridcell]')].filter(e => e.textContent.includes('alert(1)'))"
        ".length >= n", arg=2, timeout=LOAD_MS)
    cells = grid_cells(page)
    for payload in PAYLOADS:
        assert payload in cells, payload
    assert_nothing_injected(page, dialogs)

    # A link whose filters carry payloads: sentences with the literal text, nothing injected.
    page.goto(url + "/?clinic=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
              + "&sector=" + "!%5Bimg%5D(http%3A%2F%2Fevil.invalid%2Fx.png)"
              + "&therapist=" + "A%2F%5Blink%5D(javascript%3Aalert(1))")
    page.get_by_text("it was left out", exact=False).first.wait_for(timeout=LOAD_MS)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "clinic <img src=x onerror=alert(1)>" in sidebar
    assert "sector ![img](http://evil.invalid/x.png)" in sidebar
    assert "therapist A/[link](javascript:alert(1))" in sidebar
    assert_nothing_injected(page, dialogs)

    # File names with payloads in the upload report.
    page.goto(url + "/data")
    page.get_by_role("heading", name="Add exports").wait_for(timeout=LOAD_MS)
    names = ["sessions_<img src=x onerror=alert(1)>.csv", "sessions_![img](http:evil.invalid x.png).csv"]
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([
        {"name": name, "mimeType": "text/csv", "buffer": hostile.small_sessions(f"S-BROWSER-{i}")}
        for i, name in enumerate(names)])
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('Save and load') && !b.disabled)", timeout=LOAD_MS)
    page.get_by_role("button", name="Save and load").click()
    page.get_by_text(re.compile(r"sessions__img_src_x_onerror_alert_1_\.csv: loaded")).wait_for(timeout=LOAD_MS)
    body = page.locator("body").inner_text()
    for name in names:
        assert name in body, name
    assert_nothing_injected(page, dialogs)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=screenshots / "hostile_upload_report.png")
    assert store_fingerprint(home) != before, "the upload itself did load"
