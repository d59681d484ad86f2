"""The fair therapist comparison: the funnel plot and the forest plot of shrunken estimates."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..funnel import Z_95, Z_998  # fixed by the funnel-plot method, not clinic settings
from ..i18n import t
from .colors import REFERENCE_COLOR, color_map
from .common import base_layout as _base
from .common import check_columns as _check
from .common import empty_sentence as _empty

FUNNEL_COLUMNS = ("clinic", "therapist_id", "site", "n_clients", "n_rated", "adjusted_mean", "overall_mean",
                  "unit_var", "tau2", "outside_95", "outside_998", "too_few")
EFFECTS_COLUMNS = ("clinic", "therapist_id", "n_clients", "n_rated", "raw_mean", "estimate", "ci_low", "ci_high",
                   "too_few", "p_above")
# Therapists not judged are drawn in this grey, hollow, so they never look like a site's colour.
NOT_JUDGED_COLOR = "#9E9E9E"
ROW_HEIGHT = 22
# A chart with a row per therapist draws at most this many rows: at a region's scale (thousands
# of therapists) a row each would make a chart tens of thousands of pixels tall that no browser
# draws quickly and no one reads. Beyond it, the chart shows the half with the highest and the
# half with the lowest values and its axis title says so; the table beside it lists everyone.
MAX_THERAPIST_ROWS = 60


def extremes(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """All rows, or (over MAX_THERAPIST_ROWS) the half with the lowest and the half with the highest `column`."""
    if len(rows) <= MAX_THERAPIST_ROWS:
        return rows
    half = MAX_THERAPIST_ROWS // 2
    ordered = rows.sort_values([column, "clinic", "therapist_id"])
    return pd.concat([ordered.head(half), ordered.tail(half)])


def rows_title(shown: int, total: int) -> str:
    """The axis title of a per-therapist chart: empty when every therapist is drawn."""
    if shown >= total:
        return ""
    return t("therapists.rows.extremes", half=i18n.integer(shown // 2), total=i18n.integer(total))


def therapist_label(clinic: pd.Series, therapist_id: pd.Series) -> pd.Series:
    """A therapist as the figures name them: the id, with its clinic only when the id is not unique."""
    clinic, therapist_id = clinic.astype(str), therapist_id.astype(str)
    shared = therapist_id.map(pd.DataFrame({"c": clinic, "t": therapist_id}).groupby("t")["c"].nunique()) > 1
    return therapist_id.where(~shared, therapist_id + " (" + clinic + ")")


def _verdict(rows: pd.DataFrame) -> pd.Series:
    too_few = rows["too_few"].fillna(False).astype(bool)
    out98 = rows["outside_998"].astype(object)
    out95 = rows["outside_95"].astype(object)
    verdict = pd.Series(t("therapists.verdict.inside"), index=rows.index, dtype=object)
    for side in ("above", "below"):
        verdict = verdict.mask(out95 == side, t(f"therapists.verdict.{side}_95"))
        verdict = verdict.mask(out98 == side, t(f"therapists.verdict.{side}_998"))
    return verdict.mask(too_few, t("therapists.verdict.too_few"))


def create_funnel(df: pd.DataFrame, colors: Mapping[str, str] | None = None) -> go.Figure:
    """Each therapist's mean client alliance (allowing for session number) against their number of
    clients, inside the clinic's 95 % and 99.8 % limits: one funnel per clinic, side by side.

    Points are coloured by site (`colors` maps site -> colour; pass every site's colour so a site
    keeps it whatever the filter); therapists with too few clients are grey, hollow and not judged.
    The curves are the clinic's limits for a typical client (overall_mean +- z sqrt(unit_var / k +
    tau2)); each therapist is judged against their own limits (the funnel query's columns), which
    follow their clients' numbers of sessions and so lie within a hair of the curves.
    """
    _check(df, FUNNEL_COLUMNS, "create_funnel", "funnel")
    if df.empty:
        fig = _base(go.Figure(), legend=dict(title=dict(text=t("therapists.funnel.site")), orientation="h",
                                             yanchor="bottom", y=1.02, x=0))
        return _empty(fig, t("therapists.funnel.empty"))
    rows = df.copy()
    rows["label"] = therapist_label(rows["clinic"], rows["therapist_id"])
    rows["verdict"] = _verdict(rows)
    clinics = sorted(rows["clinic"].astype(str).unique())
    columns = min(2, len(clinics))
    n_rows = -(-len(clinics) // columns)
    fig = make_subplots(rows=n_rows, cols=columns, subplot_titles=clinics if len(clinics) > 1 else None,
                        horizontal_spacing=0.08, vertical_spacing=min(0.12, 0.3 / n_rows))
    _base(fig, legend=dict(title=dict(text=t("therapists.funnel.site")), orientation="h", yanchor="bottom",
                           y=1.04, x=0))
    sites = sorted(rows.loc[~rows["too_few"].fillna(False).astype(bool), "site"].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(sites)
    hover = "<b>%{text}</b><br>" + t("therapists.funnel.hover") + "<extra></extra>"
    shown: set[str] = set()
    low_values, high_values = [], []
    for index, clinic in enumerate(clinics):
        place = dict(row=index // columns + 1, col=index % columns + 1)
        part = rows[rows["clinic"].astype(str) == clinic]
        low, high = _draw_clinic_funnel(fig, part, place, palette, hover, shown)
        low_values.append(low)
        high_values.append(high)
    low, high = np.nanmin([*low_values, np.inf]), np.nanmax([*high_values, -np.inf])
    if np.isfinite(low) and np.isfinite(high):
        pad = max(0.5, 0.05 * (high - low))
        fig.update_yaxes(range=[max(0.0, low - pad), min(40.5, high + pad)])
    for index in range(len(clinics)):
        place = dict(row=index // columns + 1, col=index % columns + 1)
        fig.update_xaxes(title_text=t("therapists.funnel.x"), rangemode="tozero", **place)
        if index % columns == 0:
            fig.update_yaxes(title_text=t("therapists.funnel.y"), **place)
    fig.update_layout(height=max(420, 360 * n_rows))
    return fig


def _draw_clinic_funnel(fig: go.Figure, rows: pd.DataFrame, place: dict, palette: dict, hover: str,
                        shown: set[str]) -> tuple[float, float]:
    """One clinic's curves and points into the subplot at `place`; the lowest and highest value drawn."""
    first = rows.iloc[0]
    mean = float(first["overall_mean"])
    unit_var, tau2 = float(first["unit_var"]), float(first["tau2"])
    too_few = rows["too_few"].fillna(False).astype(bool)
    largest = float(rows["n_clients"].max())  # empty (NaN) where an export hides the clinic's cells
    k_grid = np.linspace(1.0, max(largest * 1.1, 2.0), 120) if np.isfinite(largest) else np.array([])
    values = [mean, *rows["adjusted_mean"].dropna().astype(float)]
    if np.isfinite(unit_var) and np.isfinite(tau2) and len(k_grid):
        for z, key, dash, sign_label in ((Z_998, "therapists.funnel.limit_998", "dot", 1),
                                         (Z_95, "therapists.funnel.limit_95", "dash", -1)):
            half = z * np.sqrt(unit_var / k_grid + tau2)
            name = t(key)
            for sign in (1, -1):
                fig.add_trace(go.Scatter(
                    x=k_grid, y=mean + sign * half, mode="lines", name=name, legendgroup=name,
                    showlegend=name not in shown, hoverinfo="skip",
                    line=dict(color=REFERENCE_COLOR, dash=dash, width=1.2)), **place)
                shown.add(name)
            # Label the limits at their right end (99.8 % on the upper curve, 95 % on the lower).
            fig.add_annotation(x=k_grid[-1], y=mean + sign_label * half[-1], text=name, showarrow=False,
                               xanchor="right", yanchor="bottom" if sign_label > 0 else "top",
                               font=dict(color=REFERENCE_COLOR, size=11), **place)
            start = min(len(k_grid) - 1, int(np.searchsorted(k_grid, max(1.0, rows["n_clients"].min() * 0.8))))
            values += [mean - half[start], mean + half[start]]
    fig.add_hline(y=mean, line=dict(color=REFERENCE_COLOR, width=1),
                  annotation=dict(text=t("therapists.funnel.overall", value=i18n.number(mean, 2)),
                                  font=dict(color=REFERENCE_COLOR)),
                  annotation_position="top left", **place)
    judged = rows[~too_few]
    for site in sorted(judged["site"].astype(str).unique()):
        part = judged[judged["site"].astype(str) == site]
        fig.add_trace(go.Scatter(
            x=part["n_clients"], y=part["adjusted_mean"], mode="markers", name=site, text=part["label"],
            legendgroup=f"site:{site}", showlegend=f"site:{site}" not in shown,
            marker=dict(color=palette.get(site), size=10, line=dict(color="white", width=1)),
            customdata=part[["n_rated", "verdict"]].to_numpy(dtype=object), hovertemplate=hover), **place)
        shown.add(f"site:{site}")
    few = rows[too_few]
    if len(few):
        name = t("therapists.funnel.too_few")
        fig.add_trace(go.Scatter(
            x=few["n_clients"], y=few["adjusted_mean"], mode="markers", name=name, text=few["label"],
            legendgroup=name, showlegend=name not in shown,
            marker=dict(color="rgba(0,0,0,0)", size=10, line=dict(color=NOT_JUDGED_COLOR, width=2)),
            customdata=few[["n_rated", "verdict"]].to_numpy(dtype=object), hovertemplate=hover), **place)
        shown.add(name)
    finite = [float(v) for v in values if np.isfinite(v)]
    return (min(finite), max(finite)) if finite else (np.nan, np.nan)


def create_therapist_effects(df: pd.DataFrame, colors: Mapping[str, str] | None = None) -> go.Figure:
    """A forest plot of the `therapist_effects` query: estimates with 95 % intervals, ordered by estimate.

    Ranked therapists come first (highest on top); those with too few clients follow in a block
    of their own, grey and hollow, unranked. Points are coloured by `site` when the frame has
    that column (else by clinic) through `colors`. Therapists without an estimate are left out;
    when no therapist has one (the model could not be fitted) the plain means are drawn instead,
    hollow, without intervals or ranks (create_plain_means).
    """
    _check(df, EFFECTS_COLUMNS, "create_therapist_effects", "therapist_effects")
    # The legend stands to the right, clear of the labelled average line above the plot.
    fig = _base(go.Figure(), legend=dict(yanchor="top", y=1, x=1.02))
    rows = df[df["estimate"].notna()].copy() if len(df) else df
    if rows.empty:
        if df.empty or df["raw_mean"].isna().all():
            return _empty(fig, t("therapists.effects.empty") if df.empty else t("therapists.effects.not_fitted"))
        return create_plain_means(df, fig)

    rows["label"] = therapist_label(rows["clinic"], rows["therapist_id"])
    too_few = rows["too_few"].fillna(False).astype(bool)
    # Not a rank: the probability that the therapist's own level lies above the average (Goldstein &
    # Spiegelhalter 1996), for the therapists reliable enough to compare.
    rows["rank_text"] = [
        t("therapists.effects.not_reliable") if few else t("therapists.effects.p_above", p=i18n.percent(100 * p, 0))
        if pd.notna(p) else "" for few, p in zip(too_few, rows["p_above"])
    ]
    # Plotly draws the first category at the bottom: the too-few block first, then the ranked from low to high.
    ranked = rows[~too_few].sort_values(["estimate", "clinic", "therapist_id"])
    few = rows[too_few].sort_values(["estimate", "clinic", "therapist_id"])
    total = len(rows)
    if total > MAX_THERAPIST_ROWS:  # the extremes of the ranked; the unranked are in the table
        ranked, few = extremes(ranked, "estimate") if len(ranked) else ranked, few.iloc[0:0]
    order = list(few["label"]) + list(ranked["label"])
    color_by = "site" if "site" in rows.columns else "clinic"
    groups = sorted(ranked[color_by].astype(str).unique())
    palette = dict(colors) if colors is not None else color_map(groups)
    hover = "<b>%{y}</b><br>" + t("therapists.effects.hover") + "<extra></extra>"

    def trace(part: pd.DataFrame, name: str, color: str, hollow: bool) -> go.Scatter:
        return go.Scatter(
            x=part["estimate"], y=part["label"], mode="markers", name=name,
            error_x=dict(type="data", symmetric=False, array=part["ci_high"] - part["estimate"],
                         arrayminus=part["estimate"] - part["ci_low"], color=color, thickness=1.5, width=0),
            marker=dict(color="rgba(0,0,0,0)" if hollow else color, size=9,
                        line=dict(color=color, width=2 if hollow else 1)),
            customdata=part[["ci_low", "ci_high", "raw_mean", "n_clients", "n_rated", "rank_text"]].to_numpy(dtype=object),
            hovertemplate=hover,
        )

    for group in groups:
        fig.add_trace(trace(ranked[ranked[color_by].astype(str) == group], group, palette.get(group), False))
    if len(few):
        fig.add_trace(trace(few, t("therapists.effects.too_few"), NOT_JUDGED_COLOR, True))
        # A thin line between the ranked and the unranked block.
        fig.add_hline(y=len(few) - 0.5, line=dict(color=NOT_JUDGED_COLOR, width=1, dash="dot"))
    average = float(rows["estimate"].mean())
    fig.add_vline(x=average, line=dict(color=REFERENCE_COLOR, dash="dash", width=1),
                  annotation=dict(text=t("therapists.effects.average", value=i18n.number(average, 2)),
                                  font=dict(color=REFERENCE_COLOR)),
                  annotation_position="top")
    fig.update_yaxes(categoryorder="array", categoryarray=order, type="category", automargin=True,
                     title_text=rows_title(len(order), total))
    fig.update_xaxes(title_text=t("therapists.effects.x"))
    fig.update_layout(height=max(320, 140 + ROW_HEIGHT * len(order)))
    return fig


def create_plain_means(df: pd.DataFrame, fig: go.Figure) -> go.Figure:
    """The therapists' plain mean SRS, for when the model gives no estimates: hollow grey points,
    no intervals, no ranks, in the order of the mean."""
    rows = df[df["raw_mean"].notna()].copy()
    rows["label"] = therapist_label(rows["clinic"], rows["therapist_id"])
    rows = rows.sort_values(["raw_mean", "clinic", "therapist_id"])
    total = len(rows)
    rows = extremes(rows, "raw_mean")
    fig.add_trace(go.Scatter(
        x=rows["raw_mean"], y=rows["label"], mode="markers", name=t("therapists.effects.plain_name"),
        marker=dict(color="rgba(0,0,0,0)", size=9, line=dict(color=NOT_JUDGED_COLOR, width=2)),
        customdata=rows[["n_clients", "n_rated"]].to_numpy(dtype=object),
        hovertemplate="<b>%{y}</b><br>" + t("therapists.effects.plain_hover") + "<extra></extra>",
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["label"]), type="category", automargin=True,
                     title_text=rows_title(len(rows), total))
    fig.update_xaxes(title_text=t("therapists.effects.plain_x"))
    fig.update_layout(height=max(320, 140 + ROW_HEIGHT * len(rows)))
    return fig


def create_therapist_effects_with_sites(df: pd.DataFrame, funnel: pd.DataFrame,
                                        colors: Mapping[str, str] | None = None) -> go.Figure:
    """create_therapist_effects with each therapist's site taken from the funnel's rows."""
    sites = funnel[["clinic", "therapist_id", "site"]]
    return create_therapist_effects(df.merge(sites, on=["clinic", "therapist_id"], how="left"), colors=colors)
