"""The archive and the store: content addressing, later-file-wins, orphans, atomic swap, rebuild."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import duckdb
import pytest

from alliance import queries
from alliance.ingest import MappingError
from alliance.store import StoreError, ingest, load_manifest, open_reader, rebuild, store_path, store_version
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

TABLES = ("sessions", "feedback", "rejects", "files", "quarantined_sessions", "quarantined_feedback",
          "attended_sessions")


def dump(home) -> dict:
    """Every table of the store, sorted, so two stores can be compared."""
    con = open_reader(home)
    try:
        out = {}
        for table in TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            out[table] = sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr), cols
        return out
    finally:
        con.close()


def one(home, sql, params=None):
    con = open_reader(home)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    return d


def test_ingest_loads_and_reports(folder, tmp_path):
    write_csv(folder / "sessions_2024.csv", SESSION_HEADER, [
        session(session_id="S1", number=1), session(session_id="S2", number=2, date="2024-03-08")])
    write_csv(folder / "feedback_2024.csv", FEEDBACK_HEADER, [
        feedback(session_id="S1", srs=(9, 9, 8.5, 9)), feedback(session_id="S2", srs=(7, 7, 7, 7))])
    (folder / "notes.docx").write_bytes(b"not an export")
    report = ingest(folder, tmp_path / "home")
    assert report.exit_code == 0
    statuses = {f.file: f.status for f in report.files}
    assert statuses == {"sessions_2024.csv": "loaded", "feedback_2024.csv": "loaded", "notes.docx": "ignored"}
    assert one(tmp_path / "home", "SELECT session_id, srs_total FROM attended_sessions ORDER BY 1") == [
        ("S1", pytest.approx(35.5)), ("S2", 28)]
    # The site defaults to the clinic's name, the status to attended.
    assert one(tmp_path / "home", "SELECT DISTINCT site, status FROM sessions") == [("Havbris DPS", "attended")]


def test_same_bytes_twice_change_nothing(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_a.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    version, before = store_version(home), dump(home)
    report = ingest(folder, home)
    assert not report.changed
    assert store_version(home) == version, "the store file must not even be rewritten"
    shutil.copy(folder / "sessions_a.csv", folder / "sessions_b.csv")
    report = ingest(folder, home)
    statuses = {f.file: (f.status, f.rows_loaded) for f in report.files}
    assert statuses == {"sessions_a.csv": ("loaded", 1), "sessions_b.csv": ("duplicate", 0)}
    after = dump(home)
    assert after["sessions"] == before["sessions"]


def test_duplicate_file_is_the_later_name_in_file_name_order(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_z.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    shutil.copy(folder / "sessions_z.csv", folder / "sessions_a.csv")
    report = ingest(folder, home)
    assert {f.file: f.status for f in report.files} == {"sessions_a.csv": "loaded", "sessions_z.csv": "duplicate"}


def test_later_file_replaces_rows_and_deleted_files_stay(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session(session_id="S1", client_id="K1"),
                                                          session(session_id="S2", client_id="K2")])
    ingest(folder, home)
    (folder / "sessions_1.csv").unlink()
    write_csv(folder / "sessions_2.csv", SESSION_HEADER, [session(session_id="S1", client_id="K9")])
    report = ingest(folder, home)
    assert [(f.file, f.rows_loaded) for f in report.files] == [("sessions_2.csv", 1)]
    assert one(home, "SELECT session_id, client_id, source_file FROM sessions ORDER BY 1") == [
        ("S1", "K9", "sessions_2.csv"), ("S2", "K2", "sessions_1.csv")]
    files = {r[0]: (r[1], r[2]) for r in one(home, "SELECT file, status, rows_replaced FROM files")}
    assert files == {"sessions_1.csv": ("loaded", 1), "sessions_2.csv": ("loaded", 0)}


def test_orphan_feedback_joins_when_its_session_arrives(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "feedback_1.csv", FEEDBACK_HEADER, [feedback(session_id="S7")])
    report = ingest(folder, home)
    assert report.files[0].rows_orphan == 1
    assert one(home, "SELECT count(*) FROM attended_sessions") == [(0,)]
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session(session_id="S7")])
    report = ingest(folder, home)
    assert {f.file: f.rows_orphan for f in report.files} == {"sessions_1.csv": 0, "feedback_1.csv": 0}
    assert one(home, "SELECT session_id, srs_total FROM attended_sessions") == [("S7", 36)]


def test_incremental_equals_rebuild(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session(session_id="S1"), session(session_id="S2", ors=(11, 1, 1, 1))])
    ingest(folder, home)
    write_csv(folder / "feedback_1.csv", FEEDBACK_HEADER, [feedback(session_id="S1"), feedback(session_id="S3")])
    ingest(folder, home)
    incremental = dump(home)
    rebuild(home)
    assert dump(home) == incremental


def test_bad_columns_toml_changes_nothing(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    version, manifest = store_version(home), load_manifest(home)
    write_csv(folder / "sessions_2.csv", SESSION_HEADER, [session(session_id="S2")])
    (folder / "columns.toml").write_text('[columns]\n"Dato" = "sesion_date"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="columns.toml maps 'Dato' to 'sesion_date', which is not a contract column"):
        ingest(folder, home)
    (folder / "columns.toml").write_text("[columns\n", encoding="utf-8")
    with pytest.raises(MappingError, match="cannot be read as TOML"):
        ingest(folder, home)
    assert store_version(home) == version
    assert load_manifest(home) == manifest


def test_newest_columns_toml_applies_to_every_archived_file(folder, tmp_path):
    home = tmp_path / "home"
    header = ["Klinikk", *SESSION_HEADER[1:]]
    rows = [{**session(), "Klinikk": "Havbris DPS"}]
    write_csv(folder / "timer_1.csv", header, rows)
    (folder / "columns.toml").write_text('[files]\n"timer_*.csv" = "sessions"\n', encoding="utf-8")
    report = ingest(folder, home)
    assert report.files[0].status == "rejected"
    assert report.files[0].message == "timer_1.csv is missing the required column clinic."
    (folder / "columns.toml").write_text(
        '[columns]\n"klinikk" = "clinic"\n[files]\n"timer_*.csv" = "sessions"\n', encoding="utf-8")
    report = ingest(folder, home)
    assert (report.files[0].status, report.files[0].rows_loaded) == ("loaded", 1)


def test_reader_keeps_the_old_store_while_a_new_one_is_swapped_in(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    reader = open_reader(home)
    write_csv(folder / "sessions_2.csv", SESSION_HEADER, [session(session_id="S2")])
    ingest(folder, home)
    # The open reader still answers, from the store it opened; a new reader sees the new one.
    assert reader.execute("SELECT count(*) FROM sessions").fetchone() == (1,)
    reader.close()
    assert one(home, "SELECT count(*) FROM sessions") == [(2,)]
    assert not list((home / "builds").glob("*.tmp"))


def test_session_date_bound_is_the_day_after_first_ingest(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [
        session(session_id="S1", date="2025-06-02"), session(session_id="S2", date="2025-06-03")])
    report = ingest(folder, home, today=dt.date(2025, 6, 1))
    assert report.files[0].rows_loaded == 1
    assert report.rejects == [("sessions_1.csv", 3, "session_date", "session_date 2025-06-03 is after 2025-06-02")]
    # A rebuild later gives the same answer: the bound is the date the file was first ingested.
    rebuild(home)
    assert one(home, "SELECT session_id FROM sessions") == [("S1",)]


def test_second_ingest_while_one_runs_is_refused(folder, tmp_path):
    import fcntl

    home = tmp_path / "home"
    home.mkdir()
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session()])
    with open(home / "ingest.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="Another ingest is running"):
            ingest(folder, home)


def test_scope_limits_every_table(folder, tmp_path):
    from alliance.scope import Scope

    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [
        session(clinic="A", session_id="S1", therapist_id="T1"),
        session(clinic="B", session_id="S1", therapist_id="T1", sector="private")])
    write_csv(folder / "feedback_1.csv", FEEDBACK_HEADER, [feedback(clinic="A"), feedback(clinic="B", srs=(5, 5, 5, 5))])
    write_csv(folder / "sessions_b_only.csv", SESSION_HEADER, [session(clinic="B", session_id="S2", number=0)])
    ingest(folder, home)
    con = open_reader(home)
    try:
        everything = queries.run(con, "alliance_trend")
        only_a = queries.run(con, "alliance_trend", scope=Scope(clinics=("A",)))
        files_a = queries.run(con, "files", scope=Scope(clinics=("A",)))
        rejects_a = queries.run(con, "rejects", scope=Scope(clinics=("A",)))
        nobody = queries.run(con, "alliance_trend", scope=Scope(clinics=("A",), therapists=(("A", "T9"),)))
    finally:
        con.close()
    assert sorted(everything["group"]) == ["private", "public"]
    assert list(only_a["group"]) == ["public"] and list(only_a["mean_srs"]) == [36]
    # A file naming clinic B is out of clinic A's scope, and so are its rejects.
    assert "sessions_b_only.csv" not in set(files_a["file"])
    assert rejects_a.empty
    assert nobody.empty


def test_killed_build_leaves_the_previous_store(folder, tmp_path):
    """Kill an ingest in the middle of its build: the previous store still answers."""
    import signal
    import subprocess
    import sys
    import time

    from tests.exports import write_big_sessions

    home = tmp_path / "home"
    write_csv(folder / "sessions_0.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    before = dump(home)
    write_big_sessions(folder / "sessions_big.csv", 400_000)
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(folder)}
    proc = subprocess.Popen([sys.executable, "-m", "alliance", "ingest"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list((home / "builds").glob("*.tmp")):
        time.sleep(0.02)
    assert list((home / "builds").glob("*.tmp")), "the build never started"
    time.sleep(0.3)
    # While the build runs, a reader still gets the old store.
    assert one(home, "SELECT count(*) FROM sessions") == [(1,)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert dump(home) == before
    # The next ingest finishes the job and clears the stray file.
    report = ingest(folder, home)
    assert {f.file: f.rows_loaded for f in report.files}["sessions_big.csv"] == 400_000
    assert not list((home / "builds").glob("*.tmp"))
    assert one(home, "SELECT count(*) FROM sessions") == [(400_001,)]


def test_store_is_duckdb_file_under_home(folder, tmp_path):
    home = tmp_path / "home"
    write_csv(folder / "sessions_1.csv", SESSION_HEADER, [session()])
    ingest(folder, home)
    assert store_path(home).exists()
    con = duckdb.connect(str(store_path(home)), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'contract_version'").fetchone() == ("1",)
    con.close()


def test_reader_keeps_duckdb_to_its_memory_limit(folder, tmp_path, monkeypatch, caplog):
    home = tmp_path / "home"
    ingest(folder, home)

    def limit() -> str:
        con = open_reader(home)
        try:
            return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        finally:
            con.close()

    monkeypatch.delenv("ALLIANCE_DUCKDB_MEMORY", raising=False)
    assert limit() == "953.6 MiB"  # 1GB, not DuckDB's 80 % of the machine
    monkeypatch.setenv("ALLIANCE_DUCKDB_MEMORY", "512MB")
    assert limit() == "488.2 MiB"
    monkeypatch.setenv("ALLIANCE_DUCKDB_MEMORY", "plenty")
    with caplog.at_level("WARNING"):
        assert limit() == "953.6 MiB"
    assert "ALLIANCE_DUCKDB_MEMORY='plenty' is not a size" in caplog.text
