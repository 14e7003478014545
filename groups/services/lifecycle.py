"""A group's life: registered by its owner (第5条), archived when the patient no longer uses MCS
and reopened if they come back (留意事項 (2))."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Facility, StaffMember
from facilities.selectors import require_administrator, require_center
from groups.models import CareGroup, Membership, OwnershipTransfer, Patient
from groups.selectors import groups_managed_by
from groups.services.memberships import (
    locked_group,
    outsiders_await_consent,
    require_manager,
    sync_manager_permission,
)
from groups.services.reviews import review_schedule
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.roles import is_center


@transaction.atomic
def group_create(
    *,
    owner: Facility,
    kind: str,
    by: User,
    name: str = "",
    patient: dict | Patient | None = None,
    attending_physician: StaffMember | None = None,
) -> CareGroup:
    """A facility registers a patient group (with its patient: a new one from a dict of its
    data, or one already registered whose earlier group is archived) or a free group (第5条);
    its first membership review is scheduled with it."""
    require_administrator(by, owner)
    patient_row = patient if isinstance(patient, Patient) else None
    if kind == CareGroup.Kind.PATIENT and patient is None:
        raise ValidationError({"patient": _("A patient group needs its patient.")})
    if kind == CareGroup.Kind.PATIENT and patient_row is None:
        patient_row = Patient(**(patient or {}))
        patient_row.full_clean()
        save_by(patient_row, by)
    group = CareGroup(
        owner=owner,
        kind=kind,
        name=name if kind == CareGroup.Kind.FREE else "",
        patient=patient_row,
        attending_physician=attending_physician,
    )
    group.full_clean()
    save_by(group, by)
    review_schedule(group=group, start=group.created_on, by=by)
    return group


# What a group's own data is, to correct after it was registered: the owner changes by a move,
# the kind and the patient never.
GROUP_FIELDS = ["name", "attending_physician"]


@transaction.atomic
def group_update(*, group: CareGroup, by: User, **changes) -> CareGroup:
    """Correct a group's name or its attending physician (GROUP_FIELDS)."""
    require_manager(by, group)
    group = locked_group(group)
    unknown = set(changes) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not a group's own data: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(group, name, value)
    group.full_clean()
    save_by(group, by)
    return group


@transaction.atomic
def patient_register(*, by: User, **fields) -> Patient:
    """The center registers a patient in the admin, to make their group there (the owner's
    pages register the patient with the group, `group_create`)."""
    require_center(by)
    patient = Patient(**fields)
    patient.full_clean()
    save_by(patient, by)
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, by: User, **changes) -> Patient:
    """Correct a patient's name, reading or address, by those who run one of their groups."""
    if not is_center(by) and not groups_managed_by(by).filter(patient=patient).exists():
        raise PermissionDenied(_("Only the group's owner may do this."))
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    for name, value in changes.items():
        setattr(patient, name, value)
    patient.full_clean()
    save_by(patient, by)
    return patient


def _require_reason(reason: str, message: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": message})


@transaction.atomic
def group_archive(*, group: CareGroup, by: User, reason: str) -> CareGroup:
    """Into the archive (保管): read-only, out of the active lists; its managers' rights end."""
    require_manager(by, group)
    group = locked_group(group)
    _require_reason(reason, _("Say why the group is archived."))
    if group.transfers.filter(status=OwnershipTransfer.Status.REQUESTED).exists():
        raise ValidationError(_("Cancel the pending move to another facility first."))
    group.status = CareGroup.Status.ARCHIVED
    group.archived_on = timezone.localdate()
    group.archive_reason = reason
    group.full_clean()
    group._change_reason = _("Archived: %(reason)s") % {"reason": reason}
    save_by(group, by)
    for membership in group.memberships.filter(role=Membership.Role.MANAGER):
        sync_manager_permission(membership)
    return group


@transaction.atomic
def group_reopen(*, group: CareGroup, by: User, reason: str) -> CareGroup:
    """Back from the archive, the reason kept in the group's history. The members are as they
    were when it was archived, but without the patient's consent those of other facilities wait
    for approval again (第6条); an open review stays due when it was, or the next is scheduled."""
    require_manager(by, group)
    group = CareGroup.objects.select_for_update().get(pk=group.pk)
    if group.status != CareGroup.Status.ARCHIVED:
        raise ValidationError(_("Only an archived group can be reopened."))
    _require_reason(reason, _("Say why the group is reopened."))
    group.status = CareGroup.Status.ACTIVE
    group.archived_on = None
    group.archive_reason = ""
    group.full_clean()  # a patient has one active group: another may have been made since
    group._change_reason = _("Reopened: %(reason)s") % {"reason": reason}
    save_by(group, by)
    for membership in group.memberships.filter(role=Membership.Role.MANAGER):
        sync_manager_permission(membership)
    outsiders_await_consent(
        group=group,
        reason=_("Reopened with no consent on record: awaiting approval again (第6条)."),
        by=by,
    )
    review_schedule(group=group, start=timezone.localdate(), by=by)
    return group
