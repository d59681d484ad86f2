"""Benchmark: how long each page takes to settle in a real browser, clicking through the sidebar.

    .venv/bin/python bench/bench_pages.py [--home HOME] [--rounds 2]

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port against HOME (default: a
store of sample_data/ built in a temporary folder), opens it in Debian's Chromium through
Playwright, and for each page times the click until Streamlit's running indicator is gone
and every plotly chart on the page has drawn. Round 1 includes cold caches; later rounds
show the cached re-render. Rough: compare figures from one run on a quiet machine.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = ["Clinics", "Therapists", "Supervision", "Dual perspective", "Feedback", "Data", "Methods", "Audit trail",
         "Overview"]


# The page's own clock of each click: the click event's timeStamp (when the browser took the input,
# so a wait in a busy page's event queue counts), read against performance.now() once drawn: a
# page's time from the click, as a user experiences it. Playwright's click() first
# waits until the link is visible, stable and receives events (two animation frames of a steady
# layout), which takes 0.1-1 s on a busy renderer before any click happens; "seconds" keeps that
# wait in, "from_click_s" starts at the click event.
# bench_load.py times its page steps with the same two scripts.
CLICK_CLOCK = ("window.__allianceClicks = [];"
               " document.addEventListener('click', (e) => window.__allianceClicks.push(e.timeStamp), true);")
FROM_CLICK = ("() => { const c = window.__allianceClicks || [];"
              " return c.length ? (performance.now() - c[c.length - 1]) / 1000 : null; }")


def from_click(page) -> float | None:
    """Seconds from the page's last click (its event's timeStamp) until now, on the page's clock; None if none."""
    return page.evaluate(FROM_CLICK)


def settled(page) -> None:
    """The script run has finished (Streamlit marks the app root) and every plotly chart has drawn."""
    done = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
    page.wait_for_function(done, timeout=120_000)
    charts = page.locator(".js-plotly-plot").count()
    if charts:
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=120_000)


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard.py` on a free 127.0.0.1 port against HOME, once healthy."""
    from alliance.localserver import free_port, wait_healthy

    port = free_port()
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(home / "no-exports")}
    log = Path(tempfile.mkdtemp(prefix="alliance-pages-log-")) / "streamlit.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port",
                                   str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, log, seconds=120)
    except RuntimeError as exc:
        server.terminate()
        raise SystemExit(str(exc)) from None
    return server, url


def run_pages(home: Path, rounds: int = 2, echo=print) -> dict:
    """Each page's time until drawn, per round, and the server's memory at start, end and its peak."""
    from playwright.sync_api import sync_playwright

    from alliance.localserver import rss_mb

    server, url = start_server(home)
    result = {"rounds": [], "rss_start_mb": rss_mb(server.pid)}
    peak = result["rss_start_mb"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(CLICK_CLOCK)
            started = time.perf_counter()
            page.goto(url + "/")
            settled(page)
            result["first_load_s"] = time.perf_counter() - started
            echo(f"first load (new browser, Overview): {result['first_load_s']:.2f} s")
            echo("| round | page | from the click event | from the harness's click() | charts |")
            echo("| ---: | --- | ---: | ---: | ---: |")
            for round_number in range(1, rounds + 1):
                for name in PAGES:
                    before = page.locator("h1").first.text_content()
                    started = time.perf_counter()
                    page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
                    # The new page has drawn its title, then everything else has settled.
                    page.wait_for_function("(old) => { const h = document.querySelector('h1');"
                                           " return h && h.textContent !== old; }", arg=before, timeout=120_000)
                    settled(page)
                    clicked = from_click(page)
                    seconds = time.perf_counter() - started
                    charts = page.locator('.js-plotly-plot').count()
                    peak = max(peak, rss_mb(server.pid))
                    result["rounds"].append({"round": round_number, "page": name, "seconds": seconds,
                                             "from_click_s": clicked, "charts": charts})
                    shown = "–" if clicked is None else f"{clicked:.2f}"
                    echo(f"| {round_number} | {name} | {shown} | {seconds:.2f} | {charts} |")
            browser.close()
        result["rss_end_mb"] = rss_mb(server.pid)
        result["rss_peak_mb"] = max(peak, result["rss_end_mb"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from alliance.store import ingest

    home = args.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="alliance-pages-")) / "home"
        ingest(ROOT / "sample_data", home)
    result = run_pages(home, args.rounds, echo=lambda line: print(line, flush=True))
    print(f"server memory: {result['rss_start_mb']:.0f} MB at start, {result['rss_end_mb']:.0f} MB at the end, "
          f"{result['rss_peak_mb']:.0f} MB at most")
    return 0


if __name__ == "__main__":
    sys.exit(main())
