"""The day of an MCS administrator and a user, in Debian's Chromium driven by Playwright.

With SCREENSHOTS_DIR set (`make manual`), the main pages are saved there as PNG.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from facilities.models import Facility, ProfessionSynonym, StaffMember
from groups import services
from groups.models import CareGroup, Membership, MembershipReview, OwnershipTransfer
from mcs_admin.models import User
from mcs_admin.second_factor import current_code, totp_device
from mcs_admin.services import access_log_record
from tests.sheet_files import csv_bytes

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
PASSWORD = "browser-test-2026"


def browser_page(live_server, settings, monkeypatch, **context_options):
    """A page of a fresh Chromium on the demo data, in Japanese and Tokyo's time; each browser
    test's fixture yields from it with its screen (`context_options`)."""
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety check does not apply to them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DEBUG = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("seed_demo", verbosity=0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=ja-JP",
            ],
            # Chromium in Japanese (its locale from chromium-l10n): the date fields read 年/月/日
            env={**os.environ, "LC_ALL": "ja_JP.UTF-8", "LANG": "ja_JP.UTF-8", "LANGUAGE": "ja"},
        )
        context = browser.new_context(
            base_url=live_server.url,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            bypass_csp=True,  # lets the test inject axe-core (the pages' CSP is tested apart)
            **context_options,
        )
        yield context.new_page()
        browser.close()


@pytest.fixture
def page(live_server, settings, monkeypatch):
    yield from browser_page(
        live_server, settings, monkeypatch, viewport={"width": 1280, "height": 900}
    )


