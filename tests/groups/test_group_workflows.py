"""The group workflows of issue 7, each transition allowed and refused, with the history entry
it leaves: consent withdrawal (第6条), moving a group (MCS 管理施設の変更), archive and reopen
(留意事項 (2)), membership reviews (留意事項 (1)), removal for a leak (独自ルール 8)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consents.models import PatientConsent
from consents.services import consent_record, consent_withdraw
from groups import services
from groups.models import CareGroup, Membership, MembershipReview, OwnershipTransfer
from groups.selectors import groups_managed_by
from tests import factories as f
from tests.world import build_world, id_holder, login_for, next_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def latest(obj):
    return obj.history.order_by("-history_id").first()


# --- consent withdrawal (第6条) ---------------------------------------------------------------


def test_a_withdrawn_consent_removes_every_member_from_outside_the_owner(world):
    a, b = world.a, world.b
    own = f.MembershipFactory(group=a.group, staff_member=a.user.staff_member, status="approved")
    outside_invited = f.MembershipFactory(group=a.group, staff_member=id_holder(b.facility))
    consent = a.group.consents.get()
    consent_withdraw(consent=consent, by=a.admin, reason="家族の意向")

    consent.refresh_from_db()
    assert (consent.status, consent.withdrawal_reason) == ("withdrawn", "家族の意向")
    assert consent.withdrawn_on == timezone.localdate()
    assert latest(consent).history_user == a.admin
    for membership in (a.member, outside_invited):
        membership.refresh_from_db()
        assert membership.status == Membership.Status.REMOVED
        assert "家族の意向" in membership.end_reason
        assert latest(membership).history_user == a.admin
    own.refresh_from_db()
    assert own.status == Membership.Status.APPROVED


def test_after_a_withdrawal_outsiders_wait_for_a_new_consent(world):
    a, b = world.a, world.b
    consent_withdraw(consent=a.group.consents.get(), by=a.admin, reason="撤回")
    outsider = id_holder(b.facility)
    outsider_login = login_for(outsider, "outsider")
    invitation = services.membership_invite(group=a.group, staff_member=outsider, by=a.admin)
    services.membership_accept(membership=invitation, by=outsider_login)
    with pytest.raises(ValidationError, match="第6条"):
        services.membership_approve(membership=invitation, by=b.admin)
    consent_record(group=a.group, by=a.admin, basis="contract", exemption_note="契約書第12条")
    assert services.membership_approve(membership=invitation, by=b.admin).status == "approved"


def test_a_withdrawal_is_refused_to_others_without_reason_or_twice(world):
    a, b = world.a, world.b
    consent = a.group.consents.get()
    with pytest.raises(PermissionDenied):
        consent_withdraw(consent=consent, by=b.admin, reason="x")
    with pytest.raises(ValidationError) as error:
        consent_withdraw(consent=consent, by=a.admin, reason=" ")
    assert "reason" in error.value.message_dict
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, by=a.admin, reason="x", withdrawn_on=tomorrow)
    consent.refresh_from_db()
    a.member.refresh_from_db()
    assert (consent.status, a.member.status) == ("received", "approved")
    assert consent.history.count() == 1
    consent_withdraw(consent=consent, by=a.admin, reason="撤回")
    with pytest.raises(ValidationError, match="記録済みの同意"):
        consent_withdraw(consent=consent, by=a.admin, reason="撤回")


# --- moving a group (MCS 管理施設の変更) --------------------------------------------------------


def test_a_move_requested_and_approved_hands_over_the_group(world):
    a, b = world.a, world.b
    review = a.review
    manager = f.MembershipFactory(
        group=a.group, staff_member=a.user.staff_member, status="approved", role="manager"
    )
    services.sync_manager_permission(manager)
    assert a.group in groups_managed_by(a.user)

    transfer = services.transfer_request(
        group=a.group, to_facility=b.facility, by=a.admin, reason="主治医の変更"
    )
    assert (transfer.status, transfer.requested_by) == ("requested", a.admin)
    assert latest(transfer).history_user == a.admin
    services.transfer_approve(transfer=transfer, by=b.admin)

    transfer.refresh_from_db()
    a.group.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == ("approved", b.admin)
    assert a.group.owner == b.facility
    entry = latest(a.group)
    assert entry.history_user == b.admin
    assert a.facility.name in entry.history_change_reason
    assert b.facility.name in entry.history_change_reason
    # the rights derived from the owner move; the old owner's named manager is a member now
    assert a.group not in groups_managed_by(next_request(a.admin))
    assert a.group in groups_managed_by(next_request(b.admin))
    assert a.group not in groups_managed_by(next_request(a.user))
    manager.refresh_from_db()
    assert manager.role == "member" and manager.status == "approved"
    # the review duty moves with the group
    assert MembershipReview.objects.get(pk=review.pk).group.owner == b.facility


def test_who_may_ask_approve_refuse_and_cancel_a_move(world):
    a, b = world.a, world.b
    with pytest.raises(PermissionDenied):
        services.transfer_request(group=a.group, to_facility=b.facility, by=b.admin)
    with pytest.raises(PermissionDenied):
        services.transfer_request(group=a.group, to_facility=b.facility, by=a.user)
    transfer = services.transfer_request(group=a.group, to_facility=b.facility, by=a.admin)
    for login in (a.admin, a.user, b.user):
        with pytest.raises(PermissionDenied):
            services.transfer_approve(transfer=transfer, by=login)
    with pytest.raises(PermissionDenied):
        services.transfer_refuse(transfer=transfer, by=a.admin, reason="x")
    with pytest.raises(PermissionDenied):
        services.transfer_cancel(transfer=transfer, by=b.admin)
    transfer.refresh_from_db()
    assert transfer.status == "requested" and transfer.history.count() == 1


def test_a_refused_move_keeps_the_owner_and_says_why(world):
    a, b = world.a, world.b
    transfer = services.transfer_request(group=a.group, to_facility=b.facility, by=a.admin)
    with pytest.raises(ValidationError) as error:
        services.transfer_refuse(transfer=transfer, by=b.admin, reason="")
    assert "reason" in error.value.message_dict
    services.transfer_refuse(transfer=transfer, by=b.admin, reason="担当できる看護師がいない")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_reason) == ("refused", "担当できる看護師がいない")
    assert latest(transfer).history_user == b.admin
    a.group.refresh_from_db()
    assert a.group.owner == a.facility
    with pytest.raises(ValidationError, match="既に「不承認」"):
        services.transfer_approve(transfer=transfer, by=b.admin)


def test_the_owner_cancels_its_request_and_may_ask_again(world):
    a, b = world.a, world.b
    transfer = services.transfer_request(group=a.group, to_facility=b.facility, by=a.admin)
    services.transfer_cancel(transfer=transfer, by=a.admin)
    transfer.refresh_from_db()
    assert transfer.status == "cancelled" and latest(transfer).history_user == a.admin
    again = services.transfer_request(group=a.group, to_facility=b.facility, by=a.admin)
    assert again.status == "requested"


def test_a_move_is_refused_when_it_cannot_be(world):
    a, b = world.a, world.b
    free = f.FreeGroupFactory(owner=a.facility)
    with pytest.raises(ValidationError, match="患者グループ"):
        services.transfer_request(group=free, to_facility=b.facility, by=a.admin)
    with pytest.raises(ValidationError):
        services.transfer_request(group=a.group, to_facility=a.facility, by=a.admin)
    suspended = f.FacilityFactory(status="suspended")
    with pytest.raises(ValidationError) as error:
        services.transfer_request(group=a.group, to_facility=suspended, by=a.admin)
    assert "to_facility" in error.value.message_dict
    services.transfer_request(group=a.group, to_facility=b.facility, by=a.admin)
    with pytest.raises(ValidationError, match="申請中"):
        services.transfer_request(group=a.group, to_facility=f.FacilityFactory(), by=a.admin)
    with pytest.raises(ValidationError, match="取り下げ"):
        services.group_archive(group=a.group, by=a.admin, reason="施設入所")
    assert OwnershipTransfer.objects.filter(group=a.group).count() == 1


# --- archive and reopen (留意事項 (2)) ---------------------------------------------------------


def test_an_archived_group_is_reopened_with_the_reason_in_its_history(world):
    a = world.a
    with pytest.raises(PermissionDenied):
        services.group_archive(group=a.group, by=world.b.admin, reason="施設入所")
    with pytest.raises(ValidationError) as error:
        services.group_archive(group=a.group, by=a.admin, reason="")
    assert "reason" in error.value.message_dict
    assert CareGroup.objects.get(pk=a.group.pk).status == "active"
    services.group_archive(group=a.group, by=a.admin, reason="施設入所")
    archived = latest(a.group)
    assert (archived.status, archived.history_user) == ("archived", a.admin)
    assert "施設入所" in archived.history_change_reason
    services.group_reopen(group=a.group, by=a.admin, reason="在宅療養を再開")
    a.group.refresh_from_db()
    assert (a.group.status, a.group.archived_on) == ("active", None)
    reopened = latest(a.group)
    assert reopened.history_user == a.admin
    assert "在宅療養を再開" in reopened.history_change_reason
    assert a.group.reviews.filter(status="open").exists()


def test_a_reopen_is_refused_when_it_cannot_be(world):
    a, b = world.a, world.b
    with pytest.raises(ValidationError, match="保管"):
        services.group_reopen(group=a.group, by=a.admin, reason="x")
    services.group_archive(group=a.group, by=a.admin, reason="施設入所")
    with pytest.raises(PermissionDenied):
        services.group_reopen(group=a.group, by=b.admin, reason="x")
    with pytest.raises(ValidationError) as error:
        services.group_reopen(group=a.group, by=a.admin, reason="")
    assert "reason" in error.value.message_dict
    # meanwhile the patient got a new group: one active group per patient
    f.CareGroupFactory(owner=a.facility, patient=a.group.patient)
    with pytest.raises(ValidationError, match="有効な患者グループ"):
        services.group_reopen(group=a.group, by=a.admin, reason="在宅療養を再開")
    assert CareGroup.objects.get(pk=a.group.pk).status == "archived"


# --- membership reviews (精査, 留意事項 (1)) ---------------------------------------------------


def test_a_new_group_gets_its_first_review_at_the_associations_interval(world):
    profile = f.AssociationProfileFactory()
    profile.membership_review_interval_months = 3
    profile.save()
    group = services.group_create(
        owner=world.a.facility, kind="free", name="連絡会", by=world.a.admin
    )
    review = group.reviews.get()
    assert review.status == "open"
    assert review.due_on == group.created_on + relativedelta(months=3)
    assert latest(review).history_user == world.a.admin


def test_a_review_confirms_and_removes_members_then_schedules_the_next(world):
    a, b = world.a, world.b
    own = f.MembershipFactory(group=a.group, staff_member=a.user.staff_member, status="approved")
    review = a.review
    invitations = [b.staff_invitation, b.user_invitation]  # of B's staff, to A's group
    assert set(services.review_pending(review)) == {a.member, own, *invitations}
    services.review_decide(review=review, membership=own, outcome="confirmed", by=a.admin)
    entry = services.review_decide(
        review=review, membership=a.member, outcome="removed", by=a.admin, reason="担当終了"
    )
    assert latest(entry).history_user == a.admin
    a.member.refresh_from_db()
    assert a.member.status == "removed" and "担当終了" in a.member.end_reason
    review.refresh_from_db()
    assert review.status == "open"  # the invitations are still to decide on
    for invitation in invitations:
        services.review_decide(
            review=review, membership=invitation, outcome="confirmed", by=a.admin
        )
    review.refresh_from_db()
    assert (review.status, review.reviewer) == ("completed", a.admin)
    assert review.completed_on == timezone.localdate()
    assert review.outcome == "3 名を確認、1 名を解除。"
    assert latest(review).history_user == a.admin
    following = a.group.reviews.get(status="open")
    assert following.due_on == timezone.localdate() + relativedelta(months=6)


def test_a_review_decision_is_refused_when_it_cannot_be(world):
    a, b = world.a, world.b
    review = a.review
    with pytest.raises(PermissionDenied):
        services.review_decide(review=review, membership=a.member, outcome="confirmed", by=b.admin)
    with pytest.raises(ValidationError) as error:
        services.review_decide(review=review, membership=a.member, outcome="removed", by=a.admin)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.review_decide(review=review, membership=a.member, outcome="maybe", by=a.admin)
    with pytest.raises(ValidationError, match="精査"):
        services.review_decide(review=review, membership=b.member, outcome="confirmed", by=a.admin)
    services.review_decide(review=review, membership=a.member, outcome="confirmed", by=a.admin)
    with pytest.raises(ValidationError, match="精査"):
        services.review_decide(review=review, membership=a.member, outcome="confirmed", by=a.admin)
    with pytest.raises(ValidationError, match="残り"):
        services.review_complete(review=review, by=a.admin)
    a.member.refresh_from_db()
    assert a.member.status == "approved" and review.entries.count() == 1


def test_an_empty_group_completes_its_review_by_hand(world):
    group = f.FreeGroupFactory(owner=world.a.facility)
    review = f.MembershipReviewFactory(group=group)
    services.review_complete(review=review, by=world.a.admin)
    review.refresh_from_db()
    assert review.status == "completed"
    with pytest.raises(ValidationError, match="完了"):
        services.review_complete(review=review, by=world.a.admin)


def test_missing_reviews_are_scheduled_from_the_last_one_or_the_groups_creation(world):
    today = timezone.localdate()
    old = f.CareGroupFactory(
        owner=world.a.facility, created_on=today - datetime.timedelta(days=250)
    )
    reviewed = f.CareGroupFactory(
        owner=world.a.facility, created_on=today - datetime.timedelta(days=400)
    )
    f.MembershipReviewFactory(
        group=reviewed,
        due_on=today - datetime.timedelta(days=60),
        status="completed",
        completed_on=today - datetime.timedelta(days=30),
    )
    f.CareGroupFactory(owner=world.a.facility, status="archived", archived_on=today)
    without = CareGroup.objects.filter(status="active").exclude(reviews__status="open").count()
    assert services.reviews_schedule_missing() == without
    assert old.reviews.get().due_on < today  # never reviewed in 8 months: overdue at once
    assert reviewed.reviews.get(status="open").due_on > today
    assert services.reviews_schedule_missing() == 0


def history_entry(review):
    """A review's one history entry, less what differs between any two entries."""
    (entry,) = review.history.all()
    return (
        entry.history_type,
        entry.history_user,
        entry.history_change_reason,
        entry.status,
        entry.reviewer_id,
    ), (entry.group_id, entry.due_on) == (review.group_id, review.due_on)


