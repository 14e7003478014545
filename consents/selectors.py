from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from consents.models import (
    ConsentDesignation,
    ConsentSignature,
    PatientConsent,
    consent_on_record,
)
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


def _obtainers(group, physician) -> QuerySet[StaffMember]:
    """独自ルール 1, stated once: who may obtain the patient's consent for a group — the
    attending physician, or a person the physician designated for the group (of any facility),
    who has not left. `group` and `physician` are values or references to an outer query."""
    designated = ConsentDesignation.objects.filter(group=group, ended_on__isnull=True)
    return StaffMember.objects.filter(
        Q(pk=physician) | Q(consent_designations__in=designated), left_on__isnull=True
    )


def consent_obtainers(group: CareGroup) -> QuerySet[StaffMember]:
    """Who may obtain the patient's consent for `group` (独自ルール 1)."""
    return _obtainers(group, group.attending_physician_id).distinct()


def consent_groups_for(user: User) -> QuerySet[CareGroup]:
    """The patient groups whose consent `user` may obtain: where their own staff record is
    among the group's `consent_obtainers` (signing on the screen opens for them)."""
    # the designations are a query inside the staff's: the group is two queries out
    obtainer = _obtainers(OuterRef(OuterRef("pk")), OuterRef("attending_physician")).filter(
        user=user
    )
    return CareGroup.objects.filter(kind=CareGroup.Kind.PATIENT).filter(Exists(obtainer))


def consent_signatures_for(user: User) -> QuerySet[ConsentSignature]:
    """Consents signed on the screen, seen by whoever obtained them on the day they signed
    (the patient's copy is handed over on the spot) and by those who see the consent."""
    today = timezone.localdate()
    return ConsentSignature.objects.filter(
        Q(obtained_by=user, obtained_at__date=today) | Q(consent__in=consents_for(user))
    )


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
