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
import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from .disclosure import SUPPRESSED, Suppression, edge_hidden, month_period, months_of, suppress
from .scope import EVERYTHING, Scope
from .reml import Z_95
from .settings import DEFAULTS

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
FRAGMENTS_DIR = QUERIES_DIR / "fragments"
# Row-level inputs of the models (alliance/stats.py): run through the same scoped path,
# but not figures, so not listed among the named queries.
INPUTS_DIR = QUERIES_DIR / "inputs"

# Tables a query may read, each behind a scope filter. Rows of files, rejects and
# quarantine belong to files; a file is in scope when every clinic it names is.
# The filters are written for a scope's shape: which of clinics, therapists and sites it
# restricts. A dimension the scope does not restrict gets no filter at all, rather than
# `$scope_all_x OR x IN (…)`: DuckDB plans a query before it sees the values, so the OR form
# makes it join every row against the (empty) list, which at ten million sessions costs about
# a second per scoped table. The values are still bound, never spliced; only which filters
# exist follows the shape.
def scoped_tables(shape: tuple[bool, bool, bool]) -> dict[str, str]:
    """Each scoped table's SELECT for a scope of this shape (see scope_shape)."""
    clinics, therapists, sites = shape
    clinic = ["clinic IN (SELECT unnest($scope_clinics))"] if clinics else []
    people = (["clinic || '/' || therapist_id IN (SELECT unnest($scope_therapists))"] if therapists else []) + \
        (["clinic || '/' || site IN (SELECT unnest($scope_sites))"] if sites else [])

    def where(parts: list[str]) -> str:
        return f" WHERE {' AND '.join(parts)}" if parts else ""

    feedback = clinic + ([f"(clinic, session_id) IN (SELECT (clinic, session_id) FROM main.sessions{where(people)})"]
                         if people else [])
    if therapists:
        files = ["FALSE"]  # files name no therapist: a viewer limited to therapists sees none of them
    elif clinics:
        files = ["file NOT IN (SELECT file FROM main.file_clinics WHERE clinic NOT IN (SELECT unnest($scope_clinics)))"]
    else:
        files = []
    tables = {name: f"SELECT * FROM main.{name}{where(clinic + people)}"
              for name in ("sessions", "attended_sessions", "rated_sessions", "therapist_sites", "session_levels")}
    tables["feedback"] = f"SELECT * FROM main.feedback{where(feedback)}"
    for name in ("files", "rejects", "quarantined_sessions", "quarantined_feedback"):
        tables[name] = f"SELECT * FROM main.{name}{where(files)}"
    return tables


def scope_shape(scope: Scope) -> tuple[bool, bool, bool]:
    """Which dimensions a scope restricts: clinics, therapists, sites."""
    return (scope.clinics is not None, scope.therapists is not None, scope.sites is not None)



# A text parameter (an id, a search word) is bound as a value, never spliced into SQL; the
# limit only keeps a pasted page of text from becoming a query.
MAX_TEXT_PARAM = 200
LIST_TYPES = ("texts", "numbers")  # list parameters of the models' input queries (queries/inputs/)