# a tablet in portrait, touched with a finger (signing on the screen, issue 23)
TABLET = {
    "viewport": {"width": 768, "height": 1024},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# a name-like scribble: several strokes, each of many points (fractions of the box)
SCRIBBLE = [
    [(0.08 + i * 0.012, 0.6 - 0.3 * ((i % 6) / 5)) for i in range(30)],
    [(0.45 + i * 0.01, 0.3 + 0.015 * i) for i in range(25)],
    [(0.7 + i * 0.008, 0.7 - 0.02 * i) for i in range(20)],
]


def draw_with_a_finger(page, canvas, strokes=SCRIBBLE):
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


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_findings(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shot(page, name):
    """Each page a test looks at: no serious or critical accessibility finding, and its picture."""
    assert accessibility_findings(page) == [], name
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def log_in(page, username):
    """Password, then the code the demo login's authenticator app would show now.

    A person logging in again within the same 30 seconds would wait for the app's next code,
    the one just used being refused (as it should); the test stands in for that wait by
    forgetting the time step of the last code used."""
    page.goto("/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/"))
    device = totp_device(User.objects.get(username=username))
    device.last_t = -1
    device.save(update_fields=["last_t"])
    code, _, _ = current_code(device)
    page.get_by_label("確認コード").fill(code)
    page.get_by_role("button", name="確認").click()
    expect(page).not_to_have_url(re.compile(r"/account/two-factor/"))
    expect(page.get_by_test_id("display-name")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.django_db(transaction=True)
def test_an_administrator_and_a_user_do_a_days_work(page):
    facility_a = User.objects.get(username="admin-a").staff_member.facility
    log_in(page, "admin-a")
    expect(page.get_by_test_id("role")).to_contain_text(f"MCS 管理者・{facility_a.name}")
    shot(page, "admin-dashboard")

    # approve the invitation a physician of the clinic accepted
    page.get_by_role("link", name="職員への招待").click()
    shot(page, "admin-staff-invitations")
    page.locator("[data-testid^=approve-]").first.click()
    expect(page.get_by_text("招待を承認しました。")).to_be_visible()

    # create a patient group and record its consent
    page.get_by_role("link", name="グループ", exact=True).click()
    shot(page, "admin-groups")
    page.get_by_role("link", name="グループを作成").click()
    page.get_by_label("患者グループ").check()
    page.get_by_label("姓", exact=True).fill("花和田")
    page.get_by_label("名", exact=True).fill("一郎")
    page.get_by_label("姓（フリガナ）").fill("ｹﾜﾀﾞ")
    page.get_by_label("主治医").select_option(index=1)
    page.get_by_role("button", name="グループを作成する").click()
    expect(page.get_by_text("グループを作成しました。")).to_be_visible()
    group = CareGroup.objects.get(patient__given_name="一郎")
    assert group.patient.family_name_kana == "ケワダ"

    page.get_by_role("link", name="患者同意を記録").click()
    page.get_by_label("様式4による同意").check()
    page.get_by_label("署名日").fill("2026-11-20")
    page.get_by_label("家族の氏名").fill("花和田 花子")
    # 独自ルール 1: the attending physician, the one the form offers before any designation
    obtainers = page.get_by_label("同意取得者")
    assert obtainers.locator("option").count() == 2  # the empty choice and the physician
    obtainers.select_option(index=1)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("患者同意を記録しました。")).to_be_visible()

    # invite user-a
    user_a = User.objects.get(username="user-a").staff_member
    page.get_by_role("link", name="メンバーを招待").click()
    page.get_by_label("職員").select_option(str(user_a.pk))
    page.get_by_role("button", name="招待する").click()
    expect(page.get_by_text("招待しました。")).to_be_visible()
    shot(page, "admin-group-detail")
    log_out(page)

    # user-a accepts
    log_in(page, "user-a")
    expect(page.get_by_test_id("role")).to_contain_text("ユーザー")
    page.get_by_role("link", name="受けた招待").click()
    shot(page, "user-invitations")
    invitation = Membership.objects.get(group=group, staff_member=user_a)
    page.get_by_test_id(f"accept-{invitation.pk}").click()
    expect(page.get_by_text("招待を受理しました。")).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == Membership.Status.ACCEPTED
    assert invitation.history.latest().history_user.username == "user-a"
    page.get_by_role("link", name="自分の情報").click()
    shot(page, "user-record")
    log_out(page)


@pytest.mark.django_db(transaction=True)
def test_the_center_reads_a_facility_and_cannot_write(page):
    log_in(page, "center")
    facility = Facility.objects.get(name="みさと訪問看護ステーション")
    page.get_by_placeholder("氏名またはフリガナ").fill("訪問看護")
    page.get_by_role("button", name="検索").click()
    page.get_by_role("link", name=facility.name).click()
    expect(page.get_by_text("閲覧のみ")).to_be_visible()
    shot(page, "center-facility-dashboard")
    page.get_by_role("link", name="職員", exact=True).click()
    expect(page.get_by_role("link", name="職員を追加")).to_have_count(0)
    response = page.request.post(f"/f/{facility.pk}/staff/add/")
    assert response.status == 403


@pytest.mark.django_db(transaction=True)
def test_the_center_previews_a_roster_as_read_then_imports_it(page):
    # a migration gives Ns; an earlier transactional test's flush may have taken it away
    ProfessionSynonym.objects.get_or_create(term="Ns", profession="nurse")
    rows = [
        ["事業所名", "職種", "氏名", "フリガナ", "入職日"],
        ["みさと中央クリニック", "Ns", "三郷 次郎", "ﾐｻﾄ ｼﾞﾛｳ", "2026/3/15"],
    ]
    log_in(page, "center")
    page.goto("/admin/facilities/staffmember/import/")
    page.get_by_label("CSV または Excel ファイル").set_input_files(
        {"name": "名簿.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows, encoding="cp932")}
    )
    page.get_by_role("button", name="プレビュー").click()
    preview = page.locator("table.spreadsheet-preview")
    expect(preview.locator("thead")).to_contain_text("氏名（フリガナ）")
    expect(preview.locator("tbody td")).to_have_text(
        [
            "2",
            "新規",
            "みさと中央クリニック",
            "看護師",
            "三郷　次郎",
            "ミサト　ジロウ",
            "2026年3月15日",
        ]
    )
    expect(preview).not_to_contain_text("None")
    assert not StaffMember.objects.filter(family_name="三郷").exists()
    shot(page, "center-import-preview")
    page.get_by_role("button", name="インポートを実行").click()
    expect(page.get_by_text("インポートしました。")).to_be_visible()
    assert StaffMember.objects.get(family_name="三郷").family_name_kana == "ミサト"


@pytest.mark.django_db(transaction=True)
def test_an_overdue_review_is_done_and_the_center_sees_compliance(page):
    admin_a = User.objects.get(username="admin-a")
    review = MembershipReview.objects.filter(
        group__owner=admin_a.staff_member.facility, status="open"
    ).order_by("due_on")[0]
    log_in(page, "admin-a")
    page.locator(f"a[href='/groups/{review.group_id}/review/']").first.click()
    expect(page.get_by_text("期限切れ")).to_be_visible()
    shot(page, "admin-group-review")
    membership = services.review_pending(review).order_by("pk")[0]
    page.get_by_test_id(f"confirm-{membership.pk}").click()
    expect(page.get_by_text("記録しました。")).to_be_visible()
    assert review.entries.get().history.latest().history_user == admin_a
    log_out(page)

    log_in(page, "center")
    page.get_by_role("link", name="運用状況").click()
    expect(page.locator("svg.chart")).to_have_count(3)
    # in the list of open items (the demo's round of pledges lists the facility above it too)
    expect(page.get_by_role("link", name="みさと中央クリニック").last).to_be_visible()
    expect(page.locator("#round-progress")).to_be_visible()
    shot(page, "center-compliance")


@pytest.mark.django_db(transaction=True)
def test_the_physician_designates_who_obtains_a_consent_and_a_move_warns_of_it(page):
    """独自ルール 1 from the physician's own page, and 第6条 on the receiving side of a move."""
    admin_a = User.objects.get(username="admin-a")  # the demo's attending physician
    log_in(page, "admin-a")
    page.goto("/me/attended-groups/")
    group = CareGroup.objects.filter(attending_physician=admin_a.staff_member).order_by("pk")[1]
    page.locator(f"a[href='/me/attended-groups/{group.pk}/designations/']").click()
    already = group.consent_designations.get().staff_member
    expect(page.get_by_role("cell", name=str(already), exact=True)).to_be_visible()
    page.get_by_label("指示された取得者").select_option(index=1)
    page.get_by_role("button", name="指名する").click()
    expect(page.get_by_text("取得者の指示を記録しました。")).to_be_visible()
    added = group.consent_designations.exclude(staff_member=already).get()
    assert added.designated_by == admin_a and added.history.get().history_user == admin_a
    shot(page, "physician-designations")

    transfer = OwnershipTransfer.objects.get(status="requested")
    page.goto(f"/f/{transfer.to_facility_id}/transfers/")
    expect(page.get_by_text("患者同意の記録がありません（第6条）")).to_be_visible()
    shot(page, "admin-transfers")


@pytest.mark.django_db(transaction=True)
def test_error_pages_are_japanese_in_the_sites_layout(page, settings):
    settings.DEBUG = False  # the pages people meet, not Django's debugging pages
    log_in(page, "user-a")
    staff = f"/f/{Facility.objects.first().pk}/staff/"
    for url, status, heading, name in [
        ("/no-such-page/", 404, "ページが見つかりません", "error-404"),
        (staff, 403, "このページを開く権限がありません", "error-403"),
        ("/me/invitations/1/accept/", 405, "この方法ではページを開けません", "error-405"),
    ]:
        response = page.goto(url)
        assert response.status == status
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_test_id("display-name")).to_be_visible()
        shot(page, name)
    page.get_by_role("link", name="トップページへ").click()
    expect(page.get_by_role("heading", name=heading)).to_have_count(0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 1024])
