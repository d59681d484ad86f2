"""Type and check one file's rows in DuckDB, as contract section 5 says.

The SQL is generated from `contract.py`: column names come only from that fixed
allow-list, and every value (file name, dates) is a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from . import contract as C
from .ingest import ROW, ReadResult

# Reasons echo a value only once it has been read as a number or a date: a raw
# value that cannot be read might be a misplaced comment, which must never
# appear in a message.

def _trimmed(column: str) -> str:
    # Values arrive trimmed of white space (ingest.py); empty means missing.
    return f"NULLIF({column}, '')"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fmt(expr: str) -> str:
    return f"fmt_number({expr})"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _problem(condition: str, column: str, reason_sql: str) -> str:
    return f"CASE WHEN {condition} THEN {{'column': {_quote(column)}, 'reason': {reason_sql}}} END"


@dataclass
class FileCounts:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0


MACROS = """
CREATE OR REPLACE TEMP MACRO fmt_number(x) AS
  CASE WHEN contains(CAST(x AS VARCHAR), '.')
       THEN rtrim(rtrim(CAST(x AS VARCHAR), '0'), '.')
       ELSE CAST(x AS VARCHAR) END;
"""


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS)


def _typed_expressions(kind: str, present: set[str], decimal_comma: bool) -> tuple[list[str], list[str]]:
    """SELECT items for raw (r_x) and typed (x) values, and the per-row problem expressions."""
    raw_items, typed_items, problems = [], [], []
    for col in C.columns_of(kind):
        n = col.name
        raw = _trimmed(n) if n in present else "CAST(NULL AS VARCHAR)"
        raw_items.append(f"{raw} AS r_{n}")
        r = f"r_{n}"
        if col.required:
            problems.append(_problem(f"{r} IS NULL", n, _quote(f"{n} is missing")))
        if col.type == "text":
            typed_items.append(f"{r} AS {n}")
            problems.append(_problem(f"length({r}) > {col.max_length}", n,
                                     _quote(f"{n} is longer than {col.max_length:,} characters")))
        elif col.type == "word":
            cases = " ".join(f"WHEN {_quote(w)} THEN {_quote(v)}" for w, v in col.words)
            typed_items.append(f"CASE lower({r}) {cases} END AS {n}")
            allowed = ", ".join(w for w, _ in col.words)
            problems.append(_problem(f"{r} IS NOT NULL AND {n} IS NULL", n, _quote(f"{n} is not one of {allowed}")))
        elif col.type == "date":
            expr = (
                f"CASE WHEN regexp_full_match({r}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?)?')"
                f" THEN TRY_CAST(substr({r}, 1, 10) AS DATE)"
                f" WHEN regexp_full_match({r}, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}')"
                f" THEN CAST(try_strptime({r}, '%d.%m.%Y') AS DATE) END"
            )
            typed_items.append(f"{expr} AS {n}")
            problems.append(_problem(f"{r} IS NOT NULL AND {n} IS NULL", n,
                                     _quote(f"{n} is not a date (use YYYY-MM-DD or DD.MM.YYYY)")))
            problems.append(_problem(f"{n} < DATE '{C.EARLIEST_DATE}'", n,
                                     f"'{n} ' || CAST({n} AS VARCHAR) || ' is before {C.EARLIEST_DATE}'"))
            problems.append(_problem(f"{n} > $max_date", n,
                                     f"'{n} ' || CAST({n} AS VARCHAR) || ' is after ' || CAST($max_date AS VARCHAR)"))
        else:  # integer or number
            text = f"replace({r}, ',', '.')" if decimal_comma else r
            typed_items.append(f"round(TRY_CAST({text} AS DECIMAL(18,6)), 2) AS n_{n}")
            problems.append(_problem(f"{r} IS NOT NULL AND n_{n} IS NULL", n, _quote(f"{n} is not a number")))
            if col.type == "integer":
                problems.append(_problem(f"n_{n} <> floor(n_{n})", n,
                                         f"'{n} is ' || {_fmt(f'n_{n}')} || ', not a whole number'"))
            if col.low is not None:
                problems.append(_problem(f"n_{n} < {col.low}", n,
                                         f"'{n} is ' || {_fmt(f'n_{n}')} || ', below the minimum of {_num(col.low)}'"))
            if col.high is not None:
                problems.append(_problem(f"n_{n} > {col.high}", n,
                                         f"'{n} is ' || {_fmt(f'n_{n}')} || ', above the maximum of {_num(col.high)}'"))
    return raw_items, typed_items, problems


def _instrument_expressions(kind: str) -> tuple[list[str], list[str]]:
    """Derived totals, and the problems of partial items or a total that disagrees with them."""
    derived, problems = [], []
    for total, items, how in C.INSTRUMENTS_BY_KIND[kind]:
        label = total.split("_")[0].upper()
        given = " + ".join(f"CAST(r_{i} IS NOT NULL AS INTEGER)" for i in items)
        all_read = " AND ".join(f"n_{i} IS NOT NULL" for i in items)
        item_sum = " + ".join(f"n_{i}" for i in items)
        missing = ", ".join(f"CASE WHEN r_{i} IS NULL THEN '{i}' END" for i in items)
        k = len(items)
        problems.append(_problem(
            f"({given}) BETWEEN 1 AND {k - 1}", total,
            f"'only some {label} items are given (' || concat_ws(', ', {missing}) || ' missing)'"))
        if how == "sum":
            differs = f"abs(({item_sum}) - n_{total}) > {C.TOTAL_TOLERANCE}"
            derived_value = f"({item_sum})"
            word = "sum"
        else:
            differs = f"abs(({item_sum}) - {k} * n_{total}) > {k * C.TOTAL_TOLERANCE}"
            derived_value = f"round(({item_sum}) / {k}, 4)"
            word = "mean"
        problems.append(_problem(
            f"{all_read} AND n_{total} IS NOT NULL AND {differs}", total,
            f"'{total} is ' || {_fmt(f'n_{total}')} || ', which differs from the {word} of the items, ' || {_fmt(derived_value)}"))
        derived.append(f"CASE WHEN {all_read} THEN {derived_value} ELSE n_{total} END AS d_{total}")
    if kind == C.FEEDBACK:
        srs_given = " OR ".join(f"r_{c} IS NOT NULL" for c in (*C.SRS_ITEMS, "srs_total"))
        problems.append(_problem(f"rater = 'therapist' AND ({srs_given})", "rater",
                                 _quote("SRS is given on a therapist form; the SRS is rated by clients only")))
    return derived, problems


def _stored_columns(kind: str) -> list[str]:
    """The typed columns of a loaded row, cast to the store's types."""
    out = []
    for col in C.columns_of(kind):
        n = col.name
        if n in ("ors_total", "srs_total"):
            out.append(f"CAST(d_{n} AS DECIMAL(6,2)) AS {n}")
        elif n == "wai_mean":
            out.append(f"CAST(d_{n} AS DECIMAL(8,4)) AS {n}")
        elif col.type == "integer":
            out.append(f"CAST(n_{n} AS INTEGER) AS {n}")
        elif col.type == "number":
            out.append(f"CAST(n_{n} AS DECIMAL(6,2)) AS {n}")
        elif n == "site":
            out.append("coalesce(site, clinic) AS site")
        elif n == "status":
            out.append("coalesce(status, 'attended') AS status")
        else:
            out.append(n)
    return out


