"""Restricted maximum likelihood (REML) for the random-intercept models of alliance/stats.py, from
sufficient statistics: the nested therapist model (NestedFit) and the one-level model of the expected
treatment response (random_intercept_fit_sums). Pure numerics: no store, no query, no page.

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

Both fits are built to give the same answer on any machine (docs/methods_models.md, "How the fit
is made the same on every machine"; tests/test_stats.py).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import optimize, special

Z_95 = 1.959963984540054


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
        self.pev_effect = (rho[0] * ve_s * k) * scale2  # of the therapist's effect alone: Var(u | data)
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


def random_intercept_fit_sums(n, sx, sy, XtX, Xty, yty: float) -> dict:
    """REML fit of y = Xb + group intercept + noise, from its sufficient statistics (exact, any group sizes).

    Returns beta, var_group, var_resid, converged, boundary (the group variance is estimated at
    exactly zero) and cov_beta (the covariance of beta at the estimated variances, (X'V^-1 X)^-1). The residual variance is profiled out, which leaves one parameter, the ratio
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
              "boundary": False, "cov_beta": np.full((p, p), np.nan)}
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
    beta, A, q = solve(ratio)
    var_resid = q / (N - p)
    beta = beta / d
    beta[0] += shift
    converged = converged and bool(np.isfinite(var_resid) and var_resid > 0)
    # X' V^-1 X = A / var_resid in the scaled columns, so cov(beta) = var_resid A^-1, unscaled.
    cov_beta = var_resid * np.linalg.inv(A) / np.outer(d, d) if converged else np.full((p, p), np.nan)
    return {"beta": beta, "var_resid": var_resid, "var_group": ratio * var_resid, "converged": converged,
            "boundary": boundary, "cov_beta": cov_beta}


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
