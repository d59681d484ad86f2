"""Texts of the Data page's upload and orphans sections (alliance/ui/upload.py)."""
TEXT = {
    "upload.title": {"en": "Add exports", "nb": "Legg til eksporter"},
    "upload.intro": {
        "en": "Upload new session or feedback exports (.csv, .txt, .parquet or .xlsx, at most {limit} MB each; "
              "several at once). They are saved in the exports folder {folder} and loaded at once; "
              "the figures show them as soon as the load has finished.",
        "nb": "Last opp nye time- eller tilbakemeldingseksporter (.csv, .txt, .parquet eller .xlsx, høyst {limit} MB "
              "hver; flere samtidig). De lagres i eksportmappen {folder} og lastes inn med en gang; "
              "figurene viser dem så snart innlastingen er ferdig.",
    },
    "upload.names": {
        "en": "A file's name must start with sessions or feedback{patterns}. A corrected export may have the "
              "name of an earlier one: it is saved beside it with a number added, and its rows replace the older ones.",
        "nb": "Et filnavn må begynne med sessions eller feedback{patterns}. En rettet eksport kan ha samme navn "
              "som en tidligere: den lagres ved siden av med et tall lagt til, og radene erstatter de eldre.",
    },
    "upload.patterns": {"en": ", or match a pattern of columns.toml ({patterns})",
                        "nb": ", eller passe med et mønster i columns.toml ({patterns})"},
    "upload.label": {"en": "Export files", "nb": "Eksportfiler"},
    "upload.help": {"en": "At most {limit} MB per file. The file name decides whether it is a session or a feedback export.",
                    "nb": "Høyst {limit} MB per fil. Filnavnet avgjør om det er en time- eller tilbakemeldingseksport."},
    "upload.button": {"en": "Save and load", "nb": "Lagre og last inn"},
    "upload.no_folder": {
        "en": "The exports folder {folder} does not exist, so uploaded files have nowhere to go: ask the "
              "administrator to create it.",
        "nb": "Eksportmappen {folder} finnes ikke, så opplastede filer har ingen plass å lagres: be "
              "administratoren opprette den.",
    },
    "upload.not_writable": {
        "en": "The exports folder {folder} cannot be written to, so uploaded files cannot be saved: ask the "
              "administrator to give the dashboard write access to it.",
        "nb": "Dashbordet kan ikke skrive til eksportmappen {folder}, så opplastede filer kan ikke lagres: be "
              "administratoren gi dashbordet skrivetilgang.",
    },
    "upload.write_failed": {
        "en": "{file} could not be saved in the exports folder ({reason}).",
        "nb": "{file} kunne ikke lagres i eksportmappen ({reason}).",
    },
    "upload.bad_mapping": {
        "en": "The exports folder's columns.toml cannot be used, so nothing was saved: {reason}",
        "nb": "columns.toml i eksportmappen kan ikke brukes, så ingenting ble lagret: {reason}",
    },
    "upload.refused_name": {
        "en": "{file} was not added: its name starts with neither sessions nor feedback{patterns}.",
        "nb": "{file} ble ikke lagt til: navnet begynner verken med sessions eller feedback{patterns}.",
    },
    "upload.refused_patterns": {"en": " and matches no pattern of columns.toml",
                                "nb": " og passer ikke med noe mønster i columns.toml"},
    "upload.refused_format": {
        "en": "{file} was not added: only .csv, .txt, .parquet and .xlsx files are accepted.",
        "nb": "{file} ble ikke lagt til: bare .csv-, .txt-, .parquet- og .xlsx-filer godtas.",
    },
    "upload.refused_empty": {
        "en": "{file} was not added: the file is empty.",
        "nb": "{file} ble ikke lagt til: filen er tom.",
    },
    "upload.refused_size": {
        "en": "{file} was not added: it is larger than {limit} MB.",
        "nb": "{file} ble ikke lagt til: den er større enn {limit} MB.",
    },
    "upload.refused_time": {
        "en": "{file} was not added: reading it took more than {seconds} seconds, so it was stopped.",
        "nb": "{file} ble ikke lagt til: lesingen tok mer enn {seconds} sekunder, så den ble stoppet.",
    },
    "upload.refused_memory": {
        "en": "{file} was not added: reading it needed more than {limit} of memory, so it was stopped.",
        "nb": "{file} ble ikke lagt til: lesingen trengte mer enn {limit} minne, så den ble stoppet.",
    },
    "upload.refused_crash": {
        "en": "{file} was not added: reading it stopped unexpectedly.",
        "nb": "{file} ble ikke lagt til: lesingen stoppet uventet.",
    },
    "upload.stage_failed": {
        "en": "{file} was not added: it could not be stored for checking in the dashboard's home folder ({reason}).",
        "nb": "{file} ble ikke lagt til: den kunne ikke lagres for kontroll i dashbordets hjemmemappe ({reason}).",
    },
    "upload.checking": {"en": "Reading the uploaded files…", "nb": "Leser de opplastede filene…"},
    "upload.progress": {"en": "Loading the uploaded files…", "nb": "Laster inn de opplastede filene…"},
    "upload.saving": {"en": "Saving {file}", "nb": "Lagrer {file}"},
    "upload.waiting": {
        "en": "Another load is running (another session or the command line); waiting for it to finish.",
        "nb": "En annen innlasting pågår (en annen økt eller kommandolinjen); venter til den er ferdig.",
    },
    "upload.failed": {"en": "The uploaded files were saved but could not be loaded.",
                      "nb": "De opplastede filene ble lagret, men kunne ikke lastes inn."},
    "upload.done": {"en": "Load finished.", "nb": "Innlastingen er ferdig."},
    "upload.report_title": {"en": "What the last upload loaded", "nb": "Hva siste opplasting lastet inn"},
    "upload.report_changed": {
        "en": "The store was updated: every page now shows the new data.",
        "nb": "Datalageret er oppdatert: alle sider viser nå de nye dataene.",
    },
    "upload.report_unchanged": {
        "en": "Nothing new: the store already held these files' rows, so no figure changed.",
        "nb": "Ingenting nytt: datalageret hadde allerede radene i disse filene, så ingen figur endret seg.",
    },
    "upload.saved_as": {"en": "{original} was saved as {file}, because a different file of that name is already in "
                              "the exports folder.",
                        "nb": "{original} ble lagret som {file}, fordi en annen fil med det navnet allerede ligger i "
                              "eksportmappen."},
    "upload.renamed": {"en": "{original} was saved as {file} (only letters, digits, - _ and . are kept in a file name).",
                       "nb": "{original} ble lagret som {file} (bare bokstaver, sifre, - _ og . beholdes i et filnavn)."},
    "upload.same_content": {
        "en": "{original} has the same content as {file}, which is already in the exports folder; it was not saved again.",
        "nb": "{original} har samme innhold som {file}, som allerede ligger i eksportmappen; den ble ikke lagret på nytt.",
    },
    "upload.file_loaded": {
        "en": "{file}: loaded ({kind}). {read} read: {loaded} loaded, {quarantined} quarantined, {duplicates}.",
        "nb": "{file}: lastet inn ({kind}). {read} lest: {loaded} lastet inn, {quarantined} i karantene, {duplicates}.",
    },
    "upload.file_orphans": {
        "en": "{n} wait for their session (orphans).",
        "nb": "{n} venter på timen sin (foreldreløse).",
    },
    "upload.file_replaced": {
        "en": "{n} of them have since been replaced by a later file.",
        "nb": "{n} av dem er siden erstattet av en senere fil.",
    },
    "upload.file_rejected": {
        "en": "{file}: rejected, nothing from it is used. {message}",
        "nb": "{file}: avvist, ingenting fra den brukes. {message}",
    },
    "upload.file_duplicate": {
        "en": "{file}: duplicate, nothing new loaded. {message}",
        "nb": "{file}: duplikat, ingenting nytt lastet inn. {message}",
    },
    "upload.file_missing": {
        "en": "{file}: not in the load report (another load may have changed the folder meanwhile).",
        "nb": "{file}: ikke med i innlastingsrapporten (en annen innlasting kan ha endret mappen i mellomtiden).",
    },
    "upload.kind.sessions": {"en": "session export", "nb": "timeeksport"},
    "upload.kind.feedback": {"en": "feedback export", "nb": "tilbakemeldingseksport"},
    "upload.rows": {"en": "{n} row", "nb": "{n} rad"},
    "upload.rows_plural": {"en": "{n} rows", "nb": "{n} rader"},
    "upload.duplicates": {"en": "{n} duplicate copy", "nb": "{n} duplikat"},
    "upload.duplicates_plural": {"en": "{n} duplicate copies", "nb": "{n} duplikater"},
    "upload.feedback_rows": {"en": "{n} feedback row", "nb": "{n} tilbakemeldingsrad"},
    "upload.feedback_rows_plural": {"en": "{n} feedback rows", "nb": "{n} tilbakemeldingsrader"},
    "upload.rejects": {
        "en": "{n} reject entries for the uploaded files; the quarantined rows are kept but used in no figure. "
              "Fix them in the export and upload it again.",
        "nb": "{n} avvisningslinjer for de opplastede filene; radene i karantene beholdes, men brukes ikke i noen "
              "figur. Rett dem i eksporten og last den opp på nytt.",
    },
    "upload.col.file": {"en": "File", "nb": "Fil"},
    "upload.col.row": {"en": "Row", "nb": "Rad"},
    "upload.col.row_help": {"en": "As a spreadsheet numbers it: the header is row 1.",
                            "nb": "Slik et regneark nummererer: overskriften er rad 1."},
    "upload.col.column": {"en": "Column", "nb": "Kolonne"},
    "upload.col.reason": {"en": "Reason", "nb": "Årsak"},
    "upload.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "upload.col.session": {"en": "Session", "nb": "Time"},
    "upload.col.rater": {"en": "Rater", "nb": "Utfylt av"},
    "orphans.title": {"en": "Feedback waiting for its session", "nb": "Tilbakemeldinger som venter på timen sin"},
    "orphans.none": {
        "en": "No orphans: every loaded feedback form belongs to a loaded session.",
        "nb": "Ingen foreldreløse: alle innlastede skjemaer hører til en innlastet time.",
    },
    "orphans.some": {
        "en": "{n} ({files}) name a session that is not loaded (orphans). They are kept but used in no figure, "
              "and join in as soon as an export with their session is loaded.",
        "nb": "{n} ({files}) viser til en time som ikke er lastet inn (foreldreløse). De beholdes, men brukes ikke i "
              "noen figur, og kommer med så snart en eksport med timen deres er lastet inn.",
    },
    "orphans.files": {"en": "in {n} file", "nb": "i {n} fil"},
    "orphans.files_plural": {"en": "in {n} files", "nb": "i {n} filer"},
}
