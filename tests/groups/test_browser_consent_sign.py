"""A consent signed on a tablet (issue 23), in Debian's Chromium with touch emulation on a
768×1024 portrait screen: strokes drawn in both boxes with a finger, the consent sealed,
received and its copy offered. With SCREENSHOTS_DIR set the two pages are saved there."""

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from consents.models import ConsentSignature
from mcs_admin.models import AssociationProfile, User
from mcs_admin.sealing import verify_pdf
from mcs_admin.signing import verify_signed
from tests import factories as f
from tests.test_browser import CHROMIUM, PASSWORD, accessibility_findings, log_in

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def tablet(live_server, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DEBUG = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("seed_demo", verbosity=0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=live_server.url,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            viewport={"width": 768, "height": 1024},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,  # lets the test inject axe-core
        )
        yield context.new_page()
        browser.close()


def draw_with_a_finger(page, canvas, strokes):
    """Touch strokes on `canvas`, as a finger draws them (Chromium's touch events, which
    signature_pad receives as pointer events of type touch)."""
    box = canvas.bounding_box()
    cdp = page.context.new_cdp_session(page)
    for stroke in strokes:
        points = [
            {"x": box["x"] + box["width"] * x, "y": box["y"] + box["height"] * y} for x, y in stroke
        ]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points[:1]})
        for point in points[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


# a name-like scribble: several strokes, each of many points
SCRIBBLE = [
    [(0.08 + i * 0.012, 0.6 - 0.3 * ((i % 6) / 5)) for i in range(30)],
    [(0.45 + i * 0.01, 0.3 + 0.015 * i) for i in range(25)],
    [(0.7 + i * 0.008, 0.7 - 0.02 * i) for i in range(20)],
]


def shot(page, name):
    assert accessibility_findings(page) == [], name
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


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
