"""The content-addressed archive, the store build from it, and the atomic swap.

See docs/store.md. Every build reads the whole archive, so an incremental
ingest and a rebuild give the same store by construction.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pyarrow as pa

from . import contract as C
from .child import is_memory_error
from .ingest import EMPTY_MAPPING, FileRejected, Mapping, check_file_size, file_format, parse_mapping, read_export
from .validate import create_work_tables, check_file, install_macros

STORE_NAME = "alliance.duckdb"
MAPPING_NAME = "columns.toml"
BUILD_VERSION = 1  # bump when a build would give a different store from the same archive

Progress = Callable[[float, str], None]

BUILDS_DIR = "builds"

# No extension is ever downloaded or loaded; readers cannot touch other files and
# cannot change that. Every connection to one path in a process must use the same config.
SPILL_SUFFIX = ".spill"  # beside a build: where its ingest spills rows beyond INGEST_MEMORY
BUILD_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
READ_CONFIG = {
    **BUILD_CONFIG,
    "enable_external_access": False,
    "lock_configuration": True,
}


class StoreError(Exception):
    """The store or its home folder cannot be used; one sentence for the user."""


class OutOfMemory(StoreError):
    """DuckDB needed more memory than the ingest's limit, even spilling to disk (one sentence)."""


class IngestBusy(StoreError):
    """Another ingest holds the home folder's lock."""


def home_dir(home: str | os.PathLike | None = None) -> Path:
    return Path(home or os.environ.get("ALLIANCE_HOME") or ".alliance")


def data_dir(data: str | os.PathLike | None = None) -> Path:
    return Path(data or os.environ.get("ALLIANCE_DATA") or "sample_data")


def store_path(home: Path) -> Path:
    return Path(home) / STORE_NAME


# --------------------------------------------------------------------------- archive


@dataclass
class Entry:
    """One line of the archive manifest: a file's bytes as first seen under a name."""

    seq: int
    name: str
    sha256: str
    size: int
    kind: str  # sessions | feedback | mapping
    first_ingested: str  # ISO date
    ingested_at: str


def _archive(home: Path) -> Path:
    return Path(home) / "archive"


def _object_path(home: Path, sha: str) -> Path:
    return _archive(home) / "objects" / sha[:2] / sha


def load_manifest(home: Path) -> list[Entry]:
    path = _archive(home) / "manifest.jsonl"
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(Entry(**json.loads(line)))
        except (ValueError, TypeError):
            raise StoreError(f"The archive manifest {path} is damaged at line {number}.") from None
    return entries


def _append_manifest(home: Path, entries: list[Entry]) -> None:
    path = _archive(home) / "manifest.jsonl"
    with path.open("a", encoding="utf-8") as out:
        for e in entries:
            out.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _hash_file(path: Path) -> tuple[str, int]:
    """A file's SHA-256 and size, read a block at a time."""
    digest, size = hashlib.sha256(), 0
    with Path(path).open("rb") as stream:
        while block := stream.read(1 << 22):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _store_file(home: Path, sha: str, path: Path) -> None:
    """Put a file into the archive under its hash, copied a block at a time and checked against the hash as it goes."""
    target = _object_path(home, sha)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{sha}.{uuid.uuid4().hex}.tmp")
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as source, tmp.open("wb") as out:
            while block := source.read(1 << 22):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha:  # the file changed while it was being archived
            raise StoreError(f"{Path(path).name} changed while it was being archived; run the ingest again.")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def read_object(home: Path, sha: str) -> bytes:
    data = _object_path(home, sha).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise StoreError(f"The archived file {sha[:12]} is damaged (its content no longer matches its hash).")
    return data


@contextmanager
def _lock(home: Path):
    path = Path(home) / "ingest.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusy(f"Another ingest is running in {home}; try again when it has finished.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- the folder scan


@dataclass
class ScannedFile:
    name: str
    path: Path
    kind: str | None  # None: not an export
    reason: str = ""


