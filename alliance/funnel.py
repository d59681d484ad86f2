"""The funnel plot with the client as the unit and limits that allow for overdispersion.

Spiegelhalter (2005), "Funnel plots for comparing institutional performance", Stat Med 24:1185,
and "Handling over-dispersion of performance indicators", Qual Saf Health Care 14:347. In a
supervisor's words (docs/methods_figures.md says more):

- Each session's SRS total is compared with what the clinic's clients usually give at that
  session number (the clinic's session-number curve, flat from session 8 on). A client's value is
  the mean of those differences over their rated sessions; a therapist's figure is the mean over
  their clients. So a client who comes forty times counts once, as a person should.
- Chance alone moves a client's value by the client variance plus the session variance over the
  client's number of sessions; both come from the nested model (alliance/reml.py) fitted to the
  clinic's residuals. A therapist's null variance is the sum of their clients' over k squared.
- Ordinary therapists differ too. That spread (tau squared) is estimated from the therapists'
  z-scores, winsorised at 10 % and 90 % so that a real outlier does not widen the limits for
  everyone, and added to every therapist's variance: the limits are
  clinic mean +- z sqrt(V + tau^2), with z = 1.96 (95 %) and 3.09 (99.8 %).

Everything is fitted per clinic, on the clinic's whole data in the period, and only then filtered
to the therapists the viewer's scope shows: a therapist is judged the same way whoever looks and
whatever site or therapist filter is set.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from . import queries
from .queries import Param, python_query
from .reml import Z_95, NestedFit
from .scope import Scope
from .stats import at_clinic_level, fit_problem, round_half_away, typed_frame

# The funnel-plot method fixes these z values; they are not clinic settings.
Z_998 = 3.09
# The share of z-scores pulled in at each end before the overdispersion is estimated (Spiegelhalter 2005).
WINSOR = 0.10
# Fewer judged therapists than this leave the spread between therapists unestimated.
MIN_JUDGED_FOR_SPREAD = 3

FUNNEL_COLUMNS = {
    "clinic": "str", "therapist_id": "str", "site": "str", "n_clients": "int64", "n_rated": "int64",
    "mean_srs": "float64", "relative": "float64", "adjusted_mean": "float64", "overall_mean": "float64",
    "se": "float64", "z_score": "float64", "client_var": "float64", "session_var": "float64",
    "unit_var": "float64", "tau2": "float64", "phi": "float64",
    "lower_95": "float64", "upper_95": "float64", "lower_998": "float64", "upper_998": "float64",
    "outside_95": "object", "outside_998": "object", "too_few": "bool", "status": "str",
}


def winsorise(z: np.ndarray, share: float = WINSOR) -> np.ndarray:
    """z with its `share` lowest values set to the lowest value kept, and its highest likewise (by
    count, as scipy.stats.mstats.winsorize does: int(share * n) values at each end)."""
    z = np.asarray(z, float)
    cut = int(share * len(z))
    if cut == 0:
        return z.copy()
    order = np.sort(z)
    return np.clip(z, order[cut], order[len(z) - 1 - cut])


def _winsorised_square_mean(share: float = WINSOR) -> float:
    """E[w^2] for a standard normal w winsorised at its `share` and 1 - `share` quantiles."""
    q = float(norm.ppf(1 - share))
    return (1 - 2 * share) - 2 * q * float(norm.pdf(q)) + 2 * share * q * q


# Winsorising pulls in the largest z-scores, so the mean squared winsorised z of normal z-scores is
# only this share of their variance (0.679 at 10 %): phi is divided by it, so that without
# outliers it estimates the dispersion itself rather than two thirds of it.
WINSOR_CONSISTENCY = _winsorised_square_mean()


def overdispersion(z: np.ndarray, variance: np.ndarray) -> tuple[float, float]:
    """(phi, tau^2) of the additive random-effects model from the judged therapists' z-scores and
    null variances (Spiegelhalter 2005, section 5): phi is the mean squared winsorised z over
    WINSOR_CONSISTENCY; tau^2 is (I phi - (I - 1)) / (sum w - sum w^2 / sum w) with w = 1 / V, and
    0 when I phi <= I - 1."""
    z, variance = np.asarray(z, float), np.asarray(variance, float)
    count = len(z)
    total = float(np.sum(winsorise(z) ** 2)) / WINSOR_CONSISTENCY  # I phi
    if total <= count - 1:
        return total / count, 0.0
    w = 1.0 / variance
    return total / count, float((total - (count - 1)) / (w.sum() - (w * w).sum() / w.sum()))


def clinic_funnel(rows: pd.DataFrame, min_clients: int) -> pd.DataFrame:
    """One clinic's funnel from its model_funnel_clients rows: one row per therapist."""
    codes, _ = pd.factorize(rows["therapist_id"], sort=True)
    n = rows["n_rated"].to_numpy(float)
    fit = NestedFit(n, rows["mean_residual"], rows["ss_within"], codes, np.ones((len(rows), 1)))
    status = fit_problem(fit, codes.max() + 1, float(rows["ss_within"].sum()))
    if not status:
        fit.fit()
        status = "fitted" if fit.converged else "not_converged"
    per = rows.assign(_code=codes, _sum=rows["mean_srs"] * rows["n_rated"]).groupby("_code", sort=True).agg(
        clinic=("clinic", "first"), therapist_id=("therapist_id", "first"), site=("site", "first"),
        n_clients=("client_id", "nunique"), n_rated=("n_rated", "sum"), _sum=("_sum", "sum"),
        relative=("mean_residual", "mean"), overall_mean=("clinic_mean", "first"))
    per["mean_srs"] = per["_sum"] / per["n_rated"]
    per["adjusted_mean"] = per["overall_mean"] + per["relative"]
    per["too_few"] = per["n_clients"] < min_clients
    per["status"] = status
    nan = np.full(len(per), np.nan)
    per["client_var"] = per["session_var"] = per["unit_var"] = per["tau2"] = per["phi"] = np.nan
    per["se"] = per["z_score"] = nan
    if status in ("fitted",):
        unit = fit.var_client + fit.var_session / n  # each client's null variance
        per["client_var"], per["session_var"] = fit.var_client, fit.var_session
        per["unit_var"] = float(unit.mean())
        null_var = pd.Series(unit).groupby(codes).sum().to_numpy() / per["n_clients"].to_numpy(float) ** 2
        per["se"] = np.sqrt(null_var)
        per["z_score"] = per["relative"] / per["se"]
        judged = ~per["too_few"].to_numpy()
        if judged.sum() >= MIN_JUDGED_FOR_SPREAD:
            phi, tau2 = overdispersion(per["z_score"].to_numpy()[judged], null_var[judged])
            per["phi"], per["tau2"] = phi, tau2
        else:
            per["status"] = "few_judged"
            per["tau2"] = 0.0
        spread = np.sqrt(null_var + per["tau2"].to_numpy())
        for z, level in ((Z_95, "95"), (Z_998, "998")):
            per[f"lower_{level}"] = per["overall_mean"] - z * spread
            per[f"upper_{level}"] = per["overall_mean"] + z * spread
    else:
        for level in ("95", "998"):
            per[f"lower_{level}"] = per[f"upper_{level}"] = np.nan
    for level in ("95", "998"):
        per[f"outside_{level}"] = verdict(per["adjusted_mean"], per[f"lower_{level}"], per[f"upper_{level}"],
                                          per["too_few"])
    return per


