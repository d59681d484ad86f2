"""Supervision: one therapist's caseload with every flag, an agenda in order of concern, and one client's course."""
import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.agenda import agenda, agenda_left_out, on_track_notices, reasons
from alliance.caseload import FLAGS
from alliance.charts.timeline import create_client_timeline
from alliance.i18n import t
from alliance.ui import frame
from alliance.ui.data import current_store
from alliance.ui.export import chart_downloads
from alliance.ui.pack import pack_download
from alliance.ui.state import escape_markdown

chosen = frame.ensure()  # first: the language, the sidebar filters and the frame

# Address keys: a copied link opens the same therapist and client.
THERAPIST_KEY = "sup_therapist"  # clinic/therapist_id
CLIENT_KEY = "client"  # client_id within the therapist's clinic
CLIENT_WIDGET = "sup_client"
# The agenda's reasons are long sentences: give them most of the table's width (pixels).
REASON_WIDTH = 640


def numbers(values: pd.Series, decimals: int = 1) -> pd.Series:
    """Scores as text in the viewer's language (1 234,5 in Norwegian); empty stays '–'."""
    return values.map(lambda v: i18n.number(v, decimals))


def url_choice(widget_key: str, url_key: str, options: list, fallback):
    """Seed a selectbox from the address on its first run here; drop a value it no longer offers."""
    if widget_key not in st.session_state:
        from_url = st.query_params.get(url_key)
        st.session_state[widget_key] = from_url if from_url in options else fallback
    elif st.session_state[widget_key] is not None and st.session_state[widget_key] not in options:
        st.session_state[widget_key] = fallback


def keep_in_url(url_key: str, value: str | None) -> None:
    if value is None:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get(url_key) != value:
        st.query_params[url_key] = value


def therapist_label(pairs: pd.DataFrame):
    """A therapist by id, with the clinic only when the id is not unique."""
    shared = set(pairs.loc[pairs["therapist_id"].duplicated(keep=False), "therapist_id"])

    def label(value: str) -> str:
        clinic, _, therapist = value.partition("/")
        return f"{therapist} ({clinic})" if therapist in shared else therapist

    return label


st.title(t("sup.title"))
snapshot = current_store()
frame.require_data(t("empty.what.supervision"))  # stops the page when there is no data at all, whatever the filters
frame.require_valid_period(chosen)

st.caption(t("sup.intro"))
period = chosen.period()
cutoff = snapshot.setting("srs_cutoff")
caseload = snapshot.query("caseload_flags", **period)
if caseload.empty:
    st.info(t("sup.no_clients"))
    st.stop()
# Active clients by default: a finished treatment does not stay on the agenda (setting active_weeks).
weeks = i18n.integer(int(snapshot.setting("active_weeks")))
show_all = st.toggle(t("sup.show_inactive", weeks=weeks), key="sup_show_inactive")
inactive = int((~caseload["active"]).sum())
if not show_all:
    caseload = caseload[caseload["active"]]
    if inactive:
        st.caption(t("sup.inactive_left_out", n=i18n.integer(inactive), weeks=weeks))
    if caseload.empty:
        st.info(t("sup.no_active_clients", weeks=weeks))
        st.stop()

# ------------------------------------------------------------------ the therapist
caseload = caseload.assign(therapist_key=caseload["clinic"] + "/" + caseload["therapist_id"])
pairs = caseload[["clinic", "therapist_id", "therapist_key"]].drop_duplicates().sort_values(["therapist_key"])
options = pairs["therapist_key"].tolist()
sidebar_therapists = [f"{c}/{x}" for c, x in chosen.therapists if f"{c}/{x}" in options]
url_choice(THERAPIST_KEY, THERAPIST_KEY, options, sidebar_therapists[0] if len(sidebar_therapists) == 1 else None)
therapist_key = st.selectbox(t("sup.therapist"), options, key=THERAPIST_KEY, format_func=therapist_label(pairs),
                             placeholder=t("sup.therapist_placeholder"), help=t("sup.therapist_help"), index=None)
