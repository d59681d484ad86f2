"""Local mode (no [auth]): this computer only, unless the clinic says otherwise on purpose.

`python -m alliance serve` refuses another address without login (exit 2, one sentence);
a server started some other way on such an address shows one sentence on every page.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT, _free_port, _wait_healthy, stop_process

LOAD_MS = 60_000
CHART = '[data-testid="stPlotlyChart"]'
CHART_DRAWN = f"{CHART} svg.main-svg .scatterlayer .trace"


def _env(home, data, **extra) -> dict:
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(data), "PYTHONUNBUFFERED": "1", **extra}
    if "ALLIANCE_ALLOW_NO_LOGIN" not in extra:
        env.pop("ALLIANCE_ALLOW_NO_LOGIN", None)
    return env


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "10.1.2.3"])
def test_serve_refuses_another_address_without_login(sample_home, missing_exports, tmp_path, address):
    done = subprocess.run([sys.executable, "-m", "alliance", "serve", "--address", address, "--port", "1"],
                          cwd=ROOT, env=_env(sample_home, missing_exports), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"The dashboard runs without login but would listen on {address}, where other "
                           "computers can reach it")
    assert "ALLIANCE_ALLOW_NO_LOGIN=1" in line and "Traceback" not in done.stderr


def test_serve_with_a_broken_secrets_file_is_one_sentence(sample_home, missing_exports, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[auth\nclient_id = 1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "alliance", "serve", "--address", "0.0.0.0"],
                          cwd=tmp_path, env={**_env(sample_home, missing_exports), "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "secrets.toml cannot be read" in line and "fix it before serving" in line


def test_serve_starts_on_another_address_when_told_to_and_says_it_runs_without_login(
        sample_home, missing_exports, tmp_path, page):
    port = _free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance", "serve", "--address", "0.0.0.0", "--port", str(port)],
        cwd=ROOT, env=_env(sample_home, missing_exports, ALLIANCE_ALLOW_NO_LOGIN="1"),
        stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, log)
        page.goto(url + "/")
        page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
        page.get_by_text("Running without login: only this computer can open the dashboard").wait_for(timeout=LOAD_MS)
    finally:
        stop_process(process)


def test_a_server_started_otherwise_on_another_address_shows_one_sentence_and_no_data(
        sample_home, missing_exports, tmp_path, page):
    """`streamlit run` directly, past `alliance serve`: the app itself refuses, on every page."""
    port = _free_port()
    log = tmp_path / "streamlit.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=_env(sample_home, missing_exports), stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, log)
        for path in ("/", "/feedback"):
            page.goto(url + path)
            page.get_by_text(re.compile(r"^The dashboard runs without login but listens on 0\.0\.0\.0")).wait_for(
                timeout=LOAD_MS)
            page.wait_for_timeout(500)
            assert page.locator(CHART).count() == 0
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    finally:
        stop_process(process)
