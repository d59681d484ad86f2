"""Methods: what every figure means, the settings in force, and the research each figure rests on."""
import pandas as pd
import streamlit as st

from alliance.ui import frame

from alliance import i18n, store
from alliance.caseload import CONCERN_WEIGHTS
from alliance.i18n import t
from alliance.locales.methods import REFERENCES
from alliance.settings import DEFAULTS, SETTINGS
from alliance.ui.data import current_store
from alliance.ui.state import code

# The rows of the definitions table, in the order of docs/methods.md.
DEFINITIONS = ("score", "low", "month", "rupture", "repaired", "unrepaired", "open", "discrepancy", "completion",
               "ors", "outcome", "early", "few", "hidden")


def shown_value(value) -> str:
    """A setting as the viewer's language writes it: 36; 2.5 or 2,5."""
    if float(value).is_integer():
        return i18n.integer(value)
    return i18n.number(value, 2).rstrip("0").rstrip(".,")


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table of our own fixed texts (never data)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def percent_interval(value, low, high) -> str:
    """A proportion as a percentage with its interval: 29 % (26–34)."""
    if pd.isna(value):
        return "–"
    return t("methods.validation.percent", value=i18n.number(100 * value, 0), low=i18n.number(100 * low, 0),
             high=i18n.number(100 * high, 0))


def validation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """flag_validation's rows as the Methods page shows them: the flag by name, each share with its interval."""
    return pd.DataFrame({
        t("methods.col.clinic"): rows["clinic"].to_numpy(),
        t("methods.col.flag"): [t(f"methods.flag.{flag}.name") for flag in rows["flag"]],
        t("methods.col.closed"): [i18n.integer(n) for n in rows["n_closed"]],
        t("methods.col.poor"): [i18n.integer(n) for n in rows["n_poor"]],
        t("methods.col.share_flagged"): [percent_interval(*v) for v in
                                         zip(rows["share_flagged"], rows["share_low"], rows["share_high"])],
        t("methods.col.sensitivity"): [percent_interval(*v) for v in
                                       zip(rows["sensitivity"], rows["sensitivity_low"], rows["sensitivity_high"])],
        t("methods.col.ppv"): [percent_interval(*v) for v in zip(rows["ppv"], rows["ppv_low"], rows["ppv_high"])],
    })


frame.ensure()
snapshot = current_store(filtered=False)
settings = dict(snapshot.settings)
values = {name: shown_value(value) for name, value in settings.items()}
values["suppress_below_minus_one"] = shown_value(settings["suppress_below"] - 1)
values["repair_window_plus_one"] = shown_value(settings["repair_window"] + 1)

st.title(t("methods.title"))
st.markdown(t("methods.intro"))

st.header(t("methods.alliance.title"))
st.markdown(t("methods.alliance.body"))
for measure in ("srs", "wai", "ors"):
    st.markdown("- " + t(f"methods.{measure}", **values))

st.header(t("methods.counting.title"))
st.markdown(t("methods.counting.body"))

st.header(t("methods.definitions.title"))
st.markdown(markdown_table(
    (t("methods.col.figure"), t("methods.col.meaning")),
    [(f"**{t(f'methods.def.{d}.name')}**", t(f"methods.def.{d}.meaning", **values)) for d in DEFINITIONS],
))
st.caption(t("methods.definitions.note"))

st.header(t("methods.ruptures.title"))
st.markdown(t("methods.ruptures.body", **values))

st.header(t("methods.fair.title"))
st.markdown(t("methods.fair.body", **values))

st.header(t("methods.etr.title"))
st.markdown(t("methods.etr.body", **values))
st.markdown(t("methods.early.body", **values))

st.header(t("methods.flags.title"))
st.markdown(t("methods.flags.intro", **values))
st.markdown(markdown_table(
    (t("methods.col.flag"), t("methods.col.raised"), t("methods.col.why"), t("methods.col.weight")),
    [(f"**{t(f'methods.flag.{flag}.name')}**", t(f"methods.flag.{flag}.raised", **values),
      t(f"methods.flag.{flag}.why"), str(weight)) for flag, weight in CONCERN_WEIGHTS.items()],
))

st.subheader(t("methods.validation.title"))
st.markdown(t("methods.validation.body", **values))
validation = snapshot.query("flag_validation")
if validation is None or validation.empty:
    st.info(t("methods.validation.none"))
else:
    st.dataframe(validation_table(validation), hide_index=True, key="methods_validation")
    st.caption(t("methods.validation.note"))

st.header(t("methods.settings.title"))
st.markdown(t("methods.settings.intro", path=code(store.home_dir() / "settings.toml")))
changed = [s.name for s in SETTINGS if settings[s.name] != s.default]
if changed:
    st.markdown(t("methods.settings.changed", changes="; ".join(
        t("methods.settings.change", name=code(name), value=values[name], default=shown_value(DEFAULTS[name]))
        for name in changed)))
else:
    st.markdown(t("methods.settings.all_default"))
# A static table: the meanings wrap instead of being cut off, and nothing here is data.
st.table(pd.DataFrame({
    t("methods.col.setting"): [s.name for s in SETTINGS],
    t("methods.col.in_force"): [values[s.name] for s in SETTINGS],
    t("methods.col.default"): [shown_value(s.default) for s in SETTINGS],
    t("methods.col.differs"): [t("methods.differs.yes") if s.name in changed else t("methods.differs.no")
                               for s in SETTINGS],
    t("methods.col.meaning"): [t(f"methods.setting.{s.name}") for s in SETTINGS],
}), hide_index=True)

st.header(t("methods.references.title"))
st.markdown("\n".join(f"- {reference}" for reference in REFERENCES))
