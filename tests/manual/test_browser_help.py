"""ヘルプ in Chromium: an administrator reads the facilities' part of the manual with its pictures
loaded, and the center reaches both parts from the admin."""

import pytest
from playwright.sync_api import expect

from office.manual import CENTER, FACILITY, PART_TITLES, chapters
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


@pytest.mark.django_db(transaction=True)
def test_each_role_opens_its_part_of_the_manual_from_the_header(page):
    log_in(page, "admin-a")
    page.get_by_role("link", name="ヘルプ").click()
    expect(page.get_by_role("heading", name="操作マニュアル")).to_be_visible()
    expect(page.get_by_role("heading", name=str(PART_TITLES[FACILITY]))).to_be_visible()
    expect(page.get_by_role("heading", name=str(PART_TITLES[CENTER]))).to_have_count(0)
    shot(page, "help-index")

    first = chapters(FACILITY)[0]
    page.get_by_role("link", name=first.title).click()
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    pictures = page.locator("article img")
    expect(pictures).to_have_count(len(first.images()))
    for index in range(len(first.images())):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        expect(picture).to_have_js_property("complete", True)
        assert picture.evaluate("image => image.naturalWidth") > 0
    shot(page, "help-chapter")
    log_out(page)

    log_in(page, "center")
    page.goto("/admin/")
    page.get_by_role("link", name="ヘルプ").click()
    for part in (CENTER, FACILITY):
        expect(page.get_by_role("heading", name=str(PART_TITLES[part]))).to_be_visible()
    expect(page.get_by_role("link", name=chapters(CENTER)[0].title)).to_be_visible()
