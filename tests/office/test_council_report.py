"""The council's report (office.council_report): every figure against counts made here, one
record at a time in Python, over a world of two facility categories with facilities joining and
leaving inside and outside the period; the page, the PDF, the XLSX and the command show the same
figures; a fixed number of queries whatever the size."""

import datetime
import io
import subprocess
from collections import Counter

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices.models import Incident
from facilities.models import Category, Consultation, Facility, McsAccount, RosterReview
from groups.models import CareGroup, MembershipReview
from mcs_admin.dates import shown_datetime
from mcs_admin.models import AccessLog
from office import figures
from office.council_report import council_report, last_fiscal_year
from office.models import CurrentCategoryFigures, DailyCategoryFigures
from pledges.models import FacilityPledge, StaffPledge, TrainingSession
from tests import factories as f

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
HOSPITAL, PHARMACY = Category.HOSPITAL_CLINIC, Category.PHARMACY
URL = reverse("admin:council_report")


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=timezone.get_current_timezone())


def build(copies: int = 1) -> dict:
    """Facilities of two categories and their records around the period (2025年度); `copies`
    repeats everything, for the query counts."""
    facilities = {}
    for copy in range(copies):
        hospital = f.FacilityFactory(category=HOSPITAL, joined_on=day("2024-05-01"))
        pharmacy = f.FacilityFactory(category=PHARMACY, joined_on=day("2025-04-01"))
        facilities[copy] = (hospital, pharmacy)
        f.FacilityFactory(category=HOSPITAL, joined_on=day("2025-06-10"))  # joined in it
        # left in it, left after it, joined after it, not joined at all
        f.FacilityFactory(
            category=HOSPITAL, status="withdrawn", joined_on=day("2023-01-01"), left_on=END
        )
        f.FacilityFactory(
            category=PHARMACY,
            status="withdrawn",
            joined_on=day("2024-01-01"),
            left_on=day("2026-04-15"),
        )
        f.FacilityFactory(category=PHARMACY, joined_on=day("2026-05-01"))
        f.FacilityFactory(category=PHARMACY, status="applying", joined_on=None)
        f.FacilityFactory(category=PHARMACY, status="suspended", joined_on=day("2024-04-01"))
        f.FacilityPledgeFactory(
            facility=hospital, status="received", prepared_on=START, received_on=START
        )
        f.FacilityPledgeFactory(facility=pharmacy)  # not back

        # MCS IDs issued and deleted in months inside and outside the period
        people = []
        for facility, issued, deleted in [
            (hospital, "2024-12-01", None),
            (hospital, "2025-04-01", None),
            (hospital, "2025-04-30", "2025-11-02"),
            (hospital, "2026-03-31", None),
            (pharmacy, "2025-04-01", "2026-04-01"),
            (pharmacy, "2025-07-15", None),
            (pharmacy, "2024-03-01", "2025-05-20"),
        ]:
            person = f.StaffMemberFactory(facility=facility)
            f.McsAccountFactory(
                staff_member=person,
                requested_on=day(issued),
                issued_on=day(issued),
                status="deleted" if deleted else "issued",
                deleted_on=deleted and day(deleted),
            )
            people.append(person)
        gone = f.StaffMemberFactory(facility=hospital, left_on=day("2025-10-01"))
        f.McsAccountFactory(staff_member=gone, issued_on=START, requested_on=START)

        # training: one session in the period with two holders and a leaver, one before it
        held = f.TrainingSessionFactory(held_on=day("2025-09-01"))
        held.attendees.add(people[0], people[5], gone)
        f.TrainingSessionFactory(held_on=day("2025-03-31"), facility=hospital).attendees.add(
            people[1]
        )
        f.TrainingSessionFactory(held_on=END, facility=pharmacy)
        # pledges: signed and back, an exemption, one still out
        f.StaffPledgeFactory(
            staff_member=people[0], status="received", prepared_on=START, received_on=START
        )
        f.StaffPledgeFactory(
            staff_member=people[5], basis="exemption", exemption_note="2020年の誓約書"
        )
        f.StaffPledgeFactory(staff_member=people[1])

        # groups: open before, created and archived inside, archived after
        f.CareGroupFactory(owner=hospital, created_on=day("2024-06-01"))
        f.CareGroupFactory(
            owner=hospital,
            created_on=day("2025-05-01"),
            status="archived",
            archived_on=day("2026-01-10"),
        )
        f.FreeGroupFactory(
            owner=pharmacy,
            created_on=day("2024-06-01"),
            status="archived",
            archived_on=day("2026-06-01"),
        )
        f.FreeGroupFactory(owner=pharmacy, created_on=END)
        f.CareGroupFactory(owner=pharmacy, created_on=day("2026-04-01"))

        # reviews due inside (done on time, late, open) and outside the period
        f.RosterReviewFactory(
            facility=hospital,
            opened_on=START,
            due_on=day("2025-05-01"),
            status="completed",
            completed_on=day("2025-04-20"),
        )
        f.RosterReviewFactory(
            facility=pharmacy,
            opened_on=START,
            due_on=day("2025-05-01"),
            status="completed",
            completed_on=day("2025-06-01"),
        )
        f.RosterReviewFactory(facility=pharmacy, opened_on=START, due_on=END)
        f.RosterReviewFactory(facility=hospital, opened_on=END, due_on=day("2026-04-30"))
        group = f.CareGroupFactory(owner=hospital, created_on=day("2024-01-01"))
        f.MembershipReviewFactory(
            group=group,
            due_on=day("2025-12-01"),
            status="completed",
            completed_on=day("2025-11-30"),
        )
        f.MembershipReviewFactory(group=group, due_on=day("2026-02-01"))
        f.MembershipReviewFactory(
            group=f.FreeGroupFactory(owner=pharmacy, created_on=day("2024-01-01")),
            due_on=day("2025-03-01"),
            status="completed",
            completed_on=day("2025-03-01"),
        )

        # incidents and consultations: on the period's edges in Japan's time
        f.IncidentFactory(facility=hospital, kind="lost", occurred_at=moment("2025-04-01T00:00"))
        f.IncidentFactory(
            facility=pharmacy,
            kind="leak",
            occurred_at=moment("2026-03-31T23:59"),
            involves_personal_data=True,
        )
        f.IncidentFactory(facility=pharmacy, kind="lost", occurred_at=moment("2026-04-01T00:00"))
        f.ConsultationFactory(received_at=moment("2025-08-01T10:00"))
        f.ConsultationFactory(
            kind="complaint",
            referred_to="attending_physician",
            received_at=moment("2025-08-02T10:00"),
        )
        f.ConsultationFactory(received_at=moment("2025-03-31T23:59"))
    # what holds now (the ID holders and their pledges) the report reads from the compliance
    # figures, as the scheduled job keeps them (refresh_compliance)
    figures.recount()
    return facilities


