"""The table of the shared cache (settings.CACHES, `dbcache://` by default), made with the
schema so that no deployment step can forget it; nothing when CACHE_URL names Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("mcs_admin", "0006_search_grams")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
