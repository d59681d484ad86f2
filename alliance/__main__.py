"""The command line: `python -m alliance ingest | check | query | rebuild | settings | audit | report | sample` (contract section 8)."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import io
import json
import math
import sys
import time
import traceback
from pathlib import Path

from . import queries
from .ingest import EMPTY_MAPPING, MappingError, parse_mapping
from .settings import SettingsError, load_settings
from .store import MAPPING_NAME, IngestReport, StoreError, check, data_dir, home_dir, ingest, open_reader, rebuild

MAX_REJECT_LINES = 20


class UsageError(Exception):
    pass


def _plain(value):
    if value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, decimal.Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time(0):
        return value.date().isoformat()  # a date that passed through pandas
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _text(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        records = [{c: _plain(v) for c, v in zip(columns, row)} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(v) for v in row] for row in rows)
        return out.getvalue()
    cells = [[_text(v).replace("\n", " ") for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(_plain(r[i]), (int, float)) or r[i] is None for r in rows) and rows for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join((v.rjust(w) if numeric[i] else v.ljust(w)) for i, (v, w) in enumerate(zip(r, widths))).rstrip())
    return "\n".join(lines) + "\n"


def _report_text(report: IngestReport, verb: str, models: dict | None = None) -> str:
    lines = []
    by_file: dict[str, list[tuple]] = {}
    for r in report.rejects:
        by_file.setdefault(r[0], []).append(r)
    for f in report.files:
        if f.status == "loaded":
            parts = [f"{f.rows_read} rows read", f"{f.rows_loaded} loaded", f"{f.rows_quarantined} quarantined",
                     f"{f.rows_duplicate} duplicate"]
            if f.rows_orphan:
                parts.append(f"{f.rows_orphan} orphan")
            if f.rows_replaced:
                parts.append(f"{f.rows_replaced} replaced by a later file")
            lines.append(f"{f.status:<9} {f.file} ({f.kind}): " + ", ".join(parts) + ".")
            if f.unmapped:
                lines.append(f"          Unmapped columns, ignored: {f.unmapped}.")
            rejects = by_file.get(f.file, [])
            for file, row, column, reason in rejects[:MAX_REJECT_LINES]:
                lines.append(f"          {file} row {row}, column {column}: {reason}.")
            if len(rejects) > MAX_REJECT_LINES:
                lines.append(f"          … and {len(rejects) - MAX_REJECT_LINES} more; "
                             "see `python -m alliance query rejects`.")
        else:
            lines.append(f"{f.status:<9} {f.file}: {f.message}")
    if not report.files:
        lines.append("No export files found.")
    if verb == "ingest":
        lines.append("Store updated." if report.changed else "Nothing new: the store is unchanged.")
    if models is not None:
        lines.append(models["message"])
    return "\n".join(lines) + "\n"


def _report_json(report: IngestReport, models: dict | None = None) -> str:
    files = [{k: getattr(f, k) for k in ("file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined",
                                         "rows_duplicate", "rows_orphan", "rows_replaced", "message", "unmapped")}
             for f in report.files]
    rejects = [{"file": r[0], "row": r[1], "column": r[2], "reason": r[3]} for r in report.rejects]
    out = {"files": files, "rejects": rejects}
    if models is not None:
        out["models"] = models
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def cmd_ingest(args) -> int:
    def progress(fraction: float, message: str) -> None:
        if args.progress:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    home = home_dir(args.home)
    report = ingest(data_dir(args.data), home, progress=progress)
    models = _warm_models(home, args) if report.changed else None
    sys.stdout.write(_report_json(report, models) if args.format == "json" else _report_text(report, "ingest", models))
    return report.exit_code


def _warm_models(home: Path, args) -> dict:
    """After a new build: compute the default view's models into the cache beside the build, so the
    dashboard's first visitor does not wait for them (queries.WARM_UP). Never fails the ingest: a
    problem here only means the first visitor computes them, and the report says so in one sentence."""
    if args.no_models:
        return {"seconds": None, "scopes": 0, "message": "Models not computed ahead (--no-models)."}
    if getattr(args, "progress", False):
        print("[100%] Computing the default view's models", file=sys.stderr)
    started = time.perf_counter()
    try:
        n_scopes = queries.warm_build(home, load_settings(home))
    except (SettingsError, StoreError, queries.QueryError) as exc:
        return {"seconds": None, "scopes": 0,
                "message": f"Models not computed ahead: {exc} The dashboard's first visitor computes them."}
    except Exception as exc:  # noqa: BLE001 - the build stands; only the head start is lost
        if args.debug:
            traceback.print_exc()
        return {"seconds": None, "scopes": 0,
                "message": f"Models not computed ahead ({type(exc).__name__}); the dashboard's first visitor "
                           "computes them."}
    if not n_scopes:
        return {"seconds": None, "scopes": 0, "message": "Models not computed ahead: the store has no build."}
    seconds = time.perf_counter() - started
    views = "the default view" if n_scopes == 1 else f"the default view of {n_scopes} scopes"
    return {"seconds": round(seconds, 2), "scopes": n_scopes,
            "message": f"Models for {views} computed ahead in {seconds:.1f} s."}


def _mapping_for(args, paths: list[Path]) -> object:
    folder = Path(args.data) if args.data else (paths[0].parent if paths else Path("."))
    path = folder / MAPPING_NAME
    return parse_mapping(path.read_bytes(), str(path)) if path.is_file() else EMPTY_MAPPING


def cmd_check(args) -> int:
    paths = [Path(p) for p in args.files]
    for p in paths:
        if not p.is_file():
            raise UsageError(f"{p} is not a file.")
    report = check(paths, _mapping_for(args, paths))
    sys.stdout.write(_report_json(report) if args.format == "json" else _report_text(report, "check"))
    return report.exit_code


def _open_store(args):
    """The store of --home read-only, and the settings in force; one sentence when there is none yet."""
    home = home_dir(args.home)
    settings = load_settings(home)
    con = open_reader(home)
    if con is None:
        raise StoreError(f"There is no store in {home} yet; run `python -m alliance ingest` first.")
    return con, settings


def cmd_query(args) -> int:
    params = queries.parse_params(args.name, args.param or [])
    con, settings = _open_store(args)
    try:
        columns, rows = queries.run_rows(con, args.name, params, settings=settings)
    finally:
        con.close()
    sys.stdout.write(format_rows(columns, rows, args.format))
    return 0


def cmd_rebuild(args) -> int:
    home = home_dir(args.home)
    report = rebuild(home)
    models = _warm_models(home, args)
    sys.stdout.write(_report_json(report, models) if args.format == "json" else _report_text(report, "rebuild", models))
    return report.exit_code


def cmd_settings(args) -> int:
    from .settings import SETTINGS

    in_force = load_settings(home_dir(args.home))
    rows = [(s.name, in_force[s.name], s.default, s.help) for s in SETTINGS]
    sys.stdout.write(format_rows(["setting", "in_force", "default", "meaning"], rows, args.format))
    return 0


def cmd_audit(args) -> int:
    from . import audit

    home = home_dir(args.home)
    if args.purge:
        try:
            deleted = audit.purge(home, load_settings(home)["audit_retention_days"])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        print(f"Deleted {len(deleted)} month file(s) of the audit trail: {', '.join(deleted)}." if deleted
              else "Nothing to delete: every month file of the audit trail is within the retention.")
        return 0
    try:
        events = audit.read_events(home, since=args.since, until=args.until, user=args.user, event=args.event,
                                   page=args.page)
    except audit.AuditFilterError as exc:
        raise UsageError(str(exc)) from None
    events["ts"] = events["ts"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # UTC, as written
    rows = [tuple(None if v is None or v != v else v for v in row) for row in
            events[audit.COLUMNS].astype(object).itertuples(index=False, name=None)]
    if args.format == "json":  # the detail as an object, not as a string of JSON
        rows = [row[:-1] + (json.loads(row[-1]) if row[-1] else None,) for row in rows]
    sys.stdout.write(format_rows(audit.COLUMNS, rows, args.format))
    return 0


def cmd_serve(args) -> int:
    """Start the dashboard; refuse to serve other computers without login (alliance.access.no_login_refusal)."""
    import os

    from .access import no_login_refusal
    from .ui.launch import LaunchError, configured_address, login_configured

    # Unset everywhere: this computer only (Streamlit itself would listen on every address).
    address = args.address or configured_address() or "127.0.0.1"
    try:
        refusal = no_login_refusal(address, login_configured())
    except LaunchError as exc:
        raise UsageError(str(exc)) from None
    if refusal:
        raise UsageError(refusal)
    for name, value in (("ALLIANCE_HOME", args.home), ("ALLIANCE_DATA", args.data)):
        if value:
            os.environ[name] = str(Path(value).resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(Path(__file__).resolve().parent.parent / "dashboard.py")]
    command += ["--server.address", address]
    if args.port is not None:
        command += ["--server.port", str(args.port)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
    return 0  # not reached: the process is now Streamlit's


def _date_option(raw: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise UsageError(f"{option} must be a date as YYYY-MM-DD, not '{raw[:40]}'.") from None


def cmd_report(args) -> int:
    """One PDF pack for a therapist or a clinic and a period, with the data manager's full access (alliance/report.py)."""
    import os
    import tempfile

    from . import audit, report
    from .scope import EVERYTHING

    start, end = _date_option(args.start, "--start"), _date_option(args.end, "--end")
    if start > end:
        raise UsageError(f"--start ({start}) is after --end ({end}).")
    if args.therapist is not None:
        clinic, slash, therapist = args.therapist.strip().rpartition("/")
        if not slash or not clinic.strip() or not therapist.strip():
            raise UsageError("Give the therapist as CLINIC/THERAPIST_ID, for example 'Havbris DPS/HB-T01'.")
        clinic, therapist = clinic.strip(), therapist.strip()
    else:
        clinic, therapist = args.clinic.strip(), None
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give the name of the PDF file to write.")
    if not out.parent.is_dir() or not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"Cannot write {out}: its folder does not exist or is not writable.")
    con, settings = _open_store(args)
    try:
        if therapist is not None:
            pack = report.make_therapist_pack(con, clinic, therapist, start, end, EVERYTHING, settings, args.lang)
        else:
            pack = report.make_clinic_pack(con, clinic, start, end, EVERYTHING, settings, args.lang)
    except report.PackError as exc:
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    try:  # written beside its place and moved there, so a cron job never leaves half a PDF
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pack.pdf)
        os.replace(tmp, out)
    except OSError as exc:
        raise UsageError(f"Cannot write {out}: {exc.strerror or type(exc).__name__}.") from None
    audit.record("export", audit.SystemViewer("cli", "cli", "cli"), {
        "what": "therapist_pack" if therapist is not None else "clinic_pack", "page": "cli", "format": "pdf",
        "filters": {"start": start, "end": end, "clinics": [clinic],
                    **({"therapists": [(clinic, therapist)]} if therapist is not None else {})},
        "scope": EVERYTHING, "rows": pack.rows}, home=home_dir(args.home))
    for note in pack.notes:
        print(note, file=sys.stderr)
    print(f"Wrote {out} ({pack.pages} page{'s' if pack.pages != 1 else ''}).")
    return 0


