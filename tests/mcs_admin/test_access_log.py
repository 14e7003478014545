import pytest
from django.test import RequestFactory

from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record
from tests.factories import StaffPledgeFactory, UserFactory


@pytest.mark.django_db
def test_an_entry_records_who_what_and_from_where():
    user = UserFactory(username="admin-a")
    pledges = StaffPledgeFactory.create_batch(2)
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    entry = access_log_record(
        user=user,
        action=AccessLog.Action.PRINT,
        targets=pledges,
        description="様式3",
        request=request,
    )
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.action) == (user, "admin-a", "print")
    assert entry.target_type == "pledges.StaffPledge"
    assert entry.target_ids == [p.pk for p in pledges]
    assert entry.ip_address == "192.0.2.10"


@pytest.mark.django_db
def test_a_failed_login_keeps_the_name_typed():
    entry = access_log_record(user=None, action=AccessLog.Action.LOGIN_FAILED, username="nobody")
    assert entry.user is None and entry.username == "nobody"
