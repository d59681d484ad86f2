"""Bounded reading (alliance/limits.py, alliance/ingest.py) and the screening of files before a build
(alliance/screening.py): no file, however large or crafted, takes more than its limits or stops the
other files and later ingests. Real files throughout: a 2 GB workbook bomb, 150 MB CSV rows, a
workbook that reads slowly, a Parquet file whose reading needs too much memory."""
from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alliance import store
from alliance.ingest import EMPTY_MAPPING, FileRejected, expansion_problem, read_export
from alliance.limits import size_text
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv, write_parquet, write_xlsx
from tests.hostile import csv_with_long_rows, plain_text, slow_workbook, text_workbook, workbook_bomb

ROOT = Path(__file__).resolve().parent.parent
GB = 1024**3
PEAK_LIMIT_KB = 2 * 1024 * 1024  # ingest and check stay under 2 GB, whatever the file holds


def peak_run(args: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """`python -m alliance ARGS` and the peak resident memory (KB) of it and every process it started."""
    wrapper = ("import resource, subprocess, sys, json\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(json.dumps({'code': done.returncode, 'out': done.stdout, 'err': done.stderr,\n"
               "                  'peak': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "alliance", *args], cwd=ROOT,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600)
    result = json.loads(done.stdout)
    return subprocess.CompletedProcess(args, result["code"], result["out"], result["err"]), result["peak"]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return workbook_bomb(tmp_path_factory.mktemp("bomb") / "feedback_bomb.xlsx")


@pytest.fixture()
def exports(tmp_path, sample_data) -> Path:
    folder = tmp_path / "exports"
    shutil.copytree(sample_data, folder)
    return folder


def loaded(home: Path) -> dict[str, int]:
    con = store.open_reader(home)
    try:
        return dict(con.execute("SELECT file, rows_loaded FROM files WHERE status = 'loaded'").fetchall())
    finally:
        con.close()


def files(home: Path) -> dict[str, tuple[str, str]]:
    con = store.open_reader(home)
    try:
        return {f: (s, m) for f, s, m in con.execute("SELECT file, status, message FROM files").fetchall()}
    finally:
        con.close()


# --------------------------------------------------------------------------- a workbook bomb


BOMB_SENTENCE = ("feedback_bomb.xlsx expands to 2.0 GB when unpacked; the limit is 512 MB (ALLIANCE_MAX_UNPACKED).")


def test_a_workbook_that_unpacks_to_2_gb_is_rejected_before_a_sheet_is_opened(bomb):
    assert bomb.stat().st_size < 16 * 1024**2
    done, peak = peak_run(["check", str(bomb)])
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.strip() == f"rejected  feedback_bomb.xlsx: {BOMB_SENTENCE}"
    assert peak < PEAK_LIMIT_KB, f"check used {peak / 1024:.0f} MB"


def test_the_bomb_in_the_exports_folder_stops_nothing_now_or_later(bomb, exports, tmp_path, sample_data):
    home = tmp_path / "home"
    shutil.copy(bomb, exports / bomb.name)
    done, peak = peak_run(["ingest", "--data", str(exports), "--home", str(home), "--no-models"])
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
    assert f"rejected  feedback_bomb.xlsx: {BOMB_SENTENCE}" in done.stdout
    assert peak < PEAK_LIMIT_KB, f"ingest used {peak / 1024:.0f} MB"
    everything = loaded(home)
    assert "feedback_bomb.xlsx" not in everything and len(everything) == sum(
        1 for p in sample_data.iterdir() if p.name.startswith(("sessions", "feedback", "timer", "skjema")))
    # The file stays in the archive; deleted from the folder, it stops no later ingest or rebuild.
    (exports / bomb.name).unlink()
    write_csv(exports / "sessions_later.csv", SESSION_HEADER, [session(clinic="Ny klinikk", session_id="L1")])
    report = store.ingest(exports, home)
    assert report.changed and loaded(home)["sessions_later.csv"] == 1
    assert files(home)["feedback_bomb.xlsx"] == ("rejected", BOMB_SENTENCE)
    report = store.rebuild(home)
    assert loaded(home) == {**everything, "sessions_later.csv": 1}


# --------------------------------------------------------------------------- each limit at its boundary


def test_a_workbook_exactly_at_its_limits_is_read_and_one_byte_past_is_not(monkeypatch):
    monkeypatch.setenv("ALLIANCE_MAX_UNPACKED", "1000")
    monkeypatch.setenv("ALLIANCE_MAX_RATIO", "10")
    assert expansion_problem("f.xlsx", 1000, 100) is None  # 1000 bytes, 10 times: exactly at both limits
    assert str(expansion_problem("f.xlsx", 1001, 200)) == (
        "f.xlsx expands to 1001 bytes when unpacked; the limit is 1000 bytes (ALLIANCE_MAX_UNPACKED).")
    assert expansion_problem("f.xlsx", 990, 99) is None
    assert str(expansion_problem("f.xlsx", 991, 99)) == (
        "f.xlsx expands 10 times when unpacked (to 991 bytes); the limit is 10 times (ALLIANCE_MAX_RATIO).")


def test_a_real_workbook_at_its_unpacked_size_loads_and_below_it_is_rejected(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "sessions_a.xlsx", SESSION_HEADER, [session()])
    unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setenv("ALLIANCE_MAX_UNPACKED", str(unpacked))
    assert read_export(path.read_bytes(), path.name, "sessions").table.num_rows == 1
    monkeypatch.setenv("ALLIANCE_MAX_UNPACKED", str(unpacked - 1))
    with pytest.raises(FileRejected, match=f"expands to {size_text(unpacked)} when unpacked"):
        read_export(path.read_bytes(), path.name, "sessions")


def test_a_zip_directory_that_understates_a_part_is_counted_and_rejected(tmp_path):
    """The directory says the sheet unpacks to 100 bytes; it really unpacks to 10 MB. What is decompressed is
    counted, and the reading stops at what the directory declared: the workbook is damaged, never parsed."""
    path = write_xlsx(tmp_path / "sessions_lie.xlsx", SESSION_HEADER, [session()])
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as small, zipfile.ZipFile(tmp_path / "lie.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in small.infolist():
            out.writestr(info.filename, small.read(info) if info.filename != sheet else b"<x>" + b"a" * 10 * 1024**2)
    data = bytearray((tmp_path / "lie.xlsx").read_bytes())
    name = sheet.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):  # local header, directory
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 100)
            at = data.find(signature, at + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(sheet).file_size == 100
    with pytest.raises(FileRejected) as caught:
        read_export(bytes(data), "sessions_lie.xlsx", "sessions")
    assert str(caught.value) == "sessions_lie.xlsx is damaged: a part of the workbook cannot be unpacked."


def test_a_parquet_row_group_at_its_limit_is_read_and_past_it_is_rejected(tmp_path, monkeypatch):
    path = write_parquet(tmp_path / "sessions_a.parquet", SESSION_HEADER, [session(session_id=f"S{i}") for i in range(50)])
    meta = pq.ParquetFile(path).metadata
    group = meta.row_group(0)
    unpacked = max(group.total_byte_size,
                   sum(group.column(j).total_uncompressed_size for j in range(group.num_columns)))
    monkeypatch.setenv("ALLIANCE_MAX_UNPACKED", str(unpacked))
    assert read_export(path.read_bytes(), path.name, "sessions").table.num_rows == 50
    monkeypatch.setenv("ALLIANCE_MAX_UNPACKED", str(unpacked - 1))
    with pytest.raises(FileRejected) as caught:
        read_export(path.read_bytes(), path.name, "sessions")
    assert str(caught.value) == (f"sessions_a.parquet has a row group that expands to {size_text(unpacked)}; the limit "
                                 f"is {size_text(unpacked - 1)} (ALLIANCE_MAX_UNPACKED).")


def test_a_file_at_the_size_limit_loads_and_one_byte_larger_is_rejected_unread(tmp_path, monkeypatch):
    data = tmp_path / "exports"
    data.mkdir()
    path = write_csv(data / "sessions_a.csv", SESSION_HEADER, [session()])
    size = path.stat().st_size
    monkeypatch.setenv("ALLIANCE_MAX_FILE_SIZE", str(size))
    assert loaded(store.ingest(data, tmp_path / "home").store.parent) == {"sessions_a.csv": 1}
    monkeypatch.setenv("ALLIANCE_MAX_FILE_SIZE", str(size - 1))
    report = store.check([path], EMPTY_MAPPING)
    assert [(f.status, f.message) for f in report.files] == [(
        "rejected", f"sessions_a.csv is {size} bytes; the largest file read is {size - 1} bytes (ALLIANCE_MAX_FILE_SIZE).")]
    # In a build the archived copy is not even loaded: its bytes are replaced here, and a build that loaded
    # them would say they are damaged (an archived file's hash is checked whenever it is read).
    home = tmp_path / "home"
    [obj] = (home / "archive" / "objects").glob("*/*")
    obj.write_bytes(b"damaged")
    report = store.rebuild(home)
    assert [(f.file, f.status, f.message) for f in report.files] == [(
        "sessions_a.csv", "rejected",
        f"sessions_a.csv is {size} bytes; the largest file read is {size - 1} bytes (ALLIANCE_MAX_FILE_SIZE).")]


# --------------------------------------------------------------------------- long values


def _long_comment_exports(folder: Path, fmt: str, megabytes: int) -> Path:
    folder.mkdir()
    write_csv(folder / "sessions_a.csv", SESSION_HEADER, [session(session_id=f"S{i}", number=i) for i in (1, 2, 3)])
    rows = [feedback(session_id="S1", comment="x" * 10_000),  # exactly at the limit: loaded
            feedback(session_id="S2", comment="y" * 10_001),  # one past: quarantined
            feedback(session_id="S3", comment=plain_text(megabytes))]
    # openpyxl would cut a cell to 32,767 characters: the workbook is written as its XML.
    writer = {"csv": write_csv, "xlsx": text_workbook, "parquet": write_parquet}[fmt]
    writer(folder / f"feedback_a.{fmt}", FEEDBACK_HEADER, rows)
    return folder


@pytest.mark.parametrize("fmt, megabytes", [("csv", 12), ("xlsx", 50), ("parquet", 50)])
def test_a_value_longer_than_its_column_allows_is_quarantined_and_never_kept_whole(tmp_path, fmt, megabytes):
    folder = _long_comment_exports(tmp_path / "exports", fmt, megabytes)
    home = tmp_path / "home"
    report = store.ingest(folder, home)
    [row] = [f for f in report.files if f.kind == "feedback"]
    assert (row.status, row.rows_read, row.rows_loaded, row.rows_quarantined) == ("loaded", 3, 1, 2)
    assert sorted(r[1:] for r in report.rejects) == [
        (3, "comment", "comment is longer than 10,000 characters"),
        (4, "comment", "comment is longer than 10,000 characters")]
    con = store.open_reader(home)
    try:
        kept = dict(con.execute("SELECT row, length(comment) FROM quarantined_feedback").fetchall())
    finally:
        con.close()
    assert kept == {3: 10_001, 4: 10_001}  # cut as it was read: one character past the limit
    written = folder / f"feedback_a.{fmt}"
    if fmt == "xlsx":  # the long value really is in the file
        with zipfile.ZipFile(written) as book:
            assert book.getinfo("xl/worksheets/sheet1.xml").file_size > megabytes * 1024**2


def test_a_workbook_value_is_cut_while_it_is_unpacked_never_held_whole(tmp_path):
    """A 50 MB comment in a workbook: the reader is handed a copy with the value cut, made from the XML
    a megabyte at a time, so no Python object ever holds the 50 MB (a cell's text would be one str)."""
    import tracemalloc

    comment = plain_text(50)
    path = text_workbook(tmp_path / "feedback_a.xlsx", FEEDBACK_HEADER,
                         [feedback(session_id="S1", comment="a & b < c > d"), feedback(session_id="S2", comment=comment)])
    data = path.read_bytes()
    del comment
    tracemalloc.start()
    try:
        read = read_export(data, path.name, "feedback")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    values = read.table.column("comment").to_pylist()
    assert values[0] == "a & b < c > d" and len(values[1]) == 10_001  # markup survives the copy; the value is cut
    assert peak < 40 * 1024**2, f"{peak / 1024**2:.0f} MB held at once"


def test_a_long_comment_in_a_workbook_is_checked_within_the_memory_target(tmp_path):
    folder = _long_comment_exports(tmp_path / "exports", "xlsx", 50)
    done, peak = peak_run(["check", str(folder / "feedback_a.xlsx")])
    assert done.returncode == 1 and "3 rows read, 1 loaded, 2 quarantined" in done.stdout
    assert peak < PEAK_LIMIT_KB, f"check used {peak / 1024:.0f} MB"


def test_a_csv_row_of_150_mb_is_named_as_too_long_and_where(tmp_path):
    path = csv_with_long_rows(tmp_path / "feedback_long.csv")
    done, peak = peak_run(["check", str(path)])
    assert done.returncode == 1
    assert done.stdout.strip() == ("rejected  feedback_long.csv: feedback_long.csv row 3 is too long: over 16 MB, the "
                                   "most one row may hold; the file is not read.")
    assert peak < PEAK_LIMIT_KB, f"check used {peak / 1024:.0f} MB"


# --------------------------------------------------------------------------- no archived file stops the store


def _memory_hungry_parquet(path: Path) -> Path:
    """A small Parquet file with one row group of two 256 MB comments: its reader needs 512 MB at once."""
    text = "q" * (256 * 1024**2)
    table = pa.table({"clinic": ["Havbris DPS"] * 2, "session_id": ["S1", "S2"], "rater": ["client"] * 2,
                      "srs_total": ["30", "31"], "comment": [text, text]})
    pq.write_table(table, path, compression="zstd")
    del table, text
    return path


@pytest.fixture()
def troubled_exports(exports, bomb) -> Path:
    """The sample, with three files that each could stop a store: a workbook bomb (rejected by its size), a
    workbook that takes long to read, and a Parquet file whose reading needs more memory than its limit."""
    shutil.copy(bomb, exports / bomb.name)
    (exports / "sessions_slow.xlsx").write_bytes(slow_workbook(SLOW_ROWS))  # about 10 s to read here
    _memory_hungry_parquet(exports / "feedback_hungry.parquet")
    return exports


# The time limit must stop the slow workbook (about 10 s to read here, so well past it on a machine
# three times as fast) and leave the memory-hungry Parquet file time to reach its memory limit (well
# under a second here; with a 1 s limit a loaded CI machine once stopped it for time instead).
SLOW_ROWS = 100_000
TROUBLED_ENV = {"ALLIANCE_FILE_SECONDS": "3", "ALLIANCE_FILE_MEMORY": "900MB", "ALLIANCE_MAX_UNPACKED": "1GB"}


def test_no_archived_file_can_stop_the_store(troubled_exports, tmp_path, monkeypatch, sample_data):
    for variable, value in TROUBLED_ENV.items():
        monkeypatch.setenv(variable, value)
    home = tmp_path / "home"
    done, peak = peak_run(["ingest", "--data", str(troubled_exports), "--home", str(home), "--no-models"])
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, done.stderr
    seen = files(home)
    assert seen["feedback_bomb.xlsx"] == ("rejected", "feedback_bomb.xlsx expands to 2.0 GB when unpacked; the limit "
                                                      "is 1.0 GB (ALLIANCE_MAX_UNPACKED).")
    assert seen["sessions_slow.xlsx"] == ("rejected", "sessions_slow.xlsx took longer to read than its limit of 3 "
                                                      "seconds (ALLIANCE_FILE_SECONDS) and was stopped; it is rejected, "
                                                      "and the other files are loaded.")
    assert seen["feedback_hungry.parquet"] == (
        "rejected", "feedback_hungry.parquet needed more memory to read than its limit of 900 MB (ALLIANCE_FILE_MEMORY), "
                    "far more than an export of its size should; it is rejected, and the other files are loaded.")
    good = loaded(home)
    assert len(good) == sum(1 for p in sample_data.iterdir() if p.name.startswith(("sessions", "feedback", "timer",
                                                                                   "skjema")))
    # Recorded by hash, with the limits they failed under.
    refused = json.loads((home / "archive" / "screened.json").read_text(encoding="utf-8"))["refused"]
    assert sorted(e["cause"] for e in refused.values()) == ["memory", "time"]
    # Later builds do not read them again: their archived bytes are replaced here, and a build that read
    # them would stop on the damage (an archived file's hash is checked whenever it is read).
    for sha in refused:
        obj = home / "archive" / "objects" / sha[:2] / sha
        obj.chmod(0o600)
        obj.write_bytes(b"not read again")
    for _ in range(2):  # a rebuild, then an ingest with a new file
        report = store.rebuild(home)
        assert {f.file: f.status for f in report.files if f.file in seen} == {f: s for f, (s, _) in seen.items()}
        assert loaded(home) == good
    write_csv(troubled_exports / "sessions_new.csv", SESSION_HEADER, [session(clinic="Ny klinikk", session_id="N1")])
    report = store.ingest(troubled_exports, home)
    assert loaded(home) == {**good, "sessions_new.csv": 1}
    # Under other limits they are tried again: with more memory and time the Parquet file is read (its two
    # comments quarantined as too long) and so is the slow workbook.
    monkeypatch.setenv("ALLIANCE_FILE_MEMORY", "4GB")
    monkeypatch.setenv("ALLIANCE_FILE_SECONDS", "600")
    for sha, entry in refused.items():
        original = {"memory": "feedback_hungry.parquet", "time": "sessions_slow.xlsx"}[entry["cause"]]
        shutil.copy(troubled_exports / original, home / "archive" / "objects" / sha[:2] / sha)
    report = store.rebuild(home)
    hungry = {f.file: f for f in report.files}["feedback_hungry.parquet"]
    assert (hungry.status, hungry.rows_read, hungry.rows_quarantined) == ("loaded", 2, 2), hungry.message
    assert files(home)["sessions_slow.xlsx"][0] == "loaded" and loaded(home)["sessions_slow.xlsx"] == SLOW_ROWS


def test_a_file_that_fails_half_way_leaves_nothing_of_itself_behind():
    """A file rejected alone after it had appended rows (rejects, quarantine) is taken back out, and
    nothing of the files before it goes with it."""
    con = duckdb.connect()
    from alliance.validate import create_work_tables

    create_work_tables(con, temp=True)
    con.execute("INSERT INTO rejects VALUES ('a.csv', 2, 'clinic', 'x')")
    marks = store._marks(con, "sessions")
    con.execute("INSERT INTO rejects VALUES ('b.csv', 2, 'clinic', 'y'), ('b.csv', 3, 'clinic', 'z')")
    con.execute("INSERT INTO quarantined_sessions (file, row) VALUES ('b.csv', 2)")
    store._take_back(con, "sessions", marks, order=1)
    assert con.execute("SELECT file FROM rejects").fetchall() == [("a.csv",)]
    assert con.execute("SELECT count(*) FROM quarantined_sessions").fetchall() == [(0,)]


# --------------------------------------------------------------------------- a file that crashes the reader
#
# No file is known that makes the pinned readers (pyarrow, openpyxl, Arrow's CSV reader) die by a signal:
# 102,000 mutated Parquet files and deeply nested workbook XML all end in exceptions, which reject the file
# alone (test_an_error_the_reader_did_not_expect...). So these tests make the reader die for real, by the
# signal a crashing reader dies of (SIGSEGV), sent at the moment it reads the file: once it has noted that it
# reads it (the build) or has taken in the file's bytes (the child that tries it). What follows the death is
# what the product does, unchanged.

CRASH_ROWS = 1_200_000  # about 60 MB of CSV: its reading takes seconds, far longer than a poll


def _big_sessions_csv(path: Path, rows: int = CRASH_ROWS) -> Path:
    ids = pa.array([f"B{i}" for i in range(rows)])
    table = pa.table({"clinic": pa.array(["Stor klinikk"] * rows), "sector": ["public"] * rows,
                      "therapist_id": ["T1"] * rows, "client_id": ids, "session_id": ids,
                      "session_date": ["2024-03-01"] * rows, "session_number": ["1"] * rows,
                      "status": ["attended"] * rows})
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, path)
    return path


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _until(condition, what: str, process: subprocess.Popen, seconds: float = 180):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        assert process.poll() is None, f"the ingest ended ({process.returncode}) before {what}"
        time.sleep(0.005)
    raise AssertionError(f"waited {seconds} s for {what}")


def _noted(home: Path) -> str | None:
    try:
        return json.loads((home / "archive" / "reading.json").read_text(encoding="utf-8")).get("sha256")
    except (OSError, ValueError):
        return None


def _child_reading(parent: int, size: int) -> int | None:
    """The pid of the screening child of `parent` once it has read `size` bytes (the file's, after its own
    start-up's), else None."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != parent:
                continue
            if b"alliance.screening" not in (entry / "cmdline").read_bytes():
                continue
            io_read = dict(line.split(": ") for line in (entry / "io").read_text().splitlines())
        except (OSError, ValueError, IndexError):
            continue
        if int(io_read["rchar"]) >= size:
            return int(entry.name)
    return None


def _ingest(exports: Path, home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "alliance", "ingest", "--data", str(exports), "--home", str(home),
                             "--no-models"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _crash_build_while_reading(exports: Path, home: Path, sha: str) -> None:
    import signal

    process = _ingest(exports, home)
    # A note left by an earlier death goes first (the new build takes it in): wait for this build's own.
    fresh = [_noted(home) != sha]

    def reads_it() -> bool:
        noted = _noted(home)
        fresh[0] = fresh[0] or noted != sha
        return fresh[0] and noted == sha

    _until(reads_it, "the build read the file", process)
    process.send_signal(signal.SIGSEGV)
    out, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGSEGV, (process.returncode, err)


CRASH_SENTENCE = "sessions_crash.csv made the reader stop unexpectedly; it is rejected, and the other files are loaded."


@pytest.fixture()
def crashing(exports, tmp_path) -> tuple[Path, Path, dict, str, Path]:
    """The sample ingested, then a large CSV added to the exports: (exports, home, what loaded, its hash, it)."""
    home = tmp_path / "home"
    store.ingest(exports, home)
    good = loaded(home)
    big = _big_sessions_csv(exports / "sessions_crash.csv")
    return exports, home, good, _sha256(big), big


def test_a_file_that_crashes_the_reader_is_rejected_alone_and_never_read_again(crashing):
    import signal

    exports, home, good, sha, big = crashing
    # The build dies while it reads the file (a CSV, which no trial read covers): the store is as it was.
    _crash_build_while_reading(exports, home, sha)
    assert loaded(home) == good
    # The next ingest tries that file in a child first, and the child dies on it too.
    process = _ingest(exports, home)
    child = _until(lambda: _child_reading(process.pid, big.stat().st_size), "the child read the file", process)
    os.kill(child, signal.SIGSEGV)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 1 and "Traceback" not in out + err, err
    assert files(home)["sessions_crash.csv"] == ("rejected", CRASH_SENTENCE)
    assert loaded(home) == good
    refused = json.loads((home / "archive" / "screened.json").read_text(encoding="utf-8"))["refused"]
    assert {s: e["cause"] for s, e in refused.items()} == {sha: "crash"}
    # Later builds do not read it again: a build that read these bytes would stop on the damage.
    obj = home / "archive" / "objects" / sha[:2] / sha
    obj.chmod(0o600)
    obj.write_bytes(b"not read again")
    report = store.rebuild(home)
    assert {f.file: (f.status, f.message) for f in report.files}["sessions_crash.csv"] == ("rejected", CRASH_SENTENCE)
    assert loaded(home) == good


def test_a_build_that_died_once_reading_a_good_file_rejects_it_only_when_it_dies_there_again(crashing):
    exports, home, good, sha, big = crashing
    _crash_build_while_reading(exports, home, sha)
    # The file reads well in the child (a power cut, a killed job: not the file's doing), so the build
    # reads it again; it dies there a second time.
    _crash_build_while_reading(exports, home, sha)
    record = json.loads((home / "archive" / "screened.json").read_text(encoding="utf-8"))
    # The first death is counted; the second is in the note the next build takes in.
    assert sha in record["cleared"] and record["died"] == {sha: 1} and record["refused"] == {}
    assert _noted(home) == sha and loaded(home) == good
    # Now the build's own reading of it is what kills the process: it is rejected unread.
    report = store.ingest(exports, home)
    assert {f.file: (f.status, f.message) for f in report.files}["sessions_crash.csv"] == ("rejected", CRASH_SENTENCE)
    assert loaded(home) == good and not (home / "archive" / "reading.json").exists()
    record = json.loads((home / "archive" / "screened.json").read_text(encoding="utf-8"))
    assert record["died"] == {sha: 2} and record["refused"][sha]["cause"] == "crash"


def test_a_build_that_died_reading_a_file_once_loads_it_when_it_reads_well(crashing):
    exports, home, good, sha, big = crashing
    _crash_build_while_reading(exports, home, sha)
    report = store.ingest(exports, home)
    assert loaded(home) == {**good, "sessions_crash.csv": CRASH_ROWS}, report.files
    record = json.loads((home / "archive" / "screened.json").read_text(encoding="utf-8"))
    assert record["died"] == {sha: 1} and sha in record["cleared"] and record["refused"] == {}
    assert not (home / "archive" / "reading.json").exists()


@pytest.mark.parametrize("sig, memory_limited, cause", [
    ("SIGSEGV", True, "crash"), ("SIGBUS", True, "crash"), ("SIGABRT", True, "memory"), ("SIGABRT", False, "crash"),
    ("SIGKILL", True, "memory"), ("SIGXCPU", False, "time"),
])
def test_a_reader_s_death_is_named_by_its_signal(sig, memory_limited, cause):
    import signal

    from alliance.child import death_cause

    done = subprocess.run([sys.executable, "-c", f"import os, signal; os.kill(os.getpid(), signal.{sig})"])
    assert done.returncode == -getattr(signal, sig)
    assert death_cause(done.returncode, memory_limited) == cause
