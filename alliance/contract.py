"""The columns, types, ranges and words of DATA_CONTRACT.md, declared once."""
from __future__ import annotations

from dataclasses import dataclass

CONTRACT_VERSION = 1

SESSIONS = "sessions"
FEEDBACK = "feedback"
KINDS = (SESSIONS, FEEDBACK)

# Accepted formats, by lower-case extension (contract section 1).
TEXT_EXTENSIONS = (".csv", ".txt")
FORMAT_BY_EXTENSION = {".csv": "text", ".txt": "text", ".parquet": "parquet", ".xlsx": "xlsx"}

# Longest value we keep in a text column; longer values quarantine the row
# rather than bloat the store or the screen (a data manager's guard, not a contract rule).
MAX_ID_LENGTH = 200
MAX_COMMENT_LENGTH = 10_000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | word | date | integer | number
    required: bool = False
    low: float | None = None
    high: float | None = None
    words: tuple[tuple[str, str], ...] = ()  # accepted word (lower case) -> stored value
    max_length: int = MAX_ID_LENGTH


SECTOR_WORDS = (("public", "public"), ("private", "private"), ("offentlig", "public"), ("privat", "private"))
STATUS_WORDS = (
    ("attended", "attended"), ("cancelled", "cancelled"), ("no_show", "no_show"),
    ("oppmøtt", "attended"), ("avlyst", "cancelled"), ("ikke møtt", "no_show"),
)
RATER_WORDS = (
    ("client", "client"), ("therapist", "therapist"),
    ("klient", "client"), ("pasient", "client"), ("patient", "client"),
    ("terapeut", "therapist"), ("behandler", "therapist"),
)

ORS_ITEMS = tuple(f"ors_{i}" for i in range(1, 5))
SRS_ITEMS = tuple(f"srs_{i}" for i in range(1, 5))
WAI_ITEMS = tuple(f"wai_{i}" for i in range(1, 13))

# WAI-SR subscales (Hatcher & Gillaspy 2006), item numbers.
WAI_SUBSCALES = {
    "task": (1, 2, 10, 12),
    "bond": (3, 5, 7, 9),
    "goal": (4, 6, 8, 11),
}

SESSION_COLUMNS: tuple[Column, ...] = (
    Column("clinic", "text", required=True),
    Column("site", "text"),
    Column("sector", "word", required=True, words=SECTOR_WORDS),
    Column("therapist_id", "text", required=True),
    Column("client_id", "text", required=True),
    Column("session_id", "text", required=True),
    Column("session_date", "date", required=True),
    Column("session_number", "integer", required=True, low=1),
    Column("status", "word", words=STATUS_WORDS),
    *(Column(c, "number", low=0, high=10) for c in ORS_ITEMS),
    Column("ors_total", "number", low=0, high=40),
)

FEEDBACK_COLUMNS: tuple[Column, ...] = (
    Column("clinic", "text", required=True),
    Column("session_id", "text", required=True),
    Column("rater", "word", required=True, words=RATER_WORDS),
    *(Column(c, "number", low=0, high=10) for c in SRS_ITEMS),
    Column("srs_total", "number", low=0, high=40),
    *(Column(c, "integer", low=1, high=5) for c in WAI_ITEMS),
    Column("wai_mean", "number", low=1, high=5),
    Column("comment", "text", max_length=MAX_COMMENT_LENGTH),
)

COLUMNS_BY_KIND = {SESSIONS: SESSION_COLUMNS, FEEDBACK: FEEDBACK_COLUMNS}
KEY_BY_KIND = {SESSIONS: ("clinic", "session_id"), FEEDBACK: ("clinic", "session_id", "rater")}

# Instruments: (items, total column, how the total is derived from the items).
# A total given beside its items may differ from the derived one by at most this much.
TOTAL_TOLERANCE = 0.05
INSTRUMENTS_BY_KIND = {
    SESSIONS: (("ors_total", ORS_ITEMS, "sum"),),
    FEEDBACK: (("srs_total", SRS_ITEMS, "sum"), ("wai_mean", WAI_ITEMS, "mean")),
}

# Earliest session date accepted; the latest is the day after the file was first ingested.
EARLIEST_DATE = "2000-01-01"

ALL_CONTRACT_COLUMNS = frozenset(c.name for cols in COLUMNS_BY_KIND.values() for c in cols)


def columns_of(kind: str) -> tuple[Column, ...]:
    return COLUMNS_BY_KIND[kind]


def required_columns(kind: str) -> tuple[str, ...]:
    return tuple(c.name for c in COLUMNS_BY_KIND[kind] if c.required)
