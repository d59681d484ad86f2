"""Login in a real browser: a mock OpenID Connect provider, a dashboard server with [auth], and Chromium.

One provider (oidc-provider-mock, in a thread) and one dashboard server for the module.
The server reads its own secrets.toml (`--secrets.files`), never the repository's, and
its access file through ALLIANCE_ACCESS. Each test signs in through the provider's
authorize page in a fresh browser context, as a person the access file lists (or not).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from .conftest import ROOT, _free_port, _wait_healthy, stop_process

LOAD_MS = 60_000
CHART_DRAWN = '[data-testid="stPlotlyChart"] svg.main-svg .scatterlayer .trace'
NAV_LINK = '[data-testid="stSidebarNav"] a'
SIDEBAR = '[data-testid="stSidebar"]'
COOKIE_SECRET = "alliance-test-cookie-secret-0123456789"
USER_COOKIE = "_streamlit_user"

ADMIN = "anne.admin@clinic.no"
SUPERVISOR = "kari@clinic.no"
THERAPIST = "ola@clinic.no"
STRANGER = "someone.else@clinic.no"
SUPERVISED_CLINIC = "Havbris DPS"
OTHER_CLINIC = "Fjordklinikken"
THERAPIST_ID = "FK-OSL-T03"

ACCESS = f"""
[[user]]
email = "{ADMIN}"
role = "admin"

[[user]]
email = "Kari@Clinic.no"
name = "Kari Nordmann"
role = "supervisor"
clinics = ["{SUPERVISED_CLINIC}"]

[[user]]
email = "{THERAPIST}"
role = "therapist"
clinic = "{OTHER_CLINIC}"
therapist_id = "{THERAPIST_ID}"
"""


@pytest.fixture(scope="module")
def oidc_provider():
    """The mock identity provider on 127.0.0.1: anyone may sign in as any `sub`, whose e-mail is the sub."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    users = [User(sub=SUPERVISOR, claims={"email": SUPERVISOR, "email_verified": True, "name": "Kari Nordmann"})]
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture(scope="module")
def auth_server(oidc_provider, sample_home, missing_exports, tmp_path_factory):
    """`streamlit run dashboard.py` with login configured, on a copy of the sample store. Yields (url, folder)."""
    folder = tmp_path_factory.mktemp("login")
    home = folder / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    (folder / "access.toml").write_text(ACCESS, encoding="utf-8")
    (folder / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "alliance-dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "ALLIANCE_HOME": str(home), "ALLIANCE_DATA": str(missing_exports),
           "ALLIANCE_ACCESS": str(folder / "access.toml"), "PYTHONUNBUFFERED": "1"}
    env.pop("ALLIANCE_ALLOW_NO_LOGIN", None)
    log = folder / "streamlit.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--secrets.files", str(folder / "secrets.toml")],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url, folder
    finally:
        stop_process(process)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    yield context
    context.close()