def test_the_id_requests_action_is_in_sight_beside_the_filters(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "center")
    page.goto("/admin/facilities/idrequest/")
    action = page.get_by_role("link", name="処理する").first
    expect(action).to_be_visible()
    box = action.bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert not overlap(box, filters), "the action runs under the filter panel"
    assert box["y"] + box["height"] <= 800, "the action is below the first screen"
    assert box["x"] + box["width"] <= width, "the action is beyond the screen's right edge"
    shot(page, f"admin-id-requests-{width}")


def overlap(a, b) -> bool:
    """Whether two of Playwright's bounding boxes share some of the screen."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 1024])
def test_the_access_logs_address_column_is_in_sight(page, width):
    """Issue 18: a long description (an export's address) pushed the IP column out of sight."""
    center = User.objects.get(username="center")
    access_log_record(
        user=center,
        action="export",
        description="/admin/facilities/staffmember/export/?facility__id__exact=12"
        "&profession__exact=physician&left_on__isnull=True&o=-2.1",
    )
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "center")
    page.goto("/admin/mcs_admin/accesslog/")
    results = page.locator("#changelist-form .results").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert not overlap(results, filters), "the list runs under the filter panel"
    for cell in [
        page.locator("#result_list th.column-ip_address"),
        page.locator("#result_list td.field-ip_address").first,
    ]:
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        right = min(results["x"] + results["width"], width)
        assert box["x"] + box["width"] <= right + 1, f"the IP column is cut at {right} px"
    expect(page.locator("#result_list td.field-ip_address").first).to_have_text("127.0.0.1")
    shot(page, f"admin-access-log-{width}")


