"""The compliance dashboard's figures, counted off the request: per facility, what is open or
overdue, the reviews' progress and the MCS IDs issued and deleted per month, stored in
`FacilityFigures` and `MonthlyIdFigures`; with them, each facility's ID holders, which the
council's report reads summed by category (office.category_figures).

The whole prefecture is counted by `manage.py refresh_compliance`, run by cron every few
minutes; one facility again right after a change there is committed, through the domain
models' signals, which this app listens to (`connect`, from `OfficeConfig.ready`) so that no
domain app imports the office. What the signals do not see (bulk writes of an import or of
`send_reminders`, a training session's date, the association's rules, a day passing) the next
run of the job counts.
"""

import datetime
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, signals
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consents.selectors import groups_without_consent
from devices.selectors import (
    incidents_awaiting_reports,
    insecure_devices,
    unacknowledged_carry_outs,
)
from facilities.models import Facility, McsAccount, RosterReviewEntry, StaffMember
from facilities.selectors import (
    id_holders,
    open_leaves,
    open_roster_reviews,
    pending_id_requests,
    stale_passwords,
)
from groups.models import CareGroup, MembershipReview
from groups.selectors import accepted_invitations, open_reviews, pending_transfers
from mcs_admin.models import AssociationProfile
from office import category_figures
from office.models import FacilityFigures, MonthlyIdFigures
from pledges.models import TrainingSession
from pledges.selectors import (
    facilities_without_pledge,
    holders_without_pledge,
    open_round,
    round_progress,
    untrained_holders,
)

DAY = datetime.timedelta(days=1)
MONTHS = 12


@dataclass(frozen=True)
class Column:
    key: str  # the FacilityFigures field that keeps its count
    label: Promise
    rows: Callable[[datetime.date, AssociationProfile], QuerySet]
    facility: str  # the path from a row to its facility
    page: str  # the facility's self-service page that lists them


COLUMNS = [
    Column(
        "approvals",
        _("invitations to approve"),
        lambda today, profile: accepted_invitations(),
        "staff_member__facility",
        "groups:staff_invitations",
    ),
    Column(
        "transfers",
        _("group moves to decide"),
        lambda today, profile: pending_transfers(),
        "to_facility",
        "groups:transfers",
    ),
    Column(
        "id_requests",
        _("ID requests at the center"),
        lambda today, profile: pending_id_requests(),
        "facility",
        "facility:id_requests",
    ),
    Column(
        "reviews",
        _("membership reviews overdue"),
        lambda today, profile: open_reviews(due_by=today - DAY),
        "group__owner",
        "facility:dashboard",
    ),
    Column(
        "roster_reviews",
        _("roster reviews overdue"),
        lambda today, profile: open_roster_reviews(due_by=today - DAY),
        "facility",
        "facility:roster_review",
    ),
    Column(
        "passwords",
        _("MCS passwords overdue"),
        lambda today, profile: stale_passwords(profile.password_overdue_before(today)),
        "staff_member__facility",
        "facility:dashboard",
    ),
    Column(
        "training",
        _("training overdue"),
        lambda today, profile: untrained_holders(profile.training_due_since(today)),
        "facility",
        "pledges:training",
    ),
    Column(
        "pledges",
        _("ID holders without a pledge"),
        lambda today, profile: holders_without_pledge(today),
        "facility",
        "pledges:pledges",
    ),
    Column(
        "facility_pledges",
        _("facility pledge not renewed"),
        lambda today, profile: facilities_without_pledge(today),
        "id",
        "pledges:pledges",
    ),
    Column(
        "devices",
        _("devices missing measures (1)–(4)"),
        lambda today, profile: insecure_devices(),
        "facility",
        "devices:device_list",
    ),
    Column(
        "consents",
        _("patient groups without consent"),
        lambda today, profile: groups_without_consent(),
        "owner",
        "groups:group_list",
    ),
    Column(
        "leaves",
        _("leavers' checklists open"),
        lambda today, profile: open_leaves(),
        "staff_member__facility",
        "facility:leaves",
    ),
    Column(
        "carry_outs",
        _("carry-out notices to acknowledge"),
        lambda today, profile: unacknowledged_carry_outs(),
        "facility",
        "devices:carry_out_list",
    ),
    Column(
        "incidents",
        _("incidents awaiting reports"),
        lambda today, profile: incidents_awaiting_reports(),
        "facility",
        "devices:incident_list",
    ),
]
PROGRESS = ["reviews_overdue", "reviews_soon", "reviews_later"]
ENTRIES = ["entries_confirmed", "entries_pending"]
# the open round of pledges: each facility's forms 2 and 3 signed of those it owes
ROUND = [
    "round_facility_signed",
    "round_facility_required",
    "round_staff_signed",
    "round_staff_required",
]


