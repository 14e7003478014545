"""Backup and restore (issues 8 and 16): the database by its own tools (pg_dump and pg_restore,
SQLite's online backup API) and the uploaded files, sealed to a key that is not on the server
with a signed manifest; a backup, the data wiped, the restore, and every table and uploaded file
as it was, with the access log's newer rows kept and the restore recorded; whatever text is
stored; a changed byte or a forged manifest refused before anything changes; no personal data in
clear; a failed backup mailed to ADMINS; generations kept and pruned."""

import hashlib
import io
import json
import logging
import os
import subprocess
import sys

import environ
import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from facilities.models import Facility
from mcs_admin.backup import MANIFEST, MEDIA, SIGNATURE, generations
from mcs_admin.backup.database import FILES
from mcs_admin.db_tools import owner_connection
from mcs_admin.documents import document_receive
from mcs_admin.models import AccessLog, AccessLogHead, User
from mcs_admin.services import access_log_record, access_log_verify
from mcs_admin.text_rules import visible
from tests import factories as f
from tests.production import PRODUCTION, settings_shown
from tests.world import build_world

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LOG, HEAD = AccessLog._meta.db_table, AccessLogHead._meta.db_table


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def keys(backup_keys):
    return backup_keys


def every_table() -> dict:
    """Every table's rows (the sessions are deliberately not backed up). A many-to-many
    field's automatic table is compared by its pairs: its row numbers are not data."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label == "sessions":
            continue
        rows = model._default_manager.order_by("pk").values()
        if model._meta.auto_created:
            columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            rows = sorted(model._default_manager.values_list(*columns))
        tables[model._meta.db_table] = list(rows)
    return tables


def log_rows() -> list[tuple]:
    return list(
        AccessLog.objects.order_by("pk").values_list("username", "action", "user_id", "description")
    )


def files(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def backup(root) -> object:
    out = io.StringIO()
    call_command("backup", "--out", str(root), stdout=out)
    return root / out.getvalue().strip().rsplit("/", 1)[-1]


def restore(generation, keys, login="center", *extra):
    call_command(
        "restore",
        str(generation),
        "--key",
        str(keys.identity),
        "--user",
        login,
        "--noinput",
        *extra,
        stdout=io.StringIO(),
    )


def database_file(generation):
    return generation / FILES[connection.vendor]


# transaction=True: a restore runs outside a transaction, as the command does
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_table_and_file(tmp_path, media_root, keys):
    world = build_world()
    pledge = f.StaffPledgeFactory()
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", PDF),
        by=world.center,
    )
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    before, scans = every_table(), files(media_root)
    assert len([t for t in before.values() if t]) > 40 and scans

    generation = backup(tmp_path / "backups")
    assert {p.name for p in generation.iterdir()} == {
        MANIFEST,
        SIGNATURE,
        MEDIA,
        FILES[connection.vendor],
    }

    # the loss: rows and files gone; then a new login of the center, which writes to the log
    call_command("flush", interactive=False, verbosity=0)
    for path in media_root.rglob("*.pdf"):
        path.unlink()
    f.FacilityFactory(name="バックアップ後の事業所")
    night = f.CenterUserFactory(username="center-night")
    access_log_record(user=night, action="view", targets=[Facility.objects.get()])
    access_log_record(user=None, action="login_failed", username="someone")
    assert not User.objects.filter(username="admin-a").exists()
    SessionStore().create()

    restore(generation, keys, "center-night")
    assert not Session.objects.exists()  # a restore ends every session
    after = every_table()
    log = after.pop(LOG)
    assert after.pop(HEAD) == [{"id": 1, "last_id": log[-1]["id"], "last_hash": log[-1]["hash"]}]
    assert after == {table: rows for table, rows in before.items() if table not in (LOG, HEAD)}
    assert files(media_root) == scans
    assert not Facility.objects.filter(name="バックアップ後の事業所").exists()
    # the log: the generation's rows, then those written since, then the restore
    assert [row["id"] for row in log[: len(before[LOG])]] == [row["id"] for row in before[LOG]]
    assert log[: len(before[LOG])] == before[LOG]
    written_since = [(r["username"], r["action"], r["user_id"]) for r in log[len(before[LOG]) :]]
    # center-night is no login of the restored data: the name stays, the link does not
    assert written_since == [
        ("center-night", "view", None),
        ("someone", "login_failed", None),
        ("center-night", "restore", None),
    ]
    assert generation.name in log[-1]["description"]
    assert access_log_verify().intact  # those written since chained after the generation's


@pytest.mark.django_db(transaction=True)
def test_restore_keeps_the_access_log_written_since_in_order_and_records_itself(tmp_path, keys):
    world = build_world()
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    kept_before = log_rows()
    generation = backup(tmp_path / "b")

    facility = world.a.facility
    facility.name = "名前を変えた事業所"
    facility.save()
    access_log_record(user=world.a.admin, action="print", description="様式3")
    access_log_record(user=None, action="login_failed", username="x\x01y")
    access_log_record(user=world.b.user, action="view", targets=[world.b.group])
    times_since = list(AccessLog.objects.order_by("pk").values_list("at", flat=True))[-3:]

    restore(generation, keys, "center")
    assert Facility.objects.get(pk=facility.pk).name != "名前を変えた事業所"
    # appended with their own times, chained after the generation's rows, then the restore
    times = list(AccessLog.objects.order_by("pk").values_list("at", flat=True))
    assert times[-4:-1] == times_since and times[-1] > times_since[-1]
    assert access_log_verify().intact
    admin_a, user_b = world.a.admin.pk, world.b.user.pk
    center = User.objects.get(username="center").pk
    rows = log_rows()
    assert rows[: len(kept_before)] == kept_before  # not doubled, though inside the margin
    assert [row[:3] for row in rows[len(kept_before) :]] == [
        ("admin-a", "print", admin_a),
        (visible("x\x01y"), "login_failed", None),  # as the log keeps it
        ("user-b", "view", user_b),
        ("center", "restore", center),
    ]
    restored = AccessLog.objects.latest("pk")
    assert restored.get_action_display() == "バックアップからの復元"
    assert generation.name in restored.description
    assert restored.at > AccessLog.objects.filter(username="user-b").get().at

    # a second restore of the same generation keeps all of them again, and records itself
    restore(generation, keys, "center")
    assert [row[:2] for row in log_rows()[len(kept_before) :]] == [
        ("admin-a", "print"),
        (visible("x\x01y"), "login_failed"),
        ("user-b", "view"),
        ("center", "restore"),
        ("center", "restore"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_new_empty_database_after_a_loss_is_restored_by_a_login_of_the_backup(tmp_path, keys):
    f.CenterUserFactory(username="center")
    generation = backup(tmp_path / "b")
    call_command("flush", interactive=False, verbosity=0)  # as after `migrate` on a new server
    restore(generation, keys, "center")
    entry = AccessLog.objects.get(action="restore")
    assert entry.user == User.objects.get(username="center")


@pytest.mark.django_db(transaction=True)
def test_control_characters_stored_anywhere_leave_the_backup_working(tmp_path, keys):
    """Whatever text is already stored (a login name typed with control characters, kept by
    axes and the access log), the backup succeeds and restores it as it was. PostgreSQL cannot
    store NUL in text at all: that one only on SQLite."""
    names = ["x\x01y", "\x1b[31mred\x7f"] + (["x\x00y"] if connection.vendor == "sqlite" else [])
    center = f.CenterUserFactory(username="center")
    for name in names:
        AccessAttempt.objects.create(
            username=name,
            ip_address="203.0.113.9",
            user_agent="agent\x01",
            http_accept="*/*",
            path_info="/login/",
            get_data="",
            post_data=f"username={name}",
            failures_since_start=1,
        )
        # as a row written before control characters were made visible
        f.AccessLogFactory(user=None, action="login_failed", username=name, description=name)
    stored = sorted(AccessAttempt.objects.values_list("username", "post_data"))
    generation = backup(tmp_path / "b")

    AccessAttempt.objects.all().delete()
    restore(generation, keys, center.username)
    assert sorted(AccessAttempt.objects.values_list("username", "post_data")) == stored
    logged = AccessLog.objects.filter(action="login_failed").order_by("pk")
    assert [(e.username, e.description) for e in logged] == [(n, n) for n in names]


@pytest.mark.django_db(transaction=True)
def test_a_changed_byte_or_a_forged_manifest_is_refused_before_anything_changes(tmp_path, keys):
    center = f.CenterUserFactory(username="center")
    f.FacilityFactory(name="元の事業所")
    generation = backup(tmp_path / "b")
    f.FacilityFactory(name="後の事業所")
    entries = AccessLog.objects.count()

    def refused(match, *extra, login="center", key=keys):
        with pytest.raises(CommandError, match=match):
            restore(tmp_path / "b", key, login, *extra)
        assert Facility.objects.filter(name="後の事業所").exists()
        assert AccessLog.objects.count() == entries

    # one byte changed in the sealed database
    sealed = database_file(generation)
    original = sealed.read_bytes()
    sealed.write_bytes(original[:200] + bytes([original[200] ^ 1]) + original[201:])
    refused("does not match the signed manifest")
    sealed.write_bytes(original)

    # a file of one's own sealed to the (public) recipient, the manifest's sums made to match:
    # the signature no longer verifies; nor does one made with another key
    manifest = json.loads((generation / MANIFEST).read_bytes())
    forged = tmp_path / "forged.age"
    subprocess.run(["age", "-r", keys.recipient, "-o", str(forged)], input=b"x", check=True)
    (generation / MEDIA).write_bytes(forged.read_bytes())
    manifest["files"][MEDIA] = {
        "size": forged.stat().st_size,
        "sha256": hashlib.sha256(forged.read_bytes()).hexdigest(),
    }
    data = json.dumps(manifest, indent=1).encode()
    (generation / MANIFEST).write_bytes(data)
    refused("signature does not verify")
    (generation / SIGNATURE).write_bytes(Ed25519PrivateKey.generate().sign(data))
    refused("signature does not verify")
    # the forger's own public key given as the signer is no help without the server's key
    other = Ed25519PrivateKey.generate()
    (generation / SIGNATURE).write_bytes(other.sign(data))
    refused("signature does not verify", "--signer", str(keys.signer))

    (generation / SIGNATURE).unlink()
    refused("not a backup generation")

    # a sound generation, but the wrong key or no such login: refused before any change
    fresh = backup(tmp_path / "c")
    stranger = tmp_path / "stranger.txt"
    subprocess.run(["age-keygen", "-o", str(stranger)], check=True, capture_output=True)
    with pytest.raises(CommandError, match="does not open this generation"):
        call_command("restore", str(fresh), "--key", str(stranger), "--user", "center", "--noinput")
    with pytest.raises(CommandError, match="no active support-center login"):
        restore(fresh, keys, "nobody")
    assert Facility.objects.filter(name="後の事業所").exists() and center.is_active
    assert AccessLog.objects.count() == entries


@pytest.mark.django_db(transaction=True)
def test_no_file_of_a_generation_holds_a_patient_or_a_secret_in_clear(tmp_path, keys):
    world = build_world()
    patient = f.PatientFactory(family_name="秘匿", given_name="花子")
    device = TOTPDevice.objects.create(user=world.a.admin, name="authenticator", confirmed=True)
    pledge = f.StaffPledgeFactory()
    scan = PDF.replace(b"trailer", b"(Scanned pledge of Hanako Hitoku) trailer")
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", scan),
        by=world.center,
    )
    secrets = [
        "秘匿".encode(),
        patient.given_name.encode(),
        device.key.encode(),
        world.a.admin.password.encode(),
        b"Hanako Hitoku",
    ]
    generation = backup(tmp_path / "b")
    for path in generation.iterdir():
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, (path.name, secret)

    # not a vacuous proof: the key that restores reveals them
    opened = tmp_path / "opened"
    subprocess.run(
        ["age", "-d", "-i", str(keys.identity), "-o", str(opened), str(database_file(generation))],
        check=True,
    )
    if connection.vendor == "postgresql":
        text = subprocess.run(
            ["pg_restore", "--file=-", str(opened)], check=True, capture_output=True
        ).stdout
    else:
        text = opened.read_bytes()
    assert "秘匿".encode() in text and device.key.encode() in text


@pytest.mark.django_db
def test_a_failed_backup_exits_non_zero_and_mails_the_administrators(tmp_path, settings):
    settings.ADMINS = [("事務局", "office@example.jp")]
    recipient, settings.BACKUP_RECIPIENT = settings.BACKUP_RECIPIENT, ""
    with pytest.raises(CommandError, match="Backup failed: BACKUP_RECIPIENT is not set"):
        call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    (message,) = mail.outbox
    assert message.to == ["office@example.jp"]
    assert "Backup failed" in message.subject and "BACKUP_RECIPIENT" in message.body
    assert generations(tmp_path / "b") == []

    # a failure of any kind: here the backups' directory is a file
    settings.BACKUP_RECIPIENT = recipient
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="Backup failed"):
        call_command("backup", "--out", str(tmp_path / "file"), stdout=io.StringIO())
    assert len(mail.outbox) == 2 and "Traceback" in mail.outbox[1].body

    # the exit status of the command itself, with production settings and no recipient
    env = {
        **os.environ,
        **PRODUCTION,
        "ADMINS": "事務局 <office@example.jp>",
        "EMAIL_URL": "consolemail://",
        "BACKUP_RECIPIENT": "",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "backup", "--out", str(tmp_path / "c")],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "BACKUP_RECIPIENT is not set" in run.stderr
    assert "To: office@example.jp" in run.stdout  # the mail, on the console backend


@pytest.mark.django_db
def test_production_refuses_to_back_up_without_keys_or_with_the_development_pair(
    tmp_path, settings
):
    assert settings.DEBUG is False
    dev = django_settings.DEV_BACKUP_KEYS
    for recipient, signing, refusal in [
        ("", settings.BACKUP_SIGNING_KEY, "BACKUP_RECIPIENT is not set"),
        ("age1notakey", settings.BACKUP_SIGNING_KEY, "not an age public key"),
        (django_settings.DEV_BACKUP_RECIPIENT, settings.BACKUP_SIGNING_KEY, "development key"),
        (settings.BACKUP_RECIPIENT, "", "BACKUP_SIGNING_KEY is not set"),
        (settings.BACKUP_RECIPIENT, str(dev / "backup-signing"), "development key"),
        (settings.BACKUP_RECIPIENT, str(dev / "backup-signing.pub"), "not an OpenSSH private"),
    ]:
        settings.BACKUP_RECIPIENT, settings.BACKUP_SIGNING_KEY = recipient, signing
        with pytest.raises(CommandError, match=refusal):
            call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    assert generations(tmp_path / "b") == []


@pytest.mark.django_db(transaction=True)
def test_the_development_key_pair_works_with_debug_on(tmp_path, settings):
    dev = django_settings.DEV_BACKUP_KEYS
    settings.DEBUG = True
    settings.BACKUP_RECIPIENT = django_settings.DEV_BACKUP_RECIPIENT
    settings.BACKUP_SIGNING_KEY = str(dev / "backup-signing")
    shown = subprocess.run(
        ["age-keygen", "-y", str(dev / "age-identity.txt")], check=True, capture_output=True
    )
    assert shown.stdout.decode().strip() == django_settings.DEV_BACKUP_RECIPIENT
    f.CenterUserFactory(username="center")
    f.FacilityFactory(name="開発の事業所")
    generation = backup(tmp_path / "b")
    Facility.objects.all().delete()
    call_command(
        "restore",
        str(generation),
        "--key",
        str(dev / "age-identity.txt"),
        "--signer",
        str(dev / "backup-signing.pub"),
        "--user",
        "center",
        "--noinput",
        stdout=io.StringIO(),
    )
    assert Facility.objects.filter(name="開発の事業所").exists()


def test_the_keys_default_to_the_development_pair_only_with_debug_on():
    def shown(debug: str) -> str:
        return settings_shown(
            "from django.conf import settings as s; "
            "print(s.BACKUP_RECIPIENT == s.DEV_BACKUP_RECIPIENT, bool(s.BACKUP_SIGNING_KEY))",
            without=("BACKUP_RECIPIENT", "BACKUP_SIGNING_KEY"),
            DEBUG=debug,
        )

    assert shown("true") == "True True"
    assert shown("false") == "False False"


@pytest.mark.django_db
def test_generations_are_kept_up_to_the_setting_oldest_removed_first(tmp_path, settings):
    root = tmp_path / "b"
    for name in ["mcs-20260101-000000", "mcs-20260102-000000", "mcs-20260103-000000"]:
        (root / name).mkdir(parents=True)
    (root / "offsite-copy").mkdir()  # anything else is left alone
    call_command("backup", "--out", str(root), "--keep", "2", stdout=io.StringIO())
    kept = [p.name for p in generations(root)]
    assert len(kept) == 2 and kept[0] == "mcs-20260103-000000"
    assert (root / "offsite-copy").is_dir()
    assert settings.BACKUP_GENERATIONS == 7


def test_database_owner_url_points_postgresqls_tools_at_the_owner():
    """Named once in the settings for every command that owns tables; by default the app's."""

    def shown(**given) -> str:
        return settings_shown(
            "from mcs_admin.db_tools import libpq_environment, owner_database; "
            "e = libpq_environment(owner_database()); "
            "print(e['PGUSER'], e['PGPASSWORD'], e['PGHOST'], e['PGPORT'], e['PGDATABASE'])",
            without=("DATABASE_OWNER_URL",),
            DATABASE_URL="postgres://mcs_app:app-secret@db.example:5432/mcs",
            **given,
        )

    assert shown() == "mcs_app app-secret db.example 5432 mcs"
    owner = "postgres://mcs_owner:owner-secret@db.example:5433/mcs"
    assert shown(DATABASE_OWNER_URL=owner) == "mcs_owner owner-secret db.example 5433 mcs"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_restore_connects_as_the_owner_and_keeps_the_log_append_only(
    tmp_path, settings, keys
):
    f.CenterUserFactory(username="center")
    generation = backup(tmp_path / "b")
    f.FacilityFactory(name="後の事業所")

    database, owner = connection.settings_dict, settings.DATABASE_OWNER
    settings.DATABASE_OWNER = environ.Env.db_url_config(
        f"postgres://mcs_no_such_owner@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )  # as the settings read DATABASE_OWNER_URL
    with pytest.raises(CommandError, match='role "mcs_no_such_owner" does not exist'):
        restore(generation, keys)
    assert Facility.objects.filter(name="後の事業所").exists()

    settings.DATABASE_OWNER = owner  # the real one (None: the application's own connection)
    restore(generation, keys)
    assert not Facility.objects.filter(name="後の事業所").exists()
    from django.db import DatabaseError

    # the append-only trigger came back: not even the owner may change a row
    with (
        owner_connection() as owner,
        owner.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
    ):
        cursor.execute(f"UPDATE {AccessLog._meta.db_table} SET description = 'changed'")
    assert AccessLog.objects.filter(action="restore").count() == 1
    assert timezone.now() > AccessLog.objects.get(action="restore").at
    # the tables came back under the schema's default privileges (any role but the owner may
    # write a new table): the restore takes them back, the log and its partitions not writable
    log = AccessLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
            "WHERE a.grantee <> c.relowner AND (c.oid = %s::regclass OR c.oid IN "
            "(SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass))",
            [log, log],
        )
        granted = cursor.fetchall()
    assert {privilege for table, privilege in granted if table == log} <= {"SELECT", "INSERT"}
    assert {privilege for table, privilege in granted if table != log} <= {"SELECT"}


def test_administrators_get_no_server_error_report_with_its_form_data(settings, rf):
    settings.ADMINS = [("事務局", "office@example.jp")]
    request = rf.post("/", {"family_name": "秘匿"})
    logging.getLogger("django.request").error(
        "Internal Server Error: /", extra={"status_code": 500, "request": request}
    )
    assert mail.outbox == []
