"""How well the caseload flags foretold the outcome of the clinic's own closed treatments.

A flag is only worth a supervisor's time if it points to the clients who then do poorly. For every
closed treatment with at least three ORS totals (model_flag_history), we look at whether each flag
was raised at some session before the final ORS, and whether the treatment ended without a reliable
improvement (final minus intake ORS below `ors_rci`: unchanged or deteriorated). Per clinic and
flag, and for any flag at all:

- share_flagged: the share of closed treatments in which the flag was raised at some point (what
  the alert budget costs);
- sensitivity: of the treatments that ended without a reliable improvement, the share flagged;
- ppv (positive predictive value): of the flagged treatments, the share that ended so;

each with a 95 % Wilson interval (Wilson 1927) over the clients. The client is the unit: clients of
one therapist are not independent, so with few therapists the intervals are too narrow. A flag
raised at the deterioration that is the outcome is counted only when it came before the final ORS.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import queries
from .caseload import FLAGS
from .queries import Param, python_query
from .reml import Z_95
from .scope import Scope
from .stats import coefficients, response_fits, typed_frame, whole_clinics

# "any": raised any flag at all (the combination the agenda acts on).
ANY = "any"
VALIDATION_COLUMNS = {
    "clinic": "str", "flag": "str", "n_closed": "int64", "n_poor": "int64", "n_flagged": "int64",
    "n_flagged_poor": "int64",
    "share_flagged": "float64", "share_low": "float64", "share_high": "float64",
    "sensitivity": "float64", "sensitivity_low": "float64", "sensitivity_high": "float64",
    "ppv": "float64", "ppv_low": "float64", "ppv_high": "float64",
}


def wilson(k, n, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval for k successes in n trials (empty where n is 0)."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


def _share(k, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, k / n, np.nan)
    low, high = wilson(k, n)
    return share, low, high


@python_query(
    "flag_validation",
    "How well each caseload flag, raised during treatment, foretold the outcome of the clinic's closed treatments.",
    params=(Param("start", "date"), Param("end", "date")),
    per_clinic=True,
)
def flag_validation(con, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """One row per clinic and flag (the caseload's flags, then "any"), on the clinic's closed
    treatments up to the period's end (the period's start plays no part: a treatment's whole course
    is judged). Columns: clinic, flag, n_closed (closed treatments with at least 3 ORS), n_poor (of
    them, ended without a reliable improvement), n_flagged (the flag raised before the final ORS),
    n_flagged_poor (both); share_flagged, sensitivity, ppv as proportions 0 to 1, each with its
    95 % Wilson interval (_low, _high); empty where nothing is counted. A clinic without a fitted
    expected response counts not on track as never raised (treatment_response says why).

    Computed on the viewer's whole clinics, whatever site or therapist filter is set.
    """
    whole = whole_clinics(scope)
    period = {"start": None, "end": params["end"]}
    _, _, fits = response_fits(con, period, whole, settings)
    model = coefficients(fits) if fits else {"clinics": [], "intercepts": [], "intake_slopes": [], "time_slopes": [],
                                            "interactions": []}
    history = queries.run_input(con, "model_flag_history", {"end": params["end"], **model}, whole, settings)
    if history.empty:
        return typed_frame(pd.DataFrame(), VALIDATION_COLUMNS)
    poor = ~history["improved"].astype(bool)
    raised = {flag: history[f"raised_{flag}"].astype(bool) for flag in FLAGS}
    raised[ANY] = pd.concat(raised.values(), axis=1).any(axis=1)
    parts = []
    for flag, flagged in raised.items():
        counts = pd.DataFrame({"clinic": history["clinic"], "n_closed": 1, "n_poor": poor.astype(int),
                               "n_flagged": flagged.astype(int), "n_flagged_poor": (flagged & poor).astype(int)})
        per = counts.groupby("clinic", sort=True).sum().reset_index()
        per.insert(1, "flag", flag)
        parts.append(per)
    out = pd.concat(parts, ignore_index=True)
    order = {flag: i for i, flag in enumerate((*FLAGS, ANY))}
    out = out.sort_values(["clinic", "flag"], key=lambda c: c.map(order) if c.name == "flag" else c, kind="stable")
    for name, k, n in (("share", "n_flagged", "n_closed"), ("sensitivity", "n_flagged_poor", "n_poor"),
                       ("ppv", "n_flagged_poor", "n_flagged")):
        value, low, high = _share(out[k], out[n])
        out[name if name != "share" else "share_flagged"] = np.round(value, 3)
        out[f"{name}_low"], out[f"{name}_high"] = np.round(low, 3), np.round(high, 3)
    return typed_frame(out, VALIDATION_COLUMNS)
