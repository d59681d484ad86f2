"""Words, numbers and dates in the viewer's language: English or Norwegian bokmål.

No Streamlit here: chart functions and exports use it too. The language of the
current page run is a context variable that the UI sets at the start of each
run (each Streamlit session runs in its own thread, so sessions never share it).
Texts live in `alliance/locales/*.py`, one module per page or family, each a
dict `TEXT = {key: {"en": ..., "nb": ...}}`; keys are unique across modules.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import importlib
import math
import pkgutil
from functools import lru_cache

LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}
DEFAULT_LANGUAGE = "en"

_current = contextvars.ContextVar("alliance_language", default=DEFAULT_LANGUAGE)

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nb": ("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."),
}


class MissingText(KeyError):
    pass


def set_language(lang: str) -> str:
    """Set the language of this run; an unknown code falls back to English."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _current.set(lang)
    return lang


def language() -> str:
    return _current.get()


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    from . import locales

    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(locales.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{locales.__name__}.{info.name}")
        for key, texts in module.TEXT.items():
            if key in merged:
                raise ValueError(f"The text key '{key}' is defined twice (again in locales/{info.name}.py).")
            merged[key] = texts
    return merged


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for `key` in the language, with `{name}` filled from values."""
    texts = catalog().get(key)
    if texts is None:
        raise MissingText(key)
    text = texts.get(lang or language()) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def number(value, decimals: int = 1, lang: str | None = None) -> str:
    """1,234.5 in English; 1 234,5 in Norwegian (a non-breaking space between thousands). Empty for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if (lang or language()) == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def count(n: int, key: str, lang: str | None = None) -> str:
    """'1 file', '3 files' ('1 fil', '3 filer'): the text `key.one` or `key.other` with the number filled in."""
    return t(f"{key}.one" if n == 1 else f"{key}.other", lang, n=integer(n, lang))


def integer(value, lang: str | None = None) -> str:
    return number(value, 0, lang)


def percent(value, decimals: int = 0, lang: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sep = "\u00a0" if (lang or language()) == "nb" else ""
    return f"{number(value, decimals, lang)}{sep}%"


def date(value, lang: str | None = None) -> str:
    """26 Nov 2026 in English; 26.11.2026 in Norwegian."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = value.date()
    if (lang or language()) == "nb":
        return f"{value.day:02d}.{value.month:02d}.{value.year}"
    return f"{value.day} {MONTHS['en'][value.month - 1]} {value.year}"


def month(value, lang: str | None = None) -> str:
    """Nov 2026; nov. 2026."""
    if value is None:
        return "–"
    lang = lang or language()
    return f"{MONTHS[lang][value.month - 1]} {value.year}"


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's `layout.separators`: the decimal mark, then the thousands separator."""
    return ",\u00a0" if (lang or language()) == "nb" else ".,"


def date_format(lang: str | None = None) -> str:
    """The format Streamlit's date input shows."""
    return "DD.MM.YYYY" if (lang or language()) == "nb" else "YYYY-MM-DD"
