"""The compliance dashboard's figures are kept in the shared cache and counted again on request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from office.compliance import COLUMNS
from tests import factories as f
from tests.world import build_world

URL = reverse("portal:compliance")


def _id_requests(client, facility) -> int:
    page = client.get(URL)
    assert page.status_code == 200
    row = next((row for row in page.context["rows"] if row["facility"] == facility), None)
    return dict((column.key, count) for column, count in row["cells"])["id_requests"] if row else 0


@pytest.mark.django_db
def test_the_figures_are_kept_until_counted_again(client):
    world = build_world()
    client.force_login(world.center)
    facility = world.a.facility
    before = _id_requests(client, facility)
    f.IdRequestFactory(facility=facility, staff_member=f.StaffMemberFactory(facility=facility))

    assert _id_requests(client, facility) == before  # the kept figures
    page = client.get(URL)
    assert "時点の集計です" in page.content.decode()

    refreshed = client.get(f"{URL}?refresh=1")
    assert refreshed.status_code == 302 and refreshed["Location"] == URL
    assert _id_requests(client, facility) == before + 1


@pytest.mark.django_db
def test_a_kept_page_does_not_count_again(client):
    world = build_world()
    client.force_login(world.center)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as kept:
        client.get(URL)
    assert len(first) - len(kept) >= len(COLUMNS)


@pytest.mark.django_db
def test_each_login_has_its_own_figures(client):
    world = build_world()
    client.force_login(world.center)
    client.get(URL)
    other = f.CenterUserFactory(username="center2")
    client.force_login(other)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert len(queries) > len(COLUMNS)  # counted for this login, not taken from the first