@pytest.mark.parametrize("by", [None, "admin"])
def test_reviews_scheduled_in_bulk_leave_the_history_one_review_leaves(world, by):
    by = by and world.a.admin
    alone = f.CareGroupFactory(owner=world.a.facility)
    one_by_one = services.review_schedule(group=alone, start=alone.created_on, by=by)
    groups = [f.CareGroupFactory(owner=world.a.facility) for _ in range(3)]
    services.reviews_schedule_missing(by=by)
    expected = history_entry(one_by_one)
    assert expected[0][:2] == ("+", by)
    assert [history_entry(group.reviews.get()) for group in groups] == [expected] * 3


# --- removal (留意事項 (1)(3), 独自ルール 8) ---------------------------------------------------


def test_a_member_leaves_a_group_themself(world):
    a = world.a
    invitation = a.user_invitation  # user-a invited to B's group
    services.membership_remove(membership=invitation, by=a.user, reason="担当外")
    invitation.refresh_from_db()
    assert invitation.status == "removed" and latest(invitation).history_user == a.user


def test_the_physician_or_the_center_removes_someone_who_leaked(world):
    a, b = world.a, world.b
    with pytest.raises(PermissionDenied):
        services.membership_remove_for_leak(membership=a.member, reason="x", by=b.admin)
    with pytest.raises(ValidationError):
        services.membership_remove_for_leak(membership=a.member, reason="", by=a.admin)
    removed = services.membership_remove_for_leak(
        membership=a.member,
        reason="SNS に患者情報を投稿",
        by=a.admin,  # the attending physician
    )
    assert removed.status == "removed" and "SNS" in removed.end_reason
    assert latest(removed).history_user == a.admin
    services.membership_remove_for_leak(membership=b.member, reason="漏えい", by=world.center)
    b.member.refresh_from_db()
    assert b.member.status == "removed"


