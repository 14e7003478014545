from django.db.models import QuerySet

from consents.models import PatientConsent
from groups.selectors import groups_managed_by
from mcs_admin.models import User


def consents_for(user: User) -> QuerySet[PatientConsent]:
    """Consents are seen by those who run the patient's group (and the center)."""
    return PatientConsent.objects.filter(group__in=groups_managed_by(user))
