"""The chart functions: DataFrame in, plotly figure out, checked through fig.to_dict()."""
from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from alliance import queries, store
from alliance.charts import create_alliance_trend
from alliance.charts.colors import GROUP_PALETTE, OKABE_ITO, SECTOR_COLORS, color_map
from alliance.charts.trend import EMPTY_MESSAGE


def trend_rows(rows):
    return pd.DataFrame(rows, columns=["month", "group", "n_rated", "n_clients", "mean_srs", "pct_low"]).astype(
        {"month": "datetime64[us]"})


TWO_SECTORS = trend_rows([
    ("2024-01-01", "private", 12, 5, 37.5, 10.0),
    ("2024-01-01", "public", 40, 18, 34.25, 55.0),
    ("2024-02-01", "private", 3, 2, 38.0, 0.0),
    ("2024-02-01", "public", 44, 20, 35.5, 40.0),
])


def values(array) -> list:
    """An array of fig.to_dict() as a list; plotly 7 stores numeric arrays as base64 ("bdata")."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            decoded = decoded.reshape([int(n) for n in str(array["shape"]).split(",")])
        return decoded.tolist()
    return list(array)


def plain(fig) -> dict:
    fig.update_layout(template=None)
    return fig.to_dict()


def test_one_line_per_sector_with_its_fixed_colour():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=36))
    lines = {t["name"]: t for t in spec["data"]}
    assert set(lines) == {"public", "private"}
    assert lines["public"]["line"]["color"] == SECTOR_COLORS["public"] == OKABE_ITO["blue"]
    assert lines["private"]["line"]["color"] == SECTOR_COLORS["private"] == OKABE_ITO["vermillion"]
    assert values(lines["public"]["y"]) == [34.25, 35.5]
    assert [pd.Timestamp(x).date() for x in lines["public"]["x"]] == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]


def test_hover_gives_rated_sessions_and_clients():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=36))
    public = next(t for t in spec["data"] if t["name"] == "public")
    assert values(public["customdata"]) == [[40, 18], [44, 20]]
    assert "%{customdata[0]} rated sessions" in public["hovertemplate"]
    assert "%{customdata[1]} clients" in public["hovertemplate"]


def test_cutoff_is_a_labelled_line_at_the_setting():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=34.5))
    [line] = [s for s in spec["layout"]["shapes"] if s["type"] == "line"]
    assert line["y0"] == line["y1"] == 34.5
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["cutoff 34.5"]
    low, high = spec["layout"]["yaxis"]["range"]
    assert low < 34.25 and high >= 40, "the axis must show every point and the cutoff"


def test_cutoff_label_of_a_whole_number_has_no_decimals():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=36))
    assert spec["layout"]["annotations"][0]["text"] == "cutoff 36"


def test_empty_data_says_so_instead_of_empty_axes():
    spec = plain(create_alliance_trend(TWO_SECTORS.iloc[0:0], cutoff=36))
    assert spec["data"] == []
    assert [a["text"] for a in spec["layout"]["annotations"]] == [EMPTY_MESSAGE]
    assert spec["layout"]["xaxis"]["visible"] is False and spec["layout"]["yaxis"]["visible"] is False


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="n_clients, mean_srs"):
        create_alliance_trend(TWO_SECTORS.drop(columns=["n_clients", "mean_srs"]), cutoff=36)


def test_group_label_titles_the_legend_and_the_hover():
    spec = plain(create_alliance_trend(TWO_SECTORS, cutoff=36, group_label="Clinic"))
    assert spec["layout"]["legend"]["title"]["text"] == "Clinic"
    assert spec["data"][0]["hovertemplate"].startswith("Clinic: ")


def test_clinics_keep_their_colour_whatever_else_is_shown():
    every_clinic = ["Havbris DPS", "Fjordklinikken", "Nordlys"]
    colors = color_map(every_clinic)
    assert len(set(colors.values())) == 3
    assert set(colors.values()) <= set(GROUP_PALETTE)
    assert colors == color_map(list(reversed(every_clinic))), "the order names arrive in must not matter"
    only_one = trend_rows([("2024-01-01", "Nordlys", 5, 3, 36.0, 20.0)])
    spec = plain(create_alliance_trend(only_one, cutoff=36, group_label="Clinic", colors=colors))
    assert spec["data"][0]["line"]["color"] == colors["Nordlys"]


def test_figure_serialises_for_the_browser():
    assert pio.to_json(create_alliance_trend(TWO_SECTORS, cutoff=36))


def test_draws_the_query_result_from_a_real_store(sample_home):
    con = store.open_reader(sample_home)
    try:
        trend = queries.run(con, "alliance_trend", {"group": "sector"})
    finally:
        con.close()
    spec = plain(create_alliance_trend(trend, cutoff=36))
    assert {t["name"] for t in spec["data"]} == {"public", "private"}
    assert sum(len(values(t["y"])) for t in spec["data"]) == len(trend)


def test_nothing_left_of_the_ui_imports_streamlit():
    package = Path(__file__).resolve().parent.parent / "alliance"
    offenders = [
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if "ui" not in path.relative_to(package).parts
        and re.search(r"^\s*(import|from)\s+streamlit\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []
