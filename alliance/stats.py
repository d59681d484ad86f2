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
}


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
    (first column the intercept). session_cov: a session-level covariate z as (its client means,
    within-client sums of squares, within-client cross-products with y).

    How the fit is made robust (it must give the same answer on any machine, BLAS kernel and
    thread count, and under a 1e-9 jitter of the data):
    - the scores are centred and scaled to unit variance and every column of X is scaled to unit
      root mean square, so that the linear algebra works on numbers near 1;
    - the session variance is profiled out: the optimiser searches the two variance ratios
      rho = (sigma_t^2, sigma_c^2) / sigma_e^2 only, as their square roots theta >= 0 (as lme4
      does), so a variance of exactly zero is a point the search can reach, not a limit it creeps
      towards;
    - it starts from method-of-moments estimates;
    - success is judged from the optimality conditions themselves (the profiled gradient vanishes,
      or at a zero variance points outwards), never from an optimiser's status message, which
      depends on floating-point details of the line search; a few Newton steps on the exact
      gradient then polish the optimum to near machine precision;
    - when that fails, further start values and a derivative-free method are tried, and the best
      point that satisfies the conditions is kept. Only when none does is the fit reported as not
      converged (`note` says so).
    """

    # The optimality conditions: a variance ratio's derivative on the log scale (rho d/drho of
    # -2 x restricted log-likelihood) at most this; at a ratio of zero, the derivative in the ratio
    # at least minus this.
    STATIONARY_TOL = 1e-4
    # A variance ratio at or below this is zero (when zero is at least as good).
    ZERO_RATIO = 1e-8
    MAX_THETA = 1e3  # variance ratios up to 1e6
    # Start values beyond the method-of-moments one, as variance ratios (therapist, client).
    FALLBACK_STARTS = ((1.0, 1.0), (0.1, 1.0), (1.0, 0.1), (0.05, 0.05), (5.0, 5.0))

    def __init__(self, n, mean, ss, therapist, X, session_cov=None):
        n = np.asarray(n, dtype=float)
        mean = np.asarray(mean, dtype=float)
        ss = np.asarray(ss, dtype=float)
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        s_zz = s_zy = 0.0
        if session_cov is not None:
            z_mean, z_ss, zy_sp = (np.asarray(v, dtype=float) for v in session_cov)
            X = np.column_stack([X, z_mean])
            s_zz, s_zy = float(z_ss.sum()), float(zy_sp.sum())
        self.within_cov = session_cov is not None
        self.therapist = np.asarray(therapist, dtype=np.int64)
        self.n, self.X = n, X
        self.n_therapists = int(self.therapist.max()) + 1 if len(self.therapist) else 0
        self.N = float(n.sum())
        self.C = len(n)
        self.p = X.shape[1]
        grand = float((n * mean).sum() / self.N) if self.N else math.nan
        ssw = float(ss.sum())
        ssb = float((n * (mean - grand) ** 2).sum()) if self.N else 0.0
        self.total_var = (ssw + ssb) / (self.N - 1) if self.N > 1 else 0.0
        # Centre and scale. The shift is absorbed by the intercept (the first column, when it is one).
        has_intercept = self.C > 0 and bool(np.all(X[:, 0] == 1.0))
        self._shift = grand if has_intercept and np.isfinite(grand) else 0.0
        self._scale = math.sqrt(self.total_var) if self.total_var > 0 else 1.0
        rms = np.sqrt((X * X).mean(axis=0)) if self.C else np.ones(self.p)
        self._col_scale = np.where((rms > 0) & np.isfinite(rms), rms, 1.0)
        Xs = X / self._col_scale
        self._cols = [np.ascontiguousarray(Xs[:, j]) for j in range(self.p)]
        self._y = (mean - self._shift) / self._scale
        self.ssw = ssw / self._scale ** 2
        d_z = self._col_scale[-1]
        self.s_zz = s_zz / d_z ** 2
        self.s_zy = s_zy / (d_z * self._scale)
        self._inv_n = 1.0 / n if self.C else n
        self.converged = False
        self.method = ""
        self.note = ""
        self.boundary = ()

    # ----------------------------------------------------------------------------- likelihood

    def _gls(self, vt, vc, ve):
        """The GLS estimate at variances (vt, vc, ve) of the scaled scores, and the pieces it is built from.

        V^-1 on one therapist's client means is W - sigma_t^2 k w w' (W = diag(w), w = 1 / (sigma_c^2
        + sigma_e^2 / n), k = 1 / (1 + sigma_t^2 sum(w))), so every product with V^-1 is a weighted
        sum over clients less a correction from per-therapist sums. The columns of X are kept as
        separate vectors: with at most three of them, plain dot products beat matrix products on
        tall, thin arrays.
        """
        g, T, cols, y = self.therapist, self.n_therapists, self._cols, self._y
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
        return beta, XtVX, quad, (w, k, s, sums, sum_y)

    def _pieces(self, vt, vc, ve, gradient: bool):
        """-2 x restricted log-likelihood at variances (vt, vc, ve) of the scaled scores (without
        constants), and, unless gradient is False, its derivatives in the three variances split as
        (tr(P dV), r'V^-1 dV V^-1 r): the derivative is the first less the second. None when the
        variances are out of the model's reach."""
        try:
            beta, XtVX, quad, (w, k, s, sums, sum_y) = self._gls(vt, vc, ve)
        except (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError):
            return None
        sign, logdet_xvx = np.linalg.slogdet(XtVX)
        if sign <= 0 or not np.isfinite(quad) or quad <= 0:
            return None
        logdet_v = float(-np.log(w).sum() - np.log(k).sum())
        parts = (logdet_v, logdet_xvx, quad)
        if not gradient:
            return parts, None, None
        try:
            M = np.linalg.inv(XtVX)
        except np.linalg.LinAlgError:
            return None
        g, T, cols, inv_n = self.therapist, self.n_therapists, self._cols, self._inv_n
        p = len(cols)
        # u = V^-1 r on the client means: w (r - sigma_t^2 k R), R a therapist's sum of w r; U its
        # per-therapist sums (k R).
        R = sum_y - sum(b * sx for b, sx in zip(beta, sums))
        r = self._y - sum(b * x for b, x in zip(beta, cols))
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
        trace_p = trace - (G * M).sum(axis=(1, 2))
        squares = np.array([float(U @ U), float(u @ u), float(u @ (u * inv_n)) + within_rss / (ve * ve)])
        if not (np.all(np.isfinite(trace_p)) and np.all(np.isfinite(squares))):
            return None
        return parts, trace_p, squares

    def objective_and_gradient(self, theta, gradient: bool = True):
        """-2 x restricted log-likelihood and (unless gradient is False) its gradient in theta = log
        of the three variances (therapist, client, session) in the scores' own units, up to a constant.

        The gradient is the REML score, tr(P dV) - r'V^-1 dV V^-1 r for each variance, written in
        per-therapist sums (V is block-diagonal: D + sigma_t^2 11' per therapist on the client
        means, sigma_e^2 I on the within-client deviations), so it costs a few more passes over
        the clients than the value alone (tests/test_stats.py checks it against differences of the
        objective).
        """
        v = np.exp(np.asarray(theta, dtype=float)) / self._scale ** 2
        got = self._pieces(*v, gradient)
        if got is None:
            return 1e300, np.zeros(3)
        (logdet_v, logdet_xvx, quad), trace_p, squares = got
        # quad is r'V^-1 r at V built with sigma_e^2 = v[2]: _gls already divides by the variances.
        value = logdet_v + (self.N - self.C) * math.log(v[2]) + quad + logdet_xvx
        if not gradient:
            return value, None
        return value, v * (trace_p - squares)

    def objective(self, theta) -> float:
        """-2 x restricted log-likelihood at log variances theta (see objective_and_gradient)."""
        return self.objective_and_gradient(theta, gradient=False)[0]

    def profiled(self, rho, gradient: bool = True):
        """-2 x restricted log-likelihood with the session variance profiled out, at variance ratios
        rho = (therapist, client) / session, and its gradient in rho; (inf, None) out of reach.

        With V = sigma_e^2 V_rho, the likelihood is maximised over sigma_e^2 at r'V_rho^-1 r / (N - p),
        which leaves (N - p) ln(r'V_rho^-1 r / (N - p)) + ln|V_rho| + ln|X'V_rho^-1 X| + (N - p); its
        value equals the full objective at the profiled session variance, and its derivative in a
        ratio is tr(P_rho dV) - r'V_rho^-1 dV V_rho^-1 r / sigma_e^2.
        """
        rt, rc = (float(x) for x in rho)
        got = self._pieces(rt, rc, 1.0, gradient)
        if got is None:
            return math.inf, None
        (logdet_v, logdet_xvx, quad), trace_p, squares = got
        dof = self.N - self.p
        ve = quad / dof
        value = logdet_v + logdet_xvx + dof * math.log(ve) + dof
        if not gradient:
            return value, None
        return value, trace_p[:2] - squares[:2] / ve

    # ----------------------------------------------------------------------------- the fit

    def _moment_start(self) -> np.ndarray:
        """Method-of-moments variance ratios from the scaled client means (one-way ANOVA twice)."""
        y, g, T = self._y, self.therapist, self.n_therapists
        ve = self.ssw / (self.N - self.C) if self.N > self.C and self.ssw > 0 else 0.5
        mean_inv_n = float(self._inv_n.mean())
        per = np.bincount(g, minlength=T).astype(float)
        t_mean = np.bincount(g, weights=y, minlength=T) / np.maximum(per, 1)
        vc = ve
        if self.C > T:
            within = float(((y - t_mean[g]) ** 2).sum()) / (self.C - T)
            vc = within - ve * mean_inv_n
        vt = ve
        if T > 1:
            between = float(((t_mean - t_mean.mean()) ** 2).sum()) / (T - 1)
            vt = between - (max(vc, 0.0) + ve * mean_inv_n) * float((1.0 / per).mean())
        rho = np.array([vt, vc]) / ve
        return np.clip(rho, 0.05, 100.0)

    def _stationary(self, rho) -> tuple[bool, float]:
        """Whether rho satisfies the optimality conditions, and the objective there."""
        value, grad = self.profiled(rho)
        if not np.isfinite(value) or grad is None:
            return False, math.inf
        for r, d in zip(rho, grad):
            if r >= self.MAX_THETA ** 2 * 0.99:
                return False, value  # a ratio ran off to the upper end
            if r == 0.0:
                if d < -self.STATIONARY_TOL:
                    return False, value  # zero is a saddle: the likelihood rises away from it
            elif abs(r * d) > self.STATIONARY_TOL and not (r <= self.ZERO_RATIO and d >= 0):
                return False, value
        return True, value

    def _snap_zero(self, rho) -> np.ndarray:
        """Ratios at or below ZERO_RATIO set to exactly zero, when that is at least as good."""
        rho = np.asarray(rho, dtype=float).copy()
        for i in range(2):
            if 0.0 < rho[i] <= self.ZERO_RATIO:
                trial = rho.copy()
                trial[i] = 0.0
                if self.profiled(trial, gradient=False)[0] <= self.profiled(rho, gradient=False)[0] + 1e-9:
                    rho = trial
        return rho

    def _polish(self, rho) -> np.ndarray:
        """A few Newton steps in the log of the non-zero ratios, on the exact gradient (the Hessian
        from its central differences), each kept only when it shrinks the gradient without raising
        the objective beyond its rounding. Near the optimum the objective is too flat to tell points
        apart (a step of 1e-7 changes it by 1e-14), but its gradient is not: this is what makes
        the optimum the same to about 1e-9 whatever the optimiser's path."""
        rho = np.asarray(rho, dtype=float).copy()
        free = np.flatnonzero(rho > self.ZERO_RATIO)
        if not len(free):
            return rho
        value, _ = self.profiled(rho, gradient=False)
        for _ in range(4):
            log_rho = np.log(rho[free])

            def grad_log(lr):
                trial = rho.copy()
                trial[free] = np.exp(lr)
                _, d = self.profiled(trial)
                return None if d is None else (trial[free] * d[free])

            g0 = grad_log(log_rho)
            if g0 is None or np.max(np.abs(g0)) < 1e-10:
                break
            H = _jacobian(grad_log, log_rho)
            if H is None:
                return rho
            try:
                if np.linalg.eigvalsh(H).min() <= 0:
                    break
                delta = -np.linalg.solve(H, g0)
            except np.linalg.LinAlgError:
                break
            delta = np.clip(delta, -1.0, 1.0)
            trial = rho.copy()
            trial[free] = np.minimum(np.exp(log_rho + delta), self.MAX_THETA ** 2)
            new_value, _ = self.profiled(trial, gradient=False)
            g1 = grad_log(np.log(trial[free]))
            if not (new_value <= value + 1e-12 * (1.0 + abs(value)) and g1 is not None
                    and np.max(np.abs(g1)) < np.max(np.abs(g0))):
                break
            rho, value = trial, min(value, new_value)
        return rho

    def _minimise(self, start, method: str) -> np.ndarray:
        """One search from start (variance ratios) on theta = sqrt(rho) in [0, MAX_THETA]; its end as ratios."""
        bounds = [(0.0, self.MAX_THETA)] * 2
        x0 = np.sqrt(np.clip(np.asarray(start, dtype=float), 0.0, self.MAX_THETA ** 2))

        def with_gradient(theta):
            value, d = self.profiled(theta * theta)
            if not np.isfinite(value) or d is None:
                return 1e300, np.zeros(2)
            return value, 2.0 * theta * d

        def value_only(theta):
            value = self.profiled(np.asarray(theta) ** 2, gradient=False)[0]
            return value if np.isfinite(value) else 1e300

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "L-BFGS-B":
                result = optimize.minimize(with_gradient, x0, method=method, jac=True, bounds=bounds,
                                           options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 500})
            else:
                result = optimize.minimize(value_only, x0, method=method, bounds=bounds,
                                           options={"maxiter": 2000, "xatol": 1e-10, "fatol": 1e-12})
        theta = np.clip(np.asarray(result.x, dtype=float), 0.0, self.MAX_THETA)
        return theta * theta

    def fit(self, starts=None) -> "NestedFit":
        """Fit by REML. starts: variance ratios (therapist, client) / session to start from, in
        order (default: the method-of-moments estimate, then FALLBACK_STARTS as needed)."""
        plan = [("L-BFGS-B", np.asarray(s, dtype=float)) for s in starts] if starts is not None else \
            [("L-BFGS-B", self._moment_start())] + [("L-BFGS-B", np.array(s)) for s in self.FALLBACK_STARTS]
        tried, best = [], None  # best: (objective, rho, method) among the points that satisfy the conditions
        for method, start in plan:
            rho = self._polish(self._snap_zero(self._minimise(start, method)))
            ok, value = self._stationary(rho)
            tried.append((value, rho, method))
            if ok and (best is None or value < best[0]):
                best = (value, rho, method)
            if best is not None and starts is None:
                break
        if best is None:
            # The derivative-free method from the best end reached so far.
            value, rho, _ = min(tried, key=lambda x: x[0])
            rho = self._polish(self._snap_zero(self._minimise(rho, "Nelder-Mead")))
            ok, value = self._stationary(rho)
            tried.append((value, rho, "Nelder-Mead"))
            if ok:
                best = (value, rho, "Nelder-Mead")
        self.converged = best is not None
        value, rho, self.method = best if best is not None else min(tried, key=lambda x: x[0])
        if not self.converged:
            self.note = "the model did not converge"
        self.rho = rho
        self.boundary = tuple(name for name, r in zip(("therapist", "client"), rho) if r == 0.0)
        # Back to the scores' units.
        beta_s, XtVX_r, quad, (w, _, s, _, _) = self._gls(rho[0], rho[1], 1.0)
        ve_s = quad / (self.N - self.p)
        scale2 = self._scale ** 2
        self.var_therapist = float(rho[0] * ve_s * scale2)
        self.var_client = float(rho[1] * ve_s * scale2)
        self.var_session = float(ve_s * scale2)
        self.theta = np.log(np.maximum([self.var_therapist, self.var_client, self.var_session], 1e-300))
        d = self._col_scale
        self.beta = beta_s * self._scale / d
        self.beta[0] += self._shift
        cov_s = ve_s * np.linalg.inv(XtVX_r)  # V^-1 = V_rho^-1 / sigma_e^2
        self.beta_cov = cov_s * scale2 / np.outer(d, d)
        # BLUP of each therapist's intercept and its prediction error variance (including the
        # uncertainty of the intercept: for an intercept-only model exactly sigma_t^2 k + k^2 var(b0)).
        # With V = sigma_e^2 V_rho: w / sigma_e^2 and sigma_t^2 k = rho_t sigma_e^2 k_rho.
        r = self._y - sum(b * x for b, x in zip(beta_s, self._cols))
        sum_wr = np.bincount(self.therapist, weights=w * r, minlength=self.n_therapists)
        k = 1.0 / (1.0 + rho[0] * s)
        self.blup = rho[0] * k * sum_wr * self._scale
        self.pev = (rho[0] * ve_s * k) * scale2 + k * k * self.beta_cov[0, 0]
        return self

    def icc_interval(self) -> tuple[float, float]:
        """Delta-method 95 % interval for the therapist share on the logit scale (NaN when at zero).

        The covariance of the log variances is twice the inverse of the restricted likelihood's
        Hessian in them, taken as central differences of its exact gradient. A client variance at
        zero stays fixed there (it is on the boundary, not a free parameter)."""
        if self.var_therapist <= 0 or not self.converged:
            return math.nan, math.nan
        free = [0, 2] if self.var_client <= 0 else [0, 1, 2]
        log_v = np.log([self.var_therapist, max(self.var_client, 1e-300), self.var_session])

        def grad(x):
            v = np.exp(log_v) / self._scale ** 2
            v[free] = np.exp(x) / self._scale ** 2
            if self.var_client <= 0:
                v[1] = 0.0
            got = self._pieces(*v, True)
            if got is None:
                return None
            _, trace_p, squares = got
            return (v * (trace_p - squares))[free]

        H = _jacobian(grad, log_v[free])
        if H is None:
            return math.nan, math.nan
        try:
            cov = 2.0 * np.linalg.inv(H)
        except np.linalg.LinAlgError:
            return math.nan, math.nan
        vc, ve = self.var_client, self.var_session
        # logit(share) = ln vt - ln(vc + ve): its gradient in the free log variances
        full = np.array([1.0, -vc / (vc + ve), -ve / (vc + ve)])
        g = full[free]
        var = float(g @ cov @ g)
        if not np.isfinite(var) or var <= 0:
            return math.nan, math.nan
        logit = math.log(self.var_therapist) - math.log(vc + ve)
        half = Z_95 * math.sqrt(var)
        return _expit(logit - half), _expit(logit + half)