class QueryError(ValueError):
    """An unknown query or parameter; the message is one sentence for the user."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # date | choice | integer | number | text; texts | numbers (lists, for model inputs only)
    choices: tuple[str, ...] = ()
    default: str | None = None

    def parse(self, raw: str, query: str):
        if self.type in LIST_TYPES:
            raise QueryError(f"Parameter {self.name} of {query} is a list that only the models pass.")
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
        if self.type == "text":
            value = raw.strip()
            if len(value) > MAX_TEXT_PARAM:
                raise QueryError(f"Parameter {self.name} of {query} is longer than {MAX_TEXT_PARAM} characters.")
            return value or None
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
class Level:
    """Whose rows a query may draw on (header line `-- level: group unless group=therapist`).

    `client` (the default): only the clinics the viewer sees at client level. `group`: a
    figure about groups (sector, clinic, site), which also draws on the viewer's peer
    clinics (alliance.scope.Scope.peers), with small cells suppressed; `unless` lists
    parameter values that make it a figure about therapists, and so `client` again.
    """

    kind: str = "client"
    unless: tuple[tuple[str, str], ...] = ()

    def of(self, values: dict) -> str:
        return "client" if any(values.get(name) == value for name, value in self.unless) else self.kind

    @classmethod
    def parse(cls, text: str, where: str) -> "Level":
        kind, _, rest = text.strip().partition(" unless ")
        if kind.strip() not in ("client", "group"):
            raise ValueError(f"{where}: level must be client or group, not '{kind.strip()}'.")
        unless = []
        for part in filter(None, (p.strip() for p in rest.split(","))):
            name, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"{where}: '{part}' after 'unless' must be name=value.")
            unless.append((name.strip(), value.strip()))
        return cls(kind.strip(), tuple(unless))


CLIENT_LEVEL = Level()


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    sql: str
    params: tuple[Param, ...]
    uses: tuple[str, ...] = ()
    level: Level = CLIENT_LEVEL
    suppression: Suppression | None = None

    def sql_for(self, scope: Scope) -> str:
        """The SQL that runs for this scope: the scope's and the fragments' CTEs, then the query's own."""
        return _sql_for_shape(self.sql, self.uses, scope_shape(scope))


_PARAM_LINE = re.compile(r"--\s*param\s+([a-z_]+)\s*:\s*([^=]+?)\s*(?:=\s*(\S+))?\s*$")
_USES_LINE = re.compile(r"--\s*uses\s*:\s*(.+)$")
_LEVEL_LINE = re.compile(r"--\s*level\s*:\s*(.+)$")
_SUPPRESS_LINE = re.compile(r"--\s*suppress\s*:\s*(.+)$")


@lru_cache(maxsize=None)
def fragment_sql(name: str) -> str:
    path = FRAGMENTS_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"The query fragment '{name}' does not exist.")
    return path.read_text(encoding="utf-8")


def _parse_query(path: Path) -> Query:
    sql = path.read_text(encoding="utf-8")
    description, params, uses, level, suppression = "", [], (), CLIENT_LEVEL, None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        m = _PARAM_LINE.match(line)
        u = _USES_LINE.match(line)
        if _LEVEL_LINE.match(line):
            level = Level.parse(_LEVEL_LINE.match(line).group(1), path.name)
        elif _SUPPRESS_LINE.match(line):
            suppression = Suppression.parse(_SUPPRESS_LINE.match(line).group(1), path.name)
        elif u:
            uses = tuple(x.strip() for x in u.group(1).split(",") if x.strip())
        elif m:
            name, spec, default = m.groups()
            if spec in ("date", "integer", "number", "text", *LIST_TYPES):
                params.append(Param(name, spec, default=default))
            else:
                params.append(Param(name, "choice", tuple(spec.split("|")), default))
        elif not description:
            description = line.lstrip("- ").split(":", 1)[-1].strip()
    if level.kind == "group" and suppression is None:
        raise ValueError(f"{path.name}: a group-level query needs a suppress line.")
    return Query(path.stem, description, sql, tuple(params), uses, level, suppression)


@dataclass(frozen=True)
class PythonQuery:
    """A figure that SQL cannot compute well (models, intervals), run through the same path.

    `compute(con, params, scope, settings)` gets the parameters already parsed and
    defaulted; it must read data only through `run` (so the scope holds) and
    return a DataFrame with the same columns every time.
    """

    name: str
    description: str
    params: tuple[Param, ...]
    compute: Callable[..., pd.DataFrame]
    cached: bool = True  # models are cached per store build
    level: Level = CLIENT_LEVEL
    suppression: Suppression | None = None
    # Every clinic's rows are computed from that clinic's data alone (a model fitted per clinic,
    # per-client signals): the result for some clinics is the result for everything, filtered to
    # them. A clinic filter is then served from the whole store's cached result (_run_python).
    per_clinic: bool = False


_PYTHON_QUERIES: dict[str, PythonQuery] = {}
# Modules that register Python queries when imported.
PYTHON_QUERY_MODULES = ("alliance.stats", "alliance.caseload", "alliance.funnel", "alliance.outcome_model",
                        "alliance.validation")
