"""Every page, run headless through the router (AppTest), on the sample store and on no data."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import re
import shutil
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from alliance import store
from alliance.scope import Scope

from .test_charts import values

DASHBOARD = "../dashboard.py"  # AppTest.from_file resolves this against this file
PAGES = ("pages/overview.py", "pages/data.py")
TIMEOUT = 60


def open_dashboard(monkeypatch, home, data, page=None, scope=None) -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    if scope is not None:
        at.session_state["scope"] = scope
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1, "the Overview shows one chart"
    return json.loads(charts[0].proto.spec)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "title", "subheader")
             for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def shown(markdown: str) -> str:
    """Markdown source as the user reads it: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def months_drawn(spec: dict) -> set[str]:
    return {str(x)[:7] for trace in spec["data"] for x in values(trace["x"])}


# --------------------------------------------------------------------------- Overview


def test_overview_draws_public_and_private_with_the_cutoff(monkeypatch, sample_home, missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports)
    spec = chart_spec(at)
    assert sorted(t["name"] for t in spec["data"]) == ["private", "public"]
    assert all(t["mode"] == "lines+markers" for t in spec["data"])
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["cutoff 36"]
    assert any(s.get("y0") == 36 for s in spec["layout"]["shapes"])
    assert "few rated sessions are noisy" in texts(at)
    assert "No data yet" not in texts(at)


def test_overview_period_filter_changes_the_chart(monkeypatch, sample_home, missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports)
    start, end = at.date_input(key="f_from"), at.date_input(key="f_to")
    assert start.value is None and end.value is None  # no period chosen: the whole span
    whole = months_drawn(chart_spec(at))
    assert len(whole) > 3

    later = dt.date.fromisoformat(sorted(whole)[3] + "-01")
    start.set_value(later).run()
    assert not at.exception
    narrowed = months_drawn(chart_spec(at))
    assert min(narrowed) == later.isoformat()[:7]
    assert narrowed == {m for m in whole if m >= later.isoformat()[:7]}
    assert at.query_params["from"] == later.isoformat()  # the address carries the period

    at.date_input(key="f_to").set_value(later - dt.timedelta(days=1)).run()
    assert "ends before it starts" in texts(at)
    assert not at.get("plotly_chart")


def test_filters_start_from_the_address_and_narrow_every_query(monkeypatch, sample_home, missing_exports):
    monkeypatch.setenv("ALLIANCE_HOME", str(sample_home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["sector"] = "private"
    at.query_params["clinic"] = "No Such Clinic"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    spec = chart_spec(at)
    assert [trace["name"] for trace in spec["data"]] == ["private"]
    assert at.multiselect(key="f_sector").value == ["private"]
    # A value the data does not have is left out, with a sentence, not an error.
    assert any("No Such Clinic" in w.value for w in at.warning)
    assert at.multiselect(key="f_clinic").value == []
    at.multiselect(key="f_sector").set_value([]).run()
    assert sorted(trace["name"] for trace in chart_spec(at)["data"]) == ["private", "public"]
    assert "sector" not in at.query_params


def test_overview_follows_the_cutoff_setting(monkeypatch, sample_home, tmp_path, missing_exports):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "settings.toml").write_text("srs_cutoff = 35\n", encoding="utf-8")
    at = open_dashboard(monkeypatch, home, missing_exports)
    assert [a["text"] for a in chart_spec(at)["layout"]["annotations"]] == ["cutoff 35"]
    assert "the cutoff, 35" in texts(at)


def test_unusable_settings_are_one_sentence_not_a_traceback(monkeypatch, sample_home, tmp_path, missing_exports):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "settings.toml").write_text("srs_cutof = 35\n", encoding="utf-8")
    at = open_dashboard(monkeypatch, home, missing_exports)
    [error] = at.error
    assert "srs_cutof" in shown(error.value) and "settings.toml" in shown(error.value)
    assert not at.get("plotly_chart")


def test_overview_shows_only_the_viewers_scope(monkeypatch, sample_home, missing_exports):
    con = store.open_reader(sample_home)
    try:
        public_clinics = [r[0] for r in con.execute(
            "SELECT DISTINCT clinic FROM sessions WHERE sector = 'public' ORDER BY 1").fetchall()]
    finally:
        con.close()
    at = open_dashboard(monkeypatch, sample_home, missing_exports, scope=Scope(clinics=tuple(public_clinics)))
    assert [t["name"] for t in chart_spec(at)["data"]] == ["public"]


# --------------------------------------------------------------------------- Data


def test_data_page_lists_files_and_rejects_with_counts(monkeypatch, sample_home, sample_data, missing_exports):
    at = open_dashboard(monkeypatch, sample_home, missing_exports, page="pages/data.py")
    tables = at.dataframe
    files = tables[0].value
    exported = {p.name for p in sample_data.iterdir() if p.is_file() and p.name != "columns.toml"}
    assert set(files["file"]) == exported
    assert {"file", "status", "rows_read", "rows_loaded", "rows_quarantined", "message"} <= set(files.columns)
    text = texts(at)
    assert f"{len(files)} files: " in text
    assert f"{int(files['rows_read'].sum()):,} rows read" in text
    # The rejects table is the one with the reject columns (the page shows more tables after it).
    reject_tables = [t.value for t in tables[1:] if list(t.value.columns) == ["file", "row", "column", "reason"]]
    if reject_tables:
        [rejects] = reject_tables
        assert f"{len(rejects):,} reject entr" in text
    else:
        assert "No rejects" in text


