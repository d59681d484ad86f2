"""Benchmark: one exported chart image, first (cold renderer: Chromium starts) and warm (median of 10).

    .venv/bin/python bench/bench_export.py [--home HOME] [--format png] [--rounds 10]

Builds a store of sample_data/ in a temporary folder (or reads HOME), then times
`alliance.export.produce` for the Clinics page's alliance trend by site: the query for
export (small cells suppressed), the chart, the title/period/footer, and kaleido drawing it
on the system Chromium. The first call starts the browser; later calls reuse it. Each warm
call asks for a new period so no cache answers it. CSV and HTML are timed the same way.
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
    parser.add_argument("--home", type=Path)
    parser.add_argument("--format", default="png", choices=["png", "svg", "pdf"])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    from alliance import export, store
    from alliance.charts import create_alliance_trend
    from alliance.scope import Scope

    home = args.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="bench_export_")) / "home"
        store.ingest(ROOT / "sample_data", home)
    con = store.open_reader(home)
    meta = export.ExportMeta("Alliance per month", "Period: all data", "Filters: none", dt.date(2025, 12, 31))

    def once(fmt: str, start: dt.date | None) -> float:
        params = {"group": "site", "start": start}
        started = time.perf_counter()
        data, _ = export.produce(fmt, con=con, query="alliance_trend", params=params, scope=Scope(), settings=None,
                                 meta=meta, make_figure=lambda rows: create_alliance_trend(rows, cutoff=36,
                                                                                          group_label="Site"))
        elapsed = time.perf_counter() - started
        assert len(data) > 1000
        return elapsed

    first = once(args.format, None)
    warm = [once(args.format, dt.date(2024, 1, 1) + dt.timedelta(days=i)) for i in range(args.rounds)]
    print(f"{args.format}: first (Chromium starts) {first:.2f} s; warm median of {args.rounds} "
          f"{statistics.median(warm) * 1000:.0f} ms (min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f})")
    # The drawing alone (kaleido on the warm Chromium), without the query and the chart function.
    from alliance import queries

    fig = export.for_export(create_alliance_trend(queries.run_for_export(con, "alliance_trend", {"group": "site"},
                                                                          Scope()), cutoff=36, group_label="Site"), meta)
    drawing = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        export.render(fig, args.format, width=export.WIDTH, height=export.HEIGHT, scale=export.SCALE[args.format])
        drawing.append(time.perf_counter() - started)
    print(f"{args.format}: drawing alone, warm median of {args.rounds} {statistics.median(drawing) * 1000:.0f} ms")
    for fmt in ("html", "csv", "xlsx"):
        times = [once(fmt, dt.date(2024, 2, 1) + dt.timedelta(days=i)) for i in range(args.rounds)]
        print(f"{fmt}: median of {args.rounds} {statistics.median(times) * 1000:.0f} ms")
    export.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
