"""The access log's monthly partitions on PostgreSQL (migration 0012): one table per month of
UTC time, named `mcs_admin_accesslog_YYYYMM`, and a default one that catches a row of a month
not created yet (so that a missed upkeep never refuses a log entry).

Created ahead by `access_log_partitions` (daily, as the database's owner) and by the migration;
on each new partition every role but its owner may only SELECT, so that the application's
role writes the rows only through the log itself (INSERT, and its triggers). Dropped
only by `access_log_retention`, after it exported them.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from psycopg import sql

LOG = "mcs_admin_accesslog"
DEFAULT = f"{LOG}_default"
AHEAD = 3  # months created ahead of the current one
NAME = re.compile(rf"{LOG}_(\d{{4}})(\d{{2}})")


@dataclass(frozen=True)
class Partition:
    name: str
    month: date  # its first day

    @property
    def start(self) -> datetime:
        return datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return _next(self.start)


def _next(month):
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def months(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s."""
    month, last = first.replace(day=1), last.replace(day=1)
    found = []
    while month <= last:
        found.append(month)
        month = _next(month)
    return found


def partitions(cursor) -> list[Partition]:
    """The log's monthly partitions, oldest first (not the default one)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [LOG],
    )
    found = []
    for (name,) in cursor.fetchall():
        if match := NAME.fullmatch(name):
            found.append(Partition(name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda partition: partition.month)


def _read_only(cursor, name: str) -> None:
    """Only SELECT on the partition itself (pg_dump of a backup reads it) for every role but
    its owner: the schema's default privileges gave the app's role writes too."""
    cursor.execute(
        "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END "
        "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s::regclass "
        "AND a.grantee <> c.relowner",
        [name],
    )
    for (role,) in cursor.fetchall():  # regrole's text is quoted as PostgreSQL needs it
        table, grantee = sql.Identifier(name), sql.SQL(role)
        cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(table, grantee))
        if role != "PUBLIC":
            cursor.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(table, grantee))


def create(cursor, first: date, last: date) -> list[str]:
    """The monthly partitions from `first`'s month to `last`'s that are missing; their names."""
    existing = {partition.month for partition in partitions(cursor)}
    created = []
    for month in months(first, last):
        if month in existing:
            continue
        partition = Partition(f"{LOG}_{month:%Y%m}", month)
        cursor.execute(
            sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier(partition.name),
                sql.Identifier(LOG),
                sql.Literal(partition.start),
                sql.Literal(partition.end),
            )
        )
        _read_only(cursor, partition.name)
        created.append(partition.name)
    return created


def create_ahead(cursor, today: date) -> list[str]:
    last = today.replace(day=1)
    for _ in range(AHEAD):
        last = _next(last)
    return create(cursor, today, last)


def read_only_everywhere(cursor) -> None:
    """Every partition, and the default one, read-only but for its owner."""
    for name in [partition.name for partition in partitions(cursor)] + [DEFAULT]:
        _read_only(cursor, name)
