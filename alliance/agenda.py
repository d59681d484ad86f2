"""What the pages and the supervision pack share: the agenda's reasons in words (Supervision) and the key figures (Overview)."""
from __future__ import annotations

import pandas as pd

from . import i18n
from .caseload import FLAGS, SINCE
from .i18n import t


def agenda(caseload: pd.DataFrame, budget: float) -> tuple[pd.DataFrame, int]:
    """The clients the agenda lists and how many flagged clients it leaves out.

    The caseload's flagged clients in its order (concern, then the latest session), at most `budget`
    per cent of the caseload's clients (the setting alert_budget, rounded down, at least one): a list
    a meeting can get through. The Supervision page and the pack both list exactly these."""
    flagged = caseload[caseload["n_flags"] > 0]
    limit = max(1, int(budget * len(caseload) // 100))
    return flagged.head(limit), max(0, len(flagged) - limit)


def agenda_left_out(left_out: int, listed: int, budget: float) -> str:
    """The sentence under the agenda when the alert budget leaves flagged clients out."""
    return t("sup.agenda_left_out", n=i18n.integer(left_out), limit=i18n.integer(listed),
             budget=i18n.number(budget, 0))


def reasons(flagged: pd.DataFrame, cutoff: float) -> pd.Series:
    """One line per client in words, from its flags, in the order of their weight, each with the
    date since when it has been raised."""
    parts = pd.DataFrame(index=flagged.index)
    parts["deteriorated"] = flagged["ors_change"].abs().map(
        lambda v: t("sup.reason.deteriorated", drop=i18n.number(v)))
    parts["not_on_track"] = t("sup.reason.not_on_track")
    parts["rupture_flag"] = [
        t("sup.reason.rupture_flag", detail=", ".join(
            t(f"sup.reason.{kind}", n=n) for kind, n in (("unrepaired", u), ("open", o)) if n))
        for u, o in zip(flagged["n_unrepaired_ruptures"], flagged["n_open_ruptures"])]
    parts["low_alliance"] = flagged["last_srs"].map(
        lambda v: t("sup.reason.low_alliance", srs=i18n.number(v), cutoff=i18n.number(cutoff, 0)))
    parts["large_discrepancy"] = flagged["last_discrepancy"].abs().map(
        lambda v: t("sup.reason.large_discrepancy", gap=i18n.number(v, 2)))
    parts["no_recent_feedback"] = t("sup.reason.no_recent_feedback")
    parts["ceiling"] = t("sup.reason.ceiling")
    text = pd.Series("", index=flagged.index, dtype=object)
    for flag in FLAGS:  # column by column, not row by row
        since = pd.to_datetime(flagged[SINCE[flag]])
        dated = since.map(lambda d: "" if pd.isna(d) else t("sup.reason.since", date=i18n.date(d)))
        piece = (parts[flag] + dated).where(flagged[flag].astype(bool), "")
        text = text + ((text != "") & (piece != "")).map({True: "; ", False: ""}) + piece
    return text.str[:1].str.upper() + text.str[1:]


def on_track_notices(caseload: pd.DataFrame) -> list[str]:
    """One sentence per clinic whose expected response could not be estimated, so that not on
    track could not be judged for its clients (caseload_flags' on_track_status); none otherwise."""
    unjudged = caseload[caseload["on_track_status"].isin(("few_clients", "response_not_converged"))]
    return [t("sup.on_track_unavailable", n=i18n.integer(len(part)), clinic=clinic,
              reason=t(f"model.status.{part['on_track_status'].iloc[0]}"))
            for clinic, part in unjudged.groupby("clinic", sort=True)]


def key_figures(totals: pd.DataFrame, flags: pd.DataFrame) -> dict:
    """The period's totals from its rated sessions (period_totals) and per-client rows (caseload_flags).

    The Overview page's tiles and the supervision pack both show these.
    """
    rated = int(totals["n_rated"].iloc[0]) if len(totals) else 0
    sessions = int(flags["n_sessions"].sum())
    return {
        "clients": len(flags),
        "sessions": sessions,
        "rated": rated,
        "completion": 100.0 * int(flags["n_rated"].sum()) / sessions if sessions else None,
        "mean_srs": float(totals["mean_srs"].iloc[0]) if rated else None,
        "pct_low": float(totals["pct_low"].iloc[0]) if rated else None,
        "open_ruptures": int(flags["n_open_ruptures"].sum()),
    }
