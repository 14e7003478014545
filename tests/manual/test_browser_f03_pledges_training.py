"""Manual chapter f03 (誓約書と研修): the MCS administrator prints the facility pledge (様式2),
prepares and prints a staff pledge (様式3), has another one signed on the screen, and records a
training session with who attended.

With SCREENSHOTS_DIR set, the pages are saved as docs/manual/images/f03-*.png.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import StaffMember
from mcs_admin.models import AssociationProfile, PaperStatus, User
from pledges.models import StaffPledge, TrainingSession
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


def pdf_of(page, link) -> bytes:
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def sign_with_the_mouse(page, canvas):
    box = canvas.bounding_box()
    for stroke in [(0.1, 0.6, 0.4, 0.3), (0.45, 0.3, 0.6, 0.7), (0.65, 0.7, 0.9, 0.4)]:
        x0, y0, x1, y1 = stroke
        page.mouse.move(box["x"] + box["width"] * x0, box["y"] + box["height"] * y0)
        page.mouse.down()
        for step in range(1, 11):
            t = step / 10
            page.mouse.move(
                box["x"] + box["width"] * (x0 + (x1 - x0) * t),
                box["y"] + box["height"] * (y0 + (y1 - y0) * t),
            )
        page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_an_administrator_prints_and_has_pledges_signed(page):
    AssociationProfile.objects.update(on_screen_signing=True)
    admin_a = User.objects.get(username="admin-a")
    facility = admin_a.staff_member.facility
    # the clinic's physician holds an ID with no pledge on record
    physician = StaffMember.objects.get(
        facility=facility, profession="physician", user__isnull=True
    )
    newcomer = StaffMember.objects.get(facility=facility, email="newcomer@mcs-demo.example")

    log_in(page, "admin-a")
    page.locator("#menu").get_by_role("link", name="誓約書", exact=True).click()
    expect(page.get_by_role("heading", name="連携守秘誓約書（様式2）")).to_be_visible()
    row = page.locator("tbody tr", has_text=physician.full_name)
    expect(row).to_contain_text("誓約書の記録なし")
    shot(page, "f03-pledges")

    # 様式2, as the facility's manager signs it
    form2 = page.get_by_role("link", name="様式2を印刷").first
    assert pdf_of(page, form2).startswith(b"%PDF")

    # 様式3 on paper: prepare it (it gets its number), print it, have it signed and sent back
    newcomer_row = page.locator("tbody tr", has_text=newcomer.full_name)
    newcomer_row.get_by_role("button", name="様式3を用意").click()
    expect(
        page.get_by_text("誓約書を用意しました。印刷して署名・押印を受けてください。")
    ).to_be_visible()
    pledge = StaffPledge.objects.get(staff_member=newcomer)
    assert pledge.status == PaperStatus.PREPARED and pledge.document_number
    newcomer_row = page.locator("tbody tr", has_text=newcomer.full_name)
    expect(newcomer_row).to_contain_text("未受領")
    expect(newcomer_row).to_contain_text(pledge.document_number)
    shot(page, "f03-form3-prepared")
    # 様式3 prints the person's address: without one, it is asked for
    newcomer_row.get_by_role("link", name="様式3を印刷").click()
    expect(page.get_by_text(f"職員「{newcomer}」: 住所を入力してください。")).to_be_visible()
    shot(page, "f03-form3-no-address")
    page.locator("#menu").get_by_role("link", name="職員", exact=True).click()
    page.get_by_role("link", name=newcomer.full_name).click()
    page.get_by_role("link", name="編集").click()
    page.locator("[name=address]").fill("埼玉県三郷市早稲田1-2-3")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("職員を保存しました。")).to_be_visible()
    page.locator("#menu").get_by_role("link", name="誓約書", exact=True).click()
    newcomer_row = page.locator("tbody tr", has_text=newcomer.full_name)
    assert pdf_of(page, newcomer_row.get_by_role("link", name="様式3を印刷")).startswith(b"%PDF")

    # 様式3 signed on this device, by the physician, with the administrator as witness
    row = page.locator("tbody tr", has_text=physician.full_name)
    row.get_by_role("button", name="様式3を用意").click()
    expect(page.get_by_text("誓約書を用意しました。")).to_be_visible()
    page.locator("tbody tr", has_text=physician.full_name).get_by_role(
        "link", name="この端末で署名"
    ).click()
    expect(page.get_by_test_id("signer")).to_have_text(physician.full_name)
    page.get_by_role("button", name="署名して確定").click()
    expect(page.get_by_text("署名欄に署名してください。")).to_be_visible()
    shot(page, "f03-sign-refused")
    canvas = page.locator("canvas.signature-canvas")
    canvas.scroll_into_view_if_needed()
    sign_with_the_mouse(page, canvas)
    expect(page.locator("input[name=signature]")).to_have_value(re.compile("^data:image/png"))
    page.get_by_role("button", name="署名して確定").click()
    expect(page.get_by_text("誓約書に署名し")).to_be_visible()
    signed = StaffPledge.objects.get(staff_member=physician)
    assert signed.on_record and signed.signature.witness == admin_a
    row = page.locator("tbody tr", has_text=physician.full_name)
    expect(row.get_by_role("link", name="署名済みPDF")).to_be_visible()
    shot(page, "f03-form3-signed")
    log_out(page)


@pytest.mark.django_db(transaction=True)
def test_an_administrator_records_a_training_session(page):
    admin_a = User.objects.get(username="admin-a")
    facility = admin_a.staff_member.facility
    today = timezone.localdate()
    log_in(page, "admin-a")
    page.locator("#menu").get_by_role("link", name="研修", exact=True).click()
    expect(page.get_by_role("heading", name="職員ごとの受講状況")).to_be_visible()
    shot(page, "f03-training")

    page.get_by_role("link", name="研修を記録").click()
    page.locator("[name=title]").fill("MCS 事業所内研修（パスワードと端末の管理）")
    page.locator("[name=held_on]").fill((today + datetime.timedelta(days=1)).isoformat())
    page.locator("[name=description]").fill("運用ポリシー第11条・第12条の読み合わせ")
    attendees = StaffMember.objects.filter(
        facility=facility, left_on__isnull=True, mcs_accounts__status="issued"
    ).order_by("pk")
    for person in attendees:
        page.get_by_label(str(person)).check()
    page.get_by_role("button", name="研修を登録する").click()
    expect(page.get_by_text("日付が未来になっています。")).to_be_visible()
    shot(page, "f03-training-add")
    assert not TrainingSession.objects.filter(facility=facility).exists()
    page.locator("[name=held_on]").fill(today.isoformat())
    page.get_by_role("button", name="研修を登録する").click()
    expect(page.get_by_text("研修を記録しました。")).to_be_visible()
    session = TrainingSession.objects.get(facility=facility)
    assert set(session.attendees.all()) == set(attendees)
    expect(page.locator("tbody tr", has_text="事業所内研修")).to_contain_text("この事業所")
    shot(page, "f03-training-recorded")
    log_out(page)
