"""Importing the office's spreadsheets: normalised, all or nothing, every bad row reported."""

from datetime import date

import pytest
from django.utils import timezone

from devices.models import Device
from devices.resources import DeviceResource
from facilities.models import AdministratorAppointment, Facility, McsAccount, StaffMember
from facilities.resources import FacilityResource, StaffMemberResource
from mcs_admin import services
from mcs_admin.models import AccessLog
from mcs_admin.spreadsheets import read_dataset, unescape_cell
from tests.factories import FacilityFactory, ProfessionSynonymFactory, StaffMemberFactory
from tests.sheet_files import csv_bytes, xlsx_bytes, xlsx_rows

pytestmark = pytest.mark.django_db

FACILITY_HEADER = ["事業所名", "フリガナ", "事業所種別", "郵便番号", "事業所住所", "電話番号"]
STAFF_HEADER = ["事業所名", "職種", "氏名", "性別", "メールアドレス", "MCS ID", "MCS管理者"]


def run(resource_class, data, user, *, dry_run=False, name="roster.csv"):
    return services.spreadsheet_import(
        resource=resource_class(),
        dataset=read_dataset(data),
        user=user,
        file_name=name,
        dry_run=dry_run,
    )


def problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


@pytest.mark.parametrize(
    "write",
    [
        lambda rows: csv_bytes(rows),
        lambda rows: csv_bytes(rows, bom=True),
        lambda rows: csv_bytes(rows, encoding="cp932"),
        xlsx_bytes,
    ],
    ids=["utf-8", "utf-8 with BOM", "cp932", "xlsx"],
)
def test_facilities_are_imported_normalised_from_every_kind_of_file(write, center_user):
    rows = [
        FACILITY_HEADER,
        [
            "みさと髙橋医院",
            "ﾐｻﾄﾀｶﾊｼｲｲﾝ",
            "病院及びクリニック",
            "3410011",
            "三郷市１－２",
            "048-123-4567",
        ],
        ["①薬局", "まるいちやっきょく", "薬局", "〒341-0022", "", "０４８（９５２）１１１１"],
    ]
    report = run(FacilityResource, write(rows), center_user)
    assert report.ok and (report.new, report.changed) == (2, 0)
    clinic, pharmacy = Facility.objects.order_by("pk")
    assert (clinic.name, clinic.name_kana, clinic.category) == (
        "みさと髙橋医院",
        "ミサトタカハシイイン",
        "hospital_clinic",
    )
    assert (clinic.postal_code, clinic.address, clinic.phone) == (
        "341-0011",
        "三郷市1-2",
        "048-123-4567",
    )
    assert (pharmacy.name, pharmacy.name_kana, pharmacy.postal_code, pharmacy.phone) == (
        "1薬局",  # NFKC, as every name typed into the system
        "マルイチヤッキョク",
        "341-0022",
        "048-952-1111",
    )
    record = clinic.history.get()
    assert record.history_user == center_user
    assert record.history_change_reason == "roster.csv からインポート"


def test_excel_numbers_and_dates_are_read_as_the_clerk_sees_them(center_user):
    rows = [
        [*FACILITY_HEADER, "MCS参加日"],
        ["北医院", "", "歯科", 3410011, "", "", date(2026, 4, 1)],
    ]
    assert run(FacilityResource, xlsx_bytes(rows), center_user).ok
    facility = Facility.objects.get()
    assert (facility.postal_code, facility.joined_on) == ("341-0011", date(2026, 4, 1))


def staff_rows(facility, count, start=0):
    return [
        [facility.name, "看護師", f"佐藤 花子{n}", "女", f"hanako{n}@example.jp", f"mcs{n}", ""]
        for n in range(start, start + count)
    ]


def history_count():
    return sum(
        model.history.count()
        for model in (Facility, StaffMember, McsAccount, AdministratorAppointment)
    )


