"""MCS 管理施設の変更: a patient group handed to another owning facility when the patient changes
provider. The owner's administrators ask; the receiving facility's administrators approve or
refuse. On approval the group's owner changes, and with it everything derived from the owner:
its administrators' rights, the review duty, the group in the new owner's lists."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Facility
from facilities.selectors import require_administrator
from groups.models import CareGroup, Membership, OwnershipTransfer
from groups.services.memberships import (
    locked_group,
    outsiders_await_consent,
    sync_manager_permission,
)
from mcs_admin.history import save_by
from mcs_admin.models import User


@transaction.atomic
def transfer_request(
    *, group: CareGroup, to_facility: Facility, by: User, reason: str = ""
) -> OwnershipTransfer:
    require_administrator(by, group.owner)
    group = locked_group(group)
    if group.kind != CareGroup.Kind.PATIENT:
        raise ValidationError(_("Only a patient group moves to another facility."))
    if to_facility.status != Facility.Status.ACTIVE:
        raise ValidationError({"to_facility": _("Choose a facility that uses MCS now.")})
    transfer = OwnershipTransfer(
        group=group,
        from_facility=group.owner,
        to_facility=to_facility,
        requested_by=by,
        reason=reason,
    )
    transfer.full_clean()
    save_by(transfer, by)
    return transfer


def _locked_request(transfer: OwnershipTransfer) -> OwnershipTransfer:
    transfer = OwnershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != OwnershipTransfer.Status.REQUESTED:
        raise ValidationError(
            _("This request is already “%(status)s”.") % {"status": transfer.get_status_display()}
        )
    return transfer


def _decide(transfer: OwnershipTransfer, status: str, by: User) -> OwnershipTransfer:
    transfer.status = status
    transfer.decided_at = timezone.now()
    transfer.decided_by = by
    transfer.full_clean()
    save_by(transfer, by)
    return transfer


@transaction.atomic
def transfer_approve(*, transfer: OwnershipTransfer, by: User) -> OwnershipTransfer:
    """The receiving facility takes the group over. Staff the old owner named to run it keep
    their membership but not the role; the new owner's administrators name their own. Without
    the patient's consent, members who are now outsiders wait for approval again (第6条)."""
    require_administrator(by, transfer.to_facility)
    group = locked_group(transfer.group)  # the parent first (mcs_admin.locking)
    transfer = _locked_request(transfer)
    if group.owner_id != transfer.from_facility_id:
        raise ValidationError(_("The group's owner has changed since the request."))
    if transfer.to_facility.status != Facility.Status.ACTIVE:
        raise ValidationError(_("The receiving facility does not use MCS now."))
    group.owner = transfer.to_facility
    group.full_clean()
    group._change_reason = _(
        "Moved from %(from)s to %(to)s (request #%(number)s): the owner's rights and the "
        "membership review now lie with %(to)s."
    ) % {"from": transfer.from_facility, "to": transfer.to_facility, "number": transfer.pk}
    save_by(group, by)
    managers = group.memberships.filter(role=Membership.Role.MANAGER).exclude(
        staff_member__facility=group.owner
    )
    for membership in managers.select_for_update().order_by("pk"):
        membership.role = Membership.Role.MEMBER
        membership.full_clean()
        membership._change_reason = _("The group moved to %(to)s.") % {"to": group.owner}
        save_by(membership, by)
        sync_manager_permission(membership)
    outsiders_await_consent(
        group=group,
        reason=_(
            "The group moved to %(to)s and has no consent on record: awaiting approval again "
            "(第6条)."
        )
        % {"to": group.owner},
        by=by,
    )
    return _decide(transfer, OwnershipTransfer.Status.APPROVED, by)


@transaction.atomic
def transfer_refuse(*, transfer: OwnershipTransfer, by: User, reason: str) -> OwnershipTransfer:
    require_administrator(by, transfer.to_facility)
    transfer = _locked_request(transfer)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is refused.")})
    transfer.refusal_reason = reason
    return _decide(transfer, OwnershipTransfer.Status.REFUSED, by)


@transaction.atomic
def transfer_cancel(*, transfer: OwnershipTransfer, by: User) -> OwnershipTransfer:
    """The owner withdraws its request."""
    require_administrator(by, transfer.from_facility)
    transfer = _locked_request(transfer)
    return _decide(transfer, OwnershipTransfer.Status.CANCELLED, by)
