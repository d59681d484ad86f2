"""Deterministic synthetic export data with planted structure.

`generate(out_dir, seed, n_sessions, layout)` writes export files for two
invented clinics (a public outpatient clinic on Norway's west coast and a
private practice with two sites) and returns the planted truth, also written
as `out_dir/planted_truth.json`. Everything is drawn with numpy's
`Generator(PCG64(seed))` in whole-array operations (no loop over clients or
sessions), so ten million sessions generate in minutes. The same seed and
size give the same data in every layout; only the file formats differ.

See docs/sample_data.md and sample_data/README.md for what is planted.
All people are invented; identifiers are pseudonyms.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import time
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

LAYOUTS = ("clinics", "csv", "parquet")
MIN_SESSIONS = 1000

PERIOD_START = np.datetime64("2024-01-01", "D")  # a Monday
PERIOD_END = np.datetime64("2025-12-31", "D")  # a Wednesday
LAST_DAY = int((PERIOD_END - PERIOD_START).astype(int))  # 730
EPOCH_DAY = int((PERIOD_START - np.datetime64("1970-01-01", "D")).astype(int))  # PERIOD_START as days since 1970

PUBLIC_CLINIC = "Havbris DPS"
PRIVATE_CLINIC = "Fjordklinikken"
# Units: 0 = the public clinic (one site, site left empty), 1 and 2 = the private sites.
UNIT_CLINIC = (PUBLIC_CLINIC, PRIVATE_CLINIC, PRIVATE_CLINIC)
UNIT_SITE = (None, "Bergen", "Oslo")
UNIT_SECTOR = ("public", "private", "private")
UNIT_THERAPIST_PREFIX = ("HB-T", "FK-BGN-T", "FK-OSL-T")
CLIENT_PREFIX = ("HB-K", "FK-K")  # by clinic (0 public, 1 private)
SESSION_PREFIX = ("T", "FK-S")

# Every planted parameter; written whole to planted_truth.json.
PARAMS: dict = {
    "period": {"start": "2024-01-01", "end": "2025-12-31"},
    "scale_reference_sessions": 15000,
    "therapists_at_reference": {"public": 9, "private_bergen": 8, "private_oslo": 8},
    "client_unit_probabilities": {"public": 0.52, "private_bergen": 0.24, "private_oslo": 0.24},
    "course": {
        "note": "courses start uniformly over the two years (routine feedback began 2024-01-01); "
                "courses still running on 2025-12-31 are cut there (ongoing)",
        "dropout_rate": 0.12,
        "dropout_attended_sessions": [1, 2],
        "dropout_trailing_no_show_probability": 0.4,
        "min_sessions_non_dropout": 4,
        "planned_length": "min + round(Gamma(shape, (mean - min) / shape)), at most max_sessions; "
                          "the cut at 2025-12-31 makes realised courses shorter",
        "public": {"mean_sessions_non_dropout": 21.0, "max_sessions": 40, "gamma_shape": 2.5,
                   "gap_days": {"14": 0.5, "21": 0.5}, "gap_jitter_days": [-2, 2]},
        "private": {"mean_sessions_non_dropout": 38.0, "max_sessions": 60, "gamma_shape": 2.5,
                    "gap_days": {"7": 0.85, "14": 0.15}, "gap_jitter_days": [-1, 1]},
        "weekend_dates_moved_to_monday": True,
        "first_session_always_attended": True,
    },
    "status": {
        "public": {"cancelled": 0.06, "no_show": 0.045},
        "private": {"cancelled": 0.05, "no_show": 0.025},
    },
    "srs": {
        "curve": "mean SRS total = 32 + 2.5 * ln(min(session_number, 8)), before the cap at 40",
        "intercept": 32.0, "log_slope": 2.5, "plateau_session": 8,
        "therapist_sd": 0.9, "client_sd": 2.7, "session_sd": 2.0,
        "calibration": "published SRS spread (issue 18): a client's score moves about 2 points from session "
                       "to session, clients differ by 2.5 to 3 and therapists by 0.8 to 1; the cap at 40 makes "
                       "the ceiling effect of real SRS data",
        "cap": [0, 40],
        "items": "total split into four items in tenths (0.1) that sum exactly to it, "
                 "with zero-sum noise of up to 0.6 per item pair",
        "item_pair_spread_tenths": 6,
        "completion_rate": 0.85,
        "srs_total_given_share": 0.15,
    },
    "wai": {
        "sessions": "session_number divisible by 3 (3, 6, 9, ...)",
        "client_latent": "3.95 + 0.10 * (SRS total - 35) + N(0, 0.30)",
        "client_intercept": 3.95, "client_srs_slope": 0.10, "client_sd": 0.30,
        "therapist_gap": 0.35,
        "therapist_latent": "client latent - 0.35 + therapist rating bias + N(0, 0.30)",
        "therapist_gap_note": "the latent gap is 0.35 so that the realised gap in wai_mean, after rounding items "
                              "and the ceiling at 5 (which bites more on the higher client ratings), is about 0.30",
        "therapist_rating_bias_sd": 0.15, "therapist_sd": 0.30,
        "item_sd": 0.5, "items": "round(latent + N(0, 0.5)), clipped to 1..5",
        "therapist_form_completion_rate": 0.85,
    },
    "ors": {
        "presence_rate": 0.90,
        "start_mean": 19.0, "start_sd": 7.0, "start_clip": [2, 38],
        "change_mean": 6.5, "change_sd": 7.0,
        "calibration": "published ORS: intake mean about 19 (SD 7), about 8 % of clients reliably worse",
        "latent_correlation_with_alliance": 0.35,
        "alliance_latent": "therapist effect + client effect, standardised",
        "trajectory": "start + change * (1 - exp(-3 t)) / (1 - exp(-3)), t = attended index / (attended - 1)",
        "session_sd": 3.0,
        "item_pair_spread_tenths": 15,
    },
    "ruptures": {
        "client_share": 0.05, "two_ruptures_share": 0.25,
        "drop_points": [6.0, 10.0], "repaired_share": 0.5, "window": 2,
        "rated_neighbours": "the previous rated session and the next 2 sessions are forced attended-and-rated",
        "repaired": "60 %: next session 0 to 1.5 above the score before the drop, the one after within 1.5 "
                    "below that; 40 %: next session 1 to 3 below the score before, the one after 0 to 1.5 above it",
        "unrepaired": "next session 1.5 to 3.5 below the score before the drop, the one after within 1 point "
                      "of it and at least 0.5 below the score before",
        "negative_comment_probability": 0.6,
    },
    "comments": {"client_form_share": 0.20},
    "ceiling_clients_at_reference": 12,
    "therapist_effect_centred": False,
}

# Free-text comments (client forms). The public clinic writes Norwegian; the
# private practice gets Norwegian and English with commas, quotes, line breaks and emoji.
PUBLIC_COMMENTS = (
    "Godt å bli hørt i dag.",
    "Fint å snakke om søvnen, det hjalp.",
    "Vi fikk laget en plan for neste uke.",
    "Litt sliten i dag, men timen var grei.",
    "Trygg stemning, takk for i dag.",
    "Opplevde at vi jobbet med det som er viktig for meg.",
    "Kjekt med øvelsene, skal prøve dem hjemme.",
    "Bra time. Mer tid til pusteøvelser neste gang?",
    "Følte meg forstått.",
    "Vanskelig tema, men godt å ta det opp.",
    "Ønsker å snakke mer om jobben.",
    "Det er fint å ha noen å snakke med på Havbris.",
)
PUBLIC_NEGATIVE = (
    "Følte meg ikke helt forstått i dag.",
    "Timen ble for kort, rakk ikke å si det jeg ville.",
    "Vi snakket om andre ting enn det jeg trenger.",
    "Usikker på om dette hjelper meg.",
    "Ble litt irritert på slutten av timen.",
)
PRIVATE_COMMENTS = (
    "Godt å bli hørt, takk.",
    'Vi snakket om "det vanskelige", og det hjalp.',
    "Great session, thanks! 😊",
    "Fint å ha en plan, men tempoet var høyt.\nKan vi ta det roligere neste gang?",
    "Takk ❤️",
    "Good to talk about work, sleep and family.",
    'Terapeuten sa "prøv igjen neste uke", og det skal jeg.',
    "Øvelsene fungerer, særlig om morgenen.",
    "I liked the homework, it was practical.",
    "Mye å tenke på etter timen 🤔",
    "Trygt og godt, som alltid.",
    "Line one: good.\nLine two: we should talk about my mother, again.",
    "Bra time på Teams, lyden var OK 👍",
    'Felt heard. The "worry time" idea is great.',
)
PRIVATE_NEGATIVE = (
    "Følte meg ikke forstått i dag.",
    'We didn\'t talk about what I wanted, again. "Next time", they said.',
    "Felt rushed, the last 10 min were admin 🙄",
    "Litt for mye fokus på skjema,\nfor lite på meg.",
    "Not sure this is helping.",
    "Ble såret av en kommentar, vil ta det opp.",
)

PUBLIC_SESSION_HEADERS = {
    "clinic": "Klinikk", "sector": "Sektor", "therapist_id": "Behandler-ID", "client_id": "Klient-ID",
    "session_id": "Time-ID", "session_date": "Dato", "session_number": "Timenummer", "status": "Status",
    "ors_1": "ORS 1", "ors_2": "ORS 2", "ors_3": "ORS 3", "ors_4": "ORS 4",
}
PUBLIC_FEEDBACK_HEADERS = {
    "clinic": "Klinikk", "session_id": "Time-ID", "rater": "Utfylt av",
    **{f"srs_{i}": f"SRS {i}" for i in range(1, 5)}, "srs_total": "SRS sum",
    **{f"wai_{i}": f"WAI {i}" for i in range(1, 13)}, "comment": "Kommentar",
}
NORWEGIAN_STATUS = {"attended": "oppmøtt", "cancelled": "avlyst", "no_show": "ikke møtt"}
NORWEGIAN_RATER = {"client": "klient", "therapist": "terapeut"}
NORWEGIAN_SECTOR = {"public": "offentlig", "private": "privat"}

SESSION_SCHEMA = pa.schema([
    ("clinic", pa.string()), ("site", pa.string()), ("sector", pa.string()),
    ("therapist_id", pa.string()), ("client_id", pa.string()), ("session_id", pa.string()),
    ("session_date", pa.date32()), ("session_number", pa.int32()), ("status", pa.string()),
    *((f"ors_{i}", pa.float64()) for i in range(1, 5)),
])
FEEDBACK_SCHEMA = pa.schema([
    ("clinic", pa.string()), ("session_id", pa.string()), ("rater", pa.string()),
    *((f"srs_{i}", pa.float64()) for i in range(1, 5)), ("srs_total", pa.float64()),
    *((f"wai_{i}", pa.int8()) for i in range(1, 13)), ("comment", pa.string()),
    ("submitted_at", pa.timestamp("s")),  # written only to the private clinic's CSV (an unmapped column)
])

COLUMNS_TOML = """\
# Header and file-name mapping for the exports in this folder (DATA_CONTRACT.md section 4).
# Havbris DPS exports with Norwegian headers; Fjordklinikken uses the contract's names.
[columns]
"Klinikk" = "clinic"
"Sektor" = "sector"
"Behandler-ID" = "therapist_id"
"Klient-ID" = "client_id"
"Time-ID" = "session_id"
"Dato" = "session_date"
"Timenummer" = "session_number"
"ORS 1" = "ors_1"
"ORS 2" = "ors_2"
"ORS 3" = "ors_3"
"ORS 4" = "ors_4"
"Utfylt av" = "rater"
"SRS 1" = "srs_1"
"SRS 2" = "srs_2"
"SRS 3" = "srs_3"
"SRS 4" = "srs_4"
"SRS sum" = "srs_total"
"WAI 1" = "wai_1"
"WAI 2" = "wai_2"
"WAI 3" = "wai_3"
"WAI 4" = "wai_4"
"WAI 5" = "wai_5"
"WAI 6" = "wai_6"
"WAI 7" = "wai_7"
"WAI 8" = "wai_8"
"WAI 9" = "wai_9"
"WAI 10" = "wai_10"
"WAI 11" = "wai_11"
"WAI 12" = "wai_12"
"Kommentar" = "comment"
# "Status" already matches the contract column status (headers match any case).

