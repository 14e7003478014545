import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import PatientConsent
from facilities.models import StaffMember
from groups.models import CareGroup
from groups.services import locked_group, require_manager
from mcs_admin.history import save_by
from mcs_admin.models import User


@transaction.atomic
def consent_record(
    *,
    group: CareGroup,
    by: User,
    basis: str,
    signed_on: datetime.date | None = None,
    obtained_by: StaffMember | None = None,
    family_name: str = "",
    family_relationship: str = "",
    family_address: str = "",
    exemption_note: str = "",
) -> PatientConsent:
    """Record the patient's signed consent (様式4) or its contract exemption (第6条)."""
    require_manager(by, group)
    group = locked_group(group)
    if group.kind != CareGroup.Kind.PATIENT:
        raise ValidationError(_("Only a patient group needs the patient's consent."))
    if group.consents.exclude(status=PatientConsent.Status.WITHDRAWN).exists():
        raise ValidationError(_("A consent for this group is already on record."))
    if basis == PatientConsent.Basis.SIGNED_FORM and signed_on is None:
        raise ValidationError({"signed_on": _("Enter the date the form was signed.")})
    today = timezone.localdate()
    consent = PatientConsent(
        group=group,
        basis=basis,
        status=PatientConsent.Status.RECEIVED,
        signed_on=signed_on,
        received_on=today,
        prepared_on=min(today, signed_on or today),
        obtained_by=obtained_by,
        family_name=family_name,
        family_relationship=family_relationship,
        family_address=family_address,
        exemption_note=exemption_note,
    )
    consent.full_clean()
    save_by(consent, by)
    return consent
