"""The access log cannot be rewritten and proves it (issue 17): every row is chained to the one
before by a hash computed where it is inserted (PostgreSQL's trigger, SQLite's `save`), with
the time of the server's clock; `verify_access_log` names the first row that does not follow;
on PostgreSQL the app's role may only append."""

import io
import re
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mcs_admin.dates import shown_datetime
from mcs_admin.db_roles import create_app_role, grant_app_role
from mcs_admin.db_tools import owner_connection
from mcs_admin.models import AccessLog, AccessLogHead
from mcs_admin.services import access_log_record, access_log_record_all
from tests import factories as f
from tests.conftest import APP_ROLE

LOG, HEAD = AccessLog._meta.db_table, AccessLogHead._meta.db_table


def entries() -> list[AccessLog]:
    user = f.UserFactory(username="admin-a")
    pledges = f.StaffPledgeFactory.create_batch(2)
    return [
        access_log_record(
            user=user,
            action=AccessLog.Action.PRINT,
            targets=pledges,
            description='様式3 "印刷"\n2枚',
            row_count=2,
            request=RequestFactory().get("/", REMOTE_ADDR="2001:db8::1"),
        ),
        access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="x\x01y"),
        access_log_record(
            user=user,
            action=AccessLog.Action.VIEW,
            targets=pledges[:1],
            request=RequestFactory().get("/", REMOTE_ADDR="192.0.2.10"),
        ),
        access_log_record(user=user, action=AccessLog.Action.EXPORT, description="CSV"),
    ]


def verify() -> str:
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    return out.getvalue()


def last_verification() -> AccessLog:
    return AccessLog.objects.filter(action=AccessLog.Action.VERIFICATION).latest("pk")


def as_the_owner(*statements: str) -> None:
    """What only the owner can do: lift the log's refusal for one transaction and write."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        return
    refusal = f"ALTER TABLE {LOG} {{}} TRIGGER mcs_admin_accesslog_append_only"
    with owner_connection() as owner:
        owner.set_autocommit(False)
        with owner.cursor() as cursor:
            for statement in [refusal.format("DISABLE"), *statements, refusal.format("ENABLE")]:
                cursor.execute(statement)
        owner.commit()


@pytest.mark.django_db(transaction=True)
def test_every_entry_follows_the_one_before_and_the_verification_is_recorded():
    written = entries()
    stored = list(AccessLog.objects.order_by("pk"))
    assert [e.pk for e in stored] == [e.pk for e in written]
    # the database's hash and time are what the insert returned
    assert [(e.hash, e.at) for e in stored] == [(e.hash, e.at) for e in written]
    assert all(re.fullmatch("[0-9a-f]{64}", e.hash) for e in stored)
    assert len({e.hash for e in stored}) == 4

    assert "全 4 件" in verify()
    recorded = last_verification()
    assert (recorded.row_count, recorded.target_ids) == (4, [])
    assert recorded.description == "改ざんなし：全 4 件が連鎖に沿っています。"
    assert "全 5 件" in verify()  # the verification itself is chained too
    head = AccessLogHead.objects.get()
    assert (head.last_id, head.last_hash) == (last_verification().pk, last_verification().hash)


@pytest.mark.django_db(transaction=True)
def test_a_row_changed_by_the_owner_is_named():
    changed = entries()[1]
    as_the_owner(f"UPDATE {LOG} SET username = 'someone-else' WHERE id = {changed.pk}")
    with pytest.raises(CommandError, match=f"記録 #{changed.pk} で連鎖が切れています"):
        verify()
    recorded = last_verification()
    assert (recorded.target_ids, recorded.row_count) == ([changed.pk], 1)


@pytest.mark.django_db(transaction=True)
def test_a_removed_row_is_found_in_the_middle_and_at_the_end():
    written = entries()
    as_the_owner(f"DELETE FROM {LOG} WHERE id = {written[1].pk}")
    with pytest.raises(CommandError, match=f"記録 #{written[2].pk} で連鎖が切れています"):
        verify()

    as_the_owner(f"DELETE FROM {LOG} WHERE id >= {written[1].pk}")  # the tail, verification too
    with pytest.raises(CommandError, match=f"最後の記録 #{written[0].pk} の後で"):
        verify()
    assert last_verification().target_ids == [written[0].pk]


@pytest.mark.django_db
def test_the_time_key_and_hash_are_the_logs_not_the_callers():
    entries()
    before = timezone.now()
    given = AccessLog.objects.create(
        pk=10_000, at=datetime(2000, 1, 1, tzinfo=UTC), hash="0" * 64, action="view"
    )
    given.refresh_from_db()
    assert before <= given.at <= timezone.now()
    assert given.pk < 10_000 and given.hash != "0" * 64
    assert "全 5 件" in verify()
    with pytest.raises(ValueError, match="append-only"):
        given.save()


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_the_last_verification_and_its_result(client, center_user):
    client.force_login(center_user)
    page = client.get(reverse("portal:compliance")).content.decode()
    assert "アクセスログはまだ検証されていません" in page

    entries()
    verify()
    page = client.get(reverse("portal:compliance")).content.decode()
    at = shown_datetime(last_verification().at)
    assert f"アクセスログの最終検証（{at}）：" in page
    assert "改ざんなし：全 4 件" in page and 'id="log-verification" class="warn"' not in page

    as_the_owner(f"UPDATE {LOG} SET description = 'changed' WHERE action = 'print'")
    with pytest.raises(CommandError):
        verify()
    page = client.get(reverse("portal:compliance")).content.decode()
    assert 'id="log-verification" class="warn"' in page and "で連鎖が切れています" in page


# PostgreSQL: the app's role


@pytest.fixture
def app_role(db):
    """The app's role with its grants: .ci/run's tests already run as it; else made here, in
    the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] != APP_ROLE:
            create_app_role(cursor, APP_ROLE)
            grant_app_role(cursor, APP_ROLE)
    return APP_ROLE