def _within(value, start=START, end=END) -> bool:
    return value is not None and start <= value <= end


def _open(opened, closed, on) -> bool:
    """Open at the end of the day `on`."""
    return opened is not None and opened <= on and (closed is None or closed > on)


def _holder(person) -> bool:
    return (
        person.left_on is None
        and person.facility.status == Facility.Status.ACTIVE
        and any(account.status == "issued" for account in person.mcs_accounts.all())
    )


def expected(category: str) -> dict:
    """A category's figures, counted one record at a time."""
    places = Facility.objects.filter(category=category)
    accounts = McsAccount.objects.filter(staff_member__facility__category=category)
    groups = CareGroup.objects.filter(owner__category=category)
    holders = [
        person
        for place in places
        for person in place.staff.all()
        if _holder(person)  # the rule as the policy says it, not through the selector
    ]
    sessions = TrainingSession.objects.filter(held_on__range=(START, END))
    trained = {person.pk for session in sessions for person in session.attendees.all()}
    pledged = {
        pledge.staff_member_id
        for pledge in StaffPledge.objects.all()
        if pledge.status == "received" or pledge.basis == "exemption"
    }
    now = [place for place in places if place.status == Facility.Status.ACTIVE]
    received = {pledge.facility_id for pledge in FacilityPledge.objects.filter(status="received")}
    rosters = [r for r in RosterReview.objects.all() if r.facility.category == category]
    reviews = [r for r in MembershipReview.objects.all() if r.group.owner.category == category]

    def reviewed(rows):
        due = [row for row in rows if _within(row.due_on)]
        done = [row for row in due if row.status == "completed"]
        return len(due), len(done), len([row for row in done if row.completed_on <= row.due_on])

    roster_due, roster_done, roster_on_time = reviewed(rosters)
    group_due, group_done, group_on_time = reviewed(reviews)
    return {
        "facilities_at_start": sum(
            _open(p.joined_on, p.left_on, START - datetime.timedelta(days=1)) for p in places
        ),
        "joined": sum(_within(p.joined_on) for p in places),
        "left": sum(_within(p.left_on) for p in places),
        "facilities_at_end": sum(_open(p.joined_on, p.left_on, END) for p in places),
        "ids_issued": sum(_within(a.issued_on) for a in accounts),
        "ids_deleted": sum(_within(a.deleted_on) for a in accounts),
        "patient_groups": sum(
            g.kind == "patient" and _open(g.created_on, g.archived_on, END) for g in groups
        ),
        "free_groups": sum(
            g.kind == "free" and _open(g.created_on, g.archived_on, END) for g in groups
        ),
        "holders": len(holders),
        "trained": sum(person.pk in trained for person in holders),
        "holder_pledges": sum(person.pk in pledged for person in holders),
        "facilities_now": len(now),
        "facility_pledges": sum(place.pk in received for place in now),
        "roster_reviews_due": roster_due,
        "roster_reviews_done": roster_done,
        "roster_reviews_on_time": roster_on_time,
        "group_reviews_due": group_due,
        "group_reviews_done": group_done,
        "group_reviews_on_time": group_on_time,
    }


