"""One fixed, colour-blind-safe colour per sector, clinic and site, the same on every page.

The palette is Okabe & Ito (2008), safe for the common forms of colour blindness.
Sectors have their own colours. Clinics and sites take palette colours in the
alphabetical order of *every* name the store knows, so pass all names, not only
the ones a filter leaves, and a clinic keeps its colour when the filter changes.
"""
from __future__ import annotations

from typing import Iterable

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

SECTOR_COLORS = {
    "public": OKABE_ITO["blue"],
    "private": OKABE_ITO["vermillion"],
}

# Reference lines (cutoffs) are drawn in a neutral grey, never in a group's colour.
REFERENCE_COLOR = "#595959"

# Clinics and sites: sector colours last, so a clinic is seldom mistaken for a sector;
# yellow late, as it is hard to see on white.
GROUP_PALETTE = (
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)


def color_map(names: Iterable[str]) -> dict[str, str]:
    """A colour for each name: sectors their own, any other name by its alphabetical place among `names`."""
    colors: dict[str, str] = {}
    others = sorted({str(n) for n in names if str(n) not in SECTOR_COLORS})
    for name in names:
        if str(name) in SECTOR_COLORS:
            colors[str(name)] = SECTOR_COLORS[str(name)]
    for i, name in enumerate(others):
        # More names than colours: the palette repeats; pages with many groups need another encoding.
        colors[name] = GROUP_PALETTE[i % len(GROUP_PALETTE)]
    return colors
