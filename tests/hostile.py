"""Hostile payloads and an exports folder whose clients' comments carry them (tests/test_hostile_input.py)."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

SQL = ("'; DROP TABLE sessions; --", "' OR 1=1 --")
HTML = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
MARKDOWN = ("**bold**", "[link](javascript:alert(1))", "![img](http://evil.invalid/x.png)")
FORMULAS = ('=HYPERLINK("http://evil.invalid/","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")
PAYLOADS = SQL + HTML + MARKDOWN + FORMULAS

CLINIC = "Fjordklinikken"
SITE = "Bergen"
THERAPIST = "FK-BGN-T01"
CLIENT = "FK-K-HOSTILE"


def session_id(n: int) -> str:
    return f"FK-HOSTILE-{n:02d}"


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def hostile_sessions() -> bytes:
    """One new client of an existing therapist: one attended session per payload, newest in the data."""
    return _csv(
        ["clinic", "site", "sector", "therapist_id", "client_id", "session_id", "session_date", "session_number",
         "status", "ors_total"],
        [[CLINIC, SITE, "private", THERAPIST, CLIENT, session_id(n), f"2026-06-{n:02d}", n, "attended", 20 + n / 2]
         for n in range(1, len(PAYLOADS) + 1)],
    )


def hostile_feedback() -> bytes:
    """The client's form at each of those sessions, with a payload as the comment."""
    return _csv(
        ["clinic", "session_id", "rater", "srs_total", "wai_mean", "comment"],
        [[CLINIC, session_id(n), "client", 30 + n / 2, 4, payload] for n, payload in enumerate(PAYLOADS, start=1)],
    )


def write_hostile_exports(sample_data: Path, target: Path) -> Path:
    """A copy of the sample exports plus the hostile client's sessions and feedback."""
    shutil.copytree(sample_data, target)
    (target / "sessions_zz_hostile.csv").write_bytes(hostile_sessions())
    (target / "feedback_zz_hostile.csv").write_bytes(hostile_feedback())
    return target


# --------------------------------------------------------------------------- files that ask too much of a reader

SESSION_COLUMNS = ["clinic", "sector", "therapist_id", "client_id", "session_id", "session_date", "session_number"]


def parquet_bomb(rows_per_group: int = 200_000, groups: int = 50) -> bytes:
    """A few hundred kilobytes of Parquet that expand to 10 million rows of text (well over 1 GB in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = ["Klinikk Nord", "public", "T01", "C01", "S1", "2024-03-05", "1"]
    table = pa.table({c: pa.array([v] * rows_per_group) for c, v in zip(SESSION_COLUMNS, values)})
    out = io.BytesIO()
    with pq.ParquetWriter(out, table.schema, compression="zstd") as writer:
        for _ in range(groups):
            writer.write_table(table)
    return out.getvalue()


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def slow_workbook(rows: int = 100_000) -> bytes:
    """A 1 MB workbook of many small cells: a workbook is read cell by cell, so this takes many seconds."""
    values = ["Klinikk Nord", "public", "T01", None, None, "2024-03-05", "1"]
    records = [dict(zip(SESSION_COLUMNS, values), client_id=f"C{i}", session_id=f"S{i}") for i in range(rows)]
    out = io.BytesIO()
    text_workbook(out, SESSION_COLUMNS, records)
    return out.getvalue()


def small_sessions(session: str = "S1") -> bytes:
    """A valid one-row session export (distinct bytes per session id)."""
    return _csv(SESSION_COLUMNS, [["Klinikk Nord", "public", "T01", "C01", session, "2024-03-05", 1]])


def workbook_bomb(path: Path, cells: int = 40, megabytes: int = 50) -> Path:
    """A feedback workbook whose comment cells hold `megabytes` MB each: with the defaults 9 MB on
    disk that unpacks to 2 GB (the file a clinic's nightly job met). Written a megabyte at a time."""
    import zipfile

    header = ["clinic", "session_id", "rater", "srs_total", "comment"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.'
                      b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">')
            out.write("".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in header).encode() + b"</row>")
            block = b"a" * (1 << 20)
            for i in range(cells):
                out.write(f'<row r="{i + 2}"><c t="inlineStr"><is><t>Havbris DPS</t></is></c><c t="inlineStr"><is>'
                          f'<t>S{i}</t></is></c><c t="inlineStr"><is><t>client</t></is></c><c><v>30</v></c>'
                          '<c t="inlineStr"><is><t>'.encode())
                for _ in range(megabytes):
                    out.write(block)
                out.write(b"</t></is></c></row>")
            out.write(b"</sheetData></worksheet>")
    return path


def csv_with_long_rows(path: Path, rows: int = 2, megabytes: int = 150) -> Path:
    """A feedback CSV whose rows after the first hold a comment of `megabytes` MB each."""
    with path.open("wb") as out:
        out.write(b"clinic,session_id,rater,srs_total,comment\nHavbris DPS,S1,client,30,short\n")
        block = b"b" * (1 << 20)
        for i in range(rows):
            out.write(b"Havbris DPS,SX%d,client,30," % i)
            for _ in range(megabytes):
                out.write(block)
            out.write(b"\n")
    return path


def plain_text(megabytes: int, seed: int = 5) -> str:
    """Letters and spaces that compress about as little as prose does (no workbook ratio limit trips on them)."""
    import random

    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzæøå") for _ in range(rng.randint(2, 9)))
             for _ in range(5000)]
    text, size = [], 0
    while size < megabytes * 1024**2:
        word = rng.choice(words)
        text.append(word)
        size += len(word) + 1
    return " ".join(text)[:megabytes * 1024**2]


def text_workbook(path, header: list[str], rows: list[dict]):
    """A workbook of inline strings written as its XML directly (to a path or a binary file), so that a
    cell may hold more than the 32,767 characters that openpyxl (and Excel) cut a cell to: what a
    crafted or broken export can hold."""
    import zipfile
    from xml.sax.saxutils import escape

    def row(number: int, values: list) -> str:
        cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' if v not in (None, "") else "<c/>"
                        for v in values)
        return f'<row r="{number}">{cells}</row>'

    body = [row(1, header)] + [row(i + 2, [r.get(h, "") for h in header]) for i, r in enumerate(rows)]
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(body) + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, text)
    return path