def sign_in(context, url: str, email: str, path: str = "/"):
    """Open the dashboard, press Sign in, and sign in at the provider as `email`; the page after the return."""
    page = context.new_page()
    page.goto(url + path)
    page.get_by_text("Sign in with your clinic account").wait_for(timeout=LOAD_MS)
    assert page.locator(NAV_LINK).count() == 0, "the sign-in page offers no other page"
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('input[name="sub"]', timeout=LOAD_MS)  # the provider's authorize page
    page.fill('input[name="sub"]', email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/?(\?.*)?$"), timeout=LOAD_MS)
    return page


def signed_in(page, who: str) -> None:
    page.locator(SIDEBAR).get_by_text(f"Signed in as {who}").wait_for(timeout=LOAD_MS)


def listed_options(page, box) -> list[str]:
    """The options a multiselect or selectbox offers (opened from the keyboard; a rerun may close it, so retry)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    options = page.locator('[role="option"]')
    for _ in range(10):
        box.locator("input").click()
        page.keyboard.press("ArrowDown")
        try:
            options.first.wait_for(timeout=3000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    texts = [t.strip() for t in options.all_text_contents()]
    page.keyboard.press("Escape")
    return [t for t in texts if t != "Select all"]  # Streamlit's own first option of a multiselect


def sidebar_options(page, label: str) -> list[str]:
    return listed_options(page, page.locator(SIDEBAR).locator('[data-testid="stMultiSelect"]').filter(has_text=label))


def picker_options(page, label: str) -> list[str]:
    return listed_options(page, page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label))


def nav_titles(page) -> list[str]:
    """The pages in the navigation (each link's text starts with its icon's name)."""
    page.locator(NAV_LINK).first.wait_for(timeout=LOAD_MS)
    return [page.locator(NAV_LINK).nth(i).locator("span").last.inner_text().strip()
            for i in range(page.locator(NAV_LINK).count())]


def open_page(page, title: str) -> None:
    page.locator(NAV_LINK, has_text=title).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=LOAD_MS)


# --------------------------------------------------------------------------- the roles


def test_an_admin_sees_every_clinic_and_the_data_page(context, auth_server, screenshots):
    url, _ = auth_server
    page = sign_in(context, url, ADMIN)
    signed_in(page, ADMIN)
    page.locator(SIDEBAR).get_by_text("Role: administrator").wait_for()
    page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
    assert page.get_by_text("Running without login").count() == 0
    assert sorted(sidebar_options(page, "Clinic")) == sorted([SUPERVISED_CLINIC, OTHER_CLINIC])
    assert "Data" in nav_titles(page)
    page.screenshot(path=screenshots / "login_admin.png", full_page=True)
    open_page(page, "Data")
    page.get_by_role("heading", name="Files").wait_for(timeout=LOAD_MS)


def test_a_supervisor_sees_their_own_clinic_only(context, auth_server, screenshots):
    url, _ = auth_server
    page = sign_in(context, url, SUPERVISOR)
    signed_in(page, "Kari Nordmann")  # the name the provider gives
    page.locator(SIDEBAR).get_by_text("Role: supervisor").wait_for()
    assert sidebar_options(page, "Clinic") == [SUPERVISED_CLINIC]
    therapists = sidebar_options(page, "Therapist")
    assert therapists and all(t.startswith("HB-") for t in therapists), therapists
    assert "Data" not in nav_titles(page), "the Data page is for administrators"
    open_page(page, "Supervision")
    offered = picker_options(page, "Therapist")
    assert offered and all(t.startswith("HB-") for t in offered), offered
    page.screenshot(path=screenshots / "login_supervisor.png", full_page=True)


def test_a_therapist_sees_their_own_caseload_only(context, auth_server):
    url, _ = auth_server
    page = sign_in(context, url, THERAPIST)
    signed_in(page, THERAPIST)
    page.locator(SIDEBAR).get_by_text("Role: therapist").wait_for()
    assert sidebar_options(page, "Clinic") == [OTHER_CLINIC]
    assert sidebar_options(page, "Therapist") == [THERAPIST_ID]
    open_page(page, "Supervision")
    assert picker_options(page, "Therapist") == [THERAPIST_ID]
    # A link to a page the role may not open shows the first page instead, never the page.
    page.goto(url + "/data")
    signed_in(page, THERAPIST)
    page.wait_for_timeout(1500)
    assert page.get_by_role("heading", name="Files").count() == 0


def test_someone_not_on_the_access_list_gets_one_sentence_and_nothing_else(context, auth_server, screenshots):
    url, _ = auth_server
    page = sign_in(context, url, STRANGER)
    page.get_by_text(f"{STRANGER} is not on this dashboard's access list").wait_for(timeout=LOAD_MS)
    page.get_by_role("button", name="Log out").wait_for()
    page.wait_for_timeout(1000)
    assert page.locator(NAV_LINK).count() == 0, "no navigation"
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator(SIDEBAR).get_by_text("Filters").count() == 0
    assert page.locator('[data-testid="stMultiSelect"]').count() == 0
    page.screenshot(path=screenshots / "login_refused.png", full_page=True)
    # A link straight to a page gets the same sentence.
    page.goto(url + "/feedback")
    page.get_by_text("is not on this dashboard's access list").wait_for(timeout=LOAD_MS)
    assert page.get_by_role("heading", name="Feedback").count() == 0


def test_log_out_ends_the_session(context, auth_server):
    url, _ = auth_server
    page = sign_in(context, url, ADMIN)
    signed_in(page, ADMIN)
    page.locator(SIDEBAR).get_by_role("button", name="Log out").click()
    # The provider ends its own session too (the mock asks to confirm), then sends the browser back.
    page.get_by_role("button", name="End session").click(timeout=LOAD_MS)
    page.get_by_text("Sign in with your clinic account").wait_for(timeout=LOAD_MS)
    assert USER_COOKIE not in {c["name"] for c in context.cookies()}, "the identity cookie is gone"
    other = context.new_page()
    other.goto(url + "/")
    other.get_by_text("Sign in with your clinic account").wait_for(timeout=LOAD_MS)
    assert other.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_an_expired_token_ends_the_session(context, auth_server):
    """The identity cookie outlives the token (30 days); the token's exp claim ends the session."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value, decode_signed_value

    url, _ = auth_server
    page = sign_in(context, url, ADMIN)
    signed_in(page, ADMIN)
    [cookie] = [c for c in context.cookies() if c["name"] == USER_COOKIE]
    claims = json.loads(decode_signed_value(COOKIE_SECRET, USER_COOKIE, cookie["value"].encode("latin-1")))
    assert claims["exp"] > time.time(), "the provider's token is valid now"
    claims["exp"] = int(time.time()) - 5  # the same sign-in, a little later: its token has expired
    value = create_signed_value(COOKIE_SECRET, USER_COOKIE, json.dumps(claims)).decode()
    context.add_cookies([{**cookie, "value": value}])
    page.goto(url + "/")
    page.get_by_text("Your sign-in has expired").wait_for(timeout=LOAD_MS)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator(NAV_LINK).count() == 0


def test_a_person_removed_from_the_access_file_loses_access_on_the_next_run(context, auth_server):
    url, folder = auth_server
    page = sign_in(context, url, THERAPIST)
    signed_in(page, THERAPIST)
    access = folder / "access.toml"
    original = access.read_text(encoding="utf-8")
    try:
        access.write_text(original.split("[[user]]\nemail = \"ola@")[0], encoding="utf-8")
        page.reload()
        page.get_by_text(f"{THERAPIST} is not on this dashboard's access list").wait_for(timeout=LOAD_MS)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    finally:
        access.write_text(original, encoding="utf-8")


def test_a_page_left_open_past_the_expiry_shows_the_sign_in_page_by_itself(context, auth_server):
    """Nobody clicks: the open page itself gives way to the sign-in page once the token has expired."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value, decode_signed_value

    url, _ = auth_server
    page = sign_in(context, url, ADMIN)
    signed_in(page, ADMIN)
    [cookie] = [c for c in context.cookies() if c["name"] == USER_COOKIE]
    claims = json.loads(decode_signed_value(COOKIE_SECRET, USER_COOKIE, cookie["value"].encode("latin-1")))
    claims["exp"] = int(time.time()) + 6  # a token about to expire
    value = create_signed_value(COOKIE_SECRET, USER_COOKIE, json.dumps(claims)).decode()
    context.add_cookies([{**cookie, "value": value}])
    page.goto(url + "/")
    page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
    page.get_by_text("Your sign-in has expired").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator(NAV_LINK).count() == 0


# --------------------------------------------------------------------------- two users at once

METRIC = '[data-testid="stMetric"]'
LEGEND = '[data-testid="stPlotlyChart"] .legendtext'


def _active_clients(page) -> str:
    value = page.locator(METRIC).filter(has_text="Active clients").locator('[data-testid="stMetricValue"]')
    value.wait_for(timeout=LOAD_MS)
    return value.inner_text().strip()


def _legend(page) -> set[str]:
    page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
    page.wait_for_timeout(500)
    return {t.strip() for t in page.locator(LEGEND).all_text_contents()}


def test_two_users_of_different_scope_at_once_never_see_each_others_rows(browser, auth_server, sample_home):
    """A supervisor of one clinic and a therapist of the other, signed in together, ask for the same pages in turn.

    The server's caches are shared by both sessions; each answer must be the one its own scope gives.
    """
    from alliance import queries, store
    from alliance.access import load_access

    url, folder = auth_server
    con = store.open_reader(folder / "home")
    try:
        access = load_access(folder / "access.toml")
        expected = {email: f"{len(queries.run(con, 'caseload_flags', {}, access.viewer(email).scope)):,}"
                    for email in (SUPERVISOR, THERAPIST)}
    finally:
        con.close()
    assert expected[SUPERVISOR] != expected[THERAPIST]
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        pages = {SUPERVISOR: sign_in(contexts[0], url, SUPERVISOR), THERAPIST: sign_in(contexts[1], url, THERAPIST)}
        signed_in(pages[SUPERVISOR], "Kari Nordmann")
        signed_in(pages[THERAPIST], THERAPIST)
        for _ in range(2):
            # Both ask for the Overview at once (a reload of each before waiting on either).
            for page in pages.values():
                page.goto(url + "/")
            for email, page in pages.items():
                assert _active_clients(page) == expected[email], email
            for page in pages.values():
                page.goto(url + "/clinics")
            # The supervisor sees the other clinic's sites as totals; the therapist only their own clinic.
            assert {"Bergen", "Oslo", SUPERVISED_CLINIC} <= _legend(pages[SUPERVISOR])
            assert SUPERVISED_CLINIC not in _legend(pages[THERAPIST])
            for page in pages.values():
                page.goto(url + "/supervision")
            offered = picker_options(pages[SUPERVISOR], "Therapist")
            assert offered and all(t.startswith("HB-") for t in offered), offered
            assert picker_options(pages[THERAPIST], "Therapist") == [THERAPIST_ID]
    finally:
        for context in contexts:
            context.close()
