"""Models SQL cannot do well (mixed models, shrinkage, intervals), registered as named queries.

Each figure reads its rows only through `queries.run` (so the viewer's scope holds), gives the
same columns every time (an empty frame with those columns when nothing is in scope) and never
raises on small or degenerate data: it says so in its `converged` and `note` columns instead.
docs/methods_models.md explains each model in a supervisor's words.

The likelihoods and their fits are in alliance/reml.py; this module turns the store's rows into
their inputs and their results into the figures.
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager

import numpy as np
import pandas as pd
from scipy.stats import norm
from threadpoolctl import threadpool_limits

from . import queries
from .queries import Param, python_query
from .reml import Z_95, NestedFit, full_rank, random_intercept_fit_sums
from .scope import Scope
_PERIOD = (Param("start", "date"), Param("end", "date"))
# Below this many distinct therapists (or clients) a variance between them cannot be estimated.
_MIN_GROUPS = 2


# Why a model's estimates are what they are: a code per state, stored in the `status` column and
# said in the viewer's language from the locales ("model.status.<code>"); `note` keeps the
# sentence in English for the command line.
MODEL_STATUS = {
    "fitted": "",
    "boundary": "the therapist variance is estimated at zero: every therapist's estimate is the overall level",
    "few_therapists": "fewer than 2 therapists: the variation between therapists cannot be estimated",
    "one_client_each": "no therapist has more than one client: therapists and clients cannot be told apart",
    "same_intake": "every client has the same intake ORS: the case mix cannot be adjusted for",
    "no_variation": "every score is the same: there is no variation to share out",
    "one_session_each": "no client has more than one rated session: clients and sessions cannot be told apart",
    "no_session_variation": ("no client's score changes from session to session: the session variation cannot be "
                             "estimated"),
    "not_converged": "the model did not converge",
    "few_clients": ("the clinic has too few clients with 2 or more ORS (or too little spread in them) to estimate "
                    "its expected response"),
    "response_not_converged": "the clinic's expected-response model did not converge",
    "one_ors": "only one ORS: nothing to compare yet",
    "one_later": "only one ORS after the first: two in a row below the expected response are needed to judge",
    "few_judged": ("fewer than 3 therapists have enough clients to be judged: the spread between ordinary therapists "
                   "cannot be estimated, so the limits allow for chance alone"),
}


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def whole_clinics(scope: Scope) -> Scope:
    """The scope a per-clinic model is fitted in: the viewer's clinics whole, every site and therapist
    (the peer clinics, seen only as totals, play no part in a model of clients)."""
    return Scope(clinics=scope.clinics, peers=scope.peers)


def at_clinic_level(con, name: str, params: dict, scope: Scope, settings: dict, shown: str,
                    keys: list[str]) -> pd.DataFrame | None:
    """A per-clinic model's rows for a scope narrower than whole clinics: the model run (and cached) for
    the whole clinics, then filtered to the rows of the input query `shown` in the viewer's scope,
    matched on `keys`. So a client's or therapist's figures are one answer whoever looks and whatever
    site or therapist filter is set. None when the scope is whole clinics already: compute there."""
    whole = whole_clinics(scope)
    if scope == whole:
        return None
    period = {"start": params.get("start"), "end": params.get("end")}
    rows = queries.run(con, name, params, whole, settings)
    visible = queries.run_input(con, shown, period, scope, settings)
    return rows.merge(visible[keys].drop_duplicates(), on=keys, how="inner").reset_index(drop=True)


def round_half_away(values, digits: int = 2):
    """Rounded as DuckDB's round() does in the SQL figures (a half goes away from zero: 33.125 to
    33.13), not to the even neighbour as numpy does, so that one value reads the same in every figure."""
    scale = 10.0 ** digits
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.floor(np.abs(values) * scale + 0.5) / scale


def typed_frame(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The declared columns in the declared order and types, whatever the data gave."""
    out = _empty(columns) if frame.empty else frame.reindex(columns=list(columns))
    return out.astype(columns).reset_index(drop=True)


