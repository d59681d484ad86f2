"""Caseload flags per client for supervision: the SQL signals plus the model-based 'not on track'."""
from __future__ import annotations

import pandas as pd

from . import queries
from .queries import Param, python_query
from .scope import Scope
from .stats import at_clinic_level

# How much each flag weighs in the order of concern (the supervision agenda): outcome
# signals first, then alliance signals, then signals about the feedback itself.
CONCERN_WEIGHTS = {
    "deteriorated": 5,
    "not_on_track": 4,
    "rupture_flag": 3,
    "low_alliance": 2,
    "large_discrepancy": 2,
    "no_recent_feedback": 1,
    "ceiling": 1,
}
FLAGS = tuple(CONCERN_WEIGHTS)
# The column that says since when each flag has been raised (the date of the first session of the run).
SINCE = {
    "deteriorated": "deteriorated_since",
    "not_on_track": "not_on_track_since",
    "rupture_flag": "rupture_since",
    "low_alliance": "low_alliance_since",
    "large_discrepancy": "discrepancy_since",
    "no_recent_feedback": "no_feedback_since",
    "ceiling": "ceiling_since",
}


@python_query(
    "caseload_flags",
    "Every client in the period with each supervision flag and an order of concern.",
    params=(Param("start", "date"), Param("end", "date")),
    per_clinic=True,  # per-client signals, and the expected treatment response is fitted per clinic
)
def caseload_flags(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per client with an attended session in the period.

    Flags (client_signals and treatment_response; docs/methods.md "Caseload flags"), each about the
    client's latest state and judged on their whole history up to the period's end: deteriorated
    (the latest ORS at least `ors_rci` below the first ORS ever); not on track (the last two ORS
    below the expected response's band); a recent reliable rupture not repaired; low alliance (below
    `srs_cutoff` and a reliable fall from the client's own level); a large discrepancy (client and
    therapist WAI-SR means at least one point apart at the latest session both rated); no client
    feedback in the last three attended sessions; a ceiling (40 at each of the last 3 rated
    sessions: the feedback carries no signal). `<flag>_since` (SINCE) says since when each is raised.
    `concern` weighs the flags (CONCERN_WEIGHTS);
    `n_flags` counts them; `on_track_status` is treatment_response's status for the client (a
    MODEL_STATUS code; empty without an ORS in the period), so that a page can say when not on
    track could not be judged; `active` says whether the client's latest attended session lies at
    most `active_weeks` weeks before the period's end (or the store's last session day): supervision
    lists active clients by default. Sorted by concern, then by the last session date.
    """
    narrowed = at_clinic_level(con, "caseload_flags", params, scope, settings, "model_scope_clients",
                               ["clinic", "client_id"])
    if narrowed is not None:  # the clinic's levels and bands, whatever site or therapist is chosen
        return narrowed
    signals = queries.run(con, "client_signals", params, scope, settings)
    response = queries.run(con, "treatment_response", params, scope, settings)
    on_track = response[["clinic", "client_id", "not_on_track", "not_on_track_since", "status"]].rename(
        columns={"status": "on_track_status"})
    frame = signals.merge(on_track, on=["clinic", "client_id"], how="left")
    frame["on_track_status"] = frame["on_track_status"].fillna("").astype(str)
    frame["not_on_track"] = frame["not_on_track"].astype("boolean").fillna(False).astype(bool)
    for flag in FLAGS:
        frame[flag] = frame[flag].astype(bool)
    frame["n_flags"] = frame[list(FLAGS)].sum(axis=1).astype("int64")
    frame["concern"] = sum(frame[f].astype("int64") * w for f, w in CONCERN_WEIGHTS.items()).astype("int64") \
        if len(frame) else pd.Series(dtype="int64")
    frame["active"] = _active(con, frame["last_session_date"], params.get("end"), settings)
    frame = frame.sort_values(["concern", "last_session_date", "clinic", "client_id"],
                              ascending=[False, False, True, True], kind="stable").reset_index(drop=True)
    columns = ["clinic", "client_id", "therapist_id", "site", "sector", "n_sessions", "n_rated", "last_session_date",
               "last_srs", "ors_change", "last_discrepancy", "n_open_ruptures", "n_unrepaired_ruptures",
               *FLAGS, "n_flags", "concern", "on_track_status", "active", "reliable_drop", *SINCE.values()]
    return frame[columns]


def _active(con, last_session: pd.Series, end, settings: dict) -> pd.Series:
    """Whether each client's latest attended session lies at most `active_weeks` weeks (7 days each)
    before the reference day: the period's end, or the whole store's last session day, so a client is
    active or not whoever looks."""
    if end is None:
        span = queries.run(con, "data_span")
        end = span["last_date"].iloc[0] if len(span) else None
    if end is None or pd.isna(end):
        return pd.Series(True, index=last_session.index)
    since = pd.Timestamp(end) - pd.Timedelta(days=7 * float(settings["active_weeks"]))
    return (pd.to_datetime(last_session) >= since).astype(bool)

