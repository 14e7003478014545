"""The leak report (issue 17, part 3): for a login and/or a window, every patient, staff
member and applicant on an application's roster whose records were viewed, printed or
exported, with the totals the report to the 個人情報保護委員会 asks for; as a page, CSV and PDF,
each recorded in the access log itself."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from facilities.models import McsAccount, StaffMember
from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record
from office import leak_report as leak_report_module
from office.access_audit import PEOPLE_OF
from office.leak_report import PER_PAGE, leak_report
from office.shown import People
from tests import factories as f
from tests.pdf_reading import pages_text, squeeze
from tests.world import build_world

URL = "admin:mcs_admin_accesslog_report"


@pytest.fixture
def world(db):
    return build_world()


def window(**extra) -> dict:
    now = timezone.localtime()
    return {
        "start": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "end": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def report_of(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response.context["report"]


def people(report) -> tuple[set, set]:
    return {line.person for line in report.patients}, {line.person for line in report.staff}


def test_after_a_roster_export_the_report_counts_every_exported_holder(client, world, center_user):
    client.force_login(world.center)
    export = client.get(reverse("portal:roster_download", kwargs={"fmt": "csv"}))
    assert export.status_code == 200
    holders = set(
        StaffMember.objects.filter(
            left_on__isnull=True,
            mcs_accounts__in=McsAccount.objects.exclude(status=McsAccount.Status.DELETED),
        )
    )
    assert len(holders) >= 8  # both worlds' administrators, users, staff, members, leavers

    client.force_login(center_user)
    report = report_of(client, **window(username="center"))
    patients, staff = people(report)
    assert patients == set() and staff == holders
    assert {line.exported for line in report.staff} == {1}
    assert {line.viewed for line in report.staff} == {0}
    assert report.entries_by_action == {"export": 1}
    assert report.logins == ["center"]
    one = report.staff[0]
    assert one.facilities == [one.person.facility.name]
    assert "MCSログインID" in one.items and one.items[0] == "氏名"
    page = client.get(reverse(URL), window(username="center")).content.decode()
    assert f"計 {len(holders)} 人：患者 0 人（要配慮個人情報）、職員 {len(holders)} 人" in page


def test_after_views_of_a_patient_group_the_report_counts_its_patient_and_members(
    client, world, center_client
):
    group = world.a.group
    client.force_login(world.a.admin)
    for _ in range(2):
        assert client.get(reverse("groups:group_detail", args=[group.pk])).status_code == 200
    members = {m.staff_member for m in group.memberships.all()}
    assert {world.a.member.staff_member, world.b.user.staff_member} <= members

    center_client.force_login(f.CenterUserFactory())
    report = report_of(center_client, **window(username="admin-a"))
    patients, staff = people(report)
    assert patients == {group.patient}
    assert staff == members | {group.attending_physician}  # the page names the physician
    (patient,) = report.patients
    assert patient.sensitive and patient.kind == "患者（要配慮個人情報）"
    assert (patient.viewed, patient.printed, patient.exported) == (2, 0, 0)
    assert patient.facilities == [world.a.facility.name]
    assert patient.logins == ["admin-a"]
    assert patient.tally.first <= patient.tally.last
    # the page shows the group's consents and its request to assemble members too
    assert report.patient_items == [
        "氏名",
        "患者グループ",
        "連携元事業所",
        "患者同意書（様式4）",
        "メンバー招集依頼",
    ]
    assert report.staff_items == [
        "氏名",
        "患者グループ",
        "事業所",
        "グループメンバー",
        "メンバー招集依頼",
    ]
    assert report.ip_addresses == ["127.0.0.1"]


def test_an_applications_page_and_its_print_count_the_people_on_its_roster(
    client, world, center_user
):
    application = world.a.application
    lines = [
        f.ApplicationRosterLineFactory(application=application, given_name=f"申込{n}")
        for n in range(3)
    ]
    f.ApplicationRosterLineFactory(application=world.b.application)  # another roster, not shown
    client.force_login(world.center)
    change = reverse("admin:facilities_usageapplication_change", args=[application.pk])
    assert client.get(change).status_code == 200
    form1 = client.get(reverse("admin:facilities_usageapplication_print", args=[application.pk]))
    assert form1["Content-Type"] == "application/pdf"

    client.force_login(center_user)
    params = window(username="center")
    report = report_of(client, **params)
    assert {line.person for line in report.lines} == set(lines)  # the applicants only
    assert [(line.viewed, line.printed, line.exported) for line in report.applicants] == [
        (1, 1, 0)
    ] * 3
    one = report.applicants[0]
    assert one.kind == "利用申込書の名簿の記載者" and not one.sensitive
    assert one.facilities == [world.a.facility.name] and one.logins == ["center"]
    assert report.applicant_items == [
        "氏名",
        "氏名（フリガナ）",
        "事業所",
        "職種",
        "性別",
        "メールアドレス",
    ]
    page = client.get(reverse(URL), params).content.decode()
    assert "計 3 人：患者 0 人（要配慮個人情報）、職員 0 人、利用申込書の名簿の記載者 3 人" in page
    assert all(line.full_name in page for line in lines)

    response = client.get(reverse(URL), {**params, "download": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row[:6] for row in rows[1:]) == [
        ["利用申込書の名簿の記載者", line.full_name, world.a.facility.name, "1", "1", "0"]
        for line in lines
    ]

    response = client.get(reverse(URL), {**params, "download": "pdf"})
    text = "".join(pages_text(response.content))
    assert "計3人（患者0人、職員0人、利用申込書の名簿の記載者3人）" in text
    assert "個人データの項目（利用申込書の名簿の記載者）氏名・氏名（フリガナ）・事業所" in text
    assert all(squeeze(line.full_name) in text for line in lines)

    # showing, exporting and printing the report each record the applicants it lists
    recorded = AccessLog.objects.filter(user=center_user).order_by("pk")
    listed = sorted(line.pk for line in lines)
    assert [(e.action, e.target_type, sorted(e.target_ids)) for e in recorded] == [
        (action, "facilities.ApplicationRosterLine", listed)
        for action in ("view", "view", "export", "print")
    ]


def test_a_record_that_names_many_people_counts_each_of_them(world):
    session = f.TrainingSessionFactory(facility=world.a.facility)
    session.attendees.set([world.a.staff, world.a.admin.staff_member])
    access_log_record(user=world.a.admin, action="view", targets=[session])
    report = leak_report(AccessLog.objects.all(), username="", start=None, end=timezone.now())
    assert {line.person for line in report.staff} == {world.a.staff, world.a.admin.staff_member}


def test_a_window_alone_reads_every_login_and_a_login_alone_its_whole_log(world, center_client):
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    access_log_record(user=world.b.admin, action="print", targets=[world.b.staff_pledge])
    access_log_record(user=world.a.admin, action="export", targets=[world.a.staff])
    physician = world.a.group.attending_physician  # a group's record names its physician
    everyone = report_of(center_client, **window())
    patients, staff = people(everyone)
    assert (patients, staff) == ({world.a.group.patient}, {world.a.staff, world.b.staff, physician})
    assert everyone.logins == ["admin-a", "admin-b"]
    whole = report_of(center_client, username="admin-a")
    assert people(whole) == ({world.a.group.patient}, {world.a.staff, physician})
    assert whole.start is None and whole.window.startswith("記録の最初～")


def test_the_csv_and_the_pdf_list_the_people_and_record_themselves(world, center_client):
    group = world.a.group
    access_log_record(user=world.a.admin, action="view", targets=[group])
    access_log_record(user=world.a.admin, action="print", targets=[world.a.consent])
    access_log_record(user=world.a.admin, action="export", targets=[world.a.staff])
    params = window(username="admin-a")
    before = AccessLog.objects.count()

    response = center_client.get(reverse(URL), {**params, "download": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="leak-report-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["種別", "氏名", "事業所", "閲覧"]
    by_name = {row[1]: row for row in rows[1:]}
    physician = group.attending_physician
    assert set(by_name) == {
        group.patient.full_name,
        world.a.staff.full_name,
        physician.full_name,
    }
    patient_row = by_name[group.patient.full_name]
    assert patient_row[0] == "患者（要配慮個人情報）"
    assert patient_row[3:6] == ["1", "1", "0"]  # viewed, printed, exported
    assert patient_row[8] == "admin-a"
    assert patient_row[9] == "氏名・患者グループ・連携元事業所・患者同意書（様式4）"

    response = center_client.get(reverse(URL), {**params, "download": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(pages_text(response.content))
    for expected in [
        "漏えい等のおそれがある個人データの本人一覧",
        "三郷市医師会",
        squeeze(group.patient.full_name),
        squeeze(world.a.staff.full_name),
        world.a.facility.name,
        "計3人（患者1人、職員2人、利用申込書の名簿の記載者0人）",
        "うち要配慮個人情報の本人1人（患者）",
        "admin-a",
    ]:
        assert expected in text
    for stray in ["None", "care_groups", "StaffMember", "view", "print", "export"]:
        assert stray not in text

    recorded = AccessLog.objects.filter(pk__gt=AccessLog.objects.order_by("pk")[before - 1].pk)
    staff_ids = tuple(sorted([world.a.staff.pk, physician.pk]))
    assert sorted((e.action, e.target_type, tuple(sorted(e.target_ids))) for e in recorded) == [
        ("export", "care_groups.Patient", (group.patient_id,)),
        ("export", "facilities.StaffMember", staff_ids),
        ("print", "care_groups.Patient", (group.patient_id,)),
        ("print", "facilities.StaffMember", staff_ids),
    ]
    assert all("admin-a" in e.description for e in recorded)


def test_showing_the_report_records_the_people_it_lists(world, center_client, center_user):
    access_log_record(user=world.a.admin, action="view", targets=[world.a.member])
    report_of(center_client, **window(username="admin-a"))
    shown = AccessLog.objects.filter(user=center_user, action="view").order_by("pk")
    assert [(e.target_type, e.target_ids, e.row_count) for e in shown] == [
        ("care_groups.Patient", [world.a.group.patient_id], 1),
        ("facilities.StaffMember", [world.a.member.staff_member_id], 1),
    ]
    assert shown[0].description.startswith("漏えい等報告の本人一覧：admin-a、")
    # the report of the center's own login now finds the people its report showed
    again = report_of(center_client, **window(username=center_user.username))
    assert people(again) == ({world.a.group.patient}, {world.a.member.staff_member})


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"start": "2026-05-01T00:00", "end": "2026-04-01T00:00"},
            "終了は開始より後にしてください。",
        ),
        ({"username": "admin-a\x07"}, "目に見えない文字"),
        ({}, "ログイン名か期間、またはその両方を入力してください。"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_writes_nothing(
    world, center_client, params, message
):
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    before = AccessLog.objects.count()
    for download in ["", "csv", "pdf"]:
        response = center_client.get(reverse(URL), {**params, "download": download, "x": "1"})
        assert response.status_code == 200
        assert response.context["report"] is None
        assert message in response.content.decode()
    assert AccessLog.objects.count() == before


def test_only_the_center_opens_the_report(client, world):
    before = AccessLog.objects.count()
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(reverse(URL), window()).status_code == 403
    client.force_login(world.a.admin)
    assert client.get(reverse(URL), window(download="csv"), follow=True).status_code == 403
    assert not AccessLog.objects.filter(action__in=["view", "export", "print"]).exists()
    assert AccessLog.objects.count() == before


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_number_of_people(world):
    def queries_for(count: int) -> int:
        login = f.UserFactory()
        for _ in range(count):
            membership = f.MembershipFactory(group=f.CareGroupFactory(owner=world.a.facility))
            person = membership.staff_member
            access_log_record(user=login, action="view", targets=[membership.group])
            access_log_record(user=login, action="view", targets=[membership])
            access_log_record(user=login, action="print", targets=[person])
            access_log_record(
                user=login, action="export", targets=[f.McsAccountFactory(staff_member=person)]
            )
        entries = AccessLog.objects.filter(username=login.username)
        with CaptureQueriesContext(connection) as queries:
            report = leak_report(entries, username="", start=None, end=timezone.now())
            shown = [(line.facilities, line.person.full_name, line.items) for line in report.lines]
        assert len(report.patients) == len(report.staff) == count == len(shown) / 2
        return len(queries)

    assert queries_for(2) == queries_for(7)


def test_a_kind_of_record_without_stated_items_reads_as_its_models_name(world, monkeypatch):
    monkeypatch.setitem(PEOPLE_OF, "facilities.IdRequest", People(staff="staff_member"))
    access_log_record(user=world.a.admin, action="view", targets=[world.a.deletion])
    report = leak_report(AccessLog.objects.all(), username="", start=None, end=timezone.now())
    (line,) = report.lines
    assert line.person == world.a.deletion.staff_member
    assert line.items == ["氏名", str(world.a.deletion._meta.verbose_name)]


def test_the_page_lists_a_page_of_the_people_and_records_those_the_csv_everyone(
    world, center_client, center_user, monkeypatch
):
    monkeypatch.setattr(leak_report_module, "PER_PAGE", 2)
    login = f.UserFactory()
    staff = [f.StaffMemberFactory(facility=world.a.facility) for _ in range(5)]
    for person in staff:  # viewed one after the other: the order of the lines
        access_log_record(user=login, action="view", targets=[person])
    params = window(username=login.username)

    first = center_client.get(reverse(URL), params)
    assert first.context["report"].people == 5 and first.context["report"].staff_count == 5
    assert [line.person for line in first.context["page"].object_list] == staff[:2]
    content = first.content.decode()
    assert "計 5 人：患者 0 人（要配慮個人情報）、職員 5 人" in content
    assert "5 人のうち 1～2 人目" in content and staff[2].full_name not in content
    last = center_client.get(reverse(URL), {**params, "page": "3"})
    assert [line.person for line in last.context["page"].object_list] == staff[4:]
    shown = AccessLog.objects.filter(user=center_user, action="view").order_by("pk")
    assert (
        [e.target_ids for e in shown]
        == [  # each page records the people it showed
            [person.pk for person in staff[:2]],
            [staff[4].pk],
        ]
    )

    response = center_client.get(reverse(URL), {**params, "download": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [person.full_name for person in staff]
    exported = AccessLog.objects.get(user=center_user, action="export")
    assert sorted(exported.target_ids) == sorted(person.pk for person in staff)


def test_a_page_of_the_report_runs_the_same_queries_for_a_few_people_and_for_many(
    world, center_client
):
    def queries_for(count: int) -> int:
        login = f.UserFactory()
        for _ in range(count):
            membership = f.MembershipFactory(group=f.CareGroupFactory(owner=world.a.facility))
            access_log_record(user=login, action="view", targets=[membership.group])
            access_log_record(user=login, action="view", targets=[membership])
        with CaptureQueriesContext(connection) as queries:
            response = center_client.get(reverse(URL), window(username=login.username))
        report = response.context["report"]
        assert report.patient_count == report.staff_count == count
        assert len(response.context["page"].object_list) == min(2 * count, PER_PAGE)
        return len(queries)

    queries_for(1)  # the session's and the process's first reads
    # a page of 4 people; the first of two pages of 98 (both kinds of person on each)
    assert queries_for(2) == queries_for(PER_PAGE - 1)
