"""Logins (issue 8): two factors, enrolment, recovery codes, no replay, the admin behind both
factors, one-time initial passwords, e-mailed resets, and the center's second-factor reset."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mcs_admin.models import AccessLog, User
from mcs_admin.second_factor import current_code, demo_key, recovery_codes_issue, totp_device
from office.logins import login_create_for_staff
from tests import factories as f
from tests.second_factor import log_in_unverified

PASSWORD = "correct-horse-42"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_of(device, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def password_step(client, username, password=PASSWORD, address="192.0.2.1"):
    return client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_a_password_alone_reaches_no_page_but_the_second_factor():
    user = f.CenterUserFactory()
    enrolled(user)
    client = Client()
    assert password_step(client, user.username).status_code == 302
    for url in [reverse("portal:home"), reverse("admin:index"), reverse("portal:facilities")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account:verify"))
    assert client.get(reverse("account:verify")).status_code == 200
    assert not AccessLog.objects.filter(action="login").exists()


@pytest.mark.django_db
def test_the_admin_is_unreachable_without_the_second_factor():
    user = f.CenterUserFactory()
    enrolled(user)
    client = Client()
    log_in_unverified(client, user)
    assert client.get(reverse("admin:index")).url.startswith(reverse("account:verify"))
    response = client.get(reverse("admin:facilities_facility_changelist"))
    assert response.url.startswith(reverse("account:verify"))
    # the admin's own login page is the system's login page, with its second factor
    anonymous = Client().get(reverse("admin:login"))
    assert anonymous.url.startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_first_login_enrols_an_authenticator_and_shows_recovery_codes():
    user = f.UserFactory()
    client = Client()
    password_step(client, user.username)
    assert client.get(reverse("portal:home")).url.startswith(reverse("account:enrol"))
    page = client.get(reverse("account:enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = totp_device(user, confirmed=False)
    assert page.context["secret"]  # for typing into the app by hand

    wrong = client.post(reverse("account:enrol"), {"token": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    response = client.post(reverse("account:enrol"), {"token": code_of(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert totp_device(user) == device
    assert client.get(reverse("account:verify")).status_code == 302  # verified: nothing to do
    entry = AccessLog.objects.get(action="login")
    assert entry.user == user and entry.ip_address == "127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["verify", "enrol"])
def test_the_second_factor_gives_a_new_session_key_and_the_old_one_opens_nothing(step):
    user = f.UserFactory()
    client = Client()
    if step == "verify":
        device = enrolled(user)
    password_step(client, user.username)
    if step == "enrol":
        client.get(reverse("account:enrol"))
        device = totp_device(user, confirmed=False)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse(f"account:{step}"), {"token": code_of(device)})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("account:verify")).status_code == 302  # verified: nothing to do
    assert not Session.objects.filter(session_key=before).exists()
    old = Client()
    old.cookies[settings.SESSION_COOKIE_NAME] = before
    response = old.get(reverse("portal:me"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_a_used_code_is_never_accepted_again():
    user = f.UserFactory()
    device = enrolled(user)
    code = code_of(device)
    first = Client()
    password_step(first, user.username)
    assert first.post(reverse("account:verify"), {"token": code}).status_code == 302

    second = Client()
    password_step(second, user.username)
    replay = second.post(reverse("account:verify"), {"token": code})
    assert replay.status_code == 200
    assert "使用済み" in replay.content.decode()
    assert second.get(reverse("portal:home")).url.startswith(reverse("account:verify"))
    failed = AccessLog.objects.filter(action="login_failed", user=user)
    assert failed.count() == 1


@pytest.mark.django_db
def test_a_recovery_code_works_once():
    user = f.UserFactory()
    enrolled(user)
    client = Client()
    password_step(client, user.username)
    # enrolled already: the enrolment page offers no second authenticator
    assert client.get(reverse("account:enrol")).url.startswith(reverse("account:verify"))
    codes = recovery_codes_issue(user=user)
    one = Client()
    password_step(one, user.username)
    response = one.post(reverse("account:verify"), {"token": codes[0].upper()})
    assert response.status_code == 302
    two = Client()
    password_step(two, user.username)
    assert two.post(reverse("account:verify"), {"token": codes[0]}).status_code == 200
    # the failure throttles the recovery codes for a second (django-otp): let it pass
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
    assert two.post(reverse("account:verify"), {"token": codes[1]}).status_code == 302


@pytest.mark.django_db
def test_wrong_codes_are_throttled():
    user = f.UserFactory()
    device = enrolled(user)
    client = Client()
    password_step(client, user.username)
    client.post(reverse("account:verify"), {"token": "000000"})
    client.post(reverse("account:verify"), {"token": "000001"})
    # even the right code waits out the throttle: guessing 10^6 codes is not possible
    response = client.post(reverse("account:verify"), {"token": code_of(device)})
    assert response.status_code == 200
    assert AccessLog.objects.filter(action="login_failed", user=user).count() == 3


@pytest.mark.django_db
def test_the_center_creates_a_login_with_a_one_time_password(center_client, center_user):
    person = f.StaffMemberFactory()
    page = center_client.get(reverse("admin:mcs_admin_user_create_for_staff"))
    assert page.status_code == 200
    response = center_client.post(
        reverse("admin:mcs_admin_user_create_for_staff"),
        {"staff_member": person.pk, "username": "sato-a"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="sato-a")
    person.refresh_from_db()
    assert person.user == user and user.must_change_password
    assert user.check_password(password) and user.password.startswith("md5$")  # hashed
    assert AccessLog.objects.filter(action="login_created", target_ids=[user.pk]).exists()

    client = Client()
    password_step(client, "sato-a", password)
    client.get(reverse("account:enrol"))
    device = totp_device(user, confirmed=False)
    client.post(reverse("account:enrol"), {"token": code_of(device)})
    # verified, but the initial password must go first
    assert client.get(reverse("portal:home")).url == reverse("account:password_change")
    refused = client.post(
        reverse("account:password_change"),
        {"old_password": password, "new_password1": "satoa", "new_password2": "satoa"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    changed = client.post(
        reverse("account:password_change"),
        {
            "old_password": password,
            "new_password1": "tsukimi-dango-2026",
            "new_password2": "tsukimi-dango-2026",
        },
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("portal:home")).status_code == 302
    assert client.get(reverse("portal:me")).status_code == 200


@pytest.mark.django_db
def test_a_staff_member_with_a_login_gets_no_second(center_user):
    person = f.StaffMemberFactory(user=f.UserFactory())
    with pytest.raises(ValidationError, match="既にログインがあります"):
        login_create_for_staff(staff_member=person, username="again", by=center_user)


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_by_an_emailed_link(settings):
    settings.PASSWORD_RESET_SECONDS = 0  # its time: the next test
    user = f.UserFactory(email="hanako@example.jp")
    enrolled(user)
    client = Client()
    response = client.post(reverse("account:password_reset"), {"email": "hanako@example.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "yuki-usagi-2027", "new_password2": "yuki-usagi-2027"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("yuki-usagi-2027")
    # an unknown address tells nothing and sends nothing
    client.post(reverse("account:password_reset"), {"email": "nobody@example.jp"})
    assert len(mail.outbox) == 1


class FakeClock:
    """`monotonic` and `sleep` of mcs_admin.account_views: time passes only as a test says."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.now += seconds


