"""Read any export format into typed rows, quarantined rows and reject entries.

Reading turns a file into an Arrow table of text columns named by the contract
(plus `__row`, the row number a spreadsheet would show). Validation is one
DuckDB statement per file, generated from `contract.py`, so row work never
happens in Python.
"""
from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import contract as C

ROW = "__row"


class FileRejected(Exception):
    """A whole file that cannot be used; the message is one sentence for the user."""


class MappingError(Exception):
    """A columns.toml that stops the ingest before anything changes."""


# --------------------------------------------------------------------------- columns.toml


@dataclass(frozen=True)
class Mapping:
    """The header and file-name mapping of a `columns.toml` (contract section 4)."""

    columns: tuple[tuple[str, str], ...] = ()  # lower-case export header -> contract column
    files: tuple[tuple[str, str], ...] = ()  # lower-case glob -> kind

    @property
    def column_map(self) -> dict[str, str]:
        return dict(self.columns)

    def kind_of(self, name: str) -> str | None:
        low = name.lower()
        for glob, kind in self.files:
            if fnmatch.fnmatchcase(low, glob):
                return kind
        for kind in C.KINDS:
            if low.startswith(kind):
                return kind
        return None


EMPTY_MAPPING = Mapping()


def parse_mapping(data: bytes, where: str = "columns.toml") -> Mapping:
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError(f"{where} is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{where} cannot be read as TOML ({exc}).") from None
    unknown_tables = sorted(set(doc) - {"columns", "files"})
    if unknown_tables:
        raise MappingError(f"{where} has an unknown table [{unknown_tables[0]}]; only [columns] and [files] are allowed.")
    columns: dict[str, str] = {}
    for header, target in (doc.get("columns") or {}).items():
        if not isinstance(target, str):
            raise MappingError(f"{where} maps '{header}' to something that is not a column name.")
        if target.strip().lower() not in C.ALL_CONTRACT_COLUMNS:
            raise MappingError(f"{where} maps '{header}' to '{target}', which is not a contract column.")
        columns[header.strip().lower()] = target.strip().lower()
    files: list[tuple[str, str]] = []
    for glob, kind in (doc.get("files") or {}).items():
        if not isinstance(kind, str) or kind.strip().lower() not in C.KINDS:
            raise MappingError(f"{where} maps the file pattern '{glob}' to '{kind}'; use 'sessions' or 'feedback'.")
        files.append((glob.strip().lower(), kind.strip().lower()))
    return Mapping(tuple(sorted(columns.items())), tuple(files))


# --------------------------------------------------------------------------- reading


@dataclass
class ReadResult:
    table: pa.Table  # text columns named by the contract, plus __row
    format: str
    encoding: str = ""
    delimiter: str = ""
    unmapped: list[str] = field(default_factory=list)

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter in (";", "\t")


def file_format(name: str) -> str | None:
    return C.FORMAT_BY_EXTENSION.get(Path(name).suffix.lower())


def read_export(data: bytes, name: str, kind: str, mapping: Mapping = EMPTY_MAPPING) -> ReadResult:
    """Read one export's bytes; raise FileRejected with one sentence when it cannot be used."""
    readers = {"text": _read_text, "xlsx": _read_xlsx, "parquet": _read_parquet}
    reader = readers.get(file_format(name))
    if reader is None:
        raise FileRejected(f"{name} is not an accepted format; use .csv, .txt, .parquet or .xlsx.")
    result = reader(data, name, kind, mapping)
    if result.format != "parquet":  # the Parquet reader trims its text columns as it converts them
        result.table = _trim_text(result.table)
    return result


def _map_header(headers: list[str], name: str, kind: str, mapping: Mapping) -> tuple[dict[str, int], list[str]]:
    """Contract column -> position in the file, and the headers that map to nothing."""
    allowed = {c.name for c in C.columns_of(kind)}
    column_map = mapping.column_map
    found: dict[str, int] = {}
    unmapped: list[str] = []
    for position, header in enumerate(headers):
        key = (header or "").strip().lower()
        target = column_map.get(key, key)
        if target not in allowed:
            if key:
                unmapped.append(header.strip())
            continue
        if target in found:
            first = headers[found[target]].strip()
            raise FileRejected(f"{name} has two columns for {target}: '{first}' and '{header.strip()}'.")
        found[target] = position
    missing = [c for c in C.required_columns(kind) if c not in found]
    if missing:
        if len(missing) == 1:
            raise FileRejected(f"{name} is missing the required column {missing[0]}.")
        listed = ", ".join(missing[:-1]) + " and " + missing[-1]
        raise FileRejected(f"{name} is missing the required columns {listed}.")
    return found, unmapped


