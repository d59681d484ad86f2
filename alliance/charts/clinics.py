"""Clinic and site comparisons: alliance by session number, alliance profiles, outcome categories, early alliance and outcome."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..i18n import t
from .colors import OKABE_ITO, REFERENCE_COLOR, color_map
from .trend import empty_figure, setting_text

DEVELOPMENT_COLUMNS = ("session_number", "group", "n", "mean", "ci_low", "ci_high")
SRS_ITEMS = ("srs_relationship", "srs_goals_topics", "srs_approach", "srs_overall")
WAI_SUBSCALES = ("client_goal", "client_task", "client_bond", "therapist_goal", "therapist_task", "therapist_bond")
PROFILE_COLUMNS = ("group", "n_clients", "n_srs", *SRS_ITEMS, "n_client_wai", "n_therapist_wai", *WAI_SUBSCALES)
OUTCOME_COLUMNS = ("group", "category", "n_clients", "pct_clients", "pct_assessed")
OUTCOME_CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "insufficient")
# Outcome colours run from good to bad; "insufficient" is pale, it is no outcome at all.
OUTCOME_COLORS = {
    "recovered": OKABE_ITO["bluish_green"],
    "improved": OKABE_ITO["sky_blue"],
    "unchanged": "#BBBBBB",
    "deteriorated": OKABE_ITO["vermillion"],
    "insufficient": "#E8E8E8",
}
EARLY_COLUMNS = ("group", "n", "r", "ci_low", "ci_high")
# Flückiger, Del Re, Wampold & Horvath (2018): the meta-analytic alliance-outcome correlation (docs/methods.md).
RESEARCH_R = 0.28
# Groups drawn at one session number are spread this far apart (in sessions) so their intervals do not hide each other.
DODGE = 0.12
SRS_MAX = 40


def _check(df: pd.DataFrame, required: Sequence[str], chart: str, query: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{chart} needs a DataFrame of the {query} query, not {type(df).__name__}.")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{chart} needs the columns of the {query} query; missing: {', '.join(missing)}.")


def _layout(fig: go.Figure, legend_title: str | None) -> None:
    fig.update_layout(
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="closest",
        separators=i18n.plotly_separators(),
        legend=dict(title=dict(text=legend_title or ""), orientation="h", yanchor="bottom", y=1.02, x=0),
    )


def _palette(groups: Sequence[str], colors: Mapping[str, str] | None) -> dict[str, str]:
    return dict(colors) if colors is not None else color_map(groups)


def _error(high, mean, low, color) -> dict:
    return dict(type="data", symmetric=False, array=np.asarray(high - mean, dtype=float),
                arrayminus=np.asarray(mean - low, dtype=float), color=color, thickness=1.5, width=4)


def create_alliance_development(
    df: pd.DataFrame,
    cutoff: float | None = None,
    early_sessions: int | None = None,
    group_label: str | None = None,
    colors: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Mean SRS by session number per group (the `alliance_development` query) with 95 % intervals.

    The early phase (sessions 1 to `early_sessions`) is a labelled band, the cutoff a labelled line.
    Groups are spread a little sideways at each session number so that their intervals stay visible.
    """
    _check(df, DEVELOPMENT_COLUMNS, "create_alliance_development", "alliance_development")
    if df.empty:
        return empty_figure(t("chart.dev.empty"))
    fig = go.Figure()
    _layout(fig, group_label or t("chart.group.site"))
    groups = sorted(df["group"].astype(str).unique())
    palette = _palette(groups, colors)
    names = dict(names or {})
    offsets = {g: (i - (len(groups) - 1) / 2) * DODGE for i, g in enumerate(groups)}
    for group in groups:
        rows = df[df["group"].astype(str) == group].sort_values("session_number")
        interval = [
            f"{i18n.number(lo, 1)}–{i18n.number(hi, 1)}" if pd.notna(lo) and pd.notna(hi) else t("chart.dev.no_interval")
            for lo, hi in zip(rows["ci_low"], rows["ci_high"])
        ]
        fig.add_trace(go.Scatter(
            x=rows["session_number"] + offsets[group],
            y=rows["mean"],
            name=names.get(group, group),
            mode="lines+markers",
            line=dict(color=palette.get(group), width=2),
            marker=dict(size=6),
            error_y=_error(rows["ci_high"], rows["mean"], rows["ci_low"], palette.get(group)),
            customdata=np.column_stack([rows["session_number"].to_numpy(), rows["n"].to_numpy()]),
            text=interval,
            hovertemplate=(
                f"%{{fullData.name}}<br>{t('chart.dev.session')} %{{customdata[0]}}<br>"
                f"{t('chart.mean')} %{{y:.1f}}<br>{t('chart.interval')} %{{text}}<br>"
                f"n = %{{customdata[1]}} {t('chart.dev.n')}<extra></extra>"
            ),
        ))
    last = int(df["session_number"].max())
    if early_sessions:
        fig.add_vrect(x0=0.5, x1=float(early_sessions) + 0.5, fillcolor=REFERENCE_COLOR, opacity=0.08, line_width=0,
                      layer="below", annotation=dict(text=t("chart.dev.early", early=int(early_sessions)),
                                                     font=dict(color=REFERENCE_COLOR)),
                      annotation_position="top left")
    if cutoff is not None:
        fig.add_hline(y=cutoff, line=dict(color=REFERENCE_COLOR, dash="dash", width=1.5),
                      annotation=dict(text=t("chart.trend.cutoff", cutoff=setting_text(cutoff)),
                                      font=dict(color=REFERENCE_COLOR)),
                      annotation_position="bottom right")
    lows = pd.concat([df["ci_low"], df["mean"]]).dropna()
    highs = pd.concat([df["ci_high"], df["mean"]]).dropna()
    low = min(float(lows.min()), float(cutoff) if cutoff is not None else SRS_MAX)
    fig.update_yaxes(title_text=t("chart.dev.y"), range=[max(0.0, low - 1), min(SRS_MAX, float(highs.max())) + 0.5])
    fig.update_xaxes(title_text=t("chart.dev.x"), range=[0.5, last + 0.5], dtick=1 if last <= 20 else 5)
    return fig


