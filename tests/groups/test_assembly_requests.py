"""独自ルール 5: on a physician's instruction the support center helps assemble a group's
members. The physician asks from the group's page; the center marks it done or declines it
with a note. Each transition allowed and refused, with its history entry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from facilities.services import appointment_start
from groups import services
from groups.models import AssemblyRequest
from tests import factories as f
from tests.world import build_world, id_holder, login_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # the world's groups each have a request already; these tests start from none
    AssemblyRequest.objects.all().delete()
    return world


def latest(obj):
    return obj.history.order_by("-history_id").first()


def nurse_administrator(world):
    """An MCS administrator of the group's owner who is a nurse, not a physician."""
    person = id_holder(world.a.facility, profession="nurse")
    appointment_start(facility=world.a.facility, staff_member=person, by=world.center)
    return login_for(person, "nurse-a")


def ask(world, by=None):
    return services.assembly_request(
        group=world.a.group, note="訪問看護師と薬剤師をお願いします", by=by or world.a.admin
    )


def test_the_attending_physician_asks_and_the_request_is_open(world):
    request = ask(world)
    assert request.status == AssemblyRequest.Status.OPEN
    assert request.requested_by == world.a.admin.staff_member
    assert latest(request).history_type == "+"
    assert latest(request).history_user == world.a.admin


def test_a_physician_of_the_owner_who_runs_the_group_may_ask_too(world):
    group = f.CareGroupFactory(owner=world.a.facility)  # another physician attends
    assert group.attending_physician != world.a.admin.staff_member
    request = services.assembly_request(group=group, note="ケアマネジャーを", by=world.a.admin)
    assert request.requested_by == world.a.admin.staff_member


def test_who_is_not_the_physician_is_refused_and_nothing_is_written(world):
    nurse_admin = nurse_administrator(world)
    other_physician = login_for(id_holder(world.b.facility, profession="physician"), "doc-b")
    for user in (nurse_admin, other_physician, world.a.user, world.center):
        with pytest.raises(PermissionDenied):
            ask(world, by=user)
    assert not AssemblyRequest.objects.exists()


def test_one_open_request_per_group(world):
    ask(world)
    with pytest.raises(ValidationError):
        ask(world)
    assert AssemblyRequest.objects.count() == 1


def test_the_center_marks_it_done_with_history(world):
    request = services.assembly_done(request=ask(world), note="3名を招待", by=world.center)
    assert request.status == AssemblyRequest.Status.DONE
    assert request.decided_by == world.center and request.decided_at is not None
    assert latest(request).status == "done"
    assert latest(request).history_user == world.center
    ask(world)  # a new request may follow once the last is decided


def test_the_center_declines_with_a_note_and_with_history(world):
    request = ask(world)
    with pytest.raises(ValidationError):
        services.assembly_decline(request=request, reason=" ", by=world.center)
    declined = services.assembly_decline(
        request=request, reason="患者同意が未取得", by=world.center
    )
    assert declined.status == AssemblyRequest.Status.DECLINED
    assert declined.decision_note == "患者同意が未取得"
    assert latest(declined).history_user == world.center


def test_decisions_by_others_or_twice_are_refused_and_write_nothing(world):
    request = ask(world)
    before = request.history.count()
    with pytest.raises(PermissionDenied):
        services.assembly_done(request=request, by=world.a.admin)
    with pytest.raises(PermissionDenied):
        services.assembly_decline(request=request, reason="不要", by=world.a.admin)
    assert request.history.count() == before
    services.assembly_done(request=request, by=world.center)
    after = request.history.count()
    with pytest.raises(ValidationError):
        services.assembly_done(request=request, by=world.center)
    with pytest.raises(ValidationError):
        services.assembly_decline(request=request, reason="不要", by=world.center)
    assert request.history.count() == after
    request.refresh_from_db()
    assert request.status == "done"


# --- the group's page and the center's queue ---------------------------------------------------


def test_the_physician_asks_from_the_groups_page_and_sees_its_status(client, world):
    client.force_login(world.a.admin)
    detail = reverse("groups:group_detail", args=[world.a.group.pk])
    assert (
        reverse("groups:assembly_request", args=[world.a.group.pk])
        in client.get(detail).content.decode()
    )
    response = client.post(
        reverse("groups:assembly_request", args=[world.a.group.pk]),
        {"note": "訪問歯科の先生を招集してください"},
    )
    assert response.status_code == 302
    request = AssemblyRequest.objects.get()
    assert latest(request).history_user == world.a.admin
    services.assembly_decline(request=request, reason="対象の歯科が未参加", by=world.center)
    page = client.get(detail).content.decode()
    assert "対象の歯科が未参加" in page and "対応不可" in page


def test_a_manager_who_is_no_physician_sees_no_button_and_is_refused(client, world):
    nurse = nurse_administrator(world)
    client.force_login(nurse)
    url = reverse("groups:assembly_request", args=[world.a.group.pk])
    detail = client.get(reverse("groups:group_detail", args=[world.a.group.pk]))
    assert detail.status_code == 200
    assert url not in detail.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"note": "お願いします"}).status_code == 403
    assert not AssemblyRequest.objects.exists()


def test_the_center_works_its_queue_with_the_admins_actions(client, world):
    first = ask(world)
    client.force_login(world.center)
    changelist = reverse("admin:care_groups_assemblyrequest_changelist")
    assert list(client.get(changelist, {"status__exact": "open"}).context["cl"].result_list) == [
        first
    ]
    client.post(changelist, {"action": "assembly_done", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == "done"
    assert latest(first).history_user == world.center
    second = ask(world)
    client.post(
        changelist,
        {
            "action": "assembly_decline_with_reason",
            "_selected_action": [second.pk],
            "apply": "1",
            "reason": "主治医に確認中",
        },
    )
    second.refresh_from_db()
    assert (second.status, second.decision_note) == ("declined", "主治医に確認中")


def test_an_attending_physician_of_another_facility_asks_from_the_groups_they_attend(client, world):
    """The owner's pages are the owner's: a physician of B attending A's group asks from
    their own list of the groups they attend."""
    physician = id_holder(world.b.facility, profession="physician")
    group = f.CareGroupFactory(owner=world.a.facility, attending_physician=physician)
    client.force_login(login_for(physician, "doc-b"))
    url = reverse("groups:attended_assembly_request", args=[group.pk])
    attended = reverse("groups:attended_groups")
    assert url in client.get(attended).content.decode()
    response = client.post(url, {"note": "訪問薬剤師を招集してください"})
    assert response.status_code == 302 and response.url == attended
    request = AssemblyRequest.objects.get()
    assert (request.group, request.requested_by) == (group, physician)
    assert latest(request).history_user.username == "doc-b"
    page = client.get(attended).content.decode()
    assert "招集を依頼済み" in page and url not in page


def test_a_group_the_login_does_not_attend_is_not_found_and_nothing_is_written(client, world):
    physician = id_holder(world.b.facility, profession="physician")
    client.force_login(login_for(physician, "doc-b"))
    url = reverse("groups:attended_assembly_request", args=[world.a.group.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "お願いします"}).status_code == 404
    assert not AssemblyRequest.objects.exists()
