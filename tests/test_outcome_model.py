"""Alliance and outcome as a multilevel model (issue 18, item 7): checked against statsmodels' MixedLM."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance import queries, store
from alliance.outcome_model import MIN_THERAPISTS, fit, model_frame
from alliance.reml import Z_95
from alliance.scope import Scope


@pytest.fixture(scope="module")
def con(sample_home):
    connection = store.open_reader(sample_home)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def clients(con):
    return queries.run_input(con, "model_early_alliance", {"start": None, "end": None})


FORMULA = "last_ors ~ first_ors + within + between + private + private:within + private:between"
ORDER = ["Intercept", "first_ors", "within", "between", "private", "private:within", "private:between"]


def _best_mixedlm(used: pd.DataFrame):
    """MixedLM's REML fit by the optimiser that reaches the highest finite likelihood among those that
    converge (at a therapist variance of zero L-BFGS reports an infinite one and BFGS may stop short)."""
    model = smf.mixedlm(FORMULA, used, groups="therapist")
    fits = []
    for method in ("bfgs", "nm", "powell"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model.fit(reml=True, method=[method])
        if result.converged and np.isfinite(result.llf):
            fits.append(result)
    assert fits
    return max(fits, key=lambda r: r.llf)


def _compare(used: pd.DataFrame) -> dict:
    ours = fit(used, sectors=True)
    assert ours["converged"]
    theirs = _best_mixedlm(used)
    np.testing.assert_allclose(ours["beta"], theirs.fe_params[ORDER].to_numpy(), rtol=1e-4, atol=1e-4)
    assert ours["var_resid"] == pytest.approx(theirs.scale, rel=1e-4)
    assert ours["var_group"] == pytest.approx(float(theirs.cov_re.iloc[0, 0]), rel=1e-3, abs=1e-5)
    # The covariance of the coefficients, (X' V^-1 X)^-1, worked out therapist by therapist with V = s2 I + t2 J
    # at MixedLM's variances. (MixedLM's own bse_fe come from the Hessian of the whole likelihood, which
    # differs from this textbook form by a few parts in a thousand.)
    names = ["intercept", "first_ors", "within", "between", "private"]
    X = np.column_stack([np.ones(len(used)), *(used[c].to_numpy(float) for c in names[1:]),
                         used["private"] * used["within"], used["private"] * used["between"]])
    information = np.zeros((X.shape[1], X.shape[1]))
    for _, index in used.groupby("therapist").indices.items():
        block = X[index]
        V = theirs.scale * np.eye(len(index)) + float(theirs.cov_re.iloc[0, 0]) * np.ones((len(index), len(index)))
        information += block.T @ np.linalg.solve(V, block)
    np.testing.assert_allclose(ours["cov_beta"], np.linalg.inv(information), rtol=1e-3, atol=1e-9)
    if not ours["boundary"]:
        # At a therapist variance of zero the variance sits on its bound, where the full likelihood's
        # Hessian couples it with the coefficients; the textbook form above is then the one to compare.
        np.testing.assert_allclose(np.sqrt(np.diag(ours["cov_beta"])), theirs.bse_fe[ORDER].to_numpy(), rtol=1e-2)
    return ours


def test_the_fit_equals_statsmodels_mixedlm_on_the_sample(clients):
    # In the sample the therapists' outcomes differ no more than chance gives: the therapist variance is at
    # zero, where MixedLM's L-BFGS fails (its likelihood is infinite there); Nelder-Mead finds the same optimum.
    ours = _compare(model_frame(clients))
    assert ours["boundary"]


def test_the_fit_equals_statsmodels_mixedlm_with_real_therapist_differences():
    rng = np.random.default_rng(18)
    rows = []
    for t in range(24):
        sector = "private" if t % 2 else "public"
        level, effect = rng.normal(35, 1.2), rng.normal(0, 2.5)
        for _ in range(int(rng.integers(6, 20))):
            alliance = level + rng.normal(0, 2.5)
            intake = rng.normal(19, 7)
            final = 5 + 0.8 * intake + 0.4 * (alliance - level) + 1.0 * (level - 35) + effect + rng.normal(0, 6)
            rows.append({"clinic": "C", "early_therapist": f"T{t}", "sector": sector, "early_alliance": alliance,
                         "n_ors": 2, "first_ors": intake, "last_ors": final})
    ours = _compare(model_frame(pd.DataFrame(rows)))
    assert not ours["boundary"] and ours["var_group"] > 1


def test_each_sector_gets_its_own_effects_with_intervals(con, clients):
    rows = queries.run(con, "alliance_outcome_model").set_index("group")
    used = model_frame(clients)
    result = fit(used, sectors=True)
    beta, cov = result["beta"], result["cov_beta"]
    # public: the main terms; private: main plus interaction, with the covariance of both.
    public_within, private_within = beta[2], beta[2] + beta[5]
    se_private = np.sqrt(cov[2, 2] + cov[5, 5] + 2 * cov[2, 5])
    assert rows.loc["public", "within"] == pytest.approx(round(public_within, 3))
    assert rows.loc["private", "within"] == pytest.approx(round(private_within, 3))
    assert rows.loc["private", "within_low"] == pytest.approx(round(private_within - Z_95 * se_private, 3))
    assert rows.loc["private", "between"] == pytest.approx(round(beta[3] + beta[6], 3))
    for sector in ("public", "private"):
        part = used[used["sector"] == sector]
        assert rows.loc[sector, "n_clients"] == len(part)
        assert rows.loc[sector, "r"] == pytest.approx(round(np.corrcoef(part["early_alliance"], part["last_ors"])[0, 1], 3))
    assert set(rows["status"]) == {"fitted"}


def test_the_early_therapist_is_the_one_of_the_first_rated_session(con, clients):
    sessions = con.execute("SELECT clinic, client_id, therapist_id, session_number, session_date, session_id "
                           "FROM attended_sessions WHERE is_rated").df()
    first = (sessions.sort_values(["clinic", "client_id", "session_number", "session_date", "session_id"])
             .groupby(["clinic", "client_id"]).head(1).set_index(["clinic", "client_id"])["therapist_id"])
    got = clients.set_index(["clinic", "client_id"])["early_therapist"].dropna()
    assert got.equals(first.loc[got.index])
    assert len(got) == len(first)


def test_the_between_effect_needs_three_therapists(con):
    def status(therapists):
        scope = Scope(therapists=tuple(("Havbris DPS", t) for t in therapists))
        return set(queries.run(con, "alliance_outcome_model", {}, scope)["status"])

    assert MIN_THERAPISTS == 3
    assert status(["HB-T01", "HB-T02"]) == {"few_therapists"}
    assert status(["HB-T01", "HB-T02", "HB-T03"]) == {"fitted"}


def test_the_model_is_a_peer_figure_and_suppressed(con):
    # A supervisor of the public clinic sees the private sector's row only as an aggregate over its clients.
    rows = queries.run(con, "alliance_outcome_model", {}, Scope(clinics=("Havbris DPS",), peers=("Fjordklinikken",)))
    assert set(rows["group"]) == {"public", "private"} and "suppressed" in rows.columns
    assert not rows["suppressed"].any()  # hundreds of clients in each sector
