import datetime

from django.db import migrations

# The policy's 附則 as it stands, frozen here (mcs_admin.policy_versions.SUPPLEMENTARY_PROVISIONS
# says the same for a flushed database): 第1条 施行, 第2条 一部変更; neither changed the wording.
VERSIONS = [
    (datetime.date(2016, 8, 1), "平成28年8月1日施行", "附則第1条: この規程の施行。"),
    (datetime.date(2017, 1, 27), "平成29年1月27日一部変更", "附則第2条: 一部変更。"),
]


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("mcs_admin", "PolicyVersion")
    for effective_on, label, notes in VERSIONS:
        PolicyVersion.objects.get_or_create(
            effective_on=effective_on, defaults={"label": label, "notes": notes}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mcs_admin", "0015_policy_versions"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
