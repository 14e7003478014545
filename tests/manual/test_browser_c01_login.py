"""The operations manual, chapter c01 (ログインと二要素認証): the screenshots of
docs/manual/center/01-login.md, taken while a login does each step in Chromium.

With SCREENSHOTS_DIR set, the pages are saved there as c01-*.png.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from facilities.models import Facility, StaffMember
from mcs_admin.models import AccessLog, User
from mcs_admin.second_factor import current_code, is_enrolled, totp_device
from tests.test_browser import (
    PASSWORD,
    log_in,
    log_out,
    page,
    shot,
)

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

NEW_PASSWORD = "kaze-no-oka-2026-sora"


def code_for(user: User, *, confirmed: bool = True) -> str:
    code, _, _ = current_code(totp_device(user, confirmed=confirmed))
    return code


def let_the_throttle_pass(user: User) -> None:
    """django-otp makes a login wait after a wrong code; the manual's reader waits a minute."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )


@pytest.mark.django_db(transaction=True)
def test_a_clerk_logs_in_with_the_password_and_the_apps_code(page):
    center = User.objects.get(username="center")
    page.goto("/login/")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    page.get_by_label("ユーザー名").fill("center")
    page.get_by_label("パスワード").fill(PASSWORD)
    shot(page, "c01-login")
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("heading", name="二要素認証")).to_be_visible()
    shot(page, "c01-code")

    # a wrong code is refused, and written in the access log
    page.get_by_label("確認コード").fill("000000")
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_text("コードが正しくないか、既に使用済みです。")).to_be_visible()
    shot(page, "c01-code-wrong")
    assert AccessLog.objects.filter(user=center, action=AccessLog.Action.LOGIN_FAILED).exists()

    let_the_throttle_pass(center)
    page.get_by_label("確認コード").fill(code_for(center))
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_test_id("display-name")).to_be_visible()
    assert AccessLog.objects.filter(user=center, action=AccessLog.Action.LOGIN).exists()
    shot(page, "c01-home")
    log_out(page)
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_new_login_sets_up_its_app_keeps_its_codes_and_chooses_its_password(page):
    # the center creates the login of a clinic's staff member, with a one-time password
    clinic = Facility.objects.get(name="みさと中央クリニック")
    person = (
        StaffMember.objects.filter(facility=clinic, user__isnull=True, left_on__isnull=True)
        .order_by("pk")
        .first()
    )
    log_in(page, "center")
    page.goto("/admin/")
    page.get_by_role("link", name="ログインアカウント", exact=True).first.click()
    page.get_by_role("link", name="職員のログインを作成").click()
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(person.family_name)
    page.locator(".select2-results__option", has_text=str(person)).first.click()
    page.get_by_label("ログイン名").fill("clinic-new")
    shot(page, "c01-create-login")
    page.get_by_role("button", name="ログインを作成").click()
    initial = page.get_by_test_id("initial-password")
    expect(initial).to_be_visible()
    password = initial.inner_text().strip()
    shot(page, "c01-initial-password")
    new = User.objects.get(username="clinic-new")
    assert new.staff_member == person and new.must_change_password
    log_out(page)

    # the person's first login: the password handed over, then the app is set up
    page.get_by_label("ユーザー名").fill("clinic-new")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="二要素認証の設定")).to_be_visible()
    expect(page.get_by_test_id("totp-secret")).to_be_visible()
    shot(page, "c01-enrol")
    page.get_by_label("確認コード").fill(code_for(new, confirmed=False))
    page.get_by_role("button", name="確認").click()

    expect(page.get_by_role("heading", name="リカバリーコード")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    assert is_enrolled(new)
    shot(page, "c01-recovery-codes")
    page.get_by_role("link", name="続ける").click()

    # then the person's own password
    expect(page.get_by_role("heading", name="パスワードの変更")).to_be_visible()
    expect(page.get_by_text("一回限りの初期パスワードでログインしました。")).to_be_visible()
    fields = page.locator("form.page input[type=password]")
    fields.nth(0).fill(password)
    fields.nth(1).fill(NEW_PASSWORD)
    fields.nth(2).fill(NEW_PASSWORD)
    shot(page, "c01-password-change")
    page.locator("form.page button[type=submit]").click()
    expect(page.get_by_text("パスワードを変更しました。")).to_be_visible()
    new.refresh_from_db()
    assert not new.must_change_password and new.check_password(NEW_PASSWORD)
    log_out(page)

    # a day without the phone: a recovery code instead of the app's code, once
    page.get_by_label("ユーザー名").fill("clinic-new")
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(recovery_code)
    page.get_by_role("button", name="確認").click()
    expect(
        page.get_by_text("リカバリーコードでログインしました。残りは 9 個です。")
    ).to_be_visible()
    shot(page, "c01-recovery-login")


@pytest.mark.django_db(transaction=True)
def test_the_center_resets_the_second_factor_of_a_lost_phone(page):
    user_a = User.objects.get(username="user-a")
    log_in(page, "center")
    page.goto("/admin/")
    page.get_by_role("link", name="ログインアカウント", exact=True).first.click()
    page.locator("#searchbar").fill("user-a")
    page.locator("#changelist-search input[type=submit]").click()
    page.locator("#result_list").get_by_role("link", name="user-a", exact=True).click()
    expect(page.get_by_role("link", name="二要素目をリセット")).to_be_visible()
    shot(page, "c01-reset-open")
    page.get_by_role("link", name="二要素目をリセット").click()
    expect(page.get_by_label("本人確認の方法")).to_be_visible()

    # without a note of the identity check, nothing is reset
    page.get_by_role("button", name="二要素目をリセット").click()
    expect(page.locator(".errorlist")).to_contain_text("この項目は必須です。")
    assert is_enrolled(user_a)
    page.get_by_label("本人確認の方法").fill(
        "事業所の登録電話番号に折り返し、MCS 管理者と氏名・事業所・メールアドレスを確認した。"
    )
    shot(page, "c01-reset-form")
    page.get_by_role("button", name="二要素目をリセット").click()
    expect(page.locator("ul.messagelist")).to_contain_text("の二要素目をリセットしました。")
    shot(page, "c01-reset-done")
    assert not is_enrolled(user_a)
    entry = AccessLog.objects.filter(action=AccessLog.Action.SECOND_FACTOR_RESET).latest("pk")
    assert entry.user.username == "center" and "折り返し" in entry.description
    log_out(page)

    # at the next login the person sets the app up again
    page.get_by_label("ユーザー名").fill("user-a")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/"))
    expect(page.get_by_role("heading", name="二要素認証の設定")).to_be_visible()