# The code whose change must change every model's cache key (_code_version).
MODEL_CODE_MODULES = (*PYTHON_QUERY_MODULES, "alliance.reml")


def python_query(name: str, description: str, params: tuple[Param, ...] = (), cached: bool = True,
                 level: str = "client", suppress: str | None = None, per_clinic: bool = False):
    """Register a function as a named query (see PythonQuery; `level` and `suppress` as in a query file's header)."""

    def register(func):
        _PYTHON_QUERIES[name] = PythonQuery(
            name, description, tuple(params), func, cached, Level.parse(level, name),
            Suppression.parse(suppress, name) if suppress else None, per_clinic)
        return func

    return register


def _load_python_queries() -> None:
    import importlib

    for module in PYTHON_QUERY_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


@lru_cache(maxsize=1)
def all_queries() -> dict[str, Query | PythonQuery]:
    queries: dict[str, Query | PythonQuery] = {p.stem: _parse_query(p) for p in sorted(QUERIES_DIR.glob("*.sql"))}
    _load_python_queries()
    for name, query in _PYTHON_QUERIES.items():
        if name in queries:
            raise RuntimeError(f"The query {name} is defined both in SQL and in Python.")
        queries[name] = query
    return dict(sorted(queries.items()))


@lru_cache(maxsize=1)
def input_queries() -> dict[str, Query]:
    return {p.stem: _parse_query(p) for p in sorted(INPUTS_DIR.glob("*.sql"))}


def get(name: str, internal: bool = False) -> Query | PythonQuery:
    queries = all_queries()
    if internal and name in input_queries():
        return input_queries()[name]
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


@lru_cache(maxsize=1024)
def _sql_for_shape(sql: str, uses: tuple[str, ...], shape: tuple[bool, bool, bool]) -> str:
    fragments = [(name, _strip_comments(fragment_sql(name))) for name in uses]
    return _with_ctes(sql, fragments, scoped_tables(shape))


def _with_ctes(sql: str, fragments: list[tuple[str, str]], tables: dict[str, str]) -> str:
    body = _strip_comments(sql)
    parts = [f"{name} AS NOT MATERIALIZED ({select})" for name, select in tables.items()]
    parts += [f"{name} AS ({select})" for name, select in fragments]
    ctes = ",\n".join(parts)
    match = re.match(r"(?is)^with\s+(recursive\s+)?", body)
    if match:
        return f"WITH {match.group(1) or ''}{ctes},\n{body[match.end():]}"
    return f"WITH {ctes}\n{body}"


def _checked_list(p: Param, query: str, value) -> list:
    """A list parameter: a list or tuple of text (each at most MAX_TEXT_PARAM characters) or of finite numbers."""
    if not isinstance(value, (list, tuple)):
        raise QueryError(f"Parameter {p.name} of {query} must be a list.")
    if p.type == "texts":
        if not all(isinstance(v, str) and len(v) <= MAX_TEXT_PARAM for v in value):
            raise QueryError(f"Parameter {p.name} of {query} must be a list of texts of at most {MAX_TEXT_PARAM} characters.")
        return list(value)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        raise QueryError(f"Parameter {p.name} of {query} must be a list of finite numbers.")
    return [float(v) for v in value]


def _resolve_params(query: Query | PythonQuery, params: dict) -> dict:
    """The query's declared parameters: given values checked, the rest defaulted (None when no default)."""
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
            if p.type in LIST_TYPES:
                value = _checked_list(p, query.name, value)
            if p.type == "text" and value is not None:
                if not isinstance(value, str):
                    raise QueryError(f"Parameter {p.name} of {query.name} must be text.")
                if len(value) > MAX_TEXT_PARAM:
                    raise QueryError(f"Parameter {p.name} of {query.name} is longer than {MAX_TEXT_PARAM} characters.")
            values[p.name] = value
        else:
            values[p.name] = p.parse(p.default, query.name) if p.default is not None else None
    return values


# Constants of method (not clinic settings) that the SQL reads as parameters, declared once.
SQL_CONSTANTS = {"z_95": Z_95}


