"""Feedback: the clients' comments, newest first, with the session's scores, by alliance band and search.

Comments are health data: they appear only as plain text in table cells (st.dataframe),
never in Markdown, HTML, an error message or a log.
"""
import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.i18n import t
from alliance.queries import MAX_TEXT_PARAM
from alliance.ui import frame
from alliance.ui.data import current_store
from alliance.ui.export import table_downloads

chosen = frame.ensure()  # first: the language, the sidebar filters and the frame

BANDS = ("all", "low", "ok")
BAND_KEY = "fb_band"  # also the address key: a copied link keeps the band (the search stays private)
# The table shows at most this many comments (the newest); the count sentence gives the total.
SHOWN_COMMENTS = 1000
# A long list scrolls inside a table of this height (pixels); a short one takes only the room it needs.
TABLE_HEIGHT = 560

st.title(t("fb.title"))
snapshot = current_store()
frame.require_data(t("empty.what.feedback"))  # stops the page when there is no data at all, whatever the filters
frame.require_valid_period(chosen)
st.caption(t("fb.intro"))

cutoff = i18n.number(snapshot.setting("srs_cutoff"), 0)
if BAND_KEY not in st.session_state:
    from_url = st.query_params.get(BAND_KEY)
    st.session_state[BAND_KEY] = from_url if from_url in BANDS else "all"
left, right = st.columns([3, 2])
band = left.radio(t("fb.band"), BANDS, key=BAND_KEY, horizontal=True, help=t("fb.band_help", cutoff=cutoff),
                  format_func=lambda b: t(f"fb.band.{b}", cutoff=cutoff))
search = right.text_input(t("fb.search"), key="fb_search", max_chars=MAX_TEXT_PARAM // 2,
                          placeholder=t("fb.search_placeholder"), help=t("fb.search_help"))
if band == "all":
    if BAND_KEY in st.query_params:
        del st.query_params[BAND_KEY]
elif st.query_params.get(BAND_KEY) != band:
    st.query_params[BAND_KEY] = band

comments = snapshot.query("comments", **chosen.period(), band=band, search=search.strip() or None,
                          limit=SHOWN_COMMENTS)
if comments.empty:
    st.info(t("fb.empty"))
    st.stop()

total = int(comments["n_matching"].iloc[0])
if total > len(comments):
    st.caption(t("fb.count_limited", shown=i18n.integer(len(comments)), n=i18n.integer(total)))
elif total == 1:
    st.caption(t("fb.count_one"))
else:
    st.caption(t("fb.count", n=i18n.integer(total)))

table = pd.DataFrame({
    "session_date": comments["session_date"].to_numpy(),
    "clinic": comments["clinic"].to_numpy(),
    "therapist_id": comments["therapist_id"].to_numpy(),
    "client_id": comments["client_id"].to_numpy(),
    # Scores as text in the viewer's language (35,4 in Norwegian).
    "srs_total": comments["srs_total"].map(lambda v: i18n.number(v, 1)).to_numpy(),
    "client_wai": comments["client_wai"].map(lambda v: i18n.number(v, 2)).to_numpy(),
    "comment": comments["comment"].to_numpy(),
})
date_format = "DD.MM.YYYY" if i18n.language() == "nb" else "D MMM YYYY"
st.dataframe(table, hide_index=True, key="fb_comments", height=TABLE_HEIGHT if len(table) > 14 else "auto",
             column_config={
                 "session_date": st.column_config.DateColumn(t("fb.col.date"), format=date_format),
                 "clinic": st.column_config.TextColumn(t("fb.col.clinic")),
                 "therapist_id": st.column_config.TextColumn(t("fb.col.therapist")),
                 "client_id": st.column_config.TextColumn(t("fb.col.client")),
                 "srs_total": st.column_config.TextColumn(t("fb.col.srs")),
                 "client_wai": st.column_config.TextColumn(t("fb.col.client_wai")),
                 "comment": st.column_config.TextColumn(t("fb.col.comment"), width="large"),
             })
st.caption(t("fb.privacy"))
# The comments shown, as CSV or XLSX: plain text cells, formulas neutralised, the download audited.
table_downloads("fb_comments", "comments",
                {**chosen.period(), "band": band, "search": search.strip() or None, "limit": SHOWN_COMMENTS},
                t("fb.title"), what="comments", page="feedback", label=t("export.comments_button"),
                transform=lambda rows: rows[["session_date", "clinic", "therapist_id", "client_id", "srs_total",
                                             "client_wai", "comment"]])
