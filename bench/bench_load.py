"""Load test: N concurrent real browser sessions against one dashboard server.

    .venv/bin/python bench/bench_load.py --home HOME [--sessions 10] [--seconds 300] [--pause 0] [--json OUT] [--port 0]

Starts `streamlit run dashboard.py` on 127.0.0.1 against the store HOME (ALLIANCE_HOME=HOME,
ALLIANCE_DATA=HOME/no-exports, as bench_pages.py does), waits for /_stcore/health, then drives
ONE Debian Chromium through Playwright's async API with one browser context per simulated user.
Each user loops until the deadline: it clicks the next page of the sidebar navigation (every page
the nav lists, in a per-user shuffled order from a seeded random), and every 3rd step changes a
sidebar filter instead (adds a clinic, types a "From" date, or clears the filters). With --pause P
each user waits after its first load and after every step, as a reader looks at a page before the
next click: a time drawn between P/2 and 3P/2 (P on average) from a seeded random of its own, so
that the users do not click in step with one another, as ten people in a meeting do not (0: no
pause, every user clicks as fast as the pages answer). Each step is
timed from the click until settled: the page has received the server's script_finished message for
a run after the click (a page change also shows its new h1), Streamlit's stApp reports script state
'notRunning', and every plotly chart on the page has drawn. (The script-state attribute alone can
miss a quick run, so the page's WebSocket is watched for the finish.)

A user fails (and stops) on any exception or timeout (every wait is bounded by 30 s), or when its
page shows a Streamlit exception (stException) or an st.error box (stAlertContentError) after a
step has settled; its first reason is kept, with a screenshot next to the server's log. The
server's RSS (its process plus children, from /proc) is read after health, every 5 s, and at the
end; the CPU time the server and the browser used is reported as the cores each kept busy. The
whole run stops at --seconds plus at most 60 s of grace.

`run_load(home, sessions, seconds)` returns the results as a dict (bench/run.py calls it).
Rough: the browser and the server share this machine's cores, so compare runs on a quiet machine.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance.localserver import descendants, free_port, rss_mb, stop_process, wait_healthy  # noqa: E402

# A page step is also timed from the click event the page received (bench_pages.py's clock), without
# Playwright's wait for the link to be visible and stable, which on a renderer starved of CPU is part
# of what the harness adds.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import CLICK_CLOCK, FROM_CLICK  # noqa: E402
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 30_000  # every browser wait
GRACE_SECONDS = 60  # after --seconds, at most this long for the sessions to finish their step
RSS_EVERY_SECONDS = 5
SEED = 20240601

SIDEBAR = '[data-testid="stSidebar"]'
NAV_LINK = '[data-testid="stSidebarNav"] a'
PROBLEM = '[data-testid="stException"], [data-testid="stAlert"] [data-testid="stAlertContentError"]'

# Counts the runs that have finished: the server's script_finished message (ForwardMsg field 6, read from
# the top level of the protobuf frame), counted once the app has handled it (after its own message handler
# and a drawn frame). A click returns before the rerun has even started, and the stApp element's
# data-test-script-state alone can miss a quick run: React may draw 'running' and 'notRunning' in one go.
OBSERVER = """
window.__stFinished = 0;
(() => {
  const finished = (buffer) => {
    const b = new Uint8Array(buffer);
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = b[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80 && i < b.length);
      return value;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (field === 6 && wire === 0) return varint();
      if (wire === 0) varint(); else if (wire === 2) { const n = varint(); i += n; } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4; else return -1;
    }
    return -1;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!(event.data instanceof ArrayBuffer) || event.data.byteLength > 4096) return;
        const status = finished(event.data);  // 0 finished, 1 compile error, 2 stopped for a rerun, 3 fragment
        if (status === 0 || status === 1 || status === 3)
          setTimeout(() => requestAnimationFrame(() => setTimeout(() => { window.__stFinished++; }, 0)), 0);
      });
    }
  };
})();
"""
SETTLED = """([before, oldTitle]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!(window.__stFinished > before && app && app.dataset.testScriptState === 'notRunning')) return false;
  if (oldTitle === null) return true;
  const h = document.querySelector('h1');
  return h !== null && h.textContent !== oldTitle;
}"""
STATE = """() => ({state: document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState ?? 'no app',
              runs: window.__stFinished})"""


class SessionFailed(Exception):
    pass


# --------------------------------------------------------------------------- the server


def start_server(home: Path, port: int, log: Path) -> subprocess.Popen:
    # ALLIANCE_RUN_LOG: the server writes one line per script run (alliance/ui/frame.py, timed_run).
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(home / "no-exports"),
           "ALLIANCE_RUN_LOG": str(log.parent / "runs.tsv")}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of live processes (from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


# --------------------------------------------------------------------------- one simulated user


async def _settle(page, before: int, old_title: str | None = None) -> None:
    """A run after the `before`th has finished (with a new h1 than `old_title`, if given: a new page),
    and every plotly chart has drawn."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(SETTLED, arg=[before, old_title], timeout=WAIT_MS)
    except PlaywrightTimeout:
        state = await page.evaluate(STATE)
        raise SessionFailed(f"no run finished within {WAIT_MS // 1000} s (script state {state['state']}, "
                            f"runs finished {before} -> {state['runs']})") from None
    charts = await page.locator(".js-plotly-plot").count()
    if charts:
        try:
            await page.wait_for_function(
                f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=WAIT_MS)
        except PlaywrightTimeout:
            drawn = await page.evaluate("() => document.querySelectorAll('.js-plotly-plot .main-svg').length")
            raise SessionFailed(f"charts not drawn within {WAIT_MS // 1000} s ({drawn} svg for {charts} charts)") \
                from None


