"""The policy's duties for facilities and people (issue 6), transition by transition: who may,
in which state, and the history entry each leaves."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from facilities import services
from facilities.models import (
    Facility,
    IdRequest,
    Leave,
    LeaveItem,
    McsAccount,
    RosterReview,
    RosterReviewEntry,
    UsageApplication,
)
from facilities.pdf import id_notice_pdf
from facilities.roster import roster_csv
from groups.models import CareGroup, Membership
from mcs_admin.dates import shown_date
from mcs_admin.documents import document_receive
from mcs_admin.models import AccessLog
from pledges.services import facility_manager_change, staff_pledge_prepare
from tests import factories as f
from tests.world import build_world, id_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def last_change(obj):
    entry = obj.history.order_by("-history_id").first()
    return entry.history_user, entry.history_type


# --- a facility joins ---------------------------------------------------------------------


@pytest.fixture
def application(world):
    facility = f.FacilityFactory(status="applying", joined_on=None, name="新規クリニック")
    application = f.UsageApplicationFactory(facility=facility)
    f.ApplicationRosterLineFactory(
        application=application,
        email="dr@example.jp",
        is_administrator=True,
        profession="physician",
    )
    f.ApplicationRosterLineFactory(application=application, email="ns@example.jp")
    return application


def test_an_application_is_received_checked_and_approved(world, application):
    center = world.center
    document_receive(
        document_number=application.document_number, received_on=timezone.localdate(), by=center
    )
    services.application_check(application=application, by=center)
    with pytest.raises(ValidationError, match="様式2"):
        services.application_approve(application=application, by=center)
    pledge = f.FacilityPledgeFactory(facility=application.facility)
    document_receive(
        document_number=pledge.document_number, received_on=timezone.localdate(), by=center
    )
    approved = services.application_approve(application=application, by=center)
    facility = Facility.objects.get(pk=application.facility_id)
    assert (approved.status, approved.decided_by) == ("approved", center)
    assert (facility.status, facility.joined_on) == ("active", timezone.localdate())
    assert facility.staff.count() == 2
    assert list(facility.appointments.values_list("staff_member__email", flat=True)) == [
        "dr@example.jp"
    ]
    requests = IdRequest.objects.filter(facility=facility)
    assert (requests.count(), set(requests.values_list("kind", flat=True))) == (2, {"issue"})
    assert last_change(approved) == (center, "~")


def test_only_the_center_decides_and_only_in_order(world, application):
    with pytest.raises(PermissionDenied):
        services.application_check(application=application, by=world.a.admin)
    with pytest.raises(ValidationError, match="未受領"):
        services.application_check(application=application, by=world.center)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, by=world.center)
    with pytest.raises(ValidationError):
        services.application_reject(application=application, reason="", by=world.center)
    application.refresh_from_db()
    assert application.status == "prepared"


def test_a_rejection_keeps_its_reason(world, application):
    document_receive(
        document_number=application.document_number,
        received_on=timezone.localdate(),
        by=world.center,
    )
    rejected = services.application_reject(
        application=application, reason="名簿に記入漏れ", by=world.center
    )
    assert (rejected.status, rejected.note) == ("rejected", "名簿に記入漏れ")
    assert last_change(rejected) == (world.center, "~")


# --- a facility changes and leaves ----------------------------------------------------------


def test_a_new_manager_signs_a_new_facility_pledge(world):
    pledge = facility_manager_change(
        facility=world.a.facility, manager_name="新任 太郎", by=world.a.admin
    )
    assert (pledge.manager_name, pledge.status) == ("新任 太郎", "prepared")
    assert Facility.objects.get(pk=world.a.facility.pk).manager_name == "新任 太郎"
    with pytest.raises(PermissionDenied):
        facility_manager_change(facility=world.a.facility, manager_name="x", by=world.b.admin)


def test_a_withdrawing_facility_closes_everything_in_one_step(world):
    a = world.a
    open_items = services.withdrawal_open_items(a.facility)
    owned = a.facility.owned_groups.filter(status="active")
    assert a.group in open_items["groups"] and set(open_items["groups"]) == set(owned)
    with pytest.raises(PermissionDenied):
        services.facility_withdraw(facility=a.facility, reason="閉院", by=a.admin)
    facility = services.facility_withdraw(facility=a.facility, reason="閉院", by=world.center)
    assert (facility.status, facility.left_on) == ("withdrawn", timezone.localdate())
    assert CareGroup.objects.get(pk=a.group.pk).status == "archived"
    world.b.transfer_in.refresh_from_db()  # A's group was asked to move to B: the move ends
    world.a.transfer_in.refresh_from_db()  # B's group was asked to move to A: refused
    assert (world.b.transfer_in.status, world.a.transfer_in.status) == ("cancelled", "refused")
    holders = McsAccount.objects.filter(staff_member__facility=a.facility).exclude(status="deleted")
    assert holders.exists()
    for account in holders:
        assert account.staff_member.id_requests.filter(kind="delete", status="pending").exists()
    assert not a.facility.appointments.filter(ended_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.facility_withdraw(facility=a.facility, reason="again", by=world.center)


# --- IDs through the support center ----------------------------------------------------------


def test_an_id_is_issued_only_with_a_pledge_and_its_notice_prints(world):
    a = world.a
    person = f.StaffMemberFactory(facility=a.facility, email="new@example.jp")
    request = services.id_request_create(staff_member=person, kind="issue", by=a.admin)
    with pytest.raises(PermissionDenied):
        services.id_request_issue(request=request, login_id="new@example.jp", by=a.admin)
    with pytest.raises(ValidationError, match="様式3"):
        services.id_request_issue(request=request, login_id="new@example.jp", by=world.center)
    f.StaffPledgeFactory(staff_member=person, status="received", received_on=f.TODAY)
    account = services.id_request_issue(request=request, login_id="new@example.jp", by=world.center)
    request.refresh_from_db()
    assert (account.status, account.login_id, request.status) == (
        "issued",
        "new@example.jp",
        "done",
    )
    assert last_change(account) == (world.center, "+")
    text = (
        PdfReader(io.BytesIO(id_notice_pdf([request], user=world.center))).pages[0].extract_text()
    )
    assert "new@example.jp" in text and "ＩＤ発行通知" in text
    assert "パスワード" in text and account.login_id in text


def test_a_deletion_is_a_tracked_task_and_frees_the_address_after_30_days(world):
    a = world.a
    request = a.deletion
    account = request.account
    with pytest.raises(ValidationError, match="スタッフ解除"):
        services.id_request_confirm_deleted(request=request, by=world.center)
    with pytest.raises(PermissionDenied):
        services.id_request_confirm_step(request=request, step="released", by=world.b.admin)
    services.id_request_confirm_step(request=request, step="released", by=a.admin)
    with pytest.raises(ValidationError):
        services.id_request_confirm_step(request=request, step="released", by=a.admin)
    services.id_request_confirm_deleted(request=request, by=world.center)
    account.refresh_from_db()
    request.refresh_from_db()
    assert (account.status, account.deleted_on, request.status) == (
        "deleted",
        timezone.localdate(),
        "done",
    )
    assert (request.released_by, request.handled_by) == (a.admin, world.center)
    steps = [
        (h.released_at is not None, h.status, h.history_user)
        for h in request.history.order_by("history_id")
    ][-2:]
    assert steps == [(True, "pending", a.admin), (True, "done", world.center)]
    assert last_change(account) == (world.center, "~")
    reusable = services.login_id_reusable_on(account.login_id)
    assert reusable == timezone.localdate() + datetime.timedelta(days=30)
    person = f.StaffMemberFactory(facility=a.facility)
    f.StaffPledgeFactory(staff_member=person, basis="exemption", exemption_note="旧誓約書")
    issue = services.id_request_create(staff_member=person, kind="issue", by=a.admin)
    with pytest.raises(ValidationError) as error:
        services.id_request_issue(request=issue, login_id=account.login_id, by=world.center)
    assert shown_date(reusable) in " ".join(error.value.messages)


def test_a_rejected_deletion_gives_the_id_its_status_back(world):
    a = world.a
    account = a.staff.mcs_accounts.get()
    services.account_restrict(account=account, status="restricted", reason="誤送信", by=a.admin)
    request = services.id_request_create(staff_member=a.staff, kind="delete", by=a.admin)
    assert McsAccount.objects.get(pk=account.pk).status == "deletion_pending"
    services.id_request_reject(request=request, reason="本人が継続利用", by=world.center)
    assert McsAccount.objects.get(pk=account.pk).status == "restricted"


# --- roster review and leavers -----------------------------------------------------------


def test_a_roster_round_and_a_leaver_found_by_it(world):
    a = world.a
    RosterReview.objects.all().delete()  # the world's own open reviews
    reviews = services.roster_review_open_round(
        due_on=timezone.localdate() + datetime.timedelta(days=30), by=world.center
    )
    assert {r.facility for r in reviews} == {a.facility, world.b.facility}
    review = next(r for r in reviews if r.facility == a.facility)
    entries = {e.account.staff_member: e for e in review.entries.select_related("account")}
    assert a.staff in entries and a.user.staff_member in entries
    with pytest.raises(PermissionDenied):
        services.roster_entry_confirm(entry=entries[a.staff], outcome="current", by=world.b.admin)
    confirmed = services.roster_entry_confirm(entry=entries[a.staff], outcome="left", by=a.admin)
    assert last_change(confirmed) == (a.admin, "~")
    leave = Leave.objects.get(staff_member=a.staff)
    assert last_change(leave) == (a.admin, "+")
    assert leave.reason == "left" and not leave.completed_on
    for person, entry in entries.items():
        if person != a.staff:
            services.roster_entry_confirm(entry=entry, outcome="current", by=a.admin)
    review.refresh_from_db()
    assert (review.status, review.completed_on) == ("completed", timezone.localdate())
    with pytest.raises(ValidationError):
        services.roster_entry_confirm(entry=entries[a.staff], outcome="current", by=a.admin)


def test_a_leave_does_what_it_can_and_completes_when_every_item_is_closed(world):
    a = world.a
    person = a.user.staff_member
    assert a.user_invitation.staff_member == person  # invited to B's group
    leave = services.staff_mark_left(staff_member=person, by=a.admin)
    items = {item.kind: item for item in leave.items.all()}
    assert items["id_deletion"].status == "done"
    assert items["groups"].status == "done"
    assert not Membership.objects.filter(
        staff_member=person, status__in=["invited", "approved"]
    ).exists()
    assert IdRequest.objects.filter(staff_member=person, kind="delete", status="pending").exists()
    assert items["devices"].status == "open"  # a.device is lent to the user
    with pytest.raises(ValidationError, match="返却"):
        services.leave_item_close(item=items["devices"], by=a.admin)
    assert LeaveItem.objects.get(pk=items["devices"].pk).status == "open"
    services.leave_item_close(item=items["devices"], by=a.admin, waive_reason="紛失届あり")
    services.leave_item_close(item=items["pledge_reminder"], by=a.admin)
    leave.refresh_from_db()
    assert leave.completed_on == timezone.localdate()
    assert LeaveItem.objects.get(pk=items["devices"].pk).note == "紛失届あり"
    assert last_change(leave) == (a.admin, "~")
    assert type(person).objects.get(pk=person.pk).left_on == timezone.localdate()


def test_no_longer_in_charge_keeps_the_person_employed(world):
    a = world.a
    leave = services.leave_open(staff_member=a.staff, reason="not_in_charge", by=a.admin)
    a.staff.refresh_from_db()
    assert a.staff.left_on is None and leave.reason == "not_in_charge"


def test_a_ban_removes_the_user_from_every_group(world):
    a = world.a
    person = id_holder(a.facility)
    membership = f.MembershipFactory(group=world.b.group, staff_member=person, status="approved")
    account = person.mcs_accounts.get()
    with pytest.raises(PermissionDenied):
        services.account_restrict(account=account, status="banned", reason="x", by=world.b.admin)
    with pytest.raises(ValidationError):
        services.account_restrict(account=account, status="banned", reason="", by=a.admin)
    services.account_restrict(
        account=account, status="banned", reason="患者情報の目的外利用", by=a.admin
    )
    assert last_change(account) == (a.admin, "~")
    membership.refresh_from_db()
    assert last_change(membership) == (a.admin, "~")
    assert (membership.status, membership.end_reason) == ("removed", "患者情報の目的外利用")
    assert services.account_reinstate(account=account, by=a.admin).status == "issued"


def test_the_roster_lists_administrators_and_id_holders(world):
    data = roster_csv(Facility.objects.all(), user=world.center).decode("utf-8-sig")
    lines = data.splitlines()
    assert lines[0].startswith("事業所名,区分,MCS管理者,氏名")
    admin_line = next(line for line in lines if world.a.admin.staff_member.full_name in line)
    assert ",○," in admin_line
    user_line = next(line for line in lines if world.a.user.staff_member.full_name in line)
    assert ",○," not in user_line
    assert world.a.user.staff_member.mcs_accounts.get().login_id in user_line
    # the export is recorded with every ID it lists, one per line after the header
    export = AccessLog.objects.get(action="export", target_type="facilities.McsAccount")
    exported = McsAccount.objects.filter(pk__in=export.target_ids)
    assert len(export.target_ids) == export.row_count == len(lines) - 1 == exported.count()
    assert all(account.login_id in data for account in exported)


def test_scenario_from_application_to_a_completed_leave(world, application, client):
    """One facility from application to approval, two IDs issued, a roster review that finds a
    leaver, the leave completed; the center's queues at each step."""
    center = world.center
    pending = IdRequest.objects.filter(status="pending")
    open_leaves = Leave.objects.filter(completed_on__isnull=True)
    before_requests, before_leaves = pending.count(), open_leaves.count()

    document_receive(
        document_number=application.document_number, received_on=timezone.localdate(), by=center
    )
    services.application_check(application=application, by=center)
    pledge = f.FacilityPledgeFactory(facility=application.facility)
    document_receive(
        document_number=pledge.document_number, received_on=timezone.localdate(), by=center
    )
    services.application_approve(application=application, by=center)
    facility = application.facility
    assert pending.count() == before_requests + 2

    for request in IdRequest.objects.filter(facility=facility, kind="issue"):
        staff_pledge_prepare(staff_member=request.staff_member, by=center)
        sp = request.staff_member.pledges.get()
        document_receive(
            document_number=sp.document_number, received_on=timezone.localdate(), by=center
        )
        services.id_request_issue(request=request, login_id=request.staff_member.email, by=center)
    assert pending.count() == before_requests
    assert McsAccount.objects.filter(staff_member__facility=facility, status="issued").count() == 2

    review = services.roster_review_open(facility=facility, due_on=timezone.localdate(), by=center)
    administrator = facility.appointments.get().staff_member
    leaver_entry = review.entries.exclude(account__staff_member=administrator).get()
    services.roster_entry_confirm(entry=leaver_entry, outcome="left", by=center)
    services.roster_entry_confirm(
        entry=review.entries.get(account__staff_member=administrator),
        outcome="current",
        by=center,
    )
    assert RosterReview.objects.get(pk=review.pk).status == "completed"
    assert open_leaves.count() == before_leaves + 1
    assert pending.count() == before_requests + 1  # the leaver's ID deletion

    leave = open_leaves.get(staff_member=leaver_entry.account.staff_member)
    for item in leave.items.filter(status="open"):
        services.leave_item_close(item=item, by=center)
    assert open_leaves.count() == before_leaves
    deletion = pending.get(staff_member=leave.staff_member)
    services.id_request_confirm_step(request=deletion, step="holder_deleted", by=center)
    services.id_request_confirm_deleted(request=deletion, by=center)
    assert pending.count() == before_requests
    assert UsageApplication.objects.get(pk=application.pk).status == "approved"
    assert RosterReviewEntry.objects.get(pk=leaver_entry.pk).confirmed_by == center