def test_a_reimport_changes_nothing(center_user):
    facility = FacilityFactory(name="みさと中央クリニック")
    rows = [STAFF_HEADER, *staff_rows(facility, 3)]
    rows[1][-1] = "○"
    data = csv_bytes(rows, encoding="cp932")
    first = run(StaffMemberResource, data, center_user)
    assert (first.new, first.changed, first.unchanged) == (3, 0, 0)
    before = history_count()

    again = run(StaffMemberResource, data, center_user)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)
    assert [outcome.action for outcome in again.outcomes] == ["skip"] * 3
    assert history_count() == before


def test_one_bad_row_among_a_hundred_writes_nothing(center_user):
    facility = FacilityFactory()
    rows = [STAFF_HEADER, *staff_rows(facility, 100)]
    rows[57][1] = "魔法使い"
    report = run(StaffMemberResource, xlsx_bytes(rows), center_user)
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(58, "職種 (B)")]
    assert report.problems[0].message.startswith("「魔法使い」は選択肢にありません（医師、歯科医師")
    assert not StaffMember.objects.exists() and not McsAccount.objects.exists()
    assert not AccessLog.objects.exists()


def test_every_bad_row_is_reported_with_its_row_and_column(center_user):
    facility = FacilityFactory(name="みさと中央クリニック")
    rows = [STAFF_HEADER, *staff_rows(facility, 8)]
    rows[2][1] = "魔法使い"  # row 3: unknown 職種
    rows[3][0] = "存在しない事業所"  # row 4: no such facility
    rows[4][4] = "hanako@"  # row 5: malformed e-mail
    rows[5][5] = "mcs0"  # row 6: the login id of row 2
    rows[6][2], rows[6][5] = "佐藤花子", "mcs0"  # row 7: 氏名 without a space, row 2's ID
    rows[8][1], rows[8][4] = "", "x@"  # row 9: two problems in one row
    report = run(StaffMemberResource, csv_bytes(rows), center_user)
    assert problems(report)[0][:2] == (3, "職種 (B)")
    assert problems(report)[1:] == [
        (4, "事業所名 (A)", "「存在しない事業所」という事業所は登録されていません。"),
        (5, "メールアドレス (E)", "有効なメールアドレスを入力してください。"),
        (6, "MCSログインID (F)", "2行目と同じMCSログインIDです。"),
        (7, "氏名 (C)", "氏名は姓と名の間に空白を入れて入力してください（例: 山田 花子）。"),
        (7, "MCSログインID (F)", "2行目と同じMCSログインIDです。"),
        (9, "職種 (B)", "このフィールドは空ではいけません。"),
        (9, "メールアドレス (E)", "有効なメールアドレスを入力してください。"),
    ]
    assert report.bad_rows == 6
    assert not StaffMember.objects.exists()


def test_facility_rows_with_an_unknown_category_or_a_malformed_postal_code(center_user):
    rows = [
        FACILITY_HEADER,
        ["A医院", "", "病院", "3410011", "", ""],
        ["B薬局", "", "薬局", "34-11", "", ""],
        ["C薬局", "", "薬局", "", "", "123"],
    ]
    report = run(FacilityResource, csv_bytes(rows), center_user)
    assert [(p.row, p.column) for p in report.problems] == [
        (2, "事業所種別 (C)"),
        (3, "郵便番号 (D)"),
        (4, "電話番号 (F)"),
    ]
    assert "郵便番号は 341-0011 または 3410011" in report.problems[1].message
    assert not Facility.objects.exists()


def test_a_file_without_the_key_columns_is_refused_as_a_whole(center_user):
    report = run(
        StaffMemberResource, csv_bytes([["名前", "職種"], ["佐藤 花子", "Ns"]]), center_user
    )
    assert problems(report) == [
        (None, "", "1行目には列見出しが必要です。次の列がありません: 事業所名、氏名。")
    ]
    assert report.ignored_columns == ["名前 (A)"]


def test_blank_rows_are_skipped_and_the_numbering_kept(center_user):
    facility = FacilityFactory()
    rows = [STAFF_HEADER, *staff_rows(facility, 1), [], ["", "", ""], *staff_rows(facility, 1, 1)]
    rows[-1][1] = "魔法使い"
    report = run(StaffMemberResource, csv_bytes(rows), center_user)
    assert [p.row for p in report.problems] == [5]


