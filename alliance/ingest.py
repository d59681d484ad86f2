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
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import contract as C
from . import limits
from .limits import size_text

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


# A file larger than one block is read as a stream of batches, so that memory holds one
# batch of its text at a time instead of the whole file (gigabytes at ten million rows).
CSV_BLOCK_BYTES = 1 << 24  # bytes of CSV text per batch
PARQUET_BATCH_ROWS = 1 << 19  # rows of a Parquet file per batch


@dataclass
class ReadResult:
    """A file's rows as text columns named by the contract, plus __row.

    `table` is a whole Arrow table for a file of one block, else a RecordBatchReader that
    yields the file batch by batch as it is consumed (once). A problem that only shows in a
    later batch (a broken row deep in a large CSV) cannot be raised by read_export: the
    stream stops, and `failure` holds the FileRejected to report in its place (see
    validate.check_file).
    """

    table: pa.Table | pa.RecordBatchReader
    format: str
    encoding: str = ""
    delimiter: str = ""
    unmapped: list[str] = field(default_factory=list)
    failure: list[FileRejected] = field(default_factory=list)

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter in (";", "\t")

    @property
    def column_names(self) -> list[str]:
        return list(self.table.schema.names)

    @property
    def streamed(self) -> bool:
        return isinstance(self.table, pa.RecordBatchReader)


def file_format(name: str) -> str | None:
    return C.FORMAT_BY_EXTENSION.get(Path(name).suffix.lower())


def check_file_size(size: int, name: str) -> None:
    """A file past ALLIANCE_MAX_FILE_SIZE is rejected before a byte of it is read."""
    if size > limits.max_file_bytes():
        raise FileRejected(f"{name} is {size_text(size)}; the largest file read is {size_text(limits.max_file_bytes())} "
                           "(ALLIANCE_MAX_FILE_SIZE).")


def read_export(data: bytes, name: str, kind: str, mapping: Mapping = EMPTY_MAPPING) -> ReadResult:
    """Read one export's bytes; raise FileRejected with one sentence when it cannot be used.

    Reading is bounded: the file's size, a workbook's unpacked size and compression ratio, and a
    Parquet row group's unpacked size are checked against alliance/limits.py before anything is
    parsed, and every value is cut to one character more than its column allows as it is read
    (so that validation still quarantines it as too long, and no long value is kept whole).
    """
    readers = {"text": _read_text, "xlsx": _read_xlsx, "parquet": _read_parquet}
    reader = readers.get(file_format(name))
    if reader is None:
        raise FileRejected(f"{name} is not an accepted format; use .csv, .txt, .parquet or .xlsx.")
    check_file_size(len(data), name)
    return reader(data, name, kind, mapping)


def _cap(kind: str):
    """For a table of one kind's columns: each text value cut to its column's max_length + 1 characters."""
    import pyarrow.compute as pc

    longest = {c.name: c.max_length for c in C.columns_of(kind)}

    def cap(table: pa.Table) -> pa.Table:
        if table.num_rows == 0:
            return table
        columns = []
        for name in table.column_names:
            column = table.column(name)
            allowed = longest.get(name)
            if allowed is not None and pa.types.is_string(column.type):
                too_long = pc.max(pc.utf8_length(column)).as_py()
                if too_long is not None and too_long > allowed + 1:
                    column = pc.utf8_slice_codeunits(column, 0, allowed + 1)
            columns.append(column)
        return pa.Table.from_arrays(columns, names=table.column_names)

    return cap


def _finish(result: ReadResult, tables, schema: pa.Schema) -> ReadResult:
    """Set result.table from `tables` (a generator of the file's batches as tables, which
    raises FileRejected for a problem in the file): the one table when the file had one
    batch, else a stream of them all. The first two batches are read here, so a problem in
    them (every problem, in a file of one batch) is raised by read_export itself."""
    first = next(tables, None)
    second = next(tables, None) if first is not None else None
    if second is None:
        result.table = first if first is not None else schema.empty_table()
        return result

    ahead = [first, second]  # read up front; each is let go once DuckDB has it

    def stream():
        try:
            while ahead:
                yield from ahead.pop(0).to_batches()
            for table in tables:
                yield from table.to_batches()
        except FileRejected as exc:
            result.failure.append(exc)
            raise

    result.table = pa.RecordBatchReader.from_batches(schema, stream())
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


def _row_numbers(n: int, before: int = 0) -> pa.Array:
    import numpy as np

    # Row 1 is the header, so the first record is row 2 (`before`: records in earlier batches).
    return pa.array(np.arange(before + 2, before + n + 2, dtype=np.int64))


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


