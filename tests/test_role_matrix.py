"""The role × page matrix: for each role and each page, what is shown and what is refused.

Runs the whole app headless (AppTest) with login configured the way a clinic does it: a
real secrets.toml with an [auth] section (Streamlit's `secrets.files` option points at it,
as `--secrets.files` does on a server) and a real access.toml. AppTest's `user` stands in
for the identity provider's answer (`st.user`); the real sign-in through a provider is in
tests/test_login_browser.py. The same table is in docs/security.md.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest

from alliance.access import PAGE_ROLES, page_allowed
from alliance.ui.frame import PAGES

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = "../dashboard.py"  # AppTest.from_file resolves this against this file
TIMEOUT = 60
PAGE_FILES = [file for file, _, _ in PAGES if (ROOT / "pages" / file).exists()]

PUBLIC, PRIVATE = "Havbris DPS", "Fjordklinikken"
THERAPIST_ID = "FK-BGN-T02"
ACCESS = f"""
[[user]]
email = "admin@clinic.no"
role = "admin"

[[user]]
email = "kari@clinic.no"
role = "supervisor"
clinics = ["{PUBLIC}"]

[[user]]
email = "ola@clinic.no"
role = "therapist"
clinic = "{PRIVATE}"
therapist_id = "{THERAPIST_ID}"
"""

SIGNED_IN = {"is_logged_in": True, "iss": "https://login.clinic.example", "iat": int(time.time())}
USERS = {
    "admin": {**SIGNED_IN, "email": "admin@clinic.no", "name": "Anne Admin"},
    "supervisor": {**SIGNED_IN, "email": "KARI@clinic.no", "name": "Kari Nordmann"},
    "therapist": {**SIGNED_IN, "email": "ola@clinic.no"},
    "not in access.toml": {**SIGNED_IN, "email": "stranger@clinic.no"},
    "signed out": {"is_logged_in": False},
}
# What each role sees in the sidebar's clinic and therapist filters (None: not checked, every therapist).
CLINICS = {"admin": [PRIVATE, PUBLIC], "supervisor": [PUBLIC], "therapist": [PRIVATE], "local": [PRIVATE, PUBLIC]}

# The matrix as docs/security.md states it: "shown" or "refused" for each page and role.
# Written out, not derived from alliance.access.PAGE_ROLES, so that a change there must change this too.
ALL_SHOWN = {"admin": "shown", "supervisor": "shown", "therapist": "shown", "local": "shown"}
ADMIN_ONLY = {"admin": "shown", "supervisor": "refused", "therapist": "refused", "local": "shown"}
EXPECTED = {
    "overview.py": ALL_SHOWN, "clinics.py": ALL_SHOWN, "therapists.py": ALL_SHOWN, "supervision.py": ALL_SHOWN,
    "dual_perspective.py": ALL_SHOWN, "feedback.py": ALL_SHOWN, "data.py": ADMIN_ONLY, "methods.py": ALL_SHOWN,
    "audit.py": ADMIN_ONLY,
}


def test_every_page_has_a_row_and_the_code_agrees_with_it():
    assert set(PAGE_FILES) <= set(EXPECTED), f"pages without a row in the matrix: {set(PAGE_FILES) - set(EXPECTED)}"
    for file, row in EXPECTED.items():
        for role, seen in row.items():
            assert page_allowed(file, role) is (seen == "shown"), (file, role)


def test_the_matrix_in_docs_security_md_is_this_one():
    """docs/security.md has the table a clinic reads; it must say what the code does."""
    from alliance.i18n import t

    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    titles = {t(key, lang="en"): file for file, key, _ in PAGES}
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] in titles:
            rows[titles[cells[0]]] = cells[1:]
    assert set(rows) == set(EXPECTED), "one row per page"
    for file, cells in rows.items():
        row = EXPECTED[file]
        # columns: admin, supervisor, therapist, not on the list, local mode
        assert [c.split()[0].rstrip(":").lower() for c in cells[:5]] == [
            row["admin"], row["supervisor"], row["therapist"], "refused", row["local"]], (file, cells)


@pytest.fixture(scope="module")
def home(sample_home, tmp_path_factory) -> Path:
    """A copy of the sample store (the audit trail writes into the home folder)."""
    target = tmp_path_factory.mktemp("matrix") / "home"
    shutil.copytree(sample_home, target, symlinks=True)
    return target


@pytest.fixture
def login_configured(tmp_path_factory):
    """Streamlit reads a secrets.toml with [auth] for the test's runs; afterwards none again."""
    folder = tmp_path_factory.mktemp("matrix_secrets")
    secrets = folder / "secrets.toml"
    secrets.write_text("""
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "alliance-matrix-cookie-secret-0123456789"
client_id = "alliance-dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
""", encoding="utf-8")
    (folder / "access.toml").write_text(ACCESS, encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets)])
    secrets_singleton._reset()
    try:
        yield folder / "access.toml"
    finally:
        config.set_option("secrets.files", before)
        secrets_singleton._reset()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "title", "subheader")
             for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def shows_data(at: AppTest) -> bool:
    return bool(at.get("plotly_chart") or at.dataframe or at.get("metric") or at.get("table"))


