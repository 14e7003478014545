"""What each login may see of the groups app (DESIGN §4)."""

import datetime

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from consents.models import consent_on_record
from facilities.models import StaffMember
from facilities.selectors import id_holders, in_facilities_of
from groups.models import (
    OPEN_MEMBERSHIP,
    AssemblyRequest,
    CareGroup,
    Membership,
    MembershipReview,
    OwnershipTransfer,
)
from mcs_admin.models import User
from mcs_admin.roles import granted_ids, is_center

MANAGE_GROUP = "care_groups.manage_caregroup"


def groups_managed_by(user: User) -> QuerySet[CareGroup]:
    """Groups the login runs for their owner: those of the facilities it administers, and
    those whose owner named it (guardian's per-group permission). The center reads them all."""
    if is_center(user):
        return CareGroup.objects.all()
    if not user.is_authenticated:
        return CareGroup.objects.none()
    # both as lists of ids: the OR of two lists reads both indexes, where an OR of guardian's
    # subqueries read all of a prefecture's groups for every list of a facility's pages
    return CareGroup.objects.filter(
        in_facilities_of(user, "owner") | Q(pk__in=named_group_ids(user))
    )


def named_group_ids(user: User) -> list[int]:
    """The ids of the groups whose owner named the login a manager, read once a request."""
    return granted_ids(user, MANAGE_GROUP, CareGroup)


def memberships_for(user: User) -> QuerySet[Membership]:
    """Memberships of the groups the login manages, of its facilities' staff (to approve), and
    its own (to answer)."""
    if is_center(user):
        return Membership.objects.all()
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        Q(group__in=groups_managed_by(user))
        | in_facilities_of(user, "staff_member__facility")
        | Q(staff_member__user=user)
    )


def with_group_named(memberships: QuerySet[Membership], user: User) -> QuerySet[Membership]:
    """`group_named`: whether the login may read the membership's group by its patient's name:
    it runs the group or takes part in it, approved. Anyone else, an invitee before the
    approval included, reads the group's number and kind (第6条), as `groups/_group_label.html`
    writes it."""
    managed = groups_managed_by(user).filter(pk=OuterRef("group_id"))
    member = Membership.objects.filter(
        group=OuterRef("group_id"), staff_member__user=user, status=Membership.Status.APPROVED
    )
    return memberships.annotate(group_named=Exists(managed) | Exists(member))


def invitable_staff(group: CareGroup) -> QuerySet[StaffMember]:
    """ID holders not already invited to or in the group."""
    return id_holders().exclude(memberships__in=group.memberships.filter(OPEN_MEMBERSHIP))


def members_from_outside(group: CareGroup) -> QuerySet[Membership]:
    """The open memberships of staff of other facilities than the group's owner: those that
    end when the patient's consent is withdrawn (第6条)."""
    return Membership.objects.filter(OPEN_MEMBERSHIP, group=group).exclude(
        staff_member__facility=group.owner_id
    )


def assembly_requests_for(user: User) -> QuerySet[AssemblyRequest]:
    """Requests to assemble the members of the groups the login runs (独自ルール 5)."""
    return AssemblyRequest.objects.filter(group__in=groups_managed_by(user))


def transfers_for(user: User) -> QuerySet[OwnershipTransfer]:
    """Moves of groups from or to the facilities the login administers."""
    if is_center(user):
        return OwnershipTransfer.objects.all()
    return OwnershipTransfer.objects.filter(
        in_facilities_of(user, "from_facility") | in_facilities_of(user, "to_facility")
    )


def with_consent_check(transfers: QuerySet[OwnershipTransfer]) -> QuerySet[OwnershipTransfer]:
    """What the receiving facility sees before approving a move (第6条): `consents_on_record`,
    and `members_to_wait`, the approved members not of the receiving facility, who wait for
    approval again after the move while no consent is on record
    (groups.services.outsiders_await_consent)."""
    return transfers.annotate(
        consents_on_record=Count(
            "group__consents", filter=consent_on_record("group__consents__"), distinct=True
        ),
        approved_outsiders=Count(
            "group__memberships",
            filter=Q(group__memberships__status=Membership.Status.APPROVED)
            & ~Q(group__memberships__staff_member__facility=F("to_facility")),
            distinct=True,
        ),
        members_to_wait=Case(
            When(consents_on_record=0, then=F("approved_outsiders")), default=Value(0)
        ),
    )


def groups_attended_by(user: User) -> QuerySet[CareGroup]:
    """Active groups whose attending physician is the login: theirs to remove someone who
    leaked information (独自ルール 8)."""
    if not user.is_authenticated:
        return CareGroup.objects.none()
    return CareGroup.objects.filter(status=CareGroup.Status.ACTIVE, attending_physician__user=user)


# What is open or overdue across the association (the compliance dashboard, send_reminders,
# the facility's dashboard): rows of every facility, narrowed by the caller.


def accepted_invitations() -> QuerySet[Membership]:
    """Invitations the invited person accepted, for their own facility to approve (第8条)."""
    return Membership.objects.filter(
        status=Membership.Status.ACCEPTED, group__status=CareGroup.Status.ACTIVE
    )


def open_invitations() -> QuerySet[Membership]:
    """Invitations awaiting the invited person's answer (留意事項 (3))."""
    return Membership.objects.filter(
        status=Membership.Status.INVITED, group__status=CareGroup.Status.ACTIVE
    )


def pending_transfers() -> QuerySet[OwnershipTransfer]:
    """Groups awaiting the receiving facility's decision (MCS 管理施設の変更)."""
    return OwnershipTransfer.objects.filter(status=OwnershipTransfer.Status.REQUESTED)


def open_reviews(due_by: datetime.date) -> QuerySet[MembershipReview]:
    """Open reviews of active groups due on or before `due_by` (留意事項 (1))."""
    return MembershipReview.objects.filter(
        status=MembershipReview.Status.OPEN,
        group__status=CareGroup.Status.ACTIVE,
        due_on__lte=due_by,
    )