async def _check(page) -> None:
    problems = page.locator(PROBLEM)
    if await problems.count():
        text = (await problems.first.inner_text(timeout=WAIT_MS)).strip()
        raise SessionFailed(f"page shows an error: {' '.join(text.split())[:200]}")


async def _runs(page) -> int:
    return await page.evaluate("() => window.__stFinished")


def _finish_status(frame: bytes) -> int:
    """The script_finished status of a ForwardMsg frame (field 6 at its top level), or -1."""
    i, n = 0, len(frame)

    def varint() -> int:
        nonlocal i
        value = shift = 0
        while i < n:
            byte = frame[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        return value

    while i < n:
        tag = varint()
        field, wire = tag >> 3, tag & 7
        if field == 6 and wire == 0:
            return varint()
        if wire == 0:
            varint()
        elif wire == 2:
            length = varint()  # (not `i += varint()`: that adds to i as it was before the varint)
            i += length
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            return -1
    return -1


def _watch_finishes(page, result: dict) -> None:
    """Note when the browser's network layer receives each script_finished message (Playwright's clock):
    the time from a click to it is the server's share of a step (its run plus the trip), whatever the
    page's own main thread is busy with."""
    def on_frame(payload) -> None:
        if isinstance(payload, bytes) and len(payload) < 4096 and _finish_status(payload) in (0, 1, 3):
            result["finished_at"] = time.perf_counter()

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))


async def _nav_titles(page) -> list[str]:
    links = page.locator(NAV_LINK)
    await links.first.wait_for(timeout=WAIT_MS)
    # each link's text starts with its icon's name; the last span is the title
    return [(await links.nth(i).locator("span").last.inner_text(timeout=WAIT_MS)).strip()
            for i in range(await links.count())]


async def _multiselect_option(page, label: str, rng: random.Random) -> bool:
    """Open a sidebar multiselect and click a random option; False when it offers none."""
    box = page.locator(SIDEBAR).locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    await box.locator("input").click(timeout=WAIT_MS)
    options = page.locator('[role="option"]')
    try:
        await options.first.wait_for(timeout=5_000)
    except Exception:
        await page.keyboard.press("Escape")
        return False
    texts = [t.strip() for t in await options.all_text_contents()]
    choices = [i for i, t in enumerate(texts) if t and t != "Select all" and not t.startswith("No ")]
    if not choices:
        await page.keyboard.press("Escape")
        return False
    await options.nth(rng.choice(choices)).click(timeout=WAIT_MS)
    return True


