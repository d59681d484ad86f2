"""The monthly alliance trend: mean client SRS per month, one line per group, with the cutoff line."""
from __future__ import annotations

from typing import Mapping

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..i18n import t
from .colors import REFERENCE_COLOR, color_map

REQUIRED_COLUMNS = ("month", "group", "n_rated", "n_clients", "mean_srs")
INTERVAL_COLUMNS = ("ci_low", "ci_high")
SRS_MAX = 40
# The English empty sentence (the chart speaks the language of the run: i18n).
EMPTY_MESSAGE = "No rated sessions in this period."
# More month ticks than this crowd the axis: then only every second, third, ... month is labelled.
MAX_MONTH_TICKS = 12


def empty_figure(message: str) -> go.Figure:
    """A figure that says in a sentence why there is nothing to draw, instead of empty axes."""
    fig = go.Figure()
    fig.update_layout(margin=dict(l=10, r=10, t=30, b=10), separators=i18n.plotly_separators())
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def setting_text(value: float) -> str:
    """A threshold as a person writes it: 36, 34.5 (34,5 in Norwegian); no trailing zeros."""
    text = f"{float(value):g}"
    return text.replace(".", ",") if i18n.language() == "nb" else text


def month_ticks(months) -> tuple[list, list[str]]:
    """Tick positions and labels for calendar months, in the viewer's language (plotly's own are English)."""
    unique = sorted(pd.to_datetime(pd.Series(months)).drop_duplicates())
    step = max(1, -(-len(unique) // MAX_MONTH_TICKS))
    chosen = unique[::step]
    return chosen, [i18n.month(m) for m in chosen]


def create_alliance_trend(
    df: pd.DataFrame,
    cutoff: float,
    group_label: str | None = None,
    colors: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """One line per group of the `alliance_trend` query, the cutoff as a labelled dashed line.

    `colors` maps group -> colour; by default sectors get their fixed colours and
    other groups palette colours by name (see colors.py). `names` maps a group to
    the name shown (e.g. a sector in the viewer's language). When the rows carry
    `ci_low` and `ci_high`, each mean gets its 95 % interval as an error bar.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            "create_alliance_trend needs the columns of the alliance_trend query; missing: " + ", ".join(missing) + "."
        )
    group_label = group_label or t("chart.group.sector")
    if df.empty:
        fig = empty_figure(t("chart.trend.empty"))
        fig.update_layout(legend=dict(title=dict(text=group_label)))
        return fig
    fig = go.Figure()
    fig.update_layout(
        margin=dict(l=10, r=10, t=30, b=10),
        hovermode="closest",
        legend=dict(title=dict(text=group_label), orientation="h", yanchor="bottom", y=1.02, x=0),
        showlegend=True,  # plotly hides the legend of a single line; it should still say whose line it is
        separators=i18n.plotly_separators(),
    )

    has_interval = all(c in df.columns for c in INTERVAL_COLUMNS)
    groups = sorted(df["group"].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(groups)
    names = dict(names or {})
    interval_line = f"<br>{t('chart.trend.interval')} %{{customdata[2]:.1f}}–%{{customdata[3]:.1f}}" \
        if has_interval else ""
    for group in groups:
        rows = df[df["group"].astype(str) == group].sort_values("month")
        data_columns = ["n_rated", "n_clients", *(INTERVAL_COLUMNS if has_interval else ())]
        error = None
        if has_interval:
            error = dict(type="data", symmetric=False, array=(rows["ci_high"] - rows["mean_srs"]).to_numpy(),
                         arrayminus=(rows["mean_srs"] - rows["ci_low"]).to_numpy(),
                         color=palette.get(group), thickness=1, width=3)
        fig.add_trace(go.Scatter(
            x=rows["month"],
            y=rows["mean_srs"],
            name=names.get(group, group),
            mode="lines+markers",
            line=dict(color=palette.get(group), width=2),
            marker=dict(size=7),
            error_y=error,
            customdata=rows[data_columns].to_numpy(),
            text=[i18n.month(m) for m in rows["month"]],
            hovertemplate=(
                f"{group_label}: %{{fullData.name}}<br>%{{text}}<br>{t('chart.trend.mean')} %{{y:.1f}}"
                f"{interval_line}<br>%{{customdata[0]}} {t('chart.trend.rated_sessions')}, "
                f"%{{customdata[1]}} {t('chart.trend.clients')}<extra></extra>"
            ),
        ))
    fig.add_hline(
        y=cutoff,
        line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
        annotation=dict(text=t("chart.trend.cutoff", cutoff=setting_text(cutoff)), font=dict(color=REFERENCE_COLOR)),
        annotation_position="bottom right",
    )
    lowest = min(float((df["ci_low"] if has_interval else df["mean_srs"]).min()), float(df["mean_srs"].min()),
                 float(cutoff))
    tickvals, ticktext = month_ticks(df["month"])
    fig.update_yaxes(title_text=t("chart.trend.y"), range=[max(0.0, lowest - 2), SRS_MAX + 0.5])
    fig.update_xaxes(title_text=t("chart.trend.x"), tickvals=tickvals, ticktext=ticktext)
    return fig
