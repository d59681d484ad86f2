"""The synthetic sample-data generator: determinism, formats, and the planted structure in the raw files."""
from __future__ import annotations

import argparse
import functools
import json
import tomllib
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from alliance import sample

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
SMALL = 3000


# --------------------------------------------------------------------------- helpers

def _strip_sizes(truth: dict) -> dict:
    truth = json.loads(json.dumps(truth))
    for f in truth["files"]:
        f.pop("bytes", None)
    return truth


def _same_content(a: Path, b: Path) -> None:
    """Equal files; xlsx and parquet by content (their compressed bytes may vary between library builds)."""
    if a.suffix == ".xlsx":
        za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
        assert za.namelist() == zb.namelist(), a.name
        for name in za.namelist():
            assert za.read(name) == zb.read(name), f"{a.name}:{name}"
    elif a.suffix == ".parquet":
        assert pq.read_table(a).equals(pq.read_table(b)), a.name
    elif a.name == "planted_truth.json":
        assert _strip_sizes(json.loads(a.read_text("utf-8"))) == _strip_sizes(json.loads(b.read_text("utf-8")))
    else:
        assert a.read_bytes() == b.read_bytes(), a.name


def _mapping(folder: Path) -> dict[str, str]:
    path = folder / "columns.toml"
    if not path.exists():
        return {}
    return {k.strip().lower(): v for k, v in tomllib.loads(path.read_text("utf-8"))["columns"].items()}


def _rename(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    return df.rename(columns=lambda c: mapping.get(c.strip().lower(), c.strip().lower()))


WORDS = {"oppmøtt": "attended", "avlyst": "cancelled", "ikke møtt": "no_show",
         "klient": "client", "terapeut": "therapist", "offentlig": "public", "privat": "private"}
TEXT = {c: str for c in ("Klinikk", "Behandler-ID", "Klient-ID", "Time-ID", "clinic", "site", "therapist_id",
                         "client_id", "session_id", "comment", "Kommentar")}


@functools.lru_cache(maxsize=32)
def _read_cached(path: Path, delimiter: str | None, mtime: float) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=TEXT)
    if delimiter == ";":
        return pd.read_csv(path, sep=";", encoding="cp1252", decimal=",", dtype=TEXT, keep_default_na=False,
                           na_values=[""])
    return pd.read_csv(path, encoding="utf-8-sig", dtype=TEXT, keep_default_na=False, na_values=[""])


def _read(path: Path, delimiter: str | None = None) -> pd.DataFrame:
    """An export file as text columns (numbers parsed), read once per test session."""
    return _read_cached(path, delimiter, path.stat().st_mtime).copy()


def load_raw(folder: Path, truth: dict) -> dict:
    """Read the export files directly (pandas), apply columns.toml, drop the listed problem rows."""
    mapping = _mapping(folder)
    bad = {(p["file"], p["row"]) for p in truth["data_problems"]}
    frames = {"sessions": [], "feedback": []}
    for f in truth["files"]:
        df = _rename(_read(folder / f["file"], f.get("delimiter")), mapping)
        df["_file"], df["_row"] = f["file"], np.arange(len(df)) + 2
        frames[f["kind"]].append(df)
    s = pd.concat(frames["sessions"], ignore_index=True)
    fb = pd.concat(frames["feedback"], ignore_index=True)
    s, fb = ([df[[(a, b) not in bad for a, b in zip(df["_file"], df["_row"])]].copy() for df in (s, fb)])
    s["status"] = s["status"].replace(WORDS)
    s["sector"] = s["sector"].replace(WORDS)
    fb["rater"] = fb["rater"].replace(WORDS)
    if "site" not in s or s["site"].isna().any():
        s["site"] = s.get("site", pd.Series(index=s.index, dtype=object)).fillna(s["clinic"])
    dates = s["session_date"]
    if dates.dtype == object or str(dates.dtype).startswith(("str", "string")):
        parsed = pd.to_datetime(dates.astype(str), format="%d.%m.%Y", errors="coerce")
        iso = pd.to_datetime(dates.astype(str), format="%Y-%m-%d", errors="coerce")
        s["session_date"] = parsed.fillna(iso)
    else:
        s["session_date"] = pd.to_datetime(dates)
    s["session_number"] = s["session_number"].astype(int)
    items = [f"srs_{i}" for i in range(1, 5)]
    fb["srs10"] = (fb[items].astype(float).sum(axis=1, min_count=4) * 10).round()
    wai = [f"wai_{i}" for i in range(1, 13)]
    fb["wai_mean"] = fb[wai].astype(float).mean(axis=1, skipna=False)
    return {"sessions": s.reset_index(drop=True), "feedback": fb.reset_index(drop=True)}


