"""Small-cell suppression: figures about groups that reach beyond the viewer's own clinics, and exports.

A cell is one row of a table of groups (a site's month, a clinic's session number, a
sector's outcome category) with the number of clients behind it. A cell is *sensitive*
when it rests on fewer clients than the setting `suppress_below` (default 5):

- on screen, a figure that draws on peer clinics (a supervisor's view of the other
  clinics) checks the clients from those clinics (`peers` column): a cell with 1 to 4
  of them is hidden, wherever it sits (a sector's month that is the viewer's own 30
  clients plus 2 of another clinic's is hidden too, or the 2 could be worked out from
  the viewer's own figures). Cells of the viewer's own clinics alone stay, since the
  viewer sees those clients anyway.
- for an export (`everything=True`), every cell of fewer clients than the threshold is
  hidden, whoever's clients they are.

A hidden cell's figures and counts are emptied and the row is marked `suppressed`.
So that a hidden cell cannot be worked out from a total (a clinic's month is the sum
of its sites; a group's outcome categories add up to its clients), a cell hidden alone
among the cells that add up to one total (a *partition*) takes another cell of that
partition with it: secondary suppression. A query names one or more partitions
(`within`); passes repeat until no partition of any of them has exactly one hidden
cell. The partner is the smallest visible cell, one with peer clients before one
without (the viewer knows their own cells, so hiding one of those would protect
nothing). Every partition therefore shows no hidden cell or at least two, and what a
total reveals is only their sum.

Row work is vectorised (pandas groupby), never a loop over rows; the passes loop over
partitions, and each pass hides at least one more cell, so there are at most as many
passes as cells.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Suppression:
    """How one query's rows are suppressed.

    count: the column holding the number of clients behind the row.
    peers: the column holding how many of them belong to peer clinics (None: treat all as peers).
    within: the partitions, each a tuple of columns; rows equal on them add up to one total.
        An empty tuple is the whole table.
    keep: the columns that name the cell (group, month, category...) and stay visible.
    """

    count: str
    peers: str | None = None
    within: tuple[tuple[str, ...], ...] = ()
    keep: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        named = [self.count, *([self.peers] if self.peers else []), *(c for p in self.within for c in p), *self.keep]
        return tuple(dict.fromkeys(named))

    @classmethod
    def parse(cls, text: str, where: str) -> "Suppression":
        """`n_clients peers n_peer_clients within month, parent within group keep group, month` (a query header).

        Each `within` starts one partition; `keep` lists the columns that stay visible (the
        partitions' columns stay too).
        """
        words = text.replace(",", " ").split()
        if not words or words[0] in ("peers", "within", "keep"):
            raise ValueError(f"{where}: the suppress line must start with the column that counts clients.")
        count, peers, within, keep, target = words[0], None, [], [], None
        for word in words[1:]:
            if word == "within":
                within.append([])
                target = within[-1]
            elif word == "keep":
                target = keep
            elif word == "peers":
                target = "peers"
            elif target == "peers":
                if peers is not None:
                    raise ValueError(f"{where}: the suppress line names more than one peers column.")
                peers = word
            elif target is None:
                raise ValueError(f"{where}: the suppress line has '{word}' where 'peers', 'within' or 'keep' belongs.")
            else:
                target.append(word)
        parts = tuple(tuple(p) for p in within)
        keep_all = tuple(dict.fromkeys([*(c for p in parts for c in p), *keep]))
        return cls(count, peers, parts, keep_all)


# --------------------------------------------------------------------------- periods of whole months
#
# A figure that draws on peer clinics counts whole calendar months. Otherwise two periods a day
# apart differ by one day's sessions, and a viewer who compares them can read one session of
# another clinic from the difference. Two periods of whole months differ by whole months: by a
# run of months at the start or the end of one period, or one of each (nested, overlapping or
# apart alike). So a cell is also hidden when such a run could rest on 1 to suppress_below - 1 peer
# clients: when, counting months from the period's start, the first month in which the cell has
# any peer clients has fewer than suppress_below of them; or likewise counting from its end
# (edge_hidden). A longer run only adds clients, so then every run at either end of a shown period
# rests on no peer clients or on at least suppress_below, and so does what any two periods differ by.


def month_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The period widened to whole calendar months: a start to the first of its month, an end to the
    last day of its month (an open end stays open)."""
    if start is not None:
        start = start.replace(day=1)
    if end is not None:
        following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = following - dt.timedelta(days=1)
    return start, end


def months_of(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Each calendar month of a period, as (first day, last day), in order."""
    months, day = [], start.replace(day=1)
    while day <= end:
        first, last = month_period(day, day)
        months.append((first, last))
        day = last + dt.timedelta(days=1)
    return months


def edge_hidden(frame: pd.DataFrame, months: list[tuple[dt.date, dt.date]], rows_for, rule: Suppression,
                below: int) -> np.ndarray:
    """The rows of `frame` (a figure over whole `months`) to hide because a run of months at the
    period's start or end rests on 1 to below - 1 peer clients. `rows_for(first, last)` gives the same
    figure over one month. Months are read from each end only until every cell with peer clients
    has met its first month with any: usually a few."""
    hidden = np.zeros(len(frame), dtype=bool)
    if not len(frame) or below <= 1 or len(months) < 2 or "month" in rule.keep:
        # A cell that is one calendar month (alliance_trend's) is the same in every period that holds it.
        return hidden
    keys = _keys(frame, rule.keep)
    total = pd.to_numeric(frame[rule.count], errors="coerce").astype(float)
    with_peers = (_peers(frame, rule, total, everything=False) > 0).fillna(False).to_numpy(dtype=bool)
    small: set = set()
    for order in (months, months[::-1]):
        pending = set(keys[with_peers])
        for first, last in order:
            if not pending:
                break
            month = rows_for(first, last)
            if not len(month):
                continue
            counts = pd.to_numeric(month[rule.count], errors="coerce").astype(float)
            peers = _peers(month, rule, counts, everything=False).fillna(0).to_numpy(dtype=float)
            met = pd.Series(peers, index=_keys(month, rule.keep))
            met = met[(met > 0) & met.index.isin(list(pending))]
            small.update(met.index[met < below])
            pending.difference_update(met.index)
    hidden[np.isin(keys, list(small))] = True
    return hidden


def suppress(frame: pd.DataFrame, rule: Suppression, below: int, everything: bool = False,
             also: np.ndarray | None = None) -> pd.DataFrame:
    """The rows with sensitive cells hidden (primary) and their partners where needed (secondary).

    `everything` False (on screen): a cell is sensitive when 1 to below-1 of its clients are
    peers' (column `rule.peers`; without one, all are). True (exports): when it has fewer than
    `below` clients. Adds a boolean column `suppressed`; columns in `rule.keep` stay, every other
    column of a hidden row becomes empty (NA). `below` <= 1 hides nothing. `also` marks rows to hide
    besides the sensitive ones (edge_hidden), before the secondary suppression.
    """
    missing = [c for c in rule.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"Suppression needs the columns {', '.join(missing)}, which the rows lack.")
    out = frame.copy()
    counts = pd.to_numeric(out[rule.count], errors="coerce").astype(float)
    peers = _peers(out, rule, counts, everything)
    if everything:
        hidden = (counts < below).fillna(False).to_numpy(dtype=bool)
    else:
        hidden = ((peers > 0) & (peers < below)).fillna(False).to_numpy(dtype=bool)
    if also is not None and below > 1:
        hidden = hidden | also
    if hidden.any() and len(out) > 1:
        hidden = _secondary(out, counts, peers, hidden, rule.within)
    out[SUPPRESSED] = hidden
    if hidden.any():
        for column in out.columns:  # per column, not per row
            if column not in rule.keep and column != SUPPRESSED:
                out[column] = out[column].mask(hidden)
    return out


def _peers(frame: pd.DataFrame, rule: Suppression, counts: pd.Series, everything: bool) -> pd.Series:
    if everything or rule.peers is None:
        return counts
    return pd.to_numeric(frame[rule.peers], errors="coerce").astype(float)


def _keys(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    if not columns:
        return np.zeros(len(frame), dtype=object)
    return frame[list(columns)].astype(str).agg("\x1f".join, axis=1).to_numpy()


def _secondary(frame: pd.DataFrame, counts: pd.Series, peers: pd.Series, hidden: np.ndarray,
               within: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """Hide more cells until no partition has exactly one hidden cell (see the module's docstring)."""
    hidden = hidden.copy()
    partitions = [_keys(frame, columns) for columns in (within or ((),))]
    work = pd.DataFrame({"count": counts.to_numpy(dtype=float),
                         "no_peers": ~(peers.fillna(0).to_numpy(dtype=float) > 0)})
    for _ in range(len(frame) + 1):
        changed = False
        for key in partitions:
            work["key"], work["hidden"] = key, hidden
            per = work.groupby("key", sort=False)["hidden"].agg(["sum", "size"])
            alone = per.index[(per["sum"] == 1) & (per["size"] >= 2)]
            if not len(alone):
                continue
            # Partitions of one kind are disjoint, so one pass fixes every one of that kind. The
            # partner: the smallest visible cell with peer clients, else the smallest visible one
            # (ties: the first in the table's order).
            visible = work[work["key"].isin(alone) & ~work["hidden"]].reset_index()
            partner = (visible.sort_values(["no_peers", "count"], kind="stable")
                       .groupby("key", sort=False).head(1)["index"])
            hidden[partner.to_numpy()] = True
            changed = True
        if not changed:
            return hidden
    return hidden  # pragma: no cover  (each pass hides at least one cell)


def check(frame: pd.DataFrame, rule: Suppression, below: int, everything: bool = False) -> list[str]:
    """What is wrong with a suppressed table, as sentences (empty when it holds): for tests and exports.

    Needs the unsuppressed counts: pass the table before suppression with its `suppressed` column
    added (tests do `original.assign(suppressed=result["suppressed"])`).
    """
    problems = []
    counts = pd.to_numeric(frame[rule.count], errors="coerce").astype(float)
    peers = _peers(frame, rule, counts, everything)
    shown = ~frame[SUPPRESSED].astype(bool)
    sensitive = (counts < below) if everything else ((peers > 0) & (peers < below))
    if (sensitive & shown).any():
        problems.append(f"{int((sensitive & shown).sum())} visible cells have fewer than {below} clients.")
    for columns in rule.within or ((),):
        per = frame.assign(_key=_keys(frame, columns)).groupby("_key")[SUPPRESSED].agg(["sum", "size"])
        alone = per[(per["sum"] == 1) & (per["size"] >= 2)]
        if len(alone):
            problems.append(f"{len(alone)} partitions by {', '.join(columns) or 'the whole table'} have exactly one hidden cell.")
    return problems
