"""The one set of filters every page shares (period, sector, clinic, site, therapist) and the language.

The router draws them in the sidebar on every run, so they persist across pages;
they are written to the address bar on every run, so a copied link opens the
same view (keys: lang, from, to, sector, clinic, site, therapist; several values
separated by commas, a site or therapist as `clinic/name`). A filter is applied
as a scope (alliance.scope.Scope.narrow), so every query honours it without
knowing about it, and it can never widen the viewer's access.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from .. import i18n
from ..i18n import t
from ..scope import Scope
from .state import escape_markdown

STATE_KEY = "view_filters"
URL_KEYS = ("lang", "from", "to", "sector", "clinic", "site", "therapist")
_SEP = ","
MAX_SHOWN_URL_VALUE = 80  # characters of a left-out link value that its warning repeats


@dataclass(frozen=True)
class ViewFilters:
    """The viewer's choices: plain, hashable values."""

    start: dt.date | None = None
    end: dt.date | None = None
    sectors: tuple[str, ...] = ()
    clinics: tuple[str, ...] = ()
    sites: tuple[tuple[str, str], ...] = ()  # (clinic, site)
    therapists: tuple[tuple[str, str], ...] = ()  # (clinic, therapist_id)
    lang: str = i18n.DEFAULT_LANGUAGE

    def period(self) -> dict:
        """The `start` and `end` parameters every query takes."""
        return {"start": self.start, "end": self.end}

    def scope(self, options: pd.DataFrame) -> Scope:
        """The filters as a scope: sectors become their clinics; empty choices mean everything."""
        clinics = set(self.clinics) if self.clinics else None
        if self.sectors:
            in_sectors = set(options.loc[options["sector"].isin(self.sectors), "clinic"].unique())
            clinics = in_sectors if clinics is None else clinics & in_sectors
        return Scope(
            clinics=None if clinics is None else tuple(sorted(clinics)),
            sites=tuple(sorted(self.sites)) or None,
            therapists=tuple(sorted(self.therapists)) or None,
        )


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(_SEP) if part.strip()]


def _pair(text: str) -> tuple[str, str] | None:
    clinic, sep, name = text.partition("/")
    return (clinic, name) if sep and clinic and name else None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def from_url(params, options: pd.DataFrame) -> tuple[ViewFilters, list[str]]:
    """Filters from the address bar, keeping only values the data has; and what was left out."""
    dropped: list[str] = []
    sectors = set(options["sector"]) if len(options) else set()
    clinics = set(options["clinic"]) if len(options) else set()
    sites = set(zip(options["clinic"], options["site"])) if len(options) else set()
    therapists = set(zip(options["clinic"], options["therapist_id"])) if len(options) else set()

    def keep(values, allowed, label):
        out = []
        for v in values:
            (out if v in allowed else dropped).append(v if v in allowed else f"{label} {v if isinstance(v, str) else '/'.join(v)}")
        return tuple(out)

    start, end = _date(params.get("from")), _date(params.get("to"))
    for key, value in (("from", start), ("to", end)):
        if params.get(key) and value is None:
            dropped.append(f"{key} {params.get(key)[:20]}")
    pairs = lambda key: [p for p in (_pair(x) for x in _split(params.get(key))) if p]  # noqa: E731
    filters = ViewFilters(
        start=start,
        end=end,
        sectors=keep(_split(params.get("sector")), sectors, "sector"),
        clinics=keep(_split(params.get("clinic")), clinics, "clinic"),
        sites=keep(pairs("site"), sites, "site"),
        therapists=keep(pairs("therapist"), therapists, "therapist"),
        lang=params.get("lang") if params.get("lang") in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
    )
    return filters, dropped


def to_url(filters: ViewFilters) -> dict[str, str]:
    out = {"lang": filters.lang}
    if filters.start:
        out["from"] = filters.start.isoformat()
    if filters.end:
        out["to"] = filters.end.isoformat()
    if filters.sectors:
        out["sector"] = _SEP.join(filters.sectors)
    if filters.clinics:
        out["clinic"] = _SEP.join(filters.clinics)
    if filters.sites:
        out["site"] = _SEP.join(f"{c}/{s}" for c, s in filters.sites)
    if filters.therapists:
        out["therapist"] = _SEP.join(f"{c}/{x}" for c, x in filters.therapists)
    return out


def current() -> ViewFilters:
    """The filters of this run (set by `sidebar`)."""
    value = st.session_state.get(STATE_KEY)
    return value if isinstance(value, ViewFilters) else ViewFilters(lang=i18n.language())