def figures_of(row) -> dict:
    return {key: getattr(row, key) for key in expected(HOSPITAL)}


def test_every_figure_equals_the_count_made_one_record_at_a_time():
    build()
    report = council_report(start=START, end=END)
    by_label = {row.label: row for row in report.categories}
    assert len(report.categories) == len(Category.choices)
    for category in Category:
        assert figures_of(by_label[str(category.label)]) == expected(category), category
    hospital, pharmacy = expected(HOSPITAL), expected(PHARMACY)
    assert figures_of(report.total) == {key: hospital[key] + pharmacy[key] for key in hospital}
    # the world has something in every figure, so an equal zero proves nothing
    assert all(hospital[key] + pharmacy[key] for key in hospital), hospital
    # what this world was built to give, for one figure of each kind
    assert (hospital["facilities_at_start"], hospital["joined"], hospital["left"]) == (2, 1, 1)
    assert (pharmacy["facilities_at_start"], pharmacy["facilities_at_end"]) == (2, 3)
    assert report.total.attendance.percent == pytest.approx(
        100 * report.total.trained / report.total.holders, abs=0.05
    )

    accounts = McsAccount.objects.all()
    issued = Counter(a.issued_on.replace(day=1) for a in accounts if _within(a.issued_on))
    deleted = Counter(a.deleted_on.replace(day=1) for a in accounts if _within(a.deleted_on))
    assert [row.month for row in report.months] == [
        datetime.date(2025 + (m > 9), (m + 3) % 12 or 12, 1) for m in range(1, 13)
    ]
    assert {row.month: (row.issued, row.deleted) for row in report.months} == {
        row.month: (issued[row.month], deleted[row.month]) for row in report.months
    }
    assert report.months[0].issued == 4 and report.months[0].label == "2025年4月"

    groups = CareGroup.objects.all()
    for row, kind in zip(report.groups, ["patient", "free"], strict=True):
        mine = [g for g in groups if g.kind == kind]
        assert (row.at_start, row.count, row.ended, row.at_end) == (
            sum(
                _open(g.created_on, g.archived_on, START - datetime.timedelta(days=1)) for g in mine
            ),
            sum(_within(g.created_on) for g in mine),
            sum(_within(g.archived_on) for g in mine),
            sum(_open(g.created_on, g.archived_on, END) for g in mine),
        )
    assert [row.count for row in report.groups] == [1, 1]

    sessions = [s for s in TrainingSession.objects.all() if _within(s.held_on)]
    assert (
        (report.sessions, report.association_sessions)
        == (
            len(sessions),
            sum(s.facility_id is None for s in sessions),
        )
        == (2, 1)
    )

    local = [
        (i.kind, timezone.localtime(i.occurred_at).date(), i.involves_personal_data)
        for i in Incident.objects.all()
    ]
    assert [(row.count, row.personal) for row in report.incidents] == [
        (
            sum(k == kind and _within(d) for k, d, _p in local),
            sum(k == kind and _within(d) and p for k, d, p in local),
        )
        for kind in Incident.Kind.values
    ]
    assert sum(row.count for row in report.incidents) == 2
    received = [
        (c.kind, timezone.localtime(c.received_at).date()) for c in Consultation.objects.all()
    ]
    assert (
        [row.count for row in report.consultations]
        == [sum(k == kind and _within(d) for k, d in received) for kind in Consultation.Kind.values]
        == [1, 1]
    )


def test_the_last_fiscal_year_is_the_default():
    assert last_fiscal_year(datetime.date(2026, 12, 3)) == (START, END)
    assert last_fiscal_year(datetime.date(2026, 4, 1)) == (START, END)
    assert last_fiscal_year(datetime.date(2026, 3, 31)) == (day("2024-04-01"), day("2025-03-31"))


