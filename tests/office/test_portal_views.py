"""What the self-service pages show and do, beyond who may open them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import IdRequest
from groups.models import Membership
from mcs_admin.models import AssociationProfile
from mcs_admin.pages import first_rows
from tests import factories as f
from tests.world import build_world, id_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_login_page_is_japanese_and_logout_ends_the_session(client, world):
    page = client.get(reverse("portal:login")).content.decode()
    assert "ログイン" in page and "ユーザー名" in page
    response = client.post(
        reverse("portal:login"), {"username": "admin-a", "password": "correct-horse-42"}
    )
    assert response.status_code == 302
    dashboard = client.get(response.url, follow=True).content.decode()
    assert "MCS 管理者・事業所A" in dashboard  # name and role on every page
    assert 'action="/logout/"' in dashboard
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:me")).status_code == 302


def test_a_wrong_password_gets_a_japanese_message(client, world):
    response = client.post(reverse("portal:login"), {"username": "admin-a", "password": "x"})
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_the_dashboard_lists_what_needs_action(client, world):
    a = world.a
    f.IdRequestFactory(staff_member=f.StaffMemberFactory(facility=a.facility, family_name="新井"))
    client.force_login(a.admin)
    page = client.get(reverse("facility:dashboard", args=[a.facility.pk])).content.decode()
    assert str(a.staff_invitation.staff_member) in page  # accepted, awaiting approval
    assert "新井" in page  # ID request pending
    assert "ウイルス対策ソフト" in page  # the world's devices lack measures (3)


def test_a_dashboard_card_lists_its_first_rows_and_counts_them_all(client, world):
    a = world.a
    pending = IdRequest.objects.filter(facility=a.facility, status="pending").count()
    for _ in range(12):
        f.IdRequestFactory(staff_member=f.StaffMemberFactory(facility=a.facility))
    f.IdRequestFactory(staff_member=f.StaffMemberFactory(facility=world.b.facility))
    client.force_login(a.admin)
    response = client.get(reverse("facility:dashboard", args=[a.facility.pk]))
    requests = response.context["sections"]["requests"]
    # the other facility's request is not counted
    assert (len(requests["rows"]), requests["count"]) == (10, pending + 12)
    assert first_rows(IdRequest.objects.filter(pk=0), 10) == {"rows": [], "count": 0}
    page = response.content.decode()
    assert re.search(
        rf"サポートセンターで処理待ちの ID 申請 <span class=\"count\">{pending + 12}</span>", page
    )


def test_invite_searches_every_facility_and_invites(client, world):
    a, b = world.a, world.b
    wanted = id_holder(b.facility, family_name="鷹野")
    id_holder(b.facility, family_name="高州")
    client.force_login(a.admin)
    url = reverse("groups:group_invite", args=[a.group.pk])
    page = client.get(url, {"q": "鷹野"})
    choices = list(page.context["form"].fields["staff_member"].queryset)
    assert choices == [wanted]
    response = client.post(url, {"staff_member": wanted.pk})
    assert response.status_code == 302
    assert a.group.memberships.get(staff_member=wanted).status == Membership.Status.INVITED


def test_bad_input_gets_a_message_beside_the_field_and_writes_nothing(client, world):
    a = world.a
    client.force_login(a.admin)
    url = reverse("facility:staff_add", args=[a.facility.pk])
    before = a.facility.staff.count()
    response = client.post(
        url,
        {
            "family_name": "新井",
            "given_name": "純",
            "profession": "nurse",
            "gender": "female",
            "family_name_kana": "新井",
            "email": "not-mail",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "カタカナ" in " ".join(errors["family_name_kana"])
    assert "有効なメールアドレス" in " ".join(errors["email"])
    assert a.facility.staff.count() == before


def test_a_refusal_of_a_service_shows_on_the_form(client, world):
    a = world.a
    client.force_login(a.admin)
    url = reverse("facility:staff_request", args=[a.facility.pk, a.staff.pk])
    response = client.post(url, {"kind": "issue"})  # a.staff already has an ID
    assert "既に MCS ID を持っています" in response.content.decode()


def test_the_center_reads_without_buttons(client, world):
    client.force_login(world.center)
    page = client.get(reverse("facility:staff_list", args=[world.a.facility.pk])).content.decode()
    assert "閲覧のみ" in page
    assert reverse("facility:staff_add", args=[world.a.facility.pk]) not in page


def test_a_user_reports_a_lost_device_and_gets_the_first_steps(client, world):
    a = world.a
    client.force_login(a.user)
    response = client.post(
        reverse("devices:incident_report"),
        {
            "kind": "lost",
            "occurred_at": "2026-01-05T10:00",
            "device": a.device.pk,
            "description": "訪問先で紛失",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "リモートワイプ" in page
    a.device.refresh_from_db()
    assert a.device.status == "lost"
    incident = a.device.incidents.get()
    assert incident.reported_by == a.user.staff_member
    # afterwards the reporter finds the report, and how far the facility has taken it
    assert response.redirect_chain[-1][0] == reverse("devices:my_incidents")
    assert f'data-testid="incident-status-{incident.pk}">{incident.get_status_display()}' in page
    assert "訪問先で紛失" in page


def test_the_admin_refuses_a_facility_login_without_a_redirect_loop(client, world):
    client.force_login(world.a.admin)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def _training_cell(page: str, person) -> str:
    """The person's row of the staff list, found by the link to their page."""
    row = page[page.index(reverse("facility:staff_detail", args=[person.facility_id, person.pk])) :]
    return row[: row.index("</tr>")]


