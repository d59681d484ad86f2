"""The audit trail: what is written, what can never be, concurrent writers, retention, failures, the page and the CLI."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import threading
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alliance import audit, i18n, store
from alliance.scope import Scope
from alliance.ui.frame import PAGES

from .conftest import ROOT
from .test_page_data_upload import NEW_FEEDBACK, NEW_SESSIONS, upload_files
from .test_pages import DASHBOARD, TIMEOUT, shown

try:  # the login's viewer (alliance/access.py); any object with email, name, role and scope serves the trail
    from alliance.access import Viewer
except ImportError:  # pragma: no cover - before the login exists
    Viewer = lambda email, name, role, scope: SimpleNamespace(email=email, name=name, role=role, scope=scope)  # noqa

UTC = dt.timezone.utc
ADMIN = Viewer("Ada@Clinic.no", "Ada", "admin", Scope())
THERAPIST = Viewer("tor@clinic.no", "Tor", "therapist",
                   Scope(clinics=("Fjordklinikken",), therapists=(("Fjordklinikken", "FK-BGN-T01"),)))


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def lines(home) -> list[dict]:
    """Every line of every month file, parsed (a line that is not whole JSON fails the test)."""
    out = []
    for path in audit.month_files(home):
        for line in path.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line))
    return out


# --------------------------------------------------------------------------- writing and reading


def test_every_event_type_is_written_and_read_back(tmp_path):
    when = dt.datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    details = {
        "login": {"method": "oidc"},
        "logout": {},
        "refused": {"reason": "not_in_access_file"},
        "page_view": {"page": "feedback", "filters": {"start": dt.date(2025, 1, 1), "clinics": ["Fjordklinikken"],
                                                     "sites": [("Fjordklinikken", "Bergen")]},
                      "scope": THERAPIST.scope},
        "upload": {"file": "sessions_2026.csv", "sha256": "a" * 64, "size": 1234, "kind": "sessions",
                   "status": "loaded", "rows_loaded": 10, "rows_quarantined": 1},
        "export": {"what": "therapist_summary", "page": "therapists", "format": "csv", "rows": 42,
                   "filters": {"end": "2025-12-31"}},
        "purge": {"files": ["audit-2024-01.jsonl"], "retention_days": 365},
    }
    assert set(details) == set(audit.EVENTS)
    for minutes, (event, detail) in enumerate(details.items()):
        who = "stranger@example.org" if event == "refused" else ADMIN
        assert audit.record(event, who, detail, home=tmp_path, now=when + dt.timedelta(minutes=minutes))
    assert [p.name for p in audit.month_files(tmp_path)] == ["audit-2026-03.jsonl"]

    events = audit.read_events(tmp_path)
    assert list(events.columns) == audit.COLUMNS
    assert str(events["ts"].dtype).startswith("datetime64")
    assert list(events["event"]) == list(reversed(details))  # newest first
    for _, row in events.iterrows():
        expected = json.loads(json.dumps(audit.clean_detail(row["event"], details[row["event"]])))
        assert json.loads(row["detail"]) == expected
    view = json.loads(events.loc[events["event"] == "page_view", "detail"].iloc[0])
    assert view == {"page": "feedback",
                    "filters": {"start": "2025-01-01", "clinics": ["Fjordklinikken"], "sites": ["Fjordklinikken/Bergen"]},
                    "scope": {"clinics": ["Fjordklinikken"], "sites": "all",
                              "therapists": ["Fjordklinikken/FK-BGN-T01"], "peers": []}}
    refused = events[events["event"] == "refused"].iloc[0]
    assert (refused["user"], refused["role"]) == ("stranger@example.org", "none")
    assert events.loc[events["event"] == "login", "user"].iloc[0] == "Ada@Clinic.no"
    assert events["ts"].iloc[-1] == dt.datetime(2026, 3, 14, 9, 30)  # UTC, as written

    # The reader's filters.
    assert list(audit.read_events(tmp_path, event="upload")["event"]) == ["upload"]
    assert len(audit.read_events(tmp_path, user="ada@clinic.NO")) == len(details) - 1  # any case
    assert list(audit.read_events(tmp_path, page="feedback")["event"]) == ["page_view"]
    assert audit.read_events(tmp_path, since="2026-03-15").empty
    assert len(audit.read_events(tmp_path, since="2026-03-14", until="2026-03-14")) == len(details)
    assert audit.read_events(tmp_path, until=dt.date(2026, 3, 13)).empty
    assert list(audit.read_events(tmp_path, limit=2)["event"]) == ["purge", "export"]
    found = audit.summary(tmp_path, user="ada@clinic.no")
    assert found["total"] == len(details) - 1 and found["counts"] == {e: 1 for e in details if e != "refused"}
    assert found["users"] == ["Ada@Clinic.no", "stranger@example.org"]  # whatever the filters
    assert found["pages"] == ["feedback", "therapists"] and found["oldest"] == dt.datetime(2026, 3, 14, 9, 30)
    empty = audit.summary(tmp_path / "nothing")
    assert empty == {"counts": {}, "total": 0, "users": [], "pages": [], "oldest": None}


def test_sessions_reading_the_trail_at_once_each_get_their_own_answer(tmp_path):
    # The trail is read through one in-memory database per process, a cursor per read: readers in
    # several sessions at once, each with its own filters, must each get exactly their own events.
    when = dt.datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    for i in range(60):
        audit.record("page_view", ADMIN if i % 3 else THERAPIST, {"page": ("feedback", "therapists", "clinics")[i % 3]},
                     home=tmp_path, now=when + dt.timedelta(minutes=i))
    expected = {page: audit.read_events(tmp_path, page=page) for page in ("feedback", "therapists", "clinics")}
    assert [len(x) for x in expected.values()] == [20, 20, 20]
    results, errors = [], []

    def reader(page):
        try:
            for _ in range(5):
                audit._cached.cache_clear()
                results.append((page, audit.read_events(tmp_path, page=page), audit.summary(tmp_path, page=page)["total"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(page,)) for page in expected for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 45
    for page, events, total in results:
        assert total == 20
        pd.testing.assert_frame_equal(events, expected[page])
    assert audit._reader() is audit._reader()


def test_bad_reader_filters_are_one_sentence(tmp_path):
    for kwargs, words in (({"since": "14.03.2026"}, "date like 2026-03-31"),
                          ({"since": "2026-03-15", "until": "2026-03-14"}, "ends before it starts"),
                          ({"event": "delete"}, "no audit event 'delete'"),
                          ({"page": "../etc"}, "file name without .py")):
        with pytest.raises(audit.AuditFilterError) as caught:
            audit.read_events(tmp_path, **kwargs)
        assert words in str(caught.value) and str(caught.value).count(".") >= 1 and "\n" not in str(caught.value)


def test_torn_and_foreign_lines_are_skipped_not_an_error(tmp_path):
    audit.record("login", ADMIN, {"method": "oidc"}, home=tmp_path)
    [path] = audit.month_files(tmp_path)
    with path.open("a", encoding="utf-8") as out:  # a crash mid-line, a hand edit, another program's lines
        out.write('{"ts":"2026-12-01T00:00:00.000000Z","event":"lo\nnot json\n[1, 2]\n{"ts":"yesterday","event":"login"}\n')
    audit.record("logout", ADMIN, home=tmp_path)
    events = audit.read_events(tmp_path)
    assert list(events["event"]) == ["logout", "login"]
    assert audit.summary(tmp_path)["total"] == 2


def test_unknown_events_and_detail_keys_and_free_text_are_dropped(tmp_path):
    with pytest.raises(ValueError):
        audit.record("comment", ADMIN, {"text": "x"}, home=tmp_path)
    secret = "Jeg gruer meg til neste time"
    audit.record("page_view", ADMIN, {
        "page": "feedback", "comment": secret, "search": secret, "message": secret,
        "filters": {"clinics": ["Fjordklinikken"], "search": secret, "band": "low"},
        "scope": {"clinics": None, "comment": secret},
    }, home=tmp_path)
    audit.record("page_view", ADMIN, {"page": secret}, home=tmp_path)  # not a code: dropped
    audit.record("upload", ADMIN, {"file": "my notes/" + secret + ".csv", "status": "loaded", "sha256": secret,
                                   "size": "12", "rows_loaded": -1, "original": secret}, home=tmp_path)
    audit.record("refused", ADMIN, {"reason": secret}, home=tmp_path)
    audit.record("export", ADMIN, {"what": "comments", "format": "csv", "rows": True, "filters": secret},
                 home=tmp_path)
    audit.record("page_view", SimpleNamespace(email="x" * 1000 + "\n{\"event\":\"login\"}", role="admin\n"),
                 {"page": "overview", "filters": {"clinics": ["K" * 500, 7, None] + ["c"] * 1000}}, home=tmp_path)
    text = "".join(p.read_text(encoding="utf-8") for p in audit.month_files(tmp_path))
    assert secret not in text and "band" not in text and "original" not in text and "message" not in text
    written = lines(tmp_path)
    assert len(written) == 6  # one line each, whatever the input
    assert written[0]["detail"] == {"page": "feedback", "filters": {"clinics": ["Fjordklinikken"]},
                                    "scope": {"clinics": "all"}}
    assert written[1]["detail"] == {}
    assert written[2]["detail"] == {"status": "loaded"}
    assert written[3]["detail"] == {}
    assert written[4]["detail"] == {"what": "comments", "format": "csv"}
    last = written[5]
    assert len(last["user"]) == audit.MAX_EMAIL and "\n" not in last["user"] and last["role"] == "unknown"
    clinics = last["detail"]["filters"]["clinics"]
    assert len(clinics) <= audit.MAX_ITEMS and all(len(c) <= audit.MAX_IDENTIFIER for c in clinics)


def test_the_detail_allow_list_has_no_free_text_field():
    """Structurally: every field's check keeps only codes, identifiers, dates, hashes, file names and counts."""
    allowed_checks = {audit._code, audit._count, audit._file_name, audit._sha256, audit._filters, audit._scope}
    for event, fields in audit.DETAIL_FIELDS.items():
        for name, check in fields.items():
            if event == "purge" and name == "files":
                assert check(["audit-2024-01.jsonl", "a note with spaces"]) == ["audit-2024-01.jsonl"]
                continue
            assert check in allowed_checks, f"{event}.{name} has an unknown check"
    # An identifier (a clinic or therapist in a filter) is capped at MAX_IDENTIFIER characters, so even a
    # value that is not from the data cannot carry a paragraph; a code cannot carry a space.
    assert audit._code("looks like a sentence") is None
    assert len(audit._identifier("y" * 10_000)) == audit.MAX_IDENTIFIER


