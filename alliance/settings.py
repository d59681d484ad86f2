"""Every threshold the figures use, with its default and help text, declared once."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: float | int
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("srs_cutoff", 36, "A rated session with a client SRS total below this is a low-alliance session."),
    Setting("rupture_drop", 2, "A rupture is an SRS total at least this many points below the client's previous rated session."),
    Setting("repair_window", 2, "A rupture is repaired when one of this many next rated sessions reaches the score before it."),
    Setting("ors_cutoff", 25, "ORS clinical cutoff: a client starting below it and ending at or above it (with a reliable change) has recovered."),
    Setting("ors_rci", 5, "Reliable change on the ORS: a change of at least this many points counts as improvement or deterioration."),
    Setting("early_sessions", 3, "Early alliance is the mean SRS total of the client's first this-many rated sessions."),
    Setting("track_band", 10, "A client is not on track when their last two ORS lie below the band that this per cent of the clinic's ORS at the same point of treatment fall below."),
    Setting("alert_budget", 25, "The supervision agenda lists at most this per cent of the therapist's active clients (at least one), those of most concern, and says how many flagged clients it leaves out."),
    Setting("active_weeks", 8, "A client is active when their latest attended session lies at most this many weeks before the period's end (or the data's last day); supervision lists active clients unless asked for all."),
    Setting("min_clients", 5, "Therapists or groups with fewer clients than this are shown as too few to compare."),
    Setting("min_reliability", 0.7, "A therapist's model estimate is compared with the others only when its reliability, the therapist variance over itself plus the client and session variance averaged over the therapist's clients, is at least this."),
    Setting("suppress_below", 5, "Figures that include clinics other than the viewer's own, and every export, hide cells of fewer clients than this, and one more cell where needed so that a hidden one cannot be worked out from the totals."),
    Setting("audit_retention_days", 365, "The audit trail keeps each event this many days; older events are deleted, a month's file at a time."),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


class SettingsError(ValueError):
    """A clinic's settings file that cannot be used."""


def load_settings(home: Path | None = None) -> dict[str, float | int]:
    """The settings in force: defaults, overridden by `settings.toml` in the home folder."""
    values = dict(DEFAULTS)
    if home is None:
        return values
    path = Path(home) / "settings.toml"
    if not path.exists():
        return values
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} cannot be read as TOML: {exc}.") from None
    table = data.get("settings", data)
    for key, value in table.items():
        if key not in DEFAULTS:
            raise SettingsError(f"{path} names an unknown setting '{key}'.")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{path}: setting '{key}' must be a number.")
        values[key] = value
    return values