def run_page(at: AppTest, file: str) -> AppTest:
    at.switch_page(f"pages/{file}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_app(monkeypatch, home, data, user: dict | None, access: Path | None) -> AppTest:
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(data))
    if access is not None:
        monkeypatch.setenv("ALLIANCE_ACCESS", str(access))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    if user is not None:
        at.user = {**user, "exp": int(time.time()) + 3600}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["admin", "supervisor", "therapist"])
def test_each_role_sees_the_pages_its_row_allows_and_only_its_scope(monkeypatch, home, missing_exports,
                                                                   login_configured, role):
    at = open_app(monkeypatch, home, missing_exports, USERS[role], login_configured)
    sidebar = "\n".join(str(m.value) for m in at.sidebar.markdown) + "\n".join(str(c.value) for c in at.sidebar.caption)
    assert f"Role: {dict(admin='administrator').get(role, role)}" in sidebar
    assert "Running without login" not in texts(at)
    assert sorted(at.multiselect(key="f_clinic").options) == CLINICS[role]
    therapists = at.multiselect(key="f_therapist").options  # as shown: the therapist ids
    if role == "therapist":
        assert therapists == [THERAPIST_ID]
    elif role == "supervisor":
        assert therapists and all(t.startswith("HB-") for t in therapists), therapists
    else:
        assert {t[:3] for t in therapists} == {"HB-", "FK-"}

    for file in PAGE_FILES:
        run_page(at, file)
        shown = texts(at)
        if EXPECTED[file][role] == "shown":
            assert "This page is for" not in shown, (file, role)
            assert at.title and at.title[0].value != "Alliance Dashboard", (file, role)
            assert at.sidebar.button(key="auth_logout"), "every page offers Log out"
        else:
            roles = [r for r in PAGE_ROLES[file] if r != "local"]
            assert any(w.value.startswith("This page is for ") and "your role is " in w.value
                       for w in at.warning), (file, role, shown)
            assert not shows_data(at), (file, role)
            assert not at.title, (file, role)
            assert roles and role not in roles
            assert not at.multiselect, "a refused page draws no filters either"
        # Whatever the page, the scope is the access file's.
        if EXPECTED[file][role] == "shown":
            assert sorted(at.multiselect(key="f_clinic").options) == CLINICS[role], (file, role)
        assert at.session_state["scope"] == at.session_state["viewer"].scope


def test_the_supervision_page_offers_a_therapist_only_their_own_caseload(monkeypatch, home, missing_exports,
                                                                         login_configured):
    at = open_app(monkeypatch, home, missing_exports, USERS["therapist"], login_configured)
    run_page(at, "supervision.py")
    assert at.selectbox(key="sup_therapist").options == [THERAPIST_ID]
    at = open_app(monkeypatch, home, missing_exports, USERS["supervisor"], login_configured)
    run_page(at, "supervision.py")
    offered = at.selectbox(key="sup_therapist").options
    assert offered and all(o.startswith("HB-") for o in offered), offered


@pytest.mark.parametrize("who", ["not in access.toml", "signed out"])
def test_nobody_else_gets_anything_on_any_page(monkeypatch, home, missing_exports, login_configured, who):
    at = open_app(monkeypatch, home, missing_exports, USERS[who], login_configured)
    for file in [None, *PAGE_FILES]:
        if file is not None:
            run_page(at, file)
        assert not shows_data(at), (who, file)
        assert not at.multiselect and not at.date_input and not at.selectbox, "no filters"
        assert at.session_state["scope"].clinics == (), "the session's scope is nothing"
        assert "viewer" not in at.session_state
        if who == "signed out":
            assert [b.label for b in at.button] == ["Sign in"], file
            assert "Sign in with your clinic account" in texts(at)
        else:
            [warning] = at.warning
            assert warning.value.startswith("`stranger@clinic.no` is not on this dashboard's access list")
            assert [b.label for b in at.button] == ["Log out"], file


def test_a_broken_access_file_is_one_sentence_and_lets_nobody_in(monkeypatch, home, missing_exports,
                                                                  login_configured, tmp_path):
    broken = tmp_path / "access.toml"
    broken.write_text(ACCESS + '\n[[user]]\nemail = "per@clinic.no"\nrole = "owner"\n', encoding="utf-8")
    at = open_app(monkeypatch, home, missing_exports, USERS["admin"], broken)
    [warning] = at.warning
    assert warning.value.startswith("Nobody can be let in until the access list is fixed:")
    assert "user entry 4 (per@clinic.no): the role 'owner' is unknown" in re.sub(r"\\(.)", r"\1", warning.value)
    assert not shows_data(at) and not at.multiselect
    monkeypatch.setenv("ALLIANCE_ACCESS", str(tmp_path / "missing.toml"))
    at.run()
    [warning] = at.warning
    assert "There is no access file at" in re.sub(r"\\(.)", r"\1", warning.value)
    assert not shows_data(at)


