"""The access log at ten million rows (issue 20): on PostgreSQL partitioned by month, each
partition append-only and chained with the rest; the admin's list and the leak report read
through the indexes in a fixed number of queries; the oldest months dropped only by a person,
after their sealed export, the chain continuing from a checkpoint."""

import hashlib
import io
import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices.models import Incident
from mcs_admin import access_partitions
from mcs_admin.db_tools import owner_connection
from mcs_admin.models import AccessLog, AccessLogCheckpoint
from mcs_admin.services import access_log_record
from office.access_log_admin import AccessLogPaginator
from tests import factories as f
from tests.mcs_admin.test_access_log_chain import app_role, as_app, verify  # noqa: F401

LOG = AccessLog._meta.db_table
OLD = datetime(2019, 1, 15, tzinfo=UTC)  # past the five years of retention


def this_month() -> str:
    return f"{LOG}_{timezone.now():%Y%m}"


def old_entries(count: int) -> None:
    """Entries of January 2019, written by the owner with their times kept (as a restore)."""
    with owner_connection() as owner:
        owner.set_autocommit(False)
        with owner.cursor() as cursor:
            access_partitions.create(cursor, OLD.date(), OLD.date())
            cursor.execute("SET LOCAL mcs_admin.keep_time = 'on'")
            for n in range(count):
                cursor.execute(
                    f"INSERT INTO {LOG} (at, username, action, target_type, target_ids, "
                    "description) VALUES (%s, 'old', 'view', 'facilities.StaffMember', '[1]', '')",
                    [OLD + timedelta(minutes=n)],
                )
        owner.commit()


@pytest.mark.postgres
def test_a_partition_itself_refuses_update_and_delete_to_the_app(app_role):  # noqa: F811
    access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="x")
    partition = this_month()
    with as_app(app_role) as cursor:
        for statement in (f"UPDATE {partition} SET description = 'x'", f"DELETE FROM {partition}"):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM {partition}")  # a backup's pg_dump reads it
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_even_the_owner_is_refused_an_update_of_a_partition_and_the_chain_spans_them():
    old_entries(3)
    access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="x")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT tableoid::regclass::text FROM {LOG}")
        assert {row[0] for row in cursor.fetchall()} == {f"{LOG}_201901", this_month()}
    with (
        owner_connection() as owner,
        owner.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
    ):
        cursor.execute(f"UPDATE {LOG}_201901 SET description = 'changed'")
    assert "全 4 件" in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_daily_job_creates_the_months_ahead_once_read_only_for_the_app():
    out = io.StringIO()
    call_command("access_log_partitions", stdout=out)
    call_command("access_log_partitions", stdout=out)
    assert out.getvalue().endswith("先の月の区画はすべて作成済みです。\n")
    with connection.cursor() as cursor:
        names = [p.name for p in access_partitions.partitions(cursor)]
        assert len(names) >= access_partitions.AHEAD + 1 and this_month() in names
        cursor.execute(
            "SELECT array_agg(DISTINCT privilege_type::text) "
            "FROM information_schema.role_table_grants WHERE table_name = %s "
            "AND grantee <> (SELECT tableowner FROM pg_tables WHERE tablename = %s)",
            [names[-1], names[-1]],
        )
        assert cursor.fetchone()[0] in (None, ["SELECT"])


# --- the admin and the leak report at scale: fixed queries, no whole partition read ------------


