"""第9条 on the facility's pages: the facility edits its own sessions and who attended, sees the
association's sessions too, and each staff member's last training."""

import datetime

import pytest
from django.urls import reverse

from pledges.models import TrainingSession
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def latest(obj):
    return obj.history.order_by("-history_id").first()


def edit_url(world, session):
    return reverse("pledges:training_edit", args=[world.a.facility.pk, session.pk])


def test_the_facility_edits_its_session_and_attendance_with_history(client, world):
    session = world.a.training
    client.force_login(world.a.admin)
    assert client.get(edit_url(world, session)).status_code == 200
    response = client.post(
        edit_url(world, session),
        {
            "title": "MCS 管理者研修",
            "held_on": session.held_on.isoformat(),
            "description": "",
            "attendees": [world.a.staff.pk, world.a.user.staff_member.pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "MCS 管理者研修"
    assert set(session.attendees.all()) == {world.a.staff, world.a.user.staff_member}
    entry = latest(session)
    assert entry.history_type == "~" and entry.history_user == world.a.admin


def test_anothers_staff_or_a_future_day_is_refused_and_writes_nothing(client, world):
    session = world.a.training
    before = session.history.count()
    client.force_login(world.a.admin)
    response = client.post(
        edit_url(world, session),
        {"title": "研修", "held_on": session.held_on.isoformat(), "attendees": [world.b.staff.pk]},
    )
    assert response.status_code == 200 and response.context["form"].errors["attendees"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(
        edit_url(world, session), {"title": "研修", "held_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200 and response.context["form"].errors["held_on"]
    assert session.history.count() == before
    assert not session.attendees.exists()


def test_the_associations_and_other_facilities_sessions_are_not_the_facilitys_to_edit(
    client, world
):
    association = f.TrainingSessionFactory()
    client.force_login(world.a.admin)
    assert client.get(edit_url(world, association)).status_code == 404
    assert client.get(edit_url(world, world.b.training)).status_code == 404


def test_the_training_page_shows_the_associations_sessions_and_each_persons_last(client, world):
    association = f.TrainingSessionFactory(title="医師会 MCS 研修会")
    association.attendees.add(world.a.user.staff_member, world.b.user.staff_member)
    client.force_login(world.a.admin)
    page = client.get(reverse("pledges:training", args=[world.a.facility.pk]))
    sessions = list(page.context["sessions"])
    assert association in sessions and world.a.training in sessions
    assert world.b.training not in sessions
    shown = next(s for s in sessions if s == association)
    assert shown.facility_attendees == [world.a.user.staff_member]  # only this facility's
    staff = {p.pk: p for p in page.context["staff"]}
    assert staff[world.a.user.staff_member.pk].last_training == association.held_on
    assert staff[world.a.staff.pk].last_training is None  # never trained: due
    assert world.b.staff.pk not in staff
    text = page.content.decode()
    assert "未受講" in text and "医師会 MCS 研修会" in text
    assert TrainingSession.objects.count() == 3
