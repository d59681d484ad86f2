"""Tables written for spreadsheets (CSV, XLSX) with no cell that a spreadsheet would run as a formula.

A client's comment such as `=HYPERLINK("http://…","click")` or `+cmd|' /C calc'!A0`
is plain text in the dashboard, but Excel and LibreOffice read a cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula ("CSV injection",
OWASP). Every export the dashboard offers must pass its table through
`neutralise_formulas` first: such a text cell gets a leading apostrophe, which
spreadsheets show as nothing and which turns the formula into text. Numbers,
dates and missing values are left alone, so `-2` in a numeric column stays a number;
only text cells change.
"""
from __future__ import annotations

import re

import pandas as pd

# The characters that make a spreadsheet read a cell as a formula (OWASP's list), also after
# leading spaces, which Excel skips.
FORMULA_START = re.compile(r"^[ \u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
NEUTRALISER = "'"


def neutralise_text(value: object) -> object:
    """One cell: text that a spreadsheet would run gets a leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return NEUTRALISER + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table in which no text cell (nor column name) starts like a formula.

    Only text columns are touched (column by column, vectorised); numeric, date and
    boolean columns keep their types and values.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
            continue
        # .str.match gives missing for a cell that is not text (an object column may mix in numbers).
        hit = series.str.match(FORMULA_START.pattern).astype("boolean").fillna(False).astype(bool)
        if hit.any():
            out[column] = series.where(~hit, NEUTRALISER + series.where(hit, "").astype(str))
    out.columns = [neutralise_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads æøå), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")
