"""Benchmark: every named query on a generated store, on one warm read-only connection.

    .venv/bin/python bench/bench_queries.py [--sessions 1000000] [--repeat 3] [--data-dir DIR]

The exports are generated (layout parquet) and ingested once into DIR (default
/tmp/alliance-bench-<sessions>) and reused by later runs. For each query: the
first run (for models: the computation, before any cache) and the median of the
repeats. Timings on a shared 2-core machine are noisy: compare figures from one run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()

    from alliance import queries
    from alliance.sample import generate
    from alliance.store import ingest, open_reader

    base = args.data_dir or Path(f"/tmp/alliance-bench-{args.sessions}")
    exports, home = base / "exports", base / "home"
    if not exports.exists():
        exports.mkdir(parents=True)
        print(f"generating {args.sessions:,} sessions into {exports}", flush=True)
        generate(exports, seed=7, n_sessions=args.sessions, layout="parquet")
    started = time.perf_counter()
    report = ingest(exports, home)
    print(f"ingest: {time.perf_counter() - started:.1f} s ({'built' if report.changed else 'store reused'})")

    import shutil

    shutil.rmtree(home / "cache", ignore_errors=True)  # models are computed, not read from an earlier run
    con = open_reader(home)
    rows = []
    for name, query in queries.all_queries().items():
        # A model's first run computes it: no result from memory or from the build's disk cache.
        queries._MODEL_CACHE.clear()
        shutil.rmtree(home / "cache", ignore_errors=True)
        t = time.perf_counter()
        frame = queries.run(con, name)
        first = time.perf_counter() - t
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            queries.run(con, name)
            times.append(time.perf_counter() - t)
        kind = "model" if isinstance(query, queries.PythonQuery) else "sql"
        rows.append((name, kind, len(frame), first, statistics.median(times)))
        print(f"{name:<28} {kind:<5} rows {len(frame):>9,}  first {first * 1000:8.1f} ms  "
              f"again {statistics.median(times) * 1000:8.1f} ms", flush=True)
    con.close()
    print(f"\n{args.sessions:,} sessions")
    print("| query | kind | rows | first run ms | repeat ms (median) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, kind, n, first, again in rows:
        print(f"| {name} | {kind} | {n:,} | {first * 1000:.0f} | {again * 1000:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
