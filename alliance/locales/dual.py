"""Texts of the Dual perspective page and its charts (client and therapist WAI-SR side by side)."""
TEXT = {
    "dual.title": {"en": "Dual perspective: client and therapist", "nb": "To perspektiver: klient og terapeut"},
    "dual.intro": {
        "en": "Where both filled in the WAI-SR at the same session: do client and therapist see the alliance the "
              "same way? Therapists usually rate it somewhat lower than their clients do.",
        "nb": "Der begge fylte ut WAI-SR i samme time: ser klient og terapeut alliansen likt? Terapeuter vurderer "
              "den vanligvis noe lavere enn klientene.",
    },
    "dual.no_data": {"en": "the client and therapist WAI-SR figures", "nb": "WAI-SR-figurene for klient og terapeut"},
    "dual.no_pairs": {
        "en": "No session in this selection has a WAI-SR from both client and therapist: widen the period or "
              "clear a filter.",
        "nb": "Ingen time i dette utvalget har WAI-SR fra både klient og terapeut: utvid perioden eller fjern et "
              "filter.",
    },
    # Scatter of pairs
    "dual.scatter.heading": {"en": "Client against therapist WAI-SR, session by session",
                             "nb": "Klientens mot terapeutens WAI-SR, time for time"},
    "dual.scatter.empty": {"en": "No session with a WAI-SR from both client and therapist.",
                           "nb": "Ingen time med WAI-SR fra både klient og terapeut."},
    "dual.scatter.x": {"en": "Therapist's WAI-SR mean (1–5)", "nb": "Terapeutens WAI-SR-snitt (1–5)"},
    "dual.scatter.y": {"en": "Client's WAI-SR mean (1–5)", "nb": "Klientens WAI-SR-snitt (1–5)"},
    "dual.scatter.agreement": {"en": "agreement: client = therapist", "nb": "enighet: klient = terapeut"},
    "dual.scatter.client_higher": {"en": "client rates higher", "nb": "klienten vurderer høyere"},
    "dual.scatter.therapist_higher": {"en": "therapist rates higher", "nb": "terapeuten vurderer høyere"},
    "dual.scatter.legend": {"en": "Clinic", "nb": "Klinikk"},
    "dual.scatter.hover": {
        "en": "Client %{y:.2f}, therapist %{x:.2f}<br>%{customdata[0]} session pair(s) here",
        "nb": "Klient %{y:.2f}, terapeut %{x:.2f}<br>%{customdata[0]} timepar her",
    },
    "dual.scatter.caption": {
        "en": "{n} sessions with both forms, from {clients} clients of {therapists} therapists. A point's size says "
              "how many session pairs share those two scores. Above the line the client sees the alliance as "
              "stronger than the therapist does ({above} of the pairs), below it the therapist does ({below}).",
        "nb": "{n} timer med begge skjemaene, fra {clients} klienter hos {therapists} terapeuter. Punktets størrelse "
              "viser hvor mange timepar som har de to skårene. Over linjen ser klienten alliansen som sterkere enn "
              "terapeuten gjør ({above} av parene), under linjen gjør terapeuten det ({below}).",
    },
    # Discrepancy by therapist
    "dual.therapist.heading": {"en": "Discrepancy by therapist", "nb": "Avvik per terapeut"},
    "dual.therapist.empty": {"en": "No therapist with a client and therapist WAI-SR at the same session.",
                             "nb": "Ingen terapeut med WAI-SR fra klient og terapeut i samme time."},
    "dual.therapist.x": {"en": "Mean discrepancy, client − therapist WAI-SR (95 % interval)",
                         "nb": "Gjennomsnittlig avvik, klientens − terapeutens WAI-SR (95 %-intervall)"},
    "dual.therapist.zero": {"en": "no difference", "nb": "ingen forskjell"},
    "dual.therapist.hover": {
        "en": "Mean discrepancy %{x:.2f}<br>95 % interval %{customdata[0]:.2f} to %{customdata[1]:.2f}<br>"
              "%{customdata[2]} session pairs<br>client %{customdata[3]:.2f}, therapist %{customdata[4]:.2f}<br>"
              "correlation %{customdata[5]}",
        "nb": "Gjennomsnittlig avvik %{x:.2f}<br>95 %-intervall %{customdata[0]:.2f} til %{customdata[1]:.2f}<br>"
              "%{customdata[2]} timepar<br>klient %{customdata[3]:.2f}, terapeut %{customdata[4]:.2f}<br>"
              "korrelasjon %{customdata[5]}",
    },
    "dual.therapist.caption": {
        "en": "Right of the line the therapist's clients rate the alliance higher than the therapist does. The "
              "correlation (in the table) says whether the two move together from session to session: a "
              "therapist whose ratings do not follow the client's may be missing what the client experiences. "
              "Correlations need at least 3 pairs. The interval counts clients, not pairs (a client's pairs "
              "resemble each other): one client gives none, few clients a wide one.",
        "nb": "Til høyre for linjen vurderer klientene alliansen høyere enn terapeuten gjør. Korrelasjonen (i "
              "tabellen) viser om de to følger hverandre fra time til time: en terapeut som ikke følger klientens "
              "vurderinger, kan gå glipp av hva klienten opplever. Korrelasjoner krever minst 3 par. Intervallet "
              "teller klienter, ikke par (parene til én klient ligner hverandre): én klient gir ingen, få klienter "
              "et bredt.",
    },
    "dual.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "dual.col.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "dual.col.n_pairs": {"en": "Session pairs", "nb": "Timepar"},
    "dual.col.mean_client_wai": {"en": "Client WAI-SR", "nb": "Klientens WAI-SR"},
    "dual.col.mean_therapist_wai": {"en": "Therapist WAI-SR", "nb": "Terapeutens WAI-SR"},
    "dual.col.mean_discrepancy": {"en": "Discrepancy", "nb": "Avvik"},
    "dual.col.ci_low": {"en": "95 % low", "nb": "95 % nedre"},
    "dual.col.ci_high": {"en": "95 % high", "nb": "95 % øvre"},
    "dual.col.correlation": {"en": "Correlation", "nb": "Korrelasjon"},
    # Development over sessions
    "dual.development.heading": {"en": "Do the two views converge over the sessions?",
                                 "nb": "Nærmer de to synene seg hverandre over timene?"},
    "dual.development.group": {"en": "One line per", "nb": "Én linje per"},
    "dual.group.sector": {"en": "sector", "nb": "sektor"},
    "dual.group.clinic": {"en": "clinic", "nb": "klinikk"},
    "dual.group.site": {"en": "site", "nb": "sted"},
    "dual.group.therapist": {"en": "therapist", "nb": "terapeut"},
    "dual.development.empty": {"en": "No session with both forms up to session {max}.",
                               "nb": "Ingen time med begge skjemaene til og med time {max}."},
    "dual.development.x": {"en": "Session number", "nb": "Timenummer"},
    "dual.development.y": {"en": "Client − therapist WAI-SR (95 % interval)",
                           "nb": "Klientens − terapeutens WAI-SR (95 %-intervall)"},
    "dual.development.hover": {
        "en": "Session %{x}<br>Mean discrepancy %{y:.2f}<br>95 % interval %{customdata[1]} to %{customdata[2]}"
              "<br>%{customdata[0]} session pairs",
        "nb": "Time %{x}<br>Gjennomsnittlig avvik %{y:.2f}<br>95 %-intervall %{customdata[1]} til %{customdata[2]}"
              "<br>%{customdata[0]} timepar",
    },
    "dual.development.caption": {
        "en": "A line that moves towards 0 means client and therapist come to see the alliance alike. Only "
              "sessions where both filled in the form count, and many clinics give the WAI-SR at some sessions "
              "only; later sessions rest on fewer clients (hover for n). The points of one line share clients, "
              "so the shape is steadier than the separate intervals suggest.",
        "nb": "En linje som går mot 0 betyr at klient og terapeut kommer til å se alliansen likt. Bare timer der "
              "begge fylte ut skjemaet teller, og mange klinikker gir WAI-SR bare i noen timer; senere timer "
              "bygger på færre klienter (hold over et punkt for n). Punktene på én linje deler klienter, så formen "
              "er stødigere enn de enkelte intervallene antyder.",
    },
    # Profiles
    "dual.profiles.heading": {"en": "Goal, task and bond: client and therapist",
                              "nb": "Mål, oppgaver og bånd: klient og terapeut"},
    "dual.profiles.level": {"en": "One row per", "nb": "Én rad per"},
    "dual.profiles.empty": {"en": "No WAI-SR items in this selection.", "nb": "Ingen WAI-SR-ledd i dette utvalget."},
    "dual.profiles.goal": {"en": "Goal", "nb": "Mål"},
    "dual.profiles.task": {"en": "Task", "nb": "Oppgaver"},
    "dual.profiles.bond": {"en": "Bond", "nb": "Bånd"},
    "dual.profiles.client": {"en": "client (filled)", "nb": "klient (fylt)"},
    "dual.profiles.therapist": {"en": "therapist (hollow)", "nb": "terapeut (hul)"},
    "dual.profiles.x": {"en": "Mean (1–5)", "nb": "Gjennomsnitt (1–5)"},
    "dual.profiles.hover_client": {
        "en": "%{y}<br>Client's %{meta}: %{x:.2f}<br>%{customdata[0]} client forms, %{customdata[1]} clients",
        "nb": "%{y}<br>Klientens %{meta}: %{x:.2f}<br>%{customdata[0]} klientskjemaer, %{customdata[1]} klienter",
    },
    "dual.profiles.hover_therapist": {
        "en": "%{y}<br>Therapist's %{meta}: %{x:.2f}<br>%{customdata[0]} therapist forms, %{customdata[1]} clients",
        "nb": "%{y}<br>Terapeutens %{meta}: %{x:.2f}<br>%{customdata[0]} terapeutskjemaer, %{customdata[1]} klienter",
    },
    "dual.profiles.caption": {
        "en": "Filled points are the clients' means, hollow points the therapists', joined by a line: the longer "
              "the line, the more the two see that part of the alliance differently. Look at the shape within a row "
              "more than at the level. These are plain means without intervals; hover for how many forms lie "
              "behind each, and read rows with few clients with care.",
        "nb": "Fylte punkter er klientenes gjennomsnitt, hule punkter terapeutenes, forbundet med en linje: jo lengre "
              "linjen er, desto mer ser de to denne delen av alliansen ulikt. Se mer på mønsteret innen en rad enn "
              "på nivået. Dette er vanlige gjennomsnitt uten intervaller; hold over et punkt for å se hvor mange "
              "skjemaer som ligger bak, og les rader med få klienter med forsiktighet.",
    },
}
