"""The whole benchmark in one command: writes BENCHMARKS.md with the machine it ran on.

    make bench                      # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py [--sizes 100000,1000000,10000000] [--load-seconds 300]
                                  [--load-sessions 10] [--load-pause 5] [--work bench/out] [--out BENCHMARKS.md]

For each size the sample generator writes the exports (sessions and their feedback) as CSV
and as Parquet, once: later runs reuse them from --work. Then, in one run:

1. ingest from CSV and from Parquet into new stores, and the rebuild from the archive, each
   in its own process: wall seconds and that process's peak memory;
2. every named query and every page's whole set of queries, cold and from cache
   (bench/bench_queries.py);
3. the same figures the pandas way over the exported files (bench/pandas_baseline.py), in one
   process, against the DuckDB path in another, both checked to agree: the ratio is the headline;
4. a real browser against one server: each page until its charts are drawn, at 1M sessions,
   and at the largest size with the server's memory (bench/bench_pages.py);
5. load: concurrent browser sessions for --load-seconds at 1M sessions (bench/bench_load.py), twice:
   clicking without a pause, and with a pause after every step of --load-pause seconds on average
   (drawn between half and 1.5 times it, so that the users do not click in step);
6. limits: the peak memory of `check` and `ingest` on hostile files, a workbook that unpacks to 2 GB
   among them (bench/bench_limits.py).

Timings on this shared 2-core machine are noisy: compare figures from one run, ratios first.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PY = sys.executable
SEED = 7

TARGETS = {
    "ingest_csv_1m": 20.0,
    "ingest_parquet_1m": 8.0,
    "page_cold_1m": 0.3,
    "page_cold_10m": 2.0,
    "page_cached": 0.05,
    "pandas_ratio_1m": 5.0,
    "browser_1m": 2.0,
    "load_p95": 3.0,
    "server_mb_10m": 1500.0,
}


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# ----------------------------------------------------------------------------- machine


def machine() -> dict:
    def read(path: str) -> str:
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), 0)
    os_name = next((line.split("=", 1)[1].strip('"') for line in read("/etc/os-release").splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.system())
    versions = {}
    for module in ("duckdb", "pandas", "pyarrow", "streamlit", "plotly", "numpy"):
        try:
            versions[module] = __import__(module).__version__
        except Exception:
            versions[module] = "?"
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
    except OSError:
        chromium = "not installed"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": os_name,
            "kernel": platform.release(), "python": platform.python_version(), "versions": versions,
            "chromium": chromium, "commit": commit, "date": dt.datetime.now().isoformat(timespec="minutes")}


# ----------------------------------------------------------------------------- processes


def timed(args: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall seconds, its own peak memory (MB, from wait4) and exit code."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not every child's so far
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "code": proc.returncode,
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def exports(work: Path, n: int, layout: str) -> Path:
    """The generated exports of this size and layout, written once and reused."""
    folder = work / "data" / f"{size_label(n)}-{layout}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"generating {n:,} sessions as {layout} into {folder}")
    r = timed([PY, "-m", "alliance", "sample", "--out", str(folder), "--sessions", str(n), "--layout", layout,
               "--seed", str(SEED)])
    if r["code"] != 0:
        raise SystemExit(f"the sample generator failed: {r['stderr'][-2000:]}")
    done.write_text(json.dumps({"seconds": r["seconds"], "peak_mb": r["peak_mb"]}))
    return folder


def input_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.name.startswith(("sessions", "feedback"))) / 1e6


# ----------------------------------------------------------------------------- steps


def _models_seconds(run: dict) -> float | None:
    """The part of an ingest or rebuild spent computing the default view's models (its JSON report)."""
    try:
        return json.loads(run["stdout"]).get("models", {}).get("seconds")
    except ValueError:
        return None


