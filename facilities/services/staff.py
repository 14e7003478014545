"""Staff, their logins, MCS administrators and the permissions their appointments carry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from facilities.models import (
    AdministratorAppointment,
    Facility,
    FacilityUserObjectPermission,
    McsAccount,
    StaffMember,
)
from facilities.selectors import (
    ADMINISTER_FACILITY,
    open_account,
    own_staff_member,
    require_administrator,
)
from groups.services import memberships_end_for
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.sessions import end_sessions_for
from mcs_admin.updates import model_update


def sync_administrator_permissions(user: User) -> None:
    """Give the login exactly the facility permissions its open appointments carry.

    The only place that grants or revokes `administer_facility`; every service that starts or ends
    an appointment, or links a login to a staff member, calls it.
    """
    should = set(
        AdministratorAppointment.objects.filter(
            staff_member__user=user, staff_member__left_on__isnull=True, ended_on__isnull=True
        ).values_list("facility_id", flat=True)
    )
    has = set(
        FacilityUserObjectPermission.objects.filter(
            user=user, permission__codename="administer_facility"
        ).values_list("content_object_id", flat=True)
    )
    for facility in Facility.objects.filter(pk__in=should - has):
        assign_perm(ADMINISTER_FACILITY, user, facility)
    for facility in Facility.objects.filter(pk__in=has - should):
        remove_perm(ADMINISTER_FACILITY, user, facility)


@transaction.atomic
def appointment_start(
    *,
    facility: Facility,
    staff_member: StaffMember,
    started_on: datetime.date | None = None,
    by: User,
) -> AdministratorAppointment:
    """第7条: the center or an administrator of the facility appoints an MCS administrator."""
    require_administrator(by, facility)
    appointment = AdministratorAppointment(
        facility=facility,
        staff_member=staff_member,
        started_on=started_on or timezone.localdate(),
    )
    appointment.full_clean()
    save_by(appointment, by)
    if staff_member.user_id:
        sync_administrator_permissions(staff_member.user)
    return appointment


@transaction.atomic
def appointment_end(
    *,
    appointment: AdministratorAppointment,
    ended_on: datetime.date | None = None,
    by: User,
) -> AdministratorAppointment:
    require_administrator(by, appointment.facility)
    appointment = AdministratorAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.ended_on is not None:
        raise ValidationError(_("This appointment has already ended."))
    appointment.ended_on = ended_on or timezone.localdate()
    appointment.full_clean()
    save_by(appointment, by)
    if appointment.staff_member.user_id:
        sync_administrator_permissions(appointment.staff_member.user)
    return appointment


@transaction.atomic
def staff_link_login(
    *, staff_member: StaffMember, user: User | None, by: User | None = None
) -> StaffMember:
    """Tie a login of this system to a staff member (or untie it), with its permissions."""
    previous = staff_member.user
    staff_member.user = user
    staff_member.full_clean()
    save_by(staff_member, by)
    for login in {previous, user} - {None}:
        sync_administrator_permissions(login)
    return staff_member


STAFF_FIELDS = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "profession",
    "gender",
    "email",
    "address",
    "joined_on",
]


@transaction.atomic
def staff_create(*, facility: Facility, by: User, **fields) -> StaffMember:
    require_administrator(by, facility)
    staff_member = StaffMember(facility=facility, **fields)
    staff_member.full_clean()
    save_by(staff_member, by)
    return staff_member


@transaction.atomic
def staff_update(*, staff_member: StaffMember, by: User, **fields) -> StaffMember:
    require_administrator(by, staff_member.facility)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if staff_member.left_on:
        raise ValidationError(_("A staff member who has left cannot be changed."))
    model_update(instance=staff_member, fields=STAFF_FIELDS, data=fields)
    staff_member.full_clean()
    save_by(staff_member, by)
    return staff_member


@transaction.atomic
def account_record_password_change(
    *, by: User, changed_on: datetime.date | None = None
) -> McsAccount:
    """An ID holder records the day they changed their MCS password (第11条(3))."""
    person = own_staff_member(by)
    account = open_account(person) if person else None
    if account is None or account.status == McsAccount.Status.REQUESTED:
        raise ValidationError(_("You have no MCS ID in use."))
    account = McsAccount.objects.select_for_update().get(pk=account.pk)
    changed_on = changed_on or timezone.localdate()
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date is in the future.")})
    account.password_changed_on = changed_on
    account.full_clean()
    save_by(account, by)
    return account


@transaction.atomic
def account_restrict(*, account: McsAccount, status: str, reason: str, by: User) -> McsAccount:
    """留意事項 (2): the MCS administrator restricts or bans a user of its facility for misuse;
    a ban takes the user out of every group at once."""
    require_administrator(by, account.staff_member.facility)
    if status not in (McsAccount.Status.RESTRICTED, McsAccount.Status.BANNED):
        raise ValidationError(_("Choose a restriction or a ban."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    account = McsAccount.objects.select_for_update().get(pk=account.pk)
    if account.status not in (McsAccount.Status.ISSUED, McsAccount.Status.RESTRICTED):
        raise ValidationError(_("Only an ID in use can be restricted or banned."))
    account.status = status
    account.status_reason = reason
    account.full_clean()
    save_by(account, by)
    if status == McsAccount.Status.BANNED:
        memberships_end_for(staff_member=account.staff_member, reason=reason, by=by)
    end_sessions_for(account.staff_member.user)
    return account


@transaction.atomic
def account_reinstate(*, account: McsAccount, by: User) -> McsAccount:
    require_administrator(by, account.staff_member.facility)
    account = McsAccount.objects.select_for_update().get(pk=account.pk)
    if account.status not in (McsAccount.Status.RESTRICTED, McsAccount.Status.BANNED):
        raise ValidationError(_("This ID is not restricted."))
    account.status = McsAccount.Status.ISSUED
    account.status_reason = ""
    account.full_clean()
    save_by(account, by)
    return account
