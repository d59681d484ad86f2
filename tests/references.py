"""Pandas reference computations over pair-level `wai_pairs` rows.

The dashboard counts the pairs in DuckDB (`wai_pair_points`, and the intervals of
`dual_perspective`); the tests check those against these plain pandas versions, which is how
the Dual perspective page computed them before it stopped fetching every pair.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special


def wai_pair_points(pairs: pd.DataFrame) -> pd.DataFrame:
    """`wai_pairs` rows counted per clinic and pair of scores, as the `wai_pair_points` query gives them."""
    return (pairs.assign(client_wai=pairs["client_wai"].astype(float).round(4),
                         therapist_wai=pairs["therapist_wai"].astype(float).round(4),
                         clinic=pairs["clinic"].astype(str))
            .groupby(["clinic", "client_wai", "therapist_wai"], as_index=False)
            .agg(n_pairs=("session_id", "size")))


def discrepancy_intervals(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per therapist: the mean client-minus-therapist discrepancy, its SD, and the 95 % interval with the
    client as the unit: mean ± t(0.975, G - 1) · SE with statsmodels' cluster-robust SE over the
    therapist's G clients (empty under 2 clients)."""
    import statsmodels.api as sm

    diff = pairs.assign(d=pairs["client_wai"].astype(float) - pairs["therapist_wai"].astype(float))
    rows = []
    for (clinic, therapist), part in diff.groupby(["clinic", "therapist_id"]):
        clusters = pd.factorize(part["client_id"])[0]
        g, mean = clusters.max() + 1, float(part["d"].mean())
        low = high = np.nan
        if g >= 2:
            fit = sm.OLS(part["d"].to_numpy(), np.ones(len(part))).fit(cov_type="cluster",
                                                                        cov_kwds={"groups": clusters})
            half = float(special.stdtrit(g - 1, 0.975)) * float(fit.bse[0])
            low, high = round(mean - half, 2), round(mean + half, 2)
        rows.append({"clinic": clinic, "therapist_id": therapist, "n": len(part), "sd": part["d"].std(),
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["clinic", "therapist_id", "n", "sd", "ci_low", "ci_high"])
