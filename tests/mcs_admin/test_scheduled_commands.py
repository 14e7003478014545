"""Scheduled commands run once however many hosts start them: a run that finds the command's
advisory lock taken says so and exits 0, doing nothing (mcs_admin/singleton.py)."""

import io

import pytest
from django.core.management import call_command

from mcs_admin.models import AccessLog
from mcs_admin.singleton import lock_key, run_once

pytestmark = pytest.mark.django_db

BUSY = "実行中です。この実行では何もしません。"


def test_each_command_has_its_own_stable_key():
    assert lock_key("backup") == lock_key("backup")
    assert len({lock_key(name) for name in ("backup", "send_reminders", "verify_access_log")}) == 3
    assert -(2**63) <= lock_key("backup") < 2**63  # PostgreSQL's bigint


@pytest.mark.postgres
def test_the_lock_is_held_by_one_session_at_a_time():
    with run_once("backup") as first:
        assert first
        with run_once("backup") as second, run_once("send_reminders") as other:
            assert not second and other
    with run_once("backup") as again:
        assert again  # released at the end of the first


@pytest.mark.postgres
def test_a_backup_started_while_another_runs_does_nothing_and_exits_0(tmp_path):
    out = io.StringIO()
    with run_once("backup"):  # as another host would hold it
        call_command("backup", "--out", str(tmp_path / "b"), stdout=out)
    assert BUSY in out.getvalue() and "backup" in out.getvalue()
    assert not (tmp_path / "b").exists()


@pytest.mark.postgres
def test_a_verification_started_while_another_runs_records_nothing():
    out = io.StringIO()
    with run_once("verify_access_log"):
        call_command("verify_access_log", stdout=out)
    assert BUSY in out.getvalue()
    assert not AccessLog.objects.filter(action=AccessLog.Action.VERIFICATION).exists()
    call_command("verify_access_log", stdout=io.StringIO())
    assert AccessLog.objects.filter(action=AccessLog.Action.VERIFICATION).count() == 1


def test_on_sqlite_the_command_runs_without_a_lock(tmp_path):
    """SQLite serves one host: run_once takes no lock there (and on PostgreSQL one run holds)."""
    with run_once("verify_access_log") as held:
        assert held
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert BUSY not in out.getvalue()