def _bindings(query: Query, values: dict, scope: Scope, viewer: Scope, settings: dict | None) -> dict:
    values = dict(values)
    values.update(scope.params())
    values.update(viewer.own_params())
    values.update({k: v for k, v in {**DEFAULTS, **(settings or {})}.items()})
    values.update(SQL_CONSTANTS)
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", query.sql_for(scope)))
    return {k: v for k, v in values.items() if k in used}


def scope_for(query: Query | PythonQuery, values: dict, scope: Scope) -> tuple[Scope, bool]:
    """The scope a query runs with, and whether its small cells must be suppressed.

    A figure about groups draws on the viewer's peer clinics too (Scope.aggregate) and is
    then suppressed; anything else sees only what the viewer sees at client level.
    """
    if query.level.of(values) == "group" and scope.sees_peers:
        return scope.aggregate(), True
    return scope, False


def _execute(con, name, params, scope, settings, fetch, internal=False, export=False):
    query = get(name, internal)
    values = _resolve_params(query, params or {})
    effective, suppressed = scope_for(query, values, scope)
    if isinstance(query, PythonQuery) and query.level.kind == "group":
        # Which clinics are the viewer's own, for the model's count of peer clients (None: all).
        values = {**values, "own_clinics": None if scope.clinics is None else tuple(sorted(scope.clinics))}
    if not isinstance(query, PythonQuery) and query.suppression is None:
        return _fetch_sql(con, query, effective, _bindings(query, values, effective, scope, settings), fetch)

    def rows(period: dict, keep: bool = True) -> pd.DataFrame:
        if isinstance(query, PythonQuery):
            if not keep:  # a single month read for edge_hidden: not worth a place in the model cache
                return query.compute(con, {**values, **period}, effective, {**DEFAULTS, **(settings or {})})
            return _run_python(con, query, {**values, **period}, effective, settings)
        return _fetch_sql(con, query, effective, _bindings(query, {**values, **period}, effective, scope, settings),
                          lambda cur: cur.df())

    below = int({**DEFAULTS, **(settings or {})}["suppress_below"])
    if suppressed:
        frame, months = _whole_months(con, values, rows)
        frame = suppress(frame, query.suppression, below, also=edge_hidden(
            frame, months, lambda a, b: rows({"start": a, "end": b}, keep=False), query.suppression, below))
    else:
        frame = rows({})
    if export and query.suppression is not None:
        # An export leaves the dashboard: every cell of fewer than `below` clients is hidden,
        # whoever's clients they are and whoever exports (admins too), on top of the screen's rule.
        shown_hidden = frame[SUPPRESSED].astype(bool).to_numpy() if SUPPRESSED in frame.columns else None
        frame = suppress(frame, query.suppression, below, everything=True)
        if shown_hidden is not None:
            frame[SUPPRESSED] = frame[SUPPRESSED].astype(bool).to_numpy() | shown_hidden
    if query.suppression is not None:
        # Columns named with a leading underscore only serve the suppression (parent, peer clients).
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    return fetch(_PythonResult(frame))


def _whole_months(con, values: dict, rows: Callable[[dict], pd.DataFrame]) -> tuple[pd.DataFrame, list]:
    """A figure drawing on peer clinics over whole calendar months (disclosure.month_period), and the
    months it covers (open ends: to the data's first and last month), for edge_hidden."""
    if "start" not in values and "end" not in values:
        return rows({}), []
    start, end = month_period(values.get("start"), values.get("end"))
    frame = rows({"start": start, "end": end})
    if start is None or end is None:
        span = run(con, "data_span")
        if span.empty or pd.isna(span["first_date"].iloc[0]):
            return frame, []
        start = start or pd.Timestamp(span["first_date"].iloc[0]).date()
        end = end or pd.Timestamp(span["last_date"].iloc[0]).date()
    return frame, months_of(start, end) if start <= end else []


def _fetch_sql(con, query: Query, scope: Scope, bindings: dict, fetch):
    cur = con.cursor()
    try:
        return fetch(cur.execute(query.sql_for(scope), bindings))
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