[files]
"timer_*.csv" = "sessions"
"skjema_*.xlsx" = "feedback"
"""


# --------------------------------------------------------------------------- helpers

def _group_starts(counts: np.ndarray) -> np.ndarray:
    """First row of each group in a client-major array, from the group sizes."""
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def _within_group_index(counts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each consecutive group of the given sizes."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(_group_starts(counts), counts)


def _split4(total10: np.ndarray, spread: int, rng: np.random.Generator) -> np.ndarray:
    """Four items in tenths (0..100 each) that sum exactly to total10 (0..400)."""
    total10 = np.asarray(total10, dtype=np.int64)
    m = len(total10)
    q, r = np.divmod(total10, 4)
    items = q[:, None] + (np.arange(4)[None, :] < r[:, None])
    items = items[:, rng.permutation(4)] if m else items
    for a, b in ((0, 1), (2, 3), (1, 2)):
        p = rng.integers(-spread, spread + 1, size=m)
        low = np.maximum(-items[:, a], items[:, b] - 100)
        high = np.minimum(100 - items[:, a], items[:, b])
        p = np.clip(p, low, high)
        items[:, a] += p
        items[:, b] -= p
    return items


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pa.array(np.asarray(numbers, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(digits, width=width, padding="0"), "")


def _masked(values: np.ndarray, valid: np.ndarray, typ: pa.DataType) -> pa.Array:
    return pa.array(values, type=typ, mask=~np.asarray(valid, dtype=bool))


def _r(x: float, nd: int = 4):
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), nd)


# --------------------------------------------------------------------------- the model

def _scaled_counts(n_sessions: int) -> dict:
    scale = n_sessions / PARAMS["scale_reference_sessions"]
    t = PARAMS["therapists_at_reference"]
    return {
        "scale": scale,
        "therapists": np.array([max(1, round(t["public"] * scale)), max(1, round(t["private_bergen"] * scale)),
                                max(1, round(t["private_oslo"] * scale))], dtype=np.int64),
        "ceiling": max(1, round(PARAMS["ceiling_clients_at_reference"] * scale)),
    }


def _draw_courses(rng: np.random.Generator, m: int, n_ther: np.ndarray) -> dict:
    """m candidate clients with their unit, therapist, course plan and session days."""
    c = PARAMS["course"]
    probs = list(PARAMS["client_unit_probabilities"].values())
    unit = rng.choice(3, size=m, p=probs).astype(np.int8)
    ther_local = rng.integers(0, n_ther[unit])
    dropout = rng.random(m) < c["dropout_rate"]
    drop_att = 1 + (rng.random(m) < 0.5)
    drop_extra = rng.random(m) < c["dropout_trailing_no_show_probability"]
    pub = unit == 0
    mean = np.where(pub, c["public"]["mean_sessions_non_dropout"], c["private"]["mean_sessions_non_dropout"])
    cap = np.where(pub, c["public"]["max_sessions"], c["private"]["max_sessions"])
    shape = c["public"]["gamma_shape"]
    lo = c["min_sessions_non_dropout"]
    length_nd = lo + np.rint(rng.gamma(shape, (mean - lo) / shape)).astype(np.int64)
    length_nd = np.minimum(length_nd, cap)
    length = np.where(dropout, drop_att + drop_extra, length_nd).astype(np.int64)
    start = rng.integers(0, LAST_DAY, size=m)  # 0..729

    total = int(length.sum())
    cl = np.repeat(np.arange(m), length)
    pos = _within_group_index(length)
    spub = pub[cl]
    u = rng.random(total)
    base = np.where(spub, np.where(u < 0.5, 14, 21), np.where(u < 0.85, 7, 14))
    jitter = np.where(spub, rng.integers(-2, 3, size=total), rng.integers(-1, 2, size=total))
    gap = np.where(pos == 0, 0, base + jitter)
    csum = np.cumsum(gap)
    offset = csum - np.repeat(csum[_group_starts(length)], length)
    day = start[cl] + offset
    wd = day % 7  # 0 = Monday (2024-01-01)
    day = day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    in_window = day <= LAST_DAY
    kept_len = np.bincount(cl, weights=in_window, minlength=m).astype(np.int64)
    return {"unit": unit, "ther_local": ther_local, "dropout": dropout, "drop_att": drop_att,
            "length": length, "kept_len": kept_len, "start": start, "cl": cl, "pos": pos, "day": day,
            "in_window": in_window}


def _build(seed: int, n_sessions: int) -> dict:
    """Draw the whole data set as numpy arrays (client-major, session_number ascending)."""
    if n_sessions < MIN_SESSIONS:
        raise ValueError(f"n_sessions must be at least {MIN_SESSIONS}.")
    rng = np.random.Generator(np.random.PCG64(seed))
    counts = _scaled_counts(n_sessions)
    n_ther = counts["therapists"]
    ther_offset = np.concatenate([[0], np.cumsum(n_ther)[:-1]])
    n_ther_total = int(n_ther.sum())

    # Candidate clients in chunks until their in-window sessions cover n_sessions.
    chunks = []
    have = 0
    while have < n_sessions:
        m = int((n_sessions - have) / 16 * 1.4) + 64
        ch = _draw_courses(rng, m, n_ther)
        chunks.append(ch)
        have += int(ch["kept_len"].sum())
    cand_kept = np.concatenate([ch["kept_len"] for ch in chunks])
    cum = np.cumsum(cand_kept)
    k = int(np.searchsorted(cum, n_sessions)) + 1  # clients kept
    final_len = cand_kept[:k].copy()
    final_len[-1] -= int(cum[k - 1] - n_sessions)

    def cat(key):
        return np.concatenate([ch[key] for ch in chunks])[:k]

    unit = cat("unit")
    ther = ther_offset[unit] + cat("ther_local")
    dropout = cat("dropout")
    drop_att = cat("drop_att")
    planned_len = cat("length")
    ongoing = planned_len > final_len
    # Session days: the first final_len[c] sessions of each kept client.
    cand_m = np.concatenate([[0], np.cumsum([len(ch["length"]) for ch in chunks])])
    day_parts = []
    for i, ch in enumerate(chunks):
        lo_c = cand_m[i]
        if lo_c >= k:
            break
        g = ch["cl"] + lo_c
        keep = (g < k) & (ch["pos"] < final_len[np.minimum(g, k - 1)])
        day_parts.append(ch["day"][keep])
    day = np.concatenate(day_parts).astype(np.int64)
    del chunks
    n = n_sessions
    assert len(day) == n
    cl = np.repeat(np.arange(k), final_len)
    pos = _within_group_index(final_len)
    sn = pos + 1
    cstart = _group_starts(final_len)
    sunit = unit[cl]
    spub = sunit == 0

    # Status.
    st = PARAMS["status"]
    u = rng.random(n)
    p_c = np.where(spub, st["public"]["cancelled"], st["private"]["cancelled"])
    p_n = np.where(spub, st["public"]["no_show"], st["private"]["no_show"])
    status = np.where(u < p_c, 1, np.where(u < p_c + p_n, 2, 0)).astype(np.int8)
    status[pos == 0] = 0
    sdrop = dropout[cl]
    status = np.where(sdrop, np.where(pos < drop_att[cl], 0, 2), status).astype(np.int8)
    att = status == 0
    n_att = np.bincount(cl, weights=att, minlength=k).astype(np.int64)
    att_rows = np.flatnonzero(att)
    att_start = _group_starts(n_att)

    # Entity effects.
    sp = PARAMS["srs"]
    th_eff = rng.normal(0.0, sp["therapist_sd"], n_ther_total)
    th_bias = rng.normal(0.0, PARAMS["wai"]["therapist_rating_bias_sd"], n_ther_total)
    cl_eff = rng.normal(0.0, sp["client_sd"], k)

    # Feedback completion.
    rated = att & (rng.random(n) < sp["completion_rate"])

    # Ceiling clients: non-dropouts with at least 4 attended sessions.
    elig_ceiling = np.flatnonzero(~dropout & (n_att >= 4))
    n_ceiling = min(counts["ceiling"], len(elig_ceiling))
    ceiling_clients = np.sort(rng.choice(elig_ceiling, size=n_ceiling, replace=False))
    is_ceiling = np.zeros(k, dtype=bool)
    is_ceiling[ceiling_clients] = True

    # Ruptures.
    rp = PARAMS["ruptures"]
    elig1 = ~dropout & ~is_ceiling & (n_att >= 5)
    n_rc = min(int(round(rp["client_share"] * k)), int(elig1.sum()))
    r_clients = np.sort(rng.choice(np.flatnonzero(elig1), size=n_rc, replace=False))
    two = (rng.random(n_rc) < rp["two_ruptures_share"]) & (n_att[r_clients] >= 9)
    u1, u2 = rng.random(n_rc), rng.random(n_rc)
    na = n_att[r_clients]
    j_one = 1 + np.floor(u1 * (na - 3)).astype(np.int64)
    j1_two = 1 + np.floor(u1 * (na - 7)).astype(np.int64)
    j2_two = j1_two + 4 + np.floor(u2 * (na - j1_two - 6)).astype(np.int64)
    rup_client = np.concatenate([r_clients, r_clients[two]])
    rup_j = np.concatenate([np.where(two, j1_two, j_one), j2_two[two]])
    order = np.lexsort((rup_j, rup_client))
    rup_client, rup_j = rup_client[order], rup_j[order]
    n_rup = len(rup_client)

    def att_row(c, j):
        return att_rows[att_start[c] + j]

    rows_prev, rows_at = att_row(rup_client, rup_j - 1), att_row(rup_client, rup_j)
    rows_n1, rows_n2 = att_row(rup_client, rup_j + 1), att_row(rup_client, rup_j + 2)
    for rows in (rows_prev, rows_at, rows_n1, rows_n2):
        rated[rows] = True

    # SRS totals in tenths.
    mu = sp["intercept"] + sp["log_slope"] * np.log(np.minimum(sn, sp["plateau_session"]))
    lat = mu + th_eff[ther[cl]] + cl_eff[cl] + rng.normal(0.0, sp["session_sd"], n)
    t10 = np.clip(np.rint(lat * 10), 0, 400).astype(np.int64)
    t10[is_ceiling[cl]] = 400
    before = t10[rows_prev]
    drop = rng.integers(int(rp["drop_points"][0] * 10), int(rp["drop_points"][1] * 10) + 1, size=n_rup)
    repaired = np.zeros(n_rup, dtype=bool)
    repaired[rng.permutation(n_rup)[: int(round(n_rup * rp["repaired_share"]))]] = True
    at = np.maximum(before - drop, 0)
    rec_first = rng.random(n_rup) < 0.6
    rec_val = np.minimum(400, before + rng.integers(0, 16, size=n_rup))
    below = before - rng.integers(10, 31, size=n_rup)
    after_rec = np.maximum(rec_val - rng.integers(0, 16, size=n_rup), 0)
    un1 = before - rng.integers(15, 36, size=n_rup)
    un2 = np.minimum(un1 + rng.integers(-10, 11, size=n_rup), before - 5)
    n1 = np.where(repaired, np.where(rec_first, rec_val, below), un1)
    n2 = np.where(repaired, np.where(rec_first, after_rec, rec_val), un2)
    t10[rows_at] = at
    t10[rows_n1] = np.maximum(n1, 0)
    t10[rows_n2] = np.maximum(n2, 0)
    assert np.all(before - at >= 20)
    srs_items = _split4(t10[rated], sp["item_pair_spread_tenths"], rng)  # (n_rated, 4) tenths

    # WAI-SR at sessions 3, 6, 9, ...
    wp = PARAMS["wai"]
    wai_sess = att & (sn % 3 == 0)
    wrows = np.flatnonzero(wai_sess)
    lat_c = (wp["client_intercept"] + wp["client_srs_slope"] * (t10[wrows] / 10 - 35)
             + rng.normal(0.0, wp["client_sd"], len(wrows)))
    lat_t = (lat_c - wp["therapist_gap"] + th_bias[ther[cl[wrows]]]
             + rng.normal(0.0, wp["therapist_sd"], len(wrows)))
    wai_c = np.clip(np.rint(lat_c[:, None] + rng.normal(0.0, wp["item_sd"], (len(wrows), 12))), 1, 5).astype(np.int8)
    wai_t = np.clip(np.rint(lat_t[:, None] + rng.normal(0.0, wp["item_sd"], (len(wrows), 12))), 1, 5).astype(np.int8)
    tform = np.zeros(n, dtype=bool)
    tform[wrows] = rng.random(len(wrows)) < wp["therapist_form_completion_rate"]

    # ORS.
    op = PARAMS["ors"]
    ors_start = np.clip(rng.normal(op["start_mean"], op["start_sd"], k), *op["start_clip"])
    z = (th_eff[ther] + cl_eff) / np.hypot(sp["therapist_sd"], sp["client_sd"])
    rho = op["latent_correlation_with_alliance"]
    ors_change = op["change_mean"] + op["change_sd"] * (rho * z + np.sqrt(1 - rho ** 2) * rng.standard_normal(k))
    ors_has = att & (rng.random(n) < op["presence_rate"])
    j_att = np.cumsum(att) - 1 - np.repeat(att_start, final_len)  # attended index (valid where att)
    tt = np.where(att, j_att, 0) / np.maximum(n_att[cl] - 1, 1)
    shape = (1 - np.exp(-3 * tt)) / (1 - np.exp(-3))
    ors_lat = ors_start[cl] + ors_change[cl] * shape + rng.normal(0.0, op["session_sd"], n)
    ors10 = np.clip(np.rint(ors_lat * 10), 0, 400).astype(np.int64)
    ors_items = _split4(ors10[ors_has], op["item_pair_spread_tenths"], rng)

    # Comments on client forms.
    rated_rows = np.flatnonzero(rated)
    is_rup_at = np.zeros(n, dtype=bool)
    is_rup_at[rows_at] = True
    neg = is_rup_at[rated_rows]
    has_comment = np.where(neg, rng.random(len(rated_rows)) < rp["negative_comment_probability"],
                           rng.random(len(rated_rows)) < PARAMS["comments"]["client_form_share"])
    comment_pick = rng.random(len(rated_rows))
    total_given = rng.random(len(rated_rows)) < sp["srs_total_given_share"]
    minute = rng.integers(8 * 60, 17 * 60, size=n)  # form submitted during the session's day

    # Identifiers: clients numbered by intake within clinic, sessions by date within clinic.
    cclinic = (unit != 0).astype(np.int8)
    first_day = day[cstart]
    corder = np.lexsort((np.arange(k), first_day, cclinic))
    client_no = np.empty(k, dtype=np.int64)
    cnt_clinic = np.bincount(cclinic, minlength=2)
    client_no[corder] = _within_group_index(cnt_clinic) + 1
    sclinic = cclinic[cl]
    sorder = np.lexsort((sn, client_no[cl], day, sclinic))
    sess_no = np.empty(n, dtype=np.int64)
    s_cnt = np.bincount(sclinic, minlength=2)
    sess_no[sorder] = _within_group_index(s_cnt) + 1

    return {
        "seed": seed, "n": n, "k": k, "n_ther": n_ther, "ther_offset": ther_offset,
        "unit": unit, "ther": ther, "dropout": dropout, "ongoing": ongoing, "final_len": final_len,
        "planned_len": planned_len, "n_att": n_att, "cclinic": cclinic, "client_no": client_no,
        "cl": cl, "pos": pos, "sn": sn, "day": day, "status": status, "att": att, "sunit": sunit,
        "sclinic": sclinic, "sess_no": sess_no, "s_cnt": s_cnt, "cnt_clinic": cnt_clinic,
        "th_eff": th_eff, "th_bias": th_bias, "cl_eff": cl_eff, "mu": mu,
        "rated": rated, "t10": t10, "srs_items": srs_items, "rated_rows": rated_rows,
        "total_given": total_given, "has_comment": has_comment, "comment_pick": comment_pick, "neg": neg,
        "wrows": wrows, "wai_c": wai_c, "wai_t": wai_t, "tform": tform, "lat_c": lat_c, "lat_t": lat_t,
        "ors_has": ors_has, "ors10": ors10, "ors_items": ors_items, "ors_start": ors_start,
        "ors_change": ors_change, "z": z, "minute": minute,
        "ceiling_clients": ceiling_clients, "is_ceiling": is_ceiling,
        "rup_client": rup_client, "rup_j": rup_j, "rows_prev": rows_prev, "rows_at": rows_at,
        "rows_n1": rows_n1, "rows_n2": rows_n2, "rup_repaired": repaired,
        "rng": rng,
    }


# --------------------------------------------------------------------------- tables

def _names(d: dict) -> dict:
    """Pseudonym arrays: therapists, clients (per client), sessions (per row)."""
    n_ther = d["n_ther"]
    tw = max(2, len(str(int(n_ther.max()))))
    ther_names = pa.concat_arrays([_ids(UNIT_THERAPIST_PREFIX[u], np.arange(1, n_ther[u] + 1), tw) for u in range(3)])
    cw = max(4, len(str(int(d["cnt_clinic"].max()))))
    client_names = pc.if_else(pa.array(d["cclinic"] == 0), _ids(CLIENT_PREFIX[0], d["client_no"], cw),
                              _ids(CLIENT_PREFIX[1], d["client_no"], cw))
    sw = max(6, len(str(int(d["s_cnt"].max()) + 1000)))
    return {"ther": ther_names, "client": client_names, "ther_width": tw, "client_width": cw, "session_width": sw}


def _session_ids(d: dict, names: dict, rows: np.ndarray | None = None) -> pa.Array:
    sclinic = d["sclinic"] if rows is None else d["sclinic"][rows]
    no = d["sess_no"] if rows is None else d["sess_no"][rows]
    w = names["session_width"]
    return pc.if_else(pa.array(sclinic == 0), _ids(SESSION_PREFIX[0], no, w), _ids(SESSION_PREFIX[1], no, w))


def _session_table(d: dict, names: dict, order: np.ndarray) -> pa.Table:
    """The session rows in the given order, contract columns."""
    n = d["n"]
    sunit = d["sunit"][order].astype(np.int32)
    ors_full = np.zeros((n, 4), dtype=np.float64)
    ors_full[d["ors_has"]] = d["ors_items"] / 10.0
    ors_full = ors_full[order]
    ors_has = d["ors_has"][order]
    cols = {
        "clinic": pa.DictionaryArray.from_arrays(pa.array(sunit), pa.array(UNIT_CLINIC)),
        "site": pa.DictionaryArray.from_arrays(pa.array(sunit), pa.array(UNIT_SITE, pa.string())),
        "sector": pa.DictionaryArray.from_arrays(pa.array(sunit), pa.array(UNIT_SECTOR)),
        "therapist_id": pa.DictionaryArray.from_arrays(pa.array(d["ther"][d["cl"][order]].astype(np.int32)), names["ther"]),
        "client_id": names["client"].take(pa.array(d["cl"][order])),
        "session_id": _session_ids(d, names, order),
        "session_date": pa.array((d["day"][order] + EPOCH_DAY).astype(np.int32), pa.int32()).view(pa.date32()),
        "session_number": pa.array(d["sn"][order].astype(np.int32)),
        "status": pa.DictionaryArray.from_arrays(pa.array(d["status"][order].astype(np.int32)),
                                                 pa.array(["attended", "cancelled", "no_show"])),
    }
    for i in range(4):
        cols[f"ors_{i + 1}"] = _masked(ors_full[:, i], ors_has, pa.float64())
    return pa.table([cols[f.name].cast(f.type) for f in SESSION_SCHEMA], schema=SESSION_SCHEMA)


def _comment_array(d: dict, sess_rows: np.ndarray) -> pa.Array:
    pub = d["sunit"][sess_rows] == 0
    neg = d["neg"]
    pick = d["comment_pick"]
    pools = (PUBLIC_COMMENTS, PUBLIC_NEGATIVE, PRIVATE_COMMENTS, PRIVATE_NEGATIVE)
    sizes = np.array([len(p) for p in pools])
    offs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.where(pub, 0, 2) + neg
    idx = offs[which] + np.minimum((pick * sizes[which]).astype(np.int64), sizes[which] - 1)
    return np.where(d["has_comment"], idx, -1)


def _feedback_rows(d: dict) -> tuple[np.ndarray, np.ndarray]:
    """Feedback rows (client forms, then therapist forms): their session rows and rater codes (0 client)."""
    rr = d["rated_rows"]
    trows = np.flatnonzero(d["tform"])
    sess = np.concatenate([rr, trows])
    rater = np.concatenate([np.zeros(len(rr), np.int8), np.ones(len(trows), np.int8)])
    return sess, rater


def _feedback_table(d: dict, names: dict, sess: np.ndarray, rater: np.ndarray, order: np.ndarray) -> pa.Table:
    """The feedback rows in the given order, contract columns plus submitted_at."""
    n = d["n"]
    rr = d["rated_rows"]
    wrows = d["wrows"]
    wpos = np.full(n, -1, dtype=np.int64)
    wpos[wrows] = np.arange(len(wrows))
    m_c, m = len(rr), len(sess)
    trows = sess[m_c:]
    is_c = rater == 0
    srs = np.zeros((m, 4))
    srs[:m_c] = d["srs_items"] / 10.0
    total = np.zeros(m)
    total[:m_c] = d["srs_items"].sum(axis=1) / 10.0
    total_valid = np.zeros(m, bool)
    total_valid[:m_c] = d["total_given"]
    wai = np.zeros((m, 12), np.int8)
    cw = wpos[rr]
    c_has_wai = cw >= 0
    wai[:m_c][c_has_wai] = d["wai_c"][cw[c_has_wai]]
    wai[m_c:] = d["wai_t"][wpos[trows]]
    wai_valid = np.concatenate([c_has_wai, np.ones(len(trows), bool)])
    comment = np.concatenate([_comment_array(d, rr), np.full(len(trows), -1)])[order]
    pools = pa.array([c for p in (PUBLIC_COMMENTS, PUBLIC_NEGATIVE, PRIVATE_COMMENTS, PRIVATE_NEGATIVE) for c in p])
    srs, total, total_valid, wai, wai_valid = srs[order], total[order], total_valid[order], wai[order], wai_valid[order]
    is_c = is_c[order]
    so = sess[order]
    submitted = (d["day"][so] * 86400 + d["minute"][so] * 60).astype(np.int64)
    cols = {
        "clinic": pa.DictionaryArray.from_arrays(pa.array(d["sunit"][so].astype(np.int32)), pa.array(UNIT_CLINIC)),
        "session_id": _session_ids(d, names, so),
        "rater": pa.DictionaryArray.from_arrays(pa.array(rater[order].astype(np.int32)), pa.array(["client", "therapist"])),
    }
    for i in range(4):
        cols[f"srs_{i + 1}"] = _masked(srs[:, i], is_c, pa.float64())
    cols["srs_total"] = _masked(total, total_valid, pa.float64())
    for i in range(12):
        cols[f"wai_{i + 1}"] = _masked(wai[:, i], wai_valid, pa.int8())
    cols["comment"] = pa.DictionaryArray.from_arrays(_masked(np.maximum(comment, 0).astype(np.int32), comment >= 0,
                                                             pa.int32()), pools)
    cols["submitted_at"] = pa.array(submitted + EPOCH_DAY * 86400, pa.int64()).view(pa.timestamp("s"))
    return pa.table([cols[f.name].cast(f.type) for f in FEEDBACK_SCHEMA], schema=FEEDBACK_SCHEMA)


# --------------------------------------------------------------------------- data problems

def _plan_problems(d: dict, names: dict, fb_sess: np.ndarray, fb_rater: np.ndarray) -> list[dict]:
    """A few deliberate bad rows. Each is an extra row, so the clean data stays exactly as planted."""
    rng = d["rng"]
    n = d["n"]
    year = np.where(d["day"] >= 366, 2025, 2024)
    pub = d["sunit"] == 0
    att, rated, tform = d["att"], d["rated"], d["tform"]
    used = np.zeros(n, bool)

    def pick(mask):
        cand = np.flatnonzero(mask & ~used)
        if len(cand) == 0:
            cand = np.flatnonzero(att & ~rated & ~used)
        r = int(cand[rng.integers(0, len(cand))])
        used[r] = True
        return r

    def srow(r):
        return {"clinic": UNIT_CLINIC[d["sunit"][r]], "session_id": _session_ids(d, names, np.array([r]))[0].as_py()}

    def submitted(r):
        return np.datetime64(PERIOD_START + int(d["day"][r])).astype("datetime64[s]").astype(object)

    problems = []

    def add(kind, group, yr, row, column, expect, problem, detail, host=None, dup_of=None):
        problems.append({"kind": kind, "group": group, "year": yr, "row_values": row, "column": column,
                         "expect": expect, "problem": problem, "detail": detail, "host": host,
                         "dup_of": dup_of, "u": float(rng.random())})

    def client_form(r, items):
        row = {**srow(r), "rater": "client", "srs_1": items[0], "srs_2": items[1], "srs_3": items[2],
               "srs_4": items[3], "submitted_at": submitted(r)}
        return row

    # SRS item out of range (11), three times.
    for group, yr, item in (("public", 2024, 2), ("private", 2024, 1), ("private", 2025, 4)):
        r = pick(att & ~rated & (pub == (group == "public")) & (year == yr))
        items = [9.0, 8.5, 9.0, 8.0]
        items[item - 1] = 11.0
        add("feedback", group, yr, client_form(r, items), f"srs_{item}", "reject", "srs_item_out_of_range",
            f"srs_{item} = 11 (items are 0 to 10)", host=r)
    # Only some SRS items, twice.
    for group, yr in (("public", 2025), ("private", 2025)):
        r = pick(att & ~rated & (pub == (group == "public")) & (year == yr))
        add("feedback", group, yr, client_form(r, [8.5, 9.0, None, None]), "srs_total", "reject",
            "srs_items_partial", "srs_1 and srs_2 given, srs_3 and srs_4 empty", host=r)
    # SRS items on a therapist form.
    r = pick(att & ~tform & ~pub & (year == 2024))
    row = {**srow(r), "rater": "therapist", "srs_1": 8.0, "srs_2": 8.0, "srs_3": 7.5, "srs_4": 8.0,
           **{f"wai_{i}": 4 for i in range(1, 13)}, "submitted_at": submitted(r)}
    add("feedback", "private", 2024, row, "rater", "reject", "srs_on_therapist_form",
        "a therapist form with SRS items", host=r)
    # Exact duplicates of an existing client form (same key, identical).
    fb_year = year[fb_sess]
    fb_pub = pub[fb_sess]
    for group, yr in (("public", 2024), ("private", 2025)):
        cand = np.flatnonzero((fb_rater == 0) & (fb_pub == (group == "public")) & (fb_year == yr))
        i = int(cand[rng.integers(0, len(cand))])
        add("feedback", group, yr, None, "session_id", "duplicate", "exact_duplicate",
            "an identical copy of an earlier row in the same file (counts once)", host=int(fb_sess[i]), dup_of=i)
    # Orphans: feedback for sessions that do not exist.
    w = names["session_width"]
    for j, (group, yr) in enumerate((("public", 2025), ("private", 2024), ("private", 2025))):
        c = 0 if group == "public" else 1
        sid = f"{SESSION_PREFIX[c]}{int(d['s_cnt'][c]) + 101 + 7 * j:0{w}d}"
        day = 200 if yr == 2024 else 560
        row = {"clinic": UNIT_CLINIC[0 if c == 0 else 1], "session_id": sid, "rater": "client",
               "srs_1": 9.0, "srs_2": 8.8, "srs_3": 9.1, "srs_4": 9.0,
               "submitted_at": np.datetime64(PERIOD_START + day).astype("datetime64[s]").astype(object)}
        add("feedback", group, yr, row, "session_id", "orphan", "orphan_feedback",
            f"session {sid} does not exist in any session file", host=None)
    # Session rows: an ORS item out of range (public, 2025) and a missing therapist (private).
    for j, (group, yr, column) in enumerate((("public", 2025, "ors_3"), ("private", 2025, "therapist_id"))):
        c = 0 if group == "public" else 1
        r = pick(att & (pub == (group == "public")) & (year == yr))
        cidx = d["cl"][r]
        sid = f"{SESSION_PREFIX[c]}{int(d['s_cnt'][c]) + 501 + 7 * j:0{w}d}"
        u = int(d["sunit"][r])
        row = {"clinic": UNIT_CLINIC[u], "site": UNIT_SITE[u], "sector": UNIT_SECTOR[u],
               "therapist_id": names["ther"][int(d["ther"][cidx])].as_py(),
               "client_id": names["client"][int(cidx)].as_py(), "session_id": sid,
               "session_date": np.datetime64(PERIOD_START + int(d["day"][r])).astype(object),
               "session_number": int(d["final_len"][cidx]) + 1, "status": "attended",
               "ors_1": 6.0, "ors_2": 5.5, "ors_3": 7.0, "ors_4": 6.5}
        if column == "ors_3":
            row["ors_3"] = 12.5
            detail = "ors_3 = 12.5 (items are 0 to 10)"
        else:
            row["therapist_id"] = None
            detail = "therapist_id empty (required)"
        add("sessions", group, yr, row, column, "reject", "session_" + column + ("_out_of_range" if column == "ors_3" else "_missing"),
            detail, host=None)
    return problems


# --------------------------------------------------------------------------- layouts and writers

def _file_codes(layout: str, kind: str, pub: np.ndarray, year: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """File per row for a layout: a code per row and the file names the codes stand for."""
    if layout in ("csv", "parquet"):
        return np.zeros(len(pub), np.int64), [f"{kind}.{layout}"]
    y24 = year == 2024
    if kind == "sessions":
        return (np.where(pub, np.where(y24, 0, 1), 2),
                ["timer_havbris_2024.csv", "timer_havbris_2025.csv", "sessions_fjordklinikken.parquet"])
    return (np.where(pub, 0, np.where(y24, 1, 2)),
            ["skjema_havbris.xlsx", "feedback_fjordklinikken_2024.csv", "feedback_fjordklinikken_2025.csv"])


def _decimal_comma(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    x = arr.to_numpy(zero_copy_only=False).astype(np.float64)
    valid = ~np.isnan(x)
    t = np.rint(np.where(valid, x, 0.0) * 10).astype(np.int64)
    q, r = np.divmod(t, 10)
    qs = pa.array(q).cast(pa.string())
    s = pc.if_else(pa.array(r == 0), qs, pc.binary_join_element_wise(qs, pa.array(r).cast(pa.string()), ","))
    return pc.if_else(pa.array(valid), s, pa.scalar(None, pa.string()))


def _map_words(arr, mapping: dict) -> pa.Array:
    keys = pa.array(list(mapping.keys()))
    idx = pc.index_in(arr, value_set=keys)
    return pa.array(list(mapping.values())).take(idx)


def _write_csv(table: pa.Table, path: Path, *, delimiter=",", eol="\n", quoting="needed",
               encoding="utf-8", bom=False) -> None:
    opts = pacsv.WriteOptions(delimiter=delimiter, eol=eol, quoting_style=quoting, quoting_header="none")
    if encoding == "utf-8":
        with open(path, "wb") as fh:
            if bom:
                fh.write(b"\xef\xbb\xbf")
            pacsv.write_csv(table, fh, opts)
        return
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, opts)
    path.write_bytes(buf.getvalue().decode("utf-8").encode(encoding))


def _write_public_sessions(t: pa.Table, path: Path) -> None:
    cols = {}
    for name, header in PUBLIC_SESSION_HEADERS.items():
        col = t[name]
        if name == "sector":
            col = _map_words(col, NORWEGIAN_SECTOR)
        elif name == "status":
            col = _map_words(col, NORWEGIAN_STATUS)
        elif name == "session_date":
            col = pc.strftime(col, format="%d.%m.%Y")
        elif name.startswith("ors_"):
            col = _decimal_comma(col)
        cols[header] = col
    _write_csv(pa.table(cols), path, delimiter=";", eol="\r\n", quoting="none", encoding="cp1252")


def _write_private_feedback(t: pa.Table, path: Path) -> None:
    t = t.set_column(t.schema.get_field_index("submitted_at"), "submitted_at",
                     pc.strftime(t["submitted_at"], format="%Y-%m-%d %H:%M"))
    _write_csv(t, path, delimiter=",", eol="\n", quoting="needed", encoding="utf-8", bom=True)


FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _write_xlsx(t: pa.Table, path: Path) -> None:
    """The public clinic's feedback workbook: Norwegian headers and words, deterministic bytes."""
    import datetime as _dt

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "Havbris DPS skjemaeksport"
    wb.properties.created = _dt.datetime(2026, 1, 1)
    ws = wb.create_sheet("Skjema")
    fields = list(PUBLIC_FEEDBACK_HEADERS)
    ws.append([PUBLIC_FEEDBACK_HEADERS[f] for f in fields])
    t = t.set_column(t.schema.get_field_index("rater"), "rater", _map_words(t["rater"], NORWEGIAN_RATER))
    columns = [t[f].to_pylist() for f in fields]
    for row in zip(*columns):
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2026-01-01T00:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def _write_file(name: str, kind: str, table: pa.Table, out_dir: Path) -> dict:
    path = out_dir / name
    if name.endswith(".parquet"):
        if kind == "feedback":
            table = table.drop_columns(["submitted_at"])
        pq.write_table(table, path, compression="snappy")
        fmt = {"format": "parquet", "dates": "native date32" if kind == "sessions" else None}
    elif name.endswith(".xlsx"):
        _write_xlsx(table, path)
        fmt = {"format": "xlsx", "sheet": "first sheet (Skjema), header row 1", "headers": "Norwegian",
               "words": "rater klient/terapeut"}
    elif name.startswith("timer_"):
        _write_public_sessions(table, path)
        fmt = {"format": "csv", "encoding": "windows-1252", "delimiter": ";", "decimal": ",",
               "dates": "DD.MM.YYYY", "line_endings": "CRLF", "headers": "Norwegian",
               "words": "sector offentlig; status oppmøtt/avlyst/ikke møtt"}
    elif name.startswith("feedback_fjordklinikken"):
        _write_private_feedback(table, path)
        fmt = {"format": "csv", "encoding": "utf-8 with BOM", "delimiter": ",", "decimal": ".",
               "dates": "submitted_at as YYYY-MM-DD HH:MM (an unmapped column)", "quoting": "RFC 4180"}
    else:  # plain contract-named CSV (benchmark layout)
        if kind == "feedback":
            table = table.drop_columns(["submitted_at"])
        _write_csv(table, path)
        fmt = {"format": "csv", "encoding": "utf-8", "delimiter": ",", "decimal": ".", "dates": "YYYY-MM-DD"}
    return {"file": name, "kind": kind, **{k: v for k, v in fmt.items() if v is not None},
            "bytes": path.stat().st_size}


