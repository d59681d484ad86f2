"""Alliance Dashboard: the router. Run with `streamlit run dashboard.py`."""
from pathlib import Path

import streamlit as st

from alliance.ui import frame
from alliance.ui.auth import require_viewer
from alliance.ui.data import load_exports_on_first_start

with frame.timed_run():  # the run's seconds, when ALLIANCE_RUN_LOG asks for them
    st.set_page_config(**frame.PAGE_CONFIG)
    require_viewer()  # sign-in and the access file first: nothing reads the store for a visitor not let in
    load_exports_on_first_start()
    frame.start()
    frame.navigation(Path(__file__).parent / "pages").run()
