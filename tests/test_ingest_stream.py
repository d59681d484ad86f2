"""Large files are read batch by batch as they are checked: the same store as a whole read, and a
problem deep in a file still rejects that file in one sentence, keeping what was loaded before."""
from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from alliance import ingest as reader
from alliance import sample
from alliance.ingest import file_format
from alliance.store import current_mapping, ingest, scan_folder
from tests.exports import SESSION_HEADER, session, write_csv
from tests.test_store import dump, one


def _small_batches(monkeypatch) -> None:
    monkeypatch.setattr(reader, "CSV_BLOCK_BYTES", 4096)
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 97)


@pytest.mark.parametrize("layout", ["clinics", "parquet"])
def test_a_file_read_in_batches_gives_the_same_store_as_read_whole(tmp_path, monkeypatch, layout):
    """The clinics' layout: CSV in several encodings and delimiters, Excel and Parquet, with planted problems."""
    folder = tmp_path / "exports"
    sample.generate(folder, seed=11, n_sessions=3000, layout=layout)
    whole = tmp_path / "whole"
    ingest(folder, whole)
    _small_batches(monkeypatch)
    mapping = current_mapping(whole)
    exports = [f for f in scan_folder(folder, mapping) if f.kind and file_format(f.name) in ("text", "parquet")]
    assert exports
    for f in exports:
        assert reader.read_export(f.path.read_bytes(), f.name, f.kind, mapping).streamed, f.name
    batched = tmp_path / "batched"
    ingest(folder, batched)
    assert dump(batched) == dump(whole)
    assert one(whole, "SELECT count(*) FROM rejects")[0][0] > 0, "the sample's planted problems must be checked too"


def _rows(n: int, start: int = 0) -> list[dict]:
    return [session(session_id=f"S{i}", client_id=f"K{i % 40}", number=1 + i // 40,
                    date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(start, start + n)]


def test_row_numbers_and_blank_lines_carry_across_batches(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = _rows(600)
    rows[450]["session_number"] = "many"  # deep in the file: row 452 (the header is row 1)
    path = folder / "sessions_big.csv"
    write_csv(path, SESSION_HEADER, rows)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:300] + [b""] + lines[300:]))  # a blank line keeps its number
    _small_batches(monkeypatch)
    assert reader.read_export(path.read_bytes(), path.name, "sessions").streamed
    report = ingest(folder, tmp_path / "home")
    assert [f.status for f in report.files] == ["loaded"]
    assert one(tmp_path / "home", "SELECT row, \"column\" FROM rejects") == [(453, "session_number")]
    assert one(tmp_path / "home", "SELECT count(*) FROM sessions")[0][0] == 599


