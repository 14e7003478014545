"""The manual's chapter c06 (ID棚卸): the support center opens a round of roster reviews, a
facility's MCS administrator confirms every ID holder, the center follows each facility's
progress and reads who confirmed what. With SCREENSHOTS_DIR set, the steps are saved as
c06-*.png."""

import re

import pytest
from playwright.sync_api import expect

from facilities.models import Facility, Leave, RosterReview, RosterReviewEntry
from mcs_admin.models import User
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

CLINIC = "みさと中央クリニック"  # the demo's clinic has a review open already
NURSING = "みさと訪問看護ステーション"  # admin-b's station


@pytest.mark.django_db(transaction=True)
def test_the_center_opens_a_round_and_follows_the_facilities_confirmations(page):
    active = Facility.objects.filter(status="active").count()
    log_in(page, "center")

    # 1. the list of roster reviews: the clinic's open one and how far it has come
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.locator("#content-main").get_by_role("link", name="ID棚卸", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text(CLINIC)
    expect(page.get_by_role("link", name="ID棚卸を開始")).to_be_visible()
    shot(page, "c06-review-list")

    # 2. the round page; a facility whose review is still open is refused
    page.get_by_role("link", name="ID棚卸を開始").click()
    expect(page.get_by_label("期限")).not_to_have_value("")
    page.get_by_label("事業所").select_option(label=CLINIC)
    page.get_by_role("button", name="開始").click()
    expect(page.get_by_text(f"{CLINIC} の ID棚卸は既に実施中です。")).to_be_visible()
    assert RosterReview.objects.filter(facility__name=CLINIC).count() == 1
    shot(page, "c06-already-open")

    # 3. every active facility without an open review, one due date
    page.get_by_label("事業所").select_option(value="")
    page.get_by_role("button", name="開始").click()
    expect(page.get_by_text(f"{active - 1} 件の ID棚卸を開始しました。")).to_be_visible()
    assert RosterReview.objects.filter(status="open").count() == active
    shot(page, "c06-round-opened")
    log_out(page)

    # 4. the station's MCS administrator confirms each ID holder on the facility's page
    station = Facility.objects.get(name=NURSING)
    review = RosterReview.objects.get(facility=station, status="open")
    entries = list(review.entries.select_related("account__staff_member").order_by("pk"))
    log_in(page, "admin-b")
    page.get_by_role("link", name="ID棚卸", exact=True).click()
    expect(page.get_by_role("heading", name="ID棚卸")).to_be_visible()
    table = page.locator("table")
    expect(table.get_by_role("button", name="利用継続")).to_have_count(len(entries))
    shot(page, "c06-facility-page")
    for entry in entries[:-1]:
        row = table.locator("tr", has_text=entry.account.login_id)
        row.get_by_role("button", name="利用継続").click()
        expect(page.get_by_text("確認しました。")).to_be_visible()
    # the last one has left: the leaver's checklist opens, and the review is complete
    leaver = entries[-1].account.staff_member
    table.locator("tr", has_text=entries[-1].account.login_id).get_by_role(
        "button", name="退職・異動"
    ).click()
    expect(page.get_by_text("確認しました。")).to_be_visible()
    expect(page.get_by_text("完了した棚卸")).to_be_visible()
    review.refresh_from_db()
    assert review.status == "completed"
    assert Leave.objects.filter(staff_member=leaver, reason="left").exists()
    admin_b = User.objects.get(username="admin-b")
    assert all(e.confirmed_by == admin_b for e in review.entries.all())
    log_out(page)

    # 5. the center follows the progress: the open ones, filtered
    log_in(page, "center")
    page.goto("/admin/facilities/rosterreview/")
    row = page.locator("#result_list tr", has_text=NURSING)
    expect(row).to_contain_text("完了")
    expect(row).to_contain_text(f"{len(entries)} / {len(entries)}")
    shot(page, "c06-progress")
    # the filter leaves the facilities that have not finished
    page.locator("#changelist-filter").get_by_role("link", name="対応中").click()
    expect(page).to_have_url(re.compile(r"status__exact=open"))
    expect(page.locator("#result_list")).not_to_contain_text(NURSING)
    expect(page.locator("#result_list")).to_contain_text(CLINIC)

    # 6. one facility's review: who confirmed each ID, and when
    page.locator("#changelist-filter").get_by_role("link", name="全て").first.click()
    page.locator("#result_list").get_by_role("link", name=NURSING).click()
    expect(page.get_by_text("退職・異動").first).to_be_visible()
    confirmed = RosterReviewEntry.objects.filter(review=review, confirmed_by=admin_b).count()
    assert confirmed == len(entries)
    shot(page, "c06-review-detail")

    # an answer that came on paper or by telephone: the center records it for the facility
    pending = RosterReviewEntry.objects.filter(
        review__facility__name=CLINIC, outcome="pending"
    ).select_related("account")[0]
    page.goto("/admin/facilities/rosterreviewentry/")
    page.locator("#searchbar").fill(pending.account.login_id)
    page.get_by_role("button", name="検索").click()
    page.locator("#result_list tr", has_text=pending.account.login_id).locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option(label="確認: 利用継続")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    pending.refresh_from_db()
    assert pending.outcome == "current" and pending.confirmed_by.username == "center"
