"""A viewer's scope: which clinics and therapists their figures may draw on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Plain, hashable values so a scope can be part of any cache key.

    `clinics` None means every clinic; `therapists` None means every therapist
    of those clinics, otherwise a tuple of (clinic, therapist_id) pairs.
    """

    clinics: tuple[str, ...] | None = None
    therapists: tuple[tuple[str, str], ...] | None = None

    @property
    def is_everything(self) -> bool:
        return self.clinics is None and self.therapists is None

    def params(self) -> dict:
        """Bound parameters that the scoped views in the store read."""
        return {
            "scope_all_clinics": self.clinics is None,
            "scope_clinics": list(self.clinics or []),
            "scope_all_therapists": self.therapists is None,
            "scope_therapists": [f"{c}/{t}" for c, t in (self.therapists or [])],
        }


EVERYTHING = Scope()