# --------------------------------------------------------------------------- no comment text, ever


def _all_comment_texts(home) -> list[str]:
    con = store.open_reader(home)
    try:
        return [r[0] for r in con.execute(
            "SELECT DISTINCT comment FROM feedback WHERE comment IS NOT NULL AND trim(comment) <> '' "
            "UNION SELECT DISTINCT comment FROM quarantined_feedback WHERE comment IS NOT NULL AND trim(comment) <> ''"
        ).fetchall()]
    finally:
        con.close()


def test_no_comment_text_reaches_the_trail(monkeypatch, tmp_path, sample_data):
    exports, home = tmp_path / "exports", tmp_path / "home"
    shutil.copytree(sample_data, exports)
    store.ingest(exports, home)
    comments = _all_comment_texts(home)
    assert len(comments) > 10
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(exports))

    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    clinics = at.multiselect(key="f_clinic").options
    at.multiselect(key="f_clinic").set_value([clinics[0]]).run()
    at.date_input(key="f_from").set_value(dt.date(2024, 1, 1)).run()
    for file, _, _ in PAGES:
        at.switch_page(f"pages/{file}").run()
        assert not at.exception, (file, [e.value for e in at.exception])
        if file == "feedback.py":
            for words in (comments[0], comments[1][:12]):  # a whole comment and a part of one
                at.text_input(key="fb_search").input(words).run()
                assert not at.exception
    at.switch_page("pages/data.py").run()
    upload_files(at, [("sessions_new.csv", NEW_SESSIONS), ("feedback_new.csv", NEW_FEEDBACK)])
    comments = _all_comment_texts(home)  # now with the uploaded comment ("Første time, greit")
    assert "Første time, greit" in comments

    written = lines(home)
    assert {e["detail"].get("page") for e in written if e["event"] == "page_view"} >= \
        {file.removesuffix(".py") for file, _, _ in PAGES}
    uploads = {e["detail"]["file"]: e["detail"] for e in written if e["event"] == "upload"}
    for name, data in (("sessions_new.csv", NEW_SESSIONS), ("feedback_new.csv", NEW_FEEDBACK)):
        detail = uploads[name]
        assert detail["sha256"] == hashlib.sha256(data).hexdigest() and detail["size"] == len(data)
        assert detail["status"] == "loaded" and detail["rows_loaded"] >= 4 and detail["rows_quarantined"] == 1
    assert {d["kind"] for d in uploads.values()} == {"sessions", "feedback"}
    raw = b"".join(p.read_bytes() for p in audit.month_files(home))
    for comment in comments:
        for form in (comment, json.dumps(comment)[1:-1], comment[:12]):
            assert form.encode("utf-8") not in raw, f"comment text in the audit trail: {form!r}"


