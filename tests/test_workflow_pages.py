"""What the workflow pages of issue 7 show and do, beyond who may open them
(tests/office/test_access_matrix.py) and the rules of their services."""

import pytest
from django.urls import reverse

from devices.models import CarryOutNotice, Incident
from groups.models import CareGroup, Membership
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_the_consent_is_obtained_by_the_physician_or_whom_the_physician_designated(client, world):
    """独自ルール 1: the attending physician, or a person the physician designated, of any
    facility; the owner's other staff are not offered."""
    group = f.CareGroupFactory(
        owner=world.a.facility, attending_physician=world.b.admin.staff_member
    )
    f.ConsentDesignationFactory(group=group, staff_member=world.b.user.staff_member)
    client.force_login(world.a.admin)
    page = client.get(reverse("groups:group_consent", args=[group.pk]))
    obtainers = set(page.context["form"].fields["obtained_by"].queryset)
    assert obtainers == {world.b.admin.staff_member, world.b.user.staff_member}


def test_the_withdrawal_page_says_who_leaves_and_withdraws(client, world):
    a = world.a
    client.force_login(a.admin)
    url = reverse("groups:consent_withdraw", args=[a.group.pk])
    page = client.get(url).content.decode()
    assert str(a.member.staff_member) in page
    response = client.post(url, {"withdrawn_on": "", "reason": "家族の意向"})
    assert response.status_code == 200  # the date is required: nothing written
    assert a.group.consents.get().status == "received"
    client.post(url, {"withdrawn_on": str(f.TODAY), "reason": "家族の意向"})
    a.member.refresh_from_db()
    assert (a.member.status, a.group.consents.get().status) == ("removed", "withdrawn")


def test_the_move_page_searches_facilities_and_the_receiver_refuses_with_a_reason(client, world):
    a, b = world.a, world.b
    client.force_login(a.admin)
    url = reverse("groups:group_transfer", args=[a.group.pk])
    page = client.get(url, {"q": b.facility.name})
    assert list(page.context["form"].fields["to_facility"].queryset) == [b.facility]
    client.post(url, {"to_facility": b.facility.pk, "reason": "転居"})
    transfer = a.group.transfers.get()
    detail = client.get(reverse("groups:group_detail", args=[a.group.pk])).content.decode()
    assert "判断待ち" in detail
    client.force_login(b.admin)
    refuse = reverse("groups:transfer_refuse", args=[b.facility.pk, transfer.pk])
    page = client.post(refuse, {"reason": ""}, follow=True).content.decode()
    assert "不承認の理由を書いてください" in page
    client.post(refuse, {"reason": "担当できない"})
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_reason) == ("refused", "担当できない")


def test_an_archived_group_is_reopened_from_its_page(client, world):
    a = world.a
    group = f.CareGroupFactory(owner=a.facility, status="archived", archived_on=f.TODAY)
    client.force_login(a.admin)
    detail = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()
    assert reverse("groups:group_reopen", args=[group.pk]) in detail
    assert reverse("groups:group_invite", args=[group.pk]) not in detail
    client.post(reverse("groups:group_reopen", args=[group.pk]), {"reason": "在宅療養を再開"})
    group.refresh_from_db()
    assert group.status == CareGroup.Status.ACTIVE
    history = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()
    assert "在宅療養を再開" in history


def test_a_user_leaves_a_group_from_my_groups(client, world):
    a = world.a
    membership = f.MembershipFactory(
        group=f.CareGroupFactory(owner=world.b.facility),
        staff_member=a.user.staff_member,
        status="approved",
    )
    client.force_login(a.user)
    page = client.get(reverse("groups:my_groups")).content.decode()
    assert reverse("groups:my_group_leave", args=[membership.pk]) in page
    client.post(reverse("groups:my_group_leave", args=[membership.pk]))
    membership.refresh_from_db()
    assert (membership.status, membership.ended_by) == (Membership.Status.REMOVED, a.user)


def test_the_attending_physician_removes_someone_who_leaked(client, world):
    a = world.a
    client.force_login(a.admin)  # the attending physician of A's group
    page = client.get(reverse("groups:attended_groups")).content.decode()
    assert str(a.member.staff_member) in page
    client.post(reverse("groups:leak_remove", args=[a.member.pk]), {"reason": "SNS に投稿"})
    a.member.refresh_from_db()
    assert a.member.status == "removed" and "SNS" in a.member.end_reason
    client.force_login(a.user)  # not a physician of any group
    assert client.get(reverse("groups:attended_groups")).context["object_list"].count() == 0


def test_a_user_records_the_return_of_what_they_took_out(client, world):
    a = world.a
    client.force_login(a.user)
    client.post(reverse("devices:my_carry_out_return", args=[a.carry_out.pk]))
    notice = CarryOutNotice.objects.get(pk=a.carry_out.pk)
    assert (notice.status, notice.returned_on is not None) == ("closed", True)
    page = client.get(reverse("devices:my_carry_outs")).content.decode()
    assert reverse("devices:my_carry_out_return", args=[notice.pk]) not in page


def test_the_administrator_records_actions_and_closes_an_incident(client, world):
    a = world.a
    client.force_login(a.admin)
    url = reverse("devices:incident_actions", args=[a.facility.pk, a.incident.pk])
    client.post(url, {"remote_wipe_done": "on", "involves_personal_data": "on"})
    detail_url = reverse("devices:incident_detail", args=[a.facility.pk, a.incident.pk])
    detail = client.get(detail_url).content.decode()
    assert "個人情報保護法による報告" in detail
    close = reverse("devices:incident_close", args=[a.facility.pk, a.incident.pk])
    assert close not in detail  # not before both reports
    page = client.post(close, follow=True).content.decode()
    assert "速報と確報" in page
    assert Incident.objects.get(pk=a.incident.pk).status == "open"
