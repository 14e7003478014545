import mcs_admin.uploads
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mcs_admin', '0002_document_number'),
        ('facilities', '0006_seed_profession_synonyms'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalusageapplication',
            name='document_number',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=20, verbose_name='document number'),
        ),
        migrations.AddField(
            model_name='historicalusageapplication',
            name='scanned_copy',
            field=models.TextField(blank=True, max_length=200, verbose_name='scanned copy'),
        ),
        migrations.AddField(
            model_name='usageapplication',
            name='document_number',
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name='document number'),
        ),
        migrations.AddField(
            model_name='usageapplication',
            name='scanned_copy',
            field=mcs_admin.uploads.ScannedCopyField(blank=True, max_length=200, upload_to=mcs_admin.uploads.scanned_copy_path, verbose_name='scanned copy'),
        ),
    ]
