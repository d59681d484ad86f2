"""Client and therapist WAI-SR side by side: the scatter of pairs, discrepancy by therapist and over sessions, profiles."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..i18n import t
from .colors import REFERENCE_COLOR, color_map
from .common import base_layout as _base
from .common import check_columns as _check
from .common import empty_sentence as _empty
from .therapists import ROW_HEIGHT, extremes, rows_title, therapist_label

POINT_COLUMNS = ("clinic", "client_wai", "therapist_wai", "n_pairs")
THERAPIST_COLUMNS = ("clinic", "therapist_id", "n_pairs", "mean_client_wai", "mean_therapist_wai",
                     "mean_discrepancy", "correlation")
DEVELOPMENT_COLUMNS = ("session_number", "group", "n", "mean", "ci_low", "ci_high")
PROFILE_COLUMNS = ("group", "n_clients", "n_client_wai", "client_goal", "client_task", "client_bond",
                   "n_therapist_wai", "therapist_goal", "therapist_task", "therapist_bond")
SUBSCALES = ("goal", "task", "bond")
WAI_MIN, WAI_MAX = 1, 5
# The largest marker of the scatter, in pixels across; a point's area grows with its number of pairs.
MAX_MARKER_PX = 28


def create_wai_pairs_scatter(points: pd.DataFrame, colors: Mapping[str, str] | None = None) -> go.Figure:
    """Client against therapist WAI-SR mean at the sessions with both forms (`wai_pair_points`), with y = x.

    Pairs with the same two scores in a clinic are one point whose area grows with their number
    (`n_pairs`), so thousands of pairs stay readable and the hover says how many lie behind a
    point.
    """
    _check(points, POINT_COLUMNS, "create_wai_pairs_scatter", "wai_pair_points")
    fig = _base(go.Figure(), legend=dict(title=dict(text=t("dual.scatter.legend")), orientation="h",
                                         yanchor="bottom", y=1.02, x=0, itemsizing="constant"))
    if points.empty:
        return _empty(fig, t("dual.scatter.empty"))
    points = (points.assign(clinic=points["clinic"].astype(str))
              .sort_values(["clinic", "client_wai", "therapist_wai"], kind="stable"))
    clinics = sorted(points["clinic"].unique())
    palette = dict(colors) if colors is not None else color_map(clinics)
    sizeref = 2.0 * float(points["n_pairs"].max()) / MAX_MARKER_PX ** 2
    lo, hi = WAI_MIN - 0.1, WAI_MAX + 0.1
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name=t("dual.scatter.agreement"),
                             hoverinfo="skip", showlegend=False,
                             line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5)))
    for clinic in clinics:
        part = points[points["clinic"] == clinic]
        fig.add_trace(go.Scatter(
            x=part["therapist_wai"], y=part["client_wai"], mode="markers", name=clinic,
            marker=dict(color=palette.get(clinic), size=part["n_pairs"], sizemode="area", sizeref=sizeref,
                        sizemin=3, opacity=0.55, line=dict(color="white", width=0.5)),
            customdata=part[["n_pairs"]].to_numpy(),
            hovertemplate=f"<b>{clinic}</b><br>" + t("dual.scatter.hover") + "<extra></extra>",
        ))
    # The line's label sits on the line where pairs are rare (low scores), rotated along it.
    fig.add_annotation(x=1.9, y=1.9, text=t("dual.scatter.agreement"), showarrow=False, textangle=-45,
                       yshift=10, xshift=-10, font=dict(color=REFERENCE_COLOR, size=12))
    for text, x, y, anchor in ((t("dual.scatter.client_higher"), 1.2, 4.8, "left"),
                               (t("dual.scatter.therapist_higher"), 4.9, 1.3, "right")):
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, xanchor=anchor,
                           font=dict(color=REFERENCE_COLOR, size=12))
    fig.update_xaxes(title_text=t("dual.scatter.x"), range=[lo, hi], dtick=0.5, constrain="domain")
    fig.update_yaxes(title_text=t("dual.scatter.y"), range=[lo, hi], dtick=0.5, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=560)
    return fig


def create_discrepancy_by_therapist(df: pd.DataFrame, colors: Mapping[str, str] | None = None) -> go.Figure:
    """Each therapist's mean discrepancy (`dual_perspective`), ordered, with its 95 % interval when given.

    `ci_low`/`ci_high` (the query's 95 % t-interval of the mean discrepancy) are
    optional: without them the means stand alone. Points are coloured by clinic.
    """
    _check(df, THERAPIST_COLUMNS, "create_discrepancy_by_therapist", "dual_perspective")
    # The legend stands to the right, clear of the labelled zero line above the plot.
    fig = _base(go.Figure(), legend=dict(yanchor="top", y=1, x=1.02))
    if df.empty:
        return _empty(fig, t("dual.therapist.empty"))
    rows = df.copy()
    for column in ("ci_low", "ci_high"):
        if column not in rows.columns:
            rows[column] = np.nan
    rows["label"] = therapist_label(rows["clinic"], rows["therapist_id"])
    rows["correlation_text"] = [i18n.number(r, 2) for r in rows["correlation"]]
    total = len(rows)
    rows = extremes(rows, "mean_discrepancy").sort_values(["mean_discrepancy", "clinic", "therapist_id"])
    clinics = sorted(rows["clinic"].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(clinics)
    hover = "<b>%{y}</b><br>" + t("dual.therapist.hover") + "<extra></extra>"
    for clinic in clinics:
        part = rows[rows["clinic"].astype(str) == clinic]
        fig.add_trace(go.Scatter(
            x=part["mean_discrepancy"], y=part["label"], mode="markers", name=clinic,
            marker=dict(color=palette.get(clinic), size=9),
            error_x=dict(type="data", symmetric=False, array=part["ci_high"] - part["mean_discrepancy"],
                         arrayminus=part["mean_discrepancy"] - part["ci_low"], color=palette.get(clinic),
                         thickness=1.5, width=0),
            customdata=part[["ci_low", "ci_high", "n_pairs", "mean_client_wai", "mean_therapist_wai",
                             "correlation_text"]].to_numpy(dtype=object),
            hovertemplate=hover,
        ))
    fig.add_vline(x=0, line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
                  annotation=dict(text=t("dual.therapist.zero"), font=dict(color=REFERENCE_COLOR)),
                  annotation_position="top")
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["label"]), type="category", automargin=True,
                     title_text=rows_title(len(rows), total))
    fig.update_xaxes(title_text=t("dual.therapist.x"), zeroline=False)
    fig.update_layout(height=max(320, 140 + ROW_HEIGHT * len(rows)))
    return fig


def create_discrepancy_development(df: pd.DataFrame, colors: Mapping[str, str] | None = None,
                                   group_label: str = "", max_session: int = 20) -> go.Figure:
    """Mean discrepancy by session number (`discrepancy_development`), one line per group, with 95 % intervals."""
    _check(df, DEVELOPMENT_COLUMNS, "create_discrepancy_development", "discrepancy_development")
    fig = _base(go.Figure(), legend=dict(title=dict(text=group_label), orientation="h", yanchor="bottom",
                                         y=1.02, x=0))
    if df.empty:
        return _empty(fig, t("dual.development.empty", max=max_session))
    groups = sorted(df["group"].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(groups)
    for group in groups:
        rows = df[df["group"].astype(str) == group].sort_values("session_number")
        interval = rows[["ci_low", "ci_high"]].astype(float)
        fig.add_trace(go.Scatter(
            x=rows["session_number"], y=rows["mean"], name=group, mode="lines+markers",
            line=dict(color=palette.get(group), width=2), marker=dict(size=7),
            error_y=dict(type="data", symmetric=False, array=interval["ci_high"] - rows["mean"],
                         arrayminus=rows["mean"] - interval["ci_low"], color=palette.get(group), thickness=1.2,
                         width=4),
            customdata=np.column_stack([rows["n"].to_numpy(dtype=object),
                                        [i18n.number(v, 2) for v in interval["ci_low"]],
                                        [i18n.number(v, 2) for v in interval["ci_high"]]]),
            hovertemplate=f"<b>{group}</b><br>" + t("dual.development.hover") + "<extra></extra>",
        ))
    fig.add_hline(y=0, line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
                  annotation=dict(text=t("dual.therapist.zero"), font=dict(color=REFERENCE_COLOR)),
                  annotation_position="bottom right")
    fig.update_xaxes(title_text=t("dual.development.x"), dtick=1 if df["session_number"].max() <= 20 else None)
    fig.update_yaxes(title_text=t("dual.development.y"), zeroline=False)
    return fig


def create_wai_profiles(df: pd.DataFrame, colors: Mapping[str, str] | None = None) -> go.Figure:
    """WAI-SR goal, task and bond (`profiles`): one panel each, a row per group, client filled and therapist hollow.

    `colors` maps each group to its colour (a therapist row takes its clinic's colour); rows
    without any WAI-SR items are left out.
    """
    _check(df, PROFILE_COLUMNS, "create_wai_profiles", "profiles")
    means = [f"{rater}_{s}" for rater in ("client", "therapist") for s in SUBSCALES]
    rows = df[df[means].notna().any(axis=1)].copy() if len(df) else df
    titles = [t(f"dual.profiles.{s}") for s in SUBSCALES]
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, subplot_titles=titles, horizontal_spacing=0.05)
    _base(fig, legend=dict(yanchor="top", y=1, x=1.02))
    if rows.empty:
        fig.layout.annotations = ()
        return _empty(fig, t("dual.profiles.empty"))
    rows["group"] = rows["group"].astype(str)
    rows = rows.sort_values("group", ascending=False)  # plotly draws the first category at the bottom
    groups = list(rows["group"])
    palette = dict(colors) if colors is not None else color_map(groups)
    row_colors = [palette.get(g, REFERENCE_COLOR) for g in groups]
    for col, (subscale, title) in enumerate(zip(SUBSCALES, titles), start=1):
        client, therapist = rows[f"client_{subscale}"].astype(float), rows[f"therapist_{subscale}"].astype(float)
        # One line trace per panel joins each row's two points (None breaks the line between rows).
        xs, ys = [], []
        for c, th, g in zip(client, therapist, groups):
            xs += [c, th, None]
            ys += [g, g, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color="#BDBDBD", width=2)), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=client, y=groups, mode="markers", name=t("dual.profiles.client"), legendgroup="client",
            showlegend=False, meta=title.lower(),
            marker=dict(color=row_colors, size=10, line=dict(color=row_colors, width=1.5)),
            customdata=rows[["n_client_wai", "n_clients"]].to_numpy(),
            hovertemplate=t("dual.profiles.hover_client") + "<extra></extra>",
        ), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=therapist, y=groups, mode="markers", name=t("dual.profiles.therapist"), legendgroup="therapist",
            showlegend=False, meta=title.lower(),
            marker=dict(color="white", size=10, line=dict(color=row_colors, width=2)),
            customdata=rows[["n_therapist_wai", "n_clients"]].to_numpy(),
            hovertemplate=t("dual.profiles.hover_therapist") + "<extra></extra>",
        ), row=1, col=col)
    # The legend explains the two marker forms in a neutral colour: colour belongs to the clinics.
    for key, fill in (("dual.profiles.client", REFERENCE_COLOR), ("dual.profiles.therapist", "white")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t(key), hoverinfo="skip",
                                 marker=dict(color=fill, size=10, line=dict(color=REFERENCE_COLOR, width=2))),
                      row=1, col=1)
    values = rows[means].astype(float).stack()
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.1, 0.08 * (hi - lo))
    fig.update_xaxes(range=[max(WAI_MIN - 0.05, lo - pad), min(WAI_MAX + 0.05, hi + pad)], nticks=5)
    fig.update_xaxes(title_text=t("dual.profiles.x"), row=1, col=2)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=groups, automargin=True)
    fig.update_layout(height=max(240, 130 + 2 * ROW_HEIGHT * len(groups)))
    return fig


def create_wai_profiles_at(df: pd.DataFrame, level: str, colors: Mapping[str, str] | None = None) -> go.Figure:
    """create_wai_profiles per clinic or per therapist: a therapist by their id, coloured by their clinic."""
    if level == "therapist" and len(df):
        # The query names a therapist clinic/therapist_id: show the id, coloured by its clinic.
        parts = df["group"].astype(str).str.partition("/")
        labels = therapist_label(parts[0], parts[2])
        colors = colors or {}
        return create_wai_profiles(df.assign(group=labels), colors=dict(zip(labels, (colors.get(c) for c in parts[0]))))
    return create_wai_profiles(df, colors=colors)
