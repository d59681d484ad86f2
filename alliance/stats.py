"""Models SQL cannot do well (mixed models, shrinkage, intervals), registered as named queries.

Each figure reads its rows only through `queries.run` (so the viewer's scope holds), gives the
same columns every time (an empty frame with those columns when nothing is in scope) and never
raises on small or degenerate data: it says so in its `converged` and `note` columns instead.
docs/methods_models.md explains each model in a supervisor's words.

Why the variance-component models are fitted here and not with statsmodels' MixedLM: with
sessions nested in clients nested in therapists, MixedLM needs one variance-component column per
client inside each therapist's block, and its likelihood loops over therapists in Python;
measured here, 300 therapists (141,000 rated sessions) take 15 s and the time grows faster than
the data, so a million sessions (1,666 therapists, 53,000 clients) would take about two minutes
per fit, against about a second for the fit below. The same
restricted likelihood (REML) can be written exactly in terms of per-client counts, means and
within-client sums of squares (the client mean and the within-client deviations are independent
under the model), which DuckDB computes and which makes one likelihood evaluation a few
vectorised sums over clients. tests/test_stats.py checks the result against MixedLM with
`vc_formula` on a small store.
"""
from __future__ import annotations

import math
import threading
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

from . import queries
from .queries import Param, python_query
from .scope import Scope

