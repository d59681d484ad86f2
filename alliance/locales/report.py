"""Texts of the supervision pack and the clinic pack (alliance/report.py)."""
TEXT = {
    "report.therapist.title": {"en": "Supervision pack", "nb": "Veiledningspakke"},
    "report.clinic.title": {"en": "Clinic pack", "nb": "Klinikkpakke"},
    "report.therapist.header": {"en": "Supervision pack · therapist {therapist} ({clinic})",
                                "nb": "Veiledningspakke · terapeut {therapist} ({clinic})"},
    "report.clinic.header": {"en": "Clinic pack · {clinic} compared with the other clinics",
                             "nb": "Klinikkpakke · {clinic} sammenlignet med de andre klinikkene"},
    "report.period": {"en": "Period {start} – {end}", "nb": "Periode {start}–{end}"},
    "report.data_date": {"en": "Data: sessions up to {last}; store built {built}.",
                         "nb": "Data: timer til og med {last}; datalageret bygd {built}."},
    "report.page": {"en": "Page {page} of {pages}", "nb": "Side {page} av {pages}"},
    "report.made": {"en": "Made {when} from the Alliance Dashboard; settings: SRS cutoff {cutoff}, "
                          "suppression below {below} clients.",
                    "nb": "Laget {when} fra Alliance Dashboard; innstillinger: SRS-grense {cutoff}, "
                          "skjuling under {below} klienter."},
    "report.therapist.intro": {
        "en": "The caseload of therapist {therapist} at {clinic} in the period: key figures, the alliance and "
              "outcome charts, every client with their flags, the agenda of clients worth discussing in order of "
              "concern, and a selection of the clients' comments, above all from low-alliance sessions. The flags point to a conversation; they do not "
              "judge.",
        "nb": "Klientlisten til terapeut {therapist} ved {clinic} i perioden: nøkkeltall, figurer for allianse og "
              "utfall, alle klienter med flagg, agendaen med klienter det er verdt å snakke om i rekkefølge etter "
              "bekymring, og et utvalg av klientenes kommentarer, særlig fra timer med lav allianse. Flaggene peker på en samtale; de feller ingen dom."},
    "report.confidential": {
        "en": "Confidential: health data about identifiable clients. Keep it with the clinic's records and "
              "shred it after the meeting.",
        "nb": "Konfidensielt: helseopplysninger om klienter som kan identifiseres. Oppbevar det som klinikkens "
              "journaldokumenter og makuler det etter møtet."},
    "report.key_figures": {"en": "Key figures", "nb": "Nøkkeltall"},
    "report.trend.title": {"en": "Alliance per month", "nb": "Allianse per måned"},
    "report.trend.read": {
        "en": "Mean client SRS total (0–40) per month at this therapist's sessions, with its 95% interval; the "
              "dashed line is the cutoff.",
        "nb": "Gjennomsnittlig SRS-sum fra klientene (0–40) per måned i denne terapeutens timer, med 95 % "
              "intervall; den stiplede linjen er grensen."},
    "report.dev.title": {"en": "How the alliance develops over the sessions",
                         "nb": "Hvordan alliansen utvikler seg over timene"},
    "report.dev.read": {
        "en": "Mean client SRS total at session 1, 2, 3, … of this therapist's clients, with its 95% interval.",
        "nb": "Gjennomsnittlig SRS-sum ved time 1, 2, 3, … for denne terapeutens klienter, med 95 % intervall."},
    "report.outcome.title": {"en": "Outcome categories", "nb": "Utfallskategorier"},
    "report.outcome.read": {
        "en": "Clients by outcome on the ORS, first to last score in the period (cutoff {cutoff}, reliable change "
              "{rci}).",
        "nb": "Klienter etter utfall på ORS, fra første til siste skår i perioden (grense {cutoff}, reliabel "
              "endring {rci})."},
    "report.caseload": {"en": "Caseload", "nb": "Klientliste"},
    "report.caseload.none": {
        "en": "No client of this therapist had an attended session in this period.",
        "nb": "Ingen klient hos denne terapeuten hadde en gjennomført time i perioden."},
    "report.col.flags": {"en": "Flags", "nb": "Flagg"},
    "report.agenda": {"en": "Agenda: clients worth discussing", "nb": "Agenda: klienter det er verdt å snakke om"},
    "report.agenda.none": {"en": "No client carries a flag in this period.",
                           "nb": "Ingen klient har flagg i denne perioden."},
    "report.comments": {"en": "Comments", "nb": "Kommentarer"},
    "report.comments.rule": {
        "en": "Up to {limit} comments: those written at a low-alliance session (SRS below {cutoff}) first, newest "
              "first, then the newest of the others. {shown} of {total} comments in the period are shown. The "
              "comments are the clients' own words, printed as they wrote them.",
        "nb": "Inntil {limit} kommentarer: først de som ble skrevet ved en time med lav allianse (SRS under "
              "{cutoff}), nyeste først, deretter de nyeste av de andre. {shown} av {total} kommentarer i perioden "
              "vises. Kommentarene er klientenes egne ord, gjengitt slik de skrev dem."},
    "report.comments.none": {"en": "No client wrote a comment in this period.",
                             "nb": "Ingen klient skrev en kommentar i perioden."},
    "report.col.date": {"en": "Date", "nb": "Dato"},
    "report.col.client": {"en": "Client", "nb": "Klient"},
    "report.col.session": {"en": "Session", "nb": "Time"},
    "report.col.srs": {"en": "SRS", "nb": "SRS"},
    "report.col.comment": {"en": "Comment", "nb": "Kommentar"},
    "report.col.low": {"en": "low", "nb": "lav"},
    "report.col.group": {"en": "Group", "nb": "Gruppe"},
    "report.col.clients": {"en": "Clients", "nb": "Klienter"},
    "report.col.sessions": {"en": "Sessions", "nb": "Timer"},
    "report.col.category": {"en": "Category", "nb": "Kategori"},
    "report.col.share": {"en": "Share", "nb": "Andel"},
    "report.col.mean_srs": {"en": "Mean SRS", "nb": "Snitt SRS"},
    "report.col.r": {"en": "r (95% interval)", "nb": "r (95 % intervall)"},
    "report.hidden": {"en": "hidden", "nb": "skjult"},
    "report.no_charts": {
        "en": "Charts left out: {reason}",
        "nb": "Figurene er utelatt: {reason}"},
    "report.chart_missing": {"en": "(chart left out: see the note on the first page)",
                             "nb": "(figuren er utelatt: se merknaden på første side)"},
    "report.clinic.intro": {
        "en": "{clinic} compared with the other clinics and the private practice's sites in the period: the "
              "alliance per month, its development over the sessions, which parts of it are strong, the outcome "
              "categories, and early alliance against outcome. The same figures as the Clinics page.",
        "nb": "{clinic} sammenlignet med de andre klinikkene og privatpraksisens steder i perioden: alliansen per "
              "måned, utviklingen over timene, hvilke deler av den som er sterke, utfallskategoriene, og tidlig "
              "allianse mot utfall. De samme tallene som på Klinikker-siden."},
    "report.clinic.suppression": {
        "en": "This pack leaves the dashboard, so every cell (a site's month, a session number, an outcome "
              "category) resting on fewer than {below} clients is hidden, whoever's clients they are, with one "
              "more cell where a hidden one could otherwise be worked out from a total. {cells} hidden in this pack.",
        "nb": "Denne pakken forlater dashbordet, så hver celle (et steds måned, et timenummer, en utfallskategori) "
              "som bygger på færre enn {below} klienter er skjult, uansett hvem klientene tilhører, og én celle til "
              "der en skjult celle ellers kunne regnes ut fra en sum. {cells} skjult i denne pakken."},
    "report.sites": {"en": "Groups in the period", "nb": "Grupper i perioden"},
    "report.profiles.title": {"en": "Which parts of the alliance are strong",
                              "nb": "Hvilke deler av alliansen er sterke"},
    "report.early.title": {"en": "Early alliance and outcome", "nb": "Tidlig allianse og utfall"},
    "report.early.read": {
        "en": "Correlation between a client's mean SRS over the first {early} rated sessions and their ORS change, "
              "per clinic, with its 95% interval.",
        "nb": "Korrelasjonen mellom klientens gjennomsnittlige SRS de første {early} vurderte timene og endringen "
              "i ORS, per klinikk, med 95 % intervall."},
    "report.error.no_therapist": {
        "en": "There is no therapist {therapist} with attended sessions that you may see; give it as CLINIC/THERAPIST_ID.",
        "nb": "Det finnes ingen terapeut {therapist} med gjennomførte timer som du har tilgang til; oppgi den som "
              "KLINIKK/TERAPEUT_ID."},
    "report.error.no_clinic": {
        "en": "There is no clinic {clinic} with attended sessions that you may see.",
        "nb": "Det finnes ingen klinikk {clinic} med gjennomførte timer som du har tilgang til."},
    "report.error.period": {"en": "The period starts ({start}) after it ends ({end}).",
                            "nb": "Perioden starter ({start}) etter at den slutter ({end})."},
    "report.error.fonts": {
        "en": "The pack needs the DejaVu fonts for æ, ø and å; install them (on Debian or Ubuntu: apt-get install "
              "fonts-dejavu-core).",
        "nb": "Pakken trenger DejaVu-skriftene for æ, ø og å; installer dem (på Debian eller Ubuntu: apt-get install "
              "fonts-dejavu-core)."},
    "report.button.therapist": {"en": "Make the supervision pack (PDF)", "nb": "Lag veiledningspakken (PDF)"},
    "report.button.clinic": {"en": "Make the clinic pack (PDF)", "nb": "Lag klinikkpakken (PDF)"},
    "report.button.download": {"en": "Download {name}", "nb": "Last ned {name}"},
    "report.button.help": {
        "en": "One PDF for a meeting: the period in the filters, in the language chosen. Takes a few seconds.",
        "nb": "Én PDF til et møte: perioden i filtrene, på språket som er valgt. Tar noen sekunder."},
    "report.clinic_choice": {"en": "Clinic of the pack", "nb": "Klinikk for pakken"},
    "report.building": {"en": "Making the pack…", "nb": "Lager pakken …"},
}
