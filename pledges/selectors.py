import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from facilities.models import StaffMember
from facilities.selectors import facilities_for, id_holders
from mcs_admin.models import PaperStatus, User
from pledges.models import FacilityPledge, StaffPledge, TrainingSession

# 第9条: a staff pledge is on record once the signed form 3 is back, or as an exemption
ON_RECORD = Q(status=PaperStatus.RECEIVED) | Q(basis=StaffPledge.Basis.EXEMPTION)


def pledge_on_record(staff_member: str = "staff_member") -> Exists:
    """For a query whose rows point at a staff member: whose pledge is on record (第9条)."""
    return Exists(StaffPledge.objects.filter(ON_RECORD, staff_member=OuterRef(staff_member)))


def facility_pledges_for(user: User) -> QuerySet[FacilityPledge]:
    return FacilityPledge.objects.filter(facility__in=facilities_for(user))


def staff_pledges_for(user: User) -> QuerySet[StaffPledge]:
    return StaffPledge.objects.filter(staff_member__facility__in=facilities_for(user))


def training_sessions_for(user: User) -> QuerySet[TrainingSession]:
    """The facility's own sessions and the association's sessions for every facility."""
    return TrainingSession.objects.filter(
        Q(facility__in=facilities_for(user)) | Q(facility__isnull=True)
    )


def staff_pledges_for_person(person) -> QuerySet[StaffPledge]:
    """A person's own pledges, newest first (an ID holder prints their own 様式3)."""
    return StaffPledge.objects.filter(staff_member=person).order_by("-prepared_on", "-pk")


def untrained_holders(trained_since: datetime.date) -> QuerySet[StaffMember]:
    """ID holders who attended no training session since the date (第9条)."""
    recent = TrainingSession.objects.filter(attendees=OuterRef("pk"), held_on__gte=trained_since)
    return id_holders().exclude(Exists(recent))


def holders_without_pledge() -> QuerySet[StaffMember]:
    """ID holders with neither a staff pledge (様式3) nor its exemption (第9条)."""
    return id_holders().exclude(pledge_on_record("pk"))
