"""The access log's hash chain: each row's `hash` is SHA-256 over the previous row's hash and
the row's own content and time, so a row changed or removed afterwards breaks the chain at
that row (or at the next, when one was removed).

On PostgreSQL the insert trigger of migration 0010 computes it, with the row's time and key
taken under the lock of the one-row head table (`AccessLogHead`); on SQLite `AccessLog.save`
does the same here. `canonical` is the text both hash, and must stay what the trigger's
`jsonb_build_array(...)::text` writes: a JSON array with ", " between items, strings unescaped
beyond JSON's own escapes, the time in UTC to the microsecond.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = ""  # the "previous hash" of the first row
# the columns hashed, in order; the trigger lists the same
COLUMNS = (
    "id",
    "at",
    "user_id",
    "username",
    "action",
    "target_type",
    "target_ids",
    "description",
    "row_count",
    "ip_address",
)


def canonical(values: dict) -> str:
    """The text hashed for one row, from its columns' Python values."""
    at: datetime = values["at"]
    items = [values[column] for column in COLUMNS]
    items[1] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return json.dumps(items, ensure_ascii=False)


def link(previous: str, values: dict) -> str:
    return hashlib.sha256((previous + canonical(values)).encode()).hexdigest()


def entry_values(entry) -> dict:
    return {column: getattr(entry, "pk" if column == "id" else column) for column in COLUMNS}
