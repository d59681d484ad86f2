"""Clinics: the public clinic and the private practice's sites side by side, over months, over sessions, by item and by outcome."""

import pandas as pd
import streamlit as st

from alliance import i18n
from alliance.charts import (create_alliance_development, create_alliance_trend, create_early_alliance_outcome,
                             create_outcome_categories, create_profiles)
from alliance.charts.colors import color_map
from alliance.charts.trend import setting_text
from alliance.i18n import t
from alliance.ui import filters, frame
from alliance.ui.data import current_store
from alliance.ui.export import chart_downloads
from alliance.ui.pack import clinic_pack_download
from alliance.ui.state import suppression_note

CHART_CONFIG = {"displaylogo": False}

frame.ensure()
st.title(t("clinics.title"))
snapshot = current_store()
everything = current_store(filtered=False)
frame.require_data(t("empty.what.clinics"))  # stops the page when there is no data at all, whatever the filters

chosen = filters.current()
frame.require_valid_period(chosen)

period = chosen.period()
settings = {name: snapshot.setting(name) for name in ("srs_cutoff", "early_sessions", "ors_cutoff", "ors_rci")}
trend = snapshot.query("alliance_trend", **period, group="site")
if trend.empty:
    st.info(t("empty.no_selection"))
    st.stop()

# Every clinic and site the store knows, whatever the filters: a site keeps its colour when others are filtered away.
options = everything.query("filter_options")
early = snapshot.query("early_alliance_outcome", **period, group="clinic")
# A supervisor's figures also show other clinics' sites (as totals): they take colours too.
colors = color_map(sorted(set(options["clinic"].unique()) | set(options["site"].unique()) | set(trend["group"].unique())
                          | set(early["group"].unique())))
below = snapshot.setting("suppress_below")
development = snapshot.query("alliance_development", **period, group="site")
profiles = snapshot.query("profiles", **period, level="site")
outcomes = snapshot.query("outcome_summary", **period, group="site")


st.caption(t("clinics.intro"))
if profiles is not None and not profiles.empty:
    st.caption(t("clinics.sites", sites=", ".join(sorted(profiles["group"].astype(str))),
                 sessions=i18n.integer(profiles["n_sessions"].sum()),
                 clients=i18n.integer(profiles["n_clients"].sum())))

site = t("chart.group.site")
st.subheader(t("clinics.trend.title"))
st.plotly_chart(snapshot.figure(create_alliance_trend, ("alliance_trend", {**period, "group": "site"}),
                                cutoff=settings["srs_cutoff"], group_label=site, colors=colors),
                key="clinics_trend", config=CHART_CONFIG)
chart_downloads("clinics_trend", "alliance_trend", {**period, "group": "site"},
                lambda rows: create_alliance_trend(rows, cutoff=settings["srs_cutoff"], group_label=site, colors=colors),
                t("clinics.trend.title"), page="clinics")
st.caption(t("clinics.trend.read"))
suppression_note(trend, below=below)

st.subheader(t("clinics.dev.title"))
st.plotly_chart(snapshot.figure(create_alliance_development, ("alliance_development", {**period, "group": "site"}),
                                cutoff=settings["srs_cutoff"], early_sessions=int(settings["early_sessions"]),
                                group_label=site, colors=colors),
                key="clinics_development", config=CHART_CONFIG)
chart_downloads("clinics_development", "alliance_development", {**period, "group": "site"},
                lambda rows: create_alliance_development(rows, cutoff=settings["srs_cutoff"],
                                                         early_sessions=int(settings["early_sessions"]),
                                                         group_label=site, colors=colors),
                t("clinics.dev.title"), page="clinics")
st.caption(t("clinics.dev.read", early=int(settings["early_sessions"])))
suppression_note(development, below=below)

st.subheader(t("clinics.profiles.title"))
st.plotly_chart(snapshot.figure(create_profiles, ("profiles", {**period, "level": "site"}), group_label=site, colors=colors),
                key="clinics_profiles",
                config=CHART_CONFIG)
chart_downloads("clinics_profiles", "profiles", {**period, "level": "site"},
                lambda rows: create_profiles(rows, group_label=site, colors=colors), t("clinics.profiles.title"),
                page="clinics")
st.caption(t("clinics.profiles.read"))
suppression_note(profiles, below=below)

st.subheader(t("clinics.outcome.title"))
st.plotly_chart(snapshot.figure(create_outcome_categories, ("outcome_summary", {**period, "group": "site"}), group_label=site),
                key="clinics_outcomes", config=CHART_CONFIG)
chart_downloads("clinics_outcomes", "outcome_summary", {**period, "group": "site"},
                lambda rows: create_outcome_categories(rows, group_label=site), t("clinics.outcome.title"),
                page="clinics")
st.caption(t("clinics.outcome.read", cutoff=setting_text(settings["ors_cutoff"]), rci=setting_text(settings["ors_rci"])))
suppression_note(outcomes, below=below)

st.subheader(t("clinics.early.title"))
st.plotly_chart(snapshot.figure(create_early_alliance_outcome, ("early_alliance_outcome", {**period, "group": "clinic"}),
                                group_label=t("chart.group.clinic"), colors=colors),
                key="clinics_early", config=CHART_CONFIG)
chart_downloads("clinics_early", "early_alliance_outcome", {**period, "group": "clinic"},
                lambda rows: create_early_alliance_outcome(rows, group_label=t("chart.group.clinic"), colors=colors),
                t("clinics.early.title"), page="clinics")
st.caption(t("clinics.early.read", early=int(settings["early_sessions"])))
suppression_note(early, below=below)
for group, note in zip(early["group"], early["note"]):
    if isinstance(note, str) and note:
        st.text(t("clinics.early.note", group=group, note=note))  # the model's own words: plain text

st.subheader(t("clinics.model.title"))
model = snapshot.query("alliance_outcome_model", **period)
if len(model):
    def interval(row, name: str) -> str:
        if not all(pd.notna(row[c]) for c in (name, f"{name}_low", f"{name}_high")):
            return "–"
        return t("clinics.model.value", value=i18n.number(row[name], 2), low=i18n.number(row[f"{name}_low"], 2),
                 high=i18n.number(row[f"{name}_high"], 2))

    shown = model.apply(lambda row: {
        t("clinics.model.sector"): t(f"sector.{row['group']}") if row["group"] in ("public", "private") else row["group"],
        t("clinics.model.clients"): "–" if row.get("suppressed") else i18n.integer(row["n_clients"]),
        t("clinics.model.therapists"): "–" if row.get("suppressed") else i18n.integer(row["n_therapists"]),
        t("clinics.model.within"): interval(row, "within"),
        t("clinics.model.between"): interval(row, "between"),
        t("clinics.model.r"): interval(row, "r"),
    }, axis=1, result_type="expand")
    st.dataframe(shown, hide_index=True, key="clinics_model")
    for status in sorted(set(model["status"].dropna()) - {"fitted", ""}):
        st.info(t(f"clinics.model.status.{status}"))
st.caption(t("clinics.model.read"))

clinic_pack_download(options["clinic"], key="clinics_pack", page="clinics")  # one PDF: a clinic against the others