def test_withdrawn_consent_history_names_the_acting_login(world):
    consent = world.b.group.consents.get()
    consent_withdraw(consent=consent, by=world.center, reason="電話で撤回の申し出")
    assert PatientConsent.objects.get(pk=consent.pk).history.latest().history_user == world.center


# --- the other membership steps and the records they leave -----------------------------------


def test_declining_cancelling_and_naming_a_role_leave_their_history(world):
    a, b = world.a, world.b
    with pytest.raises(PermissionDenied):
        services.membership_decline(membership=a.user_invitation, by=b.user)
    declined = services.membership_decline(membership=a.user_invitation, by=a.user)
    assert (declined.status, latest(declined).history_user) == ("declined", a.user)
    with pytest.raises(ValidationError):
        services.membership_accept(membership=a.user_invitation, by=a.user)

    with pytest.raises(PermissionDenied):  # B's staff: only B's administrators cancel
        services.membership_cancel(membership=b.staff_invitation, by=a.admin)
    cancelled = services.membership_cancel(membership=b.staff_invitation, by=b.admin)
    assert (cancelled.status, latest(cancelled).history_user) == ("cancelled", b.admin)

    named = services.membership_set_role(membership=a.member, role="manager", by=a.admin)
    assert (named.role, latest(named).history_user) == ("manager", a.admin)
    with pytest.raises(ValidationError):  # only an approved member runs a group
        services.membership_set_role(membership=b.staff_invitation, role="manager", by=a.admin)


def test_creating_a_group_and_recording_its_consent_leave_their_history(world):
    a = world.a
    group = services.group_create(
        owner=a.facility,
        kind="patient",
        by=a.admin,
        patient={"family_name": "彦成", "given_name": "三郎"},
        attending_physician=a.admin.staff_member,
    )
    assert latest(group).history_user == a.admin
    assert latest(group.patient).history_user == a.admin
    consent = consent_record(
        group=group,
        by=a.admin,
        basis="signed_form",
        signed_on=f.TODAY,
        obtained_by=a.admin.staff_member,
        family_name="彦成 花子",
    )
    assert (consent.status, latest(consent).history_user) == ("received", a.admin)
    with pytest.raises(ValidationError) as error:
        consent_record(group=f.CareGroupFactory(owner=a.facility), by=a.admin, basis="signed_form")
    assert "signed_on" in error.value.message_dict
