"""Uploaded bytes are read in a separate process with memory and time limits, never in the dashboard's own.

An upload goes through three steps (docs/security.md, "Hardening"):

1. `stage_upload` writes the bytes to `<home>/uploads/<sha256>` (mode 0600). The
   name is the content hash: nothing the browser sent is ever part of a path.
2. `check_upload` reads and checks that file in a child process
   (`python -m alliance.sandbox`) that limits its own address space
   (RLIMIT_AS) and CPU time before it touches the bytes; the parent kills it
   after a wall-clock limit. A file that needs more is refused in one sentence,
   and nothing has been saved or changed.
3. `ingest` runs the whole `store.ingest` of the exports folder in a child too,
   with a time limit, and passes its progress back through a pipe. A killed
   ingest leaves the previous store in place (the build is swapped in atomically).

The child speaks one JSON object per line on its standard output; its
messages carry no value from the file (contract: comments never reach a log).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import store
from .child import ROOT, child_env, death_cause, exchange
from .child import is_memory_error as _is_memory_error
from .child import apply_limits as _apply_limits
from .child import kill as _kill
from .child import limited_env as _limited_env
from .child import send as _send
from .ingest import Mapping, MappingError

# The default limits for reading one uploaded file. A 50 MB export (the upload limit) needs
# well under 1 GB; 2 GB leaves room and still stops a Parquet or workbook "bomb" that a
# few kilobytes can declare.
MEMORY_LIMIT_BYTES = 2 * 1024**3
CHECK_SECONDS = 120
# The whole ingest of the exports folder (every archived file, not only the upload) may take
# longer on a large clinic's history; it has a time limit but no memory limit of its own.
INGEST_SECONDS = 30 * 60
UPLOADS_DIR = "uploads"


@dataclass(frozen=True)
class Limits:
    """What one child process may use: bytes of address space (None: no limit) and seconds of wall time."""

    memory_bytes: int | None = MEMORY_LIMIT_BYTES
    seconds: float = CHECK_SECONDS

    @property
    def cpu_seconds(self) -> int:
        # A backstop for a child whose parent died: CPU time over all its threads (2 cores here).
        return int(self.seconds * 2) + 10


CHECK_LIMITS = Limits()
INGEST_LIMITS = Limits(memory_bytes=None, seconds=INGEST_SECONDS)


class LimitExceeded(Exception):
    """The child needed more than its limits, or died; `what` is 'time', 'memory' or 'crash'."""

    def __init__(self, what: str, limits: Limits):
        super().__init__(what)
        self.what, self.limits = what, limits


class SandboxStopped(store.StoreError):
    """An ingest child that was stopped; the message is one sentence for the user."""


def describe_limit(memory_bytes: int | None) -> str:
    """2 GB, 200 MB: the memory limit as a person reads it."""
    if memory_bytes is None:
        return ""
    if memory_bytes >= 1024**3 and memory_bytes % 1024**3 == 0:
        return f"{memory_bytes // 1024**3} GB"
    return f"{round(memory_bytes / 1024**2)} MB"


def describe_seconds(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{seconds:g} second" + ("" if seconds == 1 else "s")


# --------------------------------------------------------------------------- staging


def uploads_dir(home: Path) -> Path:
    return Path(home) / UPLOADS_DIR


def stage_upload(home: Path, data: bytes) -> Path:
    """Write the uploaded bytes to `<home>/uploads/<sha256>` (0600) and return that path.

    The content hash is the only name: the browser's file name is data, shown in the
    report, and never part of a path. The same bytes twice give the same file.
    """
    folder = uploads_dir(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    sha = hashlib.sha256(data).hexdigest()
    target = folder / sha
    if target.is_file() and target.stat().st_size == len(data):
        return target
    tmp = folder / f".{sha}.{uuid.uuid4().hex}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def discard_upload(path: Path) -> None:
    """The staged copy is not kept once the file was saved (the archive keeps it by hash) or refused."""
    Path(path).unlink(missing_ok=True)


@contextlib.contextmanager
def staged(home: Path, data: bytes):
    """The bytes staged as `<home>/uploads/<sha256>` for as long as the block runs; removed after the last user.

    Two sessions uploading the same bytes at once share one staged file: each holds a shared
    lock on `<sha256>.lock` while it reads, and the one that finds nobody else holding it
    removes the file and its lock file. A session that locked a lock file just removed
    (its name now leads elsewhere, or nowhere) takes the current one instead.
    """
    folder = uploads_dir(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    sha = hashlib.sha256(data).hexdigest()
    lock = folder / f"{sha}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield stage_upload(home, data)
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            discard_upload(folder / sha)
            lock.unlink(missing_ok=True)
        except BlockingIOError:
            pass  # another session still reads it and removes it when done
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- the parent's side


@dataclass
class CheckResult:
    """What the child found in one uploaded file (the same reading as an ingest)."""

    status: str  # loaded | rejected (the contract's words for a file)
    message: str = ""
    rows_read: int = 0
    rows_quarantined: int = 0
    n_rejects: int = 0


def check_upload(path: Path, name: str, kind: str, mapping: Mapping, limits: Limits = CHECK_LIMITS) -> CheckResult:
    """Read and check the staged file in a child process; raise LimitExceeded when it needs more than `limits`.

    `name` is the file's safe name (it decides the format by its extension); `path`
    must be a staged upload (a content hash in the uploads folder).
    """
    path = Path(path)
    if path.parent.name != UPLOADS_DIR or len(path.name) != 64:
        raise ValueError("only a staged upload (uploads/<sha256>) is read in the sandbox")
    request = {"task": "check", "path": str(path), "name": name, "kind": kind,
               "mapping": {"columns": list(mapping.columns), "files": list(mapping.files)}}
    result = _run_child(request, limits, env=_limited_env())
    return CheckResult(**result)


def ingest(folder: Path, home: Path, progress: store.Progress | None = None,
           limits: Limits = INGEST_LIMITS) -> store.IngestReport:
    """`store.ingest` of the exports folder in a child process; the same report, exceptions and progress."""
    request = {"task": "ingest", "folder": str(folder), "home": str(home)}
    try:
        result = _run_child(request, limits, progress=progress, env=_limited_env() if limits.memory_bytes else None)
    except LimitExceeded as exc:
        if exc.what == "time":
            raise SandboxStopped(f"The load took more than {describe_seconds(limits.seconds)} and was stopped; "
                                 "the store still holds the data loaded before.") from None
        if exc.what == "memory":
            raise SandboxStopped(f"The load needed more than {describe_limit(limits.memory_bytes)} of memory and was "
                                 "stopped; the store still holds the data loaded before.") from None
        raise SandboxStopped("The load stopped unexpectedly; the store still holds the data loaded before.") from None
    report = store.IngestReport(
        files=[store.FileRow(**row) for row in result["files"]],
        rejects=[tuple(r) for r in result["rejects"]],
        changed=result["changed"],
        store=Path(result["store"]) if result["store"] else None,
        seconds=result["seconds"],
    )
    return report


def _run_child(request: dict, limits: Limits, progress: store.Progress | None = None,
               env: dict | None = None) -> dict:
    request = {**request, "memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds}
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance.sandbox"], cwd=str(ROOT), env=child_env(env),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, close_fds=True,
    )
    deadline = time.monotonic() + limits.seconds
    result: dict | None = None

    def on_message(message: dict) -> None:
        nonlocal result
        if "progress" in message and progress is not None:
            progress(float(message["progress"]), str(message.get("message", "")))
        elif "result" in message or "error" in message:
            result = message

    try:
        if not exchange(process, request, on_message, deadline):
            raise LimitExceeded("time", limits)
        code = process.wait(timeout=max(deadline - time.monotonic(), 1))
    except (LimitExceeded, subprocess.TimeoutExpired):
        _kill(process)
        raise LimitExceeded("time", limits) from None
    except BaseException:
        _kill(process)
        raise
    if result is None:
        raise LimitExceeded(death_cause(code, bool(limits.memory_bytes)), limits)
    if "error" in result:
        _raise_error(result, limits)
    return result["result"]


def _raise_error(result: dict, limits: Limits) -> None:
    kind, message = result["error"], result.get("message", "")
    if kind == "memory":
        raise LimitExceeded("memory", limits)
    if kind == "busy":
        raise store.IngestBusy(message)
    if kind == "store":
        raise store.StoreError(message)
    if kind == "mapping":
        raise MappingError(message)
    raise LimitExceeded("crash", limits)


# --------------------------------------------------------------------------- the child's side


def _child_check(request: dict) -> dict:
    path = Path(request["path"])
    data = path.read_bytes()
    mapping = Mapping(tuple(tuple(p) for p in request["mapping"]["columns"]),
                      tuple(tuple(p) for p in request["mapping"]["files"]))
    today = dt.date.today()
    source = store.Source(request["name"], request["kind"], hashlib.sha256(data).hexdigest(), lambda: data,
                          today + dt.timedelta(days=1))
    # Not isolated: a file that needs more memory than this child has must end it, so that the
    # upload is refused with the limit's sentence (the parent reads the child's death).
    report = store.check_sources([source], mapping, isolate=False)
    [row] = report.files
    return {"status": row.status, "message": row.message, "rows_read": row.rows_read,
            "rows_quarantined": row.rows_quarantined, "n_rejects": len(report.rejects)}


def _child_ingest(request: dict) -> dict:
    def progress(fraction: float, message: str) -> None:
        _send({"progress": fraction, "message": message})

    report = store.ingest(Path(request["folder"]), Path(request["home"]), progress=progress)
    return {"files": [dataclasses.asdict(f) for f in report.files], "rejects": [list(r) for r in report.rejects],
            "changed": report.changed, "store": str(report.store) if report.store else None,
            "seconds": report.seconds}


def main() -> int:
    request = json.loads(sys.stdin.readline())
    # The libraries are imported (above and here) before the limits: their own start-up is not the file's doing.
    import duckdb  # noqa: F401
    import openpyxl  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    _apply_limits(request.get("memory_bytes"), int(request["cpu_seconds"]))
    tasks: dict[str, Callable[[dict], dict]] = {"check": _child_check, "ingest": _child_ingest}
    try:
        result = tasks[request["task"]](request)
    except store.IngestBusy as exc:
        _send({"error": "busy", "message": str(exc)})
    except store.OutOfMemory as exc:
        if request.get("memory_bytes"):  # DuckDB could not have the memory it asked for: this child's limit
            _send({"error": "memory"})
            return 1
        _send({"error": "store", "message": str(exc)})  # DuckDB's own limit (ALLIANCE_INGEST_MEMORY)
    except MappingError as exc:
        _send({"error": "mapping", "message": str(exc)})
    except store.StoreError as exc:
        _send({"error": "store", "message": str(exc)})
    except BaseException as exc:  # noqa: BLE001 - the parent gets the kind of failure, never a value from the file
        if _is_memory_error(exc):
            _send({"error": "memory"})
        else:
            sys.stderr.write(f"alliance.sandbox: {request['task']} failed with {type(exc).__name__}\n")
            _send({"error": "crash", "type": type(exc).__name__})
        return 1
    else:
        _send({"result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