@pytest.mark.parametrize(
    ("written", "profession"),
    [
        ("看護師", "nurse"),
        ("nurse", "nurse"),
        ("Ns", "nurse"),
        ("ＮＳ", "nurse"),
        ("ナース", "nurse"),
        ("Dr", "physician"),
        ("ケアマネ", "care_manager"),
        ("介護支援専門員（ケアマネジャー）", "care_manager"),
        ("PT", "physical_therapist"),
        ("ヘルパー", "home_helper"),
        ("MSW", "medical_social_worker"),
    ],
)
def test_old_ways_of_writing_the_profession_are_read(written, profession, center_user):
    facility = FacilityFactory()
    rows = [STAFF_HEADER, [facility.name, written, "佐藤 花子", "", "", "", ""]]
    assert run(StaffMemberResource, csv_bytes(rows), center_user).ok
    assert StaffMember.objects.get().profession == profession


def test_the_centers_synonyms_table_is_read(center_user):
    facility = FacilityFactory()
    rows = [STAFF_HEADER, [facility.name, "訪看", "佐藤 花子", "", "", "", ""]]
    assert not run(StaffMemberResource, csv_bytes(rows), center_user).ok
    ProfessionSynonymFactory(term="訪看", profession="nurse")
    assert run(StaffMemberResource, csv_bytes(rows), center_user).ok
    assert StaffMember.objects.get().profession == "nurse"


def test_names_and_readings_are_split_into_family_and_given_names(center_user):
    facility = FacilityFactory()
    rows = [
        ["事業所名", "職種", "氏名", "フリガナ", "性別"],
        [facility.name, "医師", "佐藤　花子", "ｻﾄｳ ﾊﾅｺ", "女性"],
        [facility.name, "医師", " 鈴木 一郎 ", "すずき　いちろう", "男"],
        [facility.name, "医師", "田中 太郎", "タナカ", ""],
    ]
    assert run(StaffMemberResource, xlsx_bytes(rows), center_user).ok
    people = StaffMember.objects.order_by("pk")
    assert [
        (p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, p.gender)
        for p in people
    ] == [
        ("佐藤", "花子", "サトウ", "ハナコ", "female"),
        ("鈴木", "一郎", "スズキ", "イチロウ", "male"),
        ("田中", "太郎", "タナカ", "", "unspecified"),
    ]
    assert people[0].full_name == "佐藤　花子"


def test_the_roster_records_ids_and_administrators_with_the_importer(center_user):
    facility = FacilityFactory()
    header = [*STAFF_HEADER, "MCS管理者就任日"]
    rows = [
        header,
        [facility.name, "医師", "佐藤 花子", "女", "", "sato@mcs.example", "○", "2026/4/1"],
    ]
    assert run(StaffMemberResource, csv_bytes(rows), center_user).ok
    person = StaffMember.objects.get()
    account = person.mcs_accounts.get()
    appointment = person.appointments.get()
    assert (account.login_id, account.status) == ("sato@mcs.example", "issued")
    assert (appointment.facility, appointment.started_on, appointment.ended_on) == (
        facility,
        date(2026, 4, 1),
        None,
    )
    for obj in (person, account, appointment):
        assert obj.history.get().history_user == center_user

    rows[1][5:7] = ["", ""]  # the ID left blank, no longer an administrator
    report = run(StaffMemberResource, csv_bytes(rows), center_user)
    assert report.outcomes[0].changes == [("MCS管理者", "○", "")]
    appointment.refresh_from_db()
    assert appointment.ended_on == timezone.localdate()
    assert person.mcs_accounts.get().status == "issued"
    assert person.history.count() == 1  # the person did not change, only the appointment


