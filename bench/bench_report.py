"""Benchmark: one therapist pack and one clinic pack on the sample store, first (cold) and warm.

    .venv/bin/python bench/bench_report.py [--repeat 3] [--start 2025-01-01] [--end 2025-06-30]

Ingests sample_data/ into a fresh temporary home, then in this one process times:
the first therapist pack (Chromium started for the charts, the models computed for the
period), the warm therapist pack (median of the repeats: renderer open, models cached),
then the first and warm clinic pack. Timings on a shared 2-core machine are noisy:
compare figures from one run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 1, 1))
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    args = parser.parse_args()

    from alliance import export, queries, report, store

    home = Path(tempfile.mkdtemp(prefix="alliance-bench-report-"))
    store.ingest(ROOT / "sample_data", home)
    con = store.open_reader(home)
    flags = queries.run(con, "caseload_flags", {"start": args.start, "end": args.end})
    clinic, therapist = flags.groupby(["clinic", "therapist_id"]).size().sort_values(ascending=False).index[0]
    packs = {
        f"therapist pack ({clinic}/{therapist})": lambda: report.make_therapist_pack(
            con, clinic, therapist, args.start, args.end, language="nb"),
        "clinic pack (Havbris DPS)": lambda: report.make_clinic_pack(
            con, "Havbris DPS", args.start, args.end, language="nb"),
    }
    print(f"sample store, period {args.start} to {args.end}, Norwegian; browser {export.browser_path()}")
    print(f"{'pack':<44} {'first':>8} {'warm':>8} {'pages':>6} {'size':>9}")
    for name, make in packs.items():
        started = time.perf_counter()
        pack = make()
        first = time.perf_counter() - started
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            make()
            warm.append(time.perf_counter() - started)
        print(f"{name:<44} {first:>7.2f}s {statistics.median(warm):>7.2f}s {pack.pages:>6} "
              f"{len(pack.pdf) / 1024:>7.0f}kB", flush=True)
    con.close()
    export.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
