"""Dual perspective: client and therapist WAI-SR at the same sessions, by therapist, over sessions and by subscale."""
import streamlit as st

from alliance.ui import frame

from alliance import i18n
from alliance.charts.colors import SECTOR_COLORS, color_map
from alliance.charts.dual import (
    create_discrepancy_by_therapist,
    create_discrepancy_development,
    create_wai_pairs_scatter,
    create_wai_profiles_at,
)
from alliance.i18n import t
from alliance.ui import filters
from alliance.ui.data import current_store
from alliance.ui.export import chart_downloads
from alliance.ui.state import suppression_note

frame.ensure()
st.title(t("dual.title"))
snapshot = current_store()
everything = current_store(filtered=False)
frame.require_data(t("dual.no_data"))  # stops the page when there is no data at all, whatever the filters

chosen = filters.current()
frame.require_valid_period(chosen)
period = chosen.period()

# The pairs are counted in the store (wai_pairs_summary, wai_pair_points): the page never fetches them one by one.
summary = snapshot.query("wai_pairs_summary", **period).iloc[0]
if summary["n_pairs"] == 0:
    st.info(t("dual.no_pairs"))
    st.stop()

# Every clinic and site the store knows, so each keeps its colour whatever the filters leave.
options = everything.query("filter_options")
colors = {**color_map(set(options["clinic"].astype(str).unique()) | set(options["site"].astype(str).unique())),
          **SECTOR_COLORS}

st.caption(t("dual.intro"))

# --------------------------------------------------------------------------- scatter of pairs
st.subheader(t("dual.scatter.heading"))
st.plotly_chart(snapshot.figure(create_wai_pairs_scatter, ("wai_pair_points", period), colors=colors),
                key="dual_scatter", config={"displaylogo": False})
chart_downloads("dual_scatter", "wai_pair_points", period, lambda rows: create_wai_pairs_scatter(rows, colors=colors),
                t("dual.scatter.heading"), page="dual_perspective")
st.caption(t("dual.scatter.caption", n=i18n.integer(summary["n_pairs"]),
             clients=i18n.integer(summary["n_clients"]),
             therapists=i18n.integer(summary["n_therapists"]),
             above=i18n.percent(summary["pct_client_higher"], 0),
             below=i18n.percent(summary["pct_therapist_higher"], 0)))

# --------------------------------------------------------------------------- discrepancy by therapist
st.subheader(t("dual.therapist.heading"))
by_therapist = snapshot.query("dual_perspective", **period)  # each therapist's interval included (ci_low, ci_high)
st.plotly_chart(snapshot.figure(create_discrepancy_by_therapist, ("dual_perspective", period), colors=colors),
                key="dual_by_therapist", config={"displaylogo": False})
chart_downloads("dual_by_therapist", "dual_perspective", period,
                lambda rows: create_discrepancy_by_therapist(rows, colors=colors),
                t("dual.therapist.heading"), page="dual_perspective")
st.caption(t("dual.therapist.caption"))
columns = ["clinic", "therapist_id", "n_pairs", "mean_client_wai", "mean_therapist_wai", "mean_discrepancy",
           "ci_low", "ci_high", "correlation"]
names = {c: t(f"dual.col.{'therapist' if c == 'therapist_id' else c}") for c in columns}
number = st.column_config.NumberColumn
st.dataframe(
    by_therapist[columns].rename(columns=names), hide_index=True, width="stretch",
    height=min(38 + 35 * len(by_therapist), 1100),  # every therapist of a clinic without scrolling
    column_config={names[c]: number(format="%.3f" if c == "correlation" else "%.2f")
                   for c in columns if c not in ("clinic", "therapist_id", "n_pairs")},
)

# --------------------------------------------------------------------------- convergence over sessions
st.subheader(t("dual.development.heading"))
group = st.segmented_control(t("dual.development.group"), ["sector", "clinic", "site"], default="sector",
                             format_func=lambda g: t(f"dual.group.{g}"), key="dual_group") or "sector"
development = snapshot.query("discrepancy_development", **period, group=group)
st.plotly_chart(snapshot.figure(create_discrepancy_development, ("discrepancy_development", {**period, "group": group}),
                                colors=colors, group_label=t(f"dual.group.{group}").capitalize()),
                key="dual_development", config={"displaylogo": False})
chart_downloads("dual_development", "discrepancy_development", {**period, "group": group},
                lambda rows: create_discrepancy_development(rows, colors=colors,
                                                            group_label=t(f"dual.group.{group}").capitalize()),
                t("dual.development.heading"), page="dual_perspective")
st.caption(t("dual.development.caption"))
suppression_note(development, below=snapshot.setting("suppress_below"))

# --------------------------------------------------------------------------- goal, task and bond
st.subheader(t("dual.profiles.heading"))
level = st.segmented_control(t("dual.profiles.level"), ["clinic", "therapist"], default="clinic",
                             format_func=lambda g: t(f"dual.group.{g}"), key="dual_level") or "clinic"
profiles = snapshot.query("profiles", **period, level=level)
st.plotly_chart(snapshot.figure(create_wai_profiles_at, ("profiles", {**period, "level": level}), level=level, colors=colors),
                key="dual_profiles", config={"displaylogo": False})
chart_downloads("dual_profiles", "profiles", {**period, "level": level},
                lambda rows: create_wai_profiles_at(rows, level, colors=colors),
                t("dual.profiles.heading"), page="dual_perspective")
st.caption(t("dual.profiles.caption"))
suppression_note(profiles, below=snapshot.setting("suppress_below"))