def create_profiles(
    df: pd.DataFrame,
    group_label: str | None = None,
    colors: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Dot plots of the `profiles` query: the four SRS items (left) and WAI-SR goal, task and bond of both raters (right).

    Dots, not bars: the items sit near the top of their scales, and a bar would have to start at the scale's bottom.
    """
    _check(df, PROFILE_COLUMNS, "create_profiles", "profiles")
    has_any = not df.empty and (df["n_srs"].fillna(0).sum() + df["n_client_wai"].fillna(0).sum()
                                + df["n_therapist_wai"].fillna(0).sum()) > 0
    if not has_any:
        return empty_figure(t("chart.profiles.empty"))
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("chart.profiles.srs"), t("chart.profiles.wai")),
                        horizontal_spacing=0.18)
    _layout(fig, group_label or t("chart.group.site"))
    # Room above the subplot titles for the legend.
    fig.update_layout(scattermode="group", scattergap=0.5, margin=dict(t=90),
                      legend=dict(y=1.12, yanchor="bottom"))
    groups = sorted(df["group"].astype(str).unique())
    palette = _palette(groups, colors)
    names = dict(names or {})
    srs_labels = [t(f"chart.profiles.{c}") for c in SRS_ITEMS]
    wai_labels = [t(f"chart.profiles.{c}") for c in WAI_SUBSCALES]
    for group in groups:
        row = df[df["group"].astype(str) == group].iloc[0]
        name = names.get(group, group)
        srs_n = [row["n_srs"]] * len(SRS_ITEMS)
        wai_n = [row["n_client_wai"]] * 3 + [row["n_therapist_wai"]] * 3
        for col, items, labels, counts in ((1, SRS_ITEMS, srs_labels, srs_n), (2, WAI_SUBSCALES, wai_labels, wai_n)):
            fig.add_trace(go.Scatter(
                x=[row[c] for c in items],
                y=labels,
                name=name,
                legendgroup=group,
                showlegend=col == 1,
                mode="markers",
                orientation="h",
                marker=dict(color=palette.get(group), size=11, line=dict(color="white", width=1)),
                customdata=np.column_stack([np.asarray(counts, dtype=float),
                                            np.full(len(items), float(row["n_clients"]))]),
                hovertemplate=(f"%{{fullData.name}}<br>%{{y}}<br>{t('chart.mean')} %{{x:.2f}}<br>"
                               f"n = %{{customdata[0]:.0f}} {t('chart.profiles.forms')}, "
                               f"%{{customdata[1]:.0f}} {t('chart.profiles.clients')}<extra></extra>"),
            ), row=1, col=col)
    for col, items in ((1, SRS_ITEMS), (2, WAI_SUBSCALES)):
        means = df[list(items)].stack().dropna()
        if len(means):
            spread = max(float(means.max() - means.min()), 0.2)
            fig.update_xaxes(range=[float(means.min()) - spread * 0.4, float(means.max()) + spread * 0.4],
                             row=1, col=col)
        fig.update_yaxes(autorange="reversed", row=1, col=col)
    return fig


def create_outcome_categories(
    df: pd.DataFrame,
    group_label: str | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """The `outcome_summary` query as one 100 % bar per group, split into the five outcome categories."""
    _check(df, OUTCOME_COLUMNS, "create_outcome_categories", "outcome_summary")
    unknown = sorted(set(df["category"].astype(str)) - set(OUTCOME_CATEGORIES))
    if unknown:
        raise ValueError(f"create_outcome_categories: unknown outcome categories: {', '.join(unknown)}.")
    totals = df.groupby(df["group"].astype(str))["n_clients"].sum()
    if df.empty or totals.sum() == 0:
        return empty_figure(t("chart.outcome.empty"))
    fig = go.Figure()
    _layout(fig, t("chart.outcome.legend"))
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal"))
    names = dict(names or {})
    groups = sorted(totals.index)
    labels = {g: t("chart.outcome.group_n", group=names.get(g, g), n=i18n.integer(totals[g])) for g in groups}
    for category in OUTCOME_CATEGORIES:
        rows = df[df["category"] == category].assign(group=lambda d: d["group"].astype(str))
        rows = rows.set_index("group").reindex(groups)
        assessed = [i18n.percent(v, 1) if pd.notna(v) else "–" for v in rows["pct_assessed"]]
        fig.add_trace(go.Bar(
            x=rows["pct_clients"].fillna(0),
            y=[labels[g] for g in groups],
            name=t(f"outcome.{category}"),
            orientation="h",
            marker=dict(color=OUTCOME_COLORS[category], line=dict(color="white", width=1)),
            customdata=[[int(n), share] for n, share in zip(rows["n_clients"].fillna(0), assessed)],
            hovertemplate=(f"%{{y}}<br>%{{fullData.name}}: %{{customdata[0]}} {t('chart.outcome.n_clients')}"
                           f"<br>%{{x:.1f}}% {t('chart.outcome.of_all')}"
                           f"<br>%{{customdata[1]}} {t('chart.outcome.of_assessed')}<extra></extra>"),
        ))
    fig.update_xaxes(title_text=t("chart.outcome.x"), range=[0, 100])
    fig.update_yaxes(autorange="reversed")
    return fig


def create_early_alliance_outcome(
    df: pd.DataFrame,
    group_label: str | None = None,
    colors: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """The `early_alliance_outcome` query as a forest plot: r per group with its 95 % interval and n.

    Reference lines: no relation (0) and the research average (r = .28). Groups without a correlation
    (fewer than 4 clients) are left out; with none left the figure says so.
    """
    _check(df, EARLY_COLUMNS, "create_early_alliance_outcome", "early_alliance_outcome")
    rows = df[df["r"].notna()].assign(group=lambda d: d["group"].astype(str)).sort_values("group")
    if rows.empty:
        return empty_figure(t("chart.early.empty"))
    fig = go.Figure()
    _layout(fig, group_label or t("chart.group.clinic"))
    groups = list(rows["group"])
    palette = _palette(groups, colors)
    names = dict(names or {})
    extra = [c for c in ("mean_early_alliance", "mean_ors_change") if c in rows.columns]
    for _, row in rows.iterrows():  # one row per clinic: a handful at most
        group = row["group"]
        label = t("chart.early.group_n", group=names.get(group, group), n=i18n.integer(row["n"]))
        lines = "".join(
            f"<br>{t('chart.early.' + ('mean_early' if c == 'mean_early_alliance' else 'mean_change'))} "
            f"{i18n.number(row[c], 1)}" for c in extra)
        fig.add_trace(go.Scatter(
            x=[row["r"]], y=[label], name=names.get(group, group), mode="markers",
            marker=dict(color=palette.get(group), size=13, symbol="diamond"),
            error_x=_error(pd.Series([row["ci_high"]]), pd.Series([row["r"]]), pd.Series([row["ci_low"]]),
                           palette.get(group)),
            customdata=[[row["n"]]],
            text=[f"{i18n.number(row['ci_low'], 2)} – {i18n.number(row['ci_high'], 2)}"],
            hovertemplate=(f"%{{fullData.name}}<br>r = %{{x:.2f}}<br>{t('chart.interval')} %{{text}}"
                           f"<br>n = %{{customdata[0]}} {t('chart.early.n')}{lines}<extra></extra>"),
        ))
    # The reference lines' labels sit above the plot, pointing away from each other, clear of the points.
    for x, text, side, dash in ((0.0, t("chart.early.zero"), "right", "solid"),
                                (RESEARCH_R, t("chart.early.research", r=i18n.number(RESEARCH_R, 2)), "left", "dash")):
        fig.add_vline(x=x, line=dict(color=REFERENCE_COLOR, dash=dash, width=1.5 if dash == "dash" else 1))
        fig.add_annotation(x=x, xref="x", y=1, yref="paper", yanchor="bottom", xanchor=side, showarrow=False,
                           text=text, font=dict(color=REFERENCE_COLOR))
    low = min(-0.1, float(rows["ci_low"].min(skipna=True)) - 0.05) if rows["ci_low"].notna().any() else -0.1
    high = max(0.6, float(rows["ci_high"].max(skipna=True)) + 0.05) if rows["ci_high"].notna().any() else 0.6
    fig.update_xaxes(title_text=t("chart.early.x"), range=[max(-1.0, low), min(1.0, high)], zeroline=False)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False, height=160 + 60 * len(rows), margin=dict(t=40))
    return fig
