"""Peak memory of `check` and `ingest` on hostile files (docs/ingest.md, "Limits on one file").

    .venv/bin/python bench/bench_limits.py [--work bench/out] [--json]

The files are the ones tests/test_ingest_limits.py uses: a 9 MB workbook that unpacks to 2 GB
(40 comment cells of 50 MB), a workbook with one 50 MB comment, and a CSV with two rows of
150 MB. Each command runs in a fresh process on a new home folder (the ingests with the
sample exports beside the file); its peak is the largest resident memory of it and of every
process it started (the trial read's child among them). The target: under 2 GB each.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 2048
_WRAPPER = ("import json, resource, subprocess, sys\n"
            "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
            "print(json.dumps({'code': done.returncode, 'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
            " 'stderr': done.stderr[-500:]}))")


def peak(args: list[str]) -> dict:
    """Seconds, exit code and peak MB of `python -m alliance ARGS` and its children."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "alliance", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    result = json.loads(done.stdout)
    return {"seconds": round(time.perf_counter() - started, 1), "code": result["code"],
            "peak_mb": round(result["peak_kb"] / 1024), "traceback": "Traceback" in result["stderr"]}


def hostile_files(folder: Path) -> dict[str, Path]:
    from tests.exports import FEEDBACK_HEADER, feedback
    from tests.hostile import csv_with_long_rows, plain_text, text_workbook, workbook_bomb

    folder.mkdir(parents=True, exist_ok=True)
    long_comment = folder / "feedback_long_comment.xlsx"
    if not long_comment.exists():
        text_workbook(long_comment, FEEDBACK_HEADER, [feedback(session_id="S1", comment=plain_text(50))])
    bomb = folder / "feedback_bomb.xlsx"
    if not bomb.exists():
        workbook_bomb(bomb)
    rows = folder / "feedback_long.csv"
    if not rows.exists():
        csv_with_long_rows(rows)
    return {"workbook unpacking to 2 GB": bomb, "workbook with a 50 MB comment": long_comment,
            "CSV with 150 MB rows": rows}


def run(work: Path) -> list[dict]:
    from alliance.limits import size_text

    folder = work / "hostile"
    rows = []
    for label, path in hostile_files(folder).items():
        rows.append({"file": label, "size": size_text(path.stat().st_size), "command": "check",
                     **peak(["check", str(path)])})
        exports, home = folder / "exports", folder / "home"
        shutil.rmtree(exports, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(ROOT / "sample_data", exports)
        shutil.copy(path, exports / path.name)
        rows.append({"file": label, "size": size_text(path.stat().st_size), "command": "ingest with the sample", **peak(["ingest", "--data", str(exports), "--home", str(home),
                                                                  "--no-models"])})
    shutil.rmtree(folder / "exports", ignore_errors=True)
    shutil.rmtree(folder / "home", ignore_errors=True)
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = ["| file | on disk | command | exit | seconds | peak MB (with children) | under 2 GB |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        ok = r["peak_mb"] < TARGET_MB and not r["traceback"] and r["code"] in (0, 1)
        lines.append(f"| {r['file']} | {r['size']} | {r['command']} | {r['code']} | {r['seconds']:.1f} | "
                     f"{r['peak_mb']:,} | {'met' if ok else '**missed**'} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = run(args.work)
    print(json.dumps(rows, indent=1) if args.json else "\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