def _row_numbers(n: int) -> pa.Array:
    import numpy as np

    # Row 1 is the header, so the first record is row 2.
    return pa.array(np.arange(2, n + 2, dtype=np.int64))


def _assemble(columns: list[pa.Array], found: dict[str, int], rows: pa.Array) -> pa.Table:
    names = list(found)
    arrays = [columns[found[n]] for n in names]
    return pa.Table.from_arrays([*arrays, rows], names=[*names, ROW])


def _trim_text(table: pa.Table) -> pa.Table:
    """Surrounding white space (Unicode's, so also a non-breaking space) is never part of a value."""
    import pyarrow.compute as pc

    def trim(name: str):
        return table.column(name) if name == ROW else pc.utf8_trim_whitespace(table.column(name))

    return pa.Table.from_arrays(_each_column(trim, table.column_names), names=table.column_names)


def _each_column(func, items: list) -> list:
    """func over every column in parallel threads: Arrow's kernels release the GIL, so two cores halve a read."""
    if len(items) < 2:
        return [func(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1)) as pool:
        return list(pool.map(func, items))


def _drop_blank_records(table: pa.Table, all_columns: list[pa.Array]) -> pa.Table:
    """Blank lines are rows a spreadsheet shows empty: they keep their number but are not records."""
    if table.num_rows == 0 or not all_columns:
        return table
    import pyarrow.compute as pc

    blank = None
    for col in all_columns:
        is_null = pc.is_null(col)
        blank = is_null if blank is None else pc.and_(blank, is_null)
    if not pc.any(blank).as_py():
        return table
    return table.filter(pc.invert(blank))


def _decode(data: bytes, name: str) -> tuple[str, str, bytes]:
    """Text, the encoding's name, and the text as UTF-8 bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            return body.decode("utf-8"), "utf-8-sig", body
        except UnicodeDecodeError:
            raise FileRejected(f"{name} starts with a UTF-8 mark but is not valid UTF-8 text.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected(f"{name} starts with a UTF-16 mark but is not valid UTF-16 text.") from None
        return text, "utf-16", text.encode("utf-8")
    if b"\x00" in data:
        raise FileRejected(f"{name} is not a text file (it holds NUL bytes); export it as CSV text.")
    try:
        return data.decode("utf-8"), "utf-8", data
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejected(f"{name} is neither UTF-8 nor Windows-1252 text; export it as UTF-8.") from None
    return text, "windows-1252", text.encode("utf-8")


def _detect_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])  # ties: ';' before tab before ','
    return best if counts[best] > 0 else ","


def _diagnose_csv(text: str, name: str, delimiter: str, n_fields: int) -> None:
    """Find the first broken record for the message. Only runs on a file already seen to be broken."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    record = 0
    try:
        for fields in reader:
            record += 1
            if fields and len(fields) != n_fields and record > 1:
                truncated = len(fields) < n_fields and _is_last(reader)
                raise FileRejected(
                    f"{name} row {record} has {len(fields)} fields, but the header has {n_fields}"
                    + ("; the file looks truncated." if truncated else ".")
                )
    except csv.Error as exc:
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise FileRejected(f"{name} ends inside a quoted field at row {record + 1}; the file looks truncated.") from None
        raise FileRejected(f"{name} row {record + 1} cannot be read as CSV: a quote is out of place.") from None


def _is_last(reader) -> bool:
    try:
        for fields in reader:
            if fields:
                return False
    except csv.Error:
        return False
    return True


