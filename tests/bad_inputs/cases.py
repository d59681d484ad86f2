"""Manifest of the bad-input corpus: what DATA_CONTRACT.md promises for each file.

The bytes are written by tests/make_bad_inputs.py; tests/test_bad_inputs.py
checks every case here through `python -m alliance check` and `ingest`.

SINGLE_CASES: one file each in single/, all checked and ingested together.
  status    loaded | rejected | ignored | duplicate (the `files` report)
  rows_*    expected counts (rows_read None: not asserted, but the accounting is)
  rejects   the exact multiset of (row, column) reject entries for the file, each
            with a lower-case phrase its reason must contain ("a|b": either)
  message   lower-case phrases the file's message must contain
  stored    values the loaded row must have in the store (table, key, column, value)
  basis     where the expectation comes from; "assumption: ..." where the
            contract is silent and we chose what a data manager would expect
FOLDER_CASES: cases in folders/<name>/ that need their own folder; their
  expectations are written out in the tests named after them.
"""
from __future__ import annotations

from dataclasses import dataclass

SECRET = "HEMMELIG-KOMMENTAR"  # in every comment of the corpus; must never reach a message


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    reason: str  # lower-case phrase; alternatives separated by "|"


@dataclass(frozen=True)
class Stored:
    table: str  # sessions | feedback
    key: tuple[str, ...]  # (session_id,) for sessions, (session_id, rater) for feedback
    column: str
    value: object


@dataclass(frozen=True)
class Case:
    file: str
    about: str
    status: str
    kind: str | None
    rows_read: int | None = 0
    rows_loaded: int | None = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_orphan: int = 0
    rejects: tuple[Reject, ...] = ()
    message: tuple[str, ...] = ()
    stored: tuple[Stored, ...] = ()
    basis: str = "contract"


def _kind(file: str) -> str | None:
    low = file.lower()
    return "sessions" if low.startswith("sessions") else "feedback" if low.startswith("feedback") else None


def loaded(file, about, read, *, quarantined=0, duplicate=0, rejects=(), stored=(), message=(), basis="contract"):
    return Case(file, about, "loaded", _kind(file), rows_read=read,
                rows_loaded=None if read is None else read - quarantined - duplicate,
                rows_quarantined=quarantined, rows_duplicate=duplicate,
                rejects=tuple(Reject(*r) for r in rejects),
                stored=tuple(Stored(*s) for s in stored), message=tuple(message), basis=basis)


def rejected(file, about, *phrases, basis="contract"):
    return Case(file, about, "rejected", _kind(file), message=tuple(phrases), basis=basis)


def ignored(file, about):
    return Case(file, about, "ignored", None, basis="contract section 1: anything else is ignored, never an error")


def ses(sid, column, value):
    return ("sessions", (sid,), column, value)


def fbk(sid, rater, column, value):
    return ("feedback", (sid, rater), column, value)


EXACT_10000 = f"{SECRET} " + ("blåbær-og-æøå-" * 800)[: 10_000 - len(SECRET) - 1]

