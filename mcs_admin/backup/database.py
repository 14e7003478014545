"""The database of a generation, with the database's own tools.

PostgreSQL: `pg_dump --format=custom` (without the sessions' rows) piped into age. A restore
pipes `pg_restore`'s script, between statements of our own, into one psql transaction as the
database's owner (`DATABASE_OWNER_URL`): it drops and recreates every table, the access log's
append-only trigger included, and commits only if everything went in.

SQLite: the online backup API (`sqlite3.Connection.backup`) into memory, without the sessions,
piped into age. A restore completes the generation in memory, then copies it onto the live
database in one step with the same API.

Either way the access log keeps its evidence: its rows from the generation's start on (less a
margin for the transactions open then) that the generation lacks are set aside before the load
and appended after it in their order, with their time, and their login where the restored data
has that same login; then the restore itself is recorded. Nothing in between can lose them: on
PostgreSQL they never leave the transaction, on SQLite they are added before the live database
is touched. The appended rows are chained after the generation's last one (new keys, and a
login they may have lost): on PostgreSQL by the insert trigger, told by the owner's session to
keep their times (`mcs_admin.keep_time`), on SQLite here (`access_chain`).
"""

import json
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.contrib.sessions.models import Session
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from mcs_admin import access_chain
from mcs_admin.backup.keys import seal_command
from mcs_admin.backup.tools import BackupError, running, tool
from mcs_admin.db_roles import grant_app_role
from mcs_admin.db_tools import (
    libpq_environment,
    owner_connection,
    owner_database,
    owner_is_another_role,
)
from mcs_admin.models import AccessLog, AccessLogHead, User

FILES = {"postgresql": "database.pgdump.age", "sqlite": "database.sqlite3.age"}
# A row committed after the generation's snapshot was written at most this long before it
# started (requests and commands commit in seconds).
MARGIN = timedelta(hours=1)


def file_name() -> str:
    if connection.vendor not in FILES:
        raise BackupError(f"no backup for a {connection.vendor} database")
    return FILES[connection.vendor]


def dump(*, output: Path, to: str) -> None:
    """The whole database, sealed to the public key `to`, into `output`."""
    if connection.vendor == "postgresql":
        args = [
            tool("pg_dump"),
            "--format=custom",
            "--no-password",
            f"--exclude-table-data={Session._meta.db_table}",
        ]
        env = libpq_environment(connection.settings_dict)
        with (
            running(args, what="pg_dump", stdout=subprocess.PIPE, env=env) as dumping,
            running(seal_command(to, output), what="age", stdin=dumping.stdout),
        ):
            dumping.stdout.close()  # age alone reads it
        return
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(copy)
        for statement in connection.ops.sql_flush(no_style(), [Session._meta.db_table]):
            copy.execute(statement)
        copy.commit()
        copy.execute("VACUUM")  # no page of a deleted row left in the copy
        data = copy.serialize()
    finally:
        copy.close()
    with running(seal_command(to, output), what="age", stdin=subprocess.PIPE) as sealing:
        sealing.stdin.write(data)


def load(*, path: Path, since: datetime, login: str, description: str) -> None:
    """Replace the database with the (opened) dump at `path`, keeping the access log's rows
    from `since` that it lacks, and record the restore by `login`."""
    connection.ensure_connection()
    since -= MARGIN
    entry = AccessLog(
        username=login,
        action=AccessLog.Action.RESTORE,
        description=description,
        at=timezone.now(),  # on PostgreSQL the trigger's clock instead
    )
    if connection.vendor == "postgresql":
        _load_postgresql(path, since=since, entry=entry)
    else:
        _load_sqlite(path, since=since, entry=entry)


def _entry_values(entry: AccessLog) -> dict:
    """The columns of a new access-log row as the database takes them, but its key, login and
    hash."""
    return {
        field.column: field.get_db_prep_save(getattr(entry, field.attname), connection)
        for field in AccessLog._meta.concrete_fields
        if field.name not in ("id", "user", "hash")
    }


