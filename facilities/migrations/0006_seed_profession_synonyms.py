"""The usual ways Japanese rosters write 職種, so that imports read old files from day one."""

from django.db import migrations

SYNONYMS = {
    "physician": ["医師", "Dr", "Dr.", "ドクター", "医者"],
    "dentist": ["歯科医師", "歯科医", "歯医者"],
    "pharmacist": ["薬剤師", "Ph"],
    "nurse": ["看護師", "Ns", "ナース", "看護婦", "看護士"],
    "assistant_nurse": ["准看護師", "准看", "准看護婦"],
    "public_health_nurse": ["保健師"],
    "midwife": ["助産師"],
    "physical_therapist": ["理学療法士", "PT"],
    "occupational_therapist": ["作業療法士", "OT"],
    "speech_therapist": ["言語聴覚士", "ST"],
    "registered_dietitian": ["管理栄養士", "栄養士"],
    "dental_hygienist": ["歯科衛生士", "DH"],
    "care_manager": [
        "介護支援専門員",
        "主任介護支援専門員",
        "ケアマネ",
        "ケアマネジャー",
        "ケアマネージャー",
        "主任ケアマネ",
        "CM",
    ],
    "social_worker": ["社会福祉士", "SW"],
    "medical_social_worker": ["医療ソーシャルワーカー", "MSW", "医療相談員"],
    "psychiatric_social_worker": ["精神保健福祉士", "PSW"],
    "care_worker": ["介護福祉士", "介護士", "介護職員", "CW"],
    "home_helper": ["訪問介護員", "ホームヘルパー", "ヘルパー"],
    "welfare_equipment_adviser": ["福祉用具専門相談員", "福祉用具相談員"],
    "life_counselor": ["生活相談員"],
    "clerk": ["事務職員", "事務", "事務員", "医療事務"],
    "other": ["その他"],
}


def seed(apps, schema_editor):
    ProfessionSynonym = apps.get_model("facilities", "ProfessionSynonym")
    for profession, terms in SYNONYMS.items():
        for term in terms:
            if not ProfessionSynonym.objects.filter(term__iexact=term).exists():
                ProfessionSynonym.objects.create(term=term, profession=profession)


def unseed(apps, schema_editor):
    ProfessionSynonym = apps.get_model("facilities", "ProfessionSynonym")
    terms = [term for terms in SYNONYMS.values() for term in terms]
    ProfessionSynonym.objects.filter(term__in=terms).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0005_professionsynonym")]

    operations = [migrations.RunPython(seed, unseed)]
