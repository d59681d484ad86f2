"""What the chart modules share: checking their input, the common layout, and the empty figure."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import i18n


def check_columns(df, required: tuple[str, ...], who: str, query: str) -> None:
    """A clear ValueError when a chart gets something other than its query's rows."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{who} needs a DataFrame of the {query} query, not {type(df).__name__}.")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{who} needs the columns of the {query} query; missing: {', '.join(missing)}.")


def base_layout(fig: go.Figure, **layout) -> go.Figure:
    # The legend names the group even when only one is left by a filter (plotly hides a lone one).
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10), hovermode="closest", showlegend=True,
                      separators=i18n.plotly_separators(), **layout)
    return fig


def empty_sentence(fig: go.Figure, sentence: str) -> go.Figure:
    """An empty selection gives a sentence, not empty axes."""
    fig.add_annotation(text=sentence, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
