"""Session state and the small widgets and sentences that several pages share."""
from __future__ import annotations

import re

import streamlit as st

from .. import i18n
from ..i18n import t
from ..scope import EVERYTHING, Scope
from ..store import data_dir

def current_scope() -> Scope:
    """The viewer's scope. Everything until a login fills `st.session_state["scope"]`."""
    scope = st.session_state.get("scope", EVERYTHING)
    return scope if isinstance(scope, Scope) else EVERYTHING


def code(text: str) -> str:
    """Text shown as inline code in Markdown, so that no character in it is read as formatting."""
    # Line breaks would end the code span (and let the rest be read as Markdown); bidirectional
    # overrides would show a name reversed ("sessions\u202ecsv.exe"): both become U+FFFD.
    return "`" + _INVISIBLE.sub("\ufffd", str(text).replace("`", "'")) + "`"


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """Text from outside the code (messages naming files, columns, folders) shown literally by st.error and friends."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def show_empty_state(what: str | None = None) -> None:
    """Say what to do when there is no data yet, and offer to load the exports folder now.

    `what`: the page's figures, in the viewer's language (default "the figures").
    """
    from .data import load_exports  # data imports this module

    folder = data_dir()
    what = what or t("empty.what.figures")
    command = code("python -m alliance ingest")
    button = t("empty.load_button")
    if folder.is_dir():
        st.info(t("empty.no_data", folder=code(folder), button=button, command=command, what=what))
    else:
        st.info(t("empty.no_folder", folder=code(folder), command=command, what=what))
    if folder.is_dir() and st.button(button, key="load_exports", type="primary"):
        if load_exports(folder=folder):
            st.rerun()


def suppression_note(*frames, below: float) -> None:
    """Under a figure that draws on other clinics: how many of its cells are hidden as too small, if any."""
    from ..disclosure import SUPPRESSED

    hidden = sum(int(f[SUPPRESSED].sum()) for f in frames if f is not None and SUPPRESSED in f.columns)
    if hidden:
        st.caption(t("suppressed.note", cells=i18n.count(hidden, "suppressed.cells"), below=int(below)))
