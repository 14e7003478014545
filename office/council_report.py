"""The report to the 在宅医療・介護連携推進協議会 for a period (a 年度 by default): facilities by
category and their change, MCS IDs issued and deleted per month, patient and free groups,
training attendance, pledges on record, incidents, ID棚卸 and 精査 completion, consultations.

`council_report` counts it all; the admin's page, its PDF, its XLSX and `manage.py
council_report` only show what it returns, so they never disagree. It runs a fixed number of
aggregate queries whatever the prefecture's size, none per facility. The facilities, MCS IDs
and groups, by day and what holds now, are read from the figures by category that the
scheduled job counts every few minutes with the compliance dashboard's (`refresh_compliance`,
office.category_figures, through the owning apps' selectors, which state those rules once);
training, reviews, incidents and consultations are counted over the period's dates (indexed).
"""

import datetime
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

import tablib
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import Incident
from facilities.models import Category, Consultation, Facility, RosterReview
from facilities.selectors import id_holders
from groups.models import CareGroup, MembershipReview
from mcs_admin.dates import shown_date, shown_datetime
from mcs_admin.models import AccessLog, AssociationProfile, User
from mcs_admin.pdf import print_document
from mcs_admin.services import access_log_record
from mcs_admin.spreadsheets import escape_cell
from office import charts
from office.category_figures import counted_at as when_counted
from office.models import CurrentCategoryFigures, DailyCategoryFigures
from pledges.models import TrainingSession

MAX_MONTHS = 60  # a chart of five years' months is still readable


def last_fiscal_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 年度 that has ended (April to March): councils report by 年度."""
    start = datetime.date(today.year - (1 if today.month >= 4 else 2), 4, 1)
    return start, start + relativedelta(years=1) - datetime.timedelta(days=1)


def period_check(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError(_("The end of the period cannot be before its start."))
    if start + relativedelta(months=MAX_MONTHS) <= end:
        raise ValidationError(
            _("Choose a period of at most %(years)d years.") % {"years": MAX_MONTHS // 12}
        )


def shown_month(month: datetime.date) -> str:
    """A month as the association writes dates: 2025年4月 or 令和7年4月."""
    return shown_date(month).removesuffix("1日")


@dataclass(frozen=True)
class Rate:
    """A share, shown as a percentage with one decimal; "—" when there is nothing to share."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(100 * self.part) / self.whole).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __str__(self):
        return "—" if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class CategoryFigures:
    """One facility category's figures (or every category's, summed)."""

    label: str
    facilities_at_start: int = 0  # participating on the period's first day, before it began
    joined: int = 0
    left: int = 0
    facilities_at_end: int = 0  # participating at the end of its last day
    ids_issued: int = 0
    ids_deleted: int = 0
    patient_groups: int = 0  # open at the end of the period
    free_groups: int = 0
    holders: int = 0  # ID holders now (facilities.selectors.id_holders)
    trained: int = 0  # of them, attended a session held in the period
    holder_pledges: int = 0  # of them, with a staff pledge (様式3) on record
    facilities_now: int = 0  # participating now
    facility_pledges: int = 0  # of them, with their facility pledge (様式2) received
    roster_reviews_due: int = 0  # ID棚卸 rounds due in the period
    roster_reviews_done: int = 0
    roster_reviews_on_time: int = 0
    group_reviews_due: int = 0  # 精査 of groups due in the period
    group_reviews_done: int = 0
    group_reviews_on_time: int = 0

    @property
    def attendance(self) -> Rate:
        return Rate(self.trained, self.holders)

    @property
    def holder_pledge_rate(self) -> Rate:
        return Rate(self.holder_pledges, self.holders)

    @property
    def facility_pledge_rate(self) -> Rate:
        return Rate(self.facility_pledges, self.facilities_now)

    @property
    def roster_review_rate(self) -> Rate:
        return Rate(self.roster_reviews_done, self.roster_reviews_due)

    @property
    def group_review_rate(self) -> Rate:
        return Rate(self.group_reviews_done, self.group_reviews_due)