def _write_layout(layout: str, out_dir: Path, d: dict, names: dict, fb_sess: np.ndarray, fb_rater: np.ndarray,
                  problems: list[dict]) -> tuple[list, list]:
    """Write every file of a layout; each file's rows in date order with its problem rows inserted."""
    day, sunit = d["day"], d["sunit"]
    year = np.where(day >= 366, 2025, 2024)
    pub = sunit == 0
    files_info, problem_rows = [], []
    for kind in ("sessions", "feedback"):
        if kind == "sessions":
            rows_sess, rater = np.arange(d["n"]), np.zeros(d["n"], np.int8)
        else:
            rows_sess, rater = fb_sess, fb_rater
        codes, fnames = _file_codes(layout, kind, pub[rows_sess], year[rows_sess])
        order = np.lexsort((rater, d["sess_no"][rows_sess], sunit[rows_sess], day[rows_sess], codes))
        inv = np.empty(len(order), np.int64)
        inv[order] = np.arange(len(order))
        if kind == "sessions":
            table = _session_table(d, names, order)
        else:
            table = _feedback_table(d, names, fb_sess, fb_rater, order)
        counts = np.bincount(codes, minlength=len(fnames))
        starts = _group_starts(counts)
        kprob = [p for p in problems if p["kind"] == kind]
        pcodes = _file_codes(layout, kind, np.array([p["group"] == "public" for p in kprob], bool),
                             np.array([p["year"] for p in kprob], np.int64))[0] if kprob else np.zeros(0, np.int64)
        for fi in sorted(range(len(fnames)), key=lambda i: fnames[i]):
            name, start, nf = fnames[fi], int(starts[fi]), int(counts[fi])
            base = table.slice(start, nf)
            mine = []
            for j, p in enumerate(kprob):
                if pcodes[j] != fi:
                    continue
                if p["expect"] == "duplicate":
                    orig = int(inv[p["dup_of"]]) - start
                    mine.append((orig + 1 + int(p["u"] * (nf - orig)), j, p, base.slice(orig, 1), orig))
                else:
                    mine.append((int(p["u"] * (nf + 1)), j, p,
                                 pa.Table.from_pylist([p["row_values"]], schema=table.schema), None))
            mine.sort(key=lambda e: (e[0], e[1]))
            pieces, prev = [], 0
            positions = np.array([e[0] for e in mine], np.int64)
            for rank, (pos, _, p, extra, orig) in enumerate(mine):
                pieces += [base.slice(prev, pos - prev), extra]
                prev = pos
                entry = {"problem": p["problem"], "file": name, "row": pos + rank + 2, "column": p["column"],
                         "expect": p["expect"], "detail": p["detail"]}
                if orig is not None:  # an original row moves down by the extra rows inserted at or before it
                    entry["copy_of_row"] = orig + int((positions <= orig).sum()) + 2
                problem_rows.append(entry)
            part = pa.concat_tables(pieces + [base.slice(prev)]) if mine else base
            info = _write_file(name, kind, part, out_dir)
            info["rows"] = part.num_rows
            info["rows_valid"] = nf
            files_info.append(info)
    problem_rows.sort(key=lambda e: (e["file"], e["row"]))
    return files_info, problem_rows


