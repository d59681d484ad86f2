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
    """Per therapist: the mean client-minus-therapist discrepancy, its SD and 95 % t-interval (empty under 2 pairs)."""
    diff = pairs.assign(d=pairs["client_wai"].astype(float) - pairs["therapist_wai"].astype(float))
    per = diff.groupby(["clinic", "therapist_id"], as_index=False).agg(
        n=("d", "size"), mean=("d", "mean"), sd=("d", "std"))
    dof = per["n"] - 1
    t_975 = pd.Series(special.stdtrit(dof.where(dof >= 1).astype(float), 0.975), index=per.index)
    half = t_975 * per["sd"] / np.sqrt(per["n"])
    per["ci_low"] = (per["mean"] - half).round(2)
    per["ci_high"] = (per["mean"] + half).round(2)
    return per[["clinic", "therapist_id", "n", "sd", "ci_low", "ci_high"]]
