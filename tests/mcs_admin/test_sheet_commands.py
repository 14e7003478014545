"""`import_data` and `export_data` for batch use, and the demo registry's round trip."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from devices.models import Device
from facilities.models import AdministratorAppointment, Facility, McsAccount, StaffMember
from mcs_admin.models import AccessLog, User
from tests.factories import FacilityFactory, UserFactory
from tests.sheet_files import csv_bytes

pytestmark = pytest.mark.django_db

# office: the compliance figures counted from the registry
REGISTRY_APPS = {"facilities", "pledges", "care_groups", "consents", "devices", "office"}
MODELS = ["facility", "staffmember", "device"]  # in the order a registry is loaded


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def empty_the_registry():
    """Every table of the registry emptied, history included; logins and the profile stay.

    Foreign keys are checked at commit, so the order of the deletes does not matter.
    """
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in REGISTRY_APPS:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def open_appointments():
    return sorted(
        AdministratorAppointment.objects.filter(ended_on__isnull=True).values_list(
            "facility__name", "staff_member__email", "started_on"
        )
    )


@override_settings(DEBUG=True)
def test_the_demo_registry_survives_export_empty_database_import(tmp_path):
    call_command("seed_demo", verbosity=0)
    counts = [m.objects.count() for m in (Facility, StaffMember, McsAccount, Device)]
    appointments = open_appointments()
    for model in MODELS:
        for file_format in ("csv", "xlsx"):
            out = tmp_path / f"{model}.{file_format}"
            run(
                "export_data", model, "--format", file_format, "--out", str(out), "--user", "center"
            )
    exported = {model: (tmp_path / f"{model}.csv").read_bytes() for model in MODELS}

    empty_the_registry()
    assert not Facility.objects.exists() and not StaffMember.objects.exists()
    for model in MODELS:
        out, _ = run("import_data", model, str(tmp_path / f"{model}.xlsx"), "--user", "center")
        assert "変更 0 件、変更なし 0 件。" in out

    assert [m.objects.count() for m in (Facility, StaffMember, McsAccount, Device)] == counts
    assert open_appointments() == appointments
    for model in MODELS:
        again = tmp_path / f"{model}.again.csv"
        run("export_data", model, "--format", "csv", "--out", str(again), "--user", "center")
        assert again.read_bytes() == exported[model], model
    center = User.objects.get(username="center")
    assert {p.history.get().history_user for p in StaffMember.objects.all()} == {center}


def test_a_dry_run_prints_each_row_and_writes_nothing(tmp_path):
    UserFactory(username="clerk", is_superuser=True)
    path = tmp_path / "名簿.csv"
    path.write_bytes(csv_bytes([["事業所名", "事業所種別"], ["A医院", "歯科"]], encoding="cp932"))
    out, _ = run("import_data", "facility", str(path), "--dry-run", "--user", "clerk")
    assert "row 2\tnew\tA医院" in out
    assert "Dry run, nothing written: 1 行: 新規 1 件" in out
    assert not Facility.objects.exists() and not AccessLog.objects.exists()

    out, _ = run("import_data", "facility", str(path), "--user", "clerk")
    assert Facility.objects.get().history.get().history_user.username == "clerk"
    assert AccessLog.objects.get().username == "clerk"


def test_bad_rows_are_printed_and_nothing_is_written(tmp_path):
    UserFactory(username="clerk", is_superuser=True)
    path = tmp_path / "roster.csv"
    rows = [["事業所名", "事業所種別", "郵便番号"], ["A医院", "歯科", ""], ["B医院", "魔法", "1"]]
    path.write_bytes(csv_bytes(rows))
    err = StringIO()
    with pytest.raises(CommandError, match="was not imported: nothing has been written"):
        call_command("import_data", "facility", str(path), "--user", "clerk", stderr=err)
    assert err.getvalue().splitlines() == [
        "row 3, 事業所種別 (B): 「魔法」は選択肢にありません（"
        + "、".join(
            [
                "病院及びクリニック",
                "歯科",
                "薬局",
                "地域包括支援センター",
                "指定居宅介護支援事業所",
                "訪問介護",
                "訪問入浴介護",
                "訪問看護",
                "訪問リハビリテーション",
                "通所介護事業所",
                "通所リハビリテーション",
                "短期入所生活介護",
                "短期入所療養介護",
                "福祉用具貸与、特定福祉用具販売",
                "定期巡回・随時対応型訪問介護看護",
                "認知症対応型通所介護",
                "小規模多機能型居宅介護",
                "看護小規模多機能型居宅介護",
            ]
        )
        + "）。",
        "row 3, 郵便番号 (C): 郵便番号は 341-0011 または 3410011 のように7桁で入力してください。",
    ]
    assert not Facility.objects.exists()


def test_export_writes_the_file_and_logs_who(tmp_path):
    FacilityFactory(name="A医院")
    UserFactory(username="clerk", is_superuser=True)
    out = tmp_path / "facilities.xlsx"
    run("export_data", "facility", "--format", "xlsx", "--out", str(out), "--user", "clerk")
    assert out.read_bytes().startswith(b"PK\x03\x04")
    entry = AccessLog.objects.get()
    assert (entry.action, entry.username, entry.row_count, entry.description) == (
        "export",
        "clerk",
        1,
        "XLSX",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import_data", "patient", "x.csv", "--user", "clerk"], "No spreadsheet for “patient”"),
        (["import_data", "facility", "x.csv", "--user", "nobody"], "No active login “nobody”"),
        (["import_data", "facility", "missing.csv", "--user", "clerk"], "Cannot read"),
        (["import_data", "facility", "x.csv", "--user", "viewer"], "may not add or change"),
        (["export_data", "device", "--format", "csv", "--out", "/", "--user", "clerk"], "write"),
    ],
    ids=["unknown model", "unknown login", "missing file", "no permission", "unwritable"],
)
def test_commands_refuse_clearly(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_bytes(csv_bytes([["事業所名", "事業所種別"], ["A医院", "歯科"]]))
    UserFactory(username="clerk", is_superuser=True)
    UserFactory(username="viewer")
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AccessLog.objects.exists()
