from django.db import migrations


def fill(apps, schema_editor):
    """Every pledge on record was signed under the policy as last amended (附則第2条)."""
    PolicyVersion = apps.get_model("mcs_admin", "PolicyVersion")
    current = PolicyVersion.objects.order_by("-effective_on").first()
    for name in ["FacilityPledge", "StaffPledge", "HistoricalFacilityPledge", "HistoricalStaffPledge"]:
        apps.get_model("pledges", name).objects.filter(policy_version=None).update(
            policy_version=current
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_policy_version_and_rounds"),
        ("mcs_admin", "0016_seed_policy_versions"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