def _load_postgresql(path: Path, *, since: datetime, entry: AccessLog) -> None:
    from psycopg import sql

    log, login = AccessLog._meta, User._meta
    columns = [field.column for field in log.concrete_fields]
    appended = [column for column in columns if column != log.pk.column]
    user_id, at, pk = log.get_field("user").column, log.get_field("at").column, log.pk.column
    names = {
        "log": sql.Identifier(log.db_table),
        "login": sql.Identifier(login.db_table),
        "login_pk": sql.Identifier(login.pk.column),
        "username": sql.Identifier(login.get_field("username").column),
        "user_id": sql.Identifier(user_id),
        "at": sql.Identifier(at),
        "pk": sql.Identifier(pk),
    }
    set_aside = sql.SQL(
        "BEGIN;\n"
        "LOCK TABLE {log} IN EXCLUSIVE MODE;\n"
        "CREATE TEMPORARY TABLE mcs_restore_kept ON COMMIT DROP AS\n"
        "  SELECT log.*, login.{username} AS mcs_login_name\n"
        "  FROM {log} AS log LEFT JOIN {login} AS login ON login.{login_pk} = log.{user_id}\n"
        "  WHERE log.{at} >= {since};\n"
        # pg_restore --clean cannot drop a partition's inherited key: the partitioned log goes
        # first, its newer rows kept aside above
        "DROP TABLE IF EXISTS {log} CASCADE;\n"
    ).format(**names, since=sql.Literal(since))
    same_login = sql.SQL(
        "(SELECT u.{login_pk} FROM {login} AS u "
        "WHERE u.{login_pk} = k.{user_id} AND u.{username} = k.mcs_login_name)"
    ).format(**names)
    values = _entry_values(entry)
    append = sql.SQL(
        "RESET search_path;\n"
        "SET LOCAL mcs_admin.keep_time = 'on';\n"
        "INSERT INTO {log} ({appended})\n"
        "  SELECT {kept} FROM mcs_restore_kept AS k\n"
        "  WHERE NOT EXISTS (SELECT FROM {log} AS r WHERE {same})\n"
        "  ORDER BY k.{at}, k.{pk};\n"
        "SET LOCAL mcs_admin.keep_time = 'off';\n"
        "INSERT INTO {log} ({user_id}, {columns}) VALUES (\n"
        "  (SELECT {login_pk} FROM {login} WHERE {username} = {name}), {values});\n"
        "COMMIT;\n"
    ).format(
        **names,
        appended=sql.SQL(", ").join(map(sql.Identifier, appended)),
        kept=sql.SQL(", ").join(
            same_login if column == user_id else sql.SQL("k.{}").format(sql.Identifier(column))
            for column in appended
        ),
        same=sql.SQL(" AND ").join(
            sql.SQL("r.{0} IS NOT DISTINCT FROM k.{0}").format(sql.Identifier(column))
            for column in columns
        ),
        columns=sql.SQL(", ").join(map(sql.Identifier, values)),
        values=sql.SQL(", ").join(map(sql.Literal, values.values())),
        name=sql.Literal(entry.username),
    )
    raw = connection.connection
    env = {**libpq_environment(owner_database()), "PGCLIENTENCODING": "UTF8"}
    apply = [tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"]
    script = [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--file=-", str(path)]
    with running(
        apply, what="psql", stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env
    ) as applying:
        applying.stdin.write(set_aside.as_string(raw).encode())
        with running(script, what="pg_restore", stdout=subprocess.PIPE) as restoring:
            while block := restoring.stdout.read(1 << 16):
                applying.stdin.write(block)
        applying.stdin.write(append.as_string(raw).encode())
    # pg_restore created the tables under the schema's default privileges (the application's
    # role may write any new table) and the dump's grants only add to them: the role gets
    # again exactly what migrate grants it, the log and its partitions not writable
    if owner_is_another_role():
        with owner_connection() as owner, owner.cursor() as cursor:
            grant_app_role(cursor, connection.settings_dict["USER"])


def _load_sqlite(path: Path, *, since: datetime, entry: AccessLog) -> None:
    log, login = AccessLog._meta, User._meta
    quote = connection.ops.quote_name
    columns = [field.column for field in log.concrete_fields]
    appended = [column for column in columns if column != log.pk.column]
    user_id, at, pk = log.get_field("user").column, log.get_field("at").column, log.pk.column
    table, logins = quote(log.db_table), quote(login.db_table)
    login_pk, username = quote(login.pk.column), quote(login.get_field("username").column)
    same_login = (
        f"(SELECT u.{login_pk} FROM main.{logins} AS u WHERE u.{login_pk} = k.{quote(user_id)} "
        f"AND u.{username} = (SELECT {username} FROM live.{logins} "
        f"WHERE {login_pk} = k.{quote(user_id)}))"
    )
    kept = ", ".join(same_login if c == user_id else f"k.{quote(c)}" for c in appended)
    same = " AND ".join(f"r.{quote(c)} IS k.{quote(c)}" for c in columns)
    # Access-log rows carry no history: appending them is no write around it.
    keep = (
        f"INSERT INTO main.{table} ({', '.join(map(quote, appended))}) "
        f"SELECT {kept} FROM live.{table} AS k WHERE k.{quote(at)} >= ? "
        f"AND NOT EXISTS (SELECT 1 FROM main.{table} AS r WHERE {same}) "
        f"ORDER BY k.{quote(at)}, k.{quote(pk)}"
    )
    values = _entry_values(entry)
    record = (
        f"INSERT INTO main.{table} ({quote(user_id)}, {', '.join(map(quote, values))}) "
        f"VALUES ((SELECT {login_pk} FROM main.{logins} WHERE {username} = ?), "
        f"{', '.join('?' for _ in values)})"
    )
    restored = sqlite3.connect(":memory:", uri=True)  # uri: to attach the live database
    try:
        restored.deserialize(path.read_bytes())
        restored.execute("ATTACH DATABASE ? AS live", [str(connection.settings_dict["NAME"])])
        restored.execute(keep, [connection.ops.adapt_datetimefield_value(since)])
        restored.execute(record, [entry.username, *values.values()])
        _chain_appended(restored)
        restored.commit()
        restored.execute("DETACH DATABASE live")
        restored.backup(connection.connection)
    finally:
        restored.close()


def _chain_appended(restored: sqlite3.Connection) -> None:
    """Chain the rows appended after the generation's last one, as `AccessLog.save` would."""
    quote = connection.ops.quote_name
    log, head = quote(AccessLog._meta.db_table), quote(AccessLogHead._meta.db_table)
    columns = [AccessLog._meta.get_field(name).column for name in access_chain.COLUMNS]
    last_id, previous = restored.execute(
        f"SELECT last_id, last_hash FROM main.{head} WHERE id = ?", [AccessLogHead.ONE]
    ).fetchone() or (0, access_chain.GENESIS)
    appended = restored.execute(
        f"SELECT {', '.join(map(quote, columns))} FROM main.{log} WHERE id > ? ORDER BY id",
        [last_id],
    ).fetchall()
    for row in appended:
        values = dict(zip(access_chain.COLUMNS, row, strict=True))
        values["at"] = datetime.fromisoformat(values["at"]).replace(tzinfo=UTC)
        values["target_ids"] = json.loads(values["target_ids"])
        last_id, previous = values["id"], access_chain.link(previous, values)
        restored.execute(
            f"UPDATE main.{log} SET {quote('hash')} = ? WHERE id = ?", [previous, last_id]
        )
    restored.execute(
        f"INSERT OR REPLACE INTO main.{head} (id, last_id, last_hash) VALUES (?, ?, ?)",
        [AccessLogHead.ONE, last_id, previous],
    )