def test_the_login_records_login_refused_and_logout(monkeypatch, tmp_path):
    """The login's call sites (alliance/ui/auth.py) write to the trail."""
    from alliance.ui import auth

    monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path))
    auth._on_login(ADMIN)
    auth._on_logout(ADMIN)
    auth._audit("refused", "stranger@example.org", {"reason": "not_in_access_file"})
    assert [(e["event"], e["user"], e["role"], e["detail"]) for e in lines(tmp_path)] == [
        ("login", "Ada@Clinic.no", "admin", {"method": "oidc"}),
        ("logout", "Ada@Clinic.no", "admin", {}),
        ("refused", "stranger@example.org", "none", {"reason": "not_in_access_file"}),
    ]


# --------------------------------------------------------------------------- concurrent writers

WRITER = """
import sys
from types import SimpleNamespace
from alliance import audit
viewer = SimpleNamespace(email=sys.argv[2], role="admin")
for i in range({n}):
    audit.record("page_view", viewer, {{"page": "overview", "filters": {{"clinics": [f"clinic-{{j:03d}}" for j in range(150)]}}}},
                 home=sys.argv[1])
"""


def test_concurrent_writers_write_only_whole_lines(tmp_path):
    threads, per_thread, processes = 8, 200, 2
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(n=per_thread), encoding="utf-8")
    children = [subprocess.Popen([sys.executable, str(script), str(tmp_path), f"process{p}@x"], cwd=ROOT)
                for p in range(processes)]
    viewer = SimpleNamespace(email="thread@x", role="admin")
    detail = {"page": "feedback", "filters": {"therapists": [("Fjordklinikken", f"T{j:03d}") for j in range(150)]}}

    def write():
        for _ in range(per_thread):
            assert audit.record("page_view", viewer, detail, home=tmp_path)

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert all(c.wait(timeout=120) == 0 for c in children)

    written = lines(tmp_path)  # json.loads fails on any torn or interleaved line
    assert len(written) == (threads + processes) * per_thread
    assert sum(e["user"] == "thread@x" for e in written) == threads * per_thread
    assert all(len(e["detail"]["filters"].get("clinics") or e["detail"]["filters"]["therapists"]) == 150
               for e in written)
    assert len(audit.read_events(tmp_path)) == len(written)


