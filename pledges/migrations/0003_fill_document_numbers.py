from django.db import migrations

from mcs_admin.migration_helpers import backfill_document_numbers


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_document_number"),
        ("mcs_admin", "0002_document_number"),
    ]

    operations = [
        migrations.RunPython(
            backfill_document_numbers("pledges", {'facilitypledge': 2, 'staffpledge': 3}),
            migrations.RunPython.noop,
        ),
    ]
