"""Leavers (留意事項 (1)(3)): a checklist that is complete only when each item is done or waived.

Marking someone as left, or as no longer in charge of MCS, opens the checklist and does at once
what the system can do itself: the MCS ID's deletion is requested from the support center and the
person is removed from every group. Returning lent devices and handing over the reminder of the
pledge's duty after leaving (様式3 第4条) are confirmed by the administrator, or waived with
a reason.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import Device
from facilities.models import IdRequest, Leave, LeaveItem, McsAccount, StaffMember
from facilities.selectors import open_account, require_administrator
from facilities.services.id_requests import id_request_create
from facilities.services.staff import appointment_end, sync_administrator_permissions
from groups.services import memberships_end_for
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.sessions import end_sessions_for


@transaction.atomic
def leave_open(
    *,
    staff_member: StaffMember,
    reason: str,
    by: User,
    left_on: datetime.date | None = None,
) -> Leave:
    require_administrator(by, staff_member.facility)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if staff_member.left_on:
        raise ValidationError(_("This staff member has already left."))
    today = timezone.localdate()
    if left_on is not None and left_on > today:
        raise ValidationError({"left_on": _("The date is in the future.")})
    leave = Leave(staff_member=staff_member, reason=reason, opened_on=today)
    leave.full_clean()
    save_by(leave, by)

    account = open_account(staff_member)
    deletion_asked = (
        account is None
        or account.status == McsAccount.Status.REQUESTED
        or (
            staff_member.id_requests.filter(
                kind=IdRequest.Kind.DELETE, status=IdRequest.Status.PENDING
            ).exists()
        )
    )
    if not deletion_asked:
        id_request_create(staff_member=staff_member, kind=IdRequest.Kind.DELETE, by=by)
    memberships_end_for(staff_member=staff_member, reason=leave.get_reason_display(), by=by)
    lent = Device.objects.filter(assigned_to=staff_member, status=Device.Status.IN_USE)
    done = {LeaveItem.Kind.ID_DELETION, LeaveItem.Kind.GROUPS}
    if not lent.exists():
        done.add(LeaveItem.Kind.DEVICES)
    for kind in LeaveItem.Kind:
        item = LeaveItem(leave=leave, kind=kind)
        if kind in done:
            item.status = LeaveItem.Status.DONE
            item.closed_at = timezone.now()
            item.closed_by = by
        item.full_clean()
        save_by(item, by)
    # last, as an administrator may record their own leaving: their rights end with it
    if reason == Leave.Reason.LEFT:
        staff_member.left_on = left_on or today
        staff_member.full_clean()
        save_by(staff_member, by)
        for appointment in staff_member.appointments.filter(ended_on__isnull=True):
            appointment_end(appointment=appointment, ended_on=staff_member.left_on, by=by)
        if staff_member.user_id:
            sync_administrator_permissions(staff_member.user)
    end_sessions_for(staff_member.user)
    return leave


def staff_mark_left(
    *, staff_member: StaffMember, by: User, left_on: datetime.date | None = None
) -> Leave:
    return leave_open(staff_member=staff_member, reason=Leave.Reason.LEFT, by=by, left_on=left_on)


@transaction.atomic
def leave_item_close(*, item: LeaveItem, by: User, waive_reason: str = "") -> LeaveItem:
    """Confirm an item done, or waive it with a reason; the last one completes the leave."""
    item = (
        LeaveItem.objects.select_for_update().select_related("leave__staff_member").get(pk=item.pk)
    )
    require_administrator(by, item.leave.staff_member.facility)
    if item.status != LeaveItem.Status.OPEN:
        raise ValidationError(_("This item is already closed."))
    if item.kind == LeaveItem.Kind.DEVICES and not waive_reason:
        lent = Device.objects.filter(assigned_to=item.leave.staff_member, status="in_use")
        if lent.exists():
            raise ValidationError(
                _("Record the lent devices as returned in the device register first: %(devices)s")
                % {"devices": "、".join(str(device) for device in lent)}
            )
    item.status = LeaveItem.Status.WAIVED if waive_reason else LeaveItem.Status.DONE
    item.note = waive_reason
    item.closed_at = timezone.now()
    item.closed_by = by
    item.full_clean()
    save_by(item, by)
    leave = item.leave
    if not leave.items.filter(status=LeaveItem.Status.OPEN).exists():
        leave.completed_on = timezone.localdate()
        leave.full_clean()
        save_by(leave, by)
    return item
