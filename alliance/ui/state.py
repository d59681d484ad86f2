"""Session state and the small widgets and sentences that several pages share."""
from __future__ import annotations

import datetime as dt
import re

import streamlit as st

from ..scope import EVERYTHING, Scope
from ..store import data_dir

# Contract section 1: session dates run from 2000-01-01 to the day after ingest.
EARLIEST_DATE = dt.date(2000, 1, 1)


def current_scope() -> Scope:
    """The viewer's scope. Everything until a login fills `st.session_state["scope"]`."""
    scope = st.session_state.get("scope", EVERYTHING)
    return scope if isinstance(scope, Scope) else EVERYTHING


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '3 files', '1,204 rated sessions'."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def code(text: str) -> str:
    """Text shown as inline code in Markdown, so that no character in it is read as formatting."""
    return "`" + str(text).replace("`", "'") + "`"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """Text from outside the code (messages naming files, columns, folders) shown literally by st.error and friends."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def period_filter(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Start and end dates (inclusive), defaulting to the whole span of the data."""
    latest = max(last, dt.date.today() + dt.timedelta(days=1))
    left, right = st.columns(2)
    start = left.date_input("From", value=first, min_value=EARLIEST_DATE, max_value=latest, key="start",
                            format="YYYY-MM-DD", help="First day of the period (sessions on that day count).")
    end = right.date_input("To", value=last, min_value=EARLIEST_DATE, max_value=latest, key="end",
                           format="YYYY-MM-DD", help="Last day of the period (sessions on that day count).")
    return start, end


def show_empty_state(what: str = "the figures") -> None:
    """Say what to do when there is no data yet, and offer to load the exports folder now."""
    from .data import load_exports  # data imports this module

    folder = data_dir()
    command = code("python -m alliance ingest")
    if folder.is_dir():
        st.info(f"No data yet: put session and feedback exports in {code(folder)} and press **Load the exports**, "
                f"or run {command}; {what} will then appear here.")
    else:
        st.info(f"No data yet: create the exports folder {code(folder)}, put session and feedback exports in it "
                f"and run {command}, then reload this page; {what} will then appear here.")
    if folder.is_dir() and st.button("Load the exports", key="load_exports", type="primary"):
        if load_exports(folder=folder):
            st.rerun()
