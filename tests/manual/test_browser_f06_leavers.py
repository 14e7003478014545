"""Manual chapter f06 (職員が退職したとき): the MCS administrator records a leaver, which asks
the center to delete the ID and removes the person from every group; then closes the
checklist: the lent device back in the register, the reminder of the pledge's duty printed and
handed over, and the スタッフ解除 in MCS confirmed on the ID request.

With SCREENSHOTS_DIR set, the pages are saved as docs/manual/images/f06-*.png.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import Device
from facilities.models import IdRequest, Leave, McsAccount, StaffMember
from groups.models import Membership
from mcs_admin.models import User
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


@pytest.mark.django_db(transaction=True)
def test_an_administrator_records_a_leaver_and_closes_the_checklist(page):
    admin_a = User.objects.get(username="admin-a")
    facility = admin_a.staff_member.facility
    # the clinic's nurse: an ID in use, a lent tablet, invitations to groups
    nurse = StaffMember.objects.get(
        facility=facility, profession="nurse", user__isnull=True, mcs_accounts__status="issued"
    )
    device = Device.objects.get(assigned_to=nurse, status="in_use")
    assert (
        Membership.objects.filter(staff_member=nurse)
        .exclude(status__in=["removed", "declined", "cancelled"])
        .exists()
    )
    today = timezone.localdate()

    log_in(page, "admin-a")
    page.locator("#menu").get_by_role("link", name="職員", exact=True).click()
    page.get_by_role("link", name=nurse.full_name).click()
    page.get_by_role("link", name="退職・担当解除を記録").click()

    # a leaving day in the future is refused
    page.get_by_label("退職・異動").check()
    page.locator("[name=left_on]").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="退職を記録する").click()
    expect(page.get_by_text("日付が未来になっています。")).to_be_visible()
    shot(page, "f06-leave-form")
    assert not Leave.objects.filter(staff_member=nurse).exists()

    page.locator("[name=left_on]").fill(today.isoformat())
    page.get_by_role("button", name="退職を記録する").click()
    expect(page.get_by_text("退職手続きのチェックリストを開始しました。")).to_be_visible()
    leave = Leave.objects.get(staff_member=nurse)
    card = page.locator("section.card", has_text=nurse.family_name).first
    expect(card).to_contain_text("対応中")
    for done in ["MCS ID の削除を依頼", "すべてのグループから解除"]:
        expect(card.locator("tr", has_text=done)).to_contain_text("処理済")
    shot(page, "f06-leavers-list")
    # what the system did at once: the deletion asked of the center, the groups left
    nurse.refresh_from_db()
    assert nurse.left_on == today
    assert McsAccount.objects.get(staff_member=nurse).status == "deletion_pending"
    assert IdRequest.objects.get(staff_member=nurse, kind="delete").status == "pending"
    assert not (
        Membership.objects.filter(
            staff_member=nurse, status__in=["invited", "accepted", "approved"]
        )
        .exclude(group__status="archived")  # an archived group accepts no change
        .exists()
    )

    # the lent tablet: refused until the register says it came back
    card.locator("tr", has_text="貸与端末の返却").get_by_role("button", name="完了").click()
    expect(page.get_by_text("先に端末台帳で貸与端末の返却を記録してください")).to_be_visible()
    shot(page, "f06-device-refused")
    page.locator("#menu").get_by_role("link", name="端末", exact=True).click()
    page.get_by_role("link", name=device.label).click()
    page.locator("[name=assigned_to]").select_option(value="")
    shot(page, "f06-device-returned")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("端末を保存しました。")).to_be_visible()
    device.refresh_from_db()
    assert device.assigned_to is None

    page.locator("#menu").get_by_role("link", name="退職・担当解除", exact=True).click()
    card = page.locator("section.card", has_text=nurse.family_name).first
    card.locator("tr", has_text="貸与端末の返却").get_by_role("button", name="完了").click()
    expect(page.get_by_text("項目を完了しました。")).to_be_visible()

    # the reminder of the pledge's duty after leaving, printed and handed over
    card = page.locator("section.card", has_text=nurse.family_name).first
    reminder_row = card.locator("tr", has_text="退職後の守秘義務")
    with page.context.expect_page() as opened:
        reminder_row.get_by_role("link", name="周知文を印刷").click()
    reminder = opened.value
    expect(reminder.get_by_role("heading", name="退職後の業務情報保持について")).to_be_visible()
    expect(reminder.get_by_text(nurse.full_name)).to_be_visible()
    shot(reminder, "f06-pledge-reminder")
    reminder.close()
    reminder_row.get_by_role("button", name="完了").click()
    expect(page.get_by_text("項目を完了しました。")).to_be_visible()
    card = page.locator("section.card", has_text=nurse.family_name).first
    expect(card).to_contain_text("完了")
    shot(page, "f06-leave-complete")
    leave.refresh_from_db()
    assert leave.completed_on == today

    # in MCS the administrator removed the nurse from the facility's staff: say so
    page.locator("#menu").get_by_role("link", name="ID申請", exact=True).click()
    row = page.locator("tbody tr", has_text=nurse.family_name).first
    expect(row).to_contain_text("削除")
    row.get_by_role("button", name="スタッフ解除済み").click()
    expect(page.get_by_text("手順を記録しました。")).to_be_visible()
    row = page.locator("tbody tr", has_text=nurse.family_name).first
    expect(row).to_contain_text("事業所によるスタッフ解除")
    shot(page, "f06-id-deletion-step")
    request = IdRequest.objects.get(staff_member=nurse, kind="delete")
    assert request.released_by == admin_a and request.status == "pending"

    # the leaver's record: left, ID being deleted, out of every group
    page.locator("#menu").get_by_role("link", name="職員", exact=True).click()
    page.get_by_role("link", name="退職者も表示").click()
    page.get_by_role("link", name=nurse.full_name).click()
    expect(page.get_by_text("削除手続中").first).to_be_visible()
    expect(page.get_by_role("link", name="退職・担当解除を記録")).to_have_count(0)
    shot(page, "f06-leaver-record")
    log_out(page)
