"""The command line of contract section 8: exit codes, output formats, one-sentence errors."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, home=None, data=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("ALLIANCE_HOME", "ALLIANCE_DATA")}
    if home:
        env["ALLIANCE_HOME"] = str(home)
    if data:
        env["ALLIANCE_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "alliance", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=300)


def assert_one_sentence(text: str):
    text = text.strip()
    assert text, "expected a message"
    assert "\n" not in text and "Traceback" not in text, text
    assert text.endswith((".", "?")), text


@pytest.fixture
def clean(tmp_path):
    d = tmp_path / "clean"
    d.mkdir()
    write_csv(d / "sessions_1.csv", SESSION_HEADER, [
        session(session_id="S1", number=1, date="2024-01-10"),
        session(session_id="S2", number=2, date="2024-02-10", client_id="K1"),
        session(session_id="S3", number=1, date="2024-02-12", client_id="K2", clinic="Fjordklinikken",
                sector="private", site="Bergen")])
    write_csv(d / "feedback_1.csv", FEEDBACK_HEADER, [
        feedback(session_id="S1", srs=(9, 9, 9, 9)),
        feedback(session_id="S2", srs=(8, 8, 8, 8.5)),
        feedback(session_id="S3", clinic="Fjordklinikken", srs=(10, 10, 10, 10), comment="Bra, takk æøå 🙂")])
    return d


def test_ingest_exit_0_when_all_rows_load_then_query_every_format(clean, tmp_path):
    home = tmp_path / "home"
    r = cli("ingest", "--data", clean, "--home", home)
    assert r.returncode == 0, r.stderr
    assert "loaded    sessions_1.csv (sessions): 3 rows read, 3 loaded" in r.stdout
    r = cli("query", "alliance_trend", "--home", home, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["month"], x["group"], x["n_rated"], x["mean_srs"]) for x in rows] == [
        ("2024-01-01", "public", "1", "36.0"), ("2024-02-01", "private", "1", "40.0"), ("2024-02-01", "public", "1", "32.5")]
    r = cli("query", "alliance_trend", "--home", home, "--format", "json", "--param", "group=site",
            "--param", "start=2024-02-01")
    assert json.loads(r.stdout) == [
        {"month": "2024-02-01", "group": "Bergen", "n_rated": 1, "n_clients": 1, "mean_srs": 40, "pct_low": 0,
         "sd": None, "ci_low": None, "ci_high": None},
        {"month": "2024-02-01", "group": "Havbris DPS", "n_rated": 1, "n_clients": 1, "mean_srs": 32.5, "pct_low": 100,
         "sd": None, "ci_low": None, "ci_high": None}]  # one rated session: no spread, no interval
    r = cli("query", "alliance_trend", "--home", home, "--format", "table", "--param", "group=therapist")
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["month", "group", "n_rated", "n_clients", "mean_srs", "pct_low", "sd", "ci_low",
                                "ci_high"]
    assert set(lines[1]) <= {"-", " "}
    assert "Fjordklinikken/T1" in r.stdout and len(lines) == 5


def test_environment_variables_choose_folders(clean, tmp_path):
    home = tmp_path / "envhome"
    r = cli("ingest", home=home, data=clean)
    assert r.returncode == 0, r.stderr
    assert (home / "alliance.duckdb").exists()
    r = cli("query", "files", "--format", "json", home=home)
    assert {f["file"] for f in json.loads(r.stdout)} == {"sessions_1.csv", "feedback_1.csv"}


def test_default_home_is_dot_alliance_in_the_current_directory(clean, tmp_path):
    r = cli("ingest", "--data", clean, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / ".alliance" / "alliance.duckdb").exists()


def test_ingest_exit_1_when_something_is_quarantined_and_files_rejects_queries(clean, tmp_path):
    write_csv(clean / "feedback_2.csv", FEEDBACK_HEADER, [feedback(session_id="S1", srs=(11, 9, 9, 9))])
    (clean / "sessions_broken.xlsx").write_bytes(b"this is not a zip file")
    home = tmp_path / "home"
    r = cli("ingest", "--data", clean, "--home", home)
    assert r.returncode == 1
    assert "feedback_2.csv row 2, column srs_1: srs_1 is 11, above the maximum of 10." in r.stdout
    files = {f["file"]: f for f in json.loads(cli("query", "files", "--home", home, "--format", "json").stdout)}
    assert files["sessions_broken.xlsx"]["status"] == "rejected"
    assert files["sessions_broken.xlsx"]["message"].startswith("sessions_broken.xlsx is not an Excel workbook")
    assert (files["feedback_2.csv"]["rows_read"], files["feedback_2.csv"]["rows_quarantined"]) == (1, 1)
    rejects = json.loads(cli("query", "rejects", "--home", home, "--format", "json").stdout)
    assert rejects == [{"file": "feedback_2.csv", "row": 2, "column": "srs_1",
                        "reason": "srs_1 is 11, above the maximum of 10"}]


def test_ingest_exit_2_and_nothing_changes_on_bad_columns_toml(clean, tmp_path):
    home = tmp_path / "home"
    assert cli("ingest", "--data", clean, "--home", home).returncode == 0
    before = (home / "alliance.duckdb").resolve()
    (clean / "columns.toml").write_text('[columns]\n"Klient" = "klient_id"\n', encoding="utf-8")
    r = cli("ingest", "--data", clean, "--home", home)
    assert r.returncode == 2
    assert_one_sentence(r.stderr)
    assert "columns.toml" in r.stderr and "klient_id" in r.stderr
    assert (home / "alliance.duckdb").resolve() == before


def test_ingest_exit_2_for_a_missing_folder(tmp_path):
    r = cli("ingest", "--data", tmp_path / "nowhere", "--home", tmp_path / "home")
    assert r.returncode == 2
    assert_one_sentence(r.stderr)
    assert "nowhere" in r.stderr


def test_check_stores_nothing_and_reports(clean, tmp_path):
    r = cli("check", clean / "sessions_1.csv", clean / "feedback_1.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / ".alliance").exists()
    write_csv(clean / "sessions_bad.csv", SESSION_HEADER, [session(session_id="S9", date="31.02.2024")])
    r = cli("check", clean / "sessions_bad.csv", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["rejects"] == [{"file": "sessions_bad.csv", "row": 2, "column": "session_date",
                                  "reason": "session_date is not a date (use YYYY-MM-DD or DD.MM.YYYY)"}]
    r = cli("check", clean / "no_such_file.csv", cwd=tmp_path)
    assert r.returncode == 2
    assert_one_sentence(r.stderr)


def test_query_errors_exit_2_with_one_sentence(clean, tmp_path):
    home = tmp_path / "home"
    cli("ingest", "--data", clean, "--home", home)
    cases = [
        (("query", "no_such_query"), "no query named 'no_such_query'"),
        (("query", "alliance_trend", "--param", "group=planet"), "must be one of sector, clinic, site, therapist"),
        (("query", "alliance_trend", "--param", "start=01.02.2024"), "must be a date as YYYY-MM-DD"),
        (("query", "alliance_trend", "--param", "colour=red"), "has no parameter 'colour'"),
        (("query", "files", "--param", "start"), "must be given as key=value"),
    ]
    for args, phrase in cases:
        r = cli(*args, "--home", home)
        assert r.returncode == 2, args
        assert_one_sentence(r.stderr)
        assert phrase in r.stderr, (args, r.stderr)
    r = cli("query", "files", "--home", tmp_path / "empty")
    assert r.returncode == 2
    assert "run `python -m alliance ingest` first" in r.stderr


def test_debug_shows_the_traceback(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    (d / "columns.toml").write_text("[columns\n", encoding="utf-8")
    r = cli("ingest", "--data", d, "--home", tmp_path / "home", "--debug")
    assert r.returncode == 2 and "Traceback" in r.stderr
    r = cli("ingest", "--data", d, "--home", tmp_path / "home")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_non_ascii_survives_into_every_output_format(clean, tmp_path):
    home = tmp_path / "home"
    cli("ingest", "--data", clean, "--home", home)
    from alliance.store import open_reader

    con = open_reader(home)
    assert con.execute("SELECT comment FROM feedback WHERE comment IS NOT NULL").fetchall() == [("Bra, takk æøå 🙂",)]
    con.close()


def _cache_files(home: Path) -> dict[str, int]:
    """The model results beside the current build: file name -> inode (a recomputed result is a new file)."""
    return {p.name: p.stat().st_ino for p in (home / "cache").glob("*/*.parquet")}


def test_ingest_computes_the_default_view_models_that_the_dashboard_then_reads(sample_data, tmp_path):
    import pandas as pd

    from alliance import access, queries, store
    from alliance.scope import EVERYTHING
    from alliance.settings import load_settings
    from alliance.ui import data

    home = tmp_path / "home"
    home.mkdir()
    (home / "access.toml").write_text(
        '[[user]]\nemail = "admin@clinic.no"\nrole = "admin"\n\n'
        '[[user]]\nemail = "kari@clinic.no"\nrole = "supervisor"\nclinics = ["Havbris DPS"]\n\n'
        '[[user]]\nemail = "ola@clinic.no"\nrole = "therapist"\nclinic = "Havbris DPS"\ntherapist_id = "HB-T01"\n',
        encoding="utf-8")
    r = cli("ingest", "--data", sample_data, "--home", home)
    assert r.returncode in (0, 1), r.stderr
    assert "Models for the default view of 2 scopes computed ahead in" in r.stdout
    written = _cache_files(home)
    # Everything: each model, and treatment_response, which caseload_flags keeps too. The supervisor's clinics:
    # the models not computed per clinic; the per-clinic ones (caseload_flags, funnel) are the whole store's rows, filtered.
    per_clinic = [name for name, _ in queries.WARM_UP if queries.get(name).per_clinic]
    assert per_clinic == ["caseload_flags", "funnel"]
    assert len(written) == (len(queries.WARM_UP) + 1) + (len(queries.WARM_UP) - len(per_clinic))
    supervisor = access.load_access(home / "access.toml").entry("kari@clinic.no").scope()
    # The pages' own requests, through the dashboard's cache, find every model on disk: no file is written again.
    # The same results as computed afresh: a copy of the home without the model cache.
    fresh = tmp_path / "fresh"
    shutil.copytree(home, fresh, symlinks=True, ignore=shutil.ignore_patterns("cache"))
    version, settings = store.store_version(home), tuple(sorted(load_settings(home).items()))
    queries._MODEL_CACHE.clear()
    for scope in (EVERYTHING, supervisor):
        for name, params in queries.WARM_UP:
            page_params = tuple(sorted({"start": None, "end": None, **params}.items()))
            frame = data._query(str(home), version, name, page_params, scope, settings)
            computed = queries.run(store.open_reader(fresh), name, dict(page_params), scope, dict(settings))
            assert len(frame) > 0
            pd.testing.assert_frame_equal(frame, computed)
    assert _cache_files(home) == written
    assert len(_cache_files(fresh)) == len(written)


def test_ingest_without_models_and_a_failed_head_start_leave_the_ingest_as_it_is(clean, tmp_path):
    home = tmp_path / "home"
    r = cli("ingest", "--data", clean, "--home", home, "--no-models")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "Models not computed ahead (--no-models)."
    assert not list((home / "cache").glob("*/*.parquet"))
    (home / "settings.toml").write_text("srs_cutoff = 'low'\n", encoding="utf-8")
    r = cli("rebuild", "--home", home, "--format", "json")
    assert r.returncode == 0, r.stderr
    models = json.loads(r.stdout)["models"]
    assert models["seconds"] is None and models["message"].startswith("Models not computed ahead: ")
    assert "settings.toml" in models["message"] and models["message"].endswith("The dashboard's first visitor computes them.")
    assert not list((home / "cache").glob("*/*.parquet"))
    (home / "settings.toml").unlink()
    r = cli("rebuild", "--home", home)
    assert r.returncode == 0, r.stderr
    assert "Models for the default view computed ahead in" in r.stdout.splitlines()[-1]
    assert list((home / "cache").glob("*/*.parquet"))
    r = cli("query", "files", "--home", home, "--format", "csv")  # the store stands after every rebuild
    assert r.returncode == 0 and "sessions_1.csv" in r.stdout