def test_a_row_naming_the_same_person_twice_is_refused(center_user):
    facility = FacilityFactory()
    rows = [STAFF_HEADER, *staff_rows(facility, 2)]
    rows[2][2], rows[2][4], rows[2][5] = rows[1][2], rows[1][4], ""
    report = run(StaffMemberResource, csv_bytes(rows), center_user)
    assert problems(report) == [(3, "氏名 (C)", "2 行目と同じ登録を指しています。")]


def test_devices_name_their_user_by_name(center_user):
    person = StaffMemberFactory(family_name="佐藤", given_name="花子")
    header = ["事業所名", "端末名", "種別", "所有区分", "使用者", "（1）起動時パスワード"]
    rows = [
        header,
        [person.facility.name, "iPad 1", "タブレット", "事業所貸与", "佐藤　花子", "○"],
        [person.facility.name, "iPad 2", "タブレット", "事業所貸与", "山田 一郎", ""],
    ]
    report = run(DeviceResource, csv_bytes(rows), center_user)
    assert problems(report) == [
        (3, "使用者 (E)", "この事業所に「山田 一郎」という職員はいません。")
    ]
    del rows[2]
    assert run(DeviceResource, csv_bytes(rows), center_user).ok
    device = Device.objects.get()
    assert (device.assigned_to, device.boot_password, device.no_file_sharing) == (
        person,
        True,
        False,
    )


def test_a_dry_run_shows_what_would_happen_and_writes_nothing(center_user):
    FacilityFactory(name="既存医院", postal_code="341-0001")
    rows = [
        FACILITY_HEADER,
        ["既存医院", "", "病院及びクリニック", "3410002", "", ""],
        ["新規医院", "", "病院及びクリニック", "", "", ""],
    ]
    report = run(FacilityResource, csv_bytes(rows), center_user, dry_run=True)
    assert [(o.row, o.action, o.record) for o in report.outcomes] == [
        (2, "update", "既存医院"),
        (3, "new", "新規医院"),
    ]
    assert ("郵便番号", "341-0001", "341-0002") in report.outcomes[0].changes
    assert Facility.objects.get().postal_code == "341-0001"
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_reads_back_as_exported_formulas_neutralised(file_format, center_user):
    facility = FacilityFactory(name='=HYPERLINK("http://evil","x")', address="@SUM(1+1)*cmd")
    StaffMemberFactory(facility=facility, address="-2+3")
    Device.objects.create(
        facility=facility, kind="smartphone", label="+81-90-1234-5678", ownership="facility"
    )
    for resource_class in (FacilityResource, StaffMemberResource, DeviceResource):
        data = services.spreadsheet_export(
            resource=resource_class(), file_format=file_format, user=center_user
        )
        rows = xlsx_rows(data) if file_format == "xlsx" else [list(r) for r in read_dataset(data)]
        cells = [cell for row in rows for cell in row if isinstance(cell, str)]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], cells
        report = run(resource_class, data, center_user)
        assert report.ok and (report.new, report.changed, report.unchanged) == (0, 0, 1)
    facility.refresh_from_db()
    assert facility.name == '=HYPERLINK("http://evil","x")'
    assert Device.objects.get().label == "+81-90-1234-5678"
    assert unescape_cell("'+81") == "+81"


def test_imports_and_exports_are_in_the_access_log(center_user):
    rows = [FACILITY_HEADER, ["新規医院", "", "病院及びクリニック", "", "", ""]]
    run(FacilityResource, csv_bytes(rows), center_user, name="2025年度名簿.csv")
    services.spreadsheet_export(resource=FacilityResource(), file_format="csv", user=center_user)
    imported, exported = AccessLog.objects.order_by("pk")
    facility = Facility.objects.get()
    assert (imported.action, imported.user, imported.row_count) == ("import", center_user, 1)
    assert (imported.target_type, imported.target_ids) == ("facilities.Facility", [facility.pk])
    assert imported.description.startswith("2025年度名簿.csv: 1 行: 新規 1 件")
    assert (exported.action, exported.user, exported.row_count) == ("export", center_user, 1)
    assert exported.target_ids == [facility.pk]
