"""Printed forms that never came back: the one rule, the center's list per facility, the reprint."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mcs_admin.documents import unreturned, unreturned_forms
from mcs_admin.models import AccessLog, AssociationProfile
from pledges.models import StaffPledge
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def every_form(facility, prepared_on, patient_name="秘匿 一郎"):
    """One record of each of 様式1–4 of `facility`, its paper out since `prepared_on`."""
    person = f.StaffMemberFactory(facility=facility, address="埼玉県三郷市1-1")
    group = f.CareGroupFactory(owner=facility, patient__family_name=patient_name.split()[0])
    return [
        f.UsageApplicationFactory(facility=facility, prepared_on=prepared_on),
        f.FacilityPledgeFactory(facility=facility, prepared_on=prepared_on),
        f.StaffPledgeFactory(staff_member=person, prepared_on=prepared_on),
        f.PatientConsentFactory(group=group, prepared_on=prepared_on),
    ]


def test_a_form_is_unreturned_from_the_profiles_day_on_and_never_an_exemption():
    f.AssociationProfileFactory(paper_return_days=10)
    profile = AssociationProfile.current()
    since = profile.paper_overdue_since(timezone.localdate())
    late = f.StaffPledgeFactory(prepared_on=days_ago(10))
    f.StaffPledgeFactory(prepared_on=days_ago(9))  # still in time
    f.StaffPledgeFactory(prepared_on=days_ago(30), status="received", received_on=days_ago(1))
    f.StaffPledgeFactory(
        prepared_on=days_ago(30), basis="exemption", exemption_note="2020年の誓約書"
    )
    assert list(unreturned(StaffPledge, prepared_by=since)) == [late]


def test_the_default_is_fourteen_days():
    assert AssociationProfile.current().paper_return_days == 14


def test_every_form_of_each_facility_is_listed_with_a_reprint_of_its_number(center_client):
    a, b = f.FacilityFactory(name="A医院"), f.FacilityFactory(name="B薬局")
    records = every_form(a, days_ago(20)) + every_form(b, days_ago(15))
    every_form(a, days_ago(3))  # not yet late
    response = center_client.get(reverse("admin:unreturned_forms"))
    listed = [
        (facility, [row.record for row, _urls in rows])
        for facility, rows in response.context["facilities"]
    ]
    assert listed == [(a, records[:4]), (b, records[4:])]
    page = response.content.decode()
    for record in records:
        opts = record._meta
        assert record.document_number in page
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_print", args=[record.pk]) in page
    assert "秘匿" not in page  # no patient's name, only the group's number


def test_the_list_keeps_one_facility(center_client):
    a, b = f.FacilityFactory(), f.FacilityFactory()
    mine = every_form(a, days_ago(20))
    every_form(b, days_ago(20))
    response = center_client.get(reverse("admin:unreturned_forms"), {"facility": a.pk})
    assert [row.record for row in response.context["rows"]] == mine
    for nonsense in ("x", "-1", "9" * 30):  # every facility's, never an error
        response = center_client.get(reverse("admin:unreturned_forms"), {"facility": nonsense})
        assert len(response.context["rows"]) == 8


def test_a_reprint_prints_the_same_number_and_writes_nothing(center_client):
    f.AssociationProfileFactory()
    pledge = f.StaffPledgeFactory(prepared_on=days_ago(20), staff_member__address="三郷市1-1")
    response = center_client.get(reverse("admin:unreturned_forms"))
    ((_facility, ((_row, urls),)),) = response.context["facilities"]
    before = pledge.history.count()
    response = center_client.get(urls["print"])
    assert response["Content-Type"] == "application/pdf"
    assert pledge.document_number in response["Content-Disposition"]
    pledge.refresh_from_db()
    assert pledge.history.count() == before
    assert AccessLog.objects.filter(action=AccessLog.Action.PRINT).count() == 1


def test_a_login_without_any_forms_permission_is_refused(client):
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(reverse("admin:unreturned_forms")).status_code == 403


def test_the_list_runs_a_fixed_number_of_queries(center_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            center_client.get(reverse("admin:unreturned_forms"))
        return len(captured)

    every_form(f.FacilityFactory(), days_ago(20))
    queries()  # the session's first write (SessionTouchMiddleware), once a minute after
    few = queries()
    for _ in range(5):
        every_form(f.FacilityFactory(), days_ago(20))
    assert queries() == few


def test_the_list_logs_the_staff_it_names_and_no_patient(center_client):
    a = f.FacilityFactory()
    pledge = every_form(a, days_ago(20))[2]
    center_client.get(reverse("admin:unreturned_forms"))
    logged = AccessLog.objects.filter(action=AccessLog.Action.VIEW)
    assert [(log.target_type, log.target_ids) for log in logged] == [
        ("facilities.StaffMember", [pledge.staff_member_id])
    ]


def test_the_forms_come_by_form_then_day_and_one_facilitys_alone():
    a, b = f.FacilityFactory(), f.FacilityFactory()
    mine, theirs = every_form(a, days_ago(20)), every_form(b, days_ago(20))
    center = f.CenterUserFactory()
    everything = unreturned_forms(today=timezone.localdate(), user=center)
    assert [row.record for row in everything] == [
        record for pair in zip(mine, theirs, strict=True) for record in pair
    ]
    one = unreturned_forms(today=timezone.localdate(), facility=a.pk)
    assert [(row.record, row.facility, row.days) for row in one] == [
        (record, a, 20) for record in mine
    ]


def test_a_facilitys_dashboard_lists_its_own_unreturned_forms(client):
    world = build_world()
    consent = f.PatientConsentFactory(group=world.a.group)  # the world's own came back
    client.force_login(world.a.admin)
    response = client.get(reverse("facility:dashboard", args=[world.a.facility.pk]))
    listed = {row.record for row in response.context["unreturned"]["rows"]}
    a, b = world.a, world.b
    assert {a.facility_pledge, a.staff_pledge, consent} <= listed
    assert a.consent not in listed
    assert not listed & {b.application, b.facility_pledge, b.staff_pledge}
    card = response.content.decode().split('id="unreturned"')[1].split("</section>")[0]
    assert a.staff_pledge.document_number in card
    assert consent.document_number in card
    assert a.group.patient.family_name not in card


@pytest.mark.postgres
def test_each_forms_paper_out_is_read_through_its_partial_index(center_client):
    """The list reads the few forms still out, not every form ever returned (a seq scan of
    50,000 staff pledges at 5,000 facilities, docs/performance.md)."""
    every_form(f.FacilityFactory(), days_ago(30))
    with CaptureQueriesContext(connection) as queries:
        assert center_client.get(reverse("admin:unreturned_forms")).status_code == 200
    indexes = {
        "facilities_usageapplication": "application_paper_out",
        "pledges_facilitypledge": "facility_pledge_paper_out",
        "pledges_staffpledge": "staff_pledge_paper_out",
        "consents_patientconsent": "consent_paper_out",
    }
    for table, index in indexes.items():
        (sql,) = [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"')]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows: else a scan
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