# therapist_effects and therapist_icc read the same fit: the Therapists page (and the warm-up)
# asks for both, and at ten million sessions one fit takes seconds. The last few fits are kept
# by build, period, adjustment, scope and settings, under the model cache's lock per key
# (queries._key_lock), so a second asker waits for the first instead of fitting again.
_FITS: dict[tuple, tuple] = {}
_FITS_MAX = 4
_FITS_GUARD = threading.Lock()


# The therapist fit's likelihood is some thirty dot products over the clients per evaluation.
# OpenBLAS splits each across its threads, and below a few hundred thousand clients waking
# them costs more than it saves: at a million sessions (53,000 clients) the fit and its ICC
# interval took 0.35 s with the default two threads and 0.15 s with one (wall; CPU 0.5 s
# against 0.2 s), while at ten million (530,000 clients) two threads were faster (1.65 s against
# 2.4 s). Below this many clients the fit runs single-threaded. The change of OpenBLAS's thread
# count is process-wide, so it is made under a lock: two fits never interleave a set and a
# restore (a large fit running meanwhile only runs single-threaded for that while).
SINGLE_THREAD_BLAS_BELOW = 200_000
_BLAS_LOCK = threading.Lock()


@contextmanager
def blas_threads_for(n_clients: int):
    if n_clients >= SINGLE_THREAD_BLAS_BELOW:
        yield
        return
    with _BLAS_LOCK, threadpool_limits(limits=1, user_api="blas"):
        yield


def _therapist_model(con, params: dict, scope: Scope, settings: dict):
    """The client rows in the model, the fit (None when it cannot be fitted) and a note."""
    key = ("therapist_fit", str(queries.build_file(con)), params.get("start"), params.get("end"),
           params.get("adjust"), scope, tuple(sorted((settings or {}).items())))
    with queries._key_lock(key):
        if key not in _FITS:
            result = _fit_therapist_model(con, params, scope, settings)
            with _FITS_GUARD:
                while len(_FITS) >= _FITS_MAX:
                    _FITS.pop(next(iter(_FITS)))
                _FITS[key] = result
        return _FITS[key]


def _fit_therapist_model(con, params: dict, scope: Scope, settings: dict):
    rows = queries.run_input(con, "model_client_srs", {"start": params["start"], "end": params["end"]}, scope, settings)
    rows, fit, note, status = therapist_model(rows, params.get("adjust") == "intake_ors")
    if fit is None:
        return rows, None, note, status
    with blas_threads_for(len(rows)):
        fit.fit()
    status = "not_converged" if not fit.converged else "boundary" if "therapist" in fit.boundary else "fitted"
    return rows, fit, "; ".join(x for x in (MODEL_STATUS[status], note) if x), status


def therapist_model(rows: pd.DataFrame, adjusted: bool):
    """The therapist model for the clients of model_client_srs, not yet fitted.

    Returns the client rows in the model (with their therapist's code in `_therapist`), the
    NestedFit (None when the data cannot support the model), a note (why not, or what was left
    out) and the status code (MODEL_STATUS) when it cannot be fitted ("" otherwise)."""
    note = ""
    if adjusted and len(rows):
        missing = rows["intake_ors"].isna()
        if missing.any():
            note = f"{int(missing.sum())} client(s) without an ORS in the period are left out of the adjusted model"
        rows = rows[~missing]
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return rows, None, note, ""
    key = rows["clinic"] + "\x1f" + rows["therapist_id"]
    codes, therapists = pd.factorize(key, sort=True)
    rows = rows.assign(_therapist=codes)
    X = np.ones((len(rows), 1))
    same_intake = False
    if adjusted:
        intake = rows["intake_ors"].to_numpy(dtype=float)
        same_intake = bool(np.ptp(intake) == 0)
        X = np.column_stack([X, intake - intake.mean()])
    # ln(session_number), centred on its mean over sessions, so that the intercept is the score
    # at an average point in treatment.
    n = rows["n_rated"].to_numpy(dtype=float)
    z_mean = rows["mean_log_session"].to_numpy(dtype=float)
    z_mean = z_mean - float((n * z_mean).sum() / n.sum())
    fit = NestedFit(n, rows["mean_srs"], rows["ss_within"], codes, X,
                    session_cov=(z_mean, rows["ss_log_session"], rows["sp_log_session"]))
    problem = fit_problem(fit, len(therapists), float(rows["ss_within"].sum()))
    if same_intake and problem in ("", "no_variation", "one_session_each", "no_session_variation"):
        problem = "same_intake"
    if problem:
        return rows, None, "; ".join(x for x in (MODEL_STATUS[problem], note) if x), problem
    return rows, fit, note, ""


