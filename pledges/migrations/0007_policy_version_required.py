import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # every row has its version (0006); a new one is given it on saving
    dependencies = [
        ("mcs_admin", "0016_seed_policy_versions"),
        ("pledges", "0006_fill_policy_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name=model_name,
            name="policy_version",
            field=models.ForeignKey(
                blank=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mcs_admin.policyversion",
                verbose_name="policy version",
            ),
        )
        for model_name in ("facilitypledge", "staffpledge")
    ]
