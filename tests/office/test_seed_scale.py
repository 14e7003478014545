from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents.models import PatientConsent
from devices.models import Device
from facilities.models import (
    AdministratorAppointment,
    Facility,
    IdRequest,
    McsAccount,
    StaffMember,
)
from groups.models import CareGroup, Membership
from mcs_admin.models import AccessLog, AssociationProfile
from mcs_admin.services import access_log_verify
from office.disclosure import disclosure_workbook
from office.scale_access_log import PER_FACILITY
from pledges.models import StaffPledge


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_scale_builds_a_proportional_registry_with_a_year_of_history():
    call_command("seed_scale", facilities=4, verbosity=0)
    assert Facility.objects.count() == 4
    assert StaffMember.objects.count() == 40
    assert McsAccount.objects.filter(status="issued").count() == 40
    assert CareGroup.objects.count() == 24
    assert Membership.objects.count() >= 200
    assert set(Membership.objects.values_list("status", flat=True)) >= {
        "invited",
        "accepted",
        "approved",
        "declined",
        "removed",
    }
    assert Device.objects.count() == 24
    administrators = AdministratorAppointment.objects.filter(ended_on=None)
    assert sorted(administrators.values_list("facility", flat=True)) == sorted(
        Facility.objects.values_list("pk", flat=True)
    )
    assert AssociationProfile.current().email  # the center's reminders have an address
    created = StaffMember.history.filter(history_type="+")
    assert created.count() == 40
    assert created.earliest("history_date").history_date < timezone.now() - timedelta(days=100)
    call_command("seed_scale", facilities=2, verbosity=0)  # adds, never collides
    assert Facility.objects.count() == 6


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_scale_refuses_without_debug():
    with pytest.raises(CommandError):
        call_command("seed_scale", facilities=1)
    assert not Facility.objects.exists()


@pytest.mark.superuser  # the log's owner: back-dated rows by COPY, the chain's trigger off
@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True)
def test_seed_scale_writes_a_year_of_the_access_log_that_verifies():
    call_command("seed_scale", facilities=2, verbosity=0)
    entries = AccessLog.objects.exclude(action=AccessLog.Action.VERIFICATION)
    assert entries.count() == 2 * PER_FACILITY
    oldest = entries.order_by("at").values_list("at", flat=True).first()
    assert oldest < timezone.now() - timedelta(days=300)
    assert access_log_verify().intact


def steps(record) -> list[tuple]:
    """The record's history entries, oldest first: (type, status, login name)."""
    entries = record.history.order_by("history_date", "history_id").select_related("history_user")
    return [(e.history_type, e.status, e.history_user.username) for e in entries]


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_scale_writes_the_history_a_year_of_steps_leaves_by_the_logins_that_took_them():
    call_command("seed_scale", facilities=3, verbosity=0)
    year_ago, now = timezone.now() - timedelta(days=366), timezone.now()
    for model in (StaffMember, McsAccount, IdRequest, Membership, PatientConsent, StaffPledge):
        entries = model.history.all()
        assert entries.filter(history_type="~").exists(), model  # changes, not only creations
        assert not entries.filter(history_user=None).exists(), model  # each by its login
        assert not entries.filter(history_date__gt=now).exists(), model  # dated in the past
    assert McsAccount.history.filter(history_date__gte=year_ago).count() > 30 * 4
    facility = Facility.objects.order_by("pk").first()
    admin, clerk = f"f{facility.pk:05d}-0", "center"

    member = Membership.objects.filter(status="removed", group__owner=facility).first()
    assert [(t, s) for t, s, _ in steps(member)] == [
        ("+", "invited"),
        ("~", "accepted"),
        ("~", "approved"),
        ("~", "removed"),
    ]
    by = [login for *_, login in steps(member)]
    assert by[0] == by[2] == by[3] == admin  # the owner invites, approves and removes
    assert by[1].startswith(f"f{member.staff_member.facility_id:05d}-")  # the member answers

    person = StaffMember.objects.filter(facility=facility).first()
    account = person.mcs_accounts.get(status="issued")
    history = steps(account)
    assert history[:2] == [("+", "requested", admin), ("~", "issued", history[1][2])]
    assert history[1][2].startswith(clerk)  # the center issues
    assert len(history) >= 4  # then its password changed every 90 days or so
    assert {s for _, s, _ in history[2:]} == {"issued"}
    deleted = McsAccount.objects.filter(status="deleted")
    assert deleted.exists()
    assert [s for _, s, _ in steps(deleted.first())] == [
        "requested",
        "issued",
        "deletion_pending",
        "deleted",
    ]
    assert IdRequest.objects.filter(kind="delete").count() == deleted.count()
    request = IdRequest.objects.filter(account=account).get()
    assert [(t, s) for t, s, _ in steps(request)] == [("+", "pending"), ("~", "done")]
    for paper in (StaffPledge.objects.first(), PatientConsent.objects.first()):
        assert [s for _, s, _ in steps(paper)] == ["prepared", "received"]
        assert steps(paper)[1][2].startswith(clerk)
    assert StaffMember.history.filter(history_type="~").exists()  # people edited
    assert disclosure_workbook(person)  # reads that history


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_persons_disclosure_reads_their_history_in_queries_that_do_not_grow_with_it():
    call_command("seed_scale", facilities=2, verbosity=0)
    person = StaffMember.objects.order_by("pk").first()
    disclosure_workbook(person)  # what a process reads once (content types)
    with CaptureQueriesContext(connection) as before:
        disclosure_workbook(person)
    for membership in person.memberships.all():  # a year more of steps
        for _ in range(3):
            membership.save()
    with CaptureQueriesContext(connection) as after:
        disclosure_workbook(person)
    assert len(after) == len(before)
