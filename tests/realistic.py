"""Exports with realistic SRS noise, for the figures that judge therapists and flag clients.

The published spread of session alliance scores (issue 18): a client's SRS moves about 2 points
from session to session, clients differ by about 2.5 points and therapists by about 0.8; most
scores lie near the top of the scale, with a ceiling at 40; alliance rises over the first sessions.
No therapist is special unless `planted` says so (therapist index -> offset in SRS points).

With `outcome=True` every session also carries an ORS total and every third session a WAI-SR from
client and therapist, drawn from a second random stream so that the SRS stays the same:
- ORS at intake about 19 (SD 7); a client's ORS moves about 3 points from session to session
  around a course that rises by a log curve, more for clients who start low (published
  trajectories: most of the gain comes early);
- `Noise.fall_share` of the clients (about 6 %) truly get worse, by 8 to 14 points by their last
  session: `Realistic.falls` names them;
- the client's WAI-SR follows their SRS; the therapist rates about 0.3 lower, with a pair-level
  spread of 0.35 and a session-level one of 0.25.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.exports import FEEDBACK_HEADER, SESSION_HEADER, feedback, session, write_csv

CLINIC = "Realistisk DPS"


@dataclass(frozen=True)
class Noise:
    level: float = 35.0  # mean SRS of an established alliance, before the ceiling
    therapist_sd: float = 0.8
    client_sd: float = 2.5
    session_sd: float = 2.0
    early_rise: float = 1.5  # how much lower session 1 is than session 4 and later
    min_clients: int = 8
    max_clients: int = 45
    min_sessions: int = 3
    max_sessions: int = 14
    ors_intake: float = 19.0
    ors_intake_sd: float = 7.0
    ors_session_sd: float = 3.0
    ors_gain: float = 7.0  # the mean gain by session 10 of a client who starts at the intake mean
    ors_gain_sd: float = 4.0
    fall_share: float = 0.06


@dataclass
class Realistic:
    """The generated clinic: its session rows and feedback rows, and what was planted."""

    sessions: list[dict] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)
    therapist_effects: dict[tuple[str, str], float] = field(default_factory=dict)
    clients: dict[tuple[str, str], int] = field(default_factory=dict)  # (clinic, therapist) -> clients
    falls: set[tuple[str, str]] = field(default_factory=set)  # (clinic, client) planted to get worse

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        write_csv(folder / "sessions_realistic.csv", SESSION_HEADER, self.sessions)
        write_csv(folder / "feedback_realistic.csv", FEEDBACK_HEADER, self.forms)
        return folder


def therapist_name(index: int) -> str:
    return f"RT-{index + 1:02d}"


def realistic_clinic(seed: int, therapists: int = 40, planted: dict[int, float] | None = None,
                     noise: Noise = Noise(), sites: tuple[str, ...] = ("Nord", "Sør"), clinic: str = CLINIC,
                     out: Realistic | None = None, outcome: bool = False) -> Realistic:
    """One clinic's exports (added to `out` when given). A planted therapist's effect is the planted
    offset itself; every other therapist's is drawn from the therapists' spread. `outcome` adds the
    ORS and the WAI-SR of client and therapist (see the module's doc)."""
    rng = np.random.default_rng(seed)
    more = np.random.default_rng([seed, 1])  # the outcome's own stream: the SRS does not change with it
    out = out if out is not None else Realistic()
    start = dt.date(2024, 1, 1)
    for t in range(therapists):
        name = therapist_name(t)
        effect = float(rng.normal(0, noise.therapist_sd))
        effect = (planted or {}).get(t, effect)
        out.therapist_effects[(clinic, name)] = effect
        n_clients = int(rng.integers(noise.min_clients, noise.max_clients + 1))
        out.clients[(clinic, name)] = n_clients
        site = sites[t % len(sites)]
        for c in range(n_clients):
            client = f"{name}-K{c + 1:02d}"
            client_effect = float(rng.normal(0, noise.client_sd))
            first = start + dt.timedelta(days=int(rng.integers(0, 300)))
            course = _course(more, noise) if outcome else None
            if course is not None and course["falls"]:
                out.falls.add((clinic, client))
            pair = float(more.normal(-0.3, 0.35)) if outcome else 0.0
            for number in range(1, int(rng.integers(noise.min_sessions, noise.max_sessions + 1)) + 1):
                rise = -noise.early_rise * max(0, 4 - number) / 3
                latent = noise.level + effect + client_effect + rise + float(rng.normal(0, noise.session_sd))
                total = round(min(40.0, max(0.0, latent)), 1)
                sid = f"{client}-{number:02d}"
                date = (first + dt.timedelta(days=7 * (number - 1))).isoformat()
                ors = _ors(more, noise, course, number) if outcome else None
                out.sessions.append(session(clinic=clinic, site=site, session_id=sid, client_id=client,
                                            therapist_id=name, date=date, number=number, ors=ors))
                item = round(total / 4, 2)
                wai = None
                if outcome and number % 3 == 0:
                    client_wai = _clip(1 + 4 * total / 40 + float(more.normal(0, 0.2)), 1, 5)
                    therapist_wai = _clip(client_wai + pair + float(more.normal(0, 0.25)), 1, 5)
                    wai = (client_wai, therapist_wai)
                # The WAI-SR as its mean only (a form may give just wai_mean; items are whole numbers).
                out.forms.append(feedback(clinic=clinic, session_id=sid,
                                          srs=(item, item, item, round(total - 3 * item, 2)),
                                          wai_mean="" if wai is None else round(wai[0], 2)))
                if wai is not None:
                    out.forms.append(feedback(clinic=clinic, session_id=sid, rater="therapist", srs=None,
                                              wai_mean=round(wai[1], 2)))
    return out


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _course(rng: np.random.Generator, noise: Noise) -> dict:
    """A client's true ORS course: the intake level and the gain by session 10 (a fall for the few)."""
    intake = _clip(float(rng.normal(noise.ors_intake, noise.ors_intake_sd)), 2, 38)
    falls = bool(rng.random() < noise.fall_share)
    if falls:
        gain = -float(rng.uniform(8, 14))
    else:
        gain = float(rng.normal(noise.ors_gain - 0.3 * (intake - noise.ors_intake), noise.ors_gain_sd))
    return {"intake": intake, "gain": gain, "falls": falls}


def _ors(rng: np.random.Generator, noise: Noise, course: dict, number: int) -> tuple[float, float, float, float]:
    """The four ORS items of session `number` (each 0 to 10): the course plus session noise."""
    progress = np.log1p(number - 1) / np.log1p(9) if not course["falls"] else (number - 1) / 9
    total = _clip(course["intake"] + course["gain"] * min(progress, 1.4) + float(rng.normal(0, noise.ors_session_sd)),
                  0, 40)
    item = round(total / 4, 1)
    return (item, item, item, round(min(10.0, max(0.0, total - 3 * item)), 1))