COUNTS = [field.name for field in fields(CategoryFigures) if field.name != "label"]


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date  # its first day
    label: str
    issued: int
    deleted: int


@dataclass(frozen=True)
class KindFigures:
    """Groups, incidents or consultations of one kind."""

    label: str
    count: int = 0  # created, occurred or received in the period
    at_start: int = 0  # groups open when the period began
    ended: int = 0  # groups archived in the period
    at_end: int = 0  # groups open at its end
    personal: int = 0  # incidents involving personal data


@dataclass(frozen=True)
class Table:
    """One of the report's tables by facility category, with its total row."""

    title: str
    headers: list[str]
    rows: list[tuple[str, list]]
    total: list


@dataclass(frozen=True)
class CouncilReport:
    start: datetime.date
    end: datetime.date
    made_on: datetime.date
    categories: list[CategoryFigures]  # every category, in the order of 独自ルール 9
    total: CategoryFigures
    months: list[MonthFigures]
    groups: list[KindFigures]  # patient groups, free groups
    sessions: int  # training sessions held in the period
    association_sessions: int  # of them, the association's for every facility
    incidents: list[KindFigures]
    consultations: list[KindFigures]
    # when the figures by category were counted (office.category_figures), None before
    # refresh_compliance first ran
    counted_at: datetime.datetime | None = None

    def tables(self) -> list[Table]:
        """The figures by category, a table a subject, as the page, the PDF and the XLSX
        show them."""
        return [
            Table(
                title,
                [str(label) for _key, label in columns],
                [
                    (row.label, [getattr(row, key) for key, _label in columns])
                    for row in self.categories
                ],
                [getattr(self.total, key) for key, _label in columns],
            )
            for title, columns in _tables()
        ]

    def _ids_chart(self) -> dict:
        chart = charts.grouped_columns(
            [f"{row.month:%y/%m}" for row in self.months],
            [
                (_("issued"), [row.issued for row in self.months], "issued"),
                (_("deleted"), [row.deleted for row in self.months], "deleted"),
            ],
        )
        # at most a dozen month labels under the axis, so they never run into each other
        step = -(-len(self.months) // 12)
        for index, label in enumerate(chart["labels"]):
            if index % step:
                label["text"] = ""
        return chart

    def charts(self) -> dict:
        """The inline SVG charts (office.charts), the same on the page and in the PDF."""
        total = self.total
        reviews = [
            (
                _("roster reviews (ID棚卸)"),
                total.roster_reviews_on_time,
                total.roster_reviews_done,
                total.roster_reviews_due,
            ),
            (
                _("group reviews (精査)"),
                total.group_reviews_on_time,
                total.group_reviews_done,
                total.group_reviews_due,
            ),
        ]
        return {
            "facilities": charts.horizontal_bars(
                [(row.label, row.facilities_at_end) for row in self.categories]
            ),
            "ids": self._ids_chart(),
            "attendance": charts.horizontal_bars(
                [
                    (row.label, round(row.attendance.percent))
                    for row in self.categories
                    if row.holders
                ]
            ),
            "reviews": charts.stacked_bars(
                [
                    (
                        label,
                        [
                            (_("completed by the due date"), on_time, "later"),
                            (_("completed late"), done - on_time, "soon"),
                            (_("not completed"), due - done, "overdue"),
                        ],
                    )
                    for label, on_time, done, due in reviews
                ]
            ),
            "incidents": charts.horizontal_bars([(row.label, row.count) for row in self.incidents]),
        }


def _tables():
    return [
        (
            _("Participating facilities"),
            [
                ("facilities_at_start", _("at the start")),
                ("joined", _("joined")),
                ("left", _("left")),
                ("facilities_at_end", _("at the end")),
            ],
        ),
        (
            _("MCS IDs and groups"),
            [
                ("ids_issued", _("IDs issued")),
                ("ids_deleted", _("IDs deleted")),
                ("patient_groups", _("patient groups open at the end")),
                ("free_groups", _("free groups open at the end")),
            ],
        ),
        (
            _("Training and pledges (ID holders and facilities now)"),
            [
                ("holders", _("ID holders")),
                ("trained", _("attended training in the period")),
                ("attendance", _("attendance rate")),
                ("holder_pledges", _("staff pledges on record (form 3)")),
                ("facilities_now", _("participating facilities")),
                ("facility_pledges", _("facility pledges received (form 2)")),
            ],
        ),
        (
            _("Roster reviews (ID棚卸) and group reviews (精査) due in the period"),
            [
                ("roster_reviews_due", _("roster reviews due")),
                ("roster_reviews_done", _("completed")),
                ("roster_reviews_on_time", _("by the due date")),
                ("group_reviews_due", _("group reviews due")),
                ("group_reviews_done", _("completed")),
                ("group_reviews_on_time", _("by the due date")),
            ],
        ),
    ]


def _day_range(start: datetime.date, end: datetime.date) -> tuple:
    """The period's moments, from its first day's midnight in Japan to its last day's end."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return first, after


def _open_between(opened: str, closed: str, rows: dict) -> dict:
    """Counts of a record with an opening and a closing date, from the sums of its days before
    the period and in it (`rows`): open when the period began, opened in it, closed in it,
    open at its end. A record closes on or after it opened (a database constraint)."""
    at_start = rows[f"{opened}_before"] - rows[f"{closed}_before"]
    opened_in, closed_in = rows[f"{opened}_within"], rows[f"{closed}_within"]
    return {
        "at_start": at_start,
        "opened": opened_in,
        "closed": closed_in,
        "at_end": at_start + opened_in - closed_in,
    }


DAY_FIELDS = [
    field.name
    for field in DailyCategoryFigures._meta.get_fields()
    if field.name not in ("id", "category", "day")
]
# a category without a day counted
NO_DAYS = {f"{name}_{when}": 0 for name in DAY_FIELDS for when in ("before", "within")}
GROUPS = {  # a kind of group's fields among DAY_FIELDS
    CareGroup.Kind.PATIENT: ("patient_groups_created", "patient_groups_archived"),
    CareGroup.Kind.FREE: ("free_groups_created", "free_groups_archived"),
}


def _days(start: datetime.date, end: datetime.date) -> dict:
    """{category: {"<field>_before": sum over the days before the period, "<field>_within":
    sum over its days}} of the days' figures (NO_DAYS for a category without any)."""
    when = {"before": Q(day__lt=start), "within": Q(day__gte=start)}
    return {
        row.pop("category"): row
        for row in DailyCategoryFigures.objects.filter(day__lte=end)
        .values("category")
        .annotate(
            **{
                f"{name}_{key}": Sum(name, filter=condition, default=0)
                for name in DAY_FIELDS
                for key, condition in when.items()
            }
        )
        .order_by()
    }


def _reviews(rows, category: str, start, end) -> dict:
    done = Q(status=rows.model.Status.COMPLETED)
    return {
        row.pop(category): row
        for row in rows.filter(due_on__range=(start, end))
        .values(category)
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(completed_on__lte=F("due_on"))),
        )
        .order_by()
    }


