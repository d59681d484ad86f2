"""Data: every file the store has seen, what was loaded from it, and every row that was not."""
import streamlit as st

from alliance import i18n, stored_text
from alliance.i18n import t
from alliance.ui import frame

from alliance.ui.data import current_store
from alliance.ui.state import show_empty_state
from alliance.ui.upload import orphans_section, upload_section

def file_columns() -> dict:
    """The files table's columns, titled in the viewer's language (built per run: the language can change)."""
    return {
        "file": st.column_config.TextColumn(t("data.col.file")),
        "kind": st.column_config.TextColumn(t("data.col.kind")),
        "status": st.column_config.TextColumn(t("data.col.status")),
        "message": st.column_config.TextColumn(t("data.col.message"), width="large"),
        "rows_read": st.column_config.NumberColumn(t("data.col.rows_read")),
        "rows_loaded": st.column_config.NumberColumn(t("data.col.rows_loaded")),
        "rows_quarantined": st.column_config.NumberColumn(t("data.col.rows_quarantined")),
        "rows_duplicate": st.column_config.NumberColumn(t("data.col.rows_duplicate")),
        "rows_orphan": st.column_config.NumberColumn(t("data.col.rows_orphan")),
        "rows_replaced": st.column_config.NumberColumn(t("data.col.rows_replaced")),
        "first_ingested": st.column_config.TextColumn(t("data.col.first_ingested")),
    }


def reject_columns() -> dict:
    return {
        "file": st.column_config.TextColumn(t("data.col.file")),
        "row": st.column_config.NumberColumn(t("data.col.row"), help=t("data.col.row_help")),
        "column": st.column_config.TextColumn(t("data.col.column")),
        "reason": st.column_config.TextColumn(t("data.col.reason"), width="large"),
    }


STATUS_ORDER = ("loaded", "rejected", "duplicate", "ignored")


def files_sentence(files) -> str:
    by_status = files["status"].value_counts()
    parts = [f"{i18n.integer(by_status[s])} {t('data.status.' + s)}" for s in STATUS_ORDER if s in by_status]
    return t("data.files_sentence", files=i18n.count(len(files), "data.n_files"), parts=", ".join(parts))


def rows_sentence(files) -> str:
    total = {c: int(files[c].sum()) for c in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate", "rows_orphan")}
    text = t("data.rows_sentence", rows=i18n.count(total["rows_read"], "data.n_rows"),
             loaded=i18n.integer(total["rows_loaded"]), quarantined=i18n.integer(total["rows_quarantined"]),
             duplicates=i18n.count(total["rows_duplicate"], "data.n_duplicates"))
    if total["rows_orphan"]:
        text += " " + t("data.orphans_sentence", feedback_rows=i18n.count(total["rows_orphan"], "data.n_feedback_rows"))
    return text


frame.ensure()
st.title(t("data.title"))
snapshot = current_store()
files = snapshot.query("files")

if files is None or files.empty:
    show_empty_state(t("data.empty_what"))
    upload_section()  # a clinic with no data yet can upload its first exports here
    st.stop()

rejects = snapshot.query("rejects")

st.subheader(t("data.files"))
st.markdown(files_sentence(files) + " " + rows_sentence(files))
FILE_COLUMNS = file_columns()
shown = files[list(FILE_COLUMNS)].assign(
    # The store keeps its codes and English sentences; they are shown in the viewer's language.
    status=files["status"].map(lambda s: t(f"data.status.{s}")),
    kind=files["kind"].map(lambda k: t(f"upload.kind.{k}") if k else ""),
    message=stored_text.translate_column(files["message"]),
)
st.dataframe(shown, hide_index=True, column_config=FILE_COLUMNS, key="files")

st.subheader(t("data.rejects"))
if rejects.empty:
    st.markdown(t("data.no_rejects"))
else:
    st.markdown(t("data.rejects_sentence", entries=i18n.count(len(rejects), "data.n_reject_entries"),
                  files=i18n.count(rejects["file"].nunique(), "data.n_files")))
    st.dataframe(rejects.assign(reason=stored_text.translate_column(rejects["reason"])), hide_index=True,
                 column_config=reject_columns(), key="rejects")

orphans_section()
upload_section()