# --------------------------------------------------------------------------- retention


def _month(home, year, month, n=1):
    for day in range(1, n + 1):
        audit.record("login", ADMIN, {"method": "oidc"}, home=home, now=dt.datetime(year, month, day, tzinfo=UTC))


def test_purge_deletes_exactly_the_month_files_past_the_retention(tmp_path):
    for year, month in ((2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 11), (2026, 1)):
        _month(tmp_path, year, month)
    stranger = tmp_path / "audit" / "notes.txt"
    stranger.write_text("not ours", encoding="utf-8")
    # 2025-01-31 is 365 days before 2026-01-31 (kept); 2024-12-31 is 396 days before (deleted).
    deleted = audit.purge(tmp_path, 365, today=dt.date(2026, 1, 31))
    assert deleted == ["audit-2024-11.jsonl", "audit-2024-12.jsonl"]
    this_month = audit.month_file(tmp_path, dt.datetime.now(UTC)).name  # where the purge itself is recorded
    assert {p.name for p in audit.month_files(tmp_path)} == \
        {"audit-2025-01.jsonl", "audit-2025-02.jsonl", "audit-2025-11.jsonl", "audit-2026-01.jsonl", this_month}
    assert stranger.exists()
    # One day later January 2025 is more than 365 days old.
    assert audit.purge(tmp_path, 365, today=dt.date(2026, 2, 1)) == ["audit-2025-01.jsonl"]
    purges = audit.read_events(tmp_path, event="purge")
    assert [json.loads(d)["files"] for d in purges["detail"]] == [["audit-2025-01.jsonl"],
                                                                  ["audit-2024-11.jsonl", "audit-2024-12.jsonl"]]
    assert set(purges["user"]) == {"system"}
    with pytest.raises(ValueError, match="at least 1"):
        audit.purge(tmp_path, 0)


