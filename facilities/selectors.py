"""What each login may see of the facilities app: one selector per model (DESIGN §4)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from facilities.models import (
    Facility,
    IdRequest,
    Leave,
    McsAccount,
    RosterReview,
    StaffMember,
    UsageApplication,
)
from mcs_admin.models import User
from mcs_admin.roles import is_center

ADMINISTER_FACILITY = "facilities.administer_facility"

# What a person (a staff member, an applicant on a roster) is searched by, on every list
STAFF_SEARCH = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
]


def own_staff_member(user: User) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    return StaffMember.objects.filter(user=user, left_on__isnull=True).first()


def facilities_for(user: User) -> QuerySet[Facility]:
    """The facilities whose self-service pages the login may open: all for the center, else
    those it administers (guardian's per-facility permission, granted by the appointments)."""
    if is_center(user):
        return Facility.objects.all()
    if not user.is_authenticated:
        return Facility.objects.none()
    return get_objects_for_user(
        user,
        ADMINISTER_FACILITY,
        klass=Facility,
        accept_global_perms=False,
        with_superuser=False,
        # granted to logins only (facilities.services.staff): without the OR of the groups'
        # grants, the planner expects a few facilities, not three quarters of the prefecture
        use_groups=False,
    )


def staff_for(user: User) -> QuerySet[StaffMember]:
    """Staff of the facilities the login administers, and the login's own record."""
    if is_center(user):
        return StaffMember.objects.all()
    return StaffMember.objects.filter(
        Q(facility__in=facilities_for(user)) | Q(user=user, user__isnull=False)
    )


def id_requests_for(user: User) -> QuerySet[IdRequest]:
    return IdRequest.objects.filter(facility__in=facilities_for(user))


def applications_for(user: User) -> QuerySet[UsageApplication]:
    return UsageApplication.objects.filter(facility__in=facilities_for(user))


def leaves_for(user: User) -> QuerySet[Leave]:
    return Leave.objects.filter(staff_member__facility__in=facilities_for(user))


def roster_reviews_for(user: User) -> QuerySet[RosterReview]:
    return RosterReview.objects.filter(facility__in=facilities_for(user))


def open_account(staff_member: StaffMember) -> McsAccount | None:
    """The staff member's MCS ID that is not deleted (there is at most one)."""
    return staff_member.mcs_accounts.exclude(status=McsAccount.Status.DELETED).first()


def require_administrator(user: User, facility: Facility) -> None:
    """Writes about a facility are its MCS administrators' (pages) and the center's (admin)."""
    if not is_center(user) and not facilities_for(user).filter(pk=facility.pk).exists():
        raise PermissionDenied(_("Only an MCS administrator of the facility may do this."))


def require_center(user: User) -> None:
    if not is_center(user):
        raise PermissionDenied(_("Only the support center may do this."))


def with_last_training(staff: QuerySet[StaffMember]) -> QuerySet[StaffMember]:
    """Each person's last training (第9条) as `last_training`, in the same query."""
    return staff.annotate(last_training=Max("training_sessions__held_on"))
