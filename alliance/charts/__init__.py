"""DataFrame -> plotly Figure, one module per chart family; no Streamlit here."""
from .clinics import (create_alliance_development, create_early_alliance_outcome, create_outcome_categories,
                      create_profiles)
from .trend import create_alliance_trend

__all__ = ["create_alliance_development", "create_alliance_trend", "create_early_alliance_outcome",
           "create_outcome_categories", "create_profiles"]
