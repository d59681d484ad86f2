"""Benchmark: every named query, and every page's whole set of queries, cold and from cache.

    .venv/bin/python bench/bench_queries.py --home HOME [--json OUT] [--repeat 5]

HOME is a store already built (bench/run.py builds one per size). Four steps, each page's
set in a process of its own so nothing is warm that a first visit would not find:

1. record: every page runs once through Streamlit's AppTest (as the local admin, no filters
   chosen) with the dashboard's query function (alliance.ui.data._query) wrapped, which writes down each query the page asks
   for and its parameters, scope and settings: the page's whole set of queries. Also the
   page's whole script re-run from cache (a second AppTest run).
2. named queries: each named query with its default parameters, first run on a fresh
   connection (models: the computation, with no cached result in memory or on disk), then
   the median of the repeats (models: from the memory cache).
3. pages cold: per page, a new process runs the page's set on a new read-only connection
   twice over. "Cold, after a new build": the model cache beside the build holds what the
   ingest computed (`python -m alliance ingest` computes the default view's models at the
   end; a copy of them is taken before anything else here runs, and put back each time),
   which is also what a restarted server finds. "Cold, models computed": the model cache
   removed, so every model is computed: what a period or scope nobody has opened since the
   build costs (or a build made with `--no-models`).
4. pages from cache: the page's set through the dashboard's own page cache (`alliance.ui.data._query`)
   (alliance.ui.data._query), the second time: what a page re-run costs in queries.

Timings on a shared 2-core machine are noisy: compare figures from one run.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ("overview", "clinics", "therapists", "supervision", "dual_perspective", "feedback", "data", "methods",
         "audit")


# ----------------------------------------------------------------------------- step 1: record


def record(home: Path) -> dict:
    """Each page's calls of queries.run (name, params, scope, settings) and its cached re-run time."""
    from streamlit.testing.v1 import AppTest

    from alliance.ui import data

    calls: list[tuple] = []
    real_query = data._query

    def recording(home_, version, name, params, scope, settings):
        # Every request of a page, whether the page cache then serves it or not.
        calls.append((name, dict(params), scope, dict(settings)))
        return real_query(home_, version, name, params, scope, settings)

    data._query = recording
    os.environ["ALLIANCE_HOME"] = str(home)
    os.environ["ALLIANCE_DATA"] = str(home / "no-exports")
    out = {}
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.run()
        for page in PAGES:
            calls.clear()
            at.switch_page(f"pages/{page}.py").run()
            if at.exception:
                raise SystemExit(f"page {page} failed in AppTest: {at.exception[0].value}")
            seen, page_calls = set(), []
            for name, params, scope, settings in calls:
                key = (name, json.dumps(params, sort_keys=True, default=str), scope)
                if key not in seen:  # the set: a query asked twice in one run is served once
                    seen.add(key)
                    page_calls.append({"name": name, "params": {k: str(v) if v is not None else None
                                                                for k, v in params.items()},
                                       "scope": dataclasses.asdict(scope), "settings": settings})
            for thread in threading.enumerate():  # the background model warm-up must not share the cores
                if thread.name.startswith("alliance-warm-up"):
                    thread.join()
            at.run()
            reruns = []
            for _ in range(5):
                started = time.perf_counter()
                at.run()
                reruns.append(time.perf_counter() - started)
            out[page] = {"calls": page_calls, "script_rerun_s": statistics.median(reruns),
                         "charts": len(at.get("plotly_chart"))}
    finally:
        data._query = real_query
    return out


# ----------------------------------------------------------------------------- replay helpers


def _calls_for(page_calls: list[dict]):
    """The recorded calls as (name, params, scope, settings), parameters parsed back into their types."""
    from alliance import queries
    from alliance.scope import Scope

    out = []
    for call in page_calls:
        params = queries.parse_params(call["name"], [f"{k}={v}" for k, v in call["params"].items() if v is not None])
        # JSON gave lists: the scope's fields are tuples (of pairs, for therapists and sites).
        scope = Scope(**{field: None if value is None else tuple(tuple(v) if isinstance(v, list) else v for v in value)
                         for field, value in call["scope"].items()})
        out.append((call["name"], params, scope, call["settings"]))
    return out


def _ingest_models(home: Path) -> Path:
    """Where the model results the ingest computed for the current build are kept for the replays.

    Taken before any step here writes to the model cache. A store built before the ingest
    computed them (or with --no-models) gets them from the same function (queries.warm_build)."""
    kept = home / ".bench-ingest-models"
    build = (home / "alliance.duckdb").resolve()
    if (kept / "build").exists() and (kept / "build").read_text() == build.stem:
        return kept
    shutil.rmtree(kept, ignore_errors=True)
    cache = home / "cache" / build.stem
    if not cache.is_dir():  # in a process of its own, as the ingest computes them
        code = ("import pathlib, sys; from alliance import queries, settings; home = pathlib.Path(sys.argv[1]); "
                "queries.warm_build(home, settings.load_settings(home))")
        subprocess.run([sys.executable, "-c", code, str(home)], cwd=ROOT, check=True)
    shutil.copytree(cache, kept / "models")
    (kept / "build").write_text(build.stem)
    return kept