def fit_problem(fit: NestedFit, n_therapists: int, ss_within: float) -> str:
    """Why the nested model cannot be fitted to these data (a MODEL_STATUS code), or "" when it can."""
    if n_therapists < _MIN_GROUPS:
        return "few_therapists"
    if fit.C <= n_therapists:
        return "one_client_each"
    if fit.total_var <= 0:
        return "no_variation"
    if fit.N <= fit.C:
        return "one_session_each"
    if not ss_within > 0:
        return "no_session_variation"
    return ""


THERAPIST_EFFECTS_COLUMNS = {
    "clinic": "str", "therapist_id": "str", "n_clients": "int64", "n_rated": "int64",
    "raw_mean": "float64", "estimate": "float64", "ci_low": "float64", "ci_high": "float64",
    "too_few": "bool", "rank": "Int64", "reliability": "float64", "p_above": "float64", "converged": "bool",
    "adjusted": "bool", "status": "str", "note": "str",
}


def reliability(var_therapist: float, var_client: float, var_session: float, clients, sessions_per_client):
    """How reliable a therapist's mean is with k clients of m rated sessions each (Spearman-Brown at the
    client level, as ACORN uses): var_t / (var_t + (var_c + var_e / m) / k)."""
    clients, m = np.asarray(clients, float), np.asarray(sessions_per_client, float)
    noise = (var_client + var_session / m) / clients
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var_therapist > 0, var_therapist / (var_therapist + noise), 0.0)


def clients_for_reliability(target: float, var_therapist: float, var_client: float, var_session: float,
                            sessions_per_client: float) -> float:
    """The fewest clients (of m rated sessions each) that give a therapist's mean the target reliability;
    NaN when the therapists do not differ (no caseload is enough)."""
    if not var_therapist > 0 or not 0 < target < 1:
        return math.nan
    return float(math.ceil(target / (1 - target) * (var_client + var_session / sessions_per_client) / var_therapist
                           - 1e-9))


