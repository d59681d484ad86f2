"""What every page run starts with: the language, the shared filters, and the pages in the viewer's language."""
from __future__ import annotations

import contextlib
import contextvars
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import audit, i18n, store
from ..i18n import t
from ..settings import SettingsError, load_settings
from . import auth
from . import filters as view_filters
from .data import FILTER_SCOPE_KEY, current_store, warm_up

FILTER_COLUMNS = ["sector", "clinic", "site", "therapist_id", "n_sessions", "first_date", "last_date"]

# (file in pages/, text key of its title, Material icon)
PAGES = (
    ("overview.py", "nav.overview", ":material/show_chart:"),
    ("clinics.py", "nav.clinics", ":material/domain:"),
    ("therapists.py", "nav.therapists", ":material/groups:"),
    ("supervision.py", "nav.supervision", ":material/supervisor_account:"),
    ("dual_perspective.py", "nav.dual", ":material/compare_arrows:"),
    ("feedback.py", "nav.feedback", ":material/chat:"),
    ("data.py", "nav.data", ":material/table_view:"),
    ("methods.py", "nav.methods", ":material/menu_book:"),
    ("audit.py", "nav.audit", ":material/policy:"),  # administrators only (see _visible)
)


PAGES_DIR = Path(__file__).resolve().parent.parent.parent / "pages"
# The tab icon is a file in the package: a Material or emoji icon would make every browser
# fetch it from Google's or a CDN's servers (a request out of the clinic's network, and a
# wait on a network with no internet).
PAGE_CONFIG = {"page_title": "Alliance Dashboard", "page_icon": str(Path(__file__).parent / "static" / "icon.png"),
               "layout": "wide"}

# Whether this run has drawn the frame. The router draws it before the page. A page can
# also run on its own: Streamlit runs a file of a `pages/` folder directly when a link to
# it is the first request a fresh server gets (before any run of the router has called
# st.navigation), and AppTest does so on reruns. Such a page draws the frame itself
# through `ensure`. Each script thread has its own value.
_drawn = contextvars.ContextVar("alliance_frame_drawn", default=None)


# The server's run-time log (ALLIANCE_RUN_LOG, docs/scaling.md): one line per script run.
_run_page = contextvars.ContextVar("alliance_run_page", default="")
RUN_LOG_ENV = "ALLIANCE_RUN_LOG"


@contextlib.contextmanager
def timed_run():
    """Time this script run and, when ALLIANCE_RUN_LOG names a file, append one line to it.

    The line is tab-separated: the end time (Unix seconds), the page's file, the run's seconds
    on the server and how it ended (done; stopped by the page; rerun, when a newer click or
    filter change cut it short; error). Nothing about the viewer, their filters or the data is
    written. bench/bench_load.py reads it for the server's share of each page under load.
    """
    path = os.environ.get(RUN_LOG_ENV)
    if not path:
        yield
        return
    _run_page.set("")
    started, outcome = time.perf_counter(), "error"
    try:
        yield
        outcome = "done"
    except BaseException as exc:
        outcome = {"StopException": "stopped", "RerunException": "rerun"}.get(type(exc).__name__, "error")
        raise
    finally:
        line = f"{time.time():.3f}\t{_run_page.get() or '-'}\t{time.perf_counter() - started:.4f}\t{outcome}\n"
        try:
            with open(path, "a", encoding="utf-8") as log:
                log.write(line)
        except OSError:
            pass  # a log that cannot be written never stops a page