@contextmanager
def as_app(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET SESSION AUTHORIZATION {role}")
        try:
            yield cursor
        finally:
            cursor.execute("RESET SESSION AUTHORIZATION")


REFUSED = [
    (f"TRUNCATE {LOG}", "permission denied"),
    (f"UPDATE {LOG} SET description = 'changed'", "permission denied"),
    (f"DELETE FROM {LOG}", "permission denied"),
    (f"ALTER TABLE {LOG} DISABLE TRIGGER mcs_admin_accesslog_append_only", "must be owner"),
    (f"ALTER TABLE {LOG} DISABLE TRIGGER mcs_admin_accesslog_chain", "must be owner"),
    (f"UPDATE {HEAD} SET last_hash = ''", "permission denied"),
    (f"DELETE FROM {HEAD}", "permission denied"),
    (f"TRUNCATE {HEAD}", "permission denied"),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("statement", "refusal"), REFUSED)
def test_the_apps_role_cannot_rewrite_the_log(app_role, statement, refusal):
    entries()
    with as_app(app_role) as cursor:
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
            cursor.execute(statement)
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    assert AccessLog.objects.count() == 4
    assert "全 4 件" in verify()


def forge(cursor, at: str):
    cursor.execute("SET LOCAL mcs_admin.keep_time = 'on'")  # a restore's switch: the owner's
    cursor.execute(
        f"INSERT INTO {LOG} (id, at, username, action, target_type, target_ids, "
        f"description, hash) VALUES (10000, {at}, 'forger', 'view', '', '[]', '', "
        f"'{'0' * 64}') RETURNING id, at, hash"
    )
    return cursor.fetchone()


@pytest.mark.postgres
def test_the_apps_role_appends_with_the_servers_time_whatever_it_gives(app_role):
    entries()
    with as_app(app_role) as cursor:
        key, at, hash = forge(cursor, "now() - interval '2 hours'")
        # a time far off would choose another month's partition: refused
        with pytest.raises(DatabaseError, match="server's clock"), transaction.atomic():
            forge(cursor, "'2000-01-01'")
    assert key < 10_000 and hash != "0" * 64
    assert abs(timezone.now() - at).total_seconds() < 60
    assert "全 5 件" in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_even_the_owner_is_refused_until_it_lifts_the_refusal():
    entries()
    for statement in (f"TRUNCATE {LOG}", f"UPDATE {LOG} SET row_count = 1", f"DELETE FROM {LOG}"):
        with (
            owner_connection() as owner,
            owner.cursor() as cursor,
            pytest.raises(DatabaseError, match="append-only"),
        ):
            cursor.execute(statement)
    assert AccessLog.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_several_entries_are_written_in_one_insert_and_chained_in_their_order():
    access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="before")
    user = f.UserFactory(username="admin-a")
    pledges = f.StaffPledgeFactory.create_batch(2)
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    with CaptureQueriesContext(connection) as queries:
        written = access_log_record_all(
            entries=[
                {"user": user, "action": "view", "targets": pledges, "request": request},
                {"user": user, "action": "view", "targets": [user], "description": "一覧"},
                {"user": None, "action": "logout", "username": "x\x01y"},
            ]
        )
    inserts = [q["sql"] for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG}"')]
    assert len(inserts) == 1
    stored = list(AccessLog.objects.order_by("pk"))[1:]
    assert [(e.pk, e.hash, e.at) for e in stored] == [(e.pk, e.hash, e.at) for e in written]
    assert [e.target_type for e in stored] == ["pledges.StaffPledge", "mcs_admin.User", ""]
    assert stored[0].ip_address == "192.0.2.10" and stored[2].username == "x\\x01y"
    assert "全 4 件" in verify()
    head = AccessLogHead.objects.get()
    assert (head.last_id, head.last_hash) == (last_verification().pk, last_verification().hash)