def current_mapping(home: Path, entries: list[Entry] | None = None) -> Mapping:
    """The newest archived columns.toml, which applies to every archived file."""
    entries = load_manifest(home) if entries is None else entries
    mappings = [e for e in entries if e.kind == "mapping"]
    if not mappings:
        return EMPTY_MAPPING
    return parse_mapping(read_object(home, mappings[-1].sha256))


def scan_folder(folder: Path, mapping: Mapping) -> list[ScannedFile]:
    files = []
    for path in sorted(p for p in Path(folder).iterdir() if p.is_file()):
        name = path.name
        if name == MAPPING_NAME:
            continue
        kind = mapping.kind_of(name)
        if kind is None:
            files.append(ScannedFile(name, path, None, "not an export: the name starts with neither sessions nor feedback"))
        elif file_format(name) is None:
            files.append(ScannedFile(name, path, None, "not an accepted format (.csv, .txt, .parquet or .xlsx)"))
        else:
            files.append(ScannedFile(name, path, kind))
    return files


# --------------------------------------------------------------------------- processing files


FILE_COLUMNS = (
    "file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate",
    "rows_orphan", "rows_replaced", "message", "sha256", "format", "encoding", "delimiter",
    "first_ingested", "file_order", "unmapped",
)


@dataclass
class FileRow:
    file: str
    kind: str
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_orphan: int = 0
    rows_replaced: int = 0
    message: str = ""
    sha256: str = ""
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    first_ingested: str = ""
    file_order: int = -1
    unmapped: str = ""  # the file's headers that map to no contract column, comma-separated


@dataclass
class Source:
    """One file to process: its name, kind, bytes (or how to get them) and its latest allowed date."""

    name: str
    kind: str
    sha256: str
    load: Callable[[], bytes]
    max_date: dt.date
    first_ingested: str = ""
    size: int = -1  # bytes on disk, checked before they are loaded (-1: unknown)


def _order_key(source: Source, seq: int) -> tuple:
    # Sessions before feedback; each kind by file name in code-point order; a newer
    # version of the same name after the older.
    return (C.KINDS.index(source.kind), source.name, seq)


