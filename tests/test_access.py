"""The access file (access.toml): every mistake is one sentence naming the file, entry and field; each role's scope."""
from __future__ import annotations

import os
import time

import pytest

from alliance import access
from alliance.access import AccessError, Viewer, is_expired, is_loopback, load_access, no_login_refusal, parse_access
from alliance.scope import Scope

GOOD = """
[[user]]
email = "admin@clinic.no"
name = "Anne Admin"
role = "admin"

[[user]]
email = "Kari@Clinic.no"
role = "supervisor"
clinics = ["Havbris DPS"]

[[user]]
email = "ola@clinic.no"
role = "therapist"
clinic = "Fjordklinikken"
therapist_id = "FK-OSL-T07"
"""


def entry(body: str) -> str:
    return "[[user]]\n" + body.strip() + "\n"


def error(text: str, path: str = "/clinic/access.toml") -> str:
    with pytest.raises(AccessError) as caught:
        parse_access(text, path)
    message = str(caught.value)
    assert message.count(". ") == 0 and message.endswith("."), f"one sentence: {message}"
    assert "\n" not in message and "Traceback" not in message
    return message


# --------------------------------------------------------------------------- roles and scopes


def test_each_role_gets_its_scope():
    listed = parse_access(GOOD, "access.toml")
    admin = listed.viewer("admin@clinic.no")
    assert admin == Viewer("admin@clinic.no", "Anne Admin", "admin", Scope())
    assert admin.scope.is_everything

    supervisor = listed.viewer("kari@clinic.no", "Kari Nordmann")
    assert supervisor.role == "supervisor" and supervisor.name == "Kari Nordmann"
    assert supervisor.scope == Scope(clinics=("Havbris DPS",), peers=None)
    assert supervisor.scope.sees_peers, "a supervisor sees the other clinics as aggregates"

    therapist = listed.viewer("ola@clinic.no")
    assert therapist.scope == Scope(clinics=("Fjordklinikken",), therapists=(("Fjordklinikken", "FK-OSL-T07"),),
                                    peers=())
    assert not therapist.scope.sees_peers, "a therapist sees no other clinic, not even as aggregates"


def test_emails_match_without_regard_to_case_or_spaces():
    listed = parse_access(GOOD)
    assert listed.viewer("  KARI@clinic.NO ").role == "supervisor"
    assert listed.viewer("ADMIN@CLINIC.NO").role == "admin"


def test_someone_not_listed_gets_no_viewer():
    listed = parse_access(GOOD)
    assert listed.viewer("stranger@clinic.no") is None
    assert listed.viewer("") is None and listed.viewer(None) is None
    # A name part of a listed address is not that address.
    assert listed.viewer("kari@clinic.no.evil.example") is None


def test_a_supervisor_may_have_several_clinics_or_one_by_clinic():
    listed = parse_access(entry('email = "a@x.no"\nrole = "supervisor"\nclinics = ["B", "A", "B"]')
                          + entry('email = "b@x.no"\nrole = "supervisor"\nclinic = "C"'))
    assert listed.viewer("a@x.no").scope == Scope(clinics=("A", "B"), peers=None)
    assert listed.viewer("b@x.no").scope == Scope(clinics=("C",), peers=None)


def test_an_empty_file_lets_nobody_in():
    assert parse_access("").entries == ()
    assert parse_access("# nobody yet\n").viewer("admin@clinic.no") is None


# --------------------------------------------------------------------------- every mistake, one sentence


@pytest.mark.parametrize("text, expected", [
    ("[[user]\nemail = 1", "is not valid TOML"),
    ('title = "x"\n', "'title' is not part of an access file"),
    ('[user]\nemail = "a@x.no"\n', "write each person as a [[user]] entry"),
    (entry('role = "admin"'), "user entry 1: the field email is missing"),
    (entry('email = ""\nrole = "admin"'), "user entry 1: email must be text in quotes"),
    (entry('email = 7\nrole = "admin"'), "user entry 1: email must be text in quotes"),
    (entry('email = "kari"\nrole = "admin"'), "user entry 1 (kari): the email 'kari' is not an e-mail address"),
    (entry('email = "a@x.no"'), "user entry 1 (a@x.no): the field role is missing"),
    (entry('email = "a@x.no"\nrole = "boss"'), "user entry 1 (a@x.no): the role 'boss' is unknown"),
    (entry('email = "a@x.no"\nrole = "Admin"'), "the role 'Admin' is unknown"),
    (entry('email = "a@x.no"\nrole = "admin"\nclinics = ["A"]'), "an admin sees every clinic, so the field clinics"),
    (entry('email = "a@x.no"\nrole = "supervisor"'), "user entry 1 (a@x.no): the field clinics is missing"),
    (entry('email = "a@x.no"\nrole = "supervisor"\nclinics = []'), "clinics must be a list of clinic names"),
    (entry('email = "a@x.no"\nrole = "supervisor"\nclinics = "A"'), "clinics must be a list of clinic names"),
    (entry('email = "a@x.no"\nrole = "supervisor"\nclinics = ["A", ""]'), "every name in clinics must be text"),
    (entry('email = "a@x.no"\nrole = "supervisor"\nclinics = ["A"]\nclinic = "B"'), "not both"),
    (entry('email = "a@x.no"\nrole = "supervisor"\nclinics = ["A"]\ntherapist_id = "T1"'),
     "a supervisor has no therapist_id"),
    (entry('email = "a@x.no"\nrole = "therapist"\ntherapist_id = "T1"'), "the field clinic is missing"),
    (entry('email = "a@x.no"\nrole = "therapist"\nclinic = "A"'), "the field therapist_id is missing"),
    (entry('email = "a@x.no"\nrole = "therapist"\nclinics = ["A"]\ntherapist_id = "T1"'),
     "a therapist belongs to one clinic"),
    (entry('email = "a@x.no"\nrole = "admin"\nclinc = "A"'), "'clinc' is not a field of a user entry"),
])
def test_every_mistake_is_one_sentence_naming_file_entry_and_field(text, expected):
    message = error(text)
    assert message.startswith("/clinic/access.toml"), message
    assert expected in message, message


