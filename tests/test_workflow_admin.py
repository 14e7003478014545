"""The support center works the workflows in the admin: actions calling the same services,
all or nothing, leaving the center in the history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import PatientConsent
from devices.models import Incident
from groups.models import CareGroup, OwnershipTransfer
from tests.html_forms import form_data
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def act(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(changelist(model), data, follow=True)


def test_the_center_withdraws_a_consent_with_the_reason_it_asks_for(client, world):
    client.force_login(world.center)
    consent = world.a.group.consents.get()
    asked = act(client, PatientConsent, "consent_withdraw_with_reason", [consent])
    assert "理由" in asked.content.decode()  # the intermediate page asks for it
    assert PatientConsent.objects.get(pk=consent.pk).status == "received"
    act(client, PatientConsent, "consent_withdraw_with_reason", [consent], apply="1", reason="電話")
    consent.refresh_from_db()
    assert consent.status == "withdrawn"
    assert consent.history.latest().history_user == world.center
    world.a.member.refresh_from_db()
    assert world.a.member.status == "removed"


def test_a_refused_action_changes_none_of_the_selected_rows(client, world):
    client.force_login(world.center)
    ready = world.a.transfer_in
    decided = world.b.transfer_in
    decided.status, decided.refusal_reason = "refused", "x"
    decided.save()
    page = act(client, OwnershipTransfer, "transfer_approve", [ready, decided]).content.decode()
    assert "何も変更していません" in page and "既に「不承認」" in page
    ready.refresh_from_db()
    assert ready.status == "requested" and ready.group.owner != world.a.facility
    act(client, OwnershipTransfer, "transfer_approve", [ready])
    ready.refresh_from_db()
    assert ready.status == "approved" and ready.decided_by == world.center


def test_the_center_records_the_reports_of_an_incident(client, world):
    client.force_login(world.center)
    incident = world.a.incident
    incident.involves_personal_data = True
    incident.save()
    act(client, Incident, "incident_record_report_preliminary", [incident])
    act(client, Incident, "incident_record_report_final", [incident])
    act(client, Incident, "incident_close", [incident])
    incident.refresh_from_db()
    assert incident.preliminary_report_on and incident.final_report_on
    assert incident.status == "closed" and incident.history.latest().history_user == world.center


def test_a_group_added_in_the_admin_gets_its_first_review(client, world):
    client.force_login(world.center)
    url = reverse("admin:care_groups_caregroup_add")
    data = form_data(client.get(url).content.decode(), "caregroup_form")
    data.update(kind=["free"], name=["北部連絡会"], owner=[str(world.a.facility.pk)])
    response = client.post(url, {**data, "_save": ""})
    assert response.status_code == 302
    group = CareGroup.objects.get(name="北部連絡会")
    assert group.reviews.get().status == "open"


def test_the_center_marks_the_selected_forms_received_today(client, world):
    client.force_login(world.center)
    application, pledge = world.a.application, world.a.facility_pledge
    act(client, type(application), "document_receive_today", [application])
    act(client, type(pledge), "document_receive_today", [pledge])
    for record in (application, pledge):
        record.refresh_from_db()
        assert (record.status, record.received_on) == ("received", timezone.localdate())
        assert record.history.latest().history_user == world.center
