"""Baseline: the dashboard's figures computed with pandas, the way a hand-built dashboard would.

    .venv/bin/python bench/pandas_baseline.py --exports DIR --home HOME

DIR is an exports folder made by `python -m alliance sample --out DIR --sessions N --layout
parquet|csv --seed 7`; HOME is a store ingested from the same folder (`python -m alliance
ingest --home HOME --data DIR`). Each figure is computed twice: by pandas over the export files
(pd.read_parquet / pd.read_csv, merge, groupby; no DuckDB) and by the dashboard's named query
(`alliance.queries.run` as the admin, no filters, the store's settings). The script prints the
pandas load time once, then per figure the pandas compute time, the DuckDB time (first run on a
fresh read-only connection) and whether the two results agree (`compare`).

The pandas side does the cleaning a hand-built dashboard would do, no more than DATA_CONTRACT.md
sections 2, 3 and 5 need for these figures: numbers with pd.to_numeric(errors="coerce") and
rounded to two decimals, dates with pd.to_datetime; rows dropped when a required value is missing
or unreadable, a word is not an allowed one, a score or date is out of its range, an instrument is
only partly given (or its total disagrees with its items by more than 0.05), or a therapist form
carries SRS; the last row kept per key (a later file's row wins). Two rows of one file sharing a
key but differing are both quarantined by the store, while pandas keeps the last; the sample
generator plants only identical copies, so this does not show.

Timings on a shared 2-core machine are noisy: compare figures from one run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SRS_ITEMS = [f"srs_{i}" for i in range(1, 5)]
ORS_ITEMS = [f"ors_{i}" for i in range(1, 5)]
WAI_ITEMS = [f"wai_{i}" for i in range(1, 13)]
SESSION_COLUMNS = ["clinic", "site", "sector", "therapist_id", "client_id", "session_id", "session_date",
                   "session_number", "status", *ORS_ITEMS, "ors_total"]
FEEDBACK_COLUMNS = ["clinic", "session_id", "rater", *SRS_ITEMS, "srs_total", *WAI_ITEMS, "wai_mean", "comment"]
SECTOR_WORDS = {"public": "public", "private": "private", "offentlig": "public", "privat": "private"}
STATUS_WORDS = {"attended": "attended", "cancelled": "cancelled", "no_show": "no_show",
                "oppmøtt": "attended", "avlyst": "cancelled", "ikke møtt": "no_show"}
RATER_WORDS = {"client": "client", "klient": "client", "pasient": "client", "patient": "client",
               "therapist": "therapist", "terapeut": "therapist", "behandler": "therapist"}
TOTAL_TOLERANCE = 0.05  # contract section 5: items and total may differ by this much
CLIENT_ORDER = ["clinic", "client_id", "session_number", "session_date", "session_id"]
CATEGORIES = ["recovered", "improved", "unchanged", "deteriorated", "insufficient"]

# The parameters each figure is computed with, passed as is to the DuckDB named query.
PARAMS: dict[str, dict] = {
    "alliance_trend": {"group": "clinic"},
    "completion": {},
    "alliance_development": {},
    "therapist_summary": {},
    "outcome_summary": {},
}
# The columns that identify a row of each figure (compared as sets, then joined on).
KEYS: dict[str, list[str]] = {
    "alliance_trend": ["month", "group"],
    "completion": ["clinic", "therapist_id", "month"],
    "alliance_development": ["session_number", "group"],
    "therapist_summary": ["clinic", "therapist_id"],
    "outcome_summary": ["group", "category"],
}
# Columns the SQL rounds to 2 decimals. pandas keeps them unrounded, so an agreeing pair differs by at
# most half a unit of the second decimal (0.005), plus floating-point noise. Every count is compared
# exactly (within 1e-6 relative), so a row counted on one side only cannot hide inside this tolerance.
ROUNDED = {"mean_srs", "pct_low", "sd", "mean", "completion_rate", "pct_repaired", "mean_discrepancy",
           "pct_clients", "pct_assessed"}
HALF_CENT = 0.005 + 1e-9
RELATIVE = 1e-6


# --------------------------------------------------------------------------- reading

def _read_text(path: Path) -> pd.DataFrame:
    """A CSV export: delimiter sniffed from the header line; `;` or tab files may use decimal commas."""
    raw = path.read_bytes()[:65536]
    try:
        head = raw.decode("utf-8-sig").splitlines()[0]
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        head = raw.decode("cp1252").splitlines()[0]
        encoding = "cp1252"
    sep = max((",", ";", "\t"), key=head.count)
    decimal = "," if sep in (";", "\t") else "."
    return pd.read_csv(path, sep=sep, decimal=decimal, encoding=encoding, low_memory=False)


def _read_files(folder: Path, kind: str) -> pd.DataFrame:
    """Every `kind*` file of the folder (any case), in file-name order, stacked; headers normalised."""
    frames = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith(kind)):
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix in (".csv", ".txt"):
            df = _read_text(path)
        else:
            continue
        df.columns = [str(c).strip().lower() for c in df.columns]
        frames.append(df)
    columns = SESSION_COLUMNS if kind == "sessions" else FEEDBACK_COLUMNS
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)


def _missing(s: pd.Series) -> pd.Series:
    """Missing values; in a text column also empty or blank ones."""
    if s.dtype != object and not pd.api.types.is_string_dtype(s):
        return s.isna()
    return s.isna() | (s.astype("string").str.strip() == "")


def _numbers(df: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Columns as numbers rounded to 2 decimals, and a mask of rows where a given value is unreadable."""
    bad = pd.Series(False, index=df.index)
    for c in cols:
        raw = df[c]
        if raw.dtype == object or pd.api.types.is_string_dtype(raw):  # text: a decimal comma, or junk
            num = pd.to_numeric(raw.astype("string").str.replace(",", ".", regex=False), errors="coerce")
            num = num.astype("float64")
            bad |= num.isna() & ~_missing(raw)
        else:
            num = pd.to_numeric(raw, errors="coerce").astype("float64")
        df[c] = num.round(2)
    return df, bad


