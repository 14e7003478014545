"""Invitations, approval, roles and removal of a group's members (第5条, 第8条, 留意事項)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from consents.models import consent_on_record
from facilities.models import StaffMember
from facilities.selectors import require_administrator
from groups.models import OPEN_MEMBERSHIP, CareGroup, Membership
from groups.selectors import MANAGE_GROUP, groups_managed_by, id_holders, members_from_outside
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.roles import is_center


def require_manager(user: User, group: CareGroup) -> None:
    if not groups_managed_by(user).filter(pk=group.pk).exists():
        raise PermissionDenied(_("Only the group's owner may do this."))


def locked_group(group: CareGroup) -> CareGroup:
    """The group's row, locked; an archived group is read-only (留意事項 (2))."""
    group = CareGroup.objects.select_for_update().get(pk=group.pk)
    if group.status == CareGroup.Status.ARCHIVED:
        raise ValidationError(_("This group is archived and accepts no change."))
    return group


def locked_membership(membership: Membership, *states: str) -> Membership:
    """The membership's row, locked after its group's (the one lock order, mcs_admin.locking)."""
    locked_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in states:
        raise ValidationError(
            _("This is not possible while the membership is “%(status)s”.")
            % {"status": membership.get_status_display()}
        )
    return membership


def has_consent(group: CareGroup) -> bool:
    """第6条: a patient group's consent (signed form 4 received, or the contract exemption)."""
    return group.consents.filter(consent_on_record()).exists()


def needs_consent(group: CareGroup, staff_member: StaffMember) -> bool:
    """The consent gate (第6条), stated once: without the patient's consent only the owner's own
    staff are members of a patient group."""
    outside = staff_member.facility_id != group.owner_id
    return group.kind == CareGroup.Kind.PATIENT and outside and not has_consent(group)


def outsiders_await_consent(*, group: CareGroup, reason: str, by: User) -> int:
    """After a change that makes approved members outsiders of a patient group without a
    consent (a move, a reopening), each waits again for approval until the consent is on
    record. The caller has locked the group."""
    if group.kind != CareGroup.Kind.PATIENT or has_consent(group):
        return 0
    approved = group.memberships.filter(status=Membership.Status.APPROVED).exclude(
        staff_member__facility=group.owner_id
    )
    waiting = 0
    for membership in approved.select_for_update().order_by("pk"):
        membership.status = Membership.Status.ACCEPTED
        membership.approved_at = None
        membership.approved_by = None
        membership.role = Membership.Role.MEMBER
        membership.full_clean()
        membership._change_reason = reason
        save_by(membership, by)
        sync_manager_permission(membership)
        waiting += 1
    return waiting


@transaction.atomic
def membership_invite(*, group: CareGroup, staff_member: StaffMember, by: User) -> Membership:
    """The owner invites an ID holder of any participating facility (第5条)."""
    require_manager(by, group)
    group = locked_group(group)
    if not id_holders().filter(pk=staff_member.pk).exists():  # a suspended facility's too
        raise ValidationError(
            {"staff_member": _("Only a staff member with an MCS ID in use can be invited.")}
        )
    membership = Membership(group=group, staff_member=staff_member, invited_by=by)
    membership.full_clean()
    save_by(membership, by)
    return membership


def _answer(membership: Membership, by: User, status: str) -> Membership:
    if membership.staff_member.user_id != by.pk:
        raise PermissionDenied(_("Only the invited person may answer an invitation."))
    membership = locked_membership(membership, Membership.Status.INVITED)
    membership.status = status
    membership.responded_at = timezone.now()
    if status == Membership.Status.DECLINED:
        membership.ended_at = membership.responded_at
    membership.full_clean()
    save_by(membership, by)
    return membership


@transaction.atomic
def membership_accept(*, membership: Membership, by: User) -> Membership:
    """The invited user judges that joining is appropriate (留意事項 (3)) and accepts."""
    return _answer(membership, by, Membership.Status.ACCEPTED)


@transaction.atomic
def membership_decline(*, membership: Membership, by: User) -> Membership:
    return _answer(membership, by, Membership.Status.DECLINED)


