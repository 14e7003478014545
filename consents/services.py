"""The patient's consent (第6条, 独自ルール 1): recorded, and withdrawn."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import PatientConsent
from facilities.models import StaffMember
from groups.models import CareGroup
from groups.services import locked_group, memberships_from_outside_end, require_manager
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


@transaction.atomic
def consent_withdraw(
    *,
    consent: PatientConsent,
    by: User,
    reason: str,
    withdrawn_on: datetime.date | None = None,
) -> PatientConsent:
    """The patient or family withdraws the consent: every member from outside the owning
    facility leaves the group at once, with the reason (第6条)."""
    require_manager(by, consent.group)
    group = locked_group(consent.group)
    consent = PatientConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != PatientConsent.Status.RECEIVED:
        raise ValidationError(_("Only a consent on record can be withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the consent was withdrawn.")})
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": _("The date is in the future.")})
    consent.status = PatientConsent.Status.WITHDRAWN
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_reason = reason
    consent.full_clean()
    save_by(consent, by)
    memberships_from_outside_end(
        group=group,
        reason=_("The patient's consent was withdrawn: %(reason)s") % {"reason": reason},
        by=by,
    )
    return consent
