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


@pytest.fixture(scope="session")
def backup_key_files(tmp_path_factory):
    """A key pair of the backups made for the tests (never the published development pair):
    the age key that restores, its public key, and the signing key with its public half."""
    import subprocess
    from types import SimpleNamespace

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    root = tmp_path_factory.mktemp("backup-keys")
    identity = root / "age-identity.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    shown = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True)
    signing = Ed25519PrivateKey.generate()
    (root / "backup-signing").write_bytes(
        signing.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    (root / "backup-signing.pub").write_bytes(
        signing.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
    )
    return SimpleNamespace(
        identity=identity,
        recipient=shown.stdout.decode().strip(),
        signing=root / "backup-signing",
        signer=root / "backup-signing.pub",
    )


@pytest.fixture
def backup_keys(settings, backup_key_files):
    settings.BACKUP_RECIPIENT = backup_key_files.recipient
    settings.BACKUP_SIGNING_KEY = str(backup_key_files.signing)
    return backup_key_files
