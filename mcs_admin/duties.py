"""What is open or overdue across the association: one queryset per kind of duty.

The center's compliance dashboard counts them per facility, and `send_reminders` mails them
to whoever must act; both read the same definitions here, so a rule changes in one place.
Each returns rows of every facility: the dashboard narrows them to the facilities the login
may see (`facilities_for`), the reminders go to each facility's own people.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from consents.models import PatientConsent
from devices.models import CarryOutNotice, Device, Incident
from facilities.models import Facility, IdRequest, Leave, McsAccount, RosterReview, StaffMember
from groups.models import CareGroup, Membership, MembershipReview, OwnershipTransfer
from mcs_admin.models import AssociationProfile
from pledges.models import StaffPledge, TrainingSession
from pledges.selectors import ON_RECORD

# how far ahead a review's or a password's due date counts as "due" in reminders and lists
REVIEW_NOTICE_DAYS = 14
PASSWORD_NOTICE_DAYS = 7


def id_holders() -> QuerySet[StaffMember]:
    """People at a participating facility with an MCS ID in use: those the duties of 第9条
    and 第11条 are about."""
    return StaffMember.objects.filter(
        Exists(
            McsAccount.objects.filter(staff_member=OuterRef("pk"), status=McsAccount.Status.ISSUED)
        ),
        left_on__isnull=True,
        facility__status=Facility.Status.ACTIVE,
    )


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


def pending_id_requests() -> QuerySet[IdRequest]:
    """Requests awaiting the support center (独自ルール 3)."""
    return IdRequest.objects.filter(status=IdRequest.Status.PENDING)


def open_reviews(due_by: datetime.date) -> QuerySet[MembershipReview]:
    """Open reviews of active groups due on or before `due_by` (留意事項 (1))."""
    return MembershipReview.objects.filter(
        status=MembershipReview.Status.OPEN,
        group__status=CareGroup.Status.ACTIVE,
        due_on__lte=due_by,
    )


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


def password_overdue_before(today: datetime.date, profile: AssociationProfile) -> datetime.date:
    """A password changed before this day is older than the maximum age."""
    return today - datetime.timedelta(days=profile.mcs_password_max_age_days)


def untrained_holders(trained_since: datetime.date) -> QuerySet[StaffMember]:
    """ID holders who attended no training session since the date (第9条)."""
    recent = TrainingSession.objects.filter(attendees=OuterRef("pk"), held_on__gte=trained_since)
    return id_holders().exclude(Exists(recent))


def training_due_since(today: datetime.date, profile: AssociationProfile) -> datetime.date:
    return today - relativedelta(months=profile.training_interval_months)


def holders_without_pledge() -> QuerySet[StaffMember]:
    """ID holders with neither a staff pledge (様式3) nor its exemption (第9条)."""
    return id_holders().exclude(
        Exists(StaffPledge.objects.filter(ON_RECORD, staff_member=OuterRef("pk")))
    )


def insecure_devices() -> QuerySet[Device]:
    """Devices in use lacking one of the measures (1)–(4) of 第12条."""
    return Device.objects.filter(status=Device.Status.IN_USE).exclude(
        boot_password=True, no_file_sharing=True, antivirus=True, browser_saves_no_password=True
    )


def groups_without_consent() -> QuerySet[CareGroup]:
    """Active patient groups with neither the patient's consent nor its exemption (第6条)."""
    received = PatientConsent.objects.filter(
        group=OuterRef("pk"), status=PatientConsent.Status.RECEIVED
    )
    return CareGroup.objects.filter(
        kind=CareGroup.Kind.PATIENT, status=CareGroup.Status.ACTIVE
    ).exclude(Exists(received))


def open_leaves() -> QuerySet[Leave]:
    """Leavers' checklists not yet complete (留意事項 (1)(3))."""
    return Leave.objects.filter(completed_on__isnull=True)


def unacknowledged_carry_outs() -> QuerySet[CarryOutNotice]:
    """Carry-out notices the MCS administrator has not acknowledged yet (第12条(9))."""
    return CarryOutNotice.objects.filter(status=CarryOutNotice.Status.FILED)


def incidents_awaiting_reports() -> QuerySet[Incident]:
    """Incidents involving personal data whose preliminary or final report is not recorded
    (留意事項 (3), 個人情報保護法 第26条)."""
    return Incident.objects.filter(involves_personal_data=True).filter(
        Q(preliminary_report_on__isnull=True) | Q(final_report_on__isnull=True)
    )