def _store_of_one_small_file(tmp_path):
    """An exports folder with one small sessions file, ingested: (folder, home, the store's tables)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "sessions_a.csv", SESSION_HEADER, _rows(50))
    home = tmp_path / "home"
    ingest(folder, home)
    return folder, home, dump(home)


def test_a_broken_row_deep_in_a_large_file_rejects_it_and_keeps_the_earlier_store(tmp_path, monkeypatch):
    folder, home, before = _store_of_one_small_file(tmp_path)

    big = folder / "sessions_b.csv"
    write_csv(big, SESSION_HEADER, _rows(600, start=1000))
    lines = big.read_bytes().split(b"\n")
    lines[500] = lines[500] + b",extra"  # row 501 has one field too many
    big.write_bytes(b"\n".join(lines))
    with pytest.raises(reader.FileRejected) as caught:
        reader.read_export(big.read_bytes(), big.name, "sessions")  # one block: raised while reading
    whole_message = str(caught.value)
    assert whole_message == f"sessions_b.csv row 501 has {len(SESSION_HEADER) + 1} fields, but the header has " \
                            f"{len(SESSION_HEADER)}."

    _small_batches(monkeypatch)
    streamed = reader.read_export(big.read_bytes(), big.name, "sessions")
    assert streamed.streamed  # the problem is past the batches read up front
    report = ingest(folder, home)
    rows = {f.file: f for f in report.files}
    assert rows["sessions_b.csv"].status == "rejected"
    assert rows["sessions_b.csv"].message == whole_message
    assert rows["sessions_a.csv"].status == "loaded"
    after = dump(home)
    for table in ("sessions", "feedback", "attended_sessions", "rejects"):
        assert after[table] == before[table], table


def test_an_empty_parquet_file_with_an_unreadable_column_type_is_rejected(tmp_path):
    table = pa.table({name: pa.array([], pa.string()) for name in SESSION_HEADER})
    table = table.append_column("notes", pa.array([], pa.list_(pa.int64())))
    table = table.set_column(table.schema.get_field_index("session_number"), "session_number",
                             pa.array([], pa.list_(pa.int64())))
    import pyarrow.parquet as pq

    path = tmp_path / "sessions_empty.parquet"
    pq.write_table(table, path)
    with pytest.raises(reader.FileRejected, match="has a column whose Parquet type cannot be read"):
        reader.read_export(path.read_bytes(), path.name, "sessions")


def test_the_ingest_keeps_duckdb_to_its_memory_limit_and_spills_beside_the_build(tmp_path, monkeypatch, caplog):
    from tests.exports import write_big_sessions

    folder = tmp_path / "exports"
    folder.mkdir()
    write_big_sessions(folder / "sessions_big.csv", 200_000)
    monkeypatch.setenv("ALLIANCE_INGEST_MEMORY", "8GB")
    roomy = tmp_path / "roomy"
    ingest(folder, roomy)

    home = tmp_path / "home"
    spilled: list[int] = []

    def progress(_share: float, _text: str) -> None:  # called between the build's steps
        spills = list((home / "builds").glob("*.spill"))
        spilled.append(sum(1 for d in spills for _ in d.iterdir()))

    monkeypatch.setenv("ALLIANCE_INGEST_MEMORY", "64MB")  # far less than 200,000 rows of text
    report = ingest(folder, home, progress=progress)
    assert [f.status for f in report.files] == ["loaded"]
    assert max(spilled) > 0, "with so little memory the build must have spilled to disk"
    assert not list((home / "builds").glob("*.spill")), "the spill folder goes with the build"
    assert dump(home) == dump(roomy)

    monkeypatch.setenv("ALLIANCE_INGEST_MEMORY", "lots")
    from alliance import store

    with caplog.at_level("WARNING"):
        assert store.ingest_memory() == store.INGEST_MEMORY
    assert "ALLIANCE_INGEST_MEMORY='lots' is not a size" in caplog.text


def test_leftovers_of_a_killed_build_go_and_the_current_builds_reader_folder_stays(tmp_path):
    from alliance.store import _current_build_file

    folder, home, _ = _store_of_one_small_file(tmp_path)
    builds = home / "builds"
    current = _current_build_file(home)
    reader_spill = builds / (current.name + ".tmp")  # where DuckDB spills for a reader of this build
    reader_spill.mkdir()
    (reader_spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x")
    stray = builds / "store-20200101-000000-deadbeef.duckdb.spill"  # a killed build's
    stray.mkdir()
    (stray / "duckdb_temp_storage-0.tmp").write_bytes(b"x")
    (builds / "store-20200101-000000-deadbeef.duckdb.tmp").write_bytes(b"x")
    write_csv(folder / "sessions_b.csv", SESSION_HEADER, _rows(20, start=100))
    ingest(folder, home)
    assert not stray.exists()
    assert not (builds / "store-20200101-000000-deadbeef.duckdb.tmp").exists()
    assert reader_spill.exists(), "a reader of the build that was current may still be spilling there"
    write_csv(folder / "sessions_c.csv", SESSION_HEADER, _rows(20, start=200))
    ingest(folder, home)  # that build is now an old one: its file and its readers' folder go
    assert not reader_spill.exists() and not current.exists()


def test_too_little_ingest_memory_is_one_sentence_and_keeps_the_store(tmp_path, monkeypatch):
    from tests.exports import write_big_sessions

    folder, home, before = _store_of_one_small_file(tmp_path)
    write_big_sessions(folder / "sessions_big.csv", 200_000)
    monkeypatch.setenv("ALLIANCE_INGEST_MEMORY", "16MB")
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(folder)}
    done = subprocess.run([sys.executable, "-m", "alliance", "ingest"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    message = (done.stdout + done.stderr).strip().splitlines()
    assert message == ["Building the new store needed more memory than its limit of 16MB (ALLIANCE_INGEST_MEMORY), "
                       "even with what did not fit written to disk; the store is as it was, and the files are "
                       "kept in the archive. Set ALLIANCE_INGEST_MEMORY higher, for example 8GB, and run it "
                       "again."], message
    assert dump(home) == before
    assert sorted(p.suffix for p in (home / "builds").iterdir()) == [".duckdb"]
    monkeypatch.setenv("ALLIANCE_INGEST_MEMORY", "1GB")  # and again with enough: the archived file is built
    report = ingest(folder, home)
    assert {f.file: f.rows_loaded for f in report.files}["sessions_big.csv"] == 200_000