def _instrument(df: pd.DataFrame, items: list[str], total: str, low: float, high: float, total_low: float,
                total_high: float, how: str) -> pd.Series:
    """Range and partial-item checks for one instrument; sets the derived total. Returns the bad rows."""
    item_values = df[items]
    given = item_values.notna().sum(axis=1)
    bad = ((item_values < low) | (item_values > high)).any(axis=1)
    bad |= (df[total] < total_low) | (df[total] > total_high)
    bad |= (given > 0) & (given < len(items))
    complete = given == len(items)
    s = item_values.sum(axis=1)
    if how == "sum":
        derived = s.round(2)
        differs = (s - df[total]).abs() > TOTAL_TOLERANCE + 1e-9
    else:
        derived = (s / len(items)).round(4)
        differs = (s - len(items) * df[total]).abs() > len(items) * TOTAL_TOLERANCE + 1e-9
    bad |= complete & df[total].notna() & differs
    df[total] = derived.where(complete, df[total])
    return bad


def _clean_sessions(s: pd.DataFrame) -> pd.DataFrame:
    bad = pd.Series(False, index=s.index)
    for c in ("clinic", "therapist_id", "client_id", "session_id", "sector", "session_date", "session_number"):
        bad |= _missing(s[c])
    s["site"] = s["site"].where(~_missing(s["site"]), s["clinic"])
    s["sector"] = s["sector"].astype("string").str.strip().str.lower().map(SECTOR_WORDS)
    status = s["status"].astype("string").str.strip().str.lower().fillna("attended")
    s["status"] = status.map(STATUS_WORDS)
    bad |= s["sector"].isna() | s["status"].isna()
    raw_date = s["session_date"]
    date = pd.to_datetime(raw_date, errors="coerce", format="ISO8601") if not pd.api.types.is_datetime64_any_dtype(
        raw_date) else raw_date
    if date.isna().any():  # DD.MM.YYYY, as Norwegian exports write dates
        date = date.fillna(pd.to_datetime(raw_date.astype("string"), errors="coerce", format="%d.%m.%Y"))
    s["session_date"] = date.astype("datetime64[s]").dt.normalize()
    tomorrow = pd.Timestamp(dt.date.today() + dt.timedelta(days=1))
    bad |= s["session_date"].isna() | (s["session_date"] < pd.Timestamp("2000-01-01")) | (s["session_date"] > tomorrow)
    s, unreadable = _numbers(s, ["session_number", *ORS_ITEMS, "ors_total"])
    bad |= unreadable | (s["session_number"] < 1) | (s["session_number"] % 1 > 0)
    bad |= _instrument(s, ORS_ITEMS, "ors_total", 0, 10, 0, 40, "sum")
    s = s[~bad.to_numpy()]
    s = s.drop_duplicates(["clinic", "session_id"], keep="last")
    s["session_number"] = s["session_number"].astype("int64")
    return s


