from django.db import migrations

from mcs_admin.migration_helpers import backfill_document_numbers


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0007_document_number"),
        ("mcs_admin", "0002_document_number"),
    ]

    operations = [
        migrations.RunPython(
            backfill_document_numbers("facilities", {'usageapplication': 1}),
            migrations.RunPython.noop,
        ),
    ]