@pytest.mark.parametrize(
    ("start", "end"), [(END, START), (START, START.replace(year=2030))], ids=["reversed", "long"]
)
def test_a_period_that_ends_before_it_starts_or_runs_too_long_is_refused(start, end):
    with pytest.raises(Exception) as refused:
        council_report(start=start, end=end)
    assert refused.type.__name__ == "ValidationError"


def _queries(copies: int) -> int:
    build(copies)
    with CaptureQueriesContext(connection) as queries:
        report = council_report(start=START, end=END)
        report.tables(), report.charts()
    return len(queries)


# the aggregates, the association profile (how dates are written) and the round of pledges in
# force for 第9条, whatever the number of records
REPORT_QUERIES = 10


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_size():
    assert _queries(1) == REPORT_QUERIES


def test_the_report_runs_as_many_queries_for_three_times_the_world():
    assert _queries(3) == REPORT_QUERIES


def test_what_holds_now_follows_a_facilitys_count_and_the_days_the_scheduled_one(
    django_capture_on_commit_callbacks,
):
    build()

    def hospitals():
        report = council_report(start=START, end=END)
        return {row.label: row for row in report.categories}[str(HOSPITAL.label)]

    before = hospitals()
    place = Facility.objects.filter(category=HOSPITAL, status=Facility.Status.ACTIVE).first()
    with django_capture_on_commit_callbacks(execute=True):  # each facility counted again
        f.McsAccountFactory(
            staff_member=f.StaffMemberFactory(facility=place), issued_on=END, requested_on=END
        )
        f.FacilityFactory(category=HOSPITAL, joined_on=START)
    # the facilities' counts sum by category at once
    now = hospitals()
    assert (now.holders, now.facilities_now) == (before.holders + 1, before.facilities_now + 1)
    # the days' figures wait for the scheduled count of the whole prefecture
    assert (now.ids_issued, now.joined, now.facilities_at_end) == (
        before.ids_issued,
        before.joined,
        before.facilities_at_end,
    )
    figures.recount()
    after = hospitals()
    assert (after.ids_issued, after.joined, after.facilities_at_end) == (
        before.ids_issued + 1,
        before.joined + 1,
        before.facilities_at_end + 1,
    )
    assert figures_of(after) == expected(HOSPITAL)


def test_the_page_shows_the_figures_with_charts_for_the_period_chosen(center_client):
    build()
    response = center_client.get(URL, {"start": "2025-04-01", "end": "2026-03-31"})
    assert response.status_code == 200
    report = response.context["report"]
    assert (
        report.total.facilities_at_end
        == expected(HOSPITAL)["facilities_at_end"] + expected(PHARMACY)["facilities_at_end"]
    )
    html = response.content.decode()
    assert html.count('<svg class="chart"') == 5
    assert "対象期間：2025年4月1日〜2026年3月31日" in html
    assert "在宅医療・介護連携推進協議会への報告" in html
    assert f"{report.total.attendance}" in html and "%" in str(report.total.attendance)
    assert "None" not in html


def test_the_report_says_when_its_figures_were_counted_or_that_they_were_not(center_client):
    build()
    counted_at = CurrentCategoryFigures.objects.aggregate(first=Min("counted_at"))["first"]
    assert counted_at is not None
    period = {"start": "2025-04-01", "end": "2026-03-31"}
    html = center_client.get(URL, period).content.decode()
    assert f"定期集計（数分ごと）による {shown_datetime(counted_at)} 時点の数です" in html
    book = openpyxl.load_workbook(
        io.BytesIO(center_client.get(URL, {**period, "download": "xlsx"}).content)
    )
    summary = dict(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary["事業所・ID・グループ・ID保有者の集計日時"] == shown_datetime(counted_at)

    # before refresh_compliance first ran
    CurrentCategoryFigures.objects.all().delete()
    DailyCategoryFigures.objects.all().delete()
    html = center_client.get(URL, period).content.decode()
    assert "事業所・MCS ID・グループ・ID保有者とその誓約書はまだ集計されていません" in html
    total = council_report(start=START, end=END).total
    assert (total.holders, total.facilities_at_end, total.ids_issued) == (0, 0, 0)


def test_the_page_opens_on_the_last_fiscal_year_and_refuses_a_reversed_period(center_client):
    response = center_client.get(URL)
    start, end = last_fiscal_year(timezone.localdate())
    assert (response.context["report"].start, response.context["report"].end) == (start, end)
    refused = center_client.get(
        URL, {"start": "2026-03-31", "end": "2025-04-01", "download": "pdf"}
    )
    assert refused.status_code == 200 and "report" not in refused.context
    assert "期間の終了日は開始日より前にできません。" in refused.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.PRINT).exists()


