"""Texts of the Supervision page and of the client timeline chart."""
TEXT = {
    "sup.title": {"en": "Supervision", "nb": "Veiledning"},
    "sup.intro": {
        "en": "Pick a therapist to see their caseload with every flag, the clients worth discussing, "
              "and any client's whole course.",
        "nb": "Velg en terapeut for å se klientlisten med alle flagg, klientene det er verdt å snakke om, "
              "og hele forløpet til hver klient.",
    },
    "sup.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "sup.therapist_placeholder": {"en": "Choose a therapist", "nb": "Velg en terapeut"},
    "sup.therapist_help": {
        "en": "Therapists with a client whose latest session in the period was with them. "
              "The address keeps the choice, so a copied link opens the same caseload.",
        "nb": "Terapeuter med en klient som hadde sin siste time i perioden hos dem. "
              "Adressen tar vare på valget, så en kopiert lenke åpner den samme klientlisten.",
    },
    "sup.choose_therapist": {
        "en": "Choose a therapist above to see their caseload. The table shows how many clients of each "
              "therapist carry a flag.",
        "nb": "Velg en terapeut over for å se klientlisten. Tabellen viser hvor mange klienter hver terapeut "
              "har med flagg.",
    },
    "sup.no_clients": {
        "en": "No client had an attended session in this period: widen the period or clear a filter.",
        "nb": "Ingen klient hadde en gjennomført time i perioden: utvid perioden eller fjern et filter.",
    },
    "sup.therapists_heading": {"en": "Therapists in this selection", "nb": "Terapeuter i utvalget"},
    "sup.col.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "sup.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "sup.col.clients": {"en": "Clients", "nb": "Klienter"},
    "sup.col.flagged": {"en": "Flagged clients", "nb": "Klienter med flagg"},
    "sup.caseload_heading": {"en": "Caseload of {therapist}", "nb": "Klientlisten til {therapist}"},
    "sup.caseload_count_one": {
        "en": "1 client with an attended session in the period; {flagged} with at least one flag.",
        "nb": "1 klient med en gjennomført time i perioden; {flagged} med minst ett flagg.",
    },
    "sup.caseload_count": {
        "en": "{n} clients with an attended session in the period; {flagged} with at least one flag.",
        "nb": "{n} klienter med en gjennomført time i perioden; {flagged} med minst ett flagg.",
    },
    "sup.caseload_note": {
        "en": "A client belongs to the therapist of their latest session in the period. The flags are "
              "described in the Methods page; they point to a conversation, they do not judge.",
        "nb": "En klient hører til terapeuten fra sin siste time i perioden. Flaggene er beskrevet på "
              "Metode-siden; de peker på en samtale, de feller ingen dom.",
    },
    "sup.col.client": {"en": "Client", "nb": "Klient"},
    "sup.col.sessions": {"en": "Sessions", "nb": "Timer"},
    "sup.col.rated": {"en": "Rated", "nb": "Med SRS"},
    "sup.col.last_session": {"en": "Last session", "nb": "Siste time"},
    "sup.col.last_srs": {"en": "Last SRS", "nb": "Siste SRS"},
    "sup.col.concern": {"en": "Concern", "nb": "Bekymring"},
    "sup.col.reason": {"en": "Why", "nb": "Hvorfor"},
    "sup.col.rank": {"en": "#", "nb": "#"},
    "sup.show_inactive": {"en": "Include clients not seen in the last {weeks} weeks",
                          "nb": "Ta med klienter som ikke har vært til time de siste {weeks} ukene"},
    "sup.inactive_left_out": {
        "en": "{n} client(s) not seen in the last {weeks} weeks (treatment likely finished) are left out.",
        "nb": "{n} klient(er) som ikke har vært til time de siste {weeks} ukene (behandlingen er trolig avsluttet), "
              "er utelatt."},
    "sup.no_active_clients": {
        "en": "No client has been seen in the last {weeks} weeks of this period; include the others to see them.",
        "nb": "Ingen klient har vært til time de siste {weeks} ukene av perioden; ta med de andre for å se dem."},
    "sup.concern_help": {
        "en": "The weighted count of the flags that orders the agenda (deteriorated 5, not on track 4, "
              "rupture 3, low alliance 2, large discrepancy 2, no recent feedback 1, ceiling 1).",
        "nb": "Den vektede summen av flaggene som ordner agendaen (forverret 5, ikke i rute 4, brudd 3, "
              "lav allianse 2, stort sprik 2, ingen nylig tilbakemelding 1, takeffekt 1).",
    },
    # Short column headers for the caseload table; the full name and rule are in each column's help.
    "sup.flagcol.deteriorated": {"en": "Worse", "nb": "Forverret"},
    "sup.flagcol.not_on_track": {"en": "Off track", "nb": "Ikke i rute"},
    "sup.flagcol.rupture_flag": {"en": "Rupture", "nb": "Brudd"},
    "sup.flagcol.low_alliance": {"en": "Low SRS", "nb": "Lav SRS"},
    "sup.flagcol.large_discrepancy": {"en": "Gap", "nb": "Sprik"},
    "sup.flagcol.no_recent_feedback": {"en": "No SRS", "nb": "Ingen SRS"},
    "sup.flagcol.ceiling": {"en": "Ceiling", "nb": "Takeffekt"},
    "sup.flaghelp.deteriorated": {
        "en": "Deteriorated: the last ORS is at least the reliable change below the client's first ORS ever.",
        "nb": "Forverret: siste ORS er minst en reliabel endring under klientens aller første ORS."},
    "sup.flaghelp.not_on_track": {
        "en": "Not on track: the last two ORS are below the band that one in ten of the clinic's clients fall "
              "below at the same point of treatment.",
        "nb": "Ikke på sporet: de to siste ORS er under båndet som én av ti av klinikkens klienter havner under på "
              "samme tidspunkt i behandlingen."},
    "sup.flaghelp.rupture_flag": {
        "en": "Rupture: a rupture at one of the latest rated sessions is not repaired, and the fall "
              "is larger than the usual movement from session to session (a reliable change).",
        "nb": "Brudd: et brudd ved en av de siste vurderte timene er ikke reparert, og fallet er "
              "større enn den vanlige variasjonen fra time til time (en reliabel endring)."},
    "sup.flaghelp.low_alliance": {
        "en": "Low alliance: the last rated session's SRS is below the cutoff and reliably below what this "
              "client usually gives at this point of treatment.",
        "nb": "Lav allianse: SRS ved siste vurderte time er under grensen og reliabelt under det klienten "
              "vanligvis gir på dette tidspunktet i behandlingen."},
    "sup.flaghelp.large_discrepancy": {
        "en": "Large discrepancy: client and therapist WAI-SR means at least one point apart at the latest "
              "session both rated.",
        "nb": "Stort sprik: klientens og terapeutens WAI-SR-snitt minst ett poeng fra hverandre ved siste time "
              "begge vurderte."},
    "sup.flaghelp.no_recent_feedback": {"en": "No recent feedback: none of the last three sessions has a client SRS.",
                                        "nb": "Ingen nylig tilbakemelding: ingen av de tre siste timene har SRS."},
    "sup.flaghelp.ceiling": {"en": "Ceiling: 40 at each of the last 3 rated sessions.",
                             "nb": "Takeffekt: 40 ved hver av de 3 siste vurderte timene."},
    "sup.reason.deteriorated": {"en": "ORS {drop} points lower than at the first session",
                            "nb": "ORS {drop} poeng lavere enn ved første time"},
    "sup.reason.not_on_track": {"en": "not on track (the last two ORS below the expected response)",
                                "nb": "ikke på sporet (de to siste ORS under forventet bedringsforløp)"},
    "sup.reason.since": {"en": ", since {date}", "nb": ", siden {date}"},
    "sup.reason.rupture_flag": {"en": "rupture not repaired ({detail})", "nb": "brudd som ikke er reparert ({detail})"},
    "sup.reason.unrepaired": {"en": "{n} unrepaired", "nb": "{n} ikke reparert"},
    "sup.reason.open": {"en": "{n} still open", "nb": "{n} fortsatt åpent"},
    "sup.reason.low_alliance": {"en": "last SRS {srs}, below the cutoff {cutoff} and well below this client's usual level",
                            "nb": "siste SRS {srs}, under grensen {cutoff} og klart under klientens vanlige nivå"},
    "sup.reason.large_discrepancy": {"en": "client and therapist WAI-SR {gap} points apart",
                                 "nb": "klientens og terapeutens WAI-SR {gap} poeng fra hverandre"},
    "sup.reason.no_recent_feedback": {"en": "no SRS in the last three sessions",
                                  "nb": "ingen SRS de tre siste timene"},
    "sup.reason.ceiling": {"en": "SRS 40 every time: ask in words",
                       "nb": "SRS 40 hver gang: spør med ord"},
    "sup.agenda_heading": {"en": "Agenda: clients worth discussing", "nb": "Agenda: klienter å snakke om"},
    "sup.agenda_note": {
        "en": "In order of concern (outcome first, the quality of the feedback last), then the most recent session.",
        "nb": "Etter bekymring (utfall først, kvaliteten på tilbakemeldingene sist), deretter siste time.",
    },
    "sup.agenda_left_out": {
        "en": ("{n} more flagged client(s) are left out: the agenda lists at most {budget} % of the caseload "
               "({limit}), those of most concern. All flags are in the caseload above."),
        "nb": ("{n} klient(er) til med flagg er utelatt: agendaen viser høyst {budget} % av klientene ({limit}), "
               "de med høyest prioritet. Alle flagg står i listen over."),
    },
    "sup.agenda_empty": {"en": "No client of {therapist} carries a flag in this period.",
                         "nb": "Ingen klient hos {therapist} har flagg i denne perioden."},
    "sup.client": {"en": "Client", "nb": "Klient"},
    "sup.client_placeholder": {"en": "Choose a client", "nb": "Velg en klient"},
    "sup.client_help": {"en": "The caseload's clients, the most concerning first.",
                        "nb": "Klientene i klientlisten, de mest bekymringsfulle først."},
    "sup.choose_client": {"en": "Choose a client to see their whole course and comments.",
                          "nb": "Velg en klient for å se hele forløpet og kommentarene."},
    "sup.timeline_heading": {"en": "Course of {client}", "nb": "Forløpet til {client}"},
    "sup.timeline_caption": {
        "en": "{n} attended sessions in the period, {rated} with an SRS. Top: the client's SRS (left axis, "
              "0–40) with the cutoff {cutoff}, and the client's and the therapist's WAI-SR (right axis, 1–5). "
              "Bottom: the ORS (0–40) with its cutoff {ors_cutoff}. A drop of {drop} points or more is a "
              "rupture, marked by its repair status.",
        "nb": "{n} gjennomførte timer i perioden, {rated} med SRS. Øverst: klientens SRS (venstre akse, 0–40) "
              "med grensen {cutoff}, og klientens og terapeutens WAI-SR (høyre akse, 1–5). Nederst: ORS (0–40) "
              "med grensen {ors_cutoff}. Et fall på {drop} poeng eller mer er et brudd, merket med om det er "
              "reparert.",
    },
    "sup.comments_heading": {"en": "Comments of {client}", "nb": "Kommentarene til {client}"},
    "sup.comments_count": {"en": "{n} comments, newest first.", "nb": "{n} kommentarer, nyeste først."},
    "sup.comments_count_one": {"en": "1 comment.", "nb": "1 kommentar."},
    "sup.comments_empty": {"en": "This client left no comments in the period.",
                           "nb": "Klienten har ikke skrevet noen kommentarer i perioden."},
    "sup.col.date": {"en": "Date", "nb": "Dato"},
    "sup.col.session": {"en": "Session", "nb": "Time"},
    "sup.col.srs": {"en": "SRS", "nb": "SRS"},
    "sup.col.client_wai": {"en": "Client WAI", "nb": "Klient-WAI"},
    "sup.col.therapist_wai": {"en": "Therapist WAI", "nb": "Terapeut-WAI"},
    "sup.col.ors": {"en": "ORS", "nb": "ORS"},
    "sup.col.comment": {"en": "Comment", "nb": "Kommentar"},
    # The client timeline chart (alliance/charts/timeline.py)
    "timeline.empty": {"en": "No attended sessions of this client in this period.",
                       "nb": "Ingen gjennomførte timer for denne klienten i perioden."},
    "timeline.srs": {"en": "Client SRS", "nb": "Klientens SRS"},
    "timeline.client_wai": {"en": "Client WAI-SR", "nb": "Klientens WAI-SR"},
    "timeline.therapist_wai": {"en": "Therapist WAI-SR", "nb": "Terapeutens WAI-SR"},
    "timeline.ors": {"en": "ORS", "nb": "ORS"},
    "timeline.rupture.repaired": {"en": "Rupture, repaired", "nb": "Brudd, reparert"},
    "timeline.rupture.unrepaired": {"en": "Rupture, unrepaired", "nb": "Brudd, ikke reparert"},
    "timeline.rupture.open": {"en": "Rupture, still open", "nb": "Brudd, fortsatt åpent"},
    "timeline.rupture_hover": {"en": "dropped from {before} to {at}", "nb": "falt fra {before} til {at}"},
    "timeline.session": {"en": "Session {n}", "nb": "Time {n}"},
    "timeline.therapist": {"en": "therapist {id}", "nb": "terapeut {id}"},
    "timeline.cutoff": {"en": "cutoff {value}", "nb": "grense {value}"},
    "timeline.ors_cutoff": {"en": "ORS cutoff {value}", "nb": "ORS-grense {value}"},
    "timeline.srs_axis": {"en": "SRS (0–40)", "nb": "SRS (0–40)"},
    "timeline.wai_axis": {"en": "WAI-SR (1–5)", "nb": "WAI-SR (1–5)"},
    "timeline.ors_axis": {"en": "ORS (0–40)", "nb": "ORS (0–40)"},
    "timeline.date_axis": {"en": "Session date", "nb": "Dato for timen"},
}
