"""Exports with realistic SRS noise, for the figures that judge therapists and flag clients.

The published spread of session alliance scores (issue 18): a client's SRS moves about 2 points
from session to session, clients differ by about 2.5 points and therapists by about 0.8; most
scores lie near the top of the scale, with a ceiling at 40; alliance rises over the first sessions.
No therapist is special unless `planted` says so (therapist index -> offset in SRS points).
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


@dataclass
class Realistic:
    """The generated clinic: its session rows and feedback rows, and what was planted."""

    sessions: list[dict] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)
    therapist_effects: dict[tuple[str, str], float] = field(default_factory=dict)
    clients: dict[tuple[str, str], int] = field(default_factory=dict)  # (clinic, therapist) -> clients

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        write_csv(folder / "sessions_realistic.csv", SESSION_HEADER, self.sessions)
        write_csv(folder / "feedback_realistic.csv", FEEDBACK_HEADER, self.forms)
        return folder


def therapist_name(index: int) -> str:
    return f"RT-{index + 1:02d}"


def realistic_clinic(seed: int, therapists: int = 40, planted: dict[int, float] | None = None,
                     noise: Noise = Noise(), sites: tuple[str, ...] = ("Nord", "Sør"), clinic: str = CLINIC,
                     out: Realistic | None = None) -> Realistic:
    """One clinic's exports (added to `out` when given). A planted therapist's effect is the planted
    offset itself; every other therapist's is drawn from the therapists' spread."""
    rng = np.random.default_rng(seed)
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
            for number in range(1, int(rng.integers(noise.min_sessions, noise.max_sessions + 1)) + 1):
                rise = -noise.early_rise * max(0, 4 - number) / 3
                latent = noise.level + effect + client_effect + rise + float(rng.normal(0, noise.session_sd))
                total = round(min(40.0, max(0.0, latent)), 1)
                sid = f"{client}-{number:02d}"
                date = (first + dt.timedelta(days=7 * (number - 1))).isoformat()
                out.sessions.append(session(clinic=clinic, site=site, session_id=sid, client_id=client,
                                            therapist_id=name, date=date, number=number, ors=None))
                item = round(total / 4, 2)
                out.forms.append(feedback(clinic=clinic, session_id=sid,
                                          srs=(item, item, item, round(total - 3 * item, 2))))
    return out
