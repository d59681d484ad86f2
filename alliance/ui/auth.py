"""Who is looking: sign-in through the clinic's identity provider (OpenID Connect), the access file, local mode.

Every page run starts here (`require_viewer`, called by the router and by
`frame.start`/`frame.ensure` before anything reads the store):

- With an `[auth]` section in `.streamlit/secrets.toml`, a visitor signs in with
  `st.login`; their e-mail is looked up in the access file (alliance/access.py),
  which alone decides their role and scope. Nobody else gets anything but one
  sentence and a log-out button. A sign-in ends when its identity token expires
  (the `exp` claim) or with Log out.
- Without `[auth]`, the dashboard runs in local mode: everything is visible, every
  page says so, and it refuses to serve when it listens where other computers can
  reach it, unless ALLIANCE_ALLOW_NO_LOGIN=1.

The viewer's scope goes to `st.session_state["scope"]` (read by state.current_scope)
only from here, on every run; never from the address bar or a widget.
"""
from __future__ import annotations

import contextvars
import logging
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from .. import i18n
from ..access import (
    ALLOW_NO_LOGIN_ENV, LOCAL_VIEWER, PAGE_ROLES, AccessError, Viewer, is_expired, load_access, no_login_refusal,
    page_allowed,
)
from ..i18n import t
from ..scope import Scope
from .state import code, escape_markdown

VIEWER_KEY = "viewer"
SCOPE_KEY = "scope"
_LOGIN_RECORDED_KEY = "_auth_login_recorded"
_REFUSAL_RECORDED_KEY = "_auth_refusal_recorded"

# What a visitor who is not (or no longer) let in may see: nothing at all.
NOTHING = Scope(clinics=(), therapists=(), sites=(), peers=())

log = logging.getLogger(__name__)

# The viewer this run has established (the router and the frame both ask; the first answer holds).
_this_runs_viewer = contextvars.ContextVar("alliance_viewer_of_run", default=None)


def _this_run():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def _under_apptest() -> bool:
    """AppTest runs the script on a mocked runtime: no server listens anywhere."""
    from streamlit import runtime

    return runtime.exists() and type(runtime.get_instance()).__module__.startswith("unittest.mock")


# --------------------------------------------------------------------------- configuration


def login_settings() -> Mapping:
    """The `[auth]` section of the secrets Streamlit reads (empty without one)."""
    from streamlit.auth_util import get_secrets_auth_section

    return get_secrets_auth_section()


def login_configured() -> bool:
    return bool(login_settings())


def broken_secrets_file() -> str | None:
    """A secrets.toml that exists but cannot be read (Streamlit would then quietly run without login)."""
    for name in st.get_option("secrets.files") or []:
        path = Path(name)
        if path.suffix == ".toml" and path.is_file():
            try:
                tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return str(path)
    return None


def providers(settings: Mapping) -> list[str | None]:
    """The providers to offer: None for one configured directly under [auth], else each [auth.NAME]."""
    if any(k in settings for k in ("client_id", "server_metadata_url")):
        return [None]
    return [name for name, value in settings.items() if isinstance(value, Mapping)
            and any(k in value for k in ("client_id", "server_metadata_url"))] or [None]


def _config_problem(provider: str | None) -> str | None:
    from streamlit.auth_util import validate_auth_credentials
    from streamlit.errors import StreamlitAuthError

    try:
        validate_auth_credentials(provider or "default")
    except StreamlitAuthError as exc:
        return " ".join(str(exc).split())
    return None


# --------------------------------------------------------------------------- the viewer


def current_viewer() -> Viewer | None:
    """The viewer this session established (None before `require_viewer` let anyone in)."""
    viewer = st.session_state.get(VIEWER_KEY)
    return viewer if isinstance(viewer, Viewer) else None


def viewer_role() -> str | None:
    """The viewer's role (admin, supervisor, therapist or local), or None when nobody is let in."""
    viewer = current_viewer()
    return viewer.role if viewer else None


