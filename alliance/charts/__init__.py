"""DataFrame -> plotly Figure, one module per chart family; no Streamlit here."""
from .trend import create_alliance_trend

__all__ = ["create_alliance_trend"]
