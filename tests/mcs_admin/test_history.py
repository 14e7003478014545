"""History on every model, many-to-many included, with the acting user."""

import pytest
from django.apps import apps

from tests.factories import StaffMemberFactory, TrainingSessionFactory

PROJECT_APPS = {"mcs_admin", "facilities", "pledges", "care_groups", "consents", "devices"}


def test_every_model_keeps_history():
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS
        and not m.__name__.startswith("Historical")
        and not m._meta.auto_created
    ]
    without = [m._meta.label for m in models if not hasattr(m, "history")]
    # append-only: their rows never change; the log's head and checkpoints are the log's own
    assert without == [
        "mcs_admin.AccessLog",
        "mcs_admin.AccessLogHead",
        "mcs_admin.AccessLogCheckpoint",
        "mcs_admin.DocumentNumber",
        "mcs_admin.SentReminder",
    ]
    from django.contrib.auth.models import Group

    assert hasattr(Group, "history")


@pytest.mark.django_db
def test_many_to_many_changes_are_in_history():
    session = TrainingSessionFactory()
    person = StaffMemberFactory()
    session.attendees.add(person)
    latest = session.history.latest()
    assert [row.staffmember_id for row in latest.attendees.all()] == [person.pk]
    first = session.history.earliest()
    assert list(first.attendees.all()) == []