@pytest.mark.django_db
def test_a_reset_request_takes_the_same_time_for_a_known_and_an_unknown_address(
    settings, monkeypatch, caplog
):
    from django.contrib.auth.forms import PasswordResetForm

    from mcs_admin import account_views

    settings.PASSWORD_RESET_SECONDS = 2.0
    clock = FakeClock()
    monkeypatch.setattr(account_views, "monotonic", clock.monotonic)
    monkeypatch.setattr(account_views, "sleep", clock.sleep)
    sending = {"seconds": 0.3}  # what sending the mail costs, the unknown address's saving
    send_mail = PasswordResetForm.send_mail

    def slow_send_mail(self, *args, **kwargs):
        clock.now += sending["seconds"]
        return send_mail(self, *args, **kwargs)

    monkeypatch.setattr(PasswordResetForm, "send_mail", slow_send_mail)
    f.UserFactory(email="hanako@example.jp")
    took = {}
    for address in ["hanako@example.jp", "nobody@example.jp"]:
        started = clock.now
        response = Client().post(reverse("account:password_reset"), {"email": address})
        assert response.url == reverse("account:password_reset_done")  # the same answer
        took[address] = clock.now - started
    assert len(mail.outbox) == 1  # the known address's mail, sent on the same path
    assert took == {"hanako@example.jp": 2.0, "nobody@example.jp": 2.0}
    # sending slower than the setting: nothing to pad, and the log says to raise it
    sending["seconds"] = 3.0
    Client().post(reverse("account:password_reset"), {"email": "hanako@example.jp"})
    assert "raise the setting" in caplog.text


@pytest.mark.django_db
def test_the_center_resets_a_lost_second_factor_after_an_identity_check(center_client, center_user):
    user = f.UserFactory()
    enrolled(user)
    url = reverse("admin:mcs_admin_user_reset_second_factor", args=[user.pk])
    assert center_client.get(url).status_code == 200
    refused = center_client.post(url, {"identity_check": "  "})
    assert refused.status_code == 200 and totp_device(user) is not None
    check = "事業所の登録電話番号へ折り返し、管理者が本人確認"
    assert center_client.post(url, {"identity_check": check}).status_code == 302
    assert totp_device(user) is None
    entry = AccessLog.objects.get(action="second_factor_reset")
    assert (entry.user, entry.target_ids, entry.description) == (center_user, [user.pk], check)
    client = Client()
    password_step(client, user.username)
    assert client.get(reverse("portal:home")).url.startswith(reverse("account:enrol"))


@pytest.mark.django_db
def test_a_user_without_the_center_role_cannot_reset_a_second_factor(client):
    user = f.UserFactory()
    client.force_login(f.UserFactory())
    url = reverse("admin:mcs_admin_user_reset_second_factor", args=[user.pk])
    assert client.get(url).status_code == 302  # the admin sends non-staff to the login


@pytest.mark.django_db
def test_seed_demo_enrols_the_demo_logins_and_demo_code_prints_their_code(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    for username in ["center", "admin-a", "admin-b", "user-a", "user-b"]:
        device = totp_device(User.objects.get(username=username))
        assert device.key == demo_key(username)
    call_command("demo_code", "admin-a")
    printed = capsys.readouterr().out.strip()
    device = totp_device(User.objects.get(username="admin-a"))
    assert printed == current_code(device)[0]
    client = Client()
    password_step(client, "admin-a", settings.DEMO_PASSWORD)
    assert client.post(reverse("account:verify"), {"token": printed}).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302  # on to the dashboard
    assert not User.objects.get(username="admin-a").must_change_password  # demo: exempt


@pytest.mark.django_db
def test_demo_code_refuses_real_logins_and_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = True
    enrolled(f.UserFactory(username="real"))
    with pytest.raises(CommandError):
        call_command("demo_code", "real")
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", "admin-a")
