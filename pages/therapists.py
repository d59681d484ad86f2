"""Therapists: the fair comparison (funnel plot, shrunken estimates, the therapist share, the summary table)."""
import streamlit as st

from alliance.ui import frame

from alliance import i18n
from alliance.charts.colors import color_map
from alliance.charts.therapists import create_funnel, create_therapist_effects_with_sites
from alliance.i18n import t
from alliance.ui import filters
from alliance.ui.data import current_store
from alliance.ui.export import chart_downloads

frame.ensure()
st.title(t("therapists.title"))
snapshot = current_store()
everything = current_store(filtered=False)
frame.require_data(t("therapists.no_data"))  # stops the page when there is no data at all, whatever the filters

chosen = filters.current()
frame.require_valid_period(chosen)
period = chosen.period()
min_clients = int(snapshot.setting("min_clients"))

funnel = snapshot.query("funnel", **period)
if funnel.empty:
    st.info(t("empty.no_selection"))
    st.stop()

# Every site and clinic the store knows, so each keeps its colour whatever the filters leave.
options = everything.query("filter_options")
colors = color_map(set(options["clinic"].astype(str).unique()) | set(options["site"].astype(str).unique()))

st.caption(t("therapists.intro"))
st.info(t("therapists.caveat", n=min_clients))

# --------------------------------------------------------------------------- funnel plot
st.subheader(t("therapists.funnel.heading"))
st.plotly_chart(snapshot.figure(create_funnel, ("funnel", period), colors=colors), key="therapists_funnel",
                config={"displaylogo": False})
chart_downloads("therapists_funnel", "funnel", period, lambda rows: create_funnel(rows, colors=colors),
                t("therapists.funnel.heading"), page="therapists")
judged = funnel[~funnel["too_few"].astype(bool)]
st.caption(t("therapists.funnel.caption", outside=i18n.integer(int(judged["outside_998"].notna().sum())),
             judged=i18n.integer(len(judged))))
for status in sorted(set(funnel["status"]) - {"fitted"}):
    st.warning(t(f"model.status.{status}"), icon=":material/info:")

# --------------------------------------------------------------------------- shrunken estimates
st.subheader(t("therapists.effects.heading"))
adjusted = st.toggle(t("therapists.effects.adjust"), key="therapists_adjust", help=t("therapists.effects.adjust_help"))
adjust = "intake_ors" if adjusted else "none"
effects = snapshot.query("therapist_effects", **period, adjust=adjust)
sites = funnel[["clinic", "therapist_id", "site"]]
effects = effects.merge(sites, on=["clinic", "therapist_id"], how="left")
st.plotly_chart(snapshot.figure(create_therapist_effects_with_sites, ("therapist_effects", {**period, "adjust": adjust}),
                                ("funnel", period), colors=colors),
                key="therapists_effects", config={"displaylogo": False})
chart_downloads("therapists_effects", "therapist_effects", {**period, "adjust": adjust},
                lambda rows: create_therapist_effects_with_sites(rows, funnel, colors=colors),
                t("therapists.effects.heading"), page="therapists")
if len(effects) and effects["estimate"].isna().all():
    # The model could not be fitted: one sentence with the reason; the chart shows the plain means.
    st.warning(t("therapists.effects.unavailable", reason=t(f"model.status.{effects['status'].iloc[0]}")))
elif len(effects) and (effects["status"] == "boundary").any():
    st.caption(t("model.status.boundary"))
if adjusted and len(effects):
    missing = effects["note"].astype(str).str.extract(r"(\d+) client\(s\) without an ORS")[0].dropna()
    if len(missing):
        st.caption(t("therapists.effects.adjusted_note", n=i18n.integer(int(missing.iloc[0]))))
st.caption(t("therapists.effects.caption"))
icc = snapshot.query("therapist_icc", **period, adjust=adjust)
if len(icc) and bool(icc["converged"].iloc[0]):
    reliable = i18n.number(snapshot.setting("min_reliability"), 1)
    needed = icc["reliable_clients"].iloc[0]
    st.caption(t("therapists.reliable", reliability=reliable, k=i18n.integer(int(needed)),
                 m=i18n.number(icc["sessions_per_client"].iloc[0], 0)) if needed == needed
               else t("therapists.reliable_none", reliability=reliable))

# --------------------------------------------------------------------------- therapist share (ICC)
st.subheader(t("therapists.icc.heading"))
row = icc.iloc[0] if len(icc) else None
if row is None or not bool(row["converged"]) or row["icc"] != row["icc"]:
    st.info(t("therapists.icc.unavailable_reason", reason=t(f"model.status.{row['status']}"))
            if row is not None and row["status"] else t("therapists.icc.unavailable"))
else:
    share = float(row["icc"])
    client_share = float(row["client_icc"])
    interval = (t("therapists.icc.interval", low=i18n.percent(100 * row["icc_ci_low"], 1),
                  high=i18n.percent(100 * row["icc_ci_high"], 1))
                if row["icc_ci_low"] == row["icc_ci_low"] else t("therapists.icc.no_interval"))
    statement = t("therapists.icc.statement", icc=i18n.percent(100 * share, 1), interval=interval,
                  client=i18n.percent(100 * client_share, 1),
                  session=i18n.percent(100 * (1 - share - client_share), 1))
    # The model's own sentence in English; the same numbers in the viewer's words otherwise.
    st.text(row["statement"] if i18n.language() == "en" and row["statement"] else statement)
    st.markdown(t("therapists.icc.meaning", within=i18n.percent(100 * (1 - share), 0)))
    if int(row["n_therapists"]) < 20:
        st.caption(t("therapists.icc.few", n=int(row["n_therapists"])))

# --------------------------------------------------------------------------- summary table
st.subheader(t("therapists.summary.heading"))
summary = snapshot.query("therapist_summary", **period)
# Too few to compare: the model's judgement (fewer than min_clients clients, or an estimate less reliable
# than min_reliability), the one that decides whether the probability above average is shown.
table = summary.merge(effects[["clinic", "therapist_id", "estimate", "reliability", "p_above", "too_few"]],
                      on=["clinic", "therapist_id"], how="left")
table["p_above"] = 100 * table["p_above"]
table["sector"] = [t(f"sector.{s}") if s in ("public", "private") else s for s in table["sector"]]
table["too_few"] = table["too_few"].astype("boolean")
columns = ["clinic", "therapist_id", "site", "sector", "n_clients", "n_sessions", "n_rated", "mean_srs", "pct_low",
           "n_ruptures", "pct_repaired", "mean_discrepancy", "completion_rate", "estimate", "reliability", "p_above",
           "too_few"]
names = {c: t(f"therapists.col.{'therapist' if c == 'therapist_id' else c}") for c in columns}
number = st.column_config.NumberColumn
st.dataframe(
    # Tall enough for every therapist of a clinic without scrolling (a row is 35 px); larger lists scroll.
    table[columns].rename(columns=names), hide_index=True, width="stretch", height=min(38 + 35 * len(table), 1100),
    column_config={
        names["mean_srs"]: number(format="%.2f"),
        names["pct_low"]: number(format="%.1f"),
        names["pct_repaired"]: number(format="%.1f"),
        names["mean_discrepancy"]: number(format="%.2f"),
        names["completion_rate"]: number(format="%.1f"),
        names["estimate"]: number(format="%.2f"),
        names["reliability"]: number(format="%.2f"),
        names["p_above"]: number(format="%.0f %%"),
    },
)
st.caption(t("therapists.summary.caption", n=len(table), cutoff=i18n.number(snapshot.setting("srs_cutoff"), 0)))
