"""The caseload flags on realistic noise (issue 18): a short list, that still holds the clients who get worse.

Three clinics generated with the published spread of SRS and ORS scores (tests/realistic.py: a
client's SRS moves about 2 points from session to session, clients differ by 2.5 and therapists by
0.8, a ceiling at 40; ORS intake about 19 with SD 7, about 6 % of clients truly getting worse). No
threshold was tuned to these seeds; the targets are the issue's.
"""
from __future__ import annotations

import pandas as pd
import pytest

from alliance import queries, store
from alliance.caseload import FLAGS
from alliance.settings import load_settings
from tests.realistic import Realistic, realistic_clinic

SEEDS = {"Kyst DPS": 101, "Fjord DPS": 202, "Vik DPS": 303}


@pytest.fixture(scope="module")
def realistic(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibration")
    out = Realistic()
    for clinic, seed in SEEDS.items():
        realistic_clinic(seed, therapists=30, clinic=clinic, out=out, outcome=True)
    home = root / "home"
    report = store.ingest(out.write(root / "exports"), home)
    assert report.exit_code == 0
    con = store.open_reader(home)
    settings = load_settings(home)
    yield {"flags": queries.run(con, "caseload_flags", {}, settings=settings),
           "outcomes": queries.run(con, "client_outcomes", {}, settings=settings),
           "validation": queries.run(con, "flag_validation", {}, settings=settings), "planted": out}
    con.close()


def test_at_most_a_quarter_of_recently_seen_clients_are_flagged(realistic):
    flags = realistic["flags"]
    recent = flags[flags["active"]]
    assert len(recent) >= 150  # enough clients for the share to mean something
    share = float((recent["n_flags"] > 0).mean())
    print("flagged share of recently seen clients", round(share, 3), "of", len(recent),
          {f: round(float(recent[f].mean()), 3) for f in FLAGS})
    assert share <= 0.25


def test_at_least_four_in_five_clients_whose_ors_falls_ten_points_carry_a_flag(realistic):
    outcomes = realistic["outcomes"]
    falls = outcomes[outcomes["change"] <= -10][["clinic", "client_id"]]
    assert len(falls) >= 30
    flagged = falls.merge(realistic["flags"], on=["clinic", "client_id"])
    assert len(flagged) == len(falls)
    share = float((flagged["n_flags"] > 0).mean())
    print("share of clients whose ORS fell 10 or more that are flagged", round(share, 3), "of", len(falls))
    assert share >= 0.80


def test_the_flags_foretell_a_poor_outcome_better_than_chance(realistic):
    """flag_validation on the realistic clinics: a flag raised during a closed treatment should point to
    one that ends without a reliable improvement more often than the base rate does."""
    v = realistic["validation"]
    assert set(v["clinic"]) == set(SEEDS)
    for clinic, part in v.groupby("clinic"):
        base = part["n_poor"].iloc[0] / part["n_closed"].iloc[0]
        by_flag = part.set_index("flag")
        for flag in ("deteriorated", "not_on_track", "any"):
            assert by_flag.loc[flag, "ppv_low"] > base, (clinic, flag)
        print(clinic, by_flag[["share_flagged", "sensitivity", "ppv"]].to_dict("index"))
    assert (v["n_closed"] > 0).all() and ((v["share_low"] <= v["share_flagged"])
                                          & (v["share_flagged"] <= v["share_high"])).all()
