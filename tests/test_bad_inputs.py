"""Every bad input gives the error DATA_CONTRACT.md promises, in one sentence,
while everything else in the folder still loads.

The corpus is tests/bad_inputs/ (written by tests/make_bad_inputs.py); the
expected outcome of each file is in tests/bad_inputs/cases.py. Everything runs
through the command line, as a data manager or a cron job would:

  python -m alliance check FILE... --format json     (validates, stores nothing)
  python -m alliance ingest --data DIR --home HOME   (then query files / rejects)

The single/ folder is checked in one `check` call and ingested in one `ingest`
call; every case is then asserted against both reports.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
SINGLE = CORPUS / "single"
FOLDERS = CORPUS / "folders"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


cases = _load("bad_inputs_cases", CORPUS / "cases.py")
SECRET = cases.SECRET
SINGLE_CASES = {c.file: c for c in cases.SINGLE_CASES}
MODES = ("check", "ingest")
FILE_COLUMNS = ("file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate",
                "rows_orphan", "message")
REJECT_COLUMNS = ("file", "row", "column", "reason")
# Words that show an exception's text reached the user instead of a sentence.
LEAKS = re.compile(r"Traceback|\w+Error\b|\w+Exception\b|\[Errno|ArrowInvalid|BadZipFile|File \"|line \d+, in ")


# ----------------------------------------------------------------------------- helpers
class Run:
    def __init__(self, args, proc):
        self.args, self.code, self.out, self.err = args, proc.returncode, proc.stdout, proc.stderr

    def __repr__(self):
        return f"<alliance {' '.join(map(str, self.args))} -> {self.code}\nstdout: {self.out[:2000]}\nstderr: {self.err[:2000]}>"

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError:
            pytest.fail(f"stdout is not JSON: {self!r}")


OUTPUTS: list[Run] = []  # every CLI run, to scan for leaked comment text


def alliance(*args, timeout: float = 300) -> Run:
    env = {k: v for k, v in os.environ.items() if k not in ("ALLIANCE_HOME", "ALLIANCE_DATA")}
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run([sys.executable, "-m", "alliance", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout)
    run = Run(args, proc)
    OUTPUTS.append(run)
    return run


def check(*files, data=None, home) -> Run:
    extra = ["--data", data] if data is not None else []
    return alliance("check", *files, "--format", "json", *extra, "--home", home)


def ingest(data, home) -> Run:
    return alliance("ingest", "--data", data, "--home", home)


def query(name, home):
    run = alliance("query", name, "--format", "json", "--home", home)
    assert run.code == 0, run
    rows = run.json()
    assert isinstance(rows, list), run
    return rows


class Report:
    """The `files` and `rejects` rows of one check or one ingest."""

    def __init__(self, files: list[dict], rejects: list[dict], run: Run, home: Path | None = None):
        self.run, self.home = run, home
        self.files_list, self.rejects = files, rejects
        self.files = {}
        for f in files:
            assert set(FILE_COLUMNS) <= set(f), f"files row lacks columns: {f}"
            self.files.setdefault(f["file"], f)
        for r in rejects:
            assert set(REJECT_COLUMNS) <= set(r), f"rejects row lacks columns: {r}"

    def file(self, name):
        assert name in self.files, f"{name} not in the report: {sorted(self.files)}\n{self.run!r}"
        return self.files[name]

    def rejects_of(self, name):
        return [r for r in self.rejects if r["file"] == name]


def check_report(files, home, data=None) -> Report:
    run = check(*files, data=data, home=home)
    assert run.code in (0, 1), run
    doc = run.json()
    assert isinstance(doc, dict) and "files" in doc and "rejects" in doc, run
    return Report(doc["files"], doc["rejects"], run)


def ingest_report(data, home, via_query: bool = True) -> Report:
    """The report of an ingest: from `query files` / `query rejects`, or (to save
    two interpreter starts) from the store's `files` and `rejects` tables, which
    hold the same columns (docs/store.md)."""
    run = ingest(data, home)
    if via_query:
        return Report(query("files", home), query("rejects", home), run, home)
    assert (home / "alliance.duckdb").exists(), run
    return Report(table_rows(home, "files"), table_rows(home, "rejects"), run, home)


def table_rows(home: Path, table: str) -> list[dict]:
    con = store(home)
    try:
        cur = con.execute(f"select * from {table}")
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, row)) for row in cur.fetchall()]
    finally:
        con.close()
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def store(home: Path):
    import duckdb

    return duckdb.connect(str(home / "alliance.duckdb"), read_only=True)


def stored_rows(home: Path, table: str, where: dict) -> list[dict]:
    con = store(home)
    try:
        sql = f"select * from {table} where " + " and ".join(f'"{k}" = ?' for k in where)
        cur = con.execute(sql, list(where.values()))
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
    finally:
        con.close()


def same_value(actual, expected) -> bool:
    if actual is None or expected is None:
        return actual is expected
    if isinstance(actual, (dt.date, dt.datetime)):
        return actual.isoformat()[:10] == str(expected)
    if isinstance(actual, (int, float, Decimal)) and not isinstance(actual, bool):
        try:
            return Decimal(str(actual)) == Decimal(str(expected))
        except ArithmeticError:
            return False
    return str(actual) == str(expected)


def one_sentence(text: str) -> list[str]:
    """Problems with `text` as one plain sentence for a user (empty list: fine)."""
    problems = []
    if not isinstance(text, str) or not text.strip():
        return ["is empty"]
    if "\n" in text.strip() or "\r" in text:
        problems.append("spans several lines")
    if LEAKS.search(text):
        problems.append("shows an exception")
    if SECRET in text:
        problems.append("contains comment text")
    if re.search(r"[.!?]\s+[A-Z]", text.strip()):
        problems.append("looks like more than one sentence")
    if len(text) > 400:
        problems.append(f"is {len(text)} characters long")
    return problems


def tree_digest(home: Path) -> dict[str, str]:
    out = {}
    for p in sorted(home.rglob("*")):
        if p.is_file() and p.name != "ingest.lock":
            out[str(p.relative_to(home))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def assert_accounting(report: Report):
    for f in report.files_list:
        if f["status"] == "loaded":
            assert f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"] + f["rows_duplicate"], f
            assert 0 <= f["rows_orphan"] <= f["rows_loaded"], f
        else:
            assert f["rows_loaded"] == 0 and f["rows_quarantined"] == 0 and f["rows_orphan"] == 0, f


# ------------------------------------------------------------------------------ the corpus
def test_corpus_matches_manifest():
    on_disk = sorted(p.name for p in SINGLE.iterdir())
    assert on_disk == sorted(SINGLE_CASES), "single/ and cases.py disagree; rerun tests/make_bad_inputs.py"
    folders = sorted(p.name for p in FOLDERS.iterdir() if p.is_dir())
    assert folders == sorted(c.name for c in cases.FOLDER_CASES)
    assert len(cases.SINGLE_CASES) + len(cases.FOLDER_CASES) >= 45


def test_corpus_is_reproducible(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "make_bad_inputs.py"), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for sub in ("single", "folders"):
        fresh = {str(p.relative_to(tmp_path)): p.read_bytes() for p in (tmp_path / sub).rglob("*") if p.is_file()}
        kept = {str(p.relative_to(CORPUS)): p.read_bytes() for p in (CORPUS / sub).rglob("*") if p.is_file()}
        assert sorted(fresh) == sorted(kept)
        changed = [k for k in fresh if fresh[k] != kept[k]]
        assert not changed, f"corpus differs from what make_bad_inputs.py writes: {changed}"


def test_corpus_is_small():
    for p in CORPUS.rglob("*"):
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts:
            limit = 120_000 if p.name == "feedback_oversized_comment.csv" else 8_000
            assert p.stat().st_size <= limit, p


def test_every_comment_is_marked():
    """The leak checks below rely on every comment in the corpus holding SECRET."""
    for name in ("feedback_quoted_fields.csv", "feedback_truncated.csv", "feedback_too_many_fields.csv",
                 "feedback_oversized_comment.csv"):
        assert SECRET.encode() in (SINGLE / name).read_bytes()


def folder(name) -> Path:
    return FOLDERS / name


# ------------------------------------------------------------------------------ scenarios
# Each command costs a second or two (interpreter start, fsync), so the command
# sequences below run side by side in threads; the tests then assert on what
# they recorded. An exception inside a scenario is raised again in the tests
# that use it.
BAD_TOML = ("columns_not_toml", "columns_unknown_column")


def scenario_check_single(tmp: Path):
    return check_report(sorted(SINGLE.iterdir()), tmp / "home")


def scenario_ingest_single(tmp: Path):
    return ingest_report(SINGLE, tmp / "home")


def scenario_clean_check(tmp: Path):
    clean = [SINGLE / c.file for c in cases.SINGLE_CASES
             if c.status == "ignored" or (c.status == "loaded" and not c.rejects and not c.rows_duplicate)]
    return check_report(clean, tmp / "home")


def scenario_check_stores_nothing(tmp: Path):
    home = tmp / "home"
    run = check(SINGLE / "sessions_crlf.csv", home=home)
    written = [p for p in home.rglob("*") if p.is_file() and p.name != "ingest.lock"] if home.exists() else []
    return run, written


def scenario_bad_toml(tmp: Path, bad: str):
    home = tmp / "home"
    out = {"first": ingest(folder("base"), home)}
    out["tree_before"] = tree_digest(home)
    out["run"] = ingest(folder(bad), home)
    out["tree_after"] = tree_digest(home)
    fresh = tmp / "fresh_home"
    out["fresh"] = ingest(folder(bad), fresh)
    out["fresh_written"] = [str(p) for p in fresh.rglob("*") if p.is_file() and p.name != "ingest.lock"
                            and (p.name == "alliance.duckdb" or "objects" in p.parts)] if fresh.exists() else []
    out["check"] = check(folder(bad) / "sessions_new.csv", home=tmp / "check_home")
    return out


def scenario_glob(tmp: Path):
    home = tmp / "home"
    out = {"rep": ingest_report(folder("columns_files_glob"), home, False)}
    out["session"] = stored_rows(home, "sessions", {"session_id": "GL-1"})
    out["feedback"] = stored_rows(home, "feedback", {"session_id": "GL-1", "rater": "client"})
    files = [folder("columns_files_glob") / n for n in ("timer_2024.csv", "skjema_2024.csv")]
    out["check_default"] = check_report(files, tmp / "check_home")
    out["check_data"] = check_report(files, tmp / "check_home", data=folder("columns_files_glob"))
    return out


def scenario_not_export(tmp: Path):
    return {"rep": ingest_report(folder("not_export"), tmp / "home", False),
            "check": check_report(sorted(folder("not_export").iterdir()), tmp / "check_home")}


def scenario_orphan(tmp: Path):
    home = tmp / "home"
    out = {"rep": ingest_report(folder("orphan"), home, False)}
    out["or99"] = stored_rows(home, "feedback", {"session_id": "OR-99"})
    out["or1"] = stored_rows(home, "feedback", {"session_id": "OR-1"})
    out["check"] = check_report(sorted(folder("orphan").iterdir()), tmp / "check_home")
    out["late"] = ingest_report(folder("orphan_late"), home, False)
    out["or99_late"] = stored_rows(home, "feedback", {"session_id": "OR-99"})
    return out


def scenario_replace(tmp: Path):
    home = tmp / "home"
    return {"rep": ingest_report(folder("replace"), home, False),
            "rp1": stored_rows(home, "sessions", {"session_id": "RP-1"}),
            "sessions": stored_rows(home, "sessions", {"clinic": "Klinikk Nord"}),
            "feedback": stored_rows(home, "feedback", {"session_id": "RP-1"})}


def scenario_codepoint(tmp: Path):
    home = tmp / "home"
    return {"rep": ingest_report(folder("replace_codepoint"), home, False),
            "rc1": stored_rows(home, "sessions", {"session_id": "RC-1"})}


def scenario_same_bytes(tmp: Path):
    home = tmp / "home"
    out = {"rep": ingest_report(folder("same_bytes"), home, False)}
    out["sessions"] = stored_rows(home, "sessions", {"clinic": "Klinikk Nord"})
    out["check"] = check_report([folder("same_bytes") / "sessions_b.csv", folder("same_bytes") / "sessions_a.csv"],
                                tmp / "check_home")
    out["again"] = ingest(folder("same_bytes"), home)
    out["files_again"], out["rejects_again"] = table_rows(home, "files"), table_rows(home, "rejects")
    out["sessions_again"] = stored_rows(home, "sessions", {"clinic": "Klinikk Nord"})
    return out


def scenario_tomorrow(tmp: Path):
    """The one case that cannot be a fixed file: dates relative to today."""
    sys.path.insert(0, str(ROOT / "tests"))
    import make_bad_inputs as mk

    today = dt.date.today()
    rows = [mk.ses("TOM-1", session_date=(today + dt.timedelta(days=1)).isoformat()),
            mk.ses("TOM-2", session_date=(today + dt.timedelta(days=2)).strftime("%d.%m.%Y")),
            mk.ses("TOM-3", session_date=today.isoformat())]
    path = tmp / "data" / "sessions_tomorrow.csv"
    path.parent.mkdir()
    path.write_text(mk.csv_text(mk.table(mk.SESSION_HEADER, rows)), encoding="utf-8")
    return check_report([path], tmp / "home")


SCENARIOS = {
    # the two long ones first
    "check_single": scenario_check_single,
    "ingest_single": scenario_ingest_single,
    "orphan": scenario_orphan,
    "same_bytes": scenario_same_bytes,
    **{f"bad_toml:{b}": (lambda tmp, b=b: scenario_bad_toml(tmp, b)) for b in BAD_TOML},
    "glob": scenario_glob,
    "not_export": scenario_not_export,
    "replace": scenario_replace,
    "codepoint": scenario_codepoint,
    "clean_check": scenario_clean_check,
    "tomorrow": scenario_tomorrow,
    "check_stores_nothing": scenario_check_stores_nothing,
}


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    dirs = {name: tmp_path_factory.mktemp(re.sub(r"\W", "_", name)) for name in SCENARIOS}
    pool = ThreadPoolExecutor(max_workers=3)
    futures = {name: pool.submit(fn, dirs[name]) for name, fn in SCENARIOS.items()}
    yield futures
    pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def reports(scenarios):
    return {"check": scenarios["check_single"].result(), "ingest": scenarios["ingest_single"].result()}


# ------------------------------------------------------------------------- per-case checks
@pytest.mark.parametrize("mode", MODES)
def test_exit_status_of_mixed_folder(reports, mode):
    run = reports[mode].run
    assert run.code == 1, run  # some rows quarantined, some files rejected: "done, but ..."
    assert not one_sentence_problems_in(run.err), (one_sentence_problems_in(run.err), run)


def one_sentence_problems_in(stderr: str) -> list[str]:
    lines = [l for l in stderr.splitlines() if l.strip()]
    return [f"{l!r}: {p}" for l in lines for p in one_sentence(l) if p != "looks like more than one sentence"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(SINGLE_CASES))
def test_case(reports, mode, name):
    case = SINGLE_CASES[name]
    rep = reports[mode]
    got = rep.file(name)
    where = f"{mode} {name} ({case.about}; {case.basis}):\n  files row {got}\n  rejects {rep.rejects_of(name)}"

    assert got["status"] == case.status, where
    if case.kind is not None:
        assert got["kind"] == case.kind, where
    reported = f"{got['message'] or ''} {got.get('unmapped') or ''}".lower()  # `unmapped`: an optional extra column
    for phrase in case.message:
        assert phrase in reported, f"message should contain {phrase!r}: " + where

    if case.status in ("rejected", "ignored", "duplicate"):
        assert (got["rows_loaded"], got["rows_quarantined"], got["rows_duplicate"], got["rows_orphan"]) == (0, 0, 0, 0), where
        if case.status == "rejected":
            assert got["rows_read"] == 0, where
            assert not one_sentence(got["message"]), f"{one_sentence(got['message'])}: " + where
        if case.status == "ignored":
            assert not rep.rejects_of(name), "an ignored file is never an error: " + where
        return

    counts = (got["rows_read"], got["rows_loaded"], got["rows_quarantined"], got["rows_duplicate"], got["rows_orphan"])
    want = (case.rows_read, case.rows_loaded, case.rows_quarantined, case.rows_duplicate, case.rows_orphan)
    if case.rows_read is None:
        counts, want = counts[2:], want[2:]
        assert got["rows_read"] == got["rows_loaded"] + got["rows_quarantined"] + got["rows_duplicate"], where
    assert counts == want, f"(read, loaded, quarantined, duplicate, orphan) {counts} != {want}: " + where

    entries = rep.rejects_of(name)
    if case.rows_duplicate:
        # A duplicate copy may be reported as an entry of its own; nothing else may be.
        entries = [e for e in entries if "duplicate" not in (e["reason"] or "").lower()]
    got_keys = Counter((e["row"], e["column"]) for e in entries)
    want_keys = Counter((r.row, r.column) for r in case.rejects)
    assert got_keys == want_keys, "reject entries (row, column) differ: " + where
    for r in case.rejects:
        reasons = [(e["reason"] or "").lower() for e in entries if (e["row"], e["column"]) == (r.row, r.column)]
        assert any(any(alt in reason for alt in r.reason.split("|")) for reason in reasons), \
            f"row {r.row} column {r.column}: reason should contain {r.reason!r}: " + where


@pytest.mark.parametrize("mode", MODES)
def test_every_file_reported_once(reports, mode):
    names = Counter(f["file"] for f in reports[mode].files_list)
    for name in SINGLE_CASES:
        assert names[name] == 1, (name, names[name])
    for f in reports[mode].files_list:
        assert "/" not in f["file"] and "\\" not in f["file"], f"file should be a name, not a path: {f['file']}"


@pytest.mark.parametrize("mode", MODES)
def test_messages_and_reasons_are_one_sentence(reports, mode):
    rep = reports[mode]
    bad = []
    for f in rep.files_list:
        if f["message"]:
            bad += [f"{f['file']} message {f['message']!r}: {p}" for p in one_sentence(f["message"])]
    for r in rep.rejects:
        bad += [f"{r['file']} row {r['row']} {r['column']} reason {r['reason']!r}: {p}" for p in one_sentence(r["reason"])]
        if r["column"] == "comment":
            assert "STOR" not in (r["reason"] or ""), r
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("mode", MODES)
def test_accounting(reports, mode):
    assert_accounting(reports[mode])


def test_check_and_ingest_agree(reports):
    def key(rep):
        files = {f["file"]: tuple(f[c] for c in FILE_COLUMNS if c != "message") for f in rep.files_list
                 if f["file"] in SINGLE_CASES}
        rejects = Counter((r["file"], r["row"], r["column"]) for r in rep.rejects)
        return files, rejects

    assert key(reports["check"]) == key(reports["ingest"])


def test_rows_reach_the_store(reports):
    """Every loaded file's rows are in the store (no case replaces another in single/)."""
    home = reports["ingest"].home
    con = store(home)
    try:
        for f in reports["ingest"].files_list:
            if f["status"] != "loaded" or f["kind"] not in ("sessions", "feedback"):
                continue
            n = con.execute(f"select count(*) from {f['kind']} where source_file = ?", [f["file"]]).fetchone()[0]
            assert n == f["rows_loaded"], f
        n_orphans = con.execute("select count(*) from feedback where is_orphan").fetchone()[0]
        assert n_orphans == 0
        n_q = con.execute("select (select count(*) from quarantined_sessions) + (select count(*) from quarantined_feedback)"
                          ).fetchone()[0]
        assert n_q == sum(f["rows_quarantined"] for f in reports["ingest"].files_list)
    finally:
        con.close()


