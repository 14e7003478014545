"""Every self-service list page runs a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from office import figures
from tests import factories as f
from tests.world import build_world, id_holder


def more_rows(world, count):
    """More of everything the pages list, for facility A and its user."""
    a, b = world.a, world.b
    user_person = a.user.staff_member
    for _ in range(count):
        person = id_holder(a.facility)
        f.StaffPledgeFactory(staff_member=person)
        f.IdRequestFactory(staff_member=f.StaffMemberFactory(facility=a.facility))
        device = f.DeviceFactory(facility=a.facility, assigned_to=user_person)
        f.CarryOutNoticeFactory(staff_member=user_person, device=device)
        f.IncidentFactory(facility=a.facility, reported_by=user_person, device=device)
        group = f.CareGroupFactory(owner=a.facility)
        f.MembershipFactory(group=group, staff_member=person, status="approved")
        f.MembershipFactory(group=b.group, staff_member=person, status=Membership.Status.ACCEPTED)
        f.MembershipFactory(group=group, staff_member=user_person, status="approved")
        f.MembershipFactory(group=f.CareGroupFactory(owner=b.facility), staff_member=user_person)
        f.TrainingSessionFactory().attendees.add(person, user_person)
        f.TrainingSessionFactory(facility=a.facility).attendees.add(person)
        f.ConsultationFactory(facility=a.facility)
        f.AssemblyRequestFactory(
            group=a.group,
            requested_by=a.admin.staff_member,
            status="done",
            requested_at=f.timezone.now() - f.datetime.timedelta(days=1),
            decided_at=f.timezone.now(),
        )
        f.FacilityFactory()
        # moves to A, A's group reviewed, groups A's administrator attends as physician,
        # and open items of other facilities for the center's compliance dashboard
        f.OwnershipTransferFactory(
            group=f.CareGroupFactory(owner=b.facility), to_facility=a.facility
        )
        member = f.MembershipFactory(group=a.group, staff_member=id_holder(b.facility))
        f.MembershipReviewEntryFactory(review=a.review, membership=member)
        f.MembershipFactory(group=a.group, staff_member=id_holder(b.facility), status="approved")
        f.ConsentDesignationFactory(group=a.group, staff_member=person)
        attended = f.CareGroupFactory(owner=b.facility, attending_physician=a.admin.staff_member)
        f.MembershipFactory(group=attended, staff_member=id_holder(b.facility))
        other = f.FacilityFactory(category="pharmacy")
        f.DeviceFactory(facility=other)
        f.MembershipReviewFactory(group=f.CareGroupFactory(owner=other), due_on=f.TODAY)
        f.IncidentFactory(facility=other, involves_personal_data=True)
        # notices to A: one unread (its dashboard), one read by its administrator
        f.NoticeReceiptFactory(facility=a.facility)
        f.NoticeReceiptFactory(facility=a.facility, read_at=timezone.now(), read_by=a.admin)
    figures.recount()  # the compliance dashboard's figures, as the scheduled job counts them


FACILITY_PAGES = [
    "facility:dashboard",
    "facility:staff_list",
    "facility:id_requests",
    "pledges:pledges",
    "pledges:training",
    "facility:consultations",
    "devices:device_list",
    "devices:carry_out_list",
    "devices:incident_list",
    "groups:group_list",
    "groups:staff_invitations",
    "groups:transfers",
    "notices:notices",
]
USER_PAGES = [
    "portal:me",
    "groups:my_invitations",
    "groups:my_groups",
    "devices:my_devices",
    "devices:my_carry_outs",
]
GROUP_PAGES = ["groups:group_detail", "groups:group_review", "groups:designations"]


def pages(world):
    facility = {"facility": world.a.facility.pk}
    yield from ((world.a.admin, reverse(name, kwargs=facility)) for name in FACILITY_PAGES)
    yield from ((world.center, reverse(name, kwargs=facility)) for name in FACILITY_PAGES)
    yield world.center, reverse("portal:facilities")
    yield world.center, reverse("portal:compliance")
    yield from ((world.a.user, reverse(name)) for name in USER_PAGES)
    yield from ((world.a.admin, reverse(name, args=[world.a.group.pk])) for name in GROUP_PAGES)
    yield world.a.admin, reverse("groups:attended_groups")
    # the ID棚卸 download: the facility's staff with their IDs, however many
    for fmt in ("csv", "xlsx"):
        yield world.a.admin, reverse("facility:roster_download", args=[world.a.facility.pk, fmt])


def query_counts(client, world):
    counts = {}
    for user, url in pages(world):
        client.force_login(user)
        client.get(url)  # warm per-process caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[(user.username, url)] = len(queries)
    return counts


@pytest.mark.django_db
def test_list_pages_run_a_fixed_number_of_queries(client):
    world = build_world()
    more_rows(world, 1)
    few = query_counts(client, world)
    more_rows(world, 5)
    assert query_counts(client, world) == few
