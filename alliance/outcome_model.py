"""Alliance and outcome as a multilevel model: the within- and between-therapist effects.

Baldwin, Wampold & Imel (2007) and Falkenström et al. (2013): a correlation between alliance and
outcome over clients mixes two things. Within a therapist's caseload, do clients with a better
alliance than the therapist's other clients do better (the client's part)? And between
therapists, do therapists whose clients report better alliances on average get better outcomes
(the therapist's part)? Baldwin et al. found the therapist's part carries the association.

The model, with the client as the unit (one row per client with an observed early alliance and
two or more ORS, as early_alliance_outcome counts them):

    final ORS = b0 + b1 intake ORS + b2 (alliance - therapist's mean alliance)
                + b3 (therapist's mean alliance - overall mean) [+ sector terms] + therapist + noise

where alliance is the client's early alliance (mean SRS of their first `early_sessions` rated
sessions), the therapist is the one of the client's first rated session, and the therapist's
intercept is random. With both sectors in view, a private-sector indicator and its interactions
with both alliance terms let each sector have its own within and between effects. Fitted by REML
(reml.random_intercept_fit_sums); the intervals are Wald intervals from (X'V^-1 X)^-1 at the
estimated variances, which with few therapists are too narrow for the between effect.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import queries
from .queries import Param, python_query
from .reml import Z_95, full_rank, random_intercept_fit_sums
from .scope import Scope
from .stats import fisher_interval, typed_frame

ALLIANCE_OUTCOME_COLUMNS = {
    "group": "str", "_parent": "str", "n_clients": "int64", "_n_peer_clients": "int64", "n_therapists": "int64",
    "within": "float64", "within_low": "float64", "within_high": "float64",
    "between": "float64", "between_low": "float64", "between_high": "float64",
    "r": "float64", "r_low": "float64", "r_high": "float64", "therapist_var": "float64", "resid_var": "float64",
    "status": "str",
}
# Fewer therapists than this (in a sector) leave the between-therapist effect unestimated.
MIN_THERAPISTS = 3


def model_frame(clients: pd.DataFrame) -> pd.DataFrame:
    """The counted clients with their model columns: intake, final, within (alliance minus the
    therapist's mean), between (the therapist's mean minus the mean over clients), private (0/1)."""
    used = clients[clients["early_alliance"].notna() & (clients["n_ors"] >= 2)].copy()
    therapist = used["clinic"] + "\x1f" + used["early_therapist"].astype(str)
    mean = used.groupby(therapist)["early_alliance"].transform("mean")
    used["therapist"] = therapist
    used["within"] = used["early_alliance"] - mean
    used["between"] = mean - used["early_alliance"].mean()
    used["private"] = (used["sector"] == "private").astype(float)
    return used


def design(used: pd.DataFrame, sectors: bool) -> tuple[np.ndarray, list[str]]:
    names = ["intercept", "intake", "within", "between"]
    columns = [np.ones(len(used)), used["first_ors"].to_numpy(float), used["within"].to_numpy(float),
               used["between"].to_numpy(float)]
    if sectors:
        private = used["private"].to_numpy(float)
        names += ["private", "private_within", "private_between"]
        columns += [private, private * columns[2], private * columns[3]]
    return np.column_stack(columns), names


def fit(used: pd.DataFrame, sectors: bool) -> dict | None:
    """The REML fit of the model on the rows of model_frame (None when the design is not of full rank)."""
    X, names = design(used, sectors)
    y = used["last_ors"].to_numpy(float)
    codes, _ = pd.factorize(used["therapist"], sort=True)
    groups = codes.max() + 1
    n = np.bincount(codes, minlength=groups).astype(float)
    sx = np.zeros((groups, X.shape[1]))
    np.add.at(sx, codes, X)
    sy = np.bincount(codes, weights=y, minlength=groups)
    XtX = X.T @ X
    if len(used) <= X.shape[1] + 1 or not full_rank(XtX):
        return None
    result = random_intercept_fit_sums(n, sx, sy, XtX, X.T @ y, float(y @ y))
    return {**result, "names": names}


def _effect(result: dict, terms: list[str]) -> tuple[float, float, float]:
    """An effect that is the sum of some coefficients, with its 95 % Wald interval."""
    names = result["names"]
    weights = np.array([1.0 if name in terms else 0.0 for name in names])
    estimate = float(weights @ result["beta"])
    se = math.sqrt(max(float(weights @ result["cov_beta"] @ weights), 0.0))
    return estimate, estimate - Z_95 * se, estimate + Z_95 * se


@python_query(
    "alliance_outcome_model",
    "Early alliance and final ORS as a multilevel model: the within- and between-therapist effects per sector, with 95 % intervals, beside the simple correlation.",
    params=(Param("start", "date"), Param("end", "date")),
    level="group", suppress="n_clients peers _n_peer_clients within _parent keep group",
)
def alliance_outcome_model(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per sector with a counted client (see the module docstring for the model).

    Columns: group (the sector); n_clients, n_therapists (in the model); within, within_low,
    within_high (the ORS points a client gains at the end for each SRS point their early alliance
    lies above their therapist's mean, with its 95 % interval); between, between_low, between_high
    (the ORS points for each SRS point a therapist's mean alliance lies above the mean); r, r_low,
    r_high (the simple Pearson correlation of early alliance and final ORS over the sector's
    clients, with its Fisher interval, for comparison); therapist_var, resid_var (the model's
    variances: the same in every row); status ("fitted", or why there are no effects: "few_therapists", "few_clients", "not_converged"; said
    in the viewer's language from the locales, "clinics.model.status.<code>").
    """
    clients = queries.run_input(con, "model_early_alliance", {"start": params["start"], "end": params["end"]},
                                scope, settings)
    used = model_frame(clients)
    if used.empty:
        return typed_frame(pd.DataFrame(), ALLIANCE_OUTCOME_COLUMNS)
    own = params.get("own_clinics")
    used["peer"] = ~used["clinic"].isin(own) if own is not None else False
    sectors = sorted(used["sector"].unique())
    both = len(sectors) > 1 and all(used.loc[used["sector"] == s, "therapist"].nunique() >= MIN_THERAPISTS
                                    for s in sectors)
    result = fit(used, both) if used["therapist"].nunique() >= MIN_THERAPISTS else None
    status = "few_therapists" if used["therapist"].nunique() < MIN_THERAPISTS else \
        "few_clients" if result is None else "fitted" if result["converged"] else "not_converged"
    rows = []
    for sector in sectors:
        part = used[used["sector"] == sector]
        row = {"group": sector, "_parent": "", "n_clients": len(part), "_n_peer_clients": int(part["peer"].sum()),
               "n_therapists": int(part["therapist"].nunique()), "status": status}
        if len(part) >= 4 and part["early_alliance"].std() > 0 and part["last_ors"].std() > 0:
            r = float(np.corrcoef(part["early_alliance"], part["last_ors"])[0, 1])
            low, high = fisher_interval(r, len(part))
            row.update(r=round(r, 3), r_low=round(low, 3), r_high=round(high, 3))
        if status == "fitted":
            extra = [f"private_{term}" for term in ("within", "between")] if both and sector == "private" else []
            within = _effect(result, ["within", *extra[:1]])
            between = _effect(result, ["between", *extra[1:]])
            row.update(zip(("within", "within_low", "within_high"), (round(v, 3) for v in within)))
            row.update(zip(("between", "between_low", "between_high"), (round(v, 3) for v in between)))
            row.update(therapist_var=round(result["var_group"], 4), resid_var=round(result["var_resid"], 4))
        rows.append(row)
    return typed_frame(pd.DataFrame(rows), ALLIANCE_OUTCOME_COLUMNS)