def _data_range(caption: str) -> tuple[dt.date, dt.date]:
    found = [dt.date.fromisoformat(x) for x in re.findall(r"\d{4}-\d{2}-\d{2}", caption)]
    if len(found) < 2:  # as i18n.date shows it in English: 1 Jan 2024
        found = []
        for x in re.findall(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", caption):
            try:
                found.append(dt.datetime.strptime(x, "%d %b %Y").date())
            except ValueError:
                pass
    if len(found) >= 2 and found[0] < found[1]:
        return found[0], found[1]
    today = dt.date.today()
    return today - dt.timedelta(days=3 * 365), today - dt.timedelta(days=365)


async def _set_from_date(page, rng: random.Random, span: tuple[dt.date, dt.date]) -> None:
    """Type a "From" date into its segments (year, month, day); it is committed when the field loses focus."""
    first, last = span
    day = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days // 2)))
    box = page.locator(SIDEBAR).locator('[data-testid="stDateInput"]').first
    await box.locator('[role="spinbutton"][data-type="year"]').click(timeout=WAIT_MS)
    await page.keyboard.type(day.strftime("%Y%m%d"))  # English: YYYY-MM-DD, each segment moves to the next


async def _blur(page) -> None:
    await page.locator("h1").first.click(timeout=WAIT_MS)


async def _filter_step(page, kind: str, rng: random.Random, span) -> str:
    """Change one sidebar filter; return what was done (the step's name)."""
    if kind == "clinic" and await _multiselect_option(page, "Clinic", rng):
        return "filter: clinic"
    if kind == "period":
        await _set_from_date(page, rng, span)
        return "filter: from date"  # committed by the caller's _blur
    await page.locator(SIDEBAR).locator(".st-key-f_reset button").click(timeout=WAIT_MS)  # "Clear filters"
    return "filter: reset"


async def _pause(seconds: float, deadline: float) -> None:
    """A reader's look at the page before the next click (never past the deadline)."""
    if seconds > 0:
        await asyncio.sleep(max(0.0, min(seconds, deadline - time.monotonic())))


async def _user(index: int, browser, url: str, deadline: float, result: dict, folder: Path,
                pause: float = 0.0) -> None:
    rng = random.Random(SEED + index)
    reading = random.Random(SEED + 1000 + index)  # its pauses; the pages and filters follow `rng` as without them

    def look() -> float:
        return reading.uniform(0.5, 1.5) * pause
    page = None
    attempt = "first load"
    try:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        await context.add_init_script(OBSERVER)
        await context.add_init_script(CLICK_CLOCK)
        page = await context.new_page()
        page.set_default_timeout(WAIT_MS)
        _watch_finishes(page, result)
        started = time.perf_counter()
        await page.goto(url + "/", timeout=WAIT_MS)
        await _settle(page, 0)
        result["first_load"] = time.perf_counter() - started
        await _check(page)
        titles = await _nav_titles(page)
        order = titles[:]
        rng.shuffle(order)
        current = (await page.locator("h1").first.text_content(timeout=WAIT_MS) or "").strip()
        caption = " ".join(await page.locator(SIDEBAR).locator('[data-testid="stCaptionContainer"]').all_text_contents())
        span = _data_range(caption)
        filters = ["clinic", "period", "reset"]
        step = nav_i = filter_i = 0
        await _pause(look(), deadline)
        while time.monotonic() < deadline:
            step += 1
            attempt = "a filter change"
            before = await _runs(page)
            if step % 3 == 0:
                kind = filters[filter_i % len(filters)]
                filter_i += 1
                attempt = f"filter: {kind}"
                if kind == "period":  # typing is not timed: the click that commits it is
                    name = await _filter_step(page, kind, rng, span)
                    t0 = time.perf_counter()
                    await _blur(page)
                else:
                    t0 = time.perf_counter()
                    name = await _filter_step(page, kind, rng, span)
                await _settle(page, before)
                seconds = time.perf_counter() - t0
                await page.keyboard.press("Escape")  # close a dropdown or calendar left open
            else:
                name = order[nav_i % len(order)]
                nav_i += 1
                if name == current and len(order) > 1:  # the current page: take the next one
                    name = order[nav_i % len(order)]
                    nav_i += 1
                attempt = name
                title = await page.locator("h1").first.text_content(timeout=WAIT_MS)
                t0 = time.perf_counter()
                await page.locator(NAV_LINK).nth(titles.index(name)).click(timeout=WAIT_MS)
                await _settle(page, before, title or "")
                clicked = await page.evaluate(FROM_CLICK)
                seconds = time.perf_counter() - t0
                current = name
            result["steps"].append({"name": name, "seconds": seconds, "kind": "filter" if step % 3 == 0 else "page",
                                    "to_finish_s": max(0.0, result["finished_at"] - t0),
                                    "from_click_s": clicked if step % 3 else None})
            await _check(page)
            await _pause(look(), deadline)
    except asyncio.CancelledError:
        result["failure"] = result["failure"] or "still busy when the grace period ended"
        raise
    except Exception as exc:  # noqa: BLE001 - a load test records any failure and carries on with the others
        where = attempt
        try:  # what the page showed, next to the server's log
            await page.screenshot(path=folder / f"session-{index}.png", timeout=10_000)
        except Exception:  # noqa: BLE001
            pass
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result["failure"] = f"{type(exc).__name__} at {where}: {reason[:200]}"
    # The context stays open until the browser closes, so its renderer's CPU time can still be read.


# --------------------------------------------------------------------------- the run


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _stats(values: list[float]) -> dict:
    return {"count": len(values),
            "median_s": round(statistics.median(values), 3) if values else None,
            "p95_s": round(_percentile(values, 95), 3) if values else None,
            "max_s": round(max(values), 3) if values else None}


async def _drive(url: str, sessions: int, seconds: int, server_pid: int, rss: list[float],
                 folder: Path, cpu: dict, pause: float = 0.0) -> list[dict]:
    from playwright.async_api import async_playwright

    results = [{"session": i, "first_load": None, "steps": [], "failure": None, "finished_at": 0.0}
               for i in range(sessions)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                rss.append(rss_mb(server_pid))
                try:
                    await asyncio.wait_for(stop.wait(), timeout=RSS_EVERY_SECONDS)
                except asyncio.TimeoutError:
                    pass

        sampler = asyncio.create_task(sample())
        deadline = time.monotonic() + seconds
        tasks = [asyncio.create_task(_user(i, browser, url, deadline, results[i], folder, pause))
                 for i in range(sessions)]
        done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=15)
        stop.set()
        await asyncio.wait([sampler], timeout=RSS_EVERY_SECONDS + 1)
        # CPU the browser (and Playwright's driver) used: every process this one started, but the server
        server_tree = set(descendants(server_pid))
        cpu["browser"] = cpu_seconds([p for p in descendants(os.getpid()) if p != os.getpid() and p not in server_tree])
        cpu["server"] = cpu_seconds(list(server_tree))
        try:
            await asyncio.wait_for(browser.close(), timeout=20)
        except Exception:  # noqa: BLE001
            pass
    return results


def server_runs(path: Path, since: float) -> list[dict]:
    """The server's script runs that ended after `since` (Unix time), from its run log."""
    runs = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and float(parts[0]) >= since:
                runs.append({"page": parts[1], "seconds": float(parts[2]), "outcome": parts[3]})
    return runs


def run_load(home: Path, sessions: int = 10, seconds: int = 300, port: int = 0, pause: float = 0.0) -> dict:
    """Start a server on HOME, drive `sessions` browser users for `seconds` (each pausing `pause`
    seconds between steps), and return the figures."""
    home = Path(home).resolve()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkdtemp(prefix="alliance-load-")) / "streamlit.log"
    server = start_server(home, port, log)
    rss: list[float] = []
    wall = time.monotonic()
    try:
        wait_healthy(url, server, log)
        rss_start = rss_mb(server.pid)
        rss.append(rss_start)
        cpu_start = cpu_seconds(descendants(server.pid))
        cpu: dict = {}
        load_wall, load_started = time.monotonic(), time.time()
        results = asyncio.run(_drive(url, sessions, seconds, server.pid, rss, log.parent, cpu, pause))
        load_wall = time.monotonic() - load_wall
        rss_end = rss_mb(server.pid)
        rss.append(rss_end)
        server_alive = server.poll() is None
    finally:
        stop_process(server)
    wall = time.monotonic() - wall
    runs = server_runs(log.parent / "runs.tsv", load_started)
    done = [r for r in runs if r["outcome"] == "done"]
    outcomes = {o: sum(r["outcome"] == o for r in runs) for o in sorted({r["outcome"] for r in runs})}

    steps = [s for r in results for s in r["steps"]]
    pages = [s["seconds"] for s in steps if s["kind"] == "page"]
    changes = [s["seconds"] for s in steps if s["kind"] == "filter"]
    names = sorted({s["name"] for s in steps})
    failures = {r["session"]: r["failure"] for r in results if r["failure"]}
    firsts = [r["first_load"] for r in results if r["first_load"] is not None]
    return {
        "sessions": sessions,
        "seconds": seconds,
        "pause_s": pause,
        "wall_seconds": round(wall, 1),
        "nproc": os.cpu_count(),
        "page_loads": len(pages),
        "page_median_s": _stats(pages)["median_s"],
        "page_p95_s": _stats(pages)["p95_s"],
        "filter_changes": len(changes),
        "filter_median_s": _stats(changes)["median_s"],
        "filter_p95_s": _stats(changes)["p95_s"],
        "first_load": _stats(firsts),
        "page_from_click_median_s": _stats([s["from_click_s"] for s in steps
                                            if s["kind"] == "page" and s.get("from_click_s") is not None])["median_s"],
        "page_from_click_p95_s": _stats([s["from_click_s"] for s in steps
                                         if s["kind"] == "page" and s.get("from_click_s") is not None])["p95_s"],
        "page_to_finish_median_s": _stats([s["to_finish_s"] for s in steps if s["kind"] == "page"])["median_s"],
        "page_to_finish_p95_s": _stats([s["to_finish_s"] for s in steps if s["kind"] == "page"])["p95_s"],
        "per_name": {n: {**_stats([s["seconds"] for s in steps if s["name"] == n]),
                         "to_finish_median_s": _stats([s["to_finish_s"] for s in steps if s["name"] == n])["median_s"]}
                     for n in names},
        # The server's own time for each script run (its run log): what the page costs the server
        # under this load, without the browsers' drawing and their wait for a core.
        "server_runs": {"runs": len(runs), "outcomes": outcomes, **_stats([r["seconds"] for r in done]),
                        "per_page": {p: _stats([r["seconds"] for r in done if r["page"] == p])
                                     for p in sorted({r["page"] for r in done})}},
        "failed_sessions": len(failures),
        "failures": failures,
        "server_alive_at_end": server_alive,
        # CPU seconds during the load (server: after health; browser: Chromium plus Playwright's driver),
        # and how busy each kept the machine's cores on average
        "cpu": {"server_s": round(cpu.get("server", 0) - cpu_start, 1), "browser_s": round(cpu.get("browser", 0), 1),
                "load_wall_s": round(load_wall, 1),
                "server_cores": round((cpu.get("server", 0) - cpu_start) / load_wall, 2),
                "browser_cores": round(cpu.get("browser", 0) / load_wall, 2)},
        "per_session": [{"session": r["session"], "steps": len(r["steps"]),
                         "first_load_s": None if r["first_load"] is None else round(r["first_load"], 2),
                         "failure": r["failure"]} for r in results],
        "server_rss_mb": {"start": round(rss_start, 1), "end": round(rss_end, 1), "max": round(max(rss), 1),
                          "samples": len(rss)},
        "server_log": str(log),
    }


