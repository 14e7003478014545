"""On PostgreSQL, the GIN indexes of the admin's text search (mcs_admin.search).

`mcs_search_grams(text, ...)` is every field's upper-cased characters and pairs of adjacent
characters: what a substring of two or more characters (a two-kanji surname) must share with a
row that contains it. IMMUTABLE, as an index expression must be (upper() is).
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION mcs_search_grams(VARIADIC parts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT gram), '{}')
    FROM unnest(parts) AS part,
        generate_series(1, char_length(part)) AS i,
        LATERAL (VALUES (substr(upper(part), i, 1)), (substr(upper(part), i, 2))) AS g(gram)
$$;
"""
INDEXES = {  # index: (table, fields), as mcs_admin.search.INDEXED_TEXT lists them
    "facility_search_grams": ("facilities_facility", "name, name_kana"),
    "staffmember_search_grams": (
        "facilities_staffmember",
        "family_name, given_name, family_name_kana, given_name_kana, email",
    ),
    "mcsaccount_search_grams": ("facilities_mcsaccount", "login_id"),
    "patient_search_grams": (
        "care_groups_patient",
        "family_name, given_name, family_name_kana, given_name_kana",
    ),
    "caregroup_search_grams": ("care_groups_caregroup", "name"),
    "device_search_grams": ("devices_device", "label"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for index, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} USING gin (mcs_search_grams({fields}))", params=None
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS mcs_search_grams(text[])", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("mcs_admin", "0005_sentreminder"),
        ("facilities", "0010_list_orderings_and_indexes"),
        ("care_groups", "0006_review_entries_and_transfer_refusals"),
        ("devices", "0004_carry_out_closing_and_report_deadlines"),
    ]

    operations = [migrations.RunPython(create, drop)]
