import pytest
from django.db import connection

from mcs_admin.db_tools import LOGIN, owner_connection, owner_database, owner_is_another_role

APP_ROLE = "mcs_app"  # the application's role of the tests on PostgreSQL (.ci/run's too)


def pytest_collection_modifyitems(config, items):
    """Tests of what only PostgreSQL does run in the PostgreSQL pass and are left out on SQLite;
    those that need a superuser are left out when the tests run as the application's role."""
    if connection.vendor == "postgresql":
        if not owner_is_another_role():
            return
        left_out = {"superuser"}
    else:
        left_out = {"postgres", "superuser"}
    kept = [
        item for item in items if not left_out.intersection(m.name for m in item.iter_markers())
    ]
    deselected = [item for item in items if item not in kept]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _log_in_as(database: dict) -> None:
    connection.close()
    connection.settings_dict.update({key: database.get(key) for key in LOGIN})


@pytest.fixture(scope="session")
def _app_login():
    """The app's login when DATABASE_OWNER_URL names another role, else None."""
    if owner_is_another_role():
        return {key: connection.settings_dict.get(key) for key in LOGIN}
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, _app_login):
    """With the app's role as DATABASE_URL and its owner as DATABASE_OWNER_URL, the test
    database is created, migrated and dropped by the owner; the tests run as the app."""
    if _app_login:
        _log_in_as(owner_database())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _app_login):
    if not _app_login:
        yield
        return
    from mcs_admin.db_roles import grant_app_role

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        grant_app_role(cursor, _app_login["USER"])
    _log_in_as(_app_login)
    yield
    with django_db_blocker.unblock():
        _log_in_as(owner_database())


@pytest.fixture(scope="session", autouse=True)
def _flush_as_the_owner():
    """Between transactional tests the database is emptied by its owner, who alone may lift
    the access log's (and its checkpoints') refusal of TRUNCATE for that one transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    refusals = [
        f"ALTER TABLE {table} {{0}} TRIGGER {table}_no_truncate"
        for table in ("mcs_admin_accesslog", "mcs_admin_accesslogcheckpoint")
    ]
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        lift = [refusal.format("DISABLE") for refusal in refusals]
        keep = [refusal.format("ENABLE") for refusal in refusals]
        with owner_connection() as owner, owner.cursor() as cursor:
            cursor.execute(";\n".join([*lift, *sql_list, *keep]))

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    from django.test import Client

    from tests.second_factor import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _date_style_read_afresh():
    """The date style is kept once read, as for a command's run: each test reads its own
    profile's (a rolled-back save sends no signal)."""
    from mcs_admin.dates import forget_style

    forget_style()


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


def make_signing_key(directory, *, subject: str, passphrase: str) -> tuple[str, str]:
    """A key (PEM, under `passphrase`) and its self-signed certificate, as openssl makes them."""
    import subprocess

    key, cert = directory / "signing-key.pem", directory / "signing-cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "2",
            "-subj", subject, "-keyout", str(key), "-out", str(cert),
            "-passout", f"pass:{passphrase}",
            "-addext", "keyUsage=critical,digitalSignature,nonRepudiation",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(key), str(cert)


@pytest.fixture(scope="session")
def signing_key_files(tmp_path_factory):
    """The association's signing key of the tests (never the published development pair)."""
    from types import SimpleNamespace

    passphrase = "test-passphrase"
    key, cert = make_signing_key(
        tmp_path_factory.mktemp("signing-key"),
        subject="/O=Test association/CN=Test seal",
        passphrase=passphrase,
    )
    return SimpleNamespace(key=key, cert=cert, passphrase=passphrase)


@pytest.fixture(autouse=True)
def signing_keys(settings, signing_key_files):
    """Every test seals with the tests' key: the tests run with DEBUG off, as production does,
    where sealing refuses the development pair."""
    settings.SIGNING_KEY_FILE = signing_key_files.key
    settings.SIGNING_CERT_FILE = signing_key_files.cert
    settings.SIGNING_KEY_PASSPHRASE = signing_key_files.passphrase
    settings.SIGNING_TSA_URL = ""
    return signing_key_files


@pytest.fixture
def backup_keys(settings, backup_key_files):
    settings.BACKUP_RECIPIENT = backup_key_files.recipient
    settings.BACKUP_SIGNING_KEY = str(backup_key_files.signing)
    return backup_key_files