def markdown(r: dict) -> str:
    f = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    runs = r["server_runs"]
    paused = (f", a pause of {r['pause_s'] / 2:g}–{r['pause_s'] * 1.5:g} s ({r['pause_s']:g} s on average) after every "
              "step" if r.get("pause_s") else ", no pause between steps")
    lines = [f"Load: {r['sessions']} sessions for {r['seconds']} s{paused} (wall {r['wall_seconds']} s), nproc {r['nproc']}",
             "",
             "| measure | value |", "| --- | ---: |",
             f"| page loads | {r['page_loads']} |",
             f"| page median (s) | {f(r['page_median_s'])} |",
             f"| page p95 (s) | {f(r['page_p95_s'])} |",
             f"| page, from the click (its event's timeStamp, in the page): median / p95 (s) | "
             f"{f(r.get('page_from_click_median_s'))} / {f(r.get('page_from_click_p95_s'))} |",
             f"| page: click to script_finished received, median / p95 (s) | {f(r['page_to_finish_median_s'])} / "
             f"{f(r['page_to_finish_p95_s'])} |",
             f"| filter changes | {r['filter_changes']} |",
             f"| filter median (s) | {f(r['filter_median_s'])} |",
             f"| filter p95 (s) | {f(r['filter_p95_s'])} |",
             f"| first load median / max (s) | {f(r['first_load']['median_s'])} / {f(r['first_load']['max_s'])} |",
             f"| server: one script run, median / p95 / max (s) | {f(runs['median_s'])} / {f(runs['p95_s'])} / "
             f"{f(runs['max_s'])} |",
             f"| server: script runs (how they ended) | {runs['runs']} ("
             + ", ".join(f"{k} {v}" for k, v in runs["outcomes"].items()) + ") |",
             f"| failed sessions | {r['failed_sessions']} of {r['sessions']} |",
             f"| server RSS start / end / max (MB) | {r['server_rss_mb']['start']:.0f} / {r['server_rss_mb']['end']:.0f}"
             f" / {r['server_rss_mb']['max']:.0f} |",
             f"| CPU cores busy: server / browser (of {r['nproc']}) | {r['cpu']['server_cores']:.2f} / "
             f"{r['cpu']['browser_cores']:.2f} |",
             f"| nproc | {r['nproc']} |",
             "",
             "| page / step | count | median (s) | p95 (s) | max (s) | to script_finished, median (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, s in r["per_name"].items():
        lines.append(f"| {name} | {s['count']} | {f(s['median_s'])} | {f(s['p95_s'])} | {f(s['max_s'])} | "
                     f"{f(s['to_finish_median_s'])} |")
    if runs["per_page"]:
        lines += ["", "| server: script runs of a page | count | median (s) | p95 (s) | max (s) |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {page} | {v['count']} | {f(v['median_s'])} | {f(v['p95_s'])} | {f(v['max_s'])} |"
                  for page, v in runs["per_page"].items()]
    if r["failures"]:
        lines += ["", "Failures:"] + [f"- session {k}: {v}" for k, v in sorted(r["failures"].items())]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a store folder (built by `alliance ingest`)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds each user waits after every step, on average (drawn between half and 1.5 times)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    result = run_load(args.home, args.sessions, args.seconds, port=args.port, pause=args.pause)
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 1 if result["failed_sessions"] else 0


if __name__ == "__main__":
    sys.exit(main())
