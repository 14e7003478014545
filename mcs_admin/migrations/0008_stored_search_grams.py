"""On PostgreSQL, the search grams stored in a generated column of each indexed table.

Computed in the index expression (0006), the grams were computed again, row by row, wherever
the planner chose to read a table rather than its index: on a small table, or for a term
nearly every row contains (試験 over 50,000 staff: 4 s). Stored, they are computed once per
write, and reading them costs no more than reading a name. The column is PostgreSQL's alone;
the models do not know it (mcs_admin.search reads it).
"""

from importlib import import_module

from django.db import migrations

INDEXES = import_module("mcs_admin.migrations.0006_search_grams").INDEXES


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, (table, fields) in INDEXES.items():
        schema_editor.execute(f"DROP INDEX {index}", params=None)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_grams text[] "
            f"GENERATED ALWAYS AS (mcs_search_grams({fields})) STORED",
            params=None,
        )
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} USING gin (search_grams)", params=None
        )
        schema_editor.execute(f"ANALYZE {table}", params=None)


def compute(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, (table, fields) in INDEXES.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_grams", params=None)
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} USING gin (mcs_search_grams({fields}))", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("mcs_admin", "0007_cache_table")]

    operations = [migrations.RunPython(store, compute)]
