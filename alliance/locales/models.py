"""Texts for the statistical models' states (alliance/stats.py MODEL_STATUS), said wherever a model's figures are shown."""
TEXT = {
    "model.status.fitted": {"en": "The model was fitted.", "nb": "Modellen er tilpasset."},
    "model.status.boundary": {
        "en": "The therapists' clients differ no more than chance would give, so the model puts every therapist "
              "at the overall level.",
        "nb": "Klientene til de ulike terapeutene skiller seg ikke mer fra hverandre enn tilfeldighetene tilsier, "
              "så modellen plasserer alle terapeutene på det samlede nivået.",
    },
    "model.status.few_therapists": {
        "en": "There are fewer than two therapists in this selection.",
        "nb": "Utvalget har færre enn to terapeuter.",
    },
    "model.status.one_client_each": {
        "en": "No therapist in this selection has more than one client.",
        "nb": "Ingen terapeut i utvalget har mer enn én klient.",
    },
    "model.status.same_intake": {
        "en": "Every client in this selection has the same ORS at the first session, so there is no case mix "
              "to adjust for.",
        "nb": "Alle klientene i utvalget har samme ORS i første time, så det er ingen forskjell i klientgrunnlag "
              "å justere for.",
    },
    "model.status.no_variation": {
        "en": "Every score in this selection is the same.",
        "nb": "Alle skårene i utvalget er like.",
    },
    "model.status.one_session_each": {
        "en": "No client in this selection has more than one rated session.",
        "nb": "Ingen klient i utvalget har mer enn én time med SRS.",
    },
    "model.status.no_session_variation": {
        "en": "No client's score changes from session to session in this selection.",
        "nb": "Ingen klients skår endrer seg fra time til time i utvalget.",
    },
    "model.status.not_converged": {
        "en": "The model's estimation did not settle on one answer for this selection.",
        "nb": "Modellen fant ikke ett entydig svar for dette utvalget.",
    },
    "model.status.few_clients": {
        "en": "The clinic has too few clients with two or more ORS, or too little spread in their scores, to "
              "learn its usual course.",
        "nb": "Klinikken har for få klienter med to eller flere ORS, eller for lite spredning i skårene, til å "
              "beregne det vanlige forløpet.",
    },
    "model.status.response_not_converged": {
        "en": "The clinic's usual course could not be estimated from its data.",
        "nb": "Det vanlige forløpet for klinikken kunne ikke beregnes ut fra dataene.",
    },
    "model.status.one_ors": {
        "en": "Only one ORS so far: nothing to compare yet.",
        "nb": "Bare én ORS så langt: ingenting å sammenligne med ennå.",
    },
    "model.status.one_later": {
        "en": "Only one ORS after the first: two in a row below the expected response are needed to judge.",
        "nb": "Bare én ORS etter den første: det trengs to på rad under forventet forløp for å vurdere.",
    },
    "model.status.few_judged": {
        "en": "Fewer than 3 therapists have enough clients to be judged, so the spread between ordinary therapists "
              "cannot be estimated: the limits allow for chance alone and are narrower than they should be.",
        "nb": "Færre enn 3 terapeuter har nok klienter til å bli vurdert, så spredningen mellom vanlige terapeuter "
              "kan ikke anslås: grensene tar bare hensyn til tilfeldigheter og er smalere enn de burde være.",
    },
    # Said where a model cannot be fitted: one sentence, with the reason, and what is shown instead.
    "therapists.effects.unavailable": {
        "en": "No model estimates for this selection: {reason} The plain means are shown instead, without "
              "intervals and unranked.",
        "nb": "Ingen modellestimater for dette utvalget: {reason} Ujusterte gjennomsnitt vises i stedet, uten "
              "intervaller og uten rangering.",
    },
    "therapists.effects.plain_x": {"en": "Plain mean SRS of the rated sessions (no model)",
                                   "nb": "Ujustert SRS-snitt for timene med SRS (uten modell)"},
    "therapists.effects.plain_name": {"en": "plain mean", "nb": "ujustert gjennomsnitt"},
    "therapists.effects.plain_hover": {
        "en": "Plain mean %{x:.2f}<br>%{customdata[0]} clients, %{customdata[1]} rated sessions",
        "nb": "Ujustert gjennomsnitt %{x:.2f}<br>%{customdata[0]} klienter, %{customdata[1]} timer med SRS",
    },
    "therapists.icc.unavailable_reason": {
        "en": "The therapist share cannot be estimated for this selection: {reason}",
        "nb": "Terapeutandelen kan ikke beregnes for dette utvalget: {reason}",
    },
    "sup.on_track_unavailable": {
        "en": "Not on track cannot be judged for {n} client(s) of {clinic}: {reason}",
        "nb": "«Ikke på sporet» kan ikke vurderes for {n} klient(er) ved {clinic}: {reason}",
    },
}
