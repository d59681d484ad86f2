"""Texts of the Feedback page: the clients' comments."""
TEXT = {
    "fb.title": {"en": "Feedback", "nb": "Tilbakemeldinger"},
    "fb.intro": {
        "en": "The clients' own words, newest first, with the session's scores beside them. The sidebar "
              "filters choose the period, clinics and therapists.",
        "nb": "Klientenes egne ord, nyeste først, med skårene fra timen ved siden av. Filtrene i sidefeltet "
              "velger periode, klinikker og terapeuter.",
    },
    "fb.band": {"en": "Alliance at the session", "nb": "Allianse ved timen"},
    "fb.band.all": {"en": "All", "nb": "Alle"},
    "fb.band.low": {"en": "Below the cutoff ({cutoff})", "nb": "Under grensen ({cutoff})"},
    "fb.band.ok": {"en": "At or above the cutoff", "nb": "På eller over grensen"},
    "fb.band_help": {
        "en": "Below the cutoff: the client's SRS total at that session was below {cutoff}. "
              "Comments at sessions without an SRS total are only under All.",
        "nb": "Under grensen: klientens SRS-sum ved timen var under {cutoff}. "
              "Kommentarer fra timer uten SRS-sum vises bare under Alle.",
    },
    "fb.search": {"en": "Comments containing", "nb": "Kommentarer som inneholder"},
    "fb.search_help": {
        "en": "Plain text, upper or lower case alike; no character has a special meaning. "
              "The search is not kept in the address.",
        "nb": "Vanlig tekst, store og små bokstaver likt; ingen tegn har spesiell betydning. "
              "Søket lagres ikke i adressen.",
    },
    "fb.search_placeholder": {"en": "a word or phrase", "nb": "et ord eller en frase"},
    "fb.count": {"en": "{n} comments in this selection, newest first.",
                 "nb": "{n} kommentarer i utvalget, nyeste først."},
    "fb.count_one": {"en": "1 comment in this selection.", "nb": "1 kommentar i utvalget."},
    "fb.count_limited": {"en": "The newest {shown} of {n} comments in this selection: narrow the period "
                               "or search to see older ones.",
                         "nb": "De nyeste {shown} av {n} kommentarer i utvalget: snevre inn perioden eller "
                               "søk for å se eldre."},
    "fb.empty": {"en": "No comments match this selection: widen the period, choose another band, "
                       "or change the search.",
                 "nb": "Ingen kommentarer passer med utvalget: utvid perioden, velg et annet bånd "
                       "eller endre søket."},
    "fb.privacy": {
        "en": "Comments are health information: they are shown only to viewers with access to the clinic, "
              "and always as plain text.",
        "nb": "Kommentarer er helseopplysninger: de vises bare for dem som har tilgang til klinikken, "
              "og alltid som ren tekst.",
    },
    "fb.col.date": {"en": "Date", "nb": "Dato"},
    "fb.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "fb.col.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "fb.col.client": {"en": "Client", "nb": "Klient"},
    "fb.col.srs": {"en": "SRS total", "nb": "SRS-sum"},
    "fb.col.client_wai": {"en": "Client WAI-SR", "nb": "Klientens WAI-SR"},
    "fb.col.comment": {"en": "Comment", "nb": "Kommentar"},
}
