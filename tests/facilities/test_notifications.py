"""Immediate notices (issue 21): the center's decisions reach the facility's administrators at
once, after commit, in Japanese, with no patient's name; a refused step sends nothing, and the
notice writes no history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from facilities import services
from facilities.models import IdRequest, McsAccount, UsageApplication
from mcs_admin.documents import document_receive
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def admin_email(side):
    return side.admin.staff_member.email


def history_rows():
    return sum(model.history.count() for model in (IdRequest, McsAccount, UsageApplication))


def run(service, capture, **kwargs):
    """The service, then its commit's callbacks: the history is the service's alone."""
    with capture(execute=False) as callbacks:
        result = service(**kwargs)
    before = history_rows()
    for callback in callbacks:
        callback()
    assert history_rows() == before
    return result


def test_an_issued_id_is_notified_with_its_login_id(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    a = world.a
    person = f.StaffMemberFactory(facility=a.facility, family_name="発行", given_name="花子")
    f.StaffPledgeFactory(staff_member=person, status="received", received_on=f.TODAY)
    request = services.id_request_create(staff_member=person, kind="issue", by=a.admin)
    run(
        services.id_request_issue,
        django_capture_on_commit_callbacks,
        request=request,
        login_id="hanako@example.jp",
        by=world.center,
    )
    (mail,) = mailoutbox
    assert mail.to == [admin_email(a)]
    assert mail.subject == f"[MCS] MCS IDを発行しました：{person.full_name}"
    assert "hanako@example.jp" in mail.body and "パスワード" not in mail.body
    assert reverse("facility:id_requests", args=[a.facility.pk]) in mail.body


def test_a_rejected_request_is_notified_without_its_reason(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    a = world.a
    request = a.deletion
    run(
        services.id_request_reject,
        django_capture_on_commit_callbacks,
        request=request,
        reason="本人が継続利用",
        by=world.center,
    )
    (mail,) = mailoutbox
    assert mail.to == [admin_email(a)]
    assert (
        mail.subject
        == f"[MCS] ID申請を受け付けませんでした：{request.staff_member.full_name}（削除）"
    )
    assert "本人が継続利用" not in mail.body  # free text stays behind the link


def test_a_completed_deletion_is_notified(world, mailoutbox, django_capture_on_commit_callbacks):
    a = world.a
    services.id_request_confirm_step(request=a.deletion, step="released", by=a.admin)
    run(
        services.id_request_confirm_deleted,
        django_capture_on_commit_callbacks,
        request=a.deletion,
        by=world.center,
    )
    (mail,) = mailoutbox
    assert mail.to == [admin_email(a)]
    assert "削除" in mail.subject and a.deletion.staff_member.full_name in mail.body


def test_an_approved_application_reaches_the_administrator_it_appointed(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    facility = f.FacilityFactory(status="applying", joined_on=None, name="新規クリニック")
    application = f.UsageApplicationFactory(facility=facility)
    f.ApplicationRosterLineFactory(
        application=application, email="dr@example.jp", is_administrator=True
    )
    f.ApplicationRosterLineFactory(application=application, email="ns@example.jp")
    f.FacilityPledgeFactory(facility=facility, status="received", received_on=f.TODAY)
    today = timezone.localdate()
    document_receive(
        document_number=application.document_number, received_on=today, by=world.center
    )
    services.application_check(application=application, by=world.center)
    run(
        services.application_approve,
        django_capture_on_commit_callbacks,
        application=application,
        by=world.center,
    )
    (mail,) = mailoutbox
    assert mail.to == ["dr@example.jp"]
    assert mail.subject == "[MCS] 利用申込を承認しました：新規クリニック"
    assert application.document_number in mail.body and "2 件" in mail.body


def test_a_refused_step_sends_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    request = world.a.deletion
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.id_request_reject(request=request, reason=" ", by=world.center)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.id_request_confirm_deleted(request=request, by=world.center)
    assert mailoutbox == []
    assert IdRequest.objects.get(pk=request.pk).status == "pending"


def test_no_notice_names_a_patient(world, mailoutbox, django_capture_on_commit_callbacks):
    a = world.a
    patient = a.group.patient
    patient.family_name, patient.given_name = "秘匿", "患者"
    patient.save()
    # a staff member who shares the patient's family name would be named: choose another
    person = f.StaffMemberFactory(facility=a.facility, family_name="職員", given_name="一郎")
    f.StaffPledgeFactory(staff_member=person, status="received", received_on=f.TODAY)
    issue = services.id_request_create(staff_member=person, kind="issue", by=a.admin)
    delete = a.deletion
    with django_capture_on_commit_callbacks(execute=True):
        services.id_request_issue(request=issue, login_id="ichiro@example.jp", by=world.center)
    with django_capture_on_commit_callbacks(execute=True):
        services.id_request_reject(request=delete, reason=patient.full_name, by=world.center)
    assert len(mailoutbox) == 2
    text = " ".join(mail.subject + mail.body for mail in mailoutbox)
    assert patient.full_name not in text and patient.family_name not in text