def verdict(value: pd.Series, lower: pd.Series, upper: pd.Series, too_few: pd.Series) -> pd.Series:
    """'above' strictly above the upper limit, 'below' strictly below the lower, else empty (and
    empty for a therapist with too few clients, or without limits): a point on a limit is inside."""
    out = np.full(len(value), None, dtype=object)
    out[(value > upper).to_numpy()] = "above"
    out[(value < lower).to_numpy()] = "below"
    out[too_few.astype(bool).to_numpy()] = None
    return pd.Series(out, index=value.index, dtype=object)


@python_query(
    "funnel",
    "Each therapist's mean client alliance, allowing for session number, against funnel limits with the client as the unit.",
    params=(Param("start", "date"), Param("end", "date")),
    suppress="n_clients within clinic keep clinic, therapist_id, site",  # for exports (alliance/disclosure.py)
    per_clinic=True,
)
def funnel(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per therapist with a rated session in the period and in the viewer's scope.

    Columns: clinic, therapist_id, site (the home site: most attended sessions in the period);
    n_clients (clients with a rated session: the unit, across the plot), n_rated; mean_srs (the
    plain mean over sessions, for reference); relative (the mean over the therapist's clients of
    each client's mean difference from the clinic's session-number curve); adjusted_mean (the
    clinic's mean plus relative: what is plotted); overall_mean (the clinic's mean SRS, the centre
    line); se (the null standard error from the clinic's fitted client and session variances);
    z_score (relative / se); client_var, session_var (the clinic's fitted variances); unit_var
    (their mean per client, from which the drawn curves are made: V(k) = unit_var / k); tau2, phi
    (the clinic's overdispersion: the spread between ordinary therapists, and the mean squared
    winsorised z); lower_/upper_95 and _998 (this therapist's limits: overall_mean +- z
    sqrt(se^2 + tau2)); outside_95, outside_998 ('above', 'below' or empty; empty when too_few);
    too_few (fewer clients than `min_clients`: shown, not judged); status (a MODEL_STATUS code:
    "fitted"; "few_judged" when fewer than 3 therapists are judged, so the limits allow for chance
    alone; or why the clinic has no limits).

    Every clinic is fitted on its whole data in the period, then the rows are filtered to the
    therapists the scope shows (model_scope_therapists): one answer for a therapist, whoever looks.
    """
    narrowed = at_clinic_level(con, "funnel", params, scope, settings, "model_scope_therapists",
                               ["clinic", "therapist_id"])
    if narrowed is not None:
        return typed_frame(narrowed, FUNNEL_COLUMNS)
    period = {"start": params["start"], "end": params["end"]}
    rows = queries.run_input(con, "model_funnel_clients", period, scope, settings)
    if rows.empty:
        return typed_frame(pd.DataFrame(), FUNNEL_COLUMNS)
    parts = [clinic_funnel(part, int(settings["min_clients"])) for _, part in rows.groupby("clinic", sort=True)]
    out = pd.concat(parts, ignore_index=True)
    for column in ("mean_srs", "relative", "adjusted_mean", "overall_mean", "lower_95", "upper_95", "lower_998",
                   "upper_998"):
        out[column] = round_half_away(out[column], 2)
    for column in ("se", "z_score", "client_var", "session_var", "unit_var", "tau2", "phi"):
        out[column] = round_half_away(out[column], 4)
    out = out.sort_values(["clinic", "therapist_id"])
    return typed_frame(out, FUNNEL_COLUMNS)

