"""The Data page's upload: new exports saved in the exports folder, loaded with a report, shown without a restart."""
from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from alliance import store
from alliance.ui import upload

from .test_pages import DASHBOARD, TIMEOUT, shown

# A new client of Fjordklinikken: five scheduled sessions, the fifth planted bad (session number 0).
NEW_SESSIONS = (
    "clinic,site,sector,therapist_id,client_id,session_id,session_date,session_number,status,ors_1,ors_2,ors_3,ors_4\n"
    "Fjordklinikken,Bergen,private,FK-BGN-T01,FK-K9001,FK-S900001,2025-11-03,1,attended,3,4,3.5,4\n"
    "Fjordklinikken,Bergen,private,FK-BGN-T01,FK-K9001,FK-S900002,2025-11-10,2,attended,4,4,4,4.5\n"
    "Fjordklinikken,Bergen,private,FK-BGN-T01,FK-K9001,FK-S900003,2025-11-17,3,attended,5,5,4.5,5\n"
    "Fjordklinikken,Bergen,private,FK-BGN-T01,FK-K9001,FK-S900004,2025-11-24,4,attended,6,6,5,6\n"
    "Fjordklinikken,Bergen,private,FK-BGN-T01,FK-K9001,FK-S900005,2025-12-01,0,attended,6,7,6,6\n"
).encode()
# Their client forms: four good ones (sessions 1 to 4) and one planted bad (srs_1 is 11, row 6).
NEW_FEEDBACK = (
    "clinic,session_id,rater,srs_1,srs_2,srs_3,srs_4,comment\n"
    "Fjordklinikken,FK-S900001,client,8,8,7.5,8,\"Første time, greit\"\n"
    "Fjordklinikken,FK-S900002,client,9,8.5,8,9,\n"
    "Fjordklinikken,FK-S900003,client,9,9,9,9,\n"
    "Fjordklinikken,FK-S900004,client,9.5,9,9,9.5,\n"
    "Fjordklinikken,FK-S900005,client,11,9,9,9,\n"
).encode()
NEW_RATED = 4  # rated, attended, loaded sessions the two files add


@pytest.fixture
def exports_and_home(tmp_path, sample_data):
    """A writable copy of the sample exports, ingested into a fresh home."""
    exports, home = tmp_path / "exports", tmp_path / "home"
    shutil.copytree(sample_data, exports)
    store.ingest(exports, home)
    return exports, home


