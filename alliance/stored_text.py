"""The store's English sentences (file messages, reject reasons) in the viewer's language.

Ingest writes each message once, in English, as the contract's `files.message` and
`rejects.reason`; the command line prints them as they are. The pages translate on
the way out: each stored sentence is read back with its English template from
alliance/locales/stored.py and the same values are put into the template of the
viewer's language. Numbers take the language's decimal mark, dates its form, and a
list's last "and" its word; file and column names are kept as they are. A sentence no
template reads stays in English (tests/test_stored_text.py keeps that from happening
for every message the bad-input corpus produces).

Work is per distinct text (`translate_column`), never per row.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd

from . import i18n

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
_SHAPES = {"n": r"\d[\d,]*", "value": _NUMBER, "date": r"\d{4}-\d{2}-\d{2}"}
_AND = {"en": " and ", "nb": " og "}


def _shape(name: str) -> str:
    kind = name.rstrip("0123456789")
    return _SHAPES.get(kind, r".+?")


def _regex(template: str) -> re.Pattern:
    parts, last = [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last:m.start()]))
        parts.append(f"(?P<{m.group(1)}>{_shape(m.group(1))})")
        last = m.end()
    parts.append(re.escape(template[last:]))
    if not template.endswith("."):
        parts.append(r"\Z")  # a reject reason is one whole text, not a run of sentences
    return re.compile("".join(parts))


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[str, re.Pattern], ...]:
    """Every stored-text key with its English pattern, longest template first (the most specific)."""
    keys = [k for k in i18n.catalog() if k.startswith("stored.")]
    keys.sort(key=lambda k: -len(i18n.t(k, "en")))
    return tuple((k, _regex(i18n.t(k, "en"))) for k in keys)


def _value(name: str, text: str, lang: str) -> str:
    kind = name.rstrip("0123456789")
    if lang == "en":
        return text
    if kind in ("n", "value") and lang == "nb":
        return text.replace(",", "\u00a0").replace(".", ",")
    if kind == "date":
        try:
            return i18n.date(dt.date.fromisoformat(text), lang)
        except ValueError:
            return text
    if kind == "list" and _AND["en"] in text:
        head, _, tail = text.rpartition(_AND["en"])
        return head + _AND[lang] + tail
    return text


def _render(key: str, match: re.Match, lang: str) -> str:
    values = {name: _value(name, text, lang) for name, text in match.groupdict().items()}
    return i18n.t(key, lang, **values)


def _sentences(text: str, pos: int, lang: str) -> str | None:
    """The text from pos as a run of known sentences in the language, or None if some part is unknown."""
    if pos >= len(text):
        return ""
    for key, pattern in _templates():
        match = pattern.match(text, pos)
        if not match or (match.end() < len(text) and text[match.end()] != " "):
            continue
        rest = _sentences(text, match.end() + 1, lang) if match.end() < len(text) else ""
        if rest is not None:
            return _render(key, match, lang) + (" " + rest if rest else "")
    return None


def translate(text: str, lang: str | None = None) -> str:
    """A stored message or reason in the language (the current one by default); unknown text unchanged."""
    lang = lang or i18n.language()
    if lang == "en" or not text:
        return text
    return _translate(text, lang)


@lru_cache(maxsize=4096)
def _translate(text: str, lang: str) -> str:
    return _sentences(text, 0, lang) or text


def translate_column(values: pd.Series, lang: str | None = None) -> pd.Series:
    """A column of stored texts in the language: each distinct text translated once."""
    lang = lang or i18n.language()
    if lang == "en" or values.empty:
        return values
    distinct = values.dropna().unique()
    return values.map({v: translate(v, lang) for v in distinct})


def read_back(text: str) -> str | None:
    """The text rebuilt from its English templates: equal to it when every sentence is known, else None."""
    return _sentences(text, 0, "en") if text else text