STORED = [(c.file, s) for c in cases.SINGLE_CASES for s in c.stored]


@pytest.mark.parametrize("name,expect", STORED, ids=[f"{f}-{'/'.join(s.key)}-{s.column}" for f, s in STORED])
def test_stored_values(reports, name, expect):
    """Text survives unchanged (æøå, emoji, quotes, newlines); words, numbers and dates are parsed."""
    home = reports["ingest"].home
    where = {"session_id": expect.key[0], "source_file": name}
    if expect.table == "feedback":
        where["rater"] = expect.key[1]
    rows = stored_rows(home, expect.table, where)
    assert len(rows) == 1, f"{expect.table} where {where}: {rows}"
    actual = rows[0][expect.column]
    assert same_value(actual, expect.value), f"{expect.column}: stored {actual!r}, expected {expect.value!r}"


def test_clean_files_check_exit_0(scenarios):
    rep = scenarios["clean_check"].result()
    assert rep.run.code == 0, rep.run
    assert not rep.rejects, rep.rejects


def test_dates_up_to_tomorrow_load(scenarios):
    rep = scenarios["tomorrow"].result()
    f = rep.file("sessions_tomorrow.csv")
    assert (f["status"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) == ("loaded", 3, 2, 1), f
    (entry,) = rep.rejects
    assert (entry["row"], entry["column"]) == (3, "session_date") and "after" in entry["reason"].lower(), entry


def test_check_stores_nothing(scenarios):
    run, written = scenarios["check_stores_nothing"].result()
    assert run.code == 0, run
    assert not written, f"check wrote {written}"


def test_rejects_never_hold_comment_text(reports):
    for r in reports["ingest"].rejects + reports["check"].rejects:
        assert SECRET not in json.dumps(r, ensure_ascii=False), r


# ---------------------------------------------------------------------------- folders/
@pytest.mark.parametrize("bad", BAD_TOML)
def test_bad_columns_toml_changes_nothing(scenarios, bad):
    out = scenarios[f"bad_toml:{bad}"].result()
    assert out["first"].code == 0, out["first"]
    run = out["run"]
    assert run.code == 2, run
    lines = [l for l in run.err.splitlines() if l.strip()]
    assert len(lines) == 1, f"one sentence on stderr: {run!r}"
    assert "columns.toml" in lines[0], run
    assert not one_sentence(lines[0]), (one_sentence(lines[0]), run)
    assert out["tree_after"] == out["tree_before"], "the store (database or archive) changed"


@pytest.mark.parametrize("bad", BAD_TOML)
def test_bad_columns_toml_on_a_fresh_home(scenarios, bad):
    out = scenarios[f"bad_toml:{bad}"].result()
    assert out["fresh"].code == 2, out["fresh"]
    assert "columns.toml" in out["fresh"].err, out["fresh"]
    assert not out["fresh_written"], f"stored before stopping: {out['fresh_written']}"


@pytest.mark.parametrize("bad", BAD_TOML)
def test_bad_columns_toml_in_check(scenarios, bad):
    run = scenarios[f"bad_toml:{bad}"].result()["check"]
    assert run.code in (1, 2), run  # contract: 2 is a usage error; a bad mapping is at least a problem found
    assert "columns.toml" in run.err + run.out, run
    assert "Traceback" not in run.err, run


def test_columns_files_glob(scenarios):
    out = scenarios["glob"].result()
    rep = out["rep"]
    assert rep.run.code == 0, rep.run
    timer, skjema, notes = rep.file("timer_2024.csv"), rep.file("skjema_2024.csv"), rep.file("notater.txt")
    assert (timer["kind"], timer["status"], timer["rows_read"], timer["rows_loaded"]) == ("sessions", "loaded", 2, 2), timer
    assert (skjema["kind"], skjema["status"], skjema["rows_loaded"], skjema["rows_orphan"]) == ("feedback", "loaded", 2, 0), skjema
    assert notes["status"] == "ignored", notes
    assert not rep.rejects, rep.rejects
    (row,) = out["session"]
    assert (row["client_id"], row["therapist_id"], str(row["session_date"]), row["status"], row["sector"]) == \
        ("C01", "T01", "2024-03-05", "attended", "public")
    (fb,) = out["feedback"]
    assert same_value(fb["srs_total"], "34")
    for key in ("check_default", "check_data"):  # the files' own folder's columns.toml, or --data's
        chk = out[key]
        assert chk.run.code == 0, chk.run
        assert chk.file("timer_2024.csv")["kind"] == "sessions"
        assert chk.file("skjema_2024.csv")["status"] == "loaded"


def test_not_exports_are_ignored(scenarios):
    out = scenarios["not_export"].result()
    rep = out["rep"]
    assert rep.run.code == 0, rep.run
    assert rep.file("sessions_ok.csv")["rows_loaded"] == 1
    for name in ("README.txt", "~$sessions_ok.xlsx", "rapport.pdf", "eksport.log"):
        assert rep.file(name)["status"] == "ignored", rep.file(name)
        assert rep.file(name)["rows_loaded"] == 0
    assert not rep.rejects, rep.rejects
    assert out["check"].run.code == 0, out["check"].run
    assert out["check"].file("rapport.pdf")["status"] == "ignored"


def test_orphan_feedback_row(scenarios):
    out = scenarios["orphan"].result()
    rep = out["rep"]
    assert rep.run.code == 0, rep.run  # an orphan is loaded, not rejected or quarantined
    fb = rep.file("feedback_1.csv")
    assert (fb["status"], fb["rows_read"], fb["rows_loaded"], fb["rows_quarantined"], fb["rows_orphan"]) == \
        ("loaded", 3, 3, 0, 1), fb
    (orphan,) = out["or99"]
    assert orphan["is_orphan"] is True
    assert [r["is_orphan"] for r in out["or1"]] == [False, False]
    assert out["check"].file("feedback_1.csv")["rows_orphan"] == 1, out["check"].file("feedback_1.csv")


def test_orphan_joins_when_its_session_arrives(scenarios):
    out = scenarios["orphan"].result()
    late = out["late"]  # a later ingest of a folder holding only the session (the rest stays in the store)
    assert late.run.code == 0, late.run
    assert late.file("feedback_1.csv")["rows_orphan"] == 0, late.file("feedback_1.csv")
    (joined,) = out["or99_late"]
    assert joined["is_orphan"] is False


def test_later_file_replaces_earlier_rows(scenarios):
    out = scenarios["replace"].result()
    rep = out["rep"]
    assert rep.run.code == 0, rep.run
    assert_accounting(rep)
    for name in ("sessions_2024_01.csv", "sessions_2024_02.csv", "feedback_2024_01.csv", "feedback_2024_02.csv"):
        assert rep.file(name)["status"] == "loaded", rep.file(name)
    (rp1,) = out["rp1"]
    assert (rp1["therapist_id"], rp1["source_file"]) == ("T02", "sessions_2024_02.csv"), rp1
    assert same_value(rp1["ors_1"], "9") and same_value(rp1["ors_total"], "30"), rp1
    assert len(out["sessions"]) == 2
    (fb,) = out["feedback"]
    assert same_value(fb["srs_total"], "38") and fb["source_file"] == "feedback_2024_02.csv", fb


def test_file_name_order_is_by_code_point(scenarios):
    out = scenarios["codepoint"].result()
    assert out["rep"].run.code == 0, out["rep"].run
    (rc1,) = out["rc1"]
    # "Sessions_z.csv" < "sessions_a.csv" by code point, so sessions_a.csv is the later file and wins.
    assert (rc1["therapist_id"], rc1["source_file"]) == ("T02", "sessions_a.csv"), rc1


def test_same_bytes_under_two_names(scenarios):
    out = scenarios["same_bytes"].result()
    rep = out["rep"]
    a, b = rep.file("sessions_a.csv"), rep.file("sessions_b.csv")
    assert (a["status"], a["rows_loaded"]) == ("loaded", 2), a
    assert b["status"] == "duplicate", b
    assert (b["rows_loaded"], b["rows_quarantined"], b["rows_duplicate"], b["rows_orphan"]) == (0, 0, 0, 0), b
    if b["message"]:
        assert not one_sentence(b["message"]), b
    assert len(out["sessions"]) == 2
    assert not rep.rejects, rep.rejects
    chk = out["check"]  # given in the other order on the command line: file-name order still decides
    assert chk.file("sessions_b.csv")["status"] == "duplicate", chk.file("sessions_b.csv")
    assert chk.file("sessions_a.csv")["status"] == "loaded", chk.file("sessions_a.csv")


def test_ingesting_again_changes_nothing(scenarios):
    out = scenarios["same_bytes"].result()
    assert out["again"].code in (0, 1), out["again"]
    assert out["files_again"] == out["rep"].files_list
    assert out["rejects_again"] == out["rep"].rejects
    assert out["sessions_again"] == out["sessions"]


def test_no_comment_text_in_any_output(scenarios):
    """Scans the output of every command the scenarios ran."""
    for fut in scenarios.values():
        fut.exception()  # wait for all
    assert OUTPUTS
    leaked = [r for r in OUTPUTS if SECRET in r.out or SECRET in r.err]
    assert not leaked, leaked[0]
