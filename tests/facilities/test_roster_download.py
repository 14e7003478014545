"""独自ルール 2, ID棚卸: a facility's administrator downloads its own staff with their MCS IDs,
as CSV and XLSX, logged as an export of those people; no one of another facility is in it."""

import pytest
from django.urls import reverse

from mcs_admin.models import AccessLog
from mcs_admin.spreadsheets import read_dataset
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_facility_downloads_its_own_staff_with_their_ids(client, world, fmt):
    client.force_login(world.a.admin)
    response = client.get(reverse("facility:roster_download", args=[world.a.facility.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_dataset(response.content)
    assert "MCSログインID" in rows.headers
    ids = set(rows["MCSログインID"])
    own = world.a.staff.mcs_accounts.get().login_id
    theirs = world.b.staff.mcs_accounts.get().login_id
    assert own in ids
    assert theirs not in ids
    assert set(rows["事業所名"]) == {world.a.facility.name}

    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == world.a.admin
    assert log.target_type == "facilities.StaffMember"
    assert world.a.staff.pk in log.target_ids
    assert world.b.staff.pk not in log.target_ids


def test_another_facilitys_roster_is_not_found_and_a_format_unknown(client, world):
    client.force_login(world.a.admin)
    other = client.get(reverse("facility:roster_download", args=[world.b.facility.pk, "csv"]))
    assert other.status_code == 404
    unknown = client.get(reverse("facility:roster_download", args=[world.a.facility.pk, "pdf"]))
    assert unknown.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