def _clean_feedback(f: pd.DataFrame) -> pd.DataFrame:
    bad = pd.Series(False, index=f.index)
    for c in ("clinic", "session_id", "rater"):
        bad |= _missing(f[c])
    f["rater"] = f["rater"].astype("string").str.strip().str.lower().map(RATER_WORDS)
    bad |= f["rater"].isna()
    f, unreadable = _numbers(f, [*SRS_ITEMS, "srs_total", *WAI_ITEMS, "wai_mean"])
    bad |= unreadable
    bad |= (f[WAI_ITEMS] % 1 > 0).any(axis=1)  # WAI items are whole numbers (NaN compares False)
    srs_given = f[[*SRS_ITEMS, "srs_total"]].notna().any(axis=1)
    bad |= (f["rater"] == "therapist") & srs_given
    bad |= _instrument(f, SRS_ITEMS, "srs_total", 0, 10, 0, 40, "sum")
    bad |= _instrument(f, WAI_ITEMS, "wai_mean", 1, 5, 1, 5, "mean")
    f = f[~bad.to_numpy()]
    return f.drop_duplicates(["clinic", "session_id", "rater"], keep="last")


def load(export_dir: Path) -> dict[str, pd.DataFrame]:
    """Read, clean and join the exports: sessions, feedback and attended sessions with both feedbacks.

    `attended` is like queries/views/01_attended_sessions.sql: attended sessions, left-joined to
    their client form (srs_total, client_wai) and therapist form (therapist_wai), sorted in each
    client's order (session_number, session_date, session_id), with month and is_rated.
    """
    export_dir = Path(export_dir)
    sessions = _clean_sessions(_read_files(export_dir, "sessions"))
    feedback = _clean_feedback(_read_files(export_dir, "feedback"))
    client = feedback.loc[feedback["rater"] == "client", ["clinic", "session_id", "srs_total", "wai_mean"]]
    client = client.rename(columns={"wai_mean": "client_wai"})
    therapist = feedback.loc[feedback["rater"] == "therapist", ["clinic", "session_id", "wai_mean"]]
    therapist = therapist.rename(columns={"wai_mean": "therapist_wai"})
    att = sessions[sessions["status"] == "attended"].drop(columns=["status", *ORS_ITEMS])
    att = att.merge(client, on=["clinic", "session_id"], how="left")
    att = att.merge(therapist, on=["clinic", "session_id"], how="left")
    att["month"] = att["session_date"].dt.to_period("M").dt.to_timestamp()
    att["is_rated"] = att["srs_total"].notna()
    att = att.sort_values(CLIENT_ORDER, kind="stable", ignore_index=True)
    return {"sessions": sessions, "feedback": feedback, "attended": att}


# --------------------------------------------------------------------------- figures

