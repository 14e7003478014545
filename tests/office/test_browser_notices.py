"""A notice from the center in Chromium: the administrator sees it unread on the dashboard and
confirms reading it; the center sees which facilities have read it (issue 22). With
SCREENSHOTS_DIR set (`make manual`), the pages are saved as notice-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from office.demo_data import NOTICES
from office.models import Notice, NoticeReceipt
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

TITLE = NOTICES[0][0]


@pytest.mark.django_db(transaction=True)
def test_an_administrator_reads_a_notice_and_the_center_sees_who_has_not(page):
    log_in(page, "admin-a")
    card = page.locator("#notices")
    expect(card).to_contain_text("未読のサポートセンターからのお知らせ")
    expect(card).to_contain_text(TITLE)
    shot(page, "notice-dashboard")

    card.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    shot(page, "notice-detail")
    page.get_by_role("button", name="読みました").click()
    expect(page.get_by_text("事業所としてお知らせの既読を確認しました。")).to_be_visible()
    expect(page.get_by_role("button", name="読みました")).to_have_count(0)
    notice = Notice.objects.get(title=TITLE)
    assert NoticeReceipt.objects.get(notice=notice, read_by__username="admin-a").read_at
    log_out(page)

    log_in(page, "center")
    page.goto(reverse("admin:office_notice_change", args=[notice.pk]))
    read = NoticeReceipt.objects.filter(notice=notice, read_at__isnull=False).count()
    count = NoticeReceipt.objects.filter(notice=notice).count()
    expect(page.get_by_text(f"{count}事業所のうち{read}事業所が既読確認しました。")).to_be_visible()
    page.get_by_role("link", name="全宛先事業所").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(count)
    shot(page, "notice-receipts")
    page.get_by_role("link", name="未読の事業所", exact=True).first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(count - read)