# The models the pages ask for with the default view (no period chosen). They are computed
# at the end of every command-line ingest and rebuild (alliance/__main__.py), and in the
# dashboard's background when a viewer's scope first meets a build (alliance/ui/data.py),
# so a first visit finds them in the model cache beside the build.
WARM_UP = (
    ("caseload_flags", {}),
    ("funnel", {}),
    ("early_alliance_outcome", {"group": "clinic"}),
    ("therapist_effects", {"adjust": "none"}),
    ("therapist_icc", {"adjust": "none"}),
)


def warm_models(con: duckdb.DuckDBPyConnection, scope: Scope, settings: dict | None) -> None:
    """Compute (or read back) the default view's models for one scope into the model cache."""
    for name, params in WARM_UP:
        run(con, name, params, scope, settings)


def warm_scopes(home: Path) -> list[Scope]:
    """The scopes whose default view a new build computes ahead: everything (an admin, or the
    dashboard without login) and each supervisor's clinics in the access file. A therapist's
    caseload is small enough to compute on their first visit; an unreadable access file only
    leaves the supervisors out."""
    from . import access

    scopes = [EVERYTHING]
    path = access.access_path(home)
    if path.is_file():
        try:
            entries = access.load_access(path).entries
        except access.AccessError:
            entries = ()
        for entry in entries:
            if entry.role == "supervisor" and entry.scope() not in scopes:
                scopes.append(entry.scope())
    return scopes


def warm_build(home: Path, settings: dict | None) -> int:
    """The default view's models of the current build, for every scope of warm_scopes, into the model
    cache beside the build (the command line's ingest and rebuild end with this). The number of
    scopes; 0 when there is no build yet."""
    from . import store

    con = store.open_reader(home)
    if con is None:
        return 0
    try:
        scopes = warm_scopes(home)
        for scope in scopes:
            warm_models(con, scope, settings)
    finally:
        con.close()
    return len(scopes)


def run_for_export(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    scope: Scope = EVERYTHING,
    settings: dict | None = None,
) -> pd.DataFrame:
    """A named query's rows for a file that leaves the dashboard (alliance/export.py).

    A query with a suppress rule has every cell of fewer than `suppress_below` clients hidden,
    for any viewer; a client-level query (no rule: a caseload, a client's timeline) is the
    viewer's own rows within their scope, as on screen (docs/security.md, Exports).
    """
    return _execute(con, name, params, scope, settings, lambda cur: cur.df(), export=True)


def run_input(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    scope: Scope = EVERYTHING,
    settings: dict | None = None,
) -> pd.DataFrame:
    """Run a model's input query (queries/inputs/), scoped like every named query."""
    return _execute(con, name, params, scope, settings, lambda cur: cur.df(), internal=True)


def run_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    scope: Scope = EVERYTHING,
    settings: dict | None = None,
) -> tuple[list[str], list[tuple]]:
    """Run a named query; its column names and rows as Python values (for the command line)."""
    return _execute(con, name, params, scope, settings, lambda cur: ([d[0] for d in cur.description], cur.fetchall()))


class _PythonResult:
    """A Python query's DataFrame, fetched the way a cursor is (df, or columns and rows)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.description = [(c,) for c in frame.columns]

    def df(self) -> pd.DataFrame:
        return self.frame.copy()

    def fetchall(self) -> list[tuple]:
        frame = self.frame.astype(object).where(self.frame.notna(), None)
        return [tuple(r) for r in frame.itertuples(index=False, name=None)]


def build_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The store build file a connection reads (its name changes with every build)."""
    cur = con.cursor()  # its own cursor: the connection may be shared by threads (the warm-up, sessions)
    try:
        row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    finally:
        cur.close()
    return Path(row[0]) if row and row[0] else None


_MODEL_CACHE: dict[tuple, pd.DataFrame] = {}
# Few in memory: every model result is also on disk beside its build (read back in milliseconds),
# and a client-level result at a million sessions is tens of megabytes; under a supervision
# team's filters 64 of them held over a gigabyte (BENCHMARKS.md, load).
_MODEL_CACHE_MAX = 8
# One lock per cache key: two sessions (or the warm-up thread and a page) asking for the same
# model at once compute it once; the second waits and reads the first one's result.
_KEY_LOCKS: dict[tuple, threading.Lock] = {}
_KEY_LOCKS_GUARD = threading.Lock()


