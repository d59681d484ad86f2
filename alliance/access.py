"""Who may sign in and what each person sees: the clinic's access file (access.toml) read into viewers and scopes.

No Streamlit here: the dashboard's login (alliance/ui/auth.py), the command line and
the tests share it. The file lives in the dashboard's home folder, or where
`ALLIANCE_ACCESS` points:

    [[user]]
    email = "kari@clinic.no"
    role = "supervisor"          # admin | supervisor | therapist
    clinics = ["Havbris DPS"]    # a supervisor's own clinics

    [[user]]
    email = "ola@clinic.no"
    role = "therapist"
    clinic = "Fjordklinikken"
    therapist_id = "FK-OSL-T07"

Every mistake in the file is one sentence naming the file, the entry and the field
(AccessError); the file is never half-read.
"""
from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .scope import Scope
from .store import home_dir

ACCESS_NAME = "access.toml"
ACCESS_ENV = "ALLIANCE_ACCESS"
ALLOW_NO_LOGIN_ENV = "ALLIANCE_ALLOW_NO_LOGIN"

ROLES = ("admin", "supervisor", "therapist")
LOCAL = "local"  # the role of whoever uses a dashboard that runs without login
FIELDS = ("email", "name", "role", "clinics", "clinic", "therapist_id")


class AccessError(ValueError):
    """The access file cannot be used; the message is one sentence for the clinic's data manager."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: plain values, so the scope can key the caches."""

    email: str
    name: str
    role: str  # admin | supervisor | therapist | local
    scope: Scope = field(default_factory=Scope)


LOCAL_VIEWER = Viewer("local", "", LOCAL, Scope())


@dataclass(frozen=True)
class Entry:
    """One `[[user]]` of the access file, checked."""

    email: str  # as written; matched without regard to case
    name: str
    role: str
    clinics: tuple[str, ...] = ()
    therapist_id: str | None = None

    def scope(self) -> Scope:
        if self.role == "admin":
            return Scope()
        if self.role == "supervisor":
            # Their own clinics in full; every other clinic only as aggregates (small cells suppressed).
            return Scope(clinics=self.clinics, peers=None)
        clinic = self.clinics[0]
        return Scope(clinics=(clinic,), therapists=((clinic, self.therapist_id),), peers=())


@dataclass(frozen=True)
class AccessList:
    path: str
    entries: tuple[Entry, ...]

    def entry(self, email: str | None) -> Entry | None:
        wanted = normalise_email(email)
        if not wanted:
            return None
        return next((e for e in self.entries if normalise_email(e.email) == wanted), None)

    def viewer(self, email: str | None, name: str | None = None) -> Viewer | None:
        """The viewer signed in as `email`, or None when the file does not list them."""
        entry = self.entry(email)
        if entry is None:
            return None
        # One spelling of each person in the audit trail, however the provider writes the address.
        return Viewer(email=normalise_email(email), name=(name or entry.name or "").strip(), role=entry.role,
                      scope=entry.scope())


def normalise_email(email) -> str:
    return str(email).strip().casefold() if isinstance(email, str) else ""


def access_path(home: str | os.PathLike | None = None) -> Path:
    """Where the access file is: `ALLIANCE_ACCESS`, else access.toml in the home folder."""
    configured = os.environ.get(ACCESS_ENV)
    return Path(configured) if configured else home_dir(home) / ACCESS_NAME


def parse_access(text: str, path: str | os.PathLike = ACCESS_NAME) -> AccessList:
    """Check an access file's text; AccessError names the file, the entry and the field of the first mistake."""
    where = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessError(f"{where} is not valid TOML ({exc}); fix it so that people can sign in again.") from None
    extra = sorted(k for k in data if k != "user")
    if extra:
        raise AccessError(f"{where}: '{extra[0]}' is not part of an access file, which holds only [[user]] entries.")
    users = data.get("user", [])
    if not isinstance(users, list) or not all(isinstance(u, dict) for u in users):
        raise AccessError(f"{where}: write each person as a [[user]] entry (with double brackets).")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(users, start=1):
        entry = _entry(raw, f"{where}, user entry {number}")
        key = normalise_email(entry.email)
        if key in seen:
            raise AccessError(f"{where}, user entry {number}: the e-mail {entry.email} is already in entry "
                              f"{seen[key]} (e-mails are compared without regard to case); keep one of them.")
        seen[key] = number
        entries.append(entry)
    return AccessList(where, tuple(entries))


