"""Alliance Dashboard: the router. Run with `streamlit run dashboard.py`."""
from pathlib import Path

import streamlit as st

from alliance.ui import frame
from alliance.ui.data import load_exports_on_first_start

st.set_page_config(**frame.PAGE_CONFIG)

load_exports_on_first_start()
frame.start()
frame.navigation(Path(__file__).parent / "pages").run()