def _read_text(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise FileRejected(f"{name} is empty.")
    text, encoding, utf8 = _decode(data, name)
    if not text.strip():
        raise FileRejected(f"{name} is empty.")
    delimiter = _detect_delimiter(text)
    try:
        headers = next(csv.reader(io.StringIO(text[: 1 << 16], newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise FileRejected(f"{name} has no readable header row.") from None
    found, unmapped = _map_header(headers, name, kind, mapping)

    if text.count('"') % 2:
        _diagnose_csv(text, name, delimiter, len(headers))
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    names = [f"c{i}" for i in range(len(headers))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows_after_names=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""],
            ),
        )
    except pa.ArrowInvalid:
        _diagnose_csv(text, name, delimiter, len(headers))
        raise FileRejected(f"{name} cannot be read as CSV text.") from None
    if invalid:
        _diagnose_csv(text, name, delimiter, len(headers))
        raise FileRejected(f"{name} has a row whose number of fields differs from the header's.")
    columns = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    assembled = _assemble(columns, found, _row_numbers(table.num_rows))
    assembled = _drop_blank_records(assembled, columns)
    return ReadResult(assembled, "text", encoding, delimiter, unmapped)


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def _read_xlsx(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    import zipfile

    import openpyxl

    if not data:
        raise FileRejected(f"{name} is empty.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise  # not a damaged file: the reader ran out of memory (the upload sandbox reports it)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise FileRejected(f"{name} is not an Excel workbook (.xlsx); it may be another format renamed.") from None
    except Exception:  # openpyxl raises its own InvalidFileException and friends
        raise FileRejected(f"{name} is not an Excel workbook (.xlsx); it may be another format renamed.") from None
    try:
        if not workbook.worksheets:
            raise FileRejected(f"{name} has no sheet.")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            header_row = next(rows)
        except StopIteration:
            raise FileRejected(f"{name} is empty: its first sheet has no header row.") from None
        headers = [_cell_text(v) or "" for v in header_row]
        found, unmapped = _map_header(headers, name, kind, mapping)
        wanted = list(found.values())
        # A workbook is read cell by cell by nature; only the mapped columns are kept.
        columns: list[list] = [[] for _ in wanted]
        for values in rows:
            for out, position in zip(columns, wanted):
                out.append(_cell_text(values[position]) if position < len(values) else None)
    except (FileRejected, MemoryError):
        raise
    except Exception:
        raise FileRejected(f"{name} is damaged: its first sheet cannot be read.") from None
    finally:
        workbook.close()
    n = len(columns[0]) if columns else 0
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    table = pa.Table.from_arrays([*arrays, _row_numbers(n)], names=[*found, ROW])
    table = _drop_blank_records(table, arrays)
    return ReadResult(table, "xlsx", unmapped=unmapped)


def _arrow_to_text(col: pa.ChunkedArray) -> pa.Array:
    import pyarrow.compute as pc

    col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    if pa.types.is_timestamp(col.type):
        col = pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    elif pa.types.is_floating(col.type):
        # Whole floats print without '.0' so integer columns stored as float still read as integers.
        is_whole = pc.equal(col, pc.floor(col))
        col = pc.if_else(is_whole, pc.cast(pc.cast(col, pa.int64(), safe=False), pa.string()), pc.cast(col, pa.string()))
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return pc.utf8_trim_whitespace(pc.cast(col, pa.string()))  # text as stored may carry spaces
    return pc.cast(col, pa.string())  # numbers and dates printed here carry none


def _read_parquet(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    if not data:
        raise FileRejected(f"{name} is empty.")
    try:
        table = pq.read_table(pa.BufferReader(data))
    except MemoryError:
        raise
    except Exception:
        raise FileRejected(f"{name} cannot be read as Parquet; it may be damaged or another format renamed.") from None
    found, unmapped = _map_header(list(table.column_names), name, kind, mapping)
    try:
        converted = _each_column(lambda pos: _arrow_to_text(table.column(pos)), list(found.values()))
        columns = dict(zip(found, converted))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise FileRejected(f"{name} has a column whose Parquet type cannot be read as text or numbers.") from None
    arrays = list(columns.values())
    out = pa.Table.from_arrays([*arrays, _row_numbers(table.num_rows)], names=[*columns, ROW])
    out = _drop_blank_records(out, arrays)
    return ReadResult(out, "parquet", unmapped=unmapped)
