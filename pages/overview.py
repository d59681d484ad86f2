"""Overview: the period's key figures, the public against the private clinic month by month, and who needs attention now."""
import calendar

import numpy as np
import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.agenda import key_figures
from alliance.caseload import FLAGS
from alliance.charts import create_alliance_trend
from alliance.charts.trend import setting_text
from alliance.i18n import t
from alliance.ui import filters, frame
from alliance.ui.data import current_store
from alliance.ui.export import chart_downloads
from alliance.ui.state import show_empty_state, suppression_note

# How many clients the attention list shows; the Supervision page has them all.
ATTENTION_ROWS = 10

frame.ensure()
st.title(t("overview.title"))
snapshot = current_store()
span = current_store(filtered=False).query("data_span")  # is there any data at all, whatever the filters

if span is None or span.empty or not span["n_sessions"].iloc[0]:
    show_empty_state(t("empty.what.overview"))
    st.stop()

chosen = filters.current()
first = span["first_date"].iloc[0].date().replace(day=1)
last_day = span["last_date"].iloc[0].date()
last = last_day.replace(day=calendar.monthrange(last_day.year, last_day.month)[1])
if chosen.start and chosen.end and chosen.start > chosen.end:
    st.warning(t("filters.bad_period"))
    st.stop()

# For the sentences: an open end is the data's first or last month (or the chosen start, if later).
start = chosen.start or first
end = chosen.end or max(last, start)
period = chosen.period()
cutoff = snapshot.setting("srs_cutoff")
trend = snapshot.query("alliance_trend", **period, group="sector")
# The key figures are about the clients the viewer sees at client level: period_totals never draws
# on other clinics (a supervisor's sector lines also show other clinics' aggregates).
totals = snapshot.query("period_totals", **period)
flags = snapshot.query("caseload_flags", **period)
figures = key_figures(totals, flags)
st.subheader(t("overview.key_figures"))
st.caption(t("overview.period", start=i18n.date(start), end=i18n.date(end)))
tiles = st.columns(6)
tiles[0].metric(t("overview.metric.clients"), i18n.integer(figures["clients"]), help=t("overview.metric.clients_help"))
tiles[1].metric(t("overview.metric.sessions"), i18n.integer(figures["sessions"]),
                help=t("overview.metric.sessions_help"))
tiles[2].metric(t("overview.metric.completion"), i18n.percent(figures["completion"]),
                help=t("overview.metric.completion_help", rated=i18n.integer(flags["n_rated"].sum()),
                       sessions=i18n.integer(figures["sessions"])))
tiles[3].metric(t("overview.metric.mean_srs"), i18n.number(figures["mean_srs"], 1),
                help=t("overview.metric.mean_srs_help", rated=i18n.integer(figures["rated"])))
tiles[4].metric(t("overview.metric.low"), i18n.percent(figures["pct_low"]),
                help=t("overview.metric.low_help", cutoff=setting_text(cutoff)))
tiles[5].metric(t("overview.metric.open_ruptures"), i18n.integer(figures["open_ruptures"]),
                help=t("overview.metric.open_ruptures_help", window=int(snapshot.setting("repair_window"))))

st.subheader(t("overview.trend.title"))
sector_names = {s: t(f"sector.{s}") for s in ("public", "private")}
st.plotly_chart(snapshot.figure(create_alliance_trend, ("alliance_trend", {**period, "group": "sector"}), cutoff=cutoff,
                                group_label=t("chart.group.sector"), names=sector_names),
                key="alliance_trend", config={"displaylogo": False})
chart_downloads("alliance_trend", "alliance_trend", {**period, "group": "sector"},
                lambda rows: create_alliance_trend(rows, cutoff=cutoff, group_label=t("chart.group.sector"),
                                                   names=sector_names),
                t("overview.trend.title"), page="overview", words=["alliance-trend", "sectors"])
if trend.empty:
    st.info(t("overview.trend.empty"))
else:
    months = trend["month"].nunique()
    st.caption(t("overview.trend.count" if months != 1 else "overview.trend.count_one_month",
                 rated=i18n.integer(int(trend["n_rated"].sum())), months=months, start=i18n.date(start), end=i18n.date(end)))
st.caption(t("overview.trend.read", cutoff=setting_text(cutoff)))
suppression_note(trend, below=snapshot.setting("suppress_below"))

st.subheader(t("overview.attention.title"))
flagged = flags[flags["concern"] > 0]
if flagged.empty:
    st.info(t("overview.attention.none"))
else:
    top = flagged.head(ATTENTION_ROWS)  # the query orders by concern, then by the latest session
    words = pd.DataFrame({f: np.where(top[f].to_numpy(dtype=bool), t(f"flag.{f}"), "") for f in FLAGS}, index=top.index)
    attention = pd.DataFrame({
        "clinic": top["clinic"],
        "client": top["client_id"],
        "therapist": top["therapist_id"],
        "flags": words.apply(lambda row: ", ".join(w for w in row if w), axis=1),  # at most ATTENTION_ROWS rows
        "concern": top["concern"],
        "last_session": pd.to_datetime(top["last_session_date"]),
    })
    st.markdown(t("overview.attention.intro", shown=len(top), flagged=i18n.integer(len(flagged))))
    st.dataframe(
        attention, hide_index=True, key="attention", width="stretch",
        column_config={
            "clinic": st.column_config.TextColumn(t("overview.col.clinic")),
            "client": st.column_config.TextColumn(t("overview.col.client")),
            "therapist": st.column_config.TextColumn(t("overview.col.therapist")),
            "flags": st.column_config.TextColumn(t("overview.col.flags"), width="large"),
            "concern": st.column_config.NumberColumn(t("overview.col.concern"), help=t("overview.col.concern_help")),
            "last_session": st.column_config.DateColumn(
                t("overview.col.last_session"), format="DD.MM.YYYY" if i18n.language() == "nb" else "D MMM YYYY"),
        },
    )
