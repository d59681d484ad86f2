"""The Data page's upload of new exports into the exports folder, and its list of orphaned feedback.

An uploaded file is first staged under its content hash and read in a separate
process with memory and time limits (alliance/sandbox.py); only a file that could
be read is written into the configured exports folder (the contract's only
input), under a name made of safe characters from the original, and the folder
is ingested, again in a separate process, as `python -m alliance ingest` would.
The store swaps in a new build and every cache is keyed by the store version, so
the rerun after a load shows the new data on every page without a restart.
"""
from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import i18n, sandbox, store, stored_text
from ..i18n import t
from ..ingest import EMPTY_MAPPING, Mapping, MappingError, file_format, parse_mapping
from .data import current_store, ingest_with_progress
from .state import code, escape_markdown

ACCEPTED_TYPES = ("csv", "txt", "parquet", "xlsx")
# Session state: the report of this session's last upload, and a counter that gives the
# uploader a new key (and so an empty list) after each load.
RESULT_KEY = "upload_result"
ROUND_KEY = "upload_round"
MAX_NAME_LENGTH = 150

_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows reserves for devices: harmless here, but an exports folder may be a Windows share.
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- names and files (no widgets)


def safe_name(original: str) -> str:
    """A file name made only of letters, digits, '-', '_' and '.', from the last part of what the browser sent."""
    base = re.split(r"[\\/]", str(original))[-1]
    name = _UNSAFE.sub("_", base.translate(_TRANSLITERATE))
    name = re.sub(r"\.{2,}", ".", name).lstrip("._-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: MAX_NAME_LENGTH - len(ext) - 1] if ext else stem[:MAX_NAME_LENGTH]
    if stem.split(".")[0].upper() in _DEVICE_NAMES:
        stem = "file_" + stem
    return f"{stem}.{ext}" if ext else stem


def _plain_name(name: str) -> bool:
    """A single, non-empty name of safe characters: never a path, never hidden, never '.' or '..'."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name)) and len(name) <= MAX_NAME_LENGTH + 4


def folder_mapping(folder: Path, home: Path) -> Mapping:
    """The file-name patterns an ingest of this folder will use: its columns.toml, else the archived one."""
    mapping_file = Path(folder) / store.MAPPING_NAME
    if mapping_file.is_file():
        return parse_mapping(mapping_file.read_bytes(), str(mapping_file))  # MappingError: nothing may be saved
    try:
        return store.current_mapping(home)
    except (store.StoreError, MappingError, OSError):
        return EMPTY_MAPPING


def folder_problem(folder: Path) -> str | None:
    """One sentence when uploaded files cannot be saved in the exports folder."""
    if not folder.is_dir():
        return t("upload.no_folder", folder=code(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        return t("upload.not_writable", folder=code(folder))
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_content_in_folder(folder: Path, data: bytes, sha: str) -> str | None:
    """The name of a file in the folder with exactly these bytes (only files of the same size are hashed)."""
    for path in sorted(folder.iterdir()):
        try:
            if path.is_file() and path.stat().st_size == len(data) and _sha256(path) == sha:
                return path.name
        except OSError:
            continue
    return None


def _candidates(name: str):
    """The name, then the name with _002, _003, … before the extension.

    The suffix starts with '_' so that it sorts after the original ('_' comes after '.'),
    and is zero-padded so that later uploads sort after earlier ones: a corrected
    re-export is a later file and its rows replace the older ones (contract section 5).
    """
    yield name
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext) if dot else (name, "")
    for n in range(2, 1000):
        yield f"{stem}_{n:03d}{ext}"


def save_export(folder: Path, name: str, data: bytes) -> tuple[str, bool]:
    """Write the bytes into the folder under `name` or a numbered variant; never overwrite a different file.

    Returns the name used and whether it was new. The bytes go to a hidden temporary file
    first and are linked in under their name in one step, so no reader ever sees half a file
    and two uploads at once cannot take the same name.
    """
    if not _plain_name(name):
        raise ValueError("an exports file name must be a plain safe name")  # safe_name guarantees it
    tmp = folder / f".upload-{uuid.uuid4().hex}.part"
    with tmp.open("xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    try:
        for candidate in _candidates(name):
            target = folder / candidate
            if target.parent != folder:  # cannot happen for a plain name; checked all the same
                raise ValueError("an exports file must be directly in the exports folder")
            try:
                os.link(tmp, target)
                return candidate, True
            except FileExistsError:
                if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                    return candidate, False
            except OSError:
                # A file system without hard links: an existence check, then an atomic rename.
                if target.exists():
                    if target.is_file() and target.read_bytes() == data:
                        return candidate, False
                    continue
                os.replace(tmp, target)
                return candidate, True
        raise OSError(f"too many files named like {name}")
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class UploadedExport:
    """What happened to one uploaded file before the load."""

    original: str
    name: str = ""  # the name in the exports folder ("" when refused)
    sha256: str = ""
    refused: str = ""  # one sentence, when it was not added
    numbered: bool = False  # saved under a numbered name, beside a different file of the same name
    sanitized: bool = False  # characters of the original name were replaced
    same_content_as: str = ""  # not saved: this file in the folder has the same bytes


@dataclass
class UploadResult:
    exports: list[UploadedExport] = field(default_factory=list)
    files: list[store.FileRow] = field(default_factory=list)  # the report's rows for the uploaded files
    rejects: list[tuple] = field(default_factory=list)
    changed: bool = False
    error: str = ""


def _limit_sentence(exc: sandbox.LimitExceeded, shown: str) -> str:
    if exc.what == "time":
        return t("upload.refused_time", file=shown, seconds=i18n.integer(exc.limits.seconds))
    if exc.what == "memory":
        return t("upload.refused_memory", file=shown, limit=sandbox.describe_limit(exc.limits.memory_bytes))
    return t("upload.refused_crash", file=shown)


def prepare(uploaded, folder: Path, mapping: Mapping, limit_mb: float, home: Path | None = None,
            limits: sandbox.Limits | None = None) -> list[UploadedExport]:
    """Check each uploaded file and save the acceptable ones in the exports folder.

    Each file's bytes are staged as `<home>/uploads/<sha256>` and read in a child process
    under `limits` (alliance/sandbox.py) before anything is saved: a file that needs more
    time or memory is refused in one sentence and the exports folder is left as it was.
    """
    home = store.home_dir(home)
    limits = limits or sandbox.CHECK_LIMITS
    exports = []
    for item in uploaded:
        original = str(item.name)
        name = safe_name(original)
        export = UploadedExport(original, name)
        shown = code(original)
        patterns = t("upload.refused_patterns") if mapping.files else ""
        if mapping.kind_of(name) is None:
            export.refused = t("upload.refused_name", file=shown, patterns=patterns)
        elif file_format(name) is None:
            export.refused = t("upload.refused_format", file=shown)
        elif item.size == 0:
            export.refused = t("upload.refused_empty", file=shown)
        elif item.size > limit_mb * 1024 * 1024:
            export.refused = t("upload.refused_size", file=shown, limit=i18n.integer(limit_mb))
        if export.refused:
            export.name = ""
            exports.append(export)
            continue
        data = item.getvalue()
        export.sha256 = hashlib.sha256(data).hexdigest()
        existing = _same_content_in_folder(folder, data, export.sha256)
        if existing is not None:
            export.name, export.same_content_as = existing, existing
            exports.append(export)
            continue
        refused = _read_in_sandbox(home, data, name, mapping, limits, shown)
        if refused:
            export.name, export.refused = "", refused
            exports.append(export)
            continue
        try:
            export.name, _ = save_export(folder, name, data)
        except OSError as exc:
            export.name = ""
            export.refused = t("upload.write_failed", file=shown, reason=escape_markdown(exc.strerror or exc))
        export.numbered = bool(export.name) and export.name != name
        export.sanitized = bool(export.name) and name != re.split(r"[\\/]", original)[-1]
        exports.append(export)
    return exports


def _read_in_sandbox(home: Path, data: bytes, name: str, mapping: Mapping, limits: sandbox.Limits,
                     shown: str) -> str:
    """Read the bytes in a limited child process; one sentence when they cannot be, else ''."""
    try:
        with sandbox.staged(home, data) as staged:
            sandbox.check_upload(staged, name, mapping.kind_of(name), mapping, limits)
    except sandbox.LimitExceeded as exc:
        return _limit_sentence(exc, shown)
    except (store.StoreError, MappingError):  # not expected from a check; never a traceback all the same
        return t("upload.refused_crash", file=shown)
    except OSError as exc:  # the file could not be staged, or the child could not be started
        return t("upload.stage_failed", file=shown, reason=escape_markdown(exc.strerror or exc))
    return ""


# --------------------------------------------------------------------------- the load, with progress


def _ingest_with_progress(folder: Path, home: Path) -> tuple[store.IngestReport | None, str]:
    """Ingest the exports folder, showing progress; the report, or None and one sentence."""
    report, error = ingest_with_progress(folder, home, t("upload.progress"), failed=t("upload.failed"),
                                         waiting=t("upload.waiting"), done=lambda _: t("upload.done"))
    return report, (t("upload.failed") + " " + error) if report is None else ""


def load_uploaded(uploaded, folder: Path, home: Path, limit_mb: float) -> UploadResult:
    result = UploadResult()
    try:
        mapping = folder_mapping(folder, home)
    except MappingError as exc:
        result.error = t("upload.bad_mapping", reason=escape_markdown(exc))
        return result
    with st.spinner(t("upload.checking")):
        result.exports = prepare(uploaded, folder, mapping, limit_mb, home=home)
    ours = {(e.name, e.sha256) for e in result.exports if e.name}
    if not ours:
        return result
    report, error = _ingest_with_progress(folder, home)
    if report is None:
        result.error = error
        return result
    result.changed = report.changed
    result.files = [f for f in report.files if (f.file, f.sha256) in ours]
    names = {f.file for f in result.files}
    result.rejects = [r for r in report.rejects if r[0] in names]
    return result


# --------------------------------------------------------------------------- the report in words


def _n(key: str, n: int) -> str:
    return t(key if n == 1 else key + "_plural", n=i18n.integer(n))


def file_sentence(row: store.FileRow) -> str:
    """One file of the report in words; names and the store's messages shown literally."""
    shown = code(row.file)
    if row.status == "rejected":
        return t("upload.file_rejected", file=shown, message=escape_markdown(stored_text.translate(row.message)))
    if row.status == "duplicate":
        return t("upload.file_duplicate", file=shown, message=escape_markdown(stored_text.translate(row.message)))
    text = t("upload.file_loaded", file=shown, kind=t(f"upload.kind.{row.kind}"),
             read=_n("upload.rows", row.rows_read), loaded=i18n.integer(row.rows_loaded),
             quarantined=i18n.integer(row.rows_quarantined), duplicates=_n("upload.duplicates", row.rows_duplicate))
    if row.rows_replaced:
        text += " " + t("upload.file_replaced", n=_n("upload.rows", row.rows_replaced))
    if row.rows_orphan:
        text += " " + t("upload.file_orphans", n=_n("upload.feedback_rows", row.rows_orphan))
    return text


def reject_columns() -> dict:
    return {
        "file": st.column_config.TextColumn(t("upload.col.file")),
        "row": st.column_config.NumberColumn(t("upload.col.row"), help=t("upload.col.row_help")),
        "column": st.column_config.TextColumn(t("upload.col.column")),
        "reason": st.column_config.TextColumn(t("upload.col.reason"), width="large"),
    }


def show_result(result: UploadResult) -> None:
    st.markdown("**" + t("upload.report_title") + "**")
    for export in result.exports:
        if export.refused:
            st.warning(export.refused)
    if result.error:
        st.error(result.error)
    for export in result.exports:
        if export.same_content_as:
            st.markdown(t("upload.same_content", original=code(export.original), file=code(export.same_content_as)))
        elif export.numbered:
            st.markdown(t("upload.saved_as", original=code(export.original), file=code(export.name)))
        elif export.sanitized:
            st.markdown(t("upload.renamed", original=code(export.original), file=code(export.name)))
    by_name = {(f.file, f.sha256): f for f in result.files}
    lines = []
    for export in result.exports:
        if not export.name or result.error:
            continue
        row = by_name.get((export.name, export.sha256))
        lines.append(file_sentence(row) if row else t("upload.file_missing", file=code(export.name)))
    lines = list(dict.fromkeys(lines))  # two uploads of the same bytes give one line
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
        st.markdown(t("upload.report_changed") if result.changed else t("upload.report_unchanged"))
    if result.rejects:
        st.markdown(t("upload.rejects", n=i18n.integer(len(result.rejects))))
        frame = pd.DataFrame(result.rejects, columns=["file", "row", "column", "reason"])
        frame["reason"] = stored_text.translate_column(frame["reason"])
        st.dataframe(frame, hide_index=True, column_config=reject_columns(), key="upload_rejects")


# --------------------------------------------------------------------------- the sections


def upload_section() -> None:
    """Upload exports into the exports folder, load them with progress, and report per file."""
    folder, home = store.data_dir(), store.home_dir()
    limit_mb = st.get_option("server.maxUploadSize")
    st.subheader(t("upload.title"))
    st.markdown(t("upload.intro", limit=i18n.integer(limit_mb), folder=code(folder)))
    problem = folder_problem(folder)
    if problem:
        st.warning(problem)
        return
    try:
        patterns = [glob for glob, _ in folder_mapping(folder, home).files]
    except MappingError:
        patterns = []
    shown_patterns = t("upload.patterns", patterns=", ".join(code(p) for p in patterns)) if patterns else ""
    st.caption(t("upload.names", patterns=shown_patterns))
    round_ = st.session_state.get(ROUND_KEY, 0)
    uploaded = st.file_uploader(t("upload.label"), type=list(ACCEPTED_TYPES), accept_multiple_files=True,
                                key=f"upload_files_{round_}", help=t("upload.help", limit=i18n.integer(limit_mb)))
    if st.button(t("upload.button"), key="upload_load", type="primary", disabled=not uploaded):
        result = load_uploaded(uploaded or [], folder, home, limit_mb)
        from .. import audit  # one `upload` event per file: stored name, hash, size, status, rows

        audit.record_uploads(audit.viewer_of(st.session_state), result, folder, home=home)
        st.session_state[RESULT_KEY] = result
        st.session_state[ROUND_KEY] = round_ + 1  # a new, empty uploader
        st.rerun()  # every table and figure above is drawn again from the new store
    result = st.session_state.get(RESULT_KEY)
    if isinstance(result, UploadResult):
        show_result(result)


def orphan_columns() -> dict:
    return {
        "file": st.column_config.TextColumn(t("upload.col.file")),
        "row": st.column_config.NumberColumn(t("upload.col.row"), help=t("upload.col.row_help")),
        "clinic": st.column_config.TextColumn(t("upload.col.clinic")),
        "session_id": st.column_config.TextColumn(t("upload.col.session")),
        "rater": st.column_config.TextColumn(t("upload.col.rater")),
    }


def orphans_section() -> None:
    """Feedback rows whose session is not loaded: the file and row, never the client's comment."""
    orphans = current_store().query("orphans")
    if orphans is None:
        return
    st.subheader(t("orphans.title"))
    if orphans.empty:
        st.markdown(t("orphans.none"))
        return
    st.markdown(t("orphans.some", n=_n("upload.feedback_rows", len(orphans)),
                  files=_n("orphans.files", orphans["file"].nunique())))
    st.dataframe(orphans, hide_index=True, column_config=orphan_columns(), key="orphans")