def contract_ruptures(s: pd.DataFrame, fb: pd.DataFrame, drop: int = 20, window: int = 2) -> pd.DataFrame:
    """Section 6 of DATA_CONTRACT.md, on totals in tenths."""
    client = fb[(fb["rater"] == "client") & fb["srs10"].notna()][["clinic", "session_id", "srs10"]]
    att = s[s["status"] == "attended"]
    r = att.merge(client, on=["clinic", "session_id"]).sort_values(
        ["clinic", "client_id", "session_number", "session_date", "session_id"]).reset_index(drop=True)
    g = r.groupby(["clinic", "client_id"], sort=False)["srs10"]
    r["before"] = g.shift(1)
    nxt = [g.shift(-i) for i in range(1, window + 1)]
    out = r[r["before"] - r["srs10"] >= drop].copy()
    reached = np.zeros(len(out), bool)
    exist = np.ones(len(out), bool)
    for n in nxt:
        v = n.loc[out.index]
        reached |= (v >= out["before"]).to_numpy()
        exist &= v.notna().to_numpy()
    out["status"] = np.where(reached, "repaired", np.where(exist, "unrepaired", "open"))
    return out


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def committed() -> dict:
    truth = json.loads((SAMPLE / "planted_truth.json").read_text("utf-8"))
    return {"truth": truth, **load_raw(SAMPLE, truth)}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("small")
    out = {}
    for name, seed, layout in (("a", 7, "clinics"), ("b", 7, "clinics"), ("c", 8, "clinics"),
                               ("csv", 7, "csv"), ("parquet", 7, "parquet")):
        out[name] = (base / name, sample.generate(base / name, seed=seed, n_sessions=SMALL, layout=layout))
    return out


# --------------------------------------------------------------------------- determinism and layouts

def test_committed_sample_data_equals_fresh_generation(tmp_path):
    truth = sample.generate(tmp_path, seed=42, n_sessions=15000, layout="clinics")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([f["file"] for f in truth["files"]] + ["columns.toml", "planted_truth.json"])
    committed_files = sorted(p.name for p in SAMPLE.iterdir() if p.name != "README.md")
    assert committed_files == written
    for name in written:
        _same_content(SAMPLE / name, tmp_path / name)


def test_same_seed_same_bytes_and_other_seed_differs(small):
    (a, ta), (b, _), (c, tc) = small["a"], small["b"], small["c"]
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    differing = [n for n in names if n != "columns.toml" and (a / n).read_bytes() != (c / n).read_bytes()]
    assert len(differing) == len(names) - 1
    assert ta["ruptures"]["planted"] != tc["ruptures"]["planted"]


def test_row_counts_in_every_layout(small):
    for key in ("a", "csv", "parquet"):
        folder, truth = small[key]
        c = truth["counts"]
        probs = truth["data_problems"]
        n_bad = {kind: sum(1 for p in probs if any(f["file"] == p["file"] and f["kind"] == kind for f in truth["files"]))
                 for kind in ("sessions", "feedback")}
        rows = {kind: sum(f["rows"] for f in truth["files"] if f["kind"] == kind) for kind in ("sessions", "feedback")}
        assert rows["sessions"] == SMALL + n_bad["sessions"] == SMALL + 2
        assert rows["feedback"] == c["client_forms"] + c["therapist_forms"] + n_bad["feedback"]
        assert n_bad["feedback"] == 11 and len(probs) == 13
        raw = load_raw(folder, truth)
        assert len(raw["sessions"]) == SMALL
        assert len(raw["feedback"]) == c["client_forms"] + c["therapist_forms"]  # every listed problem row dropped
    # The file counts as the database sees them (duckdb straight on the benchmark files).
    folder, truth = small["csv"]
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_csv('{folder / 'sessions.csv'}', header=true, all_varchar=true)").fetchone()[0]
    assert n == SMALL + 2
    folder, truth = small["parquet"]
    n = con.execute(f"select count(*) from read_parquet('{folder / 'feedback.parquet'}')").fetchone()[0]
    assert n == truth["counts"]["client_forms"] + truth["counts"]["therapist_forms"] + 11


