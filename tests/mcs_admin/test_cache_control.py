"""No page or download stays in a browser's cache (issue 16): every answer of the application
says `Cache-Control: no-store, private` — the self-service pages (every URL as every role in
tests/office/test_access_matrix.py), the admin, the downloads, and the pages before a login."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import build_world


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def never_stored(response) -> bool:
    return {"no-store", "private"} <= directives(response)


@pytest.mark.django_db
def test_self_service_pages_and_their_downloads_are_never_stored(client):
    world = build_world()
    client.force_login(world.a.admin)
    facility = world.a.facility.pk
    for url in [
        reverse("portal:home"),
        reverse("facility:dashboard", kwargs={"facility": facility}),
        reverse("facility:staff_detail", args=[facility, world.a.staff.pk]),
        reverse("groups:group_detail", args=[world.a.group.pk]),
        reverse("portal:me"),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert never_stored(response), url
    pledge = client.get(reverse("portal:my_pledge"))
    assert pledge["Content-Type"] == "application/pdf" and never_stored(pledge)


@pytest.mark.django_db
def test_the_admin_and_its_downloads_are_never_stored(center_client):
    facility = f.FacilityFactory()
    for url in [
        reverse("admin:index"),
        reverse("admin:facilities_facility_changelist"),
        reverse("admin:facilities_facility_change", args=[facility.pk]),
    ]:
        response = center_client.get(url)
        assert response.status_code == 200, url
        assert never_stored(response), url
    export = center_client.get(reverse("admin:mcs_admin_accesslog_export"))
    assert export["Content-Disposition"].startswith("attachment") and never_stored(export)
    roster = center_client.get(reverse("portal:roster_download", kwargs={"fmt": "csv"}))
    assert roster["Content-Type"].startswith("text/csv") and never_stored(roster)


@pytest.mark.django_db
def test_pages_before_a_login_are_never_stored_either():
    client = Client()
    for url in [reverse("portal:login"), reverse("account:password_reset")]:
        assert never_stored(client.get(url)), url
    redirect = client.get(reverse("portal:me"))  # the login page's answer to a page behind it
    assert redirect.status_code == 302 and never_stored(redirect)