HEAD_BYTES = 1 << 16  # the part of a text file decoded for its delimiter and header


def _head(utf8: bytes) -> str:
    import codecs

    return codecs.getincrementaldecoder("utf-8")().decode(utf8[:HEAD_BYTES])  # a cut character waits


def _valid_utf8(data: bytes) -> bool:
    """Whether all of `data` is UTF-8, checked a slice at a time (no copy of the whole text)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 24
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode(data: bytes, name: str) -> tuple[str, str, bytes]:
    """The start of the text (HEAD_BYTES), the encoding's name, and the whole text as UTF-8 bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        if not _valid_utf8(body):
            raise FileRejected(f"{name} starts with a UTF-8 mark but is not valid UTF-8 text.")
        return _head(body), "utf-8-sig", body
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected(f"{name} starts with a UTF-16 mark but is not valid UTF-16 text.") from None
        utf8 = text.encode("utf-8")
        return _head(utf8), "utf-16", utf8
    if b"\x00" in data:
        raise FileRejected(f"{name} is not a text file (it holds NUL bytes); export it as CSV text.")
    if _valid_utf8(data):
        return _head(data), "utf-8", data
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRejected(f"{name} is neither UTF-8 nor Windows-1252 text; export it as UTF-8.") from None
    utf8 = text.encode("utf-8")
    return _head(utf8), "windows-1252", utf8


def _detect_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])  # ties: ';' before tab before ','
    return best if counts[best] > 0 else ","


# The longest record (row) of a text file: the CSV reader takes the text a block at a time, and a
# record must fit in one block. One legitimate row, with a comment at its 10,000-character limit, is
# under 50 KB.
MAX_RECORD_BYTES = CSV_BLOCK_BYTES
csv.field_size_limit(MAX_RECORD_BYTES)  # Python's csv module, which names the broken record, stops there too


def _diagnose_csv(utf8: bytes, name: str, delimiter: str, n_fields: int) -> None:
    """Find the first broken record for the message. Only runs on a file already seen to be broken.

    The text is decoded as it is read (no copy of the whole file), and no field longer than
    MAX_RECORD_BYTES is ever held: the reader stops there and the record is named as too long."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(utf8), encoding="utf-8", newline=""), delimiter=delimiter,
                        strict=True)
    record = 0

    def too_long(row: int) -> FileRejected:
        return FileRejected(f"{name} row {row} is too long: over {size_text(MAX_RECORD_BYTES)}, the most one row may "
                            "hold; the file is not read.")

    try:
        for fields in reader:
            record += 1
            if sum(len(f) for f in fields) > MAX_RECORD_BYTES:
                raise too_long(record)
            if fields and len(fields) != n_fields and record > 1:
                truncated = len(fields) < n_fields and _is_last(reader)
                raise FileRejected(
                    f"{name} row {record} has {len(fields)} fields, but the header has {n_fields}"
                    + ("; the file looks truncated." if truncated else ".")
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise too_long(record + 1) from None
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


_BLANK_BYTES = re.compile(rb"[^ \t\r\n\xef\xbb\xbf\xff\xfe\x00]")


def _read_text(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    if not _BLANK_BYTES.search(data):
        raise FileRejected(f"{name} is empty.")
    head, encoding, utf8 = _decode(data, name)
    if not head.strip() and (len(utf8) <= HEAD_BYTES or not utf8.decode("utf-8").strip()):
        raise FileRejected(f"{name} is empty.")
    delimiter = _detect_delimiter(head)
    try:
        headers = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise FileRejected(f"{name} has no readable header row.") from None
    found, unmapped = _map_header(headers, name, kind, mapping)

    def diagnosed(fallback: str) -> FileRejected:
        """The first broken record, named (the whole text is decoded only for a file already seen to be broken)."""
        try:
            _diagnose_csv(utf8, name, delimiter, len(headers))
        except FileRejected as exc:
            return exc
        return FileRejected(fallback)

    if utf8.count(b'"') % 2:  # '"' is one byte in UTF-8, never part of another character
        _diagnose_csv(utf8, name, delimiter, len(headers))
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    names = [f"c{i}" for i in range(len(headers))]
    try:
        reader = pacsv.open_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows_after_names=1, block_size=CSV_BLOCK_BYTES),
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
        raise diagnosed(f"{name} cannot be read as CSV text.") from None
    schema = pa.schema([*(pa.field(n, pa.string()) for n in found), pa.field(ROW, pa.int64())])

    cap = _cap(kind)

    def tables():
        before = 0
        try:
            for batch in reader:
                columns = batch.columns
                table = _assemble(columns, found, _row_numbers(batch.num_rows, before))
                before += batch.num_rows
                yield cap(_trim_text(_drop_blank_records(table, columns)))
        except pa.ArrowInvalid:
            raise diagnosed(f"{name} cannot be read as CSV text.") from None
        if invalid:
            raise diagnosed(f"{name} has a row whose number of fields differs from the header's.")

    return _finish(ReadResult(None, "text", encoding, delimiter, unmapped), tables(), schema)


def _cell_text(value, longest: int | None = None) -> str | None:
    """A workbook cell as text; a text longer than `longest` + 1 characters is cut there (see _cap)."""
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
    if longest is not None and len(text) > longest + 1:
        text = text.strip()[:longest + 1]
    return text if text.strip() else None


def _read_xlsx(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    import zipfile

    import openpyxl

    if not data:
        raise FileRejected(f"{name} is empty.")
    data = _check_workbook(data, name)
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
        longest = {c.name: c.max_length for c in C.columns_of(kind)}
        caps = [longest.get(column) for column in found]
        # A workbook is read cell by cell by nature; only the mapped columns are kept.
        columns: list[list] = [[] for _ in wanted]
        for values in rows:
            for out, position, cap in zip(columns, wanted, caps):
                out.append(_cell_text(values[position], cap) if position < len(values) else None)
    except (FileRejected, MemoryError):
        raise
    except Exception:
        raise FileRejected(f"{name} is damaged: its first sheet cannot be read.") from None
    finally:
        workbook.close()
    n = len(columns[0]) if columns else 0
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    table = pa.Table.from_arrays([*arrays, _row_numbers(n)], names=[*found, ROW])
    table = _trim_text(_drop_blank_records(table, arrays))
    return ReadResult(table, "xlsx", unmapped=unmapped)


def _arrow_to_text(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    import pyarrow.compute as pc

    if isinstance(col, pa.ChunkedArray):
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


def check_row_groups(metadata, name: str) -> None:
    """Parquet is read a row group at a time: one that expands past ALLIANCE_MAX_UNPACKED is rejected
    from the file's own metadata, before any of it is decompressed."""
    limit = limits.max_unpacked_bytes()
    largest = 0
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        unpacked = max(group.total_byte_size,
                       sum(group.column(j).total_uncompressed_size for j in range(group.num_columns)))
        largest = max(largest, unpacked)
    if largest > limit:
        raise FileRejected(f"{name} has a row group that expands to {size_text(largest)}; the limit is "
                           f"{size_text(limit)} (ALLIANCE_MAX_UNPACKED).")


