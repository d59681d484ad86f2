"""Load queries/*.sql, bind parameters and the viewer's scope, run on a cursor.

One safe path for every figure: values are always bound (`$name`), choices come
from a fixed allow-list declared in the query file's header, and the viewer's
scope is applied here, in front of the query's own SQL, so that no query file
can reach rows outside it.

A query file starts with comment lines:

    -- name: what it returns
    -- param start: date
    -- param group: sector|clinic|site|therapist = sector
    -- uses: rupture_status

`uses` names fragments in queries/fragments/: common table expressions that
several queries share (a definition written once), put after the scope's.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from .scope import EVERYTHING, Scope
from .settings import DEFAULTS

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
FRAGMENTS_DIR = QUERIES_DIR / "fragments"

# Tables a query may read, each behind a scope filter. Rows of files, rejects and
# quarantine belong to files; a file is in scope when every clinic it names is.
_CLINIC_FILTER = "($scope_all_clinics OR clinic IN (SELECT unnest($scope_clinics)))"
_THERAPIST_FILTER = "($scope_all_therapists OR clinic || '/' || therapist_id IN (SELECT unnest($scope_therapists)))"
_FILE_FILTER = (
    "($scope_all_clinics AND $scope_all_therapists OR ($scope_all_therapists AND file NOT IN ("
    "SELECT file FROM main.file_clinics WHERE clinic NOT IN (SELECT unnest($scope_clinics)))))"
)
SCOPED_TABLES = {
    "sessions": f"SELECT * FROM main.sessions WHERE {_CLINIC_FILTER} AND {_THERAPIST_FILTER}",
    "attended_sessions": f"SELECT * FROM main.attended_sessions WHERE {_CLINIC_FILTER} AND {_THERAPIST_FILTER}",
    "rated_sessions": f"SELECT * FROM main.rated_sessions WHERE {_CLINIC_FILTER} AND {_THERAPIST_FILTER}",
    "feedback": (
        f"SELECT * FROM main.feedback WHERE {_CLINIC_FILTER} AND ($scope_all_therapists OR "
        "(clinic, session_id) IN (SELECT (clinic, session_id) FROM main.sessions WHERE "
        f"{_THERAPIST_FILTER}))"
    ),
    "files": f"SELECT * FROM main.files WHERE {_FILE_FILTER}",
    "rejects": f"SELECT * FROM main.rejects WHERE {_FILE_FILTER}",
    "quarantined_sessions": f"SELECT * FROM main.quarantined_sessions WHERE {_FILE_FILTER}",
    "quarantined_feedback": f"SELECT * FROM main.quarantined_feedback WHERE {_FILE_FILTER}",
}


class QueryError(ValueError):
    """An unknown query or parameter; the message is one sentence for the user."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # date | choice | integer | number
    choices: tuple[str, ...] = ()
    default: str | None = None

    def parse(self, raw: str, query: str):
        if self.type == "date":
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                raise QueryError(f"Parameter {self.name} of {query} must be a date as YYYY-MM-DD, not '{raw[:40]}'.") from None
        if self.type == "choice":
            value = raw.strip().lower()
            if value not in self.choices:
                raise QueryError(f"Parameter {self.name} of {query} must be one of {', '.join(self.choices)}.")
            return value
        if self.type == "integer":
            try:
                return int(raw)
            except ValueError:
                raise QueryError(f"Parameter {self.name} of {query} must be a whole number.") from None
        try:
            return float(raw)
        except ValueError:
            raise QueryError(f"Parameter {self.name} of {query} must be a number.") from None


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    sql: str
    params: tuple[Param, ...]
    uses: tuple[str, ...] = ()

    @property
    def full_sql(self) -> str:
        """The SQL that runs: the scope's and the fragments' CTEs, then the query's own."""
        fragments = [(name, _strip_comments(fragment_sql(name))) for name in self.uses]
        return _with_ctes(self.sql, fragments)

    @property
    def bound_names(self) -> frozenset[str]:
        return frozenset(re.findall(r"\$([a-z_][a-z0-9_]*)", self.full_sql))


_PARAM_LINE = re.compile(r"--\s*param\s+([a-z_]+)\s*:\s*([^=]+?)\s*(?:=\s*(\S+))?\s*$")
_USES_LINE = re.compile(r"--\s*uses\s*:\s*(.+)$")


