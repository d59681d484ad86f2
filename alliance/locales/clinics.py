"""Texts of the Clinics page and of its charts (alliance/charts/clinics.py)."""
TEXT = {
    "clinics.title": {"en": "Clinics", "nb": "Klinikker"},
    "clinics.intro": {
        "en": "The public clinic and the private practice's sites side by side. Each site keeps its colour on every "
              "chart. Hover a point for the number of sessions or clients behind it.",
        "nb": "Den offentlige klinikken og privatpraksisens steder side om side. Hvert sted har samme farge i alle "
              "figurene. Hold pekeren over et punkt for å se hvor mange timer eller klienter det bygger på."},
    "clinics.sites": {"en": "{sites} · {sessions} attended sessions, {clients} clients in the period.",
                      "nb": "{sites} · {sessions} gjennomførte timer, {clients} klienter i perioden."},
    "clinics.trend.title": {"en": "Alliance per month", "nb": "Allianse per måned"},
    "clinics.trend.read": {
        "en": "Mean client SRS total (0–40) per month and site. Read the direction over several months, not a "
              "single month's step: a month with few rated sessions (see the hover) moves a lot by chance, and the "
              "first months of the data hold mostly new clients, whose alliance is still growing.",
        "nb": "Gjennomsnittlig SRS-sum fra klientene (0–40) per måned og sted. Se på retningen over flere måneder, "
              "ikke på ett enkelt månedsskritt: en måned med få utfylte timer (se pekerteksten) svinger mye av "
              "tilfeldige grunner, og de første månedene i dataene har mest nye klienter, der alliansen ennå vokser."},
    "clinics.dev.title": {"en": "How the alliance develops over the sessions",
                          "nb": "Hvordan alliansen utvikler seg over timene"},
    "clinics.dev.read": {
        "en": "Mean client SRS total at session 1, 2, 3, … with its 95% interval. The shaded band is the early "
              "phase (the first {early} sessions), when the relationship is formed; after it the alliance usually "
              "levels off. Where two sites' intervals do not overlap, the difference is unlikely to be chance. "
              "Noisy: later sessions rest on fewer clients (many treatments are short), so the intervals widen to "
              "the right, and the clients still there are those who stayed. Session numbers count booked sessions, "
              "cancellations included.",
        "nb": "Gjennomsnittlig SRS-sum fra klientene ved time 1, 2, 3, … med 95 % intervall. Det skraverte feltet "
              "er den tidlige fasen (de første {early} timene), når relasjonen etableres; etter den flater "
              "alliansen vanligvis ut. Der to steders intervaller ikke overlapper, er forskjellen neppe tilfeldig. "
              "Usikkerhet: senere timer bygger på færre klienter (mange behandlinger er korte), så intervallene "
              "blir bredere mot høyre, og de som er igjen er de som ble værende. Timenummer teller bestilte timer, "
              "avlysninger medregnet."},
    "clinics.profiles.title": {"en": "Which parts of the alliance are strong", "nb": "Hvilke deler av alliansen er sterke"},
    "clinics.profiles.read": {
        "en": "Left: the four SRS items (0–10). Right: the WAI-SR goal, task and bond subscales (1–5) from the "
              "client's and the therapist's forms. Look at the shape within a site more than at the level, and "
              "compare client with therapist: therapists usually rate the alliance lower. Noisy: SRS items sit near "
              "the top of the scale and move together, so differences of a tenth of a point mean little; the "
              "WAI-SR is filled in at fewer sessions (n in the hover).",
        "nb": "Til venstre: de fire SRS-leddene (0–10). Til høyre: WAI-SR-delskalaene mål, oppgave og bånd (1–5) "
              "fra klientens og terapeutens skjema. Se mer på mønsteret innen et sted enn på nivået, og sammenlign "
              "klient med terapeut: terapeuter vurderer vanligvis alliansen lavere. Usikkerhet: SRS-leddene ligger "
              "nær toppen av skalaen og følger hverandre, så forskjeller på en tidel betyr lite; WAI-SR fylles ut "
              "ved færre timer (n i pekerteksten)."},
    "clinics.outcome.title": {"en": "Outcome categories", "nb": "Utfallskategorier"},
    "clinics.outcome.read": {
        "en": "Share of each site's clients by change on the ORS from first to last score in the period (cutoff "
              "{cutoff}, reliable change {rci}); a client counts at the site of their latest session. Compare the "
              "shares among clients with two or more ORS scores (in the hover). Noisy: treatments still running are "
              "judged on their change so far, a short period cuts courses, and in a small site one client moves a "
              "share by several points.",
        "nb": "Andel av hvert steds klienter etter endring på ORS fra første til siste skår i perioden (grenseverdi "
              "{cutoff}, reliabel endring {rci}); en klient telles ved stedet for sin siste time. Sammenlign "
              "andelene blant klienter med to eller flere ORS-skårer (i pekerteksten). Usikkerhet: pågående "
              "behandlinger vurderes på endringen så langt, en kort periode kutter forløp, og på et lite sted "
              "flytter én klient en andel med flere prosentpoeng."},
    "clinics.early.title": {"en": "Early alliance and outcome", "nb": "Tidlig allianse og utfall"},
    "clinics.early.read": {
        "en": "The correlation between a client's early alliance (mean SRS of the first {early} rated sessions) and "
              "their ORS change, per clinic, with its 95% interval and the number of clients. Research finds about "
              "r = 0.28 on average. Noisy: with few clients the interval is wide; clients who stop after one or two "
              "sessions have no early alliance and drop out of the figure; a correlation does not show that the "
              "alliance causes the change.",
        "nb": "Korrelasjonen mellom klientens tidlige allianse (gjennomsnittlig SRS over de første {early} utfylte "
              "timene) og endringen i ORS, per klinikk, med 95 % intervall og antall klienter. Forskningen finner "
              "i gjennomsnitt omtrent r = 0,28. Usikkerhet: med få klienter blir intervallet bredt; klienter som "
              "slutter etter én eller to timer har ingen tidlig allianse og faller ut av figuren; en korrelasjon "
              "viser ikke at alliansen forårsaker endringen."},
    "clinics.early.note": {"en": "{group}: {note}", "nb": "{group}: {note}"},
    "clinics.model.title": {"en": "Whose alliance goes with outcome: the client's or the therapist's",
                            "nb": "Hvem sin allianse henger sammen med utfallet: klientens eller terapeutens"},
    "clinics.model.read": {
        "en": "A multilevel model of each client's last ORS on their intake ORS and their early alliance, split in "
              "two (Baldwin, Wampold & Imel 2007): within, the ORS points a client ends higher for each SRS point "
              "their early alliance lies above their therapist's other clients'; between, the ORS points for each "
              "SRS point a therapist's clients on average lie above the other therapists'. Each with its 95% "
              "interval, beside the simple correlation of early alliance and last ORS. Research finds the "
              "therapist's part carries most of the association. Noisy: the between effect rests on the number of "
              "therapists, not clients, and with few therapists its interval is too narrow; case mix beyond the "
              "intake ORS is not allowed for, and neither effect shows that the alliance causes the outcome.",
        "nb": "En flernivåmodell av hver klients siste ORS ut fra ORS ved inntak og den tidlige alliansen, delt i to "
              "(Baldwin, Wampold & Imel 2007): innen, hvor mange ORS-poeng høyere en klient ender for hvert "
              "SRS-poeng den tidlige alliansen ligger over terapeutens andre klienters; mellom, ORS-poengene for "
              "hvert SRS-poeng en terapeuts klienter i gjennomsnitt ligger over de andre terapeutenes. Begge med "
              "95 % intervall, ved siden av den enkle korrelasjonen mellom tidlig allianse og siste ORS. Forskningen "
              "finner at terapeutens del bærer det meste av sammenhengen. Usikkerhet: mellom-effekten hviler på "
              "antall terapeuter, ikke klienter, og med få terapeuter er intervallet for smalt; "
              "klientsammensetning utover ORS ved inntak er ikke justert for, og ingen av effektene viser at "
              "alliansen forårsaker utfallet."},
    "clinics.model.sector": {"en": "Sector", "nb": "Sektor"},
    "clinics.model.clients": {"en": "Clients", "nb": "Klienter"},
    "clinics.model.therapists": {"en": "Therapists", "nb": "Terapeuter"},
    "clinics.model.within": {"en": "Within therapists (95% interval)", "nb": "Innen terapeut (95 % intervall)"},
    "clinics.model.between": {"en": "Between therapists (95% interval)", "nb": "Mellom terapeuter (95 % intervall)"},
    "clinics.model.r": {"en": "Simple r (95% interval)", "nb": "Enkel r (95 % intervall)"},
    "clinics.model.value": {"en": "{value} ({low} to {high})", "nb": "{value} ({low} til {high})"},
    "clinics.model.status.few_therapists": {
        "en": "Fewer than 3 therapists in this selection: the between-therapist effect cannot be estimated.",
        "nb": "Færre enn 3 terapeuter i dette utvalget: effekten mellom terapeuter kan ikke anslås."},
    "clinics.model.status.few_clients": {
        "en": "Too few clients with an early alliance and two ORS for the model.",
        "nb": "For få klienter med tidlig allianse og to ORS til modellen."},
    "clinics.model.status.not_converged": {
        "en": "The model did not converge for this selection.",
        "nb": "Modellen konvergerte ikke for dette utvalget."},
    # Charts
    "chart.dev.empty": {"en": "No rated sessions at these session numbers in this period.",
                        "nb": "Ingen utfylte timer med disse timenumrene i perioden."},
    "chart.dev.x": {"en": "Session number", "nb": "Timenummer"},
    "chart.dev.y": {"en": "Mean client SRS (0–40)", "nb": "Gjennomsnittlig SRS fra klient (0–40)"},
    "chart.dev.session": {"en": "Session", "nb": "Time"},
    "chart.dev.early": {"en": "early phase (sessions 1–{early})", "nb": "tidlig fase (time 1–{early})"},
    "chart.dev.n": {"en": "rated sessions", "nb": "utfylte timer"},
    "chart.dev.no_interval": {"en": "no interval (one therapist)", "nb": "intet intervall (én terapeut)"},
    "chart.mean": {"en": "Mean", "nb": "Gjennomsnitt"},
    "chart.interval": {"en": "95% interval", "nb": "95 % intervall"},
    "chart.profiles.empty": {"en": "No SRS or WAI-SR items in this period.",
                             "nb": "Ingen SRS- eller WAI-SR-ledd i denne perioden."},
    "chart.profiles.srs": {"en": "SRS items (0–10)", "nb": "SRS-ledd (0–10)"},
    "chart.profiles.wai": {"en": "WAI-SR subscales (1–5)", "nb": "WAI-SR-delskalaer (1–5)"},
    "chart.profiles.srs_relationship": {"en": "Relationship", "nb": "Relasjon"},
    "chart.profiles.srs_goals_topics": {"en": "Goals and topics", "nb": "Mål og tema"},
    "chart.profiles.srs_approach": {"en": "Approach or method", "nb": "Tilnærming eller metode"},
    "chart.profiles.srs_overall": {"en": "Overall", "nb": "Totalt"},
    "chart.profiles.client_goal": {"en": "Client: goal", "nb": "Klient: mål"},
    "chart.profiles.client_task": {"en": "Client: task", "nb": "Klient: oppgave"},
    "chart.profiles.client_bond": {"en": "Client: bond", "nb": "Klient: bånd"},
    "chart.profiles.therapist_goal": {"en": "Therapist: goal", "nb": "Terapeut: mål"},
    "chart.profiles.therapist_task": {"en": "Therapist: task", "nb": "Terapeut: oppgave"},
    "chart.profiles.therapist_bond": {"en": "Therapist: bond", "nb": "Terapeut: bånd"},
    "chart.profiles.forms": {"en": "forms", "nb": "skjema"},
    "chart.profiles.clients": {"en": "clients", "nb": "klienter"},
    "chart.outcome.empty": {"en": "No clients in this period.", "nb": "Ingen klienter i denne perioden."},
    "chart.outcome.x": {"en": "Share of the clients (%)", "nb": "Andel av klientene (%)"},
    "chart.outcome.legend": {"en": "Outcome", "nb": "Utfall"},
    "chart.outcome.n_clients": {"en": "clients", "nb": "klienter"},
    "chart.outcome.of_all": {"en": "of all clients", "nb": "av alle klienter"},
    "chart.outcome.of_assessed": {"en": "of those with 2+ ORS", "nb": "av dem med 2+ ORS"},
    "chart.outcome.group_n": {"en": "{group} (n = {n})", "nb": "{group} (n = {n})"},
    "outcome.recovered": {"en": "recovered", "nb": "restituert"},
    "outcome.improved": {"en": "improved", "nb": "bedret"},
    "outcome.unchanged": {"en": "unchanged", "nb": "uendret"},
    "outcome.deteriorated": {"en": "deteriorated", "nb": "forverret"},
    "outcome.insufficient": {"en": "insufficient (< 2 ORS)", "nb": "for lite data (< 2 ORS)"},
    "chart.early.empty": {"en": "Too few clients with both an early alliance and an ORS change in this period.",
                          "nb": "For få klienter med både tidlig allianse og ORS-endring i denne perioden."},
    "chart.early.x": {"en": "Correlation r: early alliance and ORS change",
                      "nb": "Korrelasjon r: tidlig allianse og ORS-endring"},
    "chart.early.zero": {"en": "no relation", "nb": "ingen sammenheng"},
    "chart.early.research": {"en": "research: r = {r}", "nb": "forskning: r = {r}"},
    "chart.early.n": {"en": "clients", "nb": "klienter"},
    "chart.early.mean_early": {"en": "Mean early alliance", "nb": "Gjennomsnittlig tidlig allianse"},
    "chart.early.mean_change": {"en": "Mean ORS change", "nb": "Gjennomsnittlig ORS-endring"},
    "chart.early.group_n": {"en": "{group} (n = {n})", "nb": "{group} (n = {n})"},
}
