"""Import and export in the support center's admin: preview, confirm, every bad row on one page."""

import re
import tempfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from facilities.models import Facility, StaffMember
from mcs_admin import spreadsheets
from mcs_admin.models import AccessLog
from tests.factories import FacilityFactory, StaffMemberFactory, UserFactory
from tests.html_forms import form_data
from tests.sheet_files import csv_bytes, xlsx_bytes, xlsx_rows

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:facilities_facility_import")
EXPORT = reverse("admin:facilities_facility_export")
HEADER = ["事業所名", "事業所種別", "郵便番号"]


@pytest.fixture(autouse=True)
def upload_folder(tmp_path, monkeypatch):
    """Where the admin keeps an upload between preview and confirm."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def upload(client, data, name="名簿.csv", url=IMPORT):
    page = client.get(url).content.decode()
    fields = form_data(page, "import_form")
    return client.post(url, {**fields, "import_file": SimpleUploadedFile(name, data)})


def test_the_lists_offer_import_and_export(center_client):
    for model in ("facilities_facility", "facilities_staffmember", "devices_device"):
        page = center_client.get(reverse(f"admin:{model}_changelist")).content.decode()
        assert reverse(f"admin:{model}_import") in page
        assert reverse(f"admin:{model}_export") in page


def test_the_import_page_explains_the_columns(center_client):
    response = center_client.get(reverse("admin:facilities_staffmember_import"))
    assert response.status_code == 200
    guide = {header: required for header, required, _ in response.context["column_guide"]}
    assert guide["事業所名"] and guide["職種"] and guide["氏名"] and not guide["メールアドレス"]
    descriptions = " ".join(str(text) for *_, text in response.context["column_guide"])
    # synonyms are the table's, not listed here (read in the guide: the page's CSRF token is
    # random letters that may hold "Ns")
    assert "Ns" not in descriptions
    assert "職種の別名" in response.content.decode()


def test_preview_then_confirm(center_client, center_user, upload_folder):
    FacilityFactory(name="既存医院", category="dental", postal_code="341-0001")
    rows = [HEADER, ["既存医院", "歯科", "3410009"], ["新しい薬局", "薬局", ""]]
    preview = upload(center_client, csv_bytes(rows, encoding="cp932"))
    assert preview.status_code == 200
    report = preview.context["report"]
    assert [(o.row, o.action) for o in report.outcomes] == [(2, "update"), (3, "new")]
    html = preview.content.decode()
    assert "<del>341-0001</del> → <ins>341-0009</ins>" in html and "新規" in html
    assert Facility.objects.count() == 1 and len(list(upload_folder.iterdir())) == 1

    confirm = form_data(html, "confirm_form")
    done = center_client.post(reverse("admin:facilities_facility_process_import"), confirm)
    assert done.status_code == 302
    assert done.url == reverse("admin:facilities_facility_changelist")
    assert Facility.objects.get(name="既存医院").postal_code == "341-0009"
    created = Facility.objects.get(name="新しい薬局")
    assert created.history.get().history_user == center_user
    entry = AccessLog.objects.get()
    assert (entry.action, entry.user, entry.row_count, entry.ip_address) == (
        "import",
        center_user,
        2,
        "127.0.0.1",
    )
    assert list(upload_folder.iterdir()) == []
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["インポートしました。2 行: 新規 1 件、変更 1 件、変更なし 0 件。"]

    again = center_client.post(reverse("admin:facilities_facility_process_import"), confirm)
    assert again.status_code == 302 and again.url == IMPORT  # the upload was used up


def test_bad_rows_are_listed_on_one_page_and_nothing_is_kept(center_client, upload_folder):
    rows = [HEADER, ["A医院", "病院", "3410011"], ["B医院", "歯科", "34-11"], ["C医院", "歯科", ""]]
    response = upload(center_client, xlsx_bytes(rows), name="roster.xlsx")
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "ファイルはインポートされていません" in html
    assert "事業所種別 (B)" in html and "郵便番号 (C)" in html
    assert [p.row for p in response.context["report"].problems] == [2, 3]
    assert not Facility.objects.exists()
    assert list(upload_folder.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "入力されたファイルは空です。"),
        (b"\0" * (spreadsheets.MAX_FILE_BYTES + 1), "ファイルが 10 MB を超えています。"),
        (bytes(range(256)) * 4096, "CSV でも Excel ブック（.xlsx）でもありません"),
        (b"PK\x03\x04" + bytes(range(256)) * 64, "読み込める Excel ブック（.xlsx）ではありません"),
        (xlsx_bytes([HEADER, ["A医院", "歯科", "=TEXT(3410011,0)"]]), "C2 のセルに数式があります"),
        ("事業所名,事業所種別\r\n".encode("utf-16"), "Unicode テキスト（UTF-16）"),
        (csv_bytes([HEADER]), "列見出しの下にデータの行がありません。"),
    ],
    ids=["empty", "10 MB of junk", "junk", "not a workbook", "formula", "UTF-16", "no rows"],
)
def test_files_that_are_not_what_they_claim_get_a_clear_message(center_client, data, message):
    response = upload(center_client, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any(message in error for error in errors), errors
    assert not Facility.objects.exists()


def test_missing_columns_are_reported_before_any_row(center_client):
    response = upload(center_client, csv_bytes([["名称", "種類"], ["A医院", "歯科"]]))
    assert [p.message for p in response.context["report"].problems] == [
        "1行目には列見出しが必要です。次の列がありません: 事業所名、事業所種別。"
    ]


def test_a_tampered_confirmation_is_refused(center_client, upload_folder):
    preview = upload(center_client, csv_bytes([HEADER, ["A医院", "歯科", ""]]))
    confirm = form_data(preview.content.decode(), "confirm_form")
    confirm["import_file_name"] = ["../../etc/passwd"]
    response = center_client.post(reverse("admin:facilities_facility_process_import"), confirm)
    assert response.status_code == 302 and response.url == IMPORT
    assert not Facility.objects.exists()


@pytest.mark.parametrize(("choice", "extension"), [("0", "csv"), ("1", "xlsx")])
def test_export_follows_the_lists_filters_and_is_logged(
    center_client, center_user, choice, extension
):
    FacilityFactory(name="参加中の医院", status="active")
    FacilityFactory(name="申込中の医院", status="applying")
    url = f"{EXPORT}?status__exact=active"
    page = center_client.get(url)
    assert page.status_code == 200
    fields = form_data(page.content.decode(), "export_form")
    response = center_client.post(url, {**fields, "format": choice})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    rows = xlsx_rows(response.content) if extension == "xlsx" else None
    if rows is None:
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = [[*spreadsheets.read_dataset(response.content).headers]] + [
            list(row) for row in spreadsheets.read_dataset(response.content)
        ]
    assert rows[0][:3] == ["事業所名", "事業所名（フリガナ）", "事業所種別"]
    assert [row[0] for row in rows[1:]] == ["参加中の医院"]
    entry = AccessLog.objects.get()
    assert (entry.action, entry.user, entry.row_count) == ("export", center_user, 1)
    assert entry.description == f"{extension.upper()} status__exact=active"


def test_import_needs_the_right_to_add_and_change(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_facility", "change_facility"])
    )
    client.force_login(clerk)
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 200
    changelist = client.get(reverse("admin:facilities_facility_changelist")).content.decode()
    assert IMPORT not in changelist and EXPORT in changelist


def test_staff_roster_through_the_admin(center_client):
    facility = FacilityFactory(name="みさと中央クリニック")
    rows = [
        ["事業所名", "職種", "氏名", "性別", "メールアドレス"],
        ["みさと中央クリニック", "Ns", "佐藤 花子", "女", "hanako@example.jp"],
    ]
    url = reverse("admin:facilities_staffmember_import")
    preview = upload(center_client, csv_bytes(rows, bom=True), url=url)
    confirm = form_data(preview.content.decode(), "confirm_form")
    center_client.post(reverse("admin:facilities_staffmember_process_import"), confirm)
    person = StaffMember.objects.get()
    assert (person.facility, person.profession, person.full_name) == (
        facility,
        "nurse",
        "佐藤　花子",
    )


def preview_rows(html: str) -> list[list[str]]:
    """The preview's table, row by row, as text (a changed cell as “before → after”)."""
    table = html[html.index('<table class="spreadsheet-preview">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]


def test_the_preview_shows_every_value_as_read(center_client):
    """Ns as its 職種, half-width kana made full-width, a date as the admin shows it; before
    anything is written."""
    facility = FacilityFactory(name="みさと中央クリニック")
    StaffMemberFactory(
        facility=facility,
        family_name="佐藤",
        given_name="花子",
        given_name_kana="ハナコ",
        profession="nurse",
        email="",
    )
    rows = [
        ["事業所名", "職種", "氏名", "フリガナ", "入職日", "MCS管理者"],
        ["みさと中央クリニック", "Ns", "三郷 次郎", "ﾐｻﾄ ｼﾞﾛｳ", "2026/3/15", "○"],
        ["みさと中央クリニック", "Dr", "佐藤 花子", "ｻﾄｳ ﾊﾅｺ", "", ""],
    ]
    url = reverse("admin:facilities_staffmember_import")
    preview = upload(center_client, csv_bytes(rows, encoding="cp932"), url=url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert preview_rows(html) == [
        ["行", "処理", "事業所名", "職種", "氏名", "氏名（フリガナ）", "入職日", "MCS管理者"],
        [
            "2",
            "新規",
            "みさと中央クリニック",
            "看護師",
            "三郷　次郎",
            "ミサト　ジロウ",
            "2026年3月15日",
            "○",
        ],
        [
            "3",
            "変更",
            "みさと中央クリニック",
            "看護師 → 医師",
            "佐藤　花子",
            "サトウ　ハナコ",
            "—",
            "—",
        ],
    ]
    assert "None" not in html and "nurse" not in html and "2026-03-15" not in html
    assert StaffMember.objects.count() == 1
    assert StaffMember.objects.get().profession == "nurse"


def test_the_bad_rows_page_shows_what_each_row_was_read_as(center_client):
    FacilityFactory(name="みさと中央クリニック")
    rows = [
        ["事業所名", "職種", "氏名", "入職日"],
        ["みさと中央クリニック", "Ns", "三郷 次郎", "2026/3/15"],
        ["みさと中央クリニック", "魔法使い", "佐藤 花子", "2026/3/16"],
    ]
    url = reverse("admin:facilities_staffmember_import")
    response = upload(center_client, csv_bytes(rows), url=url)
    html = response.content.decode()
    assert "confirm_form" not in response.context
    assert preview_rows(html)[1:] == [
        ["2", "新規", "みさと中央クリニック", "看護師", "三郷　次郎", "2026年3月15日"],
        ["3", "エラー", "みさと中央クリニック", "魔法使い", "佐藤　花子", "2026年3月16日"],
    ]
    assert '<td class="refused">魔法使い</td>' in html
    assert "None" not in html
    assert not StaffMember.objects.exists()
