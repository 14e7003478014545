"""The support center's work on this system's logins: creating a facility person's login with a
one-time initial password, and resetting a lost second factor after an identity check."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from facilities.models import StaffMember
from facilities.selectors import require_center
from facilities.services import staff_link_login
from mcs_admin.history import save_by
from mcs_admin.models import AccessLog, User
from mcs_admin.services import access_log_record

# no 0/o, 1/l/i: the password is read off paper or the telephone
_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_DIGITS = "23456789"


def initial_password() -> str:
    """A one-time password such as `k7mp-3xza-9qte-w4hn`: 16 characters, letters and digits."""
    while True:
        password = "-".join(get_random_string(4, _LETTERS + _DIGITS) for _ in range(4))
        if any(c in _LETTERS for c in password) and any(c in _DIGITS for c in password):
            return password


@transaction.atomic
def login_create_for_staff(
    *, staff_member: StaffMember, username: str, by: User, request: HttpRequest | None = None
) -> tuple[User, str]:
    """A login tied to `staff_member`, and the one-time password to hand over (shown once).

    The login chooses its own password at its first login, after enrolling its second factor.
    """
    require_center(by)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if staff_member.user_id is not None:
        raise ValidationError({"staff_member": _("This staff member already has a login.")})
    if staff_member.left_on is not None:
        raise ValidationError({"staff_member": _("This staff member has left.")})
    user = User(
        username=username.strip(),
        last_name=staff_member.family_name,
        first_name=staff_member.given_name,
        email=staff_member.email,
        must_change_password=True,
    )
    password = initial_password()
    user.set_password(password)
    user.full_clean()
    validate_password(password, user)
    save_by(user, by)
    staff_link_login(staff_member=staff_member, user=user, by=by)
    access_log_record(
        user=by,
        action=AccessLog.Action.LOGIN_CREATED,
        targets=[user],
        description=str(staff_member)[:300],
        request=request,
    )
    return user, password
