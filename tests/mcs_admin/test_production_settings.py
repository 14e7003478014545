"""Production settings (issue 8): `check --deploy` without a warning, and the headers a page
carries: HSTS, CSP, no framing, no sniffing, secure cookies. Production is the default (issue 16):
DEBUG is off unless the environment turns it on, and a weak SECRET_KEY stops it at startup."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.production import PRODUCTION, settings_shown


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**os.environ, **PRODUCTION, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_check_deploy_gives_no_warning_with_production_settings(signing_key_files):
    run = check_deploy(
        SIGNING_KEY_FILE=signing_key_files.key, SIGNING_CERT_FILE=signing_key_files.cert
    )
    assert run.returncode == 0, run.stderr
    assert "no issues" in run.stdout


@pytest.mark.parametrize(
    ("key", "cert", "problem"),
    [
        ("", "", "SIGNING_CERT_FILE is not set"),
        ("/nonexistent/key.pem", "/nonexistent/cert.pem", "not a readable file"),
        ("dev", "dev", "published development certificate"),
    ],
)
def test_check_deploy_reports_a_missing_or_development_signing_key(key, cert, problem):
    dev = settings.DEV_SIGNING_KEYS
    run = check_deploy(
        SIGNING_KEY_FILE=str(dev / "signing-key.pem") if key == "dev" else key,
        SIGNING_CERT_FILE=str(dev / "signing-cert.pem") if cert == "dev" else cert,
    )
    assert run.returncode != 0
    assert "mcs_admin.W001" in run.stderr and problem in run.stderr


def test_production_cookies_are_secure_and_https_is_enforced():
    shown = settings_shown(
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)"
    )
    assert shown == "True True True True True False"


def test_debug_is_off_unless_the_environment_turns_it_on():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}  # pytest runs with DEBUG=true
    env["SECRET_KEY"] = PRODUCTION["SECRET_KEY"]
    code = (
        "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "  # nor a .env
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "mcs_admin.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize(
    "key",
    [
        "x",
        "a-secret-of-49-characters-0123456789abcdefghijklm",  # one short of 50
        "abcd" * 20,  # long enough, of four characters
        settings.DEVELOPMENT_SECRET_KEY,  # long enough, but in the code for all to read
        "django-insecure-" + "k3y" * 20,  # startproject's
    ],
)
def test_production_refuses_to_start_with_a_short_or_known_secret_key(key):
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, **PRODUCTION, "SECRET_KEY": key},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "SECRET_KEY must be a secret of at least 50 characters" in run.stderr


def test_the_development_key_would_pass_for_its_length_alone():
    key = settings.DEVELOPMENT_SECRET_KEY
    assert len(key) >= 50 and len(set(key)) >= 5  # so it is refused for being known


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, **PRODUCTION}
    del env["SECRET_KEY"]
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "SECRET_KEY" in run.stderr


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_a_page_carries_the_security_headers(client):
    response = client.get(reverse("portal:login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
