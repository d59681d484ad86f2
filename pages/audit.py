"""Audit trail: logins, page views, uploads and exports, newest first, for administrators only.

Everything is shown as plain text in table cells (st.dataframe), never as Markdown or HTML:
user names and filter values come from outside the code.
"""
import os

import pandas as pd
import streamlit as st

from alliance import audit, i18n, store
from alliance.i18n import t
from alliance.settings import SettingsError, load_settings
from alliance.ui import frame
from alliance.ui.state import code, escape_markdown

frame.ensure()  # first: the language, the sidebar and the navigation (where this page shows only to readers)

if not audit.may_read(audit.viewer_of(st.session_state)):
    st.markdown(t("audit.refused"))
    st.stop()

# The table shows at most this many events (the newest); the count sentence gives the total.
SHOWN_EVENTS = 5000
ALL = ""


def event_label(event: str) -> str:
    """An event type in the viewer's language (a type this version does not know is shown as written)."""
    return t(f"audit.event.{event}") if event in audit.EVENTS else str(event)


st.title(t("audit.title"))
st.caption(t("audit.intro"))
home = store.home_dir()
folder = audit.audit_dir(home)

failures = audit.write_failures()
if failures["count"]:
    st.error(t("audit.write_failed", n=i18n.count(failures["count"], "audit.n_failed"),
               when=failures["last"].strftime("%Y-%m-%d %H:%M:%S"), reason=escape_markdown(failures["reason"]),
               folder=code(folder)))
elif folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
    st.error(t("audit.not_writable", folder=code(folder)))

try:
    retention = load_settings(home)["audit_retention_days"]
except SettingsError as exc:
    st.error(escape_markdown(exc))
    st.stop()

whole = audit.summary(home)  # the users and pages seen, and the oldest event, whatever the filters
try:
    days = i18n.integer(audit.check_retention(retention))
except ValueError:
    st.warning(t("audit.bad_retention", value=code(retention)))
else:
    if whole["oldest"] is None:
        st.markdown(t("audit.retention_empty", days=days))
    else:
        st.markdown(t("audit.retention", days=days, oldest=i18n.date(whole["oldest"])))

row1 = st.columns(2)
since = row1[0].date_input(t("audit.from"), value=None, key="au_from", format=i18n.date_format(),
                           help=t("audit.period_help"))
until = row1[1].date_input(t("audit.to"), value=None, key="au_to", format=i18n.date_format(),
                           help=t("audit.period_help"))
row2 = st.columns(3)
user = row2[0].selectbox(t("audit.user"), [ALL] + whole["users"], key="au_user",
                         format_func=lambda u: t("audit.all") if u == ALL else u)
event = row2[1].selectbox(t("audit.event"), (ALL,) + audit.EVENTS, key="au_event",
                          format_func=lambda e: t("audit.all") if e == ALL else event_label(e))
page = row2[2].selectbox(t("audit.page"), [ALL] + whole["pages"], key="au_page",
                         format_func=lambda p: t("audit.all") if p == ALL else p)

if since and until and since > until:
    st.warning(t("audit.bad_period"))
    st.stop()
chosen = {"since": since, "until": until, "user": user, "event": event, "page": page}
try:
    found = audit.summary(home, **chosen)
    events = audit.read_events(home, **chosen, limit=SHOWN_EVENTS)
except audit.AuditFilterError as exc:
    st.warning(escape_markdown(exc))
    st.stop()

if events.empty:
    st.info(t("audit.none"))
    st.stop()

st.subheader(t("audit.by_event"))
st.dataframe(
    pd.DataFrame({"event": [event_label(e) for e in found["counts"]], "count": list(found["counts"].values())}),
    hide_index=True, key="au_counts",
    column_config={"event": st.column_config.TextColumn(t("audit.col.event")),
                   "count": st.column_config.NumberColumn(t("audit.col.count"))})

st.subheader(t("audit.events"))
n = i18n.count(found["total"], "audit.n_events")
if found["total"] > len(events):
    st.caption(t("audit.count_limited", events=n, shown=i18n.integer(len(events))))
else:
    st.caption(t("audit.count", events=n))
shown = events.assign(event=lambda f: f["event"].map(event_label))
st.dataframe(shown[audit.COLUMNS], hide_index=True, key="au_events", column_config={
    "ts": st.column_config.DatetimeColumn(t("audit.col.ts"), format="YYYY-MM-DD HH:mm:ss"),
    "event": st.column_config.TextColumn(t("audit.col.event")),
    "user": st.column_config.TextColumn(t("audit.col.user")),
    "role": st.column_config.TextColumn(t("audit.col.role")),
    "page": st.column_config.TextColumn(t("audit.col.page")),
    "detail": st.column_config.TextColumn(t("audit.col.detail"), width="large"),
})
st.caption(t("audit.cli", command=code("python -m alliance audit --format csv")))
