"""Exports: charts as PNG, SVG, PDF and HTML, their data as CSV and XLSX.

Static images are drawn server-side by kaleido driving the system Chromium.
One renderer is kept warm per process: a Chromium started on the first image
and kept open in a background thread with its own event loop, so every later
image takes a fraction of a second. Calls from many threads (Streamlit serves
each session from its own thread) are serialised by a lock.

No Streamlit here: the dashboard, the command line and the supervision pack
all call these functions.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import io
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

__all__ = ["ExportUnavailable", "ExportMeta", "render", "browser_path", "shutdown", "for_export", "chart_bytes",
           "data_bytes", "file_name", "export_bytes", "period_text", "filters_text", "FORMATS", "MIME"]

IMAGE_FORMATS = ("png", "svg", "pdf")

# Where the browser is looked for: ALLIANCE_BROWSER, then BROWSER_PATH (the
# variable choreographer itself reads), then Debian's chromium. A browser is
# never downloaded.
_DEFAULT_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

INSTALL_SENTENCE = (
    "Image and PDF export need the Chromium browser on the server, which was not "
    "found or did not start; install it (on Debian or Ubuntu: apt-get install chromium) "
    "or set ALLIANCE_BROWSER to its path; HTML, CSV and XLSX export work without it."
)


class ExportUnavailable(RuntimeError):
    """Image/PDF export cannot run here; the message is one sentence saying what to install."""


def browser_path() -> str | None:
    """The Chromium to drive, or None when there is none."""
    for var in ("ALLIANCE_BROWSER", "BROWSER_PATH"):
        value = os.environ.get(var)
        if value:
            return value if Path(value).is_file() and os.access(value, os.X_OK) else None
    for candidate in _DEFAULT_BROWSERS:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


class _Renderer:
    """One Chromium kept open in a background thread with its own event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._path: str | None = None
        self.failed_path: str | None = None  # the browser that last failed to start (buttons say so)

    def _start(self) -> None:
        path = browser_path()
        if path is None:
            raise ExportUnavailable(INSTALL_SENTENCE)
        try:
            import kaleido
        except ImportError as error:  # pragma: no cover - pinned in requirements.txt
            raise ExportUnavailable(
                "Image and PDF export need the kaleido package; install the pinned "
                "requirements (make run does) and start again."
            ) from error
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="alliance-export-renderer", daemon=True)
        thread.start()

        async def open_browser():
            # mathjax=False: the clinic network has no internet (MathJax would come
            # from a CDN); plotly.js comes from the installed plotly package.
            k = kaleido.Kaleido(n=1, timeout=60, mathjax=False, path=path)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(timeout=60)
        except Exception as error:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
            self.failed_path = path
            raise ExportUnavailable(INSTALL_SENTENCE) from error
        self._loop, self._thread, self._path, self.failed_path = loop, thread, path, None

    def render(self, fig, fmt: str, width: int, height: int, scale: float) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
            opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
            spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(spec, opts=opts), self._loop)
            try:
                return future.result(timeout=90)
            except Exception as error:
                # A browser that died is started again on the next image.
                alive = self._thread is not None and self._thread.is_alive()
                self._stop_locked()
                if not alive or browser_path() is None:
                    raise ExportUnavailable(INSTALL_SENTENCE) from error
                raise ExportUnavailable(
                    "The image could not be drawn (the browser that draws it failed); "
                    "try again, and if it keeps failing, reinstall chromium (apt-get install chromium)."
                ) from error

    def _stop_locked(self) -> None:
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if loop is None:
            return
        if k is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=10)
            except Exception:  # noqa: BLE001 - closing a broken browser; nothing left to do
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        loop.close()

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    @property
    def warm(self) -> bool:
        return self._kaleido is not None


_RENDERER = _Renderer()
atexit.register(_RENDERER.stop)


def render(fig, fmt: str, width: int = 1000, height: int = 560, scale: float = 1.0) -> bytes:
    """The figure drawn as png, svg or pdf; raises ExportUnavailable without Chromium."""
    fmt = str(fmt).lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"Images are drawn as {', '.join(IMAGE_FORMATS)}, not {fmt!r}.")
    return _RENDERER.render(fig, fmt, width, height, scale)


def images_available() -> bool:
    """Whether PNG, SVG and PDF can be offered: a browser is there and did not fail to start (cheap: no start)."""
    path = browser_path()
    return path is not None and path != _RENDERER.failed_path


def shutdown() -> None:
    """Close the warm renderer (it starts again on the next image)."""
    _RENDERER.stop()


# --------------------------------------------------------------------------- what an exported file says about itself

CHART_FORMATS = ("png", "svg", "pdf", "html")
DATA_FORMATS = ("csv", "xlsx")
FORMATS = CHART_FORMATS + DATA_FORMATS
MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
    "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The size of an exported image: a 16:9 slide's proportions; PNG at twice the pixels for sharp slides.
