"""A client's and a therapist's model figures are one answer, whoever looks and whatever filter is set (issue 18, item 4).

The expected-response band (and so "not on track") used to be fitted within whatever scope was asked
for: for HB-T08 in the sample the screen flagged 40 of 51 clients and the therapist pack 39, and
HB-K0093's concern went from 9 to 5. Models are now fitted on whole clinics and filtered afterwards.
"""
from __future__ import annotations

import datetime as dt

import pytest
from pandas.testing import assert_frame_equal

from alliance import queries, report, store
from alliance.scope import Scope

HB, FJ = "Havbris DPS", "Fjordklinikken"
VIEWS = {
    "a supervisor of the public clinic": Scope(clinics=(HB,), peers=(FJ,)),
    "the therapist pack for HB-T08": report.therapist_scope(Scope(), HB, "HB-T08"),
    "a filter to the Bergen site": Scope(sites=((FJ, "Bergen"),)),
    "a supervisor of Oslo with one therapist filtered": Scope(clinics=(FJ,), sites=((FJ, "Oslo"),),
                                                              therapists=((FJ, "FK-OSL-T03"),)),
}
PERIODS = {"the whole history": {}, "a period": {"start": dt.date(2024, 9, 1), "end": dt.date(2025, 3, 31)}}
FIGURES = {"caseload_flags": ["clinic", "client_id"], "treatment_response": ["clinic", "client_id"],
           "funnel": ["clinic", "therapist_id"]}


@pytest.fixture(scope="module")
def con(sample_home):
    connection = store.open_reader(sample_home)
    yield connection
    connection.close()


@pytest.mark.parametrize("name", list(FIGURES))
@pytest.mark.parametrize("period", list(PERIODS))
def test_every_row_is_the_same_in_every_view(con, name, period):
    keys = FIGURES[name]
    params = PERIODS[period]
    everything = queries.run(con, name, params, Scope())
    for view, scope in VIEWS.items():
        seen = queries.run(con, name, params, scope)
        assert len(seen), (view, period)
        expected = everything.merge(seen[keys], on=keys).sort_values(keys).reset_index(drop=True)
        assert_frame_equal(seen.sort_values(keys).reset_index(drop=True), expected, obj=f"{name}, {view}, {period}")


def test_the_pack_and_the_screen_flag_the_same_clients_of_hb_t08(con):
    screen = queries.run(con, "caseload_flags", {}, Scope(clinics=(HB,)))
    screen = screen[screen["therapist_id"] == "HB-T08"].sort_values("client_id").reset_index(drop=True)
    # The pack names its period: with none chosen, the data's first and last day (report.resolve_period).
    start, end = report.resolve_period(con, None, None, {})
    pack = queries.run(con, "caseload_flags", {"start": start, "end": end}, VIEWS["the therapist pack for HB-T08"])
    pack = pack.sort_values("client_id").reset_index(drop=True)
    assert list(pack["client_id"]) == list(screen["client_id"])
    assert_frame_equal(pack, screen)