Z_95 = 1.959963984540054
_PERIOD = (Param("start", "date"), Param("end", "date"))
# Below this many distinct therapists (or clients) a variance between them cannot be estimated.
_MIN_GROUPS = 2


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The declared columns in the declared order and types, whatever the data gave."""
    out = _empty(columns) if frame.empty else frame.reindex(columns=list(columns))
    return out.astype(columns).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The nested random-intercept model: session scores in clients in therapists.
# ---------------------------------------------------------------------------------------------


class NestedFit:
    """REML fit of y = Xb + therapist + client + session noise, from per-client sufficient statistics.

    n, mean, ss: per client unit, the number of scores, their mean and the sum of squared
    deviations from it; therapist: an integer code per client unit; X: client-level fixed effects
    (first column the intercept). Variances are optimised on the log scale within bounds set by
    the total variance; a variance that ends at its lower bound is reported as zero.
    """

    def __init__(self, n, mean, ss, therapist, X, session_cov=None):
        self.n = np.asarray(n, dtype=float)
        self.mean = np.asarray(mean, dtype=float)
        self.ss = np.asarray(ss, dtype=float)
        self.therapist = np.asarray(therapist, dtype=np.int64)
        self.X = np.asarray(X, dtype=float)
        # A session-level covariate z enters through its client means (between clients, as a
        # column of X) and its pooled within-client sums of squares and cross-products with y.
        self.s_zz = self.s_zy = 0.0
        if session_cov is not None:
            z_mean, z_ss, zy_sp = (np.asarray(v, dtype=float) for v in session_cov)
            self.X = np.column_stack([self.X, z_mean])
            self.s_zz, self.s_zy = float(z_ss.sum()), float(zy_sp.sum())
        self.within_cov = session_cov is not None
        self._cols = [np.ascontiguousarray(self.X[:, j]) for j in range(self.X.shape[1])]
        self._inv_n = 1.0 / self.n
        self.n_therapists = int(self.therapist.max()) + 1 if len(self.therapist) else 0
        self.N = float(self.n.sum())
        self.C = len(self.n)
        self.ssw = float(self.ss.sum())
        grand = float((self.n * self.mean).sum() / self.N) if self.N else math.nan
        ssb = float((self.n * (self.mean - grand) ** 2).sum())
        self.total_var = (self.ssw + ssb) / (self.N - 1) if self.N > 1 else 0.0
        self.converged = False
        self.method = ""
        self.note = ""

    def _gls(self, theta):
        """The GLS estimate at theta and the per-client and per-therapist pieces it is built from.

        V^-1 on one therapist's client means is W - sigma_t^2 k w w' (W = diag(w), w = 1 / (sigma_c^2
        + sigma_e^2 / n), k = 1 / (1 + sigma_t^2 sum(w))), so every product with V^-1 is a weighted
        sum over clients less a correction from per-therapist sums. The columns of X are kept as
        separate vectors: with at most three of them, plain dot products beat matrix products on
        tall, thin arrays.
        """
        vt, vc, ve = np.exp(theta)
        g, T, cols, y = self.therapist, self.n_therapists, self._cols, self.mean
        w = 1.0 / (vc + ve * self._inv_n)
        s = np.bincount(g, weights=w, minlength=T)  # per therapist: sum of w
        k = 1.0 / (1.0 + vt * s)
        w_cols = [w * x for x in cols]
        sums = [np.bincount(g, weights=wx, minlength=T) for wx in w_cols]  # per therapist: sum of w x
        wy = w * y
        sum_y = np.bincount(g, weights=wy, minlength=T)
        k_sums = [vt * k * sx for sx in sums]
        p = len(cols)
        XtVX = np.empty((p, p))
        for a in range(p):
            for b in range(a, p):
                XtVX[a, b] = XtVX[b, a] = w_cols[a] @ cols[b] - k_sums[a] @ sums[b]
        XtVy = np.array([w_cols[a] @ y - k_sums[a] @ sum_y for a in range(p)])
        yVy = float(wy @ y - (vt * k * sum_y) @ sum_y) + self.ssw / ve
        if self.within_cov:
            XtVX[-1, -1] += self.s_zz / ve
            XtVy[-1] += self.s_zy / ve
        beta = np.linalg.solve(XtVX, XtVy)
        quad = yVy - float(XtVy @ beta)
        return beta, XtVX, quad, (vt, vc, ve, w, k, s, sums, sum_y)

    def objective(self, theta) -> float:
        """-2 x restricted log-likelihood, without constants."""
        return self.objective_and_gradient(theta, gradient=False)[0]

    def objective_and_gradient(self, theta, gradient: bool = True):
        """-2 x restricted log-likelihood and (unless gradient is False) its gradient in theta = log(variances).

        The gradient is the REML score, tr(P dV) - r'V^-1 dV V^-1 r for each variance, written in
        per-therapist sums (V is block-diagonal: D + sigma_t^2 11' per therapist on the client
        means, sigma_e^2 I on the within-client deviations), so it costs a few more passes over
        the clients than the value alone and spares the optimiser three evaluations per step
        (tests/test_stats.py checks it against differences of the objective).
        """
        failed = (1e300, np.zeros(3))
        try:
            beta, XtVX, quad, (vt, vc, ve, w, k, s, sums, sum_y) = self._gls(theta)
        except np.linalg.LinAlgError:
            return failed
        sign, logdet_xvx = np.linalg.slogdet(XtVX)
        if sign <= 0 or not np.isfinite(quad):
            return failed
        logdet_v = float(-np.log(w).sum() - np.log(k).sum())
        value = logdet_v + (self.N - self.C) * theta[2] + quad + logdet_xvx
        if not gradient:
            return value, None
        try:
            M = np.linalg.inv(XtVX)
        except np.linalg.LinAlgError:
            return failed
        g, T, cols, inv_n = self.therapist, self.n_therapists, self._cols, self._inv_n
        p = len(cols)
        # u = V^-1 r on the client means: w (r - sigma_t^2 k R), R a therapist's sum of w r; U its
        # per-therapist sums (k R).
        R = sum_y - sum(b * sx for b, sx in zip(beta, sums))
        r = self.mean - sum(b * x for b, x in zip(beta, cols))
        u = w * (r - (vt * k * R)[g])
        U = k * R
        within_rss = self.ssw
        if self.within_cov:
            bz = beta[-1]
            within_rss = self.ssw - 2.0 * bz * self.s_zy + bz * bz * self.s_zz
        # V^-1 X the same way, column by column; its per-therapist sums are k times the sums of w x.
        Z = [w * (x - (vt * k * sx)[g]) for x, sx in zip(cols, sums)]
        Z_n = [z * inv_n for z in Z]
        S = [k * sx for sx in sums]
        G = np.empty((3, p, p))
        for a in range(p):
            for b in range(a, p):
                G[:, a, b] = G[:, b, a] = (S[a] @ S[b], Z[a] @ Z[b], Z[a] @ Z_n[b])
        if self.within_cov:
            G[2, -1, -1] += self.s_zz / (ve * ve)
        w2 = w * w
        trace = np.array([
            float(s @ k),
            float(w.sum() - vt * (np.bincount(g, weights=w2, minlength=T) @ k)),
            float(w @ inv_n - vt * (np.bincount(g, weights=w2 * inv_n, minlength=T) @ k) + (self.N - self.C) / ve),
        ])
        correction = (G * M).sum(axis=(1, 2))
        squares = np.array([float(U @ U), float(u @ u), float(u @ (u * inv_n)) + within_rss / (ve * ve)])
        grad = np.array([vt, vc, ve]) * (trace - correction - squares)
        if not np.all(np.isfinite(grad)):
            return failed
        return value, grad

    def fit(self) -> "NestedFit":
        v = self.total_var
        self.lower = math.log(v * 1e-6)
        bounds = [(self.lower, math.log(v * 100))] * 3
        ve0 = self.ssw / (self.N - self.C) if self.N > self.C and self.ssw > 0 else v / 3
        between = max(v - ve0, v * 0.1)
        start = np.log([between / 2, between / 2, max(ve0, v * 1e-3)])
        start = np.clip(start, self.lower + 1, None)
        # L-BFGS-B with the analytic gradient first; the derivative-free methods only if it fails.
        attempts = [("L-BFGS-B", {"ftol": 1e-12, "gtol": 1e-8}), ("Powell", {"xtol": 1e-8, "ftol": 1e-12}),
                    ("Nelder-Mead", {"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-10})]
        best, problems = None, []
        for method, options in attempts:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if method == "L-BFGS-B":
                    result = optimize.minimize(self.objective_and_gradient, start, method=method, jac=True,
                                               bounds=bounds, options=options)
                else:
                    result = optimize.minimize(self.objective, start, method=method, bounds=bounds,
                                               options=options)
            ok = bool(result.success) and np.isfinite(result.fun) and result.fun < 1e299
            if caught:
                problems.append(f"{method}: {caught[0].message}")
            if best is None or (np.isfinite(result.fun) and result.fun < best[0].fun - 1e-9):
                best = (result, method, ok)
            if ok and not caught:
                break
            start = result.x if np.isfinite(result.fun) and result.fun < 1e299 else start
        result, self.method, self.converged = best
        self.theta = np.asarray(result.x, dtype=float)
        if not self.converged:
            self.note = "the model did not converge" + (f" ({problems[-1]})" if problems else "")
        self.beta, XtVX, _, (vt, vc, ve, w, _, s, _, _) = self._gls(self.theta)
        at_zero = self.theta <= self.lower + 0.5
        self.var_therapist = 0.0 if at_zero[0] else float(vt)
        self.var_client = 0.0 if at_zero[1] else float(vc)
        self.var_session = float(ve)
        self.beta_cov = np.linalg.inv(XtVX)
        # BLUP of each therapist's intercept and its prediction error variance (including the
        # uncertainty of the intercept: for an intercept-only model exactly sigma_t^2 k + k^2 var(b0)).
        r = self.mean - self.X @ self.beta
        sum_wr = np.bincount(self.therapist, weights=w * r, minlength=self.n_therapists)
        vt_used = self.var_therapist
        k = 1.0 / (1.0 + vt_used * s)
        self.blup = vt_used * k * sum_wr
        self.pev = vt_used * k + k * k * self.beta_cov[0, 0]
        return self

    def icc_interval(self) -> tuple[float, float]:
        """Delta-method 95 % interval for the therapist share on the logit scale (NaN when at zero)."""
        if self.var_therapist <= 0 or not self.converged:
            return math.nan, math.nan
        H = _hessian(self.objective, self.theta)
        try:
            cov = 2.0 * np.linalg.inv(H)
        except np.linalg.LinAlgError:
            return math.nan, math.nan
        e = np.exp(self.theta)
        grad = np.array([1.0, -e[1] / (e[1] + e[2]), -e[2] / (e[1] + e[2])])
        var = float(grad @ cov @ grad)
        if not np.isfinite(var) or var <= 0:
            return math.nan, math.nan
        logit = self.theta[0] - math.log(e[1] + e[2])
        half = Z_95 * math.sqrt(var)
        return _expit(logit - half), _expit(logit + half)


def _expit(x: float) -> float:
    return float(special.expit(x))


def _hessian(f, x, step: float = 1e-3) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * step * step)
    return H


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
    adjusted = params.get("adjust") == "intake_ors"
    note = ""
    if adjusted and len(rows):
        missing = rows["intake_ors"].isna()
        if missing.any():
            note = f"{int(missing.sum())} client(s) without an ORS in the period are left out of the adjusted model"
        rows = rows[~missing]
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return rows, None, note
    key = rows["clinic"] + "\x1f" + rows["therapist_id"]
    codes, therapists = pd.factorize(key, sort=True)
    rows = rows.assign(_therapist=codes)
    problem = ""
    if len(therapists) < _MIN_GROUPS:
        problem = "fewer than 2 therapists: the variation between therapists cannot be estimated"
    elif len(rows) <= len(therapists):
        problem = "no therapist has more than one client: therapists and clients cannot be told apart"
    X = np.ones((len(rows), 1))
    if adjusted:
        intake = rows["intake_ors"].to_numpy(dtype=float)
        if not problem and np.ptp(intake) == 0:
            problem = "every client has the same intake ORS: the case mix cannot be adjusted for"
        X = np.column_stack([X, intake - intake.mean()])
    # ln(session_number), centred on its mean over sessions, so that the intercept is the score
    # at an average point in treatment.
    n = rows["n_rated"].to_numpy(dtype=float)
    z_mean = rows["mean_log_session"].to_numpy(dtype=float)
    z_mean = z_mean - float((n * z_mean).sum() / n.sum())
    fit = NestedFit(n, rows["mean_srs"], rows["ss_within"], codes, X,
                    session_cov=(z_mean, rows["ss_log_session"], rows["sp_log_session"]))
    if not problem and fit.total_var <= 0:
        problem = "every score is the same: there is no variation to share out"
    if problem:
        return rows, None, "; ".join(x for x in (problem, note) if x)
    with blas_threads_for(len(rows)):
        fit.fit()
    return rows, fit, "; ".join(x for x in (fit.note, note) if x)


THERAPIST_EFFECTS_COLUMNS = {
    "clinic": "str", "therapist_id": "str", "n_clients": "int64", "n_rated": "int64",
    "raw_mean": "float64", "estimate": "float64", "ci_low": "float64", "ci_high": "float64",
    "too_few": "bool", "rank": "Int64", "converged": "bool", "adjusted": "bool", "note": "str",
}


@python_query(
    "therapist_effects",
    "Each therapist's alliance level from a random-intercept model, shrunk towards the mean, with a 95 % interval and a rank.",
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
    plus that of the overall mean); too_few (fewer clients than the `min_clients` setting: shown,
    not ranked); rank (1 = highest estimate among the therapists not too_few; ties by clinic and
    therapist_id); converged; adjusted; note (why estimates are empty, or what was left out).

    adjust=intake_ors adds the client's first ORS total in the period as a fixed covariate
    (case mix); clients without an ORS in the period are then left out.
    """
    rows, fit, note = _therapist_model(con, params, scope, settings)
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
    per["note"] = note
    if fit is not None and fit.converged:
        estimate = fit.beta[0] + fit.blup[per.index.to_numpy()]
        half = Z_95 * np.sqrt(fit.pev[per.index.to_numpy()])
        per["estimate"] = np.round(estimate, 2)
        per["ci_low"] = np.round(estimate - half, 2)
        per["ci_high"] = np.round(estimate + half, 2)
        ranked = per[~per["too_few"]].sort_values(["estimate", "clinic", "therapist_id"],
                                                  ascending=[False, True, True])
        per["rank"] = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index).reindex(per.index).astype("Int64")
    else:
        per["estimate"] = per["ci_low"] = per["ci_high"] = np.nan
        per["rank"] = pd.array([pd.NA] * len(per), dtype="Int64")
    per = per.sort_values(["clinic", "therapist_id"])
    return _typed(per, THERAPIST_EFFECTS_COLUMNS)


