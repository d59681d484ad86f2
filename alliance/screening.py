"""Files are tried in a child process before a build reads them, so that no file can stop the store.

A file's bytes are checked against the size limits before anything parses them (alliance/ingest.py),
but a reader can still meet a file that makes it use too much memory, take too long, or die. So
before a build reads a workbook or a Parquet file it has not read before (TRIED_FORMATS), a child
process (`python -m alliance.screening`) reads it with the limits of alliance/limits.py on its
memory and time. A file that fails
there is rejected alone, with one sentence, and the build goes on with every other file.

What was found is recorded in `archive/screened.json` by each file's SHA-256 together with the
limits in force: a file that passed is not tried again, and a file that failed stays in the
archive, rejected, and is not read again by later builds (an ingest, a rebuild) until the limits
change. docs/ingest.md says how an admin takes such a file out.

A file of any format can still kill the build's own process while the build reads it (a reader's
segmentation fault, which no trial of other formats would have caught). So a build notes in
`archive/reading.json` which file it is reading (`FileScreen.reading`), and takes the note away
when it is done with it. A note left behind means a build died while reading that file: the next
build tries that file in the child first, whatever its format, and rejects it alone if the child
dies too (a power cut or a killed job during a good file's read does not reject it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import limits
from .child import ROOT, apply_limits, child_env, death_cause, exchange, kill, limited_env, send
from .ingest import Mapping, file_format

SCREENED = "screened.json"
READING = "reading.json"  # the file the build is reading now; left behind only by a build that died
# The formats whose readers are tried first. A text file is not: Arrow's CSV reader takes it 16 MB
# at a time, its time grows only with the file's bounded size, and a row too long for a block is
# named as such (ingest.MAX_RECORD_BYTES). A workbook is read by openpyxl, in Python, cell by cell;
# a Parquet file's pages are decoded by Arrow from whatever its metadata declares (a dictionary of
# one long string repeated can decode to gigabytes), so both are tried.
TRIED_FORMATS = ("xlsx", "parquet")


@dataclass
class FileScreen:
    """The screen of one build (or check): `__call__(source)` gives the sentence that rejects a source, or None.

    home: the home folder whose archive records what was found (None: nothing is recorded, as in
    `check`); paths: where each source's bytes lie, by SHA-256.
    """

    mapping: Mapping
    paths: dict[str, Path]
    home: Path | None = None
    _cleared: set[str] = field(default_factory=set)
    _refused: dict[str, dict] = field(default_factory=dict)
    _signature: str = ""
    _suspect: str | None = None
    _died: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self._signature = signature()
        record = _load(self.home) if self.home is not None else {}
        self._suspect = _died_reading(self.home) if self.home is not None else None
        self._died = {sha: int(n) for sha, n in record.get("died", {}).items()}
        if self._suspect is not None:
            self._died[self._suspect] = self._died.get(self._suspect, 0) + 1
        if record.get("signature") == self._signature:
            self._cleared = set(record.get("cleared", []))
        self._refused = {sha: entry for sha, entry in record.get("refused", {}).items()
                         if entry.get("signature") == self._signature}

    def prepare(self, sources) -> None:
        """Try every source not yet cleared or refused, in one child process as far as they go, and the
        file a build died reading. A file that a build died reading twice is refused unread: it read
        well in the child, but something in the build's own reading of it kills the process."""
        from .store import failure_message

        if self._suspect is not None:  # counted once: the note goes, its count stays
            suspect = next((s for s in sources if s.sha256 == self._suspect), None)
            if suspect is not None and self._died[self._suspect] >= 2 and suspect.sha256 not in self._refused:
                self.refuse(suspect, "crash", failure_message(suspect.name, "crash"))
            self.save()
            self.reading(None)
        waiting = [s for s in sources if s.sha256 not in self._refused and s.sha256 in self.paths
                   and (s.sha256 == self._suspect
                        or (s.sha256 not in self._cleared and file_format(s.name) in TRIED_FORMATS))]
        if not waiting:
            return
        found = probe_files([(s.sha256, str(self.paths[s.sha256]), s.name, s.kind) for s in waiting],
                                    self.mapping, limits.file_memory_bytes(), limits.file_seconds())
        for source in waiting:
            cause = found.get(source.sha256)
            if cause == "read":
                self._cleared.add(source.sha256)
            elif cause is not None:
                self.refuse(source, cause, failure_message(source.name, cause))
        self.save()

    def failed(self, source, cause: str, message: str) -> None:
        """A file that failed in the build itself (process_sources' on_failure): recorded at once."""
        self.refuse(source, cause, message)
        self.save()

    def reading(self, source) -> None:
        """Note the file a build starts to read (None: it is done with its files): see the module's
        docstring. Written whole and then renamed, so that a build killed mid-write leaves no half note."""
        if self.home is None:
            return
        path = Path(self.home) / "archive" / READING
        if source is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f".{READING}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"sha256": source.sha256}), encoding="utf-8")
        os.replace(tmp, path)

    def refuse(self, source, cause: str, message: str) -> None:
        self._refused[source.sha256] = {"cause": cause, "message": message, "signature": self._signature,
                                        "name": source.name}
        self._cleared.discard(source.sha256)

    def __call__(self, source) -> str | None:
        entry = self._refused.get(source.sha256)
        if entry is None:
            return None
        return entry["message"].replace(entry.get("name", source.name), source.name, 1)

    def save(self) -> None:
        if self.home is None:
            return
        path = Path(self.home) / "archive" / SCREENED
        tmp = path.with_name(f".{SCREENED}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"signature": self._signature, "cleared": sorted(self._cleared),
                                   "refused": self._refused, "died": self._died}, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)