# --------------------------------------------------------------------------- no data


@pytest.mark.parametrize("page", PAGES)
def test_each_page_without_a_store_says_what_to_do(monkeypatch, empty_home, missing_exports, page):
    at = open_dashboard(monkeypatch, empty_home, missing_exports, page=page if page != PAGES[0] else None)
    [info] = at.info
    assert info.value.startswith("No data yet")
    assert str(missing_exports) in info.value and "python -m alliance ingest" in info.value
    assert not at.get("plotly_chart") and not at.dataframe
    assert store.store_version(empty_home) is None, "a missing exports folder must not create a store"


@pytest.mark.parametrize("page", PAGES)
def test_each_page_on_an_empty_store_offers_to_load_the_exports(monkeypatch, tmp_path, page):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_dashboard(monkeypatch, tmp_path / "home", exports, page=page if page != PAGES[0] else None)
    assert store.store_version(tmp_path / "home") is not None, "first start ingests the (empty) exports folder"
    [info] = at.info
    assert info.value.startswith("No data yet") and str(exports) in info.value
    assert not at.get("plotly_chart") and not at.dataframe
    assert at.button(key="load_exports").label == "Load the exports"


def test_load_button_ingests_new_exports(monkeypatch, tmp_path, sample_data):
    exports = tmp_path / "exports"
    exports.mkdir()
    at = open_dashboard(monkeypatch, tmp_path / "home", exports)
    assert not at.get("plotly_chart")
    for path in sample_data.iterdir():
        shutil.copy(path, exports / path.name)
    at.button(key="load_exports").click().run()
    assert not at.exception
    assert sorted(t["name"] for t in chart_spec(at)["data"]) == ["private", "public"]


def test_first_start_ingests_the_exports_folder_with_progress(monkeypatch, tmp_path, sample_data):
    home = tmp_path / "home"
    exports = tmp_path / "exports"
    shutil.copytree(sample_data, exports)
    at = open_dashboard(monkeypatch, home, exports)
    [status] = at.status
    assert status.label.startswith("Loaded the exports:")
    assert status.state == "complete"
    assert at.get("progress"), "the ingest shows a progress bar"
    assert sorted(t["name"] for t in chart_spec(at)["data"]) == ["private", "public"]
    at.run()  # later runs find the store and do not ingest again
    assert not at.status


def test_first_start_waits_for_an_ingest_already_running(monkeypatch, tmp_path, sample_data):
    """Two first sessions (or a session and a cron job) must not both fail: the later one waits."""
    home = tmp_path / "home"
    home.mkdir()
    exports = tmp_path / "exports"
    shutil.copytree(sample_data, exports)
    lock = (home / "ingest.lock").open("a+")  # docs/store.md: held while an ingest runs
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    held_seconds = 3
    release = threading.Timer(held_seconds, lambda: fcntl.flock(lock, fcntl.LOCK_UN))
    started = time.monotonic()
    release.start()
    try:
        at = open_dashboard(monkeypatch, home, exports)
    finally:
        release.cancel()
        lock.close()
    assert time.monotonic() - started >= held_seconds
    assert not at.error, [e.value for e in at.error]
    assert at.status[0].label.startswith("Loaded the exports:")
    assert sorted(t["name"] for t in chart_spec(at)["data"]) == ["private", "public"]


def test_a_bad_columns_toml_is_one_sentence_not_a_traceback(monkeypatch, tmp_path, sample_data):
    exports = tmp_path / "exports"
    shutil.copytree(sample_data, exports)
    (exports / "columns.toml").write_text("[columns\n", encoding="utf-8")
    at = open_dashboard(monkeypatch, tmp_path / "home", exports)
    [error] = at.error
    assert "columns.toml" in shown(error.value)
    assert not at.exception
    assert at.info[0].value.startswith("No data yet")


def test_messages_naming_files_are_shown_literally():
    from alliance.ui.state import escape_markdown

    name = "sessions_*2024*_[x](http://a)_<b>$1$.csv"
    escaped = escape_markdown(f"{name} cannot be read.")
    assert shown(escaped) == f"{name} cannot be read."
    assert not re.search(r"(?<!\\)[*\[\]<>$_]", escaped), "every Markdown character is escaped"


# --------------------------------------------------------------------------- the server's run-time log


def test_run_log_has_one_line_per_run_with_nothing_about_the_viewer(monkeypatch, sample_home, empty_home,
                                                                     missing_exports, tmp_path):
    # ALLIANCE_RUN_LOG (docs/scaling.md): the load benchmark reads the server's own time per run.
    log = tmp_path / "runs.tsv"
    monkeypatch.setenv("ALLIANCE_RUN_LOG", str(log))
    started = time.time()
    open_dashboard(monkeypatch, sample_home, missing_exports)
    open_dashboard(monkeypatch, empty_home, missing_exports)  # no store: the page stops after its message
    lines = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(page, outcome) for _, page, _, outcome in lines] == [("overview.py", "done"), ("overview.py", "stopped")]
    for end, _, seconds, _ in lines:
        assert started <= float(end) <= time.time() and 0 < float(seconds) < TIMEOUT
    assert str(sample_home) not in log.read_text(encoding="utf-8")