def _this_run():
    """An object that is new for every script run (the run context's cursors), to mark what this run drew."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def ensure() -> view_filters.ViewFilters:
    """The filters of this run, drawing the whole frame if the router has not (pages call this first)."""
    run = _this_run()
    if run is not None and _drawn.get() is run:
        return view_filters.current()
    from .data import load_exports_on_first_start

    st.set_page_config(**PAGE_CONFIG)
    auth.require_viewer()  # before anything touches the store
    # A page Streamlit runs on its own (not through the router's navigation) checks the viewer's role itself.
    auth.require_page(Path(sys._getframe(1).f_code.co_filename).name)
    load_exports_on_first_start()
    chosen = start()
    record_page_view(Path(sys._getframe(1).f_code.co_filename).name)  # the page that called ensure
    if not _under_apptest():
        # Registers the app's own navigation in place of the pages/ folder's; this page goes on
        # drawing itself. (AppTest's page-only reruns keep their own page registry.)
        navigation(PAGES_DIR, record=False)
    return chosen


def _under_apptest() -> bool:
    """AppTest runs the script on a mocked runtime (and its option global.appTest is not visible here)."""
    from streamlit import runtime

    return runtime.exists() and type(runtime.get_instance()).__module__.startswith("unittest.mock")


def start() -> view_filters.ViewFilters:
    """Set the language and draw the filters; keep the filters as a scope for the pages' queries."""
    auth.require_viewer()  # the viewer and their scope, from the access file, before any store access
    _drawn.set(_this_run())
    access = current_store(filtered=False)
    warm_up(access)
    options = access.query("filter_options")
    if options is None:
        options = pd.DataFrame(columns=FILTER_COLUMNS)
    chosen = view_filters.sidebar(options)
    st.session_state[FILTER_SCOPE_KEY] = chosen.scope(options)
    return chosen


def require_data(what: str) -> pd.DataFrame:
    """The span of all the data, whatever the filters; with no data, the empty state stops the page."""
    from .state import show_empty_state

    span = current_store(filtered=False).query("data_span")
    if span is None or span.empty or not span["n_sessions"].iloc[0]:
        show_empty_state(what)
        st.stop()
    return span


def require_valid_period(chosen: view_filters.ViewFilters) -> None:
    """A period that ends before it starts stops the page with one sentence."""
    if chosen.start and chosen.end and chosen.start > chosen.end:
        st.warning(t("filters.bad_period"))
        st.stop()


def navigation(pages_dir: Path, record: bool = True):
    pages, files = [], {}
    for number, (file, title_key, icon) in enumerate(PAGES):
        path = pages_dir / file
        if path.exists() and _visible(file) and auth.page_allowed(file, auth.viewer_role()):
            pages.append(st.Page(path, title=t(title_key), icon=icon, default=number == 0))
            files[id(pages[-1])] = file
    page = st.navigation(pages)
    _run_page.set(files.get(id(page), ""))
    if record:
        record_page_view(files.get(id(page), ""))  # the page is known only once st.navigation has chosen it
    return page


def _visible(file: str) -> bool:
    """Whether the viewer sees a page in the navigation: the audit trail only for those who may read it."""
    return file != "audit.py" or audit.may_read(audit.viewer_of(st.session_state))


# Session state: the last (viewer, page, filters) recorded, so reruns that change neither are not recorded again.
_LAST_VIEW_KEY = "_audit_last_view"


def record_page_view(page_file: str) -> None:
    """One `page_view` event per change of page or filters in a session (alliance.audit); never stops the page.

    Recorded after the filters are drawn and the page is chosen: by `navigation` for the
    router's runs, by `ensure` when a page draws the frame itself. Once a day this also
    deletes the month files older than the retention.
    """
    viewer = audit.viewer_of(st.session_state)
    page = Path(page_file).stem
    filters = audit.clean_detail("page_view", {"filters": view_filters.current()}).get("filters")
    key = (str(getattr(viewer, "email", "")), page, json.dumps(filters, sort_keys=True))
    if st.session_state.get(_LAST_VIEW_KEY) == key:
        return
    st.session_state[_LAST_VIEW_KEY] = key
    from .state import current_scope

    scope = getattr(viewer, "scope", None) or current_scope()
    home = store.home_dir()
    audit.record("page_view", viewer, {"page": page, "filters": filters, "scope": scope}, home=home)
    try:
        retention = load_settings(home)["audit_retention_days"]
    except SettingsError:
        return  # the page says what is wrong with the settings
    audit.purge_daily(home, retention)


def language() -> str:
    return i18n.language()
