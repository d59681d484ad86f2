"""The monthly alliance trend: mean client SRS per month, one line per group, with the cutoff line."""
from __future__ import annotations

from typing import Mapping

import pandas as pd
import plotly.graph_objects as go

from .colors import REFERENCE_COLOR, color_map

REQUIRED_COLUMNS = ("month", "group", "n_rated", "n_clients", "mean_srs")
SRS_MAX = 40
EMPTY_MESSAGE = "No rated sessions in this period."


def create_alliance_trend(
    df: pd.DataFrame,
    cutoff: float,
    group_label: str = "Sector",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """One line per group of the `alliance_trend` query, the cutoff as a labelled dashed line.

    `colors` maps group -> colour; by default sectors get their fixed colours and
    other groups palette colours by name (see colors.py).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            "create_alliance_trend needs the columns of the alliance_trend query; missing: " + ", ".join(missing) + "."
        )
    fig = go.Figure()
    fig.update_layout(
        margin=dict(l=10, r=10, t=30, b=10),
        hovermode="closest",
        legend=dict(title=dict(text=group_label), orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    if df.empty:
        fig.add_annotation(
            text=EMPTY_MESSAGE, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font=dict(size=16)
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    groups = sorted(df["group"].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(groups)
    for group in groups:
        rows = df[df["group"].astype(str) == group].sort_values("month")
        fig.add_trace(go.Scatter(
            x=rows["month"],
            y=rows["mean_srs"],
            name=group,
            mode="lines+markers",
            line=dict(color=palette.get(group), width=2),
            marker=dict(size=7),
            customdata=rows[["n_rated", "n_clients"]].to_numpy(),
            hovertemplate=(
                f"{group_label}: %{{fullData.name}}<br>%{{x|%B %Y}}<br>Mean client SRS %{{y:.1f}}"
                "<br>%{customdata[0]} rated sessions, %{customdata[1]} clients<extra></extra>"
            ),
        ))
    fig.add_hline(
        y=cutoff,
        line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
        annotation=dict(text=f"cutoff {cutoff:g}", font=dict(color=REFERENCE_COLOR)),
        annotation_position="bottom right",
    )
    lowest = min(float(df["mean_srs"].min()), float(cutoff))
    fig.update_yaxes(title_text="Mean client SRS (0–40)", range=[max(0.0, lowest - 2), SRS_MAX + 0.5])
    fig.update_xaxes(title_text="Month", tickformat="%b %Y")
    return fig
