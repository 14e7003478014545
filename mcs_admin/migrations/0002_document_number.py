

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mcs_admin', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('form_number', models.PositiveSmallIntegerField(verbose_name='form')),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
            ],
            options={
                'verbose_name': 'document number',
                'verbose_name_plural': 'document numbers',
                'ordering': ['-pk'],
            },
        ),
    ]
