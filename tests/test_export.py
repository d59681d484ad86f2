"""Exports opened as a user would: real store, real Chromium, real files (alliance/export.py)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance import export, queries, store
from alliance.charts import create_alliance_trend
from alliance.charts.timeline import create_client_timeline
from alliance.disclosure import SUPPRESSED
from alliance.scope import Scope
from tests.conftest import CHROMIUM, ROOT, needs_chromium
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv
from tests.hostile import CLIENT, CLINIC, FORMULAS, write_hostile_exports

META = export.ExportMeta(title="Alliance per month", period=export.period_text(dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
                         filters="Filters: Clinic: Fjordklinikken", data_date=dt.date(2025, 12, 31), language="en",
                         today=dt.date(2026, 12, 1))
# What a spreadsheet would run: a text cell starting with one of these (a number such as -2 is fine).
FORMULA_START = re.compile(r"^[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _formula_cells(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and FORMULA_START.match(v) and not _is_number(v)]


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory, sample_data) -> Path:
    """The sample exports plus a client whose comments are formulas, HTML and Markdown."""
    root = tmp_path_factory.mktemp("hostile_export")
    store.ingest(write_hostile_exports(sample_data, root / "exports"), root / "home")
    return root / "home"


@pytest.fixture(scope="module")
def con(hostile_home):
    con = store.open_reader(hostile_home)
    yield con
    con.close()


def _trend(con, fmt):
    return export.produce(fmt, con=con, query="alliance_trend", params={"group": "site"}, scope=Scope(),
                          settings=None, meta=META,
                          make_figure=lambda rows: create_alliance_trend(rows, cutoff=36, group_label="Site"))


# --------------------------------------------------------------------------- images


@needs_chromium
def test_png_svg_pdf_are_what_they_say_and_carry_title_period_filters_and_date(con):
    png, rows = _trend(con, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and 30_000 < len(png) < 3_000_000 and rows > 10
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * export.WIDTH, 2 * export.HEIGHT)  # PNG at twice the pixels, for slides
    pdf, _ = _trend(con, "pdf")
    assert pdf[:5] == b"%PDF-" and b"%%EOF" in pdf[-64:] and 5_000 < len(pdf) < 2_000_000
    svg, _ = _trend(con, "svg")
    root = ET.fromstring(svg)  # parses
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    for words in ("Alliance per month", "Period: 1 Jan 2024 – 30 Jun 2024", "Filters: Clinic: Fjordklinikken",
                  "Data to 31 Dec 2025", "exported 1 Dec 2026"):
        assert words in text, words


@needs_chromium
def test_the_warm_renderer_draws_an_image_well_under_a_second(con):
    import time

    fig = create_alliance_trend(_trend_rows(con), cutoff=36, group_label="Site")
    export.render(fig, "png")  # warm
    started = time.perf_counter()
    export.render(fig, "png")
    assert time.perf_counter() - started < 1.0


def _trend_rows(con):
    return queries.run_for_export(con, "alliance_trend", {"group": "site"}, Scope())


def test_the_exported_figure_says_what_it_shows_in_either_language():
    fig = create_alliance_trend(pd.DataFrame(columns=["month", "group", "n_rated", "n_clients", "mean_srs", "pct_low",
                                                      "sd", "ci_low", "ci_high"]), cutoff=36, group_label="Site")
    labelled = export.for_export(fig, META)
    assert labelled.layout.title.text == "Alliance per month"
    assert labelled.layout.title.subtitle.text == "Period: 1 Jan 2024 – 30 Jun 2024 · Filters: Clinic: Fjordklinikken"
    footer = labelled.layout.annotations[-1].text
    assert footer == "Data to 31 Dec 2025 · Alliance Dashboard · exported 1 Dec 2026"
    assert fig.layout.title.text != "Alliance per month"  # the page's own figure is left as it was
    nb = export.ExportMeta("Allianse per måned", export.period_text(dt.date(2024, 1, 1), None, "nb"),
                           export.filters_text(None, "nb"), dt.date(2025, 12, 31), "nb", dt.date(2026, 12, 1))
    labelled = export.for_export(fig, nb)
    assert labelled.layout.title.subtitle.text == "Periode: fra 01.01.2024 · Filtre: ingen (alt du har tilgang til)"
    assert labelled.layout.annotations[-1].text == "Data til 31.12.2025 · Alliance Dashboard · eksportert 01.12.2026"


def test_html_is_self_contained_and_holds_only_the_figure(con):
    html, _ = _trend(con, "html")
    text = html.decode("utf-8")
    assert text.lstrip().lower().startswith(("<html", "<!doctype html>")) and "Plotly.newPlot" in text
    # No network: plotly.js is inline (the bundle names cdn.plot.ly only for map outlines, which no chart uses).
    assert not re.search(r"<script[^>]+src=", text) and not re.search(r"<link[^>]+href=", text)
    assert "Data to 31 Dec 2025" in text and 1_000_000 < len(html) < 20_000_000


def test_a_title_with_markup_is_escaped_not_drawn(con):
    meta = export.ExportMeta("<b>x</b><script>alert(1)</script>", "Period: all data", "Filters: none",
                             dt.date(2025, 1, 1))
    fig = export.for_export(create_alliance_trend(_trend_rows(con), cutoff=36, group_label="Site"), meta)
    assert "<script>" not in fig.layout.title.text and "&lt;script&gt;" in fig.layout.title.text
    html = export.chart_bytes(create_alliance_trend(_trend_rows(con), cutoff=36, group_label="Site"), meta,
                              "html").decode()
    assert "<script>alert(1)</script>" not in html


# --------------------------------------------------------------------------- data


def test_csv_holds_the_charts_rows_and_no_formula(con):
    data, rows = _trend(con, "csv")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:2] == ["month", "group"] and len(table) - 1 == rows
    expected = _trend_rows(con)
    assert sorted(r[1] for r in table[1:]) == sorted(expected["group"].astype(str))
    # The hostile client's comments: in the Feedback page's CSV and in the client's timeline.
    for query, params in (("comments", {"limit": 5000}), ("client_timeline", {"clinic": CLINIC, "client_id": CLIENT})):
        data, _ = export.produce("csv", con=con, query=query, params=params, scope=Scope(), settings=None, meta=META)
        cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
        assert _formula_cells(cells) == [], query
        for payload in FORMULAS:
            if not _is_number(payload.replace("+", "", 1)):
                assert "'" + payload in cells, (query, payload)


def test_xlsx_has_the_data_and_an_about_sheet_and_no_formula(con):
    data, _ = export.produce("xlsx", con=con, query="comments", params={"limit": 5000}, scope=Scope(), settings=None,
                             meta=META)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "About"]
    cells = [c.value for row in book["Data"].iter_rows() for c in row]
    assert [c for c in cells if isinstance(c, str) and c.startswith("=")] == []
    assert all(c.data_type != "f" for row in book["Data"].iter_rows() for c in row)
    assert _formula_cells(cells) == []
    assert "'" + FORMULAS[0] in cells
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Title"] == "Alliance per month" and about["Data to"] == "31 Dec 2025"
    assert about["Period"] == META.period and about["Filters"] == META.filters


def test_file_names_are_plain_words_and_iso_dates():
    assert export.file_name(["alliance_trend", "clinics"], dt.date(2024, 1, 1), dt.date(2024, 6, 30), "png") == \
        "alliance-trend_clinics_2024-01-01_2024-06-30.png"
    name = export.file_name(["Tidslinje", "Bærum/Ås", "K-ØÅ 7", "../../etc/passwd", "<script>"], None,
                            dt.date(2025, 1, 31), "xlsx")
    assert name == "tidslinje_baerum-as_k-oa-7_etc-passwd_script_2025-01-31.xlsx"
    assert re.fullmatch(r"[a-z0-9_.-]+", export.file_name(["æøå ÆØÅ 😀"], ext="csv"))


# --------------------------------------------------------------------------- disclosure control


def test_an_export_hides_small_cells_even_for_an_admin(con):
    screen = queries.run(con, "alliance_trend", {"group": "therapist"}, Scope())
    assert (screen["n_clients"] < 5).any(), "the sample data has therapists' months with few clients"
    exported = queries.run_for_export(con, "alliance_trend", {"group": "therapist"}, Scope())
    shown = exported[~exported[SUPPRESSED]]
    assert (shown["n_clients"] >= 5).all() and exported[SUPPRESSED].any()
    assert exported.loc[exported[SUPPRESSED], "mean_srs"].isna().all()


OWN, PEER = "Havbris DPS", "Fjordklinikken"
GROUP_QUERIES = (("alliance_trend", "group"), ("alliance_development", "group"), ("wai_development", "group"),
                 ("discrepancy_development", "group"), ("outcome_summary", "group"), ("profiles", "level"),
                 ("early_alliance_outcome", "group"))
small_stores = st.lists(st.tuples(st.sampled_from([(OWN, "public", ""), (PEER, "private", "Bergen"),
                                                    (PEER, "private", "Oslo")]),
                                  st.integers(1, 7),  # clients
                                  st.sampled_from([1, 2]),  # months
                                  st.sampled_from(["T1", "T2"])),
                        min_size=1, max_size=4)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(small_stores)
def test_exported_data_never_shows_a_cell_under_five_clients(tmp_path_factory, groups):
    """Stores with small groups; every group-level export, for an admin and a supervisor, holds the rule."""
    sessions, forms, n = [], [], 0
    for g, ((clinic, sector, site), clients, months, therapist) in enumerate(groups):
        for c in range(clients):
            for m in range(months):
                for week, srs in enumerate((30, 35)):
                    n += 1
                    sessions.append(session(clinic=clinic, session_id=f"S{n}", client_id=f"K{g}-{c}",
                                            therapist_id=therapist, sector=sector, site=site, number=2 * m + week + 1,
                                            date=dt.date(2024, 1 + m, 2 + 7 * week).isoformat()))
                    forms.append(feedback(clinic=clinic, session_id=f"S{n}", srs=(srs / 4,) * 4))
    root = tmp_path_factory.mktemp("small")
    (root / "exports").mkdir()
    write_csv(root / "exports" / "sessions_t.csv", SESSION_HEADER, sessions)
    write_csv(root / "exports" / "feedback_t.csv", FEEDBACK_HEADER, forms)
    store.ingest(root / "exports", root / "home")
    con = store.open_reader(root / "home")
    try:
        for scope in (Scope(), Scope(clinics=(OWN,), peers=None)):
            for name, key in GROUP_QUERIES:
                query = queries.get(name)
                for value in next(p.choices for p in query.params if p.name == key):
                    rows = queries.run_for_export(con, name, {key: value}, scope)
                    if rows.empty:
                        continue
                    count = query.suppression.count
                    shown = rows[~rows[SUPPRESSED].astype(bool)]
                    visible = pd.to_numeric(shown[count], errors="coerce")
                    assert not ((visible > 0) & (visible < 5)).any(), (name, value, scope)
                    assert rows.loc[rows[SUPPRESSED].astype(bool)].drop(
                        columns=[*query.suppression.keep, SUPPRESSED], errors="ignore").isna().all().all(), (name, value)
                    data = export.data_bytes(rows, META, "csv")
                    assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == len(rows) + 1
    finally:
        con.close()


# --------------------------------------------------------------------------- audit and no browser


def test_every_export_is_written_to_the_audit_trail(con, hostile_home):
    viewer = type("V", (), {"email": "sup@clinic.no", "role": "supervisor"})()
    before = _exports(hostile_home)
    export.export_bytes("csv", con=con, query="alliance_trend", params={"group": "site"}, scope=Scope(clinics=(OWN,)),
                        settings=None, meta=META, viewer=viewer, what="alliance_trend", page="clinics",
                        filters={"start": dt.date(2024, 1, 1), "clinics": [OWN]}, home=hostile_home)
    line = _exports(hostile_home)[len(before):]
    assert len(line) == 1 and line[0]["user"] == "sup@clinic.no" and line[0]["role"] == "supervisor"
    assert line[0]["detail"] == {"what": "alliance_trend", "page": "clinics", "format": "csv",
                                 "filters": {"start": "2024-01-01", "clinics": [OWN]},
                                 "scope": {"clinics": [OWN], "sites": "all", "therapists": "all", "peers": []},
                                 "rows": line[0]["detail"]["rows"]}
    assert line[0]["detail"]["rows"] > 0


def _exports(home):
    lines = []
    for path in sorted((Path(home) / "audit").glob("audit-*.jsonl")):
        lines += [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return [x for x in lines if x["event"] == "export"]


NO_BROWSER = """
import datetime as dt, sys
import plotly.graph_objects as go
from alliance import export
meta = export.ExportMeta("T", "Period: all data", "Filters: none", dt.date(2025, 1, 1))
fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
assert b"<html>" in export.chart_bytes(fig, meta, "html")[:100]
import pandas as pd
assert export.data_bytes(pd.DataFrame({"a": ["=1"]}), meta, "csv") == "\\ufeffa\\n'=1\\n".encode()
assert export.data_bytes(pd.DataFrame({"a": [1]}), meta, "xlsx")[:2] == b"PK"
try:
    export.chart_bytes(fig, meta, "png")
