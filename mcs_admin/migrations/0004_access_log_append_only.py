"""On PostgreSQL the access log refuses UPDATE and DELETE whatever the client (the application
never issues them; this stops anyone else who reaches the database with the app's role).
TRUNCATE, which only a restore of a whole backup does, is left to the database's owner."""

from django.db import migrations

CREATE = """
CREATE FUNCTION mcs_admin_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER mcs_admin_accesslog_append_only
    BEFORE UPDATE OR DELETE ON mcs_admin_accesslog
    FOR EACH ROW EXECUTE FUNCTION mcs_admin_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS mcs_admin_accesslog_append_only ON mcs_admin_accesslog;
DROP FUNCTION IF EXISTS mcs_admin_accesslog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("mcs_admin", "0003_login_security")]

    operations = [migrations.RunPython(create, drop)]