def _n_clients(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Distinct (clinic, client_id) per group."""
    cols = list(dict.fromkeys([*keys, "clinic", "client_id"]))
    return df[cols].drop_duplicates().groupby(keys, sort=False).size()


def alliance_trend(frames: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Rated sessions per month and clinic: count, distinct clients, mean and sd of SRS, % low."""
    r = frames["attended"]
    r = r[r["is_rated"]].assign(group=lambda d: d["clinic"], low=lambda d: d["srs_total"] < settings["srs_cutoff"])
    g = r.groupby(["month", "group"])
    out = g.agg(n_rated=("srs_total", "size"), mean_srs=("srs_total", "mean"), sd=("srs_total", "std"),
                n_low=("low", "sum"))
    out["n_clients"] = _n_clients(r, ["month", "group"])
    out["pct_low"] = 100.0 * out["n_low"] / out["n_rated"]
    return out.reset_index()[["month", "group", "n_rated", "n_clients", "mean_srs", "pct_low", "sd"]]


def completion(frames: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Attended and rated sessions per clinic, therapist and month, and the completion rate."""
    a = frames["attended"]
    out = a.groupby(["clinic", "therapist_id", "month"]).agg(n_sessions=("is_rated", "size"),
                                                              n_rated=("is_rated", "sum")).reset_index()
    out["completion_rate"] = 100.0 * out["n_rated"] / out["n_sessions"]
    return out


def alliance_development(frames: dict[str, pd.DataFrame], settings: dict, max_session: int = 20) -> pd.DataFrame:
    """Rated sessions by session number (up to 20) and sector: count, distinct clients, mean and sd."""
    a = frames["attended"]
    r = a[a["is_rated"] & (a["session_number"] <= max_session)].assign(group=lambda d: d["sector"])
    out = r.groupby(["session_number", "group"]).agg(n=("srs_total", "size"), mean=("srs_total", "mean"),
                                                     sd=("srs_total", "std"))
    out["n_clients"] = _n_clients(r, ["session_number", "group"])
    return out.reset_index()[["session_number", "group", "n", "n_clients", "mean", "sd"]]


def ruptures(frames: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Every rupture with its status (contract section 6), vectorised over the sorted rated sessions."""
    a = frames["attended"]
    r = a[a["is_rated"]]
    client = (r["clinic"] + "\x1f" + r["client_id"]).to_numpy()
    srs = r["srs_total"].to_numpy()
    n = len(r)

    def shifted(k: int) -> np.ndarray:
        """The SRS total k rated sessions later (k < 0: earlier) of the same client, else NaN."""
        out = np.full(n, np.nan)
        if k > 0 and k < n:
            same = client[k:] == client[:-k]
            out[:-k] = np.where(same, srs[k:], np.nan)
        elif k < 0 and -k < n:
            same = client[:k] == client[-k:]
            out[-k:] = np.where(same, srs[:k], np.nan)
        return out

    before = shifted(-1)
    is_rupture = np.round(before - srs, 2) >= settings["rupture_drop"]
    window = int(settings["repair_window"])
    later = np.column_stack([shifted(k) for k in range(1, window + 1)]) if window > 0 else np.full((n, 1), np.nan)
    n_after = (~np.isnan(later)).sum(axis=1)
    best_after = np.where(n_after > 0, np.nanmax(np.where(np.isnan(later), -np.inf, later), axis=1), np.nan)
    status = np.where(best_after >= before, "repaired", np.where(n_after >= window, "unrepaired", "open"))
    out = r.loc[is_rupture, ["clinic", "client_id", "therapist_id", "session_id", "session_number", "session_date"]]
    return out.assign(srs_before=before[is_rupture], srs_at=srs[is_rupture], status=status[is_rupture])


def therapist_summary(frames: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Per therapist: home site and sector, clients, sessions, SRS, ruptures, discrepancy, completion."""
    a = frames["attended"]
    keys = ["clinic", "therapist_id"]
    sites = a.groupby([*keys, "site", "sector"]).size().rename("n").reset_index()
    home = sites.sort_values([*keys, "n", "site"], ascending=[True, True, False, True]).drop_duplicates(keys)
    a = a.assign(low=a["srs_total"] < settings["srs_cutoff"], discrepancy=a["client_wai"] - a["therapist_wai"])
    f = a.groupby(keys).agg(n_clients=("client_id", "nunique"), n_sessions=("is_rated", "size"),
                            n_rated=("is_rated", "sum"), mean_srs=("srs_total", "mean"), n_low=("low", "sum"),
                            mean_discrepancy=("discrepancy", "mean"))
    f["pct_low"] = 100.0 * f["n_low"] / f["n_rated"].where(f["n_rated"] > 0)
    f["completion_rate"] = 100.0 * f["n_rated"] / f["n_sessions"]
    rup = ruptures(frames, settings)
    counts = pd.crosstab([rup["clinic"], rup["therapist_id"]], rup["status"]).reindex(
        columns=["repaired", "unrepaired", "open"], fill_value=0)
    f = f.join(counts, how="left")
    f[["repaired", "unrepaired", "open"]] = f[["repaired", "unrepaired", "open"]].fillna(0)
    f["n_ruptures"] = (f["repaired"] + f["unrepaired"] + f["open"]).astype("int64")
    decided = f["repaired"] + f["unrepaired"]
    f["pct_repaired"] = 100.0 * f["repaired"] / decided.where(decided > 0)
    out = f.reset_index().merge(home[[*keys, "site", "sector"]], on=keys, how="inner")
    return out[["clinic", "therapist_id", "site", "sector", "n_clients", "n_sessions", "n_rated", "mean_srs",
                "pct_low", "n_ruptures", "pct_repaired", "mean_discrepancy", "completion_rate"]]


def outcome_summary(frames: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Clients per sector (of their latest attended session) and outcome category, with shares."""
    a = frames["attended"]
    g = a.groupby(["clinic", "client_id"], sort=False)
    per = g.agg(sector=("sector", "last"), n_ors=("ors_total", "count"), first_ors=("ors_total", "first"),
                last_ors=("ors_total", "last"))
    change = (per["last_ors"] - per["first_ors"]).round(2)
    cutoff, rci = settings["ors_cutoff"], settings["ors_rci"]
    per["category"] = np.select(
        [per["n_ors"] < 2,
         (per["first_ors"] < cutoff) & (per["last_ors"] >= cutoff) & (change >= rci),
         change >= rci,
         change <= -rci],
        ["insufficient", "recovered", "improved", "deteriorated"], default="unchanged")
    counts = pd.crosstab(per["sector"], per["category"]).reindex(columns=CATEGORIES, fill_value=0)
    n_total = counts.sum(axis=1)
    n_assessed = n_total - counts["insufficient"]
    pct_clients = 100.0 * counts.div(n_total.where(n_total > 0), axis=0)
    pct_assessed = 100.0 * counts.div(n_assessed.where(n_assessed > 0), axis=0)
    pct_assessed["insufficient"] = np.nan
    n_clients = counts.stack()
    out = pd.DataFrame({"n_clients": n_clients, "pct_clients": pct_clients.stack().reindex(n_clients.index),
                        "pct_assessed": pct_assessed.stack().reindex(n_clients.index)})
    out.index = out.index.set_names(["group", "category"])
    return out.reset_index()


FIGURES: dict[str, Callable[[dict[str, pd.DataFrame], dict], pd.DataFrame]] = {
    "alliance_trend": alliance_trend,
    "completion": completion,
    "alliance_development": alliance_development,
    "therapist_summary": therapist_summary,
    "outcome_summary": outcome_summary,
}


# --------------------------------------------------------------------------- comparing

def _key_frame(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    df = df[[c for c in df.columns if not str(c).startswith("_")]].copy()
    for k in keys:
        if k == "month":
            df[k] = pd.to_datetime(df[k]).astype("datetime64[s]")
        elif k == "session_number":
            df[k] = df[k].astype("int64")
        else:
            df[k] = df[k].astype(str)
    return df


def compare(pandas_frame: pd.DataFrame, duckdb_frame: pd.DataFrame, name: str) -> str | None:
    """None when the two results agree, else one sentence saying what differs.

    Rows are matched on the figure's keys (KEYS). Only the columns both frames have are compared
    (`_`-prefixed ones ignored). Counts and unrounded values: within 1e-6 relative. Columns the SQL
    rounds to 2 decimals (ROUNDED): pandas keeps full precision, so they agree when within 0.005
    (half the last kept digit) plus 1e-9 of floating-point noise. Empty agrees only with empty.
    """
    keys = KEYS.get(name) or [c for c in pandas_frame.columns if pandas_frame[c].dtype == object]
    p, d = _key_frame(pandas_frame, keys), _key_frame(duckdb_frame, keys)
    for side, frame in (("pandas", p), ("DuckDB", d)):
        if frame.duplicated(keys).any():
            return f"{name}: the {side} result has more than one row for some ({', '.join(keys)})."
    merged = p.merge(d, on=keys, how="outer", suffixes=("_p", "_d"), indicator=True)
    only_p, only_d = merged[merged["_merge"] == "left_only"], merged[merged["_merge"] == "right_only"]
    if len(only_p) or len(only_d):
        example = (only_p if len(only_p) else only_d)[keys].iloc[0].tolist()
        return (f"{name}: the groups differ: {len(only_p)} only in pandas and {len(only_d)} only in DuckDB "
                f"(e.g. {example}).")
    common = [c for c in p.columns if c in d.columns and c not in keys]
    problems = []
    for c in common:
        a, b = merged[f"{c}_p"], merged[f"{c}_d"]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x, y = a.to_numpy(dtype="float64", na_value=np.nan), b.to_numpy(dtype="float64", na_value=np.nan)
            both_empty = np.isnan(x) & np.isnan(y)
            diff = np.abs(x - y)
            limit = HALF_CENT if c in ROUNDED else RELATIVE * np.maximum(np.abs(x), np.abs(y)) + 1e-12
            bad = ~both_empty & ~(diff <= limit)
        else:
            sa, sb = a.astype("string"), b.astype("string")
            bad = (~(sa == sb).fillna(False) & ~(sa.isna() & sb.isna())).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            problems.append(f"{c} in {int(bad.sum())} of {len(merged)} rows (e.g. at {merged[keys].iloc[i].tolist()}: "
                            f"pandas {a.iloc[i]!r}, DuckDB {b.iloc[i]!r})")
    if problems:
        return f"{name}: values differ: " + "; ".join(problems) + "."
    return None


# --------------------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    from alliance import queries, store
    from alliance.scope import EVERYTHING
    from alliance.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=Path, required=True, help="the exports folder")
    parser.add_argument("--home", type=Path, required=True, help="a store ingested from that folder")
    args = parser.parse_args(argv)
    settings = load_settings(args.home)

    t0 = time.perf_counter()
    frames = load(args.exports)
    load_s = time.perf_counter() - t0
    print(f"exports {args.exports}: {len(frames['sessions']):,} sessions, {len(frames['feedback']):,} feedback forms, "
          f"{len(frames['attended']):,} attended")
    print(f"pandas load (read, clean, join): {load_s:.3f} s")

    con = store.open_reader(args.home)
    if con is None:
        print(f"No store in {args.home}.", file=sys.stderr)
        return 2
    print(f"{'figure':<22} {'pandas s':>9} {'+load s':>9} {'DuckDB s':>9} {'ratio':>7} {'ratio+load':>10}  agree")
    failures = 0
    total_p = total_d = 0.0
    for name, func in FIGURES.items():
        t0 = time.perf_counter()
        pf = func(frames, settings)
        p_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        df = queries.run(con, name, PARAMS[name], EVERYTHING, settings)
        d_s = time.perf_counter() - t0
        total_p += p_s
        total_d += d_s
        verdict = compare(pf, df, name)
        failures += verdict is not None
        print(f"{name:<22} {p_s:>9.3f} {p_s + load_s:>9.3f} {d_s:>9.3f} {p_s / d_s:>6.1f}x {(p_s + load_s) / d_s:>9.1f}x  "
              f"{'yes' if verdict is None else 'NO: ' + verdict}")
    print(f"{'all five':<22} {total_p:>9.3f} {total_p + load_s:>9.3f} {total_d:>9.3f} {total_p / total_d:>6.1f}x "
          f"{(total_p + load_s) / total_d:>9.1f}x")
    con.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
