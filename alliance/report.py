"""Supervision packs as PDF: one therapist's period for a supervision meeting, and one clinic compared with the others.

`therapist_pack` gives the key figures, the alliance and outcome charts, the caseload with
its flags, the agenda of clients worth discussing in order of concern, and a selection of
the clients' comments; `clinic_pack` the Clinics page's figures for one clinic against
the other clinics and the private practice's sites. Both read the same named queries and
draw the same chart functions as the pages, in the chosen language, and put the pack's
subject, the period and the data's date in the header of every page.

Decisions (README, "The supervision pack"):

- Comments: at most COMMENT_LIMIT, those written at a low-alliance session first (newest
  first), then the newest others. They are client feedback: every text from the data
  (comments, ids, names) is escaped before it reaches reportlab's Paragraph, which would
  otherwise read `<b>` or `<font>` in it as markup, and nothing of it is ever logged.
- Small cells: the clinic pack leaves the dashboard, so its figures about groups are
  suppressed with the export rule (every cell of fewer than `suppress_below` clients,
  whoever's, plus secondary cells: queries.run_for_export, as every export). The therapist pack shows one
  caseload to someone entitled to see each client in it (it lists every client by id), so
  its aggregates of that caseload are not suppressed: hiding them would protect nothing.
- Without Chromium the pack is still made, with its tables, agenda and comments; its first
  page says in one sentence what to install, and each chart's place says it was left out.

No Streamlit here: the pages and the command line both call these functions.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from . import i18n, queries
from .agenda import agenda, agenda_left_out, key_figures, on_track_notices, reasons
from .caseload import FLAGS
from .charts import (create_alliance_development, create_alliance_trend, create_early_alliance_outcome,
                     create_outcome_categories, create_profiles)
from .charts.clinics import OUTCOME_CATEGORIES
from .charts.colors import color_map
from .charts.trend import setting_text
from .disclosure import SUPPRESSED
from .i18n import t
from .scope import EVERYTHING, Scope
from .settings import DEFAULTS

# How many comments a therapist pack prints (low-alliance sessions first, then the newest).
COMMENT_LIMIT = 12
# A chart's size in the PDF, in CSS pixels, drawn at twice that for print (scale 2).
CHART_WIDTH, CHART_HEIGHT, CHART_SCALE = 900, 430, 2
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


class PackError(ValueError):
    """The pack cannot be made as asked (unknown therapist or clinic, bad period); one sentence for the user."""


@dataclass
class Pack:
    """A pack made: the PDF, its number of pages, how many table rows it holds, and notes for the maker."""

    pdf: bytes
    pages: int
    rows: int
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- the public functions


def therapist_pack(con, clinic: str, therapist_id: str, start=None, end=None, scope: Scope = EVERYTHING,
                   settings: dict | None = None, language: str = "en") -> bytes:
    """One PDF for one therapist and a period (start/end: dates, None for the data's first or last day)."""
    return make_therapist_pack(con, clinic, therapist_id, start, end, scope, settings, language).pdf


def clinic_pack(con, clinic: str, start=None, end=None, scope: Scope = EVERYTHING, settings: dict | None = None,
                language: str = "en") -> bytes:
    """One PDF comparing a clinic with the other clinics and sites, small cells suppressed for export."""
    return make_clinic_pack(con, clinic, start, end, scope, settings, language).pdf


def make_therapist_pack(con, clinic, therapist_id, start=None, end=None, scope: Scope = EVERYTHING,
                        settings: dict | None = None, language: str = "en") -> Pack:
    # In a context of its own: the pack's language never changes the calling page's.
    return contextvars.copy_context().run(_therapist_pack, con, clinic, therapist_id, start, end, scope,
                                          settings, language)


def make_clinic_pack(con, clinic, start=None, end=None, scope: Scope = EVERYTHING, settings: dict | None = None,
                     language: str = "en") -> Pack:
    return contextvars.copy_context().run(_clinic_pack, con, clinic, start, end, scope, settings, language)


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF reportlab wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def therapist_scope(scope: Scope, clinic: str, therapist_id: str) -> Scope:
    """The viewer's scope narrowed to one therapist (and to no other clinic, not even as totals)."""
    return scope.narrow(Scope(clinics=(clinic,), therapists=((clinic, therapist_id),)))


def clinic_scope(scope: Scope, clinic: str) -> Scope:
    """One clinic at client level, the others as totals: a viewer who sees every clinic compares with all of them;
    a supervisor with the peers their access gives; a therapist with none."""
    peers = None if scope.clinics is None else scope.peers
    return Scope(clinics=(clinic,), therapists=scope.therapists, sites=scope.sites, peers=peers)


def check_period(start, end) -> None:
    if start and end and start > end:
        raise PackError(t("report.error.period", start=i18n.date(start), end=i18n.date(end)))


# --------------------------------------------------------------------------- the therapist pack


def _therapist_pack(con, clinic, therapist_id, start, end, scope, settings, language) -> Pack:
    i18n.set_language(language)
    settings = {**DEFAULTS, **(settings or {})}
    check_period(start, end)
    options = queries.run(con, "filter_options", {}, scope, settings)
    if not ((options["clinic"] == clinic) & (options["therapist_id"] == therapist_id)).any():
        raise PackError(t("report.error.no_therapist", therapist=f"{clinic}/{therapist_id}"[:120]))
    mine = therapist_scope(scope, clinic, therapist_id)
    start, end = resolve_period(con, start, end, settings)
    period = {"start": start, "end": end}
    cutoff = settings["srs_cutoff"]

    everyone = queries.run(con, "caseload_flags", period, mine, settings)
    flags = everyone[everyone["active"]]  # active clients, as the Supervision page lists them by default
    trend = queries.run(con, "alliance_trend", {**period, "group": "therapist"}, mine, settings)
    development = queries.run(con, "alliance_development", {**period, "group": "clinic"}, mine, settings)
    outcomes = queries.run(con, "outcome_summary", {**period, "group": "clinic"}, mine, settings)

    doc = _Document(t("report.therapist.header", therapist=therapist_id, clinic=clinic), start, end,
                    _data_date(con, settings))
    doc.title(t("report.therapist.title"))
    doc.text(t("report.therapist.intro", therapist=therapist_id, clinic=clinic))
    doc.small(t("report.confidential"))
    doc.small(_made(settings))
    doc.charts_note()

    figures = key_figures(queries.run(con, "period_totals", period, mine, settings), everyone)
    doc.heading(t("report.key_figures"))
    doc.table([[t("overview.metric.clients"), i18n.integer(figures["clients"])],
               [t("overview.metric.sessions"), i18n.integer(figures["sessions"])],
               [t("overview.metric.completion"), i18n.percent(figures["completion"])],
               [t("overview.metric.mean_srs"), i18n.number(figures["mean_srs"], 1)],
               [t("overview.metric.low"), i18n.percent(figures["pct_low"])],
               [t("overview.metric.open_ruptures"), i18n.integer(figures["open_ruptures"])]],
              widths=(8, 4), header=False)

    name = {f"{clinic}/{therapist_id}": therapist_id, clinic: therapist_id}
    doc.heading(t("report.trend.title"))
    doc.chart(lambda: create_alliance_trend(trend, cutoff=cutoff, group_label=t("sup.col.therapist"), names=name))
    doc.small(t("report.trend.read"))
    doc.heading(t("report.dev.title"))
    doc.chart(lambda: create_alliance_development(development, cutoff=cutoff,
                                                  early_sessions=int(settings["early_sessions"]),
                                                  group_label=t("sup.col.therapist"), names=name))
    doc.small(t("report.dev.read"))
    doc.heading(t("report.outcome.title"))
    doc.chart(lambda: create_outcome_categories(outcomes, group_label=t("sup.col.therapist"), names=name))
    doc.small(t("report.outcome.read", cutoff=setting_text(settings["ors_cutoff"]),
                rci=setting_text(settings["ors_rci"])))
    doc.table(_outcome_rows(outcomes, name), widths=(5, 4, 3, 3), numeric=(2, 3))

    doc.page_break()
    doc.heading(t("report.caseload"))
    rows = len(flags)
    if len(everyone) > len(flags):
        doc.small(t("sup.inactive_left_out", n=i18n.integer(len(everyone) - len(flags)),
                    weeks=i18n.integer(int(settings["active_weeks"]))))
    if flags.empty:
        doc.text(t("report.caseload.none"))
    else:
        doc.small(t("sup.caseload_count_one" if len(flags) == 1 else "sup.caseload_count",
                    n=i18n.integer(len(flags)), flagged=i18n.integer(int((flags["n_flags"] > 0).sum()))))
        words = pd.DataFrame({f: flags[f].astype(bool).map({True: t(f"flag.{f}"), False: ""}) for f in FLAGS})
        flag_text = words.apply(lambda row: ", ".join(w for w in row if w), axis=1) if len(words) else []
        doc.table([[t("sup.col.client"), t("sup.col.sessions"), t("sup.col.rated"), t("sup.col.last_session"),
                    t("sup.col.last_srs"), t("report.col.flags"), t("sup.col.concern")]]
                  + [[c, i18n.integer(n), i18n.integer(r), i18n.date(d), i18n.number(s, 1), f, i18n.integer(k)]
                     for c, n, r, d, s, f, k in zip(flags["client_id"], flags["n_sessions"], flags["n_rated"],
                                                    flags["last_session_date"], flags["last_srs"], flag_text,
                                                    flags["concern"])],
                  widths=(3, 2, 2, 3, 2, 6, 2.6), numeric=(1, 2, 4, 6))
        doc.small(t("sup.caseload_note"))
        for notice in on_track_notices(flags):
            doc.text(notice)

    doc.heading(t("report.agenda"))
    flagged, left_out = agenda(flags, settings["alert_budget"])
    if flagged.empty:
        doc.text(t("report.agenda.none"))
    else:
        doc.table([[t("sup.col.rank"), t("sup.col.client"), t("sup.col.reason"), t("sup.col.last_session"),
                    t("sup.col.concern")]]
                  + [[i18n.integer(i), c, r, i18n.date(d), i18n.integer(k)] for i, (c, r, d, k) in enumerate(
                      zip(flagged["client_id"], reasons(flagged, cutoff), flagged["last_session_date"],
                          flagged["concern"]), start=1)],
                  widths=(1, 3, 9.4, 3, 2.6), numeric=(0, 4))
        doc.small(t("sup.agenda_note"))
        if left_out:
            doc.small(agenda_left_out(left_out, len(flagged), settings["alert_budget"]))

    doc.heading(t("report.comments"))
    chosen, total = _comments(con, period, mine, settings)
    if chosen.empty:
        doc.text(t("report.comments.none"))
    else:
        doc.small(t("report.comments.rule", limit=COMMENT_LIMIT, cutoff=setting_text(cutoff),
                    shown=i18n.integer(len(chosen)), total=i18n.integer(total)))
        low = chosen["srs_total"] < cutoff
        doc.table([[t("report.col.date"), t("report.col.client"), t("report.col.session"), t("report.col.srs"),
                    t("report.col.comment")]]
                  + [[i18n.date(d), c, i18n.integer(n), i18n.number(s, 1) + (f" ({t('report.col.low')})" if lo else ""),
                      text] for d, c, n, s, lo, text in zip(chosen["session_date"], chosen["client_id"],
                                                            chosen["session_number"], chosen["srs_total"],
                                                            low.fillna(False), chosen["comment"])],
                  widths=(3, 3, 1.6, 2.4, 10), numeric=(2,))
        rows += len(chosen)
    return doc.build(rows)


def _comments(con, period: dict, scope: Scope, settings: dict) -> tuple[pd.DataFrame, int]:
    """The comments the pack prints (see COMMENT_LIMIT) and how many there are in the period."""
    low = queries.run(con, "comments", {**period, "band": "low", "limit": COMMENT_LIMIT}, scope, settings)
    newest = queries.run(con, "comments", {**period, "band": "all", "limit": 2 * COMMENT_LIMIT}, scope, settings)
    total = int(newest["n_matching"].iloc[0]) if len(newest) else 0
    others = newest[~newest.set_index(["clinic", "session_id"]).index.isin(
        low.set_index(["clinic", "session_id"]).index)]
    chosen = pd.concat([low, others.head(COMMENT_LIMIT - len(low))], ignore_index=True) if len(others) else low
    return chosen.head(COMMENT_LIMIT), total


def _outcome_rows(outcomes: pd.DataFrame, names: dict) -> list[list[str]]:
    rows = [[t("report.col.group"), t("report.col.category"), t("report.col.clients"), t("report.col.share")]]
    hidden = outcomes[SUPPRESSED] if SUPPRESSED in outcomes.columns else pd.Series(False, index=outcomes.index)
    order = {c: i for i, c in enumerate(OUTCOME_CATEGORIES)}
    frame = outcomes.assign(_order=outcomes["category"].map(order), _hidden=hidden.fillna(False).astype(bool))
    for group, category, n, share, is_hidden in frame.sort_values(["group", "_order"])[
            ["group", "category", "n_clients", "pct_clients", "_hidden"]].itertuples(index=False, name=None):
        cells = [t("report.hidden"), t("report.hidden")] if is_hidden else [i18n.integer(n), i18n.percent(share, 1)]
        rows.append([names.get(group, str(group)), t(f"outcome.{category}"), *cells])
    return rows


# --------------------------------------------------------------------------- the clinic pack


def _clinic_pack(con, clinic, start, end, scope, settings, language) -> Pack:
    i18n.set_language(language)
    settings = {**DEFAULTS, **(settings or {})}
    check_period(start, end)
    options = queries.run(con, "filter_options", {}, scope, settings)
    if not (options["clinic"] == clinic).any():
        raise PackError(t("report.error.no_clinic", clinic=str(clinic)[:120]))
    ours = clinic_scope(scope, clinic)
    start, end = resolve_period(con, start, end, settings)
    period = {"start": start, "end": end}
    cutoff, below = settings["srs_cutoff"], int(settings["suppress_below"])

    def rows_of(name, **params):
        return export_rows(con, name, {**period, **params}, ours, settings)

    trend = rows_of("alliance_trend", group="site")
    development = rows_of("alliance_development", group="site")
    profiles = rows_of("profiles", level="site")
    outcomes = rows_of("outcome_summary", group="site")
    early = rows_of("early_alliance_outcome", group="clinic")
    hidden = sum(int(f[SUPPRESSED].fillna(False).sum()) for f in (trend, development, profiles, outcomes, early)
                 if SUPPRESSED in f.columns)
    colors = color_map(sorted({*trend["group"].astype(str), *profiles["group"].astype(str),
                               *early["group"].astype(str), *options["clinic"], *options["site"]}))
    site = t("chart.group.site")

    doc = _Document(t("report.clinic.header", clinic=clinic), start, end, _data_date(con, settings))
    doc.title(t("report.clinic.title"))
    doc.text(t("report.clinic.intro", clinic=clinic))
    doc.small(t("report.clinic.suppression", below=below, cells=i18n.count(hidden, "suppressed.cells")))
    doc.small(_made(settings))
    doc.charts_note()

    doc.heading(t("report.sites"))
    table = [[t("report.col.group"), t("report.col.clients"), t("report.col.sessions")]]
    profile_hidden = profiles[SUPPRESSED].fillna(False) if SUPPRESSED in profiles.columns else \
        pd.Series(False, index=profiles.index)
    for group, n, sessions, is_hidden in zip(profiles["group"], profiles["n_clients"], profiles["n_sessions"],
                                             profile_hidden):
        table.append([str(group), *([t("report.hidden")] * 2 if is_hidden else
                                    [i18n.integer(n), i18n.integer(sessions)])])
    doc.table(table, widths=(8, 4, 4), numeric=(1, 2))

    doc.heading(t("clinics.trend.title"))
    doc.chart(lambda: create_alliance_trend(trend, cutoff=cutoff, group_label=site, colors=colors))
    doc.small(t("clinics.trend.read"))
    doc.heading(t("clinics.dev.title"))
    doc.chart(lambda: create_alliance_development(development, cutoff=cutoff,
                                                  early_sessions=int(settings["early_sessions"]), group_label=site,
                                                  colors=colors))
    doc.small(t("clinics.dev.read", early=int(settings["early_sessions"])))
    doc.heading(t("clinics.profiles.title"))
    doc.chart(lambda: create_profiles(profiles, group_label=site, colors=colors))
    doc.small(t("clinics.profiles.read"))
    doc.heading(t("clinics.outcome.title"))
    doc.chart(lambda: create_outcome_categories(outcomes, group_label=site))
    doc.small(t("clinics.outcome.read", cutoff=setting_text(settings["ors_cutoff"]),
                rci=setting_text(settings["ors_rci"])))
    doc.table(_outcome_rows(outcomes, {}), widths=(5, 4, 3, 3), numeric=(2, 3))
    doc.heading(t("clinics.early.title"))
    doc.chart(lambda: create_early_alliance_outcome(early, group_label=t("chart.group.clinic"), colors=colors))
    doc.small(t("clinics.early.read", early=int(settings["early_sessions"])))
    early_rows = [[t("report.col.group"), t("report.col.clients"), t("report.col.r")]]
    early_hidden = early[SUPPRESSED].fillna(False) if SUPPRESSED in early.columns else \
        pd.Series(False, index=early.index)
    for group, n, r, low, high, is_hidden in zip(early["group"], early["n"], early["r"], early["ci_low"],
                                                 early["ci_high"], early_hidden):
        early_rows.append([str(group), *([t("report.hidden")] * 2 if is_hidden else [
            i18n.integer(n), f"{i18n.number(r, 2)} ({i18n.number(low, 2)} – {i18n.number(high, 2)})"])])
    doc.table(early_rows, widths=(8, 3, 5), numeric=(1,))
    return doc.build(len(table) + len(early_rows) + len(outcomes) - 2)


def export_rows(con, name: str, params: dict, scope: Scope, settings: dict) -> pd.DataFrame:
    """A named query's rows as they may leave the dashboard: every cell under `suppress_below` clients hidden."""
    return queries.run_for_export(con, name, params, scope, settings)


# --------------------------------------------------------------------------- shared pieces


def resolve_period(con, start, end, settings) -> tuple[dt.date, dt.date]:
    """Open ends become the data's first and last day, so the header always names a period."""
    if start is not None and end is not None:
        return start, end
    span = queries.run(con, "data_span", {}, EVERYTHING, settings)
    first = span["first_date"].iloc[0] if len(span) else None
    last = span["last_date"].iloc[0] if len(span) else None
    today = dt.date.today()
    start = start or (pd.Timestamp(first).date() if pd.notna(first) else today)
    end = end or (pd.Timestamp(last).date() if pd.notna(last) else today)
    return start, max(start, end)


def _data_date(con, settings) -> str:
    """The data's date: its last attended session, and when the store was built."""
    span = queries.run(con, "data_span", {}, EVERYTHING, settings)
    last = span["last_date"].iloc[0] if len(span) else None
    build = queries.build_file(con)
    built = dt.datetime.fromtimestamp(build.stat().st_mtime).date() if build and build.exists() else None
    return t("report.data_date", last=i18n.date(pd.Timestamp(last).date()) if pd.notna(last) else "–",
             built=i18n.date(built))


def _made(settings) -> str:
    return t("report.made", when=i18n.date(dt.date.today()), cutoff=setting_text(settings["srs_cutoff"]),
             below=int(settings["suppress_below"]))


def _render_png(fig) -> bytes:
    """The chart as PNG from the export core's warm renderer (alliance.export.render)."""
    from .export import render

    return render(fig, "png", width=CHART_WIDTH, height=CHART_HEIGHT, scale=CHART_SCALE)


# --------------------------------------------------------------------------- the PDF


_fonts_registered = False


def _register_fonts() -> None:
    """DejaVu Sans for æ, ø and å (reportlab's built-in fonts have no Unicode beyond Latin-1 metrics)."""
    global _fonts_registered
    if _fonts_registered:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        raise PackError(t("report.error.fonts"))
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    _fonts_registered = True


def plain(text) -> str:
    """Any text from the data as Paragraph text that reportlab shows literally (no markup, no entities)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return escape(str(text)).replace("\n", "<br/>")


class _Document:
    """A pack being written: flowables in order, then one PDF with the header on every page."""

    def __init__(self, header: str, start: dt.date, end: dt.date, data_date: str):
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        _register_fonts()
        self.header = header
        self.period = t("report.period", start=i18n.date(start), end=i18n.date(end))
        self.data_date = data_date
        self.story: list = []
        self.notes: list[str] = []
        self.charts_unavailable: str | None = None
        self._note_at: int | None = None
        base = dict(fontName=FONT, leading=13, fontSize=10)
        self.styles = {
            "title": ParagraphStyle("title", **{**base, "fontName": FONT_BOLD, "fontSize": 18, "leading": 22,
                                                "spaceAfter": 8}),
            "heading": ParagraphStyle("heading", **{**base, "fontName": FONT_BOLD, "fontSize": 13, "leading": 16,
                                                    "spaceBefore": 10, "spaceAfter": 4,
                                                    "keepWithNext": 1}),
            "text": ParagraphStyle("text", **{**base, "spaceAfter": 4}),
            "small": ParagraphStyle("small", **{**base, "fontSize": 8, "leading": 10, "spaceAfter": 4,
                                                "textColor": colors.HexColor("#444444")}),
            "cell": ParagraphStyle("cell", **{**base, "fontSize": 8, "leading": 10}),
            "cell_right": ParagraphStyle("cell_right", **{**base, "fontSize": 8, "leading": 10, "alignment": 2}),
            "cell_head": ParagraphStyle("cell_head", **{**base, "fontName": FONT_BOLD, "fontSize": 8,
                                                        "leading": 10}),
            "note": ParagraphStyle("note", **{**base, "textColor": colors.HexColor("#B00020"), "spaceAfter": 6}),
        }

    def _para(self, text: str, style: str):
        from reportlab.platypus import Paragraph

        return Paragraph(plain(text), self.styles[style])

    def title(self, text: str) -> None:
        self.story.append(self._para(text, "title"))

    def heading(self, text: str) -> None:
        self.story.append(self._para(text, "heading"))

    def text(self, text: str) -> None:
        self.story.append(self._para(text, "text"))

    def small(self, text: str) -> None:
        self.story.append(self._para(text, "small"))

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    def charts_note(self) -> None:
        """Where the first page says that charts were left out, if they are (filled in at build)."""
        self._note_at = len(self.story)

    def chart(self, make_figure) -> None:
        from reportlab.lib.units import cm
        from reportlab.platypus import Image

        from .export import ExportUnavailable

        if self.charts_unavailable is None:
            try:
                png = _render_png(make_figure())
            except ExportUnavailable as exc:
                self.charts_unavailable = str(exc)
            else:
                width = 17 * cm
                self.story.append(Image(io.BytesIO(png), width=width, height=width * CHART_HEIGHT / CHART_WIDTH))
                return
        self.story.append(self._para(t("report.chart_missing"), "small"))

    def table(self, rows: list[list], widths: tuple, header: bool = True, numeric: tuple = ()) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import cm
        from reportlab.platypus import Table, TableStyle

        scale = 17 * cm / sum(widths)
        cells = []
        for i, row in enumerate(rows):
            styles = ["cell_head" if header and i == 0 else ("cell_right" if j in numeric else "cell")
                      for j in range(len(row))]
            cells.append([self._para(value, style) for value, style in zip(row, styles)])
        table = Table(cells, colWidths=[w * scale for w in widths], repeatRows=1 if header else 0)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        if header:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                      ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.HexColor("#888888"))]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def build(self, rows: int) -> Pack:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import SimpleDocTemplate

        if self.charts_unavailable is not None:
            sentence = t("report.no_charts", reason=self.charts_unavailable)
            self.notes.append(sentence)
            self.story.insert(self._note_at or 0, self._para(sentence, "note"))
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2.2 * cm,
                                bottomMargin=2 * cm, title=self.header, author="Alliance Dashboard",
                                subject=self.period)
        header, period, data_date = self.header, self.period, self.data_date

        class Canvas(_NumberedCanvas):
            texts = (header, period, data_date)

        doc.build(self.story, canvasmaker=Canvas)
        pdf = out.getvalue()
        return Pack(pdf, page_count(pdf), rows, self.notes)


def _numbered_canvas_base():
    from reportlab.pdfgen.canvas import Canvas

    return Canvas


class _NumberedCanvas(_numbered_canvas_base()):
    """Draws the header (subject, period) and footer (data date, page n of m) once the page count is known."""

    texts: tuple[str, str, str] = ("", "", "")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm

        header, period, data_date = self.texts
        width, height = A4
        self.saveState()
        self.setFont(FONT_BOLD, 8)
        self.drawString(2 * cm, height - 1.3 * cm, header[:110])  # drawString: plain text, never markup
        self.setFont(FONT, 8)
        self.drawRightString(width - 2 * cm, height - 1.3 * cm, period)
        self.line(2 * cm, height - 1.45 * cm, width - 2 * cm, height - 1.45 * cm)
        self.drawString(2 * cm, 1.2 * cm, data_date)
        self.drawRightString(width - 2 * cm, 1.2 * cm, t("report.page", page=self._pageNumber, pages=total))
        self.restoreState()