# --------------------------------------------------------------------------- truth

def _realised(d: dict) -> dict:
    """Statistics of the generated (clean) data, computed the way DATA_CONTRACT.md section 6 defines them."""
    cl, sn, att, rated, t10 = d["cl"], d["sn"], d["att"], d["rated"], d["t10"]
    k = d["k"]
    srs = t10 / 10.0
    rr = np.flatnonzero(rated)
    out: dict = {}
    # Alliance curve.
    max_sn = 12
    sel = rr[sn[rr] <= max_sn]
    sums = np.bincount(sn[sel], weights=srs[sel], minlength=max_sn + 1)
    cnts = np.bincount(sn[sel], minlength=max_sn + 1)
    out["mean_srs_by_session_number"] = {str(s): _r(sums[s] / cnts[s], 3) if cnts[s] else None
                                         for s in range(1, max_sn + 1)}
    out["n_rated_by_session_number"] = {str(s): int(cnts[s]) for s in range(1, max_sn + 1)}
    # Ruptures, contract definition, drop 2, window 2.
    rc, rs = cl[rr], t10[rr]
    same_prev = np.zeros(len(rr), bool)
    same_prev[1:] = rc[1:] == rc[:-1]
    prev = np.zeros(len(rr), np.int64)
    prev[1:] = rs[:-1]
    is_r = same_prev & (prev - rs >= 20)
    ki = np.flatnonzero(is_r)
    nxt1 = ki + 1
    nxt2 = ki + 2
    e1 = (nxt1 < len(rr)) & (rc[np.minimum(nxt1, len(rr) - 1)] == rc[ki])
    e2 = (nxt2 < len(rr)) & (rc[np.minimum(nxt2, len(rr) - 1)] == rc[ki])
    b = prev[ki]
    rep = (e1 & (rs[np.minimum(nxt1, len(rr) - 1)] >= b)) | (e2 & (rs[np.minimum(nxt2, len(rr) - 1)] >= b))
    status = np.where(rep, "repaired", np.where(e1 & e2, "unrepaired", "open"))
    found = dict(zip(rr[ki].tolist(), status.tolist()))
    planted_status = np.where(d["rup_repaired"], "repaired", "unrepaired")
    ok = [found.get(int(r)) == s for r, s in zip(d["rows_at"], planted_status)]
    st_all = {s: int((status == s).sum()) for s in ("repaired", "unrepaired", "open")}
    planted_set = set(int(r) for r in d["rows_at"])
    extra_mask = np.array([int(r) not in planted_set for r in rr[ki]], bool) if len(ki) else np.zeros(0, bool)
    out["ruptures"] = {
        "total_found": int(len(ki)), "found_by_status": st_all,
        "planted_found_with_planted_status": int(sum(ok)), "planted": int(len(ok)),
        "not_planted": int(extra_mask.sum()),
        "not_planted_by_status": {s: int(((status == s) & extra_mask).sum()) for s in ("repaired", "unrepaired", "open")},
    }
    # Completion.
    spub = d["sunit"] == 0
    out["completion_rate"] = _r(rated.sum() / att.sum(), 4)
    out["completion_rate_public"] = _r((rated & spub).sum() / (att & spub).sum(), 4)
    out["completion_rate_private"] = _r((rated & ~spub).sum() / (att & ~spub).sum(), 4)
    # Discrepancy (client wai_mean - therapist wai_mean where both).
    wrows = d["wrows"]
    both = rated[wrows] & d["tform"][wrows]
    cm = d["wai_c"][both].mean(axis=1)
    tm = d["wai_t"][both].mean(axis=1)
    out["discrepancy"] = {"n_pairs": int(both.sum()), "mean_client_wai": _r(cm.mean()), "mean_therapist_wai": _r(tm.mean()),
                          "mean_discrepancy": _r((cm - tm).mean()),
                          "client_therapist_correlation": _r(np.corrcoef(cm, tm)[0, 1]) if both.sum() > 2 else None}
    # Early alliance vs ORS change.
    r_cnt = np.bincount(cl[rr], minlength=k)
    r_rank = _within_group_index(r_cnt)
    first3 = rr[r_rank < 3]
    ea = np.bincount(cl[first3], weights=srs[first3], minlength=k) / np.maximum(np.bincount(cl[first3], minlength=k), 1)
    orows = np.flatnonzero(d["ors_has"])
    ors_tot = np.zeros(d["n"])
    ors_tot[orows] = d["ors_items"].sum(axis=1) / 10.0
    oc = cl[orows]
    o_cnt = np.bincount(oc, minlength=k)
    ostart = _group_starts(o_cnt)
    has2 = o_cnt >= 2
    first_o = np.full(k, np.nan)
    last_o = np.full(k, np.nan)
    nz = o_cnt > 0
    first_o[nz] = ors_tot[orows[ostart[nz]]]
    last_o[nz] = ors_tot[orows[ostart[nz] + o_cnt[nz] - 1]]
    change = last_o - first_o
    sel_c = has2 & (r_cnt >= 3)
    out["early_alliance_vs_ors_change"] = {
        "clients": int(sel_c.sum()),
        "correlation": _r(np.corrcoef(ea[sel_c], change[sel_c])[0, 1]) if sel_c.sum() > 2 else None,
        "clients_with_1_rated_or_more": int((has2 & (r_cnt >= 1)).sum()),
        "correlation_with_1_rated_or_more": _r(np.corrcoef(ea[has2 & (r_cnt >= 1)], change[has2 & (r_cnt >= 1)])[0, 1])
        if (has2 & (r_cnt >= 1)).sum() > 2 else None,
        "mean_ors_change": _r(np.nanmean(change[has2])),
    }
    # Frequency and course length per clinic.
    n_att = d["n_att"]
    freq = {}
    for name, cmask in (("public", d["unit"] == 0), ("private", d["unit"] != 0)):
        smask = cmask[cl]
        a_rows = np.flatnonzero(att & smask)
        ac = cl[a_rows]
        same = ac[1:] == ac[:-1]
        gaps = np.diff(d["day"][a_rows])[same]
        freq[name] = {"clients": int(cmask.sum()), "sessions": int(smask.sum()),
                      "mean_scheduled_sessions_per_client": _r(d["final_len"][cmask].mean(), 2),
                      "mean_attended_sessions_per_client": _r(n_att[cmask].mean(), 2),
                      "median_days_between_attended_sessions": _r(np.median(gaps), 1) if len(gaps) else None,
                      "mean_days_between_attended_sessions": _r(gaps.mean(), 2) if len(gaps) else None}
    out["by_sector"] = freq
    status = d["status"]
    out["status_share"] = {"attended": _r((status == 0).mean()), "cancelled": _r((status == 1).mean()),
                           "no_show": _r((status == 2).mean())}
    out["clients_with_1_or_2_attended_sessions"] = int(((n_att >= 1) & (n_att <= 2)).sum())
    out["ors_presence_rate"] = _r(d["ors_has"].sum() / att.sum())
    # Per therapist realised means.
    th_s = d["ther"][cl[rr]]
    nt = int(d["n_ther"].sum())
    out["_therapist_mean_srs"] = np.bincount(th_s, weights=srs[rr], minlength=nt) / np.maximum(np.bincount(th_s, minlength=nt), 1)
    out["_therapist_n_rated"] = np.bincount(th_s, minlength=nt)
    out["_therapist_n_clients"] = np.bincount(d["ther"][n_att > 0], minlength=nt)
    out["_therapist_n_attended"] = np.bincount(d["ther"][cl[att]], minlength=nt)
    pe = d["th_eff"]
    out["therapist_effect_vs_mean_srs_correlation"] = _r(np.corrcoef(pe, out["_therapist_mean_srs"])[0, 1]) if nt > 2 else None
    out["_early_alliance"] = ea
    out["_r_cnt"] = r_cnt
    out["_first_ors"] = first_o
    out["_last_ors"] = last_o
    return out