def signature() -> str:
    """The limits a file was tried under (the store's own memory limit among them)."""
    from .store import ingest_memory

    return f"{limits.signature()};ALLIANCE_INGEST_MEMORY={ingest_memory()}"


def _died_reading(home: Path) -> str | None:
    """The SHA-256 of the file a build was reading when its process died, if one did."""
    try:
        note = json.loads((Path(home) / "archive" / READING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sha = note.get("sha256") if isinstance(note, dict) else None
    return sha if isinstance(sha, str) else None


def _load(home: Path) -> dict:
    path = Path(home) / "archive" / SCREENED
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def probe_files(files: list[tuple[str, str, str, str]], mapping: Mapping, memory_bytes: int,
                seconds: float) -> dict[str, str]:
    """Read each file (sha256, path, name, kind) through its reader in a child process, as a build
    would, with `memory_bytes` of memory besides three times the largest file (its bytes and their
    decoded copies are the file's own) and `seconds` for each file. Returns what was found, by
    SHA-256: 'read' for each file read within the limits, else the cause: 'memory', 'time' or
    'crash'. A file the children never reached (one could not start) is not in the answer.

    One child reads the files in turn and says when it starts and ends each; when it dies, the file
    it was reading is the one at fault, and a new child goes on with the files after it."""
    found: dict[str, str] = {}
    waiting = list(files)
    columns = {"columns": list(mapping.columns), "files": list(mapping.files)}
    while waiting:
        largest = max(os.path.getsize(path) for _, path, _, _ in waiting)
        budget = int(memory_bytes + 3 * largest)
        request = {"task": "probe", "files": waiting, "mapping": columns,
                   "memory_bytes": budget, "cpu_seconds": int(seconds * 2 * len(waiting)) + 10}
        done, current, cause = _run_probe(request, seconds)
        found.update(dict.fromkeys(done, "read"))
        if current is None:  # every file read (or the child failed before its first: nothing to blame)
            break
        found[current] = cause
        position = [sha for sha, *_ in waiting].index(current)
        waiting = [f for f in waiting[position + 1:] if f[0] not in done]
    return found


def _run_probe(request: dict, seconds: float) -> tuple[set[str], str | None, str]:
    """One probe child: the files it finished, the file it was reading when it failed (None if it did
    not fail), and the cause."""
    process = subprocess.Popen([sys.executable, "-m", "alliance.screening"], cwd=str(ROOT),
                               env=child_env(limited_env()), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=None, close_fds=True)
    done: set[str] = set()
    current: str | None = None
    finished, cause = False, "crash"

    def on_message(message: dict) -> float | None:
        nonlocal current, cause, finished
        if "start" in message:
            current = message["start"]
            return time.monotonic() + seconds
        if "read" in message:
            done.add(message["read"])
            current = None
        elif message.get("error") == "memory":
            cause = "memory"
        elif "result" in message:
            finished = True
        return None

    try:
        if not exchange(process, request, on_message, time.monotonic() + 120):  # 120 s: the child's own start
            cause = "time"
            kill(process)
        code = process.wait(timeout=30)
    except BaseException:
        kill(process)
        raise
    if finished or current is None:
        return done, None, ""
    return done, current, cause if cause != "crash" else death_cause(code, memory_limited=True)


# --------------------------------------------------------------------------- the child's side


def _child(request: dict) -> None:
    """Read each file through its reader, batch by batch, as a build would."""
    from .ingest import FileRejected, read_export

    mapping = Mapping(tuple(tuple(p) for p in request["mapping"]["columns"]),
                      tuple(tuple(p) for p in request["mapping"]["files"]))
    for sha, path, name, kind in request["files"]:
        send({"start": sha})
        try:
            data = Path(path).read_bytes()
            if file_format(name) == "parquet":
                _decode_parquet(data, name)
            else:
                read = read_export(data, name, kind, mapping)
                if read.streamed:
                    for _ in read.table:
                        pass
        except FileRejected:
            pass  # a file the build rejects in one sentence: reading it is safe
        except MemoryError:
            send({"error": "memory"})
            raise
        except Exception:  # noqa: BLE001 - the build meets the same error and rejects the file alone
            pass
        send({"read": sha})
    send({"result": {}})


def _decode_parquet(data: bytes, name: str) -> None:
    """Every page of a Parquet file decoded, a batch at a time, as the reader will: where a crafted
    file can make Arrow allocate or work without bound. (Turning the values into text afterwards
    works on those bounded batches.)"""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .ingest import PARQUET_BATCH_ROWS, check_row_groups, check_file_size

    check_file_size(len(data), name)
    parquet = pq.ParquetFile(pa.BufferReader(data))
    check_row_groups(parquet.metadata, name)
    for _ in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        pass


def main() -> int:
    request = json.loads(sys.stdin.readline())
    # The readers are imported before the limits: their own start-up is not the file's doing.
    import openpyxl  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from . import ingest  # noqa: F401

    apply_limits(request.get("memory_bytes"), int(request["cpu_seconds"]))
    try:
        _child(request)
    except MemoryError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