def test_an_expired_sign_in_shows_the_sign_in_page_and_no_data(monkeypatch, home, missing_exports, login_configured):
    at = open_app(monkeypatch, home, missing_exports, USERS["admin"], login_configured)
    assert shows_data(at)
    at.user = {**USERS["admin"], "exp": int(time.time()) - 1}
    at.run()
    assert "Your sign-in has expired" in texts(at)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not shows_data(at) and at.session_state["scope"].clinics == ()


def test_the_scope_never_comes_from_the_address(monkeypatch, home, missing_exports, login_configured):
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    monkeypatch.setenv("ALLIANCE_ACCESS", str(login_configured))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.user = {**USERS["therapist"], "exp": int(time.time()) + 3600}
    at.query_params["clinic"] = PUBLIC
    at.query_params["therapist"] = f"{PUBLIC}/HB-T01"
    at.run()
    assert at.session_state["scope"].clinics == (PRIVATE,)
    assert at.multiselect(key="f_clinic").options == [PRIVATE]
    assert at.multiselect(key="f_clinic").value == []


# --------------------------------------------------------------------------- local mode


def test_local_mode_says_so_on_every_page_and_shows_everything(monkeypatch, home, missing_exports):
    assert not secrets_singleton.load_if_toml_exists() or not secrets_singleton.get("auth")
    at = open_app(monkeypatch, home, missing_exports, None, None)
    for file in [None, *PAGE_FILES]:
        if file is not None:
            run_page(at, file)
        banner = [m.value for m in at.markdown if "Running without login" in str(m.value)]
        assert len(banner) == 1, (file, texts(at))
        assert at.title and at.title[0].value != "Alliance Dashboard", file
        if file is not None:
            assert EXPECTED[file]["local"] == "shown"
        assert sorted(at.multiselect(key="f_clinic").options) == CLINICS["local"]
        assert not _has_key(at, "auth_logout"), "nobody to log out"
    assert at.session_state["viewer"].role == "local"


def test_local_mode_speaks_norwegian_too(monkeypatch, home, missing_exports):
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["lang"] = "nb"
    at.run()
    assert any("Kjører uten innlogging" in str(m.value) for m in at.markdown)


def test_a_broken_secrets_file_never_means_running_without_login(monkeypatch, home, missing_exports, tmp_path):
    """Streamlit reads an unparsable secrets.toml as no secrets at all, which would be local mode."""
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback\n', encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(broken)])
    secrets_singleton._reset()
    try:
        at = open_app(monkeypatch, home, missing_exports, None, None)
    finally:
        config.set_option("secrets.files", before)
        secrets_singleton._reset()
    [error] = at.error
    assert error.value.startswith("The login settings in") and "could not be read" in error.value
    assert not any("Running without login" in str(m.value) for m in at.markdown)
    assert not shows_data(at) and not at.multiselect


def _has_key(at: AppTest, key: str) -> bool:
    try:
        at.button(key=key)
        return True
    except KeyError:
        return False


@pytest.mark.parametrize("claims, sentence", [
    ({"email": "admin@clinic.no", "email_verified": False}, "has not verified that `admin@clinic.no` belongs to you"),
    ({"sub": "1234"}, "Your sign-in carried no e-mail address"),
])
def test_an_unproven_or_missing_email_is_refused(monkeypatch, home, missing_exports, login_configured, claims, sentence):
    at = open_app(monkeypatch, home, missing_exports, {**SIGNED_IN, **claims}, login_configured)
    [warning] = at.warning
    assert sentence in warning.value
    assert not shows_data(at) and not at.multiselect
    assert [b.label for b in at.button] == ["Log out"]


def test_sign_ins_and_refusals_go_to_the_audit_trail(monkeypatch, tmp_path, sample_home, missing_exports,
                                                     login_configured):
    from alliance import audit

    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    at = open_app(monkeypatch, home, missing_exports, USERS["supervisor"], login_configured)
    run_page(at, "clinics.py")  # more runs of the same session: still one login
    open_app(monkeypatch, home, missing_exports, USERS["not in access.toml"], login_configured)
    events = audit.read_events(home)
    logins = events[events["event"] == "login"]
    assert list(logins["user"]) == ["kari@clinic.no"] and list(logins["role"]) == ["supervisor"]
    refused = events[events["event"] == "refused"]
    assert list(refused["user"]) == ["stranger@clinic.no"]
    assert "not_in_access_file" in refused["detail"].iloc[0]