def test_layouts_hold_the_same_data(small):
    ta, tcsv, tpq = small["a"][1], small["csv"][1], small["parquet"][1]
    for key in ("counts", "therapists", "ruptures", "clients", "ceiling_clients"):
        assert ta[key] == tcsv[key] == tpq[key], key
    a = load_raw(small["a"][0], ta)["sessions"].sort_values(["clinic", "session_id"]).reset_index(drop=True)
    p = load_raw(small["parquet"][0], tpq)["sessions"].sort_values(["clinic", "session_id"]).reset_index(drop=True)
    cols = ["clinic", "site", "sector", "therapist_id", "client_id", "session_id", "session_number", "status",
            "ors_1", "ors_2", "ors_3", "ors_4"]
    pd.testing.assert_frame_equal(a[cols].astype(str), p[cols].astype(str))
    assert (a["session_date"].dt.date.to_numpy() == pd.to_datetime(p["session_date"]).dt.date.to_numpy()).all()


def test_command_line(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    sample.add_arguments(parser)
    args = parser.parse_args(["--out", str(tmp_path / "x"), "--sessions", "1500", "--layout", "parquet", "--seed", "3"])
    assert sample.run(args) == 0
    assert (tmp_path / "x" / "sessions.parquet").exists() and (tmp_path / "x" / "planted_truth.json").exists()
    assert "1500 sessions" in capsys.readouterr().out
    args = parser.parse_args(["--out", str(tmp_path / "y"), "--sessions", "10"])
    assert sample.run(args) == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["--out", "z", "--layout", "xml"])


def test_no_streamlit_import():
    assert "streamlit" not in (ROOT / "alliance" / "sample.py").read_text("utf-8")


# --------------------------------------------------------------------------- formats of the committed files

