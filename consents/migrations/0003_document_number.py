import mcs_admin.uploads
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mcs_admin', '0002_document_number'),
        ('consents', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpatientconsent',
            name='document_number',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=20, verbose_name='document number'),
        ),
        migrations.AddField(
            model_name='patientconsent',
            name='document_number',
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name='document number'),
        ),
        migrations.AlterField(
            model_name='patientconsent',
            name='scanned_copy',
            field=mcs_admin.uploads.ScannedCopyField(blank=True, max_length=200, upload_to=mcs_admin.uploads.scanned_copy_path, verbose_name='scanned copy'),
        ),
    ]