def _truth(d: dict, names: dict, layout: str, files_info: list, problem_rows: list, real: dict,
           max_client_entries: int = 20000) -> dict:
    k = d["k"]
    ther_names = names["ther"].to_pylist()
    client_names = names["client"]
    n_ther = d["n_ther"]
    ther_unit = np.repeat(np.arange(3), n_ther)
    therapists = [{"clinic": UNIT_CLINIC[u], "site": UNIT_SITE[u] or UNIT_CLINIC[u], "sector": UNIT_SECTOR[u],
                   "therapist_id": ther_names[i], "planted_effect": _r(d["th_eff"][i]),
                   "planted_rating_bias": _r(d["th_bias"][i]),
                   "n_clients": int(real["_therapist_n_clients"][i]),
                   "n_attended": int(real["_therapist_n_attended"][i]),
                   "n_rated": int(real["_therapist_n_rated"][i]),
                   "realised_mean_srs": _r(real["_therapist_mean_srs"][i], 3) if real["_therapist_n_rated"][i] else None}
                  for i, u in enumerate(ther_unit.tolist())]
    sid = lambda rows: _session_ids(d, names, np.asarray(rows)).to_pylist()  # noqa: E731
    at_rows = d["rows_at"]
    r_sid = sid(at_rows)
    r_cl = d["rup_client"]
    r_cname = client_names.take(pa.array(r_cl)).to_pylist()
    ruptures = [{"clinic": UNIT_CLINIC[int(d["unit"][c])], "client_id": r_cname[i],
                 "therapist_id": ther_names[int(d["ther"][c])], "session_id": r_sid[i],
                 "session_number": int(d["sn"][at_rows[i]]),
                 "session_date": str(PERIOD_START + int(d["day"][at_rows[i]])),
                 "srs_before": _r(d["t10"][d["rows_prev"][i]] / 10, 1), "srs_at": _r(d["t10"][at_rows[i]] / 10, 1),
                 "drop": _r((d["t10"][d["rows_prev"][i]] - d["t10"][at_rows[i]]) / 10, 1),
                 "next_srs": [_r(d["t10"][d["rows_n1"][i]] / 10, 1), _r(d["t10"][d["rows_n2"][i]] / 10, 1)],
                 "status": "repaired" if d["rup_repaired"][i] else "unrepaired"}
                for i, c in enumerate(r_cl.tolist())]
    ruptures.sort(key=lambda e: (e["clinic"], e["client_id"], e["session_number"]))
    ceiling = [{"clinic": UNIT_CLINIC[int(d["unit"][c])], "client_id": client_names[int(c)].as_py(),
                "n_rated": int(real["_r_cnt"][c])} for c in d["ceiling_clients"].tolist()]
    ceiling.sort(key=lambda e: (e["clinic"], e["client_id"]))
    sp = PARAMS["srs"]
    planted_curve = {str(s): _r(sp["intercept"] + sp["log_slope"] * np.log(min(s, sp["plateau_session"])), 3)
                     for s in range(1, 13)}
    n_att = d["n_att"]
    truth = {
        "generator": "alliance.sample",
        "contract_version": 1,
        "synthetic": "All people, clinics and identifiers are invented.",
        "seed": d["seed"],
        "n_sessions": d["n"],
        "layout": layout,
        "parameters": PARAMS,
        "clinics": [
            {"clinic": PUBLIC_CLINIC, "sector": "public", "sector_word_in_file": "offentlig" if layout == "clinics" else "public",
             "sites": [PUBLIC_CLINIC], "site_column": "absent (site = clinic name)" if layout == "clinics" else "empty",
             "therapists": int(n_ther[0]), "clients": int((d["unit"] == 0).sum()),
             "sessions": int((d["sunit"] == 0).sum())},
            {"clinic": PRIVATE_CLINIC, "sector": "private", "sector_word_in_file": "private", "sites": ["Bergen", "Oslo"],
             "therapists": int(n_ther[1] + n_ther[2]), "clients": int((d["unit"] != 0).sum()),
             "sessions": int((d["sunit"] != 0).sum()),
             "therapists_by_site": {"Bergen": int(n_ther[1]), "Oslo": int(n_ther[2])}},
        ],
        "files": files_info,
        "counts": {
            "sessions": d["n"], "attended": int(d["att"].sum()), "cancelled": int((d["status"] == 1).sum()),
            "no_show": int((d["status"] == 2).sum()), "clients": k, "therapists": int(n_ther.sum()),
            "client_forms": int(d["rated"].sum()), "therapist_forms": int(d["tform"].sum()),
            "client_forms_with_wai": int((d["rated"][d["wrows"]]).sum()),
            "client_forms_with_srs_total": int(d["total_given"].sum()),
            "client_forms_with_comment": int(d["has_comment"].sum()),
            "sessions_with_ors": int(d["ors_has"].sum()),
            "extra_problem_rows": len(problem_rows),
            "note": "counts are of the clean data; the files also hold the extra rows listed in data_problems",
        },
        "alliance_curve": {"planted_mean_before_cap": planted_curve,
                           "realised_mean_srs": real["mean_srs_by_session_number"]},
        "therapists": therapists,
        "ruptures": {
            "planted": ruptures,
            "n_planted": len(ruptures),
            "n_clients": int(len(np.unique(r_cl))),
            "n_repaired": int(d["rup_repaired"].sum()),
            "n_unrepaired": int((~d["rup_repaired"]).sum()),
            "realised": real["ruptures"],
            "note": "all planted ruptures are found with their planted status by the contract definition "
                    "(drop 2, window 2); session noise, as in real SRS data, creates many further ruptures, mostly falls of 2 to "
                    "4 points, counted in realised.not_planted",
        },
        "discrepancy": {"planted_latent_gap": PARAMS["wai"]["therapist_gap"], **real["discrepancy"],
                        "note": "client wai_mean minus therapist wai_mean at attended sessions with both forms; "
                                "rounding and the 1-5 bounds make the realised gap differ a little from the latent one"},
        "early_alliance_outcome": {
            "planted_latent_correlation": PARAMS["ors"]["latent_correlation_with_alliance"],
            "realised_correlation": real["early_alliance_vs_ors_change"]["correlation"],
            "definition": "Pearson r over clients with at least 3 rated sessions and at least 2 ORS totals, between "
                          "the mean SRS total of the first 3 rated sessions and last minus first ORS total "
                          "(by session_number, attended sessions)",
            **real["early_alliance_vs_ors_change"],
        },
        "frequency": real["by_sector"],
        "completion": {"planted": PARAMS["srs"]["completion_rate"], "realised": real["completion_rate"],
                       "realised_public": real["completion_rate_public"],
                       "realised_private": real["completion_rate_private"],
                       "note": "rupture neighbourhoods are forced rated, so the realised rate is slightly above the planted one"},
        "ceiling_clients": ceiling,
        "dropouts": {"planted_dropout_clients": int(d["dropout"].sum()),
                     "clients_with_1_or_2_attended_sessions": real["clients_with_1_or_2_attended_sessions"],
                     "ongoing_at_period_end": int(d["ongoing"].sum()),
                     "note": "the realised count also includes courses that start late in 2025 and are cut at 2025-12-31"},
        "status_share": real["status_share"],
        "ors_presence_rate": real["ors_presence_rate"],
        "therapist_effect_vs_mean_srs_correlation": real["therapist_effect_vs_mean_srs_correlation"],
        "data_problems": problem_rows,
    }
    if k <= max_client_entries:
        cn = client_names.to_pylist()
        ea, rcnt = real["_early_alliance"], real["_r_cnt"]
        fo, lo = real["_first_ors"], real["_last_ors"]
        truth["clients"] = [
            {"clinic": UNIT_CLINIC[u], "site": UNIT_SITE[u] or UNIT_CLINIC[u], "client_id": cn[c],
             "therapist_id": ther_names[int(d["ther"][c])], "planted_effect": _r(d["cl_eff"][c]),
             "dropout": bool(d["dropout"][c]), "ceiling": bool(d["is_ceiling"][c]), "ongoing": bool(d["ongoing"][c]),
             "n_sessions": int(d["final_len"][c]), "n_attended": int(n_att[c]), "n_rated": int(rcnt[c]),
             "planted_ors_start": _r(d["ors_start"][c], 2), "planted_ors_change": _r(d["ors_change"][c], 2),
             "early_alliance": _r(ea[c], 3) if rcnt[c] else None,
             "first_ors": _r(fo[c], 1), "last_ors": _r(lo[c], 1)}
            for c, u in enumerate(d["unit"].tolist())]
        truth["clients"].sort(key=lambda e: (e["clinic"], e["client_id"]))
    else:
        truth["clients_omitted"] = f"{k} clients: per-client truth is written only up to {max_client_entries} clients"
    return truth


