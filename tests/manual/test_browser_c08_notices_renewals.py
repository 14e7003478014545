"""The manual's chapter c08 (docs/manual/center/08-notices-renewals.md): the center writes a
notice, publishes it, sees which facilities have not read it; and follows the round of
pledges (再誓約), whose opening and closing the system refuses while the round runs.
With SCREENSHOTS_DIR set, the pages are saved as c08-*.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mcs_admin.dates import shown_date
from office.demo_data import NOTICES
from office.models import Notice, NoticeReceipt
from pledges.models import PledgeRound
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

TITLE = "MCS端末を紛失したときの連絡先について"


@pytest.mark.django_db(transaction=True)
def test_the_center_sends_a_notice_and_sees_who_has_not_read_it(page):
    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="お知らせ", exact=True).click()
    expect(page.get_by_role("link", name=NOTICES[0][0])).to_be_visible()
    shot(page, "c08-notice-list")

    # a draft to the visiting-nursing stations; forgetting the category is refused
    page.get_by_role("link", name="お知らせ を追加").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_body").fill(
        "端末を紛失したときは、まず事業所のMCS管理者に報告し、"
        "MCS管理者はメニューの「インシデント報告」から届け出てください。"
    )
    page.locator("#id_audience").select_option(label="選んだ種別の事業所")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("事業所種別を1つ以上選んでください。")).to_be_visible()
    shot(page, "c08-notice-category-required")

    page.get_by_label("訪問看護", exact=True).check()
    page.get_by_role("button", name="保存", exact=True).click()
    notice = Notice.objects.get(title=TITLE)
    assert notice.status == Notice.Status.DRAFT and notice.categories == ["home_nursing"]
    expect(page.locator("#result_list").get_by_role("link", name=TITLE)).to_be_visible()

    # publish it: one receipt per visiting-nursing station in use
    page.locator(f"input[name=_selected_action][value='{notice.pk}']").check()
    page.locator("select[name=action]").select_option(label="宛先に公開する")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    receipts = NoticeReceipt.objects.filter(notice=notice)
    assert receipts.exists()
    assert {r.facility.category for r in receipts} == {"home_nursing"}
    shot(page, "c08-notice-published")

    # publishing it again is refused
    page.locator(f"input[name=_selected_action][value='{notice.pk}']").check()
    page.locator("select[name=action]").select_option(label="宛先に公開する")
    page.get_by_role("button", name="実行").click()
    expect(page.get_by_text("お知らせが「公開中」の間はできません。")).to_be_visible()
    expect(page.get_by_text("何も変更していません。")).to_be_visible()

    # the notice of ten days ago: who has read it and who has not
    old = Notice.objects.get(title=NOTICES[0][0])
    page.get_by_role("link", name=old.title).click()
    read = NoticeReceipt.objects.filter(notice=old, read_at__isnull=False).count()
    count = NoticeReceipt.objects.filter(notice=old).count()
    expect(page.get_by_text(f"{count}事業所のうち{read}事業所が既読確認しました。")).to_be_visible()
    shot(page, "c08-notice-detail")
    page.get_by_role("link", name="未読の事業所", exact=True).first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(count - read)
    shot(page, "c08-notice-unread")


@pytest.mark.django_db(transaction=True)
def test_the_center_follows_the_round_of_pledges(page):
    open_round = PledgeRound.objects.get(status=PledgeRound.Status.OPEN)
    assert open_round.due_on > timezone.localdate()
    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="再誓約", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    shot(page, "c08-round-list")

    page.locator("#result_list tbody tr").first.locator("a").first.click()
    expect(page.get_by_text("様式2受領：")).to_be_visible()
    shot(page, "c08-round-progress")

    # a second round while this one is open is refused
    page.goto("/admin/pledges/pledgeround/")
    page.get_by_role("link", name="再誓約 を追加").click()
    page.locator("#id_kind").select_option(label="運用ポリシーの変更")
    page.locator("#id_policy_version").select_option(index=1)
    page.locator("#id_due_on").fill((open_round.due_on + timezone.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存", exact=True).click()
    expect(
        page.get_by_text("実施中の再誓約があります。先にそれを終了してください。")
    ).to_be_visible()
    assert PledgeRound.objects.count() == 2
    shot(page, "c08-round-refused")

    # closing it before its due date is refused
    page.goto("/admin/pledges/pledgeround/")
    page.locator(f"input[name=_selected_action][value='{open_round.pk}']").check()
    page.locator("select[name=action]").select_option(label="選択した再誓約を終了する")
    page.get_by_role("button", name="実行").click()
    due = shown_date(open_round.due_on)
    refusal = f"この再誓約の期限は {due} です。終了できるのはその日以降です。"
    expect(page.get_by_text(refusal)).to_be_visible()
    open_round.refresh_from_db()
    assert open_round.status == PledgeRound.Status.OPEN
    shot(page, "c08-round-close-refused")