SINGLE_CASES: tuple[Case, ...] = (
    # --- encodings, delimiters, quoting, line endings --------------------------------
    loaded("sessions_utf8_bom.csv", "UTF-8 with BOM; æøå and emoji survive", 2,
           stored=[ses("BOM-1", "site", "Tromsø"), ses("BOM-2", "site", "Ålesund 😀"),
                   ses("BOM-1", "clinic", "Klinikk Nord")]),
    loaded("sessions_utf8_bom_semicolon.csv", "UTF-8 BOM, ';', CRLF and decimal comma (Excel 'CSV UTF-8')", 1,
           stored=[ses("BOMSC-1", "ors_1", "7.5"), ses("BOMSC-1", "ors_total", "28.5"), ses("BOMSC-1", "site", "Bærum")]),
    loaded("sessions_cp1252.csv", "Windows-1252 with æøå and an en dash (0x96), ';', Norwegian words", 2,
           stored=[ses("CP-1", "site", "Bodø – Ærøy"), ses("CP-1", "client_id", "Kåre-Ø"),
                   ses("CP-1", "status", "attended"), ses("CP-1", "ors_2", "6.5"),
                   ses("CP-2", "status", "no_show"), ses("CP-2", "sector", "public"), ses("CP-2", "site", "Å")]),
    loaded("sessions_utf16.txt", "UTF-16 LE with BOM, tab, CRLF, decimal comma (Excel 'Unicode text')", 2,
           stored=[ses("U16-1", "site", "Tønsberg"), ses("U16-1", "ors_1", "7.5"), ses("U16-2", "client_id", "Øystein")],
           basis="assumption (brief): UTF-16 with BOM is accepted, though section 1 names only UTF-8 and Windows-1252"),
    loaded("sessions_semicolon_decimal_comma.csv", "';' with decimal comma", 2,
           stored=[ses("SC-1", "ors_1", "7.5"), ses("SC-1", "ors_2", "6.25"), ses("SC-1", "ors_total", "26.75"),
                   ses("SC-2", "ors_1", "0.5")]),
    loaded("sessions_tab_decimal_comma.txt", "tab-delimited with decimal comma", 2,
           stored=[ses("TAB-1", "ors_1", "4.5"), ses("TAB-2", "ors_1", "9.75"), ses("TAB-2", "ors_total", "30.75")]),
    loaded("sessions_comma_quoted_decimal_comma.csv", 'comma file with "7,5" in quotes: not a number', 2,
           quarantined=1, rejects=[(2, f"ors_{i}", "not a number") for i in range(1, 5)],
           basis="contract section 1: decimal comma only in files delimited by ';' or tab"),
    loaded("feedback_quoted_fields.csv", "quoted delimiters, doubled quotes, newlines; later rows count records", 3,
           quarantined=1, rejects=[(3, "srs_1", "above the maximum")],
           stored=[fbk("QF-1", "client", "comment", f'{SECRET}-QF1: hun sa "bra", takk;\nny linje, med komma\n\tog tab'),
                   fbk("QF-3", "client", "comment", f'{SECRET}-QF3 "sitat" , komma')]),
    loaded("sessions_quoted_fields.csv", "quoted site names with comma, quotes, newlines; row 5 is the 4th record", 4,
           quarantined=1, rejects=[(5, "session_number", "below the minimum")],
           stored=[ses("QS-1", "site", "Oslo, Majorstuen"), ses("QS-2", "site", 'Sentrum "Nord"'),
                   ses("QS-3", "site", "Linje 1\nLinje 2\nLinje 3")]),
    loaded("sessions_crlf.csv", "CRLF line endings, a word column last", 2,
           stored=[ses("CRLF-1", "status", "attended"), ses("CRLF-2", "status", "cancelled"),
                   ses("CRLF-1", "ors_total", "26")]),
    loaded("sessions_no_final_newline.csv", "last record without a line ending", 2,
           stored=[ses("NFN-2", "session_number", 2)]),
    loaded("feedback_semicolon_commas_in_text.csv", "';' file whose unquoted comments hold commas", 3,
           stored=[fbk("SCT-1", "client", "srs_1", "8.5"), fbk("SCT-1", "client", "comment", f"{SECRET}-SCT1, bra, takk"),
                   fbk("SCT-3", "client", "wai_mean", "3.5"), fbk("SCT-3", "client", "srs_total", "33.5")]),
    loaded("SESSIONS_UPPER.CSV", "file name and extension in upper case", 1,
           stored=[ses("UP-1", "source_file", "SESSIONS_UPPER.CSV")]),
    loaded("feedback_emoji_comment.csv", "UTF-8 comment with emoji and æøå survives", 1,
           stored=[fbk("EMO-1", "client", "comment", f"{SECRET}-EMO1 Takk for timen 🙏😀 blåbærsyltetøy ÆØÅ")]),

    # --- unreadable files --------------------------------------------------------------
    rejected("sessions_empty.csv", "0-byte file", "empty"),
    loaded("sessions_header_only.csv", "header and no rows: loaded with 0 rows", 0),
    rejected("feedback_truncated.csv", "file ends inside a quoted field", "truncated", "row 3",
             basis="contract section 8: errors name the row where there is one"),
    rejected("sessions_too_few_fields.csv", "a record with too few fields", "fields", "row 3",
             basis="contract section 8: errors name the row where there is one"),
    rejected("feedback_too_many_fields.csv", "an unquoted comma in a comment: too many fields", "fields", "row 3",
             basis="contract section 8: errors name the row where there is one"),
    rejected("sessions_binary.csv", "binary bytes (NUL) named .csv", "not a text file"),
    rejected("sessions_not_workbook.xlsx", "CSV text named .xlsx", "not an excel workbook"),
    rejected("feedback_zip_not_workbook.xlsx", "a zip that is not a workbook, named .xlsx", "not an excel workbook"),
    rejected("sessions_not_parquet.parquet", "CSV text named .parquet", "parquet"),

    # --- native formats ---------------------------------------------------------------
    loaded("sessions_native_dates.xlsx", "real workbook: date cell, date-time cell, DD.MM.YYYY text cell", 3,
           stored=[ses("XD-1", "session_date", "2024-03-05"), ses("XD-1", "ors_3", "7.5"),
                   ses("XD-2", "session_date", "2024-03-12"), ses("XD-2", "site", "Tromsø"),
                   ses("XD-3", "session_date", "2024-03-19")]),
    loaded("sessions_two_sheets.xlsx", "workbook with a second sheet of junk: first sheet only", 1,
           stored=[ses("X2S-1", "session_date", "2024-04-02")]),
    loaded("feedback_header_only.xlsx", "workbook with a header row only", 0),
    loaded("sessions_native_dates.parquet", "Parquet with a date32 column, nulls for site and status", 2,
           stored=[ses("PQD-1", "session_date", "2024-03-05"), ses("PQD-2", "session_date", "2024-03-12"),
                   ses("PQD-2", "site", "Klinikk Nord"), ses("PQD-2", "status", "attended"),
                   ses("PQD-2", "sector", "private")]),
    loaded("sessions_native_timestamp.parquet", "Parquet with a timestamp column: date part used", 2,
           stored=[ses("PQT-1", "session_date", "2024-03-05"), ses("PQT-2", "session_date", "2024-03-12")]),

    # --- columns ------------------------------------------------------------------------
    rejected("sessions_missing_column.csv", "no client_id column", "missing the required column", "client_id"),
    rejected("sessions_missing_two_columns.csv", "no therapist_id and no session_date column",
             "missing the required column", "therapist_id", "session_date",
             basis="assumption: with two columns missing the message names both"),
    rejected("feedback_missing_column.csv", "no rater column", "missing the required column", "rater"),
    loaded("sessions_odd_header_case.csv", "headers in odd case with surrounding spaces (one quoted)", 2,
           stored=[ses("ODD-1", "therapist_id", "T07"), ses("ODD-2", "session_number", 2)]),
    loaded("sessions_unmapped_column.csv", "extra columns Notat and Romnummer: ignored, listed as unmapped", 1,
           message=("notat", "romnummer"),
           basis="assumption: 'listed as unmapped in the ingest report' means the file's message names them"),

    # --- row rules: missing required values ----------------------------------------------
    loaded("sessions_missing_values.csv", "each required sessions value missing once; one blank-only id", 9,
           quarantined=8, rejects=[
               (2, "clinic", "is missing"), (3, "sector", "is missing"), (4, "therapist_id", "is missing"),
               (5, "client_id", "is missing"), (6, "session_id", "is missing"), (7, "session_date", "is missing"),
               (8, "session_number", "is missing"), (9, "therapist_id", "is missing")],
           basis="contract; row 9 (therapist_id of spaces only) assumes values are trimmed before the non-empty rule"),
    loaded("feedback_missing_values.csv", "clinic, session_id, rater missing in feedback", 4,
           quarantined=3, rejects=[(2, "clinic", "is missing"), (3, "session_id", "is missing"),
                                   (4, "rater", "is missing")]),

    # --- row rules: types and words ------------------------------------------------------
    loaded("sessions_bad_number.csv", "unreadable numbers", 4, quarantined=3, rejects=[
        (2, "ors_total", "not a number"), (3, "session_number", "not a number|not a whole number"),
        (4, "ors_total", "not a number")]),
    loaded("sessions_bad_date.csv", "unreadable dates: 31.02, month 13, 29.02 of 2023, words, 05/03/2024", 6,
           quarantined=5, rejects=[(r, "session_date", "not a date") for r in range(2, 7)],
           stored=[ses("BD-6", "session_date", "2024-02-29")],
           basis="contract section 1 lists the date forms; 05/03/2024 is none of them"),
    loaded("sessions_unknown_words.csv", "unknown sector and status words", 3, quarantined=2,
           rejects=[(2, "sector", "not one of"), (3, "status", "not one of")]),
    loaded("feedback_unknown_rater.csv", "unknown rater word", 2, quarantined=1, rejects=[(2, "rater", "not one of")]),

    # --- row rules: ranges ----------------------------------------------------------------
    loaded("feedback_srs_out_of_range.csv", "SRS item 11, total 41, item -0.5; all 10s load", 4, quarantined=3,
           rejects=[(2, "srs_1", "above the maximum"), (3, "srs_total", "above the maximum"),
                    (4, "srs_2", "below the minimum")]),
    loaded("feedback_wai_out_of_range.csv", "WAI item 0 and 6, mean 0.5 and 5.5; all 5s load", 5, quarantined=4,
           rejects=[(2, "wai_1", "below the minimum"), (3, "wai_2", "above the maximum"),
                    (4, "wai_mean", "below the minimum"), (5, "wai_mean", "above the maximum")]),
    loaded("sessions_ors_out_of_range.csv", "ORS item -1 and 10.5, total 41 and -1; all 0s load", 5, quarantined=4,
           rejects=[(2, "ors_1", "below the minimum"), (3, "ors_4", "above the maximum"),
                    (4, "ors_total", "above the maximum"), (5, "ors_total", "below the minimum")]),
    loaded("feedback_wai_not_whole.csv", "WAI item 3.5", 2, quarantined=1,
           rejects=[(2, "wai_1", "not a whole number")]),
    loaded("sessions_session_number_zero.csv", "session_number 0, -1, 2.5", 4, quarantined=3,
           rejects=[(2, "session_number", "below the minimum"), (3, "session_number", "below the minimum"),
                    (4, "session_number", "not a whole number")]),
    loaded("sessions_date_range.csv", "dates before 2000-01-01 (two forms) and after tomorrow; 01.01.2000 loads", 4,
           quarantined=3, rejects=[(2, "session_date", "before"), (3, "session_date", "before"),
                                   (4, "session_date", "after")],
           stored=[ses("DR-4", "session_date", "2000-01-01")]),

    # --- row rules: instruments -------------------------------------------------------------
    loaded("feedback_partial_srs.csv", "3 of 4 SRS items; 1 item beside a total", 3, quarantined=2,
           rejects=[(2, "srs_total", "only some"), (3, "srs_total", "only some")]),
    loaded("feedback_partial_wai.csv", "11 of 12 WAI items", 2, quarantined=1, rejects=[(2, "wai_mean", "only some")]),
    loaded("sessions_partial_ors.csv", "3 of 4 ORS items", 2, quarantined=1, rejects=[(2, "ors_total", "only some")]),
    loaded("feedback_total_mismatch.csv",
           "totals differing from items by more than 0.05; exactly 0.05 (34.55 vs 34.6) and less load", 7,
           quarantined=4, rejects=[(2, "srs_total", "differs"), (3, "wai_mean", "differs"),
                                   (4, "srs_total", "differs"), (5, "wai_mean", "differs")],
           basis="contract sections 5 and 6: 'more than 0.05' compared as exact decimals, so 0.05 loads"),
    loaded("sessions_total_mismatch.csv", "ORS total off by 0.06 and 1; off by exactly 0.05 loads (1.05, 25.95)", 4,
           quarantined=2, rejects=[(2, "ors_total", "differs"), (3, "ors_total", "differs")],
           stored=[ses("OTM-3", "ors_1", "0.1")]),
    loaded("feedback_srs_on_therapist_form.csv", "SRS items / total on therapist forms; WAI-only therapist form loads", 3,
           quarantined=2, rejects=[(2, "rater", "therapist form"), (3, "rater", "therapist form")],
           stored=[fbk("STF-3", "therapist", "wai_mean", "4")]),

    # --- row rules: keys and duplicates ------------------------------------------------------
    loaded("sessions_key_conflict.csv", "rows 2 and 4 share (clinic, session_id) but differ; other clinic loads", 4,
           quarantined=2, rejects=[(2, "session_id", "share"), (4, "session_id", "share")]),
    loaded("feedback_key_conflict.csv", "rows 2 and 4 share (clinic, session_id, client) but differ", 3,
           quarantined=2, rejects=[(2, "rater", "share"), (4, "rater", "share")],
           stored=[fbk("KF-1", "therapist", "wai_mean", "4")],
           basis="contract; 'klient' on row 4 is the same rater as 'client' on row 2 after parsing"),
    loaded("sessions_identical_rows.csv", "two byte-identical rows count once", 3, duplicate=1),
    loaded("sessions_identical_after_parsing.csv", "rows identical after parsing (offentlig/public, date forms, "
           "spaces, status default, 5/5.0)", 2, duplicate=1,
           stored=[ses("IAP-1", "client_id", "C01"), ses("IAP-1", "sector", "public")]),
    loaded("feedback_identical_rows.csv", "client and klient rows otherwise identical count once", 2, duplicate=1),

    # --- several problems, oversized fields ------------------------------------------------
    loaded("sessions_several_problems.csv", "one row with five problems: five reject entries", 2, quarantined=1,
           rejects=[(2, "sector", "not one of"), (2, "session_date", "not a date"),
                    (2, "session_number", "below the minimum"), (2, "ors_1", "above the maximum"),
                    (2, "client_id", "is missing")]),
    loaded("feedback_several_problems.csv", "one feedback row with three problems", 2, quarantined=1,
           rejects=[(2, "clinic", "is missing"), (2, "rater", "therapist form"), (2, "wai_3", "above the maximum")]),
    loaded("feedback_oversized_comment.csv", "a 12,000-character comment; exactly 10,000 characters (with æøå) loads", 2,
           quarantined=1, rejects=[(2, "comment", "longer than")],
           stored=[fbk("BIG-2", "client", "comment", EXACT_10000)],
           basis="contract.py MAX_COMMENT_LENGTH = 10,000 characters (not bytes)"),
    loaded("sessions_long_id.csv", "therapist_id of 201 characters; 200 loads", 2, quarantined=1,
           rejects=[(2, "therapist_id", "longer than")],
           basis="contract.py MAX_ID_LENGTH = 200 (a data manager's guard, not in DATA_CONTRACT.md)"),

    # --- accepted forms -------------------------------------------------------------------
    loaded("sessions_norwegian_words.csv", "offentlig, privat, oppmøtt, avlyst, ikke møtt", 3,
           stored=[ses("NW-1", "sector", "public"), ses("NW-1", "status", "attended"),
                   ses("NW-2", "sector", "private"), ses("NW-2", "status", "cancelled"),
                   ses("NW-3", "status", "no_show")]),
    loaded("sessions_words_any_case.csv", "words in other case: Public, PRIVAT, Attended, Ikke Møtt", 2,
           stored=[ses("WAC-1", "sector", "public"), ses("WAC-2", "sector", "private"),
                   ses("WAC-2", "status", "no_show")],
           basis="assumption: words match in any case, like headers (contract.py keeps them lower case)"),
    loaded("feedback_norwegian_raters.csv", "klient, pasient, patient, terapeut, behandler", 5,
           stored=[fbk("NR-1", "client", "srs_total", "35"), fbk("NR-2", "client", "srs_total", "35"),
                   fbk("NR-3", "client", "srs_total", "35"), fbk("NR-1", "therapist", "wai_mean", "4"),
                   fbk("NR-2", "therapist", "wai_mean", "4")]),
    loaded("sessions_date_forms.csv", "DD.MM.YYYY, YYYY-MM-DD HH:MM, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD", 4,
           stored=[ses(f"DF-{i}", "session_date", "2024-03-05") for i in range(1, 5)]),
    loaded("sessions_date_iso_t.csv", "ISO date-time with a T separator", 1,
           stored=[ses("DT-1", "session_date", "2024-03-05")],
           basis="assumption: 'an ISO date-time' includes the T separator"),
    loaded("sessions_na_strings.csv", "ids NA, null, None, NaN, n/a, N/A are text, not missing", 2,
           stored=[ses("NA", "therapist_id", "NA"), ses("NA", "client_id", "null"), ses("NA", "site", "None"),
                   ses("N/A", "therapist_id", "NaN"), ses("N/A", "client_id", "n/a")],
           basis="contract section 1: only an empty field is a missing value"),

    # --- not exports ------------------------------------------------------------------------
    ignored("readme.txt", "a text file that is not an export"),
    ignored("notater.csv", "a CSV whose name starts with neither sessions nor feedback"),
    ignored("~$sessions_lock.xlsx", "an Excel lock file (name starts with ~$)"),

    # the sessions of every feedback row above, so that no feedback row in single/ is an orphan
    loaded("sessions_base_for_feedback.csv", "the sessions every feedback case refers to", None),
)


@dataclass(frozen=True)
class FolderCase:
    name: str
    about: str


FOLDER_CASES: tuple[FolderCase, ...] = (
    FolderCase("base", "a valid store that exists before a bad columns.toml is met"),
    FolderCase("columns_not_toml", "columns.toml is not TOML: ingest exits 2, store unchanged"),
    FolderCase("columns_unknown_column", "columns.toml maps to an unknown contract column: exit 2, store unchanged"),
    FolderCase("columns_files_glob", "[files] globs make timer_*.csv and skjema_*.csv exports; [columns] maps headers"),
    FolderCase("not_export", "README, lock file, PDF and log beside an export: ignored, exit 0"),
    FolderCase("orphan", "a feedback row whose session is not loaded: loaded, counted in rows_orphan"),
    FolderCase("orphan_late", "the orphan's session arrives in a later ingest: it joins in"),
    FolderCase("replace", "a later file replaces an earlier file's rows (sessions and feedback)"),
    FolderCase("replace_codepoint", "file-name order is by code point: Sessions_z.csv before sessions_a.csv"),
    FolderCase("same_bytes", "the same bytes under two names: the later name is a duplicate file"),
)
