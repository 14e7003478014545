"""The registry as a spreadsheet lists it: MCS IDs and administrators recorded row by row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from facilities.models import AdministratorAppointment, McsAccount, StaffMember
from facilities.selectors import require_administrator
from facilities.services.accounts import login_id_check
from facilities.services.staff import (
    appointment_end,
    appointment_start,
    sync_administrator_permissions,
)
from mcs_admin.history import save_by
from mcs_admin.models import User

BATCH = 500  # rows per INSERT


def _account_as_listed(
    accounts: QuerySet,
    *,
    staff_member: StaffMember,
    login_id: str,
    status: str,
    requested_on: date | None,
    issued_on: date | None,
    deleted_on: date | None,
    password_changed_on: date | None,
    deletions: dict[str, date] | None = None,
) -> McsAccount:
    """The ID as the row lists it, refusing what only an ID's workflow does: a roster records
    IDs MCS has issued, it never asks for one, moves one's status or reuses an address freed by
    a deletion less than 30 days before the ID's own issue."""
    listed = list(accounts.order_by("pk"))  # a staff member has few IDs: one query for all
    open_ones = [a for a in listed if a.status != McsAccount.Status.DELETED]
    account = (open_ones or listed or [None])[-1]
    if account is None or (
        account.status == McsAccount.Status.DELETED and login_id and login_id != account.login_id
    ):
        account = McsAccount(staff_member=staff_member)
    stored_status, stored_login_id = account.status, account.login_id
    account.login_id = login_id
    default_status = McsAccount.Status.ISSUED if login_id else McsAccount.Status.REQUESTED
    account.status = status or default_status
    # an ID listed without the day it was asked for was asked for by its issue at the latest
    new_requested_on = issued_on if account.pk is None and issued_on else account.requested_on
    account.requested_on = requested_on or new_requested_on
    account.issued_on = issued_on
    account.deleted_on = deleted_on
    account.password_changed_on = password_changed_on
    if account.pk is None and account.status == McsAccount.Status.REQUESTED:
        raise ValidationError(
            {
                "status": _(
                    "An import records IDs already issued in MCS; a new ID is asked for with "
                    "an ID request."
                )
            }
        )
    if account.pk is not None and account.status != stored_status:
        raise ValidationError(
            {
                "status": _(
                    "An import does not change an ID's status: restrict, ban or lift it in the "
                    "admin, delete it through an ID request."
                )
            }
        )
    if login_id and (account.pk is None or login_id != stored_login_id):
        login_id_check(login_id, on=issued_on if account.pk is None else None, deletions=deletions)
    return account


def mcs_account_check(*, staff_member: StaffMember, **listed) -> McsAccount:
    """Raises what `mcs_account_record` would refuse, writing nothing; else the ID as it would
    be recorded, unsaved. The staff member may be one still to be saved; `deletions` (from
    `login_id_deletions`) may come with the listed values."""
    saved = staff_member.pk is not None
    accounts = staff_member.mcs_accounts.all() if saved else McsAccount.objects.none()
    account = _account_as_listed(accounts, staff_member=staff_member, **listed)
    account.full_clean(exclude=None if saved else ["staff_member"])
    return account


@transaction.atomic
def mcs_account_record(
    *,
    staff_member: StaffMember,
    login_id: str,
    status: str,
    requested_on: date | None,
    issued_on: date | None,
    deleted_on: date | None,
    password_changed_on: date | None,
    user: User | None,
) -> McsAccount:
    """Records a staff member's MCS ID as the support center's roster lists it (独自ルール 2).

    The ID recorded is the staff member's open one, else their latest; a login id other than
    that of a deleted ID is a new ID. A status left empty is `issued` with a login id,
    `requested` without.
    """
    account = _account_as_listed(
        McsAccount.objects.select_for_update().filter(staff_member=staff_member),
        staff_member=staff_member,
        login_id=login_id,
        status=status,
        requested_on=requested_on,
        issued_on=issued_on,
        deleted_on=deleted_on,
        password_changed_on=password_changed_on,
    )
    _save(account, user)
    return account


@transaction.atomic
def administrator_record(
    *,
    staff_member: StaffMember,
    appointed: bool,
    started_on: date | None,
    user: User,
) -> AdministratorAppointment | None:
    """Makes the staff member an MCS administrator of their facility (第7条), or no longer one,
    through the appointment services (who may appoint is theirs to say).

    An appointment that ends, ends today; `started_on` (today if empty) dates a new one and
    corrects the start of the open one.
    """
    appointment = (
        AdministratorAppointment.objects.select_for_update()
        .filter(
            facility_id=staff_member.facility_id,
            staff_member=staff_member,
            ended_on__isnull=True,
        )
        .first()
    )
    if not appointed:
        if appointment is not None:
            appointment_end(appointment=appointment, by=user)
        return None
    if appointment is None:
        return appointment_start(
            facility=staff_member.facility,
            staff_member=staff_member,
            started_on=started_on,
            by=user,
        )
    if started_on is None or started_on == appointment.started_on:
        return appointment
    require_administrator(user, staff_member.facility)
    appointment.started_on = started_on
    _save(appointment, user)
    return appointment


@transaction.atomic
def staff_record_new(
    *,
    people: list[StaffMember],
    accounts: list[McsAccount],
    administrators: list[tuple[StaffMember, date | None]],
    user: User | None,
) -> None:
    """Records new staff members of the roster at once, with their new MCS IDs and
    appointments (a roster of a prefecture lists thousands).

    Everything was validated already (`full_clean`, `mcs_account_check`): the people and IDs
    are inserted in batches with their history, which a save one by one would take a dozen
    queries each to write. Each ID's `staff_member` is one of `people`; `administrators`
    pairs those appointed with their start (today if None).
    """
    bulk_create_with_history(people, StaffMember, batch_size=BATCH, default_user=user)
    bulk_create_with_history(accounts, McsAccount, batch_size=BATCH, default_user=user)
    for person, started_on in administrators:
        administrator_record(staff_member=person, appointed=True, started_on=started_on, user=user)


def _save(obj, user: User | None) -> None:
    obj.full_clean()
    save_by(obj, user)
    if isinstance(obj, AdministratorAppointment) and obj.staff_member.user_id:
        sync_administrator_permissions(obj.staff_member.user)
