"""Staff, MCS administrators and their permissions, ID requests (第7条, 第8条, 独自ルール 3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from facilities import services
from facilities.models import IdRequest
from facilities.selectors import facilities_for
from tests import factories as f
from tests.world import build_world, next_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_appointment_grants_and_its_end_revokes_the_facility(world):
    person = f.StaffMemberFactory(facility=world.b.facility)
    login = f.UserFactory()
    services.staff_link_login(staff_member=person, user=login)
    assert not facilities_for(login).exists()
    appointment = services.appointment_start(
        facility=world.b.facility, staff_member=person, by=world.center
    )
    assert list(facilities_for(next_request(login))) == [world.b.facility]
    services.appointment_end(appointment=appointment, by=world.center)
    assert not facilities_for(next_request(login)).exists()
    assert appointment.history.count() == 2


def test_a_request_reads_the_facilities_a_login_administers_once(world, django_assert_num_queries):
    login = next_request(world.a.admin)
    with django_assert_num_queries(1):  # guardian's grants, to a list of ids
        facilities_for(login)
    with django_assert_num_queries(0):  # kept on the login object
        facilities = facilities_for(login)
    with django_assert_num_queries(1):  # the facilities alone, by their ids
        assert list(facilities) == [world.a.facility]


def test_a_leaver_loses_the_administration_at_once(world):
    second = f.StaffMemberFactory(facility=world.a.facility)
    services.appointment_start(facility=world.a.facility, staff_member=second, by=world.a.admin)
    services.staff_mark_left(staff_member=world.a.admin.staff_member, by=world.a.admin)
    assert not facilities_for(next_request(world.a.admin)).exists()
    assert world.a.admin.staff_member.appointments.get().ended_on is not None


def test_unlinking_a_login_takes_its_permissions(world):
    services.staff_link_login(staff_member=world.a.admin.staff_member, user=None)
    assert not facilities_for(next_request(world.a.admin)).exists()


def test_staff_are_added_and_edited_only_by_their_facilitys_administrators(world):
    fields = {"family_name": "新井", "given_name": "純", "profession": "nurse", "gender": "female"}
    person = services.staff_create(facility=world.a.facility, by=world.a.admin, **fields)
    assert person.history.get().history_type == "+"
    with pytest.raises(PermissionDenied):
        services.staff_create(facility=world.a.facility, by=world.b.admin, **fields)
    with pytest.raises(PermissionDenied):
        services.staff_update(staff_member=person, by=world.a.user, family_name="x")
    with pytest.raises(ValidationError):
        services.staff_create(
            facility=world.a.facility, by=world.a.admin, **{**fields, "profession": "x"}
        )


@pytest.mark.parametrize(
    ("kind", "has_id", "refused"),
    [
        ("issue", True, True),
        ("issue", False, False),
        ("delete", False, True),
        ("delete", True, False),
        ("change", True, False),
    ],
)
def test_id_requests_follow_the_ids_state(world, kind, has_id, refused):
    person = f.StaffMemberFactory(facility=world.a.facility)
    if has_id:
        f.McsAccountFactory(staff_member=person)
    call = lambda: services.id_request_create(  # noqa: E731
        staff_member=person, kind=kind, by=world.a.admin, details="メールアドレス変更"
    )
    if refused:
        with pytest.raises(ValidationError):
            call()
        assert not IdRequest.objects.filter(staff_member=person).exists()
    else:
        request = call()
        assert (request.status, request.requested_by) == ("pending", world.a.admin)
        with pytest.raises(ValidationError, match="処理待ち"):
            call()


def test_a_change_request_says_what_changes(world):
    with pytest.raises(ValidationError) as error:
        services.id_request_create(staff_member=world.a.staff, kind="change", by=world.a.admin)
    assert "details" in error.value.message_dict


def test_a_user_records_the_day_of_the_mcs_password_change(world):
    account = services.account_record_password_change(by=world.a.user)
    assert account.password_changed_on is not None
    with pytest.raises(ValidationError):
        services.account_record_password_change(by=world.center)
