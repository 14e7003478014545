"""The manual's chapter c03 (ID申請の処理): the support center handles the ID requests of the
facilities in the admin: issue (and its notice), rejection, deletion as a tracked task, change,
and the 30-day rule of an address freed by a deletion. With SCREENSHOTS_DIR set, the pages are
saved as c03-*.png for docs/manual/center/03-id-requests.md."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities import services
from facilities.models import IdRequest, McsAccount, StaffMember
from mcs_admin.dates import shown_date
from mcs_admin.documents import document_receive
from mcs_admin.models import User
from pledges.services import staff_pledge_prepare
from tests.pdf_reading import pages_text
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

LIST = "/admin/facilities/idrequest/"


def pledge_on_record(person: StaffMember, by: User, center: User) -> None:
    """The facility prepares 様式3 and the signed paper comes back to the center (chapter c04)."""
    pledge = staff_pledge_prepare(staff_member=person, by=by)
    document_receive(
        document_number=pledge.document_number, received_on=timezone.localdate(), by=center
    )


def open_request(page, name: str, kind: str) -> None:
    """From the queue, the handling page of the pending request of `name` of `kind`."""
    page.goto(LIST + "?status__exact=pending")
    row = page.locator("#result_list tbody tr").filter(has_text=name).filter(has_text=kind)
    row.get_by_role("link", name="処理する").click()
    expect(page.get_by_role("heading", name="ID 申請の処理")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_center_issues_an_id_prints_its_notice_and_rejects_a_request(page):
    admin_a, admin_b = User.objects.get(username="admin-a"), User.objects.get(username="admin-b")
    center = User.objects.get(username="center")
    newcomer = StaffMember.objects.get(email="newcomer@mcs-demo.example")  # the demo's request
    # a request the center will not accept: a new nurse of the nursing station, no pledge
    nurse = services.staff_create(
        facility=admin_b.staff_member.facility,
        by=admin_b,
        family_name="小川",
        given_name="春香",
        family_name_kana="オガワ",
        given_name_kana="ハルカ",
        profession="nurse",
        gender="female",
        email="ogawa@mcs-demo.example",
    )
    refused = services.id_request_create(staff_member=nurse, kind="issue", by=admin_b)

    log_in(page, "center")
    page.goto("/admin/")
    page.locator("#content-main").get_by_role("link", name="ID申請", exact=True).click()
    page.locator("#changelist-filter").get_by_role("link", name="未処理").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(IdRequest.objects.filter(status="pending").count())
    expect(rows.first).to_contain_text("ひまわり薬局")  # the oldest first (12 days)
    expect(rows.filter(has_text="新井")).to_contain_text("記録なし")
    shot(page, "c03-id-requests")

    # 第9条: no pledge (様式3) on record, no ID
    open_request(page, "新井", "発行")
    expect(page.get_by_test_id("pledge")).to_have_text("記録なし")
    expect(page.locator(".errornote")).to_contain_text("記録されるまでIDは発行できません")
    page.get_by_role("button", name="MCS で発行済み").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "ID は、誓約書（様式3）またはその省略が記録された職員にだけ発行できます。"
    )
    assert not newcomer.mcs_accounts.exists()
    shot(page, "c03-issue-no-pledge")

    # the signed 様式3 came back: the ID is issued with the login id registered in MCS
    pledge_on_record(newcomer, admin_a, center)
    page.reload()
    expect(page.get_by_test_id("pledge")).to_have_text("記録あり")
    login_id = page.get_by_label("MCSログインID")
    expect(login_id).to_have_value("newcomer@mcs-demo.example")
    page.get_by_role("button", name="MCS で発行済み").click()
    expect(page.locator("ul.messagelist")).to_contain_text("申請を更新しました。")
    expect(page.get_by_text("この申請は既に処理済みです。")).to_be_visible()
    account = newcomer.mcs_accounts.get()
    assert (account.login_id, account.status) == ("newcomer@mcs-demo.example", "issued")
    assert IdRequest.objects.get(staff_member=newcomer).status == "done"
    shot(page, "c03-issue-done")

    # the ID notice (ID発行通知) for the facility: the login id, never a password
    issued = IdRequest.objects.get(staff_member=newcomer)
    page.goto(LIST + "?status__exact=done&kind__exact=issue")
    page.locator(f"input[name=_selected_action][value='{issued.pk}']").check()
    page.locator("select[name=action]").select_option(label="ID発行通知を印刷")
    shot(page, "c03-print-notice")
    with page.expect_download() as download:
        page.get_by_role("button", name="実行").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "newcomer@mcs-demo.example" in "".join(pages_text(pdf))

    # a request the center does not accept: rejected with the reason, which the facility reads
    open_request(page, "小川", "発行")
    page.get_by_role("button", name="却下").click()
    expect(page.locator("ul.messagelist")).to_contain_text("却下する理由を書いてください。")
    reason = "誓約書（様式3）の提出がないため。提出後にあらためて申請してください。"
    page.get_by_label("却下理由").fill(reason)
    page.get_by_role("button", name="却下").click()
    expect(page.locator("ul.messagelist")).to_contain_text("申請を更新しました。")
    expect(page.locator("#content")).to_contain_text(reason)
    refused.refresh_from_db()
    assert (refused.status, refused.rejection_reason) == ("rejected", reason)
    assert not nurse.mcs_accounts.exists()
    shot(page, "c03-reject")


@pytest.mark.django_db(transaction=True)
def test_the_center_completes_a_deletion_keeps_the_30_day_rule_and_records_a_change(page):
    admin_a, center = User.objects.get(username="admin-a"), User.objects.get(username="center")
    deletion = IdRequest.objects.get(kind="delete", facility__name="ひまわり薬局 三郷店")
    freed = deletion.account.login_id
    # the same person joins the clinic, which asks for an ID with the address just freed
    rejoined = services.staff_create(
        facility=admin_a.staff_member.facility,
        by=admin_a,
        family_name=deletion.staff_member.family_name,
        given_name=deletion.staff_member.given_name,
        family_name_kana=deletion.staff_member.family_name_kana,
        given_name_kana=deletion.staff_member.given_name_kana,
        profession="pharmacist",
        gender=deletion.staff_member.gender,
        email=freed,
    )
    pledge_on_record(rejoined, admin_a, center)
    services.id_request_create(staff_member=rejoined, kind="issue", by=admin_a)
    # a change the clinic asked for: the holder's new address as MCS login id
    user_a = User.objects.get(username="user-a").staff_member
    new_address = "takahashi.d@mcs-demo.example"
    change = services.id_request_create(
        staff_member=user_a,
        kind="change",
        details=f"メールアドレスを {new_address} に変更",
        by=admin_a,
    )

    log_in(page, "center")
    # the deletion: MCS's operator deletes no account; first a step must be confirmed
    open_request(page, deletion.staff_member.family_name, "削除")
    expect(page.get_by_role("heading", name="削除の手順")).to_be_visible()
    page.get_by_role("button", name="確認して完了").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "先に、本人によるアカウント削除または事業所によるスタッフ解除を確認してください。"
    )
    deletion.account.refresh_from_db()
    assert deletion.account.status == McsAccount.Status.DELETION_PENDING
    shot(page, "c03-delete-steps")

    # the pharmacy says on the telephone that it removed the person (スタッフ解除)
    released = page.locator("li").filter(has_text="事業所によるスタッフ解除")
    released.get_by_role("button", name="確認").click()
    expect(page.locator("ul.messagelist")).to_contain_text("申請を更新しました。")
    expect(released).to_contain_text("(center)")
    expect(released.get_by_role("button")).to_have_count(0)
    shot(page, "c03-delete-step-confirmed")

    page.get_by_role("button", name="確認して完了").click()
    expect(page.get_by_text("この申請は既に処理済みです。")).to_be_visible()
    deletion.refresh_from_db()
    deletion.account.refresh_from_db()
    assert deletion.status == "done" and deletion.released_by == center
    assert deletion.account.status == "deleted"
    assert deletion.account.deleted_on == timezone.localdate()
    shot(page, "c03-delete-done")

    # 独自ルール 3 as MCS keeps it: the freed address is accepted again only 30 days later
    again = shown_date(timezone.localdate() + datetime.timedelta(days=30))
    open_request(page, rejoined.family_name, "発行")
    expect(page.locator(".errornote")).to_contain_text(f"MCS で再登録できるのは {again} 以降です。")
    expect(page.get_by_label("MCSログインID")).to_have_value(freed)
    page.get_by_role("button", name="MCS で発行済み").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"このアドレスは削除により解放されたもので、MCS で再登録できるのは {again} 以降です。"
    )
    assert not rejoined.mcs_accounts.exists()
    shot(page, "c03-issue-30-days")

    # a change: the new login id as registered in MCS
    open_request(page, user_a.family_name, "変更")
    expect(page.locator("#content")).to_contain_text(new_address)
    page.get_by_label("新しい MCS ログインID（変わった場合）").fill(new_address)
    shot(page, "c03-change")
    page.get_by_role("button", name="MCS で変更済み").click()
    expect(page.locator("ul.messagelist")).to_contain_text("申請を更新しました。")
    expect(page.get_by_text("この申請は既に処理済みです。")).to_be_visible()
    change.refresh_from_db()
    assert change.status == "done"
    assert user_a.mcs_accounts.get().login_id == new_address