def test_the_admin_index_links_the_report(center_client):
    assert URL in center_client.get(reverse("admin:index")).content.decode()


def test_a_facility_login_cannot_open_the_report(client):
    client.force_login(f.UserFactory())
    response = client.get(URL, {"download": "xlsx"})
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_shows_the_figures_and_its_print_is_logged(center_client):
    build()
    response = center_client.get(
        URL, {"start": "2025-04-01", "end": "2026-03-31", "download": "pdf"}
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    hospital = expected(HOSPITAL)
    # the first table: a category, then its facilities at the start, joined, left, at the end
    rows = [
        line.split() for line in text.splitlines() if line.split()[:1] == ["病院及びクリニック"]
    ]
    keys = ["facilities_at_start", "joined", "left", "facilities_at_end"]
    assert [str(hospital[key]) for key in keys] in [row[1:] for row in rows]
    assert "2025年4月1日〜2026年3月31日" in text
    logged = AccessLog.objects.get(action=AccessLog.Action.PRINT)
    assert logged.user == response.wsgi_request.user
    assert "2025-04-01" in logged.description and logged.target_ids == []


def test_the_xlsx_reads_back_the_same_numbers(center_client):
    build()
    response = center_client.get(
        URL, {"start": "2025-04-01", "end": "2026-03-31", "download": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    report = council_report(start=START, end=END)
    facilities = list(book.worksheets[1].iter_rows(values_only=True))
    assert facilities[0][0] == "事業所種別"
    hospital = next(row for row in facilities if row[0] == str(Category.HOSPITAL_CLINIC.label))
    h = expected(HOSPITAL)
    assert list(hospital[1:]) == [
        h["facilities_at_start"],
        h["joined"],
        h["left"],
        h["facilities_at_end"],
    ]
    assert facilities[-1][1:] == (
        report.total.facilities_at_start,
        report.total.joined,
        report.total.left,
        report.total.facilities_at_end,
    )
    training = list(book.worksheets[3].iter_rows(values_only=True))
    total = training[-1]
    assert total[1:4] == (
        report.total.holders,
        report.total.trained,
        float(report.total.attendance.percent),
    )
    months = list(book["月別ID"].iter_rows(values_only=True))[1:]
    assert [(row[1], row[2]) for row in months] == [(m.issued, m.deleted) for m in report.months]
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, row_count=18).count() == 1


def test_the_command_writes_the_files_as_a_center_login(tmp_path, center_user):
    build()
    out = tmp_path / "report.xlsx"
    call_command(
        "council_report",
        "--from=2025-04-01",
        "--to=2026-03-31",
        "--format=xlsx",
        f"--out={out}",
        f"--user={center_user.username}",
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(out)
    summary = dict(list(book.worksheets[0].iter_rows(values_only=True))[1:])
    assert summary["研修会の開催数"] == 2
    logged = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert logged.user == center_user
    pdf = tmp_path / "report.pdf"
    call_command(
        "council_report",
        "--from=2025-04-01",
        "--to=2026-03-31",
        "--format=pdf",
        f"--out={pdf}",
        f"--user={center_user.username}",
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert AccessLog.objects.get(action=AccessLog.Action.PRINT).user == center_user


@pytest.mark.parametrize("login", ["admin-x", "nobody"])
def test_the_command_refuses_a_login_that_is_not_the_centers(tmp_path, login):
    f.UserFactory(username="admin-x")
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="有効なサポートセンターのログインではありません"):
        call_command(
            "council_report",
            "--from=2025-04-01",
            "--to=2026-03-31",
            "--format=pdf",
            f"--out={out}",
            f"--user={login}",
        )
    assert not out.exists()
    assert not AccessLog.objects.exists()


def test_the_command_refuses_a_bad_period_and_writes_nothing(tmp_path, center_user):
    out = tmp_path / "report.pdf"
    for start, end in [("2026-03-31", "2025-04-01"), ("2025-13-01", "2026-03-31")]:
        with pytest.raises(CommandError):
            call_command(
                "council_report",
                f"--from={start}",
                f"--to={end}",
                "--format=pdf",
                f"--out={out}",
                f"--user={center_user.username}",
            )
    assert not out.exists()
    assert not AccessLog.objects.exists()