def test_public_clinic_files_look_like_a_norwegian_ehr():
    raw = (SAMPLE / "timer_havbris_2024.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    header = text.split("\r\n", 1)[0]
    assert header.split(";")[:8] == ["Klinikk", "Sektor", "Behandler-ID", "Klient-ID", "Time-ID", "Dato",
                                     "Timenummer", "Status"]
    assert ";offentlig;" in text and ";oppmøtt;" in text and ";avlyst;" in text and ";ikke møtt;" in text
    assert "\r\n" in text and ",5;" in text  # decimal comma
    assert pd.Series(text.split("\r\n")[1:-1]).str.contains(r";\d\d\.\d\d\.2024;").all()
    toml = tomllib.loads((SAMPLE / "columns.toml").read_text("utf-8"))
    assert toml["files"] == {"timer_*.csv": "sessions", "skjema_*.xlsx": "feedback"}
    book = _read(SAMPLE / "skjema_havbris.xlsx")
    assert set(book["Utfylt av"]) == {"klient", "terapeut"}
    assert book["Kommentar"].dropna().str.contains("[æøå]").any()


def test_private_clinic_files():
    files = sorted(p.name for p in SAMPLE.glob("feedback_*.csv"))
    assert files == ["feedback_fjordklinikken_2024.csv", "feedback_fjordklinikken_2025.csv"]
    raw = b"".join((SAMPLE / f).read_bytes() for f in files)
    assert (SAMPLE / files[0]).read_bytes().startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert '""' in text and "😊" in text and "æ" in text and "ø" in text and "å" in text
    fb = pd.concat(pd.read_csv(SAMPLE / f, encoding="utf-8-sig", dtype=TEXT) for f in files)
    comments = fb["comment"].dropna()
    assert comments.str.contains("\n").any() and comments.str.contains(",").any() and comments.str.contains('"').any()
    s = pq.read_table(SAMPLE / "sessions_fjordklinikken.parquet")
    assert str(s.schema.field("session_date").type) == "date32[day]"
    assert set(s.column("site").to_pylist()) == {"Bergen", "Oslo"}
    assert set(s.column("sector").to_pylist()) == {"private"}


# --------------------------------------------------------------------------- planted structure, from the raw files

def test_sessions_are_consistent(committed):
    s, t = committed["sessions"], committed["truth"]
    assert len(s) == 15000 == t["n_sessions"]
    assert not s.duplicated(["clinic", "session_id"]).any()
    assert s.groupby(["clinic", "client_id"])["therapist_id"].nunique().max() == 1
    s = s.sort_values(["clinic", "client_id", "session_date"])
    expect = s.groupby(["clinic", "client_id"]).cumcount() + 1
    assert (s["session_number"].to_numpy() == expect.to_numpy()).all()
    assert s["session_date"].min() >= pd.Timestamp("2024-01-01") and s["session_date"].max() <= pd.Timestamp("2025-12-31")
    assert s.groupby("clinic")["therapist_id"].nunique().to_dict() == {"Fjordklinikken": 16, "Havbris DPS": 9}
    assert 700 <= s.groupby(["clinic", "client_id"]).ngroups <= 900
    not_attended = (s["status"] != "attended").mean()
    assert 0.07 <= not_attended <= 0.10


def test_alliance_curve_therapists_and_completion(committed):
    s, fb, t = committed["sessions"], committed["feedback"], committed["truth"]
    att = s[s["status"] == "attended"]
    client = fb[(fb["rater"] == "client") & fb["srs10"].notna()]
    r = att.merge(client[["clinic", "session_id", "srs10"]], on=["clinic", "session_id"])
    curve = (r.groupby("session_number")["srs10"].mean() / 10).loc[1:6]
    assert 31.5 <= curve[1] <= 33.5 and 35.5 <= curve[6] <= 37.5
    assert (np.diff(curve.to_numpy()) > 0).all()
    assert curve.round(3).to_dict() == {int(k): v for k, v in t["alliance_curve"]["realised_mean_srs"].items() if int(k) <= 6}
    completion = len(r) / len(att)
    assert abs(completion - 0.85) < 0.02 and round(completion, 4) == t["completion"]["realised"]
    means = r.groupby(["clinic", "therapist_id"])["srs10"].mean() / 10
    planted = pd.Series({(x["clinic"], x["therapist_id"]): x["planted_effect"] for x in t["therapists"]})
    # With the published spread (therapist SD 0.9 against client SD 2.7 and session SD 2.0, and the
    # ceiling at 40) a therapist's mean reflects their planted effect only in part.
    correlation = np.corrcoef(means.loc[planted.index], planted)[0, 1]
    assert round(correlation, 4) == t["therapist_effect_vs_mean_srs_correlation"] and correlation > 0.5
    # Ceiling clients rate 40 at every rated session.
    ceiling = {(c["clinic"], c["client_id"]) for c in t["ceiling_clients"]}
    assert 10 <= len(ceiling) <= 15
    at_ceiling = r[[k in ceiling for k in zip(r["clinic"], r["client_id"])]]
    assert (at_ceiling["srs10"] == 400).all() and at_ceiling.groupby(["clinic", "client_id"]).size().min() >= 3


def test_planted_ruptures_are_found_with_their_status(committed):
    s, fb, t = committed["sessions"], committed["feedback"], committed["truth"]
    found = contract_ruptures(s, fb).set_index(["clinic", "session_id"])
    planted = t["ruptures"]["planted"]
    assert 35 <= len(planted) <= 60
    statuses = [p["status"] for p in planted]
    assert abs(statuses.count("repaired") - statuses.count("unrepaired")) <= 1
    for p in planted:
        row = found.loc[(p["clinic"], p["session_id"])]
        assert row["status"] == p["status"], p
        assert row["before"] / 10 == p["srs_before"] and row["srs10"] / 10 == p["srs_at"]
        assert 6 <= p["drop"] <= 10 and row["client_id"] == p["client_id"]
    assert len(found) == t["ruptures"]["realised"]["total_found"]
    assert len(found) - len(planted) == t["ruptures"]["realised"]["not_planted"]


def test_discrepancy_outcome_frequency_dropouts(committed):
    s, fb, t = committed["sessions"], committed["feedback"], committed["truth"]
    att = s[s["status"] == "attended"]
    c = fb[(fb["rater"] == "client") & fb["wai_mean"].notna()][["clinic", "session_id", "wai_mean"]]
    th = fb[(fb["rater"] == "therapist") & fb["wai_mean"].notna()][["clinic", "session_id", "wai_mean"]]
    pairs = att.merge(c, on=["clinic", "session_id"]).merge(th, on=["clinic", "session_id"], suffixes=("_c", "_t"))
    gap = (pairs["wai_mean_c"] - pairs["wai_mean_t"]).mean()
    assert 0.2 <= gap <= 0.4 and round(gap, 4) == t["discrepancy"]["mean_discrepancy"]
    assert len(pairs) == t["discrepancy"]["n_pairs"]
    # Early alliance (first 3 rated sessions) against ORS change (last minus first ORS total).
    client = fb[(fb["rater"] == "client") & fb["srs10"].notna()][["clinic", "session_id", "srs10"]]
    r = att.merge(client, on=["clinic", "session_id"]).sort_values(["clinic", "client_id", "session_number"])
    r["k"] = r.groupby(["clinic", "client_id"]).cumcount()
    early = r[r["k"] < 3].groupby(["clinic", "client_id"])["srs10"].agg(["mean", "size"])
    early = early[early["size"] == 3]["mean"] / 10
    o = att.assign(ors=att[[f"ors_{i}" for i in range(1, 5)]].astype(float).sum(axis=1, min_count=4))
    o = o[o["ors"].notna()].sort_values(["clinic", "client_id", "session_number"])
    g = o.groupby(["clinic", "client_id"])["ors"]
    change = (g.last() - g.first())[g.size() >= 2]
    both = pd.concat([early, change], axis=1, join="inner")
    corr = np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1]
    assert 0.2 <= corr <= 0.4
    assert round(corr, 4) == t["early_alliance_outcome"]["realised_correlation"]
    assert len(both) == t["early_alliance_outcome"]["clients"]
    # The private practice sees clients more often and for more sessions.
    a = att.sort_values(["clinic", "client_id", "session_date"])
    a = a.assign(gap=a.groupby(["clinic", "client_id"])["session_date"].diff().dt.days)
    med = a.groupby("sector")["gap"].median()
    assert med["private"] == 7 and med["public"] >= 14
    per_client = s.groupby(["sector", "clinic", "client_id"]).size().groupby("sector").mean()
    assert per_client["private"] > 1.5 * per_client["public"]
    # Early dropouts.
    n_att = att.groupby(["clinic", "client_id"]).size()
    dropouts = int(((n_att >= 1) & (n_att <= 2)).sum())
    assert dropouts == t["dropouts"]["clients_with_1_or_2_attended_sessions"]
    assert 0.10 <= t["dropouts"]["planted_dropout_clients"] / t["counts"]["clients"] <= 0.15