PHONE = {"width": 390, "height": 844}


def facility_pages(facility_id) -> list[tuple[str, str]]:
    """The lists a facility administrator works through, with the names of their pictures."""
    names = {
        "facility:dashboard": "dashboard",
        "facility:staff_list": "staff",
        "facility:id_requests": "id-requests",
        "facility:roster_review": "roster-review",
        "facility:leaves": "leavers",
        "groups:group_list": "groups",
        "groups:staff_invitations": "staff-invitations",
        "groups:transfers": "group-moves",
        "devices:device_list": "devices",
        "devices:carry_out_list": "carry-outs",
        "devices:incident_list": "incidents",
        "pledges:pledges": "pledges",
        "pledges:training": "training",
    }
    return [(reverse(name, args=[facility_id]), shown) for name, shown in names.items()]


OWN_PAGES = [
    ("portal:me", "me"),
    ("groups:my_invitations", "my-invitations"),
    ("groups:my_groups", "my-groups"),
    ("devices:my_devices", "my-devices"),
    ("devices:my_carry_outs", "my-carry-outs"),
    ("devices:my_incidents", "my-incidents"),
]


def fits_the_phone(page, name):
    """No sideways scroll of the page, a folded menu in a short header, and axe's approval."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: the page is {width[0]} px wide at {width[1]} px"
    expect(page.locator("#menu")).to_be_hidden()
    header = page.locator("header.top").bounding_box()
    assert header["y"] + header["height"] <= 0.2 * PHONE["height"], f"{name}: header {header}"
    shot(page, f"phone-{name}")


@pytest.mark.django_db(transaction=True)
def test_the_lists_fit_a_phone_and_the_menu_folds(page):
    page.set_viewport_size(PHONE)
    admin_a = User.objects.get(username="admin-a")
    log_in(page, "admin-a")
    facility = admin_a.staff_member.facility
    for url, name in facility_pages(facility.pk):
        page.goto(url)
        fits_the_phone(page, f"admin-{name}")
    person = facility.staff.order_by("pk").first()
    page.goto(reverse("facility:staff_detail", args=[facility.pk, person.pk]))
    fits_the_phone(page, "admin-staff-detail")
    group = CareGroup.objects.filter(owner=facility).order_by("pk").first()
    page.goto(reverse("groups:group_detail", args=[group.pk]))
    fits_the_phone(page, "admin-group-detail")

    # the menu opens with its button and folds again
    menu, button = page.locator("#menu"), page.get_by_role("button", name="メニュー")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="職員", exact=True)).to_be_visible()
    assert accessibility_findings(page) == []
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/phone-menu-open.png", full_page=True)
    menu.get_by_role("link", name="グループ", exact=True).click()
    expect(page).to_have_url(re.compile(r"/groups/$"))
    expect(menu).to_be_hidden()
    log_out(page)

    log_in(page, "user-a")
    for name, shown in OWN_PAGES:
        page.goto(reverse(name))
        fits_the_phone(page, f"user-{shown}")
    log_out(page)

    log_in(page, "center")
    for name in ("portal:facilities", "portal:roster", "portal:compliance"):
        page.goto(reverse(name))
        fits_the_phone(page, f"center-{name.split(':')[1]}")


@pytest.mark.django_db(transaction=True)
def test_the_menu_opens_under_the_content_security_policy(page, live_server):
    """The fixture's page bypasses the CSP for axe; this one keeps it, as a browser would."""
    context = page.context.browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport=PHONE
    )
    phone = context.new_page()
    refused = []
    phone.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    log_in(phone, "user-a")
    button = phone.get_by_role("button", name="メニュー")
    button.click()
    expect(phone.get_by_role("link", name="自分の情報")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(phone.get_by_role("link", name="自分の情報")).to_be_hidden()
    assert refused == []
    context.close()


def type_an_application(page, link):
    """What a facility types through its application link: 様式1 and 様式2, and a roster of two
    (the second's kana in hiragana, which the form makes katakana), the first its administrator."""
    page.goto(link)
    expect(page.get_by_role("heading", name="MCS利用申込")).to_be_visible()
    for name, value in {
        "name": "風の丘訪問看護ステーション",
        "name_kana": "ｶｾﾞﾉｵｶﾎｳﾓﾝｶﾝｺﾞｽﾃｰｼｮﾝ",
        "postal_code": "3410044",
        "address": "埼玉県三郷市戸ケ崎2-100",
        "phone": "048-955-1234",
        "email": "info@kaze-kango.example.jp",
        "manager_name": "風間 良子",
    }.items():
        page.locator(f"[name=facility-{name}]").fill(value)
    page.locator("[name=facility-category]").select_option("home_nursing")
    people = [
        ("nurse", "風間", "良子", "カザマ", "リョウコ", "female", "kazama@kaze-kango.example.jp"),
        (
            "physical_therapist",
            "丘",
            "健一",
            "おか",
            "けんいち",
            "male",
            "oka@kaze-kango.example.jp",
        ),
    ]
    fields = ["profession", "family_name", "given_name", "family_name_kana", "given_name_kana"]
    for index, person in enumerate(people):
        row = {name: person[i] for i, name in enumerate(fields)}
        page.locator(f"[name=roster-{index}-profession]").select_option(row.pop("profession"))
        for name, value in row.items():
            page.locator(f"[name=roster-{index}-{name}]").fill(value)
        page.locator(f"[name=roster-{index}-gender]").select_option(person[5])
        page.locator(f"[name=roster-{index}-email]").fill(person[6])
    page.locator("[name=roster-0-is_administrator]").check()


@pytest.mark.django_db(transaction=True)
def test_a_facility_applies_through_its_link_and_the_center_approves_it(page):
    # the center invites (the admin's page is tested apart: one login of a demo user a test);
    # the link is shown once, to send
    out = io.StringIO()
    call_command(
        "invite_facility", "--email", "info@kaze-kango.example.jp", "--user", "center", stdout=out
    )
    link = out.getvalue().strip()
    link = link[link.index("/apply/") :]

    # the facility, with no login, fills in forms 1 and 2, saves, comes back and sends
    type_an_application(page, link)
    page.get_by_role("button", name="保存して後で続ける").click()
    expect(page.get_by_text("保存しました。")).to_be_visible()
    page.goto(link)  # back through the same link: what was saved, normalised
    expect(page.locator("[name=roster-1-family_name_kana]")).to_have_value("オカ")
    shot(page, "apply-form")
    page.get_by_role("button", name="申込を送信する").click()
    expect(page.get_by_role("heading", name="申込を送信しました")).to_be_visible()
    shot(page, "apply-submitted")
    with page.expect_download() as download:
        page.get_by_test_id("forms-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.goto(link[:-3] + "xx/")  # a link altered in the copying opens nothing
    expect(page.get_by_test_id("link-closed")).to_contain_text("このリンクは有効ではありません")
    shot(page, "apply-link-closed")
    facility = Facility.objects.get(name="風の丘訪問看護ステーション")
    application = facility.applications.get()
    pledge = facility.pledges.get()

    # the center finds it in its queue with its roster, prints it, receives it, approves it
    log_in(page, "center")
    page.goto(reverse("admin:facilities_usageapplication_changelist") + "?status__exact=prepared")
    page.get_by_role("link", name=facility.name).click()
    expect(page.locator("#roster_lines-group")).to_contain_text("丘")
    with page.expect_download() as download:
        page.get_by_role("link", name="様式を印刷（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    for number in (application.document_number, pledge.document_number):
        page.goto(reverse("admin:receive_documents"))
        page.get_by_label("文書番号").fill(number)
        page.get_by_role("button", name="検索").click()
        page.get_by_role("button", name="受領済みにする").click()
        expect(page.locator("ul.messagelist")).to_contain_text(number)
    for action in ("確認済みにする", "承認（利用開始・MCS管理者の任命・ID発行申請）"):
        page.goto(reverse("admin:facilities_usageapplication_changelist"))
        page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
        page.locator("select[name=action]").select_option(label=action)
        page.get_by_role("button", name="実行").click()
        expect(page.locator("ul.messagelist")).to_be_visible()
    facility.refresh_from_db()
    assert facility.status == Facility.Status.ACTIVE
    assert sorted(facility.staff.values_list("family_name_kana", flat=True)) == ["オカ", "カザマ"]
    assert facility.appointments.get().staff_member.family_name == "風間"