# --------------------------------------------------------------------------- public API

def generate(out_dir: Path, seed: int = 42, n_sessions: int = 15000, layout: str = "clinics") -> dict:
    """Write synthetic exports into out_dir and return the planted truth (also planted_truth.json)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    d = _build(int(seed), int(n_sessions))
    names = _names(d)
    fb_sess, fb_rater = _feedback_rows(d)
    problems = _plan_problems(d, names, fb_sess, fb_rater)
    files_info, problem_rows = _write_layout(layout, out_dir, d, names, fb_sess, fb_rater, problems)
    if layout == "clinics":
        (out_dir / "columns.toml").write_bytes(COLUMNS_TOML.encode("utf-8"))
    real = _realised(d)
    truth = _truth(d, names, layout, files_info, problem_rows, real)
    text = _to_json(json.loads(json.dumps(truth, default=_json_default)))
    (out_dir / "planted_truth.json").write_bytes((text + "\n").encode("utf-8"))
    return json.loads(text)


def _is_scalar(v) -> bool:
    return not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v))


def _to_json(o, ind: int = 0) -> str:
    """Indented JSON with each flat record (a therapist, a client, a rupture ...) on one line."""
    pad = " " * ind
    if isinstance(o, dict) and o:
        if ind and all(_is_scalar(v) for v in o.values()) and len(json.dumps(o, ensure_ascii=False)) <= 400:
            return json.dumps(o, ensure_ascii=False)
        inner = ",\n".join(f"{pad} {json.dumps(k, ensure_ascii=False)}: {_to_json(v, ind + 1)}" for k, v in o.items())
        return "{\n" + inner + "\n" + pad + "}"
    if isinstance(o, list) and o and not _is_scalar(o):
        inner = ",\n".join(f"{pad} {_to_json(v, ind + 1)}" for v in o)
        return "[\n" + inner + "\n" + pad + "]"
    return json.dumps(o, ensure_ascii=False)


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="folder to write the export files into")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--sessions", type=int, default=15000,
                        help=f"number of scheduled session rows (default 15000, at least {MIN_SESSIONS})")
    parser.add_argument("--layout", choices=LAYOUTS, default="clinics",
                        help="clinics: the two clinics' own formats (as in sample_data/); "
                             "csv or parquet: one contract-named sessions and feedback file (for benchmarks)")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        truth = generate(args.out, seed=args.seed, n_sessions=args.sessions, layout=args.layout)
    except ValueError as exc:
        import sys
        print(f"error: {exc}", file=sys.stderr)
        return 2
    c = truth["counts"]
    print(f"Wrote {len(truth['files'])} export files to {args.out} in {time.perf_counter() - started:.1f} s: "
          f"{c['sessions']} sessions, {c['client_forms'] + c['therapist_forms']} feedback forms, "
          f"{c['clients']} clients, {c['therapists']} therapists, {len(truth['data_problems'])} deliberate bad rows.")
    for f in truth["files"]:
        print(f"  {f['file']}: {f['rows']} rows, {f['bytes']} bytes")
    print(f"  planted truth: {Path(args.out) / 'planted_truth.json'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    p = argparse.ArgumentParser(description="Write synthetic Alliance Dashboard exports.")
    add_arguments(p)
    raise SystemExit(run(p.parse_args()))
