"""独自ルール 4: consultations and complaints, sent from a facility's pages or recorded by the
center, move received → answered → closed by the center, each transition allowed and refused
with its history entry; a refusal writes nothing."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from facilities import services
from facilities.models import CONSULTATION_ANSWER_DAYS, Consultation
from facilities.selectors import overdue_consultations
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    return build_world()


def latest(obj):
    return obj.history.order_by("-history_id").first()


def submit(world, kind="consultation"):
    return services.consultation_submit(
        facility=world.a.facility,
        kind=kind,
        contact_name="管理者 A",
        summary="ID の削除手順について",
        by=world.a.admin,
    )


def test_a_facility_sends_a_consultation_due_in_the_fixed_days(world):
    consultation = submit(world)
    assert consultation.status == Consultation.Status.RECEIVED
    assert consultation.referred_to == Consultation.ReferredTo.SUPPORT_CENTER
    received_on = timezone.localtime(consultation.received_at).date()
    assert consultation.due_on == received_on + datetime.timedelta(days=CONSULTATION_ANSWER_DAYS)
    assert latest(consultation).history_type == "+"
    assert latest(consultation).history_user == world.a.admin


def test_a_complaint_is_referred_to_the_attending_physician(world):
    complaint = submit(world, kind=Consultation.Kind.COMPLAINT)
    assert complaint.referred_to == Consultation.ReferredTo.ATTENDING_PHYSICIAN


def test_another_facility_cannot_send_in_a_facilitys_name(world):
    with pytest.raises(PermissionDenied):
        services.consultation_submit(
            facility=world.a.facility,
            kind="consultation",
            contact_name="B",
            summary="…",
            by=world.b.admin,
        )
    with pytest.raises(PermissionDenied):  # one of no facility is the center's to record
        services.consultation_submit(
            kind="consultation", contact_name="B", summary="…", by=world.b.admin
        )
    assert not Consultation.objects.exists()


def test_the_center_answers_then_closes_with_history(world):
    consultation = submit(world)
    answered = services.consultation_answer(
        consultation=consultation, response="手順書を送付しました", by=world.center
    )
    assert answered.status == Consultation.Status.ANSWERED
    assert answered.answered_at is not None and answered.handled_by == world.center
    assert latest(answered).status == "answered"
    assert latest(answered).history_user == world.center

    closed = services.consultation_close(consultation=answered, by=world.center)
    assert closed.status == Consultation.Status.CLOSED and closed.closed_at is not None
    assert latest(closed).status == "closed"
    assert latest(closed).history_user == world.center


def test_steps_out_of_order_or_by_others_are_refused_and_write_nothing(world):
    consultation = submit(world)
    before = consultation.history.count()
    with pytest.raises(ValidationError, match=r"回答してください|Answer the consultation"):
        services.consultation_close(consultation=consultation, by=world.center)
    with pytest.raises(PermissionDenied):  # the facility does not answer itself
        services.consultation_answer(consultation=consultation, response="済", by=world.a.admin)
    with pytest.raises(ValidationError):  # an answer needs its text
        services.consultation_answer(consultation=consultation, response="  ", by=world.center)
    assert consultation.history.count() == before

    services.consultation_answer(consultation=consultation, response="回答", by=world.center)
    with pytest.raises(ValidationError):  # answered once
        services.consultation_answer(consultation=consultation, response="再", by=world.center)
    services.consultation_close(consultation=consultation, by=world.center)
    after = consultation.history.count()
    with pytest.raises(ValidationError):
        services.consultation_close(consultation=consultation, by=world.center)
    with pytest.raises(ValidationError):  # closed: nothing changes any more
        services.consultation_update(consultation=consultation, due_on=f.TODAY, by=world.center)
    assert consultation.history.count() == after
    consultation.refresh_from_db()
    assert consultation.response == "回答"


def test_overdue_until_answered(world):
    consultation = submit(world)
    Consultation.objects.filter(pk=consultation.pk).update(due_on=timezone.localdate() - DAY)
    consultation.refresh_from_db()
    assert consultation.overdue
    assert list(overdue_consultations(timezone.localdate())) == [consultation]
    services.consultation_answer(consultation=consultation, response="回答", by=world.center)
    consultation.refresh_from_db()
    assert not consultation.overdue
    assert not overdue_consultations(timezone.localdate()).exists()


def test_the_center_gives_more_time_but_not_before_it_was_received(world):
    consultation = submit(world)
    later = consultation.due_on + 7 * DAY
    services.consultation_update(consultation=consultation, due_on=later, by=world.center)
    consultation.refresh_from_db()
    assert consultation.due_on == later
    assert latest(consultation).history_user == world.center
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=consultation, due_on=timezone.localdate() - 30 * DAY, by=world.center
        )
    consultation.refresh_from_db()
    assert consultation.due_on == later


# --- the facility's pages ----------------------------------------------------------------------


def test_the_facility_sends_from_its_page_and_sees_its_own_list(client, world):
    client.force_login(world.a.admin)
    url = reverse("facility:consultation_add", args=[world.a.facility.pk])
    page = client.get(url)
    assert "主治医" in page.content.decode()  # the complaint's way is said on the page
    response = client.post(
        url, {"kind": "complaint", "contact_name": "管理者 A", "summary": "書き込みの漏えいの不安"}
    )
    assert response.status_code == 302
    complaint = Consultation.objects.get()
    assert complaint.facility == world.a.facility
    assert complaint.referred_to == "attending_physician"
    assert latest(complaint).history_user == world.a.admin

    other = f.ConsultationFactory(facility=world.b.facility, summary="B の相談")
    services.consultation_answer(
        consultation=complaint, response="主治医へ伝えました", by=world.center
    )
    listed = client.get(reverse("facility:consultations", args=[world.a.facility.pk]))
    assert list(listed.context["object_list"]) == [complaint]
    text = listed.content.decode()
    assert "主治医へ伝えました" in text and "回答済" in text
    assert other.summary not in text


def test_a_control_character_is_refused_on_the_form_and_writes_nothing(client, world):
    client.force_login(world.a.admin)
    url = reverse("facility:consultation_add", args=[world.a.facility.pk])
    response = client.post(
        url, {"kind": "consultation", "contact_name": "A\x01", "summary": "相談"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contact_name"]
    assert not Consultation.objects.exists()


# --- the center's admin ------------------------------------------------------------------------


def changelist():
    return reverse("admin:facilities_consultation_changelist")


def test_the_center_answers_and_closes_with_the_admins_actions(client, world):
    consultation = submit(world)
    client.force_login(world.center)
    client.post(
        changelist(),
        {
            "action": "consultation_answer",
            "_selected_action": [consultation.pk],
            "apply": "1",
            "response": "主治医の先生へ電話で伝えました",
        },
    )
    consultation.refresh_from_db()
    assert consultation.status == "answered"
    assert latest(consultation).history_user == world.center
    client.post(
        changelist(), {"action": "consultation_close", "_selected_action": [consultation.pk]}
    )
    consultation.refresh_from_db()
    assert consultation.status == "closed"


def test_an_admin_action_out_of_order_changes_nothing(client, world):
    consultation = submit(world)
    client.force_login(world.center)
    before = consultation.history.count()
    response = client.post(
        changelist(),
        {"action": "consultation_close", "_selected_action": [consultation.pk]},
        follow=True,
    )
    assert "終了する前に相談に回答してください。" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == "received"
    assert consultation.history.count() == before


def test_the_status_is_no_field_of_the_admins_form(client, world):
    consultation = submit(world)
    client.force_login(world.center)
    change = client.get(reverse("admin:facilities_consultation_change", args=[consultation.pk]))
    form = change.context["adminform"].form
    for field in ("status", "closed_at", "answered_at", "response", "referred_to"):
        assert field not in form.fields
    overdue = client.get(changelist(), {"overdue": "1"})
    assert list(overdue.context["cl"].result_list) == []


def test_the_migration_maps_a_row_closed_before_the_states_to_closed(world):
    migration = importlib.import_module(
        "facilities.migrations.0012_consultation_status_and_due_date"
    )
    received = timezone.now() - 10 * DAY
    old = f.ConsultationFactory(received_at=received, closed_at=received + DAY)
    still_open = f.ConsultationFactory(received_at=received)
    migration.states_from_closed_at(django_apps, None)
    old.refresh_from_db()
    still_open.refresh_from_db()
    assert (old.status, old.answered_at) == ("closed", old.closed_at)
    assert old.due_on == timezone.localtime(received).date() + 14 * DAY
    assert (still_open.status, still_open.answered_at) == ("received", None)
