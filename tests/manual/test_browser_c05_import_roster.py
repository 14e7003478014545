"""The manual's chapter c05 (前年度名簿の取込み): the support center imports last year's roster
from an Excel workbook, reads the refusal of a file with a bad row, then the preview of the
corrected file, and confirms it. With SCREENSHOTS_DIR set, the steps are saved as c05-*.png."""

import pytest
from playwright.sync_api import expect

from facilities.models import ProfessionSynonym, StaffMember
from tests.sheet_files import xlsx_bytes
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser

CLINIC = "みさと中央クリニック"
HEADERS = ["事業所名", "職種", "氏名", "フリガナ", "性別", "メールアドレス", "住所", "MCS管理者"]
# last year's roster of the clinic as an office keeps it: half-width kana, 男/女, Ns
UNCHANGED = [
    CLINIC,
    "医師",
    "佐藤 健太",
    "ｻﾄｳ ｹﾝﾀ",
    "男",
    "staff000@mcs-demo.example",
    "埼玉県三郷市（デモ）20-1",
    "○",
]
CHANGED = [
    CLINIC,
    "看護師",
    "鈴木 翔",
    "ｽｽﾞｷ ｼｮｳ",
    "男",
    "staff001@mcs-demo.example",
    "埼玉県三郷市（デモ）99-9",
    "",
]
NEW = [
    CLINIC,
    "Ns",
    "三郷 花子",
    "ﾐｻﾄ ﾊﾅｺ",
    "女",
    "hanako@mcs-demo.example",
    "埼玉県三郷市（デモ）30-1",
    "",
]
# the same person written under a facility name the system does not know
MISSPELT = ["みさと中央医院", *NEW[1:]]


def upload(page, rows, name="前年度名簿.xlsx"):
    page.get_by_label("CSV または Excel ファイル").set_input_files(
        {
            "name": name,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": xlsx_bytes(rows),
        }
    )
    page.get_by_role("button", name="プレビュー").click()


@pytest.mark.django_db(transaction=True)
def test_the_center_imports_last_years_roster_after_reading_the_preview(page):
    # a migration gives Ns; an earlier transactional test's flush may have taken it away
    ProfessionSynonym.objects.get_or_create(term="Ns", profession="nurse")
    suzuki = StaffMember.objects.get(email="staff001@mcs-demo.example")
    log_in(page, "center")

    # 1. the admin's list of staff, its import button
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.locator("#content-main").get_by_role("link", name="職員", exact=True).click()
    # the clinic's staff as registered now, to compare with the file
    page.locator("#searchbar").fill(CLINIC)
    page.get_by_role("button", name="検索").click()
    expect(page.locator("#result_list")).to_contain_text("鈴木")
    expect(page.get_by_role("link", name="インポート")).to_be_visible()
    shot(page, "c05-staff-list")

    # 2. the import page: the file's columns and how to write them
    page.get_by_role("link", name="インポート").click()
    expect(page.locator("table.spreadsheet-columns")).to_contain_text("姓と名の間に空白")
    shot(page, "c05-import-page")

    # 3. a file with a bad row: nothing is written, the row and the reason are listed
    upload(page, [HEADERS, UNCHANGED, CHANGED, MISSPELT])
    expect(page.locator(".errornote")).to_contain_text("何も書き込まれていません")
    expect(page.locator("table.spreadsheet-errors")).to_contain_text(
        "「みさと中央医院」という事業所は登録されていません。"
    )
    expect(page.locator("table.spreadsheet-errors tbody td").first).to_have_text("4")
    assert not StaffMember.objects.filter(family_name="三郷", given_name="花子").exists()
    shot(page, "c05-bad-row")

    # 4. the corrected file, from the same page: the preview, row by row, nothing written yet
    upload(page, [HEADERS, UNCHANGED, CHANGED, NEW])
    preview = page.locator("table.spreadsheet-preview")
    expect(page.get_by_text("3 行: 新規 1 件、変更 1 件、変更なし 1 件。")).to_be_visible()
    rows = preview.locator("tbody tr")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("変更なし")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("変更")
    expect(rows.nth(1).locator("td.changed")).to_contain_text("→")
    expect(rows.nth(2).locator("td").nth(1)).to_have_text("新規")
    expect(rows.nth(2)).to_contain_text("看護師")  # Ns, read through the profession synonyms
    expect(rows.nth(2)).to_contain_text("ミサト　ハナコ")  # kana made full-width
    expect(preview).not_to_contain_text("None")
    assert not StaffMember.objects.filter(family_name="三郷", given_name="花子").exists()
    shot(page, "c05-preview")

    # 5. confirmed: written, with the file's name in each record's history
    page.get_by_role("button", name="インポートを実行").click()
    expect(page.get_by_text("インポートしました。")).to_be_visible()
    hanako = StaffMember.objects.get(family_name="三郷", given_name="花子")
    assert hanako.profession == "nurse" and hanako.family_name_kana == "ミサト"
    suzuki.refresh_from_db()
    assert suzuki.address.endswith("99-9")
    assert "前年度名簿.xlsx" in suzuki.history.latest().history_change_reason
    shot(page, "c05-imported")

    # 6. the clinic's staff again: the new person is on the list
    page.locator("#searchbar").fill(CLINIC)
    page.get_by_role("button", name="検索").click()
    expect(page.locator("#result_list")).to_contain_text("三郷　花子")
    expect(page.locator("#result_list tbody tr")).to_have_count(6)
    shot(page, "c05-check")