def step_ingest(work: Path, n: int) -> dict:
    out = {}
    for layout in ("csv", "parquet"):
        data = exports(work, n, layout)
        home = work / "homes" / f"{size_label(n)}-{layout}"
        shutil.rmtree(home, ignore_errors=True)
        log(f"ingest {size_label(n)} {layout}")
        first = timed([PY, "-m", "alliance", "ingest", "--home", str(home), "--data", str(data), "--format", "json"])
        if first["code"] not in (0, 1):
            raise SystemExit(f"ingest failed: {first['stderr'][-2000:]}")
        row = {"input_mb": input_mb(data), "ingest_s": first["seconds"], "ingest_peak_mb": first["peak_mb"],
               "models_s": _models_seconds(first), "generate": json.loads((data / ".complete").read_text())}
        if layout == "parquet":
            log(f"rebuild {size_label(n)}")
            again = timed([PY, "-m", "alliance", "rebuild", "--home", str(home), "--format", "json"])
            row.update(rebuild_s=again["seconds"], rebuild_peak_mb=again["peak_mb"], rebuild_models_s=_models_seconds(again))
            row["store_mb"] = (home / "alliance.duckdb").resolve().stat().st_size / 1e6
        else:
            shutil.rmtree(home, ignore_errors=True)  # the Parquet store serves every later step
        out[layout] = row
    return out


