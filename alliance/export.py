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
import os
import shutil
import threading
from pathlib import Path

__all__ = ["ExportUnavailable", "render", "browser_path", "shutdown"]

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
            raise ExportUnavailable(INSTALL_SENTENCE) from error
        self._loop, self._thread, self._path = loop, thread, path

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


def shutdown() -> None:
    """Close the warm renderer (it starts again on the next image)."""
    _RENDERER.stop()
