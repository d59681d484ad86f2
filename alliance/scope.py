"""A viewer's scope: which clinics, sites and therapists their figures may draw on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Plain, hashable values so a scope can be part of any cache key.

    `clinics` None means every clinic; `sites` None means every site of those
    clinics, otherwise (clinic, site) pairs; `therapists` None means every
    therapist, otherwise (clinic, therapist_id) pairs. These are what the viewer
    sees at client level.

    `peers` are further clinics the viewer sees only as aggregates (a supervisor's
    view of the other clinics): figures about groups (sector, clinic, site) draw
    on them too, with small cells suppressed; nothing about their clients or
    therapists is shown. None means every clinic, () none.

    A viewer's access and the filters they choose are both scopes: the figures
    use their intersection (`narrow`), so a filter can never widen what a viewer
    may see.
    """

    clinics: tuple[str, ...] | None = None
    therapists: tuple[tuple[str, str], ...] | None = None
    sites: tuple[tuple[str, str], ...] | None = None
    peers: tuple[str, ...] | None = ()

    @property
    def is_everything(self) -> bool:
        return self.clinics is None and self.therapists is None and self.sites is None

    @property
    def sees_peers(self) -> bool:
        """Whether figures about groups reach beyond the clinics seen at client level."""
        if self.clinics is None:
            return False
        return self.peers is None or bool(set(self.peers) - set(self.clinics))

    def aggregate(self) -> "Scope":
        """The scope of a figure about groups: the viewer's own clinics and their peers."""
        if not self.sees_peers:
            return self
        clinics = None if self.peers is None else tuple(sorted(set(self.clinics) | set(self.peers)))
        return Scope(clinics=clinics, therapists=self.therapists, sites=self.sites, peers=self.peers)

    def narrow(self, other: "Scope") -> "Scope":
        """What both scopes allow (`other` is a filter: its clinics narrow the peers as well)."""
        peers = self.peers
        if other.clinics is not None:
            peers = tuple(sorted(set(other.clinics))) if peers is None else _meet(peers, other.clinics)
        return Scope(
            clinics=_meet(self.clinics, other.clinics),
            therapists=_meet(self.therapists, other.therapists),
            sites=_meet(self.sites, other.sites),
            peers=peers,
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

    def own_params(self) -> dict:
        """The viewer's own clinics, for a figure about groups that must tell them from peers."""
        return {"own_all_clinics": self.clinics is None, "own_clinics": list(self.clinics or [])}


def _meet(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None:
        return None if b is None else tuple(sorted(set(b)))
    if b is None:
        return tuple(sorted(set(a)))
    return tuple(sorted(set(a) & set(b)))


EVERYTHING = Scope()