def check_file(
    con: duckdb.DuckDBPyConnection,
    read: ReadResult,
    kind: str,
    file_name: str,
    max_date,
    file_order: int,
) -> FileCounts:
    """Check one file's rows; append them to stage_<kind>, quarantined_<kind> and rejects.

    The file's table is consumed: `read.table` is None afterwards, so its memory is freed early.
    A file read as a stream (ingest.ReadResult) is consumed here batch by batch; a problem
    found in a later batch raises its FileRejected, with nothing appended for the file.

    Those tables must exist (see `create_work_tables`).
    """
    present = set(read.column_names) - {ROW}
    raw_items, typed_items, problems = _typed_expressions(kind, present, read.decimal_comma)
    derived, instrument_problems = _instrument_expressions(kind)
    problems += instrument_problems
    key = C.KEY_BY_KIND[kind]
    stored = _stored_columns(kind)
    names = [c.name for c in C.columns_of(kind)]

    # Conditions are evaluated for every row, but the list of problems is built
    # only for the rows that have one (DuckDB evaluates a CASE branch lazily).
    conditions = [p.split(" THEN ", 1)[0].removeprefix("CASE WHEN ") for p in problems]
    any_problem = " OR ".join(f"coalesce({c}, false)" for c in conditions)
    con.register("raw_input", read.table)
    try:
        # Two statements: typing first, then the checks on the typed values. One
        # statement would inline every typed expression into every check, and
        # planning that alone takes a noticeable fraction of a second per file.
        typed_sql = (
            "CREATE OR REPLACE TEMP TABLE typed AS\n"
            f"SELECT *, {', '.join(typed_items)} FROM "
            f"(SELECT {ROW} AS row_number, {', '.join(raw_items)} FROM raw_input)"
        )
        con.execute(typed_sql, {"max_date": max_date} if "$max_date" in typed_sql else {})
    except duckdb.Error:
        if read.failure:  # the stream stopped on a problem in the file: that is the message
            con.execute("DROP TABLE IF EXISTS typed")
            raise read.failure[0] from None
        raise
    finally:
        con.unregister("raw_input")
    # The file's text now lives in `typed`: the Arrow copy goes (at ten million rows it is
    # gigabytes), and so does `typed` once `checked` holds everything it had.
    read.table = None
    checked_sql = (
        "CREATE OR REPLACE TEMP TABLE checked AS\n"
        f"SELECT *, CASE WHEN {any_problem} THEN list_filter([{', '.join(problems)}], lambda p: p IS NOT NULL) "
        f"ELSE [] END AS problems FROM (SELECT *, {', '.join(derived)} FROM typed)"
    )
    con.execute(checked_sql, {"max_date": max_date} if "$max_date" in checked_sql else {})
    con.execute("DROP TABLE typed")

    # Within one file, rows sharing a key either agree (the copies are duplicates)
    # or conflict (all of them are quarantined). Only keys seen twice are compared.
    key_cols = ", ".join(key)
    typed_row = ", ".join(stored)
    grouping_sql = (
        "CREATE OR REPLACE TEMP TABLE good AS\n"
        f"WITH ok AS (SELECT row_number, {typed_row} FROM checked WHERE len(problems) = 0),\n"
        f"twice AS (SELECT {key_cols} FROM ok GROUP BY {key_cols} HAVING count(*) > 1),\n"
        f"h AS (SELECT ok.*, hash({', '.join('ok.' + n for n in names)}) AS content FROM ok SEMI JOIN twice USING ({key_cols})),\n"
        f"g AS (SELECT {key_cols}, count(DISTINCT content) AS versions,\n"
        f"        min(row_number) AS first_row, list(row_number ORDER BY row_number) AS rows FROM h GROUP BY {key_cols})\n"
        f"SELECT h.row_number, g.versions, g.first_row, g.rows FROM h JOIN g USING ({key_cols})"
    )
    con.execute(grouping_sql)

    last_key = key[-1]
    key_words = ", ".join(key)
    con.execute(
        "INSERT INTO rejects SELECT $file, row_number, p.column, p.reason FROM "
        "(SELECT row_number, unnest(problems) AS p FROM checked WHERE len(problems) > 0) "
        "UNION ALL "
        f"SELECT $file, row_number, '{last_key}', "
        f"'rows ' || array_to_string(list_transform(rows[1:5], lambda x: CAST(x AS VARCHAR)), ', ') "
        f"|| CASE WHEN len(rows) > 5 THEN ', …' ELSE '' END || ' share the key ({key_words}) but differ' "
        "FROM good WHERE versions > 1",
        {"file": file_name},
    )
    raw_names = ", ".join(f"r_{n} AS {n}" for n in names)
    con.execute(
        f"INSERT INTO quarantined_{kind} SELECT $file, row_number, {raw_names} FROM checked "
        "WHERE len(problems) > 0 OR row_number IN (SELECT row_number FROM good WHERE versions > 1)",
        {"file": file_name},
    )
    con.execute(
        f"INSERT INTO stage_{kind} SELECT {typed_row}, $file AS source_file, row_number AS source_row, "
        "$order AS file_order FROM checked WHERE len(problems) = 0 AND row_number NOT IN "
        "(SELECT row_number FROM good WHERE versions > 1 OR row_number <> first_row)",
        {"file": file_name, "order": file_order},
    )
    rows_read, quarantined = con.execute(
        "SELECT count(*), count(*) FILTER (len(problems) > 0) FROM checked").fetchone()
    conflicts, duplicates = con.execute(
        "SELECT count(*) FILTER (versions > 1), count(*) FILTER (versions = 1 AND row_number <> first_row) "
        "FROM good").fetchone()
    loaded = rows_read - quarantined - conflicts - duplicates
    con.execute("DROP TABLE checked; DROP TABLE good")
    return FileCounts(rows_read, loaded, quarantined + conflicts, duplicates)