def require_viewer() -> Viewer:
    """The viewer of this run; anyone not let in gets one sentence and the run stops."""
    run = _this_run()
    done = _this_runs_viewer.get()
    if run is not None and done is not None and done[0] is run:
        return done[1]
    _set_language_early()
    viewer = _local_viewer() if not login_configured() else _signed_in_viewer()
    _this_runs_viewer.set((run, viewer))
    return viewer


def require_page(file: str) -> None:
    """Stop a page the viewer's role may not open (a link to it, or a page Streamlit runs on its own)."""
    role = viewer_role()
    if page_allowed(file, role):
        return
    roles = f" {t('word.and')} ".join(t(f"auth.role.{r}") for r in PAGE_ROLES.get(file, ()) if r != "local")
    st.warning(t("auth.page_refused", roles=roles, role=t(f"auth.role.{role}") if role else "–"))
    st.stop()


def _set_language_early() -> None:
    """The sign-in page and the banners come before the language switch: use the chosen or linked language."""
    lang = st.session_state.get("f_lang") or st.query_params.get("lang")
    i18n.set_language(lang if isinstance(lang, str) else i18n.DEFAULT_LANGUAGE)


def _local_viewer() -> Viewer:
    broken = broken_secrets_file()
    if broken:
        _stop_with(t("auth.broken_secrets", path=code(broken)))
    address = st.get_option("server.address")
    if not _under_apptest() and no_login_refusal(address, login_configured=False) is not None:
        _stop_with(t("auth.exposed", address=code(address) if address else t("auth.every_address"),
                     env=code(ALLOW_NO_LOGIN_ENV)))
    # Markdown rather than an alert box: the pages' own info and warning boxes stay the only ones.
    st.markdown(f":orange-background[:material/lock_open: {t('auth.local_banner')}]")
    st.session_state[VIEWER_KEY] = LOCAL_VIEWER
    # Local mode sees everything; a narrower scope already set by code (the page tests) can only show less.
    scope = st.session_state.get(SCOPE_KEY)
    if not isinstance(scope, Scope) or scope == NOTHING:
        st.session_state[SCOPE_KEY] = LOCAL_VIEWER.scope
    return LOCAL_VIEWER


def _signed_in_viewer() -> Viewer:
    user = st.user
    if not user.get("is_logged_in"):
        _sign_in_page()
    if is_expired(user.get("exp"), time.time()):
        _sign_in_page(t("auth.expired"))
    email = user.get("email")
    if not isinstance(email, str) or not email.strip():
        _on_refused(str(user.get("sub") or "unknown"), "no_email")
        _refuse(t("auth.no_email"))
    if user.get("email_verified") is False:
        # The provider itself says the address is not proven to be theirs (self-registration, a typo).
        _on_refused(email.strip(), "email_not_verified")
        _refuse(t("auth.unverified", email=code(email.strip())))
    try:
        access = load_access()
    except AccessError as exc:
        log.warning("Nobody can sign in: %s", exc)
        _on_refused(email.strip(), "access_file_error")
        _refuse(t("auth.access_error", problem=escape_markdown(exc)))
    name = user.get("name")
    viewer = access.viewer(email, name if isinstance(name, str) else None)
    if viewer is None:
        _on_refused(email.strip(), "not_in_access_file")
        _refuse(t("auth.refused", email=code(email.strip())))
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[SCOPE_KEY] = viewer.scope
    signed_in = (viewer.email.casefold(), user.get("iat"), user.get("exp"))
    if st.session_state.get(_LOGIN_RECORDED_KEY) != signed_in:
        st.session_state[_LOGIN_RECORDED_KEY] = signed_in
        _on_login(viewer)
    _sidebar(viewer)
    _end_at_expiry(user.get("exp"))
    return viewer