def _key_lock(key: tuple) -> threading.Lock:
    with _KEY_LOCKS_GUARD:
        if len(_KEY_LOCKS) > 4 * _MODEL_CACHE_MAX:
            for old in [k for k, lock in _KEY_LOCKS.items() if not lock.locked()]:
                del _KEY_LOCKS[old]
        return _KEY_LOCKS.setdefault(key, threading.Lock())


def _run_python(con, query: PythonQuery, values: dict, scope: Scope, settings: dict | None) -> pd.DataFrame:
    in_force = {**DEFAULTS, **(settings or {})}
    if not query.cached:
        return query.compute(con, values, scope, in_force)
    build = build_file(con)
    key = (str(build), query.name, _code_version(query.name), tuple(sorted(values.items())), scope,
           tuple(sorted(in_force.items())))
    with _key_lock(key):
        frame = _MODEL_CACHE.get(key)
        if frame is None:
            frame = _from_everything(query, key, build, scope)
        if frame is None:
            frame = _load_or_compute(con, query, values, scope, in_force, _disk_cache_path(build, key))
        if key not in _MODEL_CACHE:
            if len(_MODEL_CACHE) >= _MODEL_CACHE_MAX:
                _MODEL_CACHE.pop(next(iter(_MODEL_CACHE)), None)
            _MODEL_CACHE[key] = frame
    return frame.copy()


def _clinics_only(scope: Scope) -> bool:
    return scope.clinics is not None and scope.sites is None and scope.therapists is None


def _from_everything(query: PythonQuery, key: tuple, build: Path | None, scope: Scope) -> pd.DataFrame | None:
    """A per-clinic model's rows for some clinics, from the whole store's result when that is
    already computed (in memory, or on disk: the ingest computes it for the default view).
    None when the scope is not a set of whole clinics, or nothing is cached to filter."""
    if not (query.per_clinic and _clinics_only(scope)):
        return None
    whole_key = (*key[:4], EVERYTHING, key[5])
    whole = _MODEL_CACHE.get(whole_key)
    if whole is None:
        disk = _disk_cache_path(build, whole_key)
        if disk is None or not disk.exists():
            return None
        try:
            whole = pd.read_parquet(disk)
        except Exception:  # a damaged cache file: the scope's own computation
            return None
    return whole[whole["clinic"].isin(scope.clinics)].reset_index(drop=True)


def _load_or_compute(con, query: PythonQuery, values: dict, scope: Scope, in_force: dict,
                     disk: Path | None) -> pd.DataFrame:
    """The model's result from the disk cache beside the build, else computed (and written there)."""
    if disk is not None and disk.exists():
        try:
            return pd.read_parquet(disk)
        except Exception:  # a damaged cache file is recomputed
            pass
    frame = query.compute(con, values, scope, in_force)
    if disk is not None:
        _write_cache(disk, frame)
    return frame


@lru_cache(maxsize=None)
def _code_version(name: str) -> str:
    """A hash of the code behind a Python query: every model module (one model may read another's
    results: caseload_flags reads treatment_response) with the numerics they share, and every SQL
    file they may read.

    Part of every cache key, so a changed model never serves results computed by the old one.
    """
    import hashlib
    import importlib
    import inspect

    query = all_queries()[name]
    digest = hashlib.sha256(inspect.getsource(importlib.import_module(query.compute.__module__)).encode())
    for module in MODEL_CODE_MODULES:
        digest.update(inspect.getsource(importlib.import_module(module)).encode())
    for path in sorted(QUERIES_DIR.rglob("*.sql")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _disk_cache_path(build: Path | None, key: tuple) -> Path | None:
    """Model results beside the build they come from: `cache/<build>/<hash>.parquet` in the home folder."""
    import hashlib

    if build is None or build.parent.name != "builds":
        return None
    digest = hashlib.sha256(repr(key[1:]).encode()).hexdigest()[:24]
    return build.parent.parent / "cache" / build.stem / f"{key[1]}-{digest}.parquet"


def _write_cache(path: Path, frame: pd.DataFrame) -> None:
    import os
    import uuid

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still answers, just without the disk cache
