"""The supervision pack's download buttons: one therapist on the Supervision page, one clinic on the Clinics page.

The PDF is made only when the viewer clicks (Streamlit's deferred download: the button's
data is a callable run on a worker thread), from plain values captured on the page run:
the store build, the viewer's access scope (the sidebar filters only give the period), the
settings and the language. Every click writes one `export` line to the audit trail.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import pandas as pd
import streamlit as st

from .. import audit, export, i18n, report, store
from ..i18n import t
from . import filters as view_filters
from .data import _connection, current_store

_CACHE: "OrderedDict[tuple, report.Pack]" = OrderedDict()
_CACHE_MAX = 8
_CACHE_LOCK = threading.Lock()


def _pack(cache_key: tuple, make) -> report.Pack:
    with _CACHE_LOCK:
        hit = _CACHE.get(cache_key)
    if hit is not None:
        return hit
    made = make()
    with _CACHE_LOCK:
        _CACHE[cache_key] = made
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return made


def pack_download(kind: str, clinic: str, therapist_id: str | None = None, *, key: str, page: str) -> None:
    """A download button for the pack of one therapist (`kind` "therapist") or one clinic ("clinic")."""
    snapshot = current_store(filtered=False)  # the viewer's access scope; the filters narrow only the period
    if snapshot.version is None:
        return
    chosen = view_filters.current()
    if chosen.start and chosen.end and chosen.start > chosen.end:
        return  # the page already says the period is wrong
    lang = i18n.language()
    viewer = audit.viewer_of(st.session_state)
    con = _connection(snapshot.home, snapshot.version)
    settings = dict(snapshot.settings)
    scope, home = snapshot.scope, snapshot.home
    start, end = report.resolve_period(con, chosen.start, chosen.end, settings)
    words = ["supervision-pack", therapist_id] if kind == "therapist" else ["clinic-pack", clinic]
    filters = {"start": start, "end": end, "clinics": [clinic],
               **({"therapists": [(clinic, therapist_id)]} if kind == "therapist" else {})}

    def make() -> bytes:
        def build() -> report.Pack:
            if kind == "therapist":
                return report.make_therapist_pack(con, clinic, therapist_id, start, end, scope, settings, lang)
            return report.make_clinic_pack(con, clinic, start, end, scope, settings, lang)

        pack = _pack((home, snapshot.version, kind, clinic, therapist_id, start, end, scope, snapshot.settings, lang),
                     build)
        export.record_export(viewer, what=f"{kind}_pack", page=page, fmt="pdf", filters=filters, scope=scope,
                             rows=pack.rows, home=store.home_dir(home))
        return pack.pdf

    st.download_button(t(f"report.button.{kind}"), data=make, file_name=export.file_name(words, start, end, "pdf"),
                       mime="application/pdf", key=f"{key}_pdf", on_click="ignore", help=t("report.button.help"),
                       icon=":material/picture_as_pdf:")
    if export.browser_path() is None:
        st.caption(t("report.no_charts", reason=export.INSTALL_SENTENCE))


def clinic_pack_download(clinics, *, key: str, page: str) -> None:
    """The clinic pack for one of the clinics the viewer sees at client level (a choice when there are several)."""
    clinics = sorted({str(c) for c in pd.Series(clinics).unique()})
    if not clinics:
        return
    st.subheader(t("report.clinic.title"))
    clinic = clinics[0] if len(clinics) == 1 else st.selectbox(t("report.clinic_choice"), clinics,
                                                                 key=f"{key}_clinic")
    pack_download("clinic", clinic, key=key, page=page)
