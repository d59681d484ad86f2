"""Overview: how the alliance develops month by month in the public and the private clinic."""
import calendar
import datetime as dt

import streamlit as st

from alliance.ui import frame

from alliance.charts import create_alliance_trend
from alliance.ui.data import current_store
from alliance.ui import filters
from alliance.ui.state import count, show_empty_state

frame.ensure()
st.title("Overview")
snapshot = current_store()
span = current_store(filtered=False).query("data_span")  # is there any data at all, whatever the filters

if span is None or span.empty or not span["n_sessions"].iloc[0]:
    show_empty_state("the monthly alliance trend")
    st.stop()

first = span["first_date"].iloc[0].date().replace(day=1)
last_day = span["last_date"].iloc[0].date()
last = last_day.replace(day=calendar.monthrange(last_day.year, last_day.month)[1])
chosen = filters.current()
start, end = chosen.start or first, chosen.end or last
if start > end:
    st.warning("The period ends before it starts: choose a From date before the To date.")
    st.stop()

cutoff = snapshot.setting("srs_cutoff")
trend = snapshot.query("alliance_trend", start=start, end=end, group="sector")

st.subheader("Alliance per month, public and private clinic")
st.plotly_chart(create_alliance_trend(trend, cutoff=cutoff, group_label="Sector"),
                key="alliance_trend", config={"displaylogo": False})
if trend.empty:
    st.info("No rated sessions in this period: widen the period to see the trend.")
else:
    st.caption(
        f"{count(int(trend['n_rated'].sum()), 'rated session')} in {count(trend['month'].nunique(), 'month')} "
        f"from {start:%d %b %Y} to {end:%d %b %Y}."
    )
st.caption(
    "Each point is the mean client SRS total (0–40) of the month's rated sessions. "
    "Months with few rated sessions are noisy: hover a point to see how many sessions and clients it rests on. "
    f"The dashed line is the cutoff, {cutoff:g}: a session below it counts as low alliance."
)
