import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from facilities.models import Facility, StaffMember
from facilities.selectors import id_holders, in_facilities_of
from mcs_admin.models import PaperStatus, User
from pledges.models import FacilityPledge, PledgeRound, StaffPledge, TrainingSession

# 第9条: a staff pledge is on record once the signed form 3 is back, or as an exemption
ON_RECORD = Q(status=PaperStatus.RECEIVED) | Q(basis=StaffPledge.Basis.EXEMPTION)
# a form 3 to sign (`StaffPledge.awaiting_signature`)
AWAITING_SIGNATURE = Q(basis=StaffPledge.Basis.SIGNED, status=PaperStatus.PREPARED)
# 第3条: a facility pledge is on record once the signed form 2 is back
FACILITY_ON_RECORD = Q(status=PaperStatus.RECEIVED)


def round_in_force(today: datetime.date, *, staff: bool) -> PledgeRound | None:
    """The round whose renewal a pledge needs on `today` (附則): the last one past its due date
    that asked for form 3 (`staff`) or form 2 (every round). Until a round's due date an
    earlier pledge still counts."""
    rounds = PledgeRound.objects.filter(due_on__lt=today).select_related("policy_version")
    if staff:
        rounds = rounds.filter(staff_sign_again=True)
    return rounds.order_by("-due_on", "-pk").first()


def staff_pledge_counts(today: datetime.date | None = None) -> Q:
    """The one statement of 第9条's pledge on `today`: a staff pledge on record (`ON_RECORD`)
    and, once a round asking for form 3 is past its due date, renewed in it."""
    pledge_round = round_in_force(today or timezone.localdate(), staff=True)
    return ON_RECORD & pledge_round.renewed() if pledge_round else ON_RECORD


def facility_pledge_counts(today: datetime.date | None = None) -> Q:
    """The same of the facility's pledge (様式2): received and, once a round is past its due
    date, renewed in it."""
    pledge_round = round_in_force(today or timezone.localdate(), staff=False)
    return FACILITY_ON_RECORD & pledge_round.renewed() if pledge_round else FACILITY_ON_RECORD


def pledge_on_record(
    staff_member: str = "staff_member", today: datetime.date | None = None
) -> Exists:
    """For a query whose rows point at a staff member: whose pledge counts (第9条)."""
    counts = staff_pledge_counts(today)
    return Exists(StaffPledge.objects.filter(counts, staff_member=OuterRef(staff_member)))


def facility_pledges_for(user: User) -> QuerySet[FacilityPledge]:
    return FacilityPledge.objects.filter(in_facilities_of(user))


def staff_pledges_for(user: User) -> QuerySet[StaffPledge]:
    return StaffPledge.objects.filter(in_facilities_of(user, "staff_member__facility"))


def training_sessions_for(user: User) -> QuerySet[TrainingSession]:
    """The facility's own sessions and the association's sessions for every facility."""
    return TrainingSession.objects.filter(in_facilities_of(user) | Q(facility__isnull=True))


def staff_pledges_for_person(person) -> QuerySet[StaffPledge]:
    """A person's own pledges, newest first (an ID holder prints their own 様式3)."""
    return StaffPledge.objects.filter(staff_member=person).order_by("-prepared_on", "-pk")


def untrained_holders(trained_since: datetime.date) -> QuerySet[StaffMember]:
    """ID holders who attended no training session since the date (第9条)."""
    recent = TrainingSession.objects.filter(attendees=OuterRef("pk"), held_on__gte=trained_since)
    return id_holders().exclude(Exists(recent))


def holders_without_pledge(today: datetime.date | None = None) -> QuerySet[StaffMember]:
    """ID holders with neither a staff pledge (様式3) nor its exemption that counts (第9条):
    after a round's due date, those not renewed in it."""
    return id_holders().exclude(pledge_on_record("pk", today))


def participating_facilities() -> QuerySet[Facility]:
    """The facilities a round of pledges reaches: those using MCS now, not those applying,
    suspended or gone."""
    return Facility.objects.filter(status=Facility.Status.ACTIVE)


def facilities_without_pledge(today: datetime.date | None = None) -> QuerySet[Facility]:
    """Participating facilities whose pledge (様式2) was not renewed in the round past its due
    date; none before the first such round (a facility joins only with its 様式2)."""
    pledge_round = round_in_force(today or timezone.localdate(), staff=False)
    if pledge_round is None:
        return Facility.objects.none()
    renewed = FacilityPledge.objects.filter(
        FACILITY_ON_RECORD, pledge_round.renewed(), facility=OuterRef("pk")
    )
    return participating_facilities().exclude(Exists(renewed))


def open_round() -> PledgeRound | None:
    return PledgeRound.objects.filter(status=PledgeRound.Status.OPEN).first()


@dataclass
class RoundProgress:
    """One facility's pledges in a round: how many it signed of how many it owes."""

    facility_signed: int = 0
    facility_required: int = 0
    staff_signed: int = 0
    staff_required: int = 0

    @property
    def done(self) -> bool:
        return (
            self.facility_signed >= self.facility_required
            and self.staff_signed >= self.staff_required
        )


def round_progress(
    pledge_round: PledgeRound, facility_ids: list[int] | None = None
) -> dict[int, RoundProgress]:
    """Per participating facility (of `facility_ids`, every one when None): its form 2 and its
    ID holders' forms 3 on record and renewed in the round, against what it owes; four
    queries whatever the number of facilities."""

    def within(rows: QuerySet, path: str) -> QuerySet:
        return rows if facility_ids is None else rows.filter(**{f"{path}__in": facility_ids})

    progress = {
        pk: RoundProgress(facility_required=1)
        for pk in within(participating_facilities(), "pk").values_list("pk", flat=True)
    }
    renewed = pledge_round.renewed()
    signed = within(
        FacilityPledge.objects.filter(
            FACILITY_ON_RECORD, renewed, facility__status=Facility.Status.ACTIVE
        ),
        "facility",
    )
    for pk in signed.values_list("facility", flat=True).distinct():
        progress[pk].facility_signed = 1
    if pledge_round.staff_sign_again:
        holders = within(id_holders(), "facility").order_by()
        pledged = Exists(
            StaffPledge.objects.filter(ON_RECORD, renewed, staff_member=OuterRef("pk"))
        )
        counted = holders.values("facility").annotate(
            required=Count("pk"), signed=Count("pk", filter=Q(pledged))
        )
        for row in counted:
            progress[row["facility"]].staff_required = row["required"]
            progress[row["facility"]].staff_signed = row["signed"]
    return progress
