"""A consent signed on a tablet (issue 23), in Debian's Chromium with touch emulation on a
768×1024 portrait screen: strokes drawn in both boxes with a finger, the consent sealed,
received and its copy offered. With SCREENSHOTS_DIR set the two pages are saved there."""

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from consents.models import ConsentSignature
from mcs_admin.models import AssociationProfile, User
from mcs_admin.sealing import verify_pdf
from mcs_admin.signing import verify_signed
from tests import factories as f
from tests.test_browser import (
    SCRIBBLE,
    TABLET,
    browser_page,
    draw_with_a_finger,
    log_in,
    shot,
)


@pytest.fixture
def tablet(live_server, settings, monkeypatch):
    yield from browser_page(live_server, settings, monkeypatch, **TABLET)


@pytest.mark.django_db(transaction=True)
def test_a_consent_is_signed_with_a_finger_on_a_tablet(tablet, tmp_path):
    page = tablet
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=True)
    physician = User.objects.get(username="admin-a").staff_member
    group = f.CareGroupFactory(
        owner=physician.facility,
        attending_physician=physician,
        patient=f.PatientFactory(family_name="葛西", given_name="一郎"),
    )

    log_in(page, "admin-a")
    page.goto("/me/groups/")
    page.locator(f"a[href='/groups/{group.pk}/consent/sign/']").click()
    expect(page.get_by_role("heading", name="在宅医療における個人情報使用同意書")).to_be_visible()
    expect(page.get_by_label("患者の氏名")).to_have_value("葛西　一郎")
    # the page fits the tablet: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.get_by_label("家族の氏名").fill("葛西 花子")
    page.get_by_label("続柄", exact=True).fill("妻")
    page.get_by_label("家族の住所").fill("埼玉県三郷市テスト4-5-6")

    patient_box, family_box = page.locator("canvas.signature-canvas").all()
    patient_box.scroll_into_view_if_needed()
    draw_with_a_finger(page, patient_box, SCRIBBLE)
    family_box.scroll_into_view_if_needed()
    draw_with_a_finger(page, family_box, SCRIBBLE[:2])
    for name in ("patient_signature", "family_signature"):
        value = page.locator(f"input[name={name}]").input_value()
        assert value.startswith("data:image/png;base64,"), name
    # the canvas is drawn at the screen's pixel ratio: sharp lines on the tablet
    assert page.evaluate("document.querySelector('canvas').width") == 2 * round(
        patient_box.bounding_box()["width"]
    )
    shot(page, "sign-consent-page")

    page.get_by_role("button", name="署名して電子署名する").click()
    expect(page.get_by_text("同意書に署名し、電子署名して受領しました")).to_be_visible()
    expect(page.get_by_test_id("patient-copy")).to_be_visible()
    shot(page, "sign-consent-done")

    signature = ConsentSignature.objects.get(consent__group=group)
    consent = signature.consent
    assert consent.status == "received"
    assert "Chrome" in signature.user_agent and signature.ip_address == "127.0.0.1"
    stored = consent.scanned_copy.open("rb").read()
    (tmp_path / "signed-consent.pdf").write_bytes(stored)  # to look at with pdftoppm
    # pyHanko's validator runs its own event loop: not in this thread, where Playwright's runs
    with ThreadPoolExecutor(1) as thread:
        check = thread.submit(verify_pdf, stored).result()
        assert thread.submit(lambda: verify_signed(consent).ok).result()
    assert check.intact and check.valid and check.trusted
    first_page = PdfReader(io.BytesIO(stored)).pages[0]
    assert consent.document_number in first_page.extract_text()
    # the drawn signatures are in the PDF as images (besides the QR code, a vector drawing)
    assert len(first_page.images) == 2

    with page.expect_download() as download:
        page.get_by_test_id("patient-copy").click()
    assert Path(download.value.path()).read_bytes() == stored
