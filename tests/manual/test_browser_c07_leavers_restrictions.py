"""The manual's chapter c07 (退職者・利用制限・利用禁止・利用停止): the support center records a
leaver a facility reported and follows the leavers' checklists; restricts an MCS ID and lifts
the restriction; suspends a facility's use of MCS and lifts it. With SCREENSHOTS_DIR set, the
steps are saved as c07-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import Facility, IdRequest, Leave, McsAccount, StaffMember
from groups.models import Membership
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

DENTAL = "さくら歯科医院"
LEAVER = "中村　浩二"  # the dental clinic's hygienist, as the admin lists names
RESTRICTED_ID = "misato003@mcs-demo.example"  # a physician of the demo's clinic
DELETION_PENDING_ID = "misato032@mcs-demo.example"  # the pharmacy's, being deleted
SUSPENDED = "みどり福祉用具"
ALREADY_SUSPENDED = "三郷ケアセンター療養棟"


def open_registry(page, name):
    """The center's registry (the admin) from the portal's menu, then one of its lists."""
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.locator("#content-main").get_by_role("link", name=name, exact=True).click()


def search(page, text):
    page.locator("#searchbar").fill(text)
    page.get_by_role("button", name="検索").click()


def run_action(page, row_text, action):
    """Tick the row, choose the action, press 実行."""
    page.locator("#result_list tr", has_text=row_text).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="実行").click()


@pytest.mark.django_db(transaction=True)
def test_the_center_records_a_leaver_and_follows_the_checklists(page):
    person = StaffMember.objects.get(email="staff021@mcs-demo.example")
    left_on = timezone.localdate() - timedelta(days=5)  # the day the facility reported
    log_in(page, "center")

    # 1. the staff list: the person the facility reported, the action
    open_registry(page, "職員")
    search(page, DENTAL)
    page.locator("#result_list tr", has_text=LEAVER).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(
        label="退職を記録（退職手続きのチェックリストを開く）"
    )
    shot(page, "c07-mark-left-action")

    # 2. the leaving date, then 実行
    page.get_by_role("button", name="実行").click()
    expect(
        page.get_by_role("heading", name="退職を記録（退職手続きのチェックリストを開く）")
    ).to_be_visible()
    page.get_by_label("退職日").fill(left_on.isoformat())
    shot(page, "c07-mark-left-date")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    person.refresh_from_db()
    assert person.left_on == left_on
    leave = Leave.objects.get(staff_member=person)
    assert IdRequest.objects.filter(staff_member=person, kind="delete", status="pending").exists()
    # what the facility still confirms: the lent device back, the reminder of the duty after leaving
    assert leave.items.filter(status="open").count() == 2
    # the list keeps its search: the message above, the leaving date in the row
    expect(page.locator("#result_list tr", has_text=LEAVER)).to_contain_text(
        f"{left_on.year}年{left_on.month}月{left_on.day}日"
    )
    shot(page, "c07-mark-left-done")

    # 3. the same person again: refused, nothing changed
    run_action(page, LEAVER, "退職を記録（退職手続きのチェックリストを開く）")
    page.get_by_label("退職日").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("この職員は既に退職済みです。")).to_be_visible()
    expect(page.get_by_text("何も変更していません。")).to_be_visible()
    person.refresh_from_db()
    assert person.left_on == left_on
    shot(page, "c07-already-left")

    # 4. the leavers whose checklist is not complete, across the facilities
    page.locator(".breadcrumbs").get_by_role("link", name="ホーム").click()
    page.locator("#content-main").get_by_role("link", name="退職・担当解除", exact=True).click()
    completed = page.locator("#changelist-filter details[data-filter-title='完了日']")
    completed.get_by_role("link", name="空", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text(LEAVER)
    expect(page.locator("#result_list tbody tr")).to_have_count(2)  # and the demo's leaver
    shot(page, "c07-open-leaves")

    # 5. one checklist: what is done and what waits for the facility
    page.locator("#result_list").get_by_role("link", name=LEAVER).click()
    items = page.locator(".inline-group")
    expect(items).to_contain_text("退職後の守秘義務（誓約書）の周知: 対応中")
    expect(items).to_contain_text("すべてのグループから解除: 処理済")
    shot(page, "c07-leave-checklist")

    # an item the facility reported by telephone: the device is still lent, so it is waived
    # with a reason or waits for the device register
    page.goto("/admin/facilities/leaveitem/")
    search(page, "中村")
    run_action(page, "貸与端末の返却", "完了にする")
    expect(page.get_by_text("先に端末台帳で貸与端末の返却を記録してください")).to_be_visible()
    expect(page.get_by_text("何も変更していません。")).to_be_visible()
    run_action(page, "貸与端末の返却", "省略")
    page.get_by_label("理由").fill("端末は紛失届が出ており返却できないため（事業所から電話）")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    item = leave.items.get(kind="devices")
    assert item.status == "waived" and item.closed_by.username == "center"


@pytest.mark.django_db(transaction=True)
def test_the_center_restricts_an_id_and_suspends_a_facility(page):
    log_in(page, "center")

    # 1. the MCS IDs: choose the ID and 「利用を制限」
    open_registry(page, "MCS ID")
    search(page, RESTRICTED_ID)
    run_action(page, RESTRICTED_ID, "利用を制限")
    # 2. the reason, then 実行
    page.get_by_label("理由").fill("患者情報を業務目的外に閲覧したため（MCS 管理者から連絡）")
    shot(page, "c07-restrict-reason")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    expect(page.locator("#result_list tr", has_text=RESTRICTED_ID)).to_contain_text("利用制限")
    account = McsAccount.objects.get(login_id=RESTRICTED_ID)
    assert account.status == "restricted" and "目的外" in account.status_reason
    shot(page, "c07-restricted")

    # 3. an ID being deleted cannot be restricted
    search(page, DELETION_PENDING_ID)
    run_action(page, DELETION_PENDING_ID, "利用を制限")
    page.get_by_label("理由").fill("確認のため")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("制限・禁止できるのは利用中の ID だけです。")).to_be_visible()
    expect(page.get_by_text("何も変更していません。")).to_be_visible()
    assert McsAccount.objects.get(login_id=DELETION_PENDING_ID).status == "deletion_pending"
    shot(page, "c07-restrict-refused")

    # 4. lifting the restriction
    search(page, RESTRICTED_ID)
    run_action(page, RESTRICTED_ID, "制限を解除")
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    expect(page.locator("#result_list tr", has_text=RESTRICTED_ID)).to_contain_text("発行済")
    account.refresh_from_db()
    assert account.status == "issued" and account.status_reason == ""
    shot(page, "c07-lifted")

    # 5. a facility's use of MCS suspended, with the reason
    page.locator(".breadcrumbs").get_by_role("link", name="ホーム").click()
    page.locator("#content-main").get_by_role("link", name="事業所", exact=True).click()
    run_action(page, SUSPENDED, "MCS の利用を停止")
    page.get_by_label("理由").fill("端末の紛失について事業所の調査と報告が済むまで")
    shot(page, "c07-suspend-reason")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    expect(page.locator("#result_list tr", has_text=SUSPENDED)).to_contain_text("利用停止")
    assert Facility.objects.get(name=SUSPENDED).status == "suspended"
    shot(page, "c07-suspended")

    # 6. a facility already suspended cannot be suspended again; lifting it
    run_action(page, ALREADY_SUSPENDED, "MCS の利用を停止")
    page.get_by_label("理由").fill("確認のため")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("利用停止にできるのは、MCS を利用中の事業所だけです。")).to_be_visible()
    run_action(page, SUSPENDED, "利用停止を解除")
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    expect(page.locator("#result_list tr", has_text=SUSPENDED)).to_contain_text("有効")
    assert Facility.objects.get(name=SUSPENDED).status == "active"
    shot(page, "c07-suspension-lifted")

    # 独自ルール 8: someone who leaked information is taken out of a group
    membership = Membership.objects.filter(status="approved").select_related("staff_member")[0]
    page.locator(".breadcrumbs").get_by_role("link", name="ホーム").click()
    page.locator("#content-main").get_by_role("link", name="グループメンバー", exact=True).click()
    search(page, str(membership.group_id))
    run_action(
        page,
        membership.staff_member.full_name,
        "情報流出によりグループから退会させる（独自ルール 8）",
    )
    page.get_by_label("理由").fill("グループの書き込みを事業所外の第三者に転送した")
    expect(page.locator("#content")).to_contain_text(membership.staff_member.full_name)
    shot(page, "c07-leak-reason")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    membership.refresh_from_db()
    assert membership.status == "removed"
