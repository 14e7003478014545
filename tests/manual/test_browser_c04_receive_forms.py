"""The manual's chapter c04 (返送書類の受付): the support center receives the signed forms
(様式1–4) that come back, by their document number or QR code, and works the list of forms
still out, reprinting one with the same number. With SCREENSHOTS_DIR set, the pages are saved
as c04-*.png for docs/manual/center/04-receive-forms.md."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from facilities.models import Facility, StaffMember, UsageApplication
from mcs_admin.models import User
from pledges.models import FacilityPledge
from pledges.services import staff_pledge_prepare
from tests.pdf_reading import pages_text
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

RECEIVE = "/admin/receive/"
UNRETURNED = "/admin/unreturned/"


def scanned_png() -> dict:
    """A scan of the signed paper as the office's scanner saves it (a small white page)."""
    buffer = io.BytesIO()
    Image.new("RGB", (210, 297), "white").save(buffer, format="PNG")
    return {"name": "scan.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def look_up(page, number: str) -> None:
    page.get_by_label("文書番号").fill(number)
    page.get_by_role("button", name="検索").click()


@pytest.mark.django_db(transaction=True)
def test_the_center_receives_a_returned_pledge_by_its_number(page):
    admin_a = User.objects.get(username="admin-a")
    newcomer = StaffMember.objects.get(email="newcomer@mcs-demo.example")
    # the clinic printed the new nurse's 様式3 on its pledges page; the signed paper came back
    pledge = staff_pledge_prepare(staff_member=newcomer, by=admin_a)
    number = pledge.document_number

    log_in(page, "center")
    page.goto("/admin/")
    returned = page.locator("#returned-forms")
    expect(returned).to_contain_text("返送された様式")
    shot(page, "c04-admin-home")
    returned.get_by_role("link", name="返送された様式の受領").click()

    # typed in lower case (or read by the scanner from the QR code): the same number
    look_up(page, number.lower())
    found = page.locator("#found_record")
    expect(found.get_by_role("heading", name=number)).to_be_visible()
    expect(found).to_contain_text("未受領")
    expect(found).to_contain_text("新井")
    expect(page.get_by_label("受領日")).to_have_value(timezone.localdate().isoformat())
    shot(page, "c04-lookup")

    # what is refused, writing nothing: a scan that is not a PDF, JPEG or PNG; a future date
    page.get_by_label("スキャンした写し").set_input_files(
        {"name": "scan.txt", "mimeType": "text/plain", "buffer": b"not a scan"}
    )
    page.get_by_role("button", name="受領済みにする").click()
    expect(page.locator("#receive_form")).to_contain_text(
        "スキャンした写しは PDF、JPEG または PNG ファイルにしてください。"
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("受領日").fill(tomorrow.isoformat())
    page.get_by_label("スキャンした写し").set_input_files(scanned_png())
    page.get_by_role("button", name="受領済みにする").click()
    expect(page.locator("#receive_form")).to_contain_text("受領日に未来の日付は指定できません。")
    pledge.refresh_from_db()
    assert pledge.status == "prepared"

    page.get_by_label("受領日").fill(timezone.localdate().isoformat())
    page.get_by_label("スキャンした写し").set_input_files(scanned_png())
    page.get_by_role("button", name="受領済みにする").click()
    expect(page.locator("ul.messagelist")).to_contain_text(f"{number} を受領しました")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.received_on) == ("received", timezone.localdate())
    assert pledge.scanned_copy
    assert pledge.history.latest().history_user.username == "center"
    shot(page, "c04-received")

    # looked up again: received, with its scan, and nothing more to do
    look_up(page, number)
    expect(found).to_contain_text("受領済")
    expect(found.get_by_role("link", name="ダウンロード")).to_be_visible()
    expect(page.get_by_role("button", name="受領済みにする")).to_have_count(0)
    shot(page, "c04-already-received")

    # a number no form has
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    look_up(page, wrong)
    expect(page.locator("#lookup_form")).to_contain_text(
        f"文書番号 {wrong} の様式は見つかりません。"
    )
    expect(page.locator("#found_record")).to_have_count(0)
    shot(page, "c04-not-found")


@pytest.mark.django_db(transaction=True)
def test_the_center_lists_forms_not_returned_and_reprints_one_with_its_number(page):
    clinic = Facility.objects.get(name="みさと中央クリニック")
    today = timezone.localdate()
    # forms out longer than the profile's 14 days, besides the demo's consent (様式4)
    late_pledge = FacilityPledge.objects.filter(facility=clinic, status="prepared").get()
    FacilityPledge.objects.filter(pk=late_pledge.pk).update(
        prepared_on=today - datetime.timedelta(days=16)
    )
    UsageApplication.objects.filter(status="prepared").update(
        prepared_on=today - datetime.timedelta(days=20)
    )
    number = late_pledge.document_number

    log_in(page, "center")
    page.goto("/admin/")
    page.locator("#returned-forms").get_by_role("link", name="未返送の様式").click()
    facilities = page.locator(".unreturned-facility")
    expect(facilities).to_have_count(3)
    expect(page.locator("#content-main")).to_contain_text("作成から 14 日が経っても")
    clinic_box = page.locator(f"#facility-{clinic.pk}")
    expect(clinic_box).to_contain_text(number)
    expect(clinic_box).to_contain_text("16 日")
    expect(page.locator("#content-main")).not_to_contain_text("None")
    shot(page, "c04-unreturned")

    clinic_box.get_by_role("link", name="この事業所だけを表示").click()
    expect(facilities).to_have_count(1)
    expect(clinic_box.locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        clinic_box.get_by_role("link", name="再印刷（同じ文書番号）").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert number in "".join(pages_text(pdf))  # the same number: the paper finds its record
    shot(page, "c04-unreturned-facility")

    # the reprinted paper comes back signed: received by the same number, off the list
    page.goto(RECEIVE)
    look_up(page, number)
    page.get_by_role("button", name="受領済みにする").click()
    expect(page.locator("ul.messagelist")).to_contain_text(f"{number} を受領しました")
    page.goto(f"{UNRETURNED}?facility={clinic.pk}")
    expect(page.get_by_text("期限を過ぎた未返送の様式はありません。")).to_be_visible()
    late_pledge.refresh_from_db()
    assert late_pledge.status == "received"
    page.goto(UNRETURNED)
    expect(facilities).to_have_count(2)
    shot(page, "c04-unreturned-after")
