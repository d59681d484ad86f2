"""The Download row under each chart (PNG, SVG, PDF, HTML, CSV, XLSX) and under the Feedback table (CSV, XLSX).

Nothing is drawn on page load: each button's data is a callable (Streamlit 1.67's deferred
download), run on a worker thread when the viewer clicks. The callable captures only plain
values (the query, its parameters, the viewer's scope, the settings, the store version, the
language) plus the page's figure function, and

- runs the query through `alliance.queries.run_for_export` (every cell of fewer than
  `suppress_below` clients hidden, for any viewer),
- draws the chart from those rows (so the image shows exactly what the CSV holds),
- writes one `export` line to the audit trail for every click, cached or not.

Rendered files are cached in this process by those plain values, so a second click (or a
second viewer with the same scope) gets the same bytes at once.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Callable

import streamlit as st

from .. import audit, export, i18n, store
from ..i18n import t
from . import filters as view_filters
from .data import _connection, current_store

log = logging.getLogger(__name__)

BUTTONS = (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF"), ("html", "HTML"), ("csv", "CSV"), ("xlsx", "XLSX"))

_CACHE: "OrderedDict[tuple, tuple[bytes, int]]" = OrderedDict()
_CACHE_MAX_BYTES = 64 * 1024 * 1024  # an HTML file is ~5 MB (plotly.js inside); images and tables far less
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, make: Callable[[], tuple[bytes, int]]) -> tuple[bytes, int]:
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    made = make()
    with _CACHE_LOCK:
        _CACHE[key] = made
        while sum(len(data) for data, _ in _CACHE.values()) > _CACHE_MAX_BYTES and len(_CACHE) > 1:
            _CACHE.popitem(last=False)
    return made


def _data_date() -> object:
    """The store's newest session date (whatever the filters): the footer's "Data to"."""
    span = current_store(filtered=False).query("data_span")
    if span is None or span.empty or span["last_date"].isna().all():
        return None
    value = span["last_date"].iloc[0]
    return value.date() if hasattr(value, "date") else value


def _buttons(key: str, formats, *, query: str, params: dict, title: str, make_figure: Callable | None,
             transform: Callable | None, what: str, page: str | None, words) -> None:
    snapshot = current_store()
    if snapshot.version is None:
        return
    chosen = view_filters.current()
    lang = i18n.language()
    meta = export.ExportMeta(title=title, period=export.period_text(chosen.start, chosen.end, lang),
                             filters=export.filters_text(chosen, lang), data_date=_data_date(),
                             language=lang)
    viewer = audit.viewer_of(st.session_state)
    con = _connection(snapshot.home, snapshot.version)
    settings = dict(snapshot.settings)
    page = page or ""
    home = snapshot.home
    plain_params = tuple(sorted((params or {}).items()))
    words = list(words or [what, page])

    def download(fmt: str):
        def make() -> bytes:
            cache_key = (home, snapshot.version, key, query, plain_params, snapshot.scope, snapshot.settings, fmt,
                         meta)
            data, rows = _cached(cache_key, lambda: export.produce(
                fmt, con=con, query=query, params=dict(plain_params), scope=snapshot.scope, settings=settings,
                meta=meta, make_figure=make_figure, transform=transform))
            export.record_export(viewer, what=what, page=page, fmt=fmt, filters=chosen, scope=snapshot.scope,
                                 rows=rows, home=store.home_dir(home))
            return data

        return make

    images_ok = export.images_available()
    per_row = 3
    columns = [c for start in range(0, len(formats), per_row)
               for c in st.columns(per_row, gap="small")]
    for column, (fmt, label) in zip(columns, formats):
        column.download_button(
            label, data=download(fmt), file_name=export.file_name(words, chosen.start, chosen.end, fmt),
            mime=export.MIME[fmt], key=f"{key}_download_{fmt}", on_click="ignore", width="stretch",
            disabled=fmt in export.IMAGE_FORMATS and not images_ok)
    if not images_ok and any(fmt in export.IMAGE_FORMATS for fmt, _ in formats):
        st.caption(t("export.unavailable"))


def chart_downloads(key: str, query_name: str, params: dict, make_figure: Callable, title: str, *,
                    what: str | None = None, page: str | None = None, words=None) -> None:
    """A compact Download popover under a chart: the chart as PNG, SVG, PDF or HTML and its data as CSV or XLSX.

    `make_figure(frame) -> Figure` is the page's chart function applied to the exported
    (suppressed) rows of `query_name` with `params`; it runs only when a button is clicked.
    """
    with st.popover(t("export.button"), icon=":material/download:", help=t("export.help"), key=f"{key}_download"):
        _buttons(key, BUTTONS, query=query_name, params=params, title=title, make_figure=make_figure,
                 transform=None, what=what or query_name, page=page, words=words)


def table_downloads(key: str, query_name: str, params: dict, title: str, *, transform: Callable | None = None,
                    what: str | None = None, page: str | None = None, words=None, label: str | None = None) -> None:
    """CSV and XLSX of a table (the Feedback page's comments), neutralised and audited like a chart's data."""
    with st.popover(label or t("export.button"), icon=":material/download:", key=f"{key}_download"):
        _buttons(key, BUTTONS[4:], query=query_name, params=params, title=title, make_figure=None,
                 transform=transform, what=what or query_name, page=page, words=words)
