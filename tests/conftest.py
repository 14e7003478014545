import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests of what only PostgreSQL does run in the PostgreSQL pass and are left out on SQLite."""
    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    from django.test import Client

    from tests.second_factor import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def center_user(db):
    from tests.factories import CenterUserFactory

    return CenterUserFactory()


@pytest.fixture
def center_client(client, center_user):
    client.force_login(center_user)
    return client
