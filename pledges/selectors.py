from django.db.models import Exists, OuterRef, Q, QuerySet

from facilities.selectors import facilities_for
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
