"""The therapist and dual-perspective charts on small frames, and the wai_pairs query on a hand-made store."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from scipy import stats

from alliance import i18n, queries
from alliance.charts.colors import REFERENCE_COLOR
from alliance.charts.dual import (
    create_discrepancy_by_therapist,
    create_discrepancy_development,
    create_wai_pairs_scatter,
    create_wai_profiles,
)
from alliance.charts.therapists import NOT_JUDGED_COLOR, create_funnel, create_therapist_effects
from alliance.i18n import t
from alliance.scope import Scope
from alliance.store import open_reader
from tests.exports import feedback
from tests.references import discrepancy_intervals, wai_pair_points
from tests.test_charts import plain, values
from tests.test_queries import build, client_course, run, wai

SITE_COLORS = {"Bergen": "#E69F00", "Oslo": "#CC79A7", "Havbris DPS": "#009E73",
               "Fjordklinikken": "#56B4E9"}


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def funnel_rows(rows) -> pd.DataFrame:
    """(therapist, site, n_clients, n_rated, adjusted_mean, outside_95, outside_998, too_few); each clinic with
    mean 36, unit_var 4 and tau2 0.25 (Havbris DPS: mean 35, unit_var 9, tau2 0)."""
    frame = pd.DataFrame(rows, columns=["therapist_id", "site", "n_clients", "n_rated", "adjusted_mean", "outside_95",
                                        "outside_998", "too_few"])
    frame.insert(0, "clinic", np.where(frame["site"] == "Havbris DPS", "Havbris DPS", "Fjordklinikken"))
    public = frame["clinic"] == "Havbris DPS"
    frame["overall_mean"] = np.where(public, 35.0, 36.0)
    frame["unit_var"] = np.where(public, 9.0, 4.0)
    frame["tau2"] = np.where(public, 0.0, 0.25)
    for z, low, high in ((1.96, "lower_95", "upper_95"), (3.09, "lower_998", "upper_998")):
        half = z * np.sqrt(frame["unit_var"] / frame["n_clients"] + frame["tau2"])
        frame[low], frame[high] = frame["overall_mean"] - half, frame["overall_mean"] + half
    return frame


FUNNEL = funnel_rows([
    ("T1", "Bergen", 12, 100, 37.5, "above", "above", False),
    ("T2", "Oslo", 30, 400, 36.1, None, None, False),
    ("T3", "Bergen", 3, 25, 33.0, None, None, True),
])
TWO_CLINICS = pd.concat([FUNNEL, funnel_rows([("H1", "Havbris DPS", 20, 200, 34.0, None, None, False)])],
                        ignore_index=True)


def traces(spec: dict, name: str) -> list[dict]:
    return [trace for trace in spec["data"] if trace.get("name") == name]


# --------------------------------------------------------------------------- funnel


def test_funnel_points_by_site_in_their_fixed_colour_and_too_few_hollow_grey():
    spec = plain(create_funnel(FUNNEL, colors=SITE_COLORS))
    [bergen] = traces(spec, "Bergen")
    [oslo] = traces(spec, "Oslo")
    [few] = traces(spec, "too few clients (not judged)")
    # Across: clients (the unit); up: the mean client alliance allowing for session number.
    assert values(bergen["x"]) == [12] and values(bergen["y"]) == [37.5]
    assert bergen["marker"]["color"] == SITE_COLORS["Bergen"] and oslo["marker"]["color"] == SITE_COLORS["Oslo"]
    # T3 is a Bergen therapist, but with too few clients it is drawn apart, hollow and grey, and not judged.
    assert values(few["x"]) == [3] and list(few["text"]) == ["T3"]
    assert few["marker"]["line"]["color"] == NOT_JUDGED_COLOR and few["marker"]["color"] == "rgba(0,0,0,0)"
    assert few["customdata"][0][1] == "too few clients: not judged"
    assert bergen["customdata"][0][1] == "above the 99.8 % limit"
    assert oslo["customdata"][0][1] == "inside the limits"
    assert spec["layout"]["xaxis"]["title"]["text"] == "Clients"


def test_funnel_limits_follow_the_formula_and_are_labelled():
    spec = plain(create_funnel(FUNNEL))
    [upper95, lower95] = traces(spec, "95 % limits")
    [upper998, lower998] = traces(spec, "99.8 % limits")
    k = np.array(values(upper95["x"]))
    assert k.min() <= 3 and k.max() >= 30, "the funnel spans every therapist"
    # overall mean +- z sqrt(unit_var / k + tau2): the ordinary spread between therapists keeps them apart at any k.
    assert np.allclose(values(upper95["y"]), 36 + 1.96 * np.sqrt(4 / k + 0.25))
    assert np.allclose(values(lower998["y"]), 36 - 3.09 * np.sqrt(4 / k + 0.25))
    assert min(values(upper95["y"])) > 36 + 1.96 * 0.5 - 1e-9
    assert all(tr["line"]["color"] == REFERENCE_COLOR for tr in (upper95, lower95, upper998, lower998))
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert "95 % limits" in labels and "99.8 % limits" in labels and "clinic mean 36.00" in labels
    assert any(s.get("y0") == 36 for s in spec["layout"]["shapes"])


def test_funnel_draws_one_funnel_per_clinic_with_its_own_limits():
    spec = plain(create_funnel(TWO_CLINICS, colors=SITE_COLORS))
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert "Fjordklinikken" in titles and "Havbris DPS" in titles
    upper95 = traces(spec, "95 % limits")
    assert len(upper95) == 4 and sum(1 for tr in upper95 if tr["showlegend"]) == 1  # one legend entry
    havbris = [tr for tr in upper95 if tr["xaxis"] == "x2"]
    k = np.array(values(havbris[0]["x"]))
    assert np.allclose(values(havbris[0]["y"]), 35 + 1.96 * np.sqrt(9 / k))
    [h1] = traces(spec, "Havbris DPS")
    assert h1["xaxis"] == "x2" and values(h1["x"]) == [20]
    assert {"clinic mean 36.00", "clinic mean 35.00"} <= set(titles)


def test_funnel_hover_gives_the_number_of_clients_and_sessions():
    spec = plain(create_funnel(FUNNEL))
    [bergen] = traces(spec, "Bergen")
    assert "%{x} clients, %{customdata[0]} rated sessions" in bergen["hovertemplate"]
    assert bergen["customdata"][0][0] == 100


def test_funnel_in_norwegian():
    i18n.set_language("nb")
    spec = plain(create_funnel(FUNNEL))
    assert spec["layout"]["separators"] == ",\u00a0"
    assert traces(spec, "for få klienter (ikke vurdert)")
    assert "klinikkens gjennomsnitt 36,00" in [a["text"] for a in spec["layout"]["annotations"]]
    assert spec["layout"]["yaxis"]["title"]["text"] == "Klientenes gjennomsnittlige SRS, justert for timenummer"


def test_funnel_empty_is_a_sentence_and_bad_input_a_clear_error():
    spec = plain(create_funnel(FUNNEL.iloc[0:0]))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("therapists.funnel.empty")]
    assert spec["data"] == [] and spec["layout"]["xaxis"]["visible"] is False
    with pytest.raises(ValueError, match="missing: overall_mean"):
        create_funnel(FUNNEL.drop(columns=["overall_mean"]))
    with pytest.raises(ValueError, match="DataFrame"):
        create_funnel([1, 2, 3])


# --------------------------------------------------------------------------- shrunken estimates

EFFECTS = pd.DataFrame({
    "clinic": ["Fjordklinikken", "Fjordklinikken", "Havbris DPS", "Havbris DPS"],
    "therapist_id": ["FK-1", "FK-2", "HB-1", "HB-2"],
    "site": ["Bergen", "Oslo", "Havbris DPS", "Havbris DPS"],
    "n_clients": [10, 12, 3, 9],
    "n_rated": [100, 150, 20, 90],
    "raw_mean": [35.0, 38.0, 39.5, 36.0],
    "estimate": [35.2, 37.5, 36.8, 36.1],
    "ci_low": [34.0, 36.5, 34.9, 35.0],
    "ci_high": [36.4, 38.5, 38.7, 37.2],
    "too_few": [False, False, True, False],
    "rank": pd.array([3, 1, pd.NA, 2], dtype="Int64"),
    "p_above": [0.04, 0.962, np.nan, 0.5],
    "converged": True, "adjusted": False, "note": "",
})


def test_forest_orders_by_estimate_and_sets_too_few_apart_unranked():
    spec = plain(create_therapist_effects(EFFECTS, colors=SITE_COLORS))
    # Plotly draws the first category at the bottom: the unranked block, then the ranked from low to high.
    assert spec["layout"]["yaxis"]["categoryarray"] == ["HB-1", "FK-1", "HB-2", "FK-2"]
    [few] = traces(spec, "not reliable enough (not compared)")
    assert list(few["y"]) == ["HB-1"] and few["marker"]["line"]["color"] == NOT_JUDGED_COLOR
    assert few["customdata"][0][5] == "not reliable enough to compare"
    [oslo] = traces(spec, "Oslo")
    # Not a rank: the probability that the therapist lies above the average.
    assert oslo["customdata"][0][5] == "96% probability of lying above the average"
    assert oslo["marker"]["color"] == SITE_COLORS["Oslo"]


def test_forest_draws_the_95_interval_around_each_estimate_with_n_in_the_hover():
    spec = plain(create_therapist_effects(EFFECTS))
    [bergen] = traces(spec, "Bergen")
    assert values(bergen["x"]) == [35.2]
    assert values(bergen["error_x"]["array"]) == pytest.approx([36.4 - 35.2])
    assert values(bergen["error_x"]["arrayminus"]) == pytest.approx([35.2 - 34.0])
    assert "%{customdata[3]} clients, %{customdata[4]} rated sessions" in bergen["hovertemplate"]
    assert any(a["text"].startswith("average of the estimates") for a in spec["layout"]["annotations"])


def test_forest_without_estimates_shows_the_plain_means_or_says_so():
    # The model could not be fitted: the plain means, hollow and grey, without intervals or ranks.
    unfitted = EFFECTS.assign(estimate=np.nan, ci_low=np.nan, ci_high=np.nan, rank=pd.NA, p_above=np.nan)
    spec = plain(create_therapist_effects(unfitted))
    [means] = spec["data"]
    assert means["name"] == t("therapists.effects.plain_name") and "error_x" not in means
    assert values(means["x"]) == [35.0, 36.0, 38.0, 39.5]  # in the order of the mean
    assert values(means["y"]) == ["FK-1", "HB-2", "FK-2", "HB-1"]
    assert means["marker"]["line"]["color"] == NOT_JUDGED_COLOR and means["marker"]["color"] == "rgba(0,0,0,0)"
    assert spec["layout"]["xaxis"]["title"]["text"] == t("therapists.effects.plain_x")
    assert "rank" not in means["hovertemplate"]
    # nothing at all to show: a sentence
    spec = plain(create_therapist_effects(unfitted.assign(raw_mean=np.nan)))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("therapists.effects.not_fitted")]
    spec = plain(create_therapist_effects(EFFECTS.iloc[0:0]))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("therapists.effects.empty")]
    with pytest.raises(ValueError, match="missing: ci_low, ci_high"):
        create_therapist_effects(EFFECTS.drop(columns=["ci_low", "ci_high"]))


def test_same_therapist_id_in_two_clinics_is_told_apart():
    twins = EFFECTS.assign(therapist_id=["T1", "T2", "T1", "T3"])
    spec = plain(create_therapist_effects(twins))
    assert "T1 (Fjordklinikken)" in spec["layout"]["yaxis"]["categoryarray"]
    assert "T1 (Havbris DPS)" in spec["layout"]["yaxis"]["categoryarray"]
    assert "T2" in spec["layout"]["yaxis"]["categoryarray"]


# --------------------------------------------------------------------------- dual perspective


def pair_rows(rows) -> pd.DataFrame:
    """(clinic, therapist, client, client_wai, therapist_wai) -> wai_pairs rows."""
    frame = pd.DataFrame(rows, columns=["clinic", "therapist_id", "client_id", "client_wai", "therapist_wai"])
    frame["session_id"] = [f"S{i}" for i in range(len(frame))]
    frame["session_number"] = range(1, len(frame) + 1)
    frame["session_date"] = pd.Timestamp("2024-03-01")
    return frame


PAIRS = pair_rows([
    ("Havbris DPS", "T1", "K1", 4.0, 3.0),
    ("Havbris DPS", "T1", "K2", 4.0, 3.0),
    ("Havbris DPS", "T1", "K3", 4.5, 4.0),
    ("Fjordklinikken", "F1", "K9", 3.0, 3.5),
])


def test_scatter_draws_pairs_by_clinic_sized_by_count_with_the_line_of_agreement():
    spec = plain(create_wai_pairs_scatter(wai_pair_points(PAIRS), colors=SITE_COLORS))
    [line] = [tr for tr in spec["data"] if tr["mode"] == "lines"]
    assert values(line["x"]) == values(line["y"]), "the line of agreement is y = x"
    assert line["line"]["color"] == REFERENCE_COLOR
    [havbris] = traces(spec, "Havbris DPS")
    points = sorted(zip(values(havbris["x"]), values(havbris["y"]), values(havbris["marker"]["size"])))
    assert points == [(3.0, 4.0, 2), (4.0, 4.5, 1)], "two pairs at (3, 4) are one point of size 2"
    assert havbris["marker"]["color"] == SITE_COLORS["Havbris DPS"]
    assert "%{customdata[0]} session pair(s) here" in havbris["hovertemplate"]
    hovered = dict(zip(values(havbris["x"]), (row[0] for row in values(havbris["customdata"]))))
    assert hovered == {3.0: 2, 4.0: 1}, "the hover gives the number of pairs at the point"
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert {"agreement: client = therapist", "client rates higher", "therapist rates higher"} <= set(labels)
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("Therapist")
    assert spec["layout"]["yaxis"]["title"]["text"].startswith("Client")


def test_scatter_empty_and_bad_input():
    with pytest.raises(ValueError, match="missing: n_pairs"):
        create_wai_pairs_scatter(PAIRS)  # pair-level rows are counted in the store, not by the chart
    spec = plain(create_wai_pairs_scatter(wai_pair_points(PAIRS).iloc[0:0]))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("dual.scatter.empty")]
    with pytest.raises(ValueError, match="wai_pair_points query; missing: client_wai"):
        create_wai_pairs_scatter(wai_pair_points(PAIRS).drop(columns=["client_wai"]))


def test_scatter_of_counted_points_is_the_same_in_any_order():
    """The page hands the chart wai_pair_points (counted in the store); the figure does not depend on their order."""
    points = wai_pair_points(PAIRS)
    assert list(points.columns) == ["clinic", "client_wai", "therapist_wai", "n_pairs"]
    assert sorted(points.itertuples(index=False, name=None)) == [
        ("Fjordklinikken", 3.0, 3.5, 1), ("Havbris DPS", 4.0, 3.0, 2), ("Havbris DPS", 4.5, 4.0, 1)]
    in_order = plain(create_wai_pairs_scatter(points, colors=SITE_COLORS))
    assert plain(create_wai_pairs_scatter(points.iloc[::-1], colors=SITE_COLORS)) == in_order


def test_discrepancy_intervals_are_t_intervals_per_therapist():
    got = discrepancy_intervals(PAIRS).set_index("therapist_id")
    diffs = np.array([1.0, 1.0, 0.5])
    half = stats.t.ppf(0.975, 2) * diffs.std(ddof=1) / math.sqrt(3)
    assert got.loc["T1", "n"] == 3
    assert got.loc["T1", "ci_low"] == pytest.approx(round(diffs.mean() - half, 2))
    assert got.loc["T1", "ci_high"] == pytest.approx(round(diffs.mean() + half, 2))
    assert math.isnan(got.loc["F1", "ci_low"]), "one pair has no spread and no interval"


BY_THERAPIST = pd.DataFrame({
    "clinic": ["Havbris DPS", "Fjordklinikken", "Havbris DPS"],
    "therapist_id": ["T1", "F1", "T2"],
    "n_pairs": [3, 1, 5],
    "mean_client_wai": [4.17, 3.0, 4.0],
    "mean_therapist_wai": [3.33, 3.5, 3.9],
    "mean_discrepancy": [0.83, -0.5, 0.1],
    "correlation": [0.5, np.nan, 0.9],
    "ci_low": [0.2, np.nan, -0.1],
    "ci_high": [1.5, np.nan, 0.3],
})


def test_discrepancy_by_therapist_ordered_with_intervals_and_a_labelled_zero_line():
    spec = plain(create_discrepancy_by_therapist(BY_THERAPIST, colors=SITE_COLORS))
    assert spec["layout"]["yaxis"]["categoryarray"] == ["F1", "T2", "T1"]
    [havbris] = traces(spec, "Havbris DPS")
    assert list(havbris["y"]) == ["T2", "T1"]
    assert values(havbris["error_x"]["array"]) == pytest.approx([0.2, 0.67])
    assert havbris["marker"]["color"] == SITE_COLORS["Havbris DPS"]
    assert [c[2] for c in havbris["customdata"]] == [5, 3], "the hover gives n pairs"
    [fjord] = traces(spec, "Fjordklinikken")
    assert fjord["customdata"][0][5] == "–", "an empty correlation is shown as a dash"
    assert any(s.get("x0") == 0 for s in spec["layout"]["shapes"])
    assert "no difference" in [a["text"] for a in spec["layout"]["annotations"]]
    # Without intervals the means stand alone.
    assert plain(create_discrepancy_by_therapist(BY_THERAPIST.drop(columns=["ci_low", "ci_high"])))["data"]
    spec = plain(create_discrepancy_by_therapist(BY_THERAPIST.iloc[0:0]))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("dual.therapist.empty")]
    with pytest.raises(ValueError, match="missing: correlation"):
        create_discrepancy_by_therapist(BY_THERAPIST.drop(columns=["correlation"]))


DEVELOPMENT = pd.DataFrame({
    "session_number": [3, 3, 6, 6], "group": ["private", "public", "private", "public"], "n": [10, 12, 1, 8],
    "mean": [0.3, 0.4, 0.2, 0.35], "sd": [0.2, 0.3, np.nan, 0.3],
    "ci_low": [0.16, 0.21, np.nan, 0.1], "ci_high": [0.44, 0.59, np.nan, 0.6],
    "mean_client_wai": 4.0, "mean_therapist_wai": 3.7,
})


def test_discrepancy_development_lines_with_intervals_n_and_zero_line():
    spec = plain(create_discrepancy_development(DEVELOPMENT, group_label="Sector"))
    [public] = traces(spec, "public")
    assert values(public["x"]) == [3, 6] and values(public["y"]) == [0.4, 0.35]
    assert values(public["error_y"]["array"]) == pytest.approx([0.19, 0.25])
    assert public["line"]["color"] == "#0072B2", "sectors keep their fixed colours"
    assert "%{customdata[0]} session pairs" in public["hovertemplate"]
    [private] = traces(spec, "private")
    assert list(values(private["customdata"])[1]) == [1, "–", "–"], "one pair: no interval, said as a dash"
    assert any(s.get("y0") == 0 for s in spec["layout"]["shapes"])
    assert spec["layout"]["legend"]["title"]["text"] == "Sector"
    one = plain(create_discrepancy_development(DEVELOPMENT[DEVELOPMENT["group"] == "public"]))
    assert one["layout"]["showlegend"] is True, "a lone line still says whose it is"
    spec = plain(create_discrepancy_development(DEVELOPMENT.iloc[0:0], max_session=12))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("dual.development.empty", max=12)]
    with pytest.raises(ValueError, match="discrepancy_development"):
        create_discrepancy_development(DEVELOPMENT.drop(columns=["n"]))


PROFILES = pd.DataFrame({
    "group": ["Fjordklinikken", "Havbris DPS", "Nowhere"], "n_clients": [20, 30, 2], "n_sessions": [100, 150, 5],
    "n_srs": 0, "n_client_wai": [40, 60, 0],
    "client_goal": [4.1, 4.2, np.nan], "client_task": [4.0, 4.1, np.nan], "client_bond": [4.3, 4.4, np.nan],
    "n_therapist_wai": [38, 61, 0],
    "therapist_goal": [3.8, 3.6, np.nan], "therapist_task": [3.7, 3.5, np.nan], "therapist_bond": [3.9, 3.7, np.nan],
})


def test_profiles_three_panels_client_filled_therapist_hollow_in_the_group_colour():
    spec = plain(create_wai_profiles(PROFILES, colors=SITE_COLORS))
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles == ["Goal", "Task", "Bond"]
    clients = [tr for tr in spec["data"] if tr.get("legendgroup") == "client"]
    therapists = [tr for tr in spec["data"] if tr.get("legendgroup") == "therapist"]
    assert len(clients) == len(therapists) == 3
    goal_client, bond_therapist = clients[0], therapists[2]
    # Rows without any WAI-SR items ("Nowhere") are left out; the first row drawn is at the bottom.
    assert list(goal_client["y"]) == ["Havbris DPS", "Fjordklinikken"]
    assert values(goal_client["x"]) == [4.2, 4.1]
    assert goal_client["marker"]["color"] == [SITE_COLORS["Havbris DPS"], SITE_COLORS["Fjordklinikken"]]
    assert bond_therapist["marker"]["color"] == "white"
    assert bond_therapist["marker"]["line"]["color"] == [SITE_COLORS["Havbris DPS"], SITE_COLORS["Fjordklinikken"]]
    assert values(bond_therapist["x"]) == [3.7, 3.9]
    assert [row[0] for row in values(bond_therapist["customdata"])] == [61, 38], "the hover gives n forms"
    assert sorted(tr["name"] for tr in spec["data"] if tr.get("showlegend") is not False) == [
        "client (filled)", "therapist (hollow)"]


def test_profiles_empty_and_bad_input():
    spec = plain(create_wai_profiles(PROFILES.iloc[2:]))
    assert [a["text"] for a in spec["layout"]["annotations"]] == [t("dual.profiles.empty")]
    with pytest.raises(ValueError, match="missing: client_goal"):
        create_wai_profiles(PROFILES.drop(columns=["client_goal"]))


def test_dual_charts_in_norwegian_serialise():
    i18n.set_language("nb")
    for fig in (create_wai_pairs_scatter(wai_pair_points(PAIRS)), create_discrepancy_by_therapist(BY_THERAPIST),
                create_discrepancy_development(DEVELOPMENT), create_wai_profiles(PROFILES)):
        spec = plain(fig)
        assert spec["layout"]["separators"] == ",\u00a0"
        assert pio.to_json(fig)
    spec = plain(create_wai_pairs_scatter(wai_pair_points(PAIRS)))
    assert "klienten vurderer høyere" in [a["text"] for a in spec["layout"]["annotations"]]


# --------------------------------------------------------------------------- the wai_pairs query


def wai_store(tmp_path):
    """T1 (K1, 3 sessions) and T2 (K2, 2 sessions) at Havbris DPS; WAI-SR from both raters at some sessions."""
    s1, f1 = client_course("K1", [36, 36, 36], therapist="T1")
    s2, f2 = client_course("K2", [36, 36], therapist="T2", start=dt.date(2024, 3, 1))
    client_wai = {"K1-1": 5, "K1-2": 4, "K1-3": 4, "K2-1": 3, "K2-2": 4}
    therapist_wai = {"K1-1": 4, "K1-3": 2, "K2-1": 3, "K2-2": 5}  # K1-2: the client's form only
    forms = [dict(f, **({f"wai_{i + 1}": client_wai[f["session_id"]] for i in range(12)}
                        if f["session_id"] in client_wai else {})) for f in f1 + f2]
    forms += [feedback(session_id=sid, rater="therapist", srs=None, wai=wai(v)) for sid, v in therapist_wai.items()]
    return build(tmp_path, s1 + s2, forms)


def test_wai_pairs_one_row_per_session_with_both_forms(tmp_path):
    home = wai_store(tmp_path)
    rows = run(home, "wai_pairs")
    assert [(r["therapist_id"], r["session_id"], r["client_wai"], r["therapist_wai"]) for r in rows] == [
        ("T1", "K1-1", 5.0, 4.0), ("T1", "K1-3", 4.0, 2.0), ("T2", "K2-1", 3.0, 3.0), ("T2", "K2-2", 4.0, 5.0)]
    assert list(rows[0]) == ["clinic", "therapist_id", "client_id", "session_id", "session_number", "session_date",
                             "client_wai", "therapist_wai"]
    assert rows[1]["session_number"] == 3 and rows[1]["client_id"] == "K1"
    assert all(isinstance(r["client_wai"], float) for r in rows)
    # The same pairs the per-therapist figure counts.
    per = {r["therapist_id"]: r for r in run(home, "dual_perspective")}
    assert {k: v["n_pairs"] for k, v in per.items()} == {"T1": 2, "T2": 2}


def test_wai_pairs_follow_the_period_and_the_scope(tmp_path):
    home = wai_store(tmp_path)
    in_march = run(home, "wai_pairs", start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 5))
    assert [r["session_id"] for r in in_march] == ["K2-1"]
    con = open_reader(home)
    try:
        only_t1 = queries.run(con, "wai_pairs", {}, Scope(therapists=(("Havbris DPS", "T1"),)))
        nobody = queries.run(con, "wai_pairs", {}, Scope(clinics=("Elsewhere",)))
    finally:
        con.close()
    assert list(only_t1["session_id"]) == ["K1-1", "K1-3"]
    assert nobody.empty and "client_wai" in nobody.columns


def test_wai_pair_points_and_summary_count_the_pairs(tmp_path):
    """Pairs (client, therapist): T1 (5, 4), (4, 2); T2 (3, 3), (4, 5); K1-2 has the client's form only."""
    home = wai_store(tmp_path)
    points = run(home, "wai_pair_points")
    assert list(points[0]) == ["clinic", "client_wai", "therapist_wai", "n_pairs"]
    assert [(r["clinic"], r["client_wai"], r["therapist_wai"], r["n_pairs"]) for r in points] == [
        ("Havbris DPS", 3.0, 3.0, 1), ("Havbris DPS", 4.0, 2.0, 1), ("Havbris DPS", 4.0, 5.0, 1),
        ("Havbris DPS", 5.0, 4.0, 1)]
    assert all(isinstance(r["client_wai"], float) and isinstance(r["therapist_wai"], float) for r in points)
    assert run(home, "wai_pairs_summary") == [{"n_pairs": 4, "n_clients": 2, "n_therapists": 2,
                                               "pct_client_higher": 50.0, "pct_therapist_higher": 25.0}]
    in_march = dict(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 5))
    assert [(r["client_wai"], r["therapist_wai"], r["n_pairs"]) for r in run(home, "wai_pair_points", **in_march)] == [
        (3.0, 3.0, 1)]
    assert run(home, "wai_pairs_summary", **in_march) == [{"n_pairs": 1, "n_clients": 1, "n_therapists": 1,
                                                           "pct_client_higher": 0.0, "pct_therapist_higher": 0.0}]
    before = dict(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert run(home, "wai_pair_points", **before) == []
    assert run(home, "wai_pairs_summary", **before) == [{"n_pairs": 0, "n_clients": 0, "n_therapists": 0,
                                                         "pct_client_higher": None, "pct_therapist_higher": None}]
    con = open_reader(home)
    try:
        only_t1 = Scope(therapists=(("Havbris DPS", "T1"),))
        t1_points = queries.run(con, "wai_pair_points", {}, only_t1)
        t1_summary = queries.run(con, "wai_pairs_summary", {}, only_t1)
        nobody = queries.run(con, "wai_pairs_summary", {}, Scope(clinics=("Elsewhere",)))
    finally:
        con.close()
    assert list(t1_points[["client_wai", "therapist_wai"]].itertuples(index=False, name=None)) == [(4.0, 2.0), (5.0, 4.0)]
    assert (t1_summary.loc[0, "n_pairs"], t1_summary.loc[0, "n_therapists"]) == (2, 1)
    assert t1_summary.loc[0, "pct_client_higher"] == 100.0
    assert len(nobody) == 1 and nobody.loc[0, "n_pairs"] == 0


def test_per_therapist_charts_draw_the_extremes_of_a_region_and_say_so():
    """With more therapists than a chart can show, it draws the 30 highest and 30 lowest and its axis says so."""
    n = 100
    ids = [f"T{i:03d}" for i in range(n)]
    estimate = np.linspace(30.0, 39.9, n)[np.random.default_rng(3).permutation(n)]
    effects = pd.DataFrame({
        "clinic": "Havbris DPS", "therapist_id": ids, "n_clients": 8, "n_rated": 40, "raw_mean": estimate,
        "estimate": estimate, "ci_low": estimate - 1, "ci_high": estimate + 1,
        "too_few": [i % 10 == 0 for i in range(n)], "rank": pd.array(range(1, n + 1), dtype="Int64"),
        "p_above": np.linspace(0, 1, n),
        "converged": True, "adjusted": False, "note": "", "site": "Havbris DPS",
    })
    spec = plain(create_therapist_effects(effects))
    shown = spec["layout"]["yaxis"]["categoryarray"]
    ranked = effects[~effects["too_few"]].sort_values("estimate")
    expected = list(ranked["therapist_id"].head(30)) + list(ranked["therapist_id"].tail(30))
    assert [label.split(" ")[0] for label in shown] == expected
    assert spec["layout"]["yaxis"]["title"]["text"] == "The 30 highest and 30 lowest of 100 therapists (all are in the table)"

    pairs = pd.DataFrame({"clinic": "Havbris DPS", "therapist_id": ids, "n_pairs": 4, "mean_client_wai": 4.0,
                          "mean_therapist_wai": 3.5, "mean_discrepancy": estimate / 40, "correlation": 0.5})
    spec = plain(create_discrepancy_by_therapist(pairs))
    by_value = pairs.sort_values("mean_discrepancy")["therapist_id"]
    assert spec["layout"]["yaxis"]["categoryarray"] == list(by_value.head(30)) + list(by_value.tail(30))
    assert "of 100 therapists" in spec["layout"]["yaxis"]["title"]["text"]
    # A clinic's own few therapists are all drawn, with no axis note.
    spec = plain(create_discrepancy_by_therapist(pairs.head(12)))
    assert len(spec["layout"]["yaxis"]["categoryarray"]) == 12 and not spec["layout"]["yaxis"].get("title", {}).get("text")
