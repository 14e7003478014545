"""Concurrent edits (issue 8): the second of two admin saves of one record is refused instead
of overwriting the first; two clicks on a workflow step cannot both take effect."""

import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from consents.services import consent_withdraw
from groups.models import Membership
from groups.services import membership_approve
from tests import factories as f
from tests.html_forms import form_data
from tests.world import build_world


def change_form(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).content.decode(), f"{obj._meta.model_name}_form")


@pytest.mark.django_db
def test_the_second_of_two_admin_saves_is_refused_with_a_clear_message():
    first_user, second_user = f.CenterUserFactory(), f.CenterUserFactory()
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    facility = f.FacilityFactory(name="みさと中央クリニック")
    url, first_data = change_form(first, facility)
    _, second_data = change_form(second, facility)

    saved = first.post(url, {**first_data, "phone": "048-111-1111", "_save": ""})
    assert saved.status_code == 302
    refused = second.post(url, {**second_data, "phone": "048-222-2222", "_save": ""})
    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert first_user.username in message and "保存されていません" in message
    facility.refresh_from_db()
    assert facility.phone == "048-111-1111"
    assert facility.history.count() == 2  # created, and the first save only

    # opened again, the record carries the new version and the change goes through
    url, fresh = change_form(second, facility)
    assert second.post(url, {**fresh, "phone": "048-222-2222", "_save": ""}).status_code == 302
    facility.refresh_from_db()
    assert facility.phone == "048-222-2222"


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused(center_client):
    person = f.StaffMemberFactory()
    url, data = change_form(center_client, person)
    data.pop("version")
    response = center_client.post(url, {**data, "_save": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_approve_at_once_approve_once():
    world = build_world()
    invitation = world.a.staff_invitation  # A's staff accepted in B's group: A approves
    start = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            start.wait()
            membership_approve(membership=invitation, by=world.a.admin)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    invitation.refresh_from_db()
    assert invitation.status == Membership.Status.APPROVED
    assert invitation.history.filter(status="approved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_consent_withdrawal_on_one_group_never_deadlock():
    """Both lock the group before its memberships (mcs_admin.locking): run together 20 times,
    one waits for the other, and the end is one the policy allows — the consent withdrawn and
    the outside member gone, whichever came first."""
    world = build_world()
    outcomes = []

    def run(start, step, name):
        try:
            start.wait()
            step()
            outcomes.append(name)
        except ValidationError:
            outcomes.append(f"{name} refused")
        finally:
            connection.close()

    for _ in range(20):
        group = f.CareGroupFactory(owner=world.a.facility)
        consent = f.PatientConsentFactory(group=group, status="received", received_on=f.TODAY)
        member = f.MembershipFactory(group=group, staff_member=world.b.staff, status="accepted")
        start = threading.Barrier(2)
        approve = partial(membership_approve, membership=member, by=world.b.admin)
        withdraw = partial(consent_withdraw, consent=consent, by=world.a.admin, reason="家族の意向")
        steps = [(start, approve, "approve"), (start, withdraw, "withdraw")]
        threads = [threading.Thread(target=run, args=step) for step in steps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        member.refresh_from_db()
        consent.refresh_from_db()
        assert (consent.status, member.status) == ("withdrawn", "removed")
    assert outcomes.count("withdraw") == 20  # never ended as a deadlock
    assert outcomes.count("approve") + outcomes.count("approve refused") == 20
