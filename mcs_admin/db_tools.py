"""PostgreSQL's own tools (pg_dump, pg_restore, psql) and connections, pointed at the
application's database or, for what owns tables (migrate, restore, the app role's grants), at
its owner: `DATABASE_OWNER_URL` when set, else the application's own connection
(`DATABASE_URL`). The owner's is the same database: its name is always the connection's (so
under the tests, the test database)."""

import os
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.utils import ConnectionHandler

LOGIN = ("USER", "PASSWORD", "HOST", "PORT")


def owner_database() -> dict:
    """The connection settings of the database's owner (Django's form: NAME, USER, …)."""
    owner = settings.DATABASE_OWNER or {}
    return {**connection.settings_dict, **{key: owner[key] for key in LOGIN if key in owner}}


def owner_is_another_role() -> bool:
    return owner_database()["USER"] != connection.settings_dict["USER"]


@contextmanager
def owner_connection():
    """A Django connection of its own as the owner, closed afterwards."""
    owner = ConnectionHandler({"default": owner_database()})["default"]
    try:
        yield owner
    finally:
        owner.close()


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