def open_page(monkeypatch, home, data, page="pages/data.py") -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload_files(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    [uploader] = at.get("file_uploader")
    uploader.set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    at.button(key="upload_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at: AppTest, *columns: str) -> list:
    """The page's tables that have these columns, top to bottom (st.dataframe keys are not visible to AppTest)."""
    return [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]


def markdown(at: AppTest) -> str:
    return shown("\n".join(str(m.value) for m in at.markdown))


def rated_sessions_on_overview(monkeypatch, home, data) -> int:
    """The Overview's count of rated sessions, as a new browser session in the same server process sees it."""
    at = open_page(monkeypatch, home, data, page=None)
    for caption in at.caption:
        match = re.match(r"([\d,]+) rated sessions? in", caption.value)
        if match:
            return int(match.group(1).replace(",", ""))
    raise AssertionError("the Overview states no count of rated sessions: " + " | ".join(c.value for c in at.caption))


def store_rows(home, sql: str, params=None) -> list[tuple]:
    con = store.open_reader(home)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# --------------------------------------------------------------------------- the whole path, as a supervisor uses it


def test_uploaded_exports_load_with_a_report_and_show_at_once(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    rated_before = rated_sessions_on_overview(monkeypatch, home, exports)
    version_before = store.store_version(home)

    at = open_page(monkeypatch, home, exports)
    assert "at most 50 MB each" in markdown(at), "the size limit of .streamlit/config.toml is stated"
    [uploader] = at.get("file_uploader")
    assert uploader.accept_multiple_files
    assert sorted(uploader.allowed_type) == [".csv", ".parquet", ".txt", ".xlsx"]
    upload_files(at, [("sessions_newclient.csv", NEW_SESSIONS), ("feedback newclient.csv", NEW_FEEDBACK)])

    # Saved in the exports folder under safe names, byte for byte.
    assert (exports / "sessions_newclient.csv").read_bytes() == NEW_SESSIONS
    assert (exports / "feedback_newclient.csv").read_bytes() == NEW_FEEDBACK
    assert store.store_version(home) != version_before, "the store swapped in a new build"

    text = markdown(at)
    assert ("`sessions_newclient.csv`: loaded (session export). 5 rows read: 4 loaded, 1 quarantined, "
            "0 duplicate copies.") in text
    assert ("`feedback_newclient.csv`: loaded (feedback export). 5 rows read: 4 loaded, 1 quarantined, "
            "0 duplicate copies.") in text
    assert "`feedback newclient.csv` was saved as `feedback_newclient.csv`" in text
    assert "The store was updated" in text
    page_rejects, rejects = tables(at, "file", "row", "column", "reason")  # the page's, then the upload's
    assert {"sessions_newclient.csv", "feedback_newclient.csv"} <= set(page_rejects["file"])
    assert list(rejects.columns) == ["file", "row", "column", "reason"]
    assert set(rejects["file"]) == {"sessions_newclient.csv", "feedback_newclient.csv"}
    planted = rejects[rejects["file"] == "feedback_newclient.csv"].iloc[0]
    assert (planted["row"], planted["column"]) == (6, "srs_1") and "above the maximum of 10" in planted["reason"]
    planted = rejects[rejects["file"] == "sessions_newclient.csv"].iloc[0]
    assert (planted["row"], planted["column"]) == (6, "session_number")
    assert "Første time" not in rejects.to_string(), "a client's comment never appears in a reject"

    # The page was drawn again from the new store: the files table lists the uploads.
    [files] = tables(at, "file", "status", "rows_read")
    assert {"sessions_newclient.csv", "feedback_newclient.csv"} <= set(files["file"])
    # The uploader is empty again, ready for the next files.
    [uploader] = at.get("file_uploader")
    assert not uploader.value

    # Every session sees the new client at once, without a restart: the caches are keyed by the store version.
    assert rated_sessions_on_overview(monkeypatch, home, exports) == rated_before + NEW_RATED
    assert store_rows(home, "SELECT count(*) FROM sessions WHERE client_id = 'FK-K9001'") == [(4,)]


def test_badly_named_and_empty_files_get_one_sentence_each(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    before = sorted(p.name for p in exports.iterdir())
    version = store.store_version(home)
    at = open_page(monkeypatch, home, exports)
    upload_files(at, [("notes.csv", b"clinic,session_id\nA,1\n"), ("feedback_empty.csv", b"")])
    warnings = [shown(w.value) for w in at.warning]
    assert len(warnings) == 2
    assert warnings[0] == ("`notes.csv` was not added: its name starts with neither sessions nor feedback "
                           "and matches no pattern of columns.toml.")
    assert warnings[1] == "`feedback_empty.csv` was not added: the file is empty."
    assert all(w.count(". ") == 0 and w.endswith(".") for w in warnings), "one sentence each"
    assert sorted(p.name for p in exports.iterdir()) == before, "nothing was saved"
    assert store.store_version(home) == version, "nothing was loaded"
    assert not at.get("status"), "no load ran"


def test_the_upload_speaks_norwegian(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    at = open_page(monkeypatch, home, exports)
    at.selectbox(key="f_lang").set_value("nb").run()
    assert "Legg til eksporter" in [s.value for s in at.subheader]
    assert "høyst 50 MB" in markdown(at)
    upload_files(at, [("notater.csv", b"a\n1\n"), ("sessions_newclient.csv", NEW_SESSIONS)])
    [warning] = at.warning
    assert shown(warning.value).startswith("`notater.csv` ble ikke lagt til: navnet begynner verken med sessions")
    assert "`sessions_newclient.csv`: lastet inn (timeeksport). 5 rader lest: 4 lastet inn, 1 i karantene" in markdown(at)
    # The store's own sentences (reject reasons, file messages, statuses) read in Norwegian too.
    report = tables(at, "file", "row", "column", "reason")[-1]  # the upload's own report, below the page's rejects
    assert report["reason"].tolist() == ["session_number er 0, under minimum 1"]
    at.run()  # the page as drawn after the upload
    [files] = tables(at, "file", "status", "message")
    new = files[files["file"] == "sessions_newclient.csv"].iloc[0]
    assert (new["status"], new["kind"]) == ("lastet inn", "timeeksport")
    assert new["message"] == "1 rad satt i karantene; se de avviste radene."
    rejects = tables(at, "file", "row", "column", "reason")[0]
    assert "session_number er 0, under minimum 1" in rejects["reason"].tolist()
    assert not any(" is " in r for r in rejects["reason"]), "a reason was left in English"


def test_a_pattern_of_columns_toml_names_an_export(monkeypatch, exports_and_home):
    """sample_data's columns.toml maps timer_*.csv to sessions: such a name is accepted."""
    exports, home = exports_and_home
    at = open_page(monkeypatch, home, exports)
    upload_files(at, [("timer_newclient.csv", NEW_SESSIONS)])
    assert not at.warning
    assert "`timer_newclient.csv`: loaded (session export)" in markdown(at)
    assert (exports / "timer_newclient.csv").read_bytes() == NEW_SESSIONS


def test_a_corrected_export_under_the_same_name_is_saved_beside_it_and_wins(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    at = open_page(monkeypatch, home, exports)
    upload_files(at, [("sessions_newclient.csv", NEW_SESSIONS)])
    assert store_rows(home, "SELECT count(*) FROM sessions WHERE session_id = 'FK-S900005'") == [(0,)]

    corrected = NEW_SESSIONS.replace(b"2025-12-01,0,", b"2025-12-01,5,")
    upload_files(at, [("sessions_newclient.csv", corrected)])
    assert (exports / "sessions_newclient.csv").read_bytes() == NEW_SESSIONS, "the earlier file is never overwritten"
    assert (exports / "sessions_newclient_002.csv").read_bytes() == corrected
    text = markdown(at)
    assert "`sessions_newclient.csv` was saved as `sessions_newclient_002.csv`, because a different file" in text
    assert "`sessions_newclient_002.csv`: loaded (session export). 5 rows read: 5 loaded, 0 quarantined" in text
    [files] = tables(at, "file", "status", "rows_replaced")
    replaced = dict(zip(files["file"], files["rows_replaced"]))
    assert (replaced["sessions_newclient.csv"], replaced["sessions_newclient_002.csv"]) == (4, 0)
    assert len(tables(at, "file", "row", "column", "reason")) == 1, "no rejects table for a clean upload"
    assert store_rows(home, "SELECT session_number FROM sessions WHERE session_id = 'FK-S900005'") == [(5,)]


def test_the_same_bytes_again_are_not_saved_twice(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    at = open_page(monkeypatch, home, exports)
    existing = exports / "feedback_fjordklinikken_2024.csv"
    before = sorted(p.name for p in exports.iterdir())
    version = store.store_version(home)
    upload_files(at, [("feedback_copy.csv", existing.read_bytes())])
    assert sorted(p.name for p in exports.iterdir()) == before
    text = markdown(at)
    assert ("`feedback_copy.csv` has the same content as `feedback_fjordklinikken_2024.csv`, which is already in "
            "the exports folder; it was not saved again.") in text
    assert "Nothing new: the store already held these files' rows" in text
    assert store.store_version(home) == version


def test_a_missing_exports_folder_is_one_sentence_and_no_uploader(monkeypatch, sample_home, missing_exports):
    at = open_page(monkeypatch, sample_home, missing_exports)
    [warning] = at.warning
    assert shown(warning.value) == (f"The exports folder `{missing_exports}` does not exist, so uploaded files have "
                                    "nowhere to go: ask the administrator to create it.")
    assert not at.get("file_uploader")


def test_a_read_only_exports_folder_is_one_sentence(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    real_access = upload.os.access
    monkeypatch.setattr(upload.os, "access", lambda path, mode: False if str(path) == str(exports)
                        else real_access(path, mode))
    at = open_page(monkeypatch, home, exports)
    [warning] = at.warning
    assert "cannot be written to" in warning.value and str(exports) in shown(warning.value)
    assert not at.get("file_uploader")


# --------------------------------------------------------------------------- orphans


def test_orphans_are_listed_without_comments_and_join_when_their_session_arrives(monkeypatch, exports_and_home):
    exports, home = exports_and_home
    expected = store_rows(home, "SELECT source_file, source_row, clinic, session_id, rater FROM feedback "
                                "WHERE is_orphan ORDER BY 1, 2")
    assert expected, "the sample exports plant orphans"
    at = open_page(monkeypatch, home, exports)
    [orphans] = tables(at, "session_id", "rater")
    assert list(orphans.columns) == ["file", "row", "clinic", "session_id", "rater"]
    assert [tuple(r) for r in orphans.itertuples(index=False)] == expected
    n_files = len({r[0] for r in expected})
    assert (f"{len(expected)} feedback rows (in {n_files} files) name a session that is not loaded (orphans)."
            in markdown(at))

    # The session of the first orphan arrives: it joins in and leaves the list.
    _, _, clinic, session_id, _ = expected[0]
    [(sector,)] = store_rows(home, "SELECT any_value(sector) FROM sessions WHERE clinic = ?", [clinic])
    late = (f"clinic,sector,therapist_id,client_id,session_id,session_date,session_number\n"
            f"\"{clinic}\",{sector},T-LATE,K-LATE,\"{session_id}\",2025-06-02,1\n").encode("utf-8")
    upload_files(at, [("sessions_late.csv", late)])
    assert "`sessions_late.csv`: loaded (session export). 1 row read: 1 loaded" in markdown(at)
    [orphans] = tables(at, "session_id", "rater")
    assert [tuple(r) for r in orphans.itertuples(index=False)] == expected[1:]


def test_orphans_query_never_returns_the_comment(sample_home):
    from alliance import queries

    con = store.open_reader(sample_home)
    try:
        frame = queries.run(con, "orphans")
    finally:
        con.close()
    assert list(frame.columns) == ["file", "row", "clinic", "session_id", "rater"]
    assert len(frame) > 0


# --------------------------------------------------------------------------- names and saving, without a page


@pytest.mark.parametrize("original, safe", [
    ("sessions_2025.csv", "sessions_2025.csv"),
    ("../../etc/sessions.csv", "sessions.csv"),
    ("C:\\Users\\ola\\feedback høst 2025.xlsx", "feedback_host_2025.xlsx"),
    ("sessions<script>.csv", "sessions_script_.csv"),
    ("..feedback..csv", "feedback.csv"),
    ("Sessions Ærlig ÅR.parquet", "Sessions_Aerlig_AR.parquet"),
])
def test_safe_names_keep_only_safe_characters(original, safe):
    assert upload.safe_name(original) == safe
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", upload.safe_name(original))


class FakeUpload:
    """What st.file_uploader gives: a name, a size and the bytes."""

    def __init__(self, name: str, data: bytes):
        self.name, self.size, self._data = name, len(data), data

    def getvalue(self) -> bytes:
        return self._data


def test_a_wrong_extension_is_refused_in_one_sentence(tmp_path):
    """The uploader itself refuses other extensions; a name that still gets through is refused here too."""
    from alliance.ingest import EMPTY_MAPPING

    [export] = upload.prepare([FakeUpload("sessions.pdf", b"%PDF-1.4")], tmp_path, EMPTY_MAPPING, 50)
    assert export.refused == "`sessions.pdf` was not added: only .csv, .txt, .parquet and .xlsx files are accepted."
    [export] = upload.prepare([FakeUpload("sessions.csv", b"x" * (1024 * 1024 + 1))], tmp_path, EMPTY_MAPPING, 1)
    assert export.refused == "`sessions.csv` was not added: it is larger than 1 MB."
    assert not list(tmp_path.iterdir()), "nothing refused is saved"


def test_a_long_name_is_shortened_and_keeps_its_extension():
    name = upload.safe_name("sessions_" + "x" * 400 + ".csv")
    assert len(name) <= upload.MAX_NAME_LENGTH and name.startswith("sessions_") and name.endswith(".csv")


def test_saving_never_overwrites_and_numbered_copies_sort_after_the_original(tmp_path):
    assert upload.save_export(tmp_path, "sessions_a.csv", b"1") == ("sessions_a.csv", True)
    assert upload.save_export(tmp_path, "sessions_a.csv", b"1") == ("sessions_a.csv", False)
    names = [upload.save_export(tmp_path, "sessions_a.csv", str(n).encode())[0] for n in range(2, 13)]
    assert names == [f"sessions_a_{n:03d}.csv" for n in range(2, 13)]
    assert (tmp_path / "sessions_a.csv").read_bytes() == b"1"
    # The contract orders files by name (code points): every later upload sorts after the earlier ones,
    # so a corrected re-export replaces the older rows.
    assert sorted(["sessions_a.csv", *names]) == ["sessions_a.csv", *names]
    assert not list(tmp_path.glob(".upload-*")), "no temporary file is left behind"


# --------------------------------------------------------------------------- in a browser

LOAD_MS = 60_000
INGEST_MS = 180_000
NAV_LINK = '[data-testid="stSidebarNav"] a'
# Remembers whether a progress bar was ever shown, however briefly.
RECORD_PROGRESS = """
window.__sawProgress = false;
new MutationObserver(() => {
  if (document.querySelector('[data-testid="stProgress"]')) { window.__sawProgress = true; }
}).observe(document, {childList: true, subtree: true});
"""


def overview_rated(page) -> int:
    caption = page.get_by_text(re.compile(r"^[\d,]+ rated sessions? in \d+ months?"))
    caption.wait_for(timeout=LOAD_MS)
    return int(re.match(r"([\d,]+)", caption.text_content()).group(1).replace(",", ""))


def files_count(page) -> int:
    sentence = page.get_by_text(re.compile(r"^[\d,]+ files: "))
    sentence.wait_for(timeout=LOAD_MS)
    return int(re.match(r"([\d,]+)", sentence.text_content()).group(1).replace(",", ""))


@pytest.mark.browser
def test_upload_in_a_browser_shows_the_new_client_without_a_restart(page, streamlit_server, tmp_path, fresh_exports,
                                                                    screenshots):
    url = streamlit_server(tmp_path / "home", fresh_exports)
    page.add_init_script(RECORD_PROGRESS)
    page.goto(url + "/")
    page.locator(NAV_LINK).filter(has_text=re.compile("^.*Data$")).wait_for(timeout=INGEST_MS)
    rated_before = overview_rated(page)

    page.locator(NAV_LINK).filter(has_text=re.compile("Data$")).click()
    page.get_by_role("heading", name="Add exports").wait_for(timeout=LOAD_MS)
    files_before = files_count(page)
    page.get_by_text("at most 50 MB each").wait_for()
    page.evaluate("window.__sawProgress = false")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([
        {"name": "sessions_newclient.csv", "mimeType": "text/csv", "buffer": NEW_SESSIONS},
        {"name": "feedback_newclient.csv", "mimeType": "text/csv", "buffer": NEW_FEEDBACK},
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": b"clinic,session_id\nA,1\n"},
        {"name": "feedback_empty.csv", "mimeType": "text/csv", "buffer": b""},
    ])
    page.get_by_text("feedback_empty.csv").first.wait_for(timeout=LOAD_MS)
    button = page.get_by_role("button", name="Save and load")
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('Save and load') && !b.disabled)", timeout=LOAD_MS)
    button.click()

    loaded = page.get_by_text(re.compile(r"sessions_newclient\.csv: loaded \(session export\)\. 5 rows read: "
                                         r"4 loaded, 1 quarantined"))
    loaded.wait_for(timeout=INGEST_MS)
    page.get_by_text(re.compile(r"feedback_newclient\.csv: loaded \(feedback export\)\. 5 rows read: "
                                r"4 loaded, 1 quarantined")).wait_for()
    assert page.evaluate("window.__sawProgress"), "the load shows a progress bar"
    alerts = page.locator('[data-testid="stAlert"]')
    assert alerts.filter(has_text="notes.csv was not added: its name starts with neither sessions nor feedback").count() == 1
    assert alerts.filter(has_text="feedback_empty.csv was not added: the file is empty.").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text(re.compile(r"^\d+ reject entries for the uploaded files")).wait_for()
    # The page was drawn again from the new store: two more files in its files table.
    assert files_count(page) == files_before + 2
    page.wait_for_timeout(800)  # the grids paint their canvas after they are attached
    # The report at the top of the screenshot, the Add exports section above it in view.
    page.get_by_role("heading", name="Add exports").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots / "data_upload.png")

    # Same browser session, no restart: the Overview counts the new client's rated sessions.
    page.locator(NAV_LINK).filter(has_text=re.compile("Overview$")).click()
    page.wait_for_function(
        "([before]) => { const m = [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".map(e => e.innerText.match(/^([\\d,]+) rated sessions? in/)).find(Boolean);"
        " return m && Number(m[1].replace(/,/g, '')) !== before; }", arg=[rated_before], timeout=LOAD_MS)
    assert overview_rated(page) == rated_before + NEW_RATED