def process_sources(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    mapping: Mapping,
    progress: Progress | None = None,
    temp: bool = False,
    screen: "Callable[[Source], str | None] | None" = None,
    on_failure: "Callable[[Source, str, str], None] | None" = None,
    isolate: bool = True,
    reading: "Callable[[Source | None], None] | None" = None,
) -> list[FileRow]:
    """Read, check and combine the sources into `sessions`, `feedback`, `rejects` and quarantine tables.

    One file never stops the others: a file past a size limit is rejected before it is loaded; a
    file that `screen` refuses (one recorded as unreadable, or that failed its trial read in a
    child process: alliance/screening.py) is rejected without being read here; and a file whose
    reading or checking fails in any other way (the reader runs out of memory, or meets an error it
    did not expect) is rejected alone, with what it had added taken out again; a memory failure is
    reported to `on_failure(source, cause, message)` so that later builds need not read it again.
    Only DuckDB's own memory limit stops the build as a whole: that is the server's setting, not the
    file's doing. With `isolate` False (the upload sandbox's child, whose parent reads its death)
    such failures are raised instead. `reading(source)` is told which file is read in this process
    before it is, and `reading(None)` when every file is done (FileScreen.reading).
    """
    install_macros(con)
    create_work_tables(con, temp=temp)
    ordered = sorted(enumerate(sources), key=lambda pair: _order_key(pair[1], pair[0]))
    rows: list[FileRow] = []
    content_seen: dict[str, str] = {}
    total = max(len(ordered), 1)
    for order, (_, src) in enumerate(ordered):
        if progress:
            progress(order / total, f"Reading {src.name}")
        row = FileRow(src.name, src.kind, "loaded", sha256=src.sha256, first_ingested=src.first_ingested,
                      file_order=order, format=file_format(src.name) or "")
        if src.sha256 in content_seen:
            row.status = "duplicate"
            row.message = f"Same content as {content_seen[src.sha256]}; nothing loaded from this copy."
            rows.append(row)
            continue
        content_seen[src.sha256] = src.name
        marks = _marks(con, src.kind)
        try:
            if src.size >= 0:
                check_file_size(src.size, src.name)
            refused = screen(src) if screen is not None else None
            if refused:
                raise FileRejected(refused)
            if reading is not None:
                reading(src)
            read = read_export(src.load(), src.name, src.kind, mapping)
            row.encoding, row.delimiter = read.encoding, read.delimiter
            # A large file is read as it is checked: a problem deep in it rejects it here.
            counts = check_file(con, read, src.kind, src.name, src.max_date, order)
        except duckdb.OutOfMemoryException:
            # The store's own limit (ALLIANCE_INGEST_MEMORY), not the file's doing: DuckDB writes what does not
            # fit to disk, and a file's size and values are bounded before they reach it. The build stops as a
            # whole and says what to set (build()).
            raise
        except StoreError as exc:  # its archived copy is damaged (read_object): that file alone
            row.status, row.message = "rejected", f"{src.name}: {exc}"
            rows.append(row)
            continue
        except Exception as exc:  # noqa: BLE001 - one file must not stop the store
            if not isinstance(exc, FileRejected):
                if not isolate:
                    raise
                _take_back(con, src.kind, marks, order)
                cause = "memory" if is_memory_error(exc) else "error"
                message = failure_message(src.name, cause, type(exc).__name__)
                logging.getLogger(__name__).warning("%s: reading %s failed with %s", cause, src.sha256[:12],
                                                    type(exc).__name__)  # never the exception's text: it may quote the file
                if on_failure is not None and cause == "memory":
                    on_failure(src, cause, message)
                exc = FileRejected(message)
            row.status = "rejected"
            row.message = str(exc)
            row.encoding = row.delimiter = ""
            rows.append(row)
            continue
        row.rows_read, row.rows_loaded = counts.rows_read, counts.rows_loaded
        row.rows_quarantined, row.rows_duplicate = counts.rows_quarantined, counts.rows_duplicate
        notes = []
        if read.unmapped:
            row.unmapped = ", ".join(read.unmapped)
            notes.append(f"Unmapped columns, ignored: {row.unmapped}.")
        if counts.rows_quarantined:
            notes.append(f"{_rows(counts.rows_quarantined)} quarantined; see the rejects.")
        row.message = " ".join(notes)
        rows.append(row)
    if reading is not None:
        reading(None)
    if progress:
        progress(0.97, "Combining files")
    _combine(con, rows, temp)
    return rows


def _screen(mapping: Mapping, paths: dict, home: Path | None, sources: list[Source], progress: Progress | None):
    """The screen of a build or check (alliance/screening.py), with every new file within the size limit
    already tried in a child process."""
    from .limits import max_file_bytes
    from .screening import FileScreen

    screen = FileScreen(mapping, paths, home)
    if progress:
        progress(0.0, "Trying the new files")
    screen.prepare([s for s in sources if s.size <= max_file_bytes()])
    return screen


# What check_file appends one file's rows to, per kind, written out: how many rows they hold before a
# file (_marks), and the statements that take a file back out (_take_back). No name is formatted in.
_APPENDED = {
    C.SESSIONS: ("SELECT (SELECT count(*) FROM rejects), (SELECT count(*) FROM quarantined_sessions)",
                 "DELETE FROM stage_sessions WHERE file_order = $order",
                 "DELETE FROM quarantined_sessions WHERE rowid >= $quarantined"),
    C.FEEDBACK: ("SELECT (SELECT count(*) FROM rejects), (SELECT count(*) FROM quarantined_feedback)",
                 "DELETE FROM stage_feedback WHERE file_order = $order",
                 "DELETE FROM quarantined_feedback WHERE rowid >= $quarantined"),
}


def _marks(con: duckdb.DuckDBPyConnection, kind: str) -> tuple[int, int]:
    """How many rows rejects and the kind's quarantine hold before a file (see _take_back)."""
    rejects, quarantined = con.execute(_APPENDED[kind][0]).fetchall()[0]
    return rejects, quarantined