def _jacobian(gradient, x: np.ndarray, h: float = 1e-4) -> np.ndarray | None:
    """The Hessian as central differences of an exact gradient (made symmetric); None where the
    gradient cannot be evaluated."""
    H = np.empty((len(x), len(x)))
    for j in range(len(x)):
        step = np.zeros(len(x))
        step[j] = h
        up, down = gradient(x + step), gradient(x - step)
        if up is None or down is None:
            return None
        H[:, j] = (up - down) / (2 * h)
    return (H + H.T) / 2


def _expit(x: float) -> float:
    return float(special.expit(x))


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
    problem = ""
    if len(therapists) < _MIN_GROUPS:
        problem = "few_therapists"
    elif len(rows) <= len(therapists):
        problem = "one_client_each"
    X = np.ones((len(rows), 1))
    if adjusted:
        intake = rows["intake_ors"].to_numpy(dtype=float)
        if not problem and np.ptp(intake) == 0:
            problem = "same_intake"
        X = np.column_stack([X, intake - intake.mean()])
    # ln(session_number), centred on its mean over sessions, so that the intercept is the score
    # at an average point in treatment.
    n = rows["n_rated"].to_numpy(dtype=float)
    z_mean = rows["mean_log_session"].to_numpy(dtype=float)
    z_mean = z_mean - float((n * z_mean).sum() / n.sum())
    fit = NestedFit(n, rows["mean_srs"], rows["ss_within"], codes, X,
                    session_cov=(z_mean, rows["ss_log_session"], rows["sp_log_session"]))
    if not problem and fit.total_var <= 0:
        problem = "no_variation"
    if not problem and fit.N <= fit.C:
        problem = "one_session_each"
    if not problem and not float(rows["ss_within"].sum()) > 0:
        problem = "no_session_variation"
    if problem:
        return rows, None, "; ".join(x for x in (MODEL_STATUS[problem], note) if x), problem
    return rows, fit, note, ""