def create_work_tables(con: duckdb.DuckDBPyConnection, temp: bool = False) -> None:
    """The tables that check_file appends to.

    Table and column names come only from contract.py (a fixed allow-list); no value
    from a file ever reaches this DDL.
    """
    t = "TEMP " if temp else ""
    statements = [f"CREATE {t}TABLE IF NOT EXISTS rejects (file VARCHAR, row BIGINT, \"column\" VARCHAR, reason VARCHAR)"]
    for kind in C.KINDS:
        cols = [f"{col.name} {_store_type(col)}" for col in C.columns_of(kind)]
        raw_cols = ", ".join(f"{c.name} VARCHAR" for c in C.columns_of(kind))
        # Staged rows live in memory (spilling to disk if need be); only the combined tables are written.
        statements.append(f"CREATE TEMP TABLE IF NOT EXISTS stage_{kind} ({', '.join(cols)}, "
                          "source_file VARCHAR, source_row BIGINT, file_order INTEGER)")
        statements.append(f"CREATE {t}TABLE IF NOT EXISTS quarantined_{kind} (file VARCHAR, row BIGINT, {raw_cols})")
    for ddl in statements:
        con.execute(ddl)


def _store_type(col: C.Column) -> str:
    """The store's SQL type of a contract column (items and totals as exact decimals)."""
    if col.name == "wai_mean":
        return "DECIMAL(8,4)"
    if col.type == "number":
        return "DECIMAL(6,2)"
    return {"integer": "INTEGER", "date": "DATE"}.get(col.type, "VARCHAR")
