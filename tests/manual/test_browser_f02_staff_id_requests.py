"""Manual chapter f02 (職員とID申請): the MCS administrator adds a staff member, asks the
support center for an MCS ID and for a change of one, follows the requests and prints the ID
notice once the center has issued the ID.

With SCREENSHOTS_DIR set, the pages are saved as docs/manual/images/f02-*.png.
"""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import IdRequest, McsAccount, StaffMember
from facilities.services import id_request_issue
from mcs_admin.documents import document_receive
from mcs_admin.models import User
from pledges.services import staff_pledge_prepare
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


@pytest.mark.django_db(transaction=True)
def test_an_administrator_adds_a_staff_member_and_asks_for_an_id(page):
    admin_a = User.objects.get(username="admin-a")
    facility = admin_a.staff_member.facility
    log_in(page, "admin-a")

    # the staff list, and a new staff member
    page.locator("#menu").get_by_role("link", name="職員", exact=True).click()
    expect(page.get_by_role("heading", name="職員")).to_be_visible()
    shot(page, "f02-staff-list")
    page.get_by_role("link", name="職員を追加").click()
    page.locator("[name=family_name]").fill("山本")
    page.locator("[name=given_name]").fill("さくら")
    page.locator("[name=family_name_kana]").fill("ﾔﾏﾓﾄ")
    page.locator("[name=given_name_kana]").fill("サクラ")
    page.locator("[name=profession]").select_option(label="看護師")
    page.locator("[name=gender]").select_option(label="女性")
    page.locator("[name=email]").fill("yamamoto@mcs-demo.example")
    page.locator("[name=joined_on]").fill(timezone.localdate().isoformat())
    shot(page, "f02-staff-add")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("職員を追加しました。")).to_be_visible()
    person = StaffMember.objects.get(facility=facility, family_name="山本", given_name="さくら")
    assert person.family_name_kana == "ヤマモト"
    shot(page, "f02-staff-detail")

    # ask the center to issue the MCS ID; the form says the pledge is still missing
    page.get_by_role("link", name="MCS ID の発行・削除・変更を依頼").click()
    page.locator("[name=kind]").select_option(label="発行")
    expect(page.get_by_text("誓約書のページで誓約書を用意してください。")).to_be_visible()
    shot(page, "f02-request-issue")
    page.get_by_role("button", name="申請する").click()
    expect(page.get_by_text("依頼をサポートセンターに送りました。")).to_be_visible()
    request = IdRequest.objects.get(staff_member=person, kind="issue")
    assert request.status == "pending" and request.requested_by == admin_a

    # the same request twice is refused
    page.get_by_role("link", name="MCS ID の発行・削除・変更を依頼").click()
    page.locator("[name=kind]").select_option(label="発行")
    page.get_by_role("button", name="申請する").click()
    expect(page.get_by_text("同じ依頼が既にサポートセンターで処理待ちです。")).to_be_visible()
    shot(page, "f02-request-refused")
    assert IdRequest.objects.filter(staff_member=person, kind="issue").count() == 1

    # the requests' list: the new one waits at the center
    page.locator("#menu").get_by_role("link", name="ID申請", exact=True).click()
    row = page.locator("tbody tr", has_text="山本")
    expect(row).to_contain_text("発行")
    expect(row).to_contain_text("未処理")
    shot(page, "f02-id-requests-pending")
    log_out(page)


@pytest.mark.django_db(transaction=True)
def test_an_administrator_asks_for_a_change_and_prints_the_id_notice(page):
    admin_a = User.objects.get(username="admin-a")
    center = User.objects.get(username="center")
    facility = admin_a.staff_member.facility
    user_a = User.objects.get(username="user-a").staff_member

    # the center has issued the ID the demo's newcomer waited for (the center's chapter): her
    # pledge came back, the ID was registered in MCS
    request = IdRequest.objects.get(facility=facility, kind="issue", status="pending")
    pledge = staff_pledge_prepare(staff_member=request.staff_member, by=admin_a)
    document_receive(
        document_number=pledge.document_number, received_on=timezone.localdate(), by=center
    )
    id_request_issue(request=request, login_id="arai-jun@mcs-demo.example", by=center)

    log_in(page, "admin-a")
    # a change of an ID in use: what is to change must be said
    page.locator("#menu").get_by_role("link", name="職員", exact=True).click()
    page.get_by_role("link", name=user_a.full_name).click()
    page.get_by_role("link", name="MCS ID の発行・削除・変更を依頼").click()
    page.locator("[name=kind]").select_option(label="変更")
    page.get_by_role("button", name="申請する").click()
    expect(page.get_by_text("変更する内容を書いてください。")).to_be_visible()
    shot(page, "f02-request-change-refused")
    page.locator("[name=details]").fill("メールアドレスを takahashi@mcs-demo.example に変更")
    page.get_by_role("button", name="申請する").click()
    expect(page.get_by_text("依頼をサポートセンターに送りました。")).to_be_visible()
    change = IdRequest.objects.get(staff_member=user_a, kind="change")
    assert change.status == "pending" and "takahashi" in change.details

    # the requests' list: the issued ID's notice, to print and hand over
    page.locator("#menu").get_by_role("link", name="ID申請", exact=True).click()
    issued = page.locator("tbody tr", has_text=request.staff_member.family_name)
    expect(issued).to_contain_text("処理済")
    expect(page.locator("tbody tr", has_text=user_a.family_name).first).to_contain_text("変更")
    shot(page, "f02-id-requests")
    with page.expect_download() as download:
        issued.get_by_role("link", name="ID発行通知を印刷").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert McsAccount.objects.get(staff_member=request.staff_member).status == "issued"
    log_out(page)
