"""A staff pledge (様式3) signed with a finger on a tablet (issue 23): Chromium driven by
Playwright with touch emulation on a 768×1024 portrait viewport, on the administrator's session.

With SCREENSHOTS_DIR set (`make manual`), the signing page is saved there as PNG.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from facilities.models import StaffMember
from mcs_admin.models import AssociationProfile, PaperStatus, User
from mcs_admin.sealing import verify_pdf
from pledges.models import StaffPledge
from pledges.services import staff_pledge_prepare
from tests.test_browser import (
    TABLET,
    browser_page,
    draw_with_a_finger,
    log_in,
    shot,
)


@pytest.fixture
def touch_page(live_server, settings, monkeypatch):
    yield from browser_page(live_server, settings, monkeypatch, **TABLET)


@pytest.mark.django_db(transaction=True)
def test_a_new_id_holder_signs_form_3_with_a_finger_on_the_administrators_tablet(touch_page):
    page = touch_page
    AssociationProfile.objects.update(on_screen_signing=True)
    admin = User.objects.get(username="admin-a")
    facility = admin.staff_member.facility
    newcomer = StaffMember.objects.filter(facility=facility, user__isnull=True).first()
    newcomer.address = "埼玉県三郷市早稲田1-2-3"
    newcomer.save()
    newcomer.pledges.filter(status=PaperStatus.PREPARED).delete()
    pledge = staff_pledge_prepare(staff_member=newcomer, by=admin)

    log_in(page, "admin-a")
    page.goto(reverse("pledges:pledges", args=[facility.pk]) + f"?q={newcomer.family_name}")
    page.locator(
        f"a[href='{reverse('pledges:staff_pledge_sign', args=[facility.pk, pledge.pk])}']"
    ).click()
    expect(
        page.get_by_role("heading", name="業務情報保持に関する誓約書", exact=True)
    ).to_be_visible()
    expect(page.get_by_test_id("signer")).to_have_text(newcomer.full_name)
    # the page fits the tablet's width: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # an empty box is refused, and nothing is written
    page.get_by_role("button", name="署名して確定").click()
    expect(page.get_by_text("署名欄に署名してください。")).to_be_visible()
    assert StaffPledge.objects.get(pk=pledge.pk).status == PaperStatus.PREPARED

    page.goto(page.url)  # a fresh page for the picture
    page.locator("canvas.signature-canvas").scroll_into_view_if_needed()
    draw_with_a_finger(page, page.locator("canvas.signature-canvas"))
    expect(page.locator("input[name=signature]")).to_have_value(re.compile("^data:image/png"))
    shot(page, "sign-pledge-page")
    page.get_by_role("button", name="署名して確定").click()
    expect(page.get_by_text("誓約書に署名し")).to_be_visible()

    pledge.refresh_from_db()
    assert pledge.on_record and pledge.signature.witness == admin
    with pledge.scanned_copy.open("rb") as stored:
        sealed = stored.read()
    # pyHanko's validator runs its own event loop: not in the thread Playwright's loop holds
    with ThreadPoolExecutor(1) as thread:
        check = thread.submit(verify_pdf, sealed).result()
    assert check.ok, check.summary
