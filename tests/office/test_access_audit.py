"""The access log (issue 8): views of patients and staff recorded with who, when, what and from
where; append-only (a PostgreSQL trigger too); searched and exported by the center; and the
report after a suspected leak."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents.selectors import designation_candidates
from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record
from office.leak_report import leak_report
from tests import factories as f
from tests.world import build_world, id_holder


@pytest.fixture
def world(db):
    return build_world()


def views(**filters):
    return AccessLog.objects.filter(action="view", **filters)


def test_a_patient_groups_page_is_recorded_with_who_when_and_where(client, world):
    client.force_login(world.a.admin)
    group = world.a.group
    url = reverse("groups:group_detail", args=[group.pk])
    assert client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 200
    entry = views(target_type="care_groups.CareGroup").get()
    assert (entry.user, entry.target_type, entry.target_ids) == (
        world.a.admin,
        "care_groups.CareGroup",
        [group.pk],
    )
    assert entry.ip_address == "192.0.2.44" and entry.description == url
    assert entry.at.tzinfo is not None


def test_lists_record_every_patient_and_staff_member_they_show(client, world):
    client.force_login(world.a.admin)
    client.get(reverse("groups:group_list", args=[world.a.facility.pk]))
    owned = world.a.facility.owned_groups.filter(status="active").values_list("pk", flat=True)
    shown = views(target_type="care_groups.CareGroup").get().target_ids
    assert world.a.group.pk in shown and set(shown) == set(owned)
    client.get(reverse("facility:staff_list", args=[world.a.facility.pk]))
    shown = set(views(target_type="facilities.StaffMember").get().target_ids)
    assert shown == set(
        world.a.facility.staff.filter(left_on__isnull=True).values_list("pk", flat=True)
    )


def test_the_admins_pages_of_consents_patients_and_staff_are_recorded(center_client, world):
    consent = world.a.group.consents.get()
    center_client.get(reverse("admin:consents_patientconsent_change", args=[consent.pk]))
    center_client.get(reverse("admin:consents_patientconsent_changelist"))
    center_client.get(reverse("admin:care_groups_patient_change", args=[world.a.group.patient_id]))
    center_client.get(reverse("admin:facilities_staffmember_history", args=[world.a.staff.pk]))
    recorded = [(e.target_type, e.target_ids) for e in views().order_by("pk")]
    assert recorded[0] == ("consents.PatientConsent", [consent.pk])
    assert recorded[1][0] == "consents.PatientConsent" and consent.pk in recorded[1][1]
    assert recorded[2] == ("care_groups.Patient", [world.a.group.patient_id])
    assert recorded[3] == ("facilities.StaffMember", [world.a.staff.pk])


def test_a_form_refused_records_the_people_its_page_shows_again(client, world):
    """A POST answered with the page and its errors shows what the GET showed."""
    client.force_login(world.a.admin)
    person = world.a.staff
    url = reverse("facility:staff_edit", args=[world.a.facility.pk, person.pk])
    response = client.post(url, {"family_name": ""})
    assert response.status_code == 200 and person.full_name in response.content.decode()
    entry = views(target_type="facilities.StaffMember").get()
    assert entry.target_ids == [person.pk] and entry.description == url
    admin_url = reverse("admin:facilities_staffmember_change", args=[person.pk])
    client.force_login(world.center)
    assert client.post(admin_url, {"family_name": ""}).status_code == 200
    assert views(target_type="facilities.StaffMember", description=admin_url).get().target_ids == [
        person.pk
    ]


def test_a_refused_page_records_no_view(client, world):
    client.force_login(world.b.admin)
    response = client.get(reverse("groups:group_detail", args=[world.a.group.pk]))
    assert response.status_code == 404
    assert not views().exists()


def test_the_log_cannot_be_changed_or_deleted_through_the_admin(center_client, world):
    entry = access_log_record(user=world.center, action="view", description="x")
    change = reverse("admin:mcs_admin_accesslog_change", args=[entry.pk])
    delete = reverse("admin:mcs_admin_accesslog_delete", args=[entry.pk])
    assert center_client.post(change, {"description": "y"}).status_code == 403
    assert center_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.description == "x"


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_on_the_log(world):
    entry = access_log_record(user=world.center, action="view", description="x")
    for sql in [
        "UPDATE mcs_admin_accesslog SET description = 'y' WHERE id = %s",
        "DELETE FROM mcs_admin_accesslog WHERE id = %s",
    ]:
        with (
            # as the app's role its privileges refuse first (test_access_log_chain.py)
            pytest.raises(DatabaseError, match=r"append-only|permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.description == "x"


def test_the_center_exports_the_searched_entries_with_formulas_neutralised(center_client, world):
    access_log_record(user=None, action="login_failed", username="=HYPERLINK(1)")
    access_log_record(user=None, action="login_failed", username="someone")
    url = reverse("admin:mcs_admin_accesslog_export")
    response = center_client.get(url, {"q": "=HYPERLINK(1)"})  # a login, exactly
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one entry searched
    assert rows[1][1] == "'=HYPERLINK(1)"
    # an export of the log lets out its logins: these entries name none
    export = AccessLog.objects.get(action="export", target_type="mcs_admin.User")
    assert (export.row_count, export.target_ids) == (1, [])


def test_the_report_names_the_patients_and_staff_a_login_saw_in_a_window(client, world):
    admin_a = world.a.admin
    # before the window (the log takes its times from the clock): not counted
    unseen = f.CareGroupFactory()
    before = access_log_record(user=admin_a, action="view", targets=[unseen])
    client.force_login(admin_a)
    client.get(reverse("groups:group_detail", args=[world.a.group.pk]))
    client.get(reverse("facility:staff_detail", args=[world.a.facility.pk, world.a.staff.pk]))
    other_group = f.CareGroupFactory(owner=world.a.facility)
    consent = f.PatientConsentFactory(group=other_group)
    access_log_record(user=admin_a, action="print", targets=[consent])
    # another login: not counted
    access_log_record(user=world.b.admin, action="view", targets=[unseen])

    window = AccessLog.objects.filter(username="admin-a", at__gt=before.at)
    assert window.count() < AccessLog.objects.filter(username="admin-a").count()
    seen = leak_report(window, username="admin-a", start=before.at, end=timezone.now())
    patients = {line.person for line in seen.patients}
    staff = {line.person for line in seen.staff}
    # the staff member's page shows their groups: world B's group, where they are invited
    assert patients == {
        world.a.group.patient,
        other_group.patient,
        world.b.group.patient,
    }
    # the group's page shows its physician and members, the staff member's page the person
    group = world.a.group
    shown = {group.attending_physician, world.a.member.staff_member, world.a.staff}
    assert shown <= staff
    assert staff <= {m.staff_member for m in group.memberships.all()} | shown
    assert len(seen.lines) == len(patients) + len(staff)
    assert seen.entries_by_action["print"] == 1


def test_the_report_page_answers_for_a_login_and_a_window(center_client, world):
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    now = timezone.localtime()
    url = reverse("admin:mcs_admin_accesslog_report")
    response = center_client.get(
        url,
        {
            "username": "admin-a",
            "start": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "end": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert len(response.context["report"].lines) == 2  # the group's patient and its physician
    assert str(world.a.group.patient) in response.content.decode()
    bad = center_client.get(url, {"start": "2026-05-01T00:00", "end": "2026-04-01T00:00"})
    assert bad.context["report"] is None and bad.context["form"].errors


def test_logins_and_logouts_are_in_the_log(client, world):
    client.force_login(world.a.user)
    client.post(reverse("portal:logout"))
    assert AccessLog.objects.filter(action="logout", user=world.a.user).exists()


def test_who_obtains_a_consent_and_the_moves_are_recorded_as_the_records_they_show(client, world):
    client.force_login(world.a.admin)  # the attending physician of A's group
    group = world.a.group
    client.get(reverse("groups:attended_designations", args=[group.pk]))
    assert views(target_type="care_groups.CareGroup").get().target_ids == [group.pk]
    designated = views(target_type="consents.ConsentDesignation").get().target_ids
    assert designated == [world.a.designation.pk]
    # the form offers whom the physician may designate: each of them was shown
    offered = set(views(target_type="facilities.StaffMember").get().target_ids)
    assert offered == set(designation_candidates(group).values_list("pk", flat=True))
    assert world.a.user.staff_member.pk in offered
    client.get(reverse("groups:transfers", args=[world.a.facility.pk]))
    listed = views(target_type="care_groups.OwnershipTransfer").latest("pk").target_ids
    assert world.a.transfer_in.pk in listed


def test_the_log_names_kinds_of_record_as_the_admin_does(center_client, world):
    access_log_record(user=world.a.admin, action="view", targets=[world.a.staff])
    page = center_client.get(reverse("admin:mcs_admin_accesslog_changelist"))
    content = page.content.decode()
    text = re.sub(r"<[^>]+>", "", content)  # what a person reads, not the links' addresses
    assert "facilities.StaffMember" not in text and "RETENTION_" not in text
    kind_filter = [s for s in page.context["cl"].filter_specs if s.title == "記録の種類"]
    kinds = dict(kind_filter[0].lookup_choices)
    assert kinds["facilities.StaffMember"] == "職員"
    # each kind by a name of its own: the center's role groups are not the patient groups
    assert len(set(kinds.values())) == len(kinds), sorted(kinds.values())
    assert kinds["auth.Group"] == "役割グループ" and kinds["care_groups.CareGroup"] == "グループ"
    assert '<td class="field-kind_of_record">職員</td>' in content
    filtered = center_client.get(
        reverse("admin:mcs_admin_accesslog_changelist"), {"target_type": "facilities.StaffMember"}
    )
    assert [e.target_type for e in filtered.context["cl"].result_list] == ["facilities.StaffMember"]


@pytest.mark.django_db(transaction=True)
def test_a_page_of_several_kinds_writes_them_in_one_insert_and_the_chain_holds(client):
    world = build_world()
    f.IdRequestFactory(staff_member=f.StaffMemberFactory(facility=world.a.facility))
    f.MembershipFactory(
        group=world.b.group, staff_member=id_holder(world.a.facility), status="accepted"
    )
    client.force_login(world.a.admin)
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("facility:dashboard", args=[world.a.facility.pk]))
    assert page.status_code == 200
    table = AccessLog._meta.db_table
    inserts = [q for q in queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 1
    kinds = set(views().order_by("pk")[before:].values_list("target_type", flat=True))
    assert len(kinds) >= 2, kinds
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "改ざんなし" in out.getvalue()