def _text(raw: dict, name: str, where: str, required: bool) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            raise AccessError(f"{where}: the field {name} is missing.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise AccessError(f"{where}: {name} must be text in quotes, not empty.")
    return value.strip()


def _entry(raw: dict, where: str) -> Entry:
    email = raw.get("email")
    if isinstance(email, str) and email.strip():
        where = f"{where} ({email.strip()})"
    unknown = sorted(k for k in raw if k not in FIELDS)
    if unknown:
        raise AccessError(f"{where}: '{unknown[0]}' is not a field of a user entry (the fields are "
                          f"{', '.join(FIELDS)}).")
    email = _text(raw, "email", where, required=True)
    if "@" not in email or any(c.isspace() for c in email):
        raise AccessError(f"{where}: the email '{email}' is not an e-mail address.")
    name = _text(raw, "name", where, required=False) or ""
    role = _text(raw, "role", where, required=True)
    if role not in ROLES:
        raise AccessError(f"{where}: the role '{role}' is unknown; write admin, supervisor or therapist.")
    if role == "admin":
        for name_ in ("clinics", "clinic", "therapist_id"):
            if name_ in raw:
                raise AccessError(f"{where}: an admin sees every clinic, so the field {name_} does not belong here.")
        return Entry(email, name, role)
    if role == "supervisor":
        if "therapist_id" in raw:
            raise AccessError(f"{where}: a supervisor has no therapist_id; give their clinics instead.")
        if "clinics" in raw and "clinic" in raw:
            raise AccessError(f"{where}: give either clinics (a list) or clinic (one name), not both.")
        if "clinic" in raw:
            clinics = (_text(raw, "clinic", where, required=True),)
        else:
            clinics = _clinics(raw, where)
        return Entry(email, name, role, clinics)
    # therapist
    if "clinics" in raw:
        raise AccessError(f"{where}: a therapist belongs to one clinic: write clinic = \"...\" instead of clinics.")
    clinic = _text(raw, "clinic", where, required=True)
    therapist_id = _text(raw, "therapist_id", where, required=True)
    return Entry(email, name, role, (clinic,), therapist_id)


def _clinics(raw: dict, where: str) -> tuple[str, ...]:
    value = raw.get("clinics")
    if value is None:
        raise AccessError(f"{where}: the field clinics is missing; a supervisor needs the clinics they supervise, "
                          "as in clinics = [\"Havbris DPS\"].")
    if not isinstance(value, list) or not value:
        raise AccessError(f"{where}: clinics must be a list of clinic names, as in clinics = [\"Havbris DPS\"].")
    names = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise AccessError(f"{where}: every name in clinics must be text in quotes, not empty.")
        names.append(item.strip())
    return tuple(sorted(set(names)))


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> AccessList:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise AccessError(f"The access file {path} could not be read ({exc.strerror or type(exc).__name__}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AccessError(f"The access file {path} is not UTF-8 text; save it as UTF-8.") from None
    return parse_access(text, path)


def load_access(path: str | os.PathLike | None = None) -> AccessList:
    """The access file, read again whenever it changes (its path, modification time and size key the cache)."""
    path = Path(path) if path is not None else access_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise AccessError(f"There is no access file at {path}: create it with a [[user]] entry for each person "
                          "who may sign in (see docs/security.md).") from None
    except OSError as exc:
        raise AccessError(f"The access file {path} could not be read ({exc.strerror or type(exc).__name__}).") from None
    if not path.is_file():
        raise AccessError(f"The access file {path} is a folder, not a file.")
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


# --------------------------------------------------------------------------- sessions and addresses


def is_expired(exp, now: float) -> bool:
    """Whether a sign-in whose identity token expires at `exp` (seconds since 1970) has ended at `now`.

    A missing or unreadable expiry counts as expired: a session must never outlive its token.
    """
    if isinstance(exp, bool):
        return True
    try:
        return float(now) >= float(exp)
    except (TypeError, ValueError):
        return True


def is_loopback(address: str | None) -> bool:
    """Whether a server listening on `address` is reachable from this computer only.

    Unset or empty means every address (Streamlit's default); a Unix socket is local.
    """
    if not address:
        return False
    address = address.strip()
    if address.startswith("unix://") or address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def allow_no_login(environ=None) -> bool:
    """Whether the clinic has explicitly allowed serving without login beyond this computer."""
    return (environ if environ is not None else os.environ).get(ALLOW_NO_LOGIN_ENV, "").strip() == "1"


def no_login_refusal(address: str | None, login_configured: bool, environ=None) -> str | None:
    """One sentence when a dashboard without login would listen where other computers can reach it, else None."""
    if login_configured or is_loopback(address) or allow_no_login(environ):
        return None
    shown = address or "every address"
    return (f"The dashboard runs without login but would listen on {shown}, where other computers can reach it: "
            f"configure login in .streamlit/secrets.toml (see docs/security.md), listen on 127.0.0.1 only, "
            f"or set {ALLOW_NO_LOGIN_ENV}=1 to allow this on purpose.")


# --------------------------------------------------------------------------- pages

# Pages only some roles may open (a file of pages/); every other page is open to every
# signed-in role, and shows only what the viewer's scope allows. Local mode (no login)
# is the data manager at their own computer and may open every page.
PAGE_ROLES = {
    "data.py": ("admin", LOCAL),   # every ingested file and reject, and the upload that changes everyone's data
    "audit.py": ("admin", LOCAL),  # who saw what
}


def page_allowed(file: str, role: str | None) -> bool:
    """Whether a viewer with `role` may open the page in pages/`file` (no role: no page)."""
    if role is None:
        return False
    return role in PAGE_ROLES.get(file, (*ROLES, LOCAL))
