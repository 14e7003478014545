"""Manual chapter f01 (最初の日にすること・ダッシュボード): a facility person's first login with the
one-time password the center handed over (the authenticator, the recovery codes, their own
password), then an MCS administrator's everyday login and the dashboard with its menu.

With SCREENSHOTS_DIR set, the pages are saved as docs/manual/images/f01-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from facilities.models import StaffMember
from mcs_admin.models import User
from mcs_admin.second_factor import current_code, totp_device
from office.logins import login_create_for_staff
from tests.test_browser import PASSWORD, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

NEW_PASSWORD = "kangoshi-2026-misato"


@pytest.mark.django_db(transaction=True)
def test_a_new_user_logs_in_for_the_first_time(page):
    # the center made the login and handed over its one-time password (the center's chapter)
    center = User.objects.get(username="center")
    admin_a = User.objects.get(username="admin-a")
    nurse = (
        StaffMember.objects.filter(facility=admin_a.staff_member.facility, user__isnull=True)
        .exclude(mcs_accounts=None)
        .order_by("pk")
        .first()
    )
    user, initial = login_create_for_staff(staff_member=nurse, username="nurse-a", by=center)

    page.goto("/login/")
    page.get_by_label("ユーザー名").fill("nurse-a")
    page.get_by_label("パスワード").fill(initial)
    shot(page, "f01-login")
    page.get_by_role("button", name="ログイン").click()

    # first login: add the login to the authenticator app
    expect(page.get_by_role("heading", name="二要素認証の設定")).to_be_visible()
    expect(page.get_by_test_id("totp-secret")).not_to_be_empty()
    page.get_by_label("確認コード").fill("000000")
    page.get_by_role("button", name="確認").click()
    expect(
        page.get_by_text(
            "コードが正しくありません。アプリに今表示されているコードを入力してください。"
        )
    ).to_be_visible()
    shot(page, "f01-enrol")
    code, _, _ = current_code(totp_device(user, confirmed=False))
    page.get_by_label("確認コード").fill(code)
    page.get_by_role("button", name="確認").click()

    # the recovery codes, shown once
    expect(page.get_by_role("heading", name="リカバリーコード")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    shot(page, "f01-recovery-codes")
    page.get_by_role("link", name="続ける").click()

    # their own password: a short or common one is refused
    expect(page.get_by_role("heading", name="パスワードの変更")).to_be_visible()
    expect(page.get_by_text("一回限りの初期パスワードでログインしました。")).to_be_visible()
    fields = page.locator("form.page input[type=password]")
    expect(fields).to_have_count(3)
    fields.nth(0).fill(initial)
    fields.nth(1).fill("password")
    fields.nth(2).fill("password")
    page.locator("form.page button[type=submit]").click()
    errors = page.locator("ul.errorlist")
    expect(errors).to_contain_text("短すぎ")
    shot(page, "f01-password-change")
    fields.nth(0).fill(initial)
    fields.nth(1).fill(NEW_PASSWORD)
    fields.nth(2).fill(NEW_PASSWORD)
    page.locator("form.page button[type=submit]").click()

    # a user (not an administrator) starts on their own record
    expect(page.get_by_text("パスワードを変更しました。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_test_id("role")).to_contain_text("ユーザー")
    shot(page, "f01-my-record")
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert totp_device(user) is not None
    log_out(page)


@pytest.mark.django_db(transaction=True)
def test_an_administrator_logs_in_and_reads_the_dashboard(page):
    admin_a = User.objects.get(username="admin-a")
    facility = admin_a.staff_member.facility

    # every later login: password, then the app's code
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill("admin-a")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/"))
    expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
    code, _, _ = current_code(totp_device(admin_a))
    page.get_by_label("確認コード").fill(code)
    shot(page, "f01-two-factor")
    page.get_by_role("button", name="確認").click()

    # the dashboard: unread notices on top, then a card for each kind of work
    expect(page.get_by_test_id("role")).to_contain_text(f"MCS 管理者・{facility.name}")
    expect(page.get_by_role("heading", name=re.compile("今対応が必要なこと"))).to_be_visible()
    expect(page.locator("#notices")).to_contain_text("未読のサポートセンターからのお知らせ")
    for card in [
        "承認待ちの招待",
        "サポートセンターで処理待ちの ID 申請",
        "誓約書のない ID 登録者",
        "セキュリティ対策が不足している端末",
        "期限が近いメンバー精査",
        "管理施設の変更の依頼",
        "MCS パスワードの変更時期",
        "返送されていない様式",
    ]:
        expect(page.locator("section.card h2", has_text=card)).to_be_visible()
    # the new nurse's ID request waits at the center
    expect(page.locator("section.card", has_text="処理待ちの ID 申請")).to_contain_text("新井")
    menu = page.locator("#menu")
    for name in [
        "ダッシュボード",
        "お知らせ",
        "職員",
        "ID申請",
        "退職・担当解除",
        "誓約書",
        "研修",
    ]:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    shot(page, "f01-dashboard")

    # a card's link opens its list
    page.get_by_role("link", name="ID 申請一覧へ").click()
    expect(page.get_by_role("heading", name="ID申請")).to_be_visible()
    log_out(page)
