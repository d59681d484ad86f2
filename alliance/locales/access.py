"""Texts of login, roles and local mode (alliance/ui/auth.py)."""
TEXT = {
    "auth.local_banner": {
        "en": "Running without login: only this computer can open the dashboard, and whoever uses it sees all "
              "the data. To let others in, configure login (docs/security.md).",
        "nb": "Kjører uten innlogging: bare denne datamaskinen kan åpne dashbordet, og den som bruker den ser alle "
              "dataene. Sett opp innlogging for å slippe andre inn (docs/security.md)."},
    "auth.exposed": {
        "en": "The dashboard runs without login but listens on {address}, where other computers can reach it, so "
              "it shows nothing: configure login in .streamlit/secrets.toml, listen on 127.0.0.1 only, or set "
              "{env}=1 to allow this on purpose.",
        "nb": "Dashbordet kjører uten innlogging, men lytter på {address}, der andre datamaskiner når det, så det "
              "viser ingenting: sett opp innlogging i .streamlit/secrets.toml, lytt bare på 127.0.0.1, eller sett "
              "{env}=1 for å tillate dette med vilje."},
    "auth.every_address": {"en": "every address", "nb": "alle adresser"},
    "auth.broken_secrets": {
        "en": "The login settings in {path} could not be read, so the dashboard shows nothing until they are fixed.",
        "nb": "Innloggingsinnstillingene i {path} kunne ikke leses, så dashbordet viser ingenting før de er rettet."},
    "auth.bad_config": {
        "en": "Login is configured in secrets.toml but cannot start ({problem}); ask the data manager to fix the "
              "[auth] section.",
        "nb": "Innlogging er satt opp i secrets.toml, men kan ikke starte ({problem}); be dataansvarlig rette "
              "[auth]-delen."},
    "auth.login_intro": {
        "en": "Sign in with your clinic account to see the dashboard.",
        "nb": "Logg inn med kontoen din i klinikken for å se dashbordet."},
    "auth.login_button": {"en": "Sign in", "nb": "Logg inn"},
    "auth.expired": {
        "en": "Your sign-in has expired, so the session has ended; sign in again to go on.",
        "nb": "Innloggingen din er utløpt, så økten er avsluttet; logg inn igjen for å fortsette."},
    "auth.refused": {
        "en": "{email} is not on this dashboard's access list, so it shows you nothing; ask your clinic's data "
              "manager to add you, or log out and sign in with another account.",
        "nb": "{email} står ikke på tilgangslisten til dette dashbordet, så det viser deg ingenting; be "
              "dataansvarlig i klinikken legge deg til, eller logg ut og logg inn med en annen konto."},
    "auth.no_email": {
        "en": "Your sign-in carried no e-mail address, so the dashboard cannot find you on its access list; ask your "
              "clinic's data manager.",
        "nb": "Innloggingen din hadde ingen e-postadresse, så dashbordet finner deg ikke på tilgangslisten; spør "
              "dataansvarlig i klinikken."},
    "auth.unverified": {
        "en": "The identity provider has not verified that {email} belongs to you, so the dashboard cannot let you "
              "in; ask your clinic's data manager.",
        "nb": "Identitetsleverandøren har ikke bekreftet at {email} tilhører deg, så dashbordet kan ikke slippe deg "
              "inn; spør dataansvarlig i klinikken."},
    "auth.access_error": {
        "en": "Nobody can be let in until the access list is fixed: {problem}",
        "nb": "Ingen kan slippes inn før tilgangslisten er rettet: {problem}"},
    "auth.page_refused": {
        "en": "This page is for {roles} only; your role is {role}.",
        "nb": "Denne siden er bare for {roles}; rollen din er {role}."},
    "auth.signed_in_as": {"en": "Signed in as {who}", "nb": "Logget inn som {who}"},
    "auth.role_line": {"en": "Role: {role}", "nb": "Rolle: {role}"},
    "auth.logout": {"en": "Log out", "nb": "Logg ut"},
    "auth.role.admin": {"en": "administrator", "nb": "administrator"},
    "auth.role.supervisor": {"en": "supervisor", "nb": "veileder"},
    "auth.role.therapist": {"en": "therapist", "nb": "terapeut"},
    "auth.role.local": {"en": "local use without login", "nb": "lokal bruk uten innlogging"},
}