def test_purge_runs_at_most_once_a_day(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(audit, "purge", lambda home, days, today=None: calls.append(today) or [])
    for _ in range(3):
        audit.purge_daily(tmp_path, 365, today=dt.date(2026, 5, 1))
    audit.purge_daily(tmp_path, 365, today=dt.date(2026, 5, 2))
    assert calls == [dt.date(2026, 5, 1), dt.date(2026, 5, 2)]


# --------------------------------------------------------------------------- a failing write


def test_a_failing_write_does_not_break_the_page_and_is_shown_to_admins(monkeypatch, tmp_path, sample_home,
                                                                         missing_exports, caplog):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, ignore=shutil.ignore_patterns("audit"))
    (home / "audit").write_text("a file where the folder should be", encoding="utf-8")  # unwritable, even as root
    before = audit.write_failures()["count"]
    with caplog.at_level("WARNING", logger="alliance.audit"):
        assert audit.record("login", ADMIN, {"method": "oidc"}, home=home) is False
    assert audit.write_failures()["count"] == before + 1
    assert "could not be written" in caplog.text and "oidc" not in caplog.text  # no event content in the log

    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception and at.get("plotly_chart"), "the Overview is drawn although its page view was not logged"
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    [error] = at.error
    assert "could not be written to the audit trail" in shown(error.value) and "missing" in error.value


# --------------------------------------------------------------------------- the page


def _as_viewer(monkeypatch, viewer):
    """Run the dashboard as this viewer: the login module's local mode would make everyone the local user."""
    try:
        from alliance.ui import auth
    except ImportError:  # before the login exists, the session state's viewer is the viewer
        return

    def signed_in():
        import streamlit as st

        st.session_state["viewer"] = viewer
        st.session_state["scope"] = viewer.scope
        return viewer

    if hasattr(auth, "_local_viewer"):
        monkeypatch.setattr(auth, "_local_viewer", signed_in)


def open_audit(monkeypatch, home, data, viewer=None, lang=None) -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    if viewer is not None:
        _as_viewer(monkeypatch, viewer)
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    if viewer is not None:
        at.session_state["viewer"] = viewer
    if lang:
        at.query_params["lang"] = lang
    at.run()
    return at


@pytest.fixture
def audited_home(tmp_path, sample_home):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, ignore=shutil.ignore_patterns("audit"))
    audit.record("login", ADMIN, {"method": "oidc"}, home=home, now=dt.datetime(2026, 1, 5, 8, tzinfo=UTC))
    audit.record("page_view", THERAPIST, {"page": "therapists"}, home=home, now=dt.datetime(2026, 1, 6, 8, tzinfo=UTC))
    audit.record("refused", "stranger@example.org", {"reason": "not_in_access_file"}, home=home,
                 now=dt.datetime(2026, 2, 1, 8, tzinfo=UTC))
    return home


def test_admin_reads_the_trail_and_filters_it(monkeypatch, audited_home, missing_exports):
    at = open_audit(monkeypatch, audited_home, missing_exports, ADMIN)
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    counts, events = (d.value for d in at.dataframe)
    # The three recorded events, plus this session's own page views (Overview, then this page), newest first.
    assert list(events["event"])[-3:] == ["refused", "page view", "login"]
    assert list(events["page"])[:2] == ["audit", "overview"]
    assert events["ts"].is_monotonic_decreasing
    assert dict(zip(counts["event"], counts["count"])) == {"page view": 3, "login": 1, "refused": 1}
    assert any("Events are kept 365 days" in m.value and "5 Jan 2026" in m.value for m in at.markdown)

    at.selectbox(key="au_event").set_value("refused").run()
    [counts, events] = (d.value for d in at.dataframe)
    assert list(events["user"]) == ["stranger@example.org"]
    at.selectbox(key="au_event").set_value("").run()
    at.selectbox(key="au_user").set_value("tor@clinic.no").run()
    assert list(at.dataframe[1].value["page"]) == ["therapists"]
    at.selectbox(key="au_user").set_value("").run()
    at.date_input(key="au_from").set_value(dt.date(2026, 1, 6)).run()
    at.date_input(key="au_to").set_value(dt.date(2026, 1, 31)).run()
    assert list(at.dataframe[1].value["user"]) == ["tor@clinic.no"]
    at.date_input(key="au_to").set_value(dt.date(2026, 1, 5)).run()
    assert not at.dataframe and [w.value for w in at.warning] == [
        "The period ends before it starts: choose a From date on or before the To date."]