def test_data_problems_are_where_the_truth_says(committed):
    t = committed["truth"]
    probs = t["data_problems"]
    assert len(probs) < 15
    assert sorted(p["problem"] for p in probs).count("srs_item_out_of_range") == 3
    mapping = _mapping(SAMPLE)
    sessions_ids = set(zip(committed["sessions"]["clinic"], committed["sessions"]["session_id"]))
    cache: dict[str, pd.DataFrame] = {}
    for p in probs:
        f = next(f for f in t["files"] if f["file"] == p["file"])
        if p["file"] not in cache:
            cache[p["file"]] = _rename(_read(SAMPLE / p["file"], f.get("delimiter")), mapping)
        df = cache[p["file"]]
        row = df.iloc[p["row"] - 2]
        kind = p["problem"]
        if kind == "srs_item_out_of_range":
            assert float(row[p["column"]]) == 11
        elif kind == "srs_items_partial":
            assert row[["srs_1", "srs_2"]].notna().all() and row[["srs_3", "srs_4"]].isna().all()
            assert p["column"] == "srs_total"
        elif kind == "srs_on_therapist_form":
            assert WORDS.get(row["rater"], row["rater"]) == "therapist" and row["srs_1"] == row["srs_1"]
        elif kind == "exact_duplicate":
            other = df.iloc[p["copy_of_row"] - 2]
            assert p["copy_of_row"] < p["row"] and row.equals(other)
        elif kind == "orphan_feedback":
            assert (row["clinic"], row["session_id"]) not in sessions_ids
        elif kind == "session_ors_3_out_of_range":
            assert float(row["ors_3"]) == 12.5
        elif kind == "session_therapist_id_missing":
            assert row["therapist_id"] is None or pd.isna(row["therapist_id"])
        else:  # pragma: no cover
            raise AssertionError(kind)


def test_sample_readme_mentions_the_truth():
    text = (SAMPLE / "README.md").read_text("utf-8")
    for word in ("planted_truth.json", "Havbris DPS", "Fjordklinikken", "rupture", "columns.toml"):
        assert word in text
