"""The operations manual, chapter c02 (施設の登録): the screenshots of
docs/manual/center/02-register-facility.md, taken while the center registers a facility from its
application, online (a link the facility fills in) and on paper (typed into the admin).

The facility's own pages of the online application are pictured by
tests/test_browser.py (apply-form, apply-submitted, apply-link-closed); the center's steps here.
With SCREENSHOTS_DIR set, the pages are saved there as c02-*.png.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from facilities.models import Facility, IdRequest, UsageApplication
from tests.test_browser import log_in, page, shot, type_an_application

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

ONLINE = "風の丘訪問看護ステーション"
PAPER = "つばさ薬局 三郷駅前店"


def open_admin_list(page, name):
    """The admin's home, then one of its lists by its name there."""
    page.goto("/admin/")
    page.locator("#content-main").get_by_role("link", name=name, exact=True).first.click()


def choose_in_search_box(page, field, text):
    """An admin's search-as-you-type choice (select2): type, then pick the match."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def run_action(page, application, label):
    open_admin_list(page, "利用申込書（様式1）")
    page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    page.locator("select[name=action]").select_option(label=label)
    page.get_by_role("button", name="実行").click()
    expect(page.locator("ul.messagelist")).to_be_visible()


def look_up(page, number):
    """The receiving page, from the admin's home, showing the record of a form's number."""
    page.goto("/admin/")
    page.get_by_role("link", name="返送された様式の受領").click()
    page.get_by_label("文書番号").fill(number)
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("button", name="受領済みにする")).to_be_visible()


def mark_received(page, number):
    page.get_by_role("button", name="受領済みにする").click()
    expect(page.locator("ul.messagelist")).to_contain_text(number)


def receive(page, number):
    look_up(page, number)
    mark_received(page, number)


def fill_the_online_application(page, link):
    """What the facility does through its link (pictured by tests/test_browser.py)."""
    type_an_application(page, link)
    page.get_by_role("button", name="申込を送信する").click()
    expect(page.get_by_role("heading", name="申込を送信しました")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_center_sends_a_link_and_approves_the_application_that_comes_back(page, live_server):
    log_in(page, "center")

    # 1. the invitation: the link goes by e-mail and is shown once
    open_admin_list(page, "申込用リンクの招待")
    page.get_by_role("link", name=re.compile("申込用リンクの招待 を追加|追加")).first.click()
    page.get_by_label("メールアドレス").fill("info@kaze-kango.example.jp")
    shot(page, "c02-invite-add")
    page.get_by_role("button", name="保存", exact=True).click()
    message = page.locator("ul.messagelist")
    expect(message).to_contain_text("@kaze-kango.example.jp にリンクをメールで送りました。")
    shot(page, "c02-invite-sent")
    text = message.inner_text()
    link = re.search(r"/apply/\S+/", text).group(0)

    # 2. the facility fills in forms 1 and 2 through the link, in a browser of its own
    facility_browser = page.context.browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    fill_the_online_application(facility_browser.new_page(), link)
    facility_browser.close()
    facility = Facility.objects.get(name=ONLINE)
    application = facility.applications.get()
    pledge = facility.pledges.get()
    assert facility.status == Facility.Status.APPLYING
    assert application.status == UsageApplication.Status.PREPARED

    # 3. the center's queue: applications not yet received, nothing to retype
    open_admin_list(page, "利用申込書（様式1）")
    page.locator("#changelist-filter").get_by_role("link", name="未受領").first.click()
    expect(page.locator("#result_list")).to_contain_text(ONLINE)
    shot(page, "c02-queue")
    page.locator("#result_list").get_by_role("link", name=ONLINE).click()
    expect(page.locator("#roster_lines-group")).to_contain_text("丘")
    shot(page, "c02-application")
    with page.expect_download() as download:
        page.get_by_role("link", name="様式を印刷（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # 4. the signed, sealed paper comes back: both numbers are received
    look_up(page, application.document_number)
    expect(page.locator("#content")).to_contain_text(ONLINE)
    shot(page, "c02-receive")
    mark_received(page, application.document_number)
    receive(page, pledge.document_number)
    application.refresh_from_db()
    assert application.status == UsageApplication.Status.RECEIVED

    # 5. approving before checking is refused, and changes nothing
    run_action(page, application, "承認（利用開始・MCS管理者の任命・ID発行申請）")
    expect(page.locator("ul.messagelist")).to_contain_text(
        "申込書の状態が「受領済」のため、この操作はできません。"
    )
    shot(page, "c02-approve-refused")
    facility.refresh_from_db()
    assert facility.status == Facility.Status.APPLYING

    # 6. checked, then approved
    run_action(page, application, "確認済みにする")
    expect(page.locator("#result_list tr", has_text=ONLINE)).to_contain_text("確認済")
    shot(page, "c02-checked")
    run_action(page, application, "承認（利用開始・MCS管理者の任命・ID発行申請）")
    expect(page.locator("#result_list tr", has_text=ONLINE)).to_contain_text("承認済")
    shot(page, "c02-approved")
    facility.refresh_from_db()
    assert facility.status == Facility.Status.ACTIVE
    assert facility.appointments.get().staff_member.family_name == "風間"
    assert IdRequest.objects.filter(facility=facility, kind=IdRequest.Kind.ISSUE).count() == 2

    # 7. the ID issue requests wait in the center's queue
    open_admin_list(page, "ID申請")
    expect(page.locator("#result_list")).to_contain_text("丘")
    shot(page, "c02-id-requests")


@pytest.mark.django_db(transaction=True)
def test_the_center_types_a_paper_application_into_the_admin(page):
    log_in(page, "center")

    # 1. the facility, from the paper 様式1
    open_admin_list(page, "事業所")
    page.get_by_role("link", name=re.compile("追加")).first.click()
    for name, value in {
        "name": PAPER,
        "name_kana": "ﾂﾊﾞｻﾔｯｷｮｸﾐｻﾄｴｷﾏｴﾃﾝ",
        "postal_code": "341-0022",
        "address": "埼玉県三郷市（デモ）駅前1-2-3",
        "phone": "048-950-7777",
        "manager_name": "翼 一郎",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=category]").select_option("pharmacy")
    shot(page, "c02-paper-facility")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist")).to_be_visible()
    facility = Facility.objects.get(name=PAPER)
    assert facility.status == Facility.Status.APPLYING
    assert facility.name_kana == "ツバサヤッキョクミサトエキマエテン"

    # 2. its manager's pledge (様式2)
    open_admin_list(page, "連携守秘誓約書（様式2）")
    page.get_by_role("link", name=re.compile("追加")).first.click()
    choose_in_search_box(page, "facility", PAPER)
    shot(page, "c02-paper-pledge")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist")).to_be_visible()
    pledge = facility.pledges.get()

    # 3. the application (様式1) with its roster
    open_admin_list(page, "利用申込書（様式1）")
    page.get_by_role("link", name=re.compile("追加")).first.click()
    choose_in_search_box(page, "facility", PAPER)
    page.locator("#roster_lines-group .add-row a").click()
    line = "roster_lines-0-"
    page.locator(f"[name={line}profession]").select_option("pharmacist")
    for name, value in {
        "family_name": "翼",
        "given_name": "一郎",
        "family_name_kana": "ﾂﾊﾞｻ",
        "given_name_kana": "ｲﾁﾛｳ",
        "email": "tsubasa@tsubasa-ph.example.jp",
    }.items():
        page.locator(f"[name={line}{name}]").fill(value)
    page.locator(f"[name={line}gender]").select_option("male")
    page.locator(f"[name={line}is_administrator]").check()
    shot(page, "c02-paper-application")
    page.get_by_role("button", name="保存して編集を続ける").click()
    expect(page.locator("ul.messagelist")).to_be_visible()
    application = facility.applications.get()
    assert application.roster_lines.get().family_name_kana == "ツバサ"

    # 4. printed with their numbers, signed and sealed, received, checked and approved
    with page.expect_download() as download:
        page.get_by_role("link", name="様式を印刷（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    receive(page, application.document_number)
    receive(page, pledge.document_number)
    run_action(page, application, "確認済みにする")
    run_action(page, application, "承認（利用開始・MCS管理者の任命・ID発行申請）")
    facility.refresh_from_db()
    assert facility.status == Facility.Status.ACTIVE
    assert facility.appointments.get().staff_member.family_name == "翼"