WIDTH, HEIGHT = 1100, 620
SCALE = {"png": 2.0, "svg": 1.0, "pdf": 1.0}


@dataclass(frozen=True)
class ExportMeta:
    """What every exported file carries so that it cannot be misread on its own (plain values only)."""

    title: str
    period: str  # e.g. "Period: 1 Jan 2025 – 30 Jun 2025" (period_text)
    filters: str  # e.g. "Filters: Clinic: Oslo" (filters_text)
    data_date: dt.date | None  # the store's newest session date
    language: str = "en"
    today: dt.date | None = None  # the export's date (today when None)

    def exported(self) -> dt.date:
        return self.today or dt.date.today()


def _t(key: str, lang: str, **values) -> str:
    from .i18n import t

    return t(key, lang, **values)


def period_text(start: dt.date | None, end: dt.date | None, lang: str = "en") -> str:
    from . import i18n

    if start and end:
        return _t("export.period", lang, start=i18n.date(start, lang), end=i18n.date(end, lang))
    if start:
        return _t("export.period_from", lang, start=i18n.date(start, lang))
    if end:
        return _t("export.period_to", lang, end=i18n.date(end, lang))
    return _t("export.period_all", lang)


def filters_text(filters: Any, lang: str = "en") -> str:
    """The sector, clinic, site and therapist filters (an alliance.ui.filters.ViewFilters or alike) in words."""
    parts = []
    for attr, key in (("sectors", "filters.sector"), ("clinics", "filters.clinic"), ("sites", "filters.site"),
                      ("therapists", "filters.therapist")):
        values = getattr(filters, attr, ()) or ()
        if values:
            shown = ["/".join(map(str, v)) if isinstance(v, (tuple, list)) else str(v) for v in values]
            parts.append(f"{_t(key, lang)}: {', '.join(shown)}")
    return _t("export.filters", lang, filters="; ".join(parts)) if parts else _t("export.no_filters", lang)


def footer_text(meta: ExportMeta) -> str:
    from . import i18n

    return _t("export.footer", meta.language, data_date=i18n.date(meta.data_date, meta.language),
              today=i18n.date(meta.exported(), meta.language))