def sync_url(filters: ViewFilters, page_keys: dict[str, str] | None = None) -> None:
    """Write the filters (and a page's own keys) to the address bar, changing only what differs."""
    wanted = {**to_url(filters), **(page_keys or {})}
    for key in list(st.query_params.keys()):
        if key in URL_KEYS and key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def sidebar(options: pd.DataFrame) -> ViewFilters:
    """Draw the language switch and the filters; return the filters of this run."""
    if "_filters_from_url" not in st.session_state:
        initial, dropped = from_url(st.query_params, options)
        st.session_state["_filters_from_url"] = True
        st.session_state["f_lang"] = initial.lang
        st.session_state["f_from"] = initial.start
        st.session_state["f_to"] = initial.end
        st.session_state["f_sector"] = list(initial.sectors)
        st.session_state["f_clinic"] = list(initial.clinics)
        st.session_state["f_site"] = [f"{c}/{s}" for c, s in initial.sites]
        st.session_state["f_therapist"] = [f"{c}/{x}" for c, x in initial.therapists]
        st.session_state["_filters_dropped"] = dropped

    lang = st.sidebar.selectbox(
        t("filters.language", lang=st.session_state.get("f_lang")), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="f_lang")
    i18n.set_language(lang)

    st.sidebar.header(t("filters.title"))
    first = options["first_date"].min() if len(options) else None
    last = options["last_date"].max() if len(options) else None
    first = first.date() if hasattr(first, "date") else first
    last = last.date() if hasattr(last, "date") else last
    latest = max([d for d in (last, dt.date.today() + dt.timedelta(days=1)) if d])
    start = st.sidebar.date_input(t("filters.from"), min_value=dt.date(2000, 1, 1), max_value=latest,
                                  key="f_from", format=i18n.date_format(), help=t("filters.from_help"))
    end = st.sidebar.date_input(t("filters.to"), min_value=dt.date(2000, 1, 1), max_value=latest,
                                key="f_to", format=i18n.date_format(), help=t("filters.to_help"))
    if start is None and first is not None:
        st.sidebar.caption(f"{i18n.date(first)} – {i18n.date(last)}")

    sectors = sorted(options["sector"].unique().tolist()) if len(options) else []
    chosen_sectors = st.sidebar.multiselect(
        t("filters.sector"), sectors, key="f_sector", placeholder=t("filters.all"),
        format_func=lambda s: t(f"sector.{s}") if s in ("public", "private") else s)
    narrowed = options[options["sector"].isin(chosen_sectors)] if chosen_sectors else options
    chosen_clinics = st.sidebar.multiselect(
        t("filters.clinic"), sorted(narrowed["clinic"].unique().tolist()) if len(narrowed) else [],
        key="f_clinic", placeholder=t("filters.all"))
    if chosen_clinics:
        narrowed = narrowed[narrowed["clinic"].isin(chosen_clinics)]
    site_names = _joined(narrowed, "site")
    chosen_sites = st.sidebar.multiselect(
        t("filters.site"), site_names, key="f_site", placeholder=t("filters.all"),
        format_func=_pair_label(narrowed, "site"))
    therapist_names = _joined(narrowed, "therapist_id")
    chosen_therapists = st.sidebar.multiselect(
        t("filters.therapist"), therapist_names, key="f_therapist", placeholder=t("filters.all"),
        format_func=_pair_label(narrowed, "therapist_id"))
    if st.sidebar.button(t("filters.reset"), key="f_reset", on_click=_reset):
        pass
    for what in st.session_state.get("_filters_dropped", []):
        # A link is anyone's text: shown literally (never as Markdown) and cut short.
        what = what if len(what) <= MAX_SHOWN_URL_VALUE else what[: MAX_SHOWN_URL_VALUE - 1] + "…"
        st.sidebar.warning(t("filters.bad_url", what=escape_markdown(what)))

    filters = ViewFilters(
        start=start, end=end, sectors=tuple(chosen_sectors), clinics=tuple(chosen_clinics),
        sites=tuple(p for p in (_pair(x) for x in chosen_sites) if p),
        therapists=tuple(p for p in (_pair(x) for x in chosen_therapists) if p),
        lang=lang,
    )
    st.session_state[STATE_KEY] = filters
    sync_url(filters)
    return filters


def _reset() -> None:
    for key in ("f_from", "f_to"):
        st.session_state[key] = None
    for key in ("f_sector", "f_clinic", "f_site", "f_therapist"):
        st.session_state[key] = []
    st.session_state["_filters_dropped"] = []


def _joined(options: pd.DataFrame, column: str) -> list[str]:
    """Every distinct clinic/name of a column, sorted (in pandas: 17,000 therapists at ten million sessions)."""
    if not len(options):
        return []
    return sorted((options["clinic"].astype(str) + "/" + options[column].astype(str)).unique().tolist())


def _pair_label(options: pd.DataFrame, column: str):
    """Show a site or therapist by name, with its clinic only when the name is not unique."""
    # A small set: the label is looked up once per option at every run of every page.
    counts = options.groupby(column)["clinic"].nunique() if len(options) else pd.Series(dtype=int)
    shared = set(counts.index[counts > 1])

    def label(value: str) -> str:
        clinic, _, name = value.partition("/")
        return f"{name} ({clinic})" if name in shared else name

    return label
