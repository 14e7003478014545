"""The second factor of every login (django-otp): an authenticator app's code (TOTP) or a
single-use recovery code.

A login enrols on its first login (`totp_enrol_start`, `totp_enrol_confirm`, which also issues
the recovery codes); a used TOTP code is never accepted again (django-otp keeps the last time
step) and a recovery code works once. A login that lost its phone gets its second factor reset
by the support center after an identity check, which the access log records.
"""

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mcs_admin.models import AccessLog, User
from mcs_admin.services import access_log_record
from mcs_admin.sessions import end_sessions_for

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enrolled(user: User) -> bool:
    return totp_device(user) is not None


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app's manual entry asks for it."""
    return b32encode(device.bin_key).decode()


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The new (unconfirmed) authenticator of a login that has none yet."""
    if is_enrolled(user):
        raise ValidationError(_("This login already has an authenticator."))
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def recovery_codes_issue(*, user: User) -> list[str]:
    """New single-use recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def totp_enrol_confirm(*, user: User, token: str) -> Enrolment:
    """The first code from the app proves it holds the secret; the recovery codes follow."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(_("Start the enrolment again: no authenticator is waiting."))
    if not device.verify_token(token.strip()):
        raise ValidationError(
            {"token": _("The code is not right. Type the code the app shows now.")}
        )
    device.confirmed = True
    device.save()
    return Enrolment(device=device, recovery_codes=recovery_codes_issue(user=user))


def second_factor_verify(*, user: User, token: str):
    """The device that accepts `token` (a TOTP code or a recovery code), or a ValidationError."""
    token = "".join(token.split()).lower()
    model = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():
        device = model.objects.devices_for_user(user).select_for_update().first()
        if device is None:
            raise ValidationError({"token": _("The code is not right.")})
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            raise ValidationError(
                _("Too many wrong codes: wait a minute, then type the code the app shows then.")
            )
        if device.verify_token(token):
            return device
    raise ValidationError({"token": _("The code is not right, or it was used already.")})


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def second_factor_reset(
    *, user: User, identity_check: str, by: User, request: HttpRequest | None = None
) -> None:
    """The support center clears a login's second factor after checking who asks: the login
    enrols again at its next login, and every session it has ends."""
    if not identity_check.strip():
        raise ValidationError(
            {"identity_check": _("Record how the person's identity was checked.")}
        )
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    end_sessions_for(user)
    access_log_record(
        user=by,
        action=AccessLog.Action.SECOND_FACTOR_RESET,
        targets=[user],
        description=identity_check.strip()[:300],
        request=request,
    )


def demo_key(username: str) -> str:
    """The known TOTP secret (hex) of a demo login: seed_demo enrols it, demo_code prints it."""
    return hashlib.sha256(f"mcs-demo-totp:{username}".encode()).hexdigest()


def demo_enrol(user: User) -> TOTPDevice:
    device = totp_device(user)
    if device is None or device.key != demo_key(user.username):
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR, key=demo_key(user.username), confirmed=True
        )
    return device


def current_code(device: TOTPDevice) -> tuple[str, int, bool]:
    """The code the app shows now, the seconds it stays, and whether it was used already."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    seconds_left = device.step - int(totp.time - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", seconds_left, totp.t() <= device.last_t
