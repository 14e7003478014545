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
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class Verification:
    rows: int  # rows that followed the chain
    broken_id: int | None = None  # the first row that does not
    missing_after: int | None = None  # the last row, when the head names a later one

    @property
    def intact(self) -> bool:
        return self.broken_id is None and self.missing_after is None

    def describe(self) -> str:
        if self.broken_id is not None:
            return _(
                "Broken at entry #%(id)d: it does not follow the %(rows)d entries before it "
                "(it, or the entry before it, was changed or removed)."
            ) % {"id": self.broken_id, "rows": self.rows}
        if self.missing_after is not None:
            return _(
                "Broken after entry #%(id)d, the last one: the chain's head names a later "
                "entry (entries at the end were removed)."
            ) % {"id": self.missing_after}
        return _("Intact: all %(rows)d entries follow the chain.") % {"rows": self.rows}


def verify() -> Verification:
    """Recompute the chain in key order: the first row whose hash does not follow is broken."""
    from mcs_admin.models import AccessLog, AccessLogHead

    previous, last_id, rows = GENESIS, 0, 0
    for entry in AccessLog.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.hash != link(previous, entry_values(entry)):
            return Verification(rows=rows, broken_id=entry.pk)
        previous, last_id, rows = entry.hash, entry.pk, rows + 1
    head = AccessLogHead.objects.filter(pk=AccessLogHead.ONE).first()
    ends_at_head = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if ends_at_head != (last_id, previous):
        return Verification(rows=rows, missing_after=last_id)
    return Verification(rows=rows)