def _end_at_expiry(exp) -> None:
    """A page left open past the token's expiry is replaced by the sign-in page, without a click."""
    try:
        left = float(exp) - time.time()
    except (TypeError, ValueError):
        return  # is_expired already ended such a session

    # Wake shortly after the expiry (and at least every 5 minutes, as a clock may jump).
    @st.fragment(run_every=min(max(left + 1.0, 2.0), 300.0))
    def watch() -> None:
        if is_expired(exp, time.time()):
            st.rerun(scope="app")

    with st.sidebar:
        watch()


def _on_login(viewer: Viewer) -> None:
    """AUDIT CALL SITE: once per browser session, on its first run after a sign-in (the audit trail records it)."""
    _audit("login", viewer, {"method": "oidc"})


def _on_refused(who: str, reason: str) -> None:
    """AUDIT CALL SITE: a signed-in identity the access file does not let in (once per session and reason)."""
    key = (who.casefold(), reason)
    if st.session_state.get(_REFUSAL_RECORDED_KEY) == key:
        return
    st.session_state[_REFUSAL_RECORDED_KEY] = key
    _audit("refused", who or "unknown", {"reason": reason})


def _on_logout(viewer: Viewer | None) -> None:
    """AUDIT CALL SITE: the viewer pressed Log out."""
    if viewer is not None:
        _audit("logout", viewer, {})


def _audit(event: str, who, detail: dict) -> None:
    try:
        from .. import audit
    except ImportError:
        return
    record = getattr(audit, "record", None)
    if record is None:
        return
    try:
        record(event, who, detail=detail)
    except Exception as exc:  # noqa: BLE001 - a failing audit write must not show a traceback; it is logged
        log.error("The %s event could not be written to the audit trail (%s).", event, type(exc).__name__)


def _sidebar(viewer: Viewer) -> None:
    who = viewer.name or viewer.email
    st.sidebar.markdown(t("auth.signed_in_as", who=f"**{escape_markdown(who)}**"))
    if viewer.name:
        st.sidebar.caption(escape_markdown(viewer.email))
    st.sidebar.caption(t("auth.role_line", role=t(f"auth.role.{viewer.role}")))
    if st.sidebar.button(t("auth.logout"), key="auth_logout", icon=":material/logout:"):
        _log_out()


def _log_out() -> None:
    _on_logout(current_viewer())
    _forget()
    st.logout()
    st.stop()


def _forget() -> None:
    """Whatever this session could see goes with the sign-in."""
    st.session_state.pop(VIEWER_KEY, None)
    st.session_state.pop(_LOGIN_RECORDED_KEY, None)
    st.session_state[SCOPE_KEY] = NOTHING


def _only_this_page() -> None:
    """Show no navigation: someone not let in has no other page to go to."""
    if _under_apptest():
        return  # AppTest keeps its own page registry; there is no navigation to show
    st.navigation([st.Page(_nothing, title=t("app.title"), default=True)], position="hidden")


def _nothing() -> None:
    pass


def _sign_in_page(message: str | None = None) -> None:
    _forget()
    _only_this_page()
    st.title(t("app.title"))
    if message:
        st.warning(message)
    settings = login_settings()
    st.write(t("auth.login_intro"))
    for provider in providers(settings):
        problem = _config_problem(provider)
        if problem:
            log.error("Login cannot start: %s", problem)
            st.error(t("auth.bad_config", problem=escape_markdown(problem)))
            continue
        label = t("auth.login_button") + (f" ({provider})" if provider else "")
        if st.button(label, key=f"auth_login_{provider or 'default'}", type="primary", icon=":material/login:"):
            st.login(provider)
    st.stop()


def _refuse(sentence: str) -> None:
    _forget()
    _only_this_page()
    st.warning(sentence)
    if st.button(t("auth.logout"), key="auth_logout_refused", icon=":material/logout:"):
        st.logout()
    st.stop()


def _stop_with(sentence: str) -> None:
    _forget()
    _only_this_page()
    st.error(sentence)
    st.stop()
