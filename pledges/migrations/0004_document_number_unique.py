from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0003_fill_document_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="facilitypledge",
            name="document_number",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=20,
                unique=True,
                verbose_name="document number",
            ),
        ),
        migrations.AlterField(
            model_name="staffpledge",
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