def cmd_sample(args) -> int:
    from . import sample

    return sample.run(args)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="the exports folder (default sample_data/, or ALLIANCE_DATA)")
    common.add_argument("--home", help="the application's own store (default .alliance, or ALLIANCE_HOME)")
    common.add_argument("--debug", action="store_true", help="show tracebacks")

    parser = argparse.ArgumentParser(prog="python -m alliance", description="Alliance Dashboard command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="read the exports folder into the store")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--progress", action="store_true", help="print progress to standard error")
    p.add_argument("--no-models", action="store_true",
                   help="do not compute the default view's models after a new build (the first visitor then does)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("check", parents=[common], help="validate files without storing anything")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("query", parents=[common], help="print a named query")
    p.add_argument("name")
    p.add_argument("--param", action="append", metavar="KEY=VALUE")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("rebuild", parents=[common], help="rebuild the store from the archive alone")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-models", action="store_true",
                   help="do not compute the default view's models after the build (the first visitor then does)")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("settings", parents=[common], help="print the settings in force for the home folder")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("audit", parents=[common], help="print the audit trail (newest first), or purge old months")
    p.add_argument("--since", metavar="DATE", help="first day, e.g. 2026-03-01 (UTC)")
    p.add_argument("--until", metavar="DATE", help="last day, included (UTC)")
    p.add_argument("--user", metavar="EMAIL", help="only this user's events")
    p.add_argument("--event", metavar="EVENT", help="only this event: login, logout, refused, page_view, upload, export, purge")
    p.add_argument("--page", metavar="PAGE", help="only views of this page, e.g. feedback")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table")
    p.add_argument("--purge", action="store_true", help="delete the month files older than audit_retention_days")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("serve", parents=[common], help="start the dashboard (refuses other computers without login)")
    p.add_argument("--address", metavar="A", help="the address to listen on (default: server.address in "
                                                  ".streamlit/config.toml, else 127.0.0.1)")
    p.add_argument("--port", metavar="P", type=int, help="the port (default 8501)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", parents=[common], help="write a supervision pack (PDF) for a therapist or a clinic")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--therapist", metavar="CLINIC/THERAPIST_ID", help="one therapist's pack")
    who.add_argument("--clinic", metavar="CLINIC", help="a clinic compared with the others and their sites")
    p.add_argument("--start", metavar="DATE", required=True, help="first day of the period, YYYY-MM-DD")
    p.add_argument("--end", metavar="DATE", required=True, help="last day of the period, included")
    p.add_argument("--out", metavar="FILE.pdf", required=True, help="the PDF to write")
    p.add_argument("--lang", choices=("en", "nb"), default="en", help="the pack's language (default en)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("sample", parents=[common], help="write synthetic sample exports")
    try:
        from . import sample

        sample.add_arguments(p)
    except ImportError:
        pass
    p.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (StoreError, MappingError, queries.QueryError, SettingsError, UsageError) as exc:
        if args.debug:
            traceback.print_exc()
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped; the store is as it was before.", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a user-facing tool
        if args.debug:
            traceback.print_exc()
        print(f"Unexpected error ({type(exc).__name__}); nothing was changed. Run again with --debug for details.",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
