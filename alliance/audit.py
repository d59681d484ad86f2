"""The audit trail: who logged in, viewed which page with which filters, uploaded and exported what, and when.

One JSON object per line in `<home>/audit/audit-YYYY-MM.jsonl` (the month of the
event's UTC time). Every line is written by one `os.write` on a file opened with
O_APPEND, so several sessions, threads and processes appending at once never
interleave their lines.

What may be logged is an allow-list: the event types in `EVENTS`, and for each the
detail fields in `DETAIL_FIELDS`, each with a check that keeps only identifiers,
codes, dates and counts (a field that fails its check, or is not listed, is
dropped). There is no free-text field: nothing a client wrote (a comment), nothing
a viewer typed (a search), no original upload name and no message can reach a line.

Writing never breaks a page: a failed write is logged as a warning (without the
event) and counted, and the Audit page tells the administrators (`write_failures`).

Retention deletes whole month files (`purge`): a month's file goes once the last
day it can hold is more than `audit_retention_days` days old.

No Streamlit here: the pages and the command line both use this module.
"""
from __future__ import annotations

import calendar
import datetime as dt
import errno
import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from .store import home_dir

log = logging.getLogger(__name__)

FOLDER = "audit"
FILE_PATTERN = re.compile(r"audit-(\d{4})-(0[1-9]|1[0-2])\.jsonl")
FOLDER_MODE = 0o700
FILE_MODE = 0o600

# Roles that may read the trail (the Audit page); "local" is the single user of a dashboard without login.
READER_ROLES = ("admin", "local")

MAX_EMAIL = 254
MAX_IDENTIFIER = 120  # a clinic, site, sector or therapist id from the data
MAX_ITEMS = 200  # of a list (clinics, therapists, ...): more are left out
MAX_LINE = 60_000  # bytes; a longer line loses its lists (see _fit)

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")  # fullmatch: "$" would let a trailing newline in
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,149}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Control characters, line separators, zero-width and bidirectional marks: dropped from names and e-mails.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


class AuditFilterError(ValueError):
    """A filter of the reader that cannot be used; the message is one sentence for the viewer."""


# --------------------------------------------------------------------------- the allow-list


def _code(value) -> str | None:
    """A short code from the program itself: a page, a kind, a status, a format."""
    return value if isinstance(value, str) and _CODE.fullmatch(value) else None


