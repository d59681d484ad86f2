"""The store's own sentences (file messages and reject reasons), in both languages.

Ingest writes them in English, once, into the `files` and `rejects` tables (the
contract's columns `message` and `reason`; the command line prints them as they
are). alliance/stored_text.py reads a stored sentence back with the English
template and fills the Norwegian one, so the Data page and the upload report speak
the viewer's language. The English template must reproduce, character for
character, what alliance/ingest.py, alliance/validate.py and alliance/store.py write:
tests/test_stored_text.py checks every message the bad-input corpus produces.

Placeholders are typed by name (see alliance/stored_text.py): `n*`, `value*` are
numbers, `date*` dates, `list*` lists ending in "and"; anything else is literal
text (file and column names).
"""

TEXT = {
    # --- whole files (alliance/ingest.py) ---------------------------------------------------
    "stored.file.format": {
        "en": "{file} is not an accepted format; use .csv, .txt, .parquet or .xlsx.",
        "nb": "{file} har et format som ikke tas imot; bruk .csv, .txt, .parquet eller .xlsx."},
    "stored.file.two_columns": {
        "en": "{file} has two columns for {column}: '{first}' and '{second}'.",
        "nb": "{file} har to kolonner for {column}: '{first}' og '{second}'."},
    "stored.file.missing_column": {
        "en": "{file} is missing the required column {column}.",
        "nb": "{file} mangler den påkrevde kolonnen {column}."},
    "stored.file.missing_columns": {
        "en": "{file} is missing the required columns {list}.",
        "nb": "{file} mangler de påkrevde kolonnene {list}."},
    "stored.file.bad_utf8_mark": {
        "en": "{file} starts with a UTF-8 mark but is not valid UTF-8 text.",
        "nb": "{file} starter med et UTF-8-merke, men er ikke gyldig UTF-8-tekst."},
    "stored.file.bad_utf16_mark": {
        "en": "{file} starts with a UTF-16 mark but is not valid UTF-16 text.",
        "nb": "{file} starter med et UTF-16-merke, men er ikke gyldig UTF-16-tekst."},
    "stored.file.binary": {
        "en": "{file} is not a text file (it holds NUL bytes); export it as CSV text.",
        "nb": "{file} er ikke en tekstfil (den inneholder NUL-byte); eksporter den som CSV-tekst."},
    "stored.file.encoding": {
        "en": "{file} is neither UTF-8 nor Windows-1252 text; export it as UTF-8.",
        "nb": "{file} er verken UTF-8- eller Windows-1252-tekst; eksporter den som UTF-8."},
    "stored.file.fields_truncated": {
        "en": "{file} row {n} has {n2} fields, but the header has {n3}; the file looks truncated.",
        "nb": "{file} rad {n} har {n2} felt, men overskriftsraden har {n3}; filen ser ut til å være avkortet."},
    "stored.file.fields": {
        "en": "{file} row {n} has {n2} fields, but the header has {n3}.",
        "nb": "{file} rad {n} har {n2} felt, men overskriftsraden har {n3}."},
    "stored.file.open_quote": {
        "en": "{file} ends inside a quoted field at row {n}; the file looks truncated.",
        "nb": "{file} slutter inne i et felt i anførselstegn på rad {n}; filen ser ut til å være avkortet."},
    "stored.file.bad_quote": {
        "en": "{file} row {n} cannot be read as CSV: a quote is out of place.",
        "nb": "{file} rad {n} kan ikke leses som CSV: et anførselstegn står feil."},
    "stored.file.sheet_empty": {
        "en": "{file} is empty: its first sheet has no header row.",
        "nb": "{file} er tom: det første arket har ingen overskriftsrad."},
    "stored.file.empty": {
        "en": "{file} is empty.",
        "nb": "{file} er tom."},
    "stored.file.no_header": {
        "en": "{file} has no readable header row.",
        "nb": "{file} har ingen lesbar overskriftsrad."},
    "stored.file.not_csv": {
        "en": "{file} cannot be read as CSV text.",
        "nb": "{file} kan ikke leses som CSV-tekst."},
    "stored.file.ragged": {
        "en": "{file} has a row whose number of fields differs from the header's.",
        "nb": "{file} har en rad med et annet antall felt enn overskriftsraden."},
    "stored.file.not_xlsx": {
        "en": "{file} is not an Excel workbook (.xlsx); it may be another format renamed.",
        "nb": "{file} er ikke en Excel-arbeidsbok (.xlsx); den kan være et annet format med nytt navn."},
    "stored.file.no_sheet": {
        "en": "{file} has no sheet.",
        "nb": "{file} har ingen ark."},
    "stored.file.bad_sheet": {
        "en": "{file} is damaged: its first sheet cannot be read.",
        "nb": "{file} er skadet: det første arket kan ikke leses."},
    "stored.file.not_parquet": {
        "en": "{file} cannot be read as Parquet; it may be damaged or another format renamed.",
        "nb": "{file} kan ikke leses som Parquet; den kan være skadet eller et annet format med nytt navn."},
    "stored.file.parquet_type": {
        "en": "{file} has a column whose Parquet type cannot be read as text or numbers.",
        "nb": "{file} har en kolonne med en Parquet-type som ikke kan leses som tekst eller tall."},
    # --- notes on files (alliance/store.py) -------------------------------------------------
    "stored.note.same_content": {
        "en": "Same content as {file}; nothing loaded from this copy.",
        "nb": "Samme innhold som {file}; ingenting er lastet inn fra denne kopien."},
    "stored.note.unmapped": {
        "en": "Unmapped columns, ignored: {columns}.",
        "nb": "Kolonner uten kobling, ikke brukt: {columns}."},
    "stored.note.quarantined_one": {
        "en": "{n} row quarantined; see the rejects.",
        "nb": "{n} rad satt i karantene; se de avviste radene."},
    "stored.note.quarantined": {
        "en": "{n} rows quarantined; see the rejects.",
        "nb": "{n} rader satt i karantene; se de avviste radene."},
    "stored.note.replaced_one": {
        "en": "{n} row replaced by a later file.",
        "nb": "{n} rad erstattet av en senere fil."},
    "stored.note.replaced": {
        "en": "{n} rows replaced by a later file.",
        "nb": "{n} rader erstattet av en senere fil."},
    "stored.note.orphans_one": {
        "en": "{n} feedback row with no loaded session yet (orphans).",
        "nb": "{n} tilbakemeldingsrad uten innlastet time ennå (foreldreløs)."},
    "stored.note.orphans": {
        "en": "{n} feedback rows with no loaded session yet (orphans).",
        "nb": "{n} tilbakemeldingsrader uten innlastet time ennå (foreldreløse)."},
    "stored.note.not_export": {
        "en": "Ignored: not an export: the name starts with neither sessions nor feedback.",
        "nb": "Ikke brukt: ikke en eksport: navnet begynner verken med sessions eller feedback."},
    "stored.note.not_format": {
        "en": "Ignored: not an accepted format (.csv, .txt, .parquet or .xlsx).",
        "nb": "Ikke brukt: et format som ikke tas imot (.csv, .txt, .parquet eller .xlsx)."},
    # --- progress of an ingest (alliance/store.py, shown while it runs) -------------------------
    "stored.progress.archiving": {"en": "Archiving {file}", "nb": "Arkiverer {file}"},
    "stored.progress.reading": {"en": "Reading {file}", "nb": "Leser {file}"},
    "stored.progress.combining": {"en": "Combining files", "nb": "Setter sammen filene"},
    "stored.progress.done": {"en": "Done", "nb": "Ferdig"},
    # --- rejected rows (alliance/validate.py) -----------------------------------------------
    "stored.reason.missing": {
        "en": "{column} is missing",
        "nb": "{column} mangler"},
    "stored.reason.too_long": {
        "en": "{column} is longer than {n} characters",
        "nb": "{column} er lengre enn {n} tegn"},
    "stored.reason.not_one_of": {
        "en": "{column} is not one of {words}",
        "nb": "{column} er ikke en av {words}"},
    "stored.reason.not_date": {
        "en": "{column} is not a date (use YYYY-MM-DD or DD.MM.YYYY)",
        "nb": "{column} er ikke en dato (bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)"},
    "stored.reason.before": {
        "en": "{column} {date} is before {date2}",
        "nb": "{column} {date} er før {date2}"},
    "stored.reason.after": {
        "en": "{column} {date} is after {date2}",
        "nb": "{column} {date} er etter {date2}"},
    "stored.reason.not_number": {
        "en": "{column} is not a number",
        "nb": "{column} er ikke et tall"},
    "stored.reason.not_whole": {
        "en": "{column} is {value}, not a whole number",
        "nb": "{column} er {value}, ikke et heltall"},
    "stored.reason.below": {
        "en": "{column} is {value}, below the minimum of {value2}",
        "nb": "{column} er {value}, under minimum {value2}"},
    "stored.reason.above": {
        "en": "{column} is {value}, above the maximum of {value2}",
        "nb": "{column} er {value}, over maksimum {value2}"},
    "stored.reason.some_items": {
        "en": "only some {instrument} items are given ({items} missing)",
        "nb": "bare noen av {instrument}-leddene er fylt ut ({items} mangler)"},
    "stored.reason.sum_differs": {
        "en": "{column} is {value}, which differs from the sum of the items, {value2}",
        "nb": "{column} er {value}, som avviker fra summen av leddene, {value2}"},
    "stored.reason.mean_differs": {
        "en": "{column} is {value}, which differs from the mean of the items, {value2}",
        "nb": "{column} er {value}, som avviker fra gjennomsnittet av leddene, {value2}"},
    "stored.reason.srs_by_therapist": {
        "en": "SRS is given on a therapist form; the SRS is rated by clients only",
        "nb": "SRS er fylt ut på et terapeutskjema; SRS fylles bare ut av klienter"},
    "stored.reason.key_conflict": {
        "en": "rows {rows} share the key ({columns}) but differ",
        "nb": "radene {rows} har samme nøkkel ({columns}), men er ulike"},
}