keep_in_url(THERAPIST_KEY, therapist_key)

if therapist_key is None:
    keep_in_url(CLIENT_KEY, None)
    st.info(t("sup.choose_therapist"))
    st.subheader(t("sup.therapists_heading"))
    per_therapist = (caseload.assign(flagged=caseload["n_flags"] > 0)
                     .groupby(["therapist_id", "clinic"], as_index=False)
                     .agg(clients=("client_id", "size"), flagged=("flagged", "sum"))
                     .sort_values(["flagged", "clients", "therapist_id"], ascending=[False, False, True]))
    st.dataframe(per_therapist, hide_index=True, key="sup_therapists", column_config={
        "therapist_id": st.column_config.TextColumn(t("sup.col.therapist")),
        "clinic": st.column_config.TextColumn(t("sup.col.clinic")),
        "clients": st.column_config.NumberColumn(t("sup.col.clients")),
        "flagged": st.column_config.NumberColumn(t("sup.col.flagged")),
    })
    st.stop()

clinic, _, therapist = therapist_key.partition("/")
mine = caseload[caseload["therapist_key"] == therapist_key]
shown_name = escape_markdown(therapist_label(pairs)(therapist_key))
pack_download("therapist", clinic, therapist, key="sup_pack", page="supervision")  # the PDF for the meeting

# ------------------------------------------------------------------ caseload
st.subheader(t("sup.caseload_heading", therapist=shown_name))
flagged = mine[mine["n_flags"] > 0]
for notice in on_track_notices(mine):
    st.info(notice)
st.caption(t("sup.caseload_count_one" if len(mine) == 1 else "sup.caseload_count", n=i18n.integer(len(mine)),
             flagged=i18n.integer(len(flagged))))
date_format = "DD.MM.YYYY" if i18n.language() == "nb" else "D MMM YYYY"
caseload_table = mine[["client_id", "n_sessions", "n_rated", "last_session_date", *FLAGS, "concern"]].assign(
    last_srs=numbers(mine["last_srs"]))
st.dataframe(
    caseload_table, hide_index=True, key="sup_caseload",
    column_order=["client_id", "n_sessions", "n_rated", "last_session_date", "last_srs", *FLAGS, "concern"],
    column_config={
        "client_id": st.column_config.TextColumn(t("sup.col.client"), pinned=True),
        "n_sessions": st.column_config.NumberColumn(t("sup.col.sessions")),
        "n_rated": st.column_config.NumberColumn(t("sup.col.rated")),
        "last_session_date": st.column_config.DateColumn(t("sup.col.last_session"), format=date_format),
        "last_srs": st.column_config.TextColumn(t("sup.col.last_srs")),
        **{flag: st.column_config.CheckboxColumn(t(f"sup.flagcol.{flag}"), help=t(f"sup.flaghelp.{flag}"))
           for flag in FLAGS},
        "concern": st.column_config.NumberColumn(t("sup.col.concern"), help=t("sup.concern_help")),
    })
st.caption(t("sup.caseload_note"))

# ------------------------------------------------------------------ agenda
st.subheader(t("sup.agenda_heading"))
listed, left_out = agenda(mine, snapshot.setting("alert_budget"))
if listed.empty:
    st.info(t("sup.agenda_empty", therapist=shown_name))