except export.ExportUnavailable as error:
    print(error)
"""


def test_without_chromium_images_say_what_to_install_and_html_csv_still_work(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "ALLIANCE_BROWSER": str(tmp_path / "no-chromium"), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", NO_BROWSER], env=env, capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    sentence = done.stdout.strip()
    assert sentence == export.INSTALL_SENTENCE and "apt-get install chromium" in sentence
    assert sentence.count(".") <= 1 and "Traceback" not in done.stderr


def test_no_chart_file_carries_a_comment(con):
    """The hostile client's timeline: its CSV holds the comments (neutralised), its HTML and SVG none of them."""
    from tests.hostile import PAYLOADS

    params = {"clinic": CLINIC, "client_id": CLIENT}
    draw = lambda rows: create_client_timeline(rows, srs_cutoff=36, ors_cutoff=25)  # noqa: E731
    html, rows = export.produce("html", con=con, query="client_timeline", params=params, scope=Scope(),
                                settings=None, meta=META, make_figure=draw)
    assert rows == len(PAYLOADS)
    text = html.decode("utf-8")
    for payload in PAYLOADS:
        assert payload not in text and json.dumps(payload)[1:-1] not in text, payload
    if CHROMIUM.exists():
        svg, _ = export.produce("svg", con=con, query="client_timeline", params=params, scope=Scope(),
                                settings=None, meta=META, make_figure=draw)
        assert not any(payload in svg.decode("utf-8") for payload in PAYLOADS if len(payload) > 6)
