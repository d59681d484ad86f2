"""Properties of ingest over generated exports (hypothesis): accounting, idempotence, any split."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.store import ingest
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, write_csv, write_parquet, write_xlsx
from tests.test_store import dump

CLINICS = ["Havbris DPS", "Fjordklinikken"]
SESSION_IDS = [f"S{i}" for i in range(1, 7)]

# Values a field may take: mostly valid, sometimes not (each kind of problem of contract section 5).
numbers = st.one_of(st.sampled_from([0, 3, 5.5, 7.25, 9, 10]), st.sampled_from(["", "11", "x", "-1"]))
session_rows = st.fixed_dictionaries({
    "clinic": st.sampled_from(CLINICS + [""]),
    "sector": st.sampled_from(["public", "private", "offentlig", "privat", "PUBLIC", "state"]),
    "therapist_id": st.sampled_from(["T1", "T2", ""]),
    "client_id": st.sampled_from(["K1", "K2", "K3"]),
    "session_id": st.sampled_from(SESSION_IDS),
    "session_date": st.sampled_from(["2024-01-05", "05.02.2024", "2024-03-01 10:30", "1999-12-31", "31.02.2024"]),
    "session_number": st.sampled_from([1, 2, 3, 0, "two"]),
    "status": st.sampled_from(["attended", "oppmøtt", "", "avlyst", "no_show", "maybe"]),
    "ors_1": numbers, "ors_2": numbers, "ors_3": numbers, "ors_4": numbers,
    "ors_total": st.sampled_from(["", "", 20, 26.5]),
})
feedback_rows = st.fixed_dictionaries({
    "clinic": st.sampled_from(CLINICS),
    "session_id": st.sampled_from(SESSION_IDS + ["S99"]),
    "rater": st.sampled_from(["client", "klient", "therapist", "terapeut", "nobody"]),
    "srs_1": numbers, "srs_2": numbers, "srs_3": numbers, "srs_4": numbers,
    "srs_total": st.sampled_from(["", "", 36, 40]),
    "comment": st.sampled_from(["", "Fint, takk", 'Sa "hei"\npå to linjer', "æøå ÆØÅ"]),
})


@st.composite
def export_file(draw, index: int):
    kind = draw(st.sampled_from(["sessions", "feedback"]))
    rows = draw(st.lists(session_rows if kind == "sessions" else feedback_rows, max_size=8))
    if rows and draw(st.booleans()):
        rows.append(dict(draw(st.sampled_from(rows))))  # an exact copy: a duplicate
    fmt = draw(st.sampled_from(["csv", "csv;", "csv-tab", "cp1252;", "bom", "xlsx", "parquet"]))
    return kind, rows, fmt, f"{kind}_{index:02d}"


@st.composite
def export_folders(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    files = [draw(export_file(i)) for i in range(n)]
    split = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return files, split


def write(folder: Path, spec) -> tuple[str, int]:
    kind, rows, fmt, stem = spec
    header = SESSION_HEADER if kind == "sessions" else FEEDBACK_HEADER
    if fmt == "xlsx":
        name = stem + ".xlsx"
        write_xlsx(folder / name, header, rows)
    elif fmt == "parquet":
        name = stem + ".parquet"
        write_parquet(folder / name, header, rows)
    else:
        name = stem + (".txt" if fmt == "csv-tab" else ".csv")
        delimiter = {"csv": ",", "bom": ",", "csv;": ";", "cp1252;": ";", "csv-tab": "\t"}[fmt]
        encoding = {"bom": "utf-8-sig", "cp1252;": "cp1252"}.get(fmt, "utf-8")
        write_csv(folder / name, header, rows, delimiter=delimiter, encoding=encoding,
                  decimal_comma=delimiter != ",")
    return name, len(rows)


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(export_folders())
def test_accounting_idempotence_and_any_split(case):
    files, split = case
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        whole, part_a, part_b = tmp / "whole", tmp / "a", tmp / "b"
        for d in (whole, part_a, part_b):
            d.mkdir()
        written = {}
        for spec, in_a in zip(files, split):
            name, n_rows = write(whole, spec)
            written[name] = n_rows
            shutil.copy(whole / name, (part_a if in_a else part_b) / name)

        report = ingest(whole, tmp / "home1")
        by_name = {f.file: f for f in report.files}
        assert set(by_name) == set(written)
        for name, f in by_name.items():
            # Every row read is loaded, quarantined or a duplicate copy; nothing is lost.
            assert f.rows_read == f.rows_loaded + f.rows_quarantined + f.rows_duplicate
            if f.status == "loaded":
                assert f.rows_read == written[name]
            else:
                assert f.rows_loaded == 0
        once = dump(tmp / "home1")

        # Ingesting the same folder again changes nothing.
        again = ingest(whole, tmp / "home1")
        assert not again.changed
        assert dump(tmp / "home1") == once

        # Any split of the files into two ingests gives the same store as one.
        ingest(part_a, tmp / "home2")
        ingest(part_b, tmp / "home2")
        assert dump(tmp / "home2") == once