def test_a_duplicate_email_names_both_entries_whatever_the_case():
    text = GOOD + entry('email = "KARI@clinic.no "\nrole = "admin"')
    message = error(text)
    assert "user entry 4" in message and "already in entry 2" in message
    assert "without regard to case" in message


def test_the_entry_number_points_at_the_bad_entry():
    text = GOOD + entry('email = "per@clinic.no"\nrole = "therapist"\nclinic = "Fjordklinikken"')
    message = error(text)
    assert "user entry 4 (per@clinic.no): the field therapist_id is missing" in message


# --------------------------------------------------------------------------- the file on disk


def test_a_missing_file_says_where_it_should_be(tmp_path):
    with pytest.raises(AccessError, match=r"There is no access file at .*access\.toml: create it"):
        load_access(tmp_path / "access.toml")


def test_a_file_that_is_not_utf8_is_one_sentence(tmp_path):
    path = tmp_path / "access.toml"
    path.write_bytes(entry('email = "bjørn@x.no"\nrole = "admin"').encode("cp1252"))
    with pytest.raises(AccessError, match=r"is not UTF-8 text; save it as UTF-8\.$"):
        load_access(path)


def test_a_folder_in_place_of_the_file(tmp_path):
    (tmp_path / "access.toml").mkdir()
    with pytest.raises(AccessError, match="is a folder, not a file"):
        load_access(tmp_path / "access.toml")


def test_the_file_is_read_again_when_it_changes(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_access(path).viewer("ola@clinic.no").role == "therapist"
    assert load_access(path) is load_access(path), "an unchanged file is not parsed again"
    # The data manager removes Ola: his next page run finds him gone.
    path.write_text(GOOD.split('[[user]]\nemail = "ola@clinic.no"')[0], encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_access(path).viewer("ola@clinic.no") is None
    # A mistake replaces the list with the sentence, never with the old list.
    path.write_text(GOOD + entry('email = "x@y.no"\nrole = "owner"'), encoding="utf-8")
    with pytest.raises(AccessError, match="role 'owner' is unknown"):
        load_access(path)


def test_the_path_comes_from_the_environment_or_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ALLIANCE_ACCESS", raising=False)
    monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path / "home"))
    assert access.access_path() == tmp_path / "home" / "access.toml"
    monkeypatch.setenv("ALLIANCE_ACCESS", str(tmp_path / "elsewhere.toml"))
    assert access.access_path() == tmp_path / "elsewhere.toml"


def test_a_utf8_file_with_bom_and_norwegian_names(tmp_path):
    path = tmp_path / "access.toml"
    path.write_bytes("\ufeff".encode() + entry(
        'email = "bjørn@klinikk.no"\nname = "Bjørn Ås"\nrole = "supervisor"\nclinics = ["Tønsberg"]').encode())
    viewer = load_access(path).viewer("BJØRN@klinikk.no")
    assert viewer.name == "Bjørn Ås" and viewer.scope.clinics == ("Tønsberg",)


# --------------------------------------------------------------------------- sessions and addresses


def test_a_sign_in_ends_when_its_token_expires():
    now = time.time()
    assert not is_expired(now + 60, now)
    assert is_expired(now, now), "at exp the session has ended"
    assert is_expired(now - 1, now)
    assert is_expired(str(int(now) - 1), now)
    for unusable in (None, "soon", True, [], {}):
        assert is_expired(unusable, now), f"{unusable!r}: no readable expiry ends the session"


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("unix:///run/alliance.sock", True),
    (None, False), ("", False), ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("dashboard.clinic.no", False),
])
def test_which_addresses_serve_this_computer_only(address, loopback):
    assert is_loopback(address) is loopback


def test_no_login_is_refused_beyond_this_computer_unless_allowed():
    assert no_login_refusal("127.0.0.1", login_configured=False, environ={}) is None
    assert no_login_refusal("0.0.0.0", login_configured=True, environ={}) is None
    sentence = no_login_refusal("0.0.0.0", login_configured=False, environ={})
    assert sentence.startswith("The dashboard runs without login but would listen on 0.0.0.0")
    assert "ALLIANCE_ALLOW_NO_LOGIN=1" in sentence and sentence.count(". ") == 0
    assert "every address" in no_login_refusal(None, login_configured=False, environ={})
    assert no_login_refusal("0.0.0.0", False, environ={"ALLIANCE_ALLOW_NO_LOGIN": "1"}) is None
    assert no_login_refusal("0.0.0.0", False, environ={"ALLIANCE_ALLOW_NO_LOGIN": "yes"}) is not None


def test_pages_for_some_roles_only():
    assert access.page_allowed("overview.py", "therapist")
    assert access.page_allowed("data.py", "admin") and access.page_allowed("data.py", "local")
    assert not access.page_allowed("data.py", "supervisor") and not access.page_allowed("data.py", "therapist")
    assert not access.page_allowed("audit.py", "supervisor")
    assert not access.page_allowed("overview.py", None), "nobody let in sees no page"