def restore_ingest_models(home: Path) -> None:
    """Put the model cache back as the ingest left it (the replays here remove it), for the steps that follow."""
    kept = _ingest_models(home)
    shutil.rmtree(home / "cache", ignore_errors=True)
    shutil.copytree(kept / "models", home / "cache" / (kept / "build").read_text())


def page_cold(home: Path, page_calls: list[dict], after_build: bool) -> dict:
    """The page's set of queries in this (new) process: no result in memory; on disk the ingest's models, or none."""
    from alliance import queries, store

    if after_build:
        restore_ingest_models(home)
    else:
        shutil.rmtree(home / "cache", ignore_errors=True)
    calls = _calls_for(page_calls)
    started = time.perf_counter()
    con = store.open_reader(home)
    each = []
    for name, params, scope, settings in calls:
        t = time.perf_counter()
        queries.run(con, name, params, scope, settings)
        each.append((name, time.perf_counter() - t))
    total = time.perf_counter() - started
    con.close()
    slowest = max(each, key=lambda e: e[1]) if each else ("", 0.0)
    return {"seconds": total, "queries": len(each), "slowest": slowest[0], "slowest_s": slowest[1]}


def page_cached(home: Path, page_calls: list[dict]) -> dict:
    """The page's set through the dashboard's page cache: first (fills it) and again (served from it)."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime" warnings outside a server
    from alliance import store
    from alliance.ui import data

    version = store.store_version(home)
    calls = _calls_for(page_calls)

    def once() -> float:
        started = time.perf_counter()
        for name, params, scope, settings in calls:
            data._query(str(home), version, name, tuple(sorted(params.items())), scope,
                        tuple(sorted(settings.items())))
        return time.perf_counter() - started

    first = once()
    again = statistics.median(once() for _ in range(5))
    return {"first_s": first, "cached_s": again}


def named(home: Path, repeat: int) -> list[dict]:
    """Every named query with its default parameters: first run (nothing cached) and the median repeat."""
    from alliance import queries, store
    from alliance.scope import EVERYTHING
    from alliance.settings import load_settings

    settings = load_settings(home)
    rows = []
    for name, query in queries.all_queries().items():
        queries._MODEL_CACHE.clear()
        shutil.rmtree(home / "cache", ignore_errors=True)
        con = store.open_reader(home)  # a new connection: DuckDB's buffers start empty
        t = time.perf_counter()
        frame = queries.run(con, name, {}, EVERYTHING, settings)
        first = time.perf_counter() - t
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            queries.run(con, name, {}, EVERYTHING, settings)
            times.append(time.perf_counter() - t)
        con.close()
        kind = "model" if isinstance(query, queries.PythonQuery) else "sql"
        rows.append({"name": name, "kind": kind, "rows": len(frame), "first_s": first,
                     "repeat_s": statistics.median(times)})
        print(f"  {name:<28} {kind:<5} rows {len(frame):>9,}  first {first * 1000:8.1f} ms  "
              f"again {statistics.median(times) * 1000:8.1f} ms", flush=True)
    return rows


def _child(step: str, home: Path, extra: dict) -> dict:
    """Run one step in a new Python process; its JSON result."""
    proc = subprocess.run([sys.executable, __file__, "--child", step, "--home", str(home), "--arg", json.dumps(extra)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench_queries step {step} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_all(home: Path, repeat: int = 5) -> dict:
    _ingest_models(home)
    print(f"recording each page's queries on {home}", flush=True)
    pages = _child("record", home, {})
    print("named queries", flush=True)
    result = {"named": _child("named", home, {"repeat": repeat}), "pages": {}}
    for page, info in pages.items():
        built = _child("cold", home, {"calls": info["calls"], "after_build": True})
        cold = _child("cold", home, {"calls": info["calls"], "after_build": False})
        cached = _child("cached", home, {"calls": info["calls"]})
        result["pages"][page] = {
            "queries": len(info["calls"]), "names": sorted({c["name"] for c in info["calls"]}),
            "cold_s": cold["seconds"], "cold_slowest": cold["slowest"], "cold_slowest_s": cold["slowest_s"],
            "built_s": built["seconds"], "built_slowest": built["slowest"],
            "built_slowest_s": built["slowest_s"],
            "cached_s": cached["cached_s"], "script_rerun_s": info["script_rerun_s"], "charts": info["charts"],
        }
        print(f"  {page:<18} {len(info['calls']):>2} queries  cold {cold['seconds'] * 1000:8.0f} ms "
              f"(slowest {cold['slowest']})  after build {built['seconds'] * 1000:7.0f} ms  "
              f"cached {cached['cached_s'] * 1000:6.1f} ms  script re-run {info['script_rerun_s'] * 1000:6.0f} ms",
              flush=True)
    restore_ingest_models(home)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=("record", "named", "cold", "cached"))
    parser.add_argument("--arg", default="{}")
    args = parser.parse_args()
    if args.child:
        extra = json.loads(args.arg)
        if args.child == "record":
            out = record(args.home)
        elif args.child == "named":
            out = named(args.home, extra["repeat"])
        elif args.child == "cold":
            out = page_cold(args.home, extra["calls"], extra["after_build"])
        else:
            out = page_cached(args.home, extra["calls"])
        print(json.dumps(out, default=str))
        return 0
    result = run_all(args.home, args.repeat)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
