"""Writing real export files for tests: any format, delimiter and encoding the contract accepts."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

SESSION_HEADER = ["clinic", "site", "sector", "therapist_id", "client_id", "session_id", "session_date",
                  "session_number", "status", "ors_1", "ors_2", "ors_3", "ors_4", "ors_total"]
FEEDBACK_HEADER = ["clinic", "session_id", "rater", "srs_1", "srs_2", "srs_3", "srs_4", "srs_total",
                   *[f"wai_{i}" for i in range(1, 13)], "wai_mean", "comment"]


def session(clinic="Havbris DPS", session_id="S1", client_id="K1", therapist_id="T1", date="2024-03-01",
            number=1, sector="public", site="", status="attended", ors=(5, 6, 7, 8), ors_total=""):
    return {"clinic": clinic, "site": site, "sector": sector, "therapist_id": therapist_id, "client_id": client_id,
            "session_id": session_id, "session_date": date, "session_number": number, "status": status,
            **{f"ors_{i + 1}": ("" if v is None else v) for i, v in enumerate(ors or (None,) * 4)},
            "ors_total": ors_total}


def feedback(clinic="Havbris DPS", session_id="S1", rater="client", srs=(9, 9, 9, 9), srs_total="",
             wai=None, wai_mean="", comment=""):
    row = {"clinic": clinic, "session_id": session_id, "rater": rater,
           **{f"srs_{i + 1}": ("" if v is None else v) for i, v in enumerate(srs or (None,) * 4)},
           "srs_total": srs_total, "wai_mean": wai_mean, "comment": comment}
    for i in range(12):
        row[f"wai_{i + 1}"] = "" if not wai else wai[i]
    return row


def _cell(value, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and decimal_comma:
        return str(value).replace(".", ",")
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[dict], delimiter: str = ",", encoding: str = "utf-8",
              decimal_comma: bool = False, newline: str = "\n") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(h, ""), decimal_comma) for h in header])
    Path(path).write_bytes(out.getvalue().encode(encoding))
    return Path(path)


def write_xlsx(path: Path, header: list[str], rows: list[dict]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        values = []
        for h in header:
            v = row.get(h, "")
            if h == "session_date" and isinstance(v, str) and len(v) == 10 and v[4] == "-":
                v = dt.datetime.fromisoformat(v)
            values.append(None if v == "" else v)
        ws.append(values)
    wb.save(path)
    return Path(path)


def _is_iso_date(value) -> bool:
    try:
        dt.date.fromisoformat(str(value))
        return len(str(value)) == 10
    except ValueError:
        return False


def write_parquet(path: Path, header: list[str], rows: list[dict]) -> Path:
    columns = {}
    for h in header:
        values = [row.get(h, "") for row in rows]
        values = [None if v == "" else v for v in values]
        if h == "session_date" and all(v is None or _is_iso_date(v) for v in values):
            columns[h] = pa.array([dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values], pa.date32())
        else:
            columns[h] = pa.array([None if v is None else str(v) for v in values], pa.string())
    pq.write_table(pa.table(columns), path)
    return Path(path)


def write_big_sessions(path: Path, n: int, clinic: str = "Big Clinic") -> Path:
    """A large valid sessions CSV, written column-wise (for builds that take a while)."""
    import numpy as np
    import pyarrow.csv as pacsv

    idx = np.arange(n)
    days = np.datetime64("2024-01-01") + (idx % 700).astype("timedelta64[D]")
    table = pa.table({
        "clinic": pa.array(np.full(n, clinic)),
        "sector": pa.array(np.full(n, "public")),
        "therapist_id": pa.array(np.char.add("T", (idx % 40).astype(str))),
        "client_id": pa.array(np.char.add("C", (idx // 20).astype(str))),
        "session_id": pa.array(np.char.add("B", idx.astype(str))),
        "session_date": pa.array(days.astype(str)),
        "session_number": pa.array(idx % 20 + 1),
        "ors_1": pa.array((idx % 11).astype(float)),
        "ors_2": pa.array(np.full(n, 5.5)),
        "ors_3": pa.array(np.full(n, 6.0)),
        "ors_4": pa.array(np.full(n, 7.25)),
    })
    pacsv.write_csv(table, path)
    return Path(path)
