"""Data: every file the store has seen, what was loaded from it, and every row that was not."""
import streamlit as st

from alliance.ui import frame

from alliance.ui.data import current_store
from alliance.ui.state import count, show_empty_state

FILE_COLUMNS = {
    "file": st.column_config.TextColumn("File"),
    "kind": st.column_config.TextColumn("Kind"),
    "status": st.column_config.TextColumn("Status"),
    "message": st.column_config.TextColumn("Message", width="large"),
    "rows_read": st.column_config.NumberColumn("Rows read"),
    "rows_loaded": st.column_config.NumberColumn("Loaded"),
    "rows_quarantined": st.column_config.NumberColumn("Quarantined"),
    "rows_duplicate": st.column_config.NumberColumn("Duplicate copies"),
    "rows_orphan": st.column_config.NumberColumn("Orphans"),
    "rows_replaced": st.column_config.NumberColumn("Replaced later"),
    "first_ingested": st.column_config.TextColumn("First ingested"),
}
REJECT_COLUMNS = {
    "file": st.column_config.TextColumn("File"),
    "row": st.column_config.NumberColumn("Row", help="As a spreadsheet numbers it: the header is row 1."),
    "column": st.column_config.TextColumn("Column"),
    "reason": st.column_config.TextColumn("Reason", width="large"),
}
STATUS_ORDER = ("loaded", "rejected", "duplicate", "ignored")


def files_sentence(files) -> str:
    by_status = files["status"].value_counts()
    parts = [f"{int(by_status[s]):,} {s}" for s in STATUS_ORDER if s in by_status]
    return f"{count(len(files), 'file')}: " + ", ".join(parts) + "."


def rows_sentence(files) -> str:
    total = {c: int(files[c].sum()) for c in ("rows_read", "rows_loaded", "rows_quarantined", "rows_duplicate", "rows_orphan")}
    text = (f"{count(total['rows_read'], 'row')} read: {total['rows_loaded']:,} loaded, "
            f"{total['rows_quarantined']:,} quarantined, {count(total['rows_duplicate'], 'duplicate copy', 'duplicate copies')}.")
    if total["rows_orphan"]:
        text += f" {count(total['rows_orphan'], 'feedback row')} still wait for their session (orphans)."
    return text


frame.ensure()
st.title("Data")
snapshot = current_store()
files = snapshot.query("files")

if files is None or files.empty:
    show_empty_state("the files and their rejects")
    st.stop()

rejects = snapshot.query("rejects")

st.subheader("Files")
st.markdown(files_sentence(files) + " " + rows_sentence(files))
st.dataframe(files[list(FILE_COLUMNS)], hide_index=True, column_config=FILE_COLUMNS, key="files")

st.subheader("Rejects")
if rejects.empty:
    st.markdown("No rejects: every row read was loaded or was a duplicate copy.")
else:
    st.markdown(
        f"{count(len(rejects), 'reject entry', 'reject entries')} in "
        f"{count(rejects['file'].nunique(), 'file')}. Quarantined rows are kept but used in no figure; "
        "fix them in the export and ingest it again."
    )
    st.dataframe(rejects, hide_index=True, column_config=REJECT_COLUMNS, key="rejects")
