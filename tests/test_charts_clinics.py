"""The clinic comparison charts (and the trend chart's languages and intervals): DataFrame in, figure out."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alliance import i18n, queries, store
from alliance.charts import (create_alliance_development, create_alliance_trend, create_early_alliance_outcome,
                             create_outcome_categories, create_profiles)
from alliance.charts.clinics import OUTCOME_CATEGORIES, OUTCOME_COLORS, RESEARCH_R
from alliance.charts.colors import REFERENCE_COLOR, color_map

from .test_charts import TWO_SECTORS, plain, values

COLORS = color_map(["Bergen", "Fjordklinikken", "Havbris DPS", "Oslo"])


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English; a test that switches language does not leak it."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def development_rows():
    return pd.DataFrame({
        "session_number": [1, 1, 2, 2, 3],
        "group": ["Bergen", "Oslo", "Bergen", "Oslo", "Bergen"],
        "n": [40, 30, 35, 1, 20],
        "mean": [31.5, 32.0, 33.0, 34.0, 35.0],
        "sd": [2.0, 2.5, 2.1, None, 1.9],
        "ci_low": [30.9, 31.1, 32.3, None, 34.1],
        "ci_high": [32.1, 32.9, 33.7, None, 35.9],
    })


def profile_rows():
    return pd.DataFrame({
        "group": ["Bergen", "Oslo"], "n_clients": [18, 20], "n_sessions": [400, 450], "n_srs": [300, 350],
        "srs_relationship": [8.9, 9.1], "srs_goals_topics": [8.95, 9.15], "srs_approach": [8.9, 9.2],
        "srs_overall": [8.92, 9.1], "n_client_wai": [100, 120], "client_goal": [4.05, 4.1],
        "client_task": [4.0, 4.12], "client_bond": [4.06, 4.14], "n_therapist_wai": [90, 110],
        "therapist_goal": [3.78, 3.9], "therapist_task": [3.7, 3.89], "therapist_bond": [3.77, 3.91],
    })


def outcome_rows():
    rows = []
    for group, counts in (("Bergen", (5, 3, 8, 1, 3)), ("Oslo", (6, 4, 6, 2, 2))):
        total, assessed = sum(counts), sum(counts[:4])
        for category, n in zip(OUTCOME_CATEGORIES, counts):
            rows.append((group, category, n, 100 * n / total, None if category == "insufficient" else 100 * n / assessed))
    return pd.DataFrame(rows, columns=["group", "category", "n_clients", "pct_clients", "pct_assessed"])


def early_rows():
    return pd.DataFrame({
        "group": ["Havbris DPS", "Fjordklinikken", "Tiny"], "n": [343, 319, 3],
        "r": [0.227, 0.357, None], "ci_low": [0.124, 0.258, None], "ci_high": [0.325, 0.449, None],
        "mean_early_alliance": [34.14, 33.53, None], "mean_ors_change": [5.65, 5.04, None],
        "note": [None, None, "fewer than 4 clients"],
    })


def annotation_texts(spec) -> list[str]:
    return [a["text"] for a in spec["layout"].get("annotations", [])]


# --------------------------------------------------------------------------- development by session number


def test_development_one_line_per_site_with_its_colour_and_interval():
    spec = plain(create_alliance_development(development_rows(), colors=COLORS))
    lines = {t["name"]: t for t in spec["data"]}
    assert set(lines) == {"Bergen", "Oslo"}
    bergen = lines["Bergen"]
    assert bergen["line"]["color"] == COLORS["Bergen"] and lines["Oslo"]["line"]["color"] == COLORS["Oslo"]
    assert values(bergen["y"]) == [31.5, 33.0, 35.0]
    assert np.allclose(values(bergen["error_y"]["array"]), [0.6, 0.7, 0.9])
    assert np.allclose(values(bergen["error_y"]["arrayminus"]), [0.6, 0.7, 0.9])
    # Sites are spread sideways at one session number, but the hover names the true session and n.
    assert values(bergen["x"])[0] != values(lines["Oslo"]["x"])[0]
    assert abs(values(bergen["x"])[0] - 1) < 0.5
    assert [row[0] for row in values(bergen["customdata"])] == [1, 2, 3]
    assert [row[1] for row in values(bergen["customdata"])] == [40, 35, 20]
    assert "n = %{customdata[1]} rated sessions" in bergen["hovertemplate"]


def test_development_point_of_one_therapist_has_no_interval_and_says_so():
    spec = plain(create_alliance_development(development_rows(), colors=COLORS))
    oslo = next(t for t in spec["data"] if t["name"] == "Oslo")
    assert math.isnan(values(oslo["error_y"]["array"])[1])
    assert oslo["text"][1] == "no interval (one therapist)"
    assert oslo["text"][0] == "31.1–32.9"


def test_development_marks_the_early_phase_and_the_cutoff_with_labels():
    spec = plain(create_alliance_development(development_rows(), cutoff=36, early_sessions=3, colors=COLORS))
    shapes = spec["layout"]["shapes"]
    [band] = [s for s in shapes if s["type"] == "rect"]
    assert (band["x0"], band["x1"]) == (0.5, 3.5)
    [line] = [s for s in shapes if s["type"] == "line"]
    assert line["y0"] == line["y1"] == 36 and line["line"]["color"] == REFERENCE_COLOR
    assert sorted(annotation_texts(spec)) == ["cutoff 36", "early phase (sessions 1–3)"]
    low, high = spec["layout"]["yaxis"]["range"]
    assert low <= 30.9 and high >= 36


def test_development_empty_says_so_and_bad_input_is_named():
    spec = plain(create_alliance_development(development_rows().iloc[0:0], cutoff=36, early_sessions=3))
    assert spec["data"] == []
    assert annotation_texts(spec) == ["No rated sessions at these session numbers in this period."]
    assert spec["layout"]["xaxis"]["visible"] is False
    with pytest.raises(ValueError, match="missing: ci_low, ci_high"):
        create_alliance_development(development_rows().drop(columns=["ci_low", "ci_high"]))
    with pytest.raises(ValueError, match="needs a DataFrame"):
        create_alliance_development([1, 2, 3])


# --------------------------------------------------------------------------- profiles


def test_profiles_draw_srs_items_and_wai_subscales_per_site():
    spec = plain(create_profiles(profile_rows(), colors=COLORS))
    assert len(spec["data"]) == 4  # two sites, two panels each
    srs = {t["name"]: t for t in spec["data"] if t["xaxis"] == "x"}
    wai = {t["name"]: t for t in spec["data"] if t["xaxis"] == "x2"}
    assert values(srs["Oslo"]["x"]) == [9.1, 9.15, 9.2, 9.1]
    assert list(srs["Oslo"]["y"]) == ["Relationship", "Goals and topics", "Approach or method", "Overall"]
    assert values(wai["Bergen"]["x"]) == [4.05, 4.0, 4.06, 3.78, 3.7, 3.77]
    assert list(wai["Bergen"]["y"])[3] == "Therapist: goal"
    assert srs["Bergen"]["marker"]["color"] == wai["Bergen"]["marker"]["color"] == COLORS["Bergen"]
    # One legend entry per site, and the hover gives the number of forms and clients behind each mean.
    assert sum(1 for t in spec["data"] if t.get("showlegend", True)) == 2
    assert [row[0] for row in values(wai["Bergen"]["customdata"])] == [100] * 3 + [90] * 3
    assert "forms" in wai["Bergen"]["hovertemplate"] and "clients" in wai["Bergen"]["hovertemplate"]
    low, high = spec["layout"]["xaxis"]["range"]
    assert low < 8.9 and high > 9.2 and high - low < 2, "a zoomed axis: the items differ by tenths"


def test_profiles_empty_and_bad_input():
    spec = plain(create_profiles(profile_rows().iloc[0:0]))
    assert spec["data"] == [] and annotation_texts(spec) == ["No SRS or WAI-SR items in this period."]
    no_items = profile_rows().assign(n_srs=0, n_client_wai=0, n_therapist_wai=0)
    assert annotation_texts(plain(create_profiles(no_items))) == ["No SRS or WAI-SR items in this period."]
    with pytest.raises(ValueError, match="profiles query; missing: client_bond"):
        create_profiles(profile_rows().drop(columns=["client_bond"]))


# --------------------------------------------------------------------------- outcome categories


def test_outcome_categories_stack_to_100_in_the_fixed_order_with_n():
    spec = plain(create_outcome_categories(outcome_rows()))
    assert [t["name"] for t in spec["data"]] == ["recovered", "improved", "unchanged", "deteriorated",
                                                 "insufficient (< 2 ORS)"]
    assert spec["layout"]["barmode"] == "stack"
    assert [t["marker"]["color"] for t in spec["data"]] == [OUTCOME_COLORS[c] for c in OUTCOME_CATEGORIES]
    assert list(spec["data"][0]["y"]) == ["Bergen (n = 20)", "Oslo (n = 20)"]
    totals = np.sum([values(t["x"]) for t in spec["data"]], axis=0)
    assert np.allclose(totals, [100, 100])
    recovered = spec["data"][0]
    assert [row[0] for row in recovered["customdata"]] == [5, 6]
    assert "of those with 2+ ORS" in recovered["hovertemplate"]


def test_outcome_categories_empty_and_bad_input():
    spec = plain(create_outcome_categories(outcome_rows().iloc[0:0]))
    assert annotation_texts(spec) == ["No clients in this period."]
    with pytest.raises(ValueError, match="unknown outcome categories: better"):
        create_outcome_categories(outcome_rows().replace({"category": {"improved": "better"}}))
    with pytest.raises(ValueError, match="missing: pct_clients"):
        create_outcome_categories(outcome_rows().drop(columns=["pct_clients"]))


# --------------------------------------------------------------------------- early alliance and outcome


def test_early_alliance_shows_r_with_its_interval_n_and_the_reference_lines():
    spec = plain(create_early_alliance_outcome(early_rows(), colors=COLORS))
    points = {t["name"]: t for t in spec["data"]}
    assert set(points) == {"Fjordklinikken", "Havbris DPS"}, "a clinic without a correlation is left out"
    havbris = points["Havbris DPS"]
    assert values(havbris["x"]) == [0.227]
    assert list(havbris["y"]) == ["Havbris DPS (n = 343)"]
    assert np.allclose(values(havbris["error_x"]["array"]), [0.098])
    assert np.allclose(values(havbris["error_x"]["arrayminus"]), [0.103])
    assert havbris["marker"]["color"] == COLORS["Havbris DPS"]
    assert "n = %{customdata[0]} clients" in havbris["hovertemplate"]
    lines = sorted(s["x0"] for s in spec["layout"]["shapes"])
    assert lines == [0, RESEARCH_R]
    assert sorted(annotation_texts(spec)) == ["no relation", "research: r = 0.28"]


def test_early_alliance_without_any_correlation_says_so():
    spec = plain(create_early_alliance_outcome(early_rows().iloc[2:]))
    assert spec["data"] == []
    assert annotation_texts(spec) == ["Too few clients with both an early alliance and an ORS change in this period."]
    with pytest.raises(ValueError, match="early_alliance_outcome query; missing: r"):
        create_early_alliance_outcome(early_rows().drop(columns=["r"]))


# --------------------------------------------------------------------------- languages and intervals


def test_norwegian_charts_use_norwegian_words_and_a_decimal_comma():
    i18n.set_language("nb")
    trend = plain(create_alliance_trend(TWO_SECTORS, cutoff=34.5, names={"public": "offentlig", "private": "privat"}))
    assert trend["layout"]["separators"] == ",\u00a0"
    assert annotation_texts(trend) == ["grense 34,5"]
    assert sorted(t["name"] for t in trend["data"]) == ["offentlig", "privat"]
    assert trend["layout"]["xaxis"]["ticktext"] == ["jan. 2024", "feb. 2024"]
    assert trend["layout"]["legend"]["title"]["text"] == "Sektor"
    development = plain(create_alliance_development(development_rows(), cutoff=36, early_sessions=3))
    assert development["layout"]["separators"] == ",\u00a0"
    assert "tidlig fase (time 1–3)" in annotation_texts(development)
    assert next(t for t in development["data"] if t["name"] == "Bergen")["text"][0] == "30,9–32,1"
    outcome = plain(create_outcome_categories(outcome_rows()))
    assert outcome["data"][0]["name"] == "restituert"
    assert plain(create_early_alliance_outcome(early_rows()))["data"][0]["text"] == ["0,26 – 0,45"]


def test_english_charts_use_a_decimal_point():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=36))
    assert spec["layout"]["separators"] == ".,"
    assert spec["layout"]["xaxis"]["ticktext"] == ["Jan 2024", "Feb 2024"]


def test_trend_draws_intervals_when_the_rows_carry_them():
    rows = TWO_SECTORS.assign(ci_low=TWO_SECTORS["mean_srs"] - 1.0, ci_high=TWO_SECTORS["mean_srs"] + 0.5)
    spec = plain(create_alliance_trend(rows, cutoff=36))
    public = next(t for t in spec["data"] if t["name"] == "public")
    assert np.allclose(values(public["error_y"]["array"]), [0.5, 0.5])
    assert np.allclose(values(public["error_y"]["arrayminus"]), [1.0, 1.0])
    assert "95% interval" in public["hovertemplate"]
    without = plain(create_alliance_trend(TWO_SECTORS, cutoff=36))
    assert "error_y" not in without["data"][0] or not without["data"][0]["error_y"].get("array")


# --------------------------------------------------------------------------- the real store


def test_every_clinic_chart_draws_the_real_query_results(sample_home):
    con = store.open_reader(sample_home)
    try:
        development = queries.run(con, "alliance_development", {"group": "site"})
        profiles = queries.run(con, "profiles", {"level": "site"})
        outcomes = queries.run(con, "outcome_summary", {"group": "site"})
        early = queries.run(con, "early_alliance_outcome", {"group": "clinic"})
    finally:
        con.close()
    sites = {"Bergen", "Havbris DPS", "Oslo"}
    spec = plain(create_alliance_development(development, cutoff=36, early_sessions=3, colors=COLORS))
    assert {t["name"] for t in spec["data"]} == sites
    assert sum(len(values(t["y"])) for t in spec["data"]) == len(development)
    spec = plain(create_profiles(profiles, colors=COLORS))
    assert {t["name"] for t in spec["data"]} == sites
    spec = plain(create_outcome_categories(outcomes))
    assert len(spec["data"]) == 5 and len(spec["data"][0]["y"]) == 3
    spec = plain(create_early_alliance_outcome(early, colors=COLORS))
    assert {t["name"] for t in spec["data"]} == {"Fjordklinikken", "Havbris DPS"}
