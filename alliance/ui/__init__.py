"""Streamlit glue shared by the pages: the only place for st.cache_*, session state and shared widgets."""
