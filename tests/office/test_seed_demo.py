import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from facilities.models import Facility, McsAccount
from groups.models import Membership
from mcs_admin.models import User

PROJECT_APPS = {"mcs_admin", "facilities", "pledges", "care_groups", "consents", "devices"}


def snapshot():
    """Every row of every project table, history tables included."""
    return {
        model._meta.label: sorted(
            tuple(
                sorted((k, str(v)) for k, v in row.items() if k not in ("password", "last_login"))
            )
            for row in model._default_manager.values()
        )
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_twice_leaves_the_same_data():
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_covers_the_registry():
    call_command("seed_demo", verbosity=0)
    assert Facility.objects.count() == 20
    assert set(Facility.objects.values_list("status", flat=True)) == {
        "applying",
        "active",
        "suspended",
        "withdrawn",
    }
    assert set(Membership.objects.values_list("status", flat=True)) == {
        choice for choice, _ in Membership.Status.choices
    }
    assert set(McsAccount.objects.values_list("status", flat=True)) >= {
        "issued",
        "restricted",
        "deletion_pending",
        "deleted",
    }
    logins = {u.username: u for u in User.objects.all()}
    assert set(logins) == {"center", "admin-a", "admin-b", "user-a", "user-b"}
    assert logins["center"].is_staff and not logins["center"].is_superuser
    facility_a = logins["admin-a"].staff_member.facility
    facility_b = logins["admin-b"].staff_member.facility
    assert facility_a != facility_b
    assert logins["user-a"].staff_member.facility == facility_a
    assert logins["user-b"].staff_member.facility == facility_b
    assert facility_a.appointments.filter(staff_member__user=logins["admin-a"]).exists()
    assert not logins["user-a"].staff_member.appointments.exists()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_without_debug():
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
