"""The supervision pack (alliance/report.py): real stores, the real renderer on Chromium, the PDF read back as text."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from alliance import export, queries, report, store
from alliance.__main__ import main
from alliance.scope import EVERYTHING, Scope
from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

ROOT = Path(__file__).resolve().parent.parent
START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
HOSTILE = "<b>x</b> <font size=40>big</font> & </para> ærlig, søt og blå"
OWN, PEER = "Havbris DPS", "Fjordklinikken"
OSLO_SRS = 17.2  # Oslo's two clients' every SRS total: a figure that must not leave in a clinic pack


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (a table cell may wrap)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def con(sample_home):
    con = store.open_reader(sample_home)
    yield con
    con.close()


@pytest.fixture(scope="module")
def therapist(con) -> tuple[str, str]:
    """The therapist with the most clients in the period (so the pack has an agenda and comments)."""
    flags = queries.run(con, "caseload_flags", {"start": START, "end": END})
    top = flags.groupby(["clinic", "therapist_id"]).size().sort_values(ascending=False).index[0]
    return top


@pytest.fixture(scope="module")
def small_home(tmp_path_factory) -> Path:
    """Havbris DPS: 6 clients of T1 (one wrote a hostile comment); Fjordklinikken: 8 in Bergen, 2 in Oslo.

    Every client has three weekly sessions in January 2024; Oslo's clients rate every session OSLO_SRS.
    """
    sessions, forms, n = [], [], 0
    people = ([(OWN, "public", "", "T1", f"A{i}") for i in range(6)]
              + [(PEER, "private", "Bergen", "T7", f"B{i}") for i in range(8)]
              + [(PEER, "private", "Oslo", "T8", f"O{i}") for i in range(2)])
    for clinic, sector, site, therapist_id, client in people:
        for week, srs in enumerate((30, 34, 38)):
            n += 1
            srs = OSLO_SRS if site == "Oslo" else srs
            sessions.append(session(clinic=clinic, session_id=f"S{n}", client_id=client, therapist_id=therapist_id,
                                    date=(dt.date(2024, 1, 2) + dt.timedelta(days=7 * week)).isoformat(),
                                    number=week + 1, sector=sector, site=site))
            forms.append(feedback(clinic=clinic, session_id=f"S{n}", srs=(srs / 4,) * 4,
                                  comment=HOSTILE if (client, week) == ("A0", 0) else ""))
    root = tmp_path_factory.mktemp("small_pack")
    data, home = root / "exports", root / "home"
    data.mkdir()
    write_csv(data / "sessions_test.csv", SESSION_HEADER, sessions)
    write_csv(data / "feedback_test.csv", FEEDBACK_HEADER, forms)
    store.ingest(data, home)
    assert store.store_version(home) is not None
    return home


@pytest.fixture(scope="module")
def small(small_home):
    con = store.open_reader(small_home)
    yield con
    con.close()


def test_a_therapist_pack_is_a_pdf_with_the_therapist_and_the_period_on_every_page(con, therapist):
    clinic, therapist_id = therapist
    pack = report.make_therapist_pack(con, clinic, therapist_id, START, END, language="en")
    assert pack.pdf.startswith(b"%PDF-")
    assert 30_000 < len(pack.pdf) < 5_000_000
    pages = pdf_text(pack.pdf)
    assert len(pages) == pack.pages == report.page_count(pack.pdf) > 1
    assert pack.notes == []  # Chromium is here: every chart is drawn
    for number, text in enumerate(pages, start=1):
        assert therapist_id in text and clinic in text, number
        assert "1 Jan 2025 – 30 Jun 2025" in text, number
        assert f"Page {number} of {len(pages)}" in text
        assert "Data: sessions up to 31 Dec 2025" in text
    whole = " ".join(pages)
    for heading in ("Key figures", "Alliance per month", "Outcome categories", "Caseload",
                    "Agenda: clients worth discussing", "Comments"):
        assert heading in whole, heading
    # The caseload is this therapist's, and only theirs: every active client of the period (as the Supervision
    # page lists them by default), none of a colleague's; the note says how many inactive ones are left out.
    flags = queries.run(con, "caseload_flags", {"start": START, "end": END})
    mine = flags[(flags["clinic"] == clinic) & (flags["therapist_id"] == therapist_id)]
    own = mine[mine["active"]]["client_id"]
    assert 0 < len(own) < len(mine)
    assert (f"{len(mine) - len(own)} client(s) not seen in the last 8 weeks (treatment likely finished) are left "
            "out.") in re.sub(r"\s+", " ", whole)
    others = flags[flags["therapist_id"] != therapist_id]["client_id"]
    assert len(own) and all(client in whole for client in own)
    assert not any(re.search(rf"\b{re.escape(client)}\b", whole) for client in set(others) - set(own))
    # Four charts drawn by the renderer are embedded as images (key figures are text).
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(pack.pdf)).pages)
    assert images == 3


def test_the_norwegian_pack_speaks_norwegian_with_its_letters_and_dates(con, therapist):
    clinic, therapist_id = therapist
    pdf = report.therapist_pack(con, clinic, therapist_id, START, END, EVERYTHING, None, "nb")
    whole = " ".join(pdf_text(pdf))
    assert "Veiledningspakke" in whole and "Nøkkeltall" in whole and "Klientliste" in whole
    assert "01.01.2025–30.06.2025" in whole
    for letter in "æøå":
        assert letter in whole, letter
    assert "Page " not in whole and "Side 1 av" in whole


def test_a_hostile_comment_is_printed_literally_never_as_markup(small):
    pack = report.make_therapist_pack(small, OWN, "T1", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    whole = " ".join(pdf_text(pack.pdf))
    assert HOSTILE in whole  # the tags, the ampersand and the Norwegian letters, exactly as the client wrote
    assert "1 of 1 comments" in whole


def test_the_clinic_pack_hides_small_cells_for_export(small):
    # On the store itself Oslo's 2 clients and their mean are there to be found.
    raw = queries.run(small, "profiles", {"level": "site"}, EVERYTHING).set_index("group")
    assert raw.loc["Oslo", "n_clients"] == 2
    raw_trend = queries.run(small, "alliance_trend", {"group": "site"}, EVERYTHING).set_index("group")
    assert raw_trend.loc["Oslo", "mean_srs"] == pytest.approx(OSLO_SRS)

    # Oslo is another clinic's site in Havbris DPS's pack, and Fjordklinikken's own in its pack: a pack
    # leaves the dashboard, so it is hidden in both (on screen a viewer's own small cells stay).
    for clinic in (OWN, PEER):
        pack = report.make_clinic_pack(small, clinic, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
        assert pack.pdf.startswith(b"%PDF-") and pack.pages > 1
        whole = " ".join(pdf_text(pack.pdf))
        assert "Oslo hidden hidden" in whole, clinic  # the groups table: no clients, no sessions
        assert "Bergen hidden hidden" in whole, clinic  # its partner, or Oslo = the clinic's total minus Bergen
        assert "Havbris DPS 6 18" in whole, clinic  # 6 clients, 18 sessions: not small, shown
        assert "Oslo recovered hidden hidden" in whole, clinic  # the outcome table
        for figure in ("17.2", "17,2"):
            assert figure not in whole, clinic
        assert re.search(r"\d+ cells hidden in this pack", whole), clinic


def test_the_pack_says_when_not_on_track_cannot_be_judged(small, con, therapist):
    # Every ORS in the small store is the same, so no clinic's expected response can be learnt:
    # the caseload says so in one sentence, as the Supervision page does, in the pack's language.
    english = " ".join(pdf_text(report.therapist_pack(small, OWN, "T1", language="en")))
    assert ("Not on track cannot be judged for 6 client(s) of Havbris DPS: The clinic has too few clients with two "
            "or more ORS, or too little spread in their scores, to learn its usual course.") in english
    norwegian = " ".join(pdf_text(report.therapist_pack(small, OWN, "T1", language="nb")))
    assert "«Ikke på sporet» kan ikke vurderes for 6 klient(er) ved Havbris DPS" in norwegian
    # where the model is fitted, nothing is said
    assert "cannot be judged" not in " ".join(pdf_text(report.therapist_pack(con, *therapist, START, END)))


def test_a_pack_outside_the_viewers_scope_is_refused(con, therapist):
    options = queries.run(con, "filter_options")
    peer = options[options["clinic"] == PEER].iloc[0]
    colleague = options[(options["clinic"] == OWN)].iloc[1]
    supervisor = Scope(clinics=(OWN,), peers=None)
    with pytest.raises(report.PackError, match="no therapist Fjordklinikken/.* that you may see"):
        report.therapist_pack(con, PEER, peer["therapist_id"], START, END, supervisor)
    with pytest.raises(report.PackError, match="no clinic Fjordklinikken"):
        report.clinic_pack(con, PEER, START, END, supervisor)
    own = options[options["clinic"] == OWN].iloc[0]
    alone = Scope(clinics=(OWN,), therapists=((OWN, own["therapist_id"]),), peers=())
    with pytest.raises(report.PackError, match="that you may see"):
        report.therapist_pack(con, OWN, colleague["therapist_id"], START, END, alone)


def test_without_chromium_the_pack_says_what_to_install_and_keeps_its_tables(small, monkeypatch):
    export.shutdown()  # the warm renderer would not look for the browser again
    monkeypatch.setenv("ALLIANCE_BROWSER", "/nonexistent/chromium")
    try:
        pack = report.make_therapist_pack(small, OWN, "T1", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    finally:
        export.shutdown()
    whole = " ".join(pdf_text(pack.pdf))
    assert len(pack.notes) == 1 and "apt-get install chromium" in pack.notes[0]
    assert "Charts left out:" in whole and "apt-get install chromium" in whole
    assert HOSTILE in whole and "Caseload" in whole  # the tables and comments are still there
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pack.pdf)).pages) == 0


BAD_INPUT = (
    (["--therapist", "Havbris DPS/NOBODY"], "There is no therapist Havbris DPS/NOBODY with attended sessions"),
    (["--therapist", "NOBODY"], "Give the therapist as CLINIC/THERAPIST_ID"),
    (["--clinic", "Nowhere"], "There is no clinic Nowhere with attended sessions"),
    (["--clinic", OWN, "--start", "2025-02-30"], "--start must be a date as YYYY-MM-DD, not '2025-02-30'."),
    (["--clinic", OWN, "--start", "2025-07-01"], "--start (2025-07-01) is after --end (2025-06-30)."),
    (["--clinic", OWN, "--out", "/nonexistent/folder/pack.pdf"], "Cannot write /nonexistent/folder/pack.pdf"),
    (["--clinic", OWN, "--out", "{tmp}"], "is a folder; give the name of the PDF file to write."),
)


@pytest.mark.parametrize("args, sentence", BAD_INPUT, ids=[s[:30] for _, s in BAD_INPUT])
def test_bad_input_is_one_sentence_and_exit_2(args, sentence, sample_home, tmp_path, capsys):
    given = {"--start": "2025-01-01", "--end": "2025-06-30", "--out": str(tmp_path / "pack.pdf")}
    for option, value in zip(args[::2], args[1::2]):
        given[option] = value.replace("{tmp}", str(tmp_path))
    argv = ["report", "--home", str(sample_home)] + [x for pair in given.items() for x in pair]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and sentence.replace("{tmp}", str(tmp_path)) in err
    assert not (tmp_path / "pack.pdf").exists()


def test_no_store_is_one_sentence_and_exit_2(empty_home, tmp_path, capsys):
    assert main(["report", "--home", str(empty_home), "--clinic", OWN, "--start", "2025-01-01", "--end",
                 "2025-06-30", "--out", str(tmp_path / "p.pdf")]) == 2
    assert capsys.readouterr().err.strip() == f"There is no store in {empty_home} yet; run `python -m alliance ingest` first."


def test_the_command_line_writes_the_pack_and_audits_it(sample_home, therapist, tmp_path):
    clinic, therapist_id = therapist
    out = tmp_path / "pack.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "alliance", "report", "--home", str(sample_home), "--therapist",
         f"{clinic}/{therapist_id}", "--start", "2025-01-01", "--end", "2025-06-30", "--out", str(out), "--lang",
         "nb"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    pages = len(PdfReader(out).pages)
    assert done.stdout.strip() == f"Wrote {out} ({pages} pages)."
    assert pages > 1 and out.read_bytes().startswith(b"%PDF")
    lines = [json.loads(line) for f in sorted((sample_home / "audit").glob("audit-*.jsonl"))
             for line in f.read_text().splitlines()]
    event = [e for e in lines if e["event"] == "export" and e["detail"].get("what") == "therapist_pack"][-1]
    assert event["user"] == "cli" and event["role"] == "cli" and event["detail"]["format"] == "pdf"
    assert event["detail"]["filters"]["therapists"] == [f"{clinic}/{therapist_id}"]
    assert event["detail"]["filters"]["start"] == "2025-01-01"


def test_the_supervision_page_downloads_the_pack_in_a_browser(page, streamlit_server, sample_home, missing_exports,
                                                               therapist):
    """A real browser: choose a therapist (by address), click the pack's button, get the PDF; one audit line."""
    from tests.test_browser import LOAD_MS

    clinic, therapist_id = therapist
    url = streamlit_server(sample_home, missing_exports)
    audit_files = lambda: [json.loads(line) for f in sorted((sample_home / "audit").glob("audit-*.jsonl"))  # noqa: E731
                           for line in f.read_text().splitlines() if line.strip()]
    before = len(audit_files())
    page.goto(f"{url}/supervision?sup_therapist={clinic}/{therapist_id}&from=2025-01-01&to=2025-06-30")
    button = page.get_by_role("button", name="Make the supervision pack (PDF)")
    button.wait_for(timeout=LOAD_MS)
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) > 1
    assert download.suggested_filename.startswith(f"supervision-pack_{therapist_id.lower()}_")
    assert download.suggested_filename.endswith(".pdf") and download.suggested_filename.isascii()
    assert therapist_id in " ".join(pdf_text(data))
    exports = [e for e in audit_files()[before:] if e["event"] == "export"]
    assert [(e["detail"]["what"], e["detail"]["page"], e["detail"]["format"]) for e in exports] == [
        ("therapist_pack", "supervision", "pdf")]
    assert exports[0]["detail"]["filters"]["therapists"] == [f"{clinic}/{therapist_id}"]
