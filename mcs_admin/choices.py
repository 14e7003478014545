"""Choice lists shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    """職種: the medical and care professions of home care, as the forms' roster asks."""

    PHYSICIAN = "physician", _("physician")
    DENTIST = "dentist", _("dentist")
    PHARMACIST = "pharmacist", _("pharmacist")
    NURSE = "nurse", _("nurse")
    ASSISTANT_NURSE = "assistant_nurse", _("assistant nurse")
    PUBLIC_HEALTH_NURSE = "public_health_nurse", _("public health nurse")
    MIDWIFE = "midwife", _("midwife")
    PHYSICAL_THERAPIST = "physical_therapist", _("physical therapist")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("occupational therapist")
    SPEECH_THERAPIST = "speech_therapist", _("speech-language-hearing therapist")
    REGISTERED_DIETITIAN = "registered_dietitian", _("registered dietitian")
    DENTAL_HYGIENIST = "dental_hygienist", _("dental hygienist")
    CARE_MANAGER = "care_manager", _("care manager")
    SOCIAL_WORKER = "social_worker", _("certified social worker")
    MEDICAL_SOCIAL_WORKER = "medical_social_worker", _("medical social worker")
    PSYCHIATRIC_SOCIAL_WORKER = "psychiatric_social_worker", _("psychiatric social worker")
    CARE_WORKER = "care_worker", _("certified care worker")
    HOME_HELPER = "home_helper", _("home helper")
    WELFARE_EQUIPMENT_ADVISER = "welfare_equipment_adviser", _("welfare equipment adviser")
    LIFE_COUNSELOR = "life_counselor", _("life counselor")
    CLERK = "clerk", _("clerical staff")
    OTHER = "other", _("other")


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    UNSPECIFIED = "unspecified", _("not stated")