def _take_back(con: duckdb.DuckDBPyConnection, kind: str, marks: tuple[int, int], order: int) -> None:
    """Whatever a file that failed half-way had appended: its staged rows (by its file order) and the
    rejects and quarantined rows after the marks (the tables are only appended to, so their row ids
    are dense)."""
    _, delete_staged, delete_quarantined = _APPENDED[kind]
    rejects, quarantined = marks
    con.execute("DROP TABLE IF EXISTS typed; DROP TABLE IF EXISTS checked; DROP TABLE IF EXISTS good")
    con.execute(delete_staged, {"order": order})
    con.execute("DELETE FROM rejects WHERE rowid >= $rejects", {"rejects": rejects})
    con.execute(delete_quarantined, {"quarantined": quarantined})


def failure_message(name: str, cause: str, error: str = "") -> str:
    """One sentence for a file rejected because reading it failed; never advice to raise a limit for it."""
    from . import limits

    rest = "it is rejected, and the other files are loaded"
    if cause == "memory":
        return (f"{name} needed more memory to read than its limit of {limits.size_text(limits.file_memory_bytes())} "
                f"(ALLIANCE_FILE_MEMORY), far more than an export of its size should; {rest}.")
    if cause == "time":
        return (f"{name} took longer to read than its limit of {limits.file_seconds():g} seconds "
                f"(ALLIANCE_FILE_SECONDS) and was stopped; {rest}.")
    if cause == "crash":
        return f"{name} made the reader stop unexpectedly; {rest}."
    return f"{name} could not be read: the reader met something it did not expect ({error}); {rest}."


def _combine(con: duckdb.DuckDBPyConnection, rows: list[FileRow], temp: bool) -> None:
    """Later files replace earlier rows of the same key; feedback without a session is an orphan.

    Ranking every row by file order is the costly part at millions of rows, so it runs
    only for the keys that more than one file gives (none, when each file holds its own
    sessions); every other row is kept as it is.
    """
    t = "TEMP " if temp else ""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE replaced_sessions AS "
        "SELECT clinic, session_id, file_order FROM ("
        "SELECT clinic, session_id, file_order, row_number() OVER (PARTITION BY clinic, session_id "
        "ORDER BY file_order DESC) AS k FROM stage_sessions "
        "SEMI JOIN (SELECT clinic, session_id FROM stage_sessions GROUP BY ALL HAVING count(*) > 1) "
        "USING (clinic, session_id)) WHERE k > 1"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE replaced_feedback AS "
        "SELECT clinic, session_id, rater, file_order FROM ("
        "SELECT clinic, session_id, rater, file_order, row_number() OVER (PARTITION BY clinic, session_id, rater "
        "ORDER BY file_order DESC) AS k FROM stage_feedback "
        "SEMI JOIN (SELECT clinic, session_id, rater FROM stage_feedback GROUP BY ALL HAVING count(*) > 1) "
        "USING (clinic, session_id, rater)) WHERE k > 1"
    )
    con.execute(
        f"CREATE {t}TABLE sessions AS SELECT * EXCLUDE (file_order) FROM stage_sessions "
        "ANTI JOIN replaced_sessions USING (clinic, session_id, file_order)"
    )
    con.execute(
        f"CREATE {t}TABLE feedback AS SELECT f.* EXCLUDE (file_order), s.session_id IS NULL AS is_orphan "
        "FROM (SELECT * FROM stage_feedback ANTI JOIN replaced_feedback USING (clinic, session_id, rater, file_order)) f "
        "LEFT JOIN (SELECT clinic, session_id FROM sessions) s USING (clinic, session_id)"
    )
    replaced = dict(con.execute(
        "SELECT file_order, count(*) FROM (SELECT file_order FROM replaced_sessions "
        "UNION ALL SELECT file_order FROM replaced_feedback) GROUP BY 1"
    ).fetchall())
    orphans = dict(con.execute(
        "SELECT s.file_order, count(*) FROM feedback f JOIN stage_feedback s "
        "ON f.clinic = s.clinic AND f.session_id = s.session_id AND f.rater = s.rater "
        "AND f.source_file = s.source_file AND f.source_row = s.source_row WHERE f.is_orphan GROUP BY 1"
    ).fetchall())
    for row in rows:
        row.rows_replaced = int(replaced.get(row.file_order, 0))
        row.rows_orphan = int(orphans.get(row.file_order, 0))
        if row.rows_replaced:
            row.message = (row.message + f" {_rows(row.rows_replaced)} replaced by a later file.").strip()
        if row.rows_orphan:
            row.message = (row.message + f" {_rows(row.rows_orphan, 'feedback row')} with no loaded session yet "
                           "(orphans).").strip()
    con.execute("DROP TABLE stage_sessions; DROP TABLE stage_feedback; "
                "DROP TABLE replaced_sessions; DROP TABLE replaced_feedback")


