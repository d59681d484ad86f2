"""The store's English sentences read back by their templates and shown in Norwegian.

Every message and reason the bad-input corpus produces (tests/bad_inputs/, ingested
for real) must be read back exactly by the English templates of
alliance/locales/stored.py; otherwise a Norwegian screen would show it in English.
Whole-file messages the corpus does not reach are produced here by the reader itself.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from alliance import i18n, store, stored_text
from alliance.ingest import FileRejected, MappingError, read_export

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
SESSION_HEADER = ("clinic,sector,site,session_id,client_id,therapist_id,session_date,session_number,status,"
                  "ors_1,ors_2,ors_3,ors_4,ors_total")


def _stored_texts(tmp_path_factory) -> set[str]:
    texts: set[str] = set()
    folders = [CORPUS / "single", *sorted(p for p in (CORPUS / "folders").iterdir() if p.is_dir())]
    for number, folder in enumerate(folders):
        home = tmp_path_factory.mktemp(f"stored_{number}")
        try:
            store.ingest(folder, home)
        except MappingError:
            continue  # a bad columns.toml stops the ingest with its own sentence; nothing is stored
        con = store.open_reader(home)
        if con is None:
            continue
        texts |= {r[0] for r in con.execute("SELECT message FROM files UNION SELECT reason FROM rejects").fetchall()}
        con.close()
    return {t for t in texts if t}


def _rejection(data: bytes, name: str, kind: str = "sessions") -> str:
    with pytest.raises(FileRejected) as caught:
        read_export(data, name, kind)
    return str(caught.value)


@pytest.fixture(scope="module")
def corpus_texts(tmp_path_factory) -> set[str]:
    texts = _stored_texts(tmp_path_factory)
    assert len(texts) > 40, "the corpus gave too few messages to be the real corpus"
    return texts


@pytest.fixture(scope="module")
def reader_texts() -> set[str]:
    """Whole-file rejections the corpus does not reach, made by the reader itself."""
    header = SESSION_HEADER.encode()
    texts = {
        _rejection(b"a,b\n1,2\n", "sessions_x.json"),
        _rejection(b"\xef\xbb\xbf" + header + b"\n\xff\xfe\n", "sessions_bad_mark.csv"),
        _rejection(b"\xff\xfe" + b"\x00\xd8", "sessions_bad_utf16.csv"),
        _rejection(header + b",clinic\n", "sessions_two.csv"),
        _rejection(header + b"\n" + b"a,\"b\"c,d\n", "sessions_quote.csv"),
        _rejection(b"PK\x03\x04not a zip", "sessions_fake.xlsx"),
    }
    return texts


def test_every_stored_message_has_an_english_template(corpus_texts, reader_texts):
    unknown = sorted(t for t in corpus_texts | reader_texts if stored_text.read_back(t) != t)
    assert not unknown, f"no template in alliance/locales/stored.py reads: {unknown[:5]}"


def test_every_stored_message_reads_in_norwegian(corpus_texts, reader_texts):
    english = {i18n.t(k, "en") for k in i18n.catalog() if k.startswith("stored.")}
    fixed_words = re.compile(r"\b(is|are|the|of|with|row|rows|missing|number|file|and|but)\b")
    for text in sorted(corpus_texts | reader_texts):
        norwegian = stored_text.translate(text, "nb")
        assert norwegian != text, text
        assert norwegian not in english
        # What is left in English can only come from names (files, columns) and the contract's own words.
        leftover = fixed_words.sub("", re.sub(r"\S+\.(csv|xlsx|parquet|txt|json)\b|\b[a-z]+_\w+\b", "", norwegian))
        assert not re.search(r"\b(is|are|the|with|but)\b", leftover), (text, norwegian)


def test_numbers_dates_and_lists_take_the_language_form():
    assert stored_text.translate("srs_total is 32.06, which differs from the sum of the items, 32", "nb") == \
        "srs_total er 32,06, som avviker fra summen av leddene, 32"
    assert stored_text.translate("comment is longer than 10,000 characters", "nb") == "comment er lengre enn 10\u00a0000 tegn"
    assert stored_text.translate("session_date 2099-01-01 is after 2026-11-27", "nb") == \
        "session_date 01.01.2099 er etter 27.11.2026"
    assert stored_text.translate("a.csv is missing the required columns client_id, therapist_id and status.", "nb") \
        == "a.csv mangler de påkrevde kolonnene client_id, therapist_id og status."


def test_a_run_of_sentences_is_translated_sentence_by_sentence():
    text = ("Unmapped columns, ignored: Notat. 1,204 rows quarantined; see the rejects. "
            "1 row replaced by a later file. 3 feedback rows with no loaded session yet (orphans).")
    assert stored_text.read_back(text) == text
    assert stored_text.translate(text, "nb") == (
        "Kolonner uten kobling, ikke brukt: Notat. 1\u00a0204 rader satt i karantene; se de avviste radene. "
        "1 rad erstattet av en senere fil. 3 tilbakemeldingsrader uten innlastet time ennå (foreldreløse).")


def test_file_names_with_dots_and_spaces_are_kept_as_they_are():
    name = "sessions 1. kvartal; ny.csv"
    assert stored_text.translate(f"{name} is empty.", "nb") == f"{name} er tom."
    assert stored_text.translate(f"Same content as {name}; nothing loaded from this copy.", "nb") == \
        f"Samme innhold som {name}; ingenting er lastet inn fra denne kopien."


def test_unknown_text_is_left_unchanged_and_english_is_untouched():
    assert stored_text.translate("Something the store never wrote.", "nb") == "Something the store never wrote."
    assert stored_text.translate("client_id is missing", "en") == "client_id is missing"
    assert stored_text.read_back("client_id is missing, and more") is None


def test_a_column_is_translated_per_distinct_text():
    column = pd.Series(["client_id is missing"] * 3 + [None, "clinic is missing"])
    out = stored_text.translate_column(column, "nb")
    assert out.tolist()[:3] == ["client_id mangler"] * 3
    assert pd.isna(out.iloc[3])
    assert out.iloc[4] == "clinic mangler"


def test_every_template_has_both_languages_with_the_same_placeholders():
    placeholder = re.compile(r"\{(\w+)\}")
    for key, texts in i18n.catalog().items():
        if key.startswith("stored."):
            assert set(texts) == {"en", "nb"}, key
            assert sorted(placeholder.findall(texts["en"])) == sorted(placeholder.findall(texts["nb"])), key