else:
    agenda_table = pd.DataFrame({
        "rank": range(1, len(listed) + 1),
        "client_id": listed["client_id"].to_numpy(),
        "reason": reasons(listed, cutoff).to_numpy(),
        "last_session_date": listed["last_session_date"].to_numpy(),
        "concern": listed["concern"].to_numpy(),
    })
    st.dataframe(agenda_table, hide_index=True, key="sup_agenda", column_config={
        "rank": st.column_config.NumberColumn(t("sup.col.rank"), width=40),
        "client_id": st.column_config.TextColumn(t("sup.col.client")),
        "reason": st.column_config.TextColumn(t("sup.col.reason"), width=REASON_WIDTH),
        "last_session_date": st.column_config.DateColumn(t("sup.col.last_session"), format=date_format),
        "concern": st.column_config.NumberColumn(t("sup.col.concern"), help=t("sup.concern_help")),
    })
    st.caption(t("sup.agenda_note"))
    if left_out:
        st.caption(agenda_left_out(left_out, len(listed), snapshot.setting("alert_budget")))

# ------------------------------------------------------------------ one client's course
clients = mine["client_id"].tolist()  # in order of concern
url_choice(CLIENT_WIDGET, CLIENT_KEY, clients, None)
client = st.selectbox(t("sup.client"), clients, key=CLIENT_WIDGET, index=None,
                      placeholder=t("sup.client_placeholder"), help=t("sup.client_help"))
keep_in_url(CLIENT_KEY, client)
if client is None:
    st.info(t("sup.choose_client"))
    st.stop()

timeline = snapshot.query("client_timeline", **period, clinic=clinic, client_id=client)
shown_client = escape_markdown(client)
st.subheader(t("sup.timeline_heading", client=shown_client))
st.plotly_chart(create_client_timeline(timeline, srs_cutoff=cutoff, ors_cutoff=snapshot.setting("ors_cutoff")),
                key="sup_timeline", config={"displaylogo": False})
chart_downloads("sup_timeline", "client_timeline", {**period, "clinic": clinic, "client_id": client},
                lambda rows: create_client_timeline(rows, srs_cutoff=cutoff, ors_cutoff=snapshot.setting("ors_cutoff")),
                t("sup.timeline_heading", client=client), page="supervision", words=["client-timeline", clinic, client])
st.caption(t("sup.timeline_caption", n=i18n.integer(len(timeline)), rated=i18n.integer(int(timeline["is_rated"].sum())),
             cutoff=i18n.number(cutoff, 0), ors_cutoff=i18n.number(snapshot.setting("ors_cutoff"), 0),
             drop=i18n.number(snapshot.setting("rupture_drop"), 0)))

# The client's comments: health data, shown only as plain text in table cells.
st.subheader(t("sup.comments_heading", client=shown_client))
commented = timeline[timeline["comment"].notna() & (timeline["comment"].str.strip() != "")]
if commented.empty:
    st.info(t("sup.comments_empty"))
else:
    commented = commented.sort_values(["session_date", "session_number"], ascending=False, kind="stable")
    st.caption(t("sup.comments_count_one") if len(commented) == 1
               else t("sup.comments_count", n=i18n.integer(len(commented))))
    comments = pd.DataFrame({
        "session_date": commented["session_date"].to_numpy(),
        "session_number": commented["session_number"].to_numpy(),
        "srs_total": numbers(commented["srs_total"]).to_numpy(),
        "client_wai": numbers(commented["client_wai"], 2).to_numpy(),
        "therapist_wai": numbers(commented["therapist_wai"], 2).to_numpy(),
        "ors_total": numbers(commented["ors_total"]).to_numpy(),
        "comment": commented["comment"].to_numpy(),
    })
    st.dataframe(comments, hide_index=True, key="sup_comments", column_config={
        "session_date": st.column_config.DateColumn(t("sup.col.date"), format=date_format),
        "session_number": st.column_config.NumberColumn(t("sup.col.session")),
        "srs_total": st.column_config.TextColumn(t("sup.col.srs")),
        "client_wai": st.column_config.TextColumn(t("sup.col.client_wai")),
        "therapist_wai": st.column_config.TextColumn(t("sup.col.therapist_wai")),
        "ors_total": st.column_config.TextColumn(t("sup.col.ors")),
        "comment": st.column_config.TextColumn(t("sup.col.comment"), width="large"),
    })
