"""When the database is unreachable (issue 8): every page a plain Japanese 503 without a
traceback, `/healthz` says so, and both recover by themselves when the database is back."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests import factories as f


def unreachable():
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@pytest.mark.django_db
def test_pages_answer_503_while_the_database_is_away_and_recover():
    user = f.UserFactory()
    f.StaffMemberFactory(user=user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.get(reverse("portal:me")).status_code == 200
    with mock.patch.object(connection, "ensure_connection", side_effect=unreachable):
        for url in [reverse("portal:me"), reverse("admin:index"), "/healthz"]:
            response = client.get(url)
            assert response.status_code == 503, url
            body = response.content.decode()
            assert "Traceback" not in body and "OperationalError" not in body
        assert "データベース" in client.get(reverse("portal:me")).content.decode()
        assert client.get(reverse("portal:me"))["Retry-After"] == "60"
    assert client.get(reverse("portal:me")).status_code == 200
    assert client.get("/healthz").content == b"ok\n"


@pytest.mark.django_db
def test_any_other_error_is_a_plain_500_without_a_traceback():
    client = Client(raise_request_exception=False)
    client.force_login(f.UserFactory())
    with mock.patch("office.views.facilities_for", side_effect=RuntimeError("boom")):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 500
    assert "boom" not in response.content.decode()
    assert "エラー" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_closed_port_gives_503_then_the_app_comes_back_by_itself():
    user = f.UserFactory()
    f.StaffMemberFactory(user=user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    settings_dict = connection.settings_dict
    port = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = "1"  # nothing listens there
    try:
        assert client.get("/healthz").status_code == 503
        response = client.get(reverse("portal:me"))
        assert response.status_code == 503
        assert "データベース" in response.content.decode()
    finally:
        connection.close()
        settings_dict["PORT"] = port
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("portal:me")).status_code == 200
