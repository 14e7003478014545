"""Scheduled commands that cron may start on every host: one run at a time, the others step aside.

`ScheduledCommand` is a `BaseCommand` whose run holds a PostgreSQL session advisory lock
(`pg_try_advisory_lock`) keyed by the command's name. A run that finds the lock taken (the same
command running on another host, or on this one) prints so and exits 0, doing nothing: cron's
mail is not an alarm, and the run that holds the lock does the work. The lock is taken on a
connection of its own, so that nothing the command does with its connections (transactions, a
closed connection) lets it go before the end; PostgreSQL releases it when that session ends,
a crashed process included. When the database cannot be reached the command runs without the
lock and fails its own way, as before (a backup mails ADMINS).

On SQLite, `run_once` takes no lock: SQLite serves one host only (development and the demo;
several hosts need PostgreSQL, docs/operations.md), where cron starts each job once.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, OutputWrapper
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils.translation import gettext as _


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"mcs-scheduled:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def run_once(name: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """True inside while this process holds `name`'s lock; False when another one does."""
    if connections[using].vendor != "postgresql":
        yield True
        return
    holder = connections.create_connection(using)
    try:
        try:
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
                held = cursor.fetchone()[0]
        except OperationalError:
            # the database is unreachable: nothing can run twice, and the command fails its
            # own way (a backup mails ADMINS)
            held = True
        yield held
    finally:
        holder.close()  # ends the session, and the lock with it


class ScheduledCommand(BaseCommand):
    """A management command cron may run on every host: subclass it instead of `BaseCommand`
    and write `handle` as usual."""

    def lock_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]  # the command's name, as manage.py calls it

    def execute(self, *args, **options):
        with run_once(self.lock_name()) as held:
            if held:
                return super().execute(*args, **options)
        if options.get("stdout"):
            self.stdout = OutputWrapper(options["stdout"])
        self.stdout.write(
            _("%(command)s is already running, on this host or another: this run does nothing.")
            % {"command": self.lock_name()}
        )
        return None
