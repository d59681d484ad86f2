"""Cached, scoped access to the store for the pages, and the first-start ingest.

Cache keys are plain values only: the home folder, the store version (changes at
every swap, so a new build is never hidden behind old results), the query name,
its parameters, the viewer's scope and the settings in force. `st.cache_data` is
shared by every session of the server, so nothing else may decide what a cached
result contains.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from .. import i18n, queries, sandbox, store, stored_text
from ..i18n import t
from ..ingest import MappingError
from ..scope import EVERYTHING, Scope
from ..settings import SettingsError, load_settings
from . import state

# Where the router keeps the sidebar filters as a scope for this run (see alliance/ui/filters.py).
FILTER_SCOPE_KEY = "filter_scope"

log = logging.getLogger(__name__)

# A first session may wait this long for another session's ingest before giving up.
WAIT_FOR_OTHER_INGEST_SECONDS = 180


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(home: str, version: str) -> duckdb.DuckDBPyConnection:
    # One read-only connection per store build; every query runs on its own cursor.
    con = store.open_reader(Path(home))
    if con is None:
        raise store.StoreError(f"The store in {home} disappeared; reload the page.")
    return con


# Entries are counted, not sized: a client-level result at a million sessions is tens of
# megabytes, so the count is what bounds the server's memory under many filters (BENCHMARKS.md).
# A resource cache, not st.cache_data: st.cache_data unpickles a new copy at every hit (40 ms for
# the 200,000 WAI pairs of a million sessions). Every session gets a shallow copy of the one frame
# instead (StoreSnapshot.query); pandas' copy-on-write copies the data the moment a page changes it,
# so no page can alter what another session reads.
@st.cache_resource(max_entries=128, show_spinner=False)
def _query(home: str, version: str, name: str, params: tuple, scope: Scope, settings: tuple) -> pd.DataFrame:
    return queries.run(_connection(home, version), name, dict(params), scope, dict(settings))


def _plain(value):
    """An option as a plain, hashable value: dicts and lists become sorted tuples."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value


# Finished charts, keyed like the results they are drawn from (home, build, scope, settings,
# query names and parameters) plus the chart function, its options and the language. Building a
# Plotly figure is most of a re-run from cache (BENCHMARKS.md), so every session reuses one
# figure; st.plotly_chart only reads it (it serialises a copy).
@st.cache_resource(max_entries=256, show_spinner=False)
def _figure(home: str, version: str, scope: Scope, settings: tuple, language: str, chart: str,
            sources: tuple, options: tuple, _build, _frames: tuple, _options: dict):
    return _build(*_frames, **_options)


@dataclass(frozen=True)
class StoreSnapshot:
    """What one page run reads: a home folder's current build, seen through the viewer's scope and settings."""

    home: str
    version: str | None
    scope: Scope
    settings: tuple[tuple[str, float], ...]

    def setting(self, name: str) -> float:
        return dict(self.settings)[name]

    def figure(self, build, *sources: tuple[str, dict], **options):
        """build(rows of each source, **options): a chart drawn from named queries, cached by plain values.

        Each source is (query name, parameters); build must be a module-level function whose figure
        depends only on those rows, the options (plain values: text, numbers, dicts of them) and the
        language of this run, since those are all its cache key holds.
        """
        if build.__name__ == "<lambda>" or "<locals>" in build.__qualname__:
            raise TypeError(f"{build.__qualname__}: a cached chart needs a module-level function (its name is the key)")
        if self.version is None:
            return None
        frames = tuple(self.query(name, **params) for name, params in sources)
        key = tuple((name, tuple(sorted(params.items()))) for name, params in sources)
        return _figure(self.home, self.version, self.scope, self.settings, i18n.language(),
                       f"{build.__module__}.{build.__qualname__}", key, _plain(options), build, frames, options)

    def query(self, name: str, **params) -> pd.DataFrame | None:
        """The named query's rows, or None when there is no store yet."""
        if self.version is None:
            return None
        try:
            rows = _query(self.home, self.version, name, tuple(sorted(params.items())), self.scope, self.settings)
            return rows.copy(deep=False)
        except (store.StoreError, queries.QueryError) as exc:
            st.error(state.escape_markdown(exc))
            st.stop()
        except duckdb.Error:
            st.error(f"The query {name} failed on the store in {self.home}; run `python -m alliance ingest` to rebuild it.")
            st.stop()


