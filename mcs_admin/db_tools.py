"""PostgreSQL's own tools (pg_dump, pg_restore, psql), pointed at the application's database or,
for the commands that own tables (restore; later the access log's partitions), at its owner:
`DATABASE_OWNER_URL` when set, else the application's own connection (`DATABASE_URL`)."""

import os

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient


def owner_database() -> dict:
    """The connection settings of the database's owner (Django's form: NAME, USER, …)."""
    return settings.DATABASE_OWNER or connection.settings_dict


def libpq_environment(database: dict) -> dict[str, str]:
    """The environment that points libpq's tools at `database`: no password on a command line."""
    _, options = DatabaseClient.settings_to_cmd_args_env({"OPTIONS": {}, **database}, [])
    given = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGDATABASE": database.get("NAME"),
    }
    return {
        **os.environ,
        **{key: str(value) for key, value in given.items() if value},
        **(options or {}),
    }