def _count(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number >= 0 and number == value else None


def _identifier(value) -> str | None:
    """A name from the data's key columns (clinic, site, sector, therapist id): capped, no control characters."""
    if not isinstance(value, str):
        return None
    value = _CONTROL.sub("", value).strip()[:MAX_IDENTIFIER]
    return value or None


def _file_name(value) -> str | None:
    """A file name as the store keeps it (safe characters only)."""
    return value if isinstance(value, str) and _FILE_NAME.fullmatch(value) else None


def _sha256(value) -> str | None:
    return value if isinstance(value, str) and _SHA256.fullmatch(value) else None


def _date(value) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _pair(value) -> str | None:
    """A (clinic, name) pair as 'clinic/name'."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        parts = [_identifier(v) for v in value]
        return "/".join(parts) if all(parts) else None
    return _identifier(value)


def _list_of(check: Callable[[Any], Any]) -> Callable[[Any], list | None]:
    def checked(values) -> list | None:
        if values is None or isinstance(values, (str, bytes)):
            return None
        try:
            items = [check(v) for v in list(values)[:MAX_ITEMS]]
        except TypeError:
            return None
        return [v for v in items if v is not None]

    return checked


def _all_or_list_of(check):
    """None (everything) or a list: the shape of a scope's fields."""
    as_list = _list_of(check)
    return lambda values: ("all" if values is None else as_list(values))


def _fields(values, allowed: Mapping[str, Callable]) -> dict:
    """Only the allowed keys, each value passed through its check; what fails a check is left out."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        values = {key: getattr(values, key) for key in allowed if hasattr(values, key)}
    out = {}
    for key, check in allowed.items():
        if key in values:
            value = check(values[key])
            if value is not None and value != []:
                out[key] = value
    return out


FILTER_FIELDS = {
    "start": _date, "end": _date,
    "sectors": _list_of(_identifier), "clinics": _list_of(_identifier),
    "sites": _list_of(_pair), "therapists": _list_of(_pair),
}
SCOPE_FIELDS = {
    "clinics": _all_or_list_of(_identifier), "sites": _all_or_list_of(_pair),
    "therapists": _all_or_list_of(_pair), "peers": _all_or_list_of(_identifier),
}


def _filters(value) -> dict | None:
    return _fields(value, FILTER_FIELDS) or None


def _scope(value) -> dict | None:
    """A viewer's access scope as plain lists; "all" where the scope does not restrict."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        value = {key: getattr(value, key) for key in SCOPE_FIELDS if hasattr(value, key)}
    return {key: SCOPE_FIELDS[key](value[key]) for key in SCOPE_FIELDS if key in value} or None


EVENTS = ("login", "logout", "refused", "page_view", "upload", "export", "purge")

DETAIL_FIELDS: dict[str, dict[str, Callable]] = {
    # how the viewer logged in ("oidc", "header", "local", ...)
    "login": {"method": _code},
    "logout": {},
    # an identity the dashboard does not know, or one without a role; `reason` is a code, never a message
    "refused": {"reason": _code},
    # the page file's name without .py, the shared filters chosen, and the viewer's access scope
    "page_view": {"page": _code, "filters": _filters, "scope": _scope},
    # one uploaded file: the name it was stored under, its content hash and size, what the load made of it
    "upload": {"file": _file_name, "sha256": _sha256, "size": _count, "kind": _code, "status": _code,
               "rows_loaded": _count, "rows_quarantined": _count},
    # a download: which table or figure, the format, the filters and scope it was made with, its rows
    "export": {"what": _code, "page": _code, "format": _code, "filters": _filters, "scope": _scope, "rows": _count},
    # retention: the month files deleted and the retention in force
    "purge": {"files": _list_of(_file_name), "retention_days": _count},
}


def clean_detail(event: str, detail: Mapping | None) -> dict:
    """The detail of an event reduced to its allow-list."""
    return _fields(detail, DETAIL_FIELDS[event])


# --------------------------------------------------------------------------- viewers


@dataclass(frozen=True)
class SystemViewer:
    """A viewer for events without a person: the local single user, or the program itself."""

    email: str
    role: str
    name: str = ""
    scope: Any = None


LOCAL = SystemViewer("local", "local", "local")
SYSTEM = SystemViewer("system", "system", "system")
NOBODY = SystemViewer("unknown", "none")


def viewer_of(session_state: Mapping) -> Any:
    """The viewer of a Streamlit session (`session_state["viewer"]`, set by alliance/ui/auth.py on every run).

    Without one, nobody: no role, so the Audit page stays closed (the login sets the local
    user's viewer itself in local mode, so a missing viewer is never the local user).
    """
    viewer = session_state.get("viewer") if hasattr(session_state, "get") else None
    return viewer if viewer is not None and hasattr(viewer, "email") and hasattr(viewer, "role") else NOBODY


def may_read(viewer) -> bool:
    return getattr(viewer, "role", None) in READER_ROLES


def _who(viewer) -> tuple[str, str]:
    if isinstance(viewer, str):  # an identity that has no viewer (refused at login)
        email, role = viewer, "none"
    else:
        email, role = getattr(viewer, "email", None), getattr(viewer, "role", None)
    email = _CONTROL.sub("", str(email or "")).strip()[:MAX_EMAIL] or "unknown"
    return email, _code(role) or "unknown"


# --------------------------------------------------------------------------- writing


_failure_lock = threading.Lock()
_failures = {"count": 0, "last": None, "reason": ""}


def write_failures() -> dict:
    """Writes that failed since this server started: {"count", "last" (UTC datetime), "reason"}."""
    with _failure_lock:
        return dict(_failures)


def _failed(reason: str) -> None:
    with _failure_lock:
        _failures["count"] += 1
        _failures["last"] = dt.datetime.now(dt.timezone.utc)
        _failures["reason"] = reason
    log.warning("The audit trail could not be written (%s); this event is missing from it.", reason)


def audit_dir(home: Path | str | None = None) -> Path:
    return home_dir(home) / FOLDER


def month_file(home: Path | str | None, when: dt.datetime) -> Path:
    return audit_dir(home) / f"audit-{when.year:04d}-{when.month:02d}.jsonl"


def _fit(line: dict) -> bytes:
    """The line as UTF-8 JSON ending in a newline, without its lists if it would be too long."""
    data = (json.dumps(line, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n").encode("utf-8")
    if len(data) <= MAX_LINE:
        return data
    detail = {k: v for k, v in line["detail"].items() if not isinstance(v, (list, dict))}
    detail["truncated"] = True
    return _fit({**line, "detail": detail})


def record(event: str, viewer, detail: Mapping | None = None, home: Path | str | None = None,
           now: dt.datetime | None = None) -> bool:
    """Append one event to the trail; True when written. Never raises for a failed write.

    `viewer`: any object with `.email` and `.role` (an alliance.access.Viewer), or the
    identity string of someone refused. `detail`: reduced to the event's allow-list.
    """
    if event not in DETAIL_FIELDS:
        raise ValueError(f"'{event}' is not an audit event; the events are {', '.join(EVENTS)}.")
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    email, role = _who(viewer)
    line = {"ts": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "event": event, "user": email, "role": role,
            "detail": clean_detail(event, detail)}
    data = _fit(line)
    path = month_file(home, when)
    try:
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
        try:
            written = os.write(fd, data)
        finally:
            os.close(fd)
        if written != len(data):
            raise OSError(errno.ENOSPC, "the line was written only in part")
    except OSError as exc:
        _failed(exc.strerror or type(exc).__name__)
        return False
    return True


def record_uploads(viewer, result, folder: Path | str, home: Path | str | None = None) -> int:
    """One `upload` event per file of an upload (alliance.ui.upload.UploadResult); the number written."""
    by_name = {(f.file, f.sha256): f for f in getattr(result, "files", [])}
    written = 0
    for export in getattr(result, "exports", []):
        detail: dict[str, Any] = {"sha256": export.sha256}
        if export.refused:
            detail["status"] = "refused"
        elif getattr(result, "error", ""):
            detail.update(file=export.name, status="failed")
        elif export.same_content_as:
            detail.update(file=export.name, status="same_content")
        else:
            row = by_name.get((export.name, export.sha256))
            detail["file"] = export.name
            if row is not None:
                detail.update(kind=row.kind, status=row.status, rows_loaded=row.rows_loaded,
                              rows_quarantined=row.rows_quarantined)
            else:
                detail["status"] = "not_loaded"
        if detail.get("file"):
            try:
                detail["size"] = (Path(folder) / detail["file"]).stat().st_size
            except OSError:
                pass
        written += record("upload", viewer, detail, home=home)
    return written


# --------------------------------------------------------------------------- retention


def month_files(home: Path | str | None = None) -> list[Path]:
    folder = audit_dir(home)
    try:
        return sorted(p for p in folder.iterdir() if FILE_PATTERN.fullmatch(p.name) and p.is_file())
    except OSError:
        return []


def _last_day(path: Path) -> dt.date:
    year, month = (int(x) for x in FILE_PATTERN.fullmatch(path.name).groups())
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def check_retention(retention_days) -> int:
    days = _count(retention_days)
    if days is None or days < 1:
        raise ValueError(f"audit_retention_days must be a whole number of days, at least 1 (it is {retention_days}).")
    return days


def purge(home: Path | str | None, retention_days, today: dt.date | None = None) -> list[str]:
    """Delete the month files whose last day is more than `retention_days` days before `today`; their names.

    Deletion is by whole month: an event is kept at least `retention_days` days and
    at most a month longer. The purge itself is recorded (as user "system").
    """
    days = check_retention(retention_days)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    deleted = []
    for path in month_files(home):
        if (today - _last_day(path)).days > days:
            path.unlink(missing_ok=True)
            deleted.append(path.name)
    if deleted:
        record("purge", SYSTEM, {"files": deleted, "retention_days": days}, home=home)
        _cached.cache_clear()
    return deleted


_purged_on: dict[str, dt.date] = {}
_purge_lock = threading.Lock()


def purge_daily(home: Path | str | None, retention_days, today: dt.date | None = None) -> list[str]:
    """`purge` at most once a day per home folder and process (the app calls it on page views). Never raises."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    key = str(home_dir(home))
    with _purge_lock:
        if _purged_on.get(key) == today:
            return []
        _purged_on[key] = today
    try:
        return purge(home, retention_days, today)
    except (OSError, ValueError) as exc:
        log.warning("The audit trail's retention purge failed: %s", exc.strerror if isinstance(exc, OSError) else exc)
        return []


# --------------------------------------------------------------------------- reading


COLUMNS = ["ts", "event", "user", "role", "page", "detail"]


def signature(home: Path | str | None = None) -> tuple:
    """The month files with their sizes and modification times: changes whenever the trail does."""
    out = []
    for path in month_files(home):
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def _as_date(value, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise AuditFilterError(f"The {what} date must be a date like 2026-03-31, not '{str(value)[:40]}'.") from None


def check_filters(since=None, until=None, user=None, event=None, page=None) -> tuple:
    """The reader's filters as plain values; one sentence (AuditFilterError) for any that cannot be used."""
    since, until = _as_date(since, "first"), _as_date(until, "last")
    if since and until and since > until:
        raise AuditFilterError("The period ends before it starts: choose a first date on or before the last date.")
    if event not in (None, "") and event not in EVENTS:
        raise AuditFilterError(f"There is no audit event '{str(event)[:40]}'; the events are {', '.join(EVENTS)}.")
    if page not in (None, "") and _code(page) is None:
        raise AuditFilterError("A page is named by its file name without .py, for example 'feedback'.")
    user = _CONTROL.sub("", str(user)).strip()[:MAX_EMAIL] if user not in (None, "") else None
    return since, until, user or None, event or None, page or None


def read_events(home: Path | str | None = None, since=None, until=None, user=None, event=None, page=None,
                limit: int | None = None) -> pd.DataFrame:
    """The events, newest first, with typed columns (ts is a UTC timestamp; detail is JSON text).

    `since`/`until`: the first and last day (UTC, both included); `user`: an email (any
    case); `event`: one of EVENTS; `page`: a page's file name without .py; `limit`: at
    most this many (the newest). Cached by the month files' sizes and modification times.
    """
    filters = check_filters(since, until, user, event, page)
    return _cached("events", str(home_dir(home)), signature(home), filters, limit).copy()


def summary(home: Path | str | None = None, since=None, until=None, user=None, event=None, page=None) -> dict:
    """For the filters: the number of events of each type, and the total.

    Also, over the whole trail whatever the filters: the users and pages seen and the oldest
    event's time (the choices of the Audit page's filters).
    """
    filters = check_filters(since, until, user, event, page)
    home, files = str(home_dir(home)), signature(home)
    counts = _cached("counts", home, files, filters, None)
    whole = _cached("whole", home, files, (None,) * 5, None)
    return {
        "counts": dict(zip(counts["event"], counts["n"].astype(int))),
        "total": int(counts["n"].sum()),
        "users": sorted(whole.loc[whole["kind"] == "user", "value"]),
        "pages": sorted(whole.loc[whole["kind"] == "page", "value"]),
        "oldest": None if whole["oldest"].isna().all() else whole["oldest"].min().to_pydatetime(),
    }


_SOURCE = """
    SELECT CAST(try_strptime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS TIMESTAMP) AS ts, event, "user", role,
           detail->>'$.page' AS page, CAST(detail AS VARCHAR) AS detail
    FROM read_json($paths, format = 'newline_delimited', ignore_errors = true,
                   columns = {ts: 'VARCHAR', event: 'VARCHAR', "user": 'VARCHAR', role: 'VARCHAR', detail: 'JSON'})
    WHERE try_strptime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') IS NOT NULL AND event IS NOT NULL  -- a torn or foreign line is skipped
"""
_WHERE = """
    WHERE ($since IS NULL OR ts >= CAST($since AS TIMESTAMP))
      AND ($until IS NULL OR ts < CAST($until AS TIMESTAMP) + INTERVAL 1 DAY)
      AND ($user IS NULL OR lower("user") = lower($user))
      AND ($event IS NULL OR event = $event)
      AND ($page IS NULL OR page = $page)
"""
_QUERIES = {
    "events": f"SELECT {', '.join(COLUMNS)} FROM ({_SOURCE}) {_WHERE} ORDER BY ts DESC LIMIT $limit",
    "counts": f"SELECT event, count(*) AS n FROM ({_SOURCE}) {_WHERE} GROUP BY event ORDER BY n DESC, event",
    "whole": f"""
        WITH e AS ({_SOURCE})
        SELECT 'user' AS kind, "user" AS value, NULL::TIMESTAMP AS oldest FROM e WHERE "user" IS NOT NULL GROUP BY "user"
        UNION ALL SELECT 'page', page, NULL FROM e WHERE page IS NOT NULL GROUP BY page
        UNION ALL SELECT 'oldest', NULL, min(ts) FROM e
    """,
}
_EMPTY = {
    "events": {c: "datetime64[us]" if c == "ts" else "str" for c in COLUMNS},
    "counts": {"event": "str", "n": "int64"},
    "whole": {"kind": "str", "value": "str", "oldest": "datetime64[us]"},
}


# One in-memory DuckDB per process reads the trail, each read on its own cursor. Opening a new
# database for every read (and loading its JSON reader) cost about 50 of the Audit page's 64 ms
# on a quiet machine; on a meeting day every page view adds an event, so every visit of the
# Audit page reads the trail anew.
_READER = None
_READER_GUARD = threading.Lock()


def _reader():
    global _READER
    import duckdb

    with _READER_GUARD:
        if _READER is None:
            _READER = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": True})
        return _READER


@lru_cache(maxsize=64)
def _cached(query: str, home: str, files: tuple, filters: tuple, limit: int | None) -> pd.DataFrame:
    since, until, user, event, page = filters
    paths = [name for name, _, _ in files if not _outside(Path(name), since, until)]
    if not paths:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY[query].items()})
    params = {"paths": paths}
    if query != "whole":
        params.update(since=since, until=until, user=user, event=event, page=page)
    if query == "events":
        params["limit"] = limit if limit is not None else 2**62
    cur = _reader().cursor()
    try:
        return cur.execute(_QUERIES[query], params).df()
    finally:
        cur.close()


def _outside(path: Path, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether a month file holds no day of the period."""
    last = _last_day(path)
    first = last.replace(day=1)
    return bool((since and last < since) or (until and first > until))