@lru_cache(maxsize=None)
def fragment_sql(name: str) -> str:
    path = FRAGMENTS_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"The query fragment '{name}' does not exist.")
    return path.read_text(encoding="utf-8")


def _parse_query(path: Path) -> Query:
    sql = path.read_text(encoding="utf-8")
    description, params, uses = "", [], ()
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        m = _PARAM_LINE.match(line)
        u = _USES_LINE.match(line)
        if u:
            uses = tuple(x.strip() for x in u.group(1).split(",") if x.strip())
        elif m:
            name, spec, default = m.groups()
            if spec in ("date", "integer", "number"):
                params.append(Param(name, spec, default=default))
            else:
                params.append(Param(name, "choice", tuple(spec.split("|")), default))
        elif not description:
            description = line.lstrip("- ").split(":", 1)[-1].strip()
    return Query(path.stem, description, sql, tuple(params), uses)


@lru_cache(maxsize=1)
def all_queries() -> dict[str, Query]:
    return {p.stem: _parse_query(p) for p in sorted(QUERIES_DIR.glob("*.sql"))}


def get(name: str) -> Query:
    queries = all_queries()
    if name not in queries:
        raise QueryError(f"There is no query named '{name}'; the queries are {', '.join(queries)}.")
    return queries[name]


def parse_params(name: str, pairs: list[str]) -> dict:
    """key=value strings from the command line -> typed values, checked against the query's declared parameters."""
    query = get(name)
    declared = {p.name: p for p in query.params}
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"Parameter '{pair[:40]}' must be given as key=value.")
        key, raw = pair.split("=", 1)
        key = key.strip()
        if key not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"{name} has no parameter '{key[:40]}'; its parameters are: {known}.")
        values[key] = declared[key].parse(raw, name)
    return values


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip().rstrip(";")


def _with_ctes(sql: str, fragments: list[tuple[str, str]]) -> str:
    body = _strip_comments(sql)
    parts = [f"{name} AS ({select})" for name, select in SCOPED_TABLES.items()]
    parts += [f"{name} AS ({select})" for name, select in fragments]
    ctes = ",\n".join(parts)
    match = re.match(r"(?is)^with\s+(recursive\s+)?", body)
    if match:
        return f"WITH {match.group(1) or ''}{ctes},\n{body[match.end():]}"
    return f"WITH {ctes}\n{body}"


def _bindings(query: Query, params: dict, scope: Scope, settings: dict | None) -> dict:
    given = dict(params or {})
    declared = {p.name: p for p in query.params}
    unknown = set(given) - set(declared)
    if unknown:
        raise QueryError(f"{query.name} has no parameter '{sorted(unknown)[0]}'.")
    values: dict = {}
    for p in query.params:
        if p.name in given:
            value = given[p.name]
            if p.type == "choice" and value not in p.choices:
                raise QueryError(f"Parameter {p.name} of {query.name} must be one of {', '.join(p.choices)}.")
            values[p.name] = value
        else:
            values[p.name] = p.parse(p.default, query.name) if p.default is not None else None
    values.update(scope.params())
    values.update({k: v for k, v in {**DEFAULTS, **(settings or {})}.items()})
    used = query.bound_names | {"scope_all_clinics", "scope_clinics", "scope_all_therapists", "scope_therapists"}
    return {k: v for k, v in values.items() if k in used}


def _execute(con, name, params, scope, settings, fetch):
    query = get(name)
    bindings = _bindings(query, params or {}, scope, settings)
    cur = con.cursor()
    try:
        return fetch(cur.execute(query.full_sql, bindings))
    finally:
        cur.close()


def run(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    scope: Scope = EVERYTHING,
    settings: dict | None = None,
) -> pd.DataFrame:
    """Run a named query on its own cursor and return its rows as a DataFrame."""
    return _execute(con, name, params, scope, settings, lambda cur: cur.df())


def run_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    scope: Scope = EVERYTHING,
    settings: dict | None = None,
) -> tuple[list[str], list[tuple]]:
    """Run a named query; its column names and rows as Python values (for the command line)."""
    return _execute(con, name, params, scope, settings, lambda cur: ([d[0] for d in cur.description], cur.fetchall()))
