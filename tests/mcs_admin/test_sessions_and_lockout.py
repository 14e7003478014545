"""Guessing and sessions (issue 8): lockout per login and address, idle and absolute session
limits on the server, logout, and every session of a leaver or a restricted user ending."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.services import account_restrict, leave_open
from mcs_admin.models import AccessLog
from mcs_admin.sessions import LOGIN_AT_SESSION_KEY, TOUCHED_AT_SESSION_KEY, SessionTouchMiddleware
from tests import factories as f
from tests.world import build_world

PASSWORD = "correct-horse-42"


def attempt(client, username, password, address):
    return client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_five_failures_lock_that_login_from_that_address_only():
    hanako, taro = f.UserFactory(username="hanako"), f.UserFactory(username="taro")
    clinic, elsewhere = "192.0.2.10", "198.51.100.7"
    for _ in range(4):
        assert attempt(Client(), "hanako", "wrong-guess-1", clinic).status_code == 200
    locked = attempt(Client(), "hanako", "wrong-guess-1", clinic)
    assert locked.status_code == 429
    assert "ロック" in locked.content.decode()
    # even the right password waits out the cool-off from that address
    assert attempt(Client(), "hanako", PASSWORD, clinic).status_code == 429
    # hanako from elsewhere, and a colleague behind the clinic's address, are not locked out
    assert attempt(Client(), "hanako", PASSWORD, elsewhere).status_code == 302
    assert attempt(Client(), "taro", PASSWORD, clinic).status_code == 302
    # an attacker elsewhere cannot lock hanako out at the clinic
    for _ in range(6):
        attempt(Client(), "taro", "wrong-guess-1", elsewhere)
    assert attempt(Client(), "taro", PASSWORD, clinic).status_code == 302
    assert hanako.pk and taro.pk


@pytest.mark.django_db
def test_every_failure_is_in_the_access_log_with_name_and_address():
    f.UserFactory(username="hanako")
    attempt(Client(), "hanako", "wrong-guess-1", "192.0.2.10")
    attempt(Client(), "nobody", "wrong-guess-1", "192.0.2.11")
    failures = AccessLog.objects.filter(action="login_failed").order_by("pk")
    assert [(e.username, e.ip_address) for e in failures] == [
        ("hanako", "192.0.2.10"),
        ("nobody", "192.0.2.11"),
    ]
    assert failures[0].at.tzinfo is not None  # with its time zone


@pytest.mark.django_db
def test_the_client_address_behind_a_proxy_comes_from_the_configured_header(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    f.UserFactory(username="hanako")
    Client().post(
        reverse("portal:login"),
        {"username": "hanako", "password": "x"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="203.0.113.9",
    )
    assert AccessLog.objects.get(action="login_failed").ip_address == "203.0.113.9"


def test_sessions_end_after_30_minutes_idle_on_the_server():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # a request moves the server-side expiry, writing an unchanged session once a minute
    assert "mcs_admin.sessions.SessionTouchMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def session_writes(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


@pytest.mark.django_db
def test_an_unchanged_session_is_written_at_most_once_a_minute(client):
    user = f.UserFactory()
    f.StaffMemberFactory(user=user)
    client.force_login(user)
    me = reverse("portal:me")
    session_writes(client, me)
    key = client.session.session_key
    expiry = Session.objects.get(pk=key).expire_date
    assert session_writes(client, me) == []  # within the minute: no write, the expiry stays
    assert Session.objects.get(pk=key).expire_date == expiry
    session = client.session
    session[TOUCHED_AT_SESSION_KEY] -= 61  # a minute later
    session.save()
    expiry = Session.objects.get(pk=key).expire_date
    assert len(session_writes(client, me)) == 1  # the expiry moves again
    assert Session.objects.get(pk=key).expire_date > expiry


@pytest.mark.django_db
def test_a_changed_session_is_written_at_once():
    """A view that changes the session within the minute has it saved, as Django does."""

    def view(request):
        request.session["changed"] = request.GET.get("value")
        return HttpResponse()

    def answer(value, key=None):
        request = RequestFactory().get("/", {"value": value})
        if key:
            request.COOKIES[settings.SESSION_COOKIE_NAME] = key
        SessionMiddleware(SessionTouchMiddleware(view))(request)
        return request.session

    first = answer("one")
    assert Session.objects.get(pk=first.session_key).get_decoded()["changed"] == "one"
    second = answer("two", first.session_key)
    assert time.time() - second[TOUCHED_AT_SESSION_KEY] < 60
    assert Session.objects.get(pk=first.session_key).get_decoded()["changed"] == "two"


@pytest.mark.django_db
def test_an_idle_session_is_refused_by_the_server(client):
    user = f.UserFactory()
    client.force_login(user)
    f.StaffMemberFactory(user=user)
    assert client.get(reverse("portal:me")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - session.expire_date.now(tz=session.expire_date.tzinfo)
    assert 29 * 60 < remaining.total_seconds() <= 30 * 60
    Session.objects.filter(pk=session.pk).delete()  # what expiry does to it
    assert client.get(reverse("portal:me")).url.startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_a_session_ends_12_hours_after_the_login_whatever_its_activity(client):
    user = f.UserFactory()
    f.StaffMemberFactory(user=user)
    client.force_login(user)
    assert client.get(reverse("portal:me")).status_code == 200
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time()) - 12 * 3600 - 60
    session.save()
    assert client.get(reverse("portal:me")).url == reverse("portal:login")
    assert client.get(reverse("portal:me")).url.startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_logout_ends_the_session_and_is_logged(client):
    user = f.UserFactory()
    f.StaffMemberFactory(user=user)
    client.force_login(user)
    key = client.session.session_key
    assert client.post(reverse("portal:logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("portal:me")).url.startswith(reverse("portal:login"))
    assert AccessLog.objects.filter(action="logout", user=user).exists()


@pytest.mark.django_db
def test_a_leaver_loses_every_session_at_once_and_cannot_log_in_again():
    world = build_world()
    leaver = world.a.user
    phone, desk = Client(), Client()
    for client in (phone, desk):
        client.force_login(leaver)
        assert client.get(reverse("portal:me")).status_code == 200
    leave_open(staff_member=leaver.staff_member, reason="left", by=world.a.admin)
    for client in (phone, desk):
        assert client.get(reverse("portal:me")).url.startswith(reverse("portal:login"))
    again = attempt(Client(), leaver.username, PASSWORD, "192.0.2.1")
    assert again.status_code == 200
    assert "使えません" in again.content.decode()
    # the administrator who recorded it keeps theirs
    admin = Client()
    admin.force_login(world.a.admin)
    assert admin.get(reverse("facility:dashboard", args=[world.a.facility.pk])).status_code == 200


@pytest.mark.django_db
def test_a_restricted_user_loses_every_session_at_once():
    world = build_world()
    user = world.a.user
    client = Client()
    client.force_login(user)
    assert client.get(reverse("portal:me")).status_code == 200
    account = user.staff_member.mcs_accounts.get()
    account_restrict(account=account, status="restricted", reason="目的外閲覧", by=world.a.admin)
    assert client.get(reverse("portal:me")).url.startswith(reverse("portal:login"))
    assert attempt(Client(), user.username, PASSWORD, "192.0.2.1").status_code == 200
