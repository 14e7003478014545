"""The council's report's figures by facility category (独自ルール 9), counted with the whole
prefecture by the scheduled job (`office.figures.recount`, every few minutes): what happened
each day (facilities joining and leaving, MCS IDs issued and deleted, groups created and
archived) in `DailyCategoryFigures`, and what holds now (participating facilities and their
pledges, ID holders and theirs) in `CurrentCategoryFigures`. The report sums a few thousand
small rows instead of counting the prefecture's records on each request
(office.council_report).
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from facilities.models import Facility, McsAccount
from groups.models import CareGroup
from mcs_admin.models import PaperStatus
from office.models import CurrentCategoryFigures, DailyCategoryFigures, FacilityFigures
from pledges.models import FacilityPledge

# (field of DailyCategoryFigures, the records, the path to their category, the date counted)
EVENTS = [
    ("facilities_joined", lambda: Facility.objects.all(), "category", "joined_on"),
    (
        "facilities_left",
        lambda: Facility.objects.filter(joined_on__isnull=False),
        "category",
        "left_on",
    ),
    (
        "ids_issued",
        lambda: McsAccount.objects.all(),
        "staff_member__facility__category",
        "issued_on",
    ),
    (
        "ids_deleted",
        lambda: McsAccount.objects.all(),
        "staff_member__facility__category",
        "deleted_on",
    ),
    *(
        (f"{kind}_groups_{name}", rows, "owner__category", field)
        for kind, rows in [
            ("patient", lambda: CareGroup.objects.filter(kind=CareGroup.Kind.PATIENT)),
            ("free", lambda: CareGroup.objects.filter(kind=CareGroup.Kind.FREE)),
        ]
        for name, field in [("created", "created_on"), ("archived", "archived_on")]
    ),
]


def _per_day(rows: QuerySet, category: str, field: str):
    return (
        rows.filter(**{f"{field}__isnull": False})
        .values_list(category, field)
        .annotate(count=Count("pk"))
        .order_by()
    )


def recount_days() -> None:
    days = defaultdict(dict)
    for key, rows, category, field in EVENTS:
        for value, day, count in _per_day(rows(), category, field):
            days[(value, day)][key] = count
    DailyCategoryFigures.objects.all().delete()
    DailyCategoryFigures.objects.bulk_create(
        [
            DailyCategoryFigures(category=value, day=day, **counts)
            for (value, day), counts in days.items()
        ],
        batch_size=1000,
    )


def recount_now(counted_at: datetime.datetime) -> None:
    """From the facilities' compliance figures just counted (their ID holders and, of them,
    those without a pledge, as `pledges.selectors.pledge_on_record` states it) and the
    facilities' status and 様式2."""
    received = FacilityPledge.objects.filter(facility=OuterRef("pk"), status=PaperStatus.RECEIVED)
    active = Q(status=Facility.Status.ACTIVE)
    figures = defaultdict(dict)
    for row in (
        Facility.objects.values("category")
        .annotate(
            facilities=Count("pk", filter=active),
            facility_pledges=Count("pk", filter=active & Q(Exists(received))),
        )
        .order_by()
    ):
        figures[row.pop("category")].update(row)
    for row in (
        FacilityFigures.objects.values("facility__category")
        .annotate(holders=Sum("holders"), without_pledge=Sum("pledges"))
        .order_by()
    ):
        holders = row["holders"] or 0
        figures[row["facility__category"]].update(
            holders=holders, holder_pledges=holders - (row["without_pledge"] or 0)
        )
    CurrentCategoryFigures.objects.all().delete()
    CurrentCategoryFigures.objects.bulk_create(
        [
            CurrentCategoryFigures(category=value, counted_at=counted_at, **counts)
            for value, counts in figures.items()
        ]
    )