def expansion_problem(name: str, unpacked: int, size: int) -> FileRejected | None:
    """The sentence that rejects a workbook of `size` bytes that unpacks to `unpacked` bytes, or None
    when both are within their limits (exactly at a limit is within it)."""
    limit, ratio_limit = limits.max_unpacked_bytes(), limits.max_ratio()
    if unpacked > limit:
        return FileRejected(f"{name} expands to {size_text(unpacked)} when unpacked; the limit is "
                            f"{size_text(limit)} (ALLIANCE_MAX_UNPACKED).")
    if unpacked > ratio_limit * max(size, 1):
        return FileRejected(f"{name} expands {unpacked / max(size, 1):,.0f} times when unpacked (to "
                            f"{size_text(unpacked)}); the limit is {ratio_limit:g} times (ALLIANCE_MAX_RATIO).")
    return None


# The longest text a workbook's XML may hand the reader: one character past the longest any column
# allows, so that a longer value is still quarantined as too long (see _cap), but never held whole.
LONGEST_TEXT = max(c.max_length for kind in C.KINDS for c in C.columns_of(kind)) + 1


class _TextRuns:
    """Feeds an XML part to expat a chunk at a time and finds whether any run of text (a cell's value)
    is longer than LONGEST_TEXT; expat hands text over in pieces, so no run is ever held whole."""

    def __init__(self):
        from xml.parsers import expat

        self.parser = expat.ParserCreate()
        self.run = 0
        self.too_long = False
        self.parser.StartElementHandler = self.parser.EndElementHandler = self._boundary
        self.parser.CharacterDataHandler = self._text

    def _boundary(self, *_):
        self.run = 0

    def _text(self, data: str):
        self.run += len(data)
        self.too_long = self.too_long or self.run > LONGEST_TEXT

    def feed(self, chunk: bytes, final: bool = False):
        self.parser.Parse(chunk, final)


