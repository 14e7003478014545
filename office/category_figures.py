"""Figures by facility category (独自ルール 9): what happened each day (facilities joining and
leaving, MCS IDs issued and deleted, groups created and archived) in `DailyCategoryFigures`,
counted with the whole prefecture by the scheduled job (`office.figures.recount`, every few
minutes); and what holds now (participating facilities and their pledges, the compliance
figures summed) in `CurrentCategoryFigures`, counted again after a facility's count too. The
council's report and the compliance dashboard sum a few thousand small rows, or 18, instead
of counting the prefecture's records or its facilities' rows on each request
(office.council_report, office.compliance).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from facilities.models import Facility, McsAccount
from groups.models import CareGroup
from mcs_admin.models import PaperStatus
from office.models import CurrentCategoryFigures, DailyCategoryFigures, FacilityFigures
from pledges.models import FacilityPledge

# (field of DailyCategoryFigures, the records, the path to their category, the date counted)
PATIENT_GROUPS = CareGroup.objects.filter(kind=CareGroup.Kind.PATIENT)
FREE_GROUPS = CareGroup.objects.filter(kind=CareGroup.Kind.FREE)
EVENTS = [
    ("facilities_joined", Facility.objects.all(), "category", "joined_on"),
    ("facilities_left", Facility.objects.filter(joined_on__isnull=False), "category", "left_on"),
    ("ids_issued", McsAccount.objects.all(), "staff_member__facility__category", "issued_on"),
    ("ids_deleted", McsAccount.objects.all(), "staff_member__facility__category", "deleted_on"),
    ("patient_groups_created", PATIENT_GROUPS, "owner__category", "created_on"),
    ("patient_groups_archived", PATIENT_GROUPS, "owner__category", "archived_on"),
    ("free_groups_created", FREE_GROUPS, "owner__category", "created_on"),
    ("free_groups_archived", FREE_GROUPS, "owner__category", "archived_on"),
]


def _per_day(rows: QuerySet, category: str, field: str):
    return (
        rows.filter(**{f"{field}__isnull": False})
        .values_list(category, field)
        .annotate(count=Count("pk"))
        .order_by()
    )


def recount_days() -> None:
    """Every category's days counted again from the records' dates."""
    days = defaultdict(dict)
    for key, rows, category, field in EVENTS:
        for value, day, count in _per_day(rows, category, field):
            days[(value, day)][key] = count
    DailyCategoryFigures.objects.all().delete()
    DailyCategoryFigures.objects.bulk_create(
        [
            DailyCategoryFigures(category=value, day=day, **counts)
            for (value, day), counts in days.items()
        ],
        batch_size=1000,
    )


# the counts of OpenCounts, summed by category
COUNTS = [
    field.name
    for field in CurrentCategoryFigures._meta.get_fields()
    if field.name in {f.name for f in FacilityFigures._meta.get_fields()}
    and field.name != "counted_at"
]


def counted_at(rows: Iterable[CurrentCategoryFigures]) -> datetime.datetime | None:
    """When the figures of `rows` were counted: the earliest of them (None before the first
    count), as the dashboard and the council's report say it."""
    return min((row.counted_at for row in rows), default=None)


def recount_now() -> None:
    """Every category's sums of the facilities' figures just counted (a few milliseconds over
    one row a facility, so after one facility's count too: a facility moved to another
    category leaves its old one), with the facilities participating and their 様式2."""
    received = FacilityPledge.objects.filter(facility=OuterRef("pk"), status=PaperStatus.RECEIVED)
    active = Q(status=Facility.Status.ACTIVE)
    figures = defaultdict(dict)
    for row in (
        Facility.objects.values("category")
        .annotate(
            facilities=Count("pk", filter=active),
            facilities_pledged=Count("pk", filter=active & Q(Exists(received))),
        )
        .order_by()
    ):
        figures[row.pop("category")].update(row)
    for row in (
        FacilityFigures.objects.values("facility__category")
        .annotate(**{key: Sum(key) for key in COUNTS}, counted_at=Min("counted_at"))
        .order_by()
    ):
        figures[row.pop("facility__category")].update(row)
    CurrentCategoryFigures.objects.all().delete()
    CurrentCategoryFigures.objects.bulk_create(
        [
            CurrentCategoryFigures(category=value, **counts)
            for value, counts in figures.items()
            if "counted_at" in counts  # a category whose facilities were all counted
        ]
    )
