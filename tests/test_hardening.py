"""Hardening: the server's settings, the read-only store connection, and what a failing page shows.

docs/security.md ("Hardening") says why each setting is there; these tests fail when one is lost.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request

import duckdb
import pytest

from alliance import queries, store

from .conftest import ROOT, _free_port, _wait_healthy, stop_process

CONFIG = ROOT / ".streamlit" / "config.toml"

# (section, option, value): every one is read by Streamlit from .streamlit/config.toml.
EXPECTED = [
    ("global", "developmentMode", False),
    ("server", "headless", True),
    ("server", "maxUploadSize", 50),
    ("server", "enableXsrfProtection", True),
    ("server", "enableCORS", True),
    ("server", "enableStaticServing", False),
    ("server", "fileWatcherType", "none"),
    ("server", "runOnSave", False),
    ("server", "enableAgentApi", False),
    ("runner", "magicEnabled", False),
    ("runner", "postScriptGC", False),
    ("browser", "gatherUsageStats", False),
    ("client", "toolbarMode", "minimal"),
    ("client", "showErrorDetails", "none"),
    ("client", "showErrorLinks", False),
    ("client", "disableDataExport", True),
]


def test_config_toml_sets_every_hardening_option():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    for section, option, value in EXPECTED:
        assert config.get(section, {}).get(option) == value, f"{section}.{option} should be {value!r}"


def test_streamlit_reads_the_options_as_set():
    """Streamlit's own view of the options (a misspelt option would be ignored silently)."""
    names = [f"{section}.{option}" for section, option, _ in EXPECTED]
    probe = ("import json, sys; from streamlit import config; "
             "print(json.dumps({n: config.get_option(n) for n in sys.argv[1:]}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}  # no override from outside
    result = subprocess.run([sys.executable, "-c", probe, *names], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {f"{s}.{o}": v for s, o, v in EXPECTED}


# --------------------------------------------------------------------------- the store connection

# Statements a page's connection must refuse: writing, reaching files or the network, loosening its settings.
REFUSED = [
    "CREATE TABLE probe (a INTEGER)",
    "INSERT INTO meta VALUES ('probe', 'x')",
    "UPDATE meta SET value = 'x'",
    "DELETE FROM sessions",
    "DROP TABLE sessions",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET autoinstall_known_extensions = true",
    "SET autoload_known_extensions = true",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM read_parquet('https://example.invalid/x.parquet')",
    "ATTACH '/tmp/alliance-probe.duckdb' AS probe",
    "ATTACH ':memory:' AS probe",
    "COPY meta TO '/tmp/alliance-probe.csv'",
    "EXPORT DATABASE '/tmp/alliance-probe'",
]


@pytest.fixture(scope="module")
def page_connection(sample_home):
    """The connection the pages use (alliance.ui.data keeps one per build in st.cache_resource)."""
    from alliance.ui import data

    return data._connection(str(sample_home), store.store_version(sample_home))


@pytest.mark.parametrize("sql", REFUSED)
def test_the_page_connection_refuses(page_connection, sample_home, sql):
    before = page_connection.execute("SELECT count(*) FROM sessions").fetchone()
    with pytest.raises(duckdb.Error):
        page_connection.cursor().execute(sql).fetchall()
    assert page_connection.execute("SELECT count(*) FROM sessions").fetchone() == before
    assert not os.path.exists("/tmp/alliance-probe.csv") and not os.path.exists("/tmp/alliance-probe.duckdb")


def test_the_page_connection_settings_are_locked(page_connection):
    settings = dict(page_connection.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('access_mode', 'enable_external_access', "
        "'lock_configuration', 'autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"access_mode": "read_only", "enable_external_access": "false", "lock_configuration": "true",
                        "autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def test_every_query_runs_on_the_page_connection(page_connection):
    """The locked connection is enough for every named query and every model's input."""
    for name in queries.all_queries():
        frame = queries.run(page_connection, name)
        assert frame is not None, name
    for name in queries.input_queries():
        assert queries.run_input(page_connection, name) is not None, name


# --------------------------------------------------------------------------- a failing page, in a browser

FAILING_APP = '''
import streamlit as st
st.title("Probe")
def inner_function_name():
    raise RuntimeError("SECRET-DETAIL-%s")
inner_function_name()
'''


@pytest.fixture(scope="module")
def failing_server(tmp_path_factory):
    """`streamlit run` of a page that raises, with the project's .streamlit/config.toml (cwd = the project)."""
    folder = tmp_path_factory.mktemp("failing_app")
    marker = "SECRET-DETAIL-" + os.urandom(4).hex()
    script = folder / "failing_page.py"
    script.write_text(FAILING_APP.replace("SECRET-DETAIL-%s", marker), encoding="utf-8")
    (folder / "static").mkdir()
    (folder / "static" / "secret.txt").write_text("STATIC-" + marker, encoding="utf-8")  # must never be served
    port = _free_port()
    log = folder / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url, marker, log
    finally:
        stop_process(process)


@pytest.mark.browser
def test_an_error_in_a_page_shows_no_traceback(page, failing_server):
    url, marker, log = failing_server
    page.goto(url + "/")
    page.get_by_role("heading", name="Probe").wait_for(timeout=60_000)
    exception = page.locator('[data-testid="stException"]')
    exception.wait_for(timeout=30_000)
    shown = page.locator("body").inner_text()
    for leak in (marker, "Traceback", "RuntimeError", "inner_function_name", "failing_page.py", str(ROOT)):
        assert leak not in shown, f"{leak!r} reached the browser"
    html = page.content()
    assert marker not in html and "inner_function_name" not in html
    # No link that would send the error to a search engine or a chat bot.
    assert page.locator('a[href*="google.com"], a[href*="chatgpt.com"], a[href*="openai"]').count() == 0
    # The full error is in the server's log, for the administrator.
    page.wait_for_timeout(500)
    assert marker in log.read_text(errors="replace")


def test_no_static_files_are_served(failing_server):
    """A static/ folder beside the page is not served (server.enableStaticServing = false)."""
    url, marker, _ = failing_server
    for path in ("/app/static/secret.txt", "/app/static/../.streamlit/config.toml", "/static/secret.txt"):
        try:
            with urllib.request.urlopen(url + path, timeout=10) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            assert exc.code in (400, 403, 404), (path, exc.code)
            continue
        # At most the app's own index page comes back.
        assert marker.encode() not in body and b"maxUploadSize" not in body, path
