"""`make bench` works end to end: every step of bench/run.py on a small generated store.

Timings are not asserted (they belong to BENCHMARKS.md, not to a unit test); what is checked
is that each step produces its figures, that the pandas baseline agrees with the store, that
the browser steps drew every page and that no load session failed.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import needs_chromium

ROOT = Path(__file__).resolve().parent.parent


@needs_chromium
def test_bench_runs_every_step(tmp_path):
    work, out = tmp_path / "work", tmp_path / "BENCHMARKS.md"
    proc = subprocess.run([sys.executable, "bench/run.py", "--sizes", "2000", "--work", str(work), "--out", str(out),
                           "--load-sessions", "2", "--load-seconds", "15", "--load-pause", "4"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads((work / "results.json").read_text())
    ingest = r["ingest"]["2000"]
    assert set(ingest) == {"csv", "parquet"} and ingest["parquet"]["rebuild_s"] > 0
    assert all(x["ingest_peak_mb"] > 0 for x in ingest.values())
    # the ingest and the rebuild computed the default view's models, and said how long that took
    assert all(x["models_s"] > 0 for x in ingest.values()) and ingest["parquet"]["rebuild_models_s"] > 0

    queries = r["queries"]["2000"]
    assert {x["name"] for x in queries["named"]} >= {"alliance_trend", "therapist_effects", "caseload_flags"}
    pages = queries["pages"]
    assert set(pages) == {"overview", "clinics", "therapists", "supervision", "dual_perspective", "feedback", "data",
                          "methods", "audit"}
    assert "therapist_effects" in pages["therapists"]["names"] and pages["clinics"]["charts"] == 5
    assert all(x["built_s"] > 0 and x["cold_s"] > 0 for x in pages.values())
    # the first visit after the build replays with the models the ingest wrote, one file per model
    kept = work / "homes" / "2k-parquet" / ".bench-ingest-models" / "models"
    assert {p.name.split("-")[0] for p in kept.iterdir()} == {
        "caseload_flags", "treatment_response", "therapist_effects", "therapist_icc", "early_alliance_outcome", "funnel"}

    pandas = r["pandas"]["2000"]
    assert pandas["agree"] and all(v is None for v in pandas["agree"].values()), pandas["agree"]

    browser = r["browser"]["2000"]
    assert {x["page"] for x in browser["rounds"]} >= {"Clinics", "Therapists", "Overview"}
    assert browser["rss_peak_mb"] > 0
    # each page is also timed from the click the page received, which comes after the harness's call
    assert all(x["from_click_s"] is not None and 0 < x["from_click_s"] <= x["seconds"] + 0.05 for x in browser["rounds"])

    # the hostile files' step: every command said one sentence (exit 1, no traceback) within 2 GB
    limits = r["limits"]
    assert {x["command"] for x in limits} == {"check", "ingest with the sample"} and len(limits) == 6
    assert all(x["code"] == 1 and not x["traceback"] and 0 < x["peak_mb"] < 2048 for x in limits), limits
    assert "## Limits on one file" in out.read_text(encoding="utf-8")

    load = r["load"]
    assert load["failed_sessions"] == 0, load["failures"]
    assert load["page_loads"] > 0 and load["server_alive_at_end"]
    # the server's run log (ALLIANCE_RUN_LOG) gave its own time for the runs of the pages visited
    assert load["page_from_click_median_s"] is not None and load["page_from_click_median_s"] <= load["page_median_s"] + 0.05
    runs = load["server_runs"]
    assert runs["outcomes"].get("done", 0) > 0 and runs["median_s"] > 0
    assert set(runs["per_page"]) <= {f"{p}.py" for p in pages} and runs["per_page"]

    # the second load run: each user waits 2 to 6 s after every step, so in 15 s it takes at most 8 steps
    paused = r["load_paused"]
    assert paused["pause_s"] == 4 and paused["failed_sessions"] == 0, paused["failures"]
    assert 0 < paused["page_loads"] + paused["filter_changes"] <= 2 * 8

    report = out.read_text()
    for heading in ("## Machine", "## Targets", "## Ingest", "## Named queries", "## Each page's whole set of queries",
                    "## DuckDB against pandas", "## Real browser", "## Load", "## Load with a pause"):
        assert heading in report
