"""One client's course: SRS and both WAI-SR views on the top row, ORS below, ruptures marked by repair status.

The input is the `client_timeline` query. No comments are drawn: they are health data
and plotly would read tags in them, so the page shows them as plain text beside the chart.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..i18n import t
from .colors import OKABE_ITO, REFERENCE_COLOR

REQUIRED_COLUMNS = ("session_id", "session_number", "session_date", "srs_total", "client_wai", "therapist_wai",
                    "ors_total", "rupture_srs_before", "rupture_status", "therapist_id")
SRS_MAX = 40
ORS_MAX = 40
WAI_RANGE = (1, 5)

LINE_STYLES = {
    # measure -> (column, text key, colour, dash, y axis on the top row: False = left, True = right)
    "srs": ("srs_total", "timeline.srs", OKABE_ITO["blue"], "solid", False),
    "client_wai": ("client_wai", "timeline.client_wai", OKABE_ITO["sky_blue"], "dot", True),
    "therapist_wai": ("therapist_wai", "timeline.therapist_wai", OKABE_ITO["reddish_purple"], "dash", True),
}
ORS_COLOR = OKABE_ITO["bluish_green"]
# Cutoff labels sit on a pale box so that a line running through them does not hide them.
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.85)"
# Rupture markers differ by symbol as well as colour, so the status reads without colour vision.
RUPTURE_STYLES = {
    "unrepaired": (OKABE_ITO["vermillion"], "x"),
    "open": (OKABE_ITO["orange"], "diamond"),
    "repaired": (OKABE_ITO["bluish_green"], "triangle-up"),
}


def create_client_timeline(df: pd.DataFrame, srs_cutoff: float, ors_cutoff: float) -> go.Figure:
    """The client's sessions over time (x: session date), two rows sharing the x axis.

    Top row: client SRS (left axis, 0–40) with the labelled cutoff; client and therapist
    WAI-SR means (right axis, 1–5); ruptures as markers on the SRS line, one legend entry per
    repair status. Bottom row: ORS (0–40) with its labelled cutoff. Lines connect across
    sessions without that score (the WAI-SR is not given at every session).
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError("create_client_timeline needs a DataFrame of the client_timeline query.")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError("create_client_timeline needs the columns of the client_timeline query; missing: "
                         + ", ".join(missing) + ".")
    unknown = set(df["rupture_status"].dropna().astype(str)) - set(RUPTURE_STYLES)
    if unknown:
        raise ValueError("create_client_timeline: unknown rupture status " + ", ".join(sorted(unknown))
                         + "; expected repaired, unrepaired or open.")

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.07,
                        specs=[[{"secondary_y": True}], [{"secondary_y": False}]])
    fig.update_layout(
        separators=i18n.plotly_separators(),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="closest",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    if df.empty:
        fig.add_annotation(text=t("timeline.empty"), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                           font=dict(size=16))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    rows = df.sort_values(["session_date", "session_number", "session_id"], kind="stable")
    dates = pd.to_datetime(rows["session_date"])
    # What every hover starts with: the session, its date in the viewer's language, its therapist.
    heading = pd.Series(
        [f"{t('timeline.session', n=n)} · {i18n.date(d)} · {t('timeline.therapist', id=th)}"
         for n, d, th in zip(rows["session_number"], dates, rows["therapist_id"])],
        index=rows.index, dtype=object)

    for column, key, color, dash, right in LINE_STYLES.values():
        values = pd.to_numeric(rows[column], errors="coerce")
        decimals = 1 if column == "srs_total" else 2
        fig.add_trace(go.Scatter(
            x=dates, y=values, name=t(key), mode="lines+markers", connectgaps=True,
            line=dict(color=color, dash=dash, width=2.5 if column == "srs_total" else 1.8),
            marker=dict(size=7 if column == "srs_total" else 6, color=color),
            customdata=heading.to_numpy().reshape(-1, 1),
            hovertemplate=f"%{{customdata[0]}}<br>{t(key)} %{{y:.{decimals}f}}<extra></extra>",
        ), row=1, col=1, secondary_y=right)

    ruptures = rows[rows["rupture_status"].notna()]
    for status, (color, symbol) in RUPTURE_STYLES.items():
        chosen = ruptures[ruptures["rupture_status"].astype(str) == status]
        if chosen.empty:
            continue
        text = [f"{heading[i]}<br>{t('timeline.rupture.' + status)}: "
                f"{t('timeline.rupture_hover', before=i18n.number(b), at=i18n.number(a))}"
                for i, b, a in zip(chosen.index, chosen["rupture_srs_before"], chosen["srs_total"])]
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(chosen["session_date"]), y=pd.to_numeric(chosen["srs_total"]),
            name=t("timeline.rupture." + status), mode="markers",
            marker=dict(size=15, color=color, symbol=symbol, line=dict(width=1.5, color="white")),
            customdata=[[x] for x in text], hovertemplate="%{customdata[0]}<extra></extra>",
        ), row=1, col=1, secondary_y=False)

    ors = pd.to_numeric(rows["ors_total"], errors="coerce")
    fig.add_trace(go.Scatter(
        x=dates, y=ors, name=t("timeline.ors"), mode="lines+markers", connectgaps=True,
        line=dict(color=ORS_COLOR, width=2), marker=dict(size=6, color=ORS_COLOR),
        customdata=heading.to_numpy().reshape(-1, 1),
        hovertemplate=f"%{{customdata[0]}}<br>{t('timeline.ors')} %{{y:.1f}}<extra></extra>",
    ), row=2, col=1)

    fig.add_hline(y=srs_cutoff, line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
                  annotation=dict(text=t("timeline.cutoff", value=i18n.number(srs_cutoff, _decimals(srs_cutoff))),
                                  font=dict(color=REFERENCE_COLOR), bgcolor=LABEL_BACKGROUND),
                  annotation_position="bottom right", row=1, col=1, secondary_y=False)
    fig.add_hline(y=ors_cutoff, line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
                  annotation=dict(text=t("timeline.ors_cutoff", value=i18n.number(ors_cutoff, _decimals(ors_cutoff))),
                                  font=dict(color=REFERENCE_COLOR), bgcolor=LABEL_BACKGROUND),
                  annotation_position="bottom right", row=2, col=1)

    srs = pd.to_numeric(rows["srs_total"], errors="coerce")
    lowest_srs = min([v for v in (srs.min(), float(srs_cutoff)) if pd.notna(v)])
    fig.update_yaxes(title_text=t("timeline.srs_axis"), range=[max(0.0, lowest_srs - 3), SRS_MAX + 0.5],
                     row=1, col=1, secondary_y=False)
    fig.update_yaxes(title_text=t("timeline.wai_axis"), range=[WAI_RANGE[0] - 0.1, WAI_RANGE[1] + 0.1],
                     tickmode="array", tickvals=list(range(WAI_RANGE[0], WAI_RANGE[1] + 1)), showgrid=False,
                     row=1, col=1, secondary_y=True)
    lowest_ors = min([v for v in (ors.min(), float(ors_cutoff)) if pd.notna(v)])
    highest_ors = max([v for v in (ors.max(), float(ors_cutoff)) if pd.notna(v)])
    fig.update_yaxes(title_text=t("timeline.ors_axis"),
                     range=[max(0.0, lowest_ors - 3), min(ORS_MAX + 0.5, highest_ors + 3)], row=2, col=1)
    tickformat = "%m.%Y" if i18n.language() == "nb" else "%b %Y"
    fig.update_xaxes(tickformat=tickformat, row=1, col=1)
    fig.update_xaxes(tickformat=tickformat, title_text=t("timeline.date_axis"), row=2, col=1)
    return fig


def _decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 1