def _rows(n: int, noun: str = "row") -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _files_table(rows: list[FileRow]) -> pa.Table:
    records = [asdict(r) for r in rows]
    schema = pa.schema([
        (name, pa.int64() if name.startswith("rows_") or name == "file_order" else pa.string())
        for name in FILE_COLUMNS
    ])
    return pa.Table.from_pylist(records, schema=schema)


# --------------------------------------------------------------------------- ingest and build


@dataclass
class IngestReport:
    files: list[FileRow] = field(default_factory=list)  # the files of the scanned folder
    rejects: list[tuple] = field(default_factory=list)  # (file, row, column, reason) of those files
    changed: bool = False
    store: Path | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        problem = any(f.status == "rejected" or f.rows_quarantined for f in self.files)
        return 1 if problem else 0


def _today() -> dt.date:
    return dt.date.today()


def _build_id(entries: list[Entry], ignored: list[dict]) -> str:
    digest = hashlib.sha256()
    digest.update(f"build {BUILD_VERSION} contract {C.CONTRACT_VERSION}\n".encode())
    from .views import view_files

    for path in view_files():  # a changed view is a different store, so it rebuilds
        digest.update(path.read_bytes())
    for e in entries:
        digest.update(json.dumps(asdict(e), sort_keys=True).encode() + b"\n")
    digest.update(json.dumps(ignored, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _read_ignored(home: Path) -> list[dict]:
    path = _archive(home) / "ignored.json"
    if not path.exists():
        return []
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []


def ingest(
    folder: Path,
    home: Path,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> IngestReport:
    """Archive the folder's new files and rebuild the store if anything changed."""
    started = time.perf_counter()
    folder, home = Path(folder), Path(home)
    if not folder.is_dir():
        raise StoreError(f"The exports folder {folder} does not exist.")
    try:
        home.mkdir(parents=True, exist_ok=True)
        (_archive(home) / "objects").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"The home folder {home} cannot be created ({exc.strerror}).") from None
    today = today or _today()
    with _lock(home):
        entries = load_manifest(home)
        mapping_file = folder / MAPPING_NAME
        mapping_bytes = mapping_file.read_bytes() if mapping_file.is_file() else None
        if mapping_bytes is not None:
            mapping = parse_mapping(mapping_bytes, str(mapping_file))  # raises MappingError: nothing changed
        else:
            mapping = current_mapping(home, entries)
        scanned = scan_folder(folder, mapping)
        known = {(e.name, e.sha256) for e in entries}
        new_entries: list[Entry] = []
        seq = max((e.seq for e in entries), default=0)
        now = dt.datetime.now().isoformat(timespec="seconds")

        def add(name: str, kind: str, path: Path) -> str:
            """Archive a file, read a block at a time: its size is not bounded yet, so it is never held whole."""
            nonlocal seq
            sha, size = _hash_file(path)
            if (name, sha) not in known:
                _store_file(home, sha, path)
                seq += 1
                entry = Entry(seq, name, sha, size, kind, today.isoformat(), now)
                new_entries.append(entry)
                known.add((name, sha))
            return sha

        if mapping_bytes is not None:
            latest = [e for e in entries if e.kind == "mapping"]
            if not latest or hashlib.sha256(mapping_bytes).hexdigest() != latest[-1].sha256:
                known.discard((MAPPING_NAME, hashlib.sha256(mapping_bytes).hexdigest()))
                add(MAPPING_NAME, "mapping", mapping_file)
        folder_files: list[tuple[str, str]] = []  # (name, sha) of this scan's exports
        total = max(len(scanned), 1)
        for i, f in enumerate(scanned):
            if f.kind is None:
                continue
            if progress:
                progress(0.1 * i / total, f"Archiving {f.name}")
            try:
                folder_files.append((f.name, add(f.name, f.kind, f.path)))
            except OSError as exc:
                raise StoreError(f"{f.name} cannot be read from the exports folder ({exc.strerror}).") from None
        if new_entries:
            _append_manifest(home, new_entries)
        ignored = [{"file": f.name, "message": f"Ignored: {f.reason}."} for f in scanned if f.kind is None]
        old_ignored = _read_ignored(home)
        if ignored != old_ignored:
            tmp = _archive(home) / f"ignored.json.{uuid.uuid4().hex}.tmp"
            tmp.write_text(json.dumps(ignored, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, _archive(home) / "ignored.json")
        all_entries = entries + new_entries
        build_id = _build_id(all_entries, ignored)
        changed = current_build_id(home) != build_id
        if changed:
            build_progress = (lambda f, m: progress(0.1 + 0.85 * f, m)) if progress else None
            build(home, build_progress, entries=all_entries, ignored=ignored, build_id=build_id)
        report = _report(home, folder_files, [f.name for f in scanned if f.kind is None])
        report.changed = changed
        report.seconds = time.perf_counter() - started
        if progress:
            progress(1.0, "Done")
        return report


def rebuild(home: Path, progress: Progress | None = None) -> IngestReport:
    """Build the store again from the archive alone."""
    home = Path(home)
    with _lock(home):
        entries = load_manifest(home)
        ignored = _read_ignored(home)
        build(home, progress, entries=entries, ignored=ignored, build_id=_build_id(entries, ignored))
    report = _report(home, None, None)
    report.changed = True
    return report


def build(home: Path, progress: Progress | None, entries: list[Entry], ignored: list[dict], build_id: str) -> Path:
    """Write a new store file from the archive and point the store at it in one atomic step."""
    home = Path(home)
    builds = home / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    _remove_old_builds(home)
    final = builds / f"store-{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.duckdb"
    tmp = final.with_name(final.name + ".tmp")
    mapping = current_mapping(home, entries)
    sources = [
        Source(
            e.name, e.kind, e.sha256,
            (lambda sha=e.sha256: read_object(home, sha)),
            dt.date.fromisoformat(e.first_ingested) + dt.timedelta(days=1),
            e.first_ingested,
            e.size,
        )
        for e in entries if e.kind in C.KINDS
    ]
    exported = {e.name for e in entries if e.kind in C.KINDS}
    spill = final.with_name(final.name + SPILL_SUFFIX)
    screen = _screen(mapping, {s.sha256: _object_path(home, s.sha256) for s in sources}, home, sources, progress)
    con = duckdb.connect(str(tmp), config=_build_config(spill))
    try:
        con.execute("SET enable_progress_bar = false")  # else drawn on the terminal for long statements
        rows = process_sources(con, sources, mapping, progress, screen=screen, on_failure=screen.failed,
                               reading=screen.reading)
        rows += [FileRow(i["file"], "", "ignored", message=i["message"]) for i in ignored if i["file"] not in exported]
        files = _files_table(rows)
        con.register("files_input", files)
        con.execute("CREATE TABLE files AS SELECT * FROM files_input")
        con.unregister("files_input")
        _create_file_clinics(con)
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("build_id", build_id),
            ("built_at", dt.datetime.now().isoformat(timespec="seconds")),
            ("contract_version", str(C.CONTRACT_VERSION)),
        ])
        from .views import create_views

        create_views(con)
        con.execute("CHECKPOINT")
    except BaseException as exc:
        con.close()
        screen.reading(None)  # the build stopped in Python, not by a reader's death
        tmp.unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise OutOfMemory(_out_of_memory(
                "Building the new store", "the store is as it was, and the files are kept in the archive")) from None
        raise
    con.close()
    shutil.rmtree(spill, ignore_errors=True)
    os.replace(tmp, final)
    # The store path is a symbolic link to the current build; replacing a link is atomic.
    link_tmp = home / f".{STORE_NAME}.{uuid.uuid4().hex}.link"
    os.symlink(os.path.join(BUILDS_DIR, final.name), link_tmp)
    os.replace(link_tmp, store_path(home))
    _fsync_dir(home)
    return final


def _remove_old_builds(home: Path) -> None:
    """Builds no longer current, and the leftovers of a killed build.

    A reader that still has an old build open keeps reading it: on POSIX an
    unlinked file lives until its last reader closes it.
    """
    current = _current_build_file(home)
    for path in (Path(home) / BUILDS_DIR).glob("store-*"):
        if current is not None and path.name.startswith(current.name):
            continue  # the current build, and the folder its readers spill to
        if path.is_dir():  # where a build (or a reader of an old build) spilled to disk
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for stray in Path(home).glob(f".{STORE_NAME}.*.link"):
        stray.unlink(missing_ok=True)
    # Model results cached per build (alliance.queries) go with their build.
    for cached in (Path(home) / "cache").glob("store-*"):
        if current is None or cached.name != current.stem:
            shutil.rmtree(cached, ignore_errors=True)


def _current_build_file(home: Path) -> Path | None:
    link = store_path(Path(home))
    try:
        target = link.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return None
    return target


def _create_file_clinics(con: duckdb.DuckDBPyConnection) -> None:
    """Which clinics each file's rows name, so file-level tables can be scoped."""
    con.execute(
        "CREATE TABLE file_clinics AS SELECT DISTINCT file, clinic FROM ("
        "SELECT source_file AS file, clinic FROM sessions UNION ALL "
        "SELECT source_file, clinic FROM feedback UNION ALL "
        "SELECT file, clinic FROM quarantined_sessions UNION ALL "
        "SELECT file, clinic FROM quarantined_feedback) WHERE clinic IS NOT NULL"
    )


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- readers


def open_reader(home: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current store, or None when there is no store yet.

    It opens the build file the store link points to, by its own name: DuckDB
    caches databases by path within a process, so a new build must have a new path.
    """
    path = _current_build_file(home)
    if path is None:
        return None
    try:
        return duckdb.connect(str(path), read_only=True, config={**READ_CONFIG, "memory_limit": reader_memory()})
    except duckdb.Error:
        raise StoreError(f"The store in {home} cannot be opened; run `python -m alliance rebuild` to build it again.") from None


# DuckDB keeps the store's blocks it has read in memory up to its limit, by default 80 % of the
# machine; a dashboard server shares the machine, so its reader keeps to this much and evicts
# (or spills to the build's .tmp folder) beyond it. ALLIANCE_DUCKDB_MEMORY overrides it
# (DuckDB's own syntax: "2GB", "512MB").
READER_MEMORY = "1GB"
# An ingest, rebuild or check holds each file's rows in DuckDB while it checks and combines them,
# and sorts every attended session once; beyond this it spills to disk (a folder beside the new
# build, removed with it), so its memory does not grow with the data. ALLIANCE_INGEST_MEMORY
# overrides it. See docs/ingest.md for the measured trade-off.
INGEST_MEMORY = "3GB"


def _memory_setting(variable: str, default: str) -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", value, re.IGNORECASE):
        return value
    logging.getLogger(__name__).warning("%s=%r is not a size such as 2GB or 512MB; using %s.",
                                        variable, value[:40], default)
    return default


def reader_memory() -> str:
    return _memory_setting("ALLIANCE_DUCKDB_MEMORY", READER_MEMORY)


def ingest_memory() -> str:
    return _memory_setting("ALLIANCE_INGEST_MEMORY", INGEST_MEMORY)


def _out_of_memory(what: str, outcome: str) -> str:
    return (f"{what} needed more memory than its limit of {ingest_memory()} (ALLIANCE_INGEST_MEMORY), even with "
            f"what did not fit written to disk; {outcome}. Set ALLIANCE_INGEST_MEMORY higher, for example 8GB, "
            "and run it again.")


def _build_config(spill: Path) -> dict:
    """The connection settings of a build (or a check): bounded memory, spilling to `spill`."""
    return {**BUILD_CONFIG, "memory_limit": ingest_memory(), "temp_directory": str(spill)}


def store_version(home: Path) -> str | None:
    """Changes whenever a build is swapped in; cheap enough to call on every page run."""
    path = _current_build_file(home)
    return path.name if path is not None else None


def current_build_id(home: Path) -> str | None:
    con = open_reader(home)
    if con is None:
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone()
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def _report(home: Path, folder_files: list[tuple[str, str]] | None, ignored: list[str] | None) -> IngestReport:
    con = open_reader(home)
    report = IngestReport(store=store_path(home))
    if con is None:
        return report
    try:
        cur = con.cursor()
        files_sql = ("SELECT " + ", ".join(FILE_COLUMNS) + " FROM files "
                     "ORDER BY status = 'ignored', file_order, file")
        all_rows = [FileRow(*r) for r in cur.execute(files_sql).fetchall()]
        if folder_files is None:
            chosen = all_rows
        else:
            wanted = set(folder_files)
            names_ignored = set(ignored or [])
            chosen = [r for r in all_rows if (r.file, r.sha256) in wanted or (r.status == "ignored" and r.file in names_ignored)]
        report.files = chosen
        orders = [r.file_order for r in chosen if r.file_order >= 0]
        if orders:
            names = sorted({r.file for r in chosen})
            report.rejects = cur.execute(
                "SELECT file, row, \"column\", reason FROM rejects WHERE file IN (SELECT unnest($names)) "
                "ORDER BY file, row, \"column\"", {"names": names}).fetchall()
    finally:
        con.close()
    return report


def check(paths: Iterable[Path], mapping: Mapping, today: dt.date | None = None) -> IngestReport:
    """Validate files without storing anything: the same report as an ingest."""
    today = today or _today()
    sources, rows_ignored, paths_by_sha = [], [], {}
    for path in paths:
        path = Path(path)
        name = path.name
        kind = mapping.kind_of(name)
        if kind is None or file_format(name) is None:
            why = "not an export: the name starts with neither sessions nor feedback" if kind is None \
                else "not an accepted format (.csv, .txt, .parquet or .xlsx)"
            rows_ignored.append(FileRow(name, "", "ignored", message=f"Ignored: {why}."))
            continue
        try:
            sha, size = _hash_file(path)
        except OSError as exc:
            raise StoreError(f"{path} cannot be read ({exc.strerror}).") from None
        sources.append(Source(name, kind, sha, (lambda p=path: p.read_bytes()), today + dt.timedelta(days=1),
                              size=size))
        paths_by_sha[sha] = path
    report = check_sources(sources, mapping, _screen(mapping, paths_by_sha, None, sources, None))
    report.files += rows_ignored
    return report


def check_sources(sources: list[Source], mapping: Mapping, screen=None, isolate: bool = True) -> IngestReport:
    """Read and check sources in a throw-away in-memory database (`check`, and the upload sandbox, which
    is a limited child process itself and so passes no screen)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="alliance-check-") as spill:
        con = duckdb.connect(config=_build_config(Path(spill)))
        try:
            rows = process_sources(con, sources, mapping, temp=True, screen=screen, isolate=isolate)
            rejects = con.execute(
                "SELECT file, row, \"column\", reason FROM rejects ORDER BY file, row, \"column\"").fetchall()
        except duckdb.OutOfMemoryException:
            raise OutOfMemory(_out_of_memory("Checking the files", "nothing was stored")) from None
        finally:
            con.close()
    return IngestReport(files=rows, rejects=rejects)


def remove_home(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
