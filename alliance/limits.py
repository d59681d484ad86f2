"""How much one export file may take to read, declared once: sizes checked before any parsing, and the
memory and time one file may use (docs/ingest.md, "Limits on one file").

Each limit is an environment variable with a default that an export of ten million sessions stays
well inside. A file past a size limit is rejected whole, in one sentence naming its size and the
limit, before any of it is parsed; a file that needs more memory or time than a limit while it is
read is rejected alone, and the other files load (alliance/store.py).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    variable: str
    default: str
    kind: str  # bytes | number | seconds
    help: str


LIMITS = (
    Limit("ALLIANCE_MAX_FILE_SIZE", "2GB", "bytes",
          "The largest export file read, in bytes on disk (text, Parquet or workbook)."),
    Limit("ALLIANCE_MAX_UNPACKED", "512MB", "bytes",
          "The most a workbook may expand to when unpacked, and the most one row group of a Parquet file may "
          "expand to."),
    Limit("ALLIANCE_MAX_RATIO", "100", "number",
          "The most a workbook may expand, as a multiple of its size on disk (real exports expand 3 to 20 times)."),
    Limit("ALLIANCE_FILE_MEMORY", "2GB", "bytes",
          "The memory one file may take while it is read, besides the file itself; more, and the file is rejected "
          "alone."),
    Limit("ALLIANCE_FILE_SECONDS", "600", "seconds",
          "The time one file may take to read; longer, and the file is rejected alone."),
)
_BY_NAME = {limit.variable: limit for limit in LIMITS}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def _parse(limit: Limit, text: str) -> float | None:
    if limit.kind == "bytes":
        match = _SIZE.fullmatch(text)
        return float(match.group(1)) * _UNITS[match.group(2).upper()] if match else None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def value(variable: str) -> float:
    """The limit in force: the environment's value when it reads as one, else the default."""
    limit = _BY_NAME[variable]
    raw = os.environ.get(variable, "").strip()
    parsed = _parse(limit, raw) if raw else None
    return parsed if parsed is not None else _parse(limit, limit.default)


def max_file_bytes() -> int:
    return int(value("ALLIANCE_MAX_FILE_SIZE"))


def max_unpacked_bytes() -> int:
    return int(value("ALLIANCE_MAX_UNPACKED"))


def max_ratio() -> float:
    return value("ALLIANCE_MAX_RATIO")


def file_memory_bytes() -> int:
    return int(value("ALLIANCE_FILE_MEMORY"))


def file_seconds() -> float:
    return value("ALLIANCE_FILE_SECONDS")


def signature() -> str:
    """The limits in force, as one string: a file recorded as too large under one set is tried again under another."""
    return ";".join(f"{limit.variable}={value(limit.variable):.15g}" for limit in LIMITS)


def size_text(n: float) -> str:
    """2.0 GB, 512 MB, 40 KB: a size as a person reads it (binary units, as the limits are written)."""
    for unit, factor in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= factor:
            shown = n / factor
            return f"{shown:.1f} {unit}" if shown < 10 else f"{shown:.0f} {unit}"
    return f"{int(n)} bytes"
