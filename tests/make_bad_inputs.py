"""(Re)write the bad-input corpus in tests/bad_inputs/ deterministically.

    python tests/make_bad_inputs.py            # rewrite tests/bad_inputs/{single,folders}
    python tests/make_bad_inputs.py --out DIR  # write the same bytes elsewhere

Every case needs exact bytes (encodings, BOMs, line endings, truncation, NUL
bytes, workbooks, Parquet), so the files are generated here rather than edited
by hand. The expected outcome of each file is described in
tests/bad_inputs/cases.py; tests/test_bad_inputs.py checks that the two agree.

Layout:
  single/<file>            one file per case, all checked (and ingested) together;
                           session ids are unique across the folder so that no
                           case replaces another, and every feedback row's
                           session is in sessions_base_for_feedback.csv
  folders/<case>/<file>    cases that need a folder of their own (columns.toml,
                           several files, orphans, replacement, duplicate bytes)
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "bad_inputs"
GENERATED_DIRS = ("single", "folders")

SESSION_HEADER = [
    "clinic", "site", "sector", "therapist_id", "client_id", "session_id", "session_date",
    "session_number", "status", "ors_1", "ors_2", "ors_3", "ors_4", "ors_total",
]
FEEDBACK_HEADER = [
    "clinic", "session_id", "rater", "srs_1", "srs_2", "srs_3", "srs_4", "srs_total",
    *(f"wai_{i}" for i in range(1, 13)), "wai_mean", "comment",
]
CLINIC = "Klinikk Nord"
SECRET = "HEMMELIG-KOMMENTAR"  # every comment in the corpus contains this marker

# Session ids used by feedback rows in single/: written to sessions_base_for_feedback.csv
_FEEDBACK_SESSION_IDS: list[str] = []


# --------------------------------------------------------------------------- rows
def ses(session_id: str, **over: str) -> dict[str, str]:
    row = {
        "clinic": CLINIC, "site": "Sentrum", "sector": "public", "therapist_id": "T01",
        "client_id": "C01", "session_id": session_id, "session_date": "2024-03-05",
        "session_number": "1", "status": "attended",
        "ors_1": "5", "ors_2": "6", "ors_3": "7", "ors_4": "8", "ors_total": "26",
    }
    row.update(over)
    return row


def fb(session_id: str, rater: str = "client", register: bool = True, **over: str) -> dict[str, str]:
    row = dict.fromkeys(FEEDBACK_HEADER, "")
    row.update(clinic=CLINIC, session_id=session_id, rater=rater)
    if rater in ("client", "klient", "pasient", "patient"):
        row.update(srs_1="9", srs_2="9", srs_3="8", srs_4="9", srs_total="35")
    for i in range(1, 13):
        row[f"wai_{i}"] = "4"
    row["wai_mean"] = "4"
    row["comment"] = f"{SECRET}-{session_id}-{rater}"
    row.update(over)
    if register and row["session_id"].strip() and row["session_id"] not in _FEEDBACK_SESSION_IDS:
        _FEEDBACK_SESSION_IDS.append(row["session_id"])
    return row


def no_srs() -> dict[str, str]:
    return {"srs_1": "", "srs_2": "", "srs_3": "", "srs_4": "", "srs_total": ""}


def no_wai() -> dict[str, str]:
    d = {f"wai_{i}": "" for i in range(1, 13)}
    d["wai_mean"] = ""
    return d


def no_ors() -> dict[str, str]:
    return {"ors_1": "", "ors_2": "", "ors_3": "", "ors_4": "", "ors_total": ""}


def table(header: list[str], rows: list[dict[str, str]]) -> list[list[str]]:
    return [list(header)] + [[r.get(c, "") for c in header] for r in rows]


def csv_text(records: list[list[str]], delimiter: str = ",", eol: str = "\n",
             final_eol: bool = True, quote_all: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=eol,
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for rec in records:
        w.writerow(rec)
    text = buf.getvalue()
    if not final_eol and text.endswith(eol):
        text = text[: -len(eol)]
    return text


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def decimal_comma(rows: list[dict[str, str]], columns) -> list[dict[str, str]]:
    out = []
    for r in rows:
        r = dict(r)
        for c in columns:
            r[c] = r[c].replace(".", ",")
        out.append(r)
    return out


# ---------------------------------------------------------------- binary formats
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


def _deterministic_zip(raw: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps (openpyxl stamps 'now' everywhere)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>2024-01-01T00:00:00Z\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def xlsx(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.creator = "make_bad_inputs"
    wb.properties.created = FIXED_TIME
    first = True
    for title, rows in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "dd.mm.yyyy hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "dd.mm.yyyy"
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def parquet(columns: dict[str, object]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table(columns)
    buf = io.BytesIO()
    pq.write_table(t, buf, compression="NONE", store_schema=False)
    return buf.getvalue()


def plain_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return out.getvalue()


def pseudo_random(n: int, seed: str) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return out[:n]


# ----------------------------------------------------------------- single/ cases
def single_cases() -> dict[str, bytes]:
    _FEEDBACK_SESSION_IDS.clear()
    f: dict[str, bytes] = {}
    S, F = SESSION_HEADER, FEEDBACK_HEADER

    # --- encodings, delimiters, quoting, line endings -------------------------
    f["sessions_utf8_bom.csv"] = b"\xef\xbb\xbf" + utf8(csv_text(table(S, [
        ses("BOM-1", site="Tromsø"),
        ses("BOM-2", site="Ålesund 😀", session_number="2"),
    ])))
    f["sessions_utf8_bom_semicolon.csv"] = b"\xef\xbb\xbf" + utf8(csv_text(table(S, decimal_comma([
        ses("BOMSC-1", ors_1="7.5", ors_total="28.5", site="Bærum"),
    ], ["ors_1", "ors_total"])), delimiter=";", eol="\r\n"))
    f["sessions_cp1252.csv"] = csv_text(table(S, decimal_comma([
        ses("CP-1", site="Bodø – Ærøy", status="oppmøtt", client_id="Kåre-Ø", ors_2="6.5", ors_total="26.5"),
        ses("CP-2", site="Å", status="ikke møtt", sector="offentlig", session_number="2"),
    ], ["ors_2", "ors_total"])), delimiter=";", eol="\r\n").encode("cp1252")
    f["sessions_utf16.txt"] = b"\xff\xfe" + csv_text(table(S, decimal_comma([
        ses("U16-1", site="Tønsberg", ors_1="7.5", ors_total="28.5"),
        ses("U16-2", site="Sandefjord", client_id="Øystein", session_number="2"),
    ], ["ors_1", "ors_total"])), delimiter="\t", eol="\r\n").encode("utf-16-le")
    f["sessions_semicolon_decimal_comma.csv"] = utf8(csv_text(table(S, decimal_comma([
        ses("SC-1", ors_1="7.5", ors_2="6.25", ors_3="5", ors_4="8", ors_total="26.75"),
        ses("SC-2", ors_1="0.5", ors_2="1", ors_3="1", ors_4="1", ors_total="3.5", session_number="2"),
    ], ["ors_1", "ors_2", "ors_total"])), delimiter=";"))
    f["sessions_tab_decimal_comma.txt"] = utf8(csv_text(table(S, decimal_comma([
        ses("TAB-1", ors_1="4.5", ors_2="5.5", ors_total="25"),
        ses("TAB-2", ors_1="9.75", ors_total="30.75", session_number="2"),
    ], ["ors_1", "ors_2", "ors_total"])), delimiter="\t"))
    f["sessions_comma_quoted_decimal_comma.csv"] = utf8(csv_text(table(S, [
        ses("QDC-1", ors_1="7,5", ors_2="6,5", ors_3="5,5", ors_4="8,5", ors_total=""),
        ses("QDC-2", session_number="2"),
    ])))
    f["feedback_quoted_fields.csv"] = utf8(csv_text(table(F, [
        fb("QF-1", comment=f'{SECRET}-QF1: hun sa "bra", takk;\nny linje, med komma\n\tog tab'),
        fb("QF-2", srs_1="11", srs_total=""),
        fb("QF-3", comment=f'{SECRET}-QF3 "sitat" , komma'),
    ])))
    f["sessions_quoted_fields.csv"] = utf8(csv_text(table(S, [
        ses("QS-1", site="Oslo, Majorstuen"),
        ses("QS-2", site='Sentrum "Nord"', session_number="2"),
        ses("QS-3", site="Linje 1\nLinje 2\nLinje 3", session_number="3"),
        ses("QS-4", session_number="0"),
    ])))
    s_crlf = S[:8] + S[9:] + ["status"]  # status last: a stray \r would make it an unknown word
    f["sessions_crlf.csv"] = utf8(csv_text(table(s_crlf, [
        ses("CRLF-1"), ses("CRLF-2", session_number="2", status="cancelled"),
    ]), eol="\r\n"))
    f["sessions_no_final_newline.csv"] = utf8(csv_text(table(S, [
        ses("NFN-1"), ses("NFN-2", session_number="2", ors_total="26"),
    ]), final_eol=False))
    f["feedback_semicolon_commas_in_text.csv"] = utf8(csv_text(table(F, decimal_comma([
        fb("SCT-1", srs_1="8.5", srs_total="34.5", comment=f"{SECRET}-SCT1, bra, takk"),
        fb("SCT-2", **{**no_srs(), **no_wai()}, comment=f"{SECRET}-SCT2 , a , b"),
    ], ["srs_1", "srs_total"]) + [
        fb("SCT-3", **{**no_srs(), **no_wai(), "srs_total": "33,5", "wai_mean": "3,5"}, comment=f"{SECRET}-SCT3,x"),
    ]), delimiter=";"))
    f["SESSIONS_UPPER.CSV"] = utf8(csv_text(table(S, [ses("UP-1")])))
    f["feedback_emoji_comment.csv"] = utf8(csv_text(table(F, [
        fb("EMO-1", comment=f"{SECRET}-EMO1 Takk for timen 🙏😀 blåbærsyltetøy ÆØÅ"),
    ])))

    # --- unreadable files -----------------------------------------------------
    f["sessions_empty.csv"] = b""
    f["sessions_header_only.csv"] = utf8(csv_text([S]))
    f["feedback_truncated.csv"] = utf8(csv_text(table(F, [fb("TR-1")])) + ",".join(
        [CLINIC, "TR-2", "client", "9", "9", "9", "9", "36"] + ["4"] * 12 + ["4", f'"{SECRET}-TR2 dette ble av']))
    too_few = csv_text(table(S, [ses("FEW-1")])) + "Klinikk Nord,Sentrum,public,T01,C01\n" \
        + csv_text([[ses("FEW-3")[c] for c in S]])
    f["sessions_too_few_fields.csv"] = utf8(too_few)
    f["feedback_too_many_fields.csv"] = utf8(csv_text(table(F, [fb("MANY-1")])) + ",".join(
        [CLINIC, "MANY-2", "client", "9", "9", "9", "9", "36"] + ["4"] * 12 + ["4", f"{SECRET}-MANY2 bra, takk"]) + "\n")
    f["sessions_binary.csv"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + pseudo_random(600, "binary") + b"\x00" * 64
    f["sessions_not_workbook.xlsx"] = utf8(csv_text(table(S, [ses("NWB-1")])))
    f["feedback_zip_not_workbook.xlsx"] = plain_zip({"hei.txt": b"Dette er ikke en arbeidsbok.\n"})
    f["sessions_not_parquet.parquet"] = utf8(csv_text(table(S, [ses("NPQ-1")])))

    # --- native formats -----------------------------------------------------------
    def xrow(r: dict[str, object]) -> list[object]:
        return [r.get(c) for c in S]

    f["sessions_native_dates.xlsx"] = xlsx([("Timer", [S] + [
        xrow({**ses("XD-1"), "session_date": dt.date(2024, 3, 5), "session_number": 1,
              "ors_1": 5, "ors_2": 6, "ors_3": 7.5, "ors_4": 8, "ors_total": 26.5}),
        xrow({**ses("XD-2"), "session_date": dt.datetime(2024, 3, 12, 14, 30), "session_number": 2,
              "ors_1": None, "ors_2": None, "ors_3": None, "ors_4": None, "ors_total": None, "site": "Tromsø"}),
        xrow({**ses("XD-3"), "session_date": "19.03.2024", "session_number": 3,
              "ors_1": 5, "ors_2": 6, "ors_3": 7, "ors_4": 8, "ors_total": 26}),
    ])])
    f["sessions_two_sheets.xlsx"] = xlsx([
        ("Timer", [S, xrow({**ses("X2S-1"), "session_date": dt.date(2024, 4, 2), "session_number": 1,
                            "ors_1": 1, "ors_2": 2, "ors_3": 3, "ors_4": 4, "ors_total": 10})]),
        ("Notater", [["dette", "er", "ikke"], ["data", None, 12]]),
    ])
    f["feedback_header_only.xlsx"] = xlsx([("Skjema", [F])])

    import pyarrow as pa

    def pq_sessions(ids, dates, dtype):
        n = len(ids)
        return {
            "clinic": pa.array([CLINIC] * n), "site": pa.array(["Sentrum", None][:n]),
            "sector": pa.array(["public", "privat"][:n]), "therapist_id": pa.array(["T01"] * n),
            "client_id": pa.array(["C01"] * n), "session_id": pa.array(ids),
            "session_date": pa.array(dates, type=dtype),
            "session_number": pa.array(list(range(1, n + 1)), type=pa.int64()),
            "status": pa.array(["attended", None][:n]),
            "ors_1": pa.array([5.0, 7.5][:n]), "ors_2": pa.array([6.0, 5.0][:n]),
            "ors_3": pa.array([7.0, 5.0][:n]), "ors_4": pa.array([8.0, 5.0][:n]),
            "ors_total": pa.array([26.0, None][:n]),
        }

    f["sessions_native_dates.parquet"] = parquet(
        pq_sessions(["PQD-1", "PQD-2"], [dt.date(2024, 3, 5), dt.date(2024, 3, 12)], pa.date32()))
    f["sessions_native_timestamp.parquet"] = parquet(
        pq_sessions(["PQT-1", "PQT-2"], [dt.datetime(2024, 3, 5, 9, 15), dt.datetime(2024, 3, 12, 23, 59, 59)],
                    pa.timestamp("us")))

    # --- columns ----------------------------------------------------------------
    f["sessions_missing_column.csv"] = utf8(csv_text(table([c for c in S if c != "client_id"], [ses("MC-1")])))
    f["sessions_missing_two_columns.csv"] = utf8(csv_text(table(
        [c for c in S if c not in ("therapist_id", "session_date")], [ses("MC2-1")])))
    f["feedback_missing_column.csv"] = utf8(csv_text(table([c for c in F if c != "rater"], [fb("MCF-1")])))
    odd = ["  CLINIC ", "Site", " Sector ", "Therapist_ID", "CLIENT_id  ", "Session_Id", "SESSION_DATE",
           "Session_Number", "STATUS", "ORS_1", "Ors_2", "oRS_3", "ORS_4 ", " ORS_TOTAL"]
    odd_text = csv_text([odd] + [[r[c] for c in S] for r in [
        ses("ODD-1", therapist_id=" T07 "), ses("ODD-2", session_number="2")]])
    f["sessions_odd_header_case.csv"] = utf8(odd_text.replace(", Sector ,", '," Sector ",', 1))
    f["sessions_unmapped_column.csv"] = utf8(csv_text(table(S + ["Notat", "Romnummer"], [
        {**ses("UNM-1"), "Notat": "fritekst", "Romnummer": "12"},
    ])))

    # --- row rules: missing required values ---------------------------------------
    f["sessions_missing_values.csv"] = utf8(csv_text(table(S, [
        ses("MV-1", clinic=""),
        ses("MV-2", sector=""),
        ses("MV-3", therapist_id=""),
        ses("MV-4", client_id=""),
        ses("", session_number="5"),
        ses("MV-6", session_date=""),
        ses("MV-7", session_number=""),
        ses("MV-8", therapist_id="   "),
        ses("MV-9"),
    ])))
    f["feedback_missing_values.csv"] = utf8(csv_text(table(F, [
        fb("MVF-1", clinic=""),
        fb("", register=False),
        fb("MVF-3", rater=""),
        fb("MVF-4"),
    ])))

    # --- row rules: types and words ---------------------------------------------------
    f["sessions_bad_number.csv"] = utf8(csv_text(table(S, [
        ses("BN-1", ors_1="", ors_2="", ors_3="", ors_4="", ors_total="mye"),
        ses("BN-2", session_number="tre"),
        ses("BN-3", ors_1="", ors_2="", ors_3="", ors_4="", ors_total="12abc"),
        ses("BN-4"),
    ])))
    f["sessions_bad_date.csv"] = utf8(csv_text(table(S, [
        ses("BD-1", session_date="31.02.2024"),
        ses("BD-2", session_date="2024-13-01"),
        ses("BD-3", session_date="29.02.2023"),
        ses("BD-4", session_date="neste uke"),
        ses("BD-5", session_date="05/03/2024"),
        ses("BD-6", session_date="29.02.2024"),
    ])))
    f["sessions_unknown_words.csv"] = utf8(csv_text(table(S, [
        ses("UW-1", sector="kommunal"),
        ses("UW-2", status="kanskje"),
        ses("UW-3"),
    ])))
    f["feedback_unknown_rater.csv"] = utf8(csv_text(table(F, [
        fb("UR-1", rater="mor"),
        fb("UR-2"),
    ])))

    # --- row rules: ranges ------------------------------------------------------------
    f["feedback_srs_out_of_range.csv"] = utf8(csv_text(table(F, [
        fb("SRR-1", srs_1="11", srs_total=""),
        fb("SRR-2", srs_1="", srs_2="", srs_3="", srs_4="", srs_total="41"),
        fb("SRR-3", srs_2="-0.5", srs_total=""),
        fb("SRR-4", srs_1="10", srs_2="10", srs_3="10", srs_4="10", srs_total="40"),
    ])))
    f["feedback_wai_out_of_range.csv"] = utf8(csv_text(table(F, [
        fb("WRR-1", wai_1="0", wai_mean=""),
        fb("WRR-2", wai_2="6", wai_mean=""),
        fb("WRR-3", **{**no_wai(), "wai_mean": "0.5"}),
        fb("WRR-4", **{**no_wai(), "wai_mean": "5.5"}),
        fb("WRR-5", **{f"wai_{i}": "5" for i in range(1, 13)}, wai_mean="5"),
    ])))
    f["sessions_ors_out_of_range.csv"] = utf8(csv_text(table(S, [
        ses("ORR-1", ors_1="-1", ors_total=""),
        ses("ORR-2", ors_4="10.5", ors_total=""),
        ses("ORR-3", **{**no_ors(), "ors_total": "41"}),
        ses("ORR-4", **{**no_ors(), "ors_total": "-1"}),
        ses("ORR-5", ors_1="0", ors_2="0", ors_3="0", ors_4="0", ors_total="0"),
    ])))
    f["feedback_wai_not_whole.csv"] = utf8(csv_text(table(F, [
        fb("WNW-1", wai_1="3.5", wai_mean=""),
        fb("WNW-2"),
    ])))
    f["sessions_session_number_zero.csv"] = utf8(csv_text(table(S, [
        ses("SN0-1", session_number="0"),
        ses("SN0-2", session_number="-1"),
        ses("SN0-3", session_number="2.5"),
        ses("SN0-4", session_number="1"),
    ])))
    f["sessions_date_range.csv"] = utf8(csv_text(table(S, [
        ses("DR-1", session_date="1999-12-31"),
        ses("DR-2", session_date="31.12.1999"),
        ses("DR-3", session_date="2099-01-01"),
        ses("DR-4", session_date="01.01.2000"),
    ])))

    # --- row rules: instruments --------------------------------------------------------
    f["feedback_partial_srs.csv"] = utf8(csv_text(table(F, [
        fb("PS-1", srs_4="", srs_total=""),
        fb("PS-2", srs_2="", srs_3="", srs_4="", srs_total="35"),
        fb("PS-3"),
    ])))
    f["feedback_partial_wai.csv"] = utf8(csv_text(table(F, [
        fb("PW-1", wai_12="", wai_mean=""),
        fb("PW-2"),
    ])))
    f["sessions_partial_ors.csv"] = utf8(csv_text(table(S, [
        ses("PO-1", ors_4="", ors_total=""),
        ses("PO-2"),
    ])))
    wai_49 = {**{f"wai_{i}": "4" for i in range(1, 12)}, "wai_12": "5"}  # mean 49/12 = 4.0833
    f["feedback_total_mismatch.csv"] = utf8(csv_text(table(F, [
        fb("TM-1", srs_1="9", srs_2="9", srs_3="9", srs_4="9", srs_total="35"),
        fb("TM-2", wai_mean="3.5"),
        fb("TM-3", srs_1="8", srs_2="8", srs_3="8", srs_4="8", srs_total="32.06"),
        fb("TM-4", **wai_49, wai_mean="4.02"),
        fb("TM-5", srs_1="8.3", srs_2="8.6", srs_3="8.8", srs_4="8.9", srs_total="34.55"),
        fb("TM-6", srs_1="8", srs_2="8", srs_3="8", srs_4="8", srs_total="32.04"),
        fb("TM-7", **wai_49, wai_mean="4.13"),
    ])))
    f["sessions_total_mismatch.csv"] = utf8(csv_text(table(S, [
        ses("OTM-1", ors_total="26.06"),
        ses("OTM-2", ors_total="27"),
        ses("OTM-3", ors_1="0.1", ors_2="0.2", ors_3="0.3", ors_4="0.4", ors_total="1.05"),
        ses("OTM-4", ors_total="25.95"),
    ])))
    f["feedback_srs_on_therapist_form.csv"] = utf8(csv_text(table(F, [
        fb("STF-1", rater="therapist", srs_1="9", srs_2="9", srs_3="9", srs_4="9", srs_total="36"),
        fb("STF-2", rater="terapeut", srs_total="30"),
        fb("STF-3", rater="behandler"),
    ])))

    # --- row rules: keys and duplicates ------------------------------------------------
    f["sessions_key_conflict.csv"] = utf8(csv_text(table(S, [
        ses("KC-1", therapist_id="T01"),
        ses("KC-2"),
        ses("KC-1", therapist_id="T02"),
        ses("KC-1", clinic="Klinikk Sør"),
    ])))
    f["feedback_key_conflict.csv"] = utf8(csv_text(table(F, [
        fb("KF-1", rater="client"),
        fb("KF-1", rater="therapist"),
        fb("KF-1", rater="klient", srs_1="5", srs_total="31"),
    ])))
    f["sessions_identical_rows.csv"] = utf8(csv_text(table(S, [ses("IR-1"), ses("IR-1"), ses("IR-2")])))
    f["sessions_identical_after_parsing.csv"] = utf8(csv_text(table(S, [
        ses("IAP-1", sector="public", session_date="2024-03-05", client_id=" C01", status="attended", ors_1="5"),
        ses("IAP-1", sector="offentlig", session_date="05.03.2024", client_id="C01 ", status="", ors_1="5.0"),
    ])))
    f["feedback_identical_rows.csv"] = utf8(csv_text(table(F, [
        fb("IRF-1", rater="client", comment=f"{SECRET}-IRF1"),
        fb("IRF-1", rater="klient", comment=f"{SECRET}-IRF1"),
    ])))

    # --- several problems, oversized fields --------------------------------------------
    f["sessions_several_problems.csv"] = utf8(csv_text(table(S, [
        ses("SP-1", sector="kommunal", session_date="31.02.2024", session_number="0", ors_1="11",
            ors_total="", client_id=""),
        ses("SP-2"),
    ])))
    f["feedback_several_problems.csv"] = utf8(csv_text(table(F, [
        fb("SPF-1", clinic="", rater="therapist", srs_1="9", srs_2="9", srs_3="9", srs_4="9", srs_total="36",
           wai_3="6", wai_mean=""),
        fb("SPF-2"),
    ])))
    big = (f"{SECRET}-STOR " * 1000)[:12_000]
    exact = ("blåbær-og-æøå-" * 800)[:10_000 - len(SECRET) - 1]
    f["feedback_oversized_comment.csv"] = utf8(csv_text(table(F, [
        fb("BIG-1", comment=big),
        fb("BIG-2", comment=f"{SECRET} {exact}"),
    ])))
    f["sessions_long_id.csv"] = utf8(csv_text(table(S, [
        ses("LID-1", therapist_id="T" * 201),
        ses("LID-2", therapist_id="T" * 200),
    ])))

    # --- accepted forms ------------------------------------------------------------------
    f["sessions_norwegian_words.csv"] = utf8(csv_text(table(S, [
        ses("NW-1", sector="offentlig", status="oppmøtt"),
        ses("NW-2", sector="privat", status="avlyst", session_number="2"),
        ses("NW-3", sector="offentlig", status="ikke møtt", session_number="3"),
    ])))
    f["sessions_words_any_case.csv"] = utf8(csv_text(table(S, [
        ses("WAC-1", sector="Public", status="Attended"),
        ses("WAC-2", sector="PRIVAT", status="Ikke Møtt", session_number="2"),
    ])))
    f["feedback_norwegian_raters.csv"] = utf8(csv_text(table(F, [
        fb("NR-1", rater="klient"),
        fb("NR-2", rater="pasient"),
        fb("NR-3", rater="patient"),
        fb("NR-1", rater="terapeut", comment=""),
        fb("NR-2", rater="behandler", comment=""),
    ])))
    f["sessions_date_forms.csv"] = utf8(csv_text(table(S, [
        ses("DF-1", session_date="05.03.2024"),
        ses("DF-2", session_date="2024-03-05 14:30", session_number="2"),
        ses("DF-3", session_date="2024-03-05 14:30:15", session_number="3"),
        ses("DF-4", session_date="2024-03-05", session_number="4"),
    ])))
    f["sessions_date_iso_t.csv"] = utf8(csv_text(table(S, [
        ses("DT-1", session_date="2024-03-05T14:30:00"),
    ])))
    f["sessions_na_strings.csv"] = utf8(csv_text(table(S, [
        ses("NA", therapist_id="NA", client_id="null", site="None"),
        ses("N/A", therapist_id="NaN", client_id="n/a", session_number="2"),
    ])))

    # --- not exports -------------------------------------------------------------------
    f["readme.txt"] = utf8("Eksporter fra journalsystemet.\nIkke rediger filene for hånd.\n")
    f["notater.csv"] = utf8("dato,notat\n2024-03-05,husk møtet\n")
    f["~$sessions_lock.xlsx"] = b"\x0bKari Nordmann" + b"\x00" * 40 + b" " * 100

    # Sessions for every feedback row above, so that no feedback row is an orphan.
    base = [ses(sid, therapist_id="TFB", client_id=f"CFB-{i:03d}", session_number="1")
            for i, sid in enumerate(_FEEDBACK_SESSION_IDS, start=1)]
    f["sessions_base_for_feedback.csv"] = utf8(csv_text(table(S, base)))
    return f


# ---------------------------------------------------------------- folders/ cases
def folder_cases() -> dict[str, bytes]:
    S, F = SESSION_HEADER, FEEDBACK_HEADER
    f: dict[str, bytes] = {}

    def put(folder: str, name: str, data: bytes) -> None:
        f[f"{folder}/{name}"] = data

    # A valid store to exist before the bad columns.toml cases.
    put("base", "sessions_base.csv", utf8(csv_text(table(S, [ses("BASE-1"), ses("BASE-2", session_number="2")]))))
    put("base", "feedback_base.csv", utf8(csv_text(table(F, [fb("BASE-1", register=False)]))))

    dato_header = ["Dato" if c == "session_date" else c for c in S]
    put("columns_not_toml", "columns.toml", utf8('[columns\n"Dato" = session_date\nthis is not = = toml\n'))
    put("columns_not_toml", "sessions_new.csv", utf8(csv_text(
        table(dato_header, [{**ses("NT-1"), "Dato": "2024-03-05"}]))))
    put("columns_unknown_column", "columns.toml", utf8('[columns]\n"Dato" = "session_datum"\n'))
    put("columns_unknown_column", "sessions_new.csv", utf8(csv_text(
        table(dato_header, [{**ses("UC-1"), "Dato": "2024-03-05"}]))))

    put("columns_files_glob", "columns.toml", utf8(
        '# header and file-name mapping from the EHR vendor\n'
        '[columns]\n"Klient-ID" = "client_id"\n"Dato" = "session_date"\n"Terapeut" = "therapist_id"\n'
        '"Skjema-ID" = "session_id"\n\n'
        '[files]\n"timer_*.csv" = "sessions"\n"skjema_*.csv" = "feedback"\n'))
    timer_header = ["clinic", "sector", "TERAPEUT", " klient-id ", "session_id", "dato", "session_number", "status"]
    put("columns_files_glob", "timer_2024.csv", utf8(csv_text([timer_header] + [
        [CLINIC, "offentlig", "T01", "C01", "GL-1", "05.03.2024", "1", "oppmøtt"],
        [CLINIC, "offentlig", "T01", "C01", "GL-2", "12.03.2024", "2", "oppmøtt"],
    ], delimiter=";")))
    put("columns_files_glob", "skjema_2024.csv", utf8(csv_text([["clinic", "Skjema-ID", "rater", "srs_total", "comment"]] + [
        [CLINIC, "GL-1", "klient", "34", f"{SECRET}-GL1"],
        [CLINIC, "GL-2", "klient", "36", ""],
    ])))
    put("columns_files_glob", "notater.txt", utf8("Ikke en eksport.\n"))

    put("not_export", "sessions_ok.csv", utf8(csv_text(table(S, [ses("NE-1")]))))
    put("not_export", "README.txt", utf8("Eksportmappe. Se rutinebeskrivelsen.\n"))
    put("not_export", "~$sessions_ok.xlsx", b"\x0bKari Nordmann" + b"\x00" * 40)
    put("not_export", "rapport.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + pseudo_random(300, "pdf"))
    put("not_export", "eksport.log", utf8("2024-03-05 eksport ferdig\n"))

    put("orphan", "sessions_1.csv", utf8(csv_text(table(S, [ses("OR-1")]))))
    put("orphan", "feedback_1.csv", utf8(csv_text(table(F, [
        fb("OR-1", register=False), fb("OR-1", "therapist", register=False), fb("OR-99", register=False),
    ]))))
    put("orphan_late", "sessions_2.csv", utf8(csv_text(table(S, [ses("OR-99", session_number="2")]))))

    put("replace", "sessions_2024_01.csv", utf8(csv_text(table(S, [
        ses("RP-1", therapist_id="T01"), ses("RP-2", session_number="2")]))))
    put("replace", "sessions_2024_02.csv", utf8(csv_text(table(S, [
        ses("RP-1", therapist_id="T02", ors_1="9", ors_total="30")]))))
    put("replace", "feedback_2024_01.csv", utf8(csv_text(table(F, [
        fb("RP-1", register=False, srs_1="6", srs_2="8", srs_3="8", srs_4="8", srs_total="30")]))))
    put("replace", "feedback_2024_02.csv", utf8(csv_text(table(F, [
        fb("RP-1", register=False, srs_1="9", srs_2="9", srs_3="10", srs_4="10", srs_total="38")]))))

    # By code point "S" (0x53) sorts before "s" (0x73): sessions_a.csv is the later file.
    put("replace_codepoint", "Sessions_z.csv", utf8(csv_text(table(S, [ses("RC-1", therapist_id="T01")]))))
    put("replace_codepoint", "sessions_a.csv", utf8(csv_text(table(S, [ses("RC-1", therapist_id="T02")]))))

    same = utf8(csv_text(table(S, [ses("SB-1"), ses("SB-2", session_number="2")])))
    put("same_bytes", "sessions_a.csv", same)
    put("same_bytes", "sessions_b.csv", same)
    return f


def corpus() -> dict[str, bytes]:
    """Relative path under tests/bad_inputs/ -> exact bytes."""
    out = {f"single/{k}": v for k, v in single_cases().items()}
    out.update({f"folders/{k}": v for k, v in folder_cases().items()})
    return out


def write(out_dir: Path) -> dict[str, bytes]:
    files = corpus()
    for d in GENERATED_DIRS:
        if (out_dir / d).exists():
            shutil.rmtree(out_dir / d)
    for rel, data in sorted(files.items()):
        p = out_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    files = write(args.out)
    total = sum(len(v) for v in files.values())
    print(f"wrote {len(files)} files ({total} bytes) under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
