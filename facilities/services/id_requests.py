"""独自ルール 3: a facility asks the support center about an MCS ID; the center handles it."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import (
    IdRequest,
    McsAccount,
    StaffMember,
)
from facilities.notifications import id_request_notify
from facilities.selectors import open_account, require_administrator, require_center
from facilities.services.accounts import account_issue, account_update
from mcs_admin.history import save_by
from mcs_admin.models import User


@transaction.atomic
def id_request_create(
    *, staff_member: StaffMember, kind: str, by: User, details: str = ""
) -> IdRequest:
    """A facility asks the support center to issue, delete or change an MCS ID (独自ルール 3)."""
    require_administrator(by, staff_member.facility)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    account = open_account(staff_member)
    if staff_member.id_requests.filter(kind=kind, status=IdRequest.Status.PENDING).exists():
        raise ValidationError(_("The same request is already pending at the support center."))
    if kind == IdRequest.Kind.ISSUE:
        if staff_member.left_on:
            raise ValidationError(_("No ID is issued to a staff member who has left."))
        if account is not None:
            raise ValidationError(_("This staff member already has an MCS ID."))
    elif account is None or account.status == McsAccount.Status.REQUESTED:
        raise ValidationError(_("This staff member has no issued MCS ID."))
    if kind == IdRequest.Kind.CHANGE and not details.strip():
        raise ValidationError({"details": _("Say what is to change.")})
    request = IdRequest(
        facility=staff_member.facility,
        staff_member=staff_member,
        account=account,
        kind=kind,
        details=details,
        requested_by=by,
    )
    request.full_clean()
    save_by(request, by)
    if kind == IdRequest.Kind.DELETE:
        _set_account_status(account, McsAccount.Status.DELETION_PENDING, by)
    return request


def _pending(request: IdRequest, kind: str) -> IdRequest:
    request = IdRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != kind:
        raise ValidationError(_("This step does not belong to this kind of request."))
    if request.status != IdRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    return request


def _close(request: IdRequest, by: User, status: str) -> IdRequest:
    request.status = status
    request.handled_at = timezone.now()
    request.handled_by = by
    request.full_clean()
    save_by(request, by)
    return request


@transaction.atomic
def id_request_issue(*, request: IdRequest, login_id: str, by: User) -> McsAccount:
    """The center issues the MCS ID it registered in MCS, with its login id."""
    require_center(by)
    request = _pending(request, IdRequest.Kind.ISSUE)
    account = account_issue(
        staff_member=request.staff_member,
        login_id=login_id,
        by=by,
        requested_on=timezone.localdate(request.requested_at),
    )
    request.account = account
    _close(request, by, IdRequest.Status.DONE)
    transaction.on_commit(partial(id_request_notify, request))
    return account


@transaction.atomic
def id_request_change(*, request: IdRequest, by: User, login_id: str = "") -> IdRequest:
    """The center made the change in MCS; a new login id is recorded when there is one."""
    require_center(by)
    request = _pending(request, IdRequest.Kind.CHANGE)
    if login_id.strip():
        account_update(account=request.account, login_id=login_id, by=by)
    return _close(request, by, IdRequest.Status.DONE)


@transaction.atomic
def id_request_reject(*, request: IdRequest, reason: str, by: User) -> IdRequest:
    require_center(by)
    request = IdRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != IdRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    if not reason.strip():
        raise ValidationError({"rejection_reason": _("Say why the request is rejected.")})
    request.rejection_reason = reason
    if request.kind == IdRequest.Kind.DELETE and request.account_id:
        # back to the status the ID had before the deletion was asked for (from its history)
        before = (
            request.account.history.exclude(status=McsAccount.Status.DELETION_PENDING)
            .values_list("status", flat=True)
            .first()
        )
        _set_account_status(request.account, before or McsAccount.Status.ISSUED, by)
    _close(request, by, IdRequest.Status.REJECTED)
    transaction.on_commit(partial(id_request_notify, request))
    return request


DELETION_STEPS = ["released", "holder_deleted"]


@transaction.atomic
def id_request_confirm_step(*, request: IdRequest, step: str, by: User) -> IdRequest:
    """Record who confirmed a step of a deletion and when: the facility removed the person from
    its staff in MCS (スタッフ解除), or the holder deleted their own account."""
    if step not in DELETION_STEPS:
        raise ValidationError(_("Unknown step."))
    require_administrator(by, request.facility)
    request = _pending(request, IdRequest.Kind.DELETE)
    if getattr(request, f"{step}_at"):
        raise ValidationError(_("This step has already been confirmed."))
    setattr(request, f"{step}_at", timezone.now())
    setattr(request, f"{step}_by", by)
    request.full_clean()
    save_by(request, by)
    return request


@transaction.atomic
def id_request_confirm_deleted(*, request: IdRequest, by: User) -> McsAccount:
    """The center confirms the ID is gone from MCS: the account is deleted, the request closed."""
    require_center(by)
    request = _pending(request, IdRequest.Kind.DELETE)
    if not (request.released_at or request.holder_deleted_at):
        raise ValidationError(
            _("Confirm first that the holder deleted the account or the facility removed them.")
        )
    account = _set_account_status(request.account, McsAccount.Status.DELETED, by)
    _close(request, by, IdRequest.Status.DONE)
    transaction.on_commit(partial(id_request_notify, request))
    return account


def _set_account_status(account: McsAccount, status: str, by: User) -> McsAccount:
    account = McsAccount.objects.select_for_update().get(pk=account.pk)
    account.status = status
    if status == McsAccount.Status.DELETED:
        account.deleted_on = timezone.localdate()
    account.full_clean()
    save_by(account, by)
    return account
