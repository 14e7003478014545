"""The report to the 在宅医療・介護連携推進協議会 for a period (a 年度 by default): facilities by
category and their change, MCS IDs issued and deleted per month, patient and free groups,
training attendance, pledges on record, incidents, ID棚卸 and 精査 completion, consultations.

`council_report` counts it all; the admin's page, its PDF, its XLSX and `manage.py
council_report` only show what it returns, so they never disagree. It runs a fixed number of
aggregate queries whatever the prefecture's size, none per facility. Period figures are counted
over the records' dates (indexed where they would read a whole table); what holds now, the ID
holders and their pledges, is read from the compliance dashboard's per-facility figures
(`office.figures`, counted every few minutes by `refresh_compliance` through the owning apps'
selectors, which state those rules once), as the dashboard reads them.
"""

import datetime
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

import tablib
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import Incident
from facilities.models import Category, Consultation, Facility, McsAccount, RosterReview
from facilities.selectors import id_holders
from groups.models import CareGroup, MembershipReview
from mcs_admin.dates import shown_date, shown_datetime
from mcs_admin.models import AccessLog, AssociationProfile, PaperStatus, User
from mcs_admin.pdf import print_document
from mcs_admin.services import access_log_record
from mcs_admin.spreadsheets import escape_cell
from office import charts
from office.models import FacilityFigures
from pledges.models import FacilityPledge, TrainingSession

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
    # when the compliance figures the ID holders and their pledges come from were counted
    # (the earliest facility's), None before refresh_compliance first ran
    holders_counted_at: datetime.datetime | None = None

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


def _open_between(opened: str, closed: str, start: datetime.date, end: datetime.date) -> dict:
    """Counts of a record with an opening and a closing date: open when the period began,
    opened in it, closed in it, open at its end."""
    not_closed_before = Q(**{f"{closed}__isnull": True}) | Q(**{f"{closed}__gte": start})
    not_closed_by_end = Q(**{f"{closed}__isnull": True}) | Q(**{f"{closed}__gt": end})
    return {
        "at_start": Count("pk", filter=Q(**{f"{opened}__lt": start}) & not_closed_before),
        "opened": Count("pk", filter=Q(**{f"{opened}__range": (start, end)})),
        "closed": Count("pk", filter=Q(**{f"{closed}__range": (start, end)})),
        "at_end": Count("pk", filter=Q(**{f"{opened}__lte": end}) & not_closed_by_end),
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


def _per_month(field: str, start, end) -> dict:
    """{(month, category): MCS IDs whose `field` date falls in the month}."""
    rows = (
        McsAccount.objects.filter(**{f"{field}__range": (start, end)})
        .annotate(month=TruncMonth(field))
        .values("month", "staff_member__facility__category")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(row["month"], row["staff_member__facility__category"]): row["count"] for row in rows}


def council_report(*, start: datetime.date, end: datetime.date) -> CouncilReport:
    """The council's report for the days from `start` to `end`, both included."""
    period_check(start, end)
    period = (start, end)
    received = FacilityPledge.objects.filter(facility=OuterRef("pk"), status=PaperStatus.RECEIVED)
    now = Q(status=Facility.Status.ACTIVE)
    facilities = {
        row.pop("category"): row
        for row in Facility.objects.values("category")
        .annotate(
            **_open_between("joined_on", "left_on", start, end),
            now=Count("pk", filter=now),
            pledged=Count("pk", filter=now & Q(Exists(received))),
        )
        .order_by()
    }
    issued, deleted = _per_month("issued_on", start, end), _per_month("deleted_on", start, end)
    groups = {
        (row.pop("kind"), row.pop("owner__category")): row
        for row in CareGroup.objects.values("kind", "owner__category")
        .annotate(**_open_between("created_on", "archived_on", start, end))
        .order_by()
    }
    sessions = TrainingSession.objects.filter(held_on__range=period)
    held = sessions.aggregate(
        held=Count("pk"), association=Count("pk", filter=Q(facility__isnull=True))
    )
    # what holds now, as the compliance figures last counted it (refresh_compliance): the ID
    # holders and, of them, those without a pledge on record (holders_without_pledge, the
    # rule pledge_on_record states), per facility
    holders = {
        row.pop("facility__category"): row
        for row in FacilityFigures.objects.values("facility__category")
        .annotate(
            holders=Sum("holders"), without_pledge=Sum("pledges"), counted_at=Min("counted_at")
        )
        .order_by()
    }
    holders_counted_at = min((row.pop("counted_at") for row in holders.values()), default=None)
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

    def category_figures(value: str, label: str) -> CategoryFigures:
        place = facilities.get(value, {})
        people = holders.get(value, {})
        rosters, reviews = roster_reviews.get(value, {}), group_reviews.get(value, {})
        return CategoryFigures(
            label=label,
            facilities_at_start=place.get("at_start", 0),
            joined=place.get("opened", 0),
            left=place.get("closed", 0),
            facilities_at_end=place.get("at_end", 0),
            ids_issued=sum(n for (_month, c), n in issued.items() if c == value),
            ids_deleted=sum(n for (_month, c), n in deleted.items() if c == value),
            patient_groups=groups.get((CareGroup.Kind.PATIENT, value), {}).get("at_end", 0),
            free_groups=groups.get((CareGroup.Kind.FREE, value), {}).get("at_end", 0),
            holders=people.get("holders") or 0,
            trained=trained.get(value, 0),
            holder_pledges=(people.get("holders") or 0) - (people.get("without_pledge") or 0),
            facilities_now=place.get("now", 0),
            facility_pledges=place.get("pledged", 0),
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
        months.append(
            MonthFigures(
                month=month,
                label=shown_month(month),
                issued=sum(n for (m, _c), n in issued.items() if m == month),
                deleted=sum(n for (m, _c), n in deleted.items() if m == month),
            )
        )
        month += relativedelta(months=1)

    def group_figures(kind: str, label: str) -> KindFigures:
        rows = [row for (k, _c), row in groups.items() if k == kind]
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
        holders_counted_at=holders_counted_at,
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
    if report.holders_counted_at is None:
        return _("not counted yet")
    return shown_datetime(report.holders_counted_at)


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
            (_("ID holders and pledges counted at"), _counted_at(report)),
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