THERAPIST_ICC_COLUMNS = {
    "n_therapists": "int64", "n_clients": "int64", "n_sessions": "int64",
    "therapist_var": "float64", "client_var": "float64", "session_var": "float64",
    "icc": "float64", "icc_ci_low": "float64", "icc_ci_high": "float64", "client_icc": "float64",
    "converged": "bool", "method": "str", "adjusted": "bool", "statement": "str", "note": "str",
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
    that gave the fit, "REML, <scipy method>"); adjusted; statement (one plain sentence); note.
    An empty scope gives no row; too little data gives a row with converged false and a note.
    """
    rows, fit, note = _therapist_model(con, params, scope, settings)
    if rows.empty:
        return _empty(THERAPIST_ICC_COLUMNS)
    row = {
        "n_therapists": int(rows["_therapist"].nunique()), "n_clients": len(rows),
        "n_sessions": int(rows["n_rated"].sum()), "adjusted": params.get("adjust") == "intake_ors",
        "converged": False, "method": "", "note": note, "statement": "",
        "therapist_var": np.nan, "client_var": np.nan, "session_var": np.nan,
        "icc": np.nan, "icc_ci_low": np.nan, "icc_ci_high": np.nan, "client_icc": np.nan,
    }
    if fit is None:
        row["statement"] = "Too little data to say how much of the variation lies between therapists."
    else:
        total = fit.var_therapist + fit.var_client + fit.var_session
        with blas_threads_for(fit.C):
            low, high = fit.icc_interval()
        row.update(
            converged=fit.converged, method=f"REML, {fit.method}",
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
        row["statement"] = (
            f"{share}{interval} of the variation in session alliance scores{case_mix} lies between therapists, "
            f"{100 * row['client_icc']:.1f}% between clients of the same therapist and "
            f"{100 * (1 - row['icc'] - row['client_icc']):.1f}% between sessions of the same client."
        )
        if fit.var_therapist == 0:
            row["note"] = "; ".join(x for x in ("the therapist variance is estimated at zero: no interval", note) if x)
        if not fit.converged:
            row["statement"] = "The model did not converge; the shares below are not reliable. " + row["statement"]
    return _typed(pd.DataFrame([row]), THERAPIST_ICC_COLUMNS)


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
    return _typed(pd.DataFrame(out), EARLY_ALLIANCE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Expected treatment response.
# ---------------------------------------------------------------------------------------------


def random_intercept_fit_sums(n, sx, sy, XtX, Xty, yty: float) -> dict:
    """REML fit of y = Xb + group intercept + noise, from its sufficient statistics (exact, any group sizes).

    Returns beta, var_group, var_resid, converged. The variance ratio is found by a bounded
    one-dimensional search; the residual variance is profiled out.

    n: rows per group; sx: per-group column sums of X (groups x p); sy: per-group sums of y;
    XtX, Xty, yty: the cross-products over all rows. The model's likelihood depends on the rows
    only through these, so a fit from sums computed in SQL equals the fit from the rows.
    """
    n, sx, sy = np.asarray(n, float), np.asarray(sx, float), np.asarray(sy, float)
    XtX, Xty = np.asarray(XtX, float), np.asarray(Xty, float)
    N, p = float(n.sum()), XtX.shape[0]

    def solve(log_ratio):
        lam = math.exp(log_ratio)
        c = lam / (1.0 + lam * n)
        A = XtX - (c[:, None] * sx).T @ sx
        b = Xty - (c * sy) @ sx
        beta = np.linalg.solve(A, b)
        q = yty - float((c * sy) @ sy) - float(b @ beta)
        return beta, A, q, lam

    def objective(log_ratio):
        try:
            beta, A, q, lam = solve(log_ratio)
        except np.linalg.LinAlgError:
            return 1e300
        sign, logdet = np.linalg.slogdet(A)
        if sign <= 0 or q <= 0:
            return 1e300
        return (N - p) * math.log(q / (N - p)) + float(np.log1p(lam * n).sum()) + logdet

    result = optimize.minimize_scalar(objective, bounds=(-12.0, 8.0), method="bounded")
    beta, _, q, lam = solve(result.x)
    var_resid = q / (N - p)
    at_zero = result.x <= -11.5
    return {"beta": beta, "var_resid": var_resid, "var_group": 0.0 if at_zero else lam * var_resid,
            "converged": bool(result.success) and result.fun < 1e299}


def full_rank(XtX, tol: float = 1e-10) -> bool:
    """Whether a design X has full column rank, judged from X'X alone.

    X'X is scaled to unit diagonal first (so the columns' units do not matter); a scaled
    eigenvalue below `tol` (a singular value of the scaled X below about 1e-5) counts as zero.
    """
    XtX = np.asarray(XtX, float)
    d = np.sqrt(np.diag(XtX))
    if not np.all(np.isfinite(XtX)) or np.any(d <= 0):
        return False
    eig = np.linalg.eigvalsh(XtX / np.outer(d, d))
    return bool(eig.min() > tol * eig.max())


TREATMENT_RESPONSE_COLUMNS = {
    "clinic": "str", "client_id": "str", "therapist_id": "str", "n_ors": "int64",
    "intake_ors": "float64", "session_number": "Int64", "ors": "float64",
    "expected_ors": "float64", "lower_band": "float64", "not_on_track": "boolean", "note": "str",
}
_BAND_QUANTILE = 0.25


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

    fitted per clinic by REML with a random intercept per client ("sessions since intake" is the
    session_number difference to the client's first ORS in the period). The expected ORS of a
    client is the model's value for their intake ORS at their latest ORS's session; the lower
    band is the expected value plus the 25th percentile of the clinic's residuals (observed minus
    expected, over all later ORS): a quarter of the clinic's later scores fall below it.

    Columns: clinic, client_id, therapist_id (of the client's latest attended session in the
    period), n_ors, intake_ors, session_number and ors (the client's latest ORS), expected_ors,
    lower_band, not_on_track (the latest ORS is below the lower band; empty with fewer than 2 ORS
    or when the clinic's model could not be fitted), note (why values are empty).
    A clinic needs at least `min_clients` clients with 2 or more ORS for its model.
    """
    period = {"start": params["start"], "end": params["end"]}
    latest = queries.run_input(con, "model_ors_clients", period, scope, settings)  # in clinic, client order
    if latest.empty:
        return _empty(TREATMENT_RESPONSE_COLUMNS)
    # Column-wise: the rows of each clinic by position (the clinics are few, the clients many).
    size = len(latest)
    expected_ors, lower_band = np.full(size, np.nan), np.full(size, np.nan)
    note = np.full(size, "", dtype=object)
    design = _response_design(latest["intake_ors"], (latest["session_number"] - latest["intake_session"]).to_numpy(float))
    has_later = latest["n_later"].to_numpy(float) > 0
    sums = latest[["intake_ors", "n_later", "s_t", "s_tt", "s_y", "s_ty", "s_yy"]]
    codes, clinics = pd.factorize(latest["clinic"], sort=True)
    fits: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # clinic -> (its rows, beta)
    for code, clinic in enumerate(clinics):
        in_clinic = np.flatnonzero(codes == code)
        later = sums.iloc[in_clinic[has_later[in_clinic]]]
        n_clients = len(later)
        n_rows, XtX, Xty, yty, sx = _response_sums(later)
        if n_clients < max(settings["min_clients"], _MIN_GROUPS) or n_rows < XtX.shape[0] + 2 or not full_rank(XtX):
            note[in_clinic] = ("the clinic has too few clients with 2 or more ORS (or too little spread in them) "
                               "to estimate its expected response")
            continue
        fit = random_intercept_fit_sums(later["n_later"].to_numpy(float), sx, later["s_y"].to_numpy(float), XtX, Xty, yty)
        if not fit["converged"]:
            note[in_clinic] = "the clinic's expected-response model did not converge"
            continue
        fits[clinic] = (in_clinic, np.asarray(fit["beta"], float))
    if fits:
        # Every fitted clinic's band in one pass over the period's ORS (each with its own coefficients).
        names = list(fits)
        b = np.stack([fits[c][1] for c in names])
        bands = queries.run_input(con, "model_ors_band", {
            **period, "clinics": names, "intercepts": b[:, 0].tolist(), "intake_slopes": b[:, 1].tolist(),
            "time_slopes": b[:, 2].tolist(), "interactions": b[:, 3].tolist()}, scope, settings)
        band_of = dict(zip(bands["clinic"], bands["band"].astype(float)))
        for clinic, (in_clinic, beta) in fits.items():
            expected = design[in_clinic] @ beta
            expected_ors[in_clinic] = np.round(expected, 2)
            lower_band[in_clinic] = np.round(expected + band_of[clinic], 2)
    has_two = latest["n_ors"].to_numpy() >= 2
    fitted = ~np.isnan(lower_band)
    below = latest["ors"].to_numpy(float) < lower_band
    flag = pd.arrays.BooleanArray(below, ~(has_two & fitted))  # empty where nothing is compared
    note[~has_two & (note == "")] = "only one ORS: nothing to compare yet"
    latest = latest.assign(expected_ors=expected_ors, lower_band=lower_band, not_on_track=flag, note=note)
    return _typed(latest, TREATMENT_RESPONSE_COLUMNS)
