"""The application's PostgreSQL role: it owns nothing and may read and write the tables, but
only SELECT and INSERT on the access log and only SELECT on its chain's head; it may set every
sequence (the importer does after an import) but the log's. Not owning the
log, it can neither TRUNCATE it nor ALTER it (so no DISABLE TRIGGER); the insert trigger
writes the head as the owner (SECURITY DEFINER). On the log's monthly partitions and on
its checkpoints it may only SELECT (the owner writes the checkpoints). Run by the owner after
every migrate (the `migrate` command does it), so that new tables are granted too."""

from psycopg import sql

from mcs_admin import access_partitions
from mcs_admin.models import AccessLog, AccessLogCheckpoint, AccessLogHead


def grant_app_role(cursor, app: str) -> None:
    cursor.execute(
        "SELECT current_schema(), pg_get_serial_sequence(%s, 'id')", [AccessLog._meta.db_table]
    )
    schema, log_sequence = cursor.fetchone()
    names = {
        "schema": sql.Identifier(schema),
        "log_sequence": sql.SQL(log_sequence),  # as PostgreSQL quotes it
        "app": sql.Identifier(app),
        "log": sql.Identifier(AccessLog._meta.db_table),
        "head": sql.Identifier(AccessLogHead._meta.db_table),
        "checkpoint": sql.Identifier(AccessLogCheckpoint._meta.db_table),
    }
    for statement in (
        "GRANT USAGE ON SCHEMA {schema} TO {app}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        "REVOKE ALL ON {log}, {head}, {checkpoint} FROM {app}",
        "GRANT SELECT, INSERT ON {log} TO {app}",
        "GRANT SELECT ON {head}, {checkpoint} TO {app}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        "REVOKE UPDATE ON SEQUENCE {log_sequence} FROM {app}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
    ):
        cursor.execute(sql.SQL(statement).format(**names))
    access_partitions.read_only_everywhere(cursor)


def create_app_role(cursor, app: str) -> bool:
    """Create the login role `app` (no password: set it with psql's \\password) if missing."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
    if cursor.fetchone():
        return False
    cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(app)))
    return True
