"""Benchmark: ingest of generated exports (CSV and Parquet), and the rebuild from the archive.

    .venv/bin/python bench/bench_ingest.py [--sessions 1000000] [--layouts csv,parquet]

Each ingest runs in its own process on a fresh home folder; the figures are wall
seconds and the process's peak memory. Timings on a shared 2-core machine are
noisy: compare figures from one run.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(args: list[str], env_home: Path, data: Path) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit code of one `python -m alliance` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "alliance", *args, "--home", str(env_home), "--data", str(data)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()}")
    return seconds, max(peak, before) / 1024, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--layouts", default="csv,parquet")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    from alliance.sample import generate

    work = Path(tempfile.mkdtemp(prefix="alliance-bench-"))
    results = []
    try:
        for layout in args.layouts.split(","):
            data = work / layout
            data.mkdir()
            t = time.perf_counter()
            truth = generate(data, seed=7, n_sessions=args.sessions, layout=layout)
            gen_s = time.perf_counter() - t
            counts = truth.get("counts", {})
            size_mb = sum(p.stat().st_size for p in data.iterdir() if p.suffix in (".csv", ".parquet")) / 1e6
            home = work / f"home-{layout}"
            ingest_s, ingest_mb, _ = timed(["ingest"], home, data)
            again_s, _, _ = timed(["ingest"], home, data)
            rebuild_s, rebuild_mb, _ = timed(["rebuild"], home, data)
            row = {
                "layout": layout,
                "sessions": counts.get("sessions", args.sessions),
                "feedback_rows": counts.get("client_forms", 0) + counts.get("therapist_forms", 0),
                "input_mb": round(size_mb, 1),
                "generate_s": round(gen_s, 1),
                "ingest_s": round(ingest_s, 1),
                "ingest_peak_mb": round(ingest_mb),
                "ingest_again_s": round(again_s, 1),
                "rebuild_s": round(rebuild_s, 1),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nMachine: {platform.machine()}, {platform.processor() or 'unknown cpu'}, "
          f"Python {platform.python_version()}")
    print("| layout | sessions | feedback rows | input MB | ingest s | peak MB | ingest again s | rebuild s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['layout']} | {r['sessions']:,} | {r['feedback_rows'] or 0:,} | {r['input_mb']} | {r['ingest_s']} "
              f"| {r['ingest_peak_mb']} | {r['ingest_again_s']} | {r['rebuild_s']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