def step_queries(work: Path, n: int) -> dict:
    home = work / "homes" / f"{size_label(n)}-parquet"
    log(f"queries {size_label(n)}")
    out_json = work / f"queries-{size_label(n)}.json"
    r = subprocess.run([PY, str(ROOT / "bench" / "bench_queries.py"), "--home", str(home), "--json", str(out_json)],
                       cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit("bench_queries failed")
    return json.loads(out_json.read_text())


def step_pandas(work: Path, n: int) -> dict:
    """Pandas over the files in one process, the DuckDB store in another; both results compared."""
    data = exports(work, n, "parquet")
    home = work / "homes" / f"{size_label(n)}-parquet"
    results = work / f"figures-{size_label(n)}"
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir(parents=True)
    log(f"pandas baseline {size_label(n)}")
    sides = {}
    for side in ("pandas", "duckdb"):
        r = timed([PY, __file__, "--child", side, "--exports", str(data), "--home", str(home),
                   "--results", str(results)])
        if r["code"] != 0:
            raise SystemExit(f"the {side} side failed: {r['stderr'][-2000:]}")
        sides[side] = {**json.loads(r["stdout"].strip().splitlines()[-1]), "process_peak_mb": r["peak_mb"],
                       "process_s": r["seconds"]}
    import pandas as pd

    from pandas_baseline import compare

    agree = {}
    for name in sides["pandas"]["figures"]:
        verdict = compare(pd.read_parquet(results / f"pandas-{name}.parquet"),
                          pd.read_parquet(results / f"duckdb-{name}.parquet"), name)
        agree[name] = verdict
    return {**sides, "agree": agree}


def child_figures(side: str, exports_dir: Path, home: Path, results: Path) -> dict:
    """One side of the pandas comparison: every figure cold (files or store opened here), then again."""
    from alliance.settings import load_settings
    from pandas_baseline import FIGURES, PARAMS, load

    settings = load_settings(home)
    figures = {}
    started = time.perf_counter()
    if side == "pandas":
        frames = load(exports_dir)
        load_s = time.perf_counter() - started
        for name, func in FIGURES.items():
            t = time.perf_counter()
            frame = func(frames, settings)
            first = time.perf_counter() - t
            t = time.perf_counter()
            func(frames, settings)
            figures[name] = {"first_s": first, "again_s": time.perf_counter() - t}
            frame.to_parquet(results / f"pandas-{name}.parquet")
        memory_mb = sum(f.memory_usage(deep=True).sum() for f in frames.values()) / 1e6
    else:
        from alliance import queries, store
        from alliance.scope import EVERYTHING

        con = store.open_reader(home)
        load_s = time.perf_counter() - started
        for name in FIGURES:
            t = time.perf_counter()
            frame = queries.run(con, name, PARAMS[name], EVERYTHING, settings)
            first = time.perf_counter() - t
            t = time.perf_counter()
            queries.run(con, name, PARAMS[name], EVERYTHING, settings)
            figures[name] = {"first_s": first, "again_s": time.perf_counter() - t}
            frame.to_parquet(results / f"duckdb-{name}.parquet")
        memory_mb = None
    return {"open_s": load_s, "figures": figures, "frames_mb": memory_mb,
            "cold_s": load_s + sum(f["first_s"] for f in figures.values()),
            "warm_s": sum(f["again_s"] for f in figures.values())}


def step_browser(work: Path, n: int) -> dict:
    from bench_pages import run_pages
    from bench_queries import restore_ingest_models

    log(f"browser pages {size_label(n)}")
    home = work / "homes" / f"{size_label(n)}-parquet"
    restore_ingest_models(home)  # a new server on a build as the ingest left it
    return run_pages(home, rounds=2, echo=lambda line: None)


def step_load(work: Path, n: int, sessions: int, seconds: int, pause: float = 0.0) -> dict:
    from bench_load import run_load
    from bench_queries import restore_ingest_models

    log(f"load: {sessions} browser sessions for {seconds} s at {size_label(n)}, pause {pause:g} s")
    home = work / "homes" / f"{size_label(n)}-parquet"
    restore_ingest_models(home)
    return run_load(home, sessions, seconds, pause=pause)


# ----------------------------------------------------------------------------- report


def drawn(step: dict) -> float:
    """A browser step's seconds from the click event the page received (the harness's seconds if it saw none)."""
    value = step.get("from_click_s")
    return step["seconds"] if value is None else value


def s2(seconds: float | None) -> str:
    """Seconds with two decimals, or a dash when a run measured none (a short load run under a busy machine)."""
    return "–" if seconds is None else f"{seconds:.2f} s"


def ms_or(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f} ms"


def store_ready(x: dict) -> float | None:
    """An ingest's seconds until its new store is in place: the command's, less the models it then computes
    ahead (the last step, after the store is switched; viewers already read the new store meanwhile)."""
    if x.get("ingest_s") is None:
        return None
    return x["ingest_s"] - (x.get("models_s") or 0.0)


def s1(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:,.1f} s"


def verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None:
        return "not measured"
    ok = value >= target if higher_is_better else value < target
    return "met" if ok else "**missed**"


def write_report(path: Path, m: dict, sizes: list[int], r: dict, args) -> None:
    one, big = 1_000_000, max(sizes)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/run.py`) on {m['date']}, commit `{m['commit']}`. "
        "Every figure below comes from this one run; compare within it (ratios first), as absolute "
        "times on this shared machine vary by a third from run to run.",
        "",
    ]
    if r.get("carried_over"):
        c = r["carried_over"]
        lines += [f"Carried over from the run of {c['from']} (commit `{c['commit']}`), not measured again: "
                  + ", ".join(c["steps"]) + ".", ""]
    lines += [
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gb']} GB",
        f"- {m['os']}, Linux {m['kernel']}, Python {m['python']}, {m['chromium']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- Data: `python -m alliance sample --seed {SEED} --sessions N` (layouts csv and parquet), "
        "sizes " + ", ".join(f"{n:,}" for n in sizes) + " sessions, with their feedback forms.",
        "",
    ]
    q1 = r["queries"].get(one)
    qb = r["queries"].get(big)
    pandas1 = r["pandas"].get(one)

    def worst_page(q, key):
        if not q:
            return None, ""
        page, info = max(q["pages"].items(), key=lambda kv: kv[1][key])
        return info[key], page

    cold1, cold1_page = worst_page(q1, "cold_s")
    built1, built1_page = worst_page(q1, "built_s")
    coldb, coldb_page = worst_page(qb, "cold_s")
    builtb, builtb_page = worst_page(qb, "built_s")
    cached1, cached1_page = worst_page(q1, "cached_s")
    ratio = (pandas1["pandas"]["cold_s"] / pandas1["duckdb"]["cold_s"]) if pandas1 else None
    browser1 = r["browser"].get(one)
    browser_worst = None
    if browser1:
        second = [x for x in browser1["rounds"] if x["round"] == 1]
        browser_worst = max(second, key=drawn)
    load = r.get("load")
    serverb = r["browser"].get(big)
    ing1 = r["ingest"].get(one, {})

    lines += ["## Targets", "", "| figure | target | measured | |", "| --- | --- | --- | --- |"]

    def row(label, target_text, value_text, value, target, higher=False):
        lines.append(f"| {label} | {target_text} | {value_text} | {verdict(value, target, higher)} |")

    for layout, label, target_text, target in (("csv", "ingest, 1M sessions + feedback, CSV", "under 20 s", "ingest_csv_1m"),
                                                ("parquet", "ingest, same, Parquet", "under 8 s", "ingest_parquet_1m")):
        x = ing1.get(layout, {})
        ready = store_ready(x)
        row(f"{label}: until the new store is in place (the command, with the models computed ahead for the "
            "first visitor)", target_text,
            f"{s1(ready)} ({s1(x.get('ingest_s'))})" if x.get("models_s") is not None else s1(ready),
            ready, TARGETS[target])
    row("every page's queries, 1M, cold: first visit after a new build or a restart (the models the ingest "
        "computed, read from disk)", "under 300 ms", f"{ms(built1)} ({built1_page})", built1, TARGETS["page_cold_1m"])
    row("every page's queries, 1M, cold: a period or scope nobody has opened (models computed)", "under 300 ms",
        f"{ms(cold1)} ({cold1_page})", cold1, TARGETS["page_cold_1m"])
    if big != one:
        row(f"every page's queries, {size_label(big)}, cold: first visit after a new build or a restart",
            "under 2 s", f"{ms(builtb)} ({builtb_page})", builtb, TARGETS["page_cold_10m"])
        row(f"every page's queries, {size_label(big)}, cold: a period or scope nobody has opened (models computed)",
            "under 2 s", f"{ms(coldb)} ({coldb_page})", coldb, TARGETS["page_cold_10m"])
    row("a page's queries re-run from cache, 1M", "under 50 ms", f"{ms(cached1)} ({cached1_page})",
        cached1, TARGETS["page_cached"])
    if q1:
        script, script_page = worst_page(q1, "script_rerun_s")
        row("a page's whole script re-run from cache, 1M (AppTest)", "under 50 ms",
            f"{ms(script)} ({script_page})", script, TARGETS["page_cached"])
    row("DuckDB path against pandas over the files, 1M, cold", "at least 5×",
        f"{ratio:.1f}×" if ratio else "–", ratio, TARGETS["pandas_ratio_1m"], higher=True)
    row("page drawn in the browser, 1M (slowest page, first visit)", "under 2 s",
        f"{drawn(browser_worst):.2f} s from the click ({browser_worst['page']}; "
        f"{browser_worst['seconds']:.2f} s with the harness's wait)" if browser_worst else "–",
        drawn(browser_worst) if browser_worst else None, TARGETS["browser_1m"])
    for run, how in ((load, "no pause between steps"), (r.get("load_paused"), "a pause after every step")):
        if not run:
            continue
        failed = run["failed_sessions"]
        p95 = run["page_p95_s"]
        how = (f"a pause of {run['pause_s'] / 2:g}–{run['pause_s'] * 1.5:g} s after every step (a reader)"
               if run.get("pause_s") else how)
        lines.append(f"| {run['sessions']} concurrent browser sessions, {size_label(r['load_size'])}, {how} | "
                     "p95 under 3 s, no failed session | "
                     f"page p95 {s2(p95)}, median {s2(run['page_median_s'])} (from the click event: p95 "
                     f"{ms_or(run.get('page_from_click_p95_s'))}, median {ms_or(run.get('page_from_click_median_s'))});"
                     f" {failed} failed | "
                     f"{'met' if p95 is not None and p95 < 3 and not failed else '**missed**'} |")
    if serverb:
        row(f"server memory, {size_label(big)}, after every page", "under 1.5 GB",
            f"{serverb['rss_peak_mb']:,.0f} MB at most", serverb["rss_peak_mb"], TARGETS["server_mb_10m"])
    lines.append("")

    # ---- ingest
    lines += ["## Ingest", "", "Each in its own process on a new home folder; peak memory is that process's. "
              "*Ingest s* and *rebuild s* include computing the default view's models for the new build "
              "(*of which models*, from the command's report), so that the first visitor does not wait for them; "
              "*store ready s* is the command's time without them: the new store is in place, and viewers read it, "
              "before that last step starts.", "",
              "| sessions | layout | input MB | generate s | store ready s | ingest s | of which models s | peak MB | "
              "rebuild s | rebuild peak MB | store MB |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in sizes:
        for layout, x in r["ingest"].get(n, {}).items():
            lines.append(f"| {n:,} | {layout} | {x['input_mb']:,.0f} | {x['generate']['seconds']:.1f} | "
                         f"{store_ready(x):.1f} | {x['ingest_s']:.1f} | {s1(x.get('models_s')).removesuffix(' s')} | "
                         f"{x['ingest_peak_mb']:,.0f} | "
                         f"{s1(x.get('rebuild_s')).removesuffix(' s')} | "
                         f"{x.get('rebuild_peak_mb', float('nan')):,.0f} | {x.get('store_mb', float('nan')):,.0f} |")
    lines.append("")

    # ---- named queries
    lines += ["## Named queries", "",
              "Default parameters, the whole store, as the admin. First: a new connection, and for models no "
              "result in memory or on disk (the computation). Again: median of five (models from memory).", ""]
    header = "| query | kind | " + " | ".join(f"{size_label(n)} first | {size_label(n)} again" for n in sizes) + " |"
    lines += [header, "| --- | --- | " + " | ".join("---: | ---:" for _ in sizes) + " |"]
    names = [x["name"] for x in next(iter(r["queries"].values()))["named"]] if r["queries"] else []
    for name in names:
        cells = []
        kind = ""
        for n in sizes:
            x = next((y for y in r["queries"].get(n, {}).get("named", []) if y["name"] == name), None)
            kind = x["kind"] if x else kind
            cells.append(f"{ms(x['first_s'])} | {ms(x['repeat_s'])}" if x else "– | –")
        lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
    lines.append("")

    # ---- pages
    lines += ["## Each page's whole set of queries", "",
              "Recorded by running each page (AppTest, local admin, no filters), then replayed in a new process per "
              "page. *Cold, after build*: a new process and connection, the model cache beside the build as "
              "the ingest left it (the ingest computes the default view's models), which is also what a "
              "restarted server finds. *Cold, models computed*: the model cache removed, so every model is "
              "computed, as for a period or scope nobody has opened since the build. *Cached*: the same set through the dashboard's page "
              "cache (`alliance.ui.data._query`), second time. *Script*: the page's whole script re-run with every "
              "query and chart cached (AppTest, median of 5).", ""]
    for n in sizes:
        q = r["queries"].get(n)
        if not q:
            continue
        lines += [f"### {n:,} sessions", "",
                  "| page | queries | cold, after build | slowest | cold, models computed | slowest | cached | script |",
                  "| --- | ---: | ---: | --- | ---: | --- | ---: | ---: |"]
        for page, x in q["pages"].items():
            lines.append(f"| {page} | {x['queries']} | {ms(x['built_s'])} | {x['built_slowest']} "
                         f"{ms(x['built_slowest_s'])} | {ms(x['cold_s'])} | {x['cold_slowest']} "
                         f"{ms(x['cold_slowest_s'])} | {x['cached_s'] * 1000:.1f} ms | {ms(x['script_rerun_s'])} |")
        lines.append("")

    # ---- pandas
    lines += ["## DuckDB against pandas over the exported files", "",
              "Five figures (alliance trend by clinic, completion, alliance by session number, therapist summary, "
              "outcome summary) computed by `bench/pandas_baseline.py` the way a hand-built dashboard does "
              "(read the export files, clean, join, group by) in one process, and by the named queries on the "
              "store in another. Both results are compared: they must agree. *Cold*: from opening the files or the "
              "store to the last figure. *Warm*: the five figures again, with the data already in memory "
              "(pandas) or the store's blocks cached (DuckDB).", "",
              "| sessions | pandas cold | DuckDB cold | ratio | pandas warm | DuckDB warm | ratio | pandas frames MB | "
              "pandas process peak MB | DuckDB process peak MB | agree |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for n in sizes:
        x = r["pandas"].get(n)
        if not x:
            continue
        p, d = x["pandas"], x["duckdb"]
        bad = [f"{k}: {v}" for k, v in x["agree"].items() if v]
        lines.append(f"| {n:,} | {s1(p['cold_s'])} | {s1(d['cold_s'])} | {p['cold_s'] / d['cold_s']:.1f}× | "
                     f"{ms(p['warm_s'])} | {ms(d['warm_s'])} | {p['warm_s'] / d['warm_s']:.1f}× | "
                     f"{p['frames_mb']:,.0f} | {p['process_peak_mb']:,.0f} | {d['process_peak_mb']:,.0f} | "
                     f"{'all five' if not bad else '; '.join(bad)} |")
    lines.append("")

    # ---- browser
    for n, x in sorted(r["browser"].items()):
        lines += [f"## Real browser, {n:,} sessions", "",
                  "One Chromium (Playwright) against one server; each page from the click until Streamlit has "
                  "finished the run and every chart has drawn. Round 1 is the first visit of each page on a new "
                  "server process: nothing in its memory, the build's model cache on disk as the ingest left it "
                  "(the default view's models; as after a new build, or a restart). Round 2 is from cache. *From the click*: from the "
                  "click (the click event's timeStamp: when the browser took the input) until drawn, on the page's "
                  "own clock, as a user experiences it. *Harness*: "
                  "from Playwright's click() call, which first waits until the link is visible and stable (0.1–1 s "
                  "on a busy renderer) before it clicks.", "",
                  f"First load of the Overview in a new browser: {x['first_load_s']:.2f} s. Server memory: "
                  f"{x['rss_start_mb']:,.0f} MB at start, {x['rss_end_mb']:,.0f} MB at the end, "
                  f"{x['rss_peak_mb']:,.0f} MB at most.", "",
                  "| page | round 1, from the click | round 1, harness | round 2, from the click | round 2, harness "
                  "| charts |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        pages = [y["page"] for y in x["rounds"] if y["round"] == 1]
        for page in pages:
            a = next(y for y in x["rounds"] if y["round"] == 1 and y["page"] == page)
            b = next((y for y in x["rounds"] if y["round"] == 2 and y["page"] == page), None)
            second = f"{drawn(b):.2f} s | {b['seconds']:.2f} s" if b else "– | –"
            lines.append(f"| {page} | {drawn(a):.2f} s | {a['seconds']:.2f} s | {second} | {a['charts']} |")
        lines.append("")

    # ---- load
    from bench_load import markdown

    if load:
        lines += [f"## Load: {load['sessions']} browser sessions for {load['seconds']} s, "
                  f"{r['load_size']:,} sessions", "",
                  "One Chromium with one context per simulated user, on the same 2 cores as the server (127.0.0.1 "
                  "only). The server is new, on the build with its model cache as the ingest left it. Each user clicks through the pages in its own order and changes a sidebar filter every "
                  "third step; a step ends when the server has finished the run and every chart has drawn. "
                  "*To script_finished* is the click until the browser got the server's end-of-run message: the "
                  "server's share. The CPU line says how many of the 2 cores the server and the browsers kept busy.",
                  "", markdown(load), ""]
    paused = r.get("load_paused")
    if paused:
        lines += [f"## Load with a pause: {paused['sessions']} browser sessions for {paused['seconds']} s, "
                  f"{r['load_size']:,} sessions", "",
                  f"The same, on a new server, but each user waits after its first load and after every step "
                  f"before the next click, as a supervisor reads a page before moving on: {paused['pause_s'] / 2:g} to "
                  f"{paused['pause_s'] * 1.5:g} s ({paused['pause_s']:g} s on average; a short look, a chart page takes "
                  "longer to read), drawn for each user from a seeded random of its own so that the ten do not click "
                  "in step. The run above, without pauses, is ten users clicking as fast as the pages answer: the "
                  "most the two cores can be asked.",
                  "", markdown(paused), ""]

    if r.get("limits"):
        from bench_limits import table as limits_table

        lines += ["## Limits on one file", "", "Peak resident memory of `check` and of an ingest of the sample with "
                  "the file added, each in a new process on a new home folder, with every process it started (the "
                  "trial read's child among them); target under 2 GB each (docs/ingest.md, \"Limits on one file\"). "
                  "The upload sandbox's own limits (2 GB, 120 s) are tested in tests/test_upload_sandbox.py.", "",
                  *limits_table(r["limits"]), ""]
    lines += ["## What limits it", "", (ROOT / "bench" / "LIMITS.md").read_text().strip()
              if (ROOT / "bench" / "LIMITS.md").exists() else "", ""]
    path.write_text("\n".join(lines))


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--load-sessions", type=int, default=10)
    parser.add_argument("--load-seconds", type=int, default=300)
    parser.add_argument("--load-pause", type=float, default=5.0,
                        help="seconds each user of the second load run waits after every step, on average "
                             "(0: no second run)")
    parser.add_argument("--skip", default="", help="steps to leave out: ingest,queries,pandas,browser,load,limits")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report again from the last run's results.json (after editing bench/LIMITS.md)")
    parser.add_argument("--child", choices=("pandas", "duckdb"))
    parser.add_argument("--exports", type=Path)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_figures(args.child, args.exports, args.home, args.results)))
        return 0

    results_file = args.work / "results.json"
    if args.report_only:
        saved = json.loads(results_file.read_text())
        for part in ("ingest", "queries", "pandas", "browser"):  # JSON keys are text; sizes are numbers
            saved[part] = {int(k): v for k, v in saved[part].items()}
        write_report(args.out, saved["machine"], saved["sizes"], saved, args)
        log(f"written from {results_file}: {args.out}")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    skip = set(filter(None, args.skip.split(",")))
    args.work.mkdir(parents=True, exist_ok=True)
    r = {"ingest": {}, "queries": {}, "pandas": {}, "browser": {}, "load": None, "load_paused": None,
         "load_size": None}
    m = machine()
    r["machine"], r["sizes"] = m, sizes
    if skip and results_file.exists():
        # A step left out keeps the figures of the last run that made them (the report says so).
        previous = json.loads(results_file.read_text())
        for part in skip & {"ingest", "queries", "pandas", "browser"}:
            r[part] = {int(k): v for k, v in previous.get(part, {}).items()}
        if "load" in skip:
            r["load"], r["load_size"] = previous.get("load"), previous.get("load_size")
            r["load_paused"] = previous.get("load_paused")
        r["carried_over"] = {"steps": sorted(skip), "from": previous.get("machine", {}).get("date"),
                             "commit": previous.get("machine", {}).get("commit")}
    log(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB")
    started = time.perf_counter()
    for n in sizes:
        if "ingest" not in skip or not (args.work / "homes" / f"{size_label(n)}-parquet").exists():
            r["ingest"][n] = step_ingest(args.work, n)
    for n in sizes:
        if "queries" not in skip:
            r["queries"][n] = step_queries(args.work, n)
        if "pandas" not in skip:
            r["pandas"][n] = step_pandas(args.work, n)
    if "browser" not in skip:
        for n in sorted({1_000_000 if 1_000_000 in sizes else sizes[-1], sizes[-1]}):
            r["browser"][n] = step_browser(args.work, n)
    if "load" not in skip:
        r["load_size"] = 1_000_000 if 1_000_000 in sizes else sizes[-1]
        r["load"] = step_load(args.work, r["load_size"], args.load_sessions, args.load_seconds)
        if args.load_pause > 0:
            r["load_paused"] = step_load(args.work, r["load_size"], args.load_sessions, args.load_seconds,
                                         pause=args.load_pause)
    if "limits" not in skip:
        from bench_limits import run as run_limits

        log("peak memory on hostile files")
        r["limits"] = run_limits(args.work)
    elif skip and results_file.exists():
        r["limits"] = json.loads(results_file.read_text()).get("limits")
    r["total_s"] = time.perf_counter() - started
    results_file.write_text(json.dumps(r, indent=1, default=str))
    write_report(args.out, m, sizes, r, args)
    log(f"done in {r['total_s'] / 60:.1f} min: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