THERAPIST_EFFECTS_COLUMNS = {
    "clinic": "str", "therapist_id": "str", "n_clients": "int64", "n_rated": "int64",
    "raw_mean": "float64", "estimate": "float64", "ci_low": "float64", "ci_high": "float64",
    "too_few": "bool", "rank": "Int64", "converged": "bool", "adjusted": "bool", "status": "str", "note": "str",
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
    therapist_id); converged; adjusted; status (a MODEL_STATUS code: "fitted", "boundary" when the
    therapist variance is estimated at exactly zero, or why the estimates are empty); note (the
    status in English, and what was left out). When the model cannot be fitted the plain means
    are still given.

    adjust=intake_ors adds the client's first ORS total in the period as a fixed covariate
    (case mix); clients without an ORS in the period are then left out.
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
    (as in therapist_effects); note. An empty scope gives no row; too little data gives a row with
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
        row["statement"] = (
            f"{share}{interval} of the variation in session alliance scores{case_mix} lies between therapists, "
            f"{100 * row['client_icc']:.1f}% between clients of the same therapist and "
            f"{100 * (1 - row['icc'] - row['client_icc']):.1f}% between sessions of the same client."
        )
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

    Returns beta, var_group, var_resid, converged and boundary (the group variance is estimated at
    exactly zero). The residual variance is profiled out, which leaves one parameter, the ratio
    lambda of the two variances. It is found robustly: y is centred (through the intercept, the
    first column, when it is one) and the columns of X scaled to unit root mean square; the
    profiled likelihood and its exact derivative are evaluated on a grid of ln(lambda) from -12 to
    8, and the optimum is the derivative's root next to the best grid point (Brent's method on
    the derivative, not on the likelihood, whose flatness near the optimum would leave it
    uncertain in the sixth digit). The grid makes the answer independent of a start value; a best
    point at the grid's lower end with the likelihood rising from it is the boundary, a ratio of
    exactly zero.

    n: rows per group; sx: per-group column sums of X (groups x p); sy: per-group sums of y;
    XtX, Xty, yty: the cross-products over all rows. The model's likelihood depends on the rows
    only through these, so a fit from sums computed in SQL equals the fit from the rows.
    """
    n, sx, sy = np.asarray(n, float), np.asarray(sx, float), np.asarray(sy, float)
    XtX, Xty = np.asarray(XtX, float), np.asarray(Xty, float)
    N, p = float(n.sum()), XtX.shape[0]
    failed = {"beta": np.full(p, np.nan), "var_resid": math.nan, "var_group": math.nan, "converged": False,
              "boundary": False}
    if N <= p:
        return failed
    # Centre y on its mean through the intercept column (column sums equal to the group sizes).
    shift = float(sy.sum() / N) if np.allclose(sx[:, 0], n) else 0.0
    sy = sy - shift * n
    Xty = Xty - shift * sx.sum(axis=0)
    yty = float(yty) - 2.0 * shift * float(sy.sum() + shift * N) + shift * shift * N
    d = np.sqrt(np.maximum(np.diag(XtX), 0.0) / N)
    d = np.where((d > 0) & np.isfinite(d), d, 1.0)
    XtX, Xty, sx = XtX / np.outer(d, d), Xty / d, sx / d

    def solve(ratio):
        c = ratio / (1.0 + ratio * n)
        A = XtX - (c[:, None] * sx).T @ sx
        b = Xty - (c * sy) @ sx
        beta = np.linalg.solve(A, b)
        q = yty - float((c * sy) @ sy) - float(b @ beta)
        return beta, A, q

    def value_and_slope(log_ratio):
        """The profiled -2 x restricted log-likelihood and its derivative in ln(lambda) (lambda = 0
        for log_ratio None: then the derivative is in lambda itself)."""
        ratio = 0.0 if log_ratio is None else math.exp(log_ratio)
        try:
            beta, A, q = solve(ratio)
            sign, logdet = np.linalg.slogdet(A)
            A_inv = np.linalg.inv(A)
        except np.linalg.LinAlgError:
            return math.inf, math.nan
        if sign <= 0 or not q > 0:
            return math.inf, math.nan
        value = (N - p) * math.log(q / (N - p)) + float(np.log1p(ratio * n).sum()) + logdet
        # d c / d lambda = 1 / (1 + lambda n)^2; dq = -sum c' (sy - sx b)^2; d ln|A| = -tr(A^-1 sum c' sx sx')
        dc = 1.0 / (1.0 + ratio * n) ** 2
        resid = sy - sx @ beta
        dq = -float(dc @ (resid * resid))
        dlogdet = -float(dc @ ((sx @ A_inv) * sx).sum(axis=1))
        slope = (N - p) * dq / q + float((n / (1.0 + ratio * n)).sum()) + dlogdet
        return value, slope if log_ratio is None else ratio * slope

    low, high = -12.0, 8.0
    grid = np.linspace(low, high, 11)
    points = [value_and_slope(x) for x in grid]
    values = np.array([v for v, _ in points])
    if not np.isfinite(values).any():
        return failed
    i = int(np.argmin(values))
    slope = points[i][1]
    boundary, log_ratio, converged = False, float(grid[i]), True
    if i == 0 and slope >= 0:
        boundary = True  # the likelihood falls all the way to the grid's lower end: the ratio is zero
    elif i == len(grid) - 1 and slope <= 0:
        converged = False  # still falling at a group variance e^8 times the residual one
    else:
        # The derivative changes sign between the best grid point and the neighbour it points to.
        j = i + 1 if slope < 0 else i - 1
        a, b = sorted((grid[i], grid[j]))
        fa, fb = value_and_slope(a)[1], value_and_slope(b)[1]
        if np.isfinite(fa) and np.isfinite(fb) and fa < 0 < fb:
            log_ratio = optimize.brentq(lambda x: value_and_slope(x)[1], a, b, xtol=1e-12, rtol=1e-12)
        elif not (np.isfinite(slope) and slope == 0):
            converged = False
    ratio = 0.0 if boundary else math.exp(log_ratio)
    beta, _, q = solve(ratio)
    var_resid = q / (N - p)
    beta = beta / d
    beta[0] += shift
    converged = converged and bool(np.isfinite(var_resid) and var_resid > 0)
    return {"beta": beta, "var_resid": var_resid, "var_group": ratio * var_resid, "converged": converged,
            "boundary": boundary}


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
    "expected_ors": "float64", "lower_band": "float64", "not_on_track": "boolean", "status": "str", "note": "str",
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


def clinic_response_fit(later: pd.DataFrame, settings: dict) -> dict | None:
    """One clinic's expected-response model from its clients' sums (model_ors_clients rows with a
    later ORS); None when it has too few clients, rows or spread for the model."""
    n_rows, XtX, Xty, yty, sx = _response_sums(later)
    if len(later) < max(settings["min_clients"], _MIN_GROUPS) or n_rows < XtX.shape[0] + 2 or not full_rank(XtX):
        return None
    return random_intercept_fit_sums(later["n_later"].to_numpy(float), sx, later["s_y"].to_numpy(float), XtX, Xty, yty)


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
    or when the clinic's model could not be fitted), status (a MODEL_STATUS code: "fitted", "one_ors", or why the clinic has
    no model: "few_clients", "response_not_converged"), note (the status in English).
    A clinic needs at least `min_clients` clients with 2 or more ORS for its model.
    """
    period = {"start": params["start"], "end": params["end"]}
    latest = queries.run_input(con, "model_ors_clients", period, scope, settings)  # in clinic, client order
    if latest.empty:
        return _empty(TREATMENT_RESPONSE_COLUMNS)
    # Column-wise: the rows of each clinic by position (the clinics are few, the clients many).
    size = len(latest)
    expected_ors, lower_band = np.full(size, np.nan), np.full(size, np.nan)
    status = np.full(size, "fitted", dtype=object)
    design = _response_design(latest["intake_ors"], (latest["session_number"] - latest["intake_session"]).to_numpy(float))
    has_later = latest["n_later"].to_numpy(float) > 0
    sums = latest[["intake_ors", "n_later", "s_t", "s_tt", "s_y", "s_ty", "s_yy"]]
    codes, clinics = pd.factorize(latest["clinic"], sort=True)
    fits: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # clinic -> (its rows, beta)
    for code, clinic in enumerate(clinics):
        in_clinic = np.flatnonzero(codes == code)
        later = sums.iloc[in_clinic[has_later[in_clinic]]]
        fit = clinic_response_fit(later, settings)
        if fit is None or not fit["converged"]:
            status[in_clinic] = "few_clients" if fit is None else "response_not_converged"
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
    status[~has_two & (status == "fitted")] = "one_ors"
    note = pd.Series(status).map(MODEL_STATUS).to_numpy()
    latest = latest.assign(expected_ors=expected_ors, lower_band=lower_band, not_on_track=flag, status=status,
                           note=note)
    return _typed(latest, TREATMENT_RESPONSE_COLUMNS)
