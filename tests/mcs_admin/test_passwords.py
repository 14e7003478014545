"""第11条 and DESIGN §2: the system's own passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from mcs_admin.models import User

USER = User(username="hanako", first_name="Hanako", last_name="Misato", email="hanako@example.jp")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1abc", "password_too_short"),
        ("onlyletterslong", "password_no_mix"),
        ("123456789012", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("hanako@example.jp1", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password, USER)
    assert code in [e.code for e in error.value.error_list]


def test_a_long_mixed_password_passes():
    validate_password("tsukimi-dango-2026", USER)


def test_the_demo_default_password_meets_the_rules():
    from django.conf import settings

    for username in ["center", "admin-a", "admin-b", "user-a", "user-b"]:
        validate_password(settings.DEMO_PASSWORD, User(username=username))


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_as_argon2_hashes():
    user = User(username="x")
    user.set_password("tsukimi-dango-2026")
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_the_reset_page_says_what_its_button_does(client):
    page = client.get(reverse("account:password_reset")).content.decode()
    assert '<button type="submit">メールを送る</button>' in page and ">保存<" not in page
