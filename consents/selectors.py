from django.db.models import Exists, OuterRef, Q, QuerySet

from consents.models import ConsentDesignation, PatientConsent, consent_on_record
from facilities.models import StaffMember
from groups.models import OPEN_MEMBERSHIP, CareGroup, Membership
from groups.selectors import groups_managed_by
from mcs_admin.models import User


def consents_for(user: User) -> QuerySet[PatientConsent]:
    """Consents are seen by those who run the patient's group (and the center)."""
    return PatientConsent.objects.filter(group__in=groups_managed_by(user))


def designations_for(user: User) -> QuerySet[ConsentDesignation]:
    """Designations are seen by those who run the group, and by its attending physician."""
    return ConsentDesignation.objects.filter(
        Q(group__in=groups_managed_by(user)) | Q(group__attending_physician__user=user)
    )


def consent_obtainers(group: CareGroup) -> QuerySet[StaffMember]:
    """独自ルール 1, stated once: who may obtain the patient's consent for `group` — the attending
    physician, or a person the physician designated for the group (of any facility), who has
    not left."""
    designated = ConsentDesignation.objects.filter(group=group, ended_on__isnull=True)
    return StaffMember.objects.filter(
        Q(pk=group.attending_physician_id) | Q(consent_designations__in=designated),
        left_on__isnull=True,
    ).distinct()


def designation_candidates(group: CareGroup) -> QuerySet[StaffMember]:
    """Whom the physician may designate: the group's members and invitees, and the owner's
    current staff, not already designated."""
    designated = ConsentDesignation.objects.filter(group=group, ended_on__isnull=True)
    return (
        StaffMember.objects.filter(
            Q(memberships__in=Membership.objects.filter(OPEN_MEMBERSHIP, group=group))
            | Q(facility=group.owner_id),
            left_on__isnull=True,
        )
        .exclude(consent_designations__in=designated)
        .exclude(pk=group.attending_physician_id)
        .select_related("facility")
        .distinct()
        .order_by("facility__name_kana", "family_name_kana", "given_name_kana")
    )


def groups_without_consent() -> QuerySet[CareGroup]:
    """Active patient groups with neither the patient's consent nor its exemption (第6条)."""
    on_record = PatientConsent.objects.filter(consent_on_record(), group=OuterRef("pk"))
    return CareGroup.objects.filter(
        kind=CareGroup.Kind.PATIENT, status=CareGroup.Status.ACTIVE
    ).exclude(Exists(on_record))
