"""Texts of the Overview page and of the monthly trend chart."""
TEXT = {
    "overview.title": {"en": "Overview", "nb": "Oversikt"},
    "overview.key_figures": {"en": "The period in figures", "nb": "Perioden i tall"},
    "overview.period": {"en": "From {start} to {end}.", "nb": "Fra {start} til {end}."},
    "overview.metric.clients": {"en": "Active clients", "nb": "Aktive klienter"},
    "overview.metric.clients_help": {
        "en": "Clients with at least one attended session in the period.",
        "nb": "Klienter med minst én gjennomført time i perioden."},
    "overview.metric.sessions": {"en": "Attended sessions", "nb": "Gjennomførte timer"},
    "overview.metric.sessions_help": {
        "en": "Cancelled sessions and no-shows are not counted.",
        "nb": "Avlyste timer og uteblivelser telles ikke."},
    "overview.metric.completion": {"en": "Completion", "nb": "Utfyllingsgrad"},
    "overview.metric.completion_help": {
        "en": "Attended sessions with a client SRS total, as a share of attended sessions: {rated} of {sessions}.",
        "nb": "Gjennomførte timer med SRS-sum fra klienten, som andel av gjennomførte timer: {rated} av {sessions}."},
    "overview.metric.mean_srs": {"en": "Mean SRS", "nb": "Gjennomsnittlig SRS"},
    "overview.metric.mean_srs_help": {
        "en": "Mean client SRS total (0–40) of the {rated} rated sessions.",
        "nb": "Gjennomsnittlig SRS-sum fra klienten (0–40) over de {rated} utfylte timene."},
    "overview.metric.low": {"en": "Low alliance", "nb": "Lav allianse"},
    "overview.metric.low_help": {
        "en": "Share of rated sessions with an SRS total below the cutoff, {cutoff}.",
        "nb": "Andel utfylte timer med SRS-sum under grenseverdien, {cutoff}."},
    "overview.metric.open_ruptures": {"en": "Open ruptures", "nb": "Åpne brudd"},
    "overview.metric.open_ruptures_help": {
        "en": "Ruptures in the period that fewer than {window} rated sessions have followed, "
              "none of them back at the score before: too early to say whether they are repaired.",
        "nb": "Brudd i perioden som færre enn {window} utfylte timer har fulgt, uten at noen av dem er tilbake "
              "på nivået før: for tidlig å si om de er reparert."},
    "overview.trend.title": {"en": "Alliance per month, public and private clinic",
                             "nb": "Allianse per måned, offentlig og privat klinikk"},
    "overview.trend.count": {
        "en": "{rated} rated sessions in {months} months from {start} to {end}.",
        "nb": "{rated} utfylte timer i {months} måneder fra {start} til {end}."},
    "overview.trend.count_one_month": {
        "en": "{rated} rated sessions in 1 month from {start} to {end}.",
        "nb": "{rated} utfylte timer i 1 måned fra {start} til {end}."},
    "overview.trend.read": {
        "en": "Each point is the mean client SRS total (0–40) of the month's rated sessions. "
              "Months with few rated sessions are noisy: hover a point to see how many sessions and clients it "
              "rests on. The dashed line is the cutoff, {cutoff}: a session below it counts as low alliance.",
        "nb": "Hvert punkt er gjennomsnittlig SRS-sum fra klientene (0–40) over månedens utfylte timer. "
              "Måneder med få utfylte timer gir tilfeldige utslag: hold pekeren over et punkt for å se hvor mange "
              "timer og klienter det bygger på. Den stiplede linjen er grenseverdien, {cutoff}: en time under den "
              "regnes som lav allianse."},
    "overview.trend.empty": {"en": "No rated sessions in this period: widen the period to see the trend.",
                             "nb": "Ingen utfylte timer i denne perioden: utvid perioden for å se utviklingen."},
    "overview.attention.title": {"en": "Clients needing attention now", "nb": "Klienter som trenger oppmerksomhet nå"},
    "overview.attention.intro": {
        "en": "The {shown} clients of most concern out of {flagged} with at least one flag, outcome signals first. "
              "Go through them in a supervision meeting on the Supervision page, which shows each client's course "
              "and every flag.",
        "nb": "De {shown} klientene med størst bekymring av {flagged} med minst ett varsel, utfallssignaler først. "
              "Gå gjennom dem i et veiledningsmøte på siden Veiledning, som viser hver klients forløp og alle "
              "varsler."},
    "overview.attention.none": {"en": "No client has a flag in this period.",
                                "nb": "Ingen klient har varsler i denne perioden."},
    "overview.col.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "overview.col.client": {"en": "Client", "nb": "Klient"},
    "overview.col.therapist": {"en": "Therapist", "nb": "Terapeut"},
    "overview.col.flags": {"en": "Flags", "nb": "Varsler"},
    "overview.col.last_session": {"en": "Last session", "nb": "Siste time"},
    "overview.col.concern": {"en": "Concern", "nb": "Bekymring"},
    "overview.col.concern_help": {
        "en": "A weighted count of the flags that orders the list (deteriorated 5, not on track 4, rupture 3, "
              "low alliance 2, large discrepancy 2, no recent feedback 1, ceiling 1); not a score of the client.",
        "nb": "Et vektet antall varsler som ordner listen (forverret 5, ikke i rute 4, brudd 3, lav allianse 2, "
              "stort avvik 2, ingen nylig tilbakemelding 1, tak 1); ikke en vurdering av klienten."},
    "flag.deteriorated": {"en": "deteriorated", "nb": "forverret"},
    "flag.not_on_track": {"en": "not on track", "nb": "ikke i rute"},
    "flag.rupture_flag": {"en": "rupture", "nb": "brudd"},
    "flag.low_alliance": {"en": "low alliance", "nb": "lav allianse"},
    "flag.large_discrepancy": {"en": "large discrepancy", "nb": "stort avvik"},
    "flag.no_recent_feedback": {"en": "no recent feedback", "nb": "ingen nylig tilbakemelding"},
    "flag.ceiling": {"en": "ceiling", "nb": "tak"},
    # The monthly trend chart (alliance/charts/trend.py)
    "chart.trend.empty": {"en": "No rated sessions in this period.", "nb": "Ingen utfylte timer i denne perioden."},
    "chart.trend.cutoff": {"en": "cutoff {cutoff}", "nb": "grense {cutoff}"},
    "chart.trend.y": {"en": "Mean client SRS (0–40)", "nb": "Gjennomsnittlig SRS fra klient (0–40)"},
    "chart.trend.x": {"en": "Month", "nb": "Måned"},
    "chart.trend.mean": {"en": "Mean client SRS", "nb": "Gjennomsnittlig SRS"},
    "chart.trend.interval": {"en": "95% interval", "nb": "95 % intervall"},
    "chart.trend.rated_sessions": {"en": "rated sessions", "nb": "utfylte timer"},
    "chart.trend.clients": {"en": "clients", "nb": "klienter"},
    "chart.group.sector": {"en": "Sector", "nb": "Sektor"},
    "chart.group.clinic": {"en": "Clinic", "nb": "Klinikk"},
    "chart.group.site": {"en": "Site", "nb": "Sted"},
}