def pages() -> list[str]:
    changelist = reverse("admin:mcs_admin_accesslog_changelist")
    report = reverse("admin:mcs_admin_accesslog_report")
    now = timezone.localtime()
    year_ago = (now - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")
    staff = AccessLog.objects.filter(target_type="facilities.StaffMember").first()
    return [
        changelist,
        f"{changelist}?period={now:%Y-%m}",
        f"{changelist}?q=admin-a",
        f"{changelist}?action=view",
        f"{changelist}?target_type=facilities.StaffMember&record={staff.target_ids[0]}",
        f"{report}?username=admin-a&start={year_ago}&end={now:%Y-%m-%dT%H:%M}",
    ]


def log_queries(client, path) -> list[tuple[str, tuple]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return [query["sql"] for query in captured.captured_queries]


def write_views(count: int) -> None:
    user = f.UserFactory(username=f"admin-{count}")
    people = f.StaffMemberFactory.create_batch(3)
    for n in range(count):
        access_log_record(user=user, action=AccessLog.Action.VIEW, targets=people[n % 3 :])


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_logs_list_and_leak_report_take_fixed_queries_and_read_no_whole_partition(
    center_client,
):
    admin_a = f.UserFactory(username="admin-a")
    access_log_record(user=admin_a, action=AccessLog.Action.VIEW, targets=[f.StaffMemberFactory()])
    write_views(3)
    paths = pages()
    log_queries(center_client, paths[0])  # the session's first write (SessionTouchMiddleware)
    small = {path: len(log_queries(center_client, path)) for path in paths}
    write_views(40)
    for path in paths:
        queries = log_queries(center_client, path)
        assert len(queries) == small[path], path
        with connection.cursor() as cursor:
            # few rows: leave the planner no way in but the indexes, or a partition's whole read
            cursor.execute("SET LOCAL enable_seqscan = off")
            for sql in queries:
                if LOG not in sql or not sql.lstrip().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert not re.search(rf"Seq Scan on {LOG}", plan), (path, sql, plan)


# --- retention: a person's command, the export sealed before the drop, the chain's checkpoint --


def retention(*args) -> str:
    out = io.StringIO()
    call_command("access_log_retention", *args, stdout=out)
    return out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_retention_exports_and_drops_the_months_past_it_and_the_chain_continues(
    tmp_path, backup_keys
):
    old_entries(3)
    access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="kept")
    assert retention() == f"Past retention: {LOG}_201901\n"  # listed, nothing dropped
    assert AccessLog.objects.count() == 4

    f.IncidentFactory(status="open")
    with pytest.raises(CommandError, match="1"):
        retention("--drop", "--out", str(tmp_path))
    assert AccessLog.objects.count() == 4 and not list(tmp_path.iterdir())

    Incident.objects.update(status="closed", closed_at=timezone.now())
    assert f"dropped {LOG}_201901" in retention("--drop", "--out", str(tmp_path))
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["kept"]
    checkpoint = AccessLogCheckpoint.objects.get()
    assert (checkpoint.rows, checkpoint.dropped_through) == (3, datetime(2019, 2, 1, tzinfo=UTC))
    export = tmp_path / f"{LOG}_201901.csv.age"
    sealed = export.read_bytes()
    assert sealed.startswith(b"age-encryption.org") and b"old" not in sealed
    assert hashlib.sha256(sealed).hexdigest() == checkpoint.export_sha256
    opened = subprocess.run(
        ["age", "--decrypt", "--identity", str(backup_keys.identity), str(export)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.splitlines()
    assert len(opened) == 4 and opened[0].startswith("id,at,")
    assert opened[-1].split(",")[0] == str(checkpoint.last_id)
    assert "全 1 件" in verify()  # from the checkpoint on
    assert retention() == "No month of the access log is past retention.\n"
    with (
        owner_connection() as owner,
        owner.cursor() as cursor,
        pytest.raises(DatabaseError, match="append-only"),
    ):
        cursor.execute("DELETE FROM mcs_admin_accesslogcheckpoint")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_retention_refuses_a_month_whose_entries_are_not_the_chains_first(tmp_path, backup_keys):
    access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="first")
    old_entries(1)  # a restore's kept time, appended later in the chain
    with pytest.raises(CommandError, match=f"{LOG}_201901.*#"):
        retention("--drop", "--out", str(tmp_path))
    assert AccessLog.objects.count() == 2 and not AccessLogCheckpoint.objects.exists()
    assert not list(tmp_path.iterdir())


def test_retention_drops_nothing_without_a_directory_for_the_exports():
    with pytest.raises(CommandError, match="--out"):
        retention("--drop")


@pytest.mark.django_db
def test_the_list_finds_one_records_viewers_a_login_exactly_and_a_month(center_client):
    seen, other = f.StaffMemberFactory.create_batch(2)
    admin_a, admin_ab = f.UserFactory(username="admin-a"), f.UserFactory(username="admin-ab")
    access_log_record(user=admin_a, action=AccessLog.Action.VIEW, targets=[seen, other])
    access_log_record(user=admin_ab, action=AccessLog.Action.VIEW, targets=[other])
    changelist = reverse("admin:mcs_admin_accesslog_changelist")

    def listed(**query) -> list[str]:
        response = center_client.get(changelist, query)
        assert response.status_code == 200
        return [entry.username for entry in response.context["cl"].result_list]

    kind = "facilities.StaffMember"
    assert listed(target_type=kind, record=seen.pk) == ["admin-a"]
    assert listed(target_type=kind, record=other.pk) == ["admin-ab", "admin-a"]
    assert listed(q="admin-a") == ["admin-a"]  # equal, not contained
    now = timezone.localtime()
    assert listed(period=f"{now:%Y-%m}", q="admin-a") == ["admin-a"]
    assert listed(period=f"{now.year - 1}", q="admin-a") == []
    page = center_client.get(changelist, {"period": f"{now.year}"})
    assert f"{now.year}年{now.month}月" in page.content.decode()
    assert center_client.get(changelist, {"record": "x"}).status_code == 302  # ?e=1


@pytest.mark.django_db
@pytest.mark.superuser  # writes pg_class
def test_the_access_log_is_counted_from_its_partitions_estimates_filtered_or_not():
    for _ in range(3):
        access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="x")
    month = f"mcs_admin_accesslog_{timezone.now():%Y%m}"
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {month}")
        cursor.execute(
            "UPDATE pg_class SET reltuples = 1000000, relpages = 1 WHERE relname = %s", [month]
        )
    assert AccessLogPaginator(AccessLog.objects.all(), 100).count == 1_000_000
    filtered = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED)
    assert AccessLogPaginator(filtered, 100).count >= 10_000  # the planner's, not COUNT's 3
    assert AccessLogPaginator(AccessLog.objects.filter(username="nobody"), 100).count == 0