def _capped_part(source, out) -> None:
    """Copy one XML part from `source` to `out` (binary streams) with every run of text cut to
    LONGEST_TEXT characters; the markup is written back as expat reads it (an empty element as a
    start and an end tag, which means the same)."""
    from xml.parsers import expat
    from xml.sax.saxutils import escape, quoteattr

    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    pending: list[str] = []
    run = 0

    def flush(force: bool = False):
        if pending and (force or len(pending) > 4096):
            out.write("".join(pending).encode("utf-8"))
            pending.clear()

    def start(tag, attributes):
        nonlocal run
        run = 0
        pairs = "".join(f" {attributes[i]}={quoteattr(attributes[i + 1])}" for i in range(0, len(attributes), 2))
        pending.append(f"<{tag}{pairs}>")
        flush()

    def end(tag):
        nonlocal run
        run = 0
        pending.append(f"</{tag}>")
        flush()

    def text(data):
        nonlocal run
        keep = max(LONGEST_TEXT - run, 0)
        run += len(data)
        if keep:
            pending.append(escape(data[:keep]))
            flush()

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
    while chunk := source.read(1 << 20):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    flush(force=True)


def _check_workbook(data: bytes, name: str) -> bytes:
    """A workbook is a zip file: its unpacked size and compression ratio are checked before a sheet is
    opened, first from the zip's directory, then by counting what each part really decompresses to
    (a directory can understate it), stopping as soon as the count passes the limit.

    The same pass reads each XML part's text runs (_TextRuns). A workbook with a value longer than
    any column allows is then copied with every such value cut (_capped_part), and the copy is what
    the reader opens: openpyxl holds each value whole, and Excel itself stops a cell at 32,767
    characters, so only a crafted or broken export meets this. Returns the bytes to read."""
    import zipfile

    def too_large(unpacked: int) -> FileRejected | None:
        return expansion_problem(name, unpacked, len(data))

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRejected(f"{name} is not an Excel workbook (.xlsx); it may be another format renamed.") from None
    declared = sum(max(part.file_size, 0) for part in parts)
    problem = too_large(declared)
    if problem:
        raise problem
    from xml.parsers.expat import ExpatError

    counted = 0
    long_text: list[str] = []  # the XML parts with a run of text past LONGEST_TEXT
    try:
        for part in parts:
            runs = _TextRuns() if part.filename.endswith((".xml", ".rels")) else None
            with archive.open(part) as stream:
                while chunk := stream.read(1 << 20):
                    counted += len(chunk)
                    problem = too_large(counted)
                    if problem:
                        raise problem
                    if runs is not None:
                        runs.feed(chunk)
            if runs is not None:
                runs.feed(b"", final=True)
                if runs.too_long:
                    long_text.append(part.filename)
        if not long_text:
            return data
        capped = io.BytesIO()
        with zipfile.ZipFile(capped, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            for part in parts:
                with archive.open(part) as source, copy.open(part.filename, "w", force_zip64=True) as target:
                    if part.filename in long_text:
                        _capped_part(source, target)
                    else:
                        while chunk := source.read(1 << 20):
                            target.write(chunk)
        return capped.getvalue()
    except FileRejected:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, ExpatError):
        raise FileRejected(f"{name} is damaged: a part of the workbook cannot be unpacked.") from None


def _read_parquet(data: bytes, name: str, kind: str, mapping: Mapping) -> ReadResult:
    if not data:
        raise FileRejected(f"{name} is empty.")
    unreadable = f"{name} cannot be read as Parquet; it may be damaged or another format renamed."
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        source = parquet.schema_arrow
    except MemoryError:
        raise
    except Exception:
        raise FileRejected(unreadable) from None
    found, unmapped = _map_header(list(source.names), name, kind, mapping)
    schema = pa.schema([*(pa.field(n, pa.string()) for n in found), pa.field(ROW, pa.int64())])
    check_row_groups(parquet.metadata, name)
    cap = _cap(kind)

    def text(batch: pa.RecordBatch, before: int) -> pa.Table:
        try:
            arrays = _each_column(lambda pos: _arrow_to_text(batch.column(pos)), list(found.values()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise FileRejected(f"{name} has a column whose Parquet type cannot be read as text or numbers.") from None
        table = pa.Table.from_arrays([*arrays, _row_numbers(batch.num_rows, before)], schema=schema)
        return cap(_drop_blank_records(table, arrays))

    def tables():
        before = 0
        batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except MemoryError:
                raise
            except Exception:
                raise FileRejected(unreadable) from None
            yield text(batch, before)
            before += batch.num_rows
        if not before:  # no rows: the columns' types must still be readable
            text(pa.RecordBatch.from_arrays([pa.array([], f.type) for f in source], schema=source), 0)

    return _finish(ReadResult(None, "parquet", unmapped=unmapped), tables(), schema)
