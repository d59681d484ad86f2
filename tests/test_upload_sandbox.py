"""Uploads are staged by content hash and read in a child process with memory and time limits.

A file that asks too much is refused in one sentence and nothing accepted before is
lost: the exports folder and the store are exactly as they were. No name from the
browser ever becomes a path outside the exports folder.
"""
from __future__ import annotations

import hashlib
import re
import stat
import time

import pytest

from alliance import sandbox, store
from alliance.ingest import EMPTY_MAPPING, parse_mapping
from alliance.ui import upload

from .hostile import parquet_bomb, slow_workbook, small_sessions
from .test_page_data_upload import FakeUpload, exports_and_home, open_page, store_rows, upload_files  # noqa: F401
from .test_pages import shown

GB = 1024**3


def folder_state(folder) -> dict[str, str]:
    """Every file of the folder with its content hash."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def store_state(home) -> tuple:
    return (store.store_version(home), store_rows(home, "SELECT count(*) FROM sessions"),
            store_rows(home, "SELECT count(*) FROM feedback"), store_rows(home, "SELECT count(*) FROM files"))


def test_an_upload_is_staged_under_its_content_hash_and_read_in_a_child(tmp_path):
    data = small_sessions()
    staged = sandbox.stage_upload(tmp_path / "home", data)
    assert staged == tmp_path / "home" / "uploads" / hashlib.sha256(data).hexdigest()
    assert staged.read_bytes() == data
    assert stat.S_IMODE(staged.stat().st_mode) == 0o600, "only the dashboard's user may read it"
    assert stat.S_IMODE(staged.parent.stat().st_mode) == 0o700
    assert sandbox.stage_upload(tmp_path / "home", data) == staged, "the same bytes are the same file"
    assert [p.name for p in staged.parent.iterdir()] == [staged.name], "no temporary file is left"

    result = sandbox.check_upload(staged, "sessions_x.csv", "sessions", EMPTY_MAPPING)
    assert (result.status, result.rows_read, result.rows_quarantined) == ("loaded", 1, 0)
    # Only a staged upload is read in the sandbox, never a path that came from elsewhere.
    other = tmp_path / "sessions_x.csv"
    other.write_bytes(data)
    with pytest.raises(ValueError):
        sandbox.check_upload(other, "sessions_x.csv", "sessions", EMPTY_MAPPING)


def test_the_upload_reads_only_the_staged_copy_and_removes_it(monkeypatch, tmp_path):
    seen = []
    real_check = sandbox.check_upload

    def spy(path, name, kind, mapping, limits=sandbox.CHECK_LIMITS):
        seen.append((path, path.exists(), name))
        return real_check(path, name, kind, mapping, limits)

    monkeypatch.setattr(sandbox, "check_upload", spy)
    folder, home = tmp_path / "exports", tmp_path / "home"
    folder.mkdir()
    data = small_sessions()
    [export] = upload.prepare([FakeUpload("../Sessions høst.csv", data)], folder, EMPTY_MAPPING, 50, home=home)
    [(path, existed, name)] = seen
    assert path == home / "uploads" / hashlib.sha256(data).hexdigest() and existed
    assert name == "Sessions_host.csv" == export.name
    assert (folder / "Sessions_host.csv").read_bytes() == data
    assert not path.exists(), "the staged copy is removed once the file is saved"


def test_a_file_that_needs_too_much_memory_is_refused_and_nothing_is_lost(monkeypatch, exports_and_home):
    """A Parquet 'bomb': half a megabyte that expands to 10 million rows. The limit is lowered to 1 GB for speed."""
    exports, home = exports_and_home
    monkeypatch.setattr(sandbox, "CHECK_LIMITS", sandbox.Limits(memory_bytes=1 * GB, seconds=60))
    bomb = parquet_bomb()
    assert len(bomb) < 2_000_000
    before, stored = folder_state(exports), store_state(home)

    at = open_page(monkeypatch, home, exports)
    upload_files(at, [("sessions_bomb.parquet", bomb), ("sessions_newclient.csv", small_sessions("S-NEW"))])
    [warning] = at.warning
    assert shown(warning.value) == ("`sessions_bomb.parquet` was not added: reading it needed more than 1 GB of "
                                    "memory, so it was stopped.")
    assert not at.exception and not at.error
    # The good file of the same upload still loads; the bomb left no trace.
    assert "`sessions_newclient.csv`: loaded (session export). 1 row read: 1 loaded" in shown(
        "\n".join(m.value for m in at.markdown))
    after = folder_state(exports)
    assert {k: v for k, v in after.items() if k != "sessions_newclient.csv"} == before
    assert not any("bomb" in name for name in after)
    assert store_rows(home, "SELECT count(*) FROM files WHERE file LIKE '%bomb%'") == [(0,)]
    assert store_rows(home, "SELECT count(*) FROM sessions")[0][0] == stored[1][0][0] + 1
    assert not list((home / "uploads").iterdir()), "the refused bytes are not kept"


def test_a_file_that_takes_too_long_is_stopped_and_refused(exports_and_home):
    """A workbook that takes many seconds to read, with the time limit lowered to 2 seconds."""
    exports, home = exports_and_home
    before, stored = folder_state(exports), store_state(home)
    started = time.monotonic()
    [export] = upload.prepare([FakeUpload("sessions_slow.xlsx", slow_workbook())], exports, EMPTY_MAPPING, 50,
                              home=home, limits=sandbox.Limits(seconds=2))
    assert time.monotonic() - started < 15, "the child was stopped at its limit, not left to finish"
    assert export.refused == ("`sessions_slow.xlsx` was not added: reading it took more than 2 seconds, "
                              "so it was stopped.")
    assert export.name == ""
    assert folder_state(exports) == before and store_state(home) == stored


def test_the_limits_are_sentences_a_person_reads():
    assert sandbox.describe_limit(2 * GB) == "2 GB" and sandbox.describe_limit(200 * 1024**2) == "200 MB"
    assert sandbox.describe_seconds(120) == "2 minutes" and sandbox.describe_seconds(1) == "1 second"
    assert sandbox.CHECK_LIMITS == sandbox.Limits(memory_bytes=2 * GB, seconds=120)


# --------------------------------------------------------------------------- names from the browser are data

HOSTILE_NAMES = [
    "../../etc/passwd",
    "../../sessions_up.csv",
    "/etc/sessions_absolute.csv",
    "C:\\Windows\\System32\\sessions_windows.csv",
    "sessions_nul\x00.csv",
    "sessions_" + "x" * 1000 + ".csv",
    "sessions_\u202egnp.csv",  # a right-to-left override
    "CON",
    "CON.csv",
    ".sessions_hidden.csv",
    "..sessions_dots.csv",
    "sessions_<img src=x onerror=alert(1)>.csv",
    "sessions_'; DROP TABLE sessions; --.csv",
    "sessions_\n\n**bold**.csv",
]


def test_no_file_name_from_the_browser_creates_a_path_outside_the_exports_folder(monkeypatch, tmp_path):
    # Names, not contents, are on trial here: the child's reading (tested above) is skipped for speed,
    # but it is still handed the staged copy, which must be a content hash in the uploads folder.
    handed = []
    monkeypatch.setattr(sandbox, "check_upload", lambda path, *args, **kw: handed.append(path))
    folder, home = tmp_path / "exports", tmp_path / "home"
    folder.mkdir()
    mapping = parse_mapping(b'[files]\n"*.csv" = "sessions"\n')  # even CON.csv names an export here
    uploads = [FakeUpload(name, small_sessions(f"S{i}")) for i, name in enumerate(HOSTILE_NAMES)]
    exports = upload.prepare(uploads, folder, mapping, 50, home=home)
    saved = [e.name for e in exports if e.name]
    assert len(saved) == len(HOSTILE_NAMES) - 2, [e.refused for e in exports]  # "passwd" and "CON": no extension
    for name in saved:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) and len(name) <= upload.MAX_NAME_LENGTH, name
        assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert "file_CON.csv" in saved
    # Every file that exists is a direct child of the exports folder, or the (empty) uploads folder.
    created = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert created == sorted(["exports", *(f"exports/{n}" for n in saved), "home", "home/uploads"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(saved)
    assert len(handed) == len(saved) and all(p.parent == home / "uploads" and len(p.name) == 64 for p in handed)


@pytest.mark.parametrize("original, safe", [
    ("CON.csv", "file_CON.csv"),
    ("lpt1.xlsx", "file_lpt1.xlsx"),
    ("sessions\x00.csv", "sessions_.csv"),
    ("sessions_\u202egnp.csv", "sessions__gnp.csv"),
    ("...", ""),
])
def test_safe_names_for_hostile_originals(original, safe):
    assert upload.safe_name(original) == safe


def test_saving_refuses_anything_but_a_plain_name(tmp_path):
    for name in ("../sessions.csv", "/tmp/sessions.csv", ".sessions.csv", "", "..", "a/b.csv"):
        with pytest.raises(ValueError):
            upload.save_export(tmp_path, name, b"x")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- the ingest in a child


def test_the_ingest_in_a_child_gives_the_same_report_with_progress(tmp_path, sample_data):
    progress = []
    child = sandbox.ingest(sample_data, tmp_path / "a", progress=lambda f, m: progress.append((f, m)))
    direct = store.ingest(sample_data, tmp_path / "b")
    assert [(f.file, f.status, f.rows_loaded, f.message) for f in child.files] == \
           [(f.file, f.status, f.rows_loaded, f.message) for f in direct.files]
    assert child.rejects == direct.rejects and child.changed and child.store == tmp_path / "a" / "alliance.duckdb"
    assert progress[-1] == (1.0, "Done") and any(m.startswith("Reading ") for _, m in progress)


def test_an_ingest_child_that_runs_out_of_time_changes_nothing(exports_and_home):
    exports, home = exports_and_home
    (exports / "sessions_late.csv").write_bytes(small_sessions("S-LATE"))
    stored = store_state(home)
    with pytest.raises(store.StoreError, match=r"^The load took more than 0\.5 seconds and was stopped; the store "
                                               r"still holds the data loaded before\.$"):
        sandbox.ingest(exports, home, limits=sandbox.Limits(memory_bytes=None, seconds=0.5))
    assert store_state(home) == stored
    # The next ingest, with time enough, loads the file.
    report = sandbox.ingest(exports, home)
    assert [f.rows_loaded for f in report.files if f.file == "sessions_late.csv"] == [1]


def test_a_busy_store_is_reported_from_the_child(exports_and_home):
    exports, home = exports_and_home
    with store._lock(home):
        with pytest.raises(store.IngestBusy, match="Another ingest is running"):
            sandbox.ingest(exports, home)


def test_the_same_bytes_uploaded_twice_at_once_stay_staged_until_both_are_done(tmp_path):
    """Two sessions with the same file share one staged copy; the first to finish must not remove it under the other."""
    home, data = tmp_path / "home", small_sessions()
    with sandbox.staged(home, data) as first:
        with sandbox.staged(home, data) as second:
            assert first == second and first.read_bytes() == data
        assert first.exists(), "the other session still reads it"
        result = sandbox.check_upload(first, "sessions_x.csv", "sessions", EMPTY_MAPPING)
        assert result.status == "loaded"
    assert not list((home / "uploads").iterdir()), "the last one out removes the copy and its lock"
