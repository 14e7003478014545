"""The rules of groups and invitations (第5条, 第6条, 第8条, 留意事項), service by service."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consents.services import consent_record
from groups import services
from groups.models import CareGroup, Membership
from groups.selectors import groups_managed_by
from tests import factories as f
from tests.world import build_world, id_holder, next_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_owner_invites_and_the_invited_user_accepts_then_own_admin_approves(world):
    person = id_holder(world.b.facility)
    login = f.UserFactory()
    person.user = login
    person.save()
    invitation = services.membership_invite(
        group=world.a.group, staff_member=person, by=world.a.admin
    )
    assert invitation.status == Membership.Status.INVITED
    services.membership_accept(membership=invitation, by=login)
    approved = services.membership_approve(membership=invitation, by=world.b.admin)
    assert approved.status == Membership.Status.APPROVED
    assert approved.approved_by == world.b.admin
    steps = [(h.status, h.history_user) for h in approved.history.order_by("history_id")]
    assert steps == [("invited", world.a.admin), ("accepted", login), ("approved", world.b.admin)]


def test_admin_of_b_cannot_approve_an_invitation_of_a_staff(world):
    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=world.a.staff_invitation, by=world.b.admin)
    world.a.staff_invitation.refresh_from_db()
    assert world.a.staff_invitation.status == Membership.Status.ACCEPTED


def test_a_user_cannot_accept_another_users_invitation(world):
    with pytest.raises(PermissionDenied):
        services.membership_accept(membership=world.a.user_invitation, by=world.b.user)
    with pytest.raises(PermissionDenied):
        services.membership_accept(membership=world.a.user_invitation, by=world.a.admin)
    world.a.user_invitation.refresh_from_db()
    assert world.a.user_invitation.status == Membership.Status.INVITED


def test_the_center_acts_through_the_admin_and_users_cannot(world):
    """Services accept the center (its admin calls them); its page POSTs are refused by the
    access policy (test_access_matrix)."""
    invitation = services.membership_invite(
        group=world.a.group, staff_member=id_holder(world.b.facility), by=world.center
    )
    assert invitation.invited_by == world.center
    with pytest.raises(PermissionDenied):
        services.membership_invite(
            group=world.a.group, staff_member=world.b.user.staff_member, by=world.a.user
        )


def test_an_archived_group_accepts_no_change(world):
    services.group_archive(group=world.a.group, by=world.a.admin, reason="施設入所")
    with pytest.raises(ValidationError, match="保管済み"):
        services.membership_invite(
            group=world.a.group, staff_member=id_holder(world.b.facility), by=world.a.admin
        )
    with pytest.raises(ValidationError):
        services.membership_remove(membership=world.a.member, by=world.a.admin, reason="x")
    with pytest.raises(ValidationError):
        services.group_archive(group=world.a.group, by=world.a.admin, reason="again")
    world.a.member.refresh_from_db()
    assert world.a.member.status == Membership.Status.APPROVED


@pytest.mark.parametrize("status", ["restricted", "banned", "deleted", "requested"])
def test_only_an_id_in_use_can_be_invited(world, status):
    person = f.StaffMemberFactory(facility=world.b.facility)
    f.McsAccountFactory(
        staff_member=person,
        status=status,
        login_id="" if status == "requested" else f"x-{status}@example.jp",
        issued_on=None if status == "requested" else f.TODAY,
        deleted_on=f.TODAY if status == "deleted" else None,
    )
    with pytest.raises(ValidationError) as error:
        services.membership_invite(group=world.a.group, staff_member=person, by=world.a.admin)
    assert "staff_member" in error.value.message_dict
    assert not world.a.group.memberships.filter(staff_member=person).exists()


def test_outside_members_wait_for_the_patients_consent(world):
    group = services.group_create(
        owner=world.a.facility,
        kind="patient",
        by=world.a.admin,
        patient={"family_name": "三郷", "given_name": "次郎"},
    )
    outsider = id_holder(world.b.facility)
    outsider_login = f.UserFactory()
    outsider.user = outsider_login
    outsider.save()
    invitation = services.membership_invite(group=group, staff_member=outsider, by=world.a.admin)
    services.membership_accept(membership=invitation, by=outsider_login)
    with pytest.raises(ValidationError, match="第6条"):
        services.membership_approve(membership=invitation, by=world.b.admin)
    consent_record(group=group, by=world.a.admin, basis="contract", exemption_note="契約書第12条")
    assert services.membership_approve(membership=invitation, by=world.b.admin).status == "approved"


def test_the_owners_own_staff_need_no_consent(world):
    group = services.group_create(
        owner=world.a.facility,
        kind="patient",
        by=world.a.admin,
        patient={"family_name": "三郷", "given_name": "三郎"},
    )
    invitation = services.membership_invite(
        group=group, staff_member=world.a.user.staff_member, by=world.a.admin
    )
    services.membership_accept(membership=invitation, by=world.a.user)
    assert services.membership_approve(membership=invitation, by=world.a.admin).status == "approved"


def test_a_consent_is_recorded_once_and_only_for_patient_groups(world):
    with pytest.raises(ValidationError, match="既に記録"):
        consent_record(group=world.a.group, by=world.a.admin, basis="contract", exemption_note="x")
    free = services.group_create(
        owner=world.a.facility, kind="free", name="連絡会", by=world.a.admin
    )
    with pytest.raises(ValidationError):
        consent_record(group=free, by=world.a.admin, basis="contract", exemption_note="x")
    with pytest.raises(PermissionDenied):
        consent_record(group=world.a.group, by=world.b.admin, basis="contract", exemption_note="x")


def test_a_named_manager_runs_the_group_until_the_role_or_membership_ends(world):
    member_login = f.UserFactory()
    person = world.a.member.staff_member
    person.user = member_login
    person.save()
    assert not groups_managed_by(member_login).exists()
    services.membership_set_role(membership=world.a.member, role="manager", by=world.a.admin)
    assert list(groups_managed_by(next_request(member_login))) == [world.a.group]
    services.membership_set_role(membership=world.a.member, role="member", by=world.a.admin)
    assert not groups_managed_by(next_request(member_login)).exists()
    services.membership_set_role(membership=world.a.member, role="manager", by=world.a.admin)
    services.membership_remove(membership=world.a.member, by=world.a.admin, reason="担当変更")
    assert not groups_managed_by(next_request(member_login)).exists()


def test_only_the_owners_administrators_name_roles(world):
    with pytest.raises(PermissionDenied):
        services.membership_set_role(membership=world.a.member, role="manager", by=world.b.admin)


def test_a_member_may_leave_and_an_owner_removes_with_a_reason(world):
    removed = services.membership_remove(
        membership=world.a.member, by=world.a.admin, reason="担当外れ"
    )
    assert (removed.status, removed.end_reason, removed.ended_by) == (
        "removed",
        "担当外れ",
        world.a.admin,
    )
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=world.b.member, by=world.a.user)


def test_admin_cancels_an_invitation_of_own_staff(world):
    cancelled = services.membership_cancel(membership=world.a.staff_invitation, by=world.a.admin)
    assert cancelled.status == Membership.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.membership_approve(membership=world.a.staff_invitation, by=world.a.admin)


def test_a_free_group_needs_a_name_and_a_patient_group_its_patient(world):
    before = CareGroup.objects.count()
    with pytest.raises(ValidationError):
        services.group_create(owner=world.a.facility, kind="free", by=world.a.admin)
    with pytest.raises(ValidationError):
        services.group_create(owner=world.a.facility, kind="patient", by=world.a.admin, patient={})
    assert CareGroup.objects.count() == before