def test_the_pledge_status_is_shown_before_an_id_is_asked_for_and_handled(client):
    """An issue request for someone without a pledge is refused at the center (第9条): the
    facility's request page, the center's list and its handling page say so beforehand."""
    world = build_world()
    facility = world.a.facility
    newcomer = f.StaffMemberFactory(facility=facility)
    admin = world.a.admin
    client.force_login(admin)
    page = client.get(reverse("facility:staff_request", args=[facility.pk, newcomer.pk]))
    assert "誓約書（様式3）も免除の記録もまだありません" in page.content.decode()

    request = IdRequest.objects.create(
        facility=facility, staff_member=newcomer, kind="issue", requested_by=admin
    )
    client.force_login(world.center)
    listed = client.get(reverse("admin:facilities_idrequest_changelist"))
    row = next(r for r in listed.context["cl"].result_list if r.pk == request.pk)
    assert row.pledge_on_record is False
    assert '<td class="field-pledge">記録なし</td>' in listed.content.decode()
    handle = client.get(reverse("admin:facilities_idrequest_handle", args=[request.pk]))
    content = handle.content.decode()
    assert 'data-testid="pledge">記録なし<' in content and "第9条" in content

    f.StaffPledgeFactory(staff_member=newcomer, status="received", received_on=f.TODAY)
    handle = client.get(reverse("admin:facilities_idrequest_handle", args=[request.pk]))
    assert 'data-testid="pledge">記録あり<' in handle.content.decode()
    client.force_login(admin)
    page = client.get(reverse("facility:staff_request", args=[facility.pk, newcomer.pk]))
    assert "免除の記録もまだありません" not in page.content.decode()


def test_a_leaving_is_recorded_with_the_day_the_person_left_never_a_silent_today(client):
    world = build_world()
    client.force_login(world.a.admin)
    url = reverse("facility:staff_leave", args=[world.a.facility.pk, world.a.staff.pk])
    page = client.get(url)
    assert page.context["form"]["left_on"].value() == timezone.localdate()  # shown, not assumed
    refused = client.post(url, {"reason": "left", "left_on": ""})
    assert refused.status_code == 200
    assert "退職日を入力してください。" in refused.content.decode()
    world.a.staff.refresh_from_db()
    assert world.a.staff.left_on is None and not world.a.staff.leaves.exists()
    day = timezone.localdate() - datetime.timedelta(days=3)
    client.post(url, {"reason": "left", "left_on": day.isoformat()})
    world.a.staff.refresh_from_db()
    assert world.a.staff.left_on == day
