"""A viewer's scope: which clinics, sites and therapists their figures may draw on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Plain, hashable values so a scope can be part of any cache key.

    `clinics` None means every clinic; `sites` None means every site of those
    clinics, otherwise (clinic, site) pairs; `therapists` None means every
    therapist, otherwise (clinic, therapist_id) pairs. A viewer's access and the
    filters they choose are both scopes: the figures use their intersection
    (`narrow`), so a filter can never widen what a viewer may see.
    """

    clinics: tuple[str, ...] | None = None
    therapists: tuple[tuple[str, str], ...] | None = None
    sites: tuple[tuple[str, str], ...] | None = None

    @property
    def is_everything(self) -> bool:
        return self.clinics is None and self.therapists is None and self.sites is None

    def narrow(self, other: "Scope") -> "Scope":
        """What both scopes allow."""
        return Scope(
            clinics=_meet(self.clinics, other.clinics),
            therapists=_meet(self.therapists, other.therapists),
            sites=_meet(self.sites, other.sites),
        )

    def params(self) -> dict:
        """Bound parameters that the scoped tables in alliance/queries.py read."""
        return {
            "scope_all_clinics": self.clinics is None,
            "scope_clinics": list(self.clinics or []),
            "scope_all_therapists": self.therapists is None,
            "scope_therapists": [f"{c}/{t}" for c, t in (self.therapists or [])],
            "scope_all_sites": self.sites is None,
            "scope_sites": [f"{c}/{s}" for c, s in (self.sites or [])],
        }


def _meet(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None:
        return None if b is None else tuple(sorted(set(b)))
    if b is None:
        return tuple(sorted(set(a)))
    return tuple(sorted(set(a) & set(b)))


EVERYTHING = Scope()
