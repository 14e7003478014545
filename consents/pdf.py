"""様式4 (在宅医療における個人情報使用同意書) with its back page (患者の個人情報の利用目的)."""

from django.core.exceptions import ValidationError

from consents.models import PatientConsent
from consents.selectors import consents_for
from mcs_admin.pdf import PrintedForm, missing_fields, printed_name


def _consent(consent: PatientConsent) -> dict:
    patient = consent.group.patient
    missing = missing_fields(patient, "family_name", "given_name", "address")
    if missing:
        raise ValidationError(missing)
    return {
        "date": consent.signed_on or consent.prepared_on,
        "patient_name": patient.full_name,
        "patient_address": patient.address,
        # the family's part stays empty to write by hand when no family member signs
        "family_name": printed_name(consent.family_name),
        "family_address": consent.family_address,
    }


CONSENT_FORM = PrintedForm(
    number=4,
    model=PatientConsent,
    visible_to=consents_for,
    template_name="pdf/form4_patient_consent.html",
    document=_consent,
    blank=lambda: {
        "date": None,
        "patient_name": "",
        "patient_address": "",
        "family_name": "",
        "family_address": "",
    },
    select_related=("group__patient",),
)
