"""Texts of the Audit page (pages/audit.py): the trail of logins, page views, uploads and exports."""
TEXT = {
    "nav.audit": {"en": "Audit trail", "nb": "Revisjonslogg"},
    "audit.title": {"en": "Audit trail", "nb": "Revisjonslogg"},
    "audit.refused": {"en": "Only administrators can read the audit trail.",
                      "nb": "Bare administratorer kan lese revisjonsloggen."},
    "audit.intro": {
        "en": "Who logged in, which pages they viewed with which filters, and what they uploaded and exported. "
              "The trail holds names, codes, dates and counts only: never a comment or anything typed into a search.",
        "nb": "Hvem som logget inn, hvilke sider de så med hvilke filtre, og hva de lastet opp og eksporterte. "
              "Loggen inneholder bare navn, koder, datoer og antall: aldri en kommentar eller noe som er skrevet i et søk."},
    "audit.retention": {
        "en": "Events are kept {days} days, then deleted a month's file at a time. The oldest event kept is from {oldest}.",
        "nb": "Hendelser beholdes i {days} dager og slettes så én månedsfil om gangen. "
              "Den eldste hendelsen som er igjen, er fra {oldest}."},
    "audit.retention_empty": {
        "en": "Events are kept {days} days, then deleted a month's file at a time. No events are recorded yet.",
        "nb": "Hendelser beholdes i {days} dager og slettes så én månedsfil om gangen. Ingen hendelser er registrert ennå."},
    "audit.bad_retention": {
        "en": "The setting audit_retention_days is {value}; it must be a whole number of days, at least 1. "
              "Nothing is deleted until it is corrected in settings.toml.",
        "nb": "Innstillingen audit_retention_days er {value}; den må være et helt antall dager, minst 1. "
              "Ingenting slettes før den er rettet i settings.toml."},
    "audit.write_failed": {
        "en": "{n} since the server started could not be written to the audit trail (the last at {when} UTC: "
              "{reason}). Those events are missing: check the folder {folder}.",
        "nb": "{n} siden serveren startet kunne ikke skrives til revisjonsloggen (den siste {when} UTC: "
              "{reason}). De hendelsene mangler: sjekk mappen {folder}."},
    "audit.n_failed.one": {"en": "{n} event", "nb": "{n} hendelse"},
    "audit.n_failed.other": {"en": "{n} events", "nb": "{n} hendelser"},
    "audit.not_writable": {
        "en": "The dashboard cannot write to the audit folder {folder}: new events are not being recorded.",
        "nb": "Dashbordet kan ikke skrive til revisjonsmappen {folder}: nye hendelser blir ikke registrert."},
    "audit.from": {"en": "From", "nb": "Fra"},
    "audit.to": {"en": "To", "nb": "Til"},
    "audit.period_help": {"en": "Days in UTC, both included.", "nb": "Dager i UTC, begge tatt med."},
    "audit.user": {"en": "User", "nb": "Bruker"},
    "audit.event": {"en": "Event", "nb": "Hendelse"},
    "audit.page": {"en": "Page", "nb": "Side"},
    "audit.all": {"en": "All", "nb": "Alle"},
    "audit.bad_period": {"en": "The period ends before it starts: choose a From date on or before the To date.",
                         "nb": "Perioden slutter før den begynner: velg en Fra-dato på eller før Til-datoen."},
    "audit.none": {"en": "No events match these filters.", "nb": "Ingen hendelser passer med disse filtrene."},
    "audit.count": {"en": "{events}, newest first.", "nb": "{events}, nyeste først."},
    "audit.count_limited": {"en": "{events}; the newest {shown} are shown.",
                            "nb": "{events}; de {shown} nyeste vises."},
    "audit.n_events.one": {"en": "{n} event", "nb": "{n} hendelse"},
    "audit.n_events.other": {"en": "{n} events", "nb": "{n} hendelser"},
    "audit.by_event": {"en": "By event type", "nb": "Etter type hendelse"},
    "audit.events": {"en": "Events", "nb": "Hendelser"},
    "audit.col.ts": {"en": "Time (UTC)", "nb": "Tid (UTC)"},
    "audit.col.event": {"en": "Event", "nb": "Hendelse"},
    "audit.col.user": {"en": "User", "nb": "Bruker"},
    "audit.col.role": {"en": "Role", "nb": "Rolle"},
    "audit.col.page": {"en": "Page", "nb": "Side"},
    "audit.col.detail": {"en": "Detail", "nb": "Detaljer"},
    "audit.col.count": {"en": "Count", "nb": "Antall"},
    "audit.cli": {
        "en": "The same events as CSV or JSON: {command}.",
        "nb": "De samme hendelsene som CSV eller JSON: {command}."},
    "audit.event.login": {"en": "login", "nb": "innlogging"},
    "audit.event.logout": {"en": "logout", "nb": "utlogging"},
    "audit.event.refused": {"en": "refused", "nb": "avvist"},
    "audit.event.page_view": {"en": "page view", "nb": "sidevisning"},
    "audit.event.upload": {"en": "upload", "nb": "opplasting"},
    "audit.event.export": {"en": "export", "nb": "eksport"},
    "audit.event.purge": {"en": "retention purge", "nb": "sletting etter lagringstid"},
}