def _per_month(start, end) -> dict:
    """{month: (MCS IDs issued, deleted)}."""
    rows = (
        DailyCategoryFigures.objects.filter(day__range=(start, end))
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(issued=Sum("ids_issued"), deleted=Sum("ids_deleted"))
        .order_by()
    )
    return {row["month"]: (row["issued"], row["deleted"]) for row in rows}


def council_report(*, start: datetime.date, end: datetime.date) -> CouncilReport:
    """The council's report for the days from `start` to `end`, both included."""
    period_check(start, end)
    period = (start, end)
    days = _days(start, end)
    now = {row.category: row for row in CurrentCategoryFigures.objects.all()}
    counted_at = when_counted(now.values())
    per_month = _per_month(start, end)
    sessions = TrainingSession.objects.filter(held_on__range=period)
    held = sessions.aggregate(
        held=Count("pk"), association=Count("pk", filter=Q(facility__isnull=True))
    )
    # a period's figure: of the holders, those who attended a session held in it
    attended = sessions.filter(attendees=OuterRef("pk"))
    trained = dict(
        id_holders()
        .filter(Exists(attended))
        .values("facility__category")
        .annotate(trained=Count("pk"))
        .values_list("facility__category", "trained")
        .order_by()
    )
    roster_reviews = _reviews(RosterReview.objects.all(), "facility__category", start, end)
    group_reviews = _reviews(MembershipReview.objects.all(), "group__owner__category", start, end)
    first, after = _day_range(start, end)
    incidents = {
        row.pop("kind"): row
        for row in Incident.objects.filter(occurred_at__gte=first, occurred_at__lt=after)
        .values("kind")
        .annotate(count=Count("pk"), personal=Count("pk", filter=Q(involves_personal_data=True)))
        .order_by()
    }
    consultations = dict(
        Consultation.objects.filter(received_at__gte=first, received_at__lt=after)
        .values("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
        .order_by()
    )

    def open_counts(value: str, opened: str, closed: str) -> dict:
        return _open_between(opened, closed, days.get(value, NO_DAYS))

    def category_figures(value: str, label: str) -> CategoryFigures:
        place = open_counts(value, "facilities_joined", "facilities_left")
        ids = days.get(value, NO_DAYS)
        current = now.get(value)
        rosters, reviews = roster_reviews.get(value, {}), group_reviews.get(value, {})
        return CategoryFigures(
            label=label,
            facilities_at_start=place["at_start"],
            joined=place["opened"],
            left=place["closed"],
            facilities_at_end=place["at_end"],
            ids_issued=ids["ids_issued_within"],
            ids_deleted=ids["ids_deleted_within"],
            patient_groups=open_counts(value, *GROUPS[CareGroup.Kind.PATIENT])["at_end"],
            free_groups=open_counts(value, *GROUPS[CareGroup.Kind.FREE])["at_end"],
            holders=current.holders if current else 0,
            trained=trained.get(value, 0),
            # `pledges`: the holders without a pledge on record (pledge_on_record)
            holder_pledges=current.holders - current.pledges if current else 0,
            facilities_now=current.facilities if current else 0,
            facility_pledges=current.facilities_pledged if current else 0,
            roster_reviews_due=rosters.get("due", 0),
            roster_reviews_done=rosters.get("done", 0),
            roster_reviews_on_time=rosters.get("on_time", 0),
            group_reviews_due=reviews.get("due", 0),
            group_reviews_done=reviews.get("done", 0),
            group_reviews_on_time=reviews.get("on_time", 0),
        )

    categories = [category_figures(value, str(label)) for value, label in Category.choices]
    total = CategoryFigures(
        label=_("all categories"),
        **{key: sum(getattr(row, key) for row in categories) for key in COUNTS},
    )
    months = []
    month = start.replace(day=1)
    while month <= end:
        issued, deleted = per_month.get(month, (0, 0))
        months.append(
            MonthFigures(month=month, label=shown_month(month), issued=issued, deleted=deleted)
        )
        month += relativedelta(months=1)

    def group_figures(kind: str, label: str) -> KindFigures:
        rows = [open_counts(value, *GROUPS[kind]) for value in Category.values]
        return KindFigures(
            label=label,
            count=sum(row["opened"] for row in rows),
            at_start=sum(row["at_start"] for row in rows),
            ended=sum(row["closed"] for row in rows),
            at_end=sum(row["at_end"] for row in rows),
        )

    return CouncilReport(
        start=start,
        end=end,
        made_on=timezone.localdate(),
        categories=categories,
        total=total,
        months=months,
        groups=[group_figures(kind, str(label)) for kind, label in CareGroup.Kind.choices],
        sessions=held["held"],
        association_sessions=held["association"],
        incidents=[
            KindFigures(str(label), **incidents.get(kind, {}))
            for kind, label in Incident.Kind.choices
        ],
        consultations=[
            KindFigures(str(label), consultations.get(kind, 0))
            for kind, label in Consultation.Kind.choices
        ],
        counted_at=counted_at,
    )


def _description(report: CouncilReport, what: str) -> str:
    return _("Council report %(start)s–%(end)s (%(what)s)") % {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "what": what,
    }


def council_report_context(report: CouncilReport) -> dict:
    return {
        "report": report,
        "tables": report.tables(),
        "charts": report.charts(),
        "profile": AssociationProfile.objects.filter(pk=1).first(),
    }


def council_report_pdf(
    report: CouncilReport,
    *,
    user: User | None,
    request: HttpRequest | None = None,
    username: str = "",
) -> bytes:
    """The report as an A4 PDF, through the one print path; the access log keeps the print
    (it shows counts of facilities, no one's record)."""
    return print_document(
        template_name="pdf/council_report.html",
        context={**council_report_context(report), "documents": [{}]},
        shown={Facility._meta.label: []},
        description=_description(report, "PDF"),
        user=user,
        request=request,
        username=username,
    )


def _sheet(title: str, headers: list, rows: list) -> tablib.Dataset:
    def cell(value):
        if isinstance(value, Rate):
            return value.percent
        return escape_cell(value)

    sheet = tablib.Dataset(headers=[escape_cell(str(header)) for header in headers], title=title)
    for row in rows:
        sheet.append([cell(value) for value in row])
    return sheet


def _counted_at(report: CouncilReport) -> str:
    if report.counted_at is None:
        return _("not counted yet")
    return shown_datetime(report.counted_at)


def council_report_xlsx(
    report: CouncilReport,
    *,
    user: User,
    request: HttpRequest | None = None,
    username: str = "",
) -> bytes:
    """The report as an Excel workbook, a sheet a table, numbers as numbers (rates in per
    cent); recorded in the access log as an export."""
    category = _("facility category")
    summary = _sheet(
        _("Summary"),
        [_("item"), _("value")],
        [
            (_("period from"), report.start),
            (_("period to"), report.end),
            (_("made on"), report.made_on),
            # Excel keeps no time zone: the time as the page shows it, in Japan's
            (_("Facilities, IDs, groups and ID holders counted at"), _counted_at(report)),
            (_("training sessions held"), report.sessions),
            (_("of them, the association's"), report.association_sessions),
        ],
    )
    sheets = [summary]
    for number, table in enumerate(report.tables(), start=1):
        rows = [[label, *values] for label, values in table.rows]
        rows.append([_("all categories"), *table.total])
        sheets.append(_sheet(f"{number} {table.title}"[:31], [category, *table.headers], rows))
    sheets.append(
        _sheet(
            _("IDs per month"),
            [_("month"), _("issued"), _("deleted")],
            [(row.month, row.issued, row.deleted) for row in report.months],
        )
    )
    sheets.append(
        _sheet(
            _("Groups"),
            [
                _("kind"),
                _("open at the start"),
                _("created in the period"),
                _("archived in the period"),
                _("open at the end"),
            ],
            [(row.label, row.at_start, row.count, row.ended, row.at_end) for row in report.groups],
        )
    )
    sheets.append(
        _sheet(
            _("Incidents"),
            [_("kind"), _("incidents"), _("involving personal data")],
            [(row.label, row.count, row.personal) for row in report.incidents],
        )
    )
    sheets.append(
        _sheet(
            _("Consultations"),
            [_("kind"), _("received in the period")],
            [(row.label, row.count) for row in report.consultations],
        )
    )
    data = tablib.Databook(sheets).export("xlsx")
    access_log_record(
        user=user,
        action=AccessLog.Action.EXPORT,
        target_type=Facility._meta.label,
        description=_description(report, "XLSX"),
        row_count=len(report.categories),
        request=request,
        username=username,
    )
    return data
