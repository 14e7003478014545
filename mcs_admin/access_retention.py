"""Retention of the access log (`RETENTION_ACCESS_LOG_YEARS`), never automatic: a person with
the database's owner role runs `access_log_retention`, which lists the monthly partitions past
it and, with `--drop`, exports each (sealed to BACKUP_RECIPIENT like a backup) and then drops
it, recording where the chain now begins (`AccessLogCheckpoint`, from which
`verify_access_log` continues).

It refuses while any check in `RETENTION_STOPS` answers: the apps add theirs at start-up (the
devices app: an open incident), since the ground imports no app.
"""

import hashlib
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext as _
from psycopg import sql

from mcs_admin import access_partitions
from mcs_admin.access_partitions import Partition
from mcs_admin.backup.keys import recipient, seal_command
from mcs_admin.backup.tools import running
from mcs_admin.models import AccessLogCheckpoint

# each answers why the log's oldest months must be kept for now, or "" when nothing stops it
RETENTION_STOPS: list[Callable[[], str]] = []


class RetentionRefused(Exception):
    pass


def stops() -> list[str]:
    return [reason for stop in RETENTION_STOPS if (reason := stop())]


def cutoff(today: date) -> date:
    """The first month kept: entries of months wholly before it are past retention."""
    return (today - relativedelta(years=settings.RETENTION["access_log_years"])).replace(day=1)


def past(cursor, today: date) -> list[Partition]:
    kept_from = cutoff(today)
    return [p for p in access_partitions.partitions(cursor) if p.month < kept_from]


def _export(cursor, partition: Partition, out: Path) -> tuple[Path, str]:
    """The partition's rows as CSV in key order, sealed as they are read; the file and its
    SHA-256."""
    path = out / f"{partition.name}.csv.age"
    query = sql.SQL("COPY (SELECT * FROM {} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)")
    seal = seal_command(recipient(), path)
    with (
        running(seal, what="age", stdin=subprocess.PIPE) as sealing,
        cursor.cursor.copy(query.format(sql.Identifier(partition.name))) as copy,
    ):
        for block in copy:
            sealing.stdin.write(block)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return path, digest


def drop_oldest(owner, partition: Partition, *, out: Path, username: str) -> Path:
    """Export the partition and drop it, with its checkpoint, in one transaction of the owner,
    if its entries are the chain's first (a restore may append older times later in it)."""
    log, table = sql.Identifier(access_partitions.LOG), sql.Identifier(partition.name)
    previous = AccessLogCheckpoint.objects.order_by("-last_id").first()
    owner.set_autocommit(False)
    try:
        with owner.cursor() as cursor:
            cursor.execute("LOCK TABLE mcs_admin_accessloghead IN EXCLUSIVE MODE")
            cursor.execute(
                sql.SQL(
                    "SELECT id, hash, (SELECT count(*) FROM {0}) FROM {0} ORDER BY id DESC LIMIT 1"
                ).format(table)
            )
            last_id, last_hash, rows = cursor.fetchone() or (
                (previous.last_id, previous.last_hash, 0) if previous else (0, "", 0)
            )
            cursor.execute(
                sql.SQL("SELECT min(id) FROM {} WHERE tableoid <> {}::regclass").format(
                    log, sql.Literal(partition.name)
                )
            )
            (first_kept,) = cursor.fetchone()
            if first_kept is not None and first_kept < last_id:
                raise RetentionRefused(
                    _("%(name)s holds entries later in the chain than others kept (#%(id)d).")
                    % {"name": partition.name, "id": first_kept}
                )
            path, digest = _export(cursor, partition, out)
            cursor.execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(log, table))
            cursor.execute(sql.SQL("DROP TABLE {}").format(table))
            cursor.execute(
                "INSERT INTO mcs_admin_accesslogcheckpoint (at, username, last_id, last_hash, "
                "dropped_through, rows, export, export_sha256) "
                "VALUES (now(), %s, %s, %s, %s, %s, %s, %s)",
                [username, last_id, last_hash, partition.end, rows, str(path), digest],
            )
        owner.commit()
    except BaseException:
        owner.rollback()
        raise
    return path
