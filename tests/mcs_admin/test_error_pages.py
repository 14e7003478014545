"""The error pages a person may meet (400, 403, 404, 405, an expired form) are Japanese pages
in the site's layout, with the header and a way back."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import build_world

pytestmark = pytest.mark.django_db

ENGLISH = ["Not Found", "Forbidden", "Bad Request", "Method Not Allowed", "CSRF"]


@pytest.fixture
def world():
    return build_world()


def _looks_right(response, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page
    assert 'href="/"' in page and "トップページへ" in page and "data-back" in page  # a way back
    assert "MCS事務局" in page  # the site's header
    assert not [word for word in ENGLISH if word in page]
    return page


def test_a_missing_page_is_japanese_with_the_header_and_the_login(client, world):
    client.force_login(world.a.admin)
    page = _looks_right(client.get("/no-such-page/"), 404, "ページが見つかりません")
    assert 'data-testid="display-name"' in page  # the login is still shown, and its logout
    client.force_login(world.center)  # the admin's own missing pages too
    _looks_right(client.get("/admin/facilities/facility/0/history/"), 404, "ページが見つかりません")


def test_a_page_the_role_has_no_use_for_is_a_japanese_403(client, world):
    client.force_login(world.a.user)
    url = reverse("facility:staff_list", args=[world.a.facility.pk])
    _looks_right(client.get(url), 403, "このページを開く権限がありません")


def test_a_button_address_opened_as_a_link_is_a_japanese_405(client, world):
    client.force_login(world.a.admin)
    url = reverse("groups:invitation_approve", args=[world.a.facility.pk, 1])
    response = client.get(url)
    _looks_right(response, 405, "この方法ではページを開けません")
    assert response["Allow"] == "POST"


def test_an_unreadable_request_is_a_japanese_400(client):
    _looks_right(client.get("/", HTTP_HOST="evil.example"), 400, "要求を読み取れませんでした")


def test_an_expired_form_is_a_japanese_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:login"), {"username": "admin-a", "password": "x"})
    _looks_right(response, 403, "フォームの有効期限が切れました")
