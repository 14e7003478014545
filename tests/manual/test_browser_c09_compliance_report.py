"""The manual's chapter c09 (docs/manual/center/09-compliance-council-report.md): the center reads
the compliance dashboard, opens a facility's open items from it, and makes the council's yearly
report as a page, PDF and XLSX. With SCREENSHOTS_DIR set, the pages are saved as c09-*.png."""

import pytest
from playwright.sync_api import expect

from mcs_admin.models import AccessLog
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


@pytest.mark.django_db(transaction=True)
def test_the_center_reads_the_compliance_dashboard(page):
    log_in(page, "center")
    page.get_by_role("link", name="運用状況").click()
    expect(page.get_by_role("heading", name="運用状況")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("#counted-at")).to_contain_text("時点の集計です")
    expect(page.get_by_role("heading", name="未対応のある事業所")).to_be_visible()
    expect(page.locator("#round-progress")).to_be_visible()
    shot(page, "c09-compliance")

    # a number opens the facility's page that lists those items
    row = page.locator("table.compliance:not(#round-progress) tbody tr:not(.totals)").first
    name = row.locator("td").first.locator("a").inner_text()
    row.locator("td.num a").first.click()
    expect(page.get_by_text(name).first).to_be_visible()
    shot(page, "c09-compliance-facility")


@pytest.mark.django_db(transaction=True)
def test_the_center_makes_the_councils_report(page):
    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="在宅医療・介護連携推進協議会への報告").click()
    expect(page.get_by_role("heading", name="在宅医療・介護連携推進協議会への報告")).to_be_visible()
    expect(page.get_by_role("link", name="PDFでダウンロード")).to_be_visible()
    shot(page, "c09-council-report")

    # an end before the start is refused
    start = page.get_by_label("開始").input_value()
    page.get_by_label("終了").fill(f"{int(start[:4]) - 1}{start[4:]}")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_text("期間の終了日は開始日より前にできません。")).to_be_visible()
    expect(page.get_by_role("link", name="PDFでダウンロード")).to_have_count(0)
    shot(page, "c09-council-period-refused")

    # a period of its own, then the PDF and the XLSX, each recorded in the access log
    page.get_by_label("開始").fill(start)
    page.get_by_label("終了").fill(f"{int(start[:4]) + 1}-12-31")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_role("link", name="PDFでダウンロード")).to_be_visible()
    before = AccessLog.objects.count()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDFでダウンロード").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel（XLSX）でダウンロード").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert AccessLog.objects.count() == before + 2
