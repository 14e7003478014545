"""A person's data (issue 8, 個人情報保護法): everything about one person as a workbook, the
use stopped on request; the center only; recorded in the access log."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from groups.models import CareGroup, Membership
from mcs_admin.models import AccessLog
from office.disclosure import disclosure_workbook
from tests.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_a_staff_members_workbook_holds_their_records_and_history_but_no_secret(world):
    person = world.a.user.staff_member
    person.address = "=HYPERLINK(1)"
    person.save()
    book = sheets(disclosure_workbook(person))
    titles = set(book)
    expected = {"職員", "ログインアカウント", "MCS ID", "グループメンバー", "端末", "持ち出し届出"}
    assert expected | {"インシデント報告"} <= titles
    assert any(title.startswith("職員の履歴") for title in titles)
    staff_rows = book["職員"]
    assert person.email in staff_rows[1]
    assert "'=HYPERLINK(1)" in staff_rows[1]  # formulas neutralised
    login_headers = book["ログインアカウント"][0]
    assert "パスワード" not in login_headers
    everything = repr(book)
    assert world.a.user.password not in everything


def test_a_patients_workbook_holds_their_groups_and_consents(world):
    patient = world.a.group.patient
    book = sheets(disclosure_workbook(patient))
    assert {"患者", "グループ", "患者同意書（様式4）", "患者同意書（様式4）の履歴"} <= set(book)
    assert any(patient.family_name in str(cell) for cell in book["患者"][1])


def test_the_center_downloads_it_and_the_log_records_it(center_client, center_user, world):
    url = reverse("admin:disclosure")
    person = world.a.staff
    page = center_client.get(url, {"staff_member": person.pk})
    assert page.status_code == 200 and page.context["person"] == person
    response = center_client.post(f"{url}?staff_member={person.pk}", {"export": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "職員" in sheets(response.content)
    entry = AccessLog.objects.get(action="disclosure")
    assert (entry.user, entry.target_ids) == (center_user, [person.pk])
    both = center_client.get(url, {"staff_member": person.pk, "patient": world.a.group.patient_id})
    assert both.context["person"] is None and both.context["form"].errors


def test_only_the_center_opens_the_page(world):
    client = Client()
    client.force_login(world.a.admin)
    response = client.get(reverse("admin:disclosure"))
    assert response.status_code == 302  # the admin sends non-staff to its login
    assert not AccessLog.objects.filter(action="disclosure").exists()


def test_stopping_a_staff_members_use_ends_groups_login_and_sessions(center_client, world):
    user = world.a.user
    session = Client()
    session.force_login(user)
    url = f"{reverse('admin:disclosure')}?staff_member={user.staff_member.pk}"
    refused = center_client.post(url, {"stop": "1", "reason": " "})
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.is_active
    assert (
        center_client.post(url, {"stop": "1", "reason": "本人からの利用停止請求"}).status_code
        == 302
    )
    user.refresh_from_db()
    assert not user.is_active
    assert not user.staff_member.memberships.filter(
        status__in=[Membership.Status.INVITED, Membership.Status.APPROVED]
    ).exists()
    assert session.get(reverse("portal:me")).url.startswith(reverse("portal:login"))
    assert AccessLog.objects.get(action="use_stopped").description == "本人からの利用停止請求"


def test_stopping_a_patients_use_archives_their_groups(center_client, world):
    group = world.a.group
    url = f"{reverse('admin:disclosure')}?patient={group.patient_id}"
    assert (
        center_client.post(url, {"stop": "1", "reason": "家族からの利用停止請求"}).status_code
        == 302
    )
    group.refresh_from_db()
    assert group.status == CareGroup.Status.ARCHIVED