def behind_in_round() -> QuerySet:
    """The facilities whose kept figures show the open round of pledges unfinished:
    `pledges.selectors.RoundProgress.done`, said of the summary table."""
    return FacilityFigures.objects.filter(
        Q(round_facility_signed__lt=F("round_facility_required"))
        | Q(round_staff_signed__lt=F("round_staff_required"))
    )


def first_month(today: datetime.date) -> datetime.date:
    """The first of the months the dashboard's chart of IDs shows."""
    return today.replace(day=1) - relativedelta(months=MONTHS - 1)


def _within(rows: QuerySet, path: str, facility_ids: list[int] | None) -> QuerySet:
    return rows if facility_ids is None else rows.filter(**{f"{path}__in": facility_ids})


def _open_items(facility_ids, today, figures: dict) -> None:
    profile = AssociationProfile.current()
    for column in COLUMNS:
        path = column.facility
        rows = (
            _within(column.rows(today, profile), path, facility_ids)
            .values(path)
            .annotate(count=Count("pk", distinct=True))
            .order_by()
        )
        for row in rows:
            figures[row[path]][column.key] = row["count"]


def _progress(facility_ids, today, figures: dict) -> None:
    soon = today + datetime.timedelta(days=AssociationProfile.REVIEW_NOTICE_DAYS)
    reviews = _within(
        MembershipReview.objects.filter(
            status=MembershipReview.Status.OPEN, group__status=CareGroup.Status.ACTIVE
        ),
        "group__owner",
        facility_ids,
    )
    for row in reviews.values("group__owner").annotate(
        reviews_overdue=Count("pk", filter=Q(due_on__lt=today)),
        reviews_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        reviews_later=Count("pk", filter=Q(due_on__gt=soon)),
    ):
        figures[row.pop("group__owner")].update(row)
    pending = Q(outcome=RosterReviewEntry.Outcome.PENDING)
    entries = _within(
        RosterReviewEntry.objects.filter(review__status="open"), "review__facility", facility_ids
    )
    for row in entries.values("review__facility").annotate(
        entries_confirmed=Count("pk", filter=~pending),
        entries_pending=Count("pk", filter=pending),
    ):
        figures[row.pop("review__facility")].update(row)


def _holders(facility_ids, figures: dict) -> None:
    rows = (
        _within(id_holders(), "facility", facility_ids)
        .values("facility")
        .annotate(holders=Count("pk"))
        .order_by()
    )
    for row in rows:
        figures[row.pop("facility")].update(row)


def _round(facility_ids, figures: dict) -> None:
    pledge_round = open_round()
    if pledge_round is None:
        return
    for pk, progress in round_progress(pledge_round, facility_ids).items():
        figures[pk].update(
            round_facility_signed=progress.facility_signed,
            round_facility_required=progress.facility_required,
            round_staff_signed=progress.staff_signed,
            round_staff_required=progress.staff_required,
        )


