"""Texts of the Therapists page and its charts (the funnel plot and the shrunken estimates)."""
TEXT = {
    "therapists.title": {"en": "Therapists: a fair comparison", "nb": "Terapeuter: en rettferdig sammenligning"},
    "therapists.intro": {
        "en": "How the clients of each therapist rate the alliance, compared in a way that allows for chance "
              "and for caseload size. Use it to start a conversation in supervision, not to judge.",
        "nb": "Hvordan klientene til hver terapeut vurderer alliansen, sammenlignet på en måte som tar hensyn "
              "til tilfeldigheter og størrelsen på klientgruppen. Bruk det til å starte en samtale i veiledning, "
              "ikke til å dømme.",
    },
    "therapists.caveat": {
        "en": "Small caseloads are noisy: with few clients, one very happy or very unhappy client moves a "
              "therapist's mean a long way. Therapists with fewer than {n} clients are drawn grey and hollow "
              "and are not judged.",
        "nb": "Små klientgrupper gir mye støy: med få klienter kan én svært fornøyd eller misfornøyd klient flytte "
              "terapeutens gjennomsnitt langt. Terapeuter med færre enn {n} klienter vises grå og hule og blir "
              "ikke vurdert.",
    },
    "therapists.reliable": {
        "en": "The model-based estimates compare a therapist only when their estimate is reliable enough "
              "({reliability}): with the variation in this selection, that takes about {k} clients with {m} rated "
              "sessions each. Instead of a rank, each compared therapist gets the probability that their own level "
              "lies above the average.",
        "nb": "De modellbaserte estimatene sammenligner en terapeut bare når estimatet er pålitelig nok "
              "({reliability}): med variasjonen i dette utvalget krever det omtrent {k} klienter med {m} vurderte "
              "timer hver. I stedet for en rangering får hver terapeut som sammenlignes, sannsynligheten for at "
              "nivået ligger over gjennomsnittet.",
    },
    "therapists.reliable_none": {
        "en": "The therapists in this selection do not differ more than chance gives, so no caseload makes an "
              "estimate reliable enough ({reliability}) to compare: every therapist is drawn grey.",
        "nb": "Terapeutene i dette utvalget skiller seg ikke mer fra hverandre enn tilfeldigheter gir, så ingen "
              "klientgruppe gjør et estimat pålitelig nok ({reliability}) til å sammenligne: alle terapeuter vises "
              "grå.",
    },
    "therapists.no_data": {"en": "the therapist comparison", "nb": "terapeutsammenligningen"},
    # Funnel plot
    "therapists.funnel.heading": {"en": "Funnel plot: mean client alliance against number of clients",
                                  "nb": "Traktdiagram: klientenes gjennomsnittlige allianse mot antall klienter"},
    "therapists.funnel.empty": {"en": "No rated sessions in this selection, so no therapist to compare.",
                                "nb": "Ingen vurderte timer i dette utvalget, så ingen terapeut å sammenligne."},
    "therapists.funnel.x": {"en": "Clients", "nb": "Klienter"},
    "therapists.funnel.y": {"en": "Mean client SRS, allowing for session number",
                            "nb": "Klientenes gjennomsnittlige SRS, justert for timenummer"},
    "therapists.funnel.overall": {"en": "clinic mean {value}", "nb": "klinikkens gjennomsnitt {value}"},
    "therapists.funnel.limit_95": {"en": "95 % limits", "nb": "95 %-grenser"},
    "therapists.funnel.limit_998": {"en": "99.8 % limits", "nb": "99,8 %-grenser"},
    "therapists.funnel.too_few": {"en": "too few clients (not judged)", "nb": "for få klienter (ikke vurdert)"},
    "therapists.funnel.site": {"en": "Site", "nb": "Sted"},
    "therapists.funnel.hover": {
        "en": "Mean client SRS %{y:.2f}<br>%{x} clients, %{customdata[0]} rated sessions<br>%{customdata[1]}",
        "nb": "Klientenes gjennomsnittlige SRS %{y:.2f}<br>%{x} klienter, %{customdata[0]} vurderte timer<br>"
              "%{customdata[1]}",
    },
    "therapists.verdict.inside": {"en": "inside the limits", "nb": "innenfor grensene"},
    "therapists.verdict.above_95": {"en": "above the 95 % limit", "nb": "over 95 %-grensen"},
    "therapists.verdict.below_95": {"en": "below the 95 % limit", "nb": "under 95 %-grensen"},
    "therapists.verdict.above_998": {"en": "above the 99.8 % limit", "nb": "over 99,8 %-grensen"},
    "therapists.verdict.below_998": {"en": "below the 99.8 % limit", "nb": "under 99,8 %-grensen"},
    "therapists.verdict.too_few": {"en": "too few clients: not judged", "nb": "for få klienter: ikke vurdert"},
    "therapists.funnel.caption": {
        "en": "Each point is a therapist: across, the number of clients; up, the mean over those clients of how "
              "far each client's scores lie from what the clinic's clients usually give at the same session "
              "number, added to the clinic's mean. Every client counts once, however many sessions they had. The "
              "funnel is the range that chance and the ordinary differences between therapists give. {outside} of "
              "{judged} judged therapists lie outside the 99.8 % limits.",
        "nb": "Hvert punkt er en terapeut: bortover antall klienter, oppover gjennomsnittet for klientene av hvor "
              "langt hver klients skårer ligger fra det klinikkens klienter vanligvis gir ved samme timenummer, lagt "
              "til klinikkens gjennomsnitt. Hver klient teller én gang, uansett hvor mange timer de har hatt. "
              "Trakten er spennet som tilfeldigheter og de vanlige forskjellene mellom terapeuter gir. {outside} av "
              "{judged} vurderte terapeuter ligger utenfor 99,8 %-grensene.",
    },
    # Shrunken estimates
    "therapists.effects.heading": {"en": "Model-based estimates with 95 % intervals",
                                   "nb": "Modellbaserte estimater med 95 %-intervaller"},
    "therapists.effects.adjust": {"en": "Allow for how distressed clients were at intake (intake ORS)",
                                  "nb": "Ta hensyn til hvor plaget klientene var ved oppstart (ORS ved inntak)"},
    "therapists.effects.adjust_help": {
        "en": "Compares therapists at an average case mix; clients without an ORS in the period are left out.",
        "nb": "Sammenligner terapeutene ved en gjennomsnittlig klientsammensetning; klienter uten ORS i perioden "
              "utelates.",
    },
    "therapists.rows.extremes": {"en": "The {half} highest and {half} lowest of {total} therapists (all are in the table)",
                                 "nb": "De {half} høyeste og {half} laveste av {total} terapeuter (alle står i tabellen)"},
    "therapists.effects.empty": {"en": "No therapist estimates for this selection.",
                                 "nb": "Ingen terapeutestimater for dette utvalget."},
    "therapists.effects.not_fitted": {"en": "The model could not be fitted for this selection.",
                                      "nb": "Modellen kunne ikke tilpasses for dette utvalget."},
    "therapists.effects.x": {"en": "Expected session SRS of an average client (95 % interval)",
                             "nb": "Forventet SRS per time for en gjennomsnittlig klient (95 %-intervall)"},
    "therapists.effects.ranked": {"en": "ranked", "nb": "rangert"},
    "therapists.effects.too_few": {"en": "not reliable enough (not compared)",
                                   "nb": "ikke pålitelig nok (ikke sammenlignet)"},
    "therapists.effects.average": {"en": "average of the estimates {value}",
                                   "nb": "gjennomsnitt av estimatene {value}"},
    "therapists.effects.hover": {
        "en": "Estimate %{x:.2f} (95 % interval %{customdata[0]:.2f} to %{customdata[1]:.2f})<br>"
              "Plain mean %{customdata[2]:.2f}<br>%{customdata[3]} clients, %{customdata[4]} rated sessions"
              "<br>%{customdata[5]}",
        "nb": "Estimat %{x:.2f} (95 %-intervall %{customdata[0]:.2f} til %{customdata[1]:.2f})<br>"
              "Vanlig gjennomsnitt %{customdata[2]:.2f}<br>%{customdata[3]} klienter, %{customdata[4]} vurderte "
              "timer<br>%{customdata[5]}",
    },
    "therapists.effects.p_above": {"en": "{p} probability of lying above the average",
                                   "nb": "{p} sannsynlighet for å ligge over gjennomsnittet"},
    "therapists.effects.not_reliable": {"en": "not reliable enough to compare",
                                        "nb": "ikke pålitelig nok til å sammenligne"},
    "therapists.effects.caption": {
        "en": "Each therapist's estimate is pulled towards the overall level, the more so the less data there is "
              "(shrinkage), and it allows for the usual rise of the alliance over the first sessions. Look at the "
              "intervals before the order; intervals that overlap do not show that two therapists are alike, and the "
              "funnel plot above is the test of whether one stands out. "
              "Clients are not assigned at random, so a difference may still reflect the clients.",
        "nb": "Hver terapeuts estimat trekkes mot det samlede nivået, desto mer jo mindre data det er (krymping), "
              "og tar hensyn til at alliansen vanligvis stiger de første timene. Se på intervallene før "
              "rekkefølgen; intervaller som overlapper, viser ikke at to terapeuter er like, og traktdiagrammet "
              "ovenfor er testen på om én skiller seg ut. "
              "Klientene er ikke tilfeldig fordelt, så en forskjell kan fortsatt skyldes klientene.",
    },
    "therapists.effects.adjusted_note": {
        "en": "Adjusted for intake ORS: {n} client(s) without an ORS in the period are left out.",
        "nb": "Justert for ORS ved inntak: {n} klient(er) uten ORS i perioden er utelatt.",
    },
    # Intraclass correlation
    "therapists.icc.heading": {"en": "How much of the variation lies with therapists",
                               "nb": "Hvor mye av variasjonen som ligger hos terapeutene"},
    "therapists.icc.statement": {
        "en": "{icc} ({interval}) of the variation in session alliance scores (allowing for the usual rise over "
              "the first sessions) lies between therapists, {client} between clients of the same therapist and "
              "{session} between sessions of the same client.",
        "nb": "{icc} ({interval}) av variasjonen i allianseskårene per time (når den vanlige stigningen de første "
              "timene er tatt hensyn til) ligger mellom terapeuter, {client} mellom klienter hos samme terapeut og "
              "{session} mellom timer hos samme klient.",
    },
    "therapists.icc.interval": {"en": "95 % interval {low} to {high}", "nb": "95 %-intervall {low} til {high}"},
    "therapists.icc.no_interval": {"en": "no interval", "nb": "uten intervall"},
    "therapists.icc.meaning": {
        "en": "For supervision: {within} of the variation lies within caseloads, between clients and between "
              "sessions, not between therapists. Who a therapist's clients are matters more than who the "
              "therapist is, so any ranking of therapists is uncertain: neighbouring ranks can easily swap with "
              "other clients or another period. A therapist share of this size still says that working on "
              "alliance skills in supervision can matter.",
        "nb": "For veiledning: {within} av variasjonen ligger innenfor klientgruppene, mellom klienter og mellom "
              "timer, ikke mellom terapeuter. Hvem klientene er betyr mer enn hvem terapeuten er, så enhver "
              "rangering av terapeuter er usikker: naboplasser kan lett bytte plass med andre klienter eller en "
              "annen periode. En terapeutandel av denne størrelsen sier likevel at arbeid med allianseferdigheter "
              "i veiledning kan ha betydning.",
    },
    "therapists.icc.few": {
        "en": "With only {n} therapists in view the share itself is uncertain and its interval too narrow.",
        "nb": "Med bare {n} terapeuter i utvalget er andelen i seg selv usikker og intervallet for smalt.",
    },
    "therapists.icc.unavailable": {
        "en": "The therapist share cannot be estimated for this selection (for example with one therapist).",
        "nb": "Terapeutandelen kan ikke anslås for dette utvalget (for eksempel med én terapeut).",
    },
    # Summary table
    "therapists.summary.heading": {"en": "Summary per therapist", "nb": "Oppsummering per terapeut"},
    "therapists.summary.caption": {
        "en": "{n} therapists. Rated sessions are attended sessions with a client SRS; low means below the cutoff "
              "{cutoff}; discrepancy is client minus therapist WAI-SR. Check the number of clients before the "
              "mean: small caseloads are noisy.",
        "nb": "{n} terapeuter. Vurderte timer er gjennomførte timer med klient-SRS; lav betyr under grensen "
              "{cutoff}; avvik er klientens minus terapeutens WAI-SR. Se på antall klienter før gjennomsnittet: "
              "små klientgrupper gir mye støy.",
    },
    "therapists.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "therapists.col.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "therapists.col.site": {"en": "Site", "nb": "Sted"},
    "therapists.col.sector": {"en": "Sector", "nb": "Sektor"},
    "therapists.col.n_clients": {"en": "Clients", "nb": "Klienter"},
    "therapists.col.n_sessions": {"en": "Attended sessions", "nb": "Gjennomførte timer"},
    "therapists.col.n_rated": {"en": "Rated sessions", "nb": "Vurderte timer"},
    "therapists.col.mean_srs": {"en": "Mean SRS", "nb": "Gjennomsnittlig SRS"},
    "therapists.col.pct_low": {"en": "% low alliance", "nb": "% lav allianse"},
    "therapists.col.n_ruptures": {"en": "Ruptures", "nb": "Brudd"},
    "therapists.col.pct_repaired": {"en": "% repaired", "nb": "% reparert"},
    "therapists.col.mean_discrepancy": {"en": "WAI discrepancy (client − therapist)",
                                        "nb": "WAI-avvik (klient − terapeut)"},
    "therapists.col.completion_rate": {"en": "% completion", "nb": "% utfylling"},
    "therapists.col.too_few": {"en": "Too few to compare", "nb": "For få til å sammenligne"},
    "therapists.col.reliability": {"en": "Reliability", "nb": "Reliabilitet"},
    "therapists.col.estimate": {"en": "Model estimate", "nb": "Modellestimat"},
    "therapists.col.p_above": {"en": "Probability above average", "nb": "Sannsynlighet over gjennomsnittet"},
}
