"""What each login may see of the facilities app: one selector per model (DESIGN §4)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from facilities.models import (
    ApplicationInvitation,
    Consultation,
    Facility,
    IdRequest,
    Leave,
    McsAccount,
    RosterReview,
    StaffMember,
    UsageApplication,
)
from mcs_admin.models import User
from mcs_admin.roles import granted_ids, is_center

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
    return Facility.objects.filter(pk__in=administered_facility_ids(user))


def in_facilities_of(user: User, path: str = "facility") -> Q:
    """The rows whose facility (through `path`) the login administers, as `facilities_for`
    says, written as a list of ids rather than a subquery for the planner to plan on every
    query; every row for the center."""
    if is_center(user):
        return ~Q(**{f"{path}__in": []})  # never false: Django writes no condition for it
    return Q(**{f"{path}__in": administered_facility_ids(user) if user.is_authenticated else []})


def administered_facility_ids(user: User) -> list[int]:
    """The ids of the facilities a login (not the center's) administers, read once a request."""
    return granted_ids(user, ADMINISTER_FACILITY, Facility)


def staff_for(user: User) -> QuerySet[StaffMember]:
    """Staff of the facilities the login administers, and the login's own record."""
    if is_center(user):
        return StaffMember.objects.all()
    return StaffMember.objects.filter(in_facilities_of(user) | Q(user=user, user__isnull=False))


def id_requests_for(user: User) -> QuerySet[IdRequest]:
    return IdRequest.objects.filter(in_facilities_of(user))


# The invitations a browser's session submitted: their confirmation and forms stay open to it.
SUBMITTED_HERE = "submitted_invitations"


class LinkClosed(Exception):
    """An application link that opens nothing: why, and the status of the page that says so."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def invitation_by_link(token: str, session) -> ApplicationInvitation:
    """The invitation an application link opens: one not used nor expired, or one that this
    session has just submitted. Raises LinkClosed for any other (altered, used, expired)."""
    digest = ApplicationInvitation.digest(token)
    invitation = ApplicationInvitation.objects.filter(token_digest=digest).first()
    if invitation is None:
        raise LinkClosed(
            _(
                "This link is not valid. Check that the whole link was copied from the e-mail, "
                "or ask the support center."
            ),
            404,
        )
    reason = invitation.closed_reason()
    if reason and invitation.pk not in session.get(SUBMITTED_HERE, []):
        raise LinkClosed(reason, 410)
    return invitation


def applications_for(user: User) -> QuerySet[UsageApplication]:
    return UsageApplication.objects.filter(in_facilities_of(user))


def leaves_for(user: User) -> QuerySet[Leave]:
    return Leave.objects.filter(in_facilities_of(user, "staff_member__facility"))


def roster_reviews_for(user: User) -> QuerySet[RosterReview]:
    return RosterReview.objects.filter(in_facilities_of(user))


def consultations_for(user: User) -> QuerySet[Consultation]:
    """The consultations and complaints the facilities the login administers submitted."""
    return Consultation.objects.filter(in_facilities_of(user))


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


def with_last_training(
    staff: QuerySet[StaffMember], *, due_since: datetime.date
) -> QuerySet[StaffMember]:
    """Each person's last training (第9条) as `last_training`, and `training_overdue` when it
    was before `due_since` (`AssociationProfile.training_due_since`), in the same query."""
    return staff.annotate(
        last_training=Max("training_sessions__held_on"),
        training_overdue=ExpressionWrapper(
            Q(last_training__lt=due_since), output_field=BooleanField()
        ),
    )


def with_password_overdue(
    accounts: QuerySet[McsAccount], *, overdue_before: datetime.date
) -> QuerySet[McsAccount]:
    """Each ID's `password_overdue`: its MCS password was last changed before the day
    (`AssociationProfile.password_overdue_before`, 第11条(3))."""
    return accounts.annotate(
        password_overdue=ExpressionWrapper(
            Q(password_changed_on__lt=overdue_before), output_field=BooleanField()
        )
    )


# What is open or overdue across the association (the compliance dashboard counts it per
# facility, send_reminders mails it, the facility's dashboard lists its own): rows of every
# facility, narrowed by the caller.


def id_holders() -> QuerySet[StaffMember]:
    """People at a participating facility with an MCS ID in use: those the duties of 第9条 and
    第11条 are about, and the directory owners pick members and physicians from."""
    issued = McsAccount.objects.filter(staff_member=OuterRef("pk"), status=McsAccount.Status.ISSUED)
    return StaffMember.objects.filter(
        Exists(issued), left_on__isnull=True, facility__status=Facility.Status.ACTIVE
    ).select_related("facility")


def pending_id_requests() -> QuerySet[IdRequest]:
    """Requests awaiting the support center (独自ルール 3)."""
    return IdRequest.objects.filter(status=IdRequest.Status.PENDING)


def open_roster_reviews(due_by: datetime.date) -> QuerySet[RosterReview]:
    """Open ID棚卸 rounds due on or before `due_by` (独自ルール 2)."""
    return RosterReview.objects.filter(status=RosterReview.Status.OPEN, due_on__lte=due_by)


def stale_passwords(changed_before: datetime.date) -> QuerySet[McsAccount]:
    """IDs in use whose MCS password was last changed before the date, or never recorded
    (第11条(3))."""
    return McsAccount.objects.filter(
        Q(password_changed_on__lt=changed_before) | Q(password_changed_on__isnull=True),
        status=McsAccount.Status.ISSUED,
        staff_member__in=id_holders(),
    )


def overdue_consultations(today: datetime.date) -> QuerySet[Consultation]:
    """Consultations not answered by their due date (独自ルール 4); `Consultation.overdue`
    says it of one."""
    return Consultation.objects.filter(status=Consultation.Status.RECEIVED, due_on__lt=today)


def open_leaves() -> QuerySet[Leave]:
    """Leavers' checklists not yet complete (留意事項 (1)(3))."""
    return Leave.objects.filter(completed_on__isnull=True)


def login_stopped(user: User) -> bool:
    """A facility's login is stopped once its person has left, its facility is suspended or
    withdrawn, or its MCS ID is restricted or banned (mcs_admin.roles.may_log_in). A login
    with no staff member (the center) is not stopped."""
    stopped = (
        Q(left_on__isnull=False)
        | Q(facility__status__in=[Facility.Status.SUSPENDED, Facility.Status.WITHDRAWN])
        | Q(mcs_accounts__status__in=[McsAccount.Status.RESTRICTED, McsAccount.Status.BANNED])
    )
    return StaffMember.objects.filter(stopped, user=user).exists()
