from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0008_fill_document_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="usageapplication",
            name="document_number",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=20,
                unique=True,
                verbose_name="document number",
            ),
        ),
    ]
