"""Test logins past the second factor without typing a code.

`client.force_login` (patched in conftest for every test) also marks the session as verified
by a confirmed device of the login, as a real code would; production is unchanged. A test of
the second factor itself logs in with `log_in_unverified` or through the login page.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

_force_login = Client.force_login


def verify_second_factor(client: Client, user) -> None:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test session")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def force_login_verified(self: Client, user, backend=None) -> None:
    _force_login(self, user, backend)
    verify_second_factor(self, user)


def log_in_unverified(client: Client, user) -> None:
    """The password accepted, the second factor not yet given."""
    _force_login(client, user)
