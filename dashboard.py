"""Alliance Dashboard: the router. Run with `streamlit run dashboard.py`."""
from pathlib import Path

import streamlit as st

from alliance.ui.data import load_exports_on_first_start

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Alliance Dashboard", page_icon=":material/handshake:", layout="wide")

load_exports_on_first_start()

page = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/show_chart:", default=True),
    st.Page(PAGES / "data.py", title="Data", icon=":material/table_view:"),
])
page.run()
