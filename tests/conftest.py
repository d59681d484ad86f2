"""Shared fixtures: stores built from real exports, a running dashboard server and a real browser."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alliance import store
from alliance.localserver import free_port, stop_process, wait_healthy  # noqa: F401  (stop_process: used by other test files)

ROOT = Path(__file__).resolve().parent.parent
# ALLIANCE_TEST_SAMPLE_DATA points the tests at another exports folder (e.g. a larger one).
SAMPLE_DATA = Path(os.environ.get("ALLIANCE_TEST_SAMPLE_DATA") or ROOT / "sample_data")
CHROMIUM = Path("/usr/bin/chromium")
# Tests that need Chromium without the browser fixture skip only off CI; there a missing Chromium fails them.
_chromium_missing = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                                       reason=f"{CHROMIUM} is missing (CI installs it, and there these tests run)")
# The fixtures that start Chromium: a test that uses one (directly or through another fixture) is a
# browser test, and carries the marker without anyone adding it (pytest_collection_modifyitems).
BROWSER_FIXTURES = frozenset({"browser", "page"})


def needs_chromium(test):
    """A test that drives Chromium itself (not through the browser fixture): a browser test."""
    return pytest.mark.browser(_chromium_missing(test))


def pytest_collection_modifyitems(config, items):
    """Every test that uses Chromium carries the `browser` marker, so `pytest -m "not browser"` is the
    fast loop (README)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.iterdir())


@pytest.fixture(scope="session")
def sample_data() -> Path:
    """The committed sample exports; a missing folder is a failure, not a skip."""
    if not _has_files(SAMPLE_DATA):
        pytest.fail(f"{SAMPLE_DATA} holds no exports; write them with `python -m alliance sample`.")
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory, sample_data) -> Path:
    """A home folder with sample_data/ ingested through the same function the dashboard uses."""
    home = tmp_path_factory.mktemp("sample_home")
    report = store.ingest(sample_data, home)
    assert store.store_version(home) is not None, "ingesting sample_data/ built no store"
    assert any(f.status == "loaded" and f.rows_loaded for f in report.files), "no rows loaded from sample_data/"
    return home


@pytest.fixture(scope="session")
def empty_home(tmp_path_factory) -> Path:
    """A home folder with no store in it (nothing ingested yet)."""
    return tmp_path_factory.mktemp("empty_home")


@pytest.fixture(scope="session")
def missing_exports(tmp_path_factory) -> Path:
    """An exports folder that does not exist, so that nothing gets ingested on first start."""
    return tmp_path_factory.mktemp("no_exports") / "exports"


# One copy of these, shared with the benchmarks (alliance/localserver.py); the tests use the old names.
_free_port = free_port
_wait_healthy = wait_healthy


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """A factory: streamlit_server(home, data) starts `streamlit run dashboard.py` and returns its URL.

    Servers are stopped when the test session ends; the same (home, data) gives the same server.
    """
    running: dict[tuple[str, str], tuple[subprocess.Popen, str]] = {}
    logs = tmp_path_factory.mktemp("streamlit_logs")

    def start(home: Path, data: Path) -> str:
        key = (str(home), str(data))
        if key in running:
            return running[key][1]
        port = _free_port()
        env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(data), "PYTHONUNBUFFERED": "1"}
        log = logs / f"streamlit-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log)
        except RuntimeError:
            process.kill()
            process.wait()
            raise
        running[key] = (process, url)
        return url

    yield start
    for process, _ in running.values():
        process.terminate()
    for process, _ in running.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright. Missing Chromium fails on CI and skips elsewhere."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium package to run the browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def fresh_exports(tmp_path, sample_data) -> Path:
    """A copy of the sample exports, for a first start that ingests them."""
    target = tmp_path / "exports"
    shutil.copytree(sample_data, target)
    return target