def test_the_dashboard_tells_a_password_due_soon_from_one_overdue(client, world):
    """第11条(3): a password older than the maximum age is overdue; one that will be within
    the notice days is listed, not marked."""
    max_age, today = AssociationProfile.current().mcs_password_max_age_days, timezone.localdate()
    soon = id_holder(world.a.facility, family_name="期限前")
    soon.mcs_accounts.update(password_changed_on=today - timedelta(days=max_age - 3))
    late = id_holder(world.a.facility, family_name="期限後")
    late.mcs_accounts.update(password_changed_on=today - timedelta(days=max_age + 1))
    client.force_login(world.a.admin)
    page = client.get(reverse("facility:dashboard", args=[world.a.facility.pk])).content.decode()
    passwords = re.search(r"MCS パスワードの変更時期.*?</ul>", page, re.S)[0]
    assert "期限切れ" not in re.search(r"<li>期限前.*?</li>", passwords)[0]
    assert "期限切れ" in re.search(r"<li>期限後.*?</li>", passwords)[0]


def test_the_staff_list_tells_never_trained_from_overdue(client, world):
    never = world.a.staff
    late = id_holder(world.a.facility, family_name="研修遅")
    f.TrainingSessionFactory(held_on=f.TODAY.replace(year=f.TODAY.year - 2)).attendees.add(late)
    client.force_login(world.a.admin)
    page = client.get(reverse("facility:staff_list", args=[world.a.facility.pk])).content.decode()
    assert "未受講" in _training_cell(page, never) and "期限切れ" not in _training_cell(page, never)
    assert "期限切れ" in _training_cell(page, late) and "未受講" not in _training_cell(page, late)


def test_a_center_login_is_named_family_name_first(center_client, center_user):
    """姓 名, as everywhere else (Django's own order is 名 姓)."""
    response = center_client.get(reverse("portal:facilities"))
    shown = re.search(r'data-testid="display-name">(.*?)<', response.content.decode())[1]
    assert shown == f"{center_user.last_name} {center_user.first_name}"
    assert center_user.last_name != center_user.first_name


def test_an_invitee_judges_the_group_by_its_facility_physician_and_inviter_not_its_patient(
    client,
):
    """留意事項 (3): the invited person decides whether joining is appropriate; 第6条: the
    patient's name waits for the approval."""
    world = build_world()
    invitation = world.a.user_invitation  # user-a invited to B's group by user-b
    Membership.objects.filter(pk=invitation.pk).update(invited_by=world.b.user)
    invitation.refresh_from_db()
    client.force_login(world.a.user)
    page = client.get(reverse("groups:my_invitations")).content.decode()
    group = invitation.group
    assert group.owner.name in page
    assert group.attending_physician.full_name in page
    assert world.b.user.staff_member.full_name in page
    assert group.patient.full_name not in page


def test_my_groups_says_taking_part_not_member_twice(client):
    world = build_world()
    member = world.a.member  # an approved member of A's group, from B
    user = f.UserFactory(username="member-x")
    from facilities.services import staff_link_login

    staff_link_login(staff_member=member.staff_member, user=user)
    client.force_login(user)
    page = client.get(reverse("groups:my_groups")).content.decode()
    row = re.search(r"<tr><td>.*?</tr>", page, re.S)[0]
    assert "参加中" in row and row.count("メンバー") == 1  # the role, once


def test_a_group_is_named_by_its_patient_only_for_those_who_run_it(client):
    """An administrator approving their staff's invitations reads the patient of their own
    facility's group, and only the number and kind of another facility's (第6条)."""
    world = build_world()
    own = f.MembershipFactory(
        group=world.a.group, staff_member=id_holder(world.a.facility), status="accepted"
    )
    other = world.a.staff_invitation  # A's staff accepted in B's group
    client.force_login(world.a.admin)
    url = reverse("groups:staff_invitations", args=[world.a.facility.pk])
    page = client.get(url).content.decode()
    assert str(own.group) in page and own.group.patient.full_name in page
    assert other.group.label_without_patient in page
    assert other.group.patient.full_name not in page
    assert other.group.attending_physician.full_name in page  # whom the member would work with
    dashboard = client.get(reverse("facility:dashboard", args=[world.a.facility.pk]))
    approvals = re.search(r"<ul>.*?</ul>", dashboard.content.decode(), re.S)[0]
    assert other.group.label_without_patient in approvals
    assert other.group.patient.full_name not in approvals


def test_the_dashboard_names_the_group_asked_to_move_in(client):
    world = build_world()
    transfer = world.a.transfer_in
    client.force_login(world.a.admin)
    page = client.get(reverse("facility:dashboard", args=[world.a.facility.pk])).content
    assert str(transfer.group) in page.decode()  # its patient, as on the page of moves


def test_a_group_is_named_by_its_patient_to_its_members_once_approved(client):
    """第6条: the member who accepted reads the group's number and kind until the approval, on
    their own list and on their administrator's page of them."""
    world = build_world()
    accepted = world.a.user_invitation
    Membership.objects.filter(pk=accepted.pk).update(status=Membership.Status.ACCEPTED)
    group, patient = accepted.group, accepted.group.patient.full_name
    client.force_login(world.a.user)
    mine = client.get(reverse("groups:my_groups")).content.decode()
    assert group.label_without_patient in mine and patient not in mine
    client.force_login(world.a.admin)
    person = world.a.user.staff_member
    detail = client.get(reverse("facility:staff_detail", args=[world.a.facility.pk, person.pk]))
    assert group.label_without_patient in detail.content.decode()
    assert patient not in detail.content.decode()

    Membership.objects.filter(pk=accepted.pk).update(status=Membership.Status.APPROVED)
    client.force_login(world.a.user)
    assert str(group) in client.get(reverse("groups:my_groups")).content.decode()