@st.cache_resource(max_entries=64, show_spinner=False)
def _warm_up(home: str, version: str, scope: Scope, settings: tuple) -> threading.Thread:
    """Once per build, scope and settings: import the charts and compute the default models in a thread.

    The models land in the model cache (memory and `cache/<build>/` on disk), keyed exactly
    as a page's own request is, and a page asking while the thread computes waits for it
    rather than computing twice (alliance.queries keeps one lock per key).
    """
    con = _connection(home, version)

    def work() -> None:
        try:
            from .. import charts  # noqa: F401  (the chart modules' imports, a second on a fresh server)

            queries.warm_models(con, scope, dict(settings))
        except Exception as exc:  # a failed warm-up only means the page computes it itself
            log.warning("Warming the model cache failed: %s", type(exc).__name__)

    thread = threading.Thread(target=work, name=f"alliance-warm-up-{version}", daemon=True)
    thread.start()
    return thread


def warm_up(snapshot: "StoreSnapshot") -> None:
    """Start computing the default models for this viewer's scope in the background (once per build)."""
    if snapshot.version is None:
        return
    try:
        _warm_up(snapshot.home, snapshot.version, snapshot.scope, snapshot.settings)
    except (store.StoreError, duckdb.Error):
        pass  # the page's own first query says what is wrong with the store


def current_store(filtered: bool = True) -> StoreSnapshot:
    """The store this run reads, seen through the viewer's scope narrowed by the filters they chose.

    Stops the page with a message if the settings are unusable. `filtered=False`
    ignores the sidebar filters (the access scope still holds).
    """
    home = store.home_dir()
    try:
        settings = load_settings(home)
    except SettingsError as exc:
        st.error(state.escape_markdown(exc))
        st.stop()
    scope = state.current_scope()
    if filtered:
        scope = scope.narrow(st.session_state.get(FILTER_SCOPE_KEY, EVERYTHING))
    return StoreSnapshot(
        home=str(home),
        version=store.store_version(home),
        scope=scope,
        settings=tuple(sorted(settings.items())),
    )


def ingest_with_progress(folder: Path, home: Path, title: str, failed: str, waiting: str,
                         done=lambda report: None) -> tuple[store.IngestReport | None, str]:
    """Ingest the exports folder inside a status box with a progress bar: the report, or None and one sentence.

    A session that finds another session's ingest running waits for it (up to
    WAIT_FOR_OTHER_INGEST_SECONDS), so two first sessions or two uploads do not both fail.
    The ingest runs in a child process with a time limit (alliance/sandbox.py): the
    dashboard's own process never parses an export file.
    `done(report)` gives the status box's closing label.
    """
    with st.status(title, expanded=True) as status:
        bar = st.progress(0.0)
        line = st.empty()  # st.text: file names are shown as plain text, never as Markdown

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0))
            line.text(stored_text.translate(message))

        deadline = time.monotonic() + WAIT_FOR_OTHER_INGEST_SECONDS
        while True:
            try:
                report = sandbox.ingest(folder, home, progress=progress)
                break
            except store.IngestBusy as exc:
                if time.monotonic() > deadline:
                    status.update(label=failed, state="error")
                    return None, state.escape_markdown(exc)
                line.text(waiting)
                time.sleep(1.0)  # then try again: once the other ingest is done, ours finds nothing new
            except (store.StoreError, MappingError) as exc:
                status.update(label=failed, state="error")
                return None, state.escape_markdown(exc)
        bar.progress(1.0)
        status.update(label=done(report) or title, state="complete", expanded=False)
    return report, ""


def load_exports(home: Path | None = None, folder: Path | None = None, title: str | None = None) -> bool:
    """Ingest the exports folder with visible progress; True when a store exists afterwards."""
    home = store.home_dir(home)
    folder = store.data_dir(folder)
    report, error = ingest_with_progress(
        folder, home, title or t("load.title"), failed=t("load.failed"), waiting=t("load.waiting"), done=_summary)
    if report is None:
        st.error(error)
    return store.store_version(home) is not None


def _summary(report: store.IngestReport) -> str:
    exports = [f for f in report.files if f.status != "ignored"]
    rows = sum(f.rows_loaded for f in exports)
    text = t("load.summary", files=i18n.count(len(exports), "data.n_files"), rows=i18n.count(rows, "data.n_rows"))
    rejected = sum(1 for f in exports if f.status == "rejected")
    quarantined = sum(f.rows_quarantined for f in exports)
    problems = [i18n.count(n, key) for n, key in
                ((rejected, "load.files_rejected"), (quarantined, "load.rows_quarantined")) if n]
    if problems:
        text += " " + t("load.problems", problems=f" {t('word.and')} ".join(problems))
    return text


def load_exports_on_first_start() -> None:
    """With no store yet, ingest the configured exports folder before any page draws."""
    home, folder = store.home_dir(), store.data_dir()
    if store.store_version(home) is not None or not folder.is_dir():
        return  # a missing folder is explained by each page's empty state
    load_exports(home, folder, title=t("load.first_title"))
