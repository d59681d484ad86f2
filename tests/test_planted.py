"""The contract queries recover what the sample generator planted (sample_data/planted_truth.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance import queries
from alliance.store import open_reader

ROOT = Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "sample_data" / "planted_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(sample_home):
    connection = open_reader(sample_home)
    yield connection
    connection.close()


def test_every_planted_rupture_is_found_with_its_status(con):
    found = queries.run(con, "ruptures")
    by_session = {(r.clinic, r.session_id): r for r in found.itertuples()}
    planted = TRUTH["ruptures"]["planted"]
    assert len(planted) >= 20
    for p in planted:
        row = by_session.get((p["clinic"], p["session_id"]))
        assert row is not None, p
        assert (row.client_id, row.status) == (p["client_id"], p["status"])
        assert row.srs_before == pytest.approx(p["srs_before"]) and row.srs_at == pytest.approx(p["srs_at"])
    # Session noise (SD 2, as published) adds many ruptures of its own, as in real data, mostly small
    # falls; the planted ones are falls of 6 to 10 points.
    planted_ids = {(p["clinic"], p["session_id"]) for p in planted}
    is_planted = [(r.clinic, r.session_id) in planted_ids for r in found.itertuples()]
    noise = found[[not x for x in is_planted]]
    assert len(noise) == TRUTH["ruptures"]["realised"]["not_planted"]
    assert noise["drop"].median() < 4 <= 6 <= found[is_planted]["drop"].min()


def test_therapists_rate_the_alliance_lower_than_clients(con):
    dual = queries.run(con, "dual_perspective")
    pairs = dual["n_pairs"].sum()
    overall = (dual["mean_discrepancy"] * dual["n_pairs"]).sum() / pairs
    assert pairs == TRUTH["discrepancy"]["n_pairs"]
    assert overall == pytest.approx(TRUTH["discrepancy"]["mean_discrepancy"], abs=0.01)
    assert overall > 0.15
    # Most therapists, not just the average, show the gap.
    assert (dual["mean_discrepancy"] > 0).mean() >= 0.8


def test_therapist_summary_matches_the_planted_caseloads(con):
    summary = queries.run(con, "therapist_summary")
    planted = {(t["clinic"], t["therapist_id"]): t for t in TRUTH["therapists"]}
    assert set(zip(summary["clinic"], summary["therapist_id"])) == set(planted)
    for row in summary.itertuples():
        t = planted[(row.clinic, row.therapist_id)]
        assert (row.n_clients, row.n_sessions, row.n_rated) == (t["n_clients"], t["n_attended"], t["n_rated"])
        assert row.mean_srs == pytest.approx(t["realised_mean_srs"], abs=0.01)
        assert row.site == t["site"]


def test_ceiling_clients_never_drop(con):
    ceiling = {(c["clinic"], c["client_id"]) for c in TRUTH["ceiling_clients"]}
    found = queries.run(con, "ruptures")
    assert not ceiling & set(zip(found["clinic"], found["client_id"]))


def test_private_clinic_sees_clients_more_often(con):
    outcomes = queries.run(con, "client_outcomes")
    sessions_per_client = outcomes.groupby("clinic")["n_sessions"].mean()
    assert sessions_per_client["Fjordklinikken"] > 1.4 * sessions_per_client["Havbris DPS"]
