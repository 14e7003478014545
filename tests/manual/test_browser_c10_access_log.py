"""The manual's chapter c10 (docs/manual/center/10-access-log-leaks.md): the center reads the
access log, narrows it to one login, makes the report of whose records that login saw
(個人情報保護法 26条), and records the reports of a lost tablet's incident. With SCREENSHOTS_DIR
set, the pages are saved as c10-*.png."""

import pytest
from playwright.sync_api import expect

from devices.models import Incident
from mcs_admin.models import AccessLog
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


@pytest.mark.django_db(transaction=True)
def test_the_center_reads_the_access_log_and_reports_a_leak(page):
    # admin-a opens the staff list: the log records whose records the page showed
    log_in(page, "admin-a")
    page.get_by_role("link", name="職員", exact=True).click()
    expect(page.get_by_role("heading", name="職員").first).to_be_visible()
    log_out(page)
    assert AccessLog.objects.filter(username="admin-a", action="view").exists()

    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="アクセスログ", exact=True).click()
    expect(page.get_by_role("link", name="誰が誰の記録を見たか")).to_be_visible()
    shot(page, "c10-access-log")

    # one login's entries
    page.locator("#searchbar").fill("admin-a")
    page.get_by_role("button", name="検索").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.locator("td.field-username").all_inner_texts():
        assert text == "admin-a"
    shot(page, "c10-access-log-search")

    # the report of whose records were seen: neither a login nor a window is refused
    page.get_by_role("link", name="誰が誰の記録を見たか").click()
    page.get_by_label("開始").fill("")
    page.get_by_label("終了").fill("")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_text("ログイン名か期間、またはその両方を入力してください。")).to_be_visible()
    shot(page, "c10-leak-refused")

    page.get_by_label("ログイン名").fill("admin-a")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_test_id("totals")).to_contain_text("職員")
    expect(page.get_by_test_id("people").locator("tbody tr").first).to_be_visible()
    shot(page, "c10-leak-report")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDFで印刷").click()
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    assert AccessLog.objects.filter(username="center", action="print").exists()


@pytest.mark.django_db(transaction=True)
def test_the_center_records_the_reports_of_an_incident(page):
    incident = Incident.objects.get(kind="lost", involves_personal_data=True)
    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="インシデント報告", exact=True).click()
    expect(page.get_by_role("columnheader", name="速報期限")).to_be_visible()
    shot(page, "c10-incidents")

    def act(label):
        page.locator(f"input[name=_selected_action][value='{incident.pk}']").check()
        page.locator("select[name=action]").select_option(label=label)
        page.get_by_role("button", name="実行").click()

    # the final report before the preliminary one is refused
    act("本日確報済み（個人情報保護法）")
    expect(page.get_by_text("先に速報を記録してください。")).to_be_visible()
    shot(page, "c10-incident-refused")

    act("本日速報済み（個人情報保護法）")
    expect(page.get_by_text("1 件を処理しました。")).to_be_visible()
    incident.refresh_from_db()
    assert incident.preliminary_report_on is not None and incident.final_report_on is None
    shot(page, "c10-incident-preliminary")