@python_query(
    "therapist_effects",
    "Each therapist's alliance level from a random-intercept model, shrunk towards the mean, with a 95 % interval, its reliability and the probability that it lies above the average.",
    params=(*_PERIOD, Param("adjust", "choice", ("none", "intake_ors"), "none")),
    suppress="n_clients within clinic keep clinic, therapist_id",  # for exports (alliance/disclosure.py)
)
def therapist_effects(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per therapist (clinic, therapist_id) with a rated session in the period.

    The model: client SRS total = overall mean + slope x ln(session_number) [+ slope x intake
    ORS] + therapist effect + client effect + session noise, each effect normal with its own
    variance, fitted by REML on the clients' sufficient statistics (see the module docstring for
    why not MixedLM). The ln(session_number) term (centred over sessions) allows for the rise of
    alliance over the first sessions, so a therapist with many new clients is not marked down.

    Columns: clinic, therapist_id; n_clients and n_rated (clients and rated sessions in the
    model); raw_mean (plain mean SRS of the therapist's rated sessions); estimate (the shrunken
    estimate: the model's overall mean plus the therapist's BLUP, i.e. the expected session score
    of an average client of this therapist; with adjust=intake_ors, of a client with the average
    intake ORS); ci_low, ci_high (95 %, from the prediction error variance of the random effect
    plus that of the overall mean); reliability (var_t / (var_t + (var_c + var_e / m) / k) for the
    therapist's k clients of m rated sessions on average: how much of the spread of such means is
    the therapists' own); too_few (a reliability below the `min_reliability` setting, 0.7 by
    default, as in ACORN, or fewer clients than `min_clients`, a floor because the reliability rests
    on estimated variances): shown, not compared; p_above (the probability that the therapist's own level lies above the average,
    Phi(BLUP / sqrt(Var(u | data))), for the therapists not too_few: what to read instead of a rank
    (Goldstein & Spiegelhalter 1996)); rank (1 = highest estimate among the therapists not too_few;
    ties by clinic and therapist_id; kept for the command line, not shown); converged; adjusted; status (a MODEL_STATUS code: "fitted", "boundary" when the
    therapist variance is estimated at exactly zero, or why the estimates are empty); note (the
    status in English, and what was left out). When the model cannot be fitted the plain means
    are still given.

    adjust=intake_ors adds the client's first ORS total in their whole history up to the period's
    end as a fixed covariate (case mix); clients without one are then left out. The session term is
    ln(min(session_number, 8)): the rise over the first sessions, flat from session 8 on.
    """
    rows, fit, note, status = _therapist_model(con, params, scope, settings)
    if rows.empty:
        return _empty(THERAPIST_EFFECTS_COLUMNS)
    rows = rows.assign(_sum=rows["mean_srs"] * rows["n_rated"])
    per = rows.groupby("_therapist", sort=True).agg(
        clinic=("clinic", "first"), therapist_id=("therapist_id", "first"),
        n_clients=("client_id", "nunique"), n_rated=("n_rated", "sum"), _sum=("_sum", "sum"))
    per["raw_mean"] = (per["_sum"] / per["n_rated"]).round(2)
    per["too_few"] = per["n_clients"] < settings["min_clients"]
    per["adjusted"] = params.get("adjust") == "intake_ors"
    per["converged"] = bool(fit is not None and fit.converged)
    per["status"] = status
    per["note"] = note
    per["reliability"] = per["p_above"] = np.nan
    if fit is not None and fit.converged:
        index = per.index.to_numpy()
        estimate = fit.beta[0] + fit.blup[index]
        half = Z_95 * np.sqrt(fit.pev[index])
        per["estimate"] = np.round(estimate, 2)
        per["ci_low"] = np.round(estimate - half, 2)
        per["ci_high"] = np.round(estimate + half, 2)
        per["reliability"] = reliability(fit.var_therapist, fit.var_client, fit.var_session, per["n_clients"],
                                         per["n_rated"] / per["n_clients"])
        # The reliability rests on estimated variances, themselves uncertain: min_clients stays a floor.
        per["too_few"] = per["too_few"] | (per["reliability"] < settings["min_reliability"])
        with np.errstate(divide="ignore", invalid="ignore"):
            above = norm.cdf(fit.blup[index] / np.sqrt(fit.pev_effect[index]))
        per["p_above"] = np.where(per["too_few"] | ~np.isfinite(above), np.nan, np.round(above, 3))
        per["reliability"] = per["reliability"].round(3)  # judged above on the exact value
        ranked = per[~per["too_few"]].sort_values(["estimate", "clinic", "therapist_id"],
                                                  ascending=[False, True, True])
        per["rank"] = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index).reindex(per.index).astype("Int64")
    else:
        per["estimate"] = per["ci_low"] = per["ci_high"] = np.nan
        per["rank"] = pd.array([pd.NA] * len(per), dtype="Int64")
    per = per.sort_values(["clinic", "therapist_id"])
    return typed_frame(per, THERAPIST_EFFECTS_COLUMNS)


THERAPIST_ICC_COLUMNS = {
    "n_therapists": "int64", "n_clients": "int64", "n_sessions": "int64",
    "therapist_var": "float64", "client_var": "float64", "session_var": "float64",
    "icc": "float64", "icc_ci_low": "float64", "icc_ci_high": "float64", "client_icc": "float64",
    "reliable_clients": "float64", "sessions_per_client": "float64",
    "converged": "bool", "method": "str", "adjusted": "bool", "statement": "str", "status": "str", "note": "str",
}


@python_query(
    "therapist_icc",
    "How much of the variation in session alliance scores lies between therapists (and between clients): one row for the model.",
    params=(*_PERIOD, Param("adjust", "choice", ("none", "intake_ors"), "none")),
)
def therapist_icc(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row: the variance shares of the therapist-effects model (same model as therapist_effects).

    Columns: n_therapists, n_clients (client-therapist pairs), n_sessions (rated sessions) in the
    model; therapist_var, client_var, session_var (REML variance components, SRS points
    squared); icc (therapist_var over the sum of the three: the therapist share); icc_ci_low,
    icc_ci_high (approximate 95 % interval: delta method on the logit of the share, with the
    covariance of the log variances from the numerical Hessian of the restricted likelihood;
    empty when the therapist variance is estimated at zero, where that interval means nothing;
    with few therapists it is too narrow, treat it as a rough guide); client_icc (client_var over
    the total: the share between clients of the same therapist); converged; method (the optimiser
    that gave the fit, "REML, <scipy method>"); adjusted; statement (one plain sentence); status
    (as in therapist_effects); reliable_clients (the fewest clients, of sessions_per_client rated
    sessions each, the model's average, that give a therapist's mean the `min_reliability`; empty
    when the therapist variance is zero); note. An empty scope gives no row; too little data gives a row with
    converged false, empty shares, and its status and note.
    """
    rows, fit, note, status = _therapist_model(con, params, scope, settings)
    if rows.empty:
        return _empty(THERAPIST_ICC_COLUMNS)
    row = {
        "n_therapists": int(rows["_therapist"].nunique()), "n_clients": len(rows),
        "n_sessions": int(rows["n_rated"].sum()), "adjusted": params.get("adjust") == "intake_ors",
        "converged": False, "method": "", "status": status, "note": note, "statement": "",
        "therapist_var": np.nan, "client_var": np.nan, "session_var": np.nan,
        "icc": np.nan, "icc_ci_low": np.nan, "icc_ci_high": np.nan, "client_icc": np.nan,
        "reliable_clients": np.nan, "sessions_per_client": round(float(rows["n_rated"].sum()) / len(rows), 1),
    }
    if fit is None or not fit.converged:
        row["statement"] = "Too little data to say how much of the variation lies between therapists." \
            if fit is None else "The model did not converge: the shares cannot be given."
    else:
        total = fit.var_therapist + fit.var_client + fit.var_session
        with blas_threads_for(fit.C):
            low, high = fit.icc_interval()
        row.update(
            converged=True, method=f"REML, {fit.method}",
            therapist_var=round(fit.var_therapist, 4), client_var=round(fit.var_client, 4),
            session_var=round(fit.var_session, 4), icc=round(fit.var_therapist / total, 4),
            client_icc=round(fit.var_client / total, 4),
            icc_ci_low=round(low, 4) if np.isfinite(low) else np.nan,
            icc_ci_high=round(high, 4) if np.isfinite(high) else np.nan,
        )
        share = f"{100 * row['icc']:.1f}%"
        interval = f" (95% interval {100 * low:.1f}% to {100 * high:.1f}%)" if np.isfinite(low) else ""
        allowing = " and for intake ORS" if row["adjusted"] else ""
        case_mix = f" (allowing for the usual rise over the first sessions{allowing})"
        row["reliable_clients"] = clients_for_reliability(
            float(settings["min_reliability"]), fit.var_therapist, fit.var_client, fit.var_session,
            float(rows["n_rated"].sum()) / len(rows))
        row["statement"] = (
            f"{share}{interval} of the variation in session alliance scores{case_mix} lies between therapists, "
            f"{100 * row['client_icc']:.1f}% between clients of the same therapist and "
            f"{100 * (1 - row['icc'] - row['client_icc']):.1f}% between sessions of the same client."
        )
    return typed_frame(pd.DataFrame([row]), THERAPIST_ICC_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Early alliance and outcome.
# ---------------------------------------------------------------------------------------------

EARLY_ALLIANCE_COLUMNS = {
    "group": "str", "_parent": "str", "n": "int64", "_n_peer_clients": "int64", "r": "float64", "ci_low": "float64", "ci_high": "float64",
    "mean_early_alliance": "float64", "mean_ors_change": "float64", "note": "str",
}
_MIN_CORRELATION_N = 4  # Fisher's z interval needs n - 3 > 0


def fisher_interval(r: float, n: int) -> tuple[float, float]:
    """95 % interval for Pearson's r by Fisher's z transformation (NaN when n < 4 or r undefined)."""
    if n < _MIN_CORRELATION_N or not np.isfinite(r):
        return math.nan, math.nan
    if abs(r) >= 1:
        return r, r
    z, half = math.atanh(r), Z_95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


@python_query(
    "early_alliance_outcome",
    "Correlation between early alliance and ORS change per sector or clinic, with a Fisher z 95 % interval.",
    params=(*_PERIOD, Param("group", "choice", ("sector", "clinic"), "sector")),
    level="group", suppress="n peers _n_peer_clients within _parent keep group",
)
def early_alliance_outcome(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per sector (or clinic) with a client in the period.

    A client counts when their first `early_sessions` rated sessions (their whole visible
    history, contract section 6) all lie in the period and they have at least 2 ORS totals in
    the period. Early alliance is the mean SRS total of those sessions; ORS change is last minus
    first ORS in the period (as in client_outcomes). So with a period, the figure is about the
    clients who began in it: a window that starts mid-treatment does not count later sessions as
    early ones. Columns: group; n (clients counted); r (Pearson correlation,
    rounded to 3 decimals; empty when n < 4 or when either measure does not vary); ci_low, ci_high
    (95 %, Fisher z: tanh(atanh(r) +- 1.96 / sqrt(n - 3))); mean_early_alliance; mean_ors_change;
    note. A client's group is the sector (clinic) of their latest attended session in the period.
    parent is the clinic's sector ('' for sectors) and n_peer_clients the counted clients of clinics
    other than the viewer's own (params `own_clinics`, None for all: alliance/disclosure.py).
    """
    clients = queries.run_input(con, "model_early_alliance", {"start": params["start"], "end": params["end"]},
                          scope, settings)
    if clients.empty:
        return _empty(EARLY_ALLIANCE_COLUMNS)
    group_col = "clinic" if params.get("group") == "clinic" else "sector"
    counted = clients["early_alliance"].notna() & (clients["n_ors"] >= 2)
    own = params.get("own_clinics")
    peer = ~clients["clinic"].isin(own) if own is not None else pd.Series(False, index=clients.index)
    clients = clients.assign(change=clients["last_ors"] - clients["first_ors"], counted=counted, peer=peer)
    out = []
    for group, part in clients.groupby(group_col, sort=True):
        used = part[part["counted"]]
        n = len(used)
        row = {"group": group, "_parent": part["sector"].iloc[-1] if group_col == "clinic" else "", "n": n,
               "_n_peer_clients": int(used["peer"].sum()), "r": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "mean_early_alliance": round(float(used["early_alliance"].mean()), 2) if n else np.nan,
               "mean_ors_change": round(float(used["change"].mean()), 2) if n else np.nan, "note": ""}
        if n < _MIN_CORRELATION_N:
            row["note"] = f"fewer than {_MIN_CORRELATION_N} clients with {settings['early_sessions']} rated sessions and 2 ORS"
        elif used["early_alliance"].std() == 0 or used["change"].std() == 0:
            row["note"] = "early alliance or ORS change does not vary: no correlation"
        else:
            r = float(np.corrcoef(used["early_alliance"], used["change"])[0, 1])
            low, high = fisher_interval(r, n)
            row.update(r=round(r, 3), ci_low=round(low, 3), ci_high=round(high, 3))
        out.append(row)
    return typed_frame(pd.DataFrame(out), EARLY_ALLIANCE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Expected treatment response.
# ---------------------------------------------------------------------------------------------


TREATMENT_RESPONSE_COLUMNS = {
    "clinic": "str", "client_id": "str", "therapist_id": "str", "n_ors": "int64",
    "intake_ors": "float64", "session_number": "Int64", "ors": "float64",
    "expected_ors": "float64", "lower_band": "float64", "n_below": "Int64", "not_on_track": "boolean",
    "not_on_track_since": "datetime64[us]", "status": "str", "note": "str",
}
# Two later ORS in a row below the band make a client not on track: one low score is too often noise.
TRACK_RUN = 2


def _response_design(intake, elapsed) -> np.ndarray:
    log_time = np.log1p(np.asarray(elapsed, float))
    intake = np.asarray(intake, float)
    return np.column_stack([np.ones_like(intake), intake, log_time, intake * log_time])


def _response_sums(later: pd.DataFrame):
    """The model's cross-products from per-client sums (model_ors_clients), for the design of _response_design.

    A client with intake I has rows x = (1, I, t, I t) for their later ORS y, so their column sums are
    (n, I n, S_t, I S_t) and every entry of X'X and X'y is a per-client sum times a power of I.
    """
    I = later["intake_ors"].to_numpy(float)
    n, t, tt = (later[c].to_numpy(float) for c in ("n_later", "s_t", "s_tt"))
    y, ty, yy = (later[c].to_numpy(float) for c in ("s_y", "s_ty", "s_yy"))
    sx = np.column_stack([n, I * n, t, I * t])
    # X'X[j, k] = sum over clients of I^(a_j + a_k) times the client's sum of t^(b_j + b_k),
    # with column j = I^a_j t^b_j: (a, b) = (0, 0), (1, 0), (0, 1), (1, 1).
    powers = [(0, 0), (1, 0), (0, 1), (1, 1)]
    t_sums = {0: n, 1: t, 2: tt}
    XtX = np.array([[float((I ** (aj + ak) * t_sums[bj + bk]).sum()) for ak, bk in powers] for aj, bj in powers])
    ty_sums = {0: y, 1: ty}
    Xty = np.array([float((I ** a * ty_sums[b]).sum()) for a, b in powers])
    return float(n.sum()), XtX, Xty, float(yy.sum()), sx


def clinic_response_fit(later: pd.DataFrame, settings: dict) -> dict | None:
    """One clinic's expected-response model from its clients' sums (model_ors_clients rows with a
    later ORS); None when it has too few clients, rows or spread for the model."""
    n_rows, XtX, Xty, yty, sx = _response_sums(later)
    if len(later) < max(settings["min_clients"], _MIN_GROUPS) or n_rows < XtX.shape[0] + 2 or not full_rank(XtX):
        return None
    return random_intercept_fit_sums(later["n_later"].to_numpy(float), sx, later["s_y"].to_numpy(float), XtX, Xty, yty)


def response_fits(con, period: dict, scope: Scope, settings: dict) -> tuple[pd.DataFrame, pd.Series, dict]:
    """Each clinic's expected-response model, fitted on every client of the clinic up to the period's end.

    Returns the model_ors_clients rows (in clinic, client order), each row's status ("fitted", or why
    its clinic has no model: "few_clients", "response_not_converged") and clinic -> coefficients."""
    every = queries.run_input(con, "model_ors_clients", period, scope, settings)
    status = pd.Series("fitted", index=every.index, dtype=object)
    has_later = every["n_later"] > 0
    fits: dict[str, np.ndarray] = {}
    for clinic, rows in every.groupby("clinic", sort=True):
        fit = clinic_response_fit(rows[has_later[rows.index]], settings)
        if fit is None or not fit["converged"]:
            status[rows.index] = "few_clients" if fit is None else "response_not_converged"
            continue
        fits[clinic] = np.asarray(fit["beta"], float)
    return every, status, fits


def coefficients(fits: dict) -> dict:
    """The fitted clinics' coefficients as the list parameters of ors_track_states."""
    names = list(fits)
    b = np.stack([fits[c] for c in names])
    return {"clinics": names, "intercepts": b[:, 0].tolist(), "intake_slopes": b[:, 1].tolist(),
            "time_slopes": b[:, 2].tolist(), "interactions": b[:, 3].tolist()}


@python_query(
    "treatment_response",
    "Each client's latest ORS against the response expected from their intake ORS, estimated from their clinic's own clients.",
    params=_PERIOD,
    per_clinic=True,  # each clinic's model from its own clients
)
def treatment_response(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per client with at least one ORS total in the period.

    The expected treatment response, in a supervisor's words: from the clinic's own clients we
    learn how ORS scores usually move after intake for someone who started at a given ORS
    (clients who start low tend to gain more). For every later ORS the model is

        ORS = b0 + b1 intake + (b2 + b3 intake) ln(1 + sessions since intake) + client + noise,

    fitted per clinic by REML with a random intercept per client, on every client of the clinic up to
    the period's end, whatever site or therapist the scope narrows to (at_clinic_level). The intake is
    the client's first ORS in their whole history, not the first in the period ("sessions since
    intake" is the session_number difference to it). The expected ORS of a client is the model's
    value for their intake ORS at their latest ORS's session. The lower band is the expected value
    plus the `track_band` per cent quantile (10 %) of the clinic's residuals at that many sessions
    since intake (model_ors_track): about one in ten of the clinic's scores at that point fall below it.

    Columns: clinic, client_id, therapist_id (of the client's latest attended session in the
    period), n_ors (up to the period's end), intake_ors, session_number and ors (the client's latest
    ORS), expected_ors, lower_band, n_below (how many later ORS in a row, up to the latest, lie below
    their band), not_on_track (n_below >= 2: the last two lie below; empty with fewer than two later
    ORS or when the clinic's model could not be fitted), not_on_track_since (the first ORS of that
    run), status (a MODEL_STATUS code: "fitted", "one_ors", "one_later", or why the clinic has no
    model: "few_clients", "response_not_converged"), note (the status in English).
    A clinic needs at least `min_clients` clients with 2 or more ORS for its model.
    """
    narrowed = at_clinic_level(con, "treatment_response", params, scope, settings, "model_scope_clients",
                               ["clinic", "client_id"])
    if narrowed is not None:
        return typed_frame(narrowed, TREATMENT_RESPONSE_COLUMNS)
    period = {"start": params["start"], "end": params["end"]}
    every, status, fits = response_fits(con, period, scope, settings)
    if not every["in_period"].any():
        return _empty(TREATMENT_RESPONSE_COLUMNS)
    latest = every[every["in_period"]].reset_index(drop=True)
    status = status[every["in_period"]].reset_index(drop=True)
    track = pd.DataFrame(columns=["clinic", "client_id", "expected_ors", "lower_band", "n_below", "since"])
    if fits:
        # Every fitted clinic's band and run of low scores in one pass over its ORS (each with its own coefficients).
        track = queries.run_input(con, "model_ors_track", {"end": params["end"], **coefficients(fits)}, scope,
                                  settings)
    latest = latest.merge(track[["clinic", "client_id", "expected_ors", "lower_band", "n_below", "since"]],
                          on=["clinic", "client_id"], how="left")
    judged = latest["n_later"].to_numpy() >= TRACK_RUN
    judged &= latest["lower_band"].notna().to_numpy()
    low = latest["n_below"].fillna(0).to_numpy() >= TRACK_RUN
    flag = pd.arrays.BooleanArray(low & judged, ~judged)  # empty where nothing is compared
    status[(latest["n_ors"] < 2).to_numpy() & (status == "fitted").to_numpy()] = "one_ors"
    status[(latest["n_later"] < TRACK_RUN).to_numpy() & (status == "fitted").to_numpy()] = "one_later"
    since = pd.to_datetime(latest["since"]).where(pd.Series(low & judged))
    latest = latest.assign(not_on_track=flag, not_on_track_since=since, status=status.to_numpy(),
                           note=status.map(MODEL_STATUS).to_numpy())
    return typed_frame(latest, TREATMENT_RESPONSE_COLUMNS)