def _plain(text: str) -> str:
    """Text for a plotly title or annotation: plotly reads a few HTML tags there, so < and > are escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def for_export(fig, meta: ExportMeta):
    """A copy of the figure with the title, a subtitle (period, filters) and a footer (data date, export date)."""
    import plotly.graph_objects as go

    out = go.Figure(fig)  # a deep copy: the page's figure is left as it was
    top = out.layout.margin.t
    bottom = out.layout.margin.b
    out.update_layout(
        title=dict(text=_plain(meta.title), x=0.01, xanchor="left", y=0.98, yanchor="top", yref="container",
                   font=dict(size=18),
                   subtitle=dict(text=_plain(f"{meta.period} · {meta.filters}"), font=dict(size=12))),
        margin=dict(t=max(top or 0, 95), b=max(bottom or 0, 60) + 30),
    )
    out.add_annotation(text=_plain(footer_text(meta)), xref="paper", yref="paper", x=0, y=0, xanchor="left",
                       yanchor="top", yshift=-(max(bottom or 0, 60) + 8), showarrow=False,
                       font=dict(size=10, color="#555555"), align="left")
    return out


def chart_bytes(fig, meta: ExportMeta, fmt: str, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """The figure, labelled (for_export), as png, svg, pdf or a self-contained HTML file."""
    fmt = str(fmt).lower()
    labelled = for_export(fig, meta)
    if fmt == "html":
        # plotly.js inside the file: the clinic network has no internet, so no CDN. Only the figure.
        html = labelled.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False},
                                default_width=f"{width}px", default_height=f"{height}px")
        return html.encode("utf-8")
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"A chart is exported as {', '.join(CHART_FORMATS)}, not {fmt!r}.")
    return render(labelled, fmt, width=width, height=height, scale=SCALE[fmt])


def about_rows(meta: ExportMeta, rows: int, below: int | None = None) -> list[tuple[str, str]]:
    from . import i18n

    lang = meta.language
    about = [
        (_t("export.about.title", lang), meta.title),
        (_t("export.about.period", lang), meta.period),
        (_t("export.about.filters", lang), meta.filters),
        (_t("export.about.data_date", lang), i18n.date(meta.data_date, lang)),
        (_t("export.about.exported", lang), i18n.date(meta.exported(), lang)),
        (_t("export.about.rows", lang), str(rows)),
    ]
    if below:
        about.append(("suppressed", _t("export.about.suppressed", lang, below=int(below))))
    return about


def data_bytes(frame, meta: ExportMeta, fmt: str, below: int | None = None) -> bytes:
    """The table as CSV (UTF-8 with BOM) or XLSX (sheet Data, then sheet About), no cell a spreadsheet would run."""
    import pandas as pd

    from .safe_export import neutralise_formulas, neutralise_text, to_csv_bytes

    fmt = str(fmt).lower()
    if fmt == "csv":
        return to_csv_bytes(frame)
    if fmt != "xlsx":
        raise ValueError(f"Data is exported as {', '.join(DATA_FORMATS)}, not {fmt!r}.")
    from openpyxl import Workbook

    table = neutralise_formulas(frame)
    # Excel has no time zones and no pandas missing values: plain Python values, missing as empty.
    for column in table.columns:
        if isinstance(table[column].dtype, pd.DatetimeTZDtype):
            table[column] = table[column].dt.tz_localize(None)
    book = Workbook(write_only=True)
    data = book.create_sheet(_t("export.data", meta.language))
    data.append([str(c) for c in table.columns])
    values = table.astype(object).where(table.notna(), None)
    for row in values.itertuples(index=False, name=None):
        data.append([_cell(v) for v in row])
    about = book.create_sheet(_t("export.about", meta.language))
    for label, value in about_rows(meta, len(frame), below):
        about.append([neutralise_text(label), neutralise_text(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, str) and value.startswith("="):  # never reached after neutralising; kept as a guard
        return "'" + value
    return value


_TRANSLITERATE = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"})


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def file_name(words, start: dt.date | None = None, end: dt.date | None = None, ext: str = "png") -> str:
    """`alliance-trend_clinics_2024-01-01_2024-06-30.png`: plain ASCII words and ISO dates, nothing else."""
    if isinstance(words, str):
        words = [words]
    parts = [s for s in (_slug(w) for w in words) if s] or ["alliance"]
    parts = [p[:40].strip("-") for p in parts]
    for day in (start, end):
        if isinstance(day, dt.datetime):
            day = day.date()
        if isinstance(day, dt.date):
            parts.append(day.isoformat())
    extension = _slug(ext).replace("-", "") or "bin"
    return "_".join(parts)[:150] + "." + extension


# --------------------------------------------------------------------------- one export, start to end


def produce(fmt: str, *, con, query: str, params: dict | None, scope, settings: dict | None,
            meta: ExportMeta, make_figure: Callable | None = None,
            transform: Callable | None = None) -> tuple[bytes, int]:
    """One file's bytes and its number of rows: the query's rows for export (suppressed), then the chart or table.

    `make_figure(frame) -> Figure` draws the chart from the exported rows, so the image shows
    exactly what the CSV holds. `transform(frame) -> frame` shapes a table for a data export
    (the Feedback page's columns). Raises ExportUnavailable when an image cannot be drawn.
    """
    from . import i18n, queries
    from .settings import DEFAULTS

    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ValueError(f"Exports are {', '.join(FORMATS)}, not {fmt!r}.")
    i18n.set_language(meta.language)  # the chart functions' words (this may run on a worker thread)
    frame = queries.run_for_export(con, query, params or {}, scope, settings)
    if transform is not None:
        frame = transform(frame)
    if fmt in DATA_FORMATS:
        below = int({**DEFAULTS, **(settings or {})}["suppress_below"]) if "suppressed" in frame.columns else None
        return data_bytes(frame, meta, fmt, below), len(frame)
    if make_figure is None:
        raise ValueError(f"{query} has no chart to export; choose CSV or XLSX.")
    return chart_bytes(make_figure(frame), meta, fmt), len(frame)


def record_export(viewer, *, what: str, page: str, fmt: str, filters: Any, scope, rows: int, home=None) -> bool:
    """The audit line of one download (alliance.audit's `export` event: identifiers, codes, dates and counts only)."""
    from . import audit

    return audit.record("export", viewer if viewer is not None else audit.SYSTEM,
                        {"what": what, "page": page or None, "format": str(fmt).lower(), "filters": filters,
                         "scope": scope, "rows": rows}, home=home)


def export_bytes(fmt: str, *, con, query: str, params: dict | None, scope, settings: dict | None,
                 meta: ExportMeta, make_figure: Callable | None = None, viewer=None, what: str = "",
                 page: str = "", filters: Any = None, home=None, transform: Callable | None = None) -> bytes:
    """One download start to end (produce, then record_export): for the command line and the tests."""
    data, rows = produce(fmt, con=con, query=query, params=params, scope=scope, settings=settings, meta=meta,
                         make_figure=make_figure, transform=transform)
    record_export(viewer, what=what or query, page=page, fmt=fmt, filters=filters, scope=scope, rows=rows,
                  home=home)
    return data