def _months(facility_ids, today) -> dict:
    """{(facility id, month): {"issued": n, "deleted": n}}."""
    since = first_month(today)
    accounts = _within(McsAccount.objects.all(), "staff_member__facility", facility_ids)
    months = defaultdict(dict)
    for field, name in [("issued_on", "issued"), ("deleted_on", "deleted")]:
        rows = (
            accounts.filter(**{f"{field}__gte": since})
            .annotate(month=TruncMonth(field))
            .values("staff_member__facility", "month")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for row in rows:
            months[(row["staff_member__facility"], row["month"])][name] = row["count"]
    return months


def _writers_in_turn() -> None:
    """One writer of the figures at a time (the job and a facility's recount), so that neither
    deletes and inserts a facility's rows while the other does: a lock held to the commit."""
    if connection.vendor == "postgresql":  # SQLite writes one transaction at a time anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('office.figures'))")


def recount(facility_ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """Count again what is open at the facilities (every facility when None), store it and
    return how many facilities were counted."""
    today = today or timezone.localdate()
    ids = None if facility_ids is None else sorted(set(facility_ids))
    with transaction.atomic():
        _writers_in_turn()
        facilities = Facility.objects.all() if ids is None else Facility.objects.filter(pk__in=ids)
        counted = list(facilities.values_list("pk", flat=True))
        figures = defaultdict(dict)
        _open_items(ids, today, figures)
        _progress(ids, today, figures)
        _round(ids, figures)
        _holders(ids, figures)
        months = _months(ids, today)
        now = timezone.now()
        rows = []
        for pk in counted:
            counts = figures.get(pk, {})
            total = sum(counts.get(column.key, 0) for column in COLUMNS)
            rows.append(FacilityFigures(facility_id=pk, total=total, counted_at=now, **counts))
        _within(FacilityFigures.objects.all(), "facility", ids).delete()
        FacilityFigures.objects.bulk_create(rows, batch_size=1000)
        _within(MonthlyIdFigures.objects.all(), "facility", ids).delete()
        MonthlyIdFigures.objects.bulk_create(
            [
                MonthlyIdFigures(facility_id=pk, month=month, **counts)
                for (pk, month), counts in months.items()
            ],
            batch_size=1000,
        )
        if ids is None:  # the days' figures are counted with the whole prefecture only
            category_figures.recount_days()
        category_figures.recount_now()
    return len(counted)


# The models whose rows the figures count, each with its paths to the facilities a change of
# one of its rows may change the figures of.
COUNTED = {
    "facilities.Facility": ["id"],
    "facilities.StaffMember": ["facility"],
    "facilities.McsAccount": ["staff_member__facility"],
    "facilities.IdRequest": ["facility"],
    "facilities.RosterReview": ["facility"],
    "facilities.RosterReviewEntry": ["review__facility"],
    "facilities.Leave": ["staff_member__facility"],
    "care_groups.CareGroup": ["owner"],
    "care_groups.Membership": ["staff_member__facility", "group__owner"],
    "care_groups.MembershipReview": ["group__owner"],
    "care_groups.OwnershipTransfer": ["to_facility"],
    "consents.PatientConsent": ["group__owner"],
    "pledges.StaffPledge": ["staff_member__facility"],
    "pledges.FacilityPledge": ["facility"],
    "devices.Device": ["facility"],
    "devices.CarryOutNotice": ["facility"],
    "devices.Incident": ["facility"],
}

_pending = threading.local()


def _facility_at(instance, path: str) -> int | None:
    *relations, last = path.split("__")
    try:
        for name in relations:
            instance = getattr(instance, name)
    except ObjectDoesNotExist:  # deleted along with the row
        return None
    if instance is None:
        return None
    return getattr(instance, instance._meta.get_field(last).attname)


def _count_pending() -> None:
    ids = getattr(_pending, "ids", set())
    _pending.ids = set()
    if ids:
        recount(ids)


def soon(facility_ids: Iterable[int | None]) -> None:
    """Count the facilities again once the current transaction commits: once per facility
    however many of its rows it wrote. Ids left by a transaction rolled back are counted with
    the next one (harmless)."""
    ids = {pk for pk in facility_ids if pk is not None}
    if not ids:
        return
    _pending.ids = getattr(_pending, "ids", set()) | ids
    # robust: the change is committed whatever happens to its count (the job counts it again)
    transaction.on_commit(_count_pending, robust=True)


def _changed(sender, instance, raw=False, **kwargs):
    if not raw:
        soon(_facility_at(instance, path) for path in COUNTED[sender._meta.label])


def _attendance_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # a cleared list names no one (pk_set is None): the job counts it
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if reverse:  # a person's sessions
        soon([instance.facility_id])
    else:
        soon(StaffMember.objects.filter(pk__in=pk_set).values_list("facility", flat=True))


def connect() -> None:
    for label in COUNTED:
        model = apps.get_model(label)
        uid = f"office.figures:{label}"
        signals.post_save.connect(_changed, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_changed, sender=model, dispatch_uid=uid)
    signals.m2m_changed.connect(
        _attendance_changed,
        sender=TrainingSession.attendees.through,
        dispatch_uid="office.figures:attendance",
    )