@transaction.atomic
def membership_approve(*, membership: Membership, by: User) -> Membership:
    """The administrator of the member's own facility approves (第8条)."""
    require_administrator(by, membership.staff_member.facility)
    membership = locked_membership(membership, Membership.Status.ACCEPTED)
    if needs_consent(membership.group, membership.staff_member):
        raise ValidationError(
            _("The patient's consent (form 4) or its exemption is not on record yet (第6条).")
        )
    membership.status = Membership.Status.APPROVED
    membership.approved_at = timezone.now()
    membership.approved_by = by
    membership.full_clean()
    save_by(membership, by)
    sync_manager_permission(membership)
    return membership


@transaction.atomic
def membership_cancel(*, membership: Membership, by: User) -> Membership:
    """The administrator of the member's own facility cancels an invitation (第8条)."""
    require_administrator(by, membership.staff_member.facility)
    membership = locked_membership(
        membership, Membership.Status.INVITED, Membership.Status.ACCEPTED
    )
    return end_membership(membership, by, Membership.Status.CANCELLED, "")


@transaction.atomic
def membership_remove(*, membership: Membership, by: User, reason: str = "") -> Membership:
    """The owner removes a member, or the member leaves (留意事項 (1)(3))."""
    if membership.staff_member.user_id != by.pk:
        require_manager(by, membership.group)
    membership = locked_membership(
        membership,
        Membership.Status.INVITED,
        Membership.Status.ACCEPTED,
        Membership.Status.APPROVED,
    )
    return end_membership(membership, by, Membership.Status.REMOVED, reason)


def end_membership(membership: Membership, by: User, status: str, reason: str) -> Membership:
    """End a membership whose row the caller has locked; its manager rights end with it."""
    membership.status = status
    membership.ended_at = timezone.now()
    membership.ended_by = by
    membership.end_reason = reason
    membership.full_clean()
    save_by(membership, by)
    sync_manager_permission(membership)
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    """The owner's administrators name the staff who run the group with them (DESIGN §4)."""
    require_administrator(by, membership.group.owner)
    membership = locked_membership(membership, Membership.Status.APPROVED)
    membership.role = role
    membership.full_clean()
    save_by(membership, by)
    sync_manager_permission(membership)
    return membership


def sync_manager_permission(membership: Membership) -> None:
    """The only place that grants or revokes `manage_caregroup`: an approved manager of an
    active group holds it, nobody else."""
    user = membership.staff_member.user
    if user is None:
        return
    group = membership.group
    holds = (
        membership.role == Membership.Role.MANAGER
        and membership.status == Membership.Status.APPROVED
        and group.status == CareGroup.Status.ACTIVE
    )
    if holds:
        assign_perm(MANAGE_GROUP, user, group)
    else:
        remove_perm(MANAGE_GROUP, user, group)


@transaction.atomic
def memberships_end_for(*, staff_member: StaffMember, reason: str, by: User) -> int:
    """Take a leaver, a banned user or someone no longer in charge out of every group
    (留意事項 (1)); invitations end with it. Archived groups keep their members as they were."""
    memberships = (
        Membership.objects.select_for_update()
        .filter(OPEN_MEMBERSHIP, staff_member=staff_member, group__status=CareGroup.Status.ACTIVE)
        .order_by("pk")
    )
    ended = 0
    for membership in memberships:
        end_membership(membership, by, Membership.Status.REMOVED, reason)
        ended += 1
    return ended


@transaction.atomic
def membership_remove_for_leak(*, membership: Membership, reason: str, by: User) -> Membership:
    """独自ルール 8: a physician or the support center removes someone who leaked information."""
    group = membership.group
    physician = group.attending_physician
    if not is_center(by) and not (physician and physician.user_id == by.pk):
        raise PermissionDenied(
            _("Only the attending physician or the support center may remove for a leak.")
        )
    if membership.staff_member.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself for a leak."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what was leaked and how.")})
    membership = locked_membership(
        membership,
        Membership.Status.INVITED,
        Membership.Status.ACCEPTED,
        Membership.Status.APPROVED,
    )
    return end_membership(
        membership, by, Membership.Status.REMOVED, _("Leak: %(reason)s") % {"reason": reason}
    )


@transaction.atomic
def memberships_from_outside_end(*, group: CareGroup, reason: str, by: User) -> int:
    """Without the patient's consent only the owner's own staff share a patient group (第6条):
    every open membership of another facility's staff ends, with the reason."""
    ended = 0
    for membership in members_from_outside(group).select_for_update().order_by("pk"):
        end_membership(membership, by, Membership.Status.REMOVED, reason)
        ended += 1
    return ended
