"""`mcs_search_pairs(term)`: the grams a search term asks the index for, its upper-cased pairs
of adjacent characters only (its one character when it has one).

The stored grams (0006) hold every field's characters and pairs, so a row holding a term's
pairs holds its characters too: asking for them as well (職員10000: 職, 員, 職員 …) made the
GIN index read and intersect their posting lists, each as long as the table when they are in
every name. IMMUTABLE, so the planner computes it once for a constant term.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION mcs_search_pairs(term text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN char_length(term) < 2 THEN mcs_search_grams(term)
        ELSE (SELECT array_agg(DISTINCT substr(upper(term), i, 2))
              FROM generate_series(1, char_length(term) - 1) AS i) END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS mcs_search_pairs(text)", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("mcs_admin", "0017_association_on_screen_signing"),
    ]

    operations = [migrations.RunPython(create, drop)]
