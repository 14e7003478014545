import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from devices.models import Device
from facilities.models import AdministratorAppointment, Facility, McsAccount, StaffMember
from groups.models import CareGroup, Membership
from mcs_admin.models import AccessLog, AssociationProfile
from mcs_admin.services import access_log_verify
from office.scale_access_log import PER_FACILITY


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
    dates = list(StaffMember.history.values_list("history_date", flat=True))
    assert len(dates) == 40
    assert min(dates) < timezone.now() - datetime.timedelta(days=100)
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
    assert oldest < timezone.now() - datetime.timedelta(days=300)
    assert access_log_verify().intact
