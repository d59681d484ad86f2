"""Texts in English and Norwegian bokmål, one module per page or family (see alliance/i18n.py)."""