def test_a_non_admin_is_refused_and_does_not_see_the_page_in_the_navigation(monkeypatch, audited_home,
                                                                           missing_exports):
    at = open_audit(monkeypatch, audited_home, missing_exports, THERAPIST)
    assert not at.exception, [e.value for e in at.exception]
    with pytest.raises(ValueError):
        at.switch_page("pages/audit.py")  # not among the pages the navigation registered for this viewer

    # Opened all the same (a page Streamlit runs on its own): one sentence and nothing else.
    at = open_audit(monkeypatch, audited_home, missing_exports, ADMIN)  # an admin's session registers every page
    at.switch_page("pages/audit.py")
    _as_viewer(monkeypatch, THERAPIST)
    at.session_state["viewer"] = THERAPIST
    at.run()
    assert not at.exception
    assert not at.dataframe and not at.title
    said = [m.value for m in at.markdown] + [w.value for w in at.warning]
    assert any("administrator" in s.lower() or "admin" in s.lower() for s in said), said


def test_the_page_in_norwegian(monkeypatch, audited_home, missing_exports):
    monkeypatch.setenv("ALLIANCE_HOME", str(audited_home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    _as_viewer(monkeypatch, ADMIN)
    # The page on its own: AppTest's switch_page does not carry the language widget's state across.
    at = AppTest.from_file("../pages/audit.py", default_timeout=TIMEOUT)
    at.query_params["lang"] = "nb"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Revisjonslogg"
    assert "sidevisning" in set(at.dataframe[0].value["event"])


def test_page_views_are_recorded_once_per_change_of_page_or_filters(monkeypatch, tmp_path, sample_home,
                                                                   missing_exports):
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, ignore=shutil.ignore_patterns("audit"))
    at = open_audit(monkeypatch, home, missing_exports)
    at.run()  # a rerun that changes nothing
    at.switch_page("pages/feedback.py").run()
    at.radio(key="fb_band").set_value("low").run()  # a page's own widget: not a filter
    at.multiselect(key="f_sector").set_value(["private"]).run()
    at.run()
    views = [e for e in lines(home) if e["event"] == "page_view"]
    assert [(e["detail"]["page"], e["detail"].get("filters")) for e in views] == [
        ("overview", None), ("feedback", None), ("feedback", {"sectors": ["private"]})]
    assert all(e["user"] == "local" and e["detail"]["scope"]["clinics"] == "all" for e in views)


# --------------------------------------------------------------------------- the command line


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alliance", "audit", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_prints_filters_and_purges(audited_home):
    done = _cli("--home", str(audited_home), "--format", "json", "--since", "2026-01-06")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert [(e["event"], e["user"]) for e in printed] == [("refused", "stranger@example.org"),
                                                          ("page_view", "tor@clinic.no")]
    assert printed[1]["detail"] == {"page": "therapists"} and printed[1]["ts"] == "2026-01-06T08:00:00.000000Z"
    done = _cli("--home", str(audited_home), "--format", "csv", "--user", "ADA@clinic.no", "--event", "login")
    assert done.stdout.splitlines()[0] == "ts,event,user,role,page,detail" and len(done.stdout.splitlines()) == 2
    for args, words in ((("--since", "yesterday"), "date like"), (("--event", "delete"), "no audit event"),
                        (("--since", "2026-02-01", "--until", "2026-01-01"), "ends before it starts")):
        done = _cli("--home", str(audited_home), *args)
        assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1

    (audited_home / "settings.toml").write_text("audit_retention_days = 30\n", encoding="utf-8")
    done = _cli("--home", str(audited_home), "--purge")
    assert done.returncode == 0 and "audit-2026-01.jsonl" in done.stdout  # both months are long past 30 days
    assert [e["event"] for e in lines(audited_home)] == ["purge"]
